/* ferry-rules-facts.c: what the rules read, gathered once from the caches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rules-facts"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "ferry-rules-private.h"

/* Local SR types that allocate a disk's full size (LVM); the others are thin. */
static const char * const thick_types[] = {
  "lvm", "lvmoiscsi", "lvmohba", "lvmofcoe", "rawhba", NULL
};

static gint64
parse_int (const char *text)
{
  gint64 value = 0;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &value, NULL))
    return 0;

  return value;
}

static gboolean
is_int (const char *text)
{
  return text != NULL && g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, NULL, NULL);
}

static gboolean
is_true (const char *text)
{
  /* vm_platform.ml is_true: "true" or "1", any case */
  return text != NULL && (g_ascii_strcasecmp (text, "true") == 0 || g_str_equal (text, "1"));
}

/* The memory a VM needs on a host (xapi.md §4.4): its target plus overhead. */
static gint64
vm_footprint (FerryVm *vm)
{
  gint64 target;

  if (g_strcmp0 (ferry_vm_get_domain_type (vm), "pv_in_pvh") == 0)
    target = ferry_vm_get_memory_static_max (vm);
  else
    target = ferry_vm_get_memory_dynamic_min (vm);

  return MAX (target, 0) + MAX (ferry_vm_get_memory_overhead (vm), 0);
}

/* Names */

const char *
_ferry_name (gpointer object)
{
  const char *name;

  if (object == NULL)
    return _("(unknown)");

  if (FERRY_IS_POOL (object))
    {
      FerryObject *master = ferry_object_lookup_ref (object, ferry_pool_get_master (object));

      name = ferry_object_get_name_label (object);
      if ((name == NULL || *name == '\0') && master != NULL)
        return ferry_object_get_name_label (master);
    }
  else
    name = ferry_object_get_name_label (object);

  if (name == NULL || *name == '\0')
    {
      /* A nameless VIF or VBD: its device says more than nothing. */
      if (FERRY_IS_VIF (object) && ferry_vif_get_device (object))
        return ferry_vif_get_device (object);
      if (FERRY_IS_VBD (object) && ferry_vbd_get_userdevice (object))
        return ferry_vbd_get_userdevice (object);
      return _("(unnamed)");
    }

  return name;
}

char *
_ferry_format_size (gint64 bytes)
{
  return g_format_size_full (MAX (bytes, 0), G_FORMAT_SIZE_IEC_UNITS);
}

/* "XenServer 8.4.0": brand and version, for messages. */
const char *
_ferry_host_product (FerryHost  *host,
                     char      **owned)
{
  const char *brand = ferry_host_lookup_software_version (host, "product_brand");
  const char *version = ferry_host_lookup_software_version (host, "product_version");

  if (brand == NULL)
    brand = ferry_host_lookup_software_version (host, "platform_name");
  if (version == NULL)
    version = ferry_host_lookup_software_version (host, "platform_version");

  *owned = g_strdup_printf ("%s %s", brand ? brand : "", version ? version : "?");
  g_strstrip (*owned);

  return *owned;
}

void
_ferry_check_add_objects (FerryCheck *check,
                          ...)
{
  va_list args;
  gpointer object;

  if (check == NULL)
    return;

  va_start (args, check);
  while ((object = va_arg (args, gpointer)) != NULL)
    ferry_check_add_object (check, object);
  va_end (args);
}

/* Pools */

static void
pool_facts_free (FerryPoolFacts *facts)
{
  g_clear_pointer (&facts->sm_by_type, g_hash_table_unref);
  g_clear_pointer (&facts->network_by_name, g_hash_table_unref);
  g_free (facts);
}

static FerryNetwork *
find_management_network (FerryHost *master)
{
  GListModel *pifs;

  if (master == NULL)
    return NULL;

  pifs = ferry_host_get_pifs (master);
  for (guint i = 0; i < g_list_model_get_n_items (pifs); i++)
    {
      g_autoptr(FerryPif) pif = g_list_model_get_item (pifs, i);

      if (ferry_pif_get_management (pif))
        {
          FerryObject *network = ferry_object_lookup_ref (FERRY_OBJECT (pif), ferry_pif_get_network (pif));

          if (FERRY_IS_NETWORK (network))
            return FERRY_NETWORK (network);
        }
    }

  return NULL;
}

