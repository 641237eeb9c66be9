/* ferry-vbd.c: a virtual block device (VM ↔ VDI)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-vbd"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-vbd.h"

typedef struct
{
  char     *vm;
  char     *vdi;
  char     *device;
  char     *userdevice;
  gboolean  bootable;
  char     *mode;
  char     *type;
  gboolean  empty;
  gboolean  currently_attached;
  gboolean  unpluggable;
} Fields;

struct _FerryVbd
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_VM,
  PROP_VDI,
  PROP_DEVICE,
  PROP_USERDEVICE,
  PROP_BOOTABLE,
  PROP_MODE,
  PROP_TYPE,
  PROP_EMPTY,
  PROP_CURRENTLY_ATTACHED,
  PROP_UNPLUGGABLE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("VM", REF, Fields, vm, PROP_VM),
  FERRY_FIELD ("VDI", REF, Fields, vdi, PROP_VDI),
  FERRY_FIELD ("device", STRING, Fields, device, PROP_DEVICE),
  FERRY_FIELD ("userdevice", STRING, Fields, userdevice, PROP_USERDEVICE),
  FERRY_FIELD ("bootable", BOOLEAN, Fields, bootable, PROP_BOOTABLE),
  FERRY_FIELD ("mode", STRING, Fields, mode, PROP_MODE),
  FERRY_FIELD ("type", STRING, Fields, type, PROP_TYPE),
  FERRY_FIELD ("empty", BOOLEAN, Fields, empty, PROP_EMPTY),
  FERRY_FIELD ("currently_attached", BOOLEAN, Fields, currently_attached, PROP_CURRENTLY_ATTACHED),
  FERRY_FIELD ("unpluggable", BOOLEAN, Fields, unpluggable, PROP_UNPLUGGABLE),
};

FERRY_DEFINE_OBJECT_TYPE (FerryVbd, ferry_vbd, FERRY_CLASS_VBD, "VBD")

FERRY_DEFINE_GETTER (FerryVbd, ferry_vbd, const char *, vm, vm)
FERRY_DEFINE_GETTER (FerryVbd, ferry_vbd, const char *, vdi, vdi)
FERRY_DEFINE_GETTER (FerryVbd, ferry_vbd, const char *, device, device)
FERRY_DEFINE_GETTER (FerryVbd, ferry_vbd, const char *, userdevice, userdevice)
FERRY_DEFINE_GETTER (FerryVbd, ferry_vbd, gboolean, bootable, bootable)
FERRY_DEFINE_GETTER (FerryVbd, ferry_vbd, const char *, mode, mode)
FERRY_DEFINE_GETTER (FerryVbd, ferry_vbd, const char *, vbd_type, type)
FERRY_DEFINE_GETTER (FerryVbd, ferry_vbd, gboolean, empty, empty)
FERRY_DEFINE_GETTER (FerryVbd, ferry_vbd, gboolean, currently_attached, currently_attached)
FERRY_DEFINE_GETTER (FerryVbd, ferry_vbd, gboolean, unpluggable, unpluggable)
