/* ferry-migrate-wizard.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-migrate-wizard"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-flow-rows.h"
#include "ferry-operation-row.h"
#include "ferry-migrate-destination-page.h"
#include "ferry-migrate-home-page.h"
#include "ferry-migrate-network-page.h"
#include "ferry-migrate-review-page.h"
#include "ferry-migrate-storage-page.h"
#include "ferry-migrate-transfer-page.h"
#include "ferry-migrate-wizard.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vif.h"
#include "ferry-vm.h"

typedef struct
{
  FerryWindow            *window;        /* weak */
  FerryMoveRequest       *request;
  FerryHost              *preselected;
  FerryFeasibilityServer *server;
  FerryPlan              *plan;          /* of plan_generation */
  guint                   generation;
  guint                   plan_generation;
  GPtrArray              *jobs;
} FerryMigrateWizardPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (FerryMigrateWizard, ferry_migrate_wizard, FERRY_TYPE_WIZARD)

static void
ferry_migrate_wizard_finish (FerryWizard *wizard)
{
  FerryMigrateWizard *self = FERRY_MIGRATE_WIZARD (wizard);
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  FerryPlan *plan = ferry_migrate_wizard_get_plan (self, &error);
  FerryQueue *queue = ferry_migrate_wizard_get_queue (self);
  GtkWidget *page, *group, *label;

  if (plan == NULL || queue == NULL)
    {
      ferry_wizard_show_message (wizard, error ? error->message : _("No operation queue"));
      return;
    }

  /* The plan goes to the queue: it schedules with R3/R14, journals and
   * shows it in the operations panel. */
  priv->jobs = ferry_queue_add_plan (queue, plan);

  page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (page, 18);
  gtk_widget_set_margin_bottom (page, 18);
  gtk_widget_set_margin_start (page, 18);
  gtk_widget_set_margin_end (page, 18);
  label = gtk_label_new (_("The moves are queued and run in the background; they also show in the operations panel. "
                           "You can close this window at any time."));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (page), label);
  group = ferry_flow_group_new (_("Progress"), NULL);
  for (guint i = 0; i < priv->jobs->len; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               ferry_operation_row_new (queue, g_ptr_array_index (priv->jobs, i), NULL));
  gtk_box_append (GTK_BOX (page), group);
  {
    GtkWidget *scroller = gtk_scrolled_window_new ();
    GtkWidget *clamp = adw_clamp_new ();

    adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 760);
    adw_clamp_set_child (ADW_CLAMP (clamp), page);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
    gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
    gtk_widget_set_vexpand (scroller, TRUE);
    ferry_wizard_show_result (wizard, _("Queued"), scroller);
  }

  if (priv->window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (priv->window), "win.show-operations", NULL);
}

static void
ferry_migrate_wizard_dispose (GObject *object)
{
  FerryMigrateWizard *self = FERRY_MIGRATE_WIZARD (object);
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);

  g_clear_weak_pointer (&priv->window);
  g_clear_object (&priv->server);

  G_OBJECT_CLASS (ferry_migrate_wizard_parent_class)->dispose (object);
}

static void
ferry_migrate_wizard_finalize (GObject *object)
{
  FerryMigrateWizard *self = FERRY_MIGRATE_WIZARD (object);
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);

  g_clear_object (&priv->request);
  g_clear_object (&priv->preselected);
  g_clear_object (&priv->plan);
  g_clear_pointer (&priv->jobs, g_ptr_array_unref);

  G_OBJECT_CLASS (ferry_migrate_wizard_parent_class)->finalize (object);
}

static void
ferry_migrate_wizard_class_init (FerryMigrateWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FerryWizardClass *wizard_class = FERRY_WIZARD_CLASS (klass);

  object_class->dispose = ferry_migrate_wizard_dispose;
  object_class->finalize = ferry_migrate_wizard_finalize;
  wizard_class->finish = ferry_migrate_wizard_finish;
}

static void
ferry_migrate_wizard_init (FerryMigrateWizard *self)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);

  priv->request = ferry_move_request_new ();
  priv->generation = 1;
}

