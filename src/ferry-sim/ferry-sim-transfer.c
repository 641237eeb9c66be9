/* ferry-sim-transfer.c: GET /export and PUT /import, streaming XVA
 * (export.ml, import.ml, stream_vdi.ml), as tasks with progress and cancel
 *
 * An export writes one tar entry per "wrote-chunk": the next block is made
 * only once the last one left, so a slow reader slows the export and the
 * memory stays one block. An import parses the body as it arrives
 * ("got-chunk", not accumulated) and checks every byte (ferry-sim-xva.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-transfer"

#include "config.h"

#include <string.h>

#include "ferry-sim-checks.h"
#include "ferry-sim-error.h"
#include "ferry-sim-faults.h"
#include "ferry-sim-lifecycle.h"
#include "ferry-sim-ops.h"
#include "ferry-sim-rpc-private.h"
#include "ferry-sim-transfer.h"
#include "ferry-sim-world.h"
#include "ferry-sim-xva.h"

typedef struct
{
  gatomicrefcount    ref_count;
  FerrySimPool      *pool;
  SoupServerMessage *msg;      /* unowned: it owns us (else NULL) */
  GIOStream         *raw;      /* an import without Content-Length: the stolen connection */
  char              *task_ref;
  char              *vm_ref;   /* export: the VM */
  GCancellable      *cancellable;
  gboolean           done;     /* the task is finished */

  FerrySimXvaWriter *writer;
  GConverter        *gzip;
  gboolean           writer_done;

  FerrySimXvaReader *reader;
  double             last_progress;

  /* A stall_transfer fault: nothing moves until the task is cancelled. */
  gboolean           stalled;
  GSource           *stall_poll;
  GDestroyNotify     stall_free;     /* frees what owns the transfer (a raw import) */
  gpointer           stall_data;
} Transfer;

G_LOCK_DEFINE_STATIC (transfers);
static GHashTable *transfers;  /* task ref → Transfer */

static void
transfer_free (Transfer *transfer)
{
  G_LOCK (transfers);
  if (transfers != NULL && g_hash_table_lookup (transfers, transfer->task_ref) == transfer)
    g_hash_table_remove (transfers, transfer->task_ref);
  G_UNLOCK (transfers);
  _ferry_sim_source_clear (&transfer->stall_poll);
  ferry_sim_xva_writer_free (transfer->writer);
  ferry_sim_xva_reader_free (transfer->reader);
  g_clear_object (&transfer->gzip);
  if (transfer->raw != NULL)
    g_io_stream_close (transfer->raw, NULL, NULL);
  g_clear_object (&transfer->raw);
  g_clear_object (&transfer->cancellable);
  g_clear_object (&transfer->pool);
  g_free (transfer->task_ref);
  g_free (transfer->vm_ref);
  g_free (transfer);
}

gboolean
ferry_sim_transfer_is_path (const char *path)
{
  return g_strcmp0 (path, "/export") == 0 || g_strcmp0 (path, "/import") == 0;
}

gboolean
_ferry_sim_transfer_cancel (const char *task_ref)
{
  Transfer *transfer;

  G_LOCK (transfers);
  transfer = transfers ? g_hash_table_lookup (transfers, task_ref) : NULL;
  if (transfer != NULL)
    g_cancellable_cancel (transfer->cancellable);
  G_UNLOCK (transfers);
  return transfer != NULL;
}

