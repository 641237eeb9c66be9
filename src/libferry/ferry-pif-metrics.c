/* ferry-pif-metrics.c: a network interface's link (speed in Mbit/s, carrier)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-pif-metrics"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-pif-metrics.h"

typedef struct
{
  gint64    speed;
  gboolean  carrier;
  gboolean  duplex;
} Fields;

struct _FerryPifMetrics
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_SPEED,
  PROP_CARRIER,
  PROP_DUPLEX,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("speed", INT, Fields, speed, PROP_SPEED),
  FERRY_FIELD ("carrier", BOOLEAN, Fields, carrier, PROP_CARRIER),
  FERRY_FIELD ("duplex", BOOLEAN, Fields, duplex, PROP_DUPLEX),
};

FERRY_DEFINE_OBJECT_TYPE (FerryPifMetrics, ferry_pif_metrics, FERRY_CLASS_PIF_METRICS, "PIF_metrics")

FERRY_DEFINE_GETTER (FerryPifMetrics, ferry_pif_metrics, gint64, speed, speed)
FERRY_DEFINE_GETTER (FerryPifMetrics, ferry_pif_metrics, gboolean, carrier, carrier)
FERRY_DEFINE_GETTER (FerryPifMetrics, ferry_pif_metrics, gboolean, duplex, duplex)
