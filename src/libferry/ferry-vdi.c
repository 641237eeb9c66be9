/* ferry-vdi.c: a virtual disk image
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-vdi"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-vdi.h"

typedef struct
{
  char     *sr;
  gint64    virtual_size;
  gint64    physical_utilisation;
  char     *type;
  gboolean  sharable;
  gboolean  read_only;
  char     *location;
  gboolean  managed;
  gboolean  missing;
  char    **sm_config;
  char     *on_boot;
  gboolean  allow_caching;
  gboolean  cbt_enabled;
  gboolean  is_a_snapshot;
  char     *snapshot_of;
  char     *snapshot_time;
  gboolean  is_tools_iso;
  char     *metadata_of_pool;
} Fields;

struct _FerryVdi
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_SR,
  PROP_VIRTUAL_SIZE,
  PROP_PHYSICAL_UTILISATION,
  PROP_TYPE,
  PROP_SHARABLE,
  PROP_READ_ONLY,
  PROP_LOCATION,
  PROP_MANAGED,
  PROP_MISSING,
  PROP_SM_CONFIG,
  PROP_ON_BOOT,
  PROP_ALLOW_CACHING,
  PROP_CBT_ENABLED,
  PROP_IS_A_SNAPSHOT,
  PROP_SNAPSHOT_OF,
  PROP_SNAPSHOT_TIME,
  PROP_IS_TOOLS_ISO,
  PROP_METADATA_OF_POOL,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("SR", REF, Fields, sr, PROP_SR),
  FERRY_FIELD ("virtual_size", INT, Fields, virtual_size, PROP_VIRTUAL_SIZE),
  FERRY_FIELD ("physical_utilisation", INT, Fields, physical_utilisation, PROP_PHYSICAL_UTILISATION),
  FERRY_FIELD ("type", STRING, Fields, type, PROP_TYPE),
  FERRY_FIELD ("sharable", BOOLEAN, Fields, sharable, PROP_SHARABLE),
  FERRY_FIELD ("read_only", BOOLEAN, Fields, read_only, PROP_READ_ONLY),
  FERRY_FIELD ("location", STRING, Fields, location, PROP_LOCATION),
  FERRY_FIELD ("managed", BOOLEAN, Fields, managed, PROP_MANAGED),
  FERRY_FIELD ("missing", BOOLEAN, Fields, missing, PROP_MISSING),
  FERRY_FIELD ("sm_config", MAP, Fields, sm_config, PROP_SM_CONFIG),
  FERRY_FIELD ("on_boot", STRING, Fields, on_boot, PROP_ON_BOOT),
  FERRY_FIELD ("allow_caching", BOOLEAN, Fields, allow_caching, PROP_ALLOW_CACHING),
  FERRY_FIELD ("cbt_enabled", BOOLEAN, Fields, cbt_enabled, PROP_CBT_ENABLED),
  FERRY_FIELD ("is_a_snapshot", BOOLEAN, Fields, is_a_snapshot, PROP_IS_A_SNAPSHOT),
  FERRY_FIELD ("snapshot_of", REF, Fields, snapshot_of, PROP_SNAPSHOT_OF),
  FERRY_FIELD ("snapshot_time", STRING, Fields, snapshot_time, PROP_SNAPSHOT_TIME),
  FERRY_FIELD ("is_tools_iso", BOOLEAN, Fields, is_tools_iso, PROP_IS_TOOLS_ISO),
  FERRY_FIELD ("metadata_of_pool", REF, Fields, metadata_of_pool, PROP_METADATA_OF_POOL),
};

FERRY_DEFINE_OBJECT_TYPE (FerryVdi, ferry_vdi, FERRY_CLASS_VDI, "VDI")

FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, const char *, sr, sr)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, gint64, virtual_size, virtual_size)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, gint64, physical_utilisation, physical_utilisation)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, const char *, vdi_type, type)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, gboolean, sharable, sharable)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, gboolean, read_only, read_only)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, const char *, location, location)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, gboolean, managed, managed)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, gboolean, missing, missing)
FERRY_DEFINE_MAP_LOOKUP (FerryVdi, ferry_vdi, sm_config, sm_config)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, const char *, on_boot, on_boot)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, gboolean, allow_caching, allow_caching)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, gboolean, cbt_enabled, cbt_enabled)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, gboolean, is_a_snapshot, is_a_snapshot)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, const char *, snapshot_of, snapshot_of)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, const char *, snapshot_time, snapshot_time)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, gboolean, is_tools_iso, is_tools_iso)
FERRY_DEFINE_GETTER (FerryVdi, ferry_vdi, const char *, metadata_of_pool, metadata_of_pool)
FERRY_DEFINE_RELATION_GETTER (FerryVdi, ferry_vdi, vbds, FERRY_RELATION_VDI_VBDS)
FERRY_DEFINE_RELATION_GETTER (FerryVdi, ferry_vdi, snapshots, FERRY_RELATION_VDI_SNAPSHOTS)
