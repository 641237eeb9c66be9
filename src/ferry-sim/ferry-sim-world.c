/* ferry-sim.c
 *
 * Each host gets one port that speaks both HTTP and HTTPS: the first byte of
 * a connection tells a TLS handshake (0x16) from a plain request. Its
 * host.address becomes "127.0.0.1:PORT", so HOST_IS_SLAVE and migration
 * URLs lead to the right listener, as a real host's IP address would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-world"

#include "config.h"

#include <errno.h>
#include <gio/gunixsocketaddress.h>
#include <json-glib/json-glib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <libsoup/soup.h>

#include "ferry-sim-world.h"
#include "ferry-sim-error.h"
#include "ferry-sim-faults.h"
#include "ferry-sim-invariants.h"
#include "ferry-sim-lifecycle.h"
#include "ferry-sim-rpc.h"
#include "ferry-sim-rpc-private.h"
#include "ferry-sim-scenario.h"
#include "ferry-sim-statedb.h"
#include "ferry-sim-timemodel.h"
#include "ferry-sim-tls.h"
#include "ferry-sim-transfer.h"
#include "ferry-sim-wire.h"

/* A connection that takes longer to send a request is dropped (slow clients). */
#define IDLE_TIMEOUT_SECONDS 30
#define TLS_RECORD_HANDSHAKE 0x16

typedef struct
{
  FerrySimWorld *sim;          /* unowned */
  FerrySimPool    *pool;
  char            *host_ref;
  GSocketService  *service;
  GTlsCertificate *certificate;
  guint            port;
  char            *address;      /* "127.0.0.1:PORT" */
  GPtrArray       *streams;      /* open connections, for dropping them */
  gint64           refuse_until; /* monotonic µs */
} Endpoint;

struct _FerrySimWorld
{
  GObject          parent_instance;

  GPtrArray       *pools;
  GPtrArray       *endpoints;    /* of Endpoint */
  GHashTable      *by_port;      /* port -> Endpoint */
  char            *bind_address;
  GTlsCertificate *certificate;
  SoupServer      *server;

  /* The simulated clock: sim_base seconds at monotonic mono_base, then
   * time_scale simulated seconds per real second. */
  double           time_scale;
  double           sim_base;
  gint64           mono_base;
  FerrySimFaults  *faults;
};

G_DEFINE_FINAL_TYPE (FerrySimWorld, ferry_sim_world, G_TYPE_OBJECT)

static void
endpoint_free (gpointer data)
{
  Endpoint *ep = data;

  if (ep->service != NULL)
    {
      g_socket_service_stop (ep->service);
      g_socket_listener_close (G_SOCKET_LISTENER (ep->service));
      g_signal_handlers_disconnect_by_data (ep->service, ep);
      g_clear_object (&ep->service);
    }
  g_clear_pointer (&ep->streams, g_ptr_array_unref);
  g_clear_object (&ep->pool);
  g_clear_object (&ep->certificate);
  g_free (ep->host_ref);
  g_free (ep->address);
  g_free (ep);
}

static void
ferry_sim_world_finalize (GObject *object)
{
  FerrySimWorld *self = (FerrySimWorld *)object;

  ferry_sim_world_stop (self);
  g_clear_pointer (&self->faults, _ferry_sim_faults_free);
  for (guint i = 0; i < self->pools->len; i++)
    _ferry_sim_pool_set_world (g_ptr_array_index (self->pools, i), NULL);
  g_clear_pointer (&self->endpoints, g_ptr_array_unref);
  g_clear_pointer (&self->by_port, g_hash_table_unref);
  g_clear_pointer (&self->pools, g_ptr_array_unref);
  g_clear_object (&self->certificate);
  g_free (self->bind_address);

  G_OBJECT_CLASS (ferry_sim_world_parent_class)->finalize (object);
}

static void
ferry_sim_world_class_init (FerrySimWorldClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ferry_sim_world_finalize;
}

static void
ferry_sim_world_init (FerrySimWorld *self)
{
  self->pools = g_ptr_array_new_with_free_func (g_object_unref);
  self->endpoints = g_ptr_array_new_with_free_func (endpoint_free);
  self->by_port = g_hash_table_new (NULL, NULL);
  self->bind_address = g_strdup ("127.0.0.1");
  self->time_scale = 1.0;
  self->mono_base = g_get_monotonic_time ();
  self->faults = _ferry_sim_faults_new (self);
}

