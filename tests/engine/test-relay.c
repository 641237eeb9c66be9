/* test-relay.c: relay moves (ferry-relay.h) end to end against two
 * simulated pools that cannot reach each other: the simulator's import
 * compares every byte it receives with the source disk's contents.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-engine-test-utils.h"
#include "ferry-error.h"
#include "ferry-plan.h"
#include "ferry-queue.h"
#include "ferry-relay.h"
#include "ferry-network.h"
#include "ferry-sr.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vif.h"
#include "ferry-vm.h"
#include "ferry-sim-checks.h"
#include "ferry-sim-faults.h"
#include "ferry-sim-invariants.h"
#include "ferry-sim-scenario.h"
#include "ferry-sim-world.h"

static const char scenario[] =
  "{ \"users\": { \"root\": \"demo\" },\n"
  "  \"pools\": [\n"
  "   { \"name\": \"Src\", \"hosts\": [ { \"name\": \"s-1\" } ],\n"
  "     \"networks\": [ { \"name\": \"LAN\", \"nic\": \"eth0\", \"management\": true } ],\n"
  "     \"srs\": [ { \"name\": \"Src-NFS\", \"type\": \"nfs\", \"size\": \"100 GiB\" } ],\n"
  "     \"vms\": [ { \"name\": \"box\", \"memory\": \"1 GiB\", \"vcpus\": 2,\n"
  "                  \"disks\": [ { \"size\": \"64 MiB\", \"sr\": \"Src-NFS\", \"used\": \"16 MiB\" },\n"
  "                             { \"size\": \"10 MiB\", \"sr\": \"Src-NFS\", \"used\": \"3 MiB\" } ],\n"
  "                  \"vifs\": [ \"LAN\" ] },\n"
  "                { \"name\": \"big\", \"disks\": [ { \"size\": \"1 GiB\", \"sr\": \"Src-NFS\", \"used\": \"384 MiB\" } ] },\n"
  "                { \"name\": \"up\", \"power_state\": \"running\", \"host\": \"s-1\",\n"
  "                  \"disks\": [ { \"size\": \"8 MiB\", \"sr\": \"Src-NFS\" } ] } ] },\n"
  "   { \"name\": \"Dst\", \"hosts\": [ { \"name\": \"d-1\" } ],\n"
  "     \"networks\": [ { \"name\": \"LAN\", \"nic\": \"eth0\", \"management\": true },\n"
  "                    { \"name\": \"DMZ\", \"nic\": \"eth1\" } ],\n"
  "     \"srs\": [ { \"name\": \"Dst-NFS\", \"type\": \"nfs\", \"size\": \"100 GiB\" },\n"
  "              { \"name\": \"Dst-Fast\", \"type\": \"nfs\", \"size\": \"100 GiB\" } ] } ] }\n";

static FerrySimTestServer *server;
static FerryConnection *src;
static FerryConnection *dst;

static FerrySimWorld *
make_world (gpointer user_data)
{
  g_autoptr(FerrySimWorld) world = ferry_sim_world_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pools = ferry_sim_scenario_load_data (scenario, strlen (scenario), "relay", "demo", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < pools->len; i++)
    ferry_sim_world_add_pool (world, g_ptr_array_index (pools, i));
  return g_steal_pointer (&world);
}

static FerryConnection *
connect_pool (const char *name)
{
  g_autofree char *address = ferry_test_sim_address (server, name, -1);
  FerryConnection *connection = ferry_test_connection_new (address, FERRY_TRANSPORT_HTTPS);

  ferry_test_open (connection);
  return connection;
}

/* What the simulator holds, read on its thread. */

typedef struct
{
  const char *pool;
  const char *vm;          /* name */
  const char *task;        /* a task ref */
  /* out */
  guint       n_vms;       /* VMs of that name */
  char       *uuid;
  guint       n_vdis;      /* non-ISO VDIs in the pool */
  char       *task_status;
  char       *verified;
  char       *networks;    /* the VM's VIFs' network names, "," */
  char       *srs;         /* its disks' SR names, "," */
  gboolean    invariants;
  char       *violations;
} Probe;

