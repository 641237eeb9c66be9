/* ferry-cli-objects.c
 *
 * The six kinds of object the command line lists and shows, how a name,
 * UUID or ref on the command line becomes one of them, and their JSON
 * descriptions (the shapes are documented in ferry-cli.1, JSON OUTPUT, and
 * checked by tests/cli). Every list is sorted by name so that the output
 * is the same from one run to the next.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-objects"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ferry-cli-context.h"
#include "ferry-cli-objects.h"
#include "ferry-cli-output.h"
#include "ferry-host-metrics.h"
#include "ferry-host.h"
#include "ferry-network.h"
#include "ferry-pbd.h"
#include "ferry-pif.h"
#include "ferry-pool.h"
#include "ferry-sr.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vgpu-type.h"
#include "ferry-vgpu.h"
#include "ferry-vif.h"
#include "ferry-vm-guest-metrics.h"
#include "ferry-vm-metrics.h"
#include "ferry-vm.h"

/* Kinds */

static const char * const kind_names[FERRY_CLI_N_KINDS] = {
  "pool", "host", "vm", "sr", "disk", "network",
};

const char *
ferry_cli_kind_to_string (FerryCliKind kind)
{
  g_return_val_if_fail (kind < FERRY_CLI_N_KINDS, NULL);
  return kind_names[kind];
}

gboolean
ferry_cli_kind_from_string (const char   *text,
                            FerryCliKind *kind)
{
  static const struct { const char *name; FerryCliKind kind; } aliases[] = {
    { "pools", FERRY_CLI_KIND_POOL },
    { "hosts", FERRY_CLI_KIND_HOST },
    { "servers", FERRY_CLI_KIND_HOST },
    { "vms", FERRY_CLI_KIND_VM },
    { "srs", FERRY_CLI_KIND_SR },
    { "disks", FERRY_CLI_KIND_DISK },
    { "vdi", FERRY_CLI_KIND_DISK },
    { "vdis", FERRY_CLI_KIND_DISK },
    { "networks", FERRY_CLI_KIND_NETWORK },
    { "net", FERRY_CLI_KIND_NETWORK },
    { "nets", FERRY_CLI_KIND_NETWORK },
  };
  g_autofree char *folded = NULL;

  if (text == NULL)
    return FALSE;
  folded = g_ascii_strdown (text, -1);

  for (guint i = 0; i < FERRY_CLI_N_KINDS; i++)
    if (g_str_equal (folded, kind_names[i]))
      {
        *kind = i;
        return TRUE;
      }
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (g_str_equal (folded, aliases[i].name))
      {
        *kind = aliases[i].kind;
        return TRUE;
      }
  return FALSE;
}

GType
ferry_cli_kind_get_object_type (FerryCliKind kind)
{
  switch (kind)
    {
    case FERRY_CLI_KIND_POOL:    return FERRY_TYPE_POOL;
    case FERRY_CLI_KIND_HOST:    return FERRY_TYPE_HOST;
    case FERRY_CLI_KIND_VM:      return FERRY_TYPE_VM;
    case FERRY_CLI_KIND_SR:      return FERRY_TYPE_SR;
    case FERRY_CLI_KIND_DISK:    return FERRY_TYPE_VDI;
    case FERRY_CLI_KIND_NETWORK: return FERRY_TYPE_NETWORK;
    case FERRY_CLI_N_KINDS:
    default:                     return G_TYPE_INVALID;
    }
}

FerryCliKind
ferry_cli_kind_of (FerryObject *object)
{
  for (guint i = 0; i < FERRY_CLI_N_KINDS; i++)
    if (G_TYPE_CHECK_INSTANCE_TYPE (object, ferry_cli_kind_get_object_type (i)))
      return i;
  return FERRY_CLI_KIND_ANY;
}

/* Caches and pools */

void
ferry_cli_cache_set_connection (FerryCache      *cache,
                                FerryConnection *connection)
{
  g_object_set_data (G_OBJECT (cache), "ferry-cli-connection", connection);
}

FerryConnection *
ferry_cli_cache_get_connection (FerryCache *cache)
{
  return cache != NULL ? g_object_get_data (G_OBJECT (cache), "ferry-cli-connection") : NULL;
}

const char *
ferry_cli_pool_get_display_name (FerryPool *pool)
{
  FerryObject *master;
  const char *name = ferry_object_get_name_label (FERRY_OBJECT (pool));

  if (name[0] != '\0')
    return name;
  master = ferry_object_lookup_ref (FERRY_OBJECT (pool), ferry_pool_get_master (pool));
  return master != NULL ? ferry_object_get_name_label (master) : "";
}

const char *
ferry_cli_object_get_name (FerryObject *object)
{
  if (FERRY_IS_POOL (object))
    return ferry_cli_pool_get_display_name (FERRY_POOL (object));
  return ferry_object_get_name_label (object);
}

FerryPool *
ferry_cli_object_get_pool (FerryObject *object)
{
  FerryCache *cache = ferry_object_get_cache (object);

  return cache != NULL ? ferry_cache_get_pool (cache) : NULL;
}

