/* ferry-history.c: the journal of every operation, kept across restarts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-history"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry-history.h"
#include "ferry-host.h"
#include "ferry-intern.h"
#include "ferry-network.h"
#include "ferry-plan-private.h"
#include "ferry-sr.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vif.h"
#include "ferry-vm.h"

G_DEFINE_ENUM_TYPE (FerryHistoryOutcome, ferry_history_outcome,
  G_DEFINE_ENUM_VALUE (FERRY_HISTORY_OUTCOME_OPEN, "open"),
  G_DEFINE_ENUM_VALUE (FERRY_HISTORY_OUTCOME_SUCCEEDED, "succeeded"),
  G_DEFINE_ENUM_VALUE (FERRY_HISTORY_OUTCOME_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (FERRY_HISTORY_OUTCOME_CANCELLED, "cancelled"))

/* FerryHistoryEntry -------------------------------------------------------- */

/* What lists, searches and the queue read, kept out of the record's JSON
 * tree: json-glib trees take ten times the size of their text. */
typedef enum
{
  TEXT_PLAN,
  TEXT_WHO,
  TEXT_VM_UUID,
  TEXT_VM_NAME,
  TEXT_OPERATION,
  TEXT_FROM,
  TEXT_TO,
  TEXT_FROM_POOL_UUID,
  TEXT_FROM_HOST_UUID,
  TEXT_TASK,
  TEXT_TASK_POOL,
  TEXT_ERROR_CODE,
  TEXT_ERROR_MESSAGE,
  TEXT_LEARNED_NETWORK,
  TEXT_LEARNED_NETWORK_NAME,
  N_TEXTS
} EntryText;

struct _FerryHistoryEntry
{
  GObject              parent_instance;

  char                *job_id;
  /* The records of the job merged: a tree while records are applied,
   * compact JSON text in between. */
  JsonObject          *merged;
  char                *merged_text;
  char                *texts [N_TEXTS];  /* interned */
  double               actual_duration;
  gint64               actual_bytes;
  gboolean             learned;
  gint64               learned_bytes;
  double               learned_seconds;
  GDateTime           *time;
  GDateTime           *end_time;
  FerryHistoryOutcome  outcome;
  gboolean             started;
};

enum {
  ENTRY_PROP_0,
  ENTRY_PROP_OUTCOME,
  ENTRY_N_PROPS
};

static GParamSpec *entry_properties [ENTRY_N_PROPS];

G_DEFINE_FINAL_TYPE (FerryHistoryEntry, ferry_history_entry, G_TYPE_OBJECT)

static void
ferry_history_entry_finalize (GObject *object)
{
  FerryHistoryEntry *self = (FerryHistoryEntry *)object;

  g_free (self->job_id);
  g_clear_pointer (&self->merged, json_object_unref);
  g_free (self->merged_text);
  for (guint i = 0; i < N_TEXTS; i++)
    _ferry_intern_release (self->texts [i]);
  g_clear_pointer (&self->time, g_date_time_unref);
  g_clear_pointer (&self->end_time, g_date_time_unref);

  G_OBJECT_CLASS (ferry_history_entry_parent_class)->finalize (object);
}

