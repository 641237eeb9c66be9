/* test-sim-faults.c: injected faults through the /sim control endpoint, one
 * test per fault, and the endpoint's other parts (time, invariants)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-sim-error.h"
#include "ferry-sim-faults.h"
#include "ferry-sim-invariants.h"
#include "ferry-sim-scenario.h"
#include "ferry-sim-test-server.h"

static const char scenario[] =
  "{ \"users\": { \"root\": \"demo\" },\n"
  "  \"pools\": [\n"
  "    { \"name\": \"Main\", \"hosts\": [ { \"name\": \"m1\" }, { \"name\": \"m2\" }, { \"name\": \"m3\" } ],\n"
  "      \"srs\": [ { \"name\": \"NFS\", \"type\": \"nfs\", \"size\": \"1 TiB\", \"bandwidth\": \"400 MiB/s\" } ],\n"
  "      \"vms\": [\n"
  "        { \"name\": \"vm1\", \"power_state\": \"running\", \"host\": \"m1\", \"memory\": \"4 GiB\", \"os\": \"debian-12\",\n"
  "          \"dirty_rate\": \"20 MiB/s\", \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"NFS\" } ] },\n"
  "        { \"name\": \"vm2\", \"power_state\": \"running\", \"host\": \"m1\", \"memory\": \"4 GiB\", \"os\": \"debian-12\",\n"
  "          \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"NFS\" } ] } ] },\n"
  "    { \"name\": \"Other\", \"hosts\": [ { \"name\": \"o1\" }, { \"name\": \"o2\" } ],\n"
  "      \"srs\": [ { \"name\": \"NFS-O\", \"type\": \"nfs\", \"size\": \"1 TiB\" } ] } ] }\n";

static FerrySimTestServer *server;
static char *main_url;      /* Main's master, plain HTTP */
static char *other_url;     /* Other's master */

static FerrySimWorld *
make_world (gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pools = ferry_sim_scenario_load_data (scenario, strlen (scenario), "faults", NULL, &error);
  FerrySimWorld *world = ferry_sim_world_new ();

  g_assert_no_error (error);
  for (guint i = 0; i < pools->len; i++)
    ferry_sim_world_add_pool (world, g_ptr_array_index (pools, i));
  return world;
}

/* The announcement's entry for host @name. */
static JsonObject *
find_host (JsonNode   *root,
           const char *name)
{
  JsonArray *pools = json_object_get_array_member (json_node_get_object (root), "pools");

  for (guint p = 0; p < json_array_get_length (pools); p++)
    {
      JsonArray *hosts = json_object_get_array_member (json_array_get_object_element (pools, p), "hosts");

      for (guint h = 0; h < json_array_get_length (hosts); h++)
        {
          JsonObject *host = json_array_get_object_element (hosts, h);

          if (g_strcmp0 (json_object_get_string_member (host, "name"), name) == 0)
            return host;
        }
    }
  g_assert_not_reached ();
  return NULL;
}

static char *
host_member (const char *name,
             const char *member)
{
  g_autoptr(JsonNode) root = ferry_sim_test_server_get_announcement (server);

  return g_strdup (json_object_get_string_member (find_host (root, name), member));
}

/* The control endpoint ---------------------------------------------------- */

static JsonNode *
control (const char *method,
         const char *path,
         const char *body,
         guint      *status_out)
{
  static SoupSession *session;
  g_autofree char *url = g_strconcat (main_url, path + 1, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonNode *node;
  guint status;

  if (session == NULL)
    session = soup_session_new ();
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }
  response = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  status = soup_message_get_status (msg);
  if (status_out != NULL)
    *status_out = status;
  else
    g_assert_cmpuint (status, ==, 200);

  text = g_strndup (g_bytes_get_data (response, NULL), g_bytes_get_size (response));
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  return node;
}

static void
add_faults (const char *json)
{
  g_autoptr(JsonNode) state = control ("POST", "/sim/faults", json, NULL);
  g_autofree char *text = json_to_string (state, FALSE);

  g_test_message ("faults: %s", text);
}

/* The state ("pending", "armed", "spent") and count of fault number @index. */
static char *
fault_state (guint  index,
             gint64 *fired)
{
  g_autoptr(JsonNode) state = control ("GET", "/sim/faults", NULL, NULL);
  JsonArray *faults = json_object_get_array_member (json_node_get_object (state), "faults");
  JsonObject *fault = json_array_get_object_element (faults, index);

  if (fired != NULL)
    *fired = json_object_get_int_member (fault, "fired");
  return g_strdup (json_object_get_string_member (fault, "state"));
}

static void
set_time_scale (double scale)
{
  g_autofree char *body = g_strdup_printf ("{\"scale\": %g}", scale);
  g_autoptr(JsonNode) state = control ("POST", "/sim/time", body, NULL);

  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (state), "time_scale"), ==, scale);
}

/* Every test ends here: no fault left over, every invariant holds. */
static void
finish_test (void)
{
  g_autoptr(JsonNode) cleared = control ("DELETE", "/sim/faults", NULL, NULL);
  g_autoptr(JsonNode) invariants = control ("GET", "/sim/invariants", NULL, NULL);
  JsonObject *object = json_node_get_object (invariants);

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (cleared), "faults")), ==, 0);
  if (!json_object_get_boolean_member (object, "ok"))
    {
      g_autofree char *text = json_to_string (invariants, TRUE);
      g_error ("Invariants broken: %s", text);
    }
  set_time_scale (1);
}

