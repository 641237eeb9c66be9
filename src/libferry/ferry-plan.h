/* ferry-plan.h: a migration plan, reviewed before it runs
 *
 * A plan is what the user chose (a FerryMoveRequest: VMs, destination, SR
 * choices, networks, the operation) worked out into one item per VM with
 * everything a migration call needs and the reason for each choice:
 *
 * - the operation, derived per VM (migration-requirements.md §1): same pool
 *   with storage the destination sees → O1; otherwise O2; a halted VM → O4;
 *   a disk move → O3; a host evacuation → O5;
 * - the destination host (a pool destination: Ferry places each VM on the
 *   host with the most free memory that passes the rules, biggest VM
 *   first, as xapi's evacuation does, xapi.md §5.1);
 * - the home server (VM.affinity after the move), the migration network,
 *   compression (the pool's default or an override, R2) and force;
 * - vdi_map: one SR for all disks or an SR per disk; by default an
 *   intra-pool move leaves the disks where they are; snapshots' disks
 *   follow their disk (xapi places them; the plan lists them);
 * - vif_map: for cross-pool moves each interface goes to the network the
 *   user chose, else the destination network of the same name, else of
 *   the same VLAN tag, else the management network; the reason is kept.
 *
 * A plan is plain data (UUIDs and names, never refs): it serialises to
 * JSON (format below and in README.md), which ferry-cli replays, and it
 * renders as the equivalent xe commands (ferry_plan_to_xe()). Refs are
 * looked up by UUID when the plan runs (FerryQueue), so a plan saved today
 * still runs tomorrow, after a reconnect or in another process.
 *
 * The JSON format (version 1) is stable; readers ignore members they do
 * not know, and only a change of "version" may remove or change one:
 *
 *   { "format": "ferry-plan", "version": 1,
 *     "id": "<uuid>", "created": "2025-06-01T10:00:00Z",
 *     "operation": "auto" | "O1" … "O5",          the user's choice
 *     "source":      { "pool": {"uuid", "name"}, "address", "username" },
 *     "destination": { "pool": {"uuid", "name"}, "address", "username",
 *                      "host": {"uuid", "name"} | null },
 *     "evacuate_host": {"uuid", "name"} | null,   O5
 *     "enable_host":   {"uuid", "name"} | null,   enabled before the moves (put back)
 *     "home_server":   {"uuid", "name"} | null,
 *     "storage": { "mode": "leave" | "same-sr" | "per-disk",
 *                  "sr": {"uuid", "name"} | null },
 *     "network": {"uuid", "name"} | null,          null: the management network
 *     "compression": "pool-default" | "on" | "off",
 *     "force": false,
 *     "relay": "auto" | "always" | "never",        ferry-relay.h; absent: "auto"
 *     "evacuation_batch_size": 0,                  0: the pool's value, else 10
 *     "items": [ {
 *        "vm": {"uuid", "name"}, "operation": "O2", "power_state": "running",
 *        "memory": bytes, "vgpu_state": bytes,
 *        "relay": false,                           true: through this computer
 *        "from": { "pool": {…}, "host": {…} | null },
 *        "to":   { "pool": {…}, "host": {…} | null },
 *        "network": {"uuid", "name"} | null,       the network that carries it
 *        "disks": [ { "vdi": {"uuid", "name"}, "userdevice": "0",
 *                     "virtual_size": n, "physical_utilisation": n,
 *                     "from_sr": {…}, "to_sr": {…}, "moves": true,
 *                     "snapshot_of": "<vdi uuid>" | null,
 *                     "reason": "stays" | "chosen" | "same-sr" | "default-sr" | "snapshot" } ],
 *        "vifs":  [ { "vif": {"uuid", "name": device}, "mac": "…", "device": "0",
 *                     "from_network": {…}, "to_network": {…} | null, "vlan": -1,
 *                     "reason": "stays" | "chosen" | "same-name" | "same-vlan"
 *                               | "management" | "none" } ],
 *        "blocker": { "rule": "R12", "message": "…", "remedy": "…" } | null,
 *        "estimate": { see ferry-estimate.h } | null } ] }
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ferry-check.h"
#include "ferry-move-request.h"
#include "ferry-rule-settings.h"
#include "ferry-types.h"

G_BEGIN_DECLS

#define FERRY_PLAN_FORMAT_VERSION 1

typedef struct _FerryEstimate FerryEstimate;

/* R2: the per-migration override of pool.migration_compression. */
typedef enum
{
  FERRY_COMPRESSION_POOL_DEFAULT,
  FERRY_COMPRESSION_ON,
  FERRY_COMPRESSION_OFF,
} FerryCompression;

