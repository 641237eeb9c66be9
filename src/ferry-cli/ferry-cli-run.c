/* ferry-cli-run.c
 *
 * Plans checked, shown and run on a FerryQueue (the app's scheduling, R3
 * and R14, retries, the journal), and the jobs shown until they end.
 * Output: a terminal gets one progress bar per job, redrawn in place, with
 * the rate and the time left; anything else gets one plain line per event
 * (a state, a phase, each tenth of the progress); --json gets one document
 * at the end (the run-document of ferry-cli.1).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-run"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ferry-cache.h"
#include "ferry-cli-move.h"
#include "ferry-cli-objects.h"
#include "ferry-cli-output.h"
#include "ferry-cli-run.h"
#include "ferry-error.h"
#include "ferry-pool.h"
#include "ferry-queue.h"

#define REDRAW_INTERVAL_MS 200
#define BAR_WIDTH          20

void
ferry_cli_run_options_clear (FerryCliRunOptions *options)
{
  g_clear_pointer (&options->on_interrupt, g_free);
  g_clear_pointer (&options->output, g_free);
}

static gboolean
parse_interrupt (const char         *text,
                 FerryCliInterrupt  *interrupt,
                 GError            **error)
{
  if (text == NULL || g_str_equal (text, "ask"))
    *interrupt = FERRY_CLI_INTERRUPT_ASK;
  else if (g_str_equal (text, "cancel"))
    *interrupt = FERRY_CLI_INTERRUPT_CANCEL;
  else if (g_str_equal (text, "leave"))
    *interrupt = FERRY_CLI_INTERRUPT_LEAVE;
  else
    {
      g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                   _("--on-interrupt takes ask, cancel or leave, not “%s”"), text);
      return FALSE;
    }
  return TRUE;
}

void
ferry_cli_run_options_add_entries (FerryCliRunOptions *options,
                                   const char         *dry_run_help,
                                   GArray             *entries)
{
  const GOptionEntry run_entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &options->dry_run, dry_run_help, NULL },
    { "skip-blocked", 0, 0, G_OPTION_ARG_NONE, &options->skip_blocked,
      N_("Move what can move and leave the blocked VMs where they are (exit status 1)"), NULL },
    { "on-interrupt", 0, 0, G_OPTION_ARG_STRING, &options->on_interrupt,
      N_("What Ctrl-C does to running moves: ask (on a terminal), cancel, or leave them running "
         "(default without a terminal)"), N_("ask|cancel|leave") },
  };

  g_array_append_vals (entries, run_entries, G_N_ELEMENTS (run_entries));
}

gboolean
ferry_cli_run_options_check (FerryCliRunOptions  *options,
                             GError             **error)
{
  FerryCliInterrupt interrupt;

  return parse_interrupt (options->on_interrupt, &interrupt, error);
}

GPtrArray *
ferry_cli_load_plans (const char  *path,
                      GError     **error)
{
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  gsize length = 0;

  if (g_str_equal (path, "-"))
    {
      g_autoptr(GInputStream) input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();

      if (g_output_stream_splice (output, input, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &local_error) < 0)
        goto failed;
      length = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (output));
      contents = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (output));
    }
  else if (!g_file_get_contents (path, &contents, &length, &local_error))
    goto failed;

  if (!json_parser_load_from_data (parser, contents ? contents : "", length, &local_error))
    goto failed;

  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          FerryPlan *plan = ferry_plan_new_from_json (json_array_get_element (array, i), &local_error);

          if (plan == NULL)
            goto failed;
          g_ptr_array_add (plans, plan);
        }
    }
  else if (root != NULL)
    {
      FerryPlan *plan = ferry_plan_new_from_json (root, &local_error);

      if (plan == NULL)
        goto failed;
      g_ptr_array_add (plans, plan);
    }

  if (plans->len == 0)
    {
      g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("%s holds no plan"), path);
      return NULL;
    }
  return g_steal_pointer (&plans);

failed:
  g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("Could not read the plan %s: %s"),
               path, local_error->message);
  return NULL;
}

/* One job as the run shows it. */
typedef struct
{
  FerryJob      *job;
  FerryJobState  state;
  char          *phase;
  int            decile;       /* the last tenth of progress said (plain lines) */
  gboolean       left_running;
} Shown;

static void
shown_free (gpointer data)
{
  Shown *shown = data;

  g_signal_handlers_disconnect_by_data (shown->job, shown);
  g_object_unref (shown->job);
  g_free (shown->phase);
  g_free (shown);
}

typedef struct
{
  GTask             *task;
  FerryCliContext   *context;
  FerryQueue        *queue;
  GListModel        *connections;
  GPtrArray         *shown;        /* Shown */
  GPtrArray         *plans;        /* FerryPlan, or NULL */
  char             **selectors;
  gboolean           cancel;       /* the cancel command */
  gboolean           watch;        /* watch or cancel: the jobs are not ours */
  FerryCliInterrupt  on_interrupt;
  gboolean           json;
  gboolean           bars;
  gboolean           color;
  guint              redraw_id;
  guint              drawn_lines;
  gboolean           dirty;
  GCancellable      *cancellable;
  gulong             cancelled_id;
  guint              interrupt_id;
  gboolean           interrupted;
  gboolean           asking;
  FerryCliInterrupt  decision;
  guint              stdin_id;
  GString           *answer;
  guint              finish_id;
  GPtrArray         *findings;     /* of the moves left out (--skip-blocked) */
  guint              n_skipped;
  gboolean           done;
} Run;

static void
run_free (Run *run)
{
  g_clear_handle_id (&run->redraw_id, g_source_remove);
  g_clear_handle_id (&run->interrupt_id, g_source_remove);
  g_clear_handle_id (&run->stdin_id, g_source_remove);
  g_clear_handle_id (&run->finish_id, g_source_remove);
  if (run->cancelled_id != 0)
    g_cancellable_disconnect (run->cancellable, run->cancelled_id);
  g_clear_pointer (&run->shown, g_ptr_array_unref);
  g_clear_object (&run->queue);
  g_clear_object (&run->connections);
  g_clear_pointer (&run->plans, g_ptr_array_unref);
  g_clear_pointer (&run->findings, g_ptr_array_unref);
  g_strfreev (run->selectors);
  if (run->answer != NULL)
    g_string_free (run->answer, TRUE);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->context);
  g_clear_object (&run->task);
  g_free (run);
}

