/* test-sim-wire.c: requests and responses on the wire, as xapi reads and writes them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ferry-sim-error.h"
#include "ferry-sim-wire.h"

/* What OCaml prints for Xmlm's `Unexpected_eoi, `Malformed_char_stream and
 * `Expected_root_element: their polymorphic variant hashes. */
#define XMLM_EOI       "Xmlm.Error(_, -95440847)"
#define XMLM_MALFORMED "Xmlm.Error(_, -372779099)"
#define XMLM_NO_ROOT   "Xmlm.Error(_, -764030554)"
#define XMLM_OTHER     "Xmlm.Error(_, _)"
#define BASIC_TYPES    "open_tag(int/i8/i4/boolean/double/string/dateTime.iso8601/array/struct/nil)"

static void
parse_json (const char      *body,
            FerrySimRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!ferry_sim_request_parse_json (body, strlen (body), request, &error))
    g_error ("%s: %s", body, error->message);
}

static void
parse_xml (const char      *body,
           FerrySimRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!ferry_sim_request_parse_xmlrpc (body, strlen (body), request, &error))
    g_error ("%s: %s", body, error->message);
}

static void
assert_malformed (gboolean    json,
                  const char *body,
                  gsize       length,
                  const char *expected)
{
  g_autoptr(GError) error = NULL;
  FerrySimRequest request;
  gboolean ok;

  ok = json ? ferry_sim_request_parse_json (body, length, &request, &error)
            : ferry_sim_request_parse_xmlrpc (body, length, &request, &error);
  if (ok)
    g_error ("accepted: %s", body);
  g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_MALFORMED);
  g_assert_cmpstr (error->message, ==, expected);
  /* A failed parse leaves a request that can be cleared. */
  g_assert_null (request.method);
  ferry_sim_request_clear (&request);
}

#define assert_json_malformed(body, expected) \
  assert_malformed (TRUE, body, strlen (body), expected)
#define assert_xml_malformed(body, expected) \
  assert_malformed (FALSE, body, strlen (body), expected)

static const FerrySimValue *
param (const FerrySimRequest *request,
       guint                  i)
{
  g_assert_cmpuint (ferry_sim_value_get_length (&request->params), >, i);
  return ferry_sim_value_index (&request->params, i);
}

static void
assert_string (const FerrySimValue *value,
               const char          *text)
{
  g_assert_cmpint (value->kind, ==, FERRY_SIM_VALUE_STRING);
  g_assert_cmpstr (value->s, ==, text);
}

static void
assert_int (const FerrySimValue *value,
            gint64               i)
{
  g_assert_cmpint (value->kind, ==, FERRY_SIM_VALUE_INT);
  g_assert_cmpint (value->i, ==, i);
}

/* JSON-RPC requests */

static void
test_json_v1 (void)
{
  g_auto(FerrySimRequest) request = { 0 };
  const FerrySimValue *map;

  parse_json ("{\"method\": \"VM.get_record\", \"params\": [\"OpaqueRef:abc\", 42, -7, 2.5, "
              "true, false, null, {\"k\": \"v\", \"n\": [1, 2]}, [], \"\"], \"id\": 7}",
              &request);

  g_assert_cmpint (request.protocol, ==, FERRY_SIM_PROTOCOL_JSONRPC_V1);
  g_assert_cmpstr (request.method, ==, "VM.get_record");
  assert_int (&request.id, 7);
  g_assert_cmpuint (ferry_sim_value_get_length (&request.params), ==, 10);
  assert_string (param (&request, 0), "OpaqueRef:abc");
  assert_int (param (&request, 1), 42);
  assert_int (param (&request, 2), -7);
  g_assert_cmpint (param (&request, 3)->kind, ==, FERRY_SIM_VALUE_FLOAT);
  g_assert_cmpfloat (param (&request, 3)->d, ==, 2.5);
  g_assert_cmpint (param (&request, 4)->kind, ==, FERRY_SIM_VALUE_BOOL);
  g_assert_true (param (&request, 4)->b);
  g_assert_false (param (&request, 5)->b);
  g_assert_cmpint (param (&request, 6)->kind, ==, FERRY_SIM_VALUE_NULL);

  map = param (&request, 7);
  g_assert_cmpint (map->kind, ==, FERRY_SIM_VALUE_MAP);
  g_assert_cmpuint (ferry_sim_value_get_length (map), ==, 2);
  g_assert_cmpstr (ferry_sim_value_lookup_string (map, "k"), ==, "v");
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_value_lookup (map, "n")), ==, 2);

  g_assert_cmpint (param (&request, 8)->kind, ==, FERRY_SIM_VALUE_ARRAY);
  assert_string (param (&request, 9), "");
}

