/* ferry-connection.c
 *
 * A FerryConnection is one pool (or standalone host) as the user added it.
 * It logs in at the address given, follows HOST_IS_SLAVE to the master,
 * and keeps one session there. Calls carry that session; SESSION_INVALID
 * leads to one shared re-login and the call is sent again (xapi checks the
 * session before anything else, so the first attempt did nothing).
 *
 * While connected, an event.from loop feeds the FerryCache. Each reply is
 * parsed and turned into a cache batch on a worker thread; the main thread
 * only applies it. The first batch of every session is a snapshot (empty
 * token); so is the one after EVENTS_LOST or a token the server refuses.
 * The host and pool records that pass by keep the list of pool members.
 *
 * When the master is lost (the event loop or a call fails in transport, or
 * the old master now answers HOST_IS_SLAVE), the state turns RECONNECTING
 * and attempts follow with exponential back-off: the last master first,
 * then every remembered member, then the address the user typed. A member
 * answers HOST_IS_SLAVE with the new master's address, or is the new master.
 * Calls made meanwhile wait (up to their timeout); calls that were in
 * flight are sent again only when they are idempotent.
 *
 * The password lives in this object's memory only. Nothing here logs it,
 * a session reference, or any parameter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-connection"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "ferry-connection-private.h"
#include "ferry-credentials.h"
#include "ferry-error.h"
#include "ferry-rpc-client.h"
#include "ferry-task-follower-private.h"
#include "ferry-trust-private.h"

#define ORIGINATOR            "Ferry/" PACKAGE_VERSION
#define LOGIN_VERSION         "2.21"
#define MAX_REDIRECTS         4
#define MAX_SESSION_RETRIES   3
#define MAX_LOST_RETRIES      3
#define EVENT_TIMEOUT_MARGIN  30
#define MAX_LOGIN_TIMEOUT     20
#define LOGOUT_TIMEOUT        5

G_DEFINE_ENUM_TYPE (FerryConnectionState, ferry_connection_state,
  G_DEFINE_ENUM_VALUE (FERRY_CONNECTION_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (FERRY_CONNECTION_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (FERRY_CONNECTION_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (FERRY_CONNECTION_STATE_RECONNECTING, "reconnecting"),
  G_DEFINE_ENUM_VALUE (FERRY_CONNECTION_STATE_FAILED, "failed"))

G_DEFINE_ENUM_TYPE (FerryTransport, ferry_transport,
  G_DEFINE_ENUM_VALUE (FERRY_TRANSPORT_HTTPS, "https"),
  G_DEFINE_ENUM_VALUE (FERRY_TRANSPORT_HTTP, "http"))

G_DEFINE_FLAGS_TYPE (FerryCallFlags, ferry_call_flags,
  G_DEFINE_ENUM_VALUE (FERRY_CALL_NONE, "none"),
  G_DEFINE_ENUM_VALUE (FERRY_CALL_IDEMPOTENT, "idempotent"),
  G_DEFINE_ENUM_VALUE (FERRY_CALL_NO_WAIT, "no-wait"))

typedef struct
{
  char *address;
  char *name_label;
} HostInfo;

struct _FerryConnection
{
  GObject               parent_instance;

  char                 *id;
  char                 *address;         /* as the user gave it */
  char                 *username;
  FerryTransport        transport;
  char                 *initial_host;    /* "host:port" of @address */
  char                 *password;        /* secret: never logged */
  char                 *trusted_fingerprint;
  FerryTrustStore      *trust_store;
  FerryCertificateInfo *refused;         /* why the last login was refused, if for trust */
  gboolean              use_keyring;     /* open_async() reads a missing password there */
  FerryCache           *cache;

  FerryConnectionState  state;
  GError               *error;
  guint                 reconnect_in;
  guint                 n_logins;
  gboolean              ever_connected;

  FerryRpcClient       *client;          /* to the master, while connected */
  char                 *session_ref;     /* secret: never logged */
  char                 *master_address;
  char                 *pool_name;
  char                 *pool_master_ref;
  GHashTable           *hosts;           /* host ref → HostInfo */
  GStrv                 members;

  GCancellable         *link;            /* this session's work; cancelled on loss and close */
  GQueue                waiting;         /* GTasks of calls waiting for CONNECTED */
  GPtrArray            *open_tasks;
  GPtrArray            *relogin_waiters; /* GTasks of calls */
  gboolean              relogin_running;
  gboolean              events_await_relogin;

  gboolean              events_enabled;
  gboolean              events_running;
  gboolean              snapshot_needed;
  char                 *token;
  GStrv                 event_classes;
  double                event_timeout;

  guint                 reconnect_id;
  guint                 countdown_id;
  gint64                reconnect_at;
  guint                 n_attempts;
  double                min_delay;
  double                max_delay;

  guint                 timeout;
  guint64               max_reply_size;

  GHashTable           *followers;       /* task ref → FerryTaskFollower (unowned) */
};

G_DEFINE_FINAL_TYPE (FerryConnection, ferry_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_ADDRESS,
  PROP_USERNAME,
  PROP_TRANSPORT,
  PROP_STATE,
  PROP_ERROR,
  PROP_RECONNECT_IN,
  PROP_STATUS_TEXT,
  PROP_MASTER_ADDRESS,
  PROP_POOL_NAME,
  PROP_MEMBERS,
  PROP_CACHE,
  PROP_TIMEOUT,
  PROP_N_LOGINS,
  N_PROPS
};

enum {
  TRUST_REQUEST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void connection_lost  (FerryConnection *self,
                              const GError    *error);
static void events_next      (FerryConnection *self);
static void dispatch         (FerryConnection *self,
                              GTask           *task);
static void schedule_reconnect (FerryConnection *self);

/* Addresses */

/* "host:port" for "host", "host:port", "[v6]:port", "v6" or a URI. */
static char *
normalize_address (const char     *address,
                   FerryTransport  transport)
{
  int default_port = transport == FERRY_TRANSPORT_HTTP ? 80 : 443;
  g_autofree char *text = NULL;
  const char *colon;

  if (address == NULL)
    return NULL;

  text = g_strstrip (g_strdup (address));
  if (*text == '\0')
    return NULL;

  if (strstr (text, "://") != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
      const char *host;
      int port;

      if (uri == NULL || (host = g_uri_get_host (uri)) == NULL || *host == '\0')
        return NULL;
      port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : default_port;
      if (strchr (host, ':') != NULL)
        return g_strdup_printf ("[%s]:%d", host, port);
      return g_strdup_printf ("%s:%d", host, port);
    }

  if (text[0] == '[')
    {
      const char *end = strchr (text, ']');

      if (end == NULL)
        return NULL;
      if (end[1] == ':' && end[2] != '\0')
        return g_strdup (text);
      return g_strdup_printf ("%.*s:%d", (int) (end - text + 1), text, default_port);
    }

  colon = strchr (text, ':');
  if (colon == NULL)
    return g_strdup_printf ("%s:%d", text, default_port);
  if (strchr (colon + 1, ':') != NULL)   /* a bare IPv6 address */
    return g_strdup_printf ("[%s]:%d", text, default_port);
  return g_strdup (text);
}

static char *
url_for (FerryConnection *self,
         const char      *host_port)
{
  return g_strdup_printf ("%s://%s/", self->transport == FERRY_TRANSPORT_HTTP ? "http" : "https",
                          host_port);
}

static FerryRpcClient *
client_for (FerryConnection *self,
            const char      *host_port)
{
  g_autofree char *url = url_for (self, host_port);
  FerryRpcClient *client = ferry_rpc_client_new (url, self->trust_store,
                                                 self->transport == FERRY_TRANSPORT_HTTP);

  ferry_rpc_client_set_timeout (client, self->timeout);
  ferry_rpc_client_set_max_reply_size (client, self->max_reply_size);
  return client;
}

static JsonArray *
login_params (FerryConnection *self)
{
  JsonArray *params = json_array_new ();

  json_array_add_string_element (params, self->username);
  json_array_add_string_element (params, self->password);
  json_array_add_string_element (params, LOGIN_VERSION);
  json_array_add_string_element (params, ORIGINATOR);
  return params;
}

static guint
login_timeout (FerryConnection *self)
{
  return MIN (self->timeout, MAX_LOGIN_TIMEOUT);
}

/* State */

static gboolean
is_trust_error (const GError *error)
{
  return g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN) ||
         g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED) ||
         g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_REJECTED);
}