static Run *
run_new (GTask     *task,
         GPtrArray *connections)
{
  Run *run = g_new0 (Run, 1);

  run->task = g_object_ref (task);
  run->context = g_object_ref (g_task_get_source_object (task));
  run->connections = ferry_cli_connections_model (connections);
  run->shown = g_ptr_array_new_with_free_func (shown_free);
  run->json = ferry_cli_context_get_json (run->context);
  run->color = ferry_cli_context_get_color (run->context);
  {
    const char *term = g_getenv ("TERM");

    run->bars = !run->json && isatty (STDOUT_FILENO) && term != NULL && !g_str_equal (term, "dumb");
  }
  /* The exit status stands after Ctrl-C too. */
  g_task_set_check_cancellable (task, FALSE);
  if (g_task_get_cancellable (task) != NULL)
    run->cancellable = g_object_ref (g_task_get_cancellable (task));
  return run;
}

/* Texts */

static char *
format_rate (double rate)
{
  g_autofree char *size = NULL;

  if (!(rate > 0))
    return NULL;
  size = g_format_size_full ((guint64) rate, G_FORMAT_SIZE_IEC_UNITS);
  /* Translators: a transfer rate, "1.1 GiB/s" */
  return g_strdup_printf (_("%s/s"), size);
}

static char *
format_eta (double eta)
{
  g_autofree char *duration = NULL;

  if (!(eta >= 0))
    return NULL;
  duration = ferry_format_duration (eta);
  /* Translators: the time left, "12 s left" */
  return g_strdup_printf (_("%s left"), duration);
}

static const char *
state_title (FerryJobState state)
{
  switch (state)
    {
    case FERRY_JOB_QUEUED:     return _("queued");
    case FERRY_JOB_WAITING:    return _("waiting");
    case FERRY_JOB_CHECKING:   return _("checking");
    case FERRY_JOB_RUNNING:    return _("running");
    case FERRY_JOB_CANCELLING: return _("cancelling");
    case FERRY_JOB_SUCCEEDED:  return _("succeeded");
    case FERRY_JOB_FAILED:     return _("failed");
    case FERRY_JOB_CANCELLED:  return _("cancelled");
    default:                   return "?";
    }
}

static FerryCliStyle
state_style (FerryJobState state)
{
  switch (state)
    {
    case FERRY_JOB_SUCCEEDED: return FERRY_CLI_STYLE_GOOD;
    case FERRY_JOB_FAILED:    return FERRY_CLI_STYLE_BAD;
    case FERRY_JOB_CANCELLED:
    case FERRY_JOB_CANCELLING: return FERRY_CLI_STYLE_WARNING;
    default:                  return FERRY_CLI_STYLE_NONE;
    }
}

/* What a final job says: "in 12 s", the failure's reason. */
static char *
dup_outcome (FerryJob *job)
{
  FerryCheck *check = ferry_job_get_check (job);
  const GError *error = ferry_job_get_error (job);

  switch (ferry_job_get_state (job))
    {
    case FERRY_JOB_SUCCEEDED:
      if (ferry_job_get_duration (job) >= 0)
        {
          g_autofree char *duration = ferry_format_duration (ferry_job_get_duration (job));

          /* Translators: "succeeded in 12 s" */
          return g_strdup_printf (_("succeeded in %s"), duration);
        }
      return g_strdup (_("succeeded"));
    case FERRY_JOB_FAILED:
    case FERRY_JOB_CANCELLED:
      if (check != NULL && ferry_check_get_message (check) != NULL)
        return g_strdup_printf ("%s: %s", state_title (ferry_job_get_state (job)), ferry_check_get_message (check));
      if (error != NULL)
        return g_strdup_printf ("%s: %s", state_title (ferry_job_get_state (job)), error->message);
      return g_strdup (state_title (ferry_job_get_state (job)));
    default:
      return g_strdup (state_title (ferry_job_get_state (job)));
    }
}

static guint
terminal_width (void)
{
  struct winsize size;

  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 40)
    return size.ws_col;
  return 80;
}

/* @text cut to @width characters. */
static char *
fit (const char *text,
     guint       width)
{
  if (g_utf8_strlen (text, -1) <= (glong) width)
    return g_strdup (text);
  return g_utf8_substring (text, 0, width > 1 ? width - 1 : 0);
}

static char *
dup_bar_line (Run   *run,
              Shown *shown,
              guint  width)
{
  FerryJob *job = shown->job;
  FerryJobState state = ferry_job_get_state (job);
  double progress = CLAMP (ferry_job_get_progress (job), 0.0, 1.0);
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *name = NULL;
  g_autofree char *tail = NULL;
  g_autofree char *plain = NULL;
  guint filled = (guint) floor (progress * BAR_WIDTH + 0.5);

  name = fit (ferry_job_get_vm_name (job) ? ferry_job_get_vm_name (job) : "?", 16);
  g_string_append_printf (line, "%-16s %-2s [", name, ferry_operation_get_id (ferry_job_get_operation (job)));
  for (guint i = 0; i < BAR_WIDTH; i++)
    g_string_append (line, i < filled ? "#" : "-");
  g_string_append_printf (line, "] %3d%%  ", (int) (progress * 100));

  if (ferry_job_state_is_final (state))
    tail = dup_outcome (job);
  else if (shown->left_running)
    tail = g_strdup (_("left running on the server"));
  else
    {
      g_autofree char *rate = state == FERRY_JOB_RUNNING ? format_rate (ferry_job_get_rate (job)) : NULL;
      g_autofree char *eta = state == FERRY_JOB_RUNNING ? format_eta (ferry_job_get_eta (job)) : NULL;
      const char *phase = ferry_job_get_phase (job);

      tail = g_strdup_printf ("%s%s%s%s%s", rate ? rate : "", rate ? "  " : "", eta ? eta : "", eta ? "  " : "",
                              phase && phase[0] ? phase : state_title (state));
    }
  g_string_append (line, tail);

  plain = fit (line->str, width - 1);
  if (!run->color)
    return g_steal_pointer (&plain);
  return ferry_cli_style_text (plain, state_style (state), TRUE);
}

