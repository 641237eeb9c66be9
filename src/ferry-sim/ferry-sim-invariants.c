/* ferry-sim-invariants.c: consistency checks over a whole world
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-invariants"

#include "config.h"

#include "ferry-sim-error.h"
#include "ferry-sim-invariants.h"

#define STATE_KEY "ferry-sim-invariants-state"
#define EPOCH     "19700101T00:00:00Z"

typedef struct
{
  GHashTable *baseline;     /* "pool/ref/what" → gint64* discrepancy when the pool joined */
  GHashTable *final_tasks;  /* "pool/ref" → final status seen */
} State;

static void
state_free (gpointer data)
{
  State *state = data;

  g_hash_table_unref (state->baseline);
  g_hash_table_unref (state->final_tasks);
  g_free (state);
}

static State *
ensure_state (FerrySimWorld *world)
{
  State *state = g_object_get_data (G_OBJECT (world), STATE_KEY);

  if (state == NULL)
    {
      state = g_new0 (State, 1);
      state->baseline = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      state->final_tasks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_object_set_data_full (G_OBJECT (world), STATE_KEY, state, state_free);
    }
  return state;
}

static char *
make_key (FerrySimPool *pool,
          const char   *ref,
          const char   *what)
{
  return g_strdup_printf ("%p/%s/%s", (void *) pool, ref, what);
}

static FerrySimRow *
lookup_row (FerrySimDb  *db,
        const char  *class_name,
        const char  *ref)
{
  return ref ? ferry_sim_db_lookup_in (db, class_name, ref) : NULL;
}

static gboolean
is_null_ref (const char *ref)
{
  return ref == NULL || *ref == '\0' || g_str_equal (ref, FERRY_SIM_NULL_REF);
}

static const char *
get_label (FerrySimRow *row)
{
  const char *name = ferry_sim_row_get_string (row, "name_label");

  return name && *name ? name : ferry_sim_row_get_uuid (row);
}

static void G_GNUC_PRINTF (3, 4)
add_violation (GPtrArray    *violations,
     FerrySimPool *pool,
     const char   *format,
     ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (violations, g_strdup_printf ("%s: %s", ferry_sim_pool_get_name (pool), text));
}

/* Memory ------------------------------------------------------------------ */

static gint64
get_vm_footprint (FerrySimDb  *db,
              FerrySimRow *vm)
{
  FerrySimRow *metrics = lookup_row (db, "VM_metrics", ferry_sim_row_get_string (vm, "metrics"));

  return ferry_sim_row_get_int (vm, "memory_overhead") +
         (metrics ? ferry_sim_row_get_int (metrics, "memory_actual")
                  : ferry_sim_row_get_int (vm, "memory_dynamic_max"));
}

/* memory_free − (total − overhead − Σ resident), and Σ of VMs on their way in. */
static gboolean
compute_host_memory (FerrySimDb  *db,
             FerrySimRow *host,
             gint64      *discrepancy,
             gint64      *expected,
             gint64      *incoming)
{
  FerrySimRow *metrics = lookup_row (db, "host_metrics", ferry_sim_row_get_string (host, "metrics"));
  const FerrySimValue *resident = ferry_sim_row_get (host, "resident_VMs");
  GPtrArray *vms = ferry_sim_db_get_rows_by_name (db, "VM");

  if (metrics == NULL)
    return FALSE;

  *expected = ferry_sim_row_get_int (metrics, "memory_total") - ferry_sim_row_get_int (host, "memory_overhead");
  for (guint i = 0; i < ferry_sim_value_get_length (resident); i++)
    {
      FerrySimRow *vm = lookup_row (db, "VM", ferry_sim_value_get_string (ferry_sim_value_index (resident, i)));

      if (vm != NULL)
        *expected -= get_vm_footprint (db, vm);
    }

  *incoming = 0;
  for (guint i = 0; i < vms->len; i++)
    {
      FerrySimRow *vm = g_ptr_array_index (vms, i);

      if (g_strcmp0 (ferry_sim_row_get_string (vm, "scheduled_to_be_resident_on"), host->ref) == 0 &&
          g_strcmp0 (ferry_sim_row_get_string (vm, "resident_on"), host->ref) != 0)
        *incoming += get_vm_footprint (db, vm);
    }

  *discrepancy = ferry_sim_row_get_int (metrics, "memory_free") - *expected;
  return TRUE;
}

