/* ferry-resource-tree.c
 *
 * A GtkListView over a GtkTreeListModel whose levels are the engine's own
 * list models: connection → hosts → VMs, halted VMs, "Storage" → SRs →
 * virtual disks, "Networks" → networks. A standalone host's connection row
 * stands for the host, with its VMs right below.
 *
 * Each level is the engine's model, sorted by name, then filtered. One
 * tree model serves browsing and searching: while there is search text its
 * filters show what matches, with its ancestors, and every row that can
 * show a match is expanded; the user's expansion is saved when the search
 * starts and put back when it ends. A keystroke changes the filters in
 * place (ferry-tree-filter.c), so that rows that stay keep their widgets:
 * building a new tree per keystroke re-created every visible row. The
 * changes of one keystroke reach the list view as one (FerryBatchListModel).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-resource-tree"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ferry-batch-list-model.h"
#include "ferry-cache.h"
#include "ferry-connection.h"
#include "ferry-error.h"
#include "ferry-host.h"
#include "ferry-network.h"
#include "ferry-resource-tree.h"
#include "ferry-sr.h"
#include "ferry-tree-filter.h"
#include "ferry-feasibility-server.h"
#include "ferry-move-request.h"
#include "ferry-tree-group.h"
#include "ferry-tree-menu.h"
#include "ferry-tree-row.h"
#include "ferry-ui-utils.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

/* Expand the hosts of pools this small when they first appear. */
#define EXPAND_HOSTS_MAX 8

typedef struct _TreeContext TreeContext;

struct _FerryResourceTree
{
  GtkWidget           parent_instance;

  /* Template widgets */
  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkListView        *list_view;

  /* Owned references */
  GListModel         *connections;
  FerryTreeFilter    *filter;
  GtkSorter          *sorter;
  GtkTreeListModel   *model;
  FerryBatchListModel *batch;    /* the model as the list view sees it */
  GHashTable         *saved_expansion;  /* while searching: expansion keys (see expansion_key()) */
  gboolean            anchored_at_top;  /* during a batch (see begin_batch()) */
  GtkSingleSelection *selection;
  GObject            *selected_item;
  GCancellable       *cancellable;
  GHashTable         *expanded;  /* connections expanded once */
  guint               leave_search_id;
  GPtrArray          *watched;   /* caches whose "populated" we watch */
  GtkPopoverMenu     *menu_popover;
  FerryTreeMenu      *menu;
  FerryFeasibilityServer *feasibility;
};

enum {
  PROP_0,
  PROP_CONNECTIONS,
  PROP_SELECTED_ITEM,
  PROP_SEARCH_MODE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_FINAL_TYPE (FerryResourceTree, ferry_resource_tree, GTK_TYPE_WIDGET)

/* Sorting by name, naturally ("vm-2" before "vm-10"), with the keys kept
 * on the objects. */

static GQuark sort_key_quark;
static GQuark sorted_quark;

typedef struct
{
  char *source;
  char *key;
} SortKey;

static void
sort_key_free (gpointer data)
{
  SortKey *sort_key = data;

  g_free (sort_key->source);
  g_free (sort_key->key);
  g_free (sort_key);
}

static const char *
get_sort_key (GObject *item)
{
  SortKey *sort_key = g_object_get_qdata (item, sort_key_quark);
  const char *name = FERRY_IS_OBJECT (item) ? ferry_object_get_name_label (FERRY_OBJECT (item)) : NULL;

  if (name == NULL)
    name = "";
  if (sort_key == NULL)
    {
      sort_key = g_new0 (SortKey, 1);
      g_object_set_qdata_full (item, sort_key_quark, sort_key, sort_key_free);
    }
  if (sort_key->source == NULL || g_strcmp0 (sort_key->source, name) != 0)
    {
      g_autofree char *folded = g_utf8_casefold (name, -1);

      g_free (sort_key->source);
      g_free (sort_key->key);
      sort_key->source = g_strdup (name);
      sort_key->key = g_utf8_collate_key_for_filename (folded, -1);
    }
  return sort_key->key;
}

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return g_strcmp0 (get_sort_key ((GObject *) a), get_sort_key ((GObject *) b));
}

/* The models of the levels */

struct _TreeContext
{
  FerryResourceTree *tree;      /* unowned: the tree owns the models */
};

static void
tree_context_free (gpointer data)
{
  g_free (data);
}

/* @objects sorted. When they are @owner's (a host's VMs, an SR's disks),
 * the sorted list is kept on @owner: a search shows and hides hosts, and
 * each time one comes back its VMs would be sorted again. */
static GListModel *
sort_objects (TreeContext *context,
              GObject     *owner,
              GListModel  *objects)
{
  GtkSortListModel *sorted = owner ? g_object_get_qdata (owner, sorted_quark) : NULL;

  if (sorted == NULL || gtk_sort_list_model_get_model (sorted) != objects)
    {
      sorted = gtk_sort_list_model_new (g_object_ref (objects), g_object_ref (context->tree->sorter));
      if (owner == NULL)
        return G_LIST_MODEL (sorted);
      g_object_set_qdata_full (owner, sorted_quark, sorted, g_object_unref);
    }
  return g_object_ref (G_LIST_MODEL (sorted));
}

static GListModel *
make_level_model (TreeContext    *context,
                  FerryTreeLevel *level,
                  GObject        *owner,
                  GListModel     *objects)
{
  /* Sort once, then filter: a filter change then touches only the rows
   * it shows or hides, never the order. */
  return G_LIST_MODEL (gtk_filter_list_model_new (sort_objects (context, owner, objects),
                                                  ferry_tree_level_create_filter (level)));
}

/* Rows with children (connections, hosts, groups) are filtered one by one:
 * a GtkFilterListModel reports a filter change as one range, from the
 * first row that changes to the last, and GtkTreeListModel makes new rows
 * for the whole range, collapsed and with new children. One single-item
 * filter model per row reports only the rows that really change. */
static gpointer
filter_one_cb (gpointer item,
               gpointer user_data)
{
  g_autoptr(GObject) owned = item;
  GListStore *store = g_list_store_new (G_OBJECT_TYPE (owned));

  g_list_store_append (store, owned);
  return gtk_filter_list_model_new (G_LIST_MODEL (store), ferry_tree_level_create_filter (user_data));
}

