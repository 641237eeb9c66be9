/* test-queue-faults.c: the queue under faults injected into ferry-sim
 *
 * - the connection drops while a migration runs, and while its start call
 *   is out: Ferry re-attaches, and never starts a second migration;
 * - a migration fails and leaves the VM paused (R29): Ferry says where it
 *   is, does not retry, and can unpause it;
 * - transient errors are retried with back-off, permanent ones are not;
 * - every session ends in the middle of a batch;
 * - the engine "crashes" (the queue and connections go without a word)
 *   mid-batch and a new one recovers from the journal, which also ends in
 *   a torn line.
 *
 * After each: the simulator's invariants hold (no VM lost or duplicated)
 * and every job has exactly one final record in the journal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-queue-faults"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "ferry-error.h"
#include "ferry-message.h"
#include "queue-test-utils.h"

static FerryPlan *
plan_to (const char         *pool,
         const char * const *vms,
         const char         *host,
         const char         *sr)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();

  for (guint i = 0; vms[i] != NULL; i++)
    ferry_move_request_add_vm (request, QT_VM (pool, vms[i]));
  ferry_move_request_set_destination_host (request, QT_HOST (pool, host));
  if (sr != NULL)
    ferry_move_request_set_default_sr (request, QT_SR (pool, sr));
  return qt_plan (request);
}

static guint
count_migrated_messages (const char *pool,
                         const char *vm_uuid)
{
  GListModel *messages = ferry_cache_get_objects (qt_cache (pool), FERRY_TYPE_MESSAGE);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(FerryMessage) message = g_list_model_get_item (messages, i);

      n += g_strcmp0 (ferry_message_get_name (message), "VM_MIGRATED") == 0 &&
           g_strcmp0 (ferry_message_get_obj_uuid (message), vm_uuid) == 0;
    }
  return n;
}

static void
on_connection_state_cb (FerryConnection *connection,
                        GParamSpec      *pspec,
                        gboolean        *lost)
{
  if (ferry_connection_get_state (connection) == FERRY_CONNECTION_STATE_RECONNECTING)
    *lost = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* The link to the pool breaks while the migration runs. */
static void
test_drop_mid_migration (void)
{
  static const char * const vms[] = { "ev-vm-1", NULL };
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  const char *uuid;
  gboolean lost = FALSE;
  FerryJob *job;

  g_test_summary ("A dropped connection mid-migration: the job follows the task again; one migration only");

  qt_start (10);
  history = qt_history_new ();
  queue = qt_queue_new (history);
  uuid = ferry_object_get_uuid (FERRY_OBJECT (QT_VM ("Evac", "ev-vm-1")));
  g_signal_connect (qt_connection ("Evac"), "notify::state", G_CALLBACK (on_connection_state_cb), &lost);

  plan = plan_to ("Evac", vms, "ev-2", NULL);
  jobs = ferry_queue_add_plan (queue, plan);
  job = g_ptr_array_index (jobs, 0);
  qt_wait_progress (job, 0.2, 20000);
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_RUNNING);
  qt_add_faults ("{\"type\": \"drop_connections\", \"host\": \"ev-1\", \"seconds\": 2}");
  g_assert_false (ferry_job_is_finished (job));
  g_assert_true (ferry_test_wait_until (is_true, &lost, 10000));

  qt_wait_idle (queue, 30000);
  g_signal_handlers_disconnect_by_data (qt_connection ("Evac"), &lost);
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_SUCCEEDED);
  g_assert_cmpuint (ferry_job_get_n_starts (job), ==, 1);
  g_assert_true (qt_wait_vm_on ("Evac", "ev-vm-1", "ev-2", 5000));
  qt_sync_caches ();
  g_assert_cmpuint (count_migrated_messages ("Evac", uuid), ==, 1);

  qt_clear_faults ();
  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_stop ();
}

static gboolean
reply_held (gpointer data)
{
  return qt_fault_fired ("slow_responses") > 0;
}

/* The link breaks while the start call's answer is held back: the call
 * may or may not have run. The job must find out, not send it again. */