static gboolean
probe_cb (gpointer data)
{
  Probe *probe = data;
  FerrySimWorld *world = ferry_sim_test_server_get_world (server);
  FerrySimPool *pool = ferry_sim_world_lookup_pool (world, probe->pool);
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  GPtrArray *vms = ferry_sim_db_get_rows_by_name (db, "VM");
  GPtrArray *vdis = ferry_sim_db_get_rows_by_name (db, "VDI");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < vms->len; i++)
    if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (vms, i), "name_label"), probe->vm) == 0 &&
        !ferry_sim_row_get_bool (g_ptr_array_index (vms, i), "is_a_snapshot"))
      {
        FerrySimRow *vm = g_ptr_array_index (vms, i);
        g_autoptr(GPtrArray) vifs = ferry_sim_follow_set (db, vm, "VIFs");
        g_autoptr(GPtrArray) vbds = ferry_sim_follow_set (db, vm, "VBDs");
        g_autoptr(GString) networks = g_string_new (NULL);
        g_autoptr(GString) srs = g_string_new (NULL);

        probe->n_vms++;
        g_free (probe->uuid);
        probe->uuid = g_strdup (ferry_sim_row_get_uuid (vm));
        for (guint j = 0; j < vifs->len; j++)
          {
            FerrySimRow *network = ferry_sim_follow (db, g_ptr_array_index (vifs, j), "network");

            g_string_append_printf (networks, "%s%s", j ? "," : "", network ? ferry_sim_row_get_string (network, "name_label") : "?");
          }
        for (guint j = 0; j < vbds->len; j++)
          {
            FerrySimRow *vdi = ferry_sim_follow (db, g_ptr_array_index (vbds, j), "VDI");
            FerrySimRow *sr = vdi ? ferry_sim_follow (db, vdi, "SR") : NULL;

            if (sr != NULL)
              g_string_append_printf (srs, "%s%s", srs->len ? "," : "", ferry_sim_row_get_string (sr, "name_label"));
          }
        g_free (probe->networks);
        g_free (probe->srs);
        probe->networks = g_string_free (g_steal_pointer (&networks), FALSE);
        probe->srs = g_string_free (g_steal_pointer (&srs), FALSE);
      }
  for (guint i = 0; i < vdis->len; i++)
    if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (vdis, i), "type"), "iso") != 0)
      probe->n_vdis++;
  if (probe->task != NULL)
    {
      FerrySimRow *task = ferry_sim_db_lookup_in (db, "task", probe->task);

      probe->task_status = task ? g_strdup (ferry_sim_row_get_string (task, "status")) : NULL;
      probe->verified = task ? g_strdup (ferry_sim_row_map_lookup (task, "other_config", "sim_verified_bytes")) : NULL;
    }
  probe->invariants = ferry_sim_world_check_invariants (world, &error);
  probe->violations = error ? g_strdup (error->message) : NULL;
  return G_SOURCE_REMOVE;
}

static void
probe_clear (Probe *probe)
{
  g_free (probe->uuid);
  g_free (probe->task_status);
  g_free (probe->verified);
  g_free (probe->networks);
  g_free (probe->srs);
  g_free (probe->violations);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Probe, probe_clear)

static void
probe (Probe *probe)
{
  ferry_sim_test_server_invoke (server, probe_cb, probe);
  if (!probe->invariants)
    g_error ("invariants: %s", probe->violations);
}

static gboolean
add_faults_cb (gpointer data)
{
  g_autoptr(GError) error = NULL;
  FerrySimWorld *world = ferry_sim_test_server_get_world (server);

  ferry_sim_faults_clear (ferry_sim_world_get_faults (world));
  if (data != NULL && !ferry_sim_faults_add_json (ferry_sim_world_get_faults (world), data, -1, &error))
    g_error ("faults: %s", error->message);
  return G_SOURCE_REMOVE;
}

static void
set_faults (const char *json)
{
  ferry_sim_test_server_invoke (server, add_faults_cb, (gpointer) json);
}

/* Refs by name, through the API. */
static char *
lookup_ref (FerryConnection *connection,
            const char      *method,
            const char      *name)
{
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *refs;

  ferry_connection_call_async (connection, method, g_variant_new ("(s)", name), FERRY_CALL_IDEMPOTENT, NULL,
                               ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  node = ferry_connection_call_finish (connection, result, &error);
  g_assert_no_error (error);
  refs = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (refs), ==, 1);
  return g_strdup (json_array_get_string_element (refs, 0));
}

