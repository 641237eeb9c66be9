/* ferry-sim-scenario.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-scenario"

#include "config.h"

#include <errno.h>
#include <math.h>  /* isfinite(), a macro */
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "ferry-sim-builder.h"
#include "ferry-sim-error.h"
#include "ferry-sim-scenario.h"

/* Scenario files are small; anything deeper is an attack or a mistake. */
#define MAX_DEPTH 64
#define MAX_SIZE  (G_GINT64_CONSTANT (1) << 60)

/* Where each JSON node came from ----------------------------------------- */

typedef struct
{
  const char *file;
  GHashTable *member_lines;    /* JsonObject -> (name -> line) */
  GHashTable *container_lines; /* JsonObject or JsonArray -> line of its opening bracket */
  GHashTable *element_lines;   /* JsonArray -> GArray of guint */
  GArray     *open_lines;      /* lines of the containers being parsed */
  guint       duplicate_line;
  char       *duplicate_key;
  GHashTable *host_names;      /* every host in the scenario: name -> line */
  GHashTable *pool_names;      /* name -> line */
  GError     *error;
} Ctx;

static void
ctx_clear (Ctx *ctx)
{
  g_clear_pointer (&ctx->member_lines, g_hash_table_unref);
  g_clear_pointer (&ctx->container_lines, g_hash_table_unref);
  g_clear_pointer (&ctx->element_lines, g_hash_table_unref);
  g_clear_pointer (&ctx->open_lines, g_array_unref);
  g_clear_pointer (&ctx->duplicate_key, g_free);
  g_clear_pointer (&ctx->host_names, g_hash_table_unref);
  g_clear_pointer (&ctx->pool_names, g_hash_table_unref);
  g_clear_error (&ctx->error);
}

static gboolean fail (Ctx *ctx, guint line, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (Ctx        *ctx,
      guint       line,
      const char *format,
      ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  if (ctx->error != NULL)
    return FALSE;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (&ctx->error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE, "%s:%u: %s",
               ctx->file, MAX (line, 1), problem);
  return FALSE;
}

static void
on_container_start (JsonParser *parser,
                    gpointer    user_data)
{
  Ctx *ctx = user_data;
  guint line = json_parser_get_current_line (parser);

  g_array_append_val (ctx->open_lines, line);
}

static void
on_container_end (JsonParser *parser,
                  gpointer    container,
                  gpointer    user_data)
{
  Ctx *ctx = user_data;
  guint line = 0;

  if (ctx->open_lines->len > 0)
    {
      line = g_array_index (ctx->open_lines, guint, ctx->open_lines->len - 1);
      g_array_set_size (ctx->open_lines, ctx->open_lines->len - 1);
    }
  g_hash_table_insert (ctx->container_lines, container, GUINT_TO_POINTER (line));
}

static void
on_object_member (JsonParser *parser,
                  JsonObject *object,
                  const char *name,
                  gpointer    user_data)
{
  Ctx *ctx = user_data;
  GHashTable *lines = g_hash_table_lookup (ctx->member_lines, object);
  guint line = json_parser_get_current_line (parser);

  if (lines == NULL)
    {
      lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (ctx->member_lines, object, lines);
    }
  /* json-glib keeps the last of two equal keys: a silent typo trap. */
  if (g_hash_table_contains (lines, name) && ctx->duplicate_key == NULL)
    {
      ctx->duplicate_key = g_strdup (name);
      ctx->duplicate_line = line;
    }
  g_hash_table_insert (lines, g_strdup (name), GUINT_TO_POINTER (line));
}

static void
on_array_element (JsonParser *parser,
                  JsonArray  *array,
                  int         index,
                  gpointer    user_data)
{
  Ctx *ctx = user_data;
  GArray *lines = g_hash_table_lookup (ctx->element_lines, array);
  guint line = json_parser_get_current_line (parser);

  if (lines == NULL)
    {
      lines = g_array_new (FALSE, TRUE, sizeof (guint));
      g_hash_table_insert (ctx->element_lines, array, lines);
    }
  if (index >= 0 && (guint) index >= lines->len)
    g_array_set_size (lines, index + 1);
  if (index >= 0)
    g_array_index (lines, guint, index) = line;
}

static guint
container_line (Ctx      *ctx,
                gpointer  container)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (ctx->container_lines, container));
}

static guint
node_line (Ctx      *ctx,
           JsonNode *node,
           guint     fallback)
{
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return container_line (ctx, json_node_get_object (node));
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    return container_line (ctx, json_node_get_array (node));
  return fallback;
}

static guint
member_line (Ctx        *ctx,
             JsonObject *object,
             const char *key)
{
  GHashTable *lines = g_hash_table_lookup (ctx->member_lines, object);
  guint line = lines ? GPOINTER_TO_UINT (g_hash_table_lookup (lines, key)) : 0;

  if (line == 0)
    line = container_line (ctx, object);
  return node_line (ctx, json_object_get_member (object, key), line);
}

static guint
element_line (Ctx       *ctx,
              JsonArray *array,
              guint      index)
{
  GArray *lines = g_hash_table_lookup (ctx->element_lines, array);
  guint line = lines && index < lines->len ? g_array_index (lines, guint, index) : container_line (ctx, array);

  return node_line (ctx, json_array_get_element (array, index), line);
}

/* Checked access to JSON values ------------------------------------------ */

static const char *
node_kind (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN: return "a boolean";
    case G_TYPE_STRING:  return "a string";
    default:             return "a number";
    }
}

static gboolean
node_is (JsonNode *node,
         GType     type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* Rejects keys not in @allowed; "comment" is allowed everywhere. */
static gboolean
check_keys (Ctx                *ctx,
            JsonObject         *object,
            const char         *what,
            const char * const *allowed)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      gboolean known = g_str_equal (key, "comment");

      for (guint i = 0; !known && allowed[i]; i++)
        known = g_str_equal (key, allowed[i]);
      if (!known)
        return fail (ctx, member_line (ctx, object, key), "unknown key '%s' in %s", key, what);
    }
  return TRUE;
}

static gboolean
get_object_node (Ctx         *ctx,
                 JsonNode    *node,
                 guint        line,
                 const char  *what,
                 JsonObject **out)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fail (ctx, line, "%s must be an object, not %s", what, node_kind (node));
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
get_string (Ctx         *ctx,
            JsonObject  *object,
            const char  *key,
            gboolean     required,
            const char  *what,
            const char **out)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return required ? fail (ctx, container_line (ctx, object), "%s has no '%s'", what, key) : TRUE;
  if (!node_is (node, G_TYPE_STRING))
    return fail (ctx, member_line (ctx, object, key), "'%s' must be a string, not %s", key, node_kind (node));
  *out = json_node_get_string (node);
  return TRUE;
}

/* A non-empty name. */
static gboolean
get_name (Ctx         *ctx,
          JsonObject  *object,
          const char  *what,
          const char **out)
{
  if (!get_string (ctx, object, "name", TRUE, what, out))
    return FALSE;
  if (**out == '\0')
    return fail (ctx, member_line (ctx, object, "name"), "%s has an empty name", what);
  return TRUE;
}

