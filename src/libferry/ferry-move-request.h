/* ferry-move-request.h: what the user asks to move, and where
 *
 * The small description every check reads: which VMs, the destination (a
 * host, or a pool that chooses the host), an SR per disk (or "leave it where
 * it is"), the migration network, the interface mapping and the operation
 * (O1–O5 of the spec, or "work it out"). The plans will grow from it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-relay.h"
#include "ferry-types.h"

G_BEGIN_DECLS

/* The operations of migration-requirements.md §1. */
typedef enum
{
  FERRY_OPERATION_AUTO,              /* derive it per VM (xapi.md §3, spec §1) */
  FERRY_OPERATION_LIVE_MIGRATE,      /* O1: VM.pool_migrate                    */
  FERRY_OPERATION_STORAGE_MIGRATE,   /* O2: VM.migrate_send, live              */
  FERRY_OPERATION_MOVE_DISK,         /* O3: VDI.pool_migrate; the VM stays     */
  FERRY_OPERATION_MOVE_HALTED,       /* O4: a halted VM to other SRs/host/pool */
  FERRY_OPERATION_EVACUATE,          /* O5: every VM off a host                */
} FerryOperation;

#define FERRY_TYPE_OPERATION (ferry_operation_get_type ())

GType       ferry_operation_get_type  (void) G_GNUC_CONST;
/* "O1" … "O5"; "" for AUTO. */
const char *ferry_operation_get_id    (FerryOperation operation);
/* Translated: "Live migration", … */
const char *ferry_operation_get_title (FerryOperation operation);
/* The VM operation xapi checks for it ("pool_migrate" or "migrate_send"). */
const char *ferry_operation_get_xapi_operation (FerryOperation operation);

#define FERRY_TYPE_MOVE_REQUEST (ferry_move_request_get_type ())

G_DECLARE_FINAL_TYPE (FerryMoveRequest, ferry_move_request, FERRY, MOVE_REQUEST, GObject)

FerryMoveRequest *ferry_move_request_new                  (void);
FerryMoveRequest *ferry_move_request_new_for_vm           (FerryVm          *vm);
/* A copy with the same VMs, destination, maps and options. */
FerryMoveRequest *ferry_move_request_copy                 (FerryMoveRequest *self);

/* VMs: all of one cache (one source pool). */
void              ferry_move_request_add_vm               (FerryMoveRequest *self,
                                                           FerryVm          *vm);
void              ferry_move_request_remove_all_vms       (FerryMoveRequest *self);
/* A GListModel of FerryVm; transfer none. */
GListModel       *ferry_move_request_get_vms              (FerryMoveRequest *self);
guint             ferry_move_request_get_n_vms            (FerryMoveRequest *self);
/* Transfer none. */
FerryVm          *ferry_move_request_get_vm               (FerryMoveRequest *self,
                                                           guint             index);
/* The cache of the VMs, or NULL while there are none. */
FerryCache       *ferry_move_request_get_source_cache     (FerryMoveRequest *self);

/* The destination. A host fixes the pool too; a pool (its cache) leaves the
 * host to the pool. With neither, the VMs stay on their hosts (O3) or in
 * their pool. */
void              ferry_move_request_set_destination_host (FerryMoveRequest *self,
                                                           FerryHost        *host);
FerryHost        *ferry_move_request_get_destination_host (FerryMoveRequest *self);
void              ferry_move_request_set_destination_pool (FerryMoveRequest *self,
                                                           FerryCache       *cache);
/* The destination's cache: the host's, the pool's, or NULL (no change of pool). */
FerryCache       *ferry_move_request_get_destination_cache (FerryMoveRequest *self);
/* TRUE when the destination is another cache than the VMs'. */
gboolean          ferry_move_request_is_cross_pool        (FerryMoveRequest *self);

/* A host of the destination pool for one VM (a per-VM "home server"
 * choice); it wins over the request's destination host and over the
 * pool's placement. NULL: the VM follows the request again. */
void              ferry_move_request_set_vm_host          (FerryMoveRequest *self,
                                                           FerryVm          *vm,
                                                           FerryHost        *host);
/* Transfer none; NULL when the VM has no host of its own. */
FerryHost        *ferry_move_request_lookup_vm_host       (FerryMoveRequest *self,
                                                           FerryVm          *vm);

/* O5: every VM resident on @host (control domain excepted) leaves it for
 * the other hosts of its pool. Replaces the VMs and the destination. */
void              ferry_move_request_set_evacuate_host    (FerryMoveRequest *self,
                                                           FerryHost        *host);
FerryHost        *ferry_move_request_get_evacuate_host    (FerryMoveRequest *self);

/* Storage. The default SR takes every disk without an SR of its own ("place
 * all migrated disks on the same SR"); NULL keeps disks where the
 * destination can see them and uses the destination pool's default SR
 * otherwise. A disk mapped to NULL is left in place. */
void              ferry_move_request_set_default_sr       (FerryMoveRequest *self,
                                                           FerrySr          *sr);
FerrySr          *ferry_move_request_get_default_sr       (FerryMoveRequest *self);
void              ferry_move_request_set_vdi_sr           (FerryMoveRequest *self,
                                                           FerryVdi         *vdi,
                                                           FerrySr          *sr);
void              ferry_move_request_unset_vdi_sr         (FerryMoveRequest *self,
                                                           FerryVdi         *vdi);
/* TRUE when @vdi has an SR of its own (@sr may then be NULL: left in place). */
gboolean          ferry_move_request_lookup_vdi_sr        (FerryMoveRequest *self,
                                                           FerryVdi         *vdi,
                                                           FerrySr         **sr);

/* The network of the destination pool that carries the migration stream;
 * NULL for the management network (what xapi uses without one). */
void              ferry_move_request_set_network          (FerryMoveRequest *self,
                                                           FerryNetwork     *network);
FerryNetwork     *ferry_move_request_get_network          (FerryMoveRequest *self);
/* Cross-pool interface mapping; unmapped interfaces go to the network of
 * the same name, else the destination's management network. */
void              ferry_move_request_set_vif_network      (FerryMoveRequest *self,
                                                           FerryVif         *vif,
                                                           FerryNetwork     *network);
FerryNetwork     *ferry_move_request_lookup_vif_network   (FerryMoveRequest *self,
                                                           FerryVif         *vif);

/* AUTO (the default) derives O1–O4 per VM from its state and the destination. */
void              ferry_move_request_set_operation        (FerryMoveRequest *self,
                                                           FerryOperation    operation);
FerryOperation    ferry_move_request_get_operation        (FerryMoveRequest *self);

/* Relay moves through this computer (ferry-relay.h) for halted VMs going
 * to another pool: AUTO (the default) when the pools cannot reach each
 * other, ALWAYS, or NEVER. */
void              ferry_move_request_set_relay            (FerryMoveRequest *self,
                                                           FerryRelayMode    mode);
FerryRelayMode    ferry_move_request_get_relay            (FerryMoveRequest *self);
/* What the rules make of it, for one of its VMs (reads the caches only). */
FerryOperation    ferry_move_request_resolve_operation    (FerryMoveRequest *self,
                                                           FerryVm          *vm);
/* Where @vdi ends up (its current SR when it stays), or NULL when no SR
 * can be chosen for it. Transfer none. */
FerrySr          *ferry_move_request_resolve_vdi_sr       (FerryMoveRequest *self,
                                                           FerryVdi         *vdi);

G_END_DECLS