static GListModel *
make_container_model (TreeContext    *context,
                      FerryTreeLevel *level,
                      GListModel     *objects,
                      gboolean        sorted)
{
  GListModel *source = sorted ? G_LIST_MODEL (gtk_sort_list_model_new (g_object_ref (objects),
                                                                       g_object_ref (context->tree->sorter)))
                              : g_object_ref (objects);
  GtkMapListModel *map = gtk_map_list_model_new (source, filter_one_cb, ferry_tree_level_ref (level),
                                                 (GDestroyNotify) ferry_tree_level_unref);

  return G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (map)));
}

/* The children of a connection change shape when it turns out to be a
 * standalone host; this keeps them up to date. */
typedef struct
{
  TreeContext     *context;
  FerryConnection *connection;
  FerryTreeLevel  *level;
  GListStore      *sections;
  GListStore      *groups;
  GListModel      *hosts;
  FerryHost       *standalone;
  gboolean         shaped;
  gulong           populated_id;
  gulong           hosts_id;
} ConnectionChildren;

static void
connection_children_free (gpointer data)
{
  ConnectionChildren *children = data;

  g_clear_signal_handler (&children->populated_id, ferry_connection_get_cache (children->connection));
  g_clear_signal_handler (&children->hosts_id, children->hosts);
  g_clear_object (&children->hosts);
  g_clear_object (&children->standalone);
  g_clear_object (&children->groups);
  g_clear_object (&children->sections);
  g_clear_pointer (&children->level, ferry_tree_level_unref);
  g_clear_object (&children->connection);
  g_free (children);
}

static void
shape_connection_children (ConnectionChildren *children)
{
  FerryCache *cache = ferry_connection_get_cache (children->connection);
  FerryHost *standalone = ferry_connection_get_standalone_host (children->connection);
  g_autoptr(GListModel) first = NULL;
  g_autoptr(GListModel) halted = NULL;
  g_autoptr(GListModel) groups = NULL;
  GListModel *sections[3];

  if (children->shaped && standalone == children->standalone)
    return;

  children->shaped = TRUE;
  g_set_object (&children->standalone, standalone);

  if (standalone != NULL)
    first = make_level_model (children->context, children->level, G_OBJECT (standalone),
                              ferry_host_get_resident_vms (standalone));
  else
    first = make_container_model (children->context, children->level, children->hosts, TRUE);
  halted = make_level_model (children->context, children->level, NULL,
                             ferry_cache_get_relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, NULL));
  groups = make_container_model (children->context, children->level, G_LIST_MODEL (children->groups), FALSE);
  sections[0] = first;
  sections[1] = halted;
  sections[2] = groups;
  g_list_store_splice (children->sections, 0, g_list_model_get_n_items (G_LIST_MODEL (children->sections)),
                       (gpointer *) sections, G_N_ELEMENTS (sections));
}

static void
on_connection_cache_populated_cb (FerryCache         *cache,
                                  GParamSpec         *pspec,
                                  ConnectionChildren *children)
{
  shape_connection_children (children);
}

static void
on_connection_hosts_changed_cb (GListModel         *hosts,
                                guint               position,
                                guint               removed,
                                guint               added,
                                ConnectionChildren *children)
{
  if (ferry_cache_get_populated (ferry_connection_get_cache (children->connection)))
    shape_connection_children (children);
}

static GListModel *
make_connection_children (TreeContext     *context,
                          FerryConnection *connection,
                          FerryTreeLevel  *level)
{
  FerryCache *cache = ferry_connection_get_cache (connection);
  ConnectionChildren *children = g_new0 (ConnectionChildren, 1);
  g_autoptr(FerryTreeGroup) storage = NULL;
  g_autoptr(FerryTreeGroup) networks = NULL;
  GtkFlattenListModel *flat;

  children->context = context;
  children->connection = g_object_ref (connection);
  children->level = ferry_tree_level_ref (level);
  children->sections = g_list_store_new (G_TYPE_LIST_MODEL);
  children->groups = g_list_store_new (FERRY_TYPE_TREE_GROUP);
  children->hosts = g_object_ref (ferry_cache_get_objects (cache, FERRY_TYPE_HOST));

  storage = ferry_tree_group_new (FERRY_TREE_GROUP_STORAGE, connection,
                                  ferry_cache_get_objects (cache, FERRY_TYPE_SR));
  networks = ferry_tree_group_new (FERRY_TREE_GROUP_NETWORKS, connection,
                                   ferry_cache_get_objects (cache, FERRY_TYPE_NETWORK));
  g_list_store_append (children->groups, storage);
  g_list_store_append (children->groups, networks);

  shape_connection_children (children);

  children->populated_id = g_signal_connect (cache, "notify::populated",
                                             G_CALLBACK (on_connection_cache_populated_cb), children);
  children->hosts_id = g_signal_connect (children->hosts, "items-changed",
                                         G_CALLBACK (on_connection_hosts_changed_cb), children);

  flat = gtk_flatten_list_model_new (g_object_ref (G_LIST_MODEL (children->sections)));
  g_object_set_data_full (G_OBJECT (flat), "ferry-connection-children", children, connection_children_free);
  return G_LIST_MODEL (flat);
}

/* Whether a row for @item has children (see create_child_model()). Asking
 * GTK instead (gtk_tree_list_row_is_expandable()) makes the children of a
 * collapsed row, only to drop them. */
static gboolean
can_expand (gpointer item)
{
  return FERRY_IS_CONNECTION (item) || FERRY_IS_HOST (item) ||
         FERRY_IS_TREE_GROUP (item) || FERRY_IS_SR (item);
}

/* GtkTreeListModelCreateModelFunc */
static GListModel *
create_child_model (gpointer item,
                    gpointer user_data)
{
  TreeContext *context = user_data;
  g_autoptr(FerryTreeLevel) level = NULL;

  if (!can_expand (item))
    return NULL;

  level = ferry_tree_level_new (context->tree->filter, item);

  if (FERRY_IS_CONNECTION (item))
    return make_connection_children (context, item, level);
  if (FERRY_IS_HOST (item))
    return make_level_model (context, level, item, ferry_host_get_resident_vms (item));
  if (FERRY_IS_SR (item))
    return make_level_model (context, level, item, ferry_sr_get_vdis (item));
  return make_level_model (context, level, NULL, ferry_tree_group_get_objects (item));
}

static GtkTreeListModel *
make_tree_model (FerryResourceTree *self)
{
  TreeContext *context = g_new0 (TreeContext, 1);
  g_autoptr(FerryTreeLevel) root = ferry_tree_level_new (self->filter, NULL);
  GListModel *top;

  context->tree = self;
  top = make_container_model (context, root, self->connections, FALSE);
  return gtk_tree_list_model_new (top, FALSE, FALSE, create_child_model, context, tree_context_free);
}

