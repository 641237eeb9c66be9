/* test-connection.c: FerryConnection against ferry-sim: login, redirects,
 * re-login, dropped connections, back-off, master fail-over, events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-connection"

#include "config.h"

#include <stdlib.h>

#include "ferry-cache.h"
#include "ferry-engine-test-utils.h"
#include "ferry-error.h"
#include "ferry-task-follower.h"

static FerrySimTestServer *sim;

static gboolean
cache_populated (gpointer data)
{
  return ferry_cache_get_populated (ferry_connection_get_cache (data));
}

static void
wait_populated (FerryConnection *connection)
{
  g_assert_true (ferry_test_wait_until (cache_populated, connection, 20000));
}

/* Records every state the connection passes through. */
static void
on_state_cb (FerryConnection *connection,
             GParamSpec      *pspec,
             GString         *states)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (FERRY_TYPE_CONNECTION_STATE);
  const char *nick = g_enum_get_value (klass, ferry_connection_get_state (connection))->value_nick;

  g_string_append_printf (states, "%s%s", states->len ? " " : "", nick);
}

static void
test_login_and_logout (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Production", -1);
  g_autoptr(FerryConnection) connection = ferry_test_connection_new (master, FERRY_TRANSPORT_HTTPS);
  g_autoptr(GString) states = g_string_new (NULL);
  g_autofree char *status = NULL;
  guint before = ferry_test_sim_count_sessions (sim, "Production", "Ferry/" PACKAGE_VERSION);

  g_assert_cmpstr (ferry_connection_get_originator (), ==, "Ferry/" PACKAGE_VERSION);
  g_signal_connect (connection, "notify::state", G_CALLBACK (on_state_cb), states);

  ferry_test_open (connection);
  g_assert_cmpstr (states->str, ==, "connecting connected");
  g_assert_cmpstr (ferry_connection_get_master_address (connection), ==, master);
  g_assert_cmpuint (ferry_connection_get_n_logins (connection), ==, 1);
  status = ferry_connection_dup_status_text (connection);
  g_assert_cmpstr (status, ==, "Connected");

  /* The session carries our originator. */
  g_assert_cmpuint (ferry_test_sim_count_sessions (sim, "Production", "Ferry/" PACKAGE_VERSION), ==, before + 1);

  wait_populated (connection);
  g_assert_cmpstr (ferry_connection_get_pool_name (connection), ==, "Production");
  g_assert_cmpuint (g_strv_length ((char **) ferry_connection_get_members (connection)), ==, 4);
  g_assert_cmpstr (ferry_connection_get_members (connection)[0], ==, master);

  /* Closing logs out. */
  ferry_test_close (connection);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpuint (ferry_test_sim_count_sessions (sim, "Production", "Ferry/" PACKAGE_VERSION), ==, before);
  g_assert_cmpstr (states->str, ==, "connecting connected disconnected");
}

static void
test_wrong_password (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Production", -1);
  g_autoptr(FerryConnection) connection = ferry_test_connection_new (master, FERRY_TRANSPORT_HTTPS);
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  ferry_connection_set_password (connection, "wrong");
  g_assert_false (ferry_test_open_sync (connection, &error));
  g_assert_error (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_SESSION_AUTHENTICATION_FAILED);
  g_assert_cmpstr (ferry_xapi_error_get_param (error, 0), ==, "root");

  /* Failed, with the reason, and no retries. */
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_FAILED);
  g_assert_true (g_error_matches (ferry_connection_get_error (connection), FERRY_XAPI_ERROR,
                                  FERRY_XAPI_ERROR_SESSION_AUTHENTICATION_FAILED));
  status = ferry_connection_dup_status_text (connection);
  g_assert_true (g_str_has_prefix (status, "Failed: "));
  ferry_test_spin (300);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_FAILED);
}

static void
test_no_password (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Production", -1);
  g_autoptr(FerryConnection) connection = ferry_connection_new (master, "root", FERRY_TRANSPORT_HTTPS);
  g_autoptr(GError) error = NULL;

  g_assert_false (ferry_test_open_sync (connection, &error));
  g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NO_CREDENTIALS);
}

