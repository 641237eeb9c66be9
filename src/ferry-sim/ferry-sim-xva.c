/* ferry-sim-xva.c: simulated disk contents, and XVA streams as xapi's
 * export.ml / stream_vdi.ml write them and import.ml reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-xva"

#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "ferry-sim-checks.h"
#include "ferry-sim-error.h"
#include "ferry-sim-ops.h"
#include "ferry-sim-world.h"
#include "ferry-sim-wire.h"
#include "ferry-sim-xva.h"

#define TAR_BLOCK 512
#define MAX_OVA_SIZE (16 * 1024 * 1024)
#define GZIP_OUT_SIZE (256 * 1024)

/* Contents ------------------------------------------------------------------ */

static guint64
hash_seed (const char *text)
{
  guint64 h = 0xcbf29ce484222325ull;  /* FNV-1a */

  for (const guchar *p = (const guchar *) text; p && *p; p++)
    h = (h ^ *p) * 0x100000001b3ull;
  return h;
}

void
ferry_sim_disk_content_init (FerrySimDiskContent *content,
                             const char          *seed,
                             gint64               virtual_size,
                             gint64               written)
{
  content->seed = hash_seed (seed);
  content->virtual_size = MAX (virtual_size, 0);
  content->n_blocks = (content->virtual_size + FERRY_SIM_XVA_BLOCK_SIZE - 1) / FERRY_SIM_XVA_BLOCK_SIZE;
  written = CLAMP (written, 0, content->virtual_size);
  content->n_written = MIN (content->n_blocks, (written + FERRY_SIM_XVA_BLOCK_SIZE - 1) / FERRY_SIM_XVA_BLOCK_SIZE);
}

static const char *
vdi_seed (FerrySimPool *pool,
          FerrySimRow  *vdi)
{
  const char *seed = ferry_sim_pool_get_sim_attribute (pool, vdi->ref, FERRY_SIM_ATTR_CONTENT_SEED);

  return seed ? seed : ferry_sim_row_get_uuid (vdi);
}

static gint64
vdi_written (FerrySimPool *pool,
             FerrySimRow  *vdi)
{
  return (gint64) ferry_sim_pool_get_sim_number (pool, vdi->ref, FERRY_SIM_ATTR_CONTENT_WRITTEN,
                                                 (double) ferry_sim_row_get_int (vdi, "physical_utilisation"));
}

void
ferry_sim_disk_content_for_vdi (FerrySimDiskContent *content,
                                FerrySimPool        *pool,
                                FerrySimRow         *vdi)
{
  ferry_sim_disk_content_init (content, vdi_seed (pool, vdi), ferry_sim_row_get_int (vdi, "virtual_size"),
                               vdi_written (pool, vdi));
}

gboolean
ferry_sim_disk_content_is_written (const FerrySimDiskContent *content,
                                   gint64                     block)
{
  gint64 n = content->n_blocks, w = content->n_written;

  if (block < 0 || block >= n || w == 0)
    return FALSE;
  return ((block + 1) * w) / n > (block * w) / n;
}

gsize
ferry_sim_disk_content_block_length (const FerrySimDiskContent *content,
                                     gint64                     block)
{
  gint64 start = block * FERRY_SIM_XVA_BLOCK_SIZE;

  if (block < 0 || start >= content->virtual_size)
    return 0;
  return (gsize) MIN (FERRY_SIM_XVA_BLOCK_SIZE, content->virtual_size - start);
}

void
ferry_sim_disk_content_fill (const FerrySimDiskContent *content,
                             gint64                     block,
                             guint8                    *buffer)
{
  gsize length = ferry_sim_disk_content_block_length (content, block);
  guint64 x;
  gsize i;

  if (!ferry_sim_disk_content_is_written (content, block))
    {
      memset (buffer, 0, length);
      return;
    }

  x = content->seed ^ ((guint64) (block + 1) * 0x9e3779b97f4a7c15ull);
  if (x == 0)
    x = 1;
  for (i = 0; i + 8 <= length; i += 8)
    {
      guint64 v;

      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      v = x * 0x2545f4914f6cdd1dull;
      memcpy (buffer + i, &v, 8);
    }
  for (; i < length; i++)
    buffer[i] = (guint8) (i * 131 + 7);
  if (length > 0)
    buffer[0] |= 1;  /* a written block is never all zeros */
}

/* Tar ----------------------------------------------------------------------- */

void
ferry_sim_tar_header (guint8      header[TAR_BLOCK],
                      const char *name,
                      gint64      size)
{
  guint sum = 0;

  memset (header, 0, TAR_BLOCK);
  g_strlcpy ((char *) header, name, 100);
  memcpy (header + 100, "0000644", 8);
  memcpy (header + 108, "0000000", 8);
  memcpy (header + 116, "0000000", 8);
  g_snprintf ((char *) header + 124, 12, "%011" G_GINT64_MODIFIER "o", size);
  g_snprintf ((char *) header + 136, 12, "%011o", 0);
  header[156] = '0';
  memcpy (header + 257, "ustar", 6);
  memcpy (header + 263, "00", 2);
  memset (header + 148, ' ', 8);
  for (guint i = 0; i < TAR_BLOCK; i++)
    sum += header[i];
  g_snprintf ((char *) header + 148, 8, "%06o", sum);
  header[155] = ' ';
}