/* Expansion */

typedef void (*RowFunc) (FerryResourceTree *self,
                         GtkTreeListRow    *row,
                         GObject           *item);

static void walk_rows (FerryResourceTree *self,
                       GtkTreeListRow    *parent,
                       RowFunc            func);

static void
walk_row (FerryResourceTree *self,
          GtkTreeListRow    *row,
          GObject           *item,
          RowFunc            func)
{
  func (self, row, item);
  /* The children of hosts and SRs (VMs, disks) have none of their own. */
  if (gtk_tree_list_row_get_expanded (row) && !FERRY_IS_HOST (item) && !FERRY_IS_SR (item))
    walk_rows (self, row, func);
}

/* Calls @func on each row that can have children, parents first; what
 * @func expands is walked too. Leaves (VMs, disks) are skipped without
 * making rows for them. */
static void
walk_rows (FerryResourceTree *self,
           GtkTreeListRow    *parent,
           RowFunc            func)
{
  GListModel *children = parent ? gtk_tree_list_row_get_children (parent)
                                : gtk_tree_list_model_get_model (self->model);
  guint n = children ? g_list_model_get_n_items (children) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (children, i);
      g_autoptr(GtkTreeListRow) row = NULL;

      if (!can_expand (item))
        continue;
      row = parent ? gtk_tree_list_row_get_child_row (parent, i)
                   : gtk_tree_list_model_get_child_row (self->model, i);
      if (row != NULL)
        walk_row (self, row, item, func);
    }
}

/* What identifies a row's expansion: the item, or for a group (made anew
 * with its connection's children) its connection and kind. GObjects are
 * at least 8-byte aligned, so the two never collide. */
static gpointer
expansion_key (GObject *item)
{
  if (FERRY_IS_TREE_GROUP (item))
    return (guint8 *) ferry_tree_group_get_connection (FERRY_TREE_GROUP (item)) +
           1 + ferry_tree_group_get_kind (FERRY_TREE_GROUP (item));
  return item;
}

static void
save_row_expansion (FerryResourceTree *self,
                    GtkTreeListRow    *row,
                    GObject           *item)
{
  if (gtk_tree_list_row_get_expanded (row))
    g_hash_table_add (self->saved_expansion, expansion_key (item));
}

static void
restore_row_expansion (FerryResourceTree *self,
                       GtkTreeListRow    *row,
                       GObject           *item)
{
  gtk_tree_list_row_set_expanded (row, g_hash_table_contains (self->saved_expansion, expansion_key (item)));
}

/* While searching, every row that shows a match is open; disks are not
 * searched, so SRs stay closed. */
static void
expand_search_row (FerryResourceTree *self,
                   GtkTreeListRow    *row,
                   GObject           *item)
{
  if (!FERRY_IS_SR (item))
    gtk_tree_list_row_set_expanded (row, TRUE);
}

/* Rows */

static GtkTreeListRow *
find_child_row (GtkTreeListModel *model,
                GtkTreeListRow   *parent,
                GObject          *item)
{
  g_autoptr(GListModel) children = NULL;
  guint n;

  if (parent == NULL)
    children = g_object_ref (gtk_tree_list_model_get_model (model));
  else
    children = gtk_tree_list_row_get_children (parent) ? g_object_ref (gtk_tree_list_row_get_children (parent)) : NULL;
  if (children == NULL)
    return NULL;

  n = g_list_model_get_n_items (children);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) child = g_list_model_get_item (children, i);

      if (child == item ||
          (FERRY_IS_TREE_GROUP (child) && FERRY_IS_TREE_GROUP (item) &&
           ferry_tree_group_get_kind (FERRY_TREE_GROUP (child)) == ferry_tree_group_get_kind (FERRY_TREE_GROUP (item))))
        return parent ? gtk_tree_list_row_get_child_row (parent, i)
                      : gtk_tree_list_model_get_child_row (model, i);
    }
  return NULL;
}

static FerryConnection *
find_connection (FerryResourceTree *self,
                 GObject           *item)
{
  FerryCache *cache;
  guint n;

  if (FERRY_IS_CONNECTION (item))
    return FERRY_CONNECTION (item);
  if (FERRY_IS_TREE_GROUP (item))
    return ferry_tree_group_get_connection (FERRY_TREE_GROUP (item));
  if (!FERRY_IS_OBJECT (item) || self->connections == NULL)
    return NULL;

  cache = ferry_object_get_cache (FERRY_OBJECT (item));
  n = g_list_model_get_n_items (self->connections);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (self->connections, i);

      if (ferry_connection_get_cache (connection) == cache)
        return connection;  /* the list holds it */
    }
  return NULL;
}

/* The items from the top of the tree down to @item. */
static GPtrArray *
path_to_item (FerryResourceTree *self,
              GObject           *item)
{
  FerryConnection *connection = find_connection (self, item);
  g_autoptr(GPtrArray) path = g_ptr_array_new_with_free_func (g_object_unref);
  FerryHost *standalone;

  if (connection == NULL)
    return NULL;

  g_ptr_array_add (path, g_object_ref (connection));
  if (item == G_OBJECT (connection))
    return g_steal_pointer (&path);

  standalone = ferry_connection_get_standalone_host (connection);

  if (FERRY_IS_HOST (item))
    {
      if (FERRY_HOST (item) != standalone)
        g_ptr_array_add (path, g_object_ref (item));
    }
  else if (FERRY_IS_VM (item))
    {
      FerryObject *host = ferry_object_lookup_ref (FERRY_OBJECT (item), ferry_vm_get_resident_on (FERRY_VM (item)));

      if (FERRY_IS_HOST (host) && FERRY_HOST (host) != standalone)
        g_ptr_array_add (path, g_object_ref (host));
      g_ptr_array_add (path, g_object_ref (item));
    }
  else if (FERRY_IS_SR (item) || FERRY_IS_VDI (item))
    {
      g_ptr_array_add (path, ferry_tree_group_new (FERRY_TREE_GROUP_STORAGE, connection,
                                                   ferry_cache_get_objects (ferry_connection_get_cache (connection),
                                                                            FERRY_TYPE_SR)));
      if (FERRY_IS_VDI (item))
        {
          FerryObject *sr = ferry_object_lookup_ref (FERRY_OBJECT (item), ferry_vdi_get_sr (FERRY_VDI (item)));

          if (sr == NULL)
            return NULL;
          g_ptr_array_add (path, g_object_ref (sr));
        }
      g_ptr_array_add (path, g_object_ref (item));
    }
  else if (FERRY_IS_NETWORK (item))
    {
      g_ptr_array_add (path, ferry_tree_group_new (FERRY_TREE_GROUP_NETWORKS, connection,
                                                   ferry_cache_get_objects (ferry_connection_get_cache (connection),
                                                                            FERRY_TYPE_NETWORK)));
      g_ptr_array_add (path, g_object_ref (item));
    }
  else if (FERRY_IS_TREE_GROUP (item))
    g_ptr_array_add (path, g_object_ref (item));
  else
    return NULL;

  return g_steal_pointer (&path);
}

