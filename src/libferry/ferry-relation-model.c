/* ferry-relation-model.c: a GListModel of cached objects, kept in arrival order
 *
 * The cache queues membership changes while it applies a batch and flushes
 * them once per main-loop iteration. A flush merges the queued changes into
 * the item array (both ordered by the objects' arrival serial) and emits one
 * items-changed per run of adjacent changed positions, in ascending order.
 * While it emits, get_item() answers from the new array below the end of the
 * run just announced and from the old array above it, so every handler sees
 * exactly the state its signals describe, at O(n + changes) per flush.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-relation-model"

#include "config.h"

#include <stdlib.h>

#include "ferry-intern.h"
#include "ferry-object-private.h"
#include "ferry-relation-model-private.h"

typedef struct
{
  FerryObject *object;   /* owned */
  int          delta;    /* +1 joins, -1 leaves */
} Change;

typedef struct
{
  guint position;        /* where the run starts, in the new array */
  guint old_position;    /* where it starts in the old one */
  guint removed;
  guint added;
} Run;

struct _FerryRelationModel
{
  GObject    parent_instance;

  GType      item_type;
  char      *owner_ref;     /* interned */

  GPtrArray *items;         /* owns a reference on each item */
  GArray    *pending;       /* Change; NULL when nothing is pending */

  /* Set only while a flush emits its signals. */
  GPtrArray *old_items;
  guint      new_boundary;
  guint      old_boundary;
};

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_N_ITEMS,
  PROP_OWNER_REF,
  N_PROPS
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FerryRelationModel, ferry_relation_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GParamSpec *properties [N_PROPS];

static GType
ferry_relation_model_get_item_type (GListModel *model)
{
  return FERRY_RELATION_MODEL (model)->item_type;
}

static guint
ferry_relation_model_get_n_items (GListModel *model)
{
  FerryRelationModel *self = FERRY_RELATION_MODEL (model);

  if (self->old_items != NULL)
    return self->new_boundary + (self->old_items->len - self->old_boundary);

  return self->items->len;
}

static gpointer
ferry_relation_model_get_item (GListModel *model,
                               guint       position)
{
  FerryRelationModel *self = FERRY_RELATION_MODEL (model);

  if (self->old_items != NULL && position >= self->new_boundary)
    {
      guint old_position = position - self->new_boundary + self->old_boundary;

      if (old_position >= self->old_items->len)
        return NULL;

      return g_object_ref (g_ptr_array_index (self->old_items, old_position));
    }

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ferry_relation_model_get_item_type;
  iface->get_n_items = ferry_relation_model_get_n_items;
  iface->get_item = ferry_relation_model_get_item;
}

static void
clear_pending (FerryRelationModel *self)
{
  if (self->pending == NULL)
    return;

  for (guint i = 0; i < self->pending->len; i++)
    g_object_unref (g_array_index (self->pending, Change, i).object);

  g_clear_pointer (&self->pending, g_array_unref);
}

static void
ferry_relation_model_finalize (GObject *object)
{
  FerryRelationModel *self = (FerryRelationModel *)object;

  clear_pending (self);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->owner_ref, _ferry_intern_release);

  G_OBJECT_CLASS (ferry_relation_model_parent_class)->finalize (object);
}

