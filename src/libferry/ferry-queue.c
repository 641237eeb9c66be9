/* ferry-queue.c: the operation queue, with the concurrency rules applied
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-queue"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-connection.h"
#include "ferry-error.h"
#include "ferry-host.h"
#include "ferry-job-private.h"
#include "ferry-plan-private.h"
#include "ferry-pool.h"
#include "ferry-queue.h"

typedef enum
{
  PREPARE_NONE,
  PREPARE_RUNNING,
  PREPARE_DONE,
  PREPARE_FAILED,
} PrepareState;

/* What the queue keeps per plan. */
typedef struct
{
  FerryPlan    *plan;
  PrepareState  prepare;
  GError       *error;
} PlanRun;

struct _FerryQueue
{
  GObject           parent_instance;

  GListModel       *connections;
  FerryHistory     *history;
  FerryEstimator   *estimator;
  GPtrArray        *jobs;          /* FerryJob */
  GHashTable       *plans;         /* plan id → PlanRun */
  GPtrArray        *idle_waiters;  /* GTask */
  gboolean          paused;
  guint             pool_limit;
  guint             host_storage_limit;
  guint             evacuation_batch_size;
  FerryJobSettings  settings;
  guint             schedule_id;
  gboolean          recovering;
  gboolean          disposed;
};

enum {
  PROP_0,
  PROP_PAUSED,
  PROP_POOL_LIMIT,
  PROP_HOST_STORAGE_LIMIT,
  PROP_EVACUATION_BATCH_SIZE,
  PROP_N_ACTIVE,
  PROP_N_UNFINISHED,
  N_PROPS
};

