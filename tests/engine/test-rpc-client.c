/* test-rpc-client.c: FerryRpcClient, the reply parser, FERRY_XAPI_ERROR and
 * the task.result parser; against ferry-sim and against a misbehaving server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-rpc-client"

#include "config.h"

#include <libsoup/soup.h>

#include "ferry-engine-test-utils.h"
#include "ferry-error.h"
#include "ferry-rpc-client.h"
#include "ferry-xmlrpc-value.h"

static FerrySimTestServer *sim;

/* Parsing */

static JsonNode *
parse (const char  *text,
       gint64       id,
       GError     **error)
{
  return ferry_rpc_parse_reply (text, strlen (text), id, error);
}

static void
test_parse_success (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) v2 = parse ("{\"jsonrpc\":\"2.0\",\"result\":\"OpaqueRef:1\",\"id\":4}", 4, &error);
  g_autoptr(JsonNode) v1 = NULL;
  g_autoptr(JsonNode) object = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (v2), ==, "OpaqueRef:1");

  v1 = parse ("{\"result\":[1,2],\"error\":null,\"id\":\"5\"}", 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (v1)), ==, 2);

  /* The result outlives the rest of the reply tree. */
  object = parse ("{\"jsonrpc\":\"2.0\",\"result\":{\"a\":{\"b\":[true]}},\"id\":1}", 1, &error);
  g_assert_no_error (error);
  g_assert_null (json_node_get_parent (object));
  g_assert_true (json_array_get_boolean_element (
    json_object_get_array_member (json_object_get_object_member (json_node_get_object (object), "a"), "b"), 0));
}

static void
test_parse_failures (void)
{
  const struct {
    const char *text;
    const char *name;
    const char *params[4];
  } cases[] = {
    /* v2, as xapi sends it */
    { "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"HANDLE_INVALID\",\"data\":[\"VM\",\"OpaqueRef:x\"]},\"id\":3}",
      "HANDLE_INVALID", { "VM", "OpaqueRef:x", NULL } },
    /* v2 with the array of a failure raised before dispatch, id 0 */
    { "{\"jsonrpc\":\"2.0\",\"error\":[\"SESSION_INVALID\",\"OpaqueRef:s\"],\"id\":0}",
      "SESSION_INVALID", { "OpaqueRef:s", NULL } },
    /* v1 */
    { "{\"result\":null,\"error\":[\"SESSION_AUTHENTICATION_FAILED\",\"root\",\"Authentication failure\"],\"id\":3}",
      "SESSION_AUTHENTICATION_FAILED", { "root", "Authentication failure", NULL } },
    /* parameters that are not strings become text */
    { "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"X\",\"data\":[3,true]},\"id\":3}",
      "X", { "3", "true", NULL } },
    /* no data at all */
    { "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"EVENTS_LOST\"},\"id\":3}",
      "EVENTS_LOST", { NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parse (cases[i].text, 3, &error);
      const char * const *params;

      g_assert_null (node);
      g_assert_error (error, FERRY_XAPI_ERROR, error->code);
      g_assert_cmpstr (ferry_xapi_error_get_name (error), ==, cases[i].name);
      params = ferry_xapi_error_get_params (error);
      g_assert_true (g_strv_equal (params, cases[i].params));
    }
}

static void
test_parse_protocol_errors (void)
{
  const char *bad[] = {
    "",
    "garbage",
    "<html><body>Jsonrpc.Malformed_method_request</body></html>",
    "[1,2,3]",
    "{\"jsonrpc\":\"2.0\",\"id\":3}",                         /* no result */
    "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":99}",           /* another call's reply */
    "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1},\"id\":3}",  /* no code */
    "{\"jsonrpc\":\"2.0\",\"error\":[],\"id\":3}",
    "{\"jsonrpc\":\"2.0\",\"result\":\"unterminated",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = ferry_rpc_parse_reply (bad[i], strlen (bad[i]), 3, &error);

      g_assert_null (node);
      g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL);
    }
}

