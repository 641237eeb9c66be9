/* ferry-host-metrics.h: a host's memory and liveness (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_HOST_METRICS (ferry_host_metrics_get_type ())

G_DECLARE_FINAL_TYPE (FerryHostMetrics, ferry_host_metrics, FERRY, HOST_METRICS, FerryObject)

gint64      ferry_host_metrics_get_memory_total (FerryHostMetrics *self);
gint64      ferry_host_metrics_get_memory_free  (FerryHostMetrics *self);
gboolean    ferry_host_metrics_get_live         (FerryHostMetrics *self);
const char *ferry_host_metrics_get_last_updated (FerryHostMetrics *self);

G_END_DECLS
