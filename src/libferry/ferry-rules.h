/* ferry-rules.h: the compatibility rules R1–R35 and xapi's own checks
 *
 * Every check reads only the caches: no network. A request is checked as
 * a whole (ferry_rules_check()); a grid of VMs × destinations has its own
 * object (ferry-feasibility.h). Rule IDs are the spec's ("R12") or, for
 * xapi's checks that the spec does not name, "X-…" (xapi.md §4).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-check.h"
#include "ferry-move-request.h"
#include "ferry-rule-settings.h"
#include "ferry-types.h"

G_BEGIN_DECLS

/* Checks @request: every finding, VM by VM in the request's order (each
 * VM's findings in rule order), then findings about the request as a whole.
 * @queued: (element-type FerryMoveRequest) (nullable): other requests
 * waiting to run; their disks count against the same SRs (R19, R20) and
 * their VMs against the same hosts' memory (R17).
 * @settings: (nullable): what the user said about the pools.
 * Returns: (transfer full) (element-type FerryCheck): the findings. */
GPtrArray  *ferry_rules_check               (FerryMoveRequest   *request,
                                             GPtrArray          *queued,
                                             FerryRuleSettings  *settings);

/* The rules, in the order their findings are reported. */
guint       ferry_rules_get_n_rules         (void);
const char *ferry_rules_get_rule_id         (guint               index);
/* A short translated phrase ("older destination version"), or NULL. */
const char *ferry_rules_get_rule_summary    (const char         *rule_id);
/* Whether a rule of that ID exists (R-rules and X-rules). */
gboolean    ferry_rules_has_rule            (const char         *rule_id);

/* xapi's version comparison (xapi.md §4.5): split at the first '-', keep
 * the numeric '.'-separated parts of both halves, compare lexicographically;
 * on a tie the longer list wins. NULL counts as "0.0.0". Returns <0, 0, >0. */
int         ferry_rules_compare_versions    (const char         *a,
                                             const char         *b);
/* TRUE when @destination's platform_version, xapi_build and xen are all at
 * least @source's. Otherwise @key (optional) names the first key that is
 * lower. */
gboolean    ferry_rules_host_version_ok     (FerryHost          *destination,
                                             FerryHost          *source,
                                             const char        **key);
/* Subset test of two CPU feature strings (xapi.md §4.6): TRUE when every
 * bit of @vm is set in @host, after zero-extending the shorter. */
gboolean    ferry_rules_cpu_features_subset (const char         *vm,
                                             const char         *host);

G_END_DECLS
