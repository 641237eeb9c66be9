/* ferry-queue.h: the operation queue, with the concurrency rules applied
 *
 * A FerryQueue is a GListModel of FerryJob (ferry-job.h): one job per item
 * of every plan added, in order. It starts jobs in that order as slots
 * free up; a job that cannot start waits (WAITING, with the reason in its
 * phase) while later ones that can, start:
 *
 *   - storage migrations (O2, O4, and O3, which xapi runs as a
 *     migrate_send) take one of 3 slots of their source host (xapi's
 *     TOO_MANY_STORAGE_MIGRATES limit; "host-storage-limit");
 *   - VM migrations (O1, O2, O4) take one of the source pool's slots (R14,
 *     "pool-limit", default 3; 1 means one at a time);
 *   - an evacuation (O5) runs in batches (R3): the plan's batch size, else
 *     "evacuation-batch-size", else the pool's (pool.other_config
 *     "evacuation-batch-size"), else 10. Before its first VM leaves, the
 *     host is disabled and XenCenter's MAINTENANCE_MODE and
 *     MAINTENANCE_MODE_EVACUATED_VMS_{MIGRATED,SUSPENDED,HALTED} keys are
 *     written to its other_config, so that XenCenter and Ferry can both
 *     bring the VMs back ("put back", ferry-history.h);
 *   - one VM never has two jobs active at once.
 *
 * TOO_MANY_STORAGE_MIGRATES means "wait and try again", never a failure;
 * transient errors are retried with back-off ("retry-delay", doubling,
 * "max-retries"); permanent ones fail the job at once.
 *
 * Every job is journalled (the plan when added, then queued, start, end;
 * ferry-history.h). After an app restart, ferry_queue_recover_async()
 * rebuilds the unfinished jobs from the journal, re-attaches to their
 * server tasks by ref and finishes their records.
 *
 * Disposing of a queue does not cancel anything on the servers: running
 * migrations go on and a later queue recovers them.
 *
 * The queue needs its connections' caches (events on): refs are looked up
 * there by UUID when a job starts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-estimate.h"
#include "ferry-history.h"
#include "ferry-job.h"
#include "ferry-plan.h"

G_BEGIN_DECLS

#define FERRY_QUEUE_DEFAULT_POOL_LIMIT         3
#define FERRY_QUEUE_DEFAULT_HOST_STORAGE_LIMIT 3
#define FERRY_QUEUE_DEFAULT_EVACUATION_BATCH   10

#define FERRY_TYPE_QUEUE (ferry_queue_get_type ())
G_DECLARE_FINAL_TYPE (FerryQueue, ferry_queue, FERRY, QUEUE, GObject)

/* Signals:
 * "job-finished" (FerryJob *job): a job reached its final state. */

/* @connections: (element-type FerryConnection): the pools (e.g. a
 * FerryConnectionManager); @history: (nullable): the journal (NULL: none);
 * @estimator: (nullable): a new one when NULL. */
FerryQueue     *ferry_queue_new                (GListModel      *connections,
                                                FerryHistory    *history,
                                                FerryEstimator  *estimator);
GListModel     *ferry_queue_get_connections    (FerryQueue      *self);
FerryHistory   *ferry_queue_get_history        (FerryQueue      *self);
FerryEstimator *ferry_queue_get_estimator      (FerryQueue      *self);

/* Queues one job per item of @plan (items with a blocker fail at once,
 * with the reason) and journals them. Items without an estimate get one.
 * Returns: (transfer container) (element-type FerryJob): the new jobs. */
GPtrArray      *ferry_queue_add_plan           (FerryQueue      *self,
                                                FerryPlan       *plan);

/* Control */
/* A paused queue starts nothing new; running jobs go on. */
void            ferry_queue_set_paused         (FerryQueue      *self,
                                                gboolean         paused);
gboolean        ferry_queue_get_paused         (FerryQueue      *self);
/* Holds a job that has not started (it stays QUEUED, "On hold") or lets it go. */
void            ferry_queue_hold_job           (FerryQueue      *self,
                                                FerryJob        *job,
                                                gboolean         held);
/* Moves a job to @position in the list (and in the order jobs start). */
void            ferry_queue_move_job           (FerryQueue      *self,
                                                FerryJob        *job,
                                                guint            position);
void            ferry_queue_cancel_job         (FerryQueue      *self,
                                                FerryJob        *job);
/* Cancels every job of @plan_id (NULL: every job). */
void            ferry_queue_cancel_all         (FerryQueue      *self,
                                                const char      *plan_id);
/* Removes finished jobs from the list (they stay in the journal). */
void            ferry_queue_clear_finished     (FerryQueue      *self);
FerryJob       *ferry_queue_lookup_job         (FerryQueue      *self,
                                                const char      *job_id);

/* Limits and retries (see above). */
void            ferry_queue_set_pool_limit     (FerryQueue      *self,
                                                guint            limit);
guint           ferry_queue_get_pool_limit     (FerryQueue      *self);
void            ferry_queue_set_host_storage_limit (FerryQueue  *self,
                                                guint            limit);
guint           ferry_queue_get_host_storage_limit (FerryQueue  *self);
/* 0: the plan's or the pool's value, else 10. */
void            ferry_queue_set_evacuation_batch_size (FerryQueue *self,
                                                guint            size);
guint           ferry_queue_get_evacuation_batch_size (FerryQueue *self);
void            ferry_queue_set_retry_delay    (FerryQueue      *self,
                                                double           seconds);
void            ferry_queue_set_max_retries    (FerryQueue      *self,
                                                guint            retries);

/* Jobs in CHECKING, RUNNING or CANCELLING; jobs not final yet. */
guint           ferry_queue_get_n_active       (FerryQueue      *self);
guint           ferry_queue_get_n_unfinished   (FerryQueue      *self);

/* Completes when every job of the list is final (at once if none). */
void            ferry_queue_wait_idle_async    (FerryQueue          *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        ferry_queue_wait_idle_finish   (FerryQueue          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* After a restart: reloads the journal (in a thread) and queues every job
 * it shows unfinished whose pools are connected. One that had started is
 * re-attached to its server task by ref (or, when the task is gone, ends by
 * where the VM is); one that had not starts as usual, never twice (see
 * ferry-job.c). The others stay open and are queued when their pools
 * connect (a cache of the queue's connections becomes populated). Returns
 * the number of jobs recovered now. */
void            ferry_queue_recover_async      (FerryQueue          *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
guint           ferry_queue_recover_finish     (FerryQueue          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
