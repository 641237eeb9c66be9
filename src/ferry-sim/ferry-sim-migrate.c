/* ferry-sim-migrate.c: moving VMs and disks, within a pool and between pools
 *
 * A move is checked in xapi's order (xapi.md §8.9), reserves what xapi
 * reserves (current_operations, scheduled_to_be_resident_on, the destination
 * host's vm_migrate, vGPUs), runs its transfer in simulated time through the
 * time model, and commits or rolls back when that ends.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-migrate"

#include "config.h"

#include <string.h>

#include "ferry-sim-checks.h"
#include "ferry-sim-error.h"
#include "ferry-sim-faults.h"
#include "ferry-sim-lifecycle.h"
#include "ferry-sim-migrate.h"
#include "ferry-sim-ops.h"
#include "ferry-sim-rpc-private.h"
#include "ferry-sim-timemodel.h"
#include "ferry-sim-world.h"

#define MAX_STORAGE_MIGRATES 3
/* inactive_session_timeout (xapi.md §8.2), simulated seconds. */
#define SESSION_TIMEOUT_S 86400.0

typedef enum
{
  MOVE_POOL_MIGRATE,
  MOVE_MIGRATE_SEND,
  MOVE_VDI_POOL_MIGRATE,
} MoveKind;

typedef struct
{
  char    *vdi;                /* in the source pool */
  char    *dest_sr;            /* in the destination pool */
  char    *new_vdi;            /* made when the disks start */
  gboolean mirror;             /* a running guest's RW disk: mirrored, with a source snapshot */
  char    *snapshot;           /* the mirror's snapshot on the source SR, while it runs */
} MoveDisk;

typedef struct
{
  MoveKind           kind;
  FerrySimPool      *pool;
  FerrySimPool      *dest_pool;     /* the same as @pool within a pool */
  char              *vm;
  char              *dest_vm;       /* cross-pool: the imported VM */
  char              *source_host;
  char              *dest_host;
  char              *source_pif;
  char              *dest_pif;
  char              *task;
  char              *operation;     /* VM current_operations value */
  char              *mirror_vdi;    /* VDI.pool_migrate: the VDI (operation "mirror"; the result) */
  char              *counter_key;   /* storage migrations of the source host */
  char              *source_power;
  gboolean           intra;
  gboolean           live;          /* Running when it started */
  gboolean           copy;
  gboolean           compress;
  gboolean           reserved;      /* scheduled_to_be_resident_on on the destination */
  gboolean           disks_started;
  gboolean           imported;
  gboolean           paused;        /* paused by us for stop-and-copy */
  gboolean           no_return;
  GArray            *disks;         /* of MoveDisk */
  GHashTable        *vif_map;       /* VIF → destination network */
  GHashTable        *vgpu_map;      /* VGPU → destination GPU_group */
  GHashTable        *refs;          /* source ref → its copy in the destination pool */
  GCancellable      *cancellable;   /* ours, chained to the caller's */
  GCancellable      *caller_cancellable;
  gulong             cancel_id;
  GError            *failure;       /* a run-time failure of ours (SR space) */
  FerrySimMigration *migration;
  FerrySimMoveFunc   done;
  gpointer           user_data;
} Move;

/* The destination of a migrate_send: host.migrate_receive's map, resolved. */
typedef struct
{
  FerrySimPool *pool;
  FerrySimRow  *host;
  FerrySimRow  *pif;       /* whose IP the URLs carry, if found */
  const char   *address;   /* the IP of the xenops URL, or the master's */
  gboolean      intra;
} Remote;

static GHashTable *storage_migrations;  /* "pool-ptr/host-ref" -> count */

/* Helpers ------------------------------------------------------------------ */

static FerrySimDb *
move_db (Move *move)
{
  return ferry_sim_pool_get_db (move->pool);
}

static FerrySimDb *
move_dest_db (Move *move)
{
  return ferry_sim_pool_get_db (move->dest_pool);
}

static void
move_disk_clear (gpointer data)
{
  MoveDisk *disk = data;

  g_free (disk->vdi);
  g_free (disk->dest_sr);
  g_free (disk->new_vdi);
  g_free (disk->snapshot);
}

static Move *
move_new (MoveKind      kind,
          FerrySimPool *pool,
          FerrySimRow  *vm)
{
  Move *move = g_new0 (Move, 1);

  move->kind = kind;
  move->pool = g_object_ref (pool);
  move->dest_pool = g_object_ref (pool);
  move->vm = g_strdup (vm->ref);
  move->source_power = g_strdup (ferry_sim_row_get_string (vm, "power_state"));
  move->live = g_strcmp0 (move->source_power, "Running") == 0;
  move->intra = TRUE;
  move->disks = g_array_new (FALSE, TRUE, sizeof (MoveDisk));
  g_array_set_clear_func (move->disks, move_disk_clear);
  move->vif_map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  move->vgpu_map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  move->refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  move->cancellable = g_cancellable_new ();
  return move;
}

static void
move_free (Move *move)
{
  if (move->caller_cancellable != NULL)
    g_cancellable_disconnect (move->caller_cancellable, move->cancel_id);
  g_clear_object (&move->caller_cancellable);
  g_clear_object (&move->cancellable);
  g_clear_object (&move->pool);
  g_clear_object (&move->dest_pool);
  g_free (move->vm);
  g_free (move->dest_vm);
  g_free (move->source_host);
  g_free (move->dest_host);
  g_free (move->source_pif);
  g_free (move->dest_pif);
  g_free (move->task);
  g_free (move->operation);
  g_free (move->mirror_vdi);
  g_free (move->counter_key);
  g_free (move->source_power);
  g_clear_pointer (&move->disks, g_array_unref);
  g_clear_pointer (&move->vif_map, g_hash_table_unref);
  g_clear_pointer (&move->vgpu_map, g_hash_table_unref);
  g_clear_pointer (&move->refs, g_hash_table_unref);
  g_clear_error (&move->failure);
  g_free (move);
}

static FerrySimRow *
pool_row (FerrySimDb *db)
{
  GPtrArray *pools = ferry_sim_db_get_rows_by_name (db, "pool");

  return pools->len > 0 ? g_ptr_array_index (pools, 0) : NULL;
}

static FerrySimRow *
pool_master (FerrySimDb *db)
{
  return ferry_sim_follow (db, pool_row (db), "master");
}

static FerrySimWorld *
pool_world (FerrySimPool *pool)
{
  return ferry_sim_pool_get_world (pool);
}

static gboolean
check_destination (FerrySimPool  *pool,
                   const char    *host_ref,
                   GError       **error)
{
  FerrySimWorld *world = pool_world (pool);

  return world == NULL || (ferry_sim_faults_check_route (world, pool, host_ref, error) &&
                           ferry_sim_faults_check_destination (world, host_ref, error));
}

static char *
counter_key (FerrySimPool *pool,
             const char   *host_ref)
{
  return g_strdup_printf ("%p/%s", (void *) pool, host_ref ? host_ref : "");
}

guint
ferry_sim_migrate_count_storage_migrations (FerrySimPool *pool,
                                            const char   *host_ref)
{
  g_autofree char *key = counter_key (pool, host_ref);

  return storage_migrations ? GPOINTER_TO_UINT (g_hash_table_lookup (storage_migrations, key)) : 0;
}

static void
count_storage_migration (const char *key,
                         int         delta)
{
  guint n;

  if (storage_migrations == NULL)
    storage_migrations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (storage_migrations, key));
  n = (guint) MAX (0, (int) n + delta);
  if (n == 0)
    g_hash_table_remove (storage_migrations, key);
  else
    g_hash_table_insert (storage_migrations, g_strdup (key), GUINT_TO_POINTER (n));
}

/* The VBDs that carry disks: not empty, not CDs (xapi_vm_migrate.ml vdi_filter). */
static GPtrArray *
disk_vbds (FerrySimDb  *db,
           FerrySimRow *vm)
{
  g_autoptr(GPtrArray) vbds = ferry_sim_follow_set (db, vm, "VBDs");
  GPtrArray *disks = g_ptr_array_new ();

  for (guint i = 0; i < vbds->len; i++)
    {
      FerrySimRow *vbd = g_ptr_array_index (vbds, i);

      if (ferry_sim_row_get_bool (vbd, "empty") || g_strcmp0 (ferry_sim_row_get_string (vbd, "type"), "CD") == 0 ||
          ferry_sim_follow (db, vbd, "VDI") == NULL)
        continue;
      g_ptr_array_add (disks, vbd);
    }
  return disks;
}

static FerrySimRow *
lookup_sm (FerrySimDb  *db,
           FerrySimRow *sr)
{
  GPtrArray *sms = ferry_sim_db_get_rows_by_name (db, "SM");

  for (guint i = 0; i < sms->len; i++)
    if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (sms, i), "type"),
                   ferry_sim_row_get_string (sr, "type")) == 0)
      return g_ptr_array_index (sms, i);
  return NULL;
}

static gboolean
sm_has (FerrySimRow *sm,
        const char  *feature)
{
  const FerrySimValue *features = sm ? ferry_sim_row_get (sm, "features") : NULL;

  if (ferry_sim_value_lookup (features, feature) != NULL)
    return TRUE;
  /* VDI_MIRROR counts as VDI_MIRROR_IN (smint.ml has_capability). */
  return g_str_equal (feature, "VDI_MIRROR_IN") && ferry_sim_value_lookup (features, "VDI_MIRROR") != NULL;
}

/* Sessions made by host.migrate_receive --------------------------------------- */

typedef struct
{
  FerrySimPool *pool;      /* weak */
  char         *session;
  double        last_used; /* simulated seconds */
} ReceiveSession;

static GPtrArray *receive_sessions;  /* of ReceiveSession */
static GSource   *receive_sweep;

static void
receive_session_free (gpointer data)
{
  ReceiveSession *rs = data;

  g_clear_weak_pointer (&rs->pool);
  g_free (rs->session);
  g_free (rs);
}

