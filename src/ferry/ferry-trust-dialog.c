/* ferry-trust-dialog.c
 *
 * On first contact the user compares the SHA-256 fingerprint with the
 * server's and decides. A certificate that differs from the one trusted
 * before is never accepted from here: the dialog warns, and only lets the
 * user forget the old certificate after typing the server's address.
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
  GtkExpander       *forget_expander;
  GtkLabel          *forget_label;
  AdwEntryRow       *confirm_row;

  /* Owned references */
  FerryTrustRequest *request;
  FerryTrustStore   *store;
  char              *host;
  char              *fingerprint;
  gboolean           changed;
};

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

static gboolean
confirmed (FerryTrustDialog *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));
  g_autofree char *host_only = NULL;

  if (self->host == NULL || typed[0] == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (typed, self->host) == 0)
    return TRUE;
  /* The address without the port is good enough. */
  host_only = g_strdup (self->host);
  if (strrchr (host_only, ':') != NULL)
    *strrchr (host_only, ':') = '\0';
  return g_ascii_strcasecmp (typed, host_only) == 0;
}

static void
forget_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  FerryTrustDialog *self = FERRY_TRUST_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (!confirmed (self) || self->store == NULL)
    return;

  if (!ferry_trust_store_forget (self->store, self->host, &error))
    {
      gtk_label_set_label (self->forget_label, error->message);
      return;
    }
  g_debug ("Forgot the certificate of %s", self->host);
  finish (self, FALSE);
}

static void
on_confirm_row_changed_cb (FerryTrustDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "trust.forget", confirmed (self));
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
  g_free (self->host);
  g_free (self->fingerprint);

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
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, forget_expander);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, forget_label);
  gtk_widget_class_bind_template_child (widget_class, FerryTrustDialog, confirm_row);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_row_changed_cb);

  gtk_widget_class_install_action (widget_class, "trust.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "trust.reject", NULL, reject_action);
  gtk_widget_class_install_action (widget_class, "trust.forget", NULL, forget_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "trust.reject", NULL);
}

static void
ferry_trust_dialog_init (FerryTrustDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "trust.forget", FALSE);
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

/* The SHA-256 fingerprints ("AB:…", 95 characters) in @text. */
static GPtrArray *
find_fingerprints (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  if (text == NULL)
    return found;

  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_ptr_array_add (found, g_match_info_fetch (match, 0));
      g_match_info_next (match, NULL);
    }
  return found;
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
  const GError *error;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *pinned = NULL;
  g_autofree char *body = NULL;
  g_autofree char *forget = NULL;
  g_autofree char *pinned_text = NULL;
  g_autofree char *presented_text = NULL;
  const char * const *members;

  g_return_val_if_fail (FERRY_IS_CONNECTION (connection), NULL);

  store = ferry_connection_get_trust_store (connection);
  error = ferry_connection_get_error (connection);
  self = g_object_new (FERRY_TYPE_TRUST_DIALOG, "transient-for", parent, NULL);
  self->changed = TRUE;
  self->store = store ? g_object_ref (store) : NULL;

  /* Which pin was broken: the address's, the master's or a member's. */
  g_ptr_array_add (candidates, host_key_for_address (ferry_connection_get_address (connection)));
  g_ptr_array_add (candidates, g_strdup (ferry_connection_get_master_address (connection)));
  members = ferry_connection_get_members (connection);
  for (guint i = 0; members != NULL && members[i] != NULL; i++)
    g_ptr_array_add (candidates, host_key_for_address (members[i]));

  found = find_fingerprints (error ? error->message : NULL);
  for (guint i = 0; i < candidates->len && store != NULL; i++)
    {
      const char *key = g_ptr_array_index (candidates, i);
      g_autofree char *pin = key ? ferry_trust_store_dup_pin (store, key) : NULL;

      if (pin == NULL)
        continue;
      for (guint j = 0; j < found->len; j++)
        if (g_ascii_strcasecmp (g_ptr_array_index (found, j), pin) == 0)
          {
            g_free (self->host);
            self->host = g_strdup (key);
            g_free (pinned);
            pinned = g_strdup (pin);
          }
      if (self->host == NULL)
        {
          self->host = g_strdup (key);
          pinned = g_strdup (pin);
        }
    }
  if (self->host == NULL)
    self->host = host_key_for_address (ferry_connection_get_address (connection));
  for (guint j = 0; j < found->len; j++)
    if (pinned == NULL || g_ascii_strcasecmp (g_ptr_array_index (found, j), pinned) != 0)
      self->fingerprint = g_strdup (g_ptr_array_index (found, j));

  gtk_window_set_title (GTK_WINDOW (self), _("Certificate Changed"));
  adw_window_title_set_title (self->window_title, _("Certificate Changed"));
  adw_window_title_set_subtitle (self->window_title, self->host);
  gtk_button_set_label (self->cancel_button, _("_Close"));
  gtk_widget_set_visible (GTK_WIDGET (self->accept_button), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "trust.accept", FALSE);
  gtk_image_set_from_icon_name (self->icon, "dialog-warning-symbolic");
  gtk_widget_add_css_class (GTK_WIDGET (self->icon), "error");
  gtk_label_set_label (self->heading_label, _("Warning: Possible Impersonation"));
  /* Translators: %s is "address:port" */
  body = g_strdup_printf (_("The certificate of %s is not the one you trusted before. Someone may be "
                            "intercepting the connection and pretending to be your server. "
                            "Ferry did not connect, and will not connect while the certificate differs."),
                          self->host ? self->host : ferry_connection_get_address (connection));
  gtk_label_set_label (self->body_label, body);

  presented_text = format_fingerprint (self->fingerprint);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->fingerprint_row), _("Fingerprint Presented Now"));
  set_row (self->fingerprint_row, presented_text);
  pinned_text = format_fingerprint (pinned);
  set_row (self->pinned_row, pinned_text);
  set_row (self->subject_row, NULL);
  set_row (self->issuer_row, NULL);
  set_row (self->validity_row, NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->forget_expander), self->store != NULL && pinned != NULL);
  forget = g_strdup (_("Only if you changed the server’s certificate yourself (for example after reinstalling it): "
                       "check the new fingerprint on the server’s console first. Forgetting the old certificate "
                       "makes Ferry ask about the new one at the next connection."));
  gtk_label_set_label (self->forget_label, forget);

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
