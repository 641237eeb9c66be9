/* ferry-job.c: one operation of the queue (one VM, or one disk move)
 *
 * One attempt of a job:
 *
 *   CHECKING  read where the VM is, from the server (ferry-recovery.c).
 *             A migration of it already running: if it is this job's own
 *             task (its other_config says so) follow it, else wait; never
 *             start a second one. Already at the destination: done.
 *             Then ask the server: VM.assert_can_boot_here (O1, O5) or
 *             host.migrate_receive + VM.assert_can_migrate with the real
 *             maps (O2, O4).
 *   RUNNING   Async.VM.pool_migrate / Async.VM.migrate_send /
 *             Async.VDI.pool_migrate (O3, one disk after the other). The
 *             task gets the plan, job and VM in its other_config and is
 *             journalled by ref; the job follows it through the
 *             connection's events, across reconnects.
 *   after     success: read the task's record (the simulator's stats),
 *             teach the estimator the rate, set the home server.
 *             failure: read where the VM is now and say so; a transient
 *             error with the VM still running on its source is retried
 *             with back-off, TOO_MANY_STORAGE_MIGRATES only waits; a
 *             start call whose answer was lost is never sent again before
 *             the VM's current operations show it did not run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-job"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>

#include "ferry-error.h"
#include "ferry-host.h"
#include "ferry-job-private.h"
#include "ferry-network.h"
#include "ferry-plan-private.h"
#include "ferry-pool.h"
#include "ferry-relay.h"
#include "ferry-sr.h"
#include "ferry-task-follower.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vif.h"
#include "ferry-vm.h"

G_DEFINE_ENUM_TYPE (FerryJobState, ferry_job_state,
  G_DEFINE_ENUM_VALUE (FERRY_JOB_QUEUED, "queued"),
  G_DEFINE_ENUM_VALUE (FERRY_JOB_WAITING, "waiting"),
  G_DEFINE_ENUM_VALUE (FERRY_JOB_CHECKING, "checking"),
  G_DEFINE_ENUM_VALUE (FERRY_JOB_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (FERRY_JOB_CANCELLING, "cancelling"),
  G_DEFINE_ENUM_VALUE (FERRY_JOB_SUCCEEDED, "succeeded"),
  G_DEFINE_ENUM_VALUE (FERRY_JOB_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (FERRY_JOB_CANCELLED, "cancelled"))

struct _FerryJob
{
  GObject            parent_instance;

  char              *id;
  FerryPlan         *plan;
  FerryPlanItem     *item;
  guint              index;
  GListModel        *connections;
  FerryHistory      *history;
  FerryEstimator    *estimator;
  FerryJobSettings   settings;

  FerryJobState      state;
  char              *phase;
  double             progress;
  double             rate;
  double             eta;
  char              *from_text;
  char              *to_text;
  GError            *error;
  FerryCheck        *check;
  FerryVmLocation   *location;
  FerryEstimate     *estimate;
  char              *task_ref;
  gboolean           held;
  gboolean           can_cancel;
  guint              attempts;
  guint              n_starts;
  gboolean           cancel_requested;
  gboolean           abandoned;
  gboolean           already_there;
  guint              tagging;         /* tag chains still out */
  char              *destroy_pending; /* task to destroy once tagged */
  gint64             retry_at;        /* monotonic µs; 0: none */
  guint              retry_id;
  GCancellable      *cancellable;     /* this attempt's calls */
  GCancellable      *follow_cancellable;
  gint64             started_mono;
  GDateTime         *started_at;
  double             duration;

  /* The attempt */
  FerryConnection   *src;
  FerryConnection   *dst;
  char              *vm_ref;
  gboolean           live;
  JsonNode          *dest_map;       /* host.migrate_receive's answer */
  FerryConnection   *task_connection;
  FerryTaskFollower *follower;
  guint              disk_index;     /* O3: the moving disk being moved */
  guint              n_disk_moves;
  char              *result_ref;     /* a cross-pool move's new VM ref */
  JsonObject        *task_record;    /* the finished task, for its stats */
  FerryRelay        *relay;          /* a move through this computer */
};

enum {
  PROP_0,
  PROP_ID,
  PROP_STATE,
  PROP_PHASE,
  PROP_PROGRESS,
  PROP_RATE,
  PROP_ETA,
  PROP_ERROR,
  PROP_CHECK,
  PROP_LOCATION,
  PROP_CAN_UNPAUSE,
  PROP_VM_NAME,
  PROP_FROM,
  PROP_TO,
  PROP_OPERATION,
  PROP_TASK_REF,
  PROP_HELD,
  PROP_CAN_CANCEL,
  PROP_ATTEMPTS,
  PROP_PLAN,
  PROP_ITEM,
  N_PROPS
};

enum {
  SIGNAL_FINISHED,
  SIGNAL_REQUEUED,
  N_SIGNALS
};

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

G_DEFINE_FINAL_TYPE (FerryJob, ferry_job, G_TYPE_OBJECT)

static void check_where      (FerryJob *self);
static void run              (FerryJob *self);
static void follow           (FerryJob *self,
                              FerryConnection   *connection,
                              FerryTaskFollower *follower);
static void handle_failure   (FerryJob *self,
                              const GError *error);
static void destroy_task     (FerryJob *self);

const char *
ferry_job_state_to_string (FerryJobState state)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (FERRY_TYPE_JOB_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  return value ? value->value_nick : "";
}

gboolean
ferry_job_state_is_final (FerryJobState state)
{
  return state == FERRY_JOB_SUCCEEDED || state == FERRY_JOB_FAILED || state == FERRY_JOB_CANCELLED;
}

/* GObject ------------------------------------------------------------------ */

static void
clear_attempt (FerryJob *self)
{
  g_clear_object (&self->src);
  g_clear_object (&self->dst);
  g_clear_pointer (&self->vm_ref, g_free);
  g_clear_pointer (&self->dest_map, json_node_unref);
  if (self->relay != NULL)
    g_signal_handlers_disconnect_by_data (self->relay, self);
  g_clear_object (&self->relay);
}

static void
drop_follower (FerryJob *self)
{
  if (self->follower != NULL)
    g_signal_handlers_disconnect_by_data (self->follower, self);
  g_clear_object (&self->follower);
}

static void
ferry_job_dispose (GObject *object)
{
  FerryJob *self = (FerryJob *)object;

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->follow_cancellable);
  drop_follower (self);

  G_OBJECT_CLASS (ferry_job_parent_class)->dispose (object);
}

static void
ferry_job_finalize (GObject *object)
{
  FerryJob *self = (FerryJob *)object;

  clear_attempt (self);
  g_free (self->id);
  g_clear_object (&self->plan);
  g_clear_object (&self->item);
  g_clear_object (&self->connections);
  g_clear_object (&self->history);
  g_clear_object (&self->estimator);
  g_free (self->phase);
  g_free (self->from_text);
  g_free (self->to_text);
  g_clear_error (&self->error);
  g_clear_object (&self->check);
  g_clear_pointer (&self->location, ferry_vm_location_free);
  g_clear_pointer (&self->estimate, ferry_estimate_free);
  g_free (self->task_ref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->follow_cancellable);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_object (&self->task_connection);
  g_free (self->result_ref);
  g_free (self->destroy_pending);
  g_clear_pointer (&self->task_record, json_object_unref);

  G_OBJECT_CLASS (ferry_job_parent_class)->finalize (object);
}

static void
ferry_job_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FerryJob *self = FERRY_JOB (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PHASE:
      g_value_set_string (value, self->phase);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;
    case PROP_ETA:
      g_value_set_double (value, self->eta);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_CHECK:
      g_value_set_object (value, self->check);
      break;
    case PROP_LOCATION:
      g_value_set_boxed (value, self->location);
      break;
    case PROP_CAN_UNPAUSE:
      g_value_set_boolean (value, ferry_job_get_can_unpause (self));
      break;
    case PROP_VM_NAME:
      g_value_set_string (value, ferry_plan_item_get_vm_name (self->item));
      break;
    case PROP_FROM:
      g_value_set_string (value, self->from_text);
      break;
    case PROP_TO:
      g_value_set_string (value, self->to_text);
      break;
    case PROP_OPERATION:
      g_value_set_enum (value, ferry_plan_item_get_operation (self->item));
      break;
    case PROP_TASK_REF:
      g_value_set_string (value, self->task_ref);
      break;
    case PROP_HELD:
      g_value_set_boolean (value, self->held);
      break;
    case PROP_CAN_CANCEL:
      g_value_set_boolean (value, ferry_job_get_can_cancel (self));
      break;
    case PROP_ATTEMPTS:
      g_value_set_uint (value, self->attempts);
      break;
    case PROP_PLAN:
      g_value_set_object (value, self->plan);
      break;
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_job_class_init (FerryJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ferry_job_dispose;
  object_class->finalize = ferry_job_finalize;
  object_class->get_property = ferry_job_get_property;

  properties [PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties [PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, FERRY_TYPE_JOB_STATE, FERRY_JOB_QUEUED, ro);
  properties [PROP_PHASE] = g_param_spec_string ("phase", NULL, NULL, NULL, ro);
  properties [PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0, ro);
  properties [PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, -1.0, G_MAXDOUBLE, -1.0, ro);
  properties [PROP_ETA] = g_param_spec_double ("eta", NULL, NULL, -1.0, G_MAXDOUBLE, -1.0, ro);
  properties [PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, ro);
  properties [PROP_CHECK] = g_param_spec_object ("check", NULL, NULL, FERRY_TYPE_CHECK, ro);
  properties [PROP_LOCATION] = g_param_spec_boxed ("location", NULL, NULL, FERRY_TYPE_VM_LOCATION, ro);
  properties [PROP_CAN_UNPAUSE] = g_param_spec_boolean ("can-unpause", NULL, NULL, FALSE, ro);
  properties [PROP_VM_NAME] = g_param_spec_string ("vm-name", NULL, NULL, NULL, ro);
  properties [PROP_FROM] = g_param_spec_string ("from", NULL, NULL, NULL, ro);
  properties [PROP_TO] = g_param_spec_string ("to", NULL, NULL, NULL, ro);
  properties [PROP_OPERATION] = g_param_spec_enum ("operation", NULL, NULL, FERRY_TYPE_OPERATION,
                                                   FERRY_OPERATION_AUTO, ro);
  properties [PROP_TASK_REF] = g_param_spec_string ("task-ref", NULL, NULL, NULL, ro);
  properties [PROP_HELD] = g_param_spec_boolean ("held", NULL, NULL, FALSE, ro);
  properties [PROP_CAN_CANCEL] = g_param_spec_boolean ("can-cancel", NULL, NULL, FALSE, ro);
  properties [PROP_ATTEMPTS] = g_param_spec_uint ("attempts", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties [PROP_PLAN] = g_param_spec_object ("plan", NULL, NULL, FERRY_TYPE_PLAN, ro);
  properties [PROP_ITEM] = g_param_spec_object ("item", NULL, NULL, FERRY_TYPE_PLAN_ITEM, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The job reached its final state. */
  signals [SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /* The job went back to waiting (its slot is free; see the phase). */
  signals [SIGNAL_REQUEUED] =
    g_signal_new ("requeued", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ferry_job_init (FerryJob *self)
{
  self->rate = -1.0;
  self->eta = -1.0;
  self->duration = -1.0;
  self->follow_cancellable = g_cancellable_new ();
}

FerryJob *
_ferry_job_new (FerryPlan              *plan,
                FerryPlanItem          *item,
                guint                   index,
                const char             *id,
                GListModel             *connections,
                FerryHistory           *history,
                FerryEstimator         *estimator,
                const FerryJobSettings *settings)
{
  FerryJob *self = g_object_new (FERRY_TYPE_JOB, NULL);

  self->id = id ? g_strdup (id) : _ferry_new_uuid ();
  self->plan = g_object_ref (plan);
  self->item = g_object_ref (item);
  self->index = index;
  self->connections = g_object_ref (connections);
  self->history = history ? g_object_ref (history) : NULL;
  self->estimator = estimator ? g_object_ref (estimator) : NULL;
  self->settings = *settings;
  self->from_text = ferry_plan_item_dup_from_text (item);
  self->to_text = ferry_plan_item_dup_to_text (item);
  self->phase = g_strdup (_("Queued"));
  if (ferry_plan_item_get_estimate (item) != NULL)
    self->estimate = ferry_estimate_copy (ferry_plan_item_get_estimate (item));
  else if (estimator != NULL)
    self->estimate = ferry_estimator_estimate_item (estimator, plan, item, 1);

  for (guint i = 0; i < ferry_plan_item_get_n_disks (item); i++)
    {
      const FerryPlanDisk *disk = ferry_plan_item_get_disk (item, i);

      self->n_disk_moves += disk->moves && disk->snapshot_of == NULL;
    }

  return self;
}

/* Accessors ---------------------------------------------------------------- */

const char *
ferry_job_get_id (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), NULL);
  return self->id;
}

FerryPlan *
ferry_job_get_plan (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), NULL);
  return self->plan;
}

FerryPlanItem *
ferry_job_get_item (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), NULL);
  return self->item;
}

FerryJobState
ferry_job_get_state (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), FERRY_JOB_QUEUED);
  return self->state;
}

