/* ferry-object-private.h: the table-driven field mapper shared by every class
 *
 * Each class keeps its typed fields in a plain C struct embedded in its
 * instance and describes them with a table of FerryField. The same table
 * parses an event snapshot into a detached struct (on any thread), compares
 * it with the object's struct, moves changed values in, installs the
 * properties and answers get_property. A class file therefore holds only its
 * struct, its table and its typed getters.
 *
 * Strings are interned (ferry-intern.h), so equal strings are equal
 * pointers: comparing a field is one pointer comparison, and the thousands of
 * copies of a host ref, an enum value or a map key share one allocation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ferry-cache.h"
#include "ferry-intern.h"
#include "ferry-json-reader.h"
#include "ferry-object.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_FIELD_STRING,      /* char *, interned; NULL when absent             */
  FERRY_FIELD_REF,         /* char *, interned; NULL for OpaqueRef:NULL      */
  FERRY_FIELD_BOOLEAN,     /* gboolean                                       */
  FERRY_FIELD_INT,         /* gint64                                         */
  FERRY_FIELD_FLOAT,       /* double                                         */
  FERRY_FIELD_ENUM,        /* int, a value of enum_type (0 when unknown)     */
  FERRY_FIELD_SET,         /* char **, interned, NULL-terminated; NULL = {}  */
  FERRY_FIELD_MAP,         /* char **, key, value, …, sorted by key; NULL={} */
} FerryFieldKind;

typedef struct
{
  const char     *wire_name;           /* "resident_on"; the property is "resident-on" */
  FerryFieldKind  kind;
  guint16         offset;              /* in the class's field struct */
  guint16         prop_id;
  GType         (*enum_type) (void);   /* FERRY_FIELD_ENUM only */
} FerryField;

