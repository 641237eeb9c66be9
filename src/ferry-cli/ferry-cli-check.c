/* ferry-cli-check.c: ferry-cli check VM… --to HOST|POOL [--sr SR | --sr-map DISK=SR…] [--network NET]
 *
 * The wizard's checks from the command line: the same move request, the
 * same rules (ferry_rules_check(), R1–R35 and xapi's own), read from the
 * caches without changing anything. Prints one verdict per VM and every
 * finding with its rule ID, reason and remedy. Exit status 0 when every VM
 * can move (warnings and notes allowed), 1 when one is blocked, 2 when the
 * question itself is wrong (no such VM, host or SR) or a server is not
 * reachable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-check"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ferry-check.h"
#include "ferry-cli-commands.h"
#include "ferry-cli-move.h"
#include "ferry-cli-objects.h"
#include "ferry-cli-output.h"
#include "ferry-feasibility.h"
#include "ferry-host.h"
#include "ferry-move-request.h"
#include "ferry-network.h"
#include "ferry-pool.h"
#include "ferry-relay.h"
#include "ferry-rules.h"
#include "ferry-sr.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

/* One VM's answer. */
typedef struct
{
  FerryVm            *vm;
  FerryOperation      operation;
  FerryHost          *host;       /* where it would run, or NULL */
  FerryCheckSeverity  verdict;
  gboolean            relay;      /* through this computer (--relay always) */
  gboolean            may_relay;  /* …should the pools not reach each other (auto) */
} Verdict;

static void
check_free (gpointer data)
{
  FerryCliMoveOptions *options = data;

  ferry_cli_move_options_clear (options);
  g_free (options);
}

static const char *
verdict_name (FerryCheckSeverity worst)
{
  if (worst >= FERRY_CHECK_SEVERITY_BLOCKER)
    return "blocked";
  if (worst == FERRY_CHECK_SEVERITY_WARNING)
    return "warning";
  return "allowed";
}

static const char *
verdict_title (FerryCheckSeverity worst)
{
  if (worst >= FERRY_CHECK_SEVERITY_BLOCKER)
    return _("blocked");
  if (worst == FERRY_CHECK_SEVERITY_WARNING)
    return _("allowed, with warnings");
  return _("allowed");
}

static FerryCliStyle
verdict_style (FerryCheckSeverity worst)
{
  if (worst >= FERRY_CHECK_SEVERITY_BLOCKER)
    return FERRY_CLI_STYLE_BAD;
  if (worst == FERRY_CHECK_SEVERITY_WARNING)
    return FERRY_CLI_STYLE_WARNING;
  return FERRY_CLI_STYLE_GOOD;
}

static void
print_text (FerryCliContext *context,
            FerryObject     *destination,
            GArray          *verdicts,
            GPtrArray       *findings,
            FerryCheckSeverity worst)
{
  gboolean color = ferry_cli_context_get_color (context);
  g_autoptr(FerryCliTable) table = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *styled = NULL;

  table = ferry_cli_table_new (_("VM"), _("TO"), _("HOST"), _("OPERATION"), _("VERDICT"), NULL);
  for (guint i = 0; i < verdicts->len; i++)
    {
      Verdict *verdict = &g_array_index (verdicts, Verdict, i);
      const char *id = ferry_operation_get_id (verdict->operation);

      ferry_cli_table_begin_row (table);
      ferry_cli_table_add (table, ferry_cli_object_get_name (FERRY_OBJECT (verdict->vm)), FERRY_CLI_STYLE_NONE);
      ferry_cli_table_add (table, destination ? ferry_cli_object_get_name (destination) : _("(stays)"),
                           FERRY_CLI_STYLE_NONE);
      ferry_cli_table_add (table, verdict->host ? ferry_cli_object_get_name (FERRY_OBJECT (verdict->host)) : NULL,
                           FERRY_CLI_STYLE_NONE);
      ferry_cli_table_take (table,
                            id[0] != '\0' ? g_strdup_printf ("%s %s", id, ferry_operation_get_title (verdict->operation))
                                          : NULL,
                            FERRY_CLI_STYLE_NONE);
      ferry_cli_table_add (table, verdict_title (verdict->verdict), verdict_style (verdict->verdict));
      if (verdict->relay)
        {
          g_autofree char *line = g_strdup_printf (_("through this computer: %s"), ferry_relay_describe ());

          ferry_cli_table_add_note (table, 1, line, FERRY_CLI_STYLE_WARNING);
        }
      else if (verdict->may_relay)
        ferry_cli_table_add_note (table, 1, _("if the pools cannot reach each other: through this computer "
                                              "(halted VMs only, at the pace of this computer’s links)"),
                                  FERRY_CLI_STYLE_DIM);
    }
  ferry_cli_table_print (table, color);

  if (findings->len > 0)
    {
      g_print ("\n");
      ferry_cli_print_findings (findings, color);
    }

  summary = g_strdup_printf (_("Verdict: %s"), verdict_title (worst));
  styled = ferry_cli_style_text (summary, verdict_style (worst), color);
  g_print ("\n%s\n", styled);
}

