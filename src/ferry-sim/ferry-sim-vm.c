/* ferry-sim-vm.c: VM power-state messages and placement helpers
 *
 * start/start_on, clean_shutdown/hard_shutdown, clean_reboot/hard_reboot,
 * suspend, resume/resume_on, pause/unpause (the recovery flows of R29 need
 * them), VM.assert_can_boot_here and VM.get_possible_hosts (xapi.md §3.7).
 * Each checks the lifecycle rules (§4.1) first, then the host (§4.3).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-vm"

#include "config.h"

#include "ferry-sim-builder.h"
#include "ferry-sim-checks.h"
#include "ferry-sim-error.h"
#include "ferry-sim-lifecycle.h"
#include "ferry-sim-ops.h"
#include "ferry-sim-rpc-private.h"

/* The VM of argument 0 if @operation may run on it now, else replies. */
static FerrySimRow *
vm_for (FerrySimCall *call,
        const char   *operation)
{
  GError *error = NULL;
  FerrySimRow *vm = ferry_sim_call_get_arg_row (call, 0, "VM", &error);

  if (vm == NULL ||
      !ferry_sim_lifecycle_check_vm (ferry_sim_call_get_db (call), vm, operation, TRUE, &error))
    {
      ferry_sim_call_return_error (call, error);
      return NULL;
    }
  return vm;
}

static gboolean
arg_bool (FerrySimCall *call,
          guint         i)
{
  const FerrySimValue *value = ferry_sim_call_get_arg (call, i);

  return value->kind == FERRY_SIM_VALUE_BOOL && value->b;
}

/* xapi_vm_helpers.ml choose_host: the affinity first, then every other host
 * that passes assert_can_boot_here; NO_HOSTS_AVAILABLE [] if none does. */
static FerrySimRow *
choose_host (FerrySimDb   *db,
             FerrySimRow  *vm,
             guint         checks,
             GError      **error)
{
  FerrySimRow *affinity = ferry_sim_follow (db, vm, "affinity");
  GPtrArray *hosts = ferry_sim_db_get_rows_by_name (db, "host");

  if (affinity != NULL && ferry_sim_check_can_boot_here (db, vm, affinity, checks, NULL))
    return affinity;
  for (guint i = 0; i < hosts->len; i++)
    {
      FerrySimRow *host = g_ptr_array_index (hosts, i);

      if (host != affinity && ferry_sim_check_can_boot_here (db, vm, host, checks, NULL))
        return host;
    }
  ferry_sim_set_failure (error, "NO_HOSTS_AVAILABLE", NULL);
  return NULL;
}

static gboolean
check_host_for (FerrySimDb   *db,
                FerrySimRow  *vm,
                FerrySimRow  *host,
                const char   *host_operation,
                guint         checks,
                GError      **error)
{
  return ferry_sim_check_can_boot_here (db, vm, host, checks, error) &&
         ferry_sim_check_host_operation (db, host, host_operation, error);
}

/* start, start_on (Halted) */

static void
run_start (FerrySimCall *call,
           FerrySimRow  *vm,
           FerrySimRow  *host,
           gboolean      paused)
{
  ferry_sim_ops_vm_set_resident (ferry_sim_call_get_db (call), vm, host, paused ? "Paused" : "Running",
                                 FERRY_SIM_ARRIVAL_BOOTED);
  ferry_sim_call_return_void (call);
}

static void
vm_start (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *vm = vm_for (call, "start");
  FerrySimRow *host;
  GError *error = NULL;

  if (vm == NULL)
    return;
  host = choose_host (db, vm, FERRY_SIM_BOOT_CHECK_SR | FERRY_SIM_BOOT_CHECK_MEMORY, &error);
  if (host == NULL || !ferry_sim_check_host_operation (db, host, "vm_start", &error))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  run_start (call, vm, host, arg_bool (call, 1));
}

static void
vm_start_on (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *vm = vm_for (call, "start_on");
  FerrySimRow *host;
  GError *error = NULL;

  if (vm == NULL)
    return;
  host = ferry_sim_call_get_arg_row (call, 1, "host", &error);
  if (host == NULL ||
      !check_host_for (db, vm, host, "vm_start", FERRY_SIM_BOOT_CHECK_SR | FERRY_SIM_BOOT_CHECK_MEMORY, &error))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  run_start (call, vm, host, arg_bool (call, 2));
}

/* Shutting down */

static void
drop_suspend_image (FerrySimDb  *db,
                    FerrySimRow *vm)
{
  FerrySimRow *image = ferry_sim_follow (db, vm, "suspend_VDI");

  ferry_sim_ops_set_ref (db, vm, "suspend_VDI", NULL);
  if (image != NULL)
    ferry_sim_ops_destroy_vdi (db, image);
}

static void
stop (FerrySimCall *call,
      const char   *operation)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *vm = vm_for (call, operation);

  if (vm == NULL)
    return;
  if (g_strcmp0 (ferry_sim_row_get_string (vm, "power_state"), "Suspended") == 0)
    drop_suspend_image (db, vm);
  ferry_sim_ops_vm_set_stopped (db, vm, "Halted");
  ferry_sim_call_return_void (call);
}

