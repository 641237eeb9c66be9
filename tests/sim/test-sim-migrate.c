/* test-sim-migrate.c: the operations O1–O5 end to end over JSON-RPC, with
 * what they leave behind: events (xapi.md §6.4), tasks, messages, the moved
 * objects, and the world's invariants after each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sim-test-ops.h"

/* A pool without HA to evacuate (the demo's Production has HA on, so only
 * protected VMs could leave; Lab mixes vendors), and Split → Split-Dest for
 * a cross-pool move with an SR per disk and a network per interface. */
static const char extra_scenario[] =
  "{ \"users\": { \"root\": \"demo\" },\n"
  "  \"pools\": [ {\n"
  "    \"name\": \"Evac\",\n"
  "    \"hosts\": [ { \"name\": \"ev-1\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"1G\", \"eth1\": \"10G\" } },\n"
  "                 { \"name\": \"ev-2\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"1G\", \"eth1\": \"10G\" } },\n"
  "                 { \"name\": \"ev-3\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"1G\", \"eth1\": \"10G\" } } ],\n"
  "    \"networks\": [ { \"name\": \"Mgmt\", \"nic\": \"eth0\", \"management\": true },\n"
  "                    { \"name\": \"Migration\", \"nic\": \"eth1\", \"subnet\": \"10.9.1.0/24\" } ],\n"
  "    \"srs\": [ { \"name\": \"Evac-NFS\", \"type\": \"nfs\", \"size\": \"2 TiB\" } ],\n"
  "    \"vms\": [\n"
  "      { \"name\": \"ev-vm-1\", \"power_state\": \"running\", \"host\": \"ev-1\", \"memory\": \"4 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Evac-NFS\" } ], \"vifs\": [ \"Mgmt\" ] },\n"
  "      { \"name\": \"ev-vm-2\", \"power_state\": \"running\", \"host\": \"ev-1\", \"memory\": \"6 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Evac-NFS\" } ], \"vifs\": [ \"Mgmt\" ] },\n"
  "      { \"name\": \"ev-vm-3\", \"power_state\": \"running\", \"host\": \"ev-1\", \"memory\": \"8 GiB\", \"os\": \"rhel-9\",\n"
  "        \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Evac-NFS\" } ], \"vifs\": [ \"Mgmt\" ] },\n"
  "      { \"name\": \"ev-vm-4\", \"power_state\": \"running\", \"host\": \"ev-1\", \"memory\": \"2 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Evac-NFS\" } ], \"vifs\": [ \"Mgmt\" ] },\n"
  "      { \"name\": \"ev-vm-5\", \"power_state\": \"running\", \"host\": \"ev-1\", \"memory\": \"4 GiB\", \"os\": \"ubuntu-24.04\",\n"
  "        \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Evac-NFS\" } ], \"vifs\": [ \"Mgmt\" ] },\n"
  "      { \"name\": \"ev-halted\", \"affinity\": \"ev-1\", \"memory\": \"4 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"10 GiB\", \"sr\": \"Evac-NFS\" } ] } ] },\n"
  "  {\n"
  "    \"name\": \"Split\",\n"
  "    \"hosts\": [ { \"name\": \"sp-1\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"10G\", \"eth1\": \"10G\" } } ],\n"
  "    \"networks\": [ { \"name\": \"Mgmt\", \"nic\": \"eth0\", \"management\": true },\n"
  "                    { \"name\": \"Front\", \"nic\": \"eth1\" },\n"
  "                    { \"name\": \"Back\", \"nic\": \"eth1\", \"vlan\": 30 } ],\n"
  "    \"srs\": [ { \"name\": \"Split-NFS\", \"type\": \"nfs\", \"size\": \"2 TiB\" } ],\n"
  "    \"vms\": [\n"
  "      { \"name\": \"sp-two\", \"power_state\": \"running\", \"host\": \"sp-1\", \"memory\": \"2 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"name\": \"sp-two system\", \"size\": \"8 GiB\", \"sr\": \"Split-NFS\" },\n"
  "                     { \"name\": \"sp-two data\", \"size\": \"8 GiB\", \"sr\": \"Split-NFS\" } ],\n"
  "        \"vifs\": [ \"Front\", \"Back\" ] } ] },\n"
  "  {\n"
  "    \"name\": \"Split-Dest\",\n"
  "    \"hosts\": [ { \"name\": \"sd-1\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"10G\", \"eth1\": \"10G\" } } ],\n"
  "    \"networks\": [ { \"name\": \"Mgmt\", \"nic\": \"eth0\", \"management\": true },\n"
  "                    { \"name\": \"Net-A\", \"nic\": \"eth1\" },\n"
  "                    { \"name\": \"Net-B\", \"nic\": \"eth1\", \"vlan\": 40 } ],\n"
  "    \"srs\": [ { \"name\": \"Dest-A\", \"type\": \"nfs\", \"size\": \"2 TiB\" },\n"
  "               { \"name\": \"Dest-B\", \"type\": \"nfs\", \"size\": \"2 TiB\" } ],\n"
  "    \"vms\": [] } ] }\n";

static const char *
q (const char *text)
{
  return sim_quote (text);
}

/* Events --------------------------------------------------------------------- */

typedef struct
{
  char      *token;
  GPtrArray *events;  /* of JsonNode: every event seen, in order */
} EventLog;

static void
event_log_init (EventLog   *log,
                const char *pool)
{
  g_autoptr(JsonNode) id = sim_call (pool, "event.get_current_id", NULL);

  log->token = g_strdup_printf ("%s,00000000000000000000", json_node_get_string (id));
  log->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
}

static void
event_log_clear (EventLog *log)
{
  g_free (log->token);
  g_ptr_array_unref (log->events);
}

static void
event_log_poll (EventLog   *log,
                const char *pool)
{
  g_autoptr(JsonNode) batch = sim_call (pool, "event.from",
                                        sim_fmt ("[\"vm\", \"host\", \"task\", \"message\", \"vdi\"], \"%s\", 0.05",
                                                 log->token));
  JsonObject *object = json_node_get_object (batch);
  JsonArray *events = json_object_get_array_member (object, "events");

  for (guint i = 0; i < json_array_get_length (events); i++)
    g_ptr_array_add (log->events, json_node_copy (json_array_get_element (events, i)));
  g_free (log->token);
  log->token = g_strdup (json_object_get_string_member (object, "token"));
}

/* The snapshots of @ref, in order. */
static GPtrArray *
event_log_snapshots (EventLog   *log,
                     const char *ref)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < log->events->len; i++)
    {
      JsonObject *event = json_node_get_object (g_ptr_array_index (log->events, i));

      if (g_strcmp0 (json_object_get_string_member (event, "ref"), ref) == 0 &&
          json_object_has_member (event, "snapshot"))
        g_ptr_array_add (out, json_object_get_object_member (event, "snapshot"));
    }
  return out;
}

static gboolean
event_log_has_message (EventLog   *log,
                       const char *name,
                       const char *obj_uuid)
{
  for (guint i = 0; i < log->events->len; i++)
    {
      JsonObject *event = json_node_get_object (g_ptr_array_index (log->events, i));
      JsonObject *snapshot;

      if (g_strcmp0 (json_object_get_string_member (event, "class"), "message") != 0 ||
          !json_object_has_member (event, "snapshot"))
        continue;
      snapshot = json_object_get_object_member (event, "snapshot");
      if (g_strcmp0 (json_object_get_string_member (snapshot, "name"), name) == 0 &&
          g_strcmp0 (json_object_get_string_member (snapshot, "obj_uuid"), obj_uuid) == 0)
        return TRUE;
    }
  return FALSE;
}

