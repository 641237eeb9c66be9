/* ferry-cache-batch.c: event.from events turned into typed records
 *
 * Building a batch touches no cache and emits no signal, so a connection can
 * do it on a worker thread; the main thread then only compares and moves
 * values (ferry_cache_apply_batch()). Two ways in: json-glib event objects,
 * or the raw reply text, read one event at a time (ferry-json-reader.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cache-batch"

#include "config.h"

#include <string.h>

#include "ferry-object-private.h"

/* What the member at one position of a class's snapshots was last time:
 * xapi writes every record of a class in the same order, so the name is
 * almost always the same and one memcmp replaces a hash lookup. */
typedef struct
{
  char             *key;
  gsize             len;
  const FerryField *field;    /* NULL: not kept */
  gboolean          is_base;
} Prediction;

struct _FerryCacheBatch
{
  GArray     *records;      /* FerryRecord */
  guint       n_skipped;
  FerryArena  arena;        /* one event's values while it is converted */
  GArray     *predictions[FERRY_N_CLASSES];
};

static void
clear_prediction (gpointer data)
{
  g_free (((Prediction *) data)->key);
}

static const FerryField *
lookup_member (FerryCacheBatch      *batch,
               const FerryClassInfo *info,
               guint                 position,
               const char           *key,
               gsize                 len,
               gboolean             *is_base)
{
  GArray *predictions = batch->predictions[info->id];
  Prediction *prediction;
  Prediction fresh;

  if (predictions == NULL)
    {
      predictions = batch->predictions[info->id] = g_array_new (FALSE, TRUE, sizeof (Prediction));
      g_array_set_clear_func (predictions, clear_prediction);
    }

  if (position < predictions->len)
    {
      prediction = &g_array_index (predictions, Prediction, position);
      if (prediction->len == len && memcmp (prediction->key, key, len) == 0)
        {
          *is_base = prediction->is_base;
          return prediction->field;
        }
    }

  fresh.key = g_strndup (key, len);
  fresh.len = len;
  fresh.field = _ferry_class_info_lookup_field (info, fresh.key, &fresh.is_base);

  if (position < predictions->len)
    {
      prediction = &g_array_index (predictions, Prediction, position);
      g_free (prediction->key);
      *prediction = fresh;
    }
  else if (position == predictions->len)
    g_array_append_val (predictions, fresh);
  else
    g_free (fresh.key);

  *is_base = fresh.is_base;
  return fresh.field;
}

static void
clear_record_unlocked (FerryRecord *record)
{
  guint n_base;
  const FerryField *base = _ferry_object_base_fields (&n_base);

  g_clear_pointer (&record->ref, _ferry_intern_release_unlocked);
  _ferry_fields_clear_unlocked (base, n_base, &record->base);
  if (record->fields != NULL)
    _ferry_fields_clear_unlocked (record->info->fields, record->info->n_fields, record->fields);
}

void
_ferry_record_clear (FerryRecord *record)
{
  _ferry_intern_lock ();
  clear_record_unlocked (record);
  _ferry_intern_unlock ();

  g_clear_pointer (&record->fields, g_free);
}

/* Forgets the snapshot of @record, values included. */
static void
drop_fields (FerryRecord *record)
{
  if (record->fields == NULL)
    return;

  _ferry_fields_clear (record->info->fields, record->info->n_fields, record->fields);
  g_clear_pointer (&record->fields, g_free);
}

static FerryCacheBatch *
batch_new (guint reserved)
{
  FerryCacheBatch *batch;

  _ferry_classes_ensure ();

  batch = g_new0 (FerryCacheBatch, 1);
  batch->records = g_array_sized_new (FALSE, TRUE, sizeof (FerryRecord), reserved);

  return batch;
}

FerryCacheBatch *
ferry_cache_batch_new (void)
{
  return batch_new (0);
}

void
ferry_cache_batch_free (FerryCacheBatch *batch)
{
  if (batch == NULL)
    return;

  /* One lock per record: a long hold would stall the other threads. */
  for (guint i = 0; i < batch->records->len; i++)
    _ferry_record_clear (&g_array_index (batch->records, FerryRecord, i));

  g_array_unref (batch->records);
  _ferry_arena_clear (&batch->arena);
  for (guint i = 0; i < FERRY_N_CLASSES; i++)
    g_clear_pointer (&batch->predictions[i], g_array_unref);
  g_free (batch);
}

