/* ferry-cli-output.c
 *
 * What people read (aligned tables, key: value lists, colours only on a
 * terminal) and what programs parse (one JSON document per run, written
 * with JsonGenerator once the command has finished).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-output"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "ferry-cli-output.h"

/* Styles */

static const char *
style_code (FerryCliStyle style)
{
  switch (style)
    {
    case FERRY_CLI_STYLE_BOLD:    return "\033[1m";
    case FERRY_CLI_STYLE_DIM:     return "\033[2m";
    case FERRY_CLI_STYLE_GOOD:    return "\033[32m";
    case FERRY_CLI_STYLE_WARNING: return "\033[33m";
    case FERRY_CLI_STYLE_BAD:     return "\033[1;31m";
    case FERRY_CLI_STYLE_NONE:
    default:                      return NULL;
    }
}

char *
ferry_cli_style_text (const char    *text,
                      FerryCliStyle  style,
                      gboolean       color)
{
  const char *code = style_code (style);

  if (text == NULL)
    text = "";
  if (!color || code == NULL)
    return g_strdup (text);
  return g_strconcat (code, text, "\033[0m", NULL);
}

/* Tables */

typedef struct
{
  char          *text;
  FerryCliStyle  style;
} Cell;

typedef struct
{
  GArray    *cells;   /* Cell */
  GPtrArray *notes;   /* Note */
} Row;

typedef struct
{
  guint          column;
  char          *text;
  FerryCliStyle  style;
} Note;

struct _FerryCliTable
{
  GPtrArray *headers;
  GPtrArray *rows;    /* Row */
};

static void
cell_clear (gpointer data)
{
  Cell *cell = data;

  g_free (cell->text);
}

static void
note_free (gpointer data)
{
  Note *note = data;

  g_free (note->text);
  g_free (note);
}

static void
row_free (gpointer data)
{
  Row *row = data;

  g_array_unref (row->cells);
  g_ptr_array_unref (row->notes);
  g_free (row);
}

FerryCliTable *
ferry_cli_table_new (const char *first_header,
                     ...)
{
  FerryCliTable *table = g_new0 (FerryCliTable, 1);
  va_list args;

  table->headers = g_ptr_array_new_with_free_func (g_free);
  table->rows = g_ptr_array_new_with_free_func (row_free);

  va_start (args, first_header);
  for (const char *header = first_header; header != NULL; header = va_arg (args, const char *))
    g_ptr_array_add (table->headers, g_strdup (header));
  va_end (args);

  return table;
}

void
ferry_cli_table_free (FerryCliTable *table)
{
  if (table == NULL)
    return;
  g_ptr_array_unref (table->headers);
  g_ptr_array_unref (table->rows);
  g_free (table);
}

void
ferry_cli_table_begin_row (FerryCliTable *table)
{
  Row *row = g_new0 (Row, 1);

  row->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  g_array_set_clear_func (row->cells, cell_clear);
  row->notes = g_ptr_array_new_with_free_func (note_free);
  g_ptr_array_add (table->rows, row);
}

static Row *
current_row (FerryCliTable *table)
{
  if (table->rows->len == 0)
    ferry_cli_table_begin_row (table);
  return g_ptr_array_index (table->rows, table->rows->len - 1);
}

void
ferry_cli_table_take (FerryCliTable *table,
                      char          *text,
                      FerryCliStyle  style)
{
  Cell cell = { text != NULL ? text : g_strdup ("-"), style };

  g_array_append_val (current_row (table)->cells, cell);
}

void
ferry_cli_table_add (FerryCliTable *table,
                     const char    *text,
                     FerryCliStyle  style)
{
  ferry_cli_table_take (table, g_strdup (text), style);
}

void
ferry_cli_table_add_note (FerryCliTable *table,
                          guint          column,
                          const char    *text,
                          FerryCliStyle  style)
{
  Note *note = g_new0 (Note, 1);

  note->column = column;
  note->text = g_strdup (text);
  note->style = style;
  g_ptr_array_add (current_row (table)->notes, note);
}

guint
ferry_cli_table_get_n_rows (FerryCliTable *table)
{
  return table->rows->len;
}

static gsize
text_width (const char *text)
{
  return g_utf8_strlen (text, -1);
}

static void
print_cell (GString       *out,
            const char    *text,
            FerryCliStyle  style,
            gsize          width,
            gboolean       last,
            gboolean       color)
{
  g_autofree char *styled = ferry_cli_style_text (text, style, color);

  g_string_append (out, styled);
  if (!last)
    for (gsize i = text_width (text); i < width + 2; i++)
      g_string_append_c (out, ' ');
}

void
ferry_cli_table_print (FerryCliTable *table,
                       gboolean       color)
{
  guint n_columns = table->headers->len;
  g_autofree gsize *widths = g_new0 (gsize, MAX (n_columns, 1));
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint c = 0; c < n_columns; c++)
    widths[c] = text_width (g_ptr_array_index (table->headers, c));
  for (guint r = 0; r < table->rows->len; r++)
    {
      Row *row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < row->cells->len && c < n_columns; c++)
        widths[c] = MAX (widths[c], text_width (g_array_index (row->cells, Cell, c).text));
    }

  for (guint c = 0; c < n_columns; c++)
    print_cell (out, g_ptr_array_index (table->headers, c), FERRY_CLI_STYLE_BOLD, widths[c],
                c + 1 == n_columns, color);
  g_string_append_c (out, '\n');

  for (guint r = 0; r < table->rows->len; r++)
    {
      Row *row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < row->cells->len && c < n_columns; c++)
        {
          Cell *cell = &g_array_index (row->cells, Cell, c);

          print_cell (out, cell->text, cell->style, widths[c],
                      c + 1 == MIN (row->cells->len, n_columns), color);
        }
      g_string_append_c (out, '\n');

      for (guint n = 0; n < row->notes->len; n++)
        {
          Note *note = g_ptr_array_index (row->notes, n);
          g_autofree char *styled = ferry_cli_style_text (note->text, note->style, color);
          gsize indent = 0;

          for (guint c = 0; c < note->column && c < n_columns; c++)
            indent += widths[c] + 2;
          for (gsize i = 0; i < indent; i++)
            g_string_append_c (out, ' ');
          g_string_append (out, styled);
          g_string_append_c (out, '\n');
        }
    }

  fputs (out->str, stdout);
  fflush (stdout);
}