static void
test_json_v2 (void)
{
  g_auto(FerrySimRequest) request = { 0 };
  g_auto(FerrySimRequest) omitted = { 0 };
  g_auto(FerrySimRequest) null_params = { 0 };
  g_auto(FerrySimRequest) array = { 0 };

  /* An object is one positional argument. */
  parse_json ("{\"jsonrpc\": \"2.0\", \"method\": \"VM.create\", \"params\": {\"name_label\": \"x\"}, "
              "\"id\": \"abc\"}", &request);
  g_assert_cmpint (request.protocol, ==, FERRY_SIM_PROTOCOL_JSONRPC_V2);
  assert_string (&request.id, "abc");
  g_assert_cmpuint (ferry_sim_value_get_length (&request.params), ==, 1);
  g_assert_cmpint (param (&request, 0)->kind, ==, FERRY_SIM_VALUE_MAP);
  g_assert_cmpstr (ferry_sim_value_lookup_string (param (&request, 0), "name_label"), ==, "x");

  parse_json ("{\"jsonrpc\": \"2.0\", \"method\": \"system.listMethods\", \"id\": 1}", &omitted);
  g_assert_cmpint (omitted.params.kind, ==, FERRY_SIM_VALUE_ARRAY);
  g_assert_cmpuint (ferry_sim_value_get_length (&omitted.params), ==, 0);

  parse_json ("{\"jsonrpc\": \"2.0\", \"method\": \"m\", \"params\": null, \"id\": 1}", &null_params);
  g_assert_cmpint (null_params.params.kind, ==, FERRY_SIM_VALUE_ARRAY);
  g_assert_cmpuint (ferry_sim_value_get_length (&null_params.params), ==, 0);

  parse_json ("{\"id\": -9223372036854775808, \"params\": [1], \"method\": \"m\", \"jsonrpc\": \"2.0\"}",
              &array);
  assert_int (&array.id, G_MININT64);
  assert_int (param (&array, 0), 1);
}

/* What Yojson accepts beyond strict JSON, and how it reads strings. */
static void
test_json_yojson (void)
{
  g_auto(FerrySimRequest) request = { 0 };
  g_auto(FerrySimRequest) dup = { 0 };
  g_auto(FerrySimRequest) bytes = { 0 };
  const FerrySimValue *map;

  parse_json ("/* c */ {method: \"m\", // comment\n params: [NaN, -Infinity, 1e400, 9223372036854775807,"
              " \"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\\"\\\\\"], id: 0}\n", &request);
  g_assert_cmpstr (request.method, ==, "m");
  g_assert_true (isnan (param (&request, 0)->d));
  g_assert_true (isinf (param (&request, 1)->d) && param (&request, 1)->d < 0);
  g_assert_true (isinf (param (&request, 2)->d) && param (&request, 2)->d > 0);
  assert_int (param (&request, 3), G_MAXINT64);
  assert_string (param (&request, 4), "\xc3\xa9\xf0\x9f\x98\x80/\b\f\n\r\t\"\\");

  /* List.assoc: the first of duplicate keys wins, in requests and in params. */
  parse_json ("{\"method\": \"first\", \"method\": \"second\", \"params\": [{\"a\": 1, \"b\": 2, \"a\": 3}], "
              "\"id\": 1, \"id\": \"two\"}", &dup);
  g_assert_cmpstr (dup.method, ==, "first");
  assert_int (&dup.id, 1);
  map = param (&dup, 0);
  g_assert_cmpuint (ferry_sim_value_get_length (map), ==, 2);
  assert_int (ferry_sim_value_lookup (map, "a"), 1);

  /* Raw bytes in strings go through untouched (xapi refuses them later, at dispatch),
   * lone surrogates become three bytes, and NUL is stored as C0 80. */
  parse_json ("{\"method\": \"m\", \"params\": [\"\xff\x01\", \"\\udc00\", \"a\\u0000b\"], \"id\": 1}",
              &bytes);
  assert_string (param (&bytes, 0), "\xff\x01");
  assert_string (param (&bytes, 1), "\xed\xb0\x80");
  assert_string (param (&bytes, 2), "a\xc0\x80" "b");
}

static void
test_json_many_keys (void)
{
  g_autoptr(GString) body = g_string_new ("{\"method\": \"m\", \"id\": 1, \"params\": [{");
  g_auto(FerrySimRequest) request = { 0 };
  const FerrySimValue *map;

  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (body, "%s\"k%u\": %u", i ? ", " : "", i % 1000, i);
  g_string_append (body, "}]}");

  parse_json (body->str, &request);
  map = param (&request, 0);
  g_assert_cmpuint (ferry_sim_value_get_length (map), ==, 1000);
  assert_int (ferry_sim_value_lookup (map, "k999"), 999);
}

