/* ferry-sim-evacuate.c: host.evacuate, host.get_vms_which_prevent_evacuation,
 * host.assert_can_evacuate (xapi.md §3.6, §5.1, §5.2)
 *
 * The plan is computed first, for every VM; the first error stops the
 * evacuation before anything moves. Then the VMs leave in batches of
 * pool_migrate subtasks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-evacuate"

#include "config.h"

#include "ferry-sim-checks.h"
#include "ferry-sim-error.h"
#include "ferry-sim-lifecycle.h"
#include "ferry-sim-migrate.h"
#include "ferry-sim-ops.h"
#include "ferry-sim-rpc-private.h"

/* xapi.conf evacuation-batch-size */
#define DEFAULT_BATCH_SIZE 10

typedef struct
{
  FerrySimRow *vm;
  FerrySimRow *host;   /* where it goes, or NULL with @error */
  GError      *error;
} PlanEntry;

static void
plan_entry_clear (gpointer data)
{
  PlanEntry *entry = data;

  g_clear_error (&entry->error);
}

static void
set_entry_error (PlanEntry  *entry,
                 GError     *error)
{
  g_clear_error (&entry->error);
  entry->error = error;
  entry->host = NULL;
}

static gint
compare_memory_desc (gconstpointer a,
                     gconstpointer b)
{
  gint64 x = ferry_sim_vm_required_memory ((*(PlanEntry * const *) a)->vm);
  gint64 y = ferry_sim_vm_required_memory ((*(PlanEntry * const *) b)->vm);

  return x < y ? 1 : x > y ? -1 : 0;
}

/* compute_evacuation_plan_no_wlb (§5.1): one entry per VM resident on @host
 * (control domains left out), in resident_VMs order. */