static void
append_entry (GByteArray   *out,
              const char   *name,
              const guint8 *data,
              gsize         length)
{
  guint8 header[TAR_BLOCK];
  static const guint8 zeros[TAR_BLOCK] = { 0 };

  ferry_sim_tar_header (header, name, length);
  g_byte_array_append (out, header, TAR_BLOCK);
  if (length > 0)
    g_byte_array_append (out, data, length);
  if (length % TAR_BLOCK != 0)
    g_byte_array_append (out, zeros, TAR_BLOCK - length % TAR_BLOCK);
}

/* Reads a tar header: FALSE for a zero block (the end). */
static gboolean
parse_tar_header (const guint8  header[TAR_BLOCK],
                  char        **name,
                  gint64       *size,
                  GError      **error)
{
  char field[13];
  char *end = NULL;
  gboolean zero = TRUE;

  for (guint i = 0; i < TAR_BLOCK && zero; i++)
    zero = header[i] == 0;
  if (zero)
    return FALSE;

  memcpy (field, header + 124, 12);
  field[12] = '\0';
  *size = (gint64) g_ascii_strtoull (field, &end, 8);
  *name = g_strndup ((const char *) header, 100);
  if (end == field || *size < 0)
    ferry_sim_set_failure (error, "IMPORT_ERROR_GENERIC", "Invalid XVA file: bad tar header", NULL);
  return TRUE;
}

/* Writer -------------------------------------------------------------------- */

typedef struct
{
  char                *prefix;   /* "Ref:3" */
  FerrySimDiskContent  content;
} Disk;

static void
disk_free (gpointer data)
{
  Disk *disk = data;

  g_free (disk->prefix);
  g_free (disk);
}

struct _FerrySimXvaWriter
{
  GString   *ova;
  GPtrArray *disks;     /* of Disk, in prefix order */
  guint      stage;     /* 0: ova.xml, 1: disks, 2: trailer, 3: done */
  guint      disk;
  gint64     block;
  guint8    *buffer;
  gint64     done;
  gint64     total;
  gboolean   corrupt;
};

static gboolean
block_is_sent (const FerrySimDiskContent *content,
               gint64                     block)
{
  /* stream_vdi.ml: "We always include the first and last blocks". */
  return block == 0 || block == content->n_blocks - 1 || ferry_sim_disk_content_is_written (content, block);
}

static gint
compare_disks (gconstpointer a,
               gconstpointer b)
{
  return strcmp ((*(Disk **) a)->prefix, (*(Disk **) b)->prefix);
}

/* A record with refs to exported objects as their ids, others as NULL. */
static void
write_record (GString     *out,
              FerrySimRow *row,
              GHashTable  *ids)
{
  g_string_append (out, "<value><struct>");
  for (guint i = 0; i < row->klass->n_fields; i++)
    {
      FerrySimField *field = &row->klass->fields[i];
      const FerrySimValue *value = &row->values[i];

      g_string_append (out, field->xml_key);
      if (field->type->kind == FERRY_SIM_TYPE_REF)
        {
          const char *id = g_hash_table_lookup (ids, ferry_sim_value_get_string (value));

          g_string_append (out, "<value>");
          ferry_sim_write_xml_text (out, id ? id : FERRY_SIM_NULL_REF);
          g_string_append (out, "</value>");
        }
      else if (field->type->kind == FERRY_SIM_TYPE_SET && field->type->element->kind == FERRY_SIM_TYPE_REF)
        {
          g_string_append (out, "<value><array><data>");
          for (guint j = 0; j < ferry_sim_value_get_length (value); j++)
            {
              const char *id = g_hash_table_lookup (ids, ferry_sim_value_get_string (ferry_sim_value_index (value, j)));

              if (id == NULL)
                continue;
              g_string_append (out, "<value>");
              ferry_sim_write_xml_text (out, id);
              g_string_append (out, "</value>");
            }
          g_string_append (out, "</data></array></value>");
        }
      else
        ferry_sim_value_write_xmlrpc (value, out);
      g_string_append (out, "</member>");
    }
  g_string_append (out, "</struct></value>");
}

static void
append_member (GString    *out,
               const char *name,
               const char *text)
{
  g_string_append_printf (out, "<member><name>%s</name><value>", name);
  ferry_sim_write_xml_text (out, text ? text : "");
  g_string_append (out, "</value></member>");
}

static void
write_version (GString     *out,
               FerrySimRow *master)
{
  const char *xapi = master ? ferry_sim_row_map_lookup (master, "software_version", "xapi") : NULL;
  g_auto(GStrv) parts = g_strsplit (xapi ? xapi : "1.20", ".", 2);

  g_string_append (out, "<value><struct>");
  append_member (out, "hostname", master ? ferry_sim_row_get_string (master, "hostname") : "");
  append_member (out, "date", master ? ferry_sim_row_map_lookup (master, "software_version", "date") : "");
  append_member (out, "product_version", master ? ferry_sim_row_map_lookup (master, "software_version", "product_version") : "");
  append_member (out, "product_brand", master ? ferry_sim_row_map_lookup (master, "software_version", "product_brand") : "");
  append_member (out, "build_number", master ? ferry_sim_row_map_lookup (master, "software_version", "build_number") : "");
  append_member (out, "xapi_major", parts[0]);
  append_member (out, "xapi_minor", parts[1] ? parts[1] : "0");
  append_member (out, "export_vsn", "2");
  g_string_append (out, "</struct></value>");
}