static gboolean
get_bool (Ctx        *ctx,
          JsonObject *object,
          const char *key,
          gboolean   *out)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return TRUE;
  if (!node_is (node, G_TYPE_BOOLEAN))
    return fail (ctx, member_line (ctx, object, key), "'%s' must be true or false, not %s", key, node_kind (node));
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
get_int (Ctx        *ctx,
         JsonObject *object,
         const char *key,
         gint64      min,
         gint64      max,
         gint64     *out)
{
  JsonNode *node = json_object_get_member (object, key);
  gint64 v;

  if (node == NULL)
    return TRUE;
  if (!node_is (node, G_TYPE_INT64))
    return fail (ctx, member_line (ctx, object, key), "'%s' must be a whole number, not %s", key, node_kind (node));
  v = json_node_get_int (node);
  if (v < min || v > max)
    return fail (ctx, member_line (ctx, object, key),
                 "'%s' must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT, key, min, max);
  *out = v;
  return TRUE;
}

static gboolean
node_number (JsonNode *node,
             double   *out)
{
  if (node_is (node, G_TYPE_INT64))
    *out = (double) json_node_get_int (node);
  else if (node_is (node, G_TYPE_DOUBLE))
    *out = json_node_get_double (node);
  else
    return FALSE;
  return isfinite (*out);
}

static gboolean
get_number (Ctx        *ctx,
            JsonObject *object,
            const char *key,
            double      min,
            double      max,
            double     *out)
{
  JsonNode *node = json_object_get_member (object, key);
  double v;

  if (node == NULL)
    return TRUE;
  if (!node_number (node, &v))
    return fail (ctx, member_line (ctx, object, key), "'%s' must be a number, not %s", key, node_kind (node));
  if (v < min || v > max)
    return fail (ctx, member_line (ctx, object, key), "'%s' must be between %g and %g", key, min, max);
  *out = v;
  return TRUE;
}

/* Rounds down a non-negative number without libm. */
static double
floor_positive (double value)
{
  return value >= 9e18 ? value : (double) (gint64) value;
}

/* "40 GiB", "1.5TiB", "512 MiB", "40 GB" (decimal), "4096" (bytes). */
typedef struct
{
  const char *name;
  double      factor;
} Unit;

static gboolean
parse_number_unit (const char  *text,
                   const Unit  *units,
                   double      *number,
                   const Unit **unit)
{
  const char *p = text;
  const char *start;
  g_autofree char *digits = NULL;
  char *end = NULL;

  while (g_ascii_isspace (*p))
    p++;
  start = p;
  while (g_ascii_isdigit (*p))
    p++;
  if (p == start)
    return FALSE;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  digits = g_strndup (start, p - start);
  *number = g_ascii_strtod (digits, &end);
  if (end == NULL || *end != '\0' || !isfinite (*number))
    return FALSE;

  while (g_ascii_isspace (*p))
    p++;
  for (guint i = 0; units[i].name; i++)
    {
      gsize len = strlen (units[i].name);
      const char *q = p + len;

      if (g_ascii_strncasecmp (p, units[i].name, len) != 0)
        continue;
      while (g_ascii_isspace (*q))
        q++;
      if (*q != '\0')
        continue;
      *unit = &units[i];
      return TRUE;
    }
  return FALSE;
}

static const Unit size_units[] = {
  { "KiB", 1024.0 }, { "MiB", 1048576.0 }, { "GiB", 1073741824.0 },
  { "TiB", 1099511627776.0 }, { "PiB", 1125899906842624.0 },
  { "KB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 }, { "TB", 1e12 }, { "PB", 1e15 },
  { "K", 1024.0 }, { "M", 1048576.0 }, { "G", 1073741824.0 }, { "T", 1099511627776.0 },
  { "bytes", 1.0 }, { "B", 1.0 }, { "", 1.0 },
  { NULL, 0 }
};

static gboolean
get_size_node (Ctx        *ctx,
               JsonNode   *node,
               guint       line,
               const char *key,
               gint64     *out)
{
  double number;
  const Unit *unit;
  double bytes;

  if (node_is (node, G_TYPE_INT64))
    {
      gint64 v = json_node_get_int (node);
      if (v < 0 || v > MAX_SIZE)
        return fail (ctx, line, "'%s' must be between 0 and 1 EiB", key);
      *out = v;
      return TRUE;
    }
  if (!node_is (node, G_TYPE_STRING))
    return fail (ctx, line, "'%s' must be a size such as \"40 GiB\" or a number of bytes, not %s",
                 key, node_kind (node));
  if (!parse_number_unit (json_node_get_string (node), size_units, &number, &unit))
    return fail (ctx, line, "'%s': bad size \"%s\" (use a number and B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)",
                 key, json_node_get_string (node));
  bytes = floor_positive (number * unit->factor + 0.5);
  if (bytes > (double) MAX_SIZE)
    return fail (ctx, line, "'%s' must be between 0 and 1 EiB", key);
  *out = (gint64) bytes;
  return TRUE;
}

static gboolean
get_size (Ctx        *ctx,
          JsonObject *object,
          const char *key,
          gboolean    required,
          const char *what,
          gint64     *out)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return required ? fail (ctx, container_line (ctx, object), "%s has no '%s'", what, key) : TRUE;
  return get_size_node (ctx, node, member_line (ctx, object, key), key, out);
}

/* Data rates in MiB/s: a number, or "200 MiB/s", "1 GiB/s", "80 MB/s". */
static const Unit rate_units[] = {
  { "KiB/s", 1.0 / 1024 }, { "MiB/s", 1.0 }, { "GiB/s", 1024.0 },
  { "KB/s", 1e3 / 1048576 }, { "MB/s", 1e6 / 1048576 }, { "GB/s", 1e9 / 1048576 },
  { "B/s", 1.0 / 1048576 }, { "", 1.0 },
  { NULL, 0 }
};

static gboolean
get_rate (Ctx        *ctx,
          JsonObject *object,
          const char *key,
          double     *out)
{
  JsonNode *node = json_object_get_member (object, key);
  double number;
  const Unit *unit;

  if (node == NULL)
    return TRUE;
  if (node_number (node, &number))
    unit = &rate_units[1];
  else if (!node_is (node, G_TYPE_STRING) ||
           !parse_number_unit (json_node_get_string (node), rate_units, &number, &unit))
    return fail (ctx, member_line (ctx, object, key),
                 "'%s' must be a rate such as \"50 MiB/s\" or a number of MiB/s", key);
  if (number < 0 || number * unit->factor > 1e9)
    return fail (ctx, member_line (ctx, object, key), "'%s' is out of range", key);
  *out = number * unit->factor;
  return TRUE;
}

/* NIC speeds in Mbit/s: a number, or "10 Gbit/s", "25G", "1000 Mbit". */
static const Unit speed_units[] = {
  { "Gbit/s", 1000.0 }, { "Mbit/s", 1.0 }, { "Gbit", 1000.0 }, { "Mbit", 1.0 },
  { "Gb/s", 1000.0 }, { "Mb/s", 1.0 }, { "Gbps", 1000.0 }, { "Mbps", 1.0 },
  { "G", 1000.0 }, { "M", 1.0 }, { "", 1.0 },
  { NULL, 0 }
};

static gboolean
get_speed_node (Ctx        *ctx,
                JsonNode   *node,
                guint       line,
                const char *key,
                gint64     *out)
{
  double number;
  const Unit *unit;

  if (node_number (node, &number))
    unit = &speed_units[1];
  else if (!node_is (node, G_TYPE_STRING) ||
           !parse_number_unit (json_node_get_string (node), speed_units, &number, &unit))
    return fail (ctx, line, "NIC '%s' needs a speed such as \"10 Gbit/s\" or a number of Mbit/s", key);
  if (number * unit->factor < 1 || number * unit->factor > 1e7)
    return fail (ctx, line, "NIC '%s': speed out of range", key);
  *out = (gint64) (number * unit->factor + 0.5);
  return TRUE;
}

/* A (string -> string) map; scalar values become their text. */
static gboolean
get_map (Ctx           *ctx,
         JsonObject    *object,
         const char    *key,
         FerrySimValue *out)
{
  JsonNode *node = json_object_get_member (object, key);
  JsonObject *map = NULL;
  g_autoptr(GList) members = NULL;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (ctx, member_line (ctx, object, key), "'%s' must be an object of strings, not %s", key, node_kind (node));

  map = json_node_get_object (node);
  ferry_sim_value_set_map (out);
  members = json_object_get_members (map);
  for (GList *l = members; l; l = l->next)
    {
      JsonNode *value = json_object_get_member (map, l->data);
      g_autofree char *text = NULL;

      if (node_is (value, G_TYPE_STRING))
        text = g_strdup (json_node_get_string (value));
      else if (node_is (value, G_TYPE_BOOLEAN))
        text = g_strdup (json_node_get_boolean (value) ? "true" : "false");
      else if (node_is (value, G_TYPE_INT64))
        text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
      else
        return fail (ctx, member_line (ctx, map, l->data), "'%s': value of '%s' must be a string, not %s",
                     key, (const char *) l->data, node_kind (value));
      ferry_sim_value_insert_string (out, l->data, text);
    }
  return TRUE;
}

static gboolean
get_array (Ctx         *ctx,
           JsonObject  *object,
           const char  *key,
           JsonArray  **out)
{
  JsonNode *node = json_object_get_member (object, key);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (ctx, member_line (ctx, object, key), "'%s' must be an array, not %s", key, node_kind (node));
  *out = json_node_get_array (node);
  return TRUE;
}

/* An array of strings, NULL-terminated; the strings belong to the JSON tree. */
static gboolean
get_strv (Ctx          *ctx,
          JsonObject   *object,
          const char   *key,
          GPtrArray   **out)
{
  JsonArray *array;

  *out = NULL;
  if (!get_array (ctx, object, key, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;

  *out = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!node_is (node, G_TYPE_STRING))
        {
          g_clear_pointer (out, g_ptr_array_unref);
          return fail (ctx, element_line (ctx, array, i), "'%s' must hold strings, not %s", key, node_kind (node));
        }
      g_ptr_array_add (*out, (gpointer) json_node_get_string (node));
    }
  g_ptr_array_add (*out, NULL);
  return TRUE;
}

static char *
join_names (const char * const *names)
{
  return g_strjoinv (", ", (char **) names);
}

static gboolean
check_preset (Ctx                *ctx,
              JsonObject         *object,
              const char         *key,
              const char         *value,
              const char         *kind,
              const char * const *names)
{
  g_autofree char *known = NULL;

  if (value == NULL || g_strv_contains (names, value))
    return TRUE;
  known = join_names (names);
  return fail (ctx, member_line (ctx, object, key), "unknown %s '%s' (known: %s)", kind, value, known);
}

/* One pool ---------------------------------------------------------------- */

typedef struct
{
  FerrySimRow *row;
  JsonObject  *object;
  GHashTable  *usb;    /* name -> PUSB row */
  GHashTable  *pci;    /* name -> PCI row */
  GPtrArray   *nics;   /* NIC names */
} HostEntry;

typedef struct
{
  FerrySimRow *row;
  JsonObject  *object;
  FerrySimRow *host;   /* local SRs */
  gboolean     iso;
  gint64       size;
} SrEntry;

typedef struct
{
  Ctx             *ctx;
  JsonObject      *object;
  const char      *what;        /* "pool 'Production'" */
  FerrySimPool    *pool;
  FerrySimBuilder *builder;
  FerrySimRow     *pool_row;
  GHashTable      *hosts;       /* name -> HostEntry */
  GPtrArray       *host_order;  /* of HostEntry */
  GHashTable      *srs;         /* name -> SrEntry */
  GPtrArray       *sr_order;
  GHashTable      *networks;    /* name -> network row */
  GHashTable      *isos;        /* name -> VDI row */
  GHashTable      *vms;         /* name -> VM row */
  GHashTable      *used_devices; /* PUSB/PCI ref -> VM name */
  GHashTable      *nic_networks; /* NIC -> name of the network on it untagged */
  const char      *management;   /* name of the management network */
  const char      *master;       /* name of the host marked "master" */
  const char      *version;
  const char      *cpu;
  FerrySimValue    software_version;
} PoolCtx;

static void
host_entry_free (gpointer data)
{
  HostEntry *entry = data;

  g_hash_table_unref (entry->usb);
  g_hash_table_unref (entry->pci);
  g_ptr_array_unref (entry->nics);
  g_free (entry);
}

static void
pool_ctx_clear (PoolCtx *pc)
{
  g_clear_pointer (&pc->hosts, g_hash_table_unref);
  g_clear_pointer (&pc->host_order, g_ptr_array_unref);
  g_clear_pointer (&pc->srs, g_hash_table_unref);
  g_clear_pointer (&pc->sr_order, g_ptr_array_unref);
  g_clear_pointer (&pc->networks, g_hash_table_unref);
  g_clear_pointer (&pc->isos, g_hash_table_unref);
  g_clear_pointer (&pc->vms, g_hash_table_unref);
  g_clear_pointer (&pc->used_devices, g_hash_table_unref);
  g_clear_pointer (&pc->nic_networks, g_hash_table_unref);
  g_clear_pointer (&pc->builder, ferry_sim_builder_free);
  g_clear_object (&pc->pool);
  ferry_sim_value_clear (&pc->software_version);
}

static HostEntry *
lookup_host (PoolCtx    *pc,
             JsonObject *object,
             const char *key,
             const char *name)
{
  HostEntry *entry = g_hash_table_lookup (pc->hosts, name);

  if (entry == NULL)
    fail (pc->ctx, member_line (pc->ctx, object, key), "unknown host '%s' in %s", name, pc->what);
  return entry;
}

static SrEntry *
lookup_sr (PoolCtx    *pc,
           guint       line,
           const char *name)
{
  SrEntry *entry = g_hash_table_lookup (pc->srs, name);

  if (entry == NULL)
    fail (pc->ctx, line, "unknown SR '%s' in %s", name, pc->what);
  return entry;
}

/* Hosts */

static const char * const host_keys[] = {
  "name", "description", "address", "master", "version", "software_version", "hotfixes",
  "cpu", "memory", "dom0_memory", "enabled", "live", "iommu", "https_only", "nics", "gpus", "usb",
  "pci", "other_config", NULL
};

static const char * const cpu_keys[] = { "preset", "vendor", "model", "features", "count", "sockets", NULL };

static gboolean
parse_host_cpu (PoolCtx          *pc,
                JsonObject       *object,
                FerrySimHostSpec *spec)
{
  Ctx *ctx = pc->ctx;
  JsonNode *node = json_object_get_member (object, "cpu");
  JsonObject *cpu = NULL;
  const char *vendor = NULL;
  const char *preset_vendor = NULL;
  g_autofree char *features = NULL;
  gint64 count = 0;
  gint64 sockets = 0;

  spec->cpu = pc->cpu;
  if (node == NULL)
    return TRUE;
  if (node_is (node, G_TYPE_STRING))
    {
      spec->cpu = json_node_get_string (node);
      return check_preset (ctx, object, "cpu", spec->cpu, "CPU preset", ferry_sim_cpu_preset_names ());
    }
  if (!get_object_node (ctx, node, member_line (ctx, object, "cpu"), "'cpu'", &cpu) ||
      !check_keys (ctx, cpu, "cpu", cpu_keys) ||
      !get_string (ctx, cpu, "preset", FALSE, "cpu", &spec->cpu) ||
      !check_preset (ctx, cpu, "preset", spec->cpu, "CPU preset", ferry_sim_cpu_preset_names ()) ||
      !get_string (ctx, cpu, "vendor", FALSE, "cpu", &vendor) ||
      !get_string (ctx, cpu, "model", FALSE, "cpu", &spec->cpu_model) ||
      !get_string (ctx, cpu, "features", FALSE, "cpu", &spec->cpu_features) ||
      !get_int (ctx, cpu, "count", 1, 1024, &count) ||
      !get_int (ctx, cpu, "sockets", 1, 16, &sockets))
    return FALSE;
  if (spec->cpu_features && !ferry_sim_cpu_features_valid (spec->cpu_features))
    return fail (ctx, member_line (ctx, cpu, "features"),
                 "'features' must be dash-separated 8-digit hex words such as \"1fcbfbff-f7fa3223\"");
  /* "vendor" picks a current CPU of that vendor, or must agree with the preset. */
  if (vendor != NULL)
    {
      const char *canonical = NULL;

      if (g_ascii_strcasecmp (vendor, "intel") == 0 || g_str_equal (vendor, "GenuineIntel"))
        canonical = "GenuineIntel";
      else if (g_ascii_strcasecmp (vendor, "amd") == 0 || g_str_equal (vendor, "AuthenticAMD"))
        canonical = "AuthenticAMD";
      else
        return fail (ctx, member_line (ctx, cpu, "vendor"),
                     "'vendor' must be \"intel\", \"amd\", \"GenuineIntel\" or \"AuthenticAMD\", not \"%s\"", vendor);
      if (!json_object_has_member (cpu, "preset"))
        spec->cpu = g_str_equal (canonical, "GenuineIntel") ? "intel-icelake" : "amd-milan";
      features = ferry_sim_cpu_preset_features (spec->cpu ? spec->cpu : "intel-icelake", &preset_vendor);
      if (g_strcmp0 (preset_vendor, canonical) != 0)
        return fail (ctx, member_line (ctx, cpu, "vendor"), "CPU preset '%s' is not made by %s", spec->cpu, vendor);
    }
  spec->cpu_count = count;
  spec->cpu_sockets = sockets;
  return TRUE;
}

static gboolean
parse_host_devices (PoolCtx     *pc,
                    JsonObject  *object,
                    HostEntry   *entry)
{
  static const char * const gpu_keys[] = { "preset", "count", NULL };
  static const char * const usb_keys[] = { "name", "vendor_id", "product_id", NULL };
  static const char * const pci_keys[] = { "name", "class", "vendor", "device", NULL };
  Ctx *ctx = pc->ctx;
  JsonArray *gpus;
  JsonArray *usb;
  JsonArray *pci;

  if (!get_array (ctx, object, "gpus", &gpus) ||
      !get_array (ctx, object, "usb", &usb) ||
      !get_array (ctx, object, "pci", &pci))
    return FALSE;

  for (guint i = 0; gpus && i < json_array_get_length (gpus); i++)
    {
      JsonNode *node = json_array_get_element (gpus, i);
      const char *preset = NULL;
      gint64 count = 1;
      JsonObject *gpu = NULL;

      if (node_is (node, G_TYPE_STRING))
        preset = json_node_get_string (node);
      else if (!get_object_node (ctx, node, element_line (ctx, gpus, i), "a GPU", &gpu) ||
               !check_keys (ctx, gpu, "GPU", gpu_keys) ||
               !get_string (ctx, gpu, "preset", TRUE, "GPU", &preset) ||
               !get_int (ctx, gpu, "count", 1, 16, &count))
        return FALSE;
      if (!ferry_sim_gpu_preset_lookup (preset))
        {
          g_autofree char *known = join_names (ferry_sim_gpu_preset_names ());
          return fail (ctx, element_line (ctx, gpus, i), "unknown GPU preset '%s' (known: %s)", preset, known);
        }
      for (gint64 n = 0; n < count; n++)
        ferry_sim_builder_add_gpu (pc->builder, entry->row, preset);
    }

  for (guint i = 0; usb && i < json_array_get_length (usb); i++)
    {
      JsonObject *device = NULL;
      const char *name = NULL;
      const char *vendor = "0529";
      const char *product = "0001";

      if (!get_object_node (ctx, json_array_get_element (usb, i), element_line (ctx, usb, i), "a USB device", &device) ||
          !check_keys (ctx, device, "USB device", usb_keys) ||
          !get_name (ctx, device, "USB device", &name) ||
          !get_string (ctx, device, "vendor_id", FALSE, "USB device", &vendor) ||
          !get_string (ctx, device, "product_id", FALSE, "USB device", &product))
        return FALSE;
      if (g_hash_table_contains (entry->usb, name))
        return fail (ctx, member_line (ctx, device, "name"), "duplicate USB device '%s'", name);
      g_hash_table_insert (entry->usb, (gpointer) name,
                           ferry_sim_builder_add_usb (pc->builder, entry->row, name, vendor, product));
    }

  for (guint i = 0; pci && i < json_array_get_length (pci); i++)
    {
      JsonObject *device = NULL;
      const char *name = NULL;
      const char *klass = "Processing accelerators";
      const char *vendor = "Intel Corporation";
      const char *dev = NULL;

      if (!get_object_node (ctx, json_array_get_element (pci, i), element_line (ctx, pci, i), "a PCI device", &device) ||
          !check_keys (ctx, device, "PCI device", pci_keys) ||
          !get_name (ctx, device, "PCI device", &name) ||
          !get_string (ctx, device, "class", FALSE, "PCI device", &klass) ||
          !get_string (ctx, device, "vendor", FALSE, "PCI device", &vendor) ||
          !get_string (ctx, device, "device", FALSE, "PCI device", &dev))
        return FALSE;
      if (g_hash_table_contains (entry->pci, name))
        return fail (ctx, member_line (ctx, device, "name"), "duplicate PCI device '%s'", name);
      g_hash_table_insert (entry->pci, (gpointer) name,
                           ferry_sim_builder_add_pci (pc->builder, entry->row, klass, vendor, dev ? dev : name));
    }

  return TRUE;
}

static gboolean
parse_host (PoolCtx    *pc,
            JsonObject *object)
{
  Ctx *ctx = pc->ctx;
  FerrySimHostSpec spec = { .version = pc->version };
  g_auto(FerrySimValue) software_version = FERRY_SIM_VALUE_INIT;
  g_auto(FerrySimValue) other_config = FERRY_SIM_VALUE_INIT;
  g_autoptr(GPtrArray) hotfixes = NULL;
  g_autoptr(GArray) nics = g_array_new (FALSE, FALSE, sizeof (FerrySimNicSpec));
  gboolean enabled = TRUE;
  gboolean live = TRUE;
  gboolean iommu = TRUE;
  JsonNode *nics_node;
  HostEntry *entry;

  if (!check_keys (ctx, object, "host", host_keys) ||
      !get_name (ctx, object, "host", &spec.name_label) ||
      !get_string (ctx, object, "description", FALSE, "host", &spec.name_description) ||
      !get_string (ctx, object, "address", FALSE, "host", &spec.address) ||
      !get_bool (ctx, object, "master", &spec.master) ||
      !get_string (ctx, object, "version", FALSE, "host", &spec.version) ||
      !check_preset (ctx, object, "version", spec.version, "version preset", ferry_sim_version_preset_names ()) ||
      !get_map (ctx, object, "software_version", &software_version) ||
      !get_strv (ctx, object, "hotfixes", &hotfixes) ||
      !parse_host_cpu (pc, object, &spec) ||
      !get_size (ctx, object, "memory", FALSE, "host", &spec.memory_total) ||
      !get_size (ctx, object, "dom0_memory", FALSE, "host", &spec.dom0_memory) ||
      !get_bool (ctx, object, "enabled", &enabled) ||
      !get_bool (ctx, object, "live", &live) ||
      !get_bool (ctx, object, "iommu", &iommu) ||
      !get_bool (ctx, object, "https_only", &spec.https_only) ||
      !get_map (ctx, object, "other_config", &other_config))
    return FALSE;

  if (g_hash_table_contains (ctx->host_names, spec.name_label))
    return fail (ctx, member_line (ctx, object, "name"), "duplicate host name '%s' (first on line %u)",
                 spec.name_label, GPOINTER_TO_UINT (g_hash_table_lookup (ctx->host_names, spec.name_label)));
  g_hash_table_insert (ctx->host_names, (gpointer) spec.name_label,
                       GUINT_TO_POINTER (member_line (ctx, object, "name")));

  if (spec.master && pc->master != NULL)
    return fail (ctx, member_line (ctx, object, "master"), "hosts '%s' and '%s' are both marked master",
                 pc->master, spec.name_label);
  if (spec.master)
    pc->master = spec.name_label;

  if (spec.memory_total != 0 && spec.memory_total < 4 * FERRY_SIM_GiB)
    return fail (ctx, member_line (ctx, object, "memory"), "host memory must be at least 4 GiB");
  if (spec.dom0_memory != 0 && (spec.dom0_memory < 512 * FERRY_SIM_MiB ||
                                spec.dom0_memory > (spec.memory_total ? spec.memory_total : 256 * FERRY_SIM_GiB) / 2))
    return fail (ctx, member_line (ctx, object, "dom0_memory"),
                 "'dom0_memory' must be at least 512 MiB and at most half the host's memory");

  nics_node = json_object_get_member (object, "nics");
  if (nics_node != NULL)
    {
      JsonObject *nic_map = NULL;
      g_autoptr(GList) members = NULL;

      if (!get_object_node (ctx, nics_node, member_line (ctx, object, "nics"),
                            "'nics' (NIC name to speed)", &nic_map))
        return FALSE;
      members = json_object_get_members (nic_map);
      if (members == NULL)
        return fail (ctx, member_line (ctx, object, "nics"), "host '%s' needs at least one NIC", spec.name_label);
      for (GList *l = members; l; l = l->next)
        {
          FerrySimNicSpec nic = { l->data, 0 };

          if (*nic.name == '\0')
            return fail (ctx, member_line (ctx, nic_map, l->data), "a NIC has an empty name");
          if (!get_speed_node (ctx, json_object_get_member (nic_map, l->data),
                               member_line (ctx, nic_map, l->data), l->data, &nic.speed_mbit))
            return FALSE;
          g_array_append_val (nics, nic);
        }
      spec.nics = (const FerrySimNicSpec *) (gpointer) nics->data;
      spec.n_nics = nics->len;
    }

  /* The pool's software_version overrides, then the host's own. */
  if (json_object_has_member (object, "software_version") || pc->software_version.kind == FERRY_SIM_VALUE_MAP)
    {
      g_auto(FerrySimValue) merged = FERRY_SIM_VALUE_INIT;

      ferry_sim_value_set_map (&merged);
      for (guint i = 0; i < ferry_sim_value_get_length (&pc->software_version); i++)
        {
          const FerrySimPair *pair = ferry_sim_value_pair (&pc->software_version, i);
          ferry_sim_value_insert_string (&merged, pair->key, ferry_sim_value_get_string (&pair->value));
        }
      for (guint i = 0; i < ferry_sim_value_get_length (&software_version); i++)
        {
          const FerrySimPair *pair = ferry_sim_value_pair (&software_version, i);
          ferry_sim_value_insert_string (&merged, pair->key, ferry_sim_value_get_string (&pair->value));
        }
      ferry_sim_value_move (&software_version, &merged);
      spec.software_version = &software_version;
    }

  spec.disabled = !enabled;
  spec.dead = !live;
  spec.no_iommu = !iommu;
  spec.hotfixes = hotfixes ? (const char * const *) hotfixes->pdata : NULL;
  spec.other_config = other_config.kind == FERRY_SIM_VALUE_MAP ? &other_config : NULL;

  entry = g_new0 (HostEntry, 1);
  entry->object = object;
  entry->usb = g_hash_table_new (g_str_hash, g_str_equal);
  entry->pci = g_hash_table_new (g_str_hash, g_str_equal);
  entry->nics = g_ptr_array_new ();
  if (spec.n_nics > 0)
    for (guint i = 0; i < spec.n_nics; i++)
      g_ptr_array_add (entry->nics, (gpointer) spec.nics[i].name);
  else
    {
      g_ptr_array_add (entry->nics, "eth0");
      g_ptr_array_add (entry->nics, "eth1");
    }
  entry->row = ferry_sim_builder_add_host (pc->builder, &spec);
  g_hash_table_insert (pc->hosts, (gpointer) spec.name_label, entry);
  g_ptr_array_add (pc->host_order, entry);

  return parse_host_devices (pc, object, entry);
}

/* Networks */

static const char * const network_keys[] = {
  "name", "description", "bridge", "mtu", "vlan", "nic", "management", "internal", "subnet",
  "other_config", NULL
};

static gboolean
parse_network (PoolCtx    *pc,
               JsonObject *object)
{
  Ctx *ctx = pc->ctx;
  FerrySimNetworkSpec spec = { 0 };
  g_auto(FerrySimValue) other_config = FERRY_SIM_VALUE_INIT;
  FerrySimRow *net;

  if (!check_keys (ctx, object, "network", network_keys) ||
      !get_name (ctx, object, "network", &spec.name_label) ||
      !get_string (ctx, object, "description", FALSE, "network", &spec.name_description) ||
      !get_string (ctx, object, "bridge", FALSE, "network", &spec.bridge) ||
      !get_int (ctx, object, "mtu", 68, 9216, &spec.mtu) ||
      !get_int (ctx, object, "vlan", 1, 4094, &spec.vlan) ||
      !get_string (ctx, object, "nic", FALSE, "network", &spec.nic) ||
      !get_bool (ctx, object, "management", &spec.management) ||
      !get_bool (ctx, object, "internal", &spec.internal) ||
      !get_string (ctx, object, "subnet", FALSE, "network", &spec.subnet) ||
      !get_map (ctx, object, "other_config", &other_config))
    return FALSE;

  if (g_hash_table_contains (pc->networks, spec.name_label))
    return fail (ctx, member_line (ctx, object, "name"), "duplicate network name '%s' in %s", spec.name_label, pc->what);
  if (spec.internal && (spec.vlan || spec.nic || spec.management || spec.subnet))
    return fail (ctx, container_line (ctx, object),
                 "internal network '%s' cannot have 'vlan', 'nic', 'management' or 'subnet'", spec.name_label);
  if (spec.subnet != NULL)
    {
      guint a, b, c, d, bits;
      char extra;

      if (sscanf (spec.subnet, "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &bits, &extra) != 5 ||
          a > 255 || b > 255 || c > 255 || d > 255 || bits < 8 || bits > 30)
        return fail (ctx, member_line (ctx, object, "subnet"), "bad subnet \"%s\" (use \"10.20.0.0/24\")", spec.subnet);
    }

  if (!spec.internal)
    {
      const char *nic = spec.nic ? spec.nic : "eth0";
      const char *other;

      for (guint i = 0; i < pc->host_order->len; i++)
        {
          HostEntry *host = g_ptr_array_index (pc->host_order, i);
          gboolean found = FALSE;

          for (guint n = 0; n < host->nics->len; n++)
            found |= g_str_equal (g_ptr_array_index (host->nics, n), nic);
          if (!found)
            return fail (ctx, container_line (ctx, object), "network '%s' uses NIC '%s', which host '%s' lacks",
                         spec.name_label, nic, ferry_sim_row_get_string (host->row, "name_label"));
        }

      other = g_hash_table_lookup (pc->nic_networks, nic);
      if (spec.vlan == 0 && other != NULL)
        return fail (ctx, container_line (ctx, object), "networks '%s' and '%s' both use NIC '%s' without a VLAN",
                     other, spec.name_label, nic);
    }

  if (spec.management && pc->management != NULL)
    return fail (ctx, member_line (ctx, object, "management"), "%s has two management networks ('%s' and '%s')",
                 pc->what, pc->management, spec.name_label);

  spec.other_config = other_config.kind == FERRY_SIM_VALUE_MAP ? &other_config : NULL;
  net = ferry_sim_builder_add_network (pc->builder, &spec);
  g_hash_table_insert (pc->networks, (gpointer) spec.name_label, net);
  if (!spec.internal && spec.vlan == 0)
    g_hash_table_insert (pc->nic_networks, (gpointer) (spec.nic ? spec.nic : "eth0"), (gpointer) spec.name_label);
  if (spec.management)
    pc->management = spec.name_label;
  return TRUE;
}

/* Storage */

static const char * const sr_keys[] = {
  "name", "description", "type", "shared", "host", "hosts", "size", "used", "provisioning",
  "content_type", "default", "bandwidth", "isos", "other_config", "sm_config", NULL
};

static gboolean
parse_isos (PoolCtx    *pc,
            JsonObject *object,
            SrEntry    *sr)
{
  static const char * const iso_keys[] = { "name", "size", NULL };
  Ctx *ctx = pc->ctx;
  JsonArray *isos;

  if (!get_array (ctx, object, "isos", &isos))
    return FALSE;
  if (isos != NULL && !sr->iso)
    return fail (ctx, member_line (ctx, object, "isos"), "only ISO SRs hold 'isos'");

  for (guint i = 0; isos && i < json_array_get_length (isos); i++)
    {
      JsonNode *node = json_array_get_element (isos, i);
      const char *name = NULL;
      gint64 size = 4 * FERRY_SIM_GiB;
      JsonObject *iso = NULL;
      guint line = element_line (ctx, isos, i);

      if (node_is (node, G_TYPE_STRING))
        name = json_node_get_string (node);
      else if (!get_object_node (ctx, node, line, "an ISO", &iso) ||
               !check_keys (ctx, iso, "ISO", iso_keys) ||
               !get_name (ctx, iso, "ISO", &name) ||
               !get_size (ctx, iso, "size", FALSE, "ISO", &size))
        return FALSE;
      if (*name == '\0')
        return fail (ctx, line, "an ISO has an empty name");
      if (g_hash_table_contains (pc->isos, name))
        return fail (ctx, line, "duplicate ISO name '%s' in %s", name, pc->what);
      g_hash_table_insert (pc->isos, (gpointer) name, ferry_sim_builder_add_iso (pc->builder, sr->row, name, size));
    }
  return TRUE;
}

static gboolean
parse_sr (PoolCtx    *pc,
          JsonObject *object)
{
  Ctx *ctx = pc->ctx;
  FerrySimSrSpec spec = { .shared = -1, .thin = -1 };
  g_auto(FerrySimValue) other_config = FERRY_SIM_VALUE_INIT;
  g_auto(FerrySimValue) sm_config = FERRY_SIM_VALUE_INIT;
  g_autoptr(GPtrArray) host_names = NULL;
  g_autoptr(GPtrArray) host_rows = g_ptr_array_new ();
  const char *host_name = NULL;
  const char *provisioning = NULL;
  gboolean shared = FALSE;
  gboolean type_shared;
  gboolean type_thin;
  double bandwidth = 0;
  SrEntry *entry;
  gint64 used = -1;

  if (!check_keys (ctx, object, "SR", sr_keys) ||
      !get_name (ctx, object, "SR", &spec.name_label) ||
      !get_string (ctx, object, "description", FALSE, "SR", &spec.name_description) ||
      !get_string (ctx, object, "type", TRUE, "SR", &spec.type) ||
      !get_bool (ctx, object, "shared", &shared) ||
      !get_string (ctx, object, "host", FALSE, "SR", &host_name) ||
      !get_strv (ctx, object, "hosts", &host_names) ||
      !get_size (ctx, object, "size", TRUE, "SR", &spec.physical_size) ||
      !get_size (ctx, object, "used", FALSE, "SR", &used) ||
      !get_string (ctx, object, "provisioning", FALSE, "SR", &provisioning) ||
      !get_string (ctx, object, "content_type", FALSE, "SR", &spec.content_type) ||
      !get_bool (ctx, object, "default", &spec.is_default) ||
      !get_rate (ctx, object, "bandwidth", &bandwidth) ||
      !get_map (ctx, object, "other_config", &other_config) ||
      !get_map (ctx, object, "sm_config", &sm_config))
    return FALSE;

  if (g_hash_table_contains (pc->srs, spec.name_label))
    return fail (ctx, member_line (ctx, object, "name"), "duplicate SR name '%s' in %s", spec.name_label, pc->what);
  if (!ferry_sim_sr_type_lookup (spec.type, &type_shared, &type_thin))
    return fail (ctx, member_line (ctx, object, "type"),
                 "unknown SR type '%s' (known: lvm, ext, xfs, largeblock, nfs, smb, lvmoiscsi, lvmohba, gfs2, iso, udev)",
                 spec.type);
  if (json_object_has_member (object, "shared"))
    spec.shared = shared;
  if (provisioning != NULL)
    {
      if (g_str_equal (provisioning, "thin"))
        spec.thin = TRUE;
      else if (g_str_equal (provisioning, "thick"))
        spec.thin = FALSE;
      else
        return fail (ctx, member_line (ctx, object, "provisioning"),
                     "'provisioning' must be \"thin\" or \"thick\", not \"%s\"", provisioning);
    }
  if (spec.shared == -1)
    spec.shared = type_shared;
  if (g_str_equal (spec.type, "gfs2") && !spec.shared)
    return fail (ctx, member_line (ctx, object, "shared"), "a GFS2 SR is always shared");

  if (!spec.shared)
    {
      HostEntry *host;

      if (host_names != NULL)
        return fail (ctx, member_line (ctx, object, "hosts"), "a local SR has one 'host', not 'hosts'");
      if (host_name == NULL && pc->host_order->len == 1)
        host = g_ptr_array_index (pc->host_order, 0);
      else if (host_name == NULL)
        return fail (ctx, container_line (ctx, object), "local SR '%s' needs a 'host'", spec.name_label);
      else if ((host = lookup_host (pc, object, "host", host_name)) == NULL)
        return FALSE;
      spec.host = host->row;
    }
  else
    {
      if (host_name != NULL)
        return fail (ctx, member_line (ctx, object, "host"),
                     "shared SR '%s' takes 'hosts' (the hosts that see it), not 'host'", spec.name_label);
      for (guint i = 0; host_names && host_names->pdata[i]; i++)
        {
          HostEntry *host = g_hash_table_lookup (pc->hosts, host_names->pdata[i]);

          if (host == NULL)
            return fail (ctx, member_line (ctx, object, "hosts"), "unknown host '%s' in %s",
                         (const char *) host_names->pdata[i], pc->what);
          g_ptr_array_add (host_rows, host->row);
        }
      if (host_names)
        {
          spec.hosts = (FerrySimRow * const *) host_rows->pdata;
          spec.n_hosts = host_rows->len;
        }
    }

  if (used >= 0 && used > spec.physical_size)
    return fail (ctx, member_line (ctx, object, "used"), "SR '%s' uses more than its size", spec.name_label);

  spec.bandwidth_mib_s = bandwidth;
  spec.other_config = other_config.kind == FERRY_SIM_VALUE_MAP ? &other_config : NULL;
  spec.sm_config = sm_config.kind == FERRY_SIM_VALUE_MAP ? &sm_config : NULL;

  entry = g_new0 (SrEntry, 1);
  entry->object = object;
  entry->host = spec.host;
  entry->iso = g_str_equal (spec.type, "iso");
  entry->size = spec.physical_size;
  entry->row = ferry_sim_builder_add_sr (pc->builder, &spec);
  g_hash_table_insert (pc->srs, (gpointer) spec.name_label, entry);
  g_ptr_array_add (pc->sr_order, entry);

  return parse_isos (pc, object, entry);
}

/* VMs */

static const char * const vm_keys[] = {
  "name", "description", "power_state", "host", "affinity", "memory", "memory_actual", "vcpus",
  "os", "os_version", "domain_type", "tools", "template", "mcs", "platform", "nomigrate",
  "nested_virt", "other_config", "blocked_operations", "tags", "ha", "cpu", "cpu_features",
  "hardware_platform_version", "dirty_rate", "compressibility", "disk_write_rate", "disks", "cd",
  "vifs", "pci", "vgpu", "vusb", "suspend_sr", "snapshots", NULL
};

static const char * const memory_keys[] = {
  "static_min", "dynamic_min", "dynamic_max", "static_max", NULL
};

static const char * const disk_keys[] = {
  "name", "size", "sr", "used", "type", "on_boot", "caching", "cbt", "encrypted", "read_only",
  "sharable", "bootable", "other_config", NULL
};

static const char * const vif_keys[] = { "network", "mac", "ip", "ipv6", "mtu", NULL };

static gboolean
parse_memory (PoolCtx        *pc,
              JsonObject     *object,
              FerrySimVmSpec *spec)
{
  Ctx *ctx = pc->ctx;
  JsonNode *node = json_object_get_member (object, "memory");
  JsonObject *memory = NULL;
  gint64 smin, dmin, dmax, smax;
  guint line = member_line (ctx, object, "memory");

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      gint64 size;

      if (!get_size_node (ctx, node, line, "memory", &size))
        return FALSE;
      if (size < 16 * FERRY_SIM_MiB)
        return fail (ctx, line, "'memory' must be at least 16 MiB");
      spec->memory_static_max = spec->memory_dynamic_max = spec->memory_dynamic_min = size;
      return TRUE;
    }

  memory = json_node_get_object (node);
  if (!check_keys (ctx, memory, "memory", memory_keys) ||
      !get_size (ctx, memory, "static_min", FALSE, "memory", &spec->memory_static_min) ||
      !get_size (ctx, memory, "dynamic_min", FALSE, "memory", &spec->memory_dynamic_min) ||
      !get_size (ctx, memory, "dynamic_max", FALSE, "memory", &spec->memory_dynamic_max) ||
      !get_size (ctx, memory, "static_max", TRUE, "memory", &spec->memory_static_max))
    return FALSE;

  /* Fill the gaps as the builder will, then check the chain. */
  smax = spec->memory_static_max;
  dmax = spec->memory_dynamic_max > 0 ? spec->memory_dynamic_max : smax;
  dmin = spec->memory_dynamic_min > 0 ? spec->memory_dynamic_min : dmax;
  smin = spec->memory_static_min > 0 ? spec->memory_static_min : MIN (dmin, FERRY_SIM_GiB);
  if (smax < 16 * FERRY_SIM_MiB)
    return fail (ctx, member_line (ctx, memory, "static_max"), "'static_max' must be at least 16 MiB");
  if (!(smin <= dmin && dmin <= dmax && dmax <= smax))
    return fail (ctx, line, "memory constraints violated: need static_min ≤ dynamic_min ≤ dynamic_max ≤ static_max");
  return TRUE;
}

static gboolean
parse_vcpus (PoolCtx        *pc,
             JsonObject     *object,
             FerrySimVmSpec *spec)
{
  static const char * const vcpu_keys[] = { "max", "startup", NULL };
  Ctx *ctx = pc->ctx;
  JsonNode *node = json_object_get_member (object, "vcpus");
  JsonObject *vcpus = NULL;

  if (node == NULL)
    return TRUE;
  if (node_is (node, G_TYPE_INT64))
    return get_int (ctx, object, "vcpus", 1, 256, &spec->vcpus_max);
  if (!get_object_node (ctx, node, member_line (ctx, object, "vcpus"), "'vcpus' (a number or {max, startup})", &vcpus) ||
      !check_keys (ctx, vcpus, "vcpus", vcpu_keys) ||
      !get_int (ctx, vcpus, "max", 1, 256, &spec->vcpus_max) ||
      !get_int (ctx, vcpus, "startup", 1, 256, &spec->vcpus_at_startup))
    return FALSE;
  if (spec->vcpus_max == 0)
    return fail (ctx, container_line (ctx, vcpus), "'vcpus' has no 'max'");
  if (spec->vcpus_at_startup > spec->vcpus_max)
    return fail (ctx, member_line (ctx, vcpus, "startup"), "'startup' vCPUs exceed 'max'");
  return TRUE;
}

static gboolean
parse_disks (PoolCtx     *pc,
             JsonObject  *object,
             FerrySimRow *vm,
             FerrySimRow *host)
{
  Ctx *ctx = pc->ctx;
  JsonArray *disks;

  if (!get_array (ctx, object, "disks", &disks))
    return FALSE;

  for (guint i = 0; disks && i < json_array_get_length (disks); i++)
    {
      FerrySimDiskSpec spec = { .physical_utilisation = -1, .bootable = -1 };
      g_auto(FerrySimValue) other_config = FERRY_SIM_VALUE_INIT;
      JsonObject *disk = NULL;
      const char *sr_name = NULL;
      gboolean bootable = FALSE;
      SrEntry *sr;

      if (!get_object_node (ctx, json_array_get_element (disks, i), element_line (ctx, disks, i), "a disk", &disk) ||
          !check_keys (ctx, disk, "disk", disk_keys) ||
          !get_string (ctx, disk, "name", FALSE, "disk", &spec.name_label) ||
          !get_size (ctx, disk, "size", TRUE, "disk", &spec.virtual_size) ||
          !get_string (ctx, disk, "sr", TRUE, "disk", &sr_name) ||
          !get_size (ctx, disk, "used", FALSE, "disk", &spec.physical_utilisation) ||
          !get_string (ctx, disk, "type", FALSE, "disk", &spec.type) ||
          !get_string (ctx, disk, "on_boot", FALSE, "disk", &spec.on_boot) ||
          !get_bool (ctx, disk, "caching", &spec.caching) ||
          !get_bool (ctx, disk, "cbt", &spec.cbt) ||
          !get_bool (ctx, disk, "encrypted", &spec.encrypted) ||
          !get_bool (ctx, disk, "read_only", &spec.read_only) ||
          !get_bool (ctx, disk, "sharable", &spec.sharable) ||
          !get_bool (ctx, disk, "bootable", &bootable) ||
          !get_map (ctx, disk, "other_config", &other_config))
        return FALSE;

      if ((sr = lookup_sr (pc, member_line (ctx, disk, "sr"), sr_name)) == NULL)
        return FALSE;
      if (sr->iso)
        return fail (ctx, member_line (ctx, disk, "sr"), "disk on ISO SR '%s': use 'cd' for ISOs", sr_name);
      if (spec.virtual_size < FERRY_SIM_MiB)
        return fail (ctx, member_line (ctx, disk, "size"), "a disk must be at least 1 MiB");
      if (spec.physical_utilisation > spec.virtual_size + spec.virtual_size / 50 + 16 * FERRY_SIM_MiB)
        return fail (ctx, member_line (ctx, disk, "used"), "a disk cannot use more than its size");
      if (spec.on_boot && !g_str_equal (spec.on_boot, "persist") && !g_str_equal (spec.on_boot, "reset"))
        return fail (ctx, member_line (ctx, disk, "on_boot"), "'on_boot' must be \"persist\" or \"reset\", not \"%s\"",
                     spec.on_boot);
      if (spec.type && !g_strv_contains ((const char * const []) { "system", "user", "ephemeral", "crashdump",
                                                                   "metadata", "redo_log", "rrd", "pvs_cache", NULL },
                                         spec.type))
        return fail (ctx, member_line (ctx, disk, "type"), "unknown disk type '%s'", spec.type);
      if (sr->host != NULL && host != NULL && sr->host != host)
        return fail (ctx, member_line (ctx, disk, "sr"), "disk on local SR '%s' of host '%s', but the VM runs on '%s'",
                     sr_name, ferry_sim_row_get_string (sr->host, "name_label"),
                     ferry_sim_row_get_string (host, "name_label"));
      if (json_object_has_member (disk, "bootable"))
        spec.bootable = bootable;

      spec.sr = sr->row;
      spec.other_config = other_config.kind == FERRY_SIM_VALUE_MAP ? &other_config : NULL;
      ferry_sim_builder_add_disk (pc->builder, vm, &spec);
    }
  return TRUE;
}

static gboolean
valid_mac (const char *mac)
{
  if (strlen (mac) != 17)
    return FALSE;
  for (guint i = 0; i < 17; i++)
    if (i % 3 == 2 ? mac[i] != ':' : !g_ascii_isxdigit (mac[i]))
      return FALSE;
  return TRUE;
}

static gboolean
parse_vifs (PoolCtx     *pc,
            JsonObject  *object,
            FerrySimRow *vm)
{
  Ctx *ctx = pc->ctx;
  JsonArray *vifs;

  if (!get_array (ctx, object, "vifs", &vifs))
    return FALSE;

  for (guint i = 0; vifs && i < json_array_get_length (vifs); i++)
    {
      FerrySimVifSpec spec = { 0 };
      JsonNode *node = json_array_get_element (vifs, i);
      const char *network = NULL;
      JsonObject *vif = NULL;
      guint line = element_line (ctx, vifs, i);

      if (node_is (node, G_TYPE_STRING))
        network = json_node_get_string (node);
      else if (!get_object_node (ctx, node, line, "a VIF (a network name or an object)", &vif) ||
               !check_keys (ctx, vif, "VIF", vif_keys) ||
               !get_string (ctx, vif, "network", TRUE, "VIF", &network) ||
               !get_string (ctx, vif, "mac", FALSE, "VIF", &spec.mac) ||
               !get_string (ctx, vif, "ip", FALSE, "VIF", &spec.ip) ||
               !get_string (ctx, vif, "ipv6", FALSE, "VIF", &spec.ipv6) ||
               !get_int (ctx, vif, "mtu", 68, 9216, &spec.mtu))
        return FALSE;

      spec.network = g_hash_table_lookup (pc->networks, network);
      if (spec.network == NULL)
        return fail (ctx, vif ? member_line (ctx, vif, "network") : line, "unknown network '%s' in %s", network, pc->what);
      if (spec.mac != NULL && !valid_mac (spec.mac))
        return fail (ctx, member_line (ctx, vif, "mac"), "bad MAC address \"%s\"", spec.mac);
      ferry_sim_builder_add_vif (pc->builder, vm, &spec);
    }
  return TRUE;
}

/* The host whose devices a VM uses: where it runs, else its home server. */
static HostEntry *
device_host (PoolCtx     *pc,
             FerrySimRow *vm)
{
  const char *ref = ferry_sim_row_get_string (vm, "resident_on");
  GHashTableIter iter;
  gpointer value;

  if (ref == NULL || g_str_equal (ref, FERRY_SIM_NULL_REF))
    ref = ferry_sim_row_get_string (vm, "affinity");
  g_hash_table_iter_init (&iter, pc->hosts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (((HostEntry *) value)->row->ref, ref) == 0)
      return value;
  return NULL;
}

static gboolean
claim_device (PoolCtx     *pc,
              guint        line,
              FerrySimRow *device,
              FerrySimRow *vm,
              const char  *name)
{
  const char *owner = g_hash_table_lookup (pc->used_devices, device->ref);

  if (owner != NULL)
    return fail (pc->ctx, line, "device '%s' is already passed through to VM '%s'", name, owner);
  g_hash_table_insert (pc->used_devices, device->ref, (gpointer) ferry_sim_row_get_string (vm, "name_label"));
  return TRUE;
}

static gboolean
parse_vm_devices (PoolCtx     *pc,
                  JsonObject  *object,
                  FerrySimRow *vm)
{
  static const char * const vgpu_keys[] = { "type", "state_size", NULL };
  Ctx *ctx = pc->ctx;
  g_autoptr(GPtrArray) pci = NULL;
  g_autoptr(GPtrArray) vusb = NULL;
  JsonNode *vgpu = json_object_get_member (object, "vgpu");
  HostEntry *host;

  if (!get_strv (ctx, object, "pci", &pci) || !get_strv (ctx, object, "vusb", &vusb))
    return FALSE;

  host = device_host (pc, vm);
  if ((pci || vusb || vgpu) && host == NULL &&
      !g_str_equal (ferry_sim_row_get_string (vm, "power_state"), "Halted"))
    return fail (ctx, container_line (ctx, object), "VM '%s' has devices but neither a host nor an affinity",
                 ferry_sim_row_get_string (vm, "name_label"));
  if ((pci || vusb) && host == NULL)
    return fail (ctx, member_line (ctx, object, pci ? "pci" : "vusb"),
                 "VM '%s' passes host devices through: give it a 'host' or 'affinity'",
                 ferry_sim_row_get_string (vm, "name_label"));

  for (guint i = 0; pci && pci->pdata[i]; i++)
    {
      FerrySimRow *device = g_hash_table_lookup (host->pci, pci->pdata[i]);

      if (device == NULL)
        return fail (ctx, member_line (ctx, object, "pci"), "host '%s' has no PCI device '%s'",
                     ferry_sim_row_get_string (host->row, "name_label"), (const char *) pci->pdata[i]);
      if (!claim_device (pc, member_line (ctx, object, "pci"), device, vm, pci->pdata[i]))
        return FALSE;
      ferry_sim_builder_attach_pci (pc->builder, vm, device);
    }

  for (guint i = 0; vusb && vusb->pdata[i]; i++)
    {
      FerrySimRow *device = g_hash_table_lookup (host->usb, vusb->pdata[i]);

      if (device == NULL)
        return fail (ctx, member_line (ctx, object, "vusb"), "host '%s' has no USB device '%s'",
                     ferry_sim_row_get_string (host->row, "name_label"), (const char *) vusb->pdata[i]);
      if (!claim_device (pc, member_line (ctx, object, "vusb"), device, vm, vusb->pdata[i]))
        return FALSE;
      ferry_sim_builder_add_vusb (pc->builder, vm, device);
    }

  if (vgpu != NULL)
    {
      const char *type = NULL;
      gint64 state_size = 0;
      guint line = member_line (ctx, object, "vgpu");
      JsonObject *spec = NULL;

      if (node_is (vgpu, G_TYPE_STRING))
        type = json_node_get_string (vgpu);
      else if (!get_object_node (ctx, vgpu, line, "'vgpu' (a type name or {type, state_size})", &spec) ||
               !check_keys (ctx, spec, "vgpu", vgpu_keys) ||
               !get_string (ctx, spec, "type", TRUE, "vgpu", &type) ||
               !get_size (ctx, spec, "state_size", FALSE, "vgpu", &state_size))
        return FALSE;
      if (!ferry_sim_vgpu_type_lookup (type))
        {
          g_autofree char *known = join_names (ferry_sim_vgpu_type_names ());
          return fail (ctx, line, "unknown vGPU type '%s' (known: %s)", type, known);
        }
      if (ferry_sim_builder_add_vgpu (pc->builder, vm, type, state_size) == NULL)
        {
          if (g_str_equal (ferry_sim_row_get_string (vm, "power_state"), "Halted") ||
              g_str_equal (ferry_sim_row_get_string (vm, "power_state"), "Suspended"))
            return fail (ctx, line, "no GPU in %s supports vGPU type '%s'", pc->what, type);
          return fail (ctx, line, "no pGPU on host '%s' has room for a '%s' vGPU",
                       ferry_sim_row_get_string (host->row, "name_label"), type);
        }
    }

  return TRUE;
}

static gboolean
parse_snapshots (PoolCtx     *pc,
                 JsonObject  *object,
                 FerrySimRow *vm)
{
  static const char * const snapshot_keys[] = { "name", "time", NULL };
  Ctx *ctx = pc->ctx;
  JsonArray *snapshots;
  const FerrySimType *datetime = ferry_sim_type_parse ("datetime");

  if (!get_array (ctx, object, "snapshots", &snapshots))
    return FALSE;

  for (guint i = 0; snapshots && i < json_array_get_length (snapshots); i++)
    {
      JsonNode *node = json_array_get_element (snapshots, i);
      guint line = element_line (ctx, snapshots, i);
      const char *name = NULL;
      const char *time = NULL;
      g_auto(FerrySimValue) parsed = FERRY_SIM_VALUE_INIT;
      JsonObject *snapshot = NULL;

      if (node_is (node, G_TYPE_STRING))
        name = json_node_get_string (node);
      else if (!get_object_node (ctx, node, line, "a snapshot (a name or {name, time})", &snapshot) ||
               !check_keys (ctx, snapshot, "snapshot", snapshot_keys) ||
               !get_name (ctx, snapshot, "snapshot", &name) ||
               !get_string (ctx, snapshot, "time", FALSE, "snapshot", &time))
        return FALSE;
      if (*name == '\0')
        return fail (ctx, line, "a snapshot has an empty name");
      if (time != NULL && !ferry_sim_type_parse_text (datetime, time, &parsed))
        return fail (ctx, member_line (ctx, snapshot, "time"), "bad time \"%s\" (use \"2025-05-30T22:00:00Z\")", time);
      ferry_sim_builder_add_snapshot (pc->builder, vm, name, time ? ferry_sim_value_get_string (&parsed) : NULL);
    }
  return TRUE;
}

static gboolean
parse_vm (PoolCtx    *pc,
          JsonObject *object)
{
  static const char * const power_states[] = { "Halted", "Running", "Paused", "Suspended", NULL };
  static const char * const domain_types[] = { "hvm", "pv", "pvh", "pv_in_pvh", NULL };
  Ctx *ctx = pc->ctx;
  FerrySimVmSpec spec = {
    .tools = -1, .hardware_platform_version = -1,
    .dirty_rate_mib_s = -1, .compressibility = -1, .disk_write_mib_s = -1,
  };
  g_auto(FerrySimValue) os_version = FERRY_SIM_VALUE_INIT;
  g_auto(FerrySimValue) platform = FERRY_SIM_VALUE_INIT;
  g_auto(FerrySimValue) other_config = FERRY_SIM_VALUE_INIT;
  g_auto(FerrySimValue) blocked = FERRY_SIM_VALUE_INIT;
  g_auto(FerrySimValue) tags = FERRY_SIM_VALUE_INIT;
  g_autoptr(GPtrArray) tag_names = NULL;
  g_autofree char *cpu_features = NULL;
  const char *power = "halted";
  const char *host_name = NULL;
  const char *affinity_name = NULL;
  const char *cpu = NULL;
  const char *ha = NULL;
  const char *suspend_sr = NULL;
  gboolean nomigrate = FALSE;
  gboolean nested = FALSE;
  JsonNode *tools;
  JsonNode *cd;
  HostEntry *host = NULL;
  FerrySimRow *vm;
  gboolean halted;
  gboolean live;

  if (!check_keys (ctx, object, "VM", vm_keys) ||
      !get_name (ctx, object, "VM", &spec.name_label) ||
      !get_string (ctx, object, "description", FALSE, "VM", &spec.name_description) ||
      !get_string (ctx, object, "power_state", FALSE, "VM", &power) ||
      !get_string (ctx, object, "host", FALSE, "VM", &host_name) ||
      !get_string (ctx, object, "affinity", FALSE, "VM", &affinity_name) ||
      !parse_memory (pc, object, &spec) ||
      !get_size (ctx, object, "memory_actual", FALSE, "VM", &spec.memory_actual) ||
      !parse_vcpus (pc, object, &spec) ||
      !get_string (ctx, object, "os", FALSE, "VM", &spec.os) ||
      !check_preset (ctx, object, "os", spec.os, "OS", ferry_sim_os_preset_names ()) ||
      !get_map (ctx, object, "os_version", &os_version) ||
      !get_string (ctx, object, "domain_type", FALSE, "VM", &spec.domain_type) ||
      !check_preset (ctx, object, "domain_type", spec.domain_type, "domain type", domain_types) ||
      !get_bool (ctx, object, "template", &spec.is_template) ||
      !get_bool (ctx, object, "mcs", &spec.mcs) ||
      !get_map (ctx, object, "platform", &platform) ||
      !get_bool (ctx, object, "nomigrate", &nomigrate) ||
      !get_bool (ctx, object, "nested_virt", &nested) ||
      !get_map (ctx, object, "other_config", &other_config) ||
      !get_map (ctx, object, "blocked_operations", &blocked) ||
      !get_strv (ctx, object, "tags", &tag_names) ||
      !get_string (ctx, object, "ha", FALSE, "VM", &ha) ||
      !get_string (ctx, object, "cpu", FALSE, "VM", &cpu) ||
      !check_preset (ctx, object, "cpu", cpu, "CPU preset", ferry_sim_cpu_preset_names ()) ||
      !get_string (ctx, object, "cpu_features", FALSE, "VM", &spec.cpu_features) ||
      !get_int (ctx, object, "hardware_platform_version", 0, 64, &spec.hardware_platform_version) ||
      !get_rate (ctx, object, "dirty_rate", &spec.dirty_rate_mib_s) ||
      !get_number (ctx, object, "compressibility", 0.0, 1.0, &spec.compressibility) ||
      !get_rate (ctx, object, "disk_write_rate", &spec.disk_write_mib_s) ||
      !get_string (ctx, object, "suspend_sr", FALSE, "VM", &suspend_sr))
    return FALSE;

  if (g_hash_table_contains (pc->vms, spec.name_label))
    return fail (ctx, member_line (ctx, object, "name"), "duplicate VM name '%s' in %s", spec.name_label, pc->what);

  for (guint i = 0; power_states[i]; i++)
    if (g_ascii_strcasecmp (power, power_states[i]) == 0)
      spec.power_state = power_states[i];
  if (spec.power_state == NULL)
    return fail (ctx, member_line (ctx, object, "power_state"),
                 "unknown power state '%s' (use halted, running, paused or suspended)", power);
  halted = g_str_equal (spec.power_state, "Halted");
  live = g_str_equal (spec.power_state, "Running") || g_str_equal (spec.power_state, "Paused");

  if (live && host_name == NULL)
    return fail (ctx, container_line (ctx, object), "%s VM '%s' has no 'host'", power, spec.name_label);
  if (!live && host_name != NULL)
    return fail (ctx, member_line (ctx, object, "host"),
                 "%s VM '%s' runs nowhere: use 'affinity' for its home server", power, spec.name_label);
  if (host_name && (host = lookup_host (pc, object, "host", host_name)) == NULL)
    return FALSE;
  if (affinity_name)
    {
      HostEntry *affinity = lookup_host (pc, object, "affinity", affinity_name);
      if (affinity == NULL)
        return FALSE;
      spec.affinity = affinity->row;
    }
  else if (host)
    spec.affinity = host->row;
  spec.host = host ? host->row : NULL;

  if (spec.is_template && !halted)
    return fail (ctx, member_line (ctx, object, "power_state"), "template '%s' must be halted", spec.name_label);
  if (spec.memory_actual > 0 && !live)
    return fail (ctx, member_line (ctx, object, "memory_actual"), "only a running or paused VM has 'memory_actual'");
  if (spec.memory_actual > 0)
    {
      gint64 dmax = spec.memory_dynamic_max ? spec.memory_dynamic_max : spec.memory_static_max ? spec.memory_static_max : 2 * FERRY_SIM_GiB;
      gint64 dmin = spec.memory_dynamic_min ? spec.memory_dynamic_min : dmax;
      if (spec.memory_actual < dmin || spec.memory_actual > dmax)
        return fail (ctx, member_line (ctx, object, "memory_actual"),
                     "'memory_actual' must lie between dynamic_min and dynamic_max");
    }

  tools = json_object_get_member (object, "tools");
  if (tools != NULL)
    {
      if (node_is (tools, G_TYPE_BOOLEAN))
        spec.tools = json_node_get_boolean (tools);
      else if (node_is (tools, G_TYPE_STRING) && g_regex_match_simple ("^[0-9]+\\.[0-9]+(\\.[0-9]+){0,2}$",
                                                                         json_node_get_string (tools), 0, 0))
        {
          spec.tools = TRUE;
          spec.tools_version = json_node_get_string (tools);
        }
      else
        return fail (ctx, member_line (ctx, object, "tools"),
                     "'tools' must be true, false or a version such as \"9.4.0.146\"");
    }

  if (ha != NULL && !g_str_equal (ha, "restart") && !g_str_equal (ha, "best-effort") && *ha != '\0')
    return fail (ctx, member_line (ctx, object, "ha"), "'ha' must be \"restart\", \"best-effort\" or \"\", not \"%s\"", ha);
  spec.ha_restart_priority = ha;

  if ((cpu || spec.cpu_features) && halted)
    return fail (ctx, member_line (ctx, object, cpu ? "cpu" : "cpu_features"),
                 "a halted VM has no last-boot CPU flags");
  if (spec.cpu_features && !ferry_sim_cpu_features_valid (spec.cpu_features))
    return fail (ctx, member_line (ctx, object, "cpu_features"),
                 "'cpu_features' must be dash-separated 8-digit hex words such as \"1fcbfbff-f7fa3223\"");
  if (cpu)
    {
      cpu_features = ferry_sim_cpu_preset_features (cpu, &spec.cpu_vendor);
      if (spec.cpu_features == NULL)
        spec.cpu_features = cpu_features;
    }

  if (nomigrate || nested)
    {
      if (platform.kind != FERRY_SIM_VALUE_MAP)
        ferry_sim_value_set_map (&platform);
      if (nomigrate)
        ferry_sim_value_insert_string (&platform, "nomigrate", "true");
      if (nested)
        ferry_sim_value_insert_string (&platform, "nested-virt", "true");
    }
  if (tag_names)
    {
      ferry_sim_value_set_array (&tags);
      for (guint i = 0; tag_names->pdata[i]; i++)
        ferry_sim_value_append_string (&tags, tag_names->pdata[i]);
      spec.tags = &tags;
    }
  spec.os_version = os_version.kind == FERRY_SIM_VALUE_MAP ? &os_version : NULL;
  spec.platform = platform.kind == FERRY_SIM_VALUE_MAP ? &platform : NULL;
  spec.other_config = other_config.kind == FERRY_SIM_VALUE_MAP ? &other_config : NULL;
  spec.blocked_operations = blocked.kind == FERRY_SIM_VALUE_MAP ? &blocked : NULL;

  vm = ferry_sim_builder_add_vm (pc->builder, &spec);
  g_hash_table_insert (pc->vms, (gpointer) spec.name_label, vm);

  if (!parse_disks (pc, object, vm, spec.host))
    return FALSE;

  cd = json_object_get_member (object, "cd");
  if (cd != NULL)
    {
      FerrySimRow *iso = NULL;

      if (node_is (cd, G_TYPE_STRING))
        {
          iso = g_hash_table_lookup (pc->isos, json_node_get_string (cd));
          if (iso == NULL)
            return fail (ctx, member_line (ctx, object, "cd"), "unknown ISO '%s' in %s", json_node_get_string (cd), pc->what);
        }
      else if (!node_is (cd, G_TYPE_BOOLEAN))
        return fail (ctx, member_line (ctx, object, "cd"), "'cd' must be an ISO name, or true for an empty drive");
      if (iso != NULL || json_node_get_boolean (cd))
        ferry_sim_builder_add_cd (pc->builder, vm, iso);
    }

  if (!parse_vifs (pc, object, vm) || !parse_vm_devices (pc, object, vm))
    return FALSE;

  if (g_str_equal (spec.power_state, "Suspended"))
    {
      SrEntry *sr = NULL;
      const char *default_sr = ferry_sim_row_get_string (pc->pool_row, "default_SR");

      if (suspend_sr && (sr = lookup_sr (pc, member_line (ctx, object, "suspend_sr"), suspend_sr)) == NULL)
        return FALSE;
      for (guint i = 0; sr == NULL && i < pc->sr_order->len; i++)
        {
          SrEntry *candidate = g_ptr_array_index (pc->sr_order, i);
          if (g_strcmp0 (candidate->row->ref, default_sr) == 0)
            sr = candidate;
        }
      if (sr == NULL)
        return fail (ctx, container_line (ctx, object), "suspended VM '%s' needs a 'suspend_sr' (the pool has no default SR)",
                     spec.name_label);
      if (sr->iso)
        return fail (ctx, member_line (ctx, object, "suspend_sr"), "a suspend image cannot go on ISO SR '%s'", suspend_sr);
      ferry_sim_builder_add_suspend_image (pc->builder, vm, sr->row);
    }
  else if (suspend_sr != NULL)
    return fail (ctx, member_line (ctx, object, "suspend_sr"), "only a suspended VM has a 'suspend_sr'");

  return parse_snapshots (pc, object, vm);
}

/* Pools ------------------------------------------------------------------- */

static const char * const pool_keys[] = {
  "name", "description", "version", "software_version", "cpu", "users", "ha",
  "migration_compression", "restrictions", "other_config", "default_sr", "address_prefix",
  "default_templates", "hosts", "srs", "networks", "vms", NULL
};

static const char * const standalone_keys[] = {
  "description", "version", "software_version", "cpu", "users", "migration_compression",
  "restrictions", "other_config", "default_sr", "address_prefix", "default_templates", "host",
  "srs", "networks", "vms", NULL
};

static gboolean
parse_users (Ctx        *ctx,
             JsonObject *object,
             GHashTable *users)
{
  g_auto(FerrySimValue) map = FERRY_SIM_VALUE_INIT;

  if (!get_map (ctx, object, "users", &map))
    return FALSE;
  for (guint i = 0; i < ferry_sim_value_get_length (&map); i++)
    {
      const FerrySimPair *pair = ferry_sim_value_pair (&map, i);

      if (pair->key[0] == '\0')
        return fail (ctx, member_line (ctx, object, "users"), "a user has an empty name");
      g_hash_table_insert (users, g_strdup (pair->key), g_strdup (ferry_sim_value_get_string (&pair->value)));
    }
  return TRUE;
}

static gboolean
for_each_object (PoolCtx     *pc,
                 JsonObject  *object,
                 const char  *key,
                 const char  *what,
                 gboolean   (*func) (PoolCtx *, JsonObject *))
{
  JsonArray *array;

  if (!get_array (pc->ctx, object, key, &array))
    return FALSE;
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonObject *item = NULL;

      if (!get_object_node (pc->ctx, json_array_get_element (array, i), element_line (pc->ctx, array, i), what, &item) ||
          !func (pc, item))
        return FALSE;
    }
  return TRUE;
}

