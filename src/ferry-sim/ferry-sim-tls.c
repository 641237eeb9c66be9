/* ferry-sim-tls.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-tls"

#include "config.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>
#include <time.h>

#include "ferry-sim-error.h"
#include "ferry-sim-tls.h"

typedef struct gnutls_x509_privkey_int PrivateKey;
typedef struct gnutls_x509_crt_int Certificate;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PrivateKey, gnutls_x509_privkey_deinit)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Certificate, gnutls_x509_crt_deinit)

static gboolean
check (int       rc,
       GError  **error)
{
  if (rc >= 0)
    return TRUE;
  g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID,
               "Could not make a certificate: %s", gnutls_strerror (rc));
  return FALSE;
}

static char *
export_pem (gnutls_datum_t *datum)
{
  char *text = g_strndup ((const char *) datum->data, datum->size);

  gnutls_free (datum->data);
  return text;
}

/* An ECDSA P-256 key: hundreds of hosts start in milliseconds, where RSA takes seconds. */
GTlsCertificate *
ferry_sim_tls_generate_certificate (const char  *common_name,
                                    GError     **error)
{
  g_autoptr(PrivateKey) key = NULL;
  g_autoptr(Certificate) crt = NULL;
  gnutls_datum_t key_pem = { NULL, 0 };
  gnutls_datum_t crt_pem = { NULL, 0 };
  g_autofree char *key_text = NULL;
  g_autofree char *crt_text = NULL;
  g_autofree char *pem = NULL;
  guchar serial[16];
  time_t now = time (NULL);
  static const guchar loopback[] = { 127, 0, 0, 1 };

  for (guint i = 0; i < sizeof serial; i++)
    serial[i] = g_random_int_range (0, 256);
  serial[0] &= 0x7f;

  if (!check (gnutls_x509_privkey_init (&key), error) ||
      !check (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                            GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), error) ||
      !check (gnutls_x509_crt_init (&crt), error) ||
      !check (gnutls_x509_crt_set_version (crt, 3), error) ||
      !check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), error) ||
      !check (gnutls_x509_crt_set_activation_time (crt, now - 3600), error) ||
      !check (gnutls_x509_crt_set_expiration_time (crt, now + 10 * 365 * 24 * 3600), error) ||
      !check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                             common_name, strlen (common_name)), error) ||
      !check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost",
                                                    strlen ("localhost"), GNUTLS_FSAN_APPEND), error) ||
      !check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, loopback,
                                                    sizeof loopback, GNUTLS_FSAN_APPEND), error) ||
      !check (gnutls_x509_crt_set_key (crt, key), error) ||
      !check (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), error) ||
      !check (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &key_pem), error))
    return NULL;

  key_text = export_pem (&key_pem);
  if (!check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &crt_pem), error))
    return NULL;
  crt_text = export_pem (&crt_pem);

  pem = g_strconcat (crt_text, key_text, NULL);
  return g_tls_certificate_new_from_pem (pem, -1, error);
}
