/* test-flow-move.c: Move VM (F2) and Move virtual disk (F3) against ferry-sim
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-flow-rows.h"
#include "ferry-move-disk-dialog.h"
#include "ferry-move-vm-wizard.h"
#include "ferry-relay.h"
#include "ferry-ui-utils.h"
#include "test-flow-utils.h"

static void
test_move_vm (FlowFixture   *fixture,
              gconstpointer  data)
{
  const char *uuids[] = { flow_uuid (fixture, "Flow", FERRY_TYPE_VM, "fl-halted"), NULL };
  FerryMigrateWizard *wizard;
  GtkWidget *w;
  GPtrArray *jobs;
  g_autofree char *srs = NULL;
  g_autofree char *state = NULL;

  g_test_summary ("F2: a halted VM moves to another SR of its pool (O4), with “Move” as the final button");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.move-vm", "^as", uuids));
  wizard = FERRY_MIGRATE_WIZARD (ferry_ui_test_wait_toplevel (FERRY_TYPE_MOVE_VM_WIZARD, 2000));
  g_assert_nonnull (wizard);
  if (g_getenv ("FERRY_FLOW_SHOTS"))
    gtk_window_set_default_size (GTK_WINDOW (wizard), 1024, 700);
  w = GTK_WIDGET (wizard);
  ferry_ui_test_spin (200);

  flow_activate_row (w, "Flow");
  flow_shot (w, "f2-1-destination");
  flow_next (FERRY_WIZARD (wizard));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Home Server");
  flow_activate_row (w, "fl-3");
  flow_next (FERRY_WIZARD (wizard));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Storage");
  flow_activate_row (w, "Place all migrated virtual disks on the same SR");
  /* R35: the 4 GiB disk cannot go to the 2 GiB thick (LVM) SR, which
   * allocates the whole virtual size. */
  g_assert_true (ferry_choice_row_get_refused (flow_row (w, "Flow-Tiny")));
  g_assert_cmpstr (ferry_flow_row_get_rule_id (flow_row (w, "Flow-Tiny")), ==, "R35");
  flow_activate_row (w, "Flow-iSCSI");
  flow_shot (w, "f2-3-storage");
  flow_next (FERRY_WIZARD (wizard));
  if (g_strcmp0 (flow_page_title (FERRY_WIZARD (wizard)), "Storage Network") == 0)
    flow_next (FERRY_WIZARD (wizard));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Review");
  flow_wait_complete (FERRY_WIZARD (wizard), 20000);
  flow_shot (w, "f2-4-review");

  jobs = flow_finish (wizard);
  flow_wait_jobs (jobs, 60000);
  g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, 0)), ==, FERRY_JOB_SUCCEEDED);

  srs = flow_sim_vm_disk_srs (fixture, "Flow", "fl-halted");
  g_assert_cmpstr (srs, ==, "Flow-iSCSI");
  state = flow_sim_vm_power_state (fixture, "Flow", "fl-halted");
  g_assert_cmpstr (state, ==, "Halted");
}

/* Next until the review page, which the server checks. */
static void
next_to_review (FerryMigrateWizard *wizard)
{
  for (guint i = 0; i < 4 && g_strcmp0 (flow_page_title (FERRY_WIZARD (wizard)), "Review") != 0; i++)
    flow_next (FERRY_WIZARD (wizard));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Review");
}

