/* ferry-ui-utils.h: small helpers the views share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-check.h"
#include "ferry-connection.h"
#include "ferry-host.h"
#include "ferry-object.h"
#include "ferry-task.h"
#include "ferry-vm.h"

G_BEGIN_DECLS

/* "40 GiB": binary units, as XenCenter shows sizes. */
char        *ferry_format_size                (gint64              bytes);
/* One sentence, in plain words, for an error met while connecting. */
char        *ferry_describe_connection_error  (const GError       *error);
/* A few words for the tree row ("Wrong password", "Unreachable"). */
const char  *ferry_describe_connection_error_short (const GError *error);
/* The text a connection shows in the tree and the details ("Connecting…",
 * "Reconnecting in 4 s", "Wrong user name or password"). */
char        *ferry_connection_dup_state_text  (FerryConnection    *connection);
/* The address without "https://" and the last "/". */
const char  *ferry_connection_get_display_address (FerryConnection *connection);
/* The pool name, else the address. */
const char  *ferry_connection_get_title       (FerryConnection    *connection);
/* The connection is to a host of its own: a pool without a name, one host.
 * Its single host, or NULL. Transfer none. */
FerryHost   *ferry_connection_get_standalone_host (FerryConnection *connection);
/* A VM the tree lists: not a template, snapshot or control domain. */
gboolean     ferry_vm_is_listed               (FerryVm            *vm);
const char  *ferry_vm_power_state_to_label    (FerryVmPowerState   state);
const char  *ferry_vm_power_state_to_icon     (FerryVmPowerState   state);
/* The migration task the VM is part of, or NULL. Transfer none. */
FerryTask   *ferry_vm_get_migration_task      (FerryVm            *vm);
/* The operation a blocked_operations entry blocks migration with, or NULL. */
const char  *ferry_vm_get_migration_block     (FerryVm            *vm);
/* name_label, or a placeholder when it is empty. */
const char  *ferry_object_get_display_name    (FerryObject        *object);
/* Sets the subtitle of an AdwActionRow (or hides the row's suffix label). */
void         ferry_set_label_text             (GtkLabel           *label,
                                               const char         *text);

/* An AdwActionRow without markup, with an optional icon. */
GtkWidget   *ferry_info_row_new               (const char         *title,
                                               const char         *subtitle,
                                               const char         *icon_name);
void         ferry_info_row_set_subtitle      (GtkWidget          *row,
                                               const char         *subtitle);

/* Whether @check (or @error) says that two pools cannot reach each other
 * (ferry_relay_error_is_unreachable()). */
gboolean     ferry_check_is_unreachable       (FerryCheck         *check);
gboolean     ferry_error_is_unreachable       (const GError       *error);
/* The way out then for a VM that runs: shut it down, and it moves through
 * this computer instead (a relay move, ferry-relay.h). */
const char  *ferry_relay_get_shutdown_remedy  (void);

/* A GtkLevelBar of used space: neutral, then warning above 80 %, error above 95 %. */
void         ferry_usage_bar_init             (GtkLevelBar        *bar);

G_END_DECLS