static void
redraw (Run *run)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint width = terminal_width ();

  if (!run->bars || run->asking)
    return;
  if (run->drawn_lines > 0)
    g_string_append_printf (out, "\r\033[%uA", run->drawn_lines);
  for (guint i = 0; i < run->shown->len; i++)
    {
      g_autofree char *line = dup_bar_line (run, g_ptr_array_index (run->shown, i), width);

      g_string_append_printf (out, "\033[2K%s\n", line);
    }
  run->drawn_lines = run->shown->len;
  run->dirty = FALSE;
  fputs (out->str, stdout);
  fflush (stdout);
}

static gboolean
on_redraw_cb (gpointer user_data)
{
  Run *run = user_data;

  if (run->dirty)
    redraw (run);
  return G_SOURCE_CONTINUE;
}

/* One plain line: "12:00:01 web-01: running: Migrating memory". */
static void
say (Shown      *shown,
     const char *format,
     ...) G_GNUC_PRINTF (2, 3);

static void
say (Shown      *shown,
     const char *format,
     ...)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%H:%M:%S");
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_print ("%s %s: %s\n", time, ferry_job_get_vm_name (shown->job), text);
}

static void maybe_finish (Run *run);

static void
on_job_changed_cb (FerryJob   *job,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  Shown *shown = user_data;
  Run *run = g_object_get_data (G_OBJECT (job), "ferry-cli-run");
  FerryJobState state = ferry_job_get_state (job);
  const char *phase = ferry_job_get_phase (job);

  if (run == NULL || run->done)
    return;

  if (!run->json && !run->bars && !run->asking)
    {
      if (state != shown->state)
        {
          g_autofree char *outcome = dup_outcome (job);

          if (ferry_job_state_is_final (state))
            say (shown, "%s", outcome);
          else if (phase == NULL || phase[0] == '\0' || g_utf8_collate (phase, state_title (state)) == 0 ||
                   g_ascii_strcasecmp (phase, ferry_job_state_to_string (state)) == 0)
            say (shown, "%s", state_title (state));
          else
            say (shown, "%s: %s", state_title (state), phase);
        }
      else if (!ferry_job_state_is_final (state) && g_strcmp0 (phase, shown->phase) != 0 && phase && phase[0])
        say (shown, "%s: %s", state_title (state), phase);
      else if (state == FERRY_JOB_RUNNING && (int) (ferry_job_get_progress (job) * 10) > shown->decile)
        {
          g_autofree char *rate = format_rate (ferry_job_get_rate (job));
          g_autofree char *eta = format_eta (ferry_job_get_eta (job));

          shown->decile = (int) (ferry_job_get_progress (job) * 10);
          say (shown, "%d%%%s%s%s%s", shown->decile * 10, rate ? ", " : "", rate ? rate : "",
               eta ? ", " : "", eta ? eta : "");
        }
    }

  shown->state = state;
  g_free (shown->phase);
  shown->phase = g_strdup (phase);
  run->dirty = TRUE;

  maybe_finish (run);
}

static void
show_job (Run      *run,
          FerryJob *job)
{
  Shown *shown = g_new0 (Shown, 1);

  shown->job = g_object_ref (job);
  shown->state = (FerryJobState) -1;
  g_ptr_array_add (run->shown, shown);
  g_object_set_data (G_OBJECT (job), "ferry-cli-run", run);
  g_signal_connect (job, "notify::state", G_CALLBACK (on_job_changed_cb), shown);
  g_signal_connect (job, "notify::phase", G_CALLBACK (on_job_changed_cb), shown);
  g_signal_connect (job, "notify::progress", G_CALLBACK (on_job_changed_cb), shown);
  g_signal_connect (job, "notify::task-ref", G_CALLBACK (on_job_changed_cb), shown);
}

/* JSON */