static gboolean
parse_operation (const char *str,
                 FerryOp    *op)
{
  if (str == NULL)
    return FALSE;

  if (strcmp (str, "add") == 0)
    *op = FERRY_OP_ADD;
  else if (strcmp (str, "mod") == 0)
    *op = FERRY_OP_MOD;
  else if (strcmp (str, "del") == 0)
    *op = FERRY_OP_DEL;
  else
    return FALSE;

  return TRUE;
}

static gboolean
valid_ref (const char *ref)
{
  return ref != NULL && *ref != '\0' && strcmp (ref, "OpaqueRef:NULL") != 0;
}

/* Stores one snapshot member, if the class keeps it. Holds the intern lock. */
static void
take_member_unlocked (FerryRecord      *record,
                      const FerryField *field,
                      gboolean          is_base,
                      const FerryValue *value)
{
  gpointer fields = is_base ? (gpointer) &record->base : record->fields;

  /* A member named twice: the last one wins. */
  _ferry_field_clear_unlocked (field, fields);

  if (value->kind == FERRY_VALUE_NULL)
    return;

  if (!_ferry_field_parse (field, value, fields))
    g_debug ("%s: ignoring field %s of the wrong type",
             record->info->xapi_name, field->wire_name);
}

/* Keeps @record, or counts it as skipped and frees it. */
static gboolean
finish_record (FerryCacheBatch *batch,
               FerryRecord     *record,
               const char      *operation,
               const char      *ref)
{
  if (record->info == NULL ||
      !parse_operation (operation, &record->op) ||
      !valid_ref (ref) ||
      (record->op != FERRY_OP_DEL && record->fields == NULL))
    {
      _ferry_record_clear (record);
      batch->n_skipped++;
      return FALSE;
    }

  if (record->op == FERRY_OP_DEL && record->fields != NULL)
    _ferry_record_clear (record);

  record->ref = _ferry_intern (ref);
  g_array_append_val (batch->records, *record);

  return TRUE;
}

static const char *
object_get_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * ferry_cache_batch_add_event:
 * @batch: a #FerryCacheBatch
 * @event: one event object of an event.from result
 *
 * Returns: %TRUE if the event was kept; %FALSE if it was malformed or of a
 *   class the cache does not keep (it is then counted as skipped)
 */
gboolean
ferry_cache_batch_add_event (FerryCacheBatch *batch,
                             JsonObject      *event)
{
  FerryRecord record = { 0 };
  JsonNode *snapshot;
  gboolean ret;

  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  record.info = _ferry_class_info_lookup_wire (object_get_string (event, "class"));
  snapshot = json_object_get_member (event, "snapshot");

  if (record.info != NULL && snapshot != NULL && JSON_NODE_HOLDS_OBJECT (snapshot))
    {
      JsonObjectIter iter;
      const char *key;
      JsonNode *node;

      record.fields = g_malloc0 (MAX (record.info->fields_size, 1));

      _ferry_intern_lock ();
      json_object_iter_init (&iter, json_node_get_object (snapshot));
      while (json_object_iter_next (&iter, &key, &node))
        {
          gboolean is_base;
          const FerryField *field = _ferry_class_info_lookup_field (record.info, key, &is_base);
          FerryValue value;

          if (field == NULL)
            continue;

          _ferry_value_from_node (&batch->arena, node, &value);
          take_member_unlocked (&record, field, is_base, &value);
        }
      _ferry_intern_unlock ();
      _ferry_arena_reset (&batch->arena);
    }

  ret = finish_record (batch, &record,
                       object_get_string (event, "operation"),
                       object_get_string (event, "ref"));

  return ret;
}

/**
 * ferry_cache_batch_new_from_json:
 * @events: the "events" member of an event.from result
 *
 * Converts every event of @events. Thread-safe: call it from a worker.
 *
 * Returns: (transfer full): a new batch
 */
FerryCacheBatch *
ferry_cache_batch_new_from_json (JsonArray *events)
{
  FerryCacheBatch *batch;
  guint len;

  len = events != NULL ? json_array_get_length (events) : 0;
  batch = batch_new (len);

  for (guint i = 0; i < len; i++)
    {
      JsonNode *node = json_array_get_element (events, i);

      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          batch->n_skipped++;
          continue;
        }

      ferry_cache_batch_add_event (batch, json_node_get_object (node));
    }

  _ferry_arena_clear (&batch->arena);

  return batch;
}