FerrySimWorld *
ferry_sim_world_new (void)
{
  return g_object_new (FERRY_SIM_TYPE_WORLD, NULL);
}

void
ferry_sim_world_add_pool (FerrySimWorld *self,
                    FerrySimPool *pool)
{
  g_return_if_fail (FERRY_SIM_IS_WORLD (self));
  g_return_if_fail (FERRY_SIM_IS_POOL (pool));

  ferry_sim_lifecycle_refresh (ferry_sim_pool_get_db (pool), 0);
  _ferry_sim_pool_set_world (pool, self);
  g_ptr_array_add (self->pools, g_object_ref (pool));
  _ferry_sim_invariants_add_pool (self, pool);
}

GPtrArray *
ferry_sim_world_get_pools (FerrySimWorld *self)
{
  g_return_val_if_fail (FERRY_SIM_IS_WORLD (self), NULL);

  return self->pools;
}

FerrySimPool *
ferry_sim_world_lookup_pool (FerrySimWorld *self,
                       const char *name)
{
  g_return_val_if_fail (FERRY_SIM_IS_WORLD (self), NULL);

  for (guint i = 0; i < self->pools->len; i++)
    {
      FerrySimPool *pool = g_ptr_array_index (self->pools, i);
      FerrySimRow *row = ferry_sim_pool_get_pool_row (pool);

      if (g_strcmp0 (ferry_sim_pool_get_name (pool), name) == 0 ||
          (row != NULL && g_strcmp0 (ferry_sim_row_get_uuid (row), name) == 0))
        return pool;
    }

  return NULL;
}

gboolean
ferry_sim_world_load_scenario (FerrySimWorld  *self,
                               const char     *path,
                               const char     *password,
                               GError        **error)
{
  g_autoptr(GPtrArray) pools = ferry_sim_scenario_load_file (path, password, error);

  if (pools == NULL)
    return FALSE;

  for (guint i = 0; i < pools->len; i++)
    ferry_sim_world_add_pool (self, g_ptr_array_index (pools, i));
  return TRUE;
}

gboolean
ferry_sim_world_load_state_db (FerrySimWorld  *self,
                               const char     *path,
                               const char     *password,
                               GError        **error)
{
  g_autoptr(FerrySimDb) db = ferry_sim_statedb_load_file (path, error);
  g_autoptr(FerrySimPool) pool = NULL;

  if (db == NULL)
    return FALSE;

  pool = ferry_sim_pool_new (db);
  ferry_sim_pool_set_password (pool, "root", password);
  ferry_sim_world_add_pool (self, pool);
  return TRUE;
}

gboolean
ferry_sim_world_generate (FerrySimWorld  *self,
                          const char     *spec,
                          const char     *password,
                          GError        **error)
{
  g_autoptr(FerrySimPool) pool = ferry_sim_generate (spec, error);

  if (pool == NULL)
    return FALSE;

  ferry_sim_pool_set_password (pool, "root", password);
  ferry_sim_world_add_pool (self, pool);
  return TRUE;
}

char *
ferry_sim_world_dup_demo_path (void)
{
  g_autofree char *installed = g_build_filename (PKGDATADIR, "scenarios", "demo.json", NULL);

  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&installed);
  return g_build_filename (FERRY_SOURCE_DATADIR, "scenarios", "demo.json", NULL);
}

void
ferry_sim_world_set_bind_address (FerrySimWorld *self,
                            const char *address)
{
  g_return_if_fail (FERRY_SIM_IS_WORLD (self));

  g_free (self->bind_address);
  self->bind_address = g_strdup (address);
}

void
ferry_sim_world_set_certificate (FerrySimWorld *self,
                           GTlsCertificate *certificate)
{
  g_return_if_fail (FERRY_SIM_IS_WORLD (self));

  g_set_object (&self->certificate, certificate);
}

static Endpoint *
find_endpoint (FerrySimWorld *self,
               const char *host_ref)
{
  for (guint i = 0; i < self->endpoints->len; i++)
    {
      Endpoint *ep = g_ptr_array_index (self->endpoints, i);

      if (g_strcmp0 (ep->host_ref, host_ref) == 0)
        return ep;
    }
  return NULL;
}

char *
ferry_sim_world_dup_host_url (FerrySimWorld *self,
                        const char *host_ref,
                        gboolean    tls)
{
  Endpoint *ep = find_endpoint (self, host_ref);

  return ep ? g_strdup_printf ("%s://%s/", tls ? "https" : "http", ep->address) : NULL;
}