typedef enum
{
  FERRY_STORAGE_LEAVE,      /* disks stay where the destination sees them, else the default SR */
  FERRY_STORAGE_SAME_SR,    /* "place all migrated disks on the same SR" */
  FERRY_STORAGE_PER_DISK,   /* an SR per disk */
} FerryStorageMode;

/* Why a disk goes where it goes. */
typedef enum
{
  FERRY_DISK_REASON_STAYS,       /* the destination sees its SR: it is left there */
  FERRY_DISK_REASON_CHOSEN,      /* the user chose this disk's SR */
  FERRY_DISK_REASON_SAME_SR,     /* the one SR for all disks */
  FERRY_DISK_REASON_DEFAULT_SR,  /* the destination pool's default SR */
  FERRY_DISK_REASON_SNAPSHOT,    /* a snapshot's disk: follows the disk it was taken of */
} FerryDiskReason;

/* Why an interface goes to its network. */
typedef enum
{
  FERRY_VIF_REASON_STAYS,        /* same pool: the interface keeps its network */
  FERRY_VIF_REASON_CHOSEN,       /* the user chose the network */
  FERRY_VIF_REASON_SAME_NAME,    /* a destination network of the same name */
  FERRY_VIF_REASON_SAME_VLAN,    /* a destination network with the same VLAN tag */
  FERRY_VIF_REASON_MANAGEMENT,   /* nothing matched: the management network */
  FERRY_VIF_REASON_NONE,         /* nothing matched and no management network */
} FerryVifReason;

GType ferry_compression_get_type  (void) G_GNUC_CONST;
GType ferry_storage_mode_get_type (void) G_GNUC_CONST;
GType ferry_disk_reason_get_type  (void) G_GNUC_CONST;
GType ferry_vif_reason_get_type   (void) G_GNUC_CONST;
#define FERRY_TYPE_COMPRESSION  (ferry_compression_get_type ())
#define FERRY_TYPE_STORAGE_MODE (ferry_storage_mode_get_type ())
#define FERRY_TYPE_DISK_REASON  (ferry_disk_reason_get_type ())
#define FERRY_TYPE_VIF_REASON   (ferry_vif_reason_get_type ())

/* Translated: "Left where it is", "Same name as on the source", … */
const char *ferry_disk_reason_describe (FerryDiskReason reason);
const char *ferry_vif_reason_describe  (FerryVifReason  reason);

/* One disk of an item. Owned by the item; read-only. */
typedef struct
{
  char            *vdi_uuid;
  char            *vdi_name;
  char            *userdevice;      /* "0", "1", …; NULL for a snapshot's disk */
  gint64           virtual_size;
  gint64           physical_utilisation;
  char            *from_sr_uuid;
  char            *from_sr_name;
  char            *to_sr_uuid;      /* NULL: no SR could be chosen (see the item's blocker) */
  char            *to_sr_name;
  char            *snapshot_of;     /* the VDI (uuid) a snapshot's disk follows, else NULL */
  gboolean         moves;           /* to_sr differs from from_sr */
  FerryDiskReason  reason;
} FerryPlanDisk;

/* One interface of an item. Owned by the item; read-only. */
typedef struct
{
  char           *vif_uuid;
  char           *device;
  char           *mac;
  char           *from_network_uuid;
  char           *from_network_name;
  char           *to_network_uuid;    /* NULL with FERRY_VIF_REASON_NONE */
  char           *to_network_name;
  gint64          vlan;               /* of the source network; -1: untagged */
  FerryVifReason  reason;
} FerryPlanVif;

/* One VM of a plan. */
#define FERRY_TYPE_PLAN_ITEM (ferry_plan_item_get_type ())
G_DECLARE_FINAL_TYPE (FerryPlanItem, ferry_plan_item, FERRY, PLAN_ITEM, GObject)

