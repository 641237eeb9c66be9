/* test-plan.c: plans (operation, hosts, maps, reasons), their JSON and xe
 * forms, and the estimate (R28) with what it learns from a real move
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-plan"

#include "config.h"


#include <string.h>

#include "ferry-rules.h"
#include "ferry-vbd.h"
#include "queue-test-utils.h"

static FerryPlan *
cross_pool_plan (void)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new_for_vm (QT_VM ("Evac", "ev-edge"));
  FerryPlan *plan;

  ferry_move_request_set_destination_host (request, QT_HOST ("Dest", "d-1"));
  ferry_move_request_set_network (request, QT_NETWORK ("Dest", "Migration"));
  plan = qt_plan (request);
  ferry_plan_set_home_server (plan, QT_HOST ("Dest", "d-2"));
  ferry_plan_set_compression (plan, FERRY_COMPRESSION_ON);
  ferry_plan_set_force (plan, TRUE);
  return plan;
}

static void
test_json (void)
{
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(FerryPlan) copy = NULL;
  g_autoptr(FerryEstimator) estimator = ferry_estimator_new ();
  g_autoptr(FerryEstimate) batch = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GError) error = NULL;
  FerryPlanItem *item;
  static const char * const bad[] = {
    "not json",
    "[]",
    "{\"format\": \"something-else\", \"version\": 1}",
    "{\"format\": \"ferry-plan\", \"version\": 2, \"id\": \"x\", \"source\": {}, \"destination\": {}, \"items\": []}",
    "{\"format\": \"ferry-plan\", \"version\": 1, \"id\": \"x\"}",
    ("{\"format\": \"ferry-plan\", \"version\": 1, \"id\": \"x\", \"source\": {\"pool\": {\"uuid\": \"a\"}},"
     " \"destination\": {\"pool\": {\"uuid\": \"b\"}}, \"items\": [ {\"vm\": {\"uuid\": \"v\"}} ]}"),
  };

  g_test_summary ("A plan serialises to JSON and back without change; malformed plans are refused");

  qt_start (1000);
  plan = cross_pool_plan ();
  batch = ferry_estimator_estimate_plan (estimator, plan, 3);
  text = ferry_plan_to_data (plan);
  copy = ferry_plan_new_from_data (text, -1, &error);
  g_assert_no_error (error);
  again = ferry_plan_to_data (copy);
  g_assert_cmpstr (text, ==, again);

  g_assert_cmpstr (ferry_plan_get_id (copy), ==, ferry_plan_get_id (plan));
  g_assert_cmpint (ferry_plan_get_compression (copy), ==, FERRY_COMPRESSION_ON);
  g_assert_true (ferry_plan_get_force (copy));
  g_assert_cmpstr (ferry_plan_get_home_server_name (copy), ==, "d-2");
  g_assert_cmpstr (ferry_plan_get_network_name (copy), ==, "Migration");
  g_assert_cmpstr (ferry_plan_get_source_address (copy), ==, ferry_connection_get_address (qt_connection ("Evac")));
  item = ferry_plan_get_item (copy, 0);
  g_assert_cmpint (ferry_plan_item_get_operation (item), ==, FERRY_OPERATION_STORAGE_MIGRATE);
  g_assert_cmpuint (ferry_plan_item_get_n_vifs (item), ==, 3);
  g_assert_cmpstr (ferry_plan_item_get_to_host_name (item), ==, "d-1");
  g_assert_nonnull (ferry_plan_item_get_estimate (item));
  g_assert_nonnull (strstr (text, "\"reason\" : \"same-vlan\""));

  /* Back to a request: the rules see exactly the plan's choices. */
  {
    g_autoptr(FerryMoveRequest) request = ferry_plan_dup_request (copy, G_LIST_MODEL (qt.connections), &error);
    g_autoptr(GPtrArray) findings = NULL;

    g_assert_no_error (error);
    findings = ferry_rules_check (request, NULL, NULL);
    g_assert_cmpint (ferry_checks_get_worst (findings), <, FERRY_CHECK_SEVERITY_BLOCKER);
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(FerryPlan) none = ferry_plan_new_from_data (bad[i], -1, &error);

      g_assert_null (none);
      g_assert_error (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_INVALID);
      g_clear_error (&error);
    }

  qt_stop ();
}

