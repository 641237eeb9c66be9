/* ferry-tree-filter.c
 *
 * Matching is memoized on each object (qdata) for the current search text,
 * so that a keystroke over a pool of 10,000 VMs looks at each name once.
 *
 * The level filters follow the text: a change says how strict the new
 * text is compared to the old one (typing one more character only hides
 * rows, deleting one only shows rows), so that each GtkFilterListModel
 * re-examines only the rows that can change, and the rows that stay keep
 * their widgets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-tree-filter"

#include "config.h"

#include <string.h>

#include "ferry-cache.h"
#include "ferry-connection.h"
#include "ferry-host.h"
#include "ferry-network.h"
#include "ferry-sr.h"
#include "ferry-tree-filter.h"
#include "ferry-tree-group.h"
#include "ferry-ui-utils.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

struct _FerryTreeFilter
{
  GObject    parent_instance;

  guint      id;
  guint      generation;
  char      *text;     /* as typed */
  char      *needle;   /* casefolded; NULL when not searching */
  GListModel *connections;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

struct _FerryTreeLevel
{
  gatomicrefcount  ref_count;
  FerryTreeFilter *filter;
  GObject         *parent;
  guint            memo_generation;
  gboolean         memo_ancestor;
};

typedef struct
{
  char    *source;
  char    *folded;
  guint    filter_id;
  guint    generation;
  gboolean self_match;
  int      node_match;  /* -1: not known yet */
} Memo;

G_DEFINE_FINAL_TYPE (FerryTreeFilter, ferry_tree_filter, G_TYPE_OBJECT)

static GQuark memo_quark;

static void
memo_free (gpointer data)
{
  Memo *memo = data;

  g_free (memo->source);
  g_free (memo->folded);
  g_free (memo);
}

static const char *
item_name (GObject *item)
{
  if (FERRY_IS_CONNECTION (item))
    return ferry_connection_get_title (FERRY_CONNECTION (item));
  if (FERRY_IS_OBJECT (item))
    return ferry_object_get_name_label (FERRY_OBJECT (item));
  return NULL;
}

static Memo *
get_memo (FerryTreeFilter *self,
          GObject         *item)
{
  Memo *memo = g_object_get_qdata (item, memo_quark);
  const char *name = item_name (item);

  if (name == NULL)
    name = "";

  if (memo == NULL)
    {
      memo = g_new0 (Memo, 1);
      g_object_set_qdata_full (item, memo_quark, memo, memo_free);
    }

  if (memo->source == NULL || strcmp (memo->source, name) != 0)
    {
      g_free (memo->source);
      g_free (memo->folded);
      memo->source = g_strdup (name);
      memo->folded = g_utf8_casefold (name, -1);
      memo->generation = 0;
    }

  if (memo->filter_id != self->id || memo->generation != self->generation)
    {
      memo->filter_id = self->id;
      memo->generation = self->generation;
      memo->self_match = self->needle != NULL &&
                         !FERRY_IS_TREE_GROUP (item) &&
                         (!FERRY_IS_VM (item) || ferry_vm_is_listed (FERRY_VM (item))) &&
                         strstr (memo->folded, self->needle) != NULL;
      memo->node_match = -1;
    }

  return memo;
}

gboolean
ferry_tree_filter_self_matches (FerryTreeFilter *self,
                                GObject         *item)
{
  g_return_val_if_fail (FERRY_IS_TREE_FILTER (self), FALSE);

  if (self->needle == NULL)
    return FALSE;
  return get_memo (self, item)->self_match;
}

static gboolean
any_self_matches (FerryTreeFilter *self,
                  GListModel      *model)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (get_memo (self, item)->self_match)
        return TRUE;
    }
  return FALSE;
}

static gboolean
descendant_matches (FerryTreeFilter *self,
                    GObject         *item)
{
  if (FERRY_IS_CONNECTION (item))
    {
      FerryCache *cache = ferry_connection_get_cache (FERRY_CONNECTION (item));
      const GType types[] = { FERRY_TYPE_HOST, FERRY_TYPE_VM, FERRY_TYPE_SR, FERRY_TYPE_NETWORK };

      for (guint i = 0; i < G_N_ELEMENTS (types); i++)
        if (any_self_matches (self, ferry_cache_get_objects (cache, types[i])))
          return TRUE;
      return FALSE;
    }

  if (FERRY_IS_HOST (item))
    return any_self_matches (self, ferry_host_get_resident_vms (FERRY_HOST (item)));

  if (FERRY_IS_TREE_GROUP (item))
    {
      return any_self_matches (self, ferry_tree_group_get_objects (FERRY_TREE_GROUP (item)));
    }

  return FALSE;
}

/* The item or something below it matches. */
static gboolean
node_matches (FerryTreeFilter *self,
              GObject         *item)
{
  Memo *memo = get_memo (self, item);

  if (memo->node_match == -1)
    memo->node_match = memo->self_match || descendant_matches (self, item);
  return memo->node_match;
}

static FerryConnection *
find_connection (FerryTreeFilter *self,
                 FerryCache      *cache)
{
  guint n;

  if (self->connections == NULL || cache == NULL)
    return NULL;

  n = g_list_model_get_n_items (self->connections);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (self->connections, i);

      if (ferry_connection_get_cache (connection) == cache)
        return connection;  /* the list holds it */
    }
  return NULL;
}

/* @item itself, or one of the rows above it, matches. Only rows that
 * have children are asked. */
