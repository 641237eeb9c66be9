/* test-history-window.c: the History window (win.show-history)
 *
 * Real moves against the simulator (one fails on purpose), and records
 * written into the queue's journal: the window lists them newest first
 * with VM, kind of move, hosts, outcome, duration against the estimate
 * (R28) and the error of a failure; the search narrows the rows as one
 * types; a move started while it is open shows at once and its row
 * follows it to the end; an empty journal says so; a restart (a new
 * journal object on the same file) shows the same moves; the export
 * writes one JSON line per move shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ferry-history-dialog.h"
#include "ferry-history-row.h"
#include "test-flow-utils.h"

static FerryHistoryDialog *
open_history (FerryWindow *window)
{
  GtkWidget *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-history", NULL));
  dialog = ferry_ui_test_wait_toplevel (FERRY_TYPE_HISTORY_DIALOG, 2000);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  ferry_ui_test_spin (200);
  return FERRY_HISTORY_DIALOG (dialog);
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (FERRY_IS_HISTORY_ROW (widget))
    {
      if (ferry_history_row_get_entry (FERRY_HISTORY_ROW (widget)) != NULL)
        g_ptr_array_add (rows, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static double
row_y (GtkWidget *row)
{
  double x, y;

  g_assert_true (gtk_widget_translate_coordinates (row, GTK_WIDGET (gtk_widget_get_root (row)), 0, 0, &x, &y));
  return y;
}

static int
compare_y (gconstpointer a,
           gconstpointer b)
{
  double ya = row_y (*(GtkWidget **) a);
  double yb = row_y (*(GtkWidget **) b);

  return ya < yb ? -1 : ya > yb;
}

/* The rows on screen, top first. */
static GPtrArray *
shown_rows (FerryHistoryDialog *dialog)
{
  GPtrArray *rows = g_ptr_array_new ();

  ferry_ui_test_spin (150);
  collect_rows (GTK_WIDGET (dialog), rows);
  g_ptr_array_sort (rows, compare_y);
  return rows;
}

static void
append_labels (GtkWidget *widget,
               GString   *text)
{
  if (!gtk_widget_get_visible (widget) || GTK_IS_POPOVER (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_label_get_text (GTK_LABEL (widget))[0] != '\0')
    g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    append_labels (child, text);
}

/* What a row shows, one label a line. */
static char *
row_text (GtkWidget *row)
{
  GString *text = g_string_new (NULL);

  append_labels (row, text);
  return g_string_free (text, FALSE);
}

static const char *
row_vm (GtkWidget *row)
{
  return ferry_history_entry_get_vm_name (ferry_history_row_get_entry (FERRY_HISTORY_ROW (row)));
}

/* The row of @vm on screen, or NULL. */
static GtkWidget *
find_row (FerryHistoryDialog *dialog,
          const char         *vm)
{
  g_autoptr(GPtrArray) rows = shown_rows (dialog);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (row_vm (g_ptr_array_index (rows, i)), vm) == 0)
      return g_ptr_array_index (rows, i);
  return NULL;
}

/* Types @text into the search, as the entry reports it (search-changed
 * comes after a short delay). Returns the number of rows on screen. */
static guint
search (FerryHistoryDialog *dialog,
        const char         *text)
{
  g_autoptr(GPtrArray) rows = NULL;

  gtk_editable_set_text (ferry_history_dialog_get_search (dialog), text);
  ferry_ui_test_spin (400);
  rows = shown_rows (dialog);
  g_assert_cmpuint (rows->len, ==, g_list_model_get_n_items (ferry_history_dialog_get_shown (dialog)));
  return rows->len;
}

/* The title of the status page on screen, or NULL. */
static const char *
status_title (GtkWidget *widget)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (ADW_IS_STATUS_PAGE (widget))
    return adw_status_page_get_title (ADW_STATUS_PAGE (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      const char *title = status_title (child);

      if (title != NULL)
        return title;
    }
  return NULL;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *action)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The History windows open on @history. */
static guint
count_dialogs (FerryHistory *history)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      n += FERRY_IS_HISTORY_DIALOG (toplevel) &&
           ferry_history_dialog_get_history (FERRY_HISTORY_DIALOG (toplevel)) == history;
    }
  return n;
}

static FerryJob *
migrate (FlowFixture *fixture,
         const char  *vm,
         const char  *host)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (fixture->queue));
  g_autoptr(FerryJob) job = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.migrate-to-host", "(ss)",
                                             flow_uuid (fixture, "Flow", FERRY_TYPE_VM, vm),
                                             flow_uuid (fixture, "Flow", FERRY_TYPE_HOST, host)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->queue)), ==, n + 1);
  job = g_list_model_get_item (G_LIST_MODEL (fixture->queue), n);
  return job;
}

