/* test-operations.c: context menus, quick migration, drag and drop and the
 * operations panel, against the demo simulator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-cache.h"
#include "ferry-host.h"
#include "ferry-operation-row.h"
#include "ferry-operations-panel.h"
#include "ferry-resource-tree.h"
#include "ferry-rules.h"
#include "ferry-sim-faults.h"
#include "ferry-sim-test-server.h"
#include "ferry-sim-world.h"
#include "ferry-tree-menu.h"
#include "ferry-ui-test-utils.h"
#include "ferry-vm.h"
#include "ferry-window.h"

typedef struct
{
  FerrySimTestServer     *server;
  FerryConnectionManager *manager;
  FerryConnection        *pool;
  FerryConnection        *lab;
  FerryWindow            *window;
  FerryResourceTree      *tree;
  FerryQueue             *queue;
} Fixture;

static FerryConnection *
add_connection (Fixture    *fixture,
                const char *name)
{
  g_autofree char *url = ferry_ui_test_sim_url (fixture->server, name, FALSE);
  FerryConnection *connection = ferry_connection_manager_add (fixture->manager, url, "root", FERRY_TRANSPORT_HTTP);

  ferry_connection_set_password (connection, "demo");
  ferry_connection_open_async (connection, NULL, NULL, NULL);
  return connection;
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
  if (call->faults != NULL)
    {
      ferry_sim_faults_add_json (ferry_sim_world_get_faults (world), call->faults, -1, &error);
      g_assert_no_error (error);
    }
  return G_SOURCE_REMOVE;
}

static void
set_time_scale (Fixture *fixture,
                double   scale)
{
  WorldCall call = { fixture->server, scale, NULL };

  ferry_sim_test_server_invoke (fixture->server, world_call_cb, &call);
}

static void
add_faults (Fixture    *fixture,
            const char *json)
{
  WorldCall call = { fixture->server, 0, json };

  ferry_sim_test_server_invoke (fixture->server, world_call_cb, &call);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = ferry_sim_test_server_start_demo ();
  set_time_scale (fixture, 200);
  fixture->manager = ferry_ui_test_manager_new ();
  fixture->window = ferry_window_new (NULL, fixture->manager, NULL, FALSE);
  fixture->tree = ferry_window_get_tree (fixture->window);
  fixture->queue = ferry_window_get_queue (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1024, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));

  fixture->pool = add_connection (fixture, "Production");
  fixture->lab = add_connection (fixture, "Lab");
  ferry_ui_test_wait_state (fixture->pool, FERRY_CONNECTION_STATE_CONNECTED, 30000);
  ferry_ui_test_wait_state (fixture->lab, FERRY_CONNECTION_STATE_CONNECTED, 30000);
}

static void
close_other_windows (Fixture *fixture)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i - 1);

      if (window != GTK_WINDOW (fixture->window))
        gtk_window_destroy (window);
    }
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  close_other_windows (fixture);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  ferry_connection_close_async (fixture->pool, NULL, NULL, NULL);
  ferry_connection_close_async (fixture->lab, NULL, NULL, NULL);
  ferry_ui_test_spin (100);
  g_clear_object (&fixture->manager);
  ferry_sim_test_server_stop (fixture->server);
}

static FerryObject *
find_object (FerryConnection *connection,
             GType            type,
             const char      *name)
{
  GListModel *objects = ferry_cache_get_objects (ferry_connection_get_cache (connection), type);

  for (guint i = 0; i < g_list_model_get_n_items (objects); i++)
    {
      g_autoptr(FerryObject) object = g_list_model_get_item (objects, i);

      if (g_strcmp0 (ferry_object_get_name_label (object), name) == 0 &&
          (type != FERRY_TYPE_VM || !ferry_vm_get_is_a_snapshot (FERRY_VM (object))))
        return object;  /* the cache keeps it */
    }
  g_error ("No %s named %s", g_type_name (type), name);
}

#define VM(f, name)   ((FerryVm *) find_object ((f)->pool, FERRY_TYPE_VM, (name)))
#define HOST(f, name) ((FerryHost *) find_object ((f)->pool, FERRY_TYPE_HOST, (name)))

static gboolean
menu_checked (gpointer data)
{
  return !ferry_tree_menu_is_checking (data);
}

