/* ferry-operation-row.h: one job of the queue, with its own progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-job.h"
#include "ferry-queue.h"

G_BEGIN_DECLS

/* The VM and where it goes, the state and phase, a progress bar with the
 * rate and the time left; after a failure, in plain words what happened,
 * where the VM is now and what to do (R29: Resume VM). Cancel and Resume
 * VM work on their own (actions "row.cancel", "row.resume"), so the row
 * serves the operations panel and the flows' progress pages alike. With
 * list actions, Retry and Dismiss activate the operations panel's
 * "ops.retry" and "ops.dismiss" with the job's ID. */
#define FERRY_TYPE_OPERATION_ROW (ferry_operation_row_get_type ())

G_DECLARE_FINAL_TYPE (FerryOperationRow, ferry_operation_row, FERRY, OPERATION_ROW, AdwPreferencesRow)

/* @queue: (nullable): cancels through the queue. @title: (nullable): the
 * default is "VM: from → to". */
GtkWidget  *ferry_operation_row_new              (FerryQueue        *queue,
                                                  FerryJob          *job,
                                                  const char        *title);
FerryJob   *ferry_operation_row_get_job          (FerryOperationRow *self);
/* Shows Retry and Dismiss (in the operations panel). */
void        ferry_operation_row_set_list_actions (FerryOperationRow *self,
                                                  gboolean           list_actions);
/* What the row says, and its buttons (tests). */
const char *ferry_operation_row_get_summary      (FerryOperationRow *self);
const char *ferry_operation_row_get_problem      (FerryOperationRow *self);
gboolean    ferry_operation_row_can_resume       (FerryOperationRow *self);
GtkButton  *ferry_operation_row_get_cancel_button (FerryOperationRow *self);
GtkButton  *ferry_operation_row_get_resume_button (FerryOperationRow *self);

G_END_DECLS
