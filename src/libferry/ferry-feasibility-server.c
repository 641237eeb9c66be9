/* ferry-feasibility-server.c: the server's confirmation of a move, bounded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-feasibility-server"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-error.h"
#include "ferry-feasibility-server.h"
#include "ferry-host-metrics.h"
#include "ferry-host.h"
#include "ferry-network.h"
#include "ferry-plan-private.h"
#include "ferry-pool.h"
#include "ferry-sr.h"
#include "ferry-vdi.h"
#include "ferry-vif.h"
#include "ferry-vm.h"

/* Calls to one pool, at most max_in_flight at once. */
typedef struct
{
  guint   in_flight;
  GQueue  pending;   /* GTask of gated calls */
} Gate;

typedef struct
{
  FerryConnection *connection;
  char            *method;
  GVariant        *args;
  Gate            *gate;
} GatedCall;

typedef struct
{
  GObject *object;
  gulong   id;
} Watch;

/* A cached answer. */
typedef struct
{
  FerryFeasibilityServer *owner;
  char                   *key;
  char                   *vm_uuid;
  FerryCheck             *check;     /* NULL: accepted */
  GArray                 *watches;   /* Watch */
} Entry;

/* A migrate_receive answer, shared. */
typedef struct
{
  JsonNode  *dest;
  GPtrArray *waiters;   /* GTask, while the call is out */
} Token;

struct _FerryFeasibilityServer
{
  GObject     parent_instance;

  GListModel *connections;
  guint       max_in_flight;
  GHashTable *gates;     /* FerryConnection* → Gate */
  GHashTable *entries;   /* key → Entry */
  GHashTable *tokens;    /* "host|network" → Token */
  guint       n_calls;
  guint       n_receives;
  guint       max_seen;
};

