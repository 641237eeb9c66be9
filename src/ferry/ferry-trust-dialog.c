/* ferry-trust-dialog.c
 *
 * On first contact the user compares the SHA-256 fingerprint with the
 * server's and decides. A certificate that differs from the one trusted
 * before is never accepted with a click: the dialog warns, shows the old
 * and the new fingerprint side by side, and only replaces the trusted one
 * when the user types or pastes the new fingerprint as the server's own
 * console shows it (XenCenter offers a plain "Accept" there; users and
 * CP-38018 ask for a warning that cannot simply be dismissed).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-trust-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ferry-trust-dialog.h"
#include "ferry-ui-utils.h"

struct _FerryTrustDialog
{
  AdwWindow          parent_instance;

  /* Template widgets */
  AdwWindowTitle    *window_title;
  GtkButton         *cancel_button;
  GtkButton         *accept_button;
  GtkImage          *icon;
  GtkLabel          *heading_label;
  GtkLabel          *body_label;
  AdwActionRow      *fingerprint_row;
  AdwActionRow      *pinned_row;
  AdwActionRow      *subject_row;
  AdwActionRow      *issuer_row;
  AdwActionRow      *validity_row;
  GtkExpander       *replace_expander;
  GtkLabel          *replace_label;
  AdwEntryRow       *confirm_row;
  GtkLabel          *replace_error_label;

  /* Owned references */
  FerryTrustRequest *request;
  FerryTrustStore   *store;
  FerryConnection   *connection;
  char              *host;
  char              *fingerprint;
  char              *pinned;
  gboolean           changed;
};

enum {
  REPLACED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

G_DEFINE_FINAL_TYPE (FerryTrustDialog, ferry_trust_dialog, ADW_TYPE_WINDOW)

/* "AB:CD:…" in two lines of sixteen pairs. */
static char *
format_fingerprint (const char *fingerprint)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint pairs = 0;

  if (fingerprint == NULL)
    return g_strdup (_("Unknown"));

  for (const char *p = fingerprint; *p != '\0'; p++)
    {
      if (*p == ':')
        {
          pairs++;
          g_string_append_c (text, pairs % 16 == 0 ? '\n' : ':');
        }
      else
        g_string_append_c (text, *p);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
set_row (AdwActionRow *row,
         const char   *text)
{
  gtk_widget_set_visible (GTK_WIDGET (row), text != NULL && text[0] != '\0');
  ferry_info_row_set_subtitle (GTK_WIDGET (row), text);
}

static char *
format_validity (FerryCertificateInfo *info)
{
  GDateTime *from = ferry_certificate_info_get_not_before (info);
  GDateTime *until = ferry_certificate_info_get_not_after (info);
  g_autofree char *from_text = NULL;
  g_autofree char *until_text = NULL;

  if (from == NULL || until == NULL)
    return NULL;
  from_text = g_date_time_format (from, "%x");
  until_text = g_date_time_format (until, "%x");
  /* Translators: "from 1/2/2025 until 1/2/2035" */
  return g_strdup_printf (_("From %s until %s"), from_text, until_text);
}

static void
finish (FerryTrustDialog *self,
        gboolean          accept)
{
  g_autoptr(FerryTrustRequest) request = g_steal_pointer (&self->request);

  if (request != NULL && !ferry_trust_request_is_completed (request))
    ferry_trust_request_complete (request, accept && !self->changed);
  gtk_window_close (GTK_WINDOW (self));
}

static void
accept_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  finish (FERRY_TRUST_DIALOG (widget), TRUE);
}

static void
reject_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  finish (FERRY_TRUST_DIALOG (widget), FALSE);
}

/* The fingerprint typed matches the one presented (any spelling). */
static gboolean
confirmed (FerryTrustDialog *self,
           const char       *typed)
{
  g_autofree char *normal = ferry_fingerprint_normalize (typed);

  return normal != NULL && self->fingerprint != NULL && g_str_equal (normal, self->fingerprint);
}

static void
on_reopened_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The tree shows how it went. */
  if (!ferry_connection_open_finish (FERRY_CONNECTION (object), result, &error))
    g_debug ("Could not connect again: %s", error->message);
}

