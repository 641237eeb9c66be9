/* test-resource-tree.c: the main window against the demo simulator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-cache.h"
#include "ferry-details-view.h"
#include "ferry-host.h"
#include "ferry-resource-tree.h"
#include "ferry-sim-test-server.h"
#include "ferry-sr-view.h"
#include "ferry-sr.h"
#include "ferry-tree-group.h"
#include "ferry-tree-row.h"
#include "ferry-ui-utils.h"
#include "ferry-ui-test-utils.h"
#include "ferry-vm-view.h"
#include "ferry-vm.h"
#include "ferry-window.h"

typedef struct
{
  FerrySimTestServer     *server;
  FerryConnectionManager *manager;
  FerryConnection        *pool;
  FerryConnection        *standalone;
  FerryWindow            *window;
  FerryResourceTree      *tree;
} Fixture;

static gboolean
window_drawn (gpointer data)
{
  Fixture *fixture = data;

  /* The first rows are on screen (the standalone host may be scrolled away). */
  return ferry_ui_test_find_tree_row (GTK_WIDGET (fixture->window), "Production") != NULL &&
         ferry_ui_test_find_tree_row (GTK_WIDGET (fixture->window), "prod-host-01") != NULL;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = ferry_sim_test_server_start_demo ();
  fixture->manager = ferry_ui_test_manager_new ();
  fixture->window = ferry_window_new (NULL, fixture->manager, NULL, FALSE);
  fixture->tree = ferry_window_get_tree (fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));

  fixture->pool = ferry_ui_test_connect (fixture->server, fixture->manager, "Production");
  fixture->standalone = ferry_ui_test_connect (fixture->server, fixture->manager, "legacy-01");
  ferry_ui_test_wait_state (fixture->pool, FERRY_CONNECTION_STATE_CONNECTED, 30000);
  ferry_ui_test_wait_state (fixture->standalone, FERRY_CONNECTION_STATE_CONNECTED, 30000);
  g_assert_true (ferry_ui_test_wait_until (window_drawn, fixture, 10000));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  ferry_connection_close_async (fixture->pool, NULL, NULL, NULL);
  ferry_connection_close_async (fixture->standalone, NULL, NULL, NULL);
  ferry_ui_test_spin (100);
  g_clear_object (&fixture->manager);
  ferry_sim_test_server_stop (fixture->server);
}

/* Every row of the tree, as "depth:title" lines. */
static char *
dump_rows (FerryResourceTree *tree)
{
  GListModel *rows = ferry_resource_tree_get_rows (tree);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);
      const char *title;

      if (FERRY_IS_CONNECTION (item))
        title = ferry_connection_get_title (FERRY_CONNECTION (item));
      else if (FERRY_IS_TREE_GROUP (item))
        title = ferry_tree_group_get_title (FERRY_TREE_GROUP (item));
      else
        title = ferry_object_get_name_label (FERRY_OBJECT (item));
      g_string_append_printf (text, "%u:%s\n", gtk_tree_list_row_get_depth (row), title);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static guint
count_listed_vms (FerryConnection *connection)
{
  GListModel *vms = ferry_cache_get_objects (ferry_connection_get_cache (connection), FERRY_TYPE_VM);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (vms, i);

      if (!ferry_vm_get_is_a_template (vm) && !ferry_vm_get_is_a_snapshot (vm) &&
          !ferry_vm_get_is_control_domain (vm))
        n++;
    }
  return n;
}

static guint
count_rows_of_type (FerryResourceTree *tree,
                    GType              type)
{
  GListModel *rows = ferry_resource_tree_get_rows (tree);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (G_TYPE_CHECK_INSTANCE_TYPE (item, type))
        n++;
    }
  return n;
}

