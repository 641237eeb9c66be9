/* ferry-sim-migrate.h: VM.pool_migrate, VM.migrate_send, VM.assert_can_migrate,
 * host.migrate_receive and VDI.pool_migrate (xapi.md §3.1–§3.5)
 *
 * A move runs as a task: its checks first (in xapi's order, README §7), then
 * the transfer in simulated time (ferry-sim-timemodel.h), then the commit,
 * which for a cross-pool move copies the VM, its snapshots, VDIs, VBDs, VIFs,
 * vGPUs and metrics into the destination pool's database and deletes them
 * from the source's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-sim-pool.h"
#include "ferry-sim-rpc.h"

G_BEGIN_DECLS

/* The end of a move, once, from the main loop. @result: the VM ref (in the
 * destination pool) for VM moves, the new VDI ref for VDI.pool_migrate, ""
 * for void; NULL on failure. */
typedef void (*FerrySimMoveFunc) (const char   *result,
                                  const GError *error,
                                  gpointer      user_data);

/* VM.pool_migrate: FALSE with the first failing check's error; else the move
 * runs and @done follows. @task_ref is the task (in @pool) that carries the
 * progress, the current_operations key and the outcome; @cancellable aborts it
 * until the point of no return. */
gboolean  ferry_sim_pool_migrate_start       (FerrySimPool        *pool,
                                              FerrySimRow         *vm,
                                              FerrySimRow         *host,
                                              const FerrySimValue *options,
                                              const char          *task_ref,
                                              GCancellable        *cancellable,
                                              FerrySimMoveFunc     done,
                                              gpointer             user_data,
                                              GError             **error);

/* VM.migrate_send (within a pool or to another, live or not): the same
 * contract as ferry_sim_pool_migrate_start(); the result is the VM's ref in
 * the destination pool. */
gboolean  ferry_sim_migrate_send_start       (FerrySimPool        *pool,
                                              FerrySimRow         *vm,
                                              const FerrySimValue *dest,
                                              const FerrySimValue *vdi_map,
                                              const FerrySimValue *vif_map,
                                              const FerrySimValue *options,
                                              const FerrySimValue *vgpu_map,
                                              const char          *task_ref,
                                              GCancellable        *cancellable,
                                              FerrySimMoveFunc     done,
                                              gpointer             user_data,
                                              GError             **error);
/* VDI.pool_migrate; the result is the new VDI's ref. @session: the caller's
 * (the internal host.migrate_receive takes its identity). */
gboolean  ferry_sim_vdi_pool_migrate_start   (FerrySimPool        *pool,
                                              FerrySimRow         *session,
                                              FerrySimRow         *vdi,
                                              FerrySimRow         *sr,
                                              const FerrySimValue *options,
                                              const char          *task_ref,
                                              GCancellable        *cancellable,
                                              FerrySimMoveFunc     done,
                                              gpointer             user_data,
                                              GError             **error);
/* host.migrate_receive on @pool (the destination): fills @out with the dest map. */
gboolean  ferry_sim_migrate_receive          (FerrySimPool        *pool,
                                              FerrySimRow         *session,
                                              FerrySimRow         *host,
                                              FerrySimRow         *network,
                                              FerrySimValue       *out,
                                              GError             **error);
/* VM.assert_can_migrate (§4.2) and the sender's checks. */
gboolean  ferry_sim_assert_can_migrate       (FerrySimPool        *pool,
                                              FerrySimRow         *vm,
                                              const FerrySimValue *dest,
                                              const FerrySimValue *vdi_map,
                                              const FerrySimValue *vif_map,
                                              const FerrySimValue *options,
                                              const FerrySimValue *vgpu_map,
                                              GError             **error);

/* migrate_send calls running with @host_ref as their source (at most 3:
 * TOO_MANY_STORAGE_MIGRATES). */
guint     ferry_sim_migrate_count_storage_migrations (FerrySimPool *pool,
                                              const char          *host_ref);

/* Runs a move for an RPC call: the call's task (or a synchronous one), its
 * cancellable, and the reply when it ends. Returns the data for @done. */
typedef struct _FerrySimMoveCall FerrySimMoveCall;
FerrySimMoveCall *ferry_sim_move_call_new    (FerrySimCall        *call,
                                              gboolean             returns_ref);
const char *ferry_sim_move_call_get_task     (FerrySimMoveCall    *data);
/* A FerrySimMoveFunc that replies to the call and frees @user_data. */
void      ferry_sim_move_call_done           (const char          *result,
                                              const GError        *error,
                                              gpointer             user_data);

/* Message families (ferry-sim-rpc-private.h). */
void      _ferry_sim_migrate_register        (void);

G_END_DECLS
