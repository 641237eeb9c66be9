/* ferry-object.c: the base of every cached XenAPI object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-object"

#include "config.h"

#include <string.h>

#include "ferry-object-private.h"

typedef struct
{
  const FerryClassInfo *info;
  FerryCache           *cache;            /* unowned; NULL once removed */
  char                 *ref;              /* interned */
  FerryObjectBase       base;
  guint64               pending_fields;   /* class fields to notify at flush */
  guint                 serial;           /* arrival order in the cache */
  guint                 generation;       /* the last snapshot that held it */
  guint16               pending_base;     /* base fields to notify, and PENDING_REMOVED */
  guint                 removed : 1;
} FerryObjectPrivate;

enum {
  PENDING_UUID    = 1 << 0,     /* base_fields[0] */
  PENDING_REMOVED = 1 << 15,
};

enum {
  PROP_0,
  /* The base table, in order */
  PROP_UUID,
  PROP_NAME_LABEL,
  PROP_NAME_DESCRIPTION,
  PROP_ALLOWED_OPERATIONS,
  PROP_CURRENT_OPERATIONS,
  PROP_OTHER_CONFIG,
  PROP_TAGS,
  /* Others */
  PROP_REF,
  PROP_XAPI_CLASS,
  PROP_REMOVED,
  N_PROPS
};

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (FerryObject, ferry_object, G_TYPE_OBJECT)

static GParamSpec *properties [N_PROPS];

static const FerryField base_fields[] = {
  FERRY_FIELD ("uuid", STRING, FerryObjectBase, uuid, PROP_UUID),
  FERRY_FIELD ("name_label", STRING, FerryObjectBase, name_label, PROP_NAME_LABEL),
  FERRY_FIELD ("name_description", STRING, FerryObjectBase, name_description, PROP_NAME_DESCRIPTION),
  FERRY_FIELD ("allowed_operations", SET, FerryObjectBase, allowed_operations, PROP_ALLOWED_OPERATIONS),
  FERRY_FIELD ("current_operations", MAP, FerryObjectBase, current_operations, PROP_CURRENT_OPERATIONS),
  FERRY_FIELD ("other_config", MAP, FerryObjectBase, other_config, PROP_OTHER_CONFIG),
  FERRY_FIELD ("tags", SET, FerryObjectBase, tags, PROP_TAGS),
};

const FerryField *
_ferry_object_base_fields (guint *n_fields)
{
  *n_fields = G_N_ELEMENTS (base_fields);
  return base_fields;
}

static void
ferry_object_finalize (GObject *object)
{
  FerryObject *self = (FerryObject *)object;
  FerryObjectPrivate *priv = ferry_object_get_instance_private (self);

  if (priv->info != NULL)
    _ferry_fields_clear (priv->info->fields, priv->info->n_fields,
                         (guint8 *) self + priv->info->fields_offset);
  _ferry_fields_clear (base_fields, G_N_ELEMENTS (base_fields), &priv->base);
  g_clear_pointer (&priv->ref, _ferry_intern_release);

  G_OBJECT_CLASS (ferry_object_parent_class)->finalize (object);
}

