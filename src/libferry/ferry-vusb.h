/* ferry-vusb.h: a virtual USB device (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_VUSB (ferry_vusb_get_type ())

G_DECLARE_FINAL_TYPE (FerryVusb, ferry_vusb, FERRY, VUSB, FerryObject)

const char *ferry_vusb_get_vm                 (FerryVusb *self);
const char *ferry_vusb_get_usb_group          (FerryVusb *self);
gboolean    ferry_vusb_get_currently_attached (FerryVusb *self);

G_END_DECLS