static char *
run_relay (FerryRelay  *relay,
           GError     **error)
{
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  ferry_relay_run_async (relay, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  return ferry_relay_run_finish (relay, result, error);
}

static FerryRelay *
new_relay (const char *vm_name)
{
  g_autofree char *vm = lookup_ref (src, "VM.get_by_name_label", vm_name);
  g_autofree char *sr = lookup_ref (dst, "SR.get_by_name_label", "Dst-NFS");

  return ferry_relay_new (src, vm, dst, sr);
}

static void
on_progress_cb (FerryRelay *relay,
                GParamSpec *pspec,
                double     *last)
{
  /* Progress never goes back. */
  g_assert_cmpfloat (ferry_relay_get_progress (relay), >=, *last);
  *last = ferry_relay_get_progress (relay);
}

static void
relay_and_check (const char *vm_name,
                 gboolean    move,
                 gboolean    compress)
{
  g_autoptr(FerryRelay) relay = new_relay (vm_name);
  g_autoptr(GError) error = NULL;
  g_autofree char *dst_vm = NULL;
  g_auto(Probe) before = { .pool = "Src", .vm = vm_name };
  g_auto(Probe) src_after = { .pool = "Src", .vm = vm_name };
  g_auto(Probe) dst_before = { .pool = "Dst", .vm = vm_name };
  g_auto(Probe) dst_after = { .pool = "Dst", .vm = vm_name };
  double last = 0;

  probe (&before);
  probe (&dst_before);
  g_assert_cmpuint (before.n_vms, ==, 1);

  ferry_relay_set_move (relay, move);
  ferry_relay_set_compress (relay, compress);
  g_signal_connect (relay, "notify::progress", G_CALLBACK (on_progress_cb), &last);
  dst_vm = run_relay (relay, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (dst_vm, "OpaqueRef:"));
  g_assert_cmpfloat (ferry_relay_get_progress (relay), ==, 1.0);
  g_assert_cmpuint (ferry_relay_get_bytes (relay), >, 0);

  dst_after.task = ferry_relay_get_import_task (relay);
  probe (&src_after);
  probe (&dst_after);
  /* The import compared all 74 MiB of both disks with the source's. */
  g_assert_cmpstr (dst_after.task_status, ==, "success");
  g_assert_cmpstr (dst_after.verified, ==, "77594624");
  g_assert_cmpuint (dst_after.n_vms, ==, dst_before.n_vms + 1);
  g_assert_cmpuint (dst_after.n_vdis, ==, dst_before.n_vdis + 2);
  if (move)
    {
      /* Removed from the source only now, and the UUID went with it. */
      g_assert_cmpuint (src_after.n_vms, ==, 0);
      g_assert_cmpuint (src_after.n_vdis, ==, before.n_vdis - 2);
      g_assert_cmpstr (dst_after.uuid, ==, before.uuid);
    }
  else
    {
      g_assert_cmpuint (src_after.n_vms, ==, 1);
      g_assert_cmpuint (src_after.n_vdis, ==, before.n_vdis);
      g_assert_cmpstr (dst_after.uuid, !=, before.uuid);
    }
}

static void
test_relay_copy (void)
{
  relay_and_check ("box", FALSE, FALSE);
}

static void
test_relay_copy_gzip (void)
{
  relay_and_check ("box", FALSE, TRUE);
}

static void
test_relay_move (void)
{
  relay_and_check ("box", TRUE, FALSE);
}

static void
on_halfway_cb (FerryRelay *relay,
               GParamSpec *pspec,
               gpointer    data)
{
  if (ferry_relay_get_progress (relay) >= 0.3)
    {
      g_signal_handlers_disconnect_by_func (relay, on_halfway_cb, data);
      ferry_relay_cancel (relay);
    }
}

/* After a failure: the source as it was, nothing left on the destination. */
static GError *
relay_failing (const char *vm_name,
               gboolean    cancel_halfway)
{
  g_autoptr(FerryRelay) relay = new_relay (vm_name);
  GError *error = NULL;
  g_autofree char *dst_vm = NULL;
  g_auto(Probe) src_before = { .pool = "Src", .vm = vm_name };
  g_auto(Probe) dst_before = { .pool = "Dst", .vm = vm_name };
  g_auto(Probe) src_after = { .pool = "Src", .vm = vm_name };
  g_auto(Probe) dst_after = { .pool = "Dst", .vm = vm_name };
  g_auto(Probe) export_task = { .pool = "Src", .vm = vm_name };

  probe (&src_before);
  probe (&dst_before);
  if (cancel_halfway)
    g_signal_connect (relay, "notify::progress", G_CALLBACK (on_halfway_cb), NULL);
  dst_vm = run_relay (relay, &error);
  g_assert_null (dst_vm);
  g_assert_nonnull (error);

  /* Clean-up calls may still be on their way. */
  ferry_test_spin (300);
  dst_after.task = ferry_relay_get_import_task (relay);
  export_task.task = ferry_relay_get_export_task (relay);
  probe (&src_after);
  probe (&dst_after);
  probe (&export_task);
  g_assert_cmpuint (src_after.n_vms, ==, 1);
  g_assert_cmpstr (src_after.uuid, ==, src_before.uuid);
  g_assert_cmpuint (src_after.n_vdis, ==, src_before.n_vdis);
  g_assert_cmpuint (dst_after.n_vms, ==, dst_before.n_vms);
  g_assert_cmpuint (dst_after.n_vdis, ==, dst_before.n_vdis);
  /* Neither task runs on. */
  g_assert_cmpstr (dst_after.task_status, !=, "pending");
  g_assert_cmpstr (dst_after.task_status, !=, "success");
  g_assert_cmpstr (export_task.task_status, !=, "pending");
  return error;
}

static void
test_relay_cancel (void)
{
  g_autoptr(GError) error = relay_failing ("big", TRUE);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_relay_dropped (void)
{
  g_autoptr(GError) error = NULL;

  set_faults ("{\"type\": \"drop_transfer\", \"vm\": \"big\", \"at_progress\": 0.5}");
  error = relay_failing ("big", FALSE);
  set_faults (NULL);
  g_test_message ("dropped: %s", error->message);
  /* Plain words: what broke, and where the VM is now (not xapi's
   * CLIENT_ERROR [Unix.Unix_error(Unix.EPIPE …)]). */
  g_assert_error (error, FERRY_RELAY_ERROR, FERRY_RELAY_ERROR_CONNECTION_LOST);
  g_assert_nonnull (strstr (error->message, "source pool"));
  g_assert_nonnull (strstr (error->message, "big is still on the source pool, untouched"));
  g_assert_nonnull (strstr (error->message, "removed from the destination"));
  g_assert_null (strstr (error->message, "Unix"));
}

static void
test_relay_corrupt (void)
{
  g_autoptr(GError) error = NULL;

  set_faults ("{\"type\": \"corrupt_transfer\", \"vm\": \"big\", \"at_progress\": 0.4}");
  error = relay_failing ("big", FALSE);
  set_faults (NULL);
  /* The import refuses the block, and says which and why. */
  g_assert_true (ferry_xapi_error_has_name (error, "IMPORT_ERROR_GENERIC"));
  g_assert_nonnull (strstr (ferry_xapi_error_get_param (error, 0), "checksum failed"));
}

static void
test_relay_running_refused (void)
{
  g_autoptr(GError) error = relay_failing ("up", FALSE);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

static char *
node_to_text (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

/* A partition makes the source's own check fail as xapi's does, and the
 * engine recognises that as a reason to relay. */
static void
test_relay_partition (void)
{
  g_autofree char *url = ferry_sim_test_server_dup_master_url (server, "Dst", FALSE);
  g_autofree char *src_url = ferry_sim_test_server_dup_master_url (server, "Src", FALSE);
  g_autofree char *dst_session = ferry_sim_test_login (url);
  g_autofree char *src_session = ferry_sim_test_login (src_url);
  g_autofree char *vm = lookup_ref (src, "VM.get_by_name_label", "box");
  g_autofree char *sr = lookup_ref (dst, "SR.get_by_name_label", "Dst-NFS");
  g_autofree char *host = lookup_ref (dst, "host.get_by_name_label", "d-1");
  g_autofree char *network = lookup_ref (dst, "network.get_by_name_label", "LAN");
  g_autofree char *receive = g_strdup_printf ("[\"%s\", \"%s\", \"%s\", {}]", dst_session, host, network);
  g_autofree char *vbds_params = g_strdup_printf ("[\"%s\", \"%s\"]", src_session, vm);
  g_autoptr(JsonNode) dest = NULL;
  g_autoptr(JsonNode) vbds = NULL;
  g_autoptr(GString) vdi_map = g_string_new ("{");
  g_autoptr(GString) vif_map = g_string_new ("{");
  g_autoptr(JsonNode) vifs = NULL;
  g_autofree char *dest_text = NULL;
  g_autofree char *params = NULL;
  g_autofree char *failure = NULL;
  g_autofree char *without = NULL;

  dest = ferry_sim_test_jsonrpc_result (url, "host.migrate_receive", receive);
  dest_text = node_to_text (dest);
  vbds = ferry_sim_test_jsonrpc_result (src_url, "VM.get_VBDs", vbds_params);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (vbds)); i++)
    {
      g_autofree char *p = g_strdup_printf ("[\"%s\", \"%s\"]", src_session,
                                            json_array_get_string_element (json_node_get_array (vbds), i));
      g_autoptr(JsonNode) vdi = ferry_sim_test_jsonrpc_result (src_url, "VBD.get_VDI", p);

      g_string_append_printf (vdi_map, "%s\"%s\": \"%s\"", vdi_map->len > 1 ? ", " : "",
                              json_node_get_string (vdi), sr);
    }
  g_string_append (vdi_map, "}");
  vifs = ferry_sim_test_jsonrpc_result (src_url, "VM.get_VIFs", vbds_params);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (vifs)); i++)
    g_string_append_printf (vif_map, "%s\"%s\": \"%s\"", vif_map->len > 1 ? ", " : "",
                            json_array_get_string_element (json_node_get_array (vifs), i), network);
  g_string_append (vif_map, "}");
  params = g_strdup_printf ("[\"%s\", \"%s\", %s, false, %s, %s, {}, {}]", src_session, vm, dest_text,
                            vdi_map->str, vif_map->str);

  /* Without the partition the check passes; with it, xapi's error. */
  without = ferry_sim_test_jsonrpc_failure (src_url, "VM.assert_can_migrate", params);
  g_assert_cmpstr (without, ==, "(success)");
  set_faults ("{\"type\": \"partition\", \"pool\": \"Src\", \"peer\": \"Dst\", \"seconds\": 100000}");
  failure = ferry_sim_test_jsonrpc_failure (src_url, "VM.assert_can_migrate", params);
  set_faults (NULL);
  g_assert_nonnull (failure);
  g_assert_true (g_str_has_prefix (failure, "CANNOT_CONTACT_HOST "));

  {
    g_autoptr(GError) error = ferry_xapi_error_new_valist ("CANNOT_CONTACT_HOST", "10.0.0.1", NULL);
    g_autoptr(GError) other = ferry_xapi_error_new_valist ("VDI_NOT_IN_MAP", "x", NULL);

    g_assert_true (ferry_relay_error_is_unreachable (error));
    g_assert_false (ferry_relay_error_is_unreachable (other));
  }
}