static void
test_move_vm_relay (FlowFixture   *fixture,
                    gconstpointer  data)
{
  const char *uuids[] = { flow_uuid (fixture, "Flow", FERRY_TYPE_VM, "fl-halted"), NULL };
  FerryMigrateWizard *wizard;
  GtkWidget *w, *row;
  GPtrArray *jobs;
  FerryJob *job;
  g_autofree char *host = NULL;
  g_autofree char *srs = NULL;
  g_autofree char *state = NULL;

  g_test_summary ("F2 across pools that cannot reach each other: the review says the halted VM goes "
                  "through this computer, and it arrives in the other pool on the chosen SR");

  /* Flow and Dest cannot reach each other: xapi's storage migration fails. */
  flow_add_faults (fixture, "{ \"type\": \"partition\", \"pool\": \"Flow\", \"peer\": \"Dest\", \"seconds\": 600 }");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.move-vm", "^as", uuids));
  wizard = FERRY_MIGRATE_WIZARD (ferry_ui_test_wait_toplevel (FERRY_TYPE_MOVE_VM_WIZARD, 2000));
  g_assert_nonnull (wizard);
  w = GTK_WIDGET (wizard);
  ferry_ui_test_spin (200);

  flow_activate_row (w, "Dest");
  flow_next (FERRY_WIZARD (wizard));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Home Server");
  flow_activate_row (w, "d-1");
  flow_next (FERRY_WIZARD (wizard));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Storage");
  flow_activate_row (w, "Place all migrated virtual disks on the same SR");
  flow_activate_row (w, "Dest-B");
  next_to_review (wizard);
  flow_wait_complete (FERRY_WIZARD (wizard), 20000);
  flow_shot (w, "f2-5-review-relay");

  /* The pre-check found the pools apart: a relay, said plainly. */
  g_assert_true (ferry_plan_item_get_relay (ferry_plan_get_item (ferry_migrate_wizard_get_plan (wizard, NULL), 0)));
  row = flow_row (w, "fl-halted: through this computer");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, ferry_relay_describe ());

  jobs = flow_finish (wizard);
  g_assert_cmpuint (jobs->len, ==, 1);
  job = g_ptr_array_index (jobs, 0);
  flow_wait_jobs (jobs, 120000);
  if (ferry_job_get_error (job) != NULL)
    g_test_message ("%s", ferry_job_get_error (job)->message);
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_SUCCEEDED);
  g_assert_true (ferry_plan_item_get_relay (ferry_job_get_item (job)));

  /* In the simulator: gone from Flow, halted in Dest, its disk on Dest-B. */
  host = flow_sim_vm_host (fixture, "Flow", "fl-halted");
  g_assert_null (host);
  state = flow_sim_vm_power_state (fixture, "Dest", "fl-halted");
  g_assert_cmpstr (state, ==, "Halted");
  srs = flow_sim_vm_disk_srs (fixture, "Dest", "fl-halted");
  g_assert_cmpstr (srs, ==, "Dest-B");
}

