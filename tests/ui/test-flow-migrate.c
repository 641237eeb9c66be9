/* test-flow-migrate.c: the Migrate VM wizard (F1), clicked through against
 * ferry-sim; results are asked of the simulator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gtk/gtk.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "ferry-flow-rows.h"
#include "ferry-migrate-wizard.h"
#include "ferry-operation-row.h"
#include "test-flow-utils.h"

static FerryMigrateWizard *
open_wizard (FlowFixture *fixture,
             const char  *vm)
{
  const char *uuids[] = { flow_uuid (fixture, "Flow", FERRY_TYPE_VM, vm), NULL };
  FerryMigrateWizard *wizard;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.migrate-wizard", "^as", uuids));
  wizard = FERRY_MIGRATE_WIZARD (ferry_ui_test_wait_toplevel (FERRY_TYPE_MIGRATE_WIZARD, 2000));
  g_assert_nonnull (wizard);
  if (g_getenv ("FERRY_FLOW_SHOTS"))
    gtk_window_set_default_size (GTK_WINDOW (wizard), 1024, 700);
  ferry_ui_test_spin (200);
  return wizard;
}

static FerryJob *
the_job (FerryMigrateWizard *wizard)
{
  GPtrArray *jobs = ferry_migrate_wizard_get_jobs (wizard);

  g_assert_nonnull (jobs);
  g_assert_cmpuint (jobs->len, ==, 1);
  return g_ptr_array_index (jobs, 0);
}

static FerryOperationRow *
find_job_row (GtkWidget *widget)
{
  if (FERRY_IS_OPERATION_ROW (widget))
    return FERRY_OPERATION_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      FerryOperationRow *row = find_job_row (child);

      if (row != NULL)
        return row;
    }
  return NULL;
}

/* Destination Flow, home server @host, storage left where it is, review. */
static void
go_intra_pool (FerryMigrateWizard *wizard,
               const char         *host)
{
  GtkWidget *w = GTK_WIDGET (wizard);

  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Destination");
  g_assert_false (ferry_wizard_page_get_complete (ferry_wizard_get_current_page (FERRY_WIZARD (wizard))));
  flow_activate_row (w, "Flow");
  flow_shot (w, "f1-1-destination");
  flow_next (FERRY_WIZARD (wizard));

  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Home Server");
  flow_activate_row (w, host);
  flow_shot (w, "f1-2-home");
  flow_next (FERRY_WIZARD (wizard));

  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Storage");
  g_assert_true (gtk_check_button_get_active (ferry_choice_row_get_check (
    flow_row (w, "Leave the virtual disks where they are"))));
  flow_shot (w, "f1-3-storage-intra");
  flow_next (FERRY_WIZARD (wizard));

  /* Intra-pool on shared storage: no networking, no storage network (O1). */
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Review");
}

static void
test_intra_pool (FlowFixture   *fixture,
                 gconstpointer  data)
{
  FerryMigrateWizard *wizard;
  GtkWidget *home_row;
  g_autofree char *host = NULL;

  g_test_summary ("F1: a running VM goes to the chosen host of its pool (O1), Back keeps choices");

  wizard = open_wizard (fixture, "fl-vm-01");
  go_intra_pool (wizard, "fl-3");
  g_assert_cmpuint (ferry_wizard_get_n_steps (FERRY_WIZARD (wizard)), ==, 4);

  /* Back keeps the choices */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.back", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.back", NULL));
  ferry_ui_test_spin (100);
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Home Server");
  home_row = flow_row (GTK_WIDGET (wizard), "fl-3");
  g_assert_true (gtk_check_button_get_active (ferry_choice_row_get_check (home_row)));
  /* The VM's own host cannot be chosen, and says why. */
  g_assert_true (ferry_choice_row_get_refused (flow_row (GTK_WIDGET (wizard), "fl-1")));
  flow_next (FERRY_WIZARD (wizard));
  flow_next (FERRY_WIZARD (wizard));

  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Review");
  flow_wait_complete (FERRY_WIZARD (wizard), 20000);
  flow_shot (GTK_WIDGET (wizard), "f1-5-review-intra");
  flow_finish (wizard);
  flow_wait_jobs (ferry_migrate_wizard_get_jobs (wizard), 60000);
  flow_shot (GTK_WIDGET (wizard), "f1-6-progress");
  g_assert_cmpint (ferry_job_get_state (the_job (wizard)), ==, FERRY_JOB_SUCCEEDED);
  g_assert_cmpint (ferry_job_get_operation (the_job (wizard)), ==, FERRY_OPERATION_LIVE_MIGRATE);

  host = flow_sim_vm_host (fixture, "Flow", "fl-vm-01");
  g_assert_cmpstr (host, ==, "fl-3");
}

