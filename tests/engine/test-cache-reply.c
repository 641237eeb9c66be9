/* test-cache-reply.c: event.from replies read straight from their text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cache-test-utils.h"
#include "ferry-cache.h"
#include "ferry-host.h"
#include "ferry-vm.h"

/* Single quotes stand for double quotes. */
static GBytes *
reply_bytes (const char *single_quoted)
{
  char *text = g_strdup (single_quoted);

  g_strdelimit (text, "'", '"');
  return g_bytes_new_take (text, strlen (text));
}

static FerryCacheBatch *
parse_ok (const char  *single_quoted,
          char       **token)
{
  g_autoptr(GBytes) bytes = reply_bytes (single_quoted);
  g_autoptr(GError) error = NULL;
  FerryCacheBatch *batch = ferry_cache_batch_new_from_reply (bytes, token, &error);

  g_assert_no_error (error);
  g_assert_nonnull (batch);
  return batch;
}

static void
assert_fails (const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  FerryCacheBatch *batch = ferry_cache_batch_new_from_reply (bytes, &token, &error);

  g_assert_null (batch);
  g_assert_null (token);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

#define VM_EVENT(ref, snapshot) \
  "{'id':'1','timestamp':'0.0','class':'vm','operation':'add','ref':'" ref "','snapshot':" snapshot "}"

static const char *good_reply =
  "{'jsonrpc':'2.0','result':{'events':["
  VM_EVENT ("OpaqueRef:a", "{'uuid':'ua','name_label':'A','power_state':'Running','resident_on':'OpaqueRef:h',"
            "'VCPUs_max':2,'platform':{'nomigrate':'false'},'VBDs':['OpaqueRef:x'],'unknown_field':{'deep':[[[1]]]}}")
  ","
  "{'id':'2','timestamp':'0.0','class':'host','operation':'add','ref':'OpaqueRef:h',"
  " 'snapshot':{'uuid':'uh','name_label':'H','enabled':true,'address':'10.0.0.1'}}"
  "],'valid_ref_counts':{'vm':1,'host':1},'token':'00000000000000000012,00000000000000000003'},'id':7}";

static void
test_v2 (void)
{
  g_autofree char *token = NULL;
  g_autoptr(FerryCache) cache = ferry_cache_new ();
  FerryCacheBatch *batch = parse_ok (good_reply, &token);
  FerryVm *vm;

  g_assert_cmpstr (token, ==, "00000000000000000012,00000000000000000003");
  g_assert_cmpuint (ferry_cache_batch_get_n_events (batch), ==, 2);
  g_assert_cmpuint (ferry_cache_batch_get_n_skipped (batch), ==, 0);

  ferry_cache_apply_snapshot_batch (cache, batch);
  vm = FERRY_VM (ferry_cache_lookup (cache, "OpaqueRef:a"));
  g_assert_nonnull (vm);
  g_assert_cmpstr (ferry_object_get_name_label (FERRY_OBJECT (vm)), ==, "A");
  g_assert_cmpint (ferry_vm_get_vcpus_max (vm), ==, 2);
  g_assert_cmpstr (ferry_vm_lookup_platform (vm, "nomigrate"), ==, "false");
  g_assert_true (ferry_host_get_enabled (FERRY_HOST (ferry_cache_lookup (cache, "OpaqueRef:h"))));
  g_assert_cmpuint (g_list_model_get_n_items (ferry_cache_get_relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS,
                                                                        "OpaqueRef:h")), ==, 1);
}

