/* test-sim-db.c: the simulator's database core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-sim-db.h"

typedef struct
{
  GPtrArray *adds;
  GPtrArray *mods;
  GPtrArray *dels;
} Changes;

static void
collect_change (FerrySimClass *klass,
                const char    *ref,
                FerrySimChange change,
                FerrySimRow   *row,
                gpointer       user_data)
{
  Changes *changes = user_data;
  GPtrArray *list = change == FERRY_SIM_CHANGE_ADD ? changes->adds
                  : change == FERRY_SIM_CHANGE_MOD ? changes->mods
                  : changes->dels;

  g_ptr_array_add (list, g_strdup (ref));
}

static void
changes_clear (Changes *changes)
{
  g_clear_pointer (&changes->adds, g_ptr_array_unref);
  g_clear_pointer (&changes->mods, g_ptr_array_unref);
  g_clear_pointer (&changes->dels, g_ptr_array_unref);
  changes->adds = g_ptr_array_new_with_free_func (g_free);
  changes->mods = g_ptr_array_new_with_free_func (g_free);
  changes->dels = g_ptr_array_new_with_free_func (g_free);
}

static void
test_rows_and_defaults (void)
{
  g_autoptr(FerrySimDb) db = ferry_sim_db_new ();
  FerrySimRow *vm = ferry_sim_db_create (db, "VM");
  FerrySimRow *found;

  g_assert_nonnull (vm);
  g_assert_true (g_str_has_prefix (vm->ref, "OpaqueRef:"));
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "power_state"), ==, "Halted");
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "resident_on"), ==, FERRY_SIM_NULL_REF);
  g_assert_cmpint (strlen (ferry_sim_row_get_uuid (vm)), ==, 36);

  found = ferry_sim_db_lookup_uuid (db, vm->klass, ferry_sim_row_get_uuid (vm));
  g_assert_true (found == vm);
  g_assert_true (ferry_sim_db_lookup_in (db, "VM", vm->ref) == vm);
  g_assert_null (ferry_sim_db_lookup_in (db, "host", vm->ref));
}

static void
test_inverse_sets (void)
{
  g_autoptr(FerrySimDb) db = ferry_sim_db_new ();
  FerrySimRow *h1 = ferry_sim_db_create (db, "host");
  FerrySimRow *h2 = ferry_sim_db_create (db, "host");
  FerrySimRow *vm = ferry_sim_db_create (db, "VM");

  ferry_sim_db_set_string (db, vm, "resident_on", h1->ref);
  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (h1, "resident_VMs"), vm->ref));

  ferry_sim_db_set_string (db, vm, "resident_on", h2->ref);
  g_assert_false (ferry_sim_value_contains_string (ferry_sim_row_get (h1, "resident_VMs"), vm->ref));
  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (h2, "resident_VMs"), vm->ref));

  ferry_sim_db_delete_row (db, vm);
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (h2, "resident_VMs")), ==, 0);
}

static void
test_rebuild_relations (void)
{
  g_autoptr(FerrySimDb) db = ferry_sim_db_new ();
  FerrySimClass *vm_class = ferry_sim_schema_lookup_class ("VM");
  FerrySimRow *vm = ferry_sim_db_create_row (db, vm_class, "OpaqueRef:vm1", NULL);
  FerrySimRow *host;
  FerrySimValue ref = FERRY_SIM_VALUE_INIT;

  /* A bulk load may point at a host that does not exist yet. */
  ferry_sim_value_set_string (&ref, "OpaqueRef:h1");
  ferry_sim_db_load_value (db, vm, ferry_sim_class_lookup_field (vm_class, "resident_on"), &ref);
  host = ferry_sim_db_create_row (db, ferry_sim_schema_lookup_class ("host"), "OpaqueRef:h1", NULL);
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (host, "resident_VMs")), ==, 0);

  ferry_sim_db_rebuild_relations (db);
  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (host, "resident_VMs"), "OpaqueRef:vm1"));
}

