/* test-flow-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ferry-cache.h"
#include "ferry-ui-utils.h"
#include "ferry-vm.h"
#include "ferry-flow-rows.h"
#include "ferry-sim-scenario.h"
#include "ferry-sim-world.h"
#include "test-flow-utils.h"

#define VM_SMALL(name) \
  "{ \"name\": \"" name "\", \"power_state\": \"running\", \"host\": \"fl-1\", \"memory\": \"1 GiB\", \"os\": \"debian-12\",\n" \
  "  \"disks\": [ { \"size\": \"4 GiB\", \"sr\": \"Flow-NFS\" } ], \"vifs\": [ \"Net-A\" ] },\n"

static const char scenario[] =
  "{ \"users\": { \"root\": \"demo\" },\n"
  "  \"pools\": [ {\n"
  "    \"name\": \"Flow\",\n"
  "    \"address_prefix\": \"10.6.0.\",\n"
  "    \"hosts\": [ { \"name\": \"fl-1\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"10G\", \"eth1\": \"10G\" } },\n"
  "                 { \"name\": \"fl-2\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"10G\", \"eth1\": \"10G\" } },\n"
  "                 { \"name\": \"fl-3\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"10G\", \"eth1\": \"10G\" } } ],\n"
  "    \"networks\": [ { \"name\": \"Mgmt\", \"nic\": \"eth0\", \"management\": true },\n"
  "                    { \"name\": \"Net-A\", \"nic\": \"eth1\" },\n"
  "                    { \"name\": \"Net-C\", \"nic\": \"eth1\", \"vlan\": 30 } ],\n"
  "    \"srs\": [ { \"name\": \"Flow-NFS\", \"type\": \"nfs\", \"size\": \"2 TiB\", \"bandwidth\": \"500 MiB/s\" },\n"
  "               { \"name\": \"Flow-iSCSI\", \"type\": \"lvmoiscsi\", \"size\": \"2 TiB\", \"bandwidth\": \"500 MiB/s\" },\n"
  "               { \"name\": \"Flow-Tiny\", \"type\": \"lvmoiscsi\", \"size\": \"2 GiB\" },\n"
  "               { \"name\": \"Local fl-1\", \"type\": \"lvm\", \"host\": \"fl-1\", \"size\": \"500 GiB\" },\n"
  "               { \"name\": \"Local fl-3\", \"type\": \"lvm\", \"host\": \"fl-3\", \"size\": \"100 GiB\" },\n"
  "               { \"name\": \"ISO fl-3\", \"type\": \"iso\", \"hosts\": [ \"fl-3\" ], \"size\": \"20 GiB\", \"isos\": [ \"install.iso\" ] } ],\n"
  "    \"default_sr\": \"Flow-NFS\",\n"
  "    \"vms\": [\n"
  VM_SMALL ("fl-vm-01") VM_SMALL ("fl-vm-02") VM_SMALL ("fl-vm-03") VM_SMALL ("fl-vm-04")
  VM_SMALL ("fl-vm-05") VM_SMALL ("fl-vm-06") VM_SMALL ("fl-vm-07") VM_SMALL ("fl-vm-08")
  VM_SMALL ("fl-vm-09") VM_SMALL ("fl-vm-10") VM_SMALL ("fl-vm-11") VM_SMALL ("fl-vm-12")
  "      { \"name\": \"fl-local\", \"power_state\": \"running\", \"host\": \"fl-1\", \"memory\": \"1 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"4 GiB\", \"sr\": \"Local fl-1\" } ], \"vifs\": [ \"Mgmt\" ] },\n"
  "      { \"name\": \"fl-two\", \"power_state\": \"running\", \"host\": \"fl-2\", \"memory\": \"2 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"name\": \"fl-two system\", \"size\": \"8 GiB\", \"sr\": \"Flow-NFS\" },\n"
  "                     { \"name\": \"fl-two data\", \"size\": \"8 GiB\", \"sr\": \"Flow-NFS\" } ],\n"
  "        \"vifs\": [ \"Net-A\", \"Net-C\" ] },\n"
  "      { \"name\": \"fl-cd\", \"power_state\": \"running\", \"host\": \"fl-3\", \"memory\": \"1 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"4 GiB\", \"sr\": \"Flow-NFS\" } ], \"cd\": \"install.iso\", \"vifs\": [ \"Net-A\" ] },\n"
  "      { \"name\": \"fl-paused\", \"power_state\": \"paused\", \"host\": \"fl-3\", \"memory\": \"1 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"4 GiB\", \"sr\": \"Flow-NFS\" } ], \"vifs\": [ \"Net-A\" ] },\n"
  "      { \"name\": \"fl-stuck\", \"power_state\": \"running\", \"host\": \"fl-3\", \"memory\": \"1 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"4 GiB\", \"sr\": \"Local fl-3\" } ], \"vifs\": [ \"Net-A\" ] },\n"
  "      { \"name\": \"fl-free\", \"power_state\": \"running\", \"host\": \"fl-3\", \"memory\": \"1 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"4 GiB\", \"sr\": \"Flow-NFS\" } ], \"vifs\": [ \"Net-A\" ] },\n"
  "      { \"name\": \"fl-halted\", \"affinity\": \"fl-2\", \"memory\": \"1 GiB\", \"os\": \"debian-12\",\n"
  "        \"disks\": [ { \"size\": \"4 GiB\", \"sr\": \"Flow-NFS\" } ], \"vifs\": [ \"Net-A\" ] } ] },\n"
  "  {\n"
  "    \"name\": \"Dest\",\n"
  "    \"address_prefix\": \"10.7.0.\",\n"
  "    \"hosts\": [ { \"name\": \"d-1\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"10G\", \"eth1\": \"10G\", \"eth2\": \"10G\" } },\n"
  "                 { \"name\": \"d-2\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"10G\", \"eth1\": \"10G\", \"eth2\": \"10G\" } } ],\n"
  "    \"networks\": [ { \"name\": \"Management\", \"nic\": \"eth0\", \"management\": true },\n"
  "                    { \"name\": \"Net-A\", \"nic\": \"eth1\" },\n"
  "                    { \"name\": \"Net-B\", \"nic\": \"eth1\", \"vlan\": 40 },\n"
  "                    { \"name\": \"Migration\", \"nic\": \"eth2\", \"subnet\": \"10.7.1.0/24\" } ],\n"
  "    \"srs\": [ { \"name\": \"Dest-A\", \"type\": \"nfs\", \"size\": \"2 TiB\", \"bandwidth\": \"500 MiB/s\" },\n"
  "               { \"name\": \"Dest-B\", \"type\": \"nfs\", \"size\": \"2 TiB\", \"bandwidth\": \"500 MiB/s\" } ],\n"
  "    \"default_sr\": \"Dest-A\",\n"
  "    \"vms\": [] } ],\n"
  "  \"standalone\": [ {\n"
  "    \"version\": \"xenserver-7.1-cu2\",\n"
  "    \"address_prefix\": \"10.4.0.\",\n"
  "    \"host\": { \"name\": \"old-01\", \"memory\": \"64 GiB\", \"nics\": { \"eth0\": \"1G\" } },\n"
  "    \"networks\": [ { \"name\": \"Management\", \"nic\": \"eth0\", \"management\": true } ],\n"
  "    \"srs\": [ { \"name\": \"Old-NFS\", \"type\": \"nfs\", \"size\": \"2 TiB\" } ] } ] }\n";

static const char * const connection_names[] = { "Flow", "Dest", "old-01" };

static FerrySimWorld *
make_world (gpointer user_data)
{
  g_autoptr(FerrySimWorld) world = ferry_sim_world_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pools = ferry_sim_scenario_load_data (scenario, strlen (scenario), "flow-tests", "demo", &error);

  if (pools == NULL)
    g_error ("Could not load the flow world: %s", error->message);
  for (guint i = 0; i < pools->len; i++)
    ferry_sim_world_add_pool (world, g_ptr_array_index (pools, i));
  return g_steal_pointer (&world);
}

void
flow_fixture_setup (FlowFixture   *fixture,
                    gconstpointer  data)
{
  g_autofree char *journal = g_build_filename (g_get_user_data_dir (), "flow-history.jsonl", NULL);

  fixture->server = ferry_sim_test_server_start (make_world, NULL);
  flow_set_time_scale (fixture, 200);
  fixture->manager = ferry_ui_test_manager_new ();
  g_unlink (journal);
  fixture->history = ferry_history_new (journal);
  fixture->queue = ferry_queue_new (G_LIST_MODEL (fixture->manager), fixture->history, NULL);
  ferry_queue_set_retry_delay (fixture->queue, 0.2);
  fixture->window = ferry_window_new (NULL, fixture->manager, fixture->queue, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1024, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));

  for (guint i = 0; i < G_N_ELEMENTS (connection_names); i++)
    ferry_connection_set_event_timeout (ferry_ui_test_connect (fixture->server, fixture->manager, connection_names[i]),
                                        0.5);
  for (guint i = 0; i < G_N_ELEMENTS (connection_names); i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (G_LIST_MODEL (fixture->manager), i);

      ferry_ui_test_wait_state (connection, FERRY_CONNECTION_STATE_CONNECTED, 30000);
    }
}

static gboolean
toplevels_gone (gpointer data)
{
  return g_list_model_get_n_items (gtk_window_get_toplevels ()) == 0;
}

void
flow_fixture_teardown (FlowFixture   *fixture,
                       gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (fixture->manager));

  ferry_queue_cancel_all (fixture->queue, NULL);
  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i - 1);

      gtk_window_destroy (window);
    }
  ferry_ui_test_wait_until (toplevels_gone, NULL, 2000);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (G_LIST_MODEL (fixture->manager), i);

      ferry_connection_close_async (connection, NULL, NULL, NULL);
    }
  ferry_ui_test_spin (200);
  g_clear_object (&fixture->queue);
  g_clear_object (&fixture->history);
  g_clear_object (&fixture->manager);
  ferry_sim_test_server_stop (fixture->server);
}

void
flow_set_time_scale (FlowFixture *fixture,
                     double       scale)
{
  ferry_ui_test_set_time_scale (fixture->server, scale);
}

static char *
base_url (FlowFixture *fixture,
          const char  *pool)
{
  g_autofree char *url = ferry_ui_test_sim_url (fixture->server, pool, FALSE);

  return g_str_has_suffix (url, "/") ? g_steal_pointer (&url) : g_strconcat (url, "/", NULL);
}

void
flow_add_faults (FlowFixture *fixture,
                 const char  *json)
{
  ferry_ui_test_add_faults (fixture->server, json);
}

FerryObject *
flow_find (FlowFixture *fixture,
           const char  *pool,
           GType        type,
           const char  *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (fixture->manager));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (G_LIST_MODEL (fixture->manager), i);

      if (g_strcmp0 (ferry_connection_get_title (connection), pool) == 0)
        return ferry_ui_test_find_object (connection, type, name);
    }
  g_error ("No connection to %s", pool);
  return NULL;
}

const char *
flow_uuid (FlowFixture *fixture,
           const char  *pool,
           GType        type,
           const char  *name)
{
  return ferry_object_get_uuid (flow_find (fixture, pool, type, name));
}

/* XenAPI against the simulator */

