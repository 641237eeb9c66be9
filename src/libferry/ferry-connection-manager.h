/* ferry-connection-manager.h: every pool and host the user added, saved
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-connection.h"

G_BEGIN_DECLS

/* A GListModel of FerryConnection. The list (addresses, users, transport,
 * known pool members; never a password) lives in a key file under the XDG
 * config dir; passwords live in the keyring (FerryCredentials).
 *
 * Signals:
 * "trust-request" (FerryConnection *, FerryTrustRequest *) → gboolean: the
 *   connection's own "trust-request", for whoever shows the prompt. */
#define FERRY_TYPE_CONNECTION_MANAGER (ferry_connection_manager_get_type ())
G_DECLARE_FINAL_TYPE (FerryConnectionManager, ferry_connection_manager, FERRY, CONNECTION_MANAGER, GObject)

/* @path NULL: $XDG_CONFIG_HOME/ferry/connections.ini. */
FerryConnectionManager *ferry_connection_manager_new            (const char             *path);
const char             *ferry_connection_manager_get_path       (FerryConnectionManager *self);
/* Adds a connection (not opened) and saves the list. Transfer none. */
FerryConnection        *ferry_connection_manager_add            (FerryConnectionManager *self,
                                                                 const char             *address,
                                                                 const char             *username,
                                                                 FerryTransport          transport);
/* Takes over @connection, open or not (the connect dialog logs in first,
 * then hands the connection over), and saves the list. Nothing happens
 * when it is in the list already. */
void                    ferry_connection_manager_add_connection (FerryConnectionManager *self,
                                                                 FerryConnection        *connection);
/* Closes the connection, forgets it and saves the list. */
void                    ferry_connection_manager_remove         (FerryConnectionManager *self,
                                                                 FerryConnection        *connection);
FerryConnection        *ferry_connection_manager_lookup         (FerryConnectionManager *self,
                                                                 const char             *id);
FerryConnection        *ferry_connection_manager_find           (FerryConnectionManager *self,
                                                                 const char             *address,
                                                                 const char             *username);
/* Replaces the list by the saved one (nothing is opened). */
gboolean                ferry_connection_manager_load           (FerryConnectionManager *self,
                                                                 GError                **error);
gboolean                ferry_connection_manager_save           (FerryConnectionManager *self,
                                                                 GError                **error);
/* Loads the list (with each pool's saved name) and opens every connection
 * at once: each is CONNECTING while its password is read from the keyring,
 * and goes back to DISCONNECTED when there is none. Completes when each has
 * connected or failed; returns how many are connected. */
void                    ferry_connection_manager_restore_async  (FerryConnectionManager *self,
                                                                 GCancellable           *cancellable,
                                                                 GAsyncReadyCallback     callback,
                                                                 gpointer                user_data);
guint                   ferry_connection_manager_restore_finish (FerryConnectionManager *self,
                                                                 GAsyncResult           *result,
                                                                 GError                **error);
/* Closes (and logs out of) every connection. */
void                    ferry_connection_manager_close_all_async  (FerryConnectionManager *self,
                                                                   GCancellable           *cancellable,
                                                                   GAsyncReadyCallback     callback,
                                                                   gpointer                user_data);
gboolean                ferry_connection_manager_close_all_finish (FerryConnectionManager *self,
                                                                   GAsyncResult           *result,
                                                                   GError                **error);

G_END_DECLS