static GArray *
compute_plan (FerrySimDb  *db,
              FerrySimRow *host)
{
  GArray *plan = g_array_new (FALSE, TRUE, sizeof (PlanEntry));
  GPtrArray *hosts = ferry_sim_db_get_rows_by_name (db, "host");
  g_autoptr(GPtrArray) targets = g_ptr_array_new ();
  g_autoptr(GPtrArray) resident = ferry_sim_follow_set (db, host, "resident_VMs");
  g_autoptr(GPtrArray) movable = g_ptr_array_new ();
  GPtrArray *pools = ferry_sim_db_get_rows_by_name (db, "pool");
  gboolean ha = pools->len > 0 && ferry_sim_row_get_bool (g_ptr_array_index (pools, 0), "ha_enabled");
  g_autofree gint64 *room = NULL;

  g_array_set_clear_func (plan, plan_entry_clear);

  /* 1. Enabled hosts at the same or a newer version. */
  for (guint i = 0; i < hosts->len; i++)
    {
      FerrySimRow *target = g_ptr_array_index (hosts, i);

      if (target != host && ferry_sim_row_get_bool (target, "enabled") &&
          ferry_sim_host_versions_not_decreasing (host, target))
        g_ptr_array_add (targets, target);
    }

  /* 2. The VMs, without control domains. */
  for (guint i = 0; i < resident->len; i++)
    {
      FerrySimRow *vm = g_ptr_array_index (resident, i);
      PlanEntry entry = { vm, NULL, NULL };

      if (ferry_sim_row_get_bool (vm, "is_control_domain"))
        continue;
      if (targets->len == 0)
        entry.error = ferry_sim_failure_new ("NO_HOSTS_AVAILABLE", vm->ref, NULL);
      g_array_append_val (plan, entry);
    }
  if (targets->len == 0)
    return plan;

  for (guint i = 0; i < plan->len; i++)
    {
      PlanEntry *entry = &g_array_index (plan, PlanEntry, i);
      GError *error = NULL;

      /* 3. Under HA only protected VMs may move; the others must be suspended. */
      if (ha && !(ferry_sim_row_get_bool (entry->vm, "ha_always_run") &&
                  g_strcmp0 (ferry_sim_row_get_string (entry->vm, "ha_restart_priority"), "restart") == 0))
        set_entry_error (entry, ferry_sim_failure_new ("HOST_EVACUATE_VM_NOT_HA_PROTECTED", entry->vm->ref, NULL));
      else
        /* 4. Bootable on every target (CPU on, memory off); the first failure counts. */
        for (guint t = 0; t < targets->len && entry->error == NULL; t++)
          if (!ferry_sim_check_can_boot_here (db, entry->vm, g_ptr_array_index (targets, t),
                                              FERRY_SIM_BOOT_CHECK_CPU | FERRY_SIM_BOOT_CHECK_SR, &error))
            set_entry_error (entry, g_steal_pointer (&error));

      /* 5. The lifecycle rules for pool_migrate override. */
      if (!ferry_sim_lifecycle_check_vm (db, entry->vm, "pool_migrate", TRUE, &error))
        set_entry_error (entry, g_steal_pointer (&error));

      if (entry->error == NULL)
        g_ptr_array_add (movable, entry);
    }

  /* 6. Biggest fit decreasing, each VM to the target with most room. */
  room = g_new0 (gint64, targets->len);
  for (guint t = 0; t < targets->len; t++)
    room[t] = ferry_sim_host_free_memory (db, g_ptr_array_index (targets, t), NULL);
  g_ptr_array_sort (movable, compare_memory_desc);
  for (guint i = 0; i < movable->len; i++)
    {
      PlanEntry *entry = g_ptr_array_index (movable, i);
      gint64 need = ferry_sim_vm_required_memory (entry->vm);
      guint best = 0;
      GError *error = NULL;

      for (guint t = 1; t < targets->len; t++)
        if (room[t] > room[best])
          best = t;
      if (room[best] < need)
        {
          set_entry_error (entry, ferry_sim_failure_new ("HOST_NOT_ENOUGH_FREE_MEMORY", entry->vm->ref, NULL));
          continue;
        }
      room[best] -= need;
      entry->host = g_ptr_array_index (targets, best);

      /* 7. Checked again on the chosen host. */
      if (!ferry_sim_check_can_boot_here (db, entry->vm, entry->host,
                                          FERRY_SIM_BOOT_CHECK_CPU | FERRY_SIM_BOOT_CHECK_SR, &error))
        set_entry_error (entry, error);
    }
  return plan;
}

static const PlanEntry *
first_plan_error (GArray *plan)
{
  for (guint i = 0; i < plan->len; i++)
    if (g_array_index (plan, PlanEntry, i).error != NULL)
      return &g_array_index (plan, PlanEntry, i);
  return NULL;
}

static FerrySimRow *
host_arg (FerrySimCall *call)
{
  GError *error = NULL;
  FerrySimRow *host = ferry_sim_call_get_arg_row (call, 0, "host", &error);

  if (host == NULL)
    ferry_sim_call_return_error (call, error);
  return host;
}

static void
host_get_vms_which_prevent_evacuation (FerrySimCall *call)
{
  FerrySimRow *host = host_arg (call);
  g_autoptr(GArray) plan = NULL;
  FerrySimValue result = FERRY_SIM_VALUE_INIT;

  if (host == NULL)
    return;
  plan = compute_plan (ferry_sim_call_get_db (call), host);
  ferry_sim_value_set_map (&result);
  for (guint i = 0; i < plan->len; i++)
    {
      PlanEntry *entry = &g_array_index (plan, PlanEntry, i);
      g_auto(GStrv) description = NULL;
      FerrySimValue reasons = FERRY_SIM_VALUE_INIT;

      if (entry->error == NULL)
        continue;
      description = ferry_sim_failure_description (entry->error);
      ferry_sim_value_set_array (&reasons);
      for (guint d = 0; description[d]; d++)
        ferry_sim_value_append_string (&reasons, description[d]);
      ferry_sim_value_insert (&result, entry->vm->ref, &reasons);
    }
  ferry_sim_call_return_value (call, &result);
}

