/* ferry-rpc-client.c
 *
 * One FerryRpcClient talks to one host: JSON-RPC v2 POSTed to /jsonrpc on a
 * SoupSession that keeps up to MAX_CONNS_PER_HOST HTTP/1.1 connections
 * alive, so that a long event.from poll and ordinary calls run side by side.
 * Calls the caller marks idempotent reuse those connections; libsoup gives
 * every other POST a fresh one, and never resends it on its own.
 *
 * Each call has a timeout in seconds (the client's, or its own) and a cap
 * on the reply size; the reply is read on the caller's main context and
 * parsed with json-glib on a worker thread. Replies are never logged, and
 * neither are parameters: login parameters hold a password.
 *
 * TLS: the session has no certificate database, so every certificate
 * reaches "accept-certificate", where only the pinned one passes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rpc-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "ferry-error.h"
#include "ferry-rpc-client.h"
#include "ferry-trust-private.h"

#define READ_CHUNK          (1024 * 1024)
#define MAX_CONNS_PER_HOST  8
/* Below ferry-sim's 30 s and stunnel's idle limits: we close first. */
#define IDLE_TIMEOUT        20

struct _FerryRpcClient
{
  GObject               parent_instance;

  char                 *uri_string;
  GUri                 *jsonrpc_uri;
  char                 *host_key;
  FerryTrustStore      *trust_store;
  SoupSession          *session;
  FerryCertificateInfo *refused;
  GPtrArray            *pending;   /* of Call */
  guint                 timeout;
  guint64               max_reply_size;
  gint64                next_id;
  gboolean              allow_insecure;
  gboolean              tls;
  gboolean              closed;
};

G_DEFINE_FINAL_TYPE (FerryRpcClient, ferry_rpc_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URI,
  PROP_TRUST_STORE,
  PROP_ALLOW_INSECURE,
  PROP_TIMEOUT,
  PROP_MAX_REPLY_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  FerryRpcClient *self;            /* borrowed: the task holds it */
  char           *method;
  gint64          id;
  SoupMessage    *msg;
  GInputStream   *stream;
  GByteArray     *body;
  GCancellable   *cancellable;     /* ours, handed to libsoup */
  GCancellable   *user_cancellable;
  gulong          user_cancelled_id;
  GSource        *timeout_source;
  GError         *trust_error;
  gint64          started;
  guint64         max_size;
  guint           timeout;
  gboolean        timed_out;
  gboolean        closed;
  gboolean        written;
  gboolean        io_done;
  FerryRpcTransformFunc transform;
  FerryRpcRawFunc raw;
  gpointer        transform_data;
  GDestroyNotify  result_free;
} Call;

static void
call_free (Call *call)
{
  g_assert (call->timeout_source == NULL);
  g_assert (call->user_cancelled_id == 0);

  g_clear_object (&call->msg);
  g_clear_object (&call->stream);
  g_clear_pointer (&call->body, g_byte_array_unref);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->user_cancellable);
  g_clear_error (&call->trust_error);
  g_free (call->method);
  g_free (call);
}

static void
ferry_rpc_client_constructed (GObject *object)
{
  FerryRpcClient *self = (FerryRpcClient *)object;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (ferry_rpc_client_parent_class)->constructed (object);

  uri = g_uri_parse (self->uri_string ? self->uri_string : "", G_URI_FLAGS_NONE, &error);
  if (uri != NULL)
    {
      self->tls = g_strcmp0 (g_uri_get_scheme (uri), "https") == 0;
      self->host_key = ferry_host_key_from_uri (uri);
      self->jsonrpc_uri = g_uri_parse_relative (uri, "/jsonrpc", G_URI_FLAGS_NONE, NULL);
    }
  else
    g_debug ("Unusable URI: %s", error->message);

  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "max-conns", MAX_CONNS_PER_HOST * 2,
                                "max-conns-per-host", MAX_CONNS_PER_HOST,
                                "idle-timeout", IDLE_TIMEOUT,
                                "user-agent", "Ferry/" PACKAGE_VERSION,
                                NULL);
  /* No CA database: no certificate passes unless it is pinned. */
  soup_session_set_tls_database (self->session, NULL);
}

static void
ferry_rpc_client_dispose (GObject *object)
{
  FerryRpcClient *self = (FerryRpcClient *)object;

  if (self->session != NULL)
    soup_session_abort (self->session);

  G_OBJECT_CLASS (ferry_rpc_client_parent_class)->dispose (object);
}

