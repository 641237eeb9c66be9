/* ferry-sim-rpc.c: dispatch in xapi's order: method, parameter count, master,
 * parameter types, session; then the handler, in a task for Async calls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-rpc"

#include "config.h"

#include <string.h>

#include "ferry-sim-error.h"
#include "ferry-sim-lifecycle.h"
#include "ferry-sim-rpc-private.h"
#include "ferry-sim-transfer.h"

struct _FerrySimCall
{
  gatomicrefcount          refs;
  FerrySimPool            *pool;
  char                    *host_ref;
  FerrySimRequest          request;   /* protocol and id, for the reply */
  char                    *wire_name; /* as the client sent it */
  const FerrySimMethodDef *def;
  gboolean                 async;
  char                    *session_ref;
  char                    *task_ref;
  GArray                  *args;      /* of FerrySimValue, session excluded */
  FerrySimReplyFunc        reply;
  gpointer                 reply_data;
  gboolean                 done;
  gint64                   start_generation;
  GCancellable            *cancellable;
};

static GHashTable *methods;  /* wire name (and underscore alias) -> FerrySimMethodDef */
static GMutex      methods_lock;
static GHashTable *running_tasks;  /* task ref -> FerrySimCall, while the handler runs */

static void register_builtin (void);

GHashTable *
_ferry_sim_rpc_get_methods (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      methods = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      register_builtin ();
      g_once_init_leave (&initialized, 1);
    }

  return methods;
}

void
ferry_sim_rpc_register (const FerrySimMethodDef *defs,
                        guint                    n_defs)
{
  /* The built-in table first; while it is being filled, methods exists. */
  if (methods == NULL)
    _ferry_sim_rpc_get_methods ();

  g_mutex_lock (&methods_lock);
  for (guint i = 0; i < n_defs; i++)
    {
      const char *dot = strchr (defs[i].name, '.');

      g_hash_table_replace (methods, g_strdup (defs[i].name), (gpointer) &defs[i]);
      /* xapi also answers "VM_get_all" (gen_server.ml alternative_wire_name). */
      if (dot != NULL)
        {
          g_autofree char *alias = g_strdup (defs[i].name);
          alias[dot - defs[i].name] = '_';
          if (!g_hash_table_contains (methods, alias))
            g_hash_table_insert (methods, g_steal_pointer (&alias), (gpointer) &defs[i]);
        }
    }
  g_mutex_unlock (&methods_lock);
}

static void
register_builtin (void)
{
  _ferry_sim_generic_register ();
  _ferry_sim_session_register ();
  _ferry_sim_event_register ();
  _ferry_sim_task_register ();
  _ferry_sim_vm_register ();
  _ferry_sim_host_register ();
  _ferry_sim_migrate_register ();
  _ferry_sim_evacuate_register ();
  _ferry_sim_storage_register ();
  _ferry_sim_transfer_register ();
}

const FerrySimMethodDef *
ferry_sim_rpc_lookup (const char *name)
{
  const FerrySimMethodDef *def;
  GHashTable *table = _ferry_sim_rpc_get_methods ();

  g_mutex_lock (&methods_lock);
  def = g_hash_table_lookup (table, name);
  g_mutex_unlock (&methods_lock);

  return def;
}

GSource *
_ferry_sim_timeout_add (guint          msec,
                        GSourceFunc    func,
                        gpointer       data,
                        GDestroyNotify destroy)
{
  GSource *source = g_timeout_source_new (msec);

  g_source_set_callback (source, func, data, destroy);
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

void
_ferry_sim_idle_add (GSourceFunc    func,
                     gpointer       data,
                     GDestroyNotify destroy)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, func, data, destroy);
  g_source_attach (source, g_main_context_get_thread_default ());
}