gboolean
ferry_job_is_finished (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), FALSE);
  return ferry_job_state_is_final (self->state);
}

const char *
ferry_job_get_phase (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), NULL);
  return self->phase;
}

double
ferry_job_get_progress (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), 0.0);
  return self->progress;
}

double
ferry_job_get_rate (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), -1.0);
  return self->rate;
}

double
ferry_job_get_eta (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), -1.0);
  return self->eta;
}

const char *
ferry_job_get_vm_name (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), NULL);
  return ferry_plan_item_get_vm_name (self->item);
}

const char *
ferry_job_get_from (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), NULL);
  return self->from_text;
}

const char *
ferry_job_get_to (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), NULL);
  return self->to_text;
}

FerryOperation
ferry_job_get_operation (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), FERRY_OPERATION_AUTO);
  return ferry_plan_item_get_operation (self->item);
}

const char *
ferry_job_get_task_ref (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), NULL);
  return self->task_ref;
}

gboolean
ferry_job_get_held (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), FALSE);
  return self->held;
}

gboolean
ferry_job_get_can_cancel (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), FALSE);

  switch (self->state)
    {
    case FERRY_JOB_QUEUED:
    case FERRY_JOB_WAITING:
    case FERRY_JOB_CHECKING:
      return TRUE;
    case FERRY_JOB_RUNNING:
      return self->follower == NULL || self->can_cancel;
    case FERRY_JOB_CANCELLING:
    case FERRY_JOB_SUCCEEDED:
    case FERRY_JOB_FAILED:
    case FERRY_JOB_CANCELLED:
    default:
      return FALSE;
    }
}

guint
ferry_job_get_attempts (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), 0);
  return self->attempts;
}

guint
ferry_job_get_n_starts (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), 0);
  return self->n_starts;
}

const GError *
ferry_job_get_error (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), NULL);
  return self->error;
}

FerryCheck *
ferry_job_get_check (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), NULL);
  return self->check;
}

const FerryVmLocation *
ferry_job_get_location (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), NULL);
  return self->location;
}

gboolean
ferry_job_get_can_unpause (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), FALSE);
  return ferry_job_state_is_final (self->state) && ferry_vm_location_can_unpause (self->location);
}

const FerryEstimate *
ferry_job_get_estimate (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), NULL);
  return self->estimate;
}

double
ferry_job_get_duration (FerryJob *self)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), -1.0);
  return self->duration;
}

guint
_ferry_job_get_index (FerryJob *self)
{
  return self->index;
}

FerrySlotKind
_ferry_job_get_slot_kind (FerryJob *self)
{
  switch (ferry_plan_item_get_operation (self->item))
    {
    case FERRY_OPERATION_EVACUATE:
      return FERRY_SLOT_EVACUATE;
    case FERRY_OPERATION_MOVE_DISK:
      return FERRY_SLOT_DISK;
    case FERRY_OPERATION_STORAGE_MIGRATE:
    case FERRY_OPERATION_MOVE_HALTED:
      return FERRY_SLOT_STORAGE;
    case FERRY_OPERATION_LIVE_MIGRATE:
    case FERRY_OPERATION_AUTO:
    default:
      return FERRY_SLOT_LIVE;
    }
}

const char *
_ferry_job_get_slot_host (FerryJob *self)
{
  const char *host = ferry_plan_item_get_from_host_uuid (self->item);

  return host ? host : ferry_plan_item_get_from_pool_uuid (self->item);
}

gboolean
_ferry_job_is_ready (FerryJob *self)
{
  return !self->abandoned && !self->held && self->retry_id == 0 &&
         (self->state == FERRY_JOB_QUEUED || self->state == FERRY_JOB_WAITING);
}

gboolean
_ferry_job_is_active (FerryJob *self)
{
  return self->state == FERRY_JOB_CHECKING || self->state == FERRY_JOB_RUNNING ||
         self->state == FERRY_JOB_CANCELLING;
}

/* State -------------------------------------------------------------------- */

static void
set_phase (FerryJob   *self,
           const char *phase)
{
  if (g_strcmp0 (self->phase, phase) == 0)
    return;
  g_free (self->phase);
  self->phase = g_strdup (phase);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PHASE]);
}

static void
set_state (FerryJob      *self,
           FerryJobState  state,
           const char    *phase)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != state)
    {
      g_assert (!ferry_job_state_is_final (self->state));
      g_debug ("Job %s (%s): %s", self->id, ferry_plan_item_get_vm_name (self->item),
               ferry_job_state_to_string (state));
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STATE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CAN_CANCEL]);
    }
  if (phase != NULL)
    set_phase (self, phase);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_progress (FerryJob *self,
              double    progress)
{
  double elapsed;
  double bytes = 0;

  progress = CLAMP (progress, 0.0, 1.0);
  if (progress <= self->progress)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PROGRESS]);

  elapsed = self->started_mono ? (g_get_monotonic_time () - self->started_mono) / (double) G_USEC_PER_SEC : 0.0;
  if (self->estimate != NULL)
    bytes = (self->estimate->bytes_min + self->estimate->bytes_max) / 2.0;
  if (elapsed > 0.0 && bytes > 0.0)
    {
      self->rate = bytes * progress / elapsed;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_RATE]);
    }
  if (elapsed > 0.0 && progress >= 0.01)
    {
      self->eta = elapsed * (1.0 - progress) / progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ETA]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_location (FerryJob              *self,
              const FerryVmLocation *location)
{
  g_clear_pointer (&self->location, ferry_vm_location_free);
  self->location = location ? ferry_vm_location_copy (location) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LOCATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CAN_UNPAUSE]);
}

static FerryCache *
cache_of (FerryConnection *connection)
{
  return connection ? ferry_connection_get_cache (connection) : NULL;
}

static void
set_failure (FerryJob     *self,
             const GError *error,
             FerryCheck   *check)
{
  g_clear_error (&self->error);
  self->error = g_error_copy (error);
  g_clear_object (&self->check);
  self->check = check ? g_object_ref (check)
                      : ferry_check_new_from_error (error, cache_of (self->src), cache_of (self->dst));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ERROR]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CHECK]);
}

/* The journal -------------------------------------------------------------- */

static void
journal (FerryJob   *self,
         JsonObject *record)
{
  g_autoptr(GError) error = NULL;

  if (self->history == NULL || self->abandoned)
    return;
  if (!ferry_history_append (self->history, record, &error))
    g_warning ("Could not journal job %s: %s", self->id, error->message);
}

static JsonObject *
record_new (FerryJob   *self,
            const char *type)
{
  JsonObject *record = json_object_new ();

  json_object_set_string_member (record, "type", type);
  json_object_set_string_member (record, "job", self->id);
  json_object_set_string_member (record, "plan", ferry_plan_get_id (self->plan));
  return record;
}

static JsonObject *
place_json (const char *pool_uuid,
            const char *pool_name,
            const char *host_uuid,
            const char *host_name)
{
  JsonObject *place = json_object_new ();

  json_object_set_member (place, "pool", _ferry_json_ref_new (pool_uuid, pool_name));
  json_object_set_member (place, "host", _ferry_json_ref_new (host_uuid, host_name));
  return place;
}

static char *
dup_who (FerryJob *self)
{
  FerryConnection *connection = self->src ? self->src
                              : _ferry_connections_find_pool (self->connections,
                                                              ferry_plan_item_get_from_pool_uuid (self->item));

  return _ferry_connection_dup_who (connection);
}

