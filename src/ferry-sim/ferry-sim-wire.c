/* ferry-sim-wire.c: XenAPI requests and responses on the wire (xapi.md §1.4–§1.6)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What real xapi does, read from source (xapi-project/xen-api master; mirage/ocaml-rpc
 * src/lib/{jsonrpc,xmlrpc}.ml; ocaml-community/yojson lib/read.mll; dbuenzli/xmlm):
 *
 * Malformed requests. api_server.ml `jsoncallback` and `callback` only catch
 * Api_errors.Server_error; any other exception raised while parsing the body reaches
 * Http_svr.handle_one, which answers "HTTP/1.1 500 Internal Error" (headers
 * content-type: text/html, connection: close, cache-control: no-cache, no-store) with
 * the body of http_svr.ml `response_internal_error`:
 *
 *   <html><body><h1>HTTP 500 internal server error</h1>An unexpected error occurred;
 *   please wait a while and try again. If the problem persists, please contact your
 *   support representative.<h1> Additional information </h1>EXN</body></html>
 *
 * (one line, no newlines), where EXN is `escape (Printexc.to_string exn)` and escape
 * turns < > ' " & into entities. Printexc prints an exception as Module.Name("arg", …)
 * with string fields in OCaml %S syntax (String.escaped, in double quotes), immediate
 * fields as integers and other blocks as _. The GError message of a failed parse is
 * that Printexc text; ferry_sim_malformed_page() wraps it.
 *
 * JSON-RPC: Jsonrpc.version_id_and_call_of_string. Yojson.Safe parses the whole body
 * first (errors: Yojson.Json_error("Line L, bytes A-B:\nDESCR"), or "Blank input data"
 * for an empty body), then integers beyond int64 fail in Int64.of_string
 * (Failure("Int64.of_string")), then the object is checked, in this order, raising
 * Jsonrpc.Malformed_method_request with:
 *   "Invalid request body"                    the document is not an object
 *   "Required field method is missing"
 *   "Invalid field 'method' in request body"  method is not a string
 *   "Invalid field 'jsonrpc' in request body" jsonrpc is present but not "2.0"
 *   "Required field params is missing"        v1 only
 *   "Invalid field 'params' in request body"  v1: not an array; v2: not absent, null,
 *                                             an array or an object
 *   "Invalid field 'id' in request body"      id missing, null, or not an int or string
 * Fields are looked up with List.assoc, so the first of duplicate keys wins.
 * Yojson is lenient where json-glib is not, and strict where json-glib is not: it
 * accepts unquoted object keys, line and block comments, NaN/Infinity, raw control bytes
 * and invalid UTF-8 inside strings (xapi then rejects such strings at dispatch with
 * INVALID_VALUE), "\u0000"; it rejects trailing junk, leading zeros, single quotes and
 * hex numbers; and it never wraps an overflowing integer. json-glib 1.6 does the
 * opposite on each of these points (and silently wraps 2^63 to -2^63, truncates at
 * "\u0000"), so this file has its own small Yojson-compatible reader instead of
 * JsonParser. Its error texts follow read.mll (`custom_error`, `long_error` with 32
 * bytes of junk).
 *
 * XML-RPC: Xmlrpc.call_of_string, a pull parser over Xmlm signals. We tokenize with
 * GMarkup into the same signals (start tag, end tag, character data merged across
 * comments and CDATA, CR LF and CR read as LF, reading stops once the root element
 * closes) and port the ocaml-rpc parser over them, so its quirks come along: <params>
 * is required (a call without it fails with Parse_error("close_tag", "open_tag", _));
 * whitespace is only ' ', '\n' and '\t'; <value> with bare text keeps the text as a
 * string, whitespace included; <boolean> is true only for "1" and false for anything
 * else; <int>/<i4>/<i8> use Int64.of_string (so "0x10" and "1_000" are fine, " 1" is
 * Failure("Int64.of_string")); <double> uses float_of_string; an empty <int/> is
 * Parse_error("empty_int", "int", _). Xmlm errors print as Xmlm.Error(_, N) for the
 * constant variants (N is OCaml's polymorphic variant hash) and Xmlm.Error(_, _) for
 * the others: no root element (an empty body too) is `Expected_root_element, a
 * byte that is not an XML Char is `Malformed_char_stream, input that ends in text,
 * a comment or an attribute value is `Unexpected_eoi, and input that ends inside a
 * tag wants a '>' (after a bare start tag has already come out). Xmlm also takes a
 * '&' that starts no reference literally, and honours encoding="iso-8859-1",
 * "us-ascii" and a UTF-8 byte order mark.
 *
 * Responses: ocaml-rpc Xmlrpc.string_of_response (always Status + Value or
 * ErrorDescription, never <fault>; for system.listMethods api_server.ml sends the bare
 * value instead) and Jsonrpc.string_of_response (Yojson, compact; v2 failures become
 * {"code":1,"message":CODE,"data":[params]} in api_server_common.ml, except for
 * system.listMethods).
 *
 * Where we knowingly differ: nesting deeper than MAX_DEPTH fails with "Stack overflow"
 * (the text OCaml gives when xapi's own stack runs out, which takes far deeper
 * nesting); Yojson 2's OCaml-only tuple and variant syntax is an invalid token, as in
 * Yojson 3 (we print the exception as Yojson 2 names it, Yojson.Json_error); UTF-16
 * bodies are not decoded; XML namespace prefixes are not resolved; a NUL byte inside
 * a string is stored as the (invalid UTF-8) pair C0 80, since values are C strings;
 * duplicate struct members keep the first one, as lookups in xapi do.
 */
#define G_LOG_DOMAIN "ferry-sim-wire"

#include "config.h"

#include <math.h>
#include <string.h>

#include "ferry-sim-error.h"
#include "ferry-sim-wire.h"

/* Nesting of JSON containers or XML elements we accept. */
#define MAX_DEPTH 256
/* Bytes of context Yojson's long_error appends. */
#define JUNK_LENGTH 32

#define STACK_OVERFLOW "Stack overflow"
#define LIST_METHODS "system.listMethods"

/* OCaml runtime texts */

/* String.escaped */
static void
append_ocaml_escaped (GString    *out,
                      const char *text,
                      gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      guchar c = text[i];

      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\b': g_string_append (out, "\\b"); break;
        default:
          if (c >= ' ' && c <= '~')
            g_string_append_c (out, c);
          else
            g_string_append_printf (out, "\\%03u", c);
          break;
        }
    }
}

/* Printf "%S": how Printexc prints a string field. */
static void
append_ocaml_string (GString    *out,
                     const char *text,
                     gsize       length)
{
  g_string_append_c (out, '"');
  append_ocaml_escaped (out, text, length);
  g_string_append_c (out, '"');
}

/* Printexc.to_string of an exception with one string argument. */
static char *
exception_new (const char *name,
               const char *arg,
               gsize       length)
{
  GString *text = g_string_new (name);

  g_string_append_c (text, '(');
  append_ocaml_string (text, arg, length);
  g_string_append_c (text, ')');

  return g_string_free (text, FALSE);
}

static char *
failure_new (const char *message)
{
  return exception_new ("Failure", message, strlen (message));
}

static int
parse_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* Int64.of_string (runtime/ints.c caml_int64_of_string): an optional sign, an
 * optional 0x/0o/0b/0u prefix, underscores after the first digit; the prefixed forms
 * are unsigned and may reach 2^64 - 1. */
static gboolean
ocaml_int64_of_string (const char *text,
                       gint64     *result)
{
  const char *p = text;
  int sign = 1;
  int base = 10;
  gboolean is_signed = TRUE;
  guint64 threshold;
  guint64 res;
  int d;

  if (*p == '-')
    {
      sign = -1;
      p++;
    }
  else if (*p == '+')
    {
      p++;
    }

  if (*p == '0')
    {
      switch (p[1])
        {
        case 'x': case 'X': base = 16; is_signed = FALSE; p += 2; break;
        case 'o': case 'O': base = 8; is_signed = FALSE; p += 2; break;
        case 'b': case 'B': base = 2; is_signed = FALSE; p += 2; break;
        case 'u': case 'U': is_signed = FALSE; p += 2; break;
        default: break;
        }
    }

  threshold = G_MAXUINT64 / base;
  d = parse_digit (*p);
  if (d < 0 || d >= base)
    return FALSE;
  res = d;

  for (p++;; p++)
    {
      if (*p == '_')
        continue;
      d = parse_digit (*p);
      if (d < 0 || d >= base)
        break;
      if (res > threshold)
        return FALSE;
      res = base * res + d;
      if (res < (guint64) d)
        return FALSE;
    }

  if (*p != '\0')
    return FALSE;

  if (is_signed)
    {
      if (sign < 0 ? res > (guint64) 1 << 63 : res >= (guint64) 1 << 63)
        return FALSE;
    }

  if (sign < 0)
    res = 0 - res;
  *result = (gint64) res;
  return TRUE;
}

