/* ferry-tree-row.c
 *
 * One row of the resource tree: an icon, the name and a status. The row
 * follows its item's notifications, so that it updates in place when
 * events change the object.
 *
 * A list view keeps 200 rows alive and makes new ones whenever a search
 * changes what it shows, so a row is kept cheap: it is built in code (a
 * template costs a builder run per row), the status text, spinner and
 * button, which most VM rows do not need, are made when first needed, a
 * CSS class changes only when its state does (each change restyles), a
 * row that is unbound is left as it is, and no label asks for its width in
 * characters (each such label measures font metrics on every layout).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-tree-row"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-connection.h"
#include "ferry-host.h"
#include "ferry-network.h"
#include "ferry-pool.h"
#include "ferry-sr.h"
#include "ferry-task.h"
#include "ferry-tree-group.h"
#include "ferry-tree-row.h"
#include "ferry-ui-utils.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

struct _FerryTreeRow
{
  GtkWidget     parent_instance;

  GtkImage     *icon;
  GtkLabel     *title_label;
  GtkImage     *status_icon;
  GtkLabel     *status_label;   /* made when first needed */
  GtkSpinner   *spinner;        /* made when first needed */
  GtkButton    *action_button;  /* made when first needed */

  /* Owned references */
  GObject      *item;
  GSignalGroup *item_signals;
  GSignalGroup *task_signals;
  GSignalGroup *cache_signals;
  GSignalGroup *model_signals;
};

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_FINAL_TYPE (FerryTreeRow, ferry_tree_row, GTK_TYPE_WIDGET)

/* Adds or removes @css_class only when that changes something. */
static void
set_css_class (GtkWidget  *widget,
               const char *css_class,
               gboolean    on)
{
  if (gtk_widget_has_css_class (widget, css_class) == on)
    return;
  if (on)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

/* Setting a tooltip costs even when it does not change. */
static void
set_tooltip (GtkWidget  *widget,
             const char *tooltip)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) != 0)
    gtk_widget_set_tooltip_text (widget, tooltip);
}

static void
set_status (FerryTreeRow *self,
            const char   *icon_name,
            const char   *text,
            const char   *tooltip)
{
  if (g_strcmp0 (gtk_image_get_icon_name (self->status_icon), icon_name) != 0)
    gtk_image_set_from_icon_name (self->status_icon, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (self->status_icon), icon_name != NULL);
  set_css_class (GTK_WIDGET (self->status_icon), "warning", g_strcmp0 (icon_name, "dialog-warning-symbolic") == 0);
  set_css_class (GTK_WIDGET (self->status_icon), "error", g_strcmp0 (icon_name, "dialog-error-symbolic") == 0);
  set_tooltip (GTK_WIDGET (self->status_icon), tooltip);

  if (self->status_label == NULL)
    {
      if (text == NULL || text[0] == '\0')
        return;
      self->status_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (self->status_label, 1);
      gtk_label_set_ellipsize (self->status_label, PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "caption");
      gtk_widget_insert_after (GTK_WIDGET (self->status_label), GTK_WIDGET (self), GTK_WIDGET (self->status_icon));
    }
  if (g_strcmp0 (gtk_label_get_label (self->status_label), text ? text : "") != 0)
    ferry_set_label_text (self->status_label, text);
  else
    gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL && text[0] != '\0');
  set_tooltip (GTK_WIDGET (self->status_label), tooltip);
}

static void
set_error (FerryTreeRow *self,
           gboolean      error)
{
  if (self->status_label != NULL)
    set_css_class (GTK_WIDGET (self->status_label), "error", error);
}

