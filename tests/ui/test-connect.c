/* test-connect.c: the connect dialog and certificate trust, against the simulator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ferry-connect-dialog.h"
#include "ferry-credentials.h"
#include "ferry-error.h"
#include "ferry-sim-test-server.h"
#include "ferry-trust-dialog.h"
#include "ferry-trust.h"
#include "ferry-ui-test-utils.h"
#include "ferry-window.h"

typedef struct
{
  FerrySimTestServer     *server;
  FerryConnectionManager *manager;
  FerryWindow            *window;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = ferry_sim_test_server_start_demo ();
  fixture->manager = ferry_ui_test_manager_new ();
  fixture->window = ferry_window_new (NULL, fixture->manager, NULL, FALSE);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
close_dialogs (void)
{
  GtkWidget *window;

  while ((window = ferry_ui_test_find_toplevel (FERRY_TYPE_TRUST_DIALOG)) != NULL)
    gtk_window_close (GTK_WINDOW (window));
  while ((window = ferry_ui_test_find_toplevel (FERRY_TYPE_CONNECT_DIALOG)) != NULL)
    gtk_window_close (GTK_WINDOW (window));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (fixture->manager));

  close_dialogs ();
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (G_LIST_MODEL (fixture->manager), i);

      ferry_connection_close_async (connection, NULL, NULL, NULL);
    }
  ferry_ui_test_spin (100);
  g_clear_object (&fixture->manager);
  ferry_sim_test_server_stop (fixture->server);
}

static gboolean
dialog_idle (gpointer data)
{
  return !ferry_connect_dialog_get_busy (data);
}

static FerryConnectDialog *
open_dialog (Fixture    *fixture,
             const char *address,
             const char *password)
{
  FerryConnectDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.connect", NULL);
  dialog = FERRY_CONNECT_DIALOG (ferry_ui_test_wait_toplevel (FERRY_TYPE_CONNECT_DIALOG, 2000));
  g_assert_nonnull (dialog);
  ferry_connect_dialog_fill (dialog, address, "root", password, TRUE);
  return dialog;
}

static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *url = ferry_ui_test_sim_url (fixture->server, "Production", FALSE);
  FerryConnectDialog *dialog = open_dialog (fixture, url, "not the password");

  g_test_summary ("A wrong password fails in plain words, keeps the dialog open and adds nothing");

  g_object_ref (dialog);
  ferry_connect_dialog_connect (dialog);
  g_assert_true (ferry_connect_dialog_get_busy (dialog));
  g_assert_true (ferry_ui_test_wait_until (dialog_idle, dialog, 20000));

  g_assert_cmpstr (ferry_connect_dialog_get_error_text (dialog), ==, "Wrong user name or password.");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->manager)), ==, 0);
  g_object_unref (dialog);
}

/* A visible label under @widget that reads @text; with @fingerprint, one
 * that shows that fingerprint (in any layout). */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text,
            gboolean    fingerprint)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_is_visible (widget))
    {
      const char *label = gtk_label_get_label (GTK_LABEL (widget));

      if (fingerprint)
        {
          g_autofree char *flat = g_strdelimit (g_strdup (label), "\n", ':');
          g_autofree char *normal = ferry_fingerprint_normalize (flat);

          if (g_strcmp0 (normal, text) == 0)
            return TRUE;
        }
      else if (g_strcmp0 (label, text) == 0)
        return TRUE;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text, fingerprint))
      return TRUE;
  return FALSE;
}