FerrySimXvaWriter *
ferry_sim_xva_writer_new (FerrySimPool *pool,
                          FerrySimRow  *vm)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  FerrySimXvaWriter *self = g_new0 (FerrySimXvaWriter, 1);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  g_autoptr(GPtrArray) vbds = ferry_sim_follow_set (db, vm, "VBDs");
  g_autoptr(GPtrArray) vifs = ferry_sim_follow_set (db, vm, "VIFs");
  g_autoptr(GPtrArray) extra = g_ptr_array_new ();

  self->disks = g_ptr_array_new_with_free_func (disk_free);
  self->buffer = g_malloc (FERRY_SIM_XVA_BLOCK_SIZE);

  /* export.ml: the VM, its VBDs, VDIs, VIFs, networks and SRs, each with an
   * id "Ref:<n>"; refs to anything else become OpaqueRef:NULL. */
  g_ptr_array_add (objects, vm);
  for (guint i = 0; i < vbds->len; i++)
    {
      FerrySimRow *vbd = g_ptr_array_index (vbds, i);
      FerrySimRow *vdi = ferry_sim_follow (db, vbd, "VDI");

      g_ptr_array_add (objects, vbd);
      if (vdi != NULL && !g_ptr_array_find (extra, vdi, NULL))
        g_ptr_array_add (extra, vdi);
    }
  for (guint i = 0; i < vifs->len; i++)
    g_ptr_array_add (objects, g_ptr_array_index (vifs, i));
  g_ptr_array_extend (objects, extra, NULL, NULL);
  for (guint i = 0; i < objects->len; i++)
    {
      FerrySimRow *row = g_ptr_array_index (objects, i);
      FerrySimRow *other = NULL;

      if (g_str_equal (row->klass->name, "VDI"))
        other = ferry_sim_follow (db, row, "SR");
      else if (g_str_equal (row->klass->name, "VIF"))
        other = ferry_sim_follow (db, row, "network");
      if (other != NULL && !g_ptr_array_find (objects, other, NULL))
        g_ptr_array_add (objects, other);
    }
  for (guint i = 0; i < objects->len; i++)
    g_hash_table_insert (ids, ((FerrySimRow *) g_ptr_array_index (objects, i))->ref, g_strdup_printf ("Ref:%u", i));

  self->ova = g_string_new ("<value><struct><member><name>version</name>");
  write_version (self->ova, ferry_sim_pool_get_master (pool));
  g_string_append (self->ova, "</member><member><name>objects</name><value><array><data>");
  for (guint i = 0; i < objects->len; i++)
    {
      FerrySimRow *row = g_ptr_array_index (objects, i);
      const char *id = g_hash_table_lookup (ids, row->ref);

      g_string_append (self->ova, "<value><struct>");
      append_member (self->ova, "class", row->klass->name);
      append_member (self->ova, "id", id);
      g_string_append (self->ova, "<member><name>snapshot</name>");
      write_record (self->ova, row, ids);
      g_string_append (self->ova, "</member></struct></value>");

      /* Disks (not CD images) are streamed. */
      if (g_str_equal (row->klass->name, "VDI") &&
          g_strcmp0 (ferry_sim_row_get_string (row, "type"), "iso") != 0)
        {
          Disk *disk = g_new0 (Disk, 1);

          disk->prefix = g_strdup (id);
          ferry_sim_disk_content_for_vdi (&disk->content, pool, row);
          g_ptr_array_add (self->disks, disk);
          for (gint64 b = 0; b < disk->content.n_blocks; b++)
            if (block_is_sent (&disk->content, b))
              self->total += ferry_sim_disk_content_block_length (&disk->content, b);
        }
    }
  g_string_append (self->ova, "</data></array></value></member></struct></value>");
  g_ptr_array_sort (self->disks, compare_disks);
  return self;
}

gboolean
ferry_sim_xva_writer_next (FerrySimXvaWriter *self,
                           GByteArray        *out)
{
  switch (self->stage)
    {
    case 0:
      append_entry (out, "ova.xml", (const guint8 *) self->ova->str, self->ova->len);
      self->stage = 1;
      return TRUE;

    case 1:
      while (self->disk < self->disks->len)
        {
          Disk *disk = g_ptr_array_index (self->disks, self->disk);

          while (self->block < disk->content.n_blocks && !block_is_sent (&disk->content, self->block))
            self->block++;
          if (self->block < disk->content.n_blocks)
            {
              gsize length = ferry_sim_disk_content_block_length (&disk->content, self->block);
              g_autofree char *name = g_strdup_printf ("%s/%08" G_GINT64_FORMAT, disk->prefix, self->block);
              g_autofree char *sum_name = g_strconcat (name, ".checksum", NULL);
              g_autofree char *sum = NULL;

              ferry_sim_disk_content_fill (&disk->content, self->block, self->buffer);
              sum = g_compute_checksum_for_data (G_CHECKSUM_SHA1, self->buffer, length);
              if (self->corrupt && length > 0)
                {
                  self->buffer[length / 2] ^= 0x55;
                  self->corrupt = FALSE;
                }
              append_entry (out, name, self->buffer, length);
              append_entry (out, sum_name, (const guint8 *) sum, strlen (sum));
              self->done += length;
              self->block++;
              return TRUE;
            }
          self->disk++;
          self->block = 0;
        }
      self->stage = 2;
      G_GNUC_FALLTHROUGH;

    case 2:
      {
        static const guint8 zeros[2 * TAR_BLOCK] = { 0 };

        g_byte_array_append (out, zeros, sizeof zeros);
        self->stage = 3;
        return TRUE;
      }

    default:
      return FALSE;
    }
}