void
ferry_migrate_wizard_setup (FerryMigrateWizard *self,
                            FerryWindow        *window,
                            GPtrArray          *vms,
                            FerryHost          *host)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);
  g_autofree char *heading = NULL;
  gboolean halted = FERRY_MIGRATE_WIZARD_GET_CLASS (self)->move_halted;

  g_return_if_fail (FERRY_IS_MIGRATE_WIZARD (self));
  g_return_if_fail (FERRY_IS_WINDOW (window));
  g_return_if_fail (vms != NULL && vms->len > 0);

  g_set_weak_pointer (&priv->window, window);
  gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (window));
  priv->preselected = host ? g_object_ref (host) : NULL;
  priv->server = ferry_feasibility_server_new (G_LIST_MODEL (ferry_window_get_manager (window)));

  for (guint i = 0; i < vms->len; i++)
    ferry_move_request_add_vm (priv->request, g_ptr_array_index (vms, i));

  if (vms->len == 1)
    /* Translators: the wizard's title, %s is a VM */
    heading = g_strdup_printf (halted ? _("Move %s") : _("Migrate %s"),
                               ferry_object_get_name_label (g_ptr_array_index (vms, 0)));
  else
    heading = g_strdup_printf (halted ? ngettext ("Move %u VM", "Move %u VMs", vms->len)
                                      : ngettext ("Migrate %u VM", "Migrate %u VMs", vms->len), vms->len);
  ferry_wizard_set_heading (FERRY_WIZARD (self), heading);
  ferry_wizard_set_finish_label (FERRY_WIZARD (self), halted ? _("_Move") : _("_Migrate"));

  ferry_wizard_add_page (FERRY_WIZARD (self), ferry_migrate_destination_page_new ());
  ferry_wizard_add_page (FERRY_WIZARD (self), ferry_migrate_home_page_new ());
  ferry_wizard_add_page (FERRY_WIZARD (self), ferry_migrate_storage_page_new ());
  ferry_wizard_add_page (FERRY_WIZARD (self), ferry_migrate_network_page_new ());
  ferry_wizard_add_page (FERRY_WIZARD (self), ferry_migrate_transfer_page_new ());
  ferry_wizard_add_page (FERRY_WIZARD (self), ferry_migrate_review_page_new ());
}

FerryMigrateWizard *
ferry_migrate_wizard_new (FerryWindow *window,
                          GPtrArray   *vms,
                          FerryHost   *host)
{
  FerryMigrateWizard *self = g_object_new (FERRY_TYPE_MIGRATE_WIZARD, NULL);

  ferry_migrate_wizard_setup (self, window, vms, host);
  return self;
}

gboolean
ferry_migrate_wizard_get_move_halted (FerryMigrateWizard *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATE_WIZARD (self), FALSE);
  return FERRY_MIGRATE_WIZARD_GET_CLASS (self)->move_halted;
}

FerryWindow *
ferry_migrate_wizard_get_window (FerryMigrateWizard *self)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);

  g_return_val_if_fail (FERRY_IS_MIGRATE_WIZARD (self), NULL);
  return priv->window;
}

GListModel *
ferry_migrate_wizard_get_connections (FerryMigrateWizard *self)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);

  g_return_val_if_fail (FERRY_IS_MIGRATE_WIZARD (self), NULL);
  return priv->window ? G_LIST_MODEL (ferry_window_get_manager (priv->window)) : NULL;
}

FerryQueue *
ferry_migrate_wizard_get_queue (FerryMigrateWizard *self)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);

  g_return_val_if_fail (FERRY_IS_MIGRATE_WIZARD (self), NULL);
  return priv->window ? ferry_window_get_queue (priv->window) : NULL;
}

FerryMoveRequest *
ferry_migrate_wizard_get_request (FerryMigrateWizard *self)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);

  g_return_val_if_fail (FERRY_IS_MIGRATE_WIZARD (self), NULL);
  return priv->request;
}

FerryHost *
ferry_migrate_wizard_get_preselected_host (FerryMigrateWizard *self)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);

  g_return_val_if_fail (FERRY_IS_MIGRATE_WIZARD (self), NULL);
  return priv->preselected;
}

FerryFeasibilityServer *
ferry_migrate_wizard_get_server (FerryMigrateWizard *self)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);

  g_return_val_if_fail (FERRY_IS_MIGRATE_WIZARD (self), NULL);
  return priv->server;
}

void
ferry_migrate_wizard_request_changed (FerryMigrateWizard *self)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);

  g_return_if_fail (FERRY_IS_MIGRATE_WIZARD (self));
  priv->generation++;
  ferry_wizard_update (FERRY_WIZARD (self));
}