static void
ferry_rpc_client_finalize (GObject *object)
{
  FerryRpcClient *self = (FerryRpcClient *)object;

  g_free (self->uri_string);
  g_free (self->host_key);
  g_clear_pointer (&self->jsonrpc_uri, g_uri_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_object (&self->trust_store);
  g_clear_object (&self->session);
  g_clear_object (&self->refused);

  G_OBJECT_CLASS (ferry_rpc_client_parent_class)->finalize (object);
}

static void
ferry_rpc_client_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FerryRpcClient *self = FERRY_RPC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri_string);
      break;
    case PROP_TRUST_STORE:
      g_value_set_object (value, self->trust_store);
      break;
    case PROP_ALLOW_INSECURE:
      g_value_set_boolean (value, self->allow_insecure);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_MAX_REPLY_SIZE:
      g_value_set_uint64 (value, self->max_reply_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_rpc_client_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FerryRpcClient *self = FERRY_RPC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URI:
      self->uri_string = g_value_dup_string (value);
      break;
    case PROP_TRUST_STORE:
      self->trust_store = g_value_dup_object (value);
      break;
    case PROP_ALLOW_INSECURE:
      self->allow_insecure = g_value_get_boolean (value);
      break;
    case PROP_TIMEOUT:
      ferry_rpc_client_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_MAX_REPLY_SIZE:
      ferry_rpc_client_set_max_reply_size (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_rpc_client_class_init (FerryRpcClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = ferry_rpc_client_constructed;
  object_class->dispose = ferry_rpc_client_dispose;
  object_class->finalize = ferry_rpc_client_finalize;
  object_class->get_property = ferry_rpc_client_get_property;
  object_class->set_property = ferry_rpc_client_set_property;

  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRUST_STORE] =
    g_param_spec_object ("trust-store", NULL, NULL, FERRY_TYPE_TRUST_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOW_INSECURE] =
    g_param_spec_boolean ("allow-insecure", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT, FERRY_RPC_CLIENT_DEFAULT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_REPLY_SIZE] =
    g_param_spec_uint64 ("max-reply-size", NULL, NULL, 1024, G_MAXUINT64,
                         FERRY_RPC_CLIENT_DEFAULT_MAX_REPLY_SIZE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ferry_rpc_client_init (FerryRpcClient *self)
{
  self->timeout = FERRY_RPC_CLIENT_DEFAULT_TIMEOUT;
  self->max_reply_size = FERRY_RPC_CLIENT_DEFAULT_MAX_REPLY_SIZE;
  self->pending = g_ptr_array_new ();
  self->next_id = 1;
}

FerryRpcClient *
ferry_rpc_client_new (const char      *uri,
                      FerryTrustStore *trust_store,
                      gboolean         allow_insecure)
{
  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (!trust_store || FERRY_IS_TRUST_STORE (trust_store), NULL);

  return g_object_new (FERRY_TYPE_RPC_CLIENT,
                       "uri", uri,
                       "trust-store", trust_store,
                       "allow-insecure", allow_insecure,
                       NULL);
}

const char *
ferry_rpc_client_get_uri (FerryRpcClient *self)
{
  g_return_val_if_fail (FERRY_IS_RPC_CLIENT (self), NULL);
  return self->uri_string;
}

const char *
ferry_rpc_client_get_host_key (FerryRpcClient *self)
{
  g_return_val_if_fail (FERRY_IS_RPC_CLIENT (self), NULL);
  return self->host_key;
}

gboolean
ferry_rpc_client_is_tls (FerryRpcClient *self)
{
  g_return_val_if_fail (FERRY_IS_RPC_CLIENT (self), FALSE);
  return self->tls;
}

guint
ferry_rpc_client_get_timeout (FerryRpcClient *self)
{
  g_return_val_if_fail (FERRY_IS_RPC_CLIENT (self), 0);
  return self->timeout;
}

void
ferry_rpc_client_set_timeout (FerryRpcClient *self,
                              guint           seconds)
{
  g_return_if_fail (FERRY_IS_RPC_CLIENT (self));
  g_return_if_fail (seconds > 0);

  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

guint64
ferry_rpc_client_get_max_reply_size (FerryRpcClient *self)
{
  g_return_val_if_fail (FERRY_IS_RPC_CLIENT (self), 0);
  return self->max_reply_size;
}

void
ferry_rpc_client_set_max_reply_size (FerryRpcClient *self,
                                     guint64         bytes)
{
  g_return_if_fail (FERRY_IS_RPC_CLIENT (self));

  if (self->max_reply_size == bytes)
    return;
  self->max_reply_size = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_REPLY_SIZE]);
}

FerryCertificateInfo *
ferry_rpc_client_dup_refused_certificate (FerryRpcClient *self)
{
  g_return_val_if_fail (FERRY_IS_RPC_CLIENT (self), NULL);
  return self->refused ? g_object_ref (self->refused) : NULL;
}

guint
ferry_rpc_client_get_n_pending (FerryRpcClient *self)
{
  g_return_val_if_fail (FERRY_IS_RPC_CLIENT (self), 0);
  return self->pending->len;
}

void
ferry_rpc_client_close (FerryRpcClient *self)
{
  g_autoptr(GPtrArray) pending = NULL;

  g_return_if_fail (FERRY_IS_RPC_CLIENT (self));

  self->closed = TRUE;
  pending = g_ptr_array_copy (self->pending, NULL, NULL);
  for (guint i = 0; i < pending->len; i++)
    {
      Call *call = g_ptr_array_index (pending, i);

      call->closed = TRUE;
      g_cancellable_cancel (call->cancellable);
    }
  soup_session_abort (self->session);
}

/* Replies */

static gboolean
node_to_param (JsonNode  *node,
               char     **out)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          *out = g_strdup (json_node_get_string (node));
          return TRUE;
        case G_TYPE_INT64:
          *out = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
          return TRUE;
        case G_TYPE_BOOLEAN:
          *out = g_strdup (json_node_get_boolean (node) ? "true" : "false");
          return TRUE;
        default:
          break;
        }
    }
  *out = json_to_string (node, FALSE);
  return TRUE;
}

