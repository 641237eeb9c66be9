/* test-sim-scenario.c: the demo scenario, the scenario format's errors, the generator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-sim-builder.h"
#include "ferry-sim-error.h"
#include "ferry-sim-lifecycle.h"
#include "ferry-sim-scenario.h"

#define GiB FERRY_SIM_GiB
#define MiB FERRY_SIM_MiB

/* Helpers ----------------------------------------------------------------- */

static char *
demo_path (void)
{
  const char *root = g_getenv ("FERRY_SOURCE_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "data", "scenarios", "demo.json", NULL);
}

static GPtrArray *
load_demo (void)
{
  g_autofree char *path = demo_path ();
  g_autoptr(GError) error = NULL;
  GPtrArray *pools = ferry_sim_scenario_load_file (path, "demo", &error);

  g_assert_no_error (error);
  g_assert_nonnull (pools);
  return pools;
}

static FerrySimPool *
find_pool (GPtrArray  *pools,
           const char *name)
{
  for (guint i = 0; i < pools->len; i++)
    if (g_strcmp0 (ferry_sim_pool_get_name (g_ptr_array_index (pools, i)), name) == 0)
      return g_ptr_array_index (pools, i);
  g_assert_not_reached ();
  return NULL;
}

static FerrySimRow *
find_named (FerrySimPool *pool,
            const char   *class_name,
            const char   *name)
{
  GPtrArray *rows = ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (pool), class_name);

  for (guint i = 0; i < rows->len; i++)
    {
      FerrySimRow *row = g_ptr_array_index (rows, i);
      if (g_strcmp0 (ferry_sim_row_get_string (row, "name_label"), name) == 0 &&
          !(g_str_equal (class_name, "VM") && ferry_sim_row_get_bool (row, "is_a_snapshot")))
        return row;
    }
  g_error ("no %s named %s", class_name, name);
  return NULL;
}

static FerrySimRow *
deref (FerrySimPool *pool,
       FerrySimRow  *row,
       const char   *field)
{
  return ferry_sim_db_lookup (ferry_sim_pool_get_db (pool), ferry_sim_row_get_string (row, field));
}

static FerrySimRow *
index_row (FerrySimPool        *pool,
           const FerrySimValue *set,
           guint                i)
{
  return ferry_sim_db_lookup (ferry_sim_pool_get_db (pool), ferry_sim_value_get_string (ferry_sim_value_index (set, i)));
}

static gboolean
is_real_vm (FerrySimRow *vm)
{
  return !ferry_sim_row_get_bool (vm, "is_a_template") &&
         !ferry_sim_row_get_bool (vm, "is_a_snapshot") &&
         !ferry_sim_row_get_bool (vm, "is_control_domain");
}

static guint
count_real_vms (FerrySimPool *pool)
{
  GPtrArray *vms = ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (pool), "VM");
  guint n = 0;

  for (guint i = 0; i < vms->len; i++)
    n += is_real_vm (g_ptr_array_index (vms, i));
  return n;
}

/* The VDIs of a VM's disks (CDs and empty drives left out). */
static GPtrArray *
vm_disks (FerrySimPool *pool,
          FerrySimRow  *vm)
{
  const FerrySimValue *vbds = ferry_sim_row_get (vm, "VBDs");
  GPtrArray *vdis = g_ptr_array_new ();

  for (guint i = 0; i < ferry_sim_value_get_length (vbds); i++)
    {
      FerrySimRow *vbd = index_row (pool, vbds, i);
      if (g_strcmp0 (ferry_sim_row_get_string (vbd, "type"), "Disk") == 0)
        g_ptr_array_add (vdis, deref (pool, vbd, "VDI"));
    }
  return vdis;
}

/* The demo scenario ------------------------------------------------------- */

static void
test_demo_pools (void)
{
  g_autoptr(GPtrArray) pools = load_demo ();
  FerrySimPool *prod = find_pool (pools, "Production");
  FerrySimPool *lab = find_pool (pools, "Lab");
  FerrySimPool *legacy = find_pool (pools, "legacy-01");
  guint vms = 0;

  g_assert_cmpuint (pools->len, ==, 3);
  g_assert_false (ferry_sim_pool_is_standalone (prod));
  g_assert_false (ferry_sim_pool_is_standalone (lab));
  g_assert_true (ferry_sim_pool_is_standalone (legacy));
  g_assert_cmpuint (ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (prod), "host")->len, ==, 4);
  g_assert_cmpuint (ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (lab), "host")->len, ==, 2);

  for (guint i = 0; i < pools->len; i++)
    vms += count_real_vms (g_ptr_array_index (pools, i));
  g_assert_cmpuint (vms, >=, 36);
  g_assert_cmpuint (vms, <=, 44);

  /* Users: root/demo everywhere, labadmin only on Lab. */
  for (guint i = 0; i < pools->len; i++)
    g_assert_true (ferry_sim_pool_check_password (g_ptr_array_index (pools, i), "root", "demo"));
  g_assert_true (ferry_sim_pool_check_password (lab, "labadmin", "lab"));
  g_assert_false (ferry_sim_pool_check_password (prod, "labadmin", "lab"));
  g_assert_false (ferry_sim_pool_check_password (prod, "root", "wrong"));

  /* Versions: Production XS 8, Lab CH 8.2 CU1 without XS82ECU1033, legacy 7.1 CU2. */
  g_assert_cmpstr (ferry_sim_row_map_lookup (ferry_sim_pool_get_master (prod), "software_version", "product_brand"), ==, "XenServer");
  g_assert_cmpstr (ferry_sim_row_map_lookup (ferry_sim_pool_get_master (prod), "software_version", "platform_version"), ==, "3.4.0");
  g_assert_cmpstr (ferry_sim_row_map_lookup (ferry_sim_pool_get_master (lab), "software_version", "product_version"), ==, "8.2.1");
  g_assert_cmpstr (ferry_sim_row_map_lookup (ferry_sim_pool_get_master (legacy), "software_version", "product_version"), ==, "7.1.2");
  g_assert_cmpint (ferry_sim_row_get_int (ferry_sim_pool_get_master (lab), "API_version_minor"), <,
                   ferry_sim_row_get_int (ferry_sim_pool_get_master (prod), "API_version_minor"));
  g_assert_nonnull (ferry_sim_pool_get_sim_attribute (lab, ferry_sim_pool_get_master (lab)->ref, FERRY_SIM_ATTR_HOTFIXES));
  g_assert_null (strstr (ferry_sim_pool_get_sim_attribute (lab, ferry_sim_pool_get_master (lab)->ref, FERRY_SIM_ATTR_HOTFIXES),
                         "XS82ECU1033"));
  g_assert_true (ferry_sim_row_get_bool (ferry_sim_pool_get_master (prod), "https_only"));   /* R11: port 80 closed */
}

