/* rules-test-utils.h: the demo world in caches, for the rule tests
 *
 * Starts the simulator's demo in-process and keeps one cache per pool
 * (Production, Lab) and one for the standalone host legacy-01, plus the
 * event.from snapshots they came from, so that a test can build a fresh
 * cache with a changed record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include "ferry-cache.h"
#include "ferry-check.h"
#include "ferry-error.h"
#include "ferry-feasibility.h"
#include "ferry-host.h"
#include "ferry-host-metrics.h"
#include "ferry-move-request.h"
#include "ferry-network.h"
#include "ferry-pool.h"
#include "ferry-rules.h"
#include "ferry-sim-test-server.h"
#include "ferry-sr.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

G_BEGIN_DECLS

typedef struct
{
  FerrySimTestServer *server;
  JsonArray          *events[3];
  FerryCache         *caches[3];
} RulesDemo;

enum { DEMO_PRODUCTION, DEMO_LAB, DEMO_LEGACY };

static const char * const demo_names[] = { "Production", "Lab", "legacy-01" };

static RulesDemo demo;

static inline JsonArray *
demo_fetch_events (const char *name)
{
  g_autofree char *url = ferry_sim_test_server_dup_master_url (demo.server, name, FALSE);
  g_autofree char *session = ferry_sim_test_login (url);
  g_autofree char *params = g_strdup_printf ("[\"%s\",[\"*\"],\"\",0.0]", session);
  g_autoptr(JsonNode) result = ferry_sim_test_jsonrpc_result (url, "event.from", params);

  return json_array_ref (json_object_get_array_member (json_node_get_object (result), "events"));
}

static inline FerryCache *
demo_new_cache (guint which)
{
  FerryCache *cache = ferry_cache_new ();

  ferry_cache_apply_snapshot (cache, demo.events[which]);
  ferry_cache_flush (cache);

  return cache;
}

static inline void
demo_start (void)
{
  demo.server = ferry_sim_test_server_start_demo ();
  for (guint i = 0; i < G_N_ELEMENTS (demo.caches); i++)
    {
      demo.events[i] = demo_fetch_events (demo_names[i]);
      demo.caches[i] = demo_new_cache (i);
    }
}

static inline void
demo_stop (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo.caches); i++)
    {
      g_clear_object (&demo.caches[i]);
      g_clear_pointer (&demo.events[i], json_array_unref);
    }
  g_clear_pointer (&demo.server, ferry_sim_test_server_stop);
}

#define PRODUCTION (demo.caches[DEMO_PRODUCTION])
#define LAB        (demo.caches[DEMO_LAB])
#define LEGACY     (demo.caches[DEMO_LEGACY])

static inline gpointer
demo_find (FerryCache *cache,
           GType       type,
           const char *name)
{
  GListModel *objects = ferry_cache_get_objects (cache, type);

  for (guint i = 0; i < g_list_model_get_n_items (objects); i++)
    {
      g_autoptr(FerryObject) object = g_list_model_get_item (objects, i);

      if (g_strcmp0 (ferry_object_get_name_label (object), name) == 0 &&
          !(FERRY_IS_VM (object) && ferry_vm_get_is_a_snapshot (FERRY_VM (object))))
        return object;
    }

  g_error ("no %s named “%s”", g_type_name (type), name);
  return NULL;
}

#define VM(cache, name)      ((FerryVm *) demo_find ((cache), FERRY_TYPE_VM, (name)))
#define HOST(cache, name)    ((FerryHost *) demo_find ((cache), FERRY_TYPE_HOST, (name)))
#define SR(cache, name)      ((FerrySr *) demo_find ((cache), FERRY_TYPE_SR, (name)))
#define NETWORK(cache, name) ((FerryNetwork *) demo_find ((cache), FERRY_TYPE_NETWORK, (name)))

/* The VM's disk (not CD) number @index, in VBD order. */
static inline FerryVdi *
demo_disk (FerryVm *vm,
           guint    index)
{
  GListModel *vbds = ferry_vm_get_vbds (vm);

  for (guint i = 0; i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vdi;

      if (g_strcmp0 (ferry_vbd_get_vbd_type (vbd), "CD") == 0 || ferry_vbd_get_empty (vbd))
        continue;
      vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));
      if (index-- == 0)
        return FERRY_VDI (vdi);
    }

  g_error ("“%s” has no disk %u", ferry_object_get_name_label (FERRY_OBJECT (vm)), index);
  return NULL;
}

