/* ferry-migrate-home-page.c: step 2, the home server
 *
 * Per VM: "Let the pool choose" (the VM goes to the host with the most
 * free memory that the rules accept, as xapi's own placement) or one host
 * of the destination. With several VMs each VM has its own list (an
 * expander row per VM; ferry_move_request_set_vm_host()). Each host shows
 * its free memory; a host that cannot take that VM is disabled with its
 * reason (rule ID, remedy, "Learn more").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-migrate-home-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-feasibility.h"
#include "ferry-flow-rows.h"
#include "ferry-host-metrics.h"
#include "ferry-migrate-home-page.h"
#include "ferry-migrate-wizard.h"
#include "ferry-pool.h"
#include "ferry-ui-utils.h"

struct _FerryMigrateHomePage
{
  FerryWizardPage  parent_instance;

  GtkBox          *content;
  FerryCache      *built_for;     /* weak */
  /* FerryVm → FerryHost, or NULL: the pool chooses. A VM without an
   * entry has no choice yet. */
  GHashTable      *choices;
  gboolean         initialised;
};

G_DEFINE_FINAL_TYPE (FerryMigrateHomePage, ferry_migrate_home_page, FERRY_TYPE_WIZARD_PAGE)

static void
unref0 (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static FerryMigrateWizard *
get_wizard (FerryMigrateHomePage *self)
{
  return FERRY_MIGRATE_WIZARD (ferry_wizard_page_get_wizard (FERRY_WIZARD_PAGE (self)));
}

/* The request from the choices: one host for all (or one VM) is the
 * destination host; otherwise the pool with a host per VM where chosen. */
static void
apply (FerryMigrateHomePage *self)
{
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryMoveRequest *request = ferry_migrate_wizard_get_request (wizard);
  guint n = ferry_move_request_get_n_vms (request);
  FerryHost *common = NULL;
  gboolean complete = n > 0, same = TRUE;

  for (guint v = 0; v < n; v++)
    {
      FerryVm *vm = ferry_move_request_get_vm (request, v);
      gpointer host = NULL;

      if (!g_hash_table_lookup_extended (self->choices, vm, NULL, &host))
        complete = FALSE;
      if (v == 0)
        common = host;
      else if (host != common)
        same = FALSE;
    }

  for (guint v = 0; v < n; v++)
    {
      FerryVm *vm = ferry_move_request_get_vm (request, v);

      ferry_move_request_set_vm_host (request, vm, same ? NULL : g_hash_table_lookup (self->choices, vm));
    }
  if (same && common != NULL)
    ferry_move_request_set_destination_host (request, common);
  else
    ferry_move_request_set_destination_pool (request, self->built_for);

  ferry_wizard_page_set_complete (FERRY_WIZARD_PAGE (self), complete);
  ferry_migrate_wizard_request_changed (wizard);
}

static void
on_choice_toggled_cb (GtkCheckButton       *check,
                      FerryMigrateHomePage *self)
{
  FerryVm *vm = g_object_get_data (G_OBJECT (check), "ferry-vm");
  FerryHost *host = g_object_get_data (G_OBJECT (check), "ferry-host");
  AdwExpanderRow *expander = g_object_get_data (G_OBJECT (check), "ferry-expander");

  if (!gtk_check_button_get_active (check))
    return;
  g_hash_table_replace (self->choices, g_object_ref (vm), host ? g_object_ref (host) : NULL);
  if (expander != NULL)
    adw_expander_row_set_subtitle (expander, host ? ferry_object_get_name_label (FERRY_OBJECT (host))
                                                  : _("The pool chooses"));
  apply (self);
}

static char *
dup_free_memory_text (FerryHost *host)
{
  FerryObject *metrics = ferry_object_lookup_ref (FERRY_OBJECT (host), ferry_host_get_metrics (host));
  g_autofree char *free = NULL;
  g_autofree char *total = NULL;

  if (!FERRY_IS_HOST_METRICS (metrics))
    return g_strdup (_("Free memory unknown"));
  free = ferry_format_size (ferry_host_metrics_get_memory_free (FERRY_HOST_METRICS (metrics)));
  total = ferry_format_size (ferry_host_metrics_get_memory_total (FERRY_HOST_METRICS (metrics)));
  /* Translators: "12 GiB free memory of 64 GiB" */
  return g_strdup_printf (_("%s free memory of %s"), free, total);
}

/* The cell's reason (warning or worse) for one VM, or NULL. */
static FerryCheck *
dup_reason (FerryFeasibility *grid,
            guint             v,
            guint             d)
{
  FerryCheck *reason = ferry_feasibility_get_reason (grid, v, d);

  if (reason == NULL || ferry_feasibility_get_verdict (grid, v, d) < FERRY_CHECK_SEVERITY_WARNING)
    return NULL;
  return g_object_ref (reason);
}

static gboolean
refuses (FerryCheck *reason)
{
  return reason != NULL && ferry_check_get_severity (reason) >= FERRY_CHECK_SEVERITY_BLOCKER;
}

/* The choices of VM @v (row @v of @grid) into @group: an AdwPreferencesGroup,
 * or an AdwExpanderRow when there are several VMs. */
static void
add_vm_choices (FerryMigrateHomePage *self,
                GtkWidget            *group,
                FerryFeasibility     *grid,
                guint                 v,
                guint                 pool_column,
                GPtrArray            *hosts)
{
  FerryVm *vm = ferry_feasibility_get_vm (grid, v);
  FerryHost *preselected = ferry_migrate_wizard_get_preselected_host (get_wizard (self));
  AdwExpanderRow *expander = ADW_IS_EXPANDER_ROW (group) ? ADW_EXPANDER_ROW (group) : NULL;
  GtkCheckButton *first = NULL, *to_activate = NULL, *first_ok = NULL;
  gpointer chosen = NULL;
  gboolean has_choice = g_hash_table_lookup_extended (self->choices, vm, NULL, &chosen);
  GtkWidget *row;

  if (!self->initialised && preselected != NULL && ferry_object_get_cache (FERRY_OBJECT (preselected)) == self->built_for)
    {
      chosen = preselected;
      has_choice = TRUE;
    }

  for (int h = hosts->len > 1 ? -1 : 0; h < (int) hosts->len; h++)
    {
      FerryHost *host = h < 0 ? NULL : g_ptr_array_index (hosts, h);
      g_autoptr(FerryCheck) reason = dup_reason (grid, v, h < 0 ? pool_column : (guint) h + 1);
      g_autofree char *memory = host ? dup_free_memory_text (host) : NULL;
      GtkCheckButton *check;

      if (host == NULL)
        row = ferry_choice_row_new (_("Let the pool choose"),
                                    _("The VM goes to the host with the most free memory that can take it"),
                                    NULL, reason);
      else
        row = ferry_choice_row_new (ferry_object_get_name_label (FERRY_OBJECT (host)), memory, first, reason);
      check = ferry_choice_row_get_check (row);
      g_object_set_data (G_OBJECT (check), "ferry-vm", vm);
      g_object_set_data (G_OBJECT (check), "ferry-host", host);
      g_object_set_data (G_OBJECT (check), "ferry-expander", expander);
      if (first == NULL)
        first = check;
      g_signal_connect (check, "toggled", G_CALLBACK (on_choice_toggled_cb), self);
      if (expander != NULL)
        adw_expander_row_add_row (expander, row);
      else
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

      /* The choice made before, else the pool, else the first host that can. */
      if (!refuses (reason) && first_ok == NULL)
        first_ok = check;
      if (!refuses (reason) && has_choice && (gpointer) host == chosen)
        to_activate = check;
    }
  if (to_activate == NULL)
    to_activate = first_ok;

  if (to_activate != NULL)
    {
      if (gtk_check_button_get_active (to_activate))
        on_choice_toggled_cb (to_activate, self);
      else
        gtk_check_button_set_active (to_activate, TRUE);
    }
  else
    {
      g_hash_table_remove (self->choices, vm);
      if (expander != NULL)
        {
          adw_expander_row_set_subtitle (expander, _("No host can take this VM"));
          adw_expander_row_set_expanded (expander, TRUE);
        }
    }
}

static void
rebuild (FerryMigrateHomePage *self)
{
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryMoveRequest *request = ferry_migrate_wizard_get_request (wizard);
  FerryCache *cache = ferry_move_request_get_destination_cache (request);
  g_autoptr(FerryFeasibility) grid = NULL;
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model;
  GtkWidget *group;
  guint pool_column;
  guint n_vms = ferry_move_request_get_n_vms (request);

  if (cache == NULL)
    cache = ferry_move_request_get_source_cache (request);
  if (cache != self->built_for)
    {
      g_hash_table_remove_all (self->choices);
      g_set_weak_pointer (&self->built_for, cache);
    }

  ferry_flow_box_clear (self->content);
  if (cache == NULL || ferry_cache_get_pool (cache) == NULL)
    return;

  grid = ferry_feasibility_new (request, NULL, NULL);
  for (guint v = 0; v < n_vms; v++)
    ferry_feasibility_add_vm (grid, ferry_move_request_get_vm (request, v));
  pool_column = ferry_feasibility_add_destination (grid, ferry_cache_get_pool (cache));
  model = ferry_cache_get_objects (cache, FERRY_TYPE_HOST);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      FerryHost *host = g_list_model_get_item (model, i);

      g_ptr_array_add (hosts, host);
      ferry_feasibility_add_destination (grid, host);
    }
  ferry_feasibility_run_local (grid);

  group = ferry_flow_group_new (_("Home server"),
                                n_vms > 1 ? _("The host each VM runs on after the move. Open a VM to choose its host.")
                                          : _("The host the VM runs on after the move."));
  gtk_box_append (self->content, group);

  if (n_vms == 1)
    add_vm_choices (self, group, grid, 0, pool_column, hosts);
  else
    for (guint v = 0; v < n_vms; v++)
      {
        GtkWidget *expander = adw_expander_row_new ();

        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander),
                                       ferry_object_get_name_label (FERRY_OBJECT (ferry_feasibility_get_vm (grid, v))));
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), expander);
        add_vm_choices (self, expander, grid, v, pool_column, hosts);
      }
  self->initialised = TRUE;
  apply (self);
}