gboolean
ferry_cli_object_is_listed (FerryObject *object)
{
  if (FERRY_IS_VM (object))
    {
      FerryVm *vm = FERRY_VM (object);

      return !ferry_vm_get_is_a_template (vm) && !ferry_vm_get_is_a_snapshot (vm) &&
             !ferry_vm_get_is_control_domain (vm);
    }

  if (FERRY_IS_VDI (object))
    {
      FerryVdi *vdi = FERRY_VDI (object);
      FerryObject *sr = ferry_object_lookup_ref (object, ferry_vdi_get_sr (vdi));

      if (ferry_vdi_get_is_a_snapshot (vdi) || ferry_vdi_get_is_tools_iso (vdi))
        return FALSE;
      return sr == NULL || g_strcmp0 (ferry_sr_get_content_type (FERRY_SR (sr)), "iso") != 0;
    }

  if (FERRY_IS_SR (object))
    return !ferry_sr_get_is_tools_sr (FERRY_SR (object));

  return TRUE;
}

/* Finding objects */

static void
add_unique (GPtrArray *found,
            gpointer   object)
{
  if (object != NULL && !g_ptr_array_find (found, object, NULL))
    g_ptr_array_add (found, object);
}

static void
collect (GPtrArray    *found,
         FerryCache   *cache,
         FerryCliKind  kind,
         const char   *text)
{
  GType type = ferry_cli_kind_get_object_type (kind);
  FerryObject *object;
  GListModel *objects;

  if ((object = ferry_cache_lookup (cache, text)) != NULL && G_TYPE_CHECK_INSTANCE_TYPE (object, type))
    add_unique (found, object);
  if ((object = ferry_cache_lookup_by_uuid (cache, text)) != NULL && G_TYPE_CHECK_INSTANCE_TYPE (object, type))
    add_unique (found, object);
  if (found->len > 0 && (g_str_has_prefix (text, "OpaqueRef:") || g_uuid_string_is_valid (text)))
    return;

  objects = ferry_cache_get_objects (cache, type);
  for (guint i = 0; i < g_list_model_get_n_items (objects); i++)
    {
      g_autoptr(FerryObject) item = g_list_model_get_item (objects, i);

      if (g_strcmp0 (ferry_cli_object_get_name (item), text) == 0)
        add_unique (found, item);
    }
}

/* Keeps the objects that @keep accepts, unless none would remain. */
static void
narrow (GPtrArray *found,
        gboolean (*keep) (FerryObject *object, gpointer data),
        gpointer   data)
{
  guint n = 0;

  for (guint i = 0; i < found->len; i++)
    if (keep (g_ptr_array_index (found, i), data))
      n++;
  if (n == 0 || n == found->len)
    return;
  for (guint i = found->len; i > 0; i--)
    if (!keep (g_ptr_array_index (found, i - 1), data))
      g_ptr_array_remove_index (found, i - 1);
}

static gboolean
keep_in_cache (FerryObject *object,
               gpointer     data)
{
  return ferry_object_get_cache (object) == data;
}

static gboolean
keep_listed (FerryObject *object,
             gpointer     data)
{
  return ferry_cli_object_is_listed (object);
}

/* A standalone host's pool has the host's name: the host is meant. */
static gboolean
keep_not_standalone_pool (FerryObject *object,
                          gpointer     data)
{
  GPtrArray *found = data;

  if (!FERRY_IS_POOL (object) || ferry_object_get_name_label (object)[0] != '\0')
    return TRUE;
  for (guint i = 0; i < found->len; i++)
    if (g_strcmp0 (ferry_object_get_ref (g_ptr_array_index (found, i)),
                   ferry_pool_get_master (FERRY_POOL (object))) == 0)
      return FALSE;
  return TRUE;
}

FerryObject *
ferry_cli_find_object (GPtrArray     *connections,
                       FerryCliKind   kind,
                       const char    *text,
                       FerryCache    *prefer,
                       GError       **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autoptr(GString) list = NULL;

  g_return_val_if_fail (connections != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  for (guint c = 0; c < connections->len; c++)
    {
      FerryCache *cache = ferry_connection_get_cache (g_ptr_array_index (connections, c));

      if (kind == FERRY_CLI_KIND_ANY)
        for (guint k = 0; k < FERRY_CLI_N_KINDS; k++)
          collect (found, cache, k, text);
      else
        collect (found, cache, kind, text);
    }

  if (found->len > 1)
    {
      g_autoptr(GPtrArray) copy = g_ptr_array_copy (found, NULL, NULL);

      narrow (found, keep_not_standalone_pool, copy);
    }
  if (found->len > 1 && prefer != NULL)
    narrow (found, keep_in_cache, prefer);
  if (found->len > 1)
    narrow (found, keep_listed, NULL);

  if (found->len == 1)
    return g_ptr_array_index (found, 0);

  if (found->len == 0)
    {
      if (kind == FERRY_CLI_KIND_ANY)
        g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                     _("Nothing is called “%s” (no pool, host, VM, SR, disk or network of that name, UUID or ref)"),
                     text);
      else
        switch (kind)
          {
          case FERRY_CLI_KIND_POOL:
            g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                         _("No pool is called “%s” (by name, UUID or ref)"), text);
            break;
          case FERRY_CLI_KIND_HOST:
            g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                         _("No host is called “%s” (by name, UUID or ref)"), text);
            break;
          case FERRY_CLI_KIND_VM:
            g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                         _("No VM is called “%s” (by name, UUID or ref)"), text);
            break;
          case FERRY_CLI_KIND_SR:
            g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                         _("No SR is called “%s” (by name, UUID or ref)"), text);
            break;
          case FERRY_CLI_KIND_DISK:
            g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                         _("No disk is called “%s” (by name, UUID or ref)"), text);
            break;
          case FERRY_CLI_KIND_NETWORK:
          case FERRY_CLI_N_KINDS:
          default:
            g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                         _("No network is called “%s” (by name, UUID or ref)"), text);
            break;
          }
      return NULL;
    }

  list = g_string_new (NULL);
  for (guint i = 0; i < found->len; i++)
    {
      FerryObject *object = g_ptr_array_index (found, i);
      FerryPool *pool = ferry_cli_object_get_pool (object);
      FerryCliKind object_kind = ferry_cli_kind_of (object);

      g_string_append_printf (list, "\n  %s %s (%s)%s%s",
                              object_kind < FERRY_CLI_N_KINDS ? ferry_cli_kind_to_string (object_kind) : "?",
                              ferry_object_get_uuid (object), ferry_cli_object_get_name (object),
                              pool ? _(" in ") : "", pool ? ferry_cli_pool_get_display_name (pool) : "");
    }
  g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_AMBIGUOUS,
               _("“%s” names %u objects; use a UUID, or --server to use fewer servers:%s"), text, found->len, list->str);
  return NULL;
}

