/* test-cache-sim.c: the object cache fed by a real ferry-sim, in-process
 *
 * The simulator keeps the derived sets (host.resident_VMs, SR.VDIs, VM.VBDs…)
 * itself; every relation model of the cache must list exactly those.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cache-test-utils.h"
#include "ferry-cache.h"
#include "ferry-host.h"
#include "ferry-pool.h"
#include "ferry-sim-test-server.h"
#include "ferry-vm.h"

static FerrySimTestServer *server;

typedef struct
{
  char      *name;
  char      *url;        /* plain HTTP master URL */
  GPtrArray *host_refs;
  gboolean   standalone;
} Target;

static void
target_free (Target *target)
{
  g_free (target->name);
  g_free (target->url);
  g_ptr_array_unref (target->host_refs);
  g_free (target);
}

/* Every pool and standalone host of the demo. */
static GPtrArray *
list_targets (void)
{
  g_autoptr(JsonNode) root = ferry_sim_test_server_get_announcement (server);
  JsonObject *object = json_node_get_object (root);
  JsonArray *pools = json_object_get_array_member (object, "pools");
  JsonArray *standalone = json_object_get_array_member (object, "standalone");
  GPtrArray *targets = g_ptr_array_new_with_free_func ((GDestroyNotify) target_free);

  for (guint i = 0; i < json_array_get_length (pools); i++)
    {
      JsonObject *pool = json_array_get_object_element (pools, i);
      JsonArray *hosts = json_object_get_array_member (pool, "hosts");
      Target *target = g_new0 (Target, 1);

      target->name = g_strdup (json_object_get_string_member (pool, "name"));
      target->url = g_strdup (json_object_get_string_member (pool, "master_http"));
      target->host_refs = g_ptr_array_new_with_free_func (g_free);
      for (guint h = 0; h < json_array_get_length (hosts); h++)
        g_ptr_array_add (target->host_refs,
                         g_strdup (json_object_get_string_member (json_array_get_object_element (hosts, h), "ref")));
      g_ptr_array_add (targets, target);
    }

  for (guint i = 0; i < json_array_get_length (standalone); i++)
    {
      JsonObject *host = json_array_get_object_element (standalone, i);
      Target *target = g_new0 (Target, 1);

      target->name = g_strdup (json_object_get_string_member (host, "name"));
      target->url = g_strdup (json_object_get_string_member (host, "http_url"));
      target->host_refs = g_ptr_array_new_with_free_func (g_free);
      target->standalone = TRUE;
      g_ptr_array_add (target->host_refs, g_strdup (json_object_get_string_member (host, "ref")));
      g_ptr_array_add (targets, target);
    }

  return targets;
}

/* The raw body of an event.from reply, as a connection receives it. */
static GBytes *
raw_event_from (const char *url,
                const char *session,
                const char *classes,
                const char *token,
                double      timeout)
{
  g_autofree char *endpoint = g_strconcat (url, "jsonrpc", NULL);
  char timeout_text[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *body = NULL;
  char *reply;
  guint status = 0;

  g_ascii_dtostr (timeout_text, sizeof timeout_text, timeout);
  body = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"method\":\"event.from\","
                          "\"params\":[\"%s\",%s,\"%s\",%s],\"id\":7}",
                          session, classes, token, timeout_text);
  reply = ferry_sim_test_post (endpoint, "application/json", body, &status);
  g_assert_cmpuint (status, ==, 200);

  return g_bytes_new_take (reply, strlen (reply));
}

