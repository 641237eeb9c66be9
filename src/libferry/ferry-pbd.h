/* ferry-pbd.h: the attachment of an SR to a host (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_PBD (ferry_pbd_get_type ())

G_DECLARE_FINAL_TYPE (FerryPbd, ferry_pbd, FERRY, PBD, FerryObject)

const char *ferry_pbd_get_host               (FerryPbd *self);
const char *ferry_pbd_get_sr                 (FerryPbd *self);
gboolean    ferry_pbd_get_currently_attached (FerryPbd *self);
const char *ferry_pbd_lookup_device_config   (FerryPbd   *self,
                                              const char *key);

G_END_DECLS