static void
test_drop_during_start (void)
{
  static const char * const vms[] = { "ev-vm-2", NULL };
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  const char *uuid;
  FerryJob *job;

  g_test_summary ("The connection drops while Async.VM.pool_migrate is answered: no second migration");

  qt_start (40);
  history = qt_history_new ();
  queue = qt_queue_new (history);
  uuid = ferry_object_get_uuid (FERRY_OBJECT (QT_VM ("Evac", "ev-vm-2")));
  qt_add_faults ("{\"type\": \"slow_responses\", \"delay\": 8, \"method\": \"Async.VM.pool_migrate\", \"count\": 1}");

  plan = plan_to ("Evac", vms, "ev-3", NULL);
  jobs = ferry_queue_add_plan (queue, plan);
  job = g_ptr_array_index (jobs, 0);
  /* The call ran; its answer is held back. Now the link breaks. */
  g_assert_true (ferry_test_wait_until (reply_held, NULL, 20000));
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_RUNNING);
  g_assert_null (ferry_job_get_task_ref (job));
  qt_add_faults ("{\"type\": \"drop_connections\", \"host\": \"ev-1\", \"seconds\": 1}");

  qt_wait_idle (queue, 30000);
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_SUCCEEDED);
  g_assert_cmpuint (ferry_job_get_n_starts (job), ==, 1);
  g_assert_true (qt_wait_vm_on ("Evac", "ev-vm-2", "ev-3", 5000));
  qt_sync_caches ();
  g_assert_cmpuint (count_migrated_messages ("Evac", uuid), ==, 1);

  qt_clear_faults ();
  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_stop ();
}

