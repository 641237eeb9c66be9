/* test-cache.c: the object cache, fed with hand-made event batches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cache-test-utils.h"
#include "ferry-cache.h"
#include "ferry-host.h"
#include "ferry-intern.h"
#include "ferry-network.h"
#include "ferry-pbd.h"
#include "ferry-pool.h"
#include "ferry-relation-model.h"
#include "ferry-sr.h"
#include "ferry-task.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vif.h"
#include "ferry-vm.h"

/* A pool of two hosts: three running VMs (two on host A), one halted, two
 * SRs, three disks, one network. */
static TestWorld *
demo_world_new (void)
{
  TestWorld *world = test_world_new ();

  test_world_add (world, "pool", "OpaqueRef:pool",
                  "{'uuid':'u-pool','name_label':'Pool','master':'OpaqueRef:host-a',"
                  "'default_SR':'OpaqueRef:sr-1','restrictions':{'restrict_xen_motion':'false'},"
                  "'ha_enabled':false,'migration_compression':false}");
  test_world_add (world, "host", "OpaqueRef:host-a",
                  "{'uuid':'u-host-a','name_label':'A','address':'10.0.0.1','enabled':true,"
                  "'software_version':{'xapi':'24.19','platform_version':'3.4.0'},"
                  "'API_version_major':2,'API_version_minor':21,"
                  "'capabilities':['hvm-3.0-x86_64','xen-3.0-x86_64'],"
                  "'virtual_hardware_platform_versions':[0,1,2]}");
  test_world_add (world, "host", "OpaqueRef:host-b",
                  "{'uuid':'u-host-b','name_label':'B','address':'10.0.0.2','enabled':true}");
  test_world_add (world, "SR", "OpaqueRef:sr-1",
                  "{'uuid':'u-sr-1','name_label':'Shared','type':'nfs','shared':true,"
                  "'physical_size':1000,'physical_utilisation':400}");
  test_world_add (world, "SR", "OpaqueRef:sr-local-a",
                  "{'uuid':'u-sr-local-a','name_label':'Local A','type':'lvm','shared':false}");
  test_world_add (world, "network", "OpaqueRef:net-1",
                  "{'uuid':'u-net-1','name_label':'Pool-wide','bridge':'xenbr0','MTU':1500}");
  test_world_add (world, "PBD", "OpaqueRef:pbd-a",
                  "{'uuid':'u-pbd-a','host':'OpaqueRef:host-a','SR':'OpaqueRef:sr-1','currently_attached':true}");
  test_world_add (world, "PBD", "OpaqueRef:pbd-b",
                  "{'uuid':'u-pbd-b','host':'OpaqueRef:host-b','SR':'OpaqueRef:sr-1','currently_attached':true}");
  test_world_add (world, "VDI", "OpaqueRef:vdi-1",
                  "{'uuid':'u-vdi-1','name_label':'disk 1','SR':'OpaqueRef:sr-1','virtual_size':100}");
  test_world_add (world, "VDI", "OpaqueRef:vdi-2",
                  "{'uuid':'u-vdi-2','name_label':'disk 2','SR':'OpaqueRef:sr-1','virtual_size':200}");
  test_world_add (world, "VDI", "OpaqueRef:vdi-3",
                  "{'uuid':'u-vdi-3','name_label':'disk 3','SR':'OpaqueRef:sr-local-a','virtual_size':300}");
  test_world_add (world, "VM", "OpaqueRef:vm-1",
                  "{'uuid':'u-vm-1','name_label':'vm 1','power_state':'Running',"
                  "'resident_on':'OpaqueRef:host-a','affinity':'OpaqueRef:NULL',"
                  "'memory_static_max':4294967296,'VCPUs_max':4,"
                  "'platform':{'nomigrate':'false','nested-virt':'false'},"
                  "'allowed_operations':['pool_migrate','migrate_send'],'HVM_shadow_multiplier':1.0}");
  test_world_add (world, "VM", "OpaqueRef:vm-2",
                  "{'uuid':'u-vm-2','name_label':'vm 2','power_state':'Running','resident_on':'OpaqueRef:host-a'}");
  test_world_add (world, "VM", "OpaqueRef:vm-3",
                  "{'uuid':'u-vm-3','name_label':'vm 3','power_state':'Running','resident_on':'OpaqueRef:host-b'}");
  test_world_add (world, "VM", "OpaqueRef:vm-4",
                  "{'uuid':'u-vm-4','name_label':'vm 4','power_state':'Halted','resident_on':'OpaqueRef:NULL'}");
  test_world_add (world, "VBD", "OpaqueRef:vbd-1",
                  "{'uuid':'u-vbd-1','VM':'OpaqueRef:vm-1','VDI':'OpaqueRef:vdi-1','type':'Disk','mode':'RW'}");
  test_world_add (world, "VBD", "OpaqueRef:vbd-2",
                  "{'uuid':'u-vbd-2','VM':'OpaqueRef:vm-1','VDI':'OpaqueRef:vdi-2','type':'Disk','mode':'RW'}");
  test_world_add (world, "VBD", "OpaqueRef:vbd-3",
                  "{'uuid':'u-vbd-3','VM':'OpaqueRef:vm-3','VDI':'OpaqueRef:vdi-3','type':'Disk','mode':'RO'}");
  test_world_add (world, "VIF", "OpaqueRef:vif-1",
                  "{'uuid':'u-vif-1','VM':'OpaqueRef:vm-1','network':'OpaqueRef:net-1','MAC':'aa:bb','MTU':1500}");

  return world;
}

static FerryCache *
populated_cache_new (TestWorld *world)
{
  FerryCache *cache = ferry_cache_new ();
  g_autoptr(JsonArray) snapshot = test_world_snapshot (world);

  ferry_cache_apply_snapshot (cache, snapshot);
  g_assert_true (ferry_cache_get_populated (cache));

  return cache;
}

static GListModel *
relation (FerryCache    *cache,
          FerryRelation  rel,
          const char    *owner)
{
  GListModel *model = ferry_cache_get_relation (cache, rel, owner);

  g_assert_nonnull (model);
  g_assert_true (G_IS_LIST_MODEL (model));
  return model;
}

/* The refs of a model's items, as "a b c". */
static char *
model_refs (GListModel *model)
{
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryObject) object = g_list_model_get_item (model, i);
      const char *ref = ferry_object_get_ref (object);

      if (str->len > 0)
        g_string_append_c (str, ' ');
      g_string_append (str, g_str_has_prefix (ref, "OpaqueRef:") ? ref + 10 : ref);
    }

  return g_string_free (g_steal_pointer (&str), FALSE);
}