/* O1: live migration within a pool ------------------------------------------- */

static void
test_o1_events (void)
{
  const char *vm = sim_ref ("Production", "VM", "web-02");
  const char *source = sim_field ("Production", "VM", vm, "resident_on");
  const char *dest = sim_ref ("Production", "host", "prod-host-04");
  const char *uuid = sim_field ("Production", "VM", vm, "uuid");
  g_autoptr(GPtrArray) vm_states = NULL;
  g_autoptr(GPtrArray) host_states = NULL;
  g_autoptr(GPtrArray) task_states = NULL;
  gboolean saw_operation = FALSE, saw_scheduled = FALSE, saw_host_op = FALSE;
  double last_progress = 0;
  EventLog log;
  const char *task;
  JsonObject *record;
  JsonObject *other_config;
  JsonObject *last;

  /* About two seconds: slow enough to watch. */
  sim_set_time_scale (5);
  event_log_init (&log, "Production");
  task = sim_call_string ("Production", "Async.VM.pool_migrate", sim_fmt ("%s, %s, %s", q (vm), q (dest),
                                                                          sim_map ("live", "true", NULL)));
  while (g_strcmp0 (sim_field ("Production", "task", task, "status"), "pending") == 0)
    event_log_poll (&log, "Production");
  event_log_poll (&log, "Production");
  record = sim_wait_task ("Production", task);
  g_assert_cmpstr (sim_task_outcome (record), ==, "(success)");
  g_assert_cmpstr (json_object_get_string_member (record, "result"), ==, "<value></value>");

  /* xapi.md §6.4 */
  vm_states = event_log_snapshots (&log, vm);
  for (guint i = 0; i < vm_states->len; i++)
    {
      JsonObject *state = g_ptr_array_index (vm_states, i);
      JsonObject *ops = json_object_get_object_member (state, "current_operations");

      if (json_object_has_member (ops, task))
        {
          saw_operation = TRUE;
          g_assert_cmpstr (json_object_get_string_member (ops, task), ==, "pool_migrate");
          /* Nothing else may start meanwhile. */
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (state, "allowed_operations")), ==, 0);
        }
      if (g_strcmp0 (json_object_get_string_member (state, "scheduled_to_be_resident_on"), dest) == 0)
        {
          saw_scheduled = TRUE;
          g_assert_cmpstr (json_object_get_string_member (state, "resident_on"), ==, source);
        }
    }
  g_assert_true (saw_operation);
  g_assert_true (saw_scheduled);
  last = g_ptr_array_index (vm_states, vm_states->len - 1);
  g_assert_cmpstr (json_object_get_string_member (last, "resident_on"), ==, dest);
  g_assert_cmpstr (json_object_get_string_member (last, "scheduled_to_be_resident_on"), ==, "OpaqueRef:NULL");
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (last, "current_operations")), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (last, "power_state"), ==, "Running");

  host_states = event_log_snapshots (&log, dest);
  for (guint i = 0; i < host_states->len; i++)
    {
      JsonObject *ops = json_object_get_object_member (g_ptr_array_index (host_states, i), "current_operations");

      if (json_object_has_member (ops, task))
        {
          saw_host_op = TRUE;
          g_assert_cmpstr (json_object_get_string_member (ops, task), ==, "vm_migrate");
        }
    }
  g_assert_true (saw_host_op);
  g_assert_cmpstr (sim_field ("Production", "host", dest, "current_operations"), ==, "{}");

  /* Progress only grows; cancellable while the memory is copied. */
  task_states = event_log_snapshots (&log, task);
  g_assert_cmpuint (task_states->len, >=, 3);
  for (guint i = 0; i < task_states->len; i++)
    {
      double progress = json_object_get_double_member (g_ptr_array_index (task_states, i), "progress");

      g_assert_cmpfloat (progress, >=, last_progress);
      last_progress = progress;
    }
  g_assert_cmpfloat (last_progress, ==, 1.0);

  g_assert_true (event_log_has_message (&log, "VM_MIGRATED", uuid));

  /* What the time model measured. */
  other_config = json_object_get_object_member (record, "other_config");
  g_assert_true (json_object_has_member (other_config, "sim_duration_s"));
  g_assert_true (json_object_has_member (other_config, "sim_downtime_s"));
  g_assert_true (json_object_has_member (other_config, "sim_bytes_sent"));
  g_assert_cmpfloat (g_ascii_strtod (json_object_get_string_member (other_config, "sim_bytes_sent"), NULL), >, 8.0 * (1 << 30));

  event_log_clear (&log);
  sim_ok ("Production", "task.destroy", q (task));
  sim_assert_invariants ();
}

static void
test_o1_sync_and_back (void)
{
  const char *vm = sim_ref ("Production", "VM", "web-03");
  const char *home = sim_field ("Production", "VM", vm, "resident_on");
  const char *other = sim_ref ("Production", "host", "prod-host-03");
  g_autoptr(JsonNode) tasks = NULL;
  g_autoptr(JsonNode) messages = NULL;
  guint migrated = 0;

  sim_set_time_scale (10000);
  g_assert_cmpstr (sim_call_string ("Production", "VM.pool_migrate",
                                    sim_fmt ("%s, %s, {}", q (vm), q (other))), ==, "");
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "resident_on"), ==, other);
  sim_assert_invariants ();

  /* Over the storage network, with compression. */
  g_assert_cmpstr (sim_call_string ("Production", "VM.pool_migrate",
                                    sim_fmt ("%s, %s, %s", q (vm), q (home),
                                             sim_map ("network", sim_ref ("Production", "network", "Storage"),
                                                      "compress", "true", NULL))), ==, "");
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "resident_on"), ==, home);

  /* A synchronous call's task is gone when it returns. */
  tasks = sim_call ("Production", "task.get_all_records_where",
                    q ("field \"name_label\" = \"VM.pool_migrate\""));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (tasks)), ==, 0);

  messages = sim_call ("Production", "message.get_all_records", NULL);
  {
    JsonObject *all = json_node_get_object (messages);
    g_autoptr(GList) members = json_object_get_members (all);

    for (GList *l = members; l; l = l->next)
      {
        JsonObject *message = json_object_get_object_member (all, l->data);

        if (g_strcmp0 (json_object_get_string_member (message, "name"), "VM_MIGRATED") == 0 &&
            g_strcmp0 (json_object_get_string_member (message, "obj_uuid"),
                       sim_field ("Production", "VM", vm, "uuid")) == 0)
          {
            migrated++;
            g_assert_cmpint (json_object_get_int_member (message, "priority"), ==, 5);
            g_assert_cmpstr (json_object_get_string_member (message, "cls"), ==, "VM");
            g_assert_true (g_str_has_prefix (json_object_get_string_member (message, "body"), "VM 'web-03' (uuid: "));
          }
      }
  }
  g_assert_cmpuint (migrated, ==, 2);
  sim_assert_invariants ();
}

/* R2: the compress option, else the pool's default. On the Evac pool's
 * 1 Gbit/s management network compression sends fewer bytes. */
