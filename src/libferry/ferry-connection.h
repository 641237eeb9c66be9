/* ferry-connection.h: one pool (or standalone host): session, fail-over, events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ferry-cache.h"
#include "ferry-trust.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_CONNECTION_STATE_DISCONNECTED,
  FERRY_CONNECTION_STATE_CONNECTING,
  FERRY_CONNECTION_STATE_CONNECTED,
  FERRY_CONNECTION_STATE_RECONNECTING,  /* see FerryConnection:reconnect-in */
  FERRY_CONNECTION_STATE_FAILED,        /* see FerryConnection:error */
} FerryConnectionState;

typedef enum
{
  FERRY_TRANSPORT_HTTPS,  /* the default */
  FERRY_TRANSPORT_HTTP,   /* only when the user chose it, or the built-in demo on loopback */
} FerryTransport;

typedef enum
{
  FERRY_CALL_NONE       = 0,
  /* Safe to send again when the connection broke before its reply came
   * (getters, get_all_records, task.get_record, …). Other calls then fail
   * with FERRY_RPC_ERROR_CONNECTION_LOST: they may or may not have run. */
  FERRY_CALL_IDEMPOTENT = 1 << 0,
  /* Fail at once instead of waiting while the connection is re-established. */
  FERRY_CALL_NO_WAIT    = 1 << 1,
} FerryCallFlags;

GType ferry_connection_state_get_type (void);
GType ferry_transport_get_type        (void);
GType ferry_call_flags_get_type       (void);
#define FERRY_TYPE_CONNECTION_STATE (ferry_connection_state_get_type ())
#define FERRY_TYPE_TRANSPORT        (ferry_transport_get_type ())
#define FERRY_TYPE_CALL_FLAGS       (ferry_call_flags_get_type ())

/* Signals:
 *
 * "trust-request" (FerryTrustRequest *request) → gboolean: a host presented
 *   a certificate that is not pinned yet. A handler that returns TRUE takes
 *   the request and answers it, now or later, with
 *   ferry_trust_request_complete(); accepting pins the certificate. When no
 *   handler takes it, the connection fails with
 *   FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN. A certificate that differs from
 *   its pin is never asked about: it fails with
 *   FERRY_RPC_ERROR_CERTIFICATE_CHANGED, and
 *   ferry_connection_get_refused_certificate() tells both fingerprints. It
 *   stays refused until someone replaces the pin (ferry_trust_store_pin()).
 */
#define FERRY_TYPE_CONNECTION (ferry_connection_get_type ())
G_DECLARE_FINAL_TYPE (FerryConnection, ferry_connection, FERRY, CONNECTION, GObject)

/* The originator every login sends: "Ferry/<version>". */
const char           *ferry_connection_get_originator      (void);

/* @address: "host", "host:port" or "https://host:port/". A "http://"
 * address is the explicit choice of plain HTTP. */
FerryConnection      *ferry_connection_new                 (const char           *address,
                                                            const char           *username,
                                                            FerryTransport        transport);
const char           *ferry_connection_get_id              (FerryConnection      *self);
const char           *ferry_connection_get_address         (FerryConnection      *self);
const char           *ferry_connection_get_username        (FerryConnection      *self);
FerryTransport        ferry_connection_get_transport       (FerryConnection      *self);
FerryConnectionState  ferry_connection_get_state           (FerryConnection      *self);
/* Why the connection failed (FAILED) or was lost (RECONNECTING), else NULL. */
const GError         *ferry_connection_get_error           (FerryConnection      *self);
/* Seconds until the next attempt while RECONNECTING. */
guint                 ferry_connection_get_reconnect_in    (FerryConnection      *self);
/* "Connected", "Reconnecting in 4 s", "Failed: …": for a status line. */
char                 *ferry_connection_dup_status_text     (FerryConnection      *self);
/* "address:port" of the master this connection talks to, once known. */
const char           *ferry_connection_get_master_address  (FerryConnection      *self);
const char           *ferry_connection_get_pool_name       (FerryConnection      *self);
/* The certificate a login was refused for while the error is
 * FERRY_RPC_ERROR_CERTIFICATE_CHANGED (or _UNKNOWN, _REJECTED); else NULL.
 * Its host is the "address:port" it was presented on, its fingerprint the
 * one presented now and, for a changed one,
 * ferry_certificate_info_get_pinned_fingerprint() the one trusted before. */