static double
pool_now (FerrySimPool *pool)
{
  FerrySimWorld *world = pool ? pool_world (pool) : NULL;

  return world ? ferry_sim_world_get_sim_time (world) : g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

/* xapi's GC destroys sessions idle for inactive_session_timeout; the
 * simulated clock runs with the world's time scale. */
static void
sweep_receive_sessions (void)
{
  for (guint i = receive_sessions ? receive_sessions->len : 0; i > 0; i--)
    {
      ReceiveSession *rs = g_ptr_array_index (receive_sessions, i - 1);
      FerrySimDb *db = rs->pool ? ferry_sim_pool_get_db (rs->pool) : NULL;
      FerrySimRow *session = db ? ferry_sim_db_lookup_in (db, "session", rs->session) : NULL;

      if (session != NULL && pool_now (rs->pool) - rs->last_used < SESSION_TIMEOUT_S)
        continue;
      if (session != NULL)
        {
          g_debug ("Session %s made by host.migrate_receive expired", rs->session);
          ferry_sim_db_delete_row (db, session);
        }
      g_ptr_array_remove_index_fast (receive_sessions, i - 1);
    }
}

static gboolean
sweep_cb (gpointer data)
{
  sweep_receive_sessions ();
  if (receive_sessions == NULL || receive_sessions->len == 0)
    {
      g_clear_pointer (&receive_sweep, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
track_receive_session (FerrySimPool *pool,
                       const char   *session)
{
  ReceiveSession *rs = g_new0 (ReceiveSession, 1);

  if (receive_sessions == NULL)
    receive_sessions = g_ptr_array_new_with_free_func (receive_session_free);
  g_set_weak_pointer (&rs->pool, pool);
  rs->session = g_strdup (session);
  rs->last_used = pool_now (pool);
  g_ptr_array_add (receive_sessions, rs);
  if (receive_sweep == NULL)
    receive_sweep = _ferry_sim_timeout_add (1000, sweep_cb, NULL, NULL);
}

static void
touch_receive_session (const char *session)
{
  for (guint i = 0; receive_sessions && i < receive_sessions->len; i++)
    {
      ReceiveSession *rs = g_ptr_array_index (receive_sessions, i);

      if (g_strcmp0 (rs->session, session) == 0)
        rs->last_used = pool_now (rs->pool);
    }
}

/* Destinations ------------------------------------------------------------- */

static char *
url_host (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;
  int port = uri ? g_uri_get_port (uri) : -1;

  if (host == NULL)
    return NULL;
  return port > 0 ? g_strdup_printf ("%s:%d", host, port) : g_strdup (host);
}

static FerrySimPool *
pool_by_address (FerrySimWorld *world,
                 const char    *address)
{
  GPtrArray *pools = world ? ferry_sim_world_get_pools (world) : NULL;

  for (guint p = 0; pools && p < pools->len; p++)
    {
      FerrySimPool *pool = g_ptr_array_index (pools, p);
      GPtrArray *hosts = ferry_sim_db_get_rows_by_name (ferry_sim_pool_get_db (pool), "host");

      for (guint h = 0; h < hosts->len; h++)
        if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (hosts, h), "address"), address) == 0)
          return pool;
    }
  return NULL;
}

static gboolean
resolve_remote (FerrySimPool         *pool,
                const FerrySimValue  *dest,
                Remote               *remote,
                GError              **error)
{
  FerrySimWorld *world = pool_world (pool);
  const char *host_ref = ferry_sim_value_lookup_string (dest, "host");
  const char *session_ref = ferry_sim_value_lookup_string (dest, "session_id");
  const char *xenops = ferry_sim_value_lookup_string (dest, "xenops");
  g_autofree char *master = url_host (ferry_sim_value_lookup_string (dest, "master"));
  g_autofree char *ip = url_host (xenops);
  FerrySimDb *db;

  memset (remote, 0, sizeof *remote);
  if (host_ref == NULL || session_ref == NULL)
    {
      ferry_sim_set_failure (error, "INTERNAL_ERROR", "Not_found", NULL);
      return FALSE;
    }

  /* Intra-pool if the host is in our own database (xapi_vm_migrate.ml). */
  if (ferry_sim_db_lookup_in (ferry_sim_pool_get_db (pool), "host", host_ref) != NULL)
    remote->pool = pool;
  else if (world != NULL)
    remote->pool = ferry_sim_world_find_pool_of (world, host_ref);
  if (remote->pool == NULL && master != NULL)
    remote->pool = pool_by_address (world, master);
  if (remote->pool == NULL)
    {
      ferry_sim_set_failure (error, "CANNOT_CONTACT_HOST", ip ? ip : master ? master : "", NULL);
      return FALSE;
    }

  db = ferry_sim_pool_get_db (remote->pool);
  remote->intra = remote->pool == pool;
  remote->host = ferry_sim_db_lookup_in (db, "host", host_ref);
  if (remote->host == NULL)
    {
      ferry_sim_set_failure (error, "HANDLE_INVALID", "host", host_ref, NULL);
      return FALSE;
    }

  /* The remote calls run in the session migrate_receive made. */
  sweep_receive_sessions ();
  if (ferry_sim_db_lookup_in (db, "session", session_ref) == NULL)
    {
      ferry_sim_set_failure (error, "SESSION_INVALID", session_ref, NULL);
      return FALSE;
    }
  touch_receive_session (session_ref);

  if (ip != NULL)
    {
      g_autoptr(GPtrArray) pifs = ferry_sim_follow_set (db, remote->host, "PIFs");

      for (guint i = 0; i < pifs->len; i++)
        if (g_strcmp0 (ferry_sim_pif_address (g_ptr_array_index (pifs, i)), ip) == 0)
          remote->pif = g_ptr_array_index (pifs, i);
    }
  remote->address = remote->pif ? ferry_sim_pif_address (remote->pif) : NULL;
  if (remote->address == NULL)
    remote->address = ferry_sim_row_get_string (remote->host, "address");
  return TRUE;
}

/* Which disks move where --------------------------------------------------- */

typedef struct
{
  FerrySimRow *vdi;
  FerrySimRow *dest_sr;   /* in the destination pool */
  gboolean     mirror;
  gboolean     explicit;  /* named in vdi_map */
} Placement;

static FerrySimRow *
map_sr (const FerrySimValue *vdi_map,
        FerrySimDb          *dest_db,
        const char          *vdi_ref)
{
  const char *sr = ferry_sim_value_lookup_string (vdi_map, vdi_ref);

  return sr ? ferry_sim_db_lookup_in (dest_db, "SR", sr) : NULL;
}

static gboolean
place_vdi (GArray              *out,
           FerrySimRow         *vdi,
           FerrySimRow         *sr,
           gboolean             mirror,
           gboolean             explicit)
{
  Placement p = { vdi, sr, mirror, explicit };

  for (guint i = 0; i < out->len; i++)
    if (g_array_index (out, Placement, i).vdi == vdi)
      return TRUE;
  g_array_append_val (out, p);
  return TRUE;
}

/* Every VDI the move takes and its destination SR: the VM's disks from
 * @vdi_map, snapshot disks with their parent (else the destination's default
 * SR), the suspend image on the suspend SR (xapi.md §3.3). */
static gboolean
collect_placements (FerrySimDb          *db,
                    FerrySimRow         *vm,
                    FerrySimDb          *dest_db,
                    FerrySimRow         *dest_host,
                    const FerrySimValue *vdi_map,
                    gboolean             with_snapshots,
                    GArray              *out,
                    GError             **error)
{
  g_autoptr(GPtrArray) vbds = disk_vbds (db, vm);
  g_autoptr(GPtrArray) snapshots = ferry_sim_follow_set (db, vm, "snapshots");
  FerrySimRow *dest_pool = pool_row (dest_db);
  FerrySimRow *default_sr = ferry_sim_follow (dest_db, dest_pool, "default_SR");
  FerrySimRow *suspend_vdi = ferry_sim_follow (db, vm, "suspend_VDI");
  gboolean live = g_strcmp0 (ferry_sim_row_get_string (vm, "power_state"), "Running") == 0;

  for (guint i = 0; i < vbds->len; i++)
    {
      FerrySimRow *vbd = g_ptr_array_index (vbds, i);
      FerrySimRow *vdi = ferry_sim_follow (db, vbd, "VDI");
      const char *sr_ref = ferry_sim_value_lookup_string (vdi_map, vdi->ref);
      FerrySimRow *sr;

      if (sr_ref == NULL)
        {
          ferry_sim_set_failure (error, "VDI_NOT_IN_MAP", vdi->ref, NULL);
          return FALSE;
        }
      sr = ferry_sim_db_lookup_in (dest_db, "SR", sr_ref);
      if (sr == NULL)
        {
          ferry_sim_set_failure (error, "HANDLE_INVALID", "SR", sr_ref, NULL);
          return FALSE;
        }
      place_vdi (out, vdi, sr, live && g_strcmp0 (ferry_sim_row_get_string (vbd, "mode"), "RW") == 0, TRUE);
    }

  for (guint s = 0; with_snapshots && s < snapshots->len; s++)
    {
      g_autoptr(GPtrArray) snap_vbds = disk_vbds (db, g_ptr_array_index (snapshots, s));

      for (guint i = 0; i < snap_vbds->len; i++)
        {
          FerrySimRow *vdi = ferry_sim_follow (db, g_ptr_array_index (snap_vbds, i), "VDI");
          FerrySimRow *sr = map_sr (vdi_map, dest_db, vdi->ref);
          gboolean explicit = sr != NULL;

          if (sr == NULL)
            sr = map_sr (vdi_map, dest_db, ferry_sim_row_get_string (vdi, "snapshot_of"));
          if (sr == NULL)
            sr = default_sr;
          if (sr == NULL)
            {
              ferry_sim_set_failure (error, "VDI_NOT_IN_MAP", vdi->ref, NULL);
              return FALSE;
            }
          place_vdi (out, vdi, sr, FALSE, explicit);
        }
    }

  if (suspend_vdi != NULL && g_strcmp0 (ferry_sim_row_get_string (vm, "power_state"), "Suspended") == 0)
    {
      FerrySimRow *sr = map_sr (vdi_map, dest_db, suspend_vdi->ref);

      if (sr == NULL)
        sr = ferry_sim_follow (dest_db, dest_pool, "suspend_image_SR");
      if (sr == NULL && dest_host != NULL)
        sr = ferry_sim_follow (dest_db, dest_host, "suspend_image_sr");
      if (sr == NULL)
        sr = default_sr;
      if (sr == NULL)
        {
          ferry_sim_set_failure (error, "VDI_NOT_IN_MAP", suspend_vdi->ref, NULL);
          return FALSE;
        }
      place_vdi (out, suspend_vdi, sr, FALSE, FALSE);
    }
  return TRUE;
}

/* Moves: placements whose SR changes (within a pool, others stay put). */
static gboolean
placement_moves (const Placement *p,
                 gboolean         intra)
{
  return !intra || g_strcmp0 (ferry_sim_row_get_string (p->vdi, "SR"), p->dest_sr->ref) != 0;
}

/* Checks ------------------------------------------------------------------- */

static gboolean
check_sr_support (FerrySimDb   *db,
                  FerrySimDb   *dest_db,
                  GArray       *placements,
                  gboolean      intra,
                  gboolean      new_params,
                  GError      **error)
{
  for (guint i = 0; i < placements->len; i++)
    {
      Placement *p = &g_array_index (placements, Placement, i);
      FerrySimRow *source_sr = ferry_sim_follow (db, p->vdi, "SR");
      FerrySimRow *source_sm = lookup_sm (db, source_sr);
      FerrySimRow *dest_sm = lookup_sm (dest_db, p->dest_sr);
      g_autoptr(GString) missing = g_string_new (NULL);

      if (!p->explicit || !placement_moves (p, intra))
        continue;

      if (!sm_has (source_sm, "VDI_SNAPSHOT"))
        g_string_append (missing, "VDI_SNAPSHOT;");
      if (!sm_has (source_sm, "VDI_MIRROR"))
        g_string_append (missing, "VDI_MIRROR;");
      if (missing->len > 0)
        {
          g_string_truncate (missing, missing->len - 1);
          ferry_sim_set_failure (error, "SR_DOES_NOT_SUPPORT_MIGRATION", source_sr->ref,
                                 new_params ? missing->str : NULL, NULL);
          return FALSE;
        }
      if (!sm_has (dest_sm, "VDI_SNAPSHOT"))
        g_string_append (missing, "VDI_SNAPSHOT;");
      if (!sm_has (dest_sm, "VDI_MIRROR_IN"))
        g_string_append (missing, "VDI_MIRROR_IN;");
      if (missing->len > 0)
        {
          g_string_truncate (missing, missing->len - 1);
          ferry_sim_set_failure (error, "SR_DOES_NOT_SUPPORT_MIGRATION", p->dest_sr->ref,
                                 new_params ? missing->str : NULL, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

/* Every VIF, snapshots' too, mapped directly or through a mapped VIF with the
 * same MAC (infer_vif_map). */
static gboolean
resolve_vif_map (FerrySimDb          *db,
                 FerrySimRow         *vm,
                 FerrySimDb          *dest_db,
                 const FerrySimValue *vif_map,
                 GHashTable          *out,
                 GError             **error)
{
  g_autoptr(GPtrArray) vifs = ferry_sim_follow_set (db, vm, "VIFs");
  g_autoptr(GPtrArray) snapshots = ferry_sim_follow_set (db, vm, "snapshots");

  for (guint s = 0; s < snapshots->len; s++)
    {
      g_autoptr(GPtrArray) more = ferry_sim_follow_set (db, g_ptr_array_index (snapshots, s), "VIFs");
      g_ptr_array_extend (vifs, more, NULL, NULL);
    }

  for (guint i = 0; i < vifs->len; i++)
    {
      FerrySimRow *vif = g_ptr_array_index (vifs, i);
      const char *network = ferry_sim_value_lookup_string (vif_map, vif->ref);

      for (guint j = 0; j < vifs->len && network == NULL; j++)
        {
          FerrySimRow *other = g_ptr_array_index (vifs, j);

          if (g_strcmp0 (ferry_sim_row_get_string (other, "MAC"), ferry_sim_row_get_string (vif, "MAC")) == 0)
            network = ferry_sim_value_lookup_string (vif_map, other->ref);
        }
      if (network == NULL)
        {
          ferry_sim_set_failure (error, "VIF_NOT_IN_MAP", vif->ref, NULL);
          return FALSE;
        }
      if (ferry_sim_db_lookup_in (dest_db, "network", network) == NULL)
        {
          ferry_sim_set_failure (error, "HANDLE_INVALID", "network", network, NULL);
          return FALSE;
        }
      if (out != NULL)
        g_hash_table_insert (out, g_strdup (vif->ref), g_strdup (network));
    }
  return TRUE;
}

/* The destination pool's vGPU type like @type (by model name). */
static FerrySimRow *
match_vgpu_type (FerrySimDb  *dest_db,
                 FerrySimRow *type)
{
  GPtrArray *types = ferry_sim_db_get_rows_by_name (dest_db, "VGPU_type");

  for (guint i = 0; type != NULL && i < types->len; i++)
    if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (types, i), "model_name"),
                   ferry_sim_row_get_string (type, "model_name")) == 0)
      return g_ptr_array_index (types, i);
  return NULL;
}

/* Cross-pool vGPUs: the destination group (vgpu_map, or one with the type)
 * must have a pGPU on the host with room. */
static gboolean
check_remote_vgpus (FerrySimDb          *db,
                    FerrySimRow         *vm,
                    FerrySimDb          *dest_db,
                    FerrySimRow         *dest_host,
                    const FerrySimValue *vgpu_map,
                    GHashTable          *out,
                    GError             **error)
{
  g_autoptr(GPtrArray) vgpus = ferry_sim_follow_set (db, vm, "VGPUs");

  for (guint i = 0; i < vgpus->len; i++)
    {
      FerrySimRow *vgpu = g_ptr_array_index (vgpus, i);
      FerrySimRow *type = match_vgpu_type (dest_db, ferry_sim_follow (db, vgpu, "type"));
      const char *group = ferry_sim_value_lookup_string (vgpu_map, vgpu->ref);
      FerrySimRow *pgpu = NULL;

      if (type != NULL)
        pgpu = ferry_sim_find_pgpu_for (dest_db, dest_host, group, type->ref, NULL);
      if (pgpu == NULL)
        {
          ferry_sim_set_failure (error, "VM_REQUIRES_GPU", vm->ref,
                                 group ? group : ferry_sim_row_get_string (vgpu, "GPU_group"), NULL);
          return FALSE;
        }
      if (out != NULL)
        g_hash_table_insert (out, g_strdup (vgpu->ref), g_strdup (ferry_sim_row_get_string (pgpu, "GPU_group")));
    }
  return TRUE;
}

/* The dry-run metadata import on the destination (import.ml). */
static gboolean
check_import (FerrySimDb   *db,
              FerrySimRow  *vm,
              FerrySimDb   *dest_db,
              FerrySimRow  *dest_host,
              gboolean      force,
              gboolean      copy,
              GError      **error)
{
  FerrySimRow *existing = copy ? NULL : ferry_sim_db_lookup_uuid (dest_db, vm->klass, ferry_sim_row_get_uuid (vm));
  const char *mac_seed = ferry_sim_row_map_lookup (vm, "other_config", "mac_seed");
  GPtrArray *dest_vms = ferry_sim_db_get_rows_by_name (dest_db, "VM");

  if (existing != NULL)
    {
      g_autofree char *actual = g_ascii_strdown (ferry_sim_row_get_string (existing, "power_state"), -1);
      g_autofree char *have = g_strdup_printf ("%" G_GINT64_FORMAT, ferry_sim_row_get_int (existing, "version"));
      g_autofree char *incoming = g_strdup_printf ("%" G_GINT64_FORMAT, ferry_sim_row_get_int (vm, "version"));

      if (g_strcmp0 (actual, "halted") != 0)
        ferry_sim_set_failure (error, "VM_BAD_POWER_STATE", existing->ref, "halted", actual, NULL);
      else
        ferry_sim_set_failure (error, "VM_TO_IMPORT_IS_NOT_NEWER_VERSION", existing->ref, have, incoming, NULL);
      return FALSE;
    }

  if (ferry_sim_vm_is_live (vm))
    {
      gint64 needed = ferry_sim_vm_required_memory (vm);
      gint64 available = ferry_sim_host_free_memory (dest_db, dest_host, NULL);

      if (available < needed)
        {
          g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, needed);
          g_autofree char *a = g_strdup_printf ("%" G_GINT64_FORMAT, available);

          ferry_sim_set_failure (error, "HOST_NOT_ENOUGH_FREE_MEMORY", n, a, NULL);
          return FALSE;
        }
    }

  if (!force && !ferry_sim_check_cpu (db, vm, dest_host, error))
    return FALSE;

  for (guint i = 0; mac_seed != NULL && i < dest_vms->len; i++)
    {
      FerrySimRow *other = g_ptr_array_index (dest_vms, i);

      if (!ferry_sim_row_get_bool (other, "is_a_snapshot") &&
          g_strcmp0 (ferry_sim_row_map_lookup (other, "other_config", "mac_seed"), mac_seed) == 0 &&
          g_strcmp0 (ferry_sim_row_get_uuid (other), ferry_sim_row_get_uuid (vm)) != 0)
        {
          ferry_sim_set_failure (error, "DUPLICATE_MAC_SEED", mac_seed, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

/* VM.assert_can_migrate (xapi.md §4.2), in the table's order, then the
 * sender's vGPU check. @contact: the source contacts the destination here
 * (a cross-pool dry run), so an unreachable_destination fault fires. */
static gboolean
assert_can_migrate (FerrySimPool        *pool,
                    FerrySimRow         *vm,
                    const Remote        *remote,
                    const FerrySimValue *vdi_map,
                    const FerrySimValue *vif_map,
                    const FerrySimValue *options,
                    const FerrySimValue *vgpu_map,
                    gboolean             contact,
                    GArray              *placements,
                    GHashTable          *vifs_out,
                    GHashTable          *vgpus_out,
                    GError             **error)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  FerrySimDb *dest_db = ferry_sim_pool_get_db (remote->pool);
  gboolean force = ferry_sim_ops_option_true (options, "force");
  gboolean copy = ferry_sim_ops_option_true (options, "copy");
  FerrySimRow *source_host = ferry_sim_follow (db, vm, "resident_on");
  FerrySimRow *master = pool_master (db);
  g_autoptr(GArray) own = NULL;
  gboolean any_cbt;

  if (source_host == NULL)
    source_host = master;
  if (placements == NULL)
    placements = own = g_array_new (FALSE, TRUE, sizeof (Placement));

  /* (Legacy vGPU types: the simulator has none.) */
  if (!ferry_sim_check_licence (db, "Storage_motion", error))
    return FALSE;
  if (!collect_placements (db, vm, dest_db, remote->host, vdi_map, !(copy && !remote->intra), placements, error))
    return FALSE;

  if (remote->intra)
    {
      if (!ferry_sim_host_versions_not_decreasing (source_host, remote->host))
        {
          ferry_sim_set_failure (error, "NOT_SUPPORTED_DURING_UPGRADE", NULL);
          return FALSE;
        }
      if (!check_sr_support (db, dest_db, placements, TRUE, ferry_sim_host_xapi_at_least (master, "26.0"), error))
        return FALSE;
      if (!ferry_sim_check_can_boot_here (db, vm, remote->host,
                                          (force ? 0 : FERRY_SIM_BOOT_CHECK_CPU) |
                                          FERRY_SIM_BOOT_CHECK_MEMORY | FERRY_SIM_BOOT_NEW_VGPU, error))
        return FALSE;
      if (ferry_sim_value_get_length (vif_map) > 0)
        {
          ferry_sim_set_failure (error, "OPERATION_NOT_ALLOWED",
                                 "VIF mapping is not allowed for intra-pool migration -all VIFs must be on the same network",
                                 NULL);
          return FALSE;
        }
    }
  else
    {
      const char *power = ferry_sim_row_get_string (vm, "power_state");

      if (!ferry_sim_host_versions_not_decreasing (source_host, remote->host))
        {
          ferry_sim_set_failure (error, "VM_HOST_INCOMPATIBLE_VERSION_MIGRATE", vm->ref, remote->host->ref, NULL);
          return FALSE;
        }
      if (!check_sr_support (db, dest_db, placements, FALSE, ferry_sim_host_xapi_at_least (master, "26.0"), error))
        return FALSE;
      if (copy && !force && g_strcmp0 (power, "Halted") != 0)
        {
          g_autofree char *actual = g_ascii_strdown (power, -1);
          ferry_sim_set_failure (error, "VM_BAD_POWER_STATE", vm->ref, "halted", actual, NULL);
          return FALSE;
        }
      if (!ferry_sim_check_hardware_platform (vm, remote->host, error))
        return FALSE;
      if (!ferry_sim_row_get_bool (remote->host, "enabled"))
        {
          ferry_sim_set_failure (error, "HOST_DISABLED", remote->host->ref, NULL);
          return FALSE;
        }
      {
        gint64 vcpus = ferry_sim_row_get_int (vm, "VCPUs_max");
        const char *count = ferry_sim_row_map_lookup (remote->host, "cpu_info", "cpu_count");
        gint64 pcpus = count ? g_ascii_strtoll (count, NULL, 10) : G_MAXINT64;

        if (vcpus > pcpus && !ferry_sim_text_is_true (ferry_sim_row_map_lookup (vm, "platform", "vcpu-unrestricted")))
          {
            g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, vcpus);
            g_autofree char *p = g_strdup_printf ("%" G_GINT64_FORMAT, pcpus);
            ferry_sim_set_failure (error, "HOST_NOT_ENOUGH_PCPUS", v, p, NULL);
            return FALSE;
          }
      }
      if (!resolve_vif_map (db, vm, dest_db, vif_map, vifs_out, error))
        return FALSE;
      if (!check_import (db, vm, dest_db, remote->host, force || g_strcmp0 (power, "Halted") == 0, copy, error))
        return FALSE;
      /* The import places the vGPUs (best effort for a halted VM, whose vGPUs
       * are not running); a live one needs room on the destination. */
      check_remote_vgpus (db, vm, dest_db, remote->host, vgpu_map, vgpus_out, NULL);
      if (g_strcmp0 (power, "Halted") != 0 &&
          !check_remote_vgpus (db, vm, dest_db, remote->host, vgpu_map, NULL, error))
        return FALSE;
      if (contact && !check_destination (pool, remote->host->ref, error))
        return FALSE;
    }

  /* CBT: any VM disk before xapi 25, only moved ones since (xapi.md §4.2). */
  any_cbt = !ferry_sim_host_xapi_at_least (master, "25.0");
  for (guint i = 0; i < placements->len; i++)
    {
      Placement *p = &g_array_index (placements, Placement, i);

      if ((any_cbt || placement_moves (p, remote->intra)) && ferry_sim_row_get_bool (p->vdi, "cbt_enabled") &&
          !ferry_sim_row_get_bool (p->vdi, "is_a_snapshot"))
        {
          ferry_sim_set_failure (error, "VDI_CBT_ENABLED", p->vdi->ref, NULL);
          return FALSE;
        }
    }
  for (guint i = 0; i < placements->len; i++)
    {
      Placement *p = &g_array_index (placements, Placement, i);

      if (placement_moves (p, remote->intra) && ferry_sim_row_map_lookup (p->vdi, "sm_config", "key_hash") != NULL)
        {
          ferry_sim_set_failure (error, "VDI_IS_ENCRYPTED", p->vdi->ref, NULL);
          return FALSE;
        }
    }

  /* assert_can_migrate_sender (live vGPUs need a compatible destination
   * pGPU) found the same as the import above. */
  return TRUE;
}

/* xapi_vm_helpers.ml choose_host: the affinity, the master, then the others,
 * that can run the VM (SRs, memory); a cross-pool move falls back to any host
 * that sees the SRs. */
static FerrySimRow *
choose_source_host (FerrySimDb  *db,
                    FerrySimRow *vm,
                    gboolean     cross_pool)
{
  GPtrArray *hosts = ferry_sim_db_get_rows_by_name (db, "host");
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  FerrySimRow *affinity = ferry_sim_follow (db, vm, "affinity");
  FerrySimRow *master = pool_master (db);

  if (affinity != NULL)
    g_ptr_array_add (order, affinity);
  if (master != NULL && master != affinity)
    g_ptr_array_add (order, master);
  for (guint i = 0; i < hosts->len; i++)
    if (g_ptr_array_index (hosts, i) != affinity && g_ptr_array_index (hosts, i) != master)
      g_ptr_array_add (order, g_ptr_array_index (hosts, i));

  for (guint i = 0; i < order->len; i++)
    if (ferry_sim_check_can_boot_here (db, vm, g_ptr_array_index (order, i),
                                       FERRY_SIM_BOOT_CHECK_SR | FERRY_SIM_BOOT_CHECK_MEMORY, NULL))
      return g_ptr_array_index (order, i);

  for (guint i = 0; cross_pool && i < order->len; i++)
    {
      GError *error = NULL;
      gboolean ok = ferry_sim_check_can_boot_here (db, vm, g_ptr_array_index (order, i), FERRY_SIM_BOOT_CHECK_SR, &error);

      if (ok || !ferry_sim_failure_matches (error, "VM_REQUIRES_SR"))
        {
          g_clear_error (&error);
          return g_ptr_array_index (order, i);
        }
      g_clear_error (&error);
    }
  return NULL;
}

/* The source host's run-time checks (xapi_vm_migrate.ml migrate_send'). */
static gboolean
check_send_runtime (FerrySimPool  *pool,
                    FerrySimRow   *vm,
                    FerrySimRow   *source_host,
                    gboolean       intra,
                    gboolean       copy,
                    GError       **error)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  g_autoptr(GPtrArray) vbds = disk_vbds (db, vm);
  FerrySimRow *suspend_vdi = ferry_sim_follow (db, vm, "suspend_VDI");

  if (ferry_sim_migrate_count_storage_migrations (pool, source_host->ref) >= MAX_STORAGE_MIGRATES)
    {
      ferry_sim_set_failure (error, "TOO_MANY_STORAGE_MIGRATES", "3", NULL);
      return FALSE;
    }
  if (copy && intra)
    {
      ferry_sim_set_failure (error, "OPERATION_NOT_ALLOWED",
                             "Copy mode is disallowed on intra pool storage migration, try efficient alternatives e.g. VM.copy/clone.",
                             NULL);
      return FALSE;
    }
  for (guint i = 0; i < vbds->len; i++)
    {
      FerrySimRow *vdi = ferry_sim_follow (db, g_ptr_array_index (vbds, i), "VDI");

      if (g_strcmp0 (ferry_sim_row_get_string (vdi, "on_boot"), "reset") == 0)
        {
          ferry_sim_set_failure (error, "VDI_ON_BOOT_MODE_INCOMPATIBLE_WITH_OPERATION", vdi->ref, NULL);
          return FALSE;
        }
    }
  if (suspend_vdi != NULL && g_strcmp0 (ferry_sim_row_get_string (vm, "power_state"), "Suspended") == 0)
    {
      g_autoptr(GPtrArray) pbds = ferry_sim_follow_set (db, source_host, "PBDs");
      gboolean seen = FALSE;

      for (guint i = 0; i < pbds->len; i++)
        seen |= g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (pbds, i), "SR"),
                           ferry_sim_row_get_string (suspend_vdi, "SR")) == 0 &&
                ferry_sim_row_get_bool (g_ptr_array_index (pbds, i), "currently_attached");
      if (!seen)
        {
          ferry_sim_set_failure (error, "SUSPEND_IMAGE_NOT_ACCESSIBLE", suspend_vdi->ref, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

/* Running a move ----------------------------------------------------------- */

static void finish_move (Move *move, GError *error);

static FerrySimRow *
lookup_pif_on (FerrySimDb  *db,
               FerrySimRow *host,
               const char  *network)
{
  g_autoptr(GPtrArray) pifs = ferry_sim_follow_set (db, host, "PIFs");

  for (guint i = 0; host != NULL && i < pifs->len; i++)
    if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (pifs, i), "network"), network) == 0)
      return g_ptr_array_index (pifs, i);
  return NULL;
}

/* The mirror targets appear on the destination now; the mirror snapshots
 * take room on the source (xapi.md §5.4). Smallest disk first. */
static gint
compare_disk_size (gconstpointer a,
                   gconstpointer b,
                   gpointer      data)
{
  FerrySimDb *db = data;
  FerrySimRow *x = ferry_sim_db_lookup (db, ((const MoveDisk *) a)->vdi);
  FerrySimRow *y = ferry_sim_db_lookup (db, ((const MoveDisk *) b)->vdi);
  gint64 sx = x ? ferry_sim_row_get_int (x, "virtual_size") : 0;
  gint64 sy = y ? ferry_sim_row_get_int (y, "virtual_size") : 0;

  return sx < sy ? -1 : sx > sy ? 1 : 0;
}

static gboolean
start_disks (Move    *move,
             GError **error)
{
  FerrySimDb *db = move_db (move);
  FerrySimDb *dest_db = move_dest_db (move);

  if (move->disks_started)
    return TRUE;
  move->disks_started = TRUE;

  for (guint i = 0; i < move->disks->len; i++)
    {
      MoveDisk *disk = &g_array_index (move->disks, MoveDisk, i);
      FerrySimRow *vdi = ferry_sim_db_lookup_in (db, "VDI", disk->vdi);
      FerrySimRow *sr = ferry_sim_db_lookup_in (dest_db, "SR", disk->dest_sr);
      FerrySimRow *source_sr = ferry_sim_follow (db, vdi, "SR");
      FerrySimRow *copy;
      gint64 need;

      if (vdi == NULL || sr == NULL)
        {
          ferry_sim_set_failure (error, "VDI_MISSING", disk->dest_sr, disk->vdi, NULL);
          return FALSE;
        }

      /* The SM fails creating the mirror target when the SR lacks room for it. */
      need = ferry_sim_ops_copy_size (vdi, sr);
      if (ferry_sim_ops_sr_free (sr) < need)
        {
          ferry_sim_ops_set_no_space (error, sr, FALSE);
          return FALSE;
        }
      copy = ferry_sim_ops_copy_vdi (db, vdi, dest_db, sr);
      disk->new_vdi = g_strdup (copy->ref);
      g_hash_table_insert (move->refs, g_strdup (vdi->ref), g_strdup (copy->ref));

      if (disk->mirror && source_sr != NULL)
        {
          FerrySimRow *snapshot;

          /* The mirror starts from a snapshot of the disk, as big as its data. */
          if (ferry_sim_ops_sr_free (source_sr) < ferry_sim_row_get_int (vdi, "physical_utilisation"))
            {
              ferry_sim_ops_set_no_space (error, source_sr, TRUE);
              return FALSE;
            }
          snapshot = ferry_sim_ops_copy_vdi (db, vdi, db, source_sr);
          ferry_sim_db_set_bool (db, snapshot, "is_a_snapshot", TRUE);
          ferry_sim_db_set_bool (db, snapshot, "cbt_enabled", FALSE);
          ferry_sim_ops_set_ref (db, snapshot, "snapshot_of", vdi->ref);
          ferry_sim_db_map_set (db, snapshot, "other_config", "storage_migrate_snapshot", "true");
          disk->snapshot = g_strdup (snapshot->ref);
        }
    }

  /* The copies keep their snapshot relations. */
  for (guint i = 0; i < move->disks->len; i++)
    {
      MoveDisk *disk = &g_array_index (move->disks, MoveDisk, i);
      FerrySimRow *vdi = ferry_sim_db_lookup_in (db, "VDI", disk->vdi);
      FerrySimRow *copy = ferry_sim_db_lookup_in (dest_db, "VDI", disk->new_vdi);
      const char *parent = g_hash_table_lookup (move->refs, ferry_sim_row_get_string (vdi, "snapshot_of"));

      if (parent != NULL)
        ferry_sim_ops_set_ref (dest_db, copy, "snapshot_of", parent);
    }
  return TRUE;
}

static void
release_snapshots (Move *move)
{
  FerrySimDb *db = move_db (move);

  for (guint i = 0; i < move->disks->len; i++)
    {
      MoveDisk *disk = &g_array_index (move->disks, MoveDisk, i);
      FerrySimRow *snapshot = disk->snapshot ? ferry_sim_db_lookup_in (db, "VDI", disk->snapshot) : NULL;

      if (snapshot != NULL)
        ferry_sim_ops_destroy_vdi (db, snapshot);
      g_clear_pointer (&disk->snapshot, g_free);
    }
}

/* Cross-pool copies of rows ------------------------------------------------ */

/* Copies every stored field of @src into @dest, turning refs into their
 * destination copies (or NULL / dropped when there is none). */
static void
copy_fields (Move        *move,
             FerrySimRow *src,
             FerrySimRow *dest,
             const char * const *skip)
{
  FerrySimDb *dest_db = move_dest_db (move);

  for (guint f = 0; f < src->klass->n_fields; f++)
    {
      FerrySimField *field = &src->klass->fields[f];
      const FerrySimValue *value = &src->values[f];
      FerrySimValue copy = FERRY_SIM_VALUE_INIT;

      if (field == src->klass->uuid || field->inverse_ref != NULL ||
          (skip != NULL && g_strv_contains (skip, field->name)))
        continue;

      if (field->type->kind == FERRY_SIM_TYPE_REF)
        {
          const char *mapped = g_hash_table_lookup (move->refs, ferry_sim_value_get_string (value));
          ferry_sim_value_set_string (&copy, mapped ? mapped : FERRY_SIM_NULL_REF);
        }
      else if (field->type->kind == FERRY_SIM_TYPE_SET && field->type->element->kind == FERRY_SIM_TYPE_REF)
        {
          ferry_sim_value_set_array (&copy);
          for (guint i = 0; i < ferry_sim_value_get_length (value); i++)
            {
              const char *mapped = g_hash_table_lookup (move->refs,
                                                        ferry_sim_value_get_string (ferry_sim_value_index (value, i)));
              if (mapped != NULL)
                ferry_sim_value_append_string (&copy, mapped);
            }
        }
      else
        ferry_sim_value_copy (&copy, value);
      ferry_sim_db_set (dest_db, dest, field, &copy);
    }
}

static FerrySimRow *
copy_row (Move        *move,
          FerrySimRow *src,
          gboolean     keep_uuid,
          const char * const *skip)
{
  FerrySimRow *dest = ferry_sim_db_create_row (move_dest_db (move), src->klass, NULL,
                                               keep_uuid ? ferry_sim_row_get_uuid (src) : NULL);

  g_hash_table_insert (move->refs, g_strdup (src->ref), g_strdup (dest->ref));
  copy_fields (move, src, dest, skip);
  return dest;
}

static void
import_devices (Move        *move,
                FerrySimRow *vm)
{
  static const char * const vbd_skip[] = { "current_operations", "allowed_operations", "metrics", NULL };
  static const char * const vif_skip[] = { "current_operations", "allowed_operations", "metrics", "network", NULL };
  static const char * const vgpu_skip[] = { "resident_on", "scheduled_to_be_resident_on", "PCI", "GPU_group", "type", NULL };
  FerrySimDb *db = move_db (move);
  FerrySimDb *dest_db = move_dest_db (move);
  g_autoptr(GPtrArray) vbds = ferry_sim_follow_set (db, vm, "VBDs");
  g_autoptr(GPtrArray) vifs = ferry_sim_follow_set (db, vm, "VIFs");
  g_autoptr(GPtrArray) vgpus = ferry_sim_follow_set (db, vm, "VGPUs");

  for (guint i = 0; i < vbds->len; i++)
    {
      FerrySimRow *copy = copy_row (move, g_ptr_array_index (vbds, i), TRUE, vbd_skip);

      /* A CD's ISO stays behind: the drive arrives empty. */
      if (ferry_sim_is_null_ref (ferry_sim_row_get_string (copy, "VDI")))
        ferry_sim_db_set_bool (dest_db, copy, "empty", TRUE);
    }
  for (guint i = 0; i < vifs->len; i++)
    {
      FerrySimRow *vif = g_ptr_array_index (vifs, i);
      FerrySimRow *copy = copy_row (move, vif, TRUE, vif_skip);

      ferry_sim_ops_set_ref (dest_db, copy, "network", g_hash_table_lookup (move->vif_map, vif->ref));
    }
  for (guint i = 0; i < vgpus->len; i++)
    {
      FerrySimRow *vgpu = g_ptr_array_index (vgpus, i);
      FerrySimRow *copy = copy_row (move, vgpu, TRUE, vgpu_skip);
      FerrySimRow *type = match_vgpu_type (dest_db, ferry_sim_follow (db, vgpu, "type"));

      ferry_sim_ops_set_ref (dest_db, copy, "GPU_group", g_hash_table_lookup (move->vgpu_map, vgpu->ref));
      ferry_sim_ops_set_ref (dest_db, copy, "type", type ? type->ref : NULL);
    }
}

static FerrySimRow *
import_vm_row (Move        *move,
               FerrySimRow *vm,
               gboolean     keep_uuid)
{
  static const char * const vm_skip[] = {
    "resident_on", "scheduled_to_be_resident_on", "affinity", "current_operations",
    "allowed_operations", "attached_PCIs", "domid", "power_state", NULL
  };
  FerrySimDb *db = move_db (move);
  FerrySimDb *dest_db = move_dest_db (move);
  FerrySimRow *metrics = ferry_sim_follow (db, vm, "metrics");
  FerrySimRow *guest = ferry_sim_follow (db, vm, "guest_metrics");
  FerrySimRow *copy;

  if (metrics != NULL)
    copy_row (move, metrics, TRUE, NULL);
  if (guest != NULL)
    copy_row (move, guest, TRUE, NULL);
  copy = copy_row (move, vm, keep_uuid, vm_skip);
  ferry_sim_db_set_string (dest_db, copy, "power_state",
                           ferry_sim_row_get_bool (vm, "is_a_snapshot") ? "Halted" :
                           move->live ? "Halted" : ferry_sim_row_get_string (vm, "power_state"));
  ferry_sim_db_set_int (dest_db, copy, "domid", -1);
  return copy;
}

/* host.import of the VM's metadata on the destination (xapi.md §3.3 step 10). */
static void
import_vm (Move *move)
{
  FerrySimDb *db = move_db (move);
  FerrySimDb *dest_db = move_dest_db (move);
  FerrySimRow *vm = ferry_sim_db_lookup_in (db, "VM", move->vm);
  g_autoptr(GPtrArray) snapshots = move->copy ? g_ptr_array_new () : ferry_sim_follow_set (db, vm, "snapshots");
  FerrySimRow *copy;
  FerrySimRow *suspend_sr;

  if (move->imported || vm == NULL)
    return;
  move->imported = TRUE;

  copy = import_vm_row (move, vm, !move->copy);
  move->dest_vm = g_strdup (copy->ref);
  for (guint i = 0; i < snapshots->len; i++)
    import_vm_row (move, g_ptr_array_index (snapshots, i), TRUE);
  /* snapshot_of pointed at the VM before its copy existed. */
  for (guint i = 0; i < snapshots->len; i++)
    {
      FerrySimRow *snap = ferry_sim_db_lookup (dest_db, g_hash_table_lookup (move->refs, ((FerrySimRow *) g_ptr_array_index (snapshots, i))->ref));
      ferry_sim_ops_set_ref (dest_db, snap, "snapshot_of", copy->ref);
    }

  import_devices (move, vm);
  for (guint i = 0; i < snapshots->len; i++)
    import_devices (move, g_ptr_array_index (snapshots, i));

  suspend_sr = ferry_sim_follow (dest_db, ferry_sim_follow (dest_db, copy, "suspend_VDI"), "SR");
  ferry_sim_ops_set_ref (dest_db, copy, "suspend_SR", suspend_sr ? suspend_sr->ref : NULL);
  /* Until the move ends, the copy is busy: nobody starts it meanwhile. */
  if (move->live)
    ferry_sim_ops_set_ref (dest_db, copy, "scheduled_to_be_resident_on", move->dest_host);
  ferry_sim_ops_add_operation (dest_db, copy, move->task, "migrate_send");
}

static void
delete_vm_rows (FerrySimDb  *db,
                FerrySimRow *vm,
                gboolean     with_moved_vdis,
                GHashTable  *moved)
{
  static const char * const devices[] = { "VBDs", "VIFs", "VGPUs", "VUSBs" };
  FerrySimRow *metrics = ferry_sim_follow (db, vm, "metrics");
  FerrySimRow *guest = ferry_sim_follow (db, vm, "guest_metrics");

  for (guint d = 0; d < G_N_ELEMENTS (devices); d++)
    {
      g_autoptr(GPtrArray) rows = ferry_sim_follow_set (db, vm, devices[d]);

      for (guint i = 0; i < rows->len; i++)
        {
          FerrySimRow *row = g_ptr_array_index (rows, i);
          FerrySimRow *vdi = g_str_equal (devices[d], "VBDs") ? ferry_sim_follow (db, row, "VDI") : NULL;
          FerrySimRow *vf = g_str_equal (devices[d], "VGPUs") ? ferry_sim_follow (db, row, "PCI") : NULL;

          ferry_sim_db_delete_row (db, row);
          if (vf != NULL)
            ferry_sim_db_delete_row (db, vf);
          if (with_moved_vdis && vdi != NULL && moved != NULL && g_hash_table_contains (moved, vdi->ref) &&
              ferry_sim_value_get_length (ferry_sim_row_get (vdi, "VBDs")) == 0)
            ferry_sim_ops_destroy_vdi (db, vdi);
        }
    }
  if (metrics != NULL)
    ferry_sim_db_delete_row (db, metrics);
  if (guest != NULL)
    ferry_sim_db_delete_row (db, guest);
  ferry_sim_db_delete_row (db, vm);
}

static void
unimport_vm (Move *move)
{
  FerrySimDb *dest_db = move_dest_db (move);
  FerrySimRow *copy = move->dest_vm ? ferry_sim_db_lookup_in (dest_db, "VM", move->dest_vm) : NULL;
  g_autoptr(GPtrArray) snapshots = ferry_sim_follow_set (dest_db, copy, "snapshots");

  if (copy == NULL)
    return;
  for (guint i = 0; i < snapshots->len; i++)
    delete_vm_rows (dest_db, g_ptr_array_index (snapshots, i), FALSE, NULL);
  delete_vm_rows (dest_db, copy, FALSE, NULL);
  g_clear_pointer (&move->dest_vm, g_free);
  move->imported = FALSE;
}

/* Messages about the VM go with it (xapi.md §3.3 step 13). */
static void
move_messages (Move       *move,
               const char *uuid)
{
  FerrySimDb *db = move_db (move);
  FerrySimDb *dest_db = move_dest_db (move);
  GPtrArray *messages = ferry_sim_db_get_rows_by_name (db, "message");
  g_autoptr(GPtrArray) moving = g_ptr_array_new ();

  for (guint i = 0; i < messages->len; i++)
    if (g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (messages, i), "obj_uuid"), uuid) == 0)
      g_ptr_array_add (moving, g_ptr_array_index (messages, i));
  for (guint i = 0; i < moving->len; i++)
    {
      FerrySimRow *message = g_ptr_array_index (moving, i);

      copy_row (move, message, TRUE, NULL);
      ferry_sim_db_delete_row (db, message);
    }
  (void) dest_db;
}