static void
set_state (FerryConnection      *self,
           FerryConnectionState  state,
           const GError         *error)
{
  gboolean error_changed = FALSE;

  if (error != self->error)
    {
      if (!is_trust_error (error))
        g_clear_object (&self->refused);
      g_clear_error (&self->error);
      if (error != NULL)
        self->error = g_error_copy (error);
      error_changed = TRUE;
    }

  if (state != FERRY_CONNECTION_STATE_RECONNECTING && self->reconnect_in != 0)
    {
      self->reconnect_in = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_IN]);
    }

  if (self->state != state)
    {
      g_autofree char *from = g_enum_to_string (FERRY_TYPE_CONNECTION_STATE, self->state);
      g_autofree char *to = g_enum_to_string (FERRY_TYPE_CONNECTION_STATE, state);

      g_debug ("%s: %s → %s%s%s", self->address, from, to,
               error ? ": " : "", error ? error->message : "");
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      error_changed = TRUE;
    }

  if (error_changed)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
    }
}

static void
set_string (FerryConnection  *self,
            char            **field,
            const char       *value,
            guint             prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_session (FerryConnection *self,
             const char      *session_ref)
{
  if (self->session_ref != NULL)
    secret_password_free (self->session_ref);
  self->session_ref = g_strdup (session_ref);
}

static void
cancel_link (FerryConnection *self)
{
  if (self->link != NULL)
    {
      g_cancellable_cancel (self->link);
      g_clear_object (&self->link);
    }
  self->events_running = FALSE;
  self->events_await_relogin = FALSE;
}

static void
clear_reconnect (FerryConnection *self)
{
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_clear_handle_id (&self->countdown_id, g_source_remove);
}

static void
complete_open_tasks (FerryConnection *self,
                     const GError    *error)
{
  g_autoptr(GPtrArray) tasks = g_steal_pointer (&self->open_tasks);

  self->open_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);
      GSource *source = g_task_get_task_data (task);

      /* The watch on the caller's cancellable is no longer needed. */
      if (source != NULL)
        g_source_destroy (source);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

/* Calls that wait for the connection go again, or fail, by the new state. */
static void
redispatch_waiting (FerryConnection *self)
{
  GQueue waiting = self->waiting;
  GTask *task;

  g_queue_init (&self->waiting);
  while ((task = g_queue_pop_head (&waiting)))
    {
      dispatch (self, task);
      g_object_unref (task);
    }
}

static void
redispatch_relogin_waiters (FerryConnection *self)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->relogin_waiters);

  self->relogin_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    dispatch (self, g_ptr_array_index (waiters, i));
}

static void
fail_connection (FerryConnection *self,
                 const GError    *error)
{
  clear_reconnect (self);
  cancel_link (self);
  if (self->client != NULL)
    ferry_rpc_client_close (self->client);
  g_clear_object (&self->client);
  set_state (self, FERRY_CONNECTION_STATE_FAILED, error);
  complete_open_tasks (self, error);
  redispatch_waiting (self);
  redispatch_relogin_waiters (self);
}

/* Members */

static void
host_info_free (gpointer data)
{
  HostInfo *info = data;

  g_free (info->address);
  g_free (info->name_label);
  g_free (info);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
update_members (FerryConnection *self)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  HostInfo *master = self->pool_master_ref ? g_hash_table_lookup (self->hosts, self->pool_master_ref) : NULL;
  GHashTableIter iter;
  HostInfo *info;
  g_auto(GStrv) members = NULL;

  g_hash_table_iter_init (&iter, self->hosts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &info))
    {
      g_autofree char *address = normalize_address (info->address, self->transport);

      if (address != NULL && info != master)
        g_ptr_array_add (list, g_steal_pointer (&address));
    }
  g_ptr_array_sort (list, compare_strings);
  if (master != NULL)
    {
      char *address = normalize_address (master->address, self->transport);
      if (address != NULL)
        g_ptr_array_insert (list, 0, address);
    }
  g_ptr_array_add (list, NULL);
  members = (GStrv) g_ptr_array_free (g_steal_pointer (&list), FALSE);

  if (members[0] != NULL &&
      (self->members == NULL ||
       !g_strv_equal ((const char * const *) members, (const char * const *) self->members)))
    {
      g_strfreev (self->members);
      self->members = g_steal_pointer (&members);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMBERS]);
    }
}

/* Events */

typedef struct
{
  char       *ref;
  char       *operation;
  JsonObject *record;    /* NULL for "del" */
} RecordEvent;

typedef struct
{
  FerryCacheBatch *batch;
  char            *token;
  GPtrArray       *hosts;   /* of RecordEvent */
  GPtrArray       *pools;   /* of RecordEvent */
  GPtrArray       *tasks;   /* of RecordEvent */
  guint            n_events;
} EventsResult;

static void
record_event_free (gpointer data)
{
  RecordEvent *event = data;

  g_free (event->ref);
  g_free (event->operation);
  g_clear_pointer (&event->record, json_object_unref);
  g_free (event);
}

static void
events_result_free (gpointer data)
{
  EventsResult *result = data;

  g_clear_pointer (&result->batch, ferry_cache_batch_free);
  g_free (result->token);
  g_clear_pointer (&result->hosts, g_ptr_array_unref);
  g_clear_pointer (&result->pools, g_ptr_array_unref);
  g_clear_pointer (&result->tasks, g_ptr_array_unref);
  g_free (result);
}

static void
collect_records (EventsResult *result,
                 JsonArray    *events)
{
  for (guint i = 0; events != NULL && i < json_array_get_length (events); i++)
    {
      JsonNode *element = json_array_get_element (events, i);
      JsonObject *event;
      const char *klass;
      const char *ref;
      const char *operation;
      JsonNode *snapshot;
      GPtrArray *target;
      RecordEvent *record;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      event = json_node_get_object (element);
      klass = json_object_get_string_member_with_default (event, "class", NULL);
      ref = json_object_get_string_member_with_default (event, "ref", NULL);
      operation = json_object_get_string_member_with_default (event, "operation", NULL);
      if (klass == NULL || ref == NULL || operation == NULL)
        continue;

      if (g_ascii_strcasecmp (klass, "host") == 0)
        target = result->hosts;
      else if (g_ascii_strcasecmp (klass, "pool") == 0)
        target = result->pools;
      else if (g_ascii_strcasecmp (klass, "task") == 0)
        target = result->tasks;
      else
        continue;

      record = g_new0 (RecordEvent, 1);
      record->ref = g_strdup (ref);
      record->operation = g_strdup (operation);
      snapshot = json_object_get_member (event, "snapshot");
      if (snapshot != NULL && JSON_NODE_HOLDS_OBJECT (snapshot))
        record->record = json_object_ref (json_node_get_object (snapshot));
      g_ptr_array_add (target, record);
    }
}

/* On the parser thread: the raw reply goes straight into a cache batch
 * (no json-glib tree for a 100 MB snapshot); the host, pool and task
 * events also come back as JSON, for the members list and the followers. */
static gpointer
events_transform (GBytes    *body,
                  gpointer   user_data,
                  GError   **error)
{
  static const char * const raw_classes[] = { "host", "pool", "task", NULL };
  g_autoptr(JsonArray) raw = NULL;
  g_autofree char *token = NULL;
  FerryCacheBatch *batch;
  EventsResult *result;

  batch = ferry_cache_batch_new_from_reply_full (body, raw_classes, &raw, &token, error);
  if (batch == NULL)
    return NULL;

  result = g_new0 (EventsResult, 1);
  result->batch = batch;
  result->token = g_steal_pointer (&token);
  result->hosts = g_ptr_array_new_with_free_func (record_event_free);
  result->pools = g_ptr_array_new_with_free_func (record_event_free);
  result->tasks = g_ptr_array_new_with_free_func (record_event_free);
  result->n_events = ferry_cache_batch_get_n_events (batch) + ferry_cache_batch_get_n_skipped (batch);
  collect_records (result, raw);

  if (result->token == NULL)
    {
      events_result_free (result);
      g_set_error_literal (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL,
                           _("The server sent an event batch without a token"));
      return NULL;
    }

  return result;
}

