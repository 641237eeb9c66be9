/* ferry-sim-classes.c: the classes, fields and enums of the XenAPI datamodel
 * that the simulator serves (xapi.md §2).
 *
 * Transcribed from xen-api's generated datamodel dump (doc/data/xenapi.json,
 * xapi 24.x, API 2.21): every field that appears in a record on the wire, in
 * datamodel order, internal_only fields left out. RW marks the fields with an
 * implicit public setter; StaticRO and DynamicRO fields are RO. A default is
 * given where the datamodel's (or, marked "xapi", the value xapi sets on
 * creation) is not the type's zero. `inverse` names the ref field of the
 * other class that a derived one-to-many set mirrors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-sim-schema.h"

#define RO FERRY_SIM_FIELD_RO
#define RW FERRY_SIM_FIELD_RW

/* Enums, values in datamodel order. */

static const char * const task_allowed_operations[] = {
  "cancel", "destroy", NULL
};
static const char * const task_status_type[] = {
  "pending", "success", "failure", "cancelling", "cancelled", NULL
};
static const char * const event_operation[] = {
  "add", "del", "mod", NULL
};
static const char * const pool_allowed_operations[] = {
  "ha_enable", "ha_disable", "cluster_create", "designate_new_master",
  "configure_repositories", "sync_updates", "get_updates", "apply_updates",
  "tls_verification_enable", "cert_refresh", "exchange_certificates_on_join",
  "exchange_ca_certificates_on_join", "copy_primary_host_certs", "eject", NULL
};
static const char * const telemetry_frequency[] = {
  "daily", "weekly", "monthly", NULL
};
static const char * const update_sync_frequency[] = {
  "daily", "weekly", NULL
};
static const char * const vm_power_state[] = {
  "Halted", "Paused", "Running", "Suspended", NULL
};
static const char * const vm_operations[] = {
  "snapshot", "clone", "copy", "create_template", "revert", "checkpoint",
  "snapshot_with_quiesce", "provision", "start", "start_on", "pause", "unpause",
  "clean_shutdown", "clean_reboot", "hard_shutdown", "power_state_reset",
  "hard_reboot", "suspend", "csvm", "resume", "resume_on", "pool_migrate",
  "migrate_send", "get_boot_record", "send_sysrq", "send_trigger",
  "query_services", "shutdown", "call_plugin", "changing_memory_live",
  "awaiting_memory_live", "changing_dynamic_range", "changing_static_range",
  "changing_memory_limits", "changing_shadow_memory",
  "changing_shadow_memory_live", "changing_VCPUs", "changing_VCPUs_live",
  "changing_NVRAM", "assert_operation_valid", "data_source_op",
  "update_allowed_operations", "make_into_template", "import", "export",
  "metadata_export", "reverting", "destroy", "create_vtpm", NULL
};
static const char * const on_softreboot_behavior[] = {
  "soft_reboot", "destroy", "restart", "preserve", NULL
};
static const char * const on_normal_exit[] = {
  "destroy", "restart", NULL
};
static const char * const on_crash_behaviour[] = {
  "destroy", "coredump_and_destroy", "restart", "coredump_and_restart",
  "preserve", "rename_restart", NULL
};
static const char * const domain_type[] = {
  "hvm", "pv", "pv_in_pvh", "pvh", "unspecified", NULL
};
static const char * const update_guidances[] = {
  "reboot_host", "reboot_host_on_livepatch_failure",
  "reboot_host_on_kernel_livepatch_failure",
  "reboot_host_on_xen_livepatch_failure", "restart_toolstack",
  "restart_device_model", "restart_vm", NULL
};
static const char * const tristate_type[] = {
  "yes", "no", "unspecified", NULL
};
static const char * const host_allowed_operations[] = {
  "provision", "evacuate", "shutdown", "reboot", "power_on", "vm_start",
  "vm_resume", "vm_migrate", "apply_updates", "enable", NULL
};
static const char * const host_display[] = {
  "enabled", "disable_on_reboot", "disabled", "enable_on_reboot", NULL
};
static const char * const latest_synced_updates_applied_state[] = {
  "yes", "no", "unknown", NULL
};
static const char * const host_numa_affinity_policy[] = {
  "any", "best_effort", "default_policy", NULL
};
static const char * const network_operations[] = {
  "attaching", NULL
};
static const char * const network_default_locking_mode[] = {
  "unlocked", "disabled", NULL
};
static const char * const network_purpose[] = {
  "nbd", "insecure_nbd", NULL
};
static const char * const vif_operations[] = {
  "attach", "plug", "unplug", NULL
};
static const char * const vif_locking_mode[] = {
  "network_default", "locked", "unlocked", "disabled", NULL
};
static const char * const vif_ipv4_configuration_mode[] = {
  "None", "Static", NULL
};
static const char * const vif_ipv6_configuration_mode[] = {
  "None", "Static", NULL
};
static const char * const ip_configuration_mode[] = {
  "None", "DHCP", "Static", NULL
};
static const char * const ipv6_configuration_mode[] = {
  "None", "DHCP", "Static", "Autoconf", NULL
};
static const char * const primary_address_type[] = {
  "IPv4", "IPv6", NULL
};
static const char * const pif_igmp_status[] = {
  "enabled", "disabled", "unknown", NULL
};
static const char * const storage_operations[] = {
  "scan", "destroy", "forget", "plug", "unplug", "update", "vdi_create",
  "vdi_introduce", "vdi_destroy", "vdi_resize", "vdi_clone", "vdi_snapshot",
  "vdi_mirror", "vdi_enable_cbt", "vdi_disable_cbt", "vdi_data_destroy",
  "vdi_list_changed_blocks", "vdi_set_on_boot", "pbd_create", "pbd_destroy",
  NULL
};
static const char * const vdi_operations[] = {
  "clone", "copy", "resize", "resize_online", "snapshot", "mirror", "destroy",
  "forget", "update", "force_unlock", "generate_config", "enable_cbt",
  "disable_cbt", "data_destroy", "list_changed_blocks", "set_on_boot",
  "blocked", NULL
};
static const char * const vdi_type[] = {
  "system", "user", "ephemeral", "suspend", "crashdump", "ha_statefile",
  "metadata", "redo_log", "rrd", "pvs_cache", "cbt_metadata", NULL
};
static const char * const on_boot[] = {
  "reset", "persist", NULL
};
static const char * const vbd_operations[] = {
  "attach", "eject", "insert", "plug", "unplug", "unplug_force", "pause",
  "unpause", NULL
};
static const char * const vbd_mode[] = {
  "RO", "RW", NULL
};
static const char * const vbd_type[] = {
  "CD", "Disk", "Floppy", NULL
};
static const char * const cls[] = {
  "VM", "Host", "SR", "Pool", "VMPP", "VMSS", "PVS_proxy", "VDI",
  "Certificate", NULL
};
static const char * const pgpu_dom0_access[] = {
  "enabled", "disable_on_reboot", "disabled", "enable_on_reboot", NULL
};
static const char * const allocation_algorithm[] = {
  "breadth_first", "depth_first", NULL
};
static const char * const vgpu_type_implementation[] = {
  "passthrough", "nvidia", "nvidia_sriov", "gvt_g", "mxgpu", NULL
};
static const char * const vusb_operations[] = {
  "attach", "plug", "unplug", NULL
};
static const char * const cluster_operation[] = {
  "add", "remove", "enable", "disable", "destroy", NULL
};
static const char * const cluster_host_operation[] = {
  "enable", "disable", "destroy", NULL
};

