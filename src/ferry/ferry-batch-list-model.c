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
  gboolean    splitting;  /* between the two halves of a folded change */
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
  if (self->splitting && position >= self->start + self->added)
    {
      /* The old items are gone: each gets a placeholder (see _end()). */
      if (position < self->start + self->added + self->removed)
        return g_object_new (g_list_model_get_item_type (self->model), NULL);
      position -= self->removed;
    }
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

/* How many widgets of old items the new items push out of the rows at
 * the top that the list view has widgets for (see _end()). */
static guint
n_pushed_out (FerryBatchListModel *self,
              guint                n_kept)
{
  guint old_end = MIN (self->start + self->removed, n_kept);
  guint first = MAX (self->start, n_kept - MIN (n_kept, self->added));

  return old_end > first ? old_end - first : 0;
}

void
ferry_batch_list_model_end (FerryBatchListModel *self,
                            guint                n_fixed,
                            guint                n_kept)
{
  g_return_if_fail (FERRY_IS_BATCH_LIST_MODEL (self));
  g_return_if_fail (self->depth > 0);

  if (--self->depth > 0 || !self->changed)
    return;

  self->changed = FALSE;
  if (self->removed == 0 || self->start < n_fixed || self->start >= n_kept || n_pushed_out (self, n_kept) == 0)
    {
      self->n_items = g_list_model_get_n_items (self->model);
      g_list_model_items_changed (G_LIST_MODEL (self), self->start, self->removed, self->added);
      return;
    }

  /* GTK 4.8's list view destroys the row widgets of the removed items,
   * but rebinds those that scroll far enough out of view. So the new items
   * go in first, before the old ones, and push widgets of the old items
   * out of view, to be rebound to the new items; the old items then go.
   * This needs the list view to stay in place, and its bookkeeping to be
   * exact where the change starts (GTK 4.8 removes the wrong rows when a
   * removal starts between two rows that have no widget): see the header.
   * Should it ask for an old item meanwhile, it gets a placeholder: the
   * old items cannot be asked for any more. */
  self->splitting = TRUE;
  self->n_items += self->added;
  g_list_model_items_changed (G_LIST_MODEL (self), self->start, 0, self->added);
  self->splitting = FALSE;
  self->n_items = g_list_model_get_n_items (self->model);
  g_list_model_items_changed (G_LIST_MODEL (self), self->start + self->added, self->removed, 0);
}