static GtkTreeListModel *
current_model (FerryResourceTree *self)
{
  return self->model;
}

static void
expand_new_connection (FerryResourceTree *self,
                       FerryConnection   *connection)
{
  g_autoptr(GtkTreeListRow) row = NULL;
  GListModel *children;
  guint n_hosts;

  if (self->model == NULL ||
      !ferry_cache_get_populated (ferry_connection_get_cache (connection)) ||
      g_hash_table_contains (self->expanded, connection))
    return;

  row = find_child_row (self->model, NULL, G_OBJECT (connection));
  if (row == NULL)
    return;

  g_hash_table_add (self->expanded, connection);
  gtk_tree_list_row_set_expanded (row, TRUE);
  if (self->saved_expansion != NULL)
    g_hash_table_add (self->saved_expansion, connection);

  /* Show the first pool on the right from the start. */
  if (self->selected_item == NULL && self->saved_expansion == NULL && gtk_tree_list_row_get_position (row) == 0)
    gtk_single_selection_set_selected (self->selection, gtk_tree_list_row_get_position (row));

  n_hosts = g_list_model_get_n_items (ferry_cache_get_objects (ferry_connection_get_cache (connection),
                                                               FERRY_TYPE_HOST));
  if (n_hosts > EXPAND_HOSTS_MAX)
    return;

  children = gtk_tree_list_row_get_children (row);
  for (guint i = 0; children != NULL && i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(GObject) child = g_list_model_get_item (children, i);

      if (FERRY_IS_HOST (child))
        {
          g_autoptr(GtkTreeListRow) child_row = gtk_tree_list_row_get_child_row (row, i);

          gtk_tree_list_row_set_expanded (child_row, TRUE);
          if (self->saved_expansion != NULL)
            g_hash_table_add (self->saved_expansion, child);
        }
    }
}

static void
on_cache_populated_cb (FerryResourceTree *self,
                       GParamSpec        *pspec,
                       FerryCache        *cache)
{
  guint n = self->connections ? g_list_model_get_n_items (self->connections) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryConnection) candidate = g_list_model_get_item (self->connections, i);

      if (ferry_connection_get_cache (candidate) == cache)
        expand_new_connection (self, candidate);
    }
}

static void
update_stack (FerryResourceTree *self)
{
  const char *page = "tree";

  if (self->connections == NULL || g_list_model_get_n_items (self->connections) == 0)
    page = "empty";
  else if (ferry_tree_filter_is_active (self->filter) && self->model != NULL &&
           g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0)
    page = "no-results";

  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
on_connections_items_changed_cb (FerryResourceTree *self,
                                 guint              position,
                                 guint              removed,
                                 guint              added,
                                 GListModel        *connections)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (connections, i);
      FerryCache *cache = ferry_connection_get_cache (connection);

      if (!g_ptr_array_find (self->watched, cache, NULL))
        {
          g_ptr_array_add (self->watched, g_object_ref (cache));
          g_signal_connect_object (cache, "notify::populated",
                                   G_CALLBACK (on_cache_populated_cb), self, G_CONNECT_SWAPPED);
        }
      expand_new_connection (self, connection);
    }
  update_stack (self);
}

static void
on_model_items_changed_cb (FerryResourceTree *self)
{
  if (self->saved_expansion != NULL)
    update_stack (self);
}

/* Selection */

static void
on_selection_changed_cb (FerryResourceTree *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);
  g_autoptr(GObject) item = row ? gtk_tree_list_row_get_item (row) : NULL;

  if (g_set_object (&self->selected_item, item))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SELECTED_ITEM]);
}

static void
use_model (FerryResourceTree *self,
           GListModel        *model)
{
  gtk_single_selection_set_model (self->selection, model);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  on_selection_changed_cb (self);
}

/* Search */

/* A search changes the rows in a batch (FerryBatchListModel). When the
 * list view is scrolled to the top, it is anchored at its first row first
 * (GTK may have anchored it at another row the last time it scrolled):
 * GTK then keeps widgets for the rows that follow it
 * (GTK_LIST_VIEW_MAX_LIST_ITEMS in gtklistview.c, 200). */
static void
begin_batch (FerryResourceTree *self)
{
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));

  self->anchored_at_top = vadjustment != NULL && gtk_adjustment_get_value (vadjustment) == 0 &&
                          g_list_model_get_n_items (G_LIST_MODEL (self->batch)) > 0;
  if (self->anchored_at_top)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
  ferry_batch_list_model_begin (self->batch);
}

/* See ferry_batch_list_model_end(): the selected and focused rows stay in
 * place if they are above the change. */
static void
end_batch (FerryResourceTree *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  guint n_fixed = 1;
  guint n_kept = self->anchored_at_top ? 200 : 0;

  if (selected != GTK_INVALID_LIST_POSITION)
    n_fixed = MAX (n_fixed, selected + 1);
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view)))
    {
      /* A row (it holds the expander), or something in one. */
      GtkWidget *expander = gtk_widget_get_ancestor (focus, GTK_TYPE_TREE_EXPANDER);
      GtkTreeListRow *row;

      if (expander == NULL)
        expander = gtk_widget_get_first_child (focus);
      row = GTK_IS_TREE_EXPANDER (expander) ? gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander)) : NULL;
      n_fixed = row ? MAX (n_fixed, gtk_tree_list_row_get_position (row) + 1) : G_MAXUINT;
    }
  ferry_batch_list_model_end (self->batch, n_fixed, n_kept);
}

