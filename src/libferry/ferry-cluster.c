/* ferry-cluster.c: a GFS2 cluster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cluster"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-cluster.h"

typedef struct
{
  char     *cluster_stack;
  gboolean  is_quorate;
  gint64    quorum;
  gint64    live_hosts;
  char    **pending_forget;
  gboolean  pool_auto_join;
  double    token_timeout;
  double    token_timeout_coefficient;
} Fields;

struct _FerryCluster
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_CLUSTER_STACK,
  PROP_IS_QUORATE,
  PROP_QUORUM,
  PROP_LIVE_HOSTS,
  PROP_PENDING_FORGET,
  PROP_POOL_AUTO_JOIN,
  PROP_TOKEN_TIMEOUT,
  PROP_TOKEN_TIMEOUT_COEFFICIENT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("cluster_stack", STRING, Fields, cluster_stack, PROP_CLUSTER_STACK),
  FERRY_FIELD ("is_quorate", BOOLEAN, Fields, is_quorate, PROP_IS_QUORATE),
  FERRY_FIELD ("quorum", INT, Fields, quorum, PROP_QUORUM),
  FERRY_FIELD ("live_hosts", INT, Fields, live_hosts, PROP_LIVE_HOSTS),
  FERRY_FIELD ("pending_forget", SET, Fields, pending_forget, PROP_PENDING_FORGET),
  FERRY_FIELD ("pool_auto_join", BOOLEAN, Fields, pool_auto_join, PROP_POOL_AUTO_JOIN),
  FERRY_FIELD ("token_timeout", FLOAT, Fields, token_timeout, PROP_TOKEN_TIMEOUT),
  FERRY_FIELD ("token_timeout_coefficient", FLOAT, Fields, token_timeout_coefficient, PROP_TOKEN_TIMEOUT_COEFFICIENT),
};

FERRY_DEFINE_OBJECT_TYPE (FerryCluster, ferry_cluster, FERRY_CLASS_CLUSTER, "Cluster")

FERRY_DEFINE_GETTER (FerryCluster, ferry_cluster, const char *, cluster_stack, cluster_stack)
FERRY_DEFINE_GETTER (FerryCluster, ferry_cluster, gboolean, is_quorate, is_quorate)
FERRY_DEFINE_GETTER (FerryCluster, ferry_cluster, gint64, quorum, quorum)
FERRY_DEFINE_GETTER (FerryCluster, ferry_cluster, gint64, live_hosts, live_hosts)
FERRY_DEFINE_SET_GETTER (FerryCluster, ferry_cluster, pending_forget, pending_forget)
FERRY_DEFINE_GETTER (FerryCluster, ferry_cluster, gboolean, pool_auto_join, pool_auto_join)
FERRY_DEFINE_GETTER (FerryCluster, ferry_cluster, double, token_timeout, token_timeout)
FERRY_DEFINE_GETTER (FerryCluster, ferry_cluster, double, token_timeout_coefficient, token_timeout_coefficient)
FERRY_DEFINE_RELATION_GETTER (FerryCluster, ferry_cluster, cluster_hosts, FERRY_RELATION_CLUSTER_HOSTS)