gint64
ferry_sim_xva_writer_get_done (FerrySimXvaWriter *self)
{
  return self->done;
}

gint64
ferry_sim_xva_writer_get_total (FerrySimXvaWriter *self)
{
  return self->total;
}

void
ferry_sim_xva_writer_corrupt_next (FerrySimXvaWriter *self)
{
  self->corrupt = TRUE;
}

void
ferry_sim_xva_writer_free (FerrySimXvaWriter *self)
{
  if (self == NULL)
    return;
  g_string_free (self->ova, TRUE);
  g_ptr_array_unref (self->disks);
  g_free (self->buffer);
  g_free (self);
}

/* Reader -------------------------------------------------------------------- */

typedef struct
{
  char                *vdi_ref;
  FerrySimDiskContent  content;
  gint64               next_block;  /* blocks before it were received or skipped */
} ImportDisk;

typedef enum
{
  R_HEADER,
  R_DATA,
  R_END,
} ReaderState;

typedef enum
{
  ENTRY_OVA,
  ENTRY_BLOCK,
  ENTRY_CHECKSUM,
  ENTRY_SKIP,
} EntryKind;

struct _FerrySimXvaReader
{
  FerrySimPool *pool;
  FerrySimDb   *db;
  char         *sr_ref;
  gboolean      restore;

  gboolean      sniffed;
  GConverter   *gunzip;

  ReaderState   state;
  guint8        header[TAR_BLOCK];
  gsize         header_fill;
  guint         zero_headers;
  EntryKind     kind;
  char         *name;
  gint64        size;
  gint64        remaining;   /* entry bytes, padding included */
  gint64        data_left;   /* entry bytes, padding excluded */
  GByteArray   *small;       /* ova.xml or a checksum */

  GHashTable   *disks;       /* prefix → ImportDisk */
  ImportDisk   *disk;        /* of the current block */
  gint64        block;
  guint8       *expected;
  gsize         pos;
  gboolean      differs;
  GChecksum    *sha1;
  char         *block_name;  /* the last block and its SHA-1 */
  char         *block_sum;

  GPtrArray    *created;     /* refs, in order of creation */
  char         *vm_ref;
  gint64        verified;
  gint64        total;
  gboolean      seen_ova;
};

static void
import_disk_free (gpointer data)
{
  ImportDisk *disk = data;

  g_free (disk->vdi_ref);
  g_free (disk);
}

FerrySimXvaReader *
ferry_sim_xva_reader_new (FerrySimPool *pool,
                          const char   *sr_ref,
                          gboolean      restore)
{
  FerrySimXvaReader *self = g_new0 (FerrySimXvaReader, 1);

  self->pool = g_object_ref (pool);
  self->db = ferry_sim_pool_get_db (pool);
  self->sr_ref = g_strdup (sr_ref);
  self->restore = restore;
  self->small = g_byte_array_new ();
  self->disks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, import_disk_free);
  self->expected = g_malloc (FERRY_SIM_XVA_BLOCK_SIZE);
  self->created = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
ferry_sim_xva_reader_free (FerrySimXvaReader *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->gunzip);
  g_clear_object (&self->pool);
  g_byte_array_unref (self->small);
  g_hash_table_unref (self->disks);
  g_clear_pointer (&self->sha1, g_checksum_free);
  g_ptr_array_unref (self->created);
  g_free (self->expected);
  g_free (self->sr_ref);
  g_free (self->name);
  g_free (self->block_name);
  g_free (self->block_sum);
  g_free (self->vm_ref);
  g_free (self);
}

const char *
ferry_sim_xva_reader_get_vm_ref (FerrySimXvaReader *self)
{
  return self->vm_ref;
}

gint64
ferry_sim_xva_reader_get_verified (FerrySimXvaReader *self)
{
  return self->verified;
}

gint64
ferry_sim_xva_reader_get_total (FerrySimXvaReader *self)
{
  return self->total;
}

void
ferry_sim_xva_reader_abort (FerrySimXvaReader *self)
{
  for (guint i = self->created->len; i > 0; i--)
    {
      const char *ref = g_ptr_array_index (self->created, i - 1);
      FerrySimRow *row = ferry_sim_db_lookup (self->db, ref);

      if (row == NULL)
        continue;
      if (g_str_equal (row->klass->name, "VDI"))
        ferry_sim_ops_destroy_vdi (self->db, row);
      else
        ferry_sim_db_delete_row (self->db, row);
    }
  g_ptr_array_set_size (self->created, 0);
  g_clear_pointer (&self->vm_ref, g_free);
}

