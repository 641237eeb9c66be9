/* ferry-recovery.c: where a VM is after a failure, said plainly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-recovery"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-error.h"
#include "ferry-host.h"
#include "ferry-plan-private.h"
#include "ferry-recovery.h"

G_DEFINE_ENUM_TYPE (FerryVmWhere, ferry_vm_where,
  G_DEFINE_ENUM_VALUE (FERRY_VM_WHERE_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (FERRY_VM_WHERE_SOURCE, "running-on-source"),
  G_DEFINE_ENUM_VALUE (FERRY_VM_WHERE_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (FERRY_VM_WHERE_DESTINATION, "on-destination"),
  G_DEFINE_ENUM_VALUE (FERRY_VM_WHERE_HALTED, "halted"),
  G_DEFINE_ENUM_VALUE (FERRY_VM_WHERE_SUSPENDED, "suspended"),
  G_DEFINE_ENUM_VALUE (FERRY_VM_WHERE_ELSEWHERE, "elsewhere"),
  G_DEFINE_ENUM_VALUE (FERRY_VM_WHERE_MOVING, "moving"),
  G_DEFINE_ENUM_VALUE (FERRY_VM_WHERE_GONE, "gone"))

FerryVmLocation *
ferry_vm_location_copy (const FerryVmLocation *location)
{
  FerryVmLocation *copy;

  g_return_val_if_fail (location != NULL, NULL);

  copy = g_new0 (FerryVmLocation, 1);
  copy->where = location->where;
  copy->vm_ref = g_strdup (location->vm_ref);
  copy->pool_uuid = g_strdup (location->pool_uuid);
  copy->pool_name = g_strdup (location->pool_name);
  copy->host_uuid = g_strdup (location->host_uuid);
  copy->host_name = g_strdup (location->host_name);
  copy->power_state = g_strdup (location->power_state);
  copy->task_ref = g_strdup (location->task_ref);
  copy->task_operation = g_strdup (location->task_operation);
  copy->text = g_strdup (location->text);
  copy->remedy = g_strdup (location->remedy);
  return copy;
}

void
ferry_vm_location_free (FerryVmLocation *location)
{
  if (location == NULL)
    return;
  g_free (location->vm_ref);
  g_free (location->pool_uuid);
  g_free (location->pool_name);
  g_free (location->host_uuid);
  g_free (location->host_name);
  g_free (location->power_state);
  g_free (location->task_ref);
  g_free (location->task_operation);
  g_free (location->text);
  g_free (location->remedy);
  g_free (location);
}

G_DEFINE_BOXED_TYPE (FerryVmLocation, ferry_vm_location, ferry_vm_location_copy, ferry_vm_location_free)

const char *
ferry_vm_where_to_string (FerryVmWhere where)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (FERRY_TYPE_VM_WHERE);
  GEnumValue *value = g_enum_get_value (klass, where);

  return value ? value->value_nick : "unknown";
}

gboolean
ferry_vm_location_can_unpause (const FerryVmLocation *location)
{
  return location != NULL && location->where == FERRY_VM_WHERE_PAUSED && location->vm_ref != NULL;
}

/* Locating ----------------------------------------------------------------- */

typedef struct
{
  GListModel      *connections;
  FerryPlanItem   *item;
  FerryConnection *connection;   /* the pool being asked */
  gboolean         destination;  /* asking the destination pool */
  char            *vm_ref;
  GError          *transport_error;
} Locate;

static void
locate_free (gpointer data)
{
  Locate *locate = data;

  g_clear_object (&locate->connections);
  g_clear_object (&locate->item);
  g_clear_object (&locate->connection);
  g_free (locate->vm_ref);
  g_clear_error (&locate->transport_error);
  g_free (locate);
}

static void ask_pool (GTask *task);

static const char *
host_name (FerryConnection *connection,
           const char      *ref,
           const char     **uuid)
{
  FerryObject *host = ferry_cache_lookup (ferry_connection_get_cache (connection), ref);

  if (FERRY_IS_HOST (host))
    {
      *uuid = ferry_object_get_uuid (host);
      return ferry_object_get_name_label (host);
    }
  *uuid = NULL;
  return NULL;
}

