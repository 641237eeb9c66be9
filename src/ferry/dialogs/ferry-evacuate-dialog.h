/* ferry-evacuate-dialog.h: host evacuation and maintenance mode (F4, O5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-host.h"
#include "ferry-window.h"

G_BEGIN_DECLS

#define FERRY_TYPE_EVACUATE_DIALOG (ferry_evacuate_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryEvacuateDialog, ferry_evacuate_dialog, FERRY, EVACUATE_DIALOG, AdwWindow)

/* Enter maintenance mode: pre-flight, fixes, then the evacuation. */
FerryEvacuateDialog *ferry_evacuate_dialog_new           (FerryWindow         *window,
                                                          FerryHost           *host);
/* Leave maintenance mode, offering to bring the VMs back (the history). */
FerryEvacuateDialog *ferry_evacuate_dialog_new_exit      (FerryWindow         *window,
                                                          FerryHost           *host);
/* TRUE while the pre-flight or a fix runs. */
gboolean             ferry_evacuate_dialog_get_busy      (FerryEvacuateDialog *self);
/* VMs that cannot leave yet, after the last pre-flight. */
guint                ferry_evacuate_dialog_get_n_blocked (FerryEvacuateDialog *self);
/* The batch size (R3) the evacuation will use. */
void                 ferry_evacuate_dialog_set_batch_size (FerryEvacuateDialog *self,
                                                          guint                size);
/* The jobs queued (transfer none), or NULL. */
GPtrArray           *ferry_evacuate_dialog_get_jobs      (FerryEvacuateDialog *self);

G_END_DECLS
