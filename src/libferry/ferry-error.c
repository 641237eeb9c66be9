/* ferry-error.c
 *
 * FERRY_XAPI_ERROR is an extended GError domain (GLib 2.68): the xapi error
 * code and its parameters travel in the error's private data, so that a
 * caller can tell VM_BAD_POWER_STATE from VM_REQUIRES_SR without parsing the
 * translated message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-error"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>

#include "ferry-error.h"

G_DEFINE_QUARK (ferry-rpc-error-quark, ferry_rpc_error)

typedef struct
{
  char  *name;
  GStrv  params;
} FerryXapiErrorPrivate;

static void
ferry_xapi_error_private_init (FerryXapiErrorPrivate *priv)
{
  priv->name = NULL;
  priv->params = NULL;
}

static void
ferry_xapi_error_private_copy (const FerryXapiErrorPrivate *src,
                               FerryXapiErrorPrivate       *dest)
{
  dest->name = g_strdup (src->name);
  dest->params = g_strdupv (src->params);
}

static void
ferry_xapi_error_private_clear (FerryXapiErrorPrivate *priv)
{
  g_clear_pointer (&priv->name, g_free);
  g_clear_pointer (&priv->params, g_strfreev);
}

G_DEFINE_EXTENDED_ERROR (FerryXapiError, ferry_xapi_error)

static const struct {
  const char *name;
  FerryXapiError code;
} known_codes[] = {
  { "SESSION_INVALID", FERRY_XAPI_ERROR_SESSION_INVALID },
  { "SESSION_AUTHENTICATION_FAILED", FERRY_XAPI_ERROR_SESSION_AUTHENTICATION_FAILED },
  { "HOST_IS_SLAVE", FERRY_XAPI_ERROR_HOST_IS_SLAVE },
  { "HOST_STILL_BOOTING", FERRY_XAPI_ERROR_HOST_STILL_BOOTING },
  { "HOST_OFFLINE", FERRY_XAPI_ERROR_HOST_OFFLINE },
  { "EVENTS_LOST", FERRY_XAPI_ERROR_EVENTS_LOST },
  { "EVENT_FROM_TOKEN_PARSE_FAILURE", FERRY_XAPI_ERROR_EVENT_FROM_TOKEN_PARSE_FAILURE },
  { "EVENT_SUBSCRIPTION_PARSE_FAILURE", FERRY_XAPI_ERROR_EVENT_SUBSCRIPTION_PARSE_FAILURE },
  { "HANDLE_INVALID", FERRY_XAPI_ERROR_HANDLE_INVALID },
  { "UUID_INVALID", FERRY_XAPI_ERROR_UUID_INVALID },
  { "MESSAGE_METHOD_UNKNOWN", FERRY_XAPI_ERROR_MESSAGE_METHOD_UNKNOWN },
  { "MESSAGE_PARAMETER_COUNT_MISMATCH", FERRY_XAPI_ERROR_MESSAGE_PARAMETER_COUNT_MISMATCH },
  { "RBAC_PERMISSION_DENIED", FERRY_XAPI_ERROR_RBAC_PERMISSION_DENIED },
  { "TASK_CANCELLED", FERRY_XAPI_ERROR_TASK_CANCELLED },
  { "OPERATION_NOT_ALLOWED", FERRY_XAPI_ERROR_OPERATION_NOT_ALLOWED },
  { "INTERNAL_ERROR", FERRY_XAPI_ERROR_INTERNAL_ERROR },
};

static FerryXapiError
code_for_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_codes); i++)
    if (g_strcmp0 (known_codes[i].name, name) == 0)
      return known_codes[i].code;
  return FERRY_XAPI_ERROR_FAILED;
}

static const char *
param_or_empty (const char * const *params,
                guint               index)
{
  for (guint i = 0; params != NULL && params[i] != NULL; i++)
    if (i == index)
      return params[i];
  return "";
}

/* A sentence for the codes a user meets while connecting; the rest show
 * the code and its parameters, as xapi sent them. */
