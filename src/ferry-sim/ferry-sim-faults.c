/* ferry-sim-faults.c: injected faults, from JSON, bounded by count or time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-faults"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "ferry-sim-error.h"
#include "ferry-sim-faults.h"
#include "ferry-sim-rpc-private.h"
#include "ferry-sim-timemodel.h"

typedef enum
{
  FAULT_REFUSE_CONNECTIONS,
  FAULT_DROP_CONNECTIONS,
  FAULT_FAIL_MIGRATION,
  FAULT_UNREACHABLE_DESTINATION,
  FAULT_EXPIRE_SESSIONS,
  FAULT_MASTER_FAILOVER,
  FAULT_SLOW_RESPONSES,
  FAULT_REGENERATE_CERTIFICATE,
  FAULT_PARTITION,
  FAULT_CORRUPT_TRANSFER,
  FAULT_DROP_TRANSFER,
  FAULT_STALL_TRANSFER,
} FaultType;

typedef enum
{
  BOUND_COUNTED = 1 << 0,  /* "count" and "seconds" */
  BOUND_TIMED   = 1 << 1,  /* only "seconds" (master_failover) */
  BOUND_ONCE    = 1 << 2,  /* fires once when armed */
} Bound;

static const struct
{
  const char *name;
  FaultType   type;
  Bound       bound;
  const char *keys;  /* besides type, comment, after and the bound's */
} fault_types[] = {
  { "refuse_connections",      FAULT_REFUSE_CONNECTIONS,      BOUND_COUNTED, "host" },
  { "drop_connections",        FAULT_DROP_CONNECTIONS,        BOUND_COUNTED, "host" },
  { "fail_migration",          FAULT_FAIL_MIGRATION,          BOUND_COUNTED, "vm at_progress error leave_paused" },
  { "unreachable_destination", FAULT_UNREACHABLE_DESTINATION, BOUND_COUNTED, "host error" },
  { "expire_sessions",         FAULT_EXPIRE_SESSIONS,         BOUND_ONCE,    "pool" },
  { "master_failover",         FAULT_MASTER_FAILOVER,         BOUND_TIMED,   "pool host" },
  { "slow_responses",          FAULT_SLOW_RESPONSES,          BOUND_COUNTED, "host method delay" },
  { "regenerate_certificate",  FAULT_REGENERATE_CERTIFICATE,  BOUND_ONCE,    "host pool" },
  { "partition",               FAULT_PARTITION,               BOUND_COUNTED, "pool peer" },
  { "corrupt_transfer",        FAULT_CORRUPT_TRANSFER,        BOUND_COUNTED, "vm at_progress" },
  { "drop_transfer",           FAULT_DROP_TRANSFER,           BOUND_COUNTED, "vm at_progress" },
  { "stall_transfer",          FAULT_STALL_TRANSFER,          BOUND_COUNTED, "vm at_progress side" },
};

#define DEFAULT_AT_PROGRESS 0.5

typedef struct
{
  guint         id;
  guint         kind;          /* index into fault_types */
  FaultType     type;
  JsonNode     *spec;          /* as given, for GET /sim/faults */
  FerrySimPool *pool;          /* resolved "pool" (or the host's) */
  char         *host_ref;      /* resolved "host" */
  char         *vm;            /* "vm" as given */
  char         *method;
  char        **error;         /* code and parameters, or NULL for the default */
  double        at_progress;
  gboolean      leave_paused;
  double        delay;
  gint64        count;         /* 0: not bounded by count */
  double        seconds;       /* < 0: not bounded by time */
  double        start;         /* simulated time it arms */
  gint64        fired;
  gboolean      applied;       /* its arming action ran */
  gboolean      spent;
  char         *old_master;    /* master_failover: to move back to */
  FerrySimPool *peer;          /* partition: the other pool */
  gboolean      import_side;   /* stall_transfer: "side": "import" */
} Fault;

struct _FerrySimFaults
{
  FerrySimWorld *world;        /* unowned: it owns us */
  GPtrArray     *faults;       /* of Fault */
  guint          next_id;
  GSource       *timer;
};

static void update_faults (FerrySimFaults *self);

