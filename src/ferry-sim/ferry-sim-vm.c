/* ferry-sim-vm.c: VM power-state messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-vm"

#include "config.h"

#include "ferry-sim-error.h"
#include "ferry-sim-rpc-private.h"

static FerrySimRow *
vm_in_state (FerrySimCall *call,
             const char   *expected)
{
  GError *error = NULL;
  FerrySimRow *vm = ferry_sim_call_get_arg_row (call, 0, "VM", &error);
  const char *actual;

  if (vm == NULL)
    {
      ferry_sim_call_return_error (call, error);
      return NULL;
    }

  actual = ferry_sim_row_get_string (vm, "power_state");
  if (g_ascii_strcasecmp (actual, expected) != 0)
    {
      g_autofree char *expected_lower = g_ascii_strdown (expected, -1);
      g_autofree char *actual_lower = g_ascii_strdown (actual, -1);

      ferry_sim_call_return_error (call,
                                   ferry_sim_failure_new ("VM_BAD_POWER_STATE", vm->ref,
                                                          expected_lower, actual_lower, NULL));
      return NULL;
    }

  return vm;
}

static void
vm_pause (FerrySimCall *call)
{
  FerrySimRow *vm = vm_in_state (call, "Running");

  if (vm == NULL)
    return;

  ferry_sim_db_set_string (ferry_sim_call_get_db (call), vm, "power_state", "Paused");
  ferry_sim_call_return_void (call);
}

static void
vm_unpause (FerrySimCall *call)
{
  FerrySimRow *vm = vm_in_state (call, "Paused");

  if (vm == NULL)
    return;

  ferry_sim_db_set_string (ferry_sim_call_get_db (call), vm, "power_state", "Running");
  ferry_sim_call_return_void (call);
}

static const FerrySimMethodDef vm_methods[] = {
  { "VM.pause", vm_pause, 0, 1, { "VM ref" } },
  { "VM.unpause", vm_unpause, 0, 1, { "VM ref" } },
};

void
_ferry_sim_vm_register (void)
{
  ferry_sim_rpc_register (vm_methods, G_N_ELEMENTS (vm_methods));
}
