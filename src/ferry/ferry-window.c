/* ferry-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-connect-dialog.h"
#include "ferry-details-view.h"
#include "ferry-error.h"
#include "ferry-flow-actions.h"
#include "ferry-gtk-compat.h"
#include "ferry-history-dialog.h"
#include "ferry-operations-panel.h"
#include "ferry-queue.h"
#include "ferry-recovery.h"
#include "ferry-ui-utils.h"
#include "ferry-vdi.h"
#include "ferry-resource-tree.h"
#include "ferry-trust-dialog.h"
#include "ferry-window.h"

/* A move that took this long is worth a notification when it ends. */
#define LONG_OPERATION_S 10.0
/* At most one announcement this often (ms): the rest are folded in. */
#define ANNOUNCE_INTERVAL_MS 2000

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
  GtkToggleButton        *operations_button;
  GtkLabel               *badge;
  GtkRevealer            *operations_revealer;
  FerryOperationsPanel   *operations;

  /* Owned references */
  FerryConnectionManager *manager;
  FerryQueue             *queue;
  GHashTable             *warned;  /* connection → the GError it was warned about */
  GCancellable           *cancellable;
  guint                   inhibit_cookie;
  gboolean                inhibit_wanted;
  char                   *pending_announcement;
  guint                   announce_id;
  gint64                  last_announced;
  gboolean                operations_visible;
  gboolean                demo;
  gboolean                close_confirmed;
};

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_QUEUE,
  PROP_DEMO,
  PROP_OPERATIONS_VISIBLE,
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

/* Announcements: GTK 4.8 has no way to announce, so the text goes to the
 * operations button's description (ferry-gtk-compat.c), at most once every
 * ANNOUNCE_INTERVAL_MS; what comes in between replaces what waits. */

static gboolean
announce_cb (gpointer user_data)
{
  FerryWindow *self = user_data;

  self->announce_id = 0;
  if (self->pending_announcement != NULL)
    {
      ferry_gtk_compat_announce (GTK_WIDGET (self->operations_button), self->pending_announcement);
      g_clear_pointer (&self->pending_announcement, g_free);
      self->last_announced = g_get_monotonic_time ();
    }
  return G_SOURCE_REMOVE;
}

static void
announce (FerryWindow *self,
          const char  *text)
{
  gint64 since = (g_get_monotonic_time () - self->last_announced) / 1000;

  g_free (self->pending_announcement);
  self->pending_announcement = g_strdup (text);
  if (self->announce_id == 0)
    self->announce_id = g_timeout_add (since >= ANNOUNCE_INTERVAL_MS ? 0 : ANNOUNCE_INTERVAL_MS - since,
                                       announce_cb, self);
}

/* A saved connection refused for a changed certificate: warn, once per failure. */
static void
on_connection_state_cb (FerryConnection *connection,
                        GParamSpec      *pspec,
                        FerryWindow     *self)
{
  const GError *error = ferry_connection_get_error (connection);
  FerryTrustDialog *dialog;

  /* Say it, once per change of state (not each second of a countdown). */
  if (pspec != NULL)
    {
      g_autofree char *state = ferry_connection_dup_state_text (connection);
      /* Translators: a server and its state: "Production: Reconnecting in 4 s" */
      g_autofree char *text = g_strdup_printf (_("%s: %s"), ferry_connection_get_title (connection), state);

      announce (self, text);
    }

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

/* Operations */

static void
update_inhibit (FerryWindow *self,
                gboolean     wanted)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  self->inhibit_wanted = wanted;
  /* Suspending now would break the running migrations. */
  if (wanted && self->inhibit_cookie == 0 && application != NULL)
    self->inhibit_cookie = gtk_application_inhibit (application, GTK_WINDOW (self),
                                                    GTK_APPLICATION_INHIBIT_SUSPEND,
                                                    _("Virtual machines are being migrated"));
  else if (!wanted && self->inhibit_cookie != 0)
    {
      if (application != NULL)
        gtk_application_uninhibit (application, self->inhibit_cookie);
      self->inhibit_cookie = 0;
    }
}