/* tests/engine/not-xapi-server.py: a web server that is not xapi; @ok: it
 * answers 200 with an HTML page, else 404. */
static GSubprocess *
start_web_server (gboolean  ok,
                  guint    *port)
{
  g_autofree char *script = g_build_filename (g_getenv ("FERRY_SOURCE_ROOT"), "tests", "engine",
                                              "not-xapi-server.py", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GSubprocess *process;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              "python3", script, ok ? "--ok" : NULL, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  *port = (guint) atoi (line);
  g_assert_cmpuint (*port, >, 0);
  return process;
}

static void
stop_web_server (GSubprocess *process)
{
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  g_object_unref (process);
}

static void
test_not_xapi (void)
{
  g_test_summary ("A web server that is not xapi fails at once as “not a XenServer or XCP-ng "
                  "host”, whether it answers 404 or 200 with HTML; TLS to a server without it "
                  "is a TLS failure");

  for (guint ok = 0; ok <= 1; ok++)
    {
      guint port;
      GSubprocess *server = start_web_server (ok, &port);
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
      g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", port);
      g_autoptr(FerryConnection) connection = ferry_test_connection_new (url, FERRY_TRANSPORT_HTTP);
      g_autoptr(FerryConnection) secure = ferry_test_connection_new (address, FERRY_TRANSPORT_HTTPS);
      g_autoptr(GError) error = NULL;
      FerryRpcError expected = ok ? FERRY_RPC_ERROR_PROTOCOL : FERRY_RPC_ERROR_HTTP;

      g_assert_false (ferry_test_open_sync (connection, &error));
      g_assert_error (error, FERRY_RPC_ERROR, (int) expected);
      g_assert_nonnull (strstr (error->message, "is not a XenServer or XCP-ng host"));
      g_assert_nonnull (strstr (error->message, address));
      /* A definite answer: failed, no retrying. */
      g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_FAILED);
      g_clear_error (&error);

      g_assert_false (ferry_test_open_sync (secure, &error));
      g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_TLS);
      g_assert_nonnull (strstr (error->message, "secure connection"));

      stop_web_server (server);
    }
}

static void
test_host_is_slave (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Production", -1);
  g_autofree char *member = ferry_test_sim_address (sim, "Production", 1);
  g_autoptr(FerryConnection) connection = ferry_test_connection_new (member, FERRY_TRANSPORT_HTTPS);

  ferry_test_open (connection);
  g_assert_cmpstr (ferry_connection_get_address (connection), ==, member);
  g_assert_cmpstr (ferry_connection_get_master_address (connection), ==, master);
  ferry_test_close (connection);
}

static void
test_plain_http (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Lab", -1);
  g_autofree char *url = g_strdup_printf ("http://%s/", master);
  g_autoptr(FerryConnection) chosen = ferry_test_connection_new (master, FERRY_TRANSPORT_HTTP);
  g_autoptr(FerryConnection) by_url = ferry_test_connection_new (url, FERRY_TRANSPORT_HTTPS);
  g_autoptr(FerryConnection) secure = ferry_test_connection_new (master, FERRY_TRANSPORT_HTTPS);
  guint asked = 0;

  /* Plain HTTP only when chosen: as the transport, or by an http:// address. */
  ferry_test_open (chosen);
  g_assert_cmpint (ferry_connection_get_transport (chosen), ==, FERRY_TRANSPORT_HTTP);
  ferry_test_open (by_url);
  g_assert_cmpint (ferry_connection_get_transport (by_url), ==, FERRY_TRANSPORT_HTTP);

  /* Otherwise TLS, which asks about the certificate. */
  ferry_test_trust_everything (secure, &asked);
  ferry_test_open (secure);
  g_assert_cmpint (ferry_connection_get_transport (secure), ==, FERRY_TRANSPORT_HTTPS);

  ferry_test_close (chosen);
  ferry_test_close (by_url);
  ferry_test_close (secure);
}

