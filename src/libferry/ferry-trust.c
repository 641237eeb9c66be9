/* ferry-trust.c
 *
 * Every host certificate is pinned by its SHA-256 fingerprint, keyed by the
 * "address:port" it was seen on. A certificate that is not pinned yet goes
 * to the caller as a FerryTrustRequest; one that differs from its pin is
 * refused, and only the user can forget the old pin.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-trust"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ferry-error.h"
#include "ferry-trust-private.h"

#define PIN_KEY "sha256"
#define PINNED_KEY "pinned"

/* FerryCertificateInfo */

struct _FerryCertificateInfo
{
  GObject          parent_instance;

  char            *host;
  char            *fingerprint;
  char            *pinned_fingerprint;
  char            *subject;
  char            *issuer;
  GDateTime       *not_before;
  GDateTime       *not_after;
  GTlsCertificate *certificate;
};

G_DEFINE_FINAL_TYPE (FerryCertificateInfo, ferry_certificate_info, G_TYPE_OBJECT)

static void
ferry_certificate_info_finalize (GObject *object)
{
  FerryCertificateInfo *self = (FerryCertificateInfo *)object;

  g_free (self->host);
  g_free (self->fingerprint);
  g_free (self->pinned_fingerprint);
  g_free (self->subject);
  g_free (self->issuer);
  g_clear_pointer (&self->not_before, g_date_time_unref);
  g_clear_pointer (&self->not_after, g_date_time_unref);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (ferry_certificate_info_parent_class)->finalize (object);
}

static void
ferry_certificate_info_class_init (FerryCertificateInfoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ferry_certificate_info_finalize;
}

static void
ferry_certificate_info_init (FerryCertificateInfo *self)
{
}

FerryCertificateInfo *
ferry_certificate_info_new (const char      *host,
                            GTlsCertificate *certificate)
{
  FerryCertificateInfo *self;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  self = g_object_new (FERRY_TYPE_CERTIFICATE_INFO, NULL);
  self->host = g_strdup (host);
  self->certificate = g_object_ref (certificate);
  self->fingerprint = ferry_certificate_dup_fingerprint (certificate);
  self->subject = g_tls_certificate_get_subject_name (certificate);
  self->issuer = g_tls_certificate_get_issuer_name (certificate);
  self->not_before = g_tls_certificate_get_not_valid_before (certificate);
  self->not_after = g_tls_certificate_get_not_valid_after (certificate);

  return self;
}

const char *
ferry_certificate_info_get_host (FerryCertificateInfo *self)
{
  g_return_val_if_fail (FERRY_IS_CERTIFICATE_INFO (self), NULL);
  return self->host;
}

const char *
ferry_certificate_info_get_fingerprint (FerryCertificateInfo *self)
{
  g_return_val_if_fail (FERRY_IS_CERTIFICATE_INFO (self), NULL);
  return self->fingerprint;
}

const char *
ferry_certificate_info_get_subject (FerryCertificateInfo *self)
{
  g_return_val_if_fail (FERRY_IS_CERTIFICATE_INFO (self), NULL);
  return self->subject;
}

const char *
ferry_certificate_info_get_issuer (FerryCertificateInfo *self)
{
  g_return_val_if_fail (FERRY_IS_CERTIFICATE_INFO (self), NULL);
  return self->issuer;
}

GDateTime *
ferry_certificate_info_get_not_before (FerryCertificateInfo *self)
{
  g_return_val_if_fail (FERRY_IS_CERTIFICATE_INFO (self), NULL);
  return self->not_before;
}

GDateTime *
ferry_certificate_info_get_not_after (FerryCertificateInfo *self)
{
  g_return_val_if_fail (FERRY_IS_CERTIFICATE_INFO (self), NULL);
  return self->not_after;
}

const char *
ferry_certificate_info_get_pinned_fingerprint (FerryCertificateInfo *self)
{
  g_return_val_if_fail (FERRY_IS_CERTIFICATE_INFO (self), NULL);
  return self->pinned_fingerprint;
}

GTlsCertificate *
ferry_certificate_info_get_certificate (FerryCertificateInfo *self)
{
  g_return_val_if_fail (FERRY_IS_CERTIFICATE_INFO (self), NULL);
  return self->certificate;
}

/* Fingerprints and host keys */

static char *
format_fingerprint (const guint8 *digest,
                    gsize         len)
{
  GString *out = g_string_sized_new (len * 3);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, i ? ":%02X" : "%02X", digest[i]);
  return g_string_free (out, FALSE);
}

char *
ferry_certificate_dup_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;

  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &len);
  return format_fingerprint (digest, len);
}