FerryPoolFacts *
_ferry_rule_env_pool (FerryRuleEnv *env,
                      FerryCache   *cache)
{
  FerryPoolFacts *facts = g_hash_table_lookup (env->pools, cache);
  GListModel *model;
  FerryObject *object;
  const char *uuid;

  if (facts != NULL)
    return facts;

  facts = g_new0 (FerryPoolFacts, 1);
  facts->cache = cache;
  facts->sm_by_type = g_hash_table_new (g_str_hash, g_str_equal);
  facts->network_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (env->pools, cache, facts);

  /* An object removed from its cache has none: an empty pool. */
  if (cache == NULL)
    {
      facts->name = _("(unknown pool)");
      return facts;
    }
  facts->pool = ferry_cache_get_pool (cache);

  if (facts->pool != NULL)
    {
      FerryPool *pool = facts->pool;

      object = ferry_cache_lookup (cache, ferry_pool_get_master (pool));
      facts->master = FERRY_IS_HOST (object) ? FERRY_HOST (object) : NULL;
      object = ferry_cache_lookup (cache, ferry_pool_get_default_sr (pool));
      facts->default_sr = FERRY_IS_SR (object) ? FERRY_SR (object) : NULL;
      facts->ha_enabled = ferry_pool_get_ha_enabled (pool);
      facts->rolling_upgrade =
        ferry_object_lookup_other_config (FERRY_OBJECT (pool), "rolling_upgrade_in_progress") != NULL;
      uuid = ferry_object_get_uuid (FERRY_OBJECT (pool));
      if (env->settings != NULL)
        {
          facts->cvad_managed =
            ferry_rule_settings_get_pool_flag (env->settings, uuid, FERRY_POOL_FLAG_CVAD_MANAGED);
          facts->has_xs82ecu1033 =
            ferry_rule_settings_get_pool_flag (env->settings, uuid, FERRY_POOL_FLAG_HAS_XS82ECU1033);
        }
    }
  facts->name = facts->pool ? _ferry_name (facts->pool) : _("(unknown pool)");
  facts->management = find_management_network (facts->master);

  model = ferry_cache_get_objects (cache, FERRY_TYPE_SM);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerrySm) sm = g_list_model_get_item (model, i);
      const char *type = ferry_sm_get_sm_type (sm);

      if (type != NULL)
        g_hash_table_insert (facts->sm_by_type, (gpointer) type, sm);
    }

  model = ferry_cache_get_objects (cache, FERRY_TYPE_NETWORK);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryNetwork) network = g_list_model_get_item (model, i);
      const char *name = ferry_object_get_name_label (FERRY_OBJECT (network));

      if (name != NULL && !g_hash_table_contains (facts->network_by_name, name))
        g_hash_table_insert (facts->network_by_name, (gpointer) name, network);
    }

  return facts;
}

/* SRs */

FerrySrFacts *
_ferry_rule_env_sr (FerryRuleEnv *env,
                    FerrySr      *sr)
{
  FerrySrFacts *facts = g_hash_table_lookup (env->srs, sr);
  const char *type;
  const char *allocation;

  if (facts != NULL)
    return facts;

  facts = g_new0 (FerrySrFacts, 1);
  facts->sr = sr;
  facts->pool = _ferry_rule_env_pool (env, ferry_object_get_cache (FERRY_OBJECT (sr)));
  type = ferry_sr_get_sr_type (sr);
  facts->sm = type ? g_hash_table_lookup (facts->pool->sm_by_type, type) : NULL;
  facts->free = MAX (0, ferry_sr_get_physical_size (sr) - ferry_sr_get_physical_utilisation (sr));
  facts->gfs2 = g_strcmp0 (type, "gfs2") == 0;
  facts->iso = g_strcmp0 (type, "iso") == 0 || g_strcmp0 (ferry_sr_get_content_type (sr), "iso") == 0;

  /* sm_config:allocation says it when the SR knows; else the type does. */
  allocation = ferry_sr_lookup_sm_config (sr, "allocation");
  if (g_strcmp0 (allocation, "thick") == 0)
    facts->thick = TRUE;
  else if (g_strcmp0 (allocation, "thin") == 0 || g_strcmp0 (allocation, "dynamic") == 0)
    facts->thick = FALSE;
  else
    facts->thick = type != NULL && g_strv_contains (thick_types, type);

  g_hash_table_insert (env->srs, sr, facts);

  return facts;
}

gint64
_ferry_rule_dest_footprint (FerrySrFacts *target,
                            FerryVdi     *vdi)
{
  gint64 used = ferry_vdi_get_physical_utilisation (vdi);

  if (target->thick || used <= 0)
    return MAX (ferry_vdi_get_virtual_size (vdi), 0);

  return used;
}

