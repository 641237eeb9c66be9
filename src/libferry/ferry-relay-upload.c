/* ferry-relay-upload.c: a PUT of unknown length, as xapi takes it
 *
 * A ring of buffers: the next pieces of the body are read while the
 * earlier ones are written, so neither side waits for the other more than
 * it must, and no more than N_SLOTS pieces are ever held. The answer is read alongside: xapi
 * sends its head before the body (or instead of it, when it refuses).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-relay"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "ferry-connection-private.h"
#include "ferry-error.h"
#include "ferry-relay-upload-private.h"
#include "ferry-trust.h"

#define PIECE_SIZE (512 * 1024)
/* Up to 4 MiB between the pools: slack for whichever side is slower for
 * a moment, constant whatever the VM's size. */
#define N_SLOTS    8
#define MAX_HEAD   (64 * 1024)
/* After a failed write, how long the answer that says why may take. */
#define ANSWER_GRACE_MS 3000
/* After the body, how long the server may take to close: xapi closes once
 * the import and its task are finished, so the task is read after that. */
#define CLOSE_WAIT_MS   5000

typedef enum { SLOT_FREE, SLOT_READING, SLOT_FULL, SLOT_WRITING } SlotState;

typedef struct
{
  guint8    *data;
  gsize      length;
  SlotState  state;
} Slot;

struct _FerryRelayUpload
{
  GObject             parent_instance;

  FerryConnection    *connection;
  char               *path_and_query;
  GInputStream       *body;
  char               *host_key;
  gboolean            tls;

  GTask              *task;
  GCancellable       *cancellable;   /* ours, cancelled with the caller's */
  gulong              cancel_id;
  GSocketConnection  *socket;
  GIOStream          *stream;        /* the socket, or TLS over it */
  GString            *request_head;
  gboolean            head_written;
  Slot                slots[N_SLOTS];
  guint               next_read;     /* the slot the next piece goes to */
  guint               next_write;    /* the slot the next piece to send is in */
  gboolean            body_eof;
  gboolean            body_failed;
  gboolean            closing;
  gboolean            body_closed;   /* our side of the connection ended */
  GError             *write_error;
  guint64             bytes;

  GByteArray         *answer;
  guint8              answer_buffer[4096];
  gboolean            answer_done;
  gboolean            answer_eof;    /* the server closed (or we stopped waiting) */
  guint               status;
  char               *reason;
  guint               grace_id;
  guint               close_wait_id;
};

G_DEFINE_FINAL_TYPE (FerryRelayUpload, ferry_relay_upload, G_TYPE_OBJECT)

static void
ferry_relay_upload_dispose (GObject *object)
{
  FerryRelayUpload *self = FERRY_RELAY_UPLOAD (object);

  g_clear_handle_id (&self->grace_id, g_source_remove);
  g_clear_handle_id (&self->close_wait_id, g_source_remove);
  if (self->stream != NULL)
    g_io_stream_close (self->stream, NULL, NULL);
  g_clear_object (&self->stream);
  g_clear_object (&self->socket);
  g_clear_object (&self->body);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->task);

  G_OBJECT_CLASS (ferry_relay_upload_parent_class)->dispose (object);
}

