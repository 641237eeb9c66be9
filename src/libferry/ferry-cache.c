/* ferry-cache.c: the typed object cache one connection feeds from event.from
 *
 * The cache owns one object per ref, a per-class list model and, for every
 * relation (ferry-cache.h), one list model per owner ref. Relation models are
 * maintained eagerly, keyed by the interned owner ref: a ref field change is
 * one removal from the old owner's model and one addition to the new one's,
 * whether or not the owner object is known yet.
 *
 * Applying events changes the objects' values at once but holds every
 * signal back: list-model changes and property notifications are queued and
 * emitted by one flush per main-loop iteration (or ferry_cache_flush()), so
 * a batch of 50,000 changes costs one items-changed per run of positions and
 * one notify per changed property of each object.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cache"

#include "config.h"

#include "ferry-cache.h"
#include "ferry-object-private.h"
#include "ferry-pool.h"
#include "ferry-relation-model-private.h"

/* Batches at least this big are freed on a thread of their own. */
#define THREADED_FREE_THRESHOLD 4096
#define MAX_RELATIONS_PER_CLASS 8

typedef struct
{
  FerryClassId  child;
  const char   *field;   /* the child's ref field */
  FerryClassId  owner;
} RelationDef;

static const RelationDef relation_defs[FERRY_N_RELATIONS] = {
  [FERRY_RELATION_HOST_RESIDENT_VMS]   = { FERRY_CLASS_VM, "resident_on", FERRY_CLASS_HOST },
  [FERRY_RELATION_HOST_SCHEDULED_VMS]  = { FERRY_CLASS_VM, "scheduled_to_be_resident_on", FERRY_CLASS_HOST },
  [FERRY_RELATION_HOST_AFFINITY_VMS]   = { FERRY_CLASS_VM, "affinity", FERRY_CLASS_HOST },
  [FERRY_RELATION_VM_SNAPSHOTS]        = { FERRY_CLASS_VM, "snapshot_of", FERRY_CLASS_VM },
  [FERRY_RELATION_VM_VBDS]             = { FERRY_CLASS_VBD, "VM", FERRY_CLASS_VM },
  [FERRY_RELATION_VM_VIFS]             = { FERRY_CLASS_VIF, "VM", FERRY_CLASS_VM },
  [FERRY_RELATION_VM_VGPUS]            = { FERRY_CLASS_VGPU, "VM", FERRY_CLASS_VM },
  [FERRY_RELATION_VM_VUSBS]            = { FERRY_CLASS_VUSB, "VM", FERRY_CLASS_VM },
  [FERRY_RELATION_VDI_VBDS]            = { FERRY_CLASS_VBD, "VDI", FERRY_CLASS_VDI },
  [FERRY_RELATION_VDI_SNAPSHOTS]       = { FERRY_CLASS_VDI, "snapshot_of", FERRY_CLASS_VDI },
  [FERRY_RELATION_SR_VDIS]             = { FERRY_CLASS_VDI, "SR", FERRY_CLASS_SR },
  [FERRY_RELATION_SR_PBDS]             = { FERRY_CLASS_PBD, "SR", FERRY_CLASS_SR },
  [FERRY_RELATION_HOST_PBDS]           = { FERRY_CLASS_PBD, "host", FERRY_CLASS_HOST },
  [FERRY_RELATION_NETWORK_VIFS]        = { FERRY_CLASS_VIF, "network", FERRY_CLASS_NETWORK },
  [FERRY_RELATION_NETWORK_PIFS]        = { FERRY_CLASS_PIF, "network", FERRY_CLASS_NETWORK },
  [FERRY_RELATION_HOST_PIFS]           = { FERRY_CLASS_PIF, "host", FERRY_CLASS_HOST },
  [FERRY_RELATION_HOST_CPUS]           = { FERRY_CLASS_HOST_CPU, "host", FERRY_CLASS_HOST },
  [FERRY_RELATION_HOST_PCIS]           = { FERRY_CLASS_PCI, "host", FERRY_CLASS_HOST },
  [FERRY_RELATION_HOST_PGPUS]          = { FERRY_CLASS_PGPU, "host", FERRY_CLASS_HOST },
  [FERRY_RELATION_HOST_PUSBS]          = { FERRY_CLASS_PUSB, "host", FERRY_CLASS_HOST },
  [FERRY_RELATION_GPU_GROUP_PGPUS]     = { FERRY_CLASS_PGPU, "GPU_group", FERRY_CLASS_GPU_GROUP },
  [FERRY_RELATION_GPU_GROUP_VGPUS]     = { FERRY_CLASS_VGPU, "GPU_group", FERRY_CLASS_GPU_GROUP },
  [FERRY_RELATION_PGPU_RESIDENT_VGPUS] = { FERRY_CLASS_VGPU, "resident_on", FERRY_CLASS_PGPU },
  [FERRY_RELATION_USB_GROUP_PUSBS]     = { FERRY_CLASS_PUSB, "USB_group", FERRY_CLASS_USB_GROUP },
  [FERRY_RELATION_USB_GROUP_VUSBS]     = { FERRY_CLASS_VUSB, "USB_group", FERRY_CLASS_USB_GROUP },
  [FERRY_RELATION_CLUSTER_HOSTS]       = { FERRY_CLASS_CLUSTER_HOST, "cluster", FERRY_CLASS_CLUSTER },
  [FERRY_RELATION_HOST_CLUSTER_HOSTS]  = { FERRY_CLASS_CLUSTER_HOST, "host", FERRY_CLASS_HOST },
  [FERRY_RELATION_TASK_SUBTASKS]       = { FERRY_CLASS_TASK, "subtask_of", FERRY_CLASS_TASK },
};

