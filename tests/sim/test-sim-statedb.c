/* test-sim-statedb.c: loading real xapi database dumps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-sim-error.h"
#include "ferry-sim-statedb.h"

#define BOSTON_MASTER   "OpaqueRef:759edaac-8550-03c7-7661-b4e246ea2a58"  /* inflames */
#define BOSTON_MEMBER   "OpaqueRef:3c9b82a7-6761-e626-88c5-e96d93811cd7"  /* incubus */
#define BOSTON_DOM0     "OpaqueRef:036fd6a6-add8-c22b-3edd-070950473668"
#define BOSTON_DEMO     "OpaqueRef:66e7be22-a25e-c632-bbfa-fa067672245d"
#define BOSTON_TEMPLATE "OpaqueRef:81afc95f-389c-233a-0315-4e10c04781fc"
#define KRAKOUT_HOST    "OpaqueRef:179a6549-c043-772a-404e-5f6c874369f2"
#define KRAKOUT_WIN2008 "OpaqueRef:f6c06b9a-8390-e300-149a-a29abefb3b29"
#define KRAKOUT_SLES11  "OpaqueRef:6d337d81-ab59-3649-ac84-b5d8363c8bf8"

/* The smallest database the loader accepts: one pool row. */
#define POOL_TABLE "<table name=\"pool\"><row ref=\"OpaqueRef:pool\" uuid=\"pool-uuid\"/></table>"

static char *
build_testdata_path (const char *file)
{
  const char *dir = g_getenv ("FERRY_TESTDATA_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    {
      g_test_skip ("FERRY_TESTDATA_DIR is not set");
      return NULL;
    }

  path = g_build_filename (dir, "xapi-db", file, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *message = g_strdup_printf ("%s is missing", path);
      g_test_skip (message);
      return NULL;
    }

  return g_steal_pointer (&path);
}