static void
add_migrated_message (FerrySimDb  *db,
                      FerrySimRow *vm,
                      FerrySimRow *from,
                      FerrySimRow *to)
{
  g_autofree char *body = g_strdup_printf ("VM '%s' (uuid: %s) migrated from host '%s' (uuid: %s) to host '%s' (uuid: %s)",
                                           ferry_sim_row_get_string (vm, "name_label"), ferry_sim_row_get_uuid (vm),
                                           from ? ferry_sim_row_get_string (from, "name_label") : "",
                                           from ? ferry_sim_row_get_uuid (from) : "",
                                           to ? ferry_sim_row_get_string (to, "name_label") : "",
                                           to ? ferry_sim_row_get_uuid (to) : "");

  ferry_sim_ops_add_message (db, "VM_MIGRATED", 5, "VM", ferry_sim_row_get_uuid (vm), body);
}

/* Commit and roll back ----------------------------------------------------- */

static void
release_reservations (Move *move)
{
  FerrySimDb *db = move_db (move);
  FerrySimRow *vm = ferry_sim_db_lookup_in (db, "VM", move->vm);
  g_autoptr(GPtrArray) vgpus = ferry_sim_follow_set (db, vm, "VGPUs");
  FerrySimRow *dest = ferry_sim_db_lookup_in (move_dest_db (move), "host", move->dest_host);

  if (vm != NULL && move->reserved &&
      g_strcmp0 (ferry_sim_row_get_string (vm, "scheduled_to_be_resident_on"), move->dest_host) == 0)
    ferry_sim_ops_set_ref (db, vm, "scheduled_to_be_resident_on", NULL);
  for (guint i = 0; i < vgpus->len; i++)
    if (!ferry_sim_is_null_ref (ferry_sim_row_get_string (g_ptr_array_index (vgpus, i), "scheduled_to_be_resident_on")))
      ferry_sim_ops_set_ref (db, g_ptr_array_index (vgpus, i), "scheduled_to_be_resident_on", NULL);
  move->reserved = FALSE;

  if (vm != NULL)
    ferry_sim_ops_remove_operation (db, vm->ref, move->task);
  if (move->mirror_vdi != NULL)
    ferry_sim_ops_remove_operation (db, move->mirror_vdi, move->task);
  if (move->dest_host != NULL)
    ferry_sim_ops_remove_operation (move_dest_db (move), move->dest_host, move->task);
  if (move->counter_key != NULL)
    {
      count_storage_migration (move->counter_key, -1);
      g_clear_pointer (&move->counter_key, g_free);
    }
  ferry_sim_ops_task_set_cancellable (db, move->task, FALSE);
  if (dest != NULL)
    ferry_sim_host_update_memory_free (move_dest_db (move), dest);
}

