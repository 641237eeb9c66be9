/* ferry-ui-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-cache.h"
#include "ferry-sim-faults.h"
#include "ferry-sim-world.h"
#include "ferry-tree-row.h"
#include "ferry-ui-test-utils.h"
#include "ferry-ui-utils.h"

/* GTK 4.8 warns when a window closes while one of its entries has the
 * focus and no window manager sent the focus-out: not our bug. */
static gboolean
on_fatal_log_cb (const char     *log_domain,
                 GLogLevelFlags  log_level,
                 const char     *message,
                 gpointer        user_data)
{
  return !(g_strcmp0 (log_domain, "Gtk") == 0 && strstr (message, "did not receive a focus-out event") != NULL);
}

void
ferry_ui_test_init (int    *argc,
                    char ***argv)
{
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  gtk_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  adw_init ();
  g_test_log_set_fatal_handler (on_fatal_log_cb, NULL);
  /* Without a window manager, windows never hear that they lost the focus;
   * a blinking cursor then complains that it did not get a focus-out. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
}

typedef struct
{
  gboolean timed_out;
} Timeout;

static gboolean
on_timeout_cb (gpointer data)
{
  ((Timeout *) data)->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
ferry_ui_test_wait_until (gboolean (*func) (gpointer),
                          gpointer   data,
                          guint      timeout_ms)
{
  Timeout timeout = { FALSE };
  guint id = g_timeout_add (timeout_ms, on_timeout_cb, &timeout);
  gboolean done;

  while (!(done = func (data)) && !timeout.timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timeout.timed_out)
    g_source_remove (id);
  return done;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
ferry_ui_test_spin (guint ms)
{
  ferry_ui_test_wait_until (never, NULL, ms);
}

typedef struct
{
  FerryConnection      *connection;
  FerryConnectionState  state;
} StateWait;

static gboolean
in_state (gpointer data)
{
  StateWait *wait = data;

  return ferry_connection_get_state (wait->connection) == wait->state &&
         (wait->state != FERRY_CONNECTION_STATE_CONNECTED ||
          ferry_cache_get_populated (ferry_connection_get_cache (wait->connection)));
}

void
ferry_ui_test_wait_state (FerryConnection      *connection,
                          FerryConnectionState  state,
                          guint                 timeout_ms)
{
  StateWait wait = { connection, state };

  if (!ferry_ui_test_wait_until (in_state, &wait, timeout_ms))
    {
      g_autofree char *text = ferry_connection_dup_status_text (connection);

      g_error ("%s is not in state %d but %d (%s)", ferry_connection_get_address (connection), state,
               ferry_connection_get_state (connection), text);
    }
}

static gboolean
jobs_final (gpointer data)
{
  GPtrArray *jobs = data;

  for (guint i = 0; i < jobs->len; i++)
    if (!ferry_job_is_finished (g_ptr_array_index (jobs, i)))
      return FALSE;
  return TRUE;
}

void
ferry_ui_test_wait_jobs (GPtrArray *jobs,
                         guint      timeout_ms)
{
  g_assert_nonnull (jobs);
  if (!ferry_ui_test_wait_until (jobs_final, jobs, timeout_ms))
    g_error ("%u jobs, not all final after %u ms", jobs->len, timeout_ms);
}

FerryConnectionManager *
ferry_ui_test_manager_new (void)
{
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "ferry-ui-test",
                                            "connections.ini", NULL);
  static guint counter;
  g_autofree char *unique = g_strdup_printf ("%s.%u", path, ++counter);

  return ferry_connection_manager_new (unique);
}

GtkWidget *
ferry_ui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WIDGET (window);  /* GTK keeps its toplevels */
    }
  return NULL;
}

static gboolean
toplevel_exists (gpointer data)
{
  return ferry_ui_test_find_toplevel ((GType) GPOINTER_TO_SIZE (data)) != NULL;
}

GtkWidget *
ferry_ui_test_wait_toplevel (GType type,
                             guint timeout_ms)
{
  ferry_ui_test_wait_until (toplevel_exists, GSIZE_TO_POINTER (type), timeout_ms);
  return ferry_ui_test_find_toplevel (type);
}

GtkWidget *
ferry_ui_test_find_tree_row (GtkWidget  *widget,
                             const char *title)
{
  if (FERRY_IS_TREE_ROW (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (ferry_tree_row_get_title (FERRY_TREE_ROW (widget)), title) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ferry_ui_test_find_tree_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

char *
ferry_ui_test_sim_url (FerrySimTestServer *server,
                       const char         *name,
                       gboolean            tls)
{
  g_autoptr(JsonNode) node = ferry_sim_test_server_get_announcement (server);
  JsonObject *root = json_node_get_object (node);
  JsonArray *standalone = json_object_get_array_member (root, "standalone");

  for (guint i = 0; i < json_array_get_length (standalone); i++)
    {
      JsonObject *host = json_array_get_object_element (standalone, i);

      if (g_strcmp0 (json_object_get_string_member (host, "name"), name) == 0)
        return g_strdup (json_object_get_string_member (host, tls ? "url" : "http_url"));
    }
  return ferry_sim_test_server_dup_master_url (server, name, tls);
}

FerryConnection *
ferry_ui_test_connect (FerrySimTestServer     *server,
                       FerryConnectionManager *manager,
                       const char             *name)
{
  g_autofree char *url = ferry_ui_test_sim_url (server, name, FALSE);
  FerryConnection *connection = ferry_connection_manager_add (manager, url, "root", FERRY_TRANSPORT_HTTP);

  ferry_connection_set_password (connection, "demo");
  ferry_connection_set_reconnect_delays (connection, 0.2, 0.5);
  ferry_connection_open_async (connection, NULL, NULL, NULL);
  return connection;
}

FerryObject *
ferry_ui_test_find_object (FerryConnection *connection,
                           GType            type,
                           const char      *name)
{
  GListModel *objects = ferry_cache_get_objects (ferry_connection_get_cache (connection), type);

  for (guint i = 0; i < g_list_model_get_n_items (objects); i++)
    {
      g_autoptr(FerryObject) object = g_list_model_get_item (objects, i);

      if ((name == NULL || g_strcmp0 (ferry_object_get_name_label (object), name) == 0) &&
          (type != FERRY_TYPE_VM || ferry_vm_is_listed (FERRY_VM (object))))
        return object;  /* the cache keeps it */
    }
  g_error ("No %s named %s", g_type_name (type), name ? name : "(any)");
  return NULL;
}

typedef struct
{
  FerrySimTestServer *server;
  double              scale;
  const char         *faults;
} WorldCall;

static gboolean
world_call_cb (gpointer data)
{
  WorldCall *call = data;
  FerrySimWorld *world = ferry_sim_test_server_get_world (call->server);
  g_autoptr(GError) error = NULL;

  if (call->scale > 0)
    ferry_sim_world_set_time_scale (world, call->scale);
  if (call->faults != NULL && !ferry_sim_faults_add_json (ferry_sim_world_get_faults (world), call->faults, -1, &error))
    g_error ("Bad faults %s: %s", call->faults, error->message);
  return G_SOURCE_REMOVE;
}

void
ferry_ui_test_set_time_scale (FerrySimTestServer *server,
                              double              scale)
{
  WorldCall call = { server, scale, NULL };

  ferry_sim_test_server_invoke (server, world_call_cb, &call);
}

void
ferry_ui_test_add_faults (FerrySimTestServer *server,
                          const char         *json)
{
  WorldCall call = { server, 0, json };

  ferry_sim_test_server_invoke (server, world_call_cb, &call);
}