enum {
  SIGNAL_INVALIDATED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

G_DEFINE_FINAL_TYPE (FerryFeasibilityServer, ferry_feasibility_server, G_TYPE_OBJECT)

static void
gate_free (gpointer data)
{
  Gate *gate = data;
  GTask *task;

  while ((task = g_queue_pop_head (&gate->pending)) != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The checks were stopped"));
      g_object_unref (task);
    }
  g_free (gate);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  for (guint i = 0; i < entry->watches->len; i++)
    {
      Watch *watch = &g_array_index (entry->watches, Watch, i);

      g_signal_handler_disconnect (watch->object, watch->id);
      g_object_unref (watch->object);
    }
  g_array_unref (entry->watches);
  g_free (entry->key);
  g_free (entry->vm_uuid);
  g_clear_object (&entry->check);
  g_free (entry);
}

static void
token_free (gpointer data)
{
  Token *token = data;

  g_clear_pointer (&token->dest, json_node_unref);
  if (token->waiters != NULL)
    {
      for (guint i = 0; i < token->waiters->len; i++)
        g_task_return_new_error (g_ptr_array_index (token->waiters, i), G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The checks were stopped"));
      g_ptr_array_unref (token->waiters);
    }
  g_free (token);
}

static void
ferry_feasibility_server_dispose (GObject *object)
{
  FerryFeasibilityServer *self = (FerryFeasibilityServer *)object;

  g_hash_table_remove_all (self->entries);
  g_hash_table_remove_all (self->tokens);

  G_OBJECT_CLASS (ferry_feasibility_server_parent_class)->dispose (object);
}

static void
ferry_feasibility_server_finalize (GObject *object)
{
  FerryFeasibilityServer *self = (FerryFeasibilityServer *)object;

  g_clear_pointer (&self->gates, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_clear_object (&self->connections);

  G_OBJECT_CLASS (ferry_feasibility_server_parent_class)->finalize (object);
}

static void
ferry_feasibility_server_class_init (FerryFeasibilityServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_feasibility_server_dispose;
  object_class->finalize = ferry_feasibility_server_finalize;

  signals [SIGNAL_INVALIDATED] =
    g_signal_new ("invalidated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ferry_feasibility_server_init (FerryFeasibilityServer *self)
{
  self->max_in_flight = FERRY_FEASIBILITY_SERVER_MAX_IN_FLIGHT;
  self->gates = g_hash_table_new_full (NULL, NULL, NULL, gate_free);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, token_free);
}

FerryFeasibilityServer *
ferry_feasibility_server_new (GListModel *connections)
{
  FerryFeasibilityServer *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (connections), NULL);

  self = g_object_new (FERRY_TYPE_FEASIBILITY_SERVER, NULL);
  self->connections = g_object_ref (connections);
  return self;
}

void
ferry_feasibility_server_set_max_in_flight (FerryFeasibilityServer *self,
                                            guint                   limit)
{
  g_return_if_fail (FERRY_IS_FEASIBILITY_SERVER (self));

  self->max_in_flight = MAX (limit, 1);
}

guint
ferry_feasibility_server_get_n_calls (FerryFeasibilityServer *self)
{
  g_return_val_if_fail (FERRY_IS_FEASIBILITY_SERVER (self), 0);
  return self->n_calls;
}

guint
ferry_feasibility_server_get_max_seen_in_flight (FerryFeasibilityServer *self)
{
  g_return_val_if_fail (FERRY_IS_FEASIBILITY_SERVER (self), 0);
  return self->max_seen;
}

guint
ferry_feasibility_server_get_n_receives (FerryFeasibilityServer *self)
{
  g_return_val_if_fail (FERRY_IS_FEASIBILITY_SERVER (self), 0);
  return self->n_receives;
}

guint
ferry_feasibility_server_get_n_cached (FerryFeasibilityServer *self)
{
  g_return_val_if_fail (FERRY_IS_FEASIBILITY_SERVER (self), 0);
  return g_hash_table_size (self->entries);
}

void
ferry_feasibility_server_invalidate_all (FerryFeasibilityServer *self)
{
  g_return_if_fail (FERRY_IS_FEASIBILITY_SERVER (self));

  g_hash_table_remove_all (self->entries);
  g_hash_table_remove_all (self->tokens);
}

/* The gate --------------------------------------------------------------- */

static void
gated_call_free (gpointer data)
{
  GatedCall *call = data;

  g_clear_object (&call->connection);
  g_free (call->method);
  g_clear_pointer (&call->args, g_variant_unref);
  g_free (call);
}

static void send_gated (FerryFeasibilityServer *self,
                        GTask                  *task);

static void
pump (FerryFeasibilityServer *self,
      Gate                   *gate)
{
  while (gate->in_flight < self->max_in_flight && !g_queue_is_empty (&gate->pending))
    {
      g_autoptr(GTask) task = g_queue_pop_head (&gate->pending);

      if (g_task_return_error_if_cancelled (task))
        continue;
      send_gated (self, task);
    }
}

static void
on_gated_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryFeasibilityServer *self = g_task_get_source_object (task);
  GatedCall *call = g_task_get_task_data (task);
  GError *error = NULL;
  JsonNode *node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);

  call->gate->in_flight--;
  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
  pump (self, call->gate);
}

static void
send_gated (FerryFeasibilityServer *self,
            GTask                  *task)
{
  GatedCall *call = g_task_get_task_data (task);

  call->gate->in_flight++;
  self->max_seen = MAX (self->max_seen, call->gate->in_flight);
  self->n_calls++;
  if (g_str_equal (call->method, "host.migrate_receive"))
    self->n_receives++;
  g_debug ("%s (%u in flight)", call->method, call->gate->in_flight);
  /* Not floating: the connection takes a reference of its own. */
  ferry_connection_call_async (call->connection, call->method, call->args,
                               g_str_equal (call->method, "host.migrate_receive") ? FERRY_CALL_NONE
                                                                                   : FERRY_CALL_IDEMPOTENT,
                               g_task_get_cancellable (task), on_gated_cb, g_object_ref (task));
}

/* Calls @method on @connection when a slot of its pool is free. */
static void
gated_call_async (FerryFeasibilityServer *self,
                  FerryConnection        *connection,
                  const char             *method,
                  GVariant               *args,
                  GCancellable           *cancellable,
                  GAsyncReadyCallback     callback,
                  gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GatedCall *call = g_new0 (GatedCall, 1);
  Gate *gate = g_hash_table_lookup (self->gates, connection);

  if (gate == NULL)
    {
      gate = g_new0 (Gate, 1);
      g_queue_init (&gate->pending);
      g_hash_table_insert (self->gates, connection, gate);
    }

  g_task_set_source_tag (task, gated_call_async);
  call->connection = g_object_ref (connection);
  call->method = g_strdup (method);
  call->args = g_variant_ref_sink (args);
  call->gate = gate;
  g_task_set_task_data (task, call, gated_call_free);

  g_queue_push_tail (&gate->pending, g_steal_pointer (&task));
  pump (self, gate);
}

static JsonNode *
gated_call_finish (GAsyncResult  *result,
                   GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Invalidation ----------------------------------------------------------- */

static void
on_watched_notify_cb (GObject    *object,
                      GParamSpec *pspec,
                      Entry      *entry)
{
  FerryFeasibilityServer *self = entry->owner;
  g_autofree char *vm_uuid = g_strdup (entry->vm_uuid);

  g_debug ("%s of %s changed: the answer about %s is dropped", pspec->name,
           ferry_object_get_name_label (FERRY_OBJECT (object)), vm_uuid);
  g_hash_table_remove (self->entries, entry->key);
  g_signal_emit (self, signals [SIGNAL_INVALIDATED], 0, vm_uuid);
}

static void
watch (Entry       *entry,
       gpointer     object,
       const char  *property)
{
  Watch w;
  g_autofree char *signal = NULL;

  if (object == NULL)
    return;
  signal = g_strconcat ("notify::", property, NULL);
  w.object = g_object_ref (object);
  w.id = g_signal_connect (object, signal, G_CALLBACK (on_watched_notify_cb), entry);
  g_array_append_val (entry->watches, w);
}

/* Checking one item ------------------------------------------------------ */

typedef struct
{
  FerryPlan       *plan;
  FerryPlanItem   *item;
  char            *key;
  FerryConnection *src;
  FerryConnection *dst;
  char            *vm_ref;
  char            *host_ref;
  char            *network_ref;
  char            *token_key;
  gboolean         live;
  gboolean         retried;
} Check;

static void
check_free (gpointer data)
{
  Check *check = data;

  g_clear_object (&check->plan);
  g_clear_object (&check->item);
  g_free (check->key);
  g_clear_object (&check->src);
  g_clear_object (&check->dst);
  g_free (check->vm_ref);
  g_free (check->host_ref);
  g_free (check->network_ref);
  g_free (check->token_key);
  g_free (check);
}

static char *
make_key (FerryPlan     *plan,
          FerryPlanItem *item)
{
  GString *key = g_string_new (NULL);

  g_string_append_printf (key, "%s|%s|%s|%s|%d|%d|", ferry_plan_item_get_vm_uuid (item),
                          ferry_operation_get_id (ferry_plan_item_get_operation (item)),
                          ferry_plan_item_get_to_host_uuid (item) ? ferry_plan_item_get_to_host_uuid (item) : "-",
                          ferry_plan_item_get_network_uuid (item) ? ferry_plan_item_get_network_uuid (item) : "-",
                          ferry_plan_get_compression (plan), ferry_plan_get_force (plan));
  for (guint i = 0; i < ferry_plan_item_get_n_disks (item); i++)
    {
      const FerryPlanDisk *disk = ferry_plan_item_get_disk (item, i);

      if (disk->snapshot_of == NULL)
        g_string_append_printf (key, "%s>%s;", disk->vdi_uuid, disk->to_sr_uuid ? disk->to_sr_uuid : "-");
    }
  g_string_append_c (key, '|');
  for (guint i = 0; i < ferry_plan_item_get_n_vifs (item); i++)
    {
      const FerryPlanVif *vif = ferry_plan_item_get_vif (item, i);

      g_string_append_printf (key, "%s>%s;", vif->vif_uuid, vif->to_network_uuid ? vif->to_network_uuid : "-");
    }
  return g_string_free (key, FALSE);
}

static const char *
ref_of (FerryConnection *connection,
        GType            type,
        const char      *uuid)
{
  FerryObject *object = _ferry_cache_find_uuid (ferry_connection_get_cache (connection), type, uuid);

  return object ? ferry_object_get_ref (object) : NULL;
}

/* Remembers the answer and what it depends on. */
static void
remember (FerryFeasibilityServer *self,
          Check                  *check,
          FerryCheck             *answer)
{
  FerryCache *src_cache = ferry_connection_get_cache (check->src);
  FerryCache *dst_cache = ferry_connection_get_cache (check->dst);
  FerryVm *vm = _ferry_cache_find_uuid (src_cache, FERRY_TYPE_VM, ferry_plan_item_get_vm_uuid (check->item));
  FerryHost *host = _ferry_cache_find_uuid (dst_cache, FERRY_TYPE_HOST, ferry_plan_item_get_to_host_uuid (check->item));
  Entry *entry = g_new0 (Entry, 1);

  entry->owner = self;
  entry->key = g_strdup (check->key);
  entry->vm_uuid = g_strdup (ferry_plan_item_get_vm_uuid (check->item));
  entry->check = answer ? g_object_ref (answer) : NULL;
  entry->watches = g_array_new (FALSE, FALSE, sizeof (Watch));

  watch (entry, vm, "power-state");
  watch (entry, vm, "resident-on");
  watch (entry, vm, "current-operations");
  watch (entry, vm, "removed");
  watch (entry, host, "enabled");
  watch (entry, host, "removed");
  if (host != NULL)
    watch (entry, ferry_object_lookup_ref (FERRY_OBJECT (host), ferry_host_get_metrics (host)), "memory-free");
  for (guint i = 0; i < ferry_plan_item_get_n_disks (check->item); i++)
    {
      const FerryPlanDisk *disk = ferry_plan_item_get_disk (check->item, i);
      FerryCache *target = ferry_plan_item_is_cross_pool (check->item) ? dst_cache : src_cache;

      if (disk->snapshot_of != NULL)
        continue;
      watch (entry, _ferry_cache_find_uuid (src_cache, FERRY_TYPE_VDI, disk->vdi_uuid), "sr");
      if (disk->moves)
        watch (entry, _ferry_cache_find_uuid (target, FERRY_TYPE_SR, disk->to_sr_uuid), "physical-utilisation");
    }

  g_hash_table_replace (self->entries, entry->key, entry);
}

static void
answer (GTask      *task,
        FerryCheck *check)
{
  FerryFeasibilityServer *self = g_task_get_source_object (task);
  Check *data = g_task_get_task_data (task);

  remember (self, data, check);
  g_task_return_pointer (task, check ? g_object_ref (check) : NULL, g_object_unref);
}

static void get_token (GTask *task);

static void
on_asserted_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryFeasibilityServer *self = g_task_get_source_object (task);
  Check *check = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) node = gated_call_finish (result, &error);
  g_autoptr(FerryCheck) refusal = NULL;

