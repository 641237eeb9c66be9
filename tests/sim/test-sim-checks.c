/* test-sim-checks.c: every check of xapi.md §4 and §5, one test per error
 * name, on the demo's objects where they show the rule and on small pools
 * made for one edge case each. Paths are /sim/checks/<section>/<ERROR>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-sim-checks.h"
#include "ferry-sim-db.h"
#include "sim-test-ops.h"

static const char extra_scenario[] =
  "{ \"users\": { \"root\": \"demo\" },\n"
  "  \"pools\": [\n"
  /* Edge: hosts that fail one rule each. */
  "    { \"name\": \"Edge\",\n"
  "      \"hosts\": [ { \"name\": \"e1\", \"memory\": \"64 GiB\", \"gpus\": [ \"nvidia-a16\" ] },\n"
  "                   { \"name\": \"e2\", \"memory\": \"64 GiB\", \"cpu\": { \"count\": 8 }, \"iommu\": false,\n"
  "                     \"gpus\": [ \"nvidia-a16\" ] },\n"
  "                   { \"name\": \"e3\", \"memory\": \"64 GiB\", \"live\": false },\n"
  "                   { \"name\": \"e4\", \"memory\": \"32 GiB\" } ],\n"
  "      \"networks\": [ { \"name\": \"Mgmt\", \"nic\": \"eth0\", \"management\": true },\n"
  "                      { \"name\": \"Mig\", \"nic\": \"eth1\", \"subnet\": \"10.8.1.0/24\" } ],\n"
  "      \"srs\": [ { \"name\": \"Edge-NFS\", \"type\": \"nfs\", \"size\": \"1 TiB\" },\n"
  "                 { \"name\": \"Edge-iSCSI\", \"type\": \"lvmoiscsi\", \"size\": \"1 TiB\" } ],\n"
  "      \"vms\": [\n"
  "        { \"name\": \"wide\", \"power_state\": \"running\", \"host\": \"e1\", \"memory\": \"4 GiB\", \"vcpus\": 16,\n"
  "          \"os\": \"debian-12\", \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Edge-NFS\" } ], \"vifs\": [ \"Mgmt\" ] },\n"
  "        { \"name\": \"sriov\", \"power_state\": \"running\", \"host\": \"e1\", \"memory\": \"4 GiB\", \"os\": \"windows-11\",\n"
  "          \"vgpu\": \"nvidia-a16-4q\", \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Edge-NFS\" } ] },\n"
  "        { \"name\": \"m1\", \"power_state\": \"running\", \"host\": \"e1\", \"memory\": \"16 GiB\", \"os\": \"debian-12\",\n"
  "          \"dirty_rate\": \"100 MiB/s\", \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Edge-NFS\" } ] },\n"
  "        { \"name\": \"m2\", \"power_state\": \"running\", \"host\": \"e1\", \"memory\": \"16 GiB\", \"os\": \"debian-12\",\n"
  "          \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Edge-NFS\" } ] },\n"
  "        { \"name\": \"plain\", \"power_state\": \"running\", \"host\": \"e1\", \"memory\": \"2 GiB\", \"os\": \"debian-12\",\n"
  "          \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Edge-NFS\" } ], \"vifs\": [ \"Mgmt\" ] },\n"
  "        { \"name\": \"encrypted\", \"power_state\": \"running\", \"host\": \"e1\", \"memory\": \"2 GiB\", \"os\": \"debian-12\",\n"
  "          \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Edge-NFS\", \"encrypted\": true } ] } ] },\n"
  /* A rolling upgrade half done: u2 still runs the older version. */
  "    { \"name\": \"Upgrade\", \"other_config\": { \"rolling_upgrade_in_progress\": \"true\" },\n"
  "      \"hosts\": [ { \"name\": \"u1\", \"master\": true }, { \"name\": \"u2\", \"version\": \"xcp-ng-8.3\" } ],\n"
  "      \"srs\": [ { \"name\": \"Up-NFS\", \"type\": \"nfs\", \"size\": \"1 TiB\" } ],\n"
  "      \"vms\": [ { \"name\": \"up-vm\", \"power_state\": \"running\", \"host\": \"u1\", \"os\": \"debian-12\",\n"
  "                   \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Up-NFS\" } ] } ] },\n"
  "    { \"name\": \"Unlicensed\",\n"
  "      \"restrictions\": { \"restrict_xen_motion\": \"true\", \"restrict_storage_xen_motion\": \"true\" },\n"
  "      \"hosts\": [ { \"name\": \"l1\" }, { \"name\": \"l2\" } ],\n"
  "      \"srs\": [ { \"name\": \"Lic-NFS\", \"type\": \"nfs\", \"size\": \"1 TiB\" } ],\n"
  "      \"vms\": [ { \"name\": \"lic-vm\", \"power_state\": \"running\", \"host\": \"l1\", \"os\": \"debian-12\",\n"
  "                   \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Lic-NFS\" } ] } ] },\n"
  /* HA with one failure to tolerate and a plan that holds only as it is. */
  "    { \"name\": \"HA\", \"ha\": { \"enabled\": true, \"host_failures_to_tolerate\": 1 },\n"
  "      \"hosts\": [ { \"name\": \"h1\", \"memory\": \"64 GiB\" }, { \"name\": \"h2\", \"memory\": \"64 GiB\" } ],\n"
  "      \"srs\": [ { \"name\": \"HA-NFS\", \"type\": \"nfs\", \"size\": \"1 TiB\" } ],\n"
  "      \"vms\": [\n"
  "        { \"name\": \"p1\", \"power_state\": \"running\", \"host\": \"h1\", \"memory\": \"20 GiB\", \"ha\": \"restart\",\n"
  "          \"os\": \"debian-12\", \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"HA-NFS\" } ] },\n"
  "        { \"name\": \"f1\", \"power_state\": \"running\", \"host\": \"h1\", \"memory\": \"25 GiB\", \"os\": \"debian-12\",\n"
  "          \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"HA-NFS\" } ] },\n"
  "        { \"name\": \"f2\", \"power_state\": \"running\", \"host\": \"h2\", \"memory\": \"25 GiB\", \"os\": \"debian-12\",\n"
  "          \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"HA-NFS\" } ] } ] },\n"
  /* Cross-pool: Src's VMs each fail one of Dst's import checks. */
  "    { \"name\": \"Src\",\n"
  "      \"hosts\": [ { \"name\": \"s1\", \"memory\": \"128 GiB\", \"gpus\": [ \"nvidia-t4\" ] } ],\n"
  "      \"networks\": [ { \"name\": \"Src-Mgmt\", \"nic\": \"eth0\", \"management\": true } ],\n"
  "      \"srs\": [ { \"name\": \"Src-NFS\", \"type\": \"nfs\", \"size\": \"1 TiB\" } ],\n"
  "      \"vms\": [\n"
  "        { \"name\": \"big\", \"power_state\": \"running\", \"host\": \"s1\", \"memory\": \"48 GiB\", \"os\": \"debian-12\",\n"
  "          \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Src-NFS\" } ], \"vifs\": [ \"Src-Mgmt\" ] },\n"
  "        { \"name\": \"wide2\", \"power_state\": \"running\", \"host\": \"s1\", \"memory\": \"2 GiB\", \"vcpus\": 24,\n"
  "          \"os\": \"debian-12\", \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Src-NFS\" } ], \"vifs\": [ \"Src-Mgmt\" ] },\n"
  "        { \"name\": \"gpu\", \"power_state\": \"running\", \"host\": \"s1\", \"memory\": \"4 GiB\", \"os\": \"windows-10\",\n"
  "          \"vgpu\": \"nvidia-t4-8q\", \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Src-NFS\" } ], \"vifs\": [ \"Src-Mgmt\" ] },\n"
  "        { \"name\": \"small\", \"power_state\": \"running\", \"host\": \"s1\", \"memory\": \"2 GiB\", \"os\": \"debian-12\",\n"
  "          \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Src-NFS\" } ], \"vifs\": [ \"Src-Mgmt\" ] },\n"
  "        { \"name\": \"crypt\", \"power_state\": \"running\", \"host\": \"s1\", \"memory\": \"2 GiB\", \"os\": \"debian-12\",\n"
  "          \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Src-NFS\", \"encrypted\": true } ], \"vifs\": [ \"Src-Mgmt\" ] } ] },\n"
  "    { \"name\": \"Dst\",\n"
  "      \"hosts\": [ { \"name\": \"d1\", \"memory\": \"32 GiB\", \"cpu\": { \"count\": 16 } }, { \"name\": \"d2\", \"memory\": \"32 GiB\",\n"
  "                   \"gpus\": [ \"nvidia-t4\" ] } ],\n"
  "      \"networks\": [ { \"name\": \"Dst-Mgmt\", \"nic\": \"eth0\", \"management\": true } ],\n"
  "      \"srs\": [ { \"name\": \"Dst-NFS\", \"type\": \"nfs\", \"size\": \"1 TiB\" } ],\n"
  "      \"vms\": [ { \"name\": \"dst-vm\", \"os\": \"debian-12\", \"affinity\": \"d1\" } ] },\n"
  /* Citrix Hypervisor 8.2: CBT on any disk stops storage motion. */
  "    { \"name\": \"Old\", \"version\": \"citrix-hypervisor-8.2-cu1\",\n"
  "      \"hosts\": [ { \"name\": \"o1\" } ],\n"
  "      \"srs\": [ { \"name\": \"Old-NFS\", \"type\": \"nfs\", \"size\": \"1 TiB\" },\n"
  "                 { \"name\": \"Old-NFS2\", \"type\": \"nfs\", \"size\": \"1 TiB\" } ],\n"
  "      \"vms\": [ { \"name\": \"old-cbt\", \"power_state\": \"running\", \"host\": \"o1\", \"os\": \"debian-12\",\n"
  "                   \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Old-NFS\" },\n"
  "                                { \"size\": \"10 GiB\", \"sr\": \"Old-NFS\", \"cbt\": true } ] } ] },\n"
  /* A host being evacuated. */
  "    { \"name\": \"Busy\",\n"
  "      \"hosts\": [ { \"name\": \"b1\" }, { \"name\": \"b2\" } ],\n"
  "      \"srs\": [ { \"name\": \"Busy-NFS\", \"type\": \"nfs\", \"size\": \"1 TiB\" } ],\n"
  "      \"vms\": [ { \"name\": \"bvm1\", \"power_state\": \"running\", \"host\": \"b1\", \"memory\": \"16 GiB\",\n"
  "                   \"os\": \"debian-12\", \"dirty_rate\": \"200 MiB/s\", \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Busy-NFS\" } ] },\n"
  "                 { \"name\": \"bvm2\", \"power_state\": \"running\", \"host\": \"b2\", \"memory\": \"2 GiB\",\n"
  "                   \"os\": \"debian-12\", \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Busy-NFS\" } ] } ] },\n"
  /* Four storage migrations from one host. */
  "    { \"name\": \"Many\",\n"
  "      \"hosts\": [ { \"name\": \"n1\" }, { \"name\": \"n2\" } ],\n"
  "      \"srs\": [ { \"name\": \"NFS-A\", \"type\": \"nfs\", \"size\": \"2 TiB\", \"bandwidth\": \"100 MiB/s\" },\n"
  "                 { \"name\": \"NFS-B\", \"type\": \"nfs\", \"size\": \"2 TiB\", \"bandwidth\": \"100 MiB/s\" } ],\n"
  "      \"vms\": [\n"
  "        { \"name\": \"sxm-1\", \"power_state\": \"running\", \"host\": \"n1\", \"os\": \"debian-12\",\n"
  "          \"disks\": [ { \"size\": \"100 GiB\", \"used\": \"100 GiB\", \"sr\": \"NFS-A\" } ] },\n"
  "        { \"name\": \"sxm-2\", \"power_state\": \"running\", \"host\": \"n1\", \"os\": \"debian-12\",\n"
  "          \"disks\": [ { \"size\": \"100 GiB\", \"used\": \"100 GiB\", \"sr\": \"NFS-A\" } ] },\n"
  "        { \"name\": \"sxm-3\", \"power_state\": \"running\", \"host\": \"n1\", \"os\": \"debian-12\",\n"
  "          \"disks\": [ { \"size\": \"100 GiB\", \"used\": \"100 GiB\", \"sr\": \"NFS-A\" } ] },\n"
  "        { \"name\": \"sxm-4\", \"power_state\": \"running\", \"host\": \"n1\", \"os\": \"debian-12\",\n"
  "          \"disks\": [ { \"size\": \"100 GiB\", \"used\": \"100 GiB\", \"sr\": \"NFS-A\" } ] } ] },\n"
  /* Evacuation plans that cannot work. */
  "    { \"name\": \"Tight\",\n"
  "      \"hosts\": [ { \"name\": \"t1\", \"memory\": \"64 GiB\" }, { \"name\": \"t2\", \"memory\": \"32 GiB\" } ],\n"
  "      \"srs\": [ { \"name\": \"Tight-NFS\", \"type\": \"nfs\", \"size\": \"1 TiB\" } ],\n"
  "      \"vms\": [ { \"name\": \"tvm\", \"power_state\": \"running\", \"host\": \"t1\", \"memory\": \"40 GiB\",\n"
  "                   \"os\": \"debian-12\", \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Tight-NFS\" } ] },\n"
  "                 { \"name\": \"tpaused\", \"power_state\": \"paused\", \"host\": \"t1\", \"memory\": \"2 GiB\",\n"
  "                   \"os\": \"debian-12\", \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Tight-NFS\" } ] } ] } ] }\n";