#define assert_model_refs(model, expected)                  \
  G_STMT_START {                                            \
    g_autofree char *_refs = model_refs (model);            \
    g_assert_cmpstr (_refs, ==, (expected));                \
  } G_STMT_END

static void
on_populated_notify_cb (GObject    *object,
                        GParamSpec *pspec,
                        guint      *count)
{
  /* The models are complete when "populated" is announced. */
  FerryCache *cache = FERRY_CACHE (object);

  g_assert_true (ferry_cache_get_populated (cache));
  g_assert_cmpuint (g_list_model_get_n_items (ferry_cache_get_objects (cache, FERRY_TYPE_VM)), ==, 4);
  (*count)++;
}

static void
test_snapshot (void)
{
  g_autoptr(TestWorld) world = demo_world_new ();
  g_autoptr(FerryCache) cache = ferry_cache_new ();
  g_autoptr(JsonArray) snapshot = test_world_snapshot (world);
  g_autoptr(ModelWatch) vms = NULL;
  FerryObject *object;
  FerryHost *host_a;
  FerryVm *vm;
  FerryPool *pool;
  guint populated = 0;

  g_assert_false (ferry_cache_get_populated (cache));
  g_assert_null (ferry_cache_get_pool (cache));
  g_signal_connect (cache, "notify::populated", G_CALLBACK (on_populated_notify_cb), &populated);

  vms = model_watch_new (ferry_cache_get_objects (cache, FERRY_TYPE_VM));
  ferry_cache_apply_snapshot (cache, snapshot);

  /* A snapshot is flushed at once: one signal for the four VMs. */
  g_assert_cmpuint (populated, ==, 1);
  model_watch_assert (vms, "0,0,4;");
  g_assert_cmpuint (ferry_cache_get_n_objects (cache), ==, 19);
  g_assert_cmpuint (g_list_model_get_item_type (ferry_cache_get_objects (cache, FERRY_TYPE_VM)), ==, FERRY_TYPE_VM);

  /* Lookups */
  object = ferry_cache_lookup (cache, "OpaqueRef:vm-1");
  g_assert_true (FERRY_IS_VM (object));
  g_assert_true (ferry_cache_lookup_by_uuid (cache, "u-vm-1") == object);
  g_assert_null (ferry_cache_lookup (cache, "OpaqueRef:nothing"));
  g_assert_null (ferry_cache_lookup_by_uuid (cache, "nothing"));
  g_assert_true (ferry_object_get_cache (object) == cache);
  g_assert_cmpstr (ferry_object_get_xapi_class (object), ==, "VM");
  g_assert_false (ferry_object_is_removed (object));

  /* Typed values */
  vm = FERRY_VM (object);
  g_assert_cmpstr (ferry_object_get_name_label (object), ==, "vm 1");
  g_assert_cmpstr (ferry_object_get_uuid (object), ==, "u-vm-1");
  g_assert_cmpint (ferry_vm_get_power_state (vm), ==, FERRY_VM_POWER_STATE_RUNNING);
  g_assert_cmpstr (ferry_vm_get_resident_on (vm), ==, "OpaqueRef:host-a");
  g_assert_null (ferry_vm_get_affinity (vm));
  g_assert_cmpint (ferry_vm_get_memory_static_max (vm), ==, G_GINT64_CONSTANT (4294967296));
  g_assert_cmpint (ferry_vm_get_vcpus_max (vm), ==, 4);
  g_assert_cmpfloat (ferry_vm_get_hvm_shadow_multiplier (vm), ==, 1.0);
  g_assert_cmpstr (ferry_vm_lookup_platform (vm, "nomigrate"), ==, "false");
  g_assert_cmpstr (ferry_vm_lookup_platform (vm, "nested-virt"), ==, "false");
  g_assert_null (ferry_vm_lookup_platform (vm, "other"));
  g_assert_cmpstrv (ferry_object_get_allowed_operations (FERRY_OBJECT (vm)),
                    ((const char * const[]) { "pool_migrate", "migrate_send", NULL }));
  g_assert_cmpstrv (ferry_object_get_tags (FERRY_OBJECT (vm)), ((const char * const[]) { NULL }));
  g_assert_true (ferry_object_is_operation_allowed (object, "pool_migrate"));
  g_assert_false (ferry_object_is_operation_allowed (object, "start"));
  g_assert_cmpuint (ferry_object_get_n_current_operations (object), ==, 0);
  g_assert_null (ferry_object_get_name_description (object));
  g_assert_true (ferry_object_lookup_ref (object, ferry_vm_get_resident_on (vm)) ==
                 ferry_cache_lookup (cache, "OpaqueRef:host-a"));
  g_assert_null (ferry_object_lookup_ref (object, NULL));

  host_a = FERRY_HOST (ferry_cache_lookup (cache, "OpaqueRef:host-a"));
  g_assert_cmpstr (ferry_host_lookup_software_version (host_a, "xapi"), ==, "24.19");
  g_assert_cmpint (ferry_host_get_api_version_minor (host_a), ==, 21);
  g_assert_true (ferry_host_get_enabled (host_a));
  g_assert_cmpstrv (ferry_host_get_virtual_hardware_platform_versions (host_a),
                    ((const char * const[]) { "0", "1", "2", NULL }));

  /* Properties */
  {
    g_autofree char *resident_on = NULL;
    g_autoptr(GHashTable) platform = NULL;
    g_auto(GStrv) allowed = NULL;
    FerryVmPowerState power_state;
    gint64 memory;

    g_object_get (vm,
                  "resident-on", &resident_on,
                  "platform", &platform,
                  "allowed-operations", &allowed,
                  "power-state", &power_state,
                  "memory-static-max", &memory,
                  NULL);
    g_assert_cmpstr (resident_on, ==, "OpaqueRef:host-a");
    g_assert_cmpstr (g_hash_table_lookup (platform, "nomigrate"), ==, "false");
    g_assert_cmpuint (g_hash_table_size (platform), ==, 2);
    g_assert_cmpuint (g_strv_length (allowed), ==, 2);
    g_assert_cmpint (power_state, ==, FERRY_VM_POWER_STATE_RUNNING);
    g_assert_cmpint (memory, ==, G_GINT64_CONSTANT (4294967296));
  }

  /* The pool and its per-class children */
  pool = ferry_cache_get_pool (cache);
  g_assert_nonnull (pool);
  g_assert_cmpstr (ferry_pool_get_master (pool), ==, "OpaqueRef:host-a");
  g_assert_cmpstr (ferry_pool_lookup_restrictions (pool, "restrict_xen_motion"), ==, "false");
  assert_model_refs (ferry_pool_get_hosts (pool), "host-a host-b");
  assert_model_refs (ferry_pool_get_srs (pool), "sr-1 sr-local-a");
  assert_model_refs (ferry_pool_get_networks (pool), "net-1");
  assert_model_refs (ferry_pool_get_vms (pool), "vm-1 vm-2 vm-3 vm-4");

  /* Relations */
  assert_model_refs (ferry_host_get_resident_vms (host_a), "vm-1 vm-2");
  assert_model_refs (relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, "OpaqueRef:host-b"), "vm-3");
  assert_model_refs (relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, NULL), "vm-4");
  assert_model_refs (ferry_host_get_pbds (host_a), "pbd-a");
  assert_model_refs (ferry_sr_get_vdis (FERRY_SR (ferry_cache_lookup (cache, "OpaqueRef:sr-1"))), "vdi-1 vdi-2");
  assert_model_refs (ferry_sr_get_pbds (FERRY_SR (ferry_cache_lookup (cache, "OpaqueRef:sr-1"))), "pbd-a pbd-b");
  assert_model_refs (relation (cache, FERRY_RELATION_SR_VDIS, "OpaqueRef:sr-local-a"), "vdi-3");
  assert_model_refs (ferry_vm_get_vbds (vm), "vbd-1 vbd-2");
  assert_model_refs (ferry_vm_get_vifs (vm), "vif-1");
  assert_model_refs (ferry_vdi_get_vbds (FERRY_VDI (ferry_cache_lookup (cache, "OpaqueRef:vdi-3"))), "vbd-3");
  assert_model_refs (ferry_network_get_vifs (FERRY_NETWORK (ferry_cache_lookup (cache, "OpaqueRef:net-1"))), "vif-1");
  assert_model_refs (relation (cache, FERRY_RELATION_VM_VBDS, "OpaqueRef:vm-2"), "");
  g_assert_true (ferry_vm_get_vbds (vm) == relation (cache, FERRY_RELATION_VM_VBDS, "OpaqueRef:vm-1"));
  g_assert_cmpstr (ferry_relation_model_get_owner_ref (FERRY_RELATION_MODEL (ferry_vm_get_vbds (vm))),
                   ==, "OpaqueRef:vm-1");
  g_assert_cmpuint (ferry_relation_get_item_type (FERRY_RELATION_VM_VBDS), ==, FERRY_TYPE_VBD);
  g_assert_cmpuint (g_list_model_get_item_type (ferry_vm_get_vbds (vm)), ==, FERRY_TYPE_VBD);

  /* A second snapshot of the same world changes nothing and says nothing. */
  {
    g_autoptr(JsonArray) again = test_world_snapshot (world);
    g_autoptr(NotifyWatch) watch = notify_watch_new (vm);

    ferry_cache_apply_snapshot (cache, again);
    test_iterate ();
    model_watch_assert (vms, "");
    notify_watch_assert (watch, "");
    g_assert_cmpuint (populated, ==, 1);
  }
}