/* Raw connections: see exactly when one is refused or dropped ------------- */

static GSocketConnection *
connect_to (const char *http_url)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_strndup (http_url + strlen ("http://"), strlen (http_url) - strlen ("http://") - 1);
  GSocketConnection *connection;

  connection = g_socket_client_connect_to_host (client, address, 80, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

/* One JSON-RPC login on @connection: its HTTP status, or 0 if the server
 * closed the connection without an answer. */
static guint
raw_login (GSocketConnection *connection)
{
  static const char body[] =
    "{\"jsonrpc\":\"2.0\",\"method\":\"session.login_with_password\",\"params\":[\"root\",\"demo\"],\"id\":1}";
  g_autofree char *request = g_strdup_printf ("POST /jsonrpc HTTP/1.1\r\nHost: sim\r\n"
                                              "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                                              strlen (body), body);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autoptr(GString) reply = g_string_new (NULL);
  const char *end;
  gsize length = 0;
  guint status = 0;

  if (!g_output_stream_write_all (out, request, strlen (request), NULL, NULL, NULL))
    return 0;

  /* Headers, then Content-Length bytes. */
  while ((end = strstr (reply->str, "\r\n\r\n")) == NULL ||
         reply->len < (gsize) (end - reply->str) + 4 + length)
    {
      char buffer[4096];
      gssize n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL);

      if (n <= 0)
        return 0;
      g_string_append_len (reply, buffer, n);
      if ((end = strstr (reply->str, "\r\n\r\n")) != NULL)
        {
          const char *header = g_strstr_len (reply->str, end - reply->str, "Content-Length: ");

          if (header == NULL)
            header = g_strstr_len (reply->str, end - reply->str, "content-length: ");
          g_assert_nonnull (header);
          length = g_ascii_strtoull (header + strlen ("Content-Length: "), NULL, 10);
        }
    }

  g_assert_true (g_str_has_prefix (reply->str, "HTTP/1.1 "));
  status = (guint) g_ascii_strtoull (reply->str + strlen ("HTTP/1.1 "), NULL, 10);
  return status;
}

/* A login on a connection of its own. */
static guint
fresh_login (const char *http_url)
{
  g_autoptr(GSocketConnection) connection = connect_to (http_url);

  return raw_login (connection);
}

static void
sleep_ms (guint ms)
{
  g_usleep (ms * 1000);
}

/* JSON-RPC helpers -------------------------------------------------------- */

static char *
lookup_ref (const char *url,
            const char *session,
            const char *class_name,
            const char *name)
{
  g_autofree char *method = g_strconcat (class_name, ".get_by_name_label", NULL);
  g_autofree char *params = g_strdup_printf ("[\"%s\", \"%s\"]", session, name);
  g_autoptr(JsonNode) result = ferry_sim_test_jsonrpc_result (url, method, params);

  g_assert_cmpuint (json_array_get_length (json_node_get_array (result)), ==, 1);
  return g_strdup (json_array_get_string_element (json_node_get_array (result), 0));
}

static char *
get_field (const char *url,
           const char *session,
           const char *class_name,
           const char *ref,
           const char *field)
{
  g_autofree char *method = g_strdup_printf ("%s.get_%s", class_name, field);
  g_autofree char *params = g_strdup_printf ("[\"%s\", \"%s\"]", session, ref);
  g_autoptr(JsonNode) result = ferry_sim_test_jsonrpc_result (url, method, params);

  return g_strdup (json_node_get_string (result));
}

/* The migration faults drive real migrations (ferry-sim-migrate.c). */
static void
assert_pool_migrate_served (void)
{
  g_autofree char *failure = ferry_sim_test_jsonrpc_failure (main_url, "VM.pool_migrate", "[]");

  g_assert_false (g_str_has_prefix (failure, "MESSAGE_METHOD_UNKNOWN"));
}

static GArray *progress_seen;  /* of double: what the last pool_migrate's task showed */

/* Async.VM.pool_migrate, waited for: the task's record. */
static JsonNode *
pool_migrate (const char *session,
              const char *vm,
              const char *host)
{
  g_autofree char *params = g_strdup_printf ("[\"%s\", \"%s\", \"%s\", {\"live\": \"true\"}]", session, vm, host);
  g_autoptr(JsonNode) task = ferry_sim_test_jsonrpc_result (main_url, "Async.VM.pool_migrate", params);
  g_autofree char *record_params = g_strdup_printf ("[\"%s\", \"%s\"]", session, json_node_get_string (task));

  for (guint i = 0; i < 3000; i++)
    {
      JsonNode *record = ferry_sim_test_jsonrpc_result (main_url, "task.get_record", record_params);
      const char *status = json_object_get_string_member (json_node_get_object (record), "status");
      double progress = json_object_get_double_member (json_node_get_object (record), "progress");

      if (i == 0)
        g_array_set_size (progress_seen, 0);
      g_array_append_val (progress_seen, progress);

      if (g_strcmp0 (status, "pending") != 0 && g_strcmp0 (status, "cancelling") != 0)
        return record;
      json_node_unref (record);
      sleep_ms (10);
    }
  g_error ("The migration did not end");
  return NULL;
}

static const char *
task_error (JsonNode *record,
            guint     index)
{
  JsonArray *info = json_object_get_array_member (json_node_get_object (record), "error_info");

  return index < json_array_get_length (info) ? json_array_get_string_element (info, index) : NULL;
}

/* Runs @func on the server's thread. */
typedef struct
{
  const char *vm;
  const char *destination;
  double      progress;
  gboolean    ok;
  gboolean    leave_paused;
  GError     *error;
} Hook;

static FerrySimRow *
find_row (FerrySimWorld  *world,
          const char     *class_name,
          const char     *name,
          FerrySimPool  **pool_out)
{
  GPtrArray *pools = ferry_sim_world_get_pools (world);

  for (guint p = 0; p < pools->len; p++)
    {
      FerrySimPool *pool = g_ptr_array_index (pools, p);
      GPtrArray *rows = ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (pool), class_name);

      for (guint i = 0; i < rows->len; i++)
        if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (rows, i), "name_label"), name) == 0)
          {
            if (pool_out)
              *pool_out = pool;
            return g_ptr_array_index (rows, i);
          }
    }
  g_assert_not_reached ();
  return NULL;
}