static void
wait_job (FerryJob *job)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new ();

  g_ptr_array_add (jobs, job);
  flow_wait_jobs (jobs, 60000);
}

/* One moved, one failed (the simulator's VM_MIGRATE_FAILED at half way). */
static void
two_moves (FlowFixture *fixture)
{
  FerryJob *ok, *failed;

  flow_add_faults (fixture, "{ \"type\": \"fail_migration\", \"vm\": \"fl-vm-02\", \"at_progress\": 0.5, "
                            "\"count\": 1 }");
  ok = migrate (fixture, "fl-vm-01", "fl-2");
  failed = migrate (fixture, "fl-vm-02", "fl-2");
  wait_job (ok);
  wait_job (failed);
  g_assert_cmpint (ferry_job_get_state (ok), ==, FERRY_JOB_SUCCEEDED);
  g_assert_cmpint (ferry_job_get_state (failed), ==, FERRY_JOB_FAILED);
  ferry_ui_test_spin (100);
}

static void
test_empty (FlowFixture   *fixture,
            gconstpointer  data)
{
  FerryHistoryDialog *dialog;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *export;

  g_test_summary ("An empty journal: the History window says “No Moves Yet” and cannot export; "
                  "win.show-history again presents the same window");

  dialog = open_history (fixture->window);
  g_assert_nonnull (ferry_history_dialog_get_history (dialog));
  rows = shown_rows (dialog);
  g_assert_cmpuint (rows->len, ==, 0);
  g_assert_cmpstr (status_title (GTK_WIDGET (dialog)), ==, "No Moves Yet");
  export = find_button (GTK_WIDGET (dialog), "history.export");
  g_assert_nonnull (export);
  g_assert_false (gtk_widget_is_sensitive (export));

  /* One per window: Ctrl+H brings the same one back. */
  g_assert_true (open_history (fixture->window) == dialog);
  g_assert_cmpuint (count_dialogs (fixture->history), ==, 1);
  /* Closed, it is made again. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  ferry_ui_test_spin (50);
  g_assert_null (ferry_ui_test_find_toplevel (FERRY_TYPE_HISTORY_DIALOG));
  dialog = open_history (fixture->window);
  g_assert_cmpstr (status_title (GTK_WIDGET (dialog)), ==, "No Moves Yet");
}

static void
test_moves (FlowFixture   *fixture,
            gconstpointer  data)
{
  FerryHistoryDialog *dialog;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *ok_text = NULL;
  g_autofree char *failed_text = NULL;
  FerryHistoryEntry *entry;
  GtkWidget *export;

  g_test_summary ("Two real moves, one failed: the History window lists both newest first, with the VM, the "
                  "kind of move, the hosts, the outcome, the time taken against the estimate (R28) and the "
                  "failure's message and xapi error code");

  two_moves (fixture);
  dialog = open_history (fixture->window);

  rows = shown_rows (dialog);
  g_assert_cmpuint (rows->len, ==, 2);
  /* Newest first. */
  g_assert_cmpstr (row_vm (g_ptr_array_index (rows, 0)), ==, "fl-vm-02");
  g_assert_cmpstr (row_vm (g_ptr_array_index (rows, 1)), ==, "fl-vm-01");

  ok_text = row_text (g_ptr_array_index (rows, 1));
  g_test_message ("%s", ok_text);
  g_assert_nonnull (strstr (ok_text, "fl-vm-01\n"));
  g_assert_nonnull (strstr (ok_text, "Live migration · fl-1 (Flow) → fl-2 (Flow)"));
  g_assert_nonnull (strstr (ok_text, "Succeeded · took "));
  g_assert_nonnull (strstr (ok_text, ", estimated "));
  g_assert_nonnull (strstr (ok_text, "Today "));

  failed_text = row_text (g_ptr_array_index (rows, 0));
  g_test_message ("%s", failed_text);
  entry = ferry_history_row_get_entry (g_ptr_array_index (rows, 0));
  g_assert_cmpint (ferry_history_entry_get_outcome (entry), ==, FERRY_HISTORY_OUTCOME_FAILED);
  g_assert_nonnull (ferry_history_entry_get_error_message (entry));
  g_assert_nonnull (strstr (failed_text, "Failed"));
  g_assert_nonnull (strstr (failed_text, ferry_history_entry_get_error_message (entry)));
  g_assert_nonnull (strstr (failed_text, "VM_MIGRATE_FAILED"));

  export = find_button (GTK_WIDGET (dialog), "history.export");
  g_assert_true (gtk_widget_is_sensitive (export));
}