static gboolean
self_or_ancestor_matches (FerryTreeFilter *self,
                          GObject         *item)
{
  FerryConnection *connection = NULL;

  if (get_memo (self, item)->self_match)
    return TRUE;

  if (FERRY_IS_TREE_GROUP (item))
    connection = ferry_tree_group_get_connection (FERRY_TREE_GROUP (item));
  else if (FERRY_IS_OBJECT (item))
    connection = find_connection (self, ferry_object_get_cache (FERRY_OBJECT (item)));

  return connection != NULL && get_memo (self, G_OBJECT (connection))->self_match;
}

static gboolean
ancestor_matches (FerryTreeLevel *level)
{
  FerryTreeFilter *self = level->filter;

  if (level->parent == NULL)
    return FALSE;

  if (level->memo_generation != self->generation)
    {
      level->memo_generation = self->generation;
      level->memo_ancestor = self_or_ancestor_matches (self, level->parent);
    }
  return level->memo_ancestor;
}

static gboolean
level_filter_func (gpointer item,
                   gpointer user_data)
{
  FerryTreeLevel *level = user_data;
  FerryTreeFilter *self = level->filter;

  if (FERRY_IS_VM (item) && !ferry_vm_is_listed (item))
    return FALSE;

  if (self->needle == NULL)
    return TRUE;

  /* Searches do not list virtual disks: they would swamp the results. */
  if (FERRY_IS_VDI (item))
    return FALSE;

  return ancestor_matches (level) || node_matches (self, item);
}

static void
ferry_tree_filter_finalize (GObject *object)
{
  FerryTreeFilter *self = FERRY_TREE_FILTER (object);

  g_clear_object (&self->connections);
  g_free (self->text);
  g_free (self->needle);

  G_OBJECT_CLASS (ferry_tree_filter_parent_class)->finalize (object);
}

static void
ferry_tree_filter_class_init (FerryTreeFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_tree_filter_finalize;

  memo_quark = g_quark_from_static_string ("ferry-tree-filter-memo");

  /* The text changed; the GtkFilterChange says how. */
  signals [CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, GTK_TYPE_FILTER_CHANGE);
}

static void
ferry_tree_filter_init (FerryTreeFilter *self)
{
  static guint last_id;

  self->id = ++last_id;
  self->generation = 1;
}

FerryTreeFilter *
ferry_tree_filter_new (void)
{
  return g_object_new (FERRY_TYPE_TREE_FILTER, NULL);
}

void
ferry_tree_filter_set_connections (FerryTreeFilter *self,
                                   GListModel      *connections)
{
  g_return_if_fail (FERRY_IS_TREE_FILTER (self));
  g_set_object (&self->connections, connections);
}

const char *
ferry_tree_filter_get_text (FerryTreeFilter *self)
{
  g_return_val_if_fail (FERRY_IS_TREE_FILTER (self), NULL);
  return self->text ? self->text : "";
}

gboolean
ferry_tree_filter_is_active (FerryTreeFilter *self)
{
  g_return_val_if_fail (FERRY_IS_TREE_FILTER (self), FALSE);
  return self->needle != NULL;
}

void
ferry_tree_filter_set_text (FerryTreeFilter *self,
                            const char      *text)
{
  g_autofree char *needle = NULL;
  g_autofree char *stripped = NULL;
  GtkFilterChange change;

  g_return_if_fail (FERRY_IS_TREE_FILTER (self));

  stripped = g_strstrip (g_strdup (text ? text : ""));
  if (stripped[0] != '\0')
    needle = g_utf8_casefold (stripped, -1);

  if (g_strcmp0 (needle, self->needle) == 0)
    {
      g_free (self->text);
      self->text = g_strdup (text);
      return;
    }

  /* Whatever contains the longer text contains the shorter one, so a
   * text that contains the old one can only hide rows, and the reverse. */
  if (self->needle == NULL || (needle != NULL && strstr (needle, self->needle) != NULL))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (needle == NULL || strstr (self->needle, needle) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_DIFFERENT;

  g_free (self->text);
  self->text = g_strdup (text);
  g_free (self->needle);
  self->needle = g_steal_pointer (&needle);
  self->generation++;

  g_signal_emit (self, signals [CHANGED], 0, change);
}

FerryTreeLevel *
ferry_tree_level_new (FerryTreeFilter *filter,
                      GObject         *parent)
{
  FerryTreeLevel *level;

  g_return_val_if_fail (FERRY_IS_TREE_FILTER (filter), NULL);

  level = g_new0 (FerryTreeLevel, 1);
  g_atomic_ref_count_init (&level->ref_count);
  level->filter = g_object_ref (filter);
  level->parent = parent ? g_object_ref (parent) : NULL;
  return level;
}

FerryTreeLevel *
ferry_tree_level_ref (FerryTreeLevel *level)
{
  g_atomic_ref_count_inc (&level->ref_count);
  return level;
}

void
ferry_tree_level_unref (FerryTreeLevel *level)
{
  if (!g_atomic_ref_count_dec (&level->ref_count))
    return;

  g_clear_object (&level->filter);
  g_clear_object (&level->parent);
  g_free (level);
}

static void
on_text_changed_cb (FerryTreeFilter *self,
                    GtkFilterChange  change,
                    GtkFilter       *filter)
{
  gtk_filter_changed (filter, change);
}

GtkFilter *
ferry_tree_level_create_filter (FerryTreeLevel *level)
{
  GtkCustomFilter *filter;

  filter = gtk_custom_filter_new (level_filter_func, ferry_tree_level_ref (level),
                                  (GDestroyNotify) ferry_tree_level_unref);
  /* Disconnected when the filter goes. */
  g_signal_connect_object (level->filter, "changed", G_CALLBACK (on_text_changed_cb), filter, 0);
  return GTK_FILTER (filter);
}