static gboolean
fail_generic (GError    **error,
              const char *format,
              ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail_generic (GError    **error,
              const char *format,
              ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  ferry_sim_set_failure (error, "IMPORT_ERROR_GENERIC", message, NULL);
  return FALSE;
}

/* ova.xml → objects in the database (import.ml handle_all, simplified). */

static const char * const skipped_fields[] = {
  "uuid", "current_operations", "allowed_operations", "resident_on", "power_state", "domid",
  "metrics", "guest_metrics", "snapshots", "parent", "snapshot_of", "consoles", "crash_dumps",
  "attached_PCIs", "VGPUs", "VUSBs", "currently_attached", "scheduled_to_be_resident_on",
  "affinity", "suspend_VDI", "suspend_SR", "location", "physical_utilisation", "SR", "VM", "VDI",
  "network", "is_a_snapshot", "snapshot_time", "is_control_domain", "sm_config", "cbt_enabled",
  "xenstore_data", "other_config", NULL,
};

static FerrySimRow *
find_network (FerrySimDb *db,
              const char *name)
{
  GPtrArray *networks = ferry_sim_db_get_rows_by_name (db, "network");

  for (guint i = 0; i < networks->len; i++)
    if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (networks, i), "name_label"), name) == 0)
      return g_ptr_array_index (networks, i);
  for (guint i = 0; i < networks->len; i++)
    if (ferry_sim_value_get_length (ferry_sim_row_get (g_ptr_array_index (networks, i), "PIFs")) > 0)
      return g_ptr_array_index (networks, i);
  return networks->len > 0 ? g_ptr_array_index (networks, 0) : NULL;
}

/* The contents the source VDI has: found in the world by UUID, else from the record. */
static void
expected_content (FerrySimXvaReader   *self,
                  const FerrySimValue *record,
                  char               **seed,
                  gint64              *written)
{
  const char *uuid = ferry_sim_value_lookup_string (record, "uuid");
  FerrySimWorld *world = ferry_sim_pool_get_world (self->pool);
  GPtrArray *pools = world ? ferry_sim_world_get_pools (world) : NULL;
  FerrySimClass *klass = ferry_sim_schema_lookup_class ("VDI");

  for (guint i = 0; pools != NULL && uuid != NULL && i < pools->len; i++)
    {
      FerrySimPool *pool = g_ptr_array_index (pools, i);
      FerrySimRow *vdi = ferry_sim_db_lookup_uuid (ferry_sim_pool_get_db (pool), klass, uuid);

      if (vdi != NULL)
        {
          *seed = g_strdup (vdi_seed (pool, vdi));
          *written = vdi_written (pool, vdi);
          return;
        }
    }
  *seed = g_strdup (uuid ? uuid : "");
  *written = g_ascii_strtoll (ferry_sim_value_lookup_string (record, "physical_utilisation") ?: "0", NULL, 10);
}

