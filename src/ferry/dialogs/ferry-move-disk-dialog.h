/* ferry-move-disk-dialog.h: the Move virtual disk dialog (F3, O3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-window.h"

G_BEGIN_DECLS

#define FERRY_TYPE_MOVE_DISK_DIALOG (ferry_move_disk_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryMoveDiskDialog, ferry_move_disk_dialog, FERRY, MOVE_DISK_DIALOG, AdwWindow)

/* @vdis: (element-type FerryVdi): disks of one pool. */
FerryMoveDiskDialog *ferry_move_disk_dialog_new      (FerryWindow         *window,
                                                      GPtrArray           *vdis);
/* The jobs started by Move (transfer none), or NULL. */
GPtrArray           *ferry_move_disk_dialog_get_jobs (FerryMoveDiskDialog *self);

G_END_DECLS
