/* ferry-field.c: parse, compare, move and expose one typed field
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-field"

#include "config.h"

#include <math.h>
#include <string.h>

#include "ferry-object-private.h"

#define SLOT(fields, field) ((gpointer) ((guint8 *) (fields) + (field)->offset))
#define CSLOT(fields, field) ((gconstpointer) ((const guint8 *) (fields) + (field)->offset))

static const char * const empty_strv[] = { NULL };

static gsize
field_size (FerryFieldKind kind)
{
  switch (kind)
    {
    case FERRY_FIELD_STRING:
    case FERRY_FIELD_REF:
    case FERRY_FIELD_SET:
    case FERRY_FIELD_MAP:
      return sizeof (char *);
    case FERRY_FIELD_BOOLEAN:
      return sizeof (gboolean);
    case FERRY_FIELD_INT:
      return sizeof (gint64);
    case FERRY_FIELD_FLOAT:
      return sizeof (double);
    case FERRY_FIELD_ENUM:
      return sizeof (int);
    default:
      g_assert_not_reached ();
    }
}

/* A scalar as text: SM.features maps to ints, host.virtual_hardware_platform_versions
 * is an int set. Returns NULL for anything else. */
static char *
value_dup_scalar_text (const FerryValue *value,
                       char             *buf,
                       gsize             size)
{
  switch (value->kind)
    {
    case FERRY_VALUE_STRING:
      return (char *) value->string;
    case FERRY_VALUE_INT:
      g_snprintf (buf, size, "%" G_GINT64_FORMAT, value->integer);
      return buf;
    case FERRY_VALUE_BOOLEAN:
      return (char *) (value->boolean ? "true" : "false");
    case FERRY_VALUE_DOUBLE:
      return g_ascii_dtostr (buf, size, value->number);
    case FERRY_VALUE_NULL:
    case FERRY_VALUE_ARRAY:
    case FERRY_VALUE_OBJECT:
    default:
      return NULL;
    }
}

static gboolean
parse_int (const FerryValue *value,
           gint64           *out)
{
  switch (value->kind)
    {
    case FERRY_VALUE_INT:
      *out = value->integer;
      return TRUE;

    case FERRY_VALUE_DOUBLE:
      if (!isfinite (value->number) ||
          value->number < (double) G_MININT64 || value->number > (double) G_MAXINT64)
        return FALSE;
      *out = (gint64) value->number;
      return TRUE;

    case FERRY_VALUE_STRING:
      return g_ascii_string_to_signed (value->string, 10, G_MININT64, G_MAXINT64, out, NULL);

    case FERRY_VALUE_NULL:
    case FERRY_VALUE_BOOLEAN:
    case FERRY_VALUE_ARRAY:
    case FERRY_VALUE_OBJECT:
    default:
      return FALSE;
    }
}

static gboolean
parse_float (const FerryValue *value,
             double           *out)
{
  switch (value->kind)
    {
    case FERRY_VALUE_INT:
      *out = (double) value->integer;
      return TRUE;

    case FERRY_VALUE_DOUBLE:
      *out = value->number;
      return TRUE;

    case FERRY_VALUE_STRING:
      {
        char *end = NULL;

        *out = g_ascii_strtod (value->string, &end);
        return end != value->string && *end == '\0';
      }

    case FERRY_VALUE_NULL:
    case FERRY_VALUE_BOOLEAN:
    case FERRY_VALUE_ARRAY:
    case FERRY_VALUE_OBJECT:
    default:
      return FALSE;
    }
}

static gboolean
parse_boolean (const FerryValue *value,
               gboolean         *out)
{
  if (value->kind == FERRY_VALUE_BOOLEAN)
    {
      *out = value->boolean;
      return TRUE;
    }

  if (value->kind == FERRY_VALUE_STRING)
    {
      if (g_ascii_strcasecmp (value->string, "true") == 0)
        *out = TRUE;
      else if (g_ascii_strcasecmp (value->string, "false") == 0)
        *out = FALSE;
      else
        return FALSE;
      return TRUE;
    }

  return FALSE;
}

