/* ferry-sim-test-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-sim-test-server.h"

struct _FerrySimTestServer
{
  FerrySimThread       *thread;
  FerrySimWorldFactory  factory;
  gpointer              factory_data;
};

static FerrySimWorld *
call_factory (gpointer   data,
              GError   **error)
{
  FerrySimTestServer *server = data;

  return server->factory (server->factory_data);
}

FerrySimTestServer *
ferry_sim_test_server_start (FerrySimWorldFactory factory,
                             gpointer             user_data)
{
  FerrySimTestServer *server = g_new0 (FerrySimTestServer, 1);
  g_autoptr(GError) error = NULL;

  server->factory = factory;
  server->factory_data = user_data;
  server->thread = ferry_sim_thread_start (call_factory, server, &error);
  if (server->thread == NULL)
    g_error ("Could not start the simulator: %s", error ? error->message : "no world");

  return server;
}

static FerrySimWorld *
demo_factory (gpointer data)
{
  g_autoptr(FerrySimWorld) world = ferry_sim_world_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("FERRY_SOURCE_ROOT"), "data", "scenarios",
                                            "demo.json", NULL);

  if (!ferry_sim_world_load_scenario (world, path, "demo", &error))
    g_error ("Could not load the demo: %s", error->message);
  return g_steal_pointer (&world);
}

FerrySimTestServer *
ferry_sim_test_server_start_demo (void)
{
  return ferry_sim_test_server_start (demo_factory, NULL);
}

void
ferry_sim_test_server_stop (FerrySimTestServer *server)
{
  ferry_sim_thread_stop (server->thread);
  g_free (server);
}

void
ferry_sim_test_server_invoke (FerrySimTestServer *server,
                              GSourceFunc         func,
                              gpointer            data)
{
  ferry_sim_thread_invoke (server->thread, func, data);
}

FerrySimWorld *
ferry_sim_test_server_get_world (FerrySimTestServer *server)
{
  return ferry_sim_thread_get_world (server->thread);
}

JsonNode *
ferry_sim_test_server_get_announcement (FerrySimTestServer *server)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (ferry_sim_thread_get_announcement (server->thread), &error);

  g_assert_no_error (error);
  return node;
}

char *
ferry_sim_test_server_dup_master_url (FerrySimTestServer *server,
                                      const char         *name,
                                      gboolean            tls)
{
  g_autoptr(JsonNode) root = ferry_sim_test_server_get_announcement (server);
  JsonObject *object = json_node_get_object (root);
  JsonArray *pools = json_object_get_array_member (object, "pools");
  JsonArray *standalone = json_object_get_array_member (object, "standalone");

  for (guint i = 0; i < json_array_get_length (pools); i++)
    {
      JsonObject *pool = json_array_get_object_element (pools, i);
      if (g_strcmp0 (json_object_get_string_member (pool, "name"), name) == 0)
        return g_strdup (json_object_get_string_member (pool, tls ? "master" : "master_http"));
    }
  for (guint i = 0; i < json_array_get_length (standalone); i++)
    {
      JsonObject *host = json_array_get_object_element (standalone, i);
      if (g_strcmp0 (json_object_get_string_member (host, "name"), name) == 0)
        return g_strdup (json_object_get_string_member (host, tls ? "url" : "http_url"));
    }

  g_error ("No pool named %s", name);
  return NULL;
}

static gboolean
accept_any_certificate_cb (SoupMessage          *msg,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  return TRUE;
}

char *
ferry_sim_test_post (const char *url,
                     const char *content_type,
                     const char *body,
                     guint      *status)
{
  static SoupSession *session;
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  if (session == NULL)
    session = soup_session_new_with_options ("timeout", 60, NULL);

  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_certificate_cb), NULL);
  soup_message_set_request_body_from_bytes (msg, content_type, request);
  response = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  if (status != NULL)
    *status = soup_message_get_status (msg);
  return g_strndup (g_bytes_get_data (response, NULL), g_bytes_get_size (response));
}

JsonNode *
ferry_sim_test_jsonrpc (const char *base_url,
                        const char *method,
                        const char *params_json)
{
  g_autofree char *url = g_strconcat (base_url, "jsonrpc", NULL);
  g_autofree char *body = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"method\":\"%s\",\"params\":%s,\"id\":1}",
                                           method, params_json);
  g_autofree char *reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;
  guint status;

  reply = ferry_sim_test_post (url, "application/json", body, &status);
  g_assert_cmpuint (status, ==, 200);
  node = json_from_string (reply, &error);
  g_assert_no_error (error);
  return node;
}

JsonNode *
ferry_sim_test_jsonrpc_result (const char *base_url,
                               const char *method,
                               const char *params_json)
{
  g_autoptr(JsonNode) node = ferry_sim_test_jsonrpc (base_url, method, params_json);
  JsonObject *object = json_node_get_object (node);

  if (json_object_has_member (object, "error"))
    {
      g_autofree char *text = json_to_string (node, FALSE);
      g_error ("%s failed: %s", method, text);
    }
  return json_node_copy (json_object_get_member (object, "result"));
}

char *
ferry_sim_test_jsonrpc_failure (const char *base_url,
                                const char *method,
                                const char *params_json)
{
  g_autoptr(JsonNode) node = ferry_sim_test_jsonrpc (base_url, method, params_json);
  JsonObject *object = json_node_get_object (node);
  JsonObject *error;
  JsonArray *data;
  GString *text;

  if (!json_object_has_member (object, "error"))
    return g_strdup ("(success)");

  error = json_object_get_object_member (object, "error");
  g_assert_cmpint (json_object_get_int_member (error, "code"), ==, 1);
  text = g_string_new (json_object_get_string_member (error, "message"));
  data = json_object_get_array_member (error, "data");
  for (guint i = 0; data && i < json_array_get_length (data); i++)
    g_string_append_printf (text, " %s", json_array_get_string_element (data, i));
  return g_string_free (text, FALSE);
}

char *
ferry_sim_test_login (const char *base_url)
{
  g_autoptr(JsonNode) result = ferry_sim_test_jsonrpc_result (base_url, "session.login_with_password",
                                                              "[\"root\",\"demo\",\"2.21\",\"ferry-test\"]");

  return g_strdup (json_node_get_string (result));
}
