/* test-sim-server.c: ferry-sim on the wire, against the demo scenario
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-sim-test-server.h"

static FerrySimTestServer *server;
static GPtrArray *scratch;  /* strings made for one call, freed at exit */

static const char *
fmt (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static const char *
fmt (const char *format,
     ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (scratch, text);
  return text;
}
static char *production;       /* master URL, plain HTTP */
static char *production_tls;

static char *
member_url (gboolean tls)
{
  g_autoptr(JsonNode) root = ferry_sim_test_server_get_announcement (server);
  JsonArray *pools = json_object_get_array_member (json_node_get_object (root), "pools");

  for (guint i = 0; i < json_array_get_length (pools); i++)
    {
      JsonObject *pool = json_array_get_object_element (pools, i);
      JsonArray *hosts;

      if (g_strcmp0 (json_object_get_string_member (pool, "name"), "Production") != 0)
        continue;
      hosts = json_object_get_array_member (pool, "hosts");
      for (guint h = 0; h < json_array_get_length (hosts); h++)
        {
          JsonObject *host = json_array_get_object_element (hosts, h);
          if (!json_object_get_boolean_member (host, "master"))
            return g_strdup (json_object_get_string_member (host, tls ? "url" : "http_url"));
        }
    }
  g_assert_not_reached ();
  return NULL;
}

static char *
master_address (void)
{
  g_autoptr(JsonNode) root = ferry_sim_test_server_get_announcement (server);
  JsonArray *pools = json_object_get_array_member (json_node_get_object (root), "pools");

  for (guint i = 0; i < json_array_get_length (pools); i++)
    {
      JsonObject *pool = json_array_get_object_element (pools, i);
      JsonArray *hosts = json_object_get_array_member (pool, "hosts");

      if (g_strcmp0 (json_object_get_string_member (pool, "name"), "Production") != 0)
        continue;
      for (guint h = 0; h < json_array_get_length (hosts); h++)
        {
          JsonObject *host = json_array_get_object_element (hosts, h);
          if (json_object_get_boolean_member (host, "master"))
            return g_strdup (json_object_get_string_member (host, "address"));
        }
    }
  g_assert_not_reached ();
  return NULL;
}

static void
test_announcement (void)
{
  g_autoptr(JsonNode) root = ferry_sim_test_server_get_announcement (server);
  JsonObject *object = json_node_get_object (root);
  JsonArray *pools = json_object_get_array_member (object, "pools");
  JsonArray *standalone = json_object_get_array_member (object, "standalone");
  gboolean seen_production = FALSE;
  gboolean seen_lab = FALSE;

  for (guint i = 0; i < json_array_get_length (pools); i++)
    {
      JsonObject *pool = json_array_get_object_element (pools, i);
      const char *name = json_object_get_string_member (pool, "name");
      JsonArray *hosts = json_object_get_array_member (pool, "hosts");
      guint masters = 0;

      seen_production |= g_strcmp0 (name, "Production") == 0;
      seen_lab |= g_strcmp0 (name, "Lab") == 0;
      g_assert_true (g_str_has_prefix (json_object_get_string_member (pool, "master"), "https://127.0.0.1:"));
      for (guint h = 0; h < json_array_get_length (hosts); h++)
        {
          JsonObject *host = json_array_get_object_element (hosts, h);
          masters += json_object_get_boolean_member (host, "master");
          g_assert_true (g_str_has_prefix (json_object_get_string_member (host, "http_url"), "http://127.0.0.1:"));
        }
      g_assert_cmpuint (masters, ==, 1);
    }

  g_assert_true (seen_production);
  g_assert_true (seen_lab);
  g_assert_cmpuint (json_array_get_length (standalone), >=, 1);
}

static void
test_login (void)
{
  g_autofree char *session = ferry_sim_test_login (production);
  g_autofree char *failure = ferry_sim_test_jsonrpc_failure (production, "session.login_with_password",
                                                             "[\"root\",\"wrong\"]");
  g_autofree char *params = g_strdup_printf ("[\"%s\"]", session);
  g_autofree char *after = NULL;
  g_autoptr(JsonNode) pools = NULL;

  g_assert_true (g_str_has_prefix (session, "OpaqueRef:"));
  g_assert_cmpstr (failure, ==, "SESSION_AUTHENTICATION_FAILED root Authentication failure");

  pools = ferry_sim_test_jsonrpc_result (production, "pool.get_all", params);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (pools)), ==, 1);

  g_clear_pointer (&pools, json_node_unref);
  pools = ferry_sim_test_jsonrpc_result (production, "session.logout", params);
  g_assert_cmpstr (json_node_get_string (pools), ==, "");
  after = ferry_sim_test_jsonrpc_failure (production, "pool.get_all", params);
  g_assert_cmpstr (after, ==, fmt ("SESSION_INVALID %s", session));
}