  if (node != NULL)
    {
      answer (task, NULL);
      return;
    }

  /* A migrate_receive session that expired: fetch a new one, once. */
  if (g_error_matches (error, FERRY_XAPI_ERROR, FERRY_XAPI_ERROR_SESSION_INVALID) &&
      check->token_key != NULL && !check->retried)
    {
      g_clear_error (&error);
      check->retried = TRUE;
      g_hash_table_remove (self->tokens, check->token_key);
      get_token (g_steal_pointer (&task));
      return;
    }

  if (error->domain != FERRY_XAPI_ERROR)
    {
      g_task_return_error (task, error);
      return;
    }

  refusal = ferry_check_new_from_error (error, ferry_connection_get_cache (check->src),
                                        ferry_connection_get_cache (check->dst));
  g_clear_error (&error);
  answer (task, refusal);
}

static void
assert_migrate (GTask *task)
{
  FerryFeasibilityServer *self = g_task_get_source_object (task);
  Check *check = g_task_get_task_data (task);
  Token *token = g_hash_table_lookup (self->tokens, check->token_key);
  g_autoptr(GVariantBuilder) dest = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
  g_autoptr(GVariantBuilder) vdis = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
  g_autoptr(GVariantBuilder) vifs = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
  g_autoptr(GVariantBuilder) vgpus = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
  FerryConnection *target = ferry_plan_item_is_cross_pool (check->item) ? check->dst : check->src;
  JsonObject *map = json_node_get_object (token->dest);
  g_autoptr(GList) members = json_object_get_members (map);

  for (GList *l = members; l != NULL; l = l->next)
    if (_ferry_json_get_string (map, l->data) != NULL)
      g_variant_builder_add (dest, "{ss}", l->data, _ferry_json_get_string (map, l->data));

  for (guint i = 0; i < ferry_plan_item_get_n_disks (check->item); i++)
    {
      const FerryPlanDisk *disk = ferry_plan_item_get_disk (check->item, i);
      const char *vdi = ref_of (check->src, FERRY_TYPE_VDI, disk->vdi_uuid);
      const char *sr = ref_of (target, FERRY_TYPE_SR, disk->to_sr_uuid);

      if (disk->snapshot_of != NULL || vdi == NULL || sr == NULL)
        continue;
      g_variant_builder_add (vdis, "{ss}", vdi, sr);
    }
  for (guint i = 0; ferry_plan_item_is_cross_pool (check->item) && i < ferry_plan_item_get_n_vifs (check->item); i++)
    {
      const FerryPlanVif *vif = ferry_plan_item_get_vif (check->item, i);
      const char *vif_ref = ref_of (check->src, FERRY_TYPE_VIF, vif->vif_uuid);
      const char *network = ref_of (check->dst, FERRY_TYPE_NETWORK, vif->to_network_uuid);

      if (vif_ref != NULL && network != NULL)
        g_variant_builder_add (vifs, "{ss}", vif_ref, network);
    }
  if (ferry_plan_get_force (check->plan))
    g_variant_builder_add (options, "{ss}", "force", "true");
  if (ferry_plan_get_compression (check->plan) != FERRY_COMPRESSION_POOL_DEFAULT)
    g_variant_builder_add (options, "{ss}", "compress",
                           ferry_plan_get_compression (check->plan) == FERRY_COMPRESSION_ON ? "true" : "false");

  gated_call_async (self, check->src, "VM.assert_can_migrate",
                    g_variant_new ("(sa{ss}ba{ss}a{ss}a{ss}a{ss})", check->vm_ref, dest, check->live,
                                   vdis, vifs, options, vgpus),
                    g_task_get_cancellable (task), on_asserted_cb, task);
}

