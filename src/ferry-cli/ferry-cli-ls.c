/* ferry-cli-ls.c: ferry-cli ls [KIND] [FILTER…]
 *
 * Lists pools, hosts, VMs, SRs, disks or networks of every server used,
 * pool by pool in the order of the servers, by name within a pool.
 * Templates, snapshots, control domains, snapshot and ISO disks and the
 * tools SR show only with --all.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-ls"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cli-commands.h"
#include "ferry-cli-objects.h"
#include "ferry-cli-output.h"
#include "ferry-host.h"
#include "ferry-network.h"
#include "ferry-pbd.h"
#include "ferry-pif.h"
#include "ferry-sr.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vif.h"
#include "ferry-vm.h"

typedef struct
{
  FerryCliKind  kind;
  char         *pool;
  char         *host;
  char         *power_state;
  char         *name;
  char         *sr;
  char         *vm;
  gboolean      all;

  /* Resolved filters (borrowed from the caches). */
  FerryObject  *pool_object;
  FerryObject  *host_object;
  FerryObject  *sr_object;
  FerryObject  *vm_object;
} Ls;

static void
ls_free (gpointer data)
{
  Ls *ls = data;

  g_free (ls->pool);
  g_free (ls->host);
  g_free (ls->power_state);
  g_free (ls->name);
  g_free (ls->sr);
  g_free (ls->vm);
  g_free (ls);
}

static const char * const power_states[] = { "running", "halted", "paused", "suspended", NULL };

/* Columns: a header and the member of the JSON summary it shows. */
typedef struct
{
  const char *header;
  const char *member;
} Column;

static const Column pool_columns[] = {
  { N_("NAME"), "name" }, { N_("SERVER"), "server" }, { N_("MASTER"), "master" },
  { N_("HOSTS"), "n_hosts" }, { N_("VMS"), "n_vms" }, { N_("HA"), "ha_enabled" },
  { N_("DEFAULT SR"), "default_sr" }, { NULL, NULL }
};
static const Column host_columns[] = {
  { N_("NAME"), "name" }, { N_("POOL"), "pool" }, { N_("ADDRESS"), "address" },
  { N_("VERSION"), "product_version" }, { N_("CPU"), "cpu_vendor" }, { N_("MEMORY"), "memory_total_bytes" },
  { N_("FREE"), "memory_free_bytes" }, { N_("VMS"), "n_vms" }, { N_("ENABLED"), "enabled" }, { NULL, NULL }
};
static const Column vm_columns[] = {
  { N_("NAME"), "name" }, { N_("POWER"), "power_state" }, { N_("HOST"), "host" }, { N_("POOL"), "pool" },
  { N_("MEMORY"), "memory_bytes" }, { N_("VCPUS"), "vcpus" }, { N_("DISKS"), "n_disks" }, { NULL, NULL }
};
static const Column sr_columns[] = {
  { N_("NAME"), "name" }, { N_("POOL"), "pool" }, { N_("TYPE"), "sr_type" }, { N_("SHARED"), "shared" },
  { N_("SIZE"), "size_bytes" }, { N_("FREE"), "free_bytes" }, { N_("DISKS"), "n_disks" }, { NULL, NULL }
};
static const Column disk_columns[] = {
  { N_("NAME"), "name" }, { N_("POOL"), "pool" }, { N_("SR"), "sr" }, { N_("SIZE"), "virtual_size_bytes" },
  { N_("VMS"), "vms" }, { N_("CBT"), "cbt_enabled" }, { N_("ON BOOT"), "on_boot" }, { NULL, NULL }
};
static const Column network_columns[] = {
  { N_("NAME"), "name" }, { N_("POOL"), "pool" }, { N_("BRIDGE"), "bridge" }, { N_("MTU"), "mtu" },
  { N_("MANAGEMENT"), "is_management" }, { N_("VIFS"), "n_vifs" }, { NULL, NULL }
};

static const Column * const columns_of[FERRY_CLI_N_KINDS] = {
  pool_columns, host_columns, vm_columns, sr_columns, disk_columns, network_columns,
};

