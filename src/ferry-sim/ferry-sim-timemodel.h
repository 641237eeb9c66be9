/* ferry-sim-timemodel.h: how long a migration takes, and running it in simulated time
 *
 * A live migration runs in phases (README.md, "Time model"):
 *
 *   SETUP         fixed cost: reservations, domain creation on the destination
 *   DISKS         storage moves, smallest first: used bytes copied while the
 *                 guest's writes are mirrored
 *   MEMORY        iterative pre-copy (Clark et al., NSDI 2005): round 1 sends
 *                 all memory, round n+1 what was dirtied during round n; it
 *                 stops when the dirty set is small or after a round limit
 *   STOP_AND_COPY the VM is paused: the last dirty set, then the vGPU state
 *                 (R28); this, plus the switch-over, is the downtime
 *   FINISH        fixed cost: the VM resumes on the destination
 *
 * Bytes cross links: each host NIC on the migration network (send direction
 * on the source, receive on the destination) and each SR. Concurrent
 * transfers share every link max-min fairly. Memory may be compressed: fewer
 * bytes on the wire, but a stream compresses at most compress_rate raw bytes
 * per second.
 *
 * Times are simulated seconds. The world's time scale (ferry_sim_world_set_
 * time_scale) says how many simulated seconds pass per real second.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-sim-pool.h"
#include "ferry-sim-world.h"

G_BEGIN_DECLS

/* Defaults of the model; every one is a field of FerrySimMigrationParams. */
#define FERRY_SIM_TM_PAGE_SIZE            4096.0
#define FERRY_SIM_TM_MAX_ROUNDS           5      /* live pre-copy rounds, the first included (Xen) */
#define FERRY_SIM_TM_DIRTY_THRESHOLD      (50 * FERRY_SIM_TM_PAGE_SIZE) /* bytes: stop pre-copy below (Xen: 50 pages) */
#define FERRY_SIM_TM_LINK_EFFICIENCY      0.94   /* payload / line rate (TCP over Ethernet) */
#define FERRY_SIM_TM_COMPRESS_MIB_S       400.0  /* raw MiB/s one stream compresses */
#define FERRY_SIM_TM_LOOPBACK_MIB_S       4096.0 /* memory copy within one host */
#define FERRY_SIM_TM_SETUP_S              1.0    /* SETUP phase */
#define FERRY_SIM_TM_CROSS_POOL_SETUP_S   2.0    /* extra SETUP for a cross-pool move (metadata import) */
#define FERRY_SIM_TM_SWITCHOVER_S         0.1    /* paused, beyond the copying: device state, unpause */
#define FERRY_SIM_TM_FINISH_S             0.5    /* FINISH phase */
/* Used when the scenario does not say (sim attributes, ferry-sim-builder.h). */
#define FERRY_SIM_TM_DEFAULT_DIRTY_MIB_S  10.0
#define FERRY_SIM_TM_DEFAULT_COMPRESSIBILITY 0.5
#define FERRY_SIM_TM_DEFAULT_DISK_WRITE_MIB_S 0.0
#define FERRY_SIM_TM_DEFAULT_SPEED_MBIT   10000.0
#define FERRY_SIM_TM_DEFAULT_SR_MIB_S     200.0
/* A mirrored disk's copy advances at least at this fraction of its rate,
 * however fast the guest writes. */
#define FERRY_SIM_TM_MIN_MIRROR_PROGRESS  0.1

typedef enum
{
  FERRY_SIM_MIGRATION_PHASE_SETUP,
  FERRY_SIM_MIGRATION_PHASE_DISKS,
  FERRY_SIM_MIGRATION_PHASE_MEMORY,
  FERRY_SIM_MIGRATION_PHASE_STOP_AND_COPY,
  FERRY_SIM_MIGRATION_PHASE_FINISH,
  FERRY_SIM_MIGRATION_PHASE_DONE,
} FerrySimMigrationPhase;

const char *ferry_sim_migration_phase_to_string (FerrySimMigrationPhase phase);