static void
ferry_history_entry_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  FerryHistoryEntry *self = FERRY_HISTORY_ENTRY (object);

  switch (prop_id)
    {
    case ENTRY_PROP_OUTCOME:
      g_value_set_enum (value, self->outcome);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_history_entry_class_init (FerryHistoryEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_history_entry_finalize;
  object_class->get_property = ferry_history_entry_get_property;

  entry_properties [ENTRY_PROP_OUTCOME] =
    g_param_spec_enum ("outcome", NULL, NULL, FERRY_TYPE_HISTORY_OUTCOME, FERRY_HISTORY_OUTCOME_OPEN,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, ENTRY_N_PROPS, entry_properties);
}

static void
ferry_history_entry_init (FerryHistoryEntry *self)
{
  self->actual_duration = -1;
  self->actual_bytes = -1;
}

static char *
place_text (JsonObject *place)
{
  const char *pool = NULL;
  const char *host = NULL;

  _ferry_json_get_ref (place, "pool", NULL, &pool);
  _ferry_json_get_ref (place, "host", NULL, &host);
  if (host != NULL && pool != NULL)
    return g_strdup_printf ("%s (%s)", host, pool);
  return g_strdup (pool ? pool : host ? host : "");
}

static void
entry_set_text (FerryHistoryEntry *self,
                EntryText          which,
                const char        *text)
{
  _ferry_intern_release (self->texts [which]);
  self->texts [which] = _ferry_intern (text);
}

/* Opens the merged record for more records. */
static JsonObject *
entry_thaw (FerryHistoryEntry *self)
{
  if (self->merged == NULL)
    {
      g_autoptr(JsonNode) node = self->merged_text ? json_from_string (self->merged_text, NULL) : NULL;

      self->merged = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_dup_object (node) : json_object_new ();
      g_clear_pointer (&self->merged_text, g_free);
    }
  return self->merged;
}

/* Takes what the accessors read out of the merged record and keeps the
 * rest as text. */
static void
entry_freeze (FerryHistoryEntry *self)
{
  JsonObject *merged = self->merged;
  JsonObject *from, *error, *actual, *learned;
  const char *ref = NULL;
  const char *name = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (merged == NULL)
    return;

  from = _ferry_json_get_object (merged, "from");
  error = _ferry_json_get_object (merged, "error");
  actual = _ferry_json_get_object (merged, "actual");
  learned = _ferry_json_get_object (merged, "learned");

  entry_set_text (self, TEXT_PLAN, _ferry_json_get_string (merged, "plan"));
  entry_set_text (self, TEXT_WHO, _ferry_json_get_string (merged, "who"));
  _ferry_json_get_ref (merged, "vm", &ref, &name);
  entry_set_text (self, TEXT_VM_UUID, ref);
  entry_set_text (self, TEXT_VM_NAME, name);
  entry_set_text (self, TEXT_OPERATION, _ferry_json_get_string (merged, "operation"));
  from_text = place_text (from);
  to_text = place_text (_ferry_json_get_object (merged, "to"));
  entry_set_text (self, TEXT_FROM, from_text);
  entry_set_text (self, TEXT_TO, to_text);
  _ferry_json_get_ref (from, "pool", &ref, NULL);
  entry_set_text (self, TEXT_FROM_POOL_UUID, ref);
  _ferry_json_get_ref (from, "host", &ref, NULL);
  entry_set_text (self, TEXT_FROM_HOST_UUID, ref);
  entry_set_text (self, TEXT_TASK, _ferry_json_get_string (merged, "task"));
  entry_set_text (self, TEXT_TASK_POOL, _ferry_json_get_string (merged, "pool"));
  entry_set_text (self, TEXT_ERROR_CODE, _ferry_json_get_string (error, "code"));
  entry_set_text (self, TEXT_ERROR_MESSAGE, _ferry_json_get_string (error, "message"));
  self->actual_duration = _ferry_json_get_double (actual, "duration", -1);
  self->actual_bytes = _ferry_json_get_int (actual, "bytes", -1);
  _ferry_json_get_ref (learned, "network", &ref, &name);
  entry_set_text (self, TEXT_LEARNED_NETWORK, ref);
  entry_set_text (self, TEXT_LEARNED_NETWORK_NAME, name);
  self->learned = learned != NULL;
  self->learned_bytes = _ferry_json_get_int (learned, "bytes", 0);
  self->learned_seconds = _ferry_json_get_double (learned, "seconds", 0);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, g_steal_pointer (&self->merged));
  g_free (self->merged_text);
  self->merged_text = json_to_string (node, FALSE);
}

const char *
ferry_history_entry_get_job_id (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return self->job_id;
}

const char *
ferry_history_entry_get_plan_id (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return self->texts [TEXT_PLAN];
}

FerryHistoryOutcome
ferry_history_entry_get_outcome (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), FERRY_HISTORY_OUTCOME_OPEN);
  return self->outcome;
}

GDateTime *
ferry_history_entry_get_time (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return self->time;
}