static void
add_job (JsonBuilder *builder,
         Shown       *shown)
{
  FerryJob *job = shown->job;
  FerryPlanItem *item = ferry_job_get_item (job);
  FerryCheck *check = ferry_job_get_check (job);
  const GError *error = ferry_job_get_error (job);
  const FerryVmLocation *location = ferry_job_get_location (job);

  json_builder_begin_object (builder);
  ferry_cli_json_add_string (builder, "id", ferry_job_get_id (job));
  ferry_cli_json_add_string (builder, "plan", ferry_plan_get_id (ferry_job_get_plan (job)));
  json_builder_set_member_name (builder, "vm");
  json_builder_begin_object (builder);
  ferry_cli_json_add_string (builder, "uuid", ferry_plan_item_get_vm_uuid (item));
  ferry_cli_json_add_string (builder, "name", ferry_plan_item_get_vm_name (item));
  json_builder_end_object (builder);
  ferry_cli_json_add_operation (builder, "operation", ferry_job_get_operation (job));
  ferry_cli_json_add_string (builder, "state", ferry_job_state_to_string (ferry_job_get_state (job)));
  json_builder_set_member_name (builder, "left_running");
  json_builder_add_boolean_value (builder, shown->left_running);
  ferry_cli_json_add_string (builder, "from", ferry_job_get_from (job));
  ferry_cli_json_add_string (builder, "to", ferry_job_get_to (job));
  ferry_cli_json_add_string (builder, "task", ferry_job_get_task_ref (job));
  json_builder_set_member_name (builder, "progress");
  json_builder_add_double_value (builder, ferry_job_get_progress (job));
  json_builder_set_member_name (builder, "duration");
  if (ferry_job_get_duration (job) >= 0)
    json_builder_add_double_value (builder, ferry_job_get_duration (job));
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "error");
  if (check != NULL || error != NULL)
    {
      json_builder_begin_object (builder);
      ferry_cli_json_add_string (builder, "rule", check ? ferry_check_get_rule_id (check) : NULL);
      ferry_cli_json_add_string (builder, "message", check && ferry_check_get_message (check)
                                                     ? ferry_check_get_message (check)
                                                     : error ? error->message : "");
      ferry_cli_json_add_string (builder, "remedy", check ? ferry_check_get_remedy (check) : NULL);
      ferry_cli_json_add_string (builder, "xapi_error",
                                 check && ferry_check_get_xapi_error (check) ? ferry_check_get_xapi_error (check)
                                 : error ? ferry_xapi_error_get_name (error) : NULL);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "location");
  if (location != NULL)
    {
      json_builder_begin_object (builder);
      ferry_cli_json_add_string (builder, "state", ferry_vm_where_to_string (location->where));
      ferry_cli_json_add_string (builder, "text", location->text);
      ferry_cli_json_add_string (builder, "remedy", location->remedy);
      json_builder_set_member_name (builder, "can_unpause");
      json_builder_add_boolean_value (builder, ferry_job_get_can_unpause (job));
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

/* The end */

static int
exit_status (Run *run)
{
  if (run->interrupted)
    return FERRY_CLI_EXIT_INTERRUPTED;
  if (run->n_skipped > 0)
    return FERRY_CLI_EXIT_BLOCKED;
  for (guint i = 0; i < run->shown->len; i++)
    {
      Shown *shown = g_ptr_array_index (run->shown, i);

      if (ferry_job_get_state (shown->job) != FERRY_JOB_SUCCEEDED && !(run->cancel && !shown->left_running &&
                                                                       ferry_job_get_state (shown->job) == FERRY_JOB_CANCELLED))
        return FERRY_CLI_EXIT_BLOCKED;
    }
  return FERRY_CLI_EXIT_OK;
}

static const char *
status_name (Run *run,
             int  status)
{
  if (status == FERRY_CLI_EXIT_INTERRUPTED)
    return "interrupted";
  if (status == FERRY_CLI_EXIT_OK)
    return "succeeded";
  return "failed";
}

static void
print_summary (Run *run)
{
  guint counts[FERRY_JOB_CANCELLED + 1] = { 0 };
  g_autoptr(GPtrArray) left = g_ptr_array_new ();
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < run->shown->len; i++)
    {
      Shown *shown = g_ptr_array_index (run->shown, i);
      FerryJob *job = shown->job;
      FerryJobState state = ferry_job_get_state (job);
      const FerryVmLocation *location = ferry_job_get_location (job);
      FerryCheck *check = ferry_job_get_check (job);

      if (shown->left_running)
        {
          g_ptr_array_add (left, (gpointer) ferry_job_get_vm_name (job));
          continue;
        }
      counts[state]++;
      if (state != FERRY_JOB_FAILED)
        continue;
      /* Where the VM is and what to do, once more at the end. */
      {
        g_autofree char *outcome = dup_outcome (job);
        g_autofree char *styled = ferry_cli_style_text (outcome, FERRY_CLI_STYLE_BAD, run->color);

        g_print ("%s: %s\n", ferry_job_get_vm_name (job), styled);
        if (location != NULL && location->text != NULL)
          g_print ("  %s\n", location->text);
        if (check != NULL && ferry_check_get_remedy (check) != NULL)
          g_print ("  %s %s\n", _("Remedy:"), ferry_check_get_remedy (check));
        else if (location != NULL && location->remedy != NULL)
          g_print ("  %s %s\n", _("Remedy:"), location->remedy);
      }
    }

  if (run->n_skipped > 0)
    g_print (ngettext ("%u move was left out: it is blocked (see above).\n",
                       "%u moves were left out: they are blocked (see above).\n", run->n_skipped), run->n_skipped);

  if (run->shown->len == 0)
    {
      g_print ("%s\n", run->watch ? (run->cancel ? _("Nothing to cancel.") : _("No move is running."))
                                  : _("Nothing to move."));
      return;
    }

  /* Translators: the end of a run, "3 moves: 2 succeeded, 1 failed, 0 cancelled" */
  g_string_append_printf (line, ngettext ("%u move: %u succeeded, %u failed, %u cancelled",
                                          "%u moves: %u succeeded, %u failed, %u cancelled", run->shown->len),
                          run->shown->len, counts[FERRY_JOB_SUCCEEDED], counts[FERRY_JOB_FAILED],
                          counts[FERRY_JOB_CANCELLED]);
  if (left->len > 0)
    g_string_append_printf (line, ngettext (", %u left running", ", %u left running", left->len), left->len);
  g_print ("%s\n", line->str);

  if (left->len > 0)
    {
      g_autofree char *names = NULL;

      g_ptr_array_add (left, NULL);
      names = g_strjoinv (", ", (char **) left->pdata);
      g_print (_("Left running on the servers: %s.\n"
                 "“ferry-cli watch” follows them to their end; “ferry-cli cancel VM” stops one.\n"), names);
    }
}

static void
finish (Run *run)
{
  g_autoptr(GTask) task = NULL;
  int status;

  if (run->done)
    return;
  run->done = TRUE;

  g_clear_handle_id (&run->redraw_id, g_source_remove);
  g_clear_handle_id (&run->stdin_id, g_source_remove);
  if (run->asking)
    {
      g_printerr ("\n");
      run->asking = FALSE;
    }
  if (run->bars)
    redraw (run);

  status = exit_status (run);

  if (run->json)
    {
      g_autoptr(JsonBuilder) builder = ferry_cli_json_begin (ferry_cli_context_get_command (run->context));
      g_autoptr(GPtrArray) plan_ids = g_ptr_array_new ();

      for (guint i = 0; i < run->shown->len; i++)
        {
          FerryPlan *plan = ferry_job_get_plan (((Shown *) g_ptr_array_index (run->shown, i))->job);

          if (!g_ptr_array_find_with_equal_func (plan_ids, ferry_plan_get_id (plan), g_str_equal, NULL))
            g_ptr_array_add (plan_ids, (gpointer) ferry_plan_get_id (plan));
        }
      g_ptr_array_add (plan_ids, NULL);

      ferry_cli_json_add_string (builder, "status", status_name (run, status));
      ferry_cli_json_add_string (builder, "interrupted",
                                 !run->interrupted ? NULL
                                 : run->decision == FERRY_CLI_INTERRUPT_CANCEL ? "cancel" : "leave");
      ferry_cli_json_add_strv (builder, "plans", (const char * const *) plan_ids->pdata);
      json_builder_set_member_name (builder, "jobs");
      json_builder_begin_array (builder);
      for (guint i = 0; i < run->shown->len; i++)
        add_job (builder, g_ptr_array_index (run->shown, i));
      json_builder_end_array (builder);
      ferry_cli_json_add_findings (builder, run->findings);
      ferry_cli_json_print (builder);
    }
  else
    print_summary (run);

  task = g_steal_pointer (&run->task);
  run_free (run);
  g_task_return_int (task, status);
}

