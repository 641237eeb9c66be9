/* bench-engine.c: from "connect" to a fully populated cache, on a big pool
 *
 * Connects a FerryConnection (login, event.from snapshot parsed off the main
 * thread, applied to the FerryCache) and reports:
 *   - the time from the start of the connection to FerryCache:populated;
 *   - the process's peak RSS (VmHWM) over that time;
 *   - the number of objects cached.
 * The last line on standard output is the same as JSON, for bench-engine.py,
 * which also times Debian's os_xenapi client on the same pool.
 *
 * Not a test: run it by hand, or through tests/bench/bench-engine.py.
 *   _build/tests/bench/bench-engine [--url http://127.0.0.1:PORT/] [--spec SPEC] [--tls]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-engine"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ferry-cache.h"
#include "ferry-connection.h"
#include "ferry-trust.h"

static char *opt_spec = NULL;
static char *opt_url = NULL;
static gboolean opt_tls = FALSE;
static char *opt_password = NULL;

static const GOptionEntry entries[] = {
  { "spec", 0, 0, G_OPTION_ARG_STRING, &opt_spec, "Pool to generate (default hosts=64,vms=10000)", "SPEC" },
  { "url", 0, 0, G_OPTION_ARG_STRING, &opt_url, "Use a running simulator (its master URL)", "URL" },
  { "tls", 0, 0, G_OPTION_ARG_NONE, &opt_tls, "Connect with HTTPS (the certificate is trusted)", NULL },
  { "password", 0, 0, G_OPTION_ARG_STRING, &opt_password, "root's password (default demo)", "PASSWORD" },
  { NULL }
};

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

static gboolean
on_trust_request_cb (FerryConnection   *connection,
                     FerryTrustRequest *request,
                     gpointer           user_data)
{
  ferry_trust_request_complete (request, TRUE);
  return TRUE;
}

static void
on_opened_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!ferry_connection_open_finish (FERRY_CONNECTION (object), result, &error))
    g_error ("Could not connect: %s", error->message);
  *(double *) user_data = g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

static GSubprocess *
start_simulator (const char  *spec,
                 char       **url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *pool;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              FERRY_SIM_PATH, "--generate", spec, "--port", "0", NULL);
  if (process == NULL)
    g_error ("Could not start %s: %s", FERRY_SIM_PATH, error->message);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  if (line == NULL)
    g_error ("The simulator said nothing: %s", error ? error->message : "end of output");

  root = json_from_string (line, &error);
  if (root == NULL)
    g_error ("Unexpected announcement: %s", line);
  pool = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root), "pools"), 0);
  *url = g_strdup (json_object_get_string_member (pool, opt_tls ? "master" : "master_http"));
  return g_steal_pointer (&process);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- time a FerryConnection filling its cache");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) simulator = NULL;
  g_autoptr(FerryConnection) connection = NULL;
  g_autoptr(FerryTrustStore) store = NULL;
  g_autofree char *url = NULL;
  g_autofree char *trust_path = NULL;
  g_autofree char *trust_dir = NULL;
  FerryCache *cache;
  double start;
  double logged_in = 0;
  double populated;
  guint64 rss_before;
  guint64 peak;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (opt_url != NULL)
    url = g_strdup (opt_url);
  else
    simulator = start_simulator (opt_spec ? opt_spec : "hosts=64,vms=10000", &url);

  /* Pins go to a throwaway file: the bench must not touch the user's. */
  trust_dir = g_dir_make_tmp ("ferry-bench-XXXXXX", NULL);
  trust_path = g_build_filename (trust_dir, "trusted-hosts.ini", NULL);
  store = ferry_trust_store_new (trust_path);

  connection = ferry_connection_new (url, "root", opt_tls ? FERRY_TRANSPORT_HTTPS : FERRY_TRANSPORT_HTTP);
  ferry_connection_set_trust_store (connection, store);
  ferry_connection_set_password (connection, opt_password ? opt_password : "demo");
  g_signal_connect (connection, "trust-request", G_CALLBACK (on_trust_request_cb), NULL);
  cache = ferry_connection_get_cache (connection);

  /* "5" resets VmHWM to the current RSS (Linux ≥ 4.0). */
  g_file_set_contents ("/proc/self/clear_refs", "5", 1, NULL);
  rss_before = status_kb ("VmRSS:");

  start = g_get_monotonic_time () / (double) G_USEC_PER_SEC;
  ferry_connection_open_async (connection, NULL, on_opened_cb, &logged_in);
  while (!ferry_cache_get_populated (cache))
    g_main_context_iteration (NULL, TRUE);
  populated = g_get_monotonic_time () / (double) G_USEC_PER_SEC;
  peak = status_kb ("VmHWM:");

  g_print ("%-40s %s\n", "pool", url);
  g_print ("%-40s %.3f s\n", "connect to logged in", logged_in - start);
  g_print ("%-40s %.3f s   (target < 2 s)\n", "connect to cache populated", populated - start);
  g_print ("%-40s %u\n", "objects cached", ferry_cache_get_n_objects (cache));
  g_print ("%-40s %.0f MB (%.0f MB before)   (target < 250 MB)\n", "peak RSS", peak / 1024.0, rss_before / 1024.0);
  g_print ("{\"populated_s\": %.4f, \"login_s\": %.4f, \"objects\": %u, \"peak_rss_mb\": %.1f}\n",
           populated - start, logged_in - start, ferry_cache_get_n_objects (cache), peak / 1024.0);

  g_object_run_dispose (G_OBJECT (connection));
  if (simulator != NULL)
    {
      g_subprocess_force_exit (simulator);
      g_subprocess_wait (simulator, NULL, NULL);
    }
  g_remove (trust_path);
  g_rmdir (trust_dir);

  return 0;
}
