/* ferry-details-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-details-view"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-connection.h"
#include "ferry-details-view.h"
#include "ferry-host-view.h"
#include "ferry-network.h"
#include "ferry-pool-view.h"
#include "ferry-sr-view.h"
#include "ferry-tree-group.h"
#include "ferry-ui-utils.h"
#include "ferry-vdi.h"
#include "ferry-vm-view.h"

struct _FerryDetailsView
{
  AdwBin         parent_instance;

  /* Template widgets */
  GtkStack      *stack;
  AdwStatusPage *connection_page;
  GtkSpinner    *connection_spinner;
  GtkButton     *connection_button;
  FerryVmView   *vm_view;
  FerryHostView *host_view;
  FerrySrView   *sr_view;
  FerryPoolView *pool_view;
  AdwStatusPage *other_page;

  /* Owned references */
  GObject       *item;
  GSignalGroup  *connection_signals;
  GSignalGroup  *cache_signals;
};

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_FINAL_TYPE (FerryDetailsView, ferry_details_view, ADW_TYPE_BIN)

static void
show_connection (FerryDetailsView *self,
                 FerryConnection  *connection)
{
  FerryConnectionState state = ferry_connection_get_state (connection);
  gboolean populated = ferry_cache_get_populated (ferry_connection_get_cache (connection));
  FerryHost *standalone;
  g_autofree char *text = NULL;

  if (populated && (state == FERRY_CONNECTION_STATE_CONNECTED || state == FERRY_CONNECTION_STATE_RECONNECTING))
    {
      standalone = ferry_connection_get_standalone_host (connection);
      if (standalone != NULL)
        {
          ferry_host_view_set_host (self->host_view, standalone);
          gtk_stack_set_visible_child_name (self->stack, "host");
        }
      else
        {
          ferry_pool_view_set_connection (self->pool_view, connection);
          gtk_stack_set_visible_child_name (self->stack, "pool");
        }
      return;
    }

  text = ferry_connection_dup_state_text (connection);
  adw_status_page_set_title (self->connection_page, ferry_connection_get_title (connection));
  adw_status_page_set_description (self->connection_page, text);
  gtk_widget_set_visible (GTK_WIDGET (self->connection_spinner),
                          state == FERRY_CONNECTION_STATE_CONNECTING ||
                          state == FERRY_CONNECTION_STATE_RECONNECTING ||
                          state == FERRY_CONNECTION_STATE_CONNECTED);
  gtk_spinner_set_spinning (self->connection_spinner, gtk_widget_get_visible (GTK_WIDGET (self->connection_spinner)));
  gtk_widget_set_visible (GTK_WIDGET (self->connection_button),
                          state == FERRY_CONNECTION_STATE_FAILED || state == FERRY_CONNECTION_STATE_DISCONNECTED);
  gtk_button_set_label (self->connection_button,
                        state == FERRY_CONNECTION_STATE_FAILED ? _("_Retry") : _("_Connect…"));
  gtk_button_set_use_underline (self->connection_button, TRUE);
  adw_status_page_set_icon_name (self->connection_page,
                                 state == FERRY_CONNECTION_STATE_FAILED ? "network-error-symbolic"
                                                                        : "network-workgroup-symbolic");
  gtk_stack_set_visible_child_name (self->stack, "connection");
}

static void
show_other (FerryDetailsView *self,
            const char       *icon_name,
            const char       *title,
            const char       *description)
{
  adw_status_page_set_icon_name (self->other_page, icon_name);
  adw_status_page_set_title (self->other_page, title);
  adw_status_page_set_description (self->other_page, description);
  gtk_stack_set_visible_child_name (self->stack, "other");
}

static void
update (FerryDetailsView *self)
{
  GObject *item = self->item;

  if (item == NULL)
    gtk_stack_set_visible_child_name (self->stack, "empty");
  else if (FERRY_IS_CONNECTION (item))
    show_connection (self, FERRY_CONNECTION (item));
  else if (FERRY_IS_VM (item))
    {
      ferry_vm_view_set_vm (self->vm_view, FERRY_VM (item));
      gtk_stack_set_visible_child_name (self->stack, "vm");
    }
  else if (FERRY_IS_HOST (item))
    {
      ferry_host_view_set_host (self->host_view, FERRY_HOST (item));
      gtk_stack_set_visible_child_name (self->stack, "host");
    }
  else if (FERRY_IS_SR (item))
    {
      ferry_sr_view_set_sr (self->sr_view, FERRY_SR (item));
      gtk_stack_set_visible_child_name (self->stack, "sr");
    }
  else if (FERRY_IS_TREE_GROUP (item))
    {
      FerryTreeGroup *group = FERRY_TREE_GROUP (item);
      guint n = g_list_model_get_n_items (ferry_tree_group_get_objects (group));
      g_autofree char *text = NULL;

      if (ferry_tree_group_get_kind (group) == FERRY_TREE_GROUP_STORAGE)
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u storage repository", "%u storage repositories", n), n);
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u network", "%u networks", n), n);
      show_other (self, ferry_tree_group_get_icon_name (group), ferry_tree_group_get_title (group), text);
    }
  else if (FERRY_IS_VDI (item))
    {
      FerryObject *sr = ferry_object_lookup_ref (FERRY_OBJECT (item), ferry_vdi_get_sr (FERRY_VDI (item)));
      g_autofree char *size = ferry_format_size (ferry_vdi_get_virtual_size (FERRY_VDI (item)));
      /* Translators: "40 GiB virtual disk on Prod-NFS" */
      g_autofree char *text = g_strdup_printf (_("%s virtual disk on %s"), size,
                                               sr ? ferry_object_get_display_name (sr) : _("an unknown SR"));

      show_other (self, "drive-harddisk-symbolic", ferry_object_get_display_name (FERRY_OBJECT (item)), text);
    }
  else if (FERRY_IS_NETWORK (item))
    {
      FerryNetwork *network = FERRY_NETWORK (item);
      /* Translators: "Bridge xenbr0, MTU 1500" */
      g_autofree char *text = g_strdup_printf (_("Bridge %s, MTU %ld"),
                                               ferry_network_get_bridge (network) ?: "?",
                                               (long) ferry_network_get_mtu (network));

      show_other (self, "network-wired-symbolic", ferry_object_get_display_name (FERRY_OBJECT (item)), text);
    }
  else if (FERRY_IS_OBJECT (item))
    show_other (self, "emblem-system-symbolic", ferry_object_get_display_name (FERRY_OBJECT (item)), NULL);
}

