/* ferry-soak.c: random migrations through the engine's queue under faults
 *
 * Starts ferry-sim (the demo pools plus soak-pools.json) at an accelerated
 * time scale, connects the engine to every pool and then, step after step,
 * plans a random move of a random kind (O1–O5), queues it, and injects a
 * random fault from /sim/faults (dropped connections, expired sessions,
 * master fail-over, a migration failing midway, possibly leaving the VM
 * paused, an unreachable destination, slow replies) or cancels the job.
 *
 * After each step, with the faults cleared, it checks:
 *   - every job is final, and the journal read afresh has exactly its
 *     outcome, and no entry is left open;
 *   - the census: every VM (not templates, snapshots or control domains)
 *     exists exactly once in the world, with the same disks (count and
 *     sizes), every disk's VDI exists;
 *   - the simulator's own invariants (GET /sim/invariants: residence,
 *     memory, unique VDIs, tasks);
 * and, once per round of steps, the engine's heap: after a warm-up it
 * must not keep growing (the last check of the run). The heap is measured
 * with G_SLICE=always-malloc (set here, before running again), so that it
 * is what the engine holds, not what GLib's slice allocator keeps cached.
 *
 * Usage: ferry-soak [STEPS] [SECONDS]   (default 300 steps, 600 s at most)
 *   FERRY_SOAK_SEED     the random seed (default: time)
 *   FERRY_SOAK_SCALE    simulated seconds per real second (default 1000)
 * It stops by itself at the time limit and ends with "N passed, N failed";
 * the exit status is 0 only when nothing failed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-soak"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <errno.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>

#include "ferry-engine-test-utils.h"
#include "ferry-history.h"
#include "ferry-intern.h"
#include "ferry-host.h"
#include "ferry-job.h"
#include "ferry-message.h"
#include "ferry-task.h"
#include "ferry-move-request.h"
#include "ferry-plan.h"
#include "ferry-pool.h"
#include "ferry-queue.h"
#include "ferry-sr.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

#if defined(__SANITIZE_ADDRESS__)
#define SOAK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOAK_ASAN 1
#endif
#endif

#define ROUND_STEPS 10

typedef struct
{
  GSubprocess  *sim;
  char         *control;       /* http://127.0.0.1:PORT/ of a host, for /sim/… */
  GPtrArray    *pool_names;
  GListStore   *connections;   /* FerryConnection, as pool_names */
  SoupSession  *http;
  char         *dir;
  char         *journal;
  FerryHistory *history;
  FerryQueue   *queue;
  GRand        *rand;
  GHashTable   *census;        /* VM uuid → its signature */
  guint         passed;
  guint         failed;
  guint         kinds[6];
  guint         outcomes[3];   /* succeeded, failed, cancelled */
  GHashTable   *faults;        /* fault type → times injected */
  GArray       *heap;          /* gsize per round */
  double        scale;         /* simulated seconds per real second */
  gint64        deadline;      /* monotonic µs: the run stops by itself here */
} Soak;

static Soak soak;

/* The simulator's control endpoint */

static char *
control (const char *method,
         const char *path,
         const char *body)
{
  g_autofree char *url = g_strconcat (soak.control, path, NULL);

  /* A dropped host refuses even /sim/…: retry for a while. */
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autoptr(SoupMessage) message = soup_message_new (method, url);
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(GError) error = NULL;

      if (body != NULL)
        {
          g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));

          soup_message_set_request_body_from_bytes (message, "application/json", bytes);
        }
      reply = soup_session_send_and_read (soak.http, message, NULL, &error);
      if (reply != NULL && soup_message_get_status (message) == SOUP_STATUS_OK)
        return g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
      if (reply != NULL)
        {
          g_printerr ("%s %s: HTTP %u: %.*s\n", method, path, soup_message_get_status (message),
                      (int) g_bytes_get_size (reply), (const char *) g_bytes_get_data (reply, NULL));
          return NULL;
        }
      ferry_test_spin (100);
    }
  g_printerr ("%s %s: the simulator does not answer\n", method, path);
  return NULL;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

/* The world */

static FerryConnection *
connection_at (guint i)
{
  FerryConnection *connection = g_list_model_get_item (G_LIST_MODEL (soak.connections), i);

  g_object_unref (connection);
  return connection;
}

static guint
n_pools (void)
{
  return soak.pool_names->len;
}

static FerryCache *
cache_at (guint i)
{
  return ferry_connection_get_cache (connection_at (i));
}

static gboolean
cache_populated (gpointer data)
{
  return ferry_cache_get_populated (data);
}

