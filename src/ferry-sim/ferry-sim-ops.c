/* ferry-sim-ops.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-ops"

#include "config.h"

#include <string.h>

#include "ferry-sim-checks.h"
#include "ferry-sim-error.h"
#include "ferry-sim-lifecycle.h"
#include "ferry-sim-ops.h"

void
ferry_sim_ops_set_ref (FerrySimDb  *db,
                       FerrySimRow *row,
                       const char  *field,
                       const char  *ref)
{
  ferry_sim_db_set_string (db, row, field, ref && *ref ? ref : FERRY_SIM_NULL_REF);
}

/* Tasks -------------------------------------------------------------------- */

FerrySimRow *
ferry_sim_ops_task_create (FerrySimDb *db,
                           const char *name,
                           const char *subtask_of)
{
  FerrySimRow *task = ferry_sim_db_create (db, "task");
  GPtrArray *pools = ferry_sim_db_get_rows_by_name (db, "pool");
  FerrySimRow *pool = pools->len > 0 ? g_ptr_array_index (pools, 0) : NULL;
  FerrySimValue now = FERRY_SIM_VALUE_INIT;

  ferry_sim_db_set_string (db, task, "name_label", name);
  ferry_sim_db_set_string (db, task, "status", "pending");
  ferry_sim_value_set_datetime_now (&now);
  ferry_sim_db_set_value (db, task, "created", &now);
  if (pool != NULL)
    ferry_sim_ops_set_ref (db, task, "resident_on", ferry_sim_row_get_string (pool, "master"));
  if (subtask_of != NULL)
    ferry_sim_ops_set_ref (db, task, "subtask_of", subtask_of);
  return task;
}

void
ferry_sim_ops_task_finish (FerrySimDb   *db,
                           const char   *task_ref,
                           const char   *result,
                           const GError *error)
{
  FerrySimRow *task = ferry_sim_db_lookup_in (db, "task", task_ref);
  FerrySimValue value = FERRY_SIM_VALUE_INIT;
  const char *status = "success";

  if (task == NULL)
    return;

  if (error != NULL)
    {
      g_auto(GStrv) description = ferry_sim_failure_description (error);

      ferry_sim_value_set_array (&value);
      for (guint i = 0; description[i]; i++)
        ferry_sim_value_append_string (&value, description[i]);
      ferry_sim_db_set_value (db, task, "error_info", &value);
      status = g_strcmp0 (description[0], "TASK_CANCELLED") == 0 ? "cancelled" : "failure";
    }
  else
    ferry_sim_db_set_string (db, task, "result", result ? result : "<value></value>");

  ferry_sim_db_set_float (db, task, "progress", 1.0);
  ferry_sim_value_set_datetime_now (&value);
  ferry_sim_db_set_value (db, task, "finished", &value);
  ferry_sim_value_set_array (&value);
  ferry_sim_db_set_value (db, task, "allowed_operations", &value);
  ferry_sim_db_set_string (db, task, "status", status);
}

void
ferry_sim_ops_task_set_progress (FerrySimDb *db,
                                 const char *task_ref,
                                 double      progress)
{
  FerrySimRow *task = ferry_sim_db_lookup_in (db, "task", task_ref);

  progress = CLAMP (progress, 0.0, 1.0);
  if (task != NULL && ferry_sim_row_get_float (task, "progress") < progress)
    ferry_sim_db_set_float (db, task, "progress", progress);
}

void
ferry_sim_ops_task_set_cancellable (FerrySimDb *db,
                                    const char *task_ref,
                                    gboolean    cancellable)
{
  FerrySimRow *task = ferry_sim_db_lookup_in (db, "task", task_ref);
  FerrySimValue operations = FERRY_SIM_VALUE_INIT;

  if (task == NULL ||
      ferry_sim_value_contains_string (ferry_sim_row_get (task, "allowed_operations"), "cancel") == cancellable)
    return;
  ferry_sim_value_set_array (&operations);
  if (cancellable)
    ferry_sim_value_append_string (&operations, "cancel");
  ferry_sim_db_set_value (db, task, "allowed_operations", &operations);
}

const char *
ferry_sim_ops_call_task (FerrySimCall *call,
                         gboolean     *owned)
{
  FerrySimRow *task = ferry_sim_call_get_task (call);

  *owned = task == NULL;
  if (task == NULL)
    task = ferry_sim_ops_task_create (ferry_sim_call_get_db (call), ferry_sim_call_get_method (call), NULL);
  return task->ref;
}