/* Filters */

static gboolean
vm_uses_sr (FerryVm     *vm,
            FerryObject *sr)
{
  GListModel *vbds = ferry_vm_get_vbds (vm);

  for (guint i = 0; vbds != NULL && i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));

      if (FERRY_IS_VDI (vdi) && g_strcmp0 (ferry_vdi_get_sr (FERRY_VDI (vdi)), ferry_object_get_ref (sr)) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
sr_on_host (FerrySr     *sr,
            FerryObject *host)
{
  GListModel *pbds = ferry_sr_get_pbds (sr);

  for (guint i = 0; pbds != NULL && i < g_list_model_get_n_items (pbds); i++)
    {
      g_autoptr(FerryPbd) pbd = g_list_model_get_item (pbds, i);

      if (g_strcmp0 (ferry_pbd_get_host (pbd), ferry_object_get_ref (host)) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
network_on_host (FerryNetwork *network,
                 FerryObject  *host)
{
  GListModel *pifs = ferry_network_get_pifs (network);

  for (guint i = 0; pifs != NULL && i < g_list_model_get_n_items (pifs); i++)
    {
      g_autoptr(FerryPif) pif = g_list_model_get_item (pifs, i);

      if (g_strcmp0 (ferry_pif_get_host (pif), ferry_object_get_ref (host)) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
disk_of_vm (FerryVdi    *vdi,
            FerryObject *vm)
{
  GListModel *vbds = ferry_vdi_get_vbds (vdi);

  for (guint i = 0; vbds != NULL && i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);

      if (g_strcmp0 (ferry_vbd_get_vm (vbd), ferry_object_get_ref (vm)) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
network_of_vm (FerryNetwork *network,
               FerryObject  *vm)
{
  GListModel *vifs = ferry_network_get_vifs (network);

  for (guint i = 0; vifs != NULL && i < g_list_model_get_n_items (vifs); i++)
    {
      g_autoptr(FerryVif) vif = g_list_model_get_item (vifs, i);

      if (g_strcmp0 (ferry_vif_get_vm (vif), ferry_object_get_ref (vm)) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
matches (Ls          *ls,
         FerryObject *object)
{
  if (!ls->all && !ferry_cli_object_is_listed (object))
    return FALSE;
  if (ls->name != NULL && !g_pattern_match_simple (ls->name, ferry_cli_object_get_name (object)))
    return FALSE;

  switch (ls->kind)
    {
    case FERRY_CLI_KIND_HOST:
      return ls->host_object == NULL || ls->host_object == object;

    case FERRY_CLI_KIND_VM:
      {
        FerryVm *vm = FERRY_VM (object);

        if (ls->host_object != NULL &&
            g_strcmp0 (ferry_vm_get_resident_on (vm), ferry_object_get_ref (ls->host_object)) != 0)
          return FALSE;
        if (ls->sr_object != NULL && !vm_uses_sr (vm, ls->sr_object))
          return FALSE;
        if (ls->power_state != NULL &&
            g_strcmp0 (ls->power_state, ferry_cli_vm_power_state_to_string (ferry_vm_get_power_state (vm))) != 0)
          return FALSE;
        return TRUE;
      }

    case FERRY_CLI_KIND_SR:
      return ls->host_object == NULL || sr_on_host (FERRY_SR (object), ls->host_object);

    case FERRY_CLI_KIND_DISK:
      {
        FerryVdi *vdi = FERRY_VDI (object);
        FerryObject *sr = ferry_object_lookup_ref (object, ferry_vdi_get_sr (vdi));

        if (ls->sr_object != NULL && sr != ls->sr_object)
          return FALSE;
        if (ls->host_object != NULL && (sr == NULL || !sr_on_host (FERRY_SR (sr), ls->host_object)))
          return FALSE;
        return ls->vm_object == NULL || disk_of_vm (vdi, ls->vm_object);
      }

    case FERRY_CLI_KIND_NETWORK:
      if (ls->host_object != NULL && !network_on_host (FERRY_NETWORK (object), ls->host_object))
        return FALSE;
      return ls->vm_object == NULL || network_of_vm (FERRY_NETWORK (object), ls->vm_object);

    case FERRY_CLI_KIND_POOL:
    case FERRY_CLI_N_KINDS:
    default:
      return TRUE;
    }
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  FerryObject *oa = *(FerryObject **) a;
  FerryObject *ob = *(FerryObject **) b;
  int result = g_utf8_collate (ferry_cli_object_get_name (oa), ferry_cli_object_get_name (ob));

  return result != 0 ? result : g_strcmp0 (ferry_object_get_uuid (oa), ferry_object_get_uuid (ob));
}

/* Output */

static FerryCliStyle
style_of (const char *member,
          const char *text)
{
  if (g_strcmp0 (member, "power_state") == 0)
    {
      if (g_strcmp0 (text, "running") == 0)
        return FERRY_CLI_STYLE_GOOD;
      if (g_strcmp0 (text, "halted") == 0)
        return FERRY_CLI_STYLE_DIM;
      return FERRY_CLI_STYLE_WARNING;
    }
  return FERRY_CLI_STYLE_NONE;
}

static void
print_table (FerryCliKind  kind,
             JsonArray    *items,
             gboolean      color)
{
  const Column *columns = columns_of[kind];
  g_autoptr(FerryCliTable) table = NULL;
  guint n = 0;

  while (columns[n].header != NULL)
    n++;

  /* Up to 10 columns; the table takes NULL-terminated headers. */
  g_assert (n <= 10);
  table = ferry_cli_table_new (n > 0 ? _(columns[0].header) : NULL,
                               n > 1 ? _(columns[1].header) : NULL,
                               n > 2 ? _(columns[2].header) : NULL,
                               n > 3 ? _(columns[3].header) : NULL,
                               n > 4 ? _(columns[4].header) : NULL,
                               n > 5 ? _(columns[5].header) : NULL,
                               n > 6 ? _(columns[6].header) : NULL,
                               n > 7 ? _(columns[7].header) : NULL,
                               n > 8 ? _(columns[8].header) : NULL,
                               n > 9 ? _(columns[9].header) : NULL,
                               NULL);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      ferry_cli_table_begin_row (table);
      for (guint c = 0; c < n; c++)
        {
          char *text = ferry_cli_format_value (columns[c].member, json_object_get_member (item, columns[c].member));

          ferry_cli_table_take (table, text, style_of (columns[c].member, text));
        }
    }

  ferry_cli_table_print (table, color);
}

static void
on_connected_cb (GTask     *task,
                 GPtrArray *connections)
{
  FerryCliContext *context = g_task_get_source_object (task);
  Ls *ls = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  if ((ls->pool != NULL && !(ls->pool_object = ferry_cli_find_object (connections, FERRY_CLI_KIND_POOL, ls->pool, NULL, &error))) ||
      (ls->host != NULL && !(ls->host_object = ferry_cli_find_object (connections, FERRY_CLI_KIND_HOST, ls->host, NULL, &error))) ||
      (ls->sr != NULL && !(ls->sr_object = ferry_cli_find_object (connections, FERRY_CLI_KIND_SR, ls->sr, NULL, &error))) ||
      (ls->vm != NULL && !(ls->vm_object = ferry_cli_find_object (connections, FERRY_CLI_KIND_VM, ls->vm, NULL, &error))))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  builder = ferry_cli_json_begin ("ls");
  ferry_cli_json_add_string (builder, "kind", ferry_cli_kind_to_string (ls->kind));
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);

  for (guint c = 0; c < connections->len; c++)
    {
      FerryCache *cache = ferry_connection_get_cache (g_ptr_array_index (connections, c));
      GListModel *objects = ferry_cache_get_objects (cache, ferry_cli_kind_get_object_type (ls->kind));
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

      if (ls->pool_object != NULL && ferry_object_get_cache (ls->pool_object) != cache)
        continue;

      for (guint i = 0; i < g_list_model_get_n_items (objects); i++)
        {
          FerryObject *item = g_list_model_get_item (objects, i);

          if (matches (ls, item))
            g_ptr_array_add (items, item);
          else
            g_object_unref (item);
        }
      g_ptr_array_sort (items, compare_by_name);

      for (guint i = 0; i < items->len; i++)
        ferry_cli_json_add_object (builder, g_ptr_array_index (items, i), FALSE);
    }

  json_builder_end_array (builder);

  if (ferry_cli_context_get_json (context))
    ferry_cli_json_print (builder);
  else
    {
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      print_table (ls->kind, json_object_get_array_member (json_node_get_object (root), "items"),
                   ferry_cli_context_get_color (context));
    }

  g_task_return_int (task, FERRY_CLI_EXIT_OK);
}

void
ferry_cli_ls_run_async (FerryCliContext     *context,
                        int                  argc,
                        char               **argv,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Ls *ls = g_new0 (Ls, 1);
  const GOptionEntry entries[] = {
    { "pool", 'p', 0, G_OPTION_ARG_STRING, &ls->pool, N_("Only this pool’s objects"), N_("POOL") },
    { "host", 'H', 0, G_OPTION_ARG_STRING, &ls->host,
      N_("Only VMs running on HOST, SRs, disks and networks it can reach"), N_("HOST") },
    { "power-state", 0, 0, G_OPTION_ARG_STRING, &ls->power_state,
      N_("Only VMs in this state: running, halted, paused or suspended"), N_("STATE") },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &ls->name,
      N_("Only objects whose name matches GLOB (* and ?)"), N_("GLOB") },
    { "sr", 0, 0, G_OPTION_ARG_STRING, &ls->sr, N_("Only disks on SR, VMs with a disk on it"), N_("SR") },
    { "vm", 0, 0, G_OPTION_ARG_STRING, &ls->vm, N_("Only disks and networks of VM"), N_("VM") },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &ls->all,
      N_("Also templates, snapshots, control domains, snapshot and ISO disks"), NULL },
    { NULL }
  };

  task = g_task_new (context, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_cli_ls_run_async);
  g_task_set_task_data (task, ls, ls_free);

  if (!ferry_cli_context_parse (context, _("ls [pools|hosts|vms|srs|disks|networks]"),
                                _("Lists pools, hosts, VMs (the default), SRs, disks or networks."),
                                entries, &argc, &argv, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ls->kind = FERRY_CLI_KIND_VM;
  if (argc > 2)
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                               _("ls takes one kind of object, not “%s”"), argv[2]);
      return;
    }
  if (argc == 2 && !ferry_cli_kind_from_string (argv[1], &ls->kind))
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                               _("ls lists pools, hosts, vms, srs, disks or networks, not “%s”"), argv[1]);
      return;
    }

  if (ls->power_state != NULL)
    {
      g_autofree char *folded = g_ascii_strdown (ls->power_state, -1);

      if (!g_strv_contains (power_states, folded))
        {
          g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                                   _("--power-state is running, halted, paused or suspended, not “%s”"),
                                   ls->power_state);
          return;
        }
      g_free (ls->power_state);
      ls->power_state = g_steal_pointer (&folded);
    }

  if ((ls->power_state != NULL && ls->kind != FERRY_CLI_KIND_VM) ||
      (ls->sr != NULL && ls->kind != FERRY_CLI_KIND_VM && ls->kind != FERRY_CLI_KIND_DISK) ||
      (ls->vm != NULL && ls->kind != FERRY_CLI_KIND_DISK && ls->kind != FERRY_CLI_KIND_NETWORK) ||
      (ls->host != NULL && ls->kind == FERRY_CLI_KIND_POOL))
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                               _("That filter does not apply to %s: --power-state is for vms, --sr for vms and disks, "
                                 "--vm for disks and networks, --host for all but pools"),
                               ferry_cli_kind_to_string (ls->kind));
      return;
    }

  ferry_cli_context_connect_then (context, g_steal_pointer (&task), on_connected_cb);
}
