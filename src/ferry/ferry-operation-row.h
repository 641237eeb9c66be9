/* ferry-operation-row.h: one job of the queue in the operations panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ferry-job.h"

G_BEGIN_DECLS

/* The VM and where it goes, the state and phase, a progress bar with the
 * rate and the time left; after a failure, in plain words what happened,
 * where the VM is now and what to do (R29: Resume VM). Its buttons
 * activate the panel's actions ("ops.cancel", "ops.retry", "ops.dismiss",
 * "ops.resume") with the job's ID. */
#define FERRY_TYPE_OPERATION_ROW (ferry_operation_row_get_type ())

G_DECLARE_FINAL_TYPE (FerryOperationRow, ferry_operation_row, FERRY, OPERATION_ROW, GtkListBoxRow)

GtkWidget  *ferry_operation_row_new         (FerryJob          *job);
FerryJob   *ferry_operation_row_get_job     (FerryOperationRow *self);
/* What the row says (tests). */
const char *ferry_operation_row_get_summary (FerryOperationRow *self);
const char *ferry_operation_row_get_problem (FerryOperationRow *self);
gboolean    ferry_operation_row_can_resume  (FerryOperationRow *self);

G_END_DECLS