static gboolean
check_migration_cb (gpointer data)
{
  Hook *hook = data;
  FerrySimWorld *world = ferry_sim_test_server_get_world (server);
  FerrySimPool *pool = NULL;
  FerrySimRow *vm = find_row (world, "VM", hook->vm, &pool);

  g_clear_error (&hook->error);
  hook->ok = ferry_sim_faults_check_migration (world, pool, vm->ref, hook->progress,
                                               &hook->leave_paused, &hook->error);
  return G_SOURCE_REMOVE;
}

static gboolean
check_migration (Hook       *hook,
                 const char *vm,
                 double      progress)
{
  hook->vm = vm;
  hook->progress = progress;
  ferry_sim_test_server_invoke (server, check_migration_cb, hook);
  return hook->ok;
}

static gboolean
check_destination_cb (gpointer data)
{
  Hook *hook = data;

  g_clear_error (&hook->error);
  hook->ok = ferry_sim_faults_check_destination (ferry_sim_test_server_get_world (server),
                                                 hook->destination, &hook->error);
  return G_SOURCE_REMOVE;
}

static gboolean
check_destination (Hook       *hook,
                   const char *destination)
{
  hook->destination = destination;
  ferry_sim_test_server_invoke (server, check_destination_cb, hook);
  return hook->ok;
}

static char *
failure_text (const GError *error)
{
  g_auto(GStrv) description = ferry_sim_failure_description (error);

  return g_strjoinv (" ", description);
}

/* The format -------------------------------------------------------------- */

static void
test_format (void)
{
  static const char * const bad[] = {
    "{\"type\": \"nonsense\"}",
    "{\"type\": \"fail_migration\", \"cont\": 1}",
    "{\"type\": \"fail_migration\", \"count\": 0}",
    "{\"type\": \"fail_migration\", \"count\": 1.5}",
    "{\"type\": \"fail_migration\", \"seconds\": -1}",
    "{\"type\": \"fail_migration\", \"at_progress\": 2}",
    "{\"type\": \"fail_migration\", \"vm\": \"no-such-vm\"}",
    "{\"type\": \"fail_migration\", \"error\": []}",
    "{\"type\": \"fail_migration\", \"leave_paused\": \"yes\"}",
    "{\"type\": \"refuse_connections\", \"host\": \"no-such-host\"}",
    "{\"type\": \"slow_responses\"}",
    "{\"type\": \"master_failover\", \"pool\": \"Main\"}",
    "{\"type\": \"master_failover\", \"pool\": \"Other\", \"host\": \"m2\"}",
    "{\"type\": \"master_failover\", \"host\": \"m2\", \"count\": 2}",
    "{\"type\": \"expire_sessions\", \"seconds\": 2}",
    "{\"type\": \"expire_sessions\", \"pool\": \"Nowhere\"}",
    "{\"faults\": {}}",
    "{\"fault\": []}",
    "[1]",
    "not json",
  };
  g_autoptr(JsonNode) state = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  JsonArray *faults;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint status;
      g_autoptr(JsonNode) reply = control ("POST", "/sim/faults", bad[i], &status);

      g_test_message ("%s → %s", bad[i], json_object_get_string_member (json_node_get_object (reply), "error"));
      g_assert_cmpuint (status, ==, 400);
      g_assert_nonnull (json_object_get_string_member (json_node_get_object (reply), "error"));
    }

  /* A bad fault in a list arms none of them. */
  {
    guint status;
    g_autoptr(JsonNode) reply = control ("POST", "/sim/faults",
                                         "{\"faults\": [{\"type\": \"fail_migration\"}, {\"type\": \"bad\"}]}", &status);

    g_assert_cmpuint (status, ==, 400);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "error"), ==,
                     "Fault 2: unknown type “bad”");
  }
  state = control ("GET", "/sim/faults", NULL, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (state), "faults")), ==, 0);
  g_clear_pointer (&state, json_node_unref);

  /* The three shapes; bounds by default (count 1), by seconds, after a delay. */
  add_faults ("{\"comment\": \"x\", \"faults\": [{\"type\": \"fail_migration\", \"comment\": \"first\"}]}");
  add_faults ("[{\"type\": \"unreachable_destination\", \"seconds\": 1000}]");
  add_faults ("{\"type\": \"slow_responses\", \"delay\": 1, \"after\": 1000, \"method\": \"nothing\"}");
  state = control ("GET", "/sim/faults", NULL, NULL);
  faults = json_object_get_array_member (json_node_get_object (state), "faults");
  g_assert_cmpuint (json_array_get_length (faults), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (faults, 0), "id"), ==,
                   json_object_get_int_member (json_array_get_object_element (faults, 1), "id") - 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (faults, 0), "comment"), ==, "first");
  first = fault_state (0, NULL);
  second = fault_state (1, NULL);
  third = fault_state (2, NULL);
  g_assert_cmpstr (first, ==, "armed");
  g_assert_cmpstr (second, ==, "armed");
  g_assert_cmpstr (third, ==, "pending");

  finish_test ();
}