static void
rollback (Move     *move,
          gboolean  leave_paused)
{
  FerrySimDb *db = move_db (move);
  FerrySimDb *dest_db = move_dest_db (move);
  FerrySimRow *vm = ferry_sim_db_lookup_in (db, "VM", move->vm);

  unimport_vm (move);
  for (guint i = 0; i < move->disks->len; i++)
    {
      MoveDisk *disk = &g_array_index (move->disks, MoveDisk, i);
      FerrySimRow *copy = disk->new_vdi ? ferry_sim_db_lookup_in (dest_db, "VDI", disk->new_vdi) : NULL;

      if (copy != NULL)
        ferry_sim_ops_destroy_vdi (dest_db, copy);
      g_clear_pointer (&disk->new_vdi, g_free);
    }
  release_snapshots (move);

  /* R29: a failed live migration may leave the VM paused on the source. */
  if (vm != NULL && move->live && ferry_sim_vm_is_live (vm))
    {
      const char *wanted = leave_paused ? "Paused" : "Running";

      if (g_strcmp0 (ferry_sim_row_get_string (vm, "power_state"), wanted) != 0)
        ferry_sim_db_set_string (db, vm, "power_state", wanted);
    }
  release_reservations (move);
}

/* Within a pool: the VBDs (the VM's and its snapshots') use the new VDIs. */
static void
swap_disks (Move *move)
{
  FerrySimDb *db = move_db (move);
  FerrySimRow *vm = ferry_sim_db_lookup_in (db, "VM", move->vm);

  release_snapshots (move);
  for (guint i = 0; i < move->disks->len; i++)
    {
      MoveDisk *disk = &g_array_index (move->disks, MoveDisk, i);
      FerrySimRow *old = ferry_sim_db_lookup_in (db, "VDI", disk->vdi);
      FerrySimRow *copy = ferry_sim_db_lookup_in (db, "VDI", disk->new_vdi);
      g_autoptr(GPtrArray) vbds = ferry_sim_follow_set (db, old, "VBDs");

      if (old == NULL || copy == NULL)
        continue;
      for (guint v = 0; v < vbds->len; v++)
        ferry_sim_ops_set_ref (db, g_ptr_array_index (vbds, v), "VDI", copy->ref);
      {
        /* Snapshots that stayed keep pointing at their disk. */
        g_autoptr(GPtrArray) children = ferry_sim_follow_set (db, old, "snapshots");

        for (guint c = 0; c < children->len; c++)
          ferry_sim_ops_set_ref (db, g_ptr_array_index (children, c), "snapshot_of", copy->ref);
      }
      if (vm != NULL && g_strcmp0 (ferry_sim_row_get_string (vm, "suspend_VDI"), old->ref) == 0)
        {
          ferry_sim_ops_set_ref (db, vm, "suspend_VDI", copy->ref);
          ferry_sim_ops_set_ref (db, vm, "suspend_SR", ferry_sim_row_get_string (copy, "SR"));
        }
      if (g_strcmp0 (move->mirror_vdi, old->ref) == 0)
        {
          /* The result of VDI.pool_migrate, and where its operation now sits. */
          ferry_sim_ops_remove_operation (db, move->mirror_vdi, move->task);
          g_free (move->mirror_vdi);
          move->mirror_vdi = g_strdup (copy->ref);
        }
    }
  for (guint i = 0; i < move->disks->len; i++)
    {
      FerrySimRow *old = ferry_sim_db_lookup_in (db, "VDI", g_array_index (move->disks, MoveDisk, i).vdi);

      if (old != NULL)
        ferry_sim_ops_destroy_vdi (db, old);
    }
}