static void
apply_records (FerryConnection *self,
               EventsResult    *result,
               gboolean         snapshot)
{
  gboolean hosts_changed = FALSE;

  if (snapshot)
    {
      g_hash_table_remove_all (self->hosts);
      hosts_changed = TRUE;
    }

  for (guint i = 0; i < result->hosts->len; i++)
    {
      RecordEvent *event = g_ptr_array_index (result->hosts, i);

      if (g_str_equal (event->operation, "del") || event->record == NULL)
        g_hash_table_remove (self->hosts, event->ref);
      else
        {
          HostInfo *info = g_new0 (HostInfo, 1);

          info->address = g_strdup (json_object_get_string_member_with_default (event->record, "address", ""));
          info->name_label = g_strdup (json_object_get_string_member_with_default (event->record, "name_label", ""));
          g_hash_table_replace (self->hosts, g_strdup (event->ref), info);
        }
      hosts_changed = TRUE;
    }

  for (guint i = 0; i < result->pools->len; i++)
    {
      RecordEvent *event = g_ptr_array_index (result->pools, i);

      if (event->record == NULL)
        continue;
      g_free (self->pool_master_ref);
      self->pool_master_ref = g_strdup (json_object_get_string_member_with_default (event->record, "master", NULL));
      set_string (self, &self->pool_name,
                  json_object_get_string_member_with_default (event->record, "name_label", ""),
                  PROP_POOL_NAME);
      hosts_changed = TRUE;
    }

  if (hosts_changed)
    {
      HostInfo *master = self->pool_master_ref ? g_hash_table_lookup (self->hosts, self->pool_master_ref) : NULL;

      update_members (self);
      /* A standalone host's pool has no name: show the host's. */
      if ((self->pool_name == NULL || *self->pool_name == '\0') && master != NULL)
        set_string (self, &self->pool_name, master->name_label, PROP_POOL_NAME);
    }

  /* Task followers: hold references, a callback may drop the last one. */
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GList) followers = NULL;

    for (guint i = 0; i < result->tasks->len; i++)
      {
        RecordEvent *event = g_ptr_array_index (result->tasks, i);
        FerryTaskFollower *follower = g_hash_table_lookup (self->followers, event->ref);
        g_autoptr(FerryTaskFollower) hold = NULL;

        g_hash_table_add (seen, event->ref);
        if (follower == NULL)
          continue;
        hold = g_object_ref (follower);
        if (event->record != NULL && !g_str_equal (event->operation, "del"))
          _ferry_task_follower_update (follower, event->record);
        else
          _ferry_task_follower_verify (follower);
      }

    if (snapshot)
      {
        followers = g_hash_table_get_values (self->followers);
        g_list_foreach (followers, (GFunc) (void (*) (void)) g_object_ref, NULL);
        for (GList *l = followers; l != NULL; l = l->next)
          {
            if (!g_hash_table_contains (seen, ferry_task_follower_get_ref (l->data)))
              _ferry_task_follower_verify (l->data);
            g_object_unref (l->data);
          }
      }
  }
}

static GStrv
effective_classes (FerryConnection *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (self->event_classes == NULL || g_strv_contains ((const char * const *) self->event_classes, "*"))
    {
      g_strv_builder_add (builder, "*");
      return g_strv_builder_end (builder);
    }

  g_strv_builder_addv (builder, (const char **) self->event_classes);
  for (const char * const *needed = (const char * const[]) { "pool", "host", "task", NULL }; *needed; needed++)
    if (!g_strv_contains ((const char * const *) self->event_classes, *needed))
      g_strv_builder_add (builder, *needed);
  return g_strv_builder_end (builder);
}

static void relogin (FerryConnection *self, GTask *task);

static void
on_events_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FerryConnection) self = user_data;
  FerryRpcClient *client = FERRY_RPC_CLIENT (object);
  g_autoptr(GError) error = NULL;
  EventsResult *events;
  gboolean snapshot;

  events = ferry_rpc_client_call_transformed_finish (client, result, &error);

  /* A reply for a session or link that is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      client != self->client || !self->events_running)
    {
      g_clear_pointer (&events, events_result_free);
      return;
    }

  if (error != NULL)
    {
      if (g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_SESSION_INVALID))
        {
          g_debug ("event.from: session expired, logging in again");
          self->events_await_relogin = TRUE;
          relogin (self, NULL);
        }
      else if (g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_EVENTS_LOST) ||
               g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_EVENT_FROM_TOKEN_PARSE_FAILURE))
        {
          g_debug ("event.from: %s; reading everything again", ferry_xapi_error_get_name (error));
          g_clear_pointer (&self->token, g_free);
          self->snapshot_needed = TRUE;
          events_next (self);
        }
      else
        {
          g_debug ("event.from failed: %s", error->message);
          connection_lost (self, error);
        }
      return;
    }

  snapshot = self->snapshot_needed;
  self->snapshot_needed = FALSE;
  g_free (self->token);
  self->token = g_strdup (events->token);

  g_debug ("event.from: %u events%s", events->n_events, snapshot ? " (snapshot)" : "");

  if (events->batch != NULL)
    {
      if (snapshot)
        ferry_cache_apply_snapshot_batch (self->cache, g_steal_pointer (&events->batch));
      else
        ferry_cache_apply_batch (self->cache, g_steal_pointer (&events->batch));
    }

  apply_records (self, events, snapshot);
  events_result_free (events);

  events_next (self);
}

static void
events_next (FerryConnection *self)
{
  g_autoptr(JsonArray) params = NULL;
  g_autoptr(JsonArray) classes = NULL;
  g_auto(GStrv) names = NULL;

  if (!self->events_running || self->client == NULL || self->state != FERRY_CONNECTION_STATE_CONNECTED)
    return;

  if (self->snapshot_needed)
    g_clear_pointer (&self->token, g_free);

  names = effective_classes (self);
  classes = json_array_new ();
  for (guint i = 0; names[i] != NULL; i++)
    json_array_add_string_element (classes, names[i]);

  params = json_array_new ();
  json_array_add_string_element (params, self->session_ref);
  json_array_add_array_element (params, g_steal_pointer (&classes));
  json_array_add_string_element (params, self->token ? self->token : "");
  json_array_add_double_element (params, self->event_timeout);

  /* The first call answers at once with the snapshot: an ordinary call.
   * Later ones wait up to event_timeout for something to happen. */
  ferry_rpc_client_call_raw_async (self->client, "event.from", params,
                                   self->token == NULL || *self->token == '\0'
                                     ? self->timeout
                                     : (guint) self->event_timeout + 1 + EVENT_TIMEOUT_MARGIN,
                                   FERRY_RPC_CALL_IDEMPOTENT,
                                   events_transform, NULL, events_result_free,
                                   self->link, on_events_cb, g_object_ref (self));
}

static void
events_start (FerryConnection *self)
{
  if (!self->events_enabled || self->events_running)
    return;

  self->events_running = TRUE;
  self->snapshot_needed = TRUE;
  events_next (self);
}

/* Logging in: candidates, HOST_IS_SLAVE, trust */

typedef struct
{
  GPtrArray      *candidates;   /* "host:port" */
  guint           index;
  guint           redirects;
  char           *current;
  FerryRpcClient *client;
  GError         *last_error;
  gboolean        trust_unhandled;
  gboolean        short_login;  /* retrying with two parameters */
} Attempt;

typedef struct
{
  FerryRpcClient *client;
  char           *host;
  char           *session_ref;
} Link;

static void
attempt_free (Attempt *attempt)
{
  g_ptr_array_unref (attempt->candidates);
  g_free (attempt->current);
  g_clear_object (&attempt->client);
  g_clear_error (&attempt->last_error);
  g_free (attempt);
}