static gboolean
create_objects (FerrySimXvaReader *self,
                GError           **error)
{
  g_autofree char *wrapped = NULL;
  g_auto(FerrySimRequest) request = { 0 };
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  FerrySimRow *sr = ferry_sim_db_lookup_in (self->db, "SR", self->sr_ref);
  const FerrySimValue *header, *objects;
  gint64 need = 0;
  g_autoptr(GError) local = NULL;

  wrapped = g_strdup_printf ("<?xml version=\"1.0\"?><methodCall><methodName>ova</methodName>"
                             "<params><param>%.*s</param></params></methodCall>",
                             (int) self->small->len, (const char *) self->small->data);
  if (!ferry_sim_request_parse_xmlrpc (wrapped, strlen (wrapped), &request, &local) ||
      ferry_sim_value_get_length (&request.params) != 1)
    return fail_generic (error, "Invalid XVA file: ova.xml is not an XML-RPC value (%s)",
                         local ? local->message : "no value");
  header = ferry_sim_value_index (&request.params, 0);
  objects = ferry_sim_value_lookup (header, "objects");
  if (ferry_sim_value_lookup (header, "version") == NULL || objects == NULL ||
      objects->kind != FERRY_SIM_VALUE_ARRAY)
    return fail_generic (error, "Invalid XVA file: ova.xml has no version or objects");

  /* Pass 1: rows, and what each id stands for. SRs are the target SR;
   * networks one of the same name, else one with PIFs. */
  for (guint i = 0; i < ferry_sim_value_get_length (objects); i++)
    {
      const FerrySimValue *object = ferry_sim_value_index (objects, i);
      const char *cls = ferry_sim_value_lookup_string (object, "class");
      const char *id = ferry_sim_value_lookup_string (object, "id");
      const FerrySimValue *record = ferry_sim_value_lookup (object, "snapshot");
      FerrySimRow *row = NULL;

      if (cls == NULL || id == NULL || record == NULL || record->kind != FERRY_SIM_VALUE_MAP)
        return fail_generic (error, "Invalid XVA file: object %u has no class, id or snapshot", i);

      if (g_str_equal (cls, "SR"))
        {
          g_hash_table_insert (table, g_strdup (id), g_strdup (self->sr_ref));
          continue;
        }
      if (g_str_equal (cls, "network"))
        {
          FerrySimRow *network = find_network (self->db, ferry_sim_value_lookup_string (record, "name_label"));

          if (network != NULL)
            g_hash_table_insert (table, g_strdup (id), g_strdup (network->ref));
          continue;
        }
      if (!g_str_equal (cls, "VM") && !g_str_equal (cls, "VBD") && !g_str_equal (cls, "VDI") &&
          !g_str_equal (cls, "VIF"))
        continue;

      if (g_str_equal (cls, "VM") && self->vm_ref != NULL)
        continue;  /* snapshots are not imported */
      if (g_str_equal (cls, "VM") && self->restore)
        {
          FerrySimClass *klass = ferry_sim_schema_lookup_class ("VM");
          const char *uuid = ferry_sim_value_lookup_string (record, "uuid");

          if (uuid != NULL && ferry_sim_db_lookup_uuid (self->db, klass, uuid) != NULL)
            {
              ferry_sim_set_failure (error, "VM_BAD_POWER_STATE", uuid, "halted", "halted", NULL);
              return FALSE;
            }
          row = ferry_sim_db_create_row (self->db, klass, NULL, uuid);
        }
      else
        row = ferry_sim_db_create (self->db, cls);
      g_ptr_array_add (self->created, g_strdup (row->ref));
      g_hash_table_insert (table, g_strdup (id), g_strdup (row->ref));
      if (g_str_equal (cls, "VM"))
        self->vm_ref = g_strdup (row->ref);
    }
  if (self->vm_ref == NULL)
    return fail_generic (error, "Invalid XVA file: ova.xml has no VM");

  /* Pass 2: fields. */
  for (guint i = 0; i < ferry_sim_value_get_length (objects); i++)
    {
      const FerrySimValue *object = ferry_sim_value_index (objects, i);
      const char *cls = ferry_sim_value_lookup_string (object, "class");
      const char *id = ferry_sim_value_lookup_string (object, "id");
      const FerrySimValue *record = ferry_sim_value_lookup (object, "snapshot");
      const char *ref = g_hash_table_lookup (table, id);
      FerrySimRow *row = ref ? ferry_sim_db_lookup (self->db, ref) : NULL;

      /* Only what the import made: SRs and networks are the destination's own. */
      if (row == NULL || !g_str_equal (row->klass->name, cls) ||
          !g_ptr_array_find_with_equal_func (self->created, row->ref, g_str_equal, NULL))
        continue;

      for (guint f = 0; f < ferry_sim_value_get_length (record); f++)
        {
          const FerrySimPair *pair = ferry_sim_value_pair (record, f);
          FerrySimField *field = ferry_sim_class_lookup_field (row->klass, pair->key);
          g_auto(FerrySimValue) value = FERRY_SIM_VALUE_INIT;

          if (field == NULL || g_strv_contains (skipped_fields, pair->key) ||
              field->type->kind == FERRY_SIM_TYPE_REF ||
              (field->type->kind == FERRY_SIM_TYPE_SET && field->type->element->kind == FERRY_SIM_TYPE_REF))
            continue;
          if (ferry_sim_type_coerce (field->type, &pair->value, &value))
            ferry_sim_db_set (self->db, row, field, &value);
        }

      if (g_str_equal (cls, "VM"))
        {
          FerrySimRow *metrics = ferry_sim_db_create (self->db, "VM_metrics");

          g_ptr_array_add (self->created, g_strdup (metrics->ref));
          ferry_sim_db_set_string (self->db, row, "power_state", "Halted");
          ferry_sim_ops_set_ref (self->db, row, "metrics", metrics->ref);
          ferry_sim_db_set_int (self->db, metrics, "VCPUs_number", ferry_sim_row_get_int (row, "VCPUs_at_startup"));
        }
      else if (g_str_equal (cls, "VBD") || g_str_equal (cls, "VIF"))
        {
          const char *vm = g_hash_table_lookup (table, ferry_sim_value_lookup_string (record, "VM") ?: "");
          const char *other_field = g_str_equal (cls, "VBD") ? "VDI" : "network";
          const char *other = g_hash_table_lookup (table, ferry_sim_value_lookup_string (record, other_field) ?: "");

          if (vm == NULL || !g_str_equal (vm, self->vm_ref))
            {
              ferry_sim_db_delete_row (self->db, row);  /* a snapshot's device */
              continue;
            }
          ferry_sim_ops_set_ref (self->db, row, "VM", vm);
          ferry_sim_ops_set_ref (self->db, row, other_field, other);
        }
      else if (g_str_equal (cls, "VDI"))
        {
          ImportDisk *disk = g_new0 (ImportDisk, 1);
          g_autofree char *seed = NULL;
          g_autofree char *written_text = NULL;
          gint64 written = 0, virt = ferry_sim_row_get_int (row, "virtual_size"), phys;
          gboolean thick = sr && g_strcmp0 (ferry_sim_row_map_lookup (sr, "sm_config", "allocation"), "thick") == 0;

          expected_content (self, record, &seed, &written);
          ferry_sim_disk_content_init (&disk->content, seed, virt, written);
          disk->vdi_ref = g_strdup (row->ref);
          g_hash_table_insert (self->disks, g_strdup (id), disk);
          self->total += virt;

          phys = thick ? virt : MIN (virt, disk->content.n_written * FERRY_SIM_XVA_BLOCK_SIZE);
          need += phys;
          ferry_sim_ops_set_ref (self->db, row, "SR", self->sr_ref);
          ferry_sim_db_set_int (self->db, row, "physical_utilisation", phys);
          ferry_sim_db_set_string (self->db, row, "location", ferry_sim_row_get_uuid (row));
          ferry_sim_ops_sr_adjust (self->db, sr, phys, virt);
          written_text = g_strdup_printf ("%" G_GINT64_FORMAT, written);
          ferry_sim_pool_set_sim_attribute (self->pool, row->ref, FERRY_SIM_ATTR_CONTENT_SEED, seed);
          ferry_sim_pool_set_sim_attribute (self->pool, row->ref, FERRY_SIM_ATTR_CONTENT_WRITTEN, written_text);
        }
    }

  /* The SR must hold the disks (the SM fails when it runs out). */
  if (sr != NULL && ferry_sim_ops_sr_free (sr) < 0)
    {
      ferry_sim_ops_set_no_space (error, sr, FALSE);
      return FALSE;
    }
  (void) need;
  return TRUE;
}