static GError *
protocol_error (const char *message)
{
  return g_error_new_literal (FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL, message);
}

/* v2: {"code":1,"message":"CODE","data":[…]}; v1 and xapi's pre-dispatch
 * v2 replies: ["CODE", …]. */
static GError *
parse_failure (JsonNode *error_node)
{
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;

  if (JSON_NODE_HOLDS_OBJECT (error_node))
    {
      JsonObject *object = json_node_get_object (error_node);
      JsonNode *message = json_object_get_member (object, "message");
      JsonNode *data = json_object_get_member (object, "data");

      if (message == NULL || json_node_get_value_type (message) != G_TYPE_STRING)
        return protocol_error (_("The server reported an error without a code"));
      name = g_strdup (json_node_get_string (message));

      if (data != NULL && JSON_NODE_HOLDS_ARRAY (data))
        {
          JsonArray *array = json_node_get_array (data);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              char *text;
              node_to_param (json_array_get_element (array, i), &text);
              g_ptr_array_add (params, text);
            }
        }
      else if (data != NULL && !JSON_NODE_HOLDS_NULL (data))
        {
          char *text;
          node_to_param (data, &text);
          g_ptr_array_add (params, text);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (error_node))
    {
      JsonArray *array = json_node_get_array (error_node);

      if (json_array_get_length (array) == 0 ||
          json_node_get_value_type (json_array_get_element (array, 0)) != G_TYPE_STRING)
        return protocol_error (_("The server reported an error without a code"));
      name = g_strdup (json_array_get_string_element (array, 0));
      for (guint i = 1; i < json_array_get_length (array); i++)
        {
          char *text;
          node_to_param (json_array_get_element (array, i), &text);
          g_ptr_array_add (params, text);
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (error_node) && json_node_get_value_type (error_node) == G_TYPE_STRING)
    name = g_strdup (json_node_get_string (error_node));
  else
    return protocol_error (_("The server reported an error in an unknown form"));

  g_ptr_array_add (params, NULL);
  return ferry_xapi_error_new (name, (const char * const *) params->pdata);
}

static gboolean
id_matches (JsonNode *id,
            gint64    expected)
{
  if (expected < 0)
    return TRUE;
  if (id == NULL || !JSON_NODE_HOLDS_VALUE (id))
    return FALSE;
  if (json_node_get_value_type (id) == G_TYPE_INT64)
    return json_node_get_int (id) == expected;
  if (json_node_get_value_type (id) == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (id), NULL, 10) == expected;
  return FALSE;
}

/* json-glib's parser recurses once per nesting level, without a limit: a
 * reply nested a hundred thousand levels deep overflows the parser
 * thread's stack (tests/security: a hostile server). No XenAPI reply comes
 * anywhere near this depth. */
#define MAX_REPLY_DEPTH 512

static gboolean
too_deep (const char *data,
          gsize       length)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_REPLY_DEPTH)
            return TRUE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return FALSE;
}