static void
add_identity (FerryJob   *self,
              JsonObject *record)
{
  FerryPlanItem *item = self->item;
  g_autofree char *who = dup_who (self);

  json_object_set_string_member (record, "who", who);
  json_object_set_member (record, "vm", _ferry_json_ref_new (ferry_plan_item_get_vm_uuid (item),
                                                             ferry_plan_item_get_vm_name (item)));
  json_object_set_string_member (record, "operation", _ferry_operation_name (ferry_plan_item_get_operation (item)));
  json_object_set_object_member (record, "from",
                                 place_json (ferry_plan_item_get_from_pool_uuid (item),
                                             ferry_plan_item_get_from_pool_name (item),
                                             ferry_plan_item_get_from_host_uuid (item),
                                             ferry_plan_item_get_from_host_name (item)));
  json_object_set_object_member (record, "to",
                                 place_json (ferry_plan_item_get_to_pool_uuid (item),
                                             ferry_plan_item_get_to_pool_name (item),
                                             ferry_plan_item_get_to_host_uuid (item),
                                             ferry_plan_item_get_to_host_name (item)));
}

void
_ferry_job_journal_queued (FerryJob *self)
{
  g_autoptr(JsonObject) record = record_new (self, "queued");

  json_object_set_int_member (record, "item", self->index);
  add_identity (self, record);
  journal (self, record);
}

static void
journal_start (FerryJob *self)
{
  g_autoptr(JsonObject) record = record_new (self, "start");
  g_autofree char *who = dup_who (self);

  json_object_set_string_member (record, "task", self->task_ref);
  json_object_set_string_member (record, "pool", _ferry_cache_get_pool_uuid (cache_of (self->task_connection)));
  json_object_set_string_member (record, "who", who);
  journal (self, record);
}

static double
task_stat (FerryJob   *self,
           const char *key)
{
  JsonObject *other = _ferry_json_get_object (self->task_record, "other_config");
  const char *text = _ferry_json_get_string (other, key);
  double value = text ? g_ascii_strtod (text, NULL) : -1.0;

  /* The server's word, but still a number that fits. */
  return isfinite (value) && value >= 0 && value < 1e18 ? value : -1.0;
}

static JsonObject *
maps_json (FerryJob *self)
{
  JsonObject *maps = json_object_new ();
  JsonArray *disks = json_array_new ();
  JsonArray *vifs = json_array_new ();

  for (guint i = 0; i < ferry_plan_item_get_n_disks (self->item); i++)
    {
      const FerryPlanDisk *disk = ferry_plan_item_get_disk (self->item, i);
      JsonObject *d = json_object_new ();

      json_object_set_member (d, "vdi", _ferry_json_ref_new (disk->vdi_uuid, disk->vdi_name));
      if (disk->userdevice != NULL)
        json_object_set_string_member (d, "userdevice", disk->userdevice);
      else
        json_object_set_null_member (d, "userdevice");
      json_object_set_member (d, "from_sr", _ferry_json_ref_new (disk->from_sr_uuid, disk->from_sr_name));
      json_object_set_member (d, "to_sr", _ferry_json_ref_new (disk->to_sr_uuid, disk->to_sr_name));
      if (disk->snapshot_of != NULL)
        json_object_set_string_member (d, "snapshot_of", disk->snapshot_of);
      json_array_add_object_element (disks, d);
    }
  for (guint i = 0; i < ferry_plan_item_get_n_vifs (self->item); i++)
    {
      const FerryPlanVif *vif = ferry_plan_item_get_vif (self->item, i);
      JsonObject *v = json_object_new ();

      json_object_set_member (v, "vif", _ferry_json_ref_new (vif->vif_uuid, vif->device));
      json_object_set_string_member (v, "device", vif->device ? vif->device : "");
      json_object_set_member (v, "from_network", _ferry_json_ref_new (vif->from_network_uuid, vif->from_network_name));
      json_object_set_member (v, "to_network", _ferry_json_ref_new (vif->to_network_uuid, vif->to_network_name));
      json_array_add_object_element (vifs, v);
    }
  json_object_set_array_member (maps, "disks", disks);
  json_object_set_array_member (maps, "vifs", vifs);
  return maps;
}

static const char *
outcome_name (FerryJobState state)
{
  switch (state)
    {
    case FERRY_JOB_SUCCEEDED:
      return "succeeded";
    case FERRY_JOB_CANCELLED:
      return "cancelled";
    case FERRY_JOB_FAILED:
    case FERRY_JOB_QUEUED:
    case FERRY_JOB_WAITING:
    case FERRY_JOB_CHECKING:
    case FERRY_JOB_RUNNING:
    case FERRY_JOB_CANCELLING:
    default:
      return "failed";
    }
}

/* What the move teaches the estimator, also journalled. */
static JsonObject *
learn (FerryJob *self)
{
  double seconds = task_stat (self, "sim_duration_s");
  double bytes = task_stat (self, "sim_bytes_sent");
  const char *network = ferry_plan_item_get_network_uuid (self->item);
  JsonObject *learned;

  if (self->already_there || network == NULL)
    return NULL;
  if (seconds <= 0)
    seconds = self->duration;
  if (bytes <= 0 && self->estimate != NULL)
    bytes = (self->estimate->bytes_min + self->estimate->bytes_max) / 2.0;
  if (seconds <= 0 || bytes <= 0)
    return NULL;

  if (self->estimator != NULL)
    ferry_estimator_learn (self->estimator, network, ferry_plan_item_get_network_name (self->item),
                           (gint64) bytes, seconds);

  learned = json_object_new ();
  json_object_set_member (learned, "network", _ferry_json_ref_new (network, ferry_plan_item_get_network_name (self->item)));
  json_object_set_int_member (learned, "bytes", (gint64) bytes);
  json_object_set_double_member (learned, "seconds", seconds);
  return learned;
}

static void
journal_end (FerryJob *self)
{
  g_autoptr(JsonObject) record = record_new (self, "end");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *finished = _ferry_format_time (now);
  g_autofree char *started = _ferry_format_time (self->started_at);
  JsonObject *options = json_object_new ();
  JsonObject *actual = json_object_new ();
  JsonObject *learned = NULL;
  double sim_duration = task_stat (self, "sim_duration_s");
  double sim_downtime = task_stat (self, "sim_downtime_s");
  double sim_bytes = task_stat (self, "sim_bytes_sent");

  json_object_set_string_member (record, "outcome", outcome_name (self->state));
  add_identity (self, record);
  json_object_set_object_member (record, "maps", maps_json (self));

  json_object_set_string_member (options, "compression",
                                 ferry_plan_get_compression (self->plan) == FERRY_COMPRESSION_ON ? "on"
                                 : ferry_plan_get_compression (self->plan) == FERRY_COMPRESSION_OFF ? "off"
                                 : "pool-default");
  json_object_set_boolean_member (options, "compressed", ferry_plan_get_effective_compression (self->plan));
  json_object_set_boolean_member (options, "force", ferry_plan_get_force (self->plan));
  json_object_set_member (options, "network", _ferry_json_ref_new (ferry_plan_item_get_network_uuid (self->item),
                                                                   ferry_plan_item_get_network_name (self->item)));
  if (ferry_plan_get_home_server_uuid (self->plan) != NULL)
    json_object_set_member (options, "home_server", _ferry_json_ref_new (ferry_plan_get_home_server_uuid (self->plan),
                                                                         ferry_plan_get_home_server_name (self->plan)));
  json_object_set_object_member (record, "options", options);

  if (self->estimate != NULL)
    json_object_set_member (record, "predicted", ferry_estimate_to_json (self->estimate));
  else
    json_object_set_null_member (record, "predicted");

  json_object_set_double_member (actual, "duration", sim_duration > 0 ? sim_duration : self->duration);
  if (sim_duration > 0)
    json_object_set_double_member (actual, "wall_duration", self->duration);
  if (sim_downtime >= 0)
    json_object_set_double_member (actual, "downtime", sim_downtime);
  else
    json_object_set_null_member (actual, "downtime");
  if (sim_bytes >= 0)
    json_object_set_int_member (actual, "bytes", (gint64) sim_bytes);
  else
    json_object_set_null_member (actual, "bytes");
  if (started != NULL)
    json_object_set_string_member (actual, "started", started);
  else
    json_object_set_null_member (actual, "started");
  json_object_set_string_member (actual, "finished", finished);
  json_object_set_boolean_member (actual, "already_there", self->already_there);
  json_object_set_object_member (record, "actual", actual);

  if (self->error != NULL)
    {
      JsonObject *error = json_object_new ();
      JsonArray *params = json_array_new ();
      const char *code = ferry_xapi_error_get_name (self->error);

      if (code != NULL)
        {
          const char * const *p = ferry_xapi_error_get_params (self->error);

          json_object_set_string_member (error, "code", code);
          for (guint i = 0; p != NULL && p[i] != NULL; i++)
            json_array_add_string_element (params, p[i]);
        }
      else
        json_object_set_null_member (error, "code");
      json_object_set_array_member (error, "params", params);
      json_object_set_string_member (error, "message",
                                     self->check ? ferry_check_get_message (self->check) : self->error->message);
      if (self->check != NULL && ferry_check_get_remedy (self->check) != NULL)
        json_object_set_string_member (error, "remedy", ferry_check_get_remedy (self->check));
      if (self->check != NULL)
        json_object_set_string_member (error, "rule", ferry_check_get_rule_id (self->check));
      json_object_set_object_member (record, "error", error);
    }
  else
    json_object_set_null_member (record, "error");

  if (self->location != NULL)
    {
      JsonObject *location = json_object_new ();

      json_object_set_string_member (location, "state", ferry_vm_where_to_string (self->location->where));
      json_object_set_string_member (location, "text", self->location->text ? self->location->text : "");
      if (self->location->host_name != NULL)
        json_object_set_member (location, "host", _ferry_json_ref_new (self->location->host_uuid,
                                                                       self->location->host_name));
      json_object_set_object_member (record, "location", location);
    }
  else
    json_object_set_null_member (record, "location");

  if (self->state == FERRY_JOB_SUCCEEDED)
    learned = learn (self);
  if (learned != NULL)
    json_object_set_object_member (record, "learned", learned);
  else
    json_object_set_null_member (record, "learned");

  if (self->task_ref != NULL)
    json_object_set_string_member (record, "task", self->task_ref);
  else
    json_object_set_null_member (record, "task");

  journal (self, record);
}

/* Ending ------------------------------------------------------------------- */

