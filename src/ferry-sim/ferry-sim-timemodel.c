/* ferry-sim-timemodel.c: the migration time model, estimated and run in simulated time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-timemodel"

#include "config.h"

#include <math.h>

#include "ferry-sim-builder.h"
#include "ferry-sim-error.h"
#include "ferry-sim-faults.h"
#include "ferry-sim-rpc-private.h"
#include "ferry-sim-timemodel.h"

#define MIB               ((double) FERRY_SIM_MiB)
#define PROGRESS_STEPS    40      /* progress reports (and fault checks) per migration */
#define MIN_TICK_S        0.05    /* simulated seconds between two reports, at least */
#define DONE_BYTES        0.5     /* a transfer with less left is complete */
#define TIME_SLACK        1e-9
#define SCHEDULER_KEY     "ferry-sim-timemodel-scheduler"

const char *
ferry_sim_migration_phase_to_string (FerrySimMigrationPhase phase)
{
  switch (phase)
    {
    case FERRY_SIM_MIGRATION_PHASE_SETUP:         return "setup";
    case FERRY_SIM_MIGRATION_PHASE_DISKS:         return "disks";
    case FERRY_SIM_MIGRATION_PHASE_MEMORY:        return "memory";
    case FERRY_SIM_MIGRATION_PHASE_STOP_AND_COPY: return "stop-and-copy";
    case FERRY_SIM_MIGRATION_PHASE_FINISH:        return "finish";
    case FERRY_SIM_MIGRATION_PHASE_DONE:          return "done";
    default:                                      return "unknown";
    }
}

/* The estimate ------------------------------------------------------------ */

void
ferry_sim_migration_params_init (FerrySimMigrationParams *params)
{
  g_return_if_fail (params != NULL);

  *params = (FerrySimMigrationParams) {
    .dirty_rate = FERRY_SIM_TM_DEFAULT_DIRTY_MIB_S * MIB,
    .compressibility = FERRY_SIM_TM_DEFAULT_COMPRESSIBILITY,
    .compress_rate = FERRY_SIM_TM_COMPRESS_MIB_S * MIB,
    .link_rate = FERRY_SIM_TM_DEFAULT_SPEED_MBIT * 1e6 / 8 * FERRY_SIM_TM_LINK_EFFICIENCY,
    .max_rounds = FERRY_SIM_TM_MAX_ROUNDS,
    .dirty_threshold = FERRY_SIM_TM_DIRTY_THRESHOLD,
    .setup_s = FERRY_SIM_TM_SETUP_S,
    .switchover_s = FERRY_SIM_TM_SWITCHOVER_S,
    .finish_s = FERRY_SIM_TM_FINISH_S,
  };
}

/* Wire bytes per raw byte of memory, and the most wire bytes/s one stream
 * can produce (compression is CPU-bound). */
static double
get_memory_wire_factor (const FerrySimMigrationParams *params)
{
  return params->compress ? CLAMP (params->compressibility, 0.01, 1.0) : 1.0;
}

static double
get_memory_wire_cap (const FerrySimMigrationParams *params)
{
  return params->compress ? params->compress_rate * get_memory_wire_factor (params) : INFINITY;
}

/* The progress-rate of a mirrored copy at @rate with @writes forwarded. */
static double
compute_mirror_drain (double rate,
              double writes)
{
  return MAX (rate - writes, rate * FERRY_SIM_TM_MIN_MIRROR_PROGRESS);
}

/* Per phase (FerrySimMigrationPhase order, DONE excluded): its estimated
 * duration; and the raw bytes of the live memory rounds. */
typedef struct
{
  double phase_s[FERRY_SIM_MIGRATION_PHASE_DONE];
  double live_raw;
} Plan;

static void
estimate_plan (const FerrySimMigrationParams *params,
               FerrySimMigrationOutcome      *outcome,
               Plan                          *plan)
{
  double factor = get_memory_wire_factor (params);
  double wire_rate = MIN (params->link_rate, get_memory_wire_cap (params));

  memset (outcome, 0, sizeof *outcome);
  memset (plan, 0, sizeof *plan);

  plan->phase_s[FERRY_SIM_MIGRATION_PHASE_SETUP] = params->setup_s;

  for (guint i = 0; i < params->n_disks; i++)
    {
      const FerrySimDiskParams *disk = &params->disks[i];
      double t;

      if (disk->bytes <= 0 || disk->rate <= 0)
        continue;
      t = disk->bytes / compute_mirror_drain (disk->rate, disk->write_rate);
      plan->phase_s[FERRY_SIM_MIGRATION_PHASE_DISKS] += t;
      outcome->disk_bytes_sent += disk->rate * t;
    }

  if (params->memory_bytes > 0 && wire_rate > 0)
    {
      double raw_rate = wire_rate / factor;
      double send = params->memory_bytes;
      double dirty;

      /* Pre-copy: each round sends what the previous one left dirty. */
      for (;;)
        {
          double t = send / raw_rate;

          plan->phase_s[FERRY_SIM_MIGRATION_PHASE_MEMORY] += t;
          plan->live_raw += send;
          outcome->rounds++;
          dirty = MIN (params->memory_bytes, params->dirty_rate * t);
          if (dirty <= params->dirty_threshold || outcome->rounds >= MAX (params->max_rounds, 1))
            break;
          send = dirty;
        }

      /* Stop-and-copy: the VM is paused. */
      outcome->stop_copy_bytes = dirty;
      outcome->vgpu_bytes_sent = params->vgpu_state_bytes;
      outcome->memory_bytes_sent = (plan->live_raw + dirty) * factor;
      outcome->downtime_s = dirty / raw_rate
                          + params->vgpu_state_bytes / params->link_rate
                          + params->switchover_s;
      plan->phase_s[FERRY_SIM_MIGRATION_PHASE_STOP_AND_COPY] = outcome->downtime_s;
    }

  plan->phase_s[FERRY_SIM_MIGRATION_PHASE_FINISH] = params->finish_s;

  for (guint p = 0; p < FERRY_SIM_MIGRATION_PHASE_DONE; p++)
    outcome->duration_s += plan->phase_s[p];
  outcome->bytes_sent = outcome->memory_bytes_sent + outcome->disk_bytes_sent + outcome->vgpu_bytes_sent;
}

