/* bench-relay.c: one relay move or copy between two pools, for
 * bench-relay.py: prints {"seconds", "bytes", "max_rss_kb"} as JSON.
 *
 * Usage: bench-relay SRC-URL DST-URL VM-NAME SR-NAME [--move] [--gzip]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sys/resource.h>

#include "ferry-connection.h"
#include "ferry-relay.h"

static GMainLoop *loop;
static gboolean ok;

static void
on_opened_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  ok = ferry_connection_open_finish (FERRY_CONNECTION (object), result, &error);
  if (!ok)
    g_printerr ("open: %s\n", error->message);
  g_main_loop_quit (loop);
}

static FerryConnection *
open_pool (const char *url)
{
  FerryConnection *connection = ferry_connection_new (url, "root", FERRY_TRANSPORT_HTTP);

  ferry_connection_set_password (connection, "demo");
  ferry_connection_set_events_enabled (connection, FALSE);
  ferry_connection_open_async (connection, NULL, on_opened_cb, NULL);
  g_main_loop_run (loop);
  if (!ok)
    exit (1);
  return connection;
}

static JsonNode *reply;

static void
on_call_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  reply = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  if (reply == NULL)
    g_printerr ("%s\n", error->message);
  g_main_loop_quit (loop);
}

static char *
lookup (FerryConnection *connection,
        const char      *method,
        const char      *name)
{
  char *ref;

  ferry_connection_call_async (connection, method, g_variant_new ("(s)", name), FERRY_CALL_IDEMPOTENT, NULL,
                               on_call_cb, NULL);
  g_main_loop_run (loop);
  if (reply == NULL || json_array_get_length (json_node_get_array (reply)) == 0)
    {
      g_printerr ("no %s\n", name);
      exit (1);
    }
  ref = g_strdup (json_array_get_string_element (json_node_get_array (reply), 0));
  g_clear_pointer (&reply, json_node_unref);
  return ref;
}

static char *result_ref;
static gint64 started;

/* FERRY_BENCH_PHASES=1: when each phase began, on stderr. */
static void
on_phase_cb (FerryRelay *relay,
             GParamSpec *pspec,
             gpointer    data)
{
  g_printerr ("%7.3f s  %s\n", (g_get_monotonic_time () - started) / 1e6, ferry_relay_get_phase (relay));
}

static void
on_relayed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  result_ref = ferry_relay_run_finish (FERRY_RELAY (object), result, &error);
  if (result_ref == NULL)
    g_printerr ("relay: %s\n", error->message);
  g_main_loop_quit (loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FerryConnection) src = NULL;
  g_autoptr(FerryConnection) dst = NULL;
  g_autoptr(FerryRelay) relay = NULL;
  g_autofree char *vm = NULL;
  g_autofree char *sr = NULL;
  struct rusage usage;
  gint64 start;
  double seconds;

  if (argc < 5)
    {
      g_printerr ("usage: bench-relay SRC-URL DST-URL VM SR [--move] [--gzip]\n");
      return 2;
    }
  loop = g_main_loop_new (NULL, FALSE);
  src = open_pool (argv[1]);
  dst = open_pool (argv[2]);
  vm = lookup (src, "VM.get_by_name_label", argv[3]);
  sr = lookup (dst, "SR.get_by_name_label", argv[4]);

  relay = ferry_relay_new (src, vm, dst, sr);
  ferry_relay_set_move (relay, FALSE);
  for (int i = 5; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--move"))
        ferry_relay_set_move (relay, TRUE);
      else if (g_str_equal (argv[i], "--gzip"))
        ferry_relay_set_compress (relay, TRUE);
    }
  start = started = g_get_monotonic_time ();
  if (g_getenv ("FERRY_BENCH_PHASES") != NULL)
    g_signal_connect (relay, "notify::phase", G_CALLBACK (on_phase_cb), NULL);
  ferry_relay_run_async (relay, NULL, on_relayed_cb, NULL);
  g_main_loop_run (loop);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  getrusage (RUSAGE_SELF, &usage);
  g_print ("{\"ok\": %s, \"seconds\": %.3f, \"bytes\": %" G_GUINT64_FORMAT ", \"max_rss_kb\": %ld}\n",
           result_ref ? "true" : "false", seconds, ferry_relay_get_bytes (relay), usage.ru_maxrss);
  return result_ref ? 0 : 1;
}