gint64
_ferry_rule_source_footprint (FerrySrFacts *source,
                              FerryVdi     *vdi)
{
  gint64 used = ferry_vdi_get_physical_utilisation (vdi);

  if (source->thick)
    return MAX (ferry_vdi_get_virtual_size (vdi), 0);

  return MAX (used, 0);
}

/* Hosts */

static void
host_facts_free (FerryHostFacts *facts)
{
  g_clear_pointer (&facts->words_hvm, g_free);
  g_clear_pointer (&facts->words_pv, g_free);
  g_clear_pointer (&facts->srs, g_hash_table_unref);
  g_clear_pointer (&facts->networks, g_hash_table_unref);
  g_clear_pointer (&facts->pgpus, g_ptr_array_unref);
  g_free (facts);
}

static gint64
sum_footprints (GListModel *vms)
{
  gint64 sum = 0;

  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (vms, i);

      sum += vm_footprint (vm);
    }

  return sum;
}

static const char *
find_busy_operation (FerryHost *host)
{
  static const char * const conflicting[] = { "evacuate", "reboot", "shutdown", NULL };
  g_autoptr(GHashTable) operations = NULL;
  GHashTableIter iter;
  gpointer value;

  if (ferry_object_get_n_current_operations (FERRY_OBJECT (host)) == 0)
    return NULL;

  g_object_get (host, "current-operations", &operations, NULL);
  if (operations == NULL)
    return NULL;

  g_hash_table_iter_init (&iter, operations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value != NULL && g_strv_contains (conflicting, value))
      return g_intern_string (value);

  return NULL;
}

FerryHostFacts *
_ferry_rule_env_host (FerryRuleEnv *env,
                      FerryHost    *host)
{
  FerryHostFacts *facts;
  FerryObject *object;
  GListModel *model;
  const char * const *capabilities;
  gint64 total = 0;

  if (host == NULL)
    return NULL;

  facts = g_hash_table_lookup (env->hosts, host);
  if (facts != NULL)
    return facts;

  facts = g_new0 (FerryHostFacts, 1);
  facts->host = host;
  facts->pool = _ferry_rule_env_pool (env, ferry_object_get_cache (FERRY_OBJECT (host)));
  g_hash_table_insert (env->hosts, host, facts);

  object = ferry_object_lookup_ref (FERRY_OBJECT (host), ferry_host_get_metrics (host));
  facts->metrics = FERRY_IS_HOST_METRICS (object) ? FERRY_HOST_METRICS (object) : NULL;
  /* No metrics: nothing says the host is down. */
  facts->live = facts->metrics ? ferry_host_metrics_get_live (facts->metrics) : TRUE;
  facts->enabled = ferry_host_get_enabled (host);
  facts->https_only = ferry_host_get_https_only (host);
  facts->iommu = g_strcmp0 (ferry_host_lookup_chipset_info (host, "iommu"), "true") == 0;
  capabilities = ferry_host_get_capabilities (host);
  for (guint i = 0; capabilities != NULL && capabilities[i] != NULL; i++)
    if (strstr (capabilities[i], "hvm") != NULL)
      facts->hvm = TRUE;
  facts->pcpus = parse_int (ferry_host_lookup_cpu_info (host, "cpu_count"));
  facts->cpu_vendor = ferry_host_lookup_cpu_info (host, "vendor");
  facts->features_hvm = ferry_host_lookup_cpu_info (host, "features_hvm");
  facts->features_pv = ferry_host_lookup_cpu_info (host, "features_pv");
  _ferry_version_parse (ferry_host_lookup_software_version (host, "platform_version"),
                        &facts->versions[FERRY_VERSION_KEY_PLATFORM]);
  _ferry_version_parse (ferry_host_lookup_software_version (host, "xapi_build"),
                        &facts->versions[FERRY_VERSION_KEY_XAPI]);
  _ferry_version_parse (ferry_host_lookup_software_version (host, "xen"),
                        &facts->versions[FERRY_VERSION_KEY_XEN]);
  facts->busy_operation = find_busy_operation (host);

  /* Memory as xapi admits VMs (§4.4): total − host overhead − Σ (dynamic_min
   * + overhead) of the VMs resident or scheduled here. That already counts
   * what Dynamic Memory Control can take back from the others. */
  if (facts->metrics != NULL)
    {
      total = ferry_host_metrics_get_memory_total (facts->metrics);
      facts->reported_free = ferry_host_metrics_get_memory_free (facts->metrics);
    }
  facts->free_memory = total - ferry_host_get_memory_overhead (host)
                       - sum_footprints (ferry_host_get_resident_vms (host))
                       - sum_footprints (ferry_host_get_scheduled_vms (host));
  facts->free_memory = MAX (facts->free_memory, 0);

  facts->srs = g_hash_table_new (NULL, NULL);
  model = ferry_host_get_pbds (host);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryPbd) pbd = g_list_model_get_item (model, i);

      if (!ferry_pbd_get_currently_attached (pbd))
        continue;
      object = ferry_object_lookup_ref (FERRY_OBJECT (pbd), ferry_pbd_get_sr (pbd));
      if (FERRY_IS_SR (object))
        g_hash_table_add (facts->srs, object);
    }

  facts->networks = g_hash_table_new (NULL, NULL);
  model = ferry_host_get_pifs (host);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryPif) pif = g_list_model_get_item (model, i);
      FerryPif *known;

      object = ferry_object_lookup_ref (FERRY_OBJECT (pif), ferry_pif_get_network (pif));
      if (!FERRY_IS_NETWORK (object))
        continue;
      /* Prefer a PIF that is not a bond member. */
      known = g_hash_table_lookup (facts->networks, object);
      if (known == NULL || (ferry_pif_get_bond_slave_of (known) != NULL &&
                            ferry_pif_get_bond_slave_of (pif) == NULL))
        g_hash_table_insert (facts->networks, object, pif);
    }

  facts->pgpus = g_ptr_array_new_with_free_func (g_object_unref);
  model = ferry_host_get_pgpus (host);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (facts->pgpus, g_list_model_get_item (model, i));

  return facts;
}

