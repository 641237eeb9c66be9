/* ferry-tree-menu.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-tree-menu"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-connection.h"
#include "ferry-feasibility.h"
#include "ferry-host.h"
#include "ferry-rules.h"
#include "ferry-tree-menu.h"
#include "ferry-ui-utils.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

/* A reason longer than this is cut in the menu. */
#define MAX_REASON_CHARS 48

struct _FerryTreeMenu
{
  GObject                 parent_instance;

  GObject                *item;
  GMenu                  *model;
  GMenu                  *hosts_menu;
  GPtrArray              *hosts;       /* FerryHost, in the menu's order */
  FerryFeasibility       *grid;
  FerryFeasibilityServer *server;
  GCancellable           *cancellable;
  guint                   local_id;
  gboolean                checking;
};

G_DEFINE_FINAL_TYPE (FerryTreeMenu, ferry_tree_menu, G_TYPE_OBJECT)

static GMenuItem *
item_new (const char *label,
          const char *action,
          GVariant   *target)
{
  GMenuItem *item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, target);
  return item;
}

static GVariant *
uuid_list (GObject *object)
{
  const char *uuid = ferry_object_get_uuid (FERRY_OBJECT (object));

  return g_variant_new_strv (&uuid, 1);
}

static GVariant *
uuid_of (GObject *object)
{
  return g_variant_new_string (ferry_object_get_uuid (FERRY_OBJECT (object)));
}

/* One host of "Migrate to Server": its name, or its name and why not. */
static void
set_host_item (FerryTreeMenu *self,
               guint          index,
               FerryCheck    *reason,
               gboolean       refused,
               gboolean       checking)
{
  FerryHost *host = g_ptr_array_index (self->hosts, index);
  const char *name = ferry_object_get_display_name (FERRY_OBJECT (host));
  g_autoptr(GMenuItem) item = NULL;
  g_autofree char *label = NULL;

  if (checking)
    /* Translators: a host in a menu while Ferry checks it */
    label = g_strdup_printf (_("%s (checking…)"), name);
  else if (reason != NULL)
    {
      /* A menu item is one line: the rule's short phrase, else the
       * start of the message. */
      const char *summary = ferry_rules_get_rule_summary (ferry_check_get_rule_id (reason));
      g_autofree char *shortened = NULL;

      if (summary == NULL)
        {
          const char *message = ferry_check_get_message (reason);
          g_autofree char *start = g_utf8_substring (message, 0, MAX_REASON_CHARS - 1);

          shortened = g_utf8_strlen (message, -1) > MAX_REASON_CHARS ? g_strconcat (start, "…", NULL)
                                                                     : g_strdup (message);
          summary = shortened;
        }
      /* Translators: a host in a menu and why the VM cannot go (or what to know): "prod-host-03 — R17: not enough memory" */
      label = g_strdup_printf (_("%s — %s: %s"), name, ferry_check_get_rule_id (reason), summary);
    }
  else
    label = g_strdup (name);

  if (checking || refused)
    item = item_new (label, "tree.refused", g_variant_new_string (reason ? ferry_check_get_rule_id (reason) : ""));
  else
    item = item_new (label, "win.migrate-to-host",
                     g_variant_new ("(ss)", ferry_object_get_uuid (FERRY_OBJECT (self->item)),
                                    ferry_object_get_uuid (FERRY_OBJECT (host))));
  if (reason != NULL)
    g_menu_item_set_attribute (item, "ferry-rule", "s", ferry_check_get_rule_id (reason));

  g_menu_remove (self->hosts_menu, index);
  g_menu_insert_item (self->hosts_menu, index, item);
}

static void
show_verdicts (FerryTreeMenu *self)
{
  for (guint i = 0; i < self->hosts->len; i++)
    set_host_item (self, i, ferry_feasibility_get_reason (self->grid, 0, i),
                   ferry_feasibility_get_verdict (self->grid, 0, i) == FERRY_CHECK_SEVERITY_BLOCKER, FALSE);
}