static guint32
hash_seed (const char *text,
           gint64      seed)
{
  guint32 h = 5381 + (guint32) seed * 2654435761u;

  for (const char *p = text; *p; p++)
    h = h * 33 + (guchar) *p;
  return h;
}

static FerrySimPool *
parse_pool (Ctx        *ctx,
            JsonObject *object,
            gboolean    standalone,
            gint64      seed,
            GHashTable *scenario_users,
            const char *default_password)
{
  PoolCtx pc = { 0 };
  FerrySimPoolSpec spec = { 0 };
  g_autoptr(FerrySimDb) db = ferry_sim_db_new ();
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(FerrySimValue) restrictions = FERRY_SIM_VALUE_INIT;
  g_auto(FerrySimValue) other_config = FERRY_SIM_VALUE_INIT;
  g_autofree char *what = NULL;
  const char *default_sr = NULL;
  gboolean default_templates = TRUE;
  JsonNode *ha_node;
  JsonObject *host_object = NULL;
  GHashTableIter iter;
  gpointer key, value;
  FerrySimPool *result = NULL;

  pc.ctx = ctx;
  pc.object = object;
  pc.hosts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, NULL);
  pc.host_order = g_ptr_array_new_with_free_func (host_entry_free);
  pc.srs = g_hash_table_new (g_str_hash, g_str_equal);
  pc.sr_order = g_ptr_array_new_with_free_func (g_free);
  pc.networks = g_hash_table_new (g_str_hash, g_str_equal);
  pc.isos = g_hash_table_new (g_str_hash, g_str_equal);
  pc.vms = g_hash_table_new (g_str_hash, g_str_equal);
  pc.used_devices = g_hash_table_new (g_str_hash, g_str_equal);
  pc.nic_networks = g_hash_table_new (g_str_hash, g_str_equal);

  if (!check_keys (ctx, object, standalone ? "standalone host" : "pool", standalone ? standalone_keys : pool_keys))
    goto out;

  if (standalone)
    {
      JsonNode *node = json_object_get_member (object, "host");
      const char *host_name = NULL;

      if (node == NULL)
        {
          fail (ctx, container_line (ctx, object), "standalone entry has no 'host'");
          goto out;
        }
      if (!get_object_node (ctx, node, member_line (ctx, object, "host"), "'host'", &host_object) ||
          !get_string (ctx, host_object, "name", TRUE, "host", &host_name))
        goto out;
      spec.name_label = "";
      what = g_strdup_printf ("standalone host '%s'", host_name);
    }
  else
    {
      if (!get_name (ctx, object, "pool", &spec.name_label))
        goto out;
      if (g_hash_table_contains (ctx->pool_names, spec.name_label))
        {
          fail (ctx, member_line (ctx, object, "name"), "duplicate pool name '%s'", spec.name_label);
          goto out;
        }
      g_hash_table_insert (ctx->pool_names, (gpointer) spec.name_label, GUINT_TO_POINTER (1));
      what = g_strdup_printf ("pool '%s'", spec.name_label);
    }
  pc.what = what;

  if (!get_string (ctx, object, "description", FALSE, "pool", &spec.name_description) ||
      !get_string (ctx, object, "version", FALSE, "pool", &pc.version) ||
      !check_preset (ctx, object, "version", pc.version, "version preset", ferry_sim_version_preset_names ()) ||
      !get_map (ctx, object, "software_version", &pc.software_version) ||
      !get_string (ctx, object, "cpu", FALSE, "pool", &pc.cpu) ||
      !check_preset (ctx, object, "cpu", pc.cpu, "CPU preset", ferry_sim_cpu_preset_names ()) ||
      !parse_users (ctx, object, users) ||
      !get_bool (ctx, object, "migration_compression", &spec.migration_compression) ||
      !get_map (ctx, object, "restrictions", &restrictions) ||
      !get_map (ctx, object, "other_config", &other_config) ||
      !get_string (ctx, object, "default_sr", FALSE, "pool", &default_sr) ||
      !get_string (ctx, object, "address_prefix", FALSE, "pool", &spec.address_prefix) ||
      !get_bool (ctx, object, "default_templates", &default_templates))
    goto out;

  ha_node = json_object_get_member (object, "ha");
  if (ha_node != NULL)
    {
      static const char * const ha_keys[] = { "enabled", "host_failures_to_tolerate", "allow_overcommit", NULL };
      JsonObject *ha = NULL;

      spec.ha_host_failures_to_tolerate = 1;
      if (!get_object_node (ctx, ha_node, member_line (ctx, object, "ha"), "'ha'", &ha) ||
          !check_keys (ctx, ha, "ha", ha_keys) ||
          !get_bool (ctx, ha, "enabled", &spec.ha_enabled) ||
          !get_int (ctx, ha, "host_failures_to_tolerate", 0, 16, &spec.ha_host_failures_to_tolerate) ||
          !get_bool (ctx, ha, "allow_overcommit", &spec.ha_allow_overcommit))
        goto out;
    }

  spec.restrictions = restrictions.kind == FERRY_SIM_VALUE_MAP ? &restrictions : NULL;
  spec.other_config = other_config.kind == FERRY_SIM_VALUE_MAP ? &other_config : NULL;
  spec.no_default_templates = !default_templates;

  pc.pool = ferry_sim_pool_new (db);
  pc.builder = ferry_sim_builder_new (pc.pool, hash_seed (standalone ? what : spec.name_label, seed));
  pc.pool_row = ferry_sim_builder_add_pool (pc.builder, &spec);

  if (standalone)
    {
      if (!parse_host (&pc, host_object))
        goto out;
    }
  else
    {
      JsonArray *hosts;

      if (!get_array (ctx, object, "hosts", &hosts))
        goto out;
      if (hosts == NULL || json_array_get_length (hosts) == 0)
        {
          fail (ctx, hosts ? member_line (ctx, object, "hosts") : container_line (ctx, object),
                "%s has no hosts", what);
          goto out;
        }
      if (!for_each_object (&pc, object, "hosts", "a host", parse_host))
        goto out;
      if (spec.ha_enabled && spec.ha_host_failures_to_tolerate >= (gint64) pc.host_order->len)
        {
          fail (ctx, member_line (ctx, object, "ha"), "%s cannot tolerate %" G_GINT64_FORMAT " host failures with %u hosts",
                what, spec.ha_host_failures_to_tolerate, pc.host_order->len);
          goto out;
        }
    }

  if (!for_each_object (&pc, object, "networks", "a network", parse_network) ||
      !for_each_object (&pc, object, "srs", "an SR", parse_sr))
    goto out;

  if (default_sr != NULL)
    {
      SrEntry *sr = lookup_sr (&pc, member_line (ctx, object, "default_sr"), default_sr);

      if (sr == NULL)
        goto out;
      if (sr->iso)
        {
          fail (ctx, member_line (ctx, object, "default_sr"), "default SR '%s' is an ISO library", default_sr);
          goto out;
        }
      ferry_sim_db_set_string (db, pc.pool_row, "default_SR", sr->row->ref);
      ferry_sim_db_set_string (db, pc.pool_row, "suspend_image_SR", sr->row->ref);
      ferry_sim_db_set_string (db, pc.pool_row, "crash_dump_SR", sr->row->ref);
    }
  else
    {
      /* Like a fresh install: the first shared disk SR, else the first local one. */
      SrEntry *best = NULL;

      for (guint i = 0; i < pc.sr_order->len; i++)
        {
          SrEntry *sr = g_ptr_array_index (pc.sr_order, i);
          if (sr->iso)
            continue;
          if (best == NULL || (best->host != NULL && sr->host == NULL))
            best = sr;
        }
      if (best != NULL)
        {
          ferry_sim_db_set_string (db, pc.pool_row, "default_SR", best->row->ref);
          ferry_sim_db_set_string (db, pc.pool_row, "suspend_image_SR", best->row->ref);
          ferry_sim_db_set_string (db, pc.pool_row, "crash_dump_SR", best->row->ref);
        }
    }

  if (!for_each_object (&pc, object, "vms", "a VM", parse_vm))
    goto out;

  /* SR usage: the disks' sum, plus what "used" declares beyond it. */
  for (guint i = 0; i < pc.sr_order->len; i++)
    {
      SrEntry *sr = g_ptr_array_index (pc.sr_order, i);
      gint64 used = -1;
      gint64 vdis = ferry_sim_builder_get_sr_vdi_usage (pc.builder, sr->row, NULL);

      get_size (ctx, sr->object, "used", FALSE, "SR", &used);
      if (used >= 0 && used < vdis)
        {
          fail (ctx, member_line (ctx, sr->object, "used"),
                "SR '%s': 'used' is %" G_GINT64_FORMAT " bytes but its disks already use %" G_GINT64_FORMAT,
                ferry_sim_row_get_string (sr->row, "name_label"), used, vdis);
          goto out;
        }
      if (vdis > sr->size)
        {
          fail (ctx, member_line (ctx, sr->object, "size"),
                "SR '%s' is too small: its disks use %" G_GINT64_FORMAT " bytes",
                ferry_sim_row_get_string (sr->row, "name_label"), vdis);
          goto out;
        }
      if (used >= 0)
        ferry_sim_builder_set_sr_extra_used (pc.builder, sr->row, used - vdis);
    }

  ferry_sim_builder_finish (pc.builder);

  for (guint i = 0; i < pc.host_order->len; i++)
    {
      HostEntry *host = g_ptr_array_index (pc.host_order, i);
      gint64 free_memory = ferry_sim_builder_get_host_free_memory (pc.builder, host->row);

      if (free_memory < 0)
        {
          fail (ctx, container_line (ctx, host->object),
                "host '%s' is overcommitted: its running VMs need %" G_GINT64_FORMAT " MiB more than it has",
                ferry_sim_row_get_string (host->row, "name_label"),
                (-free_memory + FERRY_SIM_MiB - 1) / FERRY_SIM_MiB);
          goto out;
        }
    }

  /* Users: the scenario's, then the pool's; root/@default_password if none. */
  g_hash_table_iter_init (&iter, scenario_users);
  while (g_hash_table_iter_next (&iter, &key, &value))
    ferry_sim_pool_set_password (pc.pool, key, value);
  g_hash_table_iter_init (&iter, users);
  while (g_hash_table_iter_next (&iter, &key, &value))
    ferry_sim_pool_set_password (pc.pool, key, value);
  if (!ferry_sim_pool_has_users (pc.pool))
    ferry_sim_pool_set_password (pc.pool, "root", default_password ? default_password : "demo");

  result = g_steal_pointer (&pc.pool);

