/* bench-cache.c: how fast the object cache fills and follows a big pool
 *
 * Starts `ferry-sim --generate` in a process of its own (or uses --url),
 * then measures, for the cache alone:
 *   1. the snapshot: the event.from reply parsed into a batch (worker-side
 *      work) and applied (main-thread work), and the RSS it costs;
 *   2. field changes: rounds of one "mod" per VM (full records, as xapi
 *      sends them), a tenth of them moving the VM to another host.
 *
 * Not a test: run it by hand.
 *   _build/tests/bench/bench-cache [--spec hosts=64,vms=10000,vdis=20000,seed=1]
 *                                  [--url http://127.0.0.1:PORT/] [--rounds 5]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libsoup/soup.h>

#include "ferry-cache.h"
#include "ferry-host.h"
#include "ferry-vm.h"

static char *opt_spec = NULL;
static char *opt_url = NULL;
static int opt_rounds = 5;
static gboolean opt_json_glib = FALSE;

static const GOptionEntry entries[] = {
  { "spec", 0, 0, G_OPTION_ARG_STRING, &opt_spec, "Pool to generate", "SPEC" },
  { "url", 0, 0, G_OPTION_ARG_STRING, &opt_url, "Use a running simulator (master http URL)", "URL" },
  { "rounds", 0, 0, G_OPTION_ARG_INT, &opt_rounds, "Rounds of one mod per VM (default 5)", "N" },
  { "json-glib", 0, 0, G_OPTION_ARG_NONE, &opt_json_glib, "Also time the json-glib path", NULL },
  { NULL }
};

static SoupSession *session;

static double
now (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

static guint64
status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  if (line == NULL)
    return 0;

  return g_ascii_strtoull (line + strlen (field) + 1, NULL, 10);
}

static void
reset_peak_rss (void)
{
  /* "5" resets VmHWM to the current RSS (Linux ≥ 4.0). */
  g_file_set_contents ("/proc/self/clear_refs", "5", 1, NULL);
}

static GBytes *
post (const char *base_url,
      const char *body)
{
  g_autofree char *url = g_strconcat (base_url, "jsonrpc", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GError) error = NULL;
  GBytes *response;

  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  response = soup_session_send_and_read (session, msg, NULL, &error);
  if (response == NULL)
    g_error ("POST %s: %s", url, error->message);

  return response;
}

static char *
login (const char *base_url)
{
  g_autoptr(GBytes) reply = post (base_url,
                                  "{\"jsonrpc\":\"2.0\",\"method\":\"session.login_with_password\","
                                  "\"params\":[\"root\",\"demo\",\"2.21\",\"bench-cache\"],\"id\":1}");
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (reply, NULL), NULL);

  if (node == NULL || !json_object_has_member (json_node_get_object (node), "result"))
    g_error ("login failed");

  return g_strdup (json_object_get_string_member (json_node_get_object (node), "result"));
}

static GBytes *
event_from (const char *base_url,
            const char *session_ref,
            const char *classes)
{
  g_autofree char *body = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"method\":\"event.from\","
                                           "\"params\":[\"%s\",%s,\"\",30.0],\"id\":2}",
                                           session_ref, classes);

  return post (base_url, body);
}

static GSubprocess *
start_simulator (char **url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr(JsonNode) announcement = NULL;
  GSubprocess *sim;
  JsonArray *pools;

  sim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                          FERRY_SIM_PATH, "--generate", opt_spec, "--port=0", NULL);
  if (sim == NULL)
    g_error ("%s: %s", FERRY_SIM_PATH, error->message);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  if (line == NULL)
    g_error ("The simulator said nothing: %s", error ? error->message : "EOF");

  announcement = json_from_string (line, &error);
  g_assert_no_error (error);
  pools = json_object_get_array_member (json_node_get_object (announcement), "pools");
  *url = g_strdup (json_object_get_string_member (json_array_get_object_element (pools, 0), "master_http"));

  return sim;
}

typedef struct
{
  guint   n_vms;
  GPtrArray *vm_refs;
  GPtrArray *host_refs;
} PoolRefs;