static void
on_confirmed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FerryTreeMenu) self = user_data;
  g_autoptr(GError) error = NULL;

  ferry_feasibility_server_confirm_finish (FERRY_FEASIBILITY_SERVER (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("The server could not confirm: %s", error->message);
  show_verdicts (self);
  self->checking = FALSE;
}

/* The local pass reads the cache only; it runs after the menu showed. */
static gboolean
check_local_cb (gpointer user_data)
{
  FerryTreeMenu *self = user_data;

  self->local_id = 0;
  self->grid = ferry_feasibility_new (NULL, NULL, NULL);
  ferry_feasibility_add_vm (self->grid, FERRY_VM (self->item));
  for (guint i = 0; i < self->hosts->len; i++)
    ferry_feasibility_add_destination (self->grid, g_ptr_array_index (self->hosts, i));
  ferry_feasibility_run_local (self->grid);
  show_verdicts (self);

  if (self->server != NULL)
    ferry_feasibility_server_confirm_async (self->server, self->grid, NULL, self->cancellable,
                                            on_confirmed_cb, g_object_ref (self));
  else
    self->checking = FALSE;
  return G_SOURCE_REMOVE;
}

static int
compare_hosts (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (ferry_object_get_display_name (*(FerryObject **) a),
                         ferry_object_get_display_name (*(FerryObject **) b));
}

static void
build_vm_menu (FerryTreeMenu *self,
               FerryVm       *vm)
{
  FerryCache *cache = ferry_object_get_cache (FERRY_OBJECT (vm));
  GListModel *hosts = ferry_cache_get_objects (cache, FERRY_TYPE_HOST);
  FerryVmPowerState state = ferry_vm_get_power_state (vm);
  g_autoptr(GMenu) section = g_menu_new ();
  g_autoptr(GMenu) recovery = g_menu_new ();
  g_autoptr(GMenuItem) wizard = NULL;

  self->hosts_menu = g_menu_new ();
  for (guint i = 0; i < g_list_model_get_n_items (hosts); i++)
    g_ptr_array_add (self->hosts, g_list_model_get_item (hosts, i));
  g_ptr_array_sort (self->hosts, compare_hosts);
  for (guint i = 0; i < self->hosts->len; i++)
    {
      g_menu_append (self->hosts_menu, "", NULL);
      set_host_item (self, i, NULL, TRUE, TRUE);
    }

  g_menu_append_submenu (section, _("Migrate to _Server"), G_MENU_MODEL (self->hosts_menu));
  wizard = item_new (_("Migrate VM _Wizard…"), "win.migrate-wizard", uuid_list (G_OBJECT (vm)));
  g_menu_append_item (section, wizard);
  if (state == FERRY_VM_POWER_STATE_HALTED)
    {
      g_autoptr(GMenuItem) move = item_new (_("_Move VM…"), "win.move-vm", uuid_list (G_OBJECT (vm)));

      g_menu_append_item (section, move);
    }
  g_menu_append_section (self->model, NULL, G_MENU_MODEL (section));

  /* R29: a VM a failure left paused, or a suspended one. */
  if (state == FERRY_VM_POWER_STATE_PAUSED || state == FERRY_VM_POWER_STATE_SUSPENDED)
    {
      g_autoptr(GMenuItem) resume = NULL;

      if (state == FERRY_VM_POWER_STATE_PAUSED)
        resume = item_new (_("_Unpause"), "win.unpause-vm", uuid_of (G_OBJECT (vm)));
      else
        resume = item_new (_("_Resume"), "win.resume-vm", uuid_of (G_OBJECT (vm)));
      g_menu_append_item (recovery, resume);
      g_menu_append_section (self->model, NULL, G_MENU_MODEL (recovery));
    }

  if (self->hosts->len > 0)
    {
      self->checking = TRUE;
      self->local_id = g_idle_add (check_local_cb, self);
    }
}

static void
build (FerryTreeMenu *self)
{
  GObject *item = self->item;

  if (FERRY_IS_VM (item))
    build_vm_menu (self, FERRY_VM (item));
  else if (FERRY_IS_VDI (item))
    {
      g_autoptr(GMenuItem) move = item_new (_("_Move…"), "win.move-disks", uuid_list (item));

      g_menu_append_item (self->model, move);
    }
  else if (FERRY_IS_HOST (item))
    {
      g_autoptr(GMenuItem) entry = NULL;

      if (ferry_host_get_enabled (FERRY_HOST (item)))
        entry = item_new (_("_Evacuate and Enter Maintenance Mode…"), "win.evacuate-host", uuid_of (item));
      else
        entry = item_new (_("Exit _Maintenance Mode…"), "win.exit-maintenance", uuid_of (item));
      g_menu_append_item (self->model, entry);
    }
  else if (FERRY_IS_CONNECTION (item))
    {
      g_autoptr(GMenuItem) login = item_new (_("_Log In…"), "win.connect-to",
                                             g_variant_new_string (ferry_connection_get_id (FERRY_CONNECTION (item))));

      g_menu_append (self->model, _("_Reconnect"), "win.reconnect");
      g_menu_append_item (self->model, login);
    }
}

static void
ferry_tree_menu_dispose (GObject *object)
{
  FerryTreeMenu *self = FERRY_TREE_MENU (object);

  ferry_tree_menu_cancel (self);
  G_OBJECT_CLASS (ferry_tree_menu_parent_class)->dispose (object);
}

static void
ferry_tree_menu_finalize (GObject *object)
{
  FerryTreeMenu *self = FERRY_TREE_MENU (object);

  g_clear_object (&self->item);
  g_clear_object (&self->model);
  g_clear_object (&self->hosts_menu);
  g_clear_pointer (&self->hosts, g_ptr_array_unref);
  g_clear_object (&self->grid);
  g_clear_object (&self->server);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ferry_tree_menu_parent_class)->finalize (object);
}