static void
fault_free (gpointer data)
{
  Fault *fault = data;

  g_clear_pointer (&fault->spec, json_node_unref);
  g_clear_object (&fault->pool);
  g_free (fault->host_ref);
  g_free (fault->vm);
  g_free (fault->method);
  g_strfreev (fault->error);
  g_free (fault->old_master);
  g_clear_object (&fault->peer);
  g_free (fault);
}

FerrySimFaults *
_ferry_sim_faults_new (FerrySimWorld *world)
{
  FerrySimFaults *self = g_new0 (FerrySimFaults, 1);

  self->world = world;
  self->faults = g_ptr_array_new_with_free_func (fault_free);
  self->next_id = 1;
  return self;
}

void
_ferry_sim_faults_free (FerrySimFaults *self)
{
  if (self == NULL)
    return;
  _ferry_sim_source_clear (&self->timer);
  g_ptr_array_unref (self->faults);
  g_free (self);
}

static double
get_now (FerrySimFaults *self)
{
  return ferry_sim_world_get_sim_time (self->world);
}

/* Finding hosts, pools and VMs -------------------------------------------- */

/* "https://10.0.0.1:443/" → "10.0.0.1:443"; anything else as it is. */
static char *
strip_url (const char *text)
{
  const char *start = strstr (text, "://");
  const char *end;

  if (start == NULL)
    return g_strdup (text);
  start += 3;
  end = strchr (start, '/');
  return end ? g_strndup (start, end - start) : g_strdup (start);
}

/* The host named by name_label, UUID, ref, address or URL. */
static FerrySimRow *
find_host (FerrySimWorld  *world,
           const char     *name,
           FerrySimPool  **pool_out)
{
  GPtrArray *pools = ferry_sim_world_get_pools (world);
  g_autofree char *address = strip_url (name);

  for (guint p = 0; p < pools->len; p++)
    {
      FerrySimPool *pool = g_ptr_array_index (pools, p);
      GPtrArray *hosts = ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (pool), "host");

      for (guint h = 0; h < hosts->len; h++)
        {
          FerrySimRow *host = g_ptr_array_index (hosts, h);
          const char *host_address = ferry_sim_row_get_string (host, "address");

          if (g_strcmp0 (host->ref, name) == 0 ||
              g_strcmp0 (ferry_sim_row_get_uuid (host), name) == 0 ||
              g_strcmp0 (ferry_sim_row_get_string (host, "name_label"), name) == 0 ||
              (host_address != NULL && *host_address != '\0' &&
               (g_strcmp0 (host_address, address) == 0 ||
                /* "10.0.0.1" names "10.0.0.1:443" */
                (g_str_has_prefix (host_address, address) && host_address[strlen (address)] == ':'))))
            {
              if (pool_out)
                *pool_out = pool;
              return host;
            }
        }
    }
  return NULL;
}

static gboolean
match_vm (FerrySimRow *vm,
            const char  *name)
{
  return g_strcmp0 (vm->ref, name) == 0 ||
         g_strcmp0 (ferry_sim_row_get_uuid (vm), name) == 0 ||
         g_strcmp0 (ferry_sim_row_get_string (vm, "name_label"), name) == 0;
}

static gboolean
has_vm (FerrySimWorld *world,
           const char    *name)
{
  GPtrArray *pools = ferry_sim_world_get_pools (world);

  for (guint p = 0; p < pools->len; p++)
    {
      GPtrArray *vms = ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (g_ptr_array_index (pools, p)), "VM");

      for (guint i = 0; i < vms->len; i++)
        if (match_vm (g_ptr_array_index (vms, i), name))
          return TRUE;
    }
  return FALSE;
}

/* Parsing ----------------------------------------------------------------- */

static gboolean G_GNUC_PRINTF (3, 4)
set_fault_error (GError    **error,
      guint       index,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID, _("Fault %u: %s"), index + 1, message);
  return FALSE;
}

