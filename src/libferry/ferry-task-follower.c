/* ferry-task-follower.c
 *
 * A follower watches one xapi task by its ref. Its records come from the
 * connection's event.from loop (every batch with the task in it); without
 * that loop it polls task.get_record. When it is created, and whenever the
 * task seems gone (a "del", or a snapshot after a reconnect without it),
 * it reads the record once itself: a task that really vanished ends LOST.
 *
 * The task is the server's: losing the connection, or this object, never
 * stops it. Cancelling is an explicit task.cancel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-task-follower"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-connection-private.h"
#include "ferry-error.h"
#include "ferry-task-follower-private.h"
#include "ferry-xmlrpc-value.h"

#define POLL_INTERVAL_MS 1000

G_DEFINE_ENUM_TYPE (FerryTaskFollowerStatus, ferry_task_follower_status,
  G_DEFINE_ENUM_VALUE (FERRY_TASK_FOLLOWER_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (FERRY_TASK_FOLLOWER_SUCCESS, "success"),
  G_DEFINE_ENUM_VALUE (FERRY_TASK_FOLLOWER_FAILURE, "failure"),
  G_DEFINE_ENUM_VALUE (FERRY_TASK_FOLLOWER_CANCELLING, "cancelling"),
  G_DEFINE_ENUM_VALUE (FERRY_TASK_FOLLOWER_CANCELLED, "cancelled"),
  G_DEFINE_ENUM_VALUE (FERRY_TASK_FOLLOWER_LOST, "lost"))

struct _FerryTaskFollower
{
  GObject                  parent_instance;

  FerryConnection         *connection;
  char                    *ref;
  char                    *name_label;
  FerryTaskFollowerStatus  status;
  double                   progress;
  gboolean                 can_cancel;
  gboolean                 completed;
  gboolean                 destroy_when_done;
  JsonNode                *result;
  GError                  *error;
  GPtrArray               *waiters;   /* GTasks */
  GCancellable            *cancellable;
  guint                    poll_id;
  gboolean                 reading;
};

G_DEFINE_FINAL_TYPE (FerryTaskFollower, ferry_task_follower, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_REF,
  PROP_STATUS,
  PROP_PROGRESS,
  PROP_NAME_LABEL,
  PROP_CAN_CANCEL,
  PROP_COMPLETED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void read_record (FerryTaskFollower *self);

static void
complete (FerryTaskFollower *self)
{
  g_autoptr(GPtrArray) waiters = NULL;

  if (self->completed)
    return;

  self->completed = TRUE;
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->connection != NULL)
    _ferry_connection_remove_follower (self->connection, self);

  g_debug ("Task %s ended: %s", self->ref, self->error ? self->error->message : "success");

  waiters = g_steal_pointer (&self->waiters);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (self->error != NULL)
        g_task_return_error (task, g_error_copy (self->error));
      else
        g_task_return_pointer (task, json_node_ref (self->result), (GDestroyNotify) json_node_unref);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETED]);

  /* xapi keeps finished tasks for an hour; the result is read now. */
  if (self->destroy_when_done && self->status != FERRY_TASK_FOLLOWER_LOST && self->connection != NULL)
    ferry_connection_call_async (self->connection, "task.destroy",
                                 g_variant_new ("(s)", self->ref),
                                 FERRY_CALL_IDEMPOTENT, NULL, NULL, NULL);
}

