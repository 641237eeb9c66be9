/* ferry-sim-storage.c: disk moves and the VBD/VDI messages moves need
 *
 * VDI.pool_migrate (O3, a migrate_send within the pool, ferry-sim-migrate.c),
 * VDI.copy (O4: a task whose progress follows the time model's estimate),
 * VDI.destroy, VDI.enable_cbt/disable_cbt (R7), VBD.create/destroy/eject/insert.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-storage"

#include "config.h"

#include <math.h>

#include "ferry-sim-builder.h"
#include "ferry-sim-checks.h"
#include "ferry-sim-error.h"
#include "ferry-sim-faults.h"
#include "ferry-sim-migrate.h"
#include "ferry-sim-ops.h"
#include "ferry-sim-rpc-private.h"
#include "ferry-sim-timemodel.h"
#include "ferry-sim-world.h"

#define COPY_STEPS 20

static gboolean
sr_takes_disks (FerrySimRow *sr)
{
  const char *type = ferry_sim_row_get_string (sr, "type");

  return g_strcmp0 (type, "iso") != 0 && g_strcmp0 (type, "udev") != 0 &&
         g_strcmp0 (ferry_sim_row_get_string (sr, "content_type"), "iso") != 0;
}

/* VDI.pool_migrate --------------------------------------------------------- */

static void
vdi_pool_migrate (FerrySimCall *call)
{
  GError *error = NULL;
  FerrySimRow *vdi = ferry_sim_call_get_arg_row (call, 0, "VDI", &error);
  FerrySimRow *sr = vdi ? ferry_sim_call_get_arg_row (call, 1, "SR", &error) : NULL;
  FerrySimMoveCall *data;

  if (sr == NULL)
    {
      ferry_sim_call_return_error (call, error);
      return;
    }

  data = ferry_sim_move_call_new (call, TRUE);
  if (!ferry_sim_vdi_pool_migrate_start (ferry_sim_call_get_pool (call), ferry_sim_call_get_session (call),
                                         vdi, sr, ferry_sim_call_get_arg (call, 2),
                                         ferry_sim_move_call_get_task (data), ferry_sim_call_get_cancellable (call),
                                         ferry_sim_move_call_done, data, &error))
    {
      ferry_sim_move_call_done (NULL, error, data);
      g_error_free (error);
    }
}

/* VDI.copy ------------------------------------------------------------------ */

typedef struct
{
  FerrySimCall     *call;
  FerrySimMoveCall *reply;
  char             *vdi;
  char             *copy;
  gboolean          into;        /* into an existing VDI: nothing to delete on failure */
  double            duration_s;  /* simulated */
  double            started;     /* simulated */
  GSource          *timer;
} Copy;

static void
copy_free (Copy *copy)
{
  _ferry_sim_source_clear (&copy->timer);
  g_free (copy->vdi);
  g_free (copy->copy);
  g_free (copy);
}

