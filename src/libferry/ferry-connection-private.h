/* ferry-connection-private.h: what FerryTaskFollower and the manager use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-connection.h"
#include "ferry-task-follower.h"

G_BEGIN_DECLS

/* Followers get the task's record from every event batch that has it. */
void     _ferry_connection_add_follower    (FerryConnection   *self,
                                            FerryTaskFollower *follower);
void     _ferry_connection_remove_follower (FerryConnection   *self,
                                            FerryTaskFollower *follower);
/* Whether task records arrive through event.from (else: poll). */
gboolean _ferry_connection_has_events      (FerryConnection   *self);
void     _ferry_connection_set_id          (FerryConnection   *self,
                                            const char        *id);
/* open_async() without a password reads it from the keyring (restore). */
void     _ferry_connection_set_use_keyring (FerryConnection   *self,
                                            gboolean           use_keyring);
/* The pool name saved with the list, until the pool's own arrives. */
void     _ferry_connection_set_pool_name   (FerryConnection   *self,
                                            const char        *name);
/* The session, for the HTTP export and import (ferry-relay.c); secret. */
const char *_ferry_connection_get_session_ref (FerryConnection *self);

G_END_DECLS