#define ENUM(name) { #name, name }

const FerrySimEnumDef ferry_sim_enum_defs[] = {
  ENUM (task_allowed_operations),
  ENUM (task_status_type),
  ENUM (event_operation),
  ENUM (pool_allowed_operations),
  ENUM (telemetry_frequency),
  ENUM (update_sync_frequency),
  ENUM (vm_power_state),
  ENUM (vm_operations),
  ENUM (on_softreboot_behavior),
  ENUM (on_normal_exit),
  ENUM (on_crash_behaviour),
  ENUM (domain_type),
  ENUM (update_guidances),
  ENUM (tristate_type),
  ENUM (host_allowed_operations),
  ENUM (host_display),
  ENUM (latest_synced_updates_applied_state),
  ENUM (host_numa_affinity_policy),
  ENUM (network_operations),
  ENUM (network_default_locking_mode),
  ENUM (network_purpose),
  ENUM (vif_operations),
  ENUM (vif_locking_mode),
  ENUM (vif_ipv4_configuration_mode),
  ENUM (vif_ipv6_configuration_mode),
  ENUM (ip_configuration_mode),
  ENUM (ipv6_configuration_mode),
  ENUM (primary_address_type),
  ENUM (pif_igmp_status),
  ENUM (storage_operations),
  ENUM (vdi_operations),
  ENUM (vdi_type),
  ENUM (on_boot),
  ENUM (vbd_operations),
  ENUM (vbd_mode),
  ENUM (vbd_type),
  ENUM (cls),
  ENUM (pgpu_dom0_access),
  ENUM (allocation_algorithm),
  ENUM (vgpu_type_implementation),
  ENUM (vusb_operations),
  ENUM (cluster_operation),
  ENUM (cluster_host_operation),
};
const guint ferry_sim_n_enum_defs = G_N_ELEMENTS (ferry_sim_enum_defs);

/* Classes */

static const FerrySimFieldDef session_fields[] = {
  { "uuid", "string", RO },
  { "this_host", "host ref", RO },
  { "this_user", "user ref", RO },
  { "last_active", "datetime", RO },
  { "pool", "bool", RO },
  { "other_config", "(string -> string) map", RW },
  { "is_local_superuser", "bool", RO },
  { "subject", "subject ref", RO },
  { "validation_time", "datetime", RO },
  { "auth_user_sid", "string", RO },
  { "auth_user_name", "string", RO },
  { "rbac_permissions", "string set", RO },
  { "tasks", "task ref set", RO },  /* mirrors the internal task.session */
  { "parent", "session ref", RO },
  { "originator", "string", RO },
  { "client_certificate", "bool", RO },
};

static const FerrySimFieldDef task_fields[] = {
  { "uuid", "string", RO },
  { "name_label", "string", RO },
  { "name_description", "string", RO },
  { "allowed_operations", "enum task_allowed_operations set", RO },
  { "current_operations", "(string -> enum task_allowed_operations) map", RO },
  { "created", "datetime", RO },
  { "finished", "datetime", RO },
  { "status", "enum task_status_type", RO },
  { "resident_on", "host ref", RO },
  { "progress", "float", RO },
  { "type", "string", RO, "<none/>" },  /* xapi */
  { "result", "string", RO },
  { "error_info", "string set", RO },
  { "other_config", "(string -> string) map", RW },
  { "subtask_of", "task ref", RO },
  { "subtasks", "task ref set", RO, NULL, "subtask_of" },
  { "backtrace", "string", RO, "()" },
};

