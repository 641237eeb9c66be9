/* ferry-vgpu-type.c: a kind of virtual GPU
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-vgpu-type"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-vgpu-type.h"

typedef struct
{
  char     *vendor_name;
  char     *model_name;
  gint64    framebuffer_size;
  gint64    max_heads;
  char     *implementation;
  char     *identifier;
  gboolean  experimental;
  char    **compatible_types_in_vm;
} Fields;

struct _FerryVgpuType
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_VENDOR_NAME,
  PROP_MODEL_NAME,
  PROP_FRAMEBUFFER_SIZE,
  PROP_MAX_HEADS,
  PROP_IMPLEMENTATION,
  PROP_IDENTIFIER,
  PROP_EXPERIMENTAL,
  PROP_COMPATIBLE_TYPES_IN_VM,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("vendor_name", STRING, Fields, vendor_name, PROP_VENDOR_NAME),
  FERRY_FIELD ("model_name", STRING, Fields, model_name, PROP_MODEL_NAME),
  FERRY_FIELD ("framebuffer_size", INT, Fields, framebuffer_size, PROP_FRAMEBUFFER_SIZE),
  FERRY_FIELD ("max_heads", INT, Fields, max_heads, PROP_MAX_HEADS),
  FERRY_FIELD ("implementation", STRING, Fields, implementation, PROP_IMPLEMENTATION),
  FERRY_FIELD ("identifier", STRING, Fields, identifier, PROP_IDENTIFIER),
  FERRY_FIELD ("experimental", BOOLEAN, Fields, experimental, PROP_EXPERIMENTAL),
  FERRY_FIELD ("compatible_types_in_vm", SET, Fields, compatible_types_in_vm, PROP_COMPATIBLE_TYPES_IN_VM),
};

FERRY_DEFINE_OBJECT_TYPE (FerryVgpuType, ferry_vgpu_type, FERRY_CLASS_VGPU_TYPE, "VGPU_type")

FERRY_DEFINE_GETTER (FerryVgpuType, ferry_vgpu_type, const char *, vendor_name, vendor_name)
FERRY_DEFINE_GETTER (FerryVgpuType, ferry_vgpu_type, const char *, model_name, model_name)
FERRY_DEFINE_GETTER (FerryVgpuType, ferry_vgpu_type, gint64, framebuffer_size, framebuffer_size)
FERRY_DEFINE_GETTER (FerryVgpuType, ferry_vgpu_type, gint64, max_heads, max_heads)
FERRY_DEFINE_GETTER (FerryVgpuType, ferry_vgpu_type, const char *, implementation, implementation)
FERRY_DEFINE_GETTER (FerryVgpuType, ferry_vgpu_type, const char *, identifier, identifier)
FERRY_DEFINE_GETTER (FerryVgpuType, ferry_vgpu_type, gboolean, experimental, experimental)
FERRY_DEFINE_SET_GETTER (FerryVgpuType, ferry_vgpu_type, compatible_types_in_vm, compatible_types_in_vm)