/* One assertion block per rule; the README's table points here. */
static void
test_demo_rules (void)
{
  g_autoptr(GPtrArray) pools = load_demo ();
  FerrySimPool *prod = find_pool (pools, "Production");
  FerrySimPool *lab = find_pool (pools, "Lab");
  FerrySimRow *pool_row = ferry_sim_pool_get_pool_row (prod);
  FerrySimRow *vm;
  FerrySimRow *vgpu;
  FerrySimRow *type;
  FerrySimRow *sr;
  g_autoptr(GPtrArray) disks = NULL;

  /* R2, R26: pool settings */
  g_assert_false (ferry_sim_row_get_bool (pool_row, "migration_compression"));
  g_assert_true (ferry_sim_row_get_bool (pool_row, "ha_enabled"));
  g_assert_cmpint (ferry_sim_row_get_int (pool_row, "ha_host_failures_to_tolerate"), ==, 1);
  vm = find_named (prod, "VM", "dc-01");
  g_assert_true (ferry_sim_row_get_bool (vm, "ha_always_run"));
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "ha_restart_priority"), ==, "restart");

  /* R5: a GVT-g vGPU */
  vm = find_named (prod, "VM", "cad-gvt");
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (vm, "VGPUs")), ==, 1);
  vgpu = index_row (prod, ferry_sim_row_get (vm, "VGPUs"), 0);
  type = deref (prod, vgpu, "type");
  g_assert_cmpstr (ferry_sim_row_get_string (type, "implementation"), ==, "gvt_g");
  g_assert_nonnull (deref (prod, vgpu, "resident_on"));

  /* R6, R21: MCS markers */
  vm = find_named (prod, "VM", "vdi-mcs-001");
  g_assert_cmpstr (ferry_sim_row_map_lookup (vm, "other_config", "XdConfig"), ==, "XdProvisioned=true");
  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (vm, "tags"), "XdProvisioned=true"));

  /* R7: CBT */
  disks = vm_disks (prod, find_named (prod, "VM", "backup-proxy"));
  g_assert_cmpuint (disks->len, ==, 2);
  g_assert_true (ferry_sim_row_get_bool (g_ptr_array_index (disks, 1), "cbt_enabled"));
  g_clear_pointer (&disks, g_ptr_array_unref);

  /* R8: GFS2 */
  disks = vm_disks (prod, find_named (prod, "VM", "cluster-app"));
  sr = deref (prod, g_ptr_array_index (disks, 0), "SR");
  g_assert_cmpstr (ferry_sim_row_get_string (sr, "type"), ==, "gfs2");
  g_assert_true (ferry_sim_row_get_bool (sr, "clustered"));
  g_assert_true (ferry_sim_row_get_bool (sr, "shared"));
  g_assert_cmpuint (ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (prod), "Cluster")->len, ==, 1);
  g_assert_cmpuint (ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (prod), "Cluster_host")->len, ==, 4);
  g_clear_pointer (&disks, g_ptr_array_unref);
  {
    GPtrArray *sms = ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (prod), "SM");
    for (guint i = 0; i < sms->len; i++)
      {
        FerrySimRow *sm = g_ptr_array_index (sms, i);
        const char *sm_type = ferry_sim_row_get_string (sm, "type");
        const FerrySimValue *features = ferry_sim_row_get (sm, "features");

        if (g_str_equal (sm_type, "gfs2"))
          g_assert_null (ferry_sim_value_lookup (features, "VDI_MIRROR"));
        else if (g_str_equal (sm_type, "nfs") || g_str_equal (sm_type, "lvmoiscsi") || g_str_equal (sm_type, "lvm"))
          {
            g_assert_nonnull (ferry_sim_value_lookup (features, "VDI_MIRROR"));
            g_assert_nonnull (ferry_sim_value_lookup (features, "VDI_SNAPSHOT"));
          }
      }
  }

  /* R9: local storage */
  disks = vm_disks (prod, find_named (prod, "VM", "build-01"));
  sr = deref (prod, g_ptr_array_index (disks, 0), "SR");
  g_assert_false (ferry_sim_row_get_bool (sr, "shared"));
  g_clear_pointer (&disks, g_ptr_array_unref);

  /* R13: Windows without tools */
  vm = find_named (prod, "VM", "win-legacy-2016");
  g_assert_null (deref (prod, vm, "guest_metrics"));
  g_assert_cmpstr (ferry_sim_row_map_lookup (vm, "platform", "viridian"), ==, "true");
  g_assert_true (g_str_has_prefix (ferry_sim_row_map_lookup (vm, "other_config", "base_template_name"), "Windows"));
  vm = find_named (prod, "VM", "dc-01");
  g_assert_cmpstr (ferry_sim_row_map_lookup (deref (prod, vm, "guest_metrics"), "os_version", "distro"), ==, "windows");
  g_assert_nonnull (ferry_sim_row_map_lookup (deref (prod, vm, "guest_metrics"), "PV_drivers_version", "major"));

  /* R15: VM flags beyond the pool level; only prod-host-04 has them */
  vm = find_named (prod, "VM", "analytics-avx512");
  g_assert_cmpstr (ferry_sim_row_map_lookup (vm, "last_boot_CPU_flags", "features"), ==,
                   ferry_sim_row_map_lookup (find_named (prod, "host", "prod-host-04"), "cpu_info", "features_hvm"));
  g_assert_cmpstr (ferry_sim_row_map_lookup (vm, "last_boot_CPU_flags", "features"), !=,
                   ferry_sim_row_map_lookup (find_named (prod, "host", "prod-host-01"), "cpu_info", "features_hvm"));
  g_assert_cmpstr (ferry_sim_row_map_lookup (find_named (prod, "VM", "web-01"), "last_boot_CPU_flags", "features"), ==,
                   ferry_sim_row_map_lookup (pool_row, "cpu_info", "features_hvm"));

  /* R16: an AMD host among Intel ones */
  g_assert_cmpstr (ferry_sim_row_map_lookup (find_named (lab, "host", "lab-host-02"), "cpu_info", "vendor"), ==, "AuthenticAMD");
  g_assert_cmpstr (ferry_sim_row_map_lookup (find_named (lab, "host", "lab-host-01"), "cpu_info", "vendor"), ==, "GenuineIntel");
  g_assert_cmpstr (ferry_sim_row_map_lookup (find_named (lab, "VM", "lab-amd-01"), "last_boot_CPU_flags", "vendor"), ==, "AuthenticAMD");

  /* R17, R34: erp-db fits on no other host, not even by squeezing others to dynamic_min */
  {
    FerrySimRow *erp = find_named (prod, "VM", "erp-db");
    gint64 need = ferry_sim_row_get_int (erp, "memory_dynamic_min") + ferry_sim_row_get_int (erp, "memory_overhead");

    for (guint p = 0; p < pools->len; p++)
      {
        FerrySimPool *pool = g_ptr_array_index (pools, p);
        GPtrArray *hosts = ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (pool), "host");

        for (guint h = 0; h < hosts->len; h++)
          {
            FerrySimRow *host = g_ptr_array_index (hosts, h);
            const FerrySimValue *resident = ferry_sim_row_get (host, "resident_VMs");
            gint64 avail = ferry_sim_row_get_int (deref (pool, host, "metrics"), "memory_total") -
                           ferry_sim_row_get_int (host, "memory_overhead");

            if (g_strcmp0 (ferry_sim_row_get_string (erp, "resident_on"), host->ref) == 0)
              continue;
            for (guint i = 0; i < ferry_sim_value_get_length (resident); i++)
              {
                FerrySimRow *other = index_row (pool, resident, i);
                avail -= ferry_sim_row_get_int (other, "memory_dynamic_min") + ferry_sim_row_get_int (other, "memory_overhead");
              }
            g_assert_cmpint (avail, <, need);
          }
      }
  }

  /* R19, R20, R35: Prod-Archive is almost full */
  sr = find_named (prod, "SR", "Prod-Archive");
  g_assert_cmpint (ferry_sim_row_get_int (sr, "physical_size") - ferry_sim_row_get_int (sr, "physical_utilisation"), >, 40 * GiB);
  g_assert_cmpint (ferry_sim_row_get_int (sr, "physical_size") - ferry_sim_row_get_int (sr, "physical_utilisation"), <, 41 * GiB);
  disks = vm_disks (prod, find_named (prod, "VM", "archive-01"));
  g_assert_true (deref (prod, g_ptr_array_index (disks, 1), "SR") == sr);
  g_assert_cmpint (ferry_sim_row_get_int (g_ptr_array_index (disks, 1), "virtual_size"), ==, 500 * GiB);
  g_clear_pointer (&disks, g_ptr_array_unref);

  /* R22: PCI passthrough, and the NVIDIA SR-IOV exception */
  vm = find_named (prod, "VM", "hpc-qat");
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (vm, "attached_PCIs")), ==, 1);
  g_assert_nonnull (ferry_sim_row_map_lookup (vm, "other_config", "pci"));
  vm = find_named (prod, "VM", "vdi-gpu-sriov");
  vgpu = index_row (prod, ferry_sim_row_get (vm, "VGPUs"), 0);
  g_assert_cmpstr (ferry_sim_row_get_string (deref (prod, vgpu, "type"), "implementation"), ==, "nvidia_sriov");
  g_assert_nonnull (deref (prod, vgpu, "PCI"));
  g_assert_cmpstr (ferry_sim_value_get_string (ferry_sim_value_index (ferry_sim_row_get (vm, "attached_PCIs"), 0)), ==,
                   ferry_sim_row_get_string (vgpu, "PCI"));
  g_assert_nonnull (ferry_sim_pool_get_sim_attribute (prod, vgpu->ref, FERRY_SIM_ATTR_VGPU_STATE_SIZE));

  /* R23: VUSB */
  vm = find_named (prod, "VM", "license-server");
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (vm, "VUSBs")), ==, 1);

  /* R24: nomigrate, captured in the metrics */
  vm = find_named (prod, "VM", "rt-control");
  g_assert_true (ferry_sim_row_get_bool (deref (prod, vm, "metrics"), "nomigrate"));
  g_assert_cmpstr (ferry_sim_row_map_lookup (vm, "platform", "nomigrate"), ==, "true");

  /* R25: on_boot=reset with IntelliCache */
  disks = vm_disks (prod, find_named (prod, "VM", "citrix-pooled-01"));
  g_assert_cmpstr (ferry_sim_row_get_string (g_ptr_array_index (disks, 0), "on_boot"), ==, "reset");
  g_assert_cmpstr (ferry_sim_row_map_lookup (g_ptr_array_index (disks, 0), "sm_config", "on_boot"), ==, "reset");
  g_assert_cmpstr (ferry_sim_row_map_lookup (g_ptr_array_index (disks, 0), "sm_config", "caching"), ==, "true");
  g_clear_pointer (&disks, g_ptr_array_unref);

  /* R28, R30: NIC speeds and a separate storage network */
  {
    FerrySimRow *storage = find_named (prod, "network", "Storage");
    const FerrySimValue *pifs = ferry_sim_row_get (storage, "PIFs");

    g_assert_cmpuint (ferry_sim_value_get_length (pifs), ==, 4);
    for (guint i = 0; i < ferry_sim_value_get_length (pifs); i++)
      {
        FerrySimRow *pif = index_row (prod, pifs, i);
        g_assert_false (ferry_sim_row_get_bool (pif, "management"));
        g_assert_cmpstr (ferry_sim_row_get_string (pif, "ip_configuration_mode"), ==, "Static");
        g_assert_cmpfloat (ferry_sim_pool_get_sim_number (prod, pif->ref, FERRY_SIM_ATTR_SPEED, 0), ==, 25000);
      }
  }
  g_assert_cmpfloat (ferry_sim_pool_get_sim_number (prod, find_named (prod, "VM", "erp-db")->ref,
                                                    FERRY_SIM_ATTR_DIRTY_RATE, 0), ==, 400);

  /* R29, and the other power states */
  g_assert_cmpstr (ferry_sim_row_get_string (find_named (prod, "VM", "batch-paused"), "power_state"), ==, "Paused");
  vm = find_named (prod, "VM", "report-suspended");
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "power_state"), ==, "Suspended");
  g_assert_nonnull (deref (prod, vm, "suspend_VDI"));
  g_assert_null (deref (prod, vm, "resident_on"));
  vm = find_named (prod, "VM", "test-halted");
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "power_state"), ==, "Halted");
  g_assert_cmpint (ferry_sim_row_get_int (vm, "domid"), ==, -1);
  g_assert_true (ferry_sim_row_get_bool (find_named (prod, "VM", "golden-debian-12"), "is_a_template"));
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (find_named (prod, "VM", "web-01"), "snapshots")), ==, 1);

  /* R32: IPv6 Linux with an old kernel */
  vm = find_named (lab, "VM", "legacy-ipv6");
  g_assert_true (g_str_has_prefix (ferry_sim_row_map_lookup (deref (lab, vm, "guest_metrics"), "os_version", "uname"), "2.6."));
  g_assert_nonnull (ferry_sim_row_map_lookup (deref (lab, vm, "guest_metrics"), "networks", "0/ipv6/0"));

  /* R33: vGPUs fill the T4 */
  vm = find_named (prod, "VM", "render-01");
  vgpu = index_row (prod, ferry_sim_row_get (vm, "VGPUs"), 0);
  {
    FerrySimRow *pgpu = deref (prod, vgpu, "resident_on");
    const FerrySimValue *caps = ferry_sim_row_get (pgpu, "supported_VGPU_max_capacities");
    const FerrySimValue *cap = ferry_sim_value_lookup (caps, ferry_sim_row_get_string (vgpu, "type"));

    g_assert_nonnull (cap);
    g_assert_cmpint (cap->i, ==, 2);
    g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (pgpu, "resident_VGPUs")), ==, 2);
    g_assert_nonnull (ferry_sim_row_map_lookup (pgpu, "compatibility_metadata", "nvidia"));
  }
}

