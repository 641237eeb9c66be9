/* ferry-sim-checks.c: placement, memory admission, versions, CPUs, licences, HA
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-checks"

#include "config.h"

#include <string.h>

#include "ferry-sim-checks.h"
#include "ferry-sim-error.h"

/* Helpers ------------------------------------------------------------------ */

gboolean
ferry_sim_is_null_ref (const char *ref)
{
  return ref == NULL || *ref == '\0' || g_str_equal (ref, FERRY_SIM_NULL_REF);
}

FerrySimRow *
ferry_sim_follow (FerrySimDb  *db,
                  FerrySimRow *row,
                  const char  *field)
{
  const char *ref;

  if (row == NULL)
    return NULL;
  ref = ferry_sim_row_get_string (row, field);
  if (ferry_sim_is_null_ref (ref))
    return NULL;
  return ferry_sim_db_lookup (db, ref);
}

gboolean
ferry_sim_text_is_true (const char *text)
{
  return text != NULL && (g_ascii_strcasecmp (text, "true") == 0 || g_str_equal (text, "1"));
}

GPtrArray *
ferry_sim_follow_set (FerrySimDb  *db,
                      FerrySimRow *row,
                      const char  *field)
{
  const FerrySimValue *set = row ? ferry_sim_row_get (row, field) : NULL;
  GPtrArray *rows = g_ptr_array_new ();

  for (guint i = 0; set != NULL && i < ferry_sim_value_get_length (set); i++)
    {
      FerrySimRow *item = ferry_sim_db_lookup (db, ferry_sim_value_get_string (ferry_sim_value_index (set, i)));

      if (item != NULL)
        g_ptr_array_add (rows, item);
    }
  return rows;
}

gboolean
ferry_sim_vm_is_live (FerrySimRow *vm)
{
  const char *power = ferry_sim_row_get_string (vm, "power_state");

  return g_strcmp0 (power, "Running") == 0 || g_strcmp0 (power, "Paused") == 0;
}

const char *
ferry_sim_vm_domain_type (FerrySimDb  *db,
                          FerrySimRow *vm)
{
  FerrySimRow *metrics = ferry_sim_follow (db, vm, "metrics");
  const char *current = metrics ? ferry_sim_row_get_string (metrics, "current_domain_type") : NULL;

  if (ferry_sim_vm_is_live (vm) && current != NULL && g_strcmp0 (current, "unspecified") != 0)
    return current;
  return ferry_sim_row_get_string (vm, "domain_type");
}

static char *
int_text (gint64 i)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, i);
}

/* Memory (§4.4) ------------------------------------------------------------ */

gint64
ferry_sim_vm_required_memory (FerrySimRow *vm)
{
  gint64 target = g_strcmp0 (ferry_sim_row_get_string (vm, "domain_type"), "pv_in_pvh") == 0
                ? ferry_sim_row_get_int (vm, "memory_static_max")
                : ferry_sim_row_get_int (vm, "memory_dynamic_min");

  return target + ferry_sim_row_get_int (vm, "memory_overhead");
}

gint64
ferry_sim_host_free_memory (FerrySimDb  *db,
                            FerrySimRow *host,
                            FerrySimRow *ignore_scheduled)
{
  FerrySimRow *metrics = ferry_sim_follow (db, host, "metrics");
  GPtrArray *vms = ferry_sim_db_get_rows_by_name (db, "VM");
  gint64 free_mem;

  if (metrics == NULL)
    return 0;

  free_mem = ferry_sim_row_get_int (metrics, "memory_total") - ferry_sim_row_get_int (host, "memory_overhead");
  for (guint i = 0; i < vms->len; i++)
    {
      FerrySimRow *vm = g_ptr_array_index (vms, i);
      gboolean resident = g_strcmp0 (ferry_sim_row_get_string (vm, "resident_on"), host->ref) == 0;
      gboolean scheduled = vm != ignore_scheduled &&
                           g_strcmp0 (ferry_sim_row_get_string (vm, "scheduled_to_be_resident_on"), host->ref) == 0;

      if (resident || scheduled)
        free_mem -= ferry_sim_vm_required_memory (vm);
    }
  return MAX (free_mem, 0);
}

void
ferry_sim_host_update_memory_free (FerrySimDb  *db,
                                   FerrySimRow *host)
{
  FerrySimRow *metrics = ferry_sim_follow (db, host, "metrics");
  g_autoptr(GPtrArray) resident = ferry_sim_follow_set (db, host, "resident_VMs");
  gint64 free_mem;

  if (metrics == NULL)
    return;

  free_mem = ferry_sim_row_get_int (metrics, "memory_total") - ferry_sim_row_get_int (host, "memory_overhead");
  for (guint i = 0; i < resident->len; i++)
    {
      FerrySimRow *vm = g_ptr_array_index (resident, i);
      FerrySimRow *vm_metrics = ferry_sim_follow (db, vm, "metrics");

      free_mem -= ferry_sim_row_get_int (vm, "memory_overhead");
      free_mem -= vm_metrics ? ferry_sim_row_get_int (vm_metrics, "memory_actual")
                             : ferry_sim_row_get_int (vm, "memory_dynamic_max");
    }
  if (ferry_sim_row_get_int (metrics, "memory_free") != MAX (free_mem, 0))
    ferry_sim_db_set_int (db, metrics, "memory_free", MAX (free_mem, 0));
}