/* JSON helpers */

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static void
add_bool (JsonBuilder *builder,
          const char  *member,
          gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

static void
add_nonempty (JsonBuilder *builder,
              const char  *member,
              const char  *value)
{
  ferry_cli_json_add_string (builder, member, value != NULL && value[0] != '\0' ? value : NULL);
}

static void
add_ref_value (JsonBuilder *builder,
               FerryObject *object)
{
  FerryCliKind kind;

  if (object == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  kind = ferry_cli_kind_of (object);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  if (kind < FERRY_CLI_N_KINDS)
    json_builder_add_string_value (builder, ferry_cli_kind_to_string (kind));
  else
    {
      g_autofree char *type = g_ascii_strdown (ferry_object_get_xapi_class (object), -1);

      json_builder_add_string_value (builder, type);
    }
  ferry_cli_json_add_string (builder, "name", ferry_cli_object_get_name (object));
  ferry_cli_json_add_string (builder, "uuid", ferry_object_get_uuid (object));
  ferry_cli_json_add_string (builder, "ref", ferry_object_get_ref (object));
  json_builder_end_object (builder);
}

void
ferry_cli_json_add_ref (JsonBuilder *builder,
                        const char  *member,
                        FerryObject *object)
{
  if (member != NULL)
    json_builder_set_member_name (builder, member);
  add_ref_value (builder, object);
}

void
ferry_cli_json_add_ref_field (JsonBuilder *builder,
                              const char  *member,
                              FerryObject *owner,
                              const char  *ref)
{
  ferry_cli_json_add_ref (builder, member, ref != NULL ? ferry_object_lookup_ref (owner, ref) : NULL);
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

/* The items of @model (with @filter, if any), sorted by name; transfer full. */
static GPtrArray *
sorted_items (GListModel *model,
              gboolean  (*filter) (FerryObject *object))
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      FerryObject *item = g_list_model_get_item (model, i);

      if (filter == NULL || filter (item))
        g_ptr_array_add (items, item);
      else
        g_object_unref (item);
    }
  g_ptr_array_sort (items, compare_by_name);
  return items;
}

static void
add_ref_list (JsonBuilder *builder,
              const char  *member,
              GPtrArray   *objects)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < objects->len; i++)
    add_ref_value (builder, g_ptr_array_index (objects, i));
  json_builder_end_array (builder);
}

static void
begin_object (JsonBuilder *builder,
              FerryObject *object)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, ferry_cli_kind_to_string (ferry_cli_kind_of (object)));
  ferry_cli_json_add_string (builder, "name", ferry_cli_object_get_name (object));
  ferry_cli_json_add_string (builder, "uuid", ferry_object_get_uuid (object));
  ferry_cli_json_add_string (builder, "ref", ferry_object_get_ref (object));
  if (!FERRY_IS_POOL (object))
    ferry_cli_json_add_ref (builder, "pool", FERRY_OBJECT (ferry_cli_object_get_pool (object)));
}

static guint
n_items (GListModel *model)
{
  return model != NULL ? g_list_model_get_n_items (model) : 0;
}

static gboolean
is_guest_vm (FerryObject *object)
{
  return ferry_cli_object_is_listed (object);
}

/* Pools */