static const FerrySimFieldDef pool_fields[] = {
  { "uuid", "string", RO },
  { "name_label", "string", RW },
  { "name_description", "string", RW },
  { "master", "host ref", RO },
  { "default_SR", "SR ref", RW },
  { "suspend_image_SR", "SR ref", RW },
  { "crash_dump_SR", "SR ref", RW },
  { "other_config", "(string -> string) map", RW },
  { "ha_enabled", "bool", RO },
  { "ha_configuration", "(string -> string) map", RO },
  { "ha_statefiles", "string set", RO },
  { "ha_host_failures_to_tolerate", "int", RO },
  { "ha_plan_exists_for", "int", RO },
  { "ha_allow_overcommit", "bool", RW },
  { "ha_overcommitted", "bool", RO },
  { "blobs", "(string -> blob ref) map", RO },
  { "tags", "string set", RW },
  { "gui_config", "(string -> string) map", RW },
  { "health_check_config", "(string -> string) map", RW },
  { "wlb_url", "string", RO },
  { "wlb_username", "string", RO },
  { "wlb_enabled", "bool", RW },
  { "wlb_verify_cert", "bool", RW },
  { "redo_log_enabled", "bool", RO },
  { "redo_log_vdi", "VDI ref", RO },
  { "vswitch_controller", "string", RO },
  { "restrictions", "(string -> string) map", RO },
  { "metadata_VDIs", "VDI ref set", RO, NULL, "metadata_of_pool" },
  { "ha_cluster_stack", "string", RO },
  { "allowed_operations", "enum pool_allowed_operations set", RO },
  { "current_operations", "(string -> enum pool_allowed_operations) map", RO },
  { "guest_agent_config", "(string -> string) map", RO },
  { "cpu_info", "(string -> string) map", RO },
  { "policy_no_vendor_device", "bool", RW },
  { "live_patching_disabled", "bool", RW },
  { "igmp_snooping_enabled", "bool", RO },
  { "uefi_certificates", "string", RO },
  { "custom_uefi_certificates", "string", RO },
  { "is_psr_pending", "bool", RW },
  { "tls_verification_enabled", "bool", RO },
  { "repositories", "Repository ref set", RO },
  { "client_certificate_auth_enabled", "bool", RO },
  { "client_certificate_auth_name", "string", RO },
  { "repository_proxy_url", "string", RO },
  { "repository_proxy_username", "string", RO },
  { "repository_proxy_password", "secret ref", RO },
  { "migration_compression", "bool", RW },
  { "coordinator_bias", "bool", RW, "true" },
  { "local_auth_max_threads", "int", RO, "8" },
  { "ext_auth_max_threads", "int", RO, "1" },
  { "telemetry_uuid", "secret ref", RO },
  { "telemetry_frequency", "enum telemetry_frequency", RO, "weekly" },
  { "telemetry_next_collection", "datetime", RO },
  { "last_update_sync", "datetime", RO },
  { "update_sync_frequency", "enum update_sync_frequency", RO, "weekly" },
  { "update_sync_day", "int", RO },
  { "update_sync_enabled", "bool", RO },
};

