/* ferry-job-private.h: how the queue drives its jobs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-estimate.h"
#include "ferry-history.h"
#include "ferry-job.h"

G_BEGIN_DECLS

/* What a job counts against (R14, xapi's 3 per source host, R3). */
typedef enum
{
  FERRY_SLOT_LIVE,        /* O1: the source pool's limit */
  FERRY_SLOT_STORAGE,     /* O2, O4: the pool's limit and 3 per source host */
  FERRY_SLOT_DISK,        /* O3: 3 per host (VDI.pool_migrate is a migrate_send) */
  FERRY_SLOT_EVACUATE,    /* O5: the batch of the evacuated host */
} FerrySlotKind;

/* Settings the queue shares with its jobs. */
typedef struct
{
  double retry_delay;     /* seconds before the first retry; doubles each time */
  guint  max_retries;     /* transient failures retried at most this often */
} FerryJobSettings;

FerryJob      *_ferry_job_new              (FerryPlan          *plan,
                                            FerryPlanItem      *item,
                                            guint               index,
                                            const char         *id,
                                            GListModel         *connections,
                                            FerryHistory       *history,
                                            FerryEstimator     *estimator,
                                            const FerryJobSettings *settings);
guint          _ferry_job_get_index        (FerryJob           *self);
FerrySlotKind  _ferry_job_get_slot_kind    (FerryJob           *self);
/* The host whose storage-migration count it takes: the VM's host, else
 * its pool's master (a halted VM's migrate_send runs there). */
const char    *_ferry_job_get_slot_host    (FerryJob           *self);
/* The job may start: QUEUED or WAITING, not held, no retry pending. */
gboolean       _ferry_job_is_ready         (FerryJob           *self);
/* CHECKING, RUNNING or CANCELLING. */
gboolean       _ferry_job_is_active        (FerryJob           *self);
/* Runs it (CHECKING, then RUNNING …). Emits "finished" at a final state,
 * "requeued" when it went back to WAITING (slot taken, retry). */
void           _ferry_job_start            (FerryJob           *self);
/* Re-attaches to a task it started before a restart or reconnect. */
void           _ferry_job_attach           (FerryJob           *self,
                                            const char         *task_ref);
void           _ferry_job_set_waiting      (FerryJob           *self,
                                            const char         *why);
void           _ferry_job_set_held         (FerryJob           *self,
                                            gboolean            held);
/* Ends it FAILED without starting (e.g. its host could not be prepared). */
void           _ferry_job_fail             (FerryJob           *self,
                                            const GError       *error);
/* The owner is going away without an end (a crash, in tests): stop
 * following anything, journal nothing more. */
void           _ferry_job_abandon          (FerryJob           *self);
/* Journals the queued record. */
void           _ferry_job_journal_queued   (FerryJob           *self);

G_END_DECLS
