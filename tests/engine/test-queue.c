/* test-queue.c: the operations O1–O5 end to end through the queue against
 * ferry-sim, the concurrency limits (R3, R14, xapi's 3 storage migrations
 * per host) and the queue's controls
 *
 * After each test: no VM lost or duplicated (the simulator's invariants),
 * and every job ended in one final state that the journal shows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-queue"

#include "config.h"

#include <string.h>

#include "ferry-vbd.h"
#include "ferry-vif.h"
#include "queue-test-utils.h"

static GPtrArray *
run_plan (FerryQueue *queue,
          FerryPlan  *plan,
          guint       timeout_ms)
{
  GPtrArray *jobs = ferry_queue_add_plan (queue, plan);

  qt_wait_idle (queue, timeout_ms);
  return jobs;
}

static void
assert_succeeded (GPtrArray *jobs)
{
  for (guint i = 0; i < jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (jobs, i);

      if (ferry_job_get_state (job) != FERRY_JOB_SUCCEEDED)
        g_error ("%s: %s (%s)", ferry_job_get_vm_name (job), ferry_job_state_to_string (ferry_job_get_state (job)),
                 ferry_job_get_phase (job));
    }
}

/* O1 --------------------------------------------------------------------- */

static void
test_o1 (void)
{
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  FerryJob *job;
  FerryHistoryEntry *entry;
  FerryPlanItem *item;

  g_test_summary ("O1: a running VM moves to another host of its pool with VM.pool_migrate");

  qt_start (2000);
  history = qt_history_new ();
  queue = qt_queue_new (history);

  request = ferry_move_request_new_for_vm (QT_VM ("Production", "web-01"));
  ferry_move_request_set_destination_host (request, QT_HOST ("Production", "prod-host-03"));
  plan = qt_plan (request);
  item = ferry_plan_get_item (plan, 0);
  g_assert_cmpint (ferry_plan_item_get_operation (item), ==, FERRY_OPERATION_LIVE_MIGRATE);
  g_assert_null (ferry_plan_item_get_blocker (item));

  jobs = run_plan (queue, plan, 20000);
  assert_succeeded (jobs);
  job = g_ptr_array_index (jobs, 0);
  g_assert_cmpuint (ferry_job_get_n_starts (job), ==, 1);
  g_assert_cmpfloat (ferry_job_get_progress (job), ==, 1.0);
  g_assert_true (qt_wait_vm_on ("Production", "web-01", "prod-host-03", 5000));

  entry = ferry_history_lookup (history, ferry_job_get_id (job));
  g_assert_nonnull (entry);
  g_assert_cmpint (ferry_history_entry_get_outcome (entry), ==, FERRY_HISTORY_OUTCOME_SUCCEEDED);
  g_assert_cmpfloat (ferry_history_entry_get_actual_duration (entry), >, 0);
  g_assert_cmpint (ferry_history_entry_get_actual_bytes (entry), >, 0);
  g_assert_cmpstr (ferry_history_entry_get_who (entry), ==, "root@Production");

  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_stop ();
}

/* Counts how many jobs matching a predicate are active at once. */
typedef struct
{
  FerryQueue *queue;
  const char *host_uuid;   /* NULL: every job */
  guint       now;
  guint       most;
  GPtrArray  *started;     /* FerryJob, in the order they started checking */
} Watcher;

static void
on_state_cb (FerryJob   *job,
             GParamSpec *pspec,
             Watcher    *watcher)
{
  guint active = 0;

  if (ferry_job_get_state (job) == FERRY_JOB_CHECKING && watcher->started != NULL &&
      !g_ptr_array_find (watcher->started, job, NULL))
    g_ptr_array_add (watcher->started, job);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (watcher->queue)); i++)
    {
      g_autoptr(FerryJob) other = g_list_model_get_item (G_LIST_MODEL (watcher->queue), i);
      FerryJobState state = ferry_job_get_state (other);

      if (state != FERRY_JOB_CHECKING && state != FERRY_JOB_RUNNING && state != FERRY_JOB_CANCELLING)
        continue;
      if (watcher->host_uuid != NULL &&
          g_strcmp0 (ferry_plan_item_get_from_host_uuid (ferry_job_get_item (other)), watcher->host_uuid) != 0)
        continue;
      active++;
    }
  watcher->now = active;
  watcher->most = MAX (watcher->most, active);
}