void
_ferry_sim_source_clear (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
clear_value (gpointer data)
{
  ferry_sim_value_clear (data);
}

FerrySimCall *
ferry_sim_call_ref (FerrySimCall *call)
{
  g_atomic_ref_count_inc (&call->refs);
  return call;
}

void
ferry_sim_call_unref (FerrySimCall *call)
{
  if (!g_atomic_ref_count_dec (&call->refs))
    return;

  g_clear_object (&call->pool);
  g_free (call->host_ref);
  g_free (call->request.method);
  ferry_sim_value_clear (&call->request.id);
  g_free (call->wire_name);
  g_free (call->session_ref);
  g_free (call->task_ref);
  g_clear_pointer (&call->args, g_array_unref);
  g_clear_object (&call->cancellable);
  g_free (call);
}

FerrySimPool *
ferry_sim_call_get_pool (FerrySimCall *call)
{
  return call->pool;
}

FerrySimDb *
ferry_sim_call_get_db (FerrySimCall *call)
{
  return ferry_sim_pool_get_db (call->pool);
}

const char *
ferry_sim_call_get_method (FerrySimCall *call)
{
  return call->def->name;
}

const FerrySimMethodDef *
ferry_sim_call_get_def (FerrySimCall *call)
{
  return call->def;
}

const char *
ferry_sim_call_get_host_ref (FerrySimCall *call)
{
  return call->host_ref;
}

FerrySimRow *
ferry_sim_call_get_session (FerrySimCall *call)
{
  return ferry_sim_db_lookup_in (ferry_sim_call_get_db (call), "session", call->session_ref);
}

const char *
ferry_sim_call_get_session_ref (FerrySimCall *call)
{
  return call->session_ref;
}

FerrySimRow *
ferry_sim_call_get_task (FerrySimCall *call)
{
  return ferry_sim_db_lookup_in (ferry_sim_call_get_db (call), "task", call->task_ref);
}

guint
ferry_sim_call_get_n_args (FerrySimCall *call)
{
  return call->args->len;
}

const FerrySimValue *
ferry_sim_call_get_arg (FerrySimCall *call,
                        guint         i)
{
  static const FerrySimValue null_value = FERRY_SIM_VALUE_INIT;

  if (i >= call->args->len)
    return &null_value;
  return &g_array_index (call->args, FerrySimValue, i);
}

const char *
ferry_sim_call_get_arg_string (FerrySimCall *call,
                               guint         i)
{
  return ferry_sim_value_get_string (ferry_sim_call_get_arg (call, i));
}

FerrySimRow *
ferry_sim_call_get_arg_row (FerrySimCall  *call,
                            guint          i,
                            const char    *class_name,
                            GError       **error)
{
  const char *ref = ferry_sim_call_get_arg_string (call, i);
  FerrySimRow *row = ferry_sim_db_lookup_in (ferry_sim_call_get_db (call), class_name, ref);

  if (row == NULL)
    ferry_sim_set_failure (error, "HANDLE_INVALID", class_name, ref ? ref : "", NULL);
  return row;
}

GCancellable *
ferry_sim_call_get_cancellable (FerrySimCall *call)
{
  return call->cancellable;
}

void
ferry_sim_call_set_cancellable (FerrySimCall *call,
                                gboolean      cancellable)
{
  FerrySimRow *task = ferry_sim_call_get_task (call);
  FerrySimValue operations = FERRY_SIM_VALUE_INIT;

  if (task == NULL)
    return;

  ferry_sim_value_set_array (&operations);
  if (cancellable)
    ferry_sim_value_append_string (&operations, "cancel");
  ferry_sim_db_set_value (ferry_sim_call_get_db (call), task, "allowed_operations", &operations);
}

void
ferry_sim_call_set_progress (FerrySimCall *call,
                             double        progress)
{
  FerrySimRow *task = ferry_sim_call_get_task (call);

  if (task != NULL)
    ferry_sim_db_set_float (ferry_sim_call_get_db (call), task, "progress", CLAMP (progress, 0.0, 1.0));
}

FerrySimCall *
_ferry_sim_rpc_lookup_task_call (const char *task_ref)
{
  return running_tasks ? g_hash_table_lookup (running_tasks, task_ref) : NULL;
}

static void
send_reply (FerrySimCall *call,
            GString      *body)
{
  call->reply (call, body, call->reply_data);
}

static void
finish_task (FerrySimCall        *call,
             const char          *status,
             const char          *result,
             const char * const  *error_info)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *task = ferry_sim_call_get_task (call);
  FerrySimValue value = FERRY_SIM_VALUE_INIT;

  if (task == NULL)
    return;

  if (error_info != NULL)
    {
      ferry_sim_value_set_array (&value);
      for (guint i = 0; error_info[i]; i++)
        ferry_sim_value_append_string (&value, error_info[i]);
      ferry_sim_db_set_value (db, task, "error_info", &value);
    }
  if (result != NULL)
    ferry_sim_db_set_string (db, task, "result", result);
  ferry_sim_db_set_float (db, task, "progress", 1.0);
  ferry_sim_value_set_datetime_now (&value);
  ferry_sim_db_set_value (db, task, "finished", &value);
  ferry_sim_value_set_array (&value);
  ferry_sim_db_set_value (db, task, "allowed_operations", &value);
  ferry_sim_db_set_string (db, task, "status", status);

  /* A task destroyed while pending goes once it completes (xapi.md §3.9). */
  if (ferry_sim_pool_get_sim_attribute (call->pool, task->ref, "destroyed") != NULL)
    {
      ferry_sim_pool_set_sim_attribute (call->pool, task->ref, "destroyed", NULL);
      ferry_sim_db_delete_row (db, task);
    }
}