static const FerrySimFieldDef vm_fields[] = {
  { "uuid", "string", RO },
  { "allowed_operations", "enum vm_operations set", RO },
  { "current_operations", "(string -> enum vm_operations) map", RO },
  { "name_label", "string", RW },
  { "name_description", "string", RW },
  { "power_state", "enum vm_power_state", RO, "Halted" },
  { "user_version", "int", RW },
  { "is_a_template", "bool", RW },
  { "is_default_template", "bool", RO },
  { "suspend_VDI", "VDI ref", RO },
  { "resident_on", "host ref", RO },
  { "scheduled_to_be_resident_on", "host ref", RO },
  { "affinity", "host ref", RW },
  { "memory_overhead", "int", RO },
  { "memory_target", "int", RO },
  { "memory_static_max", "int", RO },
  { "memory_dynamic_max", "int", RO },
  { "memory_dynamic_min", "int", RO },
  { "memory_static_min", "int", RO },
  { "VCPUs_params", "(string -> string) map", RW },
  { "VCPUs_max", "int", RO },
  { "VCPUs_at_startup", "int", RO },
  { "actions_after_softreboot", "enum on_softreboot_behavior", RW, "soft_reboot" },
  { "actions_after_shutdown", "enum on_normal_exit", RW },
  { "actions_after_reboot", "enum on_normal_exit", RW },
  { "actions_after_crash", "enum on_crash_behaviour", RO },
  { "consoles", "console ref set", RO },
  { "VIFs", "VIF ref set", RO, NULL, "VM" },
  { "VBDs", "VBD ref set", RO, NULL, "VM" },
  { "VUSBs", "VUSB ref set", RO, NULL, "VM" },
  { "crash_dumps", "crashdump ref set", RO },
  { "VTPMs", "VTPM ref set", RO },
  { "PV_bootloader", "string", RW },
  { "PV_kernel", "string", RW },
  { "PV_ramdisk", "string", RW },
  { "PV_args", "string", RW },
  { "PV_bootloader_args", "string", RW },
  { "PV_legacy_args", "string", RW },
  { "HVM_boot_policy", "string", RO },
  { "HVM_boot_params", "(string -> string) map", RW },
  { "HVM_shadow_multiplier", "float", RO, "1.0" },
  { "platform", "(string -> string) map", RW },
  { "PCI_bus", "string", RW },
  { "other_config", "(string -> string) map", RW },
  { "domid", "int", RO, "-1" },  /* xapi */
  { "domarch", "string", RO },
  { "last_boot_CPU_flags", "(string -> string) map", RO },
  { "is_control_domain", "bool", RO },
  { "metrics", "VM_metrics ref", RO },
  { "guest_metrics", "VM_guest_metrics ref", RO },
  { "last_booted_record", "string", RO },
  { "recommendations", "string", RW },
  { "xenstore_data", "(string -> string) map", RW },
  { "ha_always_run", "bool", RO },
  { "ha_restart_priority", "string", RO },
  { "is_a_snapshot", "bool", RO },
  { "snapshot_of", "VM ref", RO },
  { "snapshots", "VM ref set", RO, NULL, "snapshot_of" },
  { "snapshot_time", "datetime", RO },
  { "transportable_snapshot_id", "string", RO },
  { "blobs", "(string -> blob ref) map", RO },
  { "tags", "string set", RW },
  { "blocked_operations", "(enum vm_operations -> string) map", RW },
  { "snapshot_info", "(string -> string) map", RO },
  { "snapshot_metadata", "string", RO },
  { "parent", "VM ref", RO },
  { "children", "VM ref set", RO, NULL, "parent" },
  { "bios_strings", "(string -> string) map", RO },
  { "protection_policy", "VMPP ref", RO },
  { "is_snapshot_from_vmpp", "bool", RO },
  { "snapshot_schedule", "VMSS ref", RO },
  { "is_vmss_snapshot", "bool", RO },
  { "appliance", "VM_appliance ref", RO },
  { "start_delay", "int", RO },
  { "shutdown_delay", "int", RO },
  { "order", "int", RO },
  { "VGPUs", "VGPU ref set", RO, NULL, "VM" },
  { "attached_PCIs", "PCI ref set", RO },
  { "suspend_SR", "SR ref", RW },
  { "version", "int", RO },
  { "generation_id", "string", RO, "0:0" },
  { "hardware_platform_version", "int", RW },
  { "has_vendor_device", "bool", RO },
  { "requires_reboot", "bool", RO },
  { "reference_label", "string", RO },
  { "domain_type", "enum domain_type", RO, "unspecified" },
  { "NVRAM", "(string -> string) map", RO },
  { "pending_guidances", "enum update_guidances set", RO },
  { "pending_guidances_recommended", "enum update_guidances set", RO },
  { "pending_guidances_full", "enum update_guidances set", RO },
};

static const FerrySimFieldDef vm_metrics_fields[] = {
  { "uuid", "string", RO },
  { "memory_actual", "int", RO },
  { "VCPUs_number", "int", RO },
  { "VCPUs_utilisation", "(int -> float) map", RO },
  { "VCPUs_CPU", "(int -> int) map", RO },
  { "VCPUs_params", "(string -> string) map", RO },
  { "VCPUs_flags", "(int -> string set) map", RO },
  { "state", "string set", RO },
  { "start_time", "datetime", RO },
  { "install_time", "datetime", RO },
  { "last_updated", "datetime", RO },
  { "other_config", "(string -> string) map", RW },
  { "hvm", "bool", RO },
  { "nested_virt", "bool", RO },
  { "nomigrate", "bool", RO },
  { "current_domain_type", "enum domain_type", RO, "unspecified" },
};

static const FerrySimFieldDef vm_guest_metrics_fields[] = {
  { "uuid", "string", RO },
  { "os_version", "(string -> string) map", RO },
  { "PV_drivers_version", "(string -> string) map", RO },
  { "PV_drivers_up_to_date", "bool", RO },
  { "memory", "(string -> string) map", RO },
  { "disks", "(string -> string) map", RO },
  { "networks", "(string -> string) map", RO },
  { "other", "(string -> string) map", RO },
  { "last_updated", "datetime", RO },
  { "other_config", "(string -> string) map", RW },
  { "live", "bool", RO },
  { "can_use_hotplug_vbd", "enum tristate_type", RO, "unspecified" },
  { "can_use_hotplug_vif", "enum tristate_type", RO, "unspecified" },
  { "PV_drivers_detected", "bool", RO },
};