static const char *
q (const char *text)
{
  return sim_quote (text);
}

static const char *
vm (const char *pool,
    const char *name)
{
  return sim_ref (pool, "VM", name);
}

static const char *
host (const char *pool,
      const char *name)
{
  return sim_ref (pool, "host", name);
}

/* host.migrate_receive on @pool's @host_name over its management network. */
static const char *
receive (const char *pool,
         const char *host_name)
{
  g_autoptr(JsonNode) networks = sim_call (pool, "network.get_all", NULL);
  JsonArray *array = json_node_get_array (networks);
  const char *management = NULL;

  for (guint i = 0; i < json_array_get_length (array) && management == NULL; i++)
    {
      const char *network = json_array_get_string_element (array, i);
      g_autoptr(JsonNode) pifs = sim_call (pool, "network.get_PIFs", q (network));

      for (guint p = 0; p < json_array_get_length (json_node_get_array (pifs)); p++)
        if (g_strcmp0 (sim_field (pool, "PIF", json_array_get_string_element (json_node_get_array (pifs), p),
                                  "management"), "true") == 0)
          management = sim_fmt ("%s", network);
    }
  g_assert_nonnull (management);
  {
    g_autoptr(JsonNode) dest = sim_call (pool, "host.migrate_receive",
                                         sim_fmt ("%s, %s, {}", q (host (pool, host_name)), q (management)));
    g_autofree char *text = json_to_string (dest, FALSE);

    return sim_fmt ("%s", text);
  }
}

/* migrate_send / assert_can_migrate parameters: vm, dest, live, maps, options. */
static const char *
send_args (const char *vm_ref,
           const char *dest,
           const char *vdi_map,
           const char *vif_map,
           const char *options)
{
  return sim_fmt ("%s, %s, true, %s, %s, %s, {}", q (vm_ref), dest, vdi_map, vif_map, options ? options : "{}");
}

/* Pokes: test set-ups xapi reaches otherwise (a guest agent, a CLI). --------- */

typedef struct
{
  const char *pool;
  const char *ref;
  const char *field;
  const char *key;       /* maps */
  const char *text;      /* NULL: remove the key */
  gint64      i;
  double      d;
  char        kind;      /* s, i, f, m, a (array of @text), b (bool i) */
} Poke;

static void
poke_cb (FerrySimWorld *world,
         gpointer       data)
{
  Poke *poke = data;
  FerrySimDb *db = ferry_sim_pool_get_db (sim_world_pool (world, poke->pool));
  FerrySimRow *row = ferry_sim_db_lookup (db, poke->ref);
  FerrySimValue array = FERRY_SIM_VALUE_INIT;

  g_assert_nonnull (row);
  switch (poke->kind)
    {
    case 's':
      ferry_sim_db_set_string (db, row, poke->field, poke->text);
      break;
    case 'i':
      ferry_sim_db_set_int (db, row, poke->field, poke->i);
      break;
    case 'b':
      ferry_sim_db_set_bool (db, row, poke->field, poke->i != 0);
      break;
    case 'f':
      ferry_sim_db_set_float (db, row, poke->field, poke->d);
      break;
    case 'm':
      if (poke->text != NULL)
        ferry_sim_db_map_set (db, row, poke->field, poke->key, poke->text);
      else
        ferry_sim_db_map_remove (db, row, poke->field, poke->key);
      break;
    case 'a':
      ferry_sim_value_set_array (&array);
      ferry_sim_value_append_string (&array, poke->text);
      ferry_sim_db_set_value (db, row, poke->field, &array);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
poke (Poke p)
{
  sim_with_world (poke_cb, &p);
}

/* §4.1 lifecycle ---------------------------------------------------------------- */

static void
test_operation_blocked (void)
{
  const char *fs = vm ("Production", "fileserver");

  g_assert_cmpstr (sim_fail ("Production", "VM.migrate_send",
                             send_args (fs, receive ("Production", "prod-host-03"),
                                        sim_vdi_map_all ("Production", fs, sim_ref ("Production", "SR", "Prod-NFS")),
                                        "{}", NULL)), ==,
                   sim_fmt ("OPERATION_BLOCKED %s Ask the storage team before moving the file server", fs));
}

static void
test_vm_bad_power_state (void)
{
  const char *halted = vm ("Production", "test-halted");
  const char *paused = vm ("Production", "batch-paused");
  const char *dest = host ("Production", "prod-host-02");

  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate", sim_fmt ("%s, %s, {}", q (halted), q (dest))), ==,
                   sim_fmt ("VM_BAD_POWER_STATE %s running halted", halted));
  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate", sim_fmt ("%s, %s, {}", q (paused), q (dest))), ==,
                   sim_fmt ("VM_BAD_POWER_STATE %s running paused", paused));
  /* migrate_send lists what it takes. */
  g_assert_cmpstr (sim_fail ("Production", "VM.migrate_send",
                             send_args (paused, receive ("Production", "prod-host-02"), "{}", "{}", NULL)), ==,
                   sim_fmt ("VM_BAD_POWER_STATE %s halted, suspended, running paused", paused));
}

static void
test_other_operation_in_progress (void)
{
  const char *web = vm ("Production", "web-01");
  const char *source = sim_field ("Production", "VM", web, "resident_on");
  const char *task;

  sim_set_time_scale (1);
  task = sim_call_string ("Production", "Async.VM.pool_migrate",
                          sim_fmt ("%s, %s, {}", q (web), q (host ("Production", "prod-host-03"))));
  sim_wait_progress ("Production", task, 0.0);
  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (web), q (host ("Production", "prod-host-04")))), ==,
                   sim_fmt ("OTHER_OPERATION_IN_PROGRESS VM %s pool_migrate %s", web, task));
  sim_ok ("Production", "task.cancel", q (task));
  g_assert_cmpstr (sim_task_outcome (sim_wait_task ("Production", task)), ==,
                   sim_fmt ("(cancelled) TASK_CANCELLED %s", task));
  g_assert_cmpstr (sim_field ("Production", "VM", web, "resident_on"), ==, source);
  sim_set_time_scale (10000);
}

static void
test_vm_is_template (void)
{
  const char *template = vm ("Production", "Debian Bookworm 12");

  g_assert_cmpstr (sim_fail ("Production", "VM.migrate_send",
                             send_args (template, receive ("Production", "prod-host-02"), "{}", "{}", NULL)), ==,
                   sim_fmt ("VM_IS_TEMPLATE %s migrate_send", template));
}

static void
test_vm_is_snapshot (void)
{
  const char *snapshot = vm ("Production", "pre-patch");

  g_assert_cmpstr (sim_fail ("Production", "VM.migrate_send",
                             send_args (snapshot, receive ("Production", "prod-host-02"), "{}", "{}", NULL)), ==,
                   sim_fmt ("VM_IS_SNAPSHOT %s migrate_send", snapshot));
}

