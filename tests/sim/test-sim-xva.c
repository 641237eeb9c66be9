/* test-sim-xva.c: simulated disk contents and XVA streams (ferry-sim-xva.h),
 * and GET /export, PUT /import on the wire (ferry-sim-transfer.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ferry-sim-error.h"
#include "ferry-sim-scenario.h"
#include "ferry-sim-test-server.h"
#include "ferry-sim-world.h"
#include "ferry-sim-xva.h"

#define MiB (1024 * 1024)

static const char scenario[] =
  "{ \"users\": { \"root\": \"demo\" },\n"
  "  \"pools\": [\n"
  "   { \"name\": \"A\", \"hosts\": [ { \"name\": \"a-1\" } ],\n"
  "     \"srs\": [ { \"name\": \"A-NFS\", \"type\": \"nfs\", \"size\": \"10 GiB\" } ],\n"
  "     \"vms\": [ { \"name\": \"v\", \"disks\": [ { \"size\": \"6 MiB\", \"sr\": \"A-NFS\", \"used\": \"2 MiB\" },\n"
  "                                         { \"size\": \"1500000\", \"sr\": \"A-NFS\", \"used\": \"1 MiB\" } ] } ] },\n"
  "   { \"name\": \"B\", \"hosts\": [ { \"name\": \"b-1\" } ],\n"
  "     \"srs\": [ { \"name\": \"B-NFS\", \"type\": \"nfs\", \"size\": \"10 GiB\" } ] } ] }\n";

static GPtrArray *
load_pools (void)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *pools = ferry_sim_scenario_load_data (scenario, strlen (scenario), "xva", "demo", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (pools->len, ==, 2);
  return pools;
}

static FerrySimRow *
find_row (FerrySimPool *pool,
          const char   *cls,
          const char   *name)
{
  GPtrArray *rows = ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (pool), cls);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (rows, i), "name_label"), name) == 0)
      return g_ptr_array_index (rows, i);
  return NULL;
}

static guint
count_rows (FerrySimPool *pool,
            const char   *cls)
{
  return ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (pool), cls)->len;
}

static GByteArray *
export_vm (FerrySimPool *pool,
           gboolean      corrupt)
{
  FerrySimXvaWriter *writer = ferry_sim_xva_writer_new (pool, find_row (pool, "VM", "v"));
  GByteArray *out = g_byte_array_new ();

  if (corrupt)
    ferry_sim_xva_writer_corrupt_next (writer);
  while (ferry_sim_xva_writer_next (writer, out))
    ;
  /* Written blocks (2 + 1), and the first and last of each disk. */
  g_assert_cmpint (ferry_sim_xva_writer_get_done (writer), ==, ferry_sim_xva_writer_get_total (writer));
  ferry_sim_xva_writer_free (writer);
  return out;
}

/* A reader that imports into @dst's B-NFS. */
static FerrySimXvaReader *
new_reader (FerrySimPool *dst)
{
  return ferry_sim_xva_reader_new (dst, find_row (dst, "SR", "B-NFS")->ref, FALSE);
}

/* Feeds @data in pieces of odd sizes, as a network would. */
static gboolean
import_bytes (FerrySimXvaReader *reader,
              const guint8      *data,
              gsize              length,
              GError           **error)
{
  gsize step = 777;

  for (gsize off = 0; off < length; off += step, step = step * 3 % 65521 + 1)
    if (!ferry_sim_xva_reader_feed (reader, data + off, MIN (step, length - off), error))
      return FALSE;
  return ferry_sim_xva_reader_finish (reader, error);
}

/* Imports @length bytes of @data into @dst, which must fail and, once
 * aborted, leave no VM; returns the failure's description. */
static GStrv
import_failure (FerrySimPool *dst,
                const guint8 *data,
                gsize         length)
{
  FerrySimXvaReader *reader = new_reader (dst);
  g_autoptr(GError) error = NULL;

  g_assert_false (import_bytes (reader, data, length, &error));
  ferry_sim_xva_reader_abort (reader);
  g_assert_null (find_row (dst, "VM", "v"));
  ferry_sim_xva_reader_free (reader);
  return ferry_sim_failure_description (error);
}

