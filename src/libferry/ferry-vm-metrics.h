/* ferry-vm-metrics.h: a running VM's metrics (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_VM_METRICS (ferry_vm_metrics_get_type ())

G_DECLARE_FINAL_TYPE (FerryVmMetrics, ferry_vm_metrics, FERRY, VM_METRICS, FerryObject)

gint64              ferry_vm_metrics_get_memory_actual       (FerryVmMetrics *self);
gint64              ferry_vm_metrics_get_vcpus_number        (FerryVmMetrics *self);
const char * const *ferry_vm_metrics_get_state               (FerryVmMetrics *self);
const char         *ferry_vm_metrics_get_start_time          (FerryVmMetrics *self);
const char         *ferry_vm_metrics_get_install_time        (FerryVmMetrics *self);
const char         *ferry_vm_metrics_get_last_updated        (FerryVmMetrics *self);
gboolean            ferry_vm_metrics_get_hvm                 (FerryVmMetrics *self);
gboolean            ferry_vm_metrics_get_nested_virt         (FerryVmMetrics *self);
gboolean            ferry_vm_metrics_get_nomigrate           (FerryVmMetrics *self);
const char         *ferry_vm_metrics_get_current_domain_type (FerryVmMetrics *self);

G_END_DECLS