static JsonNode *
call (const char *base,
      const char *method,
      const char *session,
      const char *arg)
{
  g_autofree char *params = arg ? g_strdup_printf ("[\"%s\", \"%s\"]", session, arg) : g_strdup_printf ("[\"%s\"]", session);

  return ferry_sim_test_jsonrpc_result (base, method, params);
}

static const char *
record_string (JsonNode   *record,
               const char *member)
{
  return json_object_get_string_member_with_default (json_node_get_object (record), member, NULL);
}

static char *
name_of (const char *base,
         const char *session,
         const char *class,
         const char *ref)
{
  g_autofree char *method = g_strconcat (class, ".get_name_label", NULL);
  g_autoptr(JsonNode) name = NULL;

  if (ref == NULL || g_str_equal (ref, "OpaqueRef:NULL"))
    return NULL;
  name = call (base, method, session, ref);
  return g_strdup (json_node_get_string (name));
}

/* The VM's record in @pool, or NULL. */
static JsonNode *
vm_record (const char *base,
           const char *session,
           const char *vm)
{
  g_autoptr(JsonNode) refs = call (base, "VM.get_by_name_label", session, vm);
  JsonArray *array = json_node_get_array (refs);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *record = call (base, "VM.get_record", session, json_array_get_string_element (array, i));

      if (!json_object_get_boolean_member_with_default (json_node_get_object (record), "is_a_snapshot", FALSE))
        {
          json_object_set_string_member (json_node_get_object (record), "ref", json_array_get_string_element (array, i));
          return record;
        }
      json_node_unref (record);
    }
  return NULL;
}