void
ferry_sim_migration_estimate (const FerrySimMigrationParams *params,
                              FerrySimMigrationOutcome      *outcome)
{
  Plan plan;

  g_return_if_fail (params != NULL);
  g_return_if_fail (outcome != NULL);

  estimate_plan (params, outcome, &plan);
}

/* Reading the rows -------------------------------------------------------- */

static FerrySimRow *
lookup_row (FerrySimPool *pool,
            const char   *class_name,
            const char   *ref)
{
  return ref ? ferry_sim_db_lookup_in (ferry_sim_pool_get_db (pool), class_name, ref) : NULL;
}

static FerrySimRow *
find_management_pif (FerrySimPool *pool,
                     FerrySimRow  *host)
{
  const FerrySimValue *pifs;

  if (host == NULL)
    return NULL;

  pifs = ferry_sim_row_get (host, "PIFs");
  for (guint i = 0; i < ferry_sim_value_get_length (pifs); i++)
    {
      FerrySimRow *pif = lookup_row (pool, "PIF", ferry_sim_value_get_string (ferry_sim_value_index (pifs, i)));

      if (pif != NULL && ferry_sim_row_get_bool (pif, "management"))
        return pif;
    }
  return NULL;
}

static FerrySimRow *
resolve_source_host (const FerrySimMigrationSpec *spec)
{
  FerrySimRow *host;

  if (spec->source_host != NULL)
    return spec->source_host;
  host = lookup_row (spec->pool, "host", ferry_sim_row_get_string (spec->vm, "resident_on"));
  return host ? host : ferry_sim_pool_get_master (spec->pool);
}

/* Payload bytes/s of a NIC. */
static double
get_nic_rate (FerrySimPool *pool,
          FerrySimRow  *pif)
{
  double mbit = pif ? ferry_sim_pool_get_sim_number (pool, pif->ref, FERRY_SIM_ATTR_SPEED,
                                                     FERRY_SIM_TM_DEFAULT_SPEED_MBIT)
                    : FERRY_SIM_TM_DEFAULT_SPEED_MBIT;

  if (mbit <= 0)
    mbit = FERRY_SIM_TM_DEFAULT_SPEED_MBIT;
  return mbit * 1e6 / 8 * FERRY_SIM_TM_LINK_EFFICIENCY;
}

static double
get_sr_rate (FerrySimPool *pool,
         FerrySimRow  *sr)
{
  double mib_s = sr ? ferry_sim_pool_get_sim_number (pool, sr->ref, FERRY_SIM_ATTR_BANDWIDTH,
                                                     FERRY_SIM_TM_DEFAULT_SR_MIB_S)
                    : FERRY_SIM_TM_DEFAULT_SR_MIB_S;

  if (mib_s <= 0)
    mib_s = FERRY_SIM_TM_DEFAULT_SR_MIB_S;
  return mib_s * MIB;
}

/* What a spec resolves to: the hosts, PIFs and SRs its links come from. */
typedef struct
{
  FerrySimPool *dest_pool;
  FerrySimRow  *source_host;
  FerrySimRow  *dest_host;
  FerrySimRow  *source_pif;
  FerrySimRow  *dest_pif;
  gboolean      same_host;
} Ends;

static void
resolve_ends (const FerrySimMigrationSpec *spec,
              Ends                        *ends)
{
  ends->dest_pool = spec->dest_pool ? spec->dest_pool : spec->pool;
  ends->source_host = resolve_source_host (spec);
  ends->dest_host = spec->dest_host;
  ends->source_pif = spec->source_pif ? spec->source_pif : find_management_pif (spec->pool, ends->source_host);
  ends->dest_pif = spec->dest_pif ? spec->dest_pif : find_management_pif (ends->dest_pool, ends->dest_host);
  ends->same_host = ends->dest_pool == spec->pool && ends->source_host == ends->dest_host;
}

static double
get_vm_memory (FerrySimPool *pool,
           FerrySimRow  *vm)
{
  FerrySimRow *metrics = lookup_row (pool, "VM_metrics", ferry_sim_row_get_string (vm, "metrics"));
  gint64 actual = metrics ? ferry_sim_row_get_int (metrics, "memory_actual") : 0;

  return actual > 0 ? actual : ferry_sim_row_get_int (vm, "memory_dynamic_max");
}

static double
sum_vgpu_state (FerrySimPool *pool,
               FerrySimRow  *vm)
{
  const FerrySimValue *vgpus = ferry_sim_row_get (vm, "VGPUs");
  double total = 0;

  for (guint i = 0; i < ferry_sim_value_get_length (vgpus); i++)
    total += ferry_sim_pool_get_sim_number (pool, ferry_sim_value_get_string (ferry_sim_value_index (vgpus, i)),
                                            FERRY_SIM_ATTR_VGPU_STATE_SIZE, 64 * MIB);
  return total;
}

