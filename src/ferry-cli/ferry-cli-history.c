/* ferry-cli-history.c: ferry-cli history [--since TIME] [--vm VM],
 * and ferry-cli put-back --before TIME [--dry-run]
 *
 * history reads the journal the app and ferry-cli share
 * ($XDG_DATA_HOME/ferry/history.jsonl, ferry-history.h) without
 * connecting. put-back plans the return of every VM that moved at or after
 * TIME to where it was before (ferry_history_build_put_back(): its host,
 * its disks' SRs, a host left in maintenance enabled first) and runs the
 * plans like migrate.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-history"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "ferry-cli-commands.h"
#include "ferry-cli-move.h"
#include "ferry-cli-output.h"
#include "ferry-cli-run.h"
#include "ferry-history.h"

typedef struct
{
  char               *since;
  char               *vm;
  FerryCliRunOptions  run;
  GDateTime          *time;
} History;

static void
history_free (gpointer data)
{
  History *history = data;

  g_free (history->since);
  g_free (history->vm);
  ferry_cli_run_options_clear (&history->run);
  g_clear_pointer (&history->time, g_date_time_unref);
  g_free (history);
}

/* "2025-06-01T10:00:00Z", "2025-06-01 10:00" (local), "2025-06-01", or a
 * time ago: "90s", "30m", "2h", "3d", "1w". */
static GDateTime *
parse_time (const char  *option,
            const char  *text,
            GError     **error)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autofree char *iso = g_strdelimit (g_strdup (text), " ", 'T');
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  char *end = NULL;
  gint64 amount = g_ascii_strtoll (text, &end, 10);
  GDateTime *time;

  if (end != text && amount >= 0 && end != NULL && end[0] != '\0' && end[1] == '\0')
    {
      GTimeSpan unit = 0;

      switch (end[0])
        {
        case 's': unit = G_TIME_SPAN_SECOND; break;
        case 'm': unit = G_TIME_SPAN_MINUTE; break;
        case 'h': unit = G_TIME_SPAN_HOUR; break;
        case 'd': unit = G_TIME_SPAN_DAY; break;
        case 'w': unit = 7 * G_TIME_SPAN_DAY; break;
        default: break;
        }
      if (unit != 0 && amount < G_MAXINT64 / unit)
        return g_date_time_add (now, -amount * unit);
    }

  time = g_date_time_new_from_iso8601 (iso, local);
  if (time == NULL && strlen (iso) == 10)
    {
      g_autofree char *midnight = g_strconcat (iso, "T00:00:00", NULL);

      time = g_date_time_new_from_iso8601 (midnight, local);
    }
  if (time == NULL)
    g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                 _("%s takes a time (2025-06-01T10:00, 2025-06-01) or a time ago (30m, 2h, 3d), not “%s”"),
                 option, text);
  return time;
}