static gboolean
is_settled (Run   *run,
            Shown *shown)
{
  FerryJobState state = ferry_job_get_state (shown->job);

  if (ferry_job_state_is_final (state))
    return TRUE;
  /* Left running: once its task is known (and journalled). */
  return shown->left_running && ferry_job_get_task_ref (shown->job) != NULL;
}

static gboolean
on_finish_idle_cb (gpointer user_data)
{
  Run *run = user_data;

  run->finish_id = 0;
  finish (run);
  return G_SOURCE_REMOVE;
}

static void
maybe_finish (Run *run)
{
  if (run->done || run->finish_id != 0)
    return;
  for (guint i = 0; i < run->shown->len; i++)
    if (!is_settled (run, g_ptr_array_index (run->shown, i)))
      return;
  /* Not from inside a job's notification. */
  run->finish_id = g_idle_add (on_finish_idle_cb, run);
}

static void
start_showing (Run *run)
{
  if (run->bars)
    {
      redraw (run);
      run->redraw_id = g_timeout_add (REDRAW_INTERVAL_MS, on_redraw_cb, run);
    }
  else
    for (guint i = 0; i < run->shown->len; i++)
      on_job_changed_cb (((Shown *) g_ptr_array_index (run->shown, i))->job, NULL,
                         g_ptr_array_index (run->shown, i));
  maybe_finish (run);
}

/* Ctrl-C */

static guint
count_active (Run *run)
{
  guint n = 0;

  for (guint i = 0; i < run->shown->len; i++)
    {
      FerryJobState state = ferry_job_get_state (((Shown *) g_ptr_array_index (run->shown, i))->job);

      if (state == FERRY_JOB_CHECKING || state == FERRY_JOB_RUNNING || state == FERRY_JOB_CANCELLING)
        n++;
    }
  return n;
}

static void
decide (Run               *run,
        FerryCliInterrupt  decision)
{
  run->decision = decision;
  run->asking = FALSE;
  run->drawn_lines = 0;
  g_clear_handle_id (&run->stdin_id, g_source_remove);

  for (guint i = 0; i < run->shown->len; i++)
    {
      Shown *shown = g_ptr_array_index (run->shown, i);
      FerryJobState state = ferry_job_get_state (shown->job);

      if (ferry_job_state_is_final (state))
        continue;
      /* What has not started is cancelled either way: nothing moved yet. */
      if (decision == FERRY_CLI_INTERRUPT_CANCEL || state == FERRY_JOB_QUEUED ||
          state == FERRY_JOB_WAITING || state == FERRY_JOB_CHECKING)
        {
          if (!run->watch || run->cancel)
            ferry_job_cancel (shown->job);
          else
            shown->left_running = TRUE;
        }
      else
        shown->left_running = TRUE;
    }

  if (!run->json)
    {
      if (decision == FERRY_CLI_INTERRUPT_CANCEL)
        g_printerr ("%s\n", _("Cancelling the moves on the servers…"));
      else if (!run->watch)
        g_printerr ("%s\n", _("Leaving the running moves to the servers…"));
    }
  run->dirty = TRUE;
  maybe_finish (run);
}

static gboolean
on_stdin_cb (int          fd,
             GIOCondition condition,
             gpointer     user_data)
{
  Run *run = user_data;
  char buffer[256];
  ssize_t n = read (fd, buffer, sizeof buffer);
  char *newline;

  if (n < 0 && errno == EINTR)
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      /* End of input: the default. */
      run->stdin_id = 0;
      g_printerr ("\n");
      decide (run, FERRY_CLI_INTERRUPT_LEAVE);
      return G_SOURCE_REMOVE;
    }
  g_string_append_len (run->answer, buffer, n);
  newline = strchr (run->answer->str, '\n');
  if (newline == NULL)
    return G_SOURCE_CONTINUE;
  *newline = '\0';
  g_strstrip (run->answer->str);

  /* Translators: keep the English answers working too */
  if (g_ascii_strcasecmp (run->answer->str, "c") == 0 || g_ascii_strcasecmp (run->answer->str, "cancel") == 0 ||
      g_utf8_collate (run->answer->str, C_("answer", "cancel")) == 0)
    {
      run->stdin_id = 0;
      decide (run, FERRY_CLI_INTERRUPT_CANCEL);
      return G_SOURCE_REMOVE;
    }
  if (g_ascii_strcasecmp (run->answer->str, "l") == 0 || g_ascii_strcasecmp (run->answer->str, "leave") == 0 ||
      g_utf8_collate (run->answer->str, C_("answer", "leave")) == 0)
    {
      run->stdin_id = 0;
      decide (run, FERRY_CLI_INTERRUPT_LEAVE);
      return G_SOURCE_REMOVE;
    }
  g_string_truncate (run->answer, 0);
  g_printerr ("%s", _("Please answer c (cancel) or l (leave): "));
  return G_SOURCE_CONTINUE;
}