static void
watch_jobs (Watcher   *watcher,
            GPtrArray *jobs)
{
  for (guint i = 0; i < jobs->len; i++)
    g_signal_connect (g_ptr_array_index (jobs, i), "notify::state", G_CALLBACK (on_state_cb), watcher);
}

static void
unwatch_jobs (Watcher   *watcher,
              GPtrArray *jobs)
{
  for (guint i = 0; i < jobs->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (jobs, i), watcher);
}

static FerryMoveRequest *
request_for (const char *pool,
             const char * const *vms)
{
  FerryMoveRequest *request = ferry_move_request_new ();

  for (guint i = 0; vms[i] != NULL; i++)
    ferry_move_request_add_vm (request, QT_VM (pool, vms[i]));
  return request;
}

/* O2 within a pool: a disk on local storage goes to the default SR. */
static void
test_o2_intra_pool (void)
{
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  FerryPlanItem *item;
  const FerryPlanDisk *disk;

  g_test_summary ("O2: a VM on local storage moves to another host of its pool; its disk to the default SR");

  qt_start (2000);
  history = qt_history_new ();
  queue = qt_queue_new (history);

  request = ferry_move_request_new_for_vm (QT_VM ("Evac", "ev-local"));
  ferry_move_request_set_destination_host (request, QT_HOST ("Evac", "ev-2"));
  plan = qt_plan (request);
  item = ferry_plan_get_item (plan, 0);
  g_assert_cmpint (ferry_plan_item_get_operation (item), ==, FERRY_OPERATION_STORAGE_MIGRATE);
  g_assert_null (ferry_plan_item_get_blocker (item));
  disk = ferry_plan_item_get_disk (item, 0);
  g_assert_true (disk->moves);
  g_assert_cmpstr (disk->from_sr_name, ==, "Local ev-1");
  g_assert_cmpstr (disk->to_sr_name, ==, "Evac-NFS");
  g_assert_cmpint (disk->reason, ==, FERRY_DISK_REASON_DEFAULT_SR);

  jobs = run_plan (queue, plan, 20000);
  assert_succeeded (jobs);
  g_assert_true (qt_wait_vm_on ("Evac", "ev-local", "ev-2", 5000));
  qt_sync_caches ();
  g_assert_cmpstr (qt_vm_disk_sr_name (QT_VM ("Evac", "ev-local")), ==, "Evac-NFS");
  g_assert_cmpuint (ferry_job_get_n_starts (g_ptr_array_index (jobs, 0)), ==, 1);

  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_stop ();
}

static const FerryPlanVif *
find_vif (FerryPlanItem *item,
          const char    *from_network)
{
  for (guint i = 0; i < ferry_plan_item_get_n_vifs (item); i++)
    if (g_strcmp0 (ferry_plan_item_get_vif (item, i)->from_network_name, from_network) == 0)
      return ferry_plan_item_get_vif (item, i);
  g_error ("no interface on %s", from_network);
  return NULL;
}

/* The name of the network the moved VM's interface @device is on. */
static const char *
vif_network_name (FerryVm    *vm,
                  const char *device)
{
  GListModel *vifs = ferry_vm_get_vifs (vm);

  for (guint i = 0; i < g_list_model_get_n_items (vifs); i++)
    {
      g_autoptr(FerryVif) vif = g_list_model_get_item (vifs, i);

      if (g_strcmp0 (ferry_vif_get_device (vif), device) == 0)
        {
          FerryObject *network = ferry_object_lookup_ref (FERRY_OBJECT (vif), ferry_vif_get_network (vif));

          return network ? ferry_object_get_name_label (network) : NULL;
        }
    }
  return NULL;
}