static void
leave_search (FerryResourceTree *self)
{
  g_autoptr(GObject) selected = self->selected_item ? g_object_ref (self->selected_item) : NULL;

  g_clear_handle_id (&self->leave_search_id, g_source_remove);
  if (self->saved_expansion == NULL)
    {
      ferry_tree_filter_set_text (self->filter, NULL);
      return;
    }

  /* Everything comes back, then the user's expansion. */
  if (self->batch != NULL)
    begin_batch (self);
  ferry_tree_filter_set_text (self->filter, NULL);
  if (self->model != NULL)
    walk_rows (self, NULL, restore_row_expansion);
  if (self->batch != NULL)
    end_batch (self);
  g_clear_pointer (&self->saved_expansion, g_hash_table_unref);
  /* Keep what was found selected. */
  if (selected != NULL)
    ferry_resource_tree_select_item (self, selected);
  update_stack (self);
}

static gboolean
on_leave_search_cb (gpointer user_data)
{
  FerryResourceTree *self = user_data;

  self->leave_search_id = 0;
  leave_search (self);
  return G_SOURCE_REMOVE;
}

static void
set_search_text (FerryResourceTree *self,
                 const char        *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));

  /* Replacing the text empties it for a moment: leave the search a bit
   * later, so that this does not put the whole tree back. */
  if (stripped[0] == '\0')
    {
      if (self->saved_expansion != NULL && self->leave_search_id == 0)
        self->leave_search_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, on_leave_search_cb, self, NULL);
      else if (self->saved_expansion == NULL)
        ferry_tree_filter_set_text (self->filter, NULL);
      return;
    }

  g_clear_handle_id (&self->leave_search_id, g_source_remove);
  if (self->model == NULL)
    {
      ferry_tree_filter_set_text (self->filter, text);
      return;
    }

  if (self->saved_expansion == NULL)
    {
      self->saved_expansion = g_hash_table_new (NULL, NULL);
      walk_rows (self, NULL, save_row_expansion);
    }

  /* The filters change in place (see the top of the file). */
  begin_batch (self);
  ferry_tree_filter_set_text (self->filter, text);
  walk_rows (self, NULL, expand_search_row);
  end_batch (self);
  update_stack (self);
}

static void
on_search_entry_changed_cb (FerryResourceTree *self,
                            GtkEditable       *editable)
{
  set_search_text (self, gtk_editable_get_text (editable));
}

static void
on_search_entry_stop_search_cb (FerryResourceTree *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* Enter selects the first match and moves to the tree. */
static void
on_search_entry_activate_cb (FerryResourceTree *self)
{
  GListModel *rows = G_LIST_MODEL (current_model (self));
  guint n = g_list_model_get_n_items (rows);

  for (guint i = 0; i < n && self->saved_expansion != NULL; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (ferry_tree_filter_self_matches (self->filter, item))
        {
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", i);
          break;
        }
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
on_search_mode_changed_cb (FerryResourceTree *self)
{
  if (!gtk_search_bar_get_search_mode (self->search_bar) &&
      gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SEARCH_MODE]);
}

/* Drag and drop */

#define DRAG_PREFIX "ferry-vm:"

static GObject *
controller_item (GtkEventController *controller)
{
  GtkWidget *expander = gtk_event_controller_get_widget (controller);

  return ferry_tree_row_get_item (FERRY_TREE_ROW (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander))));
}

static GdkContentProvider *
on_drag_prepare_cb (GtkDragSource     *source,
                    double             x,
                    double             y,
                    FerryResourceTree *self)
{
  GObject *item = controller_item (GTK_EVENT_CONTROLLER (source));
  g_autofree char *text = NULL;

  if (!FERRY_IS_VM (item))
    return NULL;
  text = g_strconcat (DRAG_PREFIX, ferry_object_get_uuid (FERRY_OBJECT (item)), NULL);
  return gdk_content_provider_new_typed (G_TYPE_STRING, text);
}

static gboolean
on_drop_accept_cb (GtkDropTarget     *target,
                   GdkDrop           *drop,
                   FerryResourceTree *self)
{
  GObject *item = controller_item (GTK_EVENT_CONTROLLER (target));

  return (FERRY_IS_HOST (item) || (FERRY_IS_CONNECTION (item) &&
                                   ferry_connection_get_standalone_host (FERRY_CONNECTION (item)) != NULL)) &&
         gdk_content_formats_contain_gtype (gdk_drop_get_formats (drop), G_TYPE_STRING);
}

static FerryVm *
lookup_vm (FerryResourceTree *self,
           const char        *uuid)
{
  guint n = self->connections ? g_list_model_get_n_items (self->connections) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (self->connections, i);
      FerryObject *object = ferry_cache_lookup_by_uuid (ferry_connection_get_cache (connection), uuid);

      if (FERRY_IS_VM (object))
        return FERRY_VM (object);
    }
  return NULL;
}

static gboolean
on_drop_cb (GtkDropTarget     *target,
            const GValue      *value,
            double             x,
            double             y,
            FerryResourceTree *self)
{
  GObject *item = controller_item (GTK_EVENT_CONTROLLER (target));
  const char *text = g_value_get_string (value);
  FerryVm *vm = text && g_str_has_prefix (text, DRAG_PREFIX) ? lookup_vm (self, text + strlen (DRAG_PREFIX)) : NULL;

  if (FERRY_IS_CONNECTION (item))
    item = G_OBJECT (ferry_connection_get_standalone_host (FERRY_CONNECTION (item)));
  if (vm == NULL || !FERRY_IS_HOST (item))
    return FALSE;
  return ferry_resource_tree_drop_vm (self, vm, FERRY_HOST (item));
}

static void
on_confirm_response_cb (AdwMessageDialog  *dialog,
                        const char        *response,
                        FerryResourceTree *self)
{
  if (g_strcmp0 (response, "migrate") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.migrate-to-host", "(ss)",
                                g_object_get_data (G_OBJECT (dialog), "ferry-vm"),
                                g_object_get_data (G_OBJECT (dialog), "ferry-host"));
}

/* Context menus */

static void
on_menu_closed_cb (FerryResourceTree *self)
{
  if (self->menu != NULL)
    ferry_tree_menu_cancel (self->menu);
}

static FerryFeasibilityServer *
get_feasibility (FerryResourceTree *self)
{
  if (self->feasibility == NULL && self->connections != NULL)
    self->feasibility = ferry_feasibility_server_new (self->connections);
  return self->feasibility;
}