GDateTime *
ferry_history_entry_get_end_time (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return self->end_time;
}

const char *
ferry_history_entry_get_who (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return self->texts [TEXT_WHO];
}

const char *
ferry_history_entry_get_vm_uuid (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return self->texts [TEXT_VM_UUID];
}

const char *
ferry_history_entry_get_vm_name (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return self->texts [TEXT_VM_NAME];
}

FerryOperation
ferry_history_entry_get_operation (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), FERRY_OPERATION_AUTO);
  return _ferry_operation_from_name (self->texts [TEXT_OPERATION]);
}

char *
ferry_history_entry_dup_from_text (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return g_strdup (self->texts [TEXT_FROM]);
}

char *
ferry_history_entry_dup_to_text (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return g_strdup (self->texts [TEXT_TO]);
}

const char *
ferry_history_entry_get_task_ref (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return self->texts [TEXT_TASK];
}

const char *
ferry_history_entry_get_task_pool (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return self->texts [TEXT_TASK_POOL];
}

gboolean
ferry_history_entry_was_started (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), FALSE);
  return self->started;
}

const char *
ferry_history_entry_get_error_code (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return self->texts [TEXT_ERROR_CODE];
}

const char *
ferry_history_entry_get_error_message (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return self->texts [TEXT_ERROR_MESSAGE];
}

double
ferry_history_entry_get_actual_duration (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), -1);
  return self->actual_duration;
}

gint64
ferry_history_entry_get_actual_bytes (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), -1);
  return self->actual_bytes;
}

const char *
ferry_history_entry_get_from_host_uuid (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return self->texts [TEXT_FROM_HOST_UUID];
}

FerryEstimate *
ferry_history_entry_dup_predicted (FerryHistoryEntry *self)
{
  g_autoptr(JsonObject) json = NULL;
  JsonObject *predicted;

  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);

  json = ferry_history_entry_dup_json (self);
  predicted = _ferry_json_get_object (json, "predicted");
  return predicted ? ferry_estimate_new_from_json (predicted) : NULL;
}

const char *
ferry_history_entry_get_json_text (FerryHistoryEntry *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);
  return self->merged_text ? self->merged_text : "{}";
}

JsonObject *
ferry_history_entry_dup_json (FerryHistoryEntry *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (self), NULL);

  node = self->merged_text ? json_from_string (self->merged_text, NULL) : NULL;
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_dup_object (node) : json_object_new ();
}

/* FerryHistory ------------------------------------------------------------- */

struct _FerryHistory
{
  GObject     parent_instance;

  char       *path;
  GPtrArray  *entries;     /* FerryHistoryEntry, in order */
  GHashTable *by_job;      /* job id → FerryHistoryEntry (borrowed) */
  GHashTable *plans;       /* plan id → the plan as JSON text */
  guint       n_skipped;
  gboolean    loading;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FerryHistory, ferry_history, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return FERRY_TYPE_HISTORY_ENTRY;
}