static double
memory_bytes_sent (const char *vm,
                   const char *to,
                   const char *options)
{
  const char *task = sim_call_string ("Evac", "Async.VM.pool_migrate",
                                      sim_fmt ("%s, %s, %s", q (vm), q (sim_ref ("Evac", "host", to)), options));
  JsonObject *record = sim_wait_task ("Evac", task);
  double bytes;

  g_assert_cmpstr (sim_task_outcome (record), ==, "(success)");
  bytes = g_ascii_strtod (json_object_get_string_member (json_object_get_object_member (record, "other_config"),
                                                         "sim_memory_bytes_sent"), NULL);
  sim_ok ("Evac", "task.destroy", q (task));
  return bytes;
}

static void
test_o1_compression (void)
{
  const char *vm = sim_ref ("Evac", "VM", "ev-vm-5");
  g_autoptr(JsonNode) pools = sim_call ("Evac", "pool.get_all", NULL);
  const char *pool = json_array_get_string_element (json_node_get_array (pools), 0);
  double plain, compressed, by_default, off_again;

  sim_set_time_scale (10000);
  plain = memory_bytes_sent (vm, "ev-2", sim_map ("compress", "false", NULL));
  compressed = memory_bytes_sent (vm, "ev-1", sim_map ("compress", "on", NULL));
  g_assert_cmpfloat (compressed, <, plain);

  /* No option: pool.migration_compression decides (off by default). */
  g_assert_cmpstr (sim_field ("Evac", "pool", pool, "migration_compression"), ==, "false");
  sim_ok ("Evac", "pool.set_migration_compression", sim_fmt ("%s, true", q (pool)));
  by_default = memory_bytes_sent (vm, "ev-2", "{}");
  sim_ok ("Evac", "pool.set_migration_compression", sim_fmt ("%s, false", q (pool)));
  off_again = memory_bytes_sent (vm, "ev-1", "{}");
  g_assert_cmpfloat (by_default, <, off_again);
  g_assert_cmpstr (sim_field ("Evac", "VM", vm, "resident_on"), ==, sim_ref ("Evac", "host", "ev-1"));
  sim_assert_invariants ();
}

/* O2: storage live migration ---------------------------------------------------- */

static void
test_o2_intra_pool (void)
{
  const char *vm = sim_ref ("Production", "VM", "build-01");
  const char *dest = sim_ref ("Production", "host", "prod-host-03");
  const char *local1 = sim_ref ("Production", "SR", "Local storage prod-host-03");
  const char *local2 = sim_ref ("Production", "SR", "Local storage prod-host-02");
  const char *network = sim_ref ("Production", "network", "Storage");
  g_autoptr(GPtrArray) before = sim_vm_disks ("Production", vm);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(JsonNode) receive = NULL;
  g_autofree char *dest_map = NULL;
  const char *old_vdi = g_ptr_array_index (before, 0);
  const char *old_uuid = sim_field ("Production", "VDI", old_vdi, "uuid");
  gint64 used1 = g_ascii_strtoll (sim_field ("Production", "SR", local1, "physical_utilisation"), NULL, 10);
  gint64 used2 = g_ascii_strtoll (sim_field ("Production", "SR", local2, "physical_utilisation"), NULL, 10);
  gint64 size = g_ascii_strtoll (sim_field ("Production", "VDI", old_vdi, "physical_utilisation"), NULL, 10);
  const char *vdi_map = sim_vdi_map_all ("Production", vm, local1);
  const char *task;
  JsonObject *record;

  sim_set_time_scale (10000);
  receive = sim_call ("Production", "host.migrate_receive", sim_fmt ("%s, %s, {}", q (dest), q (network)));
  dest_map = json_to_string (receive, FALSE);
  {
    JsonObject *map = json_node_get_object (receive);

    g_assert_cmpstr (json_object_get_string_member (map, "host"), ==, dest);
    g_assert_true (g_str_has_prefix (json_object_get_string_member (map, "SM"), "http://10.1.1."));
    g_assert_true (g_str_has_suffix (json_object_get_string_member (map, "xenops"),
                                     json_object_get_string_member (map, "session_id")));
    g_assert_true (g_str_has_prefix (json_object_get_string_member (map, "master"), "http://127.0.0.1:"));
  }

  sim_ok ("Production", "VM.assert_can_migrate", sim_fmt ("%s, %s, true, %s, {}, {}, {}", q (vm), dest_map, vdi_map));
  task = sim_call_string ("Production", "Async.VM.migrate_send",
                          sim_fmt ("%s, %s, true, %s, {}, {}, {}", q (vm), dest_map, vdi_map));
  record = sim_wait_task ("Production", task);
  g_assert_cmpstr (sim_task_outcome (record), ==, "(success)");
  /* Within a pool the VM keeps its ref. */
  g_assert_cmpstr (json_object_get_string_member (record, "result"), ==, sim_fmt ("<value>%s</value>", vm));
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "resident_on"), ==, dest);
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "power_state"), ==, "Running");

  /* A new VDI on the new SR; the old one is gone; the space moved with it. */
  after = sim_vm_disks ("Production", vm);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (after, 0), !=, old_vdi);
  g_assert_cmpstr (sim_field ("Production", "VDI", g_ptr_array_index (after, 0), "SR"), ==, local1);
  g_assert_cmpstr (sim_field ("Production", "VDI", g_ptr_array_index (after, 0), "uuid"), !=, old_uuid);
  g_assert_cmpstr (sim_fail ("Production", "VDI.get_record", q (old_vdi)), ==, sim_fmt ("HANDLE_INVALID VDI %s", old_vdi));
  g_assert_cmpint (g_ascii_strtoll (sim_field ("Production", "SR", local2, "physical_utilisation"), NULL, 10), ==, used2 - size);
  g_assert_cmpint (g_ascii_strtoll (sim_field ("Production", "SR", local1, "physical_utilisation"), NULL, 10), >, used1);
  sim_assert_invariants ();
}