static void
test_demo_memory (void)
{
  g_autoptr(GPtrArray) pools = load_demo ();

  for (guint p = 0; p < pools->len; p++)
    {
      FerrySimPool *pool = g_ptr_array_index (pools, p);
      FerrySimDb *db = ferry_sim_pool_get_db (pool);
      GPtrArray *hosts = ferry_sim_db_get_rows_by_name (db, "host");
      GPtrArray *vms = ferry_sim_db_get_rows_by_name (db, "VM");

      for (guint h = 0; h < hosts->len; h++)
        {
          FerrySimRow *host = g_ptr_array_index (hosts, h);
          FerrySimRow *metrics = deref (pool, host, "metrics");
          const FerrySimValue *resident = ferry_sim_row_get (host, "resident_VMs");
          gint64 free_memory = ferry_sim_row_get_int (metrics, "memory_total") - ferry_sim_row_get_int (host, "memory_overhead");

          g_assert_true (ferry_sim_row_get_bool (metrics, "live"));
          for (guint i = 0; i < ferry_sim_value_get_length (resident); i++)
            {
              FerrySimRow *vm = index_row (pool, resident, i);
              free_memory -= ferry_sim_row_get_int (deref (pool, vm, "metrics"), "memory_actual") +
                             ferry_sim_row_get_int (vm, "memory_overhead");
            }
          g_assert_cmpint (free_memory, >=, 0);
          g_assert_cmpint (ferry_sim_row_get_int (metrics, "memory_free"), ==, free_memory);
        }

      for (guint i = 0; i < vms->len; i++)
        {
          FerrySimRow *vm = g_ptr_array_index (vms, i);
          const char *power = ferry_sim_row_get_string (vm, "power_state");
          gint64 smin = ferry_sim_row_get_int (vm, "memory_static_min");
          gint64 dmin = ferry_sim_row_get_int (vm, "memory_dynamic_min");
          gint64 dmax = ferry_sim_row_get_int (vm, "memory_dynamic_max");
          gint64 smax = ferry_sim_row_get_int (vm, "memory_static_max");
          gboolean live = g_str_equal (power, "Running") || g_str_equal (power, "Paused");
          FerrySimRow *vm_metrics = deref (pool, vm, "metrics");

          g_assert_cmpint (smin, <=, dmin);
          g_assert_cmpint (dmin, <=, dmax);
          g_assert_cmpint (dmax, <=, smax);
          g_assert_nonnull (vm_metrics);
          if (live)
            {
              FerrySimRow *host = deref (pool, vm, "resident_on");

              g_assert_nonnull (host);
              g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (host, "resident_VMs"), vm->ref));
              g_assert_cmpint (ferry_sim_row_get_int (vm, "domid"), >=, 0);
              g_assert_cmpint (ferry_sim_row_get_int (vm_metrics, "memory_actual"), >=, dmin);
              g_assert_cmpint (ferry_sim_row_get_int (vm_metrics, "memory_actual"), <=, dmax);
              if (!ferry_sim_row_get_bool (vm, "is_control_domain"))
                {
                  g_assert_nonnull (ferry_sim_row_map_lookup (vm, "last_boot_CPU_flags", "vendor"));
                  g_assert_true (ferry_sim_cpu_features_valid (ferry_sim_row_map_lookup (vm, "last_boot_CPU_flags", "features")));
                }
            }
          else
            {
              g_assert_null (deref (pool, vm, "resident_on"));
              g_assert_cmpint (ferry_sim_row_get_int (vm, "domid"), ==, -1);
              g_assert_cmpint (ferry_sim_row_get_int (vm_metrics, "memory_actual"), ==, 0);
            }
        }
    }
}