/* The simulator ends with us, even when we crash. */
static void
child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
start_world (double scale)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *scale_text = g_strdup_printf ("%g", scale);
  g_autofree char *demo = g_build_filename (FERRY_SOURCE_ROOT, "data", "scenarios", "demo.json", NULL);
  g_autofree char *extra = g_build_filename (FERRY_SOURCE_ROOT, "tests", "soak", "soak-pools.json", NULL);
  g_autoptr(JsonNode) announcement = NULL;
  JsonArray *pools;

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  soak.sim = g_subprocess_launcher_spawn (launcher, &error, FERRY_SIM_PATH, "--port", "0",
                                          "--time-scale", scale_text, "--scenario", demo, "--scenario", extra, NULL);
  if (soak.sim == NULL)
    {
      g_printerr ("Could not start %s: %s\n", FERRY_SIM_PATH, error->message);
      return FALSE;
    }
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (soak.sim));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  announcement = parse (line);
  if (announcement == NULL)
    {
      g_printerr ("ferry-sim did not announce its pools\n");
      return FALSE;
    }

  soak.pool_names = g_ptr_array_new_with_free_func (g_free);
  soak.connections = g_list_store_new (FERRY_TYPE_CONNECTION);
  pools = json_object_get_array_member (json_node_get_object (announcement), "pools");
  for (guint i = 0; i < json_array_get_length (pools); i++)
    {
      JsonObject *pool = json_array_get_object_element (pools, i);
      JsonArray *hosts = json_object_get_array_member (pool, "hosts");
      JsonObject *master = json_array_get_object_element (hosts, 0);
      g_autoptr(FerryConnection) connection = NULL;

      for (guint h = 0; h < json_array_get_length (hosts); h++)
        if (json_object_get_boolean_member (json_array_get_object_element (hosts, h), "master"))
          master = json_array_get_object_element (hosts, h);
      connection = ferry_test_connection_new (json_object_get_string_member (master, "address"),
                                              FERRY_TRANSPORT_HTTPS);
      ferry_connection_set_event_timeout (connection, 0.5);
      if (!ferry_test_open_sync (connection, &error))
        {
          g_printerr ("Could not connect to %s: %s\n", json_object_get_string_member (pool, "name"), error->message);
          return FALSE;
        }
      if (!ferry_test_wait_until (cache_populated, ferry_connection_get_cache (connection), 20000))
        return FALSE;
      g_list_store_append (soak.connections, connection);
      g_ptr_array_add (soak.pool_names, g_strdup (json_object_get_string_member (pool, "name")));
    }
  /* The standalone legacy-01 is the control endpoint: no fault drops it. */
  pools = json_object_get_array_member (json_node_get_object (announcement), "standalone");
  soak.control = g_strdup (json_object_get_string_member (json_array_get_object_element (pools, 0), "http_url"));
  return TRUE;
}

/* The census: what must survive every step */

static JsonObject *
records (FerryConnection *connection,
         const char      *method,
         JsonNode       **keep)
{
  g_autoptr(GError) error = NULL;

  *keep = ferry_test_call_sync (connection, method, NULL, FERRY_CALL_IDEMPOTENT, &error);
  if (*keep == NULL || !JSON_NODE_HOLDS_OBJECT (*keep))
    {
      g_printerr ("%s: %s\n", method, error ? error->message : "not an object");
      return NULL;
    }
  return json_node_get_object (*keep);
}

static gint
compare_sizes (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* VM uuid → "name: sizes of its disks" for the whole world; problems
 * (a VM twice, a VBD whose VDI is gone) are appended to @problems. */
static GHashTable *
take_census (GString *problems)
{
  GHashTable *census = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint p = 0; p < n_pools (); p++)
    {
      g_autoptr(JsonNode) vm_node = NULL, vbd_node = NULL, vdi_node = NULL;
      JsonObject *vms = records (connection_at (p), "VM.get_all_records", &vm_node);
      JsonObject *vbds = records (connection_at (p), "VBD.get_all_records", &vbd_node);
      JsonObject *vdis = records (connection_at (p), "VDI.get_all_records", &vdi_node);
      g_autoptr(GList) refs = NULL;

      if (vms == NULL || vbds == NULL || vdis == NULL)
        {
          g_string_append_printf (problems, "  %s: could not read its records\n",
                                  (char *) g_ptr_array_index (soak.pool_names, p));
          continue;
        }
      refs = json_object_get_members (vms);
      for (GList *l = refs; l != NULL; l = l->next)
        {
          JsonObject *vm = json_object_get_object_member (vms, l->data);
          JsonArray *its_vbds = json_object_get_array_member (vm, "VBDs");
          g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_autoptr(GString) signature = g_string_new (json_object_get_string_member (vm, "name_label"));
          const char *uuid = json_object_get_string_member (vm, "uuid");

          if (json_object_get_boolean_member (vm, "is_a_template") ||
              json_object_get_boolean_member (vm, "is_a_snapshot") ||
              json_object_get_boolean_member (vm, "is_control_domain"))
            continue;
          for (guint i = 0; i < json_array_get_length (its_vbds); i++)
            {
              const char *vbd_ref = json_array_get_string_element (its_vbds, i);
              JsonObject *vbd = json_object_get_object_member (vbds, vbd_ref);
              const char *vdi_ref;
              JsonObject *vdi;
              gint64 size;

              if (vbd == NULL)
                {
                  g_string_append_printf (problems, "  VM %s: VBD %s is gone\n", signature->str, vbd_ref);
                  continue;
                }
              if (g_strcmp0 (json_object_get_string_member (vbd, "type"), "Disk") != 0)
                continue;
              vdi_ref = json_object_get_string_member (vbd, "VDI");
              vdi = json_object_get_object_member (vdis, vdi_ref);
              if (vdi == NULL)
                {
                  g_string_append_printf (problems, "  VM %s: its disk %s (VDI %s) is gone\n", signature->str,
                                          json_object_get_string_member (vbd, "userdevice"), vdi_ref);
                  continue;
                }
              /* A number over JSON-RPC (a string over XML-RPC). */
              size = json_node_get_value_type (json_object_get_member (vdi, "virtual_size")) == G_TYPE_STRING
                       ? g_ascii_strtoll (json_object_get_string_member (vdi, "virtual_size"), NULL, 10)
                       : json_object_get_int_member (vdi, "virtual_size");
              g_array_append_val (sizes, size);
            }
          g_array_sort (sizes, compare_sizes);
          g_string_append (signature, ":");
          for (guint i = 0; i < sizes->len; i++)
            g_string_append_printf (signature, " %" G_GINT64_FORMAT, g_array_index (sizes, gint64, i));
          if (g_hash_table_contains (census, uuid))
            g_string_append_printf (problems, "  VM %s (%s) exists twice\n", signature->str, uuid);
          g_hash_table_replace (census, g_strdup (uuid), g_string_free (g_steal_pointer (&signature), FALSE));
        }
    }
  return census;
}

