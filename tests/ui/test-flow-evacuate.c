/* test-flow-evacuate.c: maintenance mode (F4) against ferry-sim: the
 * pre-flight, the one-click fixes, batches (R3), bringing the VMs back, and
 * moving the others when a VM stays blocked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-evacuate-dialog.h"
#include "ferry-flow-rows.h"
#include "test-flow-utils.h"

static gboolean
dialog_idle (gpointer data)
{
  return !ferry_evacuate_dialog_get_busy (data);
}

static gboolean
unblocked (gpointer data)
{
  return !ferry_evacuate_dialog_get_busy (data) && ferry_evacuate_dialog_get_n_blocked (data) == 0;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_evacuate (FlowFixture   *fixture,
               gconstpointer  data)
{
  const char *host = flow_uuid (fixture, "Flow", FERRY_TYPE_HOST, "fl-1");
  FerryEvacuateDialog *dialog;
  GtkWidget *row, *fix;
  GPtrArray *jobs;
  FlowWatch *watch;
  g_autofree char *state = NULL;

  g_test_summary ("F4/R3: twelve VMs leave a host in batches after a one-click fix, then come back");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.evacuate-host", "s", host));
  dialog = FERRY_EVACUATE_DIALOG (ferry_ui_test_wait_toplevel (FERRY_TYPE_EVACUATE_DIALOG, 2000));
  g_assert_nonnull (dialog);
  if (g_getenv ("FERRY_FLOW_SHOTS"))
    gtk_window_set_default_size (GTK_WINDOW (dialog), 1024, 700);
  ferry_ui_test_spin (500);
  g_assert_true (ferry_ui_test_wait_until (dialog_idle, dialog, 10000));

  /* The pre-flight: fl-local is on fl-1's local SR and cannot leave. */
  g_assert_cmpuint (ferry_evacuate_dialog_get_n_blocked (dialog), ==, 1);
  row = flow_row (GTK_WIDGET (dialog), "fl-local");
  g_assert_nonnull (ferry_flow_row_get_rule_id (row));
  g_assert_nonnull (flow_row_prefix (GTK_WIDGET (dialog), "fl-vm-12"));
  flow_shot (GTK_WIDGET (dialog), "f4-1-preflight");
  fix = find_button (row, "Shut _Down");
  g_assert_nonnull (fix);
  gtk_widget_activate (fix);
  g_assert_true (ferry_ui_test_wait_until (unblocked, dialog, 20000));
  state = flow_sim_vm_power_state (fixture, "Flow", "fl-local");
  g_assert_cmpstr (state, ==, "Halted");

  /* R3: 4 at a time. */
  ferry_evacuate_dialog_set_batch_size (dialog, 4);
  flow_shot (GTK_WIDGET (dialog), "f4-2-ready");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.apply", NULL));
  jobs = ferry_evacuate_dialog_get_jobs (dialog);
  g_assert_nonnull (jobs);
  g_assert_cmpuint (jobs->len, ==, 12);
  watch = flow_watch_running (jobs);
  ferry_ui_test_spin (300);
  flow_shot (GTK_WIDGET (dialog), "f4-3-progress");
  {
    guint most = flow_watch_finish (watch, 120000);

    g_assert_cmpuint (most, <=, 4);
    g_assert_cmpuint (most, >=, 2);
  }

  for (guint i = 1; i <= 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("fl-vm-%02u", i);
      g_autofree char *on = flow_sim_vm_host (fixture, "Flow", name);

      g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, i - 1)), ==, FERRY_JOB_SUCCEEDED);
      g_assert_nonnull (on);
      g_assert_cmpstr (on, !=, "fl-1");
    }
  g_assert_false (flow_sim_host_enabled (fixture, "Flow", "fl-1"));
  gtk_window_close (GTK_WINDOW (dialog));
  ferry_ui_test_spin (1200);   /* journal times have whole seconds */

  /* Leaving maintenance brings the twelve back (the history says from where). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.exit-maintenance", "s", host));
  dialog = FERRY_EVACUATE_DIALOG (ferry_ui_test_wait_toplevel (FERRY_TYPE_EVACUATE_DIALOG, 2000));
  g_assert_nonnull (dialog);
  ferry_ui_test_spin (200);
  g_assert_nonnull (flow_row (GTK_WIDGET (dialog), "fl-vm-07"));
  flow_shot (GTK_WIDGET (dialog), "f4-4-exit");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.apply", NULL));
  jobs = ferry_evacuate_dialog_get_jobs (dialog);
  g_assert_nonnull (jobs);
  g_assert_cmpuint (jobs->len, ==, 12);
  flow_wait_jobs (jobs, 120000);
  for (guint i = 1; i <= 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("fl-vm-%02u", i);
      g_autofree char *on = flow_sim_vm_host (fixture, "Flow", name);

      g_assert_cmpstr (on, ==, "fl-1");
    }
  g_assert_true (flow_sim_host_enabled (fixture, "Flow", "fl-1"));
}

typedef struct
{
  FerryEvacuateDialog *dialog;
  guint                n_blocked;
} BlockedWait;

static gboolean
blocked_is (gpointer data)
{
  BlockedWait *wait = data;

  return !ferry_evacuate_dialog_get_busy (wait->dialog) &&
         ferry_evacuate_dialog_get_n_blocked (wait->dialog) == wait->n_blocked;
}

static void
wait_blocked (FerryEvacuateDialog *dialog,
              guint                n_blocked)
{
  BlockedWait wait = { dialog, n_blocked };

  if (!ferry_ui_test_wait_until (blocked_is, &wait, 20000))
    g_error ("%u VMs blocked, not %u", ferry_evacuate_dialog_get_n_blocked (dialog), n_blocked);
}

static void
test_fixes_and_partial (FlowFixture   *fixture,
                        gconstpointer  data)
{
  const char *host = flow_uuid (fixture, "Flow", FERRY_TYPE_HOST, "fl-3");
  FerryEvacuateDialog *dialog;
  AdwMessageDialog *choice;
  GtkWidget *w, *fix;
  GPtrArray *jobs;
  g_autofree char *state = NULL;
  const char *moved[] = { "fl-cd", "fl-paused", "fl-free" };

  g_test_summary ("F4: the one-click fixes eject a CD and resume a paused VM; with a VM still blocked, "
                  "Enter Maintenance Mode asks first, moves the others and leaves the host enabled");

  g_assert_true (flow_sim_vm_cd_inserted (fixture, "Flow", "fl-cd"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.evacuate-host", "s", host));
  dialog = FERRY_EVACUATE_DIALOG (ferry_ui_test_wait_toplevel (FERRY_TYPE_EVACUATE_DIALOG, 2000));
  g_assert_nonnull (dialog);
  w = GTK_WIDGET (dialog);
  ferry_ui_test_spin (500);
  wait_blocked (dialog, 3);

  /* The CD is on fl-3's own ISO SR: the other hosts cannot see it. */
  fix = find_button (flow_row (w, "fl-cd"), "_Eject the CD");
  g_assert_nonnull (fix);
  g_assert_null (find_button (flow_row (w, "fl-cd"), "Shut _Down"));
  gtk_widget_activate (fix);
  wait_blocked (dialog, 2);
  g_assert_false (flow_sim_vm_cd_inserted (fixture, "Flow", "fl-cd"));

  /* A paused VM cannot be migrated (VM_BAD_POWER_STATE): Resume. */
  fix = find_button (flow_row (w, "fl-paused"), "_Resume");
  g_assert_nonnull (fix);
  gtk_widget_activate (fix);
  wait_blocked (dialog, 1);
  state = flow_sim_vm_power_state (fixture, "Flow", "fl-paused");
  g_assert_cmpstr (state, ==, "Running");

  /* fl-stuck's disk is on fl-3's local SR: it stays. The button still
   * works, after a choice that says what stays. */
  g_assert_nonnull (find_button (flow_row (w, "fl-stuck"), "Shut _Down"));
  flow_shot (w, "f4-5-partial");
  g_assert_true (gtk_widget_activate_action (w, "dialog.apply", NULL));
  choice = ADW_MESSAGE_DIALOG (ferry_ui_test_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG, 2000));
  g_assert_nonnull (choice);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (choice), "fl-stuck"));
  g_assert_null (strstr (adw_message_dialog_get_body (choice), "fl-free:"));
  g_assert_true (adw_message_dialog_has_response (choice, "move"));
  /* Cancel first: nothing happens. */
  adw_message_dialog_response (choice, "cancel");
  gtk_window_close (GTK_WINDOW (choice));
  ferry_ui_test_spin (200);
  g_assert_null (ferry_evacuate_dialog_get_jobs (dialog));

  g_assert_true (gtk_widget_activate_action (w, "dialog.apply", NULL));
  choice = ADW_MESSAGE_DIALOG (ferry_ui_test_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG, 2000));
  g_assert_nonnull (choice);
  adw_message_dialog_response (choice, "move");
  gtk_window_close (GTK_WINDOW (choice));
  jobs = ferry_evacuate_dialog_get_jobs (dialog);
  g_assert_nonnull (jobs);
  g_assert_cmpuint (jobs->len, ==, G_N_ELEMENTS (moved));
  flow_wait_jobs (jobs, 120000);

  for (guint i = 0; i < G_N_ELEMENTS (moved); i++)
    {
      g_autofree char *on = flow_sim_vm_host (fixture, "Flow", moved[i]);

      g_assert_cmpint (ferry_job_get_state (g_ptr_array_index (jobs, i)), ==, FERRY_JOB_SUCCEEDED);
      g_assert_nonnull (on);
      g_assert_cmpstr (on, !=, "fl-3");
    }
  {
    g_autofree char *on = flow_sim_vm_host (fixture, "Flow", "fl-stuck");

    g_assert_cmpstr (on, ==, "fl-3");
  }
  /* Not in maintenance: the host stays enabled. */
  g_assert_true (flow_sim_host_enabled (fixture, "Flow", "fl-3"));
}

int
main (int   argc,
      char *argv[])
{
  ferry_ui_test_init (&argc, &argv);

  g_test_add ("/flow/evacuate/R3", FlowFixture, NULL, flow_fixture_setup, test_evacuate, flow_fixture_teardown);
  g_test_add ("/flow/evacuate/fixes-partial", FlowFixture, NULL, flow_fixture_setup, test_fixes_and_partial,
              flow_fixture_teardown);

  return g_test_run ();
}
