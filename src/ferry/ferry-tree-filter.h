/* ferry-tree-filter.h: search as you type over the resource tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One per tree. It makes a GtkFilter for each level of the tree; a row is
 * shown when its name contains the search text (case-insensitively), when
 * one of its descendants does, or when one of its ancestors does. VMs that
 * are templates, snapshots or control domains are never shown. Virtual
 * disks are not shown while searching. Level filters follow the text
 * ("changed" says how strict the new text is). */
#define FERRY_TYPE_TREE_FILTER (ferry_tree_filter_get_type ())

G_DECLARE_FINAL_TYPE (FerryTreeFilter, ferry_tree_filter, FERRY, TREE_FILTER, GObject)

typedef struct _FerryTreeLevel FerryTreeLevel;

FerryTreeFilter *ferry_tree_filter_new          (void);
/* The connections, to find the one an object belongs to. */
void             ferry_tree_filter_set_connections (FerryTreeFilter *self,
                                                 GListModel      *connections);
const char      *ferry_tree_filter_get_text     (FerryTreeFilter *self);
void             ferry_tree_filter_set_text     (FerryTreeFilter *self,
                                                 const char      *text);
gboolean         ferry_tree_filter_is_active    (FerryTreeFilter *self);
/* TRUE when @item's own name contains the text. */
gboolean         ferry_tree_filter_self_matches (FerryTreeFilter *self,
                                                 GObject         *item);

/* A level: the children of @parent (NULL at the top). */
FerryTreeLevel  *ferry_tree_level_new           (FerryTreeFilter *filter,
                                                 GObject         *parent);
FerryTreeLevel  *ferry_tree_level_ref           (FerryTreeLevel  *level);
void             ferry_tree_level_unref         (FerryTreeLevel  *level);
/* A new filter for one model of the level. */
GtkFilter       *ferry_tree_level_create_filter (FerryTreeLevel  *level);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryTreeLevel, ferry_tree_level_unref)

G_END_DECLS