/* O2 between pools, with the interfaces matched by name, then VLAN. */
static void
test_o2_cross_pool (void)
{
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  FerryPlanItem *item;
  FerryVm *moved;

  g_test_summary ("O2 across pools: VIFs map by name, then VLAN, then the management network");

  qt_start (2000);
  history = qt_history_new ();
  queue = qt_queue_new (history);

  request = ferry_move_request_new_for_vm (QT_VM ("Evac", "ev-edge"));
  ferry_move_request_set_destination_host (request, QT_HOST ("Dest", "d-1"));
  plan = qt_plan (request);
  item = ferry_plan_get_item (plan, 0);
  g_assert_cmpint (ferry_plan_item_get_operation (item), ==, FERRY_OPERATION_STORAGE_MIGRATE);
  g_assert_true (ferry_plan_item_is_cross_pool (item));
  g_assert_null (ferry_plan_item_get_blocker (item));
  g_assert_cmpint (find_vif (item, "Migration")->reason, ==, FERRY_VIF_REASON_SAME_NAME);
  g_assert_cmpstr (find_vif (item, "Migration")->to_network_name, ==, "Migration");
  g_assert_cmpint (find_vif (item, "Edge")->reason, ==, FERRY_VIF_REASON_SAME_VLAN);
  g_assert_cmpstr (find_vif (item, "Edge")->to_network_name, ==, "Tagged-20");
  g_assert_cmpint (find_vif (item, "Mgmt")->reason, ==, FERRY_VIF_REASON_MANAGEMENT);
  g_assert_cmpstr (find_vif (item, "Mgmt")->to_network_name, ==, "Management");
  g_assert_cmpstr (ferry_plan_item_get_disk (item, 0)->to_sr_name, ==, "Dest-NFS");
  /* Its home server afterwards: another host of the destination pool. */
  ferry_plan_set_home_server (plan, QT_HOST ("Dest", "d-2"));

  jobs = run_plan (queue, plan, 20000);
  assert_succeeded (jobs);
  g_assert_true (qt_wait_vm_on ("Dest", "ev-edge", "d-1", 5000));
  qt_sync_caches ();
  moved = QT_VM ("Dest", "ev-edge");
  g_assert_cmpstr (ferry_vm_get_affinity (moved), ==, ferry_object_get_ref (FERRY_OBJECT (QT_HOST ("Dest", "d-2"))));
  g_assert_cmpstr (qt_vm_disk_sr_name (moved), ==, "Dest-NFS");
  g_assert_null (qt_lookup_vm ("Evac", "ev-edge"));
  g_assert_cmpuint (g_list_model_get_n_items (ferry_vm_get_vifs (moved)), ==, 3);
  /* Each interface, by device, on the network its plan line named. */
  for (guint i = 0; i < ferry_plan_item_get_n_vifs (item); i++)
    g_assert_cmpstr (vif_network_name (moved, ferry_plan_item_get_vif (item, i)->device), ==,
                     ferry_plan_item_get_vif (item, i)->to_network_name);

  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_stop ();
}

/* O3: one disk of a running VM moves; the VM stays. */
static void
test_o3 (void)
{
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  FerryVm *vm;
  GListModel *vbds;
  FerryPlanItem *item;

  g_test_summary ("O3: VDI.pool_migrate moves a running VM's disk to another SR");

  qt_start (2000);
  vm = QT_VM ("Evac", "ev-vm-5");
  vbds = ferry_vm_get_vbds (vm);
  history = qt_history_new ();
  queue = qt_queue_new (history);

  request = ferry_move_request_new_for_vm (vm);
  ferry_move_request_set_operation (request, FERRY_OPERATION_MOVE_DISK);
  for (guint i = 0; i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));

      if (FERRY_IS_VDI (vdi))
        ferry_move_request_set_vdi_sr (request, FERRY_VDI (vdi), QT_SR ("Evac", "Evac-iSCSI"));
    }
  plan = qt_plan (request);
  item = ferry_plan_get_item (plan, 0);
  g_assert_cmpint (ferry_plan_item_get_operation (item), ==, FERRY_OPERATION_MOVE_DISK);
  g_assert_null (ferry_plan_item_get_blocker (item));
  g_assert_cmpstr (ferry_plan_item_get_to_host_name (item), ==, "ev-1");
  g_assert_cmpint (ferry_plan_item_get_disk (item, 0)->reason, ==, FERRY_DISK_REASON_CHOSEN);

  jobs = run_plan (queue, plan, 20000);
  assert_succeeded (jobs);
  qt_wait_vm_on ("Evac", "ev-vm-5", "ev-1", 1000);
  qt_sync_caches ();
  g_assert_cmpstr (qt_vm_disk_sr_name (QT_VM ("Evac", "ev-vm-5")), ==, "Evac-iSCSI");
  g_assert_cmpstr (qt_vm_host_name (QT_VM ("Evac", "ev-vm-5")), ==, "ev-1");

  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_stop ();
}