static void
test_vm_is_immobile (void)
{
  const char *rt = vm ("Production", "rt-control");

  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (rt), q (host ("Production", "prod-host-02")))), ==,
                   sim_fmt ("VM_IS_IMMOBILE %s", rt));
  /* R24: not in allowed_operations either. */
  g_assert_null (strstr (sim_field ("Production", "VM", rt, "allowed_operations"), "pool_migrate"));
}

static void
test_control_domain (void)
{
  const char *dom0 = vm ("Production", "Control domain on host: prod-host-01");

  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (dom0), q (host ("Production", "prod-host-02")))), ==,
                   "OPERATION_NOT_ALLOWED This operation is not allowed on a control domain");
}

static void
test_vm_non_suspendable (void)
{
  const char *web = vm ("Production", "web-02");
  const char *guest = sim_field ("Production", "VM", web, "guest_metrics");

  poke ((Poke) { "Production", guest, "other", "data-cant-suspend-reason", "Xen PV drivers outdated", .kind = 'm' });
  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (web), q (host ("Production", "prod-host-01")))), ==,
                   sim_fmt ("VM_NON_SUSPENDABLE %s Xen PV drivers outdated", web));
  poke ((Poke) { "Production", guest, "other", "data-cant-suspend-reason", NULL, .kind = 'm' });
}

static void
test_vm_lacks_feature (void)
{
  const char *win = vm ("Production", "win-legacy-2016");

  /* R13: Windows without tools. force=true makes the check non-strict. */
  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (win), q (host ("Production", "prod-host-02")))), ==,
                   sim_fmt ("VM_LACKS_FEATURE %s", win));
}

static void
test_vdi_on_boot_mode (void)
{
  const char *pooled = vm ("Production", "citrix-pooled-01");
  g_autoptr(GPtrArray) disks = sim_vm_disks ("Production", pooled);

  /* R25: reset + caching stops pool_migrate with no parameter; migrate_send
   * names the disk at run time. */
  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (pooled), q (host ("Production", "prod-host-03")))), ==,
                   "VDI_ON_BOOT_MODE_INCOMPATIBLE_WITH_OPERATION");
  g_assert_cmpstr (sim_fail ("Production", "VM.migrate_send",
                             send_args (pooled, receive ("Production", "prod-host-03"),
                                        sim_vdi_map_all ("Production", pooled, sim_ref ("Production", "SR", "Prod-iSCSI")),
                                        "{}", NULL)), ==,
                   sim_fmt ("VDI_ON_BOOT_MODE_INCOMPATIBLE_WITH_OPERATION %s", (char *) g_ptr_array_index (disks, 0)));
}

static void
test_vm_has_pci_attached (void)
{
  const char *qat = vm ("Production", "hpc-qat");

  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (qat), q (host ("Production", "prod-host-02")))), ==,
                   sim_fmt ("VM_HAS_PCI_ATTACHED %s", qat));
}

static void
test_vm_has_vgpu (void)
{
  const char *gvt = vm ("Production", "cad-gvt");

  /* R5: GVT-g moves neither way, nor suspends. */
  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (gvt), q (host ("Production", "prod-host-02")))), ==,
                   sim_fmt ("VM_HAS_VGPU %s", gvt));
  g_assert_cmpstr (sim_fail ("Production", "VM.suspend", q (gvt)), ==, sim_fmt ("VM_HAS_VGPU %s", gvt));
}

static void
test_vm_has_vusbs (void)
{
  const char *lic = vm ("Production", "license-server");

  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (lic), q (host ("Production", "prod-host-02")))), ==,
                   sim_fmt ("VM_HAS_VUSBS %s", lic));
}

static void
test_not_supported_during_upgrade (void)
{
  const char *up = vm ("Upgrade", "up-vm");
  const char *u2 = host ("Upgrade", "u2");

  /* To an older host during a rolling upgrade (§3.1 step 3). */
  g_assert_cmpstr (sim_fail ("Upgrade", "VM.pool_migrate", sim_fmt ("%s, %s, {}", q (up), q (u2))), ==,
                   "NOT_SUPPORTED_DURING_UPGRADE");
  /* A storage migration within a pool to an older host (§4.2). */
  g_assert_cmpstr (sim_fail ("Upgrade", "VM.migrate_send",
                             send_args (up, receive ("Upgrade", "u2"),
                                        sim_vdi_map_all ("Upgrade", up, sim_ref ("Upgrade", "SR", "Up-NFS")), "{}", NULL)),
                   ==, "NOT_SUPPORTED_DURING_UPGRADE");
  /* Operations outside xapi's RPU list leave allowed_operations (§4.1). */
  g_assert_null (strstr (sim_field ("Upgrade", "VM", up, "allowed_operations"), "\"snapshot\""));
  g_assert_nonnull (strstr (sim_field ("Upgrade", "VM", up, "allowed_operations"), "\"pool_migrate\""));
  /* VM.assert_can_boot_here wants the master's versions then (§3.7). */
  g_assert_cmpstr (sim_fail ("Upgrade", "VM.assert_can_boot_here", sim_fmt ("%s, %s", q (up), q (u2))), ==,
                   sim_fmt ("VM_HOST_INCOMPATIBLE_VERSION %s %s", u2, up));
}

/* §4.2 assert_can_migrate --------------------------------------------------------- */

static void
test_licence_restriction (void)
{
  const char *lic = vm ("Unlicensed", "lic-vm");

  g_assert_cmpstr (sim_fail ("Unlicensed", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (lic), q (host ("Unlicensed", "l2")))), ==,
                   "LICENCE_RESTRICTION Xen_motion");
  g_assert_cmpstr (sim_fail ("Unlicensed", "host.migrate_receive",
                             sim_fmt ("%s, %s, {}", q (host ("Unlicensed", "l2")),
                                      q (sim_ref ("Unlicensed", "network", "Pool-wide network associated with eth0")))),
                   ==, "LICENCE_RESTRICTION Storage_motion");
  /* The source pool's licence counts for the sender. */
  g_assert_cmpstr (sim_fail ("Unlicensed", "VM.assert_can_migrate",
                             send_args (lic, receive ("Dst", "d2"), "{}", "{}", NULL)), ==,
                   "LICENCE_RESTRICTION Storage_motion");
}

static void
test_vdi_not_in_map (void)
{
  const char *web = vm ("Production", "web-03");
  g_autoptr(GPtrArray) disks = sim_vm_disks ("Production", web);

  g_assert_cmpstr (sim_fail ("Production", "VM.assert_can_migrate",
                             send_args (web, receive ("Production", "prod-host-02"), "{}", "{}", NULL)), ==,
                   sim_fmt ("VDI_NOT_IN_MAP %s", (char *) g_ptr_array_index (disks, 0)));
}

static void
test_sr_does_not_support_migration (void)
{
  const char *app = vm ("Production", "cluster-app");

  /* R8: GFS2's SM lacks VDI_MIRROR (xapi ≤ 25.x: the SR only). */
  g_assert_cmpstr (sim_fail ("Production", "VM.assert_can_migrate",
                             send_args (app, receive ("Production", "prod-host-03"),
                                        sim_vdi_map_all ("Production", app, sim_ref ("Production", "SR", "Prod-NFS")),
                                        "{}", NULL)), ==,
                   sim_fmt ("SR_DOES_NOT_SUPPORT_MIGRATION %s", sim_ref ("Production", "SR", "Prod-GFS2")));
  /* Onto GFS2 too. */
  {
    const char *web = vm ("Production", "web-03");

    g_assert_cmpstr (sim_fail ("Production", "VM.assert_can_migrate",
                               send_args (web, receive ("Production", "prod-host-03"),
                                          sim_vdi_map_all ("Production", web, sim_ref ("Production", "SR", "Prod-GFS2")),
                                          "{}", NULL)), ==,
                     sim_fmt ("SR_DOES_NOT_SUPPORT_MIGRATION %s", sim_ref ("Production", "SR", "Prod-GFS2")));
  }
}

static void
test_vif_mapping_within_pool (void)
{
  const char *web = vm ("Production", "web-03");

  g_assert_cmpstr (sim_fail ("Production", "VM.assert_can_migrate",
                             send_args (web, receive ("Production", "prod-host-02"),
                                        sim_vdi_map_all ("Production", web, sim_ref ("Production", "SR", "Prod-NFS")),
                                        sim_vif_map_all ("Production", web, sim_ref ("Production", "network", "VM Network")),
                                        NULL)), ==,
                   "OPERATION_NOT_ALLOWED VIF mapping is not allowed for intra-pool migration -all VIFs must be on the same network");
}

static void
test_vm_host_incompatible_version_migrate (void)
{
  const char *web = vm ("Production", "web-03");
  const char *lab_web = vm ("Lab", "lab-web-01");
  const char *dest = receive ("Lab", "lab-host-01");

  /* R12: XenServer 8 → Citrix Hypervisor 8.2 is backwards. */
  g_assert_cmpstr (sim_fail ("Production", "VM.assert_can_migrate",
                             send_args (web, dest,
                                        sim_vdi_map_all ("Production", web, sim_ref ("Lab", "SR", "Lab-NFS")),
                                        sim_vif_map_all ("Production", web, sim_ref ("Lab", "network", "Lab network")),
                                        NULL)), ==,
                   sim_fmt ("VM_HOST_INCOMPATIBLE_VERSION_MIGRATE %s %s", web, host ("Lab", "lab-host-01")));
  /* The other way is fine. */
  sim_ok ("Lab", "VM.assert_can_migrate",
          send_args (lab_web, receive ("Production", "prod-host-02"),
                     sim_vdi_map_all ("Lab", lab_web, sim_ref ("Production", "SR", "Prod-NFS")),
                     sim_vif_map_all ("Lab", lab_web, sim_ref ("Production", "network", "VM Network")), NULL));
}

static const char *
small_args (const char *vm_ref,
            const char *options)
{
  return send_args (vm_ref, receive ("Dst", "d1"),
                    sim_vdi_map_all ("Src", vm_ref, sim_ref ("Dst", "SR", "Dst-NFS")),
                    sim_vif_map_all ("Src", vm_ref, sim_ref ("Dst", "network", "Dst-Mgmt")), options);
}