static FerryCache *
connect_cache (Target  *target,
               char   **session,
               char   **token)
{
  g_autoptr(FerryCache) cache = ferry_cache_new ();
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  FerryCacheBatch *batch;

  *session = ferry_sim_test_login (target->url);
  reply = raw_event_from (target->url, *session, "[\"*\"]", "", 0.0);
  batch = ferry_cache_batch_new_from_reply (reply, token, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  g_assert_nonnull (*token);
  g_assert_cmpuint (ferry_cache_batch_get_n_events (batch), >, 0);

  ferry_cache_apply_snapshot_batch (cache, batch);
  g_assert_true (ferry_cache_get_populated (cache));

  return g_steal_pointer (&cache);
}

static JsonNode *
all_records (Target     *target,
             const char *session,
             const char *xapi_class)
{
  g_autofree char *method = g_strconcat (xapi_class, ".get_all_records", NULL);
  g_autofree char *params = g_strdup_printf ("[\"%s\"]", session);

  return ferry_sim_test_jsonrpc_result (target->url, method, params);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static char *
sorted_join (GPtrArray *refs)
{
  g_ptr_array_sort (refs, compare_strings);
  g_ptr_array_add (refs, NULL);

  return g_strjoinv (" ", (char **) refs->pdata);
}

/* For every owner of @xapi_class, the relation model lists exactly the refs
 * of the server's derived set @set_field. Returns how many children it saw. */
static guint
assert_relation_matches (FerryCache    *cache,
                         Target        *target,
                         const char    *session,
                         const char    *xapi_class,
                         const char    *set_field,
                         FerryRelation  relation)
{
  g_autoptr(JsonNode) records = all_records (target, session, xapi_class);
  JsonObjectIter iter;
  const char *owner;
  JsonNode *record;
  guint n_children = 0;

  json_object_iter_init (&iter, json_node_get_object (records));
  while (json_object_iter_next (&iter, &owner, &record))
    {
      JsonArray *set = json_object_get_array_member (json_node_get_object (record), set_field);
      GListModel *model = ferry_cache_get_relation (cache, relation, owner);
      g_autoptr(GPtrArray) expected = g_ptr_array_new ();
      g_autoptr(GPtrArray) actual = g_ptr_array_new ();
      g_autofree char *expected_text = NULL;
      g_autofree char *actual_text = NULL;

      g_assert_nonnull (ferry_cache_lookup (cache, owner));

      for (guint i = 0; i < json_array_get_length (set); i++)
        g_ptr_array_add (expected, (gpointer) json_array_get_string_element (set, i));
      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(FerryObject) child = g_list_model_get_item (model, i);

          g_ptr_array_add (actual, (gpointer) ferry_object_get_ref (child));
        }

      expected_text = sorted_join (expected);
      actual_text = sorted_join (actual);
      if (g_strcmp0 (expected_text, actual_text) != 0)
        g_test_message ("%s %s.%s differs", target->name, xapi_class, set_field);
      g_assert_cmpstr (actual_text, ==, expected_text);
      n_children += actual->len - 1;
    }

  return n_children;
}

static void
test_snapshot (void)
{
  g_autoptr(GPtrArray) targets = list_targets ();
  g_autoptr(GPtrArray) caches = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_cmpuint (targets->len, >=, 3);

  /* All connections at once: one cache each. */
  for (guint t = 0; t < targets->len; t++)
    {
      Target *target = g_ptr_array_index (targets, t);
      g_autofree char *session = NULL;
      g_autofree char *token = NULL;
      g_autoptr(FerryCache) cache = connect_cache (target, &session, &token);
      GListModel *hosts = ferry_cache_get_objects (cache, FERRY_TYPE_HOST);
      FerryPool *pool = ferry_cache_get_pool (cache);
      guint n_resident;

      g_test_message ("%s: %u objects", target->name, ferry_cache_get_n_objects (cache));

      /* The pool and its hosts, as the announcement has them. */
      g_assert_nonnull (pool);
      if (!target->standalone)
        g_assert_cmpstr (ferry_object_get_name_label (FERRY_OBJECT (pool)), ==, target->name);
      g_assert_true (ferry_pool_get_hosts (pool) == hosts);
      g_assert_cmpuint (g_list_model_get_n_items (hosts), ==, target->host_refs->len);
      for (guint h = 0; h < target->host_refs->len; h++)
        g_assert_true (FERRY_IS_HOST (ferry_cache_lookup (cache, g_ptr_array_index (target->host_refs, h))));
      g_assert_true (FERRY_IS_HOST (ferry_cache_lookup (cache, ferry_pool_get_master (pool))));

      /* Every relation as the server derives it. */
      n_resident = assert_relation_matches (cache, target, session, "host", "resident_VMs", FERRY_RELATION_HOST_RESIDENT_VMS);
      g_assert_cmpuint (n_resident, >=, target->host_refs->len);   /* dom0s at least */
      assert_relation_matches (cache, target, session, "host", "PBDs", FERRY_RELATION_HOST_PBDS);
      assert_relation_matches (cache, target, session, "host", "PIFs", FERRY_RELATION_HOST_PIFS);
      assert_relation_matches (cache, target, session, "host", "host_CPUs", FERRY_RELATION_HOST_CPUS);
      assert_relation_matches (cache, target, session, "SR", "VDIs", FERRY_RELATION_SR_VDIS);
      assert_relation_matches (cache, target, session, "SR", "PBDs", FERRY_RELATION_SR_PBDS);
      assert_relation_matches (cache, target, session, "VM", "VBDs", FERRY_RELATION_VM_VBDS);
      assert_relation_matches (cache, target, session, "VM", "VIFs", FERRY_RELATION_VM_VIFS);
      assert_relation_matches (cache, target, session, "VDI", "VBDs", FERRY_RELATION_VDI_VBDS);
      assert_relation_matches (cache, target, session, "network", "PIFs", FERRY_RELATION_NETWORK_PIFS);
      assert_relation_matches (cache, target, session, "network", "VIFs", FERRY_RELATION_NETWORK_VIFS);

      /* Typed values made it: every resident VM says it is running or paused. */
      for (guint h = 0; h < g_list_model_get_n_items (hosts); h++)
        {
          g_autoptr(FerryHost) host = g_list_model_get_item (hosts, h);
          GListModel *vms = ferry_host_get_resident_vms (host);

          g_assert_nonnull (ferry_host_get_address (host));
          g_assert_nonnull (ferry_host_lookup_software_version (host, "product_version"));
          for (guint v = 0; v < g_list_model_get_n_items (vms); v++)
            {
              g_autoptr(FerryVm) vm = g_list_model_get_item (vms, v);

              g_assert_cmpstr (ferry_vm_get_resident_on (vm), ==, ferry_object_get_ref (FERRY_OBJECT (host)));
              g_assert_true (ferry_vm_get_power_state (vm) == FERRY_VM_POWER_STATE_RUNNING ||
                             ferry_vm_get_power_state (vm) == FERRY_VM_POWER_STATE_PAUSED);
            }
        }

      g_ptr_array_add (caches, g_steal_pointer (&cache));
    }

  /* The caches do not share objects. */
  for (guint t = 0; t < targets->len; t++)
    for (guint c = 0; c < caches->len; c++)
      {
        Target *target = g_ptr_array_index (targets, t);
        FerryObject *host = ferry_cache_lookup (g_ptr_array_index (caches, c),
                                                g_ptr_array_index (target->host_refs, 0));

        g_assert_true ((host != NULL) == (t == c));
      }
}

/* The json-glib path and the raw-reply path build the same cache. */
static void
test_both_paths (void)
{
  g_autoptr(GPtrArray) targets = list_targets ();
  Target *target = g_ptr_array_index (targets, 0);
  g_autofree char *session = ferry_sim_test_login (target->url);
  g_autoptr(GBytes) reply = raw_event_from (target->url, session, "[\"*\"]", "", 0.0);
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (reply, NULL), NULL);
  JsonArray *events = json_object_get_array_member (json_object_get_object_member (json_node_get_object (node), "result"), "events");
  g_autoptr(FerryCache) from_json = ferry_cache_new ();
  g_autoptr(FerryCache) from_reply = ferry_cache_new ();
  g_autoptr(GError) error = NULL;
  GListModel *vms;

  ferry_cache_apply_snapshot (from_json, events);
  ferry_cache_apply_snapshot_batch (from_reply, ferry_cache_batch_new_from_reply (reply, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (ferry_cache_get_n_objects (from_json), ==, ferry_cache_get_n_objects (from_reply));

  vms = ferry_cache_get_objects (from_json, FERRY_TYPE_VM);
  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(FerryVm) a = g_list_model_get_item (vms, i);
      FerryVm *b = FERRY_VM (ferry_cache_lookup (from_reply, ferry_object_get_ref (FERRY_OBJECT (a))));
      GParamSpec **pspecs;
      guint n_pspecs;

      g_assert_nonnull (b);
      pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (a), &n_pspecs);
      for (guint p = 0; p < n_pspecs; p++)
        {
          g_auto(GValue) va = G_VALUE_INIT;
          g_auto(GValue) vb = G_VALUE_INIT;
          g_autofree char *ta = NULL;
          g_autofree char *tb = NULL;

          g_value_init (&va, pspecs[p]->value_type);
          g_value_init (&vb, pspecs[p]->value_type);
          g_object_get_property (G_OBJECT (a), pspecs[p]->name, &va);
          g_object_get_property (G_OBJECT (b), pspecs[p]->name, &vb);
          if (pspecs[p]->value_type == G_TYPE_HASH_TABLE)
            g_assert_cmpuint (g_hash_table_size (g_value_get_boxed (&va)), ==,
                              g_hash_table_size (g_value_get_boxed (&vb)));
          else
            {
              ta = g_strdup_value_contents (&va);
              tb = g_strdup_value_contents (&vb);
              g_assert_cmpstr (ta, ==, tb);
            }
        }
      g_free (pspecs);
    }
}

