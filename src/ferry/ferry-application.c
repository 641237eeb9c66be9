/* ferry-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-application"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-application.h"
#include "ferry-connection-manager.h"
#include "ferry-demo.h"
#include "ferry-gtk-compat.h"
#include "ferry-history.h"
#include "ferry-queue.h"
#include "ferry-window.h"

/* How long closing the connections may delay quitting. */
#define CLOSE_TIMEOUT_MS 2000

struct _FerryApplication
{
  AdwApplication          parent_instance;

  FerryConnectionManager *manager;
  FerryQueue             *queue;
  FerryDemo              *demo;
  GCancellable           *cancellable;
  GSettings              *settings;    /* NULL when the schema is not installed */
  gboolean                demo_mode;
};

G_DEFINE_FINAL_TYPE (FerryApplication, ferry_application, ADW_TYPE_APPLICATION)

static void
on_restored_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint n;

  n = ferry_connection_manager_restore_finish (FERRY_CONNECTION_MANAGER (object), result, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not restore the saved servers: %s", error->message);
  else
    g_debug ("%u saved connections reconnected", n);
}

/* The journal is read and the moves a previous run left unfinished are
 * followed again (or when their pools connect); the estimates learn the
 * rates of past moves (R28). */
static void
on_recovered_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FerryQueue *queue = FERRY_QUEUE (object);
  g_autoptr(GError) error = NULL;
  guint n;

  n = ferry_queue_recover_finish (queue, result, &error);
  if (error == NULL)
    {
      g_debug ("%u unfinished moves recovered", n);
      ferry_history_teach (ferry_queue_get_history (queue), ferry_queue_get_estimator (queue));
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not read the history: %s", error->message);
}

/* The settings, or NULL when the schema is not installed (a build run
 * without `meson devenv`): the window then simply keeps its default size. */
static GSettings *
new_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("Schema %s is not installed; window state is not kept", APP_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static void
save_window_state (FerryApplication *self,
                   GtkWindow        *window)
{
  gboolean maximized = gtk_window_is_maximized (window);

  if (self->settings == NULL)
    return;

  /* The default size follows the unmaximized size while the window lives. */
  if (!maximized)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", maximized);
}

static gboolean
on_window_close_request_cb (GtkWindow        *window,
                            FerryApplication *self)
{
  save_window_state (self, window);
  return FALSE;
}

static void
restore_window_state (FerryApplication *self,
                      GtkWindow        *window)
{
  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (window,
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (window);
  g_signal_connect_object (window, "close-request", G_CALLBACK (on_window_close_request_cb), self, 0);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));
  gboolean closing = FALSE;

  /* Through close-request: a window asks first when moves are unfinished,
   * and the application ends with its last window. */
  for (GList *l = windows; l != NULL; l = l->next)
    if (FERRY_IS_WINDOW (l->data))
      {
        gtk_window_close (l->data);
        closing = TRUE;
      }
  if (!closing)
    g_application_quit (G_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);

  ferry_gtk_compat_show_about (gtk_application_get_active_window (app), APP_ID, PACKAGE_VERSION);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
};

static int
ferry_application_handle_local_options (GApplication *application,
                                        GVariantDict *options)
{
  FerryApplication *self = FERRY_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("ferry %s\n", PACKAGE_VERSION);
      return 0;
    }

  self->demo_mode = g_variant_dict_contains (options, "demo");
  if (self->demo_mode)
    {
      /* A demo runs its own simulator: it must not hand over to a running Ferry. */
      g_application_set_flags (application, g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);
    }

  return G_APPLICATION_CLASS (ferry_application_parent_class)->handle_local_options (application, options);
}

static void
ferry_application_startup (GApplication *application)
{
  FerryApplication *self = FERRY_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (ferry_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  self->settings = new_settings ();

  if (self->demo_mode)
    {
      g_autoptr(GError) error = NULL;

      self->demo = ferry_demo_new (&error);
      if (self->demo == NULL)
        g_critical ("%s", error->message);
      else
        self->manager = g_object_ref (ferry_demo_get_manager (self->demo));
    }

  if (self->manager == NULL)
    {
      self->manager = ferry_connection_manager_new (NULL);
      ferry_connection_manager_restore_async (self->manager, self->cancellable, on_restored_cb, NULL);
    }

  {
    /* A demo keeps its history away from the real one: in its temporary
     * directory, removed when the demo ends. */
    g_autoptr(FerryHistory) history = ferry_history_new (self->demo ? ferry_demo_get_history_path (self->demo) : NULL);

    self->queue = ferry_queue_new (G_LIST_MODEL (self->manager), history, NULL);
    ferry_queue_recover_async (self->queue, self->cancellable, on_recovered_cb, NULL);
  }
}

static void
ferry_application_activate (GApplication *application)
{
  FerryApplication *self = FERRY_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (ferry_window_new (GTK_APPLICATION (self), self->manager, self->queue, self->demo != NULL));
      restore_window_state (self, window);
      if (self->demo != NULL)
        {
          g_autoptr(GError) error = NULL;

          if (!ferry_demo_connect_all (self->demo, &error))
            g_warning ("%s", error->message);
        }
    }

  gtk_window_present (window);
}

static void
on_closed_all_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  gboolean *done = user_data;

  ferry_connection_manager_close_all_finish (FERRY_CONNECTION_MANAGER (object), result, NULL);
  *done = TRUE;
}

static gboolean
on_close_timeout_cb (gpointer user_data)
{
  gboolean *done = user_data;

  *done = TRUE;
  return G_SOURCE_REMOVE;
}

static void
ferry_application_shutdown (GApplication *application)
{
  FerryApplication *self = FERRY_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);

  /* Quitting (Ctrl+Q) closes the windows without a close request. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (FERRY_IS_WINDOW (l->data))
      save_window_state (self, GTK_WINDOW (l->data));

  /* Log out, politely but briefly. */
  if (self->manager != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->manager)) > 0)
    {
      gboolean done = FALSE;
      guint timeout = g_timeout_add (CLOSE_TIMEOUT_MS, on_close_timeout_cb, &done);

      ferry_connection_manager_close_all_async (self->manager, NULL, on_closed_all_cb, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      g_clear_handle_id (&timeout, g_source_remove);
      /* The close may still call back: keep its flag valid by finishing it. */
      done = FALSE;
    }

  g_clear_object (&self->queue);
  g_clear_object (&self->manager);
  g_clear_object (&self->demo);

  G_APPLICATION_CLASS (ferry_application_parent_class)->shutdown (application);
}

static void
ferry_application_finalize (GObject *object)
{
  FerryApplication *self = FERRY_APPLICATION (object);

  g_clear_object (&self->queue);
  g_clear_object (&self->manager);
  g_clear_object (&self->demo);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ferry_application_parent_class)->finalize (object);
}

static void
ferry_application_class_init (FerryApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = ferry_application_finalize;
  app_class->handle_local_options = ferry_application_handle_local_options;
  app_class->startup = ferry_application_startup;
  app_class->activate = ferry_application_activate;
  app_class->shutdown = ferry_application_shutdown;
}

static void
ferry_application_init (FerryApplication *self)
{
  static const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Run the built-in simulator and connect to its pools"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  self->cancellable = g_cancellable_new ();
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Move virtual machines between XenServer and XCP-ng pools."));
}

FerryApplication *
ferry_application_new (void)
{
  return g_object_new (FERRY_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/ferryvm/Ferry",
                       NULL);
}

gboolean
ferry_application_get_demo (FerryApplication *self)
{
  g_return_val_if_fail (FERRY_IS_APPLICATION (self), FALSE);
  return self->demo != NULL;
}