static void
test_copy_needs_halted (void)
{
  const char *small = vm ("Src", "small");

  g_assert_cmpstr (sim_fail ("Src", "VM.assert_can_migrate", small_args (small, sim_map ("copy", "true", NULL))), ==,
                   sim_fmt ("VM_BAD_POWER_STATE %s halted running", small));
  /* Within a pool copy is refused at run time. */
  {
    const char *web = vm ("Production", "web-03");

    g_assert_cmpstr (sim_fail ("Production", "VM.migrate_send",
                               send_args (web, receive ("Production", "prod-host-02"),
                                          sim_vdi_map_all ("Production", web, sim_ref ("Production", "SR", "Prod-NFS")),
                                          "{}", sim_map ("copy", "true", NULL))), ==,
                     "OPERATION_NOT_ALLOWED Copy mode is disallowed on intra pool storage migration, try efficient alternatives e.g. VM.copy/clone.");
  }
}

static void
test_hardware_platform_version (void)
{
  const char *small = vm ("Src", "small");
  const char *plain = vm ("Edge", "plain");

  sim_ok ("Src", "VM.set_hardware_platform_version", sim_fmt ("%s, 7", q (small)));
  g_assert_cmpstr (sim_fail ("Src", "VM.assert_can_migrate", small_args (small, NULL)), ==,
                   sim_fmt ("VM_HOST_INCOMPATIBLE_VIRTUAL_HARDWARE_PLATFORM_VERSION %s [0; 1; 2] %s 7",
                            host ("Dst", "d1"), small));
  sim_ok ("Src", "VM.set_hardware_platform_version", sim_fmt ("%s, 0", q (small)));

  sim_ok ("Edge", "VM.set_hardware_platform_version", sim_fmt ("%s, 3", q (plain)));
  g_assert_cmpstr (sim_fail ("Edge", "VM.assert_can_boot_here", sim_fmt ("%s, %s", q (plain), q (host ("Edge", "e4")))), ==,
                   sim_fmt ("VM_HOST_INCOMPATIBLE_VIRTUAL_HARDWARE_PLATFORM_VERSION %s [0; 1; 2] %s 3",
                            host ("Edge", "e4"), plain));
  sim_ok ("Edge", "VM.set_hardware_platform_version", sim_fmt ("%s, 0", q (plain)));
}

static void
test_host_disabled (void)
{
  const char *small = vm ("Src", "small");
  const char *d1 = host ("Dst", "d1");
  const char *plain = vm ("Edge", "plain");
  const char *e4 = host ("Edge", "e4");

  sim_ok ("Dst", "host.disable", q (d1));
  g_assert_cmpstr (sim_fail ("Src", "VM.assert_can_migrate", small_args (small, NULL)), ==,
                   sim_fmt ("HOST_DISABLED %s", d1));
  sim_ok ("Dst", "host.enable", q (d1));

  sim_ok ("Edge", "host.disable", q (e4));
  g_assert_cmpstr (sim_fail ("Edge", "VM.pool_migrate", sim_fmt ("%s, %s, {}", q (plain), q (e4))), ==,
                   sim_fmt ("HOST_DISABLED %s", e4));
  sim_ok ("Edge", "host.enable", q (e4));
}

static void
test_host_not_enough_pcpus (void)
{
  const char *wide2 = vm ("Src", "wide2");
  const char *wide = vm ("Edge", "wide");

  g_assert_cmpstr (sim_fail ("Src", "VM.assert_can_migrate", small_args (wide2, NULL)), ==,
                   "HOST_NOT_ENOUGH_PCPUS 24 16");
  /* Within a pool it is the last check of assert_can_boot_here. */
  g_assert_cmpstr (sim_fail ("Edge", "VM.pool_migrate", sim_fmt ("%s, %s, {}", q (wide), q (host ("Edge", "e2")))), ==,
                   "HOST_NOT_ENOUGH_PCPUS 16 8");
}

static void
test_vif_not_in_map (void)
{
  const char *small = vm ("Src", "small");
  g_autoptr(JsonNode) vifs = sim_call ("Src", "VM.get_VIFs", q (small));

  g_assert_cmpstr (sim_fail ("Src", "VM.assert_can_migrate",
                             send_args (small, receive ("Dst", "d1"),
                                        sim_vdi_map_all ("Src", small, sim_ref ("Dst", "SR", "Dst-NFS")), "{}", NULL)), ==,
                   sim_fmt ("VIF_NOT_IN_MAP %s", json_array_get_string_element (json_node_get_array (vifs), 0)));
}

static void
test_import_memory (void)
{
  const char *big = vm ("Src", "big");
  const char *result = sim_fail ("Src", "VM.assert_can_migrate", small_args (big, NULL));

  /* The dry-run import on the destination: 48 GiB do not fit in 32. */
  g_assert_true (g_str_has_prefix (result, "HOST_NOT_ENOUGH_FREE_MEMORY "));
}

static void
test_vm_incompatible_with_this_host (void)
{
  const char *avx = vm ("Production", "analytics-avx512");
  const char *amd = vm ("Lab", "lab-amd-01");
  const char *h1 = host ("Production", "prod-host-01");
  const char *lab1 = host ("Lab", "lab-host-01");

  /* R15: features the host lacks; R16: another vendor (§4.6). */
  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate", sim_fmt ("%s, %s, {}", q (avx), q (h1))), ==,
                   sim_fmt ("VM_INCOMPATIBLE_WITH_THIS_HOST %s %s VM last booted on a CPU with features this host's CPU does not have.",
                            avx, h1));
  g_assert_cmpstr (sim_fail ("Lab", "VM.assert_can_boot_here", sim_fmt ("%s, %s", q (amd), q (lab1))), ==,
                   sim_fmt ("VM_INCOMPATIBLE_WITH_THIS_HOST %s %s VM last booted on a host which had a CPU from a different vendor.",
                            amd, lab1));
  /* Between pools, in the dry-run import. */
  g_assert_cmpstr (sim_fail ("Lab", "VM.assert_can_migrate",
                             send_args (amd, receive ("Production", "prod-host-02"),
                                        sim_vdi_map_all ("Lab", amd, sim_ref ("Production", "SR", "Prod-NFS")),
                                        sim_vif_map_all ("Lab", amd, sim_ref ("Production", "network", "VM Network")), NULL)),
                   ==, sim_fmt ("VM_INCOMPATIBLE_WITH_THIS_HOST %s %s VM last booted on a host which had a CPU from a different vendor.",
                                amd, host ("Production", "prod-host-02")));
}

static void
test_vm_requires_gpu (void)
{
  const char *gpu = vm ("Src", "gpu");
  const char *render = vm ("Production", "render-01");
  g_autoptr(JsonNode) vgpus = sim_call ("Production", "VM.get_VGPUs", q (render));
  const char *group = sim_field ("Production", "VGPU", json_array_get_string_element (json_node_get_array (vgpus), 0),
                                 "GPU_group");
  g_autoptr(GPtrArray) disks = sim_vm_disks ("Production", render);

  g_assert_true (g_str_has_prefix (sim_fail ("Src", "VM.assert_can_migrate", small_args (gpu, NULL)),
                                   sim_fmt ("VM_REQUIRES_GPU %s ", gpu)));
  /* With a vgpu_map to a pool that has a T4, it goes (and its vGPU lands on it). */
  {
    g_autoptr(JsonNode) groups = sim_call ("Dst", "GPU_group.get_all", NULL);
    const char *dst_group = json_array_get_string_element (json_node_get_array (groups), 0);
    g_autoptr(JsonNode) src_vgpus = sim_call ("Src", "VM.get_VGPUs", q (gpu));
    const char *vgpu = json_array_get_string_element (json_node_get_array (src_vgpus), 0);
    const char *uuid = sim_field ("Src", "VM", gpu, "uuid");
    const char *args = sim_fmt ("%s, %s, true, %s, %s, {}, %s", q (gpu), receive ("Dst", "d2"),
                                sim_vdi_map_all ("Src", gpu, sim_ref ("Dst", "SR", "Dst-NFS")),
                                sim_vif_map_all ("Src", gpu, sim_ref ("Dst", "network", "Dst-Mgmt")),
                                sim_fmt ("{\"%s\": \"%s\"}", vgpu, dst_group));
    const char *moved;
    g_autoptr(JsonNode) dst_vgpus = NULL;
    const char *dst_vgpu;
    const char *pgpu;

    sim_ok ("Src", "VM.assert_can_migrate", args);
    moved = sim_call_string ("Src", "VM.migrate_send", args);
    g_assert_cmpstr (sim_call_string ("Dst", "VM.get_by_uuid", q (uuid)), ==, moved);
    dst_vgpus = sim_call ("Dst", "VM.get_VGPUs", q (moved));
    dst_vgpu = json_array_get_string_element (json_node_get_array (dst_vgpus), 0);
    g_assert_cmpstr (sim_field ("Dst", "VGPU", dst_vgpu, "GPU_group"), ==, dst_group);
    pgpu = sim_field ("Dst", "VGPU", dst_vgpu, "resident_on");
    g_assert_cmpstr (sim_field ("Dst", "PGPU", pgpu, "host"), ==, host ("Dst", "d2"));
    sim_assert_invariants ();
  }

  /* No T4 on prod-host-01. */
  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (render), q (host ("Production", "prod-host-01")))), ==,
                   sim_fmt ("VM_REQUIRES_GPU %s %s", render, group));
  /* R33: moving its disk in place needs a second vGPU; the T4 is full. */
  g_assert_cmpstr (sim_fail ("Production", "VDI.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (g_ptr_array_index (disks, 0)),
                                      q (sim_ref ("Production", "SR", "Prod-iSCSI")))), ==,
                   sim_fmt ("VM_REQUIRES_GPU %s %s", render, group));
}

