/* ferry-pool.h: the pool (one per connection) (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_POOL (ferry_pool_get_type ())

G_DECLARE_FINAL_TYPE (FerryPool, ferry_pool, FERRY, POOL, FerryObject)

const char *ferry_pool_get_master                       (FerryPool *self);
const char *ferry_pool_get_default_sr                   (FerryPool *self);
const char *ferry_pool_get_suspend_image_sr             (FerryPool *self);
const char *ferry_pool_get_crash_dump_sr                (FerryPool *self);
gboolean    ferry_pool_get_ha_enabled                   (FerryPool *self);
gint64      ferry_pool_get_ha_host_failures_to_tolerate (FerryPool *self);
gint64      ferry_pool_get_ha_plan_exists_for           (FerryPool *self);
gboolean    ferry_pool_get_ha_allow_overcommit          (FerryPool *self);
gboolean    ferry_pool_get_ha_overcommitted             (FerryPool *self);
const char *ferry_pool_lookup_restrictions              (FerryPool  *self,
                                                         const char *key);
const char *ferry_pool_lookup_cpu_info                  (FerryPool  *self,
                                                         const char *key);
gboolean    ferry_pool_get_migration_compression        (FerryPool *self);
gboolean    ferry_pool_get_wlb_enabled                  (FerryPool *self);
gboolean    ferry_pool_get_tls_verification_enabled     (FerryPool *self);
GListModel *ferry_pool_get_hosts                        (FerryPool *self);
GListModel *ferry_pool_get_srs                          (FerryPool *self);
GListModel *ferry_pool_get_networks                     (FerryPool *self);
GListModel *ferry_pool_get_vms                          (FerryPool *self);

G_END_DECLS