static void
close_connection (Transfer *transfer)
{
  GSocket *socket = transfer->msg ? soup_server_message_get_socket (transfer->msg) : NULL;

  if (transfer->raw != NULL)
    g_io_stream_close (transfer->raw, NULL, NULL);
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

/* A dropped link: every connection to the pool's master closes (its
 * clients reconnect), as when a firewall cuts the source off. */
typedef struct
{
  GWeakRef  world;
  char     *host_ref;
} Drop;

static gboolean
drop_cb (gpointer data)
{
  Drop *drop = data;
  g_autoptr(FerrySimWorld) world = g_weak_ref_get (&drop->world);

  if (world != NULL)
    ferry_sim_world_drop_connections (world, drop->host_ref, 0);
  return G_SOURCE_REMOVE;
}

static void
drop_free (gpointer data)
{
  Drop *drop = data;

  g_weak_ref_clear (&drop->world);
  g_free (drop->host_ref);
  g_free (drop);
}

static void
drop_connections (Transfer *transfer)
{
  FerrySimRow *master = ferry_sim_pool_get_master (transfer->pool);
  FerrySimWorld *world = ferry_sim_pool_get_world (transfer->pool);
  Drop *drop;

  close_connection (transfer);
  if (world == NULL || master == NULL)
    return;
  drop = g_new0 (Drop, 1);
  g_weak_ref_init (&drop->world, world);
  drop->host_ref = g_strdup (master->ref);
  _ferry_sim_idle_add (drop_cb, drop, drop_free);
}

static void
finish_task (Transfer     *transfer,
             const char   *result,
             const GError *error)
{
  FerrySimDb *db = ferry_sim_pool_get_db (transfer->pool);

  if (transfer->done)
    return;
  transfer->done = TRUE;
  if (transfer->vm_ref != NULL)
    ferry_sim_ops_remove_operation (db, transfer->vm_ref, transfer->task_ref);
  ferry_sim_ops_task_finish (db, transfer->task_ref, result, error);
}

static void
set_progress (Transfer *transfer,
              double    progress)
{
  if (progress - transfer->last_progress < 0.01 || progress >= 1.0)
    return;
  transfer->last_progress = progress;
  ferry_sim_ops_task_set_progress (ferry_sim_pool_get_db (transfer->pool), transfer->task_ref, progress);
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const GError      *error)
{
  g_auto(GStrv) description = ferry_sim_failure_description (error);
  g_autofree char *text = g_strjoinv (" ", description);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
}

/* session_id, then the task (task_id, or a new one). NULL with the HTTP
 * status to answer, and for a bad task_id its error. */
static Transfer *
transfer_new (FerrySimPool  *pool,
              GHashTable    *query,
              const char    *name,
              guint         *status,
              GError       **error)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  const char *session = query ? g_hash_table_lookup (query, "session_id") : NULL;
  const char *task_id = query ? g_hash_table_lookup (query, "task_id") : NULL;
  FerrySimRow *task = task_id ? ferry_sim_db_lookup_in (db, "task", task_id) : NULL;
  Transfer *transfer;

  /* Xapi_http.assert_credentials_ok: HTTP 401 without a valid session. */
  if (session == NULL || ferry_sim_db_lookup_in (db, "session", session) == NULL)
    {
      *status = SOUP_STATUS_UNAUTHORIZED;
      return NULL;
    }
  if (task_id != NULL && (task == NULL || g_strcmp0 (ferry_sim_row_get_string (task, "status"), "pending") != 0))
    {
      *status = SOUP_STATUS_BAD_REQUEST;
      g_propagate_error (error, ferry_sim_failure_new ("HANDLE_INVALID", "task", task_id, NULL));
      return NULL;
    }
  if (task == NULL)
    task = ferry_sim_ops_task_create (db, name, NULL);

  transfer = g_new0 (Transfer, 1);
  g_atomic_ref_count_init (&transfer->ref_count);
  transfer->pool = g_object_ref (pool);
  transfer->task_ref = g_strdup (task->ref);
  transfer->cancellable = g_cancellable_new ();
  ferry_sim_ops_task_set_progress (db, task->ref, 0.0);
  ferry_sim_ops_task_set_cancellable (db, task->ref, TRUE);

  G_LOCK (transfers);
  if (transfers == NULL)
    transfers = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_replace (transfers, transfer->task_ref, transfer);
  G_UNLOCK (transfers);
  return transfer;
}

/* The same, for a request libsoup serves; it answers a refusal. */
static Transfer *
transfer_new_for_message (FerrySimPool      *pool,
                          SoupServerMessage *msg,
                          GHashTable        *query,
                          const char        *name)
{
  g_autoptr(GError) error = NULL;
  guint status = 0;
  Transfer *transfer = transfer_new (pool, query, name, &status, &error);

  if (transfer == NULL)
    {
      if (error != NULL)
        reply_error (msg, status, error);
      else
        soup_server_message_set_status (msg, status, NULL);
      return NULL;
    }
  transfer->msg = msg;
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "task-id", transfer->task_ref);
  g_object_set_data_full (G_OBJECT (msg), "ferry-sim-transfer", transfer, (GDestroyNotify) transfer_free);
  return transfer;
}

