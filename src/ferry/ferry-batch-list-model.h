/* ferry-batch-list-model.h: a list model that folds a burst of changes into one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Passes @model through. Between ferry_batch_list_model_begin() and
 * _end(), the changes of @model are folded into one, given at _end() to a
 * list view: it then rebinds the rows it shows once, and finds the rows
 * that stayed (same items) instead of making new widgets for each change.
 * Nothing may read the model between begin and end.
 *
 * A change that starts at or after @n_fixed and before @n_kept is given
 * in two steps, new items first, so that the list view rebinds the
 * widgets of the rows that go, instead of destroying them and making new
 * ones (see the .c file). @n_fixed: the rows at the top that the list
 * view keeps in place (its scroll anchor, its selected and its focused
 * row are among them); @n_kept: the rows at the top it has widgets for;
 * 0 and 0 when not known. @model's item type must be instantiable. */
#define FERRY_TYPE_BATCH_LIST_MODEL (ferry_batch_list_model_get_type ())

G_DECLARE_FINAL_TYPE (FerryBatchListModel, ferry_batch_list_model, FERRY, BATCH_LIST_MODEL, GObject)

FerryBatchListModel *ferry_batch_list_model_new   (GListModel          *model);
GListModel          *ferry_batch_list_model_get_model (FerryBatchListModel *self);
void                 ferry_batch_list_model_begin (FerryBatchListModel *self);
void                 ferry_batch_list_model_end   (FerryBatchListModel *self,
                                                   guint                n_fixed,
                                                   guint                n_kept);

G_END_DECLS