static void
on_connected_cb (GTask     *task,
                 GPtrArray *connections)
{
  FerryCliContext *context = g_task_get_source_object (task);
  FerryCliMoveOptions *options = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryCliMove) move = NULL;
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) verdicts = g_array_new (FALSE, TRUE, sizeof (Verdict));
  FerryObject *destination;
  FerryCheckSeverity worst = FERRY_CHECK_SEVERITY_NONE;
  GPtrArray *requests;

  move = ferry_cli_move_resolve (options, connections, &error);
  if (move == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  destination = ferry_cli_move_get_destination (move);
  requests = ferry_cli_move_get_requests (move);

  for (guint s = 0; s < requests->len; s++)
    {
      FerryMoveRequest *request = g_ptr_array_index (requests, s);
      g_autoptr(FerryFeasibility) feasibility = NULL;
      g_autoptr(GPtrArray) checks = NULL;
      guint first = verdicts->len;

      checks = ferry_rules_check (request, NULL, NULL);

      /* Where a pool would put each VM: the feasibility grid's pick. */
      if (FERRY_IS_POOL (destination))
        {
          feasibility = ferry_feasibility_new (request, NULL, NULL);
          ferry_feasibility_add_destination (feasibility, destination);
          for (guint i = 0; i < ferry_move_request_get_n_vms (request); i++)
            ferry_feasibility_add_vm (feasibility, ferry_move_request_get_vm (request, i));
          ferry_feasibility_run_local (feasibility);
        }

      for (guint i = 0; i < ferry_move_request_get_n_vms (request); i++)
        {
          FerryVm *vm = ferry_move_request_get_vm (request, i);
          Verdict verdict = { 0 };

          verdict.vm = vm;
          verdict.operation = ferry_move_request_resolve_operation (request, vm);
          /* As the plan decides it (ferry-relay.h): halted VMs that change pool. */
          if (destination != NULL && ferry_object_get_cache (destination) != ferry_object_get_cache (FERRY_OBJECT (vm)) &&
              ferry_vm_get_power_state (vm) == FERRY_VM_POWER_STATE_HALTED &&
              (verdict.operation == FERRY_OPERATION_MOVE_HALTED || verdict.operation == FERRY_OPERATION_STORAGE_MIGRATE))
            {
              verdict.relay = ferry_move_request_get_relay (request) == FERRY_RELAY_ALWAYS;
              verdict.may_relay = ferry_move_request_get_relay (request) == FERRY_RELAY_AUTO;
            }
          if (FERRY_IS_HOST (destination))
            verdict.host = FERRY_HOST (destination);
          else if (feasibility != NULL)
            verdict.host = ferry_feasibility_get_host (feasibility, i, 0);
          else if (destination == NULL)
            {
              FerryObject *host = ferry_object_lookup_ref (FERRY_OBJECT (vm), ferry_vm_get_resident_on (vm));

              verdict.host = FERRY_IS_HOST (host) ? FERRY_HOST (host) : NULL;
            }
          g_array_append_val (verdicts, verdict);
        }

      for (guint i = 0; i < checks->len; i++)
        {
          FerryCheck *finding = g_ptr_array_index (checks, i);
          FerryObject *vm = ferry_check_find_object (finding, FERRY_TYPE_VM);
          FerryCheckSeverity severity = ferry_check_get_severity (finding);

          for (guint v = first; v < verdicts->len; v++)
            {
              Verdict *verdict = &g_array_index (verdicts, Verdict, v);

              if ((vm == NULL || vm == FERRY_OBJECT (verdict->vm)) && severity > verdict->verdict)
                verdict->verdict = severity;
            }
          worst = MAX (worst, severity);
          g_ptr_array_add (findings, g_object_ref (finding));
        }
    }

  if (ferry_cli_context_get_json (context))
    {
      g_autoptr(JsonBuilder) builder = ferry_cli_json_begin ("check");

      ferry_cli_json_add_string (builder, "verdict", verdict_name (worst));
      json_builder_set_member_name (builder, "allowed");
      json_builder_add_boolean_value (builder, worst < FERRY_CHECK_SEVERITY_BLOCKER);
      ferry_cli_json_add_ref (builder, "destination", destination);
      ferry_cli_json_add_ref (builder, "sr", ferry_cli_move_get_sr (move));
      ferry_cli_json_add_ref (builder, "network", ferry_cli_move_get_network (move));

      json_builder_set_member_name (builder, "vms");
      json_builder_begin_array (builder);
      for (guint i = 0; i < verdicts->len; i++)
        {
          Verdict *verdict = &g_array_index (verdicts, Verdict, i);

          json_builder_begin_object (builder);
          ferry_cli_json_add_ref (builder, "vm", FERRY_OBJECT (verdict->vm));
          ferry_cli_json_add_string (builder, "verdict", verdict_name (verdict->verdict));
          ferry_cli_json_add_operation (builder, "operation", verdict->operation);
          ferry_cli_json_add_ref (builder, "host", FERRY_OBJECT (verdict->host));
          json_builder_set_member_name (builder, "relay");
          json_builder_add_boolean_value (builder, verdict->relay);
          ferry_cli_json_add_string (builder, "relay_text", verdict->relay ? ferry_relay_describe () : NULL);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      ferry_cli_json_add_findings (builder, findings);
      ferry_cli_json_print (builder);
    }
  else
    print_text (context, destination, verdicts, findings, worst);

  g_task_return_int (task, worst >= FERRY_CHECK_SEVERITY_BLOCKER ? FERRY_CLI_EXIT_BLOCKED : FERRY_CLI_EXIT_OK);
}

void
ferry_cli_check_run_async (FerryCliContext     *context,
                           int                  argc,
                           char               **argv,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree GOptionEntry *entries = NULL;
  FerryCliMoveOptions *options = g_new0 (FerryCliMoveOptions, 1);

  task = g_task_new (context, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_cli_check_run_async);
  g_task_set_task_data (task, options, check_free);
  options->kind = FERRY_CLI_MOVE_MIGRATE;
  entries = ferry_cli_move_options_entries (options, FALSE);

  if (!ferry_cli_context_parse (context, _("check VM… --to HOST|POOL [--sr SR | --sr-map DISK=SR…] [--network NETWORK] [--relay auto|always|never]"),
                                _("Checks whether VMs can move, rule by rule, without moving anything.\n"
                                  "Exit status: 0 allowed, 1 blocked, 2 usage or connection error."),
                                entries, &argc, &argv, &error) ||
      !ferry_cli_move_options_finish (options, "check", argc, argv, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ferry_cli_context_connect_then (context, g_steal_pointer (&task), on_connected_cb);
}