/* Versions (§4.5) ---------------------------------------------------------- */

static void
append_numbers (GArray     *out,
                const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ".", -1);

  /* Non-numeric parts are dropped ("xs8"). */
  for (guint i = 0; parts[i]; i++)
    {
      char *end;
      gint64 n;

      if (parts[i][0] == '\0' || !g_ascii_isdigit (parts[i][0]))
        continue;
      n = g_ascii_strtoll (parts[i], &end, 10);
      if (*end != '\0')
        continue;
      g_array_append_val (out, n);
    }
}

static GArray *
parse_version (const char *text)
{
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *dash;

  if (text == NULL || *text == '\0')
    text = "0.0.0";
  dash = strchr (text, '-');
  if (dash != NULL)
    {
      g_autofree char *head = g_strndup (text, dash - text);
      append_numbers (numbers, head);
      append_numbers (numbers, dash + 1);
    }
  else
    append_numbers (numbers, text);
  return numbers;
}

int
ferry_sim_version_compare (const char *a,
                           const char *b)
{
  g_autoptr(GArray) va = parse_version (a);
  g_autoptr(GArray) vb = parse_version (b);

  for (guint i = 0; i < MIN (va->len, vb->len); i++)
    {
      gint64 x = g_array_index (va, gint64, i);
      gint64 y = g_array_index (vb, gint64, i);

      if (x != y)
        return x < y ? -1 : 1;
    }
  /* A longer list wins a tie. */
  return (int) va->len - (int) vb->len;
}