static void
finish (FerryJob      *self,
        FerryJobState  state,
        const char    *phase)
{
  if (self->abandoned || ferry_job_state_is_final (self->state))
    return;

  g_object_ref (self);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->started_mono != 0)
    self->duration = (g_get_monotonic_time () - self->started_mono) / (double) G_USEC_PER_SEC;
  if (state == FERRY_JOB_SUCCEEDED)
    set_progress (self, 1.0);
  self->eta = state == FERRY_JOB_SUCCEEDED ? 0.0 : -1.0;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ETA]);

  g_object_freeze_notify (G_OBJECT (self));
  self->state = state;
  set_phase (self, phase);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CAN_CANCEL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CAN_UNPAUSE]);
  g_object_thaw_notify (G_OBJECT (self));

  journal_end (self);
  drop_follower (self);
  clear_attempt (self);

  g_debug ("Job %s (%s) ended %s: %s", self->id, ferry_plan_item_get_vm_name (self->item),
           ferry_job_state_to_string (state), phase);
  g_signal_emit (self, signals [SIGNAL_FINISHED], 0);
  g_object_unref (self);
}

static void
fail (FerryJob     *self,
      const GError *error,
      FerryCheck   *check)
{
  g_autofree char *phase = NULL;

  set_failure (self, error, check);
  phase = g_strdup (ferry_check_get_message (self->check));
  finish (self, FERRY_JOB_FAILED, phase);
}

static void
fail_literal (FerryJob   *self,
              const char *rule_id,
              const char *message,
              const char *remedy)
{
  g_autoptr(GError) error = g_error_new_literal (FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_NOT_FOUND, message);
  g_autoptr(FerryCheck) check = ferry_check_new (rule_id, FERRY_CHECK_SEVERITY_BLOCKER, message, remedy);

  fail (self, error, check);
}

void
_ferry_job_fail (FerryJob     *self,
                 const GError *error)
{
  g_return_if_fail (FERRY_IS_JOB (self));
  g_return_if_fail (error != NULL);

  fail (self, error, NULL);
}

static void
succeed (FerryJob   *self,
         const char *phase)
{
  finish (self, FERRY_JOB_SUCCEEDED, phase ? phase : _("Done"));
}

static void
cancelled (FerryJob *self)
{
  finish (self, FERRY_JOB_CANCELLED,
          self->task_ref ? _("Cancelled on the server") : _("Cancelled before it started"));
}

/* Errors ------------------------------------------------------------------- */

static gboolean
is_busy (const GError *error)
{
  return ferry_xapi_error_has_name (error, "TOO_MANY_STORAGE_MIGRATES");
}

static gboolean
is_transient (const GError *error)
{
  static const char * const codes[] = {
    "TOO_MANY_STORAGE_MIGRATES",
    "OTHER_OPERATION_IN_PROGRESS",
    "CANNOT_CONTACT_HOST",
    "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED",
    "HOST_STILL_BOOTING",
    "HOST_OFFLINE",
    "BALLOONING_TIMEOUT_BEFORE_MIGRATION",
    "SESSION_INVALID",
    "EVENTS_LOST",
  };

  if (error->domain == FERRY_RPC_ERROR)
    return error->code == FERRY_RPC_ERROR_CONNECTION ||
           error->code == FERRY_RPC_ERROR_CONNECTION_LOST ||
           error->code == FERRY_RPC_ERROR_TIMEOUT ||
           error->code == FERRY_RPC_ERROR_NOT_CONNECTED ||
           error->code == FERRY_RPC_ERROR_NO_MASTER ||
           error->code == FERRY_RPC_ERROR_HTTP;

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (ferry_xapi_error_has_name (error, codes[i]))
      return TRUE;
  return FALSE;
}

static gboolean
on_retry_due_cb (gpointer user_data)
{
  FerryJob *self = user_data;

  self->retry_id = 0;
  self->retry_at = 0;
  if (!self->abandoned && self->state == FERRY_JOB_WAITING)
    g_signal_emit (self, signals [SIGNAL_REQUEUED], 0);
  return G_SOURCE_REMOVE;
}

/* Back to WAITING for @delay seconds; the slot is free meanwhile. */
static void
requeue (FerryJob   *self,
         double      delay,
         const char *why)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  drop_follower (self);
  clear_attempt (self);
  g_clear_pointer (&self->task_ref, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TASK_REF]);

  set_state (self, FERRY_JOB_WAITING, why);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (delay > 0)
    {
      self->retry_at = g_get_monotonic_time () + (gint64) (delay * G_USEC_PER_SEC);
      self->retry_id = g_timeout_add ((guint) MAX (delay * 1000.0, 1.0), on_retry_due_cb, self);
    }
  g_signal_emit (self, signals [SIGNAL_REQUEUED], 0);
}

static void
retry_later (FerryJob     *self,
             const GError *error,
             gboolean      counts)
{
  double delay;
  g_autofree char *when = NULL;
  g_autofree char *why = NULL;
  g_autoptr(FerryCheck) check = ferry_check_new_from_error (error, cache_of (self->src), cache_of (self->dst));

  if (!counts && self->attempts > 0)
    self->attempts--;

  if (counts && self->attempts > self->settings.max_retries)
    {
      fail (self, error, NULL);
      return;
    }

  delay = is_busy (error) || !counts
        ? self->settings.retry_delay
        : self->settings.retry_delay * pow (2.0, MAX ((int) self->attempts - 1, 0));
  when = ferry_format_duration (delay);
  if (is_busy (error))
    why = g_strdup_printf (_("Waiting: the source host runs as many storage migrations as it can (retry in %s)"), when);
  else
    why = g_strdup_printf (_("Retrying in %s: %s"), when, ferry_check_get_message (check));
  g_debug ("Job %s: %s", self->id, why);
  requeue (self, delay, why);
}

/* Cancel ------------------------------------------------------------------- */

static void
on_cancel_sent_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FerryJob) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ferry_task_follower_cancel_finish (FERRY_TASK_FOLLOWER (object), result, &error) && !self->abandoned &&
      self->state == FERRY_JOB_CANCELLING)
    {
      g_autofree char *phase = g_strdup_printf (_("The server could not cancel it now: %s"), error->message);

      g_debug ("task.cancel of %s failed: %s", self->task_ref, error->message);
      set_phase (self, phase);
    }
}

static void
cancel_task (FerryJob *self)
{
  set_state (self, FERRY_JOB_CANCELLING, _("Cancelling"));
  ferry_task_follower_cancel_async (self->follower, NULL, on_cancel_sent_cb, g_object_ref (self));
}

void
ferry_job_cancel (FerryJob *self)
{
  g_return_if_fail (FERRY_IS_JOB (self));

  if (self->abandoned || ferry_job_state_is_final (self->state))
    return;

  self->cancel_requested = TRUE;
  switch (self->state)
    {
    case FERRY_JOB_QUEUED:
    case FERRY_JOB_WAITING:
      cancelled (self);
      break;
    case FERRY_JOB_CHECKING:
      g_cancellable_cancel (self->cancellable);
      break;
    case FERRY_JOB_RUNNING:
      if (self->relay != NULL)
        {
          /* Both tasks stop; the destination is cleaned, the source stays. */
          set_state (self, FERRY_JOB_CANCELLING, _("Cancelling"));
          ferry_relay_cancel (self->relay);
          break;
        }
      /* While the start call is out its answer is awaited: it carries the
       * task to cancel. */
      if (self->follower != NULL && !ferry_task_follower_is_completed (self->follower))
        cancel_task (self);
      break;
    case FERRY_JOB_CANCELLING:
    case FERRY_JOB_SUCCEEDED:
    case FERRY_JOB_FAILED:
    case FERRY_JOB_CANCELLED:
    default:
      break;
    }
}

void
_ferry_job_set_waiting (FerryJob   *self,
                        const char *why)
{
  g_return_if_fail (FERRY_IS_JOB (self));
  g_return_if_fail (self->state == FERRY_JOB_QUEUED || self->state == FERRY_JOB_WAITING);

  set_state (self, FERRY_JOB_WAITING, why);
}

void
_ferry_job_set_held (FerryJob *self,
                     gboolean  held)
{
  g_return_if_fail (FERRY_IS_JOB (self));

  held = !!held;
  if (self->held == held)
    return;
  self->held = held;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_HELD]);
  if (self->state == FERRY_JOB_QUEUED || self->state == FERRY_JOB_WAITING)
    set_state (self, FERRY_JOB_QUEUED, held ? _("On hold") : _("Queued"));
}

void
_ferry_job_abandon (FerryJob *self)
{
  g_return_if_fail (FERRY_IS_JOB (self));

  self->abandoned = TRUE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->follow_cancellable);
  drop_follower (self);
}

/* Looking things up -------------------------------------------------------- */

static const char *
ref_of (FerryConnection *connection,
        GType            type,
        const char      *uuid)
{
  FerryObject *object = _ferry_cache_find_uuid (cache_of (connection), type, uuid);

  return object ? ferry_object_get_ref (object) : NULL;
}

/* The VM's disks, where the plan puts them, as refs. */
static gboolean
build_vdi_map (FerryJob        *self,
               GVariantBuilder *builder)
{
  FerryConnection *target = ferry_plan_item_is_cross_pool (self->item) ? self->dst : self->src;

  for (guint i = 0; i < ferry_plan_item_get_n_disks (self->item); i++)
    {
      const FerryPlanDisk *disk = ferry_plan_item_get_disk (self->item, i);
      const char *vdi;
      const char *sr;

      if (disk->snapshot_of != NULL)
        continue;
      vdi = ref_of (self->src, FERRY_TYPE_VDI, disk->vdi_uuid);
      sr = ref_of (target, FERRY_TYPE_SR, disk->to_sr_uuid);
      if (vdi == NULL || sr == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("The disk %s of %s or its SR %s is no longer there"),
                                                      disk->vdi_name, ferry_plan_item_get_vm_name (self->item),
                                                      disk->to_sr_name ? disk->to_sr_name : "?");

          fail_literal (self, "X-VDI-NOT-IN-MAP", message, _("Make the plan again."));
          return FALSE;
        }
      g_variant_builder_add (builder, "{ss}", vdi, sr);
    }
  return TRUE;
}

