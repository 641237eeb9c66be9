/* ferry-task-follower-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-task-follower.h"

G_BEGIN_DECLS

/* A task record from event.from or task.get_record. */
void _ferry_task_follower_update   (FerryTaskFollower *self,
                                    JsonObject        *record);
/* A "del" event, or a snapshot without the task: check with the server. */
void _ferry_task_follower_verify   (FerryTaskFollower *self);
/* The connection's events stopped or started: poll or stop polling. */
void _ferry_task_follower_refresh  (FerryTaskFollower *self);

G_END_DECLS