static gboolean
is_key_allowed (guint       kind,
             const char *key)
{
  g_auto(GStrv) keys = g_strsplit (fault_types[kind].keys, " ", -1);
  Bound bound = fault_types[kind].bound;

  if (g_str_equal (key, "type") || g_str_equal (key, "comment") || g_str_equal (key, "after"))
    return TRUE;
  if (g_str_equal (key, "count"))
    return bound == BOUND_COUNTED;
  if (g_str_equal (key, "seconds"))
    return bound == BOUND_COUNTED || bound == BOUND_TIMED;
  return g_strv_contains ((const char * const *) keys, key);
}

static gboolean
get_number (JsonObject  *object,
            const char  *key,
            double      *out,
            gboolean    *present)
{
  JsonNode *node = json_object_get_member (object, key);
  GType type;

  *present = node != NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return FALSE;
  return isfinite (*out);
}

static gboolean
get_string (JsonObject  *object,
            const char  *key,
            const char **out)
{
  JsonNode *node = json_object_get_member (object, key);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    return FALSE;
  *out = json_node_get_string (node);
  return TRUE;
}

/* "error": "CODE" or ["CODE", "param", …]. */
static gboolean
get_error (JsonObject   *object,
           char       ***out)
{
  JsonNode *node = json_object_get_member (object, "error");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  *out = NULL;
  if (node == NULL)
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    g_strv_builder_add (builder, json_node_get_string (node));
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            return FALSE;
          g_strv_builder_add (builder, json_node_get_string (item));
        }
    }
  else
    return FALSE;

  *out = g_strv_builder_end (builder);
  if ((*out)[0] == NULL || (*out)[0][0] == '\0')
    {
      g_clear_pointer (out, g_strfreev);
      return FALSE;
    }
  return TRUE;
}