static gboolean
event_from_called (gpointer data)
{
  return ferry_test_sim_get_n_event_from () >= *(guint *) data;
}

/* Spins until event.from was called @n more times, within @timeout_ms. */
static void
wait_event_from_calls (guint n,
                       guint timeout_ms)
{
  guint target = ferry_test_sim_get_n_event_from () + n;

  g_assert_true (ferry_test_wait_until (event_from_called, &target, timeout_ms));
}

static gboolean
name_label_is (gpointer data)
{
  gconstpointer *pair = data;  /* connection, ref; the label is fixed */
  FerryObject *object = ferry_cache_lookup (ferry_connection_get_cache ((FerryConnection *) pair[0]), pair[1]);

  return object != NULL && g_strcmp0 (ferry_object_get_name_label (object), "after EVENTS_LOST") == 0;
}

static gboolean
has_n_logins (gpointer data)
{
  gconstpointer *pair = data;  /* connection, guint * */

  return ferry_connection_get_n_logins ((FerryConnection *) pair[0]) >= *(const guint *) pair[1];
}

static void
test_session_expired (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Production", -1);
  g_autoptr(FerryConnection) connection = ferry_test_connection_new (master, FERRY_TRANSPORT_HTTPS);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) vms = NULL;
  GAsyncResult *pending[3] = { NULL, };
  const guint three = 3;
  gconstpointer check[2];

  ferry_connection_set_event_timeout (connection, 1.0);
  ferry_test_open (connection);
  wait_populated (connection);
  g_assert_cmpuint (ferry_connection_get_n_logins (connection), ==, 1);

  /* xapi forgets the session: the next calls re-login once and go through. */
  ferry_test_sim_expire_sessions (sim, "Production");
  for (guint i = 0; i < G_N_ELEMENTS (pending); i++)
    ferry_connection_call_async (connection, "VM.get_all", NULL, FERRY_CALL_NONE, NULL,
                                 ferry_test_result_cb, &pending[i]);
  for (guint i = 0; i < G_N_ELEMENTS (pending); i++)
    {
      g_autoptr(GAsyncResult) result = ferry_test_wait_result (&pending[i]);
      g_autoptr(JsonNode) node = ferry_connection_call_finish (connection, result, &error);

      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
    }
  g_assert_cmpuint (ferry_connection_get_n_logins (connection), ==, 2);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_CONNECTED);

  /* The event loop carries on with the new session. */
  wait_event_from_calls (1, 1500);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_CONNECTED);

  /* And again, this time discovered by the event loop first. */
  ferry_test_sim_expire_sessions (sim, "Production");
  check[0] = connection;
  check[1] = &three;
  g_assert_true (ferry_test_wait_until (has_n_logins, check, 1500));
  vms = ferry_test_call_sync (connection, "VM.get_all", NULL, FERRY_CALL_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ferry_connection_get_n_logins (connection), ==, 3);

  ferry_test_close (connection);
}

static void
test_events_lost (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Production", -1);
  g_autoptr(FerryConnection) connection = ferry_test_connection_new (master, FERRY_TRANSPORT_HTTPS);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) vms = NULL;
  g_autoptr(JsonNode) done = NULL;
  const char *vm;
  FerryObject *object;
  gconstpointer check[2];

  ferry_connection_set_event_timeout (connection, 0.5);
  ferry_test_open (connection);
  wait_populated (connection);

  /* EVENTS_LOST, then a token the server refuses: each time a fresh
   * snapshot, and the connection stays up. */
  ferry_test_sim_fail_event_from ("EVENTS_LOST", 1);
  wait_event_from_calls (2, 5000);
  ferry_test_sim_fail_event_from ("EVENT_FROM_TOKEN_PARSE_FAILURE", 1);
  wait_event_from_calls (2, 5000);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_CONNECTED);

  /* Changes still reach the cache. */
  vms = ferry_test_call_sync (connection, "VM.get_all", NULL, FERRY_CALL_IDEMPOTENT, &error);
  g_assert_no_error (error);
  vm = json_array_get_string_element (json_node_get_array (vms), 0);
  done = ferry_test_call_sync (connection, "VM.set_name_label",
                               g_variant_new ("(ss)", vm, "after EVENTS_LOST"), FERRY_CALL_NONE, &error);
  g_assert_no_error (error);
  check[0] = connection;
  check[1] = vm;
  ferry_test_wait_until (name_label_is, check, 5000);
  object = ferry_cache_lookup (ferry_connection_get_cache (connection), vm);
  g_assert_nonnull (object);
  g_assert_cmpstr (ferry_object_get_name_label (object), ==, "after EVENTS_LOST");

  ferry_test_close (connection);
}

