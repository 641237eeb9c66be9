/* ferry-usb-group.c: a group of physical USB devices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-usb-group"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-usb-group.h"

struct _FerryUsbGroup
{
  FerryObject parent_instance;
};

FERRY_DEFINE_EMPTY_OBJECT_TYPE (FerryUsbGroup, ferry_usb_group, FERRY_CLASS_USB_GROUP, "USB_group")

FERRY_DEFINE_RELATION_GETTER (FerryUsbGroup, ferry_usb_group, pusbs, FERRY_RELATION_USB_GROUP_PUSBS)
FERRY_DEFINE_RELATION_GETTER (FerryUsbGroup, ferry_usb_group, vusbs, FERRY_RELATION_USB_GROUP_VUSBS)
