/* ferry-history.h: the journal of every operation, kept across restarts
 *
 * The journal is a file of JSON lines, by default
 * $XDG_DATA_HOME/ferry/history.jsonl. Each line is one record, appended
 * with a single write() to a file opened O_APPEND and then fsync()ed, so
 * that a record is either wholly there or (after a crash mid-append) a
 * torn last line, which readers skip and the next append starts after.
 * Several processes (the app, ferry-cli) may append to one journal.
 *
 * Records ("type"), all with "time" (UTC, ISO 8601) and "job" (its id)
 * except "plan":
 *
 *   plan    {"plan": <the plan's JSON, ferry-plan.h>}: written when a plan
 *           is queued, so that a restart can finish its jobs
 *   queued  {"plan": id, "item": n, "vm": {uuid, name}, "operation": "O1",
 *            "from": {pool, host}, "to": {pool, host}, "who": "root@Production"}
 *   start   {"plan": id, "task": "OpaqueRef:…", "pool": "<pool uuid>", "who"}:
 *           the server task exists (re-attached by ref after a restart)
 *   end     {"plan": id, "outcome": "succeeded" | "failed" | "cancelled",
 *            "who", "vm", "operation", "from", "to",
 *            "maps": {"disks": [{"vdi", "userdevice", "from_sr", "to_sr"}],
 *                     "vifs": [{"vif", "device", "from_network", "to_network"}]},
 *            "options": {"compression": "pool-default"|"on"|"off",
 *                        "compressed": bool, "force": bool, "network": {uuid, name}},
 *            "predicted": <ferry_estimate_to_json()> | null,
 *            "actual": {"duration": s, "downtime": s | null, "bytes": n | null,
 *                       "started": time | null, "finished": time},
 *            "error": {"code", "params": [..], "message", "remedy", "rule"} | null,
 *            "location": {"state": "…", "text": "…"} | null,
 *            "learned": {"network": {uuid, name}, "bytes": n, "seconds": s} | null,
 *            "task": ref | null}
 *
 * "learned" is what the move taught the estimator: the bytes that crossed
 * the network (the simulator reports them; with real xapi the estimate's)
 * and the seconds it took.
 *
 * An operation is one entry (FerryHistoryEntry) merging its records; it is
 * "open" until its end record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ferry-estimate.h"
#include "ferry-move-request.h"
#include "ferry-plan.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_HISTORY_OUTCOME_OPEN,        /* queued or running, no end record (yet) */
  FERRY_HISTORY_OUTCOME_SUCCEEDED,
  FERRY_HISTORY_OUTCOME_FAILED,
  FERRY_HISTORY_OUTCOME_CANCELLED,
} FerryHistoryOutcome;

GType ferry_history_outcome_get_type (void) G_GNUC_CONST;
#define FERRY_TYPE_HISTORY_OUTCOME (ferry_history_outcome_get_type ())

#define FERRY_TYPE_HISTORY_ENTRY (ferry_history_entry_get_type ())
G_DECLARE_FINAL_TYPE (FerryHistoryEntry, ferry_history_entry, FERRY, HISTORY_ENTRY, GObject)

const char          *ferry_history_entry_get_job_id        (FerryHistoryEntry *self);
const char          *ferry_history_entry_get_plan_id       (FerryHistoryEntry *self);
FerryHistoryOutcome  ferry_history_entry_get_outcome       (FerryHistoryEntry *self);
/* When it was queued (or its first record); when it ended, or NULL. */
GDateTime           *ferry_history_entry_get_time          (FerryHistoryEntry *self);
GDateTime           *ferry_history_entry_get_end_time      (FerryHistoryEntry *self);
const char          *ferry_history_entry_get_who           (FerryHistoryEntry *self);
const char          *ferry_history_entry_get_vm_uuid       (FerryHistoryEntry *self);
const char          *ferry_history_entry_get_vm_name       (FerryHistoryEntry *self);
FerryOperation       ferry_history_entry_get_operation     (FerryHistoryEntry *self);
/* "prod-host-02 (Production)" */
char                *ferry_history_entry_dup_from_text     (FerryHistoryEntry *self);
char                *ferry_history_entry_dup_to_text       (FerryHistoryEntry *self);
/* The UUID of the host it left, or NULL. */
const char          *ferry_history_entry_get_from_host_uuid (FerryHistoryEntry *self);
/* The task of the start record, and the pool it runs in. */
const char          *ferry_history_entry_get_task_ref      (FerryHistoryEntry *self);
const char          *ferry_history_entry_get_task_pool     (FerryHistoryEntry *self);
gboolean             ferry_history_entry_was_started       (FerryHistoryEntry *self);
/* The xapi error code of a failure, or NULL; its message. */
const char          *ferry_history_entry_get_error_code    (FerryHistoryEntry *self);
const char          *ferry_history_entry_get_error_message (FerryHistoryEntry *self);
/* Seconds and bytes: actual (−1 when unknown) and predicted (NULL). */
double               ferry_history_entry_get_actual_duration (FerryHistoryEntry *self);
gint64               ferry_history_entry_get_actual_bytes  (FerryHistoryEntry *self);
FerryEstimate       *ferry_history_entry_dup_predicted     (FerryHistoryEntry *self);
/* Every member of every record, later records winning; parsed from the
 * text kept in memory on each call (transfer full). */