/* tests/engine/not-xapi-server.py: a web server that is not xapi (POST → 404 and HTML). */
static GSubprocess *
start_web_server (guint *port)
{
  g_autofree char *script = g_build_filename (g_getenv ("FERRY_SOURCE_ROOT"), "tests", "engine",
                                              "not-xapi-server.py", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GSubprocess *process;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              "python3", script, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  *port = (guint) atoi (line);
  return process;
}

static void
stop_web_server (GSubprocess *process)
{
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  g_object_unref (process);
}

static const char *
try_connect (FerryConnectDialog *dialog)
{
  ferry_connect_dialog_connect (dialog);
  g_assert_true (ferry_ui_test_wait_until (dialog_idle, dialog, 30000));
  return ferry_connect_dialog_get_error_text (dialog);
}

static void
test_not_xapi (Fixture       *fixture,
               gconstpointer  data)
{
  guint port;
  GSubprocess *server = start_web_server (&port);
  g_autofree char *http = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autofree char *https = g_strdup_printf ("127.0.0.1:%u", port);
  FerryConnectDialog *dialog = open_dialog (fixture, http, "demo");

  g_test_summary ("A web server that is not xapi is “not a XenServer or XCP-ng server”; "
                  "TLS to a server that has none is a TLS failure; nothing is added");

  g_object_ref (dialog);
  g_assert_cmpstr (try_connect (dialog), ==,
                   "This is not a XenServer or XCP-ng server: it does not answer like one.");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  ferry_connect_dialog_fill (dialog, https, NULL, NULL, TRUE);
  g_assert_cmpstr (try_connect (dialog), ==, "The secure (TLS) connection to the server failed.");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->manager)), ==, 0);
  g_object_unref (dialog);
  stop_web_server (server);
}

static void
test_unreachable (Fixture       *fixture,
                  gconstpointer  data)
{
  FerryConnectDialog *dialog = open_dialog (fixture, "127.0.0.1:1", "demo");

  g_test_summary ("A host nobody answers on is reported as unreachable");

  g_object_ref (dialog);
  ferry_connect_dialog_connect (dialog);
  g_assert_true (ferry_ui_test_wait_until (dialog_idle, dialog, 30000));
  g_assert_nonnull (strstr (ferry_connect_dialog_get_error_text (dialog), "cannot be reached"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->manager)), ==, 0);
  g_object_unref (dialog);
}

static char *
dup_master_fingerprint (Fixture *fixture)
{
  g_autoptr(JsonNode) node = ferry_sim_test_server_get_announcement (fixture->server);
  JsonArray *pools = json_object_get_array_member (json_node_get_object (node), "pools");
  JsonObject *pool = json_array_get_object_element (pools, 0);
  JsonArray *hosts = json_object_get_array_member (pool, "hosts");

  for (guint i = 0; i < json_array_get_length (hosts); i++)
    {
      JsonObject *host = json_array_get_object_element (hosts, i);

      if (json_object_get_boolean_member (host, "master"))
        {
          GTlsCertificate *certificate =
            ferry_sim_world_get_host_certificate (ferry_sim_test_server_get_world (fixture->server),
                                                  json_object_get_string_member (host, "ref"));

          return ferry_certificate_dup_fingerprint (certificate);
        }
    }
  g_assert_not_reached ();
}

static char *master_ref;

static gboolean
regenerate_certificate (gpointer data)
{
  FerrySimTestServer *server = data;
  g_autoptr(GError) error = NULL;

  ferry_sim_world_regenerate_certificate (ferry_sim_test_server_get_world (server), master_ref, &error);
  g_assert_no_error (error);
  return G_SOURCE_REMOVE;
}

static void
set_master_ref (Fixture *fixture)
{
  g_autoptr(JsonNode) node = ferry_sim_test_server_get_announcement (fixture->server);
  JsonArray *pools = json_object_get_array_member (json_node_get_object (node), "pools");
  JsonArray *hosts = json_object_get_array_member (json_array_get_object_element (pools, 0), "hosts");

  for (guint i = 0; i < json_array_get_length (hosts); i++)
    if (json_object_get_boolean_member (json_array_get_object_element (hosts, i), "master"))
      {
        g_free (master_ref);
        master_ref = g_strdup (json_object_get_string_member (json_array_get_object_element (hosts, i), "ref"));
      }
}

static gboolean
has_one_connection (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (data)) == 1;
}

/* The dialog's connection, as "connected" hands it over: already connected
 * and in the manager (taken over, not logged in to a second time). */