#define FERRY_FIELD(wire, KIND, Struct, member, prop) \
  { wire, FERRY_FIELD_##KIND, G_STRUCT_OFFSET (Struct, member), prop, NULL }
#define FERRY_FIELD_ENUM(wire, Struct, member, prop, type_func) \
  { wire, FERRY_FIELD_ENUM, G_STRUCT_OFFSET (Struct, member), prop, type_func }

/* The classes the cache knows, in a fixed order. */
typedef enum
{
  FERRY_CLASS_CLUSTER,
  FERRY_CLASS_CLUSTER_HOST,
  FERRY_CLASS_GPU_GROUP,
  FERRY_CLASS_HOST,
  FERRY_CLASS_HOST_CPU,
  FERRY_CLASS_HOST_METRICS,
  FERRY_CLASS_MESSAGE,
  FERRY_CLASS_NETWORK,
  FERRY_CLASS_PBD,
  FERRY_CLASS_PCI,
  FERRY_CLASS_PGPU,
  FERRY_CLASS_PIF,
  FERRY_CLASS_PIF_METRICS,
  FERRY_CLASS_POOL,
  FERRY_CLASS_PUSB,
  FERRY_CLASS_SM,
  FERRY_CLASS_SR,
  FERRY_CLASS_TASK,
  FERRY_CLASS_USB_GROUP,
  FERRY_CLASS_VBD,
  FERRY_CLASS_VDI,
  FERRY_CLASS_VGPU,
  FERRY_CLASS_VGPU_TYPE,
  FERRY_CLASS_VIF,
  FERRY_CLASS_VM,
  FERRY_CLASS_VM_GUEST_METRICS,
  FERRY_CLASS_VM_METRICS,
  FERRY_CLASS_VUSB,
  FERRY_N_CLASSES
} FerryClassId;

typedef struct
{
  FerryClassId       id;
  const char        *xapi_name;        /* "VM_metrics"                 */
  GType            (*get_type) (void);
  guint16            fields_size;      /* sizeof the field struct      */
  guint16            fields_offset;    /* of that struct in the object */
  const FerryField  *fields;
  guint              n_fields;
  GParamSpec       **pspecs;           /* the class's properties, by prop_id */
} FerryClassInfo;

/* Defines the type, its class info, class_init and init. Expects a field
 * struct named Fields embedded as member "f", a FerryField table "fields",
 * and "static GParamSpec *properties [N_PROPS]". */
#define FERRY_DEFINE_OBJECT_TYPE(TypeName, type_name, CLASS_ID, xapi)            \
  G_DEFINE_FINAL_TYPE (TypeName, type_name, FERRY_TYPE_OBJECT)                   \
  const FerryClassInfo _##type_name##_info = {                                   \
    CLASS_ID, xapi, type_name##_get_type, sizeof (Fields),                       \
    G_STRUCT_OFFSET (TypeName, f), fields, G_N_ELEMENTS (fields), properties,    \
  };                                                                             \
  static void                                                                    \
  type_name##_class_init (TypeName##Class *klass)                                \
  {                                                                              \
    _ferry_object_class_install_fields (G_OBJECT_CLASS (klass),                  \
                                        &_##type_name##_info, N_PROPS);          \
  }                                                                              \
  static void                                                                    \
  type_name##_init (TypeName *self)                                              \
  {                                                                              \
  }

/* The same for a class that keeps only the base fields. */
#define FERRY_DEFINE_EMPTY_OBJECT_TYPE(TypeName, type_name, CLASS_ID, xapi)      \
  G_DEFINE_FINAL_TYPE (TypeName, type_name, FERRY_TYPE_OBJECT)                   \
  const FerryClassInfo _##type_name##_info = {                                   \
    CLASS_ID, xapi, type_name##_get_type, 0, sizeof (TypeName), NULL, 0, NULL,   \
  };                                                                             \
  static void                                                                    \
  type_name##_class_init (TypeName##Class *klass)                                \
  {                                                                              \
    _ferry_object_class_install_fields (G_OBJECT_CLASS (klass),                  \
                                        &_##type_name##_info, 1);                \
  }                                                                              \
  static void                                                                    \
  type_name##_init (TypeName *self)                                              \
  {                                                                              \
  }

/* The typed accessors, one line each in the class files. */
#define FERRY_DEFINE_GETTER(TypeName, type_name, RetType, name, member)                \
  RetType                                                                              \
  type_name##_get_##name (TypeName *self)                                              \
  {                                                                                    \
    g_return_val_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (self, type_name##_get_type ()),  \
                          (RetType) 0);                                                \
    return (RetType) self->f.member;                                                   \
  }

#define FERRY_DEFINE_SET_GETTER(TypeName, type_name, name, member)                     \
  const char * const *                                                                 \
  type_name##_get_##name (TypeName *self)                                              \
  {                                                                                    \
    g_return_val_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (self, type_name##_get_type ()),  \
                          NULL);                                                       \
    return _ferry_set_or_empty (self->f.member);                                       \
  }

#define FERRY_DEFINE_MAP_LOOKUP(TypeName, type_name, name, member)                     \
  const char *                                                                         \
  type_name##_lookup_##name (TypeName   *self,                                         \
                             const char *key)                                          \
  {                                                                                    \
    g_return_val_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (self, type_name##_get_type ()),  \
                          NULL);                                                       \
    return _ferry_map_lookup (self->f.member, key);                                    \
  }

/* Transfer none; NULL once the object was removed from its cache. */
#define FERRY_DEFINE_RELATION_GETTER(TypeName, type_name, name, RELATION)              \
  GListModel *                                                                         \
  type_name##_get_##name (TypeName *self)                                              \
  {                                                                                    \
    g_return_val_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (self, type_name##_get_type ()),  \
                          NULL);                                                       \
    return _ferry_object_get_relation ((FerryObject *) self, RELATION);                \
  }

#define FERRY_DEFINE_CLASS_MODEL_GETTER(TypeName, type_name, name, TYPE)               \
  GListModel *                                                                         \
  type_name##_get_##name (TypeName *self)                                              \
  {                                                                                    \
    g_return_val_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (self, type_name##_get_type ()),  \
                          NULL);                                                       \
    return _ferry_object_get_class_model ((FerryObject *) self, TYPE);                 \
  }

/* The fields most classes share, kept in the base; a class without one of
 * them simply never fills it. */
typedef struct
{
  char  *uuid;
  char  *name_label;
  char  *name_description;
  char **allowed_operations;
  char **current_operations;
  char **other_config;
  char **tags;
} FerryObjectBase;

typedef enum
{
  FERRY_OP_ADD,
  FERRY_OP_MOD,
  FERRY_OP_DEL,
} FerryOp;

/* One parsed event. */
typedef struct
{
  const FerryClassInfo *info;
  char                 *ref;           /* interned */
  FerryOp               op;
  FerryObjectBase       base;
  gpointer              fields;        /* info->fields_size bytes; NULL for del */
} FerryRecord;