static void
check_storage (FerrySimPool *pool,
               gboolean      exact)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  GPtrArray *srs = ferry_sim_db_get_rows_by_name (db, "SR");
  GPtrArray *vbds = ferry_sim_db_get_rows_by_name (db, "VBD");
  GPtrArray *hosts = ferry_sim_db_get_rows_by_name (db, "host");

  for (guint s = 0; s < srs->len; s++)
    {
      FerrySimRow *sr = g_ptr_array_index (srs, s);
      const FerrySimValue *vdis = ferry_sim_row_get (sr, "VDIs");
      const FerrySimValue *pbds = ferry_sim_row_get (sr, "PBDs");
      gint64 physical = 0;
      gint64 virt = 0;

      for (guint i = 0; i < ferry_sim_value_get_length (vdis); i++)
        {
          FerrySimRow *vdi = index_row (pool, vdis, i);

          g_assert_nonnull (vdi);
          g_assert_cmpstr (ferry_sim_row_get_string (vdi, "SR"), ==, sr->ref);
          physical += ferry_sim_row_get_int (vdi, "physical_utilisation");
          virt += ferry_sim_row_get_int (vdi, "virtual_size");
        }
      if (exact)
        g_assert_cmpint (ferry_sim_row_get_int (sr, "physical_utilisation"), ==, physical);
      else
        g_assert_cmpint (ferry_sim_row_get_int (sr, "physical_utilisation"), >=, physical);
      g_assert_cmpint (ferry_sim_row_get_int (sr, "virtual_allocation"), ==, virt);
      g_assert_cmpint (ferry_sim_row_get_int (sr, "physical_utilisation"), <=, ferry_sim_row_get_int (sr, "physical_size"));
      if (ferry_sim_row_get_bool (sr, "shared"))
        g_assert_cmpuint (ferry_sim_value_get_length (pbds), ==, hosts->len);
      else
        g_assert_cmpuint (ferry_sim_value_get_length (pbds), ==, 1);
    }

  for (guint i = 0; i < vbds->len; i++)
    {
      FerrySimRow *vbd = g_ptr_array_index (vbds, i);
      FerrySimRow *vm = deref (pool, vbd, "VM");

      g_assert_nonnull (vm);
      g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (vm, "VBDs"), vbd->ref));
      if (ferry_sim_row_get_bool (vbd, "empty"))
        g_assert_null (deref (pool, vbd, "VDI"));
      else
        {
          FerrySimRow *vdi = deref (pool, vbd, "VDI");
          g_assert_nonnull (vdi);
          g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (vdi, "VBDs"), vbd->ref));
        }
    }
}

static void
test_demo_storage (void)
{
  g_autoptr(GPtrArray) pools = load_demo ();
  FerrySimPool *prod = find_pool (pools, "Production");
  FerrySimRow *nfs = find_named (prod, "SR", "Prod-NFS");
  FerrySimRow *archive = find_named (prod, "SR", "Prod-Archive");
  gint64 extra;

  for (guint p = 0; p < pools->len; p++)
    check_storage (g_ptr_array_index (pools, p), FALSE);

  /* SRs without "used" hold exactly their VDIs; Prod-Archive declares more. */
  extra = ferry_sim_row_get_int (archive, "physical_utilisation");
  {
    const FerrySimValue *vdis = ferry_sim_row_get (archive, "VDIs");
    for (guint i = 0; i < ferry_sim_value_get_length (vdis); i++)
      extra -= ferry_sim_row_get_int (index_row (prod, vdis, i), "physical_utilisation");
  }
  g_assert_cmpint (extra, >, 0);
  {
    const FerrySimValue *vdis = ferry_sim_row_get (nfs, "VDIs");
    gint64 sum = 0;
    for (guint i = 0; i < ferry_sim_value_get_length (vdis); i++)
      sum += ferry_sim_row_get_int (index_row (prod, vdis, i), "physical_utilisation");
    g_assert_cmpint (ferry_sim_row_get_int (nfs, "physical_utilisation"), ==, sum);
  }
}

static void
test_demo_network (void)
{
  g_autoptr(GPtrArray) pools = load_demo ();

  for (guint p = 0; p < pools->len; p++)
    {
      FerrySimPool *pool = g_ptr_array_index (pools, p);
      FerrySimDb *db = ferry_sim_pool_get_db (pool);
      GPtrArray *hosts = ferry_sim_db_get_rows_by_name (db, "host");
      GPtrArray *vifs = ferry_sim_db_get_rows_by_name (db, "VIF");

      for (guint h = 0; h < hosts->len; h++)
        {
          FerrySimRow *host = g_ptr_array_index (hosts, h);
          const FerrySimValue *pifs = ferry_sim_row_get (host, "PIFs");
          guint management = 0;

          for (guint i = 0; i < ferry_sim_value_get_length (pifs); i++)
            {
              FerrySimRow *pif = index_row (pool, pifs, i);
              if (ferry_sim_row_get_bool (pif, "management"))
                {
                  management++;
                  g_assert_cmpstr (ferry_sim_row_get_string (pif, "IP"), ==, ferry_sim_row_get_string (host, "address"));
                }
              g_assert_cmpfloat (ferry_sim_pool_get_sim_number (pool, pif->ref, FERRY_SIM_ATTR_SPEED, 0), >=, 1000);
            }
          g_assert_cmpuint (management, ==, 1);
        }

      for (guint i = 0; i < vifs->len; i++)
        {
          FerrySimRow *vif = g_ptr_array_index (vifs, i);
          g_assert_nonnull (deref (pool, vif, "network"));
          g_assert_cmpuint (strlen (ferry_sim_row_get_string (vif, "MAC")), ==, 17);
        }
    }
}

/* Every ref field holds a ref ("OpaqueRef:…", maybe NULL); every ref that is
 * not NULL names a row of the right class. */
static void
check_refs (FerrySimPool *pool)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);

  for (guint c = 0; c < ferry_sim_schema_get_n_classes (); c++)
    {
      FerrySimClass *klass = ferry_sim_schema_get_class (c);
      GPtrArray *rows = ferry_sim_db_get_rows (db, klass);

      for (guint f = 0; f < klass->n_fields; f++)
        {
          const FerrySimType *type = klass->fields[f].type;
          gboolean set = type->kind == FERRY_SIM_TYPE_SET && type->element->kind == FERRY_SIM_TYPE_REF;

          /* Every value has its field's kind; enums hold one of their values. */
          for (guint r = 0; r < rows->len; r++)
            {
              FerrySimRow *row = g_ptr_array_index (rows, r);
              const FerrySimValue *value = &row->values[f];
              FerrySimValueKind expected;

              switch (type->kind)
                {
                case FERRY_SIM_TYPE_INT: expected = FERRY_SIM_VALUE_INT; break;
                case FERRY_SIM_TYPE_FLOAT: expected = FERRY_SIM_VALUE_FLOAT; break;
                case FERRY_SIM_TYPE_BOOL: expected = FERRY_SIM_VALUE_BOOL; break;
                case FERRY_SIM_TYPE_DATETIME: expected = FERRY_SIM_VALUE_DATETIME; break;
                case FERRY_SIM_TYPE_SET: expected = FERRY_SIM_VALUE_ARRAY; break;
                case FERRY_SIM_TYPE_MAP: expected = FERRY_SIM_VALUE_MAP; break;
                default: expected = FERRY_SIM_VALUE_STRING; break;
                }
              if (value->kind != expected)
                g_error ("%s.%s has the wrong kind of value", klass->name, klass->fields[f].name);
              if (type->kind == FERRY_SIM_TYPE_ENUM && !ferry_sim_type_is_enum_value (type, value->s, NULL))
                g_error ("%s.%s = '%s' is not a %s", klass->name, klass->fields[f].name, value->s, type->name);
              if (type->kind == FERRY_SIM_TYPE_SET && type->element->kind == FERRY_SIM_TYPE_ENUM)
                for (guint i = 0; i < ferry_sim_value_get_length (value); i++)
                  if (!ferry_sim_type_is_enum_value (type->element, ferry_sim_value_index (value, i)->s, NULL))
                    g_error ("%s.%s holds '%s', not a %s", klass->name, klass->fields[f].name,
                             ferry_sim_value_index (value, i)->s, type->element->name);
            }

          if (type->kind != FERRY_SIM_TYPE_REF && !set)
            continue;
          for (guint r = 0; r < rows->len; r++)
            {
              FerrySimRow *row = g_ptr_array_index (rows, r);
              const FerrySimValue *value = &row->values[f];
              guint n = set ? ferry_sim_value_get_length (value) : 1;

              for (guint i = 0; i < n; i++)
                {
                  const char *ref = ferry_sim_value_get_string (set ? ferry_sim_value_index (value, i) : value);
                  const char *target = set ? type->element->name : type->name;

                  if (!g_str_has_prefix (ref, "OpaqueRef:"))
                    g_error ("%s.%s is \"%s\"", klass->name, klass->fields[f].name, ref);
                  if (g_str_equal (ref, FERRY_SIM_NULL_REF) ||
                      ferry_sim_schema_lookup_class (target) == NULL)
                    continue;
                  /* Classes the simulator does not serve (pool_update, …) stay empty. */
                  if (ferry_sim_db_lookup_in (db, target, ref) == NULL)
                    g_error ("%s.%s points to a missing %s %s", klass->name, klass->fields[f].name, target, ref);
                }
            }
        }
    }
}

