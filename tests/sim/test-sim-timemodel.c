/* test-sim-timemodel.c: the migration time model, estimated and run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-sim-builder.h"
#include "ferry-sim-error.h"
#include "ferry-sim-faults.h"
#include "ferry-sim-scenario.h"
#include "ferry-sim-timemodel.h"
#include "ferry-sim-world.h"

#define MIB ((double) FERRY_SIM_MiB)
#define GIB ((double) FERRY_SIM_GiB)
#define FAST_SCALE 1000.0

static const char scenario[] =
  "{ \"pools\": [ { \"name\": \"P\",\n"
  "  \"hosts\": [ { \"name\": \"a\", \"nics\": { \"eth0\": \"10G\", \"eth1\": \"1G\" }, \"gpus\": [ \"nvidia-t4\" ] },\n"
  "             { \"name\": \"b\", \"nics\": { \"eth0\": \"10G\", \"eth1\": \"1G\" }, \"gpus\": [ \"nvidia-t4\" ] },\n"
  "             { \"name\": \"c\", \"nics\": { \"eth0\": \"10G\", \"eth1\": \"1G\" } } ],\n"
  "  \"networks\": [ { \"name\": \"LAN\", \"nic\": \"eth0\", \"management\": true },\n"
  "                { \"name\": \"Slow\", \"nic\": \"eth1\", \"subnet\": \"10.20.0.0/24\" } ],\n"
  "  \"srs\": [ { \"name\": \"NFS\", \"type\": \"nfs\", \"size\": \"2 TiB\", \"bandwidth\": \"400 MiB/s\" },\n"
  "           { \"name\": \"NFS2\", \"type\": \"nfs\", \"size\": \"2 TiB\", \"bandwidth\": \"200 MiB/s\" } ],\n"
  "  \"vms\": [\n"
  "    { \"name\": \"idle1\", \"power_state\": \"running\", \"host\": \"a\", \"memory\": \"8 GiB\", \"dirty_rate\": 0 },\n"
  "    { \"name\": \"idle2\", \"power_state\": \"running\", \"host\": \"a\", \"memory\": \"8 GiB\", \"dirty_rate\": 0 },\n"
  "    { \"name\": \"busy\", \"power_state\": \"running\", \"host\": \"a\", \"memory\": \"8 GiB\",\n"
  "      \"dirty_rate\": \"300 MiB/s\", \"compressibility\": 0.3, \"disk_write_rate\": \"40 MiB/s\",\n"
  "      \"disks\": [ { \"size\": \"40 GiB\", \"used\": \"4 GiB\", \"sr\": \"NFS\" } ] },\n"
  "    { \"name\": \"gpu\", \"power_state\": \"running\", \"host\": \"a\", \"memory\": \"8 GiB\", \"dirty_rate\": 0,\n"
  "      \"vgpu\": { \"type\": \"nvidia-t4-4q\", \"state_size\": \"2 GiB\" } },\n"
  "    { \"name\": \"off\", \"power_state\": \"halted\", \"memory\": \"8 GiB\",\n"
  "      \"disks\": [ { \"size\": \"10 GiB\", \"used\": \"2 GiB\", \"sr\": \"NFS\" } ] } ] } ] }\n";

/* A world with the scenario above, not listening: the model needs none. */
typedef struct
{
  FerrySimWorld *world;
  FerrySimPool  *pool;
  FerrySimDb    *db;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pools = ferry_sim_scenario_load_data (scenario, strlen (scenario), "test", NULL, &error);

  g_assert_no_error (error);
  f->world = ferry_sim_world_new ();
  f->pool = g_ptr_array_index (pools, 0);
  f->db = ferry_sim_pool_get_db (f->pool);
  ferry_sim_world_add_pool (f->world, f->pool);
  ferry_sim_world_set_time_scale (f->world, FAST_SCALE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->world);
}

static FerrySimRow *
find (Fixture    *f,
      const char *class_name,
      const char *name)
{
  GPtrArray *rows = ferry_sim_db_get_rows_by_name (f->db, class_name);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (rows, i), "name_label"), name) == 0)
      return g_ptr_array_index (rows, i);
  g_assert_not_reached ();
  return NULL;
}