static void
test_v1 (void)
{
  g_autofree char *token = NULL;
  FerryCacheBatch *batch;

  /* JSON-RPC 1.0: "error": null next to the result, in any order. */
  batch = parse_ok ("{'error':null,'id':1,'result':{'token':'t','events':[" VM_EVENT ("OpaqueRef:a", "{}") "]}}", &token);
  g_assert_cmpstr (token, ==, "t");
  g_assert_cmpuint (ferry_cache_batch_get_n_events (batch), ==, 1);
  ferry_cache_batch_free (batch);

  /* No token asked for, an empty batch, blanks everywhere. */
  batch = parse_ok ("  \n{ 'result' : { 'events' : [ ] , 'token' : 'x' } }\r\n\t", NULL);
  g_assert_cmpuint (ferry_cache_batch_get_n_events (batch), ==, 0);
  ferry_cache_batch_free (batch);
}

static void
test_errors (void)
{
  /* Error replies are for the JSON-RPC code to read. */
  assert_fails ("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"SESSION_INVALID\","
                "\"data\":[\"OpaqueRef:s\"]},\"id\":1}");
  assert_fails ("{\"result\":null,\"error\":[\"EVENTS_LOST\"],\"id\":1}");
  assert_fails ("{\"result\":{\"events\":[]},\"error\":[\"X\"]}");
  /* Not an event.from result. */
  assert_fails ("{\"result\":\"OpaqueRef:x\",\"id\":1}");
  assert_fails ("{\"result\":{\"token\":\"t\"}}");
  assert_fails ("[]");
  assert_fails ("");
  assert_fails ("null");
  /* Malformed */
  assert_fails ("{\"result\":{\"events\":[}}");
  assert_fails ("{\"result\":{\"events\":[]}} trailing");
  assert_fails ("{\"result\":{\"events\":[{\"class\":\"vm\" \"ref\":\"x\"}]}}");
  assert_fails ("{\"result\":{\"events\":[{\"class\":\"vm\",,\"ref\":\"x\"}]}}");
  assert_fails ("{\"result\":{\"events\":[{\"class\":\"vm\",\"ref\":\"x\",}]}}");
  assert_fails ("{\"result\":{\"events\":[{\"class\":\"\\x\"}]}}");
  assert_fails ("{\"result\":{\"events\":[{\"class\":\"\\u12\"}]}}");
  assert_fails ("{\"result\":{\"events\":[{\"class\":tru}]}}");
  assert_fails ("{\"result\":{\"events\":[{\"class\":-}]}}");
  assert_fails ("{\"result\":{\"events\":[1 2]}}");
  assert_fails ("{\"result\":{\"events\":[\"unterminated]}}");
}

static void
test_skipped_events (void)
{
  FerryCacheBatch *batch;

  batch = parse_ok ("{'result':{'events':["
                    "1,'x',null,[],{},"
                    "{'class':'session','operation':'add','ref':'OpaqueRef:s','snapshot':{'uuid':'s'}},"
                    "{'class':'vm','operation':'add','ref':'OpaqueRef:a'},"
                    "{'class':'vm','operation':'add','ref':'OpaqueRef:b','snapshot':[1]},"
                    "{'class':'vm','operation':'boom','ref':'OpaqueRef:c','snapshot':{}},"
                    "{'class':'vm','operation':'add','ref':'OpaqueRef:NULL','snapshot':{}},"
                    "{'class':'vm','operation':'add','ref':7,'snapshot':{}},"
                    "{'class':['vm'],'operation':'add','ref':'OpaqueRef:d','snapshot':{}},"
                    "{'class':'vm','operation':'del','ref':'OpaqueRef:e'},"
                    "{'class':'vm','operation':'del','ref':'OpaqueRef:f','snapshot':{'uuid':'f'}}"
                    "]}}", NULL);
  g_assert_cmpuint (ferry_cache_batch_get_n_events (batch), ==, 2);
  g_assert_cmpuint (ferry_cache_batch_get_n_skipped (batch), ==, 12);
  ferry_cache_batch_free (batch);
}