static void
compute_sr_usage (FerrySimDb  *db,
          FerrySimRow *sr,
          gint64      *physical,
          gint64      *virtual_allocation)
{
  const FerrySimValue *vdis = ferry_sim_row_get (sr, "VDIs");

  *physical = 0;
  *virtual_allocation = 0;
  for (guint i = 0; i < ferry_sim_value_get_length (vdis); i++)
    {
      FerrySimRow *vdi = lookup_row (db, "VDI", ferry_sim_value_get_string (ferry_sim_value_index (vdis, i)));

      if (vdi == NULL)
        continue;
      *physical += ferry_sim_row_get_int (vdi, "physical_utilisation");
      *virtual_allocation += ferry_sim_row_get_int (vdi, "virtual_size");
    }
}

static void
set_baseline (State        *state,
              FerrySimPool *pool,
              const char   *ref,
              const char   *what,
              gint64        value)
{
  gint64 *stored = g_new (gint64, 1);

  *stored = value;
  g_hash_table_replace (state->baseline, make_key (pool, ref, what), stored);
}

static gint64
get_baseline (State        *state,
              FerrySimPool *pool,
              const char   *ref,
              const char   *what)
{
  g_autofree char *key = make_key (pool, ref, what);
  gint64 *stored = g_hash_table_lookup (state->baseline, key);

  return stored ? *stored : 0;
}

void
_ferry_sim_invariants_add_pool (FerrySimWorld *world,
                                FerrySimPool  *pool)
{
  State *state = ensure_state (world);
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  GPtrArray *hosts = ferry_sim_db_get_rows_by_name (db, "host");
  GPtrArray *srs = ferry_sim_db_get_rows_by_name (db, "SR");

  for (guint i = 0; i < hosts->len; i++)
    {
      FerrySimRow *host = g_ptr_array_index (hosts, i);
      gint64 discrepancy, expected, incoming;

      if (compute_host_memory (db, host, &discrepancy, &expected, &incoming))
        set_baseline (state, pool, host->ref, "memory", discrepancy);
    }

  for (guint i = 0; i < srs->len; i++)
    {
      FerrySimRow *sr = g_ptr_array_index (srs, i);
      gint64 physical, virt;

      compute_sr_usage (db, sr, &physical, &virt);
      set_baseline (state, pool, sr->ref, "physical", ferry_sim_row_get_int (sr, "physical_utilisation") - physical);
      set_baseline (state, pool, sr->ref, "virtual", ferry_sim_row_get_int (sr, "virtual_allocation") - virt);
    }
}

static void
check_memory (State        *state,
              FerrySimPool *pool,
              GPtrArray    *violations)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  GPtrArray *hosts = ferry_sim_db_get_rows_by_name (db, "host");

  for (guint i = 0; i < hosts->len; i++)
    {
      FerrySimRow *host = g_ptr_array_index (hosts, i);
      gint64 discrepancy, expected, incoming, drift;

      if (!compute_host_memory (db, host, &discrepancy, &expected, &incoming))
        continue;

      drift = discrepancy - get_baseline (state, pool, host->ref, "memory");
      if (drift > 0 || drift < -incoming)
        add_violation (violations, pool,
             "host “%s” has memory_free %" G_GINT64_FORMAT " but its resident VMs leave %" G_GINT64_FORMAT
             " (%" G_GINT64_FORMAT " more on the way in)",
             get_label (host), expected + discrepancy, expected, incoming);
      if (expected + get_baseline (state, pool, host->ref, "memory") < 0)
        add_violation (violations, pool, "host “%s” is overcommitted by %" G_GINT64_FORMAT " bytes",
             get_label (host), -expected);
    }
}

