/* test-task-follower.c: Async.* calls followed through events to their
 * result, their error, their cancellation; re-attached after a reconnect
 * and after a restart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-task-follower"

#include "config.h"

#include "ferry-engine-test-utils.h"
#include "ferry-error.h"
#include "ferry-task-follower.h"

static FerrySimTestServer *sim;

static FerryTaskFollower *
start (FerryConnection *connection,
       const char      *method,
       GVariant        *args)
{
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FerryTaskFollower *follower;

  ferry_task_follower_start_async (connection, method, args, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  follower = ferry_task_follower_start_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (follower);
  return follower;
}

static JsonNode *
wait_task (FerryTaskFollower  *follower,
           GError            **error)
{
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  ferry_task_follower_wait_async (follower, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  return ferry_task_follower_wait_finish (follower, result, error);
}

static void
on_progress_cb (FerryTaskFollower *follower,
                GParamSpec        *pspec,
                GArray            *seen)
{
  double progress = ferry_task_follower_get_progress (follower);

  g_array_append_val (seen, progress);
}

static char *
find_vm (FerryConnection *connection,
         const char      *power_state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) records = ferry_test_call_sync (connection, "VM.get_all_records", NULL,
                                                      FERRY_CALL_IDEMPOTENT, &error);
  JsonObject *object;
  g_autoptr(GList) refs = NULL;

  g_assert_no_error (error);
  object = json_node_get_object (records);
  refs = json_object_get_members (object);
  for (GList *l = refs; l != NULL; l = l->next)
    {
      JsonObject *vm = json_object_get_object_member (object, l->data);

      if (g_str_equal (json_object_get_string_member (vm, "power_state"), power_state) &&
          !json_object_get_boolean_member (vm, "is_control_domain") &&
          !json_object_get_boolean_member (vm, "is_a_template") &&
          !json_object_get_boolean_member (vm, "is_a_snapshot"))
        return g_strdup (l->data);
    }
  g_assert_not_reached ();
  return NULL;
}

static FerryConnection *
connect_production (FerryTestProxy *proxy)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Production", -1);
  FerryConnection *connection = ferry_test_connection_new (proxy ? ferry_test_proxy_get_address (proxy) : master,
                                                           FERRY_TRANSPORT_HTTPS);

  ferry_connection_set_event_timeout (connection, 1.0);
  ferry_test_open (connection);
  return connection;
}

static void
test_success (void)
{
  g_autoptr(FerryConnection) connection = connect_production (NULL);
  g_autoptr(FerryTaskFollower) follower = start (connection, "VM.ferry_test_work",
                                                 g_variant_new ("(xx)", (gint64) 8, (gint64) 100));
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) gone = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *map;

  g_signal_connect (follower, "notify::progress", G_CALLBACK (on_progress_cb), seen);
  g_assert_true (g_str_has_prefix (ferry_task_follower_get_ref (follower), "OpaqueRef:"));

  result = wait_task (follower, &error);
  g_assert_no_error (error);

  /* Progress went up in steps, from the events. */
  g_assert_cmpuint (seen->len, >=, 3);
  for (guint i = 1; i < seen->len; i++)
    g_assert_cmpfloat (g_array_index (seen, double, i), >, g_array_index (seen, double, i - 1));
  g_assert_cmpfloat (ferry_task_follower_get_progress (follower), ==, 1.0);
  g_assert_cmpint (ferry_task_follower_get_status (follower), ==, FERRY_TASK_FOLLOWER_SUCCESS);
  g_assert_cmpstr (ferry_task_follower_get_name_label (follower), ==, "Async.VM.ferry_test_work");
  g_assert_true (ferry_task_follower_is_completed (follower));

  /* The result, parsed from task.result's XML-RPC text. */
  g_assert_true (JSON_NODE_HOLDS_OBJECT (result));
  map = json_node_get_object (result);
  g_assert_cmpstr (json_object_get_string_member (map, "steps"), ==, "8");
  g_assert_cmpstr (json_object_get_string_member (map, "note"), ==, "<done> & dusted");

  /* And the task was destroyed once read. */
  ferry_test_spin (ferry_test_scale_ms (300));
  gone = ferry_test_call_sync (connection, "task.get_record",
                               g_variant_new ("(s)", ferry_task_follower_get_ref (follower)),
                               FERRY_CALL_IDEMPOTENT, &error);
  g_assert_error (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_HANDLE_INVALID);

  ferry_test_close (connection);
}