static void
test_duplicate_mac_seed (void)
{
  const char *small = vm ("Src", "small");
  const char *seed = NULL;
  const char *other = vm ("Dst", "dst-vm");
  JsonObject *record = sim_record ("Src", "VM", small);

  const char *own;

  seed = json_object_get_string_member (json_object_get_object_member (record, "other_config"), "mac_seed");
  own = json_object_get_string_member (json_object_get_object_member (sim_record ("Dst", "VM", other), "other_config"),
                                       "mac_seed");
  g_assert_nonnull (seed);
  g_assert_nonnull (own);
  sim_ok ("Dst", "VM.remove_from_other_config", sim_fmt ("%s, \"mac_seed\"", q (other)));
  sim_ok ("Dst", "VM.add_to_other_config", sim_fmt ("%s, \"mac_seed\", %s", q (other), q (seed)));
  g_assert_cmpstr (sim_fail ("Src", "VM.assert_can_migrate", small_args (small, NULL)), ==,
                   sim_fmt ("DUPLICATE_MAC_SEED %s", seed));
  sim_ok ("Dst", "VM.remove_from_other_config", sim_fmt ("%s, \"mac_seed\"", q (other)));
  sim_ok ("Dst", "VM.add_to_other_config", sim_fmt ("%s, \"mac_seed\", %s", q (other), q (own)));
  sim_ok ("Src", "VM.assert_can_migrate", small_args (small, NULL));
}

typedef struct
{
  const char *uuid;
  char       *ref;
} Twin;

static void
add_twin_cb (FerrySimWorld *world,
             gpointer       data)
{
  Twin *twin = data;
  FerrySimDb *db = ferry_sim_pool_get_db (sim_world_pool (world, "Dst"));
  FerrySimRow *row = ferry_sim_db_create_row (db, ferry_sim_schema_lookup_class ("VM"), NULL, twin->uuid);

  ferry_sim_db_set_string (db, row, "name_label", "small (an older copy)");
  twin->ref = g_strdup (row->ref);
}

static void
remove_twin_cb (FerrySimWorld *world,
                gpointer       data)
{
  Twin *twin = data;
  FerrySimDb *db = ferry_sim_pool_get_db (sim_world_pool (world, "Dst"));

  ferry_sim_db_delete_row (db, ferry_sim_db_lookup (db, twin->ref));
}

static void
test_vm_to_import_is_not_newer_version (void)
{
  const char *small = vm ("Src", "small");
  Twin twin = { sim_field ("Src", "VM", small, "uuid"), NULL };

  /* The destination already has a VM with this uuid (import.ml). */
  sim_with_world (add_twin_cb, &twin);
  g_assert_cmpstr (sim_fail ("Src", "VM.assert_can_migrate", small_args (small, NULL)), ==,
                   sim_fmt ("VM_TO_IMPORT_IS_NOT_NEWER_VERSION %s 0 0", twin.ref));
  sim_with_world (remove_twin_cb, &twin);
  g_free (twin.ref);
}

static void
test_cannot_contact_host (void)
{
  const char *small = vm ("Src", "small");
  const char *args = small_args (small, NULL);
  const char *d1 = host ("Dst", "d1");

  sim_add_faults ("{\"type\": \"unreachable_destination\", \"host\": \"d1\", \"count\": 1}");
  g_assert_cmpstr (sim_fail ("Src", "VM.assert_can_migrate", args), ==,
                   sim_fmt ("CANNOT_CONTACT_HOST %s", sim_field ("Dst", "host", d1, "address")));
  /* xenopsd's variant, on a pool_migrate. */
  sim_add_faults ("{\"type\": \"unreachable_destination\", \"host\": \"e4\", \"count\": 1,"
                  " \"error\": \"VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED\"}");
  g_assert_cmpstr (sim_fail ("Edge", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (vm ("Edge", "plain")), q (host ("Edge", "e4")))), ==,
                   "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED");
  sim_clear_faults ();
}

static void
test_vdi_cbt_enabled (void)
{
  const char *proxy = vm ("Production", "backup-proxy");
  const char *old = vm ("Old", "old-cbt");
  g_autoptr(GPtrArray) proxy_disks = sim_vm_disks ("Production", proxy);
  g_autoptr(GPtrArray) old_disks = sim_vm_disks ("Old", old);
  const char *iscsi = sim_ref ("Production", "SR", "Prod-iSCSI");
  const char *nfs = sim_ref ("Production", "SR", "Prod-NFS");

  /* R7: moving the CBT disk. */
  g_assert_cmpstr (sim_fail ("Production", "VM.assert_can_migrate",
                             send_args (proxy, receive ("Production", "prod-host-02"),
                                        sim_vdi_map_all ("Production", proxy, iscsi), "{}", NULL)), ==,
                   sim_fmt ("VDI_CBT_ENABLED %s", (char *) g_ptr_array_index (proxy_disks, 1)));
  /* XenServer 8 only minds disks that move… */
  sim_ok ("Production", "VM.assert_can_migrate",
          send_args (proxy, receive ("Production", "prod-host-02"),
                     sim_fmt ("{\"%s\": \"%s\", \"%s\": \"%s\"}", (char *) g_ptr_array_index (proxy_disks, 0), iscsi,
                              (char *) g_ptr_array_index (proxy_disks, 1), nfs), "{}", NULL));
  /* …8.2 (xapi 1.249) minds any. */
  g_assert_cmpstr (sim_fail ("Old", "VM.assert_can_migrate",
                             send_args (old, receive ("Old", "o1"),
                                        sim_fmt ("{\"%s\": \"%s\", \"%s\": \"%s\"}",
                                                 (char *) g_ptr_array_index (old_disks, 0), sim_ref ("Old", "SR", "Old-NFS2"),
                                                 (char *) g_ptr_array_index (old_disks, 1), sim_ref ("Old", "SR", "Old-NFS")),
                                        "{}", NULL)), ==,
                   sim_fmt ("VDI_CBT_ENABLED %s", (char *) g_ptr_array_index (old_disks, 1)));
  /* VDI.pool_migrate refuses the CBT disk itself; disabling CBT (the remedy) lets it pass. */
  g_assert_cmpstr (sim_fail ("Production", "VDI.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (g_ptr_array_index (proxy_disks, 1)), q (iscsi))), ==,
                   sim_fmt ("VDI_CBT_ENABLED %s", (char *) g_ptr_array_index (proxy_disks, 1)));
  sim_ok ("Production", "VDI.disable_cbt", q (g_ptr_array_index (proxy_disks, 1)));
  g_assert_cmpstr (sim_field ("Production", "VDI", g_ptr_array_index (proxy_disks, 1), "cbt_enabled"), ==, "false");
  sim_ok ("Production", "VM.assert_can_migrate",
          send_args (proxy, receive ("Production", "prod-host-02"),
                     sim_vdi_map_all ("Production", proxy, iscsi), "{}", NULL));
  sim_ok ("Production", "VDI.enable_cbt", q (g_ptr_array_index (proxy_disks, 1)));
  g_assert_cmpstr (sim_field ("Production", "VDI", g_ptr_array_index (proxy_disks, 1), "cbt_enabled"), ==, "true");
}

static void
test_vdi_is_encrypted (void)
{
  const char *crypt = vm ("Src", "crypt");
  const char *encrypted = vm ("Edge", "encrypted");
  g_autoptr(GPtrArray) crypt_disks = sim_vm_disks ("Src", crypt);
  g_autoptr(GPtrArray) disks = sim_vm_disks ("Edge", encrypted);

  g_assert_cmpstr (sim_fail ("Src", "VM.assert_can_migrate", small_args (crypt, NULL)), ==,
                   sim_fmt ("VDI_IS_ENCRYPTED %s", (char *) g_ptr_array_index (crypt_disks, 0)));
  g_assert_cmpstr (sim_fail ("Edge", "VM.assert_can_migrate",
                             send_args (encrypted, receive ("Edge", "e1"),
                                        sim_vdi_map_all ("Edge", encrypted, sim_ref ("Edge", "SR", "Edge-iSCSI")), "{}",
                                        NULL)), ==,
                   sim_fmt ("VDI_IS_ENCRYPTED %s", (char *) g_ptr_array_index (disks, 0)));
}

/* §4.3 assert_can_boot_here ------------------------------------------------------- */

static const char *
boot_here (const char *vm_ref,
           const char *host_name)
{
  return sim_fail ("Edge", "VM.assert_can_boot_here", sim_fmt ("%s, %s", q (vm_ref), q (host ("Edge", host_name))));
}

static void
test_invalid_value (void)
{
  const char *plain = vm ("Edge", "plain");

  poke ((Poke) { "Edge", plain, "VCPUs_max", .i = 0, .kind = 'i' });
  g_assert_cmpstr (boot_here (plain, "e4"), ==, "INVALID_VALUE VCPUs_max 0");
  poke ((Poke) { "Edge", plain, "VCPUs_max", .i = 2, .kind = 'i' });
  poke ((Poke) { "Edge", plain, "HVM_shadow_multiplier", .d = 0.5, .kind = 'f' });
  g_assert_cmpstr (boot_here (plain, "e4"), ==, "INVALID_VALUE HVM_shadow_multiplier 0.5");
  poke ((Poke) { "Edge", plain, "HVM_shadow_multiplier", .d = 1.0, .kind = 'f' });
}

static void
test_value_not_supported (void)
{
  const char *plain = vm ("Edge", "plain");

  poke ((Poke) { "Edge", plain, "VCPUs_at_startup", .i = 4, .kind = 'i' });
  g_assert_cmpstr (boot_here (plain, "e4"), ==, "VALUE_NOT_SUPPORTED VCPUs-at-startup 4 value greater than VCPUs-max");
  poke ((Poke) { "Edge", plain, "VCPUs_at_startup", .i = 2, .kind = 'i' });
  poke ((Poke) { "Edge", plain, "actions_after_crash", .text = "rename_restart", .kind = 's' });
  g_assert_cmpstr (boot_here (plain, "e4"), ==,
                   "VALUE_NOT_SUPPORTED VM.actions_after_crash rename_restart option would leak a domain; VMs and not domains are managed by this API");
  poke ((Poke) { "Edge", plain, "actions_after_crash", .text = "restart", .kind = 's' });
}

static void
test_memory_constraint_violation (void)
{
  const char *plain = vm ("Edge", "plain");
  const char *dmax = sim_field ("Edge", "VM", plain, "memory_dynamic_max");

  poke ((Poke) { "Edge", plain, "memory_dynamic_min", .i = g_ascii_strtoll (dmax, NULL, 10) + 1, .kind = 'i' });
  g_assert_cmpstr (boot_here (plain, "e4"), ==, "MEMORY_CONSTRAINT_VIOLATION");
  poke ((Poke) { "Edge", plain, "memory_dynamic_min", .i = g_ascii_strtoll (dmax, NULL, 10), .kind = 'i' });
}

static void
test_host_not_live (void)
{
  g_assert_cmpstr (sim_fail ("Edge", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (vm ("Edge", "plain")), q (host ("Edge", "e3")))), ==,
                   "HOST_NOT_LIVE");
}