char *
flow_sim_vm_power_state (FlowFixture *fixture,
                         const char  *pool,
                         const char  *vm)
{
  g_autofree char *base = base_url (fixture, pool);
  g_autofree char *session = ferry_sim_test_login (base);
  g_autoptr(JsonNode) record = vm_record (base, session, vm);

  return record ? g_strdup (record_string (record, "power_state")) : NULL;
}

char *
flow_sim_vm_host (FlowFixture *fixture,
                  const char  *pool,
                  const char  *vm)
{
  g_autofree char *base = base_url (fixture, pool);
  g_autofree char *session = ferry_sim_test_login (base);
  g_autoptr(JsonNode) record = vm_record (base, session, vm);
  const char *host;

  if (record == NULL)
    return NULL;
  host = record_string (record, "resident_on");
  if (host == NULL || g_str_equal (host, "OpaqueRef:NULL"))
    host = record_string (record, "affinity");
  return name_of (base, session, "host", host);
}

/* g_ptr_array_sort() hands the comparator pointers to the elements. */
static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  return g_ascii_strcasecmp (*(const char * const *) a, *(const char * const *) b);
}

/* "a,b" of the names of @field of each @class object of the VM, by
 * userdevice/device order. */
static char *
vm_devices (FlowFixture *fixture,
            const char  *pool,
            const char  *vm,
            gboolean     disks)
{
  g_autofree char *base = base_url (fixture, pool);
  g_autofree char *session = ferry_sim_test_login (base);
  g_autoptr(JsonNode) record = vm_record (base, session, vm);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  JsonArray *refs;

  if (record == NULL)
    return NULL;
  refs = json_object_get_array_member (json_node_get_object (record), disks ? "VBDs" : "VIFs");
  for (guint i = 0; i < json_array_get_length (refs); i++)
    {
      g_autoptr(JsonNode) device = call (base, disks ? "VBD.get_record" : "VIF.get_record", session,
                                         json_array_get_string_element (refs, i));
      g_autofree char *name = NULL;

      if (disks)
        {
          g_autoptr(JsonNode) sr = NULL;

          if (g_strcmp0 (record_string (device, "type"), "CD") == 0)
            continue;
          sr = call (base, "VDI.get_SR", session, record_string (device, "VDI"));
          name = name_of (base, session, "SR", json_node_get_string (sr));
          g_ptr_array_add (rows, g_strdup_printf ("%s=%s", record_string (device, "userdevice"), name));
        }
      else
        {
          name = name_of (base, session, "network", record_string (device, "network"));
          g_ptr_array_add (rows, g_strdup_printf ("%s=%s", record_string (device, "device"), name));
        }
    }
  g_ptr_array_sort (rows, compare_rows);
  {
    GString *out = g_string_new (NULL);

    for (guint i = 0; i < rows->len; i++)
      {
        const char *row = g_ptr_array_index (rows, i);

        g_string_append_printf (out, "%s%s", out->len ? "," : "", strchr (row, '=') + 1);
      }
    return g_string_free (out, FALSE);
  }
}

