/* ferry-json-reader.c: a small pull parser for big event.from replies
 *
 * json-glib builds a tree of GObject-sized nodes for the whole reply, about
 * ten times the size of the text. The cache only needs one event at a time,
 * and of each snapshot only the fields it keeps: this reader walks the text,
 * skips what is not wanted without building anything, and puts the rest in
 * an arena that is reset after each event.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-json-reader"

#include "config.h"

#include <string.h>

#include "ferry-json-reader.h"

#define ARENA_BLOCK_SIZE (64 * 1024)
#define MAX_DEPTH        G_N_ELEMENTS (((FerryJsonReader *) NULL)->scratch)

/* Arena */

gpointer
_ferry_arena_alloc (FerryArena *arena,
                    gsize       size)
{
  gpointer ret;

  size = (size + 7) & ~(gsize) 7;

  if (size > arena->left)
    {
      gsize block_size = MAX (ARENA_BLOCK_SIZE, size);
      guint8 *block = g_malloc (block_size);

      /* The first block is kept across resets; big ones come after it. */
      if (arena->blocks == NULL)
        arena->blocks = g_slist_prepend (NULL, block);
      else
        arena->blocks->next = g_slist_prepend (arena->blocks->next, block);
      arena->pos = block;
      arena->left = block_size;
    }

  ret = arena->pos;
  arena->pos += size;
  arena->left -= size;

  return ret;
}

void
_ferry_arena_reset (FerryArena *arena)
{
  if (arena->blocks == NULL)
    return;

  g_slist_free_full (g_steal_pointer (&arena->blocks->next), g_free);
  arena->pos = arena->blocks->data;
  arena->left = ARENA_BLOCK_SIZE;
}

void
_ferry_arena_clear (FerryArena *arena)
{
  g_slist_free_full (g_steal_pointer (&arena->blocks), g_free);
  arena->pos = NULL;
  arena->left = 0;
}

static const char *
arena_strndup (FerryArena *arena,
               const char *str,
               gsize       len)
{
  char *copy = _ferry_arena_alloc (arena, len + 1);

  memcpy (copy, str, len);
  copy[len] = '\0';

  return copy;
}

void
_ferry_value_from_node (FerryArena *arena,
                        JsonNode   *node,
                        FerryValue *out)
{
  memset (out, 0, sizeof *out);

  if (node == NULL)
    return;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObjectIter iter;
        const char *key;
        JsonNode *member;
        guint i = 0;

        out->kind = FERRY_VALUE_OBJECT;
        out->n = json_object_get_size (object);
        out->members = _ferry_arena_alloc (arena, MAX (out->n, 1) * sizeof (FerryMember));
        json_object_iter_init (&iter, object);
        while (json_object_iter_next (&iter, &key, &member) && i < out->n)
          {
            out->members[i].key = arena_strndup (arena, key, strlen (key));
            _ferry_value_from_node (arena, member, &out->members[i].value);
            i++;
          }
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        out->kind = FERRY_VALUE_ARRAY;
        out->n = json_array_get_length (array);
        out->items = _ferry_arena_alloc (arena, MAX (out->n, 1) * sizeof (FerryValue));
        for (guint i = 0; i < out->n; i++)
          _ferry_value_from_node (arena, json_array_get_element (array, i), &out->items[i]);
      }
      break;

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          {
            const char *str = json_node_get_string (node);

            out->kind = FERRY_VALUE_STRING;
            out->string = arena_strndup (arena, str, strlen (str));
          }
        else if (type == G_TYPE_INT64)
          {
            out->kind = FERRY_VALUE_INT;
            out->integer = json_node_get_int (node);
          }
        else if (type == G_TYPE_DOUBLE)
          {
            out->kind = FERRY_VALUE_DOUBLE;
            out->number = json_node_get_double (node);
          }
        else if (type == G_TYPE_BOOLEAN)
          {
            out->kind = FERRY_VALUE_BOOLEAN;
            out->boolean = json_node_get_boolean (node);
          }
      }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

/* Reader */

void
_ferry_json_reader_init (FerryJsonReader *reader,
                         const char      *data,
                         gsize            length,
                         FerryArena      *arena)
{
  if (data == NULL)
    {
      data = "";
      length = 0;
    }

  memset (reader, 0, sizeof *reader);
  reader->start = data;
  reader->pos = data;
  reader->end = data + length;
  reader->arena = arena;
}

void
_ferry_json_reader_init_span (FerryJsonReader *reader,
                              FerryJsonReader *parent,
                              const char      *start,
                              const char      *end)
{
  _ferry_json_reader_init (reader, start, end - start, parent->arena);
}

void
_ferry_json_reader_clear (FerryJsonReader *reader)
{
  for (guint i = 0; i < MAX_DEPTH; i++)
    g_clear_pointer (&reader->scratch[i], g_array_unref);
  g_clear_pointer (&reader->error, g_free);
}

