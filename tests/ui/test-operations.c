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
#include "ferry-sim-test-server.h"
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

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = ferry_sim_test_server_start_demo ();
  ferry_ui_test_set_time_scale (fixture->server, 200);
  fixture->manager = ferry_ui_test_manager_new ();
  fixture->window = ferry_window_new (NULL, fixture->manager, NULL, FALSE);
  fixture->tree = ferry_window_get_tree (fixture->window);
  fixture->queue = ferry_window_get_queue (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1024, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));

  fixture->pool = ferry_ui_test_connect (fixture->server, fixture->manager, "Production");
  fixture->lab = ferry_ui_test_connect (fixture->server, fixture->manager, "Lab");
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
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  ferry_connection_close_async (fixture->pool, NULL, NULL, NULL);
  ferry_connection_close_async (fixture->lab, NULL, NULL, NULL);
  ferry_ui_test_spin (100);
  g_clear_object (&fixture->manager);
  ferry_sim_test_server_stop (fixture->server);
}

#define VM(f, name)   ((FerryVm *) ferry_ui_test_find_object ((f)->pool, FERRY_TYPE_VM, (name)))
#define HOST(f, name) ((FerryHost *) ferry_ui_test_find_object ((f)->pool, FERRY_TYPE_HOST, (name)))

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

/* Migrate to Server (win.migrate-to-host); returns the job it queued. */
static FerryJob *
migrate_to_host (Fixture   *fixture,
                 FerryVm   *vm,
                 FerryHost *host)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.migrate-to-host", "(ss)",
                                             ferry_object_get_uuid (FERRY_OBJECT (vm)),
                                             ferry_object_get_uuid (FERRY_OBJECT (host))));
  return last_job (fixture);
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
  ferry_ui_test_set_time_scale (fixture->server, 10);
  job = migrate_to_host (fixture, vm, host);
  g_assert_cmpstr (ferry_job_get_vm_name (job), ==, "web-01");
  ferry_ui_test_spin (50);
  row = ferry_operations_panel_find_row (panel, job);
  g_assert_nonnull (row);

  ferry_ui_test_set_time_scale (fixture->server, 200);
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

static void
show_operations (Fixture *fixture)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-operations", NULL));
  ferry_ui_test_spin (300);
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

  ferry_ui_test_add_faults (fixture->server, "{\"type\": \"fail_migration\", \"vm\": \"web-02\", \"at_progress\": 0.5,"
                       " \"leave_paused\": true, \"count\": 1}");
  job = migrate_to_host (fixture, vm, host);
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

  /* Clicked in the panel: a button acts only once it is on screen. */
  show_operations (fixture);
  gtk_widget_activate (GTK_WIDGET (ferry_operation_row_get_resume_button (row)));
  g_assert_true (ferry_ui_test_wait_until (vm_running, vm, 20000));
  ferry_ui_test_spin (200);
  g_assert_false (ferry_operation_row_can_resume (row));
}

static gboolean
job_running (gpointer data)
{
  return ferry_job_get_state (data) == FERRY_JOB_RUNNING && ferry_job_get_progress (data) > 0;
}

static gboolean
job_not_running (gpointer data)
{
  return ferry_job_get_state (data) != FERRY_JOB_RUNNING;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  FerryVm *vm = VM (fixture, "app-01");
  const char *home = ferry_vm_get_resident_on (vm);
  g_autofree char *source = g_strdup (home);
  FerryHost *host = HOST (fixture, "prod-host-03");
  GtkWidget *row;
  FerryJob *job;

  g_test_summary ("Cancel in the operations panel cancels a running migration; the VM stays");

  show_operations (fixture);
  ferry_ui_test_set_time_scale (fixture->server, 1);
  job = migrate_to_host (fixture, vm, host);
  g_assert_true (ferry_ui_test_wait_until (job_running, job, 30000));
  row = ferry_operations_panel_find_row (ferry_window_get_operations (fixture->window), job);
  g_assert_nonnull (row);
  /* A button clicks a moment after it is activated. */
  gtk_widget_activate (GTK_WIDGET (ferry_operation_row_get_cancel_button (FERRY_OPERATION_ROW (row))));
  g_assert_true (ferry_ui_test_wait_until (job_not_running, job, 5000));
  ferry_ui_test_set_time_scale (fixture->server, 200);
  g_assert_true (ferry_ui_test_wait_until (queue_idle, fixture->queue, 60000));
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_CANCELLED);
  ferry_ui_test_spin (300);
  g_assert_cmpstr (ferry_vm_get_resident_on (vm), ==, source);
  g_assert_cmpint (ferry_vm_get_power_state (vm), ==, FERRY_VM_POWER_STATE_RUNNING);
}