char *
flow_sim_vm_disk_srs (FlowFixture *fixture,
                      const char  *pool,
                      const char  *vm)
{
  return vm_devices (fixture, pool, vm, TRUE);
}

char *
flow_sim_vm_networks (FlowFixture *fixture,
                      const char  *pool,
                      const char  *vm)
{
  return vm_devices (fixture, pool, vm, FALSE);
}

gboolean
flow_sim_vm_cd_inserted (FlowFixture *fixture,
                         const char  *pool,
                         const char  *vm)
{
  g_autofree char *base = base_url (fixture, pool);
  g_autofree char *session = ferry_sim_test_login (base);
  g_autoptr(JsonNode) record = vm_record (base, session, vm);
  JsonArray *refs;

  g_assert_nonnull (record);
  refs = json_object_get_array_member (json_node_get_object (record), "VBDs");
  for (guint i = 0; i < json_array_get_length (refs); i++)
    {
      g_autoptr(JsonNode) vbd = call (base, "VBD.get_record", session, json_array_get_string_element (refs, i));

      if (g_strcmp0 (record_string (vbd, "type"), "CD") == 0 &&
          !json_object_get_boolean_member_with_default (json_node_get_object (vbd), "empty", TRUE))
        return TRUE;
    }
  return FALSE;
}

gboolean
flow_sim_host_enabled (FlowFixture *fixture,
                       const char  *pool,
                       const char  *host)
{
  g_autofree char *base = base_url (fixture, pool);
  g_autofree char *session = ferry_sim_test_login (base);
  g_autoptr(JsonNode) refs = call (base, "host.get_by_name_label", session, host);
  g_autoptr(JsonNode) enabled = call (base, "host.get_enabled", session,
                                      json_array_get_string_element (json_node_get_array (refs), 0));

  return json_node_get_boolean (enabled);
}

/* UI */

GtkWidget *
flow_row (GtkWidget  *root,
          const char *title)
{
  GtkWidget *row = ferry_flow_find_row (root, title);

  if (row == NULL)
    g_error ("No row titled “%s”", title);
  return row;
}

