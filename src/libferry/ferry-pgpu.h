/* ferry-pgpu.h: a physical GPU (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_PGPU (ferry_pgpu_get_type ())

G_DECLARE_FINAL_TYPE (FerryPgpu, ferry_pgpu, FERRY, PGPU, FerryObject)

const char         *ferry_pgpu_get_pci                       (FerryPgpu *self);
const char         *ferry_pgpu_get_gpu_group                 (FerryPgpu *self);
const char         *ferry_pgpu_get_host                      (FerryPgpu *self);
const char * const *ferry_pgpu_get_supported_vgpu_types      (FerryPgpu *self);
const char * const *ferry_pgpu_get_enabled_vgpu_types        (FerryPgpu *self);
const char         *ferry_pgpu_lookup_compatibility_metadata (FerryPgpu  *self,
                                                              const char *key);
GListModel         *ferry_pgpu_get_resident_vgpus            (FerryPgpu *self);

G_END_DECLS