static void
test_xe (void)
{
  g_autoptr(FerryMoveRequest) o1 = NULL;
  g_autoptr(FerryMoveRequest) o5 = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autofree char *script = NULL;
  g_autofree char *expected = NULL;

  g_test_summary ("A plan renders as the equivalent xe commands");

  qt_start (1000);

  o1 = ferry_move_request_new_for_vm (QT_VM ("Evac", "ev-vm-1"));
  ferry_move_request_set_destination_host (o1, QT_HOST ("Evac", "ev-2"));
  plan = qt_plan (o1);
  script = ferry_plan_to_xe (plan);
  expected = g_strdup_printf ("xe vm-migrate uuid=%s host-uuid=%s live=true\n",
                              ferry_object_get_uuid (FERRY_OBJECT (QT_VM ("Evac", "ev-vm-1"))),
                              ferry_object_get_uuid (FERRY_OBJECT (QT_HOST ("Evac", "ev-2"))));
  g_assert_true (g_str_has_prefix (script, "#!/bin/sh\n"));
  g_assert_nonnull (strstr (script, expected));
  g_clear_object (&plan);
  g_clear_pointer (&script, g_free);

  plan = cross_pool_plan ();
  script = ferry_plan_to_xe (plan);
  g_assert_nonnull (strstr (script, "remote-master="));
  g_assert_nonnull (strstr (script, "remote-password=\"$FERRY_REMOTE_PASSWORD\""));
  g_assert_nonnull (strstr (script, " vdi:"));
  g_assert_nonnull (strstr (script, " vif:"));
  g_assert_nonnull (strstr (script, " force=true compress=true"));
  g_assert_nonnull (strstr (script, "xe vm-param-set"));
  g_clear_object (&plan);
  g_clear_pointer (&script, g_free);

  o5 = ferry_move_request_new ();
  ferry_move_request_set_evacuate_host (o5, QT_HOST ("Evac", "ev-1"));
  plan = qt_plan (o5);
  script = ferry_plan_to_xe (plan);
  g_assert_nonnull (strstr (script, "xe host-disable uuid="));
  g_assert_nonnull (strstr (script, "other-config:MAINTENANCE_MODE_EVACUATED_VMS_MIGRATED="));
  /* ev-local cannot leave: its line is there, commented out, with why. */
  g_assert_nonnull (strstr (script, "# xe vm-migrate"));

  qt_stop ();
}

/* A pool as destination: VMs spread by free memory, biggest first. */
static void
test_pool_destination (void)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();
  g_autoptr(FerryPlan) plan = NULL;
  guint on_d1 = 0;
  guint on_d2 = 0;

  g_test_summary ("A pool destination: each VM gets a host, spread by free memory");

  qt_start (1000);
  for (guint i = 1; i <= 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("ev-vm-%u", i);

      ferry_move_request_add_vm (request, QT_VM ("Evac", name));
    }
  ferry_move_request_set_destination_pool (request, qt_cache ("Dest"));
  plan = qt_plan (request);
  g_assert_null (ferry_plan_get_destination_host_uuid (plan));
  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    {
      FerryPlanItem *item = ferry_plan_get_item (plan, i);

      g_assert_null (ferry_plan_item_get_blocker (item));
      on_d1 += g_strcmp0 (ferry_plan_item_get_to_host_name (item), "d-1") == 0;
      on_d2 += g_strcmp0 (ferry_plan_item_get_to_host_name (item), "d-2") == 0;
    }
  g_assert_cmpuint (on_d1, ==, 2);
  g_assert_cmpuint (on_d2, ==, 2);
  qt_stop ();
}

static FerryPlanItem *
single_item (const char *pool,
             const char *vm,
             const char *host,
             FerryPlan **plan_out)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new_for_vm (QT_VM (pool, vm));

  if (host != NULL)
    ferry_move_request_set_destination_host (request, QT_HOST (pool, host));
  *plan_out = qt_plan (request);
  return ferry_plan_get_item (*plan_out, 0);
}

static gboolean
mentions (const FerryEstimate *estimate,
          const char          *text)
{
  for (guint i = 0; estimate->assumptions[i] != NULL; i++)
    if (strstr (estimate->assumptions[i], text) != NULL)
      return TRUE;
  return FALSE;
}

