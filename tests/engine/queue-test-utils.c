/* queue-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ferry-sim-faults.h"
#include "ferry-sim-invariants.h"
#include "ferry-sim-scenario.h"
#include "ferry-pif.h"
#include "ferry-vbd.h"
#include "queue-test-utils.h"

QtWorld qt;

static const char * const pool_names[] = { "Production", "Lab", "legacy-01", "Evac", "Dest" };

static const char extra_scenario[] =
  "{ \"users\": { \"root\": \"demo\" },\n"
  "  \"pools\": [ {\n"
  "    \"name\": \"Evac\",\n"
  "    \"address_prefix\": \"10.9.0.\",\n"
  "    \"hosts\": [ { \"name\": \"ev-1\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"1G\", \"eth1\": \"10G\" } },\n"
  "                 { \"name\": \"ev-2\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"1G\", \"eth1\": \"10G\" } },\n"
  "                 { \"name\": \"ev-3\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"1G\", \"eth1\": \"10G\" } } ],\n"
  "    \"networks\": [ { \"name\": \"Mgmt\", \"nic\": \"eth0\", \"management\": true },\n"
  "                    { \"name\": \"Migration\", \"nic\": \"eth1\", \"subnet\": \"10.9.1.0/24\" },\n"
  "                    { \"name\": \"Edge\", \"nic\": \"eth1\", \"vlan\": 20 } ],\n"
  "    \"srs\": [ { \"name\": \"Evac-NFS\", \"type\": \"nfs\", \"size\": \"2 TiB\", \"bandwidth\": \"500 MiB/s\" },\n"
  "               { \"name\": \"Evac-iSCSI\", \"type\": \"lvmoiscsi\", \"size\": \"2 TiB\", \"bandwidth\": \"500 MiB/s\" },\n"
  "               { \"name\": \"Local ev-1\", \"type\": \"lvm\", \"host\": \"ev-1\", \"size\": \"500 GiB\" } ],\n"
  "    \"default_sr\": \"Evac-NFS\",\n"
  "    \"vms\": [\n"
  "      { \"name\": \"ev-vm-1\", \"power_state\": \"running\", \"host\": \"ev-1\", \"memory\": \"2 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"8 GiB\", \"sr\": \"Evac-NFS\" } ], \"vifs\": [ \"Migration\" ] },\n"
  "      { \"name\": \"ev-vm-2\", \"power_state\": \"running\", \"host\": \"ev-1\", \"memory\": \"2 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"8 GiB\", \"sr\": \"Evac-NFS\" } ], \"vifs\": [ \"Migration\" ] },\n"
  "      { \"name\": \"ev-vm-3\", \"power_state\": \"running\", \"host\": \"ev-1\", \"memory\": \"2 GiB\", \"os\": \"rhel-9\",\n"
  "        \"disks\": [ { \"size\": \"8 GiB\", \"sr\": \"Evac-NFS\" } ], \"vifs\": [ \"Migration\" ] },\n"
  "      { \"name\": \"ev-vm-4\", \"power_state\": \"running\", \"host\": \"ev-1\", \"memory\": \"2 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"8 GiB\", \"sr\": \"Evac-NFS\" } ], \"vifs\": [ \"Migration\" ] },\n"
  "      { \"name\": \"ev-vm-5\", \"power_state\": \"running\", \"host\": \"ev-1\", \"memory\": \"2 GiB\", \"os\": \"ubuntu-24.04\",\n"
  "        \"disks\": [ { \"size\": \"8 GiB\", \"sr\": \"Evac-NFS\" } ], \"vifs\": [ \"Migration\" ] },\n"
  "      { \"name\": \"ev-local\", \"power_state\": \"running\", \"host\": \"ev-1\", \"memory\": \"2 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"8 GiB\", \"sr\": \"Local ev-1\" } ], \"vifs\": [ \"Mgmt\" ] },\n"
  "      { \"name\": \"ev-edge\", \"power_state\": \"running\", \"host\": \"ev-2\", \"memory\": \"2 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"8 GiB\", \"sr\": \"Evac-NFS\" } ], \"vifs\": [ \"Edge\", \"Migration\", \"Mgmt\" ] },\n"
  "      { \"name\": \"ev-halted\", \"affinity\": \"ev-2\", \"memory\": \"2 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"8 GiB\", \"sr\": \"Evac-NFS\" } ], \"vifs\": [ \"Migration\" ] } ] },\n"
  "  {\n"
  "    \"name\": \"Dest\",\n"
  "    \"address_prefix\": \"10.8.0.\",\n"
  "    \"hosts\": [ { \"name\": \"d-1\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"10G\", \"eth1\": \"10G\" } },\n"
  "                 { \"name\": \"d-2\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"10G\", \"eth1\": \"10G\" } } ],\n"
  "    \"networks\": [ { \"name\": \"Management\", \"nic\": \"eth0\", \"management\": true },\n"
  "                    { \"name\": \"Migration\", \"nic\": \"eth1\", \"subnet\": \"10.8.1.0/24\" },\n"
  "                    { \"name\": \"Tagged-20\", \"nic\": \"eth1\", \"vlan\": 20 } ],\n"
  "    \"srs\": [ { \"name\": \"Dest-NFS\", \"type\": \"nfs\", \"size\": \"2 TiB\", \"bandwidth\": \"500 MiB/s\" } ],\n"
  "    \"vms\": [] } ] }\n";

static FerrySimWorld *
make_world (gpointer user_data)
{
  g_autoptr(FerrySimWorld) world = ferry_sim_world_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *demo = g_build_filename (g_getenv ("FERRY_SOURCE_ROOT"), "data", "scenarios", "demo.json", NULL);
  g_autoptr(GPtrArray) pools = NULL;

  if (!ferry_sim_world_load_scenario (world, demo, "demo", &error))
    g_error ("Could not load the demo: %s", error->message);
  pools = ferry_sim_scenario_load_data (extra_scenario, strlen (extra_scenario), "queue-tests", "demo", &error);
  if (pools == NULL)
    g_error ("Could not load the test pools: %s", error->message);
  for (guint i = 0; i < pools->len; i++)
    ferry_sim_world_add_pool (world, g_ptr_array_index (pools, i));
  return g_steal_pointer (&world);
}

static gboolean
cache_populated (gpointer data)
{
  return ferry_cache_get_populated (data);
}

static void
open_connections (void)
{
  qt.connections = g_list_store_new (FERRY_TYPE_CONNECTION);
  for (guint i = 0; i < G_N_ELEMENTS (pool_names); i++)
    {
      g_autofree char *address = ferry_test_sim_address (qt.server, pool_names[i], -1);
      g_autoptr(FerryConnection) connection = ferry_test_connection_new (address, FERRY_TRANSPORT_HTTPS);

      ferry_connection_set_event_timeout (connection, 0.5);
      ferry_test_open (connection);
      g_assert_true (ferry_test_wait_until (cache_populated, ferry_connection_get_cache (connection), 20000));
      g_list_store_append (qt.connections, connection);
    }
}

typedef struct
{
  double      scale;
  const char *json;
  GError     *error;
  gboolean    ok;
} WorldCall;

static gboolean
set_scale_cb (gpointer data)
{
  WorldCall *call = data;

  ferry_sim_world_set_time_scale (ferry_sim_test_server_get_world (qt.server), call->scale);
  return G_SOURCE_REMOVE;
}

void
qt_set_time_scale (double scale)
{
  WorldCall call = { .scale = scale / ferry_test_time_scale () };

  ferry_sim_test_server_invoke (qt.server, set_scale_cb, &call);
}

void
qt_start (double scale)
{
  memset (&qt, 0, sizeof qt);
  qt.server = ferry_sim_test_server_start (make_world, NULL);
  qt_set_time_scale (scale);
  open_connections ();
  qt.journal = g_build_filename (g_get_user_data_dir (), "ferry", "history.jsonl", NULL);
  g_remove (qt.journal);
}

void
qt_stop (void)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (qt.connections)); i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (G_LIST_MODEL (qt.connections), i);

      ferry_test_close (connection);
    }
  g_clear_object (&qt.connections);
  g_clear_pointer (&qt.server, ferry_sim_test_server_stop);
  g_remove (qt.journal);
  g_clear_pointer (&qt.journal, g_free);
}

void
qt_reconnect (void)
{
  g_clear_object (&qt.connections);
  open_connections ();
}

FerryConnection *
qt_connection (const char *pool)
{
  for (guint i = 0; i < G_N_ELEMENTS (pool_names); i++)
    if (g_str_equal (pool_names[i], pool))
      {
        FerryConnection *connection = g_list_model_get_item (G_LIST_MODEL (qt.connections), i);

        g_object_unref (connection);
        return connection;
      }
  g_error ("no pool %s", pool);
  return NULL;
}

FerryCache *
qt_cache (const char *pool)
{
  return ferry_connection_get_cache (qt_connection (pool));
}

static gpointer
find (const char *pool,
      GType       type,
      const char *name)
{
  GListModel *objects = ferry_cache_get_objects (qt_cache (pool), type);

  for (guint i = 0; i < g_list_model_get_n_items (objects); i++)
    {
      g_autoptr(FerryObject) object = g_list_model_get_item (objects, i);

      if (g_strcmp0 (ferry_object_get_name_label (object), name) == 0 &&
          !(FERRY_IS_VM (object) && ferry_vm_get_is_a_snapshot (FERRY_VM (object))))
        return object;
    }
  return NULL;
}

gpointer
qt_find (const char *pool,
         GType       type,
         const char *name)
{
  gpointer object = find (pool, type, name);

  if (object == NULL)
    g_error ("no %s named %s in %s", g_type_name (type), name, pool);
  return object;
}

FerryVm *
qt_lookup_vm (const char *pool,
              const char *name)
{
  return find (pool, FERRY_TYPE_VM, name);
}

const char *
qt_vm_host_name (FerryVm *vm)
{
  FerryObject *host = ferry_object_lookup_ref (FERRY_OBJECT (vm), ferry_vm_get_resident_on (vm));

  return host ? ferry_object_get_name_label (host) : NULL;
}

const char *
qt_vm_disk_sr_name (FerryVm *vm)
{
  GListModel *vbds = ferry_vm_get_vbds (vm);

  for (guint i = 0; i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vdi;

      if (g_strcmp0 (ferry_vbd_get_vbd_type (vbd), "CD") == 0 || ferry_vbd_get_empty (vbd))
        continue;
      vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));
      if (FERRY_IS_VDI (vdi))
        {
          FerryObject *sr = ferry_object_lookup_ref (vdi, ferry_vdi_get_sr (FERRY_VDI (vdi)));

          return sr ? ferry_object_get_name_label (sr) : NULL;
        }
    }
  return NULL;
}

static gboolean
pool_shows (gpointer data)
{
  gconstpointer *pair = data;  /* cache, marker */
  FerryPool *pool = ferry_cache_get_pool ((FerryCache *) pair[0]);

  return pool != NULL && g_strcmp0 (ferry_object_get_name_description (FERRY_OBJECT (pool)), pair[1]) == 0;
}