static FerrySimDb *
load_testdata (const char *file)
{
  g_autofree char *path = build_testdata_path (file);
  g_autoptr(GError) error = NULL;
  FerrySimDb *db;

  if (path == NULL)
    return NULL;

  db = ferry_sim_statedb_load_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

static FerrySimDb *
load_string (const char *xml)
{
  g_autoptr(GError) error = NULL;
  FerrySimDb *db;

  db = ferry_sim_statedb_load_data (xml, strlen (xml), "inline.xml", &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

/* Asserts the message is "inline.xml:LINE: ..." and contains @part. */
static void
assert_load_fails (const char *xml,
                   int         line,
                   const char *part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerrySimDb) db = NULL;
  g_autofree char *prefix = g_strdup_printf ("inline.xml:%d: ", line);

  db = ferry_sim_statedb_load_data (xml, strlen (xml), "inline.xml", &error);
  g_assert_null (db);
  g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strstr (error->message, "Error on line"));
  if (!g_str_has_prefix (error->message, prefix) || strstr (error->message, part) == NULL)
    g_error ("'%s' should start with '%s' and contain '%s'", error->message, prefix, part);
}

static guint
count_rows (FerrySimDb *db,
            const char *class_name)
{
  FerrySimClass *klass = ferry_sim_schema_lookup_class (class_name);

  return klass ? ferry_sim_db_get_rows (db, klass)->len : 0;
}

static gboolean
has_field (const char *class_name,
           const char *field_name)
{
  FerrySimClass *klass = ferry_sim_schema_lookup_class (class_name);

  return klass != NULL && ferry_sim_class_lookup_field (klass, field_name) != NULL;
}

/* Every host's resident_VMs is exactly the VMs whose resident_on names it. */
static void
assert_resident_vms_consistent (FerrySimDb *db)
{
  GPtrArray *hosts = ferry_sim_db_get_rows_by_name (db, "host");
  GPtrArray *vms = ferry_sim_db_get_rows_by_name (db, "VM");

  for (guint h = 0; h < hosts->len; h++)
    {
      FerrySimRow *host = g_ptr_array_index (hosts, h);
      const FerrySimValue *resident = ferry_sim_row_get (host, "resident_VMs");
      guint expected = 0;

      for (guint v = 0; v < vms->len; v++)
        {
          FerrySimRow *vm = g_ptr_array_index (vms, v);

          if (g_strcmp0 (ferry_sim_row_get_string (vm, "resident_on"), host->ref) == 0)
            {
              g_assert_true (ferry_sim_value_contains_string (resident, vm->ref));
              expected++;
            }
        }
      g_assert_cmpuint (ferry_sim_value_get_length (resident), ==, expected);
    }
}

static void
test_boston (void)
{
  g_autoptr(FerrySimDb) db = load_testdata ("boston-db.xml");
  FerrySimRow *pool;
  FerrySimRow *master;
  FerrySimRow *member;
  FerrySimRow *dom0;
  FerrySimRow *demo;
  FerrySimRow *template;
  const FerrySimValue *resident;
  guint n_templates = 0;

  if (db == NULL)
    return;

  /* The README's table. */
  g_assert_cmpuint (count_rows (db, "host"), ==, 2);
  g_assert_cmpuint (count_rows (db, "VM"), ==, 60);
  g_assert_cmpuint (count_rows (db, "pool"), ==, 1);
  if (ferry_sim_schema_lookup_class ("SR") != NULL)
    g_assert_cmpuint (count_rows (db, "SR"), ==, 8);
  if (ferry_sim_schema_lookup_class ("VDI") != NULL)
    g_assert_cmpuint (count_rows (db, "VDI"), ==, 10);
  if (ferry_sim_schema_lookup_class ("VM_metrics") != NULL)
    g_assert_cmpuint (count_rows (db, "VM_metrics"), ==, 60);

  for (guint i = 0; i < count_rows (db, "VM"); i++)
    if (ferry_sim_row_get_bool (g_ptr_array_index (ferry_sim_db_get_rows_by_name (db, "VM"), i),
                                "is_a_template"))
      n_templates++;
  g_assert_cmpuint (n_templates, ==, 56);

  /* pool.master points at a host. */
  pool = g_ptr_array_index (ferry_sim_db_get_rows_by_name (db, "pool"), 0);
  g_assert_cmpstr (ferry_sim_row_get_string (pool, "master"), ==, BOSTON_MASTER);
  master = ferry_sim_db_lookup_in (db, "host", ferry_sim_row_get_string (pool, "master"));
  g_assert_nonnull (master);
  g_assert_cmpstr (ferry_sim_row_get_string (master, "name_label"), ==, "inflames");
  g_assert_cmpstr (ferry_sim_row_get_string (master, "address"), ==, "10.80.224.75");
  g_assert_true (ferry_sim_row_get_bool (master, "enabled"));
  g_assert_cmpstr (ferry_sim_row_map_lookup (pool, "other_config", "memory-ratio-hvm"), ==, "0.25");
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (pool, "other_config")), ==, 3);

  /* "API_version__minor" is the field API_version_minor; the file's 0 beats the default. */
  g_assert_cmpint (ferry_sim_row_get_int (master, "API_version_major"), ==, 2);
  g_assert_cmpint (ferry_sim_row_get_int (master, "API_version_minor"), ==, 0);
  g_assert_cmpstr (ferry_sim_row_map_lookup (master, "software_version", "product_brand"), ==, "XenServer");
  g_assert_cmpstr (ferry_sim_row_map_lookup (master, "software_version", "product_version"), ==, "5.9.950");

  member = ferry_sim_db_lookup_in (db, "host", BOSTON_MEMBER);
  g_assert_nonnull (member);
  g_assert_cmpstr (ferry_sim_row_get_string (member, "name_label"), ==, "incubus");

  /* A name with spaces, a map holding XML with \" escapes and &quot; entities. */
  dom0 = ferry_sim_db_lookup_in (db, "VM", BOSTON_DOM0);
  g_assert_nonnull (dom0);
  g_assert_cmpstr (ferry_sim_row_get_string (dom0, "name_label"), ==, "Control domain on host: inflames");
  g_assert_cmpstr (ferry_sim_row_get_uuid (dom0), ==, "952560bf-12df-427b-b067-94b057cbc944");
  g_assert_cmpstr (ferry_sim_row_get_string (dom0, "power_state"), ==, "Running");
  g_assert_cmpint (ferry_sim_row_get_int (dom0, "memory_static_max"), ==, 791937024);
  g_assert_false (ferry_sim_row_get_bool (dom0, "is_a_template"));
  g_assert_cmpstr (ferry_sim_row_map_lookup (dom0, "other_config", "perfmon"), ==,
                   "<config><variable><name value=\"fs_usage\"/></variable></config>");
  g_assert_true (ferry_sim_db_lookup_uuid (db, dom0->klass, ferry_sim_row_get_uuid (dom0)) == dom0);

  demo = ferry_sim_db_lookup_in (db, "VM", BOSTON_DEMO);
  g_assert_nonnull (demo);
  g_assert_cmpstr (ferry_sim_row_get_string (demo, "name_label"), ==, "Demo Linux");
  g_assert_cmpstr (ferry_sim_row_get_string (demo, "resident_on"), ==, BOSTON_MEMBER);
  g_assert_cmpstr (ferry_sim_row_map_lookup (demo, "other_config", "mac_seed"), ==,
                   "559de1f4-7a98-1bb7-5f05-38f47228eee6");
  g_assert_cmpstr (ferry_sim_row_map_lookup (demo, "other_config", "install-methods"), ==, "");

  /* "%n" at the end of a description. */
  template = ferry_sim_db_lookup_in (db, "VM", BOSTON_TEMPLATE);
  g_assert_nonnull (template);
  g_assert_true (g_str_has_suffix (ferry_sim_row_get_string (template, "name_description"),
                                   "stored in the other_config field.\n"));

  /* resident_VMs comes from VM.resident_on. */
  resident = ferry_sim_row_get (master, "resident_VMs");
  g_assert_true (ferry_sim_value_contains_string (resident, BOSTON_DOM0));
  g_assert_false (ferry_sim_value_contains_string (resident, BOSTON_DEMO));
  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (member, "resident_VMs"), BOSTON_DEMO));
  g_assert_cmpuint (ferry_sim_value_get_length (resident), ==, 2);
  assert_resident_vms_consistent (db);

  /* The legacy "%_" for two spaces, where the schema has the fields. */
  if (has_field ("host", "cpu_info"))
    g_assert_cmpstr (ferry_sim_row_map_lookup (master, "cpu_info", "modelname"), ==,
                     "Intel(R) Core(TM)2 CPU          6420  @ 2.13GHz");
  if (has_field ("VDI", "name_description"))
    {
      FerrySimRow *vdi = ferry_sim_db_lookup_in (db, "VDI", "OpaqueRef:b10b2246-deb4-8986-a7eb-3207bf919aa2");

      g_assert_nonnull (vdi);
      g_assert_cmpstr (ferry_sim_row_get_string (vdi, "name_description"), ==,
                       "TSSTcorp model CD-ROM  SH-C522C rev TS03 type 5");
    }
  if (has_field ("pool", "default_SR") && ferry_sim_schema_lookup_class ("SR") != NULL)
    g_assert_nonnull (ferry_sim_db_lookup_in (db, "SR", ferry_sim_row_get_string (pool, "default_SR")));
  if (has_field ("SM", "configuration"))
    {
      GPtrArray *sms = ferry_sim_db_get_rows_by_name (db, "SM");
      gboolean found = FALSE;

      for (guint i = 0; i < sms->len; i++)
        if (g_strcmp0 (ferry_sim_row_map_lookup (g_ptr_array_index (sms, i), "configuration", "options"),
                       "extra options to pass to mount (deprecated) (e.g. '-o ro')") == 0)
          found = TRUE;
      g_assert_true (found);
    }
}

