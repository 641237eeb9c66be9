/* ferry-object.h: the base of every cached XenAPI object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ferry-types.h"

G_BEGIN_DECLS

#define FERRY_TYPE_OBJECT (ferry_object_get_type ())

G_DECLARE_DERIVABLE_TYPE (FerryObject, ferry_object, FERRY, OBJECT, GObject)

struct _FerryObjectClass
{
  GObjectClass parent_class;

  /*< private >*/
  gpointer _reserved[8];
};

/* The opaque reference ("OpaqueRef:…"); never NULL, never changes. */
const char         *ferry_object_get_ref                   (FerryObject *self);
/* "" when the class has no such field. */
const char         *ferry_object_get_uuid                  (FerryObject *self);
const char         *ferry_object_get_name_label            (FerryObject *self);
/* The XenAPI class name as the datamodel spells it ("VM", "host", …). */
const char         *ferry_object_get_xapi_class            (FerryObject *self);
/* The cache holding the object, or NULL once the object was removed from it. */
FerryCache         *ferry_object_get_cache                 (FerryObject *self);
gboolean            ferry_object_is_removed                (FerryObject *self);
/* Resolves a ref held in a field (a VM's resident_on, …) in the same cache. */
FerryObject        *ferry_object_lookup_ref                (FerryObject *self,
                                                            const char  *ref);

/* The fields most XenAPI classes share; NULL or empty for the others. */
const char         *ferry_object_get_name_description      (FerryObject *self);
const char * const *ferry_object_get_allowed_operations    (FerryObject *self);
gboolean            ferry_object_is_operation_allowed      (FerryObject *self,
                                                            const char  *operation);
/* current_operations maps a task ref to the operation it runs. */
const char         *ferry_object_lookup_current_operation  (FerryObject *self,
                                                            const char  *task_ref);
guint               ferry_object_get_n_current_operations  (FerryObject *self);
const char         *ferry_object_lookup_other_config       (FerryObject *self,
                                                            const char  *key);
const char * const *ferry_object_get_tags                  (FerryObject *self);

G_END_DECLS
