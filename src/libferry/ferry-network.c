/* ferry-network.c: a network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-network"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-network.h"

typedef struct
{
  char     *bridge;
  gboolean  managed;
  gint64    mtu;
} Fields;

struct _FerryNetwork
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_BRIDGE,
  PROP_MANAGED,
  PROP_MTU,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("bridge", STRING, Fields, bridge, PROP_BRIDGE),
  FERRY_FIELD ("managed", BOOLEAN, Fields, managed, PROP_MANAGED),
  FERRY_FIELD ("MTU", INT, Fields, mtu, PROP_MTU),
};

FERRY_DEFINE_OBJECT_TYPE (FerryNetwork, ferry_network, FERRY_CLASS_NETWORK, "network")

FERRY_DEFINE_GETTER (FerryNetwork, ferry_network, const char *, bridge, bridge)
FERRY_DEFINE_GETTER (FerryNetwork, ferry_network, gboolean, managed, managed)
FERRY_DEFINE_GETTER (FerryNetwork, ferry_network, gint64, mtu, mtu)
FERRY_DEFINE_RELATION_GETTER (FerryNetwork, ferry_network, vifs, FERRY_RELATION_NETWORK_VIFS)
FERRY_DEFINE_RELATION_GETTER (FerryNetwork, ferry_network, pifs, FERRY_RELATION_NETWORK_PIFS)