static const FerrySimFieldDef host_fields[] = {
  { "uuid", "string", RO },
  { "name_label", "string", RW },
  { "name_description", "string", RW },
  { "memory_overhead", "int", RO },
  { "allowed_operations", "enum host_allowed_operations set", RO },
  { "current_operations", "(string -> enum host_allowed_operations) map", RO },
  { "API_version_major", "int", RO, "2" },  /* xapi (XenServer 8) */
  { "API_version_minor", "int", RO, "21" },  /* xapi (XenServer 8) */
  { "API_version_vendor", "string", RO, "XenSource" },  /* xapi */
  { "API_version_vendor_implementation", "(string -> string) map", RO },
  { "enabled", "bool", RO, "true" },  /* xapi */
  { "software_version", "(string -> string) map", RO },
  { "other_config", "(string -> string) map", RW },
  { "capabilities", "string set", RO },
  { "cpu_configuration", "(string -> string) map", RO },
  { "sched_policy", "string", RO },
  { "supported_bootloaders", "string set", RO },
  { "resident_VMs", "VM ref set", RO, NULL, "resident_on" },
  { "logging", "(string -> string) map", RW },
  { "PIFs", "PIF ref set", RO, NULL, "host" },
  { "suspend_image_sr", "SR ref", RW },
  { "crash_dump_sr", "SR ref", RW },
  { "crashdumps", "host_crashdump ref set", RO },
  { "patches", "host_patch ref set", RO },
  { "updates", "pool_update ref set", RO },
  { "PBDs", "PBD ref set", RO, NULL, "host" },
  { "host_CPUs", "host_cpu ref set", RO, NULL, "host" },
  { "cpu_info", "(string -> string) map", RO },
  { "hostname", "string", RW },
  { "address", "string", RW },
  { "metrics", "host_metrics ref", RO },
  { "license_params", "(string -> string) map", RO },
  { "ha_statefiles", "string set", RO },
  { "ha_network_peers", "string set", RO },
  { "blobs", "(string -> blob ref) map", RO },
  { "tags", "string set", RW },
  { "external_auth_type", "string", RO },
  { "external_auth_service_name", "string", RO },
  { "external_auth_configuration", "(string -> string) map", RO },
  { "edition", "string", RO },
  { "license_server", "(string -> string) map", RW },
  { "bios_strings", "(string -> string) map", RO },
  { "power_on_mode", "string", RO },
  { "power_on_config", "(string -> string) map", RO },
  { "local_cache_sr", "SR ref", RO },
  { "chipset_info", "(string -> string) map", RO },
  { "PCIs", "PCI ref set", RO, NULL, "host" },
  { "PGPUs", "PGPU ref set", RO, NULL, "host" },
  { "PUSBs", "PUSB ref set", RO, NULL, "host" },
  { "ssl_legacy", "bool", RO, "true" },
  { "guest_VCPUs_params", "(string -> string) map", RW },
  { "display", "enum host_display", RW, "enabled" },
  { "virtual_hardware_platform_versions", "int set", RO },
  { "control_domain", "VM ref", RO },
  { "updates_requiring_reboot", "pool_update ref set", RO },
  { "features", "Feature ref set", RO },
  { "iscsi_iqn", "string", RO },
  { "multipathing", "bool", RO },
  { "uefi_certificates", "string", RO },
  { "certificates", "Certificate ref set", RO },
  { "editions", "string set", RO },
  { "pending_guidances", "enum update_guidances set", RO },
  { "tls_verification_enabled", "bool", RO },
  { "last_software_update", "datetime", RO },
  { "https_only", "bool", RO },
  { "latest_synced_updates_applied", "enum latest_synced_updates_applied_state", RO, "unknown" },
  { "numa_affinity_policy", "enum host_numa_affinity_policy", RO, "default_policy" },
  { "pending_guidances_recommended", "enum update_guidances set", RO },
  { "pending_guidances_full", "enum update_guidances set", RO },
  { "last_update_hash", "string", RO },
};

static const FerrySimFieldDef host_metrics_fields[] = {
  { "uuid", "string", RO },
  { "memory_total", "int", RO },
  { "memory_free", "int", RO },  /* "removed" in tampa, still sent (xapi.md §2) */
  { "live", "bool", RO },
  { "last_updated", "datetime", RO },
  { "other_config", "(string -> string) map", RW },
};

static const FerrySimFieldDef pif_metrics_fields[] = {
  { "uuid", "string", RO },
  { "io_read_kbs", "float", RO },
  { "io_write_kbs", "float", RO },
  { "carrier", "bool", RO },
  { "vendor_id", "string", RO },
  { "vendor_name", "string", RO },
  { "device_id", "string", RO },
  { "device_name", "string", RO },
  { "speed", "int", RO },          /* Mbit/s */
  { "duplex", "bool", RO },
  { "pci_bus_path", "string", RO },
  { "last_updated", "datetime", RO },
  { "other_config", "(string -> string) map", RW },
};

static const FerrySimFieldDef host_cpu_fields[] = {
  { "uuid", "string", RO },
  { "host", "host ref", RO },
  { "number", "int", RO },
  { "vendor", "string", RO },
  { "speed", "int", RO },
  { "modelname", "string", RO },
  { "family", "int", RO },
  { "model", "int", RO },
  { "stepping", "string", RO },
  { "flags", "string", RO },
  { "features", "string", RO },
  { "utilisation", "float", RO },
  { "other_config", "(string -> string) map", RW },
};

static const FerrySimFieldDef sr_fields[] = {
  { "uuid", "string", RO },
  { "name_label", "string", RO },
  { "name_description", "string", RO },
  { "allowed_operations", "enum storage_operations set", RO },
  { "current_operations", "(string -> enum storage_operations) map", RO },
  { "VDIs", "VDI ref set", RO, NULL, "SR" },
  { "PBDs", "PBD ref set", RO, NULL, "SR" },
  { "virtual_allocation", "int", RO },
  { "physical_utilisation", "int", RO },
  { "physical_size", "int", RO },
  { "type", "string", RO },
  { "content_type", "string", RO },
  { "shared", "bool", RO },
  { "other_config", "(string -> string) map", RW },
  { "tags", "string set", RW },
  { "sm_config", "(string -> string) map", RW },
  { "blobs", "(string -> blob ref) map", RO },
  { "local_cache_enabled", "bool", RO },
  { "introduced_by", "DR_task ref", RO },
  { "clustered", "bool", RO },
  { "is_tools_sr", "bool", RO },
};