/* The relations whose child is a class, resolved once in class_init. */
typedef struct
{
  guint         n;
  FerryRelation relation[MAX_RELATIONS_PER_CLASS];
  guint         field[MAX_RELATIONS_PER_CLASS];   /* index in the class table */
  guint64       mask;                             /* bits of those fields */
} ClassRelations;

static ClassRelations class_relations[FERRY_N_CLASSES];

struct _FerryCache
{
  GObject             parent_instance;

  GMainContext       *context;
  GSource            *flush_source;

  GHashTable         *objects;        /* ref → FerryObject (owned); the key is the object's */
  GHashTable         *by_uuid;        /* uuid → FerryObject */
  FerryRelationModel *class_models[FERRY_N_CLASSES];
  GHashTable         *relations[FERRY_N_RELATIONS];   /* interned owner ref → model (owned) */
  FerryRelationModel *null_models[FERRY_N_RELATIONS]; /* children with a NULL field; lazy */

  GPtrArray          *dirty_models;   /* models with queued changes */
  GPtrArray          *dirty_objects;  /* objects with held notifications */

  FerryPool          *pool;

  guint               next_serial;
  guint               generation;
  guint               notified_n_objects;

  guint               populated : 1;
  guint               pending_populated : 1;
  guint               pool_changed : 1;
  guint               flushing : 1;
};

enum {
  PROP_0,
  PROP_N_OBJECTS,
  PROP_POOL,
  PROP_POPULATED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (FerryCache, ferry_cache, G_TYPE_OBJECT)

static GParamSpec *properties [N_PROPS];

static inline char *
field_ref_value (gpointer          fields,
                 const FerryField *field)
{
  return *(char **) (gpointer) ((guint8 *) fields + field->offset);
}

static void
clear_models (FerryCache *self)
{
  for (guint i = 0; i < FERRY_N_CLASSES; i++)
    g_clear_object (&self->class_models[i]);

  for (guint i = 0; i < FERRY_N_RELATIONS; i++)
    {
      g_clear_pointer (&self->relations[i], g_hash_table_unref);
      g_clear_object (&self->null_models[i]);
    }
}

static void
ferry_cache_dispose (GObject *object)
{
  FerryCache *self = (FerryCache *)object;

  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }

  /* Objects outlive the cache when someone holds them; they forget it. */
  if (self->objects != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->objects);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        _ferry_object_detach (value);
    }

  g_clear_pointer (&self->dirty_models, g_ptr_array_unref);
  g_clear_pointer (&self->dirty_objects, g_ptr_array_unref);
  g_clear_pointer (&self->by_uuid, g_hash_table_unref);
  g_clear_pointer (&self->objects, g_hash_table_unref);
  self->pool = NULL;
  clear_models (self);

  G_OBJECT_CLASS (ferry_cache_parent_class)->dispose (object);
}

static void
ferry_cache_finalize (GObject *object)
{
  FerryCache *self = (FerryCache *)object;

  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (ferry_cache_parent_class)->finalize (object);
}

