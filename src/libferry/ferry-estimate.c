/* ferry-estimate.c: how long a migration takes, and how long the VM stops (R28)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-estimate"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "ferry-cache.h"
#include "ferry-estimate.h"
#include "ferry-network.h"
#include "ferry-pif.h"
#include "ferry-pif-metrics.h"

/* Where the management network's speed is kept, for plans naming no network. */
#define MANAGEMENT_NETWORK_KEY ""
#include "ferry-plan-private.h"

#define MIB                    (1024.0 * 1024.0)
#define SETUP_S                1.0
#define CROSS_POOL_SETUP_S     2.0
#define FINISH_S               0.5
#define SWITCH_OVER_S          0.1
#define MAX_ROUNDS             5
#define DIRTY_THRESHOLD        (50.0 * 4096.0)
#define COMPRESS_CAP           (400.0 * MIB)
#define LOCAL_MEMORY_RATE      (4096.0 * MIB)
#define SR_RATE_MIN            (150.0 * MIB)
#define SR_RATE_MAX            (1000.0 * MIB)
#define LINK_UNKNOWN_MIN_MBIT  1000.0
#define LINK_UNKNOWN_MAX_MBIT  10000.0
#define ETHERNET_PAYLOAD       0.94
#define COMPRESS_RATIO_MIN     0.4
#define COMPRESS_RATIO_MAX     0.7
#define DIRTY_DEFAULT_MIN      (64.0 * MIB)
#define DIRTY_SHARE            0.02
#define LEARNED_SPREAD         0.2
#define LEARN_WEIGHT           0.3

/* FerryEstimate ------------------------------------------------------------ */

FerryEstimate *
ferry_estimate_copy (const FerryEstimate *estimate)
{
  FerryEstimate *copy;

  g_return_val_if_fail (estimate != NULL, NULL);

  copy = g_memdup2 (estimate, sizeof *estimate);
  copy->assumptions = g_strdupv (estimate->assumptions);
  return copy;
}

void
ferry_estimate_free (FerryEstimate *estimate)
{
  if (estimate == NULL)
    return;
  g_strfreev (estimate->assumptions);
  g_free (estimate);
}

G_DEFINE_BOXED_TYPE (FerryEstimate, ferry_estimate, ferry_estimate_copy, ferry_estimate_free)

static JsonArray *
pair_new (double a,
          double b)
{
  JsonArray *array = json_array_new ();

  json_array_add_double_element (array, round (a * 1000.0) / 1000.0);
  json_array_add_double_element (array, round (b * 1000.0) / 1000.0);
  return array;
}