static void
on_operations_changed_cb (FerryWindow *self)
{
  guint unfinished, running, failed;
  const char *summary = ferry_operations_panel_get_summary (self->operations);
  g_autofree char *count = NULL;
  g_autofree char *label = NULL;

  ferry_operations_panel_get_counts (self->operations, &unfinished, &running, &failed);

  /* The badge: how many moves are not done, or "!" for failures. */
  if (unfinished > 0)
    count = g_strdup_printf ("%u", unfinished);
  else if (failed > 0)
    count = g_strdup ("!");
  gtk_label_set_label (self->badge, count ? count : "");
  gtk_widget_set_visible (GTK_WIDGET (self->badge), count != NULL);
  if (unfinished == 0 && failed > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->badge), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->badge), "error");

  /* Translators: the operations button's name with what runs, e.g. "Operations: 2 running" */
  label = summary ? g_strdup_printf (_("Operations: %s"), summary) : g_strdup (_("Operations"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->operations_button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (summary != NULL)
    announce (self, label);

  update_inhibit (self, unfinished > 0);
}

static void
on_job_finished_cb (FerryQueue  *queue,
                    FerryJob    *job,
                    FerryWindow *self)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  FerryJobState state = ferry_job_get_state (job);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  /* Only long moves, and only when the user looks elsewhere. */
  if (application == NULL || gtk_window_is_active (GTK_WINDOW (self)) ||
      ferry_job_get_duration (job) < LONG_OPERATION_S)
    return;

  if (state == FERRY_JOB_SUCCEEDED)
    /* Translators: %s is a VM */
    title = g_strdup_printf (_("%s moved"), ferry_job_get_vm_name (job));
  else if (state == FERRY_JOB_FAILED)
    title = g_strdup_printf (_("%s did not move"), ferry_job_get_vm_name (job));
  else
    title = g_strdup_printf (_("Moving %s was cancelled"), ferry_job_get_vm_name (job));

  if (state == FERRY_JOB_FAILED && ferry_job_get_location (job) != NULL)
    body = g_strdup (ferry_job_get_location (job)->text);
  else
    /* Translators: where a VM went: "prod-host-01 → prod-host-02" */
    body = g_strdup_printf (_("%s → %s"), ferry_job_get_from (job), ferry_job_get_to (job));

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  if (state == FERRY_JOB_FAILED)
    g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  id = g_strdup_printf ("job-%s", ferry_job_get_id (job));
  g_application_send_notification (application, id, notification);
}

static void
show_toast (FerryWindow *self,
            const char  *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
show_operations_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  ferry_window_set_operations_visible (FERRY_WINDOW (widget), TRUE);
}

/* The History window: past moves, also those before a restart. */
static void
show_history_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  ferry_history_dialog_present (FERRY_WINDOW (widget));
}

/* A quick migration within the pool, as planned by the engine: the VM
 * goes to the host, its disks stay (O1). */
static void
migrate_to_host_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  const char *vm_uuid, *host_uuid;
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  FerryObject *vm, *host;
  FerryCheck *blocker;

  g_variant_get (param, "(&s&s)", &vm_uuid, &host_uuid);
  vm = ferry_window_lookup_object (self, vm_uuid, NULL);
  host = ferry_window_lookup_object (self, host_uuid, NULL);
  if (!FERRY_IS_VM (vm) || !FERRY_IS_HOST (host))
    {
      show_toast (self, _("The VM or the host is gone."));
      return;
    }

  request = ferry_move_request_new_for_vm (FERRY_VM (vm));
  ferry_move_request_set_destination_host (request, FERRY_HOST (host));
  plan = ferry_plan_new (request, G_LIST_MODEL (self->manager), NULL, &error);
  if (plan == NULL)
    {
      /* Translators: %s says why */
      text = g_strdup_printf (_("Cannot migrate: %s"), error->message);
      show_toast (self, text);
      return;
    }

  blocker = ferry_plan_item_get_blocker (ferry_plan_get_item (plan, 0));
  if (blocker != NULL)
    {
      /* Translators: the VM cannot go: "Cannot migrate web-01: R17: …" */
      text = g_strdup_printf (_("Cannot migrate %s: %s: %s"), ferry_object_get_display_name (vm),
                              ferry_check_get_rule_id (blocker), ferry_check_get_message (blocker));
      show_toast (self, text);
      return;
    }

  jobs = ferry_queue_add_plan (self->queue, plan);
  /* Translators: a VM and a host */
  text = g_strdup_printf (_("Migrating %s to %s"), ferry_object_get_display_name (vm),
                          ferry_object_get_display_name (host));
  show_toast (self, text);
}