static void
test_events (void)
{
  g_autoptr(GPtrArray) targets = list_targets ();
  Target *target = g_ptr_array_index (targets, 0);
  g_autofree char *session = NULL;
  g_autofree char *token = NULL;
  g_autoptr(FerryCache) cache = connect_cache (target, &session, &token);
  const char *host_a = g_ptr_array_index (target->host_refs, 0);
  const char *host_b = g_ptr_array_index (target->host_refs, 1);
  g_autoptr(ModelWatch) on_b = NULL;
  g_autoptr(ModelWatch) on_a = NULL;
  g_autoptr(NotifyWatch) vm_watch = NULL;
  g_autoptr(NotifyWatch) host_watch = NULL;
  g_autofree char *params = NULL;
  g_autoptr(JsonNode) result = NULL;
  GListModel *affine_b;
  FerryVm *vm = NULL;
  gboolean seen = FALSE;

  /* A VM whose home server is not host B. */
  {
    GListModel *vms = ferry_cache_get_objects (cache, FERRY_TYPE_VM);

    for (guint i = 0; i < g_list_model_get_n_items (vms) && vm == NULL; i++)
      {
        g_autoptr(FerryVm) candidate = g_list_model_get_item (vms, i);

        if (!ferry_vm_get_is_control_domain (candidate) && !ferry_vm_get_is_a_template (candidate) &&
            g_strcmp0 (ferry_vm_get_affinity (candidate), host_b) != 0)
          vm = candidate;
      }
  }
  g_assert_nonnull (vm);

  affine_b = ferry_cache_get_relation (cache, FERRY_RELATION_HOST_AFFINITY_VMS, host_b);
  on_b = model_watch_new (affine_b);
  if (ferry_vm_get_affinity (vm) != NULL)
    on_a = model_watch_new (ferry_cache_get_relation (cache, FERRY_RELATION_HOST_AFFINITY_VMS,
                                                      ferry_vm_get_affinity (vm)));
  vm_watch = notify_watch_new (vm);
  host_watch = notify_watch_new (ferry_cache_lookup (cache, host_a));

  /* Change the pool behind the cache's back. */
  params = g_strdup_printf ("[\"%s\",\"%s\",\"%s\"]", session, ferry_object_get_ref (FERRY_OBJECT (vm)), host_b);
  result = ferry_sim_test_jsonrpc_result (target->url, "VM.set_affinity", params);
  g_clear_pointer (&result, json_node_unref);
  g_clear_pointer (&params, g_free);
  params = g_strdup_printf ("[\"%s\",\"%s\",\"moved home\"]", session, ferry_object_get_ref (FERRY_OBJECT (vm)));
  result = ferry_sim_test_jsonrpc_result (target->url, "VM.set_name_label", params);
  g_clear_pointer (&result, json_node_unref);
  g_clear_pointer (&params, g_free);
  params = g_strdup_printf ("[\"%s\",\"%s\"]", session, host_a);
  result = ferry_sim_test_jsonrpc_result (target->url, "host.disable", params);

  /* Follow the event stream until both changes arrived. */
  for (guint i = 0; i < 20 && !seen; i++)
    {
      g_autoptr(GBytes) reply = raw_event_from (target->url, session, "[\"*\"]", token, 5.0);
      g_autoptr(GError) error = NULL;
      g_autofree char *next = NULL;
      FerryCacheBatch *batch = ferry_cache_batch_new_from_reply (reply, &next, &error);

      g_assert_no_error (error);
      g_free (token);
      token = g_steal_pointer (&next);
      ferry_cache_apply_batch (cache, batch);
      test_iterate ();

      seen = g_strcmp0 (ferry_vm_get_affinity (vm), host_b) == 0 &&
             g_strcmp0 (ferry_object_get_name_label (FERRY_OBJECT (vm)), "moved home") == 0 &&
             !ferry_host_get_enabled (FERRY_HOST (ferry_cache_lookup (cache, host_a)));
    }
  g_assert_true (seen);

  /* The VM joined B's model at its arrival position and left its old one. */
  {
    g_autofree char *expected = NULL;
    guint position = 0;

    for (guint i = 0; i < g_list_model_get_n_items (affine_b); i++)
      {
        g_autoptr(FerryObject) item = g_list_model_get_item (affine_b, i);

        if (item == FERRY_OBJECT (vm))
          position = i;
      }
    expected = g_strdup_printf ("%u,0,1;", position);
    model_watch_assert (on_b, expected);
  }
  if (on_a != NULL)
    g_assert_true (g_str_has_suffix (on_a->changes->str, ",1,0;"));
  g_assert_true (strstr (vm_watch->names->str, "name-label;") != NULL);
  g_assert_true (strstr (vm_watch->names->str, "affinity;") != NULL);
  g_assert_true (strstr (host_watch->names->str, "enabled;") != NULL);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  server = ferry_sim_test_server_start_demo ();

  g_test_add_func ("/engine/cache/sim/snapshot", test_snapshot);
  g_test_add_func ("/engine/cache/sim/both-paths", test_both_paths);
  g_test_add_func ("/engine/cache/sim/events", test_events);

  ret = g_test_run ();

  ferry_sim_test_server_stop (server);

  return ret;
}