static gboolean
both_sleeping (gpointer data)
{
  return ferry_test_sim_get_n_sleeping () >= 2;
}

static void
test_drop_mid_call (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Production", -1);
  g_autoptr(FerryTestProxy) proxy = ferry_test_proxy_new (master);
  g_autoptr(FerryConnection) connection = ferry_test_connection_new (ferry_test_proxy_get_address (proxy),
                                                                       FERRY_TRANSPORT_HTTPS);
  g_autoptr(GString) states = g_string_new (NULL);
  GAsyncResult *idempotent = NULL;
  GAsyncResult *once = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonNode *slept;

  ferry_test_open (connection);
  wait_populated (connection);
  g_signal_connect (connection, "notify::state", G_CALLBACK (on_state_cb), states);

  /* Two calls that take a second (scaled); the connection breaks under them. */
  ferry_connection_call_async (connection, "VM.ferry_test_sleep",
                               g_variant_new ("(x)", (gint64) ferry_test_scale_ms (1000)),
                               FERRY_CALL_IDEMPOTENT, NULL, ferry_test_result_cb, &idempotent);
  ferry_connection_call_async (connection, "VM.ferry_test_sleep",
                               g_variant_new ("(x)", (gint64) ferry_test_scale_ms (1000)),
                               FERRY_CALL_NONE, NULL, ferry_test_result_cb, &once);
  g_assert_true (ferry_test_wait_until (both_sleeping, NULL, 1000));
  ferry_test_proxy_drop_connections (proxy);

  /* The one that may have run is not sent twice: its caller must check. */
  result = ferry_test_wait_result (&once);
  node = ferry_connection_call_finish (connection, result, &error);
  g_assert_null (node);
  g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION_LOST);
  g_clear_object (&result);
  g_clear_error (&error);

  /* The idempotent one is sent again once the connection is back. */
  result = ferry_test_wait_result (&idempotent);
  slept = ferry_connection_call_finish (connection, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (slept), ==, "slept");
  json_node_unref (slept);

  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_CONNECTED);
  g_assert_true (g_str_has_prefix (states->str, "reconnecting connected"));
  g_assert_cmpuint (ferry_connection_get_n_logins (connection), ==, 2);
  /* The old session was logged out, not left to xapi's GC. */
  ferry_test_spin (200);

  ferry_test_close (connection);
}

typedef struct
{
  GArray *delays;   /* reconnect-in values seen */
} Backoff;

static void
on_reconnect_in_cb (FerryConnection *connection,
                    GParamSpec      *pspec,
                    Backoff         *backoff)
{
  guint value = ferry_connection_get_reconnect_in (connection);

  g_array_append_val (backoff->delays, value);
}

