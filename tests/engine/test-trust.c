/* test-trust.c: certificate pins, the first-contact question, changed
 * certificates, --trust-fingerprint
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-trust"

#include "config.h"

#include <glib/gstdio.h>

#include "ferry-engine-test-utils.h"
#include "ferry-error.h"
#include "ferry-rpc-client.h"
#include "ferry-sim-world.h"
#include "ferry-trust.h"

static FerrySimTestServer *sim;

static char *
sim_fingerprint (const char *pool,
                 int         member)
{
  g_autofree char *ref = ferry_test_sim_host_ref (sim, pool, member);
  GTlsCertificate *certificate = ferry_sim_world_get_host_certificate (ferry_sim_test_server_get_world (sim), ref);

  g_assert_nonnull (certificate);
  return ferry_certificate_dup_fingerprint (certificate);
}

static void
forget_all (void)
{
  g_remove (ferry_trust_store_get_path (ferry_trust_store_get_default ()));
}

static void
test_fingerprint (void)
{
  const char *canonical = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                          "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
  g_autofree char *a = ferry_fingerprint_normalize ("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  g_autofree char *b = ferry_fingerprint_normalize ("sha256:ab:cd:ef:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                                                    "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89");
  g_autofree char *short_one = ferry_fingerprint_normalize ("abcd");
  g_autofree char *bad = ferry_fingerprint_normalize ("zz:cd:ef:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                                                      "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89");
  g_autofree char *sim_print = sim_fingerprint ("Production", -1);

  g_assert_cmpstr (a, ==, canonical);
  g_assert_cmpstr (b, ==, canonical);
  g_assert_null (short_one);
  g_assert_null (bad);
  g_assert_cmpuint (strlen (sim_print), ==, 95);
}

static void
test_store (void)
{
  g_autoptr(FerryTrustStore) store = ferry_trust_store_new (NULL);
  g_autoptr(FerryTrustStore) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *v6 = NULL;
  g_autofree char *expected_path = g_build_filename (g_get_user_config_dir (), "ferry", "trusted-hosts.ini", NULL);
  g_autofree char *print = sim_fingerprint ("Production", -1);

  /* Under the XDG config dir. */
  g_assert_cmpstr (ferry_trust_store_get_path (store), ==, expected_path);

  g_assert_true (ferry_trust_store_pin (store, "10.0.0.1:443", print, &error));
  g_assert_no_error (error);
  g_assert_true (ferry_trust_store_pin (store, "[fe80::1]:443", print, &error));
  g_assert_no_error (error);
  g_assert_false (ferry_trust_store_pin (store, "10.0.0.2:443", "not a fingerprint", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Another instance (another process) reads the same pins. */
  again = ferry_trust_store_new (NULL);
  pin = ferry_trust_store_dup_pin (again, "10.0.0.1:443");
  v6 = ferry_trust_store_dup_pin (again, "[fe80::1]:443");
  g_assert_cmpstr (pin, ==, print);
  g_assert_cmpstr (v6, ==, print);

  g_assert_true (ferry_trust_store_forget (again, "10.0.0.1:443", &error));
  g_clear_pointer (&pin, g_free);
  pin = ferry_trust_store_dup_pin (store, "10.0.0.1:443");
  g_assert_null (pin);
  forget_all ();
}

static void
test_client_check (void)
{
  g_autofree char *url = ferry_sim_test_server_dup_master_url (sim, "Production", TRUE);
  g_autoptr(FerryTrustStore) store = ferry_trust_store_new (NULL);
  g_autoptr(FerryRpcClient) client = ferry_rpc_client_new (url, store, FALSE);
  g_autoptr(JsonArray) params = json_array_new ();
  g_autoptr(FerryCertificateInfo) info = NULL;
  g_autofree char *print = sim_fingerprint ("Production", -1);
  g_autoptr(GError) error = NULL;
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;

  json_array_add_string_element (params, "root");
  json_array_add_string_element (params, "demo");

  /* Unknown: refused, and the certificate is there to show. */
  ferry_rpc_client_call_async (client, "session.login_with_password", params, 0,
                               FERRY_RPC_CALL_DEFAULT, NULL,
                               ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  node = ferry_rpc_client_call_finish (client, result, &error);
  g_assert_null (node);
  g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN);
  info = ferry_rpc_client_dup_refused_certificate (client);
  g_assert_nonnull (info);
  g_assert_cmpstr (ferry_certificate_info_get_fingerprint (info), ==, print);
  g_assert_cmpstr (ferry_certificate_info_get_host (info), ==, ferry_rpc_client_get_host_key (client));
  g_assert_nonnull (ferry_certificate_info_get_subject (info));
  g_assert_nonnull (ferry_certificate_info_get_not_after (info));
  g_clear_error (&error);
  g_clear_object (&result);

  /* Pinned: accepted. */
  g_assert_true (ferry_trust_store_pin (store, ferry_rpc_client_get_host_key (client), print, &error));
  ferry_rpc_client_call_async (client, "session.login_with_password", params, 0,
                               FERRY_RPC_CALL_DEFAULT, NULL,
                               ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  node = ferry_rpc_client_call_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (json_node_get_string (node), "OpaqueRef:"));
  forget_all ();
}

typedef struct
{
  guint                 asked;
  gboolean              accept;
  gboolean              later;
  FerryTrustRequest    *pending;
  FerryCertificateInfo *info;
} Asker;

static gboolean
on_trust_request_cb (FerryConnection   *connection,
                     FerryTrustRequest *request,
                     Asker             *asker)
{
  asker->asked++;
  g_set_object (&asker->info, ferry_trust_request_get_info (request));
  if (asker->later)
    {
      /* As a dialog would: answer after the main loop ran. */
      g_set_object (&asker->pending, request);
      return TRUE;
    }
  ferry_trust_request_complete (request, asker->accept);
  return TRUE;
}

static FerryConnection *
plain_connection (const char *address,
                  Asker      *asker)
{
  FerryConnection *connection = ferry_connection_new (address, "root", FERRY_TRANSPORT_HTTPS);

  ferry_connection_set_password (connection, FERRY_TEST_PASSWORD);
  ferry_connection_set_timeout (connection, 10);
  ferry_connection_set_reconnect_delays (connection, 0.1, 0.2);
  if (asker != NULL)
    g_signal_connect (connection, "trust-request", G_CALLBACK (on_trust_request_cb), asker);
  return connection;
}

static void
asker_clear (Asker *asker)
{
  g_clear_object (&asker->pending);
  g_clear_object (&asker->info);
}

static void
test_first_contact (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Production", -1);
  g_autofree char *print = sim_fingerprint ("Production", -1);
  Asker asker = { 0, TRUE, TRUE };
  g_autoptr(FerryConnection) connection = plain_connection (master, &asker);
  g_autoptr(FerryConnection) second = NULL;
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *contents = NULL;

  forget_all ();
  ferry_connection_open_async (connection, NULL, ferry_test_result_cb, &pending);

  /* The question comes with the certificate's details; the login waits. */
  while (asker.pending == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (asker.asked, ==, 1);
  g_assert_cmpstr (ferry_certificate_info_get_fingerprint (asker.info), ==, print);
  g_assert_cmpstr (ferry_certificate_info_get_host (asker.info), ==, master);
  g_assert_nonnull (ferry_certificate_info_get_issuer (asker.info));
  g_assert_nonnull (ferry_certificate_info_get_not_before (asker.info));
  g_assert_null (ferry_certificate_info_get_pinned_fingerprint (asker.info));
  ferry_test_spin (200);
  g_assert_null (pending);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_CONNECTING);

  ferry_trust_request_complete (asker.pending, TRUE);
  result = ferry_test_wait_result (&pending);
  g_assert_true (ferry_connection_open_finish (connection, result, &error));
  g_assert_no_error (error);

  /* Pinned in the file under the XDG config dir. */
  pin = ferry_trust_store_dup_pin (ferry_trust_store_get_default (), master);
  g_assert_cmpstr (pin, ==, print);
  g_assert_true (g_file_get_contents (ferry_trust_store_get_path (ferry_trust_store_get_default ()),
                                      &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, print));

  /* The next connection does not ask. */
  second = plain_connection (master, &asker);
  ferry_test_open (second);
  g_assert_cmpuint (asker.asked, ==, 1);

  ferry_test_close (connection);
  ferry_test_close (second);
  asker_clear (&asker);
  forget_all ();
}

static void
test_rejected (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Lab", -1);
  Asker asker = { 0, FALSE, FALSE };
  g_autoptr(FerryConnection) connection = plain_connection (master, &asker);
  g_autoptr(FerryConnection) nobody = plain_connection (master, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = NULL;

  forget_all ();
  g_assert_false (ferry_test_open_sync (connection, &error));
  g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_REJECTED);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_FAILED);
  g_assert_cmpuint (asker.asked, ==, 1);
  pin = ferry_trust_store_dup_pin (ferry_trust_store_get_default (), master);
  g_assert_null (pin);
  g_clear_error (&error);

  /* Nobody to ask: refused, saying what to do. */
  g_assert_false (ferry_test_open_sync (nobody, &error));
  g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "SHA-256"));
  /* The certificate that was not trusted, nothing pinned before. */
  g_assert_nonnull (ferry_connection_get_refused_certificate (nobody));
  g_assert_null (ferry_certificate_info_get_pinned_fingerprint (ferry_connection_get_refused_certificate (nobody)));
  g_assert_nonnull (ferry_connection_get_refused_certificate (connection));
  asker_clear (&asker);
}