void
qt_sync_caches (void)
{
  static guint serial;
  g_autofree char *marker = g_strdup_printf ("ferry-test sync %u", ++serial);

  for (guint i = 0; i < G_N_ELEMENTS (pool_names); i++)
    {
      FerryPool *pool = ferry_cache_get_pool (qt_cache (pool_names[i]));
      g_autoptr(JsonNode) done = NULL;

      g_assert_nonnull (pool);
      done = qt_call (pool_names[i], "pool.set_name_description",
                      g_variant_new ("(ss)", ferry_object_get_ref (FERRY_OBJECT (pool)), marker));
    }
  for (guint i = 0; i < G_N_ELEMENTS (pool_names); i++)
    {
      gconstpointer pair[2] = { qt_cache (pool_names[i]), marker };

      if (!ferry_test_wait_until (pool_shows, pair, 5000))
        g_error ("The cache of %s did not catch up", pool_names[i]);
    }
}

typedef struct
{
  const char *pool;
  const char *vm;
  const char *host;
} VmOn;

static gboolean
vm_is_on (gpointer data)
{
  VmOn *on = data;
  FerryVm *vm = qt_lookup_vm (on->pool, on->vm);

  return vm != NULL && g_strcmp0 (qt_vm_host_name (vm), on->host) == 0;
}