/* One disk, as numbers. */
typedef struct
{
  double   bytes;          /* VDI physical_utilisation */
  double   rate;           /* bytes/s: the slowest of the two SRs and, between
                            * two hosts, the link */
  double   write_rate;     /* bytes/s the guest writes to it meanwhile (mirror) */
} FerrySimDiskParams;

/* One migration, as numbers: what the estimate reads. Rates in bytes/s. */
typedef struct
{
  double                    memory_bytes;     /* 0: no memory phases (halted VM, disk move) */
  double                    dirty_rate;
  double                    compressibility;  /* compressed / raw, 0…1 */
  gboolean                  compress;
  double                    compress_rate;    /* raw bytes/s per stream */
  double                    link_rate;        /* payload bytes/s: min of the two NICs × efficiency
                                               * (same host: FERRY_SIM_TM_LOOPBACK_MIB_S) */
  double                    vgpu_state_bytes;
  const FerrySimDiskParams *disks;
  guint                     n_disks;
  guint                     max_rounds;
  double                    dirty_threshold;  /* bytes */
  double                    setup_s;
  double                    switchover_s;
  double                    finish_s;
} FerrySimMigrationParams;

/* What a migration took (or an estimate says it will take). */
typedef struct
{
  double  duration_s;      /* start to end, simulated seconds */
  double  downtime_s;      /* paused: stop-and-copy + vGPU state + switch-over */
  double  bytes_sent;      /* on the wire: memory (compressed if so) + disks + vGPU */
  double  memory_bytes_sent;
  double  disk_bytes_sent; /* used bytes + mirrored writes */
  double  vgpu_bytes_sent;
  guint   rounds;          /* live pre-copy rounds (0 without memory) */
  double  stop_copy_bytes; /* dirty memory sent while paused (raw) */
} FerrySimMigrationOutcome;

/* Fills @params with the defaults above and no VM (all sizes 0). */
void     ferry_sim_migration_params_init (FerrySimMigrationParams        *params);
/* The pure model: @params in, @outcome out, on links nobody else uses. */
void     ferry_sim_migration_estimate    (const FerrySimMigrationParams  *params,
                                          FerrySimMigrationOutcome       *outcome);

/* A disk to move: its VDI (in the source pool), where it goes (in the
 * destination pool), and whether the running guest writes to it while it is
 * copied (a mirrored RW disk; FALSE for CDs, snapshots, suspend images). */
typedef struct
{
  FerrySimRow *vdi;
  FerrySimRow *dest_sr;
  gboolean     mirror;
} FerrySimMigrationDisk;

typedef struct
{
  FerrySimPool                *pool;         /* the VM's pool */
  FerrySimRow                 *vm;
  FerrySimRow                 *source_host;  /* NULL: the VM's resident_on (halted: the pool master) */
  FerrySimRow                 *source_pif;   /* on the migration network; NULL: the management PIF */
  FerrySimPool                *dest_pool;    /* NULL: @pool (intra-pool) */
  FerrySimRow                 *dest_host;
  FerrySimRow                 *dest_pif;     /* NULL: the management PIF */
  gboolean                     compress;     /* the resolved `compress` option / pool default (R2) */
  gboolean                     no_memory;    /* TRUE: disks only (VDI.pool_migrate), even if it runs */
  const FerrySimMigrationDisk *disks;
  guint                        n_disks;
  /* If set, the outcome goes into this task's other_config (in @pool's
   * database) before @done runs; see ferry_sim_migration_record(). */
  const char                  *task_ref;
} FerrySimMigrationSpec;

/* Reads a spec's rows and sim attributes into numbers: memory_actual (VM_metrics,
 * else memory_dynamic_max) if the VM is Running, the VM's dirty rate,
 * compressibility and disk write rate, its vGPUs' state sizes, the NICs'
 * speeds (the device of each PIF), the SRs' bandwidths, VDI
 * physical_utilisation. Memory is 0 when the VM is not Running. */
void     ferry_sim_migration_params_from_spec (const FerrySimMigrationSpec *spec,
                                          FerrySimMigrationParams        *params,
                                          GArray                        **disks);

