/* test-accessibility.c: every control has an accessible name
 *
 * Walks the widgets on screen of the main window (tree, details,
 * operations panel with a job, the History window with it), every page of
 * the Migrate VM and Move VM wizards, and the Move virtual disk and
 * evacuation dialogs. Each button,
 * entry, switch, check button, drop-down, menu button, spin button and
 * scale must have a name a screen reader can say.
 *
 * GTK 4.8 has no getter for the name it computes, so the test reads what
 * the name comes from, as GTK's own accessibility tests do: the
 * accessible "label" property or a "labelled-by" relation, through the
 * test AT context (gtk_test_accessible_has_property/_has_relation, with
 * GTK_A11Y=test), else the text the control shows (its label, or a label
 * inside it). A tooltip alone does not count: GTK 4.8 does not expose it
 * as a name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-evacuate-dialog.h"
#include "ferry-history-dialog.h"
#include "ferry-move-disk-dialog.h"
#include "ferry-move-vm-wizard.h"
#include "ferry-operations-panel.h"
#include "ferry-resource-tree.h"
#include "ferry-sr.h"
#include "test-flow-utils.h"

static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
         GTK_IS_ENTRY (widget) || GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_PASSWORD_ENTRY (widget) ||
         GTK_IS_SPIN_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_MENU_BUTTON (widget) ||
         GTK_IS_SCALE (widget);
}

/* Controls whose parts are one control: their insides are not walked. */
static gboolean
is_composite (GtkWidget *widget)
{
  return GTK_IS_MENU_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_SPIN_BUTTON (widget) ||
         GTK_IS_ENTRY (widget) || GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_PASSWORD_ENTRY (widget) ||
         ADW_IS_COMBO_ROW (widget) || GTK_IS_WINDOW_CONTROLS (widget);
}

/* A label with text inside @widget (a button's content). */
static gboolean
shows_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      gtk_label_get_text (GTK_LABEL (widget))[0] != '\0')
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (shows_text (child))
      return TRUE;
  return FALSE;
}

static gboolean
has_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_CHECK_BUTTON (widget))
    return gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)) != NULL;
  if (GTK_IS_MENU_BUTTON (widget))
    return gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) != NULL;
  if (GTK_IS_BUTTON (widget))
    return shows_text (widget);
  return FALSE;
}

/* Where the control is, for the message: its type and the row it is in. */
static char *
describe (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_ROW);
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  return g_strdup_printf ("%s%s%s%s%s%s", G_OBJECT_TYPE_NAME (widget),
                          gtk_widget_get_name (widget) ? " #" : "", gtk_widget_get_name (widget),
                          row ? " in row “" : "", row ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)) : "",
                          row ? "”" : tooltip ? " (tooltip only)" : "");
}

static void
walk (GtkWidget *widget,
      GString   *missing,
      guint     *n_controls)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (is_control (widget))
    {
      (*n_controls)++;
      if (!has_name (widget))
        {
          g_autofree char *text = describe (widget);

          g_string_append_printf (missing, "  %s\n", text);
        }
    }
  if (is_composite (widget) && !ADW_IS_COMBO_ROW (widget))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    walk (child, missing, n_controls);
}

/* Fails the test with the list of controls without a name. */
static void
assert_named (GtkWidget  *root,
              const char *where)
{
  g_autoptr(GString) missing = g_string_new (NULL);
  guint n_controls = 0;

  ferry_ui_test_spin (100);
  walk (root, missing, &n_controls);
  g_test_message ("%s: %u controls", where, n_controls);
  g_assert_cmpuint (n_controls, >, 0);
  /* Every page is walked; the test fails at the end. */
  if (missing->len > 0)
    g_test_fail_printf ("%s: controls without an accessible name:\n%s", where, missing->str);
}