static void
replace_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  FerryTrustDialog *self = FERRY_TRUST_DIALOG (widget);

  ferry_trust_dialog_replace (self, gtk_editable_get_text (GTK_EDITABLE (self->confirm_row)));
}

static void
on_confirm_row_changed_cb (FerryTrustDialog *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));
  gboolean ok = confirmed (self, typed);
  g_autofree char *normal = ferry_fingerprint_normalize (typed);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "trust.replace", ok);
  /* A whole fingerprint that is another one: say so. */
  if (normal != NULL && !ok)
    ferry_set_label_text (self->replace_error_label,
                          _("This is not the fingerprint the server presented. Do not trust it."));
  else
    ferry_set_label_text (self->replace_error_label, NULL);
}

static gboolean
ferry_trust_dialog_close_request (GtkWindow *window)
{
  FerryTrustDialog *self = FERRY_TRUST_DIALOG (window);
  g_autoptr(FerryTrustRequest) request = g_steal_pointer (&self->request);

  gtk_window_set_focus (window, NULL);

  /* Closing means no. */
  if (request != NULL && !ferry_trust_request_is_completed (request))
    ferry_trust_request_complete (request, FALSE);

  return GTK_WINDOW_CLASS (ferry_trust_dialog_parent_class)->close_request (window);
}

static void
ferry_trust_dialog_dispose (GObject *object)
{
  FerryTrustDialog *self = FERRY_TRUST_DIALOG (object);
  g_autoptr(FerryTrustRequest) request = g_steal_pointer (&self->request);

  if (request != NULL && !ferry_trust_request_is_completed (request))
    ferry_trust_request_complete (request, FALSE);

  G_OBJECT_CLASS (ferry_trust_dialog_parent_class)->dispose (object);
}

static void
ferry_trust_dialog_finalize (GObject *object)
{
  FerryTrustDialog *self = FERRY_TRUST_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_object (&self->connection);
  g_free (self->host);
  g_free (self->fingerprint);
  g_free (self->pinned);

  G_OBJECT_CLASS (ferry_trust_dialog_parent_class)->finalize (object);
}

static void
ferry_trust_dialog_class_init (FerryTrustDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ferry_trust_dialog_dispose;
  object_class->finalize = ferry_trust_dialog_finalize;
  window_class->close_request = ferry_trust_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-trust-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, accept_button);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, icon);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, body_label);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, fingerprint_row);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, pinned_row);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, subject_row);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, issuer_row);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, validity_row);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, replace_expander);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, replace_label);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, replace_error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_row_changed_cb);

  /**
   * FerryTrustDialog::replaced:
   * @connection: the connection that was refused
   *
   * The user replaced the trusted certificate. A handler that returns TRUE
   * connects again itself; otherwise the dialog reopens @connection.
   */
  signals [REPLACED] =
    g_signal_new ("replaced",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  g_signal_accumulator_true_handled, NULL,
                  NULL,
                  G_TYPE_BOOLEAN, 1, FERRY_TYPE_CONNECTION);

  gtk_widget_class_install_action (widget_class, "trust.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "trust.reject", NULL, reject_action);
  gtk_widget_class_install_action (widget_class, "trust.replace", NULL, replace_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "trust.reject", NULL);
}

static void
ferry_trust_dialog_init (FerryTrustDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "trust.replace", FALSE);
}