/* VMs --------------------------------------------------------------------- */

static gboolean
is_resident_state (const char *power_state)
{
  return g_strcmp0 (power_state, "Running") == 0 || g_strcmp0 (power_state, "Paused") == 0;
}

static void
check_vms (FerrySimPool *pool,
           GHashTable   *running_uuids,
           GPtrArray    *violations)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  GPtrArray *vms = ferry_sim_db_get_rows_by_name (db, "VM");
  static const char * const states[] = { "Halted", "Paused", "Running", "Suspended", NULL };

  for (guint i = 0; i < vms->len; i++)
    {
      FerrySimRow *vm = g_ptr_array_index (vms, i);
      const char *power_state = ferry_sim_row_get_string (vm, "power_state");
      const char *resident_on = ferry_sim_row_get_string (vm, "resident_on");
      const char *scheduled = ferry_sim_row_get_string (vm, "scheduled_to_be_resident_on");
      FerrySimRow *host = lookup_row (db, "host", resident_on);

      if (!g_strv_contains (states, power_state ? power_state : ""))
        add_violation (violations, pool, "VM “%s” has power_state “%s”", get_label (vm), power_state);

      if (is_resident_state (power_state))
        {
          const char *uuid = ferry_sim_row_get_uuid (vm);
          FerrySimPool *other = g_hash_table_lookup (running_uuids, uuid);

          if (host == NULL)
            add_violation (violations, pool, "VM “%s” is %s but resident on no host of the pool (%s)",
                 get_label (vm), power_state, resident_on ? resident_on : "");
          else if (!ferry_sim_value_contains_string (ferry_sim_row_get (host, "resident_VMs"), vm->ref))
            add_violation (violations, pool, "VM “%s” is resident on “%s”, which does not list it",
                 get_label (vm), get_label (host));

          if (other != NULL)
            add_violation (violations, pool, "VM “%s” (%s) also runs in pool “%s”",
                 get_label (vm), uuid, ferry_sim_pool_get_name (other));
          else
            g_hash_table_insert (running_uuids, (gpointer) uuid, pool);
        }
      else if (!is_null_ref (resident_on))
        add_violation (violations, pool, "VM “%s” is %s but resident on %s", get_label (vm), power_state, resident_on);

      if (!is_null_ref (scheduled) && lookup_row (db, "host", scheduled) == NULL)
        add_violation (violations, pool, "VM “%s” is scheduled to a host that does not exist (%s)", get_label (vm), scheduled);
    }
}

/* Storage ----------------------------------------------------------------- */