static void
link_free (Link *link)
{
  g_clear_object (&link->client);
  g_free (link->host);
  if (link->session_ref != NULL)
    secret_password_free (link->session_ref);
  g_free (link);
}

static gboolean
is_definitive (const GError *error)
{
  return g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_SESSION_AUTHENTICATION_FAILED) ||
         g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_RBAC_PERMISSION_DENIED) ||
         g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN) ||
         g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED) ||
         g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_REJECTED) ||
         g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_INSECURE) ||
         g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NO_CREDENTIALS);
}

static void attempt_try (GTask *task);

/* Takes over the reference to @task_in, as attempt_try() does. */
static void
attempt_next (GTask *task_in)
{
  g_autoptr(GTask) task = task_in;
  Attempt *attempt = g_task_get_task_data (task);
  FerryConnection *self = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (attempt->index >= attempt->candidates->len)
    {
      if (attempt->last_error != NULL)
        g_task_return_error (task, g_steal_pointer (&attempt->last_error));
      else
        g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NO_MASTER,
                                 _("No host of %s answered"), self->address);
      return;
    }

  g_free (attempt->current);
  attempt->current = g_strdup (g_ptr_array_index (attempt->candidates, attempt->index++));
  attempt->redirects = 0;
  attempt->short_login = FALSE;
  attempt_try (g_steal_pointer (&task));
}

static void
on_trust_answered (FerryTrustRequest *request,
                   gboolean           accepted,
                   gpointer           user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  FerryConnection *self = g_task_get_source_object (task);
  FerryCertificateInfo *info = ferry_trust_request_get_info (request);
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!accepted)
    {
      if (attempt->trust_unhandled)
        g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN,
                                 _("The certificate of %s (SHA-256 %s) is not trusted yet; "
                                   "check its fingerprint and trust it to connect"),
                                 ferry_certificate_info_get_host (info),
                                 ferry_certificate_info_get_fingerprint (info));
      else
        g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_REJECTED,
                                 _("The certificate of %s was not accepted"),
                                 ferry_certificate_info_get_host (info));
      return;
    }

  if (!ferry_trust_store_pin (self->trust_store, ferry_certificate_info_get_host (info),
                              ferry_certificate_info_get_fingerprint (info), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  attempt_try (g_steal_pointer (&task));
}

/* Takes over the reference to @task. */
static void
ask_trust (GTask                *task,
           FerryCertificateInfo *info)
{
  FerryConnection *self = g_task_get_source_object (task);
  Attempt *attempt = g_task_get_task_data (task);
  g_autoptr(FerryTrustRequest) request = NULL;
  gboolean handled = FALSE;

  /* The user vouched for this fingerprint beforehand. */
  if (self->trusted_fingerprint != NULL &&
      g_strcmp0 (self->trusted_fingerprint, ferry_certificate_info_get_fingerprint (info)) == 0)
    {
      g_autoptr(GError) error = NULL;

      g_debug ("Pinning %s: its fingerprint was given beforehand", ferry_certificate_info_get_host (info));
      if (!ferry_trust_store_pin (self->trust_store, ferry_certificate_info_get_host (info),
                                  ferry_certificate_info_get_fingerprint (info), &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
        }
      else
        attempt_try (task);
      return;
    }

  request = ferry_trust_request_new (info, on_trust_answered, task, NULL);
  g_signal_emit (self, signals[TRUST_REQUEST], 0, request, &handled);
  if (!handled && !ferry_trust_request_is_completed (request))
    {
      attempt->trust_unhandled = TRUE;
      ferry_trust_request_complete (request, FALSE);
    }
}

static void
on_login_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryConnection *self = g_task_get_source_object (task);
  Attempt *attempt = g_task_get_task_data (task);
  FerryRpcClient *client = FERRY_RPC_CLIENT (object);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = ferry_rpc_client_call_finish (client, result, &error);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (node != NULL)
    {
      Link *link;

      if (json_node_get_value_type (node) != G_TYPE_STRING)
        {
          /* Translators: %s is "address:port" */
          g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL,
                                   _("%s is not a XenServer or XCP-ng host: it answered the login "
                                     "with something other than a session"), attempt->current);
          return;
        }

      link = g_new0 (Link, 1);
      link->client = g_object_ref (client);
      link->host = g_strdup (attempt->current);
      link->session_ref = g_strdup (json_node_get_string (node));
      g_debug ("Logged in to %s as %s", attempt->current, self->username);
      g_task_return_pointer (task, link, (GDestroyNotify) link_free);
      return;
    }

  if (g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_HOST_IS_SLAVE))
    {
      const char *master = ferry_xapi_error_get_param (error, 0);
      g_autofree char *address = normalize_address (master, self->transport);

      if (address != NULL && attempt->redirects < MAX_REDIRECTS)
        {
          g_debug ("%s is a pool member; the master is %s", attempt->current, address);
          attempt->redirects++;
          g_free (attempt->current);
          attempt->current = g_steal_pointer (&address);
          attempt->short_login = FALSE;
          attempt_try (g_steal_pointer (&task));
          return;
        }
    }
  else if (g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN))
    {
      g_autoptr(FerryCertificateInfo) info = ferry_rpc_client_dup_refused_certificate (client);

      if (info != NULL)
        {
          g_set_object (&self->refused, info);
          ask_trust (g_steal_pointer (&task), info);
          return;
        }
    }
  else if (g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED))
    {
      /* Both fingerprints, for whoever shows the refusal. */
      g_autoptr(FerryCertificateInfo) info = ferry_rpc_client_dup_refused_certificate (client);

      g_set_object (&self->refused, info);
    }
  else if (g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_HTTP) ||
           g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL))
    {
      /* Something answers HTTP there, but not xapi (a web server, a proxy…). */
      /* Translators: %s is "address:port"; the technical reason follows */
      g_prefix_error (&error, _("%s is not a XenServer or XCP-ng host: "), attempt->current);
    }
  else if (g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_MESSAGE_PARAMETER_COUNT_MISMATCH) &&
           !attempt->short_login)
    {
      /* An old server that takes only user and password, as the SDKs allow. */
      attempt->short_login = TRUE;
      attempt_try (g_steal_pointer (&task));
      return;
    }

  if (is_definitive (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Could not log in at %s: %s", attempt->current, error->message);
  g_clear_error (&attempt->last_error);
  attempt->last_error = g_steal_pointer (&error);
  attempt_next (g_steal_pointer (&task));
}

/* Takes over the reference to @task: the login's callback holds it. */
static void
attempt_try (GTask *task)
{
  FerryConnection *self = g_task_get_source_object (task);
  Attempt *attempt = g_task_get_task_data (task);
  g_autoptr(JsonArray) params = NULL;

  if (attempt->client == NULL ||
      g_strcmp0 (ferry_rpc_client_get_host_key (attempt->client), attempt->current) != 0)
    {
      g_clear_object (&attempt->client);
      attempt->client = client_for (self, attempt->current);
    }

  params = login_params (self);
  if (attempt->short_login)
    {
      json_array_remove_element (params, 3);
      json_array_remove_element (params, 2);
    }

  g_debug ("Logging in at %s", attempt->current);
  ferry_rpc_client_call_async (attempt->client, "session.login_with_password", params,
                               login_timeout (self), FERRY_RPC_CALL_IDEMPOTENT | FERRY_RPC_CALL_SMALL_REPLY, g_task_get_cancellable (task),
                               on_login_cb, task);
}

static void
establish_async (FerryConnection     *self,
                 GPtrArray           *candidates,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Attempt *attempt = g_new0 (Attempt, 1);

  g_task_set_source_tag (task, establish_async);
  attempt->candidates = g_ptr_array_ref (candidates);
  g_task_set_task_data (task, attempt, (GDestroyNotify) attempt_free);

  if (self->password == NULL)
    {
      g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NO_CREDENTIALS,
                               _("No password for %s on %s"), self->username, self->address);
      return;
    }

  attempt_next (g_steal_pointer (&task));
}