static void
test_o2_cross_pool (void)
{
  const char *vm = sim_ref ("Lab", "VM", "lab-web-01");
  const char *uuid = sim_field ("Lab", "VM", vm, "uuid");
  const char *mac = NULL;
  const char *dest = sim_ref ("Production", "host", "prod-host-02");
  const char *nfs = sim_ref ("Production", "SR", "Prod-NFS");
  const char *vm_network = sim_ref ("Production", "network", "VM Network");
  g_autoptr(GPtrArray) old_vdis = sim_vm_disks ("Lab", vm);
  g_autoptr(GPtrArray) new_vdis = NULL;
  g_autoptr(JsonNode) receive = NULL;
  g_autoptr(JsonNode) vifs = NULL;
  g_autofree char *dest_map = NULL;
  const char *vdi_map = sim_vdi_map_all ("Lab", vm, nfs);
  const char *vif_map = sim_vif_map_all ("Lab", vm, vm_network);
  const char *old_vdi_uuid = sim_field ("Lab", "VDI", g_ptr_array_index (old_vdis, 0), "uuid");
  const char *task;
  const char *moved;
  JsonObject *record;
  JsonObject *vm_record;
  EventLog log;

  {
    g_autoptr(JsonNode) lab_vifs = sim_call ("Lab", "VM.get_VIFs", q (vm));
    mac = sim_field ("Lab", "VIF", json_array_get_string_element (json_node_get_array (lab_vifs), 0), "MAC");
  }

  sim_set_time_scale (1000);
  receive = sim_call ("Production", "host.migrate_receive",
                      sim_fmt ("%s, %s, {}", q (dest), q (sim_ref ("Production", "network", "Storage"))));
  dest_map = json_to_string (receive, FALSE);
  sim_ok ("Lab", "VM.assert_can_migrate", sim_fmt ("%s, %s, true, %s, %s, {}, {}", q (vm), dest_map, vdi_map, vif_map));

  event_log_init (&log, "Production");
  task = sim_call_string ("Lab", "Async.VM.migrate_send",
                          sim_fmt ("%s, %s, true, %s, %s, {}, {}", q (vm), dest_map, vdi_map, vif_map));
  record = sim_wait_task ("Lab", task);
  g_assert_cmpstr (sim_task_outcome (record), ==, "(success)");
  event_log_poll (&log, "Production");

  /* The result is the VM's ref in the destination pool; the uuid stays. */
  moved = json_object_get_string_member (record, "result");
  g_assert_true (g_str_has_prefix (moved, "<value>OpaqueRef:"));
  moved = sim_fmt ("%.*s", (int) (strlen (moved) - strlen ("<value>") - strlen ("</value>")), moved + strlen ("<value>"));
  g_assert_cmpstr (sim_call_string ("Production", "VM.get_by_uuid", q (uuid)), ==, moved);
  vm_record = sim_record ("Production", "VM", moved);
  g_assert_cmpstr (json_object_get_string_member (vm_record, "power_state"), ==, "Running");
  g_assert_cmpstr (json_object_get_string_member (vm_record, "resident_on"), ==, dest);
  g_assert_cmpstr (json_object_get_string_member (vm_record, "name_label"), ==, "lab-web-01");
  g_assert_cmpstr (sim_field ("Production", "VM_metrics", json_object_get_string_member (vm_record, "metrics"), "VCPUs_number"), ==, "2");
  g_assert_cmpstr (json_object_get_string_member (vm_record, "guest_metrics"), !=, "OpaqueRef:NULL");

  /* Gone from Lab, with its disks. */
  g_assert_cmpstr (sim_fail ("Lab", "VM.get_by_uuid", q (uuid)), ==, sim_fmt ("UUID_INVALID VM %s", uuid));
  g_assert_cmpstr (sim_fail ("Lab", "VDI.get_by_uuid", q (old_vdi_uuid)), ==, sim_fmt ("UUID_INVALID VDI %s", old_vdi_uuid));

  /* New VDIs (new refs and uuids) on the mapped SR, VIFs on the mapped network, same MAC. */
  new_vdis = sim_vm_disks ("Production", moved);
  g_assert_cmpuint (new_vdis->len, ==, old_vdis->len);
  g_assert_cmpstr (sim_field ("Production", "VDI", g_ptr_array_index (new_vdis, 0), "SR"), ==, nfs);
  g_assert_cmpstr (sim_field ("Production", "VDI", g_ptr_array_index (new_vdis, 0), "uuid"), !=, old_vdi_uuid);
  vifs = sim_call ("Production", "VM.get_VIFs", q (moved));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (vifs)), ==, 1);
  {
    const char *vif = json_array_get_string_element (json_node_get_array (vifs), 0);

    g_assert_cmpstr (sim_field ("Production", "VIF", vif, "network"), ==, vm_network);
    g_assert_cmpstr (sim_field ("Production", "VIF", vif, "MAC"), ==, mac);
  }

  /* The destination saw it arrive, and the message. */
  {
    g_autoptr(GPtrArray) arrivals = event_log_snapshots (&log, moved);
    g_assert_cmpuint (arrivals->len, >, 0);
  }
  g_assert_true (event_log_has_message (&log, "VM_MIGRATED", uuid));
  event_log_clear (&log);
  sim_assert_invariants ();
}

/* g_ptr_array_sort() hands the comparator pointers to the elements. */
static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The name of the @field object of each device of @vm by its userdevice
 * (VBDs, CDs left out) or device (VIFs), from the records and not from the
 * order of VM.VBDs/VIFs: "0=a,1=b". */
static const char *
devices_by_number (const char *pool,
                   const char *vm,
                   gboolean    disks)
{
  g_autoptr(JsonNode) refs = sim_call (pool, disks ? "VM.get_VBDs" : "VM.get_VIFs", q (vm));
  JsonArray *array = json_node_get_array (refs);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *ref = json_array_get_string_element (array, i);

      if (disks && g_strcmp0 (sim_field (pool, "VBD", ref, "type"), "Disk") != 0)
        continue;
      if (disks)
        {
          const char *sr = sim_field (pool, "VDI", sim_field (pool, "VBD", ref, "VDI"), "SR");

          g_ptr_array_add (rows, g_strdup_printf ("%s=%s", sim_field (pool, "VBD", ref, "userdevice"),
                                                  sim_field (pool, "SR", sr, "name_label")));
        }
      else
        g_ptr_array_add (rows, g_strdup_printf ("%s=%s", sim_field (pool, "VIF", ref, "device"),
                                                sim_field (pool, "network", sim_field (pool, "VIF", ref, "network"),
                                                           "name_label")));
    }
  g_ptr_array_sort (rows, compare_rows);
  for (guint i = 0; i < rows->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "," : "", (char *) g_ptr_array_index (rows, i));
  return sim_fmt ("%s", out->str);
}

/* A cross-pool move (O2) with an SR per disk and a network per interface,
 * each crossed over against the creation order: every disk and interface
 * lands where the maps name it, whatever the order of the VM's sets. */
