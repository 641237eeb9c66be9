/* ferry-reverse-list-model.c
 *
 * A change of the model at @position that removes @removed items and adds
 * @added is, seen from the end, a change at n_before − position − removed
 * that removes and adds as many.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-reverse-list-model"

#include "config.h"

#include "ferry-reverse-list-model.h"

struct _FerryReverseListModel
{
  GObject     parent_instance;

  GListModel *model;
  guint       n_items;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FerryReverseListModel, ferry_reverse_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return g_list_model_get_item_type (FERRY_REVERSE_LIST_MODEL (model)->model);
}

static guint
get_n_items (GListModel *model)
{
  return FERRY_REVERSE_LIST_MODEL (model)->n_items;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  FerryReverseListModel *self = FERRY_REVERSE_LIST_MODEL (model);

  if (position >= self->n_items)
    return NULL;
  return g_list_model_get_item (self->model, self->n_items - 1 - position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
on_items_changed_cb (GListModel            *model,
                     guint                  position,
                     guint                  removed,
                     guint                  added,
                     FerryReverseListModel *self)
{
  guint before = self->n_items;

  self->n_items = before - removed + added;
  g_list_model_items_changed (G_LIST_MODEL (self), before - position - removed, removed, added);
}

static void
ferry_reverse_list_model_dispose (GObject *object)
{
  FerryReverseListModel *self = FERRY_REVERSE_LIST_MODEL (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed_cb, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (ferry_reverse_list_model_parent_class)->dispose (object);
}

static void
ferry_reverse_list_model_class_init (FerryReverseListModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ferry_reverse_list_model_dispose;
}

static void
ferry_reverse_list_model_init (FerryReverseListModel *self)
{
}

FerryReverseListModel *
ferry_reverse_list_model_new (GListModel *model)
{
  FerryReverseListModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  self = g_object_new (FERRY_TYPE_REVERSE_LIST_MODEL, NULL);
  self->model = g_object_ref (model);
  self->n_items = g_list_model_get_n_items (model);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), self);
  return self;
}

GListModel *
ferry_reverse_list_model_get_model (FerryReverseListModel *self)
{
  g_return_val_if_fail (FERRY_IS_REVERSE_LIST_MODEL (self), NULL);
  return self->model;
}