static Link *
establish_finish (FerryConnection  *self,
                  GAsyncResult     *result,
                  GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_old_session_logged_out_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(JsonNode) node G_GNUC_UNUSED = ferry_rpc_client_call_finish (FERRY_RPC_CLIENT (object), result, NULL);
}

static void
on_established_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FerryConnection *self = FERRY_CONNECTION (object);
  GCancellable *link_cancellable = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) owned G_GNUC_UNUSED = link_cancellable;
  Link *link = establish_finish (self, result, &error);
  g_autofree char *old_session = NULL;

  /* Closed or superseded meanwhile. */
  if (link_cancellable != self->link || g_cancellable_is_cancelled (link_cancellable))
    {
      g_clear_pointer (&link, link_free);
      return;
    }

  if (link == NULL)
    {
      if (!self->ever_connected || is_definitive (error))
        fail_connection (self, error);
      else
        {
          g_debug ("Reconnecting %s failed: %s", self->address, error->message);
          set_state (self, FERRY_CONNECTION_STATE_RECONNECTING, error);
          schedule_reconnect (self);
          complete_open_tasks (self, error);
        }
      return;
    }

  /* A new session on a new (or the same) master. */
  if (self->client != NULL)
    ferry_rpc_client_close (self->client);
  g_set_object (&self->client, link->client);
  old_session = self->session_ref ? g_strdup (self->session_ref) : NULL;
  set_session (self, link->session_ref);
  set_string (self, &self->master_address, link->host, PROP_MASTER_ADDRESS);
  link_free (link);

  /* Do not leave the old session to xapi's GC (xapi.md §8.2). */
  if (old_session != NULL)
    {
      g_autoptr(JsonArray) params = json_array_new ();

      json_array_add_string_element (params, old_session);
      ferry_rpc_client_call_async (self->client, "session.logout", params, LOGOUT_TIMEOUT,
                                   FERRY_RPC_CALL_IDEMPOTENT, NULL, on_old_session_logged_out_cb, NULL);
      secret_password_free (g_steal_pointer (&old_session));
    }

  self->n_logins++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LOGINS]);
  self->ever_connected = TRUE;
  self->n_attempts = 0;
  clear_reconnect (self);
  set_state (self, FERRY_CONNECTION_STATE_CONNECTED, NULL);

  events_start (self);
  complete_open_tasks (self, NULL);
  redispatch_waiting (self);
  redispatch_relogin_waiters (self);

  /* Followers without events poll; with events they get the snapshot. */
  {
    g_autoptr(GList) followers = g_hash_table_get_values (self->followers);

    for (GList *l = followers; l != NULL; l = l->next)
      _ferry_task_follower_refresh (l->data);
  }
}

static void
add_candidate (GPtrArray  *candidates,
               const char *address)
{
  if (address == NULL)
    return;
  for (guint i = 0; i < candidates->len; i++)
    if (g_str_equal (g_ptr_array_index (candidates, i), address))
      return;
  g_ptr_array_add (candidates, g_strdup (address));
}

static void
start_establish (FerryConnection *self)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);

  cancel_link (self);
  self->link = g_cancellable_new ();

  /* The last master, every member known, then the address typed. */
  add_candidate (candidates, self->master_address);
  for (guint i = 0; self->members != NULL && self->members[i] != NULL; i++)
    add_candidate (candidates, self->members[i]);
  add_candidate (candidates, self->initial_host);

  establish_async (self, candidates, self->link, on_established_cb, g_object_ref (self->link));
}

/* Reconnecting */

static gboolean
on_countdown_cb (gpointer user_data)
{
  FerryConnection *self = user_data;
  gint64 left = self->reconnect_at - g_get_monotonic_time ();
  guint seconds = left > 0 ? (guint) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) : 0;

  if (seconds != self->reconnect_in)
    {
      self->reconnect_in = seconds;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_IN]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_reconnect_cb (gpointer user_data)
{
  FerryConnection *self = user_data;

  self->reconnect_id = 0;
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  if (self->reconnect_in != 0)
    {
      self->reconnect_in = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_IN]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
    }

  g_debug ("Reconnecting %s (attempt %u)", self->address, self->n_attempts);
  start_establish (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (FerryConnection *self)
{
  double delay = 0;

  clear_reconnect (self);

  /* At once the first time, then min, 2×min, 4×min … up to max. */
  if (self->n_attempts > 0)
    {
      delay = self->min_delay;
      for (guint i = 1; i < self->n_attempts && delay < self->max_delay; i++)
        delay *= 2;
      delay = MIN (delay, self->max_delay);
    }
  self->n_attempts++;

  self->reconnect_at = g_get_monotonic_time () + (gint64) (delay * G_USEC_PER_SEC);
  self->reconnect_in = (guint) (delay + 0.999);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_IN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);

  self->reconnect_id = g_timeout_add ((guint) (delay * 1000), on_reconnect_cb, self);
  if (delay >= 1.0)
    self->countdown_id = g_timeout_add (250, on_countdown_cb, self);
}

static void
connection_lost (FerryConnection *self,
                 const GError    *error)
{
  if (self->state != FERRY_CONNECTION_STATE_CONNECTED)
    return;

  g_debug ("Lost %s: %s", self->master_address ? self->master_address : self->address,
           error ? error->message : "");

  cancel_link (self);
  if (self->client != NULL)
    ferry_rpc_client_close (self->client);
  g_clear_object (&self->client);

  self->n_attempts = 0;
  set_state (self, FERRY_CONNECTION_STATE_RECONNECTING, error);
  schedule_reconnect (self);

  {
    g_autoptr(GList) followers = g_hash_table_get_values (self->followers);

    for (GList *l = followers; l != NULL; l = l->next)
      _ferry_task_follower_refresh (l->data);
  }
}

/* Re-login */

static void
on_relogin_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FerryConnection) self = user_data;
  FerryRpcClient *client = FERRY_RPC_CLIENT (object);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  gboolean events;

  node = ferry_rpc_client_call_finish (client, result, &error);
  self->relogin_running = FALSE;
  events = self->events_await_relogin;
  self->events_await_relogin = FALSE;

  if (client != self->client)
    {
      /* The link changed meanwhile; the waiters go with the new state. */
      redispatch_relogin_waiters (self);
      return;
    }

  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_debug ("Logged in again to %s", self->master_address);
      set_session (self, json_node_get_string (node));
      self->n_logins++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LOGINS]);
      redispatch_relogin_waiters (self);
      if (events && self->events_running)
        events_next (self);
      return;
    }

  if (error == NULL)
    error = g_error_new_literal (FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL,
                                 _("The server answered the login with something other than a session"));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    redispatch_relogin_waiters (self);
  else if (is_definitive (error))
    fail_connection (self, error);
  else
    {
      connection_lost (self, error);
      redispatch_relogin_waiters (self);
    }
}

/* @task: a call to send again afterwards, or NULL for the event loop. */
static void
relogin (FerryConnection *self,
         GTask           *task)
{
  g_autoptr(JsonArray) params = NULL;

  if (task != NULL)
    g_ptr_array_add (self->relogin_waiters, g_object_ref (task));

  if (self->relogin_running || self->client == NULL)
    return;

  self->relogin_running = TRUE;
  params = login_params (self);
  ferry_rpc_client_call_async (self->client, "session.login_with_password", params,
                               login_timeout (self), FERRY_RPC_CALL_IDEMPOTENT | FERRY_RPC_CALL_SMALL_REPLY, self->link, on_relogin_cb, g_object_ref (self));
}

/* Calls */

typedef struct
{
  char           *method;
  JsonArray      *params;
  FerryCallFlags  flags;
  guint           session_retries;
  guint           lost_retries;
  char           *session_ref;   /* the one used for the last send: a secret */
  guint           wait_id;
} Call;

static void
call_free (Call *call)
{
  g_assert (call->wait_id == 0);

  g_free (call->method);
  g_clear_pointer (&call->params, json_array_unref);
  if (call->session_ref != NULL)
    secret_password_free (call->session_ref);
  g_free (call);
}