out:
  pool_ctx_clear (&pc);
  return result;
}

/* Files ------------------------------------------------------------------- */

static const char * const top_keys[] = { "format", "description", "seed", "users", "pools", "standalone", NULL };

/* Finds the first line deeper than MAX_DEPTH, outside strings. */
static guint
find_too_deep (const char *data,
               gsize       length)
{
  guint depth = 0;
  guint line = 1;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (c == '\n')
        line++;
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_DEPTH)
            return line;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  return 0;
}

static guint
line_at (const char *data,
         gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    line += data[i] == '\n';
  return line;
}

/* json-glib says "<data>:4:12: Parse error: …"; keep the line and the problem. */
static gboolean
fail_syntax (Ctx          *ctx,
             JsonParser   *parser,
             const GError *error)
{
  const char *message = error->message;
  guint line = json_parser_get_current_line (parser);
  const char *p;

  if (g_str_has_prefix (message, "<data>:"))
    {
      char *end = NULL;
      guint64 n = g_ascii_strtoull (message + strlen ("<data>:"), &end, 10);

      if (end && *end == ':')
        {
          line = (guint) MIN (n, G_MAXUINT);
          p = strstr (end, ": ");
          if (p)
            message = p + 2;
        }
    }
  if (g_str_has_prefix (message, "Parse error: "))
    message += strlen ("Parse error: ");
  return fail (ctx, line, "JSON syntax error: %s", message);
}

