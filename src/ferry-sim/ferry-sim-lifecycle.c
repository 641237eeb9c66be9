/* ferry-sim-lifecycle.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-lifecycle"

#include "config.h"

#include <string.h>

#include "ferry-sim-checks.h"
#include "ferry-sim-error.h"
#include "ferry-sim-lifecycle.h"

typedef struct
{
  const char *operation;
  const char *power_states;  /* the states it may start from */
  guint       flags;
} OperationInfo;

enum {
  LIVE       = 1 << 0,  /* needs the guest's cooperation: suspend-like */
  MOVES      = 1 << 1,  /* takes the VM elsewhere: mobility, PCI, VUSB */
  TEMPLATE_OK = 1 << 2, /* allowed on templates */
  SNAPSHOT_OK = 1 << 3, /* allowed on snapshots */
  RPU_OK      = 1 << 4, /* allowed during a rolling pool upgrade (xapi_globs.ml rpu_allowed_vm_operations) */
};

/* The operations clients look for in allowed_operations. */
static const OperationInfo operations[] = {
  { "start",              "Halted",                            RPU_OK },
  { "start_on",           "Halted",                            RPU_OK },
  { "resume",             "Suspended",                         RPU_OK },
  { "resume_on",          "Suspended",                         RPU_OK },
  { "clean_shutdown",     "Running",                           RPU_OK },
  { "hard_shutdown",      "Running,Paused,Suspended",          RPU_OK },
  { "clean_reboot",       "Running",                           RPU_OK },
  { "hard_reboot",        "Running,Paused",                    RPU_OK },
  { "suspend",            "Running",                           LIVE | MOVES | RPU_OK },
  { "checkpoint",         "Running,Suspended",                 LIVE | MOVES },
  { "pause",              "Running",                           RPU_OK },
  { "unpause",            "Paused",                            RPU_OK },
  { "pool_migrate",       "Running",                           LIVE | MOVES | RPU_OK },
  { "migrate_send",       "Halted,Suspended,Running",          LIVE | MOVES | TEMPLATE_OK | RPU_OK },
  { "snapshot",           "Halted,Running,Paused,Suspended",   0 },
  { "clone",              "Halted,Suspended",                  TEMPLATE_OK | SNAPSHOT_OK | RPU_OK },
  { "copy",               "Halted,Suspended",                  TEMPLATE_OK | SNAPSHOT_OK | RPU_OK },
  { "export",             "Halted,Suspended",                  TEMPLATE_OK | SNAPSHOT_OK | RPU_OK },
  { "destroy",            "Halted",                            TEMPLATE_OK | SNAPSHOT_OK | RPU_OK },
  { "changing_memory_limits", "Halted",                        TEMPLATE_OK },
  { "make_into_template", "Halted",                            RPU_OK },
};

static const OperationInfo *
lookup_operation (const char *operation)
{
  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    if (g_str_equal (operations[i].operation, operation))
      return &operations[i];
  return NULL;
}