enum {
  SIGNAL_JOB_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FerryQueue, ferry_queue, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void schedule        (FerryQueue *self);
static void wait_disconnect (GTask      *task);

static GType
get_item_type (GListModel *model)
{
  return FERRY_TYPE_JOB;
}

static guint
get_n_items (GListModel *model)
{
  return FERRY_QUEUE (model)->jobs->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  FerryQueue *self = FERRY_QUEUE (model);

  if (position >= self->jobs->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->jobs, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
plan_run_free (gpointer data)
{
  PlanRun *run = data;

  g_clear_object (&run->plan);
  g_clear_error (&run->error);
  g_free (run);
}

static void
ferry_queue_dispose (GObject *object)
{
  FerryQueue *self = (FerryQueue *)object;

  self->disposed = TRUE;
  g_clear_handle_id (&self->schedule_id, g_source_remove);

  /* Nothing is cancelled on the servers: a later queue recovers. */
  for (guint i = 0; i < self->jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (self->jobs, i);

      g_signal_handlers_disconnect_by_data (job, self);
      _ferry_job_abandon (job);
    }

  for (guint i = 0; i < self->idle_waiters->len; i++)
    {
      wait_disconnect (g_ptr_array_index (self->idle_waiters, i));
      g_task_return_new_error (g_ptr_array_index (self->idle_waiters, i), G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The queue was closed"));
    }
  g_ptr_array_set_size (self->idle_waiters, 0);

  G_OBJECT_CLASS (ferry_queue_parent_class)->dispose (object);
}

static void
ferry_queue_finalize (GObject *object)
{
  FerryQueue *self = (FerryQueue *)object;

  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_pointer (&self->plans, g_hash_table_unref);
  g_clear_pointer (&self->idle_waiters, g_ptr_array_unref);
  g_clear_object (&self->connections);
  g_clear_object (&self->history);
  g_clear_object (&self->estimator);

  G_OBJECT_CLASS (ferry_queue_parent_class)->finalize (object);
}

static void
ferry_queue_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FerryQueue *self = FERRY_QUEUE (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_POOL_LIMIT:
      g_value_set_uint (value, self->pool_limit);
      break;
    case PROP_HOST_STORAGE_LIMIT:
      g_value_set_uint (value, self->host_storage_limit);
      break;
    case PROP_EVACUATION_BATCH_SIZE:
      g_value_set_uint (value, self->evacuation_batch_size);
      break;
    case PROP_N_ACTIVE:
      g_value_set_uint (value, ferry_queue_get_n_active (self));
      break;
    case PROP_N_UNFINISHED:
      g_value_set_uint (value, ferry_queue_get_n_unfinished (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_queue_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FerryQueue *self = FERRY_QUEUE (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      ferry_queue_set_paused (self, g_value_get_boolean (value));
      break;
    case PROP_POOL_LIMIT:
      ferry_queue_set_pool_limit (self, g_value_get_uint (value));
      break;
    case PROP_HOST_STORAGE_LIMIT:
      ferry_queue_set_host_storage_limit (self, g_value_get_uint (value));
      break;
    case PROP_EVACUATION_BATCH_SIZE:
      ferry_queue_set_evacuation_batch_size (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_queue_class_init (FerryQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ferry_queue_dispose;
  object_class->finalize = ferry_queue_finalize;
  object_class->get_property = ferry_queue_get_property;
  object_class->set_property = ferry_queue_set_property;

  properties [PROP_PAUSED] = g_param_spec_boolean ("paused", NULL, NULL, FALSE, rw);
  properties [PROP_POOL_LIMIT] = g_param_spec_uint ("pool-limit", NULL, NULL, 1, 64,
                                                    FERRY_QUEUE_DEFAULT_POOL_LIMIT, rw);
  properties [PROP_HOST_STORAGE_LIMIT] = g_param_spec_uint ("host-storage-limit", NULL, NULL, 1, 3,
                                                            FERRY_QUEUE_DEFAULT_HOST_STORAGE_LIMIT, rw);
  properties [PROP_EVACUATION_BATCH_SIZE] = g_param_spec_uint ("evacuation-batch-size", NULL, NULL, 0, 1000, 0, rw);
  properties [PROP_N_ACTIVE] = g_param_spec_uint ("n-active", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties [PROP_N_UNFINISHED] = g_param_spec_uint ("n-unfinished", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals [SIGNAL_JOB_FINISHED] =
    g_signal_new ("job-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, FERRY_TYPE_JOB);
}

static void
ferry_queue_init (FerryQueue *self)
{
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  self->plans = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, plan_run_free);
  self->idle_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->pool_limit = FERRY_QUEUE_DEFAULT_POOL_LIMIT;
  self->host_storage_limit = FERRY_QUEUE_DEFAULT_HOST_STORAGE_LIMIT;
  self->settings.retry_delay = 2.0;
  self->settings.max_retries = 3;
}

FerryQueue *
ferry_queue_new (GListModel     *connections,
                 FerryHistory   *history,
                 FerryEstimator *estimator)
{
  FerryQueue *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (connections), NULL);
  g_return_val_if_fail (history == NULL || FERRY_IS_HISTORY (history), NULL);
  g_return_val_if_fail (estimator == NULL || FERRY_IS_ESTIMATOR (estimator), NULL);

  self = g_object_new (FERRY_TYPE_QUEUE, NULL);
  self->connections = g_object_ref (connections);
  self->history = history ? g_object_ref (history) : NULL;
  self->estimator = estimator ? g_object_ref (estimator) : ferry_estimator_new ();
  return self;
}

GListModel *
ferry_queue_get_connections (FerryQueue *self)
{
  g_return_val_if_fail (FERRY_IS_QUEUE (self), NULL);
  return self->connections;
}

FerryHistory *
ferry_queue_get_history (FerryQueue *self)
{
  g_return_val_if_fail (FERRY_IS_QUEUE (self), NULL);
  return self->history;
}

FerryEstimator *
ferry_queue_get_estimator (FerryQueue *self)
{
  g_return_val_if_fail (FERRY_IS_QUEUE (self), NULL);
  return self->estimator;
}

/* Counting ----------------------------------------------------------------- */

guint
ferry_queue_get_n_active (FerryQueue *self)
{
  guint n = 0;

  g_return_val_if_fail (FERRY_IS_QUEUE (self), 0);

  for (guint i = 0; i < self->jobs->len; i++)
    n += _ferry_job_is_active (g_ptr_array_index (self->jobs, i));
  return n;
}

guint
ferry_queue_get_n_unfinished (FerryQueue *self)
{
  guint n = 0;

  g_return_val_if_fail (FERRY_IS_QUEUE (self), 0);

  for (guint i = 0; i < self->jobs->len; i++)
    n += !ferry_job_is_finished (g_ptr_array_index (self->jobs, i));
  return n;
}

static void
complete_idle_waiters (FerryQueue *self)
{
  g_autoptr(GPtrArray) waiters = NULL;

  if (ferry_queue_get_n_unfinished (self) > 0 || self->idle_waiters->len == 0)
    return;

  waiters = g_steal_pointer (&self->idle_waiters);
  self->idle_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      wait_disconnect (g_ptr_array_index (waiters, i));
      g_task_return_boolean (g_ptr_array_index (waiters, i), TRUE);
    }
}

static void
notify_counts (FerryQueue *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_ACTIVE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_UNFINISHED]);
}

/* Job signals -------------------------------------------------------------- */

static void
on_job_finished_cb (FerryJob   *job,
                    FerryQueue *self)
{
  g_object_ref (self);
  g_signal_emit (self, signals [SIGNAL_JOB_FINISHED], 0, job);
  notify_counts (self);
  schedule (self);
  complete_idle_waiters (self);
  g_object_unref (self);
}

static void
on_job_requeued_cb (FerryJob   *job,
                    FerryQueue *self)
{
  notify_counts (self);
  schedule (self);
}

static void
on_job_state_cb (FerryJob   *job,
                 GParamSpec *pspec,
                 FerryQueue *self)
{
  notify_counts (self);
}

static void
append_job (FerryQueue *self,
            FerryJob   *job)
{
  g_signal_connect (job, "finished", G_CALLBACK (on_job_finished_cb), self);
  g_signal_connect (job, "requeued", G_CALLBACK (on_job_requeued_cb), self);
  g_signal_connect (job, "notify::state", G_CALLBACK (on_job_state_cb), self);
  g_ptr_array_add (self->jobs, job);
  g_list_model_items_changed (G_LIST_MODEL (self), self->jobs->len - 1, 0, 1);
}

static PlanRun *
plan_run_for (FerryQueue *self,
              FerryPlan  *plan)
{
  PlanRun *run = g_hash_table_lookup (self->plans, ferry_plan_get_id (plan));

  if (run == NULL)
    {
      run = g_new0 (PlanRun, 1);
      run->plan = g_object_ref (plan);
      g_hash_table_insert (self->plans, (gpointer) ferry_plan_get_id (run->plan), run);
    }
  return run;
}

static guint
parallel_for (FerryQueue *self,
              FerryPlan  *plan)
{
  FerryPlanItem *first = ferry_plan_get_n_items (plan) ? ferry_plan_get_item (plan, 0) : NULL;

  if (first == NULL)
    return 1;
  if (ferry_plan_item_get_operation (first) == FERRY_OPERATION_EVACUATE)
    return ferry_plan_get_evacuation_batch_size (plan) ? ferry_plan_get_evacuation_batch_size (plan)
                                                       : FERRY_QUEUE_DEFAULT_EVACUATION_BATCH;
  if (ferry_plan_item_get_operation (first) == FERRY_OPERATION_LIVE_MIGRATE)
    return self->pool_limit;
  return MIN (self->pool_limit, self->host_storage_limit);
}

static void
journal_plan (FerryQueue *self,
              FerryPlan  *plan)
{
  g_autoptr(JsonObject) record = json_object_new ();
  g_autoptr(GError) error = NULL;

  if (self->history == NULL)
    return;
  json_object_set_string_member (record, "type", "plan");
  json_object_set_member (record, "plan", ferry_plan_to_json (plan));
  if (!ferry_history_append (self->history, record, &error))
    g_warning ("Could not journal plan %s: %s", ferry_plan_get_id (plan), error->message);
}

GPtrArray *
ferry_queue_add_plan (FerryQueue *self,
                      FerryPlan  *plan)
{
  GPtrArray *added;
  gboolean estimated = TRUE;

  g_return_val_if_fail (FERRY_IS_QUEUE (self), NULL);
  g_return_val_if_fail (FERRY_IS_PLAN (plan), NULL);

  added = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    {
      FerryPlanItem *item = ferry_plan_get_item (plan, i);

      estimated &= ferry_plan_item_get_blocker (item) != NULL || ferry_plan_item_get_estimate (item) != NULL;
    }
  if (!estimated)
    {
      for (guint i = 0; i < g_list_model_get_n_items (self->connections); i++)
        {
          g_autoptr(FerryConnection) connection = g_list_model_get_item (self->connections, i);
          FerryCache *cache = ferry_connection_get_cache (connection);

          if (cache != NULL)
            ferry_estimator_read_link_speeds (self->estimator, cache);
        }
      ferry_estimate_free (ferry_estimator_estimate_plan (self->estimator, plan, parallel_for (self, plan)));
    }

  plan_run_for (self, plan);
  journal_plan (self, plan);

  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    {
      FerryJob *job = _ferry_job_new (plan, ferry_plan_get_item (plan, i), i, NULL, self->connections,
                                      self->history, self->estimator, &self->settings);

      _ferry_job_journal_queued (job);
      append_job (self, job);
      g_ptr_array_add (added, g_object_ref (job));
    }

  notify_counts (self);
  schedule (self);
  return added;
}

/* Preparing hosts (O5, put back) ------------------------------------------- */

typedef struct
{
  FerryQueue      *queue;
  PlanRun         *run;          /* owned by the queue's table */
  char            *plan_id;
  FerryConnection *connection;
  GPtrArray       *methods;      /* char* */
  GPtrArray       *args;         /* GVariant* */
  GArray          *must_work;    /* gboolean */
  guint            next;
} Prepare;

static void
prepare_free (Prepare *prepare)
{
  g_clear_object (&prepare->queue);
  g_free (prepare->plan_id);
  g_clear_object (&prepare->connection);
  g_clear_pointer (&prepare->methods, g_ptr_array_unref);
  g_clear_pointer (&prepare->args, g_ptr_array_unref);
  g_clear_pointer (&prepare->must_work, g_array_unref);
  g_free (prepare);
}

static void
prepare_add (Prepare    *prepare,
             gboolean    must_work,
             const char *method,
             GVariant   *args)
{
  g_ptr_array_add (prepare->methods, g_strdup (method));
  g_ptr_array_add (prepare->args, g_variant_ref_sink (args));
  g_array_append_val (prepare->must_work, must_work);
}

static void prepare_next (Prepare *prepare);

static void
on_prepare_step_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Prepare *prepare = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  PlanRun *run;

  if (prepare->queue->disposed)
    {
      prepare_free (prepare);
      return;
    }
  run = g_hash_table_lookup (prepare->queue->plans, prepare->plan_id);

  if (node == NULL && g_array_index (prepare->must_work, gboolean, prepare->next - 1))
    {
      g_debug ("Preparing plan %s: %s failed: %s", prepare->plan_id,
               (char *) g_ptr_array_index (prepare->methods, prepare->next - 1), error->message);
      if (run != NULL)
        {
          run->prepare = PREPARE_FAILED;
          run->error = g_steal_pointer (&error);
        }
      schedule (prepare->queue);
      prepare_free (prepare);
      return;
    }

  prepare_next (prepare);
}

static void
prepare_next (Prepare *prepare)
{
  PlanRun *run = g_hash_table_lookup (prepare->queue->plans, prepare->plan_id);

  if (prepare->next >= prepare->methods->len)
    {
      if (run != NULL)
        run->prepare = PREPARE_DONE;
      schedule (prepare->queue);
      prepare_free (prepare);
      return;
    }

  prepare->next++;
  ferry_connection_call_async (prepare->connection,
                               g_ptr_array_index (prepare->methods, prepare->next - 1),
                               g_ptr_array_index (prepare->args, prepare->next - 1),
                               FERRY_CALL_NONE, NULL, on_prepare_step_cb, prepare);
}

static gboolean
plan_needs_preparing (FerryPlan *plan)
{
  return (ferry_plan_get_operation (plan) == FERRY_OPERATION_EVACUATE && ferry_plan_get_evacuate_host_uuid (plan)) ||
         ferry_plan_get_enable_host_uuid (plan) != NULL;
}

static void
set_key (Prepare    *prepare,
         const char *host,
         const char *key,
         const char *value)
{
  prepare_add (prepare, FALSE, "host.remove_from_other_config", g_variant_new ("(ss)", host, key));
  if (value != NULL)
    prepare_add (prepare, TRUE, "host.add_to_other_config", g_variant_new ("(sss)", host, key, value));
}

/* Evacuation: disable the host and write what XenCenter writes
 * (xencenter-study.md §3.2, §3.3), with the VMs that will leave. Put back:
 * enable the host and clear those keys. */
static void
start_preparing (FerryQueue *self,
                 PlanRun    *run)
{
  FerryPlan *plan = run->plan;
  const char *uuid = ferry_plan_get_enable_host_uuid (plan) ? ferry_plan_get_enable_host_uuid (plan)
                                                            : ferry_plan_get_evacuate_host_uuid (plan);
  const char *pools[] = { ferry_plan_get_source_pool_uuid (plan), ferry_plan_get_destination_pool_uuid (plan) };
  Prepare *prepare;
  FerryHost *host = NULL;

  prepare = g_new0 (Prepare, 1);
  prepare->queue = g_object_ref (self);
  prepare->plan_id = g_strdup (ferry_plan_get_id (plan));
  prepare->methods = g_ptr_array_new_with_free_func (g_free);
  prepare->args = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  prepare->must_work = g_array_new (FALSE, FALSE, sizeof (gboolean));

  for (guint i = 0; i < G_N_ELEMENTS (pools) && host == NULL; i++)
    {
      FerryConnection *connection = _ferry_connections_find_pool (self->connections, pools[i]);

      host = connection ? _ferry_cache_find_uuid (ferry_connection_get_cache (connection), FERRY_TYPE_HOST, uuid) : NULL;
      if (host != NULL)
        prepare->connection = g_object_ref (connection);
    }

  run->prepare = PREPARE_RUNNING;
  if (host == NULL)
    {
      run->prepare = PREPARE_FAILED;
      run->error = g_error_new (FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_NOT_FOUND,
                                _("The host to prepare (%s) is not in any connected pool"), uuid);
      prepare_free (prepare);
      schedule (self);
      return;
    }

  if (ferry_plan_get_enable_host_uuid (plan) != NULL)
    {
      const char *ref = ferry_object_get_ref (FERRY_OBJECT (host));

      prepare_add (prepare, TRUE, "host.enable", g_variant_new ("(s)", ref));
      set_key (prepare, ref, FERRY_MAINTENANCE_MODE, NULL);
      set_key (prepare, ref, FERRY_EVACUATED_VMS_MIGRATED, NULL);
      set_key (prepare, ref, FERRY_EVACUATED_VMS_SUSPENDED, NULL);
      set_key (prepare, ref, FERRY_EVACUATED_VMS_HALTED, NULL);
    }
  else
    {
      const char *ref = ferry_object_get_ref (FERRY_OBJECT (host));
      g_autoptr(GStrvBuilder) migrated = g_strv_builder_new ();
      g_auto(GStrv) uuids = NULL;
      g_autofree char *list = NULL;

      for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
        g_strv_builder_add (migrated, ferry_plan_item_get_vm_uuid (ferry_plan_get_item (plan, i)));
      uuids = g_strv_builder_end (migrated);
      list = g_strjoinv (",", uuids);

      if (ferry_host_get_enabled (host))
        prepare_add (prepare, TRUE, "host.disable", g_variant_new ("(s)", ref));
      set_key (prepare, ref, FERRY_MAINTENANCE_MODE, "true");
      set_key (prepare, ref, FERRY_EVACUATED_VMS_MIGRATED, list);
      set_key (prepare, ref, FERRY_EVACUATED_VMS_SUSPENDED, "");
      set_key (prepare, ref, FERRY_EVACUATED_VMS_HALTED, "");
    }

  prepare_next (prepare);
}

/* Scheduling --------------------------------------------------------------- */

static guint
count (GHashTable *table,
       const char *key)
{
  return key ? GPOINTER_TO_UINT (g_hash_table_lookup (table, key)) : 0;
}

static void
take (GHashTable *table,
      const char *key)
{
  if (key != NULL)
    g_hash_table_insert (table, (gpointer) key, GUINT_TO_POINTER (count (table, key) + 1));
}

static guint
batch_size (FerryQueue *self,
            FerryPlan  *plan)
{
  FerryConnection *connection;
  FerryPool *pool;
  const char *value;

  if (ferry_plan_get_evacuation_batch_size (plan) > 0)
    return ferry_plan_get_evacuation_batch_size (plan);
  if (self->evacuation_batch_size > 0)
    return self->evacuation_batch_size;

  connection = _ferry_connections_find_pool (self->connections, ferry_plan_get_source_pool_uuid (plan));
  pool = connection ? ferry_cache_get_pool (ferry_connection_get_cache (connection)) : NULL;
  value = pool ? ferry_object_lookup_other_config (FERRY_OBJECT (pool), FERRY_POOL_KEY_EVACUATION_BATCH) : NULL;
  if (value != NULL && g_ascii_strtoull (value, NULL, 10) > 0)
    return (guint) MIN (g_ascii_strtoull (value, NULL, 10), 1000);

  return FERRY_QUEUE_DEFAULT_EVACUATION_BATCH;
}

static gboolean
schedule_now (gpointer user_data)
{
  FerryQueue *self = user_data;
  g_autoptr(GHashTable) pool_count = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) host_count = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) evacuation_count = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) busy_vms = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) jobs = NULL;

  self->schedule_id = 0;
  if (self->disposed)
    return G_SOURCE_REMOVE;

  /* What runs now. */
  for (guint i = 0; i < self->jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (self->jobs, i);
      FerryPlanItem *item = ferry_job_get_item (job);

      if (!_ferry_job_is_active (job))
        continue;
      g_hash_table_add (busy_vms, (gpointer) ferry_plan_item_get_vm_uuid (item));
      switch (_ferry_job_get_slot_kind (job))
        {
        case FERRY_SLOT_LIVE:
          take (pool_count, ferry_plan_item_get_from_pool_uuid (item));
          break;
        case FERRY_SLOT_STORAGE:
          take (pool_count, ferry_plan_item_get_from_pool_uuid (item));
          take (host_count, _ferry_job_get_slot_host (job));
          break;
        case FERRY_SLOT_DISK:
          take (host_count, _ferry_job_get_slot_host (job));
          break;
        case FERRY_SLOT_EVACUATE:
          take (evacuation_count, ferry_plan_get_id (ferry_job_get_plan (job)));
          break;
        default:
          break;
        }
    }

  /* Starting a job may end it at once and change the list: walk a copy. */
  jobs = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->jobs->len; i++)
    g_ptr_array_add (jobs, g_object_ref (g_ptr_array_index (self->jobs, i)));

  for (guint i = 0; i < jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (jobs, i);
      FerryPlanItem *item = ferry_job_get_item (job);
      FerryPlan *plan = ferry_job_get_plan (job);
      const char *pool = ferry_plan_item_get_from_pool_uuid (item);
      const char *host = _ferry_job_get_slot_host (job);
      const char *vm = ferry_plan_item_get_vm_uuid (item);
      FerrySlotKind kind = _ferry_job_get_slot_kind (job);
      g_autofree char *why = NULL;
      PlanRun *run;

      if (self->disposed)
        break;
      if (!_ferry_job_is_ready (job) || self->paused)
        continue;

      if (g_hash_table_contains (busy_vms, vm))
        {
          why = g_strdup_printf (_("Waiting: another job of %s runs"), ferry_plan_item_get_vm_name (item));
          _ferry_job_set_waiting (job, why);
          continue;
        }

      run = plan_run_for (self, plan);
      if (plan_needs_preparing (plan) && ferry_plan_item_get_blocker (item) == NULL)
        {
          if (run->prepare == PREPARE_NONE)
            start_preparing (self, run);
          if (run->prepare == PREPARE_FAILED)
            {
              _ferry_job_fail (job, run->error);
              continue;
            }
          if (run->prepare != PREPARE_DONE)
            {
              why = g_strdup_printf (_("Waiting: preparing %s"),
                                     ferry_plan_get_enable_host_uuid (plan) ? _("the destination host")
                                                                            : ferry_plan_get_evacuate_host_name (plan));
              _ferry_job_set_waiting (job, why);
              continue;
            }
        }

      switch (kind)
        {
        case FERRY_SLOT_LIVE:
          if (count (pool_count, pool) >= self->pool_limit)
            why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Waiting for a free slot: %u migration from %s runs (R14)",
                                                "Waiting for a free slot: %u migrations from %s run (R14)",
                                                self->pool_limit),
                                   self->pool_limit, ferry_plan_item_get_from_pool_name (item));
          break;
        case FERRY_SLOT_STORAGE:
          if (count (pool_count, pool) >= self->pool_limit)
            why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Waiting for a free slot: %u migration from %s runs (R14)",
                                                "Waiting for a free slot: %u migrations from %s run (R14)",
                                                self->pool_limit),
                                   self->pool_limit, ferry_plan_item_get_from_pool_name (item));
          else if (count (host_count, host) >= self->host_storage_limit)
            why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Waiting for a free slot: %u storage migration leaves %s",
                                                "Waiting for a free slot: %u storage migrations leave %s",
                                                self->host_storage_limit),
                                   self->host_storage_limit,
                                   ferry_plan_item_get_from_host_name (item) ? ferry_plan_item_get_from_host_name (item)
                                                                             : ferry_plan_item_get_from_pool_name (item));
          break;
        case FERRY_SLOT_DISK:
          if (count (host_count, host) >= self->host_storage_limit)
            why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Waiting for a free slot: %u storage migration runs on %s",
                                                "Waiting for a free slot: %u storage migrations run on %s",
                                                self->host_storage_limit),
                                   self->host_storage_limit,
                                   ferry_plan_item_get_from_host_name (item) ? ferry_plan_item_get_from_host_name (item)
                                                                             : ferry_plan_item_get_from_pool_name (item));
          break;
        case FERRY_SLOT_EVACUATE:
          {
            guint size = batch_size (self, plan);

            if (count (evacuation_count, ferry_plan_get_id (plan)) >= size)
              why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Waiting for its batch: %u VM leaves %s at a time (R3)",
                                                  "Waiting for its batch: %u VMs leave %s at a time (R3)",
                                                  size),
                                     size, ferry_plan_get_evacuate_host_name (plan));
          }
          break;
        default:
          break;
        }

      if (why != NULL)
        {
          _ferry_job_set_waiting (job, why);
          continue;
        }

      g_hash_table_add (busy_vms, (gpointer) vm);
      switch (kind)
        {
        case FERRY_SLOT_LIVE:
          take (pool_count, pool);
          break;
        case FERRY_SLOT_STORAGE:
          take (pool_count, pool);
          take (host_count, host);
          break;
        case FERRY_SLOT_DISK:
          take (host_count, host);
          break;
        case FERRY_SLOT_EVACUATE:
          take (evacuation_count, ferry_plan_get_id (plan));
          break;
        default:
          break;
        }
      _ferry_job_start (job);
    }

  notify_counts (self);
  complete_idle_waiters (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (FerryQueue *self)
{
  if (self->schedule_id == 0 && !self->disposed)
    self->schedule_id = g_idle_add_full (G_PRIORITY_DEFAULT, schedule_now, self, NULL);
}

/* Control ------------------------------------------------------------------ */

void
ferry_queue_set_paused (FerryQueue *self,
                        gboolean    paused)
{
  g_return_if_fail (FERRY_IS_QUEUE (self));

  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PAUSED]);
  schedule (self);
}