static void
test_content (void)
{
  FerrySimDiskContent a, b;
  g_autofree guint8 *x = g_malloc (MiB);
  g_autofree guint8 *y = g_malloc (MiB);
  gint64 written = 0;

  ferry_sim_disk_content_init (&a, "seed-a", 100 * MiB, 30 * MiB + 1);
  ferry_sim_disk_content_init (&b, "seed-b", 100 * MiB, 30 * MiB + 1);
  g_assert_cmpint (a.n_blocks, ==, 100);
  g_assert_cmpint (a.n_written, ==, 31);
  for (gint64 i = 0; i < a.n_blocks; i++)
    written += ferry_sim_disk_content_is_written (&a, i);
  g_assert_cmpint (written, ==, 31);

  /* Deterministic, different per seed, zeros where unwritten. */
  for (gint64 i = 0; i < a.n_blocks; i++)
    {
      ferry_sim_disk_content_fill (&a, i, x);
      ferry_sim_disk_content_fill (&a, i, y);
      g_assert_true (memcmp (x, y, MiB) == 0);
      if (ferry_sim_disk_content_is_written (&a, i))
        {
          g_assert_cmpuint (x[0] & 1, ==, 1);
          ferry_sim_disk_content_fill (&b, i, y);
          g_assert_false (memcmp (x, y, MiB) == 0);
        }
      else
        {
          memset (y, 0, MiB);
          g_assert_true (memcmp (x, y, MiB) == 0);
        }
    }

  /* A short last block. */
  ferry_sim_disk_content_init (&a, "s", 1500000, 1500000);
  g_assert_cmpint (a.n_blocks, ==, 2);
  g_assert_cmpuint (ferry_sim_disk_content_block_length (&a, 1), ==, 1500000 - MiB);
}

static void
test_roundtrip (void)
{
  g_autoptr(GPtrArray) pools = load_pools ();
  FerrySimPool *src = g_ptr_array_index (pools, 0), *dst = g_ptr_array_index (pools, 1);
  g_autoptr(GByteArray) xva = export_vm (src, FALSE);
  FerrySimRow *sr = find_row (dst, "SR", "B-NFS");
  FerrySimXvaReader *reader = ferry_sim_xva_reader_new (dst, sr->ref, FALSE);
  g_autoptr(GError) error = NULL;
  guint vdis = count_rows (dst, "VDI");
  gint64 used = ferry_sim_row_get_int (sr, "physical_utilisation");
  FerrySimRow *vm;

  /* The tar starts with ova.xml, as xapi's does. */
  g_assert_cmpstr ((const char *) xva->data, ==, "ova.xml");
  g_assert_true (import_bytes (reader, xva->data, xva->len, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ferry_sim_xva_reader_get_verified (reader), ==, 6 * MiB + 1500000);
  g_assert_cmpint (ferry_sim_xva_reader_get_verified (reader), ==, ferry_sim_xva_reader_get_total (reader));

  vm = ferry_sim_db_lookup (ferry_sim_pool_get_db (dst), ferry_sim_xva_reader_get_vm_ref (reader));
  g_assert_nonnull (vm);
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "name_label"), ==, "v");
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "power_state"), ==, "Halted");
  g_assert_cmpstr (ferry_sim_row_get_uuid (vm), !=, ferry_sim_row_get_uuid (find_row (src, "VM", "v")));
  g_assert_cmpuint (count_rows (dst, "VDI"), ==, vdis + 2);
  g_assert_cmpint (ferry_sim_row_get_int (sr, "physical_utilisation"), >, used);
  g_assert_cmpstr (ferry_sim_row_get_string (sr, "name_label"), ==, "B-NFS");

  /* xapi's cleanup: nothing is left. */
  ferry_sim_xva_reader_abort (reader);
  g_assert_cmpuint (count_rows (dst, "VDI"), ==, vdis);
  g_assert_cmpint (ferry_sim_row_get_int (sr, "physical_utilisation"), ==, used);
  ferry_sim_xva_reader_free (reader);
}

static void
test_gzip (void)
{
  g_autoptr(GPtrArray) pools = load_pools ();
  g_autoptr(GByteArray) xva = export_vm (g_ptr_array_index (pools, 0), FALSE);
  g_autoptr(GConverter) gzip = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1));
  g_autofree guint8 *out = g_malloc (xva->len + 65536);
  gsize read = 0, written = 0;
  FerrySimPool *dst = g_ptr_array_index (pools, 1);
  FerrySimXvaReader *reader = new_reader (dst);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_converter_convert (gzip, xva->data, xva->len, out, xva->len + 65536,
                                        G_CONVERTER_INPUT_AT_END, &read, &written, &error), ==, G_CONVERTER_FINISHED);
  g_assert_cmpuint (written, <, xva->len);
  g_assert_true (import_bytes (reader, out, written, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ferry_sim_xva_reader_get_verified (reader), ==, 6 * MiB + 1500000);
  ferry_sim_xva_reader_free (reader);
}

static void
test_corrupt (void)
{
  g_autoptr(GPtrArray) pools = load_pools ();
  g_autoptr(GByteArray) xva = export_vm (g_ptr_array_index (pools, 0), TRUE);
  g_auto(GStrv) description = import_failure (g_ptr_array_index (pools, 1), xva->data, xva->len);

  g_assert_cmpstr (description[0], ==, "IMPORT_ERROR_GENERIC");
  g_assert_true (g_str_has_prefix (description[1], "Block Ref:"));
  g_assert_nonnull (strstr (description[1], "checksum failed: original = "));
}

