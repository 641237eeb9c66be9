/* ferry-feasibility-server.h: the server's confirmation of a move, bounded
 *
 * The local grid (ferry-feasibility.h) reads the caches; this asks xapi
 * itself, with the maps the user really chose (a plan item):
 *
 *   O1, O5  VM.assert_can_boot_here (vm, host)
 *   O2, O4  host.migrate_receive on the destination (one per destination
 *           host and network, reused: each one opens a session there),
 *           then VM.assert_can_migrate (vm, dest, live, vdi_map, vif_map,
 *           options) on the source
 *   O3      nothing to ask (VDI.pool_migrate has no assert call)
 *
 * At most 4 calls are in flight per pool ("max-in-flight"); the rest wait
 * their turn. Results are cached per (VM, operation, host, maps, options)
 * and dropped when something they depend on changes in the caches (the
 * VM's power state, host or operations; the host's enabled flag or free
 * memory; a disk's SR; a target SR's use), which emits "invalidated".
 * Every call can be cancelled. An xapi refusal becomes a FerryCheck in the
 * same form as the rules' (ferry_check_new_from_xapi_error()): one reason
 * per cell.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-check.h"
#include "ferry-feasibility.h"
#include "ferry-plan.h"
#include "ferry-rule-settings.h"

G_BEGIN_DECLS

#define FERRY_FEASIBILITY_SERVER_MAX_IN_FLIGHT 4

/* Signals:
 * "invalidated" (const char *vm_uuid): a cached answer about the VM was
 *   dropped; ask again to refresh a grid. */
#define FERRY_TYPE_FEASIBILITY_SERVER (ferry_feasibility_server_get_type ())
G_DECLARE_FINAL_TYPE (FerryFeasibilityServer, ferry_feasibility_server, FERRY, FEASIBILITY_SERVER, GObject)

/* @connections: (element-type FerryConnection): the pools. */
FerryFeasibilityServer *ferry_feasibility_server_new          (GListModel             *connections);
void                    ferry_feasibility_server_set_max_in_flight (FerryFeasibilityServer *self,
                                                               guint                   limit);

/* Asks the server about one item of a plan. Completes with TRUE and
 * @check NULL when the server accepts, TRUE and a check (transfer full)
 * when it refuses, FALSE with @error when it could not be asked
 * (transport, cancelled). */
void                    ferry_feasibility_server_check_async  (FerryFeasibilityServer *self,
                                                               FerryPlan              *plan,
                                                               FerryPlanItem          *item,
                                                               GCancellable           *cancellable,
                                                               GAsyncReadyCallback     callback,
                                                               gpointer                user_data);
gboolean                ferry_feasibility_server_check_finish (FerryFeasibilityServer *self,
                                                               GAsyncResult           *result,
                                                               FerryCheck            **check,
                                                               GError                **error);

/* Confirms every cell of @grid the local pass did not block (host and pool
 * columns, and SR columns with their host) and records the server's word
 * with ferry_feasibility_set_server_result(). Returns how many cells were
 * asked about. @settings: (nullable) for the plans made per cell. */
void                    ferry_feasibility_server_confirm_async  (FerryFeasibilityServer *self,
                                                                 FerryFeasibility       *grid,
                                                                 FerryRuleSettings      *settings,
                                                                 GCancellable           *cancellable,
                                                                 GAsyncReadyCallback     callback,
                                                                 gpointer                user_data);
guint                   ferry_feasibility_server_confirm_finish (FerryFeasibilityServer *self,
                                                                 GAsyncResult           *result,
                                                                 GError                **error);

/* Drops every cached answer (and migrate_receive token). */
void                    ferry_feasibility_server_invalidate_all (FerryFeasibilityServer *self);

/* For tests and diagnostics: server calls made, the most ever in flight
 * for one pool, host.migrate_receive calls made, answers cached. */
guint                   ferry_feasibility_server_get_n_calls    (FerryFeasibilityServer *self);
guint                   ferry_feasibility_server_get_max_seen_in_flight (FerryFeasibilityServer *self);
guint                   ferry_feasibility_server_get_n_receives (FerryFeasibilityServer *self);
guint                   ferry_feasibility_server_get_n_cached   (FerryFeasibilityServer *self);

G_END_DECLS
