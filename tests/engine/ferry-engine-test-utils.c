/* ferry-engine-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-engine-test-utils"

#include "config.h"

#include "ferry-engine-test-utils.h"
#include "ferry-error.h"
#include "ferry-sim-error.h"
#include "ferry-sim-rpc.h"
#include "ferry-sim-world.h"

double
ferry_test_time_scale (void)
{
  const char *env = g_getenv ("FERRY_TEST_TIME_SCALE");
  double scale = env ? g_ascii_strtod (env, NULL) : 1;

  return scale >= 1 ? scale : 1;
}

guint
ferry_test_scale_ms (guint ms)
{
  return (guint) MIN (ms * ferry_test_time_scale (), (double) G_MAXUINT);
}

void
ferry_test_wait_for (const gboolean *flag,
                     guint           timeout_ms)
{
  gint64 end;

  timeout_ms = ferry_test_scale_ms (timeout_ms);
  end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  while (!*flag)
    {
      if (g_get_monotonic_time () > end)
        g_error ("Timed out after %u ms", timeout_ms);
      g_main_context_iteration (NULL, FALSE);
      if (!*flag)
        g_usleep (500);
    }
}

gboolean
ferry_test_wait_until (gboolean (*func) (gpointer),
                       gpointer   data,
                       guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ferry_test_scale_ms (timeout_ms) * 1000;

  while (!func (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (500);
    }
  return TRUE;
}

void
ferry_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
}

void
ferry_test_result_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static gboolean
result_is_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

GAsyncResult *
ferry_test_wait_result (GAsyncResult **result)
{
  if (!ferry_test_wait_until (result_is_set, result, 30000))
    g_error ("No result after %u ms", ferry_test_scale_ms (30000));
  return g_steal_pointer (result);
}

static gboolean
on_trust_request_cb (FerryConnection   *connection,
                     FerryTrustRequest *request,
                     gpointer           user_data)
{
  guint *counter = user_data;

  if (counter != NULL)
    (*counter)++;
  ferry_trust_request_complete (request, TRUE);
  return TRUE;
}

void
ferry_test_trust_everything (FerryConnection *connection,
                             guint           *counter)
{
  g_signal_connect (connection, "trust-request", G_CALLBACK (on_trust_request_cb), counter);
}

FerryConnection *
ferry_test_connection_new (const char     *address,
                           FerryTransport  transport)
{
  FerryConnection *connection = ferry_connection_new (address, "root", transport);

  ferry_connection_set_password (connection, FERRY_TEST_PASSWORD);
  ferry_connection_set_reconnect_delays (connection, 0.1, 0.4);
  ferry_connection_set_timeout (connection, ferry_test_scale_ms (10000) / 1000);
  ferry_test_trust_everything (connection, NULL);
  return connection;
}

gboolean
ferry_test_open_sync (FerryConnection  *connection,
                      GError          **error)
{
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  ferry_connection_open_async (connection, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  return ferry_connection_open_finish (connection, result, error);
}

void
ferry_test_open (FerryConnection *connection)
{
  g_autoptr(GError) error = NULL;

  ferry_test_open_sync (connection, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ferry_connection_get_state (connection), ==, FERRY_CONNECTION_STATE_CONNECTED);
}

void
ferry_test_close (FerryConnection *connection)
{
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  ferry_connection_close_async (connection, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  g_assert_true (ferry_connection_close_finish (connection, result, &error));
  g_assert_no_error (error);
}

JsonNode *
ferry_test_call_sync (FerryConnection  *connection,
                      const char       *method,
                      GVariant         *args,
                      FerryCallFlags    flags,
                      GError          **error)
{
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  ferry_connection_call_async (connection, method, args, flags, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  return ferry_connection_call_finish (connection, result, error);
}

typedef struct
{
  FerryConnection      *connection;
  FerryConnectionState  state;
} StateWait;

static gboolean
state_reached (gpointer data)
{
  StateWait *wait = data;

  return ferry_connection_get_state (wait->connection) == wait->state;
}

void
ferry_test_wait_state (FerryConnection      *connection,
                       FerryConnectionState  state,
                       guint                 timeout_ms)
{
  StateWait wait = { connection, state };

  if (!ferry_test_wait_until (state_reached, &wait, timeout_ms))
    {
      g_autofree char *want = g_enum_to_string (FERRY_TYPE_CONNECTION_STATE, state);
      g_autofree char *have = g_enum_to_string (FERRY_TYPE_CONNECTION_STATE,
                                                ferry_connection_get_state (connection));
      g_error ("Connection state is %s, not %s, after %u ms", have, want, ferry_test_scale_ms (timeout_ms));
    }
}

/* The simulator */