static void
test_void_result (void)
{
  g_autoptr(FerryConnection) connection = connect_production (NULL);
  g_autofree char *vm = find_vm (connection, "Running");
  g_autoptr(FerryTaskFollower) pause = start (connection, "VM.pause", g_variant_new ("(s)", vm));
  g_autoptr(FerryTaskFollower) unpause = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;

  /* void comes back as "" (<value></value>). */
  result = wait_task (pause, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (result), ==, "");

  unpause = start (connection, "Async.VM.unpause", g_variant_new ("(s)", vm));
  again = wait_task (unpause, &error);
  g_assert_no_error (error);
  ferry_test_close (connection);
}

static void
test_failure (void)
{
  g_autoptr(FerryConnection) connection = connect_production (NULL);
  g_autofree char *vm = find_vm (connection, "Halted");
  g_autoptr(FerryTaskFollower) follower = start (connection, "VM.pause", g_variant_new ("(s)", vm));
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;

  /* The business check fails inside the task: error_info becomes the GError. */
  result = wait_task (follower, &error);
  g_assert_null (result);
  g_assert_error (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_FAILED);
  g_assert_cmpstr (ferry_xapi_error_get_name (error), ==, "VM_BAD_POWER_STATE");
  g_assert_cmpstr (ferry_xapi_error_get_param (error, 0), ==, vm);
  g_assert_cmpstr (ferry_xapi_error_get_param (error, 1), ==, "running");
  g_assert_cmpstr (ferry_xapi_error_get_param (error, 2), ==, "halted");
  g_assert_cmpint (ferry_task_follower_get_status (follower), ==, FERRY_TASK_FOLLOWER_FAILURE);
  g_assert_true (g_error_matches (ferry_task_follower_get_error (follower), FERRY_XAPI_ERROR,
                                  FERRY_XAPI_ERROR_FAILED));
  ferry_test_close (connection);
}

static gboolean
can_cancel (gpointer data)
{
  return ferry_task_follower_get_can_cancel (data);
}

static void
test_cancel (void)
{
  g_autoptr(FerryConnection) connection = connect_production (NULL);
  g_autoptr(FerryTaskFollower) follower = start (connection, "VM.ferry_test_work",
                                                 g_variant_new ("(xx)", (gint64) 100, (gint64) 100));
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_true (ferry_test_wait_until (can_cancel, follower, 5000));

  ferry_task_follower_cancel_async (follower, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  g_assert_true (ferry_task_follower_cancel_finish (follower, result, &error));
  g_assert_no_error (error);

  node = wait_task (follower, &error);
  g_assert_null (node);
  g_assert_error (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_TASK_CANCELLED);
  g_assert_cmpint (ferry_task_follower_get_status (follower), ==, FERRY_TASK_FOLLOWER_CANCELLED);
  g_assert_false (ferry_task_follower_get_can_cancel (follower));
  ferry_test_close (connection);
}

static void
test_wait_cancelled (void)
{
  g_autoptr(FerryConnection) connection = connect_production (NULL);
  g_autoptr(FerryTaskFollower) follower = start (connection, "VM.ferry_test_work",
                                                 g_variant_new ("(xx)", (gint64) 10, (gint64) 100));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) done = NULL;

  /* Giving up the wait does not cancel the task. */
  ferry_task_follower_wait_async (follower, cancellable, ferry_test_result_cb, &pending);
  g_cancellable_cancel (cancellable);
  result = ferry_test_wait_result (&pending);
  node = ferry_task_follower_wait_finish (follower, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  done = wait_task (follower, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ferry_task_follower_get_status (follower), ==, FERRY_TASK_FOLLOWER_SUCCESS);
  ferry_test_close (connection);
}

static gboolean
has_progress (gpointer data)
{
  return ferry_task_follower_get_progress (data) > 0.0;
}

static void
test_reattach_after_reconnect (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Production", -1);
  g_autoptr(FerryTestProxy) proxy = ferry_test_proxy_new (master);
  g_autoptr(FerryConnection) connection = connect_production (proxy);
  g_autoptr(FerryTaskFollower) follower = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  double before;

  follower = start (connection, "VM.ferry_test_work", g_variant_new ("(xx)", (gint64) 20, (gint64) 100));
  ferry_test_wait_until (has_progress, follower, 500);
  before = ferry_task_follower_get_progress (follower);
  g_assert_cmpfloat (before, >, 0.0);

  /* The link breaks in the middle; the task goes on on the server. */
  ferry_test_proxy_set_up (proxy, FALSE);
  ferry_test_wait_state (connection, FERRY_CONNECTION_STATE_RECONNECTING, 5000);
  ferry_test_spin (600);
  ferry_test_proxy_set_up (proxy, TRUE);
  ferry_test_wait_state (connection, FERRY_CONNECTION_STATE_CONNECTED, 10000);

  result = wait_task (follower, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result), "steps"), ==, "20");
  g_assert_cmpint (ferry_task_follower_get_status (follower), ==, FERRY_TASK_FOLLOWER_SUCCESS);
  ferry_test_close (connection);
}