static void
set_status (FerryTaskFollower       *self,
            FerryTaskFollowerStatus  status)
{
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static FerryTaskFollowerStatus
parse_status (const char *text)
{
  if (g_strcmp0 (text, "success") == 0)
    return FERRY_TASK_FOLLOWER_SUCCESS;
  if (g_strcmp0 (text, "failure") == 0)
    return FERRY_TASK_FOLLOWER_FAILURE;
  if (g_strcmp0 (text, "cancelling") == 0)
    return FERRY_TASK_FOLLOWER_CANCELLING;
  if (g_strcmp0 (text, "cancelled") == 0)
    return FERRY_TASK_FOLLOWER_CANCELLED;
  return FERRY_TASK_FOLLOWER_PENDING;
}

static GError *
error_from_info (JsonObject *record,
                 gboolean    cancelled)
{
  JsonArray *info = json_object_has_member (record, "error_info") &&
                    JSON_NODE_HOLDS_ARRAY (json_object_get_member (record, "error_info"))
                  ? json_object_get_array_member (record, "error_info") : NULL;
  g_autoptr(GPtrArray) params = g_ptr_array_new ();
  const char *name;

  if (info == NULL || json_array_get_length (info) == 0)
    return ferry_xapi_error_new (cancelled ? "TASK_CANCELLED" : "INTERNAL_ERROR", NULL);

  name = json_array_get_string_element (info, 0);
  for (guint i = 1; i < json_array_get_length (info); i++)
    g_ptr_array_add (params, (gpointer) json_array_get_string_element (info, i));
  g_ptr_array_add (params, NULL);

  return ferry_xapi_error_new (name ? name : "INTERNAL_ERROR", (const char * const *) params->pdata);
}

void
_ferry_task_follower_update (FerryTaskFollower *self,
                             JsonObject        *record)
{
  FerryTaskFollowerStatus status;
  const char *name_label;
  double progress;
  gboolean can_cancel = FALSE;

  g_return_if_fail (FERRY_IS_TASK_FOLLOWER (self));

  if (self->completed)
    return;

  g_object_freeze_notify (G_OBJECT (self));

  name_label = json_object_get_string_member_with_default (record, "name_label", NULL);
  if (name_label != NULL && g_strcmp0 (name_label, self->name_label) != 0)
    {
      g_free (self->name_label);
      self->name_label = g_strdup (name_label);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME_LABEL]);
    }

  progress = json_object_get_double_member_with_default (record, "progress", self->progress);
  if (progress != self->progress)
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }

  if (json_object_has_member (record, "allowed_operations") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (record, "allowed_operations")))
    {
      JsonArray *operations = json_object_get_array_member (record, "allowed_operations");

      for (guint i = 0; i < json_array_get_length (operations); i++)
        can_cancel |= g_strcmp0 (json_array_get_string_element (operations, i), "cancel") == 0;
    }
  if (can_cancel != self->can_cancel)
    {
      self->can_cancel = can_cancel;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_CANCEL]);
    }

  status = parse_status (json_object_get_string_member_with_default (record, "status", "pending"));

  switch (status)
    {
    case FERRY_TASK_FOLLOWER_SUCCESS:
      {
        const char *text = json_object_get_string_member_with_default (record, "result", "");
        g_autoptr(GError) error = NULL;

        self->result = ferry_xmlrpc_value_parse (text, -1, &error);
        if (self->result == NULL)
          {
            self->error = g_steal_pointer (&error);
            self->result = json_node_init_null (json_node_alloc ());
          }
      }
      break;

    case FERRY_TASK_FOLLOWER_FAILURE:
    case FERRY_TASK_FOLLOWER_CANCELLED:
      self->error = error_from_info (record, status == FERRY_TASK_FOLLOWER_CANCELLED);
      break;

    case FERRY_TASK_FOLLOWER_PENDING:
    case FERRY_TASK_FOLLOWER_CANCELLING:
    case FERRY_TASK_FOLLOWER_LOST:
    default:
      break;
    }

  set_status (self, status);
  if (status == FERRY_TASK_FOLLOWER_SUCCESS || status == FERRY_TASK_FOLLOWER_FAILURE ||
      status == FERRY_TASK_FOLLOWER_CANCELLED)
    complete (self);

  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_lost (FerryTaskFollower *self)
{
  if (self->completed)
    return;

  self->error = g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_TASK_LOST,
                             _("The task %s is no longer known to the server"), self->ref);
  set_status (self, FERRY_TASK_FOLLOWER_LOST);
  complete (self);
}

static gboolean
on_poll_cb (gpointer user_data)
{
  FerryTaskFollower *self = user_data;

  self->poll_id = 0;
  read_record (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (FerryTaskFollower *self)
{
  if (self->completed || self->poll_id != 0 || self->connection == NULL ||
      _ferry_connection_has_events (self->connection))
    return;
  self->poll_id = g_timeout_add (POLL_INTERVAL_MS, on_poll_cb, self);
}

static void
on_record_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FerryTaskFollower) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  self->reading = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_HANDLE_INVALID))
    {
      set_lost (self);
      return;
    }

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    _ferry_task_follower_update (self, json_node_get_object (node));
  else if (error != NULL)
    g_debug ("Could not read task %s: %s", self->ref, error->message);

  schedule_poll (self);
}

