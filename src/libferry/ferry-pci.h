/* ferry-pci.h: a PCI device of a host (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_PCI (ferry_pci_get_type ())

G_DECLARE_FINAL_TYPE (FerryPci, ferry_pci, FERRY, PCI, FerryObject)

const char         *ferry_pci_get_host         (FerryPci *self);
const char         *ferry_pci_get_pci_id       (FerryPci *self);
const char         *ferry_pci_get_class_name   (FerryPci *self);
const char         *ferry_pci_get_vendor_name  (FerryPci *self);
const char         *ferry_pci_get_device_name  (FerryPci *self);
const char * const *ferry_pci_get_dependencies (FerryPci *self);
const char         *ferry_pci_get_driver_name  (FerryPci *self);

G_END_DECLS