static void
test_truncated (void)
{
  g_autoptr(GPtrArray) pools = load_pools ();
  g_autoptr(GByteArray) xva = export_vm (g_ptr_array_index (pools, 0), FALSE);
  FerrySimPool *dst = g_ptr_array_index (pools, 1);
  FerrySimXvaReader *reader;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) description = import_failure (dst, xva->data, xva->len / 2);

  g_assert_cmpstr (description[0], ==, "IMPORT_ERROR_PREMATURE_EOF");

  /* Not an XVA at all. */
  reader = new_reader (dst);
  {
    guint8 header[512];

    ferry_sim_tar_header (header, "something.txt", 3);
    g_assert_false (ferry_sim_xva_reader_feed (reader, header, sizeof header, &error));
    g_clear_pointer (&description, g_strfreev);
    description = ferry_sim_failure_description (error);
    g_assert_cmpstr (description[0], ==, "IMPORT_ERROR_UNEXPECTED_FILE");
  }
  ferry_sim_xva_reader_free (reader);
}

/* On the wire ---------------------------------------------------------------- */

static FerrySimWorld *
make_world (gpointer data)
{
  g_autoptr(FerrySimWorld) world = ferry_sim_world_new ();
  g_autoptr(GPtrArray) pools = load_pools ();

  for (guint i = 0; i < pools->len; i++)
    ferry_sim_world_add_pool (world, g_ptr_array_index (pools, i));
  return g_steal_pointer (&world);
}

static char *
first_ref (const char *url,
           const char *method,
           const char *session,
           const char *name)
{
  g_autofree char *params = g_strdup_printf ("[\"%s\", \"%s\"]", session, name);
  g_autoptr(JsonNode) refs = ferry_sim_test_jsonrpc_result (url, method, params);

  return g_strdup (json_array_get_string_element (json_node_get_array (refs), 0));
}

static JsonObject *
task_record (const char *url,
             const char *session,
             const char *task)
{
  g_autofree char *params = g_strdup_printf ("[\"%s\", \"%s\"]", session, task);
  JsonNode *record = ferry_sim_test_jsonrpc_result (url, "task.get_record", params);
  JsonObject *object = json_object_ref (json_node_get_object (record));

  json_node_unref (record);
  return object;
}

static char *
new_task (const char *url,
          const char *session)
{
  g_autofree char *params = g_strdup_printf ("[\"%s\", \"import\", \"\"]", session);
  g_autoptr(JsonNode) task = ferry_sim_test_jsonrpc_result (url, "task.create", params);

  return g_strdup (json_node_get_string (task));
}

/* Both pools served, logged in to each: VM v of A, SR B-NFS of B. */
typedef struct
{
  FerrySimTestServer *server;
  char               *a, *b;     /* the masters' URLs */
  char               *sa, *sb;   /* sessions */
  char               *vm, *sr;
} Wire;

static void
wire_setup (Wire          *w,
            gconstpointer  data)
{
  w->server = ferry_sim_test_server_start (make_world, NULL);
  w->a = ferry_sim_test_server_dup_master_url (w->server, "A", FALSE);
  w->b = ferry_sim_test_server_dup_master_url (w->server, "B", FALSE);
  w->sa = ferry_sim_test_login (w->a);
  w->sb = ferry_sim_test_login (w->b);
  w->vm = first_ref (w->a, "VM.get_by_name_label", w->sa, "v");
  w->sr = first_ref (w->b, "SR.get_by_name_label", w->sb, "B-NFS");
}

static void
wire_teardown (Wire          *w,
               gconstpointer  data)
{
  ferry_sim_test_server_stop (w->server);
  g_free (w->a);
  g_free (w->b);
  g_free (w->sa);
  g_free (w->sb);
  g_free (w->vm);
  g_free (w->sr);
}