gboolean
ferry_queue_get_paused (FerryQueue *self)
{
  g_return_val_if_fail (FERRY_IS_QUEUE (self), FALSE);
  return self->paused;
}

static gboolean
owns (FerryQueue *self,
      FerryJob   *job,
      guint      *position)
{
  return g_ptr_array_find (self->jobs, job, position);
}

void
ferry_queue_hold_job (FerryQueue *self,
                      FerryJob   *job,
                      gboolean    held)
{
  g_return_if_fail (FERRY_IS_QUEUE (self));
  g_return_if_fail (FERRY_IS_JOB (job));
  g_return_if_fail (owns (self, job, NULL));

  _ferry_job_set_held (job, held);
  schedule (self);
}

void
ferry_queue_move_job (FerryQueue *self,
                      FerryJob   *job,
                      guint       position)
{
  guint from;

  g_return_if_fail (FERRY_IS_QUEUE (self));
  g_return_if_fail (FERRY_IS_JOB (job));

  if (!owns (self, job, &from))
    {
      g_critical ("%s: the job is not in this queue", G_STRFUNC);
      return;
    }
  position = MIN (position, self->jobs->len - 1);
  if (position == from)
    return;

  g_object_ref (job);
  g_ptr_array_remove_index (self->jobs, from);
  g_list_model_items_changed (G_LIST_MODEL (self), from, 1, 0);
  g_ptr_array_insert (self->jobs, position, job);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  schedule (self);
}