static void
test_jsonrpc_v1 (void)
{
  g_autofree char *url = g_strconcat (production, "jsonrpc", NULL);
  g_autofree char *ok = ferry_sim_test_post (url, "application/json",
                                             "{\"method\":\"session.login_with_password\","
                                             "\"params\":[\"root\",\"demo\"],\"id\":\"a\"}", NULL);
  g_autofree char *bad = ferry_sim_test_post (url, "application/json",
                                              "{\"method\":\"session.login_with_password\","
                                              "\"params\":[\"root\",\"nope\"],\"id\":7}", NULL);

  g_assert_true (g_str_has_prefix (ok, "{\"result\":\"OpaqueRef:"));
  g_assert_true (g_str_has_suffix (ok, "\",\"error\":null,\"id\":\"a\"}"));
  g_assert_cmpstr (bad, ==,
                   "{\"result\":null,\"error\":[\"SESSION_AUTHENTICATION_FAILED\",\"root\","
                   "\"Authentication failure\"],\"id\":7}");
}

static void
test_jsonrpc_v2 (void)
{
  g_autofree char *url = g_strconcat (production, "jsonrpc", NULL);
  g_autofree char *bad = ferry_sim_test_post (url, "application/json",
                                              "{\"jsonrpc\":\"2.0\",\"method\":\"VM.get_all\","
                                              "\"params\":[\"OpaqueRef:nope\"],\"id\":\"z\"}", NULL);

  g_assert_cmpstr (bad, ==,
                   "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"SESSION_INVALID\","
                   "\"data\":[\"OpaqueRef:nope\"]},\"id\":\"z\"}");
}

static char *
xml_call (const char *path,
          const char *method,
          const char *params)
{
  g_autofree char *url = g_strconcat (production, path, NULL);
  g_autofree char *body = g_strdup_printf ("<?xml version=\"1.0\"?><methodCall><methodName>%s</methodName>"
                                           "<params>%s</params></methodCall>", method, params);
  guint status;
  char *reply = ferry_sim_test_post (url, "text/xml", body, &status);

  g_assert_cmpuint (status, ==, 200);
  return reply;
}

static char *
xml_string_value (const char *reply)
{
  const char *start = strstr (reply, "<name>Value</name><value>");
  const char *end;

  g_assert_nonnull (start);
  start += strlen ("<name>Value</name><value>");
  end = strstr (start, "</value>");
  return g_strndup (start, end - start);
}

static void
test_xmlrpc (void)
{
  g_autofree char *login = xml_call ("RPC2", "session.login_with_password",
                                     "<param><value><string>root</string></value></param>"
                                     "<param><value>demo</value></param>");
  g_autofree char *session = xml_string_value (login);
  g_autofree char *param = g_strdup_printf ("<param><value>%s</value></param>", session);
  g_autofree char *vms = xml_call ("", "VM.get_all_records", param);
  g_autofree char *bad = xml_call ("", "VM.get_record", fmt ("%s<param><value>OpaqueRef:x</value></param>", param));

  g_assert_true (strstr (login, "<name>Status</name><value>Success</value>") != NULL);
  /* int64 goes bare, bool as <boolean>, never <fault>. */
  g_assert_nonnull (strstr (vms, "<name>memory_static_max</name><value>"));
  g_assert_null (strstr (vms, "<name>memory_static_max</name><value><i4>"));
  g_assert_nonnull (strstr (vms, "<name>is_a_template</name><value><boolean>"));
  g_assert_nonnull (strstr (bad, "<name>Status</name><value>Failure</value>"));
  g_assert_nonnull (strstr (bad, "<value>HANDLE_INVALID</value><value>VM</value><value>OpaqueRef:x</value>"));
  g_assert_null (strstr (bad, "<fault>"));
}