static gboolean
build_vif_map (FerryJob        *self,
               GVariantBuilder *builder)
{
  if (!ferry_plan_item_is_cross_pool (self->item))
    return TRUE;   /* xapi refuses a VIF map within a pool */

  for (guint i = 0; i < ferry_plan_item_get_n_vifs (self->item); i++)
    {
      const FerryPlanVif *vif = ferry_plan_item_get_vif (self->item, i);
      const char *vif_ref = ref_of (self->src, FERRY_TYPE_VIF, vif->vif_uuid);
      const char *network = ref_of (self->dst, FERRY_TYPE_NETWORK, vif->to_network_uuid);

      if (vif_ref == NULL || network == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("The interface %s of %s has no network in %s"),
                                                      vif->device, ferry_plan_item_get_vm_name (self->item),
                                                      ferry_plan_item_get_to_pool_name (self->item));

          fail_literal (self, "X-VIF-NOT-IN-MAP", message, _("Choose a network for it and make the plan again."));
          return FALSE;
        }
      g_variant_builder_add (builder, "{ss}", vif_ref, network);
    }
  return TRUE;
}

static void
build_options (FerryJob        *self,
               GVariantBuilder *builder,
               gboolean         pool_migrate)
{
  if (pool_migrate)
    {
      g_variant_builder_add (builder, "{ss}", "live", "true");
      if (ferry_plan_get_network_uuid (self->plan) != NULL)
        {
          const char *network = ref_of (self->dst, FERRY_TYPE_NETWORK, ferry_plan_get_network_uuid (self->plan));

          if (network != NULL)
            g_variant_builder_add (builder, "{ss}", "network", network);
        }
    }
  if (ferry_plan_get_force (self->plan))
    g_variant_builder_add (builder, "{ss}", "force", "true");
  if (ferry_plan_get_compression (self->plan) != FERRY_COMPRESSION_POOL_DEFAULT)
    g_variant_builder_add (builder, "{ss}", "compress",
                           ferry_plan_get_compression (self->plan) == FERRY_COMPRESSION_ON ? "true" : "false");
}

/* The destination host: the plan's, else (a halted VM) the pool's master. */
static const char *
destination_host_ref (FerryJob *self)
{
  const char *uuid = ferry_plan_item_get_to_host_uuid (self->item);
  FerryHost *master;

  if (uuid != NULL)
    return ref_of (self->dst, FERRY_TYPE_HOST, uuid);
  master = _ferry_cache_get_master (cache_of (self->dst));
  return master ? ferry_object_get_ref (FERRY_OBJECT (master)) : NULL;
}

static const char *
stream_network_ref (FerryJob *self)
{
  const char *network = ref_of (self->dst, FERRY_TYPE_NETWORK, ferry_plan_item_get_network_uuid (self->item));
  FerryNetwork *management;
  FerryObject *host;

  if (network != NULL)
    return network;
  host = ferry_cache_lookup (cache_of (self->dst), destination_host_ref (self));
  management = FERRY_IS_HOST (host) ? _ferry_host_get_management_network (FERRY_HOST (host)) : NULL;
  return management ? ferry_object_get_ref (FERRY_OBJECT (management)) : NULL;
}

/* Whether the VM's disks are on the SRs the plan wants (by position). */
static gboolean
disks_in_place (FerryJob *self)
{
  FerryConnection *target = ferry_plan_item_is_cross_pool (self->item) ? self->dst : self->src;
  FerryVm *vm = _ferry_cache_find_uuid (cache_of (target), FERRY_TYPE_VM, ferry_plan_item_get_vm_uuid (self->item));
  GListModel *vbds;

  if (vm == NULL)
    return FALSE;
  vbds = ferry_vm_get_vbds (vm);

  for (guint i = 0; i < ferry_plan_item_get_n_disks (self->item); i++)
    {
      const FerryPlanDisk *disk = ferry_plan_item_get_disk (self->item, i);
      gboolean found = FALSE;

      if (disk->snapshot_of != NULL || disk->userdevice == NULL || disk->to_sr_uuid == NULL)
        continue;
      for (guint v = 0; v < g_list_model_get_n_items (vbds) && !found; v++)
        {
          g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, v);
          FerryObject *vdi;
          FerryObject *sr;

          if (g_strcmp0 (ferry_vbd_get_userdevice (vbd), disk->userdevice) != 0)
            continue;
          vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));
          sr = FERRY_IS_VDI (vdi) ? ferry_object_lookup_ref (vdi, ferry_vdi_get_sr (FERRY_VDI (vdi))) : NULL;
          if (sr == NULL || g_strcmp0 (ferry_object_get_uuid (sr), disk->to_sr_uuid) != 0)
            return FALSE;
          found = TRUE;
        }
      if (!found)
        return FALSE;
    }
  return TRUE;
}

/* Whether the move has already happened (a retry, a restart). */
static gboolean
is_done (FerryJob              *self,
         const FerryVmLocation *location)
{
  FerryOperation op = ferry_plan_item_get_operation (self->item);
  const char *to_host = ferry_plan_item_get_to_host_uuid (self->item);
  const char *from_host = ferry_plan_item_get_from_host_uuid (self->item);

  if (location->where == FERRY_VM_WHERE_MOVING || location->where == FERRY_VM_WHERE_GONE ||
      location->where == FERRY_VM_WHERE_UNKNOWN)
    return FALSE;

  if (ferry_plan_item_is_cross_pool (self->item))
    return g_strcmp0 (location->pool_uuid, ferry_plan_item_get_to_pool_uuid (self->item)) == 0;

  switch (op)
    {
    case FERRY_OPERATION_LIVE_MIGRATE:
    case FERRY_OPERATION_EVACUATE:
      return to_host != NULL && g_strcmp0 (location->host_uuid, to_host) == 0 &&
             g_strcmp0 (from_host, to_host) != 0;
    case FERRY_OPERATION_STORAGE_MIGRATE:
      if (location->host_uuid != NULL && to_host != NULL && g_strcmp0 (location->host_uuid, to_host) != 0)
        return FALSE;
      return (g_strcmp0 (from_host, to_host) != 0 || self->n_disk_moves > 0) && disks_in_place (self);
    case FERRY_OPERATION_MOVE_DISK:
    case FERRY_OPERATION_MOVE_HALTED:
      return self->n_disk_moves > 0 && disks_in_place (self);
    case FERRY_OPERATION_AUTO:
    default:
      return FALSE;
    }
}

/* Running ------------------------------------------------------------------ */

static gboolean
check_cancelled (FerryJob     *self,
                 const GError *error)
{
  if (self->abandoned)
    return TRUE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancel_requested)
    {
      if (self->cancel_requested && (self->state == FERRY_JOB_CHECKING || self->follower == NULL))
        cancelled (self);
      return TRUE;
    }
  return FALSE;
}

static void
update_phase_from_progress (FerryJob *self,
                            double    progress)
{
  FerryOperation op = ferry_plan_item_get_operation (self->item);
  double disk_share = 0.0;
  const char *phase;

  if (self->state != FERRY_JOB_RUNNING)
    return;

  if (self->estimate != NULL && self->estimate->disk_bytes > 0)
    disk_share = (double) self->estimate->disk_bytes /
                 (double) (self->estimate->disk_bytes + self->estimate->memory_bytes + 1);

  if (progress >= 0.98)
    phase = _("Finishing");
  else if (op == FERRY_OPERATION_MOVE_DISK)
    phase = _("Copying the disk");
  else if (progress < disk_share)
    phase = _("Copying disks");
  else if (self->live)
    phase = _("Copying memory");
  else
    phase = _("Copying disks");

  set_phase (self, phase);
}

static void
on_progress_cb (FerryTaskFollower *follower,
                GParamSpec        *pspec,
                FerryJob          *self)
{
  double progress = ferry_task_follower_get_progress (follower);

  if (ferry_plan_item_get_operation (self->item) == FERRY_OPERATION_MOVE_DISK && self->n_disk_moves > 1)
    progress = (self->disk_index + progress) / self->n_disk_moves;
  set_progress (self, progress);
  update_phase_from_progress (self, progress);
}

static void
on_can_cancel_cb (FerryTaskFollower *follower,
                  GParamSpec        *pspec,
                  FerryJob          *self)
{
  self->can_cancel = ferry_task_follower_get_can_cancel (follower);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CAN_CANCEL]);
}

static void
on_connection_state_cb (FerryConnection *connection,
                        GParamSpec      *pspec,
                        FerryJob        *self)
{
  if (self->state != FERRY_JOB_RUNNING)
    return;
  if (ferry_connection_get_state (connection) == FERRY_CONNECTION_STATE_CONNECTED)
    update_phase_from_progress (self, self->progress);
  else
    set_phase (self, _("The connection to the pool broke; the move goes on, Ferry reconnects"));
}

/* After a failure: where is the VM now? */
typedef void (*LocatedFunc) (FerryJob              *self,
                             const FerryVmLocation *location,
                             const GError          *error);

typedef struct
{
  FerryJob    *job;
  LocatedFunc  func;
} LocateCall;

static void
on_located_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  LocateCall *call = user_data;
  g_autoptr(FerryJob) self = call->job;
  LocatedFunc func = call->func;
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryVmLocation) location = ferry_recovery_locate_finish (result, &error);

  g_free (call);
  if (self->abandoned)
    return;
  func (self, location, error);
}

static void
locate (FerryJob     *self,
        GCancellable *cancellable,
        LocatedFunc   func)
{
  LocateCall *call = g_new0 (LocateCall, 1);

  call->job = g_object_ref (self);
  call->func = func;
  ferry_recovery_locate_async (self->connections, self->item, cancellable, on_located_cb, call);
}

static void
after_failure_located (FerryJob              *self,
                       const FerryVmLocation *location,
                       const GError          *locate_error)
{
  const GError *error = self->error;

  if (location != NULL)
    set_location (self, location);

  if (location != NULL && is_done (self, location))
    {
      /* It failed, yet the VM is where it should be (e.g. the failure was
       * in the bookkeeping after the point of no return). */
      g_clear_error (&self->error);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ERROR]);
      succeed (self, _("Done, although the server reported an error at the end"));
      return;
    }

  if (location != NULL && location->where == FERRY_VM_WHERE_MOVING)
    {
      /* Never start another; follow whatever runs. */
      g_autoptr(GError) busy = ferry_xapi_error_new_valist ("OTHER_OPERATION_IN_PROGRESS", "VM",
                                                            location->vm_ref ? location->vm_ref : "",
                                                            location->task_operation, location->task_ref, NULL);

      retry_later (self, busy, FALSE);
      return;
    }

  if (g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_TASK_CANCELLED) || self->cancel_requested)
    {
      finish (self, FERRY_JOB_CANCELLED, location ? location->text : _("Cancelled on the server"));
      return;
    }

  if (is_transient (error) &&
      (location == NULL || location->where == FERRY_VM_WHERE_SOURCE ||
       ((location->where == FERRY_VM_WHERE_HALTED || location->where == FERRY_VM_WHERE_SUSPENDED) &&
        !self->live)))
    {
      retry_later (self, error, !is_busy (error));
      return;
    }

  {
    g_autofree char *phase = location ? g_strdup_printf ("%s %s", ferry_check_get_message (self->check), location->text)
                                      : g_strdup (ferry_check_get_message (self->check));

    finish (self, FERRY_JOB_FAILED, phase);
  }
}

