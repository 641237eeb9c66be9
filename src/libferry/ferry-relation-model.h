/* ferry-relation-model.h: a GListModel of cached objects, kept in arrival order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-types.h"

G_BEGIN_DECLS

#define FERRY_TYPE_RELATION_MODEL (ferry_relation_model_get_type ())

G_DECLARE_FINAL_TYPE (FerryRelationModel, ferry_relation_model, FERRY, RELATION_MODEL, GObject)

/* The ref of the owner whose children the model lists; NULL for a per-class
 * model, or for the children whose field is NULL. */
const char *ferry_relation_model_get_owner_ref (FerryRelationModel *self);

G_END_DECLS