void
ferry_queue_cancel_job (FerryQueue *self,
                        FerryJob   *job)
{
  g_return_if_fail (FERRY_IS_QUEUE (self));
  g_return_if_fail (FERRY_IS_JOB (job));

  ferry_job_cancel (job);
  schedule (self);
}

void
ferry_queue_cancel_all (FerryQueue *self,
                        const char *plan_id)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (FERRY_IS_QUEUE (self));

  for (guint i = 0; i < self->jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (self->jobs, i);

      if (plan_id == NULL || g_strcmp0 (ferry_plan_get_id (ferry_job_get_plan (job)), plan_id) == 0)
        g_ptr_array_add (jobs, g_object_ref (job));
    }
  for (guint i = 0; i < jobs->len; i++)
    ferry_job_cancel (g_ptr_array_index (jobs, i));
  schedule (self);
}

static gboolean
plan_is_cleared (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  FerryQueue *self = user_data;

  for (guint i = 0; i < self->jobs->len; i++)
    if (g_strcmp0 (ferry_plan_get_id (ferry_job_get_plan (g_ptr_array_index (self->jobs, i))), key) == 0)
      return FALSE;
  return TRUE;
}

void
ferry_queue_clear_finished (FerryQueue *self)
{
  g_return_if_fail (FERRY_IS_QUEUE (self));

  for (guint i = self->jobs->len; i > 0; i--)
    {
      FerryJob *job = g_ptr_array_index (self->jobs, i - 1);

      if (!ferry_job_is_finished (job))
        continue;
      g_signal_handlers_disconnect_by_data (job, self);
      g_ptr_array_remove_index (self->jobs, i - 1);
      g_list_model_items_changed (G_LIST_MODEL (self), i - 1, 1, 0);
    }

  /* Forget the plans no job in the list belongs to any more, or a
   * long-running app would keep every plan it ever ran (ferry-soak). */
  g_hash_table_foreach_remove (self->plans, plan_is_cleared, self);
}

