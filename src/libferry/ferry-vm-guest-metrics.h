/* ferry-vm-guest-metrics.h: what a VM's guest agent reports (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_VM_GUEST_METRICS (ferry_vm_guest_metrics_get_type ())

G_DECLARE_FINAL_TYPE (FerryVmGuestMetrics, ferry_vm_guest_metrics, FERRY, VM_GUEST_METRICS, FerryObject)

const char *ferry_vm_guest_metrics_lookup_os_version         (FerryVmGuestMetrics *self,
                                                              const char          *key);
const char *ferry_vm_guest_metrics_lookup_pv_drivers_version (FerryVmGuestMetrics *self,
                                                              const char          *key);
gboolean    ferry_vm_guest_metrics_get_pv_drivers_detected   (FerryVmGuestMetrics *self);
const char *ferry_vm_guest_metrics_lookup_networks           (FerryVmGuestMetrics *self,
                                                              const char          *key);
const char *ferry_vm_guest_metrics_lookup_other              (FerryVmGuestMetrics *self,
                                                              const char          *key);
gboolean    ferry_vm_guest_metrics_get_live                  (FerryVmGuestMetrics *self);
const char *ferry_vm_guest_metrics_get_last_updated          (FerryVmGuestMetrics *self);

G_END_DECLS