GTlsCertificate *
ferry_sim_world_get_host_certificate (FerrySimWorld *self,
                                const char *host_ref)
{
  Endpoint *ep = find_endpoint (self, host_ref);

  return ep ? ep->certificate : NULL;
}

/* HTTP handling */

typedef struct
{
  SoupServerMessage *msg;
  gboolean           gone;
  gulong             disconnected_id;
  FerrySimRequest    request;
  GWeakRef           world;
  char              *host_ref;
  GString           *body;       /* a reply held back by a slow_responses fault */
  GSource           *delay;
} Exchange;

static void
on_disconnected_cb (SoupServerMessage *msg,
                    Exchange          *exchange)
{
  exchange->gone = TRUE;
}

static void
exchange_free (Exchange *exchange)
{
  g_clear_signal_handler (&exchange->disconnected_id, exchange->msg);
  g_clear_object (&exchange->msg);
  ferry_sim_request_clear (&exchange->request);
  g_weak_ref_clear (&exchange->world);
  _ferry_sim_source_clear (&exchange->delay);
  if (exchange->body != NULL)
    g_string_free (exchange->body, TRUE);
  g_free (exchange->host_ref);
  g_free (exchange);
}

static void
set_body (SoupServerMessage *msg,
          guint              status,
          const char        *content_type,
          GString           *body)
{
  gsize len = body->len;

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Access-Control-Allow-Origin", "*");
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE,
                                    g_string_free (body, FALSE), len);
}

static void
send_reply (Exchange *exchange,
            GString  *body)
{
  if (exchange->gone)
    g_string_free (body, TRUE);
  else
    {
      gboolean json = exchange->request.protocol != FERRY_SIM_PROTOCOL_XMLRPC;

      set_body (exchange->msg, SOUP_STATUS_OK, json ? "application/json" : "text/xml", body);
      soup_server_message_unpause (exchange->msg);
    }

  exchange_free (exchange);
}

static gboolean
on_reply_delay_cb (gpointer data)
{
  Exchange *exchange = data;

  _ferry_sim_source_clear (&exchange->delay);
  send_reply (exchange, g_steal_pointer (&exchange->body));
  return G_SOURCE_REMOVE;
}

static void
reply_cb (FerrySimCall *call,
          GString      *body,
          gpointer      user_data)
{
  Exchange *exchange = user_data;
  g_autoptr(FerrySimWorld) world = g_weak_ref_get (&exchange->world);
  double delay = 0;

  /* A slow_responses fault holds the reply back. */
  if (world != NULL && !exchange->gone)
    delay = _ferry_sim_faults_get_reply_delay (world->faults, exchange->host_ref, exchange->request.method)
            / world->time_scale;
  if (delay > 0)
    {
      exchange->body = body;
      exchange->delay = _ferry_sim_timeout_add (_ferry_sim_delay_to_msec (delay),
                                                on_reply_delay_cb, exchange, NULL);
      return;
    }

  send_reply (exchange, body);
}

static void
reply_malformed (SoupServerMessage *msg,
                 const char        *message)
{
  g_autofree char *page = ferry_sim_malformed_page (message);

  set_body (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/html", g_string_new (page));
}

static void
handle_rpc (Endpoint          *ep,
            SoupServerMessage *msg,
            gboolean           json)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GError) error = NULL;
  Exchange *exchange = g_new0 (Exchange, 1);
  FerrySimRow *master = ferry_sim_pool_get_master (ep->pool);
  Endpoint *master_ep = master ? find_endpoint (ep->sim, master->ref) : NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  gboolean parsed;

  parsed = json ? ferry_sim_request_parse_json (data, len, &exchange->request, &error)
                : ferry_sim_request_parse_xmlrpc (data, len, &exchange->request, &error);
  if (!parsed)
    {
      reply_malformed (msg, error->message);
      exchange_free (exchange);
      return;
    }

  exchange->msg = g_object_ref (msg);
  g_weak_ref_init (&exchange->world, ep->sim);
  exchange->host_ref = g_strdup (ep->host_ref);
  exchange->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (on_disconnected_cb), exchange);
  soup_server_message_pause (msg);

  ferry_sim_rpc_dispatch (ep->pool, ep->host_ref,
                          master_ep ? master_ep->address : NULL,
                          &exchange->request, reply_cb, exchange);
}

