/* ferry-credentials.h: passwords in the user's keyring (libsecret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One schema, keyed by "host" (the address as the user typed it) and "user". */
#define FERRY_CREDENTIALS_SCHEMA_NAME "io.github.ferryvm.Ferry.Credentials"

const void *ferry_credentials_get_schema    (void);  /* a SecretSchema */

void        ferry_credentials_store_async   (const char           *host,
                                             const char           *user,
                                             const char           *password,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean    ferry_credentials_store_finish  (GAsyncResult         *result,
                                             GError              **error);
/* The password, or NULL (and no error) when none is stored. Free it with
 * ferry_credentials_free_password(), which wipes it first. */
void        ferry_credentials_lookup_async  (const char           *host,
                                             const char           *user,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
char       *ferry_credentials_lookup_finish (GAsyncResult         *result,
                                             GError              **error);
void        ferry_credentials_clear_async   (const char           *host,
                                             const char           *user,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean    ferry_credentials_clear_finish  (GAsyncResult         *result,
                                             GError              **error);

/* Blocking variants, for the command line. */
gboolean    ferry_credentials_store_sync    (const char           *host,
                                             const char           *user,
                                             const char           *password,
                                             GCancellable         *cancellable,
                                             GError              **error);
char       *ferry_credentials_lookup_sync   (const char           *host,
                                             const char           *user,
                                             GCancellable         *cancellable,
                                             GError              **error);
gboolean    ferry_credentials_clear_sync    (const char           *host,
                                             const char           *user,
                                             GCancellable         *cancellable,
                                             GError              **error);

/* Overwrites and frees a password (NULL is fine). */
void        ferry_credentials_free_password (char                 *password);

G_END_DECLS