static gboolean
power_state_allowed (const OperationInfo *info,
                     const char          *power_state)
{
  gsize len = strlen (power_state);

  for (const char *p = info->power_states; (p = strstr (p, power_state)) != NULL; p += len)
    if ((p == info->power_states || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
      return TRUE;
  return FALSE;
}

static char *
lower_list (const char *states)
{
  g_auto(GStrv) parts = g_strsplit (states, ",", -1);
  g_autofree char *joined = g_strjoinv (", ", parts);

  return g_ascii_strdown (joined, -1);
}

static gboolean
is_true (const char *text)
{
  return text != NULL && (g_ascii_strcasecmp (text, "true") == 0 || g_str_equal (text, "1"));
}

static gboolean
is_immobile (FerrySimDb  *db,
             FerrySimRow *vm)
{
  FerrySimRow *metrics = ferry_sim_db_lookup_in (db, "VM_metrics", ferry_sim_row_get_string (vm, "metrics"));

  /* VM_metrics is authoritative; platform only when there are no metrics. */
  if (metrics != NULL)
    return ferry_sim_row_get_bool (metrics, "nomigrate") || ferry_sim_row_get_bool (metrics, "nested_virt");

  return is_true (ferry_sim_row_map_lookup (vm, "platform", "nomigrate")) ||
         is_true (ferry_sim_row_map_lookup (vm, "platform", "nested-virt"));
}

static gboolean
has_pv_drivers (FerrySimRow *guest)
{
  const char *major = ferry_sim_row_map_lookup (guest, "PV_drivers_version", "major");
  const char *minor = ferry_sim_row_map_lookup (guest, "PV_drivers_version", "minor");
  char *end;

  if (major == NULL || minor == NULL)
    return FALSE;
  g_ascii_strtoll (major, &end, 10);
  if (*major == '\0' || *end != '\0')
    return FALSE;
  g_ascii_strtoll (minor, &end, 10);
  return *minor != '\0' && *end == '\0';
}

static gboolean
is_definitely_pv (FerrySimDb  *db,
                  FerrySimRow *vm)
{
  FerrySimRow *metrics = ferry_sim_db_lookup_in (db, "VM_metrics", ferry_sim_row_get_string (vm, "metrics"));
  const char *domain_type = metrics ? ferry_sim_row_get_string (metrics, "current_domain_type") : NULL;

  return g_strcmp0 (domain_type, "pv") == 0;
}

static gboolean
pci_is_sriov_vgpu (FerrySimDb  *db,
                   FerrySimRow *vm,
                   const char  *pci_ref)
{
  const FerrySimValue *vgpus = ferry_sim_row_get (vm, "VGPUs");

  for (guint i = 0; i < ferry_sim_value_get_length (vgpus); i++)
    {
      FerrySimRow *vgpu = ferry_sim_db_lookup (db, ferry_sim_value_index (vgpus, i)->s);
      FerrySimRow *type = vgpu ? ferry_sim_db_lookup (db, ferry_sim_row_get_string (vgpu, "type")) : NULL;

      if (vgpu != NULL && g_strcmp0 (ferry_sim_row_get_string (vgpu, "PCI"), pci_ref) == 0 &&
          type != NULL && g_strcmp0 (ferry_sim_row_get_string (type, "implementation"), "nvidia_sriov") == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
vgpus_migratable (FerrySimDb  *db,
                  FerrySimRow *vm)
{
  const FerrySimValue *vgpus = ferry_sim_row_get (vm, "VGPUs");

  for (guint i = 0; i < ferry_sim_value_get_length (vgpus); i++)
    {
      FerrySimRow *vgpu = ferry_sim_db_lookup (db, ferry_sim_value_index (vgpus, i)->s);
      FerrySimRow *type = vgpu ? ferry_sim_db_lookup (db, ferry_sim_row_get_string (vgpu, "type")) : NULL;
      FerrySimRow *pgpu = vgpu ? ferry_sim_db_lookup (db, ferry_sim_row_get_string (vgpu, "resident_on")) : NULL;
      const char *implementation = type ? ferry_sim_row_get_string (type, "implementation") : NULL;

      if (g_strcmp0 (implementation, "nvidia") != 0 && g_strcmp0 (implementation, "nvidia_sriov") != 0)
        return FALSE;
      if (pgpu != NULL && ferry_sim_row_map_lookup (pgpu, "compatibility_metadata", "nvidia") == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
has_reset_caching_vdi (FerrySimDb  *db,
                       FerrySimRow *vm)
{
  const FerrySimValue *vbds = ferry_sim_row_get (vm, "VBDs");

  for (guint i = 0; i < ferry_sim_value_get_length (vbds); i++)
    {
      FerrySimRow *vbd = ferry_sim_db_lookup (db, ferry_sim_value_index (vbds, i)->s);
      FerrySimRow *vdi = vbd ? ferry_sim_db_lookup_in (db, "VDI", ferry_sim_row_get_string (vbd, "VDI")) : NULL;

      if (vdi != NULL &&
          g_strcmp0 (ferry_sim_row_map_lookup (vdi, "sm_config", "on_boot"), "reset") == 0 &&
          is_true (ferry_sim_row_map_lookup (vdi, "sm_config", "caching")))
        return TRUE;
    }
  return FALSE;
}

gboolean
ferry_sim_lifecycle_check_vm (FerrySimDb   *db,
                              FerrySimRow  *vm,
                              const char   *operation,
                              gboolean      strict,
                              GError      **error)
{
  const OperationInfo *info = lookup_operation (operation);
  const char *power_state = ferry_sim_row_get_string (vm, "power_state");
  const FerrySimValue *blocked = ferry_sim_row_get (vm, "blocked_operations");
  const FerrySimValue *current = ferry_sim_row_get (vm, "current_operations");
  const FerrySimValue *pcis;
  const char *reason;
  FerrySimRow *guest;
  gboolean live;

  if (info == NULL)
    {
      ferry_sim_set_failure (error, "OPERATION_NOT_ALLOWED", operation, NULL);
      return FALSE;
    }

  reason = ferry_sim_value_lookup_string (blocked, operation);
  if (reason != NULL)
    {
      ferry_sim_set_failure (error, "OPERATION_BLOCKED", vm->ref, reason, NULL);
      return FALSE;
    }

  if (!power_state_allowed (info, power_state))
    {
      g_autofree char *expected = lower_list (info->power_states);
      g_autofree char *actual = g_ascii_strdown (power_state, -1);

      ferry_sim_set_failure (error, "VM_BAD_POWER_STATE", vm->ref, expected, actual, NULL);
      return FALSE;
    }

  if (ferry_sim_value_get_length (current) > 0)
    {
      guint n = ferry_sim_value_get_length (current);
      gboolean compatible = g_str_equal (operation, "migrate_send");
      g_autoptr(GString) ops = g_string_new (n > 1 ? "{" : "");
      g_autoptr(GString) tasks = g_string_new (n > 1 ? "{" : "");

      /* Only migrate_send runs beside metadata_export, clean_shutdown and clean_reboot. */
      for (guint i = 0; i < n; i++)
        {
          const FerrySimPair *pair = ferry_sim_value_pair (current, i);
          const char *other = ferry_sim_value_get_string (&pair->value);

          compatible = compatible && (g_strcmp0 (other, "metadata_export") == 0 ||
                                      g_strcmp0 (other, "clean_shutdown") == 0 ||
                                      g_strcmp0 (other, "clean_reboot") == 0);
          g_string_append_printf (ops, "%s%s", i > 0 ? "," : "", other ? other : "");
          g_string_append_printf (tasks, "%s%s", i > 0 ? "," : "", pair->key);
        }
      if (n > 1)
        {
          g_string_append_c (ops, '}');
          g_string_append_c (tasks, '}');
        }

      if (!compatible)
        {
          ferry_sim_set_failure (error, "OTHER_OPERATION_IN_PROGRESS", "VM", vm->ref, ops->str, tasks->str, NULL);
          return FALSE;
        }
    }

  if (ferry_sim_row_get_bool (vm, "is_a_template") && !ferry_sim_row_get_bool (vm, "is_a_snapshot"))
    {
      gboolean default_template = ferry_sim_row_get_bool (vm, "is_default_template") ||
                                  is_true (ferry_sim_row_map_lookup (vm, "other_config", "default_template"));

      if (!(info->flags & TEMPLATE_OK) || (g_str_equal (operation, "migrate_send") && default_template))
        {
          ferry_sim_set_failure (error, "VM_IS_TEMPLATE", vm->ref, operation, NULL);
          return FALSE;
        }
    }

  if (ferry_sim_row_get_bool (vm, "is_a_snapshot") && !(info->flags & SNAPSHOT_OK))
    {
      ferry_sim_set_failure (error, "VM_IS_SNAPSHOT", vm->ref, operation, NULL);
      return FALSE;
    }

  if ((info->flags & MOVES) && strict && is_immobile (db, vm))
    {
      ferry_sim_set_failure (error, "VM_IS_IMMOBILE", vm->ref, NULL);
      return FALSE;
    }

  if (ferry_sim_row_get_bool (vm, "is_control_domain"))
    {
      ferry_sim_set_failure (error, "OPERATION_NOT_ALLOWED",
                             "This operation is not allowed on a control domain", NULL);
      return FALSE;
    }

  live = (info->flags & LIVE) && g_strcmp0 (power_state, "Running") == 0;
  guest = ferry_sim_db_lookup_in (db, "VM_guest_metrics", ferry_sim_row_get_string (vm, "guest_metrics"));
  if (live && guest != NULL)
    {
      reason = ferry_sim_row_map_lookup (guest, "other", "data-cant-suspend-reason");
      if (reason != NULL)
        {
          ferry_sim_set_failure (error, "VM_NON_SUSPENDABLE", vm->ref, reason, NULL);
          return FALSE;
        }
    }
  if (live && strict && !is_definitely_pv (db, vm) && (guest == NULL || !has_pv_drivers (guest)) &&
      g_strcmp0 (guest ? ferry_sim_row_map_lookup (guest, "other", "feature-suspend") : NULL, "1") != 0)
    {
      ferry_sim_set_failure (error, "VM_LACKS_FEATURE", vm->ref, NULL);
      return FALSE;
    }

  if (g_str_equal (operation, "pool_migrate") && has_reset_caching_vdi (db, vm))
    {
      ferry_sim_set_failure (error, "VDI_ON_BOOT_MODE_INCOMPATIBLE_WITH_OPERATION", NULL);
      return FALSE;
    }

  pcis = ferry_sim_row_get (vm, "attached_PCIs");
  if (info->flags & MOVES)
    for (guint i = 0; i < ferry_sim_value_get_length (pcis); i++)
      if (!pci_is_sriov_vgpu (db, vm, ferry_sim_value_index (pcis, i)->s))
        {
          ferry_sim_set_failure (error, "VM_HAS_PCI_ATTACHED", vm->ref, NULL);
          return FALSE;
        }

  if ((info->flags & MOVES) && ferry_sim_value_get_length (ferry_sim_row_get (vm, "VGPUs")) > 0 &&
      !(g_str_equal (operation, "migrate_send") && g_strcmp0 (power_state, "Halted") == 0) &&
      !vgpus_migratable (db, vm))
    {
      ferry_sim_set_failure (error, "VM_HAS_VGPU", vm->ref, NULL);
      return FALSE;
    }

  if ((info->flags & MOVES) && ferry_sim_value_get_length (ferry_sim_row_get (vm, "VUSBs")) > 0)
    {
      ferry_sim_set_failure (error, "VM_HAS_VUSBS", vm->ref, NULL);
      return FALSE;
    }

  /* (Appliances, VMPP and VMSS: the simulator has none.) */
  if (!(info->flags & RPU_OK) && ferry_sim_pool_rolling_upgrade (db))
    {
      ferry_sim_set_failure (error, "NOT_SUPPORTED_DURING_UPGRADE", NULL);
      return FALSE;
    }

  return TRUE;
}

void
ferry_sim_lifecycle_refresh_vm (FerrySimDb  *db,
                                FerrySimRow *vm)
{
  FerrySimValue allowed = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_set_array (&allowed);
  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    if (ferry_sim_lifecycle_check_vm (db, vm, operations[i].operation, TRUE, NULL))
      ferry_sim_value_append_string (&allowed, operations[i].operation);

  ferry_sim_db_set_value (db, vm, "allowed_operations", &allowed);
}

void
ferry_sim_lifecycle_refresh (FerrySimDb *db,
                             gint64      since)
{
  GPtrArray *vms = ferry_sim_db_get_rows_by_name (db, "VM");

  for (guint i = 0; i < vms->len; i++)
    {
      FerrySimRow *vm = g_ptr_array_index (vms, i);

      if (vm->mtime > since)
        ferry_sim_lifecycle_refresh_vm (db, vm);
    }
}
