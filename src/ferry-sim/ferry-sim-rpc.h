/* ferry-sim-rpc.h: XenAPI calls: method registry, sessions, tasks and events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-sim-pool.h"
#include "ferry-sim-wire.h"

G_BEGIN_DECLS

#define FERRY_SIM_MAX_PARAMS 10

typedef struct _FerrySimCall FerrySimCall;
typedef void (*FerrySimHandler) (FerrySimCall *call);

typedef enum
{
  FERRY_SIM_METHOD_NO_SESSION = 1 << 0,  /* login calls and system.* */
  FERRY_SIM_METHOD_NO_ASYNC   = 1 << 1,  /* accessors, session, task and event calls */
} FerrySimMethodFlags;

typedef struct
{
  const char      *name;        /* wire name: "VM.pool_migrate" */
  FerrySimHandler  handler;
  guint            flags;
  guint            n_required;  /* parameters without a default, session excluded */
  const char      *params[FERRY_SIM_MAX_PARAMS];  /* type spellings, session excluded */
  gconstpointer    data;
} FerrySimMethodDef;

/* Called once per call with the HTTP body to send, which it takes over: for
 * an Async call, as soon as its task exists. */
typedef void (*FerrySimReplyFunc) (FerrySimCall *call,
                                   GString      *body,
                                   gpointer      user_data);

void            ferry_sim_rpc_register        (const FerrySimMethodDef *defs,
                                               guint                    n_defs);
const FerrySimMethodDef *ferry_sim_rpc_lookup (const char              *name);

/* @host_ref: the host whose address received the call. @request is borrowed
 * until @reply has been called. */
void            ferry_sim_rpc_dispatch        (FerrySimPool            *pool,
                                               const char              *host_ref,
                                               const char              *master_address,
                                               const FerrySimRequest   *request,
                                               FerrySimReplyFunc        reply,
                                               gpointer                 user_data);

/* Removes every session of @pool: the next call of each client gets SESSION_INVALID. */
void            ferry_sim_rpc_expire_sessions (FerrySimPool            *pool);

FerrySimCall   *ferry_sim_call_ref            (FerrySimCall            *call);
void            ferry_sim_call_unref          (FerrySimCall            *call);
FerrySimPool   *ferry_sim_call_get_pool       (FerrySimCall            *call);
FerrySimDb     *ferry_sim_call_get_db         (FerrySimCall            *call);
const char     *ferry_sim_call_get_method     (FerrySimCall            *call);
const FerrySimMethodDef *ferry_sim_call_get_def (FerrySimCall          *call);
const char     *ferry_sim_call_get_host_ref   (FerrySimCall            *call);
FerrySimRow    *ferry_sim_call_get_session    (FerrySimCall            *call);
const char     *ferry_sim_call_get_session_ref (FerrySimCall           *call);
/* The task of an Async call, or NULL. */
FerrySimRow    *ferry_sim_call_get_task       (FerrySimCall            *call);
guint           ferry_sim_call_get_n_args     (FerrySimCall            *call);
const FerrySimValue *ferry_sim_call_get_arg   (FerrySimCall            *call,
                                               guint                    i);
const char     *ferry_sim_call_get_arg_string (FerrySimCall            *call,
                                               guint                    i);
/* The row named by argument @i, or NULL with HANDLE_INVALID [class; ref]. */
FerrySimRow    *ferry_sim_call_get_arg_row    (FerrySimCall            *call,
                                               guint                    i,
                                               const char              *class_name,
                                               GError                 **error);

/* Cancelled by task.cancel while the task allows it (see ferry_sim_call_set_cancellable). */
GCancellable   *ferry_sim_call_get_cancellable (FerrySimCall           *call);
/* Marks the call's task as cancellable now (allowed_operations = [cancel]) or not. */
void            ferry_sim_call_set_cancellable (FerrySimCall           *call,
                                               gboolean                 cancellable);
void            ferry_sim_call_set_progress   (FerrySimCall            *call,
                                               double                   progress);

/* Exactly one of these ends a call. Each takes ownership of its argument. */
void            ferry_sim_call_return_value   (FerrySimCall            *call,
                                               FerrySimValue           *value);
void            ferry_sim_call_return_void    (FerrySimCall            *call);
void            ferry_sim_call_return_string  (FerrySimCall            *call,
                                               const char              *text);
void            ferry_sim_call_return_writer  (FerrySimCall            *call,
                                               FerrySimResultWriter     writer,
                                               gpointer                 data,
                                               GDestroyNotify           destroy);
void            ferry_sim_call_return_error   (FerrySimCall            *call,
                                               GError                  *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerrySimCall, ferry_sim_call_unref)

G_END_DECLS