/* The queue: a plan for a halted VM to a pool it cannot reach. */

static gboolean
cache_populated (gpointer data)
{
  return ferry_cache_get_populated (data);
}

static gboolean
queue_idle (gpointer data)
{
  return ferry_queue_get_n_unfinished (data) == 0;
}

static gpointer
cached_object (FerryConnection *connection,
               GType            type,
               const char      *name)
{
  GListModel *objects = ferry_cache_get_objects (ferry_connection_get_cache (connection), type);

  for (guint i = 0; i < g_list_model_get_n_items (objects); i++)
    {
      g_autoptr(FerryObject) object = g_list_model_get_item (objects, i);

      if (g_strcmp0 (ferry_object_get_name_label (object), name) == 0)
        return object;
    }
  g_error ("no %s %s", g_type_name (type), name);
  return NULL;
}

static FerryVm *
cached_vm (FerryConnection *connection,
           const char      *name)
{
  return cached_object (connection, FERRY_TYPE_VM, name);
}

/* Changes to the request before the plan is made. */
typedef void (*ConfigureFunc) (FerryMoveRequest *request, FerryVm *vm);

static FerryJob *
run_plan_with (FerryRelayMode   mode,
               ConfigureFunc    configure,
               const char      *blocker,
               FerryPlan      **plan_out)
{
  g_autoptr(GListStore) connections = g_list_store_new (FERRY_TYPE_CONNECTION);
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(FerryQueue) queue = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(FerryPlan) reread = NULL;
  FerryPlanItem *item;

  g_assert_true (ferry_test_wait_until (cache_populated, ferry_connection_get_cache (src), 20000));
  g_assert_true (ferry_test_wait_until (cache_populated, ferry_connection_get_cache (dst), 20000));
  g_list_store_append (connections, src);
  g_list_store_append (connections, dst);

  request = ferry_move_request_new_for_vm (cached_vm (src, "box"));
  ferry_move_request_set_destination_pool (request, ferry_connection_get_cache (dst));
  ferry_move_request_set_relay (request, mode);
  if (configure != NULL)
    configure (request, cached_vm (src, "box"));
  plan = ferry_plan_new (request, G_LIST_MODEL (connections), NULL, &error);
  g_assert_no_error (error);
  item = ferry_plan_get_item (plan, 0);
  g_assert_cmpint (ferry_plan_item_get_operation (item), ==, FERRY_OPERATION_MOVE_HALTED);
  if (blocker != NULL)
    {
      /* Refused at plan time, with the reason. */
      g_assert_nonnull (ferry_plan_item_get_blocker (item));
      g_assert_cmpstr (ferry_check_get_rule_id (ferry_plan_item_get_blocker (item)), ==, blocker);
      g_assert_false (ferry_plan_item_get_relay (item));
      *plan_out = g_steal_pointer (&plan);
      return NULL;
    }
  g_assert_null (ferry_plan_item_get_blocker (item));
  g_assert_cmpint (ferry_plan_get_relay_mode (plan), ==, mode);
  /* The plan cannot know yet: only ALWAYS relays from the start. */
  g_assert_cmpint (ferry_plan_item_get_relay (item), ==, mode == FERRY_RELAY_ALWAYS);

  /* The choice survives the plan file. */
  json = ferry_plan_to_json (plan);
  reread = ferry_plan_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ferry_plan_get_relay_mode (reread), ==, mode);
  g_assert_cmpint (ferry_plan_item_get_relay (ferry_plan_get_item (reread, 0)), ==, mode == FERRY_RELAY_ALWAYS);

  set_faults ("{\"type\": \"partition\", \"pool\": \"Src\", \"peer\": \"Dst\", \"seconds\": 100000}");
  queue = ferry_queue_new (G_LIST_MODEL (connections), NULL, NULL);
  jobs = ferry_queue_add_plan (queue, plan);
  g_assert_true (ferry_test_wait_until (queue_idle, queue, 60000));
  set_faults (NULL);
  *plan_out = g_steal_pointer (&plan);
  return g_object_ref (g_ptr_array_index (jobs, 0));
}

