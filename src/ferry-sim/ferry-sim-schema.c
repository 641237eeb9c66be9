/* ferry-sim-schema.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-schema"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ferry-sim-schema.h"

static GPtrArray  *classes;       /* of FerrySimClass */
static GHashTable *class_by_name; /* name -> FerrySimClass */
static GHashTable *class_by_lower;
static GHashTable *types;         /* spelling -> FerrySimType */
static GMutex      types_lock;

static const FerrySimEnumDef *
lookup_enum (const char *name)
{
  for (guint i = 0; i < ferry_sim_n_enum_defs; i++)
    if (strcmp (ferry_sim_enum_defs[i].name, name) == 0)
      return &ferry_sim_enum_defs[i];
  return NULL;
}

static gboolean
has_suffix (const char *text,
            gsize       len,
            const char *suffix)
{
  gsize slen = strlen (suffix);

  return len > slen && memcmp (text + len - slen, suffix, slen) == 0;
}

static const FerrySimType *parse_type_locked (const char *spelling);

static FerrySimType *
build_type (const char *spelling)
{
  FerrySimType *type = g_new0 (FerrySimType, 1);
  gsize len = strlen (spelling);

  type->spelling = g_strdup (spelling);

  if (g_str_equal (spelling, "void"))
    type->kind = FERRY_SIM_TYPE_VOID;
  else if (g_str_equal (spelling, "string"))
    type->kind = FERRY_SIM_TYPE_STRING;
  else if (g_str_equal (spelling, "int"))
    type->kind = FERRY_SIM_TYPE_INT;
  else if (g_str_equal (spelling, "float"))
    type->kind = FERRY_SIM_TYPE_FLOAT;
  else if (g_str_equal (spelling, "bool"))
    type->kind = FERRY_SIM_TYPE_BOOL;
  else if (g_str_equal (spelling, "datetime"))
    type->kind = FERRY_SIM_TYPE_DATETIME;
  else if (has_suffix (spelling, len, " set"))
    {
      g_autofree char *element = g_strndup (spelling, len - 4);
      type->kind = FERRY_SIM_TYPE_SET;
      type->element = parse_type_locked (element);
    }
  else if (g_str_has_prefix (spelling, "enum "))
    {
      const FerrySimEnumDef *def = lookup_enum (spelling + 5);

      if (def == NULL)
        g_error ("Unknown enum in type '%s'", spelling);
      type->kind = FERRY_SIM_TYPE_ENUM;
      type->name = g_strdup (def->name);
      type->enum_values = def->values;
    }
  else if (spelling[0] == '(' && has_suffix (spelling, len, ") map"))
    {
      g_autofree char *body = g_strndup (spelling + 1, len - 1 - strlen (") map"));
      const char *arrow;
      int depth = 0;

      /* Find the " -> " at nesting depth zero. */
      for (arrow = body; *arrow; arrow++)
        {
          if (*arrow == '(')
            depth++;
          else if (*arrow == ')')
            depth--;
          else if (depth == 0 && g_str_has_prefix (arrow, " -> "))
            break;
        }
      if (*arrow == '\0')
        g_error ("Bad map type '%s'", spelling);

      type->kind = FERRY_SIM_TYPE_MAP;
      {
        g_autofree char *key = g_strndup (body, arrow - body);
        type->key = parse_type_locked (key);
        type->element = parse_type_locked (arrow + 4);
      }
    }
  else if (has_suffix (spelling, len, " ref"))
    {
      type->kind = FERRY_SIM_TYPE_REF;
      type->name = g_strndup (spelling, len - 4);
    }
  else if (has_suffix (spelling, len, " record"))
    {
      type->kind = FERRY_SIM_TYPE_RECORD;
      type->name = g_strndup (spelling, len - 7);
    }
  else
    g_error ("Unknown type spelling '%s'", spelling);

  return type;
}

static const FerrySimType *
parse_type_locked (const char *spelling)
{
  FerrySimType *type;

  if (types == NULL)
    types = g_hash_table_new (g_str_hash, g_str_equal);

  type = g_hash_table_lookup (types, spelling);
  if (type == NULL)
    {
      type = build_type (spelling);
      g_hash_table_insert (types, type->spelling, type);
    }

  return type;
}

const FerrySimType *
ferry_sim_type_parse (const char *spelling)
{
  const FerrySimType *type;

  g_mutex_lock (&types_lock);
  type = parse_type_locked (spelling);
  g_mutex_unlock (&types_lock);

  return type;
}

