/* ferry-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-connect-dialog.h"
#include "ferry-details-view.h"
#include "ferry-error.h"
#include "ferry-flow-actions.h"
#include "ferry-queue.h"
#include "ferry-resource-tree.h"
#include "ferry-trust-dialog.h"
#include "ferry-window.h"

struct _FerryWindow
{
  AdwApplicationWindow    parent_instance;

  /* Template widgets */
  AdwWindowTitle         *window_title;
  GtkToggleButton        *search_button;
  GtkRevealer            *demo_revealer;
  AdwToastOverlay        *toast_overlay;
  GtkPaned               *paned;
  FerryResourceTree      *tree;
  FerryDetailsView       *details;

  /* Owned references */
  FerryConnectionManager *manager;
  FerryQueue             *queue;
  GHashTable             *warned;  /* connection → the GError it was warned about */
  gboolean                demo;
};

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_QUEUE,
  PROP_DEMO,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_FINAL_TYPE (FerryWindow, ferry_window, ADW_TYPE_APPLICATION_WINDOW)

static void
on_tree_selected_item_cb (FerryWindow *self)
{
  ferry_details_view_set_item (self->details, ferry_resource_tree_get_selected_item (self->tree));
}

static gboolean
on_trust_request_cb (FerryConnectionManager *manager,
                     FerryConnection        *connection,
                     FerryTrustRequest      *request,
                     FerryWindow            *self)
{
  FerryTrustDialog *dialog = ferry_trust_dialog_new_for_request (GTK_WINDOW (self), request);

  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* A saved connection refused for a changed certificate: warn, once per failure. */
static void
on_connection_state_cb (FerryConnection *connection,
                        GParamSpec      *pspec,
                        FerryWindow     *self)
{
  const GError *error = ferry_connection_get_error (connection);
  FerryTrustDialog *dialog;

  if (ferry_connection_get_state (connection) != FERRY_CONNECTION_STATE_FAILED ||
      !g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED) ||
      g_hash_table_lookup (self->warned, connection) == error)
    return;

  g_hash_table_insert (self->warned, connection, (gpointer) error);
  dialog = ferry_trust_dialog_new_for_changed (GTK_WINDOW (self), connection);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_connections_changed_cb (FerryWindow *self,
                           guint        position,
                           guint        removed,
                           guint        added,
                           GListModel  *connections)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (connections, i);

      g_signal_connect_object (connection, "notify::state", G_CALLBACK (on_connection_state_cb), self, 0);
      on_connection_state_cb (connection, NULL, self);
    }
}

static void
on_connected_cb (FerryConnectDialog *dialog,
                 FerryConnection    *connection,
                 FerryWindow        *self)
{
  g_autofree char *text = NULL;

  ferry_resource_tree_select_item (self->tree, G_OBJECT (connection));
  /* Translators: %s is an address */
  text = g_strdup_printf (_("Connected to %s"), ferry_connection_get_address (connection));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static FerryConnection *
lookup_connection (FerryWindow *self,
                   const char  *id)
{
  return self->manager ? ferry_connection_manager_lookup (self->manager, id) : NULL;
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  ferry_window_show_connect (FERRY_WINDOW (widget), NULL);
}

static void
connect_to_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  FerryConnection *connection = lookup_connection (self, g_variant_get_string (param, NULL));

  if (connection != NULL)
    ferry_window_show_connect (self, connection);
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  ferry_resource_tree_retry_selected (FERRY_WINDOW (widget)->tree);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  FerryWindow *self = FERRY_WINDOW (widget);

  ferry_resource_tree_set_search_mode (self->tree, TRUE);
}

static void
focus_tree_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  FerryWindow *self = FERRY_WINDOW (widget);

  gtk_widget_grab_focus (ferry_resource_tree_get_list_view (self->tree));
}

static void
ferry_window_constructed (GObject *object)
{
  FerryWindow *self = FERRY_WINDOW (object);

  G_OBJECT_CLASS (ferry_window_parent_class)->constructed (object);

  gtk_revealer_set_reveal_child (self->demo_revealer, self->demo);
  if (self->queue == NULL && self->manager != NULL)
    self->queue = ferry_queue_new (G_LIST_MODEL (self->manager), NULL, NULL);
  if (self->demo)
    adw_window_title_set_subtitle (self->window_title, _("Demo"));

  if (self->manager != NULL)
    {
      ferry_resource_tree_set_connections (self->tree, G_LIST_MODEL (self->manager));
      g_signal_connect_object (self->manager, "trust-request", G_CALLBACK (on_trust_request_cb), self, 0);
      g_signal_connect_object (self->manager, "items-changed", G_CALLBACK (on_connections_changed_cb),
                               self, G_CONNECT_SWAPPED);
      on_connections_changed_cb (self, 0, 0, g_list_model_get_n_items (G_LIST_MODEL (self->manager)),
                                 G_LIST_MODEL (self->manager));
    }
}

