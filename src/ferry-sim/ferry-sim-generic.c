/* ferry-sim-generic.c: the messages xapi generates for every class:
 * get_all, get_all_records, get_record, get_by_uuid, get_by_name_label,
 * get_all_records_where, and get_/set_/add_to_/remove_from_/add_/remove_ per field.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-generic"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ferry-sim-error.h"
#include "ferry-sim-rpc-private.h"

static FerrySimClass *
call_class (FerrySimCall *call)
{
  return (FerrySimClass *) ferry_sim_call_get_def (call)->data;
}

static FerrySimField *
call_field (FerrySimCall *call)
{
  return (FerrySimField *) ferry_sim_call_get_def (call)->data;
}

static void
return_refs (FerrySimCall *call,
             GPtrArray    *rows)
{
  FerrySimValue refs = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_set_array (&refs);
  for (guint i = 0; i < rows->len; i++)
    ferry_sim_value_append_string (&refs, ((FerrySimRow *) g_ptr_array_index (rows, i))->ref);
  ferry_sim_call_return_value (call, &refs);
}

static void
get_all (FerrySimCall *call)
{
  return_refs (call, ferry_sim_db_get_rows (ferry_sim_call_get_db (call), call_class (call)));
}

typedef struct
{
  GPtrArray *rows;  /* of FerrySimRow, borrowed: written before the loop runs again */
} RecordsData;

static void
write_records_cb (GString  *out,
                  gboolean  json,
                  gpointer  data)
{
  GPtrArray *rows = data;

  if (json)
    {
      g_string_append_c (out, '{');
      for (guint i = 0; i < rows->len; i++)
        {
          FerrySimRow *row = g_ptr_array_index (rows, i);

          if (i > 0)
            g_string_append_c (out, ',');
          ferry_sim_write_json_string (out, row->ref);
          g_string_append_c (out, ':');
          ferry_sim_row_write_json (row, out);
        }
      g_string_append_c (out, '}');
    }
  else
    {
      g_string_append (out, "<value><struct>");
      for (guint i = 0; i < rows->len; i++)
        {
          FerrySimRow *row = g_ptr_array_index (rows, i);

          g_string_append (out, "<member><name>");
          g_string_append (out, row->ref);
          g_string_append (out, "</name>");
          ferry_sim_row_write_xmlrpc (row, out);
          g_string_append (out, "</member>");
        }
      g_string_append (out, "</struct></value>");
    }
}

static void
return_records (FerrySimCall *call,
                GPtrArray    *rows)
{
  ferry_sim_call_return_writer (call, write_records_cb, g_ptr_array_ref (rows),
                                (GDestroyNotify) g_ptr_array_unref);
}

static void
get_all_records (FerrySimCall *call)
{
  return_records (call, ferry_sim_db_get_rows (ferry_sim_call_get_db (call), call_class (call)));
}

static gboolean
expression_matches (FerrySimRow *row,
                    const char  *expression)
{
  g_auto(GStrv) clauses = NULL;

  /* xapi's DB expression language; the forms clients use are
   * 'true' and 'field "name" = "value"' joined with 'and'. */
  if (expression == NULL)
    return TRUE;

  clauses = g_strsplit (expression, " and ", -1);
  for (guint i = 0; clauses[i]; i++)
    {
      char field[128];
      char value[512];
      const char *clause = g_strstrip (clauses[i]);
      const FerrySimValue *current;
      FerrySimField *f;
      g_autofree char *text = NULL;

      if (g_str_equal (clause, "true"))
        continue;
      if (g_str_equal (clause, "false"))
        return FALSE;
      if (sscanf (clause, "field \"%127[^\"]\" = \"%511[^\"]\"", field, value) != 2)
        return FALSE;

      f = ferry_sim_class_lookup_field (row->klass, field);
      if (f == NULL)
        {
          /* DB column names use "__" where wire names use "_". */
          g_autofree char *wire = g_strdup (field);
          char *p;
          while ((p = strstr (wire, "__")) != NULL)
            memmove (p, p + 1, strlen (p));
          f = ferry_sim_class_lookup_field (row->klass, wire);
        }
      if (f == NULL)
        return FALSE;

      current = &row->values[f->index];
      if (current->kind == FERRY_SIM_VALUE_STRING || current->kind == FERRY_SIM_VALUE_DATETIME)
        text = g_strdup (current->s);
      else if (current->kind == FERRY_SIM_VALUE_INT)
        text = g_strdup_printf ("%" G_GINT64_FORMAT, current->i);
      else if (current->kind == FERRY_SIM_VALUE_BOOL)
        text = g_strdup (current->b ? "true" : "false");
      if (g_strcmp0 (text, value) != 0)
        return FALSE;
    }

  return TRUE;
}

static void
get_all_records_where (FerrySimCall *call)
{
  GPtrArray *rows = ferry_sim_db_get_rows (ferry_sim_call_get_db (call), call_class (call));
  const char *expression = ferry_sim_call_get_arg_string (call, 0);
  g_autoptr(GPtrArray) matching = g_ptr_array_new ();

  for (guint i = 0; i < rows->len; i++)
    if (expression_matches (g_ptr_array_index (rows, i), expression))
      g_ptr_array_add (matching, g_ptr_array_index (rows, i));

  return_records (call, matching);
}