char *
ferry_fingerprint_normalize (const char *text)
{
  guint8 digest[32];
  guint n = 0;
  int high = -1;

  if (text == NULL)
    return NULL;

  if (g_ascii_strncasecmp (text, "sha256:", 7) == 0)
    text += 7;
  else if (g_ascii_strncasecmp (text, "sha-256:", 8) == 0)
    text += 8;

  for (const char *p = text; *p != '\0'; p++)
    {
      int v;

      if (*p == ':' || *p == ' ')
        continue;
      v = g_ascii_xdigit_value (*p);
      if (v < 0 || n >= sizeof digest)
        return NULL;
      if (high < 0)
        high = v;
      else
        {
          digest[n++] = (guint8) (high << 4 | v);
          high = -1;
        }
    }

  if (n != sizeof digest || high >= 0)
    return NULL;
  return format_fingerprint (digest, n);
}

char *
ferry_host_key_from_uri (GUri *uri)
{
  const char *host;
  const char *scheme;
  int port;

  g_return_val_if_fail (uri != NULL, NULL);

  host = g_uri_get_host (uri);
  scheme = g_uri_get_scheme (uri);
  if (host == NULL || *host == '\0')
    return NULL;

  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_strcmp0 (scheme, "http") == 0 ? 80 : 443;

  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%d", host, port);
  return g_strdup_printf ("%s:%d", host, port);
}

/* FerryTrustStore */

struct _FerryTrustStore
{
  GObject   parent_instance;
  char     *path;
  gboolean  default_path;  /* follows g_get_user_config_dir() */
};

G_DEFINE_FINAL_TYPE (FerryTrustStore, ferry_trust_store, G_TYPE_OBJECT)

static void
ferry_trust_store_finalize (GObject *object)
{
  FerryTrustStore *self = (FerryTrustStore *)object;

  g_free (self->path);

  G_OBJECT_CLASS (ferry_trust_store_parent_class)->finalize (object);
}

static void
ferry_trust_store_class_init (FerryTrustStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ferry_trust_store_finalize;
}

static void
ferry_trust_store_init (FerryTrustStore *self)
{
}

FerryTrustStore *
ferry_trust_store_new (const char *path)
{
  FerryTrustStore *self = g_object_new (FERRY_TYPE_TRUST_STORE, NULL);

  self->default_path = path == NULL;
  self->path = g_strdup (path);
  return self;
}

FerryTrustStore *
ferry_trust_store_get_default (void)
{
  static FerryTrustStore *instance;

  if (instance == NULL)
    {
      instance = ferry_trust_store_new (NULL);
      g_object_add_weak_pointer (G_OBJECT (instance), (gpointer *) &instance);
    }
  return instance;
}

const char *
ferry_trust_store_get_path (FerryTrustStore *self)
{
  g_return_val_if_fail (FERRY_IS_TRUST_STORE (self), NULL);

  if (self->default_path)
    {
      g_autofree char *path = g_build_filename (g_get_user_config_dir (), "ferry", "trusted-hosts.ini", NULL);

      if (g_strcmp0 (path, self->path) != 0)
        {
          g_free (self->path);
          self->path = g_steal_pointer (&path);
        }
    }
  return self->path;
}

/* Group names of a key file may not hold "[" or "]" (IPv6 literals). */
static char *
group_for_host (const char *host)
{
  return g_uri_escape_string (host, ":.-_", FALSE);
}

/* Read afresh on every use: the CLI and the app may pin at the same time. */
static GKeyFile *
load (FerryTrustStore  *self,
      GError          **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_load_from_file (file, ferry_trust_store_get_path (self), G_KEY_FILE_KEEP_COMMENTS, &local_error) &&
      !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Could not read the trusted certificates: "));
      return NULL;
    }

  return g_steal_pointer (&file);
}

