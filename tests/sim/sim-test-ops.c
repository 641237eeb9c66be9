/* sim-test-ops.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-sim-faults.h"
#include "ferry-sim-invariants.h"
#include "ferry-sim-scenario.h"
#include "sim-test-ops.h"

static FerrySimTestServer *server;
static GPtrArray *scratch;     /* strings of one test run */
static GHashTable *sessions;   /* pool -> session */
static GPtrArray *nodes;       /* JSON records handed out */

static const char *
keep (char *text)
{
  g_ptr_array_add (scratch, text);
  return text;
}

const char *
sim_fmt (const char *format,
         ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  return keep (text);
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);
  g_autofree char *encoded = json_to_string (node, FALSE);

  g_string_append (out, encoded);
}

const char *
sim_quote (const char *text)
{
  GString *out = g_string_new (NULL);

  append_json_string (out, text);
  return keep (g_string_free (out, FALSE));
}

const char *
sim_map (const char *first_key,
         ...)
{
  GString *out = g_string_new ("{");
  va_list args;

  va_start (args, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      if (out->len > 1)
        g_string_append (out, ", ");
      append_json_string (out, key);
      g_string_append (out, ": ");
      append_json_string (out, value);
    }
  va_end (args);
  g_string_append_c (out, '}');
  return keep (g_string_free (out, FALSE));
}

static FerrySimWorld *
make_world (gpointer user_data)
{
  const char *extra = user_data;
  g_autoptr(FerrySimWorld) world = ferry_sim_world_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *demo = g_build_filename (g_getenv ("FERRY_SOURCE_ROOT"), "data", "scenarios", "demo.json", NULL);

  if (!ferry_sim_world_load_scenario (world, demo, "demo", &error))
    g_error ("Could not load the demo: %s", error->message);
  if (extra != NULL)
    {
      g_autoptr(GPtrArray) pools = ferry_sim_scenario_load_data (extra, strlen (extra), "extra", "demo", &error);

      if (pools == NULL)
        g_error ("Could not load the test scenario: %s", error->message);
      for (guint i = 0; i < pools->len; i++)
        ferry_sim_world_add_pool (world, g_ptr_array_index (pools, i));
    }
  return g_steal_pointer (&world);
}

FerrySimTestServer *
sim_ops_start (const char *extra_scenario)
{
  scratch = g_ptr_array_new_with_free_func (g_free);
  sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  server = ferry_sim_test_server_start (make_world, (gpointer) extra_scenario);
  return server;
}

void
sim_ops_stop (void)
{
  ferry_sim_test_server_stop (server);
  server = NULL;
  g_clear_pointer (&scratch, g_ptr_array_unref);
  g_clear_pointer (&sessions, g_hash_table_unref);
  g_clear_pointer (&nodes, g_ptr_array_unref);
}

const char *
sim_url (const char *pool)
{
  return keep (ferry_sim_test_server_dup_master_url (server, pool, FALSE));
}

const char *
sim_session (const char *pool)
{
  const char *session = g_hash_table_lookup (sessions, pool);

  if (session == NULL)
    {
      char *made = ferry_sim_test_login (sim_url (pool));

      g_hash_table_insert (sessions, g_strdup (pool), made);
      session = made;
    }
  return session;
}

static const char *
with_session (const char *pool,
              const char *params)
{
  if (params == NULL || *params == '\0')
    return sim_fmt ("[\"%s\"]", sim_session (pool));
  return sim_fmt ("[\"%s\", %s]", sim_session (pool), params);
}

JsonNode *
sim_call (const char *pool,
          const char *method,
          const char *params)
{
  return ferry_sim_test_jsonrpc_result (sim_url (pool), method, with_session (pool, params));
}

void
sim_ok (const char *pool,
        const char *method,
        const char *params)
{
  json_node_unref (sim_call (pool, method, params));
}

const char *
sim_call_string (const char *pool,
                 const char *method,
                 const char *params)
{
  g_autoptr(JsonNode) result = sim_call (pool, method, params);

  return keep (g_strdup (json_node_get_string (result)));
}

const char *
sim_fail (const char *pool,
          const char *method,
          const char *params)
{
  return keep (ferry_sim_test_jsonrpc_failure (sim_url (pool), method, with_session (pool, params)));
}

const char *
sim_ref (const char *pool,
         const char *klass,
         const char *name)
{
  g_autoptr(JsonNode) refs = sim_call (pool, sim_fmt ("%s.get_by_name_label", klass), sim_fmt ("\"%s\"", name));
  JsonArray *array = json_node_get_array (refs);

  if (json_array_get_length (array) == 0)
    g_error ("No %s named %s in %s", klass, name, pool);
  return keep (g_strdup (json_array_get_string_element (array, 0)));
}

JsonObject *
sim_record (const char *pool,
            const char *klass,
            const char *ref)
{
  JsonNode *record = sim_call (pool, sim_fmt ("%s.get_record", klass), sim_fmt ("\"%s\"", ref));

  g_ptr_array_add (nodes, record);
  return json_node_get_object (record);
}

const char *
sim_field (const char *pool,
           const char *klass,
           const char *ref,
           const char *field)
{
  g_autoptr(JsonNode) value = sim_call (pool, sim_fmt ("%s.get_%s", klass, field), sim_fmt ("\"%s\"", ref));

  if (JSON_NODE_HOLDS_VALUE (value))
    {
      if (json_node_get_value_type (value) == G_TYPE_STRING)
        return keep (g_strdup (json_node_get_string (value)));
      if (json_node_get_value_type (value) == G_TYPE_BOOLEAN)
        return json_node_get_boolean (value) ? "true" : "false";
      if (json_node_get_value_type (value) == G_TYPE_INT64)
        return sim_fmt ("%" G_GINT64_FORMAT, json_node_get_int (value));
      return sim_fmt ("%g", json_node_get_double (value));
    }
  return keep (json_to_string (value, FALSE));
}

