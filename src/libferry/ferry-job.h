/* ferry-job.h: one operation of the queue (one VM, or one disk move)
 *
 * (The spec's "operation" object. It is called a job because
 * FerryOperation already names the kind of move, O1–O5,
 * ferry-move-request.h.)
 *
 * A job is made by FerryQueue from one item of a plan and lives in the
 * queue's list. Its properties notify, for the operations panel and the
 * command line's watch:
 *
 *   state        QUEUED → WAITING (for a slot, or a retry) → CHECKING →
 *                RUNNING → SUCCEEDED | FAILED | CANCELLED; CANCELLING while
 *                task.cancel is under way. A final state never changes.
 *   phase        what it does or waits for, in words ("Copying disks",
 *                "Waiting for a free slot: 3 storage migrations leave
 *                prod-host-02", "Retrying in 4 s")
 *   progress     0…1, never decreasing
 *   rate, eta    bytes/s and seconds left (−1 while unknown)
 *   error, check why it failed: the GError and the same as a finding
 *                (message and remedy, ferry-check.h)
 *   location     where the VM is after a failure (ferry-recovery.h), said
 *                plainly; can-unpause when it was left paused (R29)
 *   vm-name, from, to, operation, task-ref, held, attempts
 *
 * Every job ends in one final state and is journalled (ferry-history.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-check.h"
#include "ferry-estimate.h"
#include "ferry-plan.h"
#include "ferry-recovery.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_JOB_QUEUED,
  FERRY_JOB_WAITING,
  FERRY_JOB_CHECKING,
  FERRY_JOB_RUNNING,
  FERRY_JOB_CANCELLING,
  FERRY_JOB_SUCCEEDED,
  FERRY_JOB_FAILED,
  FERRY_JOB_CANCELLED,
} FerryJobState;

GType ferry_job_state_get_type (void) G_GNUC_CONST;
#define FERRY_TYPE_JOB_STATE (ferry_job_state_get_type ())

/* "queued", "waiting", … */
const char *ferry_job_state_to_string (FerryJobState state);
gboolean    ferry_job_state_is_final  (FerryJobState state);

#define FERRY_TYPE_JOB (ferry_job_get_type ())
G_DECLARE_FINAL_TYPE (FerryJob, ferry_job, FERRY, JOB, GObject)

const char          *ferry_job_get_id          (FerryJob *self);
FerryPlan           *ferry_job_get_plan        (FerryJob *self);
FerryPlanItem       *ferry_job_get_item        (FerryJob *self);
FerryJobState        ferry_job_get_state       (FerryJob *self);
gboolean             ferry_job_is_finished     (FerryJob *self);
const char          *ferry_job_get_phase       (FerryJob *self);
double               ferry_job_get_progress    (FerryJob *self);
/* Bytes per second, and seconds left; −1 while unknown. */
double               ferry_job_get_rate        (FerryJob *self);
double               ferry_job_get_eta         (FerryJob *self);
const char          *ferry_job_get_vm_name     (FerryJob *self);
const char          *ferry_job_get_from        (FerryJob *self);
const char          *ferry_job_get_to          (FerryJob *self);
FerryOperation       ferry_job_get_operation   (FerryJob *self);
/* The server task while it runs (and after), or NULL. */
const char          *ferry_job_get_task_ref    (FerryJob *self);
gboolean             ferry_job_get_held        (FerryJob *self);
gboolean             ferry_job_get_can_cancel  (FerryJob *self);
guint                ferry_job_get_attempts    (FerryJob *self);
/* How many migration tasks this job started (tests: never two for one move). */
guint                ferry_job_get_n_starts    (FerryJob *self);
/* The failure, or NULL. */
const GError        *ferry_job_get_error       (FerryJob *self);
FerryCheck          *ferry_job_get_check       (FerryJob *self);
/* Where the VM is after a failure or cancellation, or NULL. */
const FerryVmLocation *ferry_job_get_location  (FerryJob *self);
gboolean             ferry_job_get_can_unpause (FerryJob *self);
/* The estimate it started with (NULL when none), and how long it took
 * (seconds; −1 until it ended). */
const FerryEstimate *ferry_job_get_estimate    (FerryJob *self);
double               ferry_job_get_duration    (FerryJob *self);

/* Cancels: a job that has not started ends CANCELLED at once; a running
 * one is cancelled on the server (task.cancel), and ends CANCELLED, or
 * SUCCEEDED when the server had passed the point of no return. */
void                 ferry_job_cancel          (FerryJob *self);

/* R29: unpauses the VM a failed migration left paused, then reads where
 * it is again (the location property). */
void                 ferry_job_unpause_vm_async  (FerryJob            *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean             ferry_job_unpause_vm_finish (FerryJob            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