/* refuse_connections: new connections to the host are closed unanswered,
 * for "count" connections or "seconds"; others are not affected. */
static void
test_refuse_connections (void)
{
  g_autofree char *m2 = host_member ("m2", "http_url");
  g_autofree char *m3 = host_member ("m3", "http_url");
  g_autoptr(GSocketConnection) open = connect_to (m2);
  g_autofree char *state = NULL;
  gint64 fired;

  /* A connection opened before the fault stays usable. */
  g_assert_cmpuint (raw_login (open), ==, 200);

  add_faults ("{\"type\": \"refuse_connections\", \"host\": \"m2\", \"count\": 2}");
  g_assert_cmpuint (fresh_login (m2), ==, 0);
  g_assert_cmpuint (fresh_login (m3), ==, 200);
  g_assert_cmpuint (raw_login (open), ==, 200);
  g_assert_cmpuint (fresh_login (m2), ==, 0);
  state = fault_state (0, &fired);
  g_assert_cmpstr (state, ==, "spent");
  g_assert_cmpint (fired, ==, 2);
  g_assert_cmpuint (fresh_login (m2), ==, 200);
  g_clear_pointer (&state, g_free);

  /* By time: refused for 0.3 s, then back. Every host when none is named. */
  add_faults ("{\"type\": \"refuse_connections\", \"seconds\": 0.3}");
  g_assert_cmpuint (fresh_login (m2), ==, 0);
  g_assert_cmpuint (fresh_login (m3), ==, 0);
  sleep_ms (400);
  g_assert_cmpuint (fresh_login (m2), ==, 200);
  g_assert_cmpuint (fresh_login (m3), ==, 200);

  finish_test ();
}

/* drop_connections: open connections close at once; new ones are refused. */
static void
test_drop_connections (void)
{
  g_autofree char *m2 = host_member ("m2", "http_url");
  g_autofree char *m3 = host_member ("m3", "http_url");
  g_autoptr(GSocketConnection) open = connect_to (m2);
  g_autoptr(GSocketConnection) other = connect_to (m3);

  g_assert_cmpuint (raw_login (open), ==, 200);
  g_assert_cmpuint (raw_login (other), ==, 200);

  /* Simulated seconds: 50 at 100× are half a real second. */
  set_time_scale (100);
  add_faults ("{\"type\": \"drop_connections\", \"host\": \"m2\", \"seconds\": 50}");
  g_assert_cmpuint (raw_login (open), ==, 0);
  g_assert_cmpuint (fresh_login (m2), ==, 0);
  g_assert_cmpuint (raw_login (other), ==, 200);
  sleep_ms (600);
  g_assert_cmpuint (fresh_login (m2), ==, 200);

  finish_test ();
}

/* fail_migration: a migration fails at "at_progress" with "error". */
static void
test_fail_migration (void)
{
  Hook hook = { 0 };
  g_autofree char *text = NULL;
  g_autofree char *state = NULL;

  /* The hook (the time model calls it at every progress step). */
  add_faults ("{\"type\": \"fail_migration\", \"vm\": \"vm1\", \"at_progress\": 0.5,"
              " \"error\": [\"VM_MIGRATE_FAILED\", \"a\", \"b\", \"c\", \"network down\"], \"count\": 2}");
  g_assert_true (check_migration (&hook, "vm1", 0.2));
  g_assert_true (check_migration (&hook, "vm2", 0.9));
  g_assert_false (check_migration (&hook, "vm1", 0.5));
  text = failure_text (hook.error);
  g_assert_cmpstr (text, ==, "VM_MIGRATE_FAILED a b c network down");
  g_assert_false (hook.leave_paused);
  g_assert_false (check_migration (&hook, "vm1", 0.7));
  g_assert_true (check_migration (&hook, "vm1", 0.7));   /* count 2: spent */
  state = fault_state (0, NULL);
  g_assert_cmpstr (state, ==, "spent");
  g_clear_pointer (&text, g_free);

  /* Any VM; the default error names the VM and its hosts. */
  add_faults ("{\"type\": \"fail_migration\", \"at_progress\": 0}");
  g_assert_false (check_migration (&hook, "vm2", 0));
  g_assert_true (ferry_sim_failure_matches (hook.error, "VM_MIGRATE_FAILED"));
  g_assert_true (check_migration (&hook, "vm2", 0));
  g_clear_error (&hook.error);

  assert_pool_migrate_served ();
    {
      g_autofree char *session = ferry_sim_test_login (main_url);
      g_autofree char *vm = lookup_ref (main_url, session, "VM", "vm1");
      g_autofree char *m1 = lookup_ref (main_url, session, "host", "m1");
      g_autofree char *m2 = lookup_ref (main_url, session, "host", "m2");
      g_autofree char *resident = NULL;
      g_autofree char *power = NULL;
      g_autoptr(JsonNode) record = NULL;

      set_time_scale (200);
      add_faults ("{\"type\": \"fail_migration\", \"vm\": \"vm1\", \"at_progress\": 0.3,"
                  " \"error\": [\"VM_MIGRATE_FAILED\", \"a\", \"b\", \"c\", \"network down\"]}");
      record = pool_migrate (session, vm, m2);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (record), "status"), ==, "failure");
      g_assert_cmpstr (task_error (record, 0), ==, "VM_MIGRATE_FAILED");
      g_assert_cmpstr (task_error (record, 4), ==, "network down");
      resident = get_field (main_url, session, "VM", vm, "resident_on");
      power = get_field (main_url, session, "VM", vm, "power_state");
      g_assert_cmpstr (resident, ==, m1);
      g_assert_cmpstr (power, ==, "Running");
    }

  finish_test ();
}

