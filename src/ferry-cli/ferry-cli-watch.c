/* ferry-cli-watch.c: ferry-cli watch, and ferry-cli cancel JOB|VM… | --all
 *
 * The moves the journal shows running (started by the app, or by a
 * ferry-cli that was left with Ctrl-C) are re-attached to by their server
 * task (ferry_queue_recover_async()) and shown to their end, which is
 * journalled. Nothing new starts here: the queue stays paused. cancel
 * does the same for the moves it names and cancels each (task.cancel; a
 * move that had not started ends at once).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-watch"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cli-commands.h"
#include "ferry-cli-run.h"

typedef struct
{
  gboolean   cancel;
  gboolean   all;
  char     **selectors;
} Watch;

static void
watch_free (gpointer data)
{
  Watch *watch = data;

  g_strfreev (watch->selectors);
  g_free (watch);
}

static void
on_connected_cb (GTask     *task,
                 GPtrArray *connections)
{
  Watch *watch = g_task_get_task_data (task);

  ferry_cli_run_journal (task, connections, (const char * const *) watch->selectors, watch->cancel);
}

static void
run (FerryCliContext     *context,
     gboolean             cancel,
     int                  argc,
     char               **argv,
     GCancellable        *cancellable,
     GAsyncReadyCallback  callback,
     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Watch *watch = g_new0 (Watch, 1);
  const GOptionEntry cancel_entries[] = {
    { "all", 'a', 0, G_OPTION_ARG_NONE, &watch->all, N_("Cancel every unfinished move"), NULL },
    { NULL }
  };

  task = g_task_new (context, cancellable, callback, user_data);
  g_task_set_source_tag (task, run);
  g_task_set_task_data (task, watch, watch_free);
  watch->cancel = cancel;

  if (cancel)
    {
      if (!ferry_cli_context_parse (context, _("cancel JOB|VM|TASK|PLAN… | --all"),
                                    _("Cancels unfinished moves of the journal on their servers."),
                                    cancel_entries, &argc, &argv, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if ((argc < 2) == !watch->all)
        {
          g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                                   _("cancel needs the moves to cancel (job ID, VM, task or plan ID), or --all"));
          return;
        }
      if (!watch->all)
        watch->selectors = g_strdupv (argv + 1);
    }
  else
    {
      if (!ferry_cli_context_parse (context, "watch",
                                    _("Shows the moves that run on the servers until they end."),
                                    NULL, &argc, &argv, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (argc > 1)
        {
          g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("watch takes no arguments"));
          return;
        }
    }

  ferry_cli_context_connect_then (context, g_steal_pointer (&task), on_connected_cb);
}

void
ferry_cli_watch_run_async (FerryCliContext     *context,
                           int                  argc,
                           char               **argv,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  run (context, FALSE, argc, argv, cancellable, callback, user_data);
}

void
ferry_cli_cancel_run_async (FerryCliContext     *context,
                            int                  argc,
                            char               **argv,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  run (context, TRUE, argc, argv, cancellable, callback, user_data);
}
