/* ferry-vm-guest-metrics.c: what a VM's guest agent reports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-vm-guest-metrics"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-vm-guest-metrics.h"

typedef struct
{
  char    **os_version;
  char    **pv_drivers_version;
  gboolean  pv_drivers_detected;
  char    **networks;
  char    **other;
  gboolean  live;
  char     *last_updated;
} Fields;

struct _FerryVmGuestMetrics
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_OS_VERSION,
  PROP_PV_DRIVERS_VERSION,
  PROP_PV_DRIVERS_DETECTED,
  PROP_NETWORKS,
  PROP_OTHER,
  PROP_LIVE,
  PROP_LAST_UPDATED,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("os_version", MAP, Fields, os_version, PROP_OS_VERSION),
  FERRY_FIELD ("PV_drivers_version", MAP, Fields, pv_drivers_version, PROP_PV_DRIVERS_VERSION),
  FERRY_FIELD ("PV_drivers_detected", BOOLEAN, Fields, pv_drivers_detected, PROP_PV_DRIVERS_DETECTED),
  FERRY_FIELD ("networks", MAP, Fields, networks, PROP_NETWORKS),
  FERRY_FIELD ("other", MAP, Fields, other, PROP_OTHER),
  FERRY_FIELD ("live", BOOLEAN, Fields, live, PROP_LIVE),
  FERRY_FIELD ("last_updated", STRING, Fields, last_updated, PROP_LAST_UPDATED),
};

FERRY_DEFINE_OBJECT_TYPE (FerryVmGuestMetrics, ferry_vm_guest_metrics, FERRY_CLASS_VM_GUEST_METRICS, "VM_guest_metrics")

FERRY_DEFINE_MAP_LOOKUP (FerryVmGuestMetrics, ferry_vm_guest_metrics, os_version, os_version)
FERRY_DEFINE_MAP_LOOKUP (FerryVmGuestMetrics, ferry_vm_guest_metrics, pv_drivers_version, pv_drivers_version)
FERRY_DEFINE_GETTER (FerryVmGuestMetrics, ferry_vm_guest_metrics, gboolean, pv_drivers_detected, pv_drivers_detected)
FERRY_DEFINE_MAP_LOOKUP (FerryVmGuestMetrics, ferry_vm_guest_metrics, networks, networks)
FERRY_DEFINE_MAP_LOOKUP (FerryVmGuestMetrics, ferry_vm_guest_metrics, other, other)
FERRY_DEFINE_GETTER (FerryVmGuestMetrics, ferry_vm_guest_metrics, gboolean, live, live)
FERRY_DEFINE_GETTER (FerryVmGuestMetrics, ferry_vm_guest_metrics, const char *, last_updated, last_updated)
