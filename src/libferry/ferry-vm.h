/* ferry-vm.h: a VM, template or snapshot (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_VM_POWER_STATE_UNKNOWN,
  FERRY_VM_POWER_STATE_HALTED,
  FERRY_VM_POWER_STATE_PAUSED,
  FERRY_VM_POWER_STATE_RUNNING,
  FERRY_VM_POWER_STATE_SUSPENDED,
} FerryVmPowerState;

#define FERRY_TYPE_VM_POWER_STATE (ferry_vm_power_state_get_type ())

GType ferry_vm_power_state_get_type (void) G_GNUC_CONST;

#define FERRY_TYPE_VM (ferry_vm_get_type ())

G_DECLARE_FINAL_TYPE (FerryVm, ferry_vm, FERRY, VM, FerryObject)

FerryVmPowerState   ferry_vm_get_power_state                 (FerryVm *self);
gboolean            ferry_vm_get_is_a_template               (FerryVm *self);
gboolean            ferry_vm_get_is_default_template         (FerryVm *self);
gboolean            ferry_vm_get_is_a_snapshot               (FerryVm *self);
const char         *ferry_vm_get_snapshot_of                 (FerryVm *self);
gboolean            ferry_vm_get_is_control_domain           (FerryVm *self);
const char         *ferry_vm_get_domain_type                 (FerryVm *self);
gint64              ferry_vm_get_domid                       (FerryVm *self);
const char         *ferry_vm_get_resident_on                 (FerryVm *self);
const char         *ferry_vm_get_scheduled_to_be_resident_on (FerryVm *self);
const char         *ferry_vm_get_affinity                    (FerryVm *self);
gint64              ferry_vm_get_memory_static_min           (FerryVm *self);
gint64              ferry_vm_get_memory_dynamic_min          (FerryVm *self);
gint64              ferry_vm_get_memory_dynamic_max          (FerryVm *self);
gint64              ferry_vm_get_memory_static_max           (FerryVm *self);
gint64              ferry_vm_get_memory_overhead             (FerryVm *self);
gint64              ferry_vm_get_vcpus_max                   (FerryVm *self);
gint64              ferry_vm_get_vcpus_at_startup            (FerryVm *self);
const char         *ferry_vm_lookup_vcpus_params             (FerryVm    *self,
                                                              const char *key);
const char         *ferry_vm_lookup_last_boot_cpu_flags      (FerryVm    *self,
                                                              const char *key);
gint64              ferry_vm_get_hardware_platform_version   (FerryVm *self);
const char         *ferry_vm_lookup_platform                 (FerryVm    *self,
                                                              const char *key);
const char         *ferry_vm_lookup_blocked_operations       (FerryVm    *self,
                                                              const char *key);
const char * const *ferry_vm_get_attached_pcis               (FerryVm *self);
const char         *ferry_vm_get_suspend_vdi                 (FerryVm *self);
const char         *ferry_vm_get_suspend_sr                  (FerryVm *self);
const char         *ferry_vm_get_ha_restart_priority         (FerryVm *self);
gboolean            ferry_vm_get_ha_always_run               (FerryVm *self);
const char         *ferry_vm_get_metrics                     (FerryVm *self);
const char         *ferry_vm_get_guest_metrics               (FerryVm *self);
const char         *ferry_vm_get_appliance                   (FerryVm *self);
gboolean            ferry_vm_get_has_vendor_device           (FerryVm *self);
double              ferry_vm_get_hvm_shadow_multiplier       (FerryVm *self);
GListModel         *ferry_vm_get_vbds                        (FerryVm *self);
GListModel         *ferry_vm_get_vifs                        (FerryVm *self);
GListModel         *ferry_vm_get_vgpus                       (FerryVm *self);
GListModel         *ferry_vm_get_vusbs                       (FerryVm *self);
GListModel         *ferry_vm_get_snapshots                   (FerryVm *self);

G_END_DECLS