static Endpoint *
endpoint_for_message (FerrySimWorld *self,
                      SoupServerMessage *msg)
{
  GSocketAddress *local = soup_server_message_get_local_address (msg);

  if (!G_IS_INET_SOCKET_ADDRESS (local))
    return NULL;
  return g_hash_table_lookup (self->by_port,
                              GUINT_TO_POINTER (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local))));
}

static gboolean
is_rpc_path (const char *path,
             gboolean   *json)
{
  *json = g_str_equal (path, "/jsonrpc");
  return *json || g_str_equal (path, "/") || g_str_equal (path, "/RPC2");
}

static gboolean
on_request_deadline_cb (gpointer data)
{
  SoupServerMessage *msg = data;
  GSocket *socket = soup_server_message_get_socket (msg);

  /* Too slow to send its request (slow-loris): drop the connection. */
  g_debug ("Dropping a connection that sent no complete request in time");
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
clear_deadline (gpointer data)
{
  GSource *source = data;

  g_source_destroy (source);
  g_source_unref (source);
}

static void
on_got_body_cb (SoupServerMessage *msg)
{
  g_object_set_data (G_OBJECT (msg), "ferry-sim-deadline", NULL);
}

static void
on_request_started_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       FerrySimWorld     *self)
{
  GSource *deadline = g_timeout_source_new_seconds (IDLE_TIMEOUT_SECONDS);

  g_source_set_callback (deadline, on_request_deadline_cb, msg, NULL);
  g_source_attach (deadline, g_main_context_get_thread_default ());
  g_object_set_data_full (G_OBJECT (msg), "ferry-sim-deadline", deadline, clear_deadline);
  g_signal_connect (msg, "got-body", G_CALLBACK (on_got_body_cb), NULL);
}

/* Runs once the headers are in: refuse what xapi refuses before reading a body. */
static void
early_handler_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  gboolean json;

  /* An import streams for as long as it takes (README.md §12). */
  if (ferry_sim_transfer_is_path (path))
    {
      Endpoint *ep = endpoint_for_message (user_data, msg);

      g_object_set_data (G_OBJECT (msg), "ferry-sim-deadline", NULL);
      if (ep != NULL)
        ferry_sim_transfer_got_headers (ep->pool, msg, path, query);
      return;
    }

  if (!is_rpc_path (path, &json) || g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    return;

  /* Http_svr.read_body: no chunked bodies, and at most 300 KiB. Its
   * exceptions end in handle_one's HTTP 500 page, and the connection closes. */
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    reply_malformed (msg, "Failure(\"We require a content-length: HTTP header\")");
  else if (soup_message_headers_get_content_length (headers) > FERRY_SIM_MAX_REQUEST_SIZE)
    reply_malformed (msg, "Http_svr.Client_requested_size_over_limit");
  else
    return;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

/* The control plane: /sim/… (README.md §10) */

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            char              *json)
{
  g_autoptr(GString) body = g_string_new (json);

  g_free (json);
  g_string_append_c (body, '\n');
  set_body (msg, status, "application/json", g_steal_pointer (&body));
}

static void
reply_problem (SoupServerMessage *msg,
               guint              status,
               const char        *message)
{
  g_autoptr(GString) body = g_string_new ("{\"error\": ");

  ferry_sim_write_json_string (body, message);
  g_string_append (body, "}");
  reply_json (msg, status, g_string_free (g_steal_pointer (&body), FALSE));
}