static void
test_cross_endpoint_session (void)
{
  g_autofree char *session = ferry_sim_test_login (production);
  g_autofree char *param = g_strdup_printf ("<param><value>%s</value></param>", session);
  g_autofree char *hosts = xml_call ("", "host.get_all", param);

  g_assert_nonnull (strstr (hosts, "<name>Status</name><value>Success</value>"));
  g_assert_nonnull (strstr (hosts, "OpaqueRef:"));
}

static void
test_errors (void)
{
  g_autofree char *session = ferry_sim_test_login (production);
  g_autofree char *s = g_strdup_printf ("[\"%s\"]", session);
  g_autofree char *bad_ref = g_strdup_printf ("[\"%s\",\"OpaqueRef:bogus\"]", session);
  g_autofree char *bad_uuid = g_strdup_printf ("[\"%s\",\"00000000-0000-0000-0000-000000000000\"]", session);
  g_autofree char *unknown = ferry_sim_test_jsonrpc_failure (production, "VM.fly", s);
  g_autofree char *count = ferry_sim_test_jsonrpc_failure (production, "VM.get_record", s);
  g_autofree char *handle = ferry_sim_test_jsonrpc_failure (production, "VM.get_record", bad_ref);
  g_autofree char *uuid = ferry_sim_test_jsonrpc_failure (production, "VM.get_by_uuid", bad_uuid);
  g_autofree char *no_async = ferry_sim_test_jsonrpc_failure (production, "Async.VM.get_record", bad_ref);
  g_autofree char *ro = ferry_sim_test_jsonrpc_failure (production, "VM.set_power_state", bad_ref);
  g_autofree char *type = NULL;
  g_autoptr(JsonNode) alias = ferry_sim_test_jsonrpc_result (production, "VM_get_all", s);

  g_assert_cmpstr (unknown, ==, "MESSAGE_METHOD_UNKNOWN VM.fly");
  g_assert_cmpstr (count, ==, "MESSAGE_PARAMETER_COUNT_MISMATCH VM.get_record 1 0");
  g_assert_cmpstr (handle, ==, "HANDLE_INVALID VM OpaqueRef:bogus");
  /* Map and set edits on a missing object fail the same way (they once read freed memory). */
  {
    g_autofree char *bad_map = ferry_sim_test_jsonrpc_failure (production, "VM.add_to_other_config",
                                                               fmt ("[\"%s\",\"OpaqueRef:bogus\",\"k\",\"v\"]", session));
    g_autofree char *bad_set = ferry_sim_test_jsonrpc_failure (production, "VM.remove_tags",
                                                               fmt ("[\"%s\",\"OpaqueRef:bogus\",\"t\"]", session));

    g_assert_cmpstr (bad_map, ==, "HANDLE_INVALID VM OpaqueRef:bogus");
    g_assert_cmpstr (bad_set, ==, "HANDLE_INVALID VM OpaqueRef:bogus");
  }
  g_assert_cmpstr (uuid, ==, "UUID_INVALID VM 00000000-0000-0000-0000-000000000000");
  g_assert_true (g_str_has_prefix (no_async, "Fault No async mode"));
  g_assert_cmpstr (ro, ==, "MESSAGE_METHOD_UNKNOWN VM.set_power_state");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (alias)), >, 30);

  /* Extra trailing arguments are ignored where defaults exist; a wrong type is refused. */
  type = ferry_sim_test_jsonrpc_failure (production, "event.from",
                                         fmt ("[\"%s\",[\"vm\"],\"\",true]", session));
  g_assert_true (g_str_has_prefix (type, "FIELD_TYPE_ERROR"));
}

static void
test_host_is_slave (void)
{
  g_autofree char *member = member_url (FALSE);
  g_autofree char *address = master_address ();
  g_autofree char *failure = ferry_sim_test_jsonrpc_failure (member, "session.login_with_password",
                                                             "[\"root\",\"demo\"]");
  g_autofree char *expected = g_strconcat ("HOST_IS_SLAVE ", address, NULL);

  g_assert_cmpstr (failure, ==, expected);
  g_assert_true (g_str_has_prefix (production, fmt ("http://%s/", address)));
}