/* The server's answer about fl-vm-09 on the review page, or NULL while it is asked. */
static GtkWidget *
find_answer (GtkWidget *widget)
{
  if (ADW_IS_PREFERENCES_ROW (widget))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));

      if (g_str_has_prefix (title, "fl-vm-09: ") && strstr (title, "asking the server") == NULL)
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_answer (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
review_checked (gpointer data)
{
  return find_answer (data) != NULL;
}

static void
test_live_unreachable (FlowFixture   *fixture,
                       gconstpointer  data)
{
  const char *uuids[] = { flow_uuid (fixture, "Flow", FERRY_TYPE_VM, "fl-vm-09"), NULL };
  FerryMigrateWizard *wizard;
  GtkWidget *w, *row;

  g_test_summary ("F1 across pools that cannot reach each other: the running VM is refused, and the "
                  "refusal says that shut down it could go through this computer");

  flow_add_faults (fixture, "{ \"type\": \"partition\", \"pool\": \"Flow\", \"peer\": \"Dest\", \"seconds\": 600 }");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.migrate-wizard", "^as", uuids));
  wizard = FERRY_MIGRATE_WIZARD (ferry_ui_test_wait_toplevel (FERRY_TYPE_MIGRATE_WIZARD, 2000));
  g_assert_nonnull (wizard);
  w = GTK_WIDGET (wizard);
  ferry_ui_test_spin (200);
  flow_activate_row (w, "Dest");
  flow_next (FERRY_WIZARD (wizard));
  flow_activate_row (w, "d-1");
  flow_next (FERRY_WIZARD (wizard));
  /* The disk goes to Dest's default SR. */
  next_to_review (wizard);
  g_assert_true (ferry_ui_test_wait_until (review_checked, wizard, 20000));
  row = find_answer (w);
  g_test_message ("%s — %s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                  adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ferry_relay_get_shutdown_remedy ()));
  g_assert_false (ferry_wizard_page_get_complete (ferry_wizard_get_current_page (FERRY_WIZARD (wizard))));
  g_assert_false (ferry_plan_item_get_relay (ferry_plan_get_item (ferry_migrate_wizard_get_plan (wizard, NULL), 0)));
}

static void
test_move_disks (FlowFixture   *fixture,
                 gconstpointer  data)
{
  const char *names[] = { "fl-vm-04", "fl-vm-05", "fl-vm-06", "fl-vm-07", "fl-vm-08" };
  g_autoptr(GPtrArray) uuids = g_ptr_array_new ();
  FerryMoveDiskDialog *dialog;
  GtkWidget *w;
  GPtrArray *jobs;
  FlowWatch *watch;
  guint most;

  g_test_summary ("F3: five disks move to another SR, at most 3 at once, each with its own progress; "
                  "the current SR and a too small one are refused");

  flow_set_time_scale (fixture, 20);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      FerryVm *vm = FERRY_VM (flow_find (fixture, "Flow", FERRY_TYPE_VM, names[i]));
      GListModel *vbds = ferry_vm_get_vbds (vm);

      for (guint k = 0; k < g_list_model_get_n_items (vbds); k++)
        {
          g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, k);
          FerryObject *vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));

          if (FERRY_IS_VDI (vdi))
            g_ptr_array_add (uuids, (gpointer) ferry_object_get_uuid (vdi));
        }
    }
  g_assert_cmpuint (uuids->len, ==, 5);
  g_ptr_array_add (uuids, NULL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.move-disks", "^as", uuids->pdata));
  dialog = FERRY_MOVE_DISK_DIALOG (ferry_ui_test_wait_toplevel (FERRY_TYPE_MOVE_DISK_DIALOG, 2000));
  g_assert_nonnull (dialog);
  if (g_getenv ("FERRY_FLOW_SHOTS"))
    gtk_window_set_default_size (GTK_WINDOW (dialog), 1024, 700);
  w = GTK_WIDGET (dialog);
  ferry_ui_test_spin (200);

  g_assert_true (ferry_choice_row_get_refused (flow_row (w, "Flow-NFS")));
  g_assert_true (ferry_choice_row_get_refused (flow_row (w, "Flow-Tiny")));
  g_assert_cmpstr (ferry_flow_row_get_rule_id (flow_row (w, "Flow-Tiny")), ==, "R35");
  /* Not reachable from fl-1's VMs? Local fl-1 is; it is a possible target. */
  g_assert_false (ferry_choice_row_get_refused (flow_row (w, "Flow-iSCSI")));
  flow_activate_row (w, "Flow-iSCSI");
  flow_shot (w, "f3-1-targets");

  g_assert_true (gtk_widget_activate_action (w, "dialog.apply", NULL));
  jobs = ferry_move_disk_dialog_get_jobs (dialog);
  g_assert_nonnull (jobs);
  g_assert_cmpuint (jobs->len, ==, 5);
  watch = flow_watch_running (jobs);
  ferry_ui_test_spin (500);
  flow_shot (w, "f3-2-progress");
  most = flow_watch_finish (watch, 120000);

  /* Batches of 3: xapi's limit per host, applied by the queue. */
  g_assert_cmpuint (most, <=, 3);
  g_assert_cmpuint (most, >=, 2);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *srs = flow_sim_vm_disk_srs (fixture, "Flow", names[i]);
      g_autofree char *host = flow_sim_vm_host (fixture, "Flow", names[i]);

      g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, i)), ==, FERRY_JOB_SUCCEEDED);
      g_assert_cmpstr (srs, ==, "Flow-iSCSI");
      g_assert_cmpstr (host, ==, "fl-1");
    }
}

int
main (int   argc,
      char *argv[])
{
  ferry_ui_test_init (&argc, &argv);

  g_test_add ("/flow/move-vm", FlowFixture, NULL, flow_fixture_setup, test_move_vm, flow_fixture_teardown);
  g_test_add ("/flow/move-vm/relay", FlowFixture, NULL, flow_fixture_setup, test_move_vm_relay, flow_fixture_teardown);
  g_test_add ("/flow/migrate/unreachable", FlowFixture, NULL, flow_fixture_setup, test_live_unreachable,
              flow_fixture_teardown);
  g_test_add ("/flow/move-disks/R35", FlowFixture, NULL, flow_fixture_setup, test_move_disks, flow_fixture_teardown);

  return g_test_run ();
}