static void
set_busy (FerryTreeRow *self,
          gboolean      busy)
{
  if (self->spinner == NULL)
    {
      if (!busy)
        return;
      self->spinner = GTK_SPINNER (gtk_spinner_new ());
      gtk_widget_insert_before (GTK_WIDGET (self->spinner), GTK_WIDGET (self), GTK_WIDGET (self->status_icon));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static void
set_button (FerryTreeRow *self,
            const char   *label,
            const char   *connection_id)
{
  if (self->action_button == NULL)
    {
      if (label == NULL)
        return;
      self->action_button = GTK_BUTTON (gtk_button_new ());
      gtk_widget_set_valign (GTK_WIDGET (self->action_button), GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (GTK_WIDGET (self->action_button), "flat");
      gtk_widget_add_css_class (GTK_WIDGET (self->action_button), "ferry-row-button");
      gtk_widget_insert_before (GTK_WIDGET (self->action_button), GTK_WIDGET (self), NULL);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->action_button), label != NULL);
  if (label == NULL)
    return;
  /* An icon: the row has little room beside the name and the reason. */
  gtk_button_set_icon_name (self->action_button, "view-refresh-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->action_button), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->action_button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->action_button), "s", connection_id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->action_button), "tree.retry");
}

static void
update_connection (FerryTreeRow    *self,
                   FerryConnection *connection)
{
  FerryConnectionState state = ferry_connection_get_state (connection);
  gboolean populated = ferry_cache_get_populated (ferry_connection_get_cache (connection));
  g_autofree char *text = ferry_connection_dup_state_text (connection);
  const char *id = ferry_connection_get_id (connection);

  gtk_image_set_from_icon_name (self->icon,
                                ferry_connection_get_standalone_host (connection) != NULL
                                  ? "network-server-symbolic" : "network-workgroup-symbolic");
  gtk_label_set_label (self->title_label, ferry_connection_get_title (connection));
  set_error (self, FALSE);

  switch (state)
    {
    case FERRY_CONNECTION_STATE_CONNECTING:
    case FERRY_CONNECTION_STATE_RECONNECTING:
      set_busy (self, TRUE);
      set_status (self, NULL, text, NULL);
      set_button (self, NULL, NULL);
      break;

    case FERRY_CONNECTION_STATE_CONNECTED:
      set_busy (self, !populated);
      set_status (self, NULL, populated ? NULL : text, NULL);
      set_button (self, NULL, NULL);
      break;

    case FERRY_CONNECTION_STATE_FAILED:
      {
        const GError *error = ferry_connection_get_error (connection);
        g_autofree char *tooltip = g_strdup_printf ("%s\n%s", text, error ? error->message : "");

        set_busy (self, FALSE);
        set_status (self, NULL, ferry_describe_connection_error_short (error), tooltip);
        set_error (self, TRUE);
        /* Translators: a button that connects again */
        set_button (self, _("Retry"), id);
      }
      break;

    case FERRY_CONNECTION_STATE_DISCONNECTED:
    default:
      set_busy (self, FALSE);
      set_status (self, "network-offline-symbolic", text, NULL);
      set_button (self, _("Log In…"), id);
      break;
    }
}

static void
update_vm (FerryTreeRow *self,
           FerryVm      *vm)
{
  FerryVmPowerState state = ferry_vm_get_power_state (vm);
  FerryTask *task = ferry_vm_get_migration_task (vm);
  const char *blocked = ferry_vm_get_migration_block (vm);

  gtk_image_set_from_icon_name (self->icon, "computer-symbolic");
  gtk_label_set_label (self->title_label, ferry_object_get_display_name (FERRY_OBJECT (vm)));
  set_css_class (GTK_WIDGET (self->title_label), "dim-label",
                 state != FERRY_VM_POWER_STATE_RUNNING && state != FERRY_VM_POWER_STATE_PAUSED);

  g_signal_group_set_target (self->task_signals, task);

  if (task != NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: %d is a percentage */
      text = g_strdup_printf (_("Migrating %d %%"), (int) (ferry_task_get_progress (task) * 100 + 0.5));
      set_status (self, "emblem-synchronizing-symbolic", text, NULL);
    }
  else if (state == FERRY_VM_POWER_STATE_PAUSED)
    set_status (self, ferry_vm_power_state_to_icon (state), _("Paused"), NULL);
  else if (blocked != NULL)
    {
      g_autofree char *tooltip = NULL;

      /* Translators: %s is the reason an administrator gave */
      tooltip = g_strdup_printf (_("Migration is blocked: %s"), blocked);
      set_status (self, "dialog-warning-symbolic", _("Blocked"), tooltip);
    }
  else if (state == FERRY_VM_POWER_STATE_SUSPENDED)
    set_status (self, ferry_vm_power_state_to_icon (state), _("Suspended"), NULL);
  else
    set_status (self, ferry_vm_power_state_to_icon (state), NULL, NULL);
}

static void
update_host (FerryTreeRow *self,
             FerryHost    *host)
{
  FerryCache *cache = ferry_object_get_cache (FERRY_OBJECT (host));
  FerryPool *pool = cache ? ferry_cache_get_pool (cache) : NULL;

  gtk_image_set_from_icon_name (self->icon, "network-server-symbolic");
  gtk_label_set_label (self->title_label, ferry_object_get_display_name (FERRY_OBJECT (host)));

  if (!ferry_host_get_enabled (host))
    set_status (self, "dialog-warning-symbolic", _("Disabled"),
                _("The host is disabled, or in maintenance mode"));
  else if (pool != NULL &&
           g_strcmp0 (ferry_pool_get_master (pool), ferry_object_get_ref (FERRY_OBJECT (host))) == 0)
    set_status (self, NULL, _("Coordinator"), NULL);
  else
    set_status (self, NULL, NULL, NULL);
}

static void
update_sr (FerryTreeRow *self,
           FerrySr      *sr)
{
  gint64 size = ferry_sr_get_physical_size (sr);

  gtk_image_set_from_icon_name (self->icon, "drive-multidisk-symbolic");
  gtk_label_set_label (self->title_label, ferry_object_get_display_name (FERRY_OBJECT (sr)));
  if (size > 0)
    {
      g_autofree char *free_text = ferry_format_size (size - ferry_sr_get_physical_utilisation (sr));
      /* Translators: %s is a size, e.g. 1.2 TiB */
      g_autofree char *text = g_strdup_printf (_("%s free"), free_text);

      set_status (self, NULL, text, NULL);
    }
  else
    set_status (self, NULL, NULL, NULL);
}

static void
update_vdi (FerryTreeRow *self,
            FerryVdi     *vdi)
{
  g_autofree char *size = ferry_format_size (ferry_vdi_get_virtual_size (vdi));

  gtk_image_set_from_icon_name (self->icon, "drive-harddisk-symbolic");
  gtk_label_set_label (self->title_label, ferry_object_get_display_name (FERRY_OBJECT (vdi)));
  set_status (self, NULL, size, NULL);
}

static void
update_group (FerryTreeRow   *self,
              FerryTreeGroup *group)
{
  g_autofree char *count = g_strdup_printf ("%u", g_list_model_get_n_items (ferry_tree_group_get_objects (group)));

  gtk_image_set_from_icon_name (self->icon, ferry_tree_group_get_icon_name (group));
  gtk_label_set_label (self->title_label, ferry_tree_group_get_title (group));
  set_status (self, NULL, count, NULL);
}

static void
update_accessible (FerryTreeRow *self)
{
  const char *title = gtk_label_get_label (self->title_label);
  const char *status = self->status_label != NULL && gtk_widget_get_visible (GTK_WIDGET (self->status_label))
                         ? gtk_label_get_label (self->status_label) : NULL;
  g_autofree char *label = NULL;

  /* The power state icon says it to the eye; say it to the ear too. */
  if ((status == NULL || status[0] == '\0') && FERRY_IS_VM (self->item))
    status = ferry_vm_power_state_to_label (ferry_vm_get_power_state (FERRY_VM (self->item)));

  if (status != NULL && status[0] != '\0')
    label = g_strdup_printf ("%s, %s", title, status);
  else
    label = g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
update (FerryTreeRow *self)
{
  g_assert (FERRY_IS_TREE_ROW (self));

  /* An unbound row is not shown: it keeps what it showed until rebound. */
  if (self->item == NULL)
    return;

  set_busy (self, FALSE);
  set_button (self, NULL, NULL);
  if (!FERRY_IS_VM (self->item))
    set_css_class (GTK_WIDGET (self->title_label), "dim-label", FALSE);

  if (FERRY_IS_CONNECTION (self->item))
    update_connection (self, FERRY_CONNECTION (self->item));
  else if (FERRY_IS_VM (self->item))
    update_vm (self, FERRY_VM (self->item));
  else if (FERRY_IS_HOST (self->item))
    update_host (self, FERRY_HOST (self->item));
  else if (FERRY_IS_SR (self->item))
    update_sr (self, FERRY_SR (self->item));
  else if (FERRY_IS_VDI (self->item))
    update_vdi (self, FERRY_VDI (self->item));
  else if (FERRY_IS_TREE_GROUP (self->item))
    update_group (self, FERRY_TREE_GROUP (self->item));
  else if (FERRY_IS_NETWORK (self->item))
    {
      gtk_image_set_from_icon_name (self->icon, "network-wired-symbolic");
      gtk_label_set_label (self->title_label, ferry_object_get_display_name (FERRY_OBJECT (self->item)));
      set_status (self, NULL, NULL, NULL);
    }
  else if (FERRY_IS_OBJECT (self->item))
    {
      gtk_image_set_from_icon_name (self->icon, "emblem-system-symbolic");
      gtk_label_set_label (self->title_label, ferry_object_get_display_name (FERRY_OBJECT (self->item)));
      set_status (self, NULL, NULL, NULL);
    }

  update_accessible (self);
}

static void
on_item_notify_cb (FerryTreeRow *self,
                   GParamSpec   *pspec,
                   GObject      *item)
{
  update (self);
}

static void
on_model_items_changed_cb (FerryTreeRow *self,
                           guint         position,
                           guint         removed,
                           guint         added,
                           GListModel   *model)
{
  if (removed != added)
    update (self);
}

static void
ferry_tree_row_dispose (GObject *object)
{
  FerryTreeRow *self = FERRY_TREE_ROW (object);

  ferry_tree_row_set_item (self, NULL);
  g_clear_pointer ((GtkWidget **) &self->icon, gtk_widget_unparent);
  g_clear_pointer ((GtkWidget **) &self->title_label, gtk_widget_unparent);
  g_clear_pointer ((GtkWidget **) &self->spinner, gtk_widget_unparent);
  g_clear_pointer ((GtkWidget **) &self->status_icon, gtk_widget_unparent);
  g_clear_pointer ((GtkWidget **) &self->status_label, gtk_widget_unparent);
  g_clear_pointer ((GtkWidget **) &self->action_button, gtk_widget_unparent);

  G_OBJECT_CLASS (ferry_tree_row_parent_class)->dispose (object);
}

static void
ferry_tree_row_finalize (GObject *object)
{
  FerryTreeRow *self = FERRY_TREE_ROW (object);

  g_clear_object (&self->item_signals);
  g_clear_object (&self->task_signals);
  g_clear_object (&self->cache_signals);
  g_clear_object (&self->model_signals);

  G_OBJECT_CLASS (ferry_tree_row_parent_class)->finalize (object);
}

static void
ferry_tree_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FerryTreeRow *self = FERRY_TREE_ROW (object);

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
ferry_tree_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FerryTreeRow *self = FERRY_TREE_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      ferry_tree_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_tree_row_class_init (FerryTreeRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_tree_row_dispose;
  object_class->finalize = ferry_tree_row_finalize;
  object_class->get_property = ferry_tree_row_get_property;
  object_class->set_property = ferry_tree_row_set_property;

  properties [PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         G_TYPE_OBJECT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ferrytreerow");
}

static void
ferry_tree_row_init (FerryTreeRow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget)), 6);
  gtk_widget_set_hexpand (widget, TRUE);

  self->icon = g_object_new (GTK_TYPE_IMAGE, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  gtk_widget_set_parent (GTK_WIDGET (self->icon), widget);

  self->title_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->title_label, 0);
  gtk_label_set_ellipsize (self->title_label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (self->title_label), TRUE);
  gtk_widget_set_parent (GTK_WIDGET (self->title_label), widget);

  self->status_icon = GTK_IMAGE (gtk_image_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->status_icon), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), "ferry-status-icon");
  gtk_widget_set_parent (GTK_WIDGET (self->status_icon), widget);

  self->item_signals = g_signal_group_new (G_TYPE_OBJECT);
  g_signal_group_connect_swapped (self->item_signals, "notify", G_CALLBACK (on_item_notify_cb), self);

  self->task_signals = g_signal_group_new (FERRY_TYPE_TASK);
  g_signal_group_connect_swapped (self->task_signals, "notify::progress", G_CALLBACK (on_item_notify_cb), self);

  self->cache_signals = g_signal_group_new (FERRY_TYPE_CACHE);
  g_signal_group_connect_swapped (self->cache_signals, "notify::populated", G_CALLBACK (on_item_notify_cb), self);

  self->model_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->model_signals, "items-changed",
                                  G_CALLBACK (on_model_items_changed_cb), self);
}

