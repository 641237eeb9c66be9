/* ferry-rpc-client.h: XenAPI JSON-RPC (v2) over libsoup, to one host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ferry-trust.h"

G_BEGIN_DECLS

/* Seconds a call may take unless its caller says otherwise. */
#define FERRY_RPC_CLIENT_DEFAULT_TIMEOUT 60
/* Bytes a reply may have: a 10 000-VM pool's full event.from is ~100 MB. */
#define FERRY_RPC_CLIENT_DEFAULT_MAX_REPLY_SIZE (G_GUINT64_CONSTANT (1) << 30)

typedef enum
{
  FERRY_RPC_CALL_DEFAULT    = 0,
  /* Safe to run twice: the call may reuse a kept-alive connection (and
   * libsoup may resend it when that connection turns out to be closed).
   * Other calls always get a fresh connection, so that nothing resends them. */
  FERRY_RPC_CALL_IDEMPOTENT = 1 << 0,
  /* A reply that is small by nature (a login): capped at
   * FERRY_RPC_CLIENT_SMALL_REPLY_SIZE instead of the client's limit. */
  FERRY_RPC_CALL_SMALL_REPLY = 1 << 1,
} FerryRpcCallFlags;

#define FERRY_RPC_CLIENT_SMALL_REPLY_SIZE (1024 * 1024)

#define FERRY_TYPE_RPC_CLIENT (ferry_rpc_client_get_type ())
G_DECLARE_FINAL_TYPE (FerryRpcClient, ferry_rpc_client, FERRY, RPC_CLIENT, GObject)

/* @uri: "https://host[:port]/" (or "http://…", refused unless
 * @allow_insecure). @trust_store checks every TLS certificate; without
 * one, no certificate is accepted. */
FerryRpcClient       *ferry_rpc_client_new                (const char           *uri,
                                                           FerryTrustStore      *trust_store,
                                                           gboolean              allow_insecure);
const char           *ferry_rpc_client_get_uri            (FerryRpcClient       *self);
/* "address:port", the key of the host's certificate pin. */
const char           *ferry_rpc_client_get_host_key       (FerryRpcClient       *self);
gboolean              ferry_rpc_client_is_tls             (FerryRpcClient       *self);
guint                 ferry_rpc_client_get_timeout        (FerryRpcClient       *self);
void                  ferry_rpc_client_set_timeout        (FerryRpcClient       *self,
                                                           guint                 seconds);
guint64               ferry_rpc_client_get_max_reply_size (FerryRpcClient       *self);
void                  ferry_rpc_client_set_max_reply_size (FerryRpcClient       *self,
                                                           guint64               bytes);
/* The certificate last refused for want of trust (unknown or changed). */
FerryCertificateInfo *ferry_rpc_client_dup_refused_certificate (FerryRpcClient *self);
/* The number of calls sent and not yet answered. */
guint                 ferry_rpc_client_get_n_pending      (FerryRpcClient       *self);
/* Aborts every call (FERRY_RPC_ERROR_CLOSED) and drops the connections. */
void                  ferry_rpc_client_close              (FerryRpcClient       *self);

/* Calls @method with @params (may be NULL). @timeout_seconds 0 means the
 * client's timeout. The result is parsed on a worker thread. Errors:
 * FERRY_XAPI_ERROR for a failure xapi reported, FERRY_RPC_ERROR for
 * everything else, G_IO_ERROR_CANCELLED. */
void                  ferry_rpc_client_call_async         (FerryRpcClient       *self,
                                                           const char           *method,
                                                           JsonArray            *params,
                                                           guint                 timeout_seconds,
                                                           FerryRpcCallFlags     flags,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
JsonNode             *ferry_rpc_client_call_finish        (FerryRpcClient       *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

/* Runs on the parser thread with the call's result (borrowed) and turns it
 * into whatever the caller wants on the main thread (e.g. a cache batch),
 * so that a large tree is also freed off the main thread. */
typedef gpointer (*FerryRpcTransformFunc) (JsonNode  *result,
                                           gpointer   user_data,
                                           GError   **error);

void                  ferry_rpc_client_call_transformed_async  (FerryRpcClient        *self,
                                                                const char            *method,
                                                                JsonArray             *params,
                                                                guint                  timeout_seconds,
                                                                FerryRpcCallFlags      flags,
                                                                FerryRpcTransformFunc  transform,
                                                                gpointer               transform_data,
                                                                GDestroyNotify         result_free,
                                                                GCancellable          *cancellable,
                                                                GAsyncReadyCallback    callback,
                                                                gpointer               user_data);
gpointer              ferry_rpc_client_call_transformed_finish (FerryRpcClient        *self,
                                                                GAsyncResult          *result,
                                                                GError               **error);

/* Runs on the parser thread with the raw reply body, for replies too big
 * for a json-glib tree (a pool's event.from snapshot). Returning NULL with
 * G_IO_ERROR_INVALID_DATA means "not a successful result": the body is then
 * parsed as usual, which turns an xapi failure into its FERRY_XAPI_ERROR. */
typedef gpointer (*FerryRpcRawFunc) (GBytes    *body,
                                     gpointer   user_data,
                                     GError   **error);

/* Like ferry_rpc_client_call_transformed_async(); finish it with
 * ferry_rpc_client_call_transformed_finish(). */
void                  ferry_rpc_client_call_raw_async      (FerryRpcClient        *self,
                                                            const char            *method,
                                                            JsonArray             *params,
                                                            guint                  timeout_seconds,
                                                            FerryRpcCallFlags      flags,
                                                            FerryRpcRawFunc        func,
                                                            gpointer               func_data,
                                                            GDestroyNotify         result_free,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);

/* Parses a JSON-RPC reply (v1 or v2, both error shapes). For tests and
 * the parser thread. */
JsonNode             *ferry_rpc_parse_reply               (const char           *data,
                                                           gsize                 length,
                                                           gint64                expected_id,
                                                           GError              **error);

/* Whether a call that failed with @error may be sent again as it is: it
 * never reached xapi, or it did but did nothing (SESSION_INVALID). */
gboolean              ferry_rpc_error_is_unsent           (const GError         *error);
/* Whether @error means that the host could not be reached or was lost. */
gboolean              ferry_rpc_error_is_transport        (const GError         *error);

G_END_DECLS
