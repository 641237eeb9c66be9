/* ferry-sim-error.h: the simulator's error domains
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Problems of the simulator itself: bad files, bad requests, bad options. */
#define FERRY_SIM_ERROR (ferry_sim_error_quark ())

typedef enum
{
  FERRY_SIM_ERROR_FILE,       /* a scenario or state.db file: "FILE:LINE: problem" */
  FERRY_SIM_ERROR_MALFORMED,  /* a request body xapi would answer with HTTP 500 */
  FERRY_SIM_ERROR_TOO_LARGE,  /* a request body over the limit */
  FERRY_SIM_ERROR_INVALID,    /* a bad option or argument */
} FerrySimErrorEnum;

/* A XenAPI failure: an error code and its string parameters (xapi.md §1.9). */
#define FERRY_SIM_XAPI_ERROR (ferry_sim_xapi_error_quark ())

GQuark   ferry_sim_error_quark           (void);
GQuark   ferry_sim_xapi_error_quark      (void);

void     ferry_sim_set_failure           (GError             **error,
                                          const char          *code,
                                          ...) G_GNUC_NULL_TERMINATED;
void     ferry_sim_set_failurev          (GError             **error,
                                          const char * const  *description);
GError  *ferry_sim_failure_new           (const char          *code,
                                          ...) G_GNUC_NULL_TERMINATED;
/* Code then parameters. Any other GError becomes INTERNAL_ERROR [message]. */
char   **ferry_sim_failure_description   (const GError        *error);
gboolean ferry_sim_failure_matches       (const GError        *error,
                                          const char          *code);

G_END_DECLS