static gboolean
parse_enum (const FerryField *field,
            const FerryValue *value,
            int              *out)
{
  GEnumClass *enum_class;
  GEnumValue *enum_value;

  if (value->kind != FERRY_VALUE_STRING)
    return FALSE;

  /* _ferry_classes_ensure() holds a reference on every enum class. */
  enum_class = g_type_class_peek (field->enum_type ());
  g_assert (enum_class != NULL);

  enum_value = g_enum_get_value_by_nick (enum_class, value->string);
  *out = enum_value != NULL ? enum_value->value : 0;

  return TRUE;
}

static gboolean
parse_set (const FerryValue *value,
           char           ***out)
{
  char **set;
  guint j = 0;

  if (value->kind != FERRY_VALUE_ARRAY)
    return FALSE;

  if (value->n == 0)
    return TRUE;

  set = g_new (char *, value->n + 1);
  for (guint i = 0; i < value->n; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      const char *text = value_dup_scalar_text (&value->items[i], buf, sizeof buf);

      if (text != NULL)
        set[j++] = _ferry_intern_unlocked (text);
    }
  set[j] = NULL;

  if (j == 0)
    g_clear_pointer (&set, g_free);

  *out = set;

  return TRUE;
}

static int
compare_members (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return strcmp ((*(const FerryMember * const *) a)->key, (*(const FerryMember * const *) b)->key);
}

static gboolean
parse_map (const FerryValue *value,
           char           ***out)
{
  g_autofree const FerryMember **sorted = NULL;
  char **map;
  guint n = 0;

  if (value->kind != FERRY_VALUE_OBJECT)
    return FALSE;

  if (value->n == 0)
    return TRUE;

  sorted = g_new (const FerryMember *, value->n);
  for (guint i = 0; i < value->n; i++)
    {
      FerryValueKind kind = value->members[i].value.kind;

      /* Only scalar values; a duplicate key keeps its last value. */
      if (kind != FERRY_VALUE_NULL && kind != FERRY_VALUE_ARRAY && kind != FERRY_VALUE_OBJECT)
        sorted[n++] = &value->members[i];
    }

  if (n == 0)
    return TRUE;

  /* A stable sort keeps duplicates in order, so the last one wins below. */
  g_qsort_with_data (sorted, n, sizeof (FerryMember *), compare_members, NULL);

  map = g_new (char *, 2 * n + 1);
  {
    guint j = 0;

    for (guint i = 0; i < n; i++)
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        if (i + 1 < n && strcmp (sorted[i]->key, sorted[i + 1]->key) == 0)
          continue;

        map[2 * j] = _ferry_intern_unlocked (sorted[i]->key);
        map[2 * j + 1] = _ferry_intern_unlocked (value_dup_scalar_text (&sorted[i]->value, buf, sizeof buf));
        j++;
      }
    map[2 * j] = NULL;
  }

  *out = map;

  return TRUE;
}

/* Parses @value into the (zeroed) slot of @field in @fields. The caller
 * holds the intern lock (_ferry_intern_lock()). Returns FALSE when @value
 * has the wrong type; the slot then keeps its zero value. */
gboolean
_ferry_field_parse (const FerryField *field,
                    const FerryValue *value,
                    gpointer          fields)
{
  gpointer slot = SLOT (fields, field);

  switch (field->kind)
    {
    case FERRY_FIELD_STRING:
      if (value->kind != FERRY_VALUE_STRING)
        return FALSE;
      *(char **) slot = _ferry_intern_unlocked (value->string);
      return TRUE;

    case FERRY_FIELD_REF:
      if (value->kind != FERRY_VALUE_STRING)
        return FALSE;
      if (*value->string != '\0' && strcmp (value->string, "OpaqueRef:NULL") != 0)
        *(char **) slot = _ferry_intern_unlocked (value->string);
      return TRUE;

    case FERRY_FIELD_BOOLEAN:
      return parse_boolean (value, slot);

    case FERRY_FIELD_INT:
      return parse_int (value, slot);

    case FERRY_FIELD_FLOAT:
      return parse_float (value, slot);

    case FERRY_FIELD_ENUM:
      return parse_enum (field, value, slot);

    case FERRY_FIELD_SET:
      return parse_set (value, slot);

    case FERRY_FIELD_MAP:
      return parse_map (value, slot);

    default:
      g_assert_not_reached ();
    }
}