/* Operations --------------------------------------------------------------- */

void
ferry_sim_ops_add_operation (FerrySimDb  *db,
                             FerrySimRow *row,
                             const char  *task_ref,
                             const char  *operation)
{
  ferry_sim_db_map_set (db, row, "current_operations", task_ref, operation);
  if (g_str_equal (row->klass->name, "VM"))
    ferry_sim_lifecycle_refresh_vm (db, row);
}

void
ferry_sim_ops_remove_operation (FerrySimDb *db,
                                const char *ref,
                                const char *task_ref)
{
  FerrySimRow *row = ferry_sim_db_lookup (db, ref);

  if (row == NULL ||
      ferry_sim_value_lookup (ferry_sim_row_get (row, "current_operations"), task_ref) == NULL)
    return;
  ferry_sim_db_map_remove (db, row, "current_operations", task_ref);
  if (g_str_equal (row->klass->name, "VM"))
    ferry_sim_lifecycle_refresh_vm (db, row);
}

gboolean
ferry_sim_ops_check_idle (FerrySimRow  *row,
                          const char   *class_name,
                          GError      **error)
{
  const FerrySimValue *current = ferry_sim_row_get (row, "current_operations");
  const FerrySimPair *pair;

  if (ferry_sim_value_get_length (current) == 0)
    return TRUE;
  pair = ferry_sim_value_pair (current, 0);
  ferry_sim_set_failure (error, "OTHER_OPERATION_IN_PROGRESS", class_name, row->ref,
                         ferry_sim_value_get_string (&pair->value), pair->key, NULL);
  return FALSE;
}

/* Messages ----------------------------------------------------------------- */

FerrySimRow *
ferry_sim_ops_add_message (FerrySimDb *db,
                           const char *name,
                           gint64      priority,
                           const char *cls,
                           const char *obj_uuid,
                           const char *body)
{
  FerrySimRow *message = ferry_sim_db_create (db, "message");
  FerrySimValue now = FERRY_SIM_VALUE_INIT;

  ferry_sim_db_set_string (db, message, "name", name);
  ferry_sim_db_set_int (db, message, "priority", priority);
  ferry_sim_db_set_string (db, message, "cls", cls);
  ferry_sim_db_set_string (db, message, "obj_uuid", obj_uuid);
  ferry_sim_value_set_datetime_now (&now);
  ferry_sim_db_set_value (db, message, "timestamp", &now);
  ferry_sim_db_set_string (db, message, "body", body);
  return message;
}

/* Storage ------------------------------------------------------------------ */

gint64
ferry_sim_ops_sr_free (FerrySimRow *sr)
{
  return ferry_sim_row_get_int (sr, "physical_size") - ferry_sim_row_get_int (sr, "physical_utilisation");
}

void
ferry_sim_ops_sr_adjust (FerrySimDb  *db,
                         FerrySimRow *sr,
                         gint64       physical,
                         gint64       virtual_allocation)
{
  if (sr == NULL)
    return;
  if (physical != 0)
    ferry_sim_db_set_int (db, sr, "physical_utilisation",
                          MAX (0, ferry_sim_row_get_int (sr, "physical_utilisation") + physical));
  if (virtual_allocation != 0)
    ferry_sim_db_set_int (db, sr, "virtual_allocation",
                          MAX (0, ferry_sim_row_get_int (sr, "virtual_allocation") + virtual_allocation));
}

void
ferry_sim_ops_set_no_space (GError     **error,
                            FerrySimRow *sr,
                            gboolean     source)
{
  g_autofree char *detail = NULL;

  /* The SM's code 44; a failed source snapshot names the SR as
   * storage_smapiv1_migrate.ml does (SR_SOURCE_SPACE_INSUFFICIENT). */
  if (source)
    detail = g_strdup_printf ("SR_SOURCE_SPACE_INSUFFICIENT:%s", ferry_sim_row_get_uuid (sr));
  else
    detail = g_strdup_printf ("SR %s", ferry_sim_row_get_uuid (sr));
  ferry_sim_set_failure (error, "SR_BACKEND_FAILURE_44", "", "There is insufficient space", detail, NULL);
}