static void
test_changes_since (void)
{
  g_autoptr(FerrySimDb) db = ferry_sim_db_new ();
  FerrySimRow *a = ferry_sim_db_create (db, "VM");
  FerrySimRow *b = ferry_sim_db_create (db, "VM");
  g_autofree char *b_ref = g_strdup (b->ref);
  Changes changes = { 0 };
  gint64 token;

  changes_clear (&changes);
  ferry_sim_db_foreach_change (db, 0, collect_change, &changes);
  g_assert_cmpuint (changes.adds->len, ==, 2);

  token = ferry_sim_db_get_generation (db);
  ferry_sim_db_set_string (db, a, "name_label", "web");
  ferry_sim_db_set_string (db, a, "name_label", "web");  /* no change, no event */
  ferry_sim_db_delete_row (db, b);

  changes_clear (&changes);
  ferry_sim_db_foreach_change (db, token, collect_change, &changes);
  g_assert_cmpuint (changes.adds->len, ==, 0);
  g_assert_cmpuint (changes.mods->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (changes.mods, 0), ==, a->ref);
  g_assert_cmpuint (changes.dels->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (changes.dels, 0), ==, b_ref);

  changes_clear (&changes);
  ferry_sim_db_foreach_change (db, ferry_sim_db_get_generation (db), collect_change, &changes);
  g_assert_cmpuint (changes.adds->len + changes.mods->len + changes.dels->len, ==, 0);
  g_clear_pointer (&changes.adds, g_ptr_array_unref);
  g_clear_pointer (&changes.mods, g_ptr_array_unref);
  g_clear_pointer (&changes.dels, g_ptr_array_unref);
}

static void
test_type_coercion (void)
{
  const FerrySimType *int_type = ferry_sim_type_parse ("int");
  const FerrySimType *enum_type = ferry_sim_type_parse ("enum vm_power_state");
  const FerrySimType *map_type = ferry_sim_type_parse ("(string -> int) map");
  g_auto(FerrySimValue) in = FERRY_SIM_VALUE_INIT;
  g_auto(FerrySimValue) out = FERRY_SIM_VALUE_INIT;
  g_auto(FerrySimValue) item = FERRY_SIM_VALUE_INIT;

  /* int accepts a number or a decimal string (xapi.md §1.6). */
  ferry_sim_value_set_string (&in, "1073741824");
  g_assert_true (ferry_sim_type_coerce (int_type, &in, &out));
  g_assert_cmpint (out.i, ==, 1073741824);
  ferry_sim_value_set_string (&in, "12abc");
  g_assert_false (ferry_sim_type_coerce (int_type, &in, &out));
  ferry_sim_value_set_bool (&in, TRUE);
  g_assert_false (ferry_sim_type_coerce (int_type, &in, &out));

  /* enums match case-insensitively and come out in datamodel spelling. */
  ferry_sim_value_set_string (&in, "running");
  g_assert_true (ferry_sim_type_coerce (enum_type, &in, &out));
  g_assert_cmpstr (out.s, ==, "Running");
  ferry_sim_value_set_string (&in, "flying");
  g_assert_false (ferry_sim_type_coerce (enum_type, &in, &out));

  ferry_sim_value_set_map (&in);
  ferry_sim_value_set_string (&item, "7");
  ferry_sim_value_insert (&in, "a", &item);
  g_assert_true (ferry_sim_type_coerce (map_type, &in, &out));
  g_assert_cmpint (ferry_sim_value_lookup (&out, "a")->i, ==, 7);
  g_assert_cmpint (ferry_sim_value_lookup (&out, "a")->kind, ==, FERRY_SIM_VALUE_INT);
}

static void
test_encodings (void)
{
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(GString) xml = g_string_new (NULL);
  g_auto(FerrySimValue) v = FERRY_SIM_VALUE_INIT;
  g_auto(FerrySimValue) item = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_set_map (&v);
  ferry_sim_value_set_int (&item, 1073741824);
  ferry_sim_value_insert (&v, "mem", &item);
  ferry_sim_value_set_float (&item, 1.0);
  ferry_sim_value_insert (&v, "progress", &item);
  ferry_sim_value_set_bool (&item, TRUE);
  ferry_sim_value_insert (&v, "live", &item);
  ferry_sim_value_set_string (&item, "a<b\"\x01");
  ferry_sim_value_insert (&v, "text", &item);

  ferry_sim_value_write_json (&v, json);
  g_assert_cmpstr (json->str, ==,
                   "{\"mem\":1073741824,\"progress\":1.0,\"live\":true,\"text\":\"a<b\\\"\\u0001\"}");

  ferry_sim_value_write_xmlrpc (&v, xml);
  g_assert_cmpstr (xml->str, ==,
                   "<value><struct>"
                   "<member><name>mem</name><value>1073741824</value></member>"
                   "<member><name>progress</name><value><double>1</double></value></member>"
                   "<member><name>live</name><value><boolean>1</boolean></value></member>"
                   "<member><name>text</name><value>a&lt;b&quot;</value></member>"
                   "</struct></value>");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sim/db/rows-and-defaults", test_rows_and_defaults);
  g_test_add_func ("/sim/db/inverse-sets", test_inverse_sets);
  g_test_add_func ("/sim/db/rebuild-relations", test_rebuild_relations);
  g_test_add_func ("/sim/db/changes-since", test_changes_since);
  g_test_add_func ("/sim/db/type-coercion", test_type_coercion);
  g_test_add_func ("/sim/db/encodings", test_encodings);

  return g_test_run ();
}