static gboolean
check_cancelled (Transfer *transfer)
{
  g_autoptr(GError) error = NULL;

  if (!g_cancellable_is_cancelled (transfer->cancellable) || transfer->done)
    return transfer->done;
  error = ferry_sim_failure_new ("TASK_CANCELLED", transfer->task_ref, NULL);
  if (transfer->reader != NULL)
    ferry_sim_xva_reader_abort (transfer->reader);
  finish_task (transfer, NULL, error);
  close_connection (transfer);
  return TRUE;
}

/* A stalled transfer (README.md §9, stall_transfer) neither sends nor reads,
 * as a hung xapi or a link that silently drops packets: its connection
 * stays open and its task pending until task.cancel, which then ends it as
 * any cancel does. Polled: a stalled transfer has no I/O to wake it. */
#define STALL_POLL_MS 50

static gboolean
on_stall_poll_cb (gpointer data)
{
  Transfer *transfer = data;

  if (!g_cancellable_is_cancelled (transfer->cancellable))
    return G_SOURCE_CONTINUE;
  g_debug ("Stalled transfer %s: cancelled", transfer->task_ref);
  check_cancelled (transfer);
  if (transfer->msg != NULL)
    {
      /* libsoup waits for the rest of the body: end it, on the closed
       * connection, so that the message (and the transfer) finishes. */
      g_clear_pointer (&transfer->stall_poll, g_source_unref);
      soup_message_body_complete (soup_server_message_get_response_body (transfer->msg));
      soup_server_message_unpause (transfer->msg);
      return G_SOURCE_REMOVE;
    }
  g_clear_pointer (&transfer->stall_poll, g_source_unref);
  if (transfer->stall_free != NULL)
    transfer->stall_free (transfer->stall_data);
  return G_SOURCE_REMOVE;
}

/* TRUE when a stall_transfer fault stops the transfer here. */
static gboolean
maybe_stall (Transfer *transfer,
             gboolean  import,
             double    progress)
{
  FerrySimWorld *world = ferry_sim_pool_get_world (transfer->pool);
  const char *vm_ref = import ? ferry_sim_xva_reader_get_vm_ref (transfer->reader) : transfer->vm_ref;

  if (transfer->stalled)
    return TRUE;
  if (world == NULL || !ferry_sim_faults_check_stall (world, transfer->pool, vm_ref, import, progress))
    return FALSE;
  g_debug ("Transfer %s stalls at %.0f%%", transfer->task_ref, progress * 100);
  transfer->stalled = TRUE;
  transfer->stall_poll = _ferry_sim_timeout_add (STALL_POLL_MS, on_stall_poll_cb, transfer, NULL);
  return TRUE;
}

/* Export -------------------------------------------------------------------- */

static void
export_next (Transfer *transfer)
{
  SoupMessageBody *body = soup_server_message_get_response_body (transfer->msg);
  FerrySimWorld *world = ferry_sim_pool_get_world (transfer->pool);
  g_autoptr(GByteArray) piece = g_byte_array_new ();
  gint64 total = ferry_sim_xva_writer_get_total (transfer->writer);
  double progress = total > 0 ? (double) ferry_sim_xva_writer_get_done (transfer->writer) / total : 1.0;
  gboolean corrupt = FALSE, drop = FALSE;

  if (check_cancelled (transfer))
    return;

  if (world != NULL)
    ferry_sim_faults_check_transfer (world, transfer->pool, transfer->vm_ref, progress, &corrupt, &drop);
  if (drop)
    {
      g_autoptr(GError) error = ferry_sim_failure_new ("CLIENT_ERROR", "Unix.Unix_error(Unix.EPIPE, \"write\", \"\")", NULL);

      finish_task (transfer, NULL, error);
      drop_connections (transfer);
      return;
    }
  if (corrupt)
    ferry_sim_xva_writer_corrupt_next (transfer->writer);
  set_progress (transfer, progress);
  if (maybe_stall (transfer, FALSE, progress))
    return;

  while (piece->len == 0 && !transfer->writer_done)
    {
      g_autoptr(GByteArray) raw = g_byte_array_new ();

      transfer->writer_done = !ferry_sim_xva_writer_next (transfer->writer, raw);
      if (transfer->gzip == NULL)
        {
          g_byte_array_append (piece, raw->data, raw->len);
          continue;
        }
      {
        gsize in_off = 0;

        for (;;)
          {
            guint8 out[64 * 1024];
            gsize read = 0, written = 0;
            GConverterResult result;

            result = g_converter_convert (transfer->gzip, raw->data + in_off, raw->len - in_off, out, sizeof out,
                                          transfer->writer_done ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                                          &read, &written, NULL);
            in_off += read;
            g_byte_array_append (piece, out, written);
            if (result == G_CONVERTER_ERROR || result == G_CONVERTER_FINISHED)
              break;
            if (in_off >= raw->len && !transfer->writer_done && written < sizeof out)
              break;
          }
      }
    }

  if (piece->len > 0)
    {
      gsize len = piece->len;

      soup_message_body_append (body, SOUP_MEMORY_TAKE, g_byte_array_free (g_steal_pointer (&piece), FALSE), len);
    }
  if (transfer->writer_done)
    soup_message_body_complete (body);
}

