/* ferry-pbd.c: the attachment of an SR to a host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-pbd"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-pbd.h"

typedef struct
{
  char     *host;
  char     *sr;
  gboolean  currently_attached;
  char    **device_config;
} Fields;

struct _FerryPbd
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_HOST,
  PROP_SR,
  PROP_CURRENTLY_ATTACHED,
  PROP_DEVICE_CONFIG,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("host", REF, Fields, host, PROP_HOST),
  FERRY_FIELD ("SR", REF, Fields, sr, PROP_SR),
  FERRY_FIELD ("currently_attached", BOOLEAN, Fields, currently_attached, PROP_CURRENTLY_ATTACHED),
  FERRY_FIELD ("device_config", MAP, Fields, device_config, PROP_DEVICE_CONFIG),
};

FERRY_DEFINE_OBJECT_TYPE (FerryPbd, ferry_pbd, FERRY_CLASS_PBD, "PBD")

FERRY_DEFINE_GETTER (FerryPbd, ferry_pbd, const char *, host, host)
FERRY_DEFINE_GETTER (FerryPbd, ferry_pbd, const char *, sr, sr)
FERRY_DEFINE_GETTER (FerryPbd, ferry_pbd, gboolean, currently_attached, currently_attached)
FERRY_DEFINE_MAP_LOOKUP (FerryPbd, ferry_pbd, device_config, device_config)