static Fault *
parse_fault (FerrySimFaults  *self,
             JsonNode        *node,
             guint            index,
             GError         **error)
{
  g_autoptr(GList) members = NULL;
  JsonObject *object;
  const char *type = NULL;
  const char *host = NULL;
  const char *pool = NULL;
  const char *vm = NULL;
  const char *method = NULL;
  const char *comment = NULL;
  const char *peer = NULL;
  const char *side = NULL;
  double count = 0, seconds = -1, after = 0, delay = 0, at_progress = DEFAULT_AT_PROGRESS;
  gboolean has_count, has_seconds, has_after, has_delay, has_progress;
  g_auto(GStrv) error_spec = NULL;
  guint kind = G_N_ELEMENTS (fault_types);
  Fault *fault;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_fault_error (error, index, _("a fault is an object")), NULL;
  object = json_node_get_object (node);

  if (!get_string (object, "type", &type) || type == NULL)
    return set_fault_error (error, index, _("“type” is required")), NULL;
  for (guint i = 0; i < G_N_ELEMENTS (fault_types); i++)
    if (g_str_equal (fault_types[i].name, type))
      kind = i;
  if (kind == G_N_ELEMENTS (fault_types))
    return set_fault_error (error, index, _("unknown type “%s”"), type), NULL;

  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (!is_key_allowed (kind, l->data))
      return set_fault_error (error, index, _("%s faults have no key “%s”"), type, (const char *) l->data), NULL;

  if (!get_string (object, "host", &host) || !get_string (object, "pool", &pool) ||
      !get_string (object, "vm", &vm) || !get_string (object, "method", &method) ||
      !get_string (object, "comment", &comment) || !get_string (object, "peer", &peer) ||
      !get_string (object, "side", &side))
    return set_fault_error (error, index, _("“host”, “pool”, “vm”, “method” and “comment” are non-empty strings")), NULL;
  if (side != NULL && !g_str_equal (side, "export") && !g_str_equal (side, "import"))
    return set_fault_error (error, index, _("“side” is “export” or “import”")), NULL;
  if (!get_number (object, "count", &count, &has_count) ||
      (has_count && (count < 1 || count > G_MAXINT32 || count != (double) (gint64) count)))
    return set_fault_error (error, index, _("“count” is a whole number of at least 1")), NULL;
  if (!get_number (object, "seconds", &seconds, &has_seconds) || (has_seconds && seconds <= 0))
    return set_fault_error (error, index, _("“seconds” is a number above 0")), NULL;
  if (!get_number (object, "after", &after, &has_after) || after < 0)
    return set_fault_error (error, index, _("“after” is a number of seconds, at least 0")), NULL;
  if (!get_number (object, "delay", &delay, &has_delay) || (has_delay && delay <= 0))
    return set_fault_error (error, index, _("“delay” is a number of seconds above 0")), NULL;
  if (!get_number (object, "at_progress", &at_progress, &has_progress) || at_progress < 0 || at_progress > 1)
    return set_fault_error (error, index, _("“at_progress” is a number from 0 to 1")), NULL;
  if (!get_error (object, &error_spec))
    return set_fault_error (error, index, _("“error” is an error code or an array of a code and its parameters")), NULL;
  if (json_object_has_member (object, "leave_paused") &&
      json_node_get_value_type (json_object_get_member (object, "leave_paused")) != G_TYPE_BOOLEAN)
    return set_fault_error (error, index, _("“leave_paused” is true or false")), NULL;

  fault = g_new0 (Fault, 1);
  fault->kind = kind;
  fault->type = fault_types[kind].type;
  fault->spec = json_node_copy (node);
  fault->vm = g_strdup (vm);
  fault->method = g_strdup (method);
  fault->error = g_steal_pointer (&error_spec);
  fault->at_progress = at_progress;
  fault->import_side = g_strcmp0 (side, "import") == 0;
  fault->leave_paused = json_object_get_boolean_member_with_default (object, "leave_paused", FALSE);
  fault->delay = delay;
  fault->count = (gint64) count;
  fault->seconds = seconds;
  fault->start = get_now (self) + after;

  /* Every fault ends: by count, by time, or once. */
  if (fault_types[kind].bound == BOUND_COUNTED && !has_count && !has_seconds)
    fault->count = 1;

  if (fault->type == FAULT_SLOW_RESPONSES && !has_delay)
    {
      fault_free (fault);
      return set_fault_error (error, index, _("“delay” is required")), NULL;
    }
  if (fault->type == FAULT_MASTER_FAILOVER && host == NULL)
    {
      fault_free (fault);
      return set_fault_error (error, index, _("“host” (the new master) is required")), NULL;
    }

  if (pool != NULL)
    {
      FerrySimPool *found = ferry_sim_world_lookup_pool (self->world, pool);

      if (found == NULL)
        {
          fault_free (fault);
          return set_fault_error (error, index, _("no pool “%s”"), pool), NULL;
        }
      fault->pool = g_object_ref (found);
    }
  if (fault->type == FAULT_PARTITION)
    {
      FerrySimPool *found = peer ? ferry_sim_world_lookup_pool (self->world, peer) : NULL;

      if (fault->pool == NULL || found == NULL || found == fault->pool)
        {
          fault_free (fault);
          return set_fault_error (error, index, _("“pool” and “peer” name two different pools")), NULL;
        }
      fault->peer = g_object_ref (found);
    }
  if (host != NULL)
    {
      FerrySimPool *host_pool = NULL;
      FerrySimRow *row = find_host (self->world, host, &host_pool);

      if (row == NULL || (fault->pool != NULL && fault->pool != host_pool))
        {
          fault_free (fault);
          return set_fault_error (error, index, _("no host “%s”"), host), NULL;
        }
      fault->host_ref = g_strdup (row->ref);
      g_set_object (&fault->pool, host_pool);
    }
  if (vm != NULL && !has_vm (self->world, vm))
    {
      fault_free (fault);
      return set_fault_error (error, index, _("no VM “%s”"), vm), NULL;
    }

  return fault;
}