static void
host_assert_can_evacuate (FerrySimCall *call)
{
  FerrySimRow *host = host_arg (call);
  g_autoptr(GArray) plan = NULL;
  g_autoptr(GString) joined = g_string_new (NULL);

  if (host == NULL)
    return;
  plan = compute_plan (ferry_sim_call_get_db (call), host);
  /* "CODE,p1,p2|CODE2,p1|…" */
  for (guint i = 0; i < plan->len; i++)
    {
      PlanEntry *entry = &g_array_index (plan, PlanEntry, i);
      g_auto(GStrv) description = NULL;
      g_autofree char *one = NULL;

      if (entry->error == NULL)
        continue;
      description = ferry_sim_failure_description (entry->error);
      one = g_strjoinv (",", description);
      if (joined->len > 0)
        g_string_append_c (joined, '|');
      g_string_append (joined, one);
    }
  if (joined->len > 0)
    {
      ferry_sim_call_return_error (call, ferry_sim_failure_new ("CANNOT_EVACUATE_HOST", joined->str, NULL));
      return;
    }
  ferry_sim_call_return_void (call);
}

/* host.evacuate -------------------------------------------------------------- */

typedef struct
{
  gatomicrefcount   refs;
  FerrySimCall     *call;
  FerrySimMoveCall *reply;      /* NULL once replied */
  FerrySimPool     *pool;
  char             *host;
  char             *task;
  char             *network;
  GPtrArray        *queue;      /* of char *: VM refs still to start */
  GHashTable       *targets;    /* VM ref -> host ref */
  guint             total;
  guint             completed;
  guint             running;
  guint             batch;
} Evacuation;

typedef struct
{
  Evacuation *evacuation;
  char       *subtask;
} Subtask;

static Evacuation *
evacuation_ref (Evacuation *evacuation)
{
  g_atomic_ref_count_inc (&evacuation->refs);
  return evacuation;
}

static void
evacuation_unref (Evacuation *evacuation)
{
  if (!g_atomic_ref_count_dec (&evacuation->refs))
    return;
  ferry_sim_call_unref (evacuation->call);
  g_clear_object (&evacuation->pool);
  g_free (evacuation->host);
  g_free (evacuation->task);
  g_free (evacuation->network);
  g_clear_pointer (&evacuation->queue, g_ptr_array_unref);
  g_clear_pointer (&evacuation->targets, g_hash_table_unref);
  g_free (evacuation);
}

static void
end_evacuation (Evacuation *evacuation,
                GError     *error)
{
  FerrySimDb *db = ferry_sim_pool_get_db (evacuation->pool);

  if (evacuation->reply == NULL)
    {
      g_clear_error (&error);
      return;
    }
  ferry_sim_ops_remove_operation (db, evacuation->host, evacuation->task);
  ferry_sim_move_call_done (NULL, error, g_steal_pointer (&evacuation->reply));
  g_clear_error (&error);
  /* What was not started stays where it is. */
  g_ptr_array_set_size (evacuation->queue, 0);
}

static void start_next (Evacuation *evacuation);

static void
check_finished (Evacuation *evacuation)
{
  FerrySimDb *db = ferry_sim_pool_get_db (evacuation->pool);
  FerrySimRow *host = ferry_sim_db_lookup_in (db, "host", evacuation->host);
  g_autoptr(GPtrArray) resident = ferry_sim_follow_set (db, host, "resident_VMs");
  guint left = 0;

  if (evacuation->running > 0 || evacuation->queue->len > 0 || evacuation->reply == NULL)
    return;

  for (guint i = 0; i < resident->len; i++)
    left += !ferry_sim_row_get_bool (g_ptr_array_index (resident, i), "is_control_domain");
  if (left > 0)
    {
      g_autofree char *message = g_strdup_printf ("evacuate: %u VMs are still resident on %s", left, evacuation->host);
      end_evacuation (evacuation, ferry_sim_failure_new ("INTERNAL_ERROR", message, NULL));
      return;
    }
  end_evacuation (evacuation, NULL);
}