FerryTrustDialog *
ferry_trust_dialog_new_for_request (GtkWindow         *parent,
                                    FerryTrustRequest *request)
{
  FerryTrustDialog *self;
  FerryCertificateInfo *info;
  g_autofree char *body = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *validity = NULL;

  g_return_val_if_fail (FERRY_IS_TRUST_REQUEST (request), NULL);

  info = ferry_trust_request_get_info (request);
  self = g_object_new (FERRY_TYPE_TRUST_DIALOG, "transient-for", parent, NULL);
  self->request = g_object_ref (request);
  self->host = g_strdup (ferry_certificate_info_get_host (info));
  self->fingerprint = g_strdup (ferry_certificate_info_get_fingerprint (info));

  gtk_window_set_title (GTK_WINDOW (self), _("New Certificate"));
  adw_window_title_set_title (self->window_title, _("New Certificate"));
  adw_window_title_set_subtitle (self->window_title, self->host);
  gtk_button_set_label (self->cancel_button, _("_Cancel"));
  gtk_image_set_from_icon_name (self->icon, "channel-insecure-symbolic");
  gtk_label_set_label (self->heading_label, _("Trust This Server?"));
  /* Translators: %s is "address:port" */
  body = g_strdup_printf (_("Ferry has not connected to %s before. Make sure that this is your server: "
                            "compare the fingerprint below with the one the server shows. On the server’s "
                            "console, run: openssl x509 -noout -fingerprint -sha256 -in /etc/xensource/xapi-ssl.pem"),
                          self->host);
  gtk_label_set_label (self->body_label, body);

  fingerprint = format_fingerprint (self->fingerprint);
  set_row (self->fingerprint_row, fingerprint);
  set_row (self->subject_row, ferry_certificate_info_get_subject (info));
  set_row (self->issuer_row, ferry_certificate_info_get_issuer (info));
  validity = format_validity (info);
  set_row (self->validity_row, validity);

  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->cancel_button));
  return self;
}

static char *
host_key_for_address (const char *address)
{
  g_autofree char *uri_text = NULL;
  g_autoptr(GUri) uri = NULL;

  if (address == NULL)
    return NULL;
  uri_text = strstr (address, "://") ? g_strdup (address) : g_strconcat ("https://", address, NULL);
  uri = g_uri_parse (uri_text, G_URI_FLAGS_NONE, NULL);
  return uri ? ferry_host_key_from_uri (uri) : NULL;
}

FerryTrustDialog *
ferry_trust_dialog_new_for_changed (GtkWindow       *parent,
                                    FerryConnection *connection)
{
  FerryTrustDialog *self;
  FerryTrustStore *store;
  FerryCertificateInfo *info;
  g_autofree char *body = NULL;
  g_autofree char *pinned_text = NULL;
  g_autofree char *presented_text = NULL;
  g_autofree char *validity = NULL;

  g_return_val_if_fail (FERRY_IS_CONNECTION (connection), NULL);

  store = ferry_connection_get_trust_store (connection);
  info = ferry_connection_get_refused_certificate (connection);
  self = g_object_new (FERRY_TYPE_TRUST_DIALOG, "transient-for", parent, NULL);
  self->changed = TRUE;
  self->store = store ? g_object_ref (store) : NULL;
  self->connection = g_object_ref (connection);

  /* Which pin was broken (the address's, the master's or a member's) and
   * both fingerprints come with the refusal. */
  if (info != NULL)
    {
      self->host = g_strdup (ferry_certificate_info_get_host (info));
      self->fingerprint = g_strdup (ferry_certificate_info_get_fingerprint (info));
      self->pinned = g_strdup (ferry_certificate_info_get_pinned_fingerprint (info));
    }
  else
    self->host = host_key_for_address (ferry_connection_get_address (connection));
  if (self->pinned == NULL && self->host != NULL && store != NULL)
    self->pinned = ferry_trust_store_dup_pin (store, self->host);

  gtk_window_set_title (GTK_WINDOW (self), _("Certificate Changed"));
  adw_window_title_set_title (self->window_title, _("Certificate Changed"));
  adw_window_title_set_subtitle (self->window_title, self->host);
  gtk_button_set_label (self->cancel_button, _("_Close"));
  gtk_widget_set_visible (GTK_WIDGET (self->accept_button), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "trust.accept", FALSE);
  gtk_image_set_from_icon_name (self->icon, "dialog-warning-symbolic");
  gtk_widget_add_css_class (GTK_WIDGET (self->icon), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->heading_label), "error");
  gtk_label_set_label (self->heading_label, _("Warning: Possible Impersonation"));
  /* Translators: %s is "address:port" */
  body = g_strdup_printf (_("The certificate of %s is not the one you trusted before. Someone may be "
                            "intercepting the connection and pretending to be your server. "
                            "Ferry did not connect, and will not connect while the certificate differs."),
                          self->host ? self->host : ferry_connection_get_address (connection));
  gtk_label_set_label (self->body_label, body);

  /* The old and the new fingerprint, one under the other. */
  pinned_text = format_fingerprint (self->pinned);
  set_row (self->pinned_row, pinned_text);
  presented_text = format_fingerprint (self->fingerprint);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->fingerprint_row), _("Fingerprint Presented Now"));
  set_row (self->fingerprint_row, presented_text);
  gtk_widget_add_css_class (GTK_WIDGET (self->fingerprint_row), "error");
  set_row (self->subject_row, info ? ferry_certificate_info_get_subject (info) : NULL);
  set_row (self->issuer_row, info ? ferry_certificate_info_get_issuer (info) : NULL);
  validity = info ? format_validity (info) : NULL;
  set_row (self->validity_row, validity);

  /* Replacing needs the new fingerprint as the server itself shows it. */
  gtk_widget_set_visible (GTK_WIDGET (self->replace_expander), self->store != NULL && self->fingerprint != NULL);
  gtk_label_set_label (self->replace_label,
                       _("Only if you replaced the server’s certificate yourself (for example after "
                         "reinstalling it). On the server’s console, run: "
                         "openssl x509 -noout -fingerprint -sha256 -in /etc/xensource/xapi-ssl.pem "
                         "and type or paste the fingerprint it prints below. Ferry then trusts the new "
                         "certificate instead of the old one."));

  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->cancel_button));
  return self;
}

