/* ferry-relation-model-private.h: how the cache feeds a FerryRelationModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-object.h"
#include "ferry-relation-model.h"

G_BEGIN_DECLS

/* @owner_ref is interned (ferry-intern.h); the model takes a reference. */
FerryRelationModel *_ferry_relation_model_new    (GType               item_type,
                                                  char               *owner_ref);
/* Queue a membership change, emitted by _ferry_relation_model_flush().
 * Both return TRUE when the model had nothing pending before. */
gboolean            _ferry_relation_model_add    (FerryRelationModel *self,
                                                  FerryObject        *object);
gboolean            _ferry_relation_model_remove (FerryRelationModel *self,
                                                  FerryObject        *object);
/* Fills an empty model at once (a lazily created model), no signal. */
void                _ferry_relation_model_take_sorted (FerryRelationModel *self,
                                                       GPtrArray          *objects);
/* Emits one items-changed per run of changed positions. */
void                _ferry_relation_model_flush  (FerryRelationModel *self);
gboolean            _ferry_relation_model_is_idle (FerryRelationModel *self);

G_END_DECLS