static void
vm_clean_shutdown (FerrySimCall *call)
{
  stop (call, "clean_shutdown");
}

static void
vm_hard_shutdown (FerrySimCall *call)
{
  stop (call, "hard_shutdown");
}

static void
reboot (FerrySimCall *call,
        const char   *operation)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *vm = vm_for (call, operation);
  FerrySimRow *host;

  if (vm == NULL)
    return;
  /* A new domain on the same host, with the flags of this boot. */
  host = ferry_sim_follow (db, vm, "resident_on");
  ferry_sim_ops_vm_set_resident (db, vm, host, "Running", FERRY_SIM_ARRIVAL_BOOTED);
  ferry_sim_call_return_void (call);
}

static void
vm_clean_reboot (FerrySimCall *call)
{
  reboot (call, "clean_reboot");
}

static void
vm_hard_reboot (FerrySimCall *call)
{
  reboot (call, "hard_reboot");
}

/* Suspend and resume */

static FerrySimRow *
suspend_sr_for (FerrySimDb  *db,
                FerrySimRow *vm)
{
  GPtrArray *pools = ferry_sim_db_get_rows_by_name (db, "pool");
  FerrySimRow *sr = ferry_sim_follow (db, vm, "suspend_SR");

  if (sr == NULL && pools->len > 0)
    sr = ferry_sim_follow (db, g_ptr_array_index (pools, 0), "suspend_image_SR");
  if (sr == NULL)
    sr = ferry_sim_follow (db, ferry_sim_follow (db, vm, "resident_on"), "suspend_image_sr");
  return sr;
}

static void
vm_suspend (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *vm = vm_for (call, "suspend");
  FerrySimRow *sr;
  FerrySimRow *image;
  gint64 size;
  g_autofree char *name = NULL;
  GError *error = NULL;

  if (vm == NULL)
    return;
  sr = suspend_sr_for (db, vm);
  if (sr == NULL)
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("VM_NO_SUSPEND_SR", vm->ref, NULL));
      return;
    }
  /* The memory image: static_max and some room for device state. */
  size = ((ferry_sim_row_get_int (vm, "memory_static_max") + 16 * FERRY_SIM_MiB + FERRY_SIM_MiB - 1) / FERRY_SIM_MiB) *
         FERRY_SIM_MiB;
  if (ferry_sim_ops_sr_free (sr) < size)
    {
      ferry_sim_ops_set_no_space (&error, sr, FALSE);
      ferry_sim_call_return_error (call, error);
      return;
    }

  image = ferry_sim_db_create (db, "VDI");
  name = g_strdup_printf ("Suspend image for %s", ferry_sim_row_get_string (vm, "name_label"));
  ferry_sim_db_set_string (db, image, "name_label", name);
  ferry_sim_ops_set_ref (db, image, "SR", sr->ref);
  ferry_sim_db_set_string (db, image, "type", "suspend");
  ferry_sim_db_set_int (db, image, "virtual_size", size);
  ferry_sim_db_set_int (db, image, "physical_utilisation", size);
  ferry_sim_db_set_bool (db, image, "managed", TRUE);
  ferry_sim_db_set_string (db, image, "location", ferry_sim_row_get_uuid (image));
  ferry_sim_ops_sr_adjust (db, sr, size, size);

  ferry_sim_ops_set_ref (db, vm, "suspend_VDI", image->ref);
  ferry_sim_ops_set_ref (db, vm, "suspend_SR", sr->ref);
  ferry_sim_ops_vm_set_stopped (db, vm, "Suspended");
  ferry_sim_call_return_void (call);
}

static void
run_resume (FerrySimCall *call,
            FerrySimRow  *vm,
            FerrySimRow  *host,
            gboolean      paused)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);

  drop_suspend_image (db, vm);
  ferry_sim_ops_vm_set_resident (db, vm, host, paused ? "Paused" : "Running", FERRY_SIM_ARRIVAL_RESUMED);
  ferry_sim_call_return_void (call);
}

/* A suspended VM resumes only on a CPU that has what it booted with. */
#define RESUME_CHECKS (FERRY_SIM_BOOT_CHECK_CPU | FERRY_SIM_BOOT_CHECK_SR | FERRY_SIM_BOOT_CHECK_MEMORY)

static void
vm_resume (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *vm = vm_for (call, "resume");
  FerrySimRow *host;
  GError *error = NULL;

  if (vm == NULL)
    return;
  host = choose_host (db, vm, RESUME_CHECKS, &error);
  if (host == NULL || !ferry_sim_check_host_operation (db, host, "vm_resume", &error))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  run_resume (call, vm, host, arg_bool (call, 1));
}

static void
vm_resume_on (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *vm = vm_for (call, "resume_on");
  FerrySimRow *host;
  GError *error = NULL;

  if (vm == NULL)
    return;
  host = ferry_sim_call_get_arg_row (call, 1, "host", &error);
  if (host == NULL || !check_host_for (db, vm, host, "vm_resume", RESUME_CHECKS, &error))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  run_resume (call, vm, host, arg_bool (call, 2));
}