FerryJob *
ferry_queue_lookup_job (FerryQueue *self,
                        const char *job_id)
{
  g_return_val_if_fail (FERRY_IS_QUEUE (self), NULL);

  for (guint i = 0; i < self->jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (self->jobs, i);

      if (g_strcmp0 (ferry_job_get_id (job), job_id) == 0)
        return job;
    }
  return NULL;
}

void
ferry_queue_set_pool_limit (FerryQueue *self,
                            guint       limit)
{
  g_return_if_fail (FERRY_IS_QUEUE (self));

  limit = CLAMP (limit, 1, 64);
  if (self->pool_limit == limit)
    return;
  self->pool_limit = limit;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_POOL_LIMIT]);
  schedule (self);
}

guint
ferry_queue_get_pool_limit (FerryQueue *self)
{
  g_return_val_if_fail (FERRY_IS_QUEUE (self), 0);
  return self->pool_limit;
}

void
ferry_queue_set_host_storage_limit (FerryQueue *self,
                                    guint       limit)
{
  g_return_if_fail (FERRY_IS_QUEUE (self));

  /* xapi refuses a fourth: never more than 3. */
  limit = CLAMP (limit, 1, FERRY_QUEUE_DEFAULT_HOST_STORAGE_LIMIT);
  if (self->host_storage_limit == limit)
    return;
  self->host_storage_limit = limit;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_HOST_STORAGE_LIMIT]);
  schedule (self);
}