static gboolean
strv_equal (char * const *a,
            char * const *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  for (; *a != NULL && *b != NULL; a++, b++)
    {
      if (*a != *b)
        return FALSE;
    }

  return *a == NULL && *b == NULL;
}

gboolean
_ferry_field_equal (const FerryField *field,
                    gconstpointer     a,
                    gconstpointer     b)
{
  gconstpointer sa = CSLOT (a, field);
  gconstpointer sb = CSLOT (b, field);

  switch (field->kind)
    {
    case FERRY_FIELD_STRING:
    case FERRY_FIELD_REF:
      return *(char * const *) sa == *(char * const *) sb;

    case FERRY_FIELD_BOOLEAN:
      return !*(const gboolean *) sa == !*(const gboolean *) sb;

    case FERRY_FIELD_INT:
      return *(const gint64 *) sa == *(const gint64 *) sb;

    case FERRY_FIELD_FLOAT:
      return memcmp (sa, sb, sizeof (double)) == 0;

    case FERRY_FIELD_ENUM:
      return *(const int *) sa == *(const int *) sb;

    case FERRY_FIELD_SET:
    case FERRY_FIELD_MAP:
      return strv_equal (*(char * const * const *) sa, *(char * const * const *) sb);

    default:
      g_assert_not_reached ();
    }
}

void
_ferry_field_swap (const FerryField *field,
                   gpointer          a,
                   gpointer          b)
{
  guint8 tmp[sizeof (gint64)];
  gsize size = field_size (field->kind);

  memcpy (tmp, SLOT (a, field), size);
  memcpy (SLOT (a, field), SLOT (b, field), size);
  memcpy (SLOT (b, field), tmp, size);
}

/* Releases the value; the caller holds the intern lock. */
static void
clear_slot_unlocked (const FerryField *field,
                     gpointer          fields)
{
  gpointer slot = SLOT (fields, field);

  switch (field->kind)
    {
    case FERRY_FIELD_STRING:
    case FERRY_FIELD_REF:
      _ferry_intern_release_unlocked (*(char **) slot);
      *(char **) slot = NULL;
      break;

    case FERRY_FIELD_SET:
    case FERRY_FIELD_MAP:
      {
        char **strv = *(char ***) slot;

        if (strv != NULL)
          {
            for (char **s = strv; *s != NULL; s++)
              _ferry_intern_release_unlocked (*s);
            g_free (strv);
          }
        *(char ***) slot = NULL;
      }
      break;

    case FERRY_FIELD_BOOLEAN:
    case FERRY_FIELD_INT:
    case FERRY_FIELD_FLOAT:
    case FERRY_FIELD_ENUM:
      memset (slot, 0, field_size (field->kind));
      break;

    default:
      g_assert_not_reached ();
    }
}

void
_ferry_field_clear_unlocked (const FerryField *field,
                             gpointer          fields)
{
  clear_slot_unlocked (field, fields);
}

void
_ferry_field_clear (const FerryField *field,
                    gpointer          fields)
{
  _ferry_intern_lock ();
  clear_slot_unlocked (field, fields);
  _ferry_intern_unlock ();
}

void
_ferry_fields_clear_unlocked (const FerryField *table,
                              guint             n_fields,
                              gpointer          fields)
{
  for (guint i = 0; i < n_fields; i++)
    clear_slot_unlocked (&table[i], fields);
}

