/* ferry-sm.c: a storage driver (one per SR type)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sm"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-sm.h"

typedef struct
{
  char     *type;
  char     *vendor;
  char     *version;
  char    **capabilities;
  char    **features;
  char    **required_cluster_stack;
} Fields;

struct _FerrySm
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_TYPE,
  PROP_VENDOR,
  PROP_VERSION,
  PROP_CAPABILITIES,
  PROP_FEATURES,
  PROP_REQUIRED_CLUSTER_STACK,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("type", STRING, Fields, type, PROP_TYPE),
  FERRY_FIELD ("vendor", STRING, Fields, vendor, PROP_VENDOR),
  FERRY_FIELD ("version", STRING, Fields, version, PROP_VERSION),
  FERRY_FIELD ("capabilities", SET, Fields, capabilities, PROP_CAPABILITIES),
  FERRY_FIELD ("features", MAP, Fields, features, PROP_FEATURES),
  FERRY_FIELD ("required_cluster_stack", SET, Fields, required_cluster_stack, PROP_REQUIRED_CLUSTER_STACK),
};

FERRY_DEFINE_OBJECT_TYPE (FerrySm, ferry_sm, FERRY_CLASS_SM, "SM")

FERRY_DEFINE_GETTER (FerrySm, ferry_sm, const char *, sm_type, type)
FERRY_DEFINE_GETTER (FerrySm, ferry_sm, const char *, vendor, vendor)
FERRY_DEFINE_GETTER (FerrySm, ferry_sm, const char *, version, version)
FERRY_DEFINE_SET_GETTER (FerrySm, ferry_sm, capabilities, capabilities)
FERRY_DEFINE_MAP_LOOKUP (FerrySm, ferry_sm, features, features)
FERRY_DEFINE_SET_GETTER (FerrySm, ferry_sm, required_cluster_stack, required_cluster_stack)
