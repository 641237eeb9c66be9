/* ferry-sim-lifecycle.h: which VM operations are allowed now (xapi.md §4.1, §8.3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-sim-db.h"

G_BEGIN_DECLS

/* xapi_vm_lifecycle.ml check_operation_error, in its order; the first failing
 * check wins. @strict is false for pool_migrate with force=true. */
gboolean ferry_sim_lifecycle_check_vm      (FerrySimDb   *db,
                                            FerrySimRow  *vm,
                                            const char   *operation,
                                            gboolean      strict,
                                            GError      **error);
/* Recomputes VM.allowed_operations (strict) for one VM, or every VM changed
 * since @since. */
void     ferry_sim_lifecycle_refresh_vm    (FerrySimDb   *db,
                                            FerrySimRow  *vm);
void     ferry_sim_lifecycle_refresh       (FerrySimDb   *db,
                                            gint64        since);

G_END_DECLS