static void
test_demo_refs (void)
{
  g_autoptr(GPtrArray) pools = load_demo ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FerrySimPool) generated = ferry_sim_generate ("hosts=3,vms=30,seed=5", &error);

  g_assert_no_error (error);
  for (guint p = 0; p < pools->len; p++)
    check_refs (g_ptr_array_index (pools, p));
  check_refs (generated);
}

static void
test_demo_deterministic (void)
{
  g_autoptr(GPtrArray) a = load_demo ();
  g_autoptr(GPtrArray) b = load_demo ();

  for (guint p = 0; p < a->len; p++)
    for (guint c = 0; c < ferry_sim_schema_get_n_classes (); c++)
      {
        FerrySimClass *klass = ferry_sim_schema_get_class (c);
        GPtrArray *ra = ferry_sim_db_get_rows (ferry_sim_pool_get_db (g_ptr_array_index (a, p)), klass);
        GPtrArray *rb = ferry_sim_db_get_rows (ferry_sim_pool_get_db (g_ptr_array_index (b, p)), klass);

        g_assert_cmpuint (ra->len, ==, rb->len);
        for (guint i = 0; i < ra->len; i++)
          {
            FerrySimRow *x = g_ptr_array_index (ra, i);
            FerrySimRow *y = g_ptr_array_index (rb, i);

            g_assert_cmpstr (x->ref, ==, y->ref);
            for (guint f = 0; f < klass->n_fields; f++)
              g_assert_true (ferry_sim_value_equal (&x->values[f], &y->values[f]));
          }
      }
}

static void
test_demo_allowed_operations (void)
{
  g_autoptr(GPtrArray) pools = load_demo ();
  FerrySimPool *prod = find_pool (pools, "Production");
  FerrySimDb *db = ferry_sim_pool_get_db (prod);

  /* The lifecycle checker agrees with the data: blockers block, the rest moves. */
  ferry_sim_lifecycle_refresh (db, 0);
  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (find_named (prod, "VM", "web-01"), "allowed_operations"), "pool_migrate"));
  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (find_named (prod, "VM", "vdi-gpu-sriov"), "allowed_operations"), "pool_migrate"));
  g_assert_false (ferry_sim_value_contains_string (ferry_sim_row_get (find_named (prod, "VM", "rt-control"), "allowed_operations"), "pool_migrate"));
  g_assert_false (ferry_sim_value_contains_string (ferry_sim_row_get (find_named (prod, "VM", "hpc-qat"), "allowed_operations"), "pool_migrate"));
  g_assert_false (ferry_sim_value_contains_string (ferry_sim_row_get (find_named (prod, "VM", "license-server"), "allowed_operations"), "pool_migrate"));
  g_assert_false (ferry_sim_value_contains_string (ferry_sim_row_get (find_named (prod, "VM", "cad-gvt"), "allowed_operations"), "pool_migrate"));
  g_assert_false (ferry_sim_value_contains_string (ferry_sim_row_get (find_named (prod, "VM", "win-legacy-2016"), "allowed_operations"), "pool_migrate"));
  g_assert_false (ferry_sim_value_contains_string (ferry_sim_row_get (find_named (prod, "VM", "fileserver"), "allowed_operations"), "migrate_send"));
}

/* Errors ------------------------------------------------------------------ */

/* Line 8 holds @vm; lines 4-6 a host, an SR and a network. */
static char *
scenario_with_vm (const char *vm)
{
  return g_strdup_printf ("{\n"
                          "  \"pools\": [ {\n"
                          "    \"name\": \"P\",\n"
                          "    \"hosts\": [ { \"name\": \"h1\", \"memory\": \"64 GiB\" } ],\n"
                          "    \"srs\": [ { \"name\": \"sr1\", \"type\": \"nfs\", \"size\": \"1 TiB\" } ],\n"
                          "    \"networks\": [ { \"name\": \"net\" } ],\n"
                          "    \"vms\": [\n"
                          "      %s\n"
                          "    ]\n"
                          "  } ]\n"
                          "}\n", vm);
}

static void
assert_load_error (const char *text,
                   const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pools = ferry_sim_scenario_load_data (text, strlen (text), "test.json", NULL, &error);

  g_assert_null (pools);
  g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE);
  if (g_str_has_suffix (expected, "*"))
    {
      g_autofree char *prefix = g_strndup (expected, strlen (expected) - 1);
      if (!g_str_has_prefix (error->message, prefix))
        g_error ("expected \"%s…\", got \"%s\"", prefix, error->message);
    }
  else
    g_assert_cmpstr (error->message, ==, expected);
}

static void
assert_vm_error (const char *vm,
                 const char *expected)
{
  g_autofree char *text = scenario_with_vm (vm);

  assert_load_error (text, expected);
}