static void
compare_census (GHashTable *now,
                GString    *problems)
{
  GHashTableIter iter;
  gpointer uuid, signature;

  g_hash_table_iter_init (&iter, soak.census);
  while (g_hash_table_iter_next (&iter, &uuid, &signature))
    {
      const char *found = g_hash_table_lookup (now, uuid);

      if (found == NULL)
        g_string_append_printf (problems, "  VM %s (%s) is lost\n", (char *) signature, (char *) uuid);
      else if (!g_str_equal (found, signature))
        g_string_append_printf (problems, "  VM %s changed its disks: now %s\n", (char *) signature, found);
    }
  g_hash_table_iter_init (&iter, now);
  while (g_hash_table_iter_next (&iter, &uuid, &signature))
    if (!g_hash_table_contains (soak.census, uuid))
      g_string_append_printf (problems, "  VM %s (%s) appeared from nowhere\n", (char *) signature, (char *) uuid);
}

/* Random choices */

static gpointer
pick (GPtrArray *array)
{
  if (array->len == 0)
    return NULL;
  return g_ptr_array_index (array, g_rand_int_range (soak.rand, 0, array->len));
}

static GPtrArray *
objects (guint pool,
         GType type)
{
  GListModel *model = ferry_cache_get_objects (cache_at (pool), type);
  GPtrArray *array = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (array, g_list_model_get_item (model, i));
  return array;
}

static GPtrArray *
movable_vms (guint             pool,
             FerryVmPowerState state)
{
  g_autoptr(GPtrArray) all = objects (pool, FERRY_TYPE_VM);
  GPtrArray *vms = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < all->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (all, i);

      if (!ferry_vm_get_is_a_template (vm) && !ferry_vm_get_is_a_snapshot (vm) &&
          !ferry_vm_get_is_control_domain (vm) && ferry_vm_get_power_state (vm) == state)
        g_ptr_array_add (vms, g_object_ref (vm));
    }
  return vms;
}

static FerryHost *
other_host (guint        pool,
            const char  *not_ref)
{
  g_autoptr(GPtrArray) hosts = objects (pool, FERRY_TYPE_HOST);
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func (g_object_unref);
  FerryHost *host;

  for (guint i = 0; i < hosts->len; i++)
    if (g_strcmp0 (ferry_object_get_ref (g_ptr_array_index (hosts, i)), not_ref) != 0)
      g_ptr_array_add (others, g_object_ref (g_ptr_array_index (hosts, i)));
  host = pick (others);
  return host ? g_object_ref (host) : NULL;
}

/* A host of a pool picked at random, when that is not @pool. */
static FerryHost *
host_of_other_pool (guint pool)
{
  guint other = g_rand_int_range (soak.rand, 0, n_pools ());

  return other == pool ? NULL : other_host (other, NULL);
}

static FerrySr *
other_shared_sr (guint       pool,
                 const char *not_ref)
{
  g_autoptr(GPtrArray) srs = objects (pool, FERRY_TYPE_SR);
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func (g_object_unref);
  FerrySr *sr;

  for (guint i = 0; i < srs->len; i++)
    {
      FerrySr *candidate = g_ptr_array_index (srs, i);

      if (ferry_sr_get_shared (candidate) && g_strcmp0 (ferry_sr_get_content_type (candidate), "iso") != 0 &&
          g_strcmp0 (ferry_object_get_ref (FERRY_OBJECT (candidate)), not_ref) != 0)
        g_ptr_array_add (others, g_object_ref (candidate));
    }
  sr = pick (others);
  return sr ? g_object_ref (sr) : NULL;
}

static FerryVdi *
first_disk (FerryVm *vm)
{
  GListModel *vbds = ferry_vm_get_vbds (vm);

  for (guint i = 0; i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));

      if (g_strcmp0 (ferry_vbd_get_vbd_type (vbd), "Disk") == 0 && FERRY_IS_VDI (vdi))
        return FERRY_VDI (vdi);
    }
  return NULL;
}