static double
sim_now (FerrySimCall *call)
{
  FerrySimWorld *world = ferry_sim_pool_get_world (ferry_sim_call_get_pool (call));

  return world ? ferry_sim_world_get_sim_time (world) : g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

static double
time_scale (FerrySimCall *call)
{
  FerrySimWorld *world = ferry_sim_pool_get_world (ferry_sim_call_get_pool (call));

  return world ? ferry_sim_world_get_time_scale (world) : 1.0;
}

static void
end_copy (Copy   *copy,
          GError *error)
{
  FerrySimDb *db = ferry_sim_call_get_db (copy->call);
  FerrySimRow *made = ferry_sim_db_lookup_in (db, "VDI", copy->copy);

  ferry_sim_ops_remove_operation (db, copy->vdi, ferry_sim_move_call_get_task (copy->reply));
  ferry_sim_ops_task_set_cancellable (db, ferry_sim_move_call_get_task (copy->reply), FALSE);
  if (error != NULL && made != NULL && !copy->into)
    ferry_sim_ops_destroy_vdi (db, made);

  ferry_sim_move_call_done (error ? NULL : copy->copy, error, copy->reply);
  ferry_sim_call_unref (copy->call);
  g_clear_error (&error);
  copy_free (copy);
}

static gboolean
copy_tick_cb (gpointer data)
{
  Copy *copy = data;
  FerrySimDb *db = ferry_sim_call_get_db (copy->call);
  FerrySimWorld *world = ferry_sim_pool_get_world (ferry_sim_call_get_pool (copy->call));
  const char *task = ferry_sim_move_call_get_task (copy->reply);
  double progress = copy->duration_s > 0 ? (sim_now (copy->call) - copy->started) / copy->duration_s : 1.0;
  GError *error = NULL;

  g_clear_pointer (&copy->timer, g_source_unref);

  if (g_cancellable_is_cancelled (ferry_sim_call_get_cancellable (copy->call)))
    {
      ferry_sim_set_failure (&error, "TASK_CANCELLED", task, NULL);
      end_copy (copy, error);
      return G_SOURCE_REMOVE;
    }
  if (world != NULL &&
      !ferry_sim_faults_check_migration (world, ferry_sim_call_get_pool (copy->call), copy->vdi,
                                         CLAMP (progress, 0, 1), NULL, &error))
    {
      end_copy (copy, error);
      return G_SOURCE_REMOVE;
    }
  if (progress >= 1.0)
    {
      end_copy (copy, NULL);
      return G_SOURCE_REMOVE;
    }

  ferry_sim_ops_task_set_progress (db, task, MIN (progress, 0.99));
  copy->timer = _ferry_sim_timeout_add ((guint) ceil (copy->duration_s / COPY_STEPS / time_scale (copy->call) * 1000),
                                        copy_tick_cb, copy, NULL);
  return G_SOURCE_REMOVE;
}

/* How long the copy takes: its data through the slower SR (one transfer of
 * the time model, alone on its links). */
static double
copy_duration (FerrySimPool *pool,
               FerrySimRow  *vdi,
               FerrySimRow  *from,
               FerrySimRow  *to)
{
  FerrySimMigrationParams params;
  FerrySimMigrationOutcome outcome;
  FerrySimDiskParams disk = { 0 };
  double from_rate = ferry_sim_pool_get_sim_number (pool, from->ref, FERRY_SIM_ATTR_BANDWIDTH,
                                                    FERRY_SIM_TM_DEFAULT_SR_MIB_S);
  double to_rate = ferry_sim_pool_get_sim_number (pool, to->ref, FERRY_SIM_ATTR_BANDWIDTH,
                                                  FERRY_SIM_TM_DEFAULT_SR_MIB_S);

  ferry_sim_migration_params_init (&params);
  disk.bytes = (double) ferry_sim_row_get_int (vdi, "physical_utilisation");
  disk.rate = MIN (from_rate, to_rate) * FERRY_SIM_MiB;
  params.disks = &disk;
  params.n_disks = 1;
  ferry_sim_migration_estimate (&params, &outcome);
  return outcome.duration_s;
}

static void
vdi_copy (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  GError *error = NULL;
  FerrySimRow *vdi = ferry_sim_call_get_arg_row (call, 0, "VDI", &error);
  FerrySimRow *sr = vdi ? ferry_sim_call_get_arg_row (call, 1, "SR", &error) : NULL;
  const char *into_ref = ferry_sim_call_get_n_args (call) > 3 ? ferry_sim_call_get_arg_string (call, 3) : NULL;
  FerrySimRow *into = NULL;
  FerrySimRow *source_sr;
  FerrySimRow *made;
  Copy *copy;

  if (sr == NULL)
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  if (!ferry_sim_is_null_ref (into_ref) && (into = ferry_sim_call_get_arg_row (call, 3, "VDI", &error)) == NULL)
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  if (!sr_takes_disks (sr))
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("SR_OPERATION_NOT_SUPPORTED", sr->ref, NULL));
      return;
    }
  if (!ferry_sim_ops_check_idle (vdi, "VDI", &error))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }

  copy = g_new0 (Copy, 1);
  copy->call = ferry_sim_call_ref (call);
  copy->reply = ferry_sim_move_call_new (call, TRUE);
  copy->vdi = g_strdup (vdi->ref);
  copy->into = into != NULL;

  /* No pre-check of space: the SM fails creating the copy (xapi.md §5.4). */
  source_sr = ferry_sim_follow (db, vdi, "SR");
  if (into == NULL && ferry_sim_ops_sr_free (sr) < ferry_sim_ops_copy_size (vdi, sr))
    {
      ferry_sim_ops_set_no_space (&error, sr, FALSE);
      end_copy (copy, error);
      return;
    }
  made = into != NULL ? into : ferry_sim_ops_copy_vdi (db, vdi, db, sr);
  if (made != vdi && into == NULL)
    {
      ferry_sim_db_set_bool (db, made, "is_a_snapshot", FALSE);
      ferry_sim_db_set_bool (db, made, "cbt_enabled", FALSE);
      ferry_sim_db_map_remove (db, made, "sm_config", "cbt_enabled");
    }
  copy->copy = g_strdup (made->ref);

  ferry_sim_ops_add_operation (db, vdi, ferry_sim_move_call_get_task (copy->reply), "copy");
  ferry_sim_ops_task_set_cancellable (db, ferry_sim_move_call_get_task (copy->reply), TRUE);
  copy->duration_s = copy_duration (ferry_sim_call_get_pool (call), vdi, source_sr ? source_sr : sr, sr);
  copy->started = sim_now (call);
  copy->timer = _ferry_sim_timeout_add (0, copy_tick_cb, copy, NULL);
}