static void
on_export_wrote_chunk_cb (SoupServerMessage *msg,
                          Transfer          *transfer)
{
  if (!transfer->writer_done)
    export_next (transfer);
}

static void
on_export_wrote_body_cb (SoupServerMessage *msg,
                         Transfer          *transfer)
{
  ferry_sim_ops_task_set_progress (ferry_sim_pool_get_db (transfer->pool), transfer->task_ref, 1.0);
  finish_task (transfer, NULL, NULL);
}

static void
on_finished_cb (SoupServerMessage *msg,
                Transfer          *transfer)
{
  if (!transfer->done)
    {
      g_autoptr(GError) error = NULL;

      /* The client went away. */
      if (g_cancellable_is_cancelled (transfer->cancellable))
        error = ferry_sim_failure_new ("TASK_CANCELLED", transfer->task_ref, NULL);
      else if (transfer->reader != NULL)
        error = ferry_sim_failure_new ("IMPORT_ERROR_PREMATURE_EOF", NULL);
      else
        error = ferry_sim_failure_new ("CLIENT_ERROR", "Unix.Unix_error(Unix.EPIPE, \"write\", \"\")", NULL);
      if (transfer->reader != NULL)
        ferry_sim_xva_reader_abort (transfer->reader);
      finish_task (transfer, NULL, error);
    }
}

static void
handle_export (FerrySimPool      *pool,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  const char *uuid = g_hash_table_lookup (query, "uuid");
  const char *ref = g_hash_table_lookup (query, "ref");
  const char *compression = g_hash_table_lookup (query, "use_compression");
  FerrySimRow *vm = NULL;
  SoupMessageHeaders *headers;
  Transfer *transfer;
  const char *power;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (soup_server_message_get_method (msg), "GET"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  transfer = transfer_new_for_message (pool, msg, query, "VM.export");
  if (transfer == NULL)
    return;

  if (uuid != NULL)
    vm = ferry_sim_db_lookup_uuid (db, ferry_sim_schema_lookup_class ("VM"), uuid);
  else if (ref != NULL)
    vm = ferry_sim_db_lookup_in (db, "VM", ref);
  power = vm ? ferry_sim_row_get_string (vm, "power_state") : NULL;

  if (vm == NULL)
    error = ferry_sim_failure_new ("HANDLE_INVALID", "VM", uuid ? uuid : ref ? ref : "", NULL);
  else if (g_strcmp0 (power, "Halted") != 0 && g_strcmp0 (power, "Suspended") != 0)
    {
      g_autofree char *actual = g_ascii_strdown (power ? power : "", -1);

      error = ferry_sim_failure_new ("VM_BAD_POWER_STATE", vm->ref, "halted", actual, NULL);
    }
  else if (compression != NULL && g_ascii_strcasecmp (compression, "zstd") == 0)
    error = ferry_sim_failure_new ("VALUE_NOT_SUPPORTED", "use_compression", "zstd",
                                   "The simulator compresses exports with gzip only", NULL);
  else
    ferry_sim_ops_check_idle (vm, "VM", &error);
  if (error != NULL)
    {
      reply_error (msg, vm == NULL ? SOUP_STATUS_NOT_FOUND : SOUP_STATUS_INTERNAL_SERVER_ERROR, error);
      finish_task (transfer, NULL, error);
      return;
    }

  transfer->vm_ref = g_strdup (vm->ref);
  ferry_sim_ops_add_operation (db, vm, transfer->task_ref, "export");
  transfer->writer = ferry_sim_xva_writer_new (pool, vm);
  if (compression != NULL && (g_ascii_strcasecmp (compression, "gzip") == 0 || g_ascii_strcasecmp (compression, "true") == 0))
    transfer->gzip = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1));

  headers = soup_server_message_get_response_headers (msg);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, "application/octet-stream", NULL);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_export_wrote_chunk_cb), transfer);
  g_signal_connect (msg, "wrote-body", G_CALLBACK (on_export_wrote_body_cb), transfer);
  g_signal_connect (msg, "finished", G_CALLBACK (on_finished_cb), transfer);
  export_next (transfer);
}