static char *
format_time (GDateTime *time,
             gboolean   utc)
{
  g_autoptr(GDateTime) converted = NULL;

  if (time == NULL)
    return NULL;
  converted = utc ? g_date_time_to_utc (time) : g_date_time_to_local (time);
  return g_date_time_format (converted, utc ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S");
}

static const char *
outcome_name (FerryHistoryOutcome outcome)
{
  switch (outcome)
    {
    case FERRY_HISTORY_OUTCOME_SUCCEEDED: return "succeeded";
    case FERRY_HISTORY_OUTCOME_FAILED:    return "failed";
    case FERRY_HISTORY_OUTCOME_CANCELLED: return "cancelled";
    case FERRY_HISTORY_OUTCOME_OPEN:
    default:                              return "open";
    }
}

static const char *
outcome_title (FerryHistoryOutcome outcome)
{
  switch (outcome)
    {
    case FERRY_HISTORY_OUTCOME_SUCCEEDED: return _("succeeded");
    case FERRY_HISTORY_OUTCOME_FAILED:    return _("failed");
    case FERRY_HISTORY_OUTCOME_CANCELLED: return _("cancelled");
    case FERRY_HISTORY_OUTCOME_OPEN:
    default:                              return _("unfinished");
    }
}

static void
add_entry (JsonBuilder       *builder,
           FerryHistoryEntry *entry)
{
  g_autofree char *time = format_time (ferry_history_entry_get_time (entry), TRUE);
  g_autofree char *end_time = format_time (ferry_history_entry_get_end_time (entry), TRUE);
  g_autofree char *from = ferry_history_entry_dup_from_text (entry);
  g_autofree char *to = ferry_history_entry_dup_to_text (entry);
  double duration = ferry_history_entry_get_actual_duration (entry);
  gint64 bytes = ferry_history_entry_get_actual_bytes (entry);
  FerryHistoryOutcome outcome = ferry_history_entry_get_outcome (entry);

  json_builder_begin_object (builder);
  ferry_cli_json_add_string (builder, "job", ferry_history_entry_get_job_id (entry));
  ferry_cli_json_add_string (builder, "plan", ferry_history_entry_get_plan_id (entry));
  ferry_cli_json_add_string (builder, "time", time);
  ferry_cli_json_add_string (builder, "end_time", end_time);
  ferry_cli_json_add_string (builder, "outcome", outcome_name (outcome));
  ferry_cli_json_add_string (builder, "who", ferry_history_entry_get_who (entry));
  json_builder_set_member_name (builder, "vm");
  json_builder_begin_object (builder);
  ferry_cli_json_add_string (builder, "uuid", ferry_history_entry_get_vm_uuid (entry));
  ferry_cli_json_add_string (builder, "name", ferry_history_entry_get_vm_name (entry));
  json_builder_end_object (builder);
  ferry_cli_json_add_operation (builder, "operation", ferry_history_entry_get_operation (entry));
  ferry_cli_json_add_string (builder, "from", from);
  ferry_cli_json_add_string (builder, "to", to);
  ferry_cli_json_add_string (builder, "task", ferry_history_entry_get_task_ref (entry));
  json_builder_set_member_name (builder, "duration");
  if (duration >= 0)
    json_builder_add_double_value (builder, duration);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "bytes");
  if (bytes >= 0)
    json_builder_add_int_value (builder, bytes);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "error");
  if (outcome == FERRY_HISTORY_OUTCOME_FAILED || outcome == FERRY_HISTORY_OUTCOME_CANCELLED ||
      ferry_history_entry_get_error_message (entry) != NULL)
    {
      json_builder_begin_object (builder);
      ferry_cli_json_add_string (builder, "code", ferry_history_entry_get_error_code (entry));
      ferry_cli_json_add_string (builder, "message", ferry_history_entry_get_error_message (entry));
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

static gboolean
is_shown (History           *history,
          FerryHistoryEntry *entry)
{
  GDateTime *time = ferry_history_entry_get_time (entry);
  GDateTime *end = ferry_history_entry_get_end_time (entry);

  if (history->time != NULL && (time == NULL || g_date_time_compare (time, history->time) < 0) &&
      (end == NULL || g_date_time_compare (end, history->time) < 0))
    return FALSE;
  if (history->vm != NULL && g_strcmp0 (history->vm, ferry_history_entry_get_vm_name (entry)) != 0 &&
      g_strcmp0 (history->vm, ferry_history_entry_get_vm_uuid (entry)) != 0)
    return FALSE;
  return TRUE;
}

void
ferry_cli_history_run_async (FerryCliContext     *context,
                             int                  argc,
                             char               **argv,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  History *history = g_new0 (History, 1);
  FerryHistory *journal;
  GListModel *entries;
  const GOptionEntry options[] = {
    { "since", 0, 0, G_OPTION_ARG_STRING, &history->since,
      N_("Only moves since TIME (2025-06-01T10:00, 2025-06-01, or ago: 30m, 2h, 3d)"), N_("TIME") },
    { "vm", 0, 0, G_OPTION_ARG_STRING, &history->vm, N_("Only the moves of this VM (name or UUID)"), N_("VM") },
    { NULL }
  };

  task = g_task_new (context, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_cli_history_run_async);
  g_task_set_task_data (task, history, history_free);

  if (!ferry_cli_context_parse (context, "history",
                                _("Lists the moves of the journal the app and ferry-cli share, oldest first."),
                                options, &argc, &argv, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (argc > 1)
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("history takes no arguments"));
      return;
    }
  if (history->since != NULL && !(history->time = parse_time ("--since", history->since, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  journal = ferry_cli_context_get_history (context, &error);
  if (journal == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  entries = G_LIST_MODEL (journal);

  if (ferry_cli_context_get_json (context))
    {
      g_autoptr(JsonBuilder) builder = ferry_cli_json_begin ("history");
      g_autofree char *since = format_time (history->time, TRUE);

      ferry_cli_json_add_string (builder, "since", since);
      ferry_cli_json_add_string (builder, "path", ferry_history_get_path (journal));
      json_builder_set_member_name (builder, "entries");
      json_builder_begin_array (builder);
      for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
        {
          g_autoptr(FerryHistoryEntry) entry = g_list_model_get_item (entries, i);

          if (is_shown (history, entry))
            add_entry (builder, entry);
        }
      json_builder_end_array (builder);
      ferry_cli_json_print (builder);
    }
  else
    {
      g_autoptr(FerryCliTable) table = ferry_cli_table_new (_("TIME"), _("JOB"), _("VM"), _("OPERATION"),
                                                             _("FROM"), _("TO"), _("OUTCOME"), _("TOOK"), NULL);
      gboolean color = ferry_cli_context_get_color (context);

      for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
        {
          g_autoptr(FerryHistoryEntry) entry = g_list_model_get_item (entries, i);
          FerryHistoryOutcome outcome = ferry_history_entry_get_outcome (entry);
          double duration = ferry_history_entry_get_actual_duration (entry);
          const char *job = ferry_history_entry_get_job_id (entry);

          if (!is_shown (history, entry))
            continue;
          ferry_cli_table_begin_row (table);
          ferry_cli_table_take (table, format_time (ferry_history_entry_get_time (entry), FALSE), FERRY_CLI_STYLE_NONE);
          ferry_cli_table_take (table, job ? g_strndup (job, 8) : NULL, FERRY_CLI_STYLE_DIM);
          ferry_cli_table_add (table, ferry_history_entry_get_vm_name (entry), FERRY_CLI_STYLE_NONE);
          ferry_cli_table_add (table, ferry_operation_get_id (ferry_history_entry_get_operation (entry)),
                               FERRY_CLI_STYLE_NONE);
          ferry_cli_table_take (table, ferry_history_entry_dup_from_text (entry), FERRY_CLI_STYLE_NONE);
          ferry_cli_table_take (table, ferry_history_entry_dup_to_text (entry), FERRY_CLI_STYLE_NONE);
          ferry_cli_table_add (table, outcome_title (outcome),
                               outcome == FERRY_HISTORY_OUTCOME_SUCCEEDED ? FERRY_CLI_STYLE_GOOD
                               : outcome == FERRY_HISTORY_OUTCOME_FAILED ? FERRY_CLI_STYLE_BAD
                               : FERRY_CLI_STYLE_WARNING);
          ferry_cli_table_take (table, duration >= 0 ? ferry_format_duration (duration) : NULL, FERRY_CLI_STYLE_NONE);
          if (ferry_history_entry_get_error_message (entry) != NULL)
            ferry_cli_table_add_note (table, 2, ferry_history_entry_get_error_message (entry), FERRY_CLI_STYLE_DIM);
        }
      if (ferry_cli_table_get_n_rows (table) == 0)
        g_print ("%s\n", _("No moves in the journal."));
      else
        ferry_cli_table_print (table, color);
    }

  g_task_return_int (task, FERRY_CLI_EXIT_OK);
}

/* put-back */

static void
on_connected_cb (GTask     *task,
                 GPtrArray *connections)
{
  History *history = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GPtrArray) plans = NULL;
  FerryHistory *journal = ferry_cli_context_get_history (g_task_get_source_object (task), &error);

  if (journal == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  model = ferry_cli_connections_model (connections);
  plans = ferry_history_build_put_back (journal, history->time, model, &error);
  if (plans == NULL)
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_FAILED, "%s", error->message);
      return;
    }
  ferry_cli_run_plans (task, connections, plans, &history->run);
}

void
ferry_cli_put_back_run_async (FerryCliContext     *context,
                              int                  argc,
                              char               **argv,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  History *history = g_new0 (History, 1);
  g_autoptr(GArray) options = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  const GOptionEntry before = {
    "before", 0, 0, G_OPTION_ARG_STRING, &history->since,
    N_("Put the VMs back where they were before TIME (2025-06-01T10:00, or ago: 30m, 2h, 3d)"), N_("TIME") };

  task = g_task_new (context, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_cli_put_back_run_async);
  g_task_set_task_data (task, history, history_free);

  g_array_append_val (options, before);
  ferry_cli_run_options_add_entries (&history->run, N_("Show the plans and the checks, move nothing"), options);
  if (!ferry_cli_context_parse (context, _("put-back --before TIME"),
                                _("Moves every VM that moved since TIME back to the host and SRs it had before."),
                                (GOptionEntry *) options->data, &argc, &argv, &error) ||
      !ferry_cli_run_options_check (&history->run, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (argc > 1)
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("put-back takes no arguments"));
      return;
    }
  if (history->since == NULL)
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("put-back needs --before TIME"));
      return;
    }
  if (!(history->time = parse_time ("--before", history->since, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ferry_cli_context_connect_then (context, g_steal_pointer (&task), on_connected_cb);
}