/* O4: halted VMs, within a pool and to another pool. */
static void
test_o4 (void)
{
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(FerryMoveRequest) cross = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(FerryPlan) cross_plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) cross_jobs = NULL;
  FerryPlanItem *item;

  g_test_summary ("O4: a halted VM moves to other SRs (migrate_send, live=false), also to another pool");

  qt_start (2000);
  history = qt_history_new ();
  queue = qt_queue_new (history);

  request = ferry_move_request_new_for_vm (QT_VM ("Evac", "ev-halted"));
  ferry_move_request_set_default_sr (request, QT_SR ("Evac", "Evac-iSCSI"));
  plan = qt_plan (request);
  item = ferry_plan_get_item (plan, 0);
  g_assert_cmpint (ferry_plan_item_get_operation (item), ==, FERRY_OPERATION_MOVE_HALTED);
  g_assert_null (ferry_plan_item_get_blocker (item));
  g_assert_cmpint (ferry_plan_item_get_disk (item, 0)->reason, ==, FERRY_DISK_REASON_SAME_SR);

  cross = ferry_move_request_new_for_vm (QT_VM ("legacy-01", "legacy-halted"));
  ferry_move_request_set_destination_host (cross, QT_HOST ("Lab", "lab-host-01"));
  cross_plan = qt_plan (cross);
  item = ferry_plan_get_item (cross_plan, 0);
  g_assert_cmpint (ferry_plan_item_get_operation (item), ==, FERRY_OPERATION_MOVE_HALTED);
  g_assert_null (ferry_plan_item_get_blocker (item));

  jobs = ferry_queue_add_plan (queue, plan);
  cross_jobs = ferry_queue_add_plan (queue, cross_plan);
  qt_wait_idle (queue, 20000);
  assert_succeeded (jobs);
  assert_succeeded (cross_jobs);

  qt_sync_caches ();
  g_assert_cmpstr (qt_vm_disk_sr_name (QT_VM ("Evac", "ev-halted")), ==, "Evac-iSCSI");
  g_assert_cmpint (ferry_vm_get_power_state (QT_VM ("Evac", "ev-halted")), ==, FERRY_VM_POWER_STATE_HALTED);
  g_assert_nonnull (qt_lookup_vm ("Lab", "legacy-halted"));
  g_assert_null (qt_lookup_vm ("legacy-01", "legacy-halted"));

  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_assert_journalled (cross_jobs);
  qt_stop ();
}

