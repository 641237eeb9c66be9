/* ferry-resource-tree.c
 *
 * A GtkListView over a GtkTreeListModel whose levels are the engine's own
 * list models: connection → hosts → VMs, halted VMs, "Storage" → SRs →
 * virtual disks, "Networks" → networks. A standalone host's connection row
 * stands for the host, with its VMs right below.
 *
 * Each level is the engine's model, sorted by name, then filtered. Two
 * tree models exist: the one the user browses (its expansion is kept while
 * searching), and, while there is search text, one that expands everything
 * and whose filters show what matches, with its ancestors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-resource-tree"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-connection.h"
#include "ferry-error.h"
#include "ferry-host.h"
#include "ferry-network.h"
#include "ferry-resource-tree.h"
#include "ferry-sr.h"
#include "ferry-tree-filter.h"
#include "ferry-tree-group.h"
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
  GtkTreeListModel   *browse_model;
  GtkTreeListModel   *search_model;
  GtkSingleSelection *selection;
  GObject            *selected_item;
  GCancellable       *cancellable;
  GHashTable         *expanded;  /* connections expanded once */
  guint               leave_search_id;
  GPtrArray          *watched;   /* caches whose "populated" we watch */
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
  gboolean           searching;
};

static void
tree_context_free (gpointer data)
{
  g_free (data);
}

static GListModel *
make_level_model (TreeContext    *context,
                  FerryTreeLevel *level,
                  GListModel     *objects)
{
  GtkSorter *sorter = g_object_ref (context->tree->sorter);
  GtkFilter *filter = ferry_tree_level_create_filter (level);

  /* The browse tree's filter never changes: sort once, then filter. A
   * search tree lives for one text: filter first, then sort what is left. */
  if (context->searching)
    return G_LIST_MODEL (gtk_sort_list_model_new (G_LIST_MODEL (gtk_filter_list_model_new (g_object_ref (objects),
                                                                                          filter)),
                                                  sorter));
  return G_LIST_MODEL (gtk_filter_list_model_new (G_LIST_MODEL (gtk_sort_list_model_new (g_object_ref (objects),
                                                                                         sorter)),
                                                  filter));
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
    first = make_level_model (children->context, children->level, ferry_host_get_resident_vms (standalone));
  else
    first = make_level_model (children->context, children->level, children->hosts);
  halted = make_level_model (children->context, children->level,
                             ferry_cache_get_relation (cache, FERRY_RELATION_HOST_RESIDENT_VMS, NULL));
  groups = G_LIST_MODEL (gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (children->groups)),
                                                    ferry_tree_level_create_filter (children->level)));
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

/* GtkTreeListModelCreateModelFunc */
static GListModel *
create_child_model (gpointer item,
                    gpointer user_data)
{
  TreeContext *context = user_data;
  g_autoptr(FerryTreeLevel) level = NULL;

  if (!FERRY_IS_CONNECTION (item) && !FERRY_IS_HOST (item) &&
      !FERRY_IS_TREE_GROUP (item) && !FERRY_IS_SR (item))
    return NULL;

  /* Searches do not list virtual disks: they would swamp the results. */
  if (context->searching && FERRY_IS_SR (item))
    return NULL;

  level = ferry_tree_level_new (context->tree->filter, item, context->searching);

  if (FERRY_IS_CONNECTION (item))
    return make_connection_children (context, item, level);
  if (FERRY_IS_HOST (item))
    return make_level_model (context, level, ferry_host_get_resident_vms (item));
  if (FERRY_IS_SR (item))
    return make_level_model (context, level, ferry_sr_get_vdis (item));
  return make_level_model (context, level, ferry_tree_group_get_objects (item));
}

static GtkTreeListModel *
make_tree_model (FerryResourceTree *self,
                 gboolean           searching)
{
  TreeContext *context = g_new0 (TreeContext, 1);
  GListModel *top;

  context->tree = self;
  context->searching = searching;

  if (searching)
    {
      g_autoptr(FerryTreeLevel) root = ferry_tree_level_new (self->filter, NULL, TRUE);

      top = G_LIST_MODEL (gtk_filter_list_model_new (g_object_ref (self->connections),
                                                     ferry_tree_level_create_filter (root)));
    }
  else
    top = g_object_ref (self->connections);

  return gtk_tree_list_model_new (top, FALSE, searching, create_child_model, context, tree_context_free);
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
  return self->search_model ? self->search_model : self->browse_model;
}

static void
expand_new_connection (FerryResourceTree *self,
                       FerryConnection   *connection)
{
  g_autoptr(GtkTreeListRow) row = NULL;
  GListModel *children;
  guint n_hosts;

  if (self->browse_model == NULL ||
      !ferry_cache_get_populated (ferry_connection_get_cache (connection)) ||
      g_hash_table_contains (self->expanded, connection))
    return;

  row = find_child_row (self->browse_model, NULL, G_OBJECT (connection));
  if (row == NULL)
    return;

  g_hash_table_add (self->expanded, connection);
  gtk_tree_list_row_set_expanded (row, TRUE);

  /* Show the first pool on the right from the start. */
  if (self->selected_item == NULL && self->search_model == NULL && gtk_tree_list_row_get_position (row) == 0)
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
  else if (self->search_model != NULL &&
           g_list_model_get_n_items (G_LIST_MODEL (self->search_model)) == 0)
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
on_search_model_items_changed_cb (FerryResourceTree *self)
{
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
           GtkTreeListModel  *model)
{
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (model));
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  on_selection_changed_cb (self);
}