/* VDI.destroy, CBT ----------------------------------------------------------- */

static void
vdi_destroy (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  GError *error = NULL;
  FerrySimRow *vdi = ferry_sim_call_get_arg_row (call, 0, "VDI", &error);
  g_autoptr(GPtrArray) vbds = NULL;

  if (vdi == NULL || !ferry_sim_ops_check_idle (vdi, "VDI", &error))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  vbds = ferry_sim_follow_set (db, vdi, "VBDs");
  for (guint i = 0; i < vbds->len; i++)
    if (ferry_sim_row_get_bool (g_ptr_array_index (vbds, i), "currently_attached"))
      {
        ferry_sim_call_return_error (call, ferry_sim_failure_new ("VDI_IN_USE", vdi->ref, "destroy", NULL));
        return;
      }
  /* Unplugged VBDs go with their VDI. */
  for (guint i = 0; i < vbds->len; i++)
    ferry_sim_db_delete_row (db, g_ptr_array_index (vbds, i));
  ferry_sim_ops_destroy_vdi (db, vdi);
  ferry_sim_call_return_void (call);
}

static void
set_cbt (FerrySimCall *call,
         gboolean      enabled)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  GError *error = NULL;
  FerrySimRow *vdi = ferry_sim_call_get_arg_row (call, 0, "VDI", &error);
  FerrySimRow *sr = vdi ? ferry_sim_follow (db, vdi, "SR") : NULL;
  GPtrArray *sms = ferry_sim_db_get_rows_by_name (db, "SM");
  gboolean supported = FALSE;

  if (vdi == NULL)
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  for (guint i = 0; sr != NULL && i < sms->len; i++)
    if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (sms, i), "type"), ferry_sim_row_get_string (sr, "type")) == 0)
      supported = ferry_sim_value_lookup (ferry_sim_row_get (g_ptr_array_index (sms, i), "features"), "VDI_CONFIG_CBT") != NULL;
  if (!supported)
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("SR_OPERATION_NOT_SUPPORTED", sr ? sr->ref : "", NULL));
      return;
    }
  if (ferry_sim_row_get_bool (vdi, "is_a_snapshot") && enabled)
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("VDI_IS_A_SNAPSHOT", vdi->ref, NULL));
      return;
    }
  if (!ferry_sim_ops_check_idle (vdi, "VDI", &error))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }

  ferry_sim_db_set_bool (db, vdi, "cbt_enabled", enabled);
  if (enabled)
    ferry_sim_db_map_set (db, vdi, "sm_config", "cbt_enabled", "true");
  else
    ferry_sim_db_map_remove (db, vdi, "sm_config", "cbt_enabled");
  ferry_sim_call_return_void (call);
}

static void
vdi_enable_cbt (FerrySimCall *call)
{
  set_cbt (call, TRUE);
}

static void
vdi_disable_cbt (FerrySimCall *call)
{
  set_cbt (call, FALSE);
}

/* VBDs ---------------------------------------------------------------------- */