static void
test_krakout (void)
{
  g_autoptr(FerrySimDb) db = load_testdata ("single-host-krakout.xml");
  FerrySimRow *pool;
  FerrySimRow *host;
  FerrySimRow *vm;

  if (db == NULL)
    return;

  g_assert_cmpuint (count_rows (db, "host"), ==, 1);
  g_assert_cmpuint (count_rows (db, "VM"), ==, 58);
  g_assert_cmpuint (count_rows (db, "pool"), ==, 1);
  if (ferry_sim_schema_lookup_class ("SR") != NULL)
    g_assert_cmpuint (count_rows (db, "SR"), ==, 4);
  if (ferry_sim_schema_lookup_class ("VDI") != NULL)
    g_assert_cmpuint (count_rows (db, "VDI"), ==, 62);

  pool = g_ptr_array_index (ferry_sim_db_get_rows_by_name (db, "pool"), 0);
  g_assert_cmpstr (ferry_sim_row_get_string (pool, "master"), ==, KRAKOUT_HOST);
  g_assert_cmpstr (ferry_sim_row_map_lookup (pool, "other_config", "WlbConnectionStatus"), ==, "Enabled");
  g_assert_cmpstr (ferry_sim_row_map_lookup (pool, "other_config", "EMPTY_FOLDERS"), ==, "");
  if (has_field ("pool", "default_SR"))
    g_assert_cmpstr (ferry_sim_row_get_string (pool, "default_SR"), ==, FERRY_SIM_NULL_REF);

  host = ferry_sim_db_lookup_in (db, "host", KRAKOUT_HOST);
  g_assert_nonnull (host);
  g_assert_cmpstr (ferry_sim_row_get_string (host, "name_label"), ==, "krakout");
  g_assert_cmpstr (ferry_sim_row_get_string (host, "address"), ==, "10.80.226.57");
  g_assert_cmpstr (ferry_sim_row_map_lookup (host, "software_version", "product_version"), ==, "6.0.0");

  /* This dump has no resident_VMs column at all: the set is rebuilt. */
  vm = ferry_sim_db_lookup_in (db, "VM", KRAKOUT_WIN2008);
  g_assert_nonnull (vm);
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "name_label"), ==, "Windows Server 2008");
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "power_state"), ==, "Halted");
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "resident_on"), ==, KRAKOUT_HOST);
  g_assert_cmpstr (ferry_sim_row_get_uuid (vm), ==, "689997dd-794d-0c01-402b-e8cc4284ca49");
  g_assert_cmpstr (ferry_sim_row_map_lookup (vm, "other_config", "last_shutdown_action"), ==, "Restart");
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (host, "resident_VMs")), ==, 1);
  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (host, "resident_VMs"), KRAKOUT_WIN2008));
  assert_resident_vms_consistent (db);

  vm = ferry_sim_db_lookup_in (db, "VM", KRAKOUT_SLES11);
  g_assert_nonnull (vm);
  g_assert_true (ferry_sim_row_get_bool (vm, "is_a_template"));
  g_assert_cmpstr (ferry_sim_row_map_lookup (vm, "other_config", "disks"), ==,
                   "<provision><disk device=\"0\" size=\"8589934592\" sr=\"\" bootable=\"true\" type=\"system\"/></provision>");
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (vm, "other_config")), ==, 7);

  /* A string field keeps its text: no S-expression decoding. */
  if (has_field ("VM", "snapshot_metadata"))
    {
      vm = ferry_sim_db_lookup_in (db, "VM", "OpaqueRef:b292f18a-fc41-940e-639e-4c3f9ea71eac");
      g_assert_nonnull (vm);
      g_assert_true (g_str_has_prefix (ferry_sim_row_get_string (vm, "snapshot_metadata"),
                                       "(('memory__static_max' '268435456') "));
    }
}