/* R28: what the estimate depends on. */
static void
test_estimate_model (void)
{
  g_autoptr(FerryEstimator) estimator = ferry_estimator_new ();
  g_autoptr(FerryPlan) live_plan = NULL;
  g_autoptr(FerryPlan) vgpu_plan = NULL;
  g_autoptr(FerryPlan) halted_plan = NULL;
  g_autoptr(FerryEstimate) live = NULL;
  g_autoptr(FerryEstimate) shared = NULL;
  g_autoptr(FerryEstimate) known = NULL;
  g_autoptr(FerryEstimate) compressed = NULL;
  g_autoptr(FerryEstimate) vgpu = NULL;
  g_autoptr(FerryEstimate) halted = NULL;
  g_autoptr(FerryEstimate) batch_serial = NULL;
  g_autoptr(FerryEstimate) batch_parallel = NULL;
  g_autoptr(FerryMoveRequest) three = ferry_move_request_new ();
  g_autoptr(FerryPlan) three_plan = NULL;
  FerryPlanItem *item;
  g_autofree char *summary = NULL;

  g_test_summary ("R28: the estimate is a range from memory, dirty rate, link, disks, compression, vGPU, concurrency");

  qt_start (1000);

  item = single_item ("Production", "app-01", "prod-host-03", &live_plan);
  live = ferry_estimator_estimate_item (estimator, live_plan, item, 1);
  g_assert_cmpfloat (live->duration_min, >, 0);
  g_assert_cmpfloat (live->duration_min, <=, live->duration_max);
  g_assert_cmpfloat (live->downtime_min, >, 0);
  g_assert_cmpfloat (live->downtime_min, <=, live->downtime_max);
  g_assert_cmpint (live->memory_bytes, ==, ferry_plan_item_get_memory (item));
  g_assert_cmpint (live->disk_bytes, ==, 0);
  g_assert_true (mentions (live, "not known"));
  g_assert_false (live->learned);
  summary = ferry_estimate_dup_summary (live);
  g_assert_nonnull (strstr (summary, "paused"));

  /* Three migrations on one link take longer each. */
  shared = ferry_estimator_estimate_item (estimator, live_plan, item, 3);
  g_assert_cmpfloat (shared->duration_max, >, live->duration_max);
  g_assert_true (mentions (shared, "share the link"));

  /* A known NIC and dirty rate narrow the range. */
  ferry_estimator_set_link_speed (estimator, ferry_plan_item_get_network_uuid (item), 10000);
  ferry_estimator_set_dirty_rate (estimator, ferry_plan_item_get_vm_uuid (item), 10 * 1024 * 1024);
  known = ferry_estimator_estimate_item (estimator, live_plan, item, 1);
  g_assert_cmpfloat (known->duration_max - known->duration_min, <, live->duration_max - live->duration_min);

  /* Compression: memory costs CPU at 400 MiB/s but fewer bytes. */
  ferry_plan_set_compression (live_plan, FERRY_COMPRESSION_ON);
  compressed = ferry_estimator_estimate_item (estimator, live_plan, item, 1);
  g_assert_cmpint (compressed->bytes_max, <, known->bytes_max);
  g_assert_true (mentions (compressed, "Compression on"));

  /* A vGPU's state is copied while the VM is paused (R28). */
  item = single_item ("Production", "vdi-gpu-sriov", "prod-host-03", &vgpu_plan);
  g_assert_cmpint (ferry_plan_item_get_vgpu_state (item), >, 0);
  vgpu = ferry_estimator_estimate_item (estimator, vgpu_plan, item, 1);
  g_assert_cmpint (vgpu->vgpu_bytes, ==, ferry_plan_item_get_vgpu_state (item));
  g_assert_true (mentions (vgpu, "vGPU"));

  /* A halted VM: disks only, no downtime. */
  {
    g_autoptr(FerryMoveRequest) request = ferry_move_request_new_for_vm (QT_VM ("Evac", "ev-halted"));

    ferry_move_request_set_default_sr (request, QT_SR ("Evac", "Evac-iSCSI"));
    halted_plan = qt_plan (request);
  }
  halted = ferry_estimator_estimate_item (estimator, halted_plan, ferry_plan_get_item (halted_plan, 0), 1);
  g_assert_cmpfloat (halted->downtime_max, ==, 0);
  g_assert_cmpint (halted->disk_bytes, >, 0);
  g_assert_cmpint (halted->memory_bytes, ==, 0);

  /* A batch: one at a time takes the sum; three at a time overlap their
   * fixed costs but share the link, so the guests dirty more memory per
   * round and pause longer. */
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("ev-vm-%u", i);

      ferry_move_request_add_vm (three, QT_VM ("Evac", name));
    }
  ferry_move_request_set_destination_host (three, QT_HOST ("Evac", "ev-2"));
  three_plan = qt_plan (three);
  batch_serial = ferry_estimator_estimate_plan (estimator, three_plan, 1);
  batch_parallel = ferry_estimator_estimate_plan (estimator, three_plan, 3);
  g_assert_cmpfloat (batch_serial->duration_min, >, 2.5 * ferry_plan_item_get_estimate (ferry_plan_get_item (three_plan, 0))->duration_min / 3.0);
  g_assert_cmpfloat (batch_parallel->duration_min, <=, batch_serial->duration_min);
  g_assert_cmpfloat (batch_parallel->downtime_max, >=, batch_serial->downtime_max);
  g_assert_cmpuint (batch_parallel->concurrency, ==, 3);
  g_assert_nonnull (strstr (batch_parallel->assumptions[0], "3 migrations, 3 at a time"));

  qt_stop ();
}