static void
fill_params (const FerrySimMigrationSpec *spec,
             const Ends                  *ends,
             FerrySimMigrationParams     *params,
             GArray                      *disks)
{
  FerrySimPool *pool = spec->pool;
  const char *vm_ref = spec->vm->ref;
  gboolean running = g_strcmp0 (ferry_sim_row_get_string (spec->vm, "power_state"), "Running") == 0;
  double write_rate = ferry_sim_pool_get_sim_number (pool, vm_ref, FERRY_SIM_ATTR_DISK_WRITE_RATE,
                                                     FERRY_SIM_TM_DEFAULT_DISK_WRITE_MIB_S) * MIB;

  ferry_sim_migration_params_init (params);
  params->memory_bytes = running && !spec->no_memory ? get_vm_memory (pool, spec->vm) : 0;
  params->dirty_rate = MAX (0, ferry_sim_pool_get_sim_number (pool, vm_ref, FERRY_SIM_ATTR_DIRTY_RATE,
                                                              FERRY_SIM_TM_DEFAULT_DIRTY_MIB_S)) * MIB;
  params->compressibility = CLAMP (ferry_sim_pool_get_sim_number (pool, vm_ref, FERRY_SIM_ATTR_COMPRESSIBILITY,
                                                                  FERRY_SIM_TM_DEFAULT_COMPRESSIBILITY), 0.01, 1.0);
  params->compress = spec->compress;
  params->link_rate = ends->same_host ? FERRY_SIM_TM_LOOPBACK_MIB_S * MIB
                                      : MIN (get_nic_rate (pool, ends->source_pif),
                                             get_nic_rate (ends->dest_pool, ends->dest_pif));
  params->vgpu_state_bytes = params->memory_bytes > 0 ? sum_vgpu_state (pool, spec->vm) : 0;
  if (ends->dest_pool != pool)
    params->setup_s += FERRY_SIM_TM_CROSS_POOL_SETUP_S;

  for (guint i = 0; i < spec->n_disks; i++)
    {
      const FerrySimMigrationDisk *move = &spec->disks[i];
      FerrySimRow *source_sr = lookup_row (pool, "SR", ferry_sim_row_get_string (move->vdi, "SR"));
      FerrySimDiskParams disk = {
        .bytes = ferry_sim_row_get_int (move->vdi, "physical_utilisation"),
        .rate = MIN (get_sr_rate (pool, source_sr), get_sr_rate (ends->dest_pool, move->dest_sr)),
        .write_rate = move->mirror && running ? write_rate : 0,
      };

      if (!ends->same_host)
        disk.rate = MIN (disk.rate, params->link_rate);
      g_array_append_val (disks, disk);
    }

  params->disks = (const FerrySimDiskParams *) (gpointer) disks->data;
  params->n_disks = disks->len;
}

void
ferry_sim_migration_params_from_spec (const FerrySimMigrationSpec *spec,
                                      FerrySimMigrationParams     *params,
                                      GArray                     **disks)
{
  Ends ends;

  g_return_if_fail (spec != NULL && FERRY_SIM_IS_POOL (spec->pool) && spec->vm != NULL);
  g_return_if_fail (params != NULL && disks != NULL);

  *disks = g_array_new (FALSE, TRUE, sizeof (FerrySimDiskParams));
  resolve_ends (spec, &ends);
  fill_params (spec, &ends, params, *disks);
}

/* Links and the scheduler ------------------------------------------------- */

typedef struct
{
  char   *key;
  double  capacity;   /* bytes/s */
  double  left;       /* during allocation */
  guint   users;
} Link;

typedef struct
{
  double  remaining;  /* raw bytes */
  double  factor;     /* wire bytes per raw byte */
  double  cap;        /* wire bytes/s */
  double  overhead;   /* wire bytes/s forwarded without progress (mirrored writes) */
  Link   *links[4];
  guint   n_links;
  double  rate;       /* allocated wire bytes/s */
  gboolean frozen;
  double *sent;       /* the outcome counter it adds its wire bytes to */
  double *done_raw;   /* the progress counter it adds raw bytes to, or NULL */
} Transfer;

typedef enum
{
  STEP_NONE,
  STEP_WAIT,
  STEP_TRANSFER,
} StepKind;

typedef enum
{
  STAGE_DIRTY,
  STAGE_VGPU,
  STAGE_SWITCHOVER,
} StopStage;

typedef struct
{
  FerrySimWorld *world;
  GPtrArray     *migrations;   /* of FerrySimMigration, owned */
  GHashTable    *links;        /* key → Link, owned */
  GSource       *timer;
  double         time;         /* simulated time everything has reached */
  gboolean       processing;
  gboolean       reallocate;
} Scheduler;

struct _FerrySimMigration
{
  Scheduler                  *sched;
  FerrySimPool               *pool;
  FerrySimPool               *dest_pool;
  char                       *vm_ref;
  char                       *task_ref;
  FerrySimMigrationParams     params;
  GArray                     *disks;         /* of FerrySimDiskParams */
  GPtrArray                  *disk_links;    /* per disk: a GPtrArray of Link */
  Link                       *net_links[2];  /* source send, destination receive; none on one host */
  FerrySimMigrationCallbacks  callbacks;
  gpointer                    user_data;
  GCancellable               *cancellable;
  gulong                      cancelled_id;
  gboolean                    no_return;

  FerrySimMigrationOutcome    estimate;
  Plan                        plan;
  FerrySimMigrationOutcome    outcome;

  FerrySimMigrationPhase      phase;
  gboolean                    begun;
  gboolean                    finished;
  double                      start_time;
  double                      phase_start;
  double                      pause_start;
  StepKind                    step;
  double                      wait_until;
  Transfer                    transfer;
  guint                       disk_index;
  double                      disk_done_raw;
  double                      disk_total_raw;
  double                      live_done_raw;
  double                      round_start;
  StopStage                   stop_stage;
  double                      progress;
  double                      next_tick;
  double                      tick;
};

static void schedule_timer (Scheduler *sched);

static void
link_free (gpointer data)
{
  Link *link = data;

  g_free (link->key);
  g_free (link);
}

static void
migration_free (gpointer data)
{
  FerrySimMigration *self = data;

  if (self->cancelled_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->pool);
  g_clear_object (&self->dest_pool);
  g_clear_pointer (&self->disks, g_array_unref);
  g_clear_pointer (&self->disk_links, g_ptr_array_unref);
  g_free (self->vm_ref);
  g_free (self->task_ref);
  g_free (self);
}

static void
scheduler_free (gpointer data)
{
  Scheduler *sched = data;

  _ferry_sim_source_clear (&sched->timer);
  g_clear_pointer (&sched->migrations, g_ptr_array_unref);
  g_clear_pointer (&sched->links, g_hash_table_unref);
  g_free (sched);
}