/* Search */

static void
leave_search (FerryResourceTree *self)
{
  g_autoptr(GObject) selected = self->selected_item ? g_object_ref (self->selected_item) : NULL;

  g_clear_handle_id (&self->leave_search_id, g_source_remove);
  if (self->search_model == NULL)
    {
      ferry_tree_filter_set_text (self->filter, NULL);
      return;
    }

  /* Drop the search tree first, so that its filters do not show everything. */
  use_model (self, self->browse_model);
  g_clear_object (&self->search_model);
  ferry_tree_filter_set_text (self->filter, NULL);
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

static gboolean
drop_model_cb (gpointer user_data)
{
  g_object_unref (user_data);
  return G_SOURCE_REMOVE;
}

static void
set_search_text (FerryResourceTree *self,
                 const char        *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  g_autoptr(GObject) selected = NULL;
  GtkTreeListModel *old;

  /* Replacing the text empties it for a moment: leave the search a bit
   * later, so that this does not rebuild the whole search tree. */
  if (stripped[0] == '\0')
    {
      if (self->search_model != NULL && self->leave_search_id == 0)
        self->leave_search_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, on_leave_search_cb, self, NULL);
      else if (self->search_model == NULL)
        ferry_tree_filter_set_text (self->filter, NULL);
      return;
    }

  g_clear_handle_id (&self->leave_search_id, g_source_remove);
  if (g_strcmp0 (text, ferry_tree_filter_get_text (self->filter)) == 0 && self->search_model != NULL)
    return;
  if (self->browse_model == NULL)
    {
      ferry_tree_filter_set_text (self->filter, text);
      return;
    }

  /* A new search tree for each text: building one costs what it shows,
   * while changing the filters of a live tree costs what it hides. The
   * old one is freed after the next frame. */
  selected = self->search_model && self->selected_item ? g_object_ref (self->selected_item) : NULL;
  ferry_tree_filter_set_text (self->filter, text);
  old = g_steal_pointer (&self->search_model);
  self->search_model = make_tree_model (self, TRUE);
  g_signal_connect_object (self->search_model, "items-changed",
                           G_CALLBACK (on_search_model_items_changed_cb), self, G_CONNECT_SWAPPED);
  use_model (self, self->search_model);
  if (old != NULL)
    {
      g_signal_handlers_disconnect_by_data (old, self);
      g_idle_add_full (G_PRIORITY_LOW, drop_model_cb, old, NULL);
    }
  if (selected != NULL)
    ferry_resource_tree_select_item (self, selected);

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

  for (guint i = 0; i < n && self->search_model != NULL; i++)
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

/* Rows of the list view */

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     FerryResourceTree        *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();

  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), ferry_tree_row_new ());
  gtk_list_item_set_child (list_item, expander);
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    FerryResourceTree        *self)
{
  GtkTreeExpander *expander = GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item));
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

  gtk_tree_expander_set_list_row (expander, row);
  ferry_tree_row_set_item (FERRY_TREE_ROW (gtk_tree_expander_get_child (expander)), item);
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      FerryResourceTree        *self)
{
  GtkTreeExpander *expander = GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item));

  gtk_tree_expander_set_list_row (expander, NULL);
  ferry_tree_row_set_item (FERRY_TREE_ROW (gtk_tree_expander_get_child (expander)), NULL);
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
  g_clear_object (&self->search_model);
  g_clear_object (&self->browse_model);
  g_clear_object (&self->selected_item);
  g_clear_object (&self->connections);
  g_clear_pointer (&self->watched, g_ptr_array_unref);

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

  gtk_widget_class_set_css_name (widget_class, "ferryresourcetree");

  sort_key_quark = g_quark_from_static_string ("ferry-resource-tree-sort-key");

  g_type_ensure (FERRY_TYPE_TREE_ROW);
}

static void
ferry_resource_tree_init (FerryResourceTree *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  GtkEventController *keys;

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
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

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
  g_clear_object (&self->search_model);
  g_clear_object (&self->browse_model);
  g_hash_table_remove_all (self->expanded);
  g_set_object (&self->connections, connections);
  ferry_tree_filter_set_connections (self->filter, connections);

  if (connections != NULL)
    {
      self->browse_model = make_tree_model (self, FALSE);
      if (ferry_tree_filter_is_active (self->filter))
        {
          self->search_model = make_tree_model (self, TRUE);
          g_signal_connect_object (self->search_model, "items-changed",
                                   G_CALLBACK (on_search_model_items_changed_cb), self, G_CONNECT_SWAPPED);
        }
      use_model (self, current_model (self));
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
