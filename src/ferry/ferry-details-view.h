/* ferry-details-view.h: the right-hand side: details of the selected object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FERRY_TYPE_DETAILS_VIEW (ferry_details_view_get_type ())

G_DECLARE_FINAL_TYPE (FerryDetailsView, ferry_details_view, FERRY, DETAILS_VIEW, AdwBin)

/* A FerryConnection, FerryTreeGroup or cached FerryObject, or NULL. */
GObject    *ferry_details_view_get_item         (FerryDetailsView *self);
void        ferry_details_view_set_item         (FerryDetailsView *self,
                                                 GObject          *item);
/* "empty", "connection", "vm", "host", "sr", "pool" or "other". */
const char *ferry_details_view_get_visible_page (FerryDetailsView *self);
/* The page's own widget (FerryVmView, …). */
GtkWidget  *ferry_details_view_get_page_widget  (FerryDetailsView *self,
                                                 const char       *name);

G_END_DECLS