gboolean
_ferry_host_sees_sr (FerryHostFacts *host,
                     FerrySr        *sr)
{
  return host != NULL && sr != NULL && g_hash_table_contains (host->srs, sr);
}

/* VMs */

static void
vm_facts_free (FerryVmFacts *facts)
{
  g_clear_pointer (&facts->cpu_words, g_free);
  g_clear_pointer (&facts->disks, g_array_unref);
  g_clear_pointer (&facts->vifs, g_ptr_array_unref);
  g_clear_pointer (&facts->vgpus, g_ptr_array_unref);
  g_free (facts);
}

static gboolean
looks_like_windows (FerryVm             *vm,
                    FerryVmGuestMetrics *guest)
{
  const char *template_name;

  if (guest != NULL)
    {
      const char *distro = ferry_vm_guest_metrics_lookup_os_version (guest, "distro");

      if (distro != NULL && *distro != '\0')
        return g_ascii_strcasecmp (distro, "windows") == 0;
    }

  /* No guest agent: Windows HVM guests run with viridian enlightenments,
   * and VMs made from a Windows template say so. */
  if (is_true (ferry_vm_lookup_platform (vm, "viridian")))
    return TRUE;
  template_name = ferry_object_lookup_other_config (FERRY_OBJECT (vm), "base_template_name");

  return template_name != NULL && g_ascii_strncasecmp (template_name, "windows", 7) == 0;
}

static gboolean
has_pv_drivers (FerryVmGuestMetrics *guest)
{
  /* xapi_pv_driver_version.ml: major and minor parse as ints */
  return guest != NULL &&
         is_int (ferry_vm_guest_metrics_lookup_pv_drivers_version (guest, "major")) &&
         is_int (ferry_vm_guest_metrics_lookup_pv_drivers_version (guest, "minor"));
}

