/* ferry-sim-value.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-value"

#include "config.h"

#include <math.h>
#include <string.h>

#include "ferry-sim-value.h"

char *
ferry_sim_intern (const char *text)
{
  return g_ref_string_new_intern (text ? text : "");
}

static void
clear_pair (gpointer data)
{
  FerrySimPair *pair = data;

  g_clear_pointer (&pair->key, g_ref_string_release);
  ferry_sim_value_clear (&pair->value);
}

static void
clear_value (gpointer data)
{
  ferry_sim_value_clear (data);
}

void
ferry_sim_value_clear (FerrySimValue *value)
{
  switch (value->kind)
    {
    case FERRY_SIM_VALUE_STRING:
    case FERRY_SIM_VALUE_DATETIME:
      g_clear_pointer (&value->s, g_ref_string_release);
      break;
    case FERRY_SIM_VALUE_ARRAY:
      g_clear_pointer (&value->array, g_array_unref);
      break;
    case FERRY_SIM_VALUE_MAP:
      g_clear_pointer (&value->map, g_array_unref);
      break;
    case FERRY_SIM_VALUE_NULL:
    case FERRY_SIM_VALUE_INT:
    case FERRY_SIM_VALUE_FLOAT:
    case FERRY_SIM_VALUE_BOOL:
    default:
      break;
    }
  value->kind = FERRY_SIM_VALUE_NULL;
  value->i = 0;
}

void
ferry_sim_value_copy (FerrySimValue       *dest,
                      const FerrySimValue *src)
{
  FerrySimValue tmp = { .kind = src->kind };

  switch (src->kind)
    {
    case FERRY_SIM_VALUE_STRING:
    case FERRY_SIM_VALUE_DATETIME:
      tmp.s = g_ref_string_acquire (src->s);
      break;
    case FERRY_SIM_VALUE_ARRAY:
      ferry_sim_value_set_array (&tmp);
      for (guint i = 0; i < src->array->len; i++)
        {
          FerrySimValue item = FERRY_SIM_VALUE_INIT;
          ferry_sim_value_copy (&item, &g_array_index (src->array, FerrySimValue, i));
          ferry_sim_value_append (&tmp, &item);
        }
      break;
    case FERRY_SIM_VALUE_MAP:
      ferry_sim_value_set_map (&tmp);
      for (guint i = 0; i < src->map->len; i++)
        {
          const FerrySimPair *pair = &g_array_index (src->map, FerrySimPair, i);
          FerrySimPair copy = { g_ref_string_acquire (pair->key), FERRY_SIM_VALUE_INIT };
          ferry_sim_value_copy (&copy.value, &pair->value);
          g_array_append_val (tmp.map, copy);
        }
      break;
    case FERRY_SIM_VALUE_NULL:
    case FERRY_SIM_VALUE_INT:
    case FERRY_SIM_VALUE_FLOAT:
    case FERRY_SIM_VALUE_BOOL:
    default:
      tmp = *src;
      break;
    }

  ferry_sim_value_clear (dest);
  *dest = tmp;
}

void
ferry_sim_value_move (FerrySimValue *dest,
                      FerrySimValue *src)
{
  if (dest == src)
    return;
  ferry_sim_value_clear (dest);
  *dest = *src;
  src->kind = FERRY_SIM_VALUE_NULL;
  src->i = 0;
}

gboolean
ferry_sim_value_equal (const FerrySimValue *a,
                       const FerrySimValue *b)
{
  if (a->kind != b->kind)
    return FALSE;

  switch (a->kind)
    {
    case FERRY_SIM_VALUE_NULL:
      return TRUE;
    case FERRY_SIM_VALUE_STRING:
    case FERRY_SIM_VALUE_DATETIME:
      return a->s == b->s || g_strcmp0 (a->s, b->s) == 0;
    case FERRY_SIM_VALUE_INT:
      return a->i == b->i;
    case FERRY_SIM_VALUE_FLOAT:
      return a->d == b->d;
    case FERRY_SIM_VALUE_BOOL:
      return !a->b == !b->b;
    case FERRY_SIM_VALUE_ARRAY:
      if (a->array->len != b->array->len)
        return FALSE;
      for (guint i = 0; i < a->array->len; i++)
        if (!ferry_sim_value_equal (&g_array_index (a->array, FerrySimValue, i),
                                    &g_array_index (b->array, FerrySimValue, i)))
          return FALSE;
      return TRUE;
    case FERRY_SIM_VALUE_MAP:
      if (a->map->len != b->map->len)
        return FALSE;
      for (guint i = 0; i < a->map->len; i++)
        {
          const FerrySimPair *pa = &g_array_index (a->map, FerrySimPair, i);
          const FerrySimValue *vb = ferry_sim_value_lookup (b, pa->key);
          if (vb == NULL || !ferry_sim_value_equal (&pa->value, vb))
            return FALSE;
        }
      return TRUE;
    default:
      return FALSE;
    }
}

void
ferry_sim_value_set_string (FerrySimValue *value,
                            const char    *text)
{
  ferry_sim_value_clear (value);
  value->kind = FERRY_SIM_VALUE_STRING;
  value->s = ferry_sim_intern (text);
}

void
ferry_sim_value_set_int (FerrySimValue *value,
                         gint64         i)
{
  ferry_sim_value_clear (value);
  value->kind = FERRY_SIM_VALUE_INT;
  value->i = i;
}

void
ferry_sim_value_set_float (FerrySimValue *value,
                           double         d)
{
  ferry_sim_value_clear (value);
  value->kind = FERRY_SIM_VALUE_FLOAT;
  value->d = d;
}

void
ferry_sim_value_set_bool (FerrySimValue *value,
                          gboolean       b)
{
  ferry_sim_value_clear (value);
  value->kind = FERRY_SIM_VALUE_BOOL;
  value->b = !!b;
}

void
ferry_sim_value_set_datetime (FerrySimValue *value,
                              const char    *text)
{
  ferry_sim_value_clear (value);
  value->kind = FERRY_SIM_VALUE_DATETIME;
  value->s = ferry_sim_intern (text);
}

void
ferry_sim_value_set_datetime_now (FerrySimValue *value)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = g_date_time_format (now, "%Y%m%dT%H:%M:%SZ");

  ferry_sim_value_set_datetime (value, text);
}

void
ferry_sim_value_set_array (FerrySimValue *value)
{
  ferry_sim_value_clear (value);
  value->kind = FERRY_SIM_VALUE_ARRAY;
  value->array = g_array_new (FALSE, FALSE, sizeof (FerrySimValue));
  g_array_set_clear_func (value->array, clear_value);
}

void
ferry_sim_value_set_map (FerrySimValue *value)
{
  ferry_sim_value_clear (value);
  value->kind = FERRY_SIM_VALUE_MAP;
  value->map = g_array_new (FALSE, FALSE, sizeof (FerrySimPair));
  g_array_set_clear_func (value->map, clear_pair);
}

guint
ferry_sim_value_get_length (const FerrySimValue *value)
{
  if (value->kind == FERRY_SIM_VALUE_ARRAY)
    return value->array->len;
  if (value->kind == FERRY_SIM_VALUE_MAP)
    return value->map->len;
  return 0;
}

const FerrySimValue *
ferry_sim_value_index (const FerrySimValue *value,
                       guint                i)
{
  g_return_val_if_fail (value->kind == FERRY_SIM_VALUE_ARRAY, NULL);
  g_return_val_if_fail (i < value->array->len, NULL);

  return &g_array_index (value->array, FerrySimValue, i);
}

void
ferry_sim_value_append (FerrySimValue *array,
                        FerrySimValue *item)
{
  FerrySimValue moved = FERRY_SIM_VALUE_INIT;

  g_return_if_fail (array->kind == FERRY_SIM_VALUE_ARRAY);

  ferry_sim_value_move (&moved, item);
  g_array_append_val (array->array, moved);
}

void
ferry_sim_value_append_string (FerrySimValue *array,
                               const char    *text)
{
  FerrySimValue item = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_set_string (&item, text);
  ferry_sim_value_append (array, &item);
}

static int
find_string (const FerrySimValue *array,
             const char          *text)
{
  if (array->kind != FERRY_SIM_VALUE_ARRAY)
    return -1;

  for (guint i = 0; i < array->array->len; i++)
    {
      const FerrySimValue *item = &g_array_index (array->array, FerrySimValue, i);
      if (item->kind == FERRY_SIM_VALUE_STRING && g_strcmp0 (item->s, text) == 0)
        return i;
    }

  return -1;
}

gboolean
ferry_sim_value_contains_string (const FerrySimValue *array,
                                 const char          *text)
{
  return find_string (array, text) >= 0;
}

gboolean
ferry_sim_value_remove_string (FerrySimValue *array,
                               const char    *text)
{
  int i = find_string (array, text);

  if (i < 0)
    return FALSE;

  g_array_remove_index (array->array, i);
  return TRUE;
}

static int
find_key (const FerrySimValue *map,
          const char          *key)
{
  if (map->kind != FERRY_SIM_VALUE_MAP)
    return -1;

  for (guint i = 0; i < map->map->len; i++)
    if (g_strcmp0 (g_array_index (map->map, FerrySimPair, i).key, key) == 0)
      return i;

  return -1;
}

const FerrySimValue *
ferry_sim_value_lookup (const FerrySimValue *map,
                        const char          *key)
{
  int i = find_key (map, key);

  return i < 0 ? NULL : &g_array_index (map->map, FerrySimPair, i).value;
}

const char *
ferry_sim_value_lookup_string (const FerrySimValue *map,
                               const char          *key)
{
  const FerrySimValue *value = ferry_sim_value_lookup (map, key);

  return value ? ferry_sim_value_get_string (value) : NULL;
}

void
ferry_sim_value_insert (FerrySimValue *map,
                        const char    *key,
                        FerrySimValue *item)
{
  int i;

  g_return_if_fail (map->kind == FERRY_SIM_VALUE_MAP);

  i = find_key (map, key);
  if (i >= 0)
    {
      ferry_sim_value_move (&g_array_index (map->map, FerrySimPair, i).value, item);
    }
  else
    {
      FerrySimPair pair = { ferry_sim_intern (key), FERRY_SIM_VALUE_INIT };
      ferry_sim_value_move (&pair.value, item);
      g_array_append_val (map->map, pair);
    }
}

void
ferry_sim_value_insert_string (FerrySimValue *map,
                               const char    *key,
                               const char    *text)
{
  FerrySimValue item = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_set_string (&item, text);
  ferry_sim_value_insert (map, key, &item);
}

gboolean
ferry_sim_value_remove_key (FerrySimValue *map,
                            const char    *key)
{
  int i = find_key (map, key);

  if (i < 0)
    return FALSE;

  g_array_remove_index (map->map, i);
  return TRUE;
}

const FerrySimPair *
ferry_sim_value_pair (const FerrySimValue *map,
                      guint                i)
{
  g_return_val_if_fail (map->kind == FERRY_SIM_VALUE_MAP, NULL);
  g_return_val_if_fail (i < map->map->len, NULL);

  return &g_array_index (map->map, FerrySimPair, i);
}

const char *
ferry_sim_value_get_string (const FerrySimValue *value)
{
  if (value->kind == FERRY_SIM_VALUE_STRING || value->kind == FERRY_SIM_VALUE_DATETIME)
    return value->s;
  return NULL;
}

/* Encoders. Both write straight into a GString: no intermediate tree, because a
 * get_all_records of 10,000 VMs must be served in well under a second. */