/* R29: a failure leaves the VM paused on its source. */
static void
test_left_paused (void)
{
  static const char * const vms[] = { "ev-vm-3", NULL };
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryHistory) reread = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const FerryVmLocation *location;
  FerryHistoryEntry *entry;
  g_autoptr(JsonObject) record = NULL;
  JsonObject *where;
  FerryJob *job;

  g_test_summary ("R29: a failed migration leaves the VM paused; Ferry says so, does not retry, unpauses it");

  qt_start (200);
  history = qt_history_new ();
  queue = qt_queue_new (history);
  qt_add_faults ("{\"type\": \"fail_migration\", \"vm\": \"ev-vm-3\", \"at_progress\": 0.6,"
                 " \"leave_paused\": true, \"count\": 1}");

  plan = plan_to ("Evac", vms, "ev-2", NULL);
  jobs = ferry_queue_add_plan (queue, plan);
  job = g_ptr_array_index (jobs, 0);
  qt_wait_idle (queue, 30000);

  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_FAILED);
  g_assert_cmpuint (ferry_job_get_attempts (job), ==, 1);
  g_assert_cmpuint (ferry_job_get_n_starts (job), ==, 1);
  g_assert_true (g_error_matches (ferry_job_get_error (job), FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_FAILED));
  g_assert_cmpstr (ferry_xapi_error_get_name (ferry_job_get_error (job)), ==, "VM_MIGRATE_FAILED");
  g_assert_nonnull (ferry_job_get_check (job));
  location = ferry_job_get_location (job);
  g_assert_nonnull (location);
  g_assert_cmpint (location->where, ==, FERRY_VM_WHERE_PAUSED);
  g_assert_cmpstr (location->host_name, ==, "ev-1");
  g_assert_nonnull (strstr (location->text, "paused"));
  g_assert_true (ferry_job_get_can_unpause (job));
  g_assert_nonnull (strstr (ferry_job_get_phase (job), "paused"));
  qt_assert_invariants ();

  /* The journal says the same. */
  reread = qt_history_new ();
  entry = ferry_history_lookup (reread, ferry_job_get_id (job));
  g_assert_cmpint (ferry_history_entry_get_outcome (entry), ==, FERRY_HISTORY_OUTCOME_FAILED);
  g_assert_cmpstr (ferry_history_entry_get_error_code (entry), ==, "VM_MIGRATE_FAILED");
  record = ferry_history_entry_dup_json (entry);
  where = json_object_get_object_member (record, "location");
  g_assert_cmpstr (json_object_get_string_member (where, "state"), ==, "paused");

  /* Unpause it. */
  ferry_job_unpause_vm_async (job, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  g_assert_true (ferry_job_unpause_vm_finish (job, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ferry_job_get_location (job)->where, ==, FERRY_VM_WHERE_SOURCE);
  g_assert_false (ferry_job_get_can_unpause (job));
  qt_sync_caches ();
  g_assert_cmpint (ferry_vm_get_power_state (QT_VM ("Evac", "ev-vm-3")), ==, FERRY_VM_POWER_STATE_RUNNING);

  qt_clear_faults ();
  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_stop ();
}

/* Transient errors are retried; permanent ones are not. */
static void
test_retries (void)
{
  static const char * const transient_vms[] = { "ev-vm-4", NULL };
  static const char * const permanent_vms[] = { "ev-vm-5", NULL };
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryPlan) transient = NULL;
  g_autoptr(FerryPlan) permanent = NULL;
  g_autoptr(GPtrArray) transient_jobs = NULL;
  g_autoptr(GPtrArray) permanent_jobs = NULL;
  FerryJob *job;

  g_test_summary ("A transient error (CANNOT_CONTACT_HOST) is retried with back-off; MIRROR_FAILED is not");

  qt_start (500);
  history = qt_history_new ();
  queue = qt_queue_new (history);
  qt_add_faults ("{\"faults\": ["
                 " {\"type\": \"unreachable_destination\", \"host\": \"ev-3\", \"count\": 1},"
                 " {\"type\": \"fail_migration\", \"vm\": \"ev-vm-5\", \"at_progress\": 0.3,"
                 "  \"error\": [\"MIRROR_FAILED\", \"OpaqueRef:NULL\"], \"count\": 1} ]}");

  transient = plan_to ("Evac", transient_vms, "ev-3", "Evac-iSCSI");
  permanent = plan_to ("Evac", permanent_vms, "ev-2", "Evac-iSCSI");
  transient_jobs = ferry_queue_add_plan (queue, transient);
  permanent_jobs = ferry_queue_add_plan (queue, permanent);
  qt_wait_idle (queue, 30000);

  job = g_ptr_array_index (transient_jobs, 0);
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_SUCCEEDED);
  g_assert_cmpuint (ferry_job_get_attempts (job), ==, 2);
  g_assert_true (qt_wait_vm_on ("Evac", "ev-vm-4", "ev-3", 5000));

  job = g_ptr_array_index (permanent_jobs, 0);
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_FAILED);
  g_assert_cmpuint (ferry_job_get_attempts (job), ==, 1);
  g_assert_cmpstr (ferry_xapi_error_get_name (ferry_job_get_error (job)), ==, "MIRROR_FAILED");
  g_assert_cmpint (ferry_job_get_location (job)->where, ==, FERRY_VM_WHERE_SOURCE);
  g_assert_cmpstr (qt_vm_host_name (QT_VM ("Evac", "ev-vm-5")), ==, "ev-1");

  qt_clear_faults ();
  qt_assert_invariants ();
  qt_assert_journalled (transient_jobs);
  qt_assert_journalled (permanent_jobs);
  qt_stop ();
}

static gboolean
n_running (gpointer data)
{
  FerryQueue *queue = data;
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    {
      g_autoptr(FerryJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);

      n += ferry_job_get_state (job) == FERRY_JOB_RUNNING && ferry_job_get_task_ref (job) != NULL &&
           qt_count_records (ferry_job_get_id (job), "start") == 1;
    }
  return n >= 2;
}