static void
on_call_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryConnection *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  FerryRpcClient *client = FERRY_RPC_CLIENT (object);
  g_autoptr(GError) error = NULL;
  JsonNode *node;
  gboolean current = client == self->client;

  node = ferry_rpc_client_call_finish (client, result, &error);
  if (node != NULL)
    {
      g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_SESSION_INVALID))
    {
      if (++call->session_retries > MAX_SESSION_RETRIES)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      g_debug ("%s: session expired, logging in again", call->method);
      if (current && g_strcmp0 (call->session_ref, self->session_ref) == 0)
        relogin (self, task);
      else
        dispatch (self, task);
      return;
    }

  /* The master moved (HOST_IS_SLAVE), or the link broke. */
  if (g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_HOST_IS_SLAVE) ||
      g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION) ||
      g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION_LOST) ||
      (g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CLOSED) && !current))
    {
      if (current)
        connection_lost (self, error);

      if (ferry_rpc_error_is_unsent (error))
        {
          dispatch (self, task);
          return;
        }

      if ((call->flags & FERRY_CALL_IDEMPOTENT) && ++call->lost_retries <= MAX_LOST_RETRIES)
        {
          g_debug ("%s: the connection broke; sending it again", call->method);
          dispatch (self, task);
          return;
        }

      g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION_LOST,
                               _("The connection to %s broke during %s; the call may or may not "
                                 "have been carried out"),
                               self->master_address ? self->master_address : self->address,
                               call->method);
      return;
    }

  g_task_return_error (task, g_steal_pointer (&error));
}

static void
send_call (FerryConnection *self,
           GTask           *task)
{
  Call *call = g_task_get_task_data (task);
  g_autoptr(JsonArray) params = json_array_new ();

  json_array_add_string_element (params, self->session_ref);
  for (guint i = 0; call->params != NULL && i < json_array_get_length (call->params); i++)
    json_array_add_element (params, json_node_copy (json_array_get_element (call->params, i)));

  if (call->session_ref != NULL)
    secret_password_free (call->session_ref);
  call->session_ref = g_strdup (self->session_ref);

  ferry_rpc_client_call_async (self->client, call->method, params, 0,
                               (call->flags & FERRY_CALL_IDEMPOTENT) ? FERRY_RPC_CALL_IDEMPOTENT
                                                                     : FERRY_RPC_CALL_DEFAULT,
                               g_task_get_cancellable (task), on_call_cb, g_object_ref (task));
}

static gboolean
on_wait_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  FerryConnection *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  call->wait_id = 0;
  if (g_queue_remove (&self->waiting, task))
    {
      g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NOT_CONNECTED,
                               _("%s could not be reached within %u seconds"),
                               self->address, self->timeout);
      g_object_unref (task);
    }
  return G_SOURCE_REMOVE;
}

static void
dispatch (FerryConnection *self,
          GTask           *task)
{
  Call *call = g_task_get_task_data (task);

  g_clear_handle_id (&call->wait_id, g_source_remove);

  if (g_task_return_error_if_cancelled (task))
    return;

  switch (self->state)
    {
    case FERRY_CONNECTION_STATE_CONNECTED:
      if (self->relogin_running)
        g_ptr_array_add (self->relogin_waiters, g_object_ref (task));
      else
        send_call (self, task);
      break;

    case FERRY_CONNECTION_STATE_CONNECTING:
    case FERRY_CONNECTION_STATE_RECONNECTING:
      if (call->flags & FERRY_CALL_NO_WAIT)
        {
          g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NOT_CONNECTED,
                                   _("%s is not connected"), self->address);
          break;
        }
      g_queue_push_tail (&self->waiting, g_object_ref (task));
      call->wait_id = g_timeout_add_seconds (self->timeout, on_wait_timeout_cb, task);
      break;

    case FERRY_CONNECTION_STATE_FAILED:
      g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NOT_CONNECTED,
                               _("%s is not connected: %s"), self->address,
                               self->error ? self->error->message : _("unknown error"));
      break;

    case FERRY_CONNECTION_STATE_DISCONNECTED:
    default:
      g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NOT_CONNECTED,
                               _("%s is not connected"), self->address);
      break;
    }
}

void
ferry_connection_call_json_async (FerryConnection     *self,
                                  const char          *method,
                                  JsonArray           *params,
                                  FerryCallFlags       flags,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  g_return_if_fail (FERRY_IS_CONNECTION (self));
  g_return_if_fail (method != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_connection_call_json_async);
  g_task_set_name (task, "ferry_connection_call_async");

  call = g_new0 (Call, 1);
  call->method = g_strdup (method);
  call->params = params ? json_array_ref (params) : NULL;
  call->flags = flags;
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  dispatch (self, task);
}

void
ferry_connection_call_async (FerryConnection     *self,
                             const char          *method,
                             GVariant            *args,
                             FerryCallFlags       flags,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GVariant) owned = args ? g_variant_ref_sink (args) : NULL;
  g_autoptr(JsonNode) node = NULL;

  g_return_if_fail (FERRY_IS_CONNECTION (self));
  g_return_if_fail (args == NULL || g_variant_is_of_type (args, G_VARIANT_TYPE_TUPLE));

  if (owned != NULL)
    node = json_gvariant_serialize (owned);

  ferry_connection_call_json_async (self, method,
                                    node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL,
                                    flags, cancellable, callback, user_data);
}

JsonNode *
ferry_connection_call_finish (FerryConnection  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Open and close */

/* A saved connection at start-up: CONNECTING already while the keyring
 * answers, so that it shows as such at once. */

typedef struct
{
  FerryConnection *self;
  GCancellable    *link;
} PasswordLookup;

static void
on_password_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  PasswordLookup *lookup = user_data;
  g_autoptr(FerryConnection) self = lookup->self;
  g_autoptr(GCancellable) link = lookup->link;
  g_autoptr(GError) error = NULL;
  char *password = ferry_credentials_lookup_finish (result, &error);

  g_free (lookup);

  /* Closed or cancelled meanwhile. */
  if (link != self->link || g_cancellable_is_cancelled (link))
    {
      ferry_credentials_free_password (password);
      return;
    }

  if (password == NULL)
    {
      g_autoptr(GError) missing = NULL;

      g_debug ("No password in the keyring for %s on %s%s%s", self->username, self->address,
               error ? ": " : "", error ? error->message : "");
      missing = g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_NO_CREDENTIALS,
                             _("No password for %s on %s"), self->username, self->address);
      /* Not a failure: the user has yet to log in. */
      cancel_link (self);
      set_state (self, FERRY_CONNECTION_STATE_DISCONNECTED, NULL);
      complete_open_tasks (self, missing);
      redispatch_waiting (self);
      return;
    }

  ferry_connection_set_password (self, password);
  ferry_credentials_free_password (password);
  start_establish (self);
}

static void
lookup_password (FerryConnection *self)
{
  PasswordLookup *lookup = g_new0 (PasswordLookup, 1);

  cancel_link (self);
  self->link = g_cancellable_new ();
  lookup->self = g_object_ref (self);
  lookup->link = g_object_ref (self->link);
  ferry_credentials_lookup_async (self->address, self->username, self->link, on_password_cb, lookup);
}

/* Every caller of open_async() gave up while connecting: stop trying. */
static gboolean
on_open_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  FerryConnection *self = user_data;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->open_tasks->len; i++)
    {
      GCancellable *other = g_task_get_cancellable (g_ptr_array_index (self->open_tasks, i));

      if (other == NULL || !g_cancellable_is_cancelled (other))
        return G_SOURCE_REMOVE;
    }

  if (self->state != FERRY_CONNECTION_STATE_CONNECTING || self->open_tasks->len == 0)
    return G_SOURCE_REMOVE;

  g_debug ("Connecting to %s cancelled", self->address);
  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
  cancel_link (self);
  g_clear_object (&self->client);
  set_state (self, FERRY_CONNECTION_STATE_DISCONNECTED, NULL);
  complete_open_tasks (self, error);
  redispatch_waiting (self);
  return G_SOURCE_REMOVE;
}

static void
source_destroy_and_unref (gpointer data)
{
  g_source_destroy (data);
  g_source_unref (data);
}