gboolean
qt_wait_vm_on (const char *pool,
               const char *vm,
               const char *host,
               guint       timeout_ms)
{
  VmOn on = { pool, vm, host };

  return ferry_test_wait_until (vm_is_on, &on, timeout_ms);
}

static gboolean
queue_idle (gpointer data)
{
  return ferry_queue_get_n_unfinished (data) == 0;
}

void
qt_wait_idle (FerryQueue *queue,
              guint       timeout_ms)
{
  if (!ferry_test_wait_until (queue_idle, queue, timeout_ms))
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
        {
          g_autoptr(FerryJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);

          g_printerr ("job %s (%s): %s, %s\n", ferry_job_get_id (job), ferry_job_get_vm_name (job),
                      ferry_job_state_to_string (ferry_job_get_state (job)), ferry_job_get_phase (job));
        }
      g_error ("The queue did not finish within %u ms", timeout_ms);
    }
}

typedef struct
{
  FerryJob      *job;
  FerryJobState  state;
  double         progress;
} JobWait;

static gboolean
job_in_state (gpointer data)
{
  JobWait *wait = data;

  return ferry_job_get_state (wait->job) == wait->state;
}

void
qt_wait_state (FerryJob      *job,
               FerryJobState  state,
               guint          timeout_ms)
{
  JobWait wait = { job, state, 0 };

  if (!ferry_test_wait_until (job_in_state, &wait, timeout_ms))
    g_error ("Job %s stayed %s (%s), not %s", ferry_job_get_vm_name (job),
             ferry_job_state_to_string (ferry_job_get_state (job)), ferry_job_get_phase (job),
             ferry_job_state_to_string (state));
}