/* Entries */

static gboolean
start_entry (FerrySimXvaReader *self,
             GError           **error)
{
  const char *slash;
  g_autofree char *prefix = NULL;

  g_byte_array_set_size (self->small, 0);
  self->kind = ENTRY_SKIP;

  if (!self->seen_ova)
    {
      if (!g_str_equal (self->name, "ova.xml"))
        {
          ferry_sim_set_failure (error, "IMPORT_ERROR_UNEXPECTED_FILE", "ova.xml", self->name, NULL);
          return FALSE;
        }
      if (self->size > MAX_OVA_SIZE)
        return fail_generic (error, "Invalid XVA file: ova.xml is too big");
      self->kind = ENTRY_OVA;
      return TRUE;
    }

  slash = strchr (self->name, '/');
  if (slash == NULL)
    return fail_generic (error, "Invalid XVA file: unexpected entry %s", self->name);
  prefix = g_strndup (self->name, slash - self->name);

  if (g_str_has_suffix (self->name, ".checksum"))
    {
      g_autofree char *block = g_strndup (self->name, strlen (self->name) - strlen (".checksum"));

      if (g_strcmp0 (block, self->block_name) != 0 || self->size > 128)
        return fail_generic (error, "Invalid XVA file: checksum %s follows no block", self->name);
      self->kind = ENTRY_CHECKSUM;
      return TRUE;
    }
  if (g_str_has_suffix (self->name, ".xxhash"))
    return fail_generic (error, "Found unsupported checksum file: %s (the simulator checks SHA-1 only)", self->name);

  self->disk = g_hash_table_lookup (self->disks, prefix);
  if (self->disk == NULL)
    return fail_generic (error, "Invalid XVA file: no disk %s in ova.xml", prefix);
  if (self->block_name != NULL && self->block_sum != NULL)
    return fail_generic (error, "Invalid XVA file: block %s has no checksum", self->block_name);

  {
    char *end = NULL;
    gint64 block = g_ascii_strtoll (slash + 1, &end, 10);
    gsize length;

    if (end == slash + 1 || *end != '\0' || block < self->disk->next_block || block >= self->disk->content.n_blocks)
      return fail_generic (error, "Invalid XVA file: block %s out of order", self->name);
    length = ferry_sim_disk_content_block_length (&self->disk->content, block);
    if (self->size != 0 && (gsize) self->size != length)
      return fail_generic (error, "Invalid XVA file: block %s has %" G_GINT64_FORMAT " bytes, not %" G_GSIZE_FORMAT,
                           self->name, self->size, length);
    if (self->size == 0)
      {
        /* A keep-alive entry (stream_vdi.ml timeout workaround), with its checksum. */
        g_free (self->block_name);
        self->block_name = g_strdup (self->name);
        g_free (self->block_sum);
        self->block_sum = g_compute_checksum_for_data (G_CHECKSUM_SHA1, (const guchar *) "", 0);
        self->differs = FALSE;
        return TRUE;
      }

    /* Skipped blocks are all zeros: so must the source's be. */
    for (gint64 b = self->disk->next_block; b < block; b++)
      {
        if (ferry_sim_disk_content_is_written (&self->disk->content, b))
          return fail_generic (error, "Disk %s: block %" G_GINT64_FORMAT " holds data but was not sent", prefix, b);
        self->verified += ferry_sim_disk_content_block_length (&self->disk->content, b);
      }
    self->block = block;
    self->disk->next_block = block + 1;
    ferry_sim_disk_content_fill (&self->disk->content, block, self->expected);
    self->pos = 0;
    self->differs = FALSE;
    g_clear_pointer (&self->sha1, g_checksum_free);
    self->sha1 = g_checksum_new (G_CHECKSUM_SHA1);
    g_free (self->block_name);
    self->block_name = g_strdup (self->name);
    self->kind = ENTRY_BLOCK;
  }
  return TRUE;
}

