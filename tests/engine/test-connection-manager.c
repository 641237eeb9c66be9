/* test-connection-manager.c: many connections at once, a saved list without
 * secrets, and restoring it at start-up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-connection-manager"

#include "config.h"

#include <glib/gstdio.h>

#include "ferry-connection-manager.h"
#include "ferry-credentials.h"
#include "ferry-engine-test-utils.h"
#include "ferry-error.h"

static FerrySimTestServer *sim;

static gboolean
on_trust_request_cb (FerryConnectionManager *manager,
                     FerryConnection        *connection,
                     FerryTrustRequest      *request,
                     guint                  *asked)
{
  (*asked)++;
  g_assert_true (FERRY_IS_CONNECTION (connection));
  ferry_trust_request_complete (request, TRUE);
  return TRUE;
}

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *changes)
{
  (*changes)++;
}

static void
test_list (void)
{
  g_autoptr(FerryConnectionManager) manager = ferry_connection_manager_new (NULL);
  g_autoptr(FerryConnectionManager) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_build_filename (g_get_user_config_dir (), "ferry", "connections.ini", NULL);
  g_autofree char *contents = NULL;
  FerryConnection *a;
  FerryConnection *b;
  FerryConnection *c;
  guint changes = 0;

  g_assert_cmpstr (ferry_connection_manager_get_path (manager), ==, expected);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (manager)) == FERRY_TYPE_CONNECTION);
  g_signal_connect (manager, "items-changed", G_CALLBACK (on_items_changed_cb), &changes);

  a = ferry_connection_manager_add (manager, "pool-a.example", "root", FERRY_TRANSPORT_HTTPS);
  b = ferry_connection_manager_add (manager, "10.0.0.7:8443", "admin", FERRY_TRANSPORT_HTTPS);
  c = ferry_connection_manager_add (manager, "127.0.0.1:9000", "root", FERRY_TRANSPORT_HTTP);
  ferry_connection_set_password (a, "secret-a");
  ferry_connection_set_members (b, (const char * const[]) { "10.0.0.7:8443", "10.0.0.8:8443", NULL });
  g_assert_cmpuint (changes, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 3);
  g_assert_true (ferry_connection_manager_lookup (manager, ferry_connection_get_id (b)) == b);
  g_assert_true (ferry_connection_manager_find (manager, "127.0.0.1:9000", NULL) == c);

  g_assert_true (ferry_connection_manager_save (manager, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (expected, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "secret-a"));
  g_assert_null (strstr (contents, "password"));
  g_assert_nonnull (strstr (contents, "10.0.0.8:8443"));

  /* The next start reads the same list. */
  again = ferry_connection_manager_new (NULL);
  g_assert_true (ferry_connection_manager_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 3);
  {
    FerryConnection *b2 = ferry_connection_manager_lookup (again, ferry_connection_get_id (b));
    FerryConnection *c2 = ferry_connection_manager_find (again, "127.0.0.1:9000", "root");

    g_assert_nonnull (b2);
    g_assert_cmpstr (ferry_connection_get_username (b2), ==, "admin");
    g_assert_cmpuint (g_strv_length ((char **) ferry_connection_get_members (b2)), ==, 2);
    g_assert_false (ferry_connection_has_password (b2));
    g_assert_nonnull (c2);
    g_assert_cmpint (ferry_connection_get_transport (c2), ==, FERRY_TRANSPORT_HTTP);
  }

  /* Removing saves too. */
  ferry_connection_manager_remove (manager, a);
  ferry_test_spin (50);
  g_assert_cmpuint (changes, ==, 4);
  g_assert_true (ferry_connection_manager_load (again, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 2);

  g_remove (expected);
}

