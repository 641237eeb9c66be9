/* test-history.c: the journal (JSON lines, appended whole and fsync'd),
 * its reader (a torn last line after a crash, garbage), open entries,
 * what it teaches the estimator, and "put them back" across pools
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-history"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "queue-test-utils.h"

static char *
journal_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "ferry", "history.jsonl", NULL);
}

static JsonObject *
record (const char *type,
        const char *job)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "type", type);
  json_object_set_string_member (object, "job", job);
  json_object_set_string_member (object, "plan", "plan-1");
  return object;
}

static void
append (FerryHistory *history,
        JsonObject   *object)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ferry_history_append (history, object, &error));
  g_assert_no_error (error);
  json_object_unref (object);
}

static void
test_default_path (void)
{
  g_autoptr(FerryHistory) history = ferry_history_new (NULL);
  g_autofree char *expected = journal_path ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("The journal lives in $XDG_DATA_HOME/ferry/history.jsonl; a missing one is empty");

  g_assert_cmpstr (ferry_history_get_path (history), ==, expected);
  g_assert_true (ferry_history_load (history, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 0);
}

static void
test_records (void)
{
  g_autofree char *path = journal_path ();
  g_autoptr(FerryHistory) history = ferry_history_new (path);
  g_autoptr(FerryHistory) reread = ferry_history_new (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(FerryEstimator) estimator = ferry_estimator_new ();
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  FerryHistoryEntry *entry;
  JsonObject *end;
  JsonObject *vm;
  JsonObject *learned;
  JsonObject *network;

  g_test_summary ("Records of one job merge into one entry; an entry stays open until its end record");

  g_remove (path);
  append (history, record ("queued", "job-1"));
  append (history, record ("start", "job-1"));
  append (history, record ("queued", "job-2"));
  end = record ("end", "job-1");
  json_object_set_string_member (end, "outcome", "succeeded");
  json_object_set_string_member (end, "who", "root@Evac");
  vm = json_object_new ();
  json_object_set_string_member (vm, "uuid", "vm-uuid");
  json_object_set_string_member (vm, "name", "web-01");
  json_object_set_object_member (end, "vm", vm);
  learned = json_object_new ();
  network = json_object_new ();
  json_object_set_string_member (network, "uuid", "net-1");
  json_object_set_string_member (network, "name", "Storage");
  json_object_set_object_member (learned, "network", network);
  json_object_set_int_member (learned, "bytes", 10 * 1024 * 1024 * 1024LL);
  json_object_set_double_member (learned, "seconds", 11.5);
  json_object_set_object_member (end, "learned", learned);
  append (history, end);

  /* One line per record, each ending in a newline. */
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_true (g_str_has_suffix (data, "}\n"));
  lines = g_strsplit (data, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);

  g_assert_true (ferry_history_load (reread, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reread)), ==, 2);
  entry = ferry_history_lookup (reread, "job-1");
  g_assert_cmpint (ferry_history_entry_get_outcome (entry), ==, FERRY_HISTORY_OUTCOME_SUCCEEDED);
  g_assert_true (ferry_history_entry_was_started (entry));
  g_assert_cmpstr (ferry_history_entry_get_vm_name (entry), ==, "web-01");
  g_assert_cmpstr (ferry_history_entry_get_who (entry), ==, "root@Evac");
  g_assert_nonnull (ferry_history_entry_get_end_time (entry));

  open = ferry_history_dup_open (reread);
  g_assert_cmpuint (open->len, ==, 1);
  g_assert_cmpstr (ferry_history_entry_get_job_id (g_ptr_array_index (open, 0)), ==, "job-2");

  ferry_history_teach (reread, estimator);
  g_assert_cmpfloat (ferry_estimator_get_learned_rate (estimator, "net-1", NULL), ==, 1024.0 * 1024 * 1024);
}

static JsonObject *
ref_object (const char *uuid,
            const char *name)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "uuid", uuid);
  json_object_set_string_member (object, "name", name);
  return object;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  gint *n_items = user_data;

  *n_items += (gint) added - (gint) removed;
}