static JsonObject *
find_entry (JsonNode   *root,
            const char *name)
{
  JsonObject *object = json_node_get_object (root);
  const char *lists[] = { "pools", "standalone" };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      JsonArray *array = json_object_get_array_member (object, lists[l]);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *entry = json_array_get_object_element (array, i);

          if (g_strcmp0 (json_object_get_string_member (entry, "name"), name) == 0)
            return entry;
        }
    }
  g_error ("No pool or host named %s", name);
  return NULL;
}

static JsonObject *
find_host (FerrySimTestServer *server,
           JsonNode           *root,
           const char         *name,
           int                 member)
{
  JsonObject *entry = find_entry (root, name);
  JsonArray *hosts;
  int seen = 0;

  if (!json_object_has_member (entry, "hosts"))
    {
      g_assert_cmpint (member, <, 0);
      return entry;
    }

  hosts = json_object_get_array_member (entry, "hosts");
  for (guint i = 0; i < json_array_get_length (hosts); i++)
    {
      JsonObject *host = json_array_get_object_element (hosts, i);
      gboolean master = json_object_get_boolean_member (host, "master");

      if ((member < 0 && master) || (member >= 0 && !master && seen++ == member))
        return host;
    }
  g_error ("%s has no host %d", name, member);
  return NULL;
}

char *
ferry_test_sim_address (FerrySimTestServer *server,
                        const char         *name,
                        int                 member)
{
  g_autoptr(JsonNode) root = ferry_sim_test_server_get_announcement (server);

  return g_strdup (json_object_get_string_member (find_host (server, root, name, member), "address"));
}

char *
ferry_test_sim_host_ref (FerrySimTestServer *server,
                         const char         *name,
                         int                 member)
{
  g_autoptr(JsonNode) root = ferry_sim_test_server_get_announcement (server);

  return g_strdup (json_object_get_string_member (find_host (server, root, name, member), "ref"));
}

typedef struct
{
  FerrySimTestServer *server;
  const char         *name;
  const char         *text;
  const char         *text2;
  guint               count;
} SimJob;

static FerrySimPool *
job_pool (SimJob *job)
{
  FerrySimPool *pool = ferry_sim_world_lookup_pool (ferry_sim_test_server_get_world (job->server), job->name);

  g_assert_nonnull (pool);
  return pool;
}

static gboolean
expire_cb (gpointer data)
{
  ferry_sim_rpc_expire_sessions (job_pool (data));
  return G_SOURCE_REMOVE;
}

void
ferry_test_sim_expire_sessions (FerrySimTestServer *server,
                                const char         *name)
{
  SimJob job = { server, name };

  ferry_sim_test_server_invoke (server, expire_cb, &job);
}

static gboolean
set_master_cb (gpointer data)
{
  SimJob *job = data;
  FerrySimPool *pool = job_pool (job);

  ferry_sim_db_set_string (ferry_sim_pool_get_db (pool), ferry_sim_pool_get_pool_row (pool),
                           "master", job->text);
  return G_SOURCE_REMOVE;
}

void
ferry_test_sim_set_master (FerrySimTestServer *server,
                           const char         *name,
                           const char         *host_ref)
{
  SimJob job = { server, name, host_ref };

  ferry_sim_test_server_invoke (server, set_master_cb, &job);
}

static gboolean
set_host_address_cb (gpointer data)
{
  SimJob *job = data;
  FerrySimDb *db = ferry_sim_pool_get_db (job_pool (job));
  FerrySimRow *host = ferry_sim_db_lookup_in (db, "host", job->text);

  g_assert_nonnull (host);
  ferry_sim_db_set_string (db, host, "address", job->text2);
  return G_SOURCE_REMOVE;
}

void
ferry_test_sim_set_host_address (FerrySimTestServer *server,
                                 const char         *name,
                                 const char         *host_ref,
                                 const char         *address)
{
  SimJob job = { server, name, host_ref, address };

  ferry_sim_test_server_invoke (server, set_host_address_cb, &job);
}

static gboolean
set_password_cb (gpointer data)
{
  SimJob *job = data;

  ferry_sim_pool_set_password (job_pool (job), "root", job->text);
  return G_SOURCE_REMOVE;
}

void
ferry_test_sim_set_password (FerrySimTestServer *server,
                             const char         *name,
                             const char         *password)
{
  SimJob job = { server, name, password };

  ferry_sim_test_server_invoke (server, set_password_cb, &job);
}

static gboolean
count_sessions_cb (gpointer data)
{
  SimJob *job = data;
  GPtrArray *sessions = ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (job_pool (job)), "session");

  for (guint i = 0; i < sessions->len; i++)
    if (job->text == NULL ||
        g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (sessions, i), "originator"), job->text) == 0)
      job->count++;
  return G_SOURCE_REMOVE;
}