FerryCertificateInfo *ferry_connection_get_refused_certificate (FerryConnection *self);
/* Addresses of every pool member known (from the cache, or restored). */
const char * const   *ferry_connection_get_members         (FerryConnection      *self);
void                  ferry_connection_set_members         (FerryConnection      *self,
                                                            const char * const   *members);
FerryCache           *ferry_connection_get_cache           (FerryConnection      *self);
FerryTrustStore      *ferry_connection_get_trust_store     (FerryConnection      *self);
void                  ferry_connection_set_trust_store     (FerryConnection      *self,
                                                            FerryTrustStore      *store);
/* A fingerprint the user already vouched for (ferry-cli --trust-fingerprint):
 * a first-contact certificate with it is pinned without asking. */
void                  ferry_connection_set_trusted_fingerprint (FerryConnection  *self,
                                                            const char           *fingerprint);
/* Kept in memory only, for logins and re-logins; never logged or written. */
void                  ferry_connection_set_password        (FerryConnection      *self,
                                                            const char           *password);
gboolean              ferry_connection_has_password        (FerryConnection      *self);
guint                 ferry_connection_get_timeout         (FerryConnection      *self);
void                  ferry_connection_set_timeout         (FerryConnection      *self,
                                                            guint                 seconds);
void                  ferry_connection_set_reconnect_delays (FerryConnection     *self,
                                                            double                min_seconds,
                                                            double                max_seconds);
/* FALSE: no event.from loop and no cache (one-shot command-line use). */
void                  ferry_connection_set_events_enabled  (FerryConnection      *self,
                                                            gboolean              enabled);
/* The classes event.from watches; NULL means every class ("*"). "task"
 * and the classes the connection itself needs are always added. */
void                  ferry_connection_set_event_classes   (FerryConnection      *self,
                                                            const char * const   *classes);
void                  ferry_connection_set_event_timeout   (FerryConnection      *self,
                                                            double                seconds);
void                  ferry_connection_set_max_reply_size  (FerryConnection      *self,
                                                            guint64               bytes);
/* Logins made so far (first login and re-logins). */
guint                 ferry_connection_get_n_logins        (FerryConnection      *self);

/* Logs in (following HOST_IS_SLAVE), asks about unknown certificates, and
 * starts the event loop. Completes once logged in, or at the first definite
 * failure; the state is FAILED then. Once connected, a lost connection is
 * re-established on its own, with back-off, trying every pool member. */
void                  ferry_connection_open_async          (FerryConnection      *self,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean              ferry_connection_open_finish         (FerryConnection      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
/* Stops everything and logs out. The state becomes DISCONNECTED. */
void                  ferry_connection_close_async         (FerryConnection      *self,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean              ferry_connection_close_finish        (FerryConnection      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

/* Calls @method with the session first and then @args, a GVariant tuple
 * (floating references are sunk) or NULL. Strings, numbers, booleans,
 * arrays and a{s*} dictionaries map to their JSON forms. An expired session
 * is renewed and the call sent again. */
void                  ferry_connection_call_async          (FerryConnection      *self,
                                                            const char           *method,
                                                            GVariant             *args,
                                                            FerryCallFlags        flags,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
/* The same with JSON parameters (borrowed), the session excluded. */
void                  ferry_connection_call_json_async     (FerryConnection      *self,
                                                            const char           *method,
                                                            JsonArray            *params,
                                                            FerryCallFlags        flags,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
JsonNode             *ferry_connection_call_finish         (FerryConnection      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

G_END_DECLS