static void
read_record (FerryTaskFollower *self)
{
  if (self->completed || self->reading || self->connection == NULL)
    return;

  self->reading = TRUE;
  ferry_connection_call_async (self->connection, "task.get_record",
                               g_variant_new ("(s)", self->ref),
                               FERRY_CALL_IDEMPOTENT, self->cancellable,
                               on_record_cb, g_object_ref (self));
}

void
_ferry_task_follower_verify (FerryTaskFollower *self)
{
  g_return_if_fail (FERRY_IS_TASK_FOLLOWER (self));
  read_record (self);
}

void
_ferry_task_follower_refresh (FerryTaskFollower *self)
{
  g_return_if_fail (FERRY_IS_TASK_FOLLOWER (self));

  if (self->connection != NULL && _ferry_connection_has_events (self->connection))
    g_clear_handle_id (&self->poll_id, g_source_remove);
  else
    schedule_poll (self);
}

static void
ferry_task_follower_dispose (GObject *object)
{
  FerryTaskFollower *self = (FerryTaskFollower *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->connection != NULL)
    {
      _ferry_connection_remove_follower (self->connection, self);
      g_clear_object (&self->connection);
    }

  G_OBJECT_CLASS (ferry_task_follower_parent_class)->dispose (object);
}

static void
ferry_task_follower_finalize (GObject *object)
{
  FerryTaskFollower *self = (FerryTaskFollower *)object;

  g_assert (self->waiters->len == 0);

  g_free (self->ref);
  g_free (self->name_label);
  g_clear_pointer (&self->result, json_node_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ferry_task_follower_parent_class)->finalize (object);
}

