/* ferry-sim-ops.h: what the operation modules (VM power, migration,
 * evacuation, storage) share: tasks, current_operations, messages, SR space
 * and the VM state transitions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-sim-db.h"
#include "ferry-sim-pool.h"
#include "ferry-sim-rpc.h"

G_BEGIN_DECLS

/* Sets a ref field; NULL stands for OpaqueRef:NULL. */
void         ferry_sim_ops_set_ref           (FerrySimDb          *db,
                                              FerrySimRow         *row,
                                              const char          *field,
                                              const char          *ref);

/* Tasks. A task row as xapi makes for synchronous calls with side effects and
 * for subtasks (name as given, e.g. "Async.VM.pool_migrate"). */
FerrySimRow *ferry_sim_ops_task_create       (FerrySimDb          *db,
                                              const char          *name,
                                              const char          *subtask_of);
/* Success (@error NULL; @result an XML-RPC fragment, NULL: "<value></value>"),
 * failure, or cancelled for TASK_CANCELLED. */
void         ferry_sim_ops_task_finish       (FerrySimDb          *db,
                                              const char          *task_ref,
                                              const char          *result,
                                              const GError        *error);
void         ferry_sim_ops_task_set_progress (FerrySimDb          *db,
                                              const char          *task_ref,
                                              double               progress);
void         ferry_sim_ops_task_set_cancellable (FerrySimDb       *db,
                                              const char          *task_ref,
                                              gboolean             cancellable);
/* The task of an Async call, or a new one named after the method for a
 * synchronous call (@owned set: finish and delete it yourself). */
const char  *ferry_sim_ops_call_task         (FerrySimCall        *call,
                                              gboolean            *owned);

/* current_operations of a VM, host, VDI or SR (the VM's allowed_operations follow). */
void         ferry_sim_ops_add_operation     (FerrySimDb          *db,
                                              FerrySimRow         *row,
                                              const char          *task_ref,
                                              const char          *operation);
void         ferry_sim_ops_remove_operation  (FerrySimDb          *db,
                                              const char          *ref,
                                              const char          *task_ref);
/* OTHER_OPERATION_IN_PROGRESS [class; ref; op; task] if @row runs anything. */
gboolean     ferry_sim_ops_check_idle        (FerrySimRow         *row,
                                              const char          *class_name,
                                              GError             **error);

/* A message row (xapi.md §2 message); returns it. */
FerrySimRow *ferry_sim_ops_add_message       (FerrySimDb          *db,
                                              const char          *name,
                                              gint64               priority,
                                              const char          *cls,
                                              const char          *obj_uuid,
                                              const char          *body);

/* SR space: physical_size − physical_utilisation. */
gint64       ferry_sim_ops_sr_free           (FerrySimRow         *sr);
/* What a copy of @vdi takes on @sr: its whole size on a thick SR, its data on a thin one. */
gint64       ferry_sim_ops_copy_size         (FerrySimRow         *vdi,
                                              FerrySimRow         *sr);
void         ferry_sim_ops_sr_adjust         (FerrySimDb          *db,
                                              FerrySimRow         *sr,
                                              gint64               physical,
                                              gint64               virtual_allocation);
/* SR_BACKEND_FAILURE_44 ["", "There is insufficient space", detail] (xapi.md §5.4). */
void         ferry_sim_ops_set_no_space      (GError             **error,
                                              FerrySimRow         *sr,
                                              gboolean             source);
/* A new VDI like @vdi on @sr (of @db, maybe another pool's): same sizes and
 * type, new ref and UUID; the SR's use grows. */
FerrySimRow *ferry_sim_ops_copy_vdi          (FerrySimDb          *src_db,
                                              FerrySimRow         *vdi,
                                              FerrySimDb          *db,
                                              FerrySimRow         *sr);
/* Deletes a VDI; the SR's use shrinks. */
void         ferry_sim_ops_destroy_vdi       (FerrySimDb          *db,
                                              FerrySimRow         *vdi);

/* Options as xapi reads them: "force"/"copy" with OCaml bool_of_string (only
 * "true" is true), "compress" as true|on|1|false|off|0 in any case. */
gboolean     ferry_sim_ops_option_true       (const FerrySimValue *options,
                                              const char          *key);
/* -1: absent or not understood. */
int          ferry_sim_ops_option_switch     (const FerrySimValue *options,
                                              const char          *key);

/* How a VM came to run on a host. */
typedef enum
{
  FERRY_SIM_ARRIVAL_MIGRATED,  /* same domain, new host: new domid */
  FERRY_SIM_ARRIVAL_BOOTED,    /* a fresh start: start time, captured platform flags, last_boot_CPU_flags */
  FERRY_SIM_ARRIVAL_RESUMED,   /* from its suspend image: memory back, CPU flags kept */
} FerrySimArrival;

/* VM state. Running (or Paused) on @host: resident_on, domid, metrics,
 * devices, vGPUs and passed-through PCIs, memory_free. */
void         ferry_sim_ops_vm_set_resident   (FerrySimDb          *db,
                                              FerrySimRow         *vm,
                                              FerrySimRow         *host,
                                              const char          *power_state,
                                              FerrySimArrival      arrival);
/* Halted or Suspended: off every host, devices detached. */
void         ferry_sim_ops_vm_set_stopped    (FerrySimDb          *db,
                                              FerrySimRow         *vm,
                                              const char          *power_state);
/* The features a VM booting on @host sees: the pool's level among the hosts
 * of @host's vendor. */
char        *ferry_sim_ops_boot_cpu_features (FerrySimDb          *db,
                                              FerrySimRow         *host,
                                              gboolean             pv);

G_END_DECLS
