/* ferry-vusb.c: a virtual USB device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-vusb"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-vusb.h"

typedef struct
{
  char     *vm;
  char     *usb_group;
  gboolean  currently_attached;
} Fields;

struct _FerryVusb
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_VM,
  PROP_USB_GROUP,
  PROP_CURRENTLY_ATTACHED,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("VM", REF, Fields, vm, PROP_VM),
  FERRY_FIELD ("USB_group", REF, Fields, usb_group, PROP_USB_GROUP),
  FERRY_FIELD ("currently_attached", BOOLEAN, Fields, currently_attached, PROP_CURRENTLY_ATTACHED),
};

FERRY_DEFINE_OBJECT_TYPE (FerryVusb, ferry_vusb, FERRY_CLASS_VUSB, "VUSB")

FERRY_DEFINE_GETTER (FerryVusb, ferry_vusb, const char *, vm, vm)
FERRY_DEFINE_GETTER (FerryVusb, ferry_vusb, const char *, usb_group, usb_group)
FERRY_DEFINE_GETTER (FerryVusb, ferry_vusb, gboolean, currently_attached, currently_attached)