static gboolean
on_interrupt_idle_cb (gpointer user_data)
{
  Run *run = user_data;
  guint active;

  run->interrupt_id = 0;
  if (run->done)
    return G_SOURCE_REMOVE;
  run->interrupted = TRUE;
  active = count_active (run);

  /* watch and cancel do not own the moves: they stop watching. */
  if (run->watch)
    {
      decide (run, FERRY_CLI_INTERRUPT_LEAVE);
      return G_SOURCE_REMOVE;
    }
  if (active == 0)
    {
      decide (run, FERRY_CLI_INTERRUPT_CANCEL);
      return G_SOURCE_REMOVE;
    }
  if (run->on_interrupt == FERRY_CLI_INTERRUPT_ASK && !ferry_cli_context_get_interactive (run->context))
    run->on_interrupt = FERRY_CLI_INTERRUPT_LEAVE;
  if (run->on_interrupt != FERRY_CLI_INTERRUPT_ASK)
    {
      decide (run, run->on_interrupt);
      return G_SOURCE_REMOVE;
    }

  if (run->bars)
    redraw (run);
  run->asking = TRUE;
  run->answer = run->answer ? run->answer : g_string_new (NULL);
  g_string_truncate (run->answer, 0);
  g_printerr (ngettext ("\nInterrupted while %u move runs on the servers.\n",
                        "\nInterrupted while %u moves run on the servers.\n", active), active);
  g_printerr ("  c  %s\n", _("cancel them there (each VM stays where it was)"));
  g_printerr ("  l  %s\n", _("leave them running and quit (“ferry-cli watch” follows them)"));
  g_printerr ("%s", _("Cancel or leave? [c/l] "));
  run->stdin_id = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin_cb, run);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  Run *run = user_data;

  /* Not from inside g_cancellable_cancel(). */
  if (run->interrupt_id == 0 && !run->interrupted)
    run->interrupt_id = g_idle_add (on_interrupt_idle_cb, run);
}

static void
watch_interrupts (Run *run)
{
  if (run->cancellable != NULL)
    run->cancelled_id = g_cancellable_connect (run->cancellable, G_CALLBACK (on_cancelled_cb), run, NULL);
}

/* Running plans */

/* The plan file's JSON, and for each item what going through this
 * computer means (relay_text, translated; null when it does not). */
static void
add_plan_json (JsonBuilder *builder,
               FerryPlan   *plan)
{
  g_autoptr(JsonNode) node = ferry_plan_to_json (plan);
  JsonObject *object = json_node_get_object (node);
  JsonArray *items = json_object_has_member (object, "items") ? json_object_get_array_member (object, "items") : NULL;

  for (guint i = 0; items != NULL && i < json_array_get_length (items) && i < ferry_plan_get_n_items (plan); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *text = ferry_plan_item_get_relay_text (ferry_plan_get_item (plan, i));

      if (text != NULL)
        json_object_set_string_member (item, "relay_text", text);
      else
        json_object_set_null_member (item, "relay_text");
    }
  json_builder_add_value (builder, g_steal_pointer (&node));
}

static char *
dup_plans_data (GPtrArray *plans)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (plans->len == 1)
    return ferry_plan_to_data (g_ptr_array_index (plans, 0));

  root = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (root, json_array_new ());
  for (guint i = 0; i < plans->len; i++)
    json_array_add_element (json_node_get_array (root), ferry_plan_to_json (g_ptr_array_index (plans, i)));
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

static char *
dup_xe (GPtrArray *plans)
{
  g_autoptr(GString) script = g_string_new (NULL);

  for (guint i = 0; i < plans->len; i++)
    {
      g_autofree char *text = ferry_plan_to_xe (g_ptr_array_index (plans, i));

      /* One shebang is enough. */
      if (i > 0 && g_str_has_prefix (text, "#!"))
        {
          const char *rest = strchr (text, '\n');

          g_string_append (script, rest ? rest + 1 : "");
        }
      else
        g_string_append (script, text);
    }
  return g_string_free (g_steal_pointer (&script), FALSE);
}

/* plan, and --dry-run: the plans, the findings, the verdict. */
static void
print_plans (GTask              *task,
             GPtrArray          *plans,
             GPtrArray          *findings,
             gboolean            blocked,
             FerryCliRunOptions *options)
{
  FerryCliContext *context = g_task_get_source_object (task);
  gboolean color = ferry_cli_context_get_color (context);
  g_autofree char *xe = options->xe ? dup_xe (plans) : NULL;
  g_autoptr(GError) error = NULL;

  if (options->output != NULL)
    {
      g_autofree char *data = xe ? g_strdup (xe) : dup_plans_data (plans);
      g_autofree char *text = g_str_has_suffix (data, "\n") ? g_strdup (data) : g_strconcat (data, "\n", NULL);

      if (g_str_equal (options->output, "-"))
        {
          fputs (text, stdout);
          fflush (stdout);
        }
      else if (!g_file_set_contents (options->output, text, -1, &error))
        {
          g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_FAILED,
                                   _("Could not write %s: %s"), options->output, error->message);
          return;
        }
    }

  if (ferry_cli_context_get_json (context))
    {
      g_autoptr(JsonBuilder) builder = ferry_cli_json_begin (ferry_cli_context_get_command (context));

      json_builder_set_member_name (builder, "allowed");
      json_builder_add_boolean_value (builder, !blocked);
      json_builder_set_member_name (builder, "plans");
      json_builder_begin_array (builder);
      for (guint i = 0; i < plans->len; i++)
        add_plan_json (builder, g_ptr_array_index (plans, i));
      json_builder_end_array (builder);
      ferry_cli_json_add_findings (builder, findings);
      ferry_cli_json_add_string (builder, "output", options->output);
      ferry_cli_json_add_string (builder, "xe", xe);
      ferry_cli_json_print (builder);
    }
  else if (xe != NULL && options->output == NULL)
    {
      /* The script alone on standard output, for a pipe. */
      fputs (xe, stdout);
      fflush (stdout);
      for (guint i = 0; i < findings->len; i++)
        if (ferry_check_get_severity (g_ptr_array_index (findings, i)) >= FERRY_CHECK_SEVERITY_BLOCKER)
          g_printerr ("ferry-cli: %s: %s\n", ferry_check_get_rule_id (g_ptr_array_index (findings, i)),
                      ferry_check_get_message (g_ptr_array_index (findings, i)));
    }
  else if (options->output == NULL || !g_str_equal (options->output, "-"))
    {
      g_autofree char *verdict = NULL;
      g_autofree char *styled = NULL;

      ferry_cli_print_plans (plans, color);
      if (findings->len > 0)
        {
          g_print ("\n");
          ferry_cli_print_findings (findings, color);
        }
      verdict = g_strdup_printf (_("Verdict: %s"), blocked ? _("blocked") : _("allowed"));
      styled = ferry_cli_style_text (verdict, blocked ? FERRY_CLI_STYLE_BAD : FERRY_CLI_STYLE_GOOD, color);
      g_print ("\n%s\n", styled);
      if (options->output != NULL)
        g_print (options->xe ? _("The xe commands are in %s.\n") : _("The plan is in %s; run it with “ferry-cli apply %s”.\n"),
                 options->output, options->output);
    }

  g_task_return_int (task, blocked ? FERRY_CLI_EXIT_BLOCKED : FERRY_CLI_EXIT_OK);
}