static void
on_connected_cb (FerryConnectDialog *dialog,
                 FerryConnection    *connection,
                 Fixture            *fixture)
{
  guint position;

  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (ferry_connection_get_n_logins (connection), ==, 1);
  g_assert_true (ferry_connection_manager_find (fixture->manager, ferry_connection_get_address (connection),
                                                "root") == connection);
  position = g_list_model_get_n_items (G_LIST_MODEL (fixture->manager));
  g_assert_cmpuint (position, ==, 1);
  g_object_set_data (G_OBJECT (fixture->manager), "connected", connection);
}

static gboolean
trust_dialog_shown (gpointer data)
{
  return ferry_ui_test_find_toplevel (FERRY_TYPE_TRUST_DIALOG) != NULL;
}

static void
test_certificates (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *url = ferry_ui_test_sim_url (fixture->server, "Production", TRUE);
  g_autofree char *fingerprint = dup_master_fingerprint (fixture);
  g_autofree char *renewed = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *host = NULL;
  g_autoptr(FerryConnection) connection = NULL;
  FerryConnectDialog *dialog;
  FerryTrustDialog *trust;

  g_test_summary ("A new certificate is shown with its SHA-256 fingerprint and can be accepted; "
                  "a changed one is refused, with no way to accept it");

  /* First contact: asked, with the fingerprint; accepted. */
  dialog = open_dialog (fixture, url, "demo");
  g_signal_connect (dialog, "connected", G_CALLBACK (on_connected_cb), fixture);
  ferry_connect_dialog_connect (dialog);
  trust = FERRY_TRUST_DIALOG (ferry_ui_test_wait_toplevel (FERRY_TYPE_TRUST_DIALOG, 20000));
  g_assert_nonnull (trust);
  g_assert_false (ferry_trust_dialog_get_changed (trust));
  g_assert_true (ferry_trust_dialog_can_accept (trust));
  g_assert_cmpstr (ferry_trust_dialog_get_fingerprint (trust), ==, fingerprint);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (trust)) == GTK_WINDOW (dialog));
  ferry_trust_dialog_respond (trust, TRUE);

  g_assert_true (ferry_ui_test_wait_until (has_one_connection, fixture->manager, 20000));
  connection = g_list_model_get_item (G_LIST_MODEL (fixture->manager), 0);
  ferry_ui_test_wait_state (connection, FERRY_CONNECTION_STATE_CONNECTED, 30000);
  g_assert_true (g_object_get_data (G_OBJECT (fixture->manager), "connected") == connection);
  g_assert_null (ferry_ui_test_find_toplevel (FERRY_TYPE_CONNECT_DIALOG));

  /* The host gets a new certificate: the connection is refused, and the
   * warning offers no "accept". */
  ferry_connection_close_async (connection, NULL, NULL, NULL);
  ferry_ui_test_wait_state (connection, FERRY_CONNECTION_STATE_DISCONNECTED, 10000);
  set_master_ref (fixture);
  ferry_sim_test_server_invoke (fixture->server, regenerate_certificate, fixture->server);

  ferry_connection_open_async (connection, NULL, NULL, NULL);
  ferry_ui_test_wait_state (connection, FERRY_CONNECTION_STATE_FAILED, 30000);
  g_assert_error (ferry_connection_get_error (connection), FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED);

  trust = FERRY_TRUST_DIALOG (ferry_ui_test_wait_toplevel (FERRY_TYPE_TRUST_DIALOG, 5000));
  g_assert_nonnull (trust);
  g_assert_true (ferry_trust_dialog_get_changed (trust));
  g_assert_false (ferry_trust_dialog_can_accept (trust));
  renewed = dup_master_fingerprint (fixture);
  g_assert_cmpstr (renewed, !=, fingerprint);
  /* Both fingerprints, old (pinned) and new (presented), on screen. */
  g_assert_cmpstr (ferry_trust_dialog_get_fingerprint (trust), ==, renewed);
  g_assert_cmpstr (ferry_trust_dialog_get_pinned_fingerprint (trust), ==, fingerprint);
  g_assert_true (shows_text (GTK_WIDGET (trust), fingerprint, TRUE));
  g_assert_true (shows_text (GTK_WIDGET (trust), renewed, TRUE));
  g_assert_true (shows_text (GTK_WIDGET (trust), "Warning: Possible Impersonation", FALSE));
  /* Asking to accept anyway does nothing, nor does the replace action
   * before the new fingerprint is typed, nor another fingerprint. */
  ferry_trust_dialog_respond (trust, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (trust), "trust.replace", NULL);
  g_assert_false (ferry_trust_dialog_replace (trust, fingerprint));
  g_assert_false (ferry_trust_dialog_replace (trust, "not a fingerprint"));
  g_assert_false (ferry_trust_dialog_replace (trust, NULL));
  ferry_ui_test_spin (200);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_FAILED);
  pin = ferry_trust_store_dup_pin (ferry_connection_get_trust_store (connection),
                                   ferry_trust_dialog_get_host (trust));
  g_assert_cmpstr (pin, ==, fingerprint);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (trust)));
  ferry_trust_dialog_respond (trust, FALSE);
  ferry_ui_test_spin (100);
  g_assert_null (ferry_ui_test_find_toplevel (FERRY_TYPE_TRUST_DIALOG));
  /* Closing the warning changed nothing either. */
  ferry_connection_open_async (connection, NULL, NULL, NULL);
  ferry_ui_test_wait_state (connection, FERRY_CONNECTION_STATE_FAILED, 30000);
  g_assert_error (ferry_connection_get_error (connection), FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED);
  g_assert_true (ferry_ui_test_wait_until (trust_dialog_shown, NULL, 5000));
  close_dialogs ();

  /* The same through the connect dialog: plain words, nothing connected. */
  dialog = open_dialog (fixture, url, "demo");
  g_object_ref (dialog);
  ferry_connect_dialog_connect (dialog);
  g_assert_true (ferry_ui_test_wait_until (dialog_idle, dialog, 20000));
  g_assert_nonnull (strstr (ferry_connect_dialog_get_error_text (dialog), "certificate has changed"));
  trust = FERRY_TRUST_DIALOG (ferry_ui_test_wait_toplevel (FERRY_TYPE_TRUST_DIALOG, 5000));
  g_assert_nonnull (trust);
  g_assert_false (ferry_trust_dialog_can_accept (trust));
  g_object_unref (dialog);

  /* The deliberate way: the new fingerprint as the server's console
   * prints it (any spelling). The pin is replaced and the saved
   * connection connects again, without a first-contact question. */
  typed = g_ascii_strdown (renewed, -1);
  host = g_strdup (ferry_trust_dialog_get_host (trust));
  g_assert_true (ferry_trust_dialog_replace (trust, typed));
  ferry_ui_test_wait_state (connection, FERRY_CONNECTION_STATE_CONNECTED, 30000);
  g_clear_pointer (&pin, g_free);
  pin = ferry_trust_store_dup_pin (ferry_connection_get_trust_store (connection), host);
  g_assert_cmpstr (pin, ==, renewed);
  close_dialogs ();
  g_assert_null (ferry_ui_test_find_toplevel (FERRY_TYPE_TRUST_DIALOG));

  /* Once more for a server typed anew: the connect dialog's own warning,
   * and after the replacement the dialog logs in again by itself. */
  ferry_connection_manager_remove (fixture->manager, connection);
  ferry_ui_test_wait_state (connection, FERRY_CONNECTION_STATE_DISCONNECTED, 10000);
  ferry_sim_test_server_invoke (fixture->server, regenerate_certificate, fixture->server);
  g_clear_pointer (&renewed, g_free);
  renewed = dup_master_fingerprint (fixture);
  g_object_set_data (G_OBJECT (fixture->manager), "connected", NULL);

  dialog = open_dialog (fixture, url, "demo");
  g_signal_connect (dialog, "connected", G_CALLBACK (on_connected_cb), fixture);
  g_object_ref (dialog);
  ferry_connect_dialog_connect (dialog);
  trust = FERRY_TRUST_DIALOG (ferry_ui_test_wait_toplevel (FERRY_TYPE_TRUST_DIALOG, 20000));
  g_assert_nonnull (trust);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (trust)) == GTK_WINDOW (dialog));
  g_assert_true (ferry_trust_dialog_get_changed (trust));
  g_assert_cmpstr (ferry_trust_dialog_get_pinned_fingerprint (trust), ==, pin);
  g_assert_cmpstr (ferry_trust_dialog_get_fingerprint (trust), ==, renewed);
  g_assert_nonnull (strstr (ferry_connect_dialog_get_error_text (dialog), "certificate has changed"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->manager)), ==, 0);

  g_assert_true (ferry_trust_dialog_replace (trust, renewed));
  g_assert_true (ferry_ui_test_wait_until (has_one_connection, fixture->manager, 30000));
  g_assert_nonnull (g_object_get_data (G_OBJECT (fixture->manager), "connected"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_null (ferry_ui_test_find_toplevel (FERRY_TYPE_TRUST_DIALOG));
  g_object_unref (dialog);
}

static gboolean
saved_row_shown (gpointer data)
{
  return ferry_ui_test_find_tree_row (data, "Saved Pool") != NULL;
}

/* A socket that takes connections and never answers. */
static GSocketListener *
silent_listener (guint16 *port)
{
  GSocketListener *listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;

  *port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  return listener;
}

static void
test_saved_name (Fixture       *fixture,
                 gconstpointer  data)
{
  guint16 port;
  g_autoptr(GSocketListener) listener = NULL;
  g_autofree char *address = NULL;
  g_autofree char *dir = g_path_get_dirname (ferry_connection_manager_get_path (fixture->manager));
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(FerryConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *row;

  g_test_summary ("At start-up a saved connection shows its pool's saved name, connecting, "
                  "before the server answers");

  /* It accepts and never answers: the connection stays connecting. */
  listener = silent_listener (&port);
  address = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_key_file_set_string (file, "connection saved-1", "address", address);
  g_key_file_set_string (file, "connection saved-1", "username", "root");
  g_key_file_set_string (file, "connection saved-1", "transport", "http");
  g_key_file_set_string (file, "connection saved-1", "name", "Saved Pool");
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_key_file_save_to_file (file, ferry_connection_manager_get_path (fixture->manager), &error));
  g_assert_true (ferry_credentials_store_sync (address, "root", "demo", NULL, &error));
  g_assert_no_error (error);

  ferry_connection_manager_restore_async (fixture->manager, NULL, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->manager)), ==, 1);
  connection = g_list_model_get_item (G_LIST_MODEL (fixture->manager), 0);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_CONNECTING);
  g_assert_cmpstr (ferry_connection_get_pool_name (connection), ==, "Saved Pool");

  g_assert_true (ferry_ui_test_wait_until (saved_row_shown, fixture->window, 5000));
  row = ferry_ui_test_find_tree_row (GTK_WIDGET (fixture->window), "Saved Pool");
  g_assert_nonnull (row);
  g_assert_true (shows_text (row, "Connecting…", FALSE));
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_CONNECTING);

  g_assert_true (ferry_credentials_clear_sync (address, "root", NULL, &error));
}

int
main (int   argc,
      char *argv[])
{
  ferry_ui_test_init (&argc, &argv);

  g_test_add ("/ui/connect/wrong-password", Fixture, NULL, fixture_setup, test_wrong_password, fixture_teardown);
  g_test_add ("/ui/connect/unreachable", Fixture, NULL, fixture_setup, test_unreachable, fixture_teardown);
  g_test_add ("/ui/connect/not-xapi", Fixture, NULL, fixture_setup, test_not_xapi, fixture_teardown);
  g_test_add ("/ui/connect/saved-name", Fixture, NULL, fixture_setup, test_saved_name, fixture_teardown);
  g_test_add ("/ui/connect/certificates", Fixture, NULL, fixture_setup, test_certificates, fixture_teardown);

  return g_test_run ();
}