static FerryJob *
run_plan (FerryRelayMode  mode,
          FerryPlan     **plan_out)
{
  return run_plan_with (mode, NULL, NULL, plan_out);
}

static void
test_relay_auto (void)
{
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(FerryJob) job = run_plan (FERRY_RELAY_AUTO, &plan);
  FerryPlanItem *item = ferry_plan_get_item (plan, 0);
  g_auto(Probe) src_after = { .pool = "Src", .vm = "box" };
  g_auto(Probe) dst_after = { .pool = "Dst", .vm = "box" };

  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_SUCCEEDED);
  g_assert_cmpfloat (ferry_job_get_progress (job), ==, 1.0);
  /* The job found the pools apart and went through this computer. */
  g_assert_true (ferry_plan_item_get_relay (item));
  g_assert_nonnull (strstr (ferry_plan_item_get_relay_text (item), "through this computer"));
  probe (&src_after);
  probe (&dst_after);
  g_assert_cmpuint (src_after.n_vms, ==, 0);
  g_assert_cmpuint (dst_after.n_vms, ==, 1);
}

static void
test_relay_never (void)
{
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(FerryJob) job = run_plan (FERRY_RELAY_NEVER, &plan);
  g_auto(Probe) src_after = { .pool = "Src", .vm = "box" };

  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_FAILED);
  g_assert_true (ferry_xapi_error_has_name (ferry_job_get_error (job), "CANNOT_CONTACT_HOST"));
  g_assert_false (ferry_plan_item_get_relay (ferry_plan_get_item (plan, 0)));
  probe (&src_after);
  g_assert_cmpuint (src_after.n_vms, ==, 1);
}

