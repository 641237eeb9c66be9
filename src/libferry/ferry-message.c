/* ferry-message.c: an alert about an object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-message"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-message.h"

typedef struct
{
  char     *name;
  gint64    priority;
  char     *cls;
  char     *obj_uuid;
  char     *timestamp;
  char     *body;
} Fields;

struct _FerryMessage
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_PRIORITY,
  PROP_CLS,
  PROP_OBJ_UUID,
  PROP_TIMESTAMP,
  PROP_BODY,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("name", STRING, Fields, name, PROP_NAME),
  FERRY_FIELD ("priority", INT, Fields, priority, PROP_PRIORITY),
  FERRY_FIELD ("cls", STRING, Fields, cls, PROP_CLS),
  FERRY_FIELD ("obj_uuid", STRING, Fields, obj_uuid, PROP_OBJ_UUID),
  FERRY_FIELD ("timestamp", STRING, Fields, timestamp, PROP_TIMESTAMP),
  FERRY_FIELD ("body", STRING, Fields, body, PROP_BODY),
};

FERRY_DEFINE_OBJECT_TYPE (FerryMessage, ferry_message, FERRY_CLASS_MESSAGE, "message")

FERRY_DEFINE_GETTER (FerryMessage, ferry_message, const char *, name, name)
FERRY_DEFINE_GETTER (FerryMessage, ferry_message, gint64, priority, priority)
FERRY_DEFINE_GETTER (FerryMessage, ferry_message, const char *, cls, cls)
FERRY_DEFINE_GETTER (FerryMessage, ferry_message, const char *, obj_uuid, obj_uuid)
FERRY_DEFINE_GETTER (FerryMessage, ferry_message, const char *, timestamp, timestamp)
FERRY_DEFINE_GETTER (FerryMessage, ferry_message, const char *, body, body)