/* The context menu of @vm, once its hosts are filled in. */
static FerryTreeMenu *
open_menu (Fixture *fixture,
           FerryVm *vm)
{
  FerryTreeMenu *menu;

  g_assert_true (ferry_resource_tree_select_item (fixture->tree, G_OBJECT (vm)));
  ferry_resource_tree_popup_menu (fixture->tree);
  menu = ferry_resource_tree_get_menu (fixture->tree);
  g_assert_nonnull (menu);
  g_assert_true (ferry_tree_menu_get_item (menu) == G_OBJECT (vm));
  g_assert_true (ferry_ui_test_wait_until (menu_checked, menu, 20000));
  return menu;
}

/* The host's item in "Migrate to Server": its label, action and target. */
static void
get_host_item (FerryTreeMenu  *menu,
               const char     *host,
               char          **label,
               char          **action,
               GVariant      **target)
{
  GMenuModel *hosts = ferry_tree_menu_get_hosts (menu);

  g_assert_nonnull (hosts);
  for (int i = 0; i < g_menu_model_get_n_items (hosts); i++)
    {
      g_autofree char *text = NULL;

      g_assert_true (g_menu_model_get_item_attribute (hosts, i, G_MENU_ATTRIBUTE_LABEL, "s", &text));
      if (!g_str_has_prefix (text, host))
        continue;
      g_assert_true (g_menu_model_get_item_attribute (hosts, i, G_MENU_ATTRIBUTE_ACTION, "s", action));
      *target = g_menu_model_get_item_attribute_value (hosts, i, G_MENU_ATTRIBUTE_TARGET, NULL);
      *label = g_steal_pointer (&text);
      return;
    }
  g_error ("No item for %s", host);
}

static void
test_menu_refusals (Fixture       *fixture,
                    gconstpointer  data)
{
  FerryTreeMenu *menu;
  g_autofree char *label = NULL;
  g_autofree char *action = NULL;
  g_autoptr(GVariant) target = NULL;
  const char *rule;

  g_test_summary ("The VM's menu lists the pool's hosts: those it cannot go to are disabled "
                  "and say why, with the rule ID; the others migrate it");

  /* erp-db (448 GiB) does not fit beside the VMs of prod-host-02 (R17). */
  menu = open_menu (fixture, VM (fixture, "erp-db"));
  get_host_item (menu, "prod-host-02", &label, &action, &target);
  g_test_message ("%s", label);
  g_assert_cmpstr (action, ==, "tree.refused");
  rule = g_variant_get_string (target, NULL);
  g_assert_true (ferry_rules_has_rule (rule));
  g_assert_nonnull (strstr (label, rule));
  g_assert_cmpstr (rule, ==, "R17");
  g_clear_pointer (&label, g_free);
  g_clear_pointer (&action, g_free);
  g_clear_pointer (&target, g_variant_unref);

  /* Its own host: refused too, with xapi's check. */
  get_host_item (menu, "prod-host-01", &label, &action, &target);
  g_assert_cmpstr (action, ==, "tree.refused");
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, "X-CURRENT-HOST");
  g_clear_pointer (&label, g_free);
  g_clear_pointer (&action, g_free);
  g_clear_pointer (&target, g_variant_unref);

  /* web-01 can go to prod-host-03: the item migrates it there. */
  menu = open_menu (fixture, VM (fixture, "web-01"));
  get_host_item (menu, "prod-host-03", &label, &action, &target);
  g_test_message ("%s", label);
  /* It may carry a warning (R26: HA), but it is enabled. */
  g_assert_cmpstr (action, ==, "win.migrate-to-host");
  g_assert_true (g_variant_is_of_type (target, G_VARIANT_TYPE ("(ss)")));
}

typedef struct
{
  FerryVm    *vm;
  const char *host_ref;
} OnHost;

static gboolean
vm_on_host (gpointer data)
{
  OnHost *on = data;

  return g_strcmp0 (ferry_vm_get_resident_on (on->vm), on->host_ref) == 0 &&
         ferry_vm_get_power_state (on->vm) == FERRY_VM_POWER_STATE_RUNNING;
}

static gboolean
queue_idle (gpointer data)
{
  return ferry_queue_get_n_unfinished (data) == 0;
}

static FerryJob *
last_job (Fixture *fixture)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (fixture->queue));
  g_autoptr(FerryJob) job = NULL;

  g_assert_cmpuint (n, >, 0);
  job = g_list_model_get_item (G_LIST_MODEL (fixture->queue), n - 1);
  return job;  /* the queue keeps it */
}

