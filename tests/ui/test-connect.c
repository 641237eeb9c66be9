/* test-connect.c: the connect dialog and certificate trust, against the simulator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-connect-dialog.h"
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

static void
test_certificates (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *url = ferry_ui_test_sim_url (fixture->server, "Production", TRUE);
  g_autofree char *fingerprint = dup_master_fingerprint (fixture);
  g_autoptr(FerryConnection) connection = NULL;
  FerryConnectDialog *dialog;
  FerryTrustDialog *trust;

  g_test_summary ("A new certificate is shown with its SHA-256 fingerprint and can be accepted; "
                  "a changed one is refused, with no way to accept it");

  /* First contact: asked, with the fingerprint; accepted. */
  dialog = open_dialog (fixture, url, "demo");
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
  g_assert_cmpstr (ferry_trust_dialog_get_fingerprint (trust), !=, fingerprint);
  /* Asking to accept anyway does nothing. */
  ferry_trust_dialog_respond (trust, TRUE);
  ferry_ui_test_spin (200);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_FAILED);
  ferry_trust_dialog_respond (trust, FALSE);
  ferry_ui_test_spin (100);
  g_assert_null (ferry_ui_test_find_toplevel (FERRY_TYPE_TRUST_DIALOG));

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
}

int
main (int   argc,
      char *argv[])
{
  ferry_ui_test_init (&argc, &argv);

  g_test_add ("/ui/connect/wrong-password", Fixture, NULL, fixture_setup, test_wrong_password, fixture_teardown);
  g_test_add ("/ui/connect/unreachable", Fixture, NULL, fixture_setup, test_unreachable, fixture_teardown);
  g_test_add ("/ui/connect/certificates", Fixture, NULL, fixture_setup, test_certificates, fixture_teardown);

  return g_test_run ();
}