static void
on_subtask_done_cb (const char   *result,
                    const GError *error,
                    gpointer      user_data)
{
  Subtask *sub = user_data;
  Evacuation *evacuation = sub->evacuation;
  FerrySimDb *db = ferry_sim_pool_get_db (evacuation->pool);
  FerrySimRow *task = ferry_sim_db_lookup_in (db, "task", sub->subtask);

  ferry_sim_ops_task_finish (db, sub->subtask, NULL, error);
  /* Each completed subtask is checked, then destroyed. */
  if (task != NULL)
    ferry_sim_db_delete_row (db, task);

  evacuation->running--;
  evacuation->completed++;
  if (evacuation->reply != NULL)
    ferry_sim_ops_task_set_progress (db, evacuation->task, (double) evacuation->completed / MAX (evacuation->total, 1));

  /* A VM that stopped meanwhile is fine; anything else fails the evacuation
   * (the other subtasks keep running, they are not cancelled). */
  if (error != NULL && !ferry_sim_failure_matches (error, "VM_BAD_POWER_STATE"))
    end_evacuation (evacuation, g_error_copy (error));
  else
    {
      start_next (evacuation);
      check_finished (evacuation);
    }

  g_free (sub->subtask);
  g_free (sub);
  evacuation_unref (evacuation);
}

static void
start_next (Evacuation *evacuation)
{
  FerrySimDb *db = ferry_sim_pool_get_db (evacuation->pool);

  while (evacuation->reply != NULL && evacuation->running < evacuation->batch && evacuation->queue->len > 0)
    {
      g_autofree char *vm_ref = g_ptr_array_steal_index (evacuation->queue, 0);
      FerrySimRow *vm = ferry_sim_db_lookup_in (db, "VM", vm_ref);
      FerrySimRow *host = ferry_sim_db_lookup_in (db, "host", g_hash_table_lookup (evacuation->targets, vm_ref));
      FerrySimRow *task = ferry_sim_ops_task_create (db, "Async.VM.pool_migrate", evacuation->task);
      g_auto(FerrySimValue) options = FERRY_SIM_VALUE_INIT;
      Subtask *sub = g_new0 (Subtask, 1);
      GError *error = NULL;

      sub->evacuation = evacuation_ref (evacuation);
      sub->subtask = g_strdup (task->ref);
      evacuation->running++;

      ferry_sim_value_set_map (&options);
      ferry_sim_value_insert_string (&options, "live", "true");
      if (evacuation->network != NULL)
        ferry_sim_value_insert_string (&options, "network", evacuation->network);

      if (vm == NULL || host == NULL)
        {
          ferry_sim_set_failure (&error, "HANDLE_INVALID", "VM", vm_ref, NULL);
          on_subtask_done_cb (NULL, error, sub);
          g_error_free (error);
        }
      else if (!ferry_sim_pool_migrate_start (evacuation->pool, vm, host, &options, task->ref, NULL,
                                              on_subtask_done_cb, sub, &error))
        {
          on_subtask_done_cb (NULL, error, sub);
          g_error_free (error);
        }
    }
}

static gboolean
version_at_least (FerrySimDb *db,
                  const char *version)
{
  GPtrArray *pools = ferry_sim_db_get_rows_by_name (db, "pool");
  FerrySimRow *master = pools->len > 0 ? ferry_sim_follow (db, g_ptr_array_index (pools, 0), "master") : NULL;

  return master == NULL || ferry_sim_host_xapi_at_least (master, version);
}