static const char *
record_string (const FerrySimValue *record,
               const char          *key,
               const char          *fallback)
{
  const char *text = ferry_sim_value_lookup_string (record, key);

  return text ? text : fallback;
}

static gboolean
record_bool (const FerrySimValue *record,
             const char          *key,
             gboolean             fallback)
{
  const FerrySimValue *value = ferry_sim_value_lookup (record, key);

  if (value == NULL)
    return fallback;
  if (value->kind == FERRY_SIM_VALUE_BOOL)
    return value->b;
  return ferry_sim_text_is_true (ferry_sim_value_get_string (value));
}

static void
vbd_create (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  const FerrySimValue *record = ferry_sim_call_get_arg (call, 0);
  const char *vm_ref = record_string (record, "VM", FERRY_SIM_NULL_REF);
  const char *vdi_ref = record_string (record, "VDI", FERRY_SIM_NULL_REF);
  const char *type = record_string (record, "type", "Disk");
  const char *mode = record_string (record, "mode", "RW");
  const char *userdevice = record_string (record, "userdevice", "autodetect");
  gboolean empty = record_bool (record, "empty", FALSE);
  FerrySimRow *vm = ferry_sim_db_lookup_in (db, "VM", vm_ref);
  FerrySimRow *vdi = ferry_sim_db_lookup_in (db, "VDI", vdi_ref);
  const FerrySimValue *other_config = ferry_sim_value_lookup (record, "other_config");
  g_autoptr(GPtrArray) vbds = NULL;
  g_autofree char *chosen = NULL;
  FerrySimRow *vbd;
  const char *canonical;

  if (vm == NULL)
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("HANDLE_INVALID", "VM", vm_ref, NULL));
      return;
    }
  if (vdi == NULL && !empty)
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("HANDLE_INVALID", "VDI", vdi_ref, NULL));
      return;
    }
  if (!ferry_sim_type_is_enum_value (ferry_sim_type_parse ("enum vbd_type"), type, &canonical))
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("INVALID_VALUE", "type", type, NULL));
      return;
    }
  type = canonical;
  if (!ferry_sim_type_is_enum_value (ferry_sim_type_parse ("enum vbd_mode"), mode, &canonical))
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("INVALID_VALUE", "mode", mode, NULL));
      return;
    }
  mode = canonical;
  if (empty && g_strcmp0 (type, "CD") != 0)
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("VBD_NOT_REMOVABLE_MEDIA", FERRY_SIM_NULL_REF, NULL));
      return;
    }

  /* "autodetect": the first free device number. */
  vbds = ferry_sim_follow_set (db, vm, "VBDs");
  if (g_strcmp0 (userdevice, "autodetect") == 0)
    {
      for (guint n = 0; chosen == NULL; n++)
        {
          g_autofree char *candidate = g_strdup_printf ("%u", n);
          gboolean used = FALSE;

          for (guint i = 0; i < vbds->len; i++)
            used |= g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (vbds, i), "userdevice"), candidate) == 0;
          if (!used)
            chosen = g_steal_pointer (&candidate);
        }
      userdevice = chosen;
    }
  for (guint i = 0; i < vbds->len; i++)
    if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (vbds, i), "userdevice"), userdevice) == 0)
      {
        ferry_sim_call_return_error (call, ferry_sim_failure_new ("DEVICE_ALREADY_EXISTS", userdevice, NULL));
        return;
      }

  vbd = ferry_sim_db_create (db, "VBD");
  ferry_sim_ops_set_ref (db, vbd, "VM", vm->ref);
  ferry_sim_ops_set_ref (db, vbd, "VDI", empty ? NULL : vdi->ref);
  ferry_sim_db_set_string (db, vbd, "userdevice", userdevice);
  ferry_sim_db_set_bool (db, vbd, "bootable", record_bool (record, "bootable", FALSE));
  ferry_sim_db_set_string (db, vbd, "mode", mode);
  ferry_sim_db_set_string (db, vbd, "type", type);
  ferry_sim_db_set_bool (db, vbd, "empty", empty);
  ferry_sim_db_set_bool (db, vbd, "unpluggable", record_bool (record, "unpluggable", TRUE));
  if (other_config != NULL && other_config->kind == FERRY_SIM_VALUE_MAP)
    {
      FerrySimValue copy = FERRY_SIM_VALUE_INIT;

      ferry_sim_value_copy (&copy, other_config);
      ferry_sim_db_set_value (db, vbd, "other_config", &copy);
    }
  /* A new VBD is unplugged until VBD.plug, even on a running VM. */
  ferry_sim_call_return_string (call, vbd->ref);
}

