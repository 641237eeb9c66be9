/* ferry-sim-statedb.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-statedb"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ferry-sim-error.h"
#include "ferry-sim-statedb.h"

/* Bytes read from a file per parser call. */
#define CHUNK_SIZE (64 * 1024)

/* Where the parser is: each state is "inside this element". */
typedef enum
{
  STATE_START,
  STATE_DATABASE,
  STATE_MANIFEST,
  STATE_PAIR,
  STATE_TABLE,
  STATE_ROW,
  STATE_END,
} State;

static const char * const state_elements[] = {
  [STATE_START] = NULL,
  [STATE_DATABASE] = "database",
  [STATE_MANIFEST] = "manifest",
  [STATE_PAIR] = "pair",
  [STATE_TABLE] = "table",
  [STATE_ROW] = "row",
  [STATE_END] = NULL,
};

/* The column cache's mark for columns that are skipped or unknown. */
static FerrySimField skip_column;

typedef struct
{
  GMarkupParseContext *context;
  FerrySimDb          *db;
  char                *name;        /* for messages */
  State                state;

  char                *table;       /* the current table's name */
  FerrySimClass       *klass;       /* its class, NULL when the schema lacks it */
  GHashTable          *columns;     /* column name -> FerrySimField or &skip_column */
  const char          *column;      /* the column being decoded, for messages */
  int                  line;        /* the line of the current row */

  GString             *value;       /* an attribute without its space protection */
  GString             *key_atom;    /* S-expression atoms of the outermost level */
  GString             *item_atom;
  int                  lost_lines;  /* see loader_feed () */
  int                  end_line;    /* of </database> */

  char                *schema_major;
  char                *schema_minor;
  guint                n_rows;
  guint                n_ignored_rows;
  guint                n_bad_values;
} Loader;

static void
loader_free (Loader *self)
{
  g_clear_pointer (&self->context, g_markup_parse_context_free);
  g_clear_object (&self->db);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->table, g_free);
  g_clear_pointer (&self->columns, g_hash_table_unref);
  g_string_free (self->value, TRUE);
  g_string_free (self->key_atom, TRUE);
  g_string_free (self->item_atom, TRUE);
  g_clear_pointer (&self->schema_major, g_free);
  g_clear_pointer (&self->schema_minor, g_free);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loader, loader_free)

/* GMarkup counts a newline when it steps onto it: just after a tag that ends its
 * line, it reports the next line at column 1. */
static int
get_line (Loader *self)
{
  int line = 0;
  int column = 0;

  g_markup_parse_context_get_position (self->context, &line, &column);
  if (column == 1 && line > 1)
    line--;

  return line + self->lost_lines;
}

static void set_error_at (Loader      *self,
                          GError     **error,
                          const char  *format,
                          ...) G_GNUC_PRINTF (3, 4);

static void
set_error_at (Loader      *self,
              GError     **error,
              const char  *format,
              ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE, "%s:%d: %s", self->name, get_line (self), problem);
}

/* GMarkup's own errors read "Error on line 3 char 7: problem" (or "Error on line 3:
 * problem"), and quote invalid UTF-8 as it is; ours read "NAME:3: problem". */
static GError *
convert_markup_error (Loader *self,
                      GError *markup_error)
{
  g_autofree char *prefix = NULL;
  g_autofree char *short_prefix = NULL;
  g_autofree char *problem = NULL;
  const char *message = markup_error->message;
  GError *error;
  int line = 0;
  int column = 0;

  if (markup_error->domain != G_MARKUP_ERROR)
    return markup_error;

  g_markup_parse_context_get_position (self->context, &line, &column);
  prefix = g_strdup_printf (g_dgettext ("glib20", "Error on line %d char %d: "), line, column);
  short_prefix = g_strdup_printf (g_dgettext ("glib20", "Error on line %d: "), line);
  if (g_str_has_prefix (message, prefix))
    message += strlen (prefix);
  else if (g_str_has_prefix (message, short_prefix))
    message += strlen (short_prefix);
  problem = g_utf8_make_valid (message, -1);

  error = g_error_new (FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE, "%s:%d: %s", self->name, get_line (self), problem);
  g_error_free (markup_error);
  return error;
}

/* Undoes xml_spaces.ml: "%." space, "%t" tab, "%n" LF, "%r" CR, "%%" percent and the
 * legacy "%_" for two spaces. Returns @text itself when it holds no '%'. */