static void
ferry_cache_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FerryCache *self = FERRY_CACHE (object);

  switch (prop_id)
    {
    case PROP_N_OBJECTS:
      g_value_set_uint (value, ferry_cache_get_n_objects (self));
      break;

    case PROP_POOL:
      g_value_set_object (value, ferry_cache_get_pool (self));
      break;

    case PROP_POPULATED:
      g_value_set_boolean (value, ferry_cache_get_populated (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
resolve_relations (void)
{
  for (guint r = 0; r < FERRY_N_RELATIONS; r++)
    {
      const RelationDef *def = &relation_defs[r];
      const FerryClassInfo *info = _ferry_class_info_get (def->child);
      ClassRelations *cr = &class_relations[def->child];
      gboolean found = FALSE;

      for (guint f = 0; f < info->n_fields; f++)
        {
          if (g_str_equal (info->fields[f].wire_name, def->field))
            {
              g_assert (info->fields[f].kind == FERRY_FIELD_REF);
              g_assert (cr->n < MAX_RELATIONS_PER_CLASS);

              cr->relation[cr->n] = r;
              cr->field[cr->n] = f;
              cr->n++;
              cr->mask |= G_GUINT64_CONSTANT (1) << f;
              found = TRUE;
              break;
            }
        }

      g_assert (found);
    }
}

static void
ferry_cache_class_init (FerryCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_cache_dispose;
  object_class->finalize = ferry_cache_finalize;
  object_class->get_property = ferry_cache_get_property;

  properties [PROP_N_OBJECTS] =
    g_param_spec_uint ("n-objects", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_POOL] =
    g_param_spec_object ("pool", NULL, NULL,
                         FERRY_TYPE_POOL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_POPULATED] =
    g_param_spec_boolean ("populated", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  _ferry_classes_ensure ();
  resolve_relations ();
}

static void
ferry_cache_init (FerryCache *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->objects = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
  self->dirty_models = g_ptr_array_new_with_free_func (g_object_unref);
  self->dirty_objects = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < FERRY_N_CLASSES; i++)
    self->class_models[i] =
      _ferry_relation_model_new (_ferry_class_info_get (i)->get_type (), NULL);

  for (guint i = 0; i < FERRY_N_RELATIONS; i++)
    self->relations[i] = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_object_unref);
}

/**
 * ferry_cache_new:
 *
 * Creates an empty cache. Signals are emitted on the thread-default main
 * context of the caller.
 *
 * Returns: (transfer full): a new #FerryCache
 */
FerryCache *
ferry_cache_new (void)
{
  return g_object_new (FERRY_TYPE_CACHE, NULL);
}

static gboolean
flush_cb (gpointer data)
{
  FerryCache *self = data;

  g_assert (FERRY_IS_CACHE (self));

  g_clear_pointer (&self->flush_source, g_source_unref);
  ferry_cache_flush (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_flush (FerryCache *self)
{
  if (self->flush_source != NULL)
    return;

  /* Before GTK's layout and paint (G_PRIORITY_HIGH_IDLE + 20). */
  self->flush_source = g_idle_source_new ();
  g_source_set_priority (self->flush_source, G_PRIORITY_HIGH_IDLE + 10);
  g_source_set_callback (self->flush_source, flush_cb, self, NULL);
  g_source_set_static_name (self->flush_source, "[ferry-cache-flush]");
  g_source_attach (self->flush_source, self->context);
}

static void
mark_model_dirty (FerryCache         *self,
                  FerryRelationModel *model,
                  gboolean            was_idle)
{
  if (!was_idle)
    return;

  g_ptr_array_add (self->dirty_models, g_object_ref (model));
  schedule_flush (self);
}

static void
model_add (FerryCache         *self,
           FerryRelationModel *model,
           FerryObject        *object)
{
  mark_model_dirty (self, model, _ferry_relation_model_add (model, object));
}

static void
model_remove (FerryCache         *self,
              FerryRelationModel *model,
              FerryObject        *object)
{
  mark_model_dirty (self, model, _ferry_relation_model_remove (model, object));
}

static void
mark_object_dirty (FerryCache  *self,
                   FerryObject *object)
{
  g_ptr_array_add (self->dirty_objects, g_object_ref (object));
  schedule_flush (self);
}

/* The model of the children of @owner (interned, or NULL) under @relation;
 * with @create, one is made for a non-NULL owner. */
static FerryRelationModel *
relation_model_for (FerryCache    *self,
                    FerryRelation  relation,
                    char          *owner,
                    gboolean       create)
{
  FerryRelationModel *model;

  if (owner == NULL)
    return self->null_models[relation];

  model = g_hash_table_lookup (self->relations[relation], owner);
  if (model == NULL && create)
    {
      GType type = ferry_relation_get_item_type (relation);

      model = _ferry_relation_model_new (type, owner);
      g_hash_table_insert (self->relations[relation],
                           (gpointer) ferry_relation_model_get_owner_ref (model),
                           model);
    }

  return model;
}

/* Drops the model of an owner that is gone when nothing else needs it. */
static void
maybe_prune (FerryCache         *self,
             FerryRelation       relation,
             FerryRelationModel *model)
{
  const char *owner = ferry_relation_model_get_owner_ref (model);

  if (owner == NULL ||
      !_ferry_relation_model_is_idle (model) ||
      G_OBJECT (model)->ref_count != 1 ||
      g_hash_table_contains (self->objects, owner))
    return;

  g_hash_table_remove (self->relations[relation], owner);
}

static void
insert_object (FerryCache  *self,
               FerryRecord *record)
{
  const ClassRelations *cr = &class_relations[record->info->id];
  FerryObject *object;
  gpointer fields;
  const char *uuid;

  object = _ferry_object_new_from_record (record, self, self->next_serial++);
  fields = _ferry_object_get_fields (object);
  _ferry_object_set_generation (object, self->generation);

  g_hash_table_replace (self->objects, (gpointer) ferry_object_get_ref (object), object);

  uuid = ferry_object_get_uuid (object);
  if (*uuid != '\0')
    g_hash_table_replace (self->by_uuid, (gpointer) uuid, object);

  model_add (self, self->class_models[record->info->id], object);

  for (guint i = 0; i < cr->n; i++)
    {
      const FerryField *field = &record->info->fields[cr->field[i]];
      char *owner = field_ref_value (fields, field);
      FerryRelationModel *model = relation_model_for (self, cr->relation[i], owner, TRUE);

      if (model != NULL)
        model_add (self, model, object);
    }

  if (record->info->id == FERRY_CLASS_POOL && self->pool == NULL)
    {
      self->pool = FERRY_POOL (object);
      self->pool_changed = TRUE;
    }
}

static void
update_object (FerryCache  *self,
               FerryObject *object,
               FerryRecord *record)
{
  const ClassRelations *cr = &class_relations[record->info->id];
  gboolean was_dirty = _ferry_object_has_pending_notify (object);
  gboolean uuid_changed = FALSE;
  guint64 changed = 0;

  _ferry_object_set_generation (object, self->generation);

  if (!_ferry_object_update (object, record, &changed, &uuid_changed))
    return;

  if (!was_dirty)
    mark_object_dirty (self, object);

  /* After the update the record holds the previous values. */
  if ((changed & cr->mask) != 0)
    {
      gpointer fields = _ferry_object_get_fields (object);

      for (guint i = 0; i < cr->n; i++)
        {
          const FerryField *field = &record->info->fields[cr->field[i]];
          FerryRelationModel *model;

          if ((changed & (G_GUINT64_CONSTANT (1) << cr->field[i])) == 0)
            continue;

          model = relation_model_for (self, cr->relation[i], field_ref_value (record->fields, field), FALSE);
          if (model != NULL)
            model_remove (self, model, object);

          model = relation_model_for (self, cr->relation[i], field_ref_value (fields, field), TRUE);
          if (model != NULL)
            model_add (self, model, object);
        }
    }

  if (uuid_changed)
    {
      const char *uuid = ferry_object_get_uuid (object);

      if (record->base.uuid != NULL &&
          g_hash_table_lookup (self->by_uuid, record->base.uuid) == (gpointer) object)
        g_hash_table_remove (self->by_uuid, record->base.uuid);
      if (*uuid != '\0')
        g_hash_table_replace (self->by_uuid, (gpointer) uuid, object);
    }
}

static void
remove_object (FerryCache  *self,
               FerryObject *object)
{
  const FerryClassInfo *info = _ferry_object_get_info (object);
  const ClassRelations *cr = &class_relations[info->id];
  gpointer fields = _ferry_object_get_fields (object);
  const char *uuid = ferry_object_get_uuid (object);
  g_autoptr(FerryObject) stolen = NULL;

  if (!_ferry_object_has_pending_notify (object))
    mark_object_dirty (self, object);
  _ferry_object_mark_removed (object);

  model_remove (self, self->class_models[info->id], object);

  for (guint i = 0; i < cr->n; i++)
    {
      const FerryField *field = &info->fields[cr->field[i]];
      FerryRelationModel *model = relation_model_for (self, cr->relation[i],
                                                      field_ref_value (fields, field), FALSE);

      if (model != NULL)
        model_remove (self, model, object);
    }

  if (*uuid != '\0' && g_hash_table_lookup (self->by_uuid, uuid) == (gpointer) object)
    g_hash_table_remove (self->by_uuid, uuid);

  if (self->pool == (FerryPool *) object)
    {
      self->pool = NULL;
      self->pool_changed = TRUE;
    }

  stolen = object;
  g_hash_table_steal (self->objects, ferry_object_get_ref (object));

  /* Its own, now empty, relation models. */
  for (guint r = 0; r < FERRY_N_RELATIONS; r++)
    {
      FerryRelationModel *model;

      if (relation_defs[r].owner != info->id)
        continue;

      model = g_hash_table_lookup (self->relations[r], ferry_object_get_ref (object));
      if (model != NULL)
        maybe_prune (self, r, model);
    }
}

static void
apply_record (FerryCache  *self,
              FerryRecord *record,
              gboolean     snapshot)
{
  FerryObject *object = g_hash_table_lookup (self->objects, record->ref);

  if (record->op == FERRY_OP_DEL)
    {
      if (object != NULL && !snapshot)
        remove_object (self, object);
      return;
    }

  /* A ref that changed class can only be bad input; start over. */
  if (object != NULL && _ferry_object_get_info (object) != record->info)
    {
      g_debug ("%s changed class from %s to %s", record->ref,
               _ferry_object_get_info (object)->xapi_name, record->info->xapi_name);
      remove_object (self, object);
      object = NULL;
    }

  if (object != NULL)
    update_object (self, object, record);
  else
    insert_object (self, record);
}

static gpointer
free_batch_thread (gpointer data)
{
  ferry_cache_batch_free (data);
  return NULL;
}

static void
free_batch (FerryCacheBatch *batch)
{
  GThread *thread = NULL;

  if (_ferry_cache_batch_get_n_records (batch) >= THREADED_FREE_THRESHOLD)
    thread = g_thread_try_new ("ferry-cache-free", free_batch_thread, batch, NULL);

  if (thread != NULL)
    g_thread_unref (thread);
  else
    ferry_cache_batch_free (batch);
}

static int
compare_serials (gconstpointer a,
                 gconstpointer b)
{
  guint sa = _ferry_object_get_serial (*(FerryObject * const *) a);
  guint sb = _ferry_object_get_serial (*(FerryObject * const *) b);

  return sa < sb ? -1 : sa > sb;
}

/* Removes the objects the current snapshot did not hold. */
static void
sweep (FerryCache *self)
{
  g_autoptr(GPtrArray) stale = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (_ferry_object_get_generation (value) != self->generation)
        g_ptr_array_add (stale, value);
    }

  /* In arrival order, so that signals come in a reproducible order. */
  g_ptr_array_sort (stale, compare_serials);

  for (guint i = 0; i < stale->len; i++)
    remove_object (self, g_ptr_array_index (stale, i));
}

static void
apply_batch (FerryCache      *self,
             FerryCacheBatch *batch,
             gboolean         snapshot)
{
  guint n = _ferry_cache_batch_get_n_records (batch);

  if (snapshot)
    self->generation++;

  for (guint i = 0; i < n; i++)
    apply_record (self, _ferry_cache_batch_get_record (batch, i), snapshot);

  if (snapshot)
    {
      sweep (self);
      self->pending_populated = TRUE;
    }

  free_batch (batch);

  if (snapshot)
    ferry_cache_flush (self);
}

/**
 * ferry_cache_apply_batch:
 * @self: a #FerryCache
 * @batch: (transfer full): incremental events
 *
 * Applies add, mod and del events. Values change at once; signals follow at
 * the next flush.
 */
void
ferry_cache_apply_batch (FerryCache      *self,
                         FerryCacheBatch *batch)
{
  g_return_if_fail (FERRY_IS_CACHE (self));
  g_return_if_fail (batch != NULL);

  apply_batch (self, batch, FALSE);
}

/**
 * ferry_cache_apply_snapshot_batch:
 * @self: a #FerryCache
 * @batch: (transfer full): every object of the pool
 *
 * Makes the cache equal to @batch: adds and updates what it holds, removes
 * what it lacks, then flushes. Unchanged objects emit nothing.
 */
void
ferry_cache_apply_snapshot_batch (FerryCache      *self,
                                  FerryCacheBatch *batch)
{
  g_return_if_fail (FERRY_IS_CACHE (self));
  g_return_if_fail (batch != NULL);

  apply_batch (self, batch, TRUE);
}

void
ferry_cache_apply_events (FerryCache *self,
                          JsonArray  *events)
{
  g_return_if_fail (FERRY_IS_CACHE (self));

  apply_batch (self, ferry_cache_batch_new_from_json (events), FALSE);
}

void
ferry_cache_apply_snapshot (FerryCache *self,
                            JsonArray  *events)
{
  g_return_if_fail (FERRY_IS_CACHE (self));

  apply_batch (self, ferry_cache_batch_new_from_json (events), TRUE);
}

/**
 * ferry_cache_flush:
 * @self: a #FerryCache
 *
 * Emits the queued list-model changes, then the held property
 * notifications, then the cache's own notifications.
 */
void
ferry_cache_flush (FerryCache *self)
{
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  guint n_objects;

  g_return_if_fail (FERRY_IS_CACHE (self));

  /* Called from a handler of this very flush: the queue it adds to is
   * flushed next, from the main loop. */
  if (self->flushing)
    {
      if (self->dirty_models->len > 0 || self->dirty_objects->len > 0)
        schedule_flush (self);
      return;
    }

  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }

  g_object_ref (self);
  self->flushing = TRUE;

  /* Handlers may queue more; that goes to fresh arrays and a new flush. */
  models = g_steal_pointer (&self->dirty_models);
  self->dirty_models = g_ptr_array_new_with_free_func (g_object_unref);
  objects = g_steal_pointer (&self->dirty_objects);
  self->dirty_objects = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < models->len; i++)
    _ferry_relation_model_flush (g_ptr_array_index (models, i));

  for (guint i = 0; i < objects->len; i++)
    _ferry_object_emit_pending_notify (g_ptr_array_index (objects, i));

  g_clear_pointer (&objects, g_ptr_array_unref);

  /* Owners that are gone and whose models emptied. */
  for (guint i = models->len; i > 0; i--)
    {
      FerryRelationModel *model = g_ptr_array_index (models, i - 1);
      const char *owner = ferry_relation_model_get_owner_ref (model);

      if (owner == NULL || !_ferry_relation_model_is_idle (model) ||
          g_hash_table_contains (self->objects, owner))
        continue;

      g_ptr_array_remove_index_fast (models, i - 1);
      for (guint r = 0; r < FERRY_N_RELATIONS; r++)
        {
          if (g_hash_table_lookup (self->relations[r], owner) == (gpointer) model)
            {
              maybe_prune (self, r, model);
              break;
            }
        }
    }

  if (self->pool_changed)
    {
      self->pool_changed = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_POOL]);
    }

  n_objects = g_hash_table_size (self->objects);
  if (n_objects != self->notified_n_objects)
    {
      self->notified_n_objects = n_objects;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_OBJECTS]);
    }

  if (self->pending_populated && !self->populated)
    {
      self->populated = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_POPULATED]);
    }
  self->pending_populated = FALSE;

  self->flushing = FALSE;
  g_object_unref (self);
}

