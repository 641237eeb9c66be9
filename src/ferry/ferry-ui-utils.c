/* ferry-ui-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-ui-utils"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ferry-cache.h"
#include "ferry-error.h"
#include "ferry-host.h"
#include "ferry-pool.h"
#include "ferry-relay.h"
#include "ferry-ui-utils.h"

char *
ferry_format_size (gint64 bytes)
{
  if (bytes < 0)
    bytes = 0;
  return g_format_size_full ((guint64) bytes, G_FORMAT_SIZE_IEC_UNITS);
}

char *
ferry_describe_connection_error (const GError *error)
{
  if (error == NULL)
    return g_strdup (_("Unknown error"));

  if (error->domain == FERRY_XAPI_ERROR)
    {
      switch ((FerryXapiError) error->code)
        {
        case FERRY_XAPI_ERROR_SESSION_AUTHENTICATION_FAILED:
          return g_strdup (_("Wrong user name or password."));
        case FERRY_XAPI_ERROR_RBAC_PERMISSION_DENIED:
          return g_strdup (_("This user is not allowed to log in to this server."));
        case FERRY_XAPI_ERROR_HOST_STILL_BOOTING:
          return g_strdup (_("The server is still starting up. Try again in a minute."));
        case FERRY_XAPI_ERROR_HOST_IS_SLAVE:
          return g_strdup (_("This server is a pool member and its pool coordinator could not be reached."));
        default:
          /* Translators: %s is the server's own error text */
          return g_strdup_printf (_("The server refused the connection: %s"), error->message);
        }
    }

  if (error->domain == FERRY_RPC_ERROR)
    {
      switch ((FerryRpcError) error->code)
        {
        case FERRY_RPC_ERROR_CONNECTION:
        case FERRY_RPC_ERROR_CONNECTION_LOST:
        case FERRY_RPC_ERROR_NO_MASTER:
          return g_strdup (_("The server cannot be reached. Check the address and that the server is running."));
        case FERRY_RPC_ERROR_TIMEOUT:
          return g_strdup (_("The server did not answer in time."));
        case FERRY_RPC_ERROR_HTTP:
        case FERRY_RPC_ERROR_PROTOCOL:
        case FERRY_RPC_ERROR_REPLY_TOO_LARGE:
          return g_strdup (_("This is not a XenServer or XCP-ng server: it does not answer like one."));
        case FERRY_RPC_ERROR_TLS:
          return g_strdup (_("The secure (TLS) connection to the server failed."));
        case FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN:
        case FERRY_RPC_ERROR_CERTIFICATE_REJECTED:
          return g_strdup (_("The server’s certificate was not trusted."));
        case FERRY_RPC_ERROR_CERTIFICATE_CHANGED:
          return g_strdup (_("The server’s certificate has changed. Ferry refused to connect: someone may be impersonating the server."));
        case FERRY_RPC_ERROR_INSECURE:
          return g_strdup (_("The connection would not be encrypted."));
        case FERRY_RPC_ERROR_NO_CREDENTIALS:
          return g_strdup (_("No password is known for this server."));
        case FERRY_RPC_ERROR_CLOSED:
        case FERRY_RPC_ERROR_NOT_CONNECTED:
          return g_strdup (_("Not connected."));
        default:
          break;
        }
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_strdup (_("Cancelled."));

  return g_strdup (error->message);
}

const char *
ferry_describe_connection_error_short (const GError *error)
{
  if (g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_SESSION_AUTHENTICATION_FAILED))
    return _("Wrong password");
  if (g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED))
    return _("Certificate changed");
  if (g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN) ||
      g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_REJECTED))
    return _("Certificate not trusted");
  if (g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION) ||
      g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION_LOST) ||
      g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NO_MASTER) ||
      g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_TIMEOUT))
    return _("Unreachable");
  if (g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_HTTP) ||
      g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL))
    return _("Not a XenServer");
  if (g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_TLS))
    return _("TLS failure");
  return _("Failed");
}