static const char *
unprotect_text (GString    *out,
                const char *text)
{
  const char *p = strchr (text, '%');
  const char *run = text;

  if (p == NULL)
    return text;

  g_string_truncate (out, 0);
  for (; p != NULL; p = strchr (run, '%'))
    {
      g_string_append_len (out, run, p - run);
      switch (p[1])
        {
        case '.': g_string_append_c (out, ' '); break;
        case '_': g_string_append (out, "  "); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case '%': g_string_append_c (out, '%'); break;
        default:
          /* Not an escape: keep the '%' as it is. */
          g_string_append_c (out, '%');
          run = p + 1;
          continue;
        }
      run = p + 2;
    }
  g_string_append (out, run);

  return out->str;
}

/* "name__label" -> "name_label". */
static char *
column_to_wire_name (const char *column)
{
  GString *wire = g_string_sized_new (strlen (column));

  for (const char *p = column; *p; p++)
    {
      g_string_append_c (wire, *p);
      if (p[0] == '_' && p[1] == '_')
        p++;
    }

  return g_string_free (wire, FALSE);
}

static FerrySimField *
lookup_column (Loader     *self,
               const char *column)
{
  g_autofree char *wire = NULL;
  gpointer found;
  FerrySimField *field;

  if (g_hash_table_lookup_extended (self->columns, column, NULL, &found))
    return found;

  if (g_str_equal (column, "ref") || g_str_equal (column, "_ref") ||
      g_str_equal (column, "__ctime") || g_str_equal (column, "__mtime"))
    field = &skip_column;
  else
    {
      wire = column_to_wire_name (column);
      field = ferry_sim_class_lookup_field (self->klass, wire);
      if (field == NULL)
        {
          g_debug ("%s:%d: ignoring column %s of table %s, unknown to the schema",
                   self->name, self->line, column, self->table);
          field = &skip_column;
        }
      else if (field == self->klass->uuid)
        field = &skip_column;   /* given to ferry_sim_db_create_row () */
    }

  g_hash_table_insert (self->columns, g_strdup (column), field);
  return field;
}

static void
skip_spaces (const char **p)
{
  while (g_ascii_isspace (**p))
    (*p)++;
}

/* One S-expression string: 'quoted' or "quoted" with backslash escapes (any "\c" is c,
 * as SExpr.unescape does), or a bare symbol. */
static gboolean
read_atom (const char **pp,
           GString     *out)
{
  const char *p = *pp;

  g_string_truncate (out, 0);

  if (*p == '\'' || *p == '"')
    {
      char quote = *p++;
      const char *run = p;

      for (;;)
        {
          if (*p == '\0')
            return FALSE;
          if (*p == quote)
            break;
          if (*p == '\\')
            {
              g_string_append_len (out, run, p - run);
              p++;
              if (*p == '\0')
                return FALSE;
              run = p;
            }
          p++;
        }
      g_string_append_len (out, run, p - run);
      p++;
    }
  else
    {
      const char *start = p;

      while (*p != '\0' && !g_ascii_isspace (*p) &&
             *p != '(' && *p != ')' && *p != '\'' && *p != '"')
        p++;
      if (p == start)
        return FALSE;
      g_string_append_len (out, start, p - start);
    }

  *pp = p;
  return TRUE;
}

static gboolean decode_value (Loader             *self,
                              const FerrySimType *type,
                              const char         *text,
                              guint               depth,
                              FerrySimValue      *out);

static void
count_dropped (Loader     *self,
               const char *what,
               const char *text)
{
  self->n_bad_values++;
  g_debug ("%s:%d: %s.%s: dropped %s '%s' of the wrong type",
           self->name, self->line, self->table, self->column, what, text);
}

/* "('a' 'b' 'c')": elements that do not fit the element type are dropped, so a set
 * of enums from another xapi version keeps the values this schema knows. */
static gboolean
decode_set (Loader             *self,
            const FerrySimType *type,
            const char         *text,
            guint               depth,
            FerrySimValue      *out)
{
  g_auto(FerrySimValue) result = FERRY_SIM_VALUE_INIT;
  g_autoptr(GString) own_atom = depth > 0 ? g_string_new (NULL) : NULL;
  GString *atom = depth > 0 ? own_atom : self->item_atom;
  const char *p = text;

  skip_spaces (&p);
  if (*p != '(')
    return FALSE;
  p++;

  ferry_sim_value_set_array (&result);
  for (;;)
    {
      g_auto(FerrySimValue) item = FERRY_SIM_VALUE_INIT;

      skip_spaces (&p);
      if (*p == ')')
        break;
      if (!read_atom (&p, atom))
        return FALSE;

      if (decode_value (self, type->element, atom->str, depth + 1, &item))
        ferry_sim_value_append (&result, &item);
      else
        count_dropped (self, "element", atom->str);
    }
  p++;
  skip_spaces (&p);
  if (*p != '\0')
    return FALSE;

  ferry_sim_value_move (out, &result);
  return TRUE;
}

