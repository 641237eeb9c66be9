/* ferry-connect-dialog.c
 *
 * A new server: the dialog opens a connection of its own, so that a wrong
 * password, an unknown host or a web server that is not xapi fails here, in
 * plain words, and nothing is saved. Once logged in, the manager takes that
 * very connection over (one login, no second session); its state then shows
 * in the tree. A saved server (or one typed again) is logged in to with the
 * new password where it is, in the manager.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-connect-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-connect-dialog.h"
#include "ferry-credentials.h"
#include "ferry-error.h"
#include "ferry-trust-dialog.h"
#include "ferry-ui-utils.h"

struct _FerryConnectDialog
{
  AdwWindow               parent_instance;

  /* Template widgets */
  GtkButton              *connect_button;
  AdwEntryRow            *address_row;
  AdwEntryRow            *user_row;
  AdwPasswordEntryRow    *password_row;
  GtkSwitch              *remember_switch;
  GtkWidget              *status_box;
  GtkSpinner             *spinner;
  GtkLabel               *status_label;
  GtkLabel               *error_label;

  /* Owned references */
  FerryConnectionManager *manager;
  FerryConnection        *existing;
  FerryConnection        *connection;  /* logging in */
  GCancellable           *cancellable;
  gboolean                busy;
  gboolean                adopt;       /* @connection is new: the manager takes it on success */
};

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_BUSY,
  N_PROPS
};

enum {
  CONNECTED,
  N_SIGNALS
};

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

G_DEFINE_FINAL_TYPE (FerryConnectDialog, ferry_connect_dialog, ADW_TYPE_WINDOW)

static const char *
field (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static char *
dup_address (FerryConnectDialog *self)
{
  return g_strstrip (g_strdup (field (self->address_row)));
}

static void
update_actions (FerryConnectDialog *self)
{
  g_autofree char *address = dup_address (self);
  gboolean ready = !self->busy && address[0] != '\0' &&
                   field (self->user_row)[0] != '\0' && field (self->password_row)[0] != '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.connect", ready);
}

static void
set_busy (FerryConnectDialog *self,
          gboolean            busy,
          const char         *status)
{
  self->busy = busy;
  gtk_widget_set_visible (self->status_box, busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_label_set_label (self->status_label, status ? status : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->address_row), !busy && self->existing == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_BUSY]);
}

static void
show_error (FerryConnectDialog *self,
            const char         *text)
{
  ferry_set_label_text (self->error_label, text);
}

static gboolean
on_trust_request_cb (FerryConnection    *connection,
                     FerryTrustRequest  *request,
                     FerryConnectDialog *self)
{
  FerryTrustDialog *dialog = ferry_trust_dialog_new_for_request (GTK_WINDOW (self), request);

  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
on_credentials_done_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean stored = GPOINTER_TO_INT (user_data);

  if (stored ? !ferry_credentials_store_finish (result, &error)
             : !ferry_credentials_clear_finish (result, &error))
    g_warning ("Could not update the keyring: %s", error->message);
}

static void
on_closed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ferry_connection_close_finish (FERRY_CONNECTION (object), result, NULL);
}

/* Lets go of the connection logging in; a new one nobody took is closed. */
static void
drop_connection (FerryConnectDialog *self)
{
  g_autoptr(FerryConnection) connection = g_steal_pointer (&self->connection);

  if (connection == NULL)
    return;
  g_signal_handlers_disconnect_by_func (connection, on_trust_request_cb, self);
  if (self->adopt)
    ferry_connection_close_async (connection, NULL, on_closed_cb, NULL);
  self->adopt = FALSE;
}

/* The trust dialog replaced the pin of the refused certificate: log in again. */
static gboolean
on_replaced_cb (FerryTrustDialog   *dialog,
                FerryConnection    *connection,
                FerryConnectDialog *self)
{
  ferry_connect_dialog_connect (self);
  return TRUE;
}