/**
 * ferry_cache_clear:
 * @self: a #FerryCache
 *
 * Removes every object and flushes. The cache stays populated.
 */
void
ferry_cache_clear (FerryCache *self)
{
  g_autoptr(GPtrArray) all = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (FERRY_IS_CACHE (self));

  all = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (all, value);

  for (guint i = 0; i < all->len; i++)
    remove_object (self, g_ptr_array_index (all, i));

  ferry_cache_flush (self);
}

gboolean
ferry_cache_get_populated (FerryCache *self)
{
  g_return_val_if_fail (FERRY_IS_CACHE (self), FALSE);

  return self->populated;
}

guint
ferry_cache_get_n_objects (FerryCache *self)
{
  g_return_val_if_fail (FERRY_IS_CACHE (self), 0);

  return g_hash_table_size (self->objects);
}

/**
 * ferry_cache_lookup:
 * @self: a #FerryCache
 * @ref: an opaque reference
 *
 * Returns: (transfer none) (nullable): the object, or %NULL
 */
FerryObject *
ferry_cache_lookup (FerryCache *self,
                    const char *ref)
{
  g_return_val_if_fail (FERRY_IS_CACHE (self), NULL);

  if (ref == NULL)
    return NULL;

  return g_hash_table_lookup (self->objects, ref);
}