static Scheduler *
lookup_scheduler (FerrySimWorld *world)
{
  return g_object_get_data (G_OBJECT (world), SCHEDULER_KEY);
}

static Scheduler *
ensure_scheduler (FerrySimWorld *world)
{
  Scheduler *sched = lookup_scheduler (world);

  if (sched != NULL)
    return sched;

  sched = g_new0 (Scheduler, 1);
  sched->world = world;
  sched->migrations = g_ptr_array_new_with_free_func (migration_free);
  sched->links = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, link_free);
  sched->time = ferry_sim_world_get_sim_time (world);
  g_object_set_data_full (G_OBJECT (world), SCHEDULER_KEY, sched, scheduler_free);
  return sched;
}

static Link *
ensure_link (Scheduler  *sched,
             const char *key,
             double      capacity)
{
  Link *link = g_hash_table_lookup (sched->links, key);

  if (link == NULL)
    {
      link = g_new0 (Link, 1);
      link->key = g_strdup (key);
      link->capacity = capacity;
      g_hash_table_insert (sched->links, link->key, link);
    }
  return link;
}

/* A host NIC in one direction: VLANs on the same device share it. */
static Link *
ensure_nic_link (Scheduler    *sched,
                 FerrySimPool *pool,
                 FerrySimRow  *host,
                 FerrySimRow  *pif,
                 const char   *direction)
{
  g_autofree char *key = g_strdup_printf ("nic/%p/%s/%s/%s", (void *) pool,
                                          host ? host->ref : "?",
                                          pif ? ferry_sim_row_get_string (pif, "device") : "?",
                                          direction);

  return ensure_link (sched, key, get_nic_rate (pool, pif));
}

static Link *
ensure_sr_link (Scheduler    *sched,
                FerrySimPool *pool,
                FerrySimRow  *sr)
{
  g_autofree char *key = g_strdup_printf ("sr/%p/%s", (void *) pool, sr ? sr->ref : "?");

  return ensure_link (sched, key, get_sr_rate (pool, sr));
}

/* Max-min fair shares (progressive filling) over every running transfer. */
static void
allocate_rates (Scheduler *sched)
{
  GHashTableIter iter;
  Link *link;
  guint unfrozen = 0;

  g_hash_table_iter_init (&iter, sched->links);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &link))
    {
      link->left = link->capacity;
      link->users = 0;
    }

  for (guint i = 0; i < sched->migrations->len; i++)
    {
      FerrySimMigration *m = g_ptr_array_index (sched->migrations, i);
      Transfer *t = &m->transfer;

      if (m->finished || m->step != STEP_TRANSFER)
        continue;
      t->rate = 0;
      t->frozen = FALSE;
      unfrozen++;
      for (guint l = 0; l < t->n_links; l++)
        t->links[l]->users++;
    }

  while (unfrozen > 0)
    {
      double delta = INFINITY;

      for (guint i = 0; i < sched->migrations->len; i++)
        {
          FerrySimMigration *m = g_ptr_array_index (sched->migrations, i);
          Transfer *t = &m->transfer;

          if (m->finished || m->step != STEP_TRANSFER || t->frozen)
            continue;
          delta = MIN (delta, t->cap - t->rate);
          for (guint l = 0; l < t->n_links; l++)
            delta = MIN (delta, t->links[l]->left / t->links[l]->users);
        }

      if (!isfinite (delta))
        delta = 1e15;  /* nothing limits it: a memory copy */
      delta = MAX (delta, 0);

      for (guint i = 0; i < sched->migrations->len; i++)
        {
          FerrySimMigration *m = g_ptr_array_index (sched->migrations, i);
          Transfer *t = &m->transfer;

          if (m->finished || m->step != STEP_TRANSFER || t->frozen)
            continue;
          t->rate += delta;
          for (guint l = 0; l < t->n_links; l++)
            t->links[l]->left -= delta;
        }

      /* Freeze every transfer at its cap or on a full link. */
      for (guint i = 0; i < sched->migrations->len; i++)
        {
          FerrySimMigration *m = g_ptr_array_index (sched->migrations, i);
          Transfer *t = &m->transfer;
          gboolean saturated;

          if (m->finished || m->step != STEP_TRANSFER || t->frozen)
            continue;
          saturated = t->rate >= t->cap * (1 - 1e-12) || delta >= 1e15;
          for (guint l = 0; l < t->n_links && !saturated; l++)
            saturated = t->links[l]->left <= t->links[l]->capacity * 1e-12;
          if (saturated)
            {
              t->frozen = TRUE;
              unfrozen--;
              for (guint l = 0; l < t->n_links; l++)
                t->links[l]->users--;
            }
        }
    }

  sched->reallocate = FALSE;
}

/* Raw bytes/s a transfer makes progress at. */
static double
get_transfer_raw_rate (const Transfer *t)
{
  if (t->rate <= 0)
    return 0;
  return (t->overhead > 0 ? compute_mirror_drain (t->rate, t->overhead) : t->rate) / t->factor;
}

/* When the migration's next event is due (simulated time). */
static double
get_next_event (FerrySimMigration *m)
{
  double when = m->next_tick;

  if (m->finished)
    return INFINITY;
  if (!m->begun)
    return m->start_time;

  if (m->step == STEP_WAIT)
    when = MIN (when, m->wait_until);
  else if (m->step == STEP_TRANSFER)
    {
      double raw_rate = get_transfer_raw_rate (&m->transfer);

      if (raw_rate > 0)
        when = MIN (when, m->sched->time + MAX (m->transfer.remaining, 0) / raw_rate);
    }
  return when;
}