/* Every session of the pool ends while a batch runs. */
static void
test_session_expiry (void)
{
  static const char * const live_vms[] = { "ev-vm-1", "ev-vm-2", "ev-vm-3", NULL };
  static const char * const storage_vms[] = { "ev-vm-4", "ev-vm-5", NULL };
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryPlan) live = NULL;
  g_autoptr(FerryPlan) storage = NULL;
  g_autoptr(GPtrArray) live_jobs = NULL;
  g_autoptr(GPtrArray) storage_jobs = NULL;
  guint logins;

  g_test_summary ("Session expiry during a batch: Ferry logs in again and every migration ends once");

  qt_start (60);
  history = qt_history_new ();
  queue = qt_queue_new (history);
  ferry_queue_set_pool_limit (queue, 2);
  logins = ferry_connection_get_n_logins (qt_connection ("Evac"));

  live = plan_to ("Evac", live_vms, "ev-2", NULL);
  storage = plan_to ("Evac", storage_vms, "ev-3", "Evac-iSCSI");
  live_jobs = ferry_queue_add_plan (queue, live);
  storage_jobs = ferry_queue_add_plan (queue, storage);
  g_assert_true (ferry_test_wait_until (n_running, queue, 20000));
  qt_add_faults ("{\"type\": \"expire_sessions\", \"pool\": \"Evac\"}");

  qt_wait_idle (queue, 60000);
  g_assert_cmpuint (ferry_connection_get_n_logins (qt_connection ("Evac")), >, logins);
  for (guint i = 0; i < live_jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (live_jobs, i);

      g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_SUCCEEDED);
      g_assert_cmpuint (ferry_job_get_n_starts (job), ==, 1);
    }
  for (guint i = 0; i < storage_jobs->len; i++)
    g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (storage_jobs, i)), ==, FERRY_JOB_SUCCEEDED);
  for (guint i = 0; live_vms[i] != NULL; i++)
    g_assert_true (qt_wait_vm_on ("Evac", live_vms[i], "ev-2", 5000));
  for (guint i = 0; storage_vms[i] != NULL; i++)
    g_assert_true (qt_wait_vm_on ("Evac", storage_vms[i], "ev-3", 5000));

  qt_clear_faults ();
  qt_assert_invariants ();
  qt_assert_journalled (live_jobs);
  qt_assert_journalled (storage_jobs);
  qt_stop ();
}

/* The engine dies mid-batch; a new one finishes the batch from the journal. */
static void
test_crash_and_restart (void)
{
  static const char * const vms[] = { "ev-vm-1", "ev-vm-2", "ev-vm-3", "ev-vm-4", "ev-vm-5", NULL };
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = g_ptr_array_new_with_free_func (g_object_unref);
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  guint starts_before = 0;
  guint starts_after = 0;
  guint reattached = 0;
  guint recovered;
  FILE *journal;

  g_test_summary ("A crash and restart of the engine mid-batch: running tasks are re-attached, the rest run once");

  qt_start (30);
  history = qt_history_new ();
  queue = qt_queue_new (history);
  ferry_queue_set_pool_limit (queue, 2);

  plan = plan_to ("Evac", vms, "ev-3", NULL);
  before = ferry_queue_add_plan (queue, plan);
  g_assert_true (ferry_test_wait_until (n_running, queue, 20000));

  ids = g_new0 (char *, before->len + 1);
  for (guint i = 0; i < before->len; i++)
    {
      FerryJob *job = g_ptr_array_index (before, i);

      ids[i] = g_strdup (ferry_job_get_id (job));
      starts_before += ferry_job_get_n_starts (job);
      g_assert_false (ferry_job_is_finished (job));
    }
  g_assert_cmpuint (starts_before, ==, 2);

  /* The crash: nothing is logged out, nothing more is journalled, and the
   * last record was torn in the middle of its write. */
  g_clear_pointer (&before, g_ptr_array_unref);
  g_clear_object (&queue);
  g_clear_object (&history);
  journal = g_fopen (qt.journal, "a");
  fputs ("{\"type\": \"end\", \"job\": \"", journal);
  fclose (journal);
  qt_reconnect ();

  /* The restart. */
  history = ferry_history_new (qt.journal);
  queue = qt_queue_new (history);
  ferry_queue_set_pool_limit (queue, 2);
  ferry_queue_recover_async (queue, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  recovered = ferry_queue_recover_finish (queue, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recovered, ==, 5);
  g_assert_cmpuint (ferry_history_get_n_skipped (history), ==, 1);

  qt_wait_idle (queue, 60000);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      FerryJob *job = ferry_queue_lookup_job (queue, ids[i]);

      g_assert_nonnull (job);
      g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_SUCCEEDED);
      starts_after += ferry_job_get_n_starts (job);
      reattached += ferry_job_get_n_starts (job) == 0;
      g_ptr_array_add (after, g_object_ref (job));
    }
  /* One migration per VM in all. */
  g_assert_cmpuint (reattached, ==, 2);
  g_assert_cmpuint (starts_before + starts_after, ==, 5);
  for (guint i = 0; vms[i] != NULL; i++)
    g_assert_true (qt_wait_vm_on ("Evac", vms[i], "ev-3", 5000));

  qt_assert_invariants ();
  qt_assert_journalled (after);
  qt_stop ();
}

