/* ferry-sm.h: a storage driver (one per SR type) (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_SM (ferry_sm_get_type ())

G_DECLARE_FINAL_TYPE (FerrySm, ferry_sm, FERRY, SM, FerryObject)

const char         *ferry_sm_get_sm_type                (FerrySm *self);
const char         *ferry_sm_get_vendor                 (FerrySm *self);
const char         *ferry_sm_get_version                (FerrySm *self);
const char * const *ferry_sm_get_capabilities           (FerrySm *self);
const char         *ferry_sm_lookup_features            (FerrySm    *self,
                                                         const char *key);
const char * const *ferry_sm_get_required_cluster_stack (FerrySm *self);

G_END_DECLS