static void
on_receive_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  FerryFeasibilityServer *self = FERRY_FEASIBILITY_SERVER (object);
  g_autofree char *key = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = gated_call_finish (result, &error);
  Token *token = g_hash_table_lookup (self->tokens, key);
  g_autoptr(GPtrArray) waiters = NULL;

  if (token == NULL || token->waiters == NULL)
    return;   /* dropped meanwhile: its waiters were told */
  waiters = g_steal_pointer (&token->waiters);

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      token->dest = g_steal_pointer (&node);
      for (guint i = 0; i < waiters->len; i++)
        {
          GTask *task = g_ptr_array_index (waiters, i);

          if (!g_task_return_error_if_cancelled (task))
            assert_migrate (g_object_ref (task));
        }
      return;
    }

  g_hash_table_remove (self->tokens, key);
  if (error == NULL)
    error = g_error_new_literal (FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL,
                                 _("host.migrate_receive did not answer with a map"));
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);
      Check *check = g_task_get_task_data (task);

      if (g_task_return_error_if_cancelled (task))
        continue;
      if (error->domain == FERRY_XAPI_ERROR)
        {
          g_autoptr(FerryCheck) refusal = ferry_check_new_from_error (error, ferry_connection_get_cache (check->src),
                                                                      ferry_connection_get_cache (check->dst));

          answer (task, refusal);
        }
      else
        g_task_return_error (task, g_error_copy (error));
    }
}