static char *
dup_invariants_json (FerrySimWorld *self)
{
  g_autoptr(GPtrArray) violations = ferry_sim_world_list_invariant_violations (self);
  GString *out = g_string_new (violations->len == 0 ? "{\"ok\": true" : "{\"ok\": false");

  g_string_append (out, ", \"violations\": [");
  for (guint i = 0; i < violations->len; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      ferry_sim_write_json_string (out, g_ptr_array_index (violations, i));
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

/* POST /sim/time {"scale": N} */
static gboolean
set_time_from_json (FerrySimWorld  *self,
                    const char     *data,
                    gsize           length,
                    GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonNode *scale;

  if (!json_parser_load_from_data (parser, data, length, error))
    return FALSE;
  root = json_parser_get_root (parser);
  scale = root && JSON_NODE_HOLDS_OBJECT (root) ? json_object_get_member (json_node_get_object (root), "scale") : NULL;
  if (scale == NULL || !JSON_NODE_HOLDS_VALUE (scale) ||
      (json_node_get_value_type (scale) != G_TYPE_INT64 && json_node_get_value_type (scale) != G_TYPE_DOUBLE) ||
      json_node_get_double (scale) <= 0)
    {
      g_set_error_literal (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID,
                           "Expected {\"scale\": a number above 0}");
      return FALSE;
    }
  ferry_sim_world_set_time_scale (self, json_node_get_double (scale));
  return TRUE;
}

static void
handle_control (FerrySimWorld     *self,
                SoupServerMessage *msg,
                const char        *path)
{
  const char *method = soup_server_message_get_method (msg);
  gboolean get = g_str_equal (method, "GET");
  gboolean post = g_str_equal (method, "POST");
  gboolean delete = g_str_equal (method, "DELETE");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *data = NULL;
  gsize length = 0;

  if (post)
    {
      bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      data = g_bytes_get_data (bytes, &length);
    }

  if (g_str_equal (path, "/sim/faults"))
    {
      if (post && !ferry_sim_faults_add_json (self->faults, data ? data : "", length, &error))
        reply_problem (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      else if (get || post || delete)
        {
          if (delete)
            ferry_sim_faults_clear (self->faults);
          reply_json (msg, SOUP_STATUS_OK, ferry_sim_faults_dup_state_json (self->faults));
        }
      else
        soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
    }
  else if (g_str_equal (path, "/sim/invariants"))
    {
      if (get)
        reply_json (msg, SOUP_STATUS_OK, dup_invariants_json (self));
      else
        soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
    }
  else if (g_str_equal (path, "/sim/time"))
    {
      if (post && !set_time_from_json (self, data ? data : "", length, &error))
        reply_problem (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      else if (get || post)
        reply_json (msg, SOUP_STATUS_OK, _ferry_sim_timemodel_dup_state_json (self));
      else
        soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

/* The control plane answers only where nobody else can reach it. */
static gboolean
control_allowed (FerrySimWorld *self)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (self->bind_address);

  return inet != NULL && g_inet_address_get_is_loopback (inet);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  FerrySimWorld *self = user_data;
  Endpoint *ep = endpoint_for_message (self, msg);
  const char *method = soup_server_message_get_method (msg);
  gboolean json;

  if (ep == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  if (g_str_has_prefix (path, "/sim/") && control_allowed (self))
    {
      handle_control (self, msg, path);
      return;
    }

  if (ferry_sim_transfer_is_path (path))
    {
      ferry_sim_transfer_handle (ep->pool, msg, path, query);
      return;
    }

  if (!is_rpc_path (path, &json))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  if (g_str_equal (method, "OPTIONS"))
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

      soup_message_headers_replace (headers, "Access-Control-Allow-Origin", "*");
      soup_message_headers_replace (headers, "Access-Control-Allow-Methods", "POST, OPTIONS");
      soup_message_headers_replace (headers, "Access-Control-Allow-Headers", "content-type");
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      return;
    }

  if (!g_str_equal (method, "POST"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }

  handle_rpc (ep, msg, json);
}

/* Connections */

typedef struct
{
  Endpoint          *ep;
  GSocketConnection *connection;
  GSource           *source;
} Sniff;

static void
sniff_free (Sniff *sniff)
{
  g_clear_object (&sniff->connection);
  g_free (sniff);
}

/* TLS ends here, as stunnel does in front of xapi: the decrypted bytes go
 * to the HTTP server through a socket pair, so that it sees a plain socket. */
static GIOStream *
terminate_tls (Endpoint           *ep,
               GSocketConnection  *connection,
               GError            **error)
{
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GSocket) outer = NULL;
  g_autoptr(GSocket) inner = NULL;
  g_autoptr(GSocketConnection) outer_connection = NULL;
  int fds[2];

  tls = G_IO_STREAM (g_tls_server_connection_new (G_IO_STREAM (connection), ep->certificate, error));
  if (tls == NULL)
    return NULL;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "socketpair: %s", g_strerror (errno));
      return NULL;
    }
  outer = g_socket_new_from_fd (fds[0], error);
  if (outer == NULL)
    {
      close (fds[0]);
      close (fds[1]);
      return NULL;
    }
  inner = g_socket_new_from_fd (fds[1], error);
  if (inner == NULL)
    {
      close (fds[1]);
      return NULL;
    }

  outer_connection = g_socket_connection_factory_create_connection (outer);
  g_io_stream_splice_async (tls, G_IO_STREAM (outer_connection),
                            G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                            G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_ptr_array_add (ep->streams, g_object_ref (tls));

  return G_IO_STREAM (g_socket_connection_factory_create_connection (inner));
}

static gboolean
on_first_byte_cb (GSocket      *socket,
                  GIOCondition  condition,
                  gpointer      user_data)
{
  Sniff *sniff = user_data;
  Endpoint *ep = sniff->ep;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GIOStream) stream = NULL;
  guchar first = 0;
  GInputVector vector = { &first, 1 };
  int flags = G_SOCKET_MSG_PEEK;
  gssize n;

  n = g_socket_receive_message (socket, NULL, &vector, 1, NULL, NULL, &flags, NULL, &error);
  if (n <= 0)
    {
      g_io_stream_close (G_IO_STREAM (sniff->connection), NULL, NULL);
      return G_SOURCE_REMOVE;
    }

  /* The deadline was for the first byte; requests have their own (see on_request_started_cb). */
  g_socket_set_timeout (socket, 0);
  local = g_socket_get_local_address (socket, NULL);
  remote = g_socket_get_remote_address (socket, NULL);

  if (first == TLS_RECORD_HANDSHAKE)
    stream = terminate_tls (ep, sniff->connection, &error);
  else
    {
      stream = G_IO_STREAM (g_object_ref (sniff->connection));
      g_ptr_array_add (ep->streams, g_object_ref (stream));
    }

  if (stream == NULL ||
      ep->sim->server == NULL ||
      !soup_server_accept_iostream (ep->sim->server, stream, local, remote, &error))
    {
      if (error != NULL)
        g_debug ("Could not accept a connection: %s", error->message);
      g_io_stream_close (G_IO_STREAM (sniff->connection), NULL, NULL);
    }

  return G_SOURCE_REMOVE;
}

static gboolean
on_incoming_cb (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source_object,
                gpointer           user_data)
{
  Endpoint *ep = user_data;
  GSocket *socket = g_socket_connection_get_socket (connection);
  Sniff *sniff;
  g_autoptr(GSource) source = NULL;

  /* Forget connections that are already closed. */
  for (guint i = ep->streams->len; i > 0; i--)
    if (g_io_stream_is_closed (g_ptr_array_index (ep->streams, i - 1)))
      g_ptr_array_remove_index_fast (ep->streams, i - 1);

  if (g_get_monotonic_time () < ep->refuse_until ||
      _ferry_sim_faults_refuse_connection (ep->sim->faults, ep->host_ref))
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  g_socket_set_timeout (socket, IDLE_TIMEOUT_SECONDS);

  sniff = g_new0 (Sniff, 1);
  sniff->ep = ep;
  sniff->connection = g_object_ref (connection);
  source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) on_first_byte_cb, sniff,
                         (GDestroyNotify) sniff_free);
  g_source_attach (source, g_main_context_get_thread_default ());

  return TRUE;
}

static gboolean
listen_endpoint (FerrySimWorld *self,
                 Endpoint  *ep,
                 guint      port,
                 GError   **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (self->bind_address);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autofree char *host_text = NULL;

  if (inet == NULL)
    {
      g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID,
                   "“%s” is not an IP address", self->bind_address);
      return FALSE;
    }

  address = g_inet_socket_address_new (inet, port);
  ep->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (ep->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, error))
    return FALSE;

  ep->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  host_text = g_inet_address_to_string (inet);
  ep->address = g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6
              ? g_strdup_printf ("[%s]:%u", host_text, ep->port)
              : g_strdup_printf ("%s:%u", host_text, ep->port);

  g_signal_connect (ep->service, "incoming", G_CALLBACK (on_incoming_cb), ep);
  g_socket_service_start (ep->service);
  g_hash_table_insert (self->by_port, GUINT_TO_POINTER (ep->port), ep);

  return TRUE;
}