static void
on_vm_call_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FerryWindow) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: %s says why */
      g_autofree char *text = g_strdup_printf (_("The VM could not be resumed: %s"), error->message);

      show_toast (self, text);
    }
}

/* R29: a VM a failure left paused runs again where it is (VM.unpause);
 * a suspended one is resumed (VM.resume). */
static void
resume_vm (FerryWindow *self,
           const char  *uuid,
           gboolean     unpause_only)
{
  FerryConnection *connection = NULL;
  FerryObject *vm = ferry_window_lookup_object (self, uuid, &connection);
  FerryVmPowerState state;
  const char *ref;

  if (!FERRY_IS_VM (vm))
    return;
  state = ferry_vm_get_power_state (FERRY_VM (vm));
  ref = ferry_object_get_ref (vm);
  if (state == FERRY_VM_POWER_STATE_PAUSED)
    ferry_connection_call_async (connection, "VM.unpause", g_variant_new ("(s)", ref), FERRY_CALL_NONE,
                                 self->cancellable, on_vm_call_cb, g_object_ref (self));
  else if (state == FERRY_VM_POWER_STATE_SUSPENDED && !unpause_only)
    ferry_connection_call_async (connection, "VM.resume", g_variant_new ("(sbb)", ref, FALSE, FALSE),
                                 FERRY_CALL_NONE, self->cancellable, on_vm_call_cb, g_object_ref (self));
  else
    show_toast (self, unpause_only ? _("The VM is not paused.") : _("The VM is neither paused nor suspended."));
}

static void
resume_vm_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  resume_vm (FERRY_WINDOW (widget), g_variant_get_string (param, NULL), FALSE);
}

static void
unpause_vm_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  resume_vm (FERRY_WINDOW (widget), g_variant_get_string (param, NULL), TRUE);
}

/* Shortcuts act on the selection through the object actions. */
static gboolean
selection_shortcut_cb (GtkWidget *widget,
                       GVariant  *args,
                       gpointer   user_data)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  GObject *item = ferry_resource_tree_get_selected_item (self->tree);
  const char *what = g_variant_get_string (args, NULL);
  const char *uuid;
  const char *uuids[2] = { NULL, NULL };

  if (!FERRY_IS_OBJECT (item))
    return FALSE;
  uuid = uuids[0] = ferry_object_get_uuid (FERRY_OBJECT (item));

  if (g_str_equal (what, "migrate") && FERRY_IS_VM (item))
    return gtk_widget_activate_action (widget, "win.migrate-wizard", "^as", uuids);
  if (g_str_equal (what, "move") && FERRY_IS_VM (item))
    return gtk_widget_activate_action (widget, "win.move-vm", "^as", uuids);
  if (g_str_equal (what, "move") && FERRY_IS_VDI (item))
    return gtk_widget_activate_action (widget, "win.move-disks", "^as", uuids);
  if (g_str_equal (what, "evacuate") && FERRY_IS_HOST (item))
    return gtk_widget_activate_action (widget,
                                       ferry_host_get_enabled (FERRY_HOST (item)) ? "win.evacuate-host"
                                                                                  : "win.exit-maintenance",
                                       "s", uuid);
  if (g_str_equal (what, "resume") && FERRY_IS_VM (item))
    return gtk_widget_activate_action (widget, "win.resume-vm", "s", uuid);
  return FALSE;
}

static void
ferry_window_constructed (GObject *object)
{
  FerryWindow *self = FERRY_WINDOW (object);

  G_OBJECT_CLASS (ferry_window_parent_class)->constructed (object);

  gtk_revealer_set_reveal_child (self->demo_revealer, self->demo);
  if (self->queue == NULL && self->manager != NULL)
    self->queue = ferry_queue_new (G_LIST_MODEL (self->manager), NULL, NULL);
  if (self->queue != NULL)
    {
      ferry_operations_panel_set_queue (self->operations, self->queue);
      g_signal_connect_object (self->queue, "job-finished", G_CALLBACK (on_job_finished_cb), self, 0);
    }
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
ferry_window_dispose (GObject *object)
{
  FerryWindow *self = FERRY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->announce_id, g_source_remove);
  update_inhibit (self, FALSE);

  G_OBJECT_CLASS (ferry_window_parent_class)->dispose (object);
}