static void
write_row_cb (GString  *out,
              gboolean  json,
              gpointer  data)
{
  if (json)
    ferry_sim_row_write_json (data, out);
  else
    ferry_sim_row_write_xmlrpc (data, out);
}

static FerrySimRow *
self_row_or_fail (FerrySimCall *call,
                  FerrySimClass *klass)
{
  GError *error = NULL;
  FerrySimRow *row = ferry_sim_call_get_arg_row (call, 0, klass->name, &error);

  if (row == NULL)
    ferry_sim_call_return_error (call, error);
  return row;
}

static void
get_record (FerrySimCall *call)
{
  FerrySimRow *row = self_row_or_fail (call, call_class (call));

  if (row != NULL)
    ferry_sim_call_return_writer (call, write_row_cb, row, NULL);
}

static void
get_by_uuid (FerrySimCall *call)
{
  FerrySimClass *klass = call_class (call);
  const char *uuid = ferry_sim_call_get_arg_string (call, 0);
  FerrySimRow *row = ferry_sim_db_lookup_uuid (ferry_sim_call_get_db (call), klass, uuid);

  if (row == NULL)
    ferry_sim_call_return_error (call, ferry_sim_failure_new ("UUID_INVALID", klass->name, uuid, NULL));
  else
    ferry_sim_call_return_string (call, row->ref);
}

static void
get_by_name_label (FerrySimCall *call)
{
  FerrySimClass *klass = call_class (call);
  GPtrArray *rows = ferry_sim_db_get_rows (ferry_sim_call_get_db (call), klass);
  const char *label = ferry_sim_call_get_arg_string (call, 0);
  g_autoptr(GPtrArray) matching = g_ptr_array_new ();

  for (guint i = 0; i < rows->len; i++)
    {
      FerrySimRow *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->values[klass->name_label->index].s, label) == 0)
        g_ptr_array_add (matching, row);
    }

  return_refs (call, matching);
}

static void
get_field (FerrySimCall *call)
{
  FerrySimField *field = call_field (call);
  FerrySimRow *row = self_row_or_fail (call, field->klass);
  FerrySimValue copy = FERRY_SIM_VALUE_INIT;

  if (row == NULL)
    return;

  ferry_sim_value_copy (&copy, &row->values[field->index]);
  ferry_sim_call_return_value (call, &copy);
}

static void
set_field (FerrySimCall *call)
{
  FerrySimField *field = call_field (call);
  FerrySimRow *row = self_row_or_fail (call, field->klass);
  FerrySimValue value = FERRY_SIM_VALUE_INIT;

  if (row == NULL)
    return;

  ferry_sim_value_copy (&value, ferry_sim_call_get_arg (call, 1));
  ferry_sim_db_set (ferry_sim_call_get_db (call), row, field, &value);
  ferry_sim_call_return_void (call);
}

static void
add_to_map (FerrySimCall *call)
{
  FerrySimField *field = call_field (call);
  const char *key = ferry_sim_call_get_arg_string (call, 1);
  FerrySimRow *row = self_row_or_fail (call, field->klass);  /* on failure the call is gone */
  FerrySimValue map = FERRY_SIM_VALUE_INIT;
  FerrySimValue item = FERRY_SIM_VALUE_INIT;

  if (row == NULL)
    return;

  if (ferry_sim_value_lookup (&row->values[field->index], key) != NULL)
    {
      ferry_sim_call_return_error (call,
                                   ferry_sim_failure_new ("MAP_DUPLICATE_KEY", field->klass->name,
                                                          field->name, ferry_sim_row_get_uuid (row),
                                                          key, NULL));
      return;
    }

  ferry_sim_value_copy (&map, &row->values[field->index]);
  ferry_sim_value_copy (&item, ferry_sim_call_get_arg (call, 2));
  ferry_sim_value_insert (&map, key, &item);
  ferry_sim_db_set (ferry_sim_call_get_db (call), row, field, &map);
  ferry_sim_call_return_void (call);
}

static void
remove_from_map (FerrySimCall *call)
{
  FerrySimField *field = call_field (call);
  FerrySimRow *row = self_row_or_fail (call, field->klass);
  FerrySimValue map = FERRY_SIM_VALUE_INIT;

  if (row == NULL)
    return;

  ferry_sim_value_copy (&map, &row->values[field->index]);
  ferry_sim_value_remove_key (&map, ferry_sim_call_get_arg_string (call, 1));
  ferry_sim_db_set (ferry_sim_call_get_db (call), row, field, &map);
  ferry_sim_call_return_void (call);
}