static void
add_pool (JsonBuilder *builder,
          FerryPool   *pool,
          gboolean     details)
{
  FerryObject *object = FERRY_OBJECT (pool);
  FerryConnection *connection = ferry_cli_cache_get_connection (ferry_object_get_cache (object));
  g_autoptr(GPtrArray) hosts = sorted_items (ferry_pool_get_hosts (pool), NULL);
  g_autoptr(GPtrArray) vms = sorted_items (ferry_pool_get_vms (pool), is_guest_vm);

  begin_object (builder, object);
  ferry_cli_json_add_string (builder, "server", connection ? ferry_connection_get_address (connection) : NULL);
  ferry_cli_json_add_ref_field (builder, "master", object, ferry_pool_get_master (pool));
  add_bool (builder, "standalone", ferry_object_get_name_label (object)[0] == '\0' && hosts->len <= 1);
  add_int (builder, "n_hosts", hosts->len);
  add_int (builder, "n_vms", vms->len);
  ferry_cli_json_add_ref_field (builder, "default_sr", object, ferry_pool_get_default_sr (pool));
  add_bool (builder, "ha_enabled", ferry_pool_get_ha_enabled (pool));
  add_bool (builder, "migration_compression", ferry_pool_get_migration_compression (pool));

  if (details)
    {
      g_autoptr(GPtrArray) srs = sorted_items (ferry_pool_get_srs (pool), NULL);
      g_autoptr(GPtrArray) networks = sorted_items (ferry_pool_get_networks (pool), NULL);

      add_nonempty (builder, "description", ferry_object_get_name_description (object));
      add_int (builder, "ha_host_failures_to_tolerate", ferry_pool_get_ha_host_failures_to_tolerate (pool));
      add_ref_list (builder, "hosts", hosts);
      add_ref_list (builder, "srs", srs);
      add_ref_list (builder, "networks", networks);
    }
  json_builder_end_object (builder);
}

/* Hosts */

static gint64
parse_int (const char *text)
{
  gint64 value;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &value, NULL))
    return -1;
  return value;
}

static void
add_int_or_null (JsonBuilder *builder,
                 const char  *member,
                 gint64       value)
{
  json_builder_set_member_name (builder, member);
  if (value < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, value);
}

static void
add_host (JsonBuilder *builder,
          FerryHost   *host,
          gboolean     details)
{
  FerryObject *object = FERRY_OBJECT (host);
  FerryPool *pool = ferry_cli_object_get_pool (object);
  FerryObject *metrics = ferry_object_lookup_ref (object, ferry_host_get_metrics (host));
  g_autoptr(GPtrArray) vms = sorted_items (ferry_host_get_resident_vms (host), is_guest_vm);

  begin_object (builder, object);
  add_nonempty (builder, "address", ferry_host_get_address (host));
  add_bool (builder, "enabled", ferry_host_get_enabled (host));
  add_bool (builder, "is_master", pool != NULL && g_strcmp0 (ferry_pool_get_master (pool), ferry_object_get_ref (object)) == 0);
  ferry_cli_json_add_string (builder, "product_version", ferry_host_lookup_software_version (host, "product_version"));
  ferry_cli_json_add_string (builder, "platform_version", ferry_host_lookup_software_version (host, "platform_version"));
  ferry_cli_json_add_string (builder, "cpu_vendor", ferry_host_lookup_cpu_info (host, "vendor"));
  add_int_or_null (builder, "memory_total_bytes",
                   FERRY_IS_HOST_METRICS (metrics) ? ferry_host_metrics_get_memory_total (FERRY_HOST_METRICS (metrics)) : -1);
  add_int_or_null (builder, "memory_free_bytes",
                   FERRY_IS_HOST_METRICS (metrics) ? ferry_host_metrics_get_memory_free (FERRY_HOST_METRICS (metrics)) : -1);
  add_int (builder, "n_vms", vms->len);

  if (details)
    {
      GListModel *pbds = ferry_host_get_pbds (host);
      g_autoptr(GPtrArray) srs = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) pifs = sorted_items (ferry_host_get_pifs (host), NULL);

      add_nonempty (builder, "description", ferry_object_get_name_description (object));
      add_nonempty (builder, "hostname", ferry_host_get_hostname (host));
      ferry_cli_json_add_string (builder, "product_brand", ferry_host_lookup_software_version (host, "product_brand"));
      ferry_cli_json_add_string (builder, "xapi_build", ferry_host_lookup_software_version (host, "xapi_build"));
      ferry_cli_json_add_string (builder, "xen", ferry_host_lookup_software_version (host, "xen"));
      add_nonempty (builder, "edition", ferry_host_get_edition (host));
      ferry_cli_json_add_string (builder, "cpu_model", ferry_host_lookup_cpu_info (host, "modelname"));
      add_int_or_null (builder, "cpu_count", parse_int (ferry_host_lookup_cpu_info (host, "cpu_count")));
      add_bool (builder, "https_only", ferry_host_get_https_only (host));
      add_ref_list (builder, "vms", vms);

      for (guint i = 0; pbds != NULL && i < g_list_model_get_n_items (pbds); i++)
        {
          g_autoptr(FerryPbd) pbd = g_list_model_get_item (pbds, i);
          FerryObject *sr = ferry_object_lookup_ref (FERRY_OBJECT (pbd), ferry_pbd_get_sr (pbd));

          if (sr != NULL && !g_ptr_array_find (srs, sr, NULL))
            g_ptr_array_add (srs, g_object_ref (sr));
        }
      g_ptr_array_sort (srs, compare_by_name);
      add_ref_list (builder, "srs", srs);

      json_builder_set_member_name (builder, "pifs");
      json_builder_begin_array (builder);
      for (guint i = 0; i < pifs->len; i++)
        {
          FerryPif *pif = g_ptr_array_index (pifs, i);

          json_builder_begin_object (builder);
          add_nonempty (builder, "device", ferry_pif_get_device (pif));
          ferry_cli_json_add_ref_field (builder, "network", FERRY_OBJECT (pif), ferry_pif_get_network (pif));
          add_int (builder, "vlan", ferry_pif_get_vlan (pif));
          add_nonempty (builder, "ip", ferry_pif_get_ip (pif));
          add_bool (builder, "management", ferry_pif_get_management (pif));
          add_bool (builder, "attached", ferry_pif_get_currently_attached (pif));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      add_int (builder, "n_pgpus", n_items (ferry_host_get_pgpus (host)));
      add_int (builder, "n_pusbs", n_items (ferry_host_get_pusbs (host)));
    }
  json_builder_end_object (builder);
}