/* R28: the link speed comes from the pool's PIF_metrics. */
static void
test_estimate_reads_nic_speed (void)
{
  g_autoptr(FerryEstimator) estimator = ferry_estimator_new ();
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(FerryEstimate) unknown = NULL;
  g_autoptr(FerryEstimate) known = NULL;
  FerryPlanItem *item;

  g_test_summary ("R28: the estimate uses the NIC speed of the migration network");

  qt_start (1000);

  item = single_item ("Production", "app-01", "prod-host-03", &plan);
  unknown = ferry_estimator_estimate_item (estimator, plan, item, 1);
  g_assert_true (mentions (unknown, "NIC speed"));

  /* Production's management NICs (eth0) run at 10 Gbit/s. */
  ferry_estimator_read_link_speeds (estimator, qt_cache ("Production"));
  known = ferry_estimator_estimate_item (estimator, plan, item, 1);
  g_assert_false (mentions (known, "NIC speed"));
  g_assert_true (mentions (known, "A 10 Gbit/s link"));
  g_assert_cmpfloat (known->duration_max - known->duration_min, <, unknown->duration_max - unknown->duration_min);

  qt_stop ();
}

/* After a move, the estimate uses the rate it saw, and the journal keeps it. */
static void
test_estimate_learns (void)
{
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryHistory) reread = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryPlan) first = NULL;
  g_autoptr(FerryPlan) second = NULL;
  g_autoptr(FerryEstimate) before = NULL;
  g_autoptr(FerryEstimate) after = NULL;
  g_autoptr(FerryEstimate) predicted = NULL;
  g_autoptr(FerryEstimator) fresh = ferry_estimator_new ();
  g_autoptr(GPtrArray) jobs = NULL;
  FerryHistoryEntry *entry;
  FerryPlanItem *item;
  const char *network;
  double actual;

  g_test_summary ("R28: the actual rate of a move over a network feeds the next estimate, also after a restart");

  qt_start (2000);
  history = qt_history_new ();
  queue = qt_queue_new (history);

  item = single_item ("Evac", "ev-vm-1", "ev-2", &first);
  network = ferry_plan_item_get_network_uuid (item);
  g_assert_nonnull (network);
  before = ferry_estimator_estimate_item (ferry_queue_get_estimator (queue), first, item, 1);
  g_assert_false (before->learned);

  jobs = ferry_queue_add_plan (queue, first);
  qt_wait_idle (queue, 20000);
  g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, 0)), ==, FERRY_JOB_SUCCEEDED);

  /* Predicted against actual: the simulator's own duration is within the range. */
  entry = ferry_history_lookup (history, ferry_job_get_id (g_ptr_array_index (jobs, 0)));
  actual = ferry_history_entry_get_actual_duration (entry);
  predicted = ferry_history_entry_dup_predicted (entry);
  g_assert_nonnull (predicted);
  g_assert_cmpfloat (actual, >=, predicted->duration_min * 0.9);
  g_assert_cmpfloat (actual, <=, predicted->duration_max * 1.1);
  g_assert_cmpfloat (ferry_estimator_get_learned_rate (ferry_queue_get_estimator (queue), network, NULL), >, 0);

  /* The next move over the same network. */
  item = single_item ("Evac", "ev-vm-2", "ev-3", &second);
  after = ferry_estimator_estimate_item (ferry_queue_get_estimator (queue), second, item, 1);
  g_assert_true (after->learned);
  g_assert_true (mentions (after, "measured"));
  g_assert_cmpfloat (after->link_min, ==,
                     0.8 * ferry_estimator_get_learned_rate (ferry_queue_get_estimator (queue), network, NULL));
  g_test_message ("actual %.1f s; first estimate %.1f–%.1f s; learned %.1f–%.1f s", actual,
                  before->duration_min, before->duration_max, after->duration_min, after->duration_max);
  g_assert_cmpfloat (actual, >=, after->duration_min * 0.8);
  g_assert_cmpfloat (actual, <=, after->duration_max * 1.2);

  /* A restart learns it again from the journal. */
  reread = qt_history_new ();
  ferry_history_teach (reread, fresh);
  g_assert_cmpfloat (ferry_estimator_get_learned_rate (fresh, network, NULL), ==,
                     ferry_estimator_get_learned_rate (ferry_queue_get_estimator (queue), network, NULL));

  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_stop ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/plan/json", test_json);
  g_test_add_func ("/plan/xe", test_xe);
  g_test_add_func ("/plan/pool-destination", test_pool_destination);
  g_test_add_func ("/plan/estimate/model", test_estimate_model);
  g_test_add_func ("/plan/estimate/nic-speed", test_estimate_reads_nic_speed);
  g_test_add_func ("/plan/estimate/learns", test_estimate_learns);

  return g_test_run ();
}
