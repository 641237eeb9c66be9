/* ferry-migrate-network-page.c: networking, for moves between pools
 *
 * One row per interface: the network of the destination it joins. The
 * plan's choice comes first (the network of the same name, else of the
 * same VLAN tag, else the management network) with the reason for it;
 * choosing another one says "chosen by you".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-migrate-network-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-flow-rows.h"
#include "ferry-migrate-network-page.h"
#include "ferry-migrate-wizard.h"
#include "ferry-network.h"
#include "ferry-vif.h"
#include "ferry-vm.h"

struct _FerryMigrateNetworkPage
{
  FerryWizardPage  parent_instance;

  GtkBox          *content;
  FerryCache      *built_for;     /* weak */
  GPtrArray       *networks;      /* FerryNetwork of built_for, as listed */
  gboolean         updating;
};

G_DEFINE_FINAL_TYPE (FerryMigrateNetworkPage, ferry_migrate_network_page, FERRY_TYPE_WIZARD_PAGE)

static FerryMigrateWizard *
get_wizard (FerryMigrateNetworkPage *self)
{
  return FERRY_MIGRATE_WIZARD (ferry_wizard_page_get_wizard (FERRY_WIZARD_PAGE (self)));
}

static gboolean
ferry_migrate_network_page_is_needed (FerryWizardPage *page)
{
  FerryMigrateWizard *wizard = FERRY_MIGRATE_WIZARD (ferry_wizard_page_get_wizard (page));

  return wizard != NULL && ferry_move_request_is_cross_pool (ferry_migrate_wizard_get_request (wizard));
}

static void
on_selected_cb (AdwComboRow             *row,
                GParamSpec              *pspec,
                FerryMigrateNetworkPage *self)
{
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryVif *vif = g_object_get_data (G_OBJECT (row), "ferry-vif");
  guint selected = adw_combo_row_get_selected (row);

  if (self->updating || selected >= self->networks->len)
    return;
  ferry_move_request_set_vif_network (ferry_migrate_wizard_get_request (wizard), vif,
                                      g_ptr_array_index (self->networks, selected));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ferry_vif_reason_describe (FERRY_VIF_REASON_CHOSEN));
  ferry_migrate_wizard_request_changed (wizard);
}

static void
rebuild (FerryMigrateNetworkPage *self)
{
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryMoveRequest *request = ferry_migrate_wizard_get_request (wizard);
  FerryCache *cache = ferry_move_request_get_destination_cache (request);
  FerryCache *source = ferry_move_request_get_source_cache (request);
  g_autoptr(GError) error = NULL;
  /* A ref: a choice made while the rows are built makes a new plan. */
  FerryPlan *current_plan = ferry_migrate_wizard_get_plan (wizard, &error);
  g_autoptr(FerryPlan) plan = current_plan ? g_object_ref (current_plan) : NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GListModel *model;
  GtkWidget *group;

  ferry_flow_box_clear (self->content);
  g_ptr_array_set_size (self->networks, 0);
  g_set_weak_pointer (&self->built_for, cache);
  if (cache == NULL || plan == NULL)
    return;

  model = ferry_cache_get_objects (cache, FERRY_TYPE_NETWORK);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryNetwork) network = g_list_model_get_item (model, i);

      /* Networks without interfaces on the hosts cannot carry a VM (xapi's
       * guest installer and host-internal management networks). */
      if (ferry_object_lookup_other_config (FERRY_OBJECT (network), "is_guest_installer_network") != NULL ||
          ferry_object_lookup_other_config (FERRY_OBJECT (network), "is_host_internal_management_network") != NULL)
        continue;
      gtk_string_list_append (names, ferry_object_get_name_label (FERRY_OBJECT (network)));
      g_ptr_array_add (self->networks, g_steal_pointer (&network));
    }

  group = ferry_flow_group_new (_("Network mapping"),
                                _("Each interface of the VMs joins a network of the destination."));
  gtk_box_append (self->content, group);

  self->updating = TRUE;
  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    {
      FerryPlanItem *item = ferry_plan_get_item (plan, i);

      for (guint k = 0; k < ferry_plan_item_get_n_vifs (item); k++)
        {
          const FerryPlanVif *pv = ferry_plan_item_get_vif (item, k);
          FerryObject *vif = ferry_cache_lookup_by_uuid (source, pv->vif_uuid);
          GtkWidget *row = adw_combo_row_new ();
          g_autofree char *title = NULL;
          guint selected = GTK_INVALID_LIST_POSITION;

          if (!FERRY_IS_VIF (vif))
            continue;
          /* Translators: "web-01 — interface 0 on VM Network (aa:bb:…)" */
          title = g_strdup_printf (_("%s — interface %s on %s (%s)"), ferry_plan_item_get_vm_name (item), pv->device,
                                   pv->from_network_name ? pv->from_network_name : "?", pv->mac ? pv->mac : "");
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (names));
          for (guint n = 0; n < self->networks->len; n++)
            if (g_strcmp0 (ferry_object_get_uuid (g_ptr_array_index (self->networks, n)), pv->to_network_uuid) == 0)
              selected = n;
          adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ferry_vif_reason_describe (pv->reason));
          g_object_set_data_full (G_OBJECT (row), "ferry-vif", g_object_ref (vif), g_object_unref);
          g_signal_connect (row, "notify::selected", G_CALLBACK (on_selected_cb), self);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
    }
  self->updating = FALSE;
}

static void
ferry_migrate_network_page_enter (FerryWizardPage *page)
{
  FerryMigrateNetworkPage *self = FERRY_MIGRATE_NETWORK_PAGE (page);
  FerryMoveRequest *request = ferry_migrate_wizard_get_request (get_wizard (self));

  /* Back keeps the mapping: rebuild only for another destination. */
  if (self->built_for == NULL || self->built_for != ferry_move_request_get_destination_cache (request) ||
      gtk_widget_get_first_child (GTK_WIDGET (self->content)) == NULL)
    rebuild (self);
  ferry_wizard_page_set_complete (page, TRUE);
}

static void
ferry_migrate_network_page_dispose (GObject *object)
{
  FerryMigrateNetworkPage *self = FERRY_MIGRATE_NETWORK_PAGE (object);

  g_clear_weak_pointer (&self->built_for);
  g_clear_pointer (&self->networks, g_ptr_array_unref);

  G_OBJECT_CLASS (ferry_migrate_network_page_parent_class)->dispose (object);
}

static void
ferry_migrate_network_page_class_init (FerryMigrateNetworkPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FerryWizardPageClass *page_class = FERRY_WIZARD_PAGE_CLASS (klass);

  object_class->dispose = ferry_migrate_network_page_dispose;
  page_class->enter = ferry_migrate_network_page_enter;
  page_class->is_needed = ferry_migrate_network_page_is_needed;
}

static void
ferry_migrate_network_page_init (FerryMigrateNetworkPage *self)
{
  ferry_wizard_page_set_title (FERRY_WIZARD_PAGE (self), _("Networking"));
  self->networks = g_ptr_array_new_with_free_func (g_object_unref);
  self->content = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  ferry_wizard_page_append (FERRY_WIZARD_PAGE (self), GTK_WIDGET (self->content));
}

FerryWizardPage *
ferry_migrate_network_page_new (void)
{
  return g_object_new (FERRY_TYPE_MIGRATE_NETWORK_PAGE, NULL);
}