/* VMs */

const char *
ferry_cli_vm_power_state_to_string (FerryVmPowerState state)
{
  switch (state)
    {
    case FERRY_VM_POWER_STATE_HALTED:    return "halted";
    case FERRY_VM_POWER_STATE_PAUSED:    return "paused";
    case FERRY_VM_POWER_STATE_RUNNING:   return "running";
    case FERRY_VM_POWER_STATE_SUSPENDED: return "suspended";
    case FERRY_VM_POWER_STATE_UNKNOWN:
    default:                             return "unknown";
    }
}

static guint
count_disks (FerryVm *vm)
{
  GListModel *vbds = ferry_vm_get_vbds (vm);
  guint n = 0;

  for (guint i = 0; vbds != NULL && i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);

      if (g_strcmp0 (ferry_vbd_get_vbd_type (vbd), "Disk") == 0 &&
          ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd)) != NULL)
        n++;
    }
  return n;
}

static int
compare_by_device (gconstpointer a,
                   gconstpointer b)
{
  FerryObject *oa = *(FerryObject **) a;
  FerryObject *ob = *(FerryObject **) b;
  const char *da = FERRY_IS_VBD (oa) ? ferry_vbd_get_userdevice (FERRY_VBD (oa)) : ferry_vif_get_device (FERRY_VIF (oa));
  const char *db = FERRY_IS_VBD (ob) ? ferry_vbd_get_userdevice (FERRY_VBD (ob)) : ferry_vif_get_device (FERRY_VIF (ob));
  gint64 na = parse_int (da), nb = parse_int (db);

  if (na != nb)
    return na < nb ? -1 : 1;
  return g_strcmp0 (da, db);
}

static GPtrArray *
by_device (GListModel *model)
{
  GPtrArray *items = sorted_items (model, NULL);

  g_ptr_array_sort (items, compare_by_device);
  return items;
}

/* VM operations a migration cares about when they are blocked. */
static const char * const checked_operations[] = {
  "migrate_send", "pool_migrate", "suspend", "resume", "start", "start_on", "clean_shutdown",
  "hard_shutdown", "clean_reboot", "hard_reboot", "snapshot", "copy", "clone", "destroy",
};

