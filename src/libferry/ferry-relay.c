/* ferry-relay.c: a relay move: export → this computer → import
 *
 * The export's response stream (libsoup) becomes the import's request body
 * (ferry-relay-upload.c: an HTTP/1.0 PUT without length, as xapi takes
 * it; libsoup would send it chunked, which xapi refuses). The upload reads
 * the export only as fast as it can write to the destination, so the
 * source is slowed to the destination's pace (back-pressure) and at most
 * a few buffers are ever held.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-relay"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "ferry-connection-private.h"
#include "ferry-error.h"
#include "ferry-relay.h"
#include "ferry-relay-upload-private.h"
#include "ferry-task-follower.h"
#include "ferry-trust.h"

#define TICK_MS 250
#define RATE_SMOOTHING 0.3

G_DEFINE_QUARK (ferry-relay-error-quark, ferry_relay_error)

G_DEFINE_ENUM_TYPE (FerryRelayMode, ferry_relay_mode,
  G_DEFINE_ENUM_VALUE (FERRY_RELAY_AUTO, "auto"),
  G_DEFINE_ENUM_VALUE (FERRY_RELAY_ALWAYS, "always"),
  G_DEFINE_ENUM_VALUE (FERRY_RELAY_NEVER, "never"))

const char *
ferry_relay_mode_to_string (FerryRelayMode mode)
{
  switch (mode)
    {
    case FERRY_RELAY_ALWAYS: return "always";
    case FERRY_RELAY_NEVER:  return "never";
    case FERRY_RELAY_AUTO:
    default:                 return "auto";
    }
}

gboolean
ferry_relay_mode_from_string (const char     *text,
                              FerryRelayMode *mode)
{
  if (g_strcmp0 (text, "auto") == 0)
    *mode = FERRY_RELAY_AUTO;
  else if (g_strcmp0 (text, "always") == 0)
    *mode = FERRY_RELAY_ALWAYS;
  else if (g_strcmp0 (text, "never") == 0)
    *mode = FERRY_RELAY_NEVER;
  else
    return FALSE;
  return TRUE;
}

const char *
ferry_relay_describe (void)
{
  return _("The pools cannot reach each other, so this VM moves through this computer: "
           "Ferry exports it from the source pool and imports it into the destination as it arrives. "
           "Only a halted VM can move this way, and the transfer is limited by this computer’s "
           "network links to both pools. Keep Ferry running until it ends.");
}

gboolean
ferry_relay_error_is_unreachable (const GError *error)
{
  return ferry_xapi_error_has_name (error, "CANNOT_CONTACT_HOST") ||
         ferry_xapi_error_has_name (error, "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED") ||
         ferry_xapi_error_has_name (error, "TLS_CONNECTION_FAILED");
}

/* The relay ------------------------------------------------------------------ */

typedef struct
{
  char   *userdevice;
  char   *vdi_ref;
  char   *name;
  gint64  virtual_size;
  gint64  physical;
} Disk;

static void
disk_free (gpointer data)
{
  Disk *disk = data;

  g_free (disk->userdevice);
  g_free (disk->vdi_ref);
  g_free (disk->name);
  g_free (disk);
}

struct _FerryRelay
{
  GObject            parent_instance;

  FerryConnection   *src;
  FerryConnection   *dst;
  char              *vm_ref;
  char              *sr_ref;
  gboolean           move;
  gboolean           compress;
  guint              stall_timeout; /* seconds; 0: the connections' */
  GHashTable        *vif_networks;  /* device → destination network ref */

  char              *phase;
  double             progress;
  guint64            bytes;
  guint64            total;
  double             rate;
  double             eta;
  char              *export_task;
  char              *import_task;

  /* The run */
  GTask             *task;
  GCancellable      *cancellable;   /* ours: the HTTP requests */
  gulong             cancel_id;
  SoupSession       *session;
  SoupMessage       *export_msg;
  FerryRelayUpload  *upload;        /* the import's body: the export's */
  FerryTaskFollower *import_follower;
  FerryTaskFollower *export_follower;
  guint              tick_id;
  gint64             tick_time;
  guint64            tick_bytes;
  JsonObject        *vm_record;     /* the source VM */
  GPtrArray         *src_disks;     /* of Disk */
  GPtrArray         *dst_disks;
  char              *dst_vm_ref;
  JsonObject        *dst_vm_record;
  GError            *error;         /* the failure being cleaned up after */
  guint              pending;
  gboolean           failing;
  gboolean           cleanup_failed;/* some of the copy stayed on the destination */
  FerryConnection   *lost;          /* the side whose link broke, if known */
  gboolean           uploaded;      /* the whole body went to the destination */
  gboolean           committed;     /* the source's removal began: no way back */

  /* The stall watchdog: from the export's start to the import's end,
   * something must move (bytes, either task's progress, the phase). */
  gboolean           watching;
  gint64             last_activity;
  guint64            seen_bytes;
  double             seen_export_progress;
  double             seen_import_progress;
};

G_DEFINE_FINAL_TYPE (FerryRelay, ferry_relay, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PHASE,
  PROP_PROGRESS,
  PROP_BYTES,
  PROP_TOTAL_BYTES,
  PROP_RATE,
  PROP_ETA,
  PROP_EXPORT_TASK,
  PROP_IMPORT_TASK,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void fail (FerryRelay *self, GError *error);

static void
clear_run (FerryRelay *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->cancel_id != 0 && self->task != NULL)
    g_cancellable_disconnect (g_task_get_cancellable (self->task), self->cancel_id);
  self->cancel_id = 0;
  g_clear_object (&self->export_msg);
  g_clear_object (&self->upload);
  g_clear_object (&self->import_follower);
  g_clear_object (&self->export_follower);
  g_clear_object (&self->session);
  g_clear_pointer (&self->vm_record, json_object_unref);
  g_clear_pointer (&self->dst_vm_record, json_object_unref);
  g_clear_pointer (&self->src_disks, g_ptr_array_unref);
  g_clear_pointer (&self->dst_disks, g_ptr_array_unref);
  g_clear_error (&self->error);
  self->lost = NULL;
  self->watching = FALSE;
}