static void
test_o2_cross_pool_per_disk (void)
{
  const char *vm = sim_ref ("Split", "VM", "sp-two");
  const char *uuid = sim_field ("Split", "VM", vm, "uuid");
  const char *disk[2] = { NULL, NULL };
  const char *vif[2] = { NULL, NULL };
  g_autoptr(JsonNode) vbds = sim_call ("Split", "VM.get_VBDs", q (vm));
  g_autoptr(JsonNode) vifs = sim_call ("Split", "VM.get_VIFs", q (vm));
  g_autoptr(JsonNode) receive = NULL;
  g_autofree char *dest_map = NULL;
  const char *vdi_map;
  const char *vif_map;
  const char *moved;

  g_assert_cmpstr (devices_by_number ("Split", vm, TRUE), ==, "0=Split-NFS,1=Split-NFS");
  g_assert_cmpstr (devices_by_number ("Split", vm, FALSE), ==, "0=Front,1=Back");
  /* Disk and interface refs by number, not by the order of the sets. */
  for (guint i = 0; i < json_array_get_length (json_node_get_array (vbds)); i++)
    {
      const char *vbd = json_array_get_string_element (json_node_get_array (vbds), i);
      guint64 n = g_ascii_strtoull (sim_field ("Split", "VBD", vbd, "userdevice"), NULL, 10);

      if (g_strcmp0 (sim_field ("Split", "VBD", vbd, "type"), "Disk") == 0 && n < 2)
        disk[n] = sim_field ("Split", "VBD", vbd, "VDI");
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (vifs)); i++)
    {
      const char *ref = json_array_get_string_element (json_node_get_array (vifs), i);
      guint64 n = g_ascii_strtoull (sim_field ("Split", "VIF", ref, "device"), NULL, 10);

      if (n < 2)
        vif[n] = ref;
    }
  g_assert_nonnull (disk[0]);
  g_assert_nonnull (disk[1]);
  g_assert_nonnull (vif[0]);
  g_assert_nonnull (vif[1]);

  /* Disk 0 → Dest-A, disk 1 → Dest-B; VIF 0 → Net-B, VIF 1 → Net-A. */
  vdi_map = sim_map (disk[0], sim_ref ("Split-Dest", "SR", "Dest-A"),
                     disk[1], sim_ref ("Split-Dest", "SR", "Dest-B"), NULL);
  vif_map = sim_map (vif[0], sim_ref ("Split-Dest", "network", "Net-B"),
                     vif[1], sim_ref ("Split-Dest", "network", "Net-A"), NULL);
  sim_set_time_scale (10000);
  receive = sim_call ("Split-Dest", "host.migrate_receive",
                      sim_fmt ("%s, %s, {}", q (sim_ref ("Split-Dest", "host", "sd-1")),
                               q (sim_ref ("Split-Dest", "network", "Mgmt"))));
  dest_map = json_to_string (receive, FALSE);
  sim_ok ("Split", "VM.assert_can_migrate", sim_fmt ("%s, %s, true, %s, %s, {}, {}", q (vm), dest_map, vdi_map, vif_map));
  moved = sim_call_string ("Split", "VM.migrate_send",
                           sim_fmt ("%s, %s, true, %s, %s, {}, {}", q (vm), dest_map, vdi_map, vif_map));
  g_assert_cmpstr (sim_call_string ("Split-Dest", "VM.get_by_uuid", q (uuid)), ==, moved);
  g_assert_cmpstr (devices_by_number ("Split-Dest", moved, TRUE), ==, "0=Dest-A,1=Dest-B");
  g_assert_cmpstr (devices_by_number ("Split-Dest", moved, FALSE), ==, "0=Net-B,1=Net-A");
  sim_assert_invariants ();
}

static void
test_o2_cross_pool_halted (void)
{
  const char *vm = sim_ref ("legacy-01", "VM", "legacy-halted");
  const char *uuid = sim_field ("legacy-01", "VM", vm, "uuid");
  const char *dest = sim_ref ("Lab", "host", "lab-host-01");
  g_autoptr(JsonNode) receive = NULL;
  g_autofree char *dest_map = NULL;
  const char *moved;

  sim_set_time_scale (10000);
  receive = sim_call ("Lab", "host.migrate_receive",
                      sim_fmt ("%s, %s, {}", q (dest), q (sim_ref ("Lab", "network", "Management"))));
  dest_map = json_to_string (receive, FALSE);
  /* live=false: a halted VM moves too (O4 between pools). */
  moved = sim_call_string ("legacy-01", "VM.migrate_send",
                           sim_fmt ("%s, %s, false, %s, %s, {}, {}", q (vm), dest_map,
                                    sim_vdi_map_all ("legacy-01", vm, sim_ref ("Lab", "SR", "Lab-NFS")),
                                    sim_vif_map_all ("legacy-01", vm, sim_ref ("Lab", "network", "Lab network"))));
  g_assert_cmpstr (sim_call_string ("Lab", "VM.get_by_uuid", q (uuid)), ==, moved);
  g_assert_cmpstr (sim_field ("Lab", "VM", moved, "power_state"), ==, "Halted");
  g_assert_cmpstr (sim_field ("Lab", "VM", moved, "resident_on"), ==, "OpaqueRef:NULL");
  g_assert_cmpstr (sim_fail ("legacy-01", "VM.get_by_uuid", q (uuid)), ==, sim_fmt ("UUID_INVALID VM %s", uuid));
  sim_assert_invariants ();
}

/* Snapshots (and their disks) go along; their VIFs map by MAC. */
static void
test_o2_cross_pool_with_snapshot (void)
{
  const char *vm = sim_ref ("Production", "VM", "web-01");
  const char *uuid = sim_field ("Production", "VM", vm, "uuid");
  const char *snapshot_uuid = sim_field ("Production", "VM", sim_ref ("Production", "VM", "pre-patch"), "uuid");
  const char *nfs = sim_ref ("Evac", "SR", "Evac-NFS");
  g_autoptr(JsonNode) receive = NULL;
  g_autofree char *dest_map = NULL;
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GPtrArray) snapshot_disks = NULL;
  const char *moved;
  const char *snapshot;

  sim_set_time_scale (10000);
  receive = sim_call ("Evac", "host.migrate_receive",
                      sim_fmt ("%s, %s, {}", q (sim_ref ("Evac", "host", "ev-2")), q (sim_ref ("Evac", "network", "Mgmt"))));
  dest_map = json_to_string (receive, FALSE);
  moved = sim_call_string ("Production", "VM.migrate_send",
                           sim_fmt ("%s, %s, true, %s, %s, {}, {}", q (vm), dest_map,
                                    sim_vdi_map_all ("Production", vm, nfs),
                                    sim_vif_map_all ("Production", vm, sim_ref ("Evac", "network", "Mgmt"))));
  g_assert_cmpstr (sim_call_string ("Evac", "VM.get_by_uuid", q (uuid)), ==, moved);
  snapshot = sim_call_string ("Evac", "VM.get_by_uuid", q (snapshot_uuid));
  g_assert_cmpstr (sim_field ("Evac", "VM", snapshot, "snapshot_of"), ==, moved);
  g_assert_cmpstr (sim_field ("Evac", "VM", snapshot, "is_a_snapshot"), ==, "true");
  disks = sim_vm_disks ("Evac", moved);
  snapshot_disks = sim_vm_disks ("Evac", snapshot);
  g_assert_cmpstr (sim_field ("Evac", "VDI", g_ptr_array_index (snapshot_disks, 0), "snapshot_of"), ==,
                   g_ptr_array_index (disks, 0));
  g_assert_cmpstr (sim_field ("Evac", "VDI", g_ptr_array_index (snapshot_disks, 0), "SR"), ==, nfs);
  g_assert_cmpstr (sim_fail ("Production", "VM.get_by_uuid", q (snapshot_uuid)), ==,
                   sim_fmt ("UUID_INVALID VM %s", snapshot_uuid));
  sim_assert_invariants ();
}

/* A suspended VM: its memory image moves to the destination's suspend SR. */
static void
test_o2_cross_pool_suspended (void)
{
  const char *vm = sim_ref ("Production", "VM", "report-suspended");
  const char *uuid = sim_field ("Production", "VM", vm, "uuid");
  g_autoptr(JsonNode) receive = NULL;
  g_autofree char *dest_map = NULL;
  const char *moved;
  const char *image;

  sim_set_time_scale (10000);
  receive = sim_call ("Evac", "host.migrate_receive",
                      sim_fmt ("%s, %s, {}", q (sim_ref ("Evac", "host", "ev-3")), q (sim_ref ("Evac", "network", "Mgmt"))));
  dest_map = json_to_string (receive, FALSE);
  moved = sim_call_string ("Production", "VM.migrate_send",
                           sim_fmt ("%s, %s, true, %s, %s, {}, {}", q (vm), dest_map,
                                    sim_vdi_map_all ("Production", vm, sim_ref ("Evac", "SR", "Evac-NFS")),
                                    sim_vif_map_all ("Production", vm, sim_ref ("Evac", "network", "Mgmt"))));
  g_assert_cmpstr (sim_call_string ("Evac", "VM.get_by_uuid", q (uuid)), ==, moved);
  g_assert_cmpstr (sim_field ("Evac", "VM", moved, "power_state"), ==, "Suspended");
  image = sim_field ("Evac", "VM", moved, "suspend_VDI");
  g_assert_cmpstr (image, !=, "OpaqueRef:NULL");
  g_assert_cmpstr (sim_field ("Evac", "VDI", image, "SR"), ==, sim_ref ("Evac", "SR", "Evac-NFS"));
  g_assert_cmpstr (sim_field ("Evac", "VM", moved, "suspend_SR"), ==, sim_ref ("Evac", "SR", "Evac-NFS"));
  sim_assert_invariants ();
  /* It resumes there. */
  sim_ok ("Evac", "VM.resume", sim_fmt ("%s, false, false", q (moved)));
  g_assert_cmpstr (sim_field ("Evac", "VM", moved, "power_state"), ==, "Running");
  sim_assert_invariants ();
}