static char *
commit (Move *move)
{
  FerrySimDb *db = move_db (move);
  FerrySimDb *dest_db = move_dest_db (move);
  FerrySimRow *vm = ferry_sim_db_lookup_in (db, "VM", move->vm);
  FerrySimRow *from = ferry_sim_db_lookup_in (db, "host", move->source_host);
  FerrySimRow *to = ferry_sim_db_lookup_in (dest_db, "host", move->dest_host);

  if (vm == NULL)
    return g_strdup ("");

  if (move->intra)
    {
      if (move->kind != MOVE_POOL_MIGRATE)
        swap_disks (move);
      if (move->live && to != NULL)
        ferry_sim_ops_vm_set_resident (db, vm, to, "Running", FERRY_SIM_ARRIVAL_MIGRATED);
      release_reservations (move);
      if (move->kind != MOVE_VDI_POOL_MIGRATE)
        add_migrated_message (db, vm, from, to);
      if (move->kind == MOVE_VDI_POOL_MIGRATE)
        return g_strdup (move->mirror_vdi);
      return g_strdup (move->kind == MOVE_POOL_MIGRATE ? "" : vm->ref);
    }

  /* Between pools: the copy takes over, the source goes (unless copy). */
  {
    g_autofree char *uuid = g_strdup (ferry_sim_row_get_uuid (vm));
    g_autoptr(GHashTable) moved = g_hash_table_new (g_str_hash, g_str_equal);
    FerrySimRow *copy;
    char *result;

    import_vm (move);
    copy = ferry_sim_db_lookup_in (dest_db, "VM", move->dest_vm);
    ferry_sim_ops_remove_operation (dest_db, copy->ref, move->task);
    release_snapshots (move);
    release_reservations (move);

    if (!move->copy)
      {
        g_autoptr(GPtrArray) snapshots = ferry_sim_follow_set (db, vm, "snapshots");

        for (guint i = 0; i < move->disks->len; i++)
          g_hash_table_add (moved, g_array_index (move->disks, MoveDisk, i).vdi);
        if (move->live)
          ferry_sim_ops_vm_set_stopped (db, vm, "Halted");
        for (guint i = 0; i < snapshots->len; i++)
          delete_vm_rows (db, g_ptr_array_index (snapshots, i), TRUE, moved);
        /* The suspend image has no VBD. */
        {
          FerrySimRow *suspend_vdi = ferry_sim_follow (db, vm, "suspend_VDI");

          delete_vm_rows (db, vm, TRUE, moved);
          if (suspend_vdi != NULL && g_hash_table_contains (moved, suspend_vdi->ref))
            ferry_sim_ops_destroy_vdi (db, suspend_vdi);
        }
        move_messages (move, uuid);
        if (from != NULL)
          ferry_sim_host_update_memory_free (db, from);
      }

    /* Then it runs on the destination: one running VM at every moment. */
    if (move->live && to != NULL)
      ferry_sim_ops_vm_set_resident (dest_db, copy, to, "Running", FERRY_SIM_ARRIVAL_MIGRATED);
    else
      ferry_sim_ops_set_ref (dest_db, copy, "scheduled_to_be_resident_on", NULL);

    ferry_sim_lifecycle_refresh_vm (dest_db, copy);
    add_migrated_message (dest_db, copy, from, to);
    result = g_strdup (copy->ref);
    return result;
  }
}