/* The same dump through load_file (in chunks, so tokens straddle reads) and load_data. */
static void
test_file_matches_data (void)
{
  g_autofree char *path = build_testdata_path ("boston-db.xml");
  g_autofree char *contents = NULL;
  g_autoptr(FerrySimDb) from_file = NULL;
  g_autoptr(FerrySimDb) from_data = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *file_vms;
  gsize length;

  if (path == NULL)
    return;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 4 * 64 * 1024);

  from_file = ferry_sim_statedb_load_file (path, &error);
  g_assert_no_error (error);
  from_data = ferry_sim_statedb_load_data (contents, length, "boston-db.xml", &error);
  g_assert_no_error (error);

  for (guint c = 0; c < ferry_sim_schema_get_n_classes (); c++)
    {
      FerrySimClass *klass = ferry_sim_schema_get_class (c);

      g_assert_cmpuint (ferry_sim_db_get_rows (from_file, klass)->len, ==,
                        ferry_sim_db_get_rows (from_data, klass)->len);
    }

  file_vms = ferry_sim_db_get_rows_by_name (from_file, "VM");
  for (guint i = 0; i < file_vms->len; i++)
    {
      FerrySimRow *a = g_ptr_array_index (file_vms, i);
      FerrySimRow *b = ferry_sim_db_lookup_in (from_data, "VM", a->ref);

      g_assert_nonnull (b);
      for (guint f = 0; f < a->klass->n_fields; f++)
        g_assert_true (ferry_sim_value_equal (&a->values[f], &b->values[f]));
    }
}

static void
test_sexpr_escapes (void)
{
  g_autoptr(FerrySimDb) db = NULL;
  FerrySimRow *vm;
  const FerrySimValue *other_config;

  db = load_string ("<database>" POOL_TABLE
                    "<table name=\"VM\"><row ref=\"OpaqueRef:vm\" uuid=\"vm-uuid\" "
                    "other_config=\"(('it\\'s' 'a\\\\b') ('q' '\\'quoted\\'')"
                    " ('dq' 'say \\&quot;hi\\&quot;') ('paren' '(x)') ('empty' ''))\"/>"
                    "</table></database>");
  vm = ferry_sim_db_lookup_in (db, "VM", "OpaqueRef:vm");
  g_assert_nonnull (vm);
  other_config = ferry_sim_row_get (vm, "other_config");
  g_assert_cmpuint (ferry_sim_value_get_length (other_config), ==, 5);
  g_assert_cmpstr (ferry_sim_value_lookup_string (other_config, "it's"), ==, "a\\b");
  g_assert_cmpstr (ferry_sim_value_lookup_string (other_config, "q"), ==, "'quoted'");
  g_assert_cmpstr (ferry_sim_value_lookup_string (other_config, "dq"), ==, "say \"hi\"");
  g_assert_cmpstr (ferry_sim_value_lookup_string (other_config, "paren"), ==, "(x)");
  g_assert_cmpstr (ferry_sim_value_lookup_string (other_config, "empty"), ==, "");
  /* Order is kept. */
  g_assert_cmpstr (ferry_sim_value_pair (other_config, 0)->key, ==, "it's");
  g_assert_cmpstr (ferry_sim_value_pair (other_config, 4)->key, ==, "empty");
}