/* ferry-classes.c */
const FerryClassInfo  *_ferry_class_info_get          (FerryClassId       id);
const FerryClassInfo  *_ferry_class_info_lookup_wire  (const char        *wire_class);
const FerryClassInfo  *_ferry_class_info_for_type     (GType              type);
/* The field named @wire_name of the class table, or of the base table
 * with @is_base set; NULL when the cache does not keep it. */
const FerryField      *_ferry_class_info_lookup_field (const FerryClassInfo *info,
                                                       const char        *wire_name,
                                                       gboolean          *is_base);
void                   _ferry_classes_ensure          (void);

/* ferry-field.c; @fields points at a field struct. */
gboolean     _ferry_field_parse          (const FerryField  *field,
                                          const FerryValue  *value,
                                          gpointer           fields);
gboolean     _ferry_field_equal          (const FerryField  *field,
                                          gconstpointer      a,
                                          gconstpointer      b);
void         _ferry_field_swap           (const FerryField  *field,
                                          gpointer           a,
                                          gpointer           b);
void         _ferry_field_clear          (const FerryField  *field,
                                          gpointer           fields);
void         _ferry_field_clear_unlocked (const FerryField  *field,
                                          gpointer           fields);
void         _ferry_field_get_value      (const FerryField  *field,
                                          gconstpointer      fields,
                                          GValue            *value);
GParamSpec  *_ferry_field_new_pspec      (const FerryField  *field);
void         _ferry_fields_clear         (const FerryField  *table,
                                          guint              n_fields,
                                          gpointer           fields);
void         _ferry_fields_clear_unlocked (const FerryField *table,
                                          guint              n_fields,
                                          gpointer           fields);
const char  *_ferry_map_lookup           (char * const      *map,
                                          const char        *key);
GHashTable  *_ferry_map_to_hash_table    (char * const      *map);
const char * const *_ferry_set_or_empty  (char * const      *set);
gboolean     _ferry_set_contains         (char * const      *set,
                                          const char        *value);

/* The base fields as a table over FerryObjectBase. */
const FerryField *_ferry_object_base_fields (guint *n_fields);

/* ferry-object.c */
void         _ferry_object_class_install_fields (GObjectClass         *object_class,
                                                 const FerryClassInfo *info,
                                                 guint                 n_props);
/* Creates an object from an add/mod record, moving the record's values in. */
FerryObject *_ferry_object_new_from_record      (FerryRecord          *record,
                                                 FerryCache           *cache,
                                                 guint                 serial);
const FerryClassInfo *_ferry_object_get_info    (FerryObject          *self);
gpointer     _ferry_object_get_fields           (FerryObject          *self);
guint        _ferry_object_get_serial           (FerryObject          *self);
guint        _ferry_object_get_generation       (FerryObject          *self);
void         _ferry_object_set_generation       (FerryObject          *self,
                                                 guint                 generation);
/* Moves changed values from @record into @self and marks them for notification.
 * Returns TRUE when something changed; @changed_refs (one bit per field of
 * the class table) tells which fields changed, so the cache can move the
 * object between relation models. The previous values stay in @record. */
gboolean     _ferry_object_update               (FerryObject          *self,
                                                 FerryRecord          *record,
                                                 guint64              *changed_fields,
                                                 gboolean             *uuid_changed);
/* Emits the notifications marked by _ferry_object_update(). */
void         _ferry_object_emit_pending_notify  (FerryObject          *self);
gboolean     _ferry_object_has_pending_notify   (FerryObject          *self);
void         _ferry_object_mark_removed         (FerryObject          *self);
void         _ferry_object_detach               (FerryObject          *self);
/* The relation model of @self as owner, or NULL once removed. */
GListModel  *_ferry_object_get_relation         (FerryObject          *self,
                                                 FerryRelation         relation);
GListModel  *_ferry_object_get_class_model      (FerryObject          *self,
                                                 GType                 type);

/* ferry-cache-batch.c */
guint        _ferry_cache_batch_get_n_records   (FerryCacheBatch      *batch);
FerryRecord *_ferry_cache_batch_get_record      (FerryCacheBatch      *batch,
                                                 guint                 index);
void         _ferry_record_clear                (FerryRecord          *record);

G_END_DECLS