static guint
get_n_items (GListModel *model)
{
  return FERRY_HISTORY (model)->entries->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  FerryHistory *self = FERRY_HISTORY (model);

  if (position >= self->entries->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->entries, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
ferry_history_finalize (GObject *object)
{
  FerryHistory *self = (FerryHistory *)object;

  g_free (self->path);
  g_clear_pointer (&self->by_job, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->plans, g_hash_table_unref);

  G_OBJECT_CLASS (ferry_history_parent_class)->finalize (object);
}

static void
ferry_history_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FerryHistory *self = FERRY_HISTORY (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->entries->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_history_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FerryHistory *self = FERRY_HISTORY (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      if (self->path == NULL)
        self->path = g_build_filename (g_get_user_data_dir (), "ferry", "history.jsonl", NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_history_class_init (FerryHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_history_finalize;
  object_class->get_property = ferry_history_get_property;
  object_class->set_property = ferry_history_set_property;

  properties [PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ferry_history_init (FerryHistory *self)
{
  self->entries = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_job = g_hash_table_new (g_str_hash, g_str_equal);
  self->plans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

FerryHistory *
ferry_history_new (const char *path)
{
  return g_object_new (FERRY_TYPE_HISTORY, "path", path, NULL);
}

const char *
ferry_history_get_path (FerryHistory *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY (self), NULL);
  return self->path;
}

guint
ferry_history_get_n_skipped (FerryHistory *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY (self), 0);
  return self->n_skipped;
}

static FerryHistoryOutcome
parse_outcome (const char *text)
{
  if (g_strcmp0 (text, "succeeded") == 0)
    return FERRY_HISTORY_OUTCOME_SUCCEEDED;
  if (g_strcmp0 (text, "cancelled") == 0)
    return FERRY_HISTORY_OUTCOME_CANCELLED;
  return FERRY_HISTORY_OUTCOME_FAILED;
}

/* Applies one record; FALSE when it is not one. @added counts new entries. */
static gboolean
apply_record (FerryHistory *self,
              JsonObject   *record,
              gboolean     *added)
{
  const char *type = _ferry_json_get_string (record, "type");
  const char *job;
  FerryHistoryEntry *entry;
  JsonObject *merged;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GList) members = NULL;

  if (type == NULL)
    return FALSE;

  if (g_str_equal (type, "plan"))
    {
      JsonObject *plan = _ferry_json_get_object (record, "plan");
      const char *id = _ferry_json_get_string (plan, "id");

      if (id == NULL)
        return FALSE;
      g_hash_table_replace (self->plans, g_strdup (id), json_to_string (json_object_get_member (record, "plan"), FALSE));
      return TRUE;
    }

  job = _ferry_json_get_string (record, "job");
  if (job == NULL || (!g_str_equal (type, "queued") && !g_str_equal (type, "start") && !g_str_equal (type, "end")))
    return FALSE;

  time = _ferry_parse_time (_ferry_json_get_string (record, "time"));
  entry = g_hash_table_lookup (self->by_job, job);
  if (entry == NULL)
    {
      entry = g_object_new (FERRY_TYPE_HISTORY_ENTRY, NULL);
      entry->job_id = g_strdup (job);
      g_ptr_array_add (self->entries, entry);
      g_hash_table_insert (self->by_job, entry->job_id, entry);
      *added = TRUE;
    }
  if (entry->time == NULL && time != NULL)
    entry->time = g_date_time_ref (time);

  merged = entry_thaw (entry);
  members = json_object_get_members (record);
  for (GList *l = members; l != NULL; l = l->next)
    {
      if (g_str_equal (l->data, "type") || g_str_equal (l->data, "time"))
        continue;
      json_object_set_member (merged, l->data, json_node_copy (json_object_get_member (record, l->data)));
    }
  if (g_str_equal (type, "start"))
    entry->started = TRUE;
  /* While loading, once after its end record (or after the last line). */
  if (!self->loading || g_str_equal (type, "end"))
    entry_freeze (entry);

  if (g_str_equal (type, "end"))
    {
      FerryHistoryOutcome outcome = parse_outcome (_ferry_json_get_string (record, "outcome"));

      g_clear_pointer (&entry->end_time, g_date_time_unref);
      entry->end_time = time ? g_date_time_ref (time) : g_date_time_new_now_utc ();
      if (entry->outcome != outcome)
        {
          entry->outcome = outcome;
          g_object_notify_by_pspec (G_OBJECT (entry), entry_properties [ENTRY_PROP_OUTCOME]);
        }
    }

  return TRUE;
}

static void
clear (FerryHistory *self)
{
  guint removed = self->entries->len;

  g_hash_table_remove_all (self->by_job);
  g_hash_table_remove_all (self->plans);
  g_ptr_array_set_size (self->entries, 0);
  self->n_skipped = 0;
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
}

void
ferry_history_load_data (FerryHistory *self,
                         const char   *data,
                         gsize         length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *end;
  const char *line;
  gboolean added = FALSE;
  guint before;

  g_return_if_fail (FERRY_IS_HISTORY (self));
  g_return_if_fail (data != NULL || length == 0);

  clear (self);
  before = self->entries->len;
  self->loading = TRUE;

  end = data + length;
  for (line = data; line < end; )
    {
      const char *newline = memchr (line, '\n', end - line);
      const char *stop = newline ? newline : end;
      gsize size = stop - line;
      JsonNode *root;

      if (size > 0 && !(size == 1 && *line == '\r'))
        {
          if (!json_parser_load_from_data (parser, line, size, NULL) ||
              (root = json_parser_get_root (parser)) == NULL ||
              !JSON_NODE_HOLDS_OBJECT (root) ||
              !apply_record (self, json_node_get_object (root), &added))
            {
              self->n_skipped++;
              g_debug ("Skipped a line of the journal%s", newline ? "" : " (its last, torn)");
            }
        }
      line = newline ? newline + 1 : end;
    }

  self->loading = FALSE;
  for (guint i = 0; i < self->entries->len; i++)
    entry_freeze (g_ptr_array_index (self->entries, i));

  if (self->entries->len != before)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, self->entries->len - before);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_ITEMS]);
}

gboolean
ferry_history_load (FerryHistory  *self,
                    GError       **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (FERRY_IS_HISTORY (self), FALSE);

  if (!g_file_get_contents (self->path, &data, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          clear (self);
          return TRUE;
        }
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Could not read the history %s: "), self->path);
      return FALSE;
    }

  ferry_history_load_data (self, data, length);
  return TRUE;
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  FerryHistory *self = source_object;
  g_autoptr(FerryHistory) loaded = ferry_history_new (self->path);
  GError *error = NULL;

  if (!ferry_history_load (loaded, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&loaded), g_object_unref);
}

static void
keep_plan (gpointer key,
           gpointer value,
           gpointer user_data)
{
  GHashTable *plans = user_data;

  if (!g_hash_table_contains (plans, key))
    g_hash_table_insert (plans, g_strdup (key), g_strdup (value));
}

#define SWAP_POINTERS(a, b) G_STMT_START { gpointer tmp = (a); (a) = (b); (b) = tmp; } G_STMT_END

static void
load_in_thread_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FerryHistory *self = FERRY_HISTORY (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(FerryHistory) loaded = NULL;
  GError *error = NULL;
  guint removed;

  if (!(loaded = g_task_propagate_pointer (G_TASK (result), &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  removed = self->entries->len;
  SWAP_POINTERS (self->entries, loaded->entries);
  SWAP_POINTERS (self->by_job, loaded->by_job);
  SWAP_POINTERS (self->plans, loaded->plans);
  self->n_skipped = loaded->n_skipped;

  /* Keep what was appended after the thread read the file. */
  for (guint i = 0; i < loaded->entries->len; i++)
    {
      FerryHistoryEntry *entry = g_ptr_array_index (loaded->entries, i);

      if (!g_hash_table_contains (self->by_job, entry->job_id))
        {
          g_ptr_array_add (self->entries, g_object_ref (entry));
          g_hash_table_insert (self->by_job, entry->job_id, entry);
        }
    }
  g_hash_table_foreach (loaded->plans, keep_plan, self->plans);

  if (removed > 0 || self->entries->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->entries->len);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_ITEMS]);
  g_task_return_boolean (task, TRUE);
}

void
ferry_history_load_async (FerryHistory        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) thread_task = NULL;

  g_return_if_fail (FERRY_IS_HISTORY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_history_load_async);
  thread_task = g_task_new (self, cancellable, load_in_thread_cb, g_steal_pointer (&task));
  g_task_run_in_thread (thread_task, load_in_thread);
}

gboolean
ferry_history_load_finish (FerryHistory  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (FERRY_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length,
           GError     **error)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
          return FALSE;
        }
      data += written;
      length -= written;
    }
  return TRUE;
}