static void
test_per_vm_hosts (FlowFixture   *fixture,
                   gconstpointer  data)
{
  const char *names[] = { "fl-vm-06", "fl-vm-07", "fl-vm-08" };
  const char *uuids[G_N_ELEMENTS (names) + 1] = { NULL };
  FerryMigrateWizard *wizard;
  GtkWidget *w, *expander, *row;
  GPtrArray *jobs;
  g_autofree char *host6 = NULL;
  g_autofree char *host7 = NULL;
  g_autofree char *host8 = NULL;

  g_test_summary ("F1: several VMs, a home server per VM (or the pool's choice); each host shows its free "
                  "memory and the VMs' own host is refused with its reason");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    uuids[i] = flow_uuid (fixture, "Flow", FERRY_TYPE_VM, names[i]);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.migrate-wizard", "^as", uuids));
  wizard = FERRY_MIGRATE_WIZARD (ferry_ui_test_wait_toplevel (FERRY_TYPE_MIGRATE_WIZARD, 2000));
  g_assert_nonnull (wizard);
  w = GTK_WIDGET (wizard);
  ferry_ui_test_spin (200);
  flow_activate_row (w, "Flow");
  flow_next (FERRY_WIZARD (wizard));

  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Home Server");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      expander = flow_row (w, names[i]);
      g_assert_true (ADW_IS_EXPANDER_ROW (expander));
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
      /* The pool's choice is the default. */
      g_assert_true (gtk_check_button_get_active (ferry_choice_row_get_check (flow_row (expander, "Let the pool choose"))));
      row = flow_row (expander, "fl-1");
      g_assert_true (ferry_choice_row_get_refused (row));
      g_assert_nonnull (ferry_flow_row_get_rule_id (row));
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (flow_row (expander, "fl-2"))), "free memory"));
    }
  flow_activate_row (flow_row (w, "fl-vm-06"), "fl-2");
  flow_activate_row (flow_row (w, "fl-vm-07"), "fl-3");
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (flow_row (w, "fl-vm-07"))), ==, "fl-3");
  flow_shot (w, "f1-2-home-per-vm");
  flow_next (FERRY_WIZARD (wizard));

  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Storage");
  flow_next (FERRY_WIZARD (wizard));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Review");
  /* The batch plan lists each VM with its own target. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (flow_row (w, "1. fl-vm-06"))), "fl-2"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (flow_row (w, "2. fl-vm-07"))), "fl-3"));
  flow_wait_complete (FERRY_WIZARD (wizard), 20000);
  flow_finish (wizard);
  jobs = ferry_migrate_wizard_get_jobs (wizard);
  g_assert_cmpuint (jobs->len, ==, 3);
  flow_wait_jobs (jobs, 60000);
  for (guint i = 0; i < jobs->len; i++)
    g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, i)), ==, FERRY_JOB_SUCCEEDED);

  host6 = flow_sim_vm_host (fixture, "Flow", "fl-vm-06");
  host7 = flow_sim_vm_host (fixture, "Flow", "fl-vm-07");
  host8 = flow_sim_vm_host (fixture, "Flow", "fl-vm-08");
  g_assert_cmpstr (host6, ==, "fl-2");
  g_assert_cmpstr (host7, ==, "fl-3");
  g_assert_nonnull (host8);
  g_assert_cmpstr (host8, !=, "fl-1");
}

/* Real key presses: xdotool types into the X server (XTEST) and GDK reads
 * them like a person's keys. Without X11 or xdotool the test is skipped. */
static gboolean
xdo (GtkWidget  *window,
     const char *key)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *xid = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!GDK_IS_X11_SURFACE (surface))
    return FALSE;
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  {
    const char *argv[] = { "xdotool", "windowfocus", "--sync", xid, "key", "--clearmodifiers", key, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                       NULL, NULL, &status, &error))
      {
        g_printerr ("xdotool: %s\n", error->message);
        return FALSE;
      }
  }
  ferry_ui_test_spin (150);
  /* A page check may run after Enter. */
  for (guint i = 0; i < 200 && FERRY_IS_WIZARD (window) && ferry_wizard_get_busy (FERRY_WIZARD (window)); i++)
    ferry_ui_test_spin (50);
  if (!g_spawn_check_wait_status (status, &error))
    g_printerr ("xdotool %s: %s\n", key, error->message);
  return error == NULL;
#else
  return FALSE;
#endif
}

