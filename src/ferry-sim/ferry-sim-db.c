/* ferry-sim-db.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-db"

#include "config.h"

#include "ferry-sim-db.h"

typedef struct
{
  FerrySimClass *klass;
  char          *ref;
  gint64         ctime;
  gint64         gen;
} Tombstone;

struct _FerrySimDb
{
  GObject      parent_instance;

  gint64       generation;
  GPtrArray  **rows;          /* per class index, of FerrySimRow */
  GHashTable  *by_ref;        /* ref -> FerrySimRow */
  GHashTable **by_uuid;       /* per class index, uuid -> FerrySimRow */
  GArray      *tombstones;    /* of Tombstone, oldest first */
  GMainContext *context;      /* where "changed" is emitted */
  GSource     *changed_idle;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Deleted rows are remembered for event.from this many generations. */
#define TOMBSTONE_LIMIT 200000

G_DEFINE_FINAL_TYPE (FerrySimDb, ferry_sim_db, G_TYPE_OBJECT)

static const FerrySimValue null_value = FERRY_SIM_VALUE_INIT;

static void
free_row (gpointer data)
{
  FerrySimRow *row = data;

  for (guint i = 0; i < row->klass->n_fields; i++)
    ferry_sim_value_clear (&row->values[i]);
  g_ref_string_release (row->ref);
  g_free (row);
}

static void
clear_tombstone (gpointer data)
{
  Tombstone *t = data;

  g_ref_string_release (t->ref);
}