gint64
ferry_sim_ops_copy_size (FerrySimRow *vdi,
                         FerrySimRow *sr)
{
  /* A thick SR allocates the whole disk; a thin one what is written. */
  if (g_strcmp0 (ferry_sim_row_map_lookup (sr, "sm_config", "allocation"), "thick") == 0)
    return ferry_sim_row_get_int (vdi, "virtual_size");

  return ferry_sim_row_get_int (vdi, "physical_utilisation");
}

FerrySimRow *
ferry_sim_ops_copy_vdi (FerrySimDb  *src_db,
                        FerrySimRow *vdi,
                        FerrySimDb  *db,
                        FerrySimRow *sr)
{
  static const char * const copied[] = {
    "name_label", "name_description", "virtual_size", "type", "sharable", "read_only",
    "other_config", "xenstore_data", "sm_config", "is_a_snapshot", "snapshot_time", "tags",
    "allow_caching", "on_boot", "managed", "missing", "is_tools_iso", "cbt_enabled", NULL
  };
  FerrySimRow *copy = ferry_sim_db_create (db, "VDI");
  gint64 virt = ferry_sim_row_get_int (vdi, "virtual_size");
  gint64 physical;

  (void) src_db;
  for (guint i = 0; copied[i]; i++)
    {
      FerrySimValue value = FERRY_SIM_VALUE_INIT;

      ferry_sim_value_copy (&value, ferry_sim_row_get (vdi, copied[i]));
      ferry_sim_db_set_value (db, copy, copied[i], &value);
    }
  physical = ferry_sim_ops_copy_size (vdi, sr);
  ferry_sim_db_set_int (db, copy, "physical_utilisation", physical);
  ferry_sim_ops_set_ref (db, copy, "SR", sr->ref);
  ferry_sim_db_set_string (db, copy, "location", ferry_sim_row_get_uuid (copy));
  ferry_sim_ops_sr_adjust (db, sr, physical, virt);
  return copy;
}

void
ferry_sim_ops_destroy_vdi (FerrySimDb  *db,
                           FerrySimRow *vdi)
{
  FerrySimRow *sr = ferry_sim_follow (db, vdi, "SR");

  ferry_sim_ops_sr_adjust (db, sr, -ferry_sim_row_get_int (vdi, "physical_utilisation"),
                           -ferry_sim_row_get_int (vdi, "virtual_size"));
  ferry_sim_db_delete_row (db, vdi);
}

/* Options ------------------------------------------------------------------ */

gboolean
ferry_sim_ops_option_true (const FerrySimValue *options,
                           const char          *key)
{
  return g_strcmp0 (ferry_sim_value_lookup_string (options, key), "true") == 0;
}

int
ferry_sim_ops_option_switch (const FerrySimValue *options,
                             const char          *key)
{
  const char *text = ferry_sim_value_lookup_string (options, key);

  if (text == NULL)
    return -1;
  if (g_ascii_strcasecmp (text, "true") == 0 || g_ascii_strcasecmp (text, "on") == 0 || g_str_equal (text, "1"))
    return 1;
  if (g_ascii_strcasecmp (text, "false") == 0 || g_ascii_strcasecmp (text, "off") == 0 || g_str_equal (text, "0"))
    return 0;
  return -1;
}

/* VM state ----------------------------------------------------------------- */

static gint64
next_domid (FerrySimDb  *db,
            FerrySimRow *host)
{
  g_autoptr(GPtrArray) resident = ferry_sim_follow_set (db, host, "resident_VMs");
  gint64 max = 0;

  for (guint i = 0; i < resident->len; i++)
    max = MAX (max, ferry_sim_row_get_int (g_ptr_array_index (resident, i), "domid"));
  return max + 1;
}

static void
set_now (FerrySimDb  *db,
         FerrySimRow *row,
         const char  *field)
{
  FerrySimValue now = FERRY_SIM_VALUE_INIT;

  if (row == NULL)
    return;
  ferry_sim_value_set_datetime_now (&now);
  ferry_sim_db_set_value (db, row, field, &now);
}