JsonObject          *ferry_history_entry_dup_json          (FerryHistoryEntry *self);
/* The same as one line of compact JSON, as kept in memory (no parsing). */
const char          *ferry_history_entry_get_json_text     (FerryHistoryEntry *self);

#define FERRY_TYPE_HISTORY (ferry_history_get_type ())
G_DECLARE_FINAL_TYPE (FerryHistory, ferry_history, FERRY, HISTORY, GObject)

/* A GListModel of FerryHistoryEntry in the order they began.
 * @path: (nullable): the journal; NULL for $XDG_DATA_HOME/ferry/history.jsonl.
 * Nothing is read until ferry_history_load(). */
FerryHistory        *ferry_history_new                     (const char        *path);
const char          *ferry_history_get_path                (FerryHistory      *self);
/* (Re)reads the journal. A missing file is an empty history; lines that
 * are not records (a torn last line) are skipped and counted. */
gboolean             ferry_history_load                    (FerryHistory      *self,
                                                            GError           **error);
/* The same in a worker thread; the entries are replaced on the calling
 * thread's main context when it is done (keeping those appended meanwhile). */
void                 ferry_history_load_async              (FerryHistory      *self,
                                                            GCancellable      *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer           user_data);
gboolean             ferry_history_load_finish             (FerryHistory      *self,
                                                            GAsyncResult      *result,
                                                            GError           **error);
/* The same from memory (tests, fuzzing); never fails. */
void                 ferry_history_load_data               (FerryHistory      *self,
                                                            const char        *data,
                                                            gsize              length);
guint                ferry_history_get_n_skipped           (FerryHistory      *self);
/* Appends one record (see above; "time" is added when missing), then
 * applies it. Fails only when the journal cannot be written. */
gboolean             ferry_history_append                  (FerryHistory      *self,
                                                            JsonObject        *record,
                                                            GError           **error);

FerryHistoryEntry   *ferry_history_lookup                  (FerryHistory      *self,
                                                            const char        *job_id);
/* The plan of a plan record (transfer full), or NULL. */
FerryPlan           *ferry_history_dup_plan                (FerryHistory      *self,
                                                            const char        *plan_id);
/* Entries without an end record, oldest first (transfer container). */
GPtrArray           *ferry_history_dup_open                (FerryHistory      *self);
/* Entries of one VM, oldest first (transfer container). */
GPtrArray           *ferry_history_dup_vm_entries          (FerryHistory      *self,
                                                            const char        *vm_uuid);

/* Teaches @estimator every network rate the journal shows (the "learned"
 * member of succeeded moves), oldest first. */
void                 ferry_history_teach                   (FerryHistory      *self,
                                                            FerryEstimator    *estimator);

/* "Put them back": for every VM that moved (successfully) at or after
 * @since, plans that return it to the host (and for disks: the SRs by
 * disk position) it had before its first such move. One plan per source
 * pool and destination host; VMs already there are left out. A host that
 * was put in maintenance (XenCenter's MAINTENANCE_MODE key) is enabled
 * first. @connections: the pools, with populated caches.
 * Returns: (transfer container) (element-type FerryPlan), possibly empty. */
GPtrArray           *ferry_history_build_put_back          (FerryHistory      *self,
                                                            GDateTime         *since,
                                                            GListModel        *connections,
                                                            GError           **error);

G_END_DECLS