static void
test_restore (void)
{
  g_autoptr(FerryConnectionManager) manager = ferry_connection_manager_new (NULL);
  g_autoptr(FerryConnectionManager) restored = NULL;
  g_autoptr(JsonNode) root = ferry_sim_test_server_get_announcement (sim);
  JsonArray *standalone = json_object_get_array_member (json_node_get_object (root), "standalone");
  g_autofree char *production = ferry_test_sim_address (sim, "Production", -1);
  g_autofree char *lab_member = ferry_test_sim_address (sim, "Lab", 0);
  g_autofree char *lab_master = ferry_test_sim_address (sim, "Lab", -1);
  const char *host = json_object_get_string_member (json_array_get_object_element (standalone, 0), "address");
  g_autoptr(GError) error = NULL;
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *contents = NULL;
  guint asked = 0;
  guint connected;

  /* Two pools and a standalone host; one of them without a stored password. */
  ferry_connection_manager_add (manager, production, "root", FERRY_TRANSPORT_HTTPS);
  ferry_connection_manager_add (manager, lab_member, "root", FERRY_TRANSPORT_HTTPS);
  ferry_connection_manager_add (manager, host, "root", FERRY_TRANSPORT_HTTPS);
  ferry_connection_manager_add (manager, "127.0.0.1:1", "root", FERRY_TRANSPORT_HTTPS);
  g_assert_true (ferry_connection_manager_save (manager, &error));
  g_assert_true (ferry_credentials_store_sync (production, "root", FERRY_TEST_PASSWORD, NULL, &error));
  g_assert_true (ferry_credentials_store_sync (lab_member, "root", FERRY_TEST_PASSWORD, NULL, &error));
  g_assert_true (ferry_credentials_store_sync (host, "root", FERRY_TEST_PASSWORD, NULL, &error));
  g_assert_no_error (error);

  restored = ferry_connection_manager_new (NULL);
  g_signal_connect (restored, "trust-request", G_CALLBACK (on_trust_request_cb), &asked);
  ferry_connection_manager_restore_async (restored, NULL, ferry_test_result_cb, &pending);
  /* Each shows as connecting at once, while the keyring answers. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (restored)), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (G_LIST_MODEL (restored), i);
      g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_CONNECTING);
    }
  result = ferry_test_wait_result (&pending);
  connected = ferry_connection_manager_restore_finish (restored, result, &error);
  g_assert_no_error (error);

  /* All three with a password run at once; the fourth waits for one. */
  g_assert_cmpuint (connected, ==, 3);
  /* One question per host met: the Lab member, then its master. */
  g_assert_cmpuint (asked, ==, 4);
  g_assert_cmpint (ferry_connection_get_state (ferry_connection_manager_find (restored, production, NULL)),
                   ==, FERRY_CONNECTION_STATE_CONNECTED);
  g_assert_cmpstr (ferry_connection_get_master_address (ferry_connection_manager_find (restored, lab_member, NULL)),
                   ==, lab_master);
  g_assert_cmpint (ferry_connection_get_state (ferry_connection_manager_find (restored, "127.0.0.1:1", NULL)),
                   ==, FERRY_CONNECTION_STATE_DISCONNECTED);

  /* The members each pool reported are saved for fail-over after a restart. */
  ferry_test_spin (1500);
  g_assert_true (g_file_get_contents (ferry_connection_manager_get_path (restored), &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, lab_master));
  g_assert_nonnull (strstr (contents, "name=Production"));
  g_assert_null (strstr (contents, FERRY_TEST_PASSWORD "\n"));
  g_assert_null (strstr (contents, "OpaqueRef:"));

  /* The next start shows each pool's saved name, connecting, before any answer. */
  {
    g_autoptr(FerryConnectionManager) again = ferry_connection_manager_new (NULL);
    GAsyncResult *again_pending = NULL;
    g_autoptr(GAsyncResult) again_result = NULL;
    FerryConnection *pool;
    FerryConnection *missing;

    ferry_connection_manager_restore_async (again, NULL, ferry_test_result_cb, &again_pending);
    pool = ferry_connection_manager_find (again, production, NULL);
    g_assert_cmpstr (ferry_connection_get_pool_name (pool), ==, "Production");
    g_assert_cmpint (ferry_connection_get_state (pool), ==, FERRY_CONNECTION_STATE_CONNECTING);
    g_assert_cmpstr (ferry_connection_get_pool_name (ferry_connection_manager_find (again, lab_member, NULL)), ==, "Lab");
    missing = ferry_connection_manager_find (again, "127.0.0.1:1", NULL);
    g_assert_null (ferry_connection_get_pool_name (missing));

    again_result = ferry_test_wait_result (&again_pending);
    g_assert_cmpuint (ferry_connection_manager_restore_finish (again, again_result, &error), ==, 3);
    g_assert_no_error (error);
    g_assert_cmpint (ferry_connection_get_state (pool), ==, FERRY_CONNECTION_STATE_CONNECTED);
    /* No password in the keyring: back to "not connected", not a failure. */
    g_assert_cmpint (ferry_connection_get_state (missing), ==, FERRY_CONNECTION_STATE_DISCONNECTED);
    g_assert_null (ferry_connection_get_error (missing));

    g_clear_object (&again_result);
    ferry_connection_manager_close_all_async (again, NULL, ferry_test_result_cb, &again_pending);
    again_result = ferry_test_wait_result (&again_pending);
    g_assert_true (ferry_connection_manager_close_all_finish (again, again_result, &error));
  }

  g_clear_object (&result);
  ferry_connection_manager_close_all_async (restored, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  g_assert_true (ferry_connection_manager_close_all_finish (restored, result, &error));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (restored)); i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (G_LIST_MODEL (restored), i);
      g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_DISCONNECTED);
    }
}

