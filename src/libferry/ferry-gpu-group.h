/* ferry-gpu-group.h: a group of physical GPUs (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_GPU_GROUP (ferry_gpu_group_get_type ())

G_DECLARE_FINAL_TYPE (FerryGpuGroup, ferry_gpu_group, FERRY, GPU_GROUP, FerryObject)

const char * const *ferry_gpu_group_get_gpu_types            (FerryGpuGroup *self);
const char         *ferry_gpu_group_get_allocation_algorithm (FerryGpuGroup *self);
const char * const *ferry_gpu_group_get_supported_vgpu_types (FerryGpuGroup *self);
const char * const *ferry_gpu_group_get_enabled_vgpu_types   (FerryGpuGroup *self);
GListModel         *ferry_gpu_group_get_pgpus                (FerryGpuGroup *self);
GListModel         *ferry_gpu_group_get_vgpus                (FerryGpuGroup *self);

G_END_DECLS