static void
advance_to (Scheduler *sched,
         double     to)
{
  double dt = to - sched->time;

  if (dt <= 0)
    return;

  for (guint i = 0; i < sched->migrations->len; i++)
    {
      FerrySimMigration *m = g_ptr_array_index (sched->migrations, i);
      Transfer *t = &m->transfer;
      double raw;

      if (m->finished || !m->begun || m->step != STEP_TRANSFER)
        continue;
      raw = MIN (get_transfer_raw_rate (t) * dt, t->remaining);
      t->remaining -= raw;
      *t->sent += t->rate * dt;
      if (t->done_raw != NULL)
        *t->done_raw += raw;
    }
  sched->time = to;
}

/* Steps ------------------------------------------------------------------- */

static void
start_wait (FerrySimMigration *m,
            double             seconds)
{
  m->step = STEP_WAIT;
  m->wait_until = m->sched->time + MAX (seconds, 0);
}

static void
start_transfer (FerrySimMigration *m,
                double             raw_bytes,
                double             factor,
                double             cap,
                double             overhead,
                Link * const      *links,
                guint              n_links,
                double            *sent,
                double            *done_raw)
{
  Transfer *t = &m->transfer;

  memset (t, 0, sizeof *t);
  t->remaining = raw_bytes;
  t->factor = factor;
  t->cap = cap;
  t->overhead = overhead;
  t->sent = sent;
  t->done_raw = done_raw;
  for (guint i = 0; i < n_links && t->n_links < G_N_ELEMENTS (t->links); i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < t->n_links; j++)
        seen = seen || t->links[j] == links[i];
      if (!seen)
        t->links[t->n_links++] = links[i];
    }
  m->step = STEP_TRANSFER;
  m->sched->reallocate = TRUE;
}

static guint
count_net_links (FerrySimMigration *m)
{
  return m->net_links[0] != NULL ? 2 : 0;
}

/* A copy over the migration network (on one host: the loopback): guest
 * memory, compressed if asked, or vGPU state, never compressed. */
static void
start_memory_transfer (FerrySimMigration *m,
                       double             raw_bytes,
                       gboolean           guest_memory,
                       double            *done_raw)
{
  double factor = guest_memory ? get_memory_wire_factor (&m->params) : 1.0;
  double cap = guest_memory ? get_memory_wire_cap (&m->params) : INFINITY;
  double *sent = guest_memory ? &m->outcome.memory_bytes_sent : &m->outcome.vgpu_bytes_sent;

  if (count_net_links (m) == 0)
    cap = MIN (cap, m->params.link_rate);
  start_transfer (m, raw_bytes, factor, cap, 0, m->net_links, count_net_links (m), sent, done_raw);
}

static void
notify_phase (FerrySimMigration      *m,
              FerrySimMigrationPhase  phase)
{
  m->phase = phase;
  m->phase_start = m->sched->time;
  g_debug ("%s: %s at %.3f s", m->vm_ref, ferry_sim_migration_phase_to_string (phase),
           m->sched->time - m->start_time);
  if (m->callbacks.phase != NULL)
    m->callbacks.phase (m, phase, m->user_data);
}

static void
enter_stop_and_copy (FerrySimMigration *m,
                     double             dirty)
{
  m->pause_start = m->sched->time;
  m->outcome.stop_copy_bytes = dirty;
  m->stop_stage = STAGE_DIRTY;
  notify_phase (m, FERRY_SIM_MIGRATION_PHASE_STOP_AND_COPY);
  start_memory_transfer (m, dirty, TRUE, NULL);
}

static void
start_disk (FerrySimMigration *m)
{
  const FerrySimDiskParams *disk = &g_array_index (m->disks, FerrySimDiskParams, m->disk_index);
  GPtrArray *links = g_ptr_array_index (m->disk_links, m->disk_index);

  start_transfer (m, MAX (disk->bytes, 0), 1.0, INFINITY, disk->write_rate,
                  (Link * const *) links->pdata, links->len,
                  &m->outcome.disk_bytes_sent, &m->disk_done_raw);
}

static void
start_memory (FerrySimMigration *m)
{
  if (m->params.memory_bytes > 0)
    {
      notify_phase (m, FERRY_SIM_MIGRATION_PHASE_MEMORY);
      m->round_start = m->sched->time;
      start_memory_transfer (m, m->params.memory_bytes, TRUE, &m->live_done_raw);
    }
  else
    {
      notify_phase (m, FERRY_SIM_MIGRATION_PHASE_FINISH);
      start_wait (m, m->params.finish_s);
    }
}

static void finish_migration (FerrySimMigration *m,
                    GError            *error,
                    gboolean           leave_paused);

/* The current step is complete: set up the next one. */
static void
complete_step (FerrySimMigration *m)
{
  m->step = STEP_NONE;
  m->sched->reallocate = TRUE;

  switch (m->phase)
    {
    case FERRY_SIM_MIGRATION_PHASE_SETUP:
      if (m->disks->len > 0)
        {
          notify_phase (m, FERRY_SIM_MIGRATION_PHASE_DISKS);
          m->disk_index = 0;
          start_disk (m);
        }
      else
        start_memory (m);
      break;

    case FERRY_SIM_MIGRATION_PHASE_DISKS:
      if (++m->disk_index < m->disks->len)
        start_disk (m);
      else
        start_memory (m);
      break;

    case FERRY_SIM_MIGRATION_PHASE_MEMORY:
      {
        double elapsed = m->sched->time - m->round_start;
        double dirty = MIN (m->params.memory_bytes, m->params.dirty_rate * elapsed);

        m->outcome.rounds++;
        if (dirty <= m->params.dirty_threshold || m->outcome.rounds >= MAX (m->params.max_rounds, 1))
          enter_stop_and_copy (m, dirty);
        else
          {
            m->round_start = m->sched->time;
            start_memory_transfer (m, dirty, TRUE, &m->live_done_raw);
          }
      }
      break;

    case FERRY_SIM_MIGRATION_PHASE_STOP_AND_COPY:
      if (m->stop_stage == STAGE_DIRTY)
        {
          m->stop_stage = STAGE_VGPU;
          start_memory_transfer (m, m->params.vgpu_state_bytes, FALSE, NULL);
        }
      else if (m->stop_stage == STAGE_VGPU)
        {
          m->stop_stage = STAGE_SWITCHOVER;
          start_wait (m, m->params.switchover_s);
        }
      else
        {
          m->outcome.downtime_s = m->sched->time - m->pause_start;
          notify_phase (m, FERRY_SIM_MIGRATION_PHASE_FINISH);
          start_wait (m, m->params.finish_s);
        }
      break;

    case FERRY_SIM_MIGRATION_PHASE_FINISH:
      finish_migration (m, NULL, FALSE);
      break;

    case FERRY_SIM_MIGRATION_PHASE_DONE:
    default:
      g_assert_not_reached ();
    }
}

