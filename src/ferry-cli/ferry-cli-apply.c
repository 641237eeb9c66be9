/* ferry-cli-apply.c: ferry-cli apply PLAN.json [--dry-run]
 *
 * Replays a plan written by "ferry-cli plan" (or saved from the app): it
 * connects to the pools the plan names (unless --server or --demo says
 * which), checks the plan's exact choices against the rules again, and
 * runs it on the queue as migrate would. Objects are found by UUID when
 * each job starts (ferry-plan.h), so the moves are the plan's, not a new
 * plan's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-apply"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cli-commands.h"
#include "ferry-cli-run.h"

typedef struct
{
  FerryCliRunOptions  run;
  GPtrArray          *plans;
} Apply;

static void
apply_free (gpointer data)
{
  Apply *apply = data;

  ferry_cli_run_options_clear (&apply->run);
  g_clear_pointer (&apply->plans, g_ptr_array_unref);
  g_free (apply);
}

static void
on_connected_cb (GTask     *task,
                 GPtrArray *connections)
{
  Apply *apply = g_task_get_task_data (task);

  ferry_cli_run_plans (task, connections, apply->plans, &apply->run);
}

static void
add_address (FerryCliContext *context,
             const char      *address)
{
  const char * const *servers = ferry_cli_context_get_servers (context);

  if (address == NULL || address[0] == '\0' || g_strv_contains (servers, address))
    return;
  ferry_cli_context_add_server (context, address);
}

void
ferry_cli_apply_run_async (FerryCliContext     *context,
                           int                  argc,
                           char               **argv,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Apply *apply = g_new0 (Apply, 1);
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));

  task = g_task_new (context, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_cli_apply_run_async);
  g_task_set_task_data (task, apply, apply_free);

  ferry_cli_run_options_add_entries (&apply->run, N_("Check the plan again and show it, move nothing"), entries);
  if (!ferry_cli_context_parse (context, _("apply PLAN.json"),
                                _("Runs a plan written by “ferry-cli plan” (- reads it from standard input)."),
                                (GOptionEntry *) entries->data, &argc, &argv, &error) ||
      !ferry_cli_run_options_check (&apply->run, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (argc != 2)
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                               _("apply takes one plan file"));
      return;
    }

  apply->plans = ferry_cli_load_plans (argv[1], &error);
  if (apply->plans == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The pools the plan names, unless the options say which. */
  if (!ferry_cli_context_get_demo (context) && ferry_cli_context_get_servers (context)[0] == NULL)
    for (guint i = 0; i < apply->plans->len; i++)
      {
        FerryPlan *plan = g_ptr_array_index (apply->plans, i);

        add_address (context, ferry_plan_get_source_address (plan));
        add_address (context, ferry_plan_get_destination_address (plan));
      }

  ferry_cli_context_connect_then (context, g_steal_pointer (&task), on_connected_cb);
}
