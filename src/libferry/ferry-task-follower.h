/* ferry-task-follower.h: an xapi task (Async.*) followed to its end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _FerryConnection FerryConnection;

typedef enum
{
  FERRY_TASK_FOLLOWER_PENDING,
  FERRY_TASK_FOLLOWER_SUCCESS,
  FERRY_TASK_FOLLOWER_FAILURE,
  FERRY_TASK_FOLLOWER_CANCELLING,
  FERRY_TASK_FOLLOWER_CANCELLED,
  FERRY_TASK_FOLLOWER_LOST,        /* the task vanished from the server */
} FerryTaskFollowerStatus;

GType ferry_task_follower_status_get_type (void);
#define FERRY_TYPE_TASK_FOLLOWER_STATUS (ferry_task_follower_status_get_type ())

#define FERRY_TYPE_TASK_FOLLOWER (ferry_task_follower_get_type ())
G_DECLARE_FINAL_TYPE (FerryTaskFollower, ferry_task_follower, FERRY, TASK_FOLLOWER, GObject)

/* Follows the task @task_ref on @connection: a task this process started,
 * or one it re-attaches to after a reconnect or a restart. The task keeps
 * running on the server whatever happens here. */
FerryTaskFollower      *ferry_task_follower_new              (FerryConnection    *connection,
                                                              const char         *task_ref);
FerryConnection        *ferry_task_follower_get_connection   (FerryTaskFollower  *self);
const char             *ferry_task_follower_get_ref          (FerryTaskFollower  *self);
FerryTaskFollowerStatus ferry_task_follower_get_status       (FerryTaskFollower  *self);
/* 0.0 … 1.0 */
double                  ferry_task_follower_get_progress     (FerryTaskFollower  *self);
const char             *ferry_task_follower_get_name_label   (FerryTaskFollower  *self);
/* Whether task.cancel is allowed now (allowed_operations has "cancel"). */
gboolean                ferry_task_follower_get_can_cancel   (FerryTaskFollower  *self);
gboolean                ferry_task_follower_is_completed     (FerryTaskFollower  *self);
/* After success: task.result, parsed from its XML-RPC fragment. */
JsonNode               *ferry_task_follower_get_result       (FerryTaskFollower  *self);
/* After failure or cancellation: error_info as a FERRY_XAPI_ERROR; after
 * LOST a FERRY_RPC_ERROR_TASK_LOST. */
const GError           *ferry_task_follower_get_error        (FerryTaskFollower  *self);
/* TRUE by default: task.destroy once the result is read. */
void                    ferry_task_follower_set_destroy_when_done (FerryTaskFollower *self,
                                                              gboolean            destroy);

/* Completes when the task has ended; returns its result or its error.
 * Cancelling @cancellable stops the wait, not the task. */
void                    ferry_task_follower_wait_async       (FerryTaskFollower  *self,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
JsonNode               *ferry_task_follower_wait_finish      (FerryTaskFollower  *self,
                                                              GAsyncResult       *result,
                                                              GError            **error);
/* task.cancel on the server. */
void                    ferry_task_follower_cancel_async     (FerryTaskFollower  *self,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
gboolean                ferry_task_follower_cancel_finish    (FerryTaskFollower  *self,
                                                              GAsyncResult       *result,
                                                              GError            **error);

/* Calls "Async.@method" with @args (see ferry_connection_call_async())
 * and returns a follower for the task it starts. */
void                    ferry_task_follower_start_async      (FerryConnection    *connection,
                                                              const char         *method,
                                                              GVariant           *args,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
FerryTaskFollower      *ferry_task_follower_start_finish     (GAsyncResult       *result,
                                                              GError            **error);

G_END_DECLS
