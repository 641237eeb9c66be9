/* ferry-pif.h: a physical network interface of a host (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_PIF (ferry_pif_get_type ())

G_DECLARE_FINAL_TYPE (FerryPif, ferry_pif, FERRY, PIF, FerryObject)

const char         *ferry_pif_get_host                  (FerryPif *self);
const char         *ferry_pif_get_network               (FerryPif *self);
const char         *ferry_pif_get_device                (FerryPif *self);
const char         *ferry_pif_get_mac                   (FerryPif *self);
gint64              ferry_pif_get_mtu                   (FerryPif *self);
gint64              ferry_pif_get_vlan                  (FerryPif *self);
const char         *ferry_pif_get_ip                    (FerryPif *self);
const char * const *ferry_pif_get_ipv6                  (FerryPif *self);
const char         *ferry_pif_get_primary_address_type  (FerryPif *self);
const char         *ferry_pif_get_ip_configuration_mode (FerryPif *self);
gboolean            ferry_pif_get_currently_attached    (FerryPif *self);
gboolean            ferry_pif_get_management            (FerryPif *self);
gboolean            ferry_pif_get_physical              (FerryPif *self);
const char         *ferry_pif_get_bond_slave_of         (FerryPif *self);
const char         *ferry_pif_get_pci                   (FerryPif *self);

/* The PIF_metrics ref (link speed, carrier). */
const char *ferry_pif_get_metrics (FerryPif *self);

G_END_DECLS