char *
ferry_connection_dup_state_text (FerryConnection *connection)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (connection), NULL);

  switch (ferry_connection_get_state (connection))
    {
    case FERRY_CONNECTION_STATE_CONNECTING:
      return g_strdup (_("Connecting…"));
    case FERRY_CONNECTION_STATE_CONNECTED:
      if (!ferry_cache_get_populated (ferry_connection_get_cache (connection)))
        return g_strdup (_("Loading…"));
      return g_strdup (_("Connected"));
    case FERRY_CONNECTION_STATE_RECONNECTING:
      {
        guint seconds = ferry_connection_get_reconnect_in (connection);

        if (seconds > 0)
          /* Translators: %u is a number of seconds */
          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reconnecting in %u s",
                                               "Reconnecting in %u s", seconds), seconds);
        return g_strdup (_("Reconnecting…"));
      }
    case FERRY_CONNECTION_STATE_FAILED:
      return ferry_describe_connection_error (ferry_connection_get_error (connection));
    case FERRY_CONNECTION_STATE_DISCONNECTED:
    default:
      return g_strdup (_("Not connected"));
    }
}

const char *
ferry_connection_get_title (FerryConnection *connection)
{
  FerryPool *pool;

  g_return_val_if_fail (FERRY_IS_CONNECTION (connection), NULL);

  pool = ferry_cache_get_pool (ferry_connection_get_cache (connection));
  if (pool != NULL && ferry_object_get_name_label (FERRY_OBJECT (pool)) != NULL &&
      ferry_object_get_name_label (FERRY_OBJECT (pool))[0] != '\0')
    return ferry_object_get_name_label (FERRY_OBJECT (pool));
  /* A standalone host: its pool has no name. */
  if (pool != NULL)
    {
      GListModel *hosts = ferry_cache_get_objects (ferry_connection_get_cache (connection), FERRY_TYPE_HOST);

      if (g_list_model_get_n_items (hosts) == 1)
        {
          g_autoptr(FerryObject) host = g_list_model_get_item (hosts, 0);
          const char *name = ferry_object_get_name_label (host);

          if (name != NULL && name[0] != '\0')
            return name;
        }
    }
  if (ferry_connection_get_pool_name (connection) != NULL &&
      ferry_connection_get_pool_name (connection)[0] != '\0')
    return ferry_connection_get_pool_name (connection);
  return ferry_connection_get_display_address (connection);
}

FerryHost *
ferry_connection_get_standalone_host (FerryConnection *connection)
{
  FerryCache *cache;
  FerryPool *pool;
  GListModel *hosts;
  g_autoptr(FerryHost) host = NULL;
  const char *name;

  g_return_val_if_fail (FERRY_IS_CONNECTION (connection), NULL);

  cache = ferry_connection_get_cache (connection);
  pool = ferry_cache_get_pool (cache);
  if (pool == NULL)
    return NULL;
  name = ferry_object_get_name_label (FERRY_OBJECT (pool));
  if (name != NULL && name[0] != '\0')
    return NULL;
  hosts = ferry_cache_get_objects (cache, FERRY_TYPE_HOST);
  if (g_list_model_get_n_items (hosts) != 1)
    return NULL;
  host = g_list_model_get_item (hosts, 0);
  /* The cache keeps it. */
  return host;
}

const char *
ferry_connection_get_display_address (FerryConnection *connection)
{
  static GQuark quark;
  const char *address = ferry_connection_get_address (connection);
  const char *start = strstr (address, "://");
  char *display;

  if (quark == 0)
    quark = g_quark_from_static_string ("ferry-display-address");
  display = g_object_get_qdata (G_OBJECT (connection), quark);
  if (display != NULL)
    return display;

  display = g_strdup (start ? start + 3 : address);
  if (g_str_has_suffix (display, "/"))
    display[strlen (display) - 1] = '\0';
  g_object_set_qdata_full (G_OBJECT (connection), quark, display, g_free);
  return display;
}

gboolean
ferry_vm_is_listed (FerryVm *vm)
{
  return !ferry_vm_get_is_a_template (vm) &&
         !ferry_vm_get_is_a_snapshot (vm) &&
         !ferry_vm_get_is_control_domain (vm);
}

const char *
ferry_vm_power_state_to_label (FerryVmPowerState state)
{
  switch (state)
    {
    case FERRY_VM_POWER_STATE_RUNNING:
      return _("Running");
    case FERRY_VM_POWER_STATE_HALTED:
      return _("Halted");
    case FERRY_VM_POWER_STATE_PAUSED:
      return _("Paused");
    case FERRY_VM_POWER_STATE_SUSPENDED:
      return _("Suspended");
    case FERRY_VM_POWER_STATE_UNKNOWN:
    default:
      return _("Unknown");
    }
}