/* One migrate_receive per destination host and network, shared. */
static void
get_token (GTask *task)
{
  FerryFeasibilityServer *self = g_task_get_source_object (task);
  Check *check = g_task_get_task_data (task);
  Token *token = g_hash_table_lookup (self->tokens, check->token_key);

  if (token != NULL && token->dest != NULL)
    {
      assert_migrate (task);
      return;
    }
  if (token != NULL)
    {
      g_ptr_array_add (token->waiters, task);
      return;
    }

  token = g_new0 (Token, 1);
  token->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (token->waiters, task);
  g_hash_table_insert (self->tokens, g_strdup (check->token_key), token);

  /* Not cancellable: others may wait for it too. */
  gated_call_async (self, check->dst, "host.migrate_receive",
                    g_variant_new ("(ssa{ss})", check->host_ref, check->network_ref, NULL),
                    NULL, on_receive_cb, g_strdup (check->token_key));
}

void
ferry_feasibility_server_check_async (FerryFeasibilityServer *self,
                                      FerryPlan              *plan,
                                      FerryPlanItem          *item,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  FerryOperation op;
  Check *check;
  Entry *entry;
  FerryCache *src_cache;
  FerryCache *dst_cache;
  FerryVm *vm;
  FerryHost *host;

  g_return_if_fail (FERRY_IS_FEASIBILITY_SERVER (self));
  g_return_if_fail (FERRY_IS_PLAN (plan));
  g_return_if_fail (FERRY_IS_PLAN_ITEM (item));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_feasibility_server_check_async);
  check = g_new0 (Check, 1);
  check->plan = g_object_ref (plan);
  check->item = g_object_ref (item);
  check->key = make_key (plan, item);
  g_task_set_task_data (task, check, check_free);

  entry = g_hash_table_lookup (self->entries, check->key);
  if (entry != NULL)
    {
      g_task_return_pointer (task, entry->check ? g_object_ref (entry->check) : NULL, g_object_unref);
      return;
    }

  if (ferry_plan_item_get_blocker (item) != NULL)
    {
      /* The rules said no already: the server is not asked. */
      g_task_return_pointer (task, g_object_ref (ferry_plan_item_get_blocker (item)), g_object_unref);
      return;
    }

  check->src = _ferry_connections_find_pool (self->connections, ferry_plan_item_get_from_pool_uuid (item));
  check->dst = _ferry_connections_find_pool (self->connections, ferry_plan_item_get_to_pool_uuid (item));
  if (check->src == NULL || check->dst == NULL)
    {
      g_task_return_new_error (task, FERRY_RPC_ERROR, FERRY_RPC_ERROR_NOT_CONNECTED, _("Ferry is not connected to %s"),
                               check->src == NULL ? ferry_plan_item_get_from_pool_name (item)
                                                  : ferry_plan_item_get_to_pool_name (item));
      return;
    }
  g_object_ref (check->src);
  g_object_ref (check->dst);
  src_cache = ferry_connection_get_cache (check->src);
  dst_cache = ferry_connection_get_cache (check->dst);

  vm = _ferry_cache_find_uuid (src_cache, FERRY_TYPE_VM, ferry_plan_item_get_vm_uuid (item));
  host = _ferry_cache_find_uuid (dst_cache, FERRY_TYPE_HOST, ferry_plan_item_get_to_host_uuid (item));
  if (host == NULL && ferry_plan_item_get_operation (item) == FERRY_OPERATION_MOVE_HALTED)
    host = _ferry_cache_get_master (dst_cache);
  if (vm == NULL)
    {
      g_task_return_new_error (task, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_NOT_FOUND, _("%s is no longer there"),
                               ferry_plan_item_get_vm_name (item));
      return;
    }
  check->vm_ref = g_strdup (ferry_object_get_ref (FERRY_OBJECT (vm)));
  check->host_ref = host ? g_strdup (ferry_object_get_ref (FERRY_OBJECT (host))) : NULL;
  check->live = ferry_vm_get_power_state (vm) == FERRY_VM_POWER_STATE_RUNNING ||
                ferry_vm_get_power_state (vm) == FERRY_VM_POWER_STATE_PAUSED;

  op = ferry_plan_item_get_operation (item);
  switch (op)
    {
    case FERRY_OPERATION_LIVE_MIGRATE:
    case FERRY_OPERATION_EVACUATE:
      if (check->host_ref == NULL)
        {
          g_task_return_new_error (task, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_NOT_FOUND,
                                   _("The destination host of %s is not known"), ferry_plan_item_get_vm_name (item));
          return;
        }
      gated_call_async (self, check->src, "VM.assert_can_boot_here",
                        g_variant_new ("(ss)", check->vm_ref, check->host_ref),
                        cancellable, on_asserted_cb, g_steal_pointer (&task));
      break;

    case FERRY_OPERATION_STORAGE_MIGRATE:
    case FERRY_OPERATION_MOVE_HALTED:
      {
        const char *network = ref_of (check->dst, FERRY_TYPE_NETWORK, ferry_plan_item_get_network_uuid (item));

        if (network == NULL && host != NULL && _ferry_host_get_management_network (host) != NULL)
          network = ferry_object_get_ref (FERRY_OBJECT (_ferry_host_get_management_network (host)));
        if (check->host_ref == NULL || network == NULL)
          {
            g_task_return_new_error (task, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_NOT_FOUND,
                                     _("The destination host or network of %s is not known"),
                                     ferry_plan_item_get_vm_name (item));
            return;
          }
        check->network_ref = g_strdup (network);
        check->token_key = g_strdup_printf ("%s|%s", check->host_ref, network);
        get_token (g_steal_pointer (&task));
      }
      break;

    case FERRY_OPERATION_MOVE_DISK:
    case FERRY_OPERATION_AUTO:
    default:
      /* Nothing to ask: VDI.pool_migrate has no assert call. */
      answer (task, NULL);
      break;
    }
}

