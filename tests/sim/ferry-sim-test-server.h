/* ferry-sim-test-server.h: a simulator on its own thread, and a blocking client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ferry-sim-thread.h"

G_BEGIN_DECLS

typedef struct _FerrySimTestServer FerrySimTestServer;

/* Builds the world on the server's thread. */
typedef FerrySimWorld *(*FerrySimWorldFactory) (gpointer user_data);

FerrySimTestServer *ferry_sim_test_server_start      (FerrySimWorldFactory  factory,
                                                      gpointer              user_data);
/* The demo scenario of the source tree. */
FerrySimTestServer *ferry_sim_test_server_start_demo (void);
void                ferry_sim_test_server_stop       (FerrySimTestServer   *server);
/* Runs @func on the server's thread and waits for it. */
void                ferry_sim_test_server_invoke     (FerrySimTestServer   *server,
                                                      GSourceFunc           func,
                                                      gpointer              data);
FerrySimWorld      *ferry_sim_test_server_get_world  (FerrySimTestServer   *server);
JsonNode           *ferry_sim_test_server_get_announcement (FerrySimTestServer *server);
/* The master URL of the pool (or standalone host) named @name. */
char               *ferry_sim_test_server_dup_master_url (FerrySimTestServer *server,
                                                      const char           *name,
                                                      gboolean              tls);

/* POSTs @body and returns the response body; @status gets the HTTP status. */
char               *ferry_sim_test_post              (const char           *url,
                                                      const char           *content_type,
                                                      const char           *body,
                                                      guint                *status);
/* A JSON-RPC v2 call; returns the whole response object. */
JsonNode           *ferry_sim_test_jsonrpc           (const char           *base_url,
                                                      const char           *method,
                                                      const char           *params_json);
/* The "result" of a successful v2 call, or fails the test. */
JsonNode           *ferry_sim_test_jsonrpc_result    (const char           *base_url,
                                                      const char           *method,
                                                      const char           *params_json);
/* The error code and data of a failed v2 call as one "CODE p1 p2" string. */
char               *ferry_sim_test_jsonrpc_failure   (const char           *base_url,
                                                      const char           *method,
                                                      const char           *params_json);
char               *ferry_sim_test_login             (const char           *base_url);

G_END_DECLS