static void
check_storage (State        *state,
               FerrySimPool *pool,
               GHashTable   *vdi_uuids,
               GPtrArray    *violations)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  GPtrArray *vdis = ferry_sim_db_get_rows_by_name (db, "VDI");
  GPtrArray *vbds = ferry_sim_db_get_rows_by_name (db, "VBD");
  GPtrArray *srs = ferry_sim_db_get_rows_by_name (db, "SR");
  g_autoptr(GHashTable) locations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) writers = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < vdis->len; i++)
    {
      FerrySimRow *vdi = g_ptr_array_index (vdis, i);
      const char *sr_ref = ferry_sim_row_get_string (vdi, "SR");
      const char *uuid = ferry_sim_row_get_uuid (vdi);
      const char *location = ferry_sim_row_get_string (vdi, "location");
      FerrySimPool *other = g_hash_table_lookup (vdi_uuids, uuid);

      if (lookup_row (db, "SR", sr_ref) == NULL)
        add_violation (violations, pool, "VDI “%s” is on no SR (%s)", get_label (vdi), sr_ref ? sr_ref : "");

      if (other != NULL)
        add_violation (violations, pool, "VDI “%s” (%s) also exists in pool “%s”",
             get_label (vdi), uuid, ferry_sim_pool_get_name (other));
      else
        g_hash_table_insert (vdi_uuids, (gpointer) uuid, pool);

      if (location != NULL && *location != '\0')
        {
          char *key = g_strconcat (sr_ref ? sr_ref : "", "/", location, NULL);

          if (g_hash_table_contains (locations, key))
            {
              add_violation (violations, pool, "two VDIs have the location “%s” on one SR (“%s” is one)",
                   location, get_label (vdi));
              g_free (key);
            }
          else
            g_hash_table_add (locations, key);
        }
    }

  for (guint i = 0; i < vbds->len; i++)
    {
      FerrySimRow *vbd = g_ptr_array_index (vbds, i);
      const char *vdi_ref = ferry_sim_row_get_string (vbd, "VDI");
      FerrySimRow *vm = lookup_row (db, "VM", ferry_sim_row_get_string (vbd, "VM"));
      FerrySimRow *vdi = lookup_row (db, "VDI", vdi_ref);

      if (vm == NULL)
        add_violation (violations, pool, "VBD %s belongs to no VM", vbd->ref);
      if (vdi == NULL)
        {
          if (!ferry_sim_row_get_bool (vbd, "empty"))
            add_violation (violations, pool, "VBD %s of VM “%s” has lost its VDI (%s)",
                 vbd->ref, vm ? get_label (vm) : "?", vdi_ref ? vdi_ref : "");
          continue;
        }

      if (vm != NULL && g_strcmp0 (ferry_sim_row_get_string (vbd, "mode"), "RW") == 0 &&
          !ferry_sim_row_get_bool (vdi, "sharable") &&
          !ferry_sim_row_get_bool (vm, "is_a_snapshot") && !ferry_sim_row_get_bool (vm, "is_a_template"))
        {
          FerrySimRow *first = g_hash_table_lookup (writers, vdi->ref);

          if (first != NULL && first != vm)
            add_violation (violations, pool, "VDI “%s” is a writable disk of both “%s” and “%s”",
                 get_label (vdi), get_label (first), get_label (vm));
          else
            g_hash_table_insert (writers, vdi->ref, vm);
        }
    }

  for (guint i = 0; i < srs->len; i++)
    {
      FerrySimRow *sr = g_ptr_array_index (srs, i);
      gint64 physical, virt;
      gint64 want_physical, want_virtual;

      compute_sr_usage (db, sr, &physical, &virt);
      want_physical = physical + get_baseline (state, pool, sr->ref, "physical");
      want_virtual = virt + get_baseline (state, pool, sr->ref, "virtual");
      if (ferry_sim_row_get_int (sr, "physical_utilisation") != want_physical)
        add_violation (violations, pool, "SR “%s” has physical_utilisation %" G_GINT64_FORMAT ", its VDIs make %" G_GINT64_FORMAT,
             get_label (sr), ferry_sim_row_get_int (sr, "physical_utilisation"), want_physical);
      if (ferry_sim_row_get_int (sr, "virtual_allocation") != want_virtual)
        add_violation (violations, pool, "SR “%s” has virtual_allocation %" G_GINT64_FORMAT ", its VDIs make %" G_GINT64_FORMAT,
             get_label (sr), ferry_sim_row_get_int (sr, "virtual_allocation"), want_virtual);
    }
}

/* Tasks ------------------------------------------------------------------- */