guint
ferry_queue_get_host_storage_limit (FerryQueue *self)
{
  g_return_val_if_fail (FERRY_IS_QUEUE (self), 0);
  return self->host_storage_limit;
}

void
ferry_queue_set_evacuation_batch_size (FerryQueue *self,
                                       guint       size)
{
  g_return_if_fail (FERRY_IS_QUEUE (self));

  if (self->evacuation_batch_size == size)
    return;
  self->evacuation_batch_size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_EVACUATION_BATCH_SIZE]);
  schedule (self);
}

guint
ferry_queue_get_evacuation_batch_size (FerryQueue *self)
{
  g_return_val_if_fail (FERRY_IS_QUEUE (self), 0);
  return self->evacuation_batch_size;
}

void
ferry_queue_set_retry_delay (FerryQueue *self,
                             double      seconds)
{
  g_return_if_fail (FERRY_IS_QUEUE (self));
  self->settings.retry_delay = MAX (seconds, 0.001);
}

void
ferry_queue_set_max_retries (FerryQueue *self,
                             guint       retries)
{
  g_return_if_fail (FERRY_IS_QUEUE (self));
  self->settings.max_retries = retries;
}

/* Waiting ------------------------------------------------------------------ */

typedef struct
{
  GCancellable *cancellable;
  gulong        id;
} Wait;

