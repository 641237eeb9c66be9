/* ferry-sim-wire.h: XenAPI requests and responses on the wire (xapi.md §1.4–§1.6)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ferry-sim-value.h"

G_BEGIN_DECLS

/* Requests may be at most this big (Constants.http_limit_max_rpc_size). */
#define FERRY_SIM_MAX_REQUEST_SIZE (300 * 1024)

typedef enum
{
  FERRY_SIM_PROTOCOL_XMLRPC,
  FERRY_SIM_PROTOCOL_JSONRPC_V1,
  FERRY_SIM_PROTOCOL_JSONRPC_V2,
} FerrySimProtocol;

typedef struct
{
  FerrySimProtocol protocol;
  char            *method;
  FerrySimValue    params;   /* always an ARRAY */
  FerrySimValue    id;       /* JSON-RPC: STRING or INT; XML-RPC: NULL */
} FerrySimRequest;

void      ferry_sim_request_clear         (FerrySimRequest      *request);

/* On failure: FERRY_SIM_ERROR_MALFORMED, with the text xapi puts in its HTTP 500 page.
 * @request need not be initialised; after a failure it is empty but safe to clear. */
gboolean  ferry_sim_request_parse_json    (const char           *body,
                                           gsize                 length,
                                           FerrySimRequest      *request,
                                           GError              **error);
gboolean  ferry_sim_request_parse_xmlrpc  (const char           *body,
                                           gsize                 length,
                                           FerrySimRequest      *request,
                                           GError              **error);

/* Writes the encoded result value: JSON text, or an XML-RPC <value>…</value>. */
typedef void (*FerrySimResultWriter)      (GString              *out,
                                           gboolean              json,
                                           gpointer              user_data);

void      ferry_sim_response_write_success (GString              *out,
                                           const FerrySimRequest *request,
                                           FerrySimResultWriter  writer,
                                           gpointer              user_data);
void      ferry_sim_response_write_value   (GString              *out,
                                           const FerrySimRequest *request,
                                           const FerrySimValue  *result);
/* @description: the error code, then its parameters. */
void      ferry_sim_response_write_failure (GString              *out,
                                           const FerrySimRequest *request,
                                           const char * const   *description);
/* A failure raised before dispatch, when xapi no longer knows the request: JSON is
 * {"jsonrpc":"2.0","error":[code, …],"id":0} whatever the request's version. */
void      ferry_sim_response_write_early_failure (GString            *out,
                                           gboolean              json,
                                           const char * const   *description);
/* The HTML body of xapi's HTTP 500 answer to a malformed request. */
char     *ferry_sim_malformed_page         (const char           *message);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FerrySimRequest, ferry_sim_request_clear)

G_END_DECLS