static void
sync_directory (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/* One record = one write() of "line\n" (preceded by "\n" when the file
 * ends in a torn line), then fsync(). */
static gboolean
append_line (FerryHistory  *self,
             const char    *line,
             GError       **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autoptr(GString) buffer = g_string_new (NULL);
  struct stat st;
  gboolean created;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  created = g_stat (self->path, &st) != 0;
  fd = open (self->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not open the history %s: %s"), self->path, g_strerror (saved));
      return FALSE;
    }

  if (fstat (fd, &st) == 0 && st.st_size > 0)
    {
      int rfd = open (self->path, O_RDONLY | O_CLOEXEC);
      char last = '\n';

      if (rfd >= 0)
        {
          if (pread (rfd, &last, 1, st.st_size - 1) != 1)
            last = '\n';
          close (rfd);
        }
      if (last != '\n')
        g_string_append_c (buffer, '\n');
    }

  g_string_append (buffer, line);
  g_string_append_c (buffer, '\n');

  if (!write_all (fd, buffer->str, buffer->len, error) || fsync (fd) != 0)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                     _("Could not write the history %s: %s"), self->path, g_strerror (errno));
      close (fd);
      return FALSE;
    }
  close (fd);

  if (created)
    sync_directory (self->path);

  return TRUE;
}