/* Import -------------------------------------------------------------------- */

static void
import_failed (Transfer     *transfer,
               const GError *error)
{
  g_debug ("Import %s failed: %s", transfer->task_ref, error->message);
  ferry_sim_xva_reader_abort (transfer->reader);
  finish_task (transfer, NULL, error);
  /* xapi stops reading and closes the connection. */
  close_connection (transfer);
}

static void
on_import_got_chunk_cb (SoupServerMessage *msg,
                        GBytes            *chunk,
                        Transfer          *transfer)
{
  g_autoptr(GError) error = NULL;
  gsize length;
  const guint8 *data = g_bytes_get_data (chunk, &length);
  gint64 total;

  if (transfer->done || check_cancelled (transfer))
    return;
  if (!ferry_sim_xva_reader_feed (transfer->reader, data, length, &error))
    {
      import_failed (transfer, error);
      return;
    }
  total = ferry_sim_xva_reader_get_total (transfer->reader);
  if (total > 0)
    set_progress (transfer, (double) ferry_sim_xva_reader_get_verified (transfer->reader) / total);
}

/* The SR of an import: sr_id, sr_uuid, else the pool's default SR. */
static FerrySimRow *
import_sr (FerrySimPool  *pool,
           GHashTable    *query,
           GError       **error)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  const char *sr_id = query ? g_hash_table_lookup (query, "sr_id") : NULL;
  const char *sr_uuid = query ? g_hash_table_lookup (query, "sr_uuid") : NULL;
  FerrySimRow *sr = NULL;

  if (sr_id != NULL)
    sr = ferry_sim_db_lookup_in (db, "SR", sr_id);
  else if (sr_uuid != NULL)
    sr = ferry_sim_db_lookup_uuid (db, ferry_sim_schema_lookup_class ("SR"), sr_uuid);
  else
    {
      FerrySimRow *pool_row = ferry_sim_pool_get_pool_row (pool);

      sr = pool_row ? ferry_sim_follow (db, pool_row, "default_SR") : NULL;
      if (sr == NULL)
        {
          g_propagate_error (error, ferry_sim_failure_new ("DEFAULT_SR_NOT_FOUND", FERRY_SIM_NULL_REF, NULL));
          return NULL;
        }
    }
  if (sr == NULL)
    g_propagate_error (error, ferry_sim_failure_new ("HANDLE_INVALID", "SR", sr_id ? sr_id : sr_uuid, NULL));
  else if (g_strcmp0 (ferry_sim_row_get_string (sr, "content_type"), "iso") == 0)
    {
      g_propagate_error (error, ferry_sim_failure_new ("SR_OPERATION_NOT_SUPPORTED", sr->ref, NULL));
      return NULL;
    }
  return sr;
}

/* An import without Content-Length (README.md §12): as xapi's handler, on
 * the bare connection. A chunked body is refused; otherwise the answer's
 * head goes out at once, and the body is read to the end of the
 * connection. The task tells how it ended. */

typedef struct
{
  FerrySimPool *pool;
  GIOStream    *stream;
  GHashTable   *query;
  gboolean      chunked;
  Transfer     *transfer;
  guint8       *buffer;
  GString      *head;
} RawImport;

#define RAW_READ_SIZE (256 * 1024)

static void
raw_import_free (RawImport *raw)
{
  if (raw->transfer != NULL)
    transfer_free (raw->transfer);
  if (raw->stream != NULL)
    g_io_stream_close (raw->stream, NULL, NULL);
  g_clear_object (&raw->stream);
  g_clear_object (&raw->pool);
  g_clear_pointer (&raw->query, g_hash_table_unref);
  if (raw->head != NULL)
    g_string_free (raw->head, TRUE);
  g_free (raw->buffer);
  g_free (raw);
}

static void raw_import_read (RawImport *raw);

/* The end of an import's body: the task succeeds with the new VM, or
 * fails with the reader's error (also returned). */
