/* ferry-vgpu.c: a virtual GPU
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-vgpu"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-vgpu.h"

typedef struct
{
  char     *vm;
  char     *gpu_group;
  char     *type;
  char     *resident_on;
  char     *scheduled_to_be_resident_on;
  char     *pci;
  char     *device;
  gboolean  currently_attached;
  char    **compatibility_metadata;
} Fields;

struct _FerryVgpu
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_VM,
  PROP_GPU_GROUP,
  PROP_TYPE,
  PROP_RESIDENT_ON,
  PROP_SCHEDULED_TO_BE_RESIDENT_ON,
  PROP_PCI,
  PROP_DEVICE,
  PROP_CURRENTLY_ATTACHED,
  PROP_COMPATIBILITY_METADATA,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("VM", REF, Fields, vm, PROP_VM),
  FERRY_FIELD ("GPU_group", REF, Fields, gpu_group, PROP_GPU_GROUP),
  FERRY_FIELD ("type", REF, Fields, type, PROP_TYPE),
  FERRY_FIELD ("resident_on", REF, Fields, resident_on, PROP_RESIDENT_ON),
  FERRY_FIELD ("scheduled_to_be_resident_on", REF, Fields, scheduled_to_be_resident_on, PROP_SCHEDULED_TO_BE_RESIDENT_ON),
  FERRY_FIELD ("PCI", REF, Fields, pci, PROP_PCI),
  FERRY_FIELD ("device", STRING, Fields, device, PROP_DEVICE),
  FERRY_FIELD ("currently_attached", BOOLEAN, Fields, currently_attached, PROP_CURRENTLY_ATTACHED),
  FERRY_FIELD ("compatibility_metadata", MAP, Fields, compatibility_metadata, PROP_COMPATIBILITY_METADATA),
};

FERRY_DEFINE_OBJECT_TYPE (FerryVgpu, ferry_vgpu, FERRY_CLASS_VGPU, "VGPU")

FERRY_DEFINE_GETTER (FerryVgpu, ferry_vgpu, const char *, vm, vm)
FERRY_DEFINE_GETTER (FerryVgpu, ferry_vgpu, const char *, gpu_group, gpu_group)
FERRY_DEFINE_GETTER (FerryVgpu, ferry_vgpu, const char *, vgpu_type, type)
FERRY_DEFINE_GETTER (FerryVgpu, ferry_vgpu, const char *, resident_on, resident_on)
FERRY_DEFINE_GETTER (FerryVgpu, ferry_vgpu, const char *, scheduled_to_be_resident_on, scheduled_to_be_resident_on)
FERRY_DEFINE_GETTER (FerryVgpu, ferry_vgpu, const char *, pci, pci)
FERRY_DEFINE_GETTER (FerryVgpu, ferry_vgpu, const char *, device, device)
FERRY_DEFINE_GETTER (FerryVgpu, ferry_vgpu, gboolean, currently_attached, currently_attached)
FERRY_DEFINE_MAP_LOOKUP (FerryVgpu, ferry_vgpu, compatibility_metadata, compatibility_metadata)