static void
test_reattach_after_restart (void)
{
  g_autoptr(FerryConnection) first = connect_production (NULL);
  g_autoptr(FerryConnection) second = NULL;
  g_autoptr(FerryTaskFollower) original = NULL;
  g_autoptr(FerryTaskFollower) attached = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = NULL;

  /* Started by one "process", which then goes away (it logs out). */
  original = start (first, "VM.ferry_test_work", g_variant_new ("(xx)", (gint64) 15, (gint64) 100));
  ferry_task_follower_set_destroy_when_done (original, FALSE);
  ref = g_strdup (ferry_task_follower_get_ref (original));
  g_clear_object (&original);
  ferry_test_close (first);

  /* The next one knows the ref (from its saved operations) and follows it. */
  second = connect_production (NULL);
  attached = ferry_task_follower_new (second, ref);
  result = wait_task (attached, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result), "steps"), ==, "15");
  g_assert_cmpstr (ferry_task_follower_get_name_label (attached), ==, "Async.VM.ferry_test_work");
  ferry_test_close (second);
}

static void
test_lost (void)
{
  g_autoptr(FerryConnection) connection = connect_production (NULL);
  g_autoptr(FerryTaskFollower) follower = ferry_task_follower_new (connection, "OpaqueRef:00000000-dead-beef-0000-000000000000");
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;

  result = wait_task (follower, &error);
  g_assert_null (result);
  g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_TASK_LOST);
  g_assert_cmpint (ferry_task_follower_get_status (follower), ==, FERRY_TASK_FOLLOWER_LOST);
  ferry_test_close (connection);
}

static void
test_without_events (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Production", -1);
  g_autoptr(FerryConnection) connection = ferry_test_connection_new (master, FERRY_TRANSPORT_HTTPS);
  g_autoptr(FerryTaskFollower) follower = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  guint calls_before;

  /* The command line: no cache, no event loop; the follower polls. */
  ferry_connection_set_events_enabled (connection, FALSE);
  calls_before = ferry_test_sim_get_n_event_from ();
  ferry_test_open (connection);
  follower = start (connection, "VM.ferry_test_work", g_variant_new ("(xx)", (gint64) 5, (gint64) 100));
  result = wait_task (follower, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ferry_test_sim_get_n_event_from (), ==, calls_before);
  g_assert_false (ferry_cache_get_populated (ferry_connection_get_cache (connection)));
  ferry_test_close (connection);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ferry_test_sim_register_methods ();
  sim = ferry_sim_test_server_start_demo ();

  g_test_add_func ("/engine/task/success", test_success);
  g_test_add_func ("/engine/task/void-result", test_void_result);
  g_test_add_func ("/engine/task/failure", test_failure);
  g_test_add_func ("/engine/task/cancel", test_cancel);
  g_test_add_func ("/engine/task/wait-cancelled", test_wait_cancelled);
  g_test_add_func ("/engine/task/reattach-after-reconnect", test_reattach_after_reconnect);
  g_test_add_func ("/engine/task/reattach-after-restart", test_reattach_after_restart);
  g_test_add_func ("/engine/task/lost", test_lost);
  g_test_add_func ("/engine/task/without-events", test_without_events);

  ret = g_test_run ();

  ferry_sim_test_server_stop (sim);
  return ret;
}