static void
test_malformed (void)
{
  g_autofree char *url = g_strconcat (production, "jsonrpc", NULL);
  g_autofree char *xml_url = g_strdup (production);
  guint status = 0;
  g_autofree char *garbage = ferry_sim_test_post (url, "application/json", "{not json", &status);
  guint status2 = 0;
  g_autofree char *no_id G_GNUC_UNUSED = ferry_sim_test_post (url, "application/json",
                                                "{\"method\":\"VM.get_all\",\"params\":[]}", &status2);
  guint status3 = 0;
  g_autofree char *bad_xml G_GNUC_UNUSED = ferry_sim_test_post (xml_url, "text/xml", "<methodCall><oops", &status3);
  g_autoptr(GString) huge = g_string_new ("{\"method\":\"x\",\"params\":[\"");
  guint status4 = 0;
  g_autofree char *too_big = NULL;

  g_assert_cmpuint (status, ==, 500);
  g_assert_cmpuint (status2, ==, 500);
  g_assert_cmpuint (status3, ==, 500);
  g_assert_nonnull (strstr (garbage, "<html>"));

  while (huge->len < 400 * 1024)
    g_string_append (huge, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (huge, "\"],\"id\":1}");
  too_big = ferry_sim_test_post (url, "application/json", huge->str, &status4);
  g_assert_cmpuint (status4, ==, 500);
  g_assert_nonnull (strstr (too_big, "Client_requested_size_over_limit"));
}

static void
test_tls (void)
{
  g_autofree char *session = ferry_sim_test_login (production_tls);
  g_autoptr(JsonNode) hosts = NULL;
  g_autofree char *params = g_strdup_printf ("[\"%s\"]", session);

  g_assert_true (g_str_has_prefix (production_tls, "https://"));
  hosts = ferry_sim_test_jsonrpc_result (production_tls, "host.get_all", params);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (hosts)), ==, 4);
}

static JsonNode *
event_from (const char *session,
            const char *classes,
            const char *token,
            double      timeout)
{
  g_autofree char *params = NULL;
  char timeout_text[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (timeout_text, sizeof timeout_text, timeout);
  params = g_strdup_printf ("[\"%s\",%s,\"%s\",%s]", session, classes, token, timeout_text);
  return ferry_sim_test_jsonrpc_result (production, "event.from", params);
}

typedef struct
{
  char *session;
  char *vm;
} Poke;

static gpointer
rename_later (gpointer data)
{
  Poke *poke = data;
  g_autofree char *params = g_strdup_printf ("[\"%s\",\"%s\",\"renamed by the test\"]", poke->session, poke->vm);
  g_autoptr(JsonNode) result = NULL;

  g_usleep (300 * G_TIME_SPAN_MILLISECOND);
  result = ferry_sim_test_jsonrpc_result (production, "VM.set_name_label", params);
  return NULL;
}

static gpointer
logout_later (gpointer data)
{
  const char *session = data;
  g_autofree char *params = g_strdup_printf ("[\"%s\"]", session);
  g_autoptr(JsonNode) result = NULL;

  g_usleep (300 * G_TIME_SPAN_MILLISECOND);
  result = ferry_sim_test_jsonrpc_result (production, "session.logout", params);
  return NULL;
}

/* A long poll whose session logs out ends with SESSION_INVALID [session]. */
static void
test_events_logout (void)
{
  g_autofree char *session = ferry_sim_test_login (production);
  g_autofree char *failure = NULL;
  GThread *thread = g_thread_new ("logout", logout_later, session);
  gint64 start = g_get_monotonic_time ();

  failure = ferry_sim_test_jsonrpc_failure (production, "event.from",
                                            fmt ("[\"%s\",[\"vm\"],\"%020d,%020d\",10.0]", session, 999999, 999999));
  g_thread_join (thread);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_TIME_SPAN_SECOND);
  g_assert_cmpstr (failure, ==, fmt ("SESSION_INVALID %s", session));
}

