/* ferry-migrate-transfer-page.c: the storage (migration) network
 *
 * Asked only when storage moves (XenCenter asks it for every move, also
 * when xapi ignores it). The networks of the destination, each checked by
 * the rules with it as the migration network: the management network
 * carries a warning (R30), a network without an address on the hosts is
 * refused with its reason.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-migrate-transfer-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-flow-rows.h"
#include "ferry-migrate-transfer-page.h"
#include "ferry-migrate-wizard.h"
#include "ferry-network.h"
#include "ferry-pif.h"
#include "ferry-rules.h"

struct _FerryMigrateTransferPage
{
  FerryWizardPage  parent_instance;

  GtkBox          *content;
  FerryCache      *built_for;     /* weak */
  FerryNetwork    *selected;      /* weak; NULL: the management network */
  gboolean         chosen;
};

G_DEFINE_FINAL_TYPE (FerryMigrateTransferPage, ferry_migrate_transfer_page, FERRY_TYPE_WIZARD_PAGE)

static FerryMigrateWizard *
get_wizard (FerryMigrateTransferPage *self)
{
  return FERRY_MIGRATE_WIZARD (ferry_wizard_page_get_wizard (FERRY_WIZARD_PAGE (self)));
}

static gboolean
ferry_migrate_transfer_page_is_needed (FerryWizardPage *page)
{
  FerryMigrateWizard *wizard = FERRY_MIGRATE_WIZARD (ferry_wizard_page_get_wizard (page));

  return wizard != NULL && ferry_migrate_wizard_moves_storage (wizard);
}

static gboolean
is_management (FerryNetwork *network)
{
  GListModel *pifs = ferry_network_get_pifs (network);

  for (guint i = 0; i < g_list_model_get_n_items (pifs); i++)
    {
      g_autoptr(FerryPif) pif = g_list_model_get_item (pifs, i);

      if (ferry_pif_get_management (pif))
        return TRUE;
    }
  return FALSE;
}

/* What the rules say with @network carrying the stream: a blocker about
 * it, else its R30 finding. */
static FerryCheck *
dup_finding (FerryMoveRequest *request,
             FerryNetwork     *network)
{
  g_autoptr(FerryMoveRequest) copy = ferry_move_request_copy (request);
  g_autoptr(GPtrArray) checks = NULL;
  FerryCheck *r30;

  ferry_move_request_set_network (copy, network);
  checks = ferry_rules_check (copy, NULL, NULL);
  for (guint i = 0; i < checks->len; i++)
    {
      FerryCheck *check = g_ptr_array_index (checks, i);

      if (ferry_check_get_severity (check) == FERRY_CHECK_SEVERITY_BLOCKER &&
          ferry_check_find_object (check, FERRY_TYPE_NETWORK) == (FerryObject *) network)
        return g_object_ref (check);
    }
  r30 = ferry_checks_find (checks, "R30");
  return r30 && ferry_check_get_severity (r30) >= FERRY_CHECK_SEVERITY_WARNING ? g_object_ref (r30) : NULL;
}

static void
on_toggled_cb (GtkCheckButton           *check,
               FerryMigrateTransferPage *self)
{
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryNetwork *network = g_object_get_data (G_OBJECT (check), "ferry-network");

  if (!gtk_check_button_get_active (check))
    return;
  g_set_weak_pointer (&self->selected, network);
  self->chosen = TRUE;
  /* Named even for the management network, so that R30 warns about it. */
  ferry_move_request_set_network (ferry_migrate_wizard_get_request (wizard), network);
  ferry_wizard_page_set_complete (FERRY_WIZARD_PAGE (self), TRUE);
  ferry_migrate_wizard_request_changed (wizard);
}