static void
test_tree_populates (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *rows = dump_rows (fixture->tree);
  guint n_vms = count_listed_vms (fixture->pool) + count_listed_vms (fixture->standalone);

  g_test_summary ("The tree shows pools, hosts, VMs, storage and networks, and a standalone host");
  g_test_message ("%s", rows);

  /* The pool and the standalone host at the top, both expanded. */
  g_assert_nonnull (strstr (rows, "0:Production\n"));
  g_assert_nonnull (strstr (rows, "0:legacy-01\n"));
  for (guint i = 1; i <= 4; i++)
    {
      g_autofree char *host = g_strdup_printf ("1:prod-host-0%u\n", i);

      g_assert_nonnull (strstr (rows, host));
    }
  /* The standalone host is the connection row itself. */
  g_assert_null (strstr (rows, "1:legacy-01\n"));
  g_assert_nonnull (strstr (rows, "1:Storage\n"));
  g_assert_nonnull (strstr (rows, "1:Networks\n"));

  /* Every VM that is not a template, snapshot or control domain. */
  g_assert_cmpuint (count_rows_of_type (fixture->tree, FERRY_TYPE_VM), ==, n_vms);
  g_assert_cmpuint (n_vms, >, 10);
  g_assert_cmpuint (count_rows_of_type (fixture->tree, FERRY_TYPE_HOST), ==, 4);
}

static void
test_selection_shows_details (Fixture       *fixture,
                              gconstpointer  data)
{
  FerryDetailsView *details = ferry_window_get_details (fixture->window);
  FerryObject *vm = ferry_ui_test_find_object (fixture->pool, FERRY_TYPE_VM, NULL);
  FerryObject *host = ferry_ui_test_find_object (fixture->pool, FERRY_TYPE_HOST, "prod-host-02");
  FerryObject *sr = ferry_ui_test_find_object (fixture->pool, FERRY_TYPE_SR, "Prod-NFS");
  GtkWidget *vm_view;
  GtkWidget *sr_view;

  g_test_summary ("Selecting an object in the tree shows its details");

  g_assert_nonnull (vm);
  g_assert_true (ferry_resource_tree_select_item (fixture->tree, G_OBJECT (vm)));
  ferry_ui_test_spin (50);
  g_assert_cmpstr (ferry_details_view_get_visible_page (details), ==, "vm");
  vm_view = ferry_details_view_get_page_widget (details, "vm");
  g_assert_true (ferry_vm_view_get_vm (FERRY_VM_VIEW (vm_view)) == FERRY_VM (vm));
  g_assert_true (gtk_widget_get_mapped (vm_view));

  g_assert_true (ferry_resource_tree_select_item (fixture->tree, G_OBJECT (host)));
  g_assert_cmpstr (ferry_details_view_get_visible_page (details), ==, "host");

  g_assert_nonnull (sr);
  g_assert_true (ferry_resource_tree_select_item (fixture->tree, G_OBJECT (sr)));
  g_assert_cmpstr (ferry_details_view_get_visible_page (details), ==, "sr");
  sr_view = ferry_details_view_get_page_widget (details, "sr");
  g_assert_cmpuint (g_list_model_get_n_items (ferry_sr_view_get_vdis (FERRY_SR_VIEW (sr_view))), ==,
                    g_list_model_get_n_items (ferry_sr_get_vdis (FERRY_SR (sr))));

  g_assert_true (ferry_resource_tree_select_item (fixture->tree, G_OBJECT (fixture->pool)));
  g_assert_cmpstr (ferry_details_view_get_visible_page (details), ==, "pool");

  g_assert_true (ferry_resource_tree_select_item (fixture->tree, G_OBJECT (fixture->standalone)));
  g_assert_cmpstr (ferry_details_view_get_visible_page (details), ==, "host");

  /* Up moves the selection, and the details follow. */
  g_assert_true (ferry_resource_tree_select_item (fixture->tree, G_OBJECT (host)));
  gtk_widget_grab_focus (ferry_resource_tree_get_list_view (fixture->tree));
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  FerryObject *vm = ferry_ui_test_find_object (fixture->pool, FERRY_TYPE_VM, NULL);
  g_autofree char *name = g_strdup (ferry_object_get_name_label (vm));
  g_autofree char *rows = NULL;
  g_autofree char *vm_line = g_strdup_printf ("2:%s\n", name);
  guint n_rows;

  g_test_summary ("Typing filters the tree at once and keeps the ancestors of what matches");

  n_rows = g_list_model_get_n_items (ferry_resource_tree_get_rows (fixture->tree));
  ferry_resource_tree_set_search_text (fixture->tree, name);
  rows = dump_rows (fixture->tree);
  g_test_message ("%s", rows);
  g_assert_nonnull (strstr (rows, vm_line));
  g_assert_nonnull (strstr (rows, "0:Production\n"));
  g_assert_null (strstr (rows, "0:legacy-01\n"));
  g_assert_cmpuint (count_rows_of_type (fixture->tree, FERRY_TYPE_VM), >=, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ferry_resource_tree_get_rows (fixture->tree)), <, n_rows);

  /* A host name shows the host with all of its VMs. */
  ferry_resource_tree_set_search_text (fixture->tree, "prod-host-03");
  g_clear_pointer (&rows, g_free);
  rows = dump_rows (fixture->tree);
  g_assert_nonnull (strstr (rows, "1:prod-host-03\n"));
  g_assert_null (strstr (rows, "1:prod-host-01\n"));

  ferry_resource_tree_set_search_text (fixture->tree, "no such thing anywhere");
  g_assert_cmpuint (g_list_model_get_n_items (ferry_resource_tree_get_rows (fixture->tree)), ==, 0);

  /* Clearing the search brings the tree back, with the user's expansion. */
  ferry_resource_tree_set_search_text (fixture->tree, "");
  g_assert_cmpuint (g_list_model_get_n_items (ferry_resource_tree_get_rows (fixture->tree)), ==, n_rows);
}

