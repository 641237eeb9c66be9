/* ferry-cluster-host.c: a host's membership of a cluster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cluster-host"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-cluster-host.h"

typedef struct
{
  char     *cluster;
  char     *host;
  gboolean  enabled;
  gboolean  joined;
  gboolean  live;
  char     *pif;
} Fields;

struct _FerryClusterHost
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_CLUSTER,
  PROP_HOST,
  PROP_ENABLED,
  PROP_JOINED,
  PROP_LIVE,
  PROP_PIF,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("cluster", REF, Fields, cluster, PROP_CLUSTER),
  FERRY_FIELD ("host", REF, Fields, host, PROP_HOST),
  FERRY_FIELD ("enabled", BOOLEAN, Fields, enabled, PROP_ENABLED),
  FERRY_FIELD ("joined", BOOLEAN, Fields, joined, PROP_JOINED),
  FERRY_FIELD ("live", BOOLEAN, Fields, live, PROP_LIVE),
  FERRY_FIELD ("PIF", REF, Fields, pif, PROP_PIF),
};

FERRY_DEFINE_OBJECT_TYPE (FerryClusterHost, ferry_cluster_host, FERRY_CLASS_CLUSTER_HOST, "Cluster_host")

FERRY_DEFINE_GETTER (FerryClusterHost, ferry_cluster_host, const char *, cluster, cluster)
FERRY_DEFINE_GETTER (FerryClusterHost, ferry_cluster_host, const char *, host, host)
FERRY_DEFINE_GETTER (FerryClusterHost, ferry_cluster_host, gboolean, enabled, enabled)
FERRY_DEFINE_GETTER (FerryClusterHost, ferry_cluster_host, gboolean, joined, joined)
FERRY_DEFINE_GETTER (FerryClusterHost, ferry_cluster_host, gboolean, live, live)
FERRY_DEFINE_GETTER (FerryClusterHost, ferry_cluster_host, const char *, pif, pif)