static void
test_errors_vm (void)
{
  g_autofree char *ok = scenario_with_vm ("{ \"name\": \"v\", \"power_state\": \"running\", \"host\": \"h1\" }");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pools = ferry_sim_scenario_load_data (ok, strlen (ok), "test.json", "secret", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (pools->len, ==, 1);
  g_assert_true (ferry_sim_pool_check_password (g_ptr_array_index (pools, 0), "root", "secret"));

  assert_vm_error ("{ \"name\": \"v\", \"power_state\": \"running\", \"host\": \"h9\" }",
                   "test.json:8: unknown host 'h9' in pool 'P'");
  assert_vm_error ("{ \"name\": \"v\", \"affinity\": \"nowhere\" }",
                   "test.json:8: unknown host 'nowhere' in pool 'P'");
  assert_vm_error ("{ \"name\": \"v\", \"disks\": [ { \"size\": \"1 GiB\", \"sr\": \"nope\" } ] }",
                   "test.json:8: unknown SR 'nope' in pool 'P'");
  assert_vm_error ("{ \"name\": \"v\" },\n      { \"name\": \"v\" }",
                   "test.json:9: duplicate VM name 'v' in pool 'P'");
  assert_vm_error ("{ \"name\": \"v\", \"memory\": \"4 GB!\" }",
                   "test.json:8: 'memory': bad size \"4 GB!\" (use a number and B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)");
  assert_vm_error ("{ \"name\": \"v\", \"memory\": -4 }",
                   "test.json:8: 'memory' must be between 0 and 1 EiB");
  assert_vm_error ("{ \"name\": \"v\", \"power_state\": \"sleeping\" }",
                   "test.json:8: unknown power state 'sleeping' (use halted, running, paused or suspended)");
  assert_vm_error ("{ \"name\": \"v\", \"power_state\": \"running\" }",
                   "test.json:8: running VM 'v' has no 'host'");
  assert_vm_error ("{ \"name\": \"v\", \"power_state\": \"Halted\", \"host\": \"h1\" }",
                   "test.json:8: Halted VM 'v' runs nowhere: use 'affinity' for its home server");
  assert_vm_error ("{ \"name\": \"v\", \"memory\": { \"dynamic_min\": \"8 GiB\", \"static_max\": \"4 GiB\" } }",
                   "test.json:8: memory constraints violated: need static_min ≤ dynamic_min ≤ dynamic_max ≤ static_max");
  assert_vm_error ("{ \"name\": \"v\", \"memory\": { \"dynamic_max\": \"8 GiB\" } }",
                   "test.json:8: memory has no 'static_max'");
  assert_vm_error ("{ \"name\": \"v\", \"memroy\": \"4 GiB\" }",
                   "test.json:8: unknown key 'memroy' in VM");
  assert_vm_error ("{ \"name\": \"v\", \"name\": \"w\" }",
                   "test.json:8: duplicate key 'name'");
  assert_vm_error ("{ \"name\": 42 }",
                   "test.json:8: 'name' must be a string, not a number");
  assert_vm_error ("{ \"name\": \"\" }",
                   "test.json:8: VM has an empty name");
  assert_vm_error ("{ \"power_state\": \"halted\" }",
                   "test.json:8: VM has no 'name'");
  assert_vm_error ("{ \"name\": \"v\", \"os\": \"beos\" }",
                   "test.json:8: unknown OS 'beos' (known: *");
  assert_vm_error ("{ \"name\": \"v\", \"vifs\": [ { \"network\": \"lan\" } ] }",
                   "test.json:8: unknown network 'lan' in pool 'P'");
  assert_vm_error ("{ \"name\": \"v\", \"vifs\": [ { \"network\": \"net\", \"mac\": \"00:11\" } ] }",
                   "test.json:8: bad MAC address \"00:11\"");
  assert_vm_error ("{ \"name\": \"v\", \"cd\": \"missing.iso\" }",
                   "test.json:8: unknown ISO 'missing.iso' in pool 'P'");
  assert_vm_error ("{ \"name\": \"v\", \"power_state\": \"running\", \"host\": \"h1\", \"memory\": \"100 GiB\" }",
                   "test.json:4: host 'h1' is overcommitted: its running VMs need *");
  assert_vm_error ("{ \"name\": \"v\", \"power_state\": \"running\", \"host\": \"h1\", \"vgpu\": \"nvidia-t4-8q\" }",
                   "test.json:8: no pGPU on host 'h1' has room for a 'nvidia-t4-8q' vGPU");
  assert_vm_error ("{ \"name\": \"v\", \"vgpu\": \"nvidia-t4-8q\" }",
                   "test.json:8: no GPU in pool 'P' supports vGPU type 'nvidia-t4-8q'");
  assert_vm_error ("{ \"name\": \"v\", \"vgpu\": \"voodoo\" }",
                   "test.json:8: unknown vGPU type 'voodoo' (known: *");
  assert_vm_error ("{ \"name\": \"v\", \"power_state\": \"running\", \"host\": \"h1\", \"vusb\": [ \"dongle\" ] }",
                   "test.json:8: host 'h1' has no USB device 'dongle'");
  assert_vm_error ("{ \"name\": \"v\", \"power_state\": \"suspended\", \"suspend_sr\": \"gone\" }",
                   "test.json:8: unknown SR 'gone' in pool 'P'");
  assert_vm_error ("{ \"name\": \"v\", \"ha\": \"always\" }",
                   "test.json:8: 'ha' must be \"restart\", \"best-effort\" or \"\", not \"always\"");
  assert_vm_error ("{ \"name\": \"v\", \"tools\": \"new\" }",
                   "test.json:8: 'tools' must be true, false or a version such as \"9.4.0.146\"");
  assert_vm_error ("{ \"name\": \"v\", \"cpu\": \"intel-icelake\" }",
                   "test.json:8: a halted VM has no last-boot CPU flags");
  assert_vm_error ("{ \"name\": \"v\", \"power_state\": \"running\", \"host\": \"h1\", \"cpu_features\": \"xyz\" }",
                   "test.json:8: 'cpu_features' must be dash-separated 8-digit hex words such as \"1fcbfbff-f7fa3223\"");
  assert_vm_error ("{ \"name\": \"v\", \"vcpus\": 0 }",
                   "test.json:8: 'vcpus' must be between 1 and 256");
  assert_vm_error ("{ \"name\": \"v\", \"vcpus\": { \"max\": 2, \"startup\": 4 } }",
                   "test.json:8: 'startup' vCPUs exceed 'max'");
  assert_vm_error ("{ \"name\": \"v\", \"template\": true, \"power_state\": \"running\", \"host\": \"h1\" }",
                   "test.json:8: template 'v' must be halted");
  assert_vm_error ("{ \"name\": \"v\", \"disks\": [ { \"size\": \"1 GiB\", \"sr\": \"sr1\", \"on_boot\": \"wipe\" } ] }",
                   "test.json:8: 'on_boot' must be \"persist\" or \"reset\", not \"wipe\"");
  assert_vm_error ("{ \"name\": \"v\", \"disks\": [ { \"size\": \"1 GiB\", \"sr\": \"sr1\", \"used\": \"2 GiB\" } ] }",
                   "test.json:8: a disk cannot use more than its size");
  assert_vm_error ("{ \"name\": \"v\", \"disks\": [ { \"sr\": \"sr1\" } ] }",
                   "test.json:8: disk has no 'size'");
  assert_vm_error ("{ \"name\": \"v\", \"disks\": [ { \"size\": \"2 TiB\", \"sr\": \"sr1\", \"used\": \"1.5 TiB\" } ] }",
                   "test.json:5: SR 'sr1' is too small: its disks use 1649267441664 bytes");
  assert_vm_error ("{ \"name\": \"v\", \"snapshots\": [ { \"name\": \"s\", \"time\": \"yesterday\" } ] }",
                   "test.json:8: bad time \"yesterday\" (use \"2025-05-30T22:00:00Z\")");
  assert_vm_error ("{ \"name\": \"v\", \"dirty_rate\": \"fast\" }",
                   "test.json:8: 'dirty_rate' must be a rate such as \"50 MiB/s\" or a number of MiB/s");
  assert_vm_error ("{ \"name\": \"v\", \"compressibility\": 2 }",
                   "test.json:8: 'compressibility' must be between 0 and 1");
  assert_vm_error ("[ 1, 2 ]",
                   "test.json:8: a VM must be an object, not an array");
}

static void
test_errors_lines (void)
{
  /* The line of the offending key, however the object is laid out. */
  assert_load_error ("{\n"
                     "  \"pools\": [\n"
                     "    {\n"
                     "      \"name\": \"P\",\n"
                     "      \"hosts\": [\n"
                     "        {\n"
                     "          \"name\": \"h1\",\n"
                     "          \"memory\": \"64 GiB\",\n"
                     "          \"nics\": {\n"
                     "            \"eth0\": \"10 Gbit/s\",\n"
                     "            \"eth1\": \"ten gigs\"\n"
                     "          }\n"
                     "        }\n"
                     "      ]\n"
                     "    }\n"
                     "  ]\n"
                     "}\n",
                     "test.json:11: NIC 'eth1' needs a speed such as \"10 Gbit/s\" or a number of Mbit/s");
  assert_load_error ("{\n"
                     "  \"pools\": [\n"
                     "    {\n"
                     "      \"name\": \"P\",\n"
                     "      \"hosts\": [ { \"name\": \"h1\" } ],\n"
                     "      \"vms\": [\n"
                     "        {\n"
                     "          \"name\": \"v\",\n"
                     "          \"power_state\": \"running\"\n"
                     "        }\n"
                     "      ]\n"
                     "    }\n"
                     "  ]\n"
                     "}\n",
                     "test.json:7: running VM 'v' has no 'host'");
  assert_load_error ("{\n  \"pools\": [\n    { \"name\": \"P\", \"hosts\": [ { \"name\": \"h1\" } ] }\n  ],\n  \"typo\": 1\n}\n",
                     "test.json:5: unknown key 'typo' in the scenario");
}

static void
test_errors_structure (void)
{
  assert_load_error ("", "test.json:1: the file is empty");
  assert_load_error (" \n\n ", "test.json:1: the file is empty");
  assert_load_error ("{\n  \"pools\": [\n    { \"name\": \"P\" \"hosts\": [] }\n  ]\n}\n",
                     "test.json:3: JSON syntax error: *");
  assert_load_error ("[]", "test.json:1: a scenario is a JSON object with \"pools\" and \"standalone\"");
  assert_load_error ("{}", "test.json:1: the scenario has no pools and no standalone hosts");
  assert_load_error ("{ \"format\": 2, \"pools\": [] }", "test.json:1: 'format' must be between 1 and 1");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\" } ] }", "test.json:1: pool 'P' has no hosts");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"hosts\": [ { \"name\": \"h\" } ] },\n"
                     "             { \"name\": \"P\", \"hosts\": [ { \"name\": \"g\" } ] } ] }",
                     "test.json:2: duplicate pool name 'P'");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"hosts\": [ { \"name\": \"h\" } ] },\n"
                     "             { \"name\": \"Q\", \"hosts\": [ { \"name\": \"h\" } ] } ] }",
                     "test.json:2: duplicate host name 'h' (first on line 1)");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"version\": \"xenserver-9\", \"hosts\": [ { \"name\": \"h\" } ] } ] }",
                     "test.json:1: unknown version preset 'xenserver-9' (known: *");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"hosts\": [ { \"name\": \"h\", \"cpu\": \"z80\" } ] } ] }",
                     "test.json:1: unknown CPU preset 'z80' (known: *");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"hosts\": [ { \"name\": \"h\",\n"
                     "  \"cpu\": { \"preset\": \"amd-rome\", \"vendor\": \"intel\" } } ] } ] }",
                     "test.json:2: CPU preset 'amd-rome' is not made by intel");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"hosts\": [ { \"name\": \"h\" } ],\n"
                     "  \"srs\": [ { \"name\": \"s\", \"type\": \"zfs-magic\", \"size\": 1 } ] } ] }",
                     "test.json:2: unknown SR type 'zfs-magic' (known: *");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"hosts\": [ { \"name\": \"h\" }, { \"name\": \"g\" } ],\n"
                     "  \"srs\": [ { \"name\": \"s\", \"type\": \"lvm\", \"size\": \"1 TiB\" } ] } ] }",
                     "test.json:2: local SR 's' needs a 'host'");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"hosts\": [ { \"name\": \"h\" } ],\n"
                     "  \"srs\": [ { \"name\": \"s\", \"type\": \"nfs\", \"size\": \"1 TiB\", \"used\": \"2 TiB\" } ] } ] }",
                     "test.json:2: SR 's' uses more than its size");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"hosts\": [ { \"name\": \"h\" } ],\n"
                     "  \"srs\": [ { \"name\": \"s\", \"type\": \"nfs\", \"size\": \"1 TiB\" },\n"
                     "            { \"name\": \"s\", \"type\": \"nfs\", \"size\": \"1 TiB\" } ] } ] }",
                     "test.json:3: duplicate SR name 's' in pool 'P'");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"hosts\": [ { \"name\": \"h\" } ],\n"
                     "  \"srs\": [ { \"name\": \"s\", \"type\": \"nfs\", \"size\": \"1 TiB\", \"used\": \"1 GiB\" } ],\n"
                     "  \"vms\": [ { \"name\": \"v\", \"disks\": [ { \"size\": \"8 GiB\", \"sr\": \"s\", \"used\": \"4 GiB\" } ] } ] } ] }",
                     "test.json:2: SR 's': 'used' is 1073741824 bytes but its disks already use 4294967296");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"hosts\": [ { \"name\": \"h\" } ],\n"
                     "  \"networks\": [ { \"name\": \"n\", \"nic\": \"eth7\" } ] } ] }",
                     "test.json:2: network 'n' uses NIC 'eth7', which host 'h' lacks");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"hosts\": [ { \"name\": \"h\" } ],\n"
                     "  \"networks\": [ { \"name\": \"a\" },\n"
                     "                { \"name\": \"b\" } ] } ] }",
                     "test.json:3: networks 'a' and 'b' both use NIC 'eth0' without a VLAN");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"hosts\": [ { \"name\": \"h\" } ],\n"
                     "  \"networks\": [ { \"name\": \"a\", \"subnet\": \"10.0.0/24\" } ] } ] }",
                     "test.json:2: bad subnet \"10.0.0/24\" (use \"10.20.0.0/24\")");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"ha\": { \"enabled\": true, \"host_failures_to_tolerate\": 1 },\n"
                     "  \"hosts\": [ { \"name\": \"h\" } ] } ] }",
                     "test.json:1: pool 'P' cannot tolerate 1 host failures with 1 hosts");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"hosts\": [ { \"name\": \"h\", \"master\": true },\n"
                     "  { \"name\": \"g\", \"master\": true } ] } ] }",
                     "test.json:2: hosts 'h' and 'g' are both marked master");
  assert_load_error ("{ \"standalone\": [ { \"srs\": [] } ] }", "test.json:1: standalone entry has no 'host'");
  assert_load_error ("{ \"standalone\": [ { \"name\": \"x\", \"host\": { \"name\": \"h\" } } ] }",
                     "test.json:1: unknown key 'name' in standalone host");
  assert_load_error ("{ \"pools\": [ { \"name\": \"P\", \"users\": { \"root\": 1.5 }, \"hosts\": [ { \"name\": \"h\" } ] } ] }",
                     "test.json:1: 'users': value of 'root' must be a string, not a number");
  assert_load_error ("{\n\n \"pools\": \"\xff\" }", "test.json:3: not UTF-8 text");

  {
    GString *deep = g_string_new ("{ \"pools\": ");
    for (guint i = 0; i < 200; i++)
      g_string_append (deep, "[\n");
    assert_load_error (deep->str, "test.json:64: nested more than 64 levels deep");
    g_string_free (deep, TRUE);
  }
}