/* Presses Tab until the focus is in the row titled @title. */
static void
tab_to_row (FerryWizard *wizard,
            const char  *title)
{
  GtkWidget *row = flow_row (GTK_WIDGET (wizard), title);

  for (guint i = 0; i < 30; i++)
    {
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (wizard));

      if (focus != NULL && (focus == row || gtk_widget_is_ancestor (focus, row)))
        return;
      g_assert_true (xdo (GTK_WIDGET (wizard), "Tab"));
    }
  g_error ("Tab never reached the row “%s”", title);
}

static void
test_keyboard (FlowFixture   *fixture,
               gconstpointer  data)
{
  g_autoptr(FerryMigrateWizard) wizard = NULL;
  GtkWidget *w;
  g_autofree char *host = NULL;

  g_test_summary ("F1 from the keyboard, with real key events: Tab reaches the choices, Space or Enter takes "
                  "one, Enter goes to the next step only when allowed, Alt+Left goes back, Esc cancels");

  if (g_find_program_in_path ("xdotool") == NULL)
    {
      g_test_skip ("xdotool is not installed");
      return;
    }

  wizard = g_object_ref (open_wizard (fixture, "fl-vm-03"));
  w = GTK_WIDGET (wizard);
  if (!xdo (w, "shift"))
    {
      g_test_skip ("No X11 display to type into");
      return;
    }

  /* Enter on a refused destination takes nothing and stays. */
  tab_to_row (FERRY_WIZARD (wizard), "old-01");
  g_assert_true (xdo (w, "Return"));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Destination");
  g_assert_false (ferry_wizard_page_get_complete (ferry_wizard_get_current_page (FERRY_WIZARD (wizard))));
  /* Enter on a choice takes it and goes on. */
  tab_to_row (FERRY_WIZARD (wizard), "Flow");
  g_assert_true (xdo (w, "Return"));
  g_assert_true (gtk_check_button_get_active (ferry_choice_row_get_check (flow_row (w, "Flow"))));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Home Server");

  tab_to_row (FERRY_WIZARD (wizard), "fl-2");
  g_assert_true (xdo (w, "space"));
  g_assert_true (gtk_check_button_get_active (ferry_choice_row_get_check (flow_row (w, "fl-2"))));
  g_assert_true (xdo (w, "Return"));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Storage");
  g_assert_true (xdo (w, "Return"));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Review");

  /* Back keeps the choice. */
  g_assert_true (xdo (w, "alt+Left"));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Storage");
  g_assert_true (xdo (w, "alt+Left"));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Home Server");
  g_assert_true (gtk_check_button_get_active (ferry_choice_row_get_check (flow_row (w, "fl-2"))));
  g_assert_true (xdo (w, "Return"));
  g_assert_true (xdo (w, "Return"));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Review");
  flow_wait_complete (FERRY_WIZARD (wizard), 20000);

  /* Esc cancels: the window goes, nothing was queued, the VM stays. */
  g_assert_true (xdo (w, "Escape"));
  ferry_ui_test_spin (200);
  g_assert_null (ferry_ui_test_find_toplevel (FERRY_TYPE_MIGRATE_WIZARD));
  g_assert_null (ferry_migrate_wizard_get_jobs (wizard));
  host = flow_sim_vm_host (fixture, "Flow", "fl-vm-03");
  g_assert_cmpstr (host, ==, "fl-1");
}