static void
test_search (FlowFixture   *fixture,
             gconstpointer  data)
{
  FerryHistoryDialog *dialog;
  g_autoptr(GPtrArray) rows = NULL;

  g_test_summary ("The search narrows the rows as one types: by VM, host, pool, kind of move, outcome "
                  "(every word must match); nothing found says so");

  two_moves (fixture);
  dialog = open_history (fixture->window);

  g_assert_cmpuint (search (dialog, "fl-vm-0"), ==, 2);
  g_assert_cmpuint (search (dialog, "fl-vm-02"), ==, 1);
  g_assert_nonnull (find_row (dialog, "fl-vm-02"));
  g_assert_cmpuint (search (dialog, "FL-VM-01"), ==, 1);
  g_assert_nonnull (find_row (dialog, "fl-vm-01"));
  g_assert_cmpuint (search (dialog, "failed"), ==, 1);
  g_assert_nonnull (find_row (dialog, "fl-vm-02"));
  g_assert_cmpuint (search (dialog, "succeeded"), ==, 1);
  g_assert_nonnull (find_row (dialog, "fl-vm-01"));
  g_assert_cmpuint (search (dialog, "flow fl-2"), ==, 2);
  g_assert_cmpuint (search (dialog, "live migration"), ==, 2);
  g_assert_cmpuint (search (dialog, "VM_MIGRATE_FAILED"), ==, 1);
  g_assert_cmpuint (search (dialog, "Dest"), ==, 0);
  g_assert_cmpstr (status_title (GTK_WIDGET (dialog)), ==, "No Matching Moves");
  g_assert_false (gtk_widget_is_sensitive (find_button (GTK_WIDGET (dialog), "history.export")));
  g_assert_cmpuint (search (dialog, ""), ==, 2);

  rows = shown_rows (dialog);
  g_assert_cmpstr (row_vm (g_ptr_array_index (rows, 0)), ==, "fl-vm-02");
}

static gboolean
row_says (gpointer data)
{
  gpointer *args = data;
  g_autofree char *text = NULL;
  GtkWidget *row = find_row (args[0], args[1]);

  if (row == NULL)
    return FALSE;
  text = row_text (row);
  return strstr (text, args[2]) != NULL;
}

static void
test_live (FlowFixture   *fixture,
           gconstpointer  data)
{
  FerryHistoryDialog *dialog;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *text = NULL;
  FerryJob *job;

  g_test_summary ("A move started while the History window is open shows at once at the top, still "
                  "running, and its row follows it to its end; the search applies to new moves too");

  two_moves (fixture);
  dialog = open_history (fixture->window);
  g_assert_cmpuint (search (dialog, "fl-vm-03"), ==, 0);

  /* Slow enough to be seen running. */
  flow_set_time_scale (fixture, 0.5);
  job = migrate (fixture, "fl-vm-03", "fl-3");
  rows = shown_rows (dialog);
  g_assert_cmpuint (rows->len, ==, 1);
  text = row_text (g_ptr_array_index (rows, 0));
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "fl-vm-03\n"));
  /* Until its end record, the estimate is its job's. */
  g_assert_nonnull (strstr (text, "Still running · estimated "));
  g_assert_nonnull (strstr (text, "→ fl-3 (Flow)"));

  /* “running” finds it while it runs. */
  g_assert_cmpuint (search (dialog, "still running"), ==, 1);
  g_assert_cmpuint (search (dialog, ""), ==, 3);
  g_ptr_array_unref (rows);
  rows = shown_rows (dialog);
  g_assert_cmpstr (row_vm (g_ptr_array_index (rows, 0)), ==, "fl-vm-03");

  g_assert_cmpuint (search (dialog, "still running"), ==, 1);
  flow_set_time_scale (fixture, 200);
  wait_job (job);
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_SUCCEEDED);
  /* The ended move leaves the search for running ones… */
  ferry_ui_test_spin (300);
  g_assert_cmpuint (search (dialog, "still running"), ==, 0);
  /* …and its row says how it ended. */
  g_assert_cmpuint (search (dialog, ""), ==, 3);
  {
    gpointer args[] = { dialog, "fl-vm-03", "Succeeded · took " };

    g_assert_true (ferry_ui_test_wait_until (row_says, args, 5000));
  }
}