static void
collect_refs (FerryCache *cache,
              PoolRefs   *refs)
{
  GListModel *vms = ferry_cache_get_objects (cache, FERRY_TYPE_VM);
  GListModel *hosts = ferry_cache_get_objects (cache, FERRY_TYPE_HOST);

  refs->vm_refs = g_ptr_array_new_with_free_func (g_free);
  refs->host_refs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (vms, i);

      if (!ferry_vm_get_is_control_domain (vm) && !ferry_vm_get_is_a_template (vm))
        g_ptr_array_add (refs->vm_refs, g_strdup (ferry_object_get_ref (FERRY_OBJECT (vm))));
    }
  for (guint i = 0; i < g_list_model_get_n_items (hosts); i++)
    {
      g_autoptr(FerryObject) host = g_list_model_get_item (hosts, i);

      g_ptr_array_add (refs->host_refs, g_strdup (ferry_object_get_ref (host)));
    }
}

/* A reply of one full-record mod per VM, from the VM-only snapshot. */
static GBytes *
make_mod_reply (JsonArray *vm_events,
                PoolRefs  *refs,
                guint      round,
                guint     *n_moves)
{
  g_autoptr(GString) text = g_string_new ("{\"jsonrpc\":\"2.0\",\"result\":{\"events\":[");
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  guint n = 0;

  *n_moves = 0;

  for (guint i = 0; i < json_array_get_length (vm_events); i++)
    {
      JsonObject *event = json_array_get_object_element (vm_events, i);
      JsonObject *snapshot = json_object_get_object_member (event, "snapshot");
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *name = NULL;
      gsize len;

      if (json_object_get_boolean_member (snapshot, "is_control_domain") ||
          json_object_get_boolean_member (snapshot, "is_a_template"))
        continue;

      name = g_strdup_printf ("vm %u round %u", i, round);
      json_object_set_string_member (event, "operation", "mod");
      json_object_set_string_member (snapshot, "name_label", name);
      json_object_set_int_member (snapshot, "memory_dynamic_max",
                                  json_object_get_int_member (snapshot, "memory_dynamic_max") + 1);
      if (i % 10 == round % 10 &&
          g_str_equal (json_object_get_string_member (snapshot, "power_state"), "Running"))
        {
          const char *host = g_ptr_array_index (refs->host_refs, (i + round + 1) % refs->host_refs->len);

          json_object_set_string_member (snapshot, "resident_on", host);
          (*n_moves)++;
        }

      node = json_node_init_object (json_node_alloc (), event);
      json_generator_set_root (generator, node);
      if (n++ > 0)
        g_string_append_c (text, ',');
      {
        g_autofree char *event_text = json_generator_to_data (generator, &len);
        g_string_append_len (text, event_text, len);
      }
    }

  g_string_append (text, "],\"valid_ref_counts\":{},\"token\":\"bench\"},\"id\":3}");

  return g_string_free_to_bytes (g_steal_pointer (&text));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- benchmark the object cache");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(FerryCache) cache = NULL;
  g_autoptr(FerryCacheBatch) batch = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *url = NULL;
  g_autofree char *session_ref = NULL;
  g_autofree char *token = NULL;
  PoolRefs refs = { 0 };
  double t0, t_login, t_fetch, t_parse, t_apply;
  double total_parse = 0, total_apply = 0;
  guint total_events = 0, total_moves = 0;
  guint64 rss_base, rss_after, hwm;
  gsize reply_size;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt_spec == NULL)
    opt_spec = g_strdup ("hosts=64,vms=10000,vdis=20000,seed=1");

  session = soup_session_new_with_options ("timeout", 120, NULL);

  if (opt_url != NULL)
    url = g_strdup (opt_url);
  else
    {
      double t = now ();

      sim = start_simulator (&url);
      g_print ("simulator: %s (%s) up in %.2f s\n", opt_spec, url, now () - t);
    }

  /* Warm up types and the HTTP connection so they do not count. */
  cache = ferry_cache_new ();
  g_clear_pointer (&session_ref, g_free);
  session_ref = login (url);
  g_clear_pointer (&session_ref, g_free);
  rss_base = status_kb ("VmRSS:");
  reset_peak_rss ();

  /* 1. The snapshot */
  t0 = now ();
  session_ref = login (url);
  t_login = now ();
  reply = event_from (url, session_ref, "[\"*\"]");
  t_fetch = now ();
  reply_size = g_bytes_get_size (reply);
  batch = ferry_cache_batch_new_from_reply (reply, &token, &error);
  g_assert_no_error (error);
  t_parse = now ();
  g_print ("snapshot: %u events (%u skipped), reply %.1f MB\n",
           ferry_cache_batch_get_n_events (batch), ferry_cache_batch_get_n_skipped (batch),
           reply_size / 1e6);
  ferry_cache_apply_snapshot_batch (cache, g_steal_pointer (&batch));
  t_apply = now ();
  g_clear_pointer (&reply, g_bytes_unref);
  g_assert_true (ferry_cache_get_populated (cache));

  hwm = status_kb ("VmHWM:");
  rss_after = status_kb ("VmRSS:");
  g_print ("  login %.3f s, event.from (HTTP, server) %.3f s\n", t_login - t0, t_fetch - t_login);
  g_print ("  parse reply into batch (worker side)   %.3f s\n", t_parse - t_fetch);
  g_print ("  apply snapshot + flush (main thread)   %.3f s\n", t_apply - t_parse);
  g_print ("  populated %.3f s after the start of the connection\n", t_apply - t0);
  g_print ("  objects %u; RSS base %.0f MB, peak %.0f MB (reply held), after %.0f MB "
           "(cache %.0f MB)\n",
           ferry_cache_get_n_objects (cache), rss_base / 1024.0, hwm / 1024.0, rss_after / 1024.0,
           (rss_after - rss_base) / 1024.0);
  g_print ("  %u VMs, %u hosts\n",
           g_list_model_get_n_items (ferry_cache_get_objects (cache, FERRY_TYPE_VM)),
           g_list_model_get_n_items (ferry_cache_get_objects (cache, FERRY_TYPE_HOST)));

  if (opt_json_glib)
    {
      g_autoptr(GBytes) again = event_from (url, session_ref, "[\"*\"]");
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      g_autoptr(FerryCache) other = ferry_cache_new ();
      double t = now ();
      JsonObject *result;

      if (!json_parser_load_from_data (parser, g_bytes_get_data (again, NULL), g_bytes_get_size (again), &error))
        g_error ("%s", error->message);
      g_print ("json-glib: parse %.3f s", now () - t);
      t = now ();
      result = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "result");
      ferry_cache_apply_snapshot (other, json_object_get_array_member (result, "events"));
      g_print (", convert + apply %.3f s, peak RSS %.0f MB\n", now () - t, status_kb ("VmHWM:") / 1024.0);
    }

  /* 2. Field changes */
  collect_refs (cache, &refs);
  {
    g_autoptr(GBytes) vm_reply = event_from (url, session_ref, "[\"vm\"]");
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonArray *vm_events;

    if (!json_parser_load_from_data (parser, g_bytes_get_data (vm_reply, NULL), g_bytes_get_size (vm_reply), &error))
      g_error ("%s", error->message);
    vm_events = json_object_get_array_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "result"), "events");

    for (int round = 0; round < opt_rounds; round++)
      {
        g_autoptr(GBytes) mods = NULL;
        guint n_moves;
        double t1, t2, t3;

        mods = make_mod_reply (vm_events, &refs, round, &n_moves);
        t1 = now ();
        batch = ferry_cache_batch_new_from_reply (mods, NULL, &error);
        g_assert_no_error (error);
        t2 = now ();
        total_events += ferry_cache_batch_get_n_events (batch);
        ferry_cache_apply_batch (cache, g_steal_pointer (&batch));
        ferry_cache_flush (cache);
        t3 = now ();
        total_parse += t2 - t1;
        total_apply += t3 - t2;
        total_moves += n_moves;
      }
  }
  g_print ("field changes: %u mod events (full records, %u host moves) in %d batches\n",
           total_events, total_moves, opt_rounds);
  g_print ("  parse into batches (worker side)       %.3f s\n", total_parse);
  g_print ("  apply + flush (main thread)            %.3f s\n", total_apply);
  g_print ("  total                                  %.3f s (%.0f events/s)\n",
           total_parse + total_apply, total_events / (total_parse + total_apply));

  g_ptr_array_unref (refs.vm_refs);
  g_ptr_array_unref (refs.host_refs);

  if (sim != NULL)
    g_subprocess_force_exit (sim);

  return 0;
}