/* "(('k1' 'v1') ('k2' 'v2'))": keys stay strings (in the key type's spelling);
 * pairs whose key or value does not fit are dropped. */
static gboolean
decode_map (Loader             *self,
            const FerrySimType *type,
            const char         *text,
            guint               depth,
            FerrySimValue      *out)
{
  g_auto(FerrySimValue) result = FERRY_SIM_VALUE_INIT;
  g_autoptr(GString) own_key = depth > 0 ? g_string_new (NULL) : NULL;
  g_autoptr(GString) own_item = depth > 0 ? g_string_new (NULL) : NULL;
  GString *key = depth > 0 ? own_key : self->key_atom;
  GString *item_text = depth > 0 ? own_item : self->item_atom;
  const char *p = text;

  skip_spaces (&p);
  if (*p != '(')
    return FALSE;
  p++;

  ferry_sim_value_set_map (&result);
  for (;;)
    {
      g_auto(FerrySimValue) key_value = FERRY_SIM_VALUE_INIT;
      g_auto(FerrySimValue) item = FERRY_SIM_VALUE_INIT;

      skip_spaces (&p);
      if (*p == ')')
        break;
      if (*p != '(')
        return FALSE;
      p++;
      skip_spaces (&p);
      if (!read_atom (&p, key))
        return FALSE;
      skip_spaces (&p);
      if (!read_atom (&p, item_text))
        return FALSE;
      skip_spaces (&p);
      if (*p != ')')
        return FALSE;
      p++;

      if (!ferry_sim_type_parse_text (type->key, key->str, &key_value))
        count_dropped (self, "key", key->str);
      else if (!decode_value (self, type->element, item_text->str, depth + 1, &item))
        count_dropped (self, "value", item_text->str);
      else if (key_value.kind == FERRY_SIM_VALUE_STRING)
        ferry_sim_value_insert (&result, key_value.s, &item);
      else
        ferry_sim_value_insert (&result, key->str, &item);
    }
  p++;
  skip_spaces (&p);
  if (*p != '\0')
    return FALSE;

  ferry_sim_value_move (out, &result);
  return TRUE;
}

static gboolean
decode_value (Loader             *self,
              const FerrySimType *type,
              const char         *text,
              guint               depth,
              FerrySimValue      *out)
{
  switch (type->kind)
    {
    case FERRY_SIM_TYPE_SET:
      return decode_set (self, type, text, depth, out);
    case FERRY_SIM_TYPE_MAP:
      return decode_map (self, type, text, depth, out);
    case FERRY_SIM_TYPE_VOID:
    case FERRY_SIM_TYPE_STRING:
    case FERRY_SIM_TYPE_INT:
    case FERRY_SIM_TYPE_FLOAT:
    case FERRY_SIM_TYPE_BOOL:
    case FERRY_SIM_TYPE_DATETIME:
    case FERRY_SIM_TYPE_ENUM:
    case FERRY_SIM_TYPE_REF:
    case FERRY_SIM_TYPE_RECORD:
    default:
      return ferry_sim_type_parse_text (type, text, out);
    }
}

static const char *
lookup_attribute (const char **names,
                  const char **values,
                  const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return values[i];
  return NULL;
}