static void
test_events (void)
{
  g_autofree char *session = ferry_sim_test_login (production);
  g_autoptr(JsonNode) snapshot = event_from (session, "[\"vm\",\"host\"]", "", 0.0);
  JsonObject *batch = json_node_get_object (snapshot);
  JsonArray *events = json_object_get_array_member (batch, "events");
  JsonObject *counts = json_object_get_object_member (batch, "valid_ref_counts");
  const char *token = json_object_get_string_member (batch, "token");
  g_autofree char *vm = NULL;
  g_autoptr(JsonNode) empty = NULL;
  g_autoptr(JsonNode) changed = NULL;
  g_autofree char *bad_token = NULL;
  g_autofree char *bad_class = NULL;
  Poke poke;
  GThread *thread;
  gint64 start;

  /* A full snapshot: an add for every VM and host, counted per class. */
  g_assert_cmpuint (json_array_get_length (events), ==,
                    json_object_get_int_member (counts, "vm") + json_object_get_int_member (counts, "host"));
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      g_assert_cmpstr (json_object_get_string_member (event, "operation"), ==, "add");
      g_assert_true (json_object_has_member (event, "snapshot"));
      if (vm == NULL && g_str_equal (json_object_get_string_member (event, "class"), "vm") &&
          !json_object_get_boolean_member (json_object_get_object_member (event, "snapshot"), "is_a_template"))
        vm = g_strdup (json_object_get_string_member (event, "ref"));
    }
  g_assert_nonnull (vm);
  g_assert_cmpuint (strlen (token), ==, 41);

  /* Nothing changes: the call waits for its timeout and returns no events. */
  start = g_get_monotonic_time ();
  empty = event_from (session, "[\"vm\"]", token, 0.3);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 250 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (empty), "events")), ==, 0);

  /* A change during a long poll ends it early with one coalesced mod. */
  poke.session = session;
  poke.vm = vm;
  thread = g_thread_new ("poke", rename_later, &poke);
  start = g_get_monotonic_time ();
  changed = event_from (session, "[\"vm\"]", token, 10.0);
  g_thread_join (thread);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_TIME_SPAN_SECOND);
  events = json_object_get_array_member (json_node_get_object (changed), "events");
  g_assert_cmpuint (json_array_get_length (events), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 0), "operation"), ==, "mod");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (events, 0), "snapshot"), "name_label"),
                   ==, "renamed by the test");

  bad_token = ferry_sim_test_jsonrpc_failure (production, "event.from",
                                              fmt ("[\"%s\",[\"vm\"],\"garbage\",0.0]", session));
  g_assert_cmpstr (bad_token, ==, "EVENT_FROM_TOKEN_PARSE_FAILURE garbage");
  bad_class = ferry_sim_test_jsonrpc_failure (production, "event.from",
                                              fmt ("[\"%s\",[\"vm/\"],\"\",0.0]", session));
  g_assert_cmpstr (bad_class, ==, "EVENT_SUBSCRIPTION_PARSE_FAILURE vm/");
}

static JsonObject *
wait_for_task (const char *session,
               const char *task,
               JsonNode  **holder)
{
  g_autofree char *params = g_strdup_printf ("[\"%s\",\"%s\"]", session, task);

  for (guint i = 0; i < 200; i++)
    {
      JsonObject *record;

      g_clear_pointer (holder, json_node_unref);
      *holder = ferry_sim_test_jsonrpc_result (production, "task.get_record", params);
      record = json_node_get_object (*holder);
      if (!g_str_equal (json_object_get_string_member (record, "status"), "pending"))
        return record;
      g_usleep (10 * G_TIME_SPAN_MILLISECOND);
    }
  g_assert_not_reached ();
  return NULL;
}