/* Progress ---------------------------------------------------------------- */

static double
compute_phase_fraction (FerrySimMigration *m)
{
  double now = m->sched->time;
  double planned = m->plan.phase_s[m->phase];

  switch (m->phase)
    {
    case FERRY_SIM_MIGRATION_PHASE_DISKS:
      return m->disk_total_raw > 0 ? m->disk_done_raw / m->disk_total_raw : 1;
    case FERRY_SIM_MIGRATION_PHASE_MEMORY:
      return m->plan.live_raw > 0 ? m->live_done_raw / m->plan.live_raw : 1;
    case FERRY_SIM_MIGRATION_PHASE_SETUP:
    case FERRY_SIM_MIGRATION_PHASE_STOP_AND_COPY:
    case FERRY_SIM_MIGRATION_PHASE_FINISH:
      return planned > 0 ? (now - m->phase_start) / planned : 1;
    case FERRY_SIM_MIGRATION_PHASE_DONE:
    default:
      return 1;
    }
}

/* Each phase owns a share of 0…1 in proportion to its estimated duration. */
static double
compute_progress (FerrySimMigration *m)
{
  double total = 0;
  double before = 0;
  double progress;

  for (guint p = 0; p < FERRY_SIM_MIGRATION_PHASE_DONE; p++)
    total += m->plan.phase_s[p];
  if (total <= 0)
    return m->progress;

  for (guint p = 0; p < m->phase; p++)
    before += m->plan.phase_s[p];
  progress = (before + m->plan.phase_s[m->phase] * CLAMP (compute_phase_fraction (m), 0, 1)) / total;
  return CLAMP (progress, m->progress, 0.999);
}

static void
report_progress (FerrySimMigration *m)
{
  g_autoptr(GError) error = NULL;
  gboolean leave_paused = FALSE;
  double progress = compute_progress (m);

  if (progress > m->progress || m->next_tick == m->start_time)
    {
      m->progress = progress;
      if (m->callbacks.progress != NULL)
        m->callbacks.progress (m, progress, m->user_data);
    }

  if (!ferry_sim_faults_check_migration (m->sched->world, m->pool, m->vm_ref, m->progress,
                                         &leave_paused, &error))
    finish_migration (m, g_steal_pointer (&error), leave_paused);
}

/* The end ----------------------------------------------------------------- */

static void
format_number (FerrySimDb  *db,
               FerrySimRow *task,
               const char  *key,
               const char  *format,
               double       value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (text, sizeof text, format, value);
  ferry_sim_db_map_set (db, task, "other_config", key, text);
}

void
ferry_sim_migration_record (const FerrySimMigrationOutcome *outcome,
                            const FerrySimMigrationOutcome *estimate,
                            FerrySimDb                     *db,
                            FerrySimRow                    *task)
{
  g_return_if_fail (outcome != NULL);
  g_return_if_fail (FERRY_SIM_IS_DB (db));
  g_return_if_fail (task != NULL);

  format_number (db, task, "sim_duration_s", "%.3f", outcome->duration_s);
  format_number (db, task, "sim_downtime_s", "%.3f", outcome->downtime_s);
  format_number (db, task, "sim_bytes_sent", "%.0f", outcome->bytes_sent);
  format_number (db, task, "sim_memory_bytes_sent", "%.0f", outcome->memory_bytes_sent);
  format_number (db, task, "sim_disk_bytes_sent", "%.0f", outcome->disk_bytes_sent);
  format_number (db, task, "sim_vgpu_bytes_sent", "%.0f", outcome->vgpu_bytes_sent);
  format_number (db, task, "sim_rounds", "%.0f", outcome->rounds);
  if (estimate != NULL)
    {
      format_number (db, task, "sim_estimated_duration_s", "%.3f", estimate->duration_s);
      format_number (db, task, "sim_estimated_downtime_s", "%.3f", estimate->downtime_s);
    }
}

static void
finish_migration (FerrySimMigration *m,
        GError            *error,
        gboolean           leave_paused)
{
  if (m->finished)
    {
      g_clear_error (&error);
      return;
    }

  m->finished = TRUE;
  m->step = STEP_NONE;
  m->sched->reallocate = TRUE;
  m->outcome.duration_s = m->sched->time - m->start_time;
  m->outcome.bytes_sent = m->outcome.memory_bytes_sent + m->outcome.disk_bytes_sent + m->outcome.vgpu_bytes_sent;
  if (error != NULL && m->phase == FERRY_SIM_MIGRATION_PHASE_STOP_AND_COPY)
    m->outcome.downtime_s = m->sched->time - m->pause_start;
  if (error == NULL)
    m->progress = 1.0;

  if (m->task_ref != NULL)
    {
      FerrySimDb *db = ferry_sim_pool_get_db (m->pool);
      FerrySimRow *task = ferry_sim_db_lookup_in (db, "task", m->task_ref);

      if (task != NULL)
        ferry_sim_migration_record (&m->outcome, &m->estimate, db, task);
    }

  if (error == NULL && m->callbacks.progress != NULL)
    m->callbacks.progress (m, 1.0, m->user_data);

  g_debug ("%s: %s after %.3f s (downtime %.3f s, %.0f bytes, %u rounds)",
           m->vm_ref, error ? error->message : "done", m->outcome.duration_s,
           m->outcome.downtime_s, m->outcome.bytes_sent, m->outcome.rounds);

  m->phase = FERRY_SIM_MIGRATION_PHASE_DONE;
  m->callbacks.done (m, &m->outcome, error, error != NULL && leave_paused, m->user_data);
  g_clear_error (&error);
}