static void
test_xapi_error (void)
{
  g_autoptr(GError) error = ferry_xapi_error_new_valist ("VM_BAD_POWER_STATE", "OpaqueRef:v", "running", "halted", NULL);
  g_autoptr(GError) copy = NULL;
  g_autoptr(GError) session = ferry_xapi_error_new ("SESSION_INVALID", NULL);
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  g_assert_error (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_FAILED);
  g_assert_cmpstr (ferry_xapi_error_get_name (error), ==, "VM_BAD_POWER_STATE");
  g_assert_cmpstr (ferry_xapi_error_get_param (error, 2), ==, "halted");
  g_assert_null (ferry_xapi_error_get_param (error, 3));
  g_assert_nonnull (strstr (error->message, "VM_BAD_POWER_STATE"));

  /* Copies keep the code and parameters. */
  copy = g_error_copy (error);
  g_assert_cmpstr (ferry_xapi_error_get_name (copy), ==, "VM_BAD_POWER_STATE");
  g_assert_cmpuint (g_strv_length ((char **) ferry_xapi_error_get_params (copy)), ==, 3);

  g_assert_error (session, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_SESSION_INVALID);
  g_assert_true (ferry_xapi_error_has_name (session, "SESSION_INVALID"));
  g_assert_null (ferry_xapi_error_get_name (other));
  g_assert_null (ferry_xapi_error_get_params (other)[0]);
}

static void
test_xmlrpc_value (void)
{
  const struct {
    const char *xml;
    const char *json;
  } cases[] = {
    { "", "\"\"" },
    { "<value></value>", "\"\"" },
    { "<value>OpaqueRef:7b1c</value>", "\"OpaqueRef:7b1c\"" },
    { "<value><string>a &amp; b &lt;c&gt;</string></value>", "\"a & b <c>\"" },
    { "<value>1073741824</value>", "\"1073741824\"" },  /* int64 is bare: a string */
    { "<value><i4>-12</i4></value>", "-12" },
    { "<value><int>7</int></value>", "7" },
    { "<value><boolean>1</boolean></value>", "true" },
    { "<value><boolean>0</boolean></value>", "false" },
    { "<value><double>0.5</double></value>", "0.5" },
    { "<value><nil/></value>", "null" },
    { "<value><dateTime.iso8601>20250319T04:16:24Z</dateTime.iso8601></value>", "\"20250319T04:16:24Z\"" },
    { "<value><array><data><value>a</value><value><i4>1</i4></value></data></array></value>", "[\"a\",1]" },
    { "<value><array><data></data></array></value>", "[]" },
    { "<value><struct><member><name>SM</name><value>http://h/sm</value></member>"
      "<member><name>xenops</name><value>https://h/x?a=1&amp;b=2</value></member></struct></value>",
      "{\"SM\":\"http://h/sm\",\"xenops\":\"https://h/x?a=1&b=2\"}" },
    { "<value>\n  <struct>\n    <member><name>k</name><value><array><data><value><struct></struct></value></data></array></value></member>\n  </struct>\n</value>",
      "{\"k\":[{}]}" },
  };
  const char *bad[] = {
    "<value>",
    "<value><i4>x</i4></value>",
    "<value><boolean>2</boolean></value>",
    "<value><struct><member><value>x</value></member></struct></value>",
    "<value><array><value>x</value></array></value>",
    "<value><frob/></value>",
    "<struct></struct>",
    "<value>a</value><value>b</value>",
    "<value><string>a</string><string>b</string></value>",
  };
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) deep_error = NULL;
  g_autoptr(JsonNode) deep_node = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = ferry_xmlrpc_value_parse (cases[i].xml, -1, &error);
      g_autofree char *json = NULL;

      g_assert_no_error (error);
      json = json_to_string (node, FALSE);
      g_assert_cmpstr (json, ==, cases[i].json);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = ferry_xmlrpc_value_parse (bad[i], -1, &error);

      g_assert_null (node);
      g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL);
    }

  /* Hostile nesting is refused, not recursed into. */
  for (guint i = 0; i < 10000; i++)
    g_string_append (deep, "<value><array><data>");
  deep_node = ferry_xmlrpc_value_parse (deep->str, deep->len, &deep_error);
  g_assert_null (deep_node);
  g_assert_error (deep_error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL);
}

/* Against the simulator */

static JsonNode *
client_call (FerryRpcClient  *client,
             const char      *method,
             const char      *params_json,
             guint            timeout,
             GError         **error)
{
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) params = params_json ? json_from_string (params_json, NULL) : NULL;

  ferry_rpc_client_call_async (client, method, params ? json_node_get_array (params) : NULL,
                               timeout, FERRY_RPC_CALL_IDEMPOTENT, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  return ferry_rpc_client_call_finish (client, result, error);
}

static char *
sim_url (const char *pool,
         gboolean    tls)
{
  return ferry_sim_test_server_dup_master_url (sim, pool, tls);
}

