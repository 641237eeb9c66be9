/* ferry-pool.c: the pool (one per connection)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-pool"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-pool.h"
#include "ferry-host.h"
#include "ferry-sr.h"
#include "ferry-network.h"
#include "ferry-vm.h"

typedef struct
{
  char     *master;
  char     *default_sr;
  char     *suspend_image_sr;
  char     *crash_dump_sr;
  gboolean  ha_enabled;
  gint64    ha_host_failures_to_tolerate;
  gint64    ha_plan_exists_for;
  gboolean  ha_allow_overcommit;
  gboolean  ha_overcommitted;
  char    **restrictions;
  char    **cpu_info;
  gboolean  migration_compression;
  gboolean  wlb_enabled;
  gboolean  tls_verification_enabled;
} Fields;

struct _FerryPool
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_MASTER,
  PROP_DEFAULT_SR,
  PROP_SUSPEND_IMAGE_SR,
  PROP_CRASH_DUMP_SR,
  PROP_HA_ENABLED,
  PROP_HA_HOST_FAILURES_TO_TOLERATE,
  PROP_HA_PLAN_EXISTS_FOR,
  PROP_HA_ALLOW_OVERCOMMIT,
  PROP_HA_OVERCOMMITTED,
  PROP_RESTRICTIONS,
  PROP_CPU_INFO,
  PROP_MIGRATION_COMPRESSION,
  PROP_WLB_ENABLED,
  PROP_TLS_VERIFICATION_ENABLED,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("master", REF, Fields, master, PROP_MASTER),
  FERRY_FIELD ("default_SR", REF, Fields, default_sr, PROP_DEFAULT_SR),
  FERRY_FIELD ("suspend_image_SR", REF, Fields, suspend_image_sr, PROP_SUSPEND_IMAGE_SR),
  FERRY_FIELD ("crash_dump_SR", REF, Fields, crash_dump_sr, PROP_CRASH_DUMP_SR),
  FERRY_FIELD ("ha_enabled", BOOLEAN, Fields, ha_enabled, PROP_HA_ENABLED),
  FERRY_FIELD ("ha_host_failures_to_tolerate", INT, Fields, ha_host_failures_to_tolerate, PROP_HA_HOST_FAILURES_TO_TOLERATE),
  FERRY_FIELD ("ha_plan_exists_for", INT, Fields, ha_plan_exists_for, PROP_HA_PLAN_EXISTS_FOR),
  FERRY_FIELD ("ha_allow_overcommit", BOOLEAN, Fields, ha_allow_overcommit, PROP_HA_ALLOW_OVERCOMMIT),
  FERRY_FIELD ("ha_overcommitted", BOOLEAN, Fields, ha_overcommitted, PROP_HA_OVERCOMMITTED),
  FERRY_FIELD ("restrictions", MAP, Fields, restrictions, PROP_RESTRICTIONS),
  FERRY_FIELD ("cpu_info", MAP, Fields, cpu_info, PROP_CPU_INFO),
  FERRY_FIELD ("migration_compression", BOOLEAN, Fields, migration_compression, PROP_MIGRATION_COMPRESSION),
  FERRY_FIELD ("wlb_enabled", BOOLEAN, Fields, wlb_enabled, PROP_WLB_ENABLED),
  FERRY_FIELD ("tls_verification_enabled", BOOLEAN, Fields, tls_verification_enabled, PROP_TLS_VERIFICATION_ENABLED),
};

FERRY_DEFINE_OBJECT_TYPE (FerryPool, ferry_pool, FERRY_CLASS_POOL, "pool")

FERRY_DEFINE_GETTER (FerryPool, ferry_pool, const char *, master, master)
FERRY_DEFINE_GETTER (FerryPool, ferry_pool, const char *, default_sr, default_sr)
FERRY_DEFINE_GETTER (FerryPool, ferry_pool, const char *, suspend_image_sr, suspend_image_sr)
FERRY_DEFINE_GETTER (FerryPool, ferry_pool, const char *, crash_dump_sr, crash_dump_sr)
FERRY_DEFINE_GETTER (FerryPool, ferry_pool, gboolean, ha_enabled, ha_enabled)
FERRY_DEFINE_GETTER (FerryPool, ferry_pool, gint64, ha_host_failures_to_tolerate, ha_host_failures_to_tolerate)
FERRY_DEFINE_GETTER (FerryPool, ferry_pool, gint64, ha_plan_exists_for, ha_plan_exists_for)
FERRY_DEFINE_GETTER (FerryPool, ferry_pool, gboolean, ha_allow_overcommit, ha_allow_overcommit)
FERRY_DEFINE_GETTER (FerryPool, ferry_pool, gboolean, ha_overcommitted, ha_overcommitted)
FERRY_DEFINE_MAP_LOOKUP (FerryPool, ferry_pool, restrictions, restrictions)
FERRY_DEFINE_MAP_LOOKUP (FerryPool, ferry_pool, cpu_info, cpu_info)
FERRY_DEFINE_GETTER (FerryPool, ferry_pool, gboolean, migration_compression, migration_compression)
FERRY_DEFINE_GETTER (FerryPool, ferry_pool, gboolean, wlb_enabled, wlb_enabled)
FERRY_DEFINE_GETTER (FerryPool, ferry_pool, gboolean, tls_verification_enabled, tls_verification_enabled)
FERRY_DEFINE_CLASS_MODEL_GETTER (FerryPool, ferry_pool, hosts, FERRY_TYPE_HOST)
FERRY_DEFINE_CLASS_MODEL_GETTER (FerryPool, ferry_pool, srs, FERRY_TYPE_SR)
FERRY_DEFINE_CLASS_MODEL_GETTER (FerryPool, ferry_pool, networks, FERRY_TYPE_NETWORK)
FERRY_DEFINE_CLASS_MODEL_GETTER (FerryPool, ferry_pool, vms, FERRY_TYPE_VM)