gboolean
ferry_history_append (FerryHistory  *self,
                      JsonObject    *record,
                      GError       **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *line = NULL;
  gboolean added = FALSE;
  guint before;

  g_return_val_if_fail (FERRY_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  if (!json_object_has_member (record, "time"))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *text = _ferry_format_time (now);

      json_object_set_string_member (record, "time", text);
    }

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, record);
  line = json_to_string (node, FALSE);

  if (!append_line (self, line, error))
    return FALSE;

  before = self->entries->len;
  if (!apply_record (self, record, &added))
    g_warning ("Journalled a record Ferry cannot read back: %s", line);
  if (added)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), before, 0, self->entries->len - before);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_ITEMS]);
    }
  return TRUE;
}

FerryHistoryEntry *
ferry_history_lookup (FerryHistory *self,
                      const char   *job_id)
{
  g_return_val_if_fail (FERRY_IS_HISTORY (self), NULL);

  return job_id ? g_hash_table_lookup (self->by_job, job_id) : NULL;
}

FerryPlan *
ferry_history_dup_plan (FerryHistory *self,
                        const char   *plan_id)
{
  const char *text;
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (FERRY_IS_HISTORY (self), NULL);

  text = plan_id ? g_hash_table_lookup (self->plans, plan_id) : NULL;
  node = text ? json_from_string (text, NULL) : NULL;
  return node ? ferry_plan_new_from_json (node, NULL) : NULL;
}

GPtrArray *
ferry_history_dup_open (FerryHistory *self)
{
  GPtrArray *open = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (FERRY_IS_HISTORY (self), open);

  for (guint i = 0; i < self->entries->len; i++)
    {
      FerryHistoryEntry *entry = g_ptr_array_index (self->entries, i);

      if (entry->outcome == FERRY_HISTORY_OUTCOME_OPEN)
        g_ptr_array_add (open, g_object_ref (entry));
    }
  return open;
}

GPtrArray *
ferry_history_dup_vm_entries (FerryHistory *self,
                              const char   *vm_uuid)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (FERRY_IS_HISTORY (self), found);

  for (guint i = 0; i < self->entries->len; i++)
    {
      FerryHistoryEntry *entry = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (ferry_history_entry_get_vm_uuid (entry), vm_uuid) == 0)
        g_ptr_array_add (found, g_object_ref (entry));
    }
  return found;
}

void
ferry_history_teach (FerryHistory   *self,
                     FerryEstimator *estimator)
{
  g_return_if_fail (FERRY_IS_HISTORY (self));
  g_return_if_fail (FERRY_IS_ESTIMATOR (estimator));

  for (guint i = 0; i < self->entries->len; i++)
    {
      FerryHistoryEntry *entry = g_ptr_array_index (self->entries, i);
      if (entry->outcome != FERRY_HISTORY_OUTCOME_SUCCEEDED || !entry->learned)
        continue;
      ferry_estimator_learn (estimator, entry->texts [TEXT_LEARNED_NETWORK],
                             entry->texts [TEXT_LEARNED_NETWORK_NAME],
                             entry->learned_bytes, entry->learned_seconds);
    }
}

