/* ferry-vgpu-type.h: a kind of virtual GPU (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_VGPU_TYPE (ferry_vgpu_type_get_type ())

G_DECLARE_FINAL_TYPE (FerryVgpuType, ferry_vgpu_type, FERRY, VGPU_TYPE, FerryObject)

const char         *ferry_vgpu_type_get_vendor_name            (FerryVgpuType *self);
const char         *ferry_vgpu_type_get_model_name             (FerryVgpuType *self);
gint64              ferry_vgpu_type_get_framebuffer_size       (FerryVgpuType *self);
gint64              ferry_vgpu_type_get_max_heads              (FerryVgpuType *self);
const char         *ferry_vgpu_type_get_implementation         (FerryVgpuType *self);
const char         *ferry_vgpu_type_get_identifier             (FerryVgpuType *self);
gboolean            ferry_vgpu_type_get_experimental           (FerryVgpuType *self);
const char * const *ferry_vgpu_type_get_compatible_types_in_vm (FerryVgpuType *self);

G_END_DECLS