static void
ferry_relay_dispose (GObject *object)
{
  FerryRelay *self = (FerryRelay *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  clear_run (self);
  g_clear_object (&self->task);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->src);
  g_clear_object (&self->dst);

  G_OBJECT_CLASS (ferry_relay_parent_class)->dispose (object);
}

static void
ferry_relay_finalize (GObject *object)
{
  FerryRelay *self = (FerryRelay *)object;

  g_free (self->vm_ref);
  g_free (self->sr_ref);
  g_clear_pointer (&self->vif_networks, g_hash_table_unref);
  g_free (self->phase);
  g_free (self->export_task);
  g_free (self->import_task);
  g_free (self->dst_vm_ref);

  G_OBJECT_CLASS (ferry_relay_parent_class)->finalize (object);
}

static void
ferry_relay_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FerryRelay *self = FERRY_RELAY (object);

  switch (prop_id)
    {
    case PROP_PHASE:
      g_value_set_string (value, self->phase);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_BYTES:
      g_value_set_uint64 (value, self->bytes);
      break;
    case PROP_TOTAL_BYTES:
      g_value_set_uint64 (value, self->total);
      break;
    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;
    case PROP_ETA:
      g_value_set_double (value, self->eta);
      break;
    case PROP_EXPORT_TASK:
      g_value_set_string (value, self->export_task);
      break;
    case PROP_IMPORT_TASK:
      g_value_set_string (value, self->import_task);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_relay_class_init (FerryRelayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_relay_dispose;
  object_class->finalize = ferry_relay_finalize;
  object_class->get_property = ferry_relay_get_property;

  properties [PROP_PHASE] = g_param_spec_string ("phase", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_BYTES] = g_param_spec_uint64 ("bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_TOTAL_BYTES] = g_param_spec_uint64 ("total-bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, -1, G_MAXDOUBLE, -1,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_ETA] = g_param_spec_double ("eta", NULL, NULL, -1, G_MAXDOUBLE, -1,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_EXPORT_TASK] = g_param_spec_string ("export-task", NULL, NULL, NULL,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_IMPORT_TASK] = g_param_spec_string ("import-task", NULL, NULL, NULL,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ferry_relay_init (FerryRelay *self)
{
  self->move = TRUE;
  self->rate = -1;
  self->eta = -1;
}

FerryRelay *
ferry_relay_new (FerryConnection *source,
                 const char      *vm_ref,
                 FerryConnection *destination,
                 const char      *sr_ref)
{
  FerryRelay *self;

  g_return_val_if_fail (FERRY_IS_CONNECTION (source), NULL);
  g_return_val_if_fail (FERRY_IS_CONNECTION (destination), NULL);
  g_return_val_if_fail (vm_ref != NULL && sr_ref != NULL, NULL);

  self = g_object_new (FERRY_TYPE_RELAY, NULL);
  self->src = g_object_ref (source);
  self->dst = g_object_ref (destination);
  self->vm_ref = g_strdup (vm_ref);
  self->sr_ref = g_strdup (sr_ref);
  return self;
}

void
ferry_relay_set_move (FerryRelay *self,
                      gboolean    move)
{
  g_return_if_fail (FERRY_IS_RELAY (self));
  self->move = !!move;
}

gboolean
ferry_relay_get_move (FerryRelay *self)
{
  g_return_val_if_fail (FERRY_IS_RELAY (self), FALSE);
  return self->move;
}

void
ferry_relay_set_vif_network (FerryRelay *self,
                             const char *device,
                             const char *network_ref)
{
  g_return_if_fail (FERRY_IS_RELAY (self));
  g_return_if_fail (device != NULL && network_ref != NULL);

  if (self->vif_networks == NULL)
    self->vif_networks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace (self->vif_networks, g_strdup (device), g_strdup (network_ref));
}

void
ferry_relay_set_compress (FerryRelay *self,
                          gboolean    compress)
{
  g_return_if_fail (FERRY_IS_RELAY (self));
  self->compress = !!compress;
}

gboolean
ferry_relay_get_compress (FerryRelay *self)
{
  g_return_val_if_fail (FERRY_IS_RELAY (self), FALSE);
  return self->compress;
}

void
ferry_relay_set_stall_timeout (FerryRelay *self,
                               guint       seconds)
{
  g_return_if_fail (FERRY_IS_RELAY (self));
  self->stall_timeout = seconds;
}

guint
ferry_relay_get_stall_timeout (FerryRelay *self)
{
  g_return_val_if_fail (FERRY_IS_RELAY (self), 0);
  if (self->stall_timeout > 0)
    return self->stall_timeout;
  return MAX (ferry_connection_get_timeout (self->src), ferry_connection_get_timeout (self->dst));
}

const char *ferry_relay_get_phase (FerryRelay *self) { g_return_val_if_fail (FERRY_IS_RELAY (self), NULL); return self->phase; }
double ferry_relay_get_progress (FerryRelay *self) { g_return_val_if_fail (FERRY_IS_RELAY (self), 0); return self->progress; }
guint64 ferry_relay_get_bytes (FerryRelay *self) { g_return_val_if_fail (FERRY_IS_RELAY (self), 0); return self->bytes; }
guint64 ferry_relay_get_total_bytes (FerryRelay *self) { g_return_val_if_fail (FERRY_IS_RELAY (self), 0); return self->total; }
double ferry_relay_get_rate (FerryRelay *self) { g_return_val_if_fail (FERRY_IS_RELAY (self), -1); return self->rate; }
double ferry_relay_get_eta (FerryRelay *self) { g_return_val_if_fail (FERRY_IS_RELAY (self), -1); return self->eta; }
const char *ferry_relay_get_export_task (FerryRelay *self) { g_return_val_if_fail (FERRY_IS_RELAY (self), NULL); return self->export_task; }
const char *ferry_relay_get_import_task (FerryRelay *self) { g_return_val_if_fail (FERRY_IS_RELAY (self), NULL); return self->import_task; }

static void
set_phase (FerryRelay *self,
           const char *phase)
{
  if (g_strcmp0 (self->phase, phase) == 0)
    return;
  /* A new phase is progress too. */
  self->last_activity = g_get_monotonic_time ();
  g_free (self->phase);
  self->phase = g_strdup (phase);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PHASE]);
}

static void
set_progress (FerryRelay *self,
              double      progress)
{
  progress = CLAMP (progress, 0.0, 1.0);
  if (progress <= self->progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PROGRESS]);
}