static void
host_evacuate (FerrySimCall *call)
{
  FerrySimDb *db = ferry_sim_call_get_db (call);
  FerrySimRow *host = host_arg (call);
  guint n_args = ferry_sim_call_get_n_args (call);
  const char *network = n_args > 1 ? ferry_sim_call_get_arg_string (call, 1) : NULL;
  gint64 batch = n_args > 2 ? ferry_sim_call_get_arg (call, 2)->i : 0;
  g_autoptr(GArray) plan = NULL;
  const PlanEntry *failed;
  Evacuation *evacuation;
  GError *error = NULL;

  if (host == NULL)
    return;

  /* network arrived in xapi 1.297.0, evacuate_batch_size in 23.27.0; older
   * hosts evacuate one VM at a time (xapi.md §0, §5.2). */
  if ((n_args > 1 && !version_at_least (db, "1.297.0")) || (n_args > 2 && !version_at_least (db, "23.27.0")))
    {
      g_autofree char *expected = g_strdup (version_at_least (db, "1.297.0") ? "2" : "1");
      g_autofree char *got = g_strdup_printf ("%u", n_args);

      ferry_sim_call_return_error (call, ferry_sim_failure_new ("MESSAGE_PARAMETER_COUNT_MISMATCH", "host.evacuate",
                                                                expected, got, NULL));
      return;
    }
  if (!version_at_least (db, "23.27.0"))
    batch = 1;

  if (!ferry_sim_check_ha_plan (db, NULL, NULL, host, &error) ||
      !ferry_sim_check_host_operation (db, host, "evacuate", &error))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }

  /* The whole plan first: the first VM with an error stops it all. */
  plan = compute_plan (db, host);
  failed = first_plan_error (plan);
  if (failed != NULL)
    {
      ferry_sim_call_return_error (call, g_error_copy (failed->error));
      return;
    }
  if (network != NULL && !ferry_sim_is_null_ref (network))
    for (guint i = 0; i < plan->len; i++)
      if (ferry_sim_check_migration_network (db, g_array_index (plan, PlanEntry, i).host, network, &error) == NULL)
        {
          ferry_sim_call_return_error (call, error);
          return;
        }

  evacuation = g_new0 (Evacuation, 1);
  g_atomic_ref_count_init (&evacuation->refs);
  evacuation->call = ferry_sim_call_ref (call);
  evacuation->reply = ferry_sim_move_call_new (call, FALSE);
  evacuation->pool = g_object_ref (ferry_sim_call_get_pool (call));
  evacuation->host = g_strdup (host->ref);
  evacuation->task = g_strdup (ferry_sim_move_call_get_task (evacuation->reply));
  evacuation->network = network && !ferry_sim_is_null_ref (network) ? g_strdup (network) : NULL;
  evacuation->queue = g_ptr_array_new_with_free_func (g_free);
  evacuation->targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  evacuation->batch = batch > 0 ? (guint) MIN (batch, G_MAXUINT) : DEFAULT_BATCH_SIZE;
  for (guint i = 0; i < plan->len; i++)
    {
      PlanEntry *entry = &g_array_index (plan, PlanEntry, i);

      g_ptr_array_add (evacuation->queue, g_strdup (entry->vm->ref));
      g_hash_table_insert (evacuation->targets, g_strdup (entry->vm->ref), g_strdup (entry->host->ref));
    }
  evacuation->total = plan->len;

  ferry_sim_ops_add_operation (db, host, evacuation->task, "evacuate");
  start_next (evacuation);
  check_finished (evacuation);
  evacuation_unref (evacuation);
}

static const FerrySimMethodDef evacuate_methods[] = {
  { "host.evacuate", host_evacuate, 0, 1, { "host ref", "network ref", "int" } },
  { "host.get_vms_which_prevent_evacuation", host_get_vms_which_prevent_evacuation, 0, 1, { "host ref" } },
  { "host.assert_can_evacuate", host_assert_can_evacuate, 0, 1, { "host ref" } },
};

void
_ferry_sim_evacuate_register (void)
{
  ferry_sim_rpc_register (evacuate_methods, G_N_ELEMENTS (evacuate_methods));
}
