/* ferry-vm.c: a VM, template or snapshot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-vm"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-vm.h"

typedef struct
{
  int       power_state;
  gboolean  is_a_template;
  gboolean  is_default_template;
  gboolean  is_a_snapshot;
  char     *snapshot_of;
  gboolean  is_control_domain;
  char     *domain_type;
  gint64    domid;
  char     *resident_on;
  char     *scheduled_to_be_resident_on;
  char     *affinity;
  gint64    memory_static_min;
  gint64    memory_dynamic_min;
  gint64    memory_dynamic_max;
  gint64    memory_static_max;
  gint64    memory_overhead;
  gint64    vcpus_max;
  gint64    vcpus_at_startup;
  char    **vcpus_params;
  char    **last_boot_cpu_flags;
  gint64    hardware_platform_version;
  char    **platform;
  char    **blocked_operations;
  char    **attached_pcis;
  char     *suspend_vdi;
  char     *suspend_sr;
  char     *ha_restart_priority;
  gboolean  ha_always_run;
  char     *metrics;
  char     *guest_metrics;
  char     *appliance;
  gboolean  has_vendor_device;
  double    hvm_shadow_multiplier;
} Fields;

struct _FerryVm
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_POWER_STATE,
  PROP_IS_A_TEMPLATE,
  PROP_IS_DEFAULT_TEMPLATE,
  PROP_IS_A_SNAPSHOT,
  PROP_SNAPSHOT_OF,
  PROP_IS_CONTROL_DOMAIN,
  PROP_DOMAIN_TYPE,
  PROP_DOMID,
  PROP_RESIDENT_ON,
  PROP_SCHEDULED_TO_BE_RESIDENT_ON,
  PROP_AFFINITY,
  PROP_MEMORY_STATIC_MIN,
  PROP_MEMORY_DYNAMIC_MIN,
  PROP_MEMORY_DYNAMIC_MAX,
  PROP_MEMORY_STATIC_MAX,
  PROP_MEMORY_OVERHEAD,
  PROP_VCPUS_MAX,
  PROP_VCPUS_AT_STARTUP,
  PROP_VCPUS_PARAMS,
  PROP_LAST_BOOT_CPU_FLAGS,
  PROP_HARDWARE_PLATFORM_VERSION,
  PROP_PLATFORM,
  PROP_BLOCKED_OPERATIONS,
  PROP_ATTACHED_PCIS,
  PROP_SUSPEND_VDI,
  PROP_SUSPEND_SR,
  PROP_HA_RESTART_PRIORITY,
  PROP_HA_ALWAYS_RUN,
  PROP_METRICS,
  PROP_GUEST_METRICS,
  PROP_APPLIANCE,
  PROP_HAS_VENDOR_DEVICE,
  PROP_HVM_SHADOW_MULTIPLIER,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD_ENUM ("power_state", Fields, power_state, PROP_POWER_STATE, ferry_vm_power_state_get_type),
  FERRY_FIELD ("is_a_template", BOOLEAN, Fields, is_a_template, PROP_IS_A_TEMPLATE),
  FERRY_FIELD ("is_default_template", BOOLEAN, Fields, is_default_template, PROP_IS_DEFAULT_TEMPLATE),
  FERRY_FIELD ("is_a_snapshot", BOOLEAN, Fields, is_a_snapshot, PROP_IS_A_SNAPSHOT),
  FERRY_FIELD ("snapshot_of", REF, Fields, snapshot_of, PROP_SNAPSHOT_OF),
  FERRY_FIELD ("is_control_domain", BOOLEAN, Fields, is_control_domain, PROP_IS_CONTROL_DOMAIN),
  FERRY_FIELD ("domain_type", STRING, Fields, domain_type, PROP_DOMAIN_TYPE),
  FERRY_FIELD ("domid", INT, Fields, domid, PROP_DOMID),
  FERRY_FIELD ("resident_on", REF, Fields, resident_on, PROP_RESIDENT_ON),
  FERRY_FIELD ("scheduled_to_be_resident_on", REF, Fields, scheduled_to_be_resident_on, PROP_SCHEDULED_TO_BE_RESIDENT_ON),
  FERRY_FIELD ("affinity", REF, Fields, affinity, PROP_AFFINITY),
  FERRY_FIELD ("memory_static_min", INT, Fields, memory_static_min, PROP_MEMORY_STATIC_MIN),
  FERRY_FIELD ("memory_dynamic_min", INT, Fields, memory_dynamic_min, PROP_MEMORY_DYNAMIC_MIN),
  FERRY_FIELD ("memory_dynamic_max", INT, Fields, memory_dynamic_max, PROP_MEMORY_DYNAMIC_MAX),
  FERRY_FIELD ("memory_static_max", INT, Fields, memory_static_max, PROP_MEMORY_STATIC_MAX),
  FERRY_FIELD ("memory_overhead", INT, Fields, memory_overhead, PROP_MEMORY_OVERHEAD),
  FERRY_FIELD ("VCPUs_max", INT, Fields, vcpus_max, PROP_VCPUS_MAX),
  FERRY_FIELD ("VCPUs_at_startup", INT, Fields, vcpus_at_startup, PROP_VCPUS_AT_STARTUP),
  FERRY_FIELD ("VCPUs_params", MAP, Fields, vcpus_params, PROP_VCPUS_PARAMS),
  FERRY_FIELD ("last_boot_CPU_flags", MAP, Fields, last_boot_cpu_flags, PROP_LAST_BOOT_CPU_FLAGS),
  FERRY_FIELD ("hardware_platform_version", INT, Fields, hardware_platform_version, PROP_HARDWARE_PLATFORM_VERSION),
  FERRY_FIELD ("platform", MAP, Fields, platform, PROP_PLATFORM),
  FERRY_FIELD ("blocked_operations", MAP, Fields, blocked_operations, PROP_BLOCKED_OPERATIONS),
  FERRY_FIELD ("attached_PCIs", SET, Fields, attached_pcis, PROP_ATTACHED_PCIS),
  FERRY_FIELD ("suspend_VDI", REF, Fields, suspend_vdi, PROP_SUSPEND_VDI),
  FERRY_FIELD ("suspend_SR", REF, Fields, suspend_sr, PROP_SUSPEND_SR),
  FERRY_FIELD ("ha_restart_priority", STRING, Fields, ha_restart_priority, PROP_HA_RESTART_PRIORITY),
  FERRY_FIELD ("ha_always_run", BOOLEAN, Fields, ha_always_run, PROP_HA_ALWAYS_RUN),
  FERRY_FIELD ("metrics", REF, Fields, metrics, PROP_METRICS),
  FERRY_FIELD ("guest_metrics", REF, Fields, guest_metrics, PROP_GUEST_METRICS),
  FERRY_FIELD ("appliance", REF, Fields, appliance, PROP_APPLIANCE),
  FERRY_FIELD ("has_vendor_device", BOOLEAN, Fields, has_vendor_device, PROP_HAS_VENDOR_DEVICE),
  FERRY_FIELD ("HVM_shadow_multiplier", FLOAT, Fields, hvm_shadow_multiplier, PROP_HVM_SHADOW_MULTIPLIER),
};

G_DEFINE_ENUM_TYPE (FerryVmPowerState, ferry_vm_power_state,
  G_DEFINE_ENUM_VALUE (FERRY_VM_POWER_STATE_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (FERRY_VM_POWER_STATE_HALTED, "Halted"),
  G_DEFINE_ENUM_VALUE (FERRY_VM_POWER_STATE_PAUSED, "Paused"),
  G_DEFINE_ENUM_VALUE (FERRY_VM_POWER_STATE_RUNNING, "Running"),
  G_DEFINE_ENUM_VALUE (FERRY_VM_POWER_STATE_SUSPENDED, "Suspended"))

FERRY_DEFINE_OBJECT_TYPE (FerryVm, ferry_vm, FERRY_CLASS_VM, "VM")

FERRY_DEFINE_GETTER (FerryVm, ferry_vm, FerryVmPowerState, power_state, power_state)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gboolean, is_a_template, is_a_template)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gboolean, is_default_template, is_default_template)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gboolean, is_a_snapshot, is_a_snapshot)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, const char *, snapshot_of, snapshot_of)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gboolean, is_control_domain, is_control_domain)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, const char *, domain_type, domain_type)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gint64, domid, domid)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, const char *, resident_on, resident_on)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, const char *, scheduled_to_be_resident_on, scheduled_to_be_resident_on)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, const char *, affinity, affinity)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gint64, memory_static_min, memory_static_min)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gint64, memory_dynamic_min, memory_dynamic_min)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gint64, memory_dynamic_max, memory_dynamic_max)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gint64, memory_static_max, memory_static_max)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gint64, memory_overhead, memory_overhead)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gint64, vcpus_max, vcpus_max)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gint64, vcpus_at_startup, vcpus_at_startup)
FERRY_DEFINE_MAP_LOOKUP (FerryVm, ferry_vm, vcpus_params, vcpus_params)
FERRY_DEFINE_MAP_LOOKUP (FerryVm, ferry_vm, last_boot_cpu_flags, last_boot_cpu_flags)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gint64, hardware_platform_version, hardware_platform_version)
FERRY_DEFINE_MAP_LOOKUP (FerryVm, ferry_vm, platform, platform)
FERRY_DEFINE_MAP_LOOKUP (FerryVm, ferry_vm, blocked_operations, blocked_operations)
FERRY_DEFINE_SET_GETTER (FerryVm, ferry_vm, attached_pcis, attached_pcis)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, const char *, suspend_vdi, suspend_vdi)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, const char *, suspend_sr, suspend_sr)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, const char *, ha_restart_priority, ha_restart_priority)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gboolean, ha_always_run, ha_always_run)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, const char *, metrics, metrics)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, const char *, guest_metrics, guest_metrics)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, const char *, appliance, appliance)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, gboolean, has_vendor_device, has_vendor_device)
FERRY_DEFINE_GETTER (FerryVm, ferry_vm, double, hvm_shadow_multiplier, hvm_shadow_multiplier)
FERRY_DEFINE_RELATION_GETTER (FerryVm, ferry_vm, vbds, FERRY_RELATION_VM_VBDS)
FERRY_DEFINE_RELATION_GETTER (FerryVm, ferry_vm, vifs, FERRY_RELATION_VM_VIFS)
FERRY_DEFINE_RELATION_GETTER (FerryVm, ferry_vm, vgpus, FERRY_RELATION_VM_VGPUS)
FERRY_DEFINE_RELATION_GETTER (FerryVm, ferry_vm, vusbs, FERRY_RELATION_VM_VUSBS)
FERRY_DEFINE_RELATION_GETTER (FerryVm, ferry_vm, snapshots, FERRY_RELATION_VM_SNAPSHOTS)