static void
test_add_mod_del (void)
{
  g_autoptr(TestWorld) world = demo_world_new ();
  g_autoptr(FerryCache) cache = populated_cache_new (world);
  g_autoptr(ModelWatch) vms = model_watch_new (ferry_cache_get_objects (cache, FERRY_TYPE_VM));
  g_autoptr(ModelWatch) on_a = model_watch_new (relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, "OpaqueRef:host-a"));
  g_autoptr(ModelWatch) vbds = model_watch_new (relation (cache, FERRY_RELATION_VM_VBDS, "OpaqueRef:vm-5"));
  g_autoptr(NotifyWatch) vm1 = notify_watch_new (ferry_cache_lookup (cache, "OpaqueRef:vm-1"));
  g_autoptr(NotifyWatch) vm2 = notify_watch_new (ferry_cache_lookup (cache, "OpaqueRef:vm-2"));
  g_autoptr(FerryObject) removed = NULL;
  g_autoptr(NotifyWatch) removed_watch = NULL;
  g_autoptr(JsonArray) add = json_array_new ();
  g_autoptr(JsonArray) mod = json_array_new ();
  g_autoptr(JsonArray) del = json_array_new ();

  /* add: a VM on host A and its disk, before the disk's VM is known */
  test_world_add (world, "VBD", "OpaqueRef:vbd-5", "{'uuid':'u-vbd-5','VM':'OpaqueRef:vm-5','VDI':'OpaqueRef:vdi-1'}");
  test_world_add (world, "VM", "OpaqueRef:vm-5",
                  "{'uuid':'u-vm-5','name_label':'vm 5','power_state':'Running','resident_on':'OpaqueRef:host-a'}");
  test_events_add (add, world, "add", "OpaqueRef:vbd-5");
  test_events_add (add, world, "add", "OpaqueRef:vm-5");
  ferry_cache_apply_events (cache, add);

  /* Values are there at once; the signals wait for the main loop. */
  g_assert_nonnull (ferry_cache_lookup (cache, "OpaqueRef:vm-5"));
  model_watch_assert (vms, "");
  test_iterate ();
  model_watch_assert (vms, "4,0,1;");
  model_watch_assert (on_a, "2,0,1;");
  model_watch_assert (vbds, "0,0,1;");
  assert_model_refs (relation (cache, FERRY_RELATION_VDI_VBDS, "OpaqueRef:vdi-1"), "vbd-1 vbd-5");
  notify_watch_assert (vm1, "");

  /* mod: one changed field, one notification */
  json_object_set_string_member (test_world_get (world, "OpaqueRef:vm-1"), "name_label", "renamed");
  json_object_set_int_member (test_world_get (world, "OpaqueRef:vm-2"), "memory_static_max", 1024);
  json_object_set_object_member (test_world_get (world, "OpaqueRef:vm-2"), "platform",
                                 test_parse_object ("{'nomigrate':'true'}"));
  test_events_add (mod, world, "mod", "OpaqueRef:vm-1");
  test_events_add (mod, world, "mod", "OpaqueRef:vm-2");
  ferry_cache_apply_events (cache, mod);
  g_assert_cmpstr (ferry_object_get_name_label (ferry_cache_lookup (cache, "OpaqueRef:vm-1")), ==, "renamed");
  notify_watch_assert (vm1, "");
  test_iterate ();
  notify_watch_assert (vm1, "name-label;");
  notify_watch_assert (vm2, "memory-static-max;platform;");
  model_watch_assert (vms, "");
  model_watch_assert (on_a, "");
  g_assert_cmpstr (ferry_vm_lookup_platform (FERRY_VM (ferry_cache_lookup (cache, "OpaqueRef:vm-2")), "nomigrate"),
                   ==, "true");

  /* del */
  removed = g_object_ref (ferry_cache_lookup (cache, "OpaqueRef:vm-2"));
  removed_watch = notify_watch_new (removed);
  test_events_add (del, world, "del", "OpaqueRef:vm-2");
  test_world_remove (world, "OpaqueRef:vm-2");
  ferry_cache_apply_events (cache, del);
  g_assert_null (ferry_cache_lookup (cache, "OpaqueRef:vm-2"));
  g_assert_null (ferry_cache_lookup_by_uuid (cache, "u-vm-2"));
  g_assert_true (ferry_object_is_removed (removed));
  g_assert_null (ferry_object_get_cache (removed));
  test_iterate ();
  model_watch_assert (vms, "1,1,0;");
  model_watch_assert (on_a, "1,1,0;");
  notify_watch_assert (removed_watch, "removed;");
  assert_model_refs (ferry_cache_get_objects (cache, FERRY_TYPE_VM), "vm-1 vm-3 vm-4 vm-5");
  /* A removed object keeps its values but has no relations any more. */
  g_assert_cmpstr (ferry_object_get_name_label (removed), ==, "vm 2");
  g_assert_null (ferry_vm_get_vbds (FERRY_VM (removed)));
}

