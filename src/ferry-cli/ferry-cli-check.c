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
#include "ferry-cli-objects.h"
#include "ferry-cli-output.h"
#include "ferry-feasibility.h"
#include "ferry-host.h"
#include "ferry-move-request.h"
#include "ferry-network.h"
#include "ferry-pool.h"
#include "ferry-rules.h"
#include "ferry-sr.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

typedef struct
{
  char  *to;
  char  *sr;
  char **sr_map;
  char  *network;
  char **vms;
} Check;

static void
check_free (gpointer data)
{
  Check *check = data;

  g_free (check->to);
  g_free (check->sr);
  g_strfreev (check->sr_map);
  g_free (check->network);
  g_strfreev (check->vms);
  g_free (check);
}

/* One VM's answer. */
typedef struct
{
  FerryVm            *vm;
  FerryOperation      operation;
  FerryHost          *host;       /* where it would run, or NULL */
  FerryCheckSeverity  verdict;
} Verdict;

static const char *
operation_name (FerryOperation operation)
{
  switch (operation)
    {
    case FERRY_OPERATION_LIVE_MIGRATE:    return "live-migrate";
    case FERRY_OPERATION_STORAGE_MIGRATE: return "storage-migrate";
    case FERRY_OPERATION_MOVE_DISK:       return "move-disk";
    case FERRY_OPERATION_MOVE_HALTED:     return "move-halted";
    case FERRY_OPERATION_EVACUATE:        return "evacuate";
    case FERRY_OPERATION_AUTO:
    default:                              return NULL;
    }
}

static const char *
severity_name (FerryCheckSeverity severity)
{
  switch (severity)
    {
    case FERRY_CHECK_SEVERITY_NOTE:    return "note";
    case FERRY_CHECK_SEVERITY_WARNING: return "warning";
    case FERRY_CHECK_SEVERITY_BLOCKER: return "blocker";
    case FERRY_CHECK_SEVERITY_NONE:
    default:                           return "none";
    }
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
severity_style (FerryCheckSeverity severity)
{
  if (severity >= FERRY_CHECK_SEVERITY_BLOCKER)
    return FERRY_CLI_STYLE_BAD;
  if (severity == FERRY_CHECK_SEVERITY_WARNING)
    return FERRY_CLI_STYLE_WARNING;
  return FERRY_CLI_STYLE_DIM;
}

static FerryCliStyle
verdict_style (FerryCheckSeverity worst)
{
  if (worst < FERRY_CHECK_SEVERITY_WARNING)
    return FERRY_CLI_STYLE_GOOD;
  return severity_style (worst);
}

/* The VDIs the VMs' disks use (CDs excluded). */
static GPtrArray *
collect_disks (GPtrArray *vms)
{
  GPtrArray *disks = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint v = 0; v < vms->len; v++)
    {
      GListModel *vbds = ferry_vm_get_vbds (g_ptr_array_index (vms, v));

      for (guint i = 0; vbds != NULL && i < g_list_model_get_n_items (vbds); i++)
        {
          g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
          FerryObject *vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));

          if (FERRY_IS_VDI (vdi) && g_strcmp0 (ferry_vbd_get_vbd_type (vbd), "CD") != 0 &&
              !g_ptr_array_find (disks, vdi, NULL))
            {
              g_object_set_data_full (G_OBJECT (vdi), "ferry-cli-device",
                                      g_strdup (ferry_vbd_get_userdevice (vbd)), g_free);
              g_ptr_array_add (disks, g_object_ref (vdi));
            }
        }
    }
  return disks;
}