/* The PIF of @host on the network @network. */
static FerrySimRow *
find_pif (Fixture    *f,
          const char *host,
          const char *network)
{
  FerrySimRow *host_row = find (f, "host", host);
  FerrySimRow *net = find (f, "network", network);
  GPtrArray *pifs = ferry_sim_db_get_rows_by_name (f->db, "PIF");

  for (guint i = 0; i < pifs->len; i++)
    {
      FerrySimRow *pif = g_ptr_array_index (pifs, i);

      if (g_strcmp0 (ferry_sim_row_get_string (pif, "host"), host_row->ref) == 0 &&
          g_strcmp0 (ferry_sim_row_get_string (pif, "network"), net->ref) == 0)
        return pif;
    }
  g_assert_not_reached ();
  return NULL;
}

/* The first disk of @vm. */
static FerrySimRow *
find_disk (Fixture     *f,
           FerrySimRow *vm)
{
  const FerrySimValue *vbds = ferry_sim_row_get (vm, "VBDs");

  for (guint i = 0; i < ferry_sim_value_get_length (vbds); i++)
    {
      FerrySimRow *vbd = ferry_sim_db_lookup (f->db, ferry_sim_value_get_string (ferry_sim_value_index (vbds, i)));
      FerrySimRow *vdi = ferry_sim_db_lookup (f->db, ferry_sim_row_get_string (vbd, "VDI"));

      if (vdi != NULL)
        return vdi;
    }
  g_assert_not_reached ();
  return NULL;
}

/* Running migrations ------------------------------------------------------ */

typedef struct
{
  GArray                   *progress;
  gboolean                  paused;       /* stop-and-copy began */
  gboolean                  done;
  FerrySimMigrationOutcome  outcome;
  FerrySimMigrationOutcome  estimate;
  GError                   *error;
  gboolean                  leave_paused;
  gint64                    started;      /* monotonic µs */
  gint64                    ended;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->progress, g_array_unref);
  g_clear_error (&run->error);
}

static void
on_progress (FerrySimMigration *migration,
             double             progress,
             gpointer           data)
{
  Run *run = data;

  g_array_append_val (run->progress, progress);
}

static void
on_phase (FerrySimMigration      *migration,
          FerrySimMigrationPhase  phase,
          gpointer                data)
{
  Run *run = data;

  if (phase == FERRY_SIM_MIGRATION_PHASE_STOP_AND_COPY)
    run->paused = TRUE;
}

static void
on_done (FerrySimMigration              *migration,
         const FerrySimMigrationOutcome *outcome,
         const GError                   *error,
         gboolean                        leave_paused,
         gpointer                        data)
{
  Run *run = data;

  g_assert_false (run->done);
  run->done = TRUE;
  run->outcome = *outcome;
  run->estimate = *ferry_sim_migration_get_estimate (migration);
  run->error = error ? g_error_copy (error) : NULL;
  run->leave_paused = leave_paused;
  run->ended = g_get_monotonic_time ();
}

static const FerrySimMigrationCallbacks callbacks = { on_progress, on_phase, on_done };

static FerrySimMigration *
start (Fixture               *f,
       Run                   *run,
       FerrySimMigrationSpec *spec,
       GCancellable          *cancellable)
{
  FerrySimMigration *migration;

  memset (run, 0, sizeof *run);
  run->progress = g_array_new (FALSE, FALSE, sizeof (double));
  run->started = g_get_monotonic_time ();
  if (spec->pool == NULL)
    spec->pool = f->pool;
  migration = ferry_sim_migration_start (f->world, spec, &callbacks, cancellable, run);
  g_assert_nonnull (migration);
  g_assert_false (run->done);  /* never from inside start */
  return migration;
}