static void
test_o2_suspended (void)
{
  const char *vm = sim_ref ("Production", "VM", "report-suspended");
  const char *suspend_vdi = sim_field ("Production", "VM", vm, "suspend_VDI");
  const char *iscsi = sim_ref ("Production", "SR", "Prod-iSCSI");
  const char *dest = sim_ref ("Production", "host", "prod-host-04");
  g_autoptr(JsonNode) receive = NULL;
  g_autofree char *dest_map = NULL;
  g_autoptr(GPtrArray) disks = NULL;

  sim_set_time_scale (10000);
  receive = sim_call ("Production", "host.migrate_receive",
                      sim_fmt ("%s, %s, {}", q (dest), q (sim_ref ("Production", "network", "Management"))));
  dest_map = json_to_string (receive, FALSE);
  g_assert_cmpstr (sim_call_string ("Production", "VM.migrate_send",
                                    sim_fmt ("%s, %s, true, %s, {}, {}, {}", q (vm), dest_map,
                                             sim_vdi_map_all ("Production", vm, iscsi))), ==, vm);
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "power_state"), ==, "Suspended");
  disks = sim_vm_disks ("Production", vm);
  g_assert_cmpstr (sim_field ("Production", "VDI", g_ptr_array_index (disks, 0), "SR"), ==, iscsi);
  /* Its memory image stays on the pool's suspend SR, which it is already on. */
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "suspend_VDI"), ==, suspend_vdi);
  sim_assert_invariants ();
}

/* O3: live VDI migration -------------------------------------------------------- */

static void
test_o3_vdi_pool_migrate (void)
{
  const char *vm = sim_ref ("Production", "VM", "jump-host");
  const char *host = sim_field ("Production", "VM", vm, "resident_on");
  const char *iscsi = sim_ref ("Production", "SR", "Prod-iSCSI");
  g_autoptr(GPtrArray) disks = sim_vm_disks ("Production", vm);
  const char *vdi = g_ptr_array_index (disks, 0);
  const char *task;
  const char *result;
  JsonObject *record;
  EventLog log;
  g_autoptr(GPtrArray) vdi_states = NULL;
  gboolean mirrored = FALSE;

  sim_set_time_scale (200);
  event_log_init (&log, "Production");
  task = sim_call_string ("Production", "Async.VDI.pool_migrate", sim_fmt ("%s, %s, {}", q (vdi), q (iscsi)));
  while (g_strcmp0 (sim_field ("Production", "task", task, "status"), "pending") == 0)
    event_log_poll (&log, "Production");
  record = sim_wait_task ("Production", task);
  g_assert_cmpstr (sim_task_outcome (record), ==, "(success)");

  /* The new VDI is the result; the VM did not move. */
  result = json_object_get_string_member (record, "result");
  g_ptr_array_unref (disks);
  disks = sim_vm_disks ("Production", vm);
  g_assert_cmpstr (result, ==, sim_fmt ("<value>%s</value>", (char *) g_ptr_array_index (disks, 0)));
  g_assert_cmpstr (sim_field ("Production", "VDI", g_ptr_array_index (disks, 0), "SR"), ==, iscsi);
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "resident_on"), ==, host);
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "power_state"), ==, "Running");

  /* The VDI carried the mirror operation meanwhile. */
  vdi_states = event_log_snapshots (&log, vdi);
  for (guint i = 0; i < vdi_states->len; i++)
    mirrored |= json_object_has_member (json_object_get_object_member (g_ptr_array_index (vdi_states, i),
                                                                       "current_operations"), task);
  g_assert_true (mirrored);
  event_log_clear (&log);
  sim_assert_invariants ();
}

/* O4: moving a halted VM --------------------------------------------------------- */

static void
test_o4_copy_and_swap (void)
{
  const char *vm = sim_ref ("Production", "VM", "test-halted");
  const char *iscsi = sim_ref ("Production", "SR", "Prod-iSCSI");
  g_autoptr(GPtrArray) disks = sim_vm_disks ("Production", vm);
  const char *vdi = g_ptr_array_index (disks, 0);
  g_autoptr(JsonNode) vbds = sim_call ("Production", "VDI.get_VBDs", q (vdi));
  const char *old_vbd = json_array_get_string_element (json_node_get_array (vbds), 0);
  const char *copy;
  const char *task;
  const char *vbd;
  JsonObject *record;

  sim_set_time_scale (1000);
  task = sim_call_string ("Production", "Async.VDI.copy", sim_fmt ("%s, %s", q (vdi), q (iscsi)));
  record = sim_wait_task ("Production", task);
  g_assert_cmpstr (sim_task_outcome (record), ==, "(success)");
  copy = json_object_get_string_member (record, "result");
  copy = sim_fmt ("%.*s", (int) (strlen (copy) - 15), copy + 7);
  g_assert_cmpstr (sim_field ("Production", "VDI", copy, "SR"), ==, iscsi);
  g_assert_cmpstr (sim_field ("Production", "VDI", copy, "virtual_size"), ==, sim_field ("Production", "VDI", vdi, "virtual_size"));

  /* Swap: the old VBD goes, a new one takes the copy, the old disk is destroyed. */
  sim_ok ("Production", "VBD.destroy", q (old_vbd));
  vbd = sim_call_string ("Production", "VBD.create",
                         sim_fmt ("{\"VM\": \"%s\", \"VDI\": \"%s\", \"userdevice\": \"0\", \"bootable\": true,"
                                  " \"mode\": \"RW\", \"type\": \"Disk\", \"empty\": false, \"other_config\": {}}",
                                  vm, copy));
  sim_ok ("Production", "VDI.destroy", q (vdi));
  g_assert_cmpstr (sim_field ("Production", "VBD", vbd, "VDI"), ==, copy);
  g_assert_cmpstr (sim_field ("Production", "VBD", vbd, "currently_attached"), ==, "false");
  g_ptr_array_unref (disks);
  disks = sim_vm_disks ("Production", vm);
  g_assert_cmpuint (disks->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (disks, 0), ==, copy);
  sim_assert_invariants ();
}