void
_ferry_fields_clear (const FerryField *table,
                     guint             n_fields,
                     gpointer          fields)
{
  if (fields == NULL)
    return;

  _ferry_intern_lock ();
  _ferry_fields_clear_unlocked (table, n_fields, fields);
  _ferry_intern_unlock ();
}

const char * const *
_ferry_set_or_empty (char * const *set)
{
  return set != NULL ? (const char * const *) set : empty_strv;
}

gboolean
_ferry_set_contains (char * const *set,
                     const char   *value)
{
  if (set == NULL || value == NULL)
    return FALSE;

  for (; *set != NULL; set++)
    {
      if (strcmp (*set, value) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Binary search over the sorted key/value pairs. */
const char *
_ferry_map_lookup (char * const *map,
                   const char   *key)
{
  guint lo = 0;
  guint hi;

  if (map == NULL || key == NULL)
    return NULL;

  hi = g_strv_length ((char **) map) / 2;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      int cmp = strcmp (key, map[2 * mid]);

      if (cmp == 0)
        return map[2 * mid + 1];
      if (cmp < 0)
        hi = mid;
      else
        lo = mid + 1;
    }

  return NULL;
}

GHashTable *
_ferry_map_to_hash_table (char * const *map)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (map != NULL)
    {
      for (; map[0] != NULL && map[1] != NULL; map += 2)
        g_hash_table_insert (table, g_strdup (map[0]), g_strdup (map[1]));
    }

  return table;
}

void
_ferry_field_get_value (const FerryField *field,
                        gconstpointer     fields,
                        GValue           *value)
{
  gconstpointer slot = CSLOT (fields, field);

  switch (field->kind)
    {
    case FERRY_FIELD_STRING:
    case FERRY_FIELD_REF:
      g_value_set_string (value, *(char * const *) slot);
      break;

    case FERRY_FIELD_BOOLEAN:
      g_value_set_boolean (value, *(const gboolean *) slot);
      break;

    case FERRY_FIELD_INT:
      g_value_set_int64 (value, *(const gint64 *) slot);
      break;

    case FERRY_FIELD_FLOAT:
      g_value_set_double (value, *(const double *) slot);
      break;

    case FERRY_FIELD_ENUM:
      g_value_set_enum (value, *(const int *) slot);
      break;

    case FERRY_FIELD_SET:
      g_value_set_boxed (value, _ferry_set_or_empty (*(char * const * const *) slot));
      break;

    case FERRY_FIELD_MAP:
      g_value_take_boxed (value, _ferry_map_to_hash_table (*(char * const * const *) slot));
      break;

    default:
      g_assert_not_reached ();
    }
}

/* "VCPUs_max" → "vcpus-max". */
static const char *
property_name_for_wire (const char *wire_name)
{
  g_autofree char *name = g_ascii_strdown (wire_name, -1);

  g_strdelimit (name, "_", '-');

  return g_intern_string (name);
}

GParamSpec *
_ferry_field_new_pspec (const FerryField *field)
{
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const char *name = property_name_for_wire (field->wire_name);

  switch (field->kind)
    {
    case FERRY_FIELD_STRING:
    case FERRY_FIELD_REF:
      return g_param_spec_string (name, NULL, NULL, NULL, flags);

    case FERRY_FIELD_BOOLEAN:
      return g_param_spec_boolean (name, NULL, NULL, FALSE, flags);

    case FERRY_FIELD_INT:
      return g_param_spec_int64 (name, NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);

    case FERRY_FIELD_FLOAT:
      return g_param_spec_double (name, NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, flags);

    case FERRY_FIELD_ENUM:
      return g_param_spec_enum (name, NULL, NULL, field->enum_type (), 0, flags);

    case FERRY_FIELD_SET:
      return g_param_spec_boxed (name, NULL, NULL, G_TYPE_STRV, flags);

    case FERRY_FIELD_MAP:
      return g_param_spec_boxed (name, NULL, NULL, G_TYPE_HASH_TABLE, flags);

    default:
      g_assert_not_reached ();
    }
}