/* O5, then "put them back". */
static void
test_o5_and_put_back (void)
{
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GPtrArray) back_jobs = NULL;
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GError) error = NULL;
  FerryHost *ev1;
  FerryPlan *back_plan;
  Watcher watcher = { 0 };
  guint succeeded = 0;
  const char *migrated;

  g_test_summary ("O5: a host is evacuated in batches (R3) with XenCenter's maintenance keys, then put back");

  qt_start (300);
  ev1 = QT_HOST ("Evac", "ev-1");
  history = qt_history_new ();
  queue = qt_queue_new (history);
  before = g_date_time_new_now_utc ();
  g_usleep (1100 * 1000);   /* journal times have whole seconds */

  request = ferry_move_request_new ();
  ferry_move_request_set_evacuate_host (request, ev1);
  plan = qt_plan (request);
  ferry_plan_set_evacuation_batch_size (plan, 2);
  g_assert_cmpint (ferry_plan_get_operation (plan), ==, FERRY_OPERATION_EVACUATE);
  g_assert_cmpuint (ferry_plan_get_n_items (plan), ==, 6);
  /* ev-local cannot leave: its disk is on ev-1's local SR. */
  g_assert_cmpuint (ferry_plan_get_n_blocked (plan), ==, 1);

  watcher.queue = queue;
  jobs = ferry_queue_add_plan (queue, plan);
  watch_jobs (&watcher, jobs);
  qt_wait_idle (queue, 30000);
  unwatch_jobs (&watcher, jobs);
  g_assert_cmpuint (watcher.most, <=, 2);
  g_assert_cmpuint (watcher.most, >=, 1);

  for (guint i = 0; i < jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (jobs, i);

      if (g_strcmp0 (ferry_job_get_vm_name (job), "ev-local") == 0)
        g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_FAILED);
      else
        {
          g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_SUCCEEDED);
          g_assert_cmpint (ferry_job_get_operation (job), ==, FERRY_OPERATION_EVACUATE);
          succeeded++;
        }
    }
  g_assert_cmpuint (succeeded, ==, 5);

  /* The host is in maintenance as XenCenter would have it. */
  qt_sync_caches ();
  g_assert_false (ferry_host_get_enabled (ev1));
  g_assert_cmpstr (ferry_object_lookup_other_config (FERRY_OBJECT (ev1), "MAINTENANCE_MODE"), ==, "true");
  migrated = ferry_object_lookup_other_config (FERRY_OBJECT (ev1), "MAINTENANCE_MODE_EVACUATED_VMS_MIGRATED");
  g_assert_nonnull (migrated);
  g_assert_nonnull (strstr (migrated, ferry_object_get_uuid (FERRY_OBJECT (QT_VM ("Evac", "ev-vm-3")))));
  g_assert_cmpstr (ferry_object_lookup_other_config (FERRY_OBJECT (ev1), "MAINTENANCE_MODE_EVACUATED_VMS_HALTED"), ==, "");
  qt_assert_invariants ();
  qt_assert_journalled (jobs);

  /* Put them back: one plan, to ev-1, which is enabled first. */
  back = ferry_history_build_put_back (history, before, G_LIST_MODEL (qt.connections), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);
  back_plan = g_ptr_array_index (back, 0);
  g_assert_cmpuint (ferry_plan_get_n_items (back_plan), ==, 5);
  g_assert_cmpstr (ferry_plan_get_destination_host_name (back_plan), ==, "ev-1");
  g_assert_cmpstr (ferry_plan_get_enable_host_uuid (back_plan), ==, ferry_object_get_uuid (FERRY_OBJECT (ev1)));
  g_assert_cmpuint (ferry_plan_get_n_blocked (back_plan), ==, 0);

  back_jobs = run_plan (queue, back_plan, 30000);
  assert_succeeded (back_jobs);
  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("ev-vm-%u", i);

      g_assert_true (qt_wait_vm_on ("Evac", name, "ev-1", 5000));
    }
  qt_sync_caches ();
  g_assert_true (ferry_host_get_enabled (ev1));
  g_assert_null (ferry_object_lookup_other_config (FERRY_OBJECT (ev1), "MAINTENANCE_MODE"));
  g_assert_null (ferry_object_lookup_other_config (FERRY_OBJECT (ev1), "MAINTENANCE_MODE_EVACUATED_VMS_MIGRATED"));

  qt_assert_invariants ();
  qt_assert_journalled (back_jobs);
  qt_stop ();
}

/* xapi runs at most 3 storage migrations per source host: the queue never
 * asks for a fourth; R14's pool limit is configurable. */