/* A copy of the demo cache @which with one field of one record changed. */
static inline FerryCache *
demo_new_cache_with (guint       which,
                     const char *ref,
                     const char *field,
                     JsonNode   *value)
{
  g_autoptr(JsonArray) changed = json_array_new ();
  JsonArray *events = demo.events[which];
  FerryCache *cache = demo_new_cache (which);

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      g_autoptr(JsonNode) copy = NULL;
      JsonObject *snapshot;

      if (g_strcmp0 (json_object_get_string_member (event, "ref"), ref) != 0)
        continue;
      copy = json_node_copy (json_array_get_element (events, i));
      snapshot = json_object_get_object_member (json_node_get_object (copy), "snapshot");
      json_object_set_member (snapshot, field, json_node_copy (value));
      json_object_set_string_member (json_node_get_object (copy), "operation", "mod");
      json_array_add_element (changed, g_steal_pointer (&copy));
    }
  g_assert_cmpuint (json_array_get_length (changed), ==, 1);

  ferry_cache_apply_events (cache, changed);
  ferry_cache_flush (cache);

  return cache;
}

/* Checks: one VM to a host (or the pool with @host NULL, or nowhere with
 * both NULL), with an operation and a default SR. */
static inline GPtrArray *
check_one (FerryVm           *vm,
           FerryHost         *host,
           FerryCache        *pool,
           FerryOperation     op,
           FerrySr           *sr,
           FerryRuleSettings *settings)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new_for_vm (vm);

  if (host != NULL)
    ferry_move_request_set_destination_host (request, host);
  else if (pool != NULL)
    ferry_move_request_set_destination_pool (request, pool);
  ferry_move_request_set_operation (request, op);
  ferry_move_request_set_default_sr (request, sr);

  return ferry_rules_check (request, NULL, settings);
}

static inline void
dump_checks (GPtrArray *checks)
{
  for (guint i = 0; i < checks->len; i++)
    {
      FerryCheck *check = g_ptr_array_index (checks, i);
      g_autofree char *text = ferry_check_to_string (check);
      g_autofree char *severity = g_enum_to_string (FERRY_TYPE_CHECK_SEVERITY, ferry_check_get_severity (check));

      g_test_message ("  [%s] %s — %s", severity, text, ferry_check_get_remedy (check));
    }
}

/* Every finding names things, never refs, and has a remedy and a help page. */
static inline void
assert_well_formed (GPtrArray *checks)
{
  for (guint i = 0; i < checks->len; i++)
    {
      FerryCheck *check = g_ptr_array_index (checks, i);

      g_assert_null (strstr (ferry_check_get_message (check), "OpaqueRef"));
      g_assert_null (strstr (ferry_check_get_remedy (check), "OpaqueRef"));
      g_assert_cmpstr (ferry_check_get_remedy (check), !=, "");
      g_assert_true (ferry_rules_has_rule (ferry_check_get_rule_id (check)));
      g_assert_true (g_str_has_prefix (ferry_check_get_help_id (check), "rule-"));
    }
}

static inline FerryCheck *
assert_finding (GPtrArray          *checks,
                const char         *rule_id,
                FerryCheckSeverity  severity)
{
  FerryCheck *check = ferry_checks_find (checks, rule_id);

  dump_checks (checks);
  assert_well_formed (checks);
  if (check == NULL)
    g_error ("no %s finding", rule_id);
  g_assert_cmpint (ferry_check_get_severity (check), ==, severity);

  return check;
}

static inline void
assert_no_finding (GPtrArray  *checks,
                   const char *rule_id)
{
  dump_checks (checks);
  assert_well_formed (checks);
  if (ferry_checks_find (checks, rule_id) != NULL)
    g_error ("unexpected %s finding: %s", rule_id,
             ferry_check_get_message (ferry_checks_find (checks, rule_id)));
}

static inline void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” does not contain “%s”", text, part);
}

G_END_DECLS