static const FerrySimFieldDef sm_fields[] = {
  { "uuid", "string", RO },
  { "name_label", "string", RO },
  { "name_description", "string", RO },
  { "type", "string", RO },
  { "vendor", "string", RO },
  { "copyright", "string", RO },
  { "version", "string", RO },
  { "required_api_version", "string", RO },
  { "configuration", "(string -> string) map", RO },
  { "capabilities", "string set", RO },
  { "features", "(string -> int) map", RO },
  { "other_config", "(string -> string) map", RW },
  { "driver_filename", "string", RO },
  { "required_cluster_stack", "string set", RO },
};

static const FerrySimFieldDef pbd_fields[] = {
  { "uuid", "string", RO },
  { "host", "host ref", RO },
  { "SR", "SR ref", RO },
  { "device_config", "(string -> string) map", RO },
  { "currently_attached", "bool", RO },
  { "other_config", "(string -> string) map", RW },
};

static const FerrySimFieldDef vdi_fields[] = {
  { "uuid", "string", RO },
  { "name_label", "string", RO },
  { "name_description", "string", RO },
  { "allowed_operations", "enum vdi_operations set", RO },
  { "current_operations", "(string -> enum vdi_operations) map", RO },
  { "SR", "SR ref", RO },
  { "VBDs", "VBD ref set", RO, NULL, "VDI" },
  { "crash_dumps", "crashdump ref set", RO },
  { "virtual_size", "int", RO },
  { "physical_utilisation", "int", RO },
  { "type", "enum vdi_type", RO },
  { "sharable", "bool", RO },
  { "read_only", "bool", RO },
  { "other_config", "(string -> string) map", RW },
  { "storage_lock", "bool", RO },
  { "location", "string", RO },
  { "managed", "bool", RO },
  { "missing", "bool", RO },
  { "parent", "VDI ref", RO },
  { "xenstore_data", "(string -> string) map", RW },
  { "sm_config", "(string -> string) map", RW },
  { "is_a_snapshot", "bool", RO },
  { "snapshot_of", "VDI ref", RO },
  { "snapshots", "VDI ref set", RO, NULL, "snapshot_of" },
  { "snapshot_time", "datetime", RO },
  { "tags", "string set", RW },
  { "allow_caching", "bool", RO },
  { "on_boot", "enum on_boot", RO, "persist" },
  { "metadata_of_pool", "pool ref", RO },
  { "metadata_latest", "bool", RO },
  { "is_tools_iso", "bool", RO },
  { "cbt_enabled", "bool", RO },
};

static const FerrySimFieldDef vbd_fields[] = {
  { "uuid", "string", RO },
  { "allowed_operations", "enum vbd_operations set", RO },
  { "current_operations", "(string -> enum vbd_operations) map", RO },
  { "VM", "VM ref", RO },
  { "VDI", "VDI ref", RO },
  { "device", "string", RO },
  { "userdevice", "string", RW },
  { "bootable", "bool", RW },
  { "mode", "enum vbd_mode", RO, "RW" },  /* constructor argument */
  { "type", "enum vbd_type", RW, "Disk" },  /* constructor argument */
  { "unpluggable", "bool", RW, "true" },
  { "storage_lock", "bool", RO },
  { "empty", "bool", RO },
  { "other_config", "(string -> string) map", RW },
  { "currently_attached", "bool", RO },
  { "status_code", "int", RO },
  { "status_detail", "string", RO },
  { "runtime_properties", "(string -> string) map", RO },
  { "qos_algorithm_type", "string", RW },
  { "qos_algorithm_params", "(string -> string) map", RW },
  { "qos_supported_algorithms", "string set", RO },
  { "metrics", "VBD_metrics ref", RO },
};

static const FerrySimFieldDef vif_fields[] = {
  { "uuid", "string", RO },
  { "allowed_operations", "enum vif_operations set", RO },
  { "current_operations", "(string -> enum vif_operations) map", RO },
  { "device", "string", RO },
  { "network", "network ref", RO },
  { "VM", "VM ref", RO },
  { "MAC", "string", RO },
  { "MTU", "int", RO },
  { "other_config", "(string -> string) map", RW },
  { "currently_attached", "bool", RO },
  { "status_code", "int", RO },
  { "status_detail", "string", RO },
  { "runtime_properties", "(string -> string) map", RO },
  { "qos_algorithm_type", "string", RW },
  { "qos_algorithm_params", "(string -> string) map", RW },
  { "qos_supported_algorithms", "string set", RO },
  { "metrics", "VIF_metrics ref", RO },
  { "MAC_autogenerated", "bool", RO },
  { "locking_mode", "enum vif_locking_mode", RO, "network_default" },
  { "ipv4_allowed", "string set", RO },
  { "ipv6_allowed", "string set", RO },
  { "ipv4_configuration_mode", "enum vif_ipv4_configuration_mode", RO, "None" },
  { "ipv4_addresses", "string set", RO },
  { "ipv4_gateway", "string", RO },
  { "ipv6_configuration_mode", "enum vif_ipv6_configuration_mode", RO, "None" },
  { "ipv6_addresses", "string set", RO },
  { "ipv6_gateway", "string", RO },
};