GPtrArray *
sim_vm_disks (const char *pool,
              const char *vm)
{
  g_autoptr(JsonNode) vbds = sim_call (pool, "VM.get_VBDs", sim_fmt ("\"%s\"", vm));
  JsonArray *array = json_node_get_array (vbds);
  GPtrArray *vdis = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *vbd = json_array_get_string_element (array, i);

      if (g_strcmp0 (sim_field (pool, "VBD", vbd, "type"), "Disk") != 0 ||
          g_strcmp0 (sim_field (pool, "VBD", vbd, "empty"), "true") == 0)
        continue;
      g_ptr_array_add (vdis, (gpointer) sim_field (pool, "VBD", vbd, "VDI"));
    }
  return vdis;
}

const char *
sim_vdi_map_all (const char *pool,
                 const char *vm,
                 const char *sr)
{
  g_autoptr(GPtrArray) vdis = sim_vm_disks (pool, vm);
  GString *out = g_string_new ("{");

  for (guint i = 0; i < vdis->len; i++)
    g_string_append_printf (out, "%s\"%s\": \"%s\"", i > 0 ? ", " : "", (char *) g_ptr_array_index (vdis, i), sr);
  g_string_append_c (out, '}');
  return keep (g_string_free (out, FALSE));
}

const char *
sim_vif_map_all (const char *pool,
                 const char *vm,
                 const char *network)
{
  g_autoptr(JsonNode) vifs = sim_call (pool, "VM.get_VIFs", sim_fmt ("\"%s\"", vm));
  JsonArray *array = json_node_get_array (vifs);
  GString *out = g_string_new ("{");

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_string_append_printf (out, "%s\"%s\": \"%s\"", i > 0 ? ", " : "", json_array_get_string_element (array, i),
                            network);
  g_string_append_c (out, '}');
  return keep (g_string_free (out, FALSE));
}

JsonObject *
sim_wait_task (const char *pool,
               const char *task)
{
  for (guint i = 0; i < 6000; i++)
    {
      const char *status = sim_field (pool, "task", task, "status");

      if (g_strcmp0 (status, "pending") != 0 && g_strcmp0 (status, "cancelling") != 0)
        return sim_record (pool, "task", task);
      g_usleep (10 * 1000);
    }
  g_error ("Task %s never ended", task);
  return NULL;
}

void
sim_wait_progress (const char *pool,
                   const char *task,
                   double      progress)
{
  for (guint i = 0; i < 6000; i++)
    {
      g_autoptr(JsonNode) value = sim_call (pool, "task.get_progress", sim_fmt ("\"%s\"", task));

      if (json_node_get_double (value) > progress ||
          g_strcmp0 (sim_field (pool, "task", task, "status"), "pending") != 0)
        return;
      g_usleep (5 * 1000);
    }
  g_error ("Task %s made no progress", task);
}

const char *
sim_task_outcome (JsonObject *task)
{
  const char *status = json_object_get_string_member (task, "status");
  JsonArray *error_info = json_object_get_array_member (task, "error_info");
  GString *out;

  if (g_strcmp0 (status, "success") == 0)
    return "(success)";
  out = g_string_new (g_strcmp0 (status, "cancelled") == 0 ? "(cancelled) " : "");
  for (guint i = 0; i < json_array_get_length (error_info); i++)
    g_string_append_printf (out, "%s%s", i > 0 ? " " : "", json_array_get_string_element (error_info, i));
  return keep (g_string_free (out, FALSE));
}

typedef struct
{
  SimWorldFunc func;
  gpointer     data;
} Invocation;

static gboolean
invoke_cb (gpointer data)
{
  Invocation *invocation = data;

  invocation->func (ferry_sim_test_server_get_world (server), invocation->data);
  return G_SOURCE_REMOVE;
}

void
sim_with_world (SimWorldFunc func,
                gpointer     data)
{
  Invocation invocation = { func, data };

  ferry_sim_test_server_invoke (server, invoke_cb, &invocation);
}

FerrySimPool *
sim_world_pool (FerrySimWorld *world,
                const char    *name)
{
  FerrySimPool *pool = ferry_sim_world_lookup_pool (world, name);

  g_assert_nonnull (pool);
  return pool;
}

static void
set_scale_cb (FerrySimWorld *world,
              gpointer       data)
{
  ferry_sim_world_set_time_scale (world, *(double *) data);
}

void
sim_set_time_scale (double scale)
{
  sim_with_world (set_scale_cb, &scale);
}

static void
add_faults_cb (FerrySimWorld *world,
               gpointer       data)
{
  g_autoptr(GError) error = NULL;

  ferry_sim_faults_add_json (ferry_sim_world_get_faults (world), data, -1, &error);
  g_assert_no_error (error);
}

void
sim_add_faults (const char *json)
{
  sim_with_world (add_faults_cb, (gpointer) json);
}

static void
clear_faults_cb (FerrySimWorld *world,
                 gpointer       data)
{
  ferry_sim_faults_clear (ferry_sim_world_get_faults (world));
}

void
sim_clear_faults (void)
{
  sim_with_world (clear_faults_cb, NULL);
}

static void
invariants_cb (FerrySimWorld *world,
               gpointer       data)
{
  GError **error = data;

  ferry_sim_world_check_invariants (world, error);
}

void
sim_assert_invariants (void)
{
  g_autoptr(GError) error = NULL;

  sim_with_world (invariants_cb, &error);
  g_assert_no_error (error);
}