static void
test_limits (void)
{
  static const char * const vms[] = { "ev-vm-1", "ev-vm-2", "ev-vm-3", "ev-vm-4", "ev-vm-5", NULL };
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryMoveRequest) storage = NULL;
  g_autoptr(FerryMoveRequest) live = NULL;
  g_autoptr(FerryPlan) storage_plan = NULL;
  g_autoptr(FerryPlan) live_plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  Watcher watcher = { 0 };

  g_test_summary ("Limits: 3 storage migrations per source host; R14's pool limit for live migrations");

  qt_start (100);
  history = qt_history_new ();
  queue = qt_queue_new (history);
  watcher.queue = queue;
  watcher.host_uuid = ferry_object_get_uuid (FERRY_OBJECT (QT_HOST ("Evac", "ev-1")));

  /* Five storage migrations off ev-1; the pool would allow five. */
  ferry_queue_set_pool_limit (queue, 5);
  storage = request_for ("Evac", vms);
  ferry_move_request_set_destination_host (storage, QT_HOST ("Evac", "ev-2"));
  ferry_move_request_set_default_sr (storage, QT_SR ("Evac", "Evac-iSCSI"));
  storage_plan = qt_plan (storage);
  g_assert_cmpint (ferry_plan_item_get_operation (ferry_plan_get_item (storage_plan, 0)), ==,
                   FERRY_OPERATION_STORAGE_MIGRATE);

  jobs = ferry_queue_add_plan (queue, storage_plan);
  watch_jobs (&watcher, jobs);
  qt_wait_idle (queue, 30000);
  unwatch_jobs (&watcher, jobs);
  assert_succeeded (jobs);
  g_assert_cmpuint (watcher.most, ==, 3);
  /* xapi never had to refuse one. */
  for (guint i = 0; i < jobs->len; i++)
    g_assert_cmpuint (ferry_job_get_attempts (g_ptr_array_index (jobs, i)), ==, 1);
  qt_assert_journalled (jobs);
  g_clear_pointer (&jobs, g_ptr_array_unref);

  /* Five live migrations back, two at a time (R14, configured). */
  qt_sync_caches ();
  ferry_queue_set_pool_limit (queue, 2);
  watcher.host_uuid = ferry_object_get_uuid (FERRY_OBJECT (QT_HOST ("Evac", "ev-2")));
  watcher.most = 0;
  live = request_for ("Evac", vms);
  ferry_move_request_set_destination_host (live, QT_HOST ("Evac", "ev-3"));
  live_plan = qt_plan (live);
  g_assert_cmpint (ferry_plan_item_get_operation (ferry_plan_get_item (live_plan, 0)), ==,
                   FERRY_OPERATION_LIVE_MIGRATE);
  jobs = ferry_queue_add_plan (queue, live_plan);
  watch_jobs (&watcher, jobs);
  qt_wait_idle (queue, 30000);
  unwatch_jobs (&watcher, jobs);
  assert_succeeded (jobs);
  g_assert_cmpuint (watcher.most, ==, 2);

  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_stop ();
}

/* TOO_MANY_STORAGE_MIGRATES from xapi means "wait", never "fail". */
static void
on_phase_cb (FerryJob   *job,
             GParamSpec *pspec,
             GPtrArray  *phases)
{
  g_ptr_array_add (phases, g_strdup (ferry_job_get_phase (job)));
}