static const FerrySimFieldDef network_fields[] = {
  { "uuid", "string", RO },
  { "name_label", "string", RW },
  { "name_description", "string", RW },
  { "allowed_operations", "enum network_operations set", RO },
  { "current_operations", "(string -> enum network_operations) map", RO },
  { "VIFs", "VIF ref set", RO, NULL, "network" },
  { "PIFs", "PIF ref set", RO, NULL, "network" },
  { "MTU", "int", RW, "1500" },
  { "other_config", "(string -> string) map", RW },
  { "bridge", "string", RO },
  { "managed", "bool", RO, "true" },
  { "blobs", "(string -> blob ref) map", RO },
  { "tags", "string set", RW },
  { "default_locking_mode", "enum network_default_locking_mode", RO, "unlocked" },
  { "assigned_ips", "(VIF ref -> string) map", RO },
  { "purpose", "enum network_purpose set", RO },
};

static const FerrySimFieldDef pif_fields[] = {
  { "uuid", "string", RO },
  { "device", "string", RO },
  { "network", "network ref", RO },
  { "host", "host ref", RO },
  { "MAC", "string", RO },
  { "MTU", "int", RO },
  { "VLAN", "int", RO, "-1" },  /* xapi: -1 for an untagged PIF */
  { "metrics", "PIF_metrics ref", RO },
  { "physical", "bool", RO },
  { "currently_attached", "bool", RO, "true" },
  { "ip_configuration_mode", "enum ip_configuration_mode", RO, "None" },
  { "IP", "string", RO },
  { "netmask", "string", RO },
  { "gateway", "string", RO },
  { "DNS", "string", RO },
  { "bond_slave_of", "Bond ref", RO },
  { "bond_master_of", "Bond ref set", RO },
  { "VLAN_master_of", "VLAN ref", RO },
  { "VLAN_slave_of", "VLAN ref set", RO },
  { "management", "bool", RO },
  { "other_config", "(string -> string) map", RW },
  { "disallow_unplug", "bool", RO },
  { "tunnel_access_PIF_of", "tunnel ref set", RO },
  { "tunnel_transport_PIF_of", "tunnel ref set", RO },
  { "ipv6_configuration_mode", "enum ipv6_configuration_mode", RO, "None" },
  { "IPv6", "string set", RO },
  { "ipv6_gateway", "string", RO },
  { "primary_address_type", "enum primary_address_type", RO, "IPv4" },
  { "managed", "bool", RO, "true" },
  { "properties", "(string -> string) map", RO },
  { "capabilities", "string set", RO },
  { "igmp_snooping_status", "enum pif_igmp_status", RO, "unknown" },
  { "sriov_physical_PIF_of", "network_sriov ref set", RO },
  { "sriov_logical_PIF_of", "network_sriov ref set", RO },
  { "PCI", "PCI ref", RO },
};

static const FerrySimFieldDef message_fields[] = {
  { "uuid", "string", RO },
  { "name", "string", RO },
  { "priority", "int", RO },
  { "cls", "enum cls", RO },
  { "obj_uuid", "string", RO },
  { "timestamp", "datetime", RO },
  { "body", "string", RO },
};

static const FerrySimFieldDef pci_fields[] = {
  { "uuid", "string", RO },
  { "class_name", "string", RO },
  { "vendor_name", "string", RO },
  { "device_name", "string", RO },
  { "host", "host ref", RO },
  { "pci_id", "string", RO },
  { "dependencies", "PCI ref set", RO },
  { "other_config", "(string -> string) map", RW },
  { "subsystem_vendor_name", "string", RO },
  { "subsystem_device_name", "string", RO },
  { "driver_name", "string", RO },
};

static const FerrySimFieldDef pgpu_fields[] = {
  { "uuid", "string", RO },
  { "PCI", "PCI ref", RO },
  { "GPU_group", "GPU_group ref", RO },
  { "host", "host ref", RO },
  { "other_config", "(string -> string) map", RW },
  { "supported_VGPU_types", "VGPU_type ref set", RO },
  { "enabled_VGPU_types", "VGPU_type ref set", RO },
  { "resident_VGPUs", "VGPU ref set", RO, NULL, "resident_on" },
  { "supported_VGPU_max_capacities", "(VGPU_type ref -> int) map", RO },
  { "dom0_access", "enum pgpu_dom0_access", RO, "enabled" },
  { "is_system_display_device", "bool", RO },
  { "compatibility_metadata", "(string -> string) map", RO },
};

static const FerrySimFieldDef gpu_group_fields[] = {
  { "uuid", "string", RO },
  { "name_label", "string", RW },
  { "name_description", "string", RW },
  { "PGPUs", "PGPU ref set", RO, NULL, "GPU_group" },
  { "VGPUs", "VGPU ref set", RO, NULL, "GPU_group" },
  { "GPU_types", "string set", RO },
  { "other_config", "(string -> string) map", RW },
  { "allocation_algorithm", "enum allocation_algorithm", RW, "depth_first" },
  { "supported_VGPU_types", "VGPU_type ref set", RO },
  { "enabled_VGPU_types", "VGPU_type ref set", RO },
};

static const FerrySimFieldDef vgpu_fields[] = {
  { "uuid", "string", RO },
  { "VM", "VM ref", RO },
  { "GPU_group", "GPU_group ref", RO },
  { "device", "string", RO, "0" },
  { "currently_attached", "bool", RO },
  { "other_config", "(string -> string) map", RW },
  { "type", "VGPU_type ref", RO },
  { "resident_on", "PGPU ref", RO },
  { "scheduled_to_be_resident_on", "PGPU ref", RO },
  { "compatibility_metadata", "(string -> string) map", RO },
  { "extra_args", "string", RW },
  { "PCI", "PCI ref", RO },
};

