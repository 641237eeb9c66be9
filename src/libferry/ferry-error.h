/* ferry-error.h: error domains of the engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Failures reported by xapi itself: an error code plus string parameters.
 * The code and every parameter survive in the GError (see the accessors). */
#define FERRY_XAPI_ERROR (ferry_xapi_error_quark ())

typedef enum
{
  FERRY_XAPI_ERROR_FAILED,                          /* any code without its own value */
  FERRY_XAPI_ERROR_SESSION_INVALID,
  FERRY_XAPI_ERROR_SESSION_AUTHENTICATION_FAILED,
  FERRY_XAPI_ERROR_HOST_IS_SLAVE,
  FERRY_XAPI_ERROR_HOST_STILL_BOOTING,
  FERRY_XAPI_ERROR_HOST_OFFLINE,
  FERRY_XAPI_ERROR_EVENTS_LOST,
  FERRY_XAPI_ERROR_EVENT_FROM_TOKEN_PARSE_FAILURE,
  FERRY_XAPI_ERROR_EVENT_SUBSCRIPTION_PARSE_FAILURE,
  FERRY_XAPI_ERROR_HANDLE_INVALID,
  FERRY_XAPI_ERROR_UUID_INVALID,
  FERRY_XAPI_ERROR_MESSAGE_METHOD_UNKNOWN,
  FERRY_XAPI_ERROR_MESSAGE_PARAMETER_COUNT_MISMATCH,
  FERRY_XAPI_ERROR_RBAC_PERMISSION_DENIED,
  FERRY_XAPI_ERROR_TASK_CANCELLED,
  FERRY_XAPI_ERROR_OPERATION_NOT_ALLOWED,
  FERRY_XAPI_ERROR_INTERNAL_ERROR,
} FerryXapiError;

/* Everything between Ferry and xapi's answer: transport, protocol, trust. */
#define FERRY_RPC_ERROR (ferry_rpc_error_quark ())

typedef enum
{
  FERRY_RPC_ERROR_FAILED,
  FERRY_RPC_ERROR_CONNECTION,          /* refused, reset, unreachable, name not resolved */
  FERRY_RPC_ERROR_CONNECTION_LOST,     /* dropped mid-call: the call may or may not have run */
  FERRY_RPC_ERROR_TIMEOUT,             /* no complete reply within the call's timeout */
  FERRY_RPC_ERROR_HTTP,                /* a status other than 200 */
  FERRY_RPC_ERROR_PROTOCOL,            /* a reply that is not xapi JSON-RPC */
  FERRY_RPC_ERROR_REPLY_TOO_LARGE,     /* a reply over the client's size limit */
  FERRY_RPC_ERROR_TLS,                 /* a TLS failure other than trust */
  FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN, /* first contact: the user has not trusted it */
  FERRY_RPC_ERROR_CERTIFICATE_CHANGED, /* differs from the pinned one: refused */
  FERRY_RPC_ERROR_CERTIFICATE_REJECTED,/* the user declined it */
  FERRY_RPC_ERROR_INSECURE,            /* plain HTTP that nobody chose */
  FERRY_RPC_ERROR_NO_CREDENTIALS,
  FERRY_RPC_ERROR_NOT_CONNECTED,
  FERRY_RPC_ERROR_CLOSED,              /* the connection was closed by its owner */
  FERRY_RPC_ERROR_TASK_LOST,           /* a followed task disappeared from the server */
  FERRY_RPC_ERROR_NO_MASTER,           /* no member of the pool answered as master */
} FerryRpcError;

GQuark              ferry_xapi_error_quark       (void);
GQuark              ferry_rpc_error_quark        (void);

/* A FERRY_XAPI_ERROR from an error description: code, then parameters. */
GError             *ferry_xapi_error_new         (const char         *name,
                                                  const char * const *params);
GError             *ferry_xapi_error_new_valist  (const char         *name,
                                                  ...) G_GNUC_NULL_TERMINATED;
/* The xapi error code ("VM_BAD_POWER_STATE"), or NULL for another domain. */
const char         *ferry_xapi_error_get_name    (const GError       *error);
/* The parameters after the code (never NULL for a FERRY_XAPI_ERROR). */
const char * const *ferry_xapi_error_get_params  (const GError       *error);
/* Parameter @index or NULL. */
const char         *ferry_xapi_error_get_param   (const GError       *error,
                                                  guint               index);
gboolean            ferry_xapi_error_has_name    (const GError       *error,
                                                  const char         *name);

G_END_DECLS