static void
wait_free (gpointer data)
{
  Wait *wait = data;

  g_assert (wait->id == 0);
  g_clear_object (&wait->cancellable);
  g_free (wait);
}

/* Before a waiting task returns: its cancellable forgets it. */
static void
wait_disconnect (GTask *task)
{
  Wait *wait = g_task_get_task_data (task);

  if (wait != NULL && wait->id != 0)
    {
      g_cancellable_disconnect (wait->cancellable, wait->id);
      wait->id = 0;
    }
}

static gboolean
on_wait_cancelled_idle_cb (gpointer user_data)
{
  GTask *task = user_data;
  FerryQueue *self = g_task_get_source_object (task);
  guint position;

  if (self->idle_waiters != NULL && g_ptr_array_find (self->idle_waiters, task, &position))
    {
      g_autoptr(GTask) waiting = g_ptr_array_steal_index (self->idle_waiters, position);

      wait_disconnect (waiting);
      g_task_return_error_if_cancelled (waiting);
    }
  return G_SOURCE_REMOVE;
}

static void
on_wait_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  GTask *task = user_data;

  g_autoptr(GSource) source = g_idle_source_new ();

  /* May run in any thread, and must not disconnect itself from here: an
   * idle in the queue's context finishes the task. */
  g_source_set_callback (source, on_wait_cancelled_idle_cb, g_object_ref (task), g_object_unref);
  g_source_set_static_name (source, "[ferry] queue wait cancelled");
  g_source_attach (source, g_task_get_context (task));
}

void
ferry_queue_wait_idle_async (FerryQueue          *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FERRY_IS_QUEUE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_queue_wait_idle_async);

  if (ferry_queue_get_n_unfinished (self) == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  if (cancellable != NULL)
    {
      Wait *wait = g_new0 (Wait, 1);

      wait->cancellable = g_object_ref (cancellable);
      g_task_set_task_data (task, wait, wait_free);
      wait->id = g_cancellable_connect (cancellable, G_CALLBACK (on_wait_cancelled_cb), task, NULL);
    }
  g_ptr_array_add (self->idle_waiters, g_steal_pointer (&task));
}