/* One random request of @kind (1…5), or NULL when this try found nothing. */
static FerryMoveRequest *
random_request (guint kind)
{
  guint pool = g_rand_int_range (soak.rand, 0, n_pools ());
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();
  g_autoptr(GPtrArray) running = movable_vms (pool, FERRY_VM_POWER_STATE_RUNNING);
  g_autoptr(GPtrArray) halted = movable_vms (pool, FERRY_VM_POWER_STATE_HALTED);
  g_autoptr(FerryHost) host = NULL;
  g_autoptr(FerrySr) sr = NULL;
  FerryVm *vm;

  switch (kind)
    {
    case 1:   /* O1: a running VM to another host of its pool, disks stay */
      if ((vm = pick (running)) == NULL || (host = other_host (pool, ferry_vm_get_resident_on (vm))) == NULL)
        return NULL;
      ferry_move_request_add_vm (request, vm);
      ferry_move_request_set_destination_host (request, host);
      break;

    case 2:   /* O2: a running VM to a host of another pool (or with its disks, in its pool) */
      if ((vm = pick (running)) == NULL)
        return NULL;
      ferry_move_request_add_vm (request, vm);
      if (g_rand_boolean (soak.rand))
        {
          if ((host = host_of_other_pool (pool)) == NULL)
            return NULL;
          ferry_move_request_set_destination_host (request, host);
        }
      else
        {
          FerryVdi *disk = first_disk (vm);

          if (disk == NULL || (host = other_host (pool, ferry_vm_get_resident_on (vm))) == NULL ||
              (sr = other_shared_sr (pool, ferry_vdi_get_sr (disk))) == NULL)
            return NULL;
          ferry_move_request_set_destination_host (request, host);
          ferry_move_request_set_default_sr (request, sr);
          ferry_move_request_set_operation (request, FERRY_OPERATION_STORAGE_MIGRATE);
        }
      break;

    case 3:   /* O3: one disk of a VM to another SR; the VM stays */
      {
        FerryVdi *disk;

        if ((vm = pick (g_rand_boolean (soak.rand) ? running : halted)) == NULL ||
            (disk = first_disk (vm)) == NULL ||
            (sr = other_shared_sr (pool, ferry_vdi_get_sr (disk))) == NULL)
          return NULL;
        ferry_move_request_add_vm (request, vm);
        ferry_move_request_set_operation (request, FERRY_OPERATION_MOVE_DISK);
        ferry_move_request_set_vdi_sr (request, disk, sr);
      }
      break;

    case 4:   /* O4: a halted VM to other SRs, or to another pool */
      if ((vm = pick (halted)) == NULL)
        return NULL;
      ferry_move_request_add_vm (request, vm);
      if (g_rand_boolean (soak.rand))
        {
          if ((host = host_of_other_pool (pool)) == NULL)
            return NULL;
          ferry_move_request_set_destination_host (request, host);
        }
      else
        {
          FerryVdi *disk = first_disk (vm);

          if (disk == NULL || (sr = other_shared_sr (pool, ferry_vdi_get_sr (disk))) == NULL)
            return NULL;
          ferry_move_request_set_default_sr (request, sr);
        }
      break;

    case 5:   /* O5: a host with VMs on it is evacuated */
      {
        g_autoptr(GPtrArray) hosts = objects (pool, FERRY_TYPE_HOST);
        g_autoptr(GPtrArray) busy = g_ptr_array_new ();
        FerryHost *chosen;

        if (hosts->len < 2)
          return NULL;
        for (guint i = 0; i < hosts->len; i++)
          {
            FerryHost *candidate = g_ptr_array_index (hosts, i);
            guint n = g_list_model_get_n_items (ferry_host_get_resident_vms (candidate));

            /* The control domain, and at most 8 guests: a bounded step. */
            if (n >= 2 && n <= 9 && ferry_host_get_enabled (candidate))
              g_ptr_array_add (busy, candidate);
          }
        if ((chosen = pick (busy)) == NULL)
          return NULL;
        ferry_move_request_set_evacuate_host (request, chosen);
      }
      break;

    default:
      g_assert_not_reached ();
    }
  return g_steal_pointer (&request);
}

/* A plan of @kind, preferring one the rules let through. */
static FerryPlan *
random_plan (guint kind)
{
  FerryPlan *fallback = NULL;

  for (guint attempt = 0; attempt < 40; attempt++)
    {
      g_autoptr(FerryMoveRequest) request = random_request (kind);
      g_autoptr(FerryPlan) plan = NULL;

      if (request == NULL)
        continue;
      plan = ferry_plan_new (request, G_LIST_MODEL (soak.connections), NULL, NULL);
      if (plan == NULL)
        continue;
      if (ferry_plan_get_n_blocked (plan) < ferry_plan_get_n_items (plan))
        {
          g_clear_object (&fallback);
          return g_steal_pointer (&plan);
        }
      if (fallback == NULL)
        fallback = g_steal_pointer (&plan);
    }
  return fallback;
}

/* Faults (README of ferry-sim, §9) */

static const char *
host_name_of (guint       pool,
              const char *ref)
{
  FerryObject *host = ferry_cache_lookup (cache_at (pool), ref);

  return host ? ferry_object_get_name_label (host) : NULL;
}

static guint
pool_index_of (const char *uuid)
{
  for (guint p = 0; p < n_pools (); p++)
    {
      FerryPool *pool = ferry_cache_get_pool (cache_at (p));

      if (pool != NULL && g_strcmp0 (ferry_object_get_uuid (FERRY_OBJECT (pool)), uuid) == 0)
        return p;
    }
  return G_MAXUINT;
}

/* Simulated seconds lasting @low…@high real seconds at the time scale. */
static double
real_seconds (double low,
              double high)
{
  return g_rand_double_range (soak.rand, low, high) * soak.scale;
}

static char *
random_fault (FerryPlan  *plan,
              const char **type)
{
  FerryPlanItem *item = ferry_plan_get_item (plan, g_rand_int_range (soak.rand, 0, ferry_plan_get_n_items (plan)));
  const char *from = ferry_plan_item_get_from_host_name (item);
  const char *to = ferry_plan_item_get_to_host_name (item);
  const char *vm = ferry_plan_item_get_vm_name (item);
  guint pool = pool_index_of (ferry_plan_item_get_from_pool_uuid (item));
  const char *pool_name = pool != G_MAXUINT ? g_ptr_array_index (soak.pool_names, pool) : NULL;
  FerryPool *pool_object = pool != G_MAXUINT ? ferry_cache_get_pool (cache_at (pool)) : NULL;
  const char *master = pool_object ? host_name_of (pool, ferry_pool_get_master (pool_object)) : NULL;

  switch (g_rand_int_range (soak.rand, 0, 7))
    {
    case 0:
      if (master == NULL || g_str_equal (master, "legacy-01"))
        break;
      *type = "drop_connections";
      return g_strdup_printf ("{\"type\": \"drop_connections\", \"host\": \"%s\", \"seconds\": %.1f}",
                              master, real_seconds (0.1, 2));
    case 1:
      if (pool_name == NULL)
        break;
      *type = "expire_sessions";
      return g_strdup_printf ("{\"type\": \"expire_sessions\", \"pool\": \"%s\"}", pool_name);
    case 2:
      {
        g_autoptr(FerryHost) next = NULL;

        if (pool_object == NULL || ferry_pool_get_master (pool_object) == NULL ||
            (next = other_host (pool, ferry_pool_get_master (pool_object))) == NULL)
          break;
        *type = "master_failover";
        return g_strdup_printf ("{\"type\": \"master_failover\", \"pool\": \"%s\", \"host\": \"%s\", \"seconds\": %.1f}",
                                pool_name, ferry_object_get_name_label (FERRY_OBJECT (next)),
                                real_seconds (0.2, 3));
      }
    case 3:
    case 4:
      *type = "fail_migration";
      return g_strdup_printf ("{\"type\": \"fail_migration\", \"vm\": \"%s\", \"at_progress\": %.2f,"
                              " \"leave_paused\": %s, \"count\": 1}",
                              vm, g_rand_double_range (soak.rand, 0.05, 0.95),
                              g_rand_boolean (soak.rand) ? "true" : "false");
    case 5:
      if (to == NULL)
        break;
      *type = "unreachable_destination";
      return g_strdup_printf ("{\"type\": \"unreachable_destination\", \"host\": \"%s\", \"count\": 1%s}", to,
                              g_rand_boolean (soak.rand) ? ", \"error\": \"VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED\"" : "");
    case 6:
      if (from == NULL && master == NULL)
        break;
      *type = "slow_responses";
      return g_strdup_printf ("{\"type\": \"slow_responses\", \"host\": \"%s\", \"delay\": %.1f, \"count\": 3}",
                              master ? master : from, real_seconds (0.1, 2));
    }
  return NULL;
}