/**
 * ferry_cache_lookup_by_uuid:
 * @self: a #FerryCache
 * @uuid: a UUID
 *
 * Returns: (transfer none) (nullable): the object, or %NULL
 */
FerryObject *
ferry_cache_lookup_by_uuid (FerryCache *self,
                            const char *uuid)
{
  g_return_val_if_fail (FERRY_IS_CACHE (self), NULL);

  if (uuid == NULL)
    return NULL;

  return g_hash_table_lookup (self->by_uuid, uuid);
}

/**
 * ferry_cache_get_pool:
 * @self: a #FerryCache
 *
 * Returns: (transfer none) (nullable): the pool object
 */
FerryPool *
ferry_cache_get_pool (FerryCache *self)
{
  g_return_val_if_fail (FERRY_IS_CACHE (self), NULL);

  return self->pool;
}

/**
 * ferry_cache_get_objects:
 * @self: a #FerryCache
 * @type: a #FerryObject subtype, such as %FERRY_TYPE_VM
 *
 * Returns: (transfer none): a #GListModel of every object of @type
 */
GListModel *
ferry_cache_get_objects (FerryCache *self,
                         GType       type)
{
  const FerryClassInfo *info;

  g_return_val_if_fail (FERRY_IS_CACHE (self), NULL);

  info = _ferry_class_info_for_type (type);
  g_return_val_if_fail (info != NULL, NULL);

  return G_LIST_MODEL (self->class_models[info->id]);
}

