/* ferry-history-dialog.h: the History window: every past move, newest first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-history.h"
#include "ferry-window.h"

G_BEGIN_DECLS

#define FERRY_TYPE_HISTORY_DIALOG (ferry_history_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryHistoryDialog, ferry_history_dialog, FERRY, HISTORY_DIALOG, AdwWindow)

/* The History window of @window (its queue's journal), made when there is
 * none yet, and presented. One per window. Transfer none. */
FerryHistoryDialog *ferry_history_dialog_present     (FerryWindow         *window);
/* NULL when the window's queue keeps no history. */
FerryHistory       *ferry_history_dialog_get_history (FerryHistoryDialog  *self);
/* The entries the search leaves, newest first (FerryHistoryEntry). */
GListModel         *ferry_history_dialog_get_shown   (FerryHistoryDialog  *self);
GtkEditable        *ferry_history_dialog_get_search  (FerryHistoryDialog  *self);

/* Writes the shown entries to @file, oldest first, one JSON line each: the
 * whole merged record (ferry_history_entry_dup_json()), for support: the
 * entries shown when this is called, their records as they are while it
 * runs. "Export…" asks for the file with a native file chooser, then calls
 * this. */
void                ferry_history_dialog_export_async  (FerryHistoryDialog  *self,
                                                        GFile               *file,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* The number of entries written. */
gboolean            ferry_history_dialog_export_finish (FerryHistoryDialog  *self,
                                                        GAsyncResult        *result,
                                                        guint               *n_written,
                                                        GError             **error);

G_END_DECLS