static void
test_refused_destination (FlowFixture   *fixture,
                          gconstpointer  data)
{
  FerryMigrateWizard *wizard;
  GtkWidget *row;

  g_test_summary ("F1: a refused destination is disabled with its reason, rule ID and Learn more (R12)");

  wizard = open_wizard (fixture, "fl-vm-02");
  row = flow_row (GTK_WIDGET (wizard), "old-01");
  g_assert_true (ferry_choice_row_get_refused (row));
  g_assert_cmpstr (ferry_flow_row_get_rule_id (row), ==, "R12");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (ferry_choice_row_get_check (row))));
  g_assert_nonnull (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  g_assert_cmpuint (strlen (adw_action_row_get_subtitle (ADW_ACTION_ROW (row))), >, 10);
  /* Activating it changes nothing: Next stays off. */
  gtk_widget_activate (row);
  ferry_ui_test_spin (50);
  g_assert_false (ferry_wizard_page_get_complete (ferry_wizard_get_current_page (FERRY_WIZARD (wizard))));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL) &&
                  g_strcmp0 (flow_page_title (FERRY_WIZARD (wizard)), "Destination") != 0);
  /* The other pool is possible. */
  g_assert_false (ferry_choice_row_get_refused (flow_row (GTK_WIDGET (wizard), "Dest")));
  g_assert_nonnull (flow_row (GTK_WIDGET (wizard), "Add server…"));

  /* Esc (wizard.cancel) closes it without doing anything. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.cancel", NULL));
  ferry_ui_test_spin (100);
  g_assert_null (ferry_ui_test_find_toplevel (FERRY_TYPE_MIGRATE_WIZARD));
}

static void
test_cross_pool (FlowFixture   *fixture,
                 gconstpointer  data)
{
  FerryMigrateWizard *wizard;
  GtkWidget *w;
  GtkWidget *expander;
  g_autofree char *pool = NULL;
  g_autofree char *host = NULL;
  g_autofree char *srs = NULL;
  g_autofree char *networks = NULL;
  AdwComboRow *combo;
  GListModel *names;

  g_test_summary ("F1: a cross-pool move (O2) with an SR per disk and a network mapping");

  wizard = open_wizard (fixture, "fl-two");
  w = GTK_WIDGET (wizard);
  flow_activate_row (w, "Dest");
  flow_next (FERRY_WIZARD (wizard));
  flow_activate_row (w, "d-2");
  flow_next (FERRY_WIZARD (wizard));

  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Storage");
  g_assert_null (ferry_flow_find_row (w, "Leave the virtual disks where they are"));
  flow_activate_row (w, "Place migrated virtual disks on specified SRs");
  expander = flow_row_prefix (w, "fl-two — fl-two system");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  flow_activate_row (expander, "Dest-A");
  expander = flow_row_prefix (w, "fl-two — fl-two data");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  flow_activate_row (expander, "Dest-B");
  flow_shot (w, "f1-3-storage-per-disk");
  flow_next (FERRY_WIZARD (wizard));

  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Networking");
  /* Net-A matches by name; Net-C (VLAN 30) has no match: the management network. */
  combo = ADW_COMBO_ROW (flow_row_prefix (w, "fl-two — interface 1 on Net-C"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (combo)), !=,
                   ferry_vif_reason_describe (FERRY_VIF_REASON_CHOSEN));
  names = adw_combo_row_get_model (combo);
  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (names), i), "Net-B") == 0)
      adw_combo_row_set_selected (combo, i);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (combo)), ==,
                   ferry_vif_reason_describe (FERRY_VIF_REASON_CHOSEN));
  flow_shot (w, "f1-4-networking");
  flow_next (FERRY_WIZARD (wizard));

  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Storage Network");
  /* The management network carries R30's warning. */
  g_assert_cmpstr (ferry_flow_row_get_rule_id (flow_row (w, "Management (management)")), ==, "R30");
  flow_activate_row (w, "Migration");
  flow_shot (w, "f1-5-storage-network");
  flow_next (FERRY_WIZARD (wizard));

  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Review");
  flow_wait_complete (FERRY_WIZARD (wizard), 30000);
  flow_shot (w, "f1-6-review-cross-pool");
  flow_finish (wizard);
  flow_wait_jobs (ferry_migrate_wizard_get_jobs (wizard), 120000);
  g_assert_cmpint (ferry_job_get_state (the_job (wizard)), ==, FERRY_JOB_SUCCEEDED);
  g_assert_cmpint (ferry_job_get_operation (the_job (wizard)), ==, FERRY_OPERATION_STORAGE_MIGRATE);

  /* In the simulator: gone from Flow, in Dest on d-2, disks and networks as chosen. */
  pool = flow_sim_vm_host (fixture, "Flow", "fl-two");
  g_assert_null (pool);
  host = flow_sim_vm_host (fixture, "Dest", "fl-two");
  g_assert_cmpstr (host, ==, "d-2");
  srs = flow_sim_vm_disk_srs (fixture, "Dest", "fl-two");
  g_assert_cmpstr (srs, ==, "Dest-A,Dest-B");
  networks = flow_sim_vm_networks (fixture, "Dest", "fl-two");
  g_assert_cmpstr (networks, ==, "Net-A,Net-B");
}