static void
test_load_async (void)
{
  g_autofree char *path = journal_path ();
  g_autoptr(FerryHistory) writer = ferry_history_new (path);
  g_autoptr(FerryHistory) history = ferry_history_new (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) pending = NULL;
  g_autoptr(JsonObject) merged = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *from_text = NULL;
  JsonObject *queued, *end, *from, *actual, *failure;
  FerryHistoryEntry *entry;
  gint n_items = 0;

  g_test_summary ("The journal is read in a thread; entries keep every member, and records "
                  "appended meanwhile are kept");

  g_remove (path);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *job = g_strdup_printf ("job-%u", i);

      queued = record ("queued", job);
      from = json_object_new ();
      json_object_set_object_member (from, "pool", ref_object ("pool-uuid", "Production"));
      json_object_set_object_member (from, "host", ref_object ("host-uuid", "prod-host-02"));
      json_object_set_object_member (queued, "from", from);
      json_object_set_int_member (queued, "item", i);
      append (writer, queued);
      end = record ("end", job);
      json_object_set_string_member (end, "outcome", "failed");
      actual = json_object_new ();
      json_object_set_double_member (actual, "duration", 12.5);
      json_object_set_int_member (actual, "bytes", 4096);
      json_object_set_object_member (end, "actual", actual);
      failure = json_object_new ();
      json_object_set_string_member (failure, "code", "VM_MIGRATE_FAILED");
      json_object_set_string_member (failure, "message", "It failed");
      json_object_set_object_member (end, "error", failure);
      append (writer, end);
    }

  g_signal_connect (history, "items-changed", G_CALLBACK (on_items_changed), &n_items);
  ferry_history_load_async (history, NULL, ferry_test_result_cb, &pending);
  /* Appended while the thread reads: kept whether or not it read it. */
  append (history, record ("queued", "job-late"));
  result = ferry_test_wait_result (&pending);
  g_assert_true (ferry_history_load_finish (history, result, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 201);
  g_assert_cmpint (n_items, ==, 201);
  g_assert_nonnull (ferry_history_lookup (history, "job-late"));

  entry = ferry_history_lookup (history, "job-7");
  g_assert_cmpint (ferry_history_entry_get_outcome (entry), ==, FERRY_HISTORY_OUTCOME_FAILED);
  g_assert_cmpstr (ferry_history_entry_get_plan_id (entry), ==, "plan-1");
  g_assert_cmpstr (ferry_history_entry_get_from_host_uuid (entry), ==, "host-uuid");
  from_text = ferry_history_entry_dup_from_text (entry);
  g_assert_cmpstr (from_text, ==, "prod-host-02 (Production)");
  g_assert_cmpstr (ferry_history_entry_get_error_code (entry), ==, "VM_MIGRATE_FAILED");
  g_assert_cmpstr (ferry_history_entry_get_error_message (entry), ==, "It failed");
  g_assert_cmpfloat (ferry_history_entry_get_actual_duration (entry), ==, 12.5);
  g_assert_cmpint (ferry_history_entry_get_actual_bytes (entry), ==, 4096);

  /* Members of both records, merged. */
  merged = ferry_history_entry_dup_json (entry);
  g_assert_cmpint (json_object_get_int_member (merged, "item"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (merged, "outcome"), ==, "failed");
  g_assert_true (json_object_has_member (merged, "from"));
}

static void
test_torn_line (void)
{
  g_autofree char *path = journal_path ();
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryHistory) reread = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  const char *torn = "{\"type\": \"queued\", \"job\": \"a\", \"plan\": \"p\"}\n{\"type\": \"end\", \"job\": \"a\", \"outc";

  g_test_summary ("A crash mid-append leaves a torn last line: readers skip it, the next append starts after it");

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, torn, -1, NULL));

  history = ferry_history_new (path);
  g_assert_true (ferry_history_load (history, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 1);
  g_assert_cmpuint (ferry_history_get_n_skipped (history), ==, 1);
  g_assert_cmpint (ferry_history_entry_get_outcome (ferry_history_lookup (history, "a")), ==,
                   FERRY_HISTORY_OUTCOME_OPEN);

  append (history, record ("queued", "b"));
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_nonnull (strstr (data, "\"outc\n{"));

  reread = ferry_history_new (path);
  g_assert_true (ferry_history_load (reread, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reread)), ==, 2);
  g_assert_cmpuint (ferry_history_get_n_skipped (reread), ==, 1);
}

