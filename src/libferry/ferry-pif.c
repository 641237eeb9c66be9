/* ferry-pif.c: a physical network interface of a host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-pif"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-pif.h"

typedef struct
{
  char     *host;
  char     *network;
  char     *device;
  char     *mac;
  gint64    mtu;
  gint64    vlan;
  char     *ip;
  char    **ipv6;
  char     *primary_address_type;
  char     *ip_configuration_mode;
  gboolean  currently_attached;
  gboolean  management;
  gboolean  physical;
  char     *bond_slave_of;
  char     *pci;
  char     *metrics;
} Fields;

struct _FerryPif
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_HOST,
  PROP_NETWORK,
  PROP_DEVICE,
  PROP_MAC,
  PROP_MTU,
  PROP_VLAN,
  PROP_IP,
  PROP_IPV6,
  PROP_PRIMARY_ADDRESS_TYPE,
  PROP_IP_CONFIGURATION_MODE,
  PROP_CURRENTLY_ATTACHED,
  PROP_MANAGEMENT,
  PROP_PHYSICAL,
  PROP_BOND_SLAVE_OF,
  PROP_PCI,
  PROP_METRICS,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("host", REF, Fields, host, PROP_HOST),
  FERRY_FIELD ("network", REF, Fields, network, PROP_NETWORK),
  FERRY_FIELD ("device", STRING, Fields, device, PROP_DEVICE),
  FERRY_FIELD ("MAC", STRING, Fields, mac, PROP_MAC),
  FERRY_FIELD ("MTU", INT, Fields, mtu, PROP_MTU),
  FERRY_FIELD ("VLAN", INT, Fields, vlan, PROP_VLAN),
  FERRY_FIELD ("IP", STRING, Fields, ip, PROP_IP),
  FERRY_FIELD ("IPv6", SET, Fields, ipv6, PROP_IPV6),
  FERRY_FIELD ("primary_address_type", STRING, Fields, primary_address_type, PROP_PRIMARY_ADDRESS_TYPE),
  FERRY_FIELD ("ip_configuration_mode", STRING, Fields, ip_configuration_mode, PROP_IP_CONFIGURATION_MODE),
  FERRY_FIELD ("currently_attached", BOOLEAN, Fields, currently_attached, PROP_CURRENTLY_ATTACHED),
  FERRY_FIELD ("management", BOOLEAN, Fields, management, PROP_MANAGEMENT),
  FERRY_FIELD ("physical", BOOLEAN, Fields, physical, PROP_PHYSICAL),
  FERRY_FIELD ("bond_slave_of", REF, Fields, bond_slave_of, PROP_BOND_SLAVE_OF),
  FERRY_FIELD ("PCI", REF, Fields, pci, PROP_PCI),
  FERRY_FIELD ("metrics", REF, Fields, metrics, PROP_METRICS),
};

FERRY_DEFINE_OBJECT_TYPE (FerryPif, ferry_pif, FERRY_CLASS_PIF, "PIF")

FERRY_DEFINE_GETTER (FerryPif, ferry_pif, const char *, host, host)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, const char *, network, network)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, const char *, device, device)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, const char *, mac, mac)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, gint64, mtu, mtu)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, gint64, vlan, vlan)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, const char *, ip, ip)
FERRY_DEFINE_SET_GETTER (FerryPif, ferry_pif, ipv6, ipv6)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, const char *, primary_address_type, primary_address_type)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, const char *, ip_configuration_mode, ip_configuration_mode)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, gboolean, currently_attached, currently_attached)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, gboolean, management, management)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, gboolean, physical, physical)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, const char *, bond_slave_of, bond_slave_of)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, const char *, pci, pci)
FERRY_DEFINE_GETTER (FerryPif, ferry_pif, const char *, metrics, metrics)