static gboolean
job_progressed (gpointer data)
{
  JobWait *wait = data;

  return ferry_job_get_progress (wait->job) >= wait->progress || ferry_job_is_finished (wait->job);
}

void
qt_wait_progress (FerryJob *job,
                  double    progress,
                  guint     timeout_ms)
{
  JobWait wait = { job, 0, progress };

  if (!ferry_test_wait_until (job_progressed, &wait, timeout_ms))
    g_error ("Job %s did not reach %.2f (%s)", ferry_job_get_vm_name (job), progress, ferry_job_get_phase (job));
}

FerryHistory *
qt_history_new (void)
{
  FerryHistory *history = ferry_history_new (qt.journal);
  g_autoptr(GError) error = NULL;

  g_assert_true (ferry_history_load (history, &error));
  g_assert_no_error (error);
  return history;
}

FerryQueue *
qt_queue_new (FerryHistory *history)
{
  FerryQueue *queue = ferry_queue_new (G_LIST_MODEL (qt.connections), history, NULL);

  ferry_queue_set_retry_delay (queue, 0.05);
  return queue;
}

FerryPlan *
qt_plan (FerryMoveRequest *request)
{
  g_autoptr(GError) error = NULL;
  FerryPlan *plan = ferry_plan_new (request, G_LIST_MODEL (qt.connections), NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

static gboolean
add_faults_cb (gpointer data)
{
  WorldCall *call = data;
  FerrySimFaults *faults = ferry_sim_world_get_faults (ferry_sim_test_server_get_world (qt.server));

  call->ok = ferry_sim_faults_add_json (faults, call->json, -1, &call->error);
  return G_SOURCE_REMOVE;
}

void
qt_add_faults (const char *json)
{
  WorldCall call = { .json = json };

  ferry_sim_test_server_invoke (qt.server, add_faults_cb, &call);
  g_assert_no_error (call.error);
  g_assert_true (call.ok);
}

static gboolean
clear_faults_cb (gpointer data)
{
  ferry_sim_faults_clear (ferry_sim_world_get_faults (ferry_sim_test_server_get_world (qt.server)));
  return G_SOURCE_REMOVE;
}

void
qt_clear_faults (void)
{
  ferry_sim_test_server_invoke (qt.server, clear_faults_cb, NULL);
}

typedef struct
{
  const char *type;
  guint       fired;
} FaultCount;

static gboolean
fault_state_cb (gpointer data)
{
  FaultCount *count = data;
  g_autofree char *json = ferry_sim_faults_dup_state_json (ferry_sim_world_get_faults (ferry_sim_test_server_get_world (qt.server)));
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *faults;

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  faults = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "faults");
  for (guint i = 0; i < json_array_get_length (faults); i++)
    {
      JsonObject *fault = json_array_get_object_element (faults, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (fault, "type", ""), count->type) == 0)
        count->fired += json_object_get_int_member_with_default (fault, "fired", 0);
    }
  return G_SOURCE_REMOVE;
}