static void
ferry_window_finalize (GObject *object)
{
  FerryWindow *self = FERRY_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending_announcement, g_free);

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
    case PROP_OPERATIONS_VISIBLE:
      g_value_set_boolean (value, ferry_window_get_operations_visible (self));
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
    case PROP_OPERATIONS_VISIBLE:
      ferry_window_set_operations_visible (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_close_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      FerryWindow      *self)
{
  if (g_str_equal (response, "close"))
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

/* Asks before closing leaves moves unfinished (only a demo's simulated
 * moves end with the window). */
static gboolean
ferry_window_close_request (GtkWindow *window)
{
  FerryWindow *self = FERRY_WINDOW (window);
  guint n = self->queue ? ferry_queue_get_n_unfinished (self->queue) : 0;
  AdwMessageDialog *dialog;

  if (self->close_confirmed || self->demo || n == 0)
    return GTK_WINDOW_CLASS (ferry_window_parent_class)->close_request (window);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Quit With Unfinished Moves?"), NULL));
  adw_message_dialog_format_body (dialog,
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "%u move is unfinished. A running migration continues on its "
                                               "server, and Ferry follows it again when you open Ferry next; a "
                                               "move that has not started yet starts then.",
                                               "%u moves are unfinished. Running migrations continue on their "
                                               "servers, and Ferry follows them again when you open Ferry next; "
                                               "moves that have not started yet start then.",
                                               n),
                                  n);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Keep Ferry Open"), "close", _("_Quit"), NULL);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
ferry_window_class_init (FerryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = ferry_window_constructed;
  object_class->dispose = ferry_window_dispose;
  object_class->finalize = ferry_window_finalize;
  object_class->get_property = ferry_window_get_property;
  object_class->set_property = ferry_window_set_property;
  window_class->close_request = ferry_window_close_request;

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
  properties [PROP_OPERATIONS_VISIBLE] =
    g_param_spec_boolean ("operations-visible", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FERRY_TYPE_RESOURCE_TREE);
  g_type_ensure (FERRY_TYPE_DETAILS_VIEW);
  g_type_ensure (FERRY_TYPE_OPERATIONS_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, demo_revealer);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, tree);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, details);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, operations_button);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, badge);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, operations_revealer);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, operations);
  gtk_widget_class_bind_template_callback (widget_class, on_tree_selected_item_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_operations_changed_cb);

  gtk_widget_class_install_action (widget_class, "win.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "win.connect-to", "s", connect_to_action);
  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.focus-tree", NULL, focus_tree_action);
  gtk_widget_class_install_property_action (widget_class, "win.operations-visible", "operations-visible");
  gtk_widget_class_install_action (widget_class, "win.show-operations", NULL, show_operations_action);
  gtk_widget_class_install_action (widget_class, "win.show-history", NULL, show_history_action);
  gtk_widget_class_install_action (widget_class, "win.migrate-to-host", "(ss)", migrate_to_host_action);
  gtk_widget_class_install_action (widget_class, "win.resume-vm", "s", resume_vm_action);
  gtk_widget_class_install_action (widget_class, "win.unpause-vm", "s", unpause_vm_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.connect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.reconnect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.reconnect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.focus-tree", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.operations-visible", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK, "win.show-history", NULL);
  /* The object actions, for the selected row (listed in the shortcuts window). */
  gtk_widget_class_add_binding (widget_class, GDK_KEY_m, GDK_CONTROL_MASK, selection_shortcut_cb, "s", "migrate");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_m, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                selection_shortcut_cb, "s", "move");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, selection_shortcut_cb, "s", "evacuate");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                selection_shortcut_cb, "s", "resume");

  ferry_flow_actions_install (widget_class);
}

static void
ferry_window_init (FerryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->warned = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();
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

gboolean
ferry_window_get_operations_visible (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), FALSE);
  return self->operations_visible;
}

void
ferry_window_set_operations_visible (FerryWindow *self,
                                     gboolean     visible)
{
  g_return_if_fail (FERRY_IS_WINDOW (self));

  if (self->operations_visible == !!visible)
    return;
  self->operations_visible = !!visible;
  if (self->operations_revealer != NULL)
    gtk_revealer_set_reveal_child (self->operations_revealer, visible);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_OPERATIONS_VISIBLE]);
}

FerryOperationsPanel *
ferry_window_get_operations (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), NULL);
  return self->operations;
}

gboolean
ferry_window_get_suspend_inhibited (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), FALSE);
  return self->inhibit_wanted;
}

const char *
ferry_window_get_badge (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->badge)) ? gtk_label_get_label (self->badge) : NULL;
}