/* The interface mapping: the VIF goes to DMZ, not to the network of the
 * same name the import chose. */
static void
to_dmz (FerryMoveRequest *request,
        FerryVm          *vm)
{
  g_autoptr(FerryObject) vif = g_list_model_get_item (ferry_vm_get_vifs (vm), 0);

  ferry_move_request_set_vif_network (request, FERRY_VIF (vif), cached_object (dst, FERRY_TYPE_NETWORK, "DMZ"));
}

static void
test_relay_networks (void)
{
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(FerryJob) job = run_plan_with (FERRY_RELAY_ALWAYS, to_dmz, NULL, &plan);
  g_auto(Probe) dst_after = { .pool = "Dst", .vm = "box" };

  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_SUCCEEDED);
  probe (&dst_after);
  g_assert_cmpuint (dst_after.n_vms, ==, 1);
  g_assert_cmpstr (dst_after.networks, ==, "DMZ");
  g_assert_cmpstr (dst_after.srs, ==, "Dst-NFS,Dst-NFS");
}

/* Two SRs for one VM: an import takes one, so the relay is refused. */
static void
split_disks (FerryMoveRequest *request,
             FerryVm          *vm)
{
  g_autoptr(FerryObject) vbd = g_list_model_get_item (ferry_vm_get_vbds (vm), 0);
  FerryObject *vdi = ferry_object_lookup_ref (FERRY_OBJECT (vm), ferry_vbd_get_vdi (FERRY_VBD (vbd)));

  ferry_move_request_set_default_sr (request, cached_object (dst, FERRY_TYPE_SR, "Dst-NFS"));
  ferry_move_request_set_vdi_sr (request, FERRY_VDI (vdi), cached_object (dst, FERRY_TYPE_SR, "Dst-Fast"));
}

static void
test_relay_one_sr_always (void)
{
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(FerryJob) job = run_plan_with (FERRY_RELAY_ALWAYS, split_disks, "X-RELAY-ONE-SR", &plan);
  FerryCheck *blocker = ferry_plan_item_get_blocker (ferry_plan_get_item (plan, 0));

  g_assert_null (job);
  g_assert_nonnull (strstr (ferry_check_get_message (blocker), "2 SRs"));
}

