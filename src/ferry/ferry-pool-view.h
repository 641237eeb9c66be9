/* ferry-pool-view.h: the details of a pool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-connection.h"
#include "ferry-pool.h"

G_BEGIN_DECLS

#define FERRY_TYPE_POOL_VIEW (ferry_pool_view_get_type ())

G_DECLARE_FINAL_TYPE (FerryPoolView, ferry_pool_view, FERRY, POOL_VIEW, AdwBin)

FerryConnection *ferry_pool_view_get_connection (FerryPoolView   *self);
/* Shows the pool of @connection (NULL: nothing). */
void             ferry_pool_view_set_connection (FerryPoolView   *self,
                                                 FerryConnection *connection);

G_END_DECLS