static void
test_wire (Wire          *w,
           gconstpointer  data)
{
  const char *a = w->a, *b = w->b, *sa = w->sa, *sb = w->sb, *vm = w->vm, *sr = w->sr;
  g_autofree char *task = new_task (b, sb);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = g_strdup_printf ("%sexport?session_id=OpaqueRef:nope&ref=%s", a, vm);
  g_autofree char *get = g_strdup_printf ("%sexport?session_id=%s&ref=%s&use_compression=gzip", a, sa, vm);
  g_autofree char *put = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonObject) record = NULL;

  /* No session: HTTP 401, as Xapi_http.assert_credentials_ok. */
  msg = soup_message_new ("GET", bad);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_UNAUTHORIZED);
  g_clear_object (&msg);
  g_clear_pointer (&body, g_bytes_unref);

  msg = soup_message_new ("GET", get);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_cmpint (soup_message_headers_get_encoding (soup_message_get_response_headers (msg)), ==, SOUP_ENCODING_CHUNKED);
  /* gzip magic */
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (body, NULL))[0], ==, 0x1f);
  g_clear_object (&msg);

  put = g_strdup_printf ("%simport?session_id=%s&sr_id=%s&task_id=%s", b, sb, sr, task);
  msg = soup_message_new ("PUT", put);
  soup_message_set_request_body_from_bytes (msg, "application/octet-stream", body);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);

  record = task_record (b, sb, task);
  g_assert_cmpstr (json_object_get_string_member (record, "status"), ==, "success");
  g_assert_nonnull (strstr (json_object_get_string_member (record, "result"), "OpaqueRef:"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (record, "other_config"),
                                                  "sim_verified_bytes"), ==, "7791456");
}

static GBytes *
export_over_http (const char *url,
                  const char *session,
                  const char *vm)
{
  g_autoptr(SoupSession) soup = soup_session_new ();
  g_autofree char *get = g_strdup_printf ("%sexport?session_id=%s&ref=%s", url, session, vm);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", get);
  g_autoptr(GError) error = NULL;
  GBytes *body = soup_session_send_and_read (soup, msg, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  return body;
}

/* An import without Content-Length, read to the end of the connection
 * (as xapi's import.ml does); a chunked one is refused. */
static void
test_wire_unsized (Wire          *w,
                   gconstpointer  test_data)
{
  const char *a = w->a, *b = w->b, *sa = w->sa, *sb = w->sb, *vm = w->vm, *sr = w->sr;
  g_autofree char *task = new_task (b, sb);
  g_autofree char *chunked_task = new_task (b, sb);
  g_autoptr(GBytes) xva = export_over_http (a, sa, vm);
  g_autoptr(GUri) uri = g_uri_parse (b, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(SoupSession) soup = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) small = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *head = NULL;
  g_autofree char *put = NULL;
  gsize length;
  const guint8 *data = g_bytes_get_data (xva, &length);
  char buffer[1024];
  gssize n;

  /* HTTP/1.0, no length: the body ends when the client ends its side. */
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri), g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  head = g_strdup_printf ("PUT /import?session_id=%s&sr_id=%s&task_id=%s HTTP/1.0\r\n"
                          "Host: %s\r\nConnection: close\r\n\r\n", sb, sr, task, g_uri_get_host (uri));
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                            head, strlen (head), NULL, NULL, &error));
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                            data, length, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_shutdown (g_socket_connection_get_socket (connection), FALSE, TRUE, &error));
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (answer, buffer, n);
  g_assert_no_error (error);
  /* xapi's head: 200, Connection: close, the task. */
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 200 OK\r\n"));
  g_assert_nonnull (strstr (answer->str, "Connection: close\r\n"));
  g_assert_nonnull (strstr (answer->str, task));
  record = task_record (b, sb, task);
  g_assert_cmpstr (json_object_get_string_member (record, "status"), ==, "success");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (record, "other_config"),
                                                  "sim_verified_bytes"), ==, "7791456");

  /* Chunked (what libsoup sends for a stream of unknown length): HTTP 403
   * and IMPORT_ERROR_CANNOT_HANDLE_CHUNKED, as import.ml. */
  put = g_strdup_printf ("%simport?session_id=%s&sr_id=%s&task_id=%s", b, sb, sr, chunked_task);
  msg = soup_message_new ("PUT", put);
  small = g_memory_input_stream_new_from_data (data, MIN (length, 4096), NULL);
  soup_message_set_request_body (msg, "application/octet-stream", small, -1);
  reply = soup_session_send_and_read (soup, msg, NULL, &error);
  /* The connection closes at once: the answer may be lost with it. */
  if (error == NULL)
    g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_FORBIDDEN);
  refused = task_record (b, sb, chunked_task);
  g_assert_cmpstr (json_object_get_string_member (refused, "status"), ==, "failure");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (refused, "error_info"), 0), ==,
                   "IMPORT_ERROR_CANNOT_HANDLE_CHUNKED");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/xva/content", test_content);
  g_test_add_func ("/sim/xva/roundtrip", test_roundtrip);
  g_test_add_func ("/sim/xva/gzip", test_gzip);
  g_test_add_func ("/sim/xva/corrupt-block", test_corrupt);
  g_test_add_func ("/sim/xva/truncated", test_truncated);
  g_test_add ("/sim/transfer/wire", Wire, NULL, wire_setup, test_wire, wire_teardown);
  g_test_add ("/sim/transfer/wire-unsized", Wire, NULL, wire_setup, test_wire_unsized, wire_teardown);
  return g_test_run ();
}