static void
test_space_protection (void)
{
  g_autoptr(FerrySimDb) db = NULL;
  FerrySimRow *vm;

  db = load_string ("<database>" POOL_TABLE
                    "<table name=\"VM\"><row ref=\"OpaqueRef:vm\" uuid=\"vm-uuid\" "
                    "name__label=\"web%.01%.at%.100%%\" "
                    "name__description=\"a%_b%tc%nd%re%%.f%xg%\" "
                    "other_config=\"(('my%.key'%.'two%_spaces')%.('raw key' 'raw value'))\"/>"
                    "</table></database>");
  vm = ferry_sim_db_lookup_in (db, "VM", "OpaqueRef:vm");
  g_assert_nonnull (vm);
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "name_label"), ==, "web 01 at 100%");
  /* "%%." is a percent then a dot; an unknown "%x" and a trailing '%' stay as they are. */
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "name_description"), ==, "a  b\tc\nd\re%.f%xg%");
  g_assert_cmpstr (ferry_sim_row_map_lookup (vm, "other_config", "my key"), ==, "two  spaces");
  g_assert_cmpstr (ferry_sim_row_map_lookup (vm, "other_config", "raw key"), ==, "raw value");
}

static void
test_unknown_ignored (void)
{
  g_autoptr(FerrySimDb) db = NULL;
  FerrySimRow *host;
  FerrySimRow *vm;

  /* A table and columns from some other xapi version; a missing column keeps its default. */
  db = load_string ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<database>\n"
                    "  <manifest>\n"
                    "    <pair key=\"schema_major_vsn\" value=\"5\"/>\n"
                    "    <pair key=\"schema_minor_vsn\" value=\"999\"/>\n"
                    "  </manifest>\n"
                    "  <table name=\"Frobnicator\">\n"
                    "    <row ref=\"OpaqueRef:frob\" uuid=\"frob\" name__label=\"x\" wobble=\"(('a' \"/>\n"
                    "  </table>\n"
                    "  <table name=\"task\"/>\n"
                    "  " POOL_TABLE "\n"
                    "  <table name=\"host\">\n"
                    "    <row ref=\"OpaqueRef:h\" __ctime=\"1\" __mtime=\"2\" _ref=\"OpaqueRef:h\" uuid=\"h-uuid\"\n"
                    "         name__label=\"h\" future__field=\"42\" __hidden=\"x\" resident_VMs=\"('OpaqueRef:bogus')\"/>\n"
                    "  </table>\n"
                    "  <table name=\"VM\">\n"
                    "    <row ref=\"OpaqueRef:vm\" uuid=\"vm-uuid\" resident_on=\"OpaqueRef:h\" power_state=\"running\"/>\n"
                    "  </table>\n"
                    "</database>\n");

  g_assert_null (ferry_sim_db_lookup (db, "OpaqueRef:frob"));
  host = ferry_sim_db_lookup_in (db, "host", "OpaqueRef:h");
  g_assert_nonnull (host);
  g_assert_cmpstr (ferry_sim_row_get_uuid (host), ==, "h-uuid");
  g_assert_cmpstr (ferry_sim_row_get_string (host, "name_label"), ==, "h");
  g_assert_cmpint (ferry_sim_row_get_int (host, "API_version_major"), ==, 2);
  g_assert_true (ferry_sim_row_get_bool (host, "enabled"));
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (host, "software_version")), ==, 0);

  /* The stored resident_VMs is replaced by the one rebuilt from VM.resident_on. */
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (host, "resident_VMs")), ==, 1);
  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (host, "resident_VMs"), "OpaqueRef:vm"));

  /* Enums match case-insensitively and are stored in the datamodel spelling. */
  vm = ferry_sim_db_lookup_in (db, "VM", "OpaqueRef:vm");
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "power_state"), ==, "Running");
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "name_label"), ==, "");
}

