/* ferry-window.h: the main window: resource tree beside the details
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-connection-manager.h"
#include "ferry-queue.h"
#include "ferry-details-view.h"
#include "ferry-operations-panel.h"
#include "ferry-resource-tree.h"

G_BEGIN_DECLS

#define FERRY_TYPE_WINDOW (ferry_window_get_type ())

G_DECLARE_FINAL_TYPE (FerryWindow, ferry_window, FERRY, WINDOW, AdwApplicationWindow)

/* @application may be NULL (tests); @queue NULL gives the window its own queue. */
FerryWindow            *ferry_window_new              (GtkApplication         *application,
                                                       FerryConnectionManager *manager,
                                                       FerryQueue             *queue,
                                                       gboolean                demo);
FerryConnectionManager *ferry_window_get_manager      (FerryWindow            *self);
FerryQueue             *ferry_window_get_queue        (FerryWindow            *self);
/* Object actions ("win.migrate-to-host" …) name their objects by UUID. */
FerryObject            *ferry_window_lookup_object    (FerryWindow            *self,
                                                       const char             *uuid,
                                                       FerryConnection       **connection);
FerryResourceTree      *ferry_window_get_tree         (FerryWindow            *self);
FerryDetailsView       *ferry_window_get_details      (FerryWindow            *self);
gboolean                ferry_window_get_demo         (FerryWindow            *self);
/* The operations panel (win.show-operations shows it). */
FerryOperationsPanel   *ferry_window_get_operations   (FerryWindow            *self);
gboolean                ferry_window_get_operations_visible (FerryWindow      *self);
void                    ferry_window_set_operations_visible (FerryWindow      *self,
                                                       gboolean                visible);
/* TRUE while moves run: the window then inhibits suspend (with an application). */
gboolean                ferry_window_get_suspend_inhibited (FerryWindow       *self);
/* The header's badge ("2", "!"), or NULL when hidden. */
const char             *ferry_window_get_badge        (FerryWindow            *self);
/* Opens the connect dialog, for @connection (NULL: a new server). */
GtkWindow              *ferry_window_show_connect     (FerryWindow            *self,
                                                       FerryConnection        *connection);

G_END_DECLS