gboolean
ferry_trust_dialog_get_changed (FerryTrustDialog *self)
{
  g_return_val_if_fail (FERRY_IS_TRUST_DIALOG (self), FALSE);
  return self->changed;
}

const char *
ferry_trust_dialog_get_host (FerryTrustDialog *self)
{
  g_return_val_if_fail (FERRY_IS_TRUST_DIALOG (self), NULL);
  return self->host;
}

const char *
ferry_trust_dialog_get_fingerprint (FerryTrustDialog *self)
{
  g_return_val_if_fail (FERRY_IS_TRUST_DIALOG (self), NULL);
  return self->fingerprint;
}

const char *
ferry_trust_dialog_get_pinned_fingerprint (FerryTrustDialog *self)
{
  g_return_val_if_fail (FERRY_IS_TRUST_DIALOG (self), NULL);
  return self->pinned;
}

gboolean
ferry_trust_dialog_replace (FerryTrustDialog *self,
                            const char       *typed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryConnection) connection = NULL;
  gboolean handled = FALSE;

  g_return_val_if_fail (FERRY_IS_TRUST_DIALOG (self), FALSE);

  if (!self->changed || self->store == NULL || self->host == NULL || !confirmed (self, typed))
    return FALSE;

  /* The user checked the new certificate on the server: it replaces the old pin. */
  if (!ferry_trust_store_pin (self->store, self->host, self->fingerprint, &error))
    {
      ferry_set_label_text (self->replace_error_label, error->message);
      return FALSE;
    }
  g_debug ("Replaced the trusted certificate of %s", self->host);

  connection = g_object_ref (self->connection);
  g_signal_emit (self, signals [REPLACED], 0, connection, &handled);
  if (!handled && ferry_connection_has_password (connection) &&
      ferry_connection_get_state (connection) == FERRY_CONNECTION_STATE_FAILED)
    ferry_connection_open_async (connection, NULL, on_reopened_cb, NULL);

  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

gboolean
ferry_trust_dialog_can_accept (FerryTrustDialog *self)
{
  g_return_val_if_fail (FERRY_IS_TRUST_DIALOG (self), FALSE);
  return !self->changed && gtk_widget_get_visible (GTK_WIDGET (self->accept_button));
}

void
ferry_trust_dialog_respond (FerryTrustDialog *self,
                            gboolean          accept)
{
  g_return_if_fail (FERRY_IS_TRUST_DIALOG (self));

  if (accept && self->changed)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), accept ? "trust.accept" : "trust.reject", NULL);
}
