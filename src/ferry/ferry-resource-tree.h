/* ferry-resource-tree.h: the tree of connections, pools, hosts, VMs, storage and networks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ferry-host.h"
#include "ferry-tree-menu.h"
#include "ferry-vm.h"

G_BEGIN_DECLS

#define FERRY_TYPE_RESOURCE_TREE (ferry_resource_tree_get_type ())

G_DECLARE_FINAL_TYPE (FerryResourceTree, ferry_resource_tree, FERRY, RESOURCE_TREE, GtkWidget)

GtkWidget  *ferry_resource_tree_new               (void);
/* A GListModel of FerryConnection (a FerryConnectionManager). */
GListModel *ferry_resource_tree_get_connections   (FerryResourceTree *self);
void        ferry_resource_tree_set_connections   (FerryResourceTree *self,
                                                   GListModel        *connections);
/* The selected FerryConnection, FerryTreeGroup or cached FerryObject. */
GObject    *ferry_resource_tree_get_selected_item (FerryResourceTree *self);
/* Expands the rows above @item and selects it; FALSE when it is not shown. */
gboolean    ferry_resource_tree_select_item       (FerryResourceTree *self,
                                                   GObject           *item);
gboolean    ferry_resource_tree_get_search_mode   (FerryResourceTree *self);
void        ferry_resource_tree_set_search_mode   (FerryResourceTree *self,
                                                   gboolean           search_mode);
const char *ferry_resource_tree_get_search_text   (FerryResourceTree *self);
void        ferry_resource_tree_set_search_text   (FerryResourceTree *self,
                                                   const char        *text);
/* The rows shown (GtkTreeListRow items), for tests. */
GListModel *ferry_resource_tree_get_rows          (FerryResourceTree *self);
GtkWidget  *ferry_resource_tree_get_list_view     (FerryResourceTree *self);
/* Opens (again) the connection the selection belongs to. */
void        ferry_resource_tree_retry_selected    (FerryResourceTree *self);
/* The context menu of the selected row (right click, Menu, Shift+F10),
 * and the last one shown. */
void        ferry_resource_tree_popup_menu        (FerryResourceTree *self);
FerryTreeMenu *ferry_resource_tree_get_menu       (FerryResourceTree *self);
/* What dropping @vm on @host's row does: a quick migration within the pool
 * after a confirmation, else the wizard with @host chosen. FALSE when
 * nothing happens (the VM is there already). */
gboolean    ferry_resource_tree_drop_vm           (FerryResourceTree *self,
                                                   FerryVm           *vm,
                                                   FerryHost         *host);

G_END_DECLS