static void
add_vm (JsonBuilder *builder,
        FerryVm     *vm,
        gboolean     details)
{
  FerryObject *object = FERRY_OBJECT (vm);

  begin_object (builder, object);
  ferry_cli_json_add_string (builder, "power_state", ferry_cli_vm_power_state_to_string (ferry_vm_get_power_state (vm)));
  ferry_cli_json_add_ref_field (builder, "host", object, ferry_vm_get_resident_on (vm));
  ferry_cli_json_add_ref_field (builder, "home_server", object, ferry_vm_get_affinity (vm));
  add_int (builder, "memory_bytes", ferry_vm_get_memory_dynamic_max (vm));
  add_int (builder, "vcpus", ferry_vm_get_vcpus_at_startup (vm));
  add_int (builder, "n_disks", count_disks (vm));
  add_bool (builder, "is_template", ferry_vm_get_is_a_template (vm));
  add_bool (builder, "is_snapshot", ferry_vm_get_is_a_snapshot (vm));
  add_bool (builder, "is_control_domain", ferry_vm_get_is_control_domain (vm));

  if (details)
    {
      FerryObject *metrics = ferry_object_lookup_ref (object, ferry_vm_get_metrics (vm));
      FerryObject *guest = ferry_object_lookup_ref (object, ferry_vm_get_guest_metrics (vm));
      g_autoptr(GPtrArray) vbds = by_device (ferry_vm_get_vbds (vm));
      g_autoptr(GPtrArray) vifs = by_device (ferry_vm_get_vifs (vm));
      g_autoptr(GPtrArray) vgpus = sorted_items (ferry_vm_get_vgpus (vm), NULL);
      g_autoptr(GPtrArray) snapshots = sorted_items (ferry_vm_get_snapshots (vm), NULL);
      const char * const *pcis = ferry_vm_get_attached_pcis (vm);
      gboolean nomigrate;

      add_nonempty (builder, "description", ferry_object_get_name_description (object));
      add_nonempty (builder, "domain_type", ferry_vm_get_domain_type (vm));

      json_builder_set_member_name (builder, "memory");
      json_builder_begin_object (builder);
      add_int (builder, "static_min_bytes", ferry_vm_get_memory_static_min (vm));
      add_int (builder, "dynamic_min_bytes", ferry_vm_get_memory_dynamic_min (vm));
      add_int (builder, "dynamic_max_bytes", ferry_vm_get_memory_dynamic_max (vm));
      add_int (builder, "static_max_bytes", ferry_vm_get_memory_static_max (vm));
      add_int_or_null (builder, "actual_bytes",
                       FERRY_IS_VM_METRICS (metrics) && ferry_vm_get_power_state (vm) != FERRY_VM_POWER_STATE_HALTED
                         ? ferry_vm_metrics_get_memory_actual (FERRY_VM_METRICS (metrics)) : -1);
      json_builder_end_object (builder);

      add_int (builder, "vcpus_max", ferry_vm_get_vcpus_max (vm));
      ferry_cli_json_add_string (builder, "os",
                                 FERRY_IS_VM_GUEST_METRICS (guest)
                                   ? ferry_vm_guest_metrics_lookup_os_version (FERRY_VM_GUEST_METRICS (guest), "name")
                                   : NULL);

      json_builder_set_member_name (builder, "tools");
      if (FERRY_IS_VM_GUEST_METRICS (guest))
        {
          FerryVmGuestMetrics *gm = FERRY_VM_GUEST_METRICS (guest);
          const char *major = ferry_vm_guest_metrics_lookup_pv_drivers_version (gm, "major");
          const char *minor = ferry_vm_guest_metrics_lookup_pv_drivers_version (gm, "minor");
          const char *micro = ferry_vm_guest_metrics_lookup_pv_drivers_version (gm, "micro");
          g_autofree char *version = NULL;

          if (major != NULL)
            version = g_strdup_printf ("%s.%s%s%s", major, minor ? minor : "0", micro ? "." : "", micro ? micro : "");
          json_builder_begin_object (builder);
          add_bool (builder, "pv_drivers_detected", ferry_vm_guest_metrics_get_pv_drivers_detected (gm));
          ferry_cli_json_add_string (builder, "version", version);
          json_builder_end_object (builder);
        }
      else
        json_builder_add_null_value (builder);

      nomigrate = g_strcmp0 (ferry_vm_lookup_platform (vm, "nomigrate"), "true") == 0 ||
                  g_strcmp0 (ferry_vm_lookup_platform (vm, "nomigrate"), "1") == 0 ||
                  (FERRY_IS_VM_METRICS (metrics) && ferry_vm_metrics_get_nomigrate (FERRY_VM_METRICS (metrics)));
      add_bool (builder, "nomigrate", nomigrate);
      add_nonempty (builder, "ha_restart_priority", ferry_vm_get_ha_restart_priority (vm));
      add_bool (builder, "ha_always_run", ferry_vm_get_ha_always_run (vm));

      json_builder_set_member_name (builder, "blocked_operations");
      json_builder_begin_array (builder);
      for (guint i = 0; i < G_N_ELEMENTS (checked_operations); i++)
        if (ferry_vm_lookup_blocked_operations (vm, checked_operations[i]) != NULL)
          json_builder_add_string_value (builder, checked_operations[i]);
      json_builder_end_array (builder);
      ferry_cli_json_add_strv (builder, "allowed_operations", ferry_object_get_allowed_operations (object));
      ferry_cli_json_add_strv (builder, "tags", ferry_object_get_tags (object));
      ferry_cli_json_add_ref_field (builder, "snapshot_of", object, ferry_vm_get_snapshot_of (vm));
      ferry_cli_json_add_ref_field (builder, "suspend_sr", object, ferry_vm_get_suspend_sr (vm));

      json_builder_set_member_name (builder, "vbds");
      json_builder_begin_array (builder);
      for (guint i = 0; i < vbds->len; i++)
        {
          FerryVbd *vbd = g_ptr_array_index (vbds, i);
          FerryObject *vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));
          g_autofree char *type = g_ascii_strdown (ferry_vbd_get_vbd_type (vbd) ? ferry_vbd_get_vbd_type (vbd) : "", -1);
          g_autofree char *mode = g_ascii_strdown (ferry_vbd_get_mode (vbd) ? ferry_vbd_get_mode (vbd) : "", -1);

          json_builder_begin_object (builder);
          add_nonempty (builder, "device", ferry_vbd_get_userdevice (vbd));
          add_nonempty (builder, "type", type);
          add_nonempty (builder, "mode", mode);
          add_bool (builder, "bootable", ferry_vbd_get_bootable (vbd));
          ferry_cli_json_add_ref (builder, "disk", vdi);
          ferry_cli_json_add_ref_field (builder, "sr", FERRY_OBJECT (vbd),
                                        FERRY_IS_VDI (vdi) ? ferry_vdi_get_sr (FERRY_VDI (vdi)) : NULL);
          add_int_or_null (builder, "virtual_size_bytes",
                           FERRY_IS_VDI (vdi) ? ferry_vdi_get_virtual_size (FERRY_VDI (vdi)) : -1);
          add_bool (builder, "cbt_enabled", FERRY_IS_VDI (vdi) && ferry_vdi_get_cbt_enabled (FERRY_VDI (vdi)));
          ferry_cli_json_add_string (builder, "on_boot", FERRY_IS_VDI (vdi) ? ferry_vdi_get_on_boot (FERRY_VDI (vdi)) : NULL);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "vifs");
      json_builder_begin_array (builder);
      for (guint i = 0; i < vifs->len; i++)
        {
          FerryVif *vif = g_ptr_array_index (vifs, i);

          json_builder_begin_object (builder);
          add_nonempty (builder, "device", ferry_vif_get_device (vif));
          add_nonempty (builder, "mac", ferry_vif_get_mac (vif));
          ferry_cli_json_add_ref_field (builder, "network", FERRY_OBJECT (vif), ferry_vif_get_network (vif));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "vgpus");
      json_builder_begin_array (builder);
      for (guint i = 0; i < vgpus->len; i++)
        {
          FerryVgpu *vgpu = g_ptr_array_index (vgpus, i);
          FerryObject *type = ferry_object_lookup_ref (FERRY_OBJECT (vgpu), ferry_vgpu_get_vgpu_type (vgpu));

          json_builder_begin_object (builder);
          ferry_cli_json_add_string (builder, "type",
                                     FERRY_IS_VGPU_TYPE (type) ? ferry_vgpu_type_get_model_name (FERRY_VGPU_TYPE (type)) : NULL);
          ferry_cli_json_add_string (builder, "implementation",
                                     FERRY_IS_VGPU_TYPE (type) ? ferry_vgpu_type_get_implementation (FERRY_VGPU_TYPE (type)) : NULL);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      add_int (builder, "n_vusbs", n_items (ferry_vm_get_vusbs (vm)));
      add_int (builder, "n_pcis", pcis != NULL ? g_strv_length ((char **) pcis) : 0);
      add_ref_list (builder, "snapshots", snapshots);
    }
  json_builder_end_object (builder);
}

