/* ferry-network.h: a network (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_NETWORK (ferry_network_get_type ())

G_DECLARE_FINAL_TYPE (FerryNetwork, ferry_network, FERRY, NETWORK, FerryObject)

const char *ferry_network_get_bridge  (FerryNetwork *self);
gboolean    ferry_network_get_managed (FerryNetwork *self);
gint64      ferry_network_get_mtu     (FerryNetwork *self);
GListModel *ferry_network_get_vifs    (FerryNetwork *self);
GListModel *ferry_network_get_pifs    (FerryNetwork *self);

G_END_DECLS