static void
test_too_many_storage_migrates (void)
{
  static const char * const others[] = { "ev-vm-1", "ev-vm-2", "ev-vm-3" };
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) phases = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) dest = NULL;
  FerryJob *job;
  gboolean waited = FALSE;

  g_test_summary ("TOO_MANY_STORAGE_MIGRATES: the job waits and is requeued, not failed");

  qt_start (100);
  history = qt_history_new ();
  queue = qt_queue_new (history);

  /* Someone else runs three storage migrations off ev-1. */
  dest = qt_call ("Evac", "host.migrate_receive",
                  g_variant_new ("(ssa{ss})", ferry_object_get_ref (FERRY_OBJECT (QT_HOST ("Evac", "ev-2"))),
                                 ferry_object_get_ref (FERRY_OBJECT (QT_NETWORK ("Evac", "Mgmt"))), NULL));
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      FerryVm *vm = QT_VM ("Evac", others[i]);
      g_autoptr(GVariantBuilder) map = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
      g_autoptr(GVariantBuilder) vdis = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (dest));
      GListModel *vbds = ferry_vm_get_vbds (vm);
      g_autoptr(JsonNode) task = NULL;

      for (GList *l = members; l; l = l->next)
        g_variant_builder_add (map, "{ss}", l->data, json_object_get_string_member (json_node_get_object (dest), l->data));
      for (guint v = 0; v < g_list_model_get_n_items (vbds); v++)
        {
          g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, v);

          if (g_strcmp0 (ferry_vbd_get_vbd_type (vbd), "Disk") == 0)
            g_variant_builder_add (vdis, "{ss}", ferry_vbd_get_vdi (vbd),
                                   ferry_object_get_ref (FERRY_OBJECT (QT_SR ("Evac", "Evac-iSCSI"))));
        }
      task = qt_call ("Evac", "Async.VM.migrate_send",
                      g_variant_new ("(sa{ss}ba{ss}a{ss}a{ss}a{ss})", ferry_object_get_ref (FERRY_OBJECT (vm)),
                                     map, TRUE, vdis, NULL, NULL, NULL));
    }

  request = ferry_move_request_new_for_vm (QT_VM ("Evac", "ev-vm-4"));
  ferry_move_request_set_destination_host (request, QT_HOST ("Evac", "ev-3"));
  ferry_move_request_set_default_sr (request, QT_SR ("Evac", "Evac-iSCSI"));
  plan = qt_plan (request);
  jobs = ferry_queue_add_plan (queue, plan);
  job = g_ptr_array_index (jobs, 0);
  g_signal_connect (job, "notify::phase", G_CALLBACK (on_phase_cb), phases);
  qt_wait_idle (queue, 60000);
  g_signal_handlers_disconnect_by_data (job, phases);

  assert_succeeded (jobs);
  for (guint i = 0; i < phases->len; i++)
    waited |= strstr (g_ptr_array_index (phases, i), "storage migrations") != NULL;
  g_assert_true (waited);
  g_assert_cmpuint (ferry_job_get_attempts (job), ==, 1);
  g_assert_true (qt_wait_vm_on ("Evac", "ev-vm-4", "ev-3", 5000));

  /* Let the others end before checking the world. */
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    g_assert_true (qt_wait_vm_on ("Evac", others[i], "ev-2", 30000));
  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_stop ();
}