static gboolean
tree_has_all_vms (gpointer data)
{
  Fixture *fixture = data;

  return count_rows_of_type (fixture->tree, FERRY_TYPE_VM) ==
           count_listed_vms (fixture->pool) + count_listed_vms (fixture->standalone) &&
         count_rows_of_type (fixture->tree, FERRY_TYPE_HOST) == 4;
}

static gboolean
drop_connections (gpointer data)
{
  FerrySimTestServer *server = data;

  ferry_sim_world_drop_connections (ferry_sim_test_server_get_world (server), NULL, 1.0);
  return G_SOURCE_REMOVE;
}

static gboolean
row_says_reconnecting (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *row = ferry_ui_test_find_tree_row (GTK_WIDGET (fixture->window), "Production");

  return row != NULL && g_str_has_prefix (ferry_tree_row_get_status (FERRY_TREE_ROW (row)), "Reconnecting");
}

static void
test_reconnect (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *before = dump_rows (fixture->tree);
  g_autofree char *after = NULL;

  g_test_summary ("After the connection drops and comes back, the tree is complete and correct again");

  ferry_sim_test_server_invoke (fixture->server, drop_connections, fixture->server);
  ferry_ui_test_wait_state (fixture->pool, FERRY_CONNECTION_STATE_RECONNECTING, 30000);
  /* The row says so (it may be quick). */
  ferry_ui_test_wait_until (row_says_reconnecting, fixture, 2000);
  ferry_ui_test_wait_state (fixture->pool, FERRY_CONNECTION_STATE_CONNECTED, 30000);
  ferry_ui_test_wait_state (fixture->standalone, FERRY_CONNECTION_STATE_CONNECTED, 30000);
  g_assert_true (ferry_ui_test_wait_until (tree_has_all_vms, fixture, 10000));
  after = dump_rows (fixture->tree);
  g_test_message ("after:\n%s", after);
  g_assert_true (ferry_ui_test_wait_until (window_drawn, fixture, 10000));

  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (ferry_tree_row_get_status (FERRY_TREE_ROW (ferry_ui_test_find_tree_row (GTK_WIDGET (fixture->window),
                                                                                             "Production"))), ==, "");
}

int
main (int   argc,
      char *argv[])
{
  ferry_ui_test_init (&argc, &argv);

  g_test_add ("/ui/tree/populates", Fixture, NULL, fixture_setup, test_tree_populates, fixture_teardown);
  g_test_add ("/ui/tree/selection-shows-details", Fixture, NULL, fixture_setup, test_selection_shows_details,
              fixture_teardown);
  g_test_add ("/ui/tree/search", Fixture, NULL, fixture_setup, test_search, fixture_teardown);
  g_test_add ("/ui/tree/reconnect", Fixture, NULL, fixture_setup, test_reconnect, fixture_teardown);

  return g_test_run ();
}