static void
ferry_tree_menu_class_init (FerryTreeMenuClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_tree_menu_dispose;
  object_class->finalize = ferry_tree_menu_finalize;
}

static void
ferry_tree_menu_init (FerryTreeMenu *self)
{
  self->model = g_menu_new ();
  self->hosts = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

FerryTreeMenu *
ferry_tree_menu_new (GObject                *item,
                     FerryFeasibilityServer *server)
{
  FerryTreeMenu *self;

  g_return_val_if_fail (G_IS_OBJECT (item), NULL);
  g_return_val_if_fail (server == NULL || FERRY_IS_FEASIBILITY_SERVER (server), NULL);

  self = g_object_new (FERRY_TYPE_TREE_MENU, NULL);
  self->item = g_object_ref (item);
  self->server = server ? g_object_ref (server) : NULL;
  build (self);
  return self;
}

GMenuModel *
ferry_tree_menu_get_model (FerryTreeMenu *self)
{
  g_return_val_if_fail (FERRY_IS_TREE_MENU (self), NULL);
  return G_MENU_MODEL (self->model);
}

GObject *
ferry_tree_menu_get_item (FerryTreeMenu *self)
{
  g_return_val_if_fail (FERRY_IS_TREE_MENU (self), NULL);
  return self->item;
}

GMenuModel *
ferry_tree_menu_get_hosts (FerryTreeMenu *self)
{
  g_return_val_if_fail (FERRY_IS_TREE_MENU (self), NULL);
  return self->hosts_menu ? G_MENU_MODEL (self->hosts_menu) : NULL;
}

gboolean
ferry_tree_menu_is_checking (FerryTreeMenu *self)
{
  g_return_val_if_fail (FERRY_IS_TREE_MENU (self), FALSE);
  return self->checking;
}

void
ferry_tree_menu_cancel (FerryTreeMenu *self)
{
  g_return_if_fail (FERRY_IS_TREE_MENU (self));

  g_clear_handle_id (&self->local_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
}
