/* ferry-estimate.h: how long a migration takes, and how long the VM stops (R28)
 *
 * The model follows the pre-copy of live migration (Clark et al., NSDI
 * 2005; Xen's own: at most 5 rounds, stop when ≤ 50 pages are dirty):
 *
 *   setup          1 s, +2 s between pools (metadata import)
 *   disks          Σ bytes of the disks that move / the disk rate, where the
 *                  disk rate is min(link share, SR throughput)
 *   memory rounds  round 1 sends the RAM M; round n+1 what was dirtied during
 *                  round n, d = min(M, D × t(n)); compression sends c × raw
 *                  bytes but one stream compresses at most 400 MiB/s
 *   stop-and-copy  the VM is paused: the last dirty set, then the vGPU state
 *                  (R28), then 0.1 s to switch over: this is the downtime
 *   finish         0.5 s
 *
 * Every input that the database does not show is a range, and the
 * estimate is a range: the low end takes the fast end of every input, the
 * high end the slow end. The link of the chosen network is the learned rate
 * of that network (±20 %) once a move over it finished (ferry_estimator_learn()),
 * else the NIC speed the caller set for it, else 1–10 Gbit/s. The dirty
 * rate D is 0…max(64 MiB/s, 2 % of M per second) unless the caller knows it
 * (ferry_estimator_set_dirty_rate()). The compression ratio c is 0.4–0.7.
 * SR throughput is 150–1000 MiB/s. Concurrent migrations share the link
 * equally. Each estimate lists what it assumed, in words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ferry-plan.h"

G_BEGIN_DECLS

struct _FerryEstimate
{
  double   duration_min;      /* seconds */
  double   duration_max;
  double   downtime_min;      /* seconds the VM is paused (0 for halted VMs and disk moves) */
  double   downtime_max;
  gint64   memory_bytes;      /* RAM sent in the first round */
  gint64   disk_bytes;        /* disk bytes that are copied */
  gint64   vgpu_bytes;        /* vGPU state copied while paused */
  gint64   bytes_min;         /* on the wire, all rounds */
  gint64   bytes_max;
  double   link_min;          /* bytes/s each migration gets */
  double   link_max;
  guint    concurrency;       /* migrations sharing the link */
  gboolean learned;           /* the link rate comes from earlier moves */
  char   **assumptions;       /* translated sentences */
};

#define FERRY_TYPE_ESTIMATE (ferry_estimate_get_type ())

GType          ferry_estimate_get_type      (void) G_GNUC_CONST;
FerryEstimate *ferry_estimate_copy          (const FerryEstimate *estimate);
void           ferry_estimate_free          (FerryEstimate       *estimate);
/* {"duration": [min, max], "downtime": [min, max], "bytes": [min, max],
 *  "memory_bytes", "disk_bytes", "vgpu_bytes", "link": [min, max],
 *  "concurrency", "learned", "assumptions": [..]} */
JsonNode      *ferry_estimate_to_json       (const FerryEstimate *estimate);
FerryEstimate *ferry_estimate_new_from_json (JsonObject          *object);
/* "2–4 min, paused 0.2–0.9 s" */
char          *ferry_estimate_dup_summary   (const FerryEstimate *estimate);
/* "3 min 20 s", "45 s", "1 h 5 min" */
char          *ferry_format_duration        (double               seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryEstimate, ferry_estimate_free)

#define FERRY_TYPE_ESTIMATOR (ferry_estimator_get_type ())
G_DECLARE_FINAL_TYPE (FerryEstimator, ferry_estimator, FERRY, ESTIMATOR, GObject)

FerryEstimator *ferry_estimator_new                (void);
/* The NIC speed of a network (Mbit/s), when the caller knows it. */
void            ferry_estimator_set_link_speed     (FerryEstimator *self,
                                                    const char     *network_uuid,
                                                    double          mbit_per_s);
/* Takes every network's speed from @cache: the slowest PIF_metrics.speed
 * of the interfaces on it, as the slowest end limits a migration. */
void            ferry_estimator_read_link_speeds   (FerryEstimator *self,
                                                    FerryCache     *cache);
/* A VM's dirty rate (bytes/s), when known (e.g. from its RRDs). */
void            ferry_estimator_set_dirty_rate     (FerryEstimator *self,
                                                    const char     *vm_uuid,
                                                    double          bytes_per_s);
/* After a move: @bytes crossed @network_uuid in @seconds (setup and finish
 * excluded by the caller or not; the estimator subtracts its own). */
void            ferry_estimator_learn              (FerryEstimator *self,
                                                    const char     *network_uuid,
                                                    const char     *network_name,
                                                    gint64          bytes,
                                                    double          seconds);
/* The learned rate (bytes/s) of a network, 0 when none; @n_samples (optional). */
double          ferry_estimator_get_learned_rate   (FerryEstimator *self,
                                                    const char     *network_uuid,
                                                    guint          *n_samples);

/* One migration of @plan, sharing its link with @concurrency − 1 others
 * (0 counts as 1). Transfer full. */
FerryEstimate  *ferry_estimator_estimate_item      (FerryEstimator *self,
                                                    FerryPlan      *plan,
                                                    FerryPlanItem  *item,
                                                    guint           concurrency);
/* Every item of @plan (each gets its estimate, ferry_plan_item_get_estimate())
 * and the batch as a whole, run @parallel at a time in the plan's order:
 * the duration is the batch's, the downtime the longest. Transfer full. */
FerryEstimate  *ferry_estimator_estimate_plan      (FerryEstimator *self,
                                                    FerryPlan      *plan,
                                                    guint           parallel);

G_END_DECLS