static void
test_vm_requires_sr (void)
{
  const char *build = vm ("Production", "build-01");

  /* R4/R9: local storage needs O2. */
  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (build), q (host ("Production", "prod-host-01")))), ==,
                   sim_fmt ("VM_REQUIRES_SR %s %s", build, sim_ref ("Production", "SR", "Local storage prod-host-02")));
}

static void
test_vm_requires_network (void)
{
  const char *monitoring = vm ("Production", "monitoring");

  /* An internal network pins its running VMs to their host. */
  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (monitoring), q (host ("Production", "prod-host-02")))), ==,
                   sim_fmt ("VM_REQUIRES_NETWORK %s %s", monitoring, sim_ref ("Production", "network", "Private")));
}

static void
test_vm_requires_iommu (void)
{
  g_assert_cmpstr (sim_fail ("Edge", "VM.pool_migrate",
                             sim_fmt ("%s, %s, {}", q (vm ("Edge", "sriov")), q (host ("Edge", "e2")))), ==,
                   sim_fmt ("VM_REQUIRES_IOMMU %s", host ("Edge", "e2")));
}

static void
test_vusb_not_available (void)
{
  const char *lic = vm ("Production", "license-server");
  const char *h1 = host ("Production", "prod-host-01");
  g_autoptr(JsonNode) vusbs = sim_call ("Production", "VM.get_VUSBs", q (lic));

  g_assert_cmpstr (sim_fail ("Production", "VM.assert_can_boot_here", sim_fmt ("%s, %s", q (lic), q (h1))), ==,
                   sim_fmt ("OPERATION_NOT_ALLOWED VUSB %s is not available on Host %s",
                            json_array_get_string_element (json_node_get_array (vusbs), 0), h1));
}

static void
test_vm_hvm_required (void)
{
  const char *e4 = host ("Edge", "e4");
  const char *plain = vm ("Edge", "plain");

  poke ((Poke) { "Edge", e4, "capabilities", .text = "xen-3.0-x86_64", .kind = 'a' });
  g_assert_cmpstr (boot_here (plain, "e4"), ==, sim_fmt ("VM_HVM_REQUIRED %s", plain));
  poke ((Poke) { "Edge", e4, "capabilities", .text = "hvm-3.0-x86_64", .kind = 'a' });
  sim_ok ("Edge", "VM.assert_can_boot_here", sim_fmt ("%s, %s", q (plain), q (e4)));
}

static void
test_host_not_enough_free_memory (void)
{
  const char *erp = vm ("Production", "erp-db");
  g_autoptr(GPtrArray) disks = sim_vm_disks ("Production", erp);
  const char *failure;

  /* R17: no other host has 448 GiB, even with DMC at dynamic_min. */
  failure = sim_fail ("Production", "VM.pool_migrate",
                      sim_fmt ("%s, %s, {}", q (erp), q (host ("Production", "prod-host-02"))));
  g_assert_true (g_str_has_prefix (failure, "HOST_NOT_ENOUGH_FREE_MEMORY "));
  /* R34: moving its disk in place needs its memory twice. */
  failure = sim_fail ("Production", "VDI.pool_migrate",
                      sim_fmt ("%s, %s, {}", q (g_ptr_array_index (disks, 0)), q (sim_ref ("Production", "SR", "Prod-NFS"))));
  g_assert_true (g_str_has_prefix (failure, "HOST_NOT_ENOUGH_FREE_MEMORY "));
}

/* §4.4: a VM on its way counts on its destination at once. */
static void
test_memory_reservation (void)
{
  const char *m1 = vm ("Edge", "m1");
  const char *m2 = vm ("Edge", "m2");
  const char *e4 = host ("Edge", "e4");
  const char *task;
  const char *failure;

  sim_ok ("Edge", "VM.assert_can_boot_here", sim_fmt ("%s, %s", q (m2), q (e4)));
  sim_set_time_scale (1);
  task = sim_call_string ("Edge", "Async.VM.pool_migrate", sim_fmt ("%s, %s, {}", q (m1), q (e4)));
  sim_wait_progress ("Edge", task, 0.0);
  g_assert_cmpstr (sim_field ("Edge", "VM", m1, "scheduled_to_be_resident_on"), ==, e4);
  failure = sim_fail ("Edge", "VM.pool_migrate", sim_fmt ("%s, %s, {}", q (m2), q (e4)));
  g_assert_true (g_str_has_prefix (failure, "HOST_NOT_ENOUGH_FREE_MEMORY "));
  /* get_possible_hosts of the moving VM: only where it goes. */
  {
    g_autoptr(JsonNode) possible = sim_call ("Edge", "VM.get_possible_hosts", q (m1));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (possible)), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (json_node_get_array (possible), 0), ==, e4);
  }
  sim_ok ("Edge", "task.cancel", q (task));
  sim_wait_task ("Edge", task);
  sim_set_time_scale (10000);
  sim_ok ("Edge", "VM.assert_can_boot_here", sim_fmt ("%s, %s", q (m2), q (e4)));
  sim_assert_invariants ();
}

static void
test_host_operation_in_progress (void)
{
  const char *b1 = host ("Busy", "b1");
  const char *bvm2 = vm ("Busy", "bvm2");
  const char *task;

  sim_set_time_scale (1);
  task = sim_call_string ("Busy", "Async.host.evacuate", q (b1));
  /* Until its pool_migrate subtask runs. */
  while (g_strcmp0 (sim_field ("Busy", "VM", vm ("Busy", "bvm1"), "current_operations"), "{}") == 0)
    g_usleep (5 * 1000);
  g_assert_cmpstr (sim_fail ("Busy", "VM.pool_migrate", sim_fmt ("%s, %s, {}", q (bvm2), q (b1))), ==,
                   sim_fmt ("OTHER_OPERATION_IN_PROGRESS host %s evacuate %s", b1, task));
  sim_set_time_scale (10000);
  g_assert_cmpstr (sim_task_outcome (sim_wait_task ("Busy", task)), ==, "(success)");
}

static void
test_ha_operation_would_break_failover_plan (void)
{
  const char *f1 = vm ("HA", "f1");
  const char *h1 = host ("HA", "h1");
  const char *h2 = host ("HA", "h2");

  g_assert_cmpstr (sim_fail ("HA", "VM.pool_migrate", sim_fmt ("%s, %s, {}", q (f1), q (h2))), ==,
                   "HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN");
  g_assert_cmpstr (sim_fail ("HA", "host.disable", q (h2)), ==, "HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN");
  g_assert_cmpstr (sim_fail ("HA", "host.evacuate", q (h1)), ==, "HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN");
  /* The memory would have fitted. */
  sim_ok ("HA", "VM.assert_can_boot_here", sim_fmt ("%s, %s", q (f1), q (h2)));
}

/* §4.5 versions, §4.6 CPUs ------------------------------------------------------------ */

static void
test_version_rules (void)
{
  g_assert_cmpint (ferry_sim_version_compare ("24.19.2-1.xs8", "24.19.2"), >, 0);
  g_assert_cmpint (ferry_sim_version_compare ("1.249.26", "25.6.0"), <, 0);
  g_assert_cmpint (ferry_sim_version_compare ("4.17.5-20", "4.17.5-15"), >, 0);
  g_assert_cmpint (ferry_sim_version_compare ("3.4.0", "3.4.0"), ==, 0);
  g_assert_cmpint (ferry_sim_version_compare (NULL, "0.0.0"), ==, 0);
  g_assert_cmpint (ferry_sim_version_compare ("3.2.1", "3.4.0"), <, 0);
}

static void
test_cpu_rules (void)
{
  const char *avx = vm ("Production", "analytics-avx512");
  const char *home = sim_field ("Production", "VM", avx, "resident_on");

  g_assert_true (ferry_sim_cpu_features_subset ("0000000f-00000001", "0000001f-00000001-ffffffff"));
  g_assert_false (ferry_sim_cpu_features_subset ("0000000f-00000002", "0000001f-00000001"));
  g_assert_false (ferry_sim_cpu_features_subset ("0000000f-00000000-00000001", "0000000f"));

  /* force=true skips the CPU check (and makes the lifecycle checks lenient). */
  sim_set_time_scale (10000);
  sim_ok ("Production", "VM.pool_migrate",
          sim_fmt ("%s, %s, %s", q (avx), q (host ("Production", "prod-host-02")), sim_map ("force", "true", NULL)));
  g_assert_cmpstr (sim_field ("Production", "VM", avx, "resident_on"), ==, host ("Production", "prod-host-02"));
  sim_ok ("Production", "VM.pool_migrate", sim_fmt ("%s, %s, {}", q (avx), q (home)));
  sim_assert_invariants ();
}

/* §4.7 run time --------------------------------------------------------------------- */

static void
test_network_option (void)
{
  const char *web = vm ("Production", "web-03");
  const char *h2 = host ("Production", "prod-host-02");
  const char *private_net = sim_ref ("Production", "network", "Private");
  const char *vm_net = sim_ref ("Production", "network", "VM Network");
  g_autoptr(JsonNode) pifs = sim_call ("Production", "network.get_PIFs", q (vm_net));
  const char *pif = NULL;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (pifs)); i++)
    if (g_strcmp0 (sim_field ("Production", "PIF", json_array_get_string_element (json_node_get_array (pifs), i), "host"), h2) == 0)
      pif = json_array_get_string_element (json_node_get_array (pifs), i);

  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, %s", q (web), q (h2), sim_map ("network", private_net, NULL))), ==,
                   sim_fmt ("PIF_NOT_PRESENT %s %s", h2, private_net));
  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, %s", q (web), q (h2), sim_map ("network", vm_net, NULL))), ==,
                   sim_fmt ("INTERFACE_HAS_NO_IP %s", pif));
  poke ((Poke) { "Production", pif, "currently_attached", .i = 0, .kind = 'b' });
  g_assert_cmpstr (sim_fail ("Production", "VM.pool_migrate",
                             sim_fmt ("%s, %s, %s", q (web), q (h2), sim_map ("network", vm_net, NULL))), ==,
                   sim_fmt ("REQUIRED_PIF_IS_UNPLUGGED %s", pif));
  poke ((Poke) { "Production", pif, "currently_attached", .i = 1, .kind = 'b' });

  /* host.migrate_receive: a network without a PIF here, or without an address. */
  g_assert_cmpstr (sim_fail ("Production", "host.migrate_receive", sim_fmt ("%s, %s, {}", q (h2), q (private_net))), ==,
                   sim_fmt ("HOST_CANNOT_ATTACH_NETWORK %s %s", h2, private_net));
  g_assert_cmpstr (sim_fail ("Production", "host.migrate_receive", sim_fmt ("%s, %s, {}", q (h2), q (vm_net))), ==,
                   sim_fmt ("PIF_HAS_NO_NETWORK_CONFIGURATION %s", pif));
}