static void
describe (FerryVmLocation *location,
          const char      *vm_name)
{
  const char *host = location->host_name ? location->host_name : _("an unknown host");

  switch (location->where)
    {
    case FERRY_VM_WHERE_SOURCE:
      location->text = g_strdup_printf (_("%s is still running on %s."), vm_name, host);
      location->remedy = g_strdup (_("Nothing moved. Fix the cause, then try again."));
      break;
    case FERRY_VM_WHERE_PAUSED:
      location->text = g_strdup_printf (_("%s is paused on %s."), vm_name, host);
      location->remedy = g_strdup (_("Unpause it to let it run again (R29); then try the move again."));
      break;
    case FERRY_VM_WHERE_DESTINATION:
      location->text = location->host_name
                     ? g_strdup_printf (_("%s is on %s."), vm_name, host)
                     : g_strdup_printf (_("%s is in %s."), vm_name, location->pool_name);
      break;
    case FERRY_VM_WHERE_HALTED:
      location->text = g_strdup_printf (_("%s is halted, in %s."), vm_name, location->pool_name);
      location->remedy = g_strdup (_("Start it where it should run."));
      break;
    case FERRY_VM_WHERE_SUSPENDED:
      location->text = g_strdup_printf (_("%s is suspended, in %s."), vm_name, location->pool_name);
      location->remedy = g_strdup (_("Resume it where it should run."));
      break;
    case FERRY_VM_WHERE_ELSEWHERE:
      location->text = g_strdup_printf (_("%s is running on %s."), vm_name, host);
      break;
    case FERRY_VM_WHERE_MOVING:
      location->text = g_strdup_printf (_("%s is still being moved (%s)."), vm_name, location->task_operation);
      location->remedy = g_strdup (_("Wait until that move has finished."));
      break;
    case FERRY_VM_WHERE_GONE:
      location->text = g_strdup_printf (_("%s is in neither its source nor its destination pool."), vm_name);
      location->remedy = g_strdup (_("Look for it in the other pools, and in the history."));
      break;
    case FERRY_VM_WHERE_UNKNOWN:
    default:
      location->text = g_strdup_printf (_("Where %s is could not be read."), vm_name);
      location->remedy = g_strdup (_("Check the connections to its pools."));
      break;
    }
}

static void
classify (GTask      *task,
          JsonObject *record)
{
  Locate *locate = g_task_get_task_data (task);
  FerryPlanItem *item = locate->item;
  g_autoptr(FerryVmLocation) location = g_new0 (FerryVmLocation, 1);
  FerryCache *cache = ferry_connection_get_cache (locate->connection);
  const char *power = _ferry_json_get_string (record, "power_state");
  const char *resident = _ferry_json_get_string (record, "resident_on");
  JsonObject *operations = _ferry_json_get_object (record, "current_operations");
  const char *host_uuid = NULL;
  const char *name;

  location->vm_ref = g_strdup (locate->vm_ref);
  location->pool_uuid = g_strdup (_ferry_cache_get_pool_uuid (cache));
  location->pool_name = _ferry_cache_dup_pool_name (cache);
  location->power_state = g_strdup (power);
  if (location->pool_uuid == NULL)
    location->pool_uuid = g_strdup (locate->destination ? ferry_plan_item_get_to_pool_uuid (item)
                                                        : ferry_plan_item_get_from_pool_uuid (item));
  if (resident != NULL && g_str_has_prefix (resident, "OpaqueRef:") && !g_str_equal (resident, "OpaqueRef:NULL"))
    {
      name = host_name (locate->connection, resident, &host_uuid);
      location->host_uuid = g_strdup (host_uuid);
      location->host_name = g_strdup (name);
    }

  if (operations != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (operations);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *op = _ferry_json_get_string (operations, l->data);

          if (g_strcmp0 (op, "pool_migrate") == 0 || g_strcmp0 (op, "migrate_send") == 0)
            {
              location->where = FERRY_VM_WHERE_MOVING;
              location->task_ref = g_strdup (l->data);
              location->task_operation = g_strdup (op);
              break;
            }
        }
    }

  if (location->where == FERRY_VM_WHERE_MOVING)
    ;
  else if (g_ascii_strcasecmp (power ? power : "", "Halted") == 0)
    location->where = FERRY_VM_WHERE_HALTED;
  else if (g_ascii_strcasecmp (power ? power : "", "Suspended") == 0)
    location->where = FERRY_VM_WHERE_SUSPENDED;
  else if (g_ascii_strcasecmp (power ? power : "", "Paused") == 0)
    location->where = FERRY_VM_WHERE_PAUSED;
  else if (locate->destination)
    location->where = FERRY_VM_WHERE_DESTINATION;
  else if (host_uuid != NULL && g_strcmp0 (host_uuid, ferry_plan_item_get_to_host_uuid (item)) == 0 &&
           g_strcmp0 (host_uuid, ferry_plan_item_get_from_host_uuid (item)) != 0)
    location->where = FERRY_VM_WHERE_DESTINATION;
  else if (host_uuid != NULL && g_strcmp0 (host_uuid, ferry_plan_item_get_from_host_uuid (item)) == 0)
    location->where = ferry_plan_item_get_operation (item) == FERRY_OPERATION_MOVE_DISK
                    ? FERRY_VM_WHERE_DESTINATION : FERRY_VM_WHERE_SOURCE;
  else
    location->where = FERRY_VM_WHERE_ELSEWHERE;

  describe (location, ferry_plan_item_get_vm_name (item));
  g_task_return_pointer (task, g_steal_pointer (&location), (GDestroyNotify) ferry_vm_location_free);
}