guint
qt_fault_fired (const char *type)
{
  FaultCount count = { type, 0 };

  ferry_sim_test_server_invoke (qt.server, fault_state_cb, &count);
  return count.fired;
}

static gboolean
invariants_cb (gpointer data)
{
  WorldCall *call = data;

  call->ok = ferry_sim_world_check_invariants (ferry_sim_test_server_get_world (qt.server), &call->error);
  return G_SOURCE_REMOVE;
}

void
qt_assert_invariants (void)
{
  WorldCall call = { 0 };

  ferry_sim_test_server_invoke (qt.server, invariants_cb, &call);
  if (!call.ok)
    g_error ("The world's invariants are broken:\n%s", call.error ? call.error->message : "?");
  g_clear_error (&call.error);
}

JsonNode *
qt_call (const char *pool,
         const char *method,
         GVariant   *args)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = ferry_test_call_sync (qt_connection (pool), method, args, FERRY_CALL_NONE, &error);

  g_assert_no_error (error);
  return node;
}

static GPtrArray *
read_records (void)
{
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (!g_file_get_contents (qt.journal, &data, NULL, NULL))
    return records;
  lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (*lines[i] == '\0' || !json_parser_load_from_data (parser, lines[i], -1, NULL))
        continue;
      g_ptr_array_add (records, json_node_ref (json_parser_get_root (parser)));
    }
  return records;
}

guint
qt_count_records (const char *job_id,
                  const char *type)
{
  g_autoptr(GPtrArray) records = read_records ();
  guint n = 0;

  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *record = json_node_get_object (g_ptr_array_index (records, i));

      n += g_strcmp0 (json_object_get_string_member_with_default (record, "job", ""), job_id) == 0 &&
           g_strcmp0 (json_object_get_string_member_with_default (record, "type", ""), type) == 0;
    }
  return n;
}

void
qt_assert_journalled (GPtrArray *jobs)
{
  g_autoptr(FerryHistory) history = qt_history_new ();

  for (guint i = 0; i < jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (jobs, i);
      FerryHistoryEntry *entry = ferry_history_lookup (history, ferry_job_get_id (job));
      FerryHistoryOutcome expected;

      g_assert_true (ferry_job_is_finished (job));
      g_assert_nonnull (entry);
      g_assert_cmpuint (qt_count_records (ferry_job_get_id (job), "end"), ==, 1);
      switch (ferry_job_get_state (job))
        {
        case FERRY_JOB_SUCCEEDED:
          expected = FERRY_HISTORY_OUTCOME_SUCCEEDED;
          break;
        case FERRY_JOB_CANCELLED:
          expected = FERRY_HISTORY_OUTCOME_CANCELLED;
          break;
        case FERRY_JOB_FAILED:
        case FERRY_JOB_QUEUED:
        case FERRY_JOB_WAITING:
        case FERRY_JOB_CHECKING:
        case FERRY_JOB_RUNNING:
        case FERRY_JOB_CANCELLING:
        default:
          expected = FERRY_HISTORY_OUTCOME_FAILED;
          break;
        }
      g_assert_cmpint (ferry_history_entry_get_outcome (entry), ==, expected);
      g_assert_cmpstr (ferry_history_entry_get_vm_uuid (entry), ==,
                       ferry_plan_item_get_vm_uuid (ferry_job_get_item (job)));
      g_assert_nonnull (ferry_history_entry_get_who (entry));
    }
}
