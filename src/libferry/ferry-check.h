/* ferry-check.h: one finding of a compatibility check
 *
 * A check is data, not an error: the rule it comes from ("R12", or "X-…"
 * for xapi's own checks that the spec does not name), how bad it is, a
 * translated message that names objects (never refs), what to do about it,
 * the help topic ("rule-r12") and the objects it concerns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-types.h"
#include "ferry-object.h"

G_BEGIN_DECLS

/* Ordered: a larger value is worse. */
typedef enum
{
  FERRY_CHECK_SEVERITY_NONE,     /* no finding (a verdict, never a check's) */
  FERRY_CHECK_SEVERITY_NOTE,     /* for information: the move can go ahead */
  FERRY_CHECK_SEVERITY_WARNING,  /* the move can go ahead; the user should know */
  FERRY_CHECK_SEVERITY_BLOCKER,  /* the move cannot happen as described */
} FerryCheckSeverity;

#define FERRY_TYPE_CHECK_SEVERITY (ferry_check_severity_get_type ())

GType ferry_check_severity_get_type (void) G_GNUC_CONST;

#define FERRY_TYPE_CHECK (ferry_check_get_type ())

G_DECLARE_FINAL_TYPE (FerryCheck, ferry_check, FERRY, CHECK, GObject)

FerryCheck         *ferry_check_new                 (const char          *rule_id,
                                                     FerryCheckSeverity   severity,
                                                     const char          *message,
                                                     const char          *remedy);
/* The same, taking ownership of @message and @remedy. */
FerryCheck         *ferry_check_new_take            (const char          *rule_id,
                                                     FerryCheckSeverity   severity,
                                                     char                *message,
                                                     char                *remedy);

/* Turns an error xapi raised (code, then parameters; xapi.md §4) into a
 * finding: a message and remedy with refs resolved to names through
 * @source and @destination (either may be NULL). Unknown codes keep their
 * name and parameters. Never returns NULL. */
FerryCheck         *ferry_check_new_from_xapi_error (const char          *code,
                                                     const char * const  *params,
                                                     FerryCache          *source,
                                                     FerryCache          *destination);
/* The same for a FERRY_XAPI_ERROR GError; other errors become "X-ERROR". */
FerryCheck         *ferry_check_new_from_error      (const GError        *error,
                                                     FerryCache          *source,
                                                     FerryCache          *destination);
/* Whether ferry_check_new_from_xapi_error() has a message of its own for
 * @code (TRUE for every code of xapi.md §4). */
gboolean            ferry_check_knows_xapi_error    (const char          *code);

const char         *ferry_check_get_rule_id         (FerryCheck          *self);
FerryCheckSeverity  ferry_check_get_severity        (FerryCheck          *self);
const char         *ferry_check_get_message         (FerryCheck          *self);
const char         *ferry_check_get_remedy          (FerryCheck          *self);
/* "rule-r12", "rule-x-host-disabled": a page of the help. */
const char         *ferry_check_get_help_id         (FerryCheck          *self);
/* The xapi error it was made from, or NULL; and its raw parameters. */
const char         *ferry_check_get_xapi_error      (FerryCheck          *self);
const char * const *ferry_check_get_xapi_params     (FerryCheck          *self);

/* The objects it concerns (VM first, then hosts, SRs, disks…). */
guint               ferry_check_get_n_objects       (FerryCheck          *self);
FerryObject        *ferry_check_get_object          (FerryCheck          *self,
                                                     guint                index);
/* The first concerned object of @type, or NULL. */
FerryObject        *ferry_check_find_object         (FerryCheck          *self,
                                                     GType                type);
/* Only while the check is being built. NULL is ignored. */
void                ferry_check_add_object          (FerryCheck          *self,
                                                     gpointer             object);

/* "R12: message" for logs and the command line. */
char               *ferry_check_to_string           (FerryCheck          *self);

/* Helpers for a list of checks (GPtrArray of FerryCheck). */
FerryCheckSeverity  ferry_checks_get_worst          (GPtrArray           *checks);
FerryCheck         *ferry_checks_find               (GPtrArray           *checks,
                                                     const char          *rule_id);

G_END_DECLS