/* float_of_string (runtime/floats.c): strtod in the C locale after dropping
 * underscores; it must use up the whole text. */
static gboolean
ocaml_float_of_string (const char *text,
                       double     *result)
{
  g_autoptr(GString) buf = g_string_new (NULL);
  char *end = NULL;

  for (const char *p = text; *p; p++)
    if (*p != '_')
      g_string_append_c (buf, *p);

  if (buf->len == 0)
    return FALSE;

  *result = g_ascii_strtod (buf->str, &end);
  return end == buf->str + buf->len;
}

/* The integer OCaml prints for a constant polymorphic variant (caml_hash_variant). */
static gint64
ocaml_hash_variant (const char *tag)
{
  guint32 accu = 0;

  for (; *tag; tag++)
    accu = 223 * accu + (guchar) *tag;
  accu &= 0x7fffffff;

  /* Sign-extended from 31 bits, as the runtime does for 32/64-bit compatibility. */
  return (accu & 0x40000000) ? (gint64) accu - 0x80000000 : (gint64) accu;
}

static void
append_utf8 (GString *out,
             guint32  code)
{
  /* Yojson's Codec.utf8_of_code: no checks, so lone surrogates get three bytes. */
  if (code <= 0x7f)
    {
      g_string_append_c (out, code);
    }
  else if (code <= 0x7ff)
    {
      g_string_append_c (out, 0xc0 | (code >> 6));
      g_string_append_c (out, 0x80 | (code & 0x3f));
    }
  else if (code <= 0xffff)
    {
      g_string_append_c (out, 0xe0 | (code >> 12));
      g_string_append_c (out, 0x80 | ((code >> 6) & 0x3f));
      g_string_append_c (out, 0x80 | (code & 0x3f));
    }
  else
    {
      g_string_append_c (out, 0xf0 | (code >> 18));
      g_string_append_c (out, 0x80 | ((code >> 12) & 0x3f));
      g_string_append_c (out, 0x80 | ((code >> 6) & 0x3f));
      g_string_append_c (out, 0x80 | (code & 0x3f));
    }
}

/* Values are C strings: a NUL byte becomes C0 80, which is still not valid UTF-8,
 * so the dispatcher's UTF-8 check rejects it as xapi would. */
static char *
dup_bytes (const char *bytes,
           gsize       length)
{
  GString *out;

  if (memchr (bytes, '\0', length) == NULL)
    return g_strndup (bytes, length);

  out = g_string_sized_new (length + 8);
  for (gsize i = 0; i < length; i++)
    {
      if (bytes[i] == '\0')
        g_string_append (out, "\xc0\x80");
      else
        g_string_append_c (out, bytes[i]);
    }

  return g_string_free (out, FALSE);
}

static void
set_string_bytes (FerrySimValue *value,
                  const char    *bytes,
                  gsize          length)
{
  g_autofree char *text = dup_bytes (bytes, length);

  ferry_sim_value_set_string (value, text);
}

/* Builds a MAP in which the first of duplicate keys wins (List.assoc), without the
 * quadratic cost of ferry_sim_value_insert on big structs. */
typedef struct
{
  FerrySimValue *map;
  GHashTable    *keys;
} MapBuilder;

static void
map_builder_init (MapBuilder    *builder,
                  FerrySimValue *map)
{
  ferry_sim_value_set_map (map);
  builder->map = map;
  builder->keys = NULL;
}

static void
map_builder_clear (MapBuilder *builder)
{
  g_clear_pointer (&builder->keys, g_hash_table_unref);
}

/* Takes ownership of @item's contents. */
static void
map_builder_add (MapBuilder    *builder,
                 const char    *key,
                 FerrySimValue *item)
{
  GArray *pairs = builder->map->map;
  FerrySimPair pair = { NULL, FERRY_SIM_VALUE_INIT };

  if (builder->keys == NULL && pairs->len >= 8)
    {
      builder->keys = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < pairs->len; i++)
        g_hash_table_add (builder->keys, g_array_index (pairs, FerrySimPair, i).key);
    }

  if (builder->keys != NULL ? g_hash_table_contains (builder->keys, key)
                            : ferry_sim_value_lookup (builder->map, key) != NULL)
    {
      ferry_sim_value_clear (item);
      return;
    }

  pair.key = ferry_sim_intern (key);
  ferry_sim_value_move (&pair.value, item);
  g_array_append_val (pairs, pair);
  if (builder->keys != NULL)
    g_hash_table_add (builder->keys, pair.key);
}

static FerrySimValue *
map_find (FerrySimValue *map,
          const char    *key)
{
  for (guint i = 0; i < map->map->len; i++)
    {
      FerrySimPair *pair = &g_array_index (map->map, FerrySimPair, i);
      if (strcmp (pair->key, key) == 0)
        return &pair->value;
    }

  return NULL;
}

/* JSON: a port of the parts of Yojson's read.mll that Yojson.Safe.from_string uses */

typedef struct
{
  const char *text;
  gsize       length;
  gsize       pos;
  gsize       bol;        /* where the current line starts */
  int         lnum;
  guint       depth;
  gboolean    overflow;   /* an integer Int64.of_string will reject */
  GString    *buf;
  char       *exception;
} JsonLexer;

static gboolean json_read_value (JsonLexer     *lx,
                                 FerrySimValue *value);

static void
json_newline (JsonLexer *lx,
              gsize      after)
{
  lx->lnum++;
  lx->bol = after;
}

/* custom_error: @start and @curr are lex_start_pos and lex_curr_pos. */
static gboolean
json_custom_error (JsonLexer  *lx,
                   const char *descr,
                   gsize       descr_length,
                   gsize       start,
                   gsize       curr)
{
  gssize pos1 = (gssize) start - (gssize) lx->bol - 2;
  gssize pos2 = MAX (pos1, (gssize) curr - (gssize) lx->bol - 1);
  g_autoptr(GString) message = g_string_new (NULL);
  GString *exception = g_string_new ("Yojson.Json_error(");

  if (pos1 == pos2)
    g_string_printf (message, "Line %d, byte %" G_GSSIZE_FORMAT ":\n",
                     lx->lnum, pos1 + 1);
  else
    g_string_printf (message, "Line %d, bytes %" G_GSSIZE_FORMAT "-%" G_GSSIZE_FORMAT ":\n",
                     lx->lnum, pos1 + 1, pos2 + 1);
  g_string_append_len (message, descr, descr_length);

  append_ocaml_string (exception, message->str, message->len);
  g_string_append_c (exception, ')');

  g_free (lx->exception);
  lx->exception = g_string_free (exception, FALSE);
  return FALSE;
}

static gboolean
json_eof_error (JsonLexer *lx)
{
  return json_custom_error (lx, "Unexpected end of input", strlen ("Unexpected end of input"),
                            lx->pos, lx->pos);
}

/* long_error: the lexeme, then up to 32 more bytes; read_junk_without_positions
 * moves lex_start_pos one on and lex_curr_pos past the junk. */
static gboolean
json_long_error (JsonLexer  *lx,
                 const char *descr,
                 gsize       start,
                 gsize       curr)
{
  gsize extra = MIN (JUNK_LENGTH, lx->length - curr);
  g_autoptr(GString) full = g_string_new (descr);

  g_string_append (full, " '");
  g_string_append_len (full, lx->text + start, curr + extra - start);
  g_string_append_c (full, '\'');

  return json_custom_error (lx, full->str, full->len, start + 1, curr + extra);
}

static gboolean
json_stack_overflow (JsonLexer *lx)
{
  g_free (lx->exception);
  lx->exception = g_strdup (STACK_OVERFLOW);
  return FALSE;
}

static gboolean
json_finish_comment (JsonLexer *lx)
{
  for (;;)
    {
      if (lx->pos >= lx->length)
        return json_long_error (lx, "Unterminated comment", lx->pos, lx->pos);

      if (lx->text[lx->pos] == '*' && lx->pos + 1 < lx->length && lx->text[lx->pos + 1] == '/')
        {
          lx->pos += 2;
          return TRUE;
        }

      if (lx->text[lx->pos] == '\n')
        json_newline (lx, lx->pos + 1);
      lx->pos++;
    }
}