static void
popup_menu_at (FerryResourceTree     *self,
               GObject               *item,
               const GdkRectangle    *rect)
{
  g_clear_object (&self->menu);
  self->menu = ferry_tree_menu_new (item, get_feasibility (self));
  if (g_menu_model_get_n_items (ferry_tree_menu_get_model (self->menu)) == 0)
    return;

  if (self->menu_popover == NULL)
    {
      self->menu_popover = GTK_POPOVER_MENU (gtk_popover_menu_new_from_model (NULL));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->menu_popover), FALSE);
      gtk_widget_set_halign (GTK_WIDGET (self->menu_popover), GTK_ALIGN_START);
      gtk_widget_set_parent (GTK_WIDGET (self->menu_popover), GTK_WIDGET (self));
      g_signal_connect_object (self->menu_popover, "closed", G_CALLBACK (on_menu_closed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_popover_menu_set_menu_model (self->menu_popover, ferry_tree_menu_get_model (self->menu));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu_popover), rect);
  gtk_popover_popup (GTK_POPOVER (self->menu_popover));
}

/* The row widget that shows @item, or NULL when it is not drawn. */
static GtkWidget *
find_row_widget (GtkWidget *widget,
                 GObject   *item)
{
  if (FERRY_IS_TREE_ROW (widget))
    return ferry_tree_row_get_item (FERRY_TREE_ROW (widget)) == item && gtk_widget_get_mapped (widget) ? widget : NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row_widget (child, item);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
on_right_click_cb (GtkGestureClick   *gesture,
                   int                n_press,
                   double             x,
                   double             y,
                   FerryResourceTree *self)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->list_view), x, y, GTK_PICK_DEFAULT);
  GtkWidget *row = picked ? gtk_widget_get_ancestor (picked, FERRY_TYPE_TREE_ROW) : NULL;
  GObject *item = row ? ferry_tree_row_get_item (FERRY_TREE_ROW (row)) : NULL;
  GdkRectangle rect;
  double tx, ty;

  if (item == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  ferry_resource_tree_select_item (self, item);
  gtk_widget_translate_coordinates (GTK_WIDGET (self->list_view), GTK_WIDGET (self), x, y, &tx, &ty);
  rect = (GdkRectangle) { (int) tx, (int) ty, 1, 1 };
  popup_menu_at (self, item, &rect);
}

/* Rows of the list view */

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     FerryResourceTree        *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkDragSource *source = gtk_drag_source_new ();
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY | GDK_ACTION_MOVE);

  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), ferry_tree_row_new ());
  gtk_list_item_set_child (list_item, expander);

  /* Drag a VM onto a host (see ferry_resource_tree_drop_vm()). */
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect_object (source, "prepare", G_CALLBACK (on_drag_prepare_cb), self, 0);
  gtk_widget_add_controller (expander, GTK_EVENT_CONTROLLER (source));
  g_signal_connect_object (target, "accept", G_CALLBACK (on_drop_accept_cb), self, 0);
  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop_cb), self, 0);
  gtk_widget_add_controller (expander, GTK_EVENT_CONTROLLER (target));
}

/* There is no "unbind": a row is rebound to another item in one step,
 * which keeps the expander's indentation (clearing it removes it). */
static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    FerryResourceTree        *self)
{
  GtkTreeExpander *expander = GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item));
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

  /* A placeholder for a row that is gone (FerryBatchListModel), never shown. */
  if (item == NULL)
    return;
  gtk_tree_expander_set_list_row (expander, row);
  ferry_tree_row_set_item (FERRY_TREE_ROW (gtk_tree_expander_get_child (expander)), item);
}

/* Left and Right collapse and expand, as in other trees. */
static gboolean
on_key_pressed_cb (FerryResourceTree     *self,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   GtkEventControllerKey *controller)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);

  if (row != NULL && (keyval == GDK_KEY_Menu || (keyval == GDK_KEY_F10 && (state & GDK_SHIFT_MASK) != 0)))
    {
      ferry_resource_tree_popup_menu (self);
      return GDK_EVENT_STOP;
    }

  if (row == NULL || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  if (keyval == GDK_KEY_Right || keyval == GDK_KEY_KP_Right)
    {
      if (gtk_tree_list_row_is_expandable (row) && !gtk_tree_list_row_get_expanded (row))
        gtk_tree_list_row_set_expanded (row, TRUE);
      return GDK_EVENT_STOP;
    }

  if (keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left)
    {
      if (gtk_tree_list_row_get_expanded (row))
        gtk_tree_list_row_set_expanded (row, FALSE);
      else
        {
          g_autoptr(GtkTreeListRow) parent = gtk_tree_list_row_get_parent (row);

          if (parent != NULL)
            {
              guint position = gtk_tree_list_row_get_position (parent);

              gtk_single_selection_set_selected (self->selection, position);
              gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
            }
        }
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

/* Actions */

static void
on_open_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The row shows the failure; nothing else to do. */
  if (!ferry_connection_open_finish (FERRY_CONNECTION (object), result, &error))
    g_debug ("Could not connect to %s: %s",
             ferry_connection_get_address (FERRY_CONNECTION (object)), error->message);
}

static void
retry_connection (FerryResourceTree *self,
                  FerryConnection   *connection)
{
  FerryConnectionState state = ferry_connection_get_state (connection);

  if (state == FERRY_CONNECTION_STATE_CONNECTING || state == FERRY_CONNECTION_STATE_CONNECTED)
    return;

  if (!ferry_connection_has_password (connection) ||
      (ferry_connection_get_error (connection) != NULL &&
       g_error_matches (ferry_connection_get_error (connection), FERRY_XAPI_ERROR,
                        FERRY_XAPI_ERROR_SESSION_AUTHENTICATION_FAILED)))
    {
      /* Ask for the password (again). */
      gtk_widget_activate_action (GTK_WIDGET (self), "win.connect-to", "s",
                                  ferry_connection_get_id (connection));
      return;
    }

  ferry_connection_open_async (connection, self->cancellable, on_open_cb, NULL);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  FerryResourceTree *self = FERRY_RESOURCE_TREE (widget);
  const char *id = g_variant_get_string (param, NULL);
  guint n = self->connections ? g_list_model_get_n_items (self->connections) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (self->connections, i);

      if (g_strcmp0 (ferry_connection_get_id (connection), id) == 0)
        {
          retry_connection (self, connection);
          return;
        }
    }
}

/* GObject */