/* The model of the children whose field is NULL, made on first use from
 * the objects as they are now (queued changes included). */
static FerryRelationModel *
ensure_null_model (FerryCache    *self,
                   FerryRelation  relation)
{
  const RelationDef *def = &relation_defs[relation];
  const FerryClassInfo *info;
  const FerryField *field = NULL;
  g_autoptr(GPtrArray) children = NULL;
  GHashTableIter iter;
  gpointer value;

  if (self->null_models[relation] != NULL)
    return self->null_models[relation];

  info = _ferry_class_info_get (def->child);
  for (guint i = 0; i < class_relations[def->child].n; i++)
    {
      if (class_relations[def->child].relation[i] == relation)
        field = &info->fields[class_relations[def->child].field[i]];
    }
  g_assert (field != NULL);

  children = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (_ferry_object_get_info (value) == info &&
          field_ref_value (_ferry_object_get_fields (value), field) == NULL)
        g_ptr_array_add (children, value);
    }
  g_ptr_array_sort (children, compare_serials);

  self->null_models[relation] = _ferry_relation_model_new (info->get_type (), NULL);
  _ferry_relation_model_take_sorted (self->null_models[relation], children);

  return self->null_models[relation];
}

/**
 * ferry_cache_get_relation:
 * @self: a #FerryCache
 * @relation: a #FerryRelation
 * @owner_ref: (nullable): the owner's opaque reference
 *
 * Returns: (transfer none): a #GListModel of the children of @owner_ref
 */
GListModel *
ferry_cache_get_relation (FerryCache    *self,
                          FerryRelation  relation,
                          const char    *owner_ref)
{
  FerryRelationModel *model;
  char *owner;

  g_return_val_if_fail (FERRY_IS_CACHE (self), NULL);
  g_return_val_if_fail (relation < FERRY_N_RELATIONS, NULL);

  if (owner_ref == NULL || *owner_ref == '\0' || g_str_equal (owner_ref, "OpaqueRef:NULL"))
    return G_LIST_MODEL (ensure_null_model (self, relation));

  owner = _ferry_intern (owner_ref);
  model = relation_model_for (self, relation, owner, TRUE);
  _ferry_intern_release (owner);

  return G_LIST_MODEL (model);
}

GType
ferry_relation_get_item_type (FerryRelation relation)
{
  g_return_val_if_fail (relation < FERRY_N_RELATIONS, G_TYPE_INVALID);

  return _ferry_class_info_get (relation_defs[relation].child)->get_type ();
}