/* leave_paused: after the failure the VM stays paused on the source (R29). */
static void
test_leave_paused (void)
{
  Hook hook = { 0 };

  add_faults ("{\"type\": \"fail_migration\", \"vm\": \"vm2\", \"at_progress\": 0.8, \"leave_paused\": true}");
  g_assert_true (check_migration (&hook, "vm2", 0.79));
  g_assert_false (check_migration (&hook, "vm2", 0.8));
  g_assert_true (hook.leave_paused);
  g_assert_true (ferry_sim_failure_matches (hook.error, "VM_MIGRATE_FAILED"));
  g_clear_error (&hook.error);

  assert_pool_migrate_served ();
    {
      g_autofree char *session = ferry_sim_test_login (main_url);
      g_autofree char *vm = lookup_ref (main_url, session, "VM", "vm2");
      g_autofree char *m1 = lookup_ref (main_url, session, "host", "m1");
      g_autofree char *m3 = lookup_ref (main_url, session, "host", "m3");
      g_autofree char *params = g_strdup_printf ("[\"%s\", \"%s\"]", session, vm);
      g_autofree char *resident = NULL;
      g_autofree char *power = NULL;
      g_autoptr(JsonNode) record = NULL;
      g_autoptr(JsonNode) unpaused = NULL;

      set_time_scale (200);
      add_faults ("{\"type\": \"fail_migration\", \"vm\": \"vm2\", \"at_progress\": 0.9, \"leave_paused\": true,"
                  " \"error\": \"VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED\"}");
      record = pool_migrate (session, vm, m3);
      g_assert_cmpstr (task_error (record, 0), ==, "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED");
      resident = get_field (main_url, session, "VM", vm, "resident_on");
      power = get_field (main_url, session, "VM", vm, "power_state");
      g_assert_cmpstr (resident, ==, m1);
      g_assert_cmpstr (power, ==, "Paused");

      /* The client offers to resume it. */
      unpaused = ferry_sim_test_jsonrpc_result (main_url, "VM.unpause", params);
      g_clear_pointer (&power, g_free);
      power = get_field (main_url, session, "VM", vm, "power_state");
      g_assert_cmpstr (power, ==, "Running");
    }

  finish_test ();
}

/* unreachable_destination: CANNOT_CONTACT_HOST [address] by default, or
 * VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED []. */
static void
test_unreachable_destination (void)
{
  g_autofree char *m2_address = host_member ("m2", "address");
  g_autofree char *m2_url = host_member ("m2", "url");
  g_autofree char *m2_ref = host_member ("m2", "ref");
  g_autofree char *expected = g_strconcat ("CANNOT_CONTACT_HOST ", m2_address, NULL);
  g_autofree char *text = NULL;
  Hook hook = { 0 };

  add_faults ("{\"type\": \"unreachable_destination\", \"host\": \"m2\", \"count\": 3}");
  g_assert_true (check_destination (&hook, "m3"));
  g_assert_false (check_destination (&hook, m2_address));
  text = failure_text (hook.error);
  g_assert_cmpstr (text, ==, expected);
  g_assert_false (check_destination (&hook, m2_url));        /* a URL names it too */
  g_assert_false (check_destination (&hook, m2_ref));        /* and its ref */
  g_assert_true (check_destination (&hook, m2_ref));         /* spent */
  g_clear_pointer (&text, g_free);

  add_faults ("{\"type\": \"unreachable_destination\", \"error\": \"VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED\"}");
  g_assert_false (check_destination (&hook, "https://192.0.2.1/"));
  text = failure_text (hook.error);
  g_assert_cmpstr (text, ==, "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED");
  g_clear_error (&hook.error);

  assert_pool_migrate_served ();
    {
      g_autofree char *session = ferry_sim_test_login (main_url);
      g_autofree char *vm = lookup_ref (main_url, session, "VM", "vm1");
      g_autofree char *m1 = lookup_ref (main_url, session, "host", "m1");
      g_autofree char *resident = NULL;
      g_autoptr(JsonNode) record = NULL;

      set_time_scale (200);
      add_faults ("{\"type\": \"unreachable_destination\", \"host\": \"m2\"}");
      record = pool_migrate (session, vm, m2_ref);
      g_assert_cmpstr (task_error (record, 0), ==, "CANNOT_CONTACT_HOST");
      g_assert_cmpstr (task_error (record, 1), ==, m2_address);
      resident = get_field (main_url, session, "VM", vm, "resident_on");
      g_assert_cmpstr (resident, ==, m1);
    }

  finish_test ();
}

/* expire_sessions: the next call of every client of the pool fails with
 * SESSION_INVALID; other pools keep theirs. */