/* One step */

static gboolean
all_connected (gpointer data)
{
  for (guint p = 0; p < n_pools (); p++)
    if (ferry_connection_get_state (connection_at (p)) != FERRY_CONNECTION_STATE_CONNECTED)
      return FALSE;
  return TRUE;
}

static gboolean
queue_idle (gpointer data)
{
  return ferry_queue_get_n_unfinished (soak.queue) == 0;
}

static gboolean
any_running (gpointer data)
{
  GPtrArray *jobs = data;

  for (guint i = 0; i < jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (jobs, i);

      if (ferry_job_get_state (job) == FERRY_JOB_RUNNING || ferry_job_is_finished (job))
        return TRUE;
    }
  return FALSE;
}

static void
unpause_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ferry_job_unpause_vm_finish (FERRY_JOB (object), result, NULL);
  (*(guint *) user_data)--;
}

static gboolean
is_zero (gpointer data)
{
  return *(guint *) data == 0;
}

static const char *
outcome_of (FerryJobState state)
{
  return state == FERRY_JOB_SUCCEEDED ? "succeeded" : state == FERRY_JOB_FAILED ? "failed" :
         state == FERRY_JOB_CANCELLED ? "cancelled" : "open";
}

static FerryHistoryOutcome
history_outcome_of (FerryJobState state)
{
  return state == FERRY_JOB_SUCCEEDED ? FERRY_HISTORY_OUTCOME_SUCCEEDED :
         state == FERRY_JOB_FAILED ? FERRY_HISTORY_OUTCOME_FAILED :
         state == FERRY_JOB_CANCELLED ? FERRY_HISTORY_OUTCOME_CANCELLED : FERRY_HISTORY_OUTCOME_OPEN;
}

static void
enable_hosts (void)
{
  for (guint p = 0; p < n_pools (); p++)
    {
      g_autoptr(GPtrArray) hosts = objects (p, FERRY_TYPE_HOST);

      for (guint i = 0; i < hosts->len; i++)
        if (!ferry_host_get_enabled (g_ptr_array_index (hosts, i)))
          {
            const char *ref = ferry_object_get_ref (g_ptr_array_index (hosts, i));
            g_autoptr(JsonNode) enabled = NULL;
            g_autoptr(JsonNode) cleared = NULL;

            enabled = ferry_test_call_sync (connection_at (p), "host.enable",
                                            g_variant_new ("(s)", ref), FERRY_CALL_NONE, NULL);
            cleared = ferry_test_call_sync (connection_at (p), "host.remove_from_other_config",
                                            g_variant_new ("(ss)", ref, "MAINTENANCE_MODE"),
                                            FERRY_CALL_NONE, NULL);
          }
    }
}

/* A relay moves the disks' real bytes (10 to 30 GiB for the demo's halted
 * VMs), which the time scale does not shorten: minutes on this computer,
 * more than a step's wait. A relay that still moves then is slow, not
 * stuck: it is cancelled (which must end it within 30 s, the VM intact),
 * and that is no problem. TRUE when every job left was such a relay and the
 * queue is idle now. */
static gboolean
cut_moving_relays (GPtrArray *jobs)
{
  g_autoptr(GArray) before = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (jobs, i);
      double progress = ferry_job_get_progress (job);

      if (!ferry_job_state_is_final (ferry_job_get_state (job)) &&
          !ferry_plan_item_get_relay (ferry_job_get_item (job)))
        return FALSE;
      g_array_append_val (before, progress);
    }
  ferry_test_wait_until (queue_idle, NULL, 10000);
  for (guint i = 0; i < jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (jobs, i);

      if (!ferry_job_state_is_final (ferry_job_get_state (job)) &&
          ferry_job_get_progress (job) <= g_array_index (before, double, i))
        return FALSE;
    }
  for (guint i = 0; i < jobs->len; i++)
    if (!ferry_job_state_is_final (ferry_job_get_state (g_ptr_array_index (jobs, i))))
      g_print ("  (%s: a relay still copying after the step's wait, at %.0f %%: cancelled)\n",
               ferry_job_get_vm_name (g_ptr_array_index (jobs, i)),
               100 * ferry_job_get_progress (g_ptr_array_index (jobs, i)));
  ferry_queue_cancel_all (soak.queue, NULL);
  return ferry_test_wait_until (queue_idle, NULL, 30000);
}

