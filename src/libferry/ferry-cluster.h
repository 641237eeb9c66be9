/* ferry-cluster.h: a GFS2 cluster (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_CLUSTER (ferry_cluster_get_type ())

G_DECLARE_FINAL_TYPE (FerryCluster, ferry_cluster, FERRY, CLUSTER, FerryObject)

const char         *ferry_cluster_get_cluster_stack             (FerryCluster *self);
gboolean            ferry_cluster_get_is_quorate                (FerryCluster *self);
gint64              ferry_cluster_get_quorum                    (FerryCluster *self);
gint64              ferry_cluster_get_live_hosts                (FerryCluster *self);
const char * const *ferry_cluster_get_pending_forget            (FerryCluster *self);
gboolean            ferry_cluster_get_pool_auto_join            (FerryCluster *self);
double              ferry_cluster_get_token_timeout             (FerryCluster *self);
double              ferry_cluster_get_token_timeout_coefficient (FerryCluster *self);
GListModel         *ferry_cluster_get_cluster_hosts             (FerryCluster *self);

G_END_DECLS