void
ferry_sim_write_json_string (GString    *out,
                             const char *text)
{
  static const char hex[] = "0123456789abcdef";
  const guchar *p;
  const guchar *run;

  g_string_append_c (out, '"');
  for (p = run = (const guchar *) text; *p; p++)
    {
      guchar c = *p;

      if (G_LIKELY (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f))
        continue;

      g_string_append_len (out, (const char *) run, p - run);
      switch (c)
        {
        case '"':  g_string_append_len (out, "\\\"", 2); break;
        case '\\': g_string_append_len (out, "\\\\", 2); break;
        case '\n': g_string_append_len (out, "\\n", 2); break;
        case '\r': g_string_append_len (out, "\\r", 2); break;
        case '\t': g_string_append_len (out, "\\t", 2); break;
        case '\b': g_string_append_len (out, "\\b", 2); break;
        case '\f': g_string_append_len (out, "\\f", 2); break;
        default:
          g_string_append_len (out, "\\u00", 4);
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xf]);
          break;
        }
      run = p + 1;
    }
  g_string_append_len (out, (const char *) run, p - run);
  g_string_append_c (out, '"');
}

/* printf is a measurable part of a 100 MB reply; this is not. */
void
ferry_sim_write_int (GString *out,
                     gint64   i)
{
  char buf[24];
  char *end = buf + sizeof buf;
  char *p = end;
  guint64 u = i < 0 ? -(guint64) i : (guint64) i;

  do
    {
      *--p = '0' + u % 10;
      u /= 10;
    }
  while (u != 0);
  if (i < 0)
    *--p = '-';

  g_string_append_len (out, p, end - p);
}