JsonNode *
ferry_estimate_to_json (const FerryEstimate *estimate)
{
  JsonObject *object;
  JsonArray *assumptions;
  JsonArray *bytes;
  JsonNode *node;

  g_return_val_if_fail (estimate != NULL, NULL);

  object = json_object_new ();
  json_object_set_array_member (object, "duration", pair_new (estimate->duration_min, estimate->duration_max));
  json_object_set_array_member (object, "downtime", pair_new (estimate->downtime_min, estimate->downtime_max));
  bytes = json_array_new ();
  json_array_add_int_element (bytes, estimate->bytes_min);
  json_array_add_int_element (bytes, estimate->bytes_max);
  json_object_set_array_member (object, "bytes", bytes);
  json_object_set_int_member (object, "memory_bytes", estimate->memory_bytes);
  json_object_set_int_member (object, "disk_bytes", estimate->disk_bytes);
  json_object_set_int_member (object, "vgpu_bytes", estimate->vgpu_bytes);
  json_object_set_array_member (object, "link", pair_new (estimate->link_min, estimate->link_max));
  json_object_set_int_member (object, "concurrency", estimate->concurrency);
  json_object_set_boolean_member (object, "learned", estimate->learned);
  assumptions = json_array_new ();
  for (guint i = 0; estimate->assumptions != NULL && estimate->assumptions[i] != NULL; i++)
    json_array_add_string_element (assumptions, estimate->assumptions[i]);
  json_object_set_array_member (object, "assumptions", assumptions);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

/* A number from a journal or a plan file: finite, 0 … 10¹⁸. */
static double
sane (double value)
{
  if (!isfinite (value) || value < 0)
    return 0.0;
  return MIN (value, 1e18);
}

static void
read_pair (JsonObject *object,
           const char *member,
           double     *a,
           double     *b)
{
  JsonArray *array = _ferry_json_get_array (object, member);

  *a = *b = 0.0;
  if (array == NULL || json_array_get_length (array) != 2)
    return;
  if (JSON_NODE_HOLDS_VALUE (json_array_get_element (array, 0)))
    *a = sane (json_array_get_double_element (array, 0));
  if (JSON_NODE_HOLDS_VALUE (json_array_get_element (array, 1)))
    *b = sane (json_array_get_double_element (array, 1));
}

FerryEstimate *
ferry_estimate_new_from_json (JsonObject *object)
{
  FerryEstimate *estimate;
  JsonArray *assumptions;
  GStrvBuilder *builder;
  double a, b;

  g_return_val_if_fail (object != NULL, NULL);

  estimate = g_new0 (FerryEstimate, 1);
  read_pair (object, "duration", &estimate->duration_min, &estimate->duration_max);
  read_pair (object, "downtime", &estimate->downtime_min, &estimate->downtime_max);
  read_pair (object, "bytes", &a, &b);
  estimate->bytes_min = (gint64) a;
  estimate->bytes_max = (gint64) b;
  estimate->memory_bytes = _ferry_json_get_int (object, "memory_bytes", 0);
  estimate->disk_bytes = _ferry_json_get_int (object, "disk_bytes", 0);
  estimate->vgpu_bytes = _ferry_json_get_int (object, "vgpu_bytes", 0);
  read_pair (object, "link", &estimate->link_min, &estimate->link_max);
  estimate->concurrency = (guint) CLAMP (_ferry_json_get_int (object, "concurrency", 1), 1, 1000);
  estimate->learned = json_object_get_boolean_member_with_default (object, "learned", FALSE);

  builder = g_strv_builder_new ();
  assumptions = _ferry_json_get_array (object, "assumptions");
  for (guint i = 0; assumptions != NULL && i < json_array_get_length (assumptions); i++)
    {
      JsonNode *node = json_array_get_element (assumptions, i);

      if (json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }
  estimate->assumptions = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return estimate;
}

char *
ferry_format_duration (double seconds)
{
  guint64 s;

  if (!(seconds >= 0) || !isfinite (seconds))
    return g_strdup (_("unknown"));
  if (seconds >= 1e9)
    return g_strdup (_("years"));
  if (seconds < 10.0)
    return g_strdup_printf (_("%.1f s"), seconds);

  s = (guint64) (seconds + 0.5);
  if (s < 60)
    return g_strdup_printf (_("%u s"), (guint) s);
  if (s < 3600)
    return g_strdup_printf (_("%u min %u s"), (guint) (s / 60), (guint) (s % 60));
  return g_strdup_printf (_("%u h %u min"), (guint) (s / 3600), (guint) ((s % 3600) / 60));
}

char *
ferry_estimate_dup_summary (const FerryEstimate *estimate)
{
  g_autofree char *dmin = NULL;
  g_autofree char *dmax = NULL;
  g_autofree char *pmin = NULL;
  g_autofree char *pmax = NULL;

  g_return_val_if_fail (estimate != NULL, NULL);

  dmin = ferry_format_duration (estimate->duration_min);
  dmax = ferry_format_duration (estimate->duration_max);
  if (estimate->downtime_max <= 0.0)
    /* Translators: a duration range, e.g. "2 min 10 s – 4 min 30 s" */
    return g_strdup_printf (_("%s – %s, no downtime"), dmin, dmax);

  pmin = ferry_format_duration (estimate->downtime_min);
  pmax = ferry_format_duration (estimate->downtime_max);
  /* Translators: a duration range, then the range of the pause */
  return g_strdup_printf (_("%s – %s, paused %s – %s"), dmin, dmax, pmin, pmax);
}

/* FerryEstimator ----------------------------------------------------------- */

typedef struct
{
  char   *name;
  double  rate;
  guint   n;
} Learned;

struct _FerryEstimator
{
  GObject     parent_instance;

  GHashTable *learned;      /* network uuid → Learned */
  GHashTable *link_speeds;  /* network uuid → double* (Mbit/s) */
  GHashTable *dirty_rates;  /* vm uuid → double* (bytes/s) */
};

G_DEFINE_FINAL_TYPE (FerryEstimator, ferry_estimator, G_TYPE_OBJECT)

enum {
  SIGNAL_LEARNED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void
learned_free (gpointer data)
{
  Learned *learned = data;

  g_free (learned->name);
  g_free (learned);
}

static void
ferry_estimator_finalize (GObject *object)
{
  FerryEstimator *self = (FerryEstimator *)object;

  g_clear_pointer (&self->learned, g_hash_table_unref);
  g_clear_pointer (&self->link_speeds, g_hash_table_unref);
  g_clear_pointer (&self->dirty_rates, g_hash_table_unref);

  G_OBJECT_CLASS (ferry_estimator_parent_class)->finalize (object);
}

static void
ferry_estimator_class_init (FerryEstimatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_estimator_finalize;

  /* "learned" (network_uuid): a network's rate changed. */
  signals [SIGNAL_LEARNED] =
    g_signal_new ("learned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ferry_estimator_init (FerryEstimator *self)
{
  self->learned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, learned_free);
  self->link_speeds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->dirty_rates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

FerryEstimator *
ferry_estimator_new (void)
{
  return g_object_new (FERRY_TYPE_ESTIMATOR, NULL);
}

static void
set_double (GHashTable *table,
            const char *key,
            double      value)
{
  double *slot = g_new (double, 1);

  *slot = value;
  g_hash_table_insert (table, g_strdup (key), slot);
}

void
ferry_estimator_set_link_speed (FerryEstimator *self,
                                const char     *network_uuid,
                                double          mbit_per_s)
{
  g_return_if_fail (FERRY_IS_ESTIMATOR (self));
  g_return_if_fail (network_uuid != NULL);

  if (mbit_per_s > 0)
    set_double (self->link_speeds, network_uuid, mbit_per_s);
  else
    g_hash_table_remove (self->link_speeds, network_uuid);
}

void
ferry_estimator_read_link_speeds (FerryEstimator *self,
                                  FerryCache     *cache)
{
  GListModel *pifs;
  g_autoptr(GHashTable) slowest = NULL;  /* network uuid → Mbit/s */
  GHashTableIter iter;
  gpointer uuid;
  gpointer speed;

  g_return_if_fail (FERRY_IS_ESTIMATOR (self));
  g_return_if_fail (FERRY_IS_CACHE (cache));

  slowest = g_hash_table_new (g_str_hash, g_str_equal);
  pifs = ferry_cache_get_objects (cache, FERRY_TYPE_PIF);
  for (guint i = 0; i < g_list_model_get_n_items (pifs); i++)
    {
      g_autoptr(FerryPif) pif = g_list_model_get_item (pifs, i);
      FerryObject *metrics = ferry_cache_lookup (cache, ferry_pif_get_metrics (pif));
      FerryObject *network = ferry_cache_lookup (cache, ferry_pif_get_network (pif));
      const char *network_uuid;
      gint64 mbit;

      if (!FERRY_IS_PIF_METRICS (metrics) || !FERRY_IS_NETWORK (network))
        continue;

      mbit = ferry_pif_metrics_get_speed (FERRY_PIF_METRICS (metrics));
      network_uuid = ferry_object_get_uuid (network);
      if (mbit <= 0 || network_uuid == NULL)
        continue;

      for (guint k = 0; k < 2; k++)
        {
          /* The management network also counts for plans that name none. */
          const char *key = k == 0 ? network_uuid : MANAGEMENT_NETWORK_KEY;

          if (k == 1 && !ferry_pif_get_management (pif))
            break;
          speed = g_hash_table_lookup (slowest, key);
          if (speed == NULL || GPOINTER_TO_SIZE (speed) > (gsize) mbit)
            g_hash_table_insert (slowest, (gpointer) key, GSIZE_TO_POINTER ((gsize) mbit));
        }
    }

  g_hash_table_iter_init (&iter, slowest);
  while (g_hash_table_iter_next (&iter, &uuid, &speed))
    ferry_estimator_set_link_speed (self, uuid, (double) GPOINTER_TO_SIZE (speed));
}

void
ferry_estimator_set_dirty_rate (FerryEstimator *self,
                                const char     *vm_uuid,
                                double          bytes_per_s)
{
  g_return_if_fail (FERRY_IS_ESTIMATOR (self));
  g_return_if_fail (vm_uuid != NULL);

  if (bytes_per_s >= 0)
    set_double (self->dirty_rates, vm_uuid, bytes_per_s);
  else
    g_hash_table_remove (self->dirty_rates, vm_uuid);
}

void
ferry_estimator_learn (FerryEstimator *self,
                       const char     *network_uuid,
                       const char     *network_name,
                       gint64          bytes,
                       double          seconds)
{
  Learned *learned;
  double sample;

  g_return_if_fail (FERRY_IS_ESTIMATOR (self));

  if (network_uuid == NULL || bytes <= 0 || seconds <= 0 || !isfinite (seconds))
    return;

  /* The fixed costs carry no bytes. */
  sample = (double) bytes / MAX (seconds - SETUP_S - FINISH_S, 0.1);

  learned = g_hash_table_lookup (self->learned, network_uuid);
  if (learned == NULL)
    {
      learned = g_new0 (Learned, 1);
      learned->rate = sample;
      g_hash_table_insert (self->learned, g_strdup (network_uuid), learned);
    }
  else
    learned->rate = (1.0 - LEARN_WEIGHT) * learned->rate + LEARN_WEIGHT * sample;
  learned->n++;
  if (network_name != NULL)
    {
      g_free (learned->name);
      learned->name = g_strdup (network_name);
    }

  g_debug ("Network %s: learned %.0f MiB/s (%u samples)", network_uuid, learned->rate / MIB, learned->n);
  g_signal_emit (self, signals [SIGNAL_LEARNED], 0, network_uuid);
}

double
ferry_estimator_get_learned_rate (FerryEstimator *self,
                                  const char     *network_uuid,
                                  guint          *n_samples)
{
  Learned *learned;

  g_return_val_if_fail (FERRY_IS_ESTIMATOR (self), 0.0);

  learned = network_uuid ? g_hash_table_lookup (self->learned, network_uuid) : NULL;
  if (n_samples != NULL)
    *n_samples = learned ? learned->n : 0;
  return learned ? learned->rate : 0.0;
}

/* The model ---------------------------------------------------------------- */

typedef struct
{
  double  link;      /* bytes/s this migration gets */
  double  dirty;     /* bytes/s */
  double  ratio;     /* compressed / raw */
  double  sr;        /* SR throughput, bytes/s */
} Inputs;

typedef struct
{
  double duration;
  double downtime;
  double bytes;
} Outcome;

static Outcome
run_model (const Inputs *in,
           double        memory,
           double        disks,
           double        vgpu,
           gboolean      compress,
           gboolean      cross_pool,
           gboolean      local)
{
  Outcome out = { 0 };
  double link = local ? LOCAL_MEMORY_RATE : in->link;
  double memory_rate = compress ? MIN (link / in->ratio, COMPRESS_CAP) : link;
  double wire_factor = compress ? in->ratio : 1.0;
  double disk_rate = local ? in->sr : MIN (in->link, in->sr);

  out.duration = SETUP_S + (cross_pool ? CROSS_POOL_SETUP_S : 0.0) + FINISH_S;

  if (disks > 0)
    {
      out.duration += disks / disk_rate;
      out.bytes += disks;
    }

  if (memory > 0)
    {
      double t = memory / memory_rate;
      double dirty;
      guint rounds = 1;

      out.duration += t;
      out.bytes += memory * wire_factor;
      for (;;)
        {
          dirty = MIN (memory, in->dirty * t);
          if (dirty <= DIRTY_THRESHOLD || rounds >= MAX_ROUNDS)
            break;
          t = dirty / memory_rate;
          out.duration += t;
          out.bytes += dirty * wire_factor;
          rounds++;
        }

      out.downtime = dirty / memory_rate + vgpu / link + SWITCH_OVER_S;
      out.bytes += dirty * wire_factor + vgpu;
      out.duration += out.downtime;
    }

  return out;
}

static void
add_assumption (GPtrArray  *list,
                char       *text)
{
  g_ptr_array_add (list, text);
}

static char *
format_rate (double bytes_per_s)
{
  if (bytes_per_s >= 1024.0 * MIB)
    return g_strdup_printf (_("%.1f GiB/s"), bytes_per_s / (1024.0 * MIB));
  return g_strdup_printf (_("%.0f MiB/s"), bytes_per_s / MIB);
}

FerryEstimate *
ferry_estimator_estimate_item (FerryEstimator *self,
                               FerryPlan      *plan,
                               FerryPlanItem  *item,
                               guint           concurrency)
{
  FerryEstimate *estimate;
  g_autoptr(GPtrArray) assumptions = g_ptr_array_new ();
  FerryOperation op;
  const char *network;
  const char *network_name;
  gboolean live;
  gboolean compress;
  gboolean cross_pool;
  gboolean local;
  double memory;
  double disks;
  double vgpu;
  double link_min, link_max;
  double dirty_min, dirty_max;
  double *known;
  Learned *learned;
  Inputs fast, slow;
  Outcome low, high;

  g_return_val_if_fail (FERRY_IS_ESTIMATOR (self), NULL);
  g_return_val_if_fail (FERRY_IS_PLAN (plan), NULL);
  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (item), NULL);

  concurrency = MAX (concurrency, 1);
  op = ferry_plan_item_get_operation (item);
  network = ferry_plan_item_get_network_uuid (item);
  network_name = ferry_plan_item_get_network_name (item) ? ferry_plan_item_get_network_name (item) : _("the management network");
  live = (op == FERRY_OPERATION_LIVE_MIGRATE || op == FERRY_OPERATION_STORAGE_MIGRATE ||
          op == FERRY_OPERATION_EVACUATE) &&
         (g_strcmp0 (ferry_plan_item_get_power_state (item), "running") == 0 ||
          g_strcmp0 (ferry_plan_item_get_power_state (item), "paused") == 0);
  compress = ferry_plan_get_effective_compression (plan);
  cross_pool = ferry_plan_item_is_cross_pool (item);
  local = !cross_pool && ferry_plan_item_get_to_host_uuid (item) != NULL &&
          g_strcmp0 (ferry_plan_item_get_from_host_uuid (item), ferry_plan_item_get_to_host_uuid (item)) == 0;
  memory = live ? (double) ferry_plan_item_get_memory (item) : 0.0;
  vgpu = live ? (double) ferry_plan_item_get_vgpu_state (item) : 0.0;
  disks = (op == FERRY_OPERATION_LIVE_MIGRATE || op == FERRY_OPERATION_EVACUATE)
        ? 0.0 : (double) ferry_plan_item_get_disk_bytes (item);

  estimate = g_new0 (FerryEstimate, 1);
  estimate->concurrency = concurrency;
  estimate->memory_bytes = (gint64) memory;
  estimate->disk_bytes = (gint64) disks;
  estimate->vgpu_bytes = (gint64) vgpu;

  /* The link. */
  learned = network ? g_hash_table_lookup (self->learned, network) : NULL;
  known = g_hash_table_lookup (self->link_speeds, network ? network : MANAGEMENT_NETWORK_KEY);
  if (learned != NULL)
    {
      g_autofree char *rate = format_rate (learned->rate);

      link_min = learned->rate * (1.0 - LEARNED_SPREAD);
      link_max = learned->rate * (1.0 + LEARNED_SPREAD);
      estimate->learned = TRUE;
      add_assumption (assumptions,
                      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "%s over %s, as measured during %u earlier move (±20 %%)",
                                                    "%s over %s, as measured during %u earlier moves (±20 %%)",
                                                    learned->n),
                                       rate, network_name, learned->n));
    }
  else if (known != NULL)
    {
      link_min = link_max = *known * 1e6 / 8.0 * ETHERNET_PAYLOAD;
      add_assumption (assumptions, g_strdup_printf (_("A %.0f Gbit/s link on %s, used to 94 %%"),
                                                    *known / 1000.0, network_name));
    }
  else
    {
      link_min = LINK_UNKNOWN_MIN_MBIT * 1e6 / 8.0 * ETHERNET_PAYLOAD;
      link_max = LINK_UNKNOWN_MAX_MBIT * 1e6 / 8.0 * ETHERNET_PAYLOAD;
      add_assumption (assumptions, g_strdup_printf (_("The NIC speed on %s is not known: 1 to 10 Gbit/s assumed"),
                                                    network_name));
    }
  if (concurrency > 1)
    add_assumption (assumptions,
                    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "%u migration shares the link",
                                                  "%u migrations share the link equally",
                                                  concurrency),
                                     concurrency));
  link_min /= concurrency;
  link_max /= concurrency;
  estimate->link_min = link_min;
  estimate->link_max = link_max;

  /* Memory. */
  if (memory > 0)
    {
      g_autofree char *size = g_format_size_full ((guint64) memory, G_FORMAT_SIZE_IEC_UNITS);

      known = g_hash_table_lookup (self->dirty_rates, ferry_plan_item_get_vm_uuid (item));
      if (known != NULL)
        {
          dirty_min = dirty_max = *known;
          add_assumption (assumptions, g_strdup_printf (_("%s of memory, dirtied at %.0f MiB/s"),
                                                        size, *known / MIB));
        }
      else
        {
          dirty_min = 0.0;
          dirty_max = MAX (DIRTY_DEFAULT_MIN, DIRTY_SHARE * memory);
          add_assumption (assumptions,
                          g_strdup_printf (_("%s of memory; how fast the guest writes to it is not known: 0 to %.0f MiB/s assumed"),
                                           size, dirty_max / MIB));
        }
      if (compress)
        add_assumption (assumptions,
                        g_strdup (_("Compression on (R2): memory shrinks to 40–70 %, at most 400 MiB/s per stream")));
      else
        add_assumption (assumptions, g_strdup (_("Compression off (R2)")));
      if (vgpu > 0)
        {
          g_autofree char *state = g_format_size_full ((guint64) vgpu, G_FORMAT_SIZE_IEC_UNITS);

          add_assumption (assumptions,
                          g_strdup_printf (_("%s of vGPU state, copied while the VM is paused (R28)"), state));
        }
    }
  else
    dirty_min = dirty_max = 0.0;

  if (disks > 0)
    {
      g_autofree char *size = g_format_size_full ((guint64) disks, G_FORMAT_SIZE_IEC_UNITS);

      add_assumption (assumptions,
                      g_strdup_printf (_("%s of disk data to copy; storage throughput 150 to 1000 MiB/s assumed"), size));
    }
  if (cross_pool)
    add_assumption (assumptions, g_strdup (_("2 s more to set up between pools")));
  if (!live && memory <= 0)
    add_assumption (assumptions, g_strdup (_("The VM does not run while it moves, or only its disks move: no downtime")));

  fast = (Inputs) { link_max, dirty_min, COMPRESS_RATIO_MIN, SR_RATE_MAX };
  slow = (Inputs) { link_min, dirty_max, COMPRESS_RATIO_MAX, SR_RATE_MIN };
  low = run_model (&fast, memory, disks, vgpu, compress, cross_pool, local);
  high = run_model (&slow, memory, disks, vgpu, compress, cross_pool, local);

  estimate->duration_min = low.duration;
  estimate->duration_max = MAX (high.duration, low.duration);
  estimate->downtime_min = low.downtime;
  estimate->downtime_max = MAX (high.downtime, low.downtime);
  estimate->bytes_min = (gint64) MIN (low.bytes, high.bytes);
  estimate->bytes_max = (gint64) MAX (low.bytes, high.bytes);

  g_ptr_array_add (assumptions, NULL);
  estimate->assumptions = (char **) g_ptr_array_steal (assumptions, NULL);

  return estimate;
}