static gboolean
complete_import (Transfer  *transfer,
                 GError   **error)
{
  FerrySimDb *db = ferry_sim_pool_get_db (transfer->pool);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *result = NULL;
  g_autofree char *verified = NULL;
  FerrySimRow *task, *vm;

  if (!ferry_sim_xva_reader_finish (transfer->reader, &local_error))
    {
      import_failed (transfer, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  vm = ferry_sim_db_lookup_in (db, "VM", ferry_sim_xva_reader_get_vm_ref (transfer->reader));
  if (vm != NULL)
    ferry_sim_lifecycle_refresh_vm (db, vm);
  task = ferry_sim_db_lookup_in (db, "task", transfer->task_ref);
  verified = g_strdup_printf ("%" G_GINT64_FORMAT, ferry_sim_xva_reader_get_verified (transfer->reader));
  if (task != NULL)
    ferry_sim_db_map_set (db, task, "other_config", "sim_verified_bytes", verified);
  result = g_strdup_printf ("<value><array><data><value>%s</value></data></array></value>",
                            ferry_sim_xva_reader_get_vm_ref (transfer->reader));
  ferry_sim_ops_task_set_progress (db, transfer->task_ref, 1.0);
  finish_task (transfer, result, NULL);
  return TRUE;
}

static void
raw_import_finish (RawImport *raw)
{
  complete_import (raw->transfer, NULL);
  raw_import_free (raw);
}

static void
on_raw_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RawImport *raw = user_data;
  Transfer *transfer = raw->transfer;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  gint64 total;

  if (check_cancelled (transfer) || transfer->done)
    {
      raw_import_free (raw);
      return;
    }
  if (n < 0)
    {
      /* The client went away: Unix errors and End_of_file alike. */
      g_autoptr(GError) eof = ferry_sim_failure_new ("IMPORT_ERROR_PREMATURE_EOF", NULL);

      g_debug ("Import %s: %s", transfer->task_ref, error->message);
      import_failed (transfer, eof);
      raw_import_free (raw);
      return;
    }
  if (n == 0)
    {
      raw_import_finish (raw);
      return;
    }
  if (!ferry_sim_xva_reader_feed (transfer->reader, raw->buffer, n, &error))
    {
      import_failed (transfer, error);
      raw_import_free (raw);
      return;
    }
  total = ferry_sim_xva_reader_get_total (transfer->reader);
  if (total > 0)
    set_progress (transfer, (double) ferry_sim_xva_reader_get_verified (transfer->reader) / total);
  /* Stream_vdi.recv_all stops at the end of the tar, not of the connection. */
  if (ferry_sim_xva_reader_is_complete (transfer->reader))
    raw_import_finish (raw);
  else if (total > 0 && maybe_stall (transfer, TRUE, (double) ferry_sim_xva_reader_get_verified (transfer->reader) / total))
    {
      /* No more reading: the client's writes back up. */
      transfer->stall_free = (GDestroyNotify) raw_import_free;
      transfer->stall_data = raw;
    }
  else
    raw_import_read (raw);
}

static void
raw_import_read (RawImport *raw)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (raw->stream), raw->buffer, RAW_READ_SIZE,
                             G_PRIORITY_DEFAULT, raw->transfer->cancellable, on_raw_read_cb, raw);
}

static void
on_raw_head_written_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  RawImport *raw = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error) ||
      raw->transfer == NULL || raw->transfer->reader == NULL)
    {
      if (raw->transfer != NULL && raw->transfer->reader != NULL)
        {
          g_autoptr(GError) eof = ferry_sim_failure_new ("IMPORT_ERROR_PREMATURE_EOF", NULL);

          import_failed (raw->transfer, eof);
        }
      raw_import_free (raw);
      return;
    }
  raw->buffer = g_malloc (RAW_READ_SIZE);
  raw_import_read (raw);
}

/* Writes the answer's head (and a refusal's text), then goes on. */
static void
raw_import_reply (RawImport    *raw,
                  guint         status,
                  const GError *error)
{
  g_autofree char *text = NULL;

  if (error != NULL)
    {
      g_auto(GStrv) description = ferry_sim_failure_description (error);

      text = g_strjoinv (" ", description);
    }
  raw->head = g_string_new (NULL);
  /* Http.http_200_ok ~keep_alive:false, and xapi's refusals. */
  g_string_append_printf (raw->head, "HTTP/1.1 %u %s\r\nConnection: close\r\n"
                          "Cache-Control: no-cache, no-store\r\n",
                          status, soup_status_get_phrase (status));
  if (raw->transfer != NULL)
    g_string_append_printf (raw->head, "task-id: %s\r\n", raw->transfer->task_ref);
  if (status == SOUP_STATUS_OK)
    g_string_append (raw->head, "Content-Type: application/octet-stream\r\n\r\n");
  else
    g_string_append_printf (raw->head, "Content-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%s",
                            text ? strlen (text) : 0, text ? text : "");
  g_output_stream_write_all_async (g_io_stream_get_output_stream (raw->stream), raw->head->str, raw->head->len,
                                   G_PRIORITY_DEFAULT, NULL, on_raw_head_written_cb, raw);
}