/* Sizes */

char *
ferry_cli_format_bytes (gint64 bytes)
{
  if (bytes < 0)
    return NULL;
  return g_format_size_full ((guint64) bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/* JSON */

JsonBuilder *
ferry_cli_json_begin (const char *command)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, FERRY_CLI_JSON_FORMAT);
  json_builder_set_member_name (builder, "command");
  json_builder_add_string_value (builder, command);
  return builder;
}

void
ferry_cli_json_print (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
ferry_cli_json_add_string (JsonBuilder *builder,
                           const char  *member,
                           const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

void
ferry_cli_json_add_strv (JsonBuilder        *builder,
                         const char         *member,
                         const char * const *values)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

/* Printing JSON for people */

static gboolean
is_ref (JsonNode *node)
{
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  return json_object_get_size (object) == 4 &&
         json_object_has_member (object, "type") &&
         json_object_has_member (object, "name") &&
         json_object_has_member (object, "uuid") &&
         json_object_has_member (object, "ref");
}

static char *
format_ref (JsonNode *node)
{
  JsonObject *object = json_node_get_object (node);
  const char *name = json_object_get_string_member_with_default (object, "name", "");

  if (name[0] != '\0')
    return g_strdup (name);
  return g_strdup (json_object_get_string_member_with_default (object, "uuid", ""));
}

char *
ferry_cli_format_value (const char *member,
                        JsonNode   *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("-");

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
      if (type == G_TYPE_INT64)
        {
          if (member != NULL && g_str_has_suffix (member, "_bytes"))
            return ferry_cli_format_bytes (json_node_get_int (node));
          return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
        }
      if (type == G_TYPE_DOUBLE)
        return g_strdup_printf ("%g", json_node_get_double (node));
      return g_strdup (json_node_get_string (node));
    }

  if (is_ref (node))
    return format_ref (node);

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GString) out = g_string_new (NULL);

      if (json_array_get_length (array) == 0)
        return g_strdup ("-");
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *item = ferry_cli_format_value (member, json_array_get_element (array, i));

          if (i > 0)
            g_string_append (out, ", ");
          g_string_append (out, item);
        }
      return g_strdup (out->str);
    }

  /* A nested object on one line: key=value pairs. */
  {
    JsonObject *object = json_node_get_object (node);
    g_autoptr(GList) members = json_object_get_members (object);
    g_autoptr(GString) out = g_string_new (NULL);

    for (GList *l = members; l != NULL; l = l->next)
      {
        g_autofree char *item = ferry_cli_format_value (l->data, json_object_get_member (object, l->data));

        if (out->len > 0)
          g_string_append (out, ", ");
        g_string_append_printf (out, "%s=%s", (const char *) l->data, item);
      }
    return g_strdup (out->str);
  }
}

static gboolean
is_list_of_objects (JsonNode *node)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (item) && !is_ref (item))
        return TRUE;
    }
  return FALSE;
}

static void
print_members (GString    *out,
               JsonObject *object,
               guint       indent,
               gboolean    color)
{
  g_autoptr(GList) members = json_object_get_members (object);
  gsize width = 0;

  for (GList *l = members; l != NULL; l = l->next)
    width = MAX (width, strlen (l->data));

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      g_autofree char *label = g_strdup_printf ("%s:", name);
      g_autofree char *styled = ferry_cli_style_text (label, FERRY_CLI_STYLE_BOLD, color);

      for (guint i = 0; i < indent; i++)
        g_string_append_c (out, ' ');
      g_string_append (out, styled);

      if (JSON_NODE_HOLDS_OBJECT (node) && !is_ref (node))
        {
          g_string_append_c (out, '\n');
          print_members (out, json_node_get_object (node), indent + 2, color);
          continue;
        }

      if (is_list_of_objects (node))
        {
          JsonArray *array = json_node_get_array (node);

          g_string_append_c (out, '\n');
          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *item = json_array_get_element (array, i);
              g_autofree char *line = ferry_cli_format_value (name, item);

              for (guint j = 0; j < indent + 2; j++)
                g_string_append_c (out, ' ');
              g_string_append (out, "- ");
              g_string_append (out, line);
              g_string_append_c (out, '\n');
            }
          continue;
        }

      {
        g_autofree char *value = ferry_cli_format_value (name, node);

        for (gsize i = strlen (name); i < width; i++)
          g_string_append_c (out, ' ');
        g_string_append_c (out, ' ');
        g_string_append (out, value);
        g_string_append_c (out, '\n');
      }
    }
}

void
ferry_cli_print_object (JsonObject *object,
                        gboolean    color)
{
  g_autoptr(GString) out = g_string_new (NULL);

  print_members (out, object, 0, color);
  fputs (out->str, stdout);
  fflush (stdout);
}