typedef struct _FerrySimMigration FerrySimMigration;

/* Progress is 0…1 and never decreases; it reaches 1.0 only just before @done. */
typedef void (*FerrySimMigrationProgressFunc) (FerrySimMigration *migration,
                                               double             progress,
                                               gpointer           user_data);
/* The VM must be paused now (power_state "Paused" on the source): the
 * stop-and-copy phase begins. A failure from here on leaves it for @done
 * to sort out (see FerrySimMigrationDoneFunc). */
typedef void (*FerrySimMigrationPhaseFunc)    (FerrySimMigration *migration,
                                               FerrySimMigrationPhase phase,
                                               gpointer           user_data);
/* The end, exactly once, from the main loop (never from inside
 * ferry_sim_migration_start).
 * @error NULL: success; move the VM now. Else the failure to report: a
 * fault's XenAPI error (FERRY_SIM_XAPI_ERROR) or TASK_CANCELLED [task_ref]
 * ("" without a task) if @cancellable fired. Then @leave_paused says
 * what to do with the VM on the source: TRUE: leave it (or set it) Paused
 * (R29), FALSE: make sure it is Running again. @outcome holds what was
 * done so far (on failure too). */
typedef void (*FerrySimMigrationDoneFunc)     (FerrySimMigration *migration,
                                               const FerrySimMigrationOutcome *outcome,
                                               const GError      *error,
                                               gboolean           leave_paused,
                                               gpointer           user_data);

typedef struct
{
  FerrySimMigrationProgressFunc progress;  /* may be NULL */
  FerrySimMigrationPhaseFunc    phase;     /* every phase change; may be NULL */
  FerrySimMigrationDoneFunc     done;      /* required */
} FerrySimMigrationCallbacks;

/* Starts running @spec in simulated time on the thread-default main context
 * (the server's). Fault hooks are applied inside: the time model calls
 * ferry_sim_faults_check_migration() at every progress step (progress 0
 * included), so callers must not. @cancellable (e.g. the call's) aborts it
 * until ferry_sim_migration_pass_point_of_no_return(). Returns the running
 * migration, valid (unowned) until @done has returned. @spec, its arrays and
 * its rows are read during the call only. */
FerrySimMigration *ferry_sim_migration_start (FerrySimWorld                  *world,
                                          const FerrySimMigrationSpec    *spec,
                                          const FerrySimMigrationCallbacks *callbacks,
                                          GCancellable                   *cancellable,
                                          gpointer                        user_data);
/* From now on @cancellable is ignored (the caller marks the task not cancellable). */
void     ferry_sim_migration_pass_point_of_no_return (FerrySimMigration *self);
/* The uncontended estimate made at the start. */
const FerrySimMigrationOutcome *ferry_sim_migration_get_estimate (FerrySimMigration *self);
/* Migrations running now in @world. */
guint    ferry_sim_migration_count_running (FerrySimWorld             *world);

/* Writes @outcome into @task's other_config (keys "sim_duration_s",
 * "sim_downtime_s", "sim_bytes_sent", "sim_memory_bytes_sent",
 * "sim_disk_bytes_sent", "sim_vgpu_bytes_sent", "sim_rounds", and
 * "sim_estimated_duration_s" / "sim_estimated_downtime_s" if @estimate). */
void     ferry_sim_migration_record      (const FerrySimMigrationOutcome *outcome,
                                          const FerrySimMigrationOutcome *estimate,
                                          FerrySimDb                     *db,
                                          FerrySimRow                    *task);

/* Real milliseconds for a timer @seconds away, rounded up (at most an hour). */
guint    _ferry_sim_delay_to_msec        (double                          seconds);
/* For ferry-sim-world.c: the time scale changed; and GET /sim/time. */
void     _ferry_sim_timemodel_rescale    (FerrySimWorld                  *world);
char    *_ferry_sim_timemodel_dup_state_json (FerrySimWorld              *world);

G_END_DECLS
