/* ferry-cache.h: the typed object cache one connection feeds from event.from
 *
 * One FerryCache per connection (pool or standalone host). The connection
 * reads each event.from reply on a worker thread into a FerryCacheBatch
 * (ferry_cache_batch_new_from_reply() on the raw body is the fast path),
 * then applies it on the main thread: the first reply, and the full reread
 * after EVENTS_LOST, with ferry_cache_apply_snapshot_batch(), every later
 * one with ferry_cache_apply_batch(). The UI binds to typed objects
 * (FerryVm, FerryHost, …: ferry-vm.h etc.) and to GListModels that change
 * in place, with exact positions, once per main-loop iteration.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ferry-types.h"
#include "ferry-object.h"

G_BEGIN_DECLS

/* The one-to-many relations the cache keeps a GListModel for. Each one is
 * "the objects of a child class whose ref field points at the owner"; the
 * comment names that field. Pool → hosts, pool → SRs and pool → networks are
 * the per-class models (ferry_cache_get_objects()): one cache holds one pool. */
typedef enum
{
  FERRY_RELATION_HOST_RESIDENT_VMS,       /* VM.resident_on                 */
  FERRY_RELATION_HOST_SCHEDULED_VMS,      /* VM.scheduled_to_be_resident_on */
  FERRY_RELATION_HOST_AFFINITY_VMS,       /* VM.affinity                    */
  FERRY_RELATION_VM_SNAPSHOTS,            /* VM.snapshot_of                 */
  FERRY_RELATION_VM_VBDS,                 /* VBD.VM                         */
  FERRY_RELATION_VM_VIFS,                 /* VIF.VM                         */
  FERRY_RELATION_VM_VGPUS,                /* VGPU.VM                        */
  FERRY_RELATION_VM_VUSBS,                /* VUSB.VM                        */
  FERRY_RELATION_VDI_VBDS,                /* VBD.VDI                        */
  FERRY_RELATION_VDI_SNAPSHOTS,           /* VDI.snapshot_of                */
  FERRY_RELATION_SR_VDIS,                 /* VDI.SR                         */
  FERRY_RELATION_SR_PBDS,                 /* PBD.SR                         */
  FERRY_RELATION_HOST_PBDS,               /* PBD.host                       */
  FERRY_RELATION_NETWORK_VIFS,            /* VIF.network                    */
  FERRY_RELATION_NETWORK_PIFS,            /* PIF.network                    */
  FERRY_RELATION_HOST_PIFS,               /* PIF.host                       */
  FERRY_RELATION_HOST_CPUS,               /* host_cpu.host                  */
  FERRY_RELATION_HOST_PCIS,               /* PCI.host                       */
  FERRY_RELATION_HOST_PGPUS,              /* PGPU.host                      */
  FERRY_RELATION_HOST_PUSBS,              /* PUSB.host                      */
  FERRY_RELATION_GPU_GROUP_PGPUS,         /* PGPU.GPU_group                 */
  FERRY_RELATION_GPU_GROUP_VGPUS,         /* VGPU.GPU_group                 */
  FERRY_RELATION_PGPU_RESIDENT_VGPUS,     /* VGPU.resident_on               */
  FERRY_RELATION_USB_GROUP_PUSBS,         /* PUSB.USB_group                 */
  FERRY_RELATION_USB_GROUP_VUSBS,         /* VUSB.USB_group                 */
  FERRY_RELATION_CLUSTER_HOSTS,           /* Cluster_host.cluster           */
  FERRY_RELATION_HOST_CLUSTER_HOSTS,      /* Cluster_host.host              */
  FERRY_RELATION_TASK_SUBTASKS,           /* task.subtask_of                */
  FERRY_N_RELATIONS
} FerryRelation;

#define FERRY_TYPE_CACHE (ferry_cache_get_type ())

G_DECLARE_FINAL_TYPE (FerryCache, ferry_cache, FERRY, CACHE, GObject)

/* A batch of event.from events converted to typed records. Building one
 * touches no cache and emits nothing, so it may run on any thread; only
 * applying it must happen on the cache's thread. A connection parses the
 * event.from reply and builds the batch in a GTask thread, then applies it
 * from the callback: the main loop only compares and moves typed values. */