/* Pause */

static void
vm_pause (FerrySimCall *call)
{
  FerrySimRow *vm = vm_for (call, "pause");

  if (vm == NULL)
    return;
  ferry_sim_db_set_string (ferry_sim_call_get_db (call), vm, "power_state", "Paused");
  ferry_sim_call_return_void (call);
}

static void
vm_unpause (FerrySimCall *call)
{
  FerrySimRow *vm = vm_for (call, "unpause");

  if (vm == NULL)
    return;
  ferry_sim_db_set_string (ferry_sim_call_get_db (call), vm, "power_state", "Running");
  ferry_sim_call_return_void (call);
}

/* Placement (xapi.md §3.7) */

static void
vm_assert_can_boot_here (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  GError *error = NULL;
  FerrySimRow *vm = ferry_sim_call_get_arg_row (call, 0, "VM", &error);
  FerrySimRow *host = vm ? ferry_sim_call_get_arg_row (call, 1, "host", &error) : NULL;
  GPtrArray *pools = ferry_sim_db_get_rows_by_name (db, "pool");
  FerrySimRow *master = pools->len > 0 ? ferry_sim_follow (db, g_ptr_array_index (pools, 0), "master") : NULL;

  if (host == NULL)
    {
      ferry_sim_call_return_error (call, error);
      return;
    }

  /* During a rolling upgrade the host must run the master's versions. */
  if (ferry_sim_pool_rolling_upgrade (db) && master != NULL &&
      !(ferry_sim_host_versions_not_decreasing (master, host) && ferry_sim_host_versions_not_decreasing (host, master)))
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("VM_HOST_INCOMPATIBLE_VERSION", host->ref, vm->ref, NULL));
      return;
    }

  if (!ferry_sim_check_can_boot_here (db, vm, host,
                                      FERRY_SIM_BOOT_CHECK_CPU | FERRY_SIM_BOOT_CHECK_SR | FERRY_SIM_BOOT_CHECK_MEMORY,
                                      &error))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  ferry_sim_call_return_void (call);
}

static void
vm_get_possible_hosts (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  GError *error = NULL;
  FerrySimRow *vm = ferry_sim_call_get_arg_row (call, 0, "VM", &error);
  FerrySimRow *scheduled;
  GPtrArray *hosts = ferry_sim_db_get_rows_by_name (db, "host");
  FerrySimValue result = FERRY_SIM_VALUE_INIT;

  if (vm == NULL)
    {
      ferry_sim_call_return_error (call, error);
      return;
    }

  ferry_sim_value_set_array (&result);
  scheduled = ferry_sim_follow (db, vm, "scheduled_to_be_resident_on");
  if (scheduled != NULL)
    ferry_sim_value_append_string (&result, scheduled->ref);
  else
    for (guint i = 0; i < hosts->len; i++)
      {
        FerrySimRow *host = g_ptr_array_index (hosts, i);
        FerrySimRow *metrics = ferry_sim_follow (db, host, "metrics");

        if ((metrics == NULL || ferry_sim_row_get_bool (metrics, "live")) &&
            ferry_sim_check_can_boot_here (db, vm, host, FERRY_SIM_BOOT_CHECK_SR | FERRY_SIM_BOOT_CHECK_MEMORY, NULL))
          ferry_sim_value_append_string (&result, host->ref);
      }
  ferry_sim_call_return_value (call, &result);
}

static const FerrySimMethodDef vm_methods[] = {
  { "VM.start", vm_start, 0, 3, { "VM ref", "bool", "bool" } },
  { "VM.start_on", vm_start_on, 0, 4, { "VM ref", "host ref", "bool", "bool" } },
  { "VM.clean_shutdown", vm_clean_shutdown, 0, 1, { "VM ref" } },
  { "VM.hard_shutdown", vm_hard_shutdown, 0, 1, { "VM ref" } },
  { "VM.clean_reboot", vm_clean_reboot, 0, 1, { "VM ref" } },
  { "VM.hard_reboot", vm_hard_reboot, 0, 1, { "VM ref" } },
  { "VM.suspend", vm_suspend, 0, 1, { "VM ref" } },
  { "VM.resume", vm_resume, 0, 3, { "VM ref", "bool", "bool" } },
  { "VM.resume_on", vm_resume_on, 0, 4, { "VM ref", "host ref", "bool", "bool" } },
  { "VM.pause", vm_pause, 0, 1, { "VM ref" } },
  { "VM.unpause", vm_unpause, 0, 1, { "VM ref" } },
  { "VM.assert_can_boot_here", vm_assert_can_boot_here, 0, 2, { "VM ref", "host ref" } },
  { "VM.get_possible_hosts", vm_get_possible_hosts, 0, 1, { "VM ref" } },
};

void
_ferry_sim_vm_register (void)
{
  ferry_sim_rpc_register (vm_methods, G_N_ELEMENTS (vm_methods));
}