static gint64
json_int (JsonObject *object,
          const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (node), NULL, 10);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return json_node_get_int (node);
}

static const char *
json_string (JsonObject *object,
             const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static void stalled (FerryRelay *self, guint seconds);

/* Something moved since the last look: bytes, or either task's progress
 * (xapi reading a long run of empty blocks sends little but progresses). */
static void
watch_stall (FerryRelay *self,
             gint64      now,
             guint64     bytes)
{
  double export_progress = self->export_follower ? ferry_task_follower_get_progress (self->export_follower) : 0;
  double import_progress = self->import_follower ? ferry_task_follower_get_progress (self->import_follower) : 0;
  guint timeout;

  if (!self->watching || self->failing)
    return;
  if (bytes != self->seen_bytes || export_progress != self->seen_export_progress ||
      import_progress != self->seen_import_progress)
    {
      self->seen_bytes = bytes;
      self->seen_export_progress = export_progress;
      self->seen_import_progress = import_progress;
      self->last_activity = now;
      return;
    }
  timeout = ferry_relay_get_stall_timeout (self);
  if (now - self->last_activity >= (gint64) timeout * G_USEC_PER_SEC)
    stalled (self, timeout);
}

/* Progress: bytes through this computer, and the import task's own. */
static gboolean
on_tick_cb (gpointer user_data)
{
  FerryRelay *self = user_data;
  gint64 now = g_get_monotonic_time ();
  guint64 bytes = self->upload ? _ferry_relay_upload_get_bytes (self->upload) : self->bytes;
  double dt = (now - self->tick_time) / (double) G_USEC_PER_SEC;
  double task_progress = self->import_follower ? ferry_task_follower_get_progress (self->import_follower) : 0;

  if (bytes != self->bytes)
    {
      self->bytes = bytes;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_BYTES]);
    }
  if (dt > 0)
    {
      double sample = (bytes - self->tick_bytes) / dt;

      self->rate = self->rate < 0 ? sample : RATE_SMOOTHING * sample + (1 - RATE_SMOOTHING) * self->rate;
      self->tick_time = now;
      self->tick_bytes = bytes;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_RATE]);
    }
  if (self->total > 0)
    {
      double by_bytes = MIN ((double) bytes / self->total, 0.99);
      double p = MAX (by_bytes, MIN (task_progress, 0.99));

      set_progress (self, p);
      self->eta = self->rate > 0 && !self->compress ? (self->total > bytes ? (self->total - bytes) / self->rate : 0) : -1;
      if (self->compress && self->rate > 0 && p > 0.01)
        self->eta = (1 - p) / p * ((now - self->tick_time) / (double) G_USEC_PER_SEC + bytes / self->rate);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ETA]);
    }
  watch_stall (self, now, bytes);
  return G_SOURCE_CONTINUE;
}

/* Reading a VM's disks: VM.get_record, then each VBD and VDI. */

typedef void (*DisksFunc) (FerryRelay *self, GPtrArray *disks, GError *error);

typedef struct
{
  FerryRelay      *self;
  FerryConnection *connection;
  GPtrArray       *disks;
  guint            pending;
  GError          *error;
  DisksFunc        func;
} DiskRead;

static void
disk_read_done (DiskRead *read)
{
  if (--read->pending > 0)
    return;
  read->func (read->self, read->disks, read->error);
  g_clear_pointer (&read->disks, g_ptr_array_unref);
  g_clear_error (&read->error);
  g_object_unref (read->self);
  g_object_unref (read->connection);
  g_free (read);
}

typedef struct
{
  DiskRead *read;
  Disk     *disk;
} DiskCall;

static void
on_vdi_record_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  DiskCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *record = json_node_get_object (node);

      call->disk->virtual_size = json_int (record, "virtual_size");
      call->disk->physical = json_int (record, "physical_utilisation");
      call->disk->name = g_strdup (json_string (record, "name_label"));
    }
  else if (call->read->error == NULL)
    call->read->error = g_steal_pointer (&error);
  disk_read_done (call->read);
  g_free (call);
}

static void
on_vbd_record_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  DiskRead *read = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  JsonObject *record = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  if (record == NULL)
    {
      if (read->error == NULL)
        read->error = g_steal_pointer (&error);
    }
  else if (g_strcmp0 (json_string (record, "type"), "Disk") == 0 &&
           g_strcmp0 (json_string (record, "VDI"), "OpaqueRef:NULL") != 0 && json_string (record, "VDI") != NULL)
    {
      DiskCall *call = g_new0 (DiskCall, 1);

      call->read = read;
      call->disk = g_new0 (Disk, 1);
      call->disk->userdevice = g_strdup (json_string (record, "userdevice"));
      call->disk->vdi_ref = g_strdup (json_string (record, "VDI"));
      g_ptr_array_add (read->disks, call->disk);
      read->pending++;
      ferry_connection_call_async (read->connection, "VDI.get_record", g_variant_new ("(s)", call->disk->vdi_ref),
                                   FERRY_CALL_IDEMPOTENT, read->self->cancellable, on_vdi_record_cb, call);
    }
  disk_read_done (read);
}