FerryVmFacts *
_ferry_rule_env_vm (FerryRuleEnv *env,
                    FerryVm      *vm)
{
  FerryVmFacts *facts = g_hash_table_lookup (env->vms, vm);
  FerryObject *object;
  GListModel *model;
  FerryHost *host = NULL;
  const char *domain_type;

  if (facts != NULL)
    return facts;

  facts = g_new0 (FerryVmFacts, 1);
  facts->vm = vm;
  facts->pool = _ferry_rule_env_pool (env, ferry_object_get_cache (FERRY_OBJECT (vm)));
  facts->power = ferry_vm_get_power_state (vm);
  g_hash_table_insert (env->vms, vm, facts);

  object = ferry_object_lookup_ref (FERRY_OBJECT (vm), ferry_vm_get_metrics (vm));
  facts->metrics = FERRY_IS_VM_METRICS (object) ? FERRY_VM_METRICS (object) : NULL;
  object = ferry_object_lookup_ref (FERRY_OBJECT (vm), ferry_vm_get_guest_metrics (vm));
  facts->guest = FERRY_IS_VM_GUEST_METRICS (object) ? FERRY_VM_GUEST_METRICS (object) : NULL;

  /* The source host: where it runs; a halted VM's home server; the master. */
  object = ferry_object_lookup_ref (FERRY_OBJECT (vm), ferry_vm_get_resident_on (vm));
  if (FERRY_IS_HOST (object))
    host = FERRY_HOST (object);
  if (host == NULL)
    {
      object = ferry_object_lookup_ref (FERRY_OBJECT (vm), ferry_vm_get_affinity (vm));
      if (FERRY_IS_HOST (object))
        host = FERRY_HOST (object);
    }
  if (host == NULL)
    host = facts->pool->master;
  facts->host = _ferry_rule_env_host (env, host);

  facts->disks = g_array_new (FALSE, TRUE, sizeof (FerryDiskFacts));
  model = ferry_vm_get_vbds (vm);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (model, i);
      FerryDiskFacts disk = { 0 };

      /* Migration skips empty drives (xapi_vm_migrate.ml vdi_filter). */
      if (ferry_vbd_get_empty (vbd))
        continue;
      object = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));
      if (!FERRY_IS_VDI (object))
        continue;
      disk.vbd = vbd;
      disk.vdi = FERRY_VDI (object);
      object = ferry_object_lookup_ref (object, ferry_vdi_get_sr (disk.vdi));
      disk.sr = FERRY_IS_SR (object) ? FERRY_SR (object) : NULL;
      disk.is_cd = g_strcmp0 (ferry_vbd_get_vbd_type (vbd), "CD") == 0;
      g_array_append_val (facts->disks, disk);
    }
  if (facts->power == FERRY_VM_POWER_STATE_SUSPENDED)
    {
      object = ferry_object_lookup_ref (FERRY_OBJECT (vm), ferry_vm_get_suspend_vdi (vm));
      if (FERRY_IS_VDI (object))
        {
          FerryDiskFacts disk = { 0 };

          disk.vdi = FERRY_VDI (object);
          object = ferry_object_lookup_ref (object, ferry_vdi_get_sr (disk.vdi));
          disk.sr = FERRY_IS_SR (object) ? FERRY_SR (object) : NULL;
          disk.is_suspend_image = TRUE;
          g_array_append_val (facts->disks, disk);
        }
    }

  facts->vifs = g_ptr_array_new_with_free_func (g_object_unref);
  model = ferry_vm_get_vifs (vm);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (facts->vifs, g_list_model_get_item (model, i));

  facts->vgpus = g_ptr_array_new_with_free_func (g_object_unref);
  model = ferry_vm_get_vgpus (vm);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (facts->vgpus, g_list_model_get_item (model, i));

  facts->n_vusbs = g_list_model_get_n_items (ferry_vm_get_vusbs (vm));
  facts->required_memory = vm_footprint (vm);
  facts->cpu_vendor = ferry_vm_lookup_last_boot_cpu_flags (vm, "vendor");
  facts->cpu_features = ferry_vm_lookup_last_boot_cpu_flags (vm, "features");

  domain_type = facts->metrics ? ferry_vm_metrics_get_current_domain_type (facts->metrics) : NULL;
  if (domain_type == NULL || *domain_type == '\0' || g_str_equal (domain_type, "unspecified"))
    domain_type = ferry_vm_get_domain_type (vm);
  facts->pv = g_strcmp0 (domain_type, "pv") == 0;
  facts->windows = looks_like_windows (vm, facts->guest);
  facts->has_tools = has_pv_drivers (facts->guest);
  facts->ha_protected = ferry_vm_get_ha_always_run (vm) &&
                        g_strcmp0 (ferry_vm_get_ha_restart_priority (vm), "restart") == 0;

  return facts;
}

/* The environment */

static void
memo_free (gpointer data)
{
  FerryRuleMemo *memo = data;

  for (guint i = 0; i < FERRY_RULES_N_OPS; i++)
    g_clear_pointer (&memo[i].findings, g_ptr_array_unref);
  g_free (memo);
}

static gint64 *
total_slot (GHashTable *table,
            gpointer    key)
{
  gint64 *slot = g_hash_table_lookup (table, key);

  if (slot == NULL)
    {
      slot = g_new0 (gint64, 1);
      g_hash_table_insert (table, key, slot);
    }

  return slot;
}