/* read_space */
static gboolean
json_read_space (JsonLexer *lx)
{
  for (;;)
    {
      const char *t = lx->text + lx->pos;
      gsize left = lx->length - lx->pos;

      if (left >= 2 && t[0] == '/' && t[1] == '/')
        {
          const char *nl = memchr (t + 2, '\n', left - 2);

          /* "//"[^'\n']* ('\n'|eof): a new line even at the end of input */
          lx->pos = nl != NULL ? (gsize) (nl - lx->text) + 1 : lx->length;
          json_newline (lx, lx->pos);
        }
      else if (left >= 2 && t[0] == '/' && t[1] == '*')
        {
          lx->pos += 2;
          if (!json_finish_comment (lx))
            return FALSE;
        }
      else if (left >= 1 && t[0] == '\n')
        {
          lx->pos++;
          json_newline (lx, lx->pos);
        }
      else if (left >= 1 && (t[0] == ' ' || t[0] == '\t' || t[0] == '\r'))
        {
          lx->pos++;
        }
      else
        {
          return TRUE;
        }
    }
}

static int
parse_hex4 (const char *t)
{
  int code = 0;

  for (int i = 0; i < 4; i++)
    {
      int d = parse_digit (t[i]);
      if (d < 0)
        return -1;
      code = code * 16 + d;
    }

  return code;
}

static gboolean
json_finish_surrogate_pair (JsonLexer *lx,
                            int        high)
{
  const char *t = lx->text + lx->pos;
  gsize left = lx->length - lx->pos;
  int low;

  if (left >= 6 && t[0] == '\\' && t[1] == 'u' && (low = parse_hex4 (t + 2)) >= 0)
    {
      if (low < 0xdc00 || low > 0xdfff)
        return json_long_error (lx, "Invalid low surrogate for code point beyond U+FFFF",
                                lx->pos, lx->pos + 6);
      lx->pos += 6;
      append_utf8 (lx->buf, 0x10000 + (((high - 0xd800) << 10) | (low - 0xdc00)));
      return TRUE;
    }

  if (left == 0)
    return json_eof_error (lx);

  return json_long_error (lx,
                          "Missing escape sequence representing low surrogate for code point beyond U+FFFF",
                          lx->pos, lx->pos + 1);
}

static gboolean
json_finish_escaped_char (JsonLexer *lx)
{
  const char *t = lx->text + lx->pos;
  gsize left = lx->length - lx->pos;
  int code;

  if (left == 0)
    return json_eof_error (lx);

  switch (t[0])
    {
    case '"':
    case '\\':
    case '/':
      g_string_append_c (lx->buf, t[0]);
      lx->pos++;
      return TRUE;
    case 'b': g_string_append_c (lx->buf, '\b'); lx->pos++; return TRUE;
    case 'f': g_string_append_c (lx->buf, '\f'); lx->pos++; return TRUE;
    case 'n': g_string_append_c (lx->buf, '\n'); lx->pos++; return TRUE;
    case 'r': g_string_append_c (lx->buf, '\r'); lx->pos++; return TRUE;
    case 't': g_string_append_c (lx->buf, '\t'); lx->pos++; return TRUE;
    case 'u':
      if (left >= 5 && (code = parse_hex4 (t + 1)) >= 0)
        {
          lx->pos += 5;
          if (code >= 0xd800 && code <= 0xdbff)
            return json_finish_surrogate_pair (lx, code);
          append_utf8 (lx->buf, code);
          return TRUE;
        }
      break;
    default:
      break;
    }

  return json_long_error (lx, "Invalid escape sequence", lx->pos, lx->pos + 1);
}

/* finish_string: the text after an opening quote, into lx->buf. Raw bytes are kept
 * as they are, control characters and invalid UTF-8 included. */
static gboolean
json_finish_string (JsonLexer *lx)
{
  g_string_truncate (lx->buf, 0);

  for (;;)
    {
      gsize start = lx->pos;

      while (lx->pos < lx->length && lx->text[lx->pos] != '"' && lx->text[lx->pos] != '\\')
        lx->pos++;
      g_string_append_len (lx->buf, lx->text + start, lx->pos - start);

      if (lx->pos >= lx->length)
        return json_eof_error (lx);

      if (lx->text[lx->pos++] == '"')
        return TRUE;

      if (!json_finish_escaped_char (lx))
        return FALSE;
    }
}

/* The longest of positive_int, '-' positive_int and float at the current position. */
static gsize
json_match_number (const char *t,
                   gsize       left,
                   gboolean   *is_float)
{
  gsize q = 0;

  *is_float = FALSE;

  if (q < left && t[q] == '-')
    q++;
  if (q >= left || !g_ascii_isdigit (t[q]))
    return 0;

  if (t[q] == '0')
    q++;
  else
    while (q < left && g_ascii_isdigit (t[q]))
      q++;

  if (q + 1 < left && t[q] == '.' && g_ascii_isdigit (t[q + 1]))
    {
      q += 2;
      while (q < left && g_ascii_isdigit (t[q]))
        q++;
      *is_float = TRUE;
    }

  if (q < left && (t[q] == 'e' || t[q] == 'E'))
    {
      gsize r = q + 1;

      if (r < left && (t[r] == '+' || t[r] == '-'))
        r++;
      if (r < left && g_ascii_isdigit (t[r]))
        {
          while (r < left && g_ascii_isdigit (t[r]))
            r++;
          q = r;
          *is_float = TRUE;
        }
    }

  return q;
}

static gboolean
parse_decimal_int64 (const char *t,
                     gsize       length,
                     gint64     *result)
{
  gboolean negative = t[0] == '-';
  guint64 limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
  guint64 value = 0;

  for (gsize i = negative ? 1 : 0; i < length; i++)
    {
      guint d = t[i] - '0';

      if (value > (limit - d) / 10)
        return FALSE;
      value = value * 10 + d;
    }

  if (!negative)
    *result = (gint64) value;
  else if (value == 0)
    *result = 0;
  else
    *result = -(gint64) (value - 1) - 1;
  return TRUE;
}

static gboolean
json_has_prefix (const char *t,
                 gsize       left,
                 const char *prefix)
{
  gsize n = strlen (prefix);

  return left >= n && memcmp (t, prefix, n) == 0;
}

/* read_ident: a quoted string or a bare identifier. */
static gboolean
json_read_ident (JsonLexer  *lx,
                 char      **key)
{
  const char *t = lx->text + lx->pos;
  gsize left = lx->length - lx->pos;
  gsize n = 0;

  if (left == 0)
    return json_eof_error (lx);

  if (t[0] == '"')
    {
      lx->pos++;
      if (!json_finish_string (lx))
        return FALSE;
      *key = dup_bytes (lx->buf->str, lx->buf->len);
      return TRUE;
    }

  if (g_ascii_isalpha (t[0]) || t[0] == '_')
    {
      while (n < left && (g_ascii_isalnum (t[n]) || t[n] == '_'))
        n++;
      lx->pos += n;
      *key = g_strndup (t, n);
      return TRUE;
    }

  return json_long_error (lx, "Expected string or identifier but found", lx->pos, lx->pos + 1);
}

static gboolean
json_read_object (JsonLexer     *lx,
                  FerrySimValue *value)
{
  MapBuilder builder;
  gboolean ok = FALSE;

  map_builder_init (&builder, value);

  if (!json_read_space (lx))
    goto out;
  if (lx->pos < lx->length && lx->text[lx->pos] == '}')
    {
      lx->pos++;
      ok = TRUE;
      goto out;
    }

  for (gboolean first = TRUE;; first = FALSE)
    {
      g_autofree char *key = NULL;
      g_auto(FerrySimValue) item = FERRY_SIM_VALUE_INIT;

      if (!first)
        {
          if (!json_read_space (lx))
            goto out;
          if (lx->pos >= lx->length)
            {
              json_eof_error (lx);
              goto out;
            }
          if (lx->text[lx->pos] == '}')
            {
              lx->pos++;
              ok = TRUE;
              goto out;
            }
          if (lx->text[lx->pos] != ',')
            {
              json_long_error (lx, "Expected ',' or '}' but found", lx->pos, lx->pos + 1);
              goto out;
            }
          lx->pos++;
          if (!json_read_space (lx))
            goto out;
        }

      if (!json_read_ident (lx, &key) || !json_read_space (lx))
        goto out;

      if (lx->pos >= lx->length)
        {
          json_eof_error (lx);
          goto out;
        }
      if (lx->text[lx->pos] != ':')
        {
          json_long_error (lx, "Expected ':' but found", lx->pos, lx->pos + 1);
          goto out;
        }
      lx->pos++;

      if (!json_read_space (lx) || !json_read_value (lx, &item))
        goto out;
      map_builder_add (&builder, key, &item);
    }

out:
  map_builder_clear (&builder);
  return ok;
}

