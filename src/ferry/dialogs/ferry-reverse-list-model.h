/* ferry-reverse-list-model.h: a list model in the reverse order of another
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Item i is item n − 1 − i of @model; a change of @model is passed on as
 * one change, so that the newest entry of a journal (appended last) is
 * first, at no cost per item. */
#define FERRY_TYPE_REVERSE_LIST_MODEL (ferry_reverse_list_model_get_type ())

G_DECLARE_FINAL_TYPE (FerryReverseListModel, ferry_reverse_list_model, FERRY, REVERSE_LIST_MODEL, GObject)

FerryReverseListModel *ferry_reverse_list_model_new       (GListModel            *model);
GListModel            *ferry_reverse_list_model_get_model (FerryReverseListModel *self);

G_END_DECLS