static gboolean
has_pool_name (gpointer data)
{
  return ferry_connection_get_pool_name (data) != NULL;
}

static void
test_add_open_connection (void)
{
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "ferry-add", "connections.ini", NULL);
  g_autoptr(FerryConnectionManager) manager = ferry_connection_manager_new (path);
  g_autoptr(FerryConnectionManager) again = ferry_connection_manager_new (path);
  g_autofree char *production = ferry_test_sim_address (sim, "Production", -1);
  g_autoptr(FerryConnection) connection = ferry_test_connection_new (production, FERRY_TRANSPORT_HTTPS);
  g_autoptr(FerryConnection) first = NULL;
  g_autoptr(GError) error = NULL;
  guint changes = 0;

  g_test_summary ("A connection opened elsewhere (the connect dialog) is taken over as it is: "
                  "no second login, saved with the list");

  ferry_test_open (connection);
  g_assert_cmpuint (ferry_connection_get_n_logins (connection), ==, 1);

  g_signal_connect (manager, "items-changed", G_CALLBACK (on_items_changed_cb), &changes);
  ferry_connection_manager_add_connection (manager, connection);
  ferry_connection_manager_add_connection (manager, connection);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);
  first = g_list_model_get_item (G_LIST_MODEL (manager), 0);
  g_assert_true (first == connection);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (ferry_connection_get_n_logins (connection), ==, 1);
  g_assert_true (ferry_connection_manager_find (manager, production, "root") == connection);

  /* Saved on its own, pool name included once the pool is known. */
  g_assert_true (ferry_test_wait_until (has_pool_name, connection, 20000));
  ferry_test_spin (100);
  g_assert_true (ferry_connection_manager_load (again, &error));
  g_assert_no_error (error);
  g_assert_nonnull (ferry_connection_manager_find (again, production, "root"));
  g_assert_cmpstr (ferry_connection_get_pool_name (ferry_connection_manager_find (again, production, "root")),
                   ==, "Production");

  /* Removing closes it. */
  ferry_connection_manager_remove (manager, connection);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  ferry_test_spin (100);
  g_remove (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *keyring_dir = NULL;
  g_autofree char *keyring = NULL;
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  keyring_dir = g_dir_make_tmp ("ferry-keyring-XXXXXX", NULL);
  keyring = g_build_filename (keyring_dir, "test.keyring", NULL);
  /* A keyring of our own: tests run in parallel. */
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);

  sim = ferry_sim_test_server_start_demo ();

  g_test_add_func ("/engine/manager/list", test_list);
  g_test_add_func ("/engine/manager/restore", test_restore);
  g_test_add_func ("/engine/manager/add-open-connection", test_add_open_connection);

  ret = g_test_run ();

  g_remove (keyring);
  g_rmdir (keyring_dir);

  ferry_sim_test_server_stop (sim);
  return ret;
}