static void
test_backoff (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Lab", -1);
  g_autoptr(FerryTestProxy) proxy = ferry_test_proxy_new (master);
  g_autoptr(FerryConnection) connection = ferry_test_connection_new (ferry_test_proxy_get_address (proxy),
                                                                       FERRY_TRANSPORT_HTTPS);
  Backoff backoff = { g_array_new (FALSE, FALSE, sizeof (guint)) };
  g_autofree char *status = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  const GError *lost;
  gint64 start;
  GAsyncResult *waiting = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  /* Whole seconds, so that the countdown shows. */
  ferry_connection_set_reconnect_delays (connection, 1.0, 2.0);
  ferry_connection_set_event_timeout (connection, 1.0);
  ferry_test_open (connection);
  wait_populated (connection);
  /* Only the proxy's address is known: the Lab members stay out of it. */
  ferry_connection_set_members (connection, NULL);
  g_signal_connect (connection, "notify::reconnect-in", G_CALLBACK (on_reconnect_in_cb), &backoff);

  /* The host goes away. */
  start = g_get_monotonic_time ();
  ferry_test_proxy_set_up (proxy, FALSE);
  ferry_test_wait_state (connection, FERRY_CONNECTION_STATE_RECONNECTING, 5000);
  lost = ferry_connection_get_error (connection);
  g_assert_nonnull (lost);
  g_assert_true (lost->domain == FERRY_RPC_ERROR);

  /* A call made meanwhile waits for the connection. */
  ferry_connection_call_async (connection, "pool.get_all", NULL, FERRY_CALL_NONE, NULL,
                               ferry_test_result_cb, &waiting);

  /* Attempts at once, then after 1 s, then after 2 s (the maximum) … */
  ferry_test_spin (2500);
  status = ferry_connection_dup_status_text (connection);
  g_assert_true (g_str_has_prefix (status, "Reconnecting"));
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_RECONNECTING);
  g_assert_null (waiting);

  /* … and it comes back. */
  ferry_test_proxy_set_up (proxy, TRUE);
  ferry_test_wait_state (connection, FERRY_CONNECTION_STATE_CONNECTED, 5000);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2 * G_USEC_PER_SEC);
  g_assert_null (ferry_connection_get_error (connection));

  result = ferry_test_wait_result (&waiting);
  node = ferry_connection_call_finish (connection, result, &error);
  g_assert_no_error (error);

  /* The countdown showed 1 and 2 second delays, and never more than the maximum. */
  {
    gboolean saw_one = FALSE;
    gboolean saw_two = FALSE;

    for (guint i = 0; i < backoff.delays->len; i++)
      {
        guint value = g_array_index (backoff.delays, guint, i);

        saw_one |= value == 1;
        saw_two |= value == 2;
        g_assert_cmpuint (value, <=, 2);
      }
    g_assert_true (saw_one);
    g_assert_true (saw_two);
  }

  g_signal_handlers_disconnect_by_data (connection, &backoff);
  g_array_unref (backoff.delays);
  ferry_test_close (connection);
}

static gboolean
members_contain (gpointer data)
{
  const char * const *pair = data;  /* connection, address */

  return g_strv_contains (ferry_connection_get_members ((FerryConnection *) pair[0]), pair[1]);
}

static gboolean
first_member_is (gpointer data)
{
  const char * const *pair = data;  /* connection, address */

  return g_strcmp0 (ferry_connection_get_members ((FerryConnection *) pair[0])[0], pair[1]) == 0;
}