static gboolean
json_read_array (JsonLexer     *lx,
                 FerrySimValue *value)
{
  ferry_sim_value_set_array (value);

  if (!json_read_space (lx))
    return FALSE;
  if (lx->pos < lx->length && lx->text[lx->pos] == ']')
    {
      lx->pos++;
      return TRUE;
    }

  for (gboolean first = TRUE;; first = FALSE)
    {
      FerrySimValue item = FERRY_SIM_VALUE_INIT;

      if (!first)
        {
          if (!json_read_space (lx))
            return FALSE;
          if (lx->pos >= lx->length)
            return json_eof_error (lx);
          if (lx->text[lx->pos] == ']')
            {
              lx->pos++;
              return TRUE;
            }
          if (lx->text[lx->pos] != ',')
            return json_long_error (lx, "Expected ',' or ']' but found", lx->pos, lx->pos + 1);
          lx->pos++;
          if (!json_read_space (lx))
            return FALSE;
        }

      if (!json_read_value (lx, &item))
        {
          ferry_sim_value_clear (&item);
          return FALSE;
        }
      ferry_sim_value_append (value, &item);
    }
}

static gboolean
json_read_container (JsonLexer     *lx,
                     FerrySimValue *value,
                     gboolean       object)
{
  gboolean ok;

  if (++lx->depth > MAX_DEPTH)
    return json_stack_overflow (lx);

  lx->pos++;
  ok = object ? json_read_object (lx, value) : json_read_array (lx, value);
  lx->depth--;

  return ok;
}

static gboolean
json_read_number (JsonLexer     *lx,
                  gsize          n,
                  gboolean       is_float,
                  FerrySimValue *value)
{
  const char *t = lx->text + lx->pos;

  lx->pos += n;

  if (is_float)
    {
      g_autofree char *lexeme = g_strndup (t, n);
      ferry_sim_value_set_float (value, g_ascii_strtod (lexeme, NULL));
    }
  else
    {
      gint64 i = 0;

      /* `Intlit, which json_to_rpc hands to Int64.of_string after parsing */
      if (!parse_decimal_int64 (t, n, &i))
        lx->overflow = TRUE;
      ferry_sim_value_set_int (value, i);
    }

  return TRUE;
}

/* read_json */
static gboolean
json_read_value (JsonLexer     *lx,
                 FerrySimValue *value)
{
  for (;;)
    {
      const char *t = lx->text + lx->pos;
      gsize left = lx->length - lx->pos;
      gboolean is_float;
      gsize n;

      if (left == 0)
        return json_eof_error (lx);

      if (json_has_prefix (t, left, "true") || json_has_prefix (t, left, "false"))
        {
          ferry_sim_value_set_bool (value, t[0] == 't');
          lx->pos += t[0] == 't' ? 4 : 5;
          return TRUE;
        }
      if (json_has_prefix (t, left, "null"))
        {
          ferry_sim_value_clear (value);
          lx->pos += 4;
          return TRUE;
        }
      if (json_has_prefix (t, left, "NaN"))
        {
          ferry_sim_value_set_float (value, NAN);
          lx->pos += 3;
          return TRUE;
        }
      if (json_has_prefix (t, left, "Infinity") || json_has_prefix (t, left, "-Infinity"))
        {
          ferry_sim_value_set_float (value, t[0] == '-' ? -INFINITY : INFINITY);
          lx->pos += t[0] == '-' ? 9 : 8;
          return TRUE;
        }

      if (t[0] == '"')
        {
          lx->pos++;
          if (!json_finish_string (lx))
            return FALSE;
          set_string_bytes (value, lx->buf->str, lx->buf->len);
          return TRUE;
        }

      n = json_match_number (t, left, &is_float);
      if (n > 0)
        return json_read_number (lx, n, is_float, value);

      switch (t[0])
        {
        case '{':
          return json_read_container (lx, value, TRUE);
        case '[':
          return json_read_container (lx, value, FALSE);
        case '/':
          if (left >= 2 && t[1] == '/')
            {
              /* "//"[^'\n']*, the newline is the next token */
              const char *nl = memchr (t + 2, '\n', left - 2);
              lx->pos = nl != NULL ? (gsize) (nl - lx->text) : lx->length;
              continue;
            }
          if (left >= 2 && t[1] == '*')
            {
              lx->pos += 2;
              if (!json_finish_comment (lx))
                return FALSE;
              continue;
            }
          break;
        case '\n':
          lx->pos++;
          json_newline (lx, lx->pos);
          continue;
        case ' ':
        case '\t':
        case '\r':
          lx->pos++;
          continue;
        default:
          break;
        }

      /* Also '(' and '<', Yojson 2's tuples and variants. */
      return json_long_error (lx, "Invalid token", lx->pos, lx->pos + 1);
    }
}

/* Jsonrpc.of_string: Yojson.Safe.from_string, then json_to_rpc. */
static gboolean
json_parse_document (const char     *body,
                     gsize           length,
                     FerrySimValue  *document,
                     char          **exception)
{
  g_autoptr(GString) buf = g_string_new (NULL);
  JsonLexer lx = { body, length, 0, 0, 1, 0, FALSE, buf, NULL };

  if (!json_read_space (&lx))
    goto fail;

  if (lx.pos >= lx.length)
    {
      /* End_of_input, turned into json_error by ocaml-rpc's Yojson_private */
      lx.exception = exception_new ("Yojson.Json_error", "Blank input data",
                                    strlen ("Blank input data"));
      goto fail;
    }

  if (!json_read_value (&lx, document) || !json_read_space (&lx))
    goto fail;

  if (lx.pos < lx.length)
    {
      json_long_error (&lx, "Junk after end of JSON value:", lx.pos, lx.pos);
      goto fail;
    }

  if (lx.overflow)
    {
      lx.exception = failure_new ("Int64.of_string");
      goto fail;
    }

  return TRUE;

fail:
  ferry_sim_value_clear (document);
  *exception = lx.exception;
  return FALSE;
}

static char *
malformed_method_request (const char *message)
{
  return exception_new ("Jsonrpc.Malformed_method_request", message, strlen (message));
}

static void
request_set_exception (GError **error,
                       char    *exception)
{
  g_set_error_literal (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_MALFORMED,
                       exception != NULL ? exception : "Invalid request body");
  g_free (exception);
}

void
ferry_sim_request_clear (FerrySimRequest *request)
{
  g_return_if_fail (request != NULL);

  g_clear_pointer (&request->method, g_free);
  ferry_sim_value_clear (&request->params);
  ferry_sim_value_clear (&request->id);
  request->protocol = FERRY_SIM_PROTOCOL_XMLRPC;
}

/* Jsonrpc.version_id_and_call_of_string */
static char *
read_json_request (FerrySimValue   *document,
                   FerrySimRequest *request)
{
  FerrySimValue *method;
  FerrySimValue *version;
  FerrySimValue *params;
  FerrySimValue *id;

  if (document->kind != FERRY_SIM_VALUE_MAP)
    return malformed_method_request ("Invalid request body");

  method = map_find (document, "method");
  if (method == NULL)
    return malformed_method_request ("Required field method is missing");
  if (method->kind != FERRY_SIM_VALUE_STRING)
    return malformed_method_request ("Invalid field 'method' in request body");

  version = map_find (document, "jsonrpc");
  if (version == NULL)
    request->protocol = FERRY_SIM_PROTOCOL_JSONRPC_V1;
  else if (version->kind == FERRY_SIM_VALUE_STRING && strcmp (version->s, "2.0") == 0)
    request->protocol = FERRY_SIM_PROTOCOL_JSONRPC_V2;
  else
    return malformed_method_request ("Invalid field 'jsonrpc' in request body");

  params = map_find (document, "params");
  if (request->protocol == FERRY_SIM_PROTOCOL_JSONRPC_V1)
    {
      if (params == NULL)
        return malformed_method_request ("Required field params is missing");
      if (params->kind != FERRY_SIM_VALUE_ARRAY)
        return malformed_method_request ("Invalid field 'params' in request body");
      ferry_sim_value_move (&request->params, params);
    }
  else if (params == NULL || params->kind == FERRY_SIM_VALUE_NULL)
    {
      ferry_sim_value_set_array (&request->params);
    }
  else if (params->kind == FERRY_SIM_VALUE_ARRAY)
    {
      ferry_sim_value_move (&request->params, params);
    }
  else if (params->kind == FERRY_SIM_VALUE_MAP)
    {
      /* An object is one positional argument. */
      ferry_sim_value_set_array (&request->params);
      ferry_sim_value_append (&request->params, params);
    }
  else
    {
      return malformed_method_request ("Invalid field 'params' in request body");
    }

  /* A missing or null id means a notification, which xapi refuses. */
  id = map_find (document, "id");
  if (id == NULL || (id->kind != FERRY_SIM_VALUE_INT && id->kind != FERRY_SIM_VALUE_STRING))
    return malformed_method_request ("Invalid field 'id' in request body");
  ferry_sim_value_move (&request->id, id);

  request->method = g_strdup (method->s);
  return NULL;
}