static void
ferry_relay_upload_finalize (GObject *object)
{
  FerryRelayUpload *self = FERRY_RELAY_UPLOAD (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    g_free (self->slots[i].data);
  g_free (self->path_and_query);
  g_free (self->host_key);
  g_free (self->reason);
  g_clear_error (&self->write_error);
  g_clear_pointer (&self->answer, g_byte_array_unref);
  if (self->request_head != NULL)
    g_string_free (self->request_head, TRUE);

  G_OBJECT_CLASS (ferry_relay_upload_parent_class)->finalize (object);
}

static void
ferry_relay_upload_class_init (FerryRelayUploadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_relay_upload_dispose;
  object_class->finalize = ferry_relay_upload_finalize;
}

static void
ferry_relay_upload_init (FerryRelayUpload *self)
{
  self->answer = g_byte_array_new ();
}

FerryRelayUpload *
_ferry_relay_upload_new (FerryConnection *connection,
                         const char      *path_and_query,
                         GInputStream    *body)
{
  FerryRelayUpload *self = g_object_new (FERRY_TYPE_RELAY_UPLOAD, NULL);
  g_autofree char *uri_text = NULL;
  g_autoptr(GUri) uri = NULL;

  self->connection = g_object_ref (connection);
  self->path_and_query = g_strdup (path_and_query);
  self->body = g_object_ref (body);
  self->tls = ferry_connection_get_transport (connection) != FERRY_TRANSPORT_HTTP;
  uri_text = g_strdup_printf ("%s://%s/", self->tls ? "https" : "http", ferry_connection_get_master_address (connection));
  uri = g_uri_parse (uri_text, G_URI_FLAGS_NONE, NULL);
  self->host_key = uri ? ferry_host_key_from_uri (uri) : NULL;
  return self;
}

guint64
_ferry_relay_upload_get_bytes (FerryRelayUpload *self)
{
  g_return_val_if_fail (FERRY_IS_RELAY_UPLOAD (self), 0);

  return self->bytes;
}

gboolean
_ferry_relay_upload_is_waiting_for_server (FerryRelayUpload *self)
{
  g_return_val_if_fail (FERRY_IS_RELAY_UPLOAD (self), FALSE);

  /* Done, or connecting, or its request, a piece, the end of the body
   * or the answer on its way: the server's turn. */
  if (self->task == NULL || !self->head_written || self->closing || self->answer_eof)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    if (self->slots[i].state == SLOT_WRITING)
      return TRUE;
  /* Else a piece of the body is awaited. */
  return FALSE;
}

gboolean
_ferry_relay_upload_get_body_failed (FerryRelayUpload *self)
{
  g_return_val_if_fail (FERRY_IS_RELAY_UPLOAD (self), FALSE);

  return self->body_failed;
}

/* The end ---------------------------------------------------------------- */

static void
complete (FerryRelayUpload *self,
          GError           *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  g_clear_handle_id (&self->grace_id, g_source_remove);
  g_clear_handle_id (&self->close_wait_id, g_source_remove);
  if (self->cancel_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), self->cancel_id);
  self->cancel_id = 0;
  /* Whatever is still under way stops. */
  g_cancellable_cancel (self->cancellable);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Done once our side ended and the answer's head is in, or when one of
 * them failed in a way the other cannot mend. */
static void
maybe_complete (FerryRelayUpload *self)
{
  if (self->task == NULL)
    return;
  /* A refusal while the body still flows: no need to send the rest. */
  if (self->answer_done && self->status != 0 && self->status != 200)
    {
      complete (self, NULL);
      return;
    }
  if (!self->answer_done)
    return;
  if (self->write_error != NULL)
    {
      /* An answer that says why is worth more than the broken pipe. */
      if (self->status != 0 && self->status != 200)
        complete (self, NULL);
      else
        complete (self, g_steal_pointer (&self->write_error));
      return;
    }
  if (self->body_closed && self->answer_eof)
    complete (self, NULL);
}

static gboolean
on_close_wait_cb (gpointer data)
{
  FerryRelayUpload *self = data;

  self->close_wait_id = 0;
  self->answer_eof = TRUE;
  maybe_complete (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_grace_cb (gpointer data)
{
  FerryRelayUpload *self = data;

  self->grace_id = 0;
  self->answer_done = self->answer_eof = TRUE;
  maybe_complete (self);
  return G_SOURCE_REMOVE;
}

static void
io_failed (FerryRelayUpload *self,
           GError           *error)
{
  if (self->task == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (self->task != NULL)
        complete (self, error);
      else
        g_error_free (error);
      return;
    }
  if (self->write_error == NULL)
    self->write_error = error;
  else
    g_error_free (error);
  if (!self->answer_done && self->grace_id == 0)
    self->grace_id = g_timeout_add (ANSWER_GRACE_MS, on_grace_cb, self);
  maybe_complete (self);
}

/* The answer ------------------------------------------------------------- */

static gboolean
parse_answer (FerryRelayUpload *self)
{
  const char *data = (const char *) self->answer->data;
  const char *end = g_strstr_len (data, self->answer->len, "\r\n\r\n");
  const char *line_end;
  g_auto(GStrv) words = NULL;
  g_autofree char *line = NULL;

  if (end == NULL)
    return FALSE;
  line_end = g_strstr_len (data, end - data + 2, "\r\n");
  line = g_strndup (data, line_end - data);
  words = g_strsplit (line, " ", 3);
  if (g_strv_length (words) >= 2 && g_str_has_prefix (words[0], "HTTP/"))
    {
      self->status = (guint) g_ascii_strtoull (words[1], NULL, 10);
      self->reason = g_strdup (words[2] ? words[2] : "");
    }
  return TRUE;
}

static void read_answer (FerryRelayUpload *self);

static void
on_answer_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FerryRelayUpload) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  if (self->task == NULL)
    return;
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      complete (self, g_steal_pointer (&error));
      return;
    }
  if (n < 0)
    g_debug ("Reading the answer of %s: %s", self->host_key, error->message);
  if (n <= 0)
    {
      /* The end of the connection: the server is done. */
      self->answer_done = self->answer_eof = TRUE;
      g_clear_handle_id (&self->grace_id, g_source_remove);
      maybe_complete (self);
      return;
    }
  if (!self->answer_done)
    {
      g_byte_array_append (self->answer, self->answer_buffer, n);
      if (parse_answer (self) || self->answer->len >= MAX_HEAD)
        {
          self->answer_done = TRUE;
          g_clear_handle_id (&self->grace_id, g_source_remove);
          if (self->status != 200)
            g_debug ("%s answered the upload with %u %s", self->host_key, self->status, self->reason);
          maybe_complete (self);
          if (self->task == NULL)
            return;
        }
    }
  /* Read on (and drop what follows the head) until the server closes. */
  read_answer (self);
}

