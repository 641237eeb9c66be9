/* ferry-operations-panel.h: every queued, running and finished operation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ferry-queue.h"

G_BEGIN_DECLS

/* A list of the queue's jobs (FerryOperationRow, which cancels and
 * resumes by itself), jobs of one plan under a header with Pause, Cancel
 * and "Retry failed". Its actions, with a job or plan ID:
 *   ops.retry, ops.dismiss                                  "s" job ID
 *   ops.pause-plan, ops.cancel-plan, ops.retry-plan         "s" plan ID
 *   ops.clear-finished
 * Signals: "changed": the counts below changed (at most once per main
 * loop iteration). */
#define FERRY_TYPE_OPERATIONS_PANEL (ferry_operations_panel_get_type ())

G_DECLARE_FINAL_TYPE (FerryOperationsPanel, ferry_operations_panel, FERRY, OPERATIONS_PANEL, GtkWidget)

GtkWidget  *ferry_operations_panel_new        (void);
void        ferry_operations_panel_set_queue  (FerryOperationsPanel *self,
                                               FerryQueue           *queue);
FerryQueue *ferry_operations_panel_get_queue  (FerryOperationsPanel *self);
/* Jobs not final yet, running now (checking, running, cancelling), and
 * failed ones still listed. */
void        ferry_operations_panel_get_counts (FerryOperationsPanel *self,
                                               guint                *unfinished,
                                               guint                *running,
                                               guint                *failed);
/* "2 running, 1 queued, 1 failed", or NULL when the list is empty. */
const char *ferry_operations_panel_get_summary (FerryOperationsPanel *self);
/* The row of @job, or NULL when it is not listed (tests). */
GtkWidget  *ferry_operations_panel_find_row   (FerryOperationsPanel *self,
                                               FerryJob             *job);
/* Queues the failed and cancelled @jobs (of one plan) again: a new plan
 * with the same destination and choices. Returns the new jobs. */
GPtrArray  *ferry_operations_panel_retry      (FerryOperationsPanel *self,
                                               GPtrArray            *jobs,
                                               GError              **error);

G_END_DECLS