typedef struct
{
  FerryWindow *window;
  gboolean     badge;
  gboolean     inhibited;
} Seen;

static void
on_panel_changed_cb (FerryOperationsPanel *panel,
                     Seen                 *seen)
{
  seen->badge |= g_strcmp0 (ferry_window_get_badge (seen->window), "1") == 0;
  seen->inhibited |= ferry_window_get_suspend_inhibited (seen->window);
}

static void
test_quick_migration (Fixture       *fixture,
                      gconstpointer  data)
{
  FerryVm *vm = VM (fixture, "web-01");
  FerryHost *host = HOST (fixture, "prod-host-03");
  OnHost on = { vm, ferry_object_get_ref (FERRY_OBJECT (host)) };
  FerryOperationsPanel *panel = ferry_window_get_operations (fixture->window);
  Seen seen = { fixture->window, FALSE, FALSE };
  GtkWidget *row;
  FerryJob *job;

  g_test_summary ("Migrate to Server moves the VM to the chosen host; the operations panel shows the job, "
                  "the header a badge, and suspend is inhibited while it runs");

  g_assert_null (ferry_window_get_badge (fixture->window));
  g_signal_connect_after (panel, "changed", G_CALLBACK (on_panel_changed_cb), &seen);
  /* Slow enough to see it run. */
  set_time_scale (fixture, 10);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.migrate-to-host", "(ss)",
                                             ferry_object_get_uuid (FERRY_OBJECT (vm)),
                                             ferry_object_get_uuid (FERRY_OBJECT (host))));
  job = last_job (fixture);
  g_assert_cmpstr (ferry_job_get_vm_name (job), ==, "web-01");
  ferry_ui_test_spin (50);
  row = ferry_operations_panel_find_row (panel, job);
  g_assert_nonnull (row);

  set_time_scale (fixture, 200);
  g_assert_true (ferry_ui_test_wait_until (queue_idle, fixture->queue, 60000));
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_SUCCEEDED);
  g_assert_true (ferry_ui_test_wait_until (vm_on_host, &on, 10000));
  ferry_ui_test_spin (50);
  g_signal_handlers_disconnect_by_func (panel, on_panel_changed_cb, &seen);
  /* While it ran: a badge, and suspend inhibited; now neither. */
  g_assert_true (seen.badge);
  g_assert_true (seen.inhibited);
  g_assert_false (ferry_window_get_suspend_inhibited (fixture->window));
  g_assert_null (ferry_window_get_badge (fixture->window));

  /* Dismissed, the row goes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "ops.dismiss", "s", ferry_job_get_id (job)));
  ferry_ui_test_spin (50);
  g_assert_null (ferry_operations_panel_find_row (panel, job));

  /* win.show-operations reveals the panel. */
  g_assert_false (ferry_window_get_operations_visible (fixture->window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-operations", NULL));
  g_assert_true (ferry_window_get_operations_visible (fixture->window));
}

static gboolean
vm_running (gpointer data)
{
  return ferry_vm_get_power_state (data) == FERRY_VM_POWER_STATE_RUNNING;
}

static void
test_failure_resume (Fixture       *fixture,
                     gconstpointer  data)
{
  FerryVm *vm = VM (fixture, "web-02");
  FerryHost *host = HOST (fixture, "prod-host-04");
  FerryOperationsPanel *panel = ferry_window_get_operations (fixture->window);
  FerryOperationRow *row;
  const char *problem;
  FerryJob *job;

  g_test_summary ("R29: a migration that fails and leaves the VM paused says so in the panel, "
                  "with Resume VM, which lets the VM run again");

  add_faults (fixture, "{\"type\": \"fail_migration\", \"vm\": \"web-02\", \"at_progress\": 0.5,"
                       " \"leave_paused\": true, \"count\": 1}");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.migrate-to-host", "(ss)",
                                             ferry_object_get_uuid (FERRY_OBJECT (vm)),
                                             ferry_object_get_uuid (FERRY_OBJECT (host))));
  job = last_job (fixture);
  g_assert_true (ferry_ui_test_wait_until (queue_idle, fixture->queue, 60000));
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_FAILED);

  row = FERRY_OPERATION_ROW (ferry_operations_panel_find_row (panel, job));
  g_assert_nonnull (row);
  problem = ferry_operation_row_get_problem (row);
  g_test_message ("%s", problem);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "paused"));
  g_assert_nonnull (strstr (problem, "prod-host-03"));
  g_assert_true (ferry_operation_row_can_resume (row));
  ferry_ui_test_spin (50);
  g_assert_cmpstr (ferry_window_get_badge (fixture->window), ==, "!");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "ops.resume", "s", ferry_job_get_id (job)));
  g_assert_true (ferry_ui_test_wait_until (vm_running, vm, 20000));
  ferry_ui_test_spin (200);
  g_assert_false (ferry_operation_row_can_resume (row));
}

