/* ferry-usb-group.h: a group of physical USB devices (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_USB_GROUP (ferry_usb_group_get_type ())

G_DECLARE_FINAL_TYPE (FerryUsbGroup, ferry_usb_group, FERRY, USB_GROUP, FerryObject)

GListModel *ferry_usb_group_get_pusbs (FerryUsbGroup *self);
GListModel *ferry_usb_group_get_vusbs (FerryUsbGroup *self);

G_END_DECLS