guint
ferry_test_sim_count_sessions (FerrySimTestServer *server,
                               const char         *name,
                               const char         *originator)
{
  SimJob job = { server, name, originator };

  ferry_sim_test_server_invoke (server, count_sessions_cb, &job);
  return job.count;
}

/* Test methods, run on the simulator's thread. */

typedef struct
{
  FerrySimCall *call;
  guint         steps;
  guint         done;
  guint         step_ms;
} Work;

static gint n_sleeping;

static gboolean
on_slept_cb (gpointer data)
{
  FerrySimCall *call = data;

  g_atomic_int_add (&n_sleeping, -1);
  ferry_sim_call_return_string (call, "slept");
  ferry_sim_call_unref (call);
  return G_SOURCE_REMOVE;
}

static void
sleep_handler (FerrySimCall *call)
{
  gint64 ms = ferry_sim_call_get_arg (call, 0)->i;
  g_autoptr(GSource) source = g_timeout_source_new ((guint) ms);

  g_atomic_int_inc (&n_sleeping);
  g_source_set_callback (source, on_slept_cb, ferry_sim_call_ref (call), NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
}

guint
ferry_test_sim_get_n_sleeping (void)
{
  return (guint) g_atomic_int_get (&n_sleeping);
}

static gboolean
on_work_step_cb (gpointer data)
{
  Work *work = data;

  if (g_cancellable_is_cancelled (ferry_sim_call_get_cancellable (work->call)))
    {
      ferry_sim_call_return_error (work->call, ferry_sim_failure_new ("TASK_CANCELLED", "by the test", NULL));
      goto done;
    }

  work->done++;
  ferry_sim_call_set_progress (work->call, (double) work->done / work->steps);
  if (work->done < work->steps)
    return G_SOURCE_CONTINUE;

  {
    FerrySimValue map = FERRY_SIM_VALUE_INIT;
    g_autofree char *steps = g_strdup_printf ("%u", work->steps);

    ferry_sim_value_set_map (&map);
    ferry_sim_value_insert_string (&map, "steps", steps);
    ferry_sim_value_insert_string (&map, "note", "<done> & dusted");
    ferry_sim_call_set_cancellable (work->call, FALSE);
    ferry_sim_call_return_value (work->call, &map);
  }

done:
  ferry_sim_call_unref (work->call);
  g_free (work);
  return G_SOURCE_REMOVE;
}

static void
work_handler (FerrySimCall *call)
{
  Work *work = g_new0 (Work, 1);
  g_autoptr(GSource) source = NULL;

  work->call = ferry_sim_call_ref (call);
  work->steps = MAX (1, (guint) ferry_sim_call_get_arg (call, 0)->i);
  work->step_ms = MAX (1, (guint) ferry_sim_call_get_arg (call, 1)->i);
  ferry_sim_call_set_cancellable (call, TRUE);

  source = g_timeout_source_new (work->step_ms);
  g_source_set_callback (source, on_work_step_cb, work, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
}

static const FerrySimMethodDef *original_event_from;
static char *event_from_failure;
static guint event_from_failures;
static guint event_from_calls;
static GMutex event_from_lock;

static void
event_from_handler (FerrySimCall *call)
{
  g_autofree char *code = NULL;

  g_mutex_lock (&event_from_lock);
  event_from_calls++;
  if (event_from_failures > 0)
    {
      event_from_failures--;
      code = g_strdup (event_from_failure);
    }
  g_mutex_unlock (&event_from_lock);

  if (code != NULL)
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new (code, NULL));
      return;
    }
  original_event_from->handler (call);
}

static FerrySimMethodDef test_methods[] = {
  { "VM.ferry_test_sleep", sleep_handler, 0, 1, { "int" } },
  { "VM.ferry_test_work", work_handler, 0, 2, { "int", "int" } },
  { "event.from", event_from_handler, FERRY_SIM_METHOD_NO_ASYNC, 3, { "string set", "string", "float" } },
};

void
ferry_test_sim_register_methods (void)
{
  if (original_event_from != NULL)
    return;

  /* The lookup also sets up the registry. */
  original_event_from = ferry_sim_rpc_lookup ("event.from");
  g_assert_nonnull (original_event_from);
  ferry_sim_rpc_register (test_methods, G_N_ELEMENTS (test_methods));
}

void
ferry_test_sim_fail_event_from (const char *code,
                                guint       n)
{
  g_mutex_lock (&event_from_lock);
  g_free (event_from_failure);
  event_from_failure = g_strdup (code);
  event_from_failures = n;
  g_mutex_unlock (&event_from_lock);
}

guint
ferry_test_sim_get_n_event_from (void)
{
  guint n;

  g_mutex_lock (&event_from_lock);
  n = event_from_calls;
  g_mutex_unlock (&event_from_lock);
  return n;
}
