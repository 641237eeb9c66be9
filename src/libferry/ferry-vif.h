/* ferry-vif.h: a virtual network interface (VM ↔ network) (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_VIF (ferry_vif_get_type ())

G_DECLARE_FINAL_TYPE (FerryVif, ferry_vif, FERRY, VIF, FerryObject)

const char *ferry_vif_get_vm                 (FerryVif *self);
const char *ferry_vif_get_network            (FerryVif *self);
const char *ferry_vif_get_device             (FerryVif *self);
const char *ferry_vif_get_mac                (FerryVif *self);
gint64      ferry_vif_get_mtu                (FerryVif *self);
gboolean    ferry_vif_get_currently_attached (FerryVif *self);
const char *ferry_vif_get_locking_mode       (FerryVif *self);

G_END_DECLS