static void
test_member_order (void)
{
  g_autoptr(FerryCache) cache = ferry_cache_new ();
  FerryCacheBatch *batch;

  /* The snapshot comes before the class: it is read at the end. */
  batch = parse_ok ("{'result':{'events':["
                    "{'snapshot':{'name_label':'late','resident_on':'OpaqueRef:h'},'ref':'OpaqueRef:a',"
                    " 'operation':'add','class':'VM'}"
                    "]}}", NULL);
  ferry_cache_apply_snapshot_batch (cache, batch);
  g_assert_cmpstr (ferry_object_get_name_label (ferry_cache_lookup (cache, "OpaqueRef:a")), ==, "late");
  g_assert_cmpstr (ferry_vm_get_resident_on (FERRY_VM (ferry_cache_lookup (cache, "OpaqueRef:a"))),
                   ==, "OpaqueRef:h");
}

/* Found by fuzz-cache-reply: a member named twice. */
static void
test_duplicate_members (void)
{
  g_autoptr(FerryCache) cache = ferry_cache_new ();
  FerryCacheBatch *batch;
  FerryObject *vm;

  batch = parse_ok ("{'result':{'events':["
                    "{'class':'vm','operation':'add','ref':'OpaqueRef:a','snapshot':"
                    " {'tags':['first'],'name_label':'one','tags':['second'],'name_label':'two',"
                    "  'platform':{'a':'1'},'platform':{'b':'2'},'VCPUs_max':1,'VCPUs_max':'x'}},"
                    /* A second class after the snapshot: refused. */
                    "{'class':'host','operation':'add','ref':'OpaqueRef:b','snapshot':{'tags':['t'],'address':'x'},"
                    " 'class':'vm'},"
                    /* The same class twice is fine. */
                    "{'class':'host','operation':'add','ref':'OpaqueRef:c','snapshot':{'address':'y'},'class':'host'}"
                    "]}}", NULL);
  g_assert_cmpuint (ferry_cache_batch_get_n_events (batch), ==, 2);
  g_assert_cmpuint (ferry_cache_batch_get_n_skipped (batch), ==, 1);
  ferry_cache_apply_snapshot_batch (cache, batch);

  vm = ferry_cache_lookup (cache, "OpaqueRef:a");
  g_assert_cmpstrv (ferry_object_get_tags (vm), ((const char * const[]) { "second", NULL }));
  g_assert_cmpstr (ferry_object_get_name_label (vm), ==, "two");
  g_assert_null (ferry_vm_lookup_platform (FERRY_VM (vm), "a"));
  g_assert_cmpstr (ferry_vm_lookup_platform (FERRY_VM (vm), "b"), ==, "2");
  g_assert_cmpint (ferry_vm_get_vcpus_max (FERRY_VM (vm)), ==, 0);
  g_assert_null (ferry_cache_lookup (cache, "OpaqueRef:b"));
  g_assert_cmpstr (ferry_host_get_address (FERRY_HOST (ferry_cache_lookup (cache, "OpaqueRef:c"))), ==, "y");
}