static void
test_main_window (FlowFixture   *fixture,
                  gconstpointer  data)
{
  FerryResourceTree *tree = ferry_window_get_tree (fixture->window);
  FerryObject *vm = flow_find (fixture, "Flow", FERRY_TYPE_VM, "fl-vm-01");

  g_test_summary ("The main window, the details of a VM, a host, a pool and an SR, and the operations panel "
                  "with a job, and the History window: every control has an accessible name");

  flow_set_time_scale (fixture, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-operations", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.migrate-to-host", "(ss)",
                                             ferry_object_get_uuid (vm),
                                             flow_uuid (fixture, "Flow", FERRY_TYPE_HOST, "fl-2")));
  g_assert_true (ferry_resource_tree_select_item (tree, G_OBJECT (vm)));
  assert_named (GTK_WIDGET (fixture->window), "Main window, VM");
  g_assert_true (ferry_resource_tree_select_item (tree, G_OBJECT (flow_find (fixture, "Flow", FERRY_TYPE_HOST, "fl-1"))));
  assert_named (GTK_WIDGET (fixture->window), "Main window, host");
  g_assert_true (ferry_resource_tree_select_item (tree, G_OBJECT (flow_find (fixture, "Flow", FERRY_TYPE_SR, "Flow-NFS"))));
  assert_named (GTK_WIDGET (fixture->window), "Main window, SR");
  {
    g_autoptr(FerryConnection) pool = g_list_model_get_item (G_LIST_MODEL (fixture->manager), 0);

    g_assert_true (ferry_resource_tree_select_item (tree, G_OBJECT (pool)));
    assert_named (GTK_WIDGET (fixture->window), "Main window, pool");
  }

  /* The History window, with the move's row. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-history", NULL));
  {
    GtkWidget *history = ferry_ui_test_wait_toplevel (FERRY_TYPE_HISTORY_DIALOG, 2000);

    g_assert_nonnull (history);
    ferry_ui_test_spin (200);
    g_assert_cmpuint (g_list_model_get_n_items (ferry_history_dialog_get_shown (FERRY_HISTORY_DIALOG (history))), >, 0);
    assert_named (history, "History");
  }
}

/* Each page of a wizard on the way to the review, then its progress. */
static void
check_wizard (FerryMigrateWizard *wizard,
              const char         *destination,
              const char         *host)
{
  GtkWidget *w = GTK_WIDGET (wizard);

  ferry_ui_test_spin (200);
  assert_named (w, "Destination");
  flow_activate_row (w, destination);
  flow_next (FERRY_WIZARD (wizard));
  assert_named (w, "Home Server");
  flow_activate_row (w, host);
  flow_next (FERRY_WIZARD (wizard));
  g_assert_cmpstr (flow_page_title (FERRY_WIZARD (wizard)), ==, "Storage");
  flow_activate_row (w, "Place migrated virtual disks on specified SRs");
  assert_named (w, "Storage");
  flow_next (FERRY_WIZARD (wizard));
  while (g_strcmp0 (flow_page_title (FERRY_WIZARD (wizard)), "Review") != 0)
    {
      assert_named (w, flow_page_title (FERRY_WIZARD (wizard)));
      flow_next (FERRY_WIZARD (wizard));
    }
  flow_wait_complete (FERRY_WIZARD (wizard), 20000);
  assert_named (w, "Review");
  flow_finish (wizard);
  assert_named (w, "Progress");
}

static void
test_wizards (FlowFixture   *fixture,
              gconstpointer  data)
{
  const char *two[] = { flow_uuid (fixture, "Flow", FERRY_TYPE_VM, "fl-two"), NULL };
  const char *halted[] = { flow_uuid (fixture, "Flow", FERRY_TYPE_VM, "fl-halted"), NULL };
  GtkWidget *wizard;

  g_test_summary ("Every page of the Migrate VM wizard (across pools: networking and storage network too) "
                  "and of the Move VM wizard: every control has an accessible name");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.migrate-wizard", "^as", two));
  wizard = ferry_ui_test_wait_toplevel (FERRY_TYPE_MIGRATE_WIZARD, 2000);
  g_assert_nonnull (wizard);
  check_wizard (FERRY_MIGRATE_WIZARD (wizard), "Dest", "d-2");
  gtk_window_destroy (GTK_WINDOW (wizard));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.move-vm", "^as", halted));
  wizard = ferry_ui_test_wait_toplevel (FERRY_TYPE_MOVE_VM_WIZARD, 2000);
  g_assert_nonnull (wizard);
  check_wizard (FERRY_MIGRATE_WIZARD (wizard), "Flow", "fl-3");
}

static gboolean
evacuate_idle (gpointer data)
{
  return !ferry_evacuate_dialog_get_busy (data);
}

static void
test_dialogs (FlowFixture   *fixture,
              gconstpointer  data)
{
  FerryVm *vm = FERRY_VM (flow_find (fixture, "Flow", FERRY_TYPE_VM, "fl-two"));
  g_autoptr(GPtrArray) uuids = g_ptr_array_new ();
  GListModel *vbds = ferry_vm_get_vbds (vm);
  GtkWidget *dialog;

  g_test_summary ("The Move virtual disk dialog and the evacuation dialog: every control has an accessible name");

  for (guint k = 0; k < g_list_model_get_n_items (vbds); k++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, k);
      FerryObject *vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));

      if (FERRY_IS_VDI (vdi))
        g_ptr_array_add (uuids, (gpointer) ferry_object_get_uuid (vdi));
    }
  g_ptr_array_add (uuids, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.move-disks", "^as", uuids->pdata));
  dialog = ferry_ui_test_wait_toplevel (FERRY_TYPE_MOVE_DISK_DIALOG, 2000);
  g_assert_nonnull (dialog);
  ferry_ui_test_spin (200);
  assert_named (dialog, "Move virtual disk");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.evacuate-host", "s",
                                             flow_uuid (fixture, "Flow", FERRY_TYPE_HOST, "fl-3")));
  dialog = ferry_ui_test_wait_toplevel (FERRY_TYPE_EVACUATE_DIALOG, 2000);
  g_assert_nonnull (dialog);
  ferry_ui_test_spin (500);
  g_assert_true (ferry_ui_test_wait_until (evacuate_idle, dialog, 20000));
  assert_named (dialog, "Evacuate");
}

int
main (int   argc,
      char *argv[])
{
  /* The test AT context keeps the accessible properties to read back. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  ferry_ui_test_init (&argc, &argv);

  g_test_add ("/ui/a11y/main-window", FlowFixture, NULL, flow_fixture_setup, test_main_window, flow_fixture_teardown);
  g_test_add ("/ui/a11y/wizards", FlowFixture, NULL, flow_fixture_setup, test_wizards, flow_fixture_teardown);
  g_test_add ("/ui/a11y/dialogs", FlowFixture, NULL, flow_fixture_setup, test_dialogs, flow_fixture_teardown);

  return g_test_run ();
}