gboolean
ferry_feasibility_server_check_finish (FerryFeasibilityServer  *self,
                                       GAsyncResult            *result,
                                       FerryCheck             **check,
                                       GError                 **error)
{
  GError *local_error = NULL;
  FerryCheck *found;

  g_return_val_if_fail (FERRY_IS_FEASIBILITY_SERVER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  found = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      if (check != NULL)
        *check = NULL;
      return FALSE;
    }
  if (check != NULL)
    *check = found;
  else
    g_clear_object (&found);
  return TRUE;
}

/* A whole grid ------------------------------------------------------------ */

typedef struct
{
  FerryFeasibility *grid;
  guint             pending;
  guint             asked;
  GError           *error;
} Confirm;

typedef struct
{
  GTask     *task;      /* the confirm task */
  FerryPlan *plan;
  guint      vm;
  guint      destination;
} Cell;

static void
confirm_free (gpointer data)
{
  Confirm *confirm = data;

  g_clear_object (&confirm->grid);
  g_clear_error (&confirm->error);
  g_free (confirm);
}

static void
confirm_done (GTask *task)
{
  Confirm *confirm = g_task_get_task_data (task);

  if (confirm->pending > 0)
    return;
  if (confirm->error != NULL)
    g_task_return_error (task, g_steal_pointer (&confirm->error));
  else
    g_task_return_int (task, confirm->asked);
}

