/* ferry-cli-migrate.c: the commands that move (and plan)
 *
 *   migrate  VM… --to HOST|POOL [--sr SR | --sr-map DISK=SR…] [--network-map VIF=NET…]
 *            [--network NET] [--home HOST] [--compress | --no-compress] [--force] [--dry-run]
 *   move-vm  VM… --to HOST|POOL …   (a halted VM: O4)
 *   move-vdi DISK… --to SR          (O3; a halted VM's disks: O4)
 *   evacuate HOST [--network NET] [--batch N]   (O5)
 *   plan     [migrate|move-vm|move-vdi|evacuate] … [-o FILE] [--xe]
 *
 * One family: the same words become the same move requests (ferry-cli-move.c),
 * the same plans as the wizard's (ferry_plan_new()), checked by the same rules
 * and run by the same queue (ferry-cli-run.c). plan stops after the plan:
 * it writes it for review and for "ferry-cli apply", or as xe commands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-migrate"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cli-commands.h"
#include "ferry-cli-move.h"
#include "ferry-cli-run.h"

typedef struct
{
  FerryCliMoveOptions move;
  FerryCliRunOptions  run;
  gboolean            plan;   /* the plan command */
} Migrate;

static void
migrate_free (gpointer data)
{
  Migrate *migrate = data;

  ferry_cli_move_options_clear (&migrate->move);
  ferry_cli_run_options_clear (&migrate->run);
  g_free (migrate);
}

static void
on_connected_cb (GTask     *task,
                 GPtrArray *connections)
{
  Migrate *migrate = g_task_get_task_data (task);
  g_autoptr(FerryCliMove) move = NULL;
  g_autoptr(GPtrArray) plans = NULL;
  g_autoptr(GError) error = NULL;

  move = ferry_cli_move_resolve (&migrate->move, connections, &error);
  if (move == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  plans = ferry_cli_move_build_plans (move, &migrate->move, connections, &error);
  if (plans == NULL)
    {
      /* Nothing to move (an empty host) is not an error of the words. */
      if (g_error_matches (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_EMPTY))
        g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, "%s", error->message);
      else
        g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND, "%s", error->message);
      return;
    }

  ferry_cli_run_plans (task, connections, plans, &migrate->run);
}

typedef struct
{
  const char       *name;
  FerryCliMoveKind  kind;
  const char       *parameters;
  const char       *summary;
} Form;

static const Form forms[] = {
  { "migrate", FERRY_CLI_MOVE_MIGRATE, N_("VM… --to HOST|POOL"),
    N_("Moves running, halted or suspended VMs to a host or pool: live migration inside a pool (O1), "
       "storage live migration to another pool or SR (O2), halted VMs (O4).") },
  { "move-vm", FERRY_CLI_MOVE_VM, N_("VM… --to HOST|POOL"),
    N_("Moves halted VMs, with their disks, to another host, SR or pool (O4).") },
  { "move-vdi", FERRY_CLI_MOVE_VDI, N_("DISK… --to SR"),
    N_("Moves disks to another SR of their pool while their VMs run (O3).") },
  { "evacuate", FERRY_CLI_MOVE_EVACUATE, N_("HOST"),
    N_("Moves every VM off a host to the other hosts of its pool, in batches (O5, R3), "
       "and leaves the host disabled for maintenance.") },
};

static const Form *
find_form (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    if (g_str_equal (forms[i].name, name))
      return &forms[i];
  return NULL;
}

static void
run_form (FerryCliContext     *context,
          gboolean             plan,
          const Form          *form,
          int                  argc,
          char               **argv,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree GOptionEntry *move_entries = NULL;
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  g_autofree char *parameters = NULL;
  g_autofree char *command = NULL;
  Migrate *migrate = g_new0 (Migrate, 1);
  const GOptionEntry plan_entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &migrate->run.output,
      N_("Write the plan (JSON, for “ferry-cli apply”) to FILE; - for standard output"), N_("FILE") },
    { "xe", 0, 0, G_OPTION_ARG_NONE, &migrate->run.xe,
      N_("Write the equivalent xe commands instead of the plan"), NULL },
  };

  task = g_task_new (context, cancellable, callback, user_data);
  g_task_set_source_tag (task, run_form);
  g_task_set_task_data (task, migrate, migrate_free);
  migrate->plan = plan;
  migrate->move.kind = form->kind;

  move_entries = ferry_cli_move_options_entries (&migrate->move, TRUE);
  for (guint i = 0; move_entries[i].long_name != NULL; i++)
    g_array_append_val (entries, move_entries[i]);
  if (plan)
    g_array_append_vals (entries, plan_entries, G_N_ELEMENTS (plan_entries));
  else
    ferry_cli_run_options_add_entries (&migrate->run, N_("Show the plan and the checks, move nothing"), entries);

  command = plan ? g_strdup_printf ("plan %s", form->name) : g_strdup (form->name);
  parameters = g_strdup_printf ("%s %s", command, _(form->parameters));
  if (!ferry_cli_context_parse (context, parameters, _(form->summary), (GOptionEntry *) entries->data,
                                &argc, &argv, &error) ||
      !ferry_cli_move_options_finish (&migrate->move, command, argc, argv, &error) ||
      !ferry_cli_run_options_check (&migrate->run, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (plan)
    migrate->run.dry_run = TRUE;
  if (g_strcmp0 (migrate->run.output, "-") == 0 && ferry_cli_context_get_json (context))
    {
      /* One JSON document per run: the plan is in its "plans" already. */
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("-o - and --json exclude each other"));
      return;
    }

  ferry_cli_context_connect_then (context, g_steal_pointer (&task), on_connected_cb);
}

void
ferry_cli_migrate_run_async (FerryCliContext     *context,
                             int                  argc,
                             char               **argv,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  const Form *form = find_form (argv[0]);

  g_assert (form != NULL);
  run_form (context, FALSE, form, argc, argv, cancellable, callback, user_data);
}

void
ferry_cli_plan_run_async (FerryCliContext     *context,
                          int                  argc,
                          char               **argv,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  const Form *form = NULL;

  /* "plan evacuate HOST"; without a form, "plan VM… --to …" is a migrate. */
  if (argc >= 2)
    form = find_form (argv[1]);
  if (form != NULL)
    {
      argc--;
      argv++;
    }
  else
    form = find_form ("migrate");
  run_form (context, TRUE, form, argc, argv, cancellable, callback, user_data);
}