static void
set_devices_attached (FerrySimDb  *db,
                      FerrySimRow *vm,
                      gboolean     attached)
{
  static const char * const sets[] = { "VBDs", "VIFs", "VUSBs", "VGPUs" };

  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      g_autoptr(GPtrArray) devices = ferry_sim_follow_set (db, vm, sets[s]);

      for (guint i = 0; i < devices->len; i++)
        {
          FerrySimRow *device = g_ptr_array_index (devices, i);

          if (ferry_sim_row_get_bool (device, "currently_attached") != attached)
            ferry_sim_db_set_bool (db, device, "currently_attached", attached);
          if (g_str_equal (sets[s], "VBDs"))
            {
              guint64 n = g_ascii_strtoull (ferry_sim_row_get_string (device, "userdevice"), NULL, 10);
              g_autofree char *name = g_strdup_printf ("xvd%c", (char) ('a' + MIN (n, 25)));
              ferry_sim_db_set_string (db, device, "device", attached ? name : "");
            }
        }
    }
}

char *
ferry_sim_ops_boot_cpu_features (FerrySimDb  *db,
                                 FerrySimRow *host,
                                 gboolean     pv)
{
  GPtrArray *hosts = ferry_sim_db_get_rows_by_name (db, "host");
  const char *vendor = ferry_sim_row_map_lookup (host, "cpu_info", "vendor");
  g_autoptr(GArray) acc = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint h = 0; h < hosts->len; h++)
    {
      FerrySimRow *other = g_ptr_array_index (hosts, h);
      const char *features = ferry_sim_row_map_lookup (other, "cpu_info", pv ? "features_pv" : "features_hvm");
      g_auto(GStrv) words = NULL;

      if (g_strcmp0 (ferry_sim_row_map_lookup (other, "cpu_info", "vendor"), vendor) != 0 || features == NULL)
        continue;
      words = g_strsplit (features, "-", -1);
      if (acc == NULL)
        {
          acc = g_array_new (FALSE, TRUE, sizeof (guint32));
          for (guint i = 0; words[i]; i++)
            {
              guint32 w = (guint32) g_ascii_strtoull (words[i], NULL, 16);
              g_array_append_val (acc, w);
            }
          continue;
        }
      for (guint i = 0, n = g_strv_length (words); i < acc->len; i++)
        g_array_index (acc, guint32, i) &= i < n ? (guint32) g_ascii_strtoull (words[i], NULL, 16) : 0;
    }

  if (acc == NULL)
    return NULL;
  for (guint i = 0; i < acc->len; i++)
    g_string_append_printf (out, "%s%08x", i > 0 ? "-" : "", g_array_index (acc, guint32, i));
  return g_strdup (out->str);
}

static void
attach_pcis (FerrySimDb  *db,
             FerrySimRow *vm,
             FerrySimRow *host)
{
  const char *pci = ferry_sim_row_map_lookup (vm, "other_config", "pci");
  g_auto(GStrv) entries = NULL;
  g_autoptr(GPtrArray) pcis = ferry_sim_follow_set (db, host, "PCIs");

  if (pci == NULL || *pci == '\0')
    return;
  /* other_config:pci is "0/0000:3b:00.0,1/…" */
  entries = g_strsplit (pci, ",", -1);
  for (guint i = 0; entries[i]; i++)
    {
      const char *slash = strchr (entries[i], '/');
      const char *id = slash ? slash + 1 : entries[i];

      for (guint p = 0; p < pcis->len; p++)
        {
          FerrySimRow *device = g_ptr_array_index (pcis, p);

          if (g_strcmp0 (ferry_sim_row_get_string (device, "pci_id"), id) == 0 &&
              !ferry_sim_value_contains_string (ferry_sim_row_get (vm, "attached_PCIs"), device->ref))
            ferry_sim_db_set_add (db, vm, "attached_PCIs", device->ref);
        }
    }
}