static void
test_relay_one_sr_auto (void)
{
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(FerryJob) job = run_plan_with (FERRY_RELAY_AUTO, split_disks, NULL, &plan);
  g_auto(Probe) src_after = { .pool = "Src", .vm = "box" };
  g_auto(Probe) dst_after = { .pool = "Dst", .vm = "box" };

  /* The pools are apart, and the VM cannot go through this computer: it
   * says so, and nothing moved. */
  g_assert_cmpint (ferry_job_get_state (job), ==, FERRY_JOB_FAILED);
  g_assert_cmpstr (ferry_check_get_rule_id (ferry_job_get_check (job)), ==, "X-RELAY-ONE-SR");
  g_assert_nonnull (strstr (ferry_check_get_message (ferry_job_get_check (job)), "cannot reach each other"));
  probe (&src_after);
  probe (&dst_after);
  g_assert_cmpuint (src_after.n_vms, ==, 1);
  g_assert_cmpuint (dst_after.n_vms, ==, 0);
}

static void start (void);
static void stop (void);

static void
run_test (gconstpointer data)
{
  GTestFunc func = (GTestFunc) data;

  start ();
  func ();
  stop ();
}

static void
start (void)
{
  server = ferry_sim_test_server_start (make_world, NULL);
  src = connect_pool ("Src");
  dst = connect_pool ("Dst");
}

static void
stop (void)
{
  ferry_test_close (src);
  ferry_test_close (dst);
  g_clear_object (&src);
  g_clear_object (&dst);
  g_clear_pointer (&server, ferry_sim_test_server_stop);
}

/* Each test gets a world of its own (and its own trust store). */
static void
add_test (const char    *path,
          GTestFunc      func)
{
  g_test_add_data_func (path, func, (GTestDataFunc) run_test);
}

/* Stalls (ferry-sim README §9, stall_transfer): nothing moves, nothing
 * breaks. The relay gives up once nothing moved for its stall timeout (the
 * connections' call timeout by default), cleans up as after any failure, and
 * says which pool stopped. */