void
ferry_connection_open_async (FerryConnection     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FERRY_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_connection_open_async);

  if (cancellable != NULL)
    {
      GSource *source = g_cancellable_source_new (cancellable);

      g_source_set_callback (source, (GSourceFunc) (void (*) (void)) on_open_cancelled_cb, self, NULL);
      g_source_set_static_name (source, "[ferry-connection] open cancelled");
      g_source_attach (source, g_task_get_context (task));
      g_task_set_task_data (task, source, source_destroy_and_unref);
    }

  switch (self->state)
    {
    case FERRY_CONNECTION_STATE_CONNECTED:
      g_task_return_boolean (task, TRUE);
      return;

    case FERRY_CONNECTION_STATE_CONNECTING:
      g_ptr_array_add (self->open_tasks, g_steal_pointer (&task));
      return;

    case FERRY_CONNECTION_STATE_RECONNECTING:
      /* Try now rather than at the end of the back-off. */
      g_ptr_array_add (self->open_tasks, g_steal_pointer (&task));
      if (self->reconnect_id != 0)
        {
          clear_reconnect (self);
          on_reconnect_cb (self);
        }
      return;

    case FERRY_CONNECTION_STATE_DISCONNECTED:
    case FERRY_CONNECTION_STATE_FAILED:
    default:
      break;
    }

  if (self->initial_host == NULL)
    {
      g_autoptr(GError) error = g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_FAILED,
                                             _("“%s” is not a server address"), self->address);
      set_state (self, FERRY_CONNECTION_STATE_FAILED, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_ptr_array_add (self->open_tasks, g_steal_pointer (&task));
  self->ever_connected = FALSE;
  self->n_attempts = 0;
  set_state (self, FERRY_CONNECTION_STATE_CONNECTING, NULL);
  if (self->password == NULL && self->use_keyring)
    lookup_password (self);
  else
    start_establish (self);
}

gboolean
ferry_connection_open_finish (FerryConnection  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_logout_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node G_GNUC_UNUSED = ferry_rpc_client_call_finish (FERRY_RPC_CLIENT (object), result, &error);

  if (error != NULL)
    g_debug ("Logout failed: %s", error->message);
  ferry_rpc_client_close (FERRY_RPC_CLIENT (object));
  g_task_return_boolean (task, TRUE);
}

void
ferry_connection_close_async (FerryConnection     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) closed = NULL;
  g_autoptr(FerryRpcClient) client = NULL;

  g_return_if_fail (FERRY_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_connection_close_async);

  closed = g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_CLOSED,
                        _("The connection to %s was closed"), self->address);

  clear_reconnect (self);
  cancel_link (self);
  client = g_steal_pointer (&self->client);
  set_state (self, FERRY_CONNECTION_STATE_DISCONNECTED, NULL);

  complete_open_tasks (self, closed);
  redispatch_waiting (self);
  redispatch_relogin_waiters (self);

  if (client != NULL && self->session_ref != NULL)
    {
      g_autoptr(JsonArray) params = json_array_new ();

      g_debug ("Logging out of %s", self->master_address);
      json_array_add_string_element (params, self->session_ref);
      set_session (self, NULL);
      ferry_rpc_client_call_async (client, "session.logout", params, LOGOUT_TIMEOUT,
                                   FERRY_RPC_CALL_IDEMPOTENT, NULL,
                                   on_logout_cb, g_steal_pointer (&task));
      return;
    }

  set_session (self, NULL);
  if (client != NULL)
    ferry_rpc_client_close (client);
  g_task_return_boolean (task, TRUE);
}

gboolean
ferry_connection_close_finish (FerryConnection  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Followers */

void
_ferry_connection_add_follower (FerryConnection   *self,
                                FerryTaskFollower *follower)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));
  g_hash_table_replace (self->followers, g_strdup (ferry_task_follower_get_ref (follower)), follower);
}

void
_ferry_connection_remove_follower (FerryConnection   *self,
                                   FerryTaskFollower *follower)
{
  const char *ref = ferry_task_follower_get_ref (follower);

  g_return_if_fail (FERRY_IS_CONNECTION (self));
  if (g_hash_table_lookup (self->followers, ref) == follower)
    g_hash_table_remove (self->followers, ref);
}

gboolean
_ferry_connection_has_events (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), FALSE);
  return self->events_running;
}

/* The session of the master connection (secret: never log it), for the
 * HTTP handlers (ferry-relay.c); NULL while not connected. */
const char *
_ferry_connection_get_session_ref (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), NULL);
  return self->state == FERRY_CONNECTION_STATE_CONNECTED ? self->session_ref : NULL;
}

void
_ferry_connection_set_use_keyring (FerryConnection *self,
                                   gboolean         use_keyring)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));
  self->use_keyring = !!use_keyring;
}

/* The name saved with the list: shown until the pool's own arrives. */
void
_ferry_connection_set_pool_name (FerryConnection *self,
                                 const char      *name)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));
  set_string (self, &self->pool_name, name, PROP_POOL_NAME);
}

void
_ferry_connection_set_id (FerryConnection *self,
                          const char      *id)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));
  g_free (self->id);
  self->id = g_strdup (id);
}

/* GObject */

static void
ferry_connection_constructed (GObject *object)
{
  FerryConnection *self = (FerryConnection *)object;

  G_OBJECT_CLASS (ferry_connection_parent_class)->constructed (object);

  /* "http://…" is the explicit choice of plain HTTP. */
  if (self->address != NULL && g_ascii_strncasecmp (self->address, "http://", 7) == 0)
    self->transport = FERRY_TRANSPORT_HTTP;
  else if (self->address != NULL && g_ascii_strncasecmp (self->address, "https://", 8) == 0)
    self->transport = FERRY_TRANSPORT_HTTPS;

  self->initial_host = normalize_address (self->address, self->transport);
  if (self->id == NULL)
    self->id = g_uuid_string_random ();
  if (self->username == NULL)
    self->username = g_strdup ("root");
}

static void
ferry_connection_dispose (GObject *object)
{
  FerryConnection *self = (FerryConnection *)object;

  clear_reconnect (self);
  cancel_link (self);
  if (self->client != NULL)
    ferry_rpc_client_close (self->client);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (ferry_connection_parent_class)->dispose (object);
}

static void
ferry_connection_finalize (GObject *object)
{
  FerryConnection *self = (FerryConnection *)object;

  g_assert (g_queue_is_empty (&self->waiting));

  g_free (self->id);
  g_free (self->address);
  g_free (self->username);
  g_free (self->initial_host);
  secret_password_free (self->password);
  set_session (self, NULL);
  g_free (self->trusted_fingerprint);
  g_clear_object (&self->trust_store);
  g_clear_object (&self->refused);
  g_clear_object (&self->cache);
  g_clear_error (&self->error);
  g_free (self->master_address);
  g_free (self->pool_name);
  g_free (self->pool_master_ref);
  g_clear_pointer (&self->hosts, g_hash_table_unref);
  g_strfreev (self->members);
  g_clear_pointer (&self->open_tasks, g_ptr_array_unref);
  g_clear_pointer (&self->relogin_waiters, g_ptr_array_unref);
  g_free (self->token);
  g_strfreev (self->event_classes);
  g_clear_pointer (&self->followers, g_hash_table_unref);

  G_OBJECT_CLASS (ferry_connection_parent_class)->finalize (object);
}

