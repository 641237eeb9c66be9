/* ferry-tree-row.h: the content of one row of the resource tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FERRY_TYPE_TREE_ROW (ferry_tree_row_get_type ())

G_DECLARE_FINAL_TYPE (FerryTreeRow, ferry_tree_row, FERRY, TREE_ROW, GtkWidget)

GtkWidget  *ferry_tree_row_new         (void);
/* A FerryConnection, FerryTreeGroup or cached FerryObject; NULL to unbind. */
GObject    *ferry_tree_row_get_item    (FerryTreeRow *self);
void        ferry_tree_row_set_item    (FerryTreeRow *self,
                                        GObject      *item);
/* What the row says, for tests and the accessible label. */
const char *ferry_tree_row_get_title   (FerryTreeRow *self);
const char *ferry_tree_row_get_status  (FerryTreeRow *self);

G_END_DECLS