static void
test_failover (void)
{
  g_autofree char *old_master = ferry_test_sim_address (sim, "Production", -1);
  g_autofree char *old_master_ref = ferry_test_sim_host_ref (sim, "Production", -1);
  g_autofree char *new_master = ferry_test_sim_address (sim, "Production", 2);
  g_autofree char *new_master_ref = ferry_test_sim_host_ref (sim, "Production", 2);
  g_autoptr(FerryTestProxy) proxy = ferry_test_proxy_new (old_master);
  const char *dead = ferry_test_proxy_get_address (proxy);
  g_autoptr(FerryConnection) connection = ferry_test_connection_new (dead, FERRY_TRANSPORT_HTTPS);
  g_autoptr(JsonNode) pools = NULL;
  g_autoptr(GError) error = NULL;
  gconstpointer check[2];
  gconstpointer check_new[2];
  guint populated_before;

  /* The master is reachable only through the proxy: its host record says
   * so too, so that no path to it is left once the proxy goes down. */
  ferry_test_sim_set_host_address (sim, "Production", old_master_ref, dead);

  ferry_connection_set_event_timeout (connection, 1.0);
  ferry_test_open (connection);
  wait_populated (connection);
  check[0] = connection;
  check[1] = dead;
  g_assert_true (ferry_test_wait_until (members_contain, check, 5000));
  g_assert_cmpuint (g_strv_length ((char **) ferry_connection_get_members (connection)), ==, 4);
  g_assert_false (g_strv_contains (ferry_connection_get_members (connection), old_master));
  g_assert_true (g_strv_contains (ferry_connection_get_members (connection), new_master));
  populated_before = ferry_cache_get_n_objects (ferry_connection_get_cache (connection));

  /* The master dies and HA makes another host master. The dead one was
   * both the address we were given and the last master. */
  ferry_test_proxy_set_up (proxy, FALSE);
  ferry_test_sim_set_master (sim, "Production", new_master_ref);

  ferry_test_wait_state (connection, FERRY_CONNECTION_STATE_RECONNECTING, 5000);
  ferry_test_wait_state (connection, FERRY_CONNECTION_STATE_CONNECTED, 10000);
  g_assert_cmpstr (ferry_connection_get_master_address (connection), ==, new_master);

  pools = ferry_test_call_sync (connection, "pool.get_all", NULL, FERRY_CALL_IDEMPOTENT, &error);
  g_assert_no_error (error);

  /* The cache was read again from the new master, and knows who is master. */
  wait_populated (connection);
  check_new[0] = connection;
  check_new[1] = new_master;
  ferry_test_wait_until (first_member_is, check_new, 5000);
  g_assert_cmpuint (ferry_cache_get_n_objects (ferry_connection_get_cache (connection)), >=, populated_before - 5);
  g_assert_cmpstr (ferry_connection_get_members (connection)[0], ==, new_master);

  ferry_test_close (connection);
  ferry_test_sim_set_master (sim, "Production", old_master_ref);
  ferry_test_sim_set_host_address (sim, "Production", old_master_ref, old_master);
}

static void
test_master_moved (void)
{
  g_autofree char *old_master = ferry_test_sim_address (sim, "Production", -1);
  g_autofree char *old_master_ref = ferry_test_sim_host_ref (sim, "Production", -1);
  g_autofree char *new_master = ferry_test_sim_address (sim, "Production", 0);
  g_autofree char *new_master_ref = ferry_test_sim_host_ref (sim, "Production", 0);
  g_autoptr(FerryConnection) connection = ferry_test_connection_new (old_master, FERRY_TRANSPORT_HTTPS);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  ferry_connection_set_event_timeout (connection, 1.0);
  ferry_test_open (connection);
  wait_populated (connection);

  /* designate_new_master: the old master is alive and says HOST_IS_SLAVE. */
  ferry_test_sim_set_master (sim, "Production", new_master_ref);
  node = ferry_test_call_sync (connection, "host.get_all", NULL, FERRY_CALL_IDEMPOTENT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 4);
  ferry_test_wait_state (connection, FERRY_CONNECTION_STATE_CONNECTED, 10000);
  g_assert_cmpstr (ferry_connection_get_master_address (connection), ==, new_master);

  ferry_test_close (connection);
  ferry_test_sim_set_master (sim, "Production", old_master_ref);
}

static void
test_no_wait (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Production", -1);
  g_autoptr(FerryConnection) connection = ferry_test_connection_new (master, FERRY_TRANSPORT_HTTPS);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* Not opened: calls fail at once. */
  node = ferry_test_call_sync (connection, "pool.get_all", NULL, FERRY_CALL_NONE, &error);
  g_assert_null (node);
  g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NOT_CONNECTED);
}