static void
add_to_set (FerrySimCall *call)
{
  FerrySimField *field = call_field (call);
  FerrySimRow *row = self_row_or_fail (call, field->klass);
  FerrySimValue set = FERRY_SIM_VALUE_INIT;
  FerrySimValue item = FERRY_SIM_VALUE_INIT;

  if (row == NULL)
    return;

  ferry_sim_value_copy (&set, &row->values[field->index]);
  ferry_sim_value_copy (&item, ferry_sim_call_get_arg (call, 1));
  for (guint i = 0; i < ferry_sim_value_get_length (&set); i++)
    if (ferry_sim_value_equal (ferry_sim_value_index (&set, i), &item))
      {
        ferry_sim_value_clear (&item);
        break;
      }
  if (item.kind != FERRY_SIM_VALUE_NULL)
    ferry_sim_value_append (&set, &item);
  ferry_sim_db_set (ferry_sim_call_get_db (call), row, field, &set);
  ferry_sim_call_return_void (call);
}

static void
remove_from_set (FerrySimCall *call)
{
  FerrySimField *field = call_field (call);
  const FerrySimValue *item = ferry_sim_call_get_arg (call, 1);
  FerrySimRow *row = self_row_or_fail (call, field->klass);  /* on failure the call is gone */
  FerrySimValue set = FERRY_SIM_VALUE_INIT;

  if (row == NULL)
    return;

  ferry_sim_value_copy (&set, &row->values[field->index]);
  for (guint i = 0; i < ferry_sim_value_get_length (&set); i++)
    if (ferry_sim_value_equal (ferry_sim_value_index (&set, i), item))
      {
        g_array_remove_index (set.array, i);
        break;
      }
  ferry_sim_db_set (ferry_sim_call_get_db (call), row, field, &set);
  ferry_sim_call_return_void (call);
}

static char *
intern_printf (const char *format,
               ...) G_GNUC_PRINTF (1, 2);

/* Method names and type spellings live as long as the process. */
static char *
intern_printf (const char *format,
               ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  return (char *) g_intern_string (text);
}

static void
add_def (GArray          *defs,
         const char      *name,
         FerrySimHandler  handler,
         gconstpointer    data,
         const char      *param0,
         const char      *param1,
         const char      *param2)
{
  FerrySimMethodDef def = {
    .name = name,
    .handler = handler,
    .flags = FERRY_SIM_METHOD_NO_ASYNC,
    .data = data,
    .params = { param0, param1, param2 },
  };

  def.n_required = (param0 != NULL) + (param1 != NULL) + (param2 != NULL);
  g_array_append_val (defs, def);
}

void
_ferry_sim_generic_register (void)
{
  GArray *defs = g_array_new (FALSE, TRUE, sizeof (FerrySimMethodDef));
  guint n = ferry_sim_schema_get_n_classes ();

  for (guint c = 0; c < n; c++)
    {
      FerrySimClass *klass = ferry_sim_schema_get_class (c);
      const char *self_type = intern_printf ("%s ref", klass->name);

      add_def (defs, intern_printf ("%s.get_all", klass->name), get_all, klass, NULL, NULL, NULL);
      add_def (defs, intern_printf ("%s.get_all_records", klass->name), get_all_records, klass,
               NULL, NULL, NULL);
      add_def (defs, intern_printf ("%s.get_all_records_where", klass->name), get_all_records_where,
               klass, "string", NULL, NULL);
      add_def (defs, intern_printf ("%s.get_record", klass->name), get_record, klass,
               self_type, NULL, NULL);
      if (klass->uuid != NULL)
        add_def (defs, intern_printf ("%s.get_by_uuid", klass->name), get_by_uuid, klass,
                 "string", NULL, NULL);
      if (klass->name_label != NULL)
        add_def (defs, intern_printf ("%s.get_by_name_label", klass->name), get_by_name_label, klass,
                 "string", NULL, NULL);

      for (guint f = 0; f < klass->n_fields; f++)
        {
          FerrySimField *field = &klass->fields[f];
          const FerrySimType *type = field->type;

          add_def (defs, intern_printf ("%s.get_%s", klass->name, field->name), get_field, field,
                   self_type, NULL, NULL);

          if (!(field->def->flags & FERRY_SIM_FIELD_RW))
            continue;

          add_def (defs, intern_printf ("%s.set_%s", klass->name, field->name), set_field, field,
                   self_type, type->spelling, NULL);

          if (type->kind == FERRY_SIM_TYPE_MAP)
            {
              add_def (defs, intern_printf ("%s.add_to_%s", klass->name, field->name), add_to_map,
                       field, self_type, type->key->spelling, type->element->spelling);
              add_def (defs, intern_printf ("%s.remove_from_%s", klass->name, field->name),
                       remove_from_map, field, self_type, type->key->spelling, NULL);
            }
          else if (type->kind == FERRY_SIM_TYPE_SET)
            {
              add_def (defs, intern_printf ("%s.add_%s", klass->name, field->name), add_to_set,
                       field, self_type, type->element->spelling, NULL);
              add_def (defs, intern_printf ("%s.remove_%s", klass->name, field->name),
                       remove_from_set, field, self_type, type->element->spelling, NULL);
            }
        }
    }

  /* The table lives for the whole process, like xapi's. */
  ferry_sim_rpc_register ((const FerrySimMethodDef *) defs->data, defs->len);
  g_array_free (defs, FALSE);
}