JsonNode *
ferry_rpc_parse_reply (const char  *data,
                       gsize        length,
                       gint64       expected_id,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *error_node;
  JsonNode *result;

  if (length == 0)
    {
      g_propagate_error (error, protocol_error (_("The server sent an empty reply")));
      return NULL;
    }

  if (too_deep (data, length))
    {
      g_propagate_error (error, protocol_error (_("The server sent a reply nested too deeply")));
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL,
                   _("The server sent a reply that is not JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, protocol_error (_("The server sent a reply that is not a JSON-RPC response")));
      return NULL;
    }

  object = json_node_get_object (root);
  error_node = json_object_get_member (object, "error");
  if (error_node != NULL && !JSON_NODE_HOLDS_NULL (error_node))
    {
      g_propagate_error (error, parse_failure (error_node));
      return NULL;
    }

  if (!id_matches (json_object_get_member (object, "id"), expected_id))
    {
      g_propagate_error (error, protocol_error (_("The server answered a different request")));
      return NULL;
    }

  if (!json_object_has_member (object, "result"))
    {
      g_propagate_error (error, protocol_error (_("The server sent a reply without a result")));
      return NULL;
    }

  /* Keep the result, let the rest of the tree go. */
  result = json_node_ref (json_object_get_member (object, "result"));
  json_object_remove_member (object, "result");
  json_node_set_parent (result, NULL);
  return result;
}

gboolean
ferry_rpc_error_is_unsent (const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (error->domain == FERRY_XAPI_ERROR)
    return error->code == FERRY_XAPI_ERROR_SESSION_INVALID ||
           error->code == FERRY_XAPI_ERROR_HOST_IS_SLAVE;
  return g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION) ||
         g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NOT_CONNECTED);
}

gboolean
ferry_rpc_error_is_transport (const GError *error)
{
  if (error == NULL || error->domain != FERRY_RPC_ERROR)
    return FALSE;

  switch ((FerryRpcError) error->code)
    {
    case FERRY_RPC_ERROR_CONNECTION:
    case FERRY_RPC_ERROR_CONNECTION_LOST:
    case FERRY_RPC_ERROR_TIMEOUT:
    case FERRY_RPC_ERROR_HTTP:
    case FERRY_RPC_ERROR_PROTOCOL:
    case FERRY_RPC_ERROR_REPLY_TOO_LARGE:
    case FERRY_RPC_ERROR_TLS:
      return TRUE;
    case FERRY_RPC_ERROR_FAILED:
    case FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN:
    case FERRY_RPC_ERROR_CERTIFICATE_CHANGED:
    case FERRY_RPC_ERROR_CERTIFICATE_REJECTED:
    case FERRY_RPC_ERROR_INSECURE:
    case FERRY_RPC_ERROR_NO_CREDENTIALS:
    case FERRY_RPC_ERROR_NOT_CONNECTED:
    case FERRY_RPC_ERROR_CLOSED:
    case FERRY_RPC_ERROR_TASK_LOST:
    case FERRY_RPC_ERROR_NO_MASTER:
    default:
      return FALSE;
    }
}

/* Calls */

static void
call_stop_io (Call *call)
{
  FerryRpcClient *self = call->self;

  if (call->io_done)
    return;
  call->io_done = TRUE;

  if (call->timeout_source != NULL)
    {
      g_source_destroy (call->timeout_source);
      g_clear_pointer (&call->timeout_source, g_source_unref);
    }
  if (call->user_cancelled_id != 0)
    {
      g_cancellable_disconnect (call->user_cancellable, call->user_cancelled_id);
      call->user_cancelled_id = 0;
    }
  g_ptr_array_remove (self->pending, call);
}

