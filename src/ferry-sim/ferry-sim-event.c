/* ferry-sim-event.c: event.from, event.get_current_id and event.inject (xapi.md §6.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-event"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ferry-sim-error.h"
#include "ferry-sim-rpc-private.h"

/* xapi waits ~50 ms after a change so that a burst goes out as one batch. */
#define BATCH_DELAY_MS 50

typedef struct
{
  gboolean     all;
  GHashTable  *classes;  /* FerrySimClass set */
  GHashTable  *objects;  /* ref set, for "class/ref" subscriptions */
} Filter;

typedef struct
{
  FerrySimClass *klass;
  const char    *ref;
  FerrySimChange change;
  FerrySimRow   *row;
} Event;

typedef struct
{
  FerrySimCall *call;
  Filter        filter;
  gint64        since;
  GSource      *timeout;
  GSource      *batch;
  gulong        changed_id;
  GArray       *events;  /* of Event; valid until the main loop runs again */
  gint64        token;
} Wait;

static void
filter_clear (Filter *filter)
{
  g_clear_pointer (&filter->classes, g_hash_table_unref);
  g_clear_pointer (&filter->objects, g_hash_table_unref);
}

static gboolean
parse_filter (const FerrySimValue  *specs,
              Filter               *filter,
              GError              **error)
{
  filter->classes = g_hash_table_new (NULL, NULL);
  filter->objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < ferry_sim_value_get_length (specs); i++)
    {
      const char *spec = ferry_sim_value_get_string (ferry_sim_value_index (specs, i));
      const char *slash = strchr (spec, '/');
      g_autofree char *name = slash ? g_strndup (spec, slash - spec) : g_strdup (spec);
      FerrySimClass *klass;

      if (g_str_equal (spec, "*"))
        {
          filter->all = TRUE;
          continue;
        }

      if (*name == '\0' || (slash != NULL && slash[1] == '\0'))
        {
          ferry_sim_set_failure (error, "EVENT_SUBSCRIPTION_PARSE_FAILURE", spec, NULL);
          return FALSE;
        }

      /* Classes xapi has but the simulator does not model simply never change. */
      klass = ferry_sim_schema_lookup_class_nocase (name);
      if (klass == NULL)
        continue;

      if (slash != NULL)
        g_hash_table_add (filter->objects, g_strdup (slash + 1));
      else
        g_hash_table_add (filter->classes, klass);
    }

  return TRUE;
}

static gboolean
filter_matches (const Filter  *filter,
                FerrySimClass *klass,
                const char    *ref)
{
  return filter->all ||
         g_hash_table_contains (filter->classes, klass) ||
         g_hash_table_contains (filter->objects, ref);
}

static gboolean
filter_counts_class (const Filter  *filter,
                     FerrySimClass *klass)
{
  return filter->all || g_hash_table_contains (filter->classes, klass);
}

static gboolean
parse_token (const char *token,
             gint64     *generation)
{
  gint64 db_gen = 0;
  gint64 message_gen = 0;
  char tail;

  if (token == NULL || *token == '\0')
    {
      *generation = 0;
      return TRUE;
    }

  if (sscanf (token, "%" G_GINT64_MODIFIER "d,%" G_GINT64_MODIFIER "d%c", &db_gen, &message_gen, &tail) == 2 ||
      sscanf (token, "%" G_GINT64_MODIFIER "d%c", &db_gen, &tail) == 1)
    {
      if (db_gen < 0)
        return FALSE;
      *generation = db_gen;
      return TRUE;
    }

  return FALSE;
}

static void
collect_cb (FerrySimClass *klass,
            const char    *ref,
            FerrySimChange change,
            FerrySimRow   *row,
            gpointer       user_data)
{
  Wait *wait = user_data;
  Event event = { klass, ref, change, row };

  if (filter_matches (&wait->filter, klass, ref))
    g_array_append_val (wait->events, event);
}

static const char * const operation_names[] = { "add", "mod", "del" };

