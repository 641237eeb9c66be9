/* ferry-host-metrics.c: a host's memory and liveness
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-host-metrics"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-host-metrics.h"

typedef struct
{
  gint64    memory_total;
  gint64    memory_free;
  gboolean  live;
  char     *last_updated;
} Fields;

struct _FerryHostMetrics
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_MEMORY_TOTAL,
  PROP_MEMORY_FREE,
  PROP_LIVE,
  PROP_LAST_UPDATED,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("memory_total", INT, Fields, memory_total, PROP_MEMORY_TOTAL),
  FERRY_FIELD ("memory_free", INT, Fields, memory_free, PROP_MEMORY_FREE),
  FERRY_FIELD ("live", BOOLEAN, Fields, live, PROP_LIVE),
  FERRY_FIELD ("last_updated", STRING, Fields, last_updated, PROP_LAST_UPDATED),
};

FERRY_DEFINE_OBJECT_TYPE (FerryHostMetrics, ferry_host_metrics, FERRY_CLASS_HOST_METRICS, "host_metrics")

FERRY_DEFINE_GETTER (FerryHostMetrics, ferry_host_metrics, gint64, memory_total, memory_total)
FERRY_DEFINE_GETTER (FerryHostMetrics, ferry_host_metrics, gint64, memory_free, memory_free)
FERRY_DEFINE_GETTER (FerryHostMetrics, ferry_host_metrics, gboolean, live, live)
FERRY_DEFINE_GETTER (FerryHostMetrics, ferry_host_metrics, const char *, last_updated, last_updated)