static void
test_bad_values (void)
{
  g_autoptr(FerrySimDb) db = NULL;
  FerrySimRow *vm;
  FerrySimRow *host;
  FerrySimRow *task;
  const FerrySimValue *ops;

  db = load_string ("<database>" POOL_TABLE
                    "<table name=\"VM\"><row ref=\"OpaqueRef:vm\" uuid=\"vm-uuid\" name__label=\"ok\" "
                    "power_state=\"Exploded\" memory__static_max=\"lots\" is_a_template=\"maybe\" "
                    "other_config=\"(('unterminated\"/></table>"
                    "<table name=\"host\"><row ref=\"OpaqueRef:h\" uuid=\"h\" enabled=\"\" "
                    "software_version=\"('not' 'pairs')\" other_config=\"(('a' 'b') ('c'))\" "
                    "API_version__major=\"3.0\"/></table>"
                    "<table name=\"task\"><row ref=\"OpaqueRef:t\" uuid=\"t\" "
                    "allowed_operations=\"('cancel' 'frobnicate' 'DESTROY')\" "
                    "current_operations=\"(('x' 'cancel') ('y' 'launch'))\" "
                    "progress=\"NaNa\" created=\"yesterday\" finished=\"20250319T04:16:24Z\"/></table>"
                    "</database>");

  vm = ferry_sim_db_lookup_in (db, "VM", "OpaqueRef:vm");
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "name_label"), ==, "ok");
  g_assert_cmpstr (ferry_sim_row_get_string (vm, "power_state"), ==, "Halted");
  g_assert_cmpint (ferry_sim_row_get_int (vm, "memory_static_max"), ==, 0);
  g_assert_false (ferry_sim_row_get_bool (vm, "is_a_template"));
  g_assert_cmpuint (ferry_sim_row_get (vm, "other_config")->kind, ==, FERRY_SIM_VALUE_MAP);
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (vm, "other_config")), ==, 0);

  host = ferry_sim_db_lookup_in (db, "host", "OpaqueRef:h");
  g_assert_true (ferry_sim_row_get_bool (host, "enabled"));
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (host, "software_version")), ==, 0);
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (host, "other_config")), ==, 0);
  /* Old dumps write some ints as floats. */
  g_assert_cmpint (ferry_sim_row_get_int (host, "API_version_major"), ==, 3);

  /* A set or map keeps the elements this schema knows. */
  task = ferry_sim_db_lookup_in (db, "task", "OpaqueRef:t");
  ops = ferry_sim_row_get (task, "allowed_operations");
  g_assert_cmpuint (ferry_sim_value_get_length (ops), ==, 2);
  g_assert_cmpstr (ferry_sim_value_get_string (ferry_sim_value_index (ops, 0)), ==, "cancel");
  g_assert_cmpstr (ferry_sim_value_get_string (ferry_sim_value_index (ops, 1)), ==, "destroy");
  ops = ferry_sim_row_get (task, "current_operations");
  g_assert_cmpuint (ferry_sim_value_get_length (ops), ==, 1);
  g_assert_cmpstr (ferry_sim_value_lookup_string (ops, "x"), ==, "cancel");
  g_assert_cmpfloat (ferry_sim_row_get_float (task, "progress"), ==, 0.0);
  g_assert_cmpstr (ferry_sim_row_get_string (task, "created"), ==, "19700101T00:00:00Z");
  g_assert_cmpstr (ferry_sim_row_get_string (task, "finished"), ==, "20250319T04:16:24Z");
}