/* SRs */

static void
add_sr (JsonBuilder *builder,
        FerrySr     *sr,
        gboolean     details)
{
  FerryObject *object = FERRY_OBJECT (sr);
  FerryPool *pool = ferry_cli_object_get_pool (object);
  GListModel *pbds = ferry_sr_get_pbds (sr);
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) disks = sorted_items (ferry_sr_get_vdis (sr), NULL);
  gint64 size = ferry_sr_get_physical_size (sr);
  gint64 used = ferry_sr_get_physical_utilisation (sr);

  for (guint i = 0; pbds != NULL && i < g_list_model_get_n_items (pbds); i++)
    {
      g_autoptr(FerryPbd) pbd = g_list_model_get_item (pbds, i);
      FerryObject *host = ferry_object_lookup_ref (FERRY_OBJECT (pbd), ferry_pbd_get_host (pbd));

      if (host != NULL && !g_ptr_array_find (hosts, host, NULL))
        g_ptr_array_add (hosts, g_object_ref (host));
    }
  g_ptr_array_sort (hosts, compare_by_name);

  begin_object (builder, object);
  add_nonempty (builder, "sr_type", ferry_sr_get_sr_type (sr));
  add_nonempty (builder, "content_type", ferry_sr_get_content_type (sr));
  add_bool (builder, "shared", ferry_sr_get_shared (sr));
  add_int (builder, "size_bytes", size);
  add_int (builder, "used_bytes", used);
  add_int (builder, "free_bytes", MAX (size - used, 0));
  add_bool (builder, "is_default", pool != NULL && g_strcmp0 (ferry_pool_get_default_sr (pool), ferry_object_get_ref (object)) == 0);
  add_ref_list (builder, "hosts", hosts);
  add_int (builder, "n_disks", disks->len);

  if (details)
    {
      add_nonempty (builder, "description", ferry_object_get_name_description (object));
      add_int (builder, "virtual_allocation_bytes", ferry_sr_get_virtual_allocation (sr));
      add_bool (builder, "clustered", ferry_sr_get_clustered (sr));

      json_builder_set_member_name (builder, "pbds");
      json_builder_begin_array (builder);
      for (guint i = 0; pbds != NULL && i < g_list_model_get_n_items (pbds); i++)
        {
          g_autoptr(FerryPbd) pbd = g_list_model_get_item (pbds, i);

          json_builder_begin_object (builder);
          ferry_cli_json_add_ref_field (builder, "host", FERRY_OBJECT (pbd), ferry_pbd_get_host (pbd));
          add_bool (builder, "attached", ferry_pbd_get_currently_attached (pbd));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      add_ref_list (builder, "disks", disks);
      ferry_cli_json_add_strv (builder, "allowed_operations", ferry_object_get_allowed_operations (object));
    }
  json_builder_end_object (builder);
}

/* Disks */

