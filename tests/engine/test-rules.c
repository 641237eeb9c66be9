/* test-rules.c: every rule by ID, blocked and passing, on the demo world
 *
 * Each rule has a test that makes it fire and one that shows it quiet, on
 * the objects the demo scenario keeps for it (src/ferry-sim/README.md §6).
 * Where the demo has no such object, a copy of a demo cache gets one
 * changed record; the test says so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "rules-test-utils.h"

#define GiB (G_GINT64_CONSTANT (1) << 30)

/* R4 */

static void
test_r4_cross_pool_live (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R4: Storage is shared only between hosts of the same pool, so O1 is only possible "
                  "inside a pool. Anything that leaves the pool is O2.");
  checks = check_one (VM (PRODUCTION, "web-01"), HOST (LAB, "lab-host-01"), NULL,
                      FERRY_OPERATION_LIVE_MIGRATE, NULL, NULL);
  assert_finding (checks, "R4", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r4_same_pool (void)
{
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(FerryMoveRequest) request = NULL;

  g_test_summary ("R4: inside a pool a VM on shared storage moves with O1; leaving the pool is O2.");
  checks = check_one (VM (PRODUCTION, "web-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_LIVE_MIGRATE, NULL, NULL);
  assert_no_finding (checks, "R4");
  g_assert_cmpuint (ferry_checks_get_worst (checks), <, FERRY_CHECK_SEVERITY_BLOCKER);

  /* Automatic: O1 inside the pool, O2 out of it (R4, R9). */
  request = ferry_move_request_new_for_vm (VM (PRODUCTION, "web-01"));
  ferry_move_request_set_destination_host (request, HOST (PRODUCTION, "prod-host-01"));
  g_assert_cmpint (ferry_move_request_resolve_operation (request, VM (PRODUCTION, "web-01")), ==,
                   FERRY_OPERATION_LIVE_MIGRATE);
  ferry_move_request_set_destination_host (request, HOST (LAB, "lab-host-01"));
  g_assert_true (ferry_move_request_is_cross_pool (request));
  g_assert_cmpint (ferry_move_request_resolve_operation (request, VM (PRODUCTION, "web-01")), ==,
                   FERRY_OPERATION_STORAGE_MIGRATE);
}

static void
test_r4_local_storage (void)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new_for_vm (VM (PRODUCTION, "build-01"));
  FerryVdi *disk = demo_disk (VM (PRODUCTION, "build-01"), 0);

  g_test_summary ("R4, R9: a VM on local storage moves to another host of its pool with O2 only; its "
                  "disk goes to the pool's default shared SR.");
  ferry_move_request_set_destination_host (request, HOST (PRODUCTION, "prod-host-01"));
  g_assert_cmpint (ferry_move_request_resolve_operation (request, VM (PRODUCTION, "build-01")), ==,
                   FERRY_OPERATION_STORAGE_MIGRATE);
  g_assert_true (ferry_move_request_resolve_vdi_sr (request, disk) == SR (PRODUCTION, "Prod-NFS"));

  /* Left in place, the disk is on storage the host cannot see. */
  ferry_move_request_set_vdi_sr (request, disk, NULL);
  ferry_move_request_set_operation (request, FERRY_OPERATION_LIVE_MIGRATE);
  {
    g_autoptr(GPtrArray) checks = ferry_rules_check (request, NULL, NULL);

    assert_finding (checks, "X-VM-REQUIRES-SR", FERRY_CHECK_SEVERITY_BLOCKER);
  }
}

/* R5 */

static void
test_r5_gvt_g (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R5: Intel GVT-g VMs (vGPU type GVT-g) support neither O1, O2 nor suspend.");
  checks = check_one (VM (PRODUCTION, "cad-gvt"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "R5", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r5_nvidia_vgpu (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R5: only GVT-g is refused; an NVIDIA vGPU is not an R5 case.");
  checks = check_one (VM (PRODUCTION, "vdi-gpu-sriov"), HOST (PRODUCTION, "prod-host-03"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R5");
}

/* R6, R21 */

static void
test_r6_cvad_pool (void)
{
  g_autoptr(FerryRuleSettings) settings = ferry_rule_settings_new ();
  g_autoptr(GPtrArray) checks = NULL;
  const char *uuid = ferry_object_get_uuid (FERRY_OBJECT (ferry_cache_get_pool (PRODUCTION)));

  g_test_summary ("R6: O2 is not to be used for VMs deployed by Citrix Virtual Desktops / Machine "
                  "Creation Services (here: the pool is marked as managed by Citrix Virtual Desktops).");
  ferry_rule_settings_set_pool_flag (settings, uuid, FERRY_POOL_FLAG_CVAD_MANAGED, TRUE);
  checks = check_one (VM (PRODUCTION, "build-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, settings);
  assert_finding (checks, "R6", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r6_not_cvad (void)
{
  g_autoptr(FerryRuleSettings) settings = ferry_rule_settings_new ();
  g_autoptr(GPtrArray) checks = NULL;
  const char *uuid = ferry_object_get_uuid (FERRY_OBJECT (ferry_cache_get_pool (PRODUCTION)));

  g_test_summary ("R6: without the pool setting, and for O1 even with it, nothing is said.");
  checks = check_one (VM (PRODUCTION, "build-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, settings);
  assert_no_finding (checks, "R6");
  g_clear_pointer (&checks, g_ptr_array_unref);

  ferry_rule_settings_set_pool_flag (settings, uuid, FERRY_POOL_FLAG_CVAD_MANAGED, TRUE);
  checks = check_one (VM (PRODUCTION, "web-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, settings);
  assert_no_finding (checks, "R6");
}

static void
test_r21_mcs_markers (void)
{
  g_autoptr(GPtrArray) checks = NULL;
  FerryCheck *check;

  g_test_summary ("R21: O2 is not possible for VMs created by Machine Creation Services (same "
                  "detection as R6).");
  checks = check_one (VM (PRODUCTION, "vdi-mcs-001"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, SR (PRODUCTION, "Prod-iSCSI"), NULL);
  check = assert_finding (checks, "R21", FERRY_CHECK_SEVERITY_BLOCKER);
  assert_contains (ferry_check_get_message (check), "XdProvisioned=true");
}

static void
test_r21_live_in_pool (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R21: an MCS machine still moves with O1 inside its pool; an unmarked VM with O2.");
  checks = check_one (VM (PRODUCTION, "vdi-mcs-001"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R21");
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_one (VM (PRODUCTION, "web-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, SR (PRODUCTION, "Prod-iSCSI"), NULL);
  assert_no_finding (checks, "R21");
}

/* R7 */

static void
test_r7_cbt (void)
{
  g_autoptr(GPtrArray) checks = NULL;
  FerryCheck *check;

  g_test_summary ("R7: O2 is impossible while changed block tracking (VDI.cbt_enabled) is on for any "
                  "of the VM's VDIs. Remedy: disable CBT first.");
  checks = check_one (VM (PRODUCTION, "backup-proxy"), HOST (PRODUCTION, "prod-host-02"), NULL,
                      FERRY_OPERATION_AUTO, SR (PRODUCTION, "Prod-iSCSI"), NULL);
  check = assert_finding (checks, "R7", FERRY_CHECK_SEVERITY_BLOCKER);
  assert_contains (ferry_check_get_message (check), "backup-proxy cache");
  assert_contains (ferry_check_get_remedy (check), "hanged block tracking");
}

static void
test_r7_live_migration (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R7: CBT does not stop O1 (the disks stay).");
  checks = check_one (VM (PRODUCTION, "backup-proxy"), HOST (PRODUCTION, "prod-host-02"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R7");
}

/* R8 */

static void
test_r8_gfs2 (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R8: O2 is impossible for VDIs on a GFS2 SR (SR.type = \"gfs2\").");
  checks = check_one (VM (PRODUCTION, "cluster-app"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, SR (PRODUCTION, "Prod-iSCSI"), NULL);
  assert_finding (checks, "R8", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r8_live_on_gfs2 (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R8: inside the pool, O1 leaves the disks on the shared GFS2 SR: allowed.");
  checks = check_one (VM (PRODUCTION, "cluster-app"), HOST (PRODUCTION, "prod-host-03"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R8");
  g_assert_cmpuint (ferry_checks_get_worst (checks), <, FERRY_CHECK_SEVERITY_BLOCKER);
}

/* R11 */

static void
test_r11_port_80 (void)
{
  g_autoptr(GPtrArray) checks = NULL;
  FerryCheck *check;

  g_test_summary ("R11: a Citrix Hypervisor 8.2 CU1 source pool without hotfix XS82ECU1033 cannot "
                  "migrate to a pool that has TCP port 80 closed; both remedies are given.");
  checks = check_one (VM (LAB, "lab-web-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  check = assert_finding (checks, "R11", FERRY_CHECK_SEVERITY_BLOCKER);
  assert_contains (ferry_check_get_remedy (check), "XS82ECU1033");
  assert_contains (ferry_check_get_remedy (check), "port 80");
}

static void
test_r11_hotfix_installed (void)
{
  g_autoptr(FerryRuleSettings) settings = ferry_rule_settings_new ();
  g_autoptr(GPtrArray) checks = NULL;
  const char *uuid = ferry_object_get_uuid (FERRY_OBJECT (ferry_cache_get_pool (LAB)));

  g_test_summary ("R11: with the hotfix (stated in the pool's settings) the move is allowed.");
  ferry_rule_settings_set_pool_flag (settings, uuid, FERRY_POOL_FLAG_HAS_XS82ECU1033, TRUE);
  checks = check_one (VM (LAB, "lab-web-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, settings);
  assert_no_finding (checks, "R11");
  g_assert_cmpuint (ferry_checks_get_worst (checks), <, FERRY_CHECK_SEVERITY_BLOCKER);
}

/* R12 */

static void
test_r12_older_destination (void)
{
  g_autoptr(GPtrArray) checks = NULL;
  FerryCheck *check;

  g_test_summary ("R12: The destination host runs the same or a newer product version than the source "
                  "host (here it is older: XenServer 8 → Citrix Hypervisor 8.2 CU1).");
  checks = check_one (VM (PRODUCTION, "web-01"), HOST (LAB, "lab-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  check = assert_finding (checks, "R12", FERRY_CHECK_SEVERITY_BLOCKER);
  assert_contains (ferry_check_get_message (check), "“lab-host-01”");
  assert_contains (ferry_check_get_message (check), "Citrix Hypervisor 8.2.1");
  assert_contains (ferry_check_get_message (check), "XenServer 8.4.0");
  g_assert_true (ferry_check_find_object (check, FERRY_TYPE_HOST) == (gpointer) HOST (LAB, "lab-host-01"));
  g_assert_cmpstr (ferry_check_get_help_id (check), ==, "rule-r12");
}

static void
test_r12_same_version (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R12: the same version is fine.");
  checks = check_one (VM (PRODUCTION, "web-01"), HOST (PRODUCTION, "prod-host-03"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R12");
}

static void
test_r12_newer_destination (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R12: a newer destination is fine (Citrix Hypervisor 8.2 CU1 → XenServer 8, and "
                  "XenServer 7.1 CU2 → Citrix Hypervisor 8.2 CU1).");
  checks = check_one (VM (LAB, "lab-web-01"), HOST (PRODUCTION, "prod-host-02"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R12");
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_one (VM (LEGACY, "legacy-erp"), HOST (LAB, "lab-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R12");
}

static void
test_r12_compare (void)
{
  g_test_summary ("R12: xapi's comparison (xapi.md §4.5): split at the first '-', numeric parts only, "
                  "lexicographic, the longer list wins a tie.");

  /* xapi's own test vectors (ocaml/tests/test_helpers.ml) */
  g_assert_cmpint (ferry_rules_compare_versions ("25.30.0", "25.30.0.6.gb239bd75a"), <, 0);
  g_assert_cmpint (ferry_rules_compare_versions ("25.30.0.6.gb239bd75a", "25.30.0.6"), ==, 0);
  g_assert_cmpint (ferry_rules_compare_versions ("25.15.0-13", "25.15.0.13"), ==, 0);
  g_assert_cmpint (ferry_rules_compare_versions ("25.27", "25.27.1"), <, 0);
  g_assert_cmpint (ferry_rules_compare_versions ("24.19.2-1.xs8", "24.19.2.1"), ==, 0);
  g_assert_cmpint (ferry_rules_compare_versions ("1.10.0", "1.9.0"), >, 0);
  g_assert_cmpint (ferry_rules_compare_versions ("1.249.26", "25.33.1"), <, 0);
  g_assert_cmpint (ferry_rules_compare_versions ("4.17.5-20", "4.17.5-15"), >, 0);
  g_assert_cmpint (ferry_rules_compare_versions ("4.13.5-9.40", "4.13.5-9.38"), >, 0);
  /* A missing key counts as 0.0.0. */
  g_assert_cmpint (ferry_rules_compare_versions (NULL, "0.0.0"), ==, 0);
  g_assert_cmpint (ferry_rules_compare_versions (NULL, "0.0.1"), <, 0);
  /* Only the first '-' splits: "3-4" is no number and is dropped. */
  g_assert_cmpint (ferry_rules_compare_versions ("1.2-3-4", "1.2"), ==, 0);

  /* All three keys, on the demo's hosts: XCP-ng 8.2-like Lab < XenServer 8. */
  {
    const char *key = NULL;

    g_assert_true (ferry_rules_host_version_ok (HOST (PRODUCTION, "prod-host-01"), HOST (LAB, "lab-host-01"), &key));
    g_assert_null (key);
    g_assert_false (ferry_rules_host_version_ok (HOST (LAB, "lab-host-01"), HOST (PRODUCTION, "prod-host-01"), &key));
    g_assert_cmpstr (key, ==, "platform_version");
    g_assert_false (ferry_rules_host_version_ok (HOST (LEGACY, "legacy-01"), HOST (LAB, "lab-host-02"), NULL));
  }
}

static void
test_r12_xen_only (void)
{
  g_autoptr(FerryCache) lab = NULL;
  g_autoptr(JsonNode) value = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) version = json_object_new ();
  g_autoptr(GPtrArray) checks = NULL;
  FerryHost *host;
  FerryCheck *check;

  g_test_summary ("R12: every key counts: a host of the same product with an older xen is older "
                  "(a changed copy of the Lab pool: lab-host-02 with xen 4.13.5-9.1).");

  host = HOST (LAB, "lab-host-02");
  {
    const char *keys[] = { "product_brand", "product_version", "platform_version", "xapi_build" };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      json_object_set_string_member (version, keys[i], ferry_host_lookup_software_version (host, keys[i]));
    json_object_set_string_member (version, "xen", "4.13.5-9.1");
  }
  json_node_set_object (value, version);
  lab = demo_new_cache_with (DEMO_LAB, ferry_object_get_ref (FERRY_OBJECT (host)), "software_version", value);

  checks = check_one (VM (lab, "lab-db-01"), HOST (lab, "lab-host-02"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  check = assert_finding (checks, "R12", FERRY_CHECK_SEVERITY_BLOCKER);
  assert_contains (ferry_check_get_message (check), "xen");
}

/* R13 */

static void
test_r13_windows_without_tools (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R13: Every Windows VM to be migrated has the VM tools (PV drivers) installed.");
  checks = check_one (VM (PRODUCTION, "win-legacy-2016"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "R13", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r13_windows_with_tools (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R13: a Windows VM with tools migrates.");
  checks = check_one (VM (PRODUCTION, "dc-01"), HOST (PRODUCTION, "prod-host-03"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R13");
  g_assert_cmpuint (ferry_checks_get_worst (checks), <, FERRY_CHECK_SEVERITY_BLOCKER);
}

/* R14 */

static GPtrArray *
check_storage_moves (guint n)
{
  const char *names[] = { "web-01", "web-02", "web-03", "monitoring" };
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();

  for (guint i = 0; i < n; i++)
    ferry_move_request_add_vm (request, VM (PRODUCTION, names[i]));
  ferry_move_request_set_destination_host (request, HOST (PRODUCTION, "prod-host-01"));
  ferry_move_request_set_default_sr (request, SR (PRODUCTION, "Prod-iSCSI"));

  return ferry_rules_check (request, NULL, NULL);
}

static void
test_r14_queued (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R14: At most three VMs whose source is in the same pool can be migrated at the same "
                  "time (storage live migration). The client queues the rest instead of failing.");
  checks = check_storage_moves (4);
  assert_finding (checks, "R14", FERRY_CHECK_SEVERITY_NOTE);
}

static void
test_r14_three (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R14: three storage migrations run at once: nothing to say.");
  checks = check_storage_moves (3);
  assert_no_finding (checks, "R14");
}

/* R15, R16 */

static void
test_r15_missing_features (void)
{
  g_autoptr(GPtrArray) checks = NULL;
  FerryCheck *check;

  g_test_summary ("R15: the destination must be at least as capable: its feature set is a superset of "
                  "the VM's (analytics-avx512 booted on Sapphire Rapids).");
  checks = check_one (VM (PRODUCTION, "analytics-avx512"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  check = assert_finding (checks, "R15", FERRY_CHECK_SEVERITY_BLOCKER);
  assert_contains (ferry_check_get_message (check), "“prod-host-01”");
}

static void
test_r15_superset (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R15: a VM with the pool's level moves to the newest host; features compare as "
                  "zero-extended bit sets.");
  checks = check_one (VM (PRODUCTION, "web-01"), HOST (PRODUCTION, "prod-host-04"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R15");
  g_assert_true (ferry_rules_cpu_features_subset ("0000000f-00000001", "0000001f-00000003-00000000"));
  g_assert_true (ferry_rules_cpu_features_subset ("0000000f", "0000000f-ffffffff"));
  g_assert_false (ferry_rules_cpu_features_subset ("0000000f-00000001", "0000000f"));
  g_assert_false (ferry_rules_cpu_features_subset ("00000010", "0000000f"));
}

static void
test_r16_amd_intel (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R16: No live migration between AMD and Intel CPUs.");
  checks = check_one (VM (LAB, "lab-amd-01"), HOST (LAB, "lab-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "R16", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r16_same_vendor (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R16: same vendor, or a halted VM: no R16.");
  checks = check_one (VM (LAB, "lab-web-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R16");
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_one (VM (LAB, "lab-win-dev"), HOST (LAB, "lab-host-02"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R16");
}

/* R17, R18, R34 */

static void
test_r17_no_room (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R17: The destination host must have enough free memory, or be able to free it with "
                  "Dynamic Memory Control (erp-db: 448 GiB fits nowhere, even with DMC).");
  checks = check_one (VM (PRODUCTION, "erp-db"), HOST (PRODUCTION, "prod-host-02"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "R17", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r17_fits (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R17: an 8 GiB VM fits on another host.");
  checks = check_one (VM (PRODUCTION, "web-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R17");
}

static void
test_r17_same_request (void)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();
  g_autoptr(GPtrArray) checks = NULL;
  FerryCheck *check;

  g_test_summary ("R17: VMs of one request count against the same host one after another (web-02 and "
                  "web-03 each fit on prod-host-01, not both).");
  ferry_move_request_add_vm (request, VM (PRODUCTION, "web-02"));
  ferry_move_request_add_vm (request, VM (PRODUCTION, "web-03"));
  ferry_move_request_set_destination_host (request, HOST (PRODUCTION, "prod-host-01"));
  checks = ferry_rules_check (request, NULL, NULL);
  check = assert_finding (checks, "R17", FERRY_CHECK_SEVERITY_BLOCKER);
  assert_contains (ferry_check_get_message (check), "web-03");
  g_clear_pointer (&checks, g_ptr_array_unref);

  ferry_move_request_remove_all_vms (request);
  ferry_move_request_add_vm (request, VM (PRODUCTION, "web-03"));
  checks = ferry_rules_check (request, NULL, NULL);
  assert_no_finding (checks, "R17");
}

static void
test_r18_no_source_host (void)
{
  g_autoptr(FerryCache) production = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  FerryVm *vm = VM (PRODUCTION, "report-suspended");
  const char *fields[] = { "memory_dynamic_min", "memory_dynamic_max", "memory_static_max" };

  g_test_summary ("R18: Storage migration only: a host of the source pool must have enough free "
                  "memory to run the VM while it is being migrated (a changed copy of Production: "
                  "report-suspended needs 600 GiB).");
  production = demo_new_cache (DEMO_PRODUCTION);
  {
    g_autoptr(JsonArray) changes = json_array_new ();

    for (guint i = 0; i < json_array_get_length (demo.events[DEMO_PRODUCTION]); i++)
      {
        JsonObject *event = json_array_get_object_element (demo.events[DEMO_PRODUCTION], i);
        g_autoptr(JsonNode) copy = NULL;
        JsonObject *snapshot;

        if (g_strcmp0 (json_object_get_string_member (event, "ref"), ferry_object_get_ref (FERRY_OBJECT (vm))) != 0)
          continue;
        copy = json_node_copy (json_array_get_element (demo.events[DEMO_PRODUCTION], i));
        snapshot = json_object_get_object_member (json_node_get_object (copy), "snapshot");
        for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
          json_object_set_int_member (snapshot, fields[f], 600 * GiB);
        json_object_set_string_member (json_node_get_object (copy), "operation", "mod");
        json_array_add_element (changes, g_steal_pointer (&copy));
      }
    ferry_cache_apply_events (production, changes);
    ferry_cache_flush (production);
  }

  checks = check_one (VM (production, "report-suspended"), HOST (LAB, "lab-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "R18", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r18_source_has_room (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R18: the suspended 16 GiB VM finds a host in its pool; a running VM holds its own.");
  checks = check_one (VM (PRODUCTION, "report-suspended"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, SR (PRODUCTION, "Prod-iSCSI"), NULL);
  assert_no_finding (checks, "R18");
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_one (VM (PRODUCTION, "erp-db"), HOST (LAB, "lab-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R18");
}

static GPtrArray *
check_disk_move (FerryVm *vm,
                 guint    disk,
                 FerrySr *sr)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new_for_vm (vm);

  ferry_move_request_set_operation (request, FERRY_OPERATION_MOVE_DISK);
  ferry_move_request_set_vdi_sr (request, demo_disk (vm, disk), sr);
  g_assert_cmpint (ferry_move_request_resolve_operation (request, vm), ==, FERRY_OPERATION_MOVE_DISK);

  return ferry_rules_check (request, NULL, NULL);
}

static void
test_r34_twice_the_memory (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R34: O3 for a VM that stays on the same host needs twice its RAM on that host for a "
                  "while (erp-db: 2 × 448 GiB on a 512 GiB host).");
  checks = check_disk_move (VM (PRODUCTION, "erp-db"), 0, SR (PRODUCTION, "Prod-NFS"));
  assert_finding (checks, "R34", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r34_small_vm (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R34: an 8 GiB VM has room for a second copy.");
  checks = check_disk_move (VM (PRODUCTION, "web-01"), 0, SR (PRODUCTION, "Prod-iSCSI"));
  assert_no_finding (checks, "R34");
  g_assert_cmpuint (ferry_checks_get_worst (checks), <, FERRY_CHECK_SEVERITY_BLOCKER);
}

/* R19, R20, R35 */

static void
test_r19_destination_full (void)
{
  g_autoptr(GPtrArray) checks = NULL;
  FerryCheck *check;

  g_test_summary ("R19: O2 only: the destination SR needs free space of up to 3 × the VDI size for each "
                  "incoming VDI (mail-01's 600 GiB to Prod-Archive, 40 GiB free).");
  checks = check_one (VM (PRODUCTION, "mail-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, SR (PRODUCTION, "Prod-Archive"), NULL);
  check = assert_finding (checks, "R19", FERRY_CHECK_SEVERITY_BLOCKER);
  assert_contains (ferry_check_get_message (check), "Prod-Archive");
}

static void
test_r19_room (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R19: web-01 (8 GiB used on a thin SR) fits 3 × into Prod-Archive's 40 GiB.");
  checks = check_one (VM (PRODUCTION, "web-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, SR (PRODUCTION, "Prod-Archive"), NULL);
  assert_no_finding (checks, "R19");
}

static FerryMoveRequest *
new_move (FerryVm   *vm,
          FerryHost *host,
          FerrySr   *sr)
{
  FerryMoveRequest *request = ferry_move_request_new_for_vm (vm);

  ferry_move_request_set_destination_host (request, host);
  ferry_move_request_set_default_sr (request, sr);

  return request;
}

static void
test_r19_queued_moves (void)
{
  g_autoptr(GPtrArray) queued = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  FerryCheck *check;
  FerrySr *archive = SR (PRODUCTION, "Prod-Archive");

  g_test_summary ("R19: the space is summed per SR over all queued moves: web-01 fits alone, not after "
                  "web-02, web-03 and monitoring.");
  g_ptr_array_add (queued, new_move (VM (PRODUCTION, "web-02"), HOST (PRODUCTION, "prod-host-01"), archive));
  g_ptr_array_add (queued, new_move (VM (PRODUCTION, "web-03"), HOST (PRODUCTION, "prod-host-01"), archive));
  g_ptr_array_add (queued, new_move (VM (PRODUCTION, "monitoring"), HOST (PRODUCTION, "prod-host-02"), archive));
  request = new_move (VM (PRODUCTION, "web-01"), HOST (PRODUCTION, "prod-host-01"), archive);

  checks = ferry_rules_check (request, queued, NULL);
  check = assert_finding (checks, "R19", FERRY_CHECK_SEVERITY_BLOCKER);
  assert_contains (ferry_check_get_message (check), "3 queued moves");
}

static void
test_r19_whole_request (void)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R19: the space is summed per SR over all disks of the move: web-02 and web-03 each "
                  "fit 3 × into Prod-Archive, together they may not.");
  ferry_move_request_add_vm (request, VM (PRODUCTION, "web-02"));
  ferry_move_request_set_destination_host (request, HOST (PRODUCTION, "prod-host-02"));
  ferry_move_request_set_default_sr (request, SR (PRODUCTION, "Prod-Archive"));
  checks = ferry_rules_check (request, NULL, NULL);
  assert_no_finding (checks, "R19");
  g_clear_pointer (&checks, g_ptr_array_unref);

  ferry_move_request_add_vm (request, VM (PRODUCTION, "web-03"));
  checks = ferry_rules_check (request, NULL, NULL);
  assert_finding (checks, "R19", FERRY_CHECK_SEVERITY_WARNING);
}

static void
test_r19_thin_thick (void)
{
  g_autoptr(GPtrArray) checks = NULL;
  FerryCheck *check;

  g_test_summary ("R19: thin and thick provisioning: a disk takes its used size on a thin SR, its full "
                  "size on a thick (LVM) one or coming from one.");
  {
    g_autoptr(FerryMoveRequest) request = new_move (VM (PRODUCTION, "web-01"), HOST (PRODUCTION, "prod-host-01"),
                                                    SR (PRODUCTION, "Prod-Archive"));

    checks = ferry_rules_check (request, NULL, NULL);
    assert_no_finding (checks, "R19");   /* 3 × 8 GiB ≤ 40 GiB on thin NFS */
  }
  g_clear_pointer (&checks, g_ptr_array_unref);
  {
    g_autoptr(FerryMoveRequest) request = new_move (VM (PRODUCTION, "jump-host"), HOST (PRODUCTION, "prod-host-01"),
                                                    SR (PRODUCTION, "Prod-Archive"));

    /* jump-host: 10 GiB on thick LVM, copied thin: 10 GiB, 3 × = 30 GiB ≤ 40 GiB */
    checks = ferry_rules_check (request, NULL, NULL);
    assert_no_finding (checks, "R19");
  }
  g_clear_pointer (&checks, g_ptr_array_unref);
  {
    g_autoptr(FerryMoveRequest) request = new_move (VM (PRODUCTION, "monitoring"), HOST (PRODUCTION, "prod-host-02"),
                                                    SR (PRODUCTION, "Prod-Archive"));

    /* monitoring: 50 GiB thin, 25 GiB used: 25 ≤ 40 < 75 — a warning */
    checks = ferry_rules_check (request, NULL, NULL);
    check = assert_finding (checks, "R19", FERRY_CHECK_SEVERITY_WARNING);
    assert_contains (ferry_check_get_message (check), "3 ×");
  }
}

static void
test_r20_source_full (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R20: O2: the source SR needs free space of up to 2 × the disk size for the temporary "
                  "snapshots (archive-01's 480 GiB on Prod-Archive, 40 GiB free).");
  checks = check_one (VM (PRODUCTION, "archive-01"), HOST (PRODUCTION, "prod-host-02"), NULL,
                      FERRY_OPERATION_AUTO, SR (PRODUCTION, "Prod-iSCSI"), NULL);
  assert_finding (checks, "R20", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r20_source_room (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R20: a disk on a roomy source SR, or a move that leaves Prod-Archive's disk in place.");
  checks = check_one (VM (PRODUCTION, "web-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, SR (PRODUCTION, "Prod-iSCSI"), NULL);
  assert_no_finding (checks, "R20");
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_one (VM (PRODUCTION, "archive-01"), HOST (PRODUCTION, "prod-host-02"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R20");
}

static void
test_r35_target_full (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R35: O3: the target SR needs room for the disk (mail-01's 500 GiB disk to "
                  "Prod-Archive).");
  checks = check_disk_move (VM (PRODUCTION, "mail-01"), 1, SR (PRODUCTION, "Prod-Archive"));
  assert_finding (checks, "R35", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r35_room (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R35: web-01's disk (8 GiB used) fits on Prod-Archive.");
  checks = check_disk_move (VM (PRODUCTION, "web-01"), 0, SR (PRODUCTION, "Prod-Archive"));
  assert_no_finding (checks, "R35");
}

/* R22, R23, R24, R25 */

static void
test_r22_pci (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R22: VMs with PCI passthrough devices cannot be migrated (hpc-qat, a QAT card).");
  checks = check_one (VM (PRODUCTION, "hpc-qat"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "R22", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r22_nvidia_sriov (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R22: except NVIDIA SR-IOV GPUs (vGPU on SR-IOV): vdi-gpu-sriov's only attached PCI "
                  "is its vGPU's virtual function.");
  checks = check_one (VM (PRODUCTION, "vdi-gpu-sriov"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R22");
  /* prod-host-01 has no A16, though. */
  assert_finding (checks, "X-VM-REQUIRES-GPU", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r23_vusb (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R23: VMs with attached virtual USB devices (VUSB) cannot be migrated.");
  checks = check_one (VM (PRODUCTION, "license-server"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "R23", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r23_no_vusb (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R23: a VM without VUSBs on the same host migrates.");
  checks = check_one (VM (PRODUCTION, "web-03"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R23");
}

static void
test_r24_nomigrate (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R24: VMs with the no-migrate setting cannot be migrated.");
  checks = check_one (VM (PRODUCTION, "rt-control"), HOST (PRODUCTION, "prod-host-02"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "R24", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r24_migratable (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R24: without the setting the VM migrates.");
  checks = check_one (VM (PRODUCTION, "web-02"), HOST (PRODUCTION, "prod-host-04"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R24");
  g_assert_cmpuint (ferry_checks_get_worst (checks), <, FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r25_reset_on_boot (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R25: VMs with a VDI whose on-boot option is reset cannot be migrated (IntelliCache).");
  checks = check_one (VM (PRODUCTION, "citrix-pooled-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "R25", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r25_persist (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R25: persistent disks migrate.");
  checks = check_one (VM (PRODUCTION, "web-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R25");
}

/* R26, R27 */

static void
test_r26_ha_protected (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R26: migrating a VM marked as protected may raise a warning when the move would "
                  "break the HA failover plan. Shown as a warning, not a blocker.");
  checks = check_one (VM (PRODUCTION, "dc-01"), HOST (PRODUCTION, "prod-host-03"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "R26", FERRY_CHECK_SEVERITY_WARNING);
  g_assert_cmpuint (ferry_checks_get_worst (checks), ==, FERRY_CHECK_SEVERITY_WARNING);
}

static void
test_r26_best_effort (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R26: a best-effort VM is not protected: no warning.");
  checks = check_one (VM (PRODUCTION, "web-02"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R26");
}

static void
test_r27_note (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R27: VM performance is reduced during migration (a note on the review page); not "
                  "for a halted VM.");
  checks = check_one (VM (PRODUCTION, "web-02"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "R27", FERRY_CHECK_SEVERITY_NOTE);
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_one (VM (PRODUCTION, "test-halted"), HOST (PRODUCTION, "prod-host-02"), NULL,
                      FERRY_OPERATION_AUTO, SR (PRODUCTION, "Prod-iSCSI"), NULL);
  assert_no_finding (checks, "R27");
}

/* R29 */

static void
test_r29_paused (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R29: a VM left paused (as after a failed live migration) is detected and the user "
                  "is told to resume it.");
  checks = check_one (VM (PRODUCTION, "batch-paused"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "R29", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r29_running (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R29: a running VM is not paused.");
  checks = check_one (VM (PRODUCTION, "web-02"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R29");
}

/* R30 */

static GPtrArray *
check_network (FerryNetwork *network)
{
  g_autoptr(FerryMoveRequest) request = new_move (VM (PRODUCTION, "build-01"), HOST (PRODUCTION, "prod-host-01"),
                                                  NULL);

  ferry_move_request_set_network (request, network);

  return ferry_rules_check (request, NULL, NULL);
}

static void
test_r30_management (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R30: For performance, the management network should not be the storage migration "
                  "network (warning when it is chosen).");
  checks = check_network (NETWORK (PRODUCTION, "Management"));
  assert_finding (checks, "R30", FERRY_CHECK_SEVERITY_WARNING);
}

static void
test_r30_storage_network (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R30: the dedicated Storage network is fine; with none chosen a note points to it.");
  checks = check_network (NETWORK (PRODUCTION, "Storage"));
  assert_no_finding (checks, "R30");
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_network (NULL);
  assert_contains (ferry_check_get_remedy (assert_finding (checks, "R30", FERRY_CHECK_SEVERITY_NOTE)),
                   "“Storage”");
}

/* R31 */

static void
test_r31_restart_notice (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R31: After a migration from 7.1 CU2 to 8.2 CU1 the VMs may need a shutdown and start "
                  "to use new virtualization features (post-migration notice).");
  checks = check_one (VM (LEGACY, "legacy-erp"), HOST (LAB, "lab-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "R31", FERRY_CHECK_SEVERITY_NOTE);
}

static void
test_r31_same_pool (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R31: no notice inside a pool.");
  checks = check_one (VM (PRODUCTION, "web-02"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "R31");
}

/* R32, R33 */

static void
test_r32_old_kernel (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R32: O3: IPv6 Linux VMs need a Linux kernel newer than 3.0 (legacy-ipv6: CentOS 6, "
                  "2.6.32).");
  checks = check_disk_move (VM (LAB, "legacy-ipv6"), 0, SR (LAB, "Local storage lab-host-01"));
  assert_finding (checks, "R32", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_r32_new_kernel (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R32: a current kernel (web-01 has IPv6 and Debian 12) is fine.");
  checks = check_disk_move (VM (PRODUCTION, "web-01"), 0, SR (PRODUCTION, "Prod-iSCSI"));
  assert_no_finding (checks, "R32");
}

static void
test_r33_pgpu_full (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R33: O3 on a VM with a vGPU needs room for a second vGPU instance on the host; when "
                  "the pGPUs are full, O3 may be impossible (render-01: the T4 holds two T4-8Q).");
  checks = check_disk_move (VM (PRODUCTION, "render-01"), 0, SR (PRODUCTION, "Prod-iSCSI"));
  assert_finding (checks, "R33", FERRY_CHECK_SEVERITY_WARNING);
}

static void
test_r33_pgpu_room (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("R33: the A16 of vdi-gpu-sriov has room for another A16-4Q.");
  checks = check_disk_move (VM (PRODUCTION, "vdi-gpu-sriov"), 0, SR (PRODUCTION, "Prod-iSCSI"));
  assert_no_finding (checks, "R33");
}

/* xapi's own checks (xapi.md §4.1–§4.3) */

static void
test_x_blocked_operation (void)
{
  g_autoptr(GPtrArray) checks = NULL;
  FerryCheck *check;

  g_test_summary ("xapi §4.1: an operation in blocked_operations is refused (fileserver blocks "
                  "migrate_send, not pool_migrate).");
  checks = check_one (VM (PRODUCTION, "fileserver"), HOST (LAB, "lab-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  check = assert_finding (checks, "X-OPERATION-BLOCKED", FERRY_CHECK_SEVERITY_BLOCKER);
  assert_contains (ferry_check_get_message (check), "Ask the storage team");
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_one (VM (PRODUCTION, "fileserver"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "X-OPERATION-BLOCKED");
}

static void
test_x_power_state (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("xapi §4.1: live migration needs a running VM; Move VM a halted one; automatic "
                  "chooses O4 for a halted VM.");
  checks = check_one (VM (PRODUCTION, "test-halted"), HOST (PRODUCTION, "prod-host-02"), NULL,
                      FERRY_OPERATION_LIVE_MIGRATE, NULL, NULL);
  assert_finding (checks, "X-VM-BAD-POWER-STATE", FERRY_CHECK_SEVERITY_BLOCKER);
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_one (VM (PRODUCTION, "web-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_MOVE_HALTED, NULL, NULL);
  assert_finding (checks, "X-VM-BAD-POWER-STATE", FERRY_CHECK_SEVERITY_BLOCKER);
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_one (VM (PRODUCTION, "test-halted"), HOST (PRODUCTION, "prod-host-02"), NULL,
                      FERRY_OPERATION_AUTO, SR (PRODUCTION, "Prod-iSCSI"), NULL);
  assert_no_finding (checks, "X-VM-BAD-POWER-STATE");
  g_assert_cmpuint (ferry_checks_get_worst (checks), <, FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_x_other_operation (void)
{
  g_autoptr(FerryCache) production = NULL;
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("xapi §4.1: another operation in progress on the VM (a changed copy of Production: "
                  "web-01 is being snapshotted).");
  value = json_from_string ("{\"OpaqueRef:task-1\": \"snapshot\"}", NULL);
  production = demo_new_cache_with (DEMO_PRODUCTION, ferry_object_get_ref (FERRY_OBJECT (VM (PRODUCTION, "web-01"))),
                                    "current_operations", value);
  checks = check_one (VM (production, "web-01"), HOST (production, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "X-OTHER-OPERATION-IN-PROGRESS", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_x_template_snapshot (void)
{
  g_autoptr(GPtrArray) checks = NULL;
  GListModel *snapshots = ferry_vm_get_snapshots (VM (PRODUCTION, "web-01"));
  g_autoptr(FerryVm) snapshot = g_list_model_get_item (snapshots, 0);

  g_test_summary ("xapi §4.1: templates do not live-migrate, built-in ones never move; snapshots move "
                  "with their VM.");
  checks = check_one (VM (PRODUCTION, "golden-debian-12"), HOST (PRODUCTION, "prod-host-02"), NULL,
                      FERRY_OPERATION_LIVE_MIGRATE, NULL, NULL);
  assert_finding (checks, "X-VM-IS-TEMPLATE", FERRY_CHECK_SEVERITY_BLOCKER);
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_one (VM (PRODUCTION, "golden-debian-12"), NULL, LAB, FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "X-VM-IS-TEMPLATE");

  g_assert_nonnull (snapshot);
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_one (snapshot, HOST (PRODUCTION, "prod-host-01"), NULL, FERRY_OPERATION_AUTO, NULL, NULL);
  assert_contains (ferry_check_get_remedy (assert_finding (checks, "X-VM-IS-SNAPSHOT",
                                                           FERRY_CHECK_SEVERITY_BLOCKER)),
                   "web-01");
}

static FerryCache *
production_with_host_field (const char *host,
                            gboolean    metrics,
                            const char *field,
                            gboolean    value)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  FerryHost *object = HOST (PRODUCTION, host);
  const char *ref = metrics ? ferry_host_get_metrics (object) : ferry_object_get_ref (FERRY_OBJECT (object));

  json_node_set_boolean (node, value);

  return demo_new_cache_with (DEMO_PRODUCTION, ref, field, node);
}

static void
test_x_host_disabled (void)
{
  g_autoptr(FerryCache) production = production_with_host_field ("prod-host-03", FALSE, "enabled", FALSE);
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("xapi §4.3: a disabled host (maintenance mode) takes no VMs (a changed copy of "
                  "Production: prod-host-03 disabled).");
  checks = check_one (VM (production, "web-01"), HOST (production, "prod-host-03"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "X-HOST-DISABLED", FERRY_CHECK_SEVERITY_BLOCKER);
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_one (VM (production, "web-01"), HOST (production, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "X-HOST-DISABLED");
}

static void
test_x_host_not_live (void)
{
  g_autoptr(FerryCache) production = production_with_host_field ("prod-host-03", TRUE, "live", FALSE);
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("xapi §4.3: a host that is not live takes no VMs (a changed copy of Production).");
  checks = check_one (VM (production, "web-01"), HOST (production, "prod-host-03"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "X-HOST-NOT-LIVE", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_x_pcpus (void)
{
  g_autoptr(FerryCache) lab = NULL;
  g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("xapi §4.2/§4.3: more vCPUs than the host's pCPUs (a changed copy of Lab: lab-db-01 "
                  "with 48 vCPUs; lab-host-01 has 40).");
  json_node_set_int (value, 48);
  lab = demo_new_cache_with (DEMO_LAB, ferry_object_get_ref (FERRY_OBJECT (VM (LAB, "lab-db-01"))),
                             "VCPUs_max", value);
  checks = check_one (VM (lab, "lab-db-01"), HOST (PRODUCTION, "prod-host-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_no_finding (checks, "X-HOST-NOT-ENOUGH-PCPUS");
  g_clear_pointer (&checks, g_ptr_array_unref);
  checks = check_one (VM (lab, "lab-db-01"), HOST (LEGACY, "legacy-01"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "X-HOST-NOT-ENOUGH-PCPUS", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_x_requires_network (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("xapi §4.3: a VM on an internal network used on its host is pinned there "
                  "(monitoring, on “Private”).");
  checks = check_one (VM (PRODUCTION, "monitoring"), HOST (PRODUCTION, "prod-host-02"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "X-VM-REQUIRES-NETWORK", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_x_current_host (void)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("Nothing to do: the VM is already there and no disk moves.");
  checks = check_one (VM (PRODUCTION, "web-01"), HOST (PRODUCTION, "prod-host-02"), NULL,
                      FERRY_OPERATION_AUTO, NULL, NULL);
  assert_finding (checks, "X-CURRENT-HOST", FERRY_CHECK_SEVERITY_BLOCKER);
}

static void
test_x_vif_map (void)
{
  g_autoptr(FerryMoveRequest) request = new_move (VM (PRODUCTION, "web-02"), HOST (LEGACY, "legacy-01"), NULL);
  g_autoptr(GPtrArray) checks = NULL;
  FerryVif *vif;

  g_test_summary ("xapi §3.3: across pools every interface needs a network; Ferry maps by name, else to "
                  "the management network with a warning.");
  checks = ferry_rules_check (request, NULL, NULL);
  assert_finding (checks, "X-VIF-NOT-IN-MAP", FERRY_CHECK_SEVERITY_WARNING);
  g_clear_pointer (&checks, g_ptr_array_unref);

  vif = g_list_model_get_item (ferry_vm_get_vifs (VM (PRODUCTION, "web-02")), 0);
  ferry_move_request_set_vif_network (request, vif, NETWORK (LEGACY, "Network 1"));
  g_object_unref (vif);
  checks = ferry_rules_check (request, NULL, NULL);
  assert_no_finding (checks, "X-VIF-NOT-IN-MAP");
}

/* The xapi error mapping */

static const char * const section4_errors[] = {
  /* §4.1 */
  "OPERATION_BLOCKED", "VM_BAD_POWER_STATE", "OTHER_OPERATION_IN_PROGRESS", "VM_IS_TEMPLATE",
  "VM_IS_SNAPSHOT", "VM_IS_IMMOBILE", "OPERATION_NOT_ALLOWED", "VM_NON_SUSPENDABLE", "VM_LACKS_FEATURE",
  "VDI_ON_BOOT_MODE_INCOMPATIBLE_WITH_OPERATION", "VM_HAS_PCI_ATTACHED", "VM_HAS_VGPU", "VM_HAS_VUSBS",
  "NOT_SUPPORTED_DURING_UPGRADE",
  /* §4.2 */
  "LICENCE_RESTRICTION", "VDI_NOT_IN_MAP", "SR_DOES_NOT_SUPPORT_MIGRATION",
  "VM_HOST_INCOMPATIBLE_VERSION_MIGRATE", "VM_HOST_INCOMPATIBLE_VIRTUAL_HARDWARE_PLATFORM_VERSION",
  "HOST_DISABLED", "HOST_NOT_ENOUGH_PCPUS", "VIF_NOT_IN_MAP", "HOST_NOT_ENOUGH_FREE_MEMORY",
  "VM_INCOMPATIBLE_WITH_THIS_HOST", "VM_REQUIRES_GPU", "DUPLICATE_MAC_SEED",
  "VM_TO_IMPORT_IS_NOT_NEWER_VERSION", "CANNOT_CONTACT_HOST", "VDI_CBT_ENABLED", "VDI_IS_ENCRYPTED",
  "NVIDIA_TOOLS_ERROR", "VGPU_DESTINATION_INCOMPATIBLE", "VGPU_GUEST_DRIVER_LIMIT",
  /* §4.3 */
  "INVALID_VALUE", "VALUE_NOT_SUPPORTED", "MEMORY_CONSTRAINT_VIOLATION", "HOST_NOT_LIVE",
  "VM_REQUIRES_SR", "VM_REQUIRES_NETWORK", "HOST_CANNOT_ATTACH_NETWORK", "VM_REQUIRES_IOMMU",
  "NETWORK_SRIOV_INSUFFICIENT_CAPACITY", "VM_HVM_REQUIRED", "HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN",
  "VM_HOST_INCOMPATIBLE_VERSION",
  /* §4.7 */
  "PIF_NOT_PRESENT", "REQUIRED_PIF_IS_UNPLUGGED", "INTERFACE_HAS_NO_IP", "TOO_MANY_STORAGE_MIGRATES",
  "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED", "BALLOONING_TIMEOUT_BEFORE_MIGRATION", "VM_MIGRATE_FAILED",
  "MIRROR_FAILED", "VDI_LOCATION_MISSING", "LOCATION_NOT_UNIQUE", "SR_BACKEND_FAILURE_44",
  "TASK_CANCELLED", "VM_HAS_TOO_MANY_SNAPSHOTS", "VM_HAS_CHECKPOINT",
  /* §3 and §5 */
  "PIF_HAS_NO_NETWORK_CONFIGURATION", "VDI_NEEDS_VM_FOR_MIGRATE", "VDI_INCOMPATIBLE_TYPE",
  "HOST_HAS_NO_MANAGEMENT_IP", "SUSPEND_IMAGE_NOT_ACCESSIBLE", "NO_HOSTS_AVAILABLE",
  "HOST_EVACUATE_VM_NOT_HA_PROTECTED", "CANNOT_EVACUATE_HOST", "INTERNAL_ERROR",
};

static void
test_xapi_every_error (void)
{
  const char *vm = ferry_object_get_ref (FERRY_OBJECT (VM (PRODUCTION, "web-01")));
  const char *host = ferry_object_get_ref (FERRY_OBJECT (HOST (LAB, "lab-host-01")));

  g_test_summary ("Every xapi error name of xapi.md §4 maps to a message and remedy in the FerryCheck "
                  "form, never a raw code or a ref.");

  for (guint i = 0; i < G_N_ELEMENTS (section4_errors); i++)
    {
      const char *params[] = { vm, host, "OpaqueRef:00000000-dead-beef-0000-000000000000", "1", NULL };
      g_autoptr(FerryCheck) check = NULL;

      g_assert_true (ferry_check_knows_xapi_error (section4_errors[i]));
      check = ferry_check_new_from_xapi_error (section4_errors[i], params, PRODUCTION, LAB);
      g_test_message ("%s → %s: %s", section4_errors[i], ferry_check_get_rule_id (check),
                      ferry_check_get_message (check));
      g_assert_null (strstr (ferry_check_get_message (check), "OpaqueRef"));
      g_assert_null (strstr (ferry_check_get_message (check), section4_errors[i]));
      g_assert_cmpstr (ferry_check_get_remedy (check), !=, "");
      g_assert_true (ferry_rules_has_rule (ferry_check_get_rule_id (check)));
      g_assert_cmpstr (ferry_check_get_rule_id (check), !=, "X-XAPI-ERROR-UNKNOWN");
      g_assert_cmpstr (ferry_check_get_xapi_error (check), ==, section4_errors[i]);
      g_assert_cmpstr (ferry_check_get_xapi_params (check)[0], ==, vm);
    }
}

static void
test_xapi_names (void)
{
  const char *vm = ferry_object_get_ref (FERRY_OBJECT (VM (PRODUCTION, "web-01")));
  const char *host = ferry_object_get_ref (FERRY_OBJECT (HOST (LAB, "lab-host-01")));
  g_autoptr(FerryCheck) check = NULL;

  g_test_summary ("xapi errors: refs become names from either cache, in any parameter order, and the "
                  "rule ID follows what the error is about.");

  /* The datamodel says [host; vm], the code raises [vm; host]. */
  {
    const char *params[] = { vm, host, NULL };

    check = ferry_check_new_from_xapi_error ("VM_HOST_INCOMPATIBLE_VERSION_MIGRATE", params, PRODUCTION, LAB);
    g_assert_cmpstr (ferry_check_get_rule_id (check), ==, "R12");
    assert_contains (ferry_check_get_message (check), "“lab-host-01”");
    assert_contains (ferry_check_get_message (check), "“web-01”");
    g_assert_cmpuint (ferry_check_get_n_objects (check), ==, 2);
    g_clear_object (&check);
  }
  {
    const char *params[] = { host, vm, NULL };

    check = ferry_check_new_from_xapi_error ("VM_HOST_INCOMPATIBLE_VERSION_MIGRATE", params, PRODUCTION, LAB);
    assert_contains (ferry_check_get_message (check), "“lab-host-01” runs");
    g_clear_object (&check);
  }
  {
    const char *params[] = { vm, host, "VM last booted on a host which had a CPU from a different vendor.", NULL };

    check = ferry_check_new_from_xapi_error ("VM_INCOMPATIBLE_WITH_THIS_HOST", params, PRODUCTION, LAB);
    g_assert_cmpstr (ferry_check_get_rule_id (check), ==, "R16");
    g_clear_object (&check);
  }
  {
    const char *params[] = { "34359738368", "8589934592", NULL };

    check = ferry_check_new_from_xapi_error ("HOST_NOT_ENOUGH_FREE_MEMORY", params, PRODUCTION, NULL);
    g_assert_cmpstr (ferry_check_get_rule_id (check), ==, "R17");
    /* g_format_size() puts a no-break space before the unit. */
    assert_contains (ferry_check_get_message (check), "32.0\u00a0GiB");
    assert_contains (ferry_check_get_message (check), "8.0\u00a0GiB");
    g_clear_object (&check);
  }
  {
    const char *sr = ferry_object_get_ref (FERRY_OBJECT (SR (PRODUCTION, "Prod-GFS2")));
    const char *params[] = { sr, NULL };

    check = ferry_check_new_from_xapi_error ("SR_DOES_NOT_SUPPORT_MIGRATION", params, PRODUCTION, NULL);
    g_assert_cmpstr (ferry_check_get_rule_id (check), ==, "R8");
    assert_contains (ferry_check_get_message (check), "“Prod-GFS2”");
    g_clear_object (&check);
  }
  {
    g_autofree char *entries = g_strdup_printf ("VM_HAS_VUSBS,%s|VM_IS_IMMOBILE,%s", vm, vm);
    const char *params[] = { entries, NULL };

    check = ferry_check_new_from_xapi_error ("CANNOT_EVACUATE_HOST", params, PRODUCTION, NULL);
    assert_contains (ferry_check_get_message (check), "USB");
    assert_contains (ferry_check_get_message (check), "no-migrate");
    g_assert_null (strstr (ferry_check_get_message (check), "OpaqueRef"));
  }
}

static void
test_xapi_unknown_error (void)
{
  const char *vm = ferry_object_get_ref (FERRY_OBJECT (VM (PRODUCTION, "erp-db")));
  const char *params[] = { vm, "OpaqueRef:11111111-2222-3333-4444-555555555555", "42", NULL };
  g_autoptr(FerryCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("xapi errors: an unknown error keeps its name and parameters (refs resolved, unknown "
                  "refs hidden).");
  g_assert_false (ferry_check_knows_xapi_error ("SOMETHING_NEW"));
  check = ferry_check_new_from_xapi_error ("SOMETHING_NEW", params, PRODUCTION, NULL);
  g_assert_cmpstr (ferry_check_get_rule_id (check), ==, "X-XAPI-ERROR");
  g_assert_cmpint (ferry_check_get_severity (check), ==, FERRY_CHECK_SEVERITY_BLOCKER);
  assert_contains (ferry_check_get_message (check), "SOMETHING_NEW");
  assert_contains (ferry_check_get_message (check), "“erp-db”");
  assert_contains (ferry_check_get_message (check), "42");
  g_assert_null (strstr (ferry_check_get_message (check), "OpaqueRef"));
  g_clear_object (&check);

  /* Through a GError as the connection layer reports it. */
  error = ferry_xapi_error_new_valist ("HOST_DISABLED",
                                       ferry_object_get_ref (FERRY_OBJECT (HOST (PRODUCTION, "prod-host-04"))),
                                       NULL);
  check = ferry_check_new_from_error (error, PRODUCTION, NULL);
  g_assert_cmpstr (ferry_check_get_rule_id (check), ==, "X-HOST-DISABLED");
  assert_contains (ferry_check_get_message (check), "“prod-host-04”");
}

/* The feasibility grid */

static void
test_feasibility_grid (void)
{
  g_autoptr(FerryFeasibility) grid = ferry_feasibility_new (NULL, NULL, NULL);
  const char *vms[] = { "web-01", "erp-db", "analytics-avx512", "cad-gvt", "build-01", "monitoring" };
  const char *hosts[] = { "prod-host-01", "prod-host-02", "prod-host-03", "prod-host-04" };
  guint lab, legacy, archive;

  g_test_summary ("Feasibility: a verdict per cell with one reason per cell — not one reason per pool.");

  for (guint i = 0; i < G_N_ELEMENTS (vms); i++)
    g_assert_cmpuint (ferry_feasibility_add_vm (grid, VM (PRODUCTION, vms[i])), ==, i);
  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    ferry_feasibility_add_destination (grid, HOST (PRODUCTION, hosts[i]));
  lab = ferry_feasibility_add_destination (grid, ferry_cache_get_pool (LAB));
  legacy = ferry_feasibility_add_destination (grid, ferry_cache_get_pool (LEGACY));
  archive = ferry_feasibility_add_destination (grid, SR (PRODUCTION, "Prod-Archive"));
  ferry_feasibility_run_local (grid);

  for (guint v = 0; v < ferry_feasibility_get_n_vms (grid); v++)
    for (guint d = 0; d < ferry_feasibility_get_n_destinations (grid); d++)
      {
        FerryCheck *reason = ferry_feasibility_get_reason (grid, v, d);
        g_autofree char *verdict = g_enum_to_string (FERRY_TYPE_CHECK_SEVERITY,
                                                     ferry_feasibility_get_verdict (grid, v, d));

        g_test_message ("%s × %u: %s %s %s", vms[v], d, verdict,
                        ferry_operation_get_id (ferry_feasibility_get_operation (grid, v, d)),
                        reason ? ferry_check_get_message (reason) : "");
        if (reason != NULL)
          {
            g_assert_null (strstr (ferry_check_get_message (reason), "OpaqueRef"));
            g_assert_cmpint (ferry_check_get_severity (reason), ==, ferry_feasibility_get_verdict (grid, v, d));
          }
      }

#define REASON(v, d) ferry_check_get_rule_id (ferry_feasibility_get_reason (grid, (v), (d)))
#define VERDICT(v, d) ferry_feasibility_get_verdict (grid, (v), (d))

  /* web-01 */
  g_assert_cmpint (VERDICT (0, 0), <, FERRY_CHECK_SEVERITY_BLOCKER);
  g_assert_cmpint (ferry_feasibility_get_operation (grid, 0, 0), ==, FERRY_OPERATION_LIVE_MIGRATE);
  g_assert_true (ferry_feasibility_get_host (grid, 0, 0) == HOST (PRODUCTION, "prod-host-01"));
  g_assert_cmpstr (REASON (0, 1), ==, "X-CURRENT-HOST");
  g_assert_cmpstr (REASON (0, lab), ==, "R12");
  g_assert_cmpstr (REASON (0, legacy), ==, "R12");
  /* web-01's disk fits 3 × into Prod-Archive; it stays on its host (O3). */
  g_assert_cmpint (VERDICT (0, archive), <, FERRY_CHECK_SEVERITY_BLOCKER);
  g_assert_cmpint (ferry_feasibility_get_operation (grid, 0, archive), ==, FERRY_OPERATION_MOVE_DISK);

  /* erp-db: its own host, then memory on the others. */
  g_assert_cmpstr (REASON (1, 0), ==, "X-CURRENT-HOST");
  g_assert_cmpstr (REASON (1, 1), ==, "R17");
  g_assert_cmpstr (REASON (1, 2), ==, "R17");
  /* Its disk to Prod-Archive: a disk move on its host needs twice its memory first. */
  g_assert_cmpstr (REASON (1, archive), ==, "R34");

  /* analytics-avx512: CPU features, host by host. */
  g_assert_cmpstr (REASON (2, 0), ==, "R15");
  g_assert_cmpstr (REASON (2, 1), ==, "R15");
  g_assert_cmpstr (REASON (2, 3), ==, "X-CURRENT-HOST");

  /* cad-gvt: the VM's own reason, the same in every cell. */
  g_assert_cmpstr (REASON (3, 0), ==, "R5");
  g_assert_true (ferry_feasibility_get_reason (grid, 3, 0) == ferry_feasibility_get_reason (grid, 3, 1));

  /* build-01 (local storage): O2 to the other hosts. */
  g_assert_cmpint (ferry_feasibility_get_operation (grid, 4, 2), ==, FERRY_OPERATION_STORAGE_MIGRATE);
  g_assert_cmpint (VERDICT (4, 2), <, FERRY_CHECK_SEVERITY_BLOCKER);
  g_assert_cmpstr (REASON (4, 0), ==, "R17");   /* 16 GiB; prod-host-01 has 15 GiB left */

  /* monitoring: pinned by its private network. */
  g_assert_cmpstr (REASON (5, 1), ==, "X-VM-REQUIRES-NETWORK");

  /* Different reasons inside one pool's columns. */
  g_assert_cmpstr (REASON (1, 1), !=, REASON (2, 1));

#undef REASON
#undef VERDICT
}

static void
test_feasibility_pool_reasons (void)
{
  g_autoptr(FerryFeasibility) grid = ferry_feasibility_new (NULL, NULL, NULL);
  FerryCheck *reason;
  guint production, lab;

  g_test_summary ("Feasibility: a pool column names the pool's pick, or why no host fits — each host's "
                  "reason when they differ.");
  ferry_feasibility_add_vm (grid, VM (LAB, "lab-amd-01"));
  ferry_feasibility_add_vm (grid, VM (LAB, "lab-web-01"));
  ferry_feasibility_add_vm (grid, VM (PRODUCTION, "analytics-avx512"));
  lab = ferry_feasibility_add_destination (grid, ferry_cache_get_pool (LAB));
  production = ferry_feasibility_add_destination (grid, ferry_cache_get_pool (PRODUCTION));

  /* lab-amd-01 in its own pool: the Intel host only, R16. */
  g_assert_cmpstr (ferry_check_get_rule_id (ferry_feasibility_get_reason (grid, 0, lab)), ==, "R16");
  /* lab-web-01 to Production: R11 on every host. */
  g_assert_cmpstr (ferry_check_get_rule_id (ferry_feasibility_get_reason (grid, 1, production)), ==, "R11");
  /* analytics-avx512 in its own pool: no other host has the features; the
   * reason names the pool and each host, not one host for all. */
  reason = ferry_feasibility_get_reason (grid, 2, production);
  g_assert_cmpstr (ferry_check_get_rule_id (reason), ==, "R15");
  assert_contains (ferry_check_get_message (reason), "“Production”");
  assert_contains (ferry_check_get_message (reason), "prod-host-01, prod-host-02, prod-host-03");
}

static void
test_feasibility_sr_columns (void)
{
  g_autoptr(FerryFeasibility) grid = ferry_feasibility_new (NULL, NULL, NULL);
  guint iscsi, lab_nfs;

  g_test_summary ("Feasibility: an SR of the VM's pool moves its disks there (the VM stays); an SR of "
                  "another pool takes the VM to a host that sees it.");
  ferry_feasibility_add_vm (grid, VM (PRODUCTION, "web-01"));
  ferry_feasibility_add_vm (grid, VM (LEGACY, "legacy-erp"));
  iscsi = ferry_feasibility_add_destination (grid, SR (PRODUCTION, "Prod-iSCSI"));
  lab_nfs = ferry_feasibility_add_destination (grid, SR (LAB, "Lab-NFS"));

  g_assert_cmpint (ferry_feasibility_get_operation (grid, 0, iscsi), ==, FERRY_OPERATION_MOVE_DISK);
  g_assert_true (ferry_feasibility_get_host (grid, 0, iscsi) == HOST (PRODUCTION, "prod-host-02"));
  g_assert_cmpint (ferry_feasibility_get_verdict (grid, 0, iscsi), <, FERRY_CHECK_SEVERITY_BLOCKER);
  g_assert_cmpstr (ferry_check_get_rule_id (ferry_feasibility_get_reason (grid, 0, lab_nfs)), ==, "R12");

  /* legacy-erp (XenServer 7.1 CU2) to the Lab's NFS: storage migration to a Lab host. */
  g_assert_cmpint (ferry_feasibility_get_verdict (grid, 1, lab_nfs), <, FERRY_CHECK_SEVERITY_BLOCKER);
  g_assert_cmpint (ferry_feasibility_get_operation (grid, 1, lab_nfs), ==, FERRY_OPERATION_STORAGE_MIGRATE);
  g_assert_true (ferry_object_get_cache (FERRY_OBJECT (ferry_feasibility_get_host (grid, 1, lab_nfs))) == LAB);
  /* …and to Production's iSCSI SR: allowed, with a network to map (no "Network 1" there). */
  g_assert_cmpint (ferry_feasibility_get_verdict (grid, 1, iscsi), ==, FERRY_CHECK_SEVERITY_WARNING);
  g_assert_cmpstr (ferry_check_get_rule_id (ferry_feasibility_get_reason (grid, 1, iscsi)), ==, "X-VIF-NOT-IN-MAP");
}

static void
test_feasibility_pool_choice (void)
{
  g_autoptr(FerryRuleSettings) settings = ferry_rule_settings_new ();
  g_autoptr(FerryFeasibility) grid = NULL;
  FerryHost *host;
  guint production;

  g_test_summary ("Feasibility: with the hotfix stated, the pool takes lab-web-01 and names the host "
                  "with the most free memory.");
  ferry_rule_settings_set_pool_flag (settings, ferry_object_get_uuid (FERRY_OBJECT (ferry_cache_get_pool (LAB))),
                                     FERRY_POOL_FLAG_HAS_XS82ECU1033, TRUE);
  grid = ferry_feasibility_new (NULL, NULL, settings);
  ferry_feasibility_add_vm (grid, VM (LAB, "lab-web-01"));
  production = ferry_feasibility_add_destination (grid, ferry_cache_get_pool (PRODUCTION));
  ferry_feasibility_run_local (grid);

  g_assert_cmpint (ferry_feasibility_get_verdict (grid, 0, production), <, FERRY_CHECK_SEVERITY_BLOCKER);
  g_assert_cmpint (ferry_feasibility_get_operation (grid, 0, production), ==, FERRY_OPERATION_STORAGE_MIGRATE);
  host = ferry_feasibility_get_host (grid, 0, production);
  g_assert_true (FERRY_IS_HOST (host));
  g_assert_true (ferry_object_get_cache (FERRY_OBJECT (host)) == PRODUCTION);

  {
    g_autoptr(GPtrArray) findings = ferry_feasibility_dup_findings (grid, 0, production);

    dump_checks (findings);
    assert_well_formed (findings);
    g_assert_cmpuint (ferry_checks_get_worst (findings), <, FERRY_CHECK_SEVERITY_BLOCKER);
  }
}

static void
test_evacuate (void)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();
  g_autoptr(GPtrArray) checks = NULL;

  g_test_summary ("O5: evacuating prod-host-04 finds the VMs that cannot leave it, each with its reason.");
  ferry_move_request_set_evacuate_host (request, HOST (PRODUCTION, "prod-host-04"));
  g_assert_cmpint (ferry_move_request_get_operation (request), ==, FERRY_OPERATION_EVACUATE);
  g_assert_cmpuint (ferry_move_request_get_n_vms (request), >=, 7);
  checks = ferry_rules_check (request, NULL, NULL);
  dump_checks (checks);
  assert_well_formed (checks);
  g_assert_nonnull (ferry_checks_find (checks, "R5"));     /* cad-gvt */
  g_assert_nonnull (ferry_checks_find (checks, "R22"));    /* hpc-qat */
  g_assert_nonnull (ferry_checks_find (checks, "R23"));    /* license-server */
  g_assert_nonnull (ferry_checks_find (checks, "R15"));    /* analytics-avx512 */
}

static void
test_table (void)
{
  const char *checkable[] = {
    "R4", "R5", "R6", "R7", "R8", "R11", "R12", "R13", "R14", "R15", "R16", "R17", "R18", "R19",
    "R20", "R21", "R22", "R23", "R24", "R25", "R26", "R27", "R29", "R30", "R31", "R32", "R33",
    "R34", "R35",
  };

  g_test_summary ("Every checkable rule of the spec has an entry with a summary; IDs are unique.");
  for (guint i = 0; i < G_N_ELEMENTS (checkable); i++)
    {
      g_assert_true (ferry_rules_has_rule (checkable[i]));
      g_assert_nonnull (ferry_rules_get_rule_summary (checkable[i]));
    }
  for (guint i = 0; i < ferry_rules_get_n_rules (); i++)
    for (guint j = i + 1; j < ferry_rules_get_n_rules (); j++)
      g_assert_cmpstr (ferry_rules_get_rule_id (i), !=, ferry_rules_get_rule_id (j));
  g_assert_false (ferry_rules_has_rule ("R99"));
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  demo_start ();

  g_test_add_func ("/rules/table", test_table);
  g_test_add_func ("/rules/R4/cross-pool-live", test_r4_cross_pool_live);
  g_test_add_func ("/rules/R4/same-pool", test_r4_same_pool);
  g_test_add_func ("/rules/R4/local-storage", test_r4_local_storage);
  g_test_add_func ("/rules/R5/gvt-g", test_r5_gvt_g);
  g_test_add_func ("/rules/R5/nvidia-vgpu", test_r5_nvidia_vgpu);
  g_test_add_func ("/rules/R6/cvad-pool", test_r6_cvad_pool);
  g_test_add_func ("/rules/R6/not-cvad", test_r6_not_cvad);
  g_test_add_func ("/rules/R7/cbt-enabled", test_r7_cbt);
  g_test_add_func ("/rules/R7/live-migration", test_r7_live_migration);
  g_test_add_func ("/rules/R8/gfs2", test_r8_gfs2);
  g_test_add_func ("/rules/R8/live-on-gfs2", test_r8_live_on_gfs2);
  g_test_add_func ("/rules/R11/port-80-closed", test_r11_port_80);
  g_test_add_func ("/rules/R11/hotfix-installed", test_r11_hotfix_installed);
  g_test_add_func ("/rules/R12/older-destination", test_r12_older_destination);
  g_test_add_func ("/rules/R12/same-version", test_r12_same_version);
  g_test_add_func ("/rules/R12/newer-destination", test_r12_newer_destination);
  g_test_add_func ("/rules/R12/xapi-comparison", test_r12_compare);
  g_test_add_func ("/rules/R12/older-xen", test_r12_xen_only);
  g_test_add_func ("/rules/R13/windows-without-tools", test_r13_windows_without_tools);
  g_test_add_func ("/rules/R13/windows-with-tools", test_r13_windows_with_tools);
  g_test_add_func ("/rules/R14/fourth-queued", test_r14_queued);
  g_test_add_func ("/rules/R14/three-at-once", test_r14_three);
  g_test_add_func ("/rules/R15/missing-features", test_r15_missing_features);
  g_test_add_func ("/rules/R15/superset", test_r15_superset);
  g_test_add_func ("/rules/R16/amd-to-intel", test_r16_amd_intel);
  g_test_add_func ("/rules/R16/same-vendor", test_r16_same_vendor);
  g_test_add_func ("/rules/R17/no-room-even-with-dmc", test_r17_no_room);
  g_test_add_func ("/rules/R17/fits", test_r17_fits);
  g_test_add_func ("/rules/R17/same-request", test_r17_same_request);
  g_test_add_func ("/rules/R18/no-source-host", test_r18_no_source_host);
  g_test_add_func ("/rules/R18/source-has-room", test_r18_source_has_room);
  g_test_add_func ("/rules/R19/destination-full", test_r19_destination_full);
  g_test_add_func ("/rules/R19/room", test_r19_room);
  g_test_add_func ("/rules/R19/queued-moves", test_r19_queued_moves);
  g_test_add_func ("/rules/R19/whole-request", test_r19_whole_request);
  g_test_add_func ("/rules/R19/thin-thick", test_r19_thin_thick);
  g_test_add_func ("/rules/R20/source-full", test_r20_source_full);
  g_test_add_func ("/rules/R20/source-room", test_r20_source_room);
  g_test_add_func ("/rules/R21/mcs-markers", test_r21_mcs_markers);
  g_test_add_func ("/rules/R21/live-in-pool", test_r21_live_in_pool);
  g_test_add_func ("/rules/R22/pci-passthrough", test_r22_pci);
  g_test_add_func ("/rules/R22/nvidia-sriov", test_r22_nvidia_sriov);
  g_test_add_func ("/rules/R23/vusb", test_r23_vusb);
  g_test_add_func ("/rules/R23/no-vusb", test_r23_no_vusb);
  g_test_add_func ("/rules/R24/nomigrate", test_r24_nomigrate);
  g_test_add_func ("/rules/R24/migratable", test_r24_migratable);
  g_test_add_func ("/rules/R25/reset-on-boot", test_r25_reset_on_boot);
  g_test_add_func ("/rules/R25/persist", test_r25_persist);
  g_test_add_func ("/rules/R26/ha-protected", test_r26_ha_protected);
  g_test_add_func ("/rules/R26/best-effort", test_r26_best_effort);
  g_test_add_func ("/rules/R27/review-note", test_r27_note);
  g_test_add_func ("/rules/R29/paused", test_r29_paused);
  g_test_add_func ("/rules/R29/running", test_r29_running);
  g_test_add_func ("/rules/R30/management-network", test_r30_management);
  g_test_add_func ("/rules/R30/storage-network", test_r30_storage_network);
  g_test_add_func ("/rules/R31/restart-notice", test_r31_restart_notice);
  g_test_add_func ("/rules/R31/same-pool", test_r31_same_pool);
  g_test_add_func ("/rules/R32/old-kernel", test_r32_old_kernel);
  g_test_add_func ("/rules/R32/new-kernel", test_r32_new_kernel);
  g_test_add_func ("/rules/R33/pgpu-full", test_r33_pgpu_full);
  g_test_add_func ("/rules/R33/pgpu-room", test_r33_pgpu_room);
  g_test_add_func ("/rules/R34/twice-the-memory", test_r34_twice_the_memory);
  g_test_add_func ("/rules/R34/small-vm", test_r34_small_vm);
  g_test_add_func ("/rules/R35/target-full", test_r35_target_full);
  g_test_add_func ("/rules/R35/room", test_r35_room);
  g_test_add_func ("/rules/X-OPERATION-BLOCKED/migrate-send", test_x_blocked_operation);
  g_test_add_func ("/rules/X-VM-BAD-POWER-STATE/halted", test_x_power_state);
  g_test_add_func ("/rules/X-OTHER-OPERATION-IN-PROGRESS/snapshot", test_x_other_operation);
  g_test_add_func ("/rules/X-VM-IS-TEMPLATE/template-and-snapshot", test_x_template_snapshot);
  g_test_add_func ("/rules/X-HOST-DISABLED/maintenance", test_x_host_disabled);
  g_test_add_func ("/rules/X-HOST-NOT-LIVE/down", test_x_host_not_live);
  g_test_add_func ("/rules/X-HOST-NOT-ENOUGH-PCPUS/vcpus", test_x_pcpus);
  g_test_add_func ("/rules/X-VM-REQUIRES-NETWORK/private", test_x_requires_network);
  g_test_add_func ("/rules/X-CURRENT-HOST/nothing-to-do", test_x_current_host);
  g_test_add_func ("/rules/X-VIF-NOT-IN-MAP/by-name", test_x_vif_map);
  g_test_add_func ("/rules/xapi-errors/every-section-4-name", test_xapi_every_error);
  g_test_add_func ("/rules/xapi-errors/names-not-refs", test_xapi_names);
  g_test_add_func ("/rules/xapi-errors/unknown", test_xapi_unknown_error);
  g_test_add_func ("/rules/feasibility/grid", test_feasibility_grid);
  g_test_add_func ("/rules/feasibility/pool-reasons", test_feasibility_pool_reasons);
  g_test_add_func ("/rules/feasibility/pool-choice", test_feasibility_pool_choice);
  g_test_add_func ("/rules/feasibility/sr-columns", test_feasibility_sr_columns);
  g_test_add_func ("/rules/O5/evacuate", test_evacuate);

  result = g_test_run ();
  demo_stop ();

  return result;
}