static gboolean
begin_completion (FerrySimCall *call)
{
  if (call->done)
    {
      g_critical ("%s completed twice", call->def->name);
      return FALSE;
    }
  call->done = TRUE;
  /* allowed_operations follows every state change (xapi.md §8.3). */
  ferry_sim_lifecycle_refresh (ferry_sim_call_get_db (call), call->start_generation);
  if (call->task_ref != NULL && running_tasks != NULL)
    g_hash_table_remove (running_tasks, call->task_ref);
  return TRUE;
}

static void
write_value_cb (GString  *out,
                gboolean  json,
                gpointer  data)
{
  if (json)
    ferry_sim_value_write_json (data, out);
  else
    ferry_sim_value_write_xmlrpc (data, out);
}

static void
free_value (gpointer data)
{
  ferry_sim_value_clear (data);
  g_free (data);
}

void
ferry_sim_call_return_writer (FerrySimCall         *call,
                              FerrySimResultWriter  writer,
                              gpointer              data,
                              GDestroyNotify        destroy)
{
  if (!begin_completion (call))
    {
      if (destroy)
        destroy (data);
      return;
    }

  if (call->async)
    {
      g_autoptr(GString) xml = g_string_new (NULL);

      writer (xml, FALSE, data);
      finish_task (call, "success", xml->str, NULL);
    }
  else
    {
      g_autoptr(GString) body = g_string_new (NULL);

      ferry_sim_response_write_success (body, &call->request, writer, data);
      send_reply (call, g_steal_pointer (&body));
    }

  if (destroy)
    destroy (data);
  ferry_sim_call_unref (call);  /* the dispatcher's reference */
}

void
ferry_sim_call_return_value (FerrySimCall  *call,
                             FerrySimValue *value)
{
  FerrySimValue *owned = g_new0 (FerrySimValue, 1);

  ferry_sim_value_move (owned, value);
  ferry_sim_call_return_writer (call, write_value_cb, owned, free_value);
}

void
ferry_sim_call_return_string (FerrySimCall *call,
                              const char   *text)
{
  FerrySimValue value = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_set_string (&value, text);
  ferry_sim_call_return_value (call, &value);
}

void
ferry_sim_call_return_void (FerrySimCall *call)
{
  /* void is "" in JSON and <value></value> in XML-RPC (xapi.md §1.4). */
  ferry_sim_call_return_string (call, "");
}

