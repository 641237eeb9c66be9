/* bench-ui.c: the main window against a large pool (run by bench-ui.py)
 *
 * Usage: bench-ui ADDRESS [PASSWORD]
 *
 * Opens the real window at 1024×700, connects to ADDRESS over plain HTTP
 * (a simulator on loopback), and prints one JSON line:
 *   populated_ms   start → the cache is populated
 *   drawn_ms       start → the first frame painted with the pool's rows
 *   expanded_ms    start → every host expanded (all VM rows in the tree) and painted
 *   rows           rows in the tree then
 *   keystroke_ms   from each filter keystroke to the end of the next paint
 *   keystroke_cpu_ms  the CPU time the process spent on each (less noisy
 *                  than the wall time on a loaded machine; it leaves out
 *                  the wait for the frame clock)
 *   rss_mb, peak_rss_mb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#include "ferry-cache.h"
#include "ferry-connection-manager.h"
#include "ferry-host.h"
#include "ferry-resource-tree.h"
#include "ferry-tree-row.h"
#include "ferry-vm.h"
#include "ferry-window.h"

static gint64 start_time;
static guint n_paints;

static void
on_after_paint_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  n_paints++;
}

static double
since_start_ms (void)
{
  return (g_get_monotonic_time () - start_time) / 1000.0;
}

typedef gboolean (*Predicate) (gpointer data);

static void
wait_for (Predicate func,
          gpointer  data,
          guint     timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  while (!func (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out");
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Spins until a frame ends after now; returns when that happened. */
static void
wait_for_paint (void)
{
  guint target = n_paints + 1;

  while (n_paints < target)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
is_populated (gpointer data)
{
  FerryConnection *connection = data;

  if (ferry_connection_get_state (connection) == FERRY_CONNECTION_STATE_FAILED)
    g_error ("Could not connect: %s", ferry_connection_get_error (connection)->message);
  return ferry_cache_get_populated (ferry_connection_get_cache (connection));
}

static gboolean
is_realized (gpointer data)
{
  return gtk_widget_get_realized (data);
}

static long
read_status_kb (const char *key)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, key);
  return line ? strtol (line + strlen (key), NULL, 10) : -1;
}

/* BENCH_PERF_CTL: the control FIFO of `perf record -D -1 --control
 * fifo:FIFO`, so that a profile covers the keystrokes only; with
 * BENCH_PERF_KEYSTROKE=N, only the Nth (from 0). */
static void
perf_control (const char *command)
{
  const char *fifo = g_getenv ("BENCH_PERF_CTL");
  FILE *file = fifo ? fopen (fifo, "w") : NULL;

  if (file == NULL)
    return;
  fputs (command, file);
  fclose (file);
}

/* BENCH_CHECK: each row the list view has shows the item at its place in
 * the model, and no item twice (the list view is fed changes in pieces). */
static void
check_rows (GtkWidget  *widget,
            GListModel *rows,
            GHashTable *seen)
{
  if (GTK_IS_TREE_EXPANDER (widget))
    {
      GtkTreeListRow *row = gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (widget));
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);
      g_autoptr(GtkTreeListRow) at = g_list_model_get_item (rows, gtk_tree_list_row_get_position (row));
      GObject *shown = ferry_tree_row_get_item (FERRY_TREE_ROW (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (widget))));

      /* A row whose item is gone is at position 0, with no item. */
      if (at != row || shown != item || !g_hash_table_add (seen, row))
        g_error ("The row widget for position %u shows %s, not the item there",
                 gtk_tree_list_row_get_position (row),
                 FERRY_IS_OBJECT (shown) ? ferry_object_get_name_label (FERRY_OBJECT (shown)) : "something else");
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    check_rows (child, rows, seen);
}