static void
start_table (Loader      *self,
             const char **names,
             const char **values,
             GError     **error)
{
  const char *table = lookup_attribute (names, values, "name");

  if (table == NULL || *table == '\0')
    {
      set_error_at (self, error, "<table> without a name");
      return;
    }

  g_free (self->table);
  self->table = g_strdup (table);
  self->klass = ferry_sim_schema_lookup_class (table);
  if (self->klass == NULL)
    g_debug ("%s: ignoring table %s, unknown to the schema", self->name, table);
  else
    self->columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
end_table (Loader *self)
{
  g_clear_pointer (&self->table, g_free);
  g_clear_pointer (&self->columns, g_hash_table_unref);
  self->klass = NULL;
}

static void
load_row (Loader      *self,
          const char **names,
          const char **values,
          GError     **error)
{
  g_autofree char *ref = NULL;
  g_autofree char *uuid = NULL;
  const char *text;
  FerrySimRow *row;

  self->line = get_line (self);

  text = lookup_attribute (names, values, "ref");
  if (text == NULL || *text == '\0')
    {
      set_error_at (self, error, "a row of table %s has no ref", self->table);
      return;
    }

  self->n_rows++;
  if (self->klass == NULL)
    {
      self->n_ignored_rows++;
      return;
    }

  ref = g_strdup (unprotect_text (self->value, text));
  if (ferry_sim_db_lookup (self->db, ref) != NULL)
    {
      set_error_at (self, error, "duplicate ref %s in table %s", ref, self->table);
      return;
    }

  text = lookup_attribute (names, values, "uuid");
  if (text != NULL && self->klass->uuid != NULL)
    {
      uuid = g_strdup (unprotect_text (self->value, text));
      if (ferry_sim_db_lookup_uuid (self->db, self->klass, uuid) != NULL)
        {
          set_error_at (self, error, "duplicate uuid '%s' in table %s", uuid, self->table);
          return;
        }
    }

  row = ferry_sim_db_create_row (self->db, self->klass, ref, uuid);
  g_assert (row != NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_auto(FerrySimValue) value = FERRY_SIM_VALUE_INIT;
      FerrySimField *field = lookup_column (self, names[i]);

      if (field == &skip_column)
        continue;

      self->column = names[i];
      text = unprotect_text (self->value, values[i]);
      if (decode_value (self, field->type, text, 0, &value))
        ferry_sim_db_load_value (self->db, row, field, &value);
      else
        {
          self->n_bad_values++;
          g_debug ("%s:%d: %s.%s: '%s' does not parse as %s, default kept",
                   self->name, self->line, self->table, names[i], text, field->type->spelling);
        }
    }
  self->column = NULL;
}

static void
load_pair (Loader      *self,
           const char **names,
           const char **values)
{
  const char *key = lookup_attribute (names, values, "key");
  const char *value = lookup_attribute (names, values, "value");

  if (key == NULL || value == NULL)
    return;

  if (g_str_equal (key, "schema_major_vsn"))
    {
      g_free (self->schema_major);
      self->schema_major = g_strdup (value);
    }
  else if (g_str_equal (key, "schema_minor_vsn"))
    {
      g_free (self->schema_minor);
      self->schema_minor = g_strdup (value);
    }
}

static State
element_state (const char *element)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_elements); i++)
    if (state_elements[i] != NULL && g_str_equal (state_elements[i], element))
      return i;
  return STATE_START;
}

static gboolean
is_allowed_inside (State parent,
                   State child)
{
  switch (child)
    {
    case STATE_DATABASE:
      return parent == STATE_START;
    case STATE_MANIFEST:
    case STATE_TABLE:
      return parent == STATE_DATABASE;
    case STATE_PAIR:
      return parent == STATE_MANIFEST;
    case STATE_ROW:
      return parent == STATE_TABLE;
    case STATE_START:
    case STATE_END:
    default:
      return FALSE;
    }
}

static void
start_element (GMarkupParseContext  *context,
               const char           *element,
               const char          **names,
               const char          **values,
               gpointer              user_data,
               GError              **error)
{
  Loader *self = user_data;
  State next = element_state (element);

  if (next == STATE_START)
    {
      set_error_at (self, error, "unknown element <%s>", element);
      return;
    }

  if (!is_allowed_inside (self->state, next))
    {
      if (self->state == STATE_START)
        set_error_at (self, error, "expected <database>, found <%s>", element);
      else if (self->state == STATE_END)
        set_error_at (self, error, "<%s> after the end of <database>", element);
      else
        set_error_at (self, error, "<%s> is not allowed inside <%s>", element, state_elements[self->state]);
      return;
    }

  self->state = next;
  switch (next)
    {
    case STATE_TABLE:
      start_table (self, names, values, error);
      break;
    case STATE_ROW:
      load_row (self, names, values, error);
      break;
    case STATE_PAIR:
      load_pair (self, names, values);
      break;
    case STATE_START:
    case STATE_DATABASE:
    case STATE_MANIFEST:
    case STATE_END:
    default:
      break;
    }
}

static void
end_element (GMarkupParseContext  *context,
             const char           *element,
             gpointer              user_data,
             GError              **error)
{
  Loader *self = user_data;

  /* GMarkup checks that end tags match start tags. */
  switch (self->state)
    {
    case STATE_PAIR:
      self->state = STATE_MANIFEST;
      break;
    case STATE_ROW:
      self->state = STATE_TABLE;
      break;
    case STATE_TABLE:
      end_table (self);
      self->state = STATE_DATABASE;
      break;
    case STATE_MANIFEST:
      self->state = STATE_DATABASE;
      break;
    case STATE_DATABASE:
      self->end_line = get_line (self);
      self->state = STATE_END;
      break;
    case STATE_START:
    case STATE_END:
    default:
      g_assert_not_reached ();
    }
}