gboolean
ferry_queue_wait_idle_finish (FerryQueue    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (FERRY_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Recovery ----------------------------------------------------------------- */

static void
journal_orphan (FerryQueue        *self,
                FerryHistoryEntry *entry)
{
  g_autoptr(JsonObject) record = json_object_new ();
  JsonObject *error = json_object_new ();
  g_autoptr(GError) local_error = NULL;

  json_object_set_string_member (record, "type", "end");
  json_object_set_string_member (record, "job", ferry_history_entry_get_job_id (entry));
  json_object_set_string_member (record, "outcome", "failed");
  json_object_set_null_member (error, "code");
  json_object_set_string_member (error, "message",
                                 _("Ferry stopped during this operation and its plan is not in the journal"));
  json_object_set_object_member (record, "error", error);
  if (!ferry_history_append (self->history, record, &local_error))
    g_warning ("Could not journal: %s", local_error->message);
}

/* Queues the open entries of the journal whose pools are connected: a
 * started one only needs its source pool, to follow its task; one that had
 * not started needs both. The others stay open for a later call. */
static guint
recover_open (FerryQueue *self)
{
  g_autoptr(GPtrArray) open = ferry_history_dup_open (self->history);
  g_autoptr(GHashTable) plans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  guint n = 0;

  for (guint i = 0; i < open->len; i++)
    {
      FerryHistoryEntry *entry = g_ptr_array_index (open, i);
      const char *plan_id = ferry_history_entry_get_plan_id (entry);
      g_autoptr(JsonObject) record = NULL;
      gboolean started = ferry_history_entry_was_started (entry) && ferry_history_entry_get_task_ref (entry) != NULL;
      gint64 index;
      FerryPlan *plan;
      FerryPlanItem *item;
      FerryJob *job;

      if (ferry_queue_lookup_job (self, ferry_history_entry_get_job_id (entry)) != NULL)
        continue;

      plan = plan_id ? g_hash_table_lookup (plans, plan_id) : NULL;
      if (plan == NULL && plan_id != NULL && (plan = ferry_history_dup_plan (self->history, plan_id)) != NULL)
        g_hash_table_insert (plans, g_strdup (plan_id), plan);

      record = ferry_history_entry_dup_json (entry);
      index = _ferry_json_get_int (record, "item", -1);
      if (plan == NULL || index < 0 || index >= ferry_plan_get_n_items (plan))
        {
          journal_orphan (self, entry);
          continue;
        }

      item = ferry_plan_get_item (plan, index);
      if (_ferry_connections_find_pool (self->connections, ferry_plan_item_get_from_pool_uuid (item)) == NULL ||
          (!started && _ferry_connections_find_pool (self->connections, ferry_plan_item_get_to_pool_uuid (item)) == NULL))
        {
          g_debug ("Job %s waits for its pools to connect", ferry_history_entry_get_job_id (entry));
          continue;
        }

      plan_run_for (self, plan);
      job = _ferry_job_new (plan, item, index, ferry_history_entry_get_job_id (entry),
                            self->connections, self->history, self->estimator, &self->settings);
      append_job (self, job);
      n++;

      if (started)
        {
          g_debug ("Recovering job %s: following task %s", ferry_history_entry_get_job_id (entry),
                   ferry_history_entry_get_task_ref (entry));
          /* An evacuation host was prepared before its first VM left. */
          plan_run_for (self, plan)->prepare = PREPARE_DONE;
          _ferry_job_attach (job, ferry_history_entry_get_task_ref (entry));
        }
    }

  if (n > 0)
    {
      notify_counts (self);
      schedule (self);
    }
  return n;
}

static void
on_cache_populated_cb (FerryCache *cache,
                       GParamSpec *pspec,
                       gpointer    user_data)
{
  FerryQueue *self = user_data;

  if (ferry_cache_get_populated (cache) && !self->disposed)
    recover_open (self);
}

/* TRUE when one of them is populated already. */
static gboolean
watch_caches (FerryQueue *self,
              guint       position,
              guint       n)
{
  gboolean populated = FALSE;

  for (guint i = position; i < position + n; i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (self->connections, i);
      FerryCache *cache = ferry_connection_get_cache (connection);

      g_signal_connect_object (cache, "notify::populated", G_CALLBACK (on_cache_populated_cb), self, 0);
      populated |= ferry_cache_get_populated (cache);
    }
  return populated;
}

static void
on_connections_changed_cb (GListModel *connections,
                           guint       position,
                           guint       removed,
                           guint       added,
                           gpointer    user_data)
{
  FerryQueue *self = user_data;

  if (watch_caches (self, position, added) && !self->disposed)
    recover_open (self);
}

static void
history_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryQueue *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!ferry_history_load_finish (FERRY_HISTORY (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* What waits for a pool is recovered when it connects. */
  if (!self->recovering)
    {
      self->recovering = TRUE;
      watch_caches (self, 0, g_list_model_get_n_items (self->connections));
      g_signal_connect_object (self->connections, "items-changed", G_CALLBACK (on_connections_changed_cb), self, 0);
    }
  g_task_return_int (task, recover_open (self));
}

void
ferry_queue_recover_async (FerryQueue          *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FERRY_IS_QUEUE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_queue_recover_async);

  if (self->history == NULL)
    {
      g_task_return_int (task, 0);
      return;
    }
  ferry_history_load_async (self->history, cancellable, history_loaded_cb, g_steal_pointer (&task));
}

guint
ferry_queue_recover_finish (FerryQueue    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  gssize n;

  g_return_val_if_fail (FERRY_IS_QUEUE (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  n = g_task_propagate_int (G_TASK (result), error);
  return n > 0 ? (guint) n : 0;
}