/* A disk of the VMs by ref, UUID, name or (one VM) device position. */
static FerryVdi *
find_disk (GPtrArray   *disks,
           guint        n_vms,
           const char  *text,
           GError     **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  for (guint i = 0; i < disks->len; i++)
    {
      FerryObject *vdi = g_ptr_array_index (disks, i);

      if (g_str_equal (text, ferry_object_get_ref (vdi)) ||
          g_str_equal (text, ferry_object_get_uuid (vdi)) ||
          g_str_equal (text, ferry_object_get_name_label (vdi)) ||
          (n_vms == 1 && g_strcmp0 (text, g_object_get_data (G_OBJECT (vdi), "ferry-cli-device")) == 0))
        g_ptr_array_add (found, vdi);
    }

  if (found->len == 1)
    return g_ptr_array_index (found, 0);
  if (found->len == 0)
    g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                 _("--sr-map: the VMs checked have no disk “%s” (name, UUID, ref, or device number with one VM)"),
                 text);
  else
    g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_AMBIGUOUS,
                 _("--sr-map: “%s” names %u disks; use a UUID"), text, found->len);
  return NULL;
}

/* An SR or network of @cache (the destination's, else the VMs'). */
static FerryObject *
find_in_cache (GPtrArray     *connections,
               FerryCliKind   kind,
               const char    *text,
               FerryCache    *cache,
               const char    *option,
               GError       **error)
{
  FerryObject *object = ferry_cli_find_object (connections, kind, text, cache, error);

  if (object != NULL && ferry_object_get_cache (object) != cache)
    {
      FerryPool *pool = ferry_cache_get_pool (cache);

      g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                   /* Translators: "--sr: Prod-NFS is not in Lab, where the VMs go" */
                   _("%s: %s is not in %s, where the VMs go"), option, ferry_cli_object_get_name (object),
                   pool ? ferry_cli_pool_get_display_name (pool) : "?");
      return NULL;
    }
  return object;
}

static void
add_operation (JsonBuilder    *builder,
               FerryOperation  operation)
{
  json_builder_set_member_name (builder, "operation");
  if (operation_name (operation) == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  ferry_cli_json_add_string (builder, "id", ferry_operation_get_id (operation));
  ferry_cli_json_add_string (builder, "name", operation_name (operation));
  json_builder_end_object (builder);
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
    }
  ferry_cli_table_print (table, color);

  if (findings->len > 0)
    {
      g_autoptr(FerryCliTable) list = ferry_cli_table_new (_("RULE"), _("SEVERITY"), _("VM"), _("REASON"), NULL);

      g_print ("\n");
      for (guint i = 0; i < findings->len; i++)
        {
          FerryCheck *check = g_ptr_array_index (findings, i);
          FerryObject *vm = ferry_check_find_object (check, FERRY_TYPE_VM);
          const char *remedy = ferry_check_get_remedy (check);

          ferry_cli_table_begin_row (list);
          ferry_cli_table_add (list, ferry_check_get_rule_id (check), FERRY_CLI_STYLE_BOLD);
          ferry_cli_table_add (list, severity_name (ferry_check_get_severity (check)),
                               severity_style (ferry_check_get_severity (check)));
          ferry_cli_table_add (list, vm ? ferry_cli_object_get_name (vm) : NULL, FERRY_CLI_STYLE_NONE);
          ferry_cli_table_add (list, ferry_check_get_message (check), FERRY_CLI_STYLE_NONE);
          if (remedy != NULL && remedy[0] != '\0')
            {
              /* Translators: the line under a finding that says what to do */
              g_autofree char *line = g_strdup_printf (_("Remedy: %s"), remedy);

              ferry_cli_table_add_note (list, 3, line, FERRY_CLI_STYLE_NONE);
            }
        }
      ferry_cli_table_print (list, color);
    }

  summary = g_strdup_printf (_("Verdict: %s"), verdict_title (worst));
  styled = ferry_cli_style_text (summary, verdict_style (worst), color);
  g_print ("\n%s\n", styled);
}