static void
add_disk (JsonBuilder *builder,
          FerryVdi    *vdi,
          gboolean     details)
{
  FerryObject *object = FERRY_OBJECT (vdi);
  g_autoptr(GPtrArray) vbds = sorted_items (ferry_vdi_get_vbds (vdi), NULL);
  g_autoptr(GPtrArray) vms = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < vbds->len; i++)
    {
      FerryVbd *vbd = g_ptr_array_index (vbds, i);
      FerryObject *vm = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vm (vbd));

      if (vm != NULL && !g_ptr_array_find (vms, vm, NULL))
        g_ptr_array_add (vms, g_object_ref (vm));
    }
  g_ptr_array_sort (vms, compare_by_name);

  begin_object (builder, object);
  ferry_cli_json_add_ref_field (builder, "sr", object, ferry_vdi_get_sr (vdi));
  add_int (builder, "virtual_size_bytes", ferry_vdi_get_virtual_size (vdi));
  add_int (builder, "physical_utilisation_bytes", ferry_vdi_get_physical_utilisation (vdi));
  add_ref_list (builder, "vms", vms);
  add_bool (builder, "cbt_enabled", ferry_vdi_get_cbt_enabled (vdi));
  add_nonempty (builder, "on_boot", ferry_vdi_get_on_boot (vdi));
  add_bool (builder, "sharable", ferry_vdi_get_sharable (vdi));
  add_bool (builder, "read_only", ferry_vdi_get_read_only (vdi));
  add_bool (builder, "is_snapshot", ferry_vdi_get_is_a_snapshot (vdi));

  if (details)
    {
      g_autoptr(GPtrArray) snapshots = sorted_items (ferry_vdi_get_snapshots (vdi), NULL);

      add_nonempty (builder, "description", ferry_object_get_name_description (object));
      add_nonempty (builder, "vdi_type", ferry_vdi_get_vdi_type (vdi));
      add_nonempty (builder, "location", ferry_vdi_get_location (vdi));
      add_bool (builder, "allow_caching", ferry_vdi_get_allow_caching (vdi));
      add_bool (builder, "managed", ferry_vdi_get_managed (vdi));
      add_bool (builder, "missing", ferry_vdi_get_missing (vdi));
      ferry_cli_json_add_ref_field (builder, "snapshot_of", object, ferry_vdi_get_snapshot_of (vdi));
      add_ref_list (builder, "snapshots", snapshots);

      json_builder_set_member_name (builder, "vbds");
      json_builder_begin_array (builder);
      for (guint i = 0; i < vbds->len; i++)
        {
          FerryVbd *vbd = g_ptr_array_index (vbds, i);
          g_autofree char *mode = g_ascii_strdown (ferry_vbd_get_mode (vbd) ? ferry_vbd_get_mode (vbd) : "", -1);

          json_builder_begin_object (builder);
          ferry_cli_json_add_ref_field (builder, "vm", FERRY_OBJECT (vbd), ferry_vbd_get_vm (vbd));
          add_nonempty (builder, "device", ferry_vbd_get_userdevice (vbd));
          add_nonempty (builder, "mode", mode);
          add_bool (builder, "attached", ferry_vbd_get_currently_attached (vbd));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

/* Networks */

static void
add_network (JsonBuilder  *builder,
             FerryNetwork *network,
             gboolean      details)
{
  FerryObject *object = FERRY_OBJECT (network);
  g_autoptr(GPtrArray) pifs = sorted_items (ferry_network_get_pifs (network), NULL);
  g_autoptr(GPtrArray) vifs = sorted_items (ferry_network_get_vifs (network), NULL);
  gboolean management = FALSE;

  for (guint i = 0; i < pifs->len; i++)
    management |= ferry_pif_get_management (g_ptr_array_index (pifs, i));

  begin_object (builder, object);
  add_nonempty (builder, "bridge", ferry_network_get_bridge (network));
  add_int (builder, "mtu", ferry_network_get_mtu (network));
  add_bool (builder, "is_management", management);
  add_int (builder, "n_vifs", vifs->len);

  if (details)
    {
      add_nonempty (builder, "description", ferry_object_get_name_description (object));
      add_bool (builder, "managed", ferry_network_get_managed (network));

      json_builder_set_member_name (builder, "pifs");
      json_builder_begin_array (builder);
      for (guint i = 0; i < pifs->len; i++)
        {
          FerryPif *pif = g_ptr_array_index (pifs, i);

          json_builder_begin_object (builder);
          ferry_cli_json_add_ref_field (builder, "host", FERRY_OBJECT (pif), ferry_pif_get_host (pif));
          add_nonempty (builder, "device", ferry_pif_get_device (pif));
          add_int (builder, "vlan", ferry_pif_get_vlan (pif));
          add_nonempty (builder, "ip", ferry_pif_get_ip (pif));
          add_bool (builder, "management", ferry_pif_get_management (pif));
          add_bool (builder, "attached", ferry_pif_get_currently_attached (pif));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "vifs");
      json_builder_begin_array (builder);
      for (guint i = 0; i < vifs->len; i++)
        {
          FerryVif *vif = g_ptr_array_index (vifs, i);

          json_builder_begin_object (builder);
          ferry_cli_json_add_ref_field (builder, "vm", FERRY_OBJECT (vif), ferry_vif_get_vm (vif));
          add_nonempty (builder, "device", ferry_vif_get_device (vif));
          add_nonempty (builder, "mac", ferry_vif_get_mac (vif));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

void
ferry_cli_json_add_object (JsonBuilder *builder,
                           FerryObject *object,
                           gboolean     details)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (FERRY_IS_OBJECT (object));

  switch (ferry_cli_kind_of (object))
    {
    case FERRY_CLI_KIND_POOL:    add_pool (builder, FERRY_POOL (object), details); break;
    case FERRY_CLI_KIND_HOST:    add_host (builder, FERRY_HOST (object), details); break;
    case FERRY_CLI_KIND_VM:      add_vm (builder, FERRY_VM (object), details); break;
    case FERRY_CLI_KIND_SR:      add_sr (builder, FERRY_SR (object), details); break;
    case FERRY_CLI_KIND_DISK:    add_disk (builder, FERRY_VDI (object), details); break;
    case FERRY_CLI_KIND_NETWORK: add_network (builder, FERRY_NETWORK (object), details); break;
    case FERRY_CLI_N_KINDS:
    default:
      add_ref_value (builder, object);
      break;
    }
}