static void
check_text (GMarkupParseContext  *context,
            const char           *text,
            gsize                 length,
            gpointer              user_data,
            GError              **error)
{
  Loader *self = user_data;

  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (text[i]))
      {
        set_error_at (self, error, "unexpected text");
        return;
      }
}

static const GMarkupParser parser = {
  start_element,
  end_element,
  check_text,
  NULL,
  NULL,
};

static Loader *
loader_new (const char *name)
{
  Loader *self = g_new0 (Loader, 1);

  self->context = g_markup_parse_context_new (&parser, 0, self, NULL);
  self->db = ferry_sim_db_new ();
  self->name = g_strdup (name);
  self->state = STATE_START;
  self->value = g_string_new (NULL);
  self->key_atom = g_string_new (NULL);
  self->item_atom = g_string_new (NULL);

  return self;
}

static gboolean
loader_feed (Loader      *self,
             const char  *data,
             gsize        length,
             GError     **error)
{
  GError *local_error = NULL;

  g_assert (length <= G_MAXSSIZE);

  /* GMarkup never counts a newline that starts a chunk (seen with GLib 2.74). */
  if (length > 0 && data[0] == '\n')
    self->lost_lines++;

  if (!g_markup_parse_context_parse (self->context, data, length, &local_error))
    {
      g_propagate_error (error, convert_markup_error (self, local_error));
      return FALSE;
    }

  return TRUE;
}

static FerrySimDb *
loader_finish (Loader  *self,
               GError **error)
{
  GError *local_error = NULL;
  FerrySimClass *pool;

  if (!g_markup_parse_context_end_parse (self->context, &local_error))
    {
      g_propagate_error (error, convert_markup_error (self, local_error));
      return NULL;
    }

  pool = ferry_sim_schema_lookup_class ("pool");
  if (pool != NULL && ferry_sim_db_get_rows (self->db, pool)->len == 0)
    {
      g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE,
                   "%s:%d: the database has no row in table pool", self->name, self->end_line);
      return NULL;
    }

  ferry_sim_db_rebuild_relations (self->db);

  g_debug ("%s: schema %s.%s, %u rows (%u of unknown tables ignored), %u values did not parse",
           self->name,
           self->schema_major ? self->schema_major : "?",
           self->schema_minor ? self->schema_minor : "?",
           self->n_rows, self->n_ignored_rows, self->n_bad_values);

  return g_steal_pointer (&self->db);
}

/**
 * ferry_sim_statedb_load_data:
 * @data: the XML of a xapi database
 * @length: the length of @data, or -1 if it is NUL-terminated
 * @name: what to call @data in error messages
 * @error: return location for a FERRY_SIM_ERROR_FILE error
 *
 * Returns: (transfer full): a new database, or %NULL on error
 */
FerrySimDb *
ferry_sim_statedb_load_data (const char  *data,
                             gsize        length,
                             const char  *name,
                             GError     **error)
{
  g_autoptr(Loader) loader = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length == (gsize) -1)
    length = strlen (data);
  g_return_val_if_fail (length <= G_MAXSSIZE, NULL);

  loader = loader_new (name);
  if (length > 0 && !loader_feed (loader, data, length, error))
    return NULL;

  return loader_finish (loader, error);
}

/**
 * ferry_sim_statedb_load_file:
 * @path: a state.db file or the output of `xe pool-dump-database`
 * @error: return location for a FERRY_SIM_ERROR_FILE error
 *
 * Returns: (transfer full): a new database, or %NULL on error
 */
FerrySimDb *
ferry_sim_statedb_load_file (const char  *path,
                             GError     **error)
{
  g_autoptr(Loader) loader = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *buffer = NULL;
  FerrySimDb *db = NULL;
  FILE *file;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display_name = g_filename_display_name (path);

  file = g_fopen (path, "rb");
  if (file == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE,
                   "%s: %s", display_name, g_strerror (saved_errno));
      return NULL;
    }

  loader = loader_new (display_name);
  buffer = g_malloc (CHUNK_SIZE);

  for (;;)
    {
      gsize n = fread (buffer, 1, CHUNK_SIZE, file);

      if (n > 0 && !loader_feed (loader, buffer, n, error))
        break;

      if (n < CHUNK_SIZE)
        {
          if (ferror (file))
            {
              int saved_errno = errno;

              g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE,
                           "%s: %s", display_name, g_strerror (saved_errno));
            }
          else
            db = loader_finish (loader, error);
          break;
        }
    }

  fclose (file);
  return db;
}