static gboolean
run_step (guint    number,
          GString *problems)
{
  guint kind = 1 + (number + g_rand_int_range (soak.rand, 0, 2)) % 5;
  g_autoptr(FerryPlan) plan = random_plan (kind);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GHashTable) census = NULL;
  g_autoptr(FerryHistory) reread = NULL;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) invariants = NULL;
  g_autofree char *fault = NULL;
  g_autofree char *invariants_text = NULL;
  const char *fault_type = "none";
  guint roll = g_rand_int_range (soak.rand, 0, 10);
  guint unpausing = 0;
  guint wait_ms;
  gint64 start = g_get_monotonic_time ();

  if (plan == NULL)
    {
      g_string_append_printf (problems, "  no O%u move could be planned\n", kind);
      return FALSE;
    }
  soak.kinds[kind]++;

  /* 0–5: a fault before or while it runs; 6: a cancel; 7–9: nothing. */
  if (roll <= 5)
    fault = random_fault (plan, &fault_type);
  if (fault != NULL && roll <= 1)
    {
      g_autofree char *state = control ("POST", "sim/faults", fault);

      if (state == NULL)
        g_string_append_printf (problems, "  the simulator refused the fault %s\n", fault);
    }
  jobs = ferry_queue_add_plan (soak.queue, plan);
  if (fault != NULL && roll > 1)
    {
      g_autofree char *state = NULL;

      ferry_test_wait_until (any_running, jobs, 20000);
      ferry_test_spin (g_rand_int_range (soak.rand, 0, 300));
      state = control ("POST", "sim/faults", fault);
      if (state == NULL)
        g_string_append_printf (problems, "  the simulator refused the fault %s\n", fault);
    }
  if (fault != NULL)
    g_hash_table_insert (soak.faults, (gpointer) fault_type,
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (soak.faults, fault_type)) + 1));
  if (roll == 6)
    {
      ferry_test_wait_until (any_running, jobs, 20000);
      ferry_test_spin (g_rand_int_range (soak.rand, 0, 200));
      ferry_queue_cancel_all (soak.queue, ferry_plan_get_id (plan));
      fault_type = "cancel";
    }

  /* At most 120 s, and never much past the run's deadline. */
  wait_ms = (guint) CLAMP ((soak.deadline - g_get_monotonic_time ()) / 1000, 10000, 120000);
  if (!ferry_test_wait_until (queue_idle, NULL, wait_ms) && !cut_moving_relays (jobs))
    {
      g_string_append_printf (problems, "  the queue is not idle after %u s\n", wait_ms / 1000);
      for (guint i = 0; i < jobs->len; i++)
        g_string_append_printf (problems, "    %s: %s, %s\n", ferry_job_get_vm_name (g_ptr_array_index (jobs, i)),
                                ferry_job_state_to_string (ferry_job_get_state (g_ptr_array_index (jobs, i))),
                                ferry_job_get_phase (g_ptr_array_index (jobs, i)));
      ferry_queue_cancel_all (soak.queue, NULL);
      ferry_test_wait_until (queue_idle, NULL, 30000);
    }
  g_free (control ("DELETE", "sim/faults", NULL));
  if (!ferry_test_wait_until (all_connected, NULL, 30000))
    g_string_append (problems, "  a connection did not come back within 30 s\n");

  /* Put things back for the next steps: paused VMs run again (R29),
   * evacuated hosts leave maintenance. */
  for (guint i = 0; i < jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (jobs, i);

      if (ferry_job_get_can_unpause (job))
        {
          unpausing++;
          ferry_job_unpause_vm_async (job, NULL, unpause_cb, &unpausing);
        }
    }
  ferry_test_wait_until (is_zero, &unpausing, 20000);
  if (kind == 5)
    enable_hosts ();
  ferry_test_spin (200);   /* let the caches catch up with the last events */

  /* Every job final and journalled, exactly with its outcome. */
  reread = ferry_history_new (soak.journal);
  if (!ferry_history_load (reread, &error))
    g_string_append_printf (problems, "  the journal cannot be read: %s\n", error->message);
  for (guint i = 0; i < jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (jobs, i);
      FerryHistoryEntry *entry = ferry_history_lookup (reread, ferry_job_get_id (job));
      FerryJobState state = ferry_job_get_state (job);

      soak.outcomes[state == FERRY_JOB_SUCCEEDED ? 0 : state == FERRY_JOB_FAILED ? 1 : 2]++;
      if (!ferry_job_state_is_final (state))
        g_string_append_printf (problems, "  job %s (%s) is not final: %s\n", ferry_job_get_id (job),
                                ferry_job_get_vm_name (job), ferry_job_state_to_string (state));
      else if (entry == NULL)
        g_string_append_printf (problems, "  job %s (%s) is not in the journal\n", ferry_job_get_id (job),
                                ferry_job_get_vm_name (job));
      else if (ferry_history_entry_get_outcome (entry) != history_outcome_of (state))
        g_string_append_printf (problems, "  job %s (%s) %s, but the journal says otherwise\n",
                                ferry_job_get_id (job), ferry_job_get_vm_name (job), outcome_of (state));
    }
  open = ferry_history_dup_open (reread);
  if (open->len > 0)
    g_string_append_printf (problems, "  the journal has %u open entries\n", open->len);

  /* No VM lost or duplicated, no disk lost, and the world consistent. */
  census = take_census (problems);
  compare_census (census, problems);
  invariants_text = control ("GET", "sim/invariants", NULL);
  invariants = parse (invariants_text);
  if (invariants == NULL || !json_object_get_boolean_member (json_node_get_object (invariants), "ok"))
    g_string_append_printf (problems, "  the simulator's invariants: %s\n", invariants_text ? invariants_text : "no answer");

  if (g_test_verbose () || problems->len > 0)
    {
      g_print ("step %u (%.1f s): O%u, %u job(s), %s:", number + 1, (g_get_monotonic_time () - start) / 1e6,
               kind, jobs->len, fault_type);
      for (guint i = 0; i < jobs->len; i++)
        g_print (" %s %s", ferry_job_get_vm_name (g_ptr_array_index (jobs, i)),
                 outcome_of (ferry_job_get_state (g_ptr_array_index (jobs, i))));
      g_print ("\n");
    }
  return problems->len == 0;
}