static void
read_disks (FerryRelay      *self,
            FerryConnection *connection,
            JsonObject      *vm_record,
            DisksFunc        func)
{
  DiskRead *read = g_new0 (DiskRead, 1);
  JsonArray *vbds = json_object_has_member (vm_record, "VBDs") ? json_object_get_array_member (vm_record, "VBDs") : NULL;

  read->self = g_object_ref (self);
  read->connection = g_object_ref (connection);
  read->disks = g_ptr_array_new_with_free_func (disk_free);
  read->func = func;
  read->pending = 1;
  for (guint i = 0; vbds != NULL && i < json_array_get_length (vbds); i++)
    {
      read->pending++;
      ferry_connection_call_async (connection, "VBD.get_record",
                                   g_variant_new ("(s)", json_array_get_string_element (vbds, i)),
                                   FERRY_CALL_IDEMPOTENT, self->cancellable, on_vbd_record_cb, read);
    }
  disk_read_done (read);
}

/* The end ------------------------------------------------------------------- */

/* A broken link, however it showed: xapi's export writing to a closed
 * connection (CLIENT_ERROR [Unix.Unix_error(Unix.EPIPE …)]), its import
 * reading one (IMPORT_ERROR_PREMATURE_EOF), or this computer's streams. */
static gboolean
is_connection_lost (const GError *error)
{
  return ferry_xapi_error_has_name (error, "CLIENT_ERROR") ||
         ferry_xapi_error_has_name (error, "IMPORT_ERROR_PREMATURE_EOF") ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_EOF) ||
         g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION) ||
         g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION_LOST);
}

/* Where the VM is after a failure, in plain words. */
static char *
dup_where (FerryRelay *self)
{
  const char *name = json_string (self->vm_record, "name_label");

  if (self->cleanup_failed)
    return g_strdup_printf (_("%s is still on the source pool, untouched. Part of the incomplete copy may be "
                              "left on the destination: look for a halted VM named %s there and delete it. "
                              "Check the network, then try again."),
                            name ? name : _("The VM"), name ? name : "");
  return g_strdup_printf (_("%s is still on the source pool, untouched, and the incomplete copy was removed "
                            "from the destination. Check the network, then try again."),
                          name ? name : _("The VM"));
}

/* What happened and where the VM is, in plain words. */
static GError *
plain_connection_error (FerryRelay   *self,
                        const GError *error)
{
  FerryConnection *lost = self->lost;
  g_autofree char *what = NULL;
  g_autofree char *where = NULL;

  if (ferry_xapi_error_has_name (error, "CLIENT_ERROR"))
    lost = self->src;
  g_debug ("Relay of %s: the link broke: %s", self->vm_ref, error->message);
  if (lost == self->src)
    what = g_strdup_printf (_("The connection to the source pool (%s) broke while the VM was being copied "
                              "through this computer."), ferry_connection_get_master_address (self->src));
  else if (lost == self->dst)
    what = g_strdup_printf (_("The connection to the destination pool (%s) broke while the VM was being copied "
                              "through this computer."), ferry_connection_get_master_address (self->dst));
  else
    what = g_strdup (_("A connection to one of the pools broke while the VM was being copied through this computer."));
  where = dup_where (self);
  return g_error_new (FERRY_RELAY_ERROR, FERRY_RELAY_ERROR_CONNECTION_LOST, "%s %s", what, where);
}

static void
complete (FerryRelay *self,
          GError     *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task == NULL)
    return;
  if (error != NULL && self->failing && is_connection_lost (error))
    {
      GError *plain = plain_connection_error (self, error);

      g_error_free (error);
      error = plain;
    }
  else if (g_error_matches (error, FERRY_RELAY_ERROR, FERRY_RELAY_ERROR_STALLED))
    {
      /* Which pool stood still, then where the VM is now. */
      g_autofree char *where = dup_where (self);
      GError *plain = g_error_new (FERRY_RELAY_ERROR, FERRY_RELAY_ERROR_STALLED, "%s %s", error->message, where);

      g_error_free (error);
      error = plain;
    }
  if (error == NULL)
    {
      set_progress (self, 1.0);
      set_phase (self, self->move ? _("Moved through this computer") : _("Copied through this computer"));
    }
  clear_run (self);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (self->dst_vm_ref), g_free);
}

/* Failure: cancel both tasks, destroy what the import left, keep the source. */

static void
on_ignored_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(JsonNode) node = NULL;

  node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, NULL);
}

/* Destroys the disks, then completes the run with self->error (or success). */
static void
on_disk_destroyed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  /* A disk already gone (xapi's own clean-up after the cancel got there
   * first) is what we wanted. */
  if (node == NULL && !ferry_xapi_error_has_name (error, "HANDLE_INVALID"))
    {
      g_debug ("Could not destroy a disk: %s", error->message);
      self->cleanup_failed |= self->failing;
    }
  if (--self->pending == 0)
    complete (self, g_steal_pointer (&self->error));
}

static void
destroy_disks_and_complete (FerryRelay      *self,
                            FerryConnection *connection,
                            GPtrArray       *disks)
{
  self->pending = 1;
  for (guint i = 0; disks != NULL && i < disks->len; i++)
    {
      self->pending++;
      ferry_connection_call_async (connection, "VDI.destroy",
                                   g_variant_new ("(s)", ((Disk *) g_ptr_array_index (disks, i))->vdi_ref),
                                   FERRY_CALL_NONE, NULL, on_disk_destroyed_cb, g_object_ref (self));
    }
  if (--self->pending == 0)
    complete (self, g_steal_pointer (&self->error));
}

static void
cleanup_disks_read (FerryRelay *self,
                    GPtrArray  *disks,
                    GError     *error)
{
  /* VM.destroy keeps the disks: they go after it. */
  ferry_connection_call_async (self->dst, "VM.destroy", g_variant_new ("(s)", self->dst_vm_ref),
                               FERRY_CALL_NONE, NULL, on_ignored_cb, NULL);
  g_clear_pointer (&self->dst_vm_ref, g_free);
  destroy_disks_and_complete (self, self->dst, disks);
}

static void
on_cleanup_record_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_clear_pointer (&self->dst_vm_ref, g_free);
      complete (self, g_steal_pointer (&self->error));
      return;
    }
  read_disks (self, self->dst, json_node_get_object (node), cleanup_disks_read);
}

