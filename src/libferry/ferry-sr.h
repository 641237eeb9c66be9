/* ferry-sr.h: a storage repository (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_SR (ferry_sr_get_type ())

G_DECLARE_FINAL_TYPE (FerrySr, ferry_sr, FERRY, SR, FerryObject)

const char *ferry_sr_get_sr_type              (FerrySr *self);
const char *ferry_sr_get_content_type         (FerrySr *self);
gboolean    ferry_sr_get_shared               (FerrySr *self);
gboolean    ferry_sr_get_clustered            (FerrySr *self);
gint64      ferry_sr_get_physical_size        (FerrySr *self);
gint64      ferry_sr_get_physical_utilisation (FerrySr *self);
gint64      ferry_sr_get_virtual_allocation   (FerrySr *self);
gboolean    ferry_sr_get_is_tools_sr          (FerrySr *self);
const char *ferry_sr_lookup_sm_config         (FerrySr    *self,
                                               const char *key);
GListModel *ferry_sr_get_vdis                 (FerrySr *self);
GListModel *ferry_sr_get_pbds                 (FerrySr *self);

G_END_DECLS