const char *
ferry_vm_power_state_to_icon (FerryVmPowerState state)
{
  switch (state)
    {
    case FERRY_VM_POWER_STATE_RUNNING:
      return "media-playback-start-symbolic";
    case FERRY_VM_POWER_STATE_PAUSED:
      return "media-playback-pause-symbolic";
    case FERRY_VM_POWER_STATE_SUSPENDED:
      return "media-playback-pause-symbolic";
    case FERRY_VM_POWER_STATE_HALTED:
    case FERRY_VM_POWER_STATE_UNKNOWN:
    default:
      return "media-playback-stop-symbolic";
    }
}

static gboolean
is_migration (const char *operation)
{
  return g_strcmp0 (operation, "migrate_send") == 0 ||
         g_strcmp0 (operation, "pool_migrate") == 0;
}

FerryTask *
ferry_vm_get_migration_task (FerryVm *vm)
{
  g_autoptr(GHashTable) operations = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (FERRY_IS_VM (vm), NULL);

  if (ferry_object_get_n_current_operations (FERRY_OBJECT (vm)) == 0)
    return NULL;

  g_object_get (vm, "current-operations", &operations, NULL);
  if (operations == NULL)
    return NULL;

  g_hash_table_iter_init (&iter, operations);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      FerryObject *task;

      if (!is_migration (value))
        continue;
      task = ferry_object_lookup_ref (FERRY_OBJECT (vm), key);
      if (FERRY_IS_TASK (task))
        return FERRY_TASK (task);
    }
  return NULL;
}

const char *
ferry_vm_get_migration_block (FerryVm *vm)
{
  static const char *operations[] = { "migrate_send", "pool_migrate" };

  g_return_val_if_fail (FERRY_IS_VM (vm), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    {
      const char *reason = ferry_vm_lookup_blocked_operations (vm, operations[i]);

      if (reason != NULL)
        return reason[0] != '\0' ? reason : operations[i];
    }
  return NULL;
}

const char *
ferry_object_get_display_name (FerryObject *object)
{
  const char *name;

  g_return_val_if_fail (FERRY_IS_OBJECT (object), NULL);

  name = ferry_object_get_name_label (object);
  if (name == NULL || name[0] == '\0')
    return _("(unnamed)");
  return name;
}

void
ferry_set_label_text (GtkLabel   *label,
                      const char *text)
{
  gtk_label_set_label (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && text[0] != '\0');
}

GtkWidget *
ferry_info_row_new (const char *title,
                    const char *subtitle,
                    const char *icon_name)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title ? title : "");
  ferry_info_row_set_subtitle (row, subtitle);
  if (icon_name != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  return row;
}

void
ferry_info_row_set_subtitle (GtkWidget  *row,
                             const char *subtitle)
{
  g_return_if_fail (ADW_IS_ACTION_ROW (row));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle ? subtitle : "");
}

gboolean
ferry_error_is_unreachable (const GError *error)
{
  return error != NULL && ferry_relay_error_is_unreachable (error);
}

gboolean
ferry_check_is_unreachable (FerryCheck *check)
{
  g_autoptr(GError) error = NULL;

  if (check == NULL || ferry_check_get_xapi_error (check) == NULL)
    return FALSE;
  error = ferry_xapi_error_new (ferry_check_get_xapi_error (check), ferry_check_get_xapi_params (check));
  return ferry_relay_error_is_unreachable (error);
}

const char *
ferry_relay_get_shutdown_remedy (void)
{
  return _("A halted VM can still move: shut it down, and Ferry carries it through this computer instead "
           "(a relay move, slower, limited by this computer's links).");
}

void
ferry_usage_bar_init (GtkLevelBar *bar)
{
  g_return_if_fail (GTK_IS_LEVEL_BAR (bar));

  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_level_bar_add_offset_value (bar, "ferry-ok", 0.80);
  gtk_level_bar_add_offset_value (bar, "ferry-high", 0.95);
  gtk_level_bar_add_offset_value (bar, "ferry-full", 1.0);
}