G_GNUC_PRINTF (2, 3)
static gboolean
fail (FerryJsonReader *reader,
      const char      *format,
      ...)
{
  if (reader->error == NULL)
    {
      g_autofree char *message = NULL;
      va_list args;

      va_start (args, format);
      message = g_strdup_vprintf (format, args);
      va_end (args);

      reader->error = g_strdup_printf ("%s at offset %" G_GSIZE_FORMAT, message,
                                       (gsize) (reader->pos - reader->start));
    }

  /* Stop everything that follows. */
  reader->pos = reader->end;

  return FALSE;
}

gboolean
_ferry_json_reader_failed (FerryJsonReader *reader)
{
  return reader->error != NULL;
}

static inline void
skip_blanks (FerryJsonReader *reader)
{
  const char *p = reader->pos;

  while (p < reader->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  reader->pos = p;
}

char
_ferry_json_reader_peek (FerryJsonReader *reader)
{
  skip_blanks (reader);

  return reader->pos < reader->end ? *reader->pos : '\0';
}

gboolean
_ferry_json_reader_at_end (FerryJsonReader *reader)
{
  skip_blanks (reader);

  return reader->pos >= reader->end;
}

static gboolean
expect (FerryJsonReader *reader,
        char             c)
{
  if (_ferry_json_reader_peek (reader) != c)
    return fail (reader, "expected '%c'", c);

  reader->pos++;
  return TRUE;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (FerryJsonReader *reader,
           const char      *p,
           gunichar        *out)
{
  gunichar value = 0;

  if (reader->end - p < 4)
    return FALSE;

  for (guint i = 0; i < 4; i++)
    {
      int h = hex_value (p[i]);

      if (h < 0)
        return FALSE;
      value = value * 16 + h;
    }

  *out = value;
  return TRUE;
}

/* The string at reader->pos (on its opening quote) into the arena. */
static gboolean
read_string (FerryJsonReader  *reader,
             const char      **out)
{
  const char *p = reader->pos + 1;
  const char *begin = p;
  GString *unescaped = NULL;

  g_assert (*reader->pos == '"');

  /* Fast path: no escapes. */
  while (p < reader->end && *p != '"' && *p != '\\')
    p++;

  if (p < reader->end && *p == '"')
    {
      *out = arena_strndup (reader->arena, begin, p - begin);
      reader->pos = p + 1;
      return TRUE;
    }

  unescaped = g_string_new_len (begin, p - begin);
  while (p < reader->end && *p != '"')
    {
      if (*p != '\\')
        {
          g_string_append_c (unescaped, *p++);
          continue;
        }

      if (++p >= reader->end)
        break;

      switch (*p)
        {
        case '"': g_string_append_c (unescaped, '"'); p++; break;
        case '\\': g_string_append_c (unescaped, '\\'); p++; break;
        case '/': g_string_append_c (unescaped, '/'); p++; break;
        case 'b': g_string_append_c (unescaped, '\b'); p++; break;
        case 'f': g_string_append_c (unescaped, '\f'); p++; break;
        case 'n': g_string_append_c (unescaped, '\n'); p++; break;
        case 'r': g_string_append_c (unescaped, '\r'); p++; break;
        case 't': g_string_append_c (unescaped, '\t'); p++; break;
        case 'u':
          {
            gunichar c;
            gunichar low;

            if (!read_hex4 (reader, p + 1, &c))
              {
                g_string_free (unescaped, TRUE);
                reader->pos = p;
                return fail (reader, "bad \\u escape");
              }
            p += 5;

            if (c >= 0xD800 && c <= 0xDBFF &&
                reader->end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
                read_hex4 (reader, p + 2, &low) && low >= 0xDC00 && low <= 0xDFFF)
              {
                c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                p += 6;
              }
            else if (c >= 0xD800 && c <= 0xDFFF)
              c = 0xFFFD;

            g_string_append_unichar (unescaped, c);
          }
          break;

        default:
          g_string_free (unescaped, TRUE);
          reader->pos = p;
          return fail (reader, "bad escape");
        }
    }

  if (p >= reader->end)
    {
      g_string_free (unescaped, TRUE);
      return fail (reader, "unterminated string");
    }

  *out = arena_strndup (reader->arena, unescaped->str, unescaped->len);
  g_string_free (unescaped, TRUE);
  reader->pos = p + 1;

  return TRUE;
}

gboolean
_ferry_json_reader_read_string (FerryJsonReader  *reader,
                                const char      **out)
{
  if (_ferry_json_reader_peek (reader) != '"')
    return fail (reader, "expected a string");

  return read_string (reader, out);
}

static gboolean
skip_string (FerryJsonReader *reader)
{
  const char *p = reader->pos + 1;

  while (p < reader->end)
    {
      const char *q = memchr (p, '"', reader->end - p);
      const char *b;
      gsize backslashes = 0;

      if (q == NULL)
        break;

      /* Escaped when preceded by an odd number of backslashes. */
      for (b = q; b > p && b[-1] == '\\'; b--)
        backslashes++;

      if (backslashes % 2 == 0)
        {
          reader->pos = q + 1;
          return TRUE;
        }

      p = q + 1;
    }

  return fail (reader, "unterminated string");
}

static gboolean
read_literal (FerryJsonReader *reader,
              const char      *literal,
              gsize            len)
{
  if ((gsize) (reader->end - reader->pos) < len || memcmp (reader->pos, literal, len) != 0)
    return fail (reader, "unexpected character");

  reader->pos += len;
  return TRUE;
}

static gboolean
read_number (FerryJsonReader *reader,
             FerryValue      *out)
{
  const char *p = reader->pos;
  const char *begin = p;
  gboolean integral = TRUE;
  gboolean negative = FALSE;
  guint64 magnitude = 0;
  gboolean overflow = FALSE;

  if (p < reader->end && *p == '-')
    {
      negative = TRUE;
      p++;
    }

  if (p >= reader->end || !g_ascii_isdigit (*p))
    return fail (reader, "bad number");

  for (; p < reader->end && g_ascii_isdigit (*p); p++)
    {
      guint digit = *p - '0';

      if (magnitude > (G_MAXUINT64 - digit) / 10)
        overflow = TRUE;
      else
        magnitude = magnitude * 10 + digit;
    }

  if (p < reader->end && *p == '.')
    {
      integral = FALSE;
      for (p++; p < reader->end && g_ascii_isdigit (*p); p++)
        ;
    }

  if (p < reader->end && (*p == 'e' || *p == 'E'))
    {
      integral = FALSE;
      p++;
      if (p < reader->end && (*p == '+' || *p == '-'))
        p++;
      for (; p < reader->end && g_ascii_isdigit (*p); p++)
        ;
    }

  reader->pos = p;

  if (integral && !overflow &&
      magnitude <= (negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64))
    {
      out->kind = FERRY_VALUE_INT;
      out->integer = negative ? (gint64) (0 - magnitude) : (gint64) magnitude;
      return TRUE;
    }

  {
    char buf[G_ASCII_DTOSTR_BUF_SIZE * 2];
    gsize len = p - begin;

    if (len >= sizeof buf)
      return fail (reader, "number too long");

    memcpy (buf, begin, len);
    buf[len] = '\0';
    out->kind = FERRY_VALUE_DOUBLE;
    out->number = g_ascii_strtod (buf, NULL);
  }

  return TRUE;
}

static GArray *
scratch_for_depth (FerryJsonReader *reader,
                   gsize            element_size)
{
  GArray *array = reader->scratch[reader->depth];

  if (array == NULL || g_array_get_element_size (array) != element_size)
    {
      g_clear_pointer (&reader->scratch[reader->depth], g_array_unref);
      array = reader->scratch[reader->depth] = g_array_new (FALSE, FALSE, element_size);
    }

  g_array_set_size (array, 0);
  return array;
}

static gboolean read_value (FerryJsonReader *reader,
                            FerryValue      *out);

static gboolean
read_container (FerryJsonReader *reader,
                FerryValue      *out,
                gboolean         is_object)
{
  char close = is_object ? '}' : ']';
  GArray *scratch;
  gboolean first = TRUE;

  if (reader->depth + 1 >= MAX_DEPTH)
    return fail (reader, "nested too deeply");

  reader->pos++;   /* the opening bracket */
  scratch = scratch_for_depth (reader, is_object ? sizeof (FerryMember) : sizeof (FerryValue));
  reader->depth++;

  for (;;)
    {
      char c = _ferry_json_reader_peek (reader);

      if (c == close)
        {
          reader->pos++;
          break;
        }

      if (!first && !expect (reader, ','))
        break;
      first = FALSE;

      if (is_object)
        {
          FerryMember member = { 0 };

          if (!_ferry_json_reader_read_string (reader, &member.key) ||
              !expect (reader, ':') ||
              !read_value (reader, &member.value))
            break;
          g_array_append_val (scratch, member);
        }
      else
        {
          FerryValue item = { 0 };

          if (!read_value (reader, &item))
            break;
          g_array_append_val (scratch, item);
        }
    }

  reader->depth--;

  if (reader->error != NULL)
    return FALSE;

  out->kind = is_object ? FERRY_VALUE_OBJECT : FERRY_VALUE_ARRAY;
  out->n = scratch->len;
  if (is_object)
    {
      out->members = _ferry_arena_alloc (reader->arena, MAX (scratch->len, 1) * sizeof (FerryMember));
      if (scratch->len > 0)
        memcpy (out->members, scratch->data, scratch->len * sizeof (FerryMember));
    }
  else
    {
      out->items = _ferry_arena_alloc (reader->arena, MAX (scratch->len, 1) * sizeof (FerryValue));
      if (scratch->len > 0)
        memcpy (out->items, scratch->data, scratch->len * sizeof (FerryValue));
    }

  return TRUE;
}

static gboolean
read_value (FerryJsonReader *reader,
            FerryValue      *out)
{
  memset (out, 0, sizeof *out);

  switch (_ferry_json_reader_peek (reader))
    {
    case '{':
      return read_container (reader, out, TRUE);
    case '[':
      return read_container (reader, out, FALSE);
    case '"':
      out->kind = FERRY_VALUE_STRING;
      return read_string (reader, &out->string);
    case 't':
      out->kind = FERRY_VALUE_BOOLEAN;
      out->boolean = TRUE;
      return read_literal (reader, "true", 4);
    case 'f':
      out->kind = FERRY_VALUE_BOOLEAN;
      return read_literal (reader, "false", 5);
    case 'n':
      out->kind = FERRY_VALUE_NULL;
      return read_literal (reader, "null", 4);
    case '\0':
      return fail (reader, "unexpected end");
    default:
      return read_number (reader, out);
    }
}

gboolean
_ferry_json_reader_read_value (FerryJsonReader *reader,
                               FerryValue      *out)
{
  return read_value (reader, out);
}

gboolean
_ferry_json_reader_skip_value (FerryJsonReader *reader)
{
  guint depth = 0;

  do
    {
      char c = _ferry_json_reader_peek (reader);

      switch (c)
        {
        case '{':
        case '[':
          depth++;
          reader->pos++;
          break;

        case '}':
        case ']':
          if (depth == 0)
            return fail (reader, "unexpected '%c'", c);
          depth--;
          reader->pos++;
          break;

        case ',':
        case ':':
          if (depth == 0)
            return fail (reader, "unexpected '%c'", c);
          reader->pos++;
          break;

        case '"':
          if (!skip_string (reader))
            return FALSE;
          break;

        case '\0':
          return fail (reader, "unexpected end");

        default:
          {
            FerryValue scalar;

            if (c == 't' || c == 'f' || c == 'n')
              {
                if (!read_value (reader, &scalar))
                  return FALSE;
              }
            else if (!read_number (reader, &scalar))
              return FALSE;
          }
          break;
        }
    }
  while (depth > 0);

  return TRUE;
}

static gboolean
begin_container (FerryJsonReader *reader,
                 char             open)
{
  if (reader->iter_depth >= G_N_ELEMENTS (reader->iter_first))
    return fail (reader, "nested too deeply");

  if (!expect (reader, open))
    return FALSE;

  reader->iter_first[reader->iter_depth++] = TRUE;
  return TRUE;
}

gboolean
_ferry_json_reader_begin_object (FerryJsonReader *reader)
{
  return begin_container (reader, '{');
}

gboolean
_ferry_json_reader_begin_array (FerryJsonReader *reader)
{
  return begin_container (reader, '[');
}

static gboolean
next_item (FerryJsonReader *reader,
           char             close)
{
  guint8 *first;

  if (reader->error != NULL || reader->iter_depth == 0)
    return FALSE;

  first = &reader->iter_first[reader->iter_depth - 1];

  if (_ferry_json_reader_peek (reader) == close)
    {
      reader->pos++;
      reader->iter_depth--;
      return FALSE;
    }

  if (!*first && !expect (reader, ','))
    return FALSE;
  *first = FALSE;

  return TRUE;
}

gboolean
_ferry_json_reader_next_member (FerryJsonReader  *reader,
                                const char      **key)
{
  if (!next_item (reader, '}'))
    return FALSE;

  return _ferry_json_reader_read_string (reader, key) && expect (reader, ':');
}

gboolean
_ferry_json_reader_next_element (FerryJsonReader *reader)
{
  return next_item (reader, ']');
}

/* The same, but the key is not copied when it has no escapes: @key then
 * points into the text, and is not nul-terminated. */
gboolean
_ferry_json_reader_next_member_span (FerryJsonReader  *reader,
                                     const char      **key,
                                     gsize            *len)
{
  const char *p;

  if (!next_item (reader, '}'))
    return FALSE;

  if (_ferry_json_reader_peek (reader) != '"')
    return fail (reader, "expected a string");

  for (p = reader->pos + 1; p < reader->end && *p != '"' && *p != '\\'; p++)
    ;

  if (p < reader->end && *p == '"')
    {
      *key = reader->pos + 1;
      *len = p - *key;
      reader->pos = p + 1;
    }
  else
    {
      if (!read_string (reader, key))
        return FALSE;
      *len = strlen (*key);
    }

  return expect (reader, ':');
}