static const FerrySimFieldDef vgpu_type_fields[] = {
  { "uuid", "string", RO },
  { "vendor_name", "string", RO },
  { "model_name", "string", RO },
  { "framebuffer_size", "int", RO },
  { "max_heads", "int", RO },
  { "max_resolution_x", "int", RO },
  { "max_resolution_y", "int", RO },
  { "supported_on_PGPUs", "PGPU ref set", RO },
  { "enabled_on_PGPUs", "PGPU ref set", RO },
  { "VGPUs", "VGPU ref set", RO, NULL, "type" },
  { "supported_on_GPU_groups", "GPU_group ref set", RO },
  { "enabled_on_GPU_groups", "GPU_group ref set", RO },
  { "implementation", "enum vgpu_type_implementation", RO },
  { "identifier", "string", RO },
  { "experimental", "bool", RO },
  { "compatible_types_in_vm", "VGPU_type ref set", RO },
};

static const FerrySimFieldDef pusb_fields[] = {
  { "uuid", "string", RO },
  { "USB_group", "USB_group ref", RO },
  { "host", "host ref", RO },
  { "path", "string", RO },
  { "vendor_id", "string", RO },
  { "vendor_desc", "string", RO },
  { "product_id", "string", RO },
  { "product_desc", "string", RO },
  { "serial", "string", RO },
  { "version", "string", RO },
  { "description", "string", RO },
  { "passthrough_enabled", "bool", RO },
  { "other_config", "(string -> string) map", RW },
  { "speed", "float", RO, "-1.0" },
};

static const FerrySimFieldDef usb_group_fields[] = {
  { "uuid", "string", RO },
  { "name_label", "string", RW },
  { "name_description", "string", RW },
  { "PUSBs", "PUSB ref set", RO, NULL, "USB_group" },
  { "VUSBs", "VUSB ref set", RO, NULL, "USB_group" },
  { "other_config", "(string -> string) map", RW },
};

static const FerrySimFieldDef vusb_fields[] = {
  { "uuid", "string", RO },
  { "allowed_operations", "enum vusb_operations set", RO },
  { "current_operations", "(string -> enum vusb_operations) map", RO },
  { "VM", "VM ref", RO },
  { "USB_group", "USB_group ref", RO },
  { "other_config", "(string -> string) map", RW },
  { "currently_attached", "bool", RO },
};

static const FerrySimFieldDef cluster_fields[] = {
  { "uuid", "string", RO },
  { "cluster_hosts", "Cluster_host ref set", RO, NULL, "cluster" },
  { "pending_forget", "string set", RO },
  { "cluster_token", "string", RO },
  { "cluster_stack", "string", RO, "corosync" },
  { "is_quorate", "bool", RO },
  { "quorum", "int", RO },
  { "live_hosts", "int", RO },
  { "allowed_operations", "enum cluster_operation set", RO },
  { "current_operations", "(string -> enum cluster_operation) map", RO },
  { "pool_auto_join", "bool", RO, "true" },
  { "token_timeout", "float", RO, "20.0" },
  { "token_timeout_coefficient", "float", RO, "1.0" },
  { "cluster_config", "(string -> string) map", RO },
  { "other_config", "(string -> string) map", RW },
};

static const FerrySimFieldDef cluster_host_fields[] = {
  { "uuid", "string", RO },
  { "cluster", "Cluster ref", RO },
  { "host", "host ref", RO },
  { "enabled", "bool", RO },
  { "PIF", "PIF ref", RO },
  { "joined", "bool", RO, "true" },
  { "live", "bool", RO },
  { "last_update_live", "datetime", RO },
  { "allowed_operations", "enum cluster_host_operation set", RO },
  { "current_operations", "(string -> enum cluster_host_operation) map", RO },
  { "other_config", "(string -> string) map", RO },
};

#define CLASS(name, fields) { name, fields, G_N_ELEMENTS (fields) }

const FerrySimClassDef ferry_sim_class_defs[] = {
  CLASS ("session", session_fields),
  CLASS ("task", task_fields),
  CLASS ("message", message_fields),
  CLASS ("pool", pool_fields),
  CLASS ("host", host_fields),
  CLASS ("host_metrics", host_metrics_fields),
  CLASS ("host_cpu", host_cpu_fields),
  CLASS ("VM", vm_fields),
  CLASS ("VM_metrics", vm_metrics_fields),
  CLASS ("VM_guest_metrics", vm_guest_metrics_fields),
  CLASS ("SR", sr_fields),
  CLASS ("SM", sm_fields),
  CLASS ("PBD", pbd_fields),
  CLASS ("VDI", vdi_fields),
  CLASS ("VBD", vbd_fields),
  CLASS ("VIF", vif_fields),
  CLASS ("network", network_fields),
  CLASS ("PIF", pif_fields),
  CLASS ("PIF_metrics", pif_metrics_fields),
  CLASS ("PCI", pci_fields),
  CLASS ("PGPU", pgpu_fields),
  CLASS ("GPU_group", gpu_group_fields),
  CLASS ("VGPU", vgpu_fields),
  CLASS ("VGPU_type", vgpu_type_fields),
  CLASS ("VUSB", vusb_fields),
  CLASS ("PUSB", pusb_fields),
  CLASS ("USB_group", usb_group_fields),
  CLASS ("Cluster", cluster_fields),
  CLASS ("Cluster_host", cluster_host_fields),
};
const guint ferry_sim_n_class_defs = G_N_ELEMENTS (ferry_sim_class_defs);
