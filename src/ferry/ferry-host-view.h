/* ferry-host-view.h: the details of a host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-host.h"

G_BEGIN_DECLS

#define FERRY_TYPE_HOST_VIEW (ferry_host_view_get_type ())

G_DECLARE_FINAL_TYPE (FerryHostView, ferry_host_view, FERRY, HOST_VIEW, AdwBin)

FerryHost *ferry_host_view_get_host (FerryHostView *self);
void       ferry_host_view_set_host (FerryHostView *self,
                                     FerryHost     *host);

G_END_DECLS