static gboolean
export_done (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
on_result_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Exports what is shown to @path; the lines, or NULL with @error. */
static char **
export (FerryHistoryDialog  *dialog,
        const char          *path,
        GError             **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *contents = NULL;
  guint n = 0;
  char **lines;

  ferry_history_dialog_export_async (dialog, file, NULL, on_result_cb, &result);
  g_assert_true (ferry_ui_test_wait_until (export_done, &result, 10000));
  if (!ferry_history_dialog_export_finish (dialog, result, &n, error))
    return NULL;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_suffix (contents, "\n"));
  contents[strlen (contents) - 1] = '\0';
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n);
  return lines;
}

static JsonObject *
parse_line (const char *line)
{
  g_autoptr(JsonNode) node = json_from_string (line, NULL);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_dup_object (node);
}

static void
test_export (FlowFixture   *fixture,
             gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("ferry-history-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "export.jsonl", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-dir", "export.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  FerryHistoryDialog *dialog;
  GListModel *shown;
  char **lines;

  g_test_summary ("Export writes the moves shown, oldest first, one JSON line each: the whole record "
                  "(plan, task, outcome, error code, estimate); a file that cannot be written is an error");

  two_moves (fixture);
  dialog = open_history (fixture->window);
  shown = ferry_history_dialog_get_shown (dialog);

  lines = export (dialog, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonObject) record = parse_line (lines[i]);
      /* Shown newest first, written oldest first. */
      g_autoptr(FerryHistoryEntry) entry = g_list_model_get_item (shown, 1 - i);
      JsonObject *vm = json_object_get_object_member (record, "vm");

      g_assert_cmpstr (json_object_get_string_member (record, "job"), ==, ferry_history_entry_get_job_id (entry));
      g_assert_cmpstr (json_object_get_string_member (vm, "name"), ==, i == 0 ? "fl-vm-01" : "fl-vm-02");
      g_assert_cmpstr (json_object_get_string_member (record, "outcome"), ==, i == 0 ? "succeeded" : "failed");
      g_assert_cmpstr (json_object_get_string_member (record, "plan"), ==, ferry_history_entry_get_plan_id (entry));
      g_assert_true (json_object_has_member (record, "task"));
      g_assert_true (json_object_has_member (record, "predicted"));
    }
  g_strfreev (lines);

  /* Only what the search leaves. */
  g_assert_cmpuint (search (dialog, "failed"), ==, 1);
  lines = export (dialog, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  {
    g_autoptr(JsonObject) record = parse_line (lines[0]);
    JsonObject *failure = json_object_get_object_member (record, "error");

    g_assert_cmpstr (json_object_get_string_member (record, "outcome"), ==, "failed");
    g_assert_cmpstr (json_object_get_string_member (failure, "code"), ==, "VM_MIGRATE_FAILED");
  }
  g_strfreev (lines);

  lines = export (dialog, missing, &error);
  g_assert_null (lines);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  g_unlink (path);
  g_rmdir (dir);
}

static void
append (FerryHistory *history,
        const char   *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_true (ferry_history_append (history, json_node_get_object (node), &error));
  g_assert_no_error (error);
}

#define PLACES \
  "\"vm\": {\"uuid\": \"u-old\", \"name\": \"old-db\"}, \"operation\": \"O2\", " \
  "\"from\": {\"pool\": {\"uuid\": \"p1\", \"name\": \"Flow\"}, \"host\": {\"uuid\": \"h1\", \"name\": \"fl-1\"}}, " \
  "\"to\": {\"pool\": {\"uuid\": \"p2\", \"name\": \"Dest\"}, \"host\": {\"uuid\": \"h2\", \"name\": \"d-1\"}}"

static void
test_journal (FlowFixture   *fixture,
              gconstpointer  data)
{
  g_autoptr(GDateTime) utc = g_date_time_new_utc (2020, 3, 5, 10, 0, 0);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  g_autofree char *when = g_date_time_format (local, "%-d %b %Y %H:%M");
  g_autoptr(FerryHistory) reread = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *details = NULL;
  FerryHistoryDialog *dialog;
  GtkWidget *window;
  GtkWidget *row;

  g_test_summary ("Records of the journal: an old storage migration shows its date, “took 42 s, estimated "
                  "20 s – 43 s”; one Ferry left unfinished shows as interrupted; after a restart (the "
                  "journal read again) the History window shows the same moves");

  dialog = open_history (fixture->window);
  append (fixture->history, "{\"type\": \"queued\", \"job\": \"j-old\", \"plan\": \"p-old\", \"item\": 0, "
                            "\"time\": \"2020-03-05T10:00:00Z\", \"who\": \"root@Flow\", " PLACES "}");
  append (fixture->history, "{\"type\": \"start\", \"job\": \"j-old\", \"plan\": \"p-old\", "
                            "\"time\": \"2020-03-05T10:00:01Z\", \"task\": \"OpaqueRef:task-old\"}");
  append (fixture->history, "{\"type\": \"end\", \"job\": \"j-old\", \"plan\": \"p-old\", \"outcome\": \"succeeded\", "
                            "\"time\": \"2020-03-05T10:00:43Z\", " PLACES ", "
                            "\"predicted\": {\"duration\": [20, 43], \"downtime\": [0.1, 0.3]}, "
                            "\"actual\": {\"duration\": 42, \"downtime\": 0.2, \"bytes\": 1024, "
                            "\"finished\": \"2020-03-05T10:00:43Z\"}, \"error\": null}");
  /* Live: the journal's new entries show while the window is open. */
  row = find_row (dialog, "old-db");
  g_assert_nonnull (row);
  text = row_text (row);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, when));
  g_assert_nonnull (strstr (text, "Storage live migration · fl-1 (Flow) → d-1 (Dest)"));
  g_assert_nonnull (strstr (text, "Succeeded · took 42 s, estimated 20 s – 43 s"));
  details = ferry_history_entry_dup_details (ferry_history_row_get_entry (FERRY_HISTORY_ROW (row)));
  g_assert_nonnull (strstr (details, "OpaqueRef:task-old"));
  g_assert_nonnull (strstr (details, "p-old"));
  g_assert_nonnull (strstr (details, "root@Flow"));

  /* Queued by a Ferry that stopped: no end record, no job in this queue. */
  append (fixture->history, "{\"type\": \"queued\", \"job\": \"j-lost\", \"plan\": \"p-lost\", \"item\": 0, "
                            "\"time\": \"2020-03-06T10:00:00Z\", "
                            "\"vm\": {\"uuid\": \"u-lost\", \"name\": \"lost-vm\"}, \"operation\": \"O1\"}");
  g_clear_pointer (&text, g_free);
  text = row_text (find_row (dialog, "lost-vm"));
  g_assert_nonnull (strstr (text, "Interrupted"));
  g_assert_cmpuint (search (dialog, "interrupted"), ==, 1);
  g_assert_cmpuint (search (dialog, ""), ==, 2);

  /* A restart: another journal object reads the file. */
  reread = ferry_history_new (ferry_history_get_path (fixture->history));
  ferry_history_load_async (reread, NULL, on_result_cb, &result);
  g_assert_true (ferry_ui_test_wait_until (export_done, &result, 10000));
  g_assert_true (ferry_history_load_finish (reread, result, &error));
  g_assert_no_error (error);
  queue = ferry_queue_new (G_LIST_MODEL (fixture->manager), reread, NULL);
  window = GTK_WIDGET (ferry_window_new (NULL, fixture->manager, queue, FALSE));
  gtk_window_present (GTK_WINDOW (window));
  {
    g_autoptr(GPtrArray) rows = NULL;

    dialog = ferry_history_dialog_present (FERRY_WINDOW (window));
    g_assert_true (ferry_history_dialog_get_history (dialog) == reread);
    rows = shown_rows (dialog);
    g_assert_cmpuint (rows->len, ==, 2);
    g_assert_cmpstr (row_vm (g_ptr_array_index (rows, 0)), ==, "lost-vm");
    g_assert_cmpstr (row_vm (g_ptr_array_index (rows, 1)), ==, "old-db");
  }
  gtk_window_destroy (GTK_WINDOW (window));
  ferry_ui_test_spin (50);
  /* The window's History window went with it; the first one stays. */
  g_assert_cmpuint (count_dialogs (reread), ==, 0);
  g_assert_cmpuint (count_dialogs (fixture->history), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  ferry_ui_test_init (&argc, &argv);

  g_test_add ("/ui/history/empty", FlowFixture, NULL, flow_fixture_setup, test_empty, flow_fixture_teardown);
  g_test_add ("/ui/history/moves/R28", FlowFixture, NULL, flow_fixture_setup, test_moves, flow_fixture_teardown);
  g_test_add ("/ui/history/search", FlowFixture, NULL, flow_fixture_setup, test_search, flow_fixture_teardown);
  g_test_add ("/ui/history/live", FlowFixture, NULL, flow_fixture_setup, test_live, flow_fixture_teardown);
  g_test_add ("/ui/history/export", FlowFixture, NULL, flow_fixture_setup, test_export, flow_fixture_teardown);
  g_test_add ("/ui/history/journal/R28", FlowFixture, NULL, flow_fixture_setup, test_journal, flow_fixture_teardown);

  return g_test_run ();
}
