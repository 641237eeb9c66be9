/* ferry-connect-dialog.h: address, user and password of a new server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-connection-manager.h"

G_BEGIN_DECLS

/* Signals:
 * "connected" (FerryConnection *connection): the login worked; the
 *   connection is in the manager, connected (the one that logged in, taken
 *   over by the manager). The dialog closes after it. */
#define FERRY_TYPE_CONNECT_DIALOG (ferry_connect_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryConnectDialog, ferry_connect_dialog, FERRY, CONNECT_DIALOG, AdwWindow)

/* @connection: a saved connection to log in to again, or NULL for a new one. */
FerryConnectDialog *ferry_connect_dialog_new            (GtkWindow              *parent,
                                                         FerryConnectionManager *manager,
                                                         FerryConnection        *connection);
void                ferry_connect_dialog_fill           (FerryConnectDialog     *self,
                                                         const char             *address,
                                                         const char             *username,
                                                         const char             *password,
                                                         gboolean                remember);
/* What the "Connect" button does. */
void                ferry_connect_dialog_connect        (FerryConnectDialog     *self);
gboolean            ferry_connect_dialog_get_busy       (FerryConnectDialog     *self);
/* The error shown, or "" */
const char         *ferry_connect_dialog_get_error_text (FerryConnectDialog     *self);

G_END_DECLS