static void
test_o4_migrate_send_halted (void)
{
  const char *vm = sim_ref ("Production", "VM", "test-halted");
  const char *nfs = sim_ref ("Production", "SR", "Prod-NFS");
  const char *dest = sim_ref ("Production", "host", "prod-host-02");
  g_autoptr(JsonNode) receive = NULL;
  g_autofree char *dest_map = NULL;
  g_autoptr(JsonNode) vbds = NULL;
  g_autoptr(GPtrArray) disks = NULL;
  gboolean cd_ejected = FALSE;

  sim_set_time_scale (10000);
  receive = sim_call ("Production", "host.migrate_receive",
                      sim_fmt ("%s, %s, {}", q (dest), q (sim_ref ("Production", "network", "Management"))));
  dest_map = json_to_string (receive, FALSE);
  g_assert_cmpstr (sim_call_string ("Production", "VM.migrate_send",
                                    sim_fmt ("%s, %s, false, %s, {}, {}, {}", q (vm), dest_map,
                                             sim_vdi_map_all ("Production", vm, nfs))), ==, vm);
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "power_state"), ==, "Halted");
  disks = sim_vm_disks ("Production", vm);
  g_assert_cmpstr (sim_field ("Production", "VDI", g_ptr_array_index (disks, 0), "SR"), ==, nfs);

  /* Its CD was ejected (find_cds_to_eject). */
  vbds = sim_call ("Production", "VM.get_VBDs", q (vm));
  for (guint i = 0; i < json_array_get_length (json_node_get_array (vbds)); i++)
    {
      const char *vbd = json_array_get_string_element (json_node_get_array (vbds), i);

      if (g_strcmp0 (sim_field ("Production", "VBD", vbd, "type"), "CD") == 0)
        cd_ejected = g_strcmp0 (sim_field ("Production", "VBD", vbd, "empty"), "true") == 0;
    }
  g_assert_true (cd_ejected);
  sim_assert_invariants ();
}

/* A CD drive: ejected, filled again, ejected. */
static void
test_o4_cd_drive (void)
{
  const char *vm = sim_ref ("Production", "VM", "test-halted");
  const char *iso = sim_ref ("Production", "VDI", "debian-12.7.0-amd64-netinst.iso");
  g_autoptr(JsonNode) vbds = sim_call ("Production", "VM.get_VBDs", q (vm));
  const char *cd = NULL;
  const char *disk = NULL;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (vbds)); i++)
    {
      const char *vbd = json_array_get_string_element (json_node_get_array (vbds), i);

      if (g_strcmp0 (sim_field ("Production", "VBD", vbd, "type"), "CD") == 0)
        cd = vbd;
      else
        disk = vbd;
    }
  g_assert_nonnull (cd);
  if (g_strcmp0 (sim_field ("Production", "VBD", cd, "empty"), "false") == 0)
    sim_ok ("Production", "VBD.eject", q (cd));
  g_assert_cmpstr (sim_fail ("Production", "VBD.eject", q (cd)), ==, sim_fmt ("VBD_IS_EMPTY %s", cd));
  sim_ok ("Production", "VBD.insert", sim_fmt ("%s, %s", q (cd), q (iso)));
  g_assert_cmpstr (sim_field ("Production", "VBD", cd, "VDI"), ==, iso);
  g_assert_cmpstr (sim_fail ("Production", "VBD.insert", sim_fmt ("%s, %s", q (cd), q (iso))), ==,
                   sim_fmt ("VBD_NOT_EMPTY %s", cd));
  g_assert_cmpstr (sim_fail ("Production", "VBD.eject", q (disk)), ==, sim_fmt ("VBD_NOT_REMOVABLE_MEDIA %s", disk));
  sim_ok ("Production", "VBD.eject", q (cd));
  g_assert_cmpstr (sim_field ("Production", "VBD", cd, "empty"), ==, "true");
  sim_assert_invariants ();
}

/* copy=true between pools: the source stays, the copy is a new VM. */
static void
test_o4_cross_pool_copy (void)
{
  const char *vm = sim_ref ("Evac", "VM", "ev-halted");
  const char *uuid = sim_field ("Evac", "VM", vm, "uuid");
  g_autoptr(JsonNode) receive = NULL;
  g_autofree char *dest_map = NULL;
  g_autoptr(GPtrArray) copy_disks = NULL;
  g_autoptr(GPtrArray) source_disks = NULL;
  const char *copy;

  sim_set_time_scale (10000);
  receive = sim_call ("Production", "host.migrate_receive",
                      sim_fmt ("%s, %s, {}", q (sim_ref ("Production", "host", "prod-host-03")),
                               q (sim_ref ("Production", "network", "Management"))));
  dest_map = json_to_string (receive, FALSE);
  copy = sim_call_string ("Evac", "VM.migrate_send",
                          sim_fmt ("%s, %s, false, %s, {}, %s, {}", q (vm), dest_map,
                                   sim_vdi_map_all ("Evac", vm, sim_ref ("Production", "SR", "Prod-NFS")),
                                   sim_map ("copy", "true", NULL)));
  g_assert_cmpstr (sim_field ("Evac", "VM", vm, "uuid"), ==, uuid);
  g_assert_cmpstr (sim_field ("Production", "VM", copy, "name_label"), ==, "ev-halted");
  g_assert_cmpstr (sim_field ("Production", "VM", copy, "uuid"), !=, uuid);
  g_assert_cmpstr (sim_field ("Production", "VM", copy, "power_state"), ==, "Halted");
  copy_disks = sim_vm_disks ("Production", copy);
  source_disks = sim_vm_disks ("Evac", vm);
  g_assert_cmpuint (copy_disks->len, ==, 1);
  g_assert_cmpuint (source_disks->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (copy_disks, 0), !=, g_ptr_array_index (source_disks, 0));
  sim_assert_invariants ();
}

/* O5: evacuation ------------------------------------------------------------------ */

static void
test_o5_evacuate (void)
{
  const char *host = sim_ref ("Evac", "host", "ev-1");
  const char *network = sim_ref ("Evac", "network", "Migration");
  g_autoptr(JsonNode) blockers = NULL;
  g_autoptr(JsonNode) resident = NULL;
  guint most_at_once = 0;
  const char *task;
  JsonObject *record;

  sim_set_time_scale (20);
  sim_ok ("Evac", "host.disable", q (host));
  blockers = sim_call ("Evac", "host.get_vms_which_prevent_evacuation", q (host));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (blockers)), ==, 0);
  sim_ok ("Evac", "host.assert_can_evacuate", q (host));

  /* Batches of two (R3), over the migration network. */
  task = sim_call_string ("Evac", "Async.host.evacuate", sim_fmt ("%s, %s, 2", q (host), q (network)));
  while (g_strcmp0 (sim_field ("Evac", "task", task, "status"), "pending") == 0)
    {
      g_autoptr(JsonNode) subtasks = sim_call ("Evac", "task.get_all_records_where",
                                               q ("field \"name_label\" = \"Async.VM.pool_migrate\""));
      JsonObject *all = json_node_get_object (subtasks);
      g_autoptr(GList) members = json_object_get_members (all);
      guint running = 0;

      for (GList *l = members; l; l = l->next)
        {
          JsonObject *sub = json_object_get_object_member (all, l->data);

          if (g_strcmp0 (json_object_get_string_member (sub, "subtask_of"), task) == 0)
            running += g_strcmp0 (json_object_get_string_member (sub, "status"), "pending") == 0;
        }
      most_at_once = MAX (most_at_once, running);
      g_usleep (20 * 1000);
    }
  record = sim_wait_task ("Evac", task);
  g_assert_cmpstr (sim_task_outcome (record), ==, "(success)");
  g_assert_cmpuint (most_at_once, <=, 2);
  g_assert_cmpuint (most_at_once, >=, 1);

  /* Only the control domain is left; the host stays disabled until enabled. */
  resident = sim_call ("Evac", "host.get_resident_VMs", q (host));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (resident)), ==, 1);
  g_assert_cmpstr (sim_field ("Evac", "host", host, "enabled"), ==, "false");
  g_assert_cmpstr (sim_field ("Evac", "VM", sim_ref ("Evac", "VM", "ev-vm-3"), "power_state"), ==, "Running");
  g_assert_cmpstr (sim_field ("Evac", "VM", sim_ref ("Evac", "VM", "ev-vm-3"), "resident_on"), !=, host);
  {
    g_autoptr(JsonNode) left = sim_call ("Evac", "task.get_all_records_where",
                                         q ("field \"name_label\" = \"Async.VM.pool_migrate\""));
    g_assert_cmpuint (json_object_get_size (json_node_get_object (left)), ==, 0);
  }
  sim_ok ("Evac", "host.enable", q (host));
  sim_assert_invariants ();
}