static void
write_events_cb (GString  *out,
                 gboolean  json,
                 gpointer  data)
{
  Wait *wait = data;
  FerrySimDb *db = ferry_sim_call_get_db (wait->call);
  g_autofree char *token = g_strdup_printf ("%020" G_GINT64_FORMAT ",%020" G_GINT64_FORMAT,
                                            wait->token, wait->token);
  guint n_classes = ferry_sim_schema_get_n_classes ();

  if (json)
    g_string_append (out, "{\"events\":[");
  else
    g_string_append (out, "<value><struct><member><name>events</name><value><array><data>");

  for (guint i = 0; i < wait->events->len; i++)
    {
      const Event *event = &g_array_index (wait->events, Event, i);
      gint64 id = event->row ? event->row->mtime : wait->token;

      if (json)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          g_string_append_printf (out, "{\"id\":\"%" G_GINT64_FORMAT "\",\"timestamp\":\"0.0\",\"class\":", id);
          ferry_sim_write_json_string (out, event->klass->lower_name);
          g_string_append_printf (out, ",\"operation\":\"%s\",\"ref\":", operation_names[event->change]);
          ferry_sim_write_json_string (out, event->ref);
          if (event->row != NULL)
            {
              g_string_append (out, ",\"snapshot\":");
              ferry_sim_row_write_json (event->row, out);
            }
          g_string_append_c (out, '}');
        }
      else
        {
          g_string_append_printf (out,
                                  "<value><struct>"
                                  "<member><name>id</name><value>%" G_GINT64_FORMAT "</value></member>"
                                  "<member><name>timestamp</name><value>0.0</value></member>"
                                  "<member><name>class</name><value>%s</value></member>"
                                  "<member><name>operation</name><value>%s</value></member>"
                                  "<member><name>ref</name><value>%s</value></member>",
                                  id, event->klass->lower_name, operation_names[event->change], event->ref);
          if (event->row != NULL)
            {
              g_string_append (out, "<member><name>snapshot</name>");
              ferry_sim_row_write_xmlrpc (event->row, out);
              g_string_append (out, "</member>");
            }
          g_string_append (out, "</struct></value>");
        }
    }

  if (json)
    g_string_append (out, "],\"valid_ref_counts\":{");
  else
    g_string_append (out, "</data></array></value></member><member><name>valid_ref_counts</name><value><struct>");

  for (guint c = 0, written = 0; c < n_classes; c++)
    {
      FerrySimClass *klass = ferry_sim_schema_get_class (c);
      guint count;

      if (!filter_counts_class (&wait->filter, klass))
        continue;

      count = ferry_sim_db_get_rows (db, klass)->len;
      if (json)
        g_string_append_printf (out, "%s\"%s\":%u", written++ ? "," : "", klass->lower_name, count);
      else
        g_string_append_printf (out, "<member><name>%s</name><value><i4>%u</i4></value></member>",
                                klass->lower_name, count);
    }

  if (json)
    {
      g_string_append (out, "},\"token\":");
      ferry_sim_write_json_string (out, token);
      g_string_append_c (out, '}');
    }
  else
    g_string_append_printf (out, "</struct></value></member><member><name>token</name><value>%s</value></member></struct></value>",
                            token);
}

static void
wait_free (Wait *wait)
{
  _ferry_sim_source_clear (&wait->timeout);
  _ferry_sim_source_clear (&wait->batch);
  g_clear_signal_handler (&wait->changed_id, ferry_sim_call_get_db (wait->call));
  g_clear_pointer (&wait->events, g_array_unref);
  filter_clear (&wait->filter);
  ferry_sim_call_unref (wait->call);
  g_free (wait);
}

static gboolean
collect (Wait *wait)
{
  FerrySimDb *db = ferry_sim_call_get_db (wait->call);

  g_array_set_size (wait->events, 0);
  wait->token = ferry_sim_db_get_generation (db);
  ferry_sim_db_foreach_change (db, wait->since, collect_cb, wait);
  return wait->events->len > 0;
}

static void
finish (Wait *wait)
{
  FerrySimCall *call = wait->call;

  _ferry_sim_source_clear (&wait->timeout);
  _ferry_sim_source_clear (&wait->batch);
  g_clear_signal_handler (&wait->changed_id, ferry_sim_call_get_db (call));

  /* A session that went away while waiting (logout, expiry) ends the wait. */
  if (ferry_sim_call_get_session (call) == NULL)
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("SESSION_INVALID",
                                                                ferry_sim_call_get_session_ref (call), NULL));
      wait_free (wait);
      return;
    }

  collect (wait);
  ferry_sim_call_return_writer (call, write_events_cb, wait, (GDestroyNotify) wait_free);
}

