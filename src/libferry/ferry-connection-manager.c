/* ferry-connection-manager.c
 *
 * Keeps every connection of the user (several pools and standalone hosts
 * at once, each its own FerryConnection with its own sessions) and saves
 * the list whenever it or a pool's member list changes, so that fail-over
 * works after a restart too. The file holds no secret: passwords are in the
 * keyring, session refs only in memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-connection-manager"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ferry-connection-manager.h"
#include "ferry-connection-private.h"
#include "ferry-error.h"

#define GROUP_PREFIX "connection "

struct _FerryConnectionManager
{
  GObject    parent_instance;

  char      *path;
  GPtrArray *connections;
  guint      save_id;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FerryConnectionManager, ferry_connection_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  TRUST_REQUEST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
get_item_type (GListModel *model)
{
  return FERRY_TYPE_CONNECTION;
}

static guint
get_n_items (GListModel *model)
{
  return FERRY_CONNECTION_MANAGER (model)->connections->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  FerryConnectionManager *self = FERRY_CONNECTION_MANAGER (model);

  if (position >= self->connections->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->connections, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static gboolean
on_save_cb (gpointer user_data)
{
  FerryConnectionManager *self = user_data;
  g_autoptr(GError) error = NULL;

  self->save_id = 0;
  if (!ferry_connection_manager_save (self, &error))
    g_warning ("%s", error->message);
  return G_SOURCE_REMOVE;
}

static void
queue_save (FerryConnectionManager *self)
{
  if (self->save_id == 0)
    self->save_id = g_idle_add (on_save_cb, self);
}

static void
on_connection_changed_cb (FerryConnection        *connection,
                          GParamSpec             *pspec,
                          FerryConnectionManager *self)
{
  queue_save (self);
}

static gboolean
on_trust_request_cb (FerryConnection        *connection,
                     FerryTrustRequest      *request,
                     FerryConnectionManager *self)
{
  gboolean handled = FALSE;

  g_signal_emit (self, signals[TRUST_REQUEST], 0, connection, request, &handled);
  return handled;
}

static void
watch (FerryConnectionManager *self,
       FerryConnection        *connection)
{
  g_signal_connect_object (connection, "notify::members", G_CALLBACK (on_connection_changed_cb), self, 0);
  g_signal_connect_object (connection, "notify::pool-name", G_CALLBACK (on_connection_changed_cb), self, 0);
  g_signal_connect_object (connection, "trust-request", G_CALLBACK (on_trust_request_cb), self, 0);
}

static void
unwatch (FerryConnectionManager *self,
         FerryConnection        *connection)
{
  g_signal_handlers_disconnect_by_data (connection, self);
}

static void
ferry_connection_manager_dispose (GObject *object)
{
  FerryConnectionManager *self = (FerryConnectionManager *)object;

  if (self->save_id != 0)
    {
      g_clear_handle_id (&self->save_id, g_source_remove);
      on_save_cb (self);
    }

  if (self->connections != NULL)
    for (guint i = 0; i < self->connections->len; i++)
      unwatch (self, g_ptr_array_index (self->connections, i));
  g_clear_pointer (&self->connections, g_ptr_array_unref);

  G_OBJECT_CLASS (ferry_connection_manager_parent_class)->dispose (object);
}

static void
ferry_connection_manager_finalize (GObject *object)
{
  FerryConnectionManager *self = (FerryConnectionManager *)object;

  g_free (self->path);

  G_OBJECT_CLASS (ferry_connection_manager_parent_class)->finalize (object);
}

static void
ferry_connection_manager_class_init (FerryConnectionManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_connection_manager_dispose;
  object_class->finalize = ferry_connection_manager_finalize;

  signals[TRUST_REQUEST] =
    g_signal_new ("trust-request",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  g_signal_accumulator_true_handled, NULL,
                  NULL,
                  G_TYPE_BOOLEAN, 2, FERRY_TYPE_CONNECTION, FERRY_TYPE_TRUST_REQUEST);
}

static void
ferry_connection_manager_init (FerryConnectionManager *self)
{
  self->connections = g_ptr_array_new_with_free_func (g_object_unref);
}

FerryConnectionManager *
ferry_connection_manager_new (const char *path)
{
  FerryConnectionManager *self = g_object_new (FERRY_TYPE_CONNECTION_MANAGER, NULL);

  self->path = path != NULL ? g_strdup (path)
                            : g_build_filename (g_get_user_config_dir (), "ferry", "connections.ini", NULL);
  return self;
}

const char *
ferry_connection_manager_get_path (FerryConnectionManager *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION_MANAGER (self), NULL);
  return self->path;
}

static void
append (FerryConnectionManager *self,
        FerryConnection        *connection)
{
  watch (self, connection);
  g_ptr_array_add (self->connections, g_object_ref (connection));
  g_list_model_items_changed (G_LIST_MODEL (self), self->connections->len - 1, 0, 1);
}

FerryConnection *
ferry_connection_manager_add (FerryConnectionManager *self,
                              const char             *address,
                              const char             *username,
                              FerryTransport          transport)
{
  g_autoptr(FerryConnection) connection = NULL;

  g_return_val_if_fail (FERRY_IS_CONNECTION_MANAGER (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  connection = ferry_connection_new (address, username, transport);
  ferry_connection_manager_add_connection (self, connection);
  return connection;
}

void
ferry_connection_manager_add_connection (FerryConnectionManager *self,
                                         FerryConnection        *connection)
{
  g_return_if_fail (FERRY_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (FERRY_IS_CONNECTION (connection));

  if (g_ptr_array_find (self->connections, connection, NULL))
    return;

  append (self, connection);
  queue_save (self);
}

void
ferry_connection_manager_remove (FerryConnectionManager *self,
                                 FerryConnection        *connection)
{
  guint position;

  g_return_if_fail (FERRY_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (FERRY_IS_CONNECTION (connection));

  if (!g_ptr_array_find (self->connections, connection, &position))
    return;

  unwatch (self, connection);
  if (ferry_connection_get_state (connection) != FERRY_CONNECTION_STATE_DISCONNECTED)
    ferry_connection_close_async (connection, NULL, NULL, NULL);
  g_ptr_array_remove_index (self->connections, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  queue_save (self);
}

FerryConnection *
ferry_connection_manager_lookup (FerryConnectionManager *self,
                                 const char             *id)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION_MANAGER (self), NULL);

  for (guint i = 0; i < self->connections->len; i++)
    {
      FerryConnection *connection = g_ptr_array_index (self->connections, i);

      if (g_strcmp0 (ferry_connection_get_id (connection), id) == 0)
        return connection;
    }
  return NULL;
}

FerryConnection *
ferry_connection_manager_find (FerryConnectionManager *self,
                               const char             *address,
                               const char             *username)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION_MANAGER (self), NULL);

  for (guint i = 0; i < self->connections->len; i++)
    {
      FerryConnection *connection = g_ptr_array_index (self->connections, i);

      if (g_strcmp0 (ferry_connection_get_address (connection), address) == 0 &&
          (username == NULL || g_strcmp0 (ferry_connection_get_username (connection), username) == 0))
        return connection;
    }
  return NULL;
}

gboolean
ferry_connection_manager_save (FerryConnectionManager  *self,
                               GError                 **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  gsize len;

  g_return_val_if_fail (FERRY_IS_CONNECTION_MANAGER (self), FALSE);

  g_key_file_set_comment (file, NULL, NULL,
                          " Servers Ferry connects to. Passwords are kept in the keyring, not here.",
                          NULL);

  for (guint i = 0; i < self->connections->len; i++)
    {
      FerryConnection *connection = g_ptr_array_index (self->connections, i);
      g_autofree char *group = g_strconcat (GROUP_PREFIX, ferry_connection_get_id (connection), NULL);
      const char * const *members = ferry_connection_get_members (connection);

      g_key_file_set_string (file, group, "address", ferry_connection_get_address (connection));
      g_key_file_set_string (file, group, "username", ferry_connection_get_username (connection));
      g_key_file_set_string (file, group, "transport",
                             ferry_connection_get_transport (connection) == FERRY_TRANSPORT_HTTP ? "http" : "https");
      if (ferry_connection_get_pool_name (connection) != NULL)
        g_key_file_set_string (file, group, "name", ferry_connection_get_pool_name (connection));
      if (members[0] != NULL)
        g_key_file_set_string_list (file, group, "members", members, g_strv_length ((char **) members));
    }

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not create %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  data = g_key_file_to_data (file, &len, NULL);
  g_debug ("Saving %u connections to %s", self->connections->len, self->path);
  return g_file_set_contents_full (self->path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
ferry_connection_manager_load (FerryConnectionManager  *self,
                               GError                 **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;
  guint removed;

  g_return_val_if_fail (FERRY_IS_CONNECTION_MANAGER (self), FALSE);

  if (!g_key_file_load_from_file (file, self->path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Could not read the list of servers: "));
      return FALSE;
    }

  removed = self->connections->len;
  for (guint i = 0; i < self->connections->len; i++)
    unwatch (self, g_ptr_array_index (self->connections, i));
  g_ptr_array_set_size (self->connections, 0);

  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *address = NULL;
      g_autofree char *username = NULL;
      g_autofree char *transport = NULL;
      g_autofree char *name = NULL;
      g_auto(GStrv) members = NULL;
      g_autoptr(FerryConnection) connection = NULL;

      if (!g_str_has_prefix (groups[i], GROUP_PREFIX))
        continue;
      address = g_key_file_get_string (file, groups[i], "address", NULL);
      if (address == NULL)
        continue;
      username = g_key_file_get_string (file, groups[i], "username", NULL);
      transport = g_key_file_get_string (file, groups[i], "transport", NULL);
      members = g_key_file_get_string_list (file, groups[i], "members", NULL, NULL);
      name = g_key_file_get_string (file, groups[i], "name", NULL);

      connection = g_object_new (FERRY_TYPE_CONNECTION,
                                 "id", groups[i] + strlen (GROUP_PREFIX),
                                 "address", address,
                                 "username", username ? username : "root",
                                 "transport", g_strcmp0 (transport, "http") == 0 ? FERRY_TRANSPORT_HTTP
                                                                                 : FERRY_TRANSPORT_HTTPS,
                                 NULL);
      if (members != NULL)
        ferry_connection_set_members (connection, (const char * const *) members);
      /* The tree shows the pool's name before it is reached again. */
      if (name != NULL && name[0] != '\0')
        _ferry_connection_set_pool_name (connection, name);
      watch (self, connection);
      g_ptr_array_add (self->connections, g_steal_pointer (&connection));
    }

  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->connections->len);
  return TRUE;
}