static void
ferry_resource_tree_dispose (GObject *object)
{
  FerryResourceTree *self = FERRY_RESOURCE_TREE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->leave_search_id, g_source_remove);
  if (self->connections != NULL)
    g_signal_handlers_disconnect_by_func (self->connections, on_connections_items_changed_cb, self);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_RESOURCE_TREE);
  g_clear_object (&self->selection);
  g_clear_object (&self->batch);
  g_clear_object (&self->model);
  g_clear_pointer (&self->saved_expansion, g_hash_table_unref);
  g_clear_object (&self->selected_item);
  g_clear_object (&self->connections);
  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_clear_pointer ((GtkWidget **) &self->menu_popover, gtk_widget_unparent);
  g_clear_object (&self->menu);
  g_clear_object (&self->feasibility);

  G_OBJECT_CLASS (ferry_resource_tree_parent_class)->dispose (object);
}

static void
ferry_resource_tree_finalize (GObject *object)
{
  FerryResourceTree *self = FERRY_RESOURCE_TREE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->filter);
  g_clear_object (&self->sorter);
  g_clear_pointer (&self->expanded, g_hash_table_unref);

  G_OBJECT_CLASS (ferry_resource_tree_parent_class)->finalize (object);
}

static void
ferry_resource_tree_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  FerryResourceTree *self = FERRY_RESOURCE_TREE (object);

  switch (prop_id)
    {
    case PROP_CONNECTIONS:
      g_value_set_object (value, self->connections);
      break;
    case PROP_SELECTED_ITEM:
      g_value_set_object (value, self->selected_item);
      break;
    case PROP_SEARCH_MODE:
      g_value_set_boolean (value, ferry_resource_tree_get_search_mode (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_resource_tree_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  FerryResourceTree *self = FERRY_RESOURCE_TREE (object);

  switch (prop_id)
    {
    case PROP_CONNECTIONS:
      ferry_resource_tree_set_connections (self, g_value_get_object (value));
      break;
    case PROP_SEARCH_MODE:
      ferry_resource_tree_set_search_mode (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_resource_tree_class_init (FerryResourceTreeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_resource_tree_dispose;
  object_class->finalize = ferry_resource_tree_finalize;
  object_class->get_property = ferry_resource_tree_get_property;
  object_class->set_property = ferry_resource_tree_set_property;

  properties [PROP_CONNECTIONS] =
    g_param_spec_object ("connections", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_SELECTED_ITEM] =
    g_param_spec_object ("selected-item", NULL, NULL,
                         G_TYPE_OBJECT,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_SEARCH_MODE] =
    g_param_spec_boolean ("search-mode", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-resource-tree.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryResourceTree, search_bar);
  gtk_widget_class_bind_template_child (widget_class, FerryResourceTree, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FerryResourceTree, stack);
  gtk_widget_class_bind_template_child (widget_class, FerryResourceTree, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_activate_cb);

  gtk_widget_class_install_action (widget_class, "tree.retry", "s", retry_action);
  /* The hosts a VM cannot go to: always disabled (ferry-tree-menu.h). */
  gtk_widget_class_install_action (widget_class, "tree.refused", "s", NULL);

  gtk_widget_class_set_css_name (widget_class, "ferryresourcetree");

  sort_key_quark = g_quark_from_static_string ("ferry-resource-tree-sort-key");
  sorted_quark = g_quark_from_static_string ("ferry-resource-tree-sorted");

  g_type_ensure (FERRY_TYPE_TREE_ROW);
}

static void
ferry_resource_tree_init (FerryResourceTree *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  GtkEventController *keys;
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->filter = ferry_tree_filter_new ();
  self->sorter = GTK_SORTER (gtk_custom_sorter_new (compare_names, NULL, NULL));
  self->expanded = g_hash_table_new (NULL, NULL);
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tree.refused", FALSE);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (on_right_click_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), GTK_EVENT_CONTROLLER (click));

  keys = gtk_event_controller_key_new ();
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), keys);

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
  g_signal_connect_object (self->search_bar, "notify::search-mode-enabled",
                           G_CALLBACK (on_search_mode_changed_cb), self, G_CONNECT_SWAPPED);

  update_stack (self);
}

GtkWidget *
ferry_resource_tree_new (void)
{
  return g_object_new (FERRY_TYPE_RESOURCE_TREE, NULL);
}

GListModel *
ferry_resource_tree_get_connections (FerryResourceTree *self)
{
  g_return_val_if_fail (FERRY_IS_RESOURCE_TREE (self), NULL);
  return self->connections;
}

void
ferry_resource_tree_set_connections (FerryResourceTree *self,
                                     GListModel        *connections)
{
  g_return_if_fail (FERRY_IS_RESOURCE_TREE (self));
  g_return_if_fail (connections == NULL || G_IS_LIST_MODEL (connections));

  if (self->connections == connections)
    return;

  if (self->connections != NULL)
    g_signal_handlers_disconnect_by_func (self->connections, on_connections_items_changed_cb, self);

  gtk_single_selection_set_model (self->selection, NULL);
  g_clear_object (&self->batch);
  g_clear_object (&self->model);
  g_clear_pointer (&self->saved_expansion, g_hash_table_unref);
  g_hash_table_remove_all (self->expanded);
  g_set_object (&self->connections, connections);
  ferry_tree_filter_set_connections (self->filter, connections);

  if (connections != NULL)
    {
      self->model = make_tree_model (self);
      self->batch = ferry_batch_list_model_new (G_LIST_MODEL (self->model));
      g_signal_connect_object (self->model, "items-changed",
                               G_CALLBACK (on_model_items_changed_cb), self, G_CONNECT_SWAPPED);
      if (ferry_tree_filter_is_active (self->filter))
        {
          self->saved_expansion = g_hash_table_new (NULL, NULL);
          walk_rows (self, NULL, expand_search_row);
        }
      use_model (self, G_LIST_MODEL (self->batch));
      g_signal_connect_object (connections, "items-changed",
                               G_CALLBACK (on_connections_items_changed_cb), self, G_CONNECT_SWAPPED);
      on_connections_items_changed_cb (self, 0, 0, g_list_model_get_n_items (connections), connections);
    }

  update_stack (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CONNECTIONS]);
}

GObject *
ferry_resource_tree_get_selected_item (FerryResourceTree *self)
{
  g_return_val_if_fail (FERRY_IS_RESOURCE_TREE (self), NULL);
  return self->selected_item;
}

gboolean
ferry_resource_tree_select_item (FerryResourceTree *self,
                                 GObject           *item)
{
  GtkTreeListModel *model;
  g_autoptr(GPtrArray) path = NULL;
  g_autoptr(GtkTreeListRow) row = NULL;
  guint position;

  g_return_val_if_fail (FERRY_IS_RESOURCE_TREE (self), FALSE);
  g_return_val_if_fail (G_IS_OBJECT (item), FALSE);

  model = current_model (self);
  path = path_to_item (self, item);
  if (model == NULL || path == NULL)
    return FALSE;

  for (guint i = 0; i < path->len; i++)
    {
      GtkTreeListRow *next = find_child_row (model, row, g_ptr_array_index (path, i));

      if (next == NULL)
        return FALSE;
      g_clear_object (&row);
      row = next;
      if (i + 1 < path->len)
        gtk_tree_list_row_set_expanded (row, TRUE);
    }

  position = gtk_tree_list_row_get_position (row);
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  return TRUE;
}

gboolean
ferry_resource_tree_get_search_mode (FerryResourceTree *self)
{
  g_return_val_if_fail (FERRY_IS_RESOURCE_TREE (self), FALSE);
  return gtk_search_bar_get_search_mode (self->search_bar);
}

void
ferry_resource_tree_set_search_mode (FerryResourceTree *self,
                                     gboolean           search_mode)
{
  g_return_if_fail (FERRY_IS_RESOURCE_TREE (self));

  gtk_search_bar_set_search_mode (self->search_bar, search_mode);
  if (search_mode)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

const char *
ferry_resource_tree_get_search_text (FerryResourceTree *self)
{
  g_return_val_if_fail (FERRY_IS_RESOURCE_TREE (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
}

void
ferry_resource_tree_set_search_text (FerryResourceTree *self,
                                     const char        *text)
{
  g_return_if_fail (FERRY_IS_RESOURCE_TREE (self));

  if (text != NULL && text[0] != '\0')
    gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  if (text == NULL || text[0] == '\0')
    leave_search (self);
}

GListModel *
ferry_resource_tree_get_rows (FerryResourceTree *self)
{
  g_return_val_if_fail (FERRY_IS_RESOURCE_TREE (self), NULL);
  return G_LIST_MODEL (current_model (self));
}

GtkWidget *
ferry_resource_tree_get_list_view (FerryResourceTree *self)
{
  g_return_val_if_fail (FERRY_IS_RESOURCE_TREE (self), NULL);
  return GTK_WIDGET (self->list_view);
}

void
ferry_resource_tree_retry_selected (FerryResourceTree *self)
{
  FerryConnection *connection;

  g_return_if_fail (FERRY_IS_RESOURCE_TREE (self));

  if (self->selected_item == NULL)
    return;
  connection = find_connection (self, self->selected_item);
  if (connection != NULL)
    retry_connection (self, connection);
}

/* Shows the context menu of the selected row (Menu, Shift+F10). */
void
ferry_resource_tree_popup_menu (FerryResourceTree *self)
{
  GtkWidget *row;
  GdkRectangle rect = { 0, 0, 1, 1 };
  graphene_rect_t bounds;

  g_return_if_fail (FERRY_IS_RESOURCE_TREE (self));

  if (self->selected_item == NULL)
    return;
  row = find_row_widget (GTK_WIDGET (self->list_view), self->selected_item);
  if (row != NULL && gtk_widget_compute_bounds (row, GTK_WIDGET (self), &bounds))
    rect = (GdkRectangle) { (int) bounds.origin.x + 24, (int) (bounds.origin.y + bounds.size.height), 1, 1 };
  popup_menu_at (self, self->selected_item, &rect);
}

FerryTreeMenu *
ferry_resource_tree_get_menu (FerryResourceTree *self)
{
  g_return_val_if_fail (FERRY_IS_RESOURCE_TREE (self), NULL);
  return self->menu;
}

/* A VM dropped on a host: a move within the pool that keeps the disks
 * where they are (O1) is a quick migration, after a confirmation; any
 * other opens the Migrate VM wizard with the host chosen. */
gboolean
ferry_resource_tree_drop_vm (FerryResourceTree *self,
                             FerryVm           *vm,
                             FerryHost         *host)
{
  g_autoptr(FerryMoveRequest) request = NULL;
  const char *vm_uuid;
  const char *host_uuid;
  FerryOperation operation;
  GtkRoot *root;

  g_return_val_if_fail (FERRY_IS_RESOURCE_TREE (self), FALSE);
  g_return_val_if_fail (FERRY_IS_VM (vm), FALSE);
  g_return_val_if_fail (FERRY_IS_HOST (host), FALSE);

  vm_uuid = ferry_object_get_uuid (FERRY_OBJECT (vm));
  host_uuid = ferry_object_get_uuid (FERRY_OBJECT (host));
  if (g_strcmp0 (ferry_vm_get_resident_on (vm), ferry_object_get_ref (FERRY_OBJECT (host))) == 0 &&
      ferry_object_get_cache (FERRY_OBJECT (vm)) == ferry_object_get_cache (FERRY_OBJECT (host)))
    return FALSE;

  request = ferry_move_request_new_for_vm (vm);
  ferry_move_request_set_destination_host (request, host);
  operation = ferry_move_request_resolve_operation (request, vm);
  root = gtk_widget_get_root (GTK_WIDGET (self));

  if (!ferry_move_request_is_cross_pool (request) && operation == FERRY_OPERATION_LIVE_MIGRATE && GTK_IS_WINDOW (root))
    {
      AdwMessageDialog *dialog;
      g_autofree char *body = NULL;

      /* Translators: %s are a VM and a host */
      body = g_strdup_printf (_("%s moves to %s while it runs. Its disks stay where they are."),
                              ferry_object_get_display_name (FERRY_OBJECT (vm)),
                              ferry_object_get_display_name (FERRY_OBJECT (host)));
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root), _("Migrate the VM?"), body));
      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "migrate", _("_Migrate"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "migrate", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "migrate");
      adw_message_dialog_set_close_response (dialog, "cancel");
      g_object_set_data_full (G_OBJECT (dialog), "ferry-vm", g_strdup (vm_uuid), g_free);
      g_object_set_data_full (G_OBJECT (dialog), "ferry-host", g_strdup (host_uuid), g_free);
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  {
    const char *uuids[] = { vm_uuid, NULL };

    gtk_widget_activate_action (GTK_WIDGET (self), "win.migrate-wizard-to", "(^ass)", uuids, host_uuid);
  }
  return TRUE;
}
