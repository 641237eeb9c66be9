/* ferry-host-cpu.c: a physical CPU of a host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-host-cpu"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-host-cpu.h"

typedef struct
{
  char     *host;
  gint64    number;
  char     *vendor;
  gint64    speed;
  char     *modelname;
  gint64    family;
  gint64    model;
  char     *stepping;
  char     *flags;
  char     *features;
  double    utilisation;
} Fields;

struct _FerryHostCpu
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_HOST,
  PROP_NUMBER,
  PROP_VENDOR,
  PROP_SPEED,
  PROP_MODELNAME,
  PROP_FAMILY,
  PROP_MODEL,
  PROP_STEPPING,
  PROP_FLAGS,
  PROP_FEATURES,
  PROP_UTILISATION,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("host", REF, Fields, host, PROP_HOST),
  FERRY_FIELD ("number", INT, Fields, number, PROP_NUMBER),
  FERRY_FIELD ("vendor", STRING, Fields, vendor, PROP_VENDOR),
  FERRY_FIELD ("speed", INT, Fields, speed, PROP_SPEED),
  FERRY_FIELD ("modelname", STRING, Fields, modelname, PROP_MODELNAME),
  FERRY_FIELD ("family", INT, Fields, family, PROP_FAMILY),
  FERRY_FIELD ("model", INT, Fields, model, PROP_MODEL),
  FERRY_FIELD ("stepping", STRING, Fields, stepping, PROP_STEPPING),
  FERRY_FIELD ("flags", STRING, Fields, flags, PROP_FLAGS),
  FERRY_FIELD ("features", STRING, Fields, features, PROP_FEATURES),
  FERRY_FIELD ("utilisation", FLOAT, Fields, utilisation, PROP_UTILISATION),
};

FERRY_DEFINE_OBJECT_TYPE (FerryHostCpu, ferry_host_cpu, FERRY_CLASS_HOST_CPU, "host_cpu")

FERRY_DEFINE_GETTER (FerryHostCpu, ferry_host_cpu, const char *, host, host)
FERRY_DEFINE_GETTER (FerryHostCpu, ferry_host_cpu, gint64, number, number)
FERRY_DEFINE_GETTER (FerryHostCpu, ferry_host_cpu, const char *, vendor, vendor)
FERRY_DEFINE_GETTER (FerryHostCpu, ferry_host_cpu, gint64, speed, speed)
FERRY_DEFINE_GETTER (FerryHostCpu, ferry_host_cpu, const char *, modelname, modelname)
FERRY_DEFINE_GETTER (FerryHostCpu, ferry_host_cpu, gint64, family, family)
FERRY_DEFINE_GETTER (FerryHostCpu, ferry_host_cpu, gint64, model, model)
FERRY_DEFINE_GETTER (FerryHostCpu, ferry_host_cpu, const char *, stepping, stepping)
FERRY_DEFINE_GETTER (FerryHostCpu, ferry_host_cpu, const char *, flags, flags)
FERRY_DEFINE_GETTER (FerryHostCpu, ferry_host_cpu, const char *, features, features)
FERRY_DEFINE_GETTER (FerryHostCpu, ferry_host_cpu, double, utilisation, utilisation)