static void
ferry_sim_db_finalize (GObject *object)
{
  FerrySimDb *self = (FerrySimDb *)object;
  guint n = ferry_sim_schema_get_n_classes ();

  if (self->changed_idle != NULL)
    g_source_destroy (self->changed_idle);
  g_clear_pointer (&self->changed_idle, g_source_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  for (guint i = 0; i < n; i++)
    {
      g_hash_table_unref (self->by_uuid[i]);
      g_ptr_array_unref (self->rows[i]);
    }
  g_free (self->rows);
  g_free (self->by_uuid);
  g_hash_table_unref (self->by_ref);
  g_array_unref (self->tombstones);

  G_OBJECT_CLASS (ferry_sim_db_parent_class)->finalize (object);
}

static void
ferry_sim_db_class_init (FerrySimDbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_sim_db_finalize;

  /* Emitted once per main-loop iteration after one or more writes. */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ferry_sim_db_init (FerrySimDb *self)
{
  guint n = ferry_sim_schema_get_n_classes ();

  self->generation = 1;
  self->context = g_main_context_ref_thread_default ();
  self->rows = g_new0 (GPtrArray *, n);
  self->by_uuid = g_new0 (GHashTable *, n);
  for (guint i = 0; i < n; i++)
    {
      self->rows[i] = g_ptr_array_new_with_free_func (free_row);
      self->by_uuid[i] = g_hash_table_new (g_str_hash, g_str_equal);
    }
  self->by_ref = g_hash_table_new (g_str_hash, g_str_equal);
  self->tombstones = g_array_new (FALSE, FALSE, sizeof (Tombstone));
  g_array_set_clear_func (self->tombstones, clear_tombstone);
}

FerrySimDb *
ferry_sim_db_new (void)
{
  return g_object_new (FERRY_SIM_TYPE_DB, NULL);
}

gint64
ferry_sim_db_get_generation (FerrySimDb *self)
{
  g_return_val_if_fail (FERRY_SIM_IS_DB (self), 0);

  return self->generation;
}

static gboolean
emit_changed (gpointer data)
{
  FerrySimDb *self = data;

  g_clear_pointer (&self->changed_idle, g_source_unref);
  g_signal_emit (self, signals[CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
bump (FerrySimDb  *self,
      FerrySimRow *row)
{
  self->generation++;
  if (row != NULL)
    row->mtime = self->generation;
  if (self->changed_idle == NULL)
    {
      self->changed_idle = g_idle_source_new ();
      g_source_set_priority (self->changed_idle, G_PRIORITY_HIGH_IDLE);
      g_source_set_callback (self->changed_idle, emit_changed, self, NULL);
      g_source_attach (self->changed_idle, self->context);
    }
}

char *
ferry_sim_new_ref (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *ref = g_strconcat ("OpaqueRef:", uuid, NULL);

  return ferry_sim_intern (ref);
}

FerrySimRow *
ferry_sim_db_create_row (FerrySimDb    *self,
                         FerrySimClass *klass,
                         const char    *ref,
                         const char    *uuid)
{
  FerrySimRow *row;

  g_return_val_if_fail (FERRY_SIM_IS_DB (self), NULL);
  g_return_val_if_fail (klass != NULL, NULL);

  if (ref != NULL && g_hash_table_contains (self->by_ref, ref))
    return NULL;

  row = g_malloc0 (sizeof (FerrySimRow) + klass->n_fields * sizeof (FerrySimValue));
  row->klass = klass;
  row->ref = ref ? ferry_sim_intern (ref) : ferry_sim_new_ref ();
  for (guint i = 0; i < klass->n_fields; i++)
    ferry_sim_value_copy (&row->values[i], &klass->fields[i].default_value);

  if (klass->uuid != NULL)
    {
      g_autofree char *fresh = uuid ? NULL : g_uuid_string_random ();
      ferry_sim_value_set_string (&row->values[klass->uuid->index], uuid ? uuid : fresh);
      g_hash_table_insert (self->by_uuid[klass->index], row->values[klass->uuid->index].s, row);
    }

  row->index = self->rows[klass->index]->len;
  g_ptr_array_add (self->rows[klass->index], row);
  g_hash_table_insert (self->by_ref, row->ref, row);

  bump (self, row);
  row->ctime = row->mtime;

  return row;
}

FerrySimRow *
ferry_sim_db_create (FerrySimDb *self,
                     const char *class_name)
{
  FerrySimClass *klass = ferry_sim_schema_lookup_class (class_name);

  g_return_val_if_fail (klass != NULL, NULL);

  return ferry_sim_db_create_row (self, klass, NULL, NULL);
}

typedef enum
{
  INVERSE_REMOVE,
  INVERSE_ADD,
  INVERSE_ADD_FRESH,  /* rebuilding: each row is added once, no need to look */
} InverseChange;

static void
update_inverse (FerrySimDb    *self,
                FerrySimRow   *row,
                FerrySimField *field,
                InverseChange  change)
{
  const char *target_ref = row->values[field->index].s;
  FerrySimRow *target;

  if (field->inverse_sets->len == 0 || target_ref == NULL)
    return;

  target = g_hash_table_lookup (self->by_ref, target_ref);
  if (target == NULL)
    return;

  for (guint i = 0; i < field->inverse_sets->len; i++)
    {
      FerrySimField *set = g_ptr_array_index (field->inverse_sets, i);
      FerrySimValue *value;

      if (set->klass != target->klass)
        continue;

      value = &target->values[set->index];
      if (change == INVERSE_ADD_FRESH)
        {
          ferry_sim_value_append_string (value, row->ref);
          continue;
        }

      if (change == INVERSE_ADD)
        {
          if (!ferry_sim_value_contains_string (value, row->ref))
            ferry_sim_value_append_string (value, row->ref);
        }
      else
        ferry_sim_value_remove_string (value, row->ref);

      bump (self, target);
    }
}

void
ferry_sim_db_delete_row (FerrySimDb  *self,
                         FerrySimRow *row)
{
  GPtrArray *rows;
  Tombstone t;

  g_return_if_fail (FERRY_SIM_IS_DB (self));
  g_return_if_fail (row != NULL);

  for (guint i = 0; i < row->klass->n_fields; i++)
    if (row->klass->fields[i].inverse_sets->len > 0)
      update_inverse (self, row, &row->klass->fields[i], INVERSE_REMOVE);

  bump (self, NULL);
  t.klass = row->klass;
  t.ref = g_ref_string_acquire (row->ref);
  t.ctime = row->ctime;
  t.gen = self->generation;
  g_array_append_val (self->tombstones, t);
  if (self->tombstones->len > TOMBSTONE_LIMIT)
    g_array_remove_range (self->tombstones, 0, self->tombstones->len - TOMBSTONE_LIMIT / 2);

  if (row->klass->uuid != NULL)
    g_hash_table_remove (self->by_uuid[row->klass->index], row->values[row->klass->uuid->index].s);
  g_hash_table_remove (self->by_ref, row->ref);

  rows = self->rows[row->klass->index];
  if (row->index != rows->len - 1)
    {
      FerrySimRow *last = g_ptr_array_index (rows, rows->len - 1);
      rows->pdata[row->index] = last;
      last->index = row->index;
      rows->pdata[rows->len - 1] = row;
    }
  g_ptr_array_remove_index (rows, rows->len - 1);
}

FerrySimRow *
ferry_sim_db_lookup (FerrySimDb *self,
                     const char *ref)
{
  g_return_val_if_fail (FERRY_SIM_IS_DB (self), NULL);

  return ref ? g_hash_table_lookup (self->by_ref, ref) : NULL;
}

FerrySimRow *
ferry_sim_db_lookup_in (FerrySimDb *self,
                        const char *class_name,
                        const char *ref)
{
  FerrySimRow *row = ferry_sim_db_lookup (self, ref);

  if (row != NULL && g_strcmp0 (row->klass->name, class_name) != 0)
    return NULL;
  return row;
}

FerrySimRow *
ferry_sim_db_lookup_uuid (FerrySimDb    *self,
                          FerrySimClass *klass,
                          const char    *uuid)
{
  g_return_val_if_fail (FERRY_SIM_IS_DB (self), NULL);

  return uuid ? g_hash_table_lookup (self->by_uuid[klass->index], uuid) : NULL;
}

GPtrArray *
ferry_sim_db_get_rows (FerrySimDb    *self,
                       FerrySimClass *klass)
{
  g_return_val_if_fail (FERRY_SIM_IS_DB (self), NULL);

  return self->rows[klass->index];
}

GPtrArray *
ferry_sim_db_get_rows_by_name (FerrySimDb *self,
                               const char *class_name)
{
  FerrySimClass *klass = ferry_sim_schema_lookup_class (class_name);

  g_return_val_if_fail (klass != NULL, NULL);

  return self->rows[klass->index];
}

void
ferry_sim_db_set (FerrySimDb    *self,
                  FerrySimRow   *row,
                  FerrySimField *field,
                  FerrySimValue *value)
{
  FerrySimValue *slot;

  g_return_if_fail (FERRY_SIM_IS_DB (self));
  g_return_if_fail (field->klass == row->klass);

  slot = &row->values[field->index];
  if (ferry_sim_value_equal (slot, value))
    {
      ferry_sim_value_clear (value);
      return;
    }

  if (field->inverse_sets->len > 0)
    update_inverse (self, row, field, INVERSE_REMOVE);

  if (field == row->klass->uuid)
    g_hash_table_remove (self->by_uuid[row->klass->index], slot->s);

  ferry_sim_value_move (slot, value);

  if (field == row->klass->uuid)
    g_hash_table_insert (self->by_uuid[row->klass->index], slot->s, row);

  if (field->inverse_sets->len > 0)
    update_inverse (self, row, field, INVERSE_ADD);

  bump (self, row);
}

static FerrySimField *
field_or_warn (FerrySimRow *row,
               const char  *field_name)
{
  FerrySimField *field = ferry_sim_class_lookup_field (row->klass, field_name);

  if (field == NULL)
    g_critical ("%s has no field %s", row->klass->name, field_name);
  return field;
}

void
ferry_sim_db_set_value (FerrySimDb    *self,
                        FerrySimRow   *row,
                        const char    *field_name,
                        FerrySimValue *value)
{
  FerrySimField *field = field_or_warn (row, field_name);

  if (field == NULL)
    {
      ferry_sim_value_clear (value);
      return;
    }
  ferry_sim_db_set (self, row, field, value);
}

void
ferry_sim_db_set_string (FerrySimDb  *self,
                         FerrySimRow *row,
                         const char  *field_name,
                         const char  *text)
{
  FerrySimValue value = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_set_string (&value, text);
  ferry_sim_db_set_value (self, row, field_name, &value);
}

void
ferry_sim_db_set_int (FerrySimDb  *self,
                      FerrySimRow *row,
                      const char  *field_name,
                      gint64       i)
{
  FerrySimValue value = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_set_int (&value, i);
  ferry_sim_db_set_value (self, row, field_name, &value);
}

void
ferry_sim_db_set_float (FerrySimDb  *self,
                        FerrySimRow *row,
                        const char  *field_name,
                        double       d)
{
  FerrySimValue value = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_set_float (&value, d);
  ferry_sim_db_set_value (self, row, field_name, &value);
}

void
ferry_sim_db_set_bool (FerrySimDb  *self,
                       FerrySimRow *row,
                       const char  *field_name,
                       gboolean     b)
{
  FerrySimValue value = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_set_bool (&value, b);
  ferry_sim_db_set_value (self, row, field_name, &value);
}

void
ferry_sim_db_map_set (FerrySimDb  *self,
                      FerrySimRow *row,
                      const char  *field_name,
                      const char  *key,
                      const char  *text)
{
  FerrySimField *field = field_or_warn (row, field_name);
  FerrySimValue *map;
  const char *old;

  if (field == NULL || row->values[field->index].kind != FERRY_SIM_VALUE_MAP)
    return;

  map = &row->values[field->index];
  old = ferry_sim_value_lookup_string (map, key);
  if (old != NULL && g_strcmp0 (old, text) == 0)
    return;

  ferry_sim_value_insert_string (map, key, text);
  bump (self, row);
}

void
ferry_sim_db_map_remove (FerrySimDb  *self,
                         FerrySimRow *row,
                         const char  *field_name,
                         const char  *key)
{
  FerrySimField *field = field_or_warn (row, field_name);

  if (field == NULL)
    return;

  if (ferry_sim_value_remove_key (&row->values[field->index], key))
    bump (self, row);
}

void
ferry_sim_db_set_add (FerrySimDb  *self,
                      FerrySimRow *row,
                      const char  *field_name,
                      const char  *text)
{
  FerrySimField *field = field_or_warn (row, field_name);
  FerrySimValue *set;

  if (field == NULL || row->values[field->index].kind != FERRY_SIM_VALUE_ARRAY)
    return;

  set = &row->values[field->index];
  if (ferry_sim_value_contains_string (set, text))
    return;

  ferry_sim_value_append_string (set, text);
  bump (self, row);
}

void
ferry_sim_db_set_remove (FerrySimDb  *self,
                         FerrySimRow *row,
                         const char  *field_name,
                         const char  *text)
{
  FerrySimField *field = field_or_warn (row, field_name);

  if (field == NULL)
    return;

  if (ferry_sim_value_remove_string (&row->values[field->index], text))
    bump (self, row);
}

void
ferry_sim_db_touch (FerrySimDb  *self,
                    FerrySimRow *row)
{
  bump (self, row);
}

void
ferry_sim_db_load_value (FerrySimDb    *self,
                         FerrySimRow   *row,
                         FerrySimField *field,
                         FerrySimValue *value)
{
  FerrySimValue *slot = &row->values[field->index];

  if (field == row->klass->uuid)
    g_hash_table_remove (self->by_uuid[row->klass->index], slot->s);

  ferry_sim_value_move (slot, value);

  if (field == row->klass->uuid && slot->kind == FERRY_SIM_VALUE_STRING)
    g_hash_table_insert (self->by_uuid[row->klass->index], slot->s, row);
}

void
ferry_sim_db_rebuild_relations (FerrySimDb *self)
{
  guint n = ferry_sim_schema_get_n_classes ();

  /* Empty every derived set, then fill it from the ref fields. */
  for (guint c = 0; c < n; c++)
    {
      FerrySimClass *klass = ferry_sim_schema_get_class (c);

      for (guint f = 0; f < klass->n_fields; f++)
        {
          if (klass->fields[f].inverse_ref == NULL)
            continue;
          for (guint r = 0; r < self->rows[c]->len; r++)
            {
              FerrySimRow *row = g_ptr_array_index (self->rows[c], r);
              ferry_sim_value_set_array (&row->values[f]);
            }
        }
    }

  for (guint c = 0; c < n; c++)
    {
      FerrySimClass *klass = ferry_sim_schema_get_class (c);

      for (guint f = 0; f < klass->n_fields; f++)
        {
          if (klass->fields[f].inverse_sets->len == 0)
            continue;
          for (guint r = 0; r < self->rows[c]->len; r++)
            update_inverse (self, g_ptr_array_index (self->rows[c], r), &klass->fields[f], INVERSE_ADD_FRESH);
        }
    }
}

void
ferry_sim_db_foreach_change (FerrySimDb         *self,
                             gint64              since,
                             FerrySimChangeFunc  func,
                             gpointer            user_data)
{
  guint n = ferry_sim_schema_get_n_classes ();

  g_return_if_fail (FERRY_SIM_IS_DB (self));

  for (guint i = 0; i < self->tombstones->len; i++)
    {
      const Tombstone *t = &g_array_index (self->tombstones, Tombstone, i);

      /* An object born and gone since the token is not worth reporting. */
      if (t->gen > since && t->ctime <= since)
        func (t->klass, t->ref, FERRY_SIM_CHANGE_DEL, NULL, user_data);
    }

  for (guint c = 0; c < n; c++)
    {
      GPtrArray *rows = self->rows[c];

      for (guint r = 0; r < rows->len; r++)
        {
          FerrySimRow *row = g_ptr_array_index (rows, r);

          if (row->mtime > since)
            func (row->klass, row->ref,
                  row->ctime > since ? FERRY_SIM_CHANGE_ADD : FERRY_SIM_CHANGE_MOD,
                  row, user_data);
        }
    }
}

const FerrySimValue *
ferry_sim_row_get (FerrySimRow *row,
                   const char  *field_name)
{
  FerrySimField *field = field_or_warn (row, field_name);

  return field ? &row->values[field->index] : &null_value;
}

const char *
ferry_sim_row_get_string (FerrySimRow *row,
                          const char  *field_name)
{
  return ferry_sim_value_get_string (ferry_sim_row_get (row, field_name));
}

gint64
ferry_sim_row_get_int (FerrySimRow *row,
                       const char  *field_name)
{
  const FerrySimValue *value = ferry_sim_row_get (row, field_name);

  return value->kind == FERRY_SIM_VALUE_INT ? value->i : 0;
}

double
ferry_sim_row_get_float (FerrySimRow *row,
                         const char  *field_name)
{
  const FerrySimValue *value = ferry_sim_row_get (row, field_name);

  if (value->kind == FERRY_SIM_VALUE_FLOAT)
    return value->d;
  if (value->kind == FERRY_SIM_VALUE_INT)
    return value->i;
  return 0.0;
}

gboolean
ferry_sim_row_get_bool (FerrySimRow *row,
                        const char  *field_name)
{
  const FerrySimValue *value = ferry_sim_row_get (row, field_name);

  return value->kind == FERRY_SIM_VALUE_BOOL && value->b;
}

const char *
ferry_sim_row_get_uuid (FerrySimRow *row)
{
  return row->klass->uuid ? row->values[row->klass->uuid->index].s : NULL;
}

const char *
ferry_sim_row_map_lookup (FerrySimRow *row,
                          const char  *field_name,
                          const char  *key)
{
  return ferry_sim_value_lookup_string (ferry_sim_row_get (row, field_name), key);
}

void
ferry_sim_row_write_json (FerrySimRow *row,
                          GString     *out)
{
  g_string_append_c (out, '{');
  for (guint i = 0; i < row->klass->n_fields; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, row->klass->fields[i].json_key);
      ferry_sim_value_write_json (&row->values[i], out);
    }
  g_string_append_c (out, '}');
}

void
ferry_sim_row_write_xmlrpc (FerrySimRow *row,
                            GString     *out)
{
  g_string_append (out, "<value><struct>");
  for (guint i = 0; i < row->klass->n_fields; i++)
    {
      g_string_append (out, row->klass->fields[i].xml_key);
      ferry_sim_value_write_xmlrpc (&row->values[i], out);
      g_string_append (out, "</member>");
    }
  g_string_append (out, "</struct></value>");
}