static void
handle_failure (FerryJob     *self,
                const GError *error)
{
  g_autoptr(GError) copy = g_error_copy (error);

  if (self->abandoned)
    return;
  set_failure (self, copy, NULL);
  set_phase (self, _("It failed; reading where the VM is now"));
  locate (self, self->follow_cancellable, after_failure_located);
}

static void
on_affinity_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FerryJob) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  if (self->abandoned)
    return;
  if (node == NULL)
    {
      g_autofree char *phase = g_strdup_printf (_("Done; the home server could not be set: %s"), error->message);

      succeed (self, phase);
      return;
    }
  succeed (self, NULL);
}

static void
set_home_server (FerryJob *self)
{
  const char *home = ferry_plan_get_home_server_uuid (self->plan);
  const char *host_ref = ref_of (self->dst, FERRY_TYPE_HOST, home);
  const char *vm_ref = self->result_ref && g_str_has_prefix (self->result_ref, "OpaqueRef:") ? self->result_ref
                                                                                             : self->vm_ref;

  if (home == NULL || host_ref == NULL || vm_ref == NULL)
    {
      succeed (self, NULL);
      return;
    }

  set_phase (self, _("Setting the home server"));
  ferry_connection_call_async (self->dst, "VM.set_affinity", g_variant_new ("(ss)", vm_ref, host_ref),
                               FERRY_CALL_IDEMPOTENT, self->follow_cancellable, on_affinity_cb,
                               g_object_ref (self));
}

static void
on_task_record_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FerryJob) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  if (self->abandoned)
    return;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      g_clear_pointer (&self->task_record, json_object_unref);
      self->task_record = json_object_ref (json_node_get_object (node));
    }
  destroy_task (self);

  if (ferry_plan_item_get_operation (self->item) == FERRY_OPERATION_MOVE_DISK &&
      self->disk_index + 1 < self->n_disk_moves)
    {
      self->disk_index++;
      drop_follower (self);
      run (self);
      return;
    }

  set_home_server (self);
}

static void
on_task_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FerryJob) self = user_data;
  FerryTaskFollower *follower = FERRY_TASK_FOLLOWER (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_task_follower_wait_finish (follower, result, &error);

  if (self->abandoned || follower != self->follower)
    return;

  if (node != NULL)
    {
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_free (self->result_ref);
          self->result_ref = g_strdup (json_node_get_string (node));
        }
      set_phase (self, _("Finishing"));
      ferry_connection_call_async (self->task_connection, "task.get_record", g_variant_new ("(s)", self->task_ref),
                                   FERRY_CALL_IDEMPOTENT, self->follow_cancellable, on_task_record_cb,
                                   g_object_ref (self));
      return;
    }

  /* The task ended in failure: read it, then let it go. */
  if (ferry_task_follower_get_status (follower) != FERRY_TASK_FOLLOWER_LOST)
    destroy_task (self);
  g_debug ("Job %s: task %s failed: %s", self->id, self->task_ref, error->message);
  handle_failure (self, error);
}

/* The tags go one after the other, and the task is destroyed only after
 * them: a tag must never reach a task that is gone. */
typedef struct
{
  FerryJob        *job;
  FerryConnection *connection;
  char            *task_ref;
  guint            next;
} Tagging;

static void
tagging_free (Tagging *tagging)
{
  g_clear_object (&tagging->job);
  g_clear_object (&tagging->connection);
  g_free (tagging->task_ref);
  g_free (tagging);
}

static void
destroy_task_now (FerryConnection *connection,
                  const char      *task_ref)
{
  ferry_connection_call_async (connection, "task.destroy", g_variant_new ("(s)", task_ref),
                               FERRY_CALL_IDEMPOTENT, NULL, NULL, NULL);
}

static void tag_next (Tagging *tagging);

static void
on_tagged_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Tagging *tagging = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  if (node == NULL)
    g_debug ("Could not tag task %s: %s", tagging->task_ref, error->message);
  tag_next (tagging);
}

static void
tag_next (Tagging *tagging)
{
  FerryJob *self = tagging->job;
  const char *keys[] = { FERRY_TASK_KEY_PLAN, FERRY_TASK_KEY_JOB, FERRY_TASK_KEY_VM };
  const char *values[] = { ferry_plan_get_id (self->plan), self->id, ferry_plan_item_get_vm_uuid (self->item) };

  if (tagging->next < G_N_ELEMENTS (keys))
    {
      guint i = tagging->next++;

      ferry_connection_call_async (tagging->connection, "task.add_to_other_config",
                                   g_variant_new ("(sss)", tagging->task_ref, keys[i], values[i]),
                                   FERRY_CALL_IDEMPOTENT, NULL, on_tagged_cb, tagging);
      return;
    }

  if (self->tagging > 0)
    self->tagging--;
  if (self->destroy_pending != NULL && g_strcmp0 (self->destroy_pending, tagging->task_ref) == 0)
    {
      destroy_task_now (tagging->connection, tagging->task_ref);
      g_clear_pointer (&self->destroy_pending, g_free);
    }
  tagging_free (tagging);
}

static void
tag_task (FerryJob *self)
{
  Tagging *tagging = g_new0 (Tagging, 1);

  tagging->job = g_object_ref (self);
  tagging->connection = g_object_ref (self->task_connection);
  tagging->task_ref = g_strdup (self->task_ref);
  self->tagging++;
  tag_next (tagging);
}

/* task.destroy once read (xapi keeps tasks an hour), after the tags. */
static void
destroy_task (FerryJob *self)
{
  if (self->task_connection == NULL || self->task_ref == NULL)
    return;
  if (self->tagging > 0)
    {
      g_free (self->destroy_pending);
      self->destroy_pending = g_strdup (self->task_ref);
      return;
    }
  destroy_task_now (self->task_connection, self->task_ref);
}

static void
follow (FerryJob          *self,
        FerryConnection   *connection,
        FerryTaskFollower *follower)
{
  gboolean new_task = g_strcmp0 (self->task_ref, ferry_task_follower_get_ref (follower)) != 0;

  drop_follower (self);
  self->follower = g_object_ref (follower);
  g_set_object (&self->task_connection, connection);
  if (new_task)
    {
      g_free (self->task_ref);
      self->task_ref = g_strdup (ferry_task_follower_get_ref (follower));
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TASK_REF]);
    }
  if (self->started_mono == 0)
    {
      self->started_mono = g_get_monotonic_time ();
      self->started_at = g_date_time_new_now_utc ();
    }

  ferry_task_follower_set_destroy_when_done (follower, FALSE);
  g_signal_connect (follower, "notify::progress", G_CALLBACK (on_progress_cb), self);
  g_signal_connect (follower, "notify::can-cancel", G_CALLBACK (on_can_cancel_cb), self);
  g_signal_handlers_disconnect_by_func (connection, on_connection_state_cb, self);
  g_signal_connect_object (connection, "notify::state", G_CALLBACK (on_connection_state_cb), self, 0);

  if (self->state != FERRY_JOB_CANCELLING)
    set_state (self, FERRY_JOB_RUNNING, NULL);
  update_phase_from_progress (self, self->progress);
  on_progress_cb (follower, NULL, self);
  on_can_cancel_cb (follower, NULL, self);

  ferry_task_follower_wait_async (follower, self->follow_cancellable, on_task_done_cb, g_object_ref (self));

  if (self->cancel_requested && self->state != FERRY_JOB_CANCELLING)
    cancel_task (self);
}

static void
start_located (FerryJob              *self,
               const FerryVmLocation *location,
               const GError          *error);

static void
on_started_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FerryJob) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryTaskFollower) follower = ferry_task_follower_start_finish (result, &error);

  if (self->abandoned)
    return;

  if (follower == NULL)
    {
      if (g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION_LOST))
        {
          /* It may or may not have started: ask the server before anything else. */
          set_phase (self, _("The connection broke while starting: checking whether the move began"));
          locate (self, self->follow_cancellable, start_located);
          return;
        }
      if (self->cancel_requested)
        {
          cancelled (self);
          return;
        }
      set_failure (self, error, NULL);
      if (is_transient (error))
        retry_later (self, error, !is_busy (error));
      else
        handle_failure (self, error);
      return;
    }

  follow (self, FERRY_CONNECTION (ferry_task_follower_get_connection (follower)), follower);
  tag_task (self);
  journal_start (self);
}

static void
attach_to_task (FerryJob        *self,
                FerryConnection *connection,
                const char      *task_ref)
{
  g_autoptr(FerryTaskFollower) follower = ferry_task_follower_new (connection, task_ref);

  follow (self, connection, follower);
}

static gboolean
on_locate_again_cb (gpointer user_data)
{
  FerryJob *self = user_data;

  if (!self->abandoned && !ferry_job_state_is_final (self->state))
    locate (self, self->follow_cancellable, start_located);
  return G_SOURCE_REMOVE;
}

/* The start call's answer was lost. */
static void
start_located (FerryJob              *self,
               const FerryVmLocation *location,
               const GError          *error)
{
  if (location == NULL)
    {
      /* Neither pool answers: keep asking; never send the start again blind. */
      g_autoptr(GError) lost = g_error_copy (error);

      set_failure (self, lost, NULL);
      set_phase (self, _("The pools do not answer; asking again"));
      g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 1, on_locate_again_cb, g_object_ref (self), g_object_unref);
      return;
    }

  if (location->where == FERRY_VM_WHERE_MOVING)
    {
      FerryConnection *connection = _ferry_connections_find_pool (self->connections, location->pool_uuid);

      g_debug ("Job %s: the lost start did run: following %s", self->id, location->task_ref);
      attach_to_task (self, connection, location->task_ref);
      g_free (self->task_ref);
      self->task_ref = g_strdup (location->task_ref);
      tag_task (self);
      journal_start (self);
      return;
    }

  if (is_done (self, location))
    {
      set_location (self, location);
      succeed (self, NULL);
      return;
    }

  /* It did not start. Begin the attempt again (a fresh migrate_receive). */
  g_debug ("Job %s: the lost start did not run; starting again", self->id);
  check_where (self);
}