gboolean
ferry_sim_world_start (FerrySimWorld *self,
                 guint      first_port,
                 GError   **error)
{
  guint next_port = first_port;

  g_return_val_if_fail (FERRY_SIM_IS_WORLD (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  self->server = soup_server_new ("server-header", "ferry-sim/" PACKAGE_VERSION, NULL);
  soup_server_add_early_handler (self->server, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (on_request_started_cb), self);

  /* libsoup keeps a connection alive only while the server has a listener of
   * its own; ours accept elsewhere, so give it an unused abstract socket. */
  {
    g_autofree char *name = g_strdup_printf ("ferry-sim-%d-%p", getpid (), (void *) self);
    g_autoptr(GSocketAddress) unused = g_unix_socket_address_new_with_type (name, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);

    if (!soup_server_listen (self->server, unused, 0, error))
      return FALSE;
  }

  for (guint p = 0; p < self->pools->len; p++)
    {
      FerrySimPool *pool = g_ptr_array_index (self->pools, p);
      FerrySimDb *db = ferry_sim_pool_get_db (pool);
      GPtrArray *hosts = ferry_sim_db_get_rows_by_name (db, "host");

      for (guint h = 0; h < hosts->len; h++)
        {
          FerrySimRow *host = g_ptr_array_index (hosts, h);
          Endpoint *ep = g_new0 (Endpoint, 1);

          ep->sim = self;
          ep->pool = g_object_ref (pool);
          ep->host_ref = g_strdup (host->ref);
          ep->streams = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (self->endpoints, ep);

          if (self->certificate != NULL)
            ep->certificate = g_object_ref (self->certificate);
          else if (!(ep->certificate = ferry_sim_tls_generate_certificate (ferry_sim_row_get_string (host, "name_label"), error)))
            return FALSE;

          if (!listen_endpoint (self, ep, next_port, error))
            return FALSE;
          if (next_port != 0)
            next_port++;

          ferry_sim_db_set_string (db, host, "address", ep->address);
        }
    }

  return TRUE;
}

void
ferry_sim_world_stop (FerrySimWorld *self)
{
  g_return_if_fail (FERRY_SIM_IS_WORLD (self));

  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
  g_hash_table_remove_all (self->by_port);
  g_ptr_array_set_size (self->endpoints, 0);
}

static void
add_host_members (FerrySimWorld *self,
                  JsonBuilder *builder,
                  FerrySimRow *host,
                  gboolean     is_master)
{
  g_autofree char *https = ferry_sim_world_dup_host_url (self, host->ref, TRUE);
  g_autofree char *http = ferry_sim_world_dup_host_url (self, host->ref, FALSE);

  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, ferry_sim_row_get_string (host, "name_label"));
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, ferry_sim_row_get_uuid (host));
  json_builder_set_member_name (builder, "ref");
  json_builder_add_string_value (builder, host->ref);
  json_builder_set_member_name (builder, "address");
  json_builder_add_string_value (builder, ferry_sim_row_get_string (host, "address"));
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, https);
  json_builder_set_member_name (builder, "http_url");
  json_builder_add_string_value (builder, http);
  json_builder_set_member_name (builder, "master");
  json_builder_add_boolean_value (builder, is_master);
}