static void
test_expire_sessions (void)
{
  g_autofree char *main_session = ferry_sim_test_login (main_url);
  g_autofree char *other_session = ferry_sim_test_login (other_url);
  g_autofree char *main_params = g_strdup_printf ("[\"%s\"]", main_session);
  g_autofree char *other_params = g_strdup_printf ("[\"%s\"]", other_session);
  g_autofree char *failure = NULL;
  g_autofree char *expected = g_strconcat ("SESSION_INVALID ", main_session, NULL);
  g_autoptr(JsonNode) hosts = NULL;
  g_autofree char *state = NULL;

  hosts = ferry_sim_test_jsonrpc_result (main_url, "host.get_all", main_params);

  add_faults ("{\"type\": \"expire_sessions\", \"pool\": \"Main\"}");
  failure = ferry_sim_test_jsonrpc_failure (main_url, "host.get_all", main_params);
  g_assert_cmpstr (failure, ==, expected);
  g_clear_pointer (&hosts, json_node_unref);
  hosts = ferry_sim_test_jsonrpc_result (other_url, "host.get_all", other_params);
  state = fault_state (0, NULL);
  g_assert_cmpstr (state, ==, "spent");

  /* A new login works at once. */
  g_free (main_session);
  main_session = ferry_sim_test_login (main_url);
  g_assert_nonnull (main_session);

  finish_test ();
}

/* master_failover: the old master answers HOST_IS_SLAVE [new address]; with
 * "seconds" the master moves back. */
static void
test_master_failover (void)
{
  g_autofree char *m2_address = host_member ("m2", "address");
  g_autofree char *m2_url = host_member ("m2", "http_url");
  g_autofree char *expected = g_strconcat ("HOST_IS_SLAVE ", m2_address, NULL);
  g_autofree char *failure = NULL;
  g_autofree char *session = NULL;
  g_autofree char *state = NULL;

  set_time_scale (100);
  add_faults ("{\"type\": \"master_failover\", \"host\": \"m2\", \"seconds\": 40}");
  failure = ferry_sim_test_jsonrpc_failure (main_url, "session.login_with_password", "[\"root\", \"demo\"]");
  g_assert_cmpstr (failure, ==, expected);
  session = ferry_sim_test_login (m2_url);
  g_assert_nonnull (session);
  state = fault_state (0, NULL);
  g_assert_cmpstr (state, ==, "armed");
  g_clear_pointer (&state, g_free);

  /* 40 simulated seconds are 0.4 real ones. */
  sleep_ms (600);
  state = fault_state (0, NULL);
  g_assert_cmpstr (state, ==, "spent");
  g_clear_pointer (&session, g_free);
  session = ferry_sim_test_login (main_url);
  g_clear_pointer (&failure, g_free);
  failure = ferry_sim_test_jsonrpc_failure (m2_url, "session.login_with_password", "[\"root\", \"demo\"]");
  g_assert_true (g_str_has_prefix (failure, "HOST_IS_SLAVE "));

  finish_test ();
}

/* slow_responses: replies wait "delay" simulated seconds. */
static void
test_slow_responses (void)
{
  g_autofree char *m3 = host_member ("m3", "http_url");
  g_autofree char *session = NULL;
  gint64 start;
  double took;

  add_faults ("{\"type\": \"slow_responses\", \"host\": \"m1\", \"delay\": 0.4, \"count\": 1,"
              " \"method\": \"session.login_with_password\"}");

  /* Another method, another host: at once. */
  start = g_get_monotonic_time ();
  g_assert_cmpuint (fresh_login (m3), ==, 200);
  g_free (ferry_sim_test_jsonrpc_failure (main_url, "session.logout", "[\"nobody\"]"));
  g_assert_cmpfloat ((g_get_monotonic_time () - start) / 1e6, <, 0.3);

  start = g_get_monotonic_time ();
  session = ferry_sim_test_login (main_url);
  took = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("the slow login took %.3f s", took);
  g_assert_cmpfloat (took, >=, 0.39);

  /* Spent after one. */
  g_clear_pointer (&session, g_free);
  start = g_get_monotonic_time ();
  session = ferry_sim_test_login (main_url);
  g_assert_cmpfloat ((g_get_monotonic_time () - start) / 1e6, <, 0.3);

  /* The delay is simulated time: 30 s at 100× are 0.3 s. */
  set_time_scale (100);
  add_faults ("{\"type\": \"slow_responses\", \"delay\": 30}");
  start = g_get_monotonic_time ();
  g_clear_pointer (&session, g_free);
  session = ferry_sim_test_login (main_url);
  took = (g_get_monotonic_time () - start) / 1e6;
  g_assert_cmpfloat (took, >=, 0.29);
  g_assert_cmpfloat (took, <, 3);

  finish_test ();
}

/* regenerate_certificate: the host presents a new certificate. */
typedef struct
{
  const char      *host;
  GTlsCertificate *certificate;
} CertificateQuery;

static gboolean
get_certificate_cb (gpointer data)
{
  CertificateQuery *query = data;
  FerrySimWorld *world = ferry_sim_test_server_get_world (server);
  FerrySimRow *host = find_row (world, "host", query->host, NULL);

  g_set_object (&query->certificate, ferry_sim_world_get_host_certificate (world, host->ref));
  return G_SOURCE_REMOVE;
}

static GTlsCertificate *
get_certificate (const char *host)
{
  CertificateQuery query = { host, NULL };

  ferry_sim_test_server_invoke (server, get_certificate_cb, &query);
  g_assert_nonnull (query.certificate);
  return query.certificate;
}

