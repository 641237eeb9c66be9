/* ferry-sr.c: a storage repository
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sr"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-sr.h"

typedef struct
{
  char     *type;
  char     *content_type;
  gboolean  shared;
  gboolean  clustered;
  gint64    physical_size;
  gint64    physical_utilisation;
  gint64    virtual_allocation;
  gboolean  is_tools_sr;
  char    **sm_config;
} Fields;

struct _FerrySr
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_TYPE,
  PROP_CONTENT_TYPE,
  PROP_SHARED,
  PROP_CLUSTERED,
  PROP_PHYSICAL_SIZE,
  PROP_PHYSICAL_UTILISATION,
  PROP_VIRTUAL_ALLOCATION,
  PROP_IS_TOOLS_SR,
  PROP_SM_CONFIG,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("type", STRING, Fields, type, PROP_TYPE),
  FERRY_FIELD ("content_type", STRING, Fields, content_type, PROP_CONTENT_TYPE),
  FERRY_FIELD ("shared", BOOLEAN, Fields, shared, PROP_SHARED),
  FERRY_FIELD ("clustered", BOOLEAN, Fields, clustered, PROP_CLUSTERED),
  FERRY_FIELD ("physical_size", INT, Fields, physical_size, PROP_PHYSICAL_SIZE),
  FERRY_FIELD ("physical_utilisation", INT, Fields, physical_utilisation, PROP_PHYSICAL_UTILISATION),
  FERRY_FIELD ("virtual_allocation", INT, Fields, virtual_allocation, PROP_VIRTUAL_ALLOCATION),
  FERRY_FIELD ("is_tools_sr", BOOLEAN, Fields, is_tools_sr, PROP_IS_TOOLS_SR),
  FERRY_FIELD ("sm_config", MAP, Fields, sm_config, PROP_SM_CONFIG),
};

FERRY_DEFINE_OBJECT_TYPE (FerrySr, ferry_sr, FERRY_CLASS_SR, "SR")

FERRY_DEFINE_GETTER (FerrySr, ferry_sr, const char *, sr_type, type)
FERRY_DEFINE_GETTER (FerrySr, ferry_sr, const char *, content_type, content_type)
FERRY_DEFINE_GETTER (FerrySr, ferry_sr, gboolean, shared, shared)
FERRY_DEFINE_GETTER (FerrySr, ferry_sr, gboolean, clustered, clustered)
FERRY_DEFINE_GETTER (FerrySr, ferry_sr, gint64, physical_size, physical_size)
FERRY_DEFINE_GETTER (FerrySr, ferry_sr, gint64, physical_utilisation, physical_utilisation)
FERRY_DEFINE_GETTER (FerrySr, ferry_sr, gint64, virtual_allocation, virtual_allocation)
FERRY_DEFINE_GETTER (FerrySr, ferry_sr, gboolean, is_tools_sr, is_tools_sr)
FERRY_DEFINE_MAP_LOOKUP (FerrySr, ferry_sr, sm_config, sm_config)
FERRY_DEFINE_RELATION_GETTER (FerrySr, ferry_sr, vdis, FERRY_RELATION_SR_VDIS)
FERRY_DEFINE_RELATION_GETTER (FerrySr, ferry_sr, pbds, FERRY_RELATION_SR_PBDS)