static void
ferry_migrate_home_page_enter (FerryWizardPage *page)
{
  rebuild (FERRY_MIGRATE_HOME_PAGE (page));
}

static void
ferry_migrate_home_page_dispose (GObject *object)
{
  FerryMigrateHomePage *self = FERRY_MIGRATE_HOME_PAGE (object);

  g_clear_weak_pointer (&self->built_for);
  g_clear_pointer (&self->choices, g_hash_table_unref);

  G_OBJECT_CLASS (ferry_migrate_home_page_parent_class)->dispose (object);
}

static void
ferry_migrate_home_page_class_init (FerryMigrateHomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FerryWizardPageClass *page_class = FERRY_WIZARD_PAGE_CLASS (klass);

  object_class->dispose = ferry_migrate_home_page_dispose;
  page_class->enter = ferry_migrate_home_page_enter;
}

static void
ferry_migrate_home_page_init (FerryMigrateHomePage *self)
{
  ferry_wizard_page_set_title (FERRY_WIZARD_PAGE (self), _("Home Server"));
  self->content = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  self->choices = g_hash_table_new_full (NULL, NULL, g_object_unref, unref0);
  ferry_wizard_page_append (FERRY_WIZARD_PAGE (self), GTK_WIDGET (self->content));
}

FerryWizardPage *
ferry_migrate_home_page_new (void)
{
  return g_object_new (FERRY_TYPE_MIGRATE_HOME_PAGE, NULL);
}