static void
place_vgpus (FerrySimDb  *db,
             FerrySimRow *vm,
             FerrySimRow *host)
{
  g_autoptr(GPtrArray) vgpus = ferry_sim_follow_set (db, vm, "VGPUs");

  for (guint i = 0; i < vgpus->len; i++)
    {
      FerrySimRow *vgpu = g_ptr_array_index (vgpus, i);
      FerrySimRow *reserved = ferry_sim_follow (db, vgpu, "scheduled_to_be_resident_on");
      FerrySimRow *resident = ferry_sim_follow (db, vgpu, "resident_on");
      FerrySimRow *pgpu = reserved;
      FerrySimRow *type = ferry_sim_follow (db, vgpu, "type");
      FerrySimRow *old_vf = ferry_sim_follow (db, vgpu, "PCI");

      if (pgpu == NULL && resident != NULL &&
          g_strcmp0 (ferry_sim_row_get_string (resident, "host"), host->ref) == 0)
        pgpu = resident;
      if (pgpu == NULL)
        pgpu = ferry_sim_find_pgpu_for (db, host, ferry_sim_row_get_string (vgpu, "GPU_group"),
                                        ferry_sim_row_get_string (vgpu, "type"), vgpu->ref);
      if (reserved != NULL)
        ferry_sim_ops_set_ref (db, vgpu, "scheduled_to_be_resident_on", NULL);
      if (pgpu == NULL || pgpu == resident)
        continue;

      ferry_sim_ops_set_ref (db, vgpu, "resident_on", pgpu->ref);
      /* An SR-IOV vGPU's virtual function belongs to its card. */
      if (old_vf != NULL)
        {
          FerrySimRow *vf = ferry_sim_db_create (db, "PCI");
          static const char * const copied[] = {
            "class_name", "vendor_name", "device_name", "dependencies", "other_config",
            "subsystem_vendor_name", "subsystem_device_name", "driver_name", NULL
          };
          g_autofree char *pci_id = g_strdup_printf ("0000:%02x:%02x.%u", g_random_int_range (0x40, 0xf0),
                                                     g_random_int_range (0, 0x20), (guint) g_random_int_range (0, 8));

          for (guint c = 0; copied[c]; c++)
            {
              FerrySimValue value = FERRY_SIM_VALUE_INIT;
              ferry_sim_value_copy (&value, ferry_sim_row_get (old_vf, copied[c]));
              ferry_sim_db_set_value (db, vf, copied[c], &value);
            }
          ferry_sim_ops_set_ref (db, vf, "host", host->ref);
          ferry_sim_db_set_string (db, vf, "pci_id", pci_id);
          ferry_sim_ops_set_ref (db, vgpu, "PCI", vf->ref);
          ferry_sim_db_set_remove (db, vm, "attached_PCIs", old_vf->ref);
          ferry_sim_db_set_add (db, vm, "attached_PCIs", vf->ref);
          ferry_sim_db_delete_row (db, old_vf);
        }
      else if (g_strcmp0 (ferry_sim_row_get_string (type, "implementation"), "passthrough") == 0)
        {
          if (resident != NULL)
            ferry_sim_db_set_remove (db, vm, "attached_PCIs", ferry_sim_row_get_string (resident, "PCI"));
          ferry_sim_db_set_add (db, vm, "attached_PCIs", ferry_sim_row_get_string (pgpu, "PCI"));
        }
    }
}

void
ferry_sim_ops_vm_set_resident (FerrySimDb  *db,
                               FerrySimRow *vm,
                               FerrySimRow *host,
                               const char  *power_state,
                               FerrySimArrival arrival)
{
  gboolean boot = arrival == FERRY_SIM_ARRIVAL_BOOTED;
  gboolean restore = arrival != FERRY_SIM_ARRIVAL_MIGRATED;
  FerrySimRow *metrics = ferry_sim_follow (db, vm, "metrics");
  FerrySimRow *guest = ferry_sim_follow (db, vm, "guest_metrics");
  FerrySimRow *old_host = ferry_sim_follow (db, vm, "resident_on");
  const char *domain_type = ferry_sim_row_get_string (vm, "domain_type");
  gboolean pv = g_strcmp0 (domain_type, "pv") == 0;

  ferry_sim_db_set_int (db, vm, "domid", next_domid (db, host));
  ferry_sim_ops_set_ref (db, vm, "resident_on", host->ref);
  ferry_sim_ops_set_ref (db, vm, "scheduled_to_be_resident_on", NULL);
  if (g_strcmp0 (ferry_sim_row_get_string (vm, "power_state"), power_state) != 0)
    ferry_sim_db_set_string (db, vm, "power_state", power_state);
  ferry_sim_db_set_string (db, vm, "domarch", "x64");
  if (restore)
    ferry_sim_db_set_int (db, vm, "memory_target", ferry_sim_row_get_int (vm, "memory_dynamic_max"));

  if (boot)
    {
      g_autofree char *features = ferry_sim_ops_boot_cpu_features (db, host, pv);
      FerrySimValue flags = FERRY_SIM_VALUE_INIT;

      ferry_sim_value_set_map (&flags);
      ferry_sim_value_insert_string (&flags, "vendor", ferry_sim_row_map_lookup (host, "cpu_info", "vendor"));
      if (features != NULL)
        ferry_sim_value_insert_string (&flags, "features", features);
      ferry_sim_db_set_value (db, vm, "last_boot_CPU_flags", &flags);
    }

  if (metrics != NULL)
    {
      if (restore)
        {
          ferry_sim_db_set_int (db, metrics, "memory_actual", ferry_sim_row_get_int (vm, "memory_dynamic_max"));
          ferry_sim_db_set_int (db, metrics, "VCPUs_number", ferry_sim_row_get_int (vm, "VCPUs_at_startup"));
        }
      if (boot)
        {
          ferry_sim_db_set_bool (db, metrics, "nomigrate",
                                 ferry_sim_text_is_true (ferry_sim_row_map_lookup (vm, "platform", "nomigrate")));
          ferry_sim_db_set_bool (db, metrics, "nested_virt",
                                 ferry_sim_text_is_true (ferry_sim_row_map_lookup (vm, "platform", "nested-virt")));
          ferry_sim_db_set_bool (db, metrics, "hvm", !pv);
          ferry_sim_db_set_string (db, metrics, "current_domain_type", domain_type);
          set_now (db, metrics, "start_time");
        }
      set_now (db, metrics, "last_updated");
    }
  if (guest != NULL)
    {
      if (!ferry_sim_row_get_bool (guest, "live"))
        ferry_sim_db_set_bool (db, guest, "live", TRUE);
      set_now (db, guest, "last_updated");
    }

  set_devices_attached (db, vm, TRUE);
  attach_pcis (db, vm, host);
  place_vgpus (db, vm, host);

  if (old_host != NULL && old_host != host)
    ferry_sim_host_update_memory_free (db, old_host);
  ferry_sim_host_update_memory_free (db, host);
}

