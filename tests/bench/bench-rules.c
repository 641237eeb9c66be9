/* bench-rules.c: how fast the local feasibility pass is on a big pool
 *
 * Starts `ferry-sim --generate` in a process of its own (or uses --url),
 * loads the pool into a cache, then times ferry_feasibility_run_local()
 * (facts gathered from the cache included) for
 *   1. one running VM × every host (target: < 5 ms for 64 hosts), and
 *   2. 500 VMs × every host (target: < 100 ms for 64 hosts),
 * and prints the verdicts and the reasons' rule IDs so that the work done
 * is visible.
 *
 * Not a test: run it by hand.
 *   _build/tests/bench/bench-rules [--spec hosts=64,vms=10000,seed=1]
 *                                  [--url http://127.0.0.1:PORT/] [--rounds 20]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <libsoup/soup.h>

#include "ferry-cache.h"
#include "ferry-feasibility.h"
#include "ferry-host.h"
#include "ferry-rules.h"
#include "ferry-vm.h"

static char *opt_spec = NULL;
static char *opt_url = NULL;
static int opt_rounds = 20;
static int opt_vms = 500;

static const GOptionEntry entries[] = {
  { "spec", 0, 0, G_OPTION_ARG_STRING, &opt_spec, "Pool to generate", "SPEC" },
  { "url", 0, 0, G_OPTION_ARG_STRING, &opt_url, "Use a running simulator (master http URL)", "URL" },
  { "rounds", 0, 0, G_OPTION_ARG_INT, &opt_rounds, "Timed runs of each pass (default 20)", "N" },
  { "vms", 0, 0, G_OPTION_ARG_INT, &opt_vms, "VMs in the big grid (default 500)", "N" },
  { NULL }
};

static SoupSession *session;

static double
now (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
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

static FerryCache *
load_cache (const char *base_url)
{
  g_autoptr(GBytes) login = post (base_url,
                                  "{\"jsonrpc\":\"2.0\",\"method\":\"session.login_with_password\","
                                  "\"params\":[\"root\",\"demo\",\"2.21\",\"bench-rules\"],\"id\":1}");
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (login, NULL), NULL);
  g_autofree char *body = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  FerryCache *cache = ferry_cache_new ();
  FerryCacheBatch *batch;

  if (node == NULL || !json_object_has_member (json_node_get_object (node), "result"))
    g_error ("login failed");
  body = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"method\":\"event.from\","
                          "\"params\":[\"%s\",[\"*\"],\"\",30.0],\"id\":2}",
                          json_object_get_string_member (json_node_get_object (node), "result"));
  reply = post (base_url, body);
  batch = ferry_cache_batch_new_from_reply (reply, NULL, &error);
  g_assert_no_error (error);
  ferry_cache_apply_snapshot_batch (cache, batch);

  return cache;
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

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* Times @rounds local passes over @vms × @hosts; returns the median (ms). */
static double
time_grid (GPtrArray  *vms,
           GPtrArray  *hosts,
           const char *label,
           gboolean    describe)
{
  g_autofree double *times = g_new0 (double, opt_rounds);
  g_autoptr(FerryFeasibility) last = NULL;
  double median;

  for (int r = 0; r < opt_rounds; r++)
    {
      g_autoptr(FerryFeasibility) grid = ferry_feasibility_new (NULL, NULL, NULL);
      double t;

      for (guint i = 0; i < vms->len; i++)
        ferry_feasibility_add_vm (grid, g_ptr_array_index (vms, i));
      for (guint i = 0; i < hosts->len; i++)
        ferry_feasibility_add_destination (grid, g_ptr_array_index (hosts, i));

      t = now ();
      ferry_feasibility_run_local (grid);
      times[r] = (now () - t) * 1000.0;

      g_set_object (&last, grid);
    }

  qsort (times, opt_rounds, sizeof (double), compare_doubles);
  median = times[opt_rounds / 2];
  g_print ("%-28s %4u VMs × %2u hosts = %6u cells: median %8.3f ms, min %8.3f, max %8.3f (%d runs)\n",
           label, vms->len, hosts->len, vms->len * hosts->len, median, times[0], times[opt_rounds - 1],
           opt_rounds);

  if (describe)
    {
      g_autoptr(GHashTable) reasons = g_hash_table_new (g_str_hash, g_str_equal);
      guint counts[FERRY_CHECK_SEVERITY_BLOCKER + 1] = { 0, };
      GHashTableIter iter;
      gpointer key, value;

      for (guint v = 0; v < vms->len; v++)
        for (guint h = 0; h < hosts->len; h++)
          {
            FerryCheck *reason = ferry_feasibility_get_reason (last, v, h);

            counts[ferry_feasibility_get_verdict (last, v, h)]++;
            if (reason != NULL)
              {
                const char *id = ferry_check_get_rule_id (reason);

                if (g_getenv ("BENCH_RULES_SHOW") != NULL && g_str_equal (g_getenv ("BENCH_RULES_SHOW"), id))
                  g_print ("    %s\n", ferry_check_get_message (reason));

                g_hash_table_insert (reasons, (gpointer) id,
                                     GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (reasons, id)) + 1));
              }
          }
      g_print ("    verdicts: %u ok, %u note, %u warning, %u blocked; reasons:",
               counts[FERRY_CHECK_SEVERITY_NONE], counts[FERRY_CHECK_SEVERITY_NOTE],
               counts[FERRY_CHECK_SEVERITY_WARNING], counts[FERRY_CHECK_SEVERITY_BLOCKER]);
      g_hash_table_iter_init (&iter, reasons);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_print (" %s×%u", (const char *) key, GPOINTER_TO_UINT (value));
      g_print ("\n");
    }

  return median;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- benchmark the local feasibility pass");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(FerryCache) cache = NULL;
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) vms = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *url = NULL;
  GListModel *model;
  double t, one_ms, many_ms;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt_spec == NULL)
    opt_spec = g_strdup ("hosts=64,vms=10000,seed=1");
  opt_rounds = MAX (opt_rounds, 1);

  session = soup_session_new_with_options ("timeout", 120, NULL);
  if (opt_url != NULL)
    url = g_strdup (opt_url);
  else
    {
      t = now ();
      sim = start_simulator (&url);
      g_print ("simulator: %s up in %.2f s\n", opt_spec, now () - t);
    }

  t = now ();
  cache = load_cache (url);
  g_print ("cache: %u objects loaded in %.2f s\n", ferry_cache_get_n_objects (cache), now () - t);

  model = ferry_cache_get_objects (cache, FERRY_TYPE_HOST);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (hosts, g_list_model_get_item (model, i));

  /* The first VMs in arrival order, as a user's selection would mix them. */
  model = ferry_cache_get_objects (cache, FERRY_TYPE_VM);
  for (guint i = 0; i < g_list_model_get_n_items (model) && vms->len < (guint) opt_vms; i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (model, i);

      if (ferry_vm_get_is_control_domain (vm) || ferry_vm_get_is_a_template (vm) ||
          ferry_vm_get_is_a_snapshot (vm))
        continue;
      if (one->len == 0 && ferry_vm_get_power_state (vm) == FERRY_VM_POWER_STATE_RUNNING)
        g_ptr_array_add (one, g_object_ref (vm));
      g_ptr_array_add (vms, g_steal_pointer (&vm));
    }
  g_print ("%u hosts, %u VMs selected (%u running for the single-VM pass)\n\n",
           hosts->len, vms->len, one->len);

  /* Warm up types and code paths. */
  time_grid (one, hosts, "warm-up", FALSE);

  one_ms = time_grid (one, hosts, "1 VM × all hosts", TRUE);
  many_ms = time_grid (vms, hosts, "many VMs × all hosts", TRUE);

  g_print ("\ntargets: 1 × 64 < 5 ms: %s (%.3f ms); 500 × 64 < 100 ms: %s (%.3f ms)\n",
           one_ms < 5.0 ? "met" : "MISSED", one_ms, many_ms < 100.0 ? "met" : "MISSED", many_ms);

  if (sim != NULL)
    {
      g_subprocess_force_exit (sim);
      g_subprocess_wait (sim, NULL, NULL);
    }

  return 0;
}