static void
on_connection_changed_cb (FerryDetailsView *self)
{
  update (self);
}

static void
ferry_details_view_dispose (GObject *object)
{
  FerryDetailsView *self = FERRY_DETAILS_VIEW (object);

  ferry_details_view_set_item (self, NULL);

  G_OBJECT_CLASS (ferry_details_view_parent_class)->dispose (object);
}

static void
ferry_details_view_finalize (GObject *object)
{
  FerryDetailsView *self = FERRY_DETAILS_VIEW (object);

  g_clear_object (&self->connection_signals);
  g_clear_object (&self->cache_signals);

  G_OBJECT_CLASS (ferry_details_view_parent_class)->finalize (object);
}

static void
ferry_details_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FerryDetailsView *self = FERRY_DETAILS_VIEW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_details_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  FerryDetailsView *self = FERRY_DETAILS_VIEW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      ferry_details_view_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_details_view_class_init (FerryDetailsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_details_view_dispose;
  object_class->finalize = ferry_details_view_finalize;
  object_class->get_property = ferry_details_view_get_property;
  object_class->set_property = ferry_details_view_set_property;

  properties [PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         G_TYPE_OBJECT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FERRY_TYPE_VM_VIEW);
  g_type_ensure (FERRY_TYPE_HOST_VIEW);
  g_type_ensure (FERRY_TYPE_SR_VIEW);
  g_type_ensure (FERRY_TYPE_POOL_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-details-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryDetailsView, stack);
  gtk_widget_class_bind_template_child (widget_class, FerryDetailsView, connection_page);
  gtk_widget_class_bind_template_child (widget_class, FerryDetailsView, connection_spinner);
  gtk_widget_class_bind_template_child (widget_class, FerryDetailsView, connection_button);
  gtk_widget_class_bind_template_child (widget_class, FerryDetailsView, vm_view);
  gtk_widget_class_bind_template_child (widget_class, FerryDetailsView, host_view);
  gtk_widget_class_bind_template_child (widget_class, FerryDetailsView, sr_view);
  gtk_widget_class_bind_template_child (widget_class, FerryDetailsView, pool_view);
  gtk_widget_class_bind_template_child (widget_class, FerryDetailsView, other_page);
}

static void
ferry_details_view_init (FerryDetailsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->connection_signals = g_signal_group_new (FERRY_TYPE_CONNECTION);
  g_signal_group_connect_swapped (self->connection_signals, "notify::state",
                                  G_CALLBACK (on_connection_changed_cb), self);
  g_signal_group_connect_swapped (self->connection_signals, "notify::status-text",
                                  G_CALLBACK (on_connection_changed_cb), self);
  self->cache_signals = g_signal_group_new (FERRY_TYPE_CACHE);
  g_signal_group_connect_swapped (self->cache_signals, "notify::populated",
                                  G_CALLBACK (on_connection_changed_cb), self);
}

GObject *
ferry_details_view_get_item (FerryDetailsView *self)
{
  g_return_val_if_fail (FERRY_IS_DETAILS_VIEW (self), NULL);
  return self->item;
}

void
ferry_details_view_set_item (FerryDetailsView *self,
                             GObject          *item)
{
  g_return_if_fail (FERRY_IS_DETAILS_VIEW (self));

  if (self->item == item)
    return;

  g_set_object (&self->item, item);
  g_signal_group_set_target (self->connection_signals, FERRY_IS_CONNECTION (item) ? item : NULL);
  g_signal_group_set_target (self->cache_signals,
                             FERRY_IS_CONNECTION (item) ? ferry_connection_get_cache (FERRY_CONNECTION (item)) : NULL);

  /* Let go of what the other pages showed. */
  if (!FERRY_IS_VM (item))
    ferry_vm_view_set_vm (self->vm_view, NULL);
  if (!FERRY_IS_HOST (item))
    ferry_host_view_set_host (self->host_view, NULL);
  if (!FERRY_IS_SR (item))
    ferry_sr_view_set_sr (self->sr_view, NULL);
  if (!FERRY_IS_CONNECTION (item))
    ferry_pool_view_set_connection (self->pool_view, NULL);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ITEM]);
}

const char *
ferry_details_view_get_visible_page (FerryDetailsView *self)
{
  g_return_val_if_fail (FERRY_IS_DETAILS_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
ferry_details_view_get_page_widget (FerryDetailsView *self,
                                    const char       *name)
{
  g_return_val_if_fail (FERRY_IS_DETAILS_VIEW (self), NULL);
  return gtk_stack_get_child_by_name (self->stack, name);
}