static void
test_errors (void)
{
  /* Truncated in the middle of a row, and after a complete row. */
  assert_load_fails ("<database>\n" POOL_TABLE "\n<table name=\"VM\"><row ref=\"OpaqueRef:vm\" na",
                     3, "");
  assert_load_fails ("<database>\n" POOL_TABLE "\n<table name=\"VM\">\n", 4, "");
  assert_load_fails ("", 1, "empty");
  assert_load_fails ("   \n  ", 2, "empty");

  /* Bad XML. */
  assert_load_fails ("<database>\n" POOL_TABLE "\n</table>\n</database>", 3, "");
  assert_load_fails ("<database>\n<table name=\"pool\"><row ref=\"a\" uuid=b/></table></database>", 2, "");
  assert_load_fails ("<database>\n<table name=\"pool\"><row ref=\"a&bogus;\"/></table></database>", 2, "bogus");

  /* Elements xapi never writes, or writes elsewhere. */
  assert_load_fails ("<database>\n\n<vm/></database>", 3, "unknown element <vm>");
  assert_load_fails ("<database>" POOL_TABLE "\n<table name=\"VM\"><row ref=\"OpaqueRef:vm\"><x/></row></table></database>",
                     2, "unknown element <x>");
  assert_load_fails ("<table name=\"pool\"/>", 1, "expected <database>, found <table>");
  assert_load_fails ("<database><row ref=\"x\"/></database>", 1, "<row> is not allowed inside <database>");
  assert_load_fails ("<database><table name=\"pool\"><table name=\"host\"/></table></database>", 1,
                     "<table> is not allowed inside <table>");
  assert_load_fails ("<database>" POOL_TABLE "</database>\n<database/>", 2, "after the end of <database>");
  assert_load_fails ("<database><manifest>text</manifest></database>", 1, "unexpected text");
  assert_load_fails ("<database><table>\n</table></database>", 1, "<table> without a name");
  assert_load_fails ("\n\n<database>\n<bogus/></database>", 4, "unknown element <bogus>");

  /* Rows. */
  assert_load_fails ("<database>\n<table name=\"host\">\n<row uuid=\"h\"/></table></database>", 3,
                     "a row of table host has no ref");
  assert_load_fails ("<database>\n<table name=\"Unknown\">\n<row uuid=\"h\"/></table></database>", 3,
                     "a row of table Unknown has no ref");
  assert_load_fails ("<database>\n" POOL_TABLE "\n<table name=\"host\">\n<row ref=\"OpaqueRef:pool\" uuid=\"h\"/>"
                     "</table></database>", 4, "duplicate ref OpaqueRef:pool in table host");
  assert_load_fails ("<database>\n" POOL_TABLE "\n<table name=\"host\">\n<row ref=\"OpaqueRef:a\" uuid=\"h\"/>\n"
                     "<row ref=\"OpaqueRef:b\" uuid=\"h\"/></table></database>", 5, "duplicate uuid 'h' in table host");

  /* A database must have a pool. */
  assert_load_fails ("<database>\n<manifest/>\n<table name=\"pool\"/>\n</database>\n", 4,
                     "the database has no row in table pool");
  assert_load_fails ("<database/>", 1, "no row in table pool");

  /* Not UTF-8 (Latin-1 'é'), in a value and in a name. */
  assert_load_fails ("<database>\n" POOL_TABLE "\n\n<table name=\"VM\"><row ref=\"OpaqueRef:vm\" name__label=\"caf\xe9\"/>"
                     "</table></database>", 4, "UTF-8");
  assert_load_fails ("<database>\n<tabl\xe9/></database>", 2, "");
}

/* The error names the file and gives the line. */
static void
test_error_format (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerrySimDb) db = NULL;
  const char *xml = "<database>\n<manifest>\n</manifest>\n<bogus/>\n</database>\n";

  db = ferry_sim_statedb_load_data (xml, strlen (xml), "pool-dump.xml", &error);
  g_assert_null (db);
  g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE);
  g_assert_cmpstr (error->message, ==, "pool-dump.xml:4: unknown element <bogus>");
  g_clear_error (&error);

  /* NUL-terminated data. */
  db = ferry_sim_statedb_load_data ("<database>", (gsize) -1, "short.xml", &error);
  g_assert_null (db);
  g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE);
  g_assert_true (g_str_has_prefix (error->message, "short.xml:1: "));
  g_assert_null (strstr (error->message, "Error on line"));
  g_clear_error (&error);

  db = ferry_sim_statedb_load_file ("/nonexistent/state.db", &error);
  g_assert_null (db);
  g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE);
  g_assert_true (g_str_has_prefix (error->message, "/nonexistent/state.db: "));
  g_clear_error (&error);

  /* A file whose error comes after several chunks gives the right line. */
  {
    g_autoptr(GString) big = g_string_new ("<database>\n" POOL_TABLE "\n<table name=\"VM\">\n");
    g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "big.xml", NULL);
    g_autofree char *expected = NULL;

    g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
    for (guint i = 0; i < 5000; i++)
      g_string_append_printf (big, "<row ref=\"OpaqueRef:%u\" uuid=\"%u\" name__label=\"vm%%.%u\"/>\n", i, i, i);
    g_string_append (big, "</table>\n<oops/>\n</database>\n");
    g_file_set_contents (path, big->str, big->len, &error);
    g_assert_no_error (error);

    db = ferry_sim_statedb_load_file (path, &error);
    g_assert_null (db);
    expected = g_strdup_printf ("%s:5005: unknown element <oops>", path);
    g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE);
    g_assert_cmpstr (error->message, ==, expected);
    g_clear_error (&error);

    /* Without the bad element it loads. */
    g_string_truncate (big, big->len - strlen ("<oops/>\n</database>\n"));
    g_string_append (big, "</database>\n");
    g_file_set_contents (path, big->str, big->len, &error);
    g_assert_no_error (error);
    db = ferry_sim_statedb_load_file (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (count_rows (db, "VM"), ==, 5000);
    g_assert_cmpstr (ferry_sim_row_get_string (ferry_sim_db_lookup (db, "OpaqueRef:4999"), "name_label"), ==, "vm 4999");
  }
}