gboolean
ferry_sim_request_parse_json (const char       *body,
                              gsize             length,
                              FerrySimRequest  *request,
                              GError          **error)
{
  g_auto(FerrySimValue) document = FERRY_SIM_VALUE_INIT;
  FerrySimRequest parsed = { 0 };
  char *exception = NULL;

  g_return_val_if_fail (body != NULL || length == 0, FALSE);
  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (request, 0, sizeof *request);

  if (body == NULL)
    body = "";

  if (!json_parse_document (body, length, &document, &exception) ||
      (exception = read_json_request (&document, &parsed)) != NULL)
    {
      ferry_sim_request_clear (&parsed);
      request_set_exception (error, exception);
      return FALSE;
    }

  *request = parsed;
  return TRUE;
}

/* XML: GMarkup produces Xmlm's signals, then a port of ocaml-rpc's Xmlrpc.Parser */

typedef enum
{
  XML_START,
  XML_END,
  XML_DATA,
  XML_ERROR,  /* the rest of the input is unreadable; text is the exception */
} XmlSignalKind;

typedef struct
{
  XmlSignalKind  kind;
  char          *text;
} XmlSignal;

static void
clear_signal (gpointer data)
{
  XmlSignal *sig = data;

  g_clear_pointer (&sig->text, g_free);
}

typedef struct
{
  GArray   *signals;
  GString  *data;
  guint     depth;
  gboolean  done;      /* the root element has closed: Xmlm reads no further */
  gboolean  too_deep;
} XmlTokenizer;

static void
push_signal (XmlTokenizer  *tk,
             XmlSignalKind  kind,
             char          *text)
{
  XmlSignal sig = { kind, text };

  g_array_append_val (tk->signals, sig);
}

/* Xmlm gives one `Data for all the text between two tags, comments and CDATA
 * sections notwithstanding, and never an empty one. */
static void
flush_data (XmlTokenizer *tk)
{
  if (tk->data->len == 0)
    return;

  push_signal (tk, XML_DATA, g_strndup (tk->data->str, tk->data->len));
  g_string_truncate (tk->data, 0);
}

static void
on_start_element (GMarkupParseContext  *context,
                  const char           *name,
                  const char          **attribute_names,
                  const char          **attribute_values,
                  gpointer              user_data,
                  GError              **error)
{
  XmlTokenizer *tk = user_data;

  flush_data (tk);
  if (++tk->depth > MAX_DEPTH)
    {
      tk->too_deep = TRUE;
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, STACK_OVERFLOW);
      return;
    }
  push_signal (tk, XML_START, g_strdup (name));
}

static void
on_end_element (GMarkupParseContext  *context,
                const char           *name,
                gpointer              user_data,
                GError              **error)
{
  XmlTokenizer *tk = user_data;

  flush_data (tk);
  push_signal (tk, XML_END, NULL);
  if (--tk->depth == 0)
    {
      /* Stop here: whatever follows the root element is never read. */
      tk->done = TRUE;
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "done");
    }
}

static void
on_text (GMarkupParseContext  *context,
         const char           *text,
         gsize                 length,
         gpointer              user_data,
         GError              **error)
{
  XmlTokenizer *tk = user_data;

  if (tk->depth > 0)
    g_string_append_len (tk->data, text, length);
}

static const GMarkupParser markup_parser = {
  on_start_element,
  on_end_element,
  on_text,
  NULL,
  NULL,
};

static char *
xmlm_error_new (const char *constant_variant)
{
  if (constant_variant == NULL)
    return g_strdup ("Xmlm.Error(_, _)");

  return g_strdup_printf ("Xmlm.Error(_, %" G_GINT64_FORMAT ")",
                          ocaml_hash_variant (constant_variant));
}

/* Xmlm's {Char} */
static gboolean
is_xml_char (gunichar u)
{
  return u == 0x9 || u == 0xa || u == 0xd ||
         (u >= 0x20 && u <= 0xd7ff) ||
         (u >= 0xe000 && u <= 0xfffd) ||
         (u >= 0x10000 && u <= 0x10ffff);
}

