/* ferry-relay-upload-private.h: a PUT of unknown length, as xapi takes it
 *
 * xapi's import handler refuses a chunked body (import.ml: HTTP 403 and
 * IMPORT_ERROR_CANNOT_HANDLE_CHUNKED) and reads a body without
 * Content-Length to the end of the connection, as HTTP/1.0 clients send
 * it. libsoup can only stream a body of unknown length chunked, so the
 * relay writes the request itself on a connection of its own: an HTTP/1.0
 * PUT with "Connection: close" and neither Content-Length nor
 * Transfer-Encoding, then the body, then the end of its side of the
 * connection (TLS close_notify and a TCP half-close). xapi sends its
 * answer's head before it reads the body; the import task tells the end.
 *
 * The TLS certificate is checked against the connection's pin (R11), as
 * its calls are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-connection.h"

G_BEGIN_DECLS

#define FERRY_TYPE_RELAY_UPLOAD (ferry_relay_upload_get_type ())
G_DECLARE_FINAL_TYPE (FerryRelayUpload, ferry_relay_upload, FERRY, RELAY_UPLOAD, GObject)

/* @path_and_query: "/import?session_id=…"; @body: read to its end. */
FerryRelayUpload *_ferry_relay_upload_new       (FerryConnection   *connection,
                                                 const char        *path_and_query,
                                                 GInputStream      *body);
/* Bytes of the body written so far (any thread may read it). */
guint64           _ferry_relay_upload_get_bytes (FerryRelayUpload  *self);
/* While nothing moves: TRUE when the server is awaited (the connection,
 * a write, the answer; or the upload is over), FALSE when the body is (the
 * source's side). */
gboolean          _ferry_relay_upload_is_waiting_for_server (FerryRelayUpload *self);
/* After a failure: TRUE when reading the body failed (the source's side),
 * FALSE when the connection to the server did. */
gboolean          _ferry_relay_upload_get_body_failed (FerryRelayUpload *self);
/* TRUE once the body was sent and the answer's head read; @status is the
 * answer's (0 when the server closed without one). */
void              _ferry_relay_upload_run_async (FerryRelayUpload    *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean          _ferry_relay_upload_run_finish (FerryRelayUpload   *self,
                                                  GAsyncResult       *result,
                                                  guint              *status,
                                                  char              **reason,
                                                  GError            **error);

G_END_DECLS
