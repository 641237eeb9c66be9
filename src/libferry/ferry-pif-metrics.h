/* ferry-pif-metrics.h: a network interface's link (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_PIF_METRICS (ferry_pif_metrics_get_type ())

G_DECLARE_FINAL_TYPE (FerryPifMetrics, ferry_pif_metrics, FERRY, PIF_METRICS, FerryObject)

gint64      ferry_pif_metrics_get_speed   (FerryPifMetrics *self);  /* Mbit/s; 0 when unknown */
gboolean    ferry_pif_metrics_get_carrier (FerryPifMetrics *self);
gboolean    ferry_pif_metrics_get_duplex  (FerryPifMetrics *self);

G_END_DECLS