static gboolean
is_transport (const GError *error)
{
  return error->domain == FERRY_RPC_ERROR;
}

/* Not in this pool: ask the other one, or say it is gone. */
static void
next_pool (GTask *task)
{
  Locate *locate = g_task_get_task_data (task);

  if (!locate->destination && ferry_plan_item_is_cross_pool (locate->item))
    {
      locate->destination = TRUE;
      ask_pool (task);
      return;
    }

  if (locate->transport_error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&locate->transport_error));
      return;
    }

  {
    g_autoptr(FerryVmLocation) location = g_new0 (FerryVmLocation, 1);

    location->where = FERRY_VM_WHERE_GONE;
    describe (location, ferry_plan_item_get_vm_name (locate->item));
    g_task_return_pointer (task, g_steal_pointer (&location), (GDestroyNotify) ferry_vm_location_free);
  }
}

static void
on_record_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Locate *locate = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (error != NULL && is_transport (error) && locate->transport_error == NULL)
        locate->transport_error = g_steal_pointer (&error);
      next_pool (task);
      return;
    }

  classify (task, json_node_get_object (node));
}

static void
on_ref_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Locate *locate = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (error != NULL && is_transport (error) && locate->transport_error == NULL)
        locate->transport_error = g_steal_pointer (&error);
      next_pool (task);
      return;
    }

  g_free (locate->vm_ref);
  locate->vm_ref = g_strdup (json_node_get_string (node));
  ferry_connection_call_async (locate->connection, "VM.get_record", g_variant_new ("(s)", locate->vm_ref),
                               FERRY_CALL_IDEMPOTENT, g_task_get_cancellable (task),
                               on_record_cb, g_object_ref (task));
}

static void
ask_pool (GTask *task)
{
  Locate *locate = g_task_get_task_data (task);
  const char *pool = locate->destination ? ferry_plan_item_get_to_pool_uuid (locate->item)
                                         : ferry_plan_item_get_from_pool_uuid (locate->item);
  FerryConnection *connection = _ferry_connections_find_pool (locate->connections, pool);

  if (connection == NULL)
    {
      if (locate->transport_error == NULL)
        locate->transport_error = g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_NOT_CONNECTED,
                                               _("Ferry is not connected to %s"),
                                               locate->destination ? ferry_plan_item_get_to_pool_name (locate->item)
                                                                   : ferry_plan_item_get_from_pool_name (locate->item));
      next_pool (task);
      return;
    }

  g_set_object (&locate->connection, connection);
  ferry_connection_call_async (connection, "VM.get_by_uuid",
                               g_variant_new ("(s)", ferry_plan_item_get_vm_uuid (locate->item)),
                               FERRY_CALL_IDEMPOTENT, g_task_get_cancellable (task),
                               on_ref_cb, g_object_ref (task));
}

void
ferry_recovery_locate_async (GListModel          *connections,
                             FerryPlanItem       *item,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Locate *locate;

  g_return_if_fail (G_IS_LIST_MODEL (connections));
  g_return_if_fail (FERRY_IS_PLAN_ITEM (item));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_recovery_locate_async);
  locate = g_new0 (Locate, 1);
  locate->connections = g_object_ref (connections);
  locate->item = g_object_ref (item);
  g_task_set_task_data (task, locate, locate_free);

  ask_pool (task);
}

FerryVmLocation *
ferry_recovery_locate_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_recovery_locate_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_unpaused_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
ferry_recovery_unpause_async (FerryConnection     *connection,
                              const char          *vm_ref,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FERRY_IS_CONNECTION (connection));
  g_return_if_fail (vm_ref != NULL);

  task = g_task_new (connection, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_recovery_unpause_async);
  ferry_connection_call_async (connection, "VM.unpause", g_variant_new ("(s)", vm_ref), FERRY_CALL_NONE,
                               cancellable, on_unpaused_cb, g_steal_pointer (&task));
}

gboolean
ferry_recovery_unpause_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_recovery_unpause_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