static void
test_strings_and_numbers (void)
{
  const char *text =
    "{\"result\":{\"events\":[{\"class\":\"vm\",\"operation\":\"add\",\"ref\":\"OpaqueRef:a\",\"snapshot\":{"
    "\"name_label\":\"q\\\"b\\\\s\\/n\\nt\\tu\\u00e9 \\ud83d\\ude00 \\ud800x\","
    "\"name_description\":\"\\u0000nul\","
    "\"memory_static_max\":9223372036854775807,"
    "\"memory_static_min\":-9223372036854775808,"
    "\"memory_dynamic_max\":1e3,"
    "\"memory_dynamic_min\":18446744073709551616,"
    "\"memory_overhead\":-12,"
    "\"HVM_shadow_multiplier\":-0.5E+1,"
    "\"domid\":\"42\","
    "\"other_config\":{\"dup\":\"first\",\"a\":\"1\",\"dup\":\"last\",\"i\":-3,\"d\":2.5,\"b\":false}"
    "}}]}}";
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryCache) cache = ferry_cache_new ();
  FerryCacheBatch *batch = ferry_cache_batch_new_from_reply (bytes, NULL, &error);
  FerryVm *vm;

  g_assert_no_error (error);
  ferry_cache_apply_snapshot_batch (cache, batch);
  vm = FERRY_VM (ferry_cache_lookup (cache, "OpaqueRef:a"));

  g_assert_cmpstr (ferry_object_get_name_label (FERRY_OBJECT (vm)), ==,
                   "q\"b\\s/n\nt\tu\xc3\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbdx");
  g_assert_cmpint (ferry_vm_get_memory_static_max (vm), ==, G_MAXINT64);
  g_assert_cmpint (ferry_vm_get_memory_static_min (vm), ==, G_MININT64);
  g_assert_cmpint (ferry_vm_get_memory_dynamic_max (vm), ==, 1000);
  g_assert_cmpint (ferry_vm_get_memory_dynamic_min (vm), ==, 0);   /* out of range */
  g_assert_cmpint (ferry_vm_get_memory_overhead (vm), ==, -12);
  g_assert_cmpfloat (ferry_vm_get_hvm_shadow_multiplier (vm), ==, -5.0);
  g_assert_cmpint (ferry_vm_get_domid (vm), ==, 42);
  g_assert_cmpstr (ferry_object_lookup_other_config (FERRY_OBJECT (vm), "dup"), ==, "last");
  g_assert_cmpstr (ferry_object_lookup_other_config (FERRY_OBJECT (vm), "a"), ==, "1");
  g_assert_cmpstr (ferry_object_lookup_other_config (FERRY_OBJECT (vm), "i"), ==, "-3");
  g_assert_cmpstr (ferry_object_lookup_other_config (FERRY_OBJECT (vm), "d"), ==, "2.5");
  g_assert_cmpstr (ferry_object_lookup_other_config (FERRY_OBJECT (vm), "b"), ==, "false");
}

static void
test_nesting (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"result\":{\"events\":[{\"class\":\"vm\",\"operation\":\"add\","
                                          "\"ref\":\"OpaqueRef:a\",\"snapshot\":{\"skipped\":");
  g_autoptr(GString) kept = NULL;
  FerryCacheBatch *batch;

  /* Deep nesting in a field the cache skips costs nothing... */
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "}}]}}");
  batch = parse_ok (deep->str, NULL);
  g_assert_cmpuint (ferry_cache_batch_get_n_events (batch), ==, 1);
  ferry_cache_batch_free (batch);

  /* ...and in a field it keeps is refused, not a stack overflow. */
  kept = g_string_new ("{\"result\":{\"events\":[{\"class\":\"vm\",\"operation\":\"add\","
                       "\"ref\":\"OpaqueRef:a\",\"snapshot\":{\"other_config\":");
  for (guint i = 0; i < 10000; i++)
    g_string_append (kept, "{\"a\":");
  g_string_append (kept, "1");
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (kept, '}');
  g_string_append (kept, "}}]}}");
  assert_fails (kept->str);
}

/* Every prefix and many corruptions of a valid reply: no crash, no leak. */
static void
test_truncated_and_corrupted (void)
{
  static const char replacements[] = "{}[]\",:\\0aeu-.\xff\x01 ";
  g_autoptr(GBytes) good = reply_bytes (good_reply);
  gsize size;
  const char *data = g_bytes_get_data (good, &size);
  GRand *rand = g_rand_new_with_seed (42);

  for (gsize len = 0; len < size; len++)
    {
      g_autoptr(GBytes) prefix = g_bytes_new (data, len);
      g_autoptr(GError) error = NULL;
      FerryCacheBatch *batch = ferry_cache_batch_new_from_reply (prefix, NULL, &error);

      /* Only blanks may be cut off the end. */
      if (batch != NULL)
        {
          g_assert_no_error (error);
          ferry_cache_batch_free (batch);
        }
      else
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }

  for (guint round = 0; round < 5000; round++)
    {
      g_autofree char *copy = g_memdup2 (data, size);
      g_autoptr(GBytes) corrupted = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(FerryCache) cache = ferry_cache_new ();
      FerryCacheBatch *batch;
      guint flips = g_rand_int_range (rand, 1, 4);

      for (guint f = 0; f < flips; f++)
        copy[g_rand_int_range (rand, 0, size)] = replacements[g_rand_int_range (rand, 0, sizeof replacements - 1)];

      corrupted = g_bytes_new_take (g_steal_pointer (&copy), size);
      batch = ferry_cache_batch_new_from_reply (corrupted, NULL, &error);
      if (batch != NULL)
        ferry_cache_apply_snapshot_batch (cache, batch);
    }

  g_rand_free (rand);
}