/* Queues one plan: @names (NULL-terminated) to @host. Returns its jobs. */
static GPtrArray *
queue_plan (Fixture            *fixture,
            const char * const *names,
            const char         *host)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *jobs;

  for (guint i = 0; names[i] != NULL; i++)
    ferry_move_request_add_vm (request, VM (fixture, names[i]));
  ferry_move_request_set_destination_host (request, HOST (fixture, host));
  plan = ferry_plan_new (request, ferry_queue_get_connections (fixture->queue), NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    if (ferry_plan_item_get_blocker (ferry_plan_get_item (plan, i)) != NULL)
      g_test_message ("%s: %s", ferry_plan_item_get_vm_name (ferry_plan_get_item (plan, i)),
                      ferry_check_get_message (ferry_plan_item_get_blocker (ferry_plan_get_item (plan, i))));
  g_assert_cmpuint (ferry_plan_get_n_blocked (plan), ==, 0);
  jobs = ferry_queue_add_plan (fixture->queue, plan);
  g_assert_cmpuint (jobs->len, ==, g_strv_length ((char **) names));
  return jobs;
}

static void
assert_on_host (Fixture    *fixture,
                const char *vm,
                const char *host)
{
  OnHost on = { VM (fixture, vm), ferry_object_get_ref (FERRY_OBJECT (HOST (fixture, host))) };

  if (!ferry_ui_test_wait_until (vm_on_host, &on, 10000))
    g_error ("%s is not running on %s", vm, host);
}

