/* ferry-history-row.h: one past move in the History window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-history.h"
#include "ferry-queue.h"

G_BEGIN_DECLS

#define FERRY_TYPE_HISTORY_ROW (ferry_history_row_get_type ())

G_DECLARE_FINAL_TYPE (FerryHistoryRow, ferry_history_row, FERRY, HISTORY_ROW, GtkBox)

/* @queue: (nullable): tells a move that still runs from one that Ferry
 * left unfinished when it stopped. */
GtkWidget         *ferry_history_row_new         (FerryQueue        *queue);
/* Shows @entry (NULL: nothing), and follows its outcome. */
void               ferry_history_row_set_entry   (FerryHistoryRow   *self,
                                                  FerryHistoryEntry *entry);
FerryHistoryEntry *ferry_history_row_get_entry   (FerryHistoryRow   *self);

/* "Succeeded", "Failed", "Cancelled", "Still running", "Interrupted" */
const char        *ferry_history_entry_get_outcome_label (FerryHistoryEntry *entry,
                                                          FerryQueue        *queue);
/* The job, plan, task, who, times and error code, one per line, for the
 * details and for support. */
char              *ferry_history_entry_dup_details       (FerryHistoryEntry *entry);

G_END_DECLS
