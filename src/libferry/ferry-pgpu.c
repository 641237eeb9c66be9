/* ferry-pgpu.c: a physical GPU
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-pgpu"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-pgpu.h"

typedef struct
{
  char     *pci;
  char     *gpu_group;
  char     *host;
  char    **supported_vgpu_types;
  char    **enabled_vgpu_types;
  char    **compatibility_metadata;
} Fields;

struct _FerryPgpu
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_PCI,
  PROP_GPU_GROUP,
  PROP_HOST,
  PROP_SUPPORTED_VGPU_TYPES,
  PROP_ENABLED_VGPU_TYPES,
  PROP_COMPATIBILITY_METADATA,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("PCI", REF, Fields, pci, PROP_PCI),
  FERRY_FIELD ("GPU_group", REF, Fields, gpu_group, PROP_GPU_GROUP),
  FERRY_FIELD ("host", REF, Fields, host, PROP_HOST),
  FERRY_FIELD ("supported_VGPU_types", SET, Fields, supported_vgpu_types, PROP_SUPPORTED_VGPU_TYPES),
  FERRY_FIELD ("enabled_VGPU_types", SET, Fields, enabled_vgpu_types, PROP_ENABLED_VGPU_TYPES),
  FERRY_FIELD ("compatibility_metadata", MAP, Fields, compatibility_metadata, PROP_COMPATIBILITY_METADATA),
};

FERRY_DEFINE_OBJECT_TYPE (FerryPgpu, ferry_pgpu, FERRY_CLASS_PGPU, "PGPU")

FERRY_DEFINE_GETTER (FerryPgpu, ferry_pgpu, const char *, pci, pci)
FERRY_DEFINE_GETTER (FerryPgpu, ferry_pgpu, const char *, gpu_group, gpu_group)
FERRY_DEFINE_GETTER (FerryPgpu, ferry_pgpu, const char *, host, host)
FERRY_DEFINE_SET_GETTER (FerryPgpu, ferry_pgpu, supported_vgpu_types, supported_vgpu_types)
FERRY_DEFINE_SET_GETTER (FerryPgpu, ferry_pgpu, enabled_vgpu_types, enabled_vgpu_types)
FERRY_DEFINE_MAP_LOOKUP (FerryPgpu, ferry_pgpu, compatibility_metadata, compatibility_metadata)
FERRY_DEFINE_RELATION_GETTER (FerryPgpu, ferry_pgpu, resident_vgpus, FERRY_RELATION_PGPU_RESIDENT_VGPUS)