static void
cleanup_destination (FerryRelay *self)
{
  if (self->dst_vm_ref == NULL)
    {
      complete (self, g_steal_pointer (&self->error));
      return;
    }
  set_phase (self, _("Removing the incomplete copy from the destination"));
  /* Never cancelled: the destination must be cleaned. */
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  ferry_connection_call_async (self->dst, "VM.get_record", g_variant_new ("(s)", self->dst_vm_ref),
                               FERRY_CALL_IDEMPOTENT, NULL, on_cleanup_record_cb, g_object_ref (self));
}

static void
on_leftover_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, NULL);

  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_free (self->dst_vm_ref);
      self->dst_vm_ref = g_strdup (json_node_get_string (node));
    }
  cleanup_destination (self);
}

/* A move keeps the UUID: a VM with it on the destination is ours. */
static void
find_leftover (FerryRelay *self)
{
  const char *uuid = json_string (self->vm_record, "uuid");

  if (self->dst_vm_ref != NULL || !self->move || uuid == NULL)
    {
      cleanup_destination (self);
      return;
    }
  ferry_connection_call_async (self->dst, "VM.get_by_uuid", g_variant_new ("(s)", uuid),
                               FERRY_CALL_IDEMPOTENT, NULL, on_leftover_cb, g_object_ref (self));
}

static GError *
task_error (JsonObject *record)
{
  JsonArray *info = record && json_object_has_member (record, "error_info")
                  ? json_object_get_array_member (record, "error_info") : NULL;
  g_autoptr(GPtrArray) params = g_ptr_array_new ();

  if (g_strcmp0 (json_string (record, "status"), "failure") != 0 &&
      g_strcmp0 (json_string (record, "status"), "cancelled") != 0)
    return NULL;
  if (info == NULL || json_array_get_length (info) == 0)
    return ferry_xapi_error_new ("INTERNAL_ERROR", NULL);
  for (guint i = 1; i < json_array_get_length (info); i++)
    g_ptr_array_add (params, (gpointer) json_array_get_string_element (info, i));
  g_ptr_array_add (params, NULL);
  return ferry_xapi_error_new (json_array_get_string_element (info, 0), (const char * const *) params->pdata);
}

/* The most telling error: the import's (a bad block), else the export's
 * (the source stopped), else what this computer saw. */
static gboolean
is_substantive (const GError *error)
{
  return error != NULL && error->domain == FERRY_XAPI_ERROR &&
         !ferry_xapi_error_has_name (error, "IMPORT_ERROR_PREMATURE_EOF") &&
         !ferry_xapi_error_has_name (error, "TASK_CANCELLED");
}

static void
take_task_error (FerryRelay *self,
                 JsonNode   *node)
{
  GError *error = node && JSON_NODE_HOLDS_OBJECT (node) ? task_error (json_node_get_object (node)) : NULL;

  if (is_substantive (error) && !g_error_matches (self->error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !is_substantive (self->error))
    {
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
    }
  g_clear_error (&error);
}

static void
on_export_record_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, NULL);

  take_task_error (self, node);
  find_leftover (self);
}

static void
on_import_record_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, NULL);

  take_task_error (self, node);
  if (self->export_task != NULL)
    ferry_connection_call_async (self->src, "task.get_record", g_variant_new ("(s)", self->export_task),
                                 FERRY_CALL_IDEMPOTENT, NULL, on_export_record_cb, g_object_ref (self));
  else
    find_leftover (self);
}

static void
fail (FerryRelay *self,
      GError     *error)
{
  if (self->failing || self->task == NULL || self->committed)
    {
      g_error_free (error);
      return;
    }
  self->failing = TRUE;
  self->watching = FALSE;
  g_debug ("Relay of %s failed: %s", self->vm_ref, error->message);
  g_clear_error (&self->error);
  self->error = error;
  set_phase (self, _("Stopping both tasks"));

  /* Stop the streams, then both tasks; the source is never touched. */
  g_cancellable_cancel (self->cancellable);
  if (self->export_task != NULL)
    ferry_connection_call_async (self->src, "task.cancel", g_variant_new ("(s)", self->export_task),
                                 FERRY_CALL_NONE, NULL, on_ignored_cb, NULL);
  if (self->import_task != NULL)
    {
      ferry_connection_call_async (self->dst, "task.cancel", g_variant_new ("(s)", self->import_task),
                                   FERRY_CALL_NONE, NULL, on_ignored_cb, NULL);
      ferry_connection_call_async (self->dst, "task.get_record", g_variant_new ("(s)", self->import_task),
                                   FERRY_CALL_IDEMPOTENT, NULL, on_import_record_cb, g_object_ref (self));
      return;
    }
  find_leftover (self);
}

/* Nothing moved for @seconds: say which pool stood still, then clean up
 * as after any failure (both tasks cancelled, the copy removed). */
static void
stalled (FerryRelay *self,
         guint       seconds)
{
  gboolean destination = self->uploaded ||
                         (self->upload != NULL && _ferry_relay_upload_is_waiting_for_server (self->upload));
  FerryConnection *side = destination ? self->dst : self->src;
  const char *address = ferry_connection_get_master_address (side);
  g_autofree char *what = NULL;

  g_debug ("Relay of %s: nothing moved for %u s, waiting for the %s", self->vm_ref, seconds,
           destination ? "destination" : "source");
  if (destination)
    what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The destination pool (%s) made no progress for %u second while the VM "
                                         "was being copied through this computer.",
                                         "The destination pool (%s) made no progress for %u seconds while the VM "
                                         "was being copied through this computer.", seconds),
                            address, seconds);
  else
    what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The source pool (%s) sent nothing for %u second while the VM "
                                         "was being copied through this computer.",
                                         "The source pool (%s) sent nothing for %u seconds while the VM "
                                         "was being copied through this computer.", seconds),
                            address, seconds);
  self->lost = side;
  fail (self, g_error_new_literal (FERRY_RELAY_ERROR, FERRY_RELAY_ERROR_STALLED, what));
}

