/* cache-test-utils.h: building event batches and counting signals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ferry-cache.h"

G_BEGIN_DECLS

/* A pool's records, turned into snapshots and event batches. Snapshots are
 * written as JSON with single quotes: "{'name_label':'a','VM':'OpaqueRef:x'}". */
typedef struct
{
  GHashTable *records;    /* ref → JsonObject (the record) */
  GHashTable *classes;    /* ref → class name */
  GPtrArray  *order;      /* refs, in insertion order */
} TestWorld;

static inline JsonObject *
test_parse_object (const char *single_quoted)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup (single_quoted);
  g_autoptr(JsonNode) node = NULL;

  g_strdelimit (json, "'", '"');
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  return json_object_ref (json_node_get_object (node));
}

static inline TestWorld *
test_world_new (void)
{
  TestWorld *world = g_new0 (TestWorld, 1);

  world->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) json_object_unref);
  world->classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  world->order = g_ptr_array_new_with_free_func (g_free);

  return world;
}

static inline void
test_world_free (TestWorld *world)
{
  g_hash_table_unref (world->records);
  g_hash_table_unref (world->classes);
  g_ptr_array_unref (world->order);
  g_free (world);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestWorld, test_world_free)

static inline void
test_world_add (TestWorld  *world,
                const char *class_name,
                const char *ref,
                const char *record)
{
  g_assert_false (g_hash_table_contains (world->records, ref));

  g_hash_table_insert (world->records, g_strdup (ref), test_parse_object (record));
  g_hash_table_insert (world->classes, g_strdup (ref), g_strdup (class_name));
  g_ptr_array_add (world->order, g_strdup (ref));
}

static inline JsonObject *
test_world_get (TestWorld  *world,
                const char *ref)
{
  JsonObject *record = g_hash_table_lookup (world->records, ref);

  g_assert_nonnull (record);
  return record;
}

static inline void
test_world_remove (TestWorld  *world,
                   const char *ref)
{
  for (guint i = 0; i < world->order->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (world->order, i), ref))
        {
          g_ptr_array_remove_index (world->order, i);
          break;
        }
    }
  g_assert_true (g_hash_table_remove (world->records, ref));
  g_hash_table_remove (world->classes, ref);
}

static inline JsonObject *
test_event_new (const char *class_name,
                const char *operation,
                const char *ref,
                JsonObject *snapshot)
{
  JsonObject *event = json_object_new ();

  json_object_set_string_member (event, "id", "0");
  json_object_set_string_member (event, "timestamp", "0.0");
  json_object_set_string_member (event, "class", class_name);
  json_object_set_string_member (event, "operation", operation);
  json_object_set_string_member (event, "ref", ref);
  if (snapshot != NULL)
    json_object_set_object_member (event, "snapshot", json_object_ref (snapshot));

  return event;
}

/* Every record as an add event: a full snapshot. */
static inline JsonArray *
test_world_snapshot (TestWorld *world)
{
  JsonArray *events = json_array_new ();

  for (guint i = 0; i < world->order->len; i++)
    {
      const char *ref = g_ptr_array_index (world->order, i);

      json_array_add_object_element (events,
                                     test_event_new (g_hash_table_lookup (world->classes, ref), "add", ref,
                                                     g_hash_table_lookup (world->records, ref)));
    }

  return events;
}

/* One event of the current record of @ref ("del" needs no record). */
static inline void
test_events_add (JsonArray  *events,
                 TestWorld  *world,
                 const char *operation,
                 const char *ref)
{
  JsonObject *record = g_str_equal (operation, "del") ? NULL : test_world_get (world, ref);

  json_array_add_object_element (events,
                                 test_event_new (g_hash_table_lookup (world->classes, ref), operation, ref,
                                                 record));
}

/* A model watcher: records items-changed and keeps a mirror of the model
 * updated from the signals alone, checking the model against it each time. */
typedef struct
{
  GListModel *model;
  GPtrArray  *mirror;
  GString    *changes;    /* "pos,removed,added;" per signal */
  gulong      handler;
} ModelWatch;

static inline void
model_watch_check_mirror (ModelWatch *watch)
{
  g_assert_cmpuint (g_list_model_get_n_items (watch->model), ==, watch->mirror->len);

  for (guint i = 0; i < watch->mirror->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (watch->model, i);

      g_assert_true (item == g_ptr_array_index (watch->mirror, i));
    }
  g_assert_null (g_list_model_get_item (watch->model, watch->mirror->len));
}

static inline void
on_model_items_changed_cb (GListModel *model,
                           guint       position,
                           guint       removed,
                           guint       added,
                           ModelWatch *watch)
{
  g_string_append_printf (watch->changes, "%u,%u,%u;", position, removed, added);

  g_assert_cmpuint (position + removed, <=, watch->mirror->len);
  g_ptr_array_remove_range (watch->mirror, position, removed);
  for (guint i = 0; i < added; i++)
    {
      GObject *item = g_list_model_get_item (model, position + i);

      g_assert_nonnull (item);
      g_ptr_array_insert (watch->mirror, position + i, item);
    }

  model_watch_check_mirror (watch);
}

static inline ModelWatch *
model_watch_new (GListModel *model)
{
  ModelWatch *watch = g_new0 (ModelWatch, 1);
  guint n = g_list_model_get_n_items (model);

  watch->model = g_object_ref (model);
  watch->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  watch->changes = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (watch->mirror, g_list_model_get_item (model, i));
  watch->handler = g_signal_connect (model, "items-changed",
                                     G_CALLBACK (on_model_items_changed_cb), watch);

  return watch;
}

static inline void
model_watch_free (ModelWatch *watch)
{
  g_clear_signal_handler (&watch->handler, watch->model);
  g_clear_object (&watch->model);
  g_ptr_array_unref (watch->mirror);
  g_string_free (watch->changes, TRUE);
  g_free (watch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelWatch, model_watch_free)

/* Asserts the signals since the last call, then forgets them. */
#define model_watch_assert(watch, expected)                   \
  G_STMT_START {                                              \
    g_assert_cmpstr ((watch)->changes->str, ==, (expected));  \
    g_string_truncate ((watch)->changes, 0);                  \
  } G_STMT_END

/* Notifications of one object, as "name;name;". */
typedef struct
{
  GObject *object;
  GString *names;
  gulong   handler;
} NotifyWatch;

static inline void
on_notify_cb (GObject     *object,
              GParamSpec  *pspec,
              NotifyWatch *watch)
{
  g_string_append_printf (watch->names, "%s;", pspec->name);
}

static inline NotifyWatch *
notify_watch_new (gpointer object)
{
  NotifyWatch *watch = g_new0 (NotifyWatch, 1);

  watch->object = g_object_ref (object);
  watch->names = g_string_new (NULL);
  watch->handler = g_signal_connect (object, "notify", G_CALLBACK (on_notify_cb), watch);

  return watch;
}

static inline void
notify_watch_free (NotifyWatch *watch)
{
  g_clear_signal_handler (&watch->handler, watch->object);
  g_clear_object (&watch->object);
  g_string_free (watch->names, TRUE);
  g_free (watch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NotifyWatch, notify_watch_free)

#define notify_watch_assert(watch, expected)                 \
  G_STMT_START {                                             \
    g_assert_cmpstr ((watch)->names->str, ==, (expected));   \
    g_string_truncate ((watch)->names, 0);                   \
  } G_STMT_END

/* Runs the default main context until nothing is pending. */
static inline void
test_iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

G_END_DECLS