/* The snapshot object at the reader's position into @record->fields. */
static gboolean
read_snapshot (FerryJsonReader *reader,
               FerryCacheBatch *batch,
               FerryRecord     *record)
{
  const char *key;
  gsize len;
  guint position = 0;

  if (!_ferry_json_reader_begin_object (reader))
    return FALSE;

  record->fields = g_malloc0 (MAX (record->info->fields_size, 1));

  _ferry_intern_lock ();
  while (_ferry_json_reader_next_member_span (reader, &key, &len))
    {
      gboolean is_base;
      const FerryField *field = lookup_member (batch, record->info, position++, key, len, &is_base);
      FerryValue value;

      if (field == NULL)
        {
          if (!_ferry_json_reader_skip_value (reader))
            break;
          continue;
        }

      if (!_ferry_json_reader_read_value (reader, &value))
        break;
      take_member_unlocked (record, field, is_base, &value);
    }
  _ferry_intern_unlock ();

  return !_ferry_json_reader_failed (reader);
}

static gboolean
read_optional_string (FerryJsonReader  *reader,
                      const char      **out)
{
  if (_ferry_json_reader_peek (reader) == '"')
    return _ferry_json_reader_read_string (reader, out);

  return _ferry_json_reader_skip_value (reader);
}

/* One element of "events". Malformed events are skipped; malformed JSON
 * fails the reader. */
typedef struct
{
  const char * const *raw_classes;
  JsonArray          *raw_events;
} RawEvents;

static gboolean
wants_raw (RawEvents  *raw,
           const char *class_name)
{
  if (raw->raw_classes == NULL || class_name == NULL)
    return FALSE;

  for (guint i = 0; raw->raw_classes[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (raw->raw_classes[i], class_name) == 0)
        return TRUE;
    }

  return FALSE;
}

