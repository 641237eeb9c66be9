/* ferry-task.c: a server-side task
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-task"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-task.h"

typedef struct
{
  int       status;
  double    progress;
  char     *created;
  char     *finished;
  char     *resident_on;
  char     *type;
  char     *result;
  char    **error_info;
  char     *subtask_of;
} Fields;

struct _FerryTask
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_STATUS,
  PROP_PROGRESS,
  PROP_CREATED,
  PROP_FINISHED,
  PROP_RESIDENT_ON,
  PROP_TYPE,
  PROP_RESULT,
  PROP_ERROR_INFO,
  PROP_SUBTASK_OF,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD_ENUM ("status", Fields, status, PROP_STATUS, ferry_task_status_get_type),
  FERRY_FIELD ("progress", FLOAT, Fields, progress, PROP_PROGRESS),
  FERRY_FIELD ("created", STRING, Fields, created, PROP_CREATED),
  FERRY_FIELD ("finished", STRING, Fields, finished, PROP_FINISHED),
  FERRY_FIELD ("resident_on", REF, Fields, resident_on, PROP_RESIDENT_ON),
  FERRY_FIELD ("type", STRING, Fields, type, PROP_TYPE),
  FERRY_FIELD ("result", STRING, Fields, result, PROP_RESULT),
  FERRY_FIELD ("error_info", SET, Fields, error_info, PROP_ERROR_INFO),
  FERRY_FIELD ("subtask_of", REF, Fields, subtask_of, PROP_SUBTASK_OF),
};

G_DEFINE_ENUM_TYPE (FerryTaskStatus, ferry_task_status,
  G_DEFINE_ENUM_VALUE (FERRY_TASK_STATUS_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (FERRY_TASK_STATUS_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (FERRY_TASK_STATUS_SUCCESS, "success"),
  G_DEFINE_ENUM_VALUE (FERRY_TASK_STATUS_FAILURE, "failure"),
  G_DEFINE_ENUM_VALUE (FERRY_TASK_STATUS_CANCELLING, "cancelling"),
  G_DEFINE_ENUM_VALUE (FERRY_TASK_STATUS_CANCELLED, "cancelled"))

FERRY_DEFINE_OBJECT_TYPE (FerryTask, ferry_task, FERRY_CLASS_TASK, "task")

FERRY_DEFINE_GETTER (FerryTask, ferry_task, FerryTaskStatus, status, status)
FERRY_DEFINE_GETTER (FerryTask, ferry_task, double, progress, progress)
FERRY_DEFINE_GETTER (FerryTask, ferry_task, const char *, created, created)
FERRY_DEFINE_GETTER (FerryTask, ferry_task, const char *, finished, finished)
FERRY_DEFINE_GETTER (FerryTask, ferry_task, const char *, resident_on, resident_on)
FERRY_DEFINE_GETTER (FerryTask, ferry_task, const char *, task_type, type)
FERRY_DEFINE_GETTER (FerryTask, ferry_task, const char *, result, result)
FERRY_DEFINE_SET_GETTER (FerryTask, ferry_task, error_info, error_info)
FERRY_DEFINE_GETTER (FerryTask, ferry_task, const char *, subtask_of, subtask_of)
FERRY_DEFINE_RELATION_GETTER (FerryTask, ferry_task, subtasks, FERRY_RELATION_TASK_SUBTASKS)