static gboolean
is_cancelled (FerrySimMigration *m)
{
  return !m->finished && !m->no_return && m->cancellable != NULL &&
         g_cancellable_is_cancelled (m->cancellable);
}

static void
cancel_migration (FerrySimMigration *m)
{
  finish_migration (m, ferry_sim_failure_new ("TASK_CANCELLED", m->task_ref ? m->task_ref : "", NULL), FALSE);
}

static void
begin_migration (FerrySimMigration *m)
{
  m->begun = TRUE;
  m->next_tick = m->start_time;
  notify_phase (m, FERRY_SIM_MIGRATION_PHASE_SETUP);
  start_wait (m, m->params.setup_s);
}

/* Handles whatever is due at sched->time. */
static void
handle_due (FerrySimMigration *m)
{
  double now = m->sched->time;

  if (m->finished)
    return;

  if (!m->begun)
    {
      if (m->start_time > now + TIME_SLACK)
        return;
      begin_migration (m);
    }

  /* Zero-length steps complete at once. */
  for (guint guard = 0; guard < 64 && !m->finished; guard++)
    {
      gboolean due = (m->step == STEP_WAIT && m->wait_until <= now + TIME_SLACK) ||
                     (m->step == STEP_TRANSFER && m->transfer.remaining <= DONE_BYTES);

      if (!due)
        break;
      complete_step (m);
    }

  if (!m->finished && m->next_tick <= now + TIME_SLACK)
    {
      report_progress (m);
      m->next_tick = now + m->tick;
    }
}

static void
process_events (Scheduler *sched)
{
  double now = ferry_sim_world_get_sim_time (sched->world);

  sched->processing = TRUE;

  for (guint steps = 0; steps < 100000; steps++)
    {
      g_autoptr(GPtrArray) snapshot = NULL;
      double when = INFINITY;

      if (sched->reallocate)
        allocate_rates (sched);

      for (guint i = 0; i < sched->migrations->len; i++)
        when = MIN (when, get_next_event (g_ptr_array_index (sched->migrations, i)));
      if (when > now)
        break;

      advance_to (sched, MAX (when, sched->time));

      /* Callbacks may start migrations: walk a copy (that frees nothing). */
      snapshot = g_ptr_array_sized_new (sched->migrations->len);
      for (guint i = 0; i < sched->migrations->len; i++)
        g_ptr_array_add (snapshot, g_ptr_array_index (sched->migrations, i));
      for (guint i = 0; i < snapshot->len; i++)
        handle_due (g_ptr_array_index (snapshot, i));

      /* Finished ones go once their done callback has run. */
      for (guint i = sched->migrations->len; i > 0; i--)
        if (((FerrySimMigration *) g_ptr_array_index (sched->migrations, i - 1))->finished)
          g_ptr_array_remove_index (sched->migrations, i - 1);
    }

  if (sched->reallocate)
    allocate_rates (sched);
  advance_to (sched, now);

  /* task.cancel, until the point of no return. */
  for (guint i = 0; i < sched->migrations->len; i++)
    {
      FerrySimMigration *m = g_ptr_array_index (sched->migrations, i);

      if (is_cancelled (m))
        cancel_migration (m);
    }
  for (guint i = sched->migrations->len; i > 0; i--)
    if (((FerrySimMigration *) g_ptr_array_index (sched->migrations, i - 1))->finished)
      g_ptr_array_remove_index (sched->migrations, i - 1);

  sched->processing = FALSE;
}

static gboolean
on_timer_cb (gpointer data)
{
  Scheduler *sched = data;

  _ferry_sim_source_clear (&sched->timer);
  process_events (sched);
  schedule_timer (sched);
  return G_SOURCE_REMOVE;
}

static void
schedule_timer (Scheduler *sched)
{
  double when = INFINITY;
  double delay;
  double scale = ferry_sim_world_get_time_scale (sched->world);

  _ferry_sim_source_clear (&sched->timer);

  if (sched->reallocate)
    allocate_rates (sched);
  for (guint i = 0; i < sched->migrations->len; i++)
    {
      FerrySimMigration *m = g_ptr_array_index (sched->migrations, i);

      when = MIN (when, get_next_event (m));
      if (is_cancelled (m))
        when = -INFINITY;
    }
  if (!isfinite (when) && when > 0)
    return;

  delay = (when - ferry_sim_world_get_sim_time (sched->world)) / scale;
  sched->timer = _ferry_sim_timeout_add (_ferry_sim_delay_to_msec (delay),
                                         on_timer_cb, sched, NULL);
}

static void
on_cancelled_cb (GCancellable *cancellable,
                 gpointer      data)
{
  Scheduler *sched = data;

  /* Never finish from inside the signal: the timer does it. */
  if (!sched->processing)
    schedule_timer (sched);
}

void
_ferry_sim_timemodel_rescale (FerrySimWorld *world)
{
  Scheduler *sched = lookup_scheduler (world);

  if (sched != NULL && !sched->processing)
    schedule_timer (sched);
}

/* Public ------------------------------------------------------------------ */

guint
_ferry_sim_delay_to_msec (double seconds)
{
  /* Rounded up, so that a timer never fires before its event is due. */
  double msec = seconds * 1000;

  if (!(msec > 0))
    return 0;
  if (msec >= 3600 * 1000)
    return 3600 * 1000;
  return (guint) msec + ((double) (guint) msec < msec ? 1 : 0);
}