static void
finish_move (Move   *move,
             GError *error)
{
  g_autofree char *result = NULL;

  if (error == NULL)
    result = commit (move);
  move->done (result, error, move->user_data);
  g_clear_error (&error);
  move_free (move);
}

/* Time model callbacks ------------------------------------------------------ */

static void
on_progress_cb (FerrySimMigration *migration,
                double             progress,
                gpointer           user_data)
{
  Move *move = user_data;

  /* 1.0 is for the task's completion. */
  ferry_sim_ops_task_set_progress (move_db (move), move->task, MIN (progress, 0.99));
}

static gboolean
cancel_for_failure_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
pass_point_of_no_return (Move *move)
{
  if (move->no_return)
    return;
  move->no_return = TRUE;
  if (move->migration != NULL)
    ferry_sim_migration_pass_point_of_no_return (move->migration);
  ferry_sim_ops_task_set_cancellable (move_db (move), move->task, FALSE);
}

static void
on_phase_cb (FerrySimMigration      *migration,
             FerrySimMigrationPhase  phase,
             gpointer                user_data)
{
  Move *move = user_data;
  FerrySimDb *db = move_db (move);

  move->migration = migration;
  if (move->failure != NULL)
    return;

  if (phase >= FERRY_SIM_MIGRATION_PHASE_DISKS && !move->disks_started &&
      !start_disks (move, &move->failure))
    {
      /* Out of space mid-task: stop the transfer; done reports the failure. */
      _ferry_sim_idle_add (cancel_for_failure_cb, g_object_ref (move->cancellable), g_object_unref);
      return;
    }

  if (phase >= FERRY_SIM_MIGRATION_PHASE_MEMORY && phase < FERRY_SIM_MIGRATION_PHASE_DONE &&
      !move->intra && move->live)
    import_vm (move);

  if (phase == FERRY_SIM_MIGRATION_PHASE_STOP_AND_COPY)
    {
      FerrySimRow *vm = ferry_sim_db_lookup_in (db, "VM", move->vm);

      pass_point_of_no_return (move);
      if (vm != NULL && g_strcmp0 (ferry_sim_row_get_string (vm, "power_state"), "Running") == 0)
        {
          ferry_sim_db_set_string (db, vm, "power_state", "Paused");
          move->paused = TRUE;
        }
    }
  else if (phase >= FERRY_SIM_MIGRATION_PHASE_FINISH)
    {
      FerrySimRow *vm = ferry_sim_db_lookup_in (db, "VM", move->vm);

      pass_point_of_no_return (move);
      /* The VM runs on the destination from here; the commit moves it. */
      if (move->paused && vm != NULL && g_strcmp0 (ferry_sim_row_get_string (vm, "power_state"), "Paused") == 0)
        {
          ferry_sim_db_set_string (db, vm, "power_state", "Running");
          move->paused = FALSE;
        }
    }
}

static void
on_done_cb (FerrySimMigration              *migration,
            const FerrySimMigrationOutcome *outcome,
            const GError                   *error,
            gboolean                        leave_paused,
            gpointer                        user_data)
{
  Move *move = user_data;
  GError *failure = NULL;

  move->migration = NULL;
  if (move->failure != NULL)
    failure = g_steal_pointer (&move->failure);
  else if (error != NULL)
    failure = g_error_copy (error);
  else if (!start_disks (move, &failure))
    leave_paused = FALSE;

  if (failure != NULL)
    {
      rollback (move, leave_paused);
      finish_move (move, failure);
      return;
    }
  finish_move (move, NULL);
}

static void
on_caller_cancelled_cb (GCancellable *cancellable,
                        gpointer      data)
{
  g_cancellable_cancel (data);
}

static void
begin_move (Move         *move,
            GCancellable *cancellable)
{
  FerrySimDb *db = move_db (move);
  FerrySimDb *dest_db = move_dest_db (move);
  FerrySimWorld *world = pool_world (move->pool);
  FerrySimRow *vm = ferry_sim_db_lookup_in (db, "VM", move->vm);
  FerrySimRow *dest_host = ferry_sim_db_lookup_in (dest_db, "host", move->dest_host);
  g_autoptr(GArray) disks = g_array_new (FALSE, TRUE, sizeof (FerrySimMigrationDisk));
  FerrySimMigrationSpec spec = { 0 };
  static const FerrySimMigrationCallbacks callbacks = { on_progress_cb, on_phase_cb, on_done_cb };

  if (cancellable != NULL)
    {
      move->caller_cancellable = g_object_ref (cancellable);
      move->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled_cb),
                                               g_object_ref (move->cancellable), g_object_unref);
    }

  /* What xapi reserves before it moves anything (xapi.md §6.4, steps 2–4). */
  ferry_sim_ops_add_operation (db, vm, move->task, move->operation);
  if (move->mirror_vdi != NULL)
    ferry_sim_ops_add_operation (db, ferry_sim_db_lookup (db, move->mirror_vdi), move->task, "mirror");
  if (move->intra && move->live && dest_host != NULL)
    {
      g_autoptr(GPtrArray) vgpus = ferry_sim_follow_set (db, vm, "VGPUs");

      ferry_sim_ops_add_operation (db, dest_host, move->task, "vm_migrate");
      ferry_sim_ops_set_ref (db, vm, "scheduled_to_be_resident_on", dest_host->ref);
      move->reserved = TRUE;
      for (guint i = 0; i < vgpus->len; i++)
        {
          FerrySimRow *vgpu = g_ptr_array_index (vgpus, i);
          FerrySimRow *pgpu = ferry_sim_find_pgpu_for (db, dest_host, ferry_sim_row_get_string (vgpu, "GPU_group"),
                                                       ferry_sim_row_get_string (vgpu, "type"), vgpu->ref);
          if (pgpu != NULL)
            ferry_sim_ops_set_ref (db, vgpu, "scheduled_to_be_resident_on", pgpu->ref);
        }
    }
  else if (!move->intra && dest_host != NULL)
    ferry_sim_ops_add_operation (dest_db, dest_host, move->task, "vm_migrate");
  if (move->counter_key != NULL)
    count_storage_migration (move->counter_key, +1);
  ferry_sim_ops_task_set_cancellable (db, move->task, TRUE);

  for (guint i = 0; i < move->disks->len; i++)
    {
      MoveDisk *disk = &g_array_index (move->disks, MoveDisk, i);
      FerrySimMigrationDisk d = {
        ferry_sim_db_lookup_in (db, "VDI", disk->vdi),
        ferry_sim_db_lookup_in (dest_db, "SR", disk->dest_sr),
        disk->mirror,
      };
      g_array_append_val (disks, d);
    }

  if (world == NULL)
    {
      /* A pool outside a world: no clock; the move completes at once. */
      GError *error = NULL;

      if (!start_disks (move, &error))
        rollback (move, FALSE);
      else if (!move->intra)
        import_vm (move);
      finish_move (move, error);
      return;
    }

  spec.pool = move->pool;
  spec.vm = vm;
  spec.source_host = ferry_sim_db_lookup_in (db, "host", move->source_host);
  spec.source_pif = move->source_pif ? ferry_sim_db_lookup_in (db, "PIF", move->source_pif) : NULL;
  spec.dest_pool = move->dest_pool;
  spec.dest_host = dest_host;
  spec.dest_pif = move->dest_pif ? ferry_sim_db_lookup_in (dest_db, "PIF", move->dest_pif) : NULL;
  spec.compress = move->compress;
  spec.no_memory = move->kind == MOVE_VDI_POOL_MIGRATE;
  spec.disks = (const FerrySimMigrationDisk *) disks->data;
  spec.n_disks = disks->len;
  spec.task_ref = move->task;

  move->migration = ferry_sim_migration_start (world, &spec, &callbacks, move->cancellable, move);
}

/* The compress option, else the pool's default; off within one host. */
static gboolean
use_compression (FerrySimDb          *db,
                 const FerrySimValue *options,
                 const char          *source,
                 const char          *dest)
{
  int option = ferry_sim_ops_option_switch (options, "compress");

  if (option >= 0)
    return option == 1;
  if (g_strcmp0 (source, dest) == 0)
    return FALSE;
  return ferry_sim_row_get_bool (pool_row (db), "migration_compression");
}

/* VM.pool_migrate ---------------------------------------------------------- */