static void
ferry_relation_model_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  FerryRelationModel *self = FERRY_RELATION_MODEL (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, self->item_type);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, g_list_model_get_n_items (G_LIST_MODEL (self)));
      break;

    case PROP_OWNER_REF:
      g_value_set_string (value, self->owner_ref);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_relation_model_class_init (FerryRelationModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_relation_model_finalize;
  object_class->get_property = ferry_relation_model_get_property;

  properties [PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", NULL, NULL,
                        FERRY_TYPE_OBJECT,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_OWNER_REF] =
    g_param_spec_string ("owner-ref", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ferry_relation_model_init (FerryRelationModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

FerryRelationModel *
_ferry_relation_model_new (GType  item_type,
                           char  *owner_ref)
{
  FerryRelationModel *self;

  g_return_val_if_fail (g_type_is_a (item_type, FERRY_TYPE_OBJECT), NULL);

  self = g_object_new (FERRY_TYPE_RELATION_MODEL, NULL);
  self->item_type = item_type;
  self->owner_ref = _ferry_intern_ref (owner_ref);

  return self;
}

static gboolean
queue_change (FerryRelationModel *self,
              FerryObject        *object,
              int                 delta)
{
  Change change = { g_object_ref (object), delta };
  gboolean was_idle = self->pending == NULL;

  if (was_idle)
    self->pending = g_array_new (FALSE, FALSE, sizeof (Change));

  g_array_append_val (self->pending, change);

  return was_idle;
}

gboolean
_ferry_relation_model_add (FerryRelationModel *self,
                           FerryObject        *object)
{
  g_assert (FERRY_IS_RELATION_MODEL (self));
  g_assert (G_TYPE_CHECK_INSTANCE_TYPE (object, self->item_type));

  return queue_change (self, object, +1);
}

gboolean
_ferry_relation_model_remove (FerryRelationModel *self,
                              FerryObject        *object)
{
  g_assert (FERRY_IS_RELATION_MODEL (self));

  return queue_change (self, object, -1);
}

static int
compare_changes (gconstpointer a,
                 gconstpointer b)
{
  guint sa = _ferry_object_get_serial (((const Change *) a)->object);
  guint sb = _ferry_object_get_serial (((const Change *) b)->object);

  return sa < sb ? -1 : sa > sb;
}

/* Sorts the queue by serial and sums the deltas of each object; drops the
 * objects whose membership did not change in the end. */
static void
collapse_pending (GArray *pending)
{
  guint n = 0;

  qsort (pending->data, pending->len, sizeof (Change), compare_changes);

  for (guint i = 0; i < pending->len;)
    {
      Change *first = &g_array_index (pending, Change, i);
      int delta = 0;
      guint j;

      for (j = i; j < pending->len; j++)
        {
          Change *c = &g_array_index (pending, Change, j);

          if (c->object != first->object)
            break;
          delta += c->delta;
        }

      /* Keep one reference in the collapsed entry, drop the others. */
      for (guint k = i + 1; k < j; k++)
        g_object_unref (g_array_index (pending, Change, k).object);

      if (delta != 0)
        {
          Change *out = &g_array_index (pending, Change, n++);

          out->object = first->object;
          out->delta = delta > 0 ? +1 : -1;
        }
      else
        g_object_unref (first->object);

      i = j;
    }

  g_array_set_size (pending, n);
}

static void
close_run (GArray *runs,
           Run    *run)
{
  if (run->removed + run->added > 0)
    g_array_append_val (runs, *run);

  run->removed = run->added = 0;
}

void
_ferry_relation_model_flush (FerryRelationModel *self)
{
  g_autoptr(GArray) pending = NULL;
  g_autoptr(GArray) runs = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  GPtrArray *old_items;
  GPtrArray *new_items;
  guint old_len;
  guint i = 0;
  guint j = 0;
  Run run = { 0 };

  g_return_if_fail (FERRY_IS_RELATION_MODEL (self));
  g_return_if_fail (self->old_items == NULL);

  if (self->pending == NULL)
    return;

  pending = g_steal_pointer (&self->pending);
  collapse_pending (pending);
  if (pending->len == 0)
    return;

  old_items = self->items;
  old_len = old_items->len;
  new_items = g_ptr_array_new_full (old_len + pending->len, g_object_unref);
  runs = g_array_new (FALSE, FALSE, sizeof (Run));
  removed = g_ptr_array_new_with_free_func (g_object_unref);

  /* Merge; the new array steals the kept items' references from the old. */
  while (i < old_len || j < pending->len)
    {
      FerryObject *old = i < old_len ? g_ptr_array_index (old_items, i) : NULL;
      Change *change = j < pending->len ? &g_array_index (pending, Change, j) : NULL;

      if (change != NULL &&
          (old == NULL ||
           _ferry_object_get_serial (change->object) <= _ferry_object_get_serial (old)))
        {
          j++;

          if (change->object == old)
            {
              if (change->delta < 0)
                {
                  if (run.removed + run.added == 0)
                    {
                      run.position = new_items->len;
                      run.old_position = i;
                    }
                  run.removed++;
                  g_ptr_array_add (removed, old);
                  i++;
                }
              /* An add of an item already present changes nothing. */
              g_object_unref (change->object);
              continue;
            }

          if (change->delta > 0)
            {
              if (run.removed + run.added == 0)
                {
                  run.position = new_items->len;
                  run.old_position = i;
                }
              run.added++;
              g_ptr_array_add (new_items, change->object);
            }
          else
            {
              /* Removing an item that is not there changes nothing. */
              g_object_unref (change->object);
            }
          continue;
        }

      close_run (runs, &run);
      g_ptr_array_add (new_items, old);
      i++;
    }
  close_run (runs, &run);

  /* The Change entries' references went to new_items or were dropped. */
  g_array_set_size (pending, 0);

  /* The old array no longer owns anything. */
  g_ptr_array_set_free_func (old_items, NULL);
  self->items = new_items;
  self->old_items = old_items;

  for (guint r = 0; r < runs->len; r++)
    {
      const Run *rr = &g_array_index (runs, Run, r);

      self->new_boundary = rr->position + rr->added;
      self->old_boundary = rr->old_position + rr->removed;
      g_list_model_items_changed (G_LIST_MODEL (self), rr->position, rr->removed, rr->added);
    }

  self->old_items = NULL;
  self->new_boundary = self->old_boundary = 0;
  g_ptr_array_unref (old_items);

  if (old_len != self->items->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_ITEMS]);
}

void
_ferry_relation_model_take_sorted (FerryRelationModel *self,
                                   GPtrArray          *objects)
{
  g_return_if_fail (FERRY_IS_RELATION_MODEL (self));
  g_return_if_fail (self->items->len == 0);

  for (guint i = 0; i < objects->len; i++)
    g_ptr_array_add (self->items, g_object_ref (g_ptr_array_index (objects, i)));
}

gboolean
_ferry_relation_model_is_idle (FerryRelationModel *self)
{
  g_return_val_if_fail (FERRY_IS_RELATION_MODEL (self), FALSE);

  return self->pending == NULL && self->items->len == 0;
}

const char *
ferry_relation_model_get_owner_ref (FerryRelationModel *self)
{
  g_return_val_if_fail (FERRY_IS_RELATION_MODEL (self), NULL);

  return self->owner_ref;
}