static GError *
map_error (Call   *call,
           GError *error)
{
  FerryRpcClient *self = call->self;
  g_autoptr(GError) owned = error;

  if (call->trust_error != NULL)
    return g_steal_pointer (&call->trust_error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (call->closed)
        return g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_CLOSED,
                            _("The connection to %s was closed"), self->host_key);
      if (call->timed_out)
        return g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_TIMEOUT,
                            _("%s did not answer %s within %u seconds"),
                            self->host_key, call->method, call->timeout);
      return g_steal_pointer (&owned);
    }

  if (error->domain == G_TLS_ERROR)
    return g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_TLS,
                        _("The secure connection to %s failed: %s"), self->host_key, error->message);

  if (!call->written)
    return g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION,
                        _("Could not reach %s: %s"), self->host_key, error->message);

  return g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION_LOST,
                      _("The connection to %s broke during %s: %s"),
                      self->host_key, call->method, error->message);
}

static void
call_fail (GTask  *task,
           GError *error)
{
  Call *call = g_task_get_task_data (task);

  call_stop_io (call);
  g_debug ("#%" G_GINT64_FORMAT " %s failed after %.1f ms: %s", call->id, call->method,
           (g_get_monotonic_time () - call->started) / 1000.0, error->message);
  g_task_return_error (task, error);
}

static GError *
too_large_error (Call *call)
{
  g_autofree char *limit = g_format_size_full (call->max_size, G_FORMAT_SIZE_IEC_UNITS);

  return g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_REPLY_TOO_LARGE,
                      _("The reply of %s to %s is larger than %s"),
                      call->self->host_key, call->method, limit);
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Call *call = task_data;
  GError *error = NULL;
  JsonNode *result;

  if (call->raw != NULL)
    {
      g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&call->body));
      g_autoptr(GError) parse_error = NULL;
      gpointer out = call->raw (body, call->transform_data, &error);

      if (out != NULL)
        {
          g_task_return_pointer (task, out, call->result_free);
          return;
        }

      /* Not a successful result: most likely an xapi failure. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
        {
          gsize length;
          const char *data = g_bytes_get_data (body, &length);

          result = ferry_rpc_parse_reply (data, length, call->id, &parse_error);
          if (result == NULL)
            {
              g_clear_error (&error);
              error = g_steal_pointer (&parse_error);
            }
          else
            {
              GError *protocol = g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL,
                                              _("The server sent a reply in an unknown form: %s"),
                                              error->message);

              json_node_unref (result);
              g_clear_error (&error);
              error = protocol;
            }
        }
      if (error == NULL)
        error = g_error_new_literal (FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL,
                                     _("The server sent a reply in an unknown form"));
      g_task_return_error (task, error);
      return;
    }

  result = ferry_rpc_parse_reply ((const char *) call->body->data, call->body->len, call->id, &error);
  /* The reply text is no longer needed: drop it before the tree is used. */
  g_clear_pointer (&call->body, g_byte_array_unref);

  if (result == NULL)
    g_task_return_error (task, error);
  else if (call->transform != NULL)
    {
      gpointer out = call->transform (result, call->transform_data, &error);

      json_node_unref (result);
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, out, call->result_free);
    }
  else
    g_task_return_pointer (task, result, (GDestroyNotify) json_node_unref);
}

static void read_next (GTask *task);

static void
on_read_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;
  guint filled;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  filled = call->body->len - MIN (call->body->len, READ_CHUNK);

  if (n < 0)
    {
      call_fail (task, map_error (call, g_steal_pointer (&error)));
      return;
    }

  /* read_next() grew the array by READ_CHUNK; keep what arrived. */
  g_byte_array_set_size (call->body, filled + n);

  if (n == 0)
    {
      call_stop_io (call);
      g_debug ("#%" G_GINT64_FORMAT " %s: %u bytes in %.1f ms", call->id, call->method,
               call->body->len, (g_get_monotonic_time () - call->started) / 1000.0);
      g_clear_object (&call->stream);
      g_task_run_in_thread (task, parse_thread);
      return;
    }

  if (call->body->len > call->max_size)
    {
      g_cancellable_cancel (call->cancellable);
      call_fail (task, too_large_error (call));
      return;
    }

  read_next (g_steal_pointer (&task));
}

static void
read_next (GTask *task)
{
  Call *call = g_task_get_task_data (task);
  guint filled = call->body->len;

  g_byte_array_set_size (call->body, filled + READ_CHUNK);
  g_input_stream_read_async (call->stream, call->body->data + filled, READ_CHUNK,
                             G_PRIORITY_DEFAULT, call->cancellable, on_read_cb, task);
}

