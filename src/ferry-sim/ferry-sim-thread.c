/* ferry-sim-thread.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-thread"

#include "config.h"

#include "ferry-sim-thread.h"

struct _FerrySimThread
{
  GThread              *thread;
  GMainContext         *context;
  GMainLoop            *loop;
  FerrySimWorld        *world;
  FerrySimThreadFactory  factory;
  gpointer              factory_data;
  char                 *announcement;
  GError               *error;
  GMutex                lock;
  GCond                 cond;
  gboolean              ready;
};

static void
signal_ready (FerrySimThread *self)
{
  g_mutex_lock (&self->lock);
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gpointer
run_world (gpointer data)
{
  FerrySimThread *self = data;

  g_main_context_push_thread_default (self->context);

  self->world = self->factory (self->factory_data, &self->error);
  if (self->world != NULL && !ferry_sim_world_start (self->world, 0, &self->error))
    g_clear_object (&self->world);
  if (self->world != NULL)
    self->announcement = ferry_sim_world_dup_announcement (self->world);

  signal_ready (self);

  if (self->world != NULL)
    {
      g_main_loop_run (self->loop);
      ferry_sim_world_stop (self->world);
      g_clear_object (&self->world);
    }

  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
free_thread (FerrySimThread *self)
{
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_free (self->announcement);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

FerrySimThread *
ferry_sim_thread_start (FerrySimThreadFactory   factory,
                        gpointer               user_data,
                        GError               **error)
{
  FerrySimThread *self = g_new0 (FerrySimThread, 1);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->factory = factory;
  self->factory_data = user_data;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->thread = g_thread_new ("ferry-sim", run_world, self);

  g_mutex_lock (&self->lock);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  if (self->announcement == NULL)
    {
      g_thread_join (self->thread);
      g_propagate_error (error, g_steal_pointer (&self->error));
      free_thread (self);
      return NULL;
    }

  return self;
}

static FerrySimWorld *
make_demo (gpointer   user_data,
           GError   **error)
{
  g_autoptr(FerrySimWorld) world = ferry_sim_world_new ();
  g_autofree char *path = ferry_sim_world_dup_demo_path ();

  if (!ferry_sim_world_load_scenario (world, path, "demo", error))
    return NULL;
  return g_steal_pointer (&world);
}

FerrySimThread *
ferry_sim_thread_start_demo (GError **error)
{
  return ferry_sim_thread_start (make_demo, NULL, error);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
ferry_sim_thread_stop (FerrySimThread *self)
{
  if (self == NULL)
    return;

  g_main_context_invoke (self->context, quit_cb, self->loop);
  g_thread_join (self->thread);
  free_thread (self);
}

typedef struct
{
  GSourceFunc func;
  gpointer    data;
  GMutex      lock;
  GCond       cond;
  gboolean    done;
} Invocation;

static gboolean
invoke_cb (gpointer data)
{
  Invocation *invocation = data;

  invocation->func (invocation->data);
  g_mutex_lock (&invocation->lock);
  invocation->done = TRUE;
  g_cond_signal (&invocation->cond);
  g_mutex_unlock (&invocation->lock);
  return G_SOURCE_REMOVE;
}

void
ferry_sim_thread_invoke (FerrySimThread *self,
                         GSourceFunc     func,
                         gpointer        data)
{
  Invocation invocation = { func, data };

  g_mutex_init (&invocation.lock);
  g_cond_init (&invocation.cond);
  g_main_context_invoke (self->context, invoke_cb, &invocation);
  g_mutex_lock (&invocation.lock);
  while (!invocation.done)
    g_cond_wait (&invocation.cond, &invocation.lock);
  g_mutex_unlock (&invocation.lock);
  g_mutex_clear (&invocation.lock);
  g_cond_clear (&invocation.cond);
}

FerrySimWorld *
ferry_sim_thread_get_world (FerrySimThread *self)
{
  return self->world;
}

const char *
ferry_sim_thread_get_announcement (FerrySimThread *self)
{
  return self->announcement;
}
