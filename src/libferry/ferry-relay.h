/* ferry-relay.h: a relay move: a halted VM streamed through this computer
 *
 * When two pools cannot reach each other, storage migration (O2, O4
 * across pools) is impossible: the source host must connect to the
 * destination. Ferry can reach both, so it carries the VM itself: it
 * starts the source pool's HTTP export (GET /export, an XVA stream) and
 * the destination pool's HTTP import (PUT /import) as two tasks, and pipes
 * one into the other as it arrives, with back-pressure: nothing is kept
 * on disk and memory stays constant whatever the VM's size.
 *
 * - Halted VMs only: xapi exports no running VM, and a suspended VM's
 *   memory image would not come along.
 * - The rate is what this workstation's links carry, both ways.
 * - Progress from the bytes relayed and the tasks; rate and ETA.
 * - ferry_relay_cancel() (or the GCancellable) cancels both tasks.
 * - On any failure both tasks are cancelled, the half-imported VM and its
 *   disks are destroyed on the destination and the source is untouched.
 * - It never hangs: when nothing moves (no byte relayed, neither task
 *   progressing) for the stall timeout, it fails so, saying which pool
 *   stood still (FERRY_RELAY_ERROR_STALLED); every other step is one call,
 *   bounded by the connection's call timeout.
 * - On success the destination VM is verified (the import checked every
 *   block's checksum; disk sizes, names and memory are compared with the
 *   source); only then, and only for a move (not a copy), the source VM
 *   and its disks are destroyed. From that point a cancel is too late and
 *   is ignored: the move finishes (the copy is never removed then).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-connection.h"

G_BEGIN_DECLS

/* Why a relay failed, in plain words (the message says what happened and
 * where the VM is now). Errors of xapi (FERRY_XAPI_ERROR) and of this
 * computer's own transport pass through as they are otherwise. */
#define FERRY_RELAY_ERROR (ferry_relay_error_quark ())

typedef enum
{
  FERRY_RELAY_ERROR_FAILED,
  FERRY_RELAY_ERROR_CONNECTION_LOST,   /* a link to one of the pools broke mid-stream */
  FERRY_RELAY_ERROR_REFUSED,           /* the destination refused the upload (HTTP) */
  FERRY_RELAY_ERROR_MISMATCH,          /* the copy is not the source's */
  FERRY_RELAY_ERROR_STALLED,           /* nothing moved for the stall timeout */
} FerryRelayError;

GQuark      ferry_relay_error_quark     (void);

/* A request's choice (ferry_move_request_set_relay()). */
typedef enum
{
  FERRY_RELAY_AUTO,     /* relay a halted VM when the pools cannot reach each other */
  FERRY_RELAY_ALWAYS,   /* relay every halted VM of a cross-pool move */
  FERRY_RELAY_NEVER,    /* never: a connectivity error fails the move */
} FerryRelayMode;

GType       ferry_relay_mode_get_type   (void) G_GNUC_CONST;
#define FERRY_TYPE_RELAY_MODE (ferry_relay_mode_get_type ())
/* "auto", "always", "never"; FALSE for other text. */
const char *ferry_relay_mode_to_string  (FerryRelayMode  mode);
gboolean    ferry_relay_mode_from_string (const char     *text,
                                          FerryRelayMode *mode);

/* The translated explanation the wizard and the CLI show for a relayed
 * VM: "through this computer", halted VMs only, limited by this
 * computer's links. */
const char *ferry_relay_describe        (void);
/* Whether @error says that the pools cannot reach each other
 * (CANNOT_CONTACT_HOST, VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED). */
gboolean    ferry_relay_error_is_unreachable (const GError *error);

#define FERRY_TYPE_RELAY (ferry_relay_get_type ())
G_DECLARE_FINAL_TYPE (FerryRelay, ferry_relay, FERRY, RELAY, GObject)

/* @vm_ref: a halted VM of @source (others fail with G_IO_ERROR_NOT_SUPPORTED); @sr_ref: an SR of @destination for
 * its disks. Both connections must be open. */
FerryRelay *ferry_relay_new             (FerryConnection *source,
                                         const char      *vm_ref,
                                         FerryConnection *destination,
                                         const char      *sr_ref);
/* TRUE (a move, the default): destroy the source VM once the copy is
 * verified; FALSE: a copy, the source stays. A move keeps the VM's UUID. */
void        ferry_relay_set_move        (FerryRelay      *self,
                                         gboolean         move);
gboolean    ferry_relay_get_move        (FerryRelay      *self);
/* After the import, the destination VM's interface @device (its VIF's
 * "device", "0"…) joins @network_ref (a network of the destination) with
 * VIF.move; unmapped interfaces keep the network the import chose. */
void        ferry_relay_set_vif_network (FerryRelay      *self,
                                         const char      *device,
                                         const char      *network_ref);
/* gzip the stream (R2: worth it when the links are slow). Default FALSE. */
void        ferry_relay_set_compress    (FerryRelay      *self,
                                         gboolean         compress);
gboolean    ferry_relay_get_compress    (FerryRelay      *self);

/* How long the relay waits while nothing moves before it gives up: no
 * byte crossed this computer and neither task progressed (a stalled export
 * or import, a link that silently drops packets). 0, the default: the
 * larger of the two connections' call timeouts (ferry_connection_get_timeout()). */
void        ferry_relay_set_stall_timeout (FerryRelay    *self,
                                           guint          seconds);
guint       ferry_relay_get_stall_timeout (FerryRelay    *self);

/* Properties, notified on the main context:
 *   phase (string), progress (0…1, never decreasing), bytes (relayed so
 *   far, as they crossed this computer), total-bytes (the disk data
 *   expected, an estimate), rate (bytes/s, −1 unknown), eta (seconds,
 *   −1 unknown), export-task, import-task (refs once started). */
const char *ferry_relay_get_phase       (FerryRelay      *self);
double      ferry_relay_get_progress    (FerryRelay      *self);
guint64     ferry_relay_get_bytes       (FerryRelay      *self);
guint64     ferry_relay_get_total_bytes (FerryRelay      *self);
double      ferry_relay_get_rate        (FerryRelay      *self);
double      ferry_relay_get_eta         (FerryRelay      *self);
const char *ferry_relay_get_export_task (FerryRelay      *self);
const char *ferry_relay_get_import_task (FerryRelay      *self);

/* Runs it once. The result is the destination VM's ref. */
void        ferry_relay_run_async       (FerryRelay          *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
char       *ferry_relay_run_finish      (FerryRelay          *self,
                                         GAsyncResult        *result,
                                         GError             **error);
/* The same as cancelling run's GCancellable. */
void        ferry_relay_cancel          (FerryRelay      *self);

G_END_DECLS