/* A run refused before it starts: the findings that block it. */
static void
print_blocked (GTask     *task,
               GPtrArray *plans,
               GPtrArray *findings)
{
  FerryCliContext *context = g_task_get_source_object (task);
  gboolean color = ferry_cli_context_get_color (context);

  if (ferry_cli_context_get_json (context))
    {
      g_autoptr(JsonBuilder) builder = ferry_cli_json_begin (ferry_cli_context_get_command (context));
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();

      for (guint i = 0; i < plans->len; i++)
        g_ptr_array_add (ids, (gpointer) ferry_plan_get_id (g_ptr_array_index (plans, i)));
      g_ptr_array_add (ids, NULL);
      ferry_cli_json_add_string (builder, "status", "blocked");
      ferry_cli_json_add_string (builder, "interrupted", NULL);
      ferry_cli_json_add_strv (builder, "plans", (const char * const *) ids->pdata);
      json_builder_set_member_name (builder, "jobs");
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
      ferry_cli_json_add_findings (builder, findings);
      ferry_cli_json_print (builder);
    }
  else
    {
      g_autofree char *styled = ferry_cli_style_text (_("Nothing was moved: a move is blocked."),
                                                      FERRY_CLI_STYLE_BAD, color);

      ferry_cli_print_plans (plans, color);
      g_print ("\n");
      ferry_cli_print_findings (findings, color);
      g_print ("\n%s\n", styled);
    }
  g_task_return_int (task, FERRY_CLI_EXIT_BLOCKED);
}

static FerryEstimator *
new_estimator (FerryCliContext *context)
{
  FerryEstimator *estimator = ferry_estimator_new ();
  FerryHistory *history = ferry_cli_context_get_history (context, NULL);

  if (history != NULL)
    ferry_history_teach (history, estimator);
  return estimator;
}

/* --skip-blocked: the plans without their blocked items (NULL when a
 * blocker concerns no VM in particular); @n_skipped: the items left out. */
static GPtrArray *
filter_blocked (GPtrArray *plans,
                GPtrArray *findings,
                guint     *n_skipped)
{
  g_autoptr(GPtrArray) filtered = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) blocked = g_hash_table_new (g_str_hash, g_str_equal);

  *n_skipped = 0;
  for (guint i = 0; i < findings->len; i++)
    {
      FerryCheck *finding = g_ptr_array_index (findings, i);
      FerryObject *vm = ferry_check_find_object (finding, FERRY_TYPE_VM);

      if (ferry_check_get_severity (finding) < FERRY_CHECK_SEVERITY_BLOCKER)
        continue;
      if (vm == NULL)
        return NULL;
      g_hash_table_add (blocked, (gpointer) ferry_object_get_uuid (vm));
    }

  for (guint p = 0; p < plans->len; p++)
    {
      FerryPlan *plan = g_ptr_array_index (plans, p);
      g_autoptr(JsonNode) node = ferry_plan_to_json (plan);
      JsonArray *items = json_object_get_array_member (json_node_get_object (node), "items");
      g_autoptr(JsonArray) kept = json_array_new ();
      FerryPlan *copy;

      for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
        {
          FerryPlanItem *item = ferry_plan_get_item (plan, i);

          if (ferry_plan_item_get_blocker (item) != NULL ||
              g_hash_table_contains (blocked, ferry_plan_item_get_vm_uuid (item)))
            (*n_skipped)++;
          else
            json_array_add_element (kept, json_node_copy (json_array_get_element (items, i)));
        }
      if (json_array_get_length (kept) == 0)
        continue;
      json_object_set_array_member (json_node_get_object (node), "items", g_steal_pointer (&kept));
      copy = ferry_plan_new_from_json (node, NULL);
      if (copy == NULL)
        return NULL;
      g_ptr_array_add (filtered, copy);
    }
  return g_steal_pointer (&filtered);
}