gboolean
ferry_sim_type_is_enum_value (const FerrySimType  *type,
                              const char          *text,
                              const char         **canonical)
{
  g_return_val_if_fail (type->kind == FERRY_SIM_TYPE_ENUM, FALSE);

  /* xapi matches enum values case-insensitively (ppx_deriving_rpc lowercases). */
  for (guint i = 0; type->enum_values[i]; i++)
    if (g_ascii_strcasecmp (type->enum_values[i], text) == 0)
      {
        if (canonical)
          *canonical = type->enum_values[i];
        return TRUE;
      }

  return FALSE;
}

void
ferry_sim_type_zero (const FerrySimType *type,
                     FerrySimValue      *out)
{
  switch (type->kind)
    {
    case FERRY_SIM_TYPE_VOID:
    case FERRY_SIM_TYPE_STRING:
      ferry_sim_value_set_string (out, "");
      break;
    case FERRY_SIM_TYPE_INT:
      ferry_sim_value_set_int (out, 0);
      break;
    case FERRY_SIM_TYPE_FLOAT:
      ferry_sim_value_set_float (out, 0.0);
      break;
    case FERRY_SIM_TYPE_BOOL:
      ferry_sim_value_set_bool (out, FALSE);
      break;
    case FERRY_SIM_TYPE_DATETIME:
      ferry_sim_value_set_datetime (out, "19700101T00:00:00Z");
      break;
    case FERRY_SIM_TYPE_ENUM:
      ferry_sim_value_set_string (out, type->enum_values[0]);
      break;
    case FERRY_SIM_TYPE_REF:
      ferry_sim_value_set_string (out, "OpaqueRef:NULL");
      break;
    case FERRY_SIM_TYPE_SET:
      ferry_sim_value_set_array (out);
      break;
    case FERRY_SIM_TYPE_MAP:
    case FERRY_SIM_TYPE_RECORD:
      ferry_sim_value_set_map (out);
      break;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
parse_int (const char *text,
           gint64     *out)
{
  char *end = NULL;
  gint64 v;

  if (text == NULL || *text == '\0')
    return FALSE;
  errno = 0;
  v = g_ascii_strtoll (text, &end, 10);
  if (errno != 0 || end == text || *end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
parse_float (const char *text,
             double     *out)
{
  char *end = NULL;
  double v;

  if (text == NULL || *text == '\0')
    return FALSE;
  v = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

/* Accepts xapi's "20250319T04:16:24Z" and RFC 3339 with dashes; no zone means UTC. */
static char *
normalize_datetime (const char *text)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  int y, mo, d, h, mi, s;
  char tail[8] = "";

  if (sscanf (text, "%4d%2d%2dT%2d:%2d:%2d%7s", &y, &mo, &d, &h, &mi, &s, tail) >= 6 &&
      strlen (text) >= 17 && text[8] == 'T')
    dt = g_date_time_new (utc, y, mo, d, h, mi, s);
  else
    {
      dt = g_date_time_new_from_iso8601 (text, utc);
      if (dt == NULL)
        {
          g_autofree char *zoned = g_strconcat (text, "Z", NULL);
          dt = g_date_time_new_from_iso8601 (zoned, utc);
        }
    }

  if (dt == NULL)
    return NULL;

  {
    g_autoptr(GDateTime) u = g_date_time_to_utc (dt);
    return g_date_time_format (u, "%Y%m%dT%H:%M:%SZ");
  }
}

gboolean
ferry_sim_type_parse_text (const FerrySimType *type,
                           const char         *text,
                           FerrySimValue      *out)
{
  ferry_sim_value_clear (out);

  if (text == NULL)
    return FALSE;

  switch (type->kind)
    {
    case FERRY_SIM_TYPE_VOID:
    case FERRY_SIM_TYPE_STRING:
    case FERRY_SIM_TYPE_REF:
      ferry_sim_value_set_string (out, text);
      return TRUE;
    case FERRY_SIM_TYPE_INT:
      {
        gint64 v;
        double d;
        if (parse_int (text, &v))
          ferry_sim_value_set_int (out, v);
        else if (parse_float (text, &d))  /* old dumps write some ints as floats */
          ferry_sim_value_set_int (out, (gint64) d);
        else
          return FALSE;
        return TRUE;
      }
    case FERRY_SIM_TYPE_FLOAT:
      {
        double d;
        if (!parse_float (text, &d))
          return FALSE;
        ferry_sim_value_set_float (out, d);
        return TRUE;
      }
    case FERRY_SIM_TYPE_BOOL:
      if (g_ascii_strcasecmp (text, "true") == 0 || g_str_equal (text, "1"))
        ferry_sim_value_set_bool (out, TRUE);
      else if (g_ascii_strcasecmp (text, "false") == 0 || g_str_equal (text, "0"))
        ferry_sim_value_set_bool (out, FALSE);
      else
        return FALSE;
      return TRUE;
    case FERRY_SIM_TYPE_DATETIME:
      {
        g_autofree char *norm = normalize_datetime (text);
        if (norm == NULL)
          return FALSE;
        ferry_sim_value_set_datetime (out, norm);
        return TRUE;
      }
    case FERRY_SIM_TYPE_ENUM:
      {
        const char *canonical;
        if (!ferry_sim_type_is_enum_value (type, text, &canonical))
          return FALSE;
        ferry_sim_value_set_string (out, canonical);
        return TRUE;
      }
    case FERRY_SIM_TYPE_SET:
    case FERRY_SIM_TYPE_MAP:
    case FERRY_SIM_TYPE_RECORD:
    default:
      return FALSE;
    }
}

gboolean
ferry_sim_type_coerce (const FerrySimType  *type,
                       const FerrySimValue *in,
                       FerrySimValue       *out)
{
  g_auto(FerrySimValue) result = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_clear (out);

  switch (type->kind)
    {
    case FERRY_SIM_TYPE_VOID:
      ferry_sim_value_copy (&result, in);
      break;

    case FERRY_SIM_TYPE_STRING:
    case FERRY_SIM_TYPE_REF:
      if (in->kind != FERRY_SIM_VALUE_STRING)
        return FALSE;
      ferry_sim_value_copy (&result, in);
      break;

    case FERRY_SIM_TYPE_INT:
      {
        gint64 v;
        if (in->kind == FERRY_SIM_VALUE_INT)
          ferry_sim_value_copy (&result, in);
        else if (in->kind == FERRY_SIM_VALUE_STRING && parse_int (in->s, &v))
          ferry_sim_value_set_int (&result, v);
        else
          return FALSE;
      }
      break;

    case FERRY_SIM_TYPE_FLOAT:
      if (in->kind == FERRY_SIM_VALUE_FLOAT)
        ferry_sim_value_copy (&result, in);
      else if (in->kind == FERRY_SIM_VALUE_INT)
        ferry_sim_value_set_float (&result, (double) in->i);
      else if (in->kind != FERRY_SIM_VALUE_STRING || !ferry_sim_type_parse_text (type, in->s, &result))
        return FALSE;
      break;

    case FERRY_SIM_TYPE_BOOL:
      if (in->kind != FERRY_SIM_VALUE_BOOL)
        return FALSE;
      ferry_sim_value_copy (&result, in);
      break;

    case FERRY_SIM_TYPE_DATETIME:
      if ((in->kind != FERRY_SIM_VALUE_STRING && in->kind != FERRY_SIM_VALUE_DATETIME) ||
          !ferry_sim_type_parse_text (type, in->s, &result))
        return FALSE;
      break;

    case FERRY_SIM_TYPE_ENUM:
      if (in->kind != FERRY_SIM_VALUE_STRING || !ferry_sim_type_parse_text (type, in->s, &result))
        return FALSE;
      break;

    case FERRY_SIM_TYPE_SET:
      if (in->kind != FERRY_SIM_VALUE_ARRAY)
        return FALSE;
      ferry_sim_value_set_array (&result);
      for (guint i = 0; i < in->array->len; i++)
        {
          g_auto(FerrySimValue) item = FERRY_SIM_VALUE_INIT;
          if (!ferry_sim_type_coerce (type->element, &g_array_index (in->array, FerrySimValue, i), &item))
            return FALSE;
          ferry_sim_value_append (&result, &item);
        }
      break;

    case FERRY_SIM_TYPE_MAP:
      if (in->kind != FERRY_SIM_VALUE_MAP)
        return FALSE;
      ferry_sim_value_set_map (&result);
      for (guint i = 0; i < in->map->len; i++)
        {
          const FerrySimPair *pair = &g_array_index (in->map, FerrySimPair, i);
          g_auto(FerrySimValue) key = FERRY_SIM_VALUE_INIT;
          g_auto(FerrySimValue) item = FERRY_SIM_VALUE_INIT;

          if (!ferry_sim_type_parse_text (type->key, pair->key, &key) ||
              !ferry_sim_type_coerce (type->element, &pair->value, &item))
            return FALSE;
          if (key.kind == FERRY_SIM_VALUE_STRING)
            ferry_sim_value_insert (&result, key.s, &item);
          else
            ferry_sim_value_insert (&result, pair->key, &item);
        }
      break;

    case FERRY_SIM_TYPE_RECORD:
      if (in->kind != FERRY_SIM_VALUE_MAP)
        return FALSE;
      ferry_sim_value_copy (&result, in);
      break;

    default:
      return FALSE;
    }

  ferry_sim_value_move (out, &result);
  return TRUE;
}

static void
init_class (FerrySimClass          *klass,
            const FerrySimClassDef *def,
            guint                   index)
{
  klass->name = def->name;
  klass->lower_name = g_ascii_strdown (def->name, -1);
  klass->index = index;
  klass->n_fields = def->n_fields;
  klass->fields = g_new0 (FerrySimField, def->n_fields);
  klass->by_name = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < def->n_fields; i++)
    {
      FerrySimField *field = &klass->fields[i];

      field->def = &def->fields[i];
      field->name = def->fields[i].name;
      field->type = ferry_sim_type_parse (def->fields[i].type);
      field->klass = klass;
      field->index = i;
      field->inverse_sets = g_ptr_array_new ();
      field->json_key = g_strdup_printf ("\"%s\":", field->name);
      field->xml_key = g_strdup_printf ("<member><name>%s</name>", field->name);

      if (def->fields[i].default_value == NULL ||
          !ferry_sim_type_parse_text (field->type, def->fields[i].default_value, &field->default_value))
        {
          if (def->fields[i].default_value != NULL)
            g_error ("Bad default '%s' for %s.%s", def->fields[i].default_value, def->name, field->name);
          ferry_sim_type_zero (field->type, &field->default_value);
        }

      if (!g_hash_table_insert (klass->by_name, (gpointer) field->name, field))
        g_error ("Duplicate field %s.%s", def->name, field->name);
    }

  klass->uuid = g_hash_table_lookup (klass->by_name, "uuid");
  klass->name_label = g_hash_table_lookup (klass->by_name, "name_label");
}

static void
link_inverses (FerrySimClass *klass)
{
  for (guint i = 0; i < klass->n_fields; i++)
    {
      FerrySimField *set = &klass->fields[i];
      FerrySimClass *target;
      FerrySimField *ref;

      if (set->def->inverse == NULL)
        continue;

      if (set->type->kind != FERRY_SIM_TYPE_SET || set->type->element->kind != FERRY_SIM_TYPE_REF)
        g_error ("%s.%s has an inverse but is not a ref set", klass->name, set->name);

      target = g_hash_table_lookup (class_by_name, set->type->element->name);
      if (target == NULL)
        g_error ("%s.%s refers to unknown class %s", klass->name, set->name, set->type->element->name);

      ref = g_hash_table_lookup (target->by_name, set->def->inverse);
      if (ref == NULL || ref->type->kind != FERRY_SIM_TYPE_REF)
        g_error ("%s.%s: inverse %s.%s is not a ref field",
                 klass->name, set->name, target->name, set->def->inverse);

      set->inverse_ref = ref;
      g_ptr_array_add (ref->inverse_sets, set);
    }
}

static gpointer
schema_init_once (gpointer data)
{
  classes = g_ptr_array_new ();
  class_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  class_by_lower = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < ferry_sim_n_class_defs; i++)
    {
      FerrySimClass *klass = g_new0 (FerrySimClass, 1);

      init_class (klass, &ferry_sim_class_defs[i], i);
      g_ptr_array_add (classes, klass);
      g_hash_table_insert (class_by_name, (gpointer) klass->name, klass);
      g_hash_table_insert (class_by_lower, klass->lower_name, klass);
    }

  for (guint i = 0; i < classes->len; i++)
    link_inverses (g_ptr_array_index (classes, i));

  return NULL;
}

void
ferry_sim_schema_init (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, schema_init_once, NULL);
}

guint
ferry_sim_schema_get_n_classes (void)
{
  ferry_sim_schema_init ();
  return classes->len;
}

FerrySimClass *
ferry_sim_schema_get_class (guint index)
{
  ferry_sim_schema_init ();
  g_return_val_if_fail (index < classes->len, NULL);
  return g_ptr_array_index (classes, index);
}

FerrySimClass *
ferry_sim_schema_lookup_class (const char *name)
{
  ferry_sim_schema_init ();
  return g_hash_table_lookup (class_by_name, name);
}

FerrySimClass *
ferry_sim_schema_lookup_class_nocase (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  ferry_sim_schema_init ();
  return g_hash_table_lookup (class_by_lower, lower);
}

FerrySimField *
ferry_sim_class_lookup_field (FerrySimClass *klass,
                              const char    *name)
{
  return g_hash_table_lookup (klass->by_name, name);
}