static void
ferry_migrate_transfer_page_enter (FerryWizardPage *page)
{
  FerryMigrateTransferPage *self = FERRY_MIGRATE_TRANSFER_PAGE (page);
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryMoveRequest *request = ferry_migrate_wizard_get_request (wizard);
  FerryCache *cache = ferry_move_request_get_destination_cache (request);
  GtkWidget *group;
  GtkCheckButton *first = NULL, *to_activate = NULL, *management = NULL;
  GListModel *model;

  if (cache == NULL)
    cache = ferry_move_request_get_source_cache (request);
  if (cache != self->built_for)
    {
      g_set_weak_pointer (&self->built_for, cache);
      g_clear_weak_pointer (&self->selected);
      self->chosen = FALSE;
    }

  ferry_flow_box_clear (self->content);
  group = ferry_flow_group_new (_("Storage network"),
                                _("The network of the destination that carries the disks and the memory of the VMs."));
  gtk_box_append (self->content, group);

  model = ferry_cache_get_objects (cache, FERRY_TYPE_NETWORK);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryNetwork) network = g_list_model_get_item (model, i);
      g_autoptr(FerryCheck) finding = NULL;
      gboolean mgmt;
      GtkWidget *row;
      GtkCheckButton *check;
      g_autofree char *title = NULL;

      /* Only networks with interfaces on the hosts can carry a stream. */
      if (g_list_model_get_n_items (ferry_network_get_pifs (network)) == 0)
        continue;
      mgmt = is_management (network);
      finding = dup_finding (request, network);
      title = mgmt ? g_strdup_printf (_("%s (management)"), ferry_object_get_name_label (FERRY_OBJECT (network)))
                   : g_strdup (ferry_object_get_name_label (FERRY_OBJECT (network)));
      row = ferry_choice_row_new (title, NULL, first, finding);
      check = ferry_choice_row_get_check (row);
      g_object_set_data_full (G_OBJECT (check), "ferry-network", g_object_ref (network), g_object_unref);
      if (mgmt)
        {
          g_object_set_data (G_OBJECT (check), "ferry-management", GINT_TO_POINTER (TRUE));
          management = check;
        }
      if (first == NULL)
        first = check;
      g_signal_connect (check, "toggled", G_CALLBACK (on_toggled_cb), self);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      if (self->chosen && network == self->selected &&
          (finding == NULL || ferry_check_get_severity (finding) < FERRY_CHECK_SEVERITY_BLOCKER))
        to_activate = check;
    }

  /* Default: what xapi would use, the management network (with R30's warning). */
  if (to_activate == NULL)
    to_activate = management ? management : first;
  if (to_activate != NULL)
    {
      if (gtk_check_button_get_active (to_activate))
        on_toggled_cb (to_activate, self);
      else
        gtk_check_button_set_active (to_activate, TRUE);
    }
  else
    ferry_wizard_page_set_complete (page, TRUE);
}

static void
ferry_migrate_transfer_page_dispose (GObject *object)
{
  FerryMigrateTransferPage *self = FERRY_MIGRATE_TRANSFER_PAGE (object);

  g_clear_weak_pointer (&self->built_for);
  g_clear_weak_pointer (&self->selected);

  G_OBJECT_CLASS (ferry_migrate_transfer_page_parent_class)->dispose (object);
}

static void
ferry_migrate_transfer_page_class_init (FerryMigrateTransferPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FerryWizardPageClass *page_class = FERRY_WIZARD_PAGE_CLASS (klass);

  object_class->dispose = ferry_migrate_transfer_page_dispose;
  page_class->enter = ferry_migrate_transfer_page_enter;
  page_class->is_needed = ferry_migrate_transfer_page_is_needed;
}

static void
ferry_migrate_transfer_page_init (FerryMigrateTransferPage *self)
{
  ferry_wizard_page_set_title (FERRY_WIZARD_PAGE (self), _("Storage Network"));
  self->content = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  ferry_wizard_page_append (FERRY_WIZARD_PAGE (self), GTK_WIDGET (self->content));
}

FerryWizardPage *
ferry_migrate_transfer_page_new (void)
{
  return g_object_new (FERRY_TYPE_MIGRATE_TRANSFER_PAGE, NULL);
}