static gsize
heap_in_use (void)
{
#ifdef SOAK_ASAN
  return 0;   /* ASan's allocator: mallinfo2() knows nothing of it */
#else
  struct mallinfo2 info;

  malloc_trim (0);
  info = mallinfo2 ();
  return info.uordblks + info.hblkhd;
#endif
}

static gsize
rss_kib (const char *key)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || (line = strstr (status, key)) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen (key) + 1, NULL, 10);
}

/* What the journal costs in memory: the heap a second copy of it takes.
 * The queue's FerryHistory keeps every entry (the history panel shows
 * them), so it grows by design; the rest of the engine must not. */
static gsize
journal_in_memory (void)
{
#ifdef SOAK_ASAN
  return 0;
#else
  gsize before = heap_in_use (), after;
  g_autoptr(FerryHistory) copy = ferry_history_new (soak.journal);

  ferry_history_load (copy, NULL);
  after = heap_in_use ();
  return after > before ? after - before : 0;
#endif
}

/* The heap after the first two rounds (warm-up: caches, the estimator,
 * GLib's and GnuTLS's one-off allocations), less the journal in memory,
 * must not keep growing: the median of the last three rounds may exceed
 * the second round by a fixed slack plus 4 KiB per job (the caches keep
 * the servers' VM_MIGRATED messages and the estimator learns). */
static gboolean
check_heap (guint    n_jobs,
            GString *problems)
{
  g_autoptr(GArray) tail = NULL;
  gsize first, last, slack;

  if (soak.heap->len < 4)
    return TRUE;
  first = g_array_index (soak.heap, gsize, 1);
  tail = g_array_sized_new (FALSE, FALSE, sizeof (gsize), 3);
  for (guint i = soak.heap->len - 3; i < soak.heap->len; i++)
    g_array_append_val (tail, g_array_index (soak.heap, gsize, i));
  g_array_sort (tail, compare_sizes);
  last = g_array_index (tail, gsize, 1);
  slack = 2 * 1024 * 1024 + (gsize) n_jobs * 4096;
  if (last > first + slack)
    {
      g_string_append_printf (problems, "  the engine's heap (the journal excluded) grew from %zu KiB to %zu KiB (allowed: %zu KiB)\n",
                              first / 1024, last / 1024, (first + slack) / 1024);
      return FALSE;
    }
  return TRUE;
}

