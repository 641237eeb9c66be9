/* ferry-message.h: an alert about an object (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_MESSAGE (ferry_message_get_type ())

G_DECLARE_FINAL_TYPE (FerryMessage, ferry_message, FERRY, MESSAGE, FerryObject)

const char *ferry_message_get_name      (FerryMessage *self);
gint64      ferry_message_get_priority  (FerryMessage *self);
const char *ferry_message_get_cls       (FerryMessage *self);
const char *ferry_message_get_obj_uuid  (FerryMessage *self);
const char *ferry_message_get_timestamp (FerryMessage *self);
const char *ferry_message_get_body      (FerryMessage *self);

G_END_DECLS