static gboolean
raw_import_start_cb (gpointer data)
{
  RawImport *raw = data;
  g_autoptr(GError) error = NULL;
  FerrySimRow *sr;
  guint status = 0;

  raw->transfer = transfer_new (raw->pool, raw->query, "VM.import", &status, &error);
  if (raw->transfer == NULL)
    {
      raw_import_reply (raw, status, error);
      return G_SOURCE_REMOVE;
    }
  raw->transfer->raw = g_object_ref (raw->stream);
  sr = import_sr (raw->pool, raw->query, &error);
  /* import.ml: a Transfer-Encoding is "not yet implemented": HTTP 403 and
   * IMPORT_ERROR_CANNOT_HANDLE_CHUNKED, after the SR checks. */
  if (error == NULL && raw->chunked)
    error = ferry_sim_failure_new ("IMPORT_ERROR_CANNOT_HANDLE_CHUNKED", NULL);
  if (error != NULL)
    {
      finish_task (raw->transfer, NULL, error);
      raw_import_reply (raw, raw->chunked && sr != NULL ? SOUP_STATUS_FORBIDDEN : SOUP_STATUS_BAD_REQUEST, error);
      return G_SOURCE_REMOVE;
    }
  raw->transfer->reader = ferry_sim_xva_reader_new (raw->pool, sr->ref,
                                                    g_strcmp0 (g_hash_table_lookup (raw->query, "restore"), "true") == 0);
  raw_import_reply (raw, SOUP_STATUS_OK, NULL);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  FerrySimPool      *pool;
  SoupServerMessage *msg;
  GHashTable        *query;
  gboolean           chunked;
} Steal;

static gboolean
steal_cb (gpointer data)
{
  Steal *steal = data;
  RawImport *raw = g_new0 (RawImport, 1);

  raw->pool = g_steal_pointer (&steal->pool);
  raw->query = g_steal_pointer (&steal->query);
  raw->chunked = steal->chunked;
  /* Out of libsoup's hands: what it read ahead stays in the stream. */
  raw->stream = soup_server_message_steal_connection (steal->msg);
  g_clear_object (&steal->msg);
  g_free (steal);
  if (raw->stream == NULL)
    {
      raw_import_free (raw);
      return G_SOURCE_REMOVE;
    }
  return raw_import_start_cb (raw);
}

void
ferry_sim_transfer_got_headers (FerrySimPool      *pool,
                                SoupServerMessage *msg,
                                const char        *path,
                                GHashTable        *query)
{
  SoupEncoding encoding = soup_message_headers_get_encoding (soup_server_message_get_request_headers (msg));
  const char *restore = query ? g_hash_table_lookup (query, "restore") : NULL;
  FerrySimRow *sr;
  Transfer *transfer;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (path, "/import") != 0)
    return;
  if (!g_str_equal (soup_server_message_get_method (msg), "PUT"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  /* Chunked, or no length at all (read to the end of the connection):
   * xapi reads the socket itself. So does the simulator, once libsoup has
   * let go of it (never from inside its I/O). */
  if (encoding != SOUP_ENCODING_CONTENT_LENGTH)
    {
      Steal *steal = g_new0 (Steal, 1);

      steal->pool = g_object_ref (pool);
      steal->msg = g_object_ref (msg);
      steal->query = query ? g_hash_table_ref (query) : g_hash_table_new (g_str_hash, g_str_equal);
      steal->chunked = encoding != SOUP_ENCODING_NONE && encoding != SOUP_ENCODING_EOF;
      soup_server_message_pause (msg);
      _ferry_sim_idle_add (steal_cb, steal, NULL);
      return;
    }

  transfer = transfer_new_for_message (pool, msg, query, "VM.import");
  if (transfer == NULL)
    return;

  sr = import_sr (pool, query, &error);
  if (error != NULL)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, error);
      finish_task (transfer, NULL, error);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      return;
    }

  transfer->reader = ferry_sim_xva_reader_new (pool, sr->ref, g_strcmp0 (restore, "true") == 0);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_import_got_chunk_cb), transfer);
  g_signal_connect (msg, "finished", G_CALLBACK (on_finished_cb), transfer);
}

