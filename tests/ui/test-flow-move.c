/* test-flow-move.c: Move VM (F2) and Move virtual disk (F3) against ferry-sim
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-flow-rows.h"
#include "ferry-move-disk-dialog.h"
#include "ferry-move-vm-wizard.h"
#include "test-flow-utils.h"

static gboolean
has_jobs (gpointer data)
{
  return ferry_migrate_wizard_get_jobs (data) != NULL;
}

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

  g_assert_true (gtk_widget_activate_action (w, "wizard.finish", NULL));
  g_assert_true (ferry_ui_test_wait_until (has_jobs, wizard, 5000));
  jobs = ferry_migrate_wizard_get_jobs (wizard);
  flow_wait_jobs (jobs, 60000);
  g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, 0)), ==, FERRY_JOB_SUCCEEDED);

  srs = flow_sim_vm_disk_srs (fixture, "Flow", "fl-halted");
  g_assert_cmpstr (srs, ==, "Flow-iSCSI");
  state = flow_sim_vm_power_state (fixture, "Flow", "fl-halted");
  g_assert_cmpstr (state, ==, "Halted");
}

typedef struct
{
  GPtrArray *jobs;
  guint      most;
} Watch;

static gboolean
count_running (gpointer data)
{
  Watch *watch = data;
  guint running = 0;

  for (guint i = 0; i < watch->jobs->len; i++)
    if (ferry_job_get_state (g_ptr_array_index (watch->jobs, i)) == FERRY_JOB_RUNNING)
      running++;
  watch->most = MAX (watch->most, running);
  return G_SOURCE_CONTINUE;
}

static gboolean
all_final (gpointer data)
{
  Watch *watch = data;

  for (guint i = 0; i < watch->jobs->len; i++)
    if (!ferry_job_is_finished (g_ptr_array_index (watch->jobs, i)))
      return FALSE;
  return TRUE;
}

static void
test_move_disks (FlowFixture   *fixture,
                 gconstpointer  data)
{
  const char *names[] = { "fl-vm-04", "fl-vm-05", "fl-vm-06", "fl-vm-07", "fl-vm-08" };
  g_autoptr(GPtrArray) uuids = g_ptr_array_new ();
  FerryMoveDiskDialog *dialog;
  GtkWidget *w;
  Watch watch = { NULL, 0 };
  guint id;

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
  watch.jobs = ferry_move_disk_dialog_get_jobs (dialog);
  g_assert_nonnull (watch.jobs);
  g_assert_cmpuint (watch.jobs->len, ==, 5);
  id = g_timeout_add (20, count_running, &watch);
  ferry_ui_test_spin (500);
  flow_shot (w, "f3-2-progress");
  g_assert_true (ferry_ui_test_wait_until (all_final, &watch, 120000));
  g_source_remove (id);

  /* Batches of 3: xapi's limit per host, applied by the queue. */
  g_assert_cmpuint (watch.most, <=, 3);
  g_assert_cmpuint (watch.most, >=, 2);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *srs = flow_sim_vm_disk_srs (fixture, "Flow", names[i]);
      g_autofree char *host = flow_sim_vm_host (fixture, "Flow", names[i]);

      g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (watch.jobs, i)), ==, FERRY_JOB_SUCCEEDED);
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
  g_test_add ("/flow/move-disks/R35", FlowFixture, NULL, flow_fixture_setup, test_move_disks, flow_fixture_teardown);

  return g_test_run ();
}