const char      *ferry_plan_item_get_vm_uuid          (FerryPlanItem *self);
const char      *ferry_plan_item_get_vm_name          (FerryPlanItem *self);
FerryOperation   ferry_plan_item_get_operation        (FerryPlanItem *self);
/* "running", "halted", "suspended", "paused" when the plan was made. */
const char      *ferry_plan_item_get_power_state      (FerryPlanItem *self);
/* Bytes of RAM (memory_actual, else dynamic_max) and of vGPU state. */
gint64           ferry_plan_item_get_memory           (FerryPlanItem *self);
gint64           ferry_plan_item_get_vgpu_state       (FerryPlanItem *self);
const char      *ferry_plan_item_get_from_pool_uuid   (FerryPlanItem *self);
const char      *ferry_plan_item_get_from_pool_name   (FerryPlanItem *self);
/* NULL for a VM that runs nowhere (halted, suspended). */
const char      *ferry_plan_item_get_from_host_uuid   (FerryPlanItem *self);
const char      *ferry_plan_item_get_from_host_name   (FerryPlanItem *self);
const char      *ferry_plan_item_get_to_pool_uuid     (FerryPlanItem *self);
const char      *ferry_plan_item_get_to_pool_name     (FerryPlanItem *self);
/* NULL when the pool chooses (a halted VM) or no host can take the VM. */
const char      *ferry_plan_item_get_to_host_uuid     (FerryPlanItem *self);
const char      *ferry_plan_item_get_to_host_name     (FerryPlanItem *self);
/* The destination network that carries the stream (the plan's, else the
 * management network); NULL when unknown. */
const char      *ferry_plan_item_get_network_uuid     (FerryPlanItem *self);
const char      *ferry_plan_item_get_network_name     (FerryPlanItem *self);
/* "web-01: prod-host-02 → prod-host-03" style texts for lists. */
char            *ferry_plan_item_dup_from_text        (FerryPlanItem *self);
char            *ferry_plan_item_dup_to_text          (FerryPlanItem *self);
guint            ferry_plan_item_get_n_disks          (FerryPlanItem *self);
const FerryPlanDisk *ferry_plan_item_get_disk         (FerryPlanItem *self,
                                                       guint          index);
guint            ferry_plan_item_get_n_vifs           (FerryPlanItem *self);
const FerryPlanVif  *ferry_plan_item_get_vif          (FerryPlanItem *self,
                                                       guint          index);
/* Bytes of the disks that move (snapshot disks too when they change pool). */
gint64           ferry_plan_item_get_disk_bytes       (FerryPlanItem *self);
/* Why the VM cannot move as planned (the first blocker), or NULL. */
FerryCheck      *ferry_plan_item_get_blocker          (FerryPlanItem *self);
/* The estimate (ferry-estimate.h), or NULL until one was made. */
const FerryEstimate *ferry_plan_item_get_estimate     (FerryPlanItem *self);
void             ferry_plan_item_set_estimate         (FerryPlanItem *self,
                                                       const FerryEstimate *estimate);
gboolean         ferry_plan_item_is_cross_pool        (FerryPlanItem *self);
/* TRUE when the VM moves through this computer (ferry-relay.h): asked for
 * (ALWAYS), or chosen when the job found the pools cannot reach each other
 * (AUTO; the item changes then). */
gboolean         ferry_plan_item_get_relay            (FerryPlanItem *self);
/* For a relayed item, the translated "through this computer" explanation
 * (halted VMs only, this computer's links) for the wizard and CLI; else NULL. */
const char      *ferry_plan_item_get_relay_text       (FerryPlanItem *self);

/* The plan. */
#define FERRY_TYPE_PLAN (ferry_plan_get_type ())
G_DECLARE_FINAL_TYPE (FerryPlan, ferry_plan, FERRY, PLAN, GObject)

/* Works @request out into items, reading the caches only. @connections:
 * (nullable) (element-type FerryConnection): lets the plan record the
 * address and user of each pool for replaying; @settings: (nullable).
 * Fails (FERRY_PLAN_ERROR) when the request has no VMs or its objects are
 * gone; a VM that cannot move is an item with a blocker. */
FerryPlan        *ferry_plan_new                    (FerryMoveRequest   *request,
                                                     GListModel         *connections,
                                                     FerryRuleSettings  *settings,
                                                     GError            **error);
/* Reads the JSON format above. Nothing is looked up. */
FerryPlan        *ferry_plan_new_from_json          (JsonNode           *node,
                                                     GError            **error);
FerryPlan        *ferry_plan_new_from_data          (const char         *data,
                                                     gssize              length,
                                                     GError            **error);
JsonNode         *ferry_plan_to_json                (FerryPlan          *self);
/* Pretty-printed JSON text. */
char             *ferry_plan_to_data                (FerryPlan          *self);
/* The equivalent xe commands, one per line, as a POSIX shell script
 * (ferry-xe.c). Cross-pool commands take the password from
 * $FERRY_REMOTE_PASSWORD. */
char             *ferry_plan_to_xe                  (FerryPlan          *self);