/* The event's own text, parsed by json-glib; for the few events asked for. */
static void
add_raw_event (RawEvents  *raw,
               const char *start,
               const char *end)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (json_parser_load_from_data (parser, start, end - start, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    json_array_add_element (raw->raw_events, json_node_ref (json_parser_get_root (parser)));
}

static void
read_event (FerryJsonReader *reader,
            FerryCacheBatch *batch,
            RawEvents       *raw)
{
  FerryRecord record = { 0 };
  const char *event_start;
  const char *class_name = NULL;
  const char *operation = NULL;
  const char *ref = NULL;
  const char *span_start = NULL;
  const char *span_end = NULL;
  const char *key;
  gboolean conflict = FALSE;

  if (_ferry_json_reader_peek (reader) != '{')
    {
      if (_ferry_json_reader_skip_value (reader))
        batch->n_skipped++;
      return;
    }

  event_start = reader->pos;
  _ferry_json_reader_begin_object (reader);
  while (_ferry_json_reader_next_member (reader, &key))
    {
      gboolean ok;

      if (strcmp (key, "class") == 0)
        {
          ok = read_optional_string (reader, &class_name);
          if (ok && class_name != NULL)
            {
              const FerryClassInfo *info = _ferry_class_info_lookup_wire (class_name);

              /* A second, different class after the snapshot was read
               * as the first: the event is refused. */
              if (record.fields != NULL && info != record.info)
                conflict = TRUE;
              else
                record.info = info;
            }
        }
      else if (strcmp (key, "operation") == 0)
        ok = read_optional_string (reader, &operation);
      else if (strcmp (key, "ref") == 0)
        ok = read_optional_string (reader, &ref);
      else if (strcmp (key, "snapshot") == 0 && record.info != NULL && record.fields == NULL &&
               _ferry_json_reader_peek (reader) == '{')
        ok = read_snapshot (reader, batch, &record);
      else if (strcmp (key, "snapshot") == 0)
        {
          /* The class comes later: keep the span, read it at the end. */
          _ferry_json_reader_peek (reader);
          span_start = reader->pos;
          ok = _ferry_json_reader_skip_value (reader);
          span_end = reader->pos;
        }
      else
        ok = _ferry_json_reader_skip_value (reader);

      if (!ok)
        break;
    }

  if (_ferry_json_reader_failed (reader))
    {
      _ferry_record_clear (&record);
      return;
    }

  if (wants_raw (raw, class_name))
    add_raw_event (raw, event_start, reader->pos);

  if (record.info != NULL && record.fields == NULL && span_start != NULL && *span_start == '{')
    {
      FerryJsonReader span;

      _ferry_json_reader_init_span (&span, reader, span_start, span_end);
      if (!read_snapshot (&span, batch, &record))
        drop_fields (&record);
      _ferry_json_reader_clear (&span);
    }

  if (conflict)
    drop_fields (&record);

  finish_record (batch, &record, operation, ref);
}

static void
read_result (FerryJsonReader  *reader,
             FerryCacheBatch  *batch,
             RawEvents        *raw,
             char            **token,
             gboolean         *saw_events)
{
  const char *key;

  if (!_ferry_json_reader_begin_object (reader))
    return;

  while (_ferry_json_reader_next_member (reader, &key))
    {
      if (strcmp (key, "events") == 0 && _ferry_json_reader_peek (reader) == '[')
        {
          *saw_events = TRUE;
          _ferry_json_reader_begin_array (reader);
          while (_ferry_json_reader_next_element (reader))
            {
              read_event (reader, batch, raw);
              _ferry_arena_reset (&batch->arena);
            }
        }
      else if (strcmp (key, "token") == 0 && _ferry_json_reader_peek (reader) == '"')
        {
          const char *str;

          if (_ferry_json_reader_read_string (reader, &str))
            {
              g_free (*token);
              *token = g_strdup (str);
            }
        }
      else
        _ferry_json_reader_skip_value (reader);
    }
}

/**
 * ferry_cache_batch_new_from_reply_full:
 * @body: the body of an event.from JSON-RPC response
 * @raw_classes: (nullable) (array zero-terminated=1): classes to return raw
 * @raw_events: (out) (optional) (transfer full): their events
 * @token: (out) (optional): the token of the result
 * @error: a location for a #GError
 *
 * Thread-safe: call it from a worker.
 *
 * Returns: (transfer full) (nullable): a new batch, or %NULL if @body is
 *   not a successful event.from result
 */
FerryCacheBatch *
ferry_cache_batch_new_from_reply_full (GBytes              *body,
                                       const char * const  *raw_classes,
                                       JsonArray          **raw_events,
                                       char               **token,
                                       GError             **error)
{
  g_autoptr(JsonArray) raw_array = json_array_new ();
  RawEvents raw = { raw_events != NULL ? raw_classes : NULL, raw_array };
  g_autoptr(FerryCacheBatch) batch = NULL;
  g_autofree char *result_token = NULL;
  FerryJsonReader reader;
  gboolean saw_events = FALSE;
  gboolean error_reply = FALSE;
  const char *data;
  const char *key;
  gsize size;

  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  batch = batch_new (0);
  data = g_bytes_get_data (body, &size);
  _ferry_json_reader_init (&reader, data, size, &batch->arena);

  if (_ferry_json_reader_begin_object (&reader))
    {
      while (_ferry_json_reader_next_member (&reader, &key))
        {
          char next = _ferry_json_reader_peek (&reader);

          if (strcmp (key, "result") == 0 && next == '{')
            read_result (&reader, batch, &raw, &result_token, &saw_events);
          else
            {
              /* JSON-RPC v1 sends "error": null on success. */
              if (strcmp (key, "error") == 0 && next != 'n')
                error_reply = TRUE;
              _ferry_json_reader_skip_value (&reader);
            }
        }
    }

  _ferry_arena_clear (&batch->arena);

  if (_ferry_json_reader_failed (&reader) || !_ferry_json_reader_at_end (&reader))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Malformed event.from reply: %s",
                   reader.error != NULL ? reader.error : "trailing data");
      _ferry_json_reader_clear (&reader);
      return NULL;
    }
  _ferry_json_reader_clear (&reader);

  if (error_reply || !saw_events)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "Not a successful event.from result");
      return NULL;
    }

  if (token != NULL)
    *token = g_steal_pointer (&result_token);
  if (raw_events != NULL)
    *raw_events = g_steal_pointer (&raw_array);

  return g_steal_pointer (&batch);
}

/**
 * ferry_cache_batch_new_from_reply:
 * @body: the body of an event.from JSON-RPC response
 * @token: (out) (optional): the token of the result
 * @error: a location for a #GError
 *
 * Thread-safe: call it from a worker.
 *
 * Returns: (transfer full) (nullable): a new batch, or %NULL if @body is
 *   not a successful event.from result
 */
FerryCacheBatch *
ferry_cache_batch_new_from_reply (GBytes  *body,
                                  char   **token,
                                  GError **error)
{
  return ferry_cache_batch_new_from_reply_full (body, NULL, NULL, token, error);
}

guint
ferry_cache_batch_get_n_events (FerryCacheBatch *batch)
{
  g_return_val_if_fail (batch != NULL, 0);

  return batch->records->len;
}

guint
ferry_cache_batch_get_n_skipped (FerryCacheBatch *batch)
{
  g_return_val_if_fail (batch != NULL, 0);

  return batch->n_skipped;
}

guint
_ferry_cache_batch_get_n_records (FerryCacheBatch *batch)
{
  return batch->records->len;
}

FerryRecord *
_ferry_cache_batch_get_record (FerryCacheBatch *batch,
                               guint            index)
{
  g_assert (index < batch->records->len);

  return &g_array_index (batch->records, FerryRecord, index);
}
