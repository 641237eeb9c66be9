/* ferry-vdi.h: a virtual disk image (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_VDI (ferry_vdi_get_type ())

G_DECLARE_FINAL_TYPE (FerryVdi, ferry_vdi, FERRY, VDI, FerryObject)

const char *ferry_vdi_get_sr                   (FerryVdi *self);
gint64      ferry_vdi_get_virtual_size         (FerryVdi *self);
gint64      ferry_vdi_get_physical_utilisation (FerryVdi *self);
const char *ferry_vdi_get_vdi_type             (FerryVdi *self);
gboolean    ferry_vdi_get_sharable             (FerryVdi *self);
gboolean    ferry_vdi_get_read_only            (FerryVdi *self);
const char *ferry_vdi_get_location             (FerryVdi *self);
gboolean    ferry_vdi_get_managed              (FerryVdi *self);
gboolean    ferry_vdi_get_missing              (FerryVdi *self);
const char *ferry_vdi_lookup_sm_config         (FerryVdi   *self,
                                                const char *key);
const char *ferry_vdi_get_on_boot              (FerryVdi *self);
gboolean    ferry_vdi_get_allow_caching        (FerryVdi *self);
gboolean    ferry_vdi_get_cbt_enabled          (FerryVdi *self);
gboolean    ferry_vdi_get_is_a_snapshot        (FerryVdi *self);
const char *ferry_vdi_get_snapshot_of          (FerryVdi *self);
const char *ferry_vdi_get_snapshot_time        (FerryVdi *self);
gboolean    ferry_vdi_get_is_tools_iso         (FerryVdi *self);
const char *ferry_vdi_get_metadata_of_pool     (FerryVdi *self);
GListModel *ferry_vdi_get_vbds                 (FerryVdi *self);
GListModel *ferry_vdi_get_snapshots            (FerryVdi *self);

G_END_DECLS