static void
add_disk_links (FerrySimMigration           *m,
                const FerrySimMigrationSpec *spec,
                const Ends                  *ends)
{
  m->disk_links = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < spec->n_disks; i++)
    {
      const FerrySimMigrationDisk *move = &spec->disks[i];
      FerrySimRow *source_sr = lookup_row (spec->pool, "SR", ferry_sim_row_get_string (move->vdi, "SR"));
      GPtrArray *links = g_ptr_array_new ();

      g_ptr_array_add (links, ensure_sr_link (m->sched, spec->pool, source_sr));
      g_ptr_array_add (links, ensure_sr_link (m->sched, ends->dest_pool, move->dest_sr));
      if (m->net_links[0] != NULL)
        {
          g_ptr_array_add (links, m->net_links[0]);
          g_ptr_array_add (links, m->net_links[1]);
        }
      g_ptr_array_add (m->disk_links, links);
    }
}

FerrySimMigration *
ferry_sim_migration_start (FerrySimWorld                    *world,
                           const FerrySimMigrationSpec      *spec,
                           const FerrySimMigrationCallbacks *callbacks,
                           GCancellable                     *cancellable,
                           gpointer                          user_data)
{
  Scheduler *sched;
  FerrySimMigration *m;
  Ends ends;

  g_return_val_if_fail (FERRY_SIM_IS_WORLD (world), NULL);
  g_return_val_if_fail (spec != NULL && FERRY_SIM_IS_POOL (spec->pool) && spec->vm != NULL, NULL);
  g_return_val_if_fail (spec->dest_host != NULL, NULL);
  g_return_val_if_fail (callbacks != NULL && callbacks->done != NULL, NULL);

  sched = ensure_scheduler (world);
  resolve_ends (spec, &ends);

  m = g_new0 (FerrySimMigration, 1);
  m->sched = sched;
  m->pool = g_object_ref (spec->pool);
  m->dest_pool = g_object_ref (ends.dest_pool);
  m->vm_ref = g_strdup (spec->vm->ref);
  m->task_ref = g_strdup (spec->task_ref);
  m->callbacks = *callbacks;
  m->user_data = user_data;
  m->disks = g_array_new (FALSE, TRUE, sizeof (FerrySimDiskParams));
  fill_params (spec, &ends, &m->params, m->disks);
  for (guint i = 0; i < m->disks->len; i++)
    m->disk_total_raw += MAX (g_array_index (m->disks, FerrySimDiskParams, i).bytes, 0);

  if (!ends.same_host)
    {
      m->net_links[0] = ensure_nic_link (sched, spec->pool, ends.source_host, ends.source_pif, "send");
      m->net_links[1] = ensure_nic_link (sched, ends.dest_pool, ends.dest_host, ends.dest_pif, "receive");
    }
  add_disk_links (m, spec, &ends);

  estimate_plan (&m->params, &m->estimate, &m->plan);
  m->tick = MAX (m->estimate.duration_s / PROGRESS_STEPS, MIN_TICK_S);
  m->start_time = sched->processing ? sched->time : ferry_sim_world_get_sim_time (world);
  m->next_tick = m->start_time;

  if (cancellable != NULL)
    {
      m->cancellable = g_object_ref (cancellable);
      m->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled_cb), sched, NULL);
    }

  g_ptr_array_add (sched->migrations, m);
  if (!sched->processing)
    schedule_timer (sched);

  return m;
}

void
ferry_sim_migration_pass_point_of_no_return (FerrySimMigration *self)
{
  g_return_if_fail (self != NULL);

  self->no_return = TRUE;
}

const FerrySimMigrationOutcome *
ferry_sim_migration_get_estimate (FerrySimMigration *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->estimate;
}

guint
ferry_sim_migration_count_running (FerrySimWorld *world)
{
  Scheduler *sched;
  guint n = 0;

  g_return_val_if_fail (FERRY_SIM_IS_WORLD (world), 0);

  sched = lookup_scheduler (world);
  for (guint i = 0; sched != NULL && i < sched->migrations->len; i++)
    if (!((FerrySimMigration *) g_ptr_array_index (sched->migrations, i))->finished)
      n++;
  return n;
}

char *
_ferry_sim_timemodel_dup_state_json (FerrySimWorld *world)
{
  Scheduler *sched = lookup_scheduler (world);
  g_autoptr(GString) out = g_string_new ("{\"time_scale\": ");
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_dtostr (number, sizeof number, ferry_sim_world_get_time_scale (world)));
  g_string_append (out, ", \"sim_time\": ");
  g_string_append (out, g_ascii_formatd (number, sizeof number, "%.3f", ferry_sim_world_get_sim_time (world)));
  g_string_append (out, ", \"migrations\": [");
  for (guint i = 0; sched != NULL && i < sched->migrations->len; i++)
    {
      FerrySimMigration *m = g_ptr_array_index (sched->migrations, i);

      if (m->finished)
        continue;
      if (out->str[out->len - 1] != '[')
        g_string_append (out, ", ");
      g_string_append (out, "{\"vm\": ");
      ferry_sim_write_json_string (out, m->vm_ref);
      g_string_append (out, ", \"task\": ");
      ferry_sim_write_json_string (out, m->task_ref ? m->task_ref : "");
      g_string_append (out, ", \"phase\": ");
      ferry_sim_write_json_string (out, ferry_sim_migration_phase_to_string (m->phase));
      g_string_append (out, ", \"progress\": ");
      g_string_append (out, g_ascii_formatd (number, sizeof number, "%.4f", m->progress));
      g_string_append (out, ", \"estimated_duration_s\": ");
      g_string_append (out, g_ascii_formatd (number, sizeof number, "%.3f", m->estimate.duration_s));
      g_string_append (out, ", \"estimated_downtime_s\": ");
      g_string_append (out, g_ascii_formatd (number, sizeof number, "%.3f", m->estimate.downtime_s));
      g_string_append (out, "}");
    }
  g_string_append (out, "]}");
  return g_string_free (g_steal_pointer (&out), FALSE);
}
