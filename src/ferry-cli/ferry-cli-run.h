/* ferry-cli-run.h: plans through the operation queue, shown as they run
 *
 * Every command that moves something ends here: the plans are checked
 * (the rules on their exact choices), shown, then queued on a FerryQueue
 * with the journal (ferry-history.h), and each job is shown until it ends:
 * progress bars with rate and time left on a terminal, one plain line per
 * event otherwise, one JSON document at the end with --json.
 *
 * Ctrl-C while something moves asks whether to cancel the server tasks or
 * leave them running (then the command ends, and "ferry-cli watch"
 * re-attaches to them from the journal); without a terminal the
 * --on-interrupt choice applies (default: leave). Jobs that had not
 * started are cancelled either way: nothing is half moved or lost.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-cli-context.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_CLI_INTERRUPT_ASK,     /* on a terminal; else LEAVE */
  FERRY_CLI_INTERRUPT_CANCEL,
  FERRY_CLI_INTERRUPT_LEAVE,
} FerryCliInterrupt;

/* The --on-interrupt=ask|cancel|leave option, for every command that runs. */
typedef struct
{
  char              *on_interrupt;
  gboolean           dry_run;
  char              *output;
  gboolean           xe;
  gboolean           skip_blocked;
} FerryCliRunOptions;

void     ferry_cli_run_options_clear (FerryCliRunOptions *options);
/* Appends --dry-run (@dry_run_help, an N_() string), --skip-blocked and
 * --on-interrupt, which fill @options, to @entries (of GOptionEntry). */
void     ferry_cli_run_options_add_entries (FerryCliRunOptions *options,
                                            const char         *dry_run_help,
                                            GArray             *entries);
/* Checks the option values. */
gboolean ferry_cli_run_options_check (FerryCliRunOptions *options,
                                      GError            **error);

/* Checks @plans and, unless @options->dry_run, runs them; completes @task
 * (the command's, source object the context) with the exit status:
 * 0 every move succeeded (or, dry run, every move is allowed), 1 a move is
 * blocked or failed or was cancelled, 130 interrupted. With dry_run,
 * @options->output and @options->xe write the plan (plan, --dry-run). */
void     ferry_cli_run_plans         (GTask              *task,
                                      GPtrArray          *connections,
                                      GPtrArray          *plans,
                                      FerryCliRunOptions *options);

/* watch (@selectors NULL, @cancel FALSE): re-attaches to the moves the
 * journal shows running and shows them to their end.
 * cancel: the same for the moves @selectors name (job ID, VM name or
 * UUID, task ref or plan ID; NULL: every one), each cancelled. */
void     ferry_cli_run_journal       (GTask              *task,
                                      GPtrArray          *connections,
                                      const char * const *selectors,
                                      gboolean            cancel);

/* The plans of a plan file (one plan, or a list of plans). */
GPtrArray *ferry_cli_load_plans      (const char         *path,
                                      GError            **error);

G_END_DECLS
