/* ferry-vif.c: a virtual network interface (VM ↔ network)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-vif"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-vif.h"

typedef struct
{
  char     *vm;
  char     *network;
  char     *device;
  char     *mac;
  gint64    mtu;
  gboolean  currently_attached;
  char     *locking_mode;
} Fields;

struct _FerryVif
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_VM,
  PROP_NETWORK,
  PROP_DEVICE,
  PROP_MAC,
  PROP_MTU,
  PROP_CURRENTLY_ATTACHED,
  PROP_LOCKING_MODE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("VM", REF, Fields, vm, PROP_VM),
  FERRY_FIELD ("network", REF, Fields, network, PROP_NETWORK),
  FERRY_FIELD ("device", STRING, Fields, device, PROP_DEVICE),
  FERRY_FIELD ("MAC", STRING, Fields, mac, PROP_MAC),
  FERRY_FIELD ("MTU", INT, Fields, mtu, PROP_MTU),
  FERRY_FIELD ("currently_attached", BOOLEAN, Fields, currently_attached, PROP_CURRENTLY_ATTACHED),
  FERRY_FIELD ("locking_mode", STRING, Fields, locking_mode, PROP_LOCKING_MODE),
};

FERRY_DEFINE_OBJECT_TYPE (FerryVif, ferry_vif, FERRY_CLASS_VIF, "VIF")

FERRY_DEFINE_GETTER (FerryVif, ferry_vif, const char *, vm, vm)
FERRY_DEFINE_GETTER (FerryVif, ferry_vif, const char *, network, network)
FERRY_DEFINE_GETTER (FerryVif, ferry_vif, const char *, device, device)
FERRY_DEFINE_GETTER (FerryVif, ferry_vif, const char *, mac, mac)
FERRY_DEFINE_GETTER (FerryVif, ferry_vif, gint64, mtu, mtu)
FERRY_DEFINE_GETTER (FerryVif, ferry_vif, gboolean, currently_attached, currently_attached)
FERRY_DEFINE_GETTER (FerryVif, ferry_vif, const char *, locking_mode, locking_mode)