static void
run (FerryJob *self)
{
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
  FerryOperation op = ferry_plan_item_get_operation (self->item);
  GVariant *args = NULL;
  const char *method = NULL;

  if (self->cancel_requested)
    {
      cancelled (self);
      return;
    }

  set_state (self, FERRY_JOB_RUNNING, _("Starting"));

  switch (op)
    {
    case FERRY_OPERATION_LIVE_MIGRATE:
    case FERRY_OPERATION_EVACUATE:
      {
        const char *host = destination_host_ref (self);

        if (host == NULL)
          {
            fail_literal (self, "X-HOST-GONE", _("The destination host is no longer there"), _("Make the plan again."));
            return;
          }
        build_options (self, options, TRUE);
        method = "VM.pool_migrate";
        args = g_variant_new ("(ssa{ss})", self->vm_ref, host, options);
      }
      break;

    case FERRY_OPERATION_STORAGE_MIGRATE:
    case FERRY_OPERATION_MOVE_HALTED:
      {
        g_autoptr(GVariantBuilder) dest = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
        g_autoptr(GVariantBuilder) vdis = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
        g_autoptr(GVariantBuilder) vifs = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
        g_autoptr(GVariantBuilder) vgpus = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
        JsonObject *map = self->dest_map ? json_node_get_object (self->dest_map) : NULL;
        g_autoptr(GList) members = map ? json_object_get_members (map) : NULL;

        for (GList *l = members; l != NULL; l = l->next)
          if (_ferry_json_get_string (map, l->data) != NULL)
            g_variant_builder_add (dest, "{ss}", l->data, _ferry_json_get_string (map, l->data));
        if (!build_vdi_map (self, vdis) || !build_vif_map (self, vifs))
          return;
        build_options (self, options, FALSE);
        method = "VM.migrate_send";
        args = g_variant_new ("(sa{ss}ba{ss}a{ss}a{ss}a{ss})", self->vm_ref, dest, self->live,
                              vdis, vifs, options, vgpus);
      }
      break;

    case FERRY_OPERATION_MOVE_DISK:
      {
        guint n = 0;

        for (guint i = 0; i < ferry_plan_item_get_n_disks (self->item); i++)
          {
            const FerryPlanDisk *disk = ferry_plan_item_get_disk (self->item, i);
            const char *vdi;
            const char *sr;

            if (!disk->moves || disk->snapshot_of != NULL || n++ != self->disk_index)
              continue;
            vdi = ref_of (self->src, FERRY_TYPE_VDI, disk->vdi_uuid);
            sr = ref_of (self->src, FERRY_TYPE_SR, disk->to_sr_uuid);
            if (vdi == NULL || sr == NULL)
              {
                fail_literal (self, "X-VDI-NOT-IN-MAP", _("The disk or its target SR is no longer there"),
                              _("Make the plan again."));
                return;
              }
            method = "VDI.pool_migrate";
            args = g_variant_new ("(ssa{ss})", vdi, sr, options);
          }
        if (method == NULL)
          {
            succeed (self, _("Nothing to move"));
            return;
          }
      }
      break;

    case FERRY_OPERATION_AUTO:
    default:
      fail_literal (self, "X-ERROR", _("The plan item has no operation"), _("Make the plan again."));
      return;
    }

  self->n_starts++;
  g_debug ("Job %s: %s (start %u)", self->id, method, self->n_starts);
  /* Never cancelled: its answer names the task that may now be running. */
  ferry_task_follower_start_async (self->src, method, args, NULL, on_started_cb, g_object_ref (self));
}

/* Relay moves (ferry-relay.h) ------------------------------------------- */

static void
on_relay_progress_cb (FerryRelay *relay,
                      GParamSpec *pspec,
                      FerryJob   *self)
{
  set_progress (self, ferry_relay_get_progress (relay));
  /* The relay counts the bytes itself. */
  self->rate = ferry_relay_get_rate (relay);
  self->eta = ferry_relay_get_eta (relay);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_RATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ETA]);
}

static void
on_relay_phase_cb (FerryRelay *relay,
                   GParamSpec *pspec,
                   FerryJob   *self)
{
  if (self->state == FERRY_JOB_RUNNING && ferry_relay_get_phase (relay) != NULL)
    set_phase (self, ferry_relay_get_phase (relay));
}

static void
on_relay_task_cb (FerryRelay *relay,
                  GParamSpec *pspec,
                  FerryJob   *self)
{
  if (ferry_relay_get_import_task (relay) == NULL || self->task_ref != NULL)
    return;
  g_set_object (&self->task_connection, self->dst);
  self->task_ref = g_strdup (ferry_relay_get_import_task (relay));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TASK_REF]);
  journal_start (self);
}

static void
on_relayed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FerryJob) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *vm_ref = ferry_relay_run_finish (FERRY_RELAY (object), result, &error);

  if (self->abandoned || ferry_job_state_is_final (self->state))
    return;
  self->can_cancel = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CAN_CANCEL]);

  if (vm_ref != NULL)
    {
      g_free (self->result_ref);
      self->result_ref = g_steal_pointer (&vm_ref);
      set_home_server (self);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancel_requested)
    {
      finish (self, FERRY_JOB_CANCELLED, _("Cancelled; the VM stays on the source"));
      return;
    }
  /* The relay removed its incomplete copy: the VM is on the source as it was. */
  fail (self, error, NULL);
}

static void
run_relay (FerryJob *self)
{
  const char *sr_uuid;
  const char *sr_ref;
  g_autofree char *obstacle = NULL;

  if (self->cancel_requested)
    {
      cancelled (self);
      return;
    }
  /* An import takes one SR: a plan with several cannot relay. */
  obstacle = _ferry_plan_item_dup_relay_obstacle (self->item);
  if (obstacle != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The pools cannot reach each other. %s"), obstacle);

      fail_literal (self, "X-RELAY-ONE-SR", message,
                    _("Choose one SR for all of its disks and make the plan again, or let the pools reach each other."));
      return;
    }
  /* One SR for all disks (an import takes one SR). */
  sr_uuid = _ferry_plan_item_get_relay_sr_uuid (self->item);
  sr_ref = sr_uuid ? ref_of (self->dst, FERRY_TYPE_SR, sr_uuid) : NULL;
  if (sr_ref == NULL)
    {
      FerryPool *pool = ferry_cache_get_pool (cache_of (self->dst));

      sr_ref = pool ? ferry_pool_get_default_sr (pool) : NULL;
    }
  if (sr_ref == NULL || self->vm_ref == NULL)
    {
      fail_literal (self, "X-VDI-NOT-IN-MAP", _("No SR of the destination can take the disks"),
                    _("Choose an SR in the destination pool, then make the plan again."));
      return;
    }

  _ferry_plan_item_set_relay (self->item, TRUE);
  g_clear_object (&self->relay);
  self->relay = ferry_relay_new (self->src, self->vm_ref, self->dst, sr_ref);
  ferry_relay_set_move (self->relay, TRUE);
  ferry_relay_set_compress (self->relay, ferry_plan_get_effective_compression (self->plan));
  /* The plan's interface mapping, applied once the VM is imported. */
  for (guint i = 0; i < ferry_plan_item_get_n_vifs (self->item); i++)
    {
      const FerryPlanVif *vif = ferry_plan_item_get_vif (self->item, i);
      const char *network_ref = vif->to_network_uuid ? ref_of (self->dst, FERRY_TYPE_NETWORK, vif->to_network_uuid) : NULL;

      if (network_ref != NULL && vif->device != NULL)
        ferry_relay_set_vif_network (self->relay, vif->device, network_ref);
    }
  g_signal_connect (self->relay, "notify::progress", G_CALLBACK (on_relay_progress_cb), self);
  g_signal_connect (self->relay, "notify::phase", G_CALLBACK (on_relay_phase_cb), self);
  g_signal_connect (self->relay, "notify::import-task", G_CALLBACK (on_relay_task_cb), self);

  self->n_starts++;
  if (self->started_mono == 0)
    {
      self->started_mono = g_get_monotonic_time ();
      self->started_at = g_date_time_new_now_utc ();
    }
  set_state (self, FERRY_JOB_RUNNING, _("Copying through this computer"));
  self->can_cancel = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CAN_CANCEL]);
  g_debug ("Job %s: relay through this computer", self->id);
  ferry_relay_run_async (self->relay, NULL, on_relayed_cb, g_object_ref (self));
}

/* AUTO: a halted VM whose pools cannot reach each other goes through this computer. */
static gboolean
may_relay (FerryJob     *self,
           const GError *error)
{
  FerryOperation op = ferry_plan_item_get_operation (self->item);

  return ferry_relay_error_is_unreachable (error) && !self->live &&
         g_strcmp0 (ferry_plan_item_get_power_state (self->item), "halted") == 0 &&
         ferry_plan_get_relay_mode (self->plan) != FERRY_RELAY_NEVER &&
         ferry_plan_item_is_cross_pool (self->item) &&
         (op == FERRY_OPERATION_MOVE_HALTED || op == FERRY_OPERATION_STORAGE_MIGRATE);
}

static void
on_asserted_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FerryJob) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  if (node == NULL)
    {
      if (check_cancelled (self, error))
        return;
      if (may_relay (self, error))
        {
          run_relay (self);
          return;
        }
      set_failure (self, error, NULL);
      if (is_transient (error))
        retry_later (self, error, !is_busy (error));
      else
        {
          g_autofree char *phase = NULL;

          phase = self->location
                ? g_strdup_printf ("%s %s", ferry_check_get_message (self->check), self->location->text)
                : g_strdup (ferry_check_get_message (self->check));
          finish (self, FERRY_JOB_FAILED, phase);
        }
      return;
    }
  if (check_cancelled (self, NULL))
    return;

  run (self);
}