guint
ferry_migrate_wizard_get_generation (FerryMigrateWizard *self)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);

  g_return_val_if_fail (FERRY_IS_MIGRATE_WIZARD (self), 0);
  return priv->generation;
}

FerryPlan *
ferry_migrate_wizard_get_plan (FerryMigrateWizard  *self,
                               GError             **error)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);

  g_return_val_if_fail (FERRY_IS_MIGRATE_WIZARD (self), NULL);

  if (priv->plan == NULL || priv->plan_generation != priv->generation)
    {
      g_clear_object (&priv->plan);
      priv->plan = ferry_plan_new (priv->request, ferry_migrate_wizard_get_connections (self), NULL, error);
      priv->plan_generation = priv->generation;
      if (priv->plan == NULL)
        return NULL;
    }
  return priv->plan;
}

/* Every VDI of a VM's disks (CDs and empty drives left out). */
static void
add_vm_disks (GPtrArray *disks,
              FerryVm   *vm)
{
  GListModel *vbds = ferry_vm_get_vbds (vm);

  for (guint i = 0; i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vdi;

      if (g_strcmp0 (ferry_vbd_get_vbd_type (vbd), "CD") == 0 || ferry_vbd_get_empty (vbd))
        continue;
      vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));
      if (FERRY_IS_VDI (vdi))
        g_ptr_array_add (disks, g_object_ref (vdi));
    }
}

GPtrArray *
ferry_migrate_wizard_dup_disks (FerryMigrateWizard *self)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);
  GPtrArray *disks = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (FERRY_IS_MIGRATE_WIZARD (self), disks);

  for (guint i = 0; i < ferry_move_request_get_n_vms (priv->request); i++)
    add_vm_disks (disks, ferry_move_request_get_vm (priv->request, i));
  return disks;
}

void
ferry_migrate_wizard_reset_choices (FerryMigrateWizard *self)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);
  g_autoptr(GPtrArray) disks = ferry_migrate_wizard_dup_disks (self);
  FerryCache *source = ferry_move_request_get_source_cache (priv->request);

  ferry_move_request_set_default_sr (priv->request, NULL);
  for (guint i = 0; i < disks->len; i++)
    ferry_move_request_unset_vdi_sr (priv->request, g_ptr_array_index (disks, i));
  ferry_move_request_set_network (priv->request, NULL);
  /* The review page asks for a relay only when it found the pools apart. */
  ferry_move_request_set_relay (priv->request, FERRY_RELAY_AUTO);

  /* Interfaces go back to "same name, else VLAN" (a NULL network). */
  for (guint v = 0; source != NULL && v < ferry_move_request_get_n_vms (priv->request); v++)
    {
      GListModel *vifs = ferry_vm_get_vifs (ferry_move_request_get_vm (priv->request, v));

      for (guint i = 0; i < g_list_model_get_n_items (vifs); i++)
        {
          g_autoptr(FerryVif) vif = g_list_model_get_item (vifs, i);

          ferry_move_request_set_vif_network (priv->request, vif, NULL);
        }
    }
  ferry_migrate_wizard_request_changed (self);
}

GPtrArray *
ferry_migrate_wizard_get_jobs (FerryMigrateWizard *self)
{
  FerryMigrateWizardPrivate *priv = ferry_migrate_wizard_get_instance_private (self);

  g_return_val_if_fail (FERRY_IS_MIGRATE_WIZARD (self), NULL);
  return priv->jobs;
}

gboolean
ferry_migrate_wizard_moves_storage (FerryMigrateWizard *self)
{
  FerryPlan *plan = ferry_migrate_wizard_get_plan (self, NULL);

  if (plan == NULL)
    return FALSE;

  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    {
      FerryPlanItem *item = ferry_plan_get_item (plan, i);
      FerryOperation op = ferry_plan_item_get_operation (item);

      if (op == FERRY_OPERATION_STORAGE_MIGRATE || op == FERRY_OPERATION_MOVE_HALTED)
        return TRUE;
      for (guint d = 0; d < ferry_plan_item_get_n_disks (item); d++)
        if (ferry_plan_item_get_disk (item, d)->moves)
          return TRUE;
    }
  return FALSE;
}
