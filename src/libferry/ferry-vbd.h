/* ferry-vbd.h: a virtual block device (VM ↔ VDI) (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_VBD (ferry_vbd_get_type ())

G_DECLARE_FINAL_TYPE (FerryVbd, ferry_vbd, FERRY, VBD, FerryObject)

const char *ferry_vbd_get_vm                 (FerryVbd *self);
const char *ferry_vbd_get_vdi                (FerryVbd *self);
const char *ferry_vbd_get_device             (FerryVbd *self);
const char *ferry_vbd_get_userdevice         (FerryVbd *self);
gboolean    ferry_vbd_get_bootable           (FerryVbd *self);
const char *ferry_vbd_get_mode               (FerryVbd *self);
const char *ferry_vbd_get_vbd_type           (FerryVbd *self);
gboolean    ferry_vbd_get_empty              (FerryVbd *self);
gboolean    ferry_vbd_get_currently_attached (FerryVbd *self);
gboolean    ferry_vbd_get_unpluggable        (FerryVbd *self);

G_END_DECLS
