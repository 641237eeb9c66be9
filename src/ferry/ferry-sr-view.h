/* ferry-sr-view.h: the details of a storage repository and its virtual disks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-sr.h"

G_BEGIN_DECLS

#define FERRY_TYPE_SR_VIEW (ferry_sr_view_get_type ())

G_DECLARE_FINAL_TYPE (FerrySrView, ferry_sr_view, FERRY, SR_VIEW, AdwBin)

FerrySr    *ferry_sr_view_get_sr   (FerrySrView *self);
void        ferry_sr_view_set_sr   (FerrySrView *self,
                                    FerrySr     *sr);
/* The rows of the virtual disks list, for tests. */
GListModel *ferry_sr_view_get_vdis (FerrySrView *self);

G_END_DECLS