static void
ferry_window_finalize (GObject *object)
{
  FerryWindow *self = FERRY_WINDOW (object);

  g_clear_object (&self->queue);
  g_clear_object (&self->manager);
  g_clear_pointer (&self->warned, g_hash_table_unref);

  G_OBJECT_CLASS (ferry_window_parent_class)->finalize (object);
}

static void
ferry_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FerryWindow *self = FERRY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;
    case PROP_QUEUE:
      g_value_set_object (value, self->queue);
      break;
    case PROP_DEMO:
      g_value_set_boolean (value, self->demo);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_window_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FerryWindow *self = FERRY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;
    case PROP_QUEUE:
      self->queue = g_value_dup_object (value);
      break;
    case PROP_DEMO:
      self->demo = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_window_class_init (FerryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ferry_window_constructed;
  object_class->finalize = ferry_window_finalize;
  object_class->get_property = ferry_window_get_property;
  object_class->set_property = ferry_window_set_property;

  properties [PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL,
                         FERRY_TYPE_CONNECTION_MANAGER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties [PROP_QUEUE] =
    g_param_spec_object ("queue", NULL, NULL,
                         FERRY_TYPE_QUEUE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties [PROP_DEMO] =
    g_param_spec_boolean ("demo", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FERRY_TYPE_RESOURCE_TREE);
  g_type_ensure (FERRY_TYPE_DETAILS_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, demo_revealer);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, tree);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, details);
  gtk_widget_class_bind_template_callback (widget_class, on_tree_selected_item_cb);

  gtk_widget_class_install_action (widget_class, "win.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "win.connect-to", "s", connect_to_action);
  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.focus-tree", NULL, focus_tree_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.connect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.reconnect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.reconnect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.focus-tree", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);

  ferry_flow_actions_install (widget_class);
}

static void
ferry_window_init (FerryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->warned = g_hash_table_new (NULL, NULL);
  g_object_bind_property (self->search_button, "active", self->tree, "search-mode",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}

FerryWindow *
ferry_window_new (GtkApplication         *application,
                  FerryConnectionManager *manager,
                  FerryQueue             *queue,
                  gboolean                demo)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (FERRY_IS_CONNECTION_MANAGER (manager), NULL);
  g_return_val_if_fail (queue == NULL || FERRY_IS_QUEUE (queue), NULL);

  return g_object_new (FERRY_TYPE_WINDOW,
                       "application", application,
                       "manager", manager,
                       "queue", queue,
                       "demo", demo,
                       NULL);
}

FerryConnectionManager *
ferry_window_get_manager (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), NULL);
  return self->manager;
}

FerryQueue *
ferry_window_get_queue (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), NULL);
  return self->queue;
}

/* The cached object with @uuid on any connection, and that connection. */
FerryObject *
ferry_window_lookup_object (FerryWindow      *self,
                            const char       *uuid,
                            FerryConnection **connection)
{
  GListModel *connections;
  guint n;

  g_return_val_if_fail (FERRY_IS_WINDOW (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  connections = G_LIST_MODEL (self->manager);
  n = connections ? g_list_model_get_n_items (connections) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryConnection) candidate = g_list_model_get_item (connections, i);
      FerryCache *cache = ferry_connection_get_cache (candidate);
      FerryObject *object = cache ? ferry_cache_lookup_by_uuid (cache, uuid) : NULL;

      if (object != NULL)
        {
          if (connection != NULL)
            *connection = candidate;
          return object;
        }
    }

  return NULL;
}

FerryResourceTree *
ferry_window_get_tree (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), NULL);
  return self->tree;
}

FerryDetailsView *
ferry_window_get_details (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), NULL);
  return self->details;
}

gboolean
ferry_window_get_demo (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), FALSE);
  return self->demo;
}

GtkWindow *
ferry_window_show_connect (FerryWindow     *self,
                           FerryConnection *connection)
{
  FerryConnectDialog *dialog;

  g_return_val_if_fail (FERRY_IS_WINDOW (self), NULL);

  dialog = ferry_connect_dialog_new (GTK_WINDOW (self), self->manager, connection);
  g_signal_connect_object (dialog, "connected", G_CALLBACK (on_connected_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}