static gboolean
end_entry (FerrySimXvaReader *self,
           GError           **error)
{
  switch (self->kind)
    {
    case ENTRY_OVA:
      self->seen_ova = TRUE;
      return create_objects (self, error);

    case ENTRY_BLOCK:
      g_free (self->block_sum);
      self->block_sum = g_strdup (g_checksum_get_string (self->sha1));
      self->verified += self->pos;
      return TRUE;

    case ENTRY_CHECKSUM:
      {
        g_autofree char *original = g_strstrip (g_strndup ((const char *) self->small->data, self->small->len));
        g_autofree char *recomputed = g_steal_pointer (&self->block_sum);

        /* stream_vdi.ml verify_inline_checksum */
        if (recomputed == NULL || g_ascii_strcasecmp (original, recomputed) != 0)
          return fail_generic (error, "Block %s checksum failed: original = %s; recomputed = %s",
                               self->block_name, original, recomputed ? recomputed : "");
        if (self->differs)
          return fail_generic (error, "Block %s differs from the source disk", self->block_name);
        return TRUE;
      }

    case ENTRY_SKIP:
    default:
      return TRUE;
    }
}

static gboolean
take_data (FerrySimXvaReader *self,
           const guint8      *data,
           gsize              length,
           GError           **error)
{
  switch (self->kind)
    {
    case ENTRY_OVA:
    case ENTRY_CHECKSUM:
      g_byte_array_append (self->small, data, length);
      break;
    case ENTRY_BLOCK:
      g_checksum_update (self->sha1, data, length);
      if (!self->differs && memcmp (self->expected + self->pos, data, length) != 0)
        self->differs = TRUE;
      self->pos += length;
      break;
    case ENTRY_SKIP:
    default:
      break;
    }
  return TRUE;
}

static gboolean
parse (FerrySimXvaReader *self,
       const guint8      *data,
       gsize              length,
       GError           **error)
{
  while (length > 0)
    {
      if (self->state == R_END)
        return TRUE;  /* whatever follows the end is ignored */

      if (self->state == R_HEADER)
        {
          gsize n = MIN (length, TAR_BLOCK - self->header_fill);
          gboolean entry;

          memcpy (self->header + self->header_fill, data, n);
          self->header_fill += n;
          data += n;
          length -= n;
          if (self->header_fill < TAR_BLOCK)
            return TRUE;
          self->header_fill = 0;

          g_clear_pointer (&self->name, g_free);
          entry = parse_tar_header (self->header, &self->name, &self->size, error);
          if (error && *error)
            return FALSE;
          if (!entry)
            {
              if (++self->zero_headers == 2 || self->seen_ova)
                self->state = R_END;
              continue;
            }
          self->data_left = self->size;
          self->remaining = (self->size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
          if (!start_entry (self, error))
            return FALSE;
          if (self->remaining == 0)
            {
              if (!end_entry (self, error))
                return FALSE;
              continue;
            }
          self->state = R_DATA;
          continue;
        }

      /* R_DATA */
      {
        gsize n = (gsize) MIN ((gint64) length, self->remaining);
        gsize useful = (gsize) MIN ((gint64) n, self->data_left);

        if (useful > 0 && !take_data (self, data, useful, error))
          return FALSE;
        self->data_left -= useful;
        self->remaining -= n;
        data += n;
        length -= n;
        if (self->remaining == 0)
          {
            self->state = R_HEADER;
            if (!end_entry (self, error))
              return FALSE;
          }
      }
    }
  return TRUE;
}

gboolean
ferry_sim_xva_reader_feed (FerrySimXvaReader *self,
                           const guint8      *data,
                           gsize              length,
                           GError           **error)
{
  if (!self->sniffed && length > 0)
    {
      self->sniffed = TRUE;
      if (length >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        self->gunzip = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
      else if (length >= 4 && data[0] == 0x28 && data[1] == 0xb5 && data[2] == 0x2f && data[3] == 0xfd)
        return fail_generic (error, "zstd-compressed imports are not supported by the simulator");
    }

  if (self->gunzip == NULL)
    return parse (self, data, length, error);

  {
    g_autofree guint8 *out = g_malloc (GZIP_OUT_SIZE);

    while (length > 0)
      {
        gsize read = 0, written = 0;
        g_autoptr(GError) local = NULL;
        GConverterResult result;

        result = g_converter_convert (self->gunzip, data, length, out, GZIP_OUT_SIZE,
                                      G_CONVERTER_NO_FLAGS, &read, &written, &local);
        if (result == G_CONVERTER_ERROR)
          return fail_generic (error, "The gzip stream is corrupt: %s", local->message);
        data += read;
        length -= read;
        if (written > 0 && !parse (self, out, written, error))
          return FALSE;
        if (result == G_CONVERTER_FINISHED)
          break;
        if (read == 0 && written == 0)
          break;
      }
  }
  return TRUE;
}

gboolean
ferry_sim_xva_reader_is_complete (FerrySimXvaReader *self)
{
  return self->gunzip == NULL && self->state == R_END;
}

gboolean
ferry_sim_xva_reader_finish (FerrySimXvaReader *self,
                             GError           **error)
{
  GHashTableIter iter;
  ImportDisk *disk;

  if (!self->seen_ova || self->state == R_DATA || (self->block_name != NULL && self->block_sum != NULL))
    {
      ferry_sim_set_failure (error, "IMPORT_ERROR_PREMATURE_EOF", NULL);
      return FALSE;
    }

  /* Every disk ends with its last block (always sent). */
  g_hash_table_iter_init (&iter, self->disks);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &disk))
    if (disk->next_block < disk->content.n_blocks)
      {
        ferry_sim_set_failure (error, "IMPORT_ERROR_PREMATURE_EOF", NULL);
        return FALSE;
      }
  return TRUE;
}