/* Success: verify, then (a move) remove the source. */

static void
on_source_destroyed_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  if (node == NULL)
    {
      /* The copy is verified and stays: say what is left. */
      g_autoptr(GError) left = g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL,
                                            _("The VM was copied and verified, but the source could not be "
                                              "removed: %s. Remove it by hand."), error->message);

      complete (self, g_steal_pointer (&left));
      return;
    }
  g_clear_error (&self->error);
  destroy_disks_and_complete (self, self->src, self->src_disks);
}

static void
finish_verified (FerryRelay *self)
{
  if (!self->move)
    {
      complete (self, NULL);
      return;
    }
  /* The point of no return: a cancel or a failure from here on would
   * remove the verified copy while the source goes. */
  self->committed = TRUE;
  set_phase (self, _("Verified; removing the VM from the source"));
  ferry_connection_call_async (self->src, "VM.destroy", g_variant_new ("(s)", self->vm_ref),
                               FERRY_CALL_NONE, NULL, on_source_destroyed_cb, g_object_ref (self));
}

/* The plan's networks (ferry_relay_set_vif_network()): the import put each
 * VIF on a network of its own choosing. */

/* One VIF done (or failed); the last one goes on. */
static void
vif_done (FerryRelay *self,
          GError     *error)
{
  if (self->task == NULL || self->failing)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL && self->error == NULL)
    self->error = error;
  else
    g_clear_error (&error);
  if (--self->pending > 0)
    return;
  if (self->error != NULL)
    {
      fail (self, g_steal_pointer (&self->error));
      return;
    }
  finish_verified (self);
}

static void
on_vif_moved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  GError *error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  vif_done (self, error);
}

typedef struct
{
  FerryRelay *self;
  char       *vif_ref;
} VifCall;

static void
on_dst_vif_record_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  VifCall *call = user_data;
  g_autoptr(FerryRelay) self = call->self;
  g_autofree char *vif_ref = call->vif_ref;
  GError *error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  JsonObject *record = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *device = json_string (record, "device");
  const char *wanted = device ? g_hash_table_lookup (self->vif_networks, device) : NULL;

  g_free (call);
  if (record != NULL && wanted != NULL && g_strcmp0 (wanted, json_string (record, "network")) != 0 &&
      self->task != NULL && !self->failing)
    {
      g_debug ("Relay of %s: VIF %s to network %s", self->vm_ref, device, wanted);
      ferry_connection_call_async (self->dst, "VIF.move", g_variant_new ("(ss)", vif_ref, wanted),
                                   FERRY_CALL_NONE, self->cancellable, on_vif_moved_cb, g_object_ref (self));
      return;
    }
  vif_done (self, error);
}

static void
map_networks (FerryRelay *self)
{
  JsonArray *vifs = self->dst_vm_record && json_object_has_member (self->dst_vm_record, "VIFs")
                  ? json_object_get_array_member (self->dst_vm_record, "VIFs") : NULL;

  if (self->vif_networks == NULL || vifs == NULL || json_array_get_length (vifs) == 0)
    {
      finish_verified (self);
      return;
    }
  set_phase (self, _("Connecting the VM to its networks on the destination"));
  self->pending = json_array_get_length (vifs);
  for (guint i = 0; i < json_array_get_length (vifs); i++)
    {
      VifCall *call = g_new0 (VifCall, 1);

      call->self = g_object_ref (self);
      call->vif_ref = g_strdup (json_array_get_string_element (vifs, i));
      ferry_connection_call_async (self->dst, "VIF.get_record", g_variant_new ("(s)", call->vif_ref),
                                   FERRY_CALL_IDEMPOTENT, self->cancellable, on_dst_vif_record_cb, call);
    }
}

static void
dst_disks_read (FerryRelay *self,
                GPtrArray  *disks,
                GError     *error)
{
  guint matched = 0;

  if (error != NULL)
    {
      fail (self, g_error_copy (error));
      return;
    }
  self->dst_disks = g_ptr_array_ref (disks);

  /* Every source disk has its copy of the same size, at the same position. */
  for (guint i = 0; i < self->src_disks->len; i++)
    {
      Disk *s = g_ptr_array_index (self->src_disks, i);

      for (guint j = 0; j < disks->len; j++)
        {
          Disk *d = g_ptr_array_index (disks, j);

          if (g_strcmp0 (s->userdevice, d->userdevice) == 0 && s->virtual_size == d->virtual_size)
            {
              matched++;
              break;
            }
        }
    }
  if (matched != self->src_disks->len || disks->len != self->src_disks->len ||
      g_strcmp0 (json_string (self->vm_record, "name_label"), json_string (self->dst_vm_record, "name_label")) != 0 ||
      json_int (self->vm_record, "memory_static_max") != json_int (self->dst_vm_record, "memory_static_max") ||
      json_int (self->vm_record, "VCPUs_max") != json_int (self->dst_vm_record, "VCPUs_max"))
    {
      fail (self, g_error_new (FERRY_RELAY_ERROR, FERRY_RELAY_ERROR_MISMATCH,
                               _("The copy on the destination does not match the source (%u of %u disks match); "
                                 "it was removed and the source left as it was"),
                               matched, self->src_disks->len));
      return;
    }

  map_networks (self);
}

static void
on_dst_record_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (self, error ? g_steal_pointer (&error)
                        : g_error_new_literal (FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL, _("The imported VM is not there")));
      return;
    }
  self->dst_vm_record = json_object_ref (json_node_get_object (node));
  read_disks (self, self->dst, self->dst_vm_record, dst_disks_read);
}

/* The import is done: read what it made (self->dst_vm_ref). */
static void
verify_copy (FerryRelay *self)
{
  /* From here on each step is one call, bounded by its timeout. */
  self->watching = FALSE;
  set_phase (self, _("Verifying the copy on the destination"));
  ferry_connection_call_async (self->dst, "VM.get_record", g_variant_new ("(s)", self->dst_vm_ref),
                               FERRY_CALL_IDEMPOTENT, self->cancellable, on_dst_record_cb, g_object_ref (self));
}