static void
test_sim_calls (void)
{
  g_autofree char *url = sim_url ("Production", FALSE);
  g_autoptr(FerryRpcClient) client = ferry_rpc_client_new (url, NULL, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) session = NULL;
  g_autoptr(JsonNode) vms = NULL;
  g_autoptr(JsonNode) bad = NULL;
  g_autoptr(JsonNode) wrong = NULL;
  g_autofree char *params = NULL;

  session = client_call (client, "session.login_with_password",
                         "[\"root\",\"demo\",\"2.21\",\"Ferry/test\"]", 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (json_node_get_string (session), "OpaqueRef:"));

  params = g_strdup_printf ("[\"%s\"]", json_node_get_string (session));
  vms = client_call (client, "VM.get_all_records", params, 0, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (vms));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (vms)), >, 5);

  /* xapi failures keep their code and parameters. */
  g_free (params);
  params = g_strdup_printf ("[\"%s\",\"OpaqueRef:nope\"]", json_node_get_string (session));
  bad = client_call (client, "VM.get_record", params, 0, &error);
  g_assert_null (bad);
  g_assert_error (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_HANDLE_INVALID);
  g_assert_cmpstr (ferry_xapi_error_get_param (error, 0), ==, "VM");
  g_assert_cmpstr (ferry_xapi_error_get_param (error, 1), ==, "OpaqueRef:nope");
  g_clear_error (&error);

  wrong = client_call (client, "session.login_with_password", "[\"root\",\"wrong\"]", 0, &error);
  g_assert_error (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_SESSION_AUTHENTICATION_FAILED);
  g_assert_cmpstr (ferry_xapi_error_get_param (error, 0), ==, "root");
}

static void
test_insecure_refused (void)
{
  g_autofree char *url = sim_url ("Production", FALSE);
  g_autoptr(FerryRpcClient) client = ferry_rpc_client_new (url, NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = client_call (client, "session.login_with_password", "[\"root\",\"demo\"]", 0, &error);

  g_assert_null (node);
  g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_INSECURE);
}

static void
test_connection_refused (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
  g_autofree char *url = NULL;
  g_autoptr(FerryRpcClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* A port that was free a moment ago and is closed now. */
  g_socket_listener_close (listener);
  url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  client = ferry_rpc_client_new (url, NULL, TRUE);
  node = client_call (client, "session.login_with_password", "[\"root\",\"demo\"]", 0, &error);
  g_assert_null (node);
  g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION);
  g_assert_true (ferry_rpc_error_is_unsent (error));
}

/* Parsing happens on a worker thread. */

static GThread *main_thread;

static gpointer
record_thread (JsonNode  *node,
               gpointer   user_data,
               GError   **error)
{
  gboolean *off_main = user_data;

  *off_main = g_thread_self () != main_thread;
  return json_node_ref (node);
}

static void
test_parse_off_main_thread (void)
{
  g_autofree char *url = sim_url ("Production", FALSE);
  g_autoptr(FerryRpcClient) client = ferry_rpc_client_new (url, NULL, TRUE);
  g_autoptr(JsonArray) params = json_array_new ();
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gboolean off_main = FALSE;

  main_thread = g_thread_self ();
  json_array_add_string_element (params, "root");
  json_array_add_string_element (params, "demo");
  ferry_rpc_client_call_transformed_async (client, "session.login_with_password", params, 0,
                                           FERRY_RPC_CALL_DEFAULT,
                                           record_thread, &off_main, (GDestroyNotify) json_node_unref,
                                           NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  node = ferry_rpc_client_call_transformed_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (off_main);
}

/* A server of our own that misbehaves */

typedef enum
{
  MODE_ECHO,         /* a valid reply, after delay_ms */
  MODE_GARBAGE,
  MODE_HTML_500,
  MODE_SILENT,       /* never answers */
  MODE_ENDLESS,      /* a chunked body that never ends, as fast as possible */
  MODE_DRIP,         /* a chunked body that never ends, one byte at a time */
  MODE_HUGE_LENGTH,  /* announces 10 GB */
} Mode;

typedef struct
{
  SoupServer *server;
  char       *url;
  Mode        mode;
  guint       delay_ms;
  GHashTable *sockets;   /* client sockets seen */
  GPtrArray  *held;      /* messages never answered */
  guint64     sent;
  char       *last_path;
  char       *last_version;
  char       *last_user_agent;
} BadServer;

static BadServer bad;

static char *
echo_body (SoupServerMessage *msg)
{
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (request);
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (bytes, NULL), NULL);
  gint64 id = json_object_get_int_member (json_node_get_object (node), "id");

  g_free (bad.last_version);
  bad.last_version = g_strdup (json_object_get_string_member_with_default (json_node_get_object (node),
                                                                          "jsonrpc", ""));

  return g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":%" G_GINT64_FORMAT "}", id);
}