/* A request with exactly the plan's choices (explicit SR per disk and
 * network per interface), for the rules (ferry_rules_check()). Needs the
 * pools' caches through @connections; NULL with FERRY_PLAN_ERROR when an
 * object of the plan is gone. */
FerryMoveRequest *ferry_plan_dup_request            (FerryPlan          *self,
                                                     GListModel         *connections,
                                                     GError            **error);

const char       *ferry_plan_get_id                 (FerryPlan          *self);
GDateTime        *ferry_plan_get_created            (FerryPlan          *self);
/* The user's choice: AUTO, or O1–O5 for every VM. */
FerryOperation    ferry_plan_get_operation          (FerryPlan          *self);
const char       *ferry_plan_get_source_pool_uuid   (FerryPlan          *self);
const char       *ferry_plan_get_source_pool_name   (FerryPlan          *self);
const char       *ferry_plan_get_source_address     (FerryPlan          *self);
const char       *ferry_plan_get_destination_pool_uuid (FerryPlan       *self);
const char       *ferry_plan_get_destination_pool_name (FerryPlan       *self);
const char       *ferry_plan_get_destination_address (FerryPlan         *self);
/* The host the user chose, or NULL (the pool chooses per VM). */
const char       *ferry_plan_get_destination_host_uuid (FerryPlan       *self);
const char       *ferry_plan_get_destination_host_name (FerryPlan       *self);
const char       *ferry_plan_get_evacuate_host_uuid (FerryPlan          *self);
const char       *ferry_plan_get_evacuate_host_name (FerryPlan          *self);
FerryStorageMode  ferry_plan_get_storage_mode       (FerryPlan          *self);
const char       *ferry_plan_get_network_uuid       (FerryPlan          *self);
const char       *ferry_plan_get_network_name       (FerryPlan          *self);

/* Options; change them before the plan is queued. */
/* The host (of the destination pool) that becomes each VM's home server
 * (VM.affinity) after the move; NULL leaves the affinity alone. */
void              ferry_plan_set_home_server        (FerryPlan          *self,
                                                     FerryHost          *host);
const char       *ferry_plan_get_home_server_uuid   (FerryPlan          *self);
const char       *ferry_plan_get_home_server_name   (FerryPlan          *self);
void              ferry_plan_set_compression        (FerryPlan          *self,
                                                     FerryCompression    compression);
FerryCompression  ferry_plan_get_compression        (FerryPlan          *self);
/* Whether the stream is compressed: the override, else the pool default
 * the plan saw (pool.migration_compression of the source pool). */
gboolean          ferry_plan_get_effective_compression (FerryPlan       *self);
void              ferry_plan_set_force              (FerryPlan          *self,
                                                     gboolean            force);
gboolean          ferry_plan_get_force              (FerryPlan          *self);
/* Relay moves (ferry_move_request_set_relay()); change before queueing. */
FerryRelayMode    ferry_plan_get_relay_mode         (FerryPlan          *self);
void              ferry_plan_set_relay_mode         (FerryPlan          *self,
                                                     FerryRelayMode      mode);
/* O5: VMs that leave at once (R3); 0: the pool's value, else 10. */
void              ferry_plan_set_evacuation_batch_size (FerryPlan       *self,
                                                     guint               size);
guint             ferry_plan_get_evacuation_batch_size (FerryPlan       *self);
/* A host to enable (and clear of maintenance marks) before the moves,
 * e.g. when VMs go back after maintenance. */
void              ferry_plan_set_enable_host        (FerryPlan          *self,
                                                     const char         *uuid,
                                                     const char         *name);
const char       *ferry_plan_get_enable_host_uuid   (FerryPlan          *self);

/* A GListModel of FerryPlanItem; transfer none. */
GListModel       *ferry_plan_get_items              (FerryPlan          *self);
guint             ferry_plan_get_n_items            (FerryPlan          *self);
FerryPlanItem    *ferry_plan_get_item               (FerryPlan          *self,
                                                     guint               index);
/* Items with a blocker. */
guint             ferry_plan_get_n_blocked          (FerryPlan          *self);

#define FERRY_PLAN_ERROR (ferry_plan_error_quark ())

typedef enum
{
  FERRY_PLAN_ERROR_INVALID,      /* malformed JSON, or a plan of another format or version */
  FERRY_PLAN_ERROR_EMPTY,        /* no VM to move */
  FERRY_PLAN_ERROR_NOT_FOUND,    /* an object of the plan is not in the caches */
} FerryPlanError;

GQuark            ferry_plan_error_quark            (void);

G_END_DECLS