static void
test_relation_move (void)
{
  g_autoptr(TestWorld) world = demo_world_new ();
  g_autoptr(FerryCache) cache = populated_cache_new (world);
  g_autoptr(ModelWatch) on_a = model_watch_new (relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, "OpaqueRef:host-a"));
  g_autoptr(ModelWatch) on_b = model_watch_new (relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, "OpaqueRef:host-b"));
  g_autoptr(ModelWatch) nowhere = model_watch_new (relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, NULL));
  g_autoptr(ModelWatch) scheduled = model_watch_new (relation (cache, FERRY_RELATION_HOST_SCHEDULED_VMS, "OpaqueRef:host-b"));
  g_autoptr(ModelWatch) vms = model_watch_new (ferry_cache_get_objects (cache, FERRY_TYPE_VM));
  g_autoptr(NotifyWatch) vm1 = notify_watch_new (ferry_cache_lookup (cache, "OpaqueRef:vm-1"));
  JsonObject *record = test_world_get (world, "OpaqueRef:vm-1");
  g_autoptr(JsonArray) reserve = json_array_new ();
  g_autoptr(JsonArray) move = json_array_new ();
  g_autoptr(JsonArray) start = json_array_new ();

  /* The migration reserves the target... */
  json_object_set_string_member (record, "scheduled_to_be_resident_on", "OpaqueRef:host-b");
  test_events_add (reserve, world, "mod", "OpaqueRef:vm-1");
  ferry_cache_apply_events (cache, reserve);
  test_iterate ();
  model_watch_assert (scheduled, "0,0,1;");
  notify_watch_assert (vm1, "scheduled-to-be-resident-on;");

  /* ...then lands: vm-1 leaves A (position 0) and joins B before vm-3,
   * keeping arrival order. */
  json_object_set_string_member (record, "resident_on", "OpaqueRef:host-b");
  json_object_set_string_member (record, "scheduled_to_be_resident_on", "OpaqueRef:NULL");
  json_object_set_int_member (record, "domid", 7);
  test_events_add (move, world, "mod", "OpaqueRef:vm-1");
  ferry_cache_apply_events (cache, move);
  test_iterate ();
  model_watch_assert (on_a, "0,1,0;");
  model_watch_assert (on_b, "0,0,1;");
  model_watch_assert (scheduled, "0,1,0;");
  model_watch_assert (vms, "");
  model_watch_assert (nowhere, "");
  notify_watch_assert (vm1, "domid;resident-on;scheduled-to-be-resident-on;");
  assert_model_refs (on_b->model, "vm-1 vm-3");
  assert_model_refs (on_a->model, "vm-2");

  /* A halted VM starts on A: it leaves the NULL model. */
  json_object_set_string_member (test_world_get (world, "OpaqueRef:vm-4"), "resident_on", "OpaqueRef:host-a");
  json_object_set_string_member (test_world_get (world, "OpaqueRef:vm-4"), "power_state", "Running");
  test_events_add (start, world, "mod", "OpaqueRef:vm-4");
  ferry_cache_apply_events (cache, start);
  test_iterate ();
  model_watch_assert (nowhere, "0,1,0;");
  model_watch_assert (on_a, "1,0,1;");
  assert_model_refs (on_a->model, "vm-2 vm-4");
}

static void
test_coalesce (void)
{
  g_autoptr(TestWorld) world = demo_world_new ();
  g_autoptr(FerryCache) cache = populated_cache_new (world);
  g_autoptr(ModelWatch) vms = model_watch_new (ferry_cache_get_objects (cache, FERRY_TYPE_VM));
  g_autoptr(ModelWatch) on_a = model_watch_new (relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, "OpaqueRef:host-a"));
  g_autoptr(ModelWatch) on_b = model_watch_new (relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, "OpaqueRef:host-b"));
  g_autoptr(NotifyWatch) vm3 = notify_watch_new (ferry_cache_lookup (cache, "OpaqueRef:vm-3"));
  JsonObject *record = test_world_get (world, "OpaqueRef:vm-3");

  /* Three adds in three batches, a double rename, and a VM that moves
   * away and back, all in one iteration. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonArray) events = json_array_new ();
      g_autofree char *ref = g_strdup_printf ("OpaqueRef:new-%u", i);
      g_autofree char *snapshot = g_strdup_printf ("{'uuid':'u-new-%u','resident_on':'OpaqueRef:host-b'}", i);

      test_world_add (world, "vm", ref, snapshot);
      test_events_add (events, world, "add", ref);
      ferry_cache_apply_events (cache, events);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonArray) events = json_array_new ();
      g_autofree char *name = g_strdup_printf ("name %u", i);

      json_object_set_string_member (record, "name_label", name);
      json_object_set_string_member (record, "resident_on", i == 0 ? "OpaqueRef:host-a" : "OpaqueRef:host-b");
      test_events_add (events, world, "mod", "OpaqueRef:vm-3");
      ferry_cache_apply_events (cache, events);
    }

  model_watch_assert (vms, "");
  /* One iteration of the main loop emits everything, once. */
  g_main_context_iteration (NULL, FALSE);
  model_watch_assert (vms, "4,0,3;");
  model_watch_assert (on_b, "1,0,3;");
  model_watch_assert (on_a, "");
  notify_watch_assert (vm3, "name-label;resident-on;");
  test_iterate ();
  model_watch_assert (vms, "");

  /* An object added and deleted before the flush never shows. */
  {
    g_autoptr(JsonArray) events = json_array_new ();

    test_world_add (world, "VM", "OpaqueRef:ephemeral", "{'uuid':'u-eph','resident_on':'OpaqueRef:host-a'}");
    test_events_add (events, world, "add", "OpaqueRef:ephemeral");
    test_events_add (events, world, "del", "OpaqueRef:ephemeral");
    ferry_cache_apply_events (cache, events);
    ferry_cache_flush (cache);
    model_watch_assert (vms, "");
    model_watch_assert (on_a, "");
    g_assert_null (ferry_cache_lookup (cache, "OpaqueRef:ephemeral"));
  }
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 GString    *log)
{
  g_string_append_printf (log, "%s.%s;", ferry_object_get_ref (FERRY_OBJECT (object)) + 10, pspec->name);
}