static void
on_send_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  FerryRpcClient *self = call->self;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  guint status;

  call->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (call->stream == NULL)
    {
      call_fail (task, map_error (call, g_steal_pointer (&error)));
      return;
    }

  status = soup_message_get_status (call->msg);
  if (status != SOUP_STATUS_OK)
    {
      call_fail (task, g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_HTTP,
                                    _("%s answered %s with HTTP status %u (%s)"),
                                    self->host_key, call->method, status,
                                    soup_message_get_reason_phrase (call->msg)));
      return;
    }

  headers = soup_message_get_response_headers (call->msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      goffset length = soup_message_headers_get_content_length (headers);

      if ((guint64) length > call->max_size)
        {
          call_fail (task, too_large_error (call));
          return;
        }
      call->body = g_byte_array_sized_new (length + READ_CHUNK);
    }
  else
    call->body = g_byte_array_sized_new (READ_CHUNK);

  g_byte_array_set_size (call->body, 0);
  read_next (g_steal_pointer (&task));
}

static gboolean
on_accept_certificate_cb (SoupMessage          *msg,
                          GTlsCertificate      *certificate,
                          GTlsCertificateFlags  errors,
                          gpointer              user_data)
{
  Call *call = user_data;
  FerryRpcClient *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryCertificateInfo) info = NULL;

  if (self->trust_store != NULL &&
      ferry_trust_store_check (self->trust_store, self->host_key, certificate, &error))
    return TRUE;

  info = ferry_certificate_info_new (self->host_key, certificate);
  if (error == NULL)
    g_set_error (&error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN,
                 _("The certificate of %s is not trusted"), self->host_key);
  else if (g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED))
    {
      g_autofree char *pinned = ferry_trust_store_dup_pin (self->trust_store, self->host_key);
      _ferry_certificate_info_set_pinned_fingerprint (info, pinned);
    }

  g_debug ("Refusing the certificate of %s: %s", self->host_key, error->message);
  g_set_object (&self->refused, info);
  g_clear_error (&call->trust_error);
  call->trust_error = g_steal_pointer (&error);
  return FALSE;
}

static void
on_wrote_body_cb (SoupMessage *msg,
                  gpointer     user_data)
{
  Call *call = user_data;

  call->written = TRUE;
}

static void
on_user_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  /* May run on any thread: only touch the (thread-safe) cancellable. */
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  Call *call = user_data;

  call->timed_out = TRUE;
  g_clear_pointer (&call->timeout_source, g_source_unref);
  g_cancellable_cancel (call->cancellable);
  return G_SOURCE_REMOVE;
}

static GBytes *
build_request (const char *method,
               JsonArray  *params,
               gint64      id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) params_node = json_node_new (JSON_NODE_ARRAY);
  gsize len;
  char *text;

  if (params != NULL)
    json_node_set_array (params_node, params);
  else
    json_node_take_array (params_node, json_array_new ());

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jsonrpc");
  json_builder_add_string_value (builder, "2.0");
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, method);
  json_builder_set_member_name (builder, "params");
  json_builder_add_value (builder, g_steal_pointer (&params_node));
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  return g_bytes_new_take (text, len);
}

static void call_start (FerryRpcClient        *self,
                        const char            *method,
                        JsonArray             *params,
                        guint                  timeout_seconds,
                        FerryRpcCallFlags      flags,
                        FerryRpcTransformFunc  transform,
                        FerryRpcRawFunc        raw,
                        gpointer               transform_data,
                        GDestroyNotify         result_free,
                        GCancellable          *cancellable,
                        GAsyncReadyCallback    callback,
                        gpointer               user_data);

void
ferry_rpc_client_call_async (FerryRpcClient      *self,
                             const char          *method,
                             JsonArray           *params,
                             guint                timeout_seconds,
                             FerryRpcCallFlags    flags,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  ferry_rpc_client_call_transformed_async (self, method, params, timeout_seconds, flags,
                                           NULL, NULL, NULL,
                                           cancellable, callback, user_data);
}

void
ferry_rpc_client_call_raw_async (FerryRpcClient      *self,
                                 const char          *method,
                                 JsonArray           *params,
                                 guint                timeout_seconds,
                                 FerryRpcCallFlags    flags,
                                 FerryRpcRawFunc      func,
                                 gpointer             func_data,
                                 GDestroyNotify       result_free,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (func != NULL);

  call_start (self, method, params, timeout_seconds, flags, NULL, func, func_data, result_free,
              cancellable, callback, user_data);
}

