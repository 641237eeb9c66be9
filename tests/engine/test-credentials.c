/* test-credentials.c: passwords in the keyring, and nowhere else
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-credentials"

#include "config.h"

#include <glib/gstdio.h>

#include "ferry-connection-manager.h"
#include "ferry-credentials.h"
#include "ferry-engine-test-utils.h"
#include "ferry-error.h"
#include "ferry-task-follower.h"

static FerrySimTestServer *sim;
static GString *captured;
static GMutex captured_lock;

/* Every log message of every domain, debug included, goes here too. */
static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  g_mutex_lock (&captured_lock);
  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length < 0)
        g_string_append_printf (captured, "%s=%s ", fields[i].key, (const char *) fields[i].value);
      else
        {
          g_string_append_printf (captured, "%s=", fields[i].key);
          g_string_append_len (captured, fields[i].value, fields[i].length);
          g_string_append_c (captured, ' ');
        }
    }
  g_string_append_c (captured, '\n');
  g_mutex_unlock (&captured_lock);

  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (log_level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

static void
test_store_lookup_clear (void)
{
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  /* Asynchronous, as the app uses it. */
  ferry_credentials_store_async ("pool.example:443", "root", "first", NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  g_assert_true (ferry_credentials_store_finish (result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  ferry_credentials_lookup_async ("pool.example:443", "root", NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  password = ferry_credentials_lookup_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "first");
  ferry_credentials_free_password (password);
  g_clear_object (&result);

  /* Keyed by host and user. */
  g_assert_true (ferry_credentials_store_sync ("pool.example:443", "admin", "second", NULL, &error));
  password = ferry_credentials_lookup_sync ("pool.example:443", "admin", NULL, &error);
  g_assert_cmpstr (password, ==, "second");
  ferry_credentials_free_password (password);
  password = ferry_credentials_lookup_sync ("other.example:443", "root", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (password);

  /* Replacing and forgetting. */
  g_assert_true (ferry_credentials_store_sync ("pool.example:443", "root", "third", NULL, &error));
  password = ferry_credentials_lookup_sync ("pool.example:443", "root", NULL, &error);
  g_assert_cmpstr (password, ==, "third");
  ferry_credentials_free_password (password);

  ferry_credentials_clear_async ("pool.example:443", "root", NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  g_assert_true (ferry_credentials_clear_finish (result, &error));
  password = ferry_credentials_lookup_sync ("pool.example:443", "root", NULL, &error);
  g_assert_null (password);
  g_assert_true (ferry_credentials_clear_sync ("pool.example:443", "admin", NULL, &error));
  g_assert_no_error (error);
}

static gboolean
on_manager_trust_request_cb (FerryConnectionManager *manager,
                             FerryConnection        *connection,
                             FerryTrustRequest      *request,
                             gpointer                user_data)
{
  ferry_trust_request_complete (request, TRUE);
  return TRUE;
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return g_strstr_len (contents, length, needle) != NULL;
}

/* Every regular file under @dir; returns how many were searched. */
static guint
search_tree (const char *dir,
             const char *needle,
             GPtrArray  *hits)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint searched = 0;

  if (handle == NULL)
    return 0;

  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        searched += search_tree (path, needle, hits);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          searched++;
          if (file_contains (path, needle))
            g_ptr_array_add (hits, g_steal_pointer (&path));
        }
    }
  return searched;
}

static void
test_password_goes_nowhere_else (void)
{
  g_autofree char *password = g_strdup_printf ("Pw-%08x-not-in-any-log", g_random_int ());
  g_autofree char *master = ferry_test_sim_address (sim, "Lab", -1);
  g_autofree char *member = ferry_test_sim_address (sim, "Lab", 0);
  g_autoptr(FerryConnectionManager) manager = ferry_connection_manager_new (NULL);
  g_autoptr(FerryConnectionManager) restored = NULL;
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FerryTaskFollower) follower = NULL;
  FerryConnection *connection;
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const char *dirs[4];
  const char *keyring = g_getenv ("SECRET_FILE_TEST_PATH");
  guint searched = 0;

  /* Debug logging of every domain is on for the whole test. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  ferry_test_sim_set_password (sim, "Lab", password);

  /* The user adds a pool member (redirected to the master), with a password. */
  connection = ferry_connection_manager_add (manager, member, "root", FERRY_TRANSPORT_HTTPS);
  g_assert_true (ferry_credentials_store_sync (member, "root", password, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ferry_connection_manager_save (manager, &error));

  /* The next start: the list is restored, the password read from the keyring. */
  restored = ferry_connection_manager_new (NULL);
  g_signal_connect (restored, "trust-request", G_CALLBACK (on_manager_trust_request_cb), NULL);
  ferry_connection_manager_restore_async (restored, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  g_assert_cmpuint (ferry_connection_manager_restore_finish (restored, result, &error), ==, 1);
  g_assert_no_error (error);
  g_clear_object (&result);
  connection = ferry_connection_manager_find (restored, member, "root");
  g_assert_nonnull (connection);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_CONNECTED);
  g_assert_cmpstr (ferry_connection_get_master_address (connection), ==, master);

  /* A full life: events, calls, a task, a re-login, a lost connection, logout. */
  ferry_connection_set_event_timeout (connection, 0.5);
  ferry_test_spin (800);
  node = ferry_test_call_sync (connection, "VM.get_all_records", NULL, FERRY_CALL_IDEMPOTENT, &error);
  g_assert_no_error (error);
  g_clear_pointer (&node, json_node_unref);
  ferry_test_sim_expire_sessions (sim, "Lab");
  node = ferry_test_call_sync (connection, "host.get_all", NULL, FERRY_CALL_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ferry_connection_get_n_logins (connection), >=, 2);

  ferry_task_follower_start_async (connection, "VM.ferry_test_work",
                                   g_variant_new ("(xx)", (gint64) 3, (gint64) 50),
                                   NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  follower = ferry_task_follower_start_finish (result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  ferry_task_follower_wait_async (follower, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  g_clear_pointer (&node, json_node_unref);
  node = ferry_task_follower_wait_finish (follower, result, &error);
  g_assert_no_error (error);

  /* A wrong password is reported without being shown either. */
  {
    g_autoptr(FerryConnection) wrong = ferry_test_connection_new (master, FERRY_TRANSPORT_HTTPS);
    g_autofree char *almost = g_strconcat (password, "x", NULL);

    ferry_connection_set_password (wrong, almost);
    g_assert_false (ferry_test_open_sync (wrong, &error));
    g_assert_error (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_SESSION_AUTHENTICATION_FAILED);
    g_assert_null (strstr (error->message, almost));
    g_clear_error (&error);
  }

  ferry_test_close (connection);
  g_assert_true (ferry_connection_manager_save (restored, &error));
  ferry_test_sim_set_password (sim, "Lab", FERRY_TEST_PASSWORD);

  /* The logs saw everything… */
  g_mutex_lock (&captured_lock);
  g_assert_nonnull (strstr (captured->str, "ferry-connection"));
  g_assert_nonnull (strstr (captured->str, "ferry-rpc-client"));
  g_assert_nonnull (strstr (captured->str, "session.login_with_password"));
  /* … but never the password. */
  g_assert_null (strstr (captured->str, password));
  g_mutex_unlock (&captured_lock);

  /* Nor any file in the config, data, cache or state dirs. */
  dirs[0] = g_get_user_config_dir ();
  dirs[1] = g_get_user_data_dir ();
  dirs[2] = g_get_user_cache_dir ();
  dirs[3] = g_get_user_state_dir ();
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    searched += search_tree (dirs[i], password, hits);
  g_assert_cmpuint (searched, >=, 2);  /* the server list and the pinned certificates */
  g_assert_true (file_contains (ferry_connection_manager_get_path (restored), member));
  for (guint i = 0; i < hits->len; i++)
    g_printerr ("The password is in %s\n", (char *) g_ptr_array_index (hits, i));
  g_assert_cmpuint (hits->len, ==, 0);

  /* The keyring has it, encrypted, not as plain text. */
  g_assert_nonnull (keyring);
  g_assert_true (g_file_test (keyring, G_FILE_TEST_EXISTS));
  g_assert_false (file_contains (keyring, password));

  g_assert_true (ferry_credentials_clear_sync (member, "root", NULL, &error));
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

  captured = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  ferry_test_sim_register_methods ();
  sim = ferry_sim_test_server_start_demo ();

  g_test_add_func ("/engine/credentials/store-lookup-clear", test_store_lookup_clear);
  g_test_add_func ("/engine/credentials/password-goes-nowhere-else", test_password_goes_nowhere_else);

  ret = g_test_run ();

  g_remove (keyring);
  g_rmdir (keyring_dir);

  ferry_sim_test_server_stop (sim);
  g_string_free (captured, TRUE);
  return ret;
}