static void
on_wrote_chunk_cb (SoupServerMessage *msg,
                   gpointer           user_data)
{
  static char block[64 * 1024];
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  memset (block, ' ', sizeof block);
  bad.sent += sizeof block;
  soup_message_body_append (body, SOUP_MEMORY_STATIC, block, sizeof block);
  soup_server_message_unpause (msg);
}

static gboolean
on_drip_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC, " ", 1);
  soup_server_message_unpause (msg);
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  SoupServerMessage *msg;
  char              *body;
} Delayed;

static gboolean
on_delayed_cb (gpointer user_data)
{
  Delayed *delayed = user_data;

  soup_server_message_set_status (delayed->msg, 200, NULL);
  soup_server_message_set_response (delayed->msg, "application/json", SOUP_MEMORY_TAKE,
                                    delayed->body, strlen (delayed->body));
  soup_server_message_unpause (delayed->msg);
  g_object_unref (delayed->msg);
  g_free (delayed);
  return G_SOURCE_REMOVE;
}

static void
bad_handler_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  g_hash_table_add (bad.sockets, soup_server_message_get_socket (msg));
  g_free (bad.last_path);
  bad.last_path = g_strdup (path);
  g_free (bad.last_user_agent);
  bad.last_user_agent = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                                "User-Agent"));

  switch (bad.mode)
    {
    case MODE_ECHO:
      {
        Delayed *delayed = g_new0 (Delayed, 1);

        delayed->msg = g_object_ref (msg);
        delayed->body = echo_body (msg);
        soup_server_message_pause (msg);
        g_timeout_add (bad.delay_ms, on_delayed_cb, delayed);
      }
      break;

    case MODE_GARBAGE:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "\x01\x02 this is { not JSON", 22);
      break;

    case MODE_HTML_500:
      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<html><body>Jsonrpc.Malformed_method_request</body></html>", 58);
      break;

    case MODE_SILENT:
      g_ptr_array_add (bad.held, g_object_ref (msg));
      soup_server_message_pause (msg);
      break;

    case MODE_ENDLESS:
      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (headers, "application/json", NULL);
      g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk_cb), NULL);
      soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC,
                                "{\"result\":\"", 11);
      break;

    case MODE_DRIP:
      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC,
                                "{\"result\":\"", 11);
      g_ptr_array_add (bad.held, g_object_ref (msg));
      g_object_set_data_full (G_OBJECT (msg), "drip",
                              GUINT_TO_POINTER (g_timeout_add (50, on_drip_cb, msg)),
                              (GDestroyNotify) (void (*) (void)) g_source_remove);
      break;

    case MODE_HUGE_LENGTH:
      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CONTENT_LENGTH);
      soup_message_headers_set_content_length (headers, G_GINT64_CONSTANT (10000000000));
      soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC,
                                "{\"result\":\"", 11);
      g_ptr_array_add (bad.held, g_object_ref (msg));
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
bad_server_start (void)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  bad.server = soup_server_new (NULL, NULL);
  bad.sockets = g_hash_table_new (NULL, NULL);
  bad.held = g_ptr_array_new_with_free_func (g_object_unref);
  soup_server_add_handler (bad.server, NULL, bad_handler_cb, NULL, NULL);
  g_assert_true (soup_server_listen_local (bad.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (bad.server);
  bad.url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
bad_server_reset (Mode mode)
{
  bad.mode = mode;
  bad.delay_ms = 0;
  bad.sent = 0;
  for (guint i = 0; i < bad.held->len; i++)
    g_object_set_data (g_ptr_array_index (bad.held, i), "drip", NULL);
  g_ptr_array_set_size (bad.held, 0);
  g_hash_table_remove_all (bad.sockets);
}

static FerryRpcClient *
bad_client (void)
{
  return ferry_rpc_client_new (bad.url, NULL, TRUE);
}

static void
assert_bad_call (Mode         mode,
                 guint        timeout,
                 guint64      max_size,
                 FerryRpcError code,
                 guint        max_ms)
{
  g_autoptr(FerryRpcClient) client = bad_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 start = g_get_monotonic_time ();

  bad_server_reset (mode);
  if (max_size > 0)
    ferry_rpc_client_set_max_reply_size (client, max_size);

  node = client_call (client, "VM.get_all", "[\"OpaqueRef:s\"]", timeout, &error);
  g_assert_null (node);
  g_assert_error (error, FERRY_RPC_ERROR, (int) code);
  g_assert_cmpint (g_get_monotonic_time () - start, <, (gint64) max_ms * 1000);
  g_assert_cmpuint (ferry_rpc_client_get_n_pending (client), ==, 0);
}

static void
test_garbage (void)
{
  assert_bad_call (MODE_GARBAGE, 5, 0, FERRY_RPC_ERROR_PROTOCOL, 5000);
  assert_bad_call (MODE_HTML_500, 5, 0, FERRY_RPC_ERROR_HTTP, 5000);
}

static void
test_timeout (void)
{
  /* No answer at all: the call's own timeout, not a hang. */
  assert_bad_call (MODE_SILENT, 1, 0, FERRY_RPC_ERROR_TIMEOUT, 3000);
  /* A body that trickles forever: the same timeout covers reading it. */
  assert_bad_call (MODE_DRIP, 1, 0, FERRY_RPC_ERROR_TIMEOUT, 3000);
}

static void
test_endless_body (void)
{
  /* Bounded memory: the read stops at the size limit. */
  assert_bad_call (MODE_ENDLESS, 30, 4 * 1024 * 1024, FERRY_RPC_ERROR_REPLY_TOO_LARGE, 10000);
  g_assert_cmpuint (bad.sent, <, 64 * 1024 * 1024);
  /* A Content-Length over the limit is refused before reading. */
  assert_bad_call (MODE_HUGE_LENGTH, 30, 0, FERRY_RPC_ERROR_REPLY_TOO_LARGE, 5000);
}

static void
test_cancel (void)
{
  g_autoptr(FerryRpcClient) client = bad_client ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  bad_server_reset (MODE_SILENT);
  ferry_rpc_client_call_async (client, "VM.get_all", NULL, 30, FERRY_RPC_CALL_DEFAULT, cancellable, ferry_test_result_cb, &pending);
  ferry_test_spin (100);
  g_cancellable_cancel (cancellable);
  result = ferry_test_wait_result (&pending);
  node = ferry_rpc_client_call_finish (client, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_close (void)
{
  g_autoptr(FerryRpcClient) client = bad_client ();
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  bad_server_reset (MODE_SILENT);
  ferry_rpc_client_call_async (client, "VM.get_all", NULL, 30, FERRY_RPC_CALL_DEFAULT, NULL, ferry_test_result_cb, &pending);
  ferry_test_spin (100);
  g_assert_cmpuint (ferry_rpc_client_get_n_pending (client), ==, 1);
  ferry_rpc_client_close (client);
  result = ferry_test_wait_result (&pending);
  node = ferry_rpc_client_call_finish (client, result, &error);
  g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CLOSED);
}

static void
test_keep_alive (void)
{
  g_autoptr(FerryRpcClient) client = bad_client ();

  bad_server_reset (MODE_ECHO);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = client_call (client, "x.ping", NULL, 5, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (json_node_get_string (node), ==, "pong");
    }

  /* Five calls, one HTTP/1.1 connection. */
  g_assert_cmpuint (g_hash_table_size (bad.sockets), ==, 1);

  /* JSON-RPC v2, POSTed to /jsonrpc, as Ferry/<version>. */
  g_assert_cmpstr (bad.last_path, ==, "/jsonrpc");
  g_assert_cmpstr (bad.last_version, ==, "2.0");
  g_assert_cmpstr (bad.last_user_agent, ==, "Ferry/" PACKAGE_VERSION);

  /* No 24-hour default: a minute unless the caller says otherwise. */
  g_assert_cmpuint (ferry_rpc_client_get_timeout (client), ==, 60);
  ferry_rpc_client_set_timeout (client, 7);
  g_assert_cmpuint (ferry_rpc_client_get_timeout (client), ==, 7);
}

static void
test_concurrent (void)
{
  g_autoptr(FerryRpcClient) client = bad_client ();
  GAsyncResult *pending[4] = { NULL, };
  gint64 start;

  bad_server_reset (MODE_ECHO);
  bad.delay_ms = 500;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (pending); i++)
    ferry_rpc_client_call_async (client, "x.ping", NULL, 10, FERRY_RPC_CALL_IDEMPOTENT, NULL, ferry_test_result_cb, &pending[i]);
  g_assert_cmpuint (ferry_rpc_client_get_n_pending (client), ==, G_N_ELEMENTS (pending));

  for (guint i = 0; i < G_N_ELEMENTS (pending); i++)
    {
      g_autoptr(GAsyncResult) result = ferry_test_wait_result (&pending[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = ferry_rpc_client_call_finish (client, result, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (json_node_get_string (node), ==, "pong");
    }

  /* In flight together: about one delay, not four. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1500 * 1000);
  g_assert_cmpuint (g_hash_table_size (bad.sockets), >=, 2);
}

/* The same through a FerryConnection: it fails, bounded, and says why. */
static void
test_connection_to_bad_server (void)
{
  const struct {
    Mode          mode;
    FerryRpcError code;
  } cases[] = {
    { MODE_GARBAGE, FERRY_RPC_ERROR_PROTOCOL },
    { MODE_HTML_500, FERRY_RPC_ERROR_HTTP },
    { MODE_SILENT, FERRY_RPC_ERROR_TIMEOUT },
    { MODE_DRIP, FERRY_RPC_ERROR_TIMEOUT },
    { MODE_ENDLESS, FERRY_RPC_ERROR_REPLY_TOO_LARGE },
    { MODE_HUGE_LENGTH, FERRY_RPC_ERROR_REPLY_TOO_LARGE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FerryConnection) connection = ferry_test_connection_new (bad.url, FERRY_TRANSPORT_HTTP);
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      bad_server_reset (cases[i].mode);
      ferry_connection_set_timeout (connection, 2);
      g_assert_false (ferry_test_open_sync (connection, &error));
      g_assert_error (error, FERRY_RPC_ERROR, (int) cases[i].code);
      g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_FAILED);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
      /* A login reply is small by nature: an endless one stops at 1 MiB. */
      if (cases[i].mode == MODE_ENDLESS)
        g_assert_cmpuint (bad.sent, <, 16 * 1024 * 1024);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  sim = ferry_sim_test_server_start_demo ();
  bad_server_start ();

  g_test_add_func ("/engine/rpc/parse/success", test_parse_success);
  g_test_add_func ("/engine/rpc/parse/failures", test_parse_failures);
  g_test_add_func ("/engine/rpc/parse/protocol-errors", test_parse_protocol_errors);
  g_test_add_func ("/engine/rpc/xapi-error", test_xapi_error);
  g_test_add_func ("/engine/rpc/xmlrpc-value", test_xmlrpc_value);
  g_test_add_func ("/engine/rpc/sim/calls", test_sim_calls);
  g_test_add_func ("/engine/rpc/sim/insecure-refused", test_insecure_refused);
  g_test_add_func ("/engine/rpc/sim/parse-off-main-thread", test_parse_off_main_thread);
  g_test_add_func ("/engine/rpc/connection-refused", test_connection_refused);
  g_test_add_func ("/engine/rpc/bad-server/garbage", test_garbage);
  g_test_add_func ("/engine/rpc/bad-server/timeout", test_timeout);
  g_test_add_func ("/engine/rpc/bad-server/endless-body", test_endless_body);
  g_test_add_func ("/engine/rpc/bad-server/cancel", test_cancel);
  g_test_add_func ("/engine/rpc/bad-server/close", test_close);
  g_test_add_func ("/engine/rpc/bad-server/connection", test_connection_to_bad_server);
  g_test_add_func ("/engine/rpc/keep-alive", test_keep_alive);
  g_test_add_func ("/engine/rpc/concurrent", test_concurrent);

  ret = g_test_run ();

  bad_server_reset (MODE_ECHO);
  /* Closes the connections still open (the held and dripping ones). */
  soup_server_disconnect (bad.server);
  ferry_test_spin (100);
  g_clear_object (&bad.server);
  g_clear_pointer (&bad.sockets, g_hash_table_unref);
  g_clear_pointer (&bad.held, g_ptr_array_unref);
  g_free (bad.url);
  g_free (bad.last_path);
  g_free (bad.last_version);
  g_free (bad.last_user_agent);
  ferry_sim_test_server_stop (sim);
  return ret;
}
