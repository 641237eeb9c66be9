/* ferry-pusb.h: a physical USB device of a host (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_PUSB (ferry_pusb_get_type ())

G_DECLARE_FINAL_TYPE (FerryPusb, ferry_pusb, FERRY, PUSB, FerryObject)

const char *ferry_pusb_get_host                (FerryPusb *self);
const char *ferry_pusb_get_usb_group           (FerryPusb *self);
const char *ferry_pusb_get_path                (FerryPusb *self);
const char *ferry_pusb_get_vendor_id           (FerryPusb *self);
const char *ferry_pusb_get_vendor_desc         (FerryPusb *self);
const char *ferry_pusb_get_product_id          (FerryPusb *self);
const char *ferry_pusb_get_product_desc        (FerryPusb *self);
const char *ferry_pusb_get_serial              (FerryPusb *self);
const char *ferry_pusb_get_version             (FerryPusb *self);
const char *ferry_pusb_get_description         (FerryPusb *self);
gboolean    ferry_pusb_get_passthrough_enabled (FerryPusb *self);

G_END_DECLS