/* Pause, hold, reorder and cancel queued items. */
static void
test_control (void)
{
  static const char * const vms[] = { "ev-vm-1", "ev-vm-2", "ev-vm-3", NULL };
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) started = g_ptr_array_new ();
  Watcher watcher = { 0 };
  FerryJob *first, *second, *third;
  g_autoptr(FerryJob) at_top = NULL;

  g_test_summary ("Control: pause the queue, hold, reorder and cancel queued jobs");

  qt_start (500);
  history = qt_history_new ();
  queue = qt_queue_new (history);
  ferry_queue_set_paused (queue, TRUE);
  ferry_queue_set_pool_limit (queue, 1);

  request = request_for ("Evac", vms);
  ferry_move_request_set_destination_host (request, QT_HOST ("Evac", "ev-2"));
  plan = qt_plan (request);
  jobs = ferry_queue_add_plan (queue, plan);
  first = g_ptr_array_index (jobs, 0);
  second = g_ptr_array_index (jobs, 1);
  third = g_ptr_array_index (jobs, 2);

  ferry_test_spin (ferry_test_scale_ms (100));
  for (guint i = 0; i < jobs->len; i++)
    g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, i)), ==, FERRY_JOB_QUEUED);

  ferry_queue_hold_job (queue, second, TRUE);
  g_assert_true (ferry_job_get_held (second));
  ferry_queue_move_job (queue, third, 0);
  at_top = g_list_model_get_item (G_LIST_MODEL (queue), 0);
  g_assert_true (at_top == third);
  ferry_queue_cancel_job (queue, first);
  g_assert_cmpint (ferry_job_get_state (first), ==, FERRY_JOB_CANCELLED);
  g_assert_cmpuint (ferry_job_get_n_starts (first), ==, 0);

  /* Waiting for a paused queue can be given up. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    GAsyncResult *pending = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;

    ferry_queue_wait_idle_async (queue, cancellable, ferry_test_result_cb, &pending);
    ferry_test_spin (ferry_test_scale_ms (50));
    g_assert_null (pending);
    g_cancellable_cancel (cancellable);
    result = ferry_test_wait_result (&pending);
    g_assert_false (ferry_queue_wait_idle_finish (queue, result, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }

  watcher.queue = queue;
  watcher.started = started;
  watch_jobs (&watcher, jobs);
  ferry_queue_set_paused (queue, FALSE);
  qt_wait_state (third, FERRY_JOB_SUCCEEDED, 20000);
  ferry_test_spin (ferry_test_scale_ms (200));
  g_assert_cmpint (ferry_job_get_state (second), ==, FERRY_JOB_QUEUED);
  g_assert_cmpuint (ferry_queue_get_n_unfinished (queue), ==, 1);

  ferry_queue_hold_job (queue, second, FALSE);
  qt_wait_idle (queue, 20000);
  unwatch_jobs (&watcher, jobs);
  g_assert_cmpint (ferry_job_get_state (second), ==, FERRY_JOB_SUCCEEDED);
  g_assert_cmpuint (started->len, ==, 2);
  g_assert_true (g_ptr_array_index (started, 0) == third);
  g_assert_true (g_ptr_array_index (started, 1) == second);

  g_assert_true (qt_wait_vm_on ("Evac", "ev-vm-2", "ev-2", 5000));
  g_assert_true (qt_wait_vm_on ("Evac", "ev-vm-3", "ev-2", 5000));
  g_assert_cmpstr (qt_vm_host_name (QT_VM ("Evac", "ev-vm-1")), ==, "ev-1");
  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_stop ();
}

/* Cancel a running one: task.cancel; the VM stays where it was. */
static void
test_cancel_running (void)
{
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  FerryJob *job;
  const FerryVmLocation *location;

  g_test_summary ("Cancel a running migration through task.cancel");

  qt_start (5);
  history = qt_history_new ();
  queue = qt_queue_new (history);

  request = ferry_move_request_new_for_vm (QT_VM ("Evac", "ev-vm-1"));
  ferry_move_request_set_destination_host (request, QT_HOST ("Evac", "ev-3"));
  plan = qt_plan (request);
  jobs = ferry_queue_add_plan (queue, plan);
  job = g_ptr_array_index (jobs, 0);
  qt_wait_progress (job, 0.05, 20000);
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_RUNNING);
  g_assert_nonnull (ferry_job_get_task_ref (job));

  ferry_queue_cancel_job (queue, job);
  qt_wait_idle (queue, 20000);
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_CANCELLED);
  location = ferry_job_get_location (job);
  g_assert_nonnull (location);
  g_assert_cmpint (location->where, ==, FERRY_VM_WHERE_SOURCE);
  g_assert_cmpstr (location->host_name, ==, "ev-1");
  g_assert_cmpstr (qt_vm_host_name (QT_VM ("Evac", "ev-vm-1")), ==, "ev-1");

  qt_set_time_scale (2000);
  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_stop ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/queue/o1", test_o1);
  g_test_add_func ("/queue/o2/intra-pool", test_o2_intra_pool);
  g_test_add_func ("/queue/o2/cross-pool", test_o2_cross_pool);
  g_test_add_func ("/queue/o3", test_o3);
  g_test_add_func ("/queue/o4", test_o4);
  g_test_add_func ("/queue/o5/evacuate-and-put-back", test_o5_and_put_back);
  g_test_add_func ("/queue/limits", test_limits);
  g_test_add_func ("/queue/limits/too-many-storage-migrates", test_too_many_storage_migrates);
  g_test_add_func ("/queue/control", test_control);
  g_test_add_func ("/queue/cancel-running", test_cancel_running);

  return g_test_run ();
}