static FerrySimRow *
vbd_arg (FerrySimCall *call)
{
  GError *error = NULL;
  FerrySimRow *vbd = ferry_sim_call_get_arg_row (call, 0, "VBD", &error);

  if (vbd == NULL)
    ferry_sim_call_return_error (call, error);
  return vbd;
}

static void
vbd_destroy (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *vbd = vbd_arg (call);
  FerrySimRow *vm;

  if (vbd == NULL)
    return;
  vm = ferry_sim_follow (db, vbd, "VM");
  if (ferry_sim_row_get_bool (vbd, "currently_attached"))
    {
      g_autofree char *message = g_strdup_printf ("VBD '%s' still attached to '%s'", ferry_sim_row_get_uuid (vbd),
                                                  vm ? ferry_sim_row_get_uuid (vm) : "");
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("OPERATION_NOT_ALLOWED", message, NULL));
      return;
    }
  ferry_sim_db_delete_row (db, vbd);
  ferry_sim_call_return_void (call);
}

static gboolean
is_cd (FerrySimCall *call,
       FerrySimRow  *vbd)
{
  if (g_strcmp0 (ferry_sim_row_get_string (vbd, "type"), "CD") == 0)
    return TRUE;
  ferry_sim_call_return_error (call, ferry_sim_failure_new ("VBD_NOT_REMOVABLE_MEDIA", vbd->ref, NULL));
  return FALSE;
}

static void
vbd_eject (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *vbd = vbd_arg (call);

  if (vbd == NULL || !is_cd (call, vbd))
    return;
  if (ferry_sim_row_get_bool (vbd, "empty"))
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("VBD_IS_EMPTY", vbd->ref, NULL));
      return;
    }
  ferry_sim_ops_set_ref (db, vbd, "VDI", NULL);
  ferry_sim_db_set_bool (db, vbd, "empty", TRUE);
  ferry_sim_call_return_void (call);
}

static void
vbd_insert (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *vbd = vbd_arg (call);
  GError *error = NULL;
  FerrySimRow *vdi;

  if (vbd == NULL || !is_cd (call, vbd))
    return;
  vdi = ferry_sim_call_get_arg_row (call, 1, "VDI", &error);
  if (vdi == NULL)
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  if (!ferry_sim_row_get_bool (vbd, "empty"))
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("VBD_NOT_EMPTY", vbd->ref, NULL));
      return;
    }
  ferry_sim_ops_set_ref (db, vbd, "VDI", vdi->ref);
  ferry_sim_db_set_bool (db, vbd, "empty", FALSE);
  ferry_sim_call_return_void (call);
}

static const FerrySimMethodDef storage_methods[] = {
  { "VDI.pool_migrate", vdi_pool_migrate, 0, 3, { "VDI ref", "SR ref", "(string -> string) map" } },
  { "VDI.copy", vdi_copy, 0, 2, { "VDI ref", "SR ref", "VDI ref", "VDI ref" } },
  { "VDI.destroy", vdi_destroy, 0, 1, { "VDI ref" } },
  { "VDI.enable_cbt", vdi_enable_cbt, 0, 1, { "VDI ref" } },
  { "VDI.disable_cbt", vdi_disable_cbt, 0, 1, { "VDI ref" } },
  { "VBD.create", vbd_create, 0, 1, { "VBD record" } },
  { "VBD.destroy", vbd_destroy, 0, 1, { "VBD ref" } },
  { "VBD.eject", vbd_eject, 0, 1, { "VBD ref" } },
  { "VBD.insert", vbd_insert, 0, 2, { "VBD ref", "VDI ref" } },
};

void
_ferry_sim_storage_register (void)
{
  ferry_sim_rpc_register (storage_methods, G_N_ELEMENTS (storage_methods));
}