/* Restoring */

typedef struct
{
  guint pending;
  guint connected;
} Restore;

static void
restore_one_done (GTask *task)
{
  Restore *restore = g_task_get_task_data (task);

  if (--restore->pending == 0)
    g_task_return_int (task, restore->connected);
}

static void
on_restored_open_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Restore *restore = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (ferry_connection_open_finish (FERRY_CONNECTION (object), result, &error))
    restore->connected++;
  else
    g_debug ("Could not restore %s: %s", ferry_connection_get_address (FERRY_CONNECTION (object)),
             error->message);
  restore_one_done (task);
}

void
ferry_connection_manager_restore_async (FerryConnectionManager *self,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Restore *restore;

  g_return_if_fail (FERRY_IS_CONNECTION_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_connection_manager_restore_async);
  restore = g_new0 (Restore, 1);
  g_task_set_task_data (task, restore, g_free);

  if (!ferry_connection_manager_load (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* One extra count so that the task completes after the loop. Each
   * connection is CONNECTING at once, reading its password from the
   * keyring; one without a password there goes back to DISCONNECTED. */
  restore->pending = 1;
  for (guint i = 0; i < self->connections->len; i++)
    {
      FerryConnection *connection = g_ptr_array_index (self->connections, i);

      restore->pending++;
      _ferry_connection_set_use_keyring (connection, TRUE);
      ferry_connection_open_async (connection, cancellable, on_restored_open_cb, g_object_ref (task));
    }
  restore_one_done (task);
}

guint
ferry_connection_manager_restore_finish (FerryConnectionManager  *self,
                                         GAsyncResult            *result,
                                         GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize n;

  g_return_val_if_fail (FERRY_IS_CONNECTION_MANAGER (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  n = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return 0;
    }
  return (guint) n;
}

static void
on_closed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  guint *pending = g_task_get_task_data (task);

  ferry_connection_close_finish (FERRY_CONNECTION (object), result, NULL);
  if (--(*pending) == 0)
    g_task_return_boolean (task, TRUE);
}

void
ferry_connection_manager_close_all_async (FerryConnectionManager *self,
                                          GCancellable           *cancellable,
                                          GAsyncReadyCallback     callback,
                                          gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  guint *pending;

  g_return_if_fail (FERRY_IS_CONNECTION_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_connection_manager_close_all_async);
  pending = g_new0 (guint, 1);
  *pending = 1;
  g_task_set_task_data (task, pending, g_free);

  for (guint i = 0; i < self->connections->len; i++)
    {
      (*pending)++;
      ferry_connection_close_async (g_ptr_array_index (self->connections, i), NULL,
                                    on_closed_cb, g_object_ref (task));
    }

  if (--(*pending) == 0)
    g_task_return_boolean (task, TRUE);
}

gboolean
ferry_connection_manager_close_all_finish (FerryConnectionManager  *self,
                                           GAsyncResult            *result,
                                           GError                 **error)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