static void
test_too_many_storage_migrates (void)
{
  const char *names[] = { "sxm-1", "sxm-2", "sxm-3", "sxm-4" };
  const char *tasks[4];
  const char *nfs_b = sim_ref ("Many", "SR", "NFS-B");

  sim_set_time_scale (20);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *v = vm ("Many", names[i]);

      tasks[i] = sim_call_string ("Many", "Async.VM.migrate_send",
                                  send_args (v, receive ("Many", "n2"), sim_vdi_map_all ("Many", v, nfs_b), "{}", NULL));
      /* Started: the VM carries the operation. */
      while (i < 3 && g_strcmp0 (sim_field ("Many", "VM", v, "current_operations"), "{}") == 0)
        g_usleep (2 * 1000);
    }
  /* §5.3: the fourth concurrent migrate_send of a source host. */
  g_assert_cmpstr (sim_task_outcome (sim_wait_task ("Many", tasks[3])), ==, "TOO_MANY_STORAGE_MIGRATES 3");
  for (guint i = 0; i < 3; i++)
    {
      sim_ok ("Many", "task.cancel", q (tasks[i]));
      g_assert_cmpstr (sim_task_outcome (sim_wait_task ("Many", tasks[i])), ==,
                       sim_fmt ("(cancelled) TASK_CANCELLED %s", tasks[i]));
    }
  sim_set_time_scale (10000);
  sim_assert_invariants ();
  /* The counter is back to 0: a new one starts. */
  {
    const char *v = vm ("Many", "sxm-4");
    const char *task = sim_call_string ("Many", "Async.VM.migrate_send",
                                        send_args (v, receive ("Many", "n2"), sim_vdi_map_all ("Many", v, nfs_b), "{}", NULL));

    g_assert_cmpstr (sim_task_outcome (sim_wait_task ("Many", task)), ==, "(success)");
  }
  sim_assert_invariants ();
}

/* §5.4: no pre-check of space; the SM fails with code 44 mid-task. */
static void
test_sr_backend_failure_44 (void)
{
  const char *archive = vm ("Production", "archive-01");
  const char *mail = vm ("Production", "mail-01");
  const char *archive_sr = sim_ref ("Production", "SR", "Prod-Archive");
  const char *nfs = sim_ref ("Production", "SR", "Prod-NFS");
  g_autoptr(GPtrArray) archive_disks = sim_vm_disks ("Production", archive);
  g_autoptr(GPtrArray) mail_disks = sim_vm_disks ("Production", mail);
  const char *used_before = sim_field ("Production", "SR", archive_sr, "physical_utilisation");
  const char *nfs_before = sim_field ("Production", "SR", nfs, "physical_utilisation");
  const char *task;
  JsonObject *record;

  sim_set_time_scale (10000);
  /* R20: the mirror snapshot of a 480 GiB disk does not fit in the 40 GiB left. */
  task = sim_call_string ("Production", "Async.VDI.pool_migrate",
                          sim_fmt ("%s, %s, {}", q (g_ptr_array_index (archive_disks, 1)), q (nfs)));
  record = sim_wait_task ("Production", task);
  g_assert_cmpstr (sim_task_outcome (record), ==,
                   sim_fmt ("SR_BACKEND_FAILURE_44  There is insufficient space SR_SOURCE_SPACE_INSUFFICIENT:%s",
                            sim_field ("Production", "SR", archive_sr, "uuid")));
  g_assert_cmpstr (sim_field ("Production", "SR", archive_sr, "physical_utilisation"), ==, used_before);
  g_assert_cmpstr (sim_field ("Production", "SR", nfs, "physical_utilisation"), ==, nfs_before);

  /* R19/R35: a 500 GiB disk does not fit on the destination. */
  task = sim_call_string ("Production", "Async.VDI.pool_migrate",
                          sim_fmt ("%s, %s, {}", q (g_ptr_array_index (mail_disks, 1)), q (archive_sr)));
  record = sim_wait_task ("Production", task);
  g_assert_true (g_str_has_prefix (sim_task_outcome (record), "SR_BACKEND_FAILURE_44  There is insufficient space"));
  g_assert_cmpstr (sim_field ("Production", "SR", archive_sr, "physical_utilisation"), ==, used_before);
  /* VDI.copy likewise. */
  task = sim_call_string ("Production", "Async.VDI.copy",
                          sim_fmt ("%s, %s", q (g_ptr_array_index (mail_disks, 1)), q (archive_sr)));
  g_assert_true (g_str_has_prefix (sim_task_outcome (sim_wait_task ("Production", task)),
                                   "SR_BACKEND_FAILURE_44  There is insufficient space"));
  /* A small disk fits. */
  g_assert_cmpstr (sim_field ("Production", "VM", mail, "power_state"), ==, "Running");
  sim_assert_invariants ();
}

/* §5 evacuation ------------------------------------------------------------------------ */

static void
test_host_evacuate_vm_not_ha_protected (void)
{
  const char *h2 = host ("Production", "prod-host-02");
  const char *app = vm ("Production", "app-01");
  const char *dc = vm ("Production", "dc-02");
  g_autoptr(JsonNode) blockers = sim_call ("Production", "host.get_vms_which_prevent_evacuation", q (h2));
  JsonObject *map = json_node_get_object (blockers);
  JsonArray *reason = json_object_get_array_member (map, app);
  const char *failure;

  /* Under HA only protected VMs may leave (§5.1 step 3). */
  g_assert_nonnull (reason);
  g_assert_cmpstr (json_array_get_string_element (reason, 0), ==, "HOST_EVACUATE_VM_NOT_HA_PROTECTED");
  g_assert_cmpstr (json_array_get_string_element (reason, 1), ==, app);
  g_assert_false (json_object_has_member (map, dc));

  /* host.evacuate raises the first plan error before anything moves. */
  failure = sim_fail ("Production", "host.evacuate", q (h2));
  g_assert_true (g_str_has_prefix (failure, "HOST_EVACUATE_VM_NOT_HA_PROTECTED ") ||
                 g_str_has_prefix (failure, "VM_") || g_str_has_prefix (failure, "OPERATION"));
  g_assert_cmpstr (sim_field ("Production", "VM", dc, "resident_on"), ==, h2);
}

static void
test_cannot_evacuate_host (void)
{
  const char *t1 = host ("Tight", "t1");
  const char *tvm = vm ("Tight", "tvm");
  const char *tpaused = vm ("Tight", "tpaused");
  const char *failure = sim_fail ("Tight", "host.assert_can_evacuate", q (t1));
  g_auto(GStrv) parts = NULL;

  /* "CODE,p1,p2|CODE2,p1|…": the plan's memory and a paused VM. */
  g_assert_true (g_str_has_prefix (failure, "CANNOT_EVACUATE_HOST "));
  parts = g_strsplit (failure + strlen ("CANNOT_EVACUATE_HOST "), "|", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) parts, sim_fmt ("HOST_NOT_ENOUGH_FREE_MEMORY,%s", tvm)));
  g_assert_true (g_strv_contains ((const char * const *) parts, sim_fmt ("VM_BAD_POWER_STATE,%s,running,paused", tpaused)));
  g_assert_true (g_str_has_prefix (sim_fail ("Tight", "host.evacuate", q (t1)), "HOST_NOT_ENOUGH_FREE_MEMORY ") ||
                 g_str_has_prefix (sim_fail ("Tight", "host.evacuate", q (t1)), "VM_BAD_POWER_STATE "));
  g_assert_cmpstr (sim_field ("Tight", "VM", tvm, "resident_on"), ==, t1);
}

static void
test_no_hosts_available (void)
{
  const char *legacy = host ("legacy-01", "legacy-01");
  g_autoptr(JsonNode) blockers = sim_call ("legacy-01", "host.get_vms_which_prevent_evacuation", q (legacy));
  JsonObject *map = json_node_get_object (blockers);
  const char *erp = vm ("legacy-01", "legacy-erp");

  g_assert_cmpuint (json_object_get_size (map), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (map, erp), 0), ==, "NO_HOSTS_AVAILABLE");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (map, erp), 1), ==, erp);
  g_assert_true (g_str_has_prefix (sim_fail ("legacy-01", "host.evacuate", q (legacy)), "NO_HOSTS_AVAILABLE "));
  /* Starting a VM with no host that can take it (a halted one). */
  poke ((Poke) { "legacy-01", vm ("legacy-01", "legacy-halted"), "memory_dynamic_min", .i = G_GINT64_CONSTANT (1) << 40,
                 .kind = 'i' });
  poke ((Poke) { "legacy-01", vm ("legacy-01", "legacy-halted"), "memory_dynamic_max", .i = G_GINT64_CONSTANT (1) << 40,
                 .kind = 'i' });
  poke ((Poke) { "legacy-01", vm ("legacy-01", "legacy-halted"), "memory_static_max", .i = G_GINT64_CONSTANT (1) << 40,
                 .kind = 'i' });
  g_assert_cmpstr (sim_fail ("legacy-01", "VM.start", sim_fmt ("%s, false, false", q (vm ("legacy-01", "legacy-halted")))),
                   ==, "NO_HOSTS_AVAILABLE");
}