static gboolean
check_pool_migrate (FerrySimPool         *pool,
                    FerrySimRow          *vm,
                    FerrySimRow          *host,
                    const FerrySimValue  *options,
                    FerrySimRow         **dest_pif,
                    GError              **error)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  gboolean force = ferry_sim_ops_option_true (options, "force");
  FerrySimRow *source = ferry_sim_follow (db, vm, "resident_on");
  const char *network = ferry_sim_value_lookup_string (options, "network");

  /* xapi.md §8.9: CPU, lifecycle, RPU, boot, HA, host op; then the source's. */
  if (!force && !ferry_sim_check_cpu (db, vm, host, error))
    return FALSE;
  if (!ferry_sim_lifecycle_check_vm (db, vm, "pool_migrate", !force, error))
    return FALSE;
  if (ferry_sim_pool_rolling_upgrade (db) && source != NULL &&
      !ferry_sim_host_versions_not_decreasing (source, host))
    {
      ferry_sim_set_failure (error, "NOT_SUPPORTED_DURING_UPGRADE", NULL);
      return FALSE;
    }
  if (!ferry_sim_check_can_boot_here (db, vm, host,
                                      FERRY_SIM_BOOT_CHECK_SR | FERRY_SIM_BOOT_CHECK_MEMORY | FERRY_SIM_BOOT_NEW_VGPU,
                                      error))
    return FALSE;
  if (!ferry_sim_check_ha_plan (db, vm, host, NULL, error))
    return FALSE;
  if (!ferry_sim_check_host_operation (db, host, "vm_migrate", error))
    return FALSE;
  if (!ferry_sim_check_licence (db, "Xen_motion", error))
    return FALSE;
  if (network != NULL && !ferry_sim_is_null_ref (network))
    {
      *dest_pif = ferry_sim_check_migration_network (db, host, network, error);
      if (*dest_pif == NULL)
        return FALSE;
    }
  return TRUE;
}

gboolean
ferry_sim_pool_migrate_start (FerrySimPool         *pool,
                              FerrySimRow          *vm,
                              FerrySimRow          *host,
                              const FerrySimValue  *options,
                              const char           *task_ref,
                              GCancellable         *cancellable,
                              FerrySimMoveFunc      done,
                              gpointer              user_data,
                              GError              **error)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  FerrySimRow *dest_pif = NULL;
  FerrySimRow *source;
  Move *move;

  if (!check_pool_migrate (pool, vm, host, options, &dest_pif, error))
    return FALSE;
  source = ferry_sim_follow (db, vm, "resident_on");
  if (!check_destination (pool, host->ref, error))
    return FALSE;

  move = move_new (MOVE_POOL_MIGRATE, pool, vm);
  move->operation = g_strdup ("pool_migrate");
  move->task = g_strdup (task_ref);
  move->source_host = g_strdup (source ? source->ref : NULL);
  move->dest_host = g_strdup (host->ref);
  move->compress = use_compression (db, options, move->source_host, move->dest_host);
  if (dest_pif != NULL)
    {
      FerrySimRow *source_pif = lookup_pif_on (db, source, ferry_sim_row_get_string (dest_pif, "network"));

      move->dest_pif = g_strdup (dest_pif->ref);
      move->source_pif = g_strdup (source_pif ? source_pif->ref : NULL);
    }
  move->done = done;
  move->user_data = user_data;
  begin_move (move, cancellable);
  return TRUE;
}

/* VM.migrate_send and VDI.pool_migrate ------------------------------------- */

static void
add_disks (Move   *move,
           GArray *placements)
{
  for (guint i = 0; i < placements->len; i++)
    {
      Placement *p = &g_array_index (placements, Placement, i);
      MoveDisk disk = { 0 };

      if (!placement_moves (p, move->intra))
        continue;
      disk.vdi = g_strdup (p->vdi->ref);
      disk.dest_sr = g_strdup (p->dest_sr->ref);
      disk.mirror = p->mirror;
      g_array_append_val (move->disks, disk);
    }
  g_array_sort_with_data (move->disks, compare_disk_size, move_db (move));
}

/* Ejects the CDs that would not follow (find_cds_to_eject). */
static void
eject_cds (FerrySimDb          *db,
           FerrySimRow         *vm,
           const FerrySimValue *vdi_map,
           gboolean             intra)
{
  g_autoptr(GPtrArray) vbds = ferry_sim_follow_set (db, vm, "VBDs");

  if (g_strcmp0 (ferry_sim_row_get_string (vm, "power_state"), "Suspended") == 0)
    return;
  for (guint i = 0; i < vbds->len; i++)
    {
      FerrySimRow *vbd = g_ptr_array_index (vbds, i);
      FerrySimRow *vdi = ferry_sim_follow (db, vbd, "VDI");

      if (g_strcmp0 (ferry_sim_row_get_string (vbd, "type"), "CD") != 0 || vdi == NULL)
        continue;
      if (intra && g_strcmp0 (ferry_sim_value_lookup_string (vdi_map, vdi->ref),
                              ferry_sim_row_get_string (vdi, "SR")) == 0)
        continue;
      ferry_sim_ops_set_ref (db, vbd, "VDI", NULL);
      ferry_sim_db_set_bool (db, vbd, "empty", TRUE);
    }
}

static gboolean
migrate_send_start (MoveKind             kind,
                    FerrySimPool        *pool,
                    FerrySimRow         *vm,
                    const FerrySimValue *dest,
                    const FerrySimValue *vdi_map,
                    const FerrySimValue *vif_map,
                    const FerrySimValue *options,
                    const FerrySimValue *vgpu_map,
                    const char          *mirror_vdi,
                    const char          *task_ref,
                    GCancellable        *cancellable,
                    FerrySimMoveFunc     done,
                    gpointer             user_data,
                    GError             **error)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  g_autoptr(GArray) placements = g_array_new (FALSE, TRUE, sizeof (Placement));
  g_autoptr(GHashTable) vifs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) vgpus = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gboolean copy = ferry_sim_ops_option_true (options, "copy");
  FerrySimRow *source_host;
  Remote remote;
  Move *move;

  /* xapi.md §8.9: lifecycle, assert_can_migrate, sender, dispatch, then the
   * source host's run-time checks. */
  if (kind == MOVE_MIGRATE_SEND && !ferry_sim_lifecycle_check_vm (db, vm, "migrate_send", TRUE, error))
    return FALSE;
  if (!resolve_remote (pool, dest, &remote, error))
    return FALSE;
  if (!assert_can_migrate (pool, vm, &remote, vdi_map, vif_map, options, vgpu_map, !remote.intra,
                           placements, vifs, vgpus, error))
    return FALSE;

  if (ferry_sim_vm_is_live (vm))
    {
      source_host = ferry_sim_follow (db, vm, "resident_on");
      if (remote.intra && !ferry_sim_check_host_operation (db, remote.host, "vm_migrate", error))
        return FALSE;
    }
  else
    {
      source_host = choose_source_host (db, vm, !remote.intra);
      if (source_host == NULL)
        {
          ferry_sim_set_failure (error, "NO_HOSTS_AVAILABLE", NULL);
          return FALSE;
        }
    }

  if (!check_send_runtime (pool, vm, source_host, remote.intra, copy, error))
    return FALSE;
  if (remote.intra && !check_destination (pool, remote.host->ref, error))
    return FALSE;

  move = move_new (kind, pool, vm);
  g_set_object (&move->dest_pool, remote.pool);
  move->intra = remote.intra;
  move->copy = copy;
  move->operation = g_strdup ("migrate_send");
  move->mirror_vdi = g_strdup (mirror_vdi);
  move->task = g_strdup (task_ref);
  move->source_host = g_strdup (source_host->ref);
  move->dest_host = g_strdup (remote.host->ref);
  move->counter_key = counter_key (pool, source_host->ref);
  move->compress = use_compression (db, options, move->source_host, move->dest_host);
  if (remote.pif != NULL)
    {
      FerrySimRow *source_pif = remote.intra ? lookup_pif_on (db, source_host,
                                                              ferry_sim_row_get_string (remote.pif, "network"))
                                             : NULL;
      move->dest_pif = g_strdup (remote.pif->ref);
      move->source_pif = g_strdup (source_pif ? source_pif->ref : NULL);
    }
  g_clear_pointer (&move->vif_map, g_hash_table_unref);
  move->vif_map = g_steal_pointer (&vifs);
  g_clear_pointer (&move->vgpu_map, g_hash_table_unref);
  move->vgpu_map = g_steal_pointer (&vgpus);
  add_disks (move, placements);
  move->done = done;
  move->user_data = user_data;

  eject_cds (db, vm, vdi_map, remote.intra);
  begin_move (move, cancellable);
  return TRUE;
}

gboolean
ferry_sim_migrate_send_start (FerrySimPool        *pool,
                               FerrySimRow         *vm,
                               const FerrySimValue *dest,
                               const FerrySimValue *vdi_map,
                               const FerrySimValue *vif_map,
                               const FerrySimValue *options,
                               const FerrySimValue *vgpu_map,
                               const char          *task_ref,
                               GCancellable        *cancellable,
                               FerrySimMoveFunc     done,
                               gpointer             user_data,
                               GError             **error)
{
  return migrate_send_start (MOVE_MIGRATE_SEND, pool, vm, dest, vdi_map, vif_map, options, vgpu_map, NULL,
                             task_ref, cancellable, done, user_data, error);
}

/* host.migrate_receive ------------------------------------------------------ */

static gboolean
migrate_receive (FerrySimPool         *pool,
                 FerrySimRow          *session,
                 FerrySimRow          *host,
                 FerrySimRow          *network,
                 FerrySimValue        *out,
                 GError              **error)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  FerrySimRow *pif = lookup_pif_on (db, host, network->ref);
  FerrySimRow *master = pool_master (db);
  FerrySimRow *new_session;
  const char *ip;
  g_autofree char *sm = NULL;
  g_autofree char *xenops = NULL;
  g_autofree char *master_url = NULL;
  FerrySimValue now = FERRY_SIM_VALUE_INIT;

  if (!ferry_sim_check_licence (db, "Storage_motion", error))
    return FALSE;
  if (pif == NULL)
    {
      ferry_sim_set_failure (error, "HOST_CANNOT_ATTACH_NETWORK", host->ref, network->ref, NULL);
      return FALSE;
    }
  ip = ferry_sim_pif_address (pif);
  if (ip == NULL)
    {
      if (g_strcmp0 (ferry_sim_row_get_string (pif, "ip_configuration_mode"), "None") == 0 &&
          g_strcmp0 (ferry_sim_row_get_string (pif, "ipv6_configuration_mode"), "None") == 0)
        ferry_sim_set_failure (error, "PIF_HAS_NO_NETWORK_CONFIGURATION", pif->ref, NULL);
      else
        ferry_sim_set_failure (error, "INTERFACE_HAS_NO_IP", pif->ref, NULL);
      return FALSE;
    }

  /* A new session with the caller's identity (xapi_host.ml migrate_receive). */
  new_session = ferry_sim_db_create (db, "session");
  ferry_sim_ops_set_ref (db, new_session, "this_host", host->ref);
  ferry_sim_db_set_string (db, new_session, "this_user", FERRY_SIM_NULL_REF);
  ferry_sim_db_set_bool (db, new_session, "pool", ferry_sim_row_get_bool (session, "pool"));
  ferry_sim_db_set_bool (db, new_session, "is_local_superuser", ferry_sim_row_get_bool (session, "is_local_superuser"));
  ferry_sim_db_set_string (db, new_session, "auth_user_name", ferry_sim_row_get_string (session, "auth_user_name"));
  ferry_sim_db_set_string (db, new_session, "auth_user_sid", ferry_sim_row_get_string (session, "auth_user_sid"));
  ferry_sim_db_set_string (db, new_session, "originator", ferry_sim_row_get_string (session, "originator"));
  ferry_sim_value_set_datetime_now (&now);
  ferry_sim_db_set_value (db, new_session, "last_active", &now);
  track_receive_session (pool, new_session->ref);

  sm = g_strdup_printf ("http://%s/services/SM?session_id=%s", ip, new_session->ref);
  xenops = g_strdup_printf ("http://%s/services/xenops?session_id=%s", ip, new_session->ref);
  master_url = g_strdup_printf ("http://%s/", master ? ferry_sim_row_get_string (master, "address") : ip);
  ferry_sim_value_set_map (out);
  ferry_sim_value_insert_string (out, "SM", sm);
  ferry_sim_value_insert_string (out, "host", host->ref);
  ferry_sim_value_insert_string (out, "xenops", xenops);
  ferry_sim_value_insert_string (out, "session_id", new_session->ref);
  ferry_sim_value_insert_string (out, "master", master_url);
  return TRUE;
}

gboolean
ferry_sim_migrate_receive (FerrySimPool   *pool,
                            FerrySimRow    *session,
                            FerrySimRow    *host,
                            FerrySimRow    *network,
                            FerrySimValue  *out,
                            GError        **error)
{
  return migrate_receive (pool, session, host, network, out, error);
}

/* VDI.pool_migrate (xapi.md §3.5) ------------------------------------------- */