static void
test_resync (void)
{
  g_autoptr(TestWorld) world = demo_world_new ();
  g_autoptr(FerryCache) cache = populated_cache_new (world);
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) watches = g_ptr_array_new_with_free_func ((GDestroyNotify) model_watch_free);
  g_autoptr(JsonArray) snapshot = NULL;
  GType types[] = { FERRY_TYPE_POOL, FERRY_TYPE_HOST, FERRY_TYPE_SR, FERRY_TYPE_NETWORK, FERRY_TYPE_PBD,
                    FERRY_TYPE_VDI, FERRY_TYPE_VM, FERRY_TYPE_VBD, FERRY_TYPE_VIF };
  const char *hosts[] = { "OpaqueRef:host-a", "OpaqueRef:host-b", NULL };
  GString *changes;

  /* Watch every object and every model. */
  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      GListModel *model = ferry_cache_get_objects (cache, types[t]);

      g_ptr_array_add (watches, model_watch_new (model));
      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          FerryObject *object = g_list_model_get_item (model, i);

          g_signal_connect (object, "notify", G_CALLBACK (count_notify_cb), log);
          g_ptr_array_add (objects, object);
        }
    }
  for (guint h = 0; h < G_N_ELEMENTS (hosts); h++)
    g_ptr_array_add (watches, model_watch_new (relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, hosts[h])));
  g_ptr_array_add (watches, model_watch_new (relation (cache, FERRY_RELATION_VM_VBDS, "OpaqueRef:vm-1")));

  /* EVENTS_LOST: meanwhile vm-2 migrated to B, vbd-2 and vdi-2 went away
   * and a VM arrived. */
  json_object_set_string_member (test_world_get (world, "OpaqueRef:vm-2"), "resident_on", "OpaqueRef:host-b");
  test_world_remove (world, "OpaqueRef:vbd-2");
  test_world_remove (world, "OpaqueRef:vdi-2");
  test_world_add (world, "VM", "OpaqueRef:vm-9", "{'uuid':'u-vm-9','resident_on':'OpaqueRef:NULL'}");
  snapshot = test_world_snapshot (world);
  ferry_cache_apply_snapshot (cache, snapshot);

  /* Only what differs: one notify, and the model changes for it. */
  g_assert_cmpstr (log->str, ==, "vm-2.resident-on;vdi-2.removed;vbd-2.removed;");
  changes = g_string_new (NULL);
  for (guint i = 0; i < watches->len; i++)
    {
      ModelWatch *watch = g_ptr_array_index (watches, i);

      g_string_append_printf (changes, "[%s]", watch->changes->str);
    }
  /* pool host SR network PBD VDI VM VBD VIF | on A | on B | nowhere | vm-1's VBDs */
  g_assert_cmpstr (changes->str, ==, "[][][][][][1,1,0;][4,0,1;][1,1,0;][][1,1,0;][0,0,1;][1,0,1;][1,1,0;]");
  g_string_free (changes, TRUE);
  g_assert_null (ferry_cache_lookup (cache, "OpaqueRef:vdi-2"));
  assert_model_refs (relation (cache, FERRY_RELATION_SR_VDIS, "OpaqueRef:sr-1"), "vdi-1");
  assert_model_refs (relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, NULL), "vm-4 vm-9");

  for (guint i = 0; i < objects->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (objects, i), count_notify_cb, log);
}

/* Interleaved joins and leaves in one big model: every signal must leave
 * the model equal to the mirror its signals describe. */
static void
test_positions (void)
{
  g_autoptr(TestWorld) world = test_world_new ();
  g_autoptr(FerryCache) cache = NULL;
  g_autoptr(ModelWatch) on_a = NULL;
  g_autoptr(ModelWatch) on_b = NULL;
  g_autoptr(ModelWatch) all = NULL;
  g_autoptr(JsonArray) events = json_array_new ();

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *ref = g_strdup_printf ("OpaqueRef:vm-%02u", i);
      g_autofree char *snapshot = g_strdup_printf ("{'uuid':'u-%u','resident_on':'OpaqueRef:host-%s'}",
                                                   i, i % 2 ? "b" : "a");

      test_world_add (world, "VM", ref, snapshot);
    }
  cache = populated_cache_new (world);
  on_a = model_watch_new (relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, "OpaqueRef:host-a"));
  on_b = model_watch_new (relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, "OpaqueRef:host-b"));
  all = model_watch_new (ferry_cache_get_objects (cache, FERRY_TYPE_VM));

  /* vm-04, vm-06 (adjacent on A) and vm-30 move to B; vm-01 and vm-39 go
   * away; two VMs arrive on A. */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *ref = g_strdup_printf ("OpaqueRef:vm-%02u", i);

      if (i == 4 || i == 6 || i == 30)
        {
          json_object_set_string_member (test_world_get (world, ref), "resident_on", "OpaqueRef:host-b");
          test_events_add (events, world, "mod", ref);
        }
      else if (i == 1 || i == 39)
        test_events_add (events, world, "del", ref);
    }
  test_world_add (world, "VM", "OpaqueRef:vm-40", "{'uuid':'u-40','resident_on':'OpaqueRef:host-a'}");
  test_world_add (world, "VM", "OpaqueRef:vm-41", "{'uuid':'u-41','resident_on':'OpaqueRef:host-a'}");
  test_events_add (events, world, "add", "OpaqueRef:vm-40");
  test_events_add (events, world, "add", "OpaqueRef:vm-41");
  ferry_cache_apply_events (cache, events);
  ferry_cache_flush (cache);

  /* A held 0 2 4 … 38: positions 2-3 (vm-04, vm-06) and 15 (vm-30) leave,
   * two join at the end. */
  model_watch_assert (on_a, "2,2,0;13,1,0;17,0,2;");
  /* B held 1 3 … 39: vm-01 leaves at 0, vm-04 and vm-06 join around vm-05,
   * vm-30 before vm-31, vm-39 leaves at the end. */
  model_watch_assert (on_b, "0,1,0;1,0,1;3,0,1;16,0,1;21,1,0;");
  model_watch_assert (all, "1,1,0;38,1,2;");
  model_watch_check_mirror (on_a);
  model_watch_check_mirror (on_b);
}