GtkWidget *
ferry_tree_row_new (void)
{
  return g_object_new (FERRY_TYPE_TREE_ROW, NULL);
}

GObject *
ferry_tree_row_get_item (FerryTreeRow *self)
{
  g_return_val_if_fail (FERRY_IS_TREE_ROW (self), NULL);
  return self->item;
}

void
ferry_tree_row_set_item (FerryTreeRow *self,
                         GObject      *item)
{
  g_return_if_fail (FERRY_IS_TREE_ROW (self));
  g_return_if_fail (item == NULL || G_IS_OBJECT (item));

  if (self->item == item)
    return;

  g_set_object (&self->item, item);

  g_signal_group_set_target (self->item_signals, item);
  g_signal_group_set_target (self->task_signals, NULL);
  g_signal_group_set_target (self->cache_signals,
                             FERRY_IS_CONNECTION (item) ? ferry_connection_get_cache (FERRY_CONNECTION (item)) : NULL);
  g_signal_group_set_target (self->model_signals,
                             FERRY_IS_TREE_GROUP (item) ? ferry_tree_group_get_objects (FERRY_TREE_GROUP (item)) : NULL);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ITEM]);
}

const char *
ferry_tree_row_get_title (FerryTreeRow *self)
{
  g_return_val_if_fail (FERRY_IS_TREE_ROW (self), NULL);
  return gtk_label_get_label (self->title_label);
}

const char *
ferry_tree_row_get_status (FerryTreeRow *self)
{
  g_return_val_if_fail (FERRY_IS_TREE_ROW (self), NULL);
  return self->status_label != NULL && gtk_widget_get_visible (GTK_WIDGET (self->status_label))
           ? gtk_label_get_label (self->status_label) : "";
}