/* Cancel, faults ----------------------------------------------------------------- */

static void
test_cancel (void)
{
  const char *vm = sim_ref ("Production", "VM", "app-02");
  const char *source = sim_field ("Production", "VM", vm, "resident_on");
  const char *dest = sim_ref ("Production", "host", "prod-host-02");
  const char *task;
  JsonObject *record;

  /* 32 GiB over 10 Gbit/s: ~30 simulated seconds. */
  sim_set_time_scale (2);
  task = sim_call_string ("Production", "Async.VM.pool_migrate", sim_fmt ("%s, %s, {}", q (vm), q (dest)));
  sim_wait_progress ("Production", task, 0.05);
  g_assert_cmpstr (sim_field ("Production", "task", task, "allowed_operations"), ==, "[\"cancel\"]");
  sim_ok ("Production", "task.cancel", q (task));
  record = sim_wait_task ("Production", task);
  g_assert_cmpstr (sim_task_outcome (record), ==, sim_fmt ("(cancelled) TASK_CANCELLED %s", task));

  /* Nothing moved, nothing is left reserved. */
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "resident_on"), ==, source);
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "power_state"), ==, "Running");
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "scheduled_to_be_resident_on"), ==, "OpaqueRef:NULL");
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "current_operations"), ==, "{}");
  g_assert_cmpstr (sim_field ("Production", "host", dest, "current_operations"), ==, "{}");
  sim_set_time_scale (10000);
  sim_assert_invariants ();
}

/* R29: a failed live migration may leave the VM paused; the client resumes it. */
static void
test_fault_leaves_paused (void)
{
  const char *vm = sim_ref ("Production", "VM", "dc-02");
  const char *source = sim_field ("Production", "VM", vm, "resident_on");
  const char *task;
  JsonObject *record;

  sim_set_time_scale (10000);
  sim_add_faults ("{\"type\": \"fail_migration\", \"vm\": \"dc-02\", \"at_progress\": 0.5, \"leave_paused\": true,"
                  " \"count\": 1}");
  task = sim_call_string ("Production", "Async.VM.pool_migrate",
                          sim_fmt ("%s, %s, {}", q (vm), q (sim_ref ("Production", "host", "prod-host-03"))));
  record = sim_wait_task ("Production", task);
  g_assert_true (g_str_has_prefix (sim_task_outcome (record), "VM_MIGRATE_FAILED"));
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "resident_on"), ==, source);
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "power_state"), ==, "Paused");
  sim_assert_invariants ();

  sim_ok ("Production", "VM.unpause", q (vm));
  g_assert_cmpstr (sim_field ("Production", "VM", vm, "power_state"), ==, "Running");
  sim_clear_faults ();
  sim_assert_invariants ();
}

/* The sessions host.migrate_receive makes end like xapi's: idle for a day. */
static void
test_receive_session_expires (void)
{
  const char *vm = sim_ref ("Production", "VM", "mail-01");
  const char *dest = sim_ref ("Production", "host", "prod-host-01");
  g_autoptr(JsonNode) receive = NULL;
  g_autofree char *dest_map = NULL;
  const char *session;

  receive = sim_call ("Production", "host.migrate_receive",
                      sim_fmt ("%s, %s, {}", q (dest), q (sim_ref ("Production", "network", "Management"))));
  dest_map = json_to_string (receive, FALSE);
  session = json_object_get_string_member (json_node_get_object (receive), "session_id");
  g_assert_cmpstr (sim_field ("Production", "session", session, "auth_user_name"), ==, "root");

  /* A simulated day in a fraction of a second; the sweep runs every second. */
  sim_set_time_scale (1e6);
  g_usleep (1500 * 1000);
  sim_set_time_scale (10000);
  g_assert_cmpstr (sim_fail ("Production", "session.get_record", q (session)), ==,
                   sim_fmt ("HANDLE_INVALID session %s", session));
  g_assert_cmpstr (sim_fail ("Production", "VM.migrate_send",
                             sim_fmt ("%s, %s, true, %s, {}, {}, {}", q (vm), dest_map,
                                      sim_vdi_map_all ("Production", vm, sim_ref ("Production", "SR", "Prod-iSCSI")))),
                   ==, sim_fmt ("SESSION_INVALID %s", session));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  sim_ops_start (extra_scenario);

  g_test_add_func ("/sim/migrate/o1/events", test_o1_events);
  g_test_add_func ("/sim/migrate/o1/sync-and-back", test_o1_sync_and_back);
  g_test_add_func ("/sim/migrate/o1/compression", test_o1_compression);
  g_test_add_func ("/sim/migrate/o2/intra-pool", test_o2_intra_pool);
  g_test_add_func ("/sim/migrate/o2/cross-pool", test_o2_cross_pool);
  g_test_add_func ("/sim/migrate/o2/cross-pool-per-disk", test_o2_cross_pool_per_disk);
  g_test_add_func ("/sim/migrate/o2/cross-pool-halted", test_o2_cross_pool_halted);
  g_test_add_func ("/sim/migrate/o2/suspended", test_o2_suspended);
  g_test_add_func ("/sim/migrate/o2/cross-pool-with-snapshot", test_o2_cross_pool_with_snapshot);
  g_test_add_func ("/sim/migrate/o2/cross-pool-suspended", test_o2_cross_pool_suspended);
  g_test_add_func ("/sim/migrate/o3/vdi-pool-migrate", test_o3_vdi_pool_migrate);
  g_test_add_func ("/sim/migrate/o4/copy-and-swap", test_o4_copy_and_swap);
  g_test_add_func ("/sim/migrate/o4/migrate-send-halted", test_o4_migrate_send_halted);
  g_test_add_func ("/sim/migrate/o4/cd-drive", test_o4_cd_drive);
  g_test_add_func ("/sim/migrate/o4/cross-pool-copy", test_o4_cross_pool_copy);
  g_test_add_func ("/sim/migrate/o5/evacuate", test_o5_evacuate);
  g_test_add_func ("/sim/migrate/cancel", test_cancel);
  g_test_add_func ("/sim/migrate/fault-leaves-paused", test_fault_leaves_paused);
  g_test_add_func ("/sim/migrate/receive-session-expires", test_receive_session_expires);

  status = g_test_run ();
  sim_ops_stop ();
  return status;
}