static void
test_trusted_fingerprint (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Lab", -1);
  g_autofree char *print = sim_fingerprint ("Lab", -1);
  g_autofree char *other = sim_fingerprint ("Production", -1);
  g_autofree char *lower = g_ascii_strdown (print, -1);
  Asker asker = { 0, FALSE, FALSE };
  g_autoptr(FerryConnection) right = plain_connection (master, &asker);
  g_autoptr(FerryConnection) wrong = plain_connection (master, &asker);
  g_autoptr(GError) error = NULL;

  forget_all ();

  /* ferry-cli --trust-fingerprint with another host's fingerprint: asked, and refused. */
  ferry_connection_set_trusted_fingerprint (wrong, other);
  g_assert_false (ferry_test_open_sync (wrong, &error));
  g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_REJECTED);
  g_assert_cmpuint (asker.asked, ==, 1);

  /* The right one (any spelling): pinned without a question. */
  ferry_connection_set_trusted_fingerprint (right, lower);
  ferry_test_open (right);
  g_assert_cmpuint (asker.asked, ==, 1);

  ferry_test_close (right);
  asker_clear (&asker);
  forget_all ();
}

static void
test_changed_pin (void)
{
  g_autofree char *master = ferry_test_sim_address (sim, "Production", -1);
  g_autofree char *other = sim_fingerprint ("Lab", -1);
  g_autofree char *presented = sim_fingerprint ("Production", -1);
  Asker asker = { 0, TRUE, FALSE };
  g_autoptr(FerryConnection) connection = plain_connection (master, &asker);
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = NULL;
  FerryCertificateInfo *refused;

  g_test_summary ("A changed certificate is refused, never asked about, and the refusal "
                  "carries both fingerprints (old pinned, new presented) until the user "
                  "replaces the pin");

  /* Someone else's certificate was pinned for this address. */
  forget_all ();
  g_assert_true (ferry_trust_store_pin (ferry_trust_store_get_default (), master, other, &error));

  g_assert_null (ferry_connection_get_refused_certificate (connection));
  g_assert_false (ferry_test_open_sync (connection, &error));
  g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED);
  g_assert_nonnull (strstr (error->message, other));
  /* Never asked, never replaced. */
  g_assert_cmpuint (asker.asked, ==, 0);
  pin = ferry_trust_store_dup_pin (ferry_trust_store_get_default (), master);
  g_assert_cmpstr (pin, ==, other);

  /* Both fingerprints without parsing a (translated) message. */
  refused = ferry_connection_get_refused_certificate (connection);
  g_assert_nonnull (refused);
  g_assert_cmpstr (ferry_certificate_info_get_host (refused), ==, master);
  g_assert_cmpstr (ferry_certificate_info_get_fingerprint (refused), ==, presented);
  g_assert_cmpstr (ferry_certificate_info_get_pinned_fingerprint (refused), ==, other);
  g_assert_nonnull (ferry_certificate_info_get_subject (refused));

  /* Trying again changes nothing. */
  g_clear_error (&error);
  g_assert_false (ferry_test_open_sync (connection, &error));
  g_assert_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED);
  g_assert_cmpuint (asker.asked, ==, 0);
  refused = ferry_connection_get_refused_certificate (connection);
  g_assert_cmpstr (ferry_certificate_info_get_pinned_fingerprint (refused), ==, other);

  /* Only replacing the pin, deliberately, lets it connect; without a question. */
  g_clear_error (&error);
  g_assert_true (ferry_trust_store_pin (ferry_trust_store_get_default (), master,
                                        ferry_certificate_info_get_fingerprint (refused), &error));
  g_assert_no_error (error);
  ferry_test_open (connection);
  g_assert_cmpuint (asker.asked, ==, 0);
  g_assert_null (ferry_connection_get_refused_certificate (connection));
  ferry_test_close (connection);

  asker_clear (&asker);
  forget_all ();
}