GPtrArray *
ferry_sim_scenario_load_data (const char  *data,
                              gsize        length,
                              const char  *name,
                              const char  *default_password,
                              GError     **error)
{
  Ctx ctx = { 0 };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) pools = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) parse_error = NULL;
  const char *invalid = NULL;
  JsonNode *root;
  JsonObject *top = NULL;
  JsonArray *pool_array = NULL;
  JsonArray *standalone_array = NULL;
  gint64 format = 1;
  gint64 seed = 0;
  const char *description = NULL;
  guint deep;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  ctx.file = name ? name : "<scenario>";
  ctx.member_lines = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_hash_table_unref);
  ctx.container_lines = g_hash_table_new (NULL, NULL);
  ctx.element_lines = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  ctx.open_lines = g_array_new (FALSE, FALSE, sizeof (guint));
  ctx.host_names = g_hash_table_new (g_str_hash, g_str_equal);
  ctx.pool_names = g_hash_table_new (g_str_hash, g_str_equal);

  if (!g_utf8_validate (data ? data : "", length, &invalid))
    {
      fail (&ctx, line_at (data, invalid - data), "not UTF-8 text");
      goto out;
    }
  if ((deep = find_too_deep (data, length)) > 0)
    {
      fail (&ctx, deep, "nested more than %d levels deep", MAX_DEPTH);
      goto out;
    }

  parser = json_parser_new_immutable ();
  g_signal_connect (parser, "object-start", G_CALLBACK (on_container_start), &ctx);
  g_signal_connect (parser, "array-start", G_CALLBACK (on_container_start), &ctx);
  g_signal_connect (parser, "object-end", G_CALLBACK (on_container_end), &ctx);
  g_signal_connect (parser, "array-end", G_CALLBACK (on_container_end), &ctx);
  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &ctx);
  g_signal_connect (parser, "array-element", G_CALLBACK (on_array_element), &ctx);

  if (!json_parser_load_from_data (parser, length ? data : "", length, &parse_error))
    {
      fail_syntax (&ctx, parser, parse_error);
      goto out;
    }
  if (ctx.duplicate_key != NULL)
    {
      fail (&ctx, ctx.duplicate_line, "duplicate key '%s'", ctx.duplicate_key);
      goto out;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      fail (&ctx, 1, "the file is empty");
      goto out;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (&ctx, node_line (&ctx, root, 1), "a scenario is a JSON object with \"pools\" and \"standalone\"");
      goto out;
    }
  top = json_node_get_object (root);

  if (!check_keys (&ctx, top, "the scenario", top_keys) ||
      !get_int (&ctx, top, "format", 1, 1, &format) ||
      !get_string (&ctx, top, "description", FALSE, "the scenario", &description) ||
      !get_int (&ctx, top, "seed", 0, G_MAXUINT32, &seed) ||
      !parse_users (&ctx, top, users) ||
      !get_array (&ctx, top, "pools", &pool_array) ||
      !get_array (&ctx, top, "standalone", &standalone_array))
    goto out;

  if ((pool_array == NULL || json_array_get_length (pool_array) == 0) &&
      (standalone_array == NULL || json_array_get_length (standalone_array) == 0))
    {
      fail (&ctx, container_line (&ctx, top), "the scenario has no pools and no standalone hosts");
      goto out;
    }

  for (guint pass = 0; pass < 2; pass++)
    {
      JsonArray *array = pass == 0 ? pool_array : standalone_array;

      for (guint i = 0; array && i < json_array_get_length (array); i++)
        {
          JsonObject *object = NULL;
          FerrySimPool *pool;

          if (!get_object_node (&ctx, json_array_get_element (array, i), element_line (&ctx, array, i),
                                pass == 0 ? "a pool" : "a standalone host", &object))
            goto out;
          pool = parse_pool (&ctx, object, pass == 1, seed, users, default_password);
          if (pool == NULL)
            goto out;
          g_ptr_array_add (pools, pool);
        }
    }

  /* A pool may not share its name with a standalone host. */
  {
    GHashTableIter iter;
    gpointer pool_name;

    g_hash_table_iter_init (&iter, ctx.pool_names);
    while (g_hash_table_iter_next (&iter, &pool_name, NULL))
      if (g_hash_table_contains (ctx.host_names, pool_name))
        for (guint i = 0; i < pools->len; i++)
          if (ferry_sim_pool_is_standalone (g_ptr_array_index (pools, i)) &&
              g_strcmp0 (ferry_sim_pool_get_name (g_ptr_array_index (pools, i)), pool_name) == 0)
            {
              fail (&ctx, GPOINTER_TO_UINT (g_hash_table_lookup (ctx.host_names, pool_name)),
                    "standalone host '%s' has the name of a pool", (const char *) pool_name);
              goto out;
            }
  }