static void
test_bad_input (void)
{
  g_autoptr(FerryCache) cache = ferry_cache_new ();
  g_autoptr(JsonArray) events = NULL;
  g_autoptr(FerryCacheBatch) batch = NULL;
  g_autoptr(JsonNode) node = NULL;
  GListModel *vbds;
  FerryVm *vm;
  const char *json =
    "["
    "  42, null, [], {},"
    "  {'class':'no_such_class','operation':'add','ref':'OpaqueRef:x','snapshot':{}},"
    "  {'class':'vm','operation':'explode','ref':'OpaqueRef:x','snapshot':{}},"
    "  {'class':'vm','operation':'add','ref':'OpaqueRef:x'},"
    "  {'class':'vm','operation':'mod','ref':'OpaqueRef:x','snapshot':'not an object'},"
    "  {'class':'vm','operation':'add','ref':'','snapshot':{}},"
    "  {'class':'vm','operation':'add','ref':'OpaqueRef:NULL','snapshot':{}},"
    "  {'class':'vm','operation':'add','ref':17,'snapshot':{}},"
    "  {'class':7,'operation':'add','ref':'OpaqueRef:x','snapshot':{}},"
    "  {'class':'vm','operation':'del','ref':'OpaqueRef:never-seen'},"
    "  {'class':'VBD','operation':'add','ref':'OpaqueRef:vbd','snapshot':"
    "     {'uuid':'u-vbd','VM':'OpaqueRef:vm','VDI':'OpaqueRef:missing-vdi'}},"
    "  {'class':'VM','operation':'add','ref':'OpaqueRef:vm','snapshot':"
    "     {'uuid':['not','a','string'],'name_label':12,'power_state':5,'memory_static_max':'abc',"
    "      'VCPUs_max':'8','is_a_template':'maybe','resident_on':42,'platform':['x'],"
    "      'allowed_operations':{'a':'b'},'tags':['ok',3,null,{'x':1},'fine'],"
    "      'other_config':{'a':'b','n':1,'f':1.5,'t':true,'nested':{'x':1},'list':[1],'nul':null},"
    "      'HVM_shadow_multiplier':'2.5','domid':1e300,'snapshot_of':'','affinity':null}},"
    "  {'class':'vm','operation':'mod','ref':'OpaqueRef:vbd','snapshot':{'uuid':'u-vbd-as-vm'}}"
    "]";
  g_autofree char *text = g_strdup (json);

  g_strdelimit (text, "'", '"');
  node = json_from_string (text, NULL);
  g_assert_nonnull (node);
  events = json_array_ref (json_node_get_array (node));

  batch = ferry_cache_batch_new_from_json (events);
  g_assert_cmpuint (ferry_cache_batch_get_n_events (batch), ==, 4);
  g_assert_cmpuint (ferry_cache_batch_get_n_skipped (batch), ==, 12);
  g_clear_pointer (&batch, ferry_cache_batch_free);

  ferry_cache_apply_events (cache, events);
  ferry_cache_apply_events (cache, NULL);
  ferry_cache_flush (cache);

  /* The VM with broken fields exists, with the fields it could read. */
  vm = FERRY_VM (ferry_cache_lookup (cache, "OpaqueRef:vm"));
  g_assert_nonnull (vm);
  g_assert_cmpstr (ferry_object_get_uuid (FERRY_OBJECT (vm)), ==, "");
  g_assert_cmpstr (ferry_object_get_name_label (FERRY_OBJECT (vm)), ==, "");
  g_assert_cmpint (ferry_vm_get_power_state (vm), ==, FERRY_VM_POWER_STATE_UNKNOWN);
  g_assert_cmpint (ferry_vm_get_memory_static_max (vm), ==, 0);
  g_assert_cmpint (ferry_vm_get_vcpus_max (vm), ==, 8);
  g_assert_false (ferry_vm_get_is_a_template (vm));
  g_assert_null (ferry_vm_get_resident_on (vm));
  g_assert_null (ferry_vm_get_snapshot_of (vm));
  g_assert_null (ferry_vm_lookup_platform (vm, "x"));
  g_assert_cmpstrv (ferry_object_get_allowed_operations (FERRY_OBJECT (vm)), ((const char * const[]) { NULL }));
  g_assert_cmpstrv (ferry_object_get_tags (FERRY_OBJECT (vm)), ((const char * const[]) { "ok", "3", "fine", NULL }));
  g_assert_cmpstr (ferry_object_lookup_other_config (FERRY_OBJECT (vm), "n"), ==, "1");
  g_assert_cmpstr (ferry_object_lookup_other_config (FERRY_OBJECT (vm), "f"), ==, "1.5");
  g_assert_cmpstr (ferry_object_lookup_other_config (FERRY_OBJECT (vm), "t"), ==, "true");
  g_assert_null (ferry_object_lookup_other_config (FERRY_OBJECT (vm), "nested"));
  g_assert_cmpfloat (ferry_vm_get_hvm_shadow_multiplier (vm), ==, 2.5);
  g_assert_cmpint (ferry_vm_get_domid (vm), ==, 0);

  /* A ref to a VDI that does not exist, a VBD whose VM came after it. */
  vbds = relation (cache, FERRY_RELATION_VDI_VBDS, "OpaqueRef:missing-vdi");
  g_assert_cmpuint (g_list_model_get_n_items (vbds), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ferry_vm_get_vbds (vm)), ==, 0);

  /* The VBD's ref came back as a VM: the VBD was replaced. */
  g_assert_true (FERRY_IS_VM (ferry_cache_lookup (cache, "OpaqueRef:vbd")));
  g_assert_cmpuint (g_list_model_get_n_items (ferry_cache_get_objects (cache, FERRY_TYPE_VBD)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ferry_cache_get_objects (cache, FERRY_TYPE_VM)), ==, 2);
  g_assert_true (ferry_cache_lookup_by_uuid (cache, "u-vbd-as-vm") == ferry_cache_lookup (cache, "OpaqueRef:vbd"));
  g_assert_null (ferry_cache_lookup_by_uuid (cache, "u-vbd"));

  /* Not a snapshot yet. */
  g_assert_false (ferry_cache_get_populated (cache));
  ferry_cache_apply_snapshot (cache, NULL);
  g_assert_true (ferry_cache_get_populated (cache));
  g_assert_cmpuint (ferry_cache_get_n_objects (cache), ==, 0);
}

