/* ferry-tree-group.h: a folder row of the resource tree ("Storage", "Networks")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-connection.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_TREE_GROUP_STORAGE,
  FERRY_TREE_GROUP_NETWORKS,
} FerryTreeGroupKind;

#define FERRY_TYPE_TREE_GROUP (ferry_tree_group_get_type ())

G_DECLARE_FINAL_TYPE (FerryTreeGroup, ferry_tree_group, FERRY, TREE_GROUP, GObject)

/* @objects: the cache's model of the group's objects (SRs, networks). */
FerryTreeGroup     *ferry_tree_group_new            (FerryTreeGroupKind  kind,
                                                     FerryConnection    *connection,
                                                     GListModel         *objects);
FerryTreeGroupKind  ferry_tree_group_get_kind       (FerryTreeGroup     *self);
const char         *ferry_tree_group_get_title      (FerryTreeGroup     *self);
const char         *ferry_tree_group_get_icon_name  (FerryTreeGroup     *self);
FerryConnection    *ferry_tree_group_get_connection (FerryTreeGroup     *self);
GListModel         *ferry_tree_group_get_objects    (FerryTreeGroup     *self);

G_END_DECLS