static double
cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FerryConnectionManager) manager = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GArray) keystrokes = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GString) json = g_string_new ("{");
  FerryConnection *connection;
  FerryWindow *window;
  FerryResourceTree *tree;
  GtkEditable *editable;
  GListModel *rows;
  GListModel *vms;
  g_autofree char *needle = NULL;
  double populated_ms, drawn_ms, expanded_ms;
  int profiled = g_getenv ("BENCH_PERF_KEYSTROKE") ? atoi (g_getenv ("BENCH_PERF_KEYSTROKE")) : -1;
  guint n_rows;

  start_time = g_get_monotonic_time ();

  if (argc < 2)
    {
      g_printerr ("usage: bench-ui ADDRESS [PASSWORD]\n");
      return 2;
    }

  gtk_init ();
  adw_init ();

  dir = g_dir_make_tmp ("ferry-bench-ui-XXXXXX", NULL);
  path = g_build_filename (dir, "connections.ini", NULL);
  manager = ferry_connection_manager_new (path);

  window = ferry_window_new (NULL, manager, NULL, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  gtk_window_present (GTK_WINDOW (window));
  wait_for (is_realized, window, 10);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (on_after_paint_cb), NULL);

  connection = ferry_connection_manager_add (manager, argv[1], "root", FERRY_TRANSPORT_HTTP);
  ferry_connection_set_password (connection, argc > 2 ? argv[2] : "demo");
  ferry_connection_open_async (connection, NULL, NULL, NULL);

  wait_for (is_populated, connection, 60);
  populated_ms = since_start_ms ();
  wait_for_paint ();
  drawn_ms = since_start_ms ();

  /* Every host expanded: all 10,000 VM rows exist in the tree. */
  tree = ferry_window_get_tree (window);
  rows = ferry_resource_tree_get_rows (tree);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (FERRY_IS_CONNECTION (item) || FERRY_IS_HOST (item))
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
  wait_for_paint ();
  expanded_ms = since_start_ms ();
  n_rows = g_list_model_get_n_items (rows);

  /* Type the name of a VM, one key at a time, then delete it again. */
  vms = ferry_cache_get_objects (ferry_connection_get_cache (connection), FERRY_TYPE_VM);
  for (guint i = 0; i < g_list_model_get_n_items (vms) && needle == NULL; i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (vms, i);

      if (!ferry_vm_get_is_control_domain (vm) && !ferry_vm_get_is_a_template (vm))
        needle = g_strdup (ferry_object_get_name_label (FERRY_OBJECT (vm)));
    }
  /* BENCH_SCROLL: type with the tree scrolled to its middle. */
  if (g_getenv ("BENCH_SCROLL"))
    {
      gtk_widget_activate_action (ferry_resource_tree_get_list_view (tree), "list.scroll-to-item", "u", n_rows / 2);
      wait_for_paint ();
    }
  ferry_resource_tree_set_search_mode (tree, TRUE);
  wait_for_paint ();
  /* As a keyboard does: one character inserted, or one deleted, at a time. */
  editable = GTK_EDITABLE (gtk_window_get_focus (GTK_WINDOW (window)));
  g_assert (GTK_IS_EDITABLE (editable));
  if (profiled < 0)
    perf_control ("enable\n");
  for (int pass = 0; pass < 2; pass++)
    {
      int len = (int) strlen (needle);

      for (int i = 0; i < len; i++)
        {
          gint64 before = g_get_monotonic_time ();
          double cpu_before = cpu_ms ();
          double ms, cpu_used;

          if ((int) keystrokes->len == profiled)
            perf_control ("enable\n");

          if (pass == 0)
            {
              int position = i;

              gtk_editable_insert_text (editable, needle + i, 1, &position);
            }
          else
            gtk_editable_delete_text (editable, len - i - 1, len - i);
          if (g_getenv ("BENCH_VERBOSE"))
            g_printerr ("%s: changed %.1f ms, rows %u\n", ferry_resource_tree_get_search_text (tree),
                        (g_get_monotonic_time () - before) / 1000.0,
                        g_list_model_get_n_items (ferry_resource_tree_get_rows (tree)));
          wait_for_paint ();
          ms = (g_get_monotonic_time () - before) / 1000.0;
          cpu_used = cpu_ms () - cpu_before;
          if ((int) keystrokes->len == profiled)
            perf_control ("disable\n");
          if (g_getenv ("BENCH_CHECK"))
            {
              g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

              check_rows (ferry_resource_tree_get_list_view (tree), ferry_resource_tree_get_rows (tree), seen);
              if (g_getenv ("BENCH_VERBOSE"))
                g_printerr ("  %u rows checked\n", g_hash_table_size (seen));
            }
          if (g_getenv ("BENCH_VERBOSE"))
            g_printerr ("  painted %.1f ms, CPU %.1f ms, scrolled to %.0f px\n", ms, cpu_used,
                        gtk_adjustment_get_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (ferry_resource_tree_get_list_view (tree)))));
          g_array_append_val (keystrokes, ms);
          g_array_append_val (cpu, cpu_used);
        }
    }
  if (profiled < 0)
    perf_control ("disable\n");

  g_string_append_printf (json, "\"populated_ms\": %.0f, \"drawn_ms\": %.0f, \"expanded_ms\": %.0f, \"rows\": %u, ",
                          populated_ms, drawn_ms, expanded_ms, n_rows);
  g_string_append (json, "\"keystroke_ms\": [");
  for (guint i = 0; i < keystrokes->len; i++)
    g_string_append_printf (json, "%s%.1f", i ? ", " : "", g_array_index (keystrokes, double, i));
  g_string_append (json, "], \"keystroke_cpu_ms\": [");
  for (guint i = 0; i < cpu->len; i++)
    g_string_append_printf (json, "%s%.1f", i ? ", " : "", g_array_index (cpu, double, i));
  g_array_sort (keystrokes, compare_doubles);
  g_string_append_printf (json, "], \"keystroke_median_ms\": %.1f, \"keystroke_max_ms\": %.1f, ",
                          g_array_index (keystrokes, double, keystrokes->len / 2),
                          g_array_index (keystrokes, double, keystrokes->len - 1));
  g_string_append_printf (json, "\"rss_mb\": %.1f, \"peak_rss_mb\": %.1f}",
                          read_status_kb ("VmRSS:") / 1024.0, read_status_kb ("VmHWM:") / 1024.0);
  g_print ("%s\n", json->str);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