static void
test_refs_to_missing (void)
{
  g_autoptr(FerryCache) cache = ferry_cache_new ();
  g_autoptr(TestWorld) world = test_world_new ();
  g_autoptr(JsonArray) first = json_array_new ();
  g_autoptr(JsonArray) second = json_array_new ();
  GListModel *early;

  /* Children arrive first; the owner later. The model is the same one. */
  test_world_add (world, "VBD", "OpaqueRef:vbd-1", "{'uuid':'u1','VM':'OpaqueRef:vm'}");
  test_world_add (world, "VBD", "OpaqueRef:vbd-2", "{'uuid':'u2','VM':'OpaqueRef:vm'}");
  test_world_add (world, "VM", "OpaqueRef:vm", "{'uuid':'uvm'}");
  test_events_add (first, world, "add", "OpaqueRef:vbd-1");
  test_events_add (first, world, "add", "OpaqueRef:vbd-2");
  ferry_cache_apply_events (cache, first);
  ferry_cache_flush (cache);

  early = relation (cache, FERRY_RELATION_VM_VBDS, "OpaqueRef:vm");
  assert_model_refs (early, "vbd-1 vbd-2");

  test_events_add (second, world, "add", "OpaqueRef:vm");
  ferry_cache_apply_events (cache, second);
  ferry_cache_flush (cache);
  g_assert_true (ferry_vm_get_vbds (FERRY_VM (ferry_cache_lookup (cache, "OpaqueRef:vm"))) == early);
}

static void
test_prune (void)
{
  g_autoptr(TestWorld) world = demo_world_new ();
  g_autoptr(FerryCache) cache = populated_cache_new (world);
  g_autoptr(GListModel) kept = g_object_ref (relation (cache, FERRY_RELATION_VM_VIFS, "OpaqueRef:vm-1"));
  GListModel *vbds = relation (cache, FERRY_RELATION_VM_VBDS, "OpaqueRef:vm-1");
  g_autoptr(JsonArray) events = json_array_new ();

  g_object_add_weak_pointer (G_OBJECT (vbds), (gpointer *) &vbds);

  /* vm-1 goes away with its disks: its VBD model is dropped, the VIF
   * model someone holds stays valid (its VIF still points at vm-1). */
  test_events_add (events, world, "del", "OpaqueRef:vbd-1");
  test_events_add (events, world, "del", "OpaqueRef:vbd-2");
  test_events_add (events, world, "del", "OpaqueRef:vm-1");
  ferry_cache_apply_events (cache, events);
  test_iterate ();

  g_assert_null (vbds);
  assert_model_refs (kept, "vif-1");
  g_assert_true (relation (cache, FERRY_RELATION_VM_VIFS, "OpaqueRef:vm-1") == kept);
}

static void
test_uuid_change (void)
{
  g_autoptr(TestWorld) world = demo_world_new ();
  g_autoptr(FerryCache) cache = populated_cache_new (world);
  g_autoptr(NotifyWatch) watch = notify_watch_new (ferry_cache_lookup (cache, "OpaqueRef:vm-3"));
  g_autoptr(JsonArray) events = json_array_new ();

  json_object_set_string_member (test_world_get (world, "OpaqueRef:vm-3"), "uuid", "u-vm-3-new");
  test_events_add (events, world, "mod", "OpaqueRef:vm-3");
  ferry_cache_apply_events (cache, events);
  test_iterate ();

  notify_watch_assert (watch, "uuid;");
  g_assert_null (ferry_cache_lookup_by_uuid (cache, "u-vm-3"));
  g_assert_true (ferry_cache_lookup_by_uuid (cache, "u-vm-3-new") == ferry_cache_lookup (cache, "OpaqueRef:vm-3"));
}

static void
build_batch_in_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  g_task_return_pointer (task, ferry_cache_batch_new_from_json (task_data),
                         (GDestroyNotify) ferry_cache_batch_free);
}

static void
on_batch_ready_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FerryCacheBatch **out = user_data;

  *out = g_task_propagate_pointer (G_TASK (result), NULL);
}

static void
test_batch_thread (void)
{
  g_autoptr(TestWorld) world = demo_world_new ();
  g_autoptr(FerryCache) cache = ferry_cache_new ();
  g_autoptr(GTask) task = NULL;
  FerryCacheBatch *batch = NULL;

  task = g_task_new (NULL, NULL, on_batch_ready_cb, &batch);
  g_task_set_task_data (task, test_world_snapshot (world), (GDestroyNotify) json_array_unref);
  g_task_run_in_thread (task, build_batch_in_thread);
  g_clear_object (&task);

  while (batch == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (ferry_cache_batch_get_n_events (batch), ==, 19);
  ferry_cache_apply_snapshot_batch (cache, batch);
  g_assert_true (ferry_cache_get_populated (cache));
  assert_model_refs (relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, "OpaqueRef:host-a"), "vm-1 vm-2");
}

