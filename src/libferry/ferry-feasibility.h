/* ferry-feasibility.h: which VM can go where, as a grid
 *
 * Rows are VMs, columns candidate destinations: hosts, pools (the pool
 * chooses the host) or SRs (every disk of the VM goes there). Each cell
 * gets a verdict and its own reason: the first blocker in rule order, else
 * the first warning. The local pass reads only the caches, in one go; a
 * later server pass (VM.assert_can_migrate, ferry-feasibility-server.h)
 * may replace a cell's verdict.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-check.h"
#include "ferry-move-request.h"
#include "ferry-rule-settings.h"
#include "ferry-types.h"

G_BEGIN_DECLS

#define FERRY_TYPE_FEASIBILITY (ferry_feasibility_get_type ())

G_DECLARE_FINAL_TYPE (FerryFeasibility, ferry_feasibility, FERRY, FEASIBILITY, GObject)

/* @request: (nullable): the template of every cell (operation, SR choices,
 * networks); its VMs and destination are ignored.
 * @queued: (nullable) (element-type FerryMoveRequest): moves waiting to run.
 * @settings: (nullable) */
FerryFeasibility   *ferry_feasibility_new             (FerryMoveRequest  *request,
                                                       GPtrArray         *queued,
                                                       FerryRuleSettings *settings);
/* Rows and columns; each returns its index. A destination is a FerryHost,
 * a FerryPool or a FerrySr. */
guint               ferry_feasibility_add_vm          (FerryFeasibility  *self,
                                                       FerryVm           *vm);
guint               ferry_feasibility_add_destination (FerryFeasibility  *self,
                                                       gpointer           destination);
guint               ferry_feasibility_get_n_vms       (FerryFeasibility  *self);
guint               ferry_feasibility_get_n_destinations (FerryFeasibility *self);

/* The local pass over every cell. Cheap to call again after a change. */
void                ferry_feasibility_run_local       (FerryFeasibility  *self);

/* NONE or NOTE: it can go; WARNING: it can, with something to know;
 * BLOCKER: it cannot. */
FerryCheckSeverity  ferry_feasibility_get_verdict     (FerryFeasibility  *self,
                                                       guint              vm,
                                                       guint              destination);
/* Why (transfer none), or NULL when nothing is to be said. */
FerryCheck         *ferry_feasibility_get_reason      (FerryFeasibility  *self,
                                                       guint              vm,
                                                       guint              destination);
FerryOperation      ferry_feasibility_get_operation   (FerryFeasibility  *self,
                                                       guint              vm,
                                                       guint              destination);
/* The host that would run the VM (a pool column: the pool's pick), or NULL. */
FerryHost          *ferry_feasibility_get_host        (FerryFeasibility  *self,
                                                       guint              vm,
                                                       guint              destination);
/* Every finding of one cell, for a details view: the rules run again with
 * notes included. Transfer full. */
GPtrArray          *ferry_feasibility_dup_findings    (FerryFeasibility  *self,
                                                       guint              vm,
                                                       guint              destination);
/* The template request (transfer none), and the rows and columns. */
FerryMoveRequest   *ferry_feasibility_get_request     (FerryFeasibility  *self);
FerryVm            *ferry_feasibility_get_vm          (FerryFeasibility  *self,
                                                       guint              vm);
/* A FerryHost, FerryPool or FerrySr (transfer none). */
gpointer            ferry_feasibility_get_destination (FerryFeasibility  *self,
                                                       guint              destination);
/* The server's word on a cell (e.g. from ferry_check_new_from_xapi_error()
 * after VM.assert_can_migrate); NULL means the server accepted. */
void                ferry_feasibility_set_server_result (FerryFeasibility *self,
                                                       guint              vm,
                                                       guint              destination,
                                                       FerryCheck        *check);

G_END_DECLS
