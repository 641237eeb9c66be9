/* ferry-sim-checks.h: xapi's placement and migration checks (xapi.md §4.2–§4.7)
 *
 * Every check sets a XenAPI failure (FERRY_SIM_XAPI_ERROR) with xapi's error
 * name and parameters, and returns FALSE. Checks that compare two pools take
 * the VM's database and the host's separately.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-sim-db.h"

G_BEGIN_DECLS

/* What ferry_sim_check_can_boot_here() checks besides the always-on rules. */
typedef enum
{
  FERRY_SIM_BOOT_CHECK_CPU    = 1 << 0,  /* §4.6; skipped for Halted VMs */
  FERRY_SIM_BOOT_CHECK_SR     = 1 << 1,  /* VM_REQUIRES_SR */
  FERRY_SIM_BOOT_CHECK_MEMORY = 1 << 2,  /* HOST_NOT_ENOUGH_FREE_MEMORY (§4.4) */
  FERRY_SIM_BOOT_NEW_VGPU     = 1 << 3,  /* the vGPUs need a new instance even on their own host (a move) */
} FerrySimBootChecks;

/* Small helpers the operation modules share. */
gboolean     ferry_sim_is_null_ref             (const char    *ref);
/* The row a ref field of @row points to, or NULL. */
FerrySimRow *ferry_sim_follow                  (FerrySimDb    *db,
                                                FerrySimRow   *row,
                                                const char    *field);
/* "true"/"1" in any case (xapi's Vm_platform.is_true). */
gboolean     ferry_sim_text_is_true            (const char    *text);
/* The rows a set field of @row lists (dangling refs skipped). Free with g_ptr_array_unref. */
GPtrArray   *ferry_sim_follow_set              (FerrySimDb    *db,
                                                FerrySimRow   *row,
                                                const char    *field);
gboolean     ferry_sim_vm_is_live              (FerrySimRow   *vm);
/* "pv" or "hvm"-like: VM_metrics.current_domain_type while it runs, else VM.domain_type. */
const char  *ferry_sim_vm_domain_type          (FerrySimDb    *db,
                                                FerrySimRow   *vm);

/* §4.4 memory admission. */
gint64       ferry_sim_vm_required_memory      (FerrySimRow   *vm);
/* total − host overhead − Σ (dynamic_min + overhead) of the VMs resident on
 * @host or scheduled to it, leaving @ignore_scheduled out of the scheduled ones. */
gint64       ferry_sim_host_free_memory        (FerrySimDb    *db,
                                                FerrySimRow   *host,
                                                FerrySimRow   *ignore_scheduled);
/* host_metrics.memory_free as the builder defines it: total − overhead −
 * Σ (memory_actual + memory_overhead) of the resident VMs. */
void         ferry_sim_host_update_memory_free (FerrySimDb    *db,
                                                FerrySimRow   *host);

/* §4.5: "1.249.26-1.xs8" style versions; <0, 0, >0. */
int          ferry_sim_version_compare         (const char    *a,
                                                const char    *b);
/* platform_version, xapi_build and xen of @to are all ≥ @from's. */
gboolean     ferry_sim_host_versions_not_decreasing (FerrySimRow *from,
                                                FerrySimRow   *to);
/* The xapi_build of the host that runs an operation, as [major, minor]. */
gboolean     ferry_sim_host_xapi_at_least      (FerrySimRow   *host,
                                                const char    *version);

/* CPU feature words "xxxxxxxx-xxxxxxxx-…". */
gboolean     ferry_sim_cpu_features_subset     (const char    *vm_features,
                                                const char    *host_features);

/* §4.6, VM_INCOMPATIBLE_WITH_THIS_HOST; passes for Halted VMs. */
gboolean     ferry_sim_check_cpu               (FerrySimDb    *vm_db,
                                                FerrySimRow   *vm,
                                                FerrySimRow   *host,
                                                GError       **error);
/* VM_HOST_INCOMPATIBLE_VIRTUAL_HARDWARE_PLATFORM_VERSION [host; "[0; 1; 2]"; vm; version]. */
gboolean     ferry_sim_check_hardware_platform (FerrySimRow  *vm,
                                                FerrySimRow   *host,
                                                GError       **error);
/* §4.3 in xapi's order. @vm and @host are in the same pool. */
gboolean     ferry_sim_check_can_boot_here     (FerrySimDb    *db,
                                                FerrySimRow   *vm,
                                                FerrySimRow   *host,
                                                guint          checks,
                                                GError       **error);
/* A pGPU of @host in @group with room for a vGPU of @type (vGPU type ref). */
FerrySimRow *ferry_sim_find_pgpu_for           (FerrySimDb    *db,
                                                FerrySimRow   *host,
                                                const char    *group,
                                                const char    *type,
                                                const char    *ignore_vgpu);
/* LICENCE_RESTRICTION [feature] when pool.restrictions disables it:
 * "Xen_motion" (restrict_xen_motion) or "Storage_motion" (restrict_storage_xen_motion). */
gboolean     ferry_sim_check_licence           (FerrySimDb    *db,
                                                const char    *feature,
                                                GError       **error);
gboolean     ferry_sim_pool_rolling_upgrade    (FerrySimDb    *db);
/* OTHER_OPERATION_IN_PROGRESS ["host"; host; op; task] when @host runs an
 * operation that excludes @operation (vm_migrate, evacuate, …). */
gboolean     ferry_sim_check_host_operation    (FerrySimDb    *db,
                                                FerrySimRow   *host,
                                                const char    *operation,
                                                GError       **error);
/* The PIF of @host on @network with an address; PIF_NOT_PRESENT,
 * REQUIRED_PIF_IS_UNPLUGGED, INTERFACE_HAS_NO_IP (§4.7). */
FerrySimRow *ferry_sim_check_migration_network (FerrySimDb    *db,
                                                FerrySimRow   *host,
                                                const char    *network,
                                                GError       **error);
/* The IPv4 address (or non-link-local IPv6) of a PIF, or NULL. */
const char  *ferry_sim_pif_address             (FerrySimRow   *pif);

/* HA (simplified, see README §7): HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN if a
 * plan exists now and would not with @vm on @dest (or, for host.disable and
 * host.evacuate, without @removed_host). @vm or @removed_host may be NULL. */
gboolean     ferry_sim_check_ha_plan           (FerrySimDb    *db,
                                                FerrySimRow   *vm,
                                                FerrySimRow   *dest,
                                                FerrySimRow   *removed_host,
                                                GError       **error);
/* Whether the protected VMs survive any ha_host_failures_to_tolerate host
 * failures now (pool.ha_plan_exists_for > 0 in xapi's terms). */
gboolean     ferry_sim_ha_plan_exists          (FerrySimDb    *db);

G_END_DECLS