gboolean
ferry_sim_faults_add_json (FerrySimFaults  *self,
                           const char      *json,
                           gssize           length,
                           GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func (fault_free);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonArray *list = NULL;
  g_autoptr(JsonArray) single = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID,
                   _("Faults are not valid JSON: %s"), local_error->message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    list = json_node_get_array (root);
  else if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
           json_object_has_member (json_node_get_object (root), "type"))
    {
      single = json_array_new ();
      json_array_add_element (single, json_node_copy (root));
      list = single;
    }
  else if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      g_autoptr(GList) members = json_object_get_members (object);
      JsonNode *faults = json_object_get_member (object, "faults");

      for (GList *l = members; l != NULL; l = l->next)
        if (!g_str_equal (l->data, "faults") && !g_str_equal (l->data, "comment"))
          {
            g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID,
                         _("“%s” is not a key of a fault list"), (const char *) l->data);
            return FALSE;
          }
      if (faults == NULL || !JSON_NODE_HOLDS_ARRAY (faults))
        {
          g_set_error_literal (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID,
                               _("A fault list needs a “faults” array"));
          return FALSE;
        }
      list = json_node_get_array (faults);
    }
  else
    {
      g_set_error_literal (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID,
                           _("Faults are an object with a “faults” array, an array, or one fault"));
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      Fault *fault = parse_fault (self, json_array_get_element (list, i), i, error);

      if (fault == NULL)
        return FALSE;
      g_ptr_array_add (parsed, fault);
    }

  while (parsed->len > 0)
    {
      Fault *fault = g_ptr_array_steal_index (parsed, 0);

      fault->id = self->next_id++;
      g_ptr_array_add (self->faults, fault);
      g_debug ("Fault %u added: %s", fault->id, fault_types[fault->kind].name);
    }

  update_faults (self);
  return TRUE;
}