gboolean
ferry_sim_host_versions_not_decreasing (FerrySimRow *from,
                                        FerrySimRow *to)
{
  static const char * const keys[] = { "platform_version", "xapi_build", "xen" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (ferry_sim_version_compare (ferry_sim_row_map_lookup (to, "software_version", keys[i]),
                                   ferry_sim_row_map_lookup (from, "software_version", keys[i])) < 0)
      return FALSE;
  return TRUE;
}

gboolean
ferry_sim_host_xapi_at_least (FerrySimRow *host,
                              const char  *version)
{
  const char *build = host ? ferry_sim_row_map_lookup (host, "software_version", "xapi_build") : NULL;

  return ferry_sim_version_compare (build, version) >= 0;
}

/* CPUs (§4.6) -------------------------------------------------------------- */

static GArray *
parse_words (const char *text)
{
  GArray *words = g_array_new (FALSE, TRUE, sizeof (guint32));
  g_auto(GStrv) parts = g_strsplit (text ? text : "", "-", -1);

  for (guint i = 0; parts[i]; i++)
    {
      guint32 w;

      if (parts[i][0] == '\0')
        continue;
      w = (guint32) g_ascii_strtoull (parts[i], NULL, 16);
      g_array_append_val (words, w);
    }
  return words;
}

gboolean
ferry_sim_cpu_features_subset (const char *vm_features,
                               const char *host_features)
{
  g_autoptr(GArray) vm = parse_words (vm_features);
  g_autoptr(GArray) host = parse_words (host_features);

  /* (vm AND host) = vm after zero-extending to equal length. */
  for (guint i = 0; i < vm->len; i++)
    {
      guint32 v = g_array_index (vm, guint32, i);
      guint32 h = i < host->len ? g_array_index (host, guint32, i) : 0;

      if ((v & h) != v)
        return FALSE;
    }
  return TRUE;
}

gboolean
ferry_sim_check_cpu (FerrySimDb   *vm_db,
                     FerrySimRow  *vm,
                     FerrySimRow  *host,
                     GError      **error)
{
  const char *vm_vendor = ferry_sim_row_map_lookup (vm, "last_boot_CPU_flags", "vendor");
  const char *vm_features = ferry_sim_row_map_lookup (vm, "last_boot_CPU_flags", "features");
  const char *host_vendor = ferry_sim_row_map_lookup (host, "cpu_info", "vendor");
  gboolean pv = g_strcmp0 (ferry_sim_vm_domain_type (vm_db, vm), "pv") == 0;
  const char *host_features = ferry_sim_row_map_lookup (host, "cpu_info", pv ? "features_pv" : "features_hvm");

  if (g_strcmp0 (ferry_sim_row_get_string (vm, "power_state"), "Halted") == 0)
    return TRUE;
  /* A VM that never booted has nothing to compare. */
  if (vm_vendor == NULL && vm_features == NULL)
    return TRUE;

  if (vm_vendor != NULL && g_strcmp0 (vm_vendor, host_vendor) != 0)
    {
      ferry_sim_set_failure (error, "VM_INCOMPATIBLE_WITH_THIS_HOST", vm->ref, host->ref,
                             "VM last booted on a host which had a CPU from a different vendor.", NULL);
      return FALSE;
    }
  if (vm_features == NULL)
    return TRUE;
  if (host_features == NULL)
    {
      ferry_sim_set_failure (error, "VM_INCOMPATIBLE_WITH_THIS_HOST", vm->ref, host->ref,
                             "Host does not have new leveling feature keys - not comparing VM's flags", NULL);
      return FALSE;
    }
  if (!ferry_sim_cpu_features_subset (vm_features, host_features))
    {
      ferry_sim_set_failure (error, "VM_INCOMPATIBLE_WITH_THIS_HOST", vm->ref, host->ref,
                             "VM last booted on a CPU with features this host's CPU does not have.", NULL);
      return FALSE;
    }
  return TRUE;
}

/* assert_can_boot_here (§4.3) ---------------------------------------------- */

static gboolean
host_sees_sr (FerrySimDb  *db,
              FerrySimRow *host,
              const char  *sr_ref)
{
  g_autoptr(GPtrArray) pbds = ferry_sim_follow_set (db, host, "PBDs");

  for (guint i = 0; i < pbds->len; i++)
    {
      FerrySimRow *pbd = g_ptr_array_index (pbds, i);

      if (g_strcmp0 (ferry_sim_row_get_string (pbd, "SR"), sr_ref) == 0 &&
          ferry_sim_row_get_bool (pbd, "currently_attached"))
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_srs (FerrySimDb   *db,
           FerrySimRow  *vm,
           FerrySimRow  *host,
           GError      **error)
{
  g_autoptr(GPtrArray) vbds = ferry_sim_follow_set (db, vm, "VBDs");
  FerrySimRow *suspend_vdi;

  for (guint i = 0; i < vbds->len; i++)
    {
      FerrySimRow *vbd = g_ptr_array_index (vbds, i);
      FerrySimRow *vdi;

      if (ferry_sim_row_get_bool (vbd, "empty") || (vdi = ferry_sim_follow (db, vbd, "VDI")) == NULL)
        continue;
      if (!host_sees_sr (db, host, ferry_sim_row_get_string (vdi, "SR")))
        {
          ferry_sim_set_failure (error, "VM_REQUIRES_SR", vm->ref, ferry_sim_row_get_string (vdi, "SR"), NULL);
          return FALSE;
        }
    }

  suspend_vdi = ferry_sim_follow (db, vm, "suspend_VDI");
  if (g_strcmp0 (ferry_sim_row_get_string (vm, "power_state"), "Suspended") == 0 && suspend_vdi != NULL &&
      !host_sees_sr (db, host, ferry_sim_row_get_string (suspend_vdi, "SR")))
    {
      ferry_sim_set_failure (error, "VM_REQUIRES_SR", vm->ref, ferry_sim_row_get_string (suspend_vdi, "SR"), NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
network_available_on (FerrySimDb  *db,
                      FerrySimRow *network,
                      FerrySimRow *host)
{
  g_autoptr(GPtrArray) pifs = ferry_sim_follow_set (db, network, "PIFs");
  g_autoptr(GPtrArray) vifs = NULL;
  gboolean pinned = FALSE;

  if (pifs->len > 0)
    {
      for (guint i = 0; i < pifs->len; i++)
        if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (pifs, i), "host"), host->ref) == 0)
          return TRUE;
      return FALSE;
    }

  /* An internal network pins its running VMs to one host. */
  if (!ferry_sim_row_get_bool (network, "managed") ||
      g_strcmp0 (ferry_sim_row_map_lookup (network, "other_config", "assume_network_is_shared"), "true") == 0)
    return TRUE;

  vifs = ferry_sim_follow_set (db, network, "VIFs");
  for (guint i = 0; i < vifs->len; i++)
    {
      FerrySimRow *other = ferry_sim_follow (db, g_ptr_array_index (vifs, i), "VM");

      if (other == NULL || g_strcmp0 (ferry_sim_row_get_string (other, "power_state"), "Running") != 0)
        continue;
      pinned = TRUE;
      if (g_strcmp0 (ferry_sim_row_get_string (other, "resident_on"), host->ref) == 0)
        return TRUE;
    }
  return !pinned;
}

static gint64
pgpu_capacity (FerrySimRow *pgpu,
               const char  *type)
{
  const FerrySimValue *caps = ferry_sim_row_get (pgpu, "supported_VGPU_max_capacities");
  const FerrySimValue *cap = ferry_sim_value_lookup (caps, type);

  if (cap == NULL)
    return 1;
  return cap->kind == FERRY_SIM_VALUE_INT ? cap->i : g_ascii_strtoll (ferry_sim_value_get_string (cap), NULL, 10);
}

FerrySimRow *
ferry_sim_find_pgpu_for (FerrySimDb *db,
                         FerrySimRow *host,
                         const char *group,
                         const char *type,
                         const char *ignore_vgpu)
{
  GPtrArray *pgpus = ferry_sim_db_get_rows_by_name (db, "PGPU");
  GPtrArray *vgpus = ferry_sim_db_get_rows_by_name (db, "VGPU");

  for (guint i = 0; i < pgpus->len; i++)
    {
      FerrySimRow *pgpu = g_ptr_array_index (pgpus, i);
      gint64 used = 0;
      gboolean other_type = FALSE;

      if (g_strcmp0 (ferry_sim_row_get_string (pgpu, "host"), host->ref) != 0 ||
          (group != NULL && g_strcmp0 (ferry_sim_row_get_string (pgpu, "GPU_group"), group) != 0) ||
          !ferry_sim_value_contains_string (ferry_sim_row_get (pgpu, "enabled_VGPU_types"), type))
        continue;

      /* Resident and reserved instances both take room; one type per pGPU. */
      for (guint j = 0; j < vgpus->len; j++)
        {
          FerrySimRow *vgpu = g_ptr_array_index (vgpus, j);
          gboolean here = g_strcmp0 (ferry_sim_row_get_string (vgpu, "resident_on"), pgpu->ref) == 0;
          gboolean reserved = g_strcmp0 (ferry_sim_row_get_string (vgpu, "scheduled_to_be_resident_on"), pgpu->ref) == 0;

          if (reserved && g_strcmp0 (vgpu->ref, ignore_vgpu) == 0)
            continue;
          used += here + reserved;
          if ((here || reserved) && g_strcmp0 (ferry_sim_row_get_string (vgpu, "type"), type) != 0)
            other_type = TRUE;
        }
      if (!other_type && used < pgpu_capacity (pgpu, type))
        return pgpu;
    }
  return NULL;
}

static gboolean
type_needs_passthrough (FerrySimRow *type)
{
  const char *implementation = type ? ferry_sim_row_get_string (type, "implementation") : NULL;

  return g_strcmp0 (implementation, "passthrough") == 0 ||
         g_strcmp0 (implementation, "mxgpu") == 0 ||
         g_strcmp0 (implementation, "nvidia_sriov") == 0;
}

static gboolean
check_gpus (FerrySimDb   *db,
            FerrySimRow  *vm,
            FerrySimRow  *host,
            gboolean      new_instance,
            GError      **error)
{
  g_autoptr(GPtrArray) vgpus = ferry_sim_follow_set (db, vm, "VGPUs");
  gboolean passthrough = FALSE;

  for (guint i = 0; i < vgpus->len; i++)
    passthrough |= type_needs_passthrough (ferry_sim_follow (db, g_ptr_array_index (vgpus, i), "type"));
  if (passthrough && g_strcmp0 (ferry_sim_row_map_lookup (host, "chipset_info", "iommu"), "true") != 0)
    {
      ferry_sim_set_failure (error, "VM_REQUIRES_IOMMU", host->ref, NULL);
      return FALSE;
    }

  for (guint i = 0; i < vgpus->len; i++)
    {
      FerrySimRow *vgpu = g_ptr_array_index (vgpus, i);
      FerrySimRow *reserved = ferry_sim_follow (db, vgpu, "scheduled_to_be_resident_on");
      FerrySimRow *resident = ferry_sim_follow (db, vgpu, "resident_on");

      /* Already allocated here: by a reservation, or running here and not moving. */
      if (reserved != NULL && g_strcmp0 (ferry_sim_row_get_string (reserved, "host"), host->ref) == 0)
        continue;
      if (!new_instance && resident != NULL && g_strcmp0 (ferry_sim_row_get_string (resident, "host"), host->ref) == 0)
        continue;
      if (ferry_sim_find_pgpu_for (db, host, ferry_sim_row_get_string (vgpu, "GPU_group"),
                                   ferry_sim_row_get_string (vgpu, "type"), vgpu->ref) == NULL)
        {
          ferry_sim_set_failure (error, "VM_REQUIRES_GPU", vm->ref, ferry_sim_row_get_string (vgpu, "GPU_group"), NULL);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_vusbs (FerrySimDb   *db,
             FerrySimRow  *vm,
             FerrySimRow  *host,
             GError      **error)
{
  g_autoptr(GPtrArray) vusbs = ferry_sim_follow_set (db, vm, "VUSBs");

  for (guint i = 0; i < vusbs->len; i++)
    {
      FerrySimRow *vusb = g_ptr_array_index (vusbs, i);
      FerrySimRow *group = ferry_sim_follow (db, vusb, "USB_group");
      g_autoptr(GPtrArray) pusbs = ferry_sim_follow_set (db, group, "PUSBs");

      if (pusbs->len == 0 ||
          g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (pusbs, 0), "host"), host->ref) != 0)
        {
          g_autofree char *message = g_strdup_printf ("VUSB %s is not available on Host %s", vusb->ref, host->ref);
          ferry_sim_set_failure (error, "OPERATION_NOT_ALLOWED", message, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
ferry_sim_check_hardware_platform (FerrySimRow  *vm,
                         FerrySimRow  *host,
                         GError      **error)
{
  const FerrySimValue *versions = ferry_sim_row_get (host, "virtual_hardware_platform_versions");
  gint64 wanted = ferry_sim_row_get_int (vm, "hardware_platform_version");
  g_autoptr(GString) list = g_string_new ("[");
  g_autofree char *wanted_text = NULL;

  for (guint i = 0; i < ferry_sim_value_get_length (versions); i++)
    {
      const FerrySimValue *v = ferry_sim_value_index (versions, i);

      if (v->kind == FERRY_SIM_VALUE_INT && v->i == wanted)
        return TRUE;
      g_string_append_printf (list, "%s%" G_GINT64_FORMAT, i > 0 ? "; " : "",
                              v->kind == FERRY_SIM_VALUE_INT ? v->i : 0);
    }
  g_string_append_c (list, ']');
  wanted_text = int_text (wanted);
  ferry_sim_set_failure (error, "VM_HOST_INCOMPATIBLE_VIRTUAL_HARDWARE_PLATFORM_VERSION",
                         host->ref, list->str, vm->ref, wanted_text, NULL);
  return FALSE;
}

/* Vm_memory_constraints.transform: the dynamic range is clamped into the
 * static one; only inverted ranges cannot be coerced. */
static gboolean
check_memory_constraints (FerrySimRow *vm)
{
  gint64 smin = ferry_sim_row_get_int (vm, "memory_static_min");
  gint64 dmin = ferry_sim_row_get_int (vm, "memory_dynamic_min");
  gint64 dmax = ferry_sim_row_get_int (vm, "memory_dynamic_max");
  gint64 smax = ferry_sim_row_get_int (vm, "memory_static_max");

  return smin <= smax && dmin <= dmax;
}

static gboolean
check_pcpus (FerrySimRow  *vm,
             FerrySimRow  *host,
             GError      **error)
{
  gint64 vcpus = ferry_sim_row_get_int (vm, "VCPUs_max");
  const char *count = ferry_sim_row_map_lookup (host, "cpu_info", "cpu_count");
  gint64 pcpus = count ? g_ascii_strtoll (count, NULL, 10) : G_MAXINT64;

  if (vcpus > pcpus && !ferry_sim_text_is_true (ferry_sim_row_map_lookup (vm, "platform", "vcpu-unrestricted")))
    {
      g_autofree char *v = int_text (vcpus);
      g_autofree char *p = int_text (pcpus);

      ferry_sim_set_failure (error, "HOST_NOT_ENOUGH_PCPUS", v, p, NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
ferry_sim_check_can_boot_here (FerrySimDb   *db,
                               FerrySimRow  *vm,
                               FerrySimRow  *host,
                               guint         checks,
                               GError      **error)
{
  gint64 vcpus_max = ferry_sim_row_get_int (vm, "VCPUs_max");
  gint64 vcpus_start = ferry_sim_row_get_int (vm, "VCPUs_at_startup");
  FerrySimRow *metrics = ferry_sim_follow (db, host, "metrics");
  gboolean control_domain = ferry_sim_row_get_bool (vm, "is_control_domain");
  gboolean same_host = g_strcmp0 (ferry_sim_row_get_string (vm, "resident_on"), host->ref) == 0;
  const char *domain_type = ferry_sim_row_get_string (vm, "domain_type");
  g_autoptr(GPtrArray) vifs = NULL;

  /* validate_basic_parameters (xapi_vm_helpers.ml), with its spellings. */
  if (vcpus_max < 1 || vcpus_start < 1)
    {
      g_autofree char *value = int_text (vcpus_max < 1 ? vcpus_max : vcpus_start);
      ferry_sim_set_failure (error, "INVALID_VALUE", vcpus_max < 1 ? "VCPUs_max" : "VCPUs-at-startup", value, NULL);
      return FALSE;
    }
  if (vcpus_start > vcpus_max)
    {
      g_autofree char *value = int_text (vcpus_start);
      ferry_sim_set_failure (error, "VALUE_NOT_SUPPORTED", "VCPUs-at-startup", value,
                             "value greater than VCPUs-max", NULL);
      return FALSE;
    }
  if (!check_memory_constraints (vm))
    {
      ferry_sim_set_failure (error, "MEMORY_CONSTRAINT_VIOLATION", NULL);
      return FALSE;
    }
  if (ferry_sim_row_get_float (vm, "HVM_shadow_multiplier") < 1.0)
    {
      g_autofree char *value = g_strdup_printf ("%g", ferry_sim_row_get_float (vm, "HVM_shadow_multiplier"));
      ferry_sim_set_failure (error, "INVALID_VALUE", "HVM_shadow_multiplier", value, NULL);
      return FALSE;
    }
  if (g_strcmp0 (ferry_sim_row_get_string (vm, "actions_after_crash"), "rename_restart") == 0)
    {
      ferry_sim_set_failure (error, "VALUE_NOT_SUPPORTED", "VM.actions_after_crash", "rename_restart",
                             "option would leak a domain; VMs and not domains are managed by this API", NULL);
      return FALSE;
    }
  if (ferry_sim_row_get_string (vm, "actions_after_crash") != NULL &&
      g_str_has_prefix (ferry_sim_row_get_string (vm, "actions_after_crash"), "coredump_and_") &&
      g_strcmp0 (domain_type, "pv") != 0)
    {
      ferry_sim_set_failure (error, "VALUE_NOT_SUPPORTED", "VM.actions_after_crash",
                             ferry_sim_row_get_string (vm, "actions_after_crash"),
                             "cannot invoke a coredump of an HVM or PV-in-PVH domain", NULL);
      return FALSE;
    }

  if (metrics != NULL && !ferry_sim_row_get_bool (metrics, "live"))
    {
      ferry_sim_set_failure (error, "HOST_NOT_LIVE", NULL);
      return FALSE;
    }
  if (control_domain && !ferry_sim_is_null_ref (ferry_sim_row_get_string (vm, "affinity")) &&
      g_strcmp0 (ferry_sim_row_get_string (vm, "affinity"), host->ref) != 0)
    {
      ferry_sim_set_failure (error, "OPERATION_NOT_ALLOWED",
                             "Cannot boot a control domain on a host different from its affinity", NULL);
      return FALSE;
    }
  if (!ferry_sim_row_get_bool (host, "enabled") && !control_domain &&
      !(same_host && ferry_sim_vm_is_live (vm)))
    {
      ferry_sim_set_failure (error, "HOST_DISABLED", host->ref, NULL);
      return FALSE;
    }
  if (!ferry_sim_check_hardware_platform (vm, host, error))
    return FALSE;
  if ((checks & FERRY_SIM_BOOT_CHECK_CPU) && !ferry_sim_check_cpu (db, vm, host, error))
    return FALSE;
  if ((checks & FERRY_SIM_BOOT_CHECK_SR) && !check_srs (db, vm, host, error))
    return FALSE;

  vifs = ferry_sim_follow_set (db, vm, "VIFs");
  for (guint i = 0; i < vifs->len; i++)
    {
      FerrySimRow *network = ferry_sim_follow (db, g_ptr_array_index (vifs, i), "network");

      if (network != NULL && !network_available_on (db, network, host))
        {
          ferry_sim_set_failure (error, "VM_REQUIRES_NETWORK", vm->ref, network->ref, NULL);
          return FALSE;
        }
    }
  /* HOST_CANNOT_ATTACH_NETWORK (bonds) and SR-IOV VIFs: the simulator has neither. */

  if (!check_gpus (db, vm, host, (checks & FERRY_SIM_BOOT_NEW_VGPU) != 0, error))
    return FALSE;
  if (!check_vusbs (db, vm, host, error))
    return FALSE;

  if (g_strcmp0 (domain_type, "hvm") == 0 || g_strcmp0 (domain_type, "pvh") == 0 ||
      g_strcmp0 (domain_type, "pv_in_pvh") == 0)
    {
      const FerrySimValue *capabilities = ferry_sim_row_get (host, "capabilities");
      gboolean hvm = FALSE;

      for (guint i = 0; i < ferry_sim_value_get_length (capabilities); i++)
        hvm |= strstr (ferry_sim_value_get_string (ferry_sim_value_index (capabilities, i)), "hvm") != NULL;
      if (!hvm)
        {
          ferry_sim_set_failure (error, "VM_HVM_REQUIRED", vm->ref, NULL);
          return FALSE;
        }
    }

  if (checks & FERRY_SIM_BOOT_CHECK_MEMORY)
    {
      gint64 needed = ferry_sim_vm_required_memory (vm);
      gint64 available = ferry_sim_host_free_memory (db, host, vm);

      if (available < needed)
        {
          g_autofree char *n = int_text (needed);
          g_autofree char *a = int_text (available);

          ferry_sim_set_failure (error, "HOST_NOT_ENOUGH_FREE_MEMORY", n, a, NULL);
          return FALSE;
        }
    }

  return check_pcpus (vm, host, error);
}

/* Licences, RPU, host operations, networks (§4.7, §8.4, §8.5) -------------- */

gboolean
ferry_sim_check_licence (FerrySimDb   *db,
                         const char   *feature,
                         GError      **error)
{
  GPtrArray *pools = ferry_sim_db_get_rows_by_name (db, "pool");
  FerrySimRow *pool = pools->len > 0 ? g_ptr_array_index (pools, 0) : NULL;
  const char *key = g_str_equal (feature, "Xen_motion") ? "restrict_xen_motion" : "restrict_storage_xen_motion";

  if (pool != NULL && g_strcmp0 (ferry_sim_row_map_lookup (pool, "restrictions", key), "true") == 0)
    {
      ferry_sim_set_failure (error, "LICENCE_RESTRICTION", feature, NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
ferry_sim_pool_rolling_upgrade (FerrySimDb *db)
{
  GPtrArray *pools = ferry_sim_db_get_rows_by_name (db, "pool");

  return pools->len > 0 &&
         ferry_sim_row_map_lookup (g_ptr_array_index (pools, 0), "other_config", "rolling_upgrade_in_progress") != NULL;
}

gboolean
ferry_sim_check_host_operation (FerrySimDb   *db,
                                FerrySimRow  *host,
                                const char   *operation,
                                GError      **error)
{
  /* xapi_host_helpers.ml valid_operations: what excludes what. */
  static const struct { const char *op; const char *excludes; } table[] = {
    { "vm_migrate", "evacuate,reboot,shutdown" },
    { "vm_resume",  "evacuate,reboot,shutdown" },
    { "vm_start",   "evacuate,reboot,shutdown" },
    { "provision",  "evacuate,reboot,shutdown" },
    { "evacuate",   "evacuate,reboot,shutdown,vm_migrate,vm_resume,provision" },
  };
  const FerrySimValue *current = ferry_sim_row_get (host, "current_operations");
  const char *excludes = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_str_equal (table[i].op, operation))
      excludes = table[i].excludes;
  if (excludes == NULL)
    return TRUE;

  for (guint i = 0; i < ferry_sim_value_get_length (current); i++)
    {
      const FerrySimPair *pair = ferry_sim_value_pair (current, i);
      const char *other = ferry_sim_value_get_string (&pair->value);
      g_auto(GStrv) ops = g_strsplit (excludes, ",", -1);

      if (other != NULL && g_strv_contains ((const char * const *) ops, other))
        {
          ferry_sim_set_failure (error, "OTHER_OPERATION_IN_PROGRESS", "host", host->ref, other, pair->key, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

const char *
ferry_sim_pif_address (FerrySimRow *pif)
{
  const char *ip = ferry_sim_row_get_string (pif, "IP");
  const FerrySimValue *ipv6 = ferry_sim_row_get (pif, "IPv6");

  if (ip != NULL && *ip != '\0')
    return ip;
  for (guint i = 0; i < ferry_sim_value_get_length (ipv6); i++)
    {
      const char *address = ferry_sim_value_get_string (ferry_sim_value_index (ipv6, i));

      if (address != NULL && *address != '\0' && g_ascii_strncasecmp (address, "fe80", 4) != 0)
        return address;
    }
  return NULL;
}

FerrySimRow *
ferry_sim_check_migration_network (FerrySimDb   *db,
                                   FerrySimRow  *host,
                                   const char   *network,
                                   GError      **error)
{
  g_autoptr(GPtrArray) pifs = ferry_sim_follow_set (db, host, "PIFs");
  FerrySimRow *pif = NULL;

  for (guint i = 0; i < pifs->len && pif == NULL; i++)
    if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (pifs, i), "network"), network) == 0)
      pif = g_ptr_array_index (pifs, i);

  if (pif == NULL)
    {
      ferry_sim_set_failure (error, "PIF_NOT_PRESENT", host->ref, network, NULL);
      return NULL;
    }
  if (!ferry_sim_row_get_bool (pif, "currently_attached"))
    {
      ferry_sim_set_failure (error, "REQUIRED_PIF_IS_UNPLUGGED", pif->ref, NULL);
      return NULL;
    }
  if (ferry_sim_pif_address (pif) == NULL)
    {
      ferry_sim_set_failure (error, "INTERFACE_HAS_NO_IP", pif->ref, NULL);
      return NULL;
    }
  return pif;
}

/* HA (simplified failover planning) ---------------------------------------- */

typedef struct
{
  FerrySimRow *host;
  gint64       free_mem;
  GPtrArray   *protected;  /* of FerrySimRow: protected VMs placed here */
} HaHost;

static void
ha_host_clear (gpointer data)
{
  HaHost *h = data;

  g_clear_pointer (&h->protected, g_ptr_array_unref);
}

static gboolean
vm_is_protected (FerrySimRow *vm)
{
  return ferry_sim_row_get_bool (vm, "ha_always_run") &&
         g_strcmp0 (ferry_sim_row_get_string (vm, "ha_restart_priority"), "restart") == 0;
}

static gint
compare_memory_desc (gconstpointer a,
                     gconstpointer b)
{
  gint64 x = ferry_sim_vm_required_memory (*(FerrySimRow **) a);
  gint64 y = ferry_sim_vm_required_memory (*(FerrySimRow **) b);

  return x < y ? 1 : x > y ? -1 : 0;
}

/* Biggest fit decreasing onto the host with the most room among @alive. */
static gboolean
ha_place (GArray     *hosts,
          GPtrArray  *vms,
          gboolean   *alive,
          gint64     *room)
{
  g_ptr_array_sort (vms, compare_memory_desc);
  for (guint v = 0; v < vms->len; v++)
    {
      gint64 need = ferry_sim_vm_required_memory (g_ptr_array_index (vms, v));
      gint best = -1;

      for (guint h = 0; h < hosts->len; h++)
        if (alive[h] && (best < 0 || room[h] > room[best]))
          best = (gint) h;
      if (best < 0 || room[best] < need)
        return FALSE;
      room[best] -= need;
    }
  return TRUE;
}

static gboolean
ha_survives (GArray *hosts,
             guint   failures)
{
  guint n = hosts->len;
  g_autofree guint *pick = g_new0 (guint, MAX (failures, 1));
  g_autofree gboolean *alive = g_new0 (gboolean, MAX (n, 1));
  g_autofree gint64 *room = g_new0 (gint64, MAX (n, 1));
  guint combinations = 0;

  if (failures == 0)
    return TRUE;
  if (failures >= n)
    {
      for (guint h = 0; h < n; h++)
        if (g_array_index (hosts, HaHost, h).protected->len > 0)
          return FALSE;
      return TRUE;
    }

  /* Every set of @failures hosts (at most a few thousand; pools with HA are small). */
  for (guint i = 0; i < failures; i++)
    pick[i] = i;
  while (combinations++ < 20000)
    {
      g_autoptr(GPtrArray) orphans = g_ptr_array_new ();

      for (guint h = 0; h < n; h++)
        {
          alive[h] = TRUE;
          room[h] = g_array_index (hosts, HaHost, h).free_mem;
        }
      for (guint i = 0; i < failures; i++)
        {
          HaHost *dead = &g_array_index (hosts, HaHost, pick[i]);

          alive[pick[i]] = FALSE;
          g_ptr_array_extend (orphans, dead->protected, NULL, NULL);
        }
      if (!ha_place (hosts, orphans, alive, room))
        return FALSE;

      /* Next combination. */
      {
        gint i = (gint) failures - 1;

        while (i >= 0 && pick[i] == n - failures + (guint) i)
          i--;
        if (i < 0)
          break;
        pick[i]++;
        for (guint j = (guint) i + 1; j < failures; j++)
          pick[j] = pick[j - 1] + 1;
      }
    }
  return TRUE;
}

/* The live hosts with their free memory and protected VMs, with @vm moved to
 * @dest and the VMs of @removed placed on the others. FALSE if they do not fit. */
static gboolean
ha_build (FerrySimDb  *db,
          FerrySimRow *vm,
          FerrySimRow *dest,
          FerrySimRow *removed,
          GArray      *hosts)
{
  GPtrArray *host_rows = ferry_sim_db_get_rows_by_name (db, "host");
  GPtrArray *vms = ferry_sim_db_get_rows_by_name (db, "VM");
  g_autoptr(GPtrArray) displaced = g_ptr_array_new ();

  for (guint i = 0; i < host_rows->len; i++)
    {
      FerrySimRow *host = g_ptr_array_index (host_rows, i);
      FerrySimRow *metrics = ferry_sim_follow (db, host, "metrics");
      HaHost h = { host, 0, g_ptr_array_new () };

      if (host == removed || (metrics != NULL && !ferry_sim_row_get_bool (metrics, "live")))
        {
          g_ptr_array_unref (h.protected);
          continue;
        }
      h.free_mem = metrics ? ferry_sim_row_get_int (metrics, "memory_total") - ferry_sim_row_get_int (host, "memory_overhead") : 0;
      g_array_append_val (hosts, h);
    }

  for (guint i = 0; i < vms->len; i++)
    {
      FerrySimRow *other = g_ptr_array_index (vms, i);
      const char *on = ferry_sim_row_get_string (other, "resident_on");
      const char *scheduled = ferry_sim_row_get_string (other, "scheduled_to_be_resident_on");
      gint64 need = ferry_sim_vm_required_memory (other);
      gboolean placed = FALSE;

      if (other == vm && dest != NULL)
        on = dest->ref;
      else if (ferry_sim_is_null_ref (on) && !ferry_sim_is_null_ref (scheduled))
        on = scheduled;
      if (ferry_sim_is_null_ref (on))
        continue;
      if (removed != NULL && g_str_equal (on, removed->ref))
        {
          if (vm_is_protected (other))
            g_ptr_array_add (displaced, other);
          continue;
        }
      for (guint h = 0; h < hosts->len && !placed; h++)
        {
          HaHost *host = &g_array_index (hosts, HaHost, h);

          if (!g_str_equal (host->host->ref, on))
            continue;
          host->free_mem -= need;
          if (vm_is_protected (other) && ferry_sim_vm_is_live (other))
            g_ptr_array_add (host->protected, other);
          placed = TRUE;
        }
    }

  /* The removed host's protected VMs go where there is most room. */
  g_ptr_array_sort (displaced, compare_memory_desc);
  for (guint v = 0; v < displaced->len; v++)
    {
      FerrySimRow *moved = g_ptr_array_index (displaced, v);
      HaHost *best = NULL;

      for (guint h = 0; h < hosts->len; h++)
        {
          HaHost *host = &g_array_index (hosts, HaHost, h);
          if (best == NULL || host->free_mem > best->free_mem)
            best = host;
        }
      if (best == NULL || best->free_mem < ferry_sim_vm_required_memory (moved))
        return FALSE;
      best->free_mem -= ferry_sim_vm_required_memory (moved);
      g_ptr_array_add (best->protected, moved);
    }
  return TRUE;
}

static gboolean
ha_plan_for (FerrySimDb  *db,
             FerrySimRow *vm,
             FerrySimRow *dest,
             FerrySimRow *removed)
{
  GPtrArray *pools = ferry_sim_db_get_rows_by_name (db, "pool");
  FerrySimRow *pool = pools->len > 0 ? g_ptr_array_index (pools, 0) : NULL;
  g_autoptr(GArray) hosts = g_array_new (FALSE, TRUE, sizeof (HaHost));
  gint64 failures = pool ? ferry_sim_row_get_int (pool, "ha_host_failures_to_tolerate") : 0;

  g_array_set_clear_func (hosts, ha_host_clear);
  if (!ha_build (db, vm, dest, removed, hosts))
    return FALSE;
  return ha_survives (hosts, (guint) CLAMP (failures, 0, 64));
}

gboolean
ferry_sim_ha_plan_exists (FerrySimDb *db)
{
  return ha_plan_for (db, NULL, NULL, NULL);
}

gboolean
ferry_sim_check_ha_plan (FerrySimDb   *db,
                         FerrySimRow  *vm,
                         FerrySimRow  *dest,
                         FerrySimRow  *removed_host,
                         GError      **error)
{
  GPtrArray *pools = ferry_sim_db_get_rows_by_name (db, "pool");
  FerrySimRow *pool = pools->len > 0 ? g_ptr_array_index (pools, 0) : NULL;

  if (pool == NULL || !ferry_sim_row_get_bool (pool, "ha_enabled") ||
      ferry_sim_row_get_bool (pool, "ha_allow_overcommit"))
    return TRUE;
  /* Only a change that loses an existing plan is refused. */
  if (!ferry_sim_ha_plan_exists (db))
    return TRUE;
  if (!ha_plan_for (db, vm, dest, removed_host))
    {
      ferry_sim_set_failure (error, "HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN", NULL);
      return FALSE;
    }
  return TRUE;
}