void
ferry_cli_run_plans (GTask              *task,
                     GPtrArray          *connections,
                     GPtrArray          *plans,
                     FerryCliRunOptions *options)
{
  FerryCliContext *context = g_task_get_source_object (task);
  g_autoptr(GListModel) model = ferry_cli_connections_model (connections);
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(FerryEstimator) estimator = NULL;
  g_autoptr(GError) error = NULL;
  FerryHistory *history;
  g_autoptr(GPtrArray) owned_plans = NULL;
  g_autoptr(GPtrArray) kept_findings = NULL;
  gboolean blocked = FALSE;
  guint n_skipped = 0;
  Run *run;

  /* The rules again, on the plan's exact choices: the objects may have
   * changed since a plan file was written. */
  for (guint i = 0; i < plans->len; i++)
    {
      g_autoptr(GPtrArray) found = NULL;
      gboolean plan_blocked = FALSE;

      found = ferry_cli_plan_check (g_ptr_array_index (plans, i), model, &plan_blocked, &error);
      if (found == NULL)
        {
          g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND, "%s", error->message);
          return;
        }
      blocked |= plan_blocked;
      g_ptr_array_extend_and_steal (findings, g_steal_pointer (&found));
    }

  estimator = new_estimator (context);
  for (guint i = 0; i < plans->len; i++)
    {
      FerryEstimate *batch = ferry_estimator_estimate_plan (estimator, g_ptr_array_index (plans, i),
                                                            FERRY_QUEUE_DEFAULT_POOL_LIMIT);

      ferry_estimate_free (batch);
    }

  if (options->dry_run)
    {
      print_plans (task, plans, findings, blocked, options);
      return;
    }

  if (blocked && options->skip_blocked)
    {
      g_autoptr(GPtrArray) runnable = filter_blocked (plans, findings, &n_skipped);

      if (runnable == NULL || runnable->len == 0)
        {
          print_blocked (task, plans, findings);
          return;
        }
      if (!ferry_cli_context_get_json (context))
        {
          ferry_cli_print_findings (findings, ferry_cli_context_get_color (context));
          g_print ("\n");
        }
      kept_findings = g_ptr_array_ref (findings);
      plans = runnable;
      g_ptr_array_ref (plans);
      owned_plans = plans;
    }
  else if (blocked)
    {
      print_blocked (task, plans, findings);
      return;
    }

  history = ferry_cli_context_get_history (context, &error);
  if (history == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  run = run_new (task, connections);
  parse_interrupt (options->on_interrupt, &run->on_interrupt, NULL);
  run->plans = g_ptr_array_ref (plans);
  run->n_skipped = n_skipped;
  run->findings = g_steal_pointer (&kept_findings);
  run->queue = ferry_queue_new (run->connections, history, estimator);

  if (!run->json)
    {
      ferry_cli_print_plans (plans, run->color);
      g_print ("\n");
    }

  for (guint i = 0; i < plans->len; i++)
    {
      g_autoptr(GPtrArray) jobs = ferry_queue_add_plan (run->queue, g_ptr_array_index (plans, i));

      for (guint j = 0; j < jobs->len; j++)
        show_job (run, g_ptr_array_index (jobs, j));
    }

  watch_interrupts (run);
  start_showing (run);
}

/* watch and cancel */

static gboolean
matches (FerryJob           *job,
         const char * const *selectors)
{
  FerryPlanItem *item = ferry_job_get_item (job);

  for (guint i = 0; selectors[i] != NULL; i++)
    {
      const char *s = selectors[i];

      if (g_str_equal (s, ferry_job_get_id (job)) ||
          g_strcmp0 (s, ferry_job_get_vm_name (job)) == 0 ||
          g_strcmp0 (s, ferry_plan_item_get_vm_uuid (item)) == 0 ||
          g_strcmp0 (s, ferry_job_get_task_ref (job)) == 0 ||
          g_str_equal (s, ferry_plan_get_id (ferry_job_get_plan (job))))
        return TRUE;
    }
  return FALSE;
}

static void
on_recovered_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  FerryQueue *queue = FERRY_QUEUE (object);
  FerryHistory *history = ferry_queue_get_history (queue);
  g_autoptr(GError) error = NULL;

  ferry_queue_recover_finish (queue, result, &error);
  if (error != NULL)
    {
      g_autoptr(GTask) task = g_object_ref (run->task);

      run->done = TRUE;
      run_free (run);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    {
      g_autoptr(FerryJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);
      FerryHistoryEntry *entry = ferry_history_lookup (history, ferry_job_get_id (job));
      gboolean started = entry != NULL && ferry_history_entry_was_started (entry);

      if (run->cancel ? (run->selectors == NULL || matches (job, (const char * const *) run->selectors))
                      : started)
        show_job (run, job);
    }

  if (run->cancel && run->selectors != NULL && run->shown->len == 0)
    {
      g_autoptr(GTask) task = g_object_ref (run->task);
      g_autofree char *names = g_strjoinv (", ", run->selectors);

      run->done = TRUE;
      run_free (run);
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                               _("No unfinished move in the journal is %s"), names);
      return;
    }

  if (run->cancel)
    for (guint i = 0; i < run->shown->len; i++)
      ferry_job_cancel (((Shown *) g_ptr_array_index (run->shown, i))->job);

  watch_interrupts (run);
  start_showing (run);
}

void
ferry_cli_run_journal (GTask              *task,
                       GPtrArray          *connections,
                       const char * const *selectors,
                       gboolean            cancel)
{
  FerryCliContext *context = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) open = NULL;
  FerryHistory *history;
  Run *run;

  history = ferry_cli_context_get_history (context, &error);
  if (history == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A move whose pool is not connected would be journalled as failed:
   * refuse instead. */
  open = ferry_history_dup_open (history);
  for (guint i = 0; i < open->len; i++)
    {
      FerryHistoryEntry *entry = g_ptr_array_index (open, i);
      g_autoptr(FerryPlan) plan = NULL;
      gboolean found = FALSE;

      if (!ferry_history_entry_was_started (entry) || ferry_history_entry_get_plan_id (entry) == NULL ||
          !(plan = ferry_history_dup_plan (history, ferry_history_entry_get_plan_id (entry))))
        continue;
      for (guint c = 0; c < connections->len && !found; c++)
        {
          FerryCache *cache = ferry_connection_get_cache (g_ptr_array_index (connections, c));
          FerryPool *pool = cache ? ferry_cache_get_pool (cache) : NULL;

          found = pool != NULL && g_strcmp0 (ferry_object_get_uuid (FERRY_OBJECT (pool)),
                                             ferry_plan_get_source_pool_uuid (plan)) == 0;
        }
      if (!found)
        {
          g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                                   _("The move of %s runs in %s (%s), which is not connected: add --server %s"),
                                   ferry_history_entry_get_vm_name (entry), ferry_plan_get_source_pool_name (plan),
                                   ferry_plan_get_source_address (plan), ferry_plan_get_source_address (plan));
          return;
        }
    }

  run = run_new (task, connections);
  run->watch = TRUE;
  run->cancel = cancel;
  run->selectors = selectors ? g_strdupv ((char **) selectors) : NULL;
  run->queue = ferry_queue_new (run->connections, history, NULL);
  ferry_history_teach (history, ferry_queue_get_estimator (run->queue));
  /* Only what had started is followed: nothing new starts here. */
  ferry_queue_set_paused (run->queue, TRUE);
  ferry_queue_recover_async (run->queue, NULL, on_recovered_cb, run);
}