static void
ferry_connection_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FerryConnection *self = FERRY_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_TRANSPORT:
      g_value_set_enum (value, self->transport);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_RECONNECT_IN:
      g_value_set_uint (value, self->reconnect_in);
      break;
    case PROP_STATUS_TEXT:
      g_value_take_string (value, ferry_connection_dup_status_text (self));
      break;
    case PROP_MASTER_ADDRESS:
      g_value_set_string (value, self->master_address);
      break;
    case PROP_POOL_NAME:
      g_value_set_string (value, self->pool_name);
      break;
    case PROP_MEMBERS:
      g_value_set_boxed (value, self->members);
      break;
    case PROP_CACHE:
      g_value_set_object (value, self->cache);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_N_LOGINS:
      g_value_set_uint (value, self->n_logins);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_connection_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FerryConnection *self = FERRY_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_ID:
      if (g_value_get_string (value) != NULL)
        _ferry_connection_set_id (self, g_value_get_string (value));
      break;
    case PROP_ADDRESS:
      self->address = g_value_dup_string (value);
      break;
    case PROP_USERNAME:
      self->username = g_value_dup_string (value);
      break;
    case PROP_TRANSPORT:
      self->transport = g_value_get_enum (value);
      break;
    case PROP_TIMEOUT:
      ferry_connection_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_connection_class_init (FerryConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = ferry_connection_constructed;
  object_class->dispose = ferry_connection_dispose;
  object_class->finalize = ferry_connection_finalize;
  object_class->get_property = ferry_connection_get_property;
  object_class->set_property = ferry_connection_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, "root",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRANSPORT] =
    g_param_spec_enum ("transport", NULL, NULL, FERRY_TYPE_TRANSPORT, FERRY_TRANSPORT_HTTPS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, FERRY_TYPE_CONNECTION_STATE,
                       FERRY_CONNECTION_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECONNECT_IN] =
    g_param_spec_uint ("reconnect-in", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS_TEXT] =
    g_param_spec_string ("status-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MASTER_ADDRESS] =
    g_param_spec_string ("master-address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POOL_NAME] =
    g_param_spec_string ("pool-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MEMBERS] =
    g_param_spec_boxed ("members", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE] =
    g_param_spec_object ("cache", NULL, NULL, FERRY_TYPE_CACHE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT, FERRY_RPC_CLIENT_DEFAULT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_LOGINS] =
    g_param_spec_uint ("n-logins", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TRUST_REQUEST] =
    g_signal_new ("trust-request",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  g_signal_accumulator_true_handled, NULL,
                  NULL,
                  G_TYPE_BOOLEAN, 1, FERRY_TYPE_TRUST_REQUEST);
}

static void
ferry_connection_init (FerryConnection *self)
{
  self->transport = FERRY_TRANSPORT_HTTPS;
  self->timeout = FERRY_RPC_CLIENT_DEFAULT_TIMEOUT;
  self->max_reply_size = FERRY_RPC_CLIENT_DEFAULT_MAX_REPLY_SIZE;
  self->event_timeout = 30.0;
  self->min_delay = 1.0;
  self->max_delay = 60.0;
  self->events_enabled = TRUE;
  self->cache = ferry_cache_new ();
  self->trust_store = g_object_ref (ferry_trust_store_get_default ());
  self->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, host_info_free);
  self->open_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->relogin_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->followers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->waiting);
}

/* Public API */

const char *
ferry_connection_get_originator (void)
{
  return ORIGINATOR;
}

FerryConnection *
ferry_connection_new (const char     *address,
                      const char     *username,
                      FerryTransport  transport)
{
  g_return_val_if_fail (address != NULL, NULL);

  return g_object_new (FERRY_TYPE_CONNECTION,
                       "address", address,
                       "username", username ? username : "root",
                       "transport", transport,
                       NULL);
}

const char *
ferry_connection_get_id (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), NULL);
  return self->id;
}

const char *
ferry_connection_get_address (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), NULL);
  return self->address;
}

const char *
ferry_connection_get_username (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), NULL);
  return self->username;
}

FerryTransport
ferry_connection_get_transport (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), FERRY_TRANSPORT_HTTPS);
  return self->transport;
}

FerryConnectionState
ferry_connection_get_state (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), FERRY_CONNECTION_STATE_DISCONNECTED);
  return self->state;
}

const GError *
ferry_connection_get_error (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), NULL);
  return self->error;
}

guint
ferry_connection_get_reconnect_in (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), 0);
  return self->reconnect_in;
}

char *
ferry_connection_dup_status_text (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), NULL);

  switch (self->state)
    {
    case FERRY_CONNECTION_STATE_CONNECTING:
      return g_strdup (_("Connecting…"));
    case FERRY_CONNECTION_STATE_CONNECTED:
      return g_strdup (_("Connected"));
    case FERRY_CONNECTION_STATE_RECONNECTING:
      if (self->reconnect_in > 0)
        /* Translators: %u is a number of seconds */
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reconnecting in %u second",
                                             "Reconnecting in %u seconds", self->reconnect_in),
                                self->reconnect_in);
      return g_strdup (_("Reconnecting…"));
    case FERRY_CONNECTION_STATE_FAILED:
      /* Translators: %s says why */
      return g_strdup_printf (_("Failed: %s"), self->error ? self->error->message : _("unknown error"));
    case FERRY_CONNECTION_STATE_DISCONNECTED:
    default:
      return g_strdup (_("Disconnected"));
    }
}

const char *
ferry_connection_get_master_address (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), NULL);
  return self->master_address;
}

const char *
ferry_connection_get_pool_name (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), NULL);
  return self->pool_name;
}

FerryCertificateInfo *
ferry_connection_get_refused_certificate (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), NULL);
  return is_trust_error (self->error) ? self->refused : NULL;
}

const char * const *
ferry_connection_get_members (FerryConnection *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (FERRY_IS_CONNECTION (self), NULL);
  return self->members ? (const char * const *) self->members : none;
}

void
ferry_connection_set_members (FerryConnection    *self,
                              const char * const *members)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));

  if (g_strv_equal (members ? members : (const char * const[]) { NULL },
                    self->members ? (const char * const *) self->members : (const char * const[]) { NULL }))
    return;

  g_strfreev (self->members);
  self->members = g_strdupv ((char **) members);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMBERS]);
}

FerryCache *
ferry_connection_get_cache (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), NULL);
  return self->cache;
}

FerryTrustStore *
ferry_connection_get_trust_store (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), NULL);
  return self->trust_store;
}

void
ferry_connection_set_trust_store (FerryConnection *self,
                                  FerryTrustStore *store)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));
  g_return_if_fail (FERRY_IS_TRUST_STORE (store));

  g_set_object (&self->trust_store, store);
}

void
ferry_connection_set_trusted_fingerprint (FerryConnection *self,
                                          const char      *fingerprint)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));

  g_free (self->trusted_fingerprint);
  self->trusted_fingerprint = ferry_fingerprint_normalize (fingerprint);
}

void
ferry_connection_set_password (FerryConnection *self,
                               const char      *password)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));

  secret_password_free (self->password);
  self->password = g_strdup (password);
}

gboolean
ferry_connection_has_password (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), FALSE);
  return self->password != NULL;
}

guint
ferry_connection_get_timeout (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), 0);
  return self->timeout;
}

void
ferry_connection_set_timeout (FerryConnection *self,
                              guint            seconds)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));
  g_return_if_fail (seconds > 0);

  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  if (self->client != NULL)
    ferry_rpc_client_set_timeout (self->client, seconds);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

void
ferry_connection_set_reconnect_delays (FerryConnection *self,
                                       double           min_seconds,
                                       double           max_seconds)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));
  g_return_if_fail (min_seconds > 0 && max_seconds >= min_seconds);

  self->min_delay = min_seconds;
  self->max_delay = max_seconds;
}

void
ferry_connection_set_events_enabled (FerryConnection *self,
                                     gboolean         enabled)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));

  self->events_enabled = !!enabled;
}

void
ferry_connection_set_event_classes (FerryConnection    *self,
                                    const char * const *classes)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));

  g_strfreev (self->event_classes);
  self->event_classes = g_strdupv ((char **) classes);
}

void
ferry_connection_set_event_timeout (FerryConnection *self,
                                    double           seconds)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));
  g_return_if_fail (seconds >= 0);

  self->event_timeout = seconds;
}

void
ferry_connection_set_max_reply_size (FerryConnection *self,
                                     guint64          bytes)
{
  g_return_if_fail (FERRY_IS_CONNECTION (self));

  self->max_reply_size = bytes;
  if (self->client != NULL)
    ferry_rpc_client_set_max_reply_size (self->client, bytes);
}

guint
ferry_connection_get_n_logins (FerryConnection *self)
{
  g_return_val_if_fail (FERRY_IS_CONNECTION (self), 0);
  return self->n_logins;
}