static gboolean
is_xml_white (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ASCII approximations of {NameStartChar} and {NameChar}; non-ASCII passes. */
static gboolean
is_name_start (char c)
{
  return g_ascii_isalpha (c) || c == '_' || (guchar) c >= 0x80;
}

static gboolean
is_name_char (char c)
{
  return is_name_start (c) || g_ascii_isdigit (c) || c == '-' || c == '.';
}

typedef enum
{
  ENCODING_UTF8,
  ENCODING_LATIN1,
  ENCODING_ASCII,
  ENCODING_MALFORMED,  /* "utf-16" without a byte order mark */
  ENCODING_UNKNOWN,    /* `Unknown_encoding, and UTF-16BE/LE, which we do not decode */
} Encoding;

/* The encoding named by an XML declaration at the very start (Xmlm p_xml_decl). */
static Encoding
find_encoding (const char *body,
               gsize       length)
{
  const char *end;
  const char *p;
  const char *value;
  char quote;
  g_autofree char *name = NULL;

  if (length < 5 || memcmp (body, "<?xml", 5) != 0)
    return ENCODING_UTF8;

  end = g_strstr_len (body, length, "?>");
  if (end == NULL)
    return ENCODING_UTF8;

  p = g_strstr_len (body, end - body, "encoding");
  if (p == NULL)
    return ENCODING_UTF8;

  p += strlen ("encoding");
  while (p < end && is_xml_white (*p))
    p++;
  if (p >= end || *p != '=')
    return ENCODING_UTF8;
  p++;
  while (p < end && is_xml_white (*p))
    p++;
  if (p >= end || (*p != '"' && *p != '\''))
    return ENCODING_UTF8;

  quote = *p++;
  value = p;
  while (p < end && *p != quote)
    p++;
  name = g_ascii_strdown (value, p - value);

  if (g_str_equal (name, "utf-8"))
    return ENCODING_UTF8;
  if (g_str_equal (name, "iso-8859-1"))
    return ENCODING_LATIN1;
  if (g_str_equal (name, "us-ascii") || g_str_equal (name, "ascii"))
    return ENCODING_ASCII;
  if (g_str_equal (name, "utf-16"))
    return ENCODING_MALFORMED;
  return ENCODING_UNKNOWN;
}

/* Decodes @body into UTF-8 the way Xmlm reads it: line ends become LF, and reading
 * stops at the first character that is not an XML Char (*malformed). */
static GString *
decode_xml_body (const char *body,
                 gsize       length,
                 gboolean   *malformed)
{
  GString *out = g_string_sized_new (length + 1);
  Encoding encoding = ENCODING_UTF8;
  gboolean after_cr = FALSE;
  gsize i = 0;

  *malformed = FALSE;

  /* A UTF-8 byte order mark wins over the declaration. */
  if (length >= 3 && memcmp (body, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  else
    encoding = find_encoding (body, length);

  while (i < length)
    {
      gunichar u;

      if (encoding == ENCODING_UTF8)
        {
          const char *p = body + i;

          u = g_utf8_get_char_validated (p, length - i);
          if (u == (gunichar) -1 || u == (gunichar) -2)
            {
              *malformed = TRUE;
              break;
            }
          i = g_utf8_next_char (p) - body;
        }
      else
        {
          u = (guchar) body[i++];
          if (encoding == ENCODING_ASCII && u > 127)
            {
              *malformed = TRUE;
              break;
            }
        }

      if (!is_xml_char (u))
        {
          *malformed = TRUE;
          break;
        }

      if (after_cr && u == '\n')
        {
          after_cr = FALSE;
          continue;
        }
      after_cr = u == '\r';
      g_string_append_unichar (out, after_cr ? '\n' : u);
    }

  return out;
}

/* Xmlm skip_misc: TRUE if the text before the root element is only white space,
 * comments, processing instructions and a DOCTYPE, up to a '<' or the end. */
static gboolean
find_root (const char *text,
           gsize       length,
           gsize      *root)
{
  gsize i = 0;

  for (;;)
    {
      const char *close;

      while (i < length && is_xml_white (text[i]))
        i++;
      if (i >= length || text[i] != '<')
        {
          *root = i;
          return FALSE;
        }

      if (g_str_has_prefix (text + i, "<?"))
        close = g_strstr_len (text + i, length - i, "?>");
      else if (g_str_has_prefix (text + i, "<!--"))
        close = g_strstr_len (text + i, length - i, "-->");
      else
        close = NULL;

      if (close == NULL)
        {
          /* The root element, a DOCTYPE, or something GMarkup will complain about. */
          *root = i;
          return TRUE;
        }
      i = strchr (close, '>') - text + 1;
    }
}

typedef enum
{
  MARKUP_CONTENT,
  MARKUP_TAG,
  MARKUP_ATTRIBUTE,
  MARKUP_COMMENT,
  MARKUP_CDATA,
  MARKUP_PI,
} MarkupState;

/* Xmlm takes a '&' that starts no reference literally ("a & b", "&x" without ';');
 * GMarkup does not, so escape those. Returns where the text ends: inside a tag, a
 * comment, … and, in *tag, where that last tag starts. */
static MarkupState
escape_ampersands (GString    *text,
                   GString    *out,
                   gsize      *tag)
{
  MarkupState state = MARKUP_CONTENT;
  char quote = '"';

  *tag = 0;

  for (gsize i = 0; i < text->len; i++)
    {
      const char *p = text->str + i;
      char c = *p;

      switch (state)
        {
        case MARKUP_CONTENT:
        case MARKUP_ATTRIBUTE:
          if (state == MARKUP_ATTRIBUTE && c == quote)
            {
              state = MARKUP_TAG;
            }
          else if (state == MARKUP_CONTENT && c == '<')
            {
              *tag = out->len;
              if (g_str_has_prefix (p, "<!--"))
                state = MARKUP_COMMENT;
              else if (g_str_has_prefix (p, "<![CDATA["))
                state = MARKUP_CDATA;
              else if (g_str_has_prefix (p, "<?"))
                state = MARKUP_PI;
              else
                state = MARKUP_TAG;
            }
          else if (c == '&' && p[1] != '#')
            {
              gsize n = 1;

              if (is_name_start (p[n]))
                while (is_name_char (p[n]))
                  n++;
              if (n == 1 || p[n] != ';')
                {
                  g_string_append (out, "&amp;");
                  continue;
                }
            }
          break;

        case MARKUP_TAG:
          if (c == '"' || c == '\'')
            {
              quote = c;
              state = MARKUP_ATTRIBUTE;
            }
          else if (c == '>')
            {
              state = MARKUP_CONTENT;
            }
          break;

        case MARKUP_COMMENT:
          if (g_str_has_prefix (p, "-->"))
            {
              g_string_append (out, "--");
              i += 2;
              p += 2;
              state = MARKUP_CONTENT;
            }
          break;

        case MARKUP_CDATA:
          if (g_str_has_prefix (p, "]]>"))
            {
              g_string_append (out, "]]");
              i += 2;
              p += 2;
              state = MARKUP_CONTENT;
            }
          break;

        case MARKUP_PI:
          if (g_str_has_prefix (p, "?>"))
            {
              g_string_append_c (out, '?');
              i++;
              p++;
              state = MARKUP_CONTENT;
            }
          break;

        default:
          g_assert_not_reached ();
        }

      g_string_append_c (out, *p);
    }

  return state;
}

/* The signals of @body, always ending with an XML_ERROR one. */
static GArray *
tokenize_xml (const char *body,
              gsize       length)
{
  g_autoptr(GString) data = g_string_new (NULL);
  g_autoptr(GString) decoded = NULL;
  g_autoptr(GString) text = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  XmlTokenizer tk = { NULL, data, 0, FALSE, FALSE };
  MarkupState end_state;
  gboolean malformed;
  gsize root;
  gsize tag;
  char *exception;

  tk.signals = g_array_new (FALSE, FALSE, sizeof (XmlSignal));
  g_array_set_clear_func (tk.signals, clear_signal);

  switch (length >= 3 && memcmp (body, "\xef\xbb\xbf", 3) == 0 ? ENCODING_UTF8
                                                               : find_encoding (body, length))
    {
    case ENCODING_MALFORMED:
      push_signal (&tk, XML_ERROR, xmlm_error_new ("Malformed_char_stream"));
      return tk.signals;
    case ENCODING_UNKNOWN:
      push_signal (&tk, XML_ERROR, xmlm_error_new (NULL));
      return tk.signals;
    case ENCODING_UTF8:
    case ENCODING_LATIN1:
    case ENCODING_ASCII:
    default:
      break;
    }

  decoded = decode_xml_body (body, length, &malformed);

  if (!find_root (decoded->str, decoded->len, &root))
    {
      /* Xmlm wants a root element: it found other text, or ran out of input while
       * skipping white space, comments and processing instructions. */
      push_signal (&tk, XML_ERROR,
                   xmlm_error_new (root < decoded->len || !malformed ? "Expected_root_element"
                                                                     : "Malformed_char_stream"));
      return tk.signals;
    }

  text = g_string_sized_new (decoded->len + 16);
  end_state = escape_ampersands (decoded, text, &tag);

  context = g_markup_parse_context_new (&markup_parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &tk, NULL);
  if (!g_markup_parse_context_parse (context, text->str, text->len, NULL))
    {
      if (tk.done)
        exception = xmlm_error_new ("Unexpected_eoi");  /* never read */
      else if (tk.too_deep)
        exception = g_strdup (STACK_OVERFLOW);
      else
        exception = xmlm_error_new (NULL);
    }
  else if (malformed)
    {
      /* Xmlm got as far as the bad character. */
      exception = xmlm_error_new ("Malformed_char_stream");
    }
  else if (end_state != MARKUP_TAG)
    {
      /* Inside text, a comment, CDATA, a PI or an attribute value. */
      exception = xmlm_error_new ("Unexpected_eoi");
    }
  else
    {
      /* Inside a tag: Xmlm wants a '>'. A start tag with just a name has already
       * given its `El_start by then. */
      const char *p = text->str + tag + 1;
      gsize n = 0;

      if (is_name_start (p[0]))
        {
          while (is_name_char (p[n]) || p[n] == ':')
            n++;
          for (gsize i = n; p[i] != '\0' && is_xml_white (p[i]); i++)
            if (p[i + 1] == '\0')
              n = i + 1;
          if (p[n] == '\0')
            push_signal (&tk, XML_START, g_strndup (p, strcspn (p, " \t\r\n")));
        }
      exception = xmlm_error_new (NULL);
    }

  push_signal (&tk, XML_ERROR, exception);
  return tk.signals;
}

typedef struct
{
  GArray *signals;
  guint   pos;
  char   *exception;
} XmlInput;

static gboolean
xml_peek (XmlInput   *in,
          XmlSignal **sig)
{
  XmlSignal *s = &g_array_index (in->signals, XmlSignal, in->pos);

  if (s->kind == XML_ERROR)
    {
      g_free (in->exception);
      in->exception = g_strdup (s->text);
      return FALSE;
    }

  *sig = s;
  return TRUE;
}

static gboolean
xml_input (XmlInput   *in,
           XmlSignal **sig)
{
  if (!xml_peek (in, sig))
    return FALSE;

  in->pos++;
  return TRUE;
}

static gboolean
xml_parse_error (XmlInput   *in,
                 const char *got,
                 const char *expected)
{
  GString *exception = g_string_new ("Xmlrpc.Parse_error(");

  append_ocaml_string (exception, got, strlen (got));
  g_string_append (exception, ", ");
  append_ocaml_string (exception, expected, strlen (expected));
  g_string_append (exception, ", _)");

  g_free (in->exception);
  in->exception = g_string_free (exception, FALSE);
  return FALSE;
}

/* "open_tag(TAG)", "close_tag(TAG)", "empty_TAG" */
static char *
describe_tag (const char *prefix,
              const char *tag,
              const char *suffix)
{
  return g_strconcat (prefix, tag, suffix, NULL);
}

/* "data(%s)" with String.escaped */
static char *
describe_data (const char *data)
{
  GString *text = g_string_new ("data(");

  append_ocaml_escaped (text, data, strlen (data));
  g_string_append_c (text, ')');

  return g_string_free (text, FALSE);
}

static gboolean
is_empty (const char *data)
{
  for (; *data; data++)
    if (*data != '\n' && *data != ' ' && *data != '\t')
      return FALSE;

  return TRUE;
}

static gboolean
xml_skip_empty (XmlInput *in)
{
  XmlSignal *s;

  for (;;)
    {
      if (!xml_peek (in, &s))
        return FALSE;
      if (s->kind != XML_DATA || !is_empty (s->text))
        return TRUE;
      in->pos++;
    }
}

static gboolean
xml_get_data (XmlInput    *in,
              const char **data)
{
  XmlSignal *s;

  if (!xml_input (in, &s))
    return FALSE;

  switch (s->kind)
    {
    case XML_DATA:
      *data = s->text;
      return TRUE;
    case XML_END:
      /* The end tag is used up: the caller's close_tag reads the next one. */
      *data = "";
      return TRUE;
    case XML_START:
    case XML_ERROR:
    default:
      {
        g_autofree char *got = describe_tag ("open_tag(", s->text, ")");
        return xml_parse_error (in, got, "data");
      }
    }
}

static gboolean
xml_open_tag (XmlInput    *in,
              const char **tag)
{
  XmlSignal *s;

  for (;;)
    {
      if (!xml_input (in, &s))
        return FALSE;

      if (s->kind == XML_START)
        {
          *tag = s->text;
          return TRUE;
        }
      if (s->kind == XML_END)
        return xml_parse_error (in, "close_tag", "open_tag");
      if (!is_empty (s->text))
        {
          g_autofree char *got = describe_data (s->text);
          return xml_parse_error (in, got, "open_tag");
        }
    }
}

static gboolean
xml_close_tag (XmlInput   *in,
               const char *tag)
{
  g_autofree char *expected = describe_tag ("close_tag(", tag, ")");
  XmlSignal *s;

  for (;;)
    {
      if (!xml_input (in, &s))
        return FALSE;

      if (s->kind == XML_END)
        return TRUE;
      if (s->kind == XML_START)
        {
          g_autofree char *got = describe_tag ("open_tag(", s->text, ")");
          return xml_parse_error (in, got, expected);
        }
      if (!is_empty (s->text))
        {
          g_autofree char *got = describe_data (s->text);
          return xml_parse_error (in, got, expected);
        }
    }
}

/* The opening half of map_tag. */
static gboolean
xml_expect_tag (XmlInput   *in,
                const char *tag)
{
  const char *t;

  if (!xml_open_tag (in, &t))
    return FALSE;

  if (strcmp (t, tag) != 0)
    {
      g_autofree char *got = describe_tag ("open_tag(", t, ")");
      g_autofree char *expected = describe_tag ("open_tag(", tag, ")");
      return xml_parse_error (in, got, expected);
    }

  return TRUE;
}

static gboolean xml_read_value (XmlInput      *in,
                                FerrySimValue *value);

static gboolean
xml_read_array_data (XmlInput      *in,
                     FerrySimValue *value)
{
  XmlSignal *s;

  ferry_sim_value_set_array (value);

  if (!xml_expect_tag (in, "data") || !xml_skip_empty (in))
    return FALSE;

  for (;;)
    {
      FerrySimValue item = FERRY_SIM_VALUE_INIT;

      if (!xml_peek (in, &s))
        return FALSE;
      if (s->kind == XML_END)
        break;

      if (!xml_read_value (in, &item))
        {
          ferry_sim_value_clear (&item);
          return FALSE;
        }
      ferry_sim_value_append (value, &item);

      if (!xml_skip_empty (in))
        return FALSE;
    }

  return xml_close_tag (in, "data");
}

static gboolean
xml_read_members (XmlInput      *in,
                  FerrySimValue *value)
{
  MapBuilder builder;
  gboolean ok = FALSE;
  XmlSignal *s;

  map_builder_init (&builder, value);

  if (!xml_skip_empty (in))
    goto out;

  for (;;)
    {
      g_auto(FerrySimValue) item = FERRY_SIM_VALUE_INIT;
      const char *name;

      if (!xml_peek (in, &s))
        goto out;
      if (s->kind == XML_END)
        break;

      if (!xml_expect_tag (in, "member") ||
          !xml_expect_tag (in, "name") ||
          !xml_get_data (in, &name) ||
          !xml_close_tag (in, "name") ||
          !xml_read_value (in, &item) ||
          !xml_close_tag (in, "member"))
        goto out;
      map_builder_add (&builder, name, &item);

      if (!xml_skip_empty (in))
        goto out;
    }

  ok = TRUE;

out:
  map_builder_clear (&builder);
  return ok;
}

/* Base64.decode_exn, strictly: padded, no whitespace. */
static gboolean
decode_base64 (const char *text,
               GString    *out)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  gsize length = strlen (text);
  gsize padding = 0;
  guint32 bits = 0;

  if (length % 4 != 0)
    return FALSE;
  while (padding < 2 && padding < length && text[length - 1 - padding] == '=')
    padding++;

  for (gsize i = 0; i < length - padding; i++)
    {
      const char *p = strchr (alphabet, text[i]);

      if (text[i] == '\0' || p == NULL)
        return FALSE;
      bits = (bits << 6) | (guint32) (p - alphabet);
      if (i % 4 == 3)
        {
          g_string_append_c (out, (bits >> 16) & 0xff);
          g_string_append_c (out, (bits >> 8) & 0xff);
          g_string_append_c (out, bits & 0xff);
          bits = 0;
        }
    }

  if (padding == 1)
    {
      g_string_append_c (out, (bits >> 10) & 0xff);
      g_string_append_c (out, (bits >> 2) & 0xff);
    }
  else if (padding == 2)
    {
      g_string_append_c (out, (bits >> 4) & 0xff);
    }

  return TRUE;
}

static gboolean
xml_fail (XmlInput *in,
          char     *exception)
{
  g_free (in->exception);
  in->exception = exception;
  return FALSE;
}

/* basic_types */
static gboolean
xml_read_typed (XmlInput      *in,
                const char    *tag,
                FerrySimValue *value)
{
  const char *data;

  if (g_str_equal (tag, "array"))
    return xml_read_array_data (in, value);
  if (g_str_equal (tag, "struct"))
    return xml_read_members (in, value);
  if (g_str_equal (tag, "nil"))
    {
      ferry_sim_value_clear (value);
      return TRUE;
    }

  if (!g_str_equal (tag, "int") && !g_str_equal (tag, "i8") && !g_str_equal (tag, "i4") &&
      !g_str_equal (tag, "boolean") && !g_str_equal (tag, "double") &&
      !g_str_equal (tag, "string") && !g_str_equal (tag, "dateTime.iso8601") &&
      !g_str_equal (tag, "base64"))
    {
      g_autofree char *got = describe_tag ("open_tag(", tag, ")");
      return xml_parse_error (in, got,
                              "open_tag(int/i8/i4/boolean/double/string/dateTime.iso8601/array/struct/nil)");
    }

  if (!xml_get_data (in, &data))
    return FALSE;

  if (g_str_equal (tag, "boolean"))
    {
      ferry_sim_value_set_bool (value, g_str_equal (data, "1"));
    }
  else if (g_str_equal (tag, "double"))
    {
      double d;

      if (!ocaml_float_of_string (data, &d))
        return xml_fail (in, failure_new ("float_of_string"));
      ferry_sim_value_set_float (value, d);
    }
  else if (g_str_equal (tag, "string"))
    {
      ferry_sim_value_set_string (value, data);
    }
  else if (g_str_equal (tag, "dateTime.iso8601"))
    {
      ferry_sim_value_set_datetime (value, data);
    }
  else if (g_str_equal (tag, "base64"))
    {
      g_autoptr(GString) bytes = g_string_new (NULL);

      if (!decode_base64 (data, bytes))
        return xml_fail (in, exception_new ("Invalid_argument", "Malformed input",
                                            strlen ("Malformed input")));
      set_string_bytes (value, bytes->str, bytes->len);
    }
  else
    {
      gint64 i;

      if (!ocaml_int64_of_string (data, &i))
        return xml_fail (in, failure_new ("Int64.of_string"));
      ferry_sim_value_set_int (value, i);
    }

  return TRUE;
}

/* map_tags basic_types */
static gboolean
xml_read_tagged (XmlInput      *in,
                 FerrySimValue *value)
{
  const char *tag;
  XmlSignal *s;

  if (!xml_open_tag (in, &tag) || !xml_peek (in, &s))
    return FALSE;

  if (s->kind != XML_END)
    {
      if (!xml_read_typed (in, tag, value))
        return FALSE;
    }
  else if (g_str_equal (tag, "string") || g_str_equal (tag, "value"))
    {
      ferry_sim_value_set_string (value, "");
    }
  else if (g_str_equal (tag, "array"))
    {
      ferry_sim_value_set_array (value);
    }
  else if (g_str_equal (tag, "struct"))
    {
      ferry_sim_value_set_map (value);
    }
  else if (g_str_equal (tag, "nil"))
    {
      ferry_sim_value_clear (value);
    }
  else
    {
      g_autofree char *got = describe_tag ("empty_", tag, "");
      return xml_parse_error (in, got, tag);
    }

  return xml_close_tag (in, tag);
}

/* of_xml: <value>…</value> */
static gboolean
xml_read_value (XmlInput      *in,
                FerrySimValue *value)
{
  const char *tag;
  XmlSignal *s;

  if (!xml_open_tag (in, &tag))
    return FALSE;

  if (!g_str_equal (tag, "value"))
    {
      /* sic: ocaml-rpc swaps got and expected here */
      g_autofree char *expected = describe_tag ("open_tag(", tag, ")");
      return xml_parse_error (in, "open_tag(value)", expected);
    }

  if (!xml_peek (in, &s))
    return FALSE;

  if (s->kind == XML_END)
    {
      ferry_sim_value_set_string (value, "");
    }
  else if (s->kind == XML_DATA)
    {
      const char *data = s->text;
      XmlSignal *next = NULL;

      in->pos++;
      if (is_empty (data))
        {
          if (!xml_peek (in, &next))
            return FALSE;
        }

      if (next != NULL && next->kind == XML_START)
        {
          if (!xml_read_tagged (in, value))
            return FALSE;
        }
      else
        {
          /* A bare value keeps its text, whitespace and all. */
          ferry_sim_value_set_string (value, data);
        }
    }
  else if (!xml_read_tagged (in, value))
    {
      return FALSE;
    }

  return xml_close_tag (in, "value");
}

/* call_of_string */
static gboolean
xml_read_call (XmlInput        *in,
               FerrySimRequest *request)
{
  const char *name;
  XmlSignal *s;

  if (!xml_expect_tag (in, "methodCall") ||
      !xml_expect_tag (in, "methodName") ||
      !xml_get_data (in, &name) ||
      !xml_close_tag (in, "methodName"))
    return FALSE;

  request->method = g_strdup (name);
  ferry_sim_value_set_array (&request->params);

  if (!xml_expect_tag (in, "params") || !xml_skip_empty (in))
    return FALSE;

  for (;;)
    {
      FerrySimValue param = FERRY_SIM_VALUE_INIT;

      if (!xml_peek (in, &s))
        return FALSE;
      if (s->kind == XML_END)
        break;

      if (!xml_expect_tag (in, "param") ||
          !xml_read_value (in, &param) ||
          !xml_close_tag (in, "param"))
        {
          ferry_sim_value_clear (&param);
          return FALSE;
        }
      ferry_sim_value_append (&request->params, &param);

      if (!xml_skip_empty (in))
        return FALSE;
    }

  return xml_close_tag (in, "params") && xml_close_tag (in, "methodCall");
}

gboolean
ferry_sim_request_parse_xmlrpc (const char       *body,
                                gsize             length,
                                FerrySimRequest  *request,
                                GError          **error)
{
  g_autoptr(GArray) signals = NULL;
  FerrySimRequest parsed = { 0 };
  XmlInput in = { NULL, 0, NULL };

  g_return_val_if_fail (body != NULL || length == 0, FALSE);
  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (request, 0, sizeof *request);

  signals = tokenize_xml (body != NULL ? body : "", length);
  in.signals = signals;

  if (!xml_read_call (&in, &parsed))
    {
      ferry_sim_request_clear (&parsed);
      request_set_exception (error, g_steal_pointer (&in.exception));
      return FALSE;
    }

  parsed.protocol = FERRY_SIM_PROTOCOL_XMLRPC;
  *request = parsed;
  return TRUE;
}

/* Responses */

#define XML_HEAD "<?xml version=\"1.0\"?><methodResponse><params><param>"
#define XML_TAIL "</param></params></methodResponse>"

static gboolean
is_list_methods (const FerrySimRequest *request)
{
  return g_strcmp0 (request->method, LIST_METHODS) == 0;
}

static void
append_json_id (GString               *out,
                const FerrySimRequest *request)
{
  g_string_append (out, ",\"id\":");
  ferry_sim_value_write_json (&request->id, out);
  g_string_append_c (out, '}');
}

static void
append_json_strings (GString            *out,
                     const char * const *strings)
{
  g_string_append_c (out, '[');
  for (guint i = 0; strings != NULL && strings[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      ferry_sim_write_json_string (out, strings[i]);
    }
  g_string_append_c (out, ']');
}

static void
append_xml_strings (GString            *out,
                    const char * const *strings)
{
  g_string_append (out, "<value><array><data>");
  for (guint i = 0; strings != NULL && strings[i] != NULL; i++)
    {
      g_string_append (out, "<value>");
      ferry_sim_write_xml_text (out, strings[i]);
      g_string_append (out, "</value>");
    }
  g_string_append (out, "</data></array></value>");
}

static void
append_xml_failure (GString            *out,
                    const char * const *description)
{
  g_string_append (out,
                   XML_HEAD
                   "<value><struct>"
                   "<member><name>Status</name><value>Failure</value></member>"
                   "<member><name>ErrorDescription</name>");
  append_xml_strings (out, description);
  g_string_append (out, "</member></struct></value>" XML_TAIL);
}

void
ferry_sim_response_write_success (GString               *out,
                                  const FerrySimRequest *request,
                                  FerrySimResultWriter   writer,
                                  gpointer               user_data)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (request != NULL);
  g_return_if_fail (writer != NULL);

  switch (request->protocol)
    {
    case FERRY_SIM_PROTOCOL_XMLRPC:
      if (is_list_methods (request))
        {
          /* api_server.ml sends this one unwrapped. */
          g_string_append (out, XML_HEAD);
          writer (out, FALSE, user_data);
          g_string_append (out, XML_TAIL);
          break;
        }
      g_string_append (out,
                       XML_HEAD
                       "<value><struct>"
                       "<member><name>Status</name><value>Success</value></member>"
                       "<member><name>Value</name>");
      writer (out, FALSE, user_data);
      g_string_append (out, "</member></struct></value>" XML_TAIL);
      break;

    case FERRY_SIM_PROTOCOL_JSONRPC_V1:
      g_string_append (out, "{\"result\":");
      writer (out, TRUE, user_data);
      g_string_append (out, ",\"error\":null");
      append_json_id (out, request);
      break;

    case FERRY_SIM_PROTOCOL_JSONRPC_V2:
      g_string_append (out, "{\"jsonrpc\":\"2.0\",\"result\":");
      writer (out, TRUE, user_data);
      append_json_id (out, request);
      break;

    default:
      g_return_if_reached ();
    }
}

static void
write_value (GString  *out,
             gboolean  json,
             gpointer  user_data)
{
  const FerrySimValue *value = user_data;

  if (json)
    ferry_sim_value_write_json (value, out);
  else
    ferry_sim_value_write_xmlrpc (value, out);
}

void
ferry_sim_response_write_value (GString               *out,
                                const FerrySimRequest *request,
                                const FerrySimValue   *result)
{
  g_return_if_fail (result != NULL);

  ferry_sim_response_write_success (out, request, write_value, (gpointer) result);
}

void
ferry_sim_response_write_failure (GString               *out,
                                  const FerrySimRequest *request,
                                  const char * const    *description)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (request != NULL);

  switch (request->protocol)
    {
    case FERRY_SIM_PROTOCOL_XMLRPC:
      if (is_list_methods (request))
        {
          g_string_append (out, XML_HEAD);
          append_xml_strings (out, description);
          g_string_append (out, XML_TAIL);
        }
      else
        {
          append_xml_failure (out, description);
        }
      break;

    case FERRY_SIM_PROTOCOL_JSONRPC_V1:
      g_string_append (out, "{\"result\":null,\"error\":");
      append_json_strings (out, description);
      append_json_id (out, request);
      break;

    case FERRY_SIM_PROTOCOL_JSONRPC_V2:
      g_string_append (out, "{\"jsonrpc\":\"2.0\",\"error\":");
      if (is_list_methods (request))
        {
          /* callback1 leaves system.listMethods failures untranslated. */
          append_json_strings (out, description);
        }
      else
        {
          gboolean has_code = description != NULL && description[0] != NULL;

          /* api_server_common.ml: error_code_lit is always 1. */
          g_string_append (out, "{\"code\":1,\"message\":");
          ferry_sim_write_json_string (out, has_code ? description[0] : "");
          g_string_append (out, ",\"data\":");
          append_json_strings (out, has_code ? description + 1 : NULL);
          g_string_append_c (out, '}');
        }
      append_json_id (out, request);
      break;

    default:
      g_return_if_reached ();
    }
}

void
ferry_sim_response_write_early_failure (GString            *out,
                                        gboolean            json,
                                        const char * const *description)
{
  g_return_if_fail (out != NULL);

  if (!json)
    {
      append_xml_failure (out, description);
      return;
    }

  /* jsoncallback: Jsonrpc.string_of_response ~version:V2 with the default id. */
  g_string_append (out, "{\"jsonrpc\":\"2.0\",\"error\":");
  append_json_strings (out, description);
  g_string_append (out, ",\"id\":0}");
}

/* http_svr.ml response_internal_error, with ~extra:(escape (Printexc.to_string exn)) */
char *
ferry_sim_malformed_page (const char *message)
{
  GString *page;

  g_return_val_if_fail (message != NULL, NULL);

  page = g_string_new ("<html><body><h1>HTTP 500 internal server error</h1>"
                       "An unexpected error occurred; please wait a while and try again. "
                       "If the problem persists, please contact your support "
                       "representative.<h1> Additional information </h1>");

  for (const char *p = message; *p; p++)
    {
      switch (*p)
        {
        case '<':  g_string_append (page, "&lt;"); break;
        case '>':  g_string_append (page, "&gt;"); break;
        case '\'': g_string_append (page, "&apos;"); break;
        case '"':  g_string_append (page, "&quot;"); break;
        case '&':  g_string_append (page, "&amp;"); break;
        default:   g_string_append_c (page, *p); break;
        }
    }
  g_string_append (page, "</body></html>");

  return g_string_free (page, FALSE);
}