void
ferry_sim_ops_vm_set_stopped (FerrySimDb  *db,
                              FerrySimRow *vm,
                              const char  *power_state)
{
  FerrySimRow *metrics = ferry_sim_follow (db, vm, "metrics");
  FerrySimRow *guest = ferry_sim_follow (db, vm, "guest_metrics");
  FerrySimRow *old_host = ferry_sim_follow (db, vm, "resident_on");
  g_autoptr(GPtrArray) vgpus = ferry_sim_follow_set (db, vm, "VGPUs");
  FerrySimValue empty = FERRY_SIM_VALUE_INIT;

  ferry_sim_db_set_string (db, vm, "power_state", power_state);
  ferry_sim_ops_set_ref (db, vm, "resident_on", NULL);
  ferry_sim_ops_set_ref (db, vm, "scheduled_to_be_resident_on", NULL);
  ferry_sim_db_set_int (db, vm, "domid", -1);
  ferry_sim_db_set_string (db, vm, "domarch", "");
  ferry_sim_db_set_int (db, vm, "memory_target", 0);
  ferry_sim_value_set_array (&empty);
  ferry_sim_db_set_value (db, vm, "attached_PCIs", &empty);

  for (guint i = 0; i < vgpus->len; i++)
    {
      FerrySimRow *vgpu = g_ptr_array_index (vgpus, i);
      FerrySimRow *vf = ferry_sim_follow (db, vgpu, "PCI");

      ferry_sim_ops_set_ref (db, vgpu, "resident_on", NULL);
      ferry_sim_ops_set_ref (db, vgpu, "scheduled_to_be_resident_on", NULL);
      if (vf != NULL)
        {
          ferry_sim_ops_set_ref (db, vgpu, "PCI", NULL);
          ferry_sim_db_delete_row (db, vf);
        }
    }

  if (metrics != NULL)
    {
      ferry_sim_db_set_int (db, metrics, "memory_actual", 0);
      ferry_sim_db_set_int (db, metrics, "VCPUs_number", 0);
      if (g_str_equal (power_state, "Halted"))
        {
          ferry_sim_db_set_bool (db, metrics, "nomigrate", FALSE);
          ferry_sim_db_set_bool (db, metrics, "nested_virt", FALSE);
          ferry_sim_db_set_string (db, metrics, "current_domain_type", "unspecified");
        }
      set_now (db, metrics, "last_updated");
    }
  if (guest != NULL && ferry_sim_row_get_bool (guest, "live"))
    ferry_sim_db_set_bool (db, guest, "live", FALSE);

  set_devices_attached (db, vm, FALSE);
  if (old_host != NULL)
    ferry_sim_host_update_memory_free (db, old_host);
}
