/* ferry-demo.c
 *
 * `ferry --demo` runs the simulator's demo scenario in-process and
 * connects to each of its pools, so that a newcomer sees everything at
 * once. Plain HTTP is allowed here only because it stays on loopback.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-demo"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ferry-demo.h"
#include "ferry-sim-thread.h"

#define DEMO_USER     "root"
#define DEMO_PASSWORD "demo"

struct _FerryDemo
{
  GObject                 parent_instance;

  FerrySimThread         *sim;
  FerryConnectionManager *manager;
  char                   *directory;
  char                   *history_path;
};

G_DEFINE_FINAL_TYPE (FerryDemo, ferry_demo, G_TYPE_OBJECT)

static void
ferry_demo_finalize (GObject *object)
{
  FerryDemo *self = FERRY_DEMO (object);

  g_clear_object (&self->manager);
  g_clear_pointer (&self->sim, ferry_sim_thread_stop);
  if (self->directory != NULL)
    {
      g_autofree char *path = g_build_filename (self->directory, "connections.ini", NULL);

      g_unlink (path);
      g_unlink (self->history_path);
      g_rmdir (self->directory);
      g_free (self->directory);
    }
  g_free (self->history_path);

  G_OBJECT_CLASS (ferry_demo_parent_class)->finalize (object);
}

static void
ferry_demo_class_init (FerryDemoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_demo_finalize;
}

static void
ferry_demo_init (FerryDemo *self)
{
}

FerryDemo *
ferry_demo_new (GError **error)
{
  g_autoptr(FerryDemo) self = g_object_new (FERRY_TYPE_DEMO, NULL);
  g_autofree char *path = NULL;

  self->directory = g_dir_make_tmp ("ferry-demo-XXXXXX", error);
  if (self->directory == NULL)
    return NULL;
  self->history_path = g_build_filename (self->directory, "history.jsonl", NULL);

  self->sim = ferry_sim_thread_start_demo (error);
  if (self->sim == NULL)
    {
      g_prefix_error (error, "%s", _("Could not start the simulator: "));
      return NULL;
    }

  path = g_build_filename (self->directory, "connections.ini", NULL);
  self->manager = ferry_connection_manager_new (path);
  return g_steal_pointer (&self);
}

const char *
ferry_demo_get_announcement (FerryDemo *self)
{
  g_return_val_if_fail (FERRY_IS_DEMO (self), NULL);
  return ferry_sim_thread_get_announcement (self->sim);
}

FerryConnectionManager *
ferry_demo_get_manager (FerryDemo *self)
{
  g_return_val_if_fail (FERRY_IS_DEMO (self), NULL);
  return self->manager;
}

const char *
ferry_demo_get_history_path (FerryDemo *self)
{
  g_return_val_if_fail (FERRY_IS_DEMO (self), NULL);
  return self->history_path;
}

static void
on_opened_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!ferry_connection_open_finish (FERRY_CONNECTION (object), result, &error))
    g_warning ("Could not connect to the simulated %s: %s",
               ferry_connection_get_address (FERRY_CONNECTION (object)), error->message);
}

static void
add (FerryDemo  *self,
     const char *url)
{
  FerryConnection *connection;

  if (url == NULL)
    return;
  connection = ferry_connection_manager_add (self->manager, url, DEMO_USER, FERRY_TRANSPORT_HTTP);
  ferry_connection_set_password (connection, DEMO_PASSWORD);
  ferry_connection_open_async (connection, NULL, on_opened_cb, NULL);
}

gboolean
ferry_demo_connect_all (FerryDemo  *self,
                        GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *pools;
  JsonArray *standalone;

  g_return_val_if_fail (FERRY_IS_DEMO (self), FALSE);

  if (!json_parser_load_from_data (parser, ferry_demo_get_announcement (self), -1, error))
    return FALSE;

  root = json_node_get_object (json_parser_get_root (parser));
  pools = json_object_get_array_member (root, "pools");
  standalone = json_object_get_array_member (root, "standalone");

  for (guint i = 0; pools != NULL && i < json_array_get_length (pools); i++)
    add (self, json_object_get_string_member_with_default (json_array_get_object_element (pools, i),
                                                           "master_http", NULL));
  for (guint i = 0; standalone != NULL && i < json_array_get_length (standalone); i++)
    add (self, json_object_get_string_member_with_default (json_array_get_object_element (standalone, i),
                                                           "http_url", NULL));
  return TRUE;
}