/* Adds what @request's moves take to the queued totals (R17, R19, R20). */
static void
add_queued (FerryRuleEnv     *env,
            FerryMoveRequest *request)
{
  FerryCache *dst_cache = ferry_move_request_get_destination_cache (request);
  FerryHostFacts *dst = _ferry_rule_env_host (env, ferry_move_request_get_destination_host (request));
  g_autoptr(GHashTable) counted = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < ferry_move_request_get_n_vms (request); i++)
    {
      FerryVmFacts *vm = _ferry_rule_env_vm (env, ferry_move_request_get_vm (request, i));
      FerryRuleCell cell;

      _ferry_rule_cell_init_full (&cell, env, request, vm, dst_cache, dst, NULL);
      for (guint d = 0; d < vm->disks->len; d++)
        {
          FerryDiskFacts *disk = &g_array_index (vm->disks, FerryDiskFacts, d);
          FerrySr *target = _ferry_rule_cell_target (&cell, d);
          FerrySrFacts *facts;

          if (!_ferry_rule_cell_moves (&cell, d) || target == NULL)
            continue;
          facts = _ferry_rule_env_sr (env, target);
          facts->queued_in += _ferry_rule_dest_footprint (facts, disk->vdi);
          if (g_hash_table_add (counted, facts))
            facts->n_queued++;
          if (disk->sr != NULL && cell.op == FERRY_OPERATION_STORAGE_MIGRATE)
            {
              facts = _ferry_rule_env_sr (env, disk->sr);
              facts->queued_out += _ferry_rule_source_footprint (facts, disk->vdi);
              if (g_hash_table_add (counted, facts))
                facts->n_queued++;
            }
        }
      if (cell.dst != NULL && !cell.same_host)
        cell.dst->queued_memory += vm->required_memory;
      _ferry_rule_cell_clear (&cell);
    }
}

FerryRuleEnv *
_ferry_rule_env_new (FerryMoveRequest  *request,
                     GPtrArray         *queued,
                     FerryRuleSettings *settings)
{
  FerryRuleEnv *env = g_new0 (FerryRuleEnv, 1);

  env->request = request ? g_object_ref (request) : NULL;
  env->settings = settings ? g_object_ref (settings) : NULL;
  env->pools = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) pool_facts_free);
  env->hosts = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) host_facts_free);
  env->srs = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  env->vms = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) vm_facts_free);
  env->request_in = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  env->request_out = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  env->placed = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  env->memo = g_hash_table_new_full (NULL, NULL, NULL, memo_free);

  for (guint i = 0; queued != NULL && i < queued->len; i++)
    {
      FerryMoveRequest *other = g_ptr_array_index (queued, i);

      if (other != request && FERRY_IS_MOVE_REQUEST (other))
        add_queued (env, other);
    }

  return env;
}

void
_ferry_rule_env_free (FerryRuleEnv *env)
{
  if (env == NULL)
    return;

  g_clear_pointer (&env->memo, g_hash_table_unref);
  g_clear_pointer (&env->vms, g_hash_table_unref);
  g_clear_pointer (&env->srs, g_hash_table_unref);
  g_clear_pointer (&env->hosts, g_hash_table_unref);
  g_clear_pointer (&env->pools, g_hash_table_unref);
  g_clear_pointer (&env->request_in, g_hash_table_unref);
  g_clear_pointer (&env->request_out, g_hash_table_unref);
  g_clear_pointer (&env->placed, g_hash_table_unref);
  g_clear_object (&env->request);
  g_clear_object (&env->settings);
  g_free (env);
}

void
_ferry_rule_env_add_request_totals (FerryRuleEnv     *env,
                                    FerryMoveRequest *request)
{
  FerryCache *dst_cache = ferry_move_request_get_destination_cache (request);
  FerryHostFacts *dst = _ferry_rule_env_host (env, ferry_move_request_get_destination_host (request));

  for (guint i = 0; i < ferry_move_request_get_n_vms (request); i++)
    {
      FerryVmFacts *vm = _ferry_rule_env_vm (env, ferry_move_request_get_vm (request, i));
      FerryRuleCell cell;

      _ferry_rule_cell_init_full (&cell, env, request, vm, dst_cache, dst, NULL);
      for (guint d = 0; d < vm->disks->len; d++)
        {
          FerryDiskFacts *disk = &g_array_index (vm->disks, FerryDiskFacts, d);
          FerrySr *target = _ferry_rule_cell_target (&cell, d);

          if (!_ferry_rule_cell_moves (&cell, d) || target == NULL)
            continue;
          *total_slot (env->request_in, target) +=
            _ferry_rule_dest_footprint (_ferry_rule_env_sr (env, target), disk->vdi);
          if (disk->sr != NULL && cell.op == FERRY_OPERATION_STORAGE_MIGRATE)
            *total_slot (env->request_out, disk->sr) +=
              _ferry_rule_source_footprint (_ferry_rule_env_sr (env, disk->sr), disk->vdi);
        }
      _ferry_rule_cell_clear (&cell);
    }
}