/* Put them back ------------------------------------------------------------ */

typedef struct
{
  FerryMoveRequest *request;
  FerryCache       *destination;
  FerryHost        *host;
  gboolean          enable_host;
} Group;

static void
group_free (gpointer data)
{
  Group *group = data;

  g_clear_object (&group->request);
  g_free (group);
}

static FerryVm *
find_vm (GListModel  *connections,
         const char  *uuid)
{
  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (connections, i);
      FerryVm *vm = _ferry_cache_find_uuid (ferry_connection_get_cache (connection), FERRY_TYPE_VM, uuid);

      if (vm != NULL && !ferry_vm_get_is_a_snapshot (vm))
        return vm;
    }
  return NULL;
}

/* The SR a disk (by position) was on before the move, in @cache. */
static FerrySr *
original_sr (JsonObject *entry,
             FerryCache *cache,
             const char *userdevice)
{
  JsonArray *disks = _ferry_json_get_array (_ferry_json_get_object (entry, "maps"), "disks");

  for (guint i = 0; disks != NULL && i < json_array_get_length (disks); i++)
    {
      JsonObject *disk = json_array_get_object_element (disks, i);
      const char *uuid = NULL;

      if (disk == NULL || g_strcmp0 (_ferry_json_get_string (disk, "userdevice"), userdevice) != 0)
        continue;
      _ferry_json_get_ref (disk, "from_sr", &uuid, NULL);
      return _ferry_cache_find_uuid (cache, FERRY_TYPE_SR, uuid);
    }
  return NULL;
}

static FerryNetwork *
original_network (JsonObject *entry,
                  FerryCache *cache,
                  const char *device)
{
  JsonArray *vifs = _ferry_json_get_array (_ferry_json_get_object (entry, "maps"), "vifs");

  for (guint i = 0; vifs != NULL && i < json_array_get_length (vifs); i++)
    {
      JsonObject *vif = json_array_get_object_element (vifs, i);
      const char *uuid = NULL;

      if (vif == NULL || g_strcmp0 (_ferry_json_get_string (vif, "device"), device) != 0)
        continue;
      _ferry_json_get_ref (vif, "from_network", &uuid, NULL);
      return _ferry_cache_find_uuid (cache, FERRY_TYPE_NETWORK, uuid);
    }
  return NULL;
}

/* Adds the VM to its group; FALSE when it is already home. */
static gboolean
add_return (GHashTable        *groups,
            GPtrArray         *order,
            JsonObject        *record,
            FerryVm           *vm,
            FerryCache        *home_cache,
            FerryHost         *home_host)
{
  FerryCache *current = ferry_object_get_cache (FERRY_OBJECT (vm));
  gboolean cross_pool = current != home_cache;
  g_autofree char *key = NULL;
  GListModel *vbds = ferry_vm_get_vbds (vm);
  gboolean moves = cross_pool;
  Group *group;

  if (!cross_pool && home_host != NULL &&
      g_strcmp0 (ferry_vm_get_resident_on (vm), ferry_object_get_ref (FERRY_OBJECT (home_host))) != 0 &&
      ferry_vm_get_power_state (vm) != FERRY_VM_POWER_STATE_HALTED &&
      ferry_vm_get_power_state (vm) != FERRY_VM_POWER_STATE_SUSPENDED)
    moves = TRUE;

  key = g_strdup_printf ("%p|%p|%s", (gpointer) current, (gpointer) home_cache,
                         home_host ? ferry_object_get_uuid (FERRY_OBJECT (home_host)) : "");
  group = g_hash_table_lookup (groups, key);
  if (group == NULL)
    {
      group = g_new0 (Group, 1);
      group->request = ferry_move_request_new ();
      group->destination = home_cache;
      group->host = home_host;
      if (home_host != NULL)
        ferry_move_request_set_destination_host (group->request, home_host);
      else if (cross_pool)
        ferry_move_request_set_destination_pool (group->request, home_cache);
      if (home_host != NULL && !ferry_host_get_enabled (home_host) &&
          g_strcmp0 (ferry_object_lookup_other_config (FERRY_OBJECT (home_host), FERRY_MAINTENANCE_MODE), "true") == 0)
        group->enable_host = TRUE;
    }

  for (guint i = 0; i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));
      FerrySr *sr;

      if (!FERRY_IS_VDI (vdi) || g_strcmp0 (ferry_vbd_get_vbd_type (vbd), "CD") == 0)
        continue;
      sr = original_sr (record, home_cache, ferry_vbd_get_userdevice (vbd));
      if (sr != NULL && g_strcmp0 (ferry_object_get_ref (FERRY_OBJECT (sr)), ferry_vdi_get_sr (FERRY_VDI (vdi))) != 0)
        {
          ferry_move_request_set_vdi_sr (group->request, FERRY_VDI (vdi), sr);
          moves = TRUE;
        }
    }

  if (cross_pool)
    {
      GListModel *vifs = ferry_vm_get_vifs (vm);

      for (guint i = 0; i < g_list_model_get_n_items (vifs); i++)
        {
          g_autoptr(FerryVif) vif = g_list_model_get_item (vifs, i);
          FerryNetwork *network = original_network (record, home_cache,
                                                    ferry_vif_get_device (vif));

          if (network != NULL)
            ferry_move_request_set_vif_network (group->request, vif, network);
        }
    }

  if (!moves)
    {
      if (g_hash_table_lookup (groups, key) == NULL)
        group_free (group);
      return FALSE;
    }

  ferry_move_request_add_vm (group->request, vm);
  if (g_hash_table_lookup (groups, key) == NULL)
    {
      g_hash_table_insert (groups, g_strdup (key), group);
      g_ptr_array_add (order, group);
    }
  return TRUE;
}