static void
on_cell_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Cell *cell = user_data;
  g_autoptr(GTask) task = cell->task;
  Confirm *confirm = g_task_get_task_data (task);
  g_autoptr(FerryCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  if (ferry_feasibility_server_check_finish (FERRY_FEASIBILITY_SERVER (object), result, &check, &error))
    ferry_feasibility_set_server_result (confirm->grid, cell->vm, cell->destination, check);
  else if (confirm->error == NULL)
    confirm->error = g_steal_pointer (&error);

  g_clear_object (&cell->plan);
  g_free (cell);
  confirm->pending--;
  confirm_done (task);
}

void
ferry_feasibility_server_confirm_async (FerryFeasibilityServer *self,
                                        FerryFeasibility       *grid,
                                        FerryRuleSettings      *settings,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  Confirm *confirm;

  g_return_if_fail (FERRY_IS_FEASIBILITY_SERVER (self));
  g_return_if_fail (FERRY_IS_FEASIBILITY (grid));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_feasibility_server_confirm_async);
  confirm = g_new0 (Confirm, 1);
  confirm->grid = g_object_ref (grid);
  confirm->pending = 1;
  g_task_set_task_data (task, confirm, confirm_free);

  for (guint v = 0; v < ferry_feasibility_get_n_vms (grid); v++)
    for (guint d = 0; d < ferry_feasibility_get_n_destinations (grid); d++)
      {
        FerryVm *vm = ferry_feasibility_get_vm (grid, v);
        gpointer destination = ferry_feasibility_get_destination (grid, d);
        FerryHost *host = ferry_feasibility_get_host (grid, v, d);
        g_autoptr(FerryMoveRequest) request = NULL;
        g_autoptr(FerryPlan) plan = NULL;
        Cell *cell;

        if (ferry_feasibility_get_verdict (grid, v, d) >= FERRY_CHECK_SEVERITY_BLOCKER || host == NULL)
          continue;

        request = ferry_move_request_copy (ferry_feasibility_get_request (grid));
        ferry_move_request_set_evacuate_host (request, NULL);
        ferry_move_request_remove_all_vms (request);
        ferry_move_request_add_vm (request, vm);
        if (FERRY_IS_SR (destination))
          {
            ferry_move_request_set_default_sr (request, FERRY_SR (destination));
            if (g_strcmp0 (ferry_vm_get_resident_on (vm), ferry_object_get_ref (FERRY_OBJECT (host))) != 0)
              ferry_move_request_set_destination_host (request, host);
          }
        else
          ferry_move_request_set_destination_host (request, host);

        plan = ferry_plan_new (request, self->connections, settings, NULL);
        if (plan == NULL || ferry_plan_get_n_items (plan) == 0)
          continue;

        cell = g_new0 (Cell, 1);
        cell->task = g_object_ref (task);
        cell->plan = g_object_ref (plan);
        cell->vm = v;
        cell->destination = d;
        confirm->pending++;
        confirm->asked++;
        ferry_feasibility_server_check_async (self, plan, ferry_plan_get_item (plan, 0), cancellable,
                                              on_cell_cb, cell);
      }

  confirm->pending--;
  confirm_done (task);
}

guint
ferry_feasibility_server_confirm_finish (FerryFeasibilityServer  *self,
                                         GAsyncResult            *result,
                                         GError                 **error)
{
  gssize n;

  g_return_val_if_fail (FERRY_IS_FEASIBILITY_SERVER (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  n = g_task_propagate_int (G_TASK (result), error);
  return n > 0 ? (guint) n : 0;
}