static FerrySimRow *
management_network (FerrySimDb *db)
{
  GPtrArray *pifs = ferry_sim_db_get_rows_by_name (db, "PIF");

  for (guint i = 0; i < pifs->len; i++)
    if (ferry_sim_row_get_bool (g_ptr_array_index (pifs, i), "management"))
      return ferry_sim_follow (db, g_ptr_array_index (pifs, i), "network");
  return NULL;
}

static gboolean
host_sees_srs (FerrySimDb  *db,
               FerrySimRow *host,
               GPtrArray   *srs)
{
  g_autoptr(GPtrArray) pbds = ferry_sim_follow_set (db, host, "PBDs");

  for (guint s = 0; s < srs->len; s++)
    {
      gboolean seen = FALSE;

      for (guint i = 0; i < pbds->len && !seen; i++)
        seen = g_strcmp0 (ferry_sim_row_get_string (g_ptr_array_index (pbds, i), "SR"), g_ptr_array_index (srs, s)) == 0 &&
               ferry_sim_row_get_bool (g_ptr_array_index (pbds, i), "currently_attached");
      if (!seen)
        return FALSE;
    }
  return TRUE;
}

gboolean
ferry_sim_vdi_pool_migrate_start (FerrySimPool         *pool,
                                   FerrySimRow          *session,
                                   FerrySimRow          *vdi,
                                   FerrySimRow          *sr,
                                   const FerrySimValue  *options,
                                   const char           *task_ref,
                                   GCancellable         *cancellable,
                                   FerrySimMoveFunc      done,
                                   gpointer              user_data,
                                   GError              **error)
{
  FerrySimDb *db = ferry_sim_pool_get_db (pool);
  g_autoptr(GPtrArray) vbds = ferry_sim_follow_set (db, vdi, "VBDs");
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GPtrArray) srs = g_ptr_array_new ();
  g_auto(FerrySimValue) dest = FERRY_SIM_VALUE_INIT;
  g_auto(FerrySimValue) vdi_map = FERRY_SIM_VALUE_INIT;
  g_auto(FerrySimValue) none = FERRY_SIM_VALUE_INIT;
  FerrySimRow *vm;
  FerrySimRow *host = NULL;
  FerrySimRow *network;

  if (vbds->len == 0)
    {
      ferry_sim_set_failure (error, "VDI_NEEDS_VM_FOR_MIGRATE", vdi->ref, NULL);
      return FALSE;
    }
  vm = ferry_sim_follow (db, g_ptr_array_index (vbds, 0), "VM");
  if (vm == NULL)
    {
      ferry_sim_set_failure (error, "VDI_NEEDS_VM_FOR_MIGRATE", vdi->ref, NULL);
      return FALSE;
    }
  if (!ferry_sim_lifecycle_check_vm (db, vm, "migrate_send", TRUE, error))
    return FALSE;
  if (!ferry_sim_ops_check_idle (vdi, "VDI", error))
    return FALSE;

  /* Every other disk stays where it is. */
  ferry_sim_value_set_map (&vdi_map);
  disks = disk_vbds (db, vm);
  for (guint i = 0; i < disks->len; i++)
    {
      FerrySimRow *other = ferry_sim_follow (db, g_ptr_array_index (disks, i), "VDI");
      const char *target = other == vdi ? sr->ref : ferry_sim_row_get_string (other, "SR");

      ferry_sim_value_insert_string (&vdi_map, other->ref, target);
      g_ptr_array_add (srs, (gpointer) target);
    }

  /* The VM's own host if it sees every SR, else one that does; memory is
   * reserved there (a move in place needs the VM's memory twice, R34). */
  if (ferry_sim_vm_is_live (vm))
    host = ferry_sim_follow (db, vm, "resident_on");
  if (host == NULL || !host_sees_srs (db, host, srs))
    {
      GPtrArray *hosts = ferry_sim_db_get_rows_by_name (db, "host");

      host = NULL;
      for (guint i = 0; i < hosts->len && host == NULL; i++)
        if (host_sees_srs (db, g_ptr_array_index (hosts, i), srs))
          host = g_ptr_array_index (hosts, i);
    }
  if (host == NULL)
    {
      ferry_sim_set_failure (error, "NO_HOSTS_AVAILABLE", NULL);
      return FALSE;
    }
  if (ferry_sim_vm_is_live (vm) &&
      !ferry_sim_check_can_boot_here (db, vm, host, FERRY_SIM_BOOT_CHECK_MEMORY | FERRY_SIM_BOOT_NEW_VGPU, error))
    return FALSE;

  if (g_strcmp0 (ferry_sim_row_get_string (vdi, "type"), "cbt_metadata") == 0)
    {
      ferry_sim_set_failure (error, "VDI_INCOMPATIBLE_TYPE", vdi->ref, "cbt_metadata", NULL);
      return FALSE;
    }
  if (ferry_sim_row_get_bool (vdi, "cbt_enabled"))
    {
      ferry_sim_set_failure (error, "VDI_CBT_ENABLED", vdi->ref, NULL);
      return FALSE;
    }

  network = management_network (db);
  if (network == NULL)
    {
      ferry_sim_set_failure (error, "HOST_HAS_NO_MANAGEMENT_IP", NULL);
      return FALSE;
    }
  if (!migrate_receive (pool, session, host, network, &dest, error))
    return FALSE;

  ferry_sim_value_set_map (&none);
  return migrate_send_start (MOVE_VDI_POOL_MIGRATE, pool, vm, &dest, &vdi_map, &none, &none, &none, vdi->ref,
                             task_ref, cancellable, done, user_data, error);
}

/* VM.assert_can_migrate ------------------------------------------------------ */

gboolean
ferry_sim_assert_can_migrate (FerrySimPool         *pool,
                               FerrySimRow          *vm,
                               const FerrySimValue  *dest,
                               const FerrySimValue  *vdi_map,
                               const FerrySimValue  *vif_map,
                               const FerrySimValue  *options,
                               const FerrySimValue  *vgpu_map,
                               GError              **error)
{
  Remote remote;

  if (!resolve_remote (pool, dest, &remote, error))
    return FALSE;
  return assert_can_migrate (pool, vm, &remote, vdi_map, vif_map, options, vgpu_map, !remote.intra,
                             NULL, NULL, NULL, error);
}

/* Calls --------------------------------------------------------------------- */

struct _FerrySimMoveCall
{
  FerrySimCall *call;
  char         *task;
  gboolean      owned_task;   /* a synchronous call's: gone when it ends */
  gboolean      returns_ref;
};

FerrySimMoveCall *
ferry_sim_move_call_new (FerrySimCall *call,
                         gboolean      returns_ref)
{
  FerrySimMoveCall *data = g_new0 (FerrySimMoveCall, 1);

  data->call = ferry_sim_call_ref (call);
  data->task = g_strdup (ferry_sim_ops_call_task (call, &data->owned_task));
  data->returns_ref = returns_ref;
  return data;
}

const char *
ferry_sim_move_call_get_task (FerrySimMoveCall *data)
{
  return data->task;
}

void
ferry_sim_move_call_done (const char   *result,
                          const GError *error,
                          gpointer      user_data)
{
  FerrySimMoveCall *data = user_data;
  FerrySimDb *db = ferry_sim_call_get_db (data->call);

  /* xapi destroys a synchronous call's task when the call returns. */
  if (data->owned_task)
    {
      FerrySimRow *task;

      ferry_sim_ops_task_finish (db, data->task, NULL, error);
      task = ferry_sim_db_lookup_in (db, "task", data->task);
      if (task != NULL)
        ferry_sim_db_delete_row (db, task);
    }

  if (error != NULL)
    ferry_sim_call_return_error (data->call, g_error_copy (error));
  else if (data->returns_ref)
    ferry_sim_call_return_string (data->call, result ? result : FERRY_SIM_NULL_REF);
  else
    ferry_sim_call_return_void (data->call);

  ferry_sim_call_unref (data->call);
  g_free (data->task);
  g_free (data);
}

static gboolean
get_rows (FerrySimCall  *call,
          GError       **error,
          ...)
{
  va_list args;
  gboolean ok = TRUE;

  va_start (args, error);
  for (guint i = 0; ok; i++)
    {
      const char *class_name = va_arg (args, const char *);
      FerrySimRow **out;

      if (class_name == NULL)
        break;
      out = va_arg (args, FerrySimRow **);
      *out = ferry_sim_call_get_arg_row (call, i, class_name, error);
      ok = *out != NULL;
    }
  va_end (args);
  return ok;
}

static const FerrySimValue *
arg_map (FerrySimCall *call,
         guint         i)
{
  static FerrySimValue empty = FERRY_SIM_VALUE_INIT;

  if (i < ferry_sim_call_get_n_args (call))
    return ferry_sim_call_get_arg (call, i);
  if (empty.kind != FERRY_SIM_VALUE_MAP)
    ferry_sim_value_set_map (&empty);
  return &empty;
}

static void
vm_pool_migrate (FerrySimCall *call)
{
  GError *error = NULL;
  FerrySimRow *vm;
  FerrySimRow *host;
  FerrySimMoveCall *data;

  if (!get_rows (call, &error, "VM", &vm, "host", &host, NULL))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }

  data = ferry_sim_move_call_new (call, FALSE);
  if (!ferry_sim_pool_migrate_start (ferry_sim_call_get_pool (call), vm, host, arg_map (call, 2),
                                     data->task, ferry_sim_call_get_cancellable (call),
                                     ferry_sim_move_call_done, data, &error))
    {
      ferry_sim_move_call_done (NULL, error, data);
      g_error_free (error);
    }
}

static void
vm_migrate_send (FerrySimCall *call)
{
  GError *error = NULL;
  FerrySimRow *vm;
  FerrySimMoveCall *data;

  if (!get_rows (call, &error, "VM", &vm, NULL))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }

  /* live (argument 2) is ignored, as by xapi. */
  data = ferry_sim_move_call_new (call, TRUE);
  if (!ferry_sim_migrate_send_start (ferry_sim_call_get_pool (call), vm, arg_map (call, 1), arg_map (call, 3),
                                     arg_map (call, 4), arg_map (call, 5), arg_map (call, 6),
                                     data->task, ferry_sim_call_get_cancellable (call),
                                     ferry_sim_move_call_done, data, &error))
    {
      ferry_sim_move_call_done (NULL, error, data);
      g_error_free (error);
    }
}

static void
vm_assert_can_migrate (FerrySimCall *call)
{
  GError *error = NULL;
  FerrySimRow *vm;

  if (!get_rows (call, &error, "VM", &vm, NULL) ||
      !ferry_sim_assert_can_migrate (ferry_sim_call_get_pool (call), vm, arg_map (call, 1), arg_map (call, 3),
                                     arg_map (call, 4), arg_map (call, 5), arg_map (call, 6), &error))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  ferry_sim_call_return_void (call);
}

static void
host_migrate_receive (FerrySimCall *call)
{
  GError *error = NULL;
  FerrySimRow *host;
  FerrySimRow *network;
  FerrySimValue dest = FERRY_SIM_VALUE_INIT;

  if (!get_rows (call, &error, "host", &host, "network", &network, NULL) ||
      !ferry_sim_migrate_receive (ferry_sim_call_get_pool (call), ferry_sim_call_get_session (call),
                                  host, network, &dest, &error))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }
  ferry_sim_call_return_value (call, &dest);
}

static const FerrySimMethodDef migrate_methods[] = {
  { "VM.pool_migrate", vm_pool_migrate, 0, 3, { "VM ref", "host ref", "(string -> string) map" } },
  { "VM.migrate_send", vm_migrate_send, 0, 6,
    { "VM ref", "(string -> string) map", "bool", "(VDI ref -> SR ref) map", "(VIF ref -> network ref) map",
      "(string -> string) map", "(VGPU ref -> GPU_group ref) map", "(VDI ref -> string) map" } },
  { "VM.assert_can_migrate", vm_assert_can_migrate, 0, 6,
    { "VM ref", "(string -> string) map", "bool", "(VDI ref -> SR ref) map", "(VIF ref -> network ref) map",
      "(string -> string) map", "(VGPU ref -> GPU_group ref) map" } },
  { "host.migrate_receive", host_migrate_receive, 0, 3, { "host ref", "network ref", "(string -> string) map" } },
};

void
_ferry_sim_migrate_register (void)
{
  ferry_sim_rpc_register (migrate_methods, G_N_ELEMENTS (migrate_methods));
}
