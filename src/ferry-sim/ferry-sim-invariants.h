/* ferry-sim-invariants.h: what must hold in a world after every operation
 *
 * - A Running or Paused VM is resident on exactly one host of its own pool,
 *   and no other pool has a Running or Paused VM with its UUID; a Halted or
 *   Suspended VM is resident nowhere.
 * - Host memory adds up: memory_free = total − host overhead − Σ (memory_actual
 *   + memory_overhead) of its resident VMs, less at most the VMs scheduled to
 *   arrive (in flight), and never overcommitted.
 * - No VDI is lost or duplicated: each is on an SR of its pool, its UUID is
 *   unique in the world, its location unique on its SR, every VBD's VDI
 *   exists, and no RW disk that is not sharable is plugged into two VMs. SR
 *   physical_utilisation and virtual_allocation follow the VDIs on it.
 * - Every task ends in exactly one final state: success, failure or
 *   cancelled, with progress 1, a finish time, no allowed operations and
 *   error_info as the state says, and it never changes once final.
 *
 * Accounting that real database dumps need not satisfy (memory, SR usage) is
 * checked against its discrepancy when the pool joined the world.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-sim-world.h"

G_BEGIN_DECLS

/* FALSE with every violation, one per line (FERRY_SIM_ERROR_INVALID). */
gboolean   ferry_sim_world_check_invariants          (FerrySimWorld *world,
                                                      GError       **error);
/* The violations (strings), empty if none. GET /sim/invariants. */
GPtrArray *ferry_sim_world_list_invariant_violations (FerrySimWorld *world);

/* For ferry-sim-world.c: a pool joined; note its accounting as it is. */
void       _ferry_sim_invariants_add_pool            (FerrySimWorld *world,
                                                      FerrySimPool  *pool);

G_END_DECLS