static void
check_tasks (State        *state,
             FerrySimPool *pool,
             GHashTable   *alive,
             GPtrArray    *violations)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  GPtrArray *tasks = ferry_sim_db_get_rows_by_name (db, "task");
  static const char * const finals[] = { "success", "failure", "cancelled", NULL };
  static const char * const transients[] = { "pending", "cancelling", NULL };

  for (guint i = 0; i < tasks->len; i++)
    {
      FerrySimRow *task = g_ptr_array_index (tasks, i);
      const char *status = ferry_sim_row_get_string (task, "status");
      const FerrySimValue *error_info = ferry_sim_row_get (task, "error_info");
      g_autofree char *key = make_key (pool, task->ref, "task");
      const char *seen = g_hash_table_lookup (state->final_tasks, key);
      const char *finished = ferry_sim_row_get_string (task, "finished");
      const char *name = ferry_sim_row_get_string (task, "name_label");

      g_hash_table_add (alive, g_strdup (key));

      if (seen != NULL && g_strcmp0 (seen, status) != 0)
        add_violation (violations, pool, "task “%s” (%s) ended as %s, now it is %s", name, task->ref, seen, status);

      if (g_strv_contains (transients, status ? status : ""))
        continue;
      if (!g_strv_contains (finals, status ? status : ""))
        {
          add_violation (violations, pool, "task “%s” (%s) has status “%s”", name, task->ref, status);
          continue;
        }

      if (seen == NULL)
        g_hash_table_insert (state->final_tasks, g_steal_pointer (&key), g_strdup (status));

      if (ferry_sim_row_get_float (task, "progress") != 1.0)
        add_violation (violations, pool, "task “%s” (%s) is %s at progress %g", name, task->ref, status,
             ferry_sim_row_get_float (task, "progress"));
      if (finished == NULL || g_str_equal (finished, EPOCH))
        add_violation (violations, pool, "task “%s” (%s) is %s without a finish time", name, task->ref, status);
      if (ferry_sim_value_get_length (ferry_sim_row_get (task, "allowed_operations")) != 0)
        add_violation (violations, pool, "task “%s” (%s) is %s but still allows operations", name, task->ref, status);
      if (g_str_equal (status, "success") && ferry_sim_value_get_length (error_info) != 0)
        add_violation (violations, pool, "task “%s” (%s) succeeded with error_info", name, task->ref);
      if (!g_str_equal (status, "success") && ferry_sim_value_get_length (error_info) == 0)
        add_violation (violations, pool, "task “%s” (%s) is %s without error_info", name, task->ref, status);
      if (g_str_equal (status, "cancelled") &&
          g_strcmp0 (ferry_sim_value_get_string (ferry_sim_value_index (error_info, 0)), "TASK_CANCELLED") != 0)
        add_violation (violations, pool, "task “%s” (%s) is cancelled but its error is not TASK_CANCELLED", name, task->ref);
    }
}

GPtrArray *
ferry_sim_world_list_invariant_violations (FerrySimWorld *world)
{
  GPtrArray *violations = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *pools;
  State *state;
  g_autoptr(GHashTable) running_uuids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) vdi_uuids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) alive = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  const char *key;

  g_return_val_if_fail (FERRY_SIM_IS_WORLD (world), violations);

  state = ensure_state (world);
  pools = ferry_sim_world_get_pools (world);
  for (guint p = 0; p < pools->len; p++)
    {
      FerrySimPool *pool = g_ptr_array_index (pools, p);

      check_vms (pool, running_uuids, violations);
      check_memory (state, pool, violations);
      check_storage (state, pool, vdi_uuids, violations);
      check_tasks (state, pool, alive, violations);
    }

  /* Forget destroyed tasks. */
  g_hash_table_iter_init (&iter, state->final_tasks);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    if (!g_hash_table_contains (alive, key))
      g_hash_table_iter_remove (&iter);

  return violations;
}

gboolean
ferry_sim_world_check_invariants (FerrySimWorld  *world,
                                  GError        **error)
{
  g_autoptr(GPtrArray) violations = ferry_sim_world_list_invariant_violations (world);
  g_autoptr(GString) text = NULL;

  if (violations->len == 0)
    return TRUE;

  text = g_string_new (NULL);
  for (guint i = 0; i < violations->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, g_ptr_array_index (violations, i));
    }
  g_set_error_literal (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID, text->str);
  return FALSE;
}