static void
test_garbage (void)
{
  g_autoptr(FerryHistory) history = ferry_history_new ("/nonexistent/journal");
  static const char data[] =
    "\n"
    "[1, 2, 3]\n"
    "\"just a string\"\n"
    "{\"no\": \"type\"}\n"
    "{\"type\": \"queued\"}\n"
    "{\"type\": \"surprise\", \"job\": \"x\"}\n"
    "{\"type\": \"plan\", \"plan\": {\"not\": \"a plan\"}}\n"
    "{\"type\": \"end\", \"job\": \"ok\", \"outcome\": \"cancelled\", \"time\": \"not a time\"}\n"
    "{\"type\": \"end\", \"job\": \"ok\", \"outcome\": [1]}\r\n"
    "\xff\xfe{\n";

  g_test_summary ("Lines that are not records are skipped and counted; the rest is read");

  ferry_history_load_data (history, data, sizeof data - 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 1);
  g_assert_cmpuint (ferry_history_get_n_skipped (history), ==, 7);
  g_assert_cmpint (ferry_history_entry_get_outcome (ferry_history_lookup (history, "ok")), ==,
                   FERRY_HISTORY_OUTCOME_FAILED);
}

/* Put back across pools: disks by position, interfaces by device. */
static void
test_put_back_cross_pool (void)
{
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GPtrArray) back_jobs = NULL;
  g_autoptr(GDateTime) since = NULL;
  g_autoptr(GError) error = NULL;
  FerryPlan *back_plan;
  FerryPlanItem *item;

  g_test_summary ("Put them back: a VM moved to another pool returns to its host, SR and networks");

  qt_start (2000);
  history = qt_history_new ();
  queue = qt_queue_new (history);
  since = g_date_time_new_now_utc ();
  g_usleep (1100 * 1000);

  request = ferry_move_request_new_for_vm (QT_VM ("Evac", "ev-vm-2"));
  ferry_move_request_set_destination_host (request, QT_HOST ("Dest", "d-2"));
  plan = qt_plan (request);
  jobs = ferry_queue_add_plan (queue, plan);
  qt_wait_idle (queue, 20000);
  g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, 0)), ==, FERRY_JOB_SUCCEEDED);
  g_assert_true (qt_wait_vm_on ("Dest", "ev-vm-2", "d-2", 5000));
  qt_sync_caches ();
  g_assert_cmpstr (qt_vm_disk_sr_name (QT_VM ("Dest", "ev-vm-2")), ==, "Dest-NFS");

  back = ferry_history_build_put_back (history, since, G_LIST_MODEL (qt.connections), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);
  back_plan = g_ptr_array_index (back, 0);
  item = ferry_plan_get_item (back_plan, 0);
  g_assert_true (ferry_plan_item_is_cross_pool (item));
  g_assert_cmpstr (ferry_plan_item_get_to_host_name (item), ==, "ev-1");
  g_assert_cmpstr (ferry_plan_item_get_disk (item, 0)->to_sr_name, ==, "Evac-NFS");
  g_assert_cmpint (ferry_plan_item_get_disk (item, 0)->reason, ==, FERRY_DISK_REASON_CHOSEN);
  g_assert_cmpstr (ferry_plan_item_get_vif (item, 0)->to_network_name, ==, "Migration");
  g_assert_cmpint (ferry_plan_item_get_vif (item, 0)->reason, ==, FERRY_VIF_REASON_CHOSEN);
  g_assert_null (ferry_plan_item_get_blocker (item));

  back_jobs = ferry_queue_add_plan (queue, back_plan);
  qt_wait_idle (queue, 20000);
  g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (back_jobs, 0)), ==, FERRY_JOB_SUCCEEDED);
  g_assert_true (qt_wait_vm_on ("Evac", "ev-vm-2", "ev-1", 5000));
  qt_sync_caches ();
  g_assert_cmpstr (qt_vm_disk_sr_name (QT_VM ("Evac", "ev-vm-2")), ==, "Evac-NFS");
  g_assert_null (qt_lookup_vm ("Dest", "ev-vm-2"));

  /* Nothing left to put back since the first move: ev-vm-2 is home. */
  g_clear_pointer (&back, g_ptr_array_unref);
  back = ferry_history_build_put_back (history, since, G_LIST_MODEL (qt.connections), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 0);

  qt_assert_invariants ();
  qt_assert_journalled (jobs);
  qt_assert_journalled (back_jobs);
  qt_stop ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/history/default-path", test_default_path);
  g_test_add_func ("/history/records", test_records);
  g_test_add_func ("/history/load-async", test_load_async);
  g_test_add_func ("/history/torn-line", test_torn_line);
  g_test_add_func ("/history/garbage", test_garbage);
  g_test_add_func ("/history/put-back/cross-pool", test_put_back_cross_pool);

  return g_test_run ();
}