static gboolean
on_timeout_cb (gpointer data)
{
  Wait *wait = data;

  finish (wait);
  return G_SOURCE_REMOVE;
}

static gboolean
on_batch_cb (gpointer data)
{
  Wait *wait = data;

  finish (wait);
  return G_SOURCE_REMOVE;
}

static void
on_db_changed_cb (FerrySimDb *db,
                  Wait       *wait)
{
  if (wait->batch != NULL)
    return;

  if (collect (wait) || ferry_sim_call_get_session (wait->call) == NULL)
    wait->batch = _ferry_sim_timeout_add (BATCH_DELAY_MS, on_batch_cb, wait, NULL);
}

static void
event_from (FerrySimCall *call)
{
  g_autoptr(GError) error = NULL;
  const char *token = ferry_sim_call_get_arg_string (call, 1);
  const FerrySimValue *timeout_value = ferry_sim_call_get_arg (call, 2);
  double timeout = timeout_value->kind == FERRY_SIM_VALUE_FLOAT ? timeout_value->d : 0.0;
  Wait *wait = g_new0 (Wait, 1);

  wait->call = ferry_sim_call_ref (call);
  wait->events = g_array_new (FALSE, FALSE, sizeof (Event));

  if (!parse_token (token, &wait->since))
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("EVENT_FROM_TOKEN_PARSE_FAILURE", token, NULL));
      wait_free (wait);
      return;
    }

  if (!parse_filter (ferry_sim_call_get_arg (call, 0), &wait->filter, &error))
    {
      ferry_sim_call_return_error (call, g_steal_pointer (&error));
      wait_free (wait);
      return;
    }

  if (collect (wait) || timeout <= 0.0)
    {
      ferry_sim_call_return_writer (call, write_events_cb, wait, (GDestroyNotify) wait_free);
      return;
    }

  wait->changed_id = g_signal_connect (ferry_sim_call_get_db (call), "changed",
                                       G_CALLBACK (on_db_changed_cb), wait);
  wait->timeout = _ferry_sim_timeout_add (MIN (timeout, 86400.0) * 1000, on_timeout_cb, wait, NULL);
}

static void
get_current_id (FerrySimCall *call)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                         ferry_sim_db_get_generation (ferry_sim_call_get_db (call)));

  ferry_sim_call_return_string (call, id);
}

static void
inject (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimClass *klass = ferry_sim_schema_lookup_class_nocase (ferry_sim_call_get_arg_string (call, 0));
  FerrySimRow *row = klass ? ferry_sim_db_lookup_in (db, klass->name, ferry_sim_call_get_arg_string (call, 1)) : NULL;
  g_autofree char *token = NULL;

  if (row == NULL)
    {
      ferry_sim_call_return_error (call,
                                   ferry_sim_failure_new ("HANDLE_INVALID",
                                                          ferry_sim_call_get_arg_string (call, 0),
                                                          ferry_sim_call_get_arg_string (call, 1), NULL));
      return;
    }

  ferry_sim_db_touch (db, row);
  token = g_strdup_printf ("%020" G_GINT64_FORMAT ",%020" G_GINT64_FORMAT,
                           ferry_sim_db_get_generation (db), ferry_sim_db_get_generation (db));
  ferry_sim_call_return_string (call, token);
}

static const FerrySimMethodDef event_methods[] = {
  { "event.from", event_from, FERRY_SIM_METHOD_NO_ASYNC, 3, { "string set", "string", "float" } },
  { "event.get_current_id", get_current_id, FERRY_SIM_METHOD_NO_ASYNC, 0, { NULL } },
  { "event.inject", inject, FERRY_SIM_METHOD_NO_ASYNC, 2, { "string", "string" } },
};

void
_ferry_sim_event_register (void)
{
  ferry_sim_rpc_register (event_methods, G_N_ELEMENTS (event_methods));
}
