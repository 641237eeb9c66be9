/* ferry-job-row.h: one queued move with its own progress, for the flows
 *
 * Title: the VM (and disk); subtitle: the phase, or after a failure what
 * happened and where the VM is now. A Cancel button while it can be
 * cancelled, and Resume when a failed live migration left the VM paused (R29).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-job.h"
#include "ferry-queue.h"

G_BEGIN_DECLS

#define FERRY_TYPE_JOB_ROW (ferry_job_row_get_type ())

G_DECLARE_FINAL_TYPE (FerryJobRow, ferry_job_row, FERRY, JOB_ROW, AdwActionRow)

GtkWidget *ferry_job_row_new              (FerryQueue  *queue,
                                           FerryJob    *job,
                                           const char  *title);
FerryJob  *ferry_job_row_get_job          (FerryJobRow *self);
/* The buttons (tests, focus). */
GtkButton *ferry_job_row_get_cancel_button (FerryJobRow *self);
GtkButton *ferry_job_row_get_resume_button (FerryJobRow *self);
/* A short text of the state ("Queued", "Failed", …). */
const char *ferry_job_state_to_label      (FerryJobState state);

G_END_DECLS