/* GMarkup loses a newline that starts a chunk: a file where every 4 KiB block
 * starts with one still gives the right line, whatever the read size. */
static void
test_error_line_across_chunks (void)
{
  g_autoptr(GString) xml = g_string_new ("<database>" POOL_TABLE "<!--");
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "blocks.xml", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FerrySimDb) db = NULL;
  const guint n_blocks = 100;

  while (xml->len < 4096 - 3)
    g_string_append_c (xml, 'x');
  g_string_append (xml, "-->");
  for (guint i = 0; i < n_blocks; i++)
    {
      g_string_append (xml, "\n<!--");
      while (xml->len % 4096 != 4096 - 3)
        g_string_append_c (xml, 'x');
      g_string_append (xml, "-->");
    }
  g_string_append (xml, "\n<oops/></database>\n");
  for (guint i = 1; i <= n_blocks; i++)
    g_assert_cmpint (xml->str[i * 4096], ==, '\n');

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  g_file_set_contents (path, xml->str, xml->len, &error);
  g_assert_no_error (error);

  expected = g_strdup_printf ("%s:%u: unknown element <oops>", path, n_blocks + 2);
  db = ferry_sim_statedb_load_file (path, &error);
  g_assert_null (db);
  g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("blocks.xml:%u: unknown element <oops>", n_blocks + 2);
  db = ferry_sim_statedb_load_data (xml->str, xml->len, "blocks.xml", &error);
  g_assert_null (db);
  g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE);
  g_assert_cmpstr (error->message, ==, expected);
}

/* Every prefix of a real dump fails cleanly. */
static void
test_truncations (void)
{
  g_autofree char *path = build_testdata_path ("single-host-krakout.xml");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (path == NULL)
    return;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  for (gsize cut = 0; cut + 64 < length; cut += g_test_slow () ? 97 : 1999)
    {
      g_autoptr(FerrySimDb) db = ferry_sim_statedb_load_data (contents, cut, "cut.xml", &error);

      g_assert_null (db);
      g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE);
      g_assert_true (g_str_has_prefix (error->message, "cut.xml:"));
      g_clear_error (&error);
    }
}

/* Random damage never crashes: the result is a database or a FILE error. */
static void
test_mutations (void)
{
  g_autofree char *path = build_testdata_path ("boston-db.xml");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20250319);
  static const char alphabet[] = "<>/='\"()\\% _&;\xff\xc3\x80\0 azAZ09";
  guint n_loaded = 0;
  gsize length;

  if (path == NULL)
    return;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  for (guint round = 0; round < (g_test_slow () ? 2000u : 200u); round++)
    {
      g_autofree char *copy = g_memdup2 (contents, length);
      g_autoptr(FerrySimDb) db = NULL;
      guint n_changes = g_rand_int_range (rand, 1, 8);

      for (guint i = 0; i < n_changes; i++)
        copy[g_rand_int_range (rand, 0, length)] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];

      db = ferry_sim_statedb_load_data (copy, length, "mutant.xml", &error);
      if (db != NULL)
        {
          g_assert_no_error (error);
          n_loaded++;
        }
      else
        {
          g_assert_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE);
          g_clear_error (&error);
        }
    }

  /* Most damage lands inside values, which load. */
  g_assert_cmpuint (n_loaded, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sim/statedb/boston", test_boston);
  g_test_add_func ("/sim/statedb/krakout", test_krakout);
  g_test_add_func ("/sim/statedb/file-matches-data", test_file_matches_data);
  g_test_add_func ("/sim/statedb/sexpr-escapes", test_sexpr_escapes);
  g_test_add_func ("/sim/statedb/space-protection", test_space_protection);
  g_test_add_func ("/sim/statedb/unknown-ignored", test_unknown_ignored);
  g_test_add_func ("/sim/statedb/bad-values", test_bad_values);
  g_test_add_func ("/sim/statedb/errors", test_errors);
  g_test_add_func ("/sim/statedb/error-format", test_error_format);
  g_test_add_func ("/sim/statedb/error-line-across-chunks", test_error_line_across_chunks);
  g_test_add_func ("/sim/statedb/truncations", test_truncations);
  g_test_add_func ("/sim/statedb/mutations", test_mutations);

  return g_test_run ();
}