static void
test_units (void)
{
  const char *text =
    "{ \"standalone\": [ { \"host\": { \"name\": \"h\", \"memory\": \"1.5 TiB\", \"cpu\": { \"vendor\": \"amd\" },\n"
    "                                  \"nics\": { \"eth0\": 25000, \"eth1\": \"100G\" } },\n"
    "  \"srs\": [ { \"name\": \"a\", \"type\": \"ext\", \"size\": \"500 GB\", \"used\": 1048576 },\n"
    "            { \"name\": \"b\", \"type\": \"nfs\", \"size\": \"2t\", \"bandwidth\": \"1 GiB/s\" } ],\n"
    "  \"vms\": [ { \"name\": \"v\", \"memory\": \"512M\", \"dirty_rate\": 12.5,\n"
    "             \"disks\": [ { \"size\": \"1.5 GiB\", \"sr\": \"b\", \"used\": \"0.5GiB\" } ] } ] } ] }";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pools = ferry_sim_scenario_load_data (text, strlen (text), "units.json", NULL, &error);
  FerrySimPool *pool;
  FerrySimRow *host;
  FerrySimRow *vm;
  FerrySimRow *b;

  g_assert_no_error (error);
  pool = g_ptr_array_index (pools, 0);
  g_assert_true (ferry_sim_pool_is_standalone (pool));
  g_assert_cmpstr (ferry_sim_pool_get_name (pool), ==, "h");
  g_assert_true (ferry_sim_pool_check_password (pool, "root", "demo"));
  host = ferry_sim_pool_get_master (pool);
  g_assert_cmpint (ferry_sim_row_get_int (deref (pool, host, "metrics"), "memory_total"), ==, 1536 * GiB);
  g_assert_cmpstr (ferry_sim_row_map_lookup (host, "cpu_info", "vendor"), ==, "AuthenticAMD");
  g_assert_cmpint (ferry_sim_row_get_int (find_named (pool, "SR", "a"), "physical_size"), ==, 500000000000);
  g_assert_cmpint (ferry_sim_row_get_int (find_named (pool, "SR", "a"), "physical_utilisation"), ==, 1048576);
  b = find_named (pool, "SR", "b");
  g_assert_cmpint (ferry_sim_row_get_int (b, "physical_size"), ==, 2 * FERRY_SIM_TiB);
  g_assert_cmpint (ferry_sim_row_get_int (b, "physical_utilisation"), ==, GiB / 2);
  g_assert_cmpint (ferry_sim_row_get_int (b, "virtual_allocation"), ==, 3 * GiB / 2);
  g_assert_cmpfloat (ferry_sim_pool_get_sim_number (pool, b->ref, FERRY_SIM_ATTR_BANDWIDTH, 0), ==, 1024);
  vm = find_named (pool, "VM", "v");
  g_assert_cmpint (ferry_sim_row_get_int (vm, "memory_static_max"), ==, 512 * MiB);
  g_assert_cmpfloat (ferry_sim_pool_get_sim_number (pool, vm->ref, FERRY_SIM_ATTR_DIRTY_RATE, 0), ==, 12.5);
  {
    const FerrySimValue *pifs = ferry_sim_row_get (host, "PIFs");
    double speeds = 0;
    for (guint i = 0; i < ferry_sim_value_get_length (pifs); i++)
      speeds += ferry_sim_pool_get_sim_number (pool, ferry_sim_value_get_string (ferry_sim_value_index (pifs, i)),
                                               FERRY_SIM_ATTR_SPEED, 0);
    g_assert_cmpfloat (speeds, ==, 125000);
  }
}

