/* ferry-sim-task.c: task.cancel and task.destroy (xapi.md §3.9, §6.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-task"

#include "config.h"

#include "ferry-sim-error.h"
#include "ferry-sim-rpc-private.h"
#include "ferry-sim-transfer.h"

static void
task_cancel (FerrySimCall *call)
{
  GError *error = NULL;
  FerrySimRow *task = ferry_sim_call_get_arg_row (call, 0, "task", &error);
  FerrySimCall *running;

  if (task == NULL)
    {
      ferry_sim_call_return_error (call, error);
      return;
    }

  running = _ferry_sim_rpc_lookup_task_call (task->ref);

  /* An HTTP export or import (ferry-sim-transfer.c). */
  if (running == NULL &&
      ferry_sim_value_contains_string (ferry_sim_row_get (task, "allowed_operations"), "cancel") &&
      _ferry_sim_transfer_cancel (task->ref))
    {
      ferry_sim_db_set_string (ferry_sim_call_get_db (call), task, "status", "cancelling");
      ferry_sim_call_return_void (call);
      return;
    }

  /* Past a migration's point of no return the task is not cancellable and
   * the cancel has no effect; a finished task has nothing to cancel. */
  if (running == NULL ||
      !ferry_sim_value_contains_string (ferry_sim_row_get (task, "allowed_operations"), "cancel"))
    {
      ferry_sim_call_return_error (call,
                                   ferry_sim_failure_new ("OPERATION_NOT_ALLOWED",
                                                          "The task is not cancellable now", NULL));
      return;
    }

  ferry_sim_db_set_string (ferry_sim_call_get_db (call), task, "status", "cancelling");
  g_cancellable_cancel (ferry_sim_call_get_cancellable (running));
  ferry_sim_call_return_void (call);
}

static void
task_destroy (FerrySimCall *call)
{
  GError *error = NULL;
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *task = ferry_sim_call_get_arg_row (call, 0, "task", &error);

  if (task == NULL)
    {
      ferry_sim_call_return_error (call, error);
      return;
    }

  /* A pending task is only marked; it goes when it completes. */
  if (g_strcmp0 (ferry_sim_row_get_string (task, "status"), "pending") == 0 ||
      g_strcmp0 (ferry_sim_row_get_string (task, "status"), "cancelling") == 0)
    ferry_sim_pool_set_sim_attribute (ferry_sim_call_get_pool (call), task->ref, "destroyed", "true");
  else
    ferry_sim_db_delete_row (db, task);

  ferry_sim_call_return_void (call);
}

static const FerrySimMethodDef task_methods[] = {
  { "task.cancel", task_cancel, FERRY_SIM_METHOD_NO_ASYNC, 1, { "task ref" } },
  { "task.destroy", task_destroy, FERRY_SIM_METHOD_NO_ASYNC, 1, { "task ref" } },
};

void
_ferry_sim_task_register (void)
{
  ferry_sim_rpc_register (task_methods, G_N_ELEMENTS (task_methods));
}
