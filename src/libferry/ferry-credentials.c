/* ferry-credentials.c
 *
 * The keyring is the only place a password is ever written. Nothing here
 * logs a password; debug messages name the host and user only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-credentials"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "ferry-credentials.h"

static const SecretSchema credentials_schema = {
  FERRY_CREDENTIALS_SCHEMA_NAME,
  SECRET_SCHEMA_NONE,
  {
    { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

const void *
ferry_credentials_get_schema (void)
{
  return &credentials_schema;
}

static char *
make_label (const char *host,
            const char *user)
{
  /* Translators: the keyring item's label; %s are a user name and a host */
  return g_strdup_printf (_("Ferry: %s on %s"), user, host);
}

static void
on_stored_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
ferry_credentials_store_async (const char          *host,
                               const char          *user,
                               const char          *password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (host != NULL);
  g_return_if_fail (user != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_credentials_store_async);

  g_debug ("Storing the password of %s on %s", user, host);
  label = make_label (host, user);
  secret_password_store (&credentials_schema, SECRET_COLLECTION_DEFAULT, label, password,
                         cancellable, on_stored_cb, g_steal_pointer (&task),
                         "host", host, "user", user, NULL);
}

gboolean
ferry_credentials_store_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_looked_up_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
}

void
ferry_credentials_lookup_async (const char          *host,
                                const char          *user,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (host != NULL);
  g_return_if_fail (user != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_credentials_lookup_async);

  secret_password_lookup (&credentials_schema, cancellable, on_looked_up_cb, g_steal_pointer (&task),
                          "host", host, "user", user, NULL);
}

char *
ferry_credentials_lookup_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_cleared_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
ferry_credentials_clear_async (const char          *host,
                               const char          *user,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (host != NULL);
  g_return_if_fail (user != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_credentials_clear_async);

  g_debug ("Forgetting the password of %s on %s", user, host);
  secret_password_clear (&credentials_schema, cancellable, on_cleared_cb, g_steal_pointer (&task),
                         "host", host, "user", user, NULL);
}

gboolean
ferry_credentials_clear_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
ferry_credentials_store_sync (const char    *host,
                              const char    *user,
                              const char    *password,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (user != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  label = make_label (host, user);
  return secret_password_store_sync (&credentials_schema, SECRET_COLLECTION_DEFAULT, label, password,
                                     cancellable, error, "host", host, "user", user, NULL);
}

char *
ferry_credentials_lookup_sync (const char    *host,
                               const char    *user,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (user != NULL, NULL);

  return secret_password_lookup_sync (&credentials_schema, cancellable, error,
                                      "host", host, "user", user, NULL);
}

gboolean
ferry_credentials_clear_sync (const char    *host,
                              const char    *user,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (user != NULL, FALSE);

  secret_password_clear_sync (&credentials_schema, cancellable, &local_error,
                              "host", host, "user", user, NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

void
ferry_credentials_free_password (char *password)
{
  secret_password_free (password);
}