static void
on_connected_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryCliContext *context = FERRY_CLI_CONTEXT (object);
  Check *check = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  g_autoptr(GArray) verdicts = g_array_new (FALSE, TRUE, sizeof (Verdict));
  g_autoptr(GPtrArray) map_disks = g_ptr_array_new ();
  g_autoptr(GPtrArray) map_srs = g_ptr_array_new ();
  FerryObject *destination = NULL;
  FerryObject *sr = NULL;
  FerryObject *network = NULL;
  FerryCache *target_cache;
  FerryCheckSeverity worst = FERRY_CHECK_SEVERITY_NONE;
  GPtrArray *connections;

  connections = ferry_cli_context_connect_finish (context, result, &error);
  if (connections == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; check->vms[i] != NULL; i++)
    {
      FerryObject *vm = ferry_cli_find_object (connections, FERRY_CLI_KIND_VM, check->vms[i], NULL, &error);

      if (vm == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (!g_ptr_array_find (vms, vm, NULL))
        g_ptr_array_add (vms, g_object_ref (vm));
      if (!g_ptr_array_find (sources, ferry_object_get_cache (vm), NULL))
        g_ptr_array_add (sources, ferry_object_get_cache (vm));
    }

  if (check->to != NULL)
    {
      /* A host first: a standalone host is also a pool of its name. */
      destination = ferry_cli_find_object (connections, FERRY_CLI_KIND_HOST, check->to, NULL, &error);
      if (destination == NULL && g_error_matches (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          destination = ferry_cli_find_object (connections, FERRY_CLI_KIND_POOL, check->to, NULL, &error);
          if (destination == NULL && g_error_matches (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND))
            {
              g_clear_error (&error);
              g_set_error (&error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                           _("--to: no host or pool is called “%s”"), check->to);
            }
        }
      if (destination == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  target_cache = destination != NULL ? ferry_object_get_cache (destination) : g_ptr_array_index (sources, 0);

  if (check->sr != NULL &&
      !(sr = find_in_cache (connections, FERRY_CLI_KIND_SR, check->sr, target_cache, "--sr", &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (check->network != NULL &&
      !(network = find_in_cache (connections, FERRY_CLI_KIND_NETWORK, check->network, target_cache,
                                 "--network", &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  disks = collect_disks (vms);
  for (guint i = 0; check->sr_map != NULL && check->sr_map[i] != NULL; i++)
    {
      const char *equals = strchr (check->sr_map[i], '=');
      g_autofree char *disk_name = NULL;
      FerryVdi *vdi;
      FerryObject *disk_sr;

      if (equals == NULL || equals == check->sr_map[i] || equals[1] == '\0')
        {
          g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                                   _("--sr-map takes DISK=SR, not “%s”"), check->sr_map[i]);
          return;
        }
      disk_name = g_strndup (check->sr_map[i], equals - check->sr_map[i]);
      if (!(vdi = find_disk (disks, vms->len, disk_name, &error)) ||
          !(disk_sr = find_in_cache (connections, FERRY_CLI_KIND_SR, equals + 1, target_cache, "--sr-map", &error)))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_ptr_array_add (map_disks, vdi);
      g_ptr_array_add (map_srs, disk_sr);
    }

  /* One request per source pool: a request's VMs share one cache. */
  for (guint s = 0; s < sources->len; s++)
    {
      FerryCache *source = g_ptr_array_index (sources, s);
      g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();
      g_autoptr(FerryFeasibility) feasibility = NULL;
      g_autoptr(GPtrArray) checks = NULL;
      guint first = verdicts->len;

      for (guint i = 0; i < vms->len; i++)
        if (ferry_object_get_cache (g_ptr_array_index (vms, i)) == source)
          ferry_move_request_add_vm (request, g_ptr_array_index (vms, i));

      if (FERRY_IS_HOST (destination))
        ferry_move_request_set_destination_host (request, FERRY_HOST (destination));
      else if (FERRY_IS_POOL (destination))
        ferry_move_request_set_destination_pool (request, ferry_object_get_cache (destination));
      if (sr != NULL)
        ferry_move_request_set_default_sr (request, FERRY_SR (sr));
      for (guint i = 0; i < map_disks->len; i++)
        if (ferry_object_get_cache (g_ptr_array_index (map_disks, i)) == source)
          ferry_move_request_set_vdi_sr (request, g_ptr_array_index (map_disks, i), g_ptr_array_index (map_srs, i));
      if (network != NULL)
        ferry_move_request_set_network (request, FERRY_NETWORK (network));

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
      ferry_cli_json_add_ref (builder, "sr", sr);
      ferry_cli_json_add_ref (builder, "network", network);

      json_builder_set_member_name (builder, "vms");
      json_builder_begin_array (builder);
      for (guint i = 0; i < verdicts->len; i++)
        {
          Verdict *verdict = &g_array_index (verdicts, Verdict, i);

          json_builder_begin_object (builder);
          ferry_cli_json_add_ref (builder, "vm", FERRY_OBJECT (verdict->vm));
          ferry_cli_json_add_string (builder, "verdict", verdict_name (verdict->verdict));
          add_operation (builder, verdict->operation);
          ferry_cli_json_add_ref (builder, "host", FERRY_OBJECT (verdict->host));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "findings");
      json_builder_begin_array (builder);
      for (guint i = 0; i < findings->len; i++)
        {
          FerryCheck *finding = g_ptr_array_index (findings, i);

          json_builder_begin_object (builder);
          ferry_cli_json_add_string (builder, "rule", ferry_check_get_rule_id (finding));
          ferry_cli_json_add_string (builder, "severity", severity_name (ferry_check_get_severity (finding)));
          ferry_cli_json_add_string (builder, "message", ferry_check_get_message (finding));
          ferry_cli_json_add_string (builder, "remedy", ferry_check_get_remedy (finding));
          ferry_cli_json_add_string (builder, "help", ferry_check_get_help_id (finding));
          ferry_cli_json_add_ref (builder, "vm", ferry_check_find_object (finding, FERRY_TYPE_VM));
          json_builder_set_member_name (builder, "objects");
          json_builder_begin_array (builder);
          for (guint o = 0; o < ferry_check_get_n_objects (finding); o++)
            ferry_cli_json_add_ref (builder, NULL, ferry_check_get_object (finding, o));
          json_builder_end_array (builder);
          ferry_cli_json_add_string (builder, "xapi_error", ferry_check_get_xapi_error (finding));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
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
  Check *check = g_new0 (Check, 1);
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &check->to,
      N_("Where the VMs go: a host, or a pool that chooses the host"), N_("HOST|POOL") },
    { "sr", 0, 0, G_OPTION_ARG_STRING, &check->sr,
      N_("Put every disk on this SR (default: where the destination can see it, else its default SR)"), N_("SR") },
    { "sr-map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &check->sr_map,
      N_("Put one disk on an SR; repeat for each disk"), N_("DISK=SR") },
    { "network", 0, 0, G_OPTION_ARG_STRING, &check->network,
      N_("The destination network that carries the migration (default: management)"), N_("NETWORK") },
    { NULL }
  };

  task = g_task_new (context, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_cli_check_run_async);
  g_task_set_task_data (task, check, check_free);

  if (!ferry_cli_context_parse (context, _("check VM… --to HOST|POOL [--sr SR | --sr-map DISK=SR…] [--network NETWORK]"),
                                _("Checks whether VMs can move, rule by rule, without moving anything.\n"
                                  "Exit status: 0 allowed, 1 blocked, 2 usage or connection error."),
                                entries, &argc, &argv, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (argc < 2)
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                               _("check needs at least one VM"));
      return;
    }
  check->vms = g_strdupv (argv + 1);

  if (check->sr != NULL && check->sr_map != NULL)
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                               _("--sr (one SR for every disk) and --sr-map (an SR per disk) exclude each other"));
      return;
    }

  if (check->to == NULL && check->sr == NULL && check->sr_map == NULL)
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                               _("check needs --to HOST|POOL (or --sr/--sr-map to move disks only)"));
      return;
    }

  ferry_cli_context_connect_async (context, cancellable, on_connected_cb, g_steal_pointer (&task));
}