static void
test_clear_and_dispose (void)
{
  g_autoptr(TestWorld) world = demo_world_new ();
  g_autoptr(FerryCache) cache = populated_cache_new (world);
  g_autoptr(FerryObject) held = g_object_ref (ferry_cache_lookup (cache, "OpaqueRef:vm-1"));
  g_autoptr(GListModel) vms = g_object_ref (ferry_cache_get_objects (cache, FERRY_TYPE_VM));
  g_autoptr(ModelWatch) watch = model_watch_new (vms);
  g_autoptr(FerryObject) survivor = NULL;

  ferry_cache_clear (cache);
  model_watch_assert (watch, "0,4,0;");
  g_assert_cmpuint (ferry_cache_get_n_objects (cache), ==, 0);
  g_assert_true (ferry_object_is_removed (held));
  g_assert_null (ferry_cache_get_pool (cache));

  /* Objects and models outlive a disposed cache. */
  {
    g_autoptr(JsonArray) snapshot = test_world_snapshot (world);

    ferry_cache_apply_snapshot (cache, snapshot);
  }
  survivor = g_object_ref (ferry_cache_lookup (cache, "OpaqueRef:vm-1"));
  g_clear_object (&cache);
  g_assert_null (ferry_object_get_cache (survivor));
  g_assert_null (ferry_vm_get_vbds (FERRY_VM (survivor)));
  g_assert_cmpstr (ferry_object_get_name_label (survivor), ==, "vm 1");
}

static void
test_task (void)
{
  g_autoptr(FerryCache) cache = ferry_cache_new ();
  g_autoptr(TestWorld) world = test_world_new ();
  g_autoptr(JsonArray) snapshot = NULL;
  g_autoptr(JsonArray) events = json_array_new ();
  g_autoptr(JsonNode) error_info = NULL;
  FerryTask *task;

  test_world_add (world, "task", "OpaqueRef:task",
                  "{'uuid':'u-task','name_label':'Async.VM.pool_migrate','status':'pending','progress':0.0,"
                  "'resident_on':'OpaqueRef:host','error_info':[],'result':'','subtask_of':'OpaqueRef:NULL'}");
  test_world_add (world, "task", "OpaqueRef:sub",
                  "{'uuid':'u-sub','status':'pending','subtask_of':'OpaqueRef:task'}");
  snapshot = test_world_snapshot (world);
  ferry_cache_apply_snapshot (cache, snapshot);

  task = FERRY_TASK (ferry_cache_lookup (cache, "OpaqueRef:task"));
  g_assert_cmpint (ferry_task_get_status (task), ==, FERRY_TASK_STATUS_PENDING);
  assert_model_refs (ferry_task_get_subtasks (task), "sub");

  json_object_set_string_member (test_world_get (world, "OpaqueRef:task"), "status", "failure");
  json_object_set_double_member (test_world_get (world, "OpaqueRef:task"), "progress", 1.0);
  error_info = json_from_string ("[\"VM_BAD_POWER_STATE\",\"OpaqueRef:vm\",\"halted\"]", NULL);
  json_object_set_array_member (test_world_get (world, "OpaqueRef:task"), "error_info",
                                json_array_ref (json_node_get_array (error_info)));
  test_events_add (events, world, "mod", "OpaqueRef:task");
  ferry_cache_apply_events (cache, events);
  g_assert_cmpint (ferry_task_get_status (task), ==, FERRY_TASK_STATUS_FAILURE);
  g_assert_cmpfloat (ferry_task_get_progress (task), ==, 1.0);
  /* Order matters in error_info: code first. */
  g_assert_cmpstrv (ferry_task_get_error_info (task),
                    ((const char * const[]) { "VM_BAD_POWER_STATE", "OpaqueRef:vm", "halted", NULL }));
}

typedef struct
{
  FerryCache *cache;
  TestWorld  *world;
  guint       calls;
} Reentrant;

static void
on_vms_changed_apply_cb (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         Reentrant  *state)
{
  g_autoptr(JsonArray) events = json_array_new ();

  /* A handler that feeds the cache again and asks for a flush. */
  if (state->calls++ > 0)
    return;

  json_object_set_string_member (test_world_get (state->world, "OpaqueRef:vm-3"), "name_label", "from a handler");
  test_events_add (events, state->world, "mod", "OpaqueRef:vm-3");
  ferry_cache_apply_events (state->cache, events);
  ferry_cache_flush (state->cache);
}

static void
test_reentrant (void)
{
  g_autoptr(TestWorld) world = demo_world_new ();
  g_autoptr(FerryCache) cache = populated_cache_new (world);
  g_autoptr(NotifyWatch) vm3 = notify_watch_new (ferry_cache_lookup (cache, "OpaqueRef:vm-3"));
  g_autoptr(JsonArray) events = json_array_new ();
  Reentrant state = { cache, world, 0 };
  GListModel *vms = ferry_cache_get_objects (cache, FERRY_TYPE_VM);
  gulong handler;

  handler = g_signal_connect (vms, "items-changed", G_CALLBACK (on_vms_changed_apply_cb), &state);
  test_world_add (world, "VM", "OpaqueRef:vm-7", "{'uuid':'u-vm-7'}");
  test_events_add (events, world, "add", "OpaqueRef:vm-7");
  ferry_cache_apply_events (cache, events);
  ferry_cache_flush (cache);

  /* The nested change waits for the next flush, from the main loop. */
  g_assert_cmpuint (state.calls, ==, 1);
  g_assert_cmpstr (ferry_object_get_name_label (ferry_cache_lookup (cache, "OpaqueRef:vm-3")), ==, "from a handler");
  notify_watch_assert (vm3, "");
  test_iterate ();
  notify_watch_assert (vm3, "name-label;");
  g_signal_handler_disconnect (vms, handler);
}

/* Last: every test freed its caches, so every interned string is gone. */
static void
test_no_leaked_strings (void)
{
  g_assert_cmpuint (_ferry_intern_get_size (), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/cache/snapshot", test_snapshot);
  g_test_add_func ("/engine/cache/add-mod-del", test_add_mod_del);
  g_test_add_func ("/engine/cache/relation-move", test_relation_move);
  g_test_add_func ("/engine/cache/coalesce", test_coalesce);
  g_test_add_func ("/engine/cache/resync", test_resync);
  g_test_add_func ("/engine/cache/positions", test_positions);
  g_test_add_func ("/engine/cache/bad-input", test_bad_input);
  g_test_add_func ("/engine/cache/refs-to-missing", test_refs_to_missing);
  g_test_add_func ("/engine/cache/prune", test_prune);
  g_test_add_func ("/engine/cache/uuid-change", test_uuid_change);
  g_test_add_func ("/engine/cache/batch-thread", test_batch_thread);
  g_test_add_func ("/engine/cache/clear-and-dispose", test_clear_and_dispose);
  g_test_add_func ("/engine/cache/task", test_task);
  g_test_add_func ("/engine/cache/reentrant", test_reentrant);
  g_test_add_func ("/engine/cache/no-leaked-strings", test_no_leaked_strings);

  return g_test_run ();
}
