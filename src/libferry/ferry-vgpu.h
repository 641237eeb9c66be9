/* ferry-vgpu.h: a virtual GPU (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_VGPU (ferry_vgpu_get_type ())

G_DECLARE_FINAL_TYPE (FerryVgpu, ferry_vgpu, FERRY, VGPU, FerryObject)

const char *ferry_vgpu_get_vm                          (FerryVgpu *self);
const char *ferry_vgpu_get_gpu_group                   (FerryVgpu *self);
const char *ferry_vgpu_get_vgpu_type                   (FerryVgpu *self);
const char *ferry_vgpu_get_resident_on                 (FerryVgpu *self);
const char *ferry_vgpu_get_scheduled_to_be_resident_on (FerryVgpu *self);
const char *ferry_vgpu_get_pci                         (FerryVgpu *self);
const char *ferry_vgpu_get_device                      (FerryVgpu *self);
gboolean    ferry_vgpu_get_currently_attached          (FerryVgpu *self);
const char *ferry_vgpu_lookup_compatibility_metadata   (FerryVgpu  *self,
                                                        const char *key);

G_END_DECLS