static double
makespan (GArray *durations,
          guint   parallel)
{
  g_autofree double *slots = g_new0 (double, parallel);
  double end = 0.0;

  for (guint i = 0; i < durations->len; i++)
    {
      guint best = 0;

      for (guint s = 1; s < parallel; s++)
        if (slots[s] < slots[best])
          best = s;
      slots[best] += g_array_index (durations, double, i);
      end = MAX (end, slots[best]);
    }
  return end;
}

FerryEstimate *
ferry_estimator_estimate_plan (FerryEstimator *self,
                               FerryPlan      *plan,
                               guint           parallel)
{
  g_autoptr(GArray) mins = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) maxs = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) assumptions = g_ptr_array_new_with_free_func (g_free);
  FerryEstimate *batch;
  guint n = 0;
  guint k;

  g_return_val_if_fail (FERRY_IS_ESTIMATOR (self), NULL);
  g_return_val_if_fail (FERRY_IS_PLAN (plan), NULL);

  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    n += ferry_plan_item_get_blocker (ferry_plan_get_item (plan, i)) == NULL;
  k = CLAMP (parallel, 1, MAX (n, 1));

  batch = g_new0 (FerryEstimate, 1);
  batch->concurrency = k;

  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    {
      FerryPlanItem *item = ferry_plan_get_item (plan, i);
      g_autoptr(FerryEstimate) estimate = NULL;

      if (ferry_plan_item_get_blocker (item) != NULL)
        continue;
      estimate = ferry_estimator_estimate_item (self, plan, item, k);
      ferry_plan_item_set_estimate (item, estimate);

      g_array_append_val (mins, estimate->duration_min);
      g_array_append_val (maxs, estimate->duration_max);
      batch->downtime_min = MAX (batch->downtime_min, estimate->downtime_min);
      batch->downtime_max = MAX (batch->downtime_max, estimate->downtime_max);
      batch->bytes_min += estimate->bytes_min;
      batch->bytes_max += estimate->bytes_max;
      batch->memory_bytes += estimate->memory_bytes;
      batch->disk_bytes += estimate->disk_bytes;
      batch->vgpu_bytes += estimate->vgpu_bytes;
      batch->learned |= estimate->learned;
      if (assumptions->len == 0 || batch->link_min == 0 || estimate->link_min < batch->link_min)
        batch->link_min = estimate->link_min;
      batch->link_max = MAX (batch->link_max, estimate->link_max);

      for (guint a = 0; estimate->assumptions && estimate->assumptions[a]; a++)
        {
          gboolean seen = FALSE;

          for (guint b = 0; b < assumptions->len && !seen; b++)
            seen = g_str_equal (g_ptr_array_index (assumptions, b), estimate->assumptions[a]);
          if (!seen)
            g_ptr_array_add (assumptions, g_strdup (estimate->assumptions[a]));
        }
    }

  batch->duration_min = makespan (mins, k);
  batch->duration_max = makespan (maxs, k);
  g_ptr_array_insert (assumptions, 0,
                      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "%u migration, %u at a time",
                                                    "%u migrations, %u at a time",
                                                    n),
                                       n, k));
  g_ptr_array_add (assumptions, NULL);
  batch->assumptions = (char **) g_ptr_array_steal (assumptions, NULL);

  return batch;
}