static void
append_double (GString *out,
               double   d,
               gboolean json)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (json && !isfinite (d))
    {
      g_string_append (out, isnan (d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"));
      return;
    }

  /* Like Yojson: the shortest of %.16g and %.17g that reads back exactly. */
  g_ascii_formatd (buf, sizeof buf, "%.16g", d);
  if (g_ascii_strtod (buf, NULL) != d)
    g_ascii_formatd (buf, sizeof buf, "%.17g", d);
  g_string_append (out, buf);
  /* Keep a JSON float a float: "1" would read back as an int. */
  if (json && strpbrk (buf, ".eEn") == NULL)
    g_string_append (out, ".0");
}

void
ferry_sim_value_write_json (const FerrySimValue *value,
                            GString             *out)
{
  switch (value->kind)
    {
    case FERRY_SIM_VALUE_NULL:
      g_string_append (out, "null");
      break;
    case FERRY_SIM_VALUE_STRING:
    case FERRY_SIM_VALUE_DATETIME:
      ferry_sim_write_json_string (out, value->s);
      break;
    case FERRY_SIM_VALUE_INT:
      ferry_sim_write_int (out, value->i);
      break;
    case FERRY_SIM_VALUE_FLOAT:
      append_double (out, value->d, TRUE);
      break;
    case FERRY_SIM_VALUE_BOOL:
      g_string_append (out, value->b ? "true" : "false");
      break;
    case FERRY_SIM_VALUE_ARRAY:
      g_string_append_c (out, '[');
      for (guint i = 0; i < value->array->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          ferry_sim_value_write_json (&g_array_index (value->array, FerrySimValue, i), out);
        }
      g_string_append_c (out, ']');
      break;
    case FERRY_SIM_VALUE_MAP:
      g_string_append_c (out, '{');
      for (guint i = 0; i < value->map->len; i++)
        {
          const FerrySimPair *pair = &g_array_index (value->map, FerrySimPair, i);
          if (i > 0)
            g_string_append_c (out, ',');
          ferry_sim_write_json_string (out, pair->key);
          g_string_append_c (out, ':');
          ferry_sim_value_write_json (&pair->value, out);
        }
      g_string_append_c (out, '}');
      break;
    default:
      g_assert_not_reached ();
    }
}

/* xapi drops control characters other than TAB, LF and CR (xapi.md §1.5). */
void
ferry_sim_write_xml_text (GString    *out,
                          const char *text)
{
  for (const char *p = text; *p; p++)
    {
      guchar c = *p;

      switch (c)
        {
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '&': g_string_append (out, "&amp;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        default:
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
            g_string_append_c (out, c);
          break;
        }
    }
}

void
ferry_sim_value_write_xmlrpc (const FerrySimValue *value,
                              GString             *out)
{
  g_string_append (out, "<value>");
  switch (value->kind)
    {
    case FERRY_SIM_VALUE_NULL:
      g_string_append (out, "<nil/>");
      break;
    case FERRY_SIM_VALUE_STRING:
      ferry_sim_write_xml_text (out, value->s);
      break;
    case FERRY_SIM_VALUE_DATETIME:
      g_string_append (out, "<dateTime.iso8601>");
      ferry_sim_write_xml_text (out, value->s);
      g_string_append (out, "</dateTime.iso8601>");
      break;
    case FERRY_SIM_VALUE_INT:
      /* int64 goes bare, as ocaml-rpc does. */
      ferry_sim_write_int (out, value->i);
      break;
    case FERRY_SIM_VALUE_FLOAT:
      g_string_append (out, "<double>");
      append_double (out, value->d, FALSE);
      g_string_append (out, "</double>");
      break;
    case FERRY_SIM_VALUE_BOOL:
      g_string_append (out, value->b ? "<boolean>1</boolean>" : "<boolean>0</boolean>");
      break;
    case FERRY_SIM_VALUE_ARRAY:
      g_string_append (out, "<array><data>");
      for (guint i = 0; i < value->array->len; i++)
        ferry_sim_value_write_xmlrpc (&g_array_index (value->array, FerrySimValue, i), out);
      g_string_append (out, "</data></array>");
      break;
    case FERRY_SIM_VALUE_MAP:
      g_string_append (out, "<struct>");
      for (guint i = 0; i < value->map->len; i++)
        {
          const FerrySimPair *pair = &g_array_index (value->map, FerrySimPair, i);
          g_string_append (out, "<member><name>");
          ferry_sim_write_xml_text (out, pair->key);
          g_string_append (out, "</name>");
          ferry_sim_value_write_xmlrpc (&pair->value, out);
          g_string_append (out, "</member>");
        }
      g_string_append (out, "</struct>");
      break;
    default:
      g_assert_not_reached ();
    }
  g_string_append (out, "</value>");
}
