/* bench-evac.c: the makespan of an evacuation (O5), in simulated time
 *
 * Connects to a ferry-sim pool (bench.py starts one with 40 running VMs on
 * its first host), evacuates that host through the engine's queue in
 * batches of --batch VMs (R3), and prints one JSON line:
 *   {"batch": N, "vms": N, "succeeded": N, "makespan_s": simulated seconds,
 *    "wall_s": real seconds}
 * The simulated time comes from the simulator's /sim/time, read before the
 * plan is queued and after its last job ended.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-evac"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <stdio.h>

#include "ferry-engine-test-utils.h"
#include "ferry-history.h"
#include "ferry-host.h"
#include "ferry-plan.h"
#include "ferry-queue.h"

static char *opt_address = NULL;
static char *opt_control = NULL;
static char *opt_host = NULL;
static int opt_batch = 10;

static const GOptionEntry entries[] = {
  { "address", 0, 0, G_OPTION_ARG_STRING, &opt_address, "The pool master (127.0.0.1:PORT)", "ADDRESS" },
  { "control", 0, 0, G_OPTION_ARG_STRING, &opt_control, "The simulator's http URL for /sim/time", "URL" },
  { "host", 0, 0, G_OPTION_ARG_STRING, &opt_host, "The host to evacuate (name)", "NAME" },
  { "batch", 0, 0, G_OPTION_ARG_INT, &opt_batch, "VMs that leave at once (default 10)", "N" },
  { NULL }
};

static double
sim_time (SoupSession *http)
{
  g_autofree char *url = g_strconcat (opt_control, "sim/time", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) reply = soup_session_send_and_read (http, message, NULL, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (reply == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL))
    g_error ("No answer from %s", url);
  return json_object_get_double_member (json_node_get_object (json_parser_get_root (parser)), "sim_time");
}

static gboolean
populated (gpointer data)
{
  return ferry_cache_get_populated (data);
}

static gboolean
idle (gpointer data)
{
  return ferry_queue_get_n_unfinished (data) == 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) http = soup_session_new ();
  g_autoptr(FerryConnection) connection = NULL;
  g_autoptr(GListStore) connections = g_list_store_new (FERRY_TYPE_CONNECTION);
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(FerryHistory) history = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *dir = NULL;
  GListModel *hosts;
  FerryHost *host = NULL;
  double start, end;
  gint64 wall;
  guint succeeded = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || opt_address == NULL ||
      opt_control == NULL || opt_host == NULL || opt_batch < 1)
    {
      g_printerr ("usage: bench-evac --address A --control URL --host NAME [--batch N]\n");
      return 2;
    }

  connection = ferry_test_connection_new (opt_address, FERRY_TRANSPORT_HTTP);
  if (!ferry_test_open_sync (connection, &error))
    g_error ("%s", error->message);
  if (!ferry_test_wait_until (populated, ferry_connection_get_cache (connection), 60000))
    g_error ("The cache was not populated");
  g_list_store_append (connections, connection);

  hosts = ferry_cache_get_objects (ferry_connection_get_cache (connection), FERRY_TYPE_HOST);
  for (guint i = 0; i < g_list_model_get_n_items (hosts) && host == NULL; i++)
    {
      g_autoptr(FerryHost) candidate = g_list_model_get_item (hosts, i);

      if (g_strcmp0 (ferry_object_get_name_label (FERRY_OBJECT (candidate)), opt_host) == 0)
        host = candidate;
    }
  if (host == NULL)
    g_error ("No host %s", opt_host);

  ferry_move_request_set_evacuate_host (request, host);
  plan = ferry_plan_new (request, G_LIST_MODEL (connections), NULL, &error);
  if (plan == NULL)
    g_error ("%s", error->message);
  ferry_plan_set_evacuation_batch_size (plan, opt_batch);

  dir = g_dir_make_tmp ("bench-evac-XXXXXX", NULL);
  journal = g_build_filename (dir, "history.jsonl", NULL);
  history = ferry_history_new (journal);
  queue = ferry_queue_new (G_LIST_MODEL (connections), history, NULL);
  /* Only the batch size limits the evacuation (R3), not the pool's slots. */
  ferry_queue_set_pool_limit (queue, opt_batch);

  start = sim_time (http);
  wall = g_get_monotonic_time ();
  jobs = ferry_queue_add_plan (queue, plan);
  if (!ferry_test_wait_until (idle, queue, 600000))
    g_error ("The evacuation did not finish");
  end = sim_time (http);

  for (guint i = 0; i < jobs->len; i++)
    succeeded += ferry_job_get_state (g_ptr_array_index (jobs, i)) == FERRY_JOB_SUCCEEDED;
  g_print ("{\"batch\": %d, \"vms\": %u, \"succeeded\": %u, \"makespan_s\": %.1f, \"wall_s\": %.2f}\n",
           opt_batch, jobs->len, succeeded, end - start, (g_get_monotonic_time () - wall) / 1e6);

  g_clear_object (&queue);
  ferry_test_close (connection);
  g_unlink (journal);
  g_rmdir (dir);
  return succeeded == jobs->len ? 0 : 1;
}