out:
  if (ctx.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&ctx.error));
      ctx_clear (&ctx);
      return NULL;
    }
  ctx_clear (&ctx);
  return g_steal_pointer (&pools);
}

GPtrArray *
ferry_sim_scenario_load_file (const char  *path,
                              const char  *default_password,
                              GError     **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE, "%s:1: %s", path, local_error->message);
      return NULL;
    }
  return ferry_sim_scenario_load_data (data, length, path, default_password, error);
}

/* Generated pools --------------------------------------------------------- */

typedef struct
{
  guint64 hosts;
  guint64 vms;
  guint64 vdis;
  guint64 seed;
  guint64 srs;
  guint64 networks;
  gboolean has_vdis;
  gboolean has_srs;
} GenerateSpec;

typedef struct
{
  const char *key;
  guint64     min;
  guint64     max;
  gsize       offset;
} GenerateKey;

static const GenerateKey generate_keys[] = {
  { "hosts",    1, 1000,        G_STRUCT_OFFSET (GenerateSpec, hosts) },
  { "vms",      0, 200000,      G_STRUCT_OFFSET (GenerateSpec, vms) },
  { "vdis",     0, 1000000,     G_STRUCT_OFFSET (GenerateSpec, vdis) },
  { "seed",     0, G_MAXUINT32, G_STRUCT_OFFSET (GenerateSpec, seed) },
  { "srs",      1, 64,          G_STRUCT_OFFSET (GenerateSpec, srs) },
  { "networks", 1, 64,          G_STRUCT_OFFSET (GenerateSpec, networks) },
};

