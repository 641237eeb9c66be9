/* ferry-pci.c: a PCI device of a host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-pci"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-pci.h"

typedef struct
{
  char     *host;
  char     *pci_id;
  char     *class_name;
  char     *vendor_name;
  char     *device_name;
  char    **dependencies;
  char     *driver_name;
} Fields;

struct _FerryPci
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_HOST,
  PROP_PCI_ID,
  PROP_CLASS_NAME,
  PROP_VENDOR_NAME,
  PROP_DEVICE_NAME,
  PROP_DEPENDENCIES,
  PROP_DRIVER_NAME,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("host", REF, Fields, host, PROP_HOST),
  FERRY_FIELD ("pci_id", STRING, Fields, pci_id, PROP_PCI_ID),
  FERRY_FIELD ("class_name", STRING, Fields, class_name, PROP_CLASS_NAME),
  FERRY_FIELD ("vendor_name", STRING, Fields, vendor_name, PROP_VENDOR_NAME),
  FERRY_FIELD ("device_name", STRING, Fields, device_name, PROP_DEVICE_NAME),
  FERRY_FIELD ("dependencies", SET, Fields, dependencies, PROP_DEPENDENCIES),
  FERRY_FIELD ("driver_name", STRING, Fields, driver_name, PROP_DRIVER_NAME),
};

FERRY_DEFINE_OBJECT_TYPE (FerryPci, ferry_pci, FERRY_CLASS_PCI, "PCI")

FERRY_DEFINE_GETTER (FerryPci, ferry_pci, const char *, host, host)
FERRY_DEFINE_GETTER (FerryPci, ferry_pci, const char *, pci_id, pci_id)
FERRY_DEFINE_GETTER (FerryPci, ferry_pci, const char *, class_name, class_name)
FERRY_DEFINE_GETTER (FerryPci, ferry_pci, const char *, vendor_name, vendor_name)
FERRY_DEFINE_GETTER (FerryPci, ferry_pci, const char *, device_name, device_name)
FERRY_DEFINE_SET_GETTER (FerryPci, ferry_pci, dependencies, dependencies)
FERRY_DEFINE_GETTER (FerryPci, ferry_pci, const char *, driver_name, driver_name)
