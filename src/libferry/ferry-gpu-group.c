/* ferry-gpu-group.c: a group of physical GPUs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-gpu-group"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-gpu-group.h"

typedef struct
{
  char    **gpu_types;
  char     *allocation_algorithm;
  char    **supported_vgpu_types;
  char    **enabled_vgpu_types;
} Fields;

struct _FerryGpuGroup
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_GPU_TYPES,
  PROP_ALLOCATION_ALGORITHM,
  PROP_SUPPORTED_VGPU_TYPES,
  PROP_ENABLED_VGPU_TYPES,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("GPU_types", SET, Fields, gpu_types, PROP_GPU_TYPES),
  FERRY_FIELD ("allocation_algorithm", STRING, Fields, allocation_algorithm, PROP_ALLOCATION_ALGORITHM),
  FERRY_FIELD ("supported_VGPU_types", SET, Fields, supported_vgpu_types, PROP_SUPPORTED_VGPU_TYPES),
  FERRY_FIELD ("enabled_VGPU_types", SET, Fields, enabled_vgpu_types, PROP_ENABLED_VGPU_TYPES),
};

FERRY_DEFINE_OBJECT_TYPE (FerryGpuGroup, ferry_gpu_group, FERRY_CLASS_GPU_GROUP, "GPU_group")

FERRY_DEFINE_SET_GETTER (FerryGpuGroup, ferry_gpu_group, gpu_types, gpu_types)
FERRY_DEFINE_GETTER (FerryGpuGroup, ferry_gpu_group, const char *, allocation_algorithm, allocation_algorithm)
FERRY_DEFINE_SET_GETTER (FerryGpuGroup, ferry_gpu_group, supported_vgpu_types, supported_vgpu_types)
FERRY_DEFINE_SET_GETTER (FerryGpuGroup, ferry_gpu_group, enabled_vgpu_types, enabled_vgpu_types)
FERRY_DEFINE_RELATION_GETTER (FerryGpuGroup, ferry_gpu_group, pgpus, FERRY_RELATION_GPU_GROUP_PGPUS)
FERRY_DEFINE_RELATION_GETTER (FerryGpuGroup, ferry_gpu_group, vgpus, FERRY_RELATION_GPU_GROUP_VGPUS)