gboolean
ferry_sim_faults_load_file (FerrySimFaults  *self,
                            const char      *path,
                            GError         **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  if (!ferry_sim_faults_add_json (self, contents, length, &local_error))
    {
      g_set_error (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_FILE, "%s: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

void
ferry_sim_faults_clear (FerrySimFaults *self)
{
  g_return_if_fail (self != NULL);

  g_ptr_array_set_size (self->faults, 0);
  _ferry_sim_source_clear (&self->timer);
}

/* State ------------------------------------------------------------------- */

static gboolean
is_armed (FerrySimFaults *self,
          Fault          *fault)
{
  double t = get_now (self);

  if (fault->spent || t < fault->start)
    return FALSE;
  if (fault->count > 0 && fault->fired >= fault->count)
    return FALSE;
  if (fault->seconds > 0 && t >= fault->start + fault->seconds)
    return FALSE;
  return TRUE;
}

static const char *
get_fault_state (FerrySimFaults *self,
             Fault          *fault)
{
  if (!fault->spent && get_now (self) < fault->start)
    return "pending";
  if (fault_types[fault->kind].bound != BOUND_COUNTED)
    return fault->spent ? "spent" : "armed";
  return is_armed (self, fault) ? "armed" : "spent";
}

char *
ferry_sim_faults_dup_state_json (FerrySimFaults *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  update_faults (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sim_time");
  json_builder_add_double_value (builder, get_now (self));
  json_builder_set_member_name (builder, "faults");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->faults->len; i++)
    {
      Fault *fault = g_ptr_array_index (self->faults, i);
      JsonObject *spec = json_node_get_object (fault->spec);
      g_autoptr(GList) members = json_object_get_members (spec);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, fault->id);
      for (GList *l = members; l != NULL; l = l->next)
        {
          json_builder_set_member_name (builder, l->data);
          json_builder_add_value (builder, json_node_copy (json_object_get_member (spec, l->data)));
        }
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, get_fault_state (self, fault));
      json_builder_set_member_name (builder, "fired");
      json_builder_add_int_value (builder, fault->fired);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* Faults that act by themselves ------------------------------------------- */

static void
apply_to_hosts (FerrySimFaults *self,
                Fault          *fault)
{
  GPtrArray *pools = ferry_sim_world_get_pools (self->world);

  for (guint p = 0; p < pools->len; p++)
    {
      FerrySimPool *pool = g_ptr_array_index (pools, p);
      GPtrArray *hosts = ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (pool), "host");

      if (fault->pool != NULL && fault->pool != pool)
        continue;
      for (guint h = 0; h < hosts->len; h++)
        {
          FerrySimRow *host = g_ptr_array_index (hosts, h);
          g_autoptr(GError) error = NULL;

          if (fault->host_ref != NULL && g_strcmp0 (fault->host_ref, host->ref) != 0)
            continue;
          if (ferry_sim_world_get_host_certificate (self->world, host->ref) != NULL &&
              !ferry_sim_world_regenerate_certificate (self->world, host->ref, &error))
            g_warning ("Could not make a new certificate for %s: %s", host->ref, error->message);
        }
    }
}

static void
apply_fault (FerrySimFaults *self,
       Fault          *fault)
{
  GPtrArray *pools = ferry_sim_world_get_pools (self->world);

  fault->applied = TRUE;
  switch (fault->type)
    {
    case FAULT_DROP_CONNECTIONS:
      ferry_sim_world_drop_connections (self->world, fault->host_ref, 0);
      break;

    case FAULT_EXPIRE_SESSIONS:
      for (guint p = 0; p < pools->len; p++)
        if (fault->pool == NULL || fault->pool == g_ptr_array_index (pools, p))
          ferry_sim_rpc_expire_sessions (g_ptr_array_index (pools, p));
      fault->fired++;
      fault->spent = TRUE;
      break;

    case FAULT_REGENERATE_CERTIFICATE:
      apply_to_hosts (self, fault);
      fault->fired++;
      fault->spent = TRUE;
      break;

    case FAULT_MASTER_FAILOVER:
      {
        FerrySimRow *master = ferry_sim_pool_get_master (fault->pool);

        fault->old_master = master ? g_strdup (master->ref) : NULL;
        ferry_sim_world_designate_master (self->world, fault->pool, fault->host_ref);
        fault->fired++;
        if (fault->seconds <= 0 || fault->old_master == NULL)
          fault->spent = TRUE;
      }
      break;

    case FAULT_REFUSE_CONNECTIONS:
    case FAULT_FAIL_MIGRATION:
    case FAULT_UNREACHABLE_DESTINATION:
    case FAULT_SLOW_RESPONSES:
    case FAULT_PARTITION:
    case FAULT_CORRUPT_TRANSFER:
    case FAULT_DROP_TRANSFER:
    default:
      break;
    }
}

static gboolean
on_timer_cb (gpointer data)
{
  FerrySimFaults *self = data;

  _ferry_sim_source_clear (&self->timer);
  update_faults (self);
  return G_SOURCE_REMOVE;
}

/* Runs what is due and sets a timer for what comes next. */
static void
update_faults (FerrySimFaults *self)
{
  double t = get_now (self);
  double next = INFINITY;

  for (guint i = 0; i < self->faults->len; i++)
    {
      Fault *fault = g_ptr_array_index (self->faults, i);

      if (fault->spent)
        continue;

      if (!fault->applied)
        {
          if (t >= fault->start)
            apply_fault (self, fault);
          else
            next = MIN (next, fault->start);
        }

      /* A fail-over with "seconds" moves back. */
      if (fault->type == FAULT_MASTER_FAILOVER && !fault->spent && fault->applied)
        {
          if (t >= fault->start + fault->seconds)
            {
              ferry_sim_world_designate_master (self->world, fault->pool, fault->old_master);
              fault->spent = TRUE;
            }
          else
            next = MIN (next, fault->start + fault->seconds);
        }
    }

  _ferry_sim_source_clear (&self->timer);
  if (isfinite (next))
    {
      double delay = (next - t) / ferry_sim_world_get_time_scale (self->world);

      self->timer = _ferry_sim_timeout_add (_ferry_sim_delay_to_msec (delay),
                                            on_timer_cb, self, NULL);
    }
}

void
_ferry_sim_faults_rescale (FerrySimFaults *self)
{
  if (self != NULL && self->timer != NULL)
    update_faults (self);
}

/* Hooks ------------------------------------------------------------------- */

/* The first armed fault of @type that @match accepts fires: counted. */
typedef gboolean (*MatchFunc) (Fault *fault, gconstpointer data);

static Fault *
fire_fault (FerrySimFaults *self,
      FaultType       type,
      MatchFunc       match,
      gconstpointer   data)
{
  update_faults (self);

  for (guint i = 0; i < self->faults->len; i++)
    {
      Fault *fault = g_ptr_array_index (self->faults, i);

      if (fault->type != type || !is_armed (self, fault) || (match && !match (fault, data)))
        continue;
      fault->fired++;
      g_debug ("Fault %u (%s) fired, %" G_GINT64_FORMAT " times now",
               fault->id, fault_types[fault->kind].name, fault->fired);
      return fault;
    }
  return NULL;
}

static gboolean
match_host (Fault         *fault,
            gconstpointer  host_ref)
{
  return fault->host_ref == NULL || g_strcmp0 (fault->host_ref, host_ref) == 0;
}

gboolean
_ferry_sim_faults_refuse_connection (FerrySimFaults *self,
                                     const char     *host_ref)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return fire_fault (self, FAULT_REFUSE_CONNECTIONS, match_host, host_ref) != NULL ||
         fire_fault (self, FAULT_DROP_CONNECTIONS, match_host, host_ref) != NULL;
}

typedef struct
{
  const char *host_ref;
  const char *method;
} ReplyMatch;

static gboolean
match_reply (Fault         *fault,
             gconstpointer  data)
{
  const ReplyMatch *reply = data;

  return match_host (fault, reply->host_ref) &&
         (fault->method == NULL || g_strcmp0 (fault->method, reply->method) == 0);
}

double
_ferry_sim_faults_get_reply_delay (FerrySimFaults *self,
                                   const char     *host_ref,
                                   const char     *method)
{
  ReplyMatch reply = { host_ref, method };
  Fault *fault;

  g_return_val_if_fail (self != NULL, 0);

  fault = fire_fault (self, FAULT_SLOW_RESPONSES, match_reply, &reply);
  return fault ? fault->delay : 0;
}

typedef struct
{
  FerrySimRow *vm;
  double       progress;
} MigrationMatch;

static gboolean
match_migration (Fault         *fault,
                 gconstpointer  data)
{
  const MigrationMatch *migration = data;

  return migration->progress >= fault->at_progress &&
         (fault->vm == NULL || match_vm (migration->vm, fault->vm));
}

typedef struct
{
  MigrationMatch migration;
  gboolean       import;
} StallMatch;

static const char *
get_host_uuid (FerrySimPool *pool,
           const char   *ref)
{
  FerrySimRow *host = ref ? ferry_sim_db_lookup_in (ferry_sim_pool_get_db (pool), "host", ref) : NULL;

  return host ? ferry_sim_row_get_uuid (host) : "";
}

gboolean
ferry_sim_faults_check_migration (FerrySimWorld  *world,
                                  FerrySimPool   *pool,
                                  const char     *vm_ref,
                                  double          progress,
                                  gboolean       *leave_paused,
                                  GError        **error)
{
  FerrySimRow *vm;
  MigrationMatch match;
  Fault *fault;

  g_return_val_if_fail (FERRY_SIM_IS_WORLD (world), TRUE);
  g_return_val_if_fail (FERRY_SIM_IS_POOL (pool), TRUE);

  if (leave_paused)
    *leave_paused = FALSE;

  vm = ferry_sim_db_lookup_in (ferry_sim_pool_get_db (pool), "VM", vm_ref);
  if (vm == NULL)
    return TRUE;

  match = (MigrationMatch) { vm, progress };
  fault = fire_fault (ferry_sim_world_get_faults (world), FAULT_FAIL_MIGRATION, match_migration, &match);
  if (fault == NULL)
    return TRUE;

  if (leave_paused)
    *leave_paused = fault->leave_paused;
  if (fault->error != NULL)
    ferry_sim_set_failurev (error, (const char * const *) fault->error);
  else
    ferry_sim_set_failure (error, "VM_MIGRATE_FAILED",
                           ferry_sim_row_get_uuid (vm),
                           get_host_uuid (pool, ferry_sim_row_get_string (vm, "resident_on")),
                           get_host_uuid (pool, ferry_sim_row_get_string (vm, "scheduled_to_be_resident_on")),
                           "Simulated failure: the migration stream was interrupted", NULL);
  return FALSE;
}

gboolean
ferry_sim_faults_check_destination (FerrySimWorld  *world,
                                    const char     *destination,
                                    GError        **error)
{
  FerrySimRow *host;
  g_autofree char *address = NULL;
  Fault *fault;

  g_return_val_if_fail (FERRY_SIM_IS_WORLD (world), TRUE);
  g_return_val_if_fail (destination != NULL, TRUE);

  host = find_host (world, destination, NULL);
  fault = fire_fault (ferry_sim_world_get_faults (world), FAULT_UNREACHABLE_DESTINATION,
                match_host, host ? host->ref : destination);
  if (fault == NULL)
    return TRUE;

  address = host ? g_strdup (ferry_sim_row_get_string (host, "address")) : strip_url (destination);
  if (fault->error == NULL || (g_str_equal (fault->error[0], "CANNOT_CONTACT_HOST") && fault->error[1] == NULL))
    ferry_sim_set_failure (error, "CANNOT_CONTACT_HOST", address, NULL);
  else
    ferry_sim_set_failurev (error, (const char * const *) fault->error);
  return FALSE;
}

typedef struct
{
  FerrySimPool *source;
  FerrySimPool *destination;
} RouteMatch;

static gboolean
match_route (Fault         *fault,
             gconstpointer  data)
{
  const RouteMatch *route = data;

  return (fault->pool == route->source && fault->peer == route->destination) ||
         (fault->pool == route->destination && fault->peer == route->source);
}

gboolean
ferry_sim_faults_check_route (FerrySimWorld  *world,
                              FerrySimPool   *source,
                              const char     *destination,
                              GError        **error)
{
  FerrySimPool *dest_pool = NULL;
  FerrySimRow *host;
  RouteMatch route;

  g_return_val_if_fail (FERRY_SIM_IS_WORLD (world), TRUE);

  host = destination ? find_host (world, destination, &dest_pool) : NULL;
  if (host == NULL || dest_pool == NULL || dest_pool == source)
    return TRUE;
  route = (RouteMatch) { source, dest_pool };
  if (fire_fault (ferry_sim_world_get_faults (world), FAULT_PARTITION, match_route, &route) == NULL)
    return TRUE;
  /* xapi.md §4.2: the remote is unreachable. */
  ferry_sim_set_failure (error, "CANNOT_CONTACT_HOST", ferry_sim_row_get_string (host, "address"), NULL);
  return FALSE;
}

void
ferry_sim_faults_check_transfer (FerrySimWorld *world,
                                 FerrySimPool  *pool,
                                 const char    *vm_ref,
                                 double         progress,
                                 gboolean      *corrupt,
                                 gboolean      *drop)
{
  FerrySimRow *vm;
  MigrationMatch match;

  *corrupt = *drop = FALSE;
  g_return_if_fail (FERRY_SIM_IS_WORLD (world));

  vm = ferry_sim_db_lookup_in (ferry_sim_pool_get_db (pool), "VM", vm_ref);
  if (vm == NULL)
    return;
  match = (MigrationMatch) { vm, progress };
  *drop = fire_fault (ferry_sim_world_get_faults (world), FAULT_DROP_TRANSFER, match_migration, &match) != NULL;
  if (!*drop)
    *corrupt = fire_fault (ferry_sim_world_get_faults (world), FAULT_CORRUPT_TRANSFER, match_migration, &match) != NULL;
}

static gboolean
match_stall (Fault         *fault,
             gconstpointer  data)
{
  const StallMatch *stall = data;

  return fault->import_side == stall->import && match_migration (fault, &stall->migration);
}

gboolean
ferry_sim_faults_check_stall (FerrySimWorld *world,
                              FerrySimPool  *pool,
                              const char    *vm_ref,
                              gboolean       import,
                              double         progress)
{
  FerrySimRow *vm;
  StallMatch match;

  g_return_val_if_fail (FERRY_SIM_IS_WORLD (world), FALSE);

  vm = vm_ref ? ferry_sim_db_lookup_in (ferry_sim_pool_get_db (pool), "VM", vm_ref) : NULL;
  if (vm == NULL)
    return FALSE;
  match = (StallMatch) { { vm, progress }, !!import };
  return fire_fault (ferry_sim_world_get_faults (world), FAULT_STALL_TRANSFER, match_stall, &match) != NULL;
}
