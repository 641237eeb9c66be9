/* ferry-batch-list-model.h: a list model that folds a burst of changes into one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Passes @model through. Between ferry_batch_list_model_begin() and
 * _end(), the changes of @model are folded into one "items-changed",
 * emitted at _end(): a list view then rebinds the rows it shows once, and
 * finds the rows that stayed (same items) instead of making new widgets
 * for each change. Nothing may read the model between begin and end. */
#define FERRY_TYPE_BATCH_LIST_MODEL (ferry_batch_list_model_get_type ())

G_DECLARE_FINAL_TYPE (FerryBatchListModel, ferry_batch_list_model, FERRY, BATCH_LIST_MODEL, GObject)

FerryBatchListModel *ferry_batch_list_model_new   (GListModel          *model);
GListModel          *ferry_batch_list_model_get_model (FerryBatchListModel *self);
void                 ferry_batch_list_model_begin (FerryBatchListModel *self);
void                 ferry_batch_list_model_end   (FerryBatchListModel *self);

G_END_DECLS