static void
on_received_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FerryJob) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  g_autoptr(GVariantBuilder) dest = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
  g_autoptr(GVariantBuilder) vdis = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
  g_autoptr(GVariantBuilder) vifs = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
  g_autoptr(GVariantBuilder) vgpus = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
  g_autoptr(GList) members = NULL;
  JsonObject *map;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      if (check_cancelled (self, error))
        return;
      if (may_relay (self, error))
        {
          run_relay (self);
          return;
        }
      if (error == NULL)
        error = g_error_new_literal (FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL,
                                     _("host.migrate_receive did not answer with a map"));
      set_failure (self, error, NULL);
      if (is_transient (error))
        retry_later (self, error, TRUE);
      else
        finish (self, FERRY_JOB_FAILED, ferry_check_get_message (self->check));
      return;
    }
  if (check_cancelled (self, NULL))
    return;

  self->dest_map = json_node_ref (node);
  map = json_node_get_object (node);
  members = json_object_get_members (map);
  for (GList *l = members; l != NULL; l = l->next)
    if (_ferry_json_get_string (map, l->data) != NULL)
      g_variant_builder_add (dest, "{ss}", l->data, _ferry_json_get_string (map, l->data));
  if (!build_vdi_map (self, vdis) || !build_vif_map (self, vifs))
    return;
  build_options (self, options, FALSE);

  set_phase (self, _("Checking with the server"));
  ferry_connection_call_async (self->src, "VM.assert_can_migrate",
                               g_variant_new ("(sa{ss}ba{ss}a{ss}a{ss}a{ss})", self->vm_ref, dest, self->live,
                                              vdis, vifs, options, vgpus),
                               FERRY_CALL_IDEMPOTENT, self->cancellable, on_asserted_cb, g_object_ref (self));
}

/* The server's own checks, with the real maps. */
static void
ask_server (FerryJob *self)
{
  FerryOperation op = ferry_plan_item_get_operation (self->item);

  switch (op)
    {
    case FERRY_OPERATION_LIVE_MIGRATE:
    case FERRY_OPERATION_EVACUATE:
      {
        const char *host = destination_host_ref (self);

        if (host == NULL)
          {
            fail_literal (self, "X-HOST-GONE", _("The destination host is no longer there"), _("Make the plan again."));
            return;
          }
        set_phase (self, _("Checking with the server"));
        ferry_connection_call_async (self->src, "VM.assert_can_boot_here", g_variant_new ("(ss)", self->vm_ref, host),
                                     FERRY_CALL_IDEMPOTENT, self->cancellable, on_asserted_cb, g_object_ref (self));
      }
      break;

    case FERRY_OPERATION_STORAGE_MIGRATE:
    case FERRY_OPERATION_MOVE_HALTED:
      {
        const char *host = destination_host_ref (self);
        const char *network = stream_network_ref (self);

        if (host == NULL || network == NULL)
          {
            fail_literal (self, "X-HOST-GONE", _("The destination host or its network is no longer there"),
                          _("Make the plan again."));
            return;
          }
        if (ferry_plan_item_get_relay (self->item) && !self->live && ferry_plan_item_is_cross_pool (self->item))
          {
            run_relay (self);
            return;
          }
        set_phase (self, _("Preparing the destination"));
        ferry_connection_call_async (self->dst, "host.migrate_receive",
                                     g_variant_new ("(ssa{ss})", host, network, NULL),
                                     FERRY_CALL_NONE, self->cancellable, on_received_cb, g_object_ref (self));
      }
      break;

    case FERRY_OPERATION_MOVE_DISK:
    case FERRY_OPERATION_AUTO:
    default:
      /* VDI.pool_migrate has no assert call: the rules checked it. */
      run (self);
      break;
    }
}

static void
on_foreign_task_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FerryJob) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  JsonObject *other;
  g_autoptr(GError) busy = NULL;
  g_autofree char *why = NULL;

  if (check_cancelled (self, error))
    return;

  other = node && JSON_NODE_HOLDS_OBJECT (node)
        ? _ferry_json_get_object (json_node_get_object (node), "other_config") : NULL;
  if (g_strcmp0 (_ferry_json_get_string (other, FERRY_TASK_KEY_JOB), self->id) == 0)
    {
      g_debug ("Job %s: re-attaching to its task %s", self->id, self->location->task_ref);
      attach_to_task (self, FERRY_CONNECTION (object), self->location->task_ref);
      return;
    }

  /* Someone else's migration of this VM: wait for it, never start another. */
  busy = ferry_xapi_error_new_valist ("OTHER_OPERATION_IN_PROGRESS", "VM", self->location->vm_ref,
                                      self->location->task_operation, self->location->task_ref, NULL);
  set_failure (self, busy, NULL);
  why = g_strdup_printf (_("Waiting: another migration of %s is running"), ferry_plan_item_get_vm_name (self->item));
  requeue (self, self->settings.retry_delay, why);
  if (self->attempts > 0)
    self->attempts--;
}

static void
where_located (FerryJob              *self,
               const FerryVmLocation *location,
               const GError          *error)
{
  if (location == NULL)
    {
      if (check_cancelled (self, error))
        return;
      set_failure (self, error, NULL);
      retry_later (self, error, TRUE);
      return;
    }
  if (check_cancelled (self, NULL))
    return;

  set_location (self, location);

  switch (location->where)
    {
    case FERRY_VM_WHERE_MOVING:
      {
        FerryConnection *connection = _ferry_connections_find_pool (self->connections, location->pool_uuid);

        ferry_connection_call_async (connection, "task.get_record", g_variant_new ("(s)", location->task_ref),
                                     FERRY_CALL_IDEMPOTENT, self->cancellable, on_foreign_task_cb,
                                     g_object_ref (self));
      }
      return;

    case FERRY_VM_WHERE_GONE:
      fail_literal (self, "X-VM-GONE", location->text, location->remedy);
      return;

    case FERRY_VM_WHERE_UNKNOWN:
    case FERRY_VM_WHERE_SOURCE:
    case FERRY_VM_WHERE_PAUSED:
    case FERRY_VM_WHERE_DESTINATION:
    case FERRY_VM_WHERE_HALTED:
    case FERRY_VM_WHERE_SUSPENDED:
    case FERRY_VM_WHERE_ELSEWHERE:
    default:
      break;
    }

  if (is_done (self, location))
    {
      self->already_there = TRUE;
      succeed (self, _("Already there"));
      return;
    }

  if (g_strcmp0 (location->pool_uuid, ferry_plan_item_get_from_pool_uuid (self->item)) != 0)
    {
      fail_literal (self, "X-VM-GONE", location->text, _("Make the plan again."));
      return;
    }

  g_free (self->vm_ref);
  self->vm_ref = g_strdup (location->vm_ref);
  self->live = g_ascii_strcasecmp (location->power_state ? location->power_state : "", "Running") == 0 ||
               g_ascii_strcasecmp (location->power_state ? location->power_state : "", "Paused") == 0;
  if (ferry_plan_item_get_operation (self->item) == FERRY_OPERATION_MOVE_HALTED)
    self->live = FALSE;

  ask_server (self);
}

static void
check_where (FerryJob *self)
{
  g_clear_pointer (&self->dest_map, json_node_unref);
  set_state (self, FERRY_JOB_CHECKING, _("Reading where the VM is"));
  locate (self, self->cancellable, where_located);
}

void
_ferry_job_start (FerryJob *self)
{
  FerryCheck *blocker;

  g_return_if_fail (FERRY_IS_JOB (self));
  g_return_if_fail (_ferry_job_is_ready (self));

  self->attempts++;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ATTEMPTS]);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  set_state (self, FERRY_JOB_CHECKING, _("Checking"));

  blocker = ferry_plan_item_get_blocker (self->item);
  if (blocker != NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_INVALID,
                                                     ferry_check_get_message (blocker));

      fail (self, error, blocker);
      return;
    }

  g_set_object (&self->src, _ferry_connections_find_pool (self->connections, ferry_plan_item_get_from_pool_uuid (self->item)));
  g_set_object (&self->dst, _ferry_connections_find_pool (self->connections, ferry_plan_item_get_to_pool_uuid (self->item)));
  if (self->src == NULL || self->dst == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Ferry is not connected to %s"),
                                                  self->src == NULL ? ferry_plan_item_get_from_pool_name (self->item)
                                                                    : ferry_plan_item_get_to_pool_name (self->item));

      fail_literal (self, "X-NOT-CONNECTED", message, _("Connect to the pool, then run the plan again."));
      return;
    }

  check_where (self);
}

void
_ferry_job_attach (FerryJob   *self,
                   const char *task_ref)
{
  FerryConnection *connection;

  g_return_if_fail (FERRY_IS_JOB (self));
  g_return_if_fail (task_ref != NULL);

  g_set_object (&self->src, _ferry_connections_find_pool (self->connections, ferry_plan_item_get_from_pool_uuid (self->item)));
  g_set_object (&self->dst, _ferry_connections_find_pool (self->connections, ferry_plan_item_get_to_pool_uuid (self->item)));
  connection = self->src;
  if (connection == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Ferry is not connected to %s"),
                                                  ferry_plan_item_get_from_pool_name (self->item));

      fail_literal (self, "X-NOT-CONNECTED", message, _("Connect to the pool to learn how the move ended."));
      return;
    }

  self->attempts = MAX (self->attempts, 1);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_free (self->task_ref);
  self->task_ref = g_strdup (task_ref);
  self->live = g_strcmp0 (ferry_plan_item_get_power_state (self->item), "running") == 0;
  set_state (self, FERRY_JOB_RUNNING, _("Following the move it started before"));
  attach_to_task (self, connection, task_ref);
}

/* R29 ---------------------------------------------------------------------- */

static void
unpause_located (FerryJob              *self,
                 const FerryVmLocation *location,
                 const GError          *error)
{
  g_autoptr(GTask) task = g_object_steal_data (G_OBJECT (self), "ferry-unpause-task");

  if (location != NULL)
    set_location (self, location);
  if (task != NULL)
    g_task_return_boolean (task, TRUE);
}

static void
on_unpaused_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryJob *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!ferry_recovery_unpause_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_object_set_data_full (G_OBJECT (self), "ferry-unpause-task", g_steal_pointer (&task), g_object_unref);
  locate (self, NULL, unpause_located);
}

void
ferry_job_unpause_vm_async (FerryJob            *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FerryConnection *connection;

  g_return_if_fail (FERRY_IS_JOB (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_job_unpause_vm_async);

  if (!ferry_vm_location_can_unpause (self->location))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("%s is not paused"), ferry_plan_item_get_vm_name (self->item));
      return;
    }

  connection = _ferry_connections_find_pool (self->connections, self->location->pool_uuid);
  if (connection == NULL)
    {
      g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NOT_CONNECTED,
                               _("Ferry is not connected to %s"), self->location->pool_name);
      return;
    }

  ferry_recovery_unpause_async (connection, self->location->vm_ref, cancellable, on_unpaused_cb,
                                g_steal_pointer (&task));
}

gboolean
ferry_job_unpause_vm_finish (FerryJob      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (FERRY_IS_JOB (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