static GtkWidget *
find_prefix (GtkWidget  *widget,
             const char *prefix)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), prefix))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_prefix (child, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
flow_row_prefix (GtkWidget  *root,
                 const char *prefix)
{
  GtkWidget *row = find_prefix (root, prefix);

  if (row == NULL)
    g_error ("No row titled “%s…”", prefix);
  return row;
}

void
flow_activate_row (GtkWidget  *root,
                   const char *title)
{
  GtkWidget *row = flow_row (root, title);

  g_assert_true (gtk_widget_activate (row));
  ferry_ui_test_spin (50);
}

static gboolean
wizard_idle (gpointer data)
{
  return !ferry_wizard_get_busy (data);
}

void
flow_next (FerryWizard *wizard)
{
  FerryWizardPage *page = ferry_wizard_get_current_page (wizard);

  g_assert_nonnull (page);
  g_assert_true (ferry_wizard_page_get_complete (page));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
  g_assert_true (ferry_ui_test_wait_until (wizard_idle, wizard, 20000));
  ferry_ui_test_spin (100);
}

static gboolean
page_complete (gpointer data)
{
  FerryWizardPage *page = ferry_wizard_get_current_page (data);

  return page != NULL && ferry_wizard_page_get_complete (page);
}

void
flow_wait_complete (FerryWizard *wizard,
                    guint        timeout_ms)
{
  g_assert_true (ferry_ui_test_wait_until (page_complete, wizard, timeout_ms));
}

const char *
flow_page_title (FerryWizard *wizard)
{
  FerryWizardPage *page = ferry_wizard_get_current_page (wizard);

  return page ? ferry_wizard_page_get_title (page) : NULL;
}

static gboolean
has_jobs (gpointer data)
{
  return ferry_migrate_wizard_get_jobs (data) != NULL;
}

GPtrArray *
flow_finish (FerryMigrateWizard *wizard)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.finish", NULL));
  g_assert_true (ferry_ui_test_wait_until (has_jobs, wizard, 5000));
  return ferry_migrate_wizard_get_jobs (wizard);
}

void
flow_shot (GtkWidget  *window,
           const char *name)
{
  const char *dir = g_getenv ("FERRY_FLOW_SHOTS");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL)
    return;
  ferry_ui_test_spin (300);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_strdup_printf ("%s/%s.png", dir, name);
  gdk_texture_save_to_png (texture, path);
}

struct _FlowWatch
{
  GPtrArray *jobs;
  guint      most;
  guint      id;
};

static gboolean
count_running (gpointer data)
{
  FlowWatch *watch = data;
  guint running = 0;

  for (guint i = 0; i < watch->jobs->len; i++)
    if (ferry_job_get_state (g_ptr_array_index (watch->jobs, i)) == FERRY_JOB_RUNNING)
      running++;
  watch->most = MAX (watch->most, running);
  return G_SOURCE_CONTINUE;
}

FlowWatch *
flow_watch_running (GPtrArray *jobs)
{
  FlowWatch *watch = g_new0 (FlowWatch, 1);

  g_assert_nonnull (jobs);
  watch->jobs = g_ptr_array_ref (jobs);
  watch->id = g_timeout_add (10, count_running, watch);
  return watch;
}

guint
flow_watch_finish (FlowWatch *watch,
                   guint      timeout_ms)
{
  guint most;

  flow_wait_jobs (watch->jobs, timeout_ms);
  count_running (watch);
  g_source_remove (watch->id);
  most = watch->most;
  g_ptr_array_unref (watch->jobs);
  g_free (watch);
  return most;
}

void
flow_wait_jobs (GPtrArray *jobs,
                guint      timeout_ms)
{
  ferry_ui_test_wait_jobs (jobs, timeout_ms);
}

typedef struct
{
  FerryJob      *job;
  FerryJobState  state;
} JobWait;

static gboolean
job_in_state (gpointer data)
{
  JobWait *wait = data;

  return ferry_job_get_state (wait->job) == wait->state;
}

void
flow_wait_job_state (FerryJob      *job,
                     FerryJobState  state,
                     guint          timeout_ms)
{
  JobWait wait = { job, state };

  if (!ferry_ui_test_wait_until (job_in_state, &wait, timeout_ms))
    g_error ("Job of %s is %s, not %s (%s)", ferry_job_get_vm_name (job),
             ferry_job_state_to_string (ferry_job_get_state (job)), ferry_job_state_to_string (state),
             ferry_job_get_phase (job));
}
