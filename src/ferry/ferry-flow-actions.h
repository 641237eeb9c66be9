/* ferry-flow-actions.h: the window actions that open the flows F1–F4
 *
 *   win.migrate-wizard     "as"    VM UUIDs → Migrate VM wizard (F1)
 *   win.migrate-wizard-to  "(ass)" VM UUIDs and a host UUID → F1, preselected
 *   win.move-vm            "as"    halted VM UUIDs → Move VM wizard (F2)
 *   win.move-disks         "as"    VDI UUIDs → Move virtual disk dialog (F3)
 *   win.evacuate-host      "s"     host UUID → maintenance mode (F4)
 *   win.exit-maintenance   "s"     host UUID → leave it, bring VMs back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Installs the actions on FerryWindow's class (ferry_window_class_init). */
void ferry_flow_actions_install (GtkWidgetClass *widget_class);

G_END_DECLS
