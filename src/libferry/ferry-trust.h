/* ferry-trust.h: pinned host certificates (trust on first use, SHA-256)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a user needs to decide about a certificate. */
#define FERRY_TYPE_CERTIFICATE_INFO (ferry_certificate_info_get_type ())
G_DECLARE_FINAL_TYPE (FerryCertificateInfo, ferry_certificate_info, FERRY, CERTIFICATE_INFO, GObject)

FerryCertificateInfo *ferry_certificate_info_new              (const char           *host,
                                                               GTlsCertificate      *certificate);
/* "ADDRESS:PORT" the certificate was presented on. */
const char           *ferry_certificate_info_get_host         (FerryCertificateInfo *self);
/* "AB:CD:…", 32 upper-case hex pairs. */
const char           *ferry_certificate_info_get_fingerprint  (FerryCertificateInfo *self);
const char           *ferry_certificate_info_get_subject      (FerryCertificateInfo *self);
const char           *ferry_certificate_info_get_issuer       (FerryCertificateInfo *self);
GDateTime            *ferry_certificate_info_get_not_before   (FerryCertificateInfo *self);
GDateTime            *ferry_certificate_info_get_not_after    (FerryCertificateInfo *self);
/* The fingerprint pinned before, when the certificate changed; else NULL. */
const char           *ferry_certificate_info_get_pinned_fingerprint (FerryCertificateInfo *self);
GTlsCertificate      *ferry_certificate_info_get_certificate  (FerryCertificateInfo *self);

/* "AB:CD:…" for a certificate. */
char                 *ferry_certificate_dup_fingerprint       (GTlsCertificate      *certificate);
/* Accepts "sha256:", colons or none, any case; NULL when not 64 hex digits. */
char                 *ferry_fingerprint_normalize             (const char           *text);
/* "host:port" with the default port filled in; NULL for an unusable address. */
char                 *ferry_host_key_from_uri                 (GUri                 *uri);

/* The pins, in a key file under the XDG config dir. Main thread only. */
#define FERRY_TYPE_TRUST_STORE (ferry_trust_store_get_type ())
G_DECLARE_FINAL_TYPE (FerryTrustStore, ferry_trust_store, FERRY, TRUST_STORE, GObject)

/* @path NULL: $XDG_CONFIG_HOME/ferry/trusted-hosts.ini. */
FerryTrustStore *ferry_trust_store_new            (const char       *path);
/* One shared store on the default path. */
FerryTrustStore *ferry_trust_store_get_default    (void);
const char      *ferry_trust_store_get_path       (FerryTrustStore  *self);
/* The pinned fingerprint of @host, or NULL. */
char            *ferry_trust_store_dup_pin        (FerryTrustStore  *self,
                                                   const char       *host);
gboolean         ferry_trust_store_pin            (FerryTrustStore  *self,
                                                   const char       *host,
                                                   const char       *fingerprint,
                                                   GError          **error);
gboolean         ferry_trust_store_forget         (FerryTrustStore  *self,
                                                   const char       *host,
                                                   GError          **error);
/* TRUE when @certificate is the one pinned for @host. Otherwise
 * FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN (nothing pinned) or
 * FERRY_RPC_ERROR_CERTIFICATE_CHANGED (another one is). */
gboolean         ferry_trust_store_check          (FerryTrustStore  *self,
                                                   const char       *host,
                                                   GTlsCertificate  *certificate,
                                                   GError          **error);

/* A question to the caller on first contact: trust this certificate? The
 * one who takes it answers once, now or later, with ferry_trust_request_complete(). */
#define FERRY_TYPE_TRUST_REQUEST (ferry_trust_request_get_type ())
G_DECLARE_FINAL_TYPE (FerryTrustRequest, ferry_trust_request, FERRY, TRUST_REQUEST, GObject)

typedef void (*FerryTrustRequestFunc) (FerryTrustRequest *request,
                                       gboolean           accepted,
                                       gpointer           user_data);

FerryTrustRequest    *ferry_trust_request_new         (FerryCertificateInfo  *info,
                                                       FerryTrustRequestFunc  func,
                                                       gpointer               user_data,
                                                       GDestroyNotify         destroy);
FerryCertificateInfo *ferry_trust_request_get_info    (FerryTrustRequest     *self);
gboolean              ferry_trust_request_is_completed (FerryTrustRequest    *self);
void                  ferry_trust_request_complete    (FerryTrustRequest     *self,
                                                       gboolean               accept);

G_END_DECLS
