/* ferry-sim-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-error"

#include "config.h"

#include <string.h>

#include "ferry-sim-error.h"

/* A failure's code and parameters travel in the GError message, joined by US. */
#define SEPARATOR "\x1f"

G_DEFINE_QUARK (ferry-sim-error-quark, ferry_sim_error)
G_DEFINE_QUARK (ferry-sim-xapi-error-quark, ferry_sim_xapi_error)

void
ferry_sim_set_failurev (GError             **error,
                        const char * const  *description)
{
  g_autofree char *joined = g_strjoinv (SEPARATOR, (char **) description);

  g_set_error_literal (error, FERRY_SIM_XAPI_ERROR, 0, joined);
}

static GError *
failure_new_valist (const char *code,
                    va_list     args)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) description = NULL;
  g_autofree char *joined = NULL;
  const char *param;

  g_strv_builder_add (builder, code);
  while ((param = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (builder, param);
  description = g_strv_builder_end (builder);
  joined = g_strjoinv (SEPARATOR, description);

  return g_error_new_literal (FERRY_SIM_XAPI_ERROR, 0, joined);
}

void
ferry_sim_set_failure (GError    **error,
                       const char *code,
                       ...)
{
  GError *failure;
  va_list args;

  va_start (args, code);
  failure = failure_new_valist (code, args);
  va_end (args);

  g_propagate_error (error, failure);
}

GError *
ferry_sim_failure_new (const char *code,
                       ...)
{
  GError *failure;
  va_list args;

  va_start (args, code);
  failure = failure_new_valist (code, args);
  va_end (args);

  return failure;
}

char **
ferry_sim_failure_description (const GError *error)
{
  if (error->domain == FERRY_SIM_XAPI_ERROR)
    return g_strsplit (error->message, SEPARATOR, -1);

  {
    char *internal[] = { (char *) "INTERNAL_ERROR", error->message, NULL };
    return g_strdupv (internal);
  }
}

gboolean
ferry_sim_failure_matches (const GError *error,
                           const char   *code)
{
  gsize len;

  if (error == NULL || error->domain != FERRY_SIM_XAPI_ERROR)
    return FALSE;

  len = strlen (code);
  return strncmp (error->message, code, len) == 0 &&
         (error->message[len] == '\0' || error->message[len] == SEPARATOR[0]);
}
