/* ferry-cluster-host.h: a host's membership of a cluster (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_CLUSTER_HOST (ferry_cluster_host_get_type ())

G_DECLARE_FINAL_TYPE (FerryClusterHost, ferry_cluster_host, FERRY, CLUSTER_HOST, FerryObject)

const char *ferry_cluster_host_get_cluster (FerryClusterHost *self);
const char *ferry_cluster_host_get_host    (FerryClusterHost *self);
gboolean    ferry_cluster_host_get_enabled (FerryClusterHost *self);
gboolean    ferry_cluster_host_get_joined  (FerryClusterHost *self);
gboolean    ferry_cluster_host_get_live    (FerryClusterHost *self);
const char *ferry_cluster_host_get_pif     (FerryClusterHost *self);

G_END_DECLS