static void
test_retry (Fixture       *fixture,
            gconstpointer  data)
{
  FerryOperationsPanel *panel = ferry_window_get_operations (fixture->window);
  FerryVm *vm = VM (fixture, "web-01");
  FerryHost *host = HOST (fixture, "prod-host-03");
  FerryJob *job, *again;

  g_test_summary ("Retry in the operations panel queues a failed move again: its row makes way for the "
                  "new one, which moves the VM");

  ferry_ui_test_add_faults (fixture->server, "{\"type\": \"fail_migration\", \"vm\": \"web-01\","
                                             " \"at_progress\": 0.3, \"count\": 1}");
  job = migrate_to_host (fixture, vm, host);
  g_assert_true (ferry_ui_test_wait_until (queue_idle, fixture->queue, 60000));
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_FAILED);
  assert_on_host (fixture, "web-01", "prod-host-02");
  g_assert_nonnull (ferry_operations_panel_find_row (panel, job));

  /* The row's Retry button activates ops.retry with the job. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "ops.retry", "s", ferry_job_get_id (job)));
  again = last_job (fixture);
  g_assert_true (again != job);
  g_assert_cmpstr (ferry_job_get_vm_name (again), ==, "web-01");
  ferry_ui_test_spin (50);
  g_assert_null (ferry_operations_panel_find_row (panel, job));
  g_assert_nonnull (ferry_operations_panel_find_row (panel, again));
  g_assert_true (ferry_ui_test_wait_until (queue_idle, fixture->queue, 60000));
  g_assert_cmpint (ferry_job_get_state (again), ==, FERRY_JOB_SUCCEEDED);
  assert_on_host (fixture, "web-01", "prod-host-03");
}

static void
test_retry_failed_plan (Fixture       *fixture,
                        gconstpointer  data)
{
  const char * const names[] = { "web-01", "dc-02", "web-03", NULL };
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) again = NULL;
  FerryPlan *plan;
  guint n;

  g_test_summary ("“Retry failed” of a plan queues only its failed moves again, and they succeed");

  ferry_ui_test_add_faults (fixture->server, "{\"type\": \"fail_migration\", \"vm\": \"web-03\","
                                             " \"at_progress\": 0.3, \"count\": 1}");
  jobs = queue_plan (fixture, names, "prod-host-03");
  plan = ferry_job_get_plan (g_ptr_array_index (jobs, 0));
  ferry_ui_test_wait_jobs (jobs, 60000);
  g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, 0)), ==, FERRY_JOB_SUCCEEDED);
  g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, 1)), ==, FERRY_JOB_SUCCEEDED);
  g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, 2)), ==, FERRY_JOB_FAILED);
  assert_on_host (fixture, "web-03", "prod-host-04");

  n = g_list_model_get_n_items (G_LIST_MODEL (fixture->queue));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ferry_window_get_operations (fixture->window)),
                                             "ops.retry-plan", "s", ferry_plan_get_id (plan)));
  /* One new job: the failed one's. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->queue)), ==, n + 1);
  again = g_ptr_array_new ();
  g_ptr_array_add (again, last_job (fixture));
  g_assert_cmpstr (ferry_job_get_vm_name (g_ptr_array_index (again, 0)), ==, "web-03");
  ferry_ui_test_wait_jobs (again, 60000);
  g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (again, 0)), ==, FERRY_JOB_SUCCEEDED);
  assert_on_host (fixture, "web-03", "prod-host-03");
  assert_on_host (fixture, "web-01", "prod-host-03");
}

static gboolean
any_running (gpointer data)
{
  GPtrArray *jobs = data;

  for (guint i = 0; i < jobs->len; i++)
    if (ferry_job_get_state (g_ptr_array_index (jobs, i)) == FERRY_JOB_RUNNING)
      return TRUE;
  return FALSE;
}

static void
test_pause_plan (Fixture       *fixture,
                 gconstpointer  data)
{
  const char * const names[] = { "web-01", "dc-02", "web-03", "mail-01", NULL };
  g_autoptr(GPtrArray) jobs = NULL;
  const char *plan_id;

  g_test_summary ("Pause on a plan holds its moves that have not started; Continue lets them run");

  jobs = queue_plan (fixture, names, "prod-host-03");
  plan_id = ferry_plan_get_id (ferry_job_get_plan (g_ptr_array_index (jobs, 0)));
  /* Before the queue starts any. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ferry_window_get_operations (fixture->window)),
                                             "ops.pause-plan", "s", plan_id));
  ferry_ui_test_spin (1500);
  for (guint i = 0; i < jobs->len; i++)
    {
      g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, i)), ==, FERRY_JOB_QUEUED);
      g_assert_true (ferry_job_get_held (g_ptr_array_index (jobs, i)));
      g_assert_cmpuint (ferry_job_get_n_starts (g_ptr_array_index (jobs, i)), ==, 0);
    }
  assert_on_host (fixture, "web-01", "prod-host-02");
  assert_on_host (fixture, "mail-01", "prod-host-04");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ferry_window_get_operations (fixture->window)),
                                             "ops.pause-plan", "s", plan_id));
  ferry_ui_test_wait_jobs (jobs, 60000);
  for (guint i = 0; i < jobs->len; i++)
    {
      g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, i)), ==, FERRY_JOB_SUCCEEDED);
      assert_on_host (fixture, names[i], "prod-host-03");
    }
}

static void
test_cancel_plan (Fixture       *fixture,
                  gconstpointer  data)
{
  const char * const names[] = { "web-01", "dc-02", "web-03", "mail-01", NULL };
  const char * const sources[] = { "prod-host-02", "prod-host-02", "prod-host-04", "prod-host-04" };
  g_autoptr(GPtrArray) jobs = NULL;

  g_test_summary ("Cancel on a plan cancels its running and waiting moves; every VM stays where it was");

  ferry_ui_test_set_time_scale (fixture->server, 1);
  jobs = queue_plan (fixture, names, "prod-host-03");
  g_assert_true (ferry_ui_test_wait_until (any_running, jobs, 30000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ferry_window_get_operations (fixture->window)),
                                             "ops.cancel-plan", "s",
                                             ferry_plan_get_id (ferry_job_get_plan (g_ptr_array_index (jobs, 0)))));
  ferry_ui_test_set_time_scale (fixture->server, 200);
  ferry_ui_test_wait_jobs (jobs, 60000);
  ferry_ui_test_spin (300);
  for (guint i = 0; i < jobs->len; i++)
    {
      /* R14 let 3 start; the 4th never did. */
      g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, i)), ==, FERRY_JOB_CANCELLED);
      assert_on_host (fixture, names[i], sources[i]);
    }
  g_assert_cmpuint (ferry_job_get_n_starts (g_ptr_array_index (jobs, 3)), ==, 0);
  g_assert_cmpuint (ferry_queue_get_n_unfinished (fixture->queue), ==, 0);
}