static char *
find_vm (const char *session,
         const char *power_state)
{
  g_autofree char *params = g_strdup_printf ("[\"%s\"]", session);
  g_autoptr(JsonNode) records = ferry_sim_test_jsonrpc_result (production, "VM.get_all_records", params);
  JsonObject *object = json_node_get_object (records);
  g_autoptr(GList) refs = json_object_get_members (object);

  for (GList *l = refs; l; l = l->next)
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

static void
test_tasks (void)
{
  g_autofree char *session = ferry_sim_test_login (production);
  g_autofree char *running = find_vm (session, "Running");
  g_autofree char *halted = find_vm (session, "Halted");
  g_autoptr(JsonNode) task = NULL;
  g_autoptr(JsonNode) holder = NULL;
  g_autoptr(JsonNode) undo = NULL;
  JsonObject *record;
  JsonArray *error_info;

  task = ferry_sim_test_jsonrpc_result (production, "Async.VM.pause",
                                        fmt ("[\"%s\",\"%s\"]", session, running));
  g_assert_true (g_str_has_prefix (json_node_get_string (task), "OpaqueRef:"));
  record = wait_for_task (session, json_node_get_string (task), &holder);
  g_assert_cmpstr (json_object_get_string_member (record, "status"), ==, "success");
  g_assert_cmpstr (json_object_get_string_member (record, "name_label"), ==, "Async.VM.pause");
  g_assert_cmpstr (json_object_get_string_member (record, "result"), ==, "<value></value>");
  g_assert_cmpfloat (json_object_get_double_member (record, "progress"), ==, 1.0);

  undo = ferry_sim_test_jsonrpc_result (production, "VM.unpause",
                                        fmt ("[\"%s\",\"%s\"]", session, running));

  /* Business errors of Async calls land in the task, not in the reply. */
  g_clear_pointer (&task, json_node_unref);
  task = ferry_sim_test_jsonrpc_result (production, "Async.VM.pause",
                                        fmt ("[\"%s\",\"%s\"]", session, halted));
  record = wait_for_task (session, json_node_get_string (task), &holder);
  g_assert_cmpstr (json_object_get_string_member (record, "status"), ==, "failure");
  error_info = json_object_get_array_member (record, "error_info");
  g_assert_cmpstr (json_array_get_string_element (error_info, 0), ==, "VM_BAD_POWER_STATE");
  g_assert_cmpstr (json_array_get_string_element (error_info, 1), ==, halted);
  g_assert_cmpstr (json_array_get_string_element (error_info, 2), ==, "running");
  g_assert_cmpstr (json_array_get_string_element (error_info, 3), ==, "halted");
}

static void
test_generic_accessors (void)
{
  g_autofree char *session = ferry_sim_test_login (production);
  g_autofree char *vm = find_vm (session, "Halted");
  g_autoptr(JsonNode) added = ferry_sim_test_jsonrpc_result (production, "VM.add_to_other_config",
                                                          fmt ("[\"%s\",\"%s\",\"ferry-test\",\"1\"]", session, vm));
  g_autofree char *dup = ferry_sim_test_jsonrpc_failure (production, "VM.add_to_other_config",
                                                         fmt ("[\"%s\",\"%s\",\"ferry-test\",\"2\"]", session, vm));
  g_autoptr(JsonNode) map = ferry_sim_test_jsonrpc_result (production, "VM.get_other_config",
                                                           fmt ("[\"%s\",\"%s\"]", session, vm));
  g_autoptr(JsonNode) removed = ferry_sim_test_jsonrpc_result (production, "VM.remove_from_other_config",
                                                          fmt ("[\"%s\",\"%s\",\"ferry-test\"]", session, vm));
  g_autoptr(JsonNode) after = ferry_sim_test_jsonrpc_result (production, "VM.get_other_config",
                                                             fmt ("[\"%s\",\"%s\"]", session, vm));

  g_assert_cmpstr (json_node_get_string (added), ==, "");
  g_assert_cmpstr (json_node_get_string (removed), ==, "");
  g_assert_true (g_str_has_prefix (dup, "MAP_DUPLICATE_KEY VM other_config "));
  g_assert_true (g_str_has_suffix (dup, " ferry-test"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (map), "ferry-test"), ==, "1");
  g_assert_false (json_object_has_member (json_node_get_object (after), "ferry-test"));
}

static void
test_derived_sets (void)
{
  g_autofree char *session = ferry_sim_test_login (production);
  g_autofree char *params = g_strdup_printf ("[\"%s\"]", session);
  g_autoptr(JsonNode) vms = ferry_sim_test_jsonrpc_result (production, "VM.get_all_records", params);
  g_autoptr(JsonNode) hosts = ferry_sim_test_jsonrpc_result (production, "host.get_all_records", params);
  g_autoptr(JsonNode) vbds = ferry_sim_test_jsonrpc_result (production, "VBD.get_all_records", params);
  JsonObject *vm_records = json_node_get_object (vms);
  JsonObject *host_records = json_node_get_object (hosts);
  JsonObject *vbd_records = json_node_get_object (vbds);
  g_autoptr(GList) vm_refs = json_object_get_members (vm_records);
  g_autoptr(GList) vbd_refs = json_object_get_members (vbd_records);

  for (GList *l = vm_refs; l; l = l->next)
    {
      JsonObject *vm = json_object_get_object_member (vm_records, l->data);
      const char *host = json_object_get_string_member (vm, "resident_on");
      gboolean found = FALSE;
      JsonArray *resident;

      if (g_str_equal (host, "OpaqueRef:NULL"))
        continue;
      resident = json_object_get_array_member (json_object_get_object_member (host_records, host), "resident_VMs");
      for (guint i = 0; i < json_array_get_length (resident); i++)
        found |= g_str_equal (json_array_get_string_element (resident, i), l->data);
      g_assert_true (found);
    }

  for (GList *l = vbd_refs; l; l = l->next)
    {
      JsonObject *vbd = json_object_get_object_member (vbd_records, l->data);
      JsonObject *vm = json_object_get_object_member (vm_records, json_object_get_string_member (vbd, "VM"));
      JsonArray *list = json_object_get_array_member (vm, "VBDs");
      gboolean found = FALSE;

      for (guint i = 0; i < json_array_get_length (list); i++)
        found |= g_str_equal (json_array_get_string_element (list, i), l->data);
      g_assert_true (found);
    }
}

/* system.listMethods: every method once, sorted by name. */
static void
test_list_methods (void)
{
  g_autoptr(JsonNode) methods = ferry_sim_test_jsonrpc_result (production, "system.listMethods", "[]");
  JsonArray *array = json_node_get_array (methods);
  gboolean seen_migrate_send = FALSE;

  g_assert_cmpuint (json_array_get_length (array), >, 100);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *name = json_array_get_string_element (array, i);

      if (i > 0)
        g_assert_cmpint (strcmp (json_array_get_string_element (array, i - 1), name), <, 0);
      seen_migrate_send |= g_str_equal (name, "VM.migrate_send");
    }
  g_assert_true (seen_migrate_send);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  scratch = g_ptr_array_new_with_free_func (g_free);
  server = ferry_sim_test_server_start_demo ();
  production = ferry_sim_test_server_dup_master_url (server, "Production", FALSE);
  production_tls = ferry_sim_test_server_dup_master_url (server, "Production", TRUE);

  g_test_add_func ("/sim/server/announcement", test_announcement);
  g_test_add_func ("/sim/server/login", test_login);
  g_test_add_func ("/sim/server/jsonrpc-v1", test_jsonrpc_v1);
  g_test_add_func ("/sim/server/jsonrpc-v2", test_jsonrpc_v2);
  g_test_add_func ("/sim/server/xmlrpc", test_xmlrpc);
  g_test_add_func ("/sim/server/cross-endpoint-session", test_cross_endpoint_session);
  g_test_add_func ("/sim/server/errors", test_errors);
  g_test_add_func ("/sim/server/host-is-slave", test_host_is_slave);
  g_test_add_func ("/sim/server/malformed", test_malformed);
  g_test_add_func ("/sim/server/tls", test_tls);
  g_test_add_func ("/sim/server/events", test_events);
  g_test_add_func ("/sim/server/events-logout", test_events_logout);
  g_test_add_func ("/sim/server/tasks", test_tasks);
  g_test_add_func ("/sim/server/generic-accessors", test_generic_accessors);
  g_test_add_func ("/sim/server/derived-sets", test_derived_sets);
  g_test_add_func ("/sim/server/list-methods", test_list_methods);

  ret = g_test_run ();

  ferry_sim_test_server_stop (server);
  g_free (production);
  g_free (production_tls);
  g_ptr_array_unref (scratch);
  return ret;
}
