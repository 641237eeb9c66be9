/* queue-test-utils.h: a simulated world with connections, for the plan,
 * queue, history and feasibility-server tests
 *
 * qt_start() starts ferry-sim in-process with the demo (Production, Lab,
 * legacy-01) and two pools of this file (Evac: three hosts without HA,
 * six small VMs on ev-1; Dest: two hosts), opens one connection per pool
 * with its cache, and gives a journal in the test's temporary directory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-cache.h"
#include "ferry-engine-test-utils.h"
#include "ferry-estimate.h"
#include "ferry-history.h"
#include "ferry-host.h"
#include "ferry-job.h"
#include "ferry-move-request.h"
#include "ferry-network.h"
#include "ferry-plan.h"
#include "ferry-queue.h"
#include "ferry-sr.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

G_BEGIN_DECLS

typedef struct
{
  FerrySimTestServer *server;
  GListStore         *connections;   /* FerryConnection */
  char               *journal;       /* path */
} QtWorld;

extern QtWorld qt;

/* Starts the world (time scale @scale) and connects to every pool. */
void              qt_start               (double       scale);
void              qt_stop                (void);
/* Unrefs every connection without logging out (a crash) and opens new ones. */
void              qt_reconnect           (void);
/* Simulated seconds per real second: @scale divided by
 * ferry_test_time_scale(), so that the world keeps pace with a slowed run
 * (faults' "seconds" and "delay" are simulated time too). */
void              qt_set_time_scale      (double       scale);

FerryConnection  *qt_connection          (const char  *pool);
FerryCache       *qt_cache               (const char  *pool);
/* Objects by name_label (not snapshots); fails the test when missing. */
gpointer          qt_find                (const char  *pool,
                                          GType        type,
                                          const char  *name);
#define QT_VM(pool, name)      ((FerryVm *) qt_find ((pool), FERRY_TYPE_VM, (name)))
#define QT_HOST(pool, name)    ((FerryHost *) qt_find ((pool), FERRY_TYPE_HOST, (name)))
#define QT_SR(pool, name)      ((FerrySr *) qt_find ((pool), FERRY_TYPE_SR, (name)))
#define QT_NETWORK(pool, name) ((FerryNetwork *) qt_find ((pool), FERRY_TYPE_NETWORK, (name)))
/* The VM by name, wherever it is now, or NULL. */
FerryVm          *qt_lookup_vm           (const char  *pool,
                                          const char  *name);
/* The name of the host the VM runs on (cache), or NULL. */
const char       *qt_vm_host_name        (FerryVm     *vm);
/* The SR name of the VM's first disk (cache). */
const char       *qt_vm_disk_sr_name     (FerryVm     *vm);

/* Spins until every cache has seen every change made so far: a marker
 * written to each pool comes back through the events. */
void              qt_sync_caches         (void);
/* Spins until the caches show @vm on @host (or the timeout passes). */
gboolean          qt_wait_vm_on          (const char  *pool,
                                          const char  *vm,
                                          const char  *host,
                                          guint        timeout_ms);
/* Spins until @queue has no unfinished job; fails after @timeout_ms. */
void              qt_wait_idle           (FerryQueue  *queue,
                                          guint        timeout_ms);
/* Spins until @job is in @state; fails after @timeout_ms. */
void              qt_wait_state          (FerryJob    *job,
                                          FerryJobState state,
                                          guint        timeout_ms);
void              qt_wait_progress       (FerryJob    *job,
                                          double       progress,
                                          guint        timeout_ms);

FerryHistory     *qt_history_new         (void);
FerryQueue       *qt_queue_new           (FerryHistory *history);
FerryPlan        *qt_plan                (FerryMoveRequest *request);

/* Faults (README §9) as JSON; the simulator's invariants; JSON-RPC. */
void              qt_add_faults          (const char  *json);
void              qt_clear_faults        (void);
/* How often faults of @type have fired so far. */
guint             qt_fault_fired         (const char  *type);
void              qt_assert_invariants   (void);
JsonNode         *qt_call                (const char  *pool,
                                          const char  *method,
                                          GVariant    *args);

/* Every job of @jobs ended, its state final, and the journal on disk
 * (read afresh) has exactly one end record for it with the same outcome. */
void              qt_assert_journalled   (GPtrArray   *jobs);
/* How many "type" records the journal file holds for @job_id. */
guint             qt_count_records       (const char  *job_id,
                                          const char  *type);

G_END_DECLS