static gboolean
parse_generate_spec (const char    *text,
                     GenerateSpec  *spec,
                     GError       **error)
{
  g_auto(GStrv) items = g_strsplit (text ? text : "", ",", -1);
  guint seen = 0;

  memset (spec, 0, sizeof *spec);

  for (guint i = 0; items[i]; i++)
    {
      g_autofree char *item = g_strstrip (g_strdup (items[i]));
      char *eq = strchr (item, '=');
      const GenerateKey *key = NULL;
      guint64 value;
      g_autoptr(GError) number_error = NULL;

      if (*item == '\0')
        continue;
      if (eq == NULL)
        {
          g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID,
                       "--generate: '%s' is not key=value (keys: hosts, vms, vdis, seed, srs, networks)", item);
          return FALSE;
        }
      *eq = '\0';
      g_strstrip (item);
      for (guint k = 0; k < G_N_ELEMENTS (generate_keys); k++)
        if (g_str_equal (generate_keys[k].key, item))
          key = &generate_keys[k];
      if (key == NULL)
        {
          g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID,
                       "--generate: unknown key '%s' (keys: hosts, vms, vdis, seed, srs, networks)", item);
          return FALSE;
        }
      if (seen & (1u << (key - generate_keys)))
        {
          g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID, "--generate: '%s' given twice", item);
          return FALSE;
        }
      seen |= 1u << (key - generate_keys);
      if (!g_ascii_string_to_unsigned (g_strstrip (eq + 1), 10, key->min, key->max, &value, &number_error))
        {
          g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID,
                       "--generate: bad %s '%s': use a whole number from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT,
                       item, eq + 1, key->min, key->max);
          return FALSE;
        }
      G_STRUCT_MEMBER (guint64, spec, key->offset) = value;
    }

  if (!(seen & 1) || !(seen & 2))
    {
      g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID,
                   "--generate needs at least hosts=N,vms=M (also vdis=K, seed=S, srs=R, networks=W)");
      return FALSE;
    }
  spec->has_vdis = (seen & 4) != 0;
  spec->has_srs = (seen & 16) != 0;
  if (!spec->has_vdis)
    spec->vdis = spec->vms * 2;
  /* Big pools spread their disks and VIFs like real ones do: about 1,000
   * VDIs per shared SR and 1,000 VMs per VM network. */
  if (!spec->has_srs)
    spec->srs = CLAMP (MAX (spec->hosts / 8, spec->vdis / 1000), 2, 64);
  if (!(seen & 32))
    spec->networks = 2 + CLAMP (spec->vms / 1000, 1, 62);
  if (spec->vdis > 0 && spec->vms == 0)
    {
      g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID, "--generate: vdis needs vms");
      return FALSE;
    }
  if (spec->vms > 0 && spec->vdis > spec->vms * 16)
    {
      g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID, "--generate: at most 16 VDIs per VM");
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  guint32 host;       /* resident host, or home server */
  gint64  memory;
  guint8  power;      /* index into generated_power */
  guint8  os;
  guint8  vcpus;
  guint8  tools;
  guint32 first_disk; /* index into the disk plans */
  guint8  n_disks;
} VmPlan;