/* Cut the demo at many places and flip bytes: errors, never crashes. */
static void
test_robustness (void)
{
  g_autofree char *path = demo_path ();
  g_autofree char *data = NULL;
  gsize length;
  GRand *rand = g_rand_new_with_seed (42);

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));

  for (gsize cut = 0; cut < length; cut += 1 + length / 300)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) pools = ferry_sim_scenario_load_data (data, cut, "cut.json", NULL, &error);

      g_assert_null (pools);
      g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE);
      g_assert_true (g_str_has_prefix (error->message, "cut.json:"));
    }

  for (guint round = 0; round < 300; round++)
    {
      g_autofree char *copy = g_memdup2 (data, length);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) pools = NULL;

      for (guint n = 0; n < 3; n++)
        {
          static const char junk[] = "\"{}[],:0-9aZ \n.e";
          copy[g_rand_int_range (rand, 0, length)] = junk[g_rand_int_range (rand, 0, sizeof junk - 1)];
        }
      pools = ferry_sim_scenario_load_data (copy, length, "flip.json", NULL, &error);
      g_assert_true ((pools == NULL) != (error == NULL));
      if (error)
        g_assert_true (g_str_has_prefix (error->message, "flip.json:"));
    }
  g_rand_free (rand);
}

/* The generator ----------------------------------------------------------- */

static void
test_generate_counts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerrySimPool) pool = ferry_sim_generate ("hosts=4,vms=50,vdis=120,seed=7", &error);
  FerrySimDb *db;
  GPtrArray *vdis;
  guint disks = 0;
  guint running = 0;
  guint halted = 0;

  g_assert_no_error (error);
  db = ferry_sim_pool_get_db (pool);
  g_assert_cmpuint (ferry_sim_db_get_rows_by_name (db, "host")->len, ==, 4);
  g_assert_cmpuint (count_real_vms (pool), ==, 50);
  vdis = ferry_sim_db_get_rows_by_name (db, "VDI");
  for (guint i = 0; i < vdis->len; i++)
    {
      const char *type = ferry_sim_row_get_string (g_ptr_array_index (vdis, i), "type");
      disks += g_str_equal (type, "system") || g_str_equal (type, "user");
    }
  g_assert_cmpuint (disks, ==, 120 + 3 /* ISOs */);
  g_assert_nonnull (ferry_sim_pool_get_master (pool));
  for (guint i = 0; i < ferry_sim_db_get_rows_by_name (db, "VM")->len; i++)
    {
      FerrySimRow *vm = g_ptr_array_index (ferry_sim_db_get_rows_by_name (db, "VM"), i);
      if (!is_real_vm (vm))
        continue;
      running += g_str_equal (ferry_sim_row_get_string (vm, "power_state"), "Running");
      halted += g_str_equal (ferry_sim_row_get_string (vm, "power_state"), "Halted");
    }
  g_assert_cmpuint (running, >, 0);
  g_assert_cmpuint (halted, >, 0);
  check_storage (pool, TRUE);

  /* Two disks per VM when vdis is not given. */
  {
    g_autoptr(FerrySimPool) two = ferry_sim_generate ("hosts=2,vms=10", &error);
    GPtrArray *vbds;
    guint n = 0;

    g_assert_no_error (error);
    vbds = ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (two), "VBD");
    for (guint i = 0; i < vbds->len; i++)
      n += g_str_equal (ferry_sim_row_get_string (g_ptr_array_index (vbds, i), "type"), "Disk");
    g_assert_cmpuint (n, ==, 20);
    g_assert_false (ferry_sim_pool_has_users (two));
  }
}

static void
test_generate_deterministic (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerrySimPool) a = ferry_sim_generate ("hosts=3,vms=40,seed=99", &error);
  g_autoptr(FerrySimPool) b = ferry_sim_generate ("hosts=3,vms=40,seed=99", &error);
  g_autoptr(FerrySimPool) c = ferry_sim_generate ("hosts=3,vms=40,seed=100", &error);

  g_assert_no_error (error);
  for (guint k = 0; k < ferry_sim_schema_get_n_classes (); k++)
    {
      FerrySimClass *klass = ferry_sim_schema_get_class (k);
      GPtrArray *ra = ferry_sim_db_get_rows (ferry_sim_pool_get_db (a), klass);
      GPtrArray *rb = ferry_sim_db_get_rows (ferry_sim_pool_get_db (b), klass);

      g_assert_cmpuint (ra->len, ==, rb->len);
      for (guint i = 0; i < ra->len; i++)
        {
          FerrySimRow *x = g_ptr_array_index (ra, i);
          FerrySimRow *y = g_ptr_array_index (rb, i);

          g_assert_cmpstr (x->ref, ==, y->ref);
          g_assert_cmpstr (ferry_sim_row_get_uuid (x), ==, ferry_sim_row_get_uuid (y));
          for (guint f = 0; f < klass->n_fields; f++)
            g_assert_true (ferry_sim_value_equal (&x->values[f], &y->values[f]));
        }
    }

  g_assert_cmpstr (ferry_sim_pool_get_master (a)->ref, !=, ferry_sim_pool_get_master (c)->ref);
}

static void
test_generate_errors (void)
{
  static const struct { const char *spec; const char *message; } cases[] = {
    { "hosts=0,vms=1", "--generate: bad hosts '0': use a whole number from 1 to 1000" },
    { "hosts=2", "--generate needs at least hosts=N,vms=M (also vdis=K, seed=S, srs=R, networks=W)" },
    { "hosts=2,vms=3,colour=blue", "--generate: unknown key 'colour' (keys: hosts, vms, vdis, seed, srs, networks)" },
    { "hosts=2,vms=x", "--generate: bad vms 'x': use a whole number from 0 to 200000" },
    { "hosts=2,vms=3,hosts=4", "--generate: 'hosts' given twice" },
    { "hosts=2;vms=3", "--generate: bad hosts '2;vms=3': use a whole number from 1 to 1000" },
    { "hosts=2,vms", "--generate: 'vms' is not key=value (keys: hosts, vms, vdis, seed, srs, networks)" },
    { "hosts=2,vms=1,vdis=40", "--generate: at most 16 VDIs per VM" },
    { "hosts=2,vms=0,vdis=4", "--generate: vdis needs vms" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FerrySimPool) pool = ferry_sim_generate (cases[i].spec, &error);

      g_assert_null (pool);
      g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_generate_large (void)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(FerrySimPool) pool = ferry_sim_generate ("hosts=64,vms=10000,vdis=20000,seed=1", &error);
  FerrySimDb *db;
  GPtrArray *hosts;

  g_assert_no_error (error);
  g_test_message ("hosts=64,vms=10000,vdis=20000: %.2f s", (g_get_monotonic_time () - start) / 1e6);
  db = ferry_sim_pool_get_db (pool);
  g_assert_cmpuint (count_real_vms (pool), ==, 10000);
  g_assert_cmpuint (ferry_sim_db_get_rows_by_name (db, "VBD")->len, ==, 20000);
  hosts = ferry_sim_db_get_rows_by_name (db, "host");
  for (guint i = 0; i < hosts->len; i++)
    {
      FerrySimRow *host = g_ptr_array_index (hosts, i);
      g_assert_cmpint (ferry_sim_row_get_int (deref (pool, host, "metrics"), "memory_free"), >, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sim/scenario/demo/pools", test_demo_pools);
  g_test_add_func ("/sim/scenario/demo/rules", test_demo_rules);
  g_test_add_func ("/sim/scenario/demo/memory", test_demo_memory);
  g_test_add_func ("/sim/scenario/demo/storage", test_demo_storage);
  g_test_add_func ("/sim/scenario/demo/network", test_demo_network);
  g_test_add_func ("/sim/scenario/demo/refs", test_demo_refs);
  g_test_add_func ("/sim/scenario/demo/deterministic", test_demo_deterministic);
  g_test_add_func ("/sim/scenario/demo/allowed-operations", test_demo_allowed_operations);
  g_test_add_func ("/sim/scenario/errors/vm", test_errors_vm);
  g_test_add_func ("/sim/scenario/errors/lines", test_errors_lines);
  g_test_add_func ("/sim/scenario/errors/structure", test_errors_structure);
  g_test_add_func ("/sim/scenario/units", test_units);
  g_test_add_func ("/sim/scenario/robustness", test_robustness);
  g_test_add_func ("/sim/scenario/generate/counts", test_generate_counts);
  g_test_add_func ("/sim/scenario/generate/deterministic", test_generate_deterministic);
  g_test_add_func ("/sim/scenario/generate/errors", test_generate_errors);
  g_test_add_func ("/sim/scenario/generate/large", test_generate_large);

  return g_test_run ();
}