FerryCacheBatch *ferry_cache_batch_new           (void);
/* @events: the "events" array of an event.from result (§6.2). */
FerryCacheBatch *ferry_cache_batch_new_from_json (JsonArray       *events);
/* The fast path for big replies: parses the raw body of an event.from
 * JSON-RPC response (v1 or v2) straight into a batch, one event at a time,
 * without a JsonNode tree. json-glib needs about 10× the reply's size in
 * memory and ~5 s for a 64-host/10,000-VM snapshot (95 MB); this needs
 * little beyond @body and well under a second. Thread-safe.
 * On success, @token (optional) receives the result's "token".
 * Returns NULL with G_IO_ERROR_INVALID_DATA when @body is not a successful
 * event.from result (an error reply is left to the JSON-RPC code: parse it
 * as usual, it is small). */
FerryCacheBatch *ferry_cache_batch_new_from_reply (GBytes         *body,
                                                   char          **token,
                                                   GError        **error);
/* The same; the events of @raw_classes (lowercase class names, e.g.
 * {"host", "pool", "task", NULL}) are also returned, as json-glib event
 * objects, in @raw_events, for a connection's own bookkeeping. */
FerryCacheBatch *ferry_cache_batch_new_from_reply_full (GBytes              *body,
                                                        const char * const  *raw_classes,
                                                        JsonArray          **raw_events,
                                                        char               **token,
                                                        GError             **error);
/* Adds one event object; returns FALSE (and skips it) when it is malformed. */
gboolean         ferry_cache_batch_add_event     (FerryCacheBatch *batch,
                                                  JsonObject      *event);
/* Events kept, and events skipped as malformed or of an unknown class. */
guint            ferry_cache_batch_get_n_events  (FerryCacheBatch *batch);
guint            ferry_cache_batch_get_n_skipped (FerryCacheBatch *batch);
void             ferry_cache_batch_free          (FerryCacheBatch *batch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryCacheBatch, ferry_cache_batch_free)

FerryCache  *ferry_cache_new                  (void);

/* Incremental add/mod/del events (on the cache's thread). Property changes are applied
 * at once with their notifications held back; list-model changes and the
 * held notifications are emitted together when control returns to the main
 * loop, or by ferry_cache_flush(). */
void         ferry_cache_apply_events         (FerryCache      *self,
                                               JsonArray       *events);
/* A full snapshot (the first event.from, or a resync after EVENTS_LOST):
 * every event is an upsert, objects it lacks are removed, and objects it
 * does not change emit nothing. Flushes at once, then sets
 * FerryCache:populated. */
void         ferry_cache_apply_snapshot       (FerryCache      *self,
                                               JsonArray       *events);
/* The same with a prepared batch; both take ownership of @batch. */
void         ferry_cache_apply_batch          (FerryCache      *self,
                                               FerryCacheBatch *batch);
void         ferry_cache_apply_snapshot_batch (FerryCache      *self,
                                               FerryCacheBatch *batch);
/* Emits pending list-model changes and property notifications now. */
void         ferry_cache_flush                (FerryCache      *self);
/* Removes every object (e.g. when a connection is forgotten). */
void         ferry_cache_clear                (FerryCache      *self);

/* TRUE once the first snapshot has been applied (and flushed). */
gboolean     ferry_cache_get_populated        (FerryCache      *self);
guint        ferry_cache_get_n_objects        (FerryCache      *self);

/* Lookups; transfer none. */
FerryObject *ferry_cache_lookup               (FerryCache      *self,
                                               const char      *ref);
FerryObject *ferry_cache_lookup_by_uuid       (FerryCache      *self,
                                               const char      *uuid);
/* The pool object; NULL until one was received. */
FerryPool   *ferry_cache_get_pool             (FerryCache      *self);

/* A GListModel of every object of @type (FERRY_TYPE_VM, …), in arrival
 * order. Transfer none: the model lives as long as the cache. */
GListModel  *ferry_cache_get_objects          (FerryCache      *self,
                                               GType            type);
/* The children of @owner_ref under @relation, in arrival order. A NULL
 * @owner_ref gives the children whose field is NULL (e.g. the VMs resident
 * nowhere). Transfer none: the model lives while the cache lives and the
 * owner exists; take a reference to keep it longer. */
GListModel  *ferry_cache_get_relation         (FerryCache      *self,
                                               FerryRelation    relation,
                                               const char      *owner_ref);
/* The item type of ferry_cache_get_relation() models. */
GType        ferry_relation_get_item_type     (FerryRelation    relation);

G_END_DECLS