void
ferry_sim_call_return_error (FerrySimCall *call,
                             GError       *error)
{
  g_auto(GStrv) description = ferry_sim_failure_description (error);

  g_error_free (error);
  if (!begin_completion (call))
    return;

  if (call->async)
    finish_task (call,
                 g_strcmp0 (description[0], "TASK_CANCELLED") == 0 ? "cancelled" : "failure",
                 NULL, (const char * const *) description);
  else
    {
      g_autoptr(GString) body = g_string_new (NULL);

      ferry_sim_response_write_failure (body, &call->request, (const char * const *) description);
      send_reply (call, g_steal_pointer (&body));
    }

  ferry_sim_call_unref (call);  /* the dispatcher's reference */
}

static void
reply_failure (const FerrySimRequest *request,
               FerrySimReplyFunc      reply,
               gpointer               user_data,
               FerrySimCall          *call,
               GError                *error)
{
  g_auto(GStrv) description = ferry_sim_failure_description (error);
  g_autoptr(GString) body = g_string_new (NULL);

  g_error_free (error);
  ferry_sim_response_write_failure (body, request, (const char * const *) description);
  reply (call, g_steal_pointer (&body), user_data);
}

static FerrySimRow *
create_task (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *task = ferry_sim_db_create (db, "task");
  FerrySimRow *master = ferry_sim_pool_get_master (call->pool);
  g_autofree char *name = g_strconcat ("Async.", call->def->name, NULL);
  FerrySimValue now = FERRY_SIM_VALUE_INIT;

  ferry_sim_db_set_string (db, task, "name_label", name);
  ferry_sim_db_set_string (db, task, "status", "pending");
  ferry_sim_value_set_datetime_now (&now);
  ferry_sim_db_set_value (db, task, "created", &now);
  if (master != NULL)
    ferry_sim_db_set_string (db, task, "resident_on", master->ref);

  return task;
}

static gboolean
run_handler_cb (gpointer data)
{
  FerrySimCall *call = data;

  call->def->handler (call);
  return G_SOURCE_REMOVE;
}