static void
test_raw_events (void)
{
  g_autoptr(GBytes) bytes = reply_bytes (good_reply);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) raw = NULL;
  const char * const classes[] = { "host", "pool", NULL };
  FerryCacheBatch *batch;
  JsonObject *event;

  batch = ferry_cache_batch_new_from_reply_full (bytes, classes, &raw, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ferry_cache_batch_get_n_events (batch), ==, 2);
  ferry_cache_batch_free (batch);

  g_assert_cmpuint (json_array_get_length (raw), ==, 1);
  event = json_array_get_object_element (raw, 0);
  g_assert_cmpstr (json_object_get_string_member (event, "ref"), ==, "OpaqueRef:h");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (event, "snapshot"), "address"),
                   ==, "10.0.0.1");
}

/* The same reply through json-glib gives the same objects. */
static void
test_same_as_json_glib (void)
{
  g_autoptr(GBytes) bytes = reply_bytes (good_reply);
  g_autoptr(JsonNode) root = json_from_string (g_bytes_get_data (bytes, NULL), NULL);
  JsonArray *events = json_object_get_array_member (json_object_get_object_member (json_node_get_object (root), "result"),
                                                    "events");
  g_autoptr(FerryCache) a = ferry_cache_new ();
  g_autoptr(FerryCache) b = ferry_cache_new ();

  ferry_cache_apply_snapshot (a, events);
  ferry_cache_apply_snapshot_batch (b, ferry_cache_batch_new_from_reply (bytes, NULL, NULL));
  g_assert_cmpuint (ferry_cache_get_n_objects (a), ==, ferry_cache_get_n_objects (b));

  /* Applying the other path's snapshot to a changes nothing. */
  {
    g_autoptr(NotifyWatch) watch = notify_watch_new (ferry_cache_lookup (a, "OpaqueRef:a"));
    g_autoptr(ModelWatch) vms = model_watch_new (ferry_cache_get_objects (a, FERRY_TYPE_VM));

    ferry_cache_apply_snapshot_batch (a, ferry_cache_batch_new_from_reply (bytes, NULL, NULL));
    test_iterate ();
    notify_watch_assert (watch, "");
    model_watch_assert (vms, "");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/cache/reply/v2", test_v2);
  g_test_add_func ("/engine/cache/reply/v1", test_v1);
  g_test_add_func ("/engine/cache/reply/errors", test_errors);
  g_test_add_func ("/engine/cache/reply/skipped-events", test_skipped_events);
  g_test_add_func ("/engine/cache/reply/member-order", test_member_order);
  g_test_add_func ("/engine/cache/reply/duplicate-members", test_duplicate_members);
  g_test_add_func ("/engine/cache/reply/strings-and-numbers", test_strings_and_numbers);
  g_test_add_func ("/engine/cache/reply/nesting", test_nesting);
  g_test_add_func ("/engine/cache/reply/truncated-and-corrupted", test_truncated_and_corrupted);
  g_test_add_func ("/engine/cache/reply/raw-events", test_raw_events);
  g_test_add_func ("/engine/cache/reply/same-as-json-glib", test_same_as_json_glib);

  return g_test_run ();
}