static char *
describe (FerryXapiError      code,
          const char         *name,
          const char * const *params)
{
  g_autofree char *joined = NULL;

  switch (code)
    {
    case FERRY_XAPI_ERROR_SESSION_INVALID:
      return g_strdup (_("The session is no longer valid"));
    case FERRY_XAPI_ERROR_SESSION_AUTHENTICATION_FAILED:
      return g_strdup_printf (_("The server refused the user name or password (%s)"),
                              param_or_empty (params, 1));
    case FERRY_XAPI_ERROR_HOST_IS_SLAVE:
      return g_strdup_printf (_("This host is a pool member; the pool coordinator is %s"),
                              param_or_empty (params, 0));
    case FERRY_XAPI_ERROR_HOST_STILL_BOOTING:
      return g_strdup (_("The host is still starting up"));
    case FERRY_XAPI_ERROR_EVENTS_LOST:
      return g_strdup (_("The server dropped events; everything must be read again"));
    case FERRY_XAPI_ERROR_RBAC_PERMISSION_DENIED:
      return g_strdup_printf (_("Your role does not allow this (%s)"), param_or_empty (params, 0));
    case FERRY_XAPI_ERROR_TASK_CANCELLED:
      return g_strdup (_("The task was cancelled"));
    case FERRY_XAPI_ERROR_FAILED:
    case FERRY_XAPI_ERROR_HOST_OFFLINE:
    case FERRY_XAPI_ERROR_EVENT_FROM_TOKEN_PARSE_FAILURE:
    case FERRY_XAPI_ERROR_EVENT_SUBSCRIPTION_PARSE_FAILURE:
    case FERRY_XAPI_ERROR_HANDLE_INVALID:
    case FERRY_XAPI_ERROR_UUID_INVALID:
    case FERRY_XAPI_ERROR_MESSAGE_METHOD_UNKNOWN:
    case FERRY_XAPI_ERROR_MESSAGE_PARAMETER_COUNT_MISMATCH:
    case FERRY_XAPI_ERROR_OPERATION_NOT_ALLOWED:
    case FERRY_XAPI_ERROR_INTERNAL_ERROR:
    default:
      break;
    }

  if (params == NULL || params[0] == NULL)
    return g_strdup_printf (_("The server reported %s"), name);

  joined = g_strjoinv (", ", (char **) params);
  /* Translators: an xapi error code, then its parameters */
  return g_strdup_printf (_("The server reported %s (%s)"), name, joined);
}

GError *
ferry_xapi_error_new (const char         *name,
                      const char * const *params)
{
  FerryXapiError code;
  g_autofree char *message = NULL;
  FerryXapiErrorPrivate *priv;
  GError *error;

  g_return_val_if_fail (name != NULL, NULL);

  code = code_for_name (name);
  message = describe (code, name, params);
  error = g_error_new_literal (FERRY_XAPI_ERROR, code, message);
  priv = ferry_xapi_error_get_private (error);
  priv->name = g_strdup (name);
  priv->params = params != NULL ? g_strdupv ((char **) params) : g_new0 (char *, 1);

  return error;
}

GError *
ferry_xapi_error_new_valist (const char *name,
                             ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) params = NULL;
  const char *param;
  va_list args;

  va_start (args, name);
  while ((param = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (builder, param);
  va_end (args);

  params = g_strv_builder_end (builder);
  return ferry_xapi_error_new (name, (const char * const *) params);
}

const char *
ferry_xapi_error_get_name (const GError *error)
{
  if (error == NULL || error->domain != FERRY_XAPI_ERROR)
    return NULL;
  return ferry_xapi_error_get_private (error)->name;
}

const char * const *
ferry_xapi_error_get_params (const GError *error)
{
  static const char * const none[] = { NULL };
  FerryXapiErrorPrivate *priv;

  if (error == NULL || error->domain != FERRY_XAPI_ERROR)
    return none;
  priv = ferry_xapi_error_get_private (error);
  return priv->params != NULL ? (const char * const *) priv->params : none;
}

const char *
ferry_xapi_error_get_param (const GError *error,
                            guint         index)
{
  const char * const *params = ferry_xapi_error_get_params (error);

  for (guint i = 0; params[i] != NULL; i++)
    if (i == index)
      return params[i];
  return NULL;
}

gboolean
ferry_xapi_error_has_name (const GError *error,
                           const char   *name)
{
  return g_strcmp0 (ferry_xapi_error_get_name (error), name) == 0;
}