GPtrArray *
ferry_history_build_put_back (FerryHistory  *self,
                              GDateTime     *since,
                              GListModel    *connections,
                              GError       **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, group_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (FERRY_IS_HISTORY (self), NULL);
  g_return_val_if_fail (since != NULL, NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (connections), NULL);

  for (guint i = 0; i < self->entries->len; i++)
    {
      FerryHistoryEntry *entry = g_ptr_array_index (self->entries, i);
      const char *vm_uuid = ferry_history_entry_get_vm_uuid (entry);
      g_autoptr(JsonObject) record = NULL;
      FerryConnection *home;
      FerryCache *home_cache;
      FerryHost *home_host;
      FerryVm *vm;

      if (entry->outcome != FERRY_HISTORY_OUTCOME_SUCCEEDED || entry->end_time == NULL ||
          g_date_time_compare (entry->end_time, since) < 0 || vm_uuid == NULL ||
          g_hash_table_contains (seen, vm_uuid))
        continue;
      g_hash_table_add (seen, (gpointer) vm_uuid);

      home = _ferry_connections_find_pool (connections, entry->texts [TEXT_FROM_POOL_UUID]);
      vm = find_vm (connections, vm_uuid);
      if (home == NULL || vm == NULL)
        {
          g_debug ("Cannot put %s back: %s", ferry_history_entry_get_vm_name (entry),
                   vm == NULL ? "not found" : "its pool is not connected");
          continue;
        }
      home_cache = ferry_connection_get_cache (home);
      home_host = _ferry_cache_find_uuid (home_cache, FERRY_TYPE_HOST, entry->texts [TEXT_FROM_HOST_UUID]);
      record = ferry_history_entry_dup_json (entry);
      add_return (groups, order, record, vm, home_cache, home_host);
    }

  for (guint i = 0; i < order->len; i++)
    {
      Group *group = g_ptr_array_index (order, i);
      g_autoptr(FerryPlan) plan = ferry_plan_new (group->request, connections, NULL, error);

      if (plan == NULL)
        return NULL;
      if (group->enable_host)
        _ferry_plan_expect_enabled_host (plan, ferry_object_get_uuid (FERRY_OBJECT (group->host)),
                                         ferry_object_get_name_label (FERRY_OBJECT (group->host)));
      g_ptr_array_add (plans, g_steal_pointer (&plan));
    }

  return g_steal_pointer (&plans);
}