static void
read_answer (FerryRelayUpload *self)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (self->stream), self->answer_buffer,
                             sizeof self->answer_buffer, G_PRIORITY_DEFAULT, self->cancellable,
                             on_answer_read_cb, g_object_ref (self));
}

/* The body --------------------------------------------------------------- */

static void pump (FerryRelayUpload *self);

static void
on_body_closed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FerryRelayUpload) self = user_data;
  g_autoptr(GError) error = NULL;
  GSocket *socket;

  if (self->task == NULL)
    return;
  /* All of the body went out; xapi may have closed already, having read
   * the end of the XVA: a failure to say "the end" is no failure. */
  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (object), result, &error))
    g_debug ("Ending the body to %s: %s", self->host_key, error->message);
  g_clear_error (&error);
  /* The end of the body: TLS close_notify (above), and a TCP half-close. */
  socket = self->socket ? g_socket_connection_get_socket (self->socket) : NULL;
  if (socket != NULL && !g_socket_shutdown (socket, FALSE, TRUE, &error))
    g_debug ("Half-close to %s: %s", self->host_key, error->message);
  self->body_closed = TRUE;
  if (!self->answer_eof)
    self->close_wait_id = g_timeout_add (CLOSE_WAIT_MS, on_close_wait_cb, self);
  maybe_complete (self);
}

static void
on_piece_written_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FerryRelayUpload) self = user_data;
  g_autoptr(GError) error = NULL;
  Slot *slot = &self->slots[self->next_write];
  gsize written = 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, &written, &error))
    {
      io_failed (self, g_steal_pointer (&error));
      return;
    }
  self->bytes += written;
  slot->state = SLOT_FREE;
  self->next_write = (self->next_write + 1) % N_SLOTS;
  pump (self);
}

static void
on_piece_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FerryRelayUpload) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  Slot *slot = &self->slots[self->next_read];

  if (self->task == NULL || slot->state != SLOT_READING)
    return;
  if (n < 0)
    {
      /* The source stopped: that is no answer's business. */
      self->body_failed = TRUE;
      complete (self, g_steal_pointer (&error));
      return;
    }
  if (n == 0)
    {
      slot->state = SLOT_FREE;
      self->body_eof = TRUE;
    }
  else
    {
      slot->length = n;
      slot->state = SLOT_FULL;
      self->next_read = (self->next_read + 1) % N_SLOTS;
    }
  pump (self);
}

static void
pump (FerryRelayUpload *self)
{
  Slot *to_write = &self->slots[self->next_write];
  Slot *to_read = &self->slots[self->next_read];
  gboolean idle = TRUE;

  if (self->task == NULL || self->write_error != NULL)
    return;
  for (guint i = 0; i < N_SLOTS; i++)
    idle &= self->slots[i].state == SLOT_FREE;

  /* The pieces go out in the order they came in, one write at a time. */
  if (to_write->state == SLOT_FULL)
    {
      to_write->state = SLOT_WRITING;
      g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream), to_write->data,
                                       to_write->length, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_piece_written_cb, g_object_ref (self));
    }
  /* One read at a time, into the next slot once it is free. */
  if (to_read->state == SLOT_FREE && !self->body_eof)
    {
      if (to_read->data == NULL)
        to_read->data = g_malloc (PIECE_SIZE);
      to_read->state = SLOT_READING;
      g_input_stream_read_async (self->body, to_read->data, PIECE_SIZE, G_PRIORITY_DEFAULT,
                                 self->cancellable, on_piece_read_cb, g_object_ref (self));
    }
  if (self->body_eof && idle && !self->closing)
    {
      self->closing = TRUE;
      g_output_stream_close_async (g_io_stream_get_output_stream (self->stream), G_PRIORITY_DEFAULT,
                                   self->cancellable, on_body_closed_cb, g_object_ref (self));
    }
}

/* The start -------------------------------------------------------------- */