/* The ref in a text. */
static char *
parse_vm_ref (const char *result)
{
  const char *start = result ? strstr (result, "OpaqueRef:") : NULL;
  const char *end;

  if (start == NULL)
    return NULL;
  end = start + strlen ("OpaqueRef:");
  while (g_ascii_isxdigit (*end) || *end == '-')
    end++;
  return g_strndup (start, end - start);
}

static void
on_import_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_task_follower_wait_finish (FERRY_TASK_FOLLOWER (object), result, &error);

  if (self->task == NULL || self->failing)
    return;
  if (node == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  /* The result, parsed from XML-RPC: a set of VM refs (the VM, no snapshots). */
  if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) > 0)
    self->dst_vm_ref = parse_vm_ref (json_array_get_string_element (json_node_get_array (node), 0));
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    self->dst_vm_ref = parse_vm_ref (json_node_get_string (node));
  if (self->dst_vm_ref == NULL)
    {
      fail (self, g_error_new_literal (FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL,
                                       _("The import ended without naming the new VM")));
      return;
    }
  verify_copy (self);
}

static void
on_import_record_now_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, NULL);
  JsonObject *record = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  if (self->task == NULL || self->failing)
    return;
  if (g_strcmp0 (json_string (record, "status"), "success") == 0)
    {
      self->dst_vm_ref = parse_vm_ref (json_string (record, "result"));
      if (self->dst_vm_ref != NULL)
        {
          verify_copy (self);
          return;
        }
    }
  ferry_task_follower_wait_async (self->import_follower, self->cancellable, on_import_done_cb, g_object_ref (self));
}

static void
on_import_sent_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  guint status = 0;

  if (self->task == NULL || self->failing)
    return;
  if (!_ferry_relay_upload_run_finish (FERRY_RELAY_UPLOAD (object), result, &status, &reason, &error))
    {
      self->lost = _ferry_relay_upload_get_body_failed (FERRY_RELAY_UPLOAD (object)) ? self->src : self->dst;
      fail (self, g_steal_pointer (&error));
      return;
    }
  self->uploaded = TRUE;
  on_tick_cb (self);
  /* No answer at all: the import task tells. */
  if (status != 0 && status != SOUP_STATUS_OK)
    {
      fail (self, g_error_new (FERRY_RELAY_ERROR, FERRY_RELAY_ERROR_REFUSED,
                               _("The destination refused the import: HTTP %u %s"), status, reason ? reason : ""));
      return;
    }
  set_phase (self, _("Waiting for the destination to finish the import"));
  /* Usually finished by now: read it at once rather than at the next poll. */
  ferry_connection_call_async (self->dst, "task.get_record", g_variant_new ("(s)", self->import_task),
                               FERRY_CALL_IDEMPOTENT, self->cancellable, on_import_record_now_cb,
                               g_object_ref (self));
}

static gboolean
on_accept_certificate_cb (SoupMessage          *msg,
                          GTlsCertificate      *certificate,
                          GTlsCertificateFlags  errors,
                          FerryConnection      *connection)
{
  FerryTrustStore *store = ferry_connection_get_trust_store (connection);

  /* The same pin as the connection's calls (R11). */
  return store != NULL &&
         ferry_trust_store_check (store, ferry_connection_get_master_address (connection), certificate, NULL);
}

static SoupMessage *
new_message (FerryConnection *connection,
             const char      *method,
             const char      *path,
             const char      *query)
{
  g_autofree char *uri = g_strdup_printf ("%s://%s%s?%s",
                                          ferry_connection_get_transport (connection) == FERRY_TRANSPORT_HTTP ? "http" : "https",
                                          ferry_connection_get_master_address (connection), path, query);
  SoupMessage *msg = soup_message_new (method, uri);

  if (msg != NULL)
    g_signal_connect_object (msg, "accept-certificate", G_CALLBACK (on_accept_certificate_cb), connection, 0);
  return msg;
}

static void
start_import (FerryRelay   *self,
              GInputStream *export_body)
{
  g_autofree char *query = NULL;
  g_autofree char *path = NULL;
  g_autofree char *session = g_uri_escape_string (_ferry_connection_get_session_ref (self->dst), NULL, TRUE);
  g_autofree char *sr = g_uri_escape_string (self->sr_ref, NULL, TRUE);
  g_autofree char *task = g_uri_escape_string (self->import_task, NULL, TRUE);

  /* A move keeps the VM's identity (restore=true, as xe vm-import preserve=true). */
  query = g_strdup_printf ("session_id=%s&sr_id=%s&task_id=%s%s", session, sr, task, self->move ? "&restore=true" : "");
  path = g_strdup_printf ("/import?%s", query);
  /* Not libsoup: it would send the body chunked, which xapi refuses
   * (ferry-relay-upload-private.h). */
  self->upload = _ferry_relay_upload_new (self->dst, path, export_body);

  self->import_follower = ferry_task_follower_new (self->dst, self->import_task);
  ferry_task_follower_set_destroy_when_done (self->import_follower, FALSE);

  set_phase (self, _("Copying through this computer"));
  _ferry_relay_upload_run_async (self->upload, self->cancellable, on_import_sent_cb, g_object_ref (self));
}

static void
on_export_sent_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) body = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  guint status;

  if (self->task == NULL || self->failing)
    return;
  if (body == NULL)
    {
      self->lost = self->src;
      fail (self, g_steal_pointer (&error));
      return;
    }
  status = soup_message_get_status (self->export_msg);
  if (status != SOUP_STATUS_OK)
    {
      /* The export task says why (fail() reads it). */
      fail (self, g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL,
                               _("The source refused the export: HTTP %u %s"), status,
                               soup_message_get_reason_phrase (self->export_msg)));
      return;
    }
  start_import (self, body);
}

