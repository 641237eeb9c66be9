/* ferry-task.h: a server-side task (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_TASK_STATUS_UNKNOWN,
  FERRY_TASK_STATUS_PENDING,
  FERRY_TASK_STATUS_SUCCESS,
  FERRY_TASK_STATUS_FAILURE,
  FERRY_TASK_STATUS_CANCELLING,
  FERRY_TASK_STATUS_CANCELLED,
} FerryTaskStatus;

#define FERRY_TYPE_TASK_STATUS (ferry_task_status_get_type ())

GType ferry_task_status_get_type (void) G_GNUC_CONST;

#define FERRY_TYPE_TASK (ferry_task_get_type ())

G_DECLARE_FINAL_TYPE (FerryTask, ferry_task, FERRY, TASK, FerryObject)

FerryTaskStatus     ferry_task_get_status      (FerryTask *self);
double              ferry_task_get_progress    (FerryTask *self);
const char         *ferry_task_get_created     (FerryTask *self);
const char         *ferry_task_get_finished    (FerryTask *self);
const char         *ferry_task_get_resident_on (FerryTask *self);
const char         *ferry_task_get_task_type   (FerryTask *self);
const char         *ferry_task_get_result      (FerryTask *self);
const char * const *ferry_task_get_error_info  (FerryTask *self);
const char         *ferry_task_get_subtask_of  (FerryTask *self);
GListModel         *ferry_task_get_subtasks    (FerryTask *self);

G_END_DECLS