static void
wait_for (Run *run)
{
  while (!run->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
assert_monotonic (Run *run)
{
  g_assert_cmpuint (run->progress->len, >=, 5);
  g_assert_cmpfloat (g_array_index (run->progress, double, 0), ==, 0.0);
  for (guint i = 1; i < run->progress->len; i++)
    g_assert_cmpfloat (g_array_index (run->progress, double, i), >=, g_array_index (run->progress, double, i - 1));
}

static double
relative_error (double a,
                double b)
{
  return ABS (a - b) / MAX (ABS (b), 1e-9);
}

/* The estimate ------------------------------------------------------------ */

static FerrySimMigrationParams
params_8g (double dirty_mib_s)
{
  FerrySimMigrationParams params;

  ferry_sim_migration_params_init (&params);
  params.memory_bytes = 8 * GIB;
  params.dirty_rate = dirty_mib_s * MIB;
  return params;
}

/* More dirtying: more rounds, longer, more downtime; none: one round. */
static void
test_estimate_dirty_rate (void)
{
  static const double rates[] = { 0, 1, 50, 200, 600, 1200 };
  FerrySimMigrationOutcome previous = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      FerrySimMigrationParams params = params_8g (rates[i]);
      FerrySimMigrationOutcome outcome;

      ferry_sim_migration_estimate (&params, &outcome);
      g_test_message ("dirty %4.0f MiB/s: %u rounds, %.2f s, downtime %.3f s, %.2f GiB",
                      rates[i], outcome.rounds, outcome.duration_s, outcome.downtime_s, outcome.bytes_sent / GIB);
      if (i == 0)
        {
          g_assert_cmpuint (outcome.rounds, ==, 1);
          g_assert_cmpfloat (outcome.stop_copy_bytes, ==, 0);
          g_assert_cmpfloat (outcome.downtime_s, ==, FERRY_SIM_TM_SWITCHOVER_S);
        }
      else
        {
          g_assert_cmpuint (outcome.rounds, >=, previous.rounds);
          g_assert_cmpfloat (outcome.duration_s, >, previous.duration_s);
          g_assert_cmpfloat (outcome.downtime_s, >, previous.downtime_s);
          g_assert_cmpfloat (outcome.bytes_sent, >, previous.bytes_sent);
        }
      g_assert_cmpuint (outcome.rounds, <=, FERRY_SIM_TM_MAX_ROUNDS);
      previous = outcome;
    }

  /* Dirtying faster than the link: the round limit stops it, and every
   * round resends all memory. */
  g_assert_cmpuint (previous.rounds, ==, FERRY_SIM_TM_MAX_ROUNDS);
  {
    FerrySimMigrationParams params = params_8g (5000);
    FerrySimMigrationOutcome outcome;

    ferry_sim_migration_estimate (&params, &outcome);
    g_assert_cmpfloat (outcome.memory_bytes_sent, ==, (FERRY_SIM_TM_MAX_ROUNDS + 1) * 8 * GIB);
    g_assert_cmpfloat (outcome.stop_copy_bytes, ==, 8 * GIB);
  }
}

/* The numbers of the model, worked by hand for one case. */
static void
test_estimate_formula (void)
{
  FerrySimMigrationParams params = params_8g (100);
  FerrySimMigrationOutcome outcome;
  double rate = 10000e6 / 8 * FERRY_SIM_TM_LINK_EFFICIENCY;
  double t1 = 8 * GIB / rate;
  double d1 = 100 * MIB * t1;
  double t2 = d1 / rate;
  double d2 = 100 * MIB * t2;
  double t3 = d2 / rate;
  double d3 = 100 * MIB * t3;

  /* 8 GiB at 1175 MB/s: 7.3 s; then 730 MiB, 65 MiB, 5.8 MiB, … */
  ferry_sim_migration_estimate (&params, &outcome);
  g_assert_cmpuint (outcome.rounds, ==, 5);
  g_assert_cmpfloat (relative_error (outcome.memory_bytes_sent, 8 * GIB + d1 + d2 + d3 + 100 * MIB * (d3 / rate)
                                                                 + 100 * MIB * (100 * MIB * (d3 / rate) / rate)), <, 1e-9);
  g_assert_cmpfloat (outcome.duration_s, >, FERRY_SIM_TM_SETUP_S + t1 + t2 + t3 + FERRY_SIM_TM_FINISH_S);
  g_assert_cmpfloat (outcome.duration_s, <, FERRY_SIM_TM_SETUP_S + t1 + 2 * t2 + FERRY_SIM_TM_FINISH_S + 1);
}

/* Compression: fewer bytes; faster on a slow link, slower (CPU-bound) on a fast one. */
static void
test_estimate_compression (void)
{
  static const double links_mbit[] = { 1000, 25000 };

  for (guint i = 0; i < G_N_ELEMENTS (links_mbit); i++)
    {
      FerrySimMigrationParams params = params_8g (20);
      FerrySimMigrationOutcome plain, compressed;

      params.link_rate = links_mbit[i] * 1e6 / 8 * FERRY_SIM_TM_LINK_EFFICIENCY;
      params.compressibility = 0.4;
      ferry_sim_migration_estimate (&params, &plain);
      params.compress = TRUE;
      ferry_sim_migration_estimate (&params, &compressed);

      g_test_message ("%5.0f Mbit/s: %.1f s plain, %.1f s compressed", links_mbit[i],
                      plain.duration_s, compressed.duration_s);
      g_assert_cmpfloat (compressed.bytes_sent, <, plain.bytes_sent * 0.5);
      if (links_mbit[i] < 5000)
        g_assert_cmpfloat (compressed.duration_s, <, plain.duration_s * 0.5);
      else
        g_assert_cmpfloat (compressed.duration_s, >, plain.duration_s);
    }
}

/* vGPU state moves while the VM is paused (R28). */
static void
test_estimate_vgpu (void)
{
  FerrySimMigrationParams params = params_8g (50);
  FerrySimMigrationOutcome without, with;

  ferry_sim_migration_estimate (&params, &without);
  params.vgpu_state_bytes = 2 * GIB;
  ferry_sim_migration_estimate (&params, &with);

  g_assert_cmpfloat (relative_error (with.downtime_s - without.downtime_s, 2 * GIB / params.link_rate), <, 1e-9);
  g_assert_cmpfloat (relative_error (with.duration_s - without.duration_s, 2 * GIB / params.link_rate), <, 1e-9);
  g_assert_cmpfloat (with.vgpu_bytes_sent, ==, 2 * GIB);
  g_assert_cmpuint (with.rounds, ==, without.rounds);

  /* A faster NIC keeps it short. */
  params.link_rate *= 2.5;
  ferry_sim_migration_estimate (&params, &without);
  g_assert_cmpfloat (without.downtime_s, <, with.downtime_s);
}

/* Disk mirroring: used bytes at the slowest SR, slowed by the guest's writes. */
static void
test_estimate_disks (void)
{
  FerrySimDiskParams disk = { .bytes = 10 * GIB, .rate = 200 * MIB };
  FerrySimMigrationParams params;
  FerrySimMigrationOutcome quiet, busy, swamped;

  ferry_sim_migration_params_init (&params);
  params.disks = &disk;
  params.n_disks = 1;
  ferry_sim_migration_estimate (&params, &quiet);
  g_assert_cmpfloat (relative_error (quiet.duration_s, FERRY_SIM_TM_SETUP_S + 10 * GIB / (200 * MIB) + FERRY_SIM_TM_FINISH_S), <, 1e-9);
  g_assert_cmpfloat (quiet.disk_bytes_sent, ==, 10 * GIB);
  g_assert_cmpfloat (quiet.downtime_s, ==, 0);
  g_assert_cmpuint (quiet.rounds, ==, 0);

  disk.write_rate = 100 * MIB;
  ferry_sim_migration_estimate (&params, &busy);
  g_assert_cmpfloat (relative_error (busy.duration_s - quiet.duration_s, 10 * GIB / (100 * MIB) - 10 * GIB / (200 * MIB)), <, 1e-9);
  g_assert_cmpfloat (relative_error (busy.disk_bytes_sent, 20 * GIB), <, 1e-9);

  /* Writes faster than the SR: the copy still ends, at 10 % of its rate. */
  disk.write_rate = 500 * MIB;
  ferry_sim_migration_estimate (&params, &swamped);
  g_assert_cmpfloat (relative_error (swamped.duration_s, FERRY_SIM_TM_SETUP_S + 10 * GIB / (20 * MIB) + FERRY_SIM_TM_FINISH_S), <, 1e-9);
}

/* The rows' sim attributes become the numbers. */
static void
test_params_from_spec (Fixture       *f,
                       gconstpointer  data)
{
  FerrySimRow *busy = find (f, "VM", "busy");
  FerrySimMigrationDisk disk = { find_disk (f, busy), find (f, "SR", "NFS2"), TRUE };
  FerrySimMigrationSpec spec = {
    .pool = f->pool, .vm = busy, .dest_host = find (f, "host", "b"),
    .disks = &disk, .n_disks = 1, .compress = TRUE,
  };
  FerrySimMigrationParams params;
  g_autoptr(GArray) disks = NULL;

  ferry_sim_migration_params_from_spec (&spec, &params, &disks);
  g_assert_cmpfloat (params.memory_bytes, ==, 8 * GIB);
  g_assert_cmpfloat (params.dirty_rate, ==, 300 * MIB);
  g_assert_cmpfloat (params.compressibility, ==, 0.3);
  g_assert_true (params.compress);
  g_assert_cmpfloat (params.link_rate, ==, 10000e6 / 8 * FERRY_SIM_TM_LINK_EFFICIENCY);
  g_assert_cmpfloat (params.vgpu_state_bytes, ==, 0);
  g_assert_cmpuint (params.n_disks, ==, 1);
  g_assert_cmpfloat (params.disks[0].bytes, ==, 4 * GIB);
  g_assert_cmpfloat (params.disks[0].rate, ==, 200 * MIB);       /* the slower SR */
  g_assert_cmpfloat (params.disks[0].write_rate, ==, 40 * MIB);
  g_clear_pointer (&disks, g_array_unref);

  /* The slow network's PIFs: 1 Gbit/s. */
  spec.source_pif = find_pif (f, "a", "Slow");
  spec.dest_pif = find_pif (f, "b", "Slow");
  ferry_sim_migration_params_from_spec (&spec, &params, &disks);
  g_assert_cmpfloat (params.link_rate, ==, 1000e6 / 8 * FERRY_SIM_TM_LINK_EFFICIENCY);
  g_assert_cmpfloat (params.disks[0].rate, ==, 1000e6 / 8 * FERRY_SIM_TM_LINK_EFFICIENCY);
  g_clear_pointer (&disks, g_array_unref);

  /* vGPU state; a halted VM moves no memory. */
  spec = (FerrySimMigrationSpec) { .pool = f->pool, .vm = find (f, "VM", "gpu"), .dest_host = find (f, "host", "b") };
  ferry_sim_migration_params_from_spec (&spec, &params, &disks);
  /* The builder keeps six digits. */
  g_assert_cmpfloat (relative_error (params.vgpu_state_bytes, 2 * GIB), <, 1e-5);
  g_clear_pointer (&disks, g_array_unref);

  spec.vm = find (f, "VM", "off");
  ferry_sim_migration_params_from_spec (&spec, &params, &disks);
  g_assert_cmpfloat (params.memory_bytes, ==, 0);
  g_assert_cmpfloat (params.vgpu_state_bytes, ==, 0);
  g_clear_pointer (&disks, g_array_unref);
}

/* Running ----------------------------------------------------------------- */

/* Alone on its links, a run takes what the estimate says; progress only
 * grows; the caller hears of stop-and-copy; the task records the outcome. */
static void
test_run_matches_estimate (Fixture       *f,
                           gconstpointer  data)
{
  FerrySimRow *busy = find (f, "VM", "busy");
  FerrySimRow *task = ferry_sim_db_create (f->db, "task");
  FerrySimMigrationDisk disk = { find_disk (f, busy), find (f, "SR", "NFS2"), TRUE };
  FerrySimMigrationSpec spec = {
    .vm = busy, .dest_host = find (f, "host", "b"), .disks = &disk, .n_disks = 1,
    .task_ref = task->ref,
  };
  Run run;

  start (f, &run, &spec, NULL);
  g_assert_cmpuint (ferry_sim_migration_count_running (f->world), ==, 1);
  wait_for (&run);

  g_assert_no_error (run.error);
  g_assert_true (run.paused);
  g_assert_false (run.leave_paused);
  assert_monotonic (&run);
  g_assert_cmpfloat (g_array_index (run.progress, double, run.progress->len - 1), ==, 1.0);
  g_assert_cmpuint (ferry_sim_migration_count_running (f->world), ==, 0);

  g_test_message ("estimate %.3f s / %.3f s down, run %.3f s / %.3f s down, %u rounds",
                  run.estimate.duration_s, run.estimate.downtime_s,
                  run.outcome.duration_s, run.outcome.downtime_s, run.outcome.rounds);
  g_assert_cmpuint (run.outcome.rounds, ==, run.estimate.rounds);
  g_assert_cmpfloat (relative_error (run.outcome.duration_s, run.estimate.duration_s), <, 1e-6);
  g_assert_cmpfloat (relative_error (run.outcome.downtime_s, run.estimate.downtime_s), <, 1e-6);
  g_assert_cmpfloat (relative_error (run.outcome.bytes_sent, run.estimate.bytes_sent), <, 1e-6);
  g_assert_cmpfloat (relative_error (run.outcome.disk_bytes_sent, run.estimate.disk_bytes_sent), <, 1e-6);

  g_assert_nonnull (ferry_sim_row_map_lookup (task, "other_config", "sim_duration_s"));
  g_assert_cmpfloat (relative_error (g_ascii_strtod (ferry_sim_row_map_lookup (task, "other_config", "sim_duration_s"), NULL),
                                     run.outcome.duration_s), <, 1e-3);
  g_assert_nonnull (ferry_sim_row_map_lookup (task, "other_config", "sim_downtime_s"));
  g_assert_cmpfloat (g_ascii_strtod (ferry_sim_row_map_lookup (task, "other_config", "sim_bytes_sent"), NULL), >, 4 * GIB);
  g_assert_nonnull (ferry_sim_row_map_lookup (task, "other_config", "sim_estimated_duration_s"));
  run_clear (&run);
}

/* Two migrations over one NIC each get half of it: twice as long. */
static void
test_run_shared_link (Fixture       *f,
                      gconstpointer  data)
{
  FerrySimMigrationSpec one = { .vm = find (f, "VM", "idle1"), .dest_host = find (f, "host", "b") };
  FerrySimMigrationSpec two = { .vm = find (f, "VM", "idle2"), .dest_host = find (f, "host", "c") };
  double fixed = FERRY_SIM_TM_SETUP_S + FERRY_SIM_TM_SWITCHOVER_S + FERRY_SIM_TM_FINISH_S;
  double alone, shared1, shared2;
  Run a, b;

  start (f, &a, &one, NULL);
  wait_for (&a);
  g_assert_no_error (a.error);
  alone = a.outcome.duration_s - fixed;
  run_clear (&a);

  start (f, &a, &one, NULL);
  start (f, &b, &two, NULL);
  g_assert_cmpuint (ferry_sim_migration_count_running (f->world), ==, 2);
  wait_for (&a);
  wait_for (&b);
  g_assert_no_error (a.error);
  g_assert_no_error (b.error);
  shared1 = a.outcome.duration_s - fixed;
  shared2 = b.outcome.duration_s - fixed;

  g_test_message ("alone %.3f s, together %.3f s and %.3f s of copying", alone, shared1, shared2);
  /* They start a moment apart (real time passes between the two starts). */
  g_assert_cmpfloat (shared1 / alone, >, 1.9);
  g_assert_cmpfloat (shared1 / alone, <, 2.1);
  g_assert_cmpfloat (shared2 / alone, >, 1.9);
  g_assert_cmpfloat (shared2 / alone, <, 2.1);
  run_clear (&a);
  run_clear (&b);
}

/* Different directions of a NIC do not share: a swap takes as long as one move. */
static void
test_run_full_duplex (Fixture       *f,
                      gconstpointer  data)
{
  FerrySimRow *idle1 = find (f, "VM", "idle1");
  FerrySimMigrationSpec there = { .vm = idle1, .dest_host = find (f, "host", "b") };
  FerrySimMigrationSpec back = { .vm = find (f, "VM", "idle2"), .source_host = find (f, "host", "b"),
                                 .dest_host = find (f, "host", "a") };
  Run a, b;

  start (f, &a, &there, NULL);
  start (f, &b, &back, NULL);
  wait_for (&a);
  wait_for (&b);
  g_assert_cmpfloat (relative_error (a.outcome.duration_s, a.estimate.duration_s), <, 0.01);
  g_assert_cmpfloat (relative_error (b.outcome.duration_s, b.estimate.duration_s), <, 0.01);
  run_clear (&a);
  run_clear (&b);
}

/* Simulated seconds pass time_scale times faster than real ones. */
static void
test_run_time_scale (Fixture       *f,
                     gconstpointer  data)
{
  FerrySimMigrationSpec spec = { .vm = find (f, "VM", "idle1"), .dest_host = find (f, "host", "b") };
  double real_fast, real_slow;
  Run run;

  start (f, &run, &spec, NULL);
  wait_for (&run);
  real_fast = (run.ended - run.started) / 1e6;
  g_test_message ("%.3f simulated s took %.3f real s at %g×", run.outcome.duration_s, real_fast, FAST_SCALE);
  g_assert_cmpfloat (real_fast, <, run.outcome.duration_s / 100 * 0.5);
  run_clear (&run);

  ferry_sim_world_set_time_scale (f->world, 100);
  start (f, &run, &spec, NULL);
  wait_for (&run);
  real_slow = (run.ended - run.started) / 1e6;
  g_test_message ("%.3f simulated s took %.3f real s at 100×", run.outcome.duration_s, real_slow);
  g_assert_cmpfloat (real_slow, >=, run.outcome.duration_s / 100 * 0.95);
  g_assert_cmpfloat (real_slow, <, run.outcome.duration_s / 100 + 1.0);
  g_assert_cmpfloat (relative_error (run.outcome.duration_s, run.estimate.duration_s), <, 1e-6);
  run_clear (&run);

  /* A change applies to what is running. */
  ferry_sim_world_set_time_scale (f->world, 10);
  start (f, &run, &spec, NULL);
  for (gint64 until = g_get_monotonic_time () + 20000; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (run.done);
  ferry_sim_world_set_time_scale (f->world, FAST_SCALE);
  wait_for (&run);
  g_assert_cmpfloat ((run.ended - run.started) / 1e6, <, run.outcome.duration_s / 10 * 0.5);
  g_assert_cmpfloat (relative_error (run.outcome.duration_s, run.estimate.duration_s), <, 1e-6);
  run_clear (&run);
}

/* Cancelled: TASK_CANCELLED, the VM runs on; past the point of no return a
 * cancel does nothing. */
static void
test_run_cancel (Fixture       *f,
                 gconstpointer  data)
{
  FerrySimMigrationSpec spec = { .vm = find (f, "VM", "idle1"), .dest_host = find (f, "host", "b"),
                                 .task_ref = "OpaqueRef:task" };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  FerrySimMigration *migration;
  Run run;

  start (f, &run, &spec, cancellable);
  while (run.progress->len < 3)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  wait_for (&run);
  g_assert_true (ferry_sim_failure_matches (run.error, "TASK_CANCELLED"));
  {
    g_auto(GStrv) description = ferry_sim_failure_description (run.error);

    g_assert_cmpstr (description[1], ==, "OpaqueRef:task");
  }
  g_assert_false (run.leave_paused);
  g_assert_cmpfloat (run.outcome.duration_s, <, run.estimate.duration_s);
  run_clear (&run);

  g_cancellable_reset (cancellable);
  migration = start (f, &run, &spec, cancellable);
  ferry_sim_migration_pass_point_of_no_return (migration);
  g_cancellable_cancel (cancellable);
  wait_for (&run);
  g_assert_no_error (run.error);
  run_clear (&run);
}

/* A fail_migration fault ends a run at its progress, as the hook says. */
static void
test_run_fault (Fixture       *f,
                gconstpointer  data)
{
  FerrySimMigrationSpec spec = { .vm = find (f, "VM", "busy"), .dest_host = find (f, "host", "b") };
  g_autoptr(GError) error = NULL;
  Run run;

  ferry_sim_faults_add_json (ferry_sim_world_get_faults (f->world),
                             "{\"type\": \"fail_migration\", \"vm\": \"busy\", \"at_progress\": 0.4,"
                             " \"error\": [\"MIRROR_FAILED\", \"x\"], \"leave_paused\": true}", -1, &error);
  g_assert_no_error (error);

  start (f, &run, &spec, NULL);
  wait_for (&run);
  g_assert_true (ferry_sim_failure_matches (run.error, "MIRROR_FAILED"));
  g_assert_true (run.leave_paused);
  g_assert_cmpfloat (g_array_index (run.progress, double, run.progress->len - 1), >=, 0.4);
  g_assert_cmpfloat (g_array_index (run.progress, double, run.progress->len - 1), <, 0.5);
  g_assert_cmpfloat (run.outcome.duration_s, <, run.estimate.duration_s);
  run_clear (&run);

  /* Spent: the next one goes through. */
  start (f, &run, &spec, NULL);
  wait_for (&run);
  g_assert_no_error (run.error);
  run_clear (&run);
}

/* A move within one host and a halted VM's disk move. */
static void
test_run_special (Fixture       *f,
                  gconstpointer  data)
{
  FerrySimRow *off = find (f, "VM", "off");
  FerrySimMigrationDisk disk = { find_disk (f, off), find (f, "SR", "NFS2"), FALSE };
  FerrySimMigrationSpec local = { .vm = find (f, "VM", "idle1"), .dest_host = find (f, "host", "a") };
  FerrySimMigrationSpec halted = { .vm = off, .dest_host = find (f, "host", "b"), .disks = &disk, .n_disks = 1 };
  Run run;

  start (f, &run, &local, NULL);
  wait_for (&run);
  g_assert_no_error (run.error);
  g_assert_cmpfloat (relative_error (run.outcome.duration_s, run.estimate.duration_s), <, 1e-6);
  g_assert_cmpfloat (run.outcome.duration_s, <, FERRY_SIM_TM_SETUP_S + FERRY_SIM_TM_FINISH_S + 8 * GIB / (FERRY_SIM_TM_LOOPBACK_MIB_S * MIB) + 1);
  run_clear (&run);

  start (f, &run, &halted, NULL);
  wait_for (&run);
  g_assert_no_error (run.error);
  g_assert_false (run.paused);
  g_assert_cmpuint (run.outcome.rounds, ==, 0);
  g_assert_cmpfloat (run.outcome.downtime_s, ==, 0);
  g_assert_cmpfloat (relative_error (run.outcome.disk_bytes_sent, 2 * GIB), <, 1e-6);
  g_assert_cmpfloat (relative_error (run.outcome.duration_s, run.estimate.duration_s), <, 1e-6);
  run_clear (&run);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/timemodel/estimate/dirty-rate", test_estimate_dirty_rate);
  g_test_add_func ("/sim/timemodel/estimate/formula", test_estimate_formula);
  g_test_add_func ("/sim/timemodel/estimate/compression", test_estimate_compression);
  g_test_add_func ("/sim/timemodel/estimate/vgpu", test_estimate_vgpu);
  g_test_add_func ("/sim/timemodel/estimate/disks", test_estimate_disks);
  g_test_add ("/sim/timemodel/params-from-spec", Fixture, NULL, fixture_set_up, test_params_from_spec, fixture_tear_down);
  g_test_add ("/sim/timemodel/run/matches-estimate", Fixture, NULL, fixture_set_up, test_run_matches_estimate, fixture_tear_down);
  g_test_add ("/sim/timemodel/run/shared-link", Fixture, NULL, fixture_set_up, test_run_shared_link, fixture_tear_down);
  g_test_add ("/sim/timemodel/run/full-duplex", Fixture, NULL, fixture_set_up, test_run_full_duplex, fixture_tear_down);
  g_test_add ("/sim/timemodel/run/time-scale", Fixture, NULL, fixture_set_up, test_run_time_scale, fixture_tear_down);
  g_test_add ("/sim/timemodel/run/cancel", Fixture, NULL, fixture_set_up, test_run_cancel, fixture_tear_down);
  g_test_add ("/sim/timemodel/run/fault", Fixture, NULL, fixture_set_up, test_run_fault, fixture_tear_down);
  g_test_add ("/sim/timemodel/run/special", Fixture, NULL, fixture_set_up, test_run_special, fixture_tear_down);

  return g_test_run ();
}