/* After a restart, a move whose pool is not connected yet stays open in the
 * journal (never "failed") and is followed once the pool connects. */
static void
test_recover_when_connected (void)
{
  static const char * const vms[] = { "ev-vm-1", "ev-vm-2", "ev-vm-3", NULL };
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(GPtrArray) after = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GListStore) connections = g_list_store_new (FERRY_TYPE_CONNECTION);
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  g_test_summary ("Recovery leaves the moves of a pool that is not connected open, "
                  "and follows them when it connects");

  qt_start (30);
  history = qt_history_new ();
  queue = qt_queue_new (history);
  ferry_queue_set_pool_limit (queue, 2);
  plan = plan_to ("Evac", vms, "ev-3", NULL);
  before = ferry_queue_add_plan (queue, plan);
  g_assert_true (ferry_test_wait_until (n_running, queue, 20000));
  ids = g_new0 (char *, before->len + 1);
  for (guint i = 0; i < before->len; i++)
    ids[i] = g_strdup (ferry_job_get_id (g_ptr_array_index (before, i)));

  /* The crash, then a restart where only the other pools are connected. */
  g_clear_pointer (&before, g_ptr_array_unref);
  g_clear_object (&queue);
  g_clear_object (&history);
  qt_reconnect ();
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (qt.connections)); i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (G_LIST_MODEL (qt.connections), i);

      if (connection != qt_connection ("Evac"))
        g_list_store_append (connections, connection);
    }

  history = ferry_history_new (qt.journal);
  queue = ferry_queue_new (G_LIST_MODEL (connections), history, NULL);
  ferry_queue_recover_async (queue, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  g_assert_cmpuint (ferry_queue_recover_finish (queue, result, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 0);
  open = ferry_history_dup_open (history);
  g_assert_cmpuint (open->len, ==, 3);

  /* The pool connects: the two running are followed, the third starts. */
  g_list_store_append (connections, qt_connection ("Evac"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 3);
  qt_wait_idle (queue, 60000);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      FerryJob *job = ferry_queue_lookup_job (queue, ids[i]);

      g_assert_nonnull (job);
      g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_SUCCEEDED);
      g_ptr_array_add (after, g_object_ref (job));
    }
  for (guint i = 0; vms[i] != NULL; i++)
    g_assert_true (qt_wait_vm_on ("Evac", vms[i], "ev-3", 5000));

  qt_assert_invariants ();
  qt_assert_journalled (after);
  qt_stop ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/queue/faults/drop-mid-migration", test_drop_mid_migration);
  g_test_add_func ("/queue/faults/drop-during-start", test_drop_during_start);
  g_test_add_func ("/queue/faults/left-paused", test_left_paused);
  g_test_add_func ("/queue/faults/retries", test_retries);
  g_test_add_func ("/queue/faults/session-expiry", test_session_expiry);
  g_test_add_func ("/queue/faults/crash-and-restart", test_crash_and_restart);
  g_test_add_func ("/queue/faults/recover-when-connected", test_recover_when_connected);

  return g_test_run ();
}