static void
test_regenerate_certificate (void)
{
  g_autoptr(GTlsCertificate) before = get_certificate ("m3");
  g_autoptr(GTlsCertificate) other_before = get_certificate ("m2");
  g_autoptr(GTlsCertificate) after = NULL;
  g_autoptr(GTlsCertificate) other_after = NULL;
  g_autofree char *m3_tls = host_member ("m3", "url");
  g_autofree char *m3 = host_member ("m3", "http_url");
  g_autofree char *failure = NULL;

  add_faults ("{\"type\": \"regenerate_certificate\", \"host\": \"m3\"}");
  after = get_certificate ("m3");
  other_after = get_certificate ("m2");
  g_assert_false (g_tls_certificate_is_same (before, after));
  g_assert_true (g_tls_certificate_is_same (other_before, other_after));

  /* The host still answers, on TLS too (the test client accepts any
   * certificate); m3 is no master, so HOST_IS_SLAVE comes back. */
  g_assert_cmpuint (fresh_login (m3), ==, 200);
  failure = ferry_sim_test_jsonrpc_failure (m3_tls, "session.login_with_password", "[\"root\", \"demo\"]");
  g_assert_true (g_str_has_prefix (failure, "HOST_IS_SLAVE "));

  finish_test ();
}

/* A real migration through the time model: progress only grows, and the task
 * records the outcome next to the estimate. */
static void
test_migration_record (void)
{
  g_autofree char *session = NULL;
  g_autofree char *vm = NULL;
  g_autofree char *m2 = NULL;
  g_autofree char *resident = NULL;
  g_autoptr(JsonNode) record = NULL;
  JsonObject *other_config;
  double duration, estimate;

  assert_pool_migrate_served ();

  session = ferry_sim_test_login (main_url);
  vm = lookup_ref (main_url, session, "VM", "vm2");
  m2 = lookup_ref (main_url, session, "host", "m2");
  set_time_scale (40);
  record = pool_migrate (session, vm, m2);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (record), "status"), ==, "success");
  resident = get_field (main_url, session, "VM", vm, "resident_on");
  g_assert_cmpstr (resident, ==, m2);

  g_test_message ("%u progress samples", progress_seen->len);
  g_assert_cmpuint (progress_seen->len, >=, 3);
  for (guint i = 1; i < progress_seen->len; i++)
    g_assert_cmpfloat (g_array_index (progress_seen, double, i), >=, g_array_index (progress_seen, double, i - 1));
  g_assert_cmpfloat (g_array_index (progress_seen, double, progress_seen->len - 1), ==, 1.0);

  other_config = json_object_get_object_member (json_node_get_object (record), "other_config");
  duration = g_ascii_strtod (json_object_get_string_member (other_config, "sim_duration_s"), NULL);
  estimate = g_ascii_strtod (json_object_get_string_member (other_config, "sim_estimated_duration_s"), NULL);
  g_test_message ("took %.3f s, estimated %.3f s", duration, estimate);
  g_assert_cmpfloat (duration, >, 1.0);
  g_assert_cmpfloat (ABS (duration - estimate), <, 0.01);
  g_assert_true (json_object_has_member (other_config, "sim_downtime_s"));
  g_assert_cmpfloat (g_ascii_strtod (json_object_get_string_member (other_config, "sim_bytes_sent"), NULL), >=, 4.0 * 1024 * 1024 * 1024);

  finish_test ();
}

/* The rest of the control plane ------------------------------------------- */

static void
test_control_time (void)
{
  g_autoptr(JsonNode) state = control ("GET", "/sim/time", NULL, NULL);
  JsonObject *object = json_node_get_object (state);
  double t0 = json_object_get_double_member (object, "sim_time");
  guint status;

  g_assert_cmpfloat (json_object_get_double_member (object, "time_scale"), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "migrations")), ==, 0);

  set_time_scale (1000);
  sleep_ms (100);
  g_clear_pointer (&state, json_node_unref);
  state = control ("GET", "/sim/time", NULL, NULL);
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (state), "sim_time") - t0, >, 90);

  g_clear_pointer (&state, json_node_unref);
  state = control ("POST", "/sim/time", "{\"scale\": 0}", &status);
  g_assert_cmpuint (status, ==, 400);
  g_clear_pointer (&state, json_node_unref);
  state = control ("POST", "/sim/time", "{\"speed\": 2}", &status);
  g_assert_cmpuint (status, ==, 400);

  finish_test ();
}

typedef struct
{
  const char *vm;
  const char *power_state;
  char       *old;
} Tamper;

static gboolean
tamper_cb (gpointer data)
{
  Tamper *tamper = data;
  FerrySimPool *pool = NULL;
  FerrySimRow *vm = find_row (ferry_sim_test_server_get_world (server), "VM", tamper->vm, &pool);

  g_free (tamper->old);
  tamper->old = g_strdup (ferry_sim_row_get_string (vm, "power_state"));
  ferry_sim_db_set_string (ferry_sim_pool_get_db (pool), vm, "power_state", tamper->power_state);
  return G_SOURCE_REMOVE;
}

static gboolean
check_invariants_cb (gpointer data)
{
  GError **error = data;

  ferry_sim_world_check_invariants (ferry_sim_test_server_get_world (server), error);
  return G_SOURCE_REMOVE;
}

/* Breaks memory accounting (+1) or mends it (-1); adds a broken task (+2)
 * or removes it (-2). */