gint64
_ferry_rule_env_get_placed (FerryRuleEnv   *env,
                            FerryHostFacts *host)
{
  gint64 *slot = g_hash_table_lookup (env->placed, host);

  return slot ? *slot : 0;
}

void
_ferry_rule_env_place (FerryRuleEnv   *env,
                       FerryHostFacts *host,
                       gint64          bytes)
{
  if (host != NULL)
    *total_slot (env->placed, host) += bytes;
}

/* Cells */

static gboolean
sr_in_cache (FerrySr        *sr,
             FerryPoolFacts *pool)
{
  return sr != NULL && pool != NULL && ferry_object_get_cache (FERRY_OBJECT (sr)) == pool->cache;
}

static FerrySr *
resolve_target (FerryRuleCell  *cell,
                FerryDiskFacts *disk)
{
  FerryMoveRequest *request = cell->request;
  FerrySr *sr = NULL;

  /* CDs never move: a cross-pool move ejects them (xapi.md §3.3). */
  if (disk->is_cd)
    return disk->sr;

  if (cell->sr_override != NULL)
    return cell->sr_override;

  if (request != NULL && disk->vdi != NULL &&
      ferry_move_request_lookup_vdi_sr (request, disk->vdi, &sr))
    {
      if (sr == NULL && !cell->cross_pool)
        return disk->sr;                /* left in place */
      if (sr_in_cache (sr, cell->dst_pool))
        return sr;
    }

  if (request != NULL && sr_in_cache (ferry_move_request_get_default_sr (request), cell->dst_pool))
    return ferry_move_request_get_default_sr (request);

  if (!cell->cross_pool)
    {
      FerryOperation requested = request ? ferry_move_request_get_operation (request) : FERRY_OPERATION_AUTO;

      /* Stay where the destination can see the disk (and always with
       * pool_migrate, which never moves disks); else the pool's default
       * SR, as XenCenter preselects it. */
      if (cell->dst == NULL || _ferry_host_sees_sr (cell->dst, disk->sr) || _ferry_op_is_pool_migrate (requested))
        return disk->sr;
      if (_ferry_host_sees_sr (cell->dst, cell->dst_pool->default_sr))
        return cell->dst_pool->default_sr;
      return disk->sr;
    }

  return cell->dst_pool->default_sr;
}

static FerryOperation
derive_operation (FerryRuleCell *cell)
{
  FerryOperation requested = cell->request ? ferry_move_request_get_operation (cell->request)
                                           : FERRY_OPERATION_AUTO;

  if (requested != FERRY_OPERATION_AUTO)
    return requested;

  if (cell->vm->power == FERRY_VM_POWER_STATE_HALTED)
    return FERRY_OPERATION_MOVE_HALTED;

  if (cell->same_host)
    {
      /* A suspended VM moves with migrate_send, also its disks alone.
       * With nothing to move the current-host rule says so. */
      if (cell->vm->power == FERRY_VM_POWER_STATE_SUSPENDED)
        return FERRY_OPERATION_STORAGE_MIGRATE;
      if (cell->n_moved == 0)
        return FERRY_OPERATION_LIVE_MIGRATE;
      return FERRY_OPERATION_MOVE_DISK;
    }

  /* xapi.md §3.1: pool_migrate needs a running VM and storage the
   * destination sees; everything else is migrate_send. */
  if (!cell->cross_pool && cell->n_moved == 0 &&
      (cell->vm->power == FERRY_VM_POWER_STATE_RUNNING || cell->vm->power == FERRY_VM_POWER_STATE_PAUSED))
    return FERRY_OPERATION_LIVE_MIGRATE;

  return FERRY_OPERATION_STORAGE_MIGRATE;
}