static void
test_drop (Fixture       *fixture,
           gconstpointer  data)
{
  FerryVm *vm = VM (fixture, "dc-02");
  FerryHost *host = HOST (fixture, "prod-host-04");
  OnHost on = { vm, ferry_object_get_ref (FERRY_OBJECT (host)) };
  FerryHost *lab_host = (FerryHost *) ferry_ui_test_find_object (fixture->lab, FERRY_TYPE_HOST, "lab-host-02");
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

static gboolean
is_toplevel (GtkWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (toplevel == window)
        return TRUE;
    }
  return FALSE;
}

static void
test_close_asks (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(FerryWindow) window = g_object_ref (fixture->window);
  AdwMessageDialog *dialog;
  FerryJob *job;

  g_test_summary ("Closing the window while a move runs asks first; keeping it open keeps it, "
                  "quitting closes it and the move goes on");

  ferry_ui_test_set_time_scale (fixture->server, 1);
  job = migrate_to_host (fixture, VM (fixture, "app-01"), HOST (fixture, "prod-host-03"));
  g_assert_true (ferry_ui_test_wait_until (job_running, job, 30000));

  gtk_window_close (GTK_WINDOW (window));
  dialog = ADW_MESSAGE_DIALOG (ferry_ui_test_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG, 2000));
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 move is unfinished"));
  adw_message_dialog_response (dialog, "cancel");
  ferry_ui_test_spin (100);
  g_assert_true (is_toplevel (GTK_WINDOW (window)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  gtk_window_close (GTK_WINDOW (window));
  dialog = ADW_MESSAGE_DIALOG (ferry_ui_test_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG, 2000));
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "close");
  ferry_ui_test_spin (100);
  g_assert_false (is_toplevel (GTK_WINDOW (window)));
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_RUNNING);
  fixture->window = NULL;
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
  g_test_add ("/ui/operations/retry", Fixture, NULL, fixture_setup, test_retry, fixture_teardown);
  g_test_add ("/ui/operations/retry-failed-plan", Fixture, NULL, fixture_setup, test_retry_failed_plan,
              fixture_teardown);
  g_test_add ("/ui/operations/pause-plan", Fixture, NULL, fixture_setup, test_pause_plan, fixture_teardown);
  g_test_add ("/ui/operations/cancel-plan", Fixture, NULL, fixture_setup, test_cancel_plan, fixture_teardown);
  g_test_add ("/ui/operations/drop", Fixture, NULL, fixture_setup, test_drop, fixture_teardown);
  g_test_add ("/ui/operations/close-asks", Fixture, NULL, fixture_setup, test_close_asks, fixture_teardown);

  return g_test_run ();
}