JsonNode *
ferry_rpc_client_call_finish (FerryRpcClient  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  return ferry_rpc_client_call_transformed_finish (self, result, error);
}

static void
call_start (FerryRpcClient        *self,
            const char            *method,
            JsonArray             *params,
            guint                  timeout_seconds,
            FerryRpcCallFlags      flags,
            FerryRpcTransformFunc  transform,
            FerryRpcRawFunc        raw,
            gpointer               transform_data,
            GDestroyNotify         result_free,
            GCancellable          *cancellable,
            GAsyncReadyCallback    callback,
            gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;
  Call *call;

  g_return_if_fail (FERRY_IS_RPC_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, call_start);
  g_task_set_name (task, "ferry_rpc_client_call_async");

  call = g_new0 (Call, 1);
  call->self = self;
  call->method = g_strdup (method);
  call->id = self->next_id++;
  call->timeout = timeout_seconds > 0 ? timeout_seconds : self->timeout;
  call->max_size = self->max_reply_size;
  if (flags & FERRY_RPC_CALL_SMALL_REPLY)
    call->max_size = MIN (call->max_size, FERRY_RPC_CLIENT_SMALL_REPLY_SIZE);
  call->started = g_get_monotonic_time ();
  call->cancellable = g_cancellable_new ();
  call->transform = transform;
  call->raw = raw;
  call->transform_data = transform_data;
  call->result_free = result_free;
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  if (self->jsonrpc_uri == NULL)
    {
      g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_FAILED,
                               _("“%s” is not a usable server address"), self->uri_string);
      call->io_done = TRUE;
      return;
    }

  if (self->closed)
    {
      g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CLOSED,
                               _("The connection to %s was closed"), self->host_key);
      call->io_done = TRUE;
      return;
    }

  if (!self->tls && !self->allow_insecure)
    {
      g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_INSECURE,
                               _("Refusing to talk to %s without encryption"), self->host_key);
      call->io_done = TRUE;
      return;
    }

  g_ptr_array_add (self->pending, call);

  body = build_request (method, params, call->id);
  call->msg = soup_message_new_from_uri (SOUP_METHOD_POST, self->jsonrpc_uri);
  soup_message_set_request_body_from_bytes (call->msg, "application/json", body);
  /* libsoup opens a new connection for every non-idempotent request; only
   * calls that may run twice share the kept-alive ones. */
  if (flags & FERRY_RPC_CALL_IDEMPOTENT)
    soup_message_add_flags (call->msg, SOUP_MESSAGE_IDEMPOTENT);
  g_signal_connect (call->msg, "accept-certificate", G_CALLBACK (on_accept_certificate_cb), call);
  g_signal_connect (call->msg, "wrote-body", G_CALLBACK (on_wrote_body_cb), call);

  if (cancellable != NULL)
    {
      call->user_cancellable = g_object_ref (cancellable);
      call->user_cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_user_cancelled_cb),
                                                       g_object_ref (call->cancellable), g_object_unref);
    }

  call->timeout_source = g_timeout_source_new_seconds (call->timeout);
  g_source_set_callback (call->timeout_source, on_timeout_cb, call, NULL);
  g_source_set_static_name (call->timeout_source, "[ferry-rpc-client] timeout");
  g_source_attach (call->timeout_source, g_task_get_context (task));

  g_debug ("#%" G_GINT64_FORMAT " %s to %s", call->id, method, self->host_key);

  soup_session_send_async (self->session, call->msg, G_PRIORITY_DEFAULT, call->cancellable,
                           on_send_cb, g_steal_pointer (&task));
}

void
ferry_rpc_client_call_transformed_async (FerryRpcClient        *self,
                                         const char            *method,
                                         JsonArray             *params,
                                         guint                  timeout_seconds,
                                         FerryRpcCallFlags      flags,
                                         FerryRpcTransformFunc  transform,
                                         gpointer               transform_data,
                                         GDestroyNotify         result_free,
                                         GCancellable          *cancellable,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data)
{
  call_start (self, method, params, timeout_seconds, flags, transform, NULL, transform_data,
              result_free, cancellable, callback, user_data);
}

gpointer
ferry_rpc_client_call_transformed_finish (FerryRpcClient  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  g_return_val_if_fail (FERRY_IS_RPC_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
