/* ferry-sim-faults.h: injected faults: the registry each world holds, and the
 * hooks that apply them
 *
 * Faults come as JSON (README.md, "Faults"): POST /sim/faults on any host's
 * port, or `ferry-sim --faults FILE`. One format for both:
 *
 *   { "faults": [ { "type": "fail_migration", "at_progress": 0.5,
 *                   "error": ["VM_MIGRATE_FAILED", "…"], "leave_paused": true,
 *                   "count": 1 }, … ] }
 *
 * (a bare array or a single fault object is accepted too). Every fault is
 * bounded: by "count" (times it fires) or "seconds" (how long it stays armed,
 * simulated seconds, so --time-scale shortens it). It may start "after"
 * seconds. Types:
 *
 *   refuse_connections       new connections to "host" (all if absent) are closed at once
 *   drop_connections         open connections are closed and new ones refused
 *   fail_migration           a migration of "vm" (any if absent) fails at "at_progress"
 *                            with "error"; "leave_paused" leaves the VM paused (R29)
 *   unreachable_destination  migrations to "host" fail: "error" CANNOT_CONTACT_HOST
 *                            (default) or VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED
 *   expire_sessions          every session of "pool" (all if absent) ends
 *   master_failover          "pool"'s master moves to "host"; the old one answers
 *                            HOST_IS_SLAVE [new address]; with "seconds" it moves back
 *   slow_responses           replies from "host" wait "delay" seconds (optionally
 *                            only for "method")
 *   regenerate_certificate   "host" gets a new self-signed certificate
 *   partition                "pool" and "peer" cannot reach each other: migrations
 *                            between them fail with CANNOT_CONTACT_HOST
 *   corrupt_transfer         an export of "vm" flips a byte of a block at "at_progress"
 *   drop_transfer            an export of "vm" closes its connection at "at_progress"
 *   stall_transfer           an export ("side" "export", the default) of "vm" stops
 *                            sending at "at_progress", or an import ("side" "import")
 *                            stops reading; the connection stays open, the task pending
 *
 * Hosts are named by name_label, UUID, ref or address; pools by name or UUID;
 * VMs by name_label, UUID or ref.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-sim-pool.h"
#include "ferry-sim-world.h"

G_BEGIN_DECLS

typedef struct _FerrySimFaults FerrySimFaults;

/* The world's registry; it lives as long as the world. */
FerrySimFaults *ferry_sim_world_get_faults     (FerrySimWorld   *world);

/* Arms the faults of a JSON document (the format above). Nothing is armed
 * if any fault is invalid: FERRY_SIM_ERROR_INVALID says which and why. */
gboolean    ferry_sim_faults_add_json          (FerrySimFaults  *self,
                                                const char      *json,
                                                gssize           length,
                                                GError         **error);
gboolean    ferry_sim_faults_load_file         (FerrySimFaults  *self,
                                                const char      *path,
                                                GError         **error);
/* Disarms every fault. Effects already applied (a dropped connection, a moved
 * master, a new certificate) stay. */
void        ferry_sim_faults_clear             (FerrySimFaults  *self);
/* {"faults": [{…the fault…, "id": N, "state": "pending"|"armed"|"spent",
 * "fired": N}, …]}: GET /sim/faults. */
char       *ferry_sim_faults_dup_state_json    (FerrySimFaults  *self);

/* Hooks for the migration code. */

/* A migration of @vm_ref in @pool has reached @progress (0…1). FALSE with the
 * fault's error if a fail_migration fault fires; @leave_paused (may be NULL)
 * then says whether the VM stays paused on the source (R29). The time model
 * (ferry_sim_migration_start) calls this itself at every progress step; call
 * it only for migrations that do not run through it. */
gboolean    ferry_sim_faults_check_migration   (FerrySimWorld   *world,
                                                FerrySimPool    *pool,
                                                const char      *vm_ref,
                                                double           progress,
                                                gboolean        *leave_paused,
                                                GError         **error);
/* Call once per migration where the source contacts the destination (before
 * starting the transfer): @destination is the destination host's ref, address
 * or URL (a migrate_send dest map's "master" or "xenops" URL will do).
 * FALSE with CANNOT_CONTACT_HOST [address] or
 * VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED [] if an unreachable_destination
 * fault fires. */
gboolean    ferry_sim_faults_check_destination (FerrySimWorld   *world,
                                                const char      *destination,
                                                GError         **error);

/* Call where the source pool contacts a host of another pool: FALSE with
 * CANNOT_CONTACT_HOST [address] when a partition fault separates them. */
gboolean    ferry_sim_faults_check_route       (FerrySimWorld   *world,
                                                FerrySimPool    *source,
                                                const char      *destination,
                                                GError         **error);
/* An export of @vm_ref has sent @progress (0…1) of its disks: a
 * drop_transfer fault closes the connection (@drop), a corrupt_transfer
 * fault flips a byte of the next block (@corrupt). */
void        ferry_sim_faults_check_transfer    (FerrySimWorld   *world,
                                                FerrySimPool    *pool,
                                                const char      *vm_ref,
                                                double           progress,
                                                gboolean        *corrupt,
                                                gboolean        *drop);

/* A transfer of @vm_ref (an export's VM, or the VM an import makes) in
 * @pool has moved @progress (0…1) of its disks: TRUE when a stall_transfer
 * fault for that side (@import) fires: the transfer then stops moving. */
gboolean    ferry_sim_faults_check_stall       (FerrySimWorld   *world,
                                                FerrySimPool    *pool,
                                                const char      *vm_ref,
                                                gboolean         import,
                                                double           progress);

/* Hooks for the HTTP layer (ferry-sim-world.c). */

/* TRUE: close a new connection to @host_ref at once. */
gboolean    _ferry_sim_faults_refuse_connection (FerrySimFaults *self,
                                                 const char     *host_ref);
/* Simulated seconds to hold the reply to @method from @host_ref (0: none). */
double      _ferry_sim_faults_get_reply_delay  (FerrySimFaults  *self,
                                                const char      *host_ref,
                                                const char      *method);
/* The time scale changed: timers move. */
void        _ferry_sim_faults_rescale          (FerrySimFaults  *self);
FerrySimFaults *_ferry_sim_faults_new          (FerrySimWorld   *world);
void        _ferry_sim_faults_free             (FerrySimFaults  *self);

G_END_DECLS