void
ferry_sim_rpc_dispatch (FerrySimPool          *pool,
                        const char            *host_ref,
                        const char            *master_address,
                        const FerrySimRequest *request,
                        FerrySimReplyFunc      reply,
                        gpointer               user_data)
{
  const FerrySimMethodDef *def;
  const char *wire_name = request->method;
  gboolean async = FALSE;
  gboolean needs_session;
  guint n_params = ferry_sim_value_get_length (&request->params);
  guint n_declared = 0;
  guint received;
  FerrySimCall *call;
  FerrySimRow *master;
  FerrySimDb *db = ferry_sim_pool_get_db (pool);

  g_return_if_fail (FERRY_SIM_IS_POOL (pool));

  if (g_str_has_prefix (wire_name, "Async."))
    {
      async = TRUE;
      def = ferry_sim_rpc_lookup (wire_name + strlen ("Async."));
    }
  else
    def = ferry_sim_rpc_lookup (wire_name);

  if (def == NULL)
    {
      reply_failure (request, reply, user_data, NULL,
                     ferry_sim_failure_new ("MESSAGE_METHOD_UNKNOWN", wire_name, NULL));
      return;
    }

  if (async && (def->flags & FERRY_SIM_METHOD_NO_ASYNC))
    {
      g_autofree char *text = g_strdup_printf ("No async mode for this operation (rpc: %s)", wire_name);
      reply_failure (request, reply, user_data, NULL, ferry_sim_failure_new ("Fault", text, NULL));
      return;
    }

  /* Parameter count (gen_server.ml): exact unless trailing ones have defaults. */
  needs_session = !(def->flags & FERRY_SIM_METHOD_NO_SESSION);
  while (n_declared < FERRY_SIM_MAX_PARAMS && def->params[n_declared] != NULL)
    n_declared++;
  received = needs_session ? (n_params > 0 ? n_params - 1 : 0) : n_params;
  if ((needs_session && n_params == 0) ||
      (def->n_required == n_declared && received != n_declared) ||
      received < def->n_required)
    {
      g_autofree char *expected = g_strdup_printf ("%u", def->n_required);
      g_autofree char *got = g_strdup_printf ("%u", needs_session && n_params == 0 ? 0 : received);
      reply_failure (request, reply, user_data, NULL,
                     ferry_sim_failure_new ("MESSAGE_PARAMETER_COUNT_MISMATCH",
                                            def->name, expected, got, NULL));
      return;
    }

  /* A pool member sends every client to its master (xapi.md §1.8). */
  master = ferry_sim_pool_get_master (pool);
  if (master != NULL && host_ref != NULL && g_strcmp0 (master->ref, host_ref) != 0)
    {
      reply_failure (request, reply, user_data, NULL,
                     ferry_sim_failure_new ("HOST_IS_SLAVE", master_address ? master_address : "", NULL));
      return;
    }

  call = g_new0 (FerrySimCall, 1);
  g_atomic_ref_count_init (&call->refs);
  call->pool = g_object_ref (pool);
  call->host_ref = g_strdup (host_ref);
  call->request.protocol = request->protocol;
  ferry_sim_value_copy (&call->request.id, &request->id);
  call->wire_name = g_strdup (wire_name);
  call->start_generation = ferry_sim_db_get_generation (db);
  call->def = def;
  call->async = async;
  call->reply = reply;
  call->reply_data = user_data;
  call->cancellable = g_cancellable_new ();
  call->args = g_array_new (FALSE, TRUE, sizeof (FerrySimValue));
  g_array_set_clear_func (call->args, clear_value);

  /* Unmarshal the arguments by their declared types. */
  for (guint i = 0; i < MIN (received, n_declared); i++)
    {
      const FerrySimValue *in = ferry_sim_value_index (&request->params, i + (needs_session ? 1 : 0));
      FerrySimValue out = FERRY_SIM_VALUE_INIT;

      if (!ferry_sim_type_coerce (ferry_sim_type_parse (def->params[i]), in, &out))
        {
          g_autofree char *position = g_strdup_printf ("%u", i + (needs_session ? 1 : 0));
          reply_failure (request, reply, user_data, call,
                         ferry_sim_failure_new ("FIELD_TYPE_ERROR", position, NULL));
          ferry_sim_call_unref (call);
          return;
        }
      g_array_append_val (call->args, out);
    }

  if (needs_session)
    {
      const FerrySimValue *session = ferry_sim_value_index (&request->params, 0);
      const char *session_ref = ferry_sim_value_get_string (session);

      if (session->kind != FERRY_SIM_VALUE_STRING ||
          ferry_sim_db_lookup_in (db, "session", session_ref) == NULL)
        {
          g_autoptr(GString) shown = g_string_new (NULL);

          if (session_ref != NULL)
            g_string_append (shown, session_ref);
          else if (session->kind == FERRY_SIM_VALUE_INT)
            g_string_append_printf (shown, "%" G_GINT64_FORMAT, session->i);
          reply_failure (request, reply, user_data, call,
                         ferry_sim_failure_new ("SESSION_INVALID", shown->str, NULL));
          ferry_sim_call_unref (call);
          return;
        }
      call->session_ref = g_strdup (session_ref);
    }

  if (!async)
    {
      def->handler (call);
      return;
    }

  /* Async: the task ref goes back now; the business checks run in the task. */
  {
    FerrySimRow *task = create_task (call);
    g_autoptr(GString) body = g_string_new (NULL);
    FerrySimValue ref = FERRY_SIM_VALUE_INIT;

    call->task_ref = g_strdup (task->ref);
    if (running_tasks == NULL)
      running_tasks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_insert (running_tasks, g_strdup (task->ref), call);
    ferry_sim_value_set_string (&ref, task->ref);
    ferry_sim_response_write_value (body, request, &ref);
    ferry_sim_value_clear (&ref);
    reply (call, g_steal_pointer (&body), user_data);

    _ferry_sim_idle_add (run_handler_cb, call, NULL);
  }
}

void
ferry_sim_rpc_expire_sessions (FerrySimPool *pool)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  GPtrArray *sessions = ferry_sim_db_get_rows_by_name (db, "session");

  while (sessions->len > 0)
    ferry_sim_db_delete_row (db, g_ptr_array_index (sessions, sessions->len - 1));
}