static gboolean
job_running (gpointer data)
{
  return ferry_job_get_state (data) == FERRY_JOB_RUNNING && ferry_job_get_progress (data) > 0;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  FerryVm *vm = VM (fixture, "app-01");
  const char *home = ferry_vm_get_resident_on (vm);
  g_autofree char *source = g_strdup (home);
  FerryHost *host = HOST (fixture, "prod-host-03");
  FerryJob *job;

  g_test_summary ("Cancel in the operations panel cancels a running migration; the VM stays");

  set_time_scale (fixture, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.migrate-to-host", "(ss)",
                                             ferry_object_get_uuid (FERRY_OBJECT (vm)),
                                             ferry_object_get_uuid (FERRY_OBJECT (host))));
  job = last_job (fixture);
  g_assert_true (ferry_ui_test_wait_until (job_running, job, 30000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ferry_window_get_operations (fixture->window)),
                                             "ops.cancel", "s", ferry_job_get_id (job)));
  set_time_scale (fixture, 200);
  g_assert_true (ferry_ui_test_wait_until (queue_idle, fixture->queue, 60000));
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_CANCELLED);
  ferry_ui_test_spin (300);
  g_assert_cmpstr (ferry_vm_get_resident_on (vm), ==, source);
  g_assert_cmpint (ferry_vm_get_power_state (vm), ==, FERRY_VM_POWER_STATE_RUNNING);
}

static void
test_drop (Fixture       *fixture,
           gconstpointer  data)
{
  FerryVm *vm = VM (fixture, "dc-02");
  FerryHost *host = HOST (fixture, "prod-host-04");
  OnHost on = { vm, ferry_object_get_ref (FERRY_OBJECT (host)) };
  FerryHost *lab_host = (FerryHost *) find_object (fixture->lab, FERRY_TYPE_HOST, "lab-host-02");
  AdwMessageDialog *dialog;
  guint n_jobs;

  g_test_summary ("Dropping a VM on a host of its pool asks, then migrates it; on a host of another pool "
                  "it opens the wizard instead");

  g_assert_true (ferry_resource_tree_drop_vm (fixture->tree, vm, host));
  dialog = ADW_MESSAGE_DIALOG (ferry_ui_test_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG, 2000));
  g_assert_nonnull (dialog);
  n_jobs = g_list_model_get_n_items (G_LIST_MODEL (fixture->queue));
  adw_message_dialog_response (dialog, "migrate");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->queue)), ==, n_jobs + 1);
  g_assert_true (ferry_ui_test_wait_until (queue_idle, fixture->queue, 60000));
  g_assert_true (ferry_ui_test_wait_until (vm_on_host, &on, 10000));

  /* Across pools: no quick migration, no question. */
  close_other_windows (fixture);
  n_jobs = g_list_model_get_n_items (G_LIST_MODEL (fixture->queue));
  g_assert_true (ferry_resource_tree_drop_vm (fixture->tree, vm, lab_host));
  ferry_ui_test_spin (100);
  g_assert_null (ferry_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->queue)), ==, n_jobs);
}

int
main (int   argc,
      char *argv[])
{
  ferry_ui_test_init (&argc, &argv);

  g_test_add ("/ui/operations/menu-refusals", Fixture, NULL, fixture_setup, test_menu_refusals, fixture_teardown);
  g_test_add ("/ui/operations/quick-migration", Fixture, NULL, fixture_setup, test_quick_migration,
              fixture_teardown);
  g_test_add ("/ui/operations/failure-resume", Fixture, NULL, fixture_setup, test_failure_resume, fixture_teardown);
  g_test_add ("/ui/operations/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/ui/operations/drop", Fixture, NULL, fixture_setup, test_drop, fixture_teardown);

  return g_test_run ();
}
