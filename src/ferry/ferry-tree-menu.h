/* ferry-tree-menu.h: the context menu of a row of the resource tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-feasibility-server.h"

G_BEGIN_DECLS

/* The menu of a VM, disk, host or connection. Every item is a window
 * action naming its object by UUID (docs: /work contract):
 *
 *   VM     "Migrate to Server ▸" (a host each: win.migrate-to-host, or,
 *          when the host cannot take the VM, a disabled item that says
 *          why, with the rule ID), "Migrate VM Wizard…", "Move VM…"
 *          (halted), "Unpause" (paused) or "Resume" (suspended), R29
 *   disk   "Move…"
 *   host   "Evacuate…" or "Exit Maintenance Mode…"
 *   server "Reconnect", "Log In…"
 *
 * The hosts are filled in after the menu shows: first by the rules on the
 * cache (an idle callback), then by the server (@server, optional), so the
 * menu never waits. Refused hosts use "tree.refused", which is disabled. */
#define FERRY_TYPE_TREE_MENU (ferry_tree_menu_get_type ())

G_DECLARE_FINAL_TYPE (FerryTreeMenu, ferry_tree_menu, FERRY, TREE_MENU, GObject)

FerryTreeMenu *ferry_tree_menu_new          (GObject                *item,
                                             FerryFeasibilityServer *server);
GMenuModel    *ferry_tree_menu_get_model    (FerryTreeMenu          *self);
GObject       *ferry_tree_menu_get_item     (FerryTreeMenu          *self);
/* The "Migrate to Server" submenu, or NULL. */
GMenuModel    *ferry_tree_menu_get_hosts    (FerryTreeMenu          *self);
/* TRUE until both passes filled the hosts in. */
gboolean       ferry_tree_menu_is_checking  (FerryTreeMenu          *self);
/* Stops filling in (the menu closed). */
void           ferry_tree_menu_cancel       (FerryTreeMenu          *self);

G_END_DECLS