static void
test_cancel_open (void)
{
  /* A host that accepts connections and never answers. */
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", port);
  g_autoptr(FerryConnection) connection = ferry_test_connection_new (address, FERRY_TRANSPORT_HTTPS);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  ferry_connection_open_async (connection, cancellable, ferry_test_result_cb, &pending);
  ferry_test_spin (300);
  g_assert_null (pending);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_CONNECTING);

  /* The user gives up: the attempt stops at once. */
  start = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  result = ferry_test_wait_result (&pending);
  g_assert_false (ferry_connection_open_finish (connection, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, (gint64) ferry_test_scale_ms (1000) * 1000);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_DISCONNECTED);
}

static void
test_many_connections (void)
{
  const char *names[] = { "Production", "Lab" };
  g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) root = ferry_sim_test_server_get_announcement (sim);
  JsonArray *standalone = json_object_get_array_member (json_node_get_object (root), "standalone");
  GAsyncResult *pending[8] = { NULL, };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *address = ferry_test_sim_address (sim, names[i], -1);
      g_ptr_array_add (connections, ferry_test_connection_new (address, FERRY_TRANSPORT_HTTPS));
    }
  for (guint i = 0; i < json_array_get_length (standalone) && connections->len < G_N_ELEMENTS (pending); i++)
    {
      JsonObject *host = json_array_get_object_element (standalone, i);
      g_ptr_array_add (connections,
                       ferry_test_connection_new (json_object_get_string_member (host, "address"),
                                                  FERRY_TRANSPORT_HTTPS));
    }
  g_assert_cmpuint (connections->len, >=, 3);

  /* All at once, on one main context. */
  for (n = 0; n < connections->len; n++)
    ferry_connection_open_async (g_ptr_array_index (connections, n), NULL, ferry_test_result_cb, &pending[n]);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GAsyncResult) result = ferry_test_wait_result (&pending[i]);
      g_autoptr(GError) error = NULL;

      g_assert_true (ferry_connection_open_finish (g_ptr_array_index (connections, i), result, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < n; i++)
    wait_populated (g_ptr_array_index (connections, i));

  /* Each has its own pool in its own cache. */
  for (guint i = 0; i < n; i++)
    {
      FerryConnection *connection = g_ptr_array_index (connections, i);
      FerryPool *pool = ferry_cache_get_pool (ferry_connection_get_cache (connection));

      g_assert_nonnull (pool);
      if (i < G_N_ELEMENTS (names))
        g_assert_cmpstr (ferry_connection_get_pool_name (connection), ==, names[i]);
      else
        g_assert_cmpuint (g_strv_length ((char **) ferry_connection_get_members (connection)), ==, 1);
    }

  for (guint i = 0; i < n; i++)
    ferry_test_close (g_ptr_array_index (connections, i));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ferry_test_sim_register_methods ();
  sim = ferry_sim_test_server_start_demo ();

  g_test_add_func ("/engine/connection/login-and-logout", test_login_and_logout);
  g_test_add_func ("/engine/connection/wrong-password", test_wrong_password);
  g_test_add_func ("/engine/connection/no-password", test_no_password);
  g_test_add_func ("/engine/connection/not-xapi", test_not_xapi);
  g_test_add_func ("/engine/connection/host-is-slave", test_host_is_slave);
  g_test_add_func ("/engine/connection/plain-http", test_plain_http);
  g_test_add_func ("/engine/connection/session-expired", test_session_expired);
  g_test_add_func ("/engine/connection/events-lost", test_events_lost);
  g_test_add_func ("/engine/connection/drop-mid-call", test_drop_mid_call);
  g_test_add_func ("/engine/connection/backoff", test_backoff);
  g_test_add_func ("/engine/connection/failover", test_failover);
  g_test_add_func ("/engine/connection/master-moved", test_master_moved);
  g_test_add_func ("/engine/connection/not-connected", test_no_wait);
  g_test_add_func ("/engine/connection/cancel-open", test_cancel_open);
  g_test_add_func ("/engine/connection/many", test_many_connections);

  ret = g_test_run ();

  ferry_sim_test_server_stop (sim);
  return ret;
}