static GError *
relay_stalled (const char *side)
{
  g_autofree char *fault = g_strdup_printf ("{\"type\": \"stall_transfer\", \"vm\": \"big\", \"side\": \"%s\","
                                            " \"at_progress\": 0.3}", side);
  /* 4 s, or more where the run is slower (valgrind) */
  guint timeout = MAX (4, ferry_test_scale_ms (4000) / 1000);
  g_autofree char *waited = g_strdup_printf ("for %u seconds", timeout);
  gint64 start = g_get_monotonic_time ();
  GError *error;

  ferry_connection_set_timeout (src, timeout);
  ferry_connection_set_timeout (dst, timeout);
  set_faults (fault);
  error = relay_failing ("big", FALSE);
  set_faults (NULL);
  g_test_message ("stalled %s: %s (after %.1f s)", side, error->message,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  g_assert_error (error, FERRY_RELAY_ERROR, FERRY_RELAY_ERROR_STALLED);
  g_assert_nonnull (strstr (error->message, waited));
  g_assert_nonnull (strstr (error->message, "big is still on the source pool, untouched"));
  g_assert_nonnull (strstr (error->message, "removed from the destination"));
  return error;
}

static void
test_relay_stalled_export (void)
{
  g_autoptr(GError) error = relay_stalled ("export");

  g_assert_nonnull (strstr (error->message, "source pool"));
}

static void
test_relay_stalled_import (void)
{
  g_autoptr(GError) error = relay_stalled ("import");

  g_assert_nonnull (strstr (error->message, "destination pool"));
}

static void
test_relay_stall_timeout (void)
{
  g_autoptr(FerryRelay) relay = new_relay ("box");

  /* The connections' call timeout, unless set. */
  g_assert_cmpuint (ferry_relay_get_stall_timeout (relay), ==, ferry_connection_get_timeout (src));
  ferry_connection_set_timeout (dst, 300);
  g_assert_cmpuint (ferry_relay_get_stall_timeout (relay), ==, 300);
  ferry_relay_set_stall_timeout (relay, 7);
  g_assert_cmpuint (ferry_relay_get_stall_timeout (relay), ==, 7);
}

static gboolean
relay_in_phase (gpointer data)
{
  FerryRelay *relay = data;

  return g_strcmp0 (ferry_relay_get_phase (relay), g_object_get_data (G_OBJECT (relay), "phase")) == 0;
}

/* A cancel while the copy stands still (the default stall timeout, 60 s,
 * is far away) ends it at once, cleanly. */
static void
test_relay_cancel_stalled (void)
{
  g_autoptr(FerryRelay) relay = new_relay ("big");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dst_vm = NULL;
  GAsyncResult *pending = NULL;
  g_auto(Probe) src_after = { .pool = "Src", .vm = "big" };
  g_auto(Probe) dst_after = { .pool = "Dst", .vm = "big" };
  guint64 bytes = 0;
  guint tries = 0;

  set_faults ("{\"type\": \"stall_transfer\", \"vm\": \"big\", \"at_progress\": 0.2}");
  g_object_set_data (G_OBJECT (relay), "phase", (gpointer) "Copying through this computer");
  ferry_relay_run_async (relay, NULL, ferry_test_result_cb, &pending);
  g_assert_true (ferry_test_wait_until (relay_in_phase, relay, 20000));
  /* Stalled: the bytes stand still. */
  do
    {
      bytes = ferry_relay_get_bytes (relay);
      ferry_test_spin (1000);
    }
  while ((bytes == 0 || ferry_relay_get_bytes (relay) != bytes) && ++tries < 30);
  g_assert_cmpuint (bytes, >, 0);
  g_assert_cmpuint (ferry_relay_get_bytes (relay), ==, bytes);
  g_assert_null (pending);
  ferry_relay_cancel (relay);
  result = ferry_test_wait_result (&pending);
  dst_vm = ferry_relay_run_finish (relay, result, &error);
  set_faults (NULL);
  g_assert_null (dst_vm);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  ferry_test_spin (300);
  probe (&src_after);
  probe (&dst_after);
  g_assert_cmpuint (src_after.n_vms, ==, 1);
  g_assert_cmpuint (dst_after.n_vms, ==, 0);
}

/* Once the copy is verified and the source's removal has begun, a cancel
 * comes too late: the move finishes, and the VM is never lost. */
static void
test_relay_cancel_while_removing_source (void)
{
  g_autoptr(FerryRelay) relay = new_relay ("box");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dst_vm = NULL;
  g_autofree char *host = ferry_test_sim_host_ref (server, "Src", -1);
  g_autofree char *fault = g_strdup_printf ("{\"type\": \"slow_responses\", \"host\": \"%s\", \"method\": \"VM.destroy\","
                                            " \"delay\": 2, \"count\": 1}", host);
  GAsyncResult *pending = NULL;
  g_auto(Probe) src_after = { .pool = "Src", .vm = "box" };
  g_auto(Probe) dst_after = { .pool = "Dst", .vm = "box" };

  set_faults (fault);
  g_object_set_data (G_OBJECT (relay), "phase", (gpointer) "Verified; removing the VM from the source");
  ferry_relay_run_async (relay, NULL, ferry_test_result_cb, &pending);
  g_assert_true (ferry_test_wait_until (relay_in_phase, relay, 20000));
  ferry_relay_cancel (relay);
  result = ferry_test_wait_result (&pending);
  dst_vm = ferry_relay_run_finish (relay, result, &error);
  set_faults (NULL);
  g_assert_no_error (error);
  g_assert_nonnull (dst_vm);
  ferry_test_spin (300);
  probe (&src_after);
  probe (&dst_after);
  g_assert_cmpuint (src_after.n_vms, ==, 0);
  g_assert_cmpuint (dst_after.n_vms, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add_test ("/relay/copy", test_relay_copy);
  add_test ("/relay/copy-gzip", test_relay_copy_gzip);
  add_test ("/relay/move", test_relay_move);
  add_test ("/relay/cancel-halfway", test_relay_cancel);
  add_test ("/relay/dropped-connection", test_relay_dropped);
  add_test ("/relay/corrupt-block", test_relay_corrupt);
  add_test ("/relay/running-vm-refused", test_relay_running_refused);
  add_test ("/relay/partition", test_relay_partition);
  add_test ("/relay/plan/auto-pick", test_relay_auto);
  add_test ("/relay/plan/never", test_relay_never);
  add_test ("/relay/plan/networks", test_relay_networks);
  add_test ("/relay/plan/one-sr-always", test_relay_one_sr_always);
  add_test ("/relay/plan/one-sr-auto", test_relay_one_sr_auto);
  add_test ("/relay/stalled-export", test_relay_stalled_export);
  add_test ("/relay/stalled-import", test_relay_stalled_import);
  add_test ("/relay/stall-timeout", test_relay_stall_timeout);
  add_test ("/relay/cancel-stalled", test_relay_cancel_stalled);
  add_test ("/relay/cancel-while-removing-source", test_relay_cancel_while_removing_source);
  return g_test_run ();
}