static void
ferry_task_follower_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  FerryTaskFollower *self = FERRY_TASK_FOLLOWER (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_REF:
      g_value_set_string (value, self->ref);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_NAME_LABEL:
      g_value_set_string (value, self->name_label);
      break;
    case PROP_CAN_CANCEL:
      g_value_set_boolean (value, self->can_cancel);
      break;
    case PROP_COMPLETED:
      g_value_set_boolean (value, self->completed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_task_follower_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  FerryTaskFollower *self = FERRY_TASK_FOLLOWER (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    case PROP_REF:
      self->ref = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_task_follower_class_init (FerryTaskFollowerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_task_follower_dispose;
  object_class->finalize = ferry_task_follower_finalize;
  object_class->get_property = ferry_task_follower_get_property;
  object_class->set_property = ferry_task_follower_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, FERRY_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REF] =
    g_param_spec_string ("ref", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, FERRY_TYPE_TASK_FOLLOWER_STATUS,
                       FERRY_TASK_FOLLOWER_PENDING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME_LABEL] =
    g_param_spec_string ("name-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_CANCEL] =
    g_param_spec_boolean ("can-cancel", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPLETED] =
    g_param_spec_boolean ("completed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ferry_task_follower_init (FerryTaskFollower *self)
{
  self->destroy_when_done = TRUE;
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

FerryTaskFollower *
ferry_task_follower_new (FerryConnection *connection,
                         const char      *task_ref)
{
  FerryTaskFollower *self;

  g_return_val_if_fail (FERRY_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (task_ref != NULL, NULL);

  self = g_object_new (FERRY_TYPE_TASK_FOLLOWER,
                       "connection", connection,
                       "ref", task_ref,
                       NULL);
  _ferry_connection_add_follower (connection, self);
  /* Do not wait for an event: the task may have ended already. */
  read_record (self);
  return self;
}

FerryConnection *
ferry_task_follower_get_connection (FerryTaskFollower *self)
{
  g_return_val_if_fail (FERRY_IS_TASK_FOLLOWER (self), NULL);
  return self->connection;
}

const char *
ferry_task_follower_get_ref (FerryTaskFollower *self)
{
  g_return_val_if_fail (FERRY_IS_TASK_FOLLOWER (self), NULL);
  return self->ref;
}

FerryTaskFollowerStatus
ferry_task_follower_get_status (FerryTaskFollower *self)
{
  g_return_val_if_fail (FERRY_IS_TASK_FOLLOWER (self), FERRY_TASK_FOLLOWER_PENDING);
  return self->status;
}

double
ferry_task_follower_get_progress (FerryTaskFollower *self)
{
  g_return_val_if_fail (FERRY_IS_TASK_FOLLOWER (self), 0.0);
  return self->progress;
}

const char *
ferry_task_follower_get_name_label (FerryTaskFollower *self)
{
  g_return_val_if_fail (FERRY_IS_TASK_FOLLOWER (self), NULL);
  return self->name_label;
}

gboolean
ferry_task_follower_get_can_cancel (FerryTaskFollower *self)
{
  g_return_val_if_fail (FERRY_IS_TASK_FOLLOWER (self), FALSE);
  return self->can_cancel;
}

gboolean
ferry_task_follower_is_completed (FerryTaskFollower *self)
{
  g_return_val_if_fail (FERRY_IS_TASK_FOLLOWER (self), FALSE);
  return self->completed;
}

JsonNode *
ferry_task_follower_get_result (FerryTaskFollower *self)
{
  g_return_val_if_fail (FERRY_IS_TASK_FOLLOWER (self), NULL);
  return self->result;
}

const GError *
ferry_task_follower_get_error (FerryTaskFollower *self)
{
  g_return_val_if_fail (FERRY_IS_TASK_FOLLOWER (self), NULL);
  return self->error;
}

void
ferry_task_follower_set_destroy_when_done (FerryTaskFollower *self,
                                           gboolean           destroy)
{
  g_return_if_fail (FERRY_IS_TASK_FOLLOWER (self));
  self->destroy_when_done = !!destroy;
}

void
ferry_task_follower_wait_async (FerryTaskFollower   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FERRY_IS_TASK_FOLLOWER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_task_follower_wait_async);

  if (!self->completed)
    {
      g_ptr_array_add (self->waiters, g_steal_pointer (&task));
      return;
    }

  if (self->error != NULL)
    g_task_return_error (task, g_error_copy (self->error));
  else
    g_task_return_pointer (task, json_node_ref (self->result), (GDestroyNotify) json_node_unref);
}

JsonNode *
ferry_task_follower_wait_finish (FerryTaskFollower  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (FERRY_IS_TASK_FOLLOWER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_cancel_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
ferry_task_follower_cancel_async (FerryTaskFollower   *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FERRY_IS_TASK_FOLLOWER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_task_follower_cancel_async);

  g_debug ("Cancelling task %s", self->ref);
  ferry_connection_call_async (self->connection, "task.cancel",
                               g_variant_new ("(s)", self->ref),
                               FERRY_CALL_IDEMPOTENT, cancellable,
                               on_cancel_cb, g_steal_pointer (&task));
}

gboolean
ferry_task_follower_cancel_finish (FerryTaskFollower  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (FERRY_IS_TASK_FOLLOWER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_started_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  if (node == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (json_node_get_value_type (node) != G_TYPE_STRING ||
      !g_str_has_prefix (json_node_get_string (node), "OpaqueRef:"))
    {
      g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL,
                               _("The server did not answer an Async call with a task"));
      return;
    }

  g_task_return_pointer (task,
                         ferry_task_follower_new (FERRY_CONNECTION (object), json_node_get_string (node)),
                         g_object_unref);
}

void
ferry_task_follower_start_async (FerryConnection     *connection,
                                 const char          *method,
                                 GVariant            *args,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *wire = NULL;

  g_return_if_fail (FERRY_IS_CONNECTION (connection));
  g_return_if_fail (method != NULL);

  task = g_task_new (connection, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_task_follower_start_async);

  wire = g_str_has_prefix (method, "Async.") ? g_strdup (method) : g_strconcat ("Async.", method, NULL);
  /* Not idempotent: a second send would start a second task. */
  ferry_connection_call_async (connection, wire, args, FERRY_CALL_NONE, cancellable,
                               on_started_cb, g_steal_pointer (&task));
}

FerryTaskFollower *
ferry_task_follower_start_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