static void
on_opened_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FerryConnectDialog) self = user_data;
  FerryConnection *connection = FERRY_CONNECTION (object);
  g_autoptr(GError) error = NULL;
  const char *password;

  if (!ferry_connection_open_finish (connection, result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || connection != self->connection)
        return;

      g_debug ("Login failed: %s", error->message);
      set_busy (self, FALSE, NULL);
      text = ferry_describe_connection_error (error);
      show_error (self, text);

      /* A saved connection's refusal is the window's to warn about. */
      if (g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED) && self->adopt)
        {
          FerryTrustDialog *dialog = ferry_trust_dialog_new_for_changed (GTK_WINDOW (self), connection);

          g_signal_connect_object (dialog, "replaced", G_CALLBACK (on_replaced_cb), self, 0);
          gtk_window_present (GTK_WINDOW (dialog));
        }
      else if (g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_SESSION_AUTHENTICATION_FAILED))
        gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      else if (self->existing == NULL)
        gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
      drop_connection (self);
      return;
    }

  if (connection != self->connection)
    return;

  /* Logged in: the manager takes this very connection over. */
  g_signal_handlers_disconnect_by_func (connection, on_trust_request_cb, self);
  if (self->adopt)
    ferry_connection_manager_add_connection (self->manager, connection);
  self->adopt = FALSE;

  password = field (self->password_row);
  if (gtk_switch_get_active (self->remember_switch))
    ferry_credentials_store_async (ferry_connection_get_address (connection),
                                   ferry_connection_get_username (connection), password,
                                   NULL, on_credentials_done_cb, GINT_TO_POINTER (TRUE));
  else
    ferry_credentials_clear_async (ferry_connection_get_address (connection),
                                   ferry_connection_get_username (connection),
                                   NULL, on_credentials_done_cb, GINT_TO_POINTER (FALSE));

  set_busy (self, FALSE, NULL);
  g_clear_object (&self->connection);
  g_signal_emit (self, signals [CONNECTED], 0, connection);
  gtk_window_close (GTK_WINDOW (self));
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  ferry_connect_dialog_connect (FERRY_CONNECT_DIALOG (widget));
}

static void
on_field_changed_cb (FerryConnectDialog *self)
{
  update_actions (self);
}

static gboolean
ferry_connect_dialog_close_request (GtkWindow *window)
{
  /* Let the focused entry see its focus go before the window does. */
  gtk_window_set_focus (window, NULL);

  return GTK_WINDOW_CLASS (ferry_connect_dialog_parent_class)->close_request (window);
}

static void
ferry_connect_dialog_dispose (GObject *object)
{
  FerryConnectDialog *self = FERRY_CONNECT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  drop_connection (self);

  G_OBJECT_CLASS (ferry_connect_dialog_parent_class)->dispose (object);
}

static void
ferry_connect_dialog_finalize (GObject *object)
{
  FerryConnectDialog *self = FERRY_CONNECT_DIALOG (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->existing);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ferry_connect_dialog_parent_class)->finalize (object);
}