static void
soak_run (gconstpointer data)
{
  const guint *limits = data;
  guint steps = limits[0];
  gint64 deadline = g_get_monotonic_time () + (gint64) limits[1] * G_USEC_PER_SEC;
  const char *seed_text = g_getenv ("FERRY_SOAK_SEED");
  const char *scale_text = g_getenv ("FERRY_SOAK_SCALE");
  guint32 seed = seed_text ? (guint32) g_ascii_strtoull (seed_text, NULL, 10) : (guint32) g_get_real_time ();
  double scale = scale_text ? g_ascii_strtod (scale_text, NULL) : 1000;
  g_autoptr(GString) problems = g_string_new (NULL);
  gint64 start = g_get_monotonic_time ();
  guint n_jobs = 0, run = 0;
  GHashTableIter iter;
  gpointer key, value;

  g_print ("ferry-soak: %u steps, at most %u s, seed %u, time scale %g\n", steps, limits[1], seed, scale);
  soak.rand = g_rand_new_with_seed (seed);
  soak.scale = scale;
  soak.deadline = deadline;
  soak.faults = g_hash_table_new (g_str_hash, g_str_equal);
  soak.heap = g_array_new (FALSE, FALSE, sizeof (gsize));
  soak.http = soup_session_new ();
  soak.journal = g_build_filename (g_get_user_data_dir (), "ferry", "soak-history.jsonl", NULL);
  g_remove (soak.journal);
  if (!start_world (scale))
    {
      g_test_fail ();
      return;
    }
  soak.history = ferry_history_new (soak.journal);
  soak.queue = ferry_queue_new (G_LIST_MODEL (soak.connections), soak.history, NULL);
  ferry_queue_set_retry_delay (soak.queue, 0.05);
  soak.census = take_census (problems);
  if (problems->len > 0 || g_hash_table_size (soak.census) == 0)
    {
      g_printerr ("The first census failed:\n%s", problems->str);
      g_test_fail ();
      return;
    }

  for (run = 0; run < steps && g_get_monotonic_time () < deadline; run++)
    {
      g_string_truncate (problems, 0);
      if (run_step (run, problems))
        soak.passed++;
      else
        {
          soak.failed++;
          g_print ("FAILED step %u:\n%s", run + 1, problems->str);
          /* Later steps compare with the world as it is now. */
          g_hash_table_unref (soak.census);
          g_string_truncate (problems, 0);
          soak.census = take_census (problems);
        }
      n_jobs += g_list_model_get_n_items (G_LIST_MODEL (soak.queue));
      ferry_queue_clear_finished (soak.queue);
      if ((run + 1) % ROUND_STEPS == 0)
        {
          gsize heap = heap_in_use (), journal = journal_in_memory (), rest = heap > journal ? heap - journal : 0;

          g_array_append_val (soak.heap, rest);
          if (g_test_verbose ())
            g_print ("round %u: heap %zu KiB, of which the journal in memory %zu KiB (%u entries); RSS %zu KiB\n",
                     soak.heap->len, heap / 1024, journal / 1024,
                     g_list_model_get_n_items (G_LIST_MODEL (soak.history)), rss_kib ("VmRSS:"));
          if (g_test_verbose ())
            {
              guint counts[5] = { 0 };
              GType types[5] = { FERRY_TYPE_VM, FERRY_TYPE_VDI, FERRY_TYPE_VBD, FERRY_TYPE_TASK, FERRY_TYPE_MESSAGE };

              for (guint p = 0; p < n_pools (); p++)
                for (guint t = 0; t < 5; t++)
                  counts[t] += g_list_model_get_n_items (ferry_cache_get_objects (cache_at (p), types[t]));
              g_print ("  caches: %u VMs, %u VDIs, %u VBDs, %u tasks, %u messages; %u interned strings\n",
                       counts[0], counts[1], counts[2], counts[3], counts[4], _ferry_intern_get_size ());
            }
        }
    }

  if (run < steps)
    g_print ("Stopped at the time limit after %u of %u steps\n", run, steps);
  g_print ("moves: O1 %u, O2 %u, O3 %u, O4 %u, O5 %u; jobs %u: %u succeeded, %u failed, %u cancelled\n",
           soak.kinds[1], soak.kinds[2], soak.kinds[3], soak.kinds[4], soak.kinds[5], n_jobs,
           soak.outcomes[0], soak.outcomes[1], soak.outcomes[2]);
  g_print ("faults:");
  g_hash_table_iter_init (&iter, soak.faults);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_print (" %s %u", (char *) key, GPOINTER_TO_UINT (value));
  g_print ("\n");
  if (soak.heap->len > 0)
    g_print ("engine heap by round, the journal in memory excluded (KiB):");
  for (guint i = 0; i < soak.heap->len; i++)
    g_print (" %zu", g_array_index (soak.heap, gsize, i) / 1024);
  g_print ("%s; peak RSS %zu MiB (engine only; ferry-sim runs apart); %.0f s\n", soak.heap->len ? "" : "heap not measured",
           rss_kib ("VmHWM:") / 1024, (g_get_monotonic_time () - start) / 1e6);

  /* The memory check counts as one more check, when there were rounds
   * enough to measure (4: 40 steps). */
  g_string_truncate (problems, 0);
#ifndef SOAK_ASAN
  if (soak.heap->len < 4)
    g_print ("memory: not checked (fewer than 4 rounds of %u steps)\n", ROUND_STEPS);
  else if (check_heap (n_jobs, problems))
    soak.passed++;
  else
    {
      soak.failed++;
      g_print ("FAILED memory:\n%s", problems->str);
    }
#endif

  if (g_test_verbose ())
    {
      gsize heap = heap_in_use (), after_queue, after_history;

      g_clear_object (&soak.queue);
      after_queue = heap_in_use ();
      g_clear_object (&soak.history);
      after_history = heap_in_use ();
      g_print ("heap %zu KiB; the queue held %zd KiB, the history %zd KiB\n", heap / 1024,
               ((gssize) heap - (gssize) after_queue) / 1024, ((gssize) after_queue - (gssize) after_history) / 1024);
    }
  g_clear_object (&soak.queue);
  g_clear_object (&soak.history);
  for (guint p = 0; p < n_pools (); p++)
    ferry_test_close (connection_at (p));
  g_clear_object (&soak.connections);
  g_subprocess_force_exit (soak.sim);
  g_subprocess_wait (soak.sim, NULL, NULL);
  g_clear_object (&soak.sim);
  g_clear_object (&soak.http);
  g_clear_pointer (&soak.census, g_hash_table_unref);
  g_clear_pointer (&soak.faults, g_hash_table_unref);
  g_clear_pointer (&soak.heap, g_array_unref);
  g_clear_pointer (&soak.pool_names, g_ptr_array_unref);
  g_clear_pointer (&soak.rand, g_rand_free);
  g_clear_pointer (&soak.control, g_free);
  g_remove (soak.journal);
  g_clear_pointer (&soak.journal, g_free);

  g_print ("%u passed, %u failed\n", soak.passed, soak.failed);
  if (soak.failed > 0)
    g_test_fail ();
}

int
main (int   argc,
      char *argv[])
{
  static guint limits[2] = { 300, 600 };
  g_autofree char **args = NULL;

  /* GLib 2.74's slice allocator (json-glib's nodes, GLib's lists and hash
   * tables) keeps what is freed in its magazines and in partly used slabs,
   * which mallinfo2() counts as in use: the heap check would measure the
   * allocator's caches (they grew with every journal copy loaded to measure
   * it), not what the engine holds. GLib 2.76 dropped the slice allocator
   * for malloc; do the same here, before GLib allocates: run again. */
  if (g_getenv ("G_SLICE") == NULL)
    {
      g_setenv ("G_SLICE", "always-malloc", TRUE);
      execv ("/proc/self/exe", argv);
      g_printerr ("Could not run again with G_SLICE=always-malloc: %s\n", g_strerror (errno));
    }

  args = g_new0 (char *, argc + 2);
  /* A failed run reports and exits 1; it does not abort (GTest's default). */
  args[0] = argv[0];
  args[1] = (char *) "--keep-going";
  for (int i = 1; i < argc; i++)
    args[i + 1] = argv[i];
  argc++;
  argv = args;
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (argc > 1)
    limits[0] = (guint) g_ascii_strtoull (argv[1], NULL, 10);
  if (argc > 2)
    limits[1] = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  limits[1] = MIN (limits[1], 600);   /* bounded: ten minutes at most */

  g_test_add_data_func ("/soak", limits, soak_run);
  return g_test_run ();
}