static void
handle_import (FerrySimPool      *pool,
               SoupServerMessage *msg)
{
  Transfer *transfer = g_object_get_data (G_OBJECT (msg), "ferry-sim-transfer");
  g_autoptr(GError) error = NULL;

  if (transfer == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      return;
    }
  if (check_cancelled (transfer) || transfer->done)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      return;
    }
  if (!complete_import (transfer, &error))
    {
      reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, error);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

void
ferry_sim_transfer_handle (FerrySimPool      *pool,
                           SoupServerMessage *msg,
                           const char        *path,
                           GHashTable        *query)
{
  if (g_str_equal (path, "/export"))
    handle_export (pool, msg, query);
  else
    handle_import (pool, msg);
}

/* task.create, VM.destroy and VIF.move ---------------------------------------------- */

static void
task_create (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *task = ferry_sim_ops_task_create (db, ferry_sim_call_get_arg_string (call, 0), NULL);

  ferry_sim_db_set_string (db, task, "name_description", ferry_sim_call_get_arg_string (call, 1));
  ferry_sim_call_return_string (call, task->ref);
}

static void
vm_destroy (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  GError *error = NULL;
  FerrySimRow *vm = ferry_sim_call_get_arg_row (call, 0, "VM", &error);
  const char *power;
  const char * const devices[] = { "VBDs", "VIFs" };
  const char * const metrics[] = { "metrics", "guest_metrics" };

  if (vm == NULL || !ferry_sim_ops_check_idle (vm, "VM", &error))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  power = ferry_sim_row_get_string (vm, "power_state");
  if (g_strcmp0 (power, "Halted") != 0 && g_strcmp0 (power, "Suspended") != 0)
    {
      g_autofree char *actual = g_ascii_strdown (power ? power : "", -1);

      ferry_sim_call_return_error (call, ferry_sim_failure_new ("VM_BAD_POWER_STATE", vm->ref, "halted", actual, NULL));
      return;
    }
  if (ferry_sim_row_get_bool (vm, "is_control_domain"))
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("OPERATION_NOT_ALLOWED", "control domain", NULL));
      return;
    }

  /* The VM and its devices; its disks stay (xapi's VM.destroy). */
  for (guint d = 0; d < G_N_ELEMENTS (devices); d++)
    {
      g_autoptr(GPtrArray) rows = ferry_sim_follow_set (db, vm, devices[d]);

      for (guint i = 0; i < rows->len; i++)
        ferry_sim_db_delete_row (db, g_ptr_array_index (rows, i));
    }
  for (guint m = 0; m < G_N_ELEMENTS (metrics); m++)
    {
      FerrySimRow *row = ferry_sim_follow (db, vm, metrics[m]);

      if (row != NULL)
        ferry_sim_db_delete_row (db, row);
    }
  ferry_sim_db_delete_row (db, vm);
  ferry_sim_call_return_void (call);
}

/* VIF.move (xapi since 7.1): the VIF joins another network of its pool,
 * how a relayed VM's interfaces get the plan's networks after the import. */
static void
vif_move (FerrySimCall *call)
{
  GError *error = NULL;
  FerrySimRow *vif = ferry_sim_call_get_arg_row (call, 0, "VIF", &error);
  FerrySimRow *network = vif ? ferry_sim_call_get_arg_row (call, 1, "network", &error) : NULL;

  if (network == NULL)
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  ferry_sim_ops_set_ref (ferry_sim_call_get_db (call), vif, "network", network->ref);
  ferry_sim_call_return_void (call);
}

static const FerrySimMethodDef transfer_methods[] = {
  { "task.create", task_create, FERRY_SIM_METHOD_NO_ASYNC, 2, { "string", "string" } },
  { "VM.destroy", vm_destroy, 0, 1, { "VM ref" } },
  { "VIF.move", vif_move, 0, 2, { "VIF ref", "network ref" } },
};

void
_ferry_sim_transfer_register (void)
{
  ferry_sim_rpc_register (transfer_methods, G_N_ELEMENTS (transfer_methods));
}
