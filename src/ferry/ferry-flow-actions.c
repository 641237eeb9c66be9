/* ferry-flow-actions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-flow-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-evacuate-dialog.h"
#include "ferry-flow-actions.h"
#include "ferry-migrate-wizard.h"
#include "ferry-move-disk-dialog.h"
#include "ferry-move-vm-wizard.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"
#include "ferry-window.h"

/* The objects of @uuids of @type, all of one connection; NULL when none. */
static GPtrArray *
lookup_objects (FerryWindow *window,
                GVariant    *uuids,
                GType        type)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);
  FerryConnection *first = NULL;
  GVariantIter iter;
  const char *uuid;

  g_variant_iter_init (&iter, uuids);
  while (g_variant_iter_next (&iter, "&s", &uuid))
    {
      FerryConnection *connection = NULL;
      FerryObject *object = ferry_window_lookup_object (window, uuid, &connection);

      if (object == NULL || !G_TYPE_CHECK_INSTANCE_TYPE (object, type))
        {
          g_warning ("No %s with UUID %s", g_type_name (type), uuid);
          continue;
        }
      if (first != NULL && connection != first)
        {
          g_warning ("%s is not in the pool of the others: left out", uuid);
          continue;
        }
      first = connection;
      g_ptr_array_add (objects, g_object_ref (object));
    }
  return objects->len > 0 ? g_steal_pointer (&objects) : NULL;
}

static void
open_migrate_wizard (FerryWindow *window,
                     GVariant    *uuids,
                     const char  *host_uuid)
{
  g_autoptr(GPtrArray) vms = lookup_objects (window, uuids, FERRY_TYPE_VM);
  FerryObject *host = host_uuid ? ferry_window_lookup_object (window, host_uuid, NULL) : NULL;
  FerryMigrateWizard *wizard;

  if (vms == NULL)
    return;
  wizard = ferry_migrate_wizard_new (window, vms, FERRY_IS_HOST (host) ? FERRY_HOST (host) : NULL);
  gtk_window_present (GTK_WINDOW (wizard));
}

static void
migrate_wizard_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  open_migrate_wizard (FERRY_WINDOW (widget), param, NULL);
}

static void
migrate_wizard_to_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  g_autoptr(GVariant) uuids = g_variant_get_child_value (param, 0);
  const char *host = NULL;

  g_variant_get_child (param, 1, "&s", &host);
  open_migrate_wizard (FERRY_WINDOW (widget), uuids, host);
}

static void
move_vm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  g_autoptr(GPtrArray) vms = lookup_objects (FERRY_WINDOW (widget), param, FERRY_TYPE_VM);

  if (vms != NULL)
    gtk_window_present (GTK_WINDOW (ferry_move_vm_wizard_new (FERRY_WINDOW (widget), vms)));
}

static void
move_disks_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  g_autoptr(GPtrArray) vdis = lookup_objects (FERRY_WINDOW (widget), param, FERRY_TYPE_VDI);

  if (vdis != NULL)
    gtk_window_present (GTK_WINDOW (ferry_move_disk_dialog_new (FERRY_WINDOW (widget), vdis)));
}

static void
evacuate_host_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  FerryObject *host = ferry_window_lookup_object (FERRY_WINDOW (widget), g_variant_get_string (param, NULL), NULL);

  if (FERRY_IS_HOST (host))
    gtk_window_present (GTK_WINDOW (ferry_evacuate_dialog_new (FERRY_WINDOW (widget), FERRY_HOST (host))));
}

static void
exit_maintenance_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  FerryObject *host = ferry_window_lookup_object (FERRY_WINDOW (widget), g_variant_get_string (param, NULL), NULL);

  if (FERRY_IS_HOST (host))
    gtk_window_present (GTK_WINDOW (ferry_evacuate_dialog_new_exit (FERRY_WINDOW (widget), FERRY_HOST (host))));
}

void
ferry_flow_actions_install (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.migrate-wizard", "as", migrate_wizard_action);
  gtk_widget_class_install_action (widget_class, "win.migrate-wizard-to", "(ass)", migrate_wizard_to_action);
  gtk_widget_class_install_action (widget_class, "win.move-vm", "as", move_vm_action);
  gtk_widget_class_install_action (widget_class, "win.move-disks", "as", move_disks_action);
  gtk_widget_class_install_action (widget_class, "win.evacuate-host", "s", evacuate_host_action);
  gtk_widget_class_install_action (widget_class, "win.exit-maintenance", "s", exit_maintenance_action);
}