static gboolean
save (FerryTrustStore  *self,
      GKeyFile         *file,
      GError          **error)
{
  g_autofree char *dir = g_path_get_dirname (ferry_trust_store_get_path (self));
  g_autofree char *data = NULL;
  g_autofree char *comment = NULL;
  gsize len;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not create %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  comment = g_key_file_get_comment (file, NULL, NULL, NULL);
  if (comment == NULL || *comment == '\0')
    g_key_file_set_comment (file, NULL, NULL,
                            " Host certificates Ferry trusts, by SHA-256 fingerprint.\n"
                            " One group per ADDRESS:PORT; remove a group to be asked again.", NULL);

  data = g_key_file_to_data (file, &len, NULL);
  return g_file_set_contents_full (ferry_trust_store_get_path (self), data, len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

char *
ferry_trust_store_dup_pin (FerryTrustStore *self,
                           const char      *host)
{
  g_autoptr(GKeyFile) file = NULL;
  g_autofree char *group = NULL;
  g_autofree char *value = NULL;

  g_return_val_if_fail (FERRY_IS_TRUST_STORE (self), NULL);
  g_return_val_if_fail (host != NULL, NULL);

  if (!(file = load (self, NULL)))
    return NULL;

  group = group_for_host (host);
  value = g_key_file_get_string (file, group, PIN_KEY, NULL);
  return ferry_fingerprint_normalize (value);
}

gboolean
ferry_trust_store_pin (FerryTrustStore  *self,
                       const char       *host,
                       const char       *fingerprint,
                       GError          **error)
{
  g_autoptr(GKeyFile) file = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *group = NULL;
  g_autofree char *normal = NULL;
  g_autofree char *when = NULL;

  g_return_val_if_fail (FERRY_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);

  if (!(normal = ferry_fingerprint_normalize (fingerprint)))
    {
      g_set_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_FAILED,
                   _("“%s” is not a SHA-256 fingerprint"), fingerprint);
      return FALSE;
    }

  if (!(file = load (self, error)))
    return FALSE;

  group = group_for_host (host);
  when = g_date_time_format_iso8601 (now);
  g_key_file_set_string (file, group, PIN_KEY, normal);
  g_key_file_set_string (file, group, PINNED_KEY, when);

  g_debug ("Pinning %s to %s", host, normal);
  return save (self, file, error);
}

gboolean
ferry_trust_store_forget (FerryTrustStore  *self,
                          const char       *host,
                          GError          **error)
{
  g_autoptr(GKeyFile) file = NULL;
  g_autofree char *group = NULL;

  g_return_val_if_fail (FERRY_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);

  if (!(file = load (self, error)))
    return FALSE;

  group = group_for_host (host);
  if (!g_key_file_has_group (file, group))
    return TRUE;

  g_key_file_remove_group (file, group, NULL);
  return save (self, file, error);
}

gboolean
ferry_trust_store_check (FerryTrustStore  *self,
                         const char       *host,
                         GTlsCertificate  *certificate,
                         GError          **error)
{
  g_autofree char *pinned = NULL;
  g_autofree char *actual = NULL;

  g_return_val_if_fail (FERRY_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), FALSE);

  actual = ferry_certificate_dup_fingerprint (certificate);
  pinned = ferry_trust_store_dup_pin (self, host);

  if (pinned == NULL)
    {
      g_set_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN,
                   _("The certificate of %s is not trusted yet (SHA-256 %s)"), host, actual);
      return FALSE;
    }

  if (g_strcmp0 (pinned, actual) != 0)
    {
      g_set_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED,
                   _("The certificate of %s has changed: it was %s and is now %s. "
                     "Someone may be impersonating the host. If the host really got a new "
                     "certificate, remove the old one from the trusted certificates first."),
                   host, pinned, actual);
      return FALSE;
    }

  return TRUE;
}

/* FerryTrustRequest */

struct _FerryTrustRequest
{
  GObject                parent_instance;

  FerryCertificateInfo  *info;
  FerryTrustRequestFunc  func;
  gpointer               user_data;
  GDestroyNotify         destroy;
  gboolean               completed;
};

G_DEFINE_FINAL_TYPE (FerryTrustRequest, ferry_trust_request, G_TYPE_OBJECT)

static void
ferry_trust_request_finalize (GObject *object)
{
  FerryTrustRequest *self = (FerryTrustRequest *)object;

  /* Nobody answered: that is a no. */
  if (!self->completed && self->func != NULL)
    self->func (self, FALSE, self->user_data);
  if (self->destroy != NULL)
    self->destroy (self->user_data);
  g_clear_object (&self->info);

  G_OBJECT_CLASS (ferry_trust_request_parent_class)->finalize (object);
}

static void
ferry_trust_request_class_init (FerryTrustRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ferry_trust_request_finalize;
}

static void
ferry_trust_request_init (FerryTrustRequest *self)
{
}

FerryTrustRequest *
ferry_trust_request_new (FerryCertificateInfo  *info,
                         FerryTrustRequestFunc  func,
                         gpointer               user_data,
                         GDestroyNotify         destroy)
{
  FerryTrustRequest *self;

  g_return_val_if_fail (FERRY_IS_CERTIFICATE_INFO (info), NULL);

  self = g_object_new (FERRY_TYPE_TRUST_REQUEST, NULL);
  self->info = g_object_ref (info);
  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;
  return self;
}

FerryCertificateInfo *
ferry_trust_request_get_info (FerryTrustRequest *self)
{
  g_return_val_if_fail (FERRY_IS_TRUST_REQUEST (self), NULL);
  return self->info;
}

gboolean
ferry_trust_request_is_completed (FerryTrustRequest *self)
{
  g_return_val_if_fail (FERRY_IS_TRUST_REQUEST (self), FALSE);
  return self->completed;
}

void
ferry_trust_request_complete (FerryTrustRequest *self,
                              gboolean           accept)
{
  g_return_if_fail (FERRY_IS_TRUST_REQUEST (self));

  if (self->completed)
    return;

  self->completed = TRUE;
  if (self->func != NULL)
    self->func (self, accept, self->user_data);
}

void
_ferry_certificate_info_set_pinned_fingerprint (FerryCertificateInfo *self,
                                                const char           *fingerprint)
{
  g_return_if_fail (FERRY_IS_CERTIFICATE_INFO (self));

  g_free (self->pinned_fingerprint);
  self->pinned_fingerprint = g_strdup (fingerprint);
}