static void
test_certificate_changes_while_connected (void)
{
  g_autofree char *production = ferry_test_sim_address (sim, "Production", -1);
  g_autofree char *lab = ferry_test_sim_address (sim, "Lab", -1);
  g_autoptr(FerryTestProxy) proxy = ferry_test_proxy_new (production);
  Asker asker = { 0, TRUE, FALSE };
  g_autoptr(FerryConnection) connection = plain_connection (ferry_test_proxy_get_address (proxy), &asker);
  const GError *failure;
  g_autofree char *status = NULL;

  forget_all ();
  ferry_connection_set_event_timeout (connection, 1.0);
  ferry_connection_set_members (connection, NULL);
  ferry_test_open (connection);
  g_assert_cmpuint (asker.asked, ==, 1);

  /* Another machine answers on the same address, with its own certificate. */
  ferry_test_proxy_set_target (proxy, lab);
  ferry_test_proxy_drop_connections (proxy);

  ferry_test_wait_state (connection, FERRY_CONNECTION_STATE_FAILED, 10000);
  failure = ferry_connection_get_error (connection);
  g_assert_true (g_error_matches (failure, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED));
  /* The old pin and the certificate presented now. */
  {
    FerryCertificateInfo *refused = ferry_connection_get_refused_certificate (connection);
    g_autofree char *old = sim_fingerprint ("Production", -1);
    g_autofree char *now = sim_fingerprint ("Lab", -1);

    g_assert_nonnull (refused);
    g_assert_cmpstr (ferry_certificate_info_get_host (refused), ==, ferry_test_proxy_get_address (proxy));
    g_assert_cmpstr (ferry_certificate_info_get_pinned_fingerprint (refused), ==, old);
    g_assert_cmpstr (ferry_certificate_info_get_fingerprint (refused), ==, now);
  }
  status = ferry_connection_dup_status_text (connection);
  g_assert_nonnull (strstr (status, "has changed"));
  /* Refused, not asked about. */
  g_assert_cmpuint (asker.asked, ==, 1);
  asker_clear (&asker);
  forget_all ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  sim = ferry_sim_test_server_start_demo ();

  g_test_add_func ("/engine/trust/fingerprint", test_fingerprint);
  g_test_add_func ("/engine/trust/store", test_store);
  g_test_add_func ("/engine/trust/client-check", test_client_check);
  g_test_add_func ("/engine/trust/first-contact", test_first_contact);
  g_test_add_func ("/engine/trust/rejected", test_rejected);
  g_test_add_func ("/engine/trust/trusted-fingerprint", test_trusted_fingerprint);
  g_test_add_func ("/engine/trust/changed-pin", test_changed_pin);
  g_test_add_func ("/engine/trust/changed-while-connected", test_certificate_changes_while_connected);

  ret = g_test_run ();

  ferry_sim_test_server_stop (sim);
  return ret;
}