static void
test_json_malformed (void)
{
  static const struct {
    const char *body;
    const char *message;
  } cases[] = {
    /* Yojson syntax errors (read.mll), positions as Yojson counts them */
    { "", "Yojson.Json_error(\"Blank input data\")" },
    { " \n\t", "Yojson.Json_error(\"Blank input data\")" },
    { "hello", "Yojson.Json_error(\"Line 1, bytes 0-5:\\nInvalid token 'hello'\")" },
    { "[1,2,]", "Yojson.Json_error(\"Line 1, bytes 5-6:\\nInvalid token ']'\")" },
    { "{\"a\":1,}", "Yojson.Json_error(\"Line 1, bytes 7-8:\\nExpected string or identifier but found '}'\")" },
    { "01", "Yojson.Json_error(\"Line 1, bytes 1-2:\\nJunk after end of JSON value: '1'\")" },
    { "+1", "Yojson.Json_error(\"Line 1, bytes 0-2:\\nInvalid token '+1'\")" },
    { "'hello'", "Yojson.Json_error(\"Line 1, bytes 0-7:\\nInvalid token ''hello''\")" },
    { "{\"a\" \"b\"}", "Yojson.Json_error(\"Line 1, bytes 5-9:\\nExpected ':' but found '\\\"b\\\"}'\")" },
    { "[1 2]", "Yojson.Json_error(\"Line 1, bytes 3-5:\\nExpected ',' or ']' but found '2]'\")" },
    { "{\"a\":1 \"b\":2}", "Yojson.Json_error(\"Line 1, bytes 7-13:\\nExpected ',' or '}' but found '\\\"b\\\":2}'\")" },
    { "{\n      hello\n}", "Yojson.Json_error(\"Line 3, bytes 0-1:\\nExpected ':' but found '}'\")" },
    { "{\n      3\n}", "Yojson.Json_error(\"Line 2, bytes 6-9:\\nExpected string or identifier but found '3\\n}'\")" },
    { "\"unterminated", "Yojson.Json_error(\"Line 1, bytes 12-13:\\nUnexpected end of input\")" },
    { "[1,\n    \"]", "Yojson.Json_error(\"Line 2, bytes 5-6:\\nUnexpected end of input\")" },
    { "[", "Yojson.Json_error(\"Line 1, bytes 0-1:\\nUnexpected end of input\")" },
    { "]", "Yojson.Json_error(\"Line 1, bytes 0-1:\\nInvalid token ']'\")" },
    { "\"\\a\"", "Yojson.Json_error(\"Line 1, bytes 2-4:\\nInvalid escape sequence 'a\\\"'\")" },
    { "[\"\\ud800\"]",
      "Yojson.Json_error(\"Line 1, bytes 8-10:\\nMissing escape sequence representing low surrogate "
      "for code point beyond U+FFFF '\\\"]'\")" },
    { "[1] /* open", "Yojson.Json_error(\"Line 1, byte 11:\\nUnterminated comment ''\")" },
    { "{\"method\": \"m\", \"params\": [], \"id\": 1} x",
      "Yojson.Json_error(\"Line 1, bytes 39-40:\\nJunk after end of JSON value: 'x'\")" },
    /* invalid UTF-8 outside a string */
    { "\xff", "Yojson.Json_error(\"Line 1, bytes 0-1:\\nInvalid token '\\255'\")" },
    /* json_to_rpc: Int64.of_string of a too big `Intlit */
    { "{\"method\": \"m\", \"params\": [9223372036854775808], \"id\": 1}", "Failure(\"Int64.of_string\")" },
    /* Jsonrpc.version_id_and_call_of_string */
    { "[1]", "Jsonrpc.Malformed_method_request(\"Invalid request body\")" },
    { "\"VM.get_all\"", "Jsonrpc.Malformed_method_request(\"Invalid request body\")" },
    { "{\"params\": [], \"id\": 1}", "Jsonrpc.Malformed_method_request(\"Required field method is missing\")" },
    { "{\"method\": 1, \"params\": [], \"id\": 1}",
      "Jsonrpc.Malformed_method_request(\"Invalid field 'method' in request body\")" },
    { "{\"jsonrpc\": \"1.0\", \"method\": \"m\", \"params\": [], \"id\": 1}",
      "Jsonrpc.Malformed_method_request(\"Invalid field 'jsonrpc' in request body\")" },
    { "{\"jsonrpc\": 2.0, \"method\": \"m\", \"params\": [], \"id\": 1}",
      "Jsonrpc.Malformed_method_request(\"Invalid field 'jsonrpc' in request body\")" },
    { "{\"method\": \"m\", \"id\": 1}", "Jsonrpc.Malformed_method_request(\"Required field params is missing\")" },
    { "{\"method\": \"m\", \"params\": {\"a\": 1}, \"id\": 1}",
      "Jsonrpc.Malformed_method_request(\"Invalid field 'params' in request body\")" },
    { "{\"method\": \"m\", \"params\": null, \"id\": 1}",
      "Jsonrpc.Malformed_method_request(\"Invalid field 'params' in request body\")" },
    { "{\"jsonrpc\": \"2.0\", \"method\": \"m\", \"params\": \"x\", \"id\": 1}",
      "Jsonrpc.Malformed_method_request(\"Invalid field 'params' in request body\")" },
    { "{\"method\": \"m\", \"params\": []}", "Jsonrpc.Malformed_method_request(\"Invalid field 'id' in request body\")" },
    { "{\"method\": \"m\", \"params\": [], \"id\": null}",
      "Jsonrpc.Malformed_method_request(\"Invalid field 'id' in request body\")" },
    { "{\"jsonrpc\": \"2.0\", \"method\": \"m\"}",
      "Jsonrpc.Malformed_method_request(\"Invalid field 'id' in request body\")" },
    { "{\"method\": \"m\", \"params\": [], \"id\": 1.0}",
      "Jsonrpc.Malformed_method_request(\"Invalid field 'id' in request body\")" },
    { "{\"method\": \"m\", \"params\": [], \"id\": [1]}",
      "Jsonrpc.Malformed_method_request(\"Invalid field 'id' in request body\")" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_json_malformed (cases[i].body, cases[i].message);

  /* A NUL byte is a token like any other. */
  assert_malformed (TRUE, "[1]\0", 4,
                    "Yojson.Json_error(\"Line 1, bytes 3-4:\\nJunk after end of JSON value: '\\000'\")");
}

static void
test_json_deep (void)
{
  g_autoptr(GString) ok = g_string_new ("{\"method\": \"m\", \"id\": 1, \"params\": ");
  g_autoptr(GString) deep = g_string_new (NULL);
  g_auto(FerrySimRequest) request = { 0 };

  for (guint i = 0; i < 255; i++)
    g_string_append_c (ok, '[');
  for (guint i = 0; i < 255; i++)
    g_string_append_c (ok, ']');
  g_string_append_c (ok, '}');
  parse_json (ok->str, &request);

  /* No stack is deep enough for 300 KiB of brackets. */
  for (guint i = 0; i < FERRY_SIM_MAX_REQUEST_SIZE; i++)
    g_string_append_c (deep, '[');
  assert_json_malformed (deep->str, "Stack overflow");
}

/* XML-RPC requests */

static void
test_xml_request (void)
{
  g_auto(FerrySimRequest) request = { 0 };
  const FerrySimValue *map;
  const FerrySimValue *array;

  parse_xml ("<?xml version='1.0'?>\n"
             "<methodCall>\n"
             "  <methodName>VM.migrate_send</methodName>\n"
             "  <params>\n"
             "    <param><value><string>OpaqueRef:s</string></value></param>\n"
             "    <param><value>OpaqueRef:vm</value></param>\n"
             "    <param>\n"
             "      <value>\n"
             "        <struct>\n"
             "          <member><name>a</name><value>1</value></member>\n"
             "          <member>\n"
             "            <name>b</name>\n"
             "            <value><array><data><value><i4>1</i4></value><value/></data></array></value>\n"
             "          </member>\n"
             "        </struct>\n"
             "      </value>\n"
             "    </param>\n"
             "    <param><value><boolean>1</boolean></value></param>\n"
             "  </params>\n"
             "</methodCall>\n",
             &request);

  g_assert_cmpint (request.protocol, ==, FERRY_SIM_PROTOCOL_XMLRPC);
  g_assert_cmpstr (request.method, ==, "VM.migrate_send");
  g_assert_cmpint (request.id.kind, ==, FERRY_SIM_VALUE_NULL);
  g_assert_cmpuint (ferry_sim_value_get_length (&request.params), ==, 4);
  assert_string (param (&request, 0), "OpaqueRef:s");
  assert_string (param (&request, 1), "OpaqueRef:vm");

  map = param (&request, 2);
  g_assert_cmpint (map->kind, ==, FERRY_SIM_VALUE_MAP);
  assert_string (ferry_sim_value_lookup (map, "a"), "1");
  array = ferry_sim_value_lookup (map, "b");
  g_assert_cmpint (array->kind, ==, FERRY_SIM_VALUE_ARRAY);
  assert_int (ferry_sim_value_index (array, 0), 1);
  assert_string (ferry_sim_value_index (array, 1), "");

  g_assert_true (param (&request, 3)->b);
}

#define CALL(values) "<methodCall><methodName>m</methodName><params>" values "</params></methodCall>"
#define PARAM(value) "<param><value>" value "</value></param>"

static void
test_xml_encodings (void)
{
  g_auto(FerrySimRequest) request = { 0 };
  g_auto(FerrySimRequest) empty = { 0 };
  const FerrySimValue *map;

  parse_xml (CALL (PARAM ("1073741824")                       /* 0: bare int64 is a string */
                   PARAM ("<i8>-9223372036854775808</i8>")    /* 1 */
                   PARAM ("<int>0x10</int>")                  /* 2: Int64.of_string */
                   PARAM ("<i4>1_000</i4>")                   /* 3 */
                   PARAM ("<boolean>1</boolean>")             /* 4 */
                   PARAM ("<boolean>0</boolean>")             /* 5 */
                   PARAM ("<boolean>true</boolean>")          /* 6: only "1" is true */
                   PARAM ("<double>1.5</double>")             /* 7 */
                   PARAM ("<double>-1e3</double>")            /* 8 */
                   PARAM ("<dateTime.iso8601>20250319T04:16:24Z</dateTime.iso8601>")  /* 9 */
                   PARAM ("<nil/>")                           /* 10 */
                   PARAM ("  spaced  ")                       /* 11 */
                   PARAM ("\n  <int>5</int>\n")               /* 12 */
                   PARAM ("<string> a </string>")             /* 13 */
                   PARAM ("a&lt;b&amp;c&#233;<![CDATA[<x>]]><!-- c -->d")  /* 14 */
                   PARAM ("l1\r\nl2\rl3&#13;")                /* 15 */
                   PARAM ("<base64>aGk=</base64>")            /* 16 */
                   PARAM ("<struct><member><name>k</name><value>1</value></member>"
                          "<member><name>k</name><value>2</value></member></struct>")  /* 17 */
                   PARAM ("<array/>")                         /* 18 */
                   PARAM ("<struct/>")                        /* 19 */
                   PARAM ("<string/>")                        /* 20 */
                   PARAM ("<double>nan</double>")             /* 21 */
                   PARAM ("a & b &x y &amp; &#x41;")),         /* 22: a lone & is literal */
             &request);

  assert_string (param (&request, 0), "1073741824");
  assert_int (param (&request, 1), G_MININT64);
  assert_int (param (&request, 2), 16);
  assert_int (param (&request, 3), 1000);
  g_assert_cmpint (param (&request, 4)->kind, ==, FERRY_SIM_VALUE_BOOL);
  g_assert_true (param (&request, 4)->b);
  g_assert_false (param (&request, 5)->b);
  g_assert_false (param (&request, 6)->b);
  g_assert_cmpint (param (&request, 7)->kind, ==, FERRY_SIM_VALUE_FLOAT);
  g_assert_cmpfloat (param (&request, 7)->d, ==, 1.5);
  g_assert_cmpfloat (param (&request, 8)->d, ==, -1000.0);
  g_assert_cmpint (param (&request, 9)->kind, ==, FERRY_SIM_VALUE_DATETIME);
  g_assert_cmpstr (param (&request, 9)->s, ==, "20250319T04:16:24Z");
  g_assert_cmpint (param (&request, 10)->kind, ==, FERRY_SIM_VALUE_NULL);
  assert_string (param (&request, 11), "  spaced  ");
  assert_int (param (&request, 12), 5);
  assert_string (param (&request, 13), " a ");
  assert_string (param (&request, 14), "a<b&c\xc3\xa9<x>d");
  assert_string (param (&request, 15), "l1\nl2\nl3\r");
  assert_string (param (&request, 16), "hi");
  map = param (&request, 17);
  g_assert_cmpuint (ferry_sim_value_get_length (map), ==, 1);
  assert_string (ferry_sim_value_lookup (map, "k"), "1");
  g_assert_cmpint (param (&request, 18)->kind, ==, FERRY_SIM_VALUE_ARRAY);
  g_assert_cmpint (param (&request, 19)->kind, ==, FERRY_SIM_VALUE_MAP);
  assert_string (param (&request, 20), "");
  g_assert_true (isnan (param (&request, 21)->d));
  assert_string (param (&request, 22), "a & b &x y & A");

  /* No params at all, a Latin-1 body, and junk after the root that is never read. */
  parse_xml ("\xef\xbb\xbf<methodCall><methodName>m</methodName><params/></methodCall>\xff<<", &empty);
  g_assert_cmpuint (ferry_sim_value_get_length (&empty.params), ==, 0);
  ferry_sim_request_clear (&empty);

  parse_xml ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" CALL (PARAM ("caf\xe9")), &empty);
  assert_string (param (&empty, 0), "caf\xc3\xa9");
  ferry_sim_request_clear (&empty);

  /* A byte order mark overrides the declaration. */
  parse_xml ("\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"ascii\"?>" CALL (PARAM ("caf\xc3\xa9")), &empty);
  assert_string (param (&empty, 0), "caf\xc3\xa9");
}

static void
test_xml_malformed (void)
{
  static const struct {
    const char *body;
    const char *message;
  } cases[] = {
    /* Xmlm */
    { "", XMLM_NO_ROOT },
    { " \n<!-- c --> <?pi x?>", XMLM_NO_ROOT },
    { "hello", XMLM_NO_ROOT },
    { " \xff", XMLM_MALFORMED },
    { "<methodCall><methodName>m</methodName><params><param><value>", XMLM_EOI },
    { "<methodCall><methodName>m</methodName><params><param><value>x", XMLM_EOI },
    { "<methodCall><methodName>m</methodName><params><param><value><!-- x", XMLM_EOI },
    { "<methodCall><methodName a=\"x", XMLM_EOI },
    /* truncated inside a tag: Xmlm wants '>' (and has already seen a bare start tag) */
    { "<methodCall><methodName>m</methodName><params><param><value>x</valu", XMLM_OTHER },
    { "<methodCall><methodName>m</methodName><params><param><valu",
      "Xmlrpc.Parse_error(\"open_tag(value)\", \"open_tag(valu)\", _)" },
    { "<?xml version=\"1.0\" encoding=\"UTF-16\"?>" CALL (""), XMLM_MALFORMED },
    { CALL (PARAM ("\xff")), XMLM_MALFORMED },
    { CALL (PARAM ("a\x01")), XMLM_MALFORMED },
    { "<?xml version=\"1.0\" encoding=\"us-ascii\"?>" CALL (PARAM ("caf\xc3\xa9")), XMLM_MALFORMED },
    { "<?xml version=\"1.0\" encoding=\"windows-1252\"?>" CALL (""), XMLM_OTHER },
    { "<methodCall><methodName>m</methodName><params></param></params></methodCall>", XMLM_OTHER },
    { CALL (PARAM ("&nbsp;")), XMLM_OTHER },
    /* Xmlrpc.Parser */
    { "<methodCall><methodName>m</methodName></methodCall>",
      "Xmlrpc.Parse_error(\"close_tag\", \"open_tag\", _)" },
    { "<methodResponse/>", "Xmlrpc.Parse_error(\"open_tag(methodResponse)\", \"open_tag(methodCall)\", _)" },
    { "<methodCall><methodName/><params/></methodCall>",
      "Xmlrpc.Parse_error(\"open_tag(params)\", \"close_tag(methodName)\", _)" },
    { CALL (PARAM ("<foo>1</foo>")), "Xmlrpc.Parse_error(\"open_tag(foo)\", \"" BASIC_TYPES "\", _)" },
    { CALL ("<param><string>x</string></param>"),
      "Xmlrpc.Parse_error(\"open_tag(value)\", \"open_tag(string)\", _)" },
    { CALL (PARAM ("x<string>y</string>")),
      "Xmlrpc.Parse_error(\"open_tag(string)\", \"close_tag(value)\", _)" },
    { CALL ("<param>\"x\"\t<value/></param>"),
      "Xmlrpc.Parse_error(\"data(\\\\\\\"x\\\\\\\"\\\\t)\", \"open_tag\", _)" },
    { CALL (PARAM ("<int/>")), "Xmlrpc.Parse_error(\"empty_int\", \"int\", _)" },
    { CALL (PARAM ("<string><b/></string>")), "Xmlrpc.Parse_error(\"open_tag(b)\", \"data\", _)" },
    { CALL (PARAM ("<array><value/></array>")), "Xmlrpc.Parse_error(\"open_tag(value)\", \"open_tag(data)\", _)" },
    { CALL (PARAM ("<struct><member><name></name><value/></member></struct>")),
      "Xmlrpc.Parse_error(\"open_tag(value)\", \"close_tag(name)\", _)" },
    { CALL (PARAM ("<nil>x</nil>")), "Xmlrpc.Parse_error(\"data(x)\", \"close_tag(nil)\", _)" },
    /* Int64.of_string, float_of_string, Base64.decode_exn */
    { CALL (PARAM ("<int>abc</int>")), "Failure(\"Int64.of_string\")" },
    { CALL (PARAM ("<int> 1</int>")), "Failure(\"Int64.of_string\")" },
    { CALL (PARAM ("<i8>9223372036854775808</i8>")), "Failure(\"Int64.of_string\")" },
    { CALL (PARAM ("<double>1.5 </double>")), "Failure(\"float_of_string\")" },
    { CALL (PARAM ("<base64>aGk</base64>")), "Invalid_argument(\"Malformed input\")" },
  };
  g_autoptr(GString) deep = g_string_new ("<methodCall><methodName>m</methodName><params><param>");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_xml_malformed (cases[i].body, cases[i].message);

  assert_malformed (FALSE, CALL (PARAM ("a\0")), sizeof (CALL (PARAM ("a\0"))) - 1, XMLM_MALFORMED);

  for (guint i = 0; i < 200; i++)
    g_string_append (deep, "<value><array><data>");
  assert_xml_malformed (deep->str, "Stack overflow");
}

/* Responses */

static void
request_init (FerrySimRequest  *request,
              FerrySimProtocol  protocol,
              const char       *method)
{
  memset (request, 0, sizeof *request);
  request->protocol = protocol;
  request->method = g_strdup (method);
  ferry_sim_value_set_array (&request->params);
}

static void
write_result (GString  *out,
              gboolean  json,
              gpointer  user_data)
{
  g_string_append (out, json ? "[\"OpaqueRef:a\"]" : "<value><array><data><value>OpaqueRef:a</value></data></array></value>");
}

static void
test_response_json (void)
{
  const char *description[] = { "HANDLE_INVALID", "VM", "OpaqueRef:x\"", NULL };
  const char *empty[] = { NULL };
  g_auto(FerrySimRequest) v1 = { 0 };
  g_auto(FerrySimRequest) v2 = { 0 };
  g_auto(FerrySimValue) result = FERRY_SIM_VALUE_INIT;
  g_autoptr(GString) out = g_string_new (NULL);

  request_init (&v1, FERRY_SIM_PROTOCOL_JSONRPC_V1, "VM.get_all");
  ferry_sim_value_set_int (&v1.id, 7);
  request_init (&v2, FERRY_SIM_PROTOCOL_JSONRPC_V2, "VM.get_all");
  ferry_sim_value_set_string (&v2.id, "7");

  ferry_sim_value_set_string (&result, "");
  ferry_sim_response_write_value (out, &v1, &result);
  g_assert_cmpstr (out->str, ==, "{\"result\":\"\",\"error\":null,\"id\":7}");

  g_string_truncate (out, 0);
  ferry_sim_response_write_value (out, &v2, &result);
  g_assert_cmpstr (out->str, ==, "{\"jsonrpc\":\"2.0\",\"result\":\"\",\"id\":\"7\"}");

  g_string_truncate (out, 0);
  ferry_sim_response_write_success (out, &v1, write_result, NULL);
  g_assert_cmpstr (out->str, ==, "{\"result\":[\"OpaqueRef:a\"],\"error\":null,\"id\":7}");

  g_string_truncate (out, 0);
  ferry_sim_response_write_failure (out, &v1, description);
  g_assert_cmpstr (out->str, ==,
                   "{\"result\":null,\"error\":[\"HANDLE_INVALID\",\"VM\",\"OpaqueRef:x\\\"\"],\"id\":7}");

  g_string_truncate (out, 0);
  ferry_sim_response_write_failure (out, &v2, description);
  g_assert_cmpstr (out->str, ==,
                   "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"HANDLE_INVALID\","
                   "\"data\":[\"VM\",\"OpaqueRef:x\\\"\"]},\"id\":\"7\"}");

  g_string_truncate (out, 0);
  ferry_sim_response_write_failure (out, &v2, empty);
  g_assert_cmpstr (out->str, ==,
                   "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"\",\"data\":[]},\"id\":\"7\"}");

  /* system.listMethods failures are left untranslated in v2. */
  g_free (v2.method);
  v2.method = g_strdup ("system.listMethods");
  g_string_truncate (out, 0);
  ferry_sim_response_write_failure (out, &v2, description);
  g_assert_cmpstr (out->str, ==,
                   "{\"jsonrpc\":\"2.0\",\"error\":[\"HANDLE_INVALID\",\"VM\",\"OpaqueRef:x\\\"\"],\"id\":\"7\"}");

  g_string_truncate (out, 0);
  ferry_sim_response_write_early_failure (out, TRUE, description);
  g_assert_cmpstr (out->str, ==,
                   "{\"jsonrpc\":\"2.0\",\"error\":[\"HANDLE_INVALID\",\"VM\",\"OpaqueRef:x\\\"\"],\"id\":0}");
}

static void
test_response_xml (void)
{
  const char *description[] = { "SESSION_INVALID", "OpaqueRef:<&>", NULL };
  g_auto(FerrySimRequest) request = { 0 };
  g_auto(FerrySimValue) result = FERRY_SIM_VALUE_INIT;
  g_autoptr(GString) out = g_string_new (NULL);

  request_init (&request, FERRY_SIM_PROTOCOL_XMLRPC, "VM.get_all");

  ferry_sim_value_set_int (&result, 1073741824);
  ferry_sim_response_write_value (out, &request, &result);
  g_assert_cmpstr (out->str, ==,
                   "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"
                   "<member><name>Status</name><value>Success</value></member>"
                   "<member><name>Value</name><value>1073741824</value></member>"
                   "</struct></value></param></params></methodResponse>");

  g_string_truncate (out, 0);
  ferry_sim_response_write_failure (out, &request, description);
  g_assert_cmpstr (out->str, ==,
                   "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"
                   "<member><name>Status</name><value>Failure</value></member>"
                   "<member><name>ErrorDescription</name><value><array><data>"
                   "<value>SESSION_INVALID</value><value>OpaqueRef:&lt;&amp;&gt;</value>"
                   "</data></array></value></member>"
                   "</struct></value></param></params></methodResponse>");

  g_string_truncate (out, 0);
  ferry_sim_response_write_early_failure (out, FALSE, description);
  g_assert_cmpstr (out->str, ==,
                   "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"
                   "<member><name>Status</name><value>Failure</value></member>"
                   "<member><name>ErrorDescription</name><value><array><data>"
                   "<value>SESSION_INVALID</value><value>OpaqueRef:&lt;&amp;&gt;</value>"
                   "</data></array></value></member>"
                   "</struct></value></param></params></methodResponse>");

  /* system.listMethods goes out bare, success or not. */
  g_free (request.method);
  request.method = g_strdup ("system.listMethods");
  g_string_truncate (out, 0);
  ferry_sim_response_write_success (out, &request, write_result, NULL);
  g_assert_cmpstr (out->str, ==,
                   "<?xml version=\"1.0\"?><methodResponse><params><param>"
                   "<value><array><data><value>OpaqueRef:a</value></data></array></value>"
                   "</param></params></methodResponse>");
}

/* A response to a parsed request echoes its id with its JSON type. */
static void
test_response_round_trip (void)
{
  g_auto(FerrySimRequest) v1 = { 0 };
  g_auto(FerrySimRequest) v2 = { 0 };
  g_auto(FerrySimRequest) xml = { 0 };
  g_autoptr(GString) out = g_string_new (NULL);

  parse_json ("{\"method\": \"session.logout\", \"params\": [\"OpaqueRef:s\"], \"id\": \"a\\u00e9\"}", &v1);
  ferry_sim_response_write_value (out, &v1, param (&v1, 0));
  g_assert_cmpstr (out->str, ==, "{\"result\":\"OpaqueRef:s\",\"error\":null,\"id\":\"a\xc3\xa9\"}");

  g_string_truncate (out, 0);
  parse_json ("{\"jsonrpc\": \"2.0\", \"method\": \"m\", \"params\": [true], \"id\": 12345678901234}", &v2);
  ferry_sim_response_write_value (out, &v2, param (&v2, 0));
  g_assert_cmpstr (out->str, ==, "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":12345678901234}");

  g_string_truncate (out, 0);
  parse_xml (CALL (PARAM ("<boolean>0</boolean>")), &xml);
  ferry_sim_response_write_value (out, &xml, param (&xml, 0));
  g_assert_cmpstr (out->str, ==,
                   "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"
                   "<member><name>Status</name><value>Success</value></member>"
                   "<member><name>Value</name><value><boolean>0</boolean></value></member>"
                   "</struct></value></param></params></methodResponse>");
}

static void
test_malformed_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *page = NULL;
  const char *body = "{\"method\": \"m\", \"params\": []}";
  FerrySimRequest request;

  g_assert_false (ferry_sim_request_parse_json (body, strlen (body), &request, &error));
  page = ferry_sim_malformed_page (error->message);
  g_assert_cmpstr (page, ==,
                   "<html><body><h1>HTTP 500 internal server error</h1>An unexpected error occurred; "
                   "please wait a while and try again. If the problem persists, please contact your "
                   "support representative.<h1> Additional information </h1>"
                   "Jsonrpc.Malformed_method_request(&quot;Invalid field &apos;id&apos; in request "
                   "body&quot;)</body></html>");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sim/wire/json/v1", test_json_v1);
  g_test_add_func ("/sim/wire/json/v2", test_json_v2);
  g_test_add_func ("/sim/wire/json/yojson", test_json_yojson);
  g_test_add_func ("/sim/wire/json/many-keys", test_json_many_keys);
  g_test_add_func ("/sim/wire/json/malformed", test_json_malformed);
  g_test_add_func ("/sim/wire/json/deep", test_json_deep);
  g_test_add_func ("/sim/wire/xml/request", test_xml_request);
  g_test_add_func ("/sim/wire/xml/encodings", test_xml_encodings);
  g_test_add_func ("/sim/wire/xml/malformed", test_xml_malformed);
  g_test_add_func ("/sim/wire/response/json", test_response_json);
  g_test_add_func ("/sim/wire/response/xml", test_response_xml);
  g_test_add_func ("/sim/wire/response/round-trip", test_response_round_trip);
  g_test_add_func ("/sim/wire/malformed-page", test_malformed_page);

  return g_test_run ();
}