static void
ferry_object_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FerryObject *self = FERRY_OBJECT (object);
  FerryObjectPrivate *priv = ferry_object_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_UUID:
      g_value_set_string (value, ferry_object_get_uuid (self));
      break;

    case PROP_NAME_LABEL:
      g_value_set_string (value, ferry_object_get_name_label (self));
      break;

    case PROP_NAME_DESCRIPTION:
    case PROP_ALLOWED_OPERATIONS:
    case PROP_CURRENT_OPERATIONS:
    case PROP_OTHER_CONFIG:
    case PROP_TAGS:
      _ferry_field_get_value (&base_fields[prop_id - PROP_UUID], &priv->base, value);
      break;

    case PROP_REF:
      g_value_set_string (value, ferry_object_get_ref (self));
      break;

    case PROP_XAPI_CLASS:
      g_value_set_string (value, ferry_object_get_xapi_class (self));
      break;

    case PROP_REMOVED:
      g_value_set_boolean (value, ferry_object_is_removed (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_object_class_init (FerryObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_object_finalize;
  object_class->get_property = ferry_object_get_property;

  /* uuid, name-label, name-description, allowed-operations, … */
  for (guint i = 0; i < G_N_ELEMENTS (base_fields); i++)
    properties [base_fields[i].prop_id] = _ferry_field_new_pspec (&base_fields[i]);

  properties [PROP_REF] =
    g_param_spec_string ("ref", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_XAPI_CLASS] =
    g_param_spec_string ("xapi-class", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_REMOVED] =
    g_param_spec_boolean ("removed", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ferry_object_init (FerryObject *self)
{
}

/* get_property of every subclass: the prop_id is the field's index + 1. */
static void
field_get_property (GObject    *object,
                    guint       prop_id,
                    GValue     *value,
                    GParamSpec *pspec)
{
  FerryObject *self = FERRY_OBJECT (object);
  FerryObjectPrivate *priv = ferry_object_get_instance_private (self);
  const FerryClassInfo *info = priv->info;

  if (info == NULL || prop_id == 0 || prop_id > info->n_fields)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  _ferry_field_get_value (&info->fields[prop_id - 1],
                          (guint8 *) self + info->fields_offset,
                          value);
}

void
_ferry_object_class_install_fields (GObjectClass         *object_class,
                                    const FerryClassInfo *info,
                                    guint                 n_props)
{
  g_assert (info->n_fields + 1 == n_props);
  g_assert (info->n_fields <= 64);

  if (info->n_fields == 0)
    return;

  object_class->get_property = field_get_property;

  for (guint i = 0; i < info->n_fields; i++)
    {
      const FerryField *field = &info->fields[i];

      /* The table lists the fields in PROP_ order. */
      g_assert (field->prop_id == i + 1);
      g_assert (field->kind != FERRY_FIELD_ENUM || field->enum_type != NULL);

      info->pspecs[field->prop_id] = _ferry_field_new_pspec (field);
    }

  g_object_class_install_properties (object_class, n_props, info->pspecs);
}

static inline FerryObjectPrivate *
get_priv (FerryObject *self)
{
  return ferry_object_get_instance_private (self);
}

FerryObject *
_ferry_object_new_from_record (FerryRecord *record,
                               FerryCache  *cache,
                               guint        serial)
{
  const FerryClassInfo *info = record->info;
  FerryObject *self;
  FerryObjectPrivate *priv;

  g_assert (record->fields != NULL);

  self = g_object_new (info->get_type (), NULL);
  priv = get_priv (self);
  priv->info = info;
  priv->cache = cache;
  priv->serial = serial;
  priv->ref = g_steal_pointer (&record->ref);

  /* Move the values in; the record keeps zeroes. */
  priv->base = record->base;
  memset (&record->base, 0, sizeof record->base);
  memcpy ((guint8 *) self + info->fields_offset, record->fields, info->fields_size);
  memset (record->fields, 0, info->fields_size);

  return self;
}

const FerryClassInfo *
_ferry_object_get_info (FerryObject *self)
{
  return get_priv (self)->info;
}

gpointer
_ferry_object_get_fields (FerryObject *self)
{
  FerryObjectPrivate *priv = get_priv (self);

  return (guint8 *) self + priv->info->fields_offset;
}

guint
_ferry_object_get_serial (FerryObject *self)
{
  return get_priv (self)->serial;
}

guint
_ferry_object_get_generation (FerryObject *self)
{
  return get_priv (self)->generation;
}

void
_ferry_object_set_generation (FerryObject *self,
                              guint        generation)
{
  get_priv (self)->generation = generation;
}

gboolean
_ferry_object_update (FerryObject *self,
                      FerryRecord *record,
                      guint64     *changed_fields,
                      gboolean    *uuid_changed)
{
  FerryObjectPrivate *priv = get_priv (self);
  const FerryClassInfo *info = priv->info;
  gpointer fields = (guint8 *) self + info->fields_offset;
  guint64 changed = 0;
  guint base_changed = 0;

  g_assert (record->info == info);
  g_assert (record->fields != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (base_fields); i++)
    {
      if (!_ferry_field_equal (&base_fields[i], &priv->base, &record->base))
        {
          _ferry_field_swap (&base_fields[i], &priv->base, &record->base);
          base_changed |= 1u << i;
        }
    }

  for (guint i = 0; i < info->n_fields; i++)
    {
      const FerryField *field = &info->fields[i];

      if (!_ferry_field_equal (field, fields, record->fields))
        {
          _ferry_field_swap (field, fields, record->fields);
          changed |= G_GUINT64_CONSTANT (1) << i;
        }
    }

  priv->pending_fields |= changed;
  priv->pending_base |= base_changed;

  *changed_fields = changed;
  *uuid_changed = (base_changed & PENDING_UUID) != 0;

  return changed != 0 || base_changed != 0;
}

gboolean
_ferry_object_has_pending_notify (FerryObject *self)
{
  FerryObjectPrivate *priv = get_priv (self);

  return priv->pending_fields != 0 || priv->pending_base != 0;
}

void
_ferry_object_emit_pending_notify (FerryObject *self)
{
  FerryObjectPrivate *priv = get_priv (self);
  const FerryClassInfo *info = priv->info;
  guint64 pending_fields = priv->pending_fields;
  guint pending_base = priv->pending_base;

  priv->pending_fields = 0;
  priv->pending_base = 0;

  for (guint i = 0; i < G_N_ELEMENTS (base_fields); i++)
    {
      if (pending_base & (1u << i))
        g_object_notify_by_pspec (G_OBJECT (self), properties [base_fields[i].prop_id]);
    }

  for (guint i = 0; pending_fields != 0; i++, pending_fields >>= 1)
    {
      if (pending_fields & 1)
        g_object_notify_by_pspec (G_OBJECT (self), info->pspecs[info->fields[i].prop_id]);
    }

  if (pending_base & PENDING_REMOVED)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_REMOVED]);
}

void
_ferry_object_mark_removed (FerryObject *self)
{
  FerryObjectPrivate *priv = get_priv (self);

  if (priv->removed)
    return;

  priv->removed = TRUE;
  priv->cache = NULL;
  priv->pending_base |= PENDING_REMOVED;
}

/* The cache is going away: forget it, without notifying. */
void
_ferry_object_detach (FerryObject *self)
{
  get_priv (self)->cache = NULL;
}

GListModel *
_ferry_object_get_relation (FerryObject   *self,
                            FerryRelation  relation)
{
  FerryObjectPrivate *priv = get_priv (self);

  if (priv->cache == NULL)
    return NULL;

  return ferry_cache_get_relation (priv->cache, relation, priv->ref);
}

GListModel *
_ferry_object_get_class_model (FerryObject *self,
                               GType        type)
{
  FerryObjectPrivate *priv = get_priv (self);

  if (priv->cache == NULL)
    return NULL;

  return ferry_cache_get_objects (priv->cache, type);
}

/**
 * ferry_object_get_ref:
 * @self: a #FerryObject
 *
 * Returns: the opaque reference of the object
 */
const char *
ferry_object_get_ref (FerryObject *self)
{
  g_return_val_if_fail (FERRY_IS_OBJECT (self), NULL);

  return get_priv (self)->ref;
}

const char *
ferry_object_get_uuid (FerryObject *self)
{
  FerryObjectPrivate *priv;

  g_return_val_if_fail (FERRY_IS_OBJECT (self), NULL);

  priv = get_priv (self);

  return priv->base.uuid != NULL ? priv->base.uuid : "";
}

const char *
ferry_object_get_name_label (FerryObject *self)
{
  FerryObjectPrivate *priv;

  g_return_val_if_fail (FERRY_IS_OBJECT (self), NULL);

  priv = get_priv (self);

  return priv->base.name_label != NULL ? priv->base.name_label : "";
}

const char *
ferry_object_get_xapi_class (FerryObject *self)
{
  FerryObjectPrivate *priv;

  g_return_val_if_fail (FERRY_IS_OBJECT (self), NULL);

  priv = get_priv (self);

  return priv->info != NULL ? priv->info->xapi_name : NULL;
}

/**
 * ferry_object_get_cache:
 * @self: a #FerryObject
 *
 * Returns: (transfer none) (nullable): the cache, or %NULL once removed
 */
FerryCache *
ferry_object_get_cache (FerryObject *self)
{
  g_return_val_if_fail (FERRY_IS_OBJECT (self), NULL);

  return get_priv (self)->cache;
}

gboolean
ferry_object_is_removed (FerryObject *self)
{
  g_return_val_if_fail (FERRY_IS_OBJECT (self), FALSE);

  return get_priv (self)->removed;
}

/* The fields most classes share; empty for a class without them. */

const char *
ferry_object_get_name_description (FerryObject *self)
{
  g_return_val_if_fail (FERRY_IS_OBJECT (self), NULL);

  return get_priv (self)->base.name_description;
}

const char * const *
ferry_object_get_allowed_operations (FerryObject *self)
{
  g_return_val_if_fail (FERRY_IS_OBJECT (self), NULL);

  return _ferry_set_or_empty (get_priv (self)->base.allowed_operations);
}

gboolean
ferry_object_is_operation_allowed (FerryObject *self,
                                   const char  *operation)
{
  g_return_val_if_fail (FERRY_IS_OBJECT (self), FALSE);

  return _ferry_set_contains (get_priv (self)->base.allowed_operations, operation);
}

/**
 * ferry_object_lookup_current_operation:
 * @self: a #FerryObject
 * @task_ref: a task ref
 *
 * Returns: (nullable): the operation @task_ref runs on @self
 */
const char *
ferry_object_lookup_current_operation (FerryObject *self,
                                       const char  *task_ref)
{
  g_return_val_if_fail (FERRY_IS_OBJECT (self), NULL);

  return _ferry_map_lookup (get_priv (self)->base.current_operations, task_ref);
}

guint
ferry_object_get_n_current_operations (FerryObject *self)
{
  char **map;

  g_return_val_if_fail (FERRY_IS_OBJECT (self), 0);

  map = get_priv (self)->base.current_operations;

  return map != NULL ? g_strv_length (map) / 2 : 0;
}

const char *
ferry_object_lookup_other_config (FerryObject *self,
                                  const char  *key)
{
  g_return_val_if_fail (FERRY_IS_OBJECT (self), NULL);

  return _ferry_map_lookup (get_priv (self)->base.other_config, key);
}

const char * const *
ferry_object_get_tags (FerryObject *self)
{
  g_return_val_if_fail (FERRY_IS_OBJECT (self), NULL);

  return _ferry_set_or_empty (get_priv (self)->base.tags);
}

/**
 * ferry_object_lookup_ref:
 * @self: a #FerryObject
 * @ref: (nullable): a ref held in one of @self's fields
 *
 * Resolves @ref in the cache of @self, e.g. a VM's resident_on.
 *
 * Returns: (transfer none) (nullable): the object, or %NULL
 */
FerryObject *
ferry_object_lookup_ref (FerryObject *self,
                         const char  *ref)
{
  FerryObjectPrivate *priv;

  g_return_val_if_fail (FERRY_IS_OBJECT (self), NULL);

  priv = get_priv (self);

  if (priv->cache == NULL || ref == NULL)
    return NULL;

  return ferry_cache_lookup (priv->cache, ref);
}
