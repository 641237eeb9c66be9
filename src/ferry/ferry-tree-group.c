/* ferry-tree-group.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-tree-group"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-tree-group.h"

struct _FerryTreeGroup
{
  GObject             parent_instance;

  FerryTreeGroupKind  kind;
  GWeakRef            connection;
  GListModel         *objects;
};

G_DEFINE_FINAL_TYPE (FerryTreeGroup, ferry_tree_group, G_TYPE_OBJECT)

static void
ferry_tree_group_finalize (GObject *object)
{
  FerryTreeGroup *self = FERRY_TREE_GROUP (object);

  g_weak_ref_clear (&self->connection);
  g_clear_object (&self->objects);

  G_OBJECT_CLASS (ferry_tree_group_parent_class)->finalize (object);
}

static void
ferry_tree_group_class_init (FerryTreeGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_tree_group_finalize;
}

static void
ferry_tree_group_init (FerryTreeGroup *self)
{
  g_weak_ref_init (&self->connection, NULL);
}

FerryTreeGroup *
ferry_tree_group_new (FerryTreeGroupKind  kind,
                      FerryConnection    *connection,
                      GListModel         *objects)
{
  FerryTreeGroup *self;

  g_return_val_if_fail (FERRY_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (objects), NULL);

  self = g_object_new (FERRY_TYPE_TREE_GROUP, NULL);
  self->kind = kind;
  g_weak_ref_set (&self->connection, connection);
  self->objects = g_object_ref (objects);
  return self;
}

FerryTreeGroupKind
ferry_tree_group_get_kind (FerryTreeGroup *self)
{
  g_return_val_if_fail (FERRY_IS_TREE_GROUP (self), 0);
  return self->kind;
}

const char *
ferry_tree_group_get_title (FerryTreeGroup *self)
{
  g_return_val_if_fail (FERRY_IS_TREE_GROUP (self), NULL);
  return self->kind == FERRY_TREE_GROUP_STORAGE ? _("Storage") : _("Networks");
}

const char *
ferry_tree_group_get_icon_name (FerryTreeGroup *self)
{
  g_return_val_if_fail (FERRY_IS_TREE_GROUP (self), NULL);
  return self->kind == FERRY_TREE_GROUP_STORAGE ? "drive-multidisk-symbolic" : "network-wired-symbolic";
}

/* Transfer none; NULL once the connection is gone. */
FerryConnection *
ferry_tree_group_get_connection (FerryTreeGroup *self)
{
  g_autoptr(FerryConnection) connection = NULL;

  g_return_val_if_fail (FERRY_IS_TREE_GROUP (self), NULL);

  /* The manager holds the connection as long as its rows exist. */
  connection = g_weak_ref_get (&self->connection);
  return connection;
}

GListModel *
ferry_tree_group_get_objects (FerryTreeGroup *self)
{
  g_return_val_if_fail (FERRY_IS_TREE_GROUP (self), NULL);
  return self->objects;
}