typedef struct
{
  guint32 sr;         /* index into the SR rows */
  gint64  size;
  gint64  used;
} DiskPlan;

static const char * const generated_power[] = { "Running", "Halted", "Suspended", "Paused" };
static const char * const generated_os[] = {
  "windows-server-2022", "windows-server-2019", "windows-10", "debian-12", "ubuntu-22.04", "rhel-9", "rocky-8"
};
static const guint generated_os_weight[] = { 30, 10, 10, 20, 15, 10, 5 };

static guint
pick_weighted (GRand       *rand,
               const guint *weights,
               guint        n)
{
  guint total = 0;
  guint r;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  r = g_rand_int_range (rand, 0, total);
  for (guint i = 0; i < n; i++)
    {
      if (r < weights[i])
        return i;
      r -= weights[i];
    }
  return n - 1;
}

static gint64
round_up (gint64 value,
          gint64 step)
{
  return (value + step - 1) / step * step;
}

FerrySimPool *
ferry_sim_generate (const char  *spec_text,
                    GError     **error)
{
  static const guint power_weight[] = { 70, 22, 5, 3 };
  static const gint64 memory_gib[] = { 1, 2, 4, 8, 16, 32 };
  static const guint memory_weight[] = { 10, 25, 30, 20, 10, 5 };
  static const guint8 vcpu_choice[] = { 1, 2, 4, 8 };
  static const gint64 system_gib[] = { 20, 32, 40, 60, 80 };
  static const gint64 data_gib[] = { 10, 50, 100, 200, 500 };
  GenerateSpec spec;
  g_autoptr(GRand) rand = NULL;
  g_autoptr(FerrySimDb) db = NULL;
  g_autoptr(FerrySimPool) pool = NULL;
  g_autoptr(FerrySimBuilder) builder = NULL;
  g_autofree VmPlan *vms = NULL;
  g_autofree DiskPlan *disks = NULL;
  g_autofree gint64 *host_need = NULL;
  g_autofree gint64 *sr_need = NULL;
  g_autofree char *pool_name = NULL;
  g_autoptr(GPtrArray) hosts = g_ptr_array_new ();
  g_autoptr(GPtrArray) srs = g_ptr_array_new ();      /* shared SRs, then one local SR per host */
  g_autoptr(GPtrArray) networks = g_ptr_array_new ();
  FerrySimPoolSpec pool_spec = { 0 };
  FerrySimRow *iso_sr;
  guint n_shared;
  guint disk_index = 0;

  if (!parse_generate_spec (spec_text, &spec, error))
    return NULL;

  /* Plan first, with its own random stream, so that hosts and SRs can be
   * sized to what lands on them. */
  rand = g_rand_new_with_seed ((guint32) spec.seed ^ 0x9e3779b9u);
  n_shared = spec.srs;
  vms = g_new0 (VmPlan, spec.vms);
  disks = g_new0 (DiskPlan, spec.vdis);
  host_need = g_new0 (gint64, spec.hosts);
  sr_need = g_new0 (gint64, n_shared + spec.hosts);

  for (guint64 i = 0; i < spec.vms; i++)
    {
      VmPlan *plan = &vms[i];
      guint n = spec.vdis / spec.vms + (i < spec.vdis % spec.vms ? 1 : 0);

      plan->power = pick_weighted (rand, power_weight, G_N_ELEMENTS (power_weight));
      plan->os = pick_weighted (rand, generated_os_weight, G_N_ELEMENTS (generated_os_weight));
      plan->memory = memory_gib[pick_weighted (rand, memory_weight, G_N_ELEMENTS (memory_weight))] * FERRY_SIM_GiB;
      plan->vcpus = vcpu_choice[g_rand_int_range (rand, 0, G_N_ELEMENTS (vcpu_choice))];
      plan->tools = g_rand_int_range (rand, 0, 100) < 92;
      plan->host = g_rand_int_range (rand, 0, spec.hosts);
      plan->first_disk = disk_index;
      plan->n_disks = n;
      if (plan->power == 0 || plan->power == 3)
        host_need[plan->host] += plan->memory +
          ferry_sim_vm_memory_overhead (plan->memory, plan->vcpus,
                                        g_str_has_prefix (generated_os[plan->os], "windows") ? "hvm" : "hvm", 1.0);

      for (guint d = 0; d < n; d++)
        {
          DiskPlan *disk = &disks[disk_index++];
          gboolean local = g_rand_int_range (rand, 0, 100) < 15;

          disk->size = (d == 0 ? system_gib[g_rand_int_range (rand, 0, G_N_ELEMENTS (system_gib))]
                               : data_gib[g_rand_int_range (rand, 0, G_N_ELEMENTS (data_gib))]) * FERRY_SIM_GiB;
          disk->sr = local ? n_shared + plan->host : (guint32) g_rand_int_range (rand, 0, n_shared);
          /* Shared SRs alternate NFS (thin) and iSCSI (thick); local ones are thick LVM. */
          if (disk->sr < n_shared && disk->sr % 2 == 0)
            disk->used = round_up (disk->size * g_rand_int_range (rand, 20, 81) / 100, FERRY_SIM_MiB);
          else
            disk->used = disk->size;
          sr_need[disk->sr] += disk->used;
        }
      if (plan->power == 2)
        {
          guint32 sr = n > 0 ? disks[plan->first_disk].sr : 0;
          sr_need[sr] += round_up (plan->memory + 16 * FERRY_SIM_MiB, FERRY_SIM_MiB);
        }
    }

  db = ferry_sim_db_new ();
  pool = ferry_sim_pool_new (db);
  builder = ferry_sim_builder_new (pool, (guint32) spec.seed);
  pool_name = g_strdup_printf ("Generated %" G_GUINT64_FORMAT "x%" G_GUINT64_FORMAT " seed %" G_GUINT64_FORMAT,
                               spec.hosts, spec.vms, spec.seed);
  pool_spec.name_label = pool_name;
  pool_spec.name_description = spec_text;
  pool_spec.address_prefix = "10.10.";
  ferry_sim_builder_add_pool (builder, &pool_spec);

  for (guint64 h = 0; h < spec.hosts; h++)
    {
      g_autofree char *name = g_strdup_printf ("host-%03" G_GUINT64_FORMAT, h + 1);
      g_autofree char *address = g_strdup_printf ("10.10.%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT,
                                                  h / 200, 10 + h % 200);
      FerrySimNicSpec nics[] = { { "eth0", 10000 }, { "eth1", 25000 }, { "eth2", 25000 } };
      FerrySimHostSpec host = {
        .name_label = name,
        .address = address,
        .version = "xenserver-8",
        .cpu = "intel-icelake",
        .cpu_count = 64,
        .memory_total = MAX (256 * FERRY_SIM_GiB, round_up ((host_need[h] + 8 * FERRY_SIM_GiB) * 11 / 10, 64 * FERRY_SIM_GiB)),
        .nics = nics,
        .n_nics = spec.networks >= 3 ? 3 : 2,
      };

      g_ptr_array_add (hosts, ferry_sim_builder_add_host (builder, &host));
    }

  for (guint64 n = 0; n < spec.networks; n++)
    {
      g_autofree char *name = NULL;
      g_autofree char *subnet = NULL;
      FerrySimNetworkSpec net = { 0 };

      if (n == 0)
        {
          net.name_label = "Management";
          net.nic = "eth0";
          net.management = TRUE;
        }
      else if (n == 1)
        {
          subnet = g_strdup ("10.11.0.0/16");
          net.name_label = "Storage";
          net.nic = "eth1";
          net.mtu = 9000;
          net.subnet = subnet;
        }
      else
        {
          name = g_strdup_printf ("VM network %" G_GUINT64_FORMAT, 100 + n - 2);
          net.name_label = name;
          net.nic = "eth2";
          net.vlan = 100 + n - 2;
        }
      g_ptr_array_add (networks, ferry_sim_builder_add_network (builder, &net));
    }

  for (guint s = 0; s < n_shared + spec.hosts; s++)
    {
      g_autofree char *name = NULL;
      FerrySimSrSpec sr = { .shared = -1, .thin = -1 };
      gint64 size = MAX (FERRY_SIM_TiB, round_up (sr_need[s] * 3 / 2, FERRY_SIM_TiB));

      if (s < n_shared)
        {
          name = g_strdup_printf ("%s SR %02u", s % 2 == 0 ? "NFS" : "iSCSI", s + 1);
          sr.type = s % 2 == 0 ? "nfs" : "lvmoiscsi";
          sr.bandwidth_mib_s = s % 2 == 0 ? 800 : 1200;
          sr.is_default = s == 0;
        }
      else
        {
          name = g_strdup ("Local storage");
          sr.type = "lvm";
          sr.host = g_ptr_array_index (hosts, s - n_shared);
          sr.bandwidth_mib_s = 500;
        }
      sr.name_label = name;
      sr.physical_size = size;
      g_ptr_array_add (srs, ferry_sim_builder_add_sr (builder, &sr));
    }

  {
    FerrySimSrSpec sr = { .name_label = "ISO library", .type = "iso", .shared = -1, .thin = -1,
                          .physical_size = FERRY_SIM_TiB };
    iso_sr = ferry_sim_builder_add_sr (builder, &sr);
    ferry_sim_builder_add_iso (builder, iso_sr, "debian-12.7.0-amd64-netinst.iso", 661 * FERRY_SIM_MiB);
    ferry_sim_builder_add_iso (builder, iso_sr, "ubuntu-24.04.1-live-server-amd64.iso", 2694 * FERRY_SIM_MiB);
    ferry_sim_builder_add_iso (builder, iso_sr, "Windows_Server_2022.iso", 5291 * FERRY_SIM_MiB);
    ferry_sim_builder_set_sr_extra_used (builder, iso_sr, 0);
  }

  for (guint64 i = 0; i < spec.vms; i++)
    {
      VmPlan *plan = &vms[i];
      g_autofree char *name = g_strdup_printf ("vm-%05" G_GUINT64_FORMAT, i + 1);
      g_autofree char *ip = g_strdup_printf ("10.%u.%u.%u", 100 + (guint) (i / 62500) % 100,
                                             (guint) (i / 250) % 250, (guint) (i % 250) + 2);
      const char *power = generated_power[plan->power];
      gboolean live = plan->power == 0 || plan->power == 3;
      FerrySimRow *host = g_ptr_array_index (hosts, plan->host);
      FerrySimVmSpec vm_spec = {
        .name_label = name,
        .power_state = power,
        .host = live ? host : NULL,
        .affinity = host,
        .memory_static_max = plan->memory,
        .vcpus_max = plan->vcpus,
        .os = generated_os[plan->os],
        .tools = plan->tools,
        .hardware_platform_version = -1,
        .dirty_rate_mib_s = live ? g_rand_int_range (rand, 1, 200) : -1,
        .compressibility = -1,
        .disk_write_mib_s = live ? g_rand_int_range (rand, 0, 50) : -1,
      };
      FerrySimVifSpec vif = {
        .network = g_ptr_array_index (networks, spec.networks >= 3 ? 2 + i % (spec.networks - 2) : 0),
        .ip = plan->tools ? ip : NULL,
      };
      FerrySimRow *vm = ferry_sim_builder_add_vm (builder, &vm_spec);

      for (guint d = 0; d < plan->n_disks; d++)
        {
          DiskPlan *disk = &disks[plan->first_disk + d];
          FerrySimDiskSpec disk_spec = {
            .sr = g_ptr_array_index (srs, disk->sr),
            .virtual_size = disk->size,
            .physical_utilisation = disk->used,
            .bootable = -1,
          };

          ferry_sim_builder_add_disk (builder, vm, &disk_spec);
        }
      ferry_sim_builder_add_vif (builder, vm, &vif);
      if (plan->power == 2)
        ferry_sim_builder_add_suspend_image (builder, vm,
                                             g_ptr_array_index (srs, plan->n_disks ? disks[plan->first_disk].sr : 0));
    }

  ferry_sim_builder_finish (builder);
  return g_steal_pointer (&pool);
}