static void
on_head_written_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FerryRelayUpload) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      io_failed (self, g_steal_pointer (&error));
      return;
    }
  self->head_written = TRUE;
  pump (self);
}

static void
start_request (FerryRelayUpload *self)
{
  /* HTTP/1.0, no length, no Transfer-Encoding: the body ends with the
   * connection (import.ml reads it as it comes). */
  self->request_head = g_string_new (NULL);
  g_string_append_printf (self->request_head,
                          "PUT %s HTTP/1.0\r\n"
                          "Host: %s\r\n"
                          "User-Agent: Ferry/" PACKAGE_VERSION "\r\n"
                          "Accept: */*\r\n"
                          "Content-Type: application/octet-stream\r\n"
                          "Connection: close\r\n"
                          "\r\n",
                          self->path_and_query, ferry_connection_get_master_address (self->connection));
  read_answer (self);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream), self->request_head->str,
                                   self->request_head->len, G_PRIORITY_DEFAULT, self->cancellable,
                                   on_head_written_cb, g_object_ref (self));
}

static gboolean
on_accept_certificate_cb (GTlsConnection       *connection,
                          GTlsCertificate      *certificate,
                          GTlsCertificateFlags  errors,
                          FerryRelayUpload     *self)
{
  FerryTrustStore *store = ferry_connection_get_trust_store (self->connection);
  g_autoptr(GError) error = NULL;

  /* The same pin as the connection's calls (R11). */
  if (store != NULL && self->host_key != NULL && ferry_trust_store_check (store, self->host_key, certificate, &error))
    return TRUE;
  g_debug ("Refusing the certificate of %s for the upload: %s", self->host_key,
           error ? error->message : "not pinned");
  return FALSE;
}

static void
on_handshake_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FerryRelayUpload) self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->task == NULL)
    return;
  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result, &error))
    {
      if (error->domain == G_TLS_ERROR)
        complete (self, g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_TLS,
                                     _("The secure connection to %s failed: %s"), self->host_key, error->message));
      else
        complete (self, g_steal_pointer (&error));
      return;
    }
  start_request (self);
}

static void
on_connected_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FerryRelayUpload) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) socket = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;

  if (self->task == NULL)
    return;
  if (socket == NULL)
    {
      complete (self, g_steal_pointer (&error));
      return;
    }
  self->socket = g_steal_pointer (&socket);
  g_socket_set_keepalive (g_socket_connection_get_socket (self->socket), TRUE);
  if (!self->tls)
    {
      self->stream = g_object_ref (G_IO_STREAM (self->socket));
      start_request (self);
      return;
    }
  identity = g_network_address_parse (ferry_connection_get_master_address (self->connection), 443, NULL);
  tls = g_tls_client_connection_new (G_IO_STREAM (self->socket), identity, &error);
  if (tls == NULL)
    {
      complete (self, g_steal_pointer (&error));
      return;
    }
  /* No CA database: no certificate passes unless it is pinned. */
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), NULL);
  g_signal_connect_object (tls, "accept-certificate", G_CALLBACK (on_accept_certificate_cb), self, 0);
  self->stream = g_steal_pointer (&tls);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (self->stream), G_PRIORITY_DEFAULT, self->cancellable,
                                    on_handshake_cb, g_object_ref (self));
}

static void
on_cancelled_cb (GCancellable     *cancellable,
                 FerryRelayUpload *self)
{
  g_cancellable_cancel (self->cancellable);
}

void
_ferry_relay_upload_run_async (FerryRelayUpload    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FERRY_IS_RELAY_UPLOAD (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _ferry_relay_upload_run_async);
  if (self->task != NULL || self->stream != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "The upload already ran");
      return;
    }
  address = g_network_address_parse (ferry_connection_get_master_address (self->connection),
                                     self->tls ? 443 : 80, &error);
  if (address == NULL)
    {
      g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL, _("Bad address %s"),
                               ferry_connection_get_master_address (self->connection));
      return;
    }

  self->task = g_steal_pointer (&task);
  self->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    self->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled_cb), self, NULL);
  client = g_socket_client_new ();
  g_socket_client_connect_async (client, address, self->cancellable, on_connected_cb, g_object_ref (self));
}

gboolean
_ferry_relay_upload_run_finish (FerryRelayUpload  *self,
                                GAsyncResult      *result,
                                guint             *status,
                                char             **reason,
                                GError           **error)
{
  g_return_val_if_fail (FERRY_IS_RELAY_UPLOAD (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (status != NULL)
    *status = self->status;
  if (reason != NULL)
    *reason = g_strdup (self->reason);
  return TRUE;
}