static void
ferry_connect_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  FerryConnectDialog *self = FERRY_CONNECT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_connect_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  FerryConnectDialog *self = FERRY_CONNECT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_set_object (&self->manager, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_connect_dialog_class_init (FerryConnectDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_connect_dialog_dispose;
  object_class->finalize = ferry_connect_dialog_finalize;
  object_class->get_property = ferry_connect_dialog_get_property;
  object_class->set_property = ferry_connect_dialog_set_property;
  GTK_WINDOW_CLASS (klass)->close_request = ferry_connect_dialog_close_request;

  properties [PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL,
                         FERRY_TYPE_CONNECTION_MANAGER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties [PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals [CONNECTED] =
    g_signal_new ("connected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, FERRY_TYPE_CONNECTION);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-connect-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryConnectDialog, connect_button);
  gtk_widget_class_bind_template_child (widget_class, FerryConnectDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, FerryConnectDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, FerryConnectDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, FerryConnectDialog, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryConnectDialog, status_box);
  gtk_widget_class_bind_template_child (widget_class, FerryConnectDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, FerryConnectDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, FerryConnectDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);

  gtk_widget_class_install_action (widget_class, "dialog.connect", NULL, connect_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ferry_connect_dialog_init (FerryConnectDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  update_actions (self);
}

FerryConnectDialog *
ferry_connect_dialog_new (GtkWindow              *parent,
                          FerryConnectionManager *manager,
                          FerryConnection        *connection)
{
  FerryConnectDialog *self;

  g_return_val_if_fail (FERRY_IS_CONNECTION_MANAGER (manager), NULL);
  g_return_val_if_fail (connection == NULL || FERRY_IS_CONNECTION (connection), NULL);

  self = g_object_new (FERRY_TYPE_CONNECT_DIALOG,
                       "transient-for", parent,
                       "manager", manager,
                       NULL);
  if (connection != NULL)
    {
      self->existing = g_object_ref (connection);
      gtk_editable_set_text (GTK_EDITABLE (self->address_row), ferry_connection_get_address (connection));
      gtk_editable_set_text (GTK_EDITABLE (self->user_row), ferry_connection_get_username (connection));
      gtk_widget_set_sensitive (GTK_WIDGET (self->address_row), FALSE);
      gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->password_row));
      if (ferry_connection_get_error (connection) != NULL)
        {
          g_autofree char *text = ferry_describe_connection_error (ferry_connection_get_error (connection));

          show_error (self, text);
        }
    }
  else
    gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->address_row));
  return self;
}

void
ferry_connect_dialog_fill (FerryConnectDialog *self,
                           const char         *address,
                           const char         *username,
                           const char         *password,
                           gboolean            remember)
{
  g_return_if_fail (FERRY_IS_CONNECT_DIALOG (self));

  if (address != NULL && self->existing == NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->address_row), address);
  if (username != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->user_row), username);
  if (password != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  gtk_switch_set_active (self->remember_switch, remember);
}

void
ferry_connect_dialog_connect (FerryConnectDialog *self)
{
  g_autofree char *address = NULL;
  g_autofree char *status = NULL;
  const char *username;
  FerryConnection *saved;

  g_return_if_fail (FERRY_IS_CONNECT_DIALOG (self));

  address = dup_address (self);
  username = field (self->user_row);
  if (self->busy || address[0] == '\0' || username[0] == '\0' || field (self->password_row)[0] == '\0')
    return;

  show_error (self, NULL);
  drop_connection (self);

  saved = self->existing ? self->existing : ferry_connection_manager_find (self->manager, address, username);
  if (saved != NULL && ferry_connection_get_state (saved) == FERRY_CONNECTION_STATE_CONNECTED)
    {
      /* Nothing to do: connected already with the password it has. */
      g_signal_emit (self, signals [CONNECTED], 0, saved);
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  /* Translators: %s is an address */
  status = g_strdup_printf (_("Logging in to %s…"), address);
  set_busy (self, TRUE, status);

  if (saved != NULL)
    {
      /* In the manager already: its trust questions go to the window. */
      self->connection = g_object_ref (saved);
      self->adopt = FALSE;
    }
  else
    {
      self->connection = ferry_connection_new (address, username,
                                               g_str_has_prefix (address, "http://") ? FERRY_TRANSPORT_HTTP
                                                                                     : FERRY_TRANSPORT_HTTPS);
      self->adopt = TRUE;
      g_signal_connect_object (self->connection, "trust-request", G_CALLBACK (on_trust_request_cb), self, 0);
    }
  ferry_connection_set_password (self->connection, field (self->password_row));
  ferry_connection_open_async (self->connection, self->cancellable, on_opened_cb, g_object_ref (self));
}

gboolean
ferry_connect_dialog_get_busy (FerryConnectDialog *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECT_DIALOG (self), FALSE);
  return self->busy;
}

const char *
ferry_connect_dialog_get_error_text (FerryConnectDialog *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECT_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ? gtk_label_get_label (self->error_label) : "";
}