static void
start_export (FerryRelay *self)
{
  g_autofree char *query = NULL;
  g_autofree char *session = g_uri_escape_string (_ferry_connection_get_session_ref (self->src), NULL, TRUE);
  g_autofree char *vm = g_uri_escape_string (self->vm_ref, NULL, TRUE);
  g_autofree char *task = g_uri_escape_string (self->export_task, NULL, TRUE);

  query = g_strdup_printf ("session_id=%s&ref=%s&task_id=%s&use_compression=%s", session, vm, task,
                           self->compress ? "gzip" : "false");
  self->export_msg = new_message (self->src, SOUP_METHOD_GET, "/export", query);
  if (self->export_msg == NULL)
    {
      fail (self, g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL, _("Bad address %s"),
                               ferry_connection_get_master_address (self->src)));
      return;
    }
  set_phase (self, _("Starting the export"));
  /* Its progress tells that the source works, even when it sends little. */
  self->export_follower = ferry_task_follower_new (self->src, self->export_task);
  ferry_task_follower_set_destroy_when_done (self->export_follower, FALSE);
  self->tick_time = self->last_activity = g_get_monotonic_time ();
  self->watching = TRUE;
  self->tick_id = g_timeout_add (TICK_MS, on_tick_cb, self);
  soup_session_send_async (self->session, self->export_msg, G_PRIORITY_DEFAULT, self->cancellable,
                           on_export_sent_cb, g_object_ref (self));
}

static void
on_task_created_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  gboolean source = FERRY_CONNECTION (object) == self->src;

  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      char **field = source ? &self->export_task : &self->import_task;

      *field = g_strdup (json_node_get_string (node));
      g_object_notify_by_pspec (G_OBJECT (self), properties [source ? PROP_EXPORT_TASK : PROP_IMPORT_TASK]);
    }
  else if (self->error == NULL)
    self->error = error ? g_steal_pointer (&error)
                        : g_error_new_literal (FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL, _("task.create failed"));

  if (--self->pending > 0 || self->task == NULL)
    return;
  if (self->error != NULL)
    {
      fail (self, g_steal_pointer (&self->error));
      return;
    }
  start_export (self);
}

static void
create_tasks (FerryRelay *self)
{
  g_autofree char *label = g_strdup_printf ("Ferry relay of %s", json_string (self->vm_record, "name_label"));

  set_phase (self, _("Creating the export and import tasks"));
  self->pending = 2;
  ferry_connection_call_async (self->src, "task.create", g_variant_new ("(ss)", label, "export"),
                               FERRY_CALL_NONE, self->cancellable, on_task_created_cb, g_object_ref (self));
  ferry_connection_call_async (self->dst, "task.create", g_variant_new ("(ss)", label, "import"),
                               FERRY_CALL_NONE, self->cancellable, on_task_created_cb, g_object_ref (self));
}

static void
src_disks_read (FerryRelay *self,
                GPtrArray  *disks,
                GError     *error)
{
  if (error != NULL)
    {
      fail (self, g_error_copy (error));
      return;
    }
  self->src_disks = g_ptr_array_ref (disks);
  self->total = 0;
  for (guint i = 0; i < disks->len; i++)
    {
      Disk *disk = g_ptr_array_index (disks, i);

      /* What the export sends: the written blocks (and the first and last). */
      self->total += (guint64) CLAMP (disk->physical, 0, disk->virtual_size) + 2 * 1024 * 1024;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TOTAL_BYTES]);
  create_tasks (self);
}

static void
on_vm_record_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FerryRelay) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  const char *power;

  if (self->task == NULL)
    return;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (self, error ? g_steal_pointer (&error)
                        : g_error_new_literal (FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL, _("No such VM")));
      return;
    }
  self->vm_record = json_object_ref (json_node_get_object (node));
  power = json_string (self->vm_record, "power_state");
  /* A suspended VM's memory image would not come along: halted only. */
  if (g_strcmp0 (power, "Halted") != 0)
    {
      fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("%s is %s: only a halted VM can move through this computer. Shut it down first."),
                               json_string (self->vm_record, "name_label"), power ? power : "?"));
      return;
    }
  read_disks (self, self->src, self->vm_record, src_disks_read);
}

static void
on_cancelled_cb (GCancellable *cancellable,
                 FerryRelay   *self)
{
  /* From any thread: continue on the relay's context. */
  g_cancellable_cancel (self->cancellable);
}

void
ferry_relay_cancel (FerryRelay *self)
{
  g_return_if_fail (FERRY_IS_RELAY (self));

  if (self->committed)
    {
      g_debug ("Relay of %s: too late to cancel, the copy is verified and the source going", self->vm_ref);
      return;
    }
  if (self->task != NULL)
    fail (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
}

void
ferry_relay_run_async (FerryRelay          *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FERRY_IS_RELAY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_relay_run_async);

  if (self->task != NULL || self->dst_vm_ref != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, _("The relay already ran"));
      return;
    }
  if (_ferry_connection_get_session_ref (self->src) == NULL || _ferry_connection_get_session_ref (self->dst) == NULL)
    {
      g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NOT_CONNECTED,
                               _("Ferry must be connected to both pools"));
      return;
    }

  self->task = g_steal_pointer (&task);
  self->failing = FALSE;
  self->uploaded = FALSE;
  self->committed = FALSE;
  self->cleanup_failed = FALSE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      self->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled_cb), self, NULL);
      g_signal_connect_object (self->cancellable, "cancelled", G_CALLBACK (ferry_relay_cancel), self, G_CONNECT_SWAPPED);
    }
  self->session = soup_session_new_with_options ("timeout", 0, "idle-timeout", 60, NULL);

  set_phase (self, _("Reading the VM"));
  ferry_connection_call_async (self->src, "VM.get_record", g_variant_new ("(s)", self->vm_ref),
                               FERRY_CALL_IDEMPOTENT, self->cancellable, on_vm_record_cb, g_object_ref (self));
}

char *
ferry_relay_run_finish (FerryRelay    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (FERRY_IS_RELAY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