static void
test_evacuate_parameters_by_version (void)
{
  const char *lab2 = host ("Lab", "lab-host-02");
  const char *network = sim_ref ("Lab", "network", "Lab network");

  /* Citrix Hypervisor 8.2 (xapi 1.249) knows host.evacuate(host) only. */
  g_assert_cmpstr (sim_fail ("Lab", "host.evacuate", sim_fmt ("%s, %s, 2", q (lab2), q (network))), ==,
                   "MESSAGE_PARAMETER_COUNT_MISMATCH host.evacuate 1 3");
}

/* VM power operations, for the recovery flows ----------------------------------------- */

static void
test_power_operations (void)
{
  const char *halted = vm ("Edge", "plain");
  const char *e4 = host ("Edge", "e4");
  g_autoptr(JsonNode) possible = NULL;

  sim_ok ("Edge", "VM.clean_shutdown", q (halted));
  g_assert_cmpstr (sim_field ("Edge", "VM", halted, "power_state"), ==, "Halted");
  g_assert_cmpstr (sim_field ("Edge", "VM", halted, "resident_on"), ==, "OpaqueRef:NULL");
  possible = sim_call ("Edge", "VM.get_possible_hosts", q (halted));
  /* e3 is dead; the others can take it. */
  g_assert_cmpuint (json_array_get_length (json_node_get_array (possible)), ==, 3);
  sim_ok ("Edge", "VM.start_on", sim_fmt ("%s, %s, false, false", q (halted), q (e4)));
  g_assert_cmpstr (sim_field ("Edge", "VM", halted, "resident_on"), ==, e4);
  g_assert_cmpstr (sim_field ("Edge", "VM", halted, "power_state"), ==, "Running");
  sim_ok ("Edge", "VM.suspend", q (halted));
  g_assert_cmpstr (sim_field ("Edge", "VM", halted, "power_state"), ==, "Suspended");
  g_assert_cmpstr (sim_field ("Edge", "VM", halted, "suspend_VDI"), !=, "OpaqueRef:NULL");
  sim_assert_invariants ();
  sim_ok ("Edge", "VM.resume_on", sim_fmt ("%s, %s, false, false", q (halted), q (host ("Edge", "e1"))));
  g_assert_cmpstr (sim_field ("Edge", "VM", halted, "power_state"), ==, "Running");
  g_assert_cmpstr (sim_field ("Edge", "VM", halted, "suspend_VDI"), ==, "OpaqueRef:NULL");
  sim_ok ("Edge", "VM.pause", q (halted));
  g_assert_cmpstr (sim_fail ("Edge", "VM.pool_migrate", sim_fmt ("%s, %s, {}", q (halted), q (e4))), ==,
                   sim_fmt ("VM_BAD_POWER_STATE %s running paused", halted));
  sim_ok ("Edge", "VM.unpause", q (halted));
  sim_ok ("Edge", "VM.hard_shutdown", q (halted));
  sim_ok ("Edge", "VM.start", sim_fmt ("%s, false, false", q (halted)));
  g_assert_cmpstr (sim_field ("Edge", "VM", halted, "power_state"), ==, "Running");
  sim_assert_invariants ();
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  sim_ops_start (extra_scenario);
  sim_set_time_scale (10000);

  g_test_add_func ("/sim/checks/4.1/OPERATION_BLOCKED", test_operation_blocked);
  g_test_add_func ("/sim/checks/4.1/VM_BAD_POWER_STATE", test_vm_bad_power_state);
  g_test_add_func ("/sim/checks/4.1/OTHER_OPERATION_IN_PROGRESS", test_other_operation_in_progress);
  g_test_add_func ("/sim/checks/4.1/VM_IS_TEMPLATE", test_vm_is_template);
  g_test_add_func ("/sim/checks/4.1/VM_IS_SNAPSHOT", test_vm_is_snapshot);
  g_test_add_func ("/sim/checks/4.1/VM_IS_IMMOBILE", test_vm_is_immobile);
  g_test_add_func ("/sim/checks/4.1/OPERATION_NOT_ALLOWED-control-domain", test_control_domain);
  g_test_add_func ("/sim/checks/4.1/VM_NON_SUSPENDABLE", test_vm_non_suspendable);
  g_test_add_func ("/sim/checks/4.1/VM_LACKS_FEATURE", test_vm_lacks_feature);
  g_test_add_func ("/sim/checks/4.1/VDI_ON_BOOT_MODE_INCOMPATIBLE_WITH_OPERATION", test_vdi_on_boot_mode);
  g_test_add_func ("/sim/checks/4.1/VM_HAS_PCI_ATTACHED", test_vm_has_pci_attached);
  g_test_add_func ("/sim/checks/4.1/VM_HAS_VGPU", test_vm_has_vgpu);
  g_test_add_func ("/sim/checks/4.1/VM_HAS_VUSBS", test_vm_has_vusbs);
  g_test_add_func ("/sim/checks/4.1/NOT_SUPPORTED_DURING_UPGRADE", test_not_supported_during_upgrade);
  g_test_add_func ("/sim/checks/4.2/LICENCE_RESTRICTION", test_licence_restriction);
  g_test_add_func ("/sim/checks/4.2/VDI_NOT_IN_MAP", test_vdi_not_in_map);
  g_test_add_func ("/sim/checks/4.2/SR_DOES_NOT_SUPPORT_MIGRATION", test_sr_does_not_support_migration);
  g_test_add_func ("/sim/checks/4.2/OPERATION_NOT_ALLOWED-vif-map", test_vif_mapping_within_pool);
  g_test_add_func ("/sim/checks/4.2/VM_HOST_INCOMPATIBLE_VERSION_MIGRATE", test_vm_host_incompatible_version_migrate);
  g_test_add_func ("/sim/checks/4.2/VM_BAD_POWER_STATE-copy", test_copy_needs_halted);
  g_test_add_func ("/sim/checks/4.2/VM_HOST_INCOMPATIBLE_VIRTUAL_HARDWARE_PLATFORM_VERSION", test_hardware_platform_version);
  g_test_add_func ("/sim/checks/4.2/HOST_DISABLED", test_host_disabled);
  g_test_add_func ("/sim/checks/4.2/HOST_NOT_ENOUGH_PCPUS", test_host_not_enough_pcpus);
  g_test_add_func ("/sim/checks/4.2/VIF_NOT_IN_MAP", test_vif_not_in_map);
  g_test_add_func ("/sim/checks/4.2/HOST_NOT_ENOUGH_FREE_MEMORY-import", test_import_memory);
  g_test_add_func ("/sim/checks/4.2/VM_REQUIRES_GPU", test_vm_requires_gpu);
  g_test_add_func ("/sim/checks/4.2/DUPLICATE_MAC_SEED", test_duplicate_mac_seed);
  g_test_add_func ("/sim/checks/4.2/VM_TO_IMPORT_IS_NOT_NEWER_VERSION", test_vm_to_import_is_not_newer_version);
  g_test_add_func ("/sim/checks/4.2/CANNOT_CONTACT_HOST", test_cannot_contact_host);
  g_test_add_func ("/sim/checks/4.2/VDI_CBT_ENABLED", test_vdi_cbt_enabled);
  g_test_add_func ("/sim/checks/4.2/VDI_IS_ENCRYPTED", test_vdi_is_encrypted);
  g_test_add_func ("/sim/checks/4.3/INVALID_VALUE", test_invalid_value);
  g_test_add_func ("/sim/checks/4.3/VALUE_NOT_SUPPORTED", test_value_not_supported);
  g_test_add_func ("/sim/checks/4.3/MEMORY_CONSTRAINT_VIOLATION", test_memory_constraint_violation);
  g_test_add_func ("/sim/checks/4.3/HOST_NOT_LIVE", test_host_not_live);
  g_test_add_func ("/sim/checks/4.3/VM_REQUIRES_SR", test_vm_requires_sr);
  g_test_add_func ("/sim/checks/4.3/VM_REQUIRES_NETWORK", test_vm_requires_network);
  g_test_add_func ("/sim/checks/4.3/VM_REQUIRES_IOMMU", test_vm_requires_iommu);
  g_test_add_func ("/sim/checks/4.3/OPERATION_NOT_ALLOWED-vusb", test_vusb_not_available);
  g_test_add_func ("/sim/checks/4.3/VM_HVM_REQUIRED", test_vm_hvm_required);
  g_test_add_func ("/sim/checks/4.3/HOST_NOT_ENOUGH_FREE_MEMORY", test_host_not_enough_free_memory);
  g_test_add_func ("/sim/checks/4.3/OTHER_OPERATION_IN_PROGRESS-host", test_host_operation_in_progress);
  g_test_add_func ("/sim/checks/4.3/HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN", test_ha_operation_would_break_failover_plan);
  g_test_add_func ("/sim/checks/4.4/scheduled-reservations", test_memory_reservation);
  g_test_add_func ("/sim/checks/4.5/versions", test_version_rules);
  g_test_add_func ("/sim/checks/4.6/VM_INCOMPATIBLE_WITH_THIS_HOST", test_vm_incompatible_with_this_host);
  g_test_add_func ("/sim/checks/4.6/features-and-force", test_cpu_rules);
  g_test_add_func ("/sim/checks/4.7/PIF_NOT_PRESENT-and-friends", test_network_option);
  g_test_add_func ("/sim/checks/4.7/TOO_MANY_STORAGE_MIGRATES", test_too_many_storage_migrates);
  g_test_add_func ("/sim/checks/4.7/SR_BACKEND_FAILURE_44", test_sr_backend_failure_44);
  g_test_add_func ("/sim/checks/5/HOST_EVACUATE_VM_NOT_HA_PROTECTED", test_host_evacuate_vm_not_ha_protected);
  g_test_add_func ("/sim/checks/5/CANNOT_EVACUATE_HOST", test_cannot_evacuate_host);
  g_test_add_func ("/sim/checks/5/NO_HOSTS_AVAILABLE", test_no_hosts_available);
  g_test_add_func ("/sim/checks/5/MESSAGE_PARAMETER_COUNT_MISMATCH", test_evacuate_parameters_by_version);
  g_test_add_func ("/sim/checks/power-operations", test_power_operations);

  status = g_test_run ();
  sim_ops_stop ();
  return status;
}
