/* ferry-batch-list-model.c
 *
 * The folded change covers, in the model as it is now, [start, start +
 * added), which stood for [start, start + removed) before the batch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-batch-list-model"

#include "config.h"

#include "ferry-batch-list-model.h"

struct _FerryBatchListModel
{
  GObject     parent_instance;

  GListModel *model;
  guint       n_items;   /* as last announced */
  guint       depth;
  gboolean    changed;
  guint       start;
  guint       removed;
  guint       added;
};

static GType
ferry_batch_list_model_get_item_type (GListModel *list)
{
  return g_list_model_get_item_type (FERRY_BATCH_LIST_MODEL (list)->model);
}

static guint
ferry_batch_list_model_get_n_items (GListModel *list)
{
  return FERRY_BATCH_LIST_MODEL (list)->n_items;
}

static gpointer
ferry_batch_list_model_get_item (GListModel *list,
                                 guint       position)
{
  FerryBatchListModel *self = FERRY_BATCH_LIST_MODEL (list);

  if (position >= self->n_items)
    return NULL;
  return g_list_model_get_item (self->model, position);
}

static void
ferry_batch_list_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ferry_batch_list_model_get_item_type;
  iface->get_n_items = ferry_batch_list_model_get_n_items;
  iface->get_item = ferry_batch_list_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FerryBatchListModel, ferry_batch_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ferry_batch_list_model_list_model_init))

static void
on_items_changed_cb (FerryBatchListModel *self,
                     guint                position,
                     guint                removed,
                     guint                added,
                     GListModel          *model)
{
  guint start, end;

  if (self->depth == 0)
    {
      self->n_items = g_list_model_get_n_items (model);
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }

  if (!self->changed)
    {
      self->changed = TRUE;
      self->start = position;
      self->removed = removed;
      self->added = added;
      return;
    }

  /* Widen the folded range to cover this change too. */
  start = MIN (self->start, position);
  end = MAX (self->start + self->added, position + removed);
  self->removed += (end - start) - self->added;
  self->added = (end - start) - removed + added;
  self->start = start;
}

static void
ferry_batch_list_model_dispose (GObject *object)
{
  FerryBatchListModel *self = FERRY_BATCH_LIST_MODEL (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed_cb, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (ferry_batch_list_model_parent_class)->dispose (object);
}

static void
ferry_batch_list_model_class_init (FerryBatchListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_batch_list_model_dispose;
}

static void
ferry_batch_list_model_init (FerryBatchListModel *self)
{
}

FerryBatchListModel *
ferry_batch_list_model_new (GListModel *model)
{
  FerryBatchListModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  self = g_object_new (FERRY_TYPE_BATCH_LIST_MODEL, NULL);
  self->model = g_object_ref (model);
  self->n_items = g_list_model_get_n_items (model);
  g_signal_connect_swapped (model, "items-changed", G_CALLBACK (on_items_changed_cb), self);
  return self;
}

GListModel *
ferry_batch_list_model_get_model (FerryBatchListModel *self)
{
  g_return_val_if_fail (FERRY_IS_BATCH_LIST_MODEL (self), NULL);
  return self->model;
}

void
ferry_batch_list_model_begin (FerryBatchListModel *self)
{
  g_return_if_fail (FERRY_IS_BATCH_LIST_MODEL (self));
  self->depth++;
}

void
ferry_batch_list_model_end (FerryBatchListModel *self)
{
  g_return_if_fail (FERRY_IS_BATCH_LIST_MODEL (self));
  g_return_if_fail (self->depth > 0);

  if (--self->depth > 0 || !self->changed)
    return;

  self->changed = FALSE;
  self->n_items = g_list_model_get_n_items (self->model);
  g_list_model_items_changed (G_LIST_MODEL (self), self->start, self->removed, self->added);
}