void
_ferry_rule_cell_init_full (FerryRuleCell    *cell,
                            FerryRuleEnv     *env,
                            FerryMoveRequest *request,
                            FerryVmFacts     *vm,
                            FerryCache       *dst_cache,
                            FerryHostFacts   *dst,
                            FerrySr          *sr_override)
{
  FerryOperation requested = request ? ferry_move_request_get_operation (request) : FERRY_OPERATION_AUTO;

  memset (cell, 0, sizeof *cell);
  cell->env = env;
  cell->request = request;
  cell->vm = vm;
  cell->src = vm->host;
  cell->src_pool = vm->pool;
  cell->sr_override = sr_override;
  cell->want_notes = TRUE;
  cell->whole_request = env->whole_request;

  if (dst != NULL)
    cell->dst_pool = dst->pool;
  else if (dst_cache != NULL)
    cell->dst_pool = _ferry_rule_env_pool (env, dst_cache);
  else if (sr_override != NULL)
    cell->dst_pool = _ferry_rule_env_pool (env, ferry_object_get_cache (FERRY_OBJECT (sr_override)));
  else
    cell->dst_pool = vm->pool;
  cell->cross_pool = cell->dst_pool != cell->src_pool;

  /* A disk move keeps the VM on its host; so does a request without a
   * destination in the same pool. */
  if (!cell->cross_pool &&
      (requested == FERRY_OPERATION_MOVE_DISK || (dst == NULL && dst_cache == NULL)))
    dst = vm->host;
  cell->dst = dst;
  cell->same_host = dst != NULL && dst == vm->host;

  cell->targets = g_ptr_array_sized_new (vm->disks->len);
  for (guint d = 0; d < vm->disks->len; d++)
    {
      FerryDiskFacts *disk = &g_array_index (vm->disks, FerryDiskFacts, d);
      FerrySr *target = resolve_target (cell, disk);

      g_ptr_array_add (cell->targets, target);
      if (target == NULL)
        cell->n_unresolved++;
      else if (target != disk->sr && !disk->is_cd)
        cell->n_moved++;
    }

  cell->op = derive_operation (cell);
}

void
_ferry_rule_cell_init (FerryRuleCell  *cell,
                       FerryRuleEnv   *env,
                       FerryVmFacts   *vm,
                       FerryCache     *dst_cache,
                       FerryHostFacts *dst,
                       FerrySr        *sr_override)
{
  _ferry_rule_cell_init_full (cell, env, env->request, vm, dst_cache, dst, sr_override);
}

void
_ferry_rule_cell_clear (FerryRuleCell *cell)
{
  g_clear_pointer (&cell->targets, g_ptr_array_unref);
  g_clear_pointer (&cell->findings, g_ptr_array_unref);
}

FerrySr *
_ferry_rule_cell_target (FerryRuleCell *cell,
                         guint          disk)
{
  g_assert (disk < cell->targets->len);

  return g_ptr_array_index (cell->targets, disk);
}

gboolean
_ferry_rule_cell_moves (FerryRuleCell *cell,
                        guint          disk)
{
  FerryDiskFacts *facts = &g_array_index (cell->vm->disks, FerryDiskFacts, disk);
  FerrySr *target = _ferry_rule_cell_target (cell, disk);

  if (facts->is_cd)
    return FALSE;

  /* Across pools every disk is copied, even to an SR of the same UUID. */
  return cell->cross_pool || (target != NULL && target != facts->sr);
}

gboolean
_ferry_rule_cell_wants (FerryRuleCell      *cell,
                        FerryCheckSeverity  severity)
{
  if (severity == FERRY_CHECK_SEVERITY_NOTE)
    return cell->want_notes;

  return TRUE;
}

void
_ferry_rule_cell_add (FerryRuleCell *cell,
                      FerryCheck    *check)
{
  if (cell->findings == NULL)
    cell->findings = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (cell->findings, g_object_ref (check));
  cell->worst = MAX (cell->worst, ferry_check_get_severity (check));
}

FerryCheck *
_ferry_rule_cell_emit (FerryRuleCell      *cell,
                       const char         *rule_id,
                       FerryCheckSeverity  severity,
                       char               *message,
                       char               *remedy)
{
  g_autoptr(FerryCheck) check = NULL;

  if (!_ferry_rule_cell_wants (cell, severity))
    {
      g_free (message);
      g_free (remedy);
      return NULL;
    }

  check = ferry_check_new_take (rule_id, severity, message, remedy);
  ferry_check_add_object (check, cell->vm->vm);
  _ferry_rule_cell_add (cell, check);

  return check;
}