static gboolean
poke_cb (gpointer data)
{
  int what = GPOINTER_TO_INT (data);
  FerrySimPool *pool = NULL;
  FerrySimRow *host = find_row (ferry_sim_test_server_get_world (server), "host", "m3", &pool);
  FerrySimDb *db = ferry_sim_pool_get_db (pool);

  if (what == 1 || what == -1)
    {
      FerrySimRow *metrics = ferry_sim_db_lookup (db, ferry_sim_row_get_string (host, "metrics"));

      ferry_sim_db_set_int (db, metrics, "memory_free",
                            ferry_sim_row_get_int (metrics, "memory_free") + what * (gint64) 1024 * 1024 * 1024);
    }
  else if (what == 2)
    {
      FerrySimRow *task = ferry_sim_db_create (db, "task");

      ferry_sim_db_set_string (db, task, "name_label", "broken");
      ferry_sim_db_set_string (db, task, "status", "success");
      ferry_sim_db_set_float (db, task, "progress", 0.5);
    }
  else
    {
      GPtrArray *tasks = ferry_sim_db_get_rows_by_name (db, "task");

      for (guint i = tasks->len; i > 0; i--)
        if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (tasks, i - 1), "name_label"), "broken") == 0)
          ferry_sim_db_delete_row (db, g_ptr_array_index (tasks, i - 1));
    }
  return G_SOURCE_REMOVE;
}

static char *
violations_text (void)
{
  g_autoptr(JsonNode) report = control ("GET", "/sim/invariants", NULL, NULL);

  return json_to_string (json_object_get_member (json_node_get_object (report), "violations"), FALSE);
}

/* GET /sim/invariants lists violations; ferry_sim_world_check_invariants too. */
static void
test_control_invariants (void)
{
  Tamper tamper = { "vm1", "Halted", NULL };
  g_autoptr(JsonNode) report = control ("GET", "/sim/invariants", NULL, NULL);
  g_autoptr(GError) error = NULL;
  JsonArray *violations;

  g_assert_true (json_object_get_boolean_member (json_node_get_object (report), "ok"));

  /* Halted but resident: a broken record. */
  ferry_sim_test_server_invoke (server, tamper_cb, &tamper);
  g_clear_pointer (&report, json_node_unref);
  report = control ("GET", "/sim/invariants", NULL, NULL);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (report), "ok"));
  violations = json_object_get_array_member (json_node_get_object (report), "violations");
  g_assert_cmpuint (json_array_get_length (violations), >=, 1);
  g_test_message ("%s", json_array_get_string_element (violations, 0));
  g_assert_nonnull (strstr (json_array_get_string_element (violations, 0), "vm1"));

  ferry_sim_test_server_invoke (server, check_invariants_cb, &error);
  g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "VM “vm1” is Halted but resident on"));

  {
    g_autofree char *was = g_steal_pointer (&tamper.old);

    tamper.power_state = was;
    ferry_sim_test_server_invoke (server, tamper_cb, &tamper);
    g_free (tamper.old);
  }

  /* Memory that does not add up. */
  {
    g_autofree char *text = NULL;

    ferry_sim_test_server_invoke (server, poke_cb, GINT_TO_POINTER (1));
    text = violations_text ();
    g_test_message ("%s", text);
    g_assert_nonnull (strstr (text, "host “m3” has memory_free"));
    ferry_sim_test_server_invoke (server, poke_cb, GINT_TO_POINTER (-1));
  }

  /* A task "succeeded" half way, without a finish time. */
  {
    g_autofree char *text = NULL;

    ferry_sim_test_server_invoke (server, poke_cb, GINT_TO_POINTER (2));
    text = violations_text ();
    g_test_message ("%s", text);
    g_assert_nonnull (strstr (text, "task “broken”"));
    g_assert_nonnull (strstr (text, "is success at progress 0.5"));
    g_assert_nonnull (strstr (text, "is success without a finish time"));
    ferry_sim_test_server_invoke (server, poke_cb, GINT_TO_POINTER (-2));
  }

  finish_test ();
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  progress_seen = g_array_new (FALSE, FALSE, sizeof (double));
  server = ferry_sim_test_server_start (make_world, NULL);
  main_url = ferry_sim_test_server_dup_master_url (server, "Main", FALSE);
  other_url = ferry_sim_test_server_dup_master_url (server, "Other", FALSE);

  g_test_add_func ("/sim/faults/format", test_format);
  g_test_add_func ("/sim/faults/refuse-connections", test_refuse_connections);
  g_test_add_func ("/sim/faults/drop-connections", test_drop_connections);
  g_test_add_func ("/sim/faults/fail-migration", test_fail_migration);
  g_test_add_func ("/sim/faults/leave-paused", test_leave_paused);
  g_test_add_func ("/sim/faults/unreachable-destination", test_unreachable_destination);
  g_test_add_func ("/sim/faults/expire-sessions", test_expire_sessions);
  g_test_add_func ("/sim/faults/master-failover", test_master_failover);
  g_test_add_func ("/sim/faults/slow-responses", test_slow_responses);
  g_test_add_func ("/sim/faults/regenerate-certificate", test_regenerate_certificate);
  g_test_add_func ("/sim/faults/migration-record", test_migration_record);
  g_test_add_func ("/sim/control/time", test_control_time);
  g_test_add_func ("/sim/control/invariants", test_control_invariants);

  status = g_test_run ();

  ferry_sim_test_server_stop (server);
  g_free (main_url);
  g_free (other_url);
  g_array_unref (progress_seen);
  return status;
}