static void
test_failure_paused (FlowFixture   *fixture,
                     gconstpointer  data)
{
  FerryMigrateWizard *wizard;
  FerryOperationRow *row;
  FerryJob *job;
  g_autofree char *state = NULL;
  g_autofree char *host = NULL;

  g_test_summary ("F1/R29: a migration that fails midway leaves the VM paused; the progress offers Resume");

  flow_add_faults (fixture, "{ \"type\": \"fail_migration\", \"vm\": \"fl-vm-04\", \"at_progress\": 0.5, "
                            "\"leave_paused\": true, \"error\": [\"VM_MIGRATE_FAILED\", \"x\", \"y\", \"z\", \"network down\"] }");
  wizard = open_wizard (fixture, "fl-vm-04");
  go_intra_pool (wizard, "fl-2");
  flow_wait_complete (FERRY_WIZARD (wizard), 20000);
  flow_finish (wizard);
  job = the_job (wizard);
  flow_wait_job_state (job, FERRY_JOB_FAILED, 60000);
  ferry_ui_test_spin (500);

  row = find_job_row (GTK_WIDGET (wizard));
  g_assert_nonnull (row);
  g_assert_true (ferry_job_get_can_unpause (job));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ferry_operation_row_get_resume_button (row))));
  g_assert_nonnull (strstr (ferry_operation_row_get_problem (row), "paused"));
  flow_shot (GTK_WIDGET (wizard), "f1-7-failed-paused");
  state = flow_sim_vm_power_state (fixture, "Flow", "fl-vm-04");
  g_assert_cmpstr (state, ==, "Paused");
  g_clear_pointer (&state, g_free);

  gtk_widget_activate (GTK_WIDGET (ferry_operation_row_get_resume_button (row)));
  for (guint i = 0; i < 100 && !(state && g_str_equal (state, "Running")); i++)
    {
      g_clear_pointer (&state, g_free);
      ferry_ui_test_spin (100);
      state = flow_sim_vm_power_state (fixture, "Flow", "fl-vm-04");
    }
  g_assert_cmpstr (state, ==, "Running");
  host = flow_sim_vm_host (fixture, "Flow", "fl-vm-04");
  g_assert_cmpstr (host, ==, "fl-1");
}

static void
test_cancel (FlowFixture   *fixture,
             gconstpointer  data)
{
  FerryMigrateWizard *wizard;
  GtkWidget *w;
  FerryOperationRow *row;
  FerryJob *job;
  g_autofree char *host = NULL;
  g_autofree char *srs = NULL;

  g_test_summary ("F1: cancelling a running storage migration leaves the VM where it was");

  flow_set_time_scale (fixture, 2);
  wizard = open_wizard (fixture, "fl-vm-05");
  w = GTK_WIDGET (wizard);
  flow_activate_row (w, "Flow");
  flow_next (FERRY_WIZARD (wizard));
  flow_activate_row (w, "fl-2");
  flow_next (FERRY_WIZARD (wizard));
  flow_activate_row (w, "Place all migrated virtual disks on the same SR");
  flow_activate_row (w, "Flow-iSCSI");
  flow_next (FERRY_WIZARD (wizard));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Storage Network");
  flow_next (FERRY_WIZARD (wizard));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Review");
  flow_wait_complete (FERRY_WIZARD (wizard), 20000);
  flow_finish (wizard);
  job = the_job (wizard);
  flow_wait_job_state (job, FERRY_JOB_RUNNING, 30000);
  ferry_ui_test_spin (300);

  row = find_job_row (w);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ferry_operation_row_get_cancel_button (row))));
  gtk_widget_activate (GTK_WIDGET (ferry_operation_row_get_cancel_button (row)));
  flow_wait_job_state (job, FERRY_JOB_CANCELLED, 30000);

  host = flow_sim_vm_host (fixture, "Flow", "fl-vm-05");
  g_assert_cmpstr (host, ==, "fl-1");
  srs = flow_sim_vm_disk_srs (fixture, "Flow", "fl-vm-05");
  g_assert_cmpstr (srs, ==, "Flow-NFS");
}

int
main (int   argc,
      char *argv[])
{
  ferry_ui_test_init (&argc, &argv);

  g_test_add ("/flow/migrate/intra-pool", FlowFixture, NULL, flow_fixture_setup, test_intra_pool, flow_fixture_teardown);
  g_test_add ("/flow/migrate/per-vm-hosts", FlowFixture, NULL, flow_fixture_setup, test_per_vm_hosts, flow_fixture_teardown);
  g_test_add ("/flow/migrate/keyboard", FlowFixture, NULL, flow_fixture_setup, test_keyboard, flow_fixture_teardown);
  g_test_add ("/flow/migrate/refused-destination/R12", FlowFixture, NULL, flow_fixture_setup, test_refused_destination,
              flow_fixture_teardown);
  g_test_add ("/flow/migrate/cross-pool", FlowFixture, NULL, flow_fixture_setup, test_cross_pool, flow_fixture_teardown);
  g_test_add ("/flow/migrate/failure-paused/R29", FlowFixture, NULL, flow_fixture_setup, test_failure_paused,
              flow_fixture_teardown);
  g_test_add ("/flow/migrate/cancel", FlowFixture, NULL, flow_fixture_setup, test_cancel, flow_fixture_teardown);

  return g_test_run ();
}