char *
ferry_sim_world_dup_announcement (FerrySimWorld *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (FERRY_SIM_IS_WORLD (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ferry_sim");
  json_builder_add_string_value (builder, PACKAGE_VERSION);

  for (guint pass = 0; pass < 2; pass++)
    {
      gboolean standalone = pass == 1;

      json_builder_set_member_name (builder, standalone ? "standalone" : "pools");
      json_builder_begin_array (builder);
      for (guint p = 0; p < self->pools->len; p++)
        {
          FerrySimPool *pool = g_ptr_array_index (self->pools, p);
          FerrySimRow *pool_row = ferry_sim_pool_get_pool_row (pool);
          FerrySimRow *master = ferry_sim_pool_get_master (pool);
          GPtrArray *hosts = ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (pool), "host");

          if (ferry_sim_pool_is_standalone (pool) != standalone || master == NULL)
            continue;

          json_builder_begin_object (builder);
          if (standalone)
            add_host_members (self, builder, master, TRUE);
          else
            {
              g_autofree char *https = ferry_sim_world_dup_host_url (self, master->ref, TRUE);
              g_autofree char *http = ferry_sim_world_dup_host_url (self, master->ref, FALSE);

              json_builder_set_member_name (builder, "name");
              json_builder_add_string_value (builder, ferry_sim_pool_get_name (pool));
              json_builder_set_member_name (builder, "uuid");
              json_builder_add_string_value (builder, pool_row ? ferry_sim_row_get_uuid (pool_row) : "");
              json_builder_set_member_name (builder, "master");
              json_builder_add_string_value (builder, https);
              json_builder_set_member_name (builder, "master_http");
              json_builder_add_string_value (builder, http);
              json_builder_set_member_name (builder, "hosts");
              json_builder_begin_array (builder);
              for (guint h = 0; h < hosts->len; h++)
                {
                  FerrySimRow *host = g_ptr_array_index (hosts, h);

                  json_builder_begin_object (builder);
                  add_host_members (self, builder, host, host == master);
                  json_builder_end_object (builder);
                }
              json_builder_end_array (builder);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

gboolean
ferry_sim_world_regenerate_certificate (FerrySimWorld  *self,
                                        const char     *host_ref,
                                        GError        **error)
{
  Endpoint *ep = find_endpoint (self, host_ref);
  GTlsCertificate *certificate;

  g_return_val_if_fail (FERRY_SIM_IS_WORLD (self), FALSE);
  g_return_val_if_fail (ep != NULL, FALSE);

  certificate = ferry_sim_tls_generate_certificate (ep->address, error);
  if (certificate == NULL)
    return FALSE;

  g_clear_object (&ep->certificate);
  ep->certificate = certificate;
  return TRUE;
}

gboolean
ferry_sim_world_designate_master (FerrySimWorld *self,
                                  FerrySimPool  *pool,
                                  const char    *host_ref)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  FerrySimRow *pool_row = ferry_sim_pool_get_pool_row (pool);
  FerrySimRow *host = ferry_sim_db_lookup_in (db, "host", host_ref);

  g_return_val_if_fail (FERRY_SIM_IS_WORLD (self), FALSE);

  if (pool_row == NULL || host == NULL)
    return FALSE;

  ferry_sim_db_set_string (db, pool_row, "master", host->ref);
  ferry_sim_rpc_expire_sessions (pool);
  return TRUE;
}

void
ferry_sim_world_drop_connections (FerrySimWorld *self,
                                  const char    *host_ref,
                                  double         seconds)
{
  g_return_if_fail (FERRY_SIM_IS_WORLD (self));

  for (guint i = 0; i < self->endpoints->len; i++)
    {
      Endpoint *ep = g_ptr_array_index (self->endpoints, i);

      if (host_ref != NULL && g_strcmp0 (ep->host_ref, host_ref) != 0)
        continue;

      ep->refuse_until = g_get_monotonic_time () + (gint64) (seconds * G_TIME_SPAN_SECOND);
      for (guint j = 0; j < ep->streams->len; j++)
        g_io_stream_close (g_ptr_array_index (ep->streams, j), NULL, NULL);
      g_ptr_array_set_size (ep->streams, 0);
    }
}

void
ferry_sim_world_set_time_scale (FerrySimWorld *self,
                                double         scale)
{
  g_return_if_fail (FERRY_SIM_IS_WORLD (self));
  g_return_if_fail (scale > 0);

  /* Rebase, so that simulated time never jumps. */
  self->sim_base = ferry_sim_world_get_sim_time (self);
  self->mono_base = g_get_monotonic_time ();
  self->time_scale = scale;

  _ferry_sim_timemodel_rescale (self);
  _ferry_sim_faults_rescale (self->faults);
}

double
ferry_sim_world_get_time_scale (FerrySimWorld *self)
{
  g_return_val_if_fail (FERRY_SIM_IS_WORLD (self), 1.0);

  return self->time_scale;
}

double
ferry_sim_world_get_sim_time (FerrySimWorld *self)
{
  g_return_val_if_fail (FERRY_SIM_IS_WORLD (self), 0);

  return self->sim_base + (double) (g_get_monotonic_time () - self->mono_base) / G_TIME_SPAN_SECOND * self->time_scale;
}

FerrySimPool *
ferry_sim_world_find_pool_of (FerrySimWorld *self,
                              const char    *ref)
{
  g_return_val_if_fail (FERRY_SIM_IS_WORLD (self), NULL);

  for (guint i = 0; ref != NULL && i < self->pools->len; i++)
    {
      FerrySimPool *pool = g_ptr_array_index (self->pools, i);

      if (ferry_sim_db_lookup (ferry_sim_pool_get_db (pool), ref) != NULL)
        return pool;
    }
  return NULL;
}

FerrySimFaults *
ferry_sim_world_get_faults (FerrySimWorld *self)
{
  g_return_val_if_fail (FERRY_SIM_IS_WORLD (self), NULL);

  return self->faults;
}
