/* ferry-pusb.c: a physical USB device of a host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-pusb"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-pusb.h"

typedef struct
{
  char     *host;
  char     *usb_group;
  char     *path;
  char     *vendor_id;
  char     *vendor_desc;
  char     *product_id;
  char     *product_desc;
  char     *serial;
  char     *version;
  char     *description;
  gboolean  passthrough_enabled;
} Fields;

struct _FerryPusb
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_HOST,
  PROP_USB_GROUP,
  PROP_PATH,
  PROP_VENDOR_ID,
  PROP_VENDOR_DESC,
  PROP_PRODUCT_ID,
  PROP_PRODUCT_DESC,
  PROP_SERIAL,
  PROP_VERSION,
  PROP_DESCRIPTION,
  PROP_PASSTHROUGH_ENABLED,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("host", REF, Fields, host, PROP_HOST),
  FERRY_FIELD ("USB_group", REF, Fields, usb_group, PROP_USB_GROUP),
  FERRY_FIELD ("path", STRING, Fields, path, PROP_PATH),
  FERRY_FIELD ("vendor_id", STRING, Fields, vendor_id, PROP_VENDOR_ID),
  FERRY_FIELD ("vendor_desc", STRING, Fields, vendor_desc, PROP_VENDOR_DESC),
  FERRY_FIELD ("product_id", STRING, Fields, product_id, PROP_PRODUCT_ID),
  FERRY_FIELD ("product_desc", STRING, Fields, product_desc, PROP_PRODUCT_DESC),
  FERRY_FIELD ("serial", STRING, Fields, serial, PROP_SERIAL),
  FERRY_FIELD ("version", STRING, Fields, version, PROP_VERSION),
  FERRY_FIELD ("description", STRING, Fields, description, PROP_DESCRIPTION),
  FERRY_FIELD ("passthrough_enabled", BOOLEAN, Fields, passthrough_enabled, PROP_PASSTHROUGH_ENABLED),
};

FERRY_DEFINE_OBJECT_TYPE (FerryPusb, ferry_pusb, FERRY_CLASS_PUSB, "PUSB")

FERRY_DEFINE_GETTER (FerryPusb, ferry_pusb, const char *, host, host)
FERRY_DEFINE_GETTER (FerryPusb, ferry_pusb, const char *, usb_group, usb_group)
FERRY_DEFINE_GETTER (FerryPusb, ferry_pusb, const char *, path, path)
FERRY_DEFINE_GETTER (FerryPusb, ferry_pusb, const char *, vendor_id, vendor_id)
FERRY_DEFINE_GETTER (FerryPusb, ferry_pusb, const char *, vendor_desc, vendor_desc)
FERRY_DEFINE_GETTER (FerryPusb, ferry_pusb, const char *, product_id, product_id)
FERRY_DEFINE_GETTER (FerryPusb, ferry_pusb, const char *, product_desc, product_desc)
FERRY_DEFINE_GETTER (FerryPusb, ferry_pusb, const char *, serial, serial)
FERRY_DEFINE_GETTER (FerryPusb, ferry_pusb, const char *, version, version)
FERRY_DEFINE_GETTER (FerryPusb, ferry_pusb, const char *, description, description)
FERRY_DEFINE_GETTER (FerryPusb, ferry_pusb, gboolean, passthrough_enabled, passthrough_enabled)
