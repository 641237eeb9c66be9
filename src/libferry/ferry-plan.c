/* ferry-plan.c: a migration plan, reviewed before it runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-plan"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-estimate.h"
#include "ferry-feasibility.h"
#include "ferry-host-metrics.h"
#include "ferry-host.h"
#include "ferry-network.h"
#include "ferry-pif.h"
#include "ferry-plan-private.h"
#include "ferry-pool.h"
#include "ferry-rules.h"
#include "ferry-sr.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vgpu-type.h"
#include "ferry-vgpu.h"
#include "ferry-vif.h"
#include "ferry-vm-metrics.h"
#include "ferry-vm.h"

G_DEFINE_QUARK (ferry-plan-error-quark, ferry_plan_error)

G_DEFINE_ENUM_TYPE (FerryCompression, ferry_compression,
  G_DEFINE_ENUM_VALUE (FERRY_COMPRESSION_POOL_DEFAULT, "pool-default"),
  G_DEFINE_ENUM_VALUE (FERRY_COMPRESSION_ON, "on"),
  G_DEFINE_ENUM_VALUE (FERRY_COMPRESSION_OFF, "off"))

G_DEFINE_ENUM_TYPE (FerryStorageMode, ferry_storage_mode,
  G_DEFINE_ENUM_VALUE (FERRY_STORAGE_LEAVE, "leave"),
  G_DEFINE_ENUM_VALUE (FERRY_STORAGE_SAME_SR, "same-sr"),
  G_DEFINE_ENUM_VALUE (FERRY_STORAGE_PER_DISK, "per-disk"))

G_DEFINE_ENUM_TYPE (FerryDiskReason, ferry_disk_reason,
  G_DEFINE_ENUM_VALUE (FERRY_DISK_REASON_STAYS, "stays"),
  G_DEFINE_ENUM_VALUE (FERRY_DISK_REASON_CHOSEN, "chosen"),
  G_DEFINE_ENUM_VALUE (FERRY_DISK_REASON_SAME_SR, "same-sr"),
  G_DEFINE_ENUM_VALUE (FERRY_DISK_REASON_DEFAULT_SR, "default-sr"),
  G_DEFINE_ENUM_VALUE (FERRY_DISK_REASON_SNAPSHOT, "snapshot"))

G_DEFINE_ENUM_TYPE (FerryVifReason, ferry_vif_reason,
  G_DEFINE_ENUM_VALUE (FERRY_VIF_REASON_STAYS, "stays"),
  G_DEFINE_ENUM_VALUE (FERRY_VIF_REASON_CHOSEN, "chosen"),
  G_DEFINE_ENUM_VALUE (FERRY_VIF_REASON_SAME_NAME, "same-name"),
  G_DEFINE_ENUM_VALUE (FERRY_VIF_REASON_SAME_VLAN, "same-vlan"),
  G_DEFINE_ENUM_VALUE (FERRY_VIF_REASON_MANAGEMENT, "management"),
  G_DEFINE_ENUM_VALUE (FERRY_VIF_REASON_NONE, "none"))

#define DEFAULT_VGPU_STATE (64 * 1024 * 1024)

const char *
ferry_disk_reason_describe (FerryDiskReason reason)
{
  switch (reason)
    {
    case FERRY_DISK_REASON_STAYS:
      return _("Left where it is: the destination can use this SR");
    case FERRY_DISK_REASON_CHOSEN:
      return _("The SR chosen for this disk");
    case FERRY_DISK_REASON_SAME_SR:
      return _("The SR chosen for all disks");
    case FERRY_DISK_REASON_DEFAULT_SR:
      return _("The destination pool's default SR");
    case FERRY_DISK_REASON_SNAPSHOT:
      return _("A snapshot's disk: it follows the disk it was taken of");
    default:
      g_return_val_if_reached ("");
    }
}

const char *
ferry_vif_reason_describe (FerryVifReason reason)
{
  switch (reason)
    {
    case FERRY_VIF_REASON_STAYS:
      return _("Same pool: the interface keeps its network");
    case FERRY_VIF_REASON_CHOSEN:
      return _("The network chosen for this interface");
    case FERRY_VIF_REASON_SAME_NAME:
      return _("A network of the same name as on the source");
    case FERRY_VIF_REASON_SAME_VLAN:
      return _("A network with the same VLAN tag as on the source");
    case FERRY_VIF_REASON_MANAGEMENT:
      return _("No network matched by name or VLAN: the management network");
    case FERRY_VIF_REASON_NONE:
      return _("No network matched and the destination has no management network");
    default:
      g_return_val_if_reached ("");
    }
}

/* Helpers shared with the queue (ferry-plan-private.h) ------------------- */

static const char * const operation_names[] = { "auto", "O1", "O2", "O3", "O4", "O5" };

const char *
_ferry_operation_name (FerryOperation operation)
{
  g_return_val_if_fail (operation <= FERRY_OPERATION_EVACUATE, "auto");

  return operation_names[operation];
}

FerryOperation
_ferry_operation_from_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (operation_names); i++)
    if (g_strcmp0 (name, operation_names[i]) == 0)
      return i;
  return FERRY_OPERATION_AUTO;
}

FerryConnection *
_ferry_connections_find_cache (GListModel *connections,
                               FerryCache *cache)
{
  for (guint i = 0; connections != NULL && cache != NULL && i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (connections, i);

      if (ferry_connection_get_cache (connection) == cache)
        return connection;
    }
  return NULL;
}

FerryConnection *
_ferry_connections_find_pool (GListModel *connections,
                              const char *pool_uuid)
{
  for (guint i = 0; connections != NULL && pool_uuid != NULL && i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (connections, i);
      FerryCache *cache = ferry_connection_get_cache (connection);

      if (cache != NULL && g_strcmp0 (_ferry_cache_get_pool_uuid (cache), pool_uuid) == 0)
        return connection;
    }
  return NULL;
}

const char *
_ferry_cache_get_pool_uuid (FerryCache *cache)
{
  FerryPool *pool = cache ? ferry_cache_get_pool (cache) : NULL;

  return pool ? ferry_object_get_uuid (FERRY_OBJECT (pool)) : NULL;
}

FerryHost *
_ferry_cache_get_master (FerryCache *cache)
{
  FerryPool *pool = cache ? ferry_cache_get_pool (cache) : NULL;
  FerryObject *master;

  if (pool == NULL)
    return NULL;
  master = ferry_cache_lookup (cache, ferry_pool_get_master (pool));
  return FERRY_IS_HOST (master) ? FERRY_HOST (master) : NULL;
}

char *
_ferry_cache_dup_pool_name (FerryCache *cache)
{
  FerryPool *pool = cache ? ferry_cache_get_pool (cache) : NULL;
  FerryHost *master;

  if (pool != NULL && ferry_object_get_name_label (FERRY_OBJECT (pool)) != NULL &&
      *ferry_object_get_name_label (FERRY_OBJECT (pool)) != '\0')
    return g_strdup (ferry_object_get_name_label (FERRY_OBJECT (pool)));

  master = _ferry_cache_get_master (cache);
  if (master != NULL)
    return g_strdup (ferry_object_get_name_label (FERRY_OBJECT (master)));

  return g_strdup (_("Unknown pool"));
}

char *
_ferry_connection_dup_who (FerryConnection *connection)
{
  g_autofree char *pool = NULL;

  if (connection == NULL)
    return g_strdup ("");

  pool = ferry_connection_get_cache (connection) && ferry_cache_get_pool (ferry_connection_get_cache (connection))
       ? _ferry_cache_dup_pool_name (ferry_connection_get_cache (connection))
       : g_strdup (ferry_connection_get_address (connection));

  return g_strdup_printf ("%s@%s", ferry_connection_get_username (connection), pool);
}

gpointer
_ferry_cache_find_uuid (FerryCache *cache,
                        GType       type,
                        const char *uuid)
{
  FerryObject *object;

  if (cache == NULL || uuid == NULL)
    return NULL;
  object = ferry_cache_lookup_by_uuid (cache, uuid);
  return object != NULL && G_TYPE_CHECK_INSTANCE_TYPE (object, type) ? object : NULL;
}

FerryNetwork *
_ferry_host_get_management_network (FerryHost *host)
{
  GListModel *pifs;

  if (host == NULL)
    return NULL;

  pifs = ferry_host_get_pifs (host);
  for (guint i = 0; i < g_list_model_get_n_items (pifs); i++)
    {
      g_autoptr(FerryPif) pif = g_list_model_get_item (pifs, i);

      if (ferry_pif_get_management (pif))
        {
          FerryObject *network = ferry_object_lookup_ref (FERRY_OBJECT (pif), ferry_pif_get_network (pif));

          if (FERRY_IS_NETWORK (network))
            return FERRY_NETWORK (network);
        }
    }
  return NULL;
}

gint64
_ferry_network_get_vlan (FerryNetwork *network)
{
  GListModel *pifs;

  if (network == NULL)
    return -1;

  pifs = ferry_network_get_pifs (network);
  for (guint i = 0; i < g_list_model_get_n_items (pifs); i++)
    {
      g_autoptr(FerryPif) pif = g_list_model_get_item (pifs, i);

      if (ferry_pif_get_vlan (pif) >= 0)
        return ferry_pif_get_vlan (pif);
    }
  return -1;
}

JsonNode *
_ferry_json_ref_new (const char *uuid,
                     const char *name)
{
  JsonObject *object;
  JsonNode *node;

  if (uuid == NULL)
    return json_node_new (JSON_NODE_NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "uuid", uuid);
  json_object_set_string_member (object, "name", name ? name : "");
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

JsonObject *
_ferry_json_get_object (JsonObject *object,
                        const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
_ferry_json_get_array (JsonObject *object,
                       const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

const char *
_ferry_json_get_string (JsonObject *object,
                        const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

gint64
_ferry_json_get_int (JsonObject *object,
                     const char *member,
                     gint64      fallback)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      /* Only what fits: a journal or plan file may say anything. */
      if (!(value > -9.2e18 && value < 9.2e18))
        return fallback;
      return (gint64) value;
    }
  return fallback;
}

double
_ferry_json_get_double (JsonObject *object,
                        const char *member,
                        double      fallback)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  return fallback;
}

void
_ferry_json_get_ref (JsonObject  *object,
                     const char  *member,
                     const char **uuid,
                     const char **name)
{
  JsonObject *ref = _ferry_json_get_object (object, member);

  if (uuid != NULL)
    *uuid = _ferry_json_get_string (ref, "uuid");
  if (name != NULL)
    *name = _ferry_json_get_string (ref, "name");
}

char *
_ferry_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;

  if (time == NULL)
    return NULL;
  utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

GDateTime *
_ferry_parse_time (const char *text)
{
  if (text == NULL)
    return NULL;
  return g_date_time_new_from_iso8601 (text, NULL);
}

char *
_ferry_new_uuid (void)
{
  return g_uuid_string_random ();
}

/* FerryPlanItem ------------------------------------------------------------ */

struct _FerryPlanItem
{
  GObject         parent_instance;

  FerryPlan      *plan;            /* weak: the plan owns its items */
  char           *vm_uuid;
  char           *vm_name;
  FerryOperation  operation;
  char           *power_state;
  gint64          memory;
  gint64          vgpu_state;
  char           *from_pool_uuid;
  char           *from_pool_name;
  char           *from_host_uuid;
  char           *from_host_name;
  char           *to_pool_uuid;
  char           *to_pool_name;
  char           *to_host_uuid;
  char           *to_host_name;
  char           *network_uuid;
  char           *network_name;
  GPtrArray      *disks;           /* FerryPlanDisk */
  GPtrArray      *vifs;            /* FerryPlanVif */
  FerryCheck     *blocker;
  FerryEstimate  *estimate;
  gboolean        relay;           /* through this computer (ferry-relay.h) */
};

enum {
  ITEM_PROP_0,
  ITEM_PROP_VM_UUID,
  ITEM_PROP_VM_NAME,
  ITEM_PROP_OPERATION,
  ITEM_PROP_BLOCKER,
  ITEM_PROP_ESTIMATE,
  ITEM_N_PROPS
};

static GParamSpec *item_properties [ITEM_N_PROPS];

G_DEFINE_FINAL_TYPE (FerryPlanItem, ferry_plan_item, G_TYPE_OBJECT)

static void
plan_disk_free (gpointer data)
{
  FerryPlanDisk *disk = data;

  g_free (disk->vdi_uuid);
  g_free (disk->vdi_name);
  g_free (disk->userdevice);
  g_free (disk->from_sr_uuid);
  g_free (disk->from_sr_name);
  g_free (disk->to_sr_uuid);
  g_free (disk->to_sr_name);
  g_free (disk->snapshot_of);
  g_free (disk);
}

static void
plan_vif_free (gpointer data)
{
  FerryPlanVif *vif = data;

  g_free (vif->vif_uuid);
  g_free (vif->device);
  g_free (vif->mac);
  g_free (vif->from_network_uuid);
  g_free (vif->from_network_name);
  g_free (vif->to_network_uuid);
  g_free (vif->to_network_name);
  g_free (vif);
}

static void
ferry_plan_item_finalize (GObject *object)
{
  FerryPlanItem *self = (FerryPlanItem *)object;

  g_free (self->vm_uuid);
  g_free (self->vm_name);
  g_free (self->power_state);
  g_free (self->from_pool_uuid);
  g_free (self->from_pool_name);
  g_free (self->from_host_uuid);
  g_free (self->from_host_name);
  g_free (self->to_pool_uuid);
  g_free (self->to_pool_name);
  g_free (self->to_host_uuid);
  g_free (self->to_host_name);
  g_free (self->network_uuid);
  g_free (self->network_name);
  g_clear_pointer (&self->disks, g_ptr_array_unref);
  g_clear_pointer (&self->vifs, g_ptr_array_unref);
  g_clear_object (&self->blocker);
  g_clear_pointer (&self->estimate, ferry_estimate_free);

  G_OBJECT_CLASS (ferry_plan_item_parent_class)->finalize (object);
}

static void
ferry_plan_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FerryPlanItem *self = FERRY_PLAN_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_VM_UUID:
      g_value_set_string (value, self->vm_uuid);
      break;
    case ITEM_PROP_VM_NAME:
      g_value_set_string (value, self->vm_name);
      break;
    case ITEM_PROP_OPERATION:
      g_value_set_enum (value, self->operation);
      break;
    case ITEM_PROP_BLOCKER:
      g_value_set_object (value, self->blocker);
      break;
    case ITEM_PROP_ESTIMATE:
      g_value_set_boxed (value, self->estimate);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_plan_item_class_init (FerryPlanItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_plan_item_finalize;
  object_class->get_property = ferry_plan_item_get_property;

  item_properties [ITEM_PROP_VM_UUID] =
    g_param_spec_string ("vm-uuid", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties [ITEM_PROP_VM_NAME] =
    g_param_spec_string ("vm-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties [ITEM_PROP_OPERATION] =
    g_param_spec_enum ("operation", NULL, NULL, FERRY_TYPE_OPERATION, FERRY_OPERATION_AUTO,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties [ITEM_PROP_BLOCKER] =
    g_param_spec_object ("blocker", NULL, NULL, FERRY_TYPE_CHECK,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties [ITEM_PROP_ESTIMATE] =
    g_param_spec_boxed ("estimate", NULL, NULL, FERRY_TYPE_ESTIMATE,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
ferry_plan_item_init (FerryPlanItem *self)
{
  self->disks = g_ptr_array_new_with_free_func (plan_disk_free);
  self->vifs = g_ptr_array_new_with_free_func (plan_vif_free);
}

#define ITEM_GETTER(type, name, field, fallback)                    \
  type                                                              \
  ferry_plan_item_get_##name (FerryPlanItem *self)                  \
  {                                                                 \
    g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), fallback);     \
    return self->field;                                             \
  }

ITEM_GETTER (const char *, vm_uuid, vm_uuid, NULL)
ITEM_GETTER (const char *, vm_name, vm_name, NULL)
ITEM_GETTER (FerryOperation, operation, operation, FERRY_OPERATION_AUTO)
ITEM_GETTER (const char *, power_state, power_state, NULL)
ITEM_GETTER (gint64, memory, memory, 0)
ITEM_GETTER (gint64, vgpu_state, vgpu_state, 0)
ITEM_GETTER (const char *, from_pool_uuid, from_pool_uuid, NULL)
ITEM_GETTER (const char *, from_pool_name, from_pool_name, NULL)
ITEM_GETTER (const char *, from_host_uuid, from_host_uuid, NULL)
ITEM_GETTER (const char *, from_host_name, from_host_name, NULL)
ITEM_GETTER (const char *, to_pool_uuid, to_pool_uuid, NULL)
ITEM_GETTER (const char *, to_pool_name, to_pool_name, NULL)
ITEM_GETTER (const char *, to_host_uuid, to_host_uuid, NULL)
ITEM_GETTER (const char *, to_host_name, to_host_name, NULL)
ITEM_GETTER (const char *, network_uuid, network_uuid, NULL)
ITEM_GETTER (const char *, network_name, network_name, NULL)
ITEM_GETTER (FerryCheck *, blocker, blocker, NULL)

#undef ITEM_GETTER

const FerryEstimate *
ferry_plan_item_get_estimate (FerryPlanItem *self)
{
  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), NULL);

  return self->estimate;
}

void
ferry_plan_item_set_estimate (FerryPlanItem       *self,
                              const FerryEstimate *estimate)
{
  g_return_if_fail (FERRY_IS_PLAN_ITEM (self));

  if (self->estimate == estimate)
    return;
  g_clear_pointer (&self->estimate, ferry_estimate_free);
  self->estimate = estimate ? ferry_estimate_copy (estimate) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), item_properties [ITEM_PROP_ESTIMATE]);
}

gboolean
ferry_plan_item_get_relay (FerryPlanItem *self)
{
  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), FALSE);

  return self->relay;
}

const char *
ferry_plan_item_get_relay_text (FerryPlanItem *self)
{
  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), NULL);

  return self->relay ? ferry_relay_describe () : NULL;
}

char *
_ferry_plan_item_dup_relay_obstacle (FerryPlanItem *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) uuids = g_ptr_array_new ();
  g_autofree char *list = NULL;

  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), NULL);

  for (guint i = 0; i < self->disks->len; i++)
    {
      const FerryPlanDisk *disk = g_ptr_array_index (self->disks, i);

      if (disk->snapshot_of != NULL || disk->to_sr_uuid == NULL ||
          g_ptr_array_find_with_equal_func (uuids, disk->to_sr_uuid, g_str_equal, NULL))
        continue;
      g_ptr_array_add (uuids, disk->to_sr_uuid);
      g_ptr_array_add (names, disk->to_sr_name ? disk->to_sr_name : disk->to_sr_uuid);
    }
  if (uuids->len <= 1)
    return NULL;
  g_ptr_array_add (names, NULL);
  list = g_strjoinv (", ", (char **) names->pdata);
  /* PUT /import takes one sr_id. */
  return g_strdup_printf (_("%s cannot move through this computer: an import puts all of a VM’s disks on one SR, "
                            "and this plan puts its disks on %u SRs (%s)."),
                          self->vm_name, uuids->len, list);
}

const char *
_ferry_plan_item_get_relay_sr_uuid (FerryPlanItem *self)
{
  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), NULL);

  for (guint i = 0; i < self->disks->len; i++)
    {
      const FerryPlanDisk *disk = g_ptr_array_index (self->disks, i);

      if (disk->snapshot_of == NULL && disk->to_sr_uuid != NULL)
        return disk->to_sr_uuid;
    }
  return NULL;
}

void
_ferry_plan_item_set_relay (FerryPlanItem *self,
                            gboolean       relay)
{
  g_return_if_fail (FERRY_IS_PLAN_ITEM (self));

  self->relay = !!relay;
}

gboolean
ferry_plan_item_is_cross_pool (FerryPlanItem *self)
{
  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), FALSE);

  return g_strcmp0 (self->from_pool_uuid, self->to_pool_uuid) != 0;
}

char *
ferry_plan_item_dup_from_text (FerryPlanItem *self)
{
  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), NULL);

  if (self->from_host_name != NULL)
    return g_strdup_printf ("%s (%s)", self->from_host_name, self->from_pool_name);
  return g_strdup (self->from_pool_name);
}

char *
ferry_plan_item_dup_to_text (FerryPlanItem *self)
{
  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), NULL);

  if (self->operation == FERRY_OPERATION_MOVE_DISK)
    {
      for (guint i = 0; i < self->disks->len; i++)
        {
          const FerryPlanDisk *disk = g_ptr_array_index (self->disks, i);

          if (disk->moves && disk->snapshot_of == NULL)
            return g_strdup (disk->to_sr_name);
        }
    }
  if (self->to_host_name != NULL)
    return g_strdup_printf ("%s (%s)", self->to_host_name, self->to_pool_name);
  return g_strdup (self->to_pool_name);
}

guint
ferry_plan_item_get_n_disks (FerryPlanItem *self)
{
  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), 0);

  return self->disks->len;
}

const FerryPlanDisk *
ferry_plan_item_get_disk (FerryPlanItem *self,
                          guint          index)
{
  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), NULL);
  g_return_val_if_fail (index < self->disks->len, NULL);

  return g_ptr_array_index (self->disks, index);
}

guint
ferry_plan_item_get_n_vifs (FerryPlanItem *self)
{
  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), 0);

  return self->vifs->len;
}

const FerryPlanVif *
ferry_plan_item_get_vif (FerryPlanItem *self,
                         guint          index)
{
  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), NULL);
  g_return_val_if_fail (index < self->vifs->len, NULL);

  return g_ptr_array_index (self->vifs, index);
}

gint64
ferry_plan_item_get_disk_bytes (FerryPlanItem *self)
{
  gint64 total = 0;

  g_return_val_if_fail (FERRY_IS_PLAN_ITEM (self), 0);

  for (guint i = 0; i < self->disks->len; i++)
    {
      const FerryPlanDisk *disk = g_ptr_array_index (self->disks, i);

      if (disk->moves)
        total += disk->physical_utilisation > 0 ? disk->physical_utilisation : disk->virtual_size;
    }
  return total;
}

FerryPlan *
_ferry_plan_item_get_plan (FerryPlanItem *item)
{
  return item->plan;
}

/* FerryPlan ---------------------------------------------------------------- */

struct _FerryPlan
{
  GObject           parent_instance;

  char             *id;
  GDateTime        *created;
  FerryOperation    operation;
  char             *source_pool_uuid;
  char             *source_pool_name;
  char             *source_address;
  char             *source_username;
  char             *destination_pool_uuid;
  char             *destination_pool_name;
  char             *destination_address;
  char             *destination_username;
  char             *destination_host_uuid;
  char             *destination_host_name;
  char             *evacuate_host_uuid;
  char             *evacuate_host_name;
  char             *enable_host_uuid;
  char             *enable_host_name;
  char             *home_server_uuid;
  char             *home_server_name;
  FerryStorageMode  storage_mode;
  char             *storage_sr_uuid;
  char             *storage_sr_name;
  char             *network_uuid;
  char             *network_name;
  FerryCompression  compression;
  gboolean          pool_compression;   /* pool.migration_compression of the source */
  gboolean          force;
  guint             evacuation_batch_size;
  FerryRelayMode    relay;
  GListStore       *items;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_OPERATION,
  PROP_HOME_SERVER_NAME,
  PROP_COMPRESSION,
  PROP_FORCE,
  PROP_EVACUATION_BATCH_SIZE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_FINAL_TYPE (FerryPlan, ferry_plan, G_TYPE_OBJECT)

static void
ferry_plan_finalize (GObject *object)
{
  FerryPlan *self = (FerryPlan *)object;

  g_free (self->id);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_free (self->source_pool_uuid);
  g_free (self->source_pool_name);
  g_free (self->source_address);
  g_free (self->source_username);
  g_free (self->destination_pool_uuid);
  g_free (self->destination_pool_name);
  g_free (self->destination_address);
  g_free (self->destination_username);
  g_free (self->destination_host_uuid);
  g_free (self->destination_host_name);
  g_free (self->evacuate_host_uuid);
  g_free (self->evacuate_host_name);
  g_free (self->enable_host_uuid);
  g_free (self->enable_host_name);
  g_free (self->home_server_uuid);
  g_free (self->home_server_name);
  g_free (self->storage_sr_uuid);
  g_free (self->storage_sr_name);
  g_free (self->network_uuid);
  g_free (self->network_name);
  g_clear_object (&self->items);

  G_OBJECT_CLASS (ferry_plan_parent_class)->finalize (object);
}

static void
ferry_plan_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  FerryPlan *self = FERRY_PLAN (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_OPERATION:
      g_value_set_enum (value, self->operation);
      break;
    case PROP_HOME_SERVER_NAME:
      g_value_set_string (value, self->home_server_name);
      break;
    case PROP_COMPRESSION:
      g_value_set_enum (value, self->compression);
      break;
    case PROP_FORCE:
      g_value_set_boolean (value, self->force);
      break;
    case PROP_EVACUATION_BATCH_SIZE:
      g_value_set_uint (value, self->evacuation_batch_size);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, ferry_plan_get_n_items (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_plan_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  FerryPlan *self = FERRY_PLAN (object);

  switch (prop_id)
    {
    case PROP_COMPRESSION:
      ferry_plan_set_compression (self, g_value_get_enum (value));
      break;
    case PROP_FORCE:
      ferry_plan_set_force (self, g_value_get_boolean (value));
      break;
    case PROP_EVACUATION_BATCH_SIZE:
      ferry_plan_set_evacuation_batch_size (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_plan_class_init (FerryPlanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_plan_finalize;
  object_class->get_property = ferry_plan_get_property;
  object_class->set_property = ferry_plan_set_property;

  properties [PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_OPERATION] =
    g_param_spec_enum ("operation", NULL, NULL, FERRY_TYPE_OPERATION, FERRY_OPERATION_AUTO,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_HOME_SERVER_NAME] =
    g_param_spec_string ("home-server-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_COMPRESSION] =
    g_param_spec_enum ("compression", NULL, NULL, FERRY_TYPE_COMPRESSION, FERRY_COMPRESSION_POOL_DEFAULT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_FORCE] =
    g_param_spec_boolean ("force", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_EVACUATION_BATCH_SIZE] =
    g_param_spec_uint ("evacuation-batch-size", NULL, NULL, 0, 1000, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ferry_plan_init (FerryPlan *self)
{
  self->items = g_list_store_new (FERRY_TYPE_PLAN_ITEM);
}

static FerryPlan *
plan_new_empty (void)
{
  FerryPlan *self = g_object_new (FERRY_TYPE_PLAN, NULL);

  self->id = _ferry_new_uuid ();
  self->created = g_date_time_new_now_utc ();
  return self;
}

/* Building a plan from a request ------------------------------------------- */

typedef struct
{
  FerryVm   *vm;
  FerryHost *host;       /* chosen destination host, or NULL */
  FerryCheck *reason;    /* why no host, or NULL */
} Placement;

static gint64
vm_memory (FerryVm *vm)
{
  FerryObject *metrics = ferry_object_lookup_ref (FERRY_OBJECT (vm), ferry_vm_get_metrics (vm));

  if (ferry_vm_get_power_state (vm) == FERRY_VM_POWER_STATE_RUNNING ||
      ferry_vm_get_power_state (vm) == FERRY_VM_POWER_STATE_PAUSED)
    {
      if (FERRY_IS_VM_METRICS (metrics) && ferry_vm_metrics_get_memory_actual (FERRY_VM_METRICS (metrics)) > 0)
        return ferry_vm_metrics_get_memory_actual (FERRY_VM_METRICS (metrics));
    }
  return ferry_vm_get_memory_dynamic_max (vm);
}

static gint64
host_free_memory (FerryHost *host)
{
  FerryObject *metrics = ferry_object_lookup_ref (FERRY_OBJECT (host), ferry_host_get_metrics (host));

  return FERRY_IS_HOST_METRICS (metrics) ? ferry_host_metrics_get_memory_free (FERRY_HOST_METRICS (metrics)) : 0;
}

static int
compare_placements (gconstpointer a,
                    gconstpointer b)
{
  const Placement *pa = a;
  const Placement *pb = b;
  gint64 ma = vm_memory (pa->vm);
  gint64 mb = vm_memory (pb->vm);

  return ma < mb ? 1 : ma > mb ? -1 : 0;
}

/* A pool destination: each VM goes to the host with the most free memory
 * among those the rules accept, biggest VM first (xapi.md §5.1). */
static void
place_vms (FerryMoveRequest  *request,
           FerryCache        *dst_cache,
           FerryHost         *excluded,
           FerryRuleSettings *settings,
           GArray            *placements)
{
  g_autoptr(FerryMoveRequest) template = ferry_move_request_copy (request);
  g_autoptr(FerryFeasibility) grid = NULL;
  g_autoptr(GPtrArray) hosts = g_ptr_array_new ();
  g_autoptr(GHashTable) placed = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GArray) order = NULL;
  GListModel *all = ferry_cache_get_objects (dst_cache, FERRY_TYPE_HOST);
  guint pool_column;

  grid = ferry_feasibility_new (template, NULL, settings);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(FerryHost) host = g_list_model_get_item (all, i);

      if (host == excluded)
        continue;
      ferry_feasibility_add_destination (grid, host);
      g_ptr_array_add (hosts, host);
    }
  pool_column = ferry_feasibility_add_destination (grid, ferry_cache_get_pool (dst_cache));
  for (guint v = 0; v < placements->len; v++)
    ferry_feasibility_add_vm (grid, g_array_index (placements, Placement, v).vm);
  ferry_feasibility_run_local (grid);

  /* Indices sorted by memory, largest first. */
  order = g_array_sized_new (FALSE, FALSE, sizeof (Placement), placements->len);
  g_array_append_vals (order, placements->data, placements->len);
  g_array_sort (order, compare_placements);

  /* VMs with a host of their own (ferry_move_request_set_vm_host()) keep
   * it; their memory counts on that host. */
  for (guint v = 0; v < placements->len; v++)
    {
      Placement *fixed = &g_array_index (placements, Placement, v);
      gint64 *used;

      if (fixed->host == NULL || (ferry_vm_get_power_state (fixed->vm) != FERRY_VM_POWER_STATE_RUNNING &&
                                  ferry_vm_get_power_state (fixed->vm) != FERRY_VM_POWER_STATE_PAUSED))
        continue;
      if ((used = g_hash_table_lookup (placed, fixed->host)) == NULL)
        g_hash_table_insert (placed, fixed->host, (used = g_new0 (gint64, 1)));
      *used += vm_memory (fixed->vm);
    }

  for (guint o = 0; o < order->len; o++)
    {
      FerryVm *vm = g_array_index (order, Placement, o).vm;
      guint v;
      FerryHost *best = NULL;
      gint64 best_room = G_MININT64;
      gint64 need = vm_memory (vm);
      gboolean running = ferry_vm_get_power_state (vm) == FERRY_VM_POWER_STATE_RUNNING ||
                         ferry_vm_get_power_state (vm) == FERRY_VM_POWER_STATE_PAUSED;

      for (v = 0; v < placements->len; v++)
        if (g_array_index (placements, Placement, v).vm == vm)
          break;
      if (g_array_index (placements, Placement, v).host != NULL)
        continue;

      for (guint h = 0; h < hosts->len; h++)
        {
          FerryHost *host = g_ptr_array_index (hosts, h);
          gint64 *used = g_hash_table_lookup (placed, host);
          gint64 room = host_free_memory (host) - (used ? *used : 0);

          if (ferry_feasibility_get_verdict (grid, v, h) >= FERRY_CHECK_SEVERITY_BLOCKER)
            continue;
          if (running && room < need)
            continue;
          if (best == NULL || room > best_room)
            {
              best = host;
              best_room = room;
            }
        }

      if (best != NULL)
        {
          gint64 *used = g_hash_table_lookup (placed, best);

          if (used == NULL)
            {
              used = g_new0 (gint64, 1);
              g_hash_table_insert (placed, best, used);
            }
          if (running)
            *used += need;
          g_array_index (placements, Placement, v).host = best;
        }
      else
        {
          FerryCheck *reason = ferry_feasibility_get_reason (grid, v, pool_column);

          if (reason != NULL && ferry_check_get_severity (reason) >= FERRY_CHECK_SEVERITY_BLOCKER)
            g_array_index (placements, Placement, v).reason = g_object_ref (reason);
          else
            g_array_index (placements, Placement, v).reason =
              ferry_check_new_take ("R17", FERRY_CHECK_SEVERITY_BLOCKER,
                                    g_strdup_printf (_("No host of %s has room for %s once the other VMs of the plan are placed"),
                                                     ferry_object_get_name_label (FERRY_OBJECT (ferry_cache_get_pool (dst_cache))),
                                                     ferry_object_get_name_label (FERRY_OBJECT (vm))),
                                    g_strdup (_("Move fewer VMs at once, or free memory on the destination hosts.")));
        }
    }
}

/* The blocker of one cell: VM × host, as the grid sees it. */
static FerryCheck *
cell_blocker (FerryMoveRequest  *request,
              FerryVm           *vm,
              FerryHost         *host,
              FerryRuleSettings *settings)
{
  g_autoptr(FerryFeasibility) grid = ferry_feasibility_new (request, NULL, settings);
  FerryCheck *reason;

  ferry_feasibility_add_vm (grid, vm);
  ferry_feasibility_add_destination (grid, host);
  ferry_feasibility_run_local (grid);

  if (ferry_feasibility_get_verdict (grid, 0, 0) < FERRY_CHECK_SEVERITY_BLOCKER)
    return NULL;
  reason = ferry_feasibility_get_reason (grid, 0, 0);
  return reason ? g_object_ref (reason) : NULL;
}

static FerryCheck *
request_blocker (FerryMoveRequest  *request,
                 FerryRuleSettings *settings)
{
  g_autoptr(GPtrArray) findings = ferry_rules_check (request, NULL, settings);

  for (guint i = 0; i < findings->len; i++)
    {
      FerryCheck *check = g_ptr_array_index (findings, i);

      if (ferry_check_get_severity (check) >= FERRY_CHECK_SEVERITY_BLOCKER)
        return g_object_ref (check);
    }
  return NULL;
}

static const char *
power_state_name (FerryVmPowerState state)
{
  switch (state)
    {
    case FERRY_VM_POWER_STATE_HALTED:
      return "halted";
    case FERRY_VM_POWER_STATE_PAUSED:
      return "paused";
    case FERRY_VM_POWER_STATE_RUNNING:
      return "running";
    case FERRY_VM_POWER_STATE_SUSPENDED:
      return "suspended";
    case FERRY_VM_POWER_STATE_UNKNOWN:
    default:
      return "unknown";
    }
}

static gint64
vgpu_state (FerryVm *vm)
{
  GListModel *vgpus = ferry_vm_get_vgpus (vm);
  gint64 total = 0;

  for (guint i = 0; i < g_list_model_get_n_items (vgpus); i++)
    {
      g_autoptr(FerryVgpu) vgpu = g_list_model_get_item (vgpus, i);
      FerryObject *type = ferry_object_lookup_ref (FERRY_OBJECT (vgpu), ferry_vgpu_get_vgpu_type (vgpu));
      gint64 size = FERRY_IS_VGPU_TYPE (type) ? ferry_vgpu_type_get_framebuffer_size (FERRY_VGPU_TYPE (type)) : 0;

      total += MAX (size, DEFAULT_VGPU_STATE);
    }
  return total;
}

static FerryPlanDisk *
disk_new (FerryVdi        *vdi,
          const char      *userdevice,
          FerrySr         *from,
          FerrySr         *to,
          FerryDiskReason  reason)
{
  FerryPlanDisk *disk = g_new0 (FerryPlanDisk, 1);

  disk->vdi_uuid = g_strdup (ferry_object_get_uuid (FERRY_OBJECT (vdi)));
  disk->vdi_name = g_strdup (ferry_object_get_name_label (FERRY_OBJECT (vdi)));
  disk->userdevice = g_strdup (userdevice);
  disk->virtual_size = ferry_vdi_get_virtual_size (vdi);
  disk->physical_utilisation = ferry_vdi_get_physical_utilisation (vdi);
  if (from != NULL)
    {
      disk->from_sr_uuid = g_strdup (ferry_object_get_uuid (FERRY_OBJECT (from)));
      disk->from_sr_name = g_strdup (ferry_object_get_name_label (FERRY_OBJECT (from)));
    }
  if (to != NULL)
    {
      disk->to_sr_uuid = g_strdup (ferry_object_get_uuid (FERRY_OBJECT (to)));
      disk->to_sr_name = g_strdup (ferry_object_get_name_label (FERRY_OBJECT (to)));
    }
  disk->moves = to != NULL && to != from;
  disk->reason = reason;
  return disk;
}

static void
add_disks (FerryPlanItem    *item,
           FerryMoveRequest *request,
           FerryMoveRequest *vreq,
           FerryVm          *vm,
           gboolean          cross_pool)
{
  GListModel *vbds = ferry_vm_get_vbds (vm);
  FerryCache *dst_cache = ferry_move_request_get_destination_cache (vreq);
  FerrySr *default_sr = ferry_move_request_get_default_sr (request);

  for (guint i = 0; i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vdi_object;
      FerryVdi *vdi;
      FerrySr *from;
      FerrySr *to = NULL;
      FerrySr *chosen = NULL;
      FerryDiskReason reason;
      FerryPlanDisk *disk;
      GListModel *snapshots;

      if (g_strcmp0 (ferry_vbd_get_vbd_type (vbd), "CD") == 0 || ferry_vbd_get_empty (vbd))
        continue;
      vdi_object = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));
      if (!FERRY_IS_VDI (vdi_object))
        continue;
      vdi = FERRY_VDI (vdi_object);
      from = FERRY_SR (ferry_object_lookup_ref (FERRY_OBJECT (vdi), ferry_vdi_get_sr (vdi)));

      if (item->operation == FERRY_OPERATION_LIVE_MIGRATE || item->operation == FERRY_OPERATION_EVACUATE)
        to = from;
      else
        to = ferry_move_request_resolve_vdi_sr (vreq, vdi);

      if (to == from)
        reason = FERRY_DISK_REASON_STAYS;
      else if (ferry_move_request_lookup_vdi_sr (request, vdi, &chosen) && chosen == to)
        reason = FERRY_DISK_REASON_CHOSEN;
      else if (default_sr != NULL && default_sr == to)
        reason = FERRY_DISK_REASON_SAME_SR;
      else
        reason = FERRY_DISK_REASON_DEFAULT_SR;

      if (to != NULL && dst_cache != NULL && !cross_pool &&
          ferry_object_get_cache (FERRY_OBJECT (to)) != ferry_object_get_cache (FERRY_OBJECT (vm)))
        to = NULL;

      disk = disk_new (vdi, ferry_vbd_get_userdevice (vbd), from, to, reason);
      g_ptr_array_add (item->disks, disk);

      /* Snapshots of the disk go where it goes (xapi.md §3.3). */
      if (!disk->moves && !cross_pool)
        continue;
      snapshots = ferry_vdi_get_snapshots (vdi);
      for (guint s = 0; s < g_list_model_get_n_items (snapshots); s++)
        {
          g_autoptr(FerryVdi) snapshot = g_list_model_get_item (snapshots, s);
          FerrySr *snapshot_sr = FERRY_SR (ferry_object_lookup_ref (FERRY_OBJECT (snapshot),
                                                                    ferry_vdi_get_sr (snapshot)));
          FerryPlanDisk *follower = disk_new (snapshot, NULL, snapshot_sr, to, FERRY_DISK_REASON_SNAPSHOT);

          follower->snapshot_of = g_strdup (disk->vdi_uuid);
          g_ptr_array_add (item->disks, follower);
        }
    }
}

static FerryNetwork *
find_network_by_name (FerryCache *cache,
                      const char *name)
{
  GListModel *networks = ferry_cache_get_objects (cache, FERRY_TYPE_NETWORK);

  for (guint i = 0; name != NULL && i < g_list_model_get_n_items (networks); i++)
    {
      g_autoptr(FerryNetwork) network = g_list_model_get_item (networks, i);

      if (g_strcmp0 (ferry_object_get_name_label (FERRY_OBJECT (network)), name) == 0)
        return network;
    }
  return NULL;
}

static FerryNetwork *
find_network_by_vlan (FerryCache *cache,
                      gint64      vlan)
{
  GListModel *networks = ferry_cache_get_objects (cache, FERRY_TYPE_NETWORK);

  for (guint i = 0; vlan >= 0 && i < g_list_model_get_n_items (networks); i++)
    {
      g_autoptr(FerryNetwork) network = g_list_model_get_item (networks, i);

      if (_ferry_network_get_vlan (network) == vlan)
        return network;
    }
  return NULL;
}

static void
add_vifs (FerryPlanItem    *item,
          FerryMoveRequest *request,
          FerryVm          *vm,
          FerryCache       *dst_cache,
          FerryHost        *dst_host,
          gboolean          cross_pool)
{
  GListModel *vifs = ferry_vm_get_vifs (vm);
  FerryHost *reference = dst_host ? dst_host : _ferry_cache_get_master (dst_cache);
  FerryNetwork *management = _ferry_host_get_management_network (reference);

  for (guint i = 0; i < g_list_model_get_n_items (vifs); i++)
    {
      g_autoptr(FerryVif) vif = g_list_model_get_item (vifs, i);
      FerryObject *source = ferry_object_lookup_ref (FERRY_OBJECT (vif), ferry_vif_get_network (vif));
      FerryNetwork *from = FERRY_IS_NETWORK (source) ? FERRY_NETWORK (source) : NULL;
      FerryNetwork *to = NULL;
      FerryPlanVif *out = g_new0 (FerryPlanVif, 1);

      out->vif_uuid = g_strdup (ferry_object_get_uuid (FERRY_OBJECT (vif)));
      out->device = g_strdup (ferry_vif_get_device (vif));
      out->mac = g_strdup (ferry_vif_get_mac (vif));
      out->vlan = _ferry_network_get_vlan (from);
      if (from != NULL)
        {
          out->from_network_uuid = g_strdup (ferry_object_get_uuid (FERRY_OBJECT (from)));
          out->from_network_name = g_strdup (ferry_object_get_name_label (FERRY_OBJECT (from)));
        }

      if (!cross_pool)
        {
          to = from;
          out->reason = FERRY_VIF_REASON_STAYS;
        }
      else if ((to = ferry_move_request_lookup_vif_network (request, vif)) != NULL)
        out->reason = FERRY_VIF_REASON_CHOSEN;
      else if (from != NULL &&
               (to = find_network_by_name (dst_cache, ferry_object_get_name_label (FERRY_OBJECT (from)))) != NULL)
        out->reason = FERRY_VIF_REASON_SAME_NAME;
      else if ((to = find_network_by_vlan (dst_cache, out->vlan)) != NULL)
        out->reason = FERRY_VIF_REASON_SAME_VLAN;
      else if ((to = management) != NULL)
        out->reason = FERRY_VIF_REASON_MANAGEMENT;
      else
        out->reason = FERRY_VIF_REASON_NONE;

      if (to != NULL)
        {
          out->to_network_uuid = g_strdup (ferry_object_get_uuid (FERRY_OBJECT (to)));
          out->to_network_name = g_strdup (ferry_object_get_name_label (FERRY_OBJECT (to)));
        }
      g_ptr_array_add (item->vifs, out);
    }
}

/* The request of one item with every choice explicit. */
static FerryMoveRequest *
item_request (FerryMoveRequest *request,
              FerryVm          *vm,
              FerryHost        *host)
{
  FerryMoveRequest *vreq = ferry_move_request_copy (request);

  ferry_move_request_remove_all_vms (vreq);
  ferry_move_request_add_vm (vreq, vm);
  if (host != NULL && ferry_move_request_get_operation (request) != FERRY_OPERATION_EVACUATE)
    ferry_move_request_set_destination_host (vreq, host);
  return vreq;
}

static FerryPlanItem *
item_new (FerryPlan         *plan,
          FerryMoveRequest  *request,
          FerryVm           *vm,
          FerryHost         *host,
          FerryCheck        *placement_reason,
          FerryRuleSettings *settings)
{
  g_autoptr(FerryMoveRequest) vreq = item_request (request, vm, host);
  FerryPlanItem *item = g_object_new (FERRY_TYPE_PLAN_ITEM, NULL);
  FerryCache *src_cache = ferry_object_get_cache (FERRY_OBJECT (vm));
  FerryCache *dst_cache = ferry_move_request_get_destination_cache (vreq);
  FerryObject *from_host = ferry_object_lookup_ref (FERRY_OBJECT (vm), ferry_vm_get_resident_on (vm));
  FerryNetwork *network = ferry_move_request_get_network (request);
  gboolean cross_pool;

  if (dst_cache == NULL)
    dst_cache = src_cache;
  cross_pool = dst_cache != src_cache;

  item->plan = plan;
  item->vm_uuid = g_strdup (ferry_object_get_uuid (FERRY_OBJECT (vm)));
  item->vm_name = g_strdup (ferry_object_get_name_label (FERRY_OBJECT (vm)));
  item->operation = ferry_move_request_resolve_operation (vreq, vm);
  item->power_state = g_strdup (power_state_name (ferry_vm_get_power_state (vm)));
  item->memory = ferry_vm_get_power_state (vm) == FERRY_VM_POWER_STATE_HALTED ? 0 : vm_memory (vm);
  /* Asked for: every halted VM that changes pool goes through this computer. */
  item->relay = ferry_move_request_get_relay (request) == FERRY_RELAY_ALWAYS && cross_pool &&
                ferry_vm_get_power_state (vm) == FERRY_VM_POWER_STATE_HALTED;
  item->vgpu_state = vgpu_state (vm);
  item->from_pool_uuid = g_strdup (_ferry_cache_get_pool_uuid (src_cache));
  item->from_pool_name = _ferry_cache_dup_pool_name (src_cache);
  if (FERRY_IS_HOST (from_host))
    {
      item->from_host_uuid = g_strdup (ferry_object_get_uuid (from_host));
      item->from_host_name = g_strdup (ferry_object_get_name_label (from_host));
    }
  item->to_pool_uuid = g_strdup (_ferry_cache_get_pool_uuid (dst_cache));
  item->to_pool_name = _ferry_cache_dup_pool_name (dst_cache);

  /* A disk move, or a request without a destination, keeps the VM's host. */
  if (host == NULL && !cross_pool && FERRY_IS_HOST (from_host) &&
      (item->operation == FERRY_OPERATION_MOVE_DISK ||
       (ferry_move_request_get_destination_host (request) == NULL &&
        ferry_move_request_get_destination_cache (request) == NULL)))
    host = FERRY_HOST (from_host);

  if (host != NULL)
    {
      item->to_host_uuid = g_strdup (ferry_object_get_uuid (FERRY_OBJECT (host)));
      item->to_host_name = g_strdup (ferry_object_get_name_label (FERRY_OBJECT (host)));
    }

  if (network == NULL)
    network = _ferry_host_get_management_network (host ? host : _ferry_cache_get_master (dst_cache));
  if (network != NULL)
    {
      item->network_uuid = g_strdup (ferry_object_get_uuid (FERRY_OBJECT (network)));
      item->network_name = g_strdup (ferry_object_get_name_label (FERRY_OBJECT (network)));
    }

  add_disks (item, request, vreq, vm, cross_pool);
  add_vifs (item, request, vm, dst_cache, host, cross_pool);

  if (placement_reason != NULL)
    item->blocker = g_object_ref (placement_reason);
  else if (host != NULL && item->operation != FERRY_OPERATION_MOVE_DISK)
    item->blocker = cell_blocker (vreq, vm, host, settings);
  else
    item->blocker = request_blocker (vreq, settings);

  if (item->blocker == NULL)
    for (guint i = 0; i < item->disks->len; i++)
      {
        const FerryPlanDisk *disk = g_ptr_array_index (item->disks, i);

        if (disk->to_sr_uuid == NULL && disk->snapshot_of == NULL)
          item->blocker = ferry_check_new_take ("X-VDI-NOT-IN-MAP", FERRY_CHECK_SEVERITY_BLOCKER,
                                                g_strdup_printf (_("No SR of %s can take the disk %s of %s"),
                                                                 item->to_pool_name, disk->vdi_name, item->vm_name),
                                                g_strdup (_("Choose an SR for the disk.")));
      }

  /* Asked to relay, but the disks go to several SRs: the user must choose. */
  if (item->relay)
    {
      g_autofree char *obstacle = _ferry_plan_item_dup_relay_obstacle (item);

      if (obstacle != NULL)
        {
          item->relay = FALSE;
          if (item->blocker == NULL)
            item->blocker = ferry_check_new_take ("X-RELAY-ONE-SR", FERRY_CHECK_SEVERITY_BLOCKER,
                                                  g_steal_pointer (&obstacle),
                                                  g_strdup (_("Choose one SR for all of its disks, or let the "
                                                              "pools reach each other and do not force the relay.")));
        }
    }

  return item;
}

static void
set_ref (char       **uuid,
         char       **name,
         FerryObject *object)
{
  g_free (*uuid);
  g_free (*name);
  *uuid = object ? g_strdup (ferry_object_get_uuid (object)) : NULL;
  *name = object ? g_strdup (ferry_object_get_name_label (object)) : NULL;
}

FerryPlan *
ferry_plan_new (FerryMoveRequest   *request,
                GListModel         *connections,
                FerryRuleSettings  *settings,
                GError            **error)
{
  g_autoptr(FerryPlan) self = NULL;
  g_autoptr(GArray) placements = NULL;
  FerryCache *src_cache;
  FerryCache *dst_cache;
  FerryHost *dst_host;
  FerryHost *evacuate;
  FerryConnection *connection;
  FerrySr *default_sr;
  gboolean choose;

  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (request), NULL);
  g_return_val_if_fail (connections == NULL || G_IS_LIST_MODEL (connections), NULL);

  src_cache = ferry_move_request_get_source_cache (request);
  if (src_cache == NULL || ferry_move_request_get_n_vms (request) == 0)
    {
      g_set_error_literal (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_EMPTY, _("There is no VM to move"));
      return NULL;
    }

  dst_cache = ferry_move_request_get_destination_cache (request);
  if (dst_cache == NULL)
    dst_cache = src_cache;
  dst_host = ferry_move_request_get_destination_host (request);
  evacuate = ferry_move_request_get_evacuate_host (request);
  default_sr = ferry_move_request_get_default_sr (request);

  self = plan_new_empty ();
  self->operation = ferry_move_request_get_operation (request);
  self->relay = ferry_move_request_get_relay (request);
  self->source_pool_uuid = g_strdup (_ferry_cache_get_pool_uuid (src_cache));
  self->source_pool_name = _ferry_cache_dup_pool_name (src_cache);
  self->destination_pool_uuid = g_strdup (_ferry_cache_get_pool_uuid (dst_cache));
  self->destination_pool_name = _ferry_cache_dup_pool_name (dst_cache);
  self->pool_compression = ferry_cache_get_pool (src_cache) &&
                           ferry_pool_get_migration_compression (ferry_cache_get_pool (src_cache));
  set_ref (&self->destination_host_uuid, &self->destination_host_name, FERRY_OBJECT (dst_host));
  if (self->operation == FERRY_OPERATION_EVACUATE)
    set_ref (&self->evacuate_host_uuid, &self->evacuate_host_name, FERRY_OBJECT (evacuate));
  set_ref (&self->network_uuid, &self->network_name, FERRY_OBJECT (ferry_move_request_get_network (request)));
  set_ref (&self->storage_sr_uuid, &self->storage_sr_name, FERRY_OBJECT (default_sr));
  self->storage_mode = default_sr != NULL ? FERRY_STORAGE_SAME_SR : FERRY_STORAGE_LEAVE;

  if ((connection = _ferry_connections_find_cache (connections, src_cache)) != NULL)
    {
      self->source_address = g_strdup (ferry_connection_get_address (connection));
      self->source_username = g_strdup (ferry_connection_get_username (connection));
    }
  if ((connection = _ferry_connections_find_cache (connections, dst_cache)) != NULL)
    {
      self->destination_address = g_strdup (ferry_connection_get_address (connection));
      self->destination_username = g_strdup (ferry_connection_get_username (connection));
    }

  placements = g_array_new (FALSE, TRUE, sizeof (Placement));
  for (guint i = 0; i < ferry_move_request_get_n_vms (request); i++)
    {
      Placement placement = { ferry_move_request_get_vm (request, i), NULL, NULL };
      FerryHost *own = ferry_move_request_lookup_vm_host (request, placement.vm);

      /* A host chosen for this VM alone, when it is of the destination. */
      if (own != NULL && ferry_object_get_cache (FERRY_OBJECT (own)) == dst_cache &&
          self->operation != FERRY_OPERATION_EVACUATE && self->operation != FERRY_OPERATION_MOVE_DISK)
        placement.host = own;
      g_array_append_val (placements, placement);
    }

  /* The pool chooses: an evacuation, or a pool without a host. */
  choose = dst_host == NULL &&
           (self->operation == FERRY_OPERATION_EVACUATE ||
            (ferry_move_request_get_destination_cache (request) != NULL &&
             self->operation != FERRY_OPERATION_MOVE_DISK));
  if (choose)
    place_vms (request, dst_cache, self->operation == FERRY_OPERATION_EVACUATE ? evacuate : NULL,
               settings, placements);
  else
    for (guint i = 0; i < placements->len; i++)
      if (g_array_index (placements, Placement, i).host == NULL)
        g_array_index (placements, Placement, i).host = dst_host;

  for (guint i = 0; i < placements->len; i++)
    {
      Placement *placement = &g_array_index (placements, Placement, i);
      g_autoptr(FerryPlanItem) item = item_new (self, request, placement->vm, placement->host,
                                                placement->reason, settings);

      if (self->storage_mode != FERRY_STORAGE_SAME_SR)
        for (guint d = 0; d < item->disks->len; d++)
          if (((FerryPlanDisk *) g_ptr_array_index (item->disks, d))->reason == FERRY_DISK_REASON_CHOSEN)
            self->storage_mode = FERRY_STORAGE_PER_DISK;

      g_list_store_append (self->items, item);
      g_clear_object (&placement->reason);
    }

  return g_steal_pointer (&self);
}

/* Accessors ---------------------------------------------------------------- */

#define PLAN_GETTER(type, name, field, fallback)                    \
  type                                                              \
  ferry_plan_get_##name (FerryPlan *self)                           \
  {                                                                 \
    g_return_val_if_fail (FERRY_IS_PLAN (self), fallback);          \
    return self->field;                                             \
  }

PLAN_GETTER (const char *, id, id, NULL)
PLAN_GETTER (GDateTime *, created, created, NULL)
PLAN_GETTER (FerryOperation, operation, operation, FERRY_OPERATION_AUTO)
PLAN_GETTER (const char *, source_pool_uuid, source_pool_uuid, NULL)
PLAN_GETTER (const char *, source_pool_name, source_pool_name, NULL)
PLAN_GETTER (const char *, source_address, source_address, NULL)
PLAN_GETTER (const char *, destination_pool_uuid, destination_pool_uuid, NULL)
PLAN_GETTER (const char *, destination_pool_name, destination_pool_name, NULL)
PLAN_GETTER (const char *, destination_address, destination_address, NULL)
PLAN_GETTER (const char *, destination_host_uuid, destination_host_uuid, NULL)
PLAN_GETTER (const char *, destination_host_name, destination_host_name, NULL)
PLAN_GETTER (const char *, evacuate_host_uuid, evacuate_host_uuid, NULL)
PLAN_GETTER (const char *, evacuate_host_name, evacuate_host_name, NULL)
PLAN_GETTER (FerryStorageMode, storage_mode, storage_mode, FERRY_STORAGE_LEAVE)
PLAN_GETTER (const char *, network_uuid, network_uuid, NULL)
PLAN_GETTER (const char *, network_name, network_name, NULL)
PLAN_GETTER (const char *, home_server_uuid, home_server_uuid, NULL)
PLAN_GETTER (const char *, home_server_name, home_server_name, NULL)
PLAN_GETTER (FerryCompression, compression, compression, FERRY_COMPRESSION_POOL_DEFAULT)
PLAN_GETTER (gboolean, force, force, FALSE)
PLAN_GETTER (guint, evacuation_batch_size, evacuation_batch_size, 0)
PLAN_GETTER (const char *, enable_host_uuid, enable_host_uuid, NULL)

#undef PLAN_GETTER

void
ferry_plan_set_home_server (FerryPlan *self,
                            FerryHost *host)
{
  g_return_if_fail (FERRY_IS_PLAN (self));
  g_return_if_fail (host == NULL || FERRY_IS_HOST (host));

  if (g_strcmp0 (self->home_server_uuid, host ? ferry_object_get_uuid (FERRY_OBJECT (host)) : NULL) == 0)
    return;
  set_ref (&self->home_server_uuid, &self->home_server_name, FERRY_OBJECT (host));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_HOME_SERVER_NAME]);
}

void
ferry_plan_set_compression (FerryPlan        *self,
                            FerryCompression  compression)
{
  g_return_if_fail (FERRY_IS_PLAN (self));
  g_return_if_fail (compression <= FERRY_COMPRESSION_OFF);

  if (self->compression == compression)
    return;
  self->compression = compression;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_COMPRESSION]);
}

FerryRelayMode
ferry_plan_get_relay_mode (FerryPlan *self)
{
  g_return_val_if_fail (FERRY_IS_PLAN (self), FERRY_RELAY_AUTO);

  return self->relay;
}

void
ferry_plan_set_relay_mode (FerryPlan      *self,
                           FerryRelayMode  mode)
{
  g_return_if_fail (FERRY_IS_PLAN (self));
  g_return_if_fail (mode <= FERRY_RELAY_NEVER);

  self->relay = mode;
}

gboolean
ferry_plan_get_effective_compression (FerryPlan *self)
{
  g_return_val_if_fail (FERRY_IS_PLAN (self), FALSE);

  switch (self->compression)
    {
    case FERRY_COMPRESSION_ON:
      return TRUE;
    case FERRY_COMPRESSION_OFF:
      return FALSE;
    case FERRY_COMPRESSION_POOL_DEFAULT:
    default:
      return self->pool_compression;
    }
}

void
ferry_plan_set_force (FerryPlan *self,
                      gboolean   force)
{
  g_return_if_fail (FERRY_IS_PLAN (self));

  force = !!force;
  if (self->force == force)
    return;
  self->force = force;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FORCE]);
}

void
ferry_plan_set_evacuation_batch_size (FerryPlan *self,
                                      guint      size)
{
  g_return_if_fail (FERRY_IS_PLAN (self));

  if (self->evacuation_batch_size == size)
    return;
  self->evacuation_batch_size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_EVACUATION_BATCH_SIZE]);
}

void
ferry_plan_set_enable_host (FerryPlan  *self,
                            const char *uuid,
                            const char *name)
{
  g_return_if_fail (FERRY_IS_PLAN (self));

  g_free (self->enable_host_uuid);
  g_free (self->enable_host_name);
  self->enable_host_uuid = g_strdup (uuid);
  self->enable_host_name = g_strdup (uuid ? name : NULL);
}

GListModel *
ferry_plan_get_items (FerryPlan *self)
{
  g_return_val_if_fail (FERRY_IS_PLAN (self), NULL);

  return G_LIST_MODEL (self->items);
}

guint
ferry_plan_get_n_items (FerryPlan *self)
{
  g_return_val_if_fail (FERRY_IS_PLAN (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->items));
}

FerryPlanItem *
ferry_plan_get_item (FerryPlan *self,
                     guint      index)
{
  FerryPlanItem *item;

  g_return_val_if_fail (FERRY_IS_PLAN (self), NULL);

  item = g_list_model_get_item (G_LIST_MODEL (self->items), index);
  if (item != NULL)
    g_object_unref (item);   /* the store keeps its own reference */
  return item;
}

guint
ferry_plan_get_n_blocked (FerryPlan *self)
{
  guint n = 0;

  g_return_val_if_fail (FERRY_IS_PLAN (self), 0);

  for (guint i = 0; i < ferry_plan_get_n_items (self); i++)
    n += ferry_plan_get_item (self, i)->blocker != NULL;
  return n;
}

/* JSON --------------------------------------------------------------------- */

static const char *
enum_nick (GType type,
           int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *found = g_enum_get_value (klass, value);

  return found ? found->value_nick : "";
}

static int
enum_from_nick (GType       type,
                const char *nick,
                int         fallback)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *found = nick ? g_enum_get_value_by_nick (klass, nick) : NULL;

  return found ? found->value : fallback;
}

static void
set_ref_member (JsonObject *object,
                const char *member,
                const char *uuid,
                const char *name)
{
  json_object_set_member (object, member, _ferry_json_ref_new (uuid, name));
}

static void
set_nullable_string (JsonObject *object,
                     const char *member,
                     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

static JsonObject *
place_new (const char *pool_uuid,
           const char *pool_name,
           const char *host_uuid,
           const char *host_name)
{
  JsonObject *place = json_object_new ();

  set_ref_member (place, "pool", pool_uuid, pool_name);
  set_ref_member (place, "host", host_uuid, host_name);
  return place;
}

JsonNode *
_ferry_plan_item_to_json (FerryPlanItem *item)
{
  JsonObject *object = json_object_new ();
  JsonArray *disks = json_array_new ();
  JsonArray *vifs = json_array_new ();
  JsonNode *node;

  set_ref_member (object, "vm", item->vm_uuid, item->vm_name);
  json_object_set_string_member (object, "operation", _ferry_operation_name (item->operation));
  json_object_set_string_member (object, "power_state", item->power_state ? item->power_state : "unknown");
  json_object_set_int_member (object, "memory", item->memory);
  json_object_set_int_member (object, "vgpu_state", item->vgpu_state);
  json_object_set_boolean_member (object, "relay", item->relay);
  json_object_set_object_member (object, "from", place_new (item->from_pool_uuid, item->from_pool_name,
                                                            item->from_host_uuid, item->from_host_name));
  json_object_set_object_member (object, "to", place_new (item->to_pool_uuid, item->to_pool_name,
                                                          item->to_host_uuid, item->to_host_name));
  set_ref_member (object, "network", item->network_uuid, item->network_name);

  for (guint i = 0; i < item->disks->len; i++)
    {
      const FerryPlanDisk *disk = g_ptr_array_index (item->disks, i);
      JsonObject *d = json_object_new ();

      set_ref_member (d, "vdi", disk->vdi_uuid, disk->vdi_name);
      set_nullable_string (d, "userdevice", disk->userdevice);
      json_object_set_int_member (d, "virtual_size", disk->virtual_size);
      json_object_set_int_member (d, "physical_utilisation", disk->physical_utilisation);
      set_ref_member (d, "from_sr", disk->from_sr_uuid, disk->from_sr_name);
      set_ref_member (d, "to_sr", disk->to_sr_uuid, disk->to_sr_name);
      json_object_set_boolean_member (d, "moves", disk->moves);
      set_nullable_string (d, "snapshot_of", disk->snapshot_of);
      json_object_set_string_member (d, "reason", enum_nick (FERRY_TYPE_DISK_REASON, disk->reason));
      json_array_add_object_element (disks, d);
    }
  json_object_set_array_member (object, "disks", disks);

  for (guint i = 0; i < item->vifs->len; i++)
    {
      const FerryPlanVif *vif = g_ptr_array_index (item->vifs, i);
      JsonObject *v = json_object_new ();

      set_ref_member (v, "vif", vif->vif_uuid, vif->device);
      set_nullable_string (v, "mac", vif->mac);
      set_nullable_string (v, "device", vif->device);
      set_ref_member (v, "from_network", vif->from_network_uuid, vif->from_network_name);
      set_ref_member (v, "to_network", vif->to_network_uuid, vif->to_network_name);
      json_object_set_int_member (v, "vlan", vif->vlan);
      json_object_set_string_member (v, "reason", enum_nick (FERRY_TYPE_VIF_REASON, vif->reason));
      json_array_add_object_element (vifs, v);
    }
  json_object_set_array_member (object, "vifs", vifs);

  if (item->blocker != NULL)
    {
      JsonObject *b = json_object_new ();

      json_object_set_string_member (b, "rule", ferry_check_get_rule_id (item->blocker));
      json_object_set_string_member (b, "message", ferry_check_get_message (item->blocker));
      set_nullable_string (b, "remedy", ferry_check_get_remedy (item->blocker));
      if (ferry_check_get_xapi_error (item->blocker) != NULL)
        json_object_set_string_member (b, "xapi_error", ferry_check_get_xapi_error (item->blocker));
      json_object_set_object_member (object, "blocker", b);
    }
  else
    json_object_set_null_member (object, "blocker");

  if (item->estimate != NULL)
    json_object_set_member (object, "estimate", ferry_estimate_to_json (item->estimate));
  else
    json_object_set_null_member (object, "estimate");

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

JsonNode *
ferry_plan_to_json (FerryPlan *self)
{
  JsonObject *object;
  JsonObject *place;
  JsonObject *storage;
  JsonArray *items;
  JsonNode *node;
  g_autofree char *created = NULL;

  g_return_val_if_fail (FERRY_IS_PLAN (self), NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "format", "ferry-plan");
  json_object_set_int_member (object, "version", FERRY_PLAN_FORMAT_VERSION);
  json_object_set_string_member (object, "id", self->id);
  created = _ferry_format_time (self->created);
  json_object_set_string_member (object, "created", created);
  json_object_set_string_member (object, "operation", _ferry_operation_name (self->operation));

  place = json_object_new ();
  set_ref_member (place, "pool", self->source_pool_uuid, self->source_pool_name);
  set_nullable_string (place, "address", self->source_address);
  set_nullable_string (place, "username", self->source_username);
  json_object_set_boolean_member (place, "migration_compression", self->pool_compression);
  json_object_set_object_member (object, "source", place);

  place = json_object_new ();
  set_ref_member (place, "pool", self->destination_pool_uuid, self->destination_pool_name);
  set_nullable_string (place, "address", self->destination_address);
  set_nullable_string (place, "username", self->destination_username);
  set_ref_member (place, "host", self->destination_host_uuid, self->destination_host_name);
  json_object_set_object_member (object, "destination", place);

  set_ref_member (object, "evacuate_host", self->evacuate_host_uuid, self->evacuate_host_name);
  set_ref_member (object, "enable_host", self->enable_host_uuid, self->enable_host_name);
  set_ref_member (object, "home_server", self->home_server_uuid, self->home_server_name);

  storage = json_object_new ();
  json_object_set_string_member (storage, "mode", enum_nick (FERRY_TYPE_STORAGE_MODE, self->storage_mode));
  set_ref_member (storage, "sr", self->storage_sr_uuid, self->storage_sr_name);
  json_object_set_object_member (object, "storage", storage);

  set_ref_member (object, "network", self->network_uuid, self->network_name);
  json_object_set_string_member (object, "compression", enum_nick (FERRY_TYPE_COMPRESSION, self->compression));
  json_object_set_boolean_member (object, "force", self->force);
  json_object_set_string_member (object, "relay", ferry_relay_mode_to_string (self->relay));
  json_object_set_int_member (object, "evacuation_batch_size", self->evacuation_batch_size);

  items = json_array_new ();
  for (guint i = 0; i < ferry_plan_get_n_items (self); i++)
    json_array_add_element (items, _ferry_plan_item_to_json (ferry_plan_get_item (self, i)));
  json_object_set_array_member (object, "items", items);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

char *
ferry_plan_to_data (FerryPlan *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (FERRY_IS_PLAN (self), NULL);

  node = ferry_plan_to_json (self);
  return json_to_string (node, TRUE);
}

static void
read_ref (JsonObject  *object,
          const char  *member,
          char       **uuid,
          char       **name)
{
  const char *u = NULL;
  const char *n = NULL;

  _ferry_json_get_ref (object, member, &u, &n);
  g_free (*uuid);
  g_free (*name);
  *uuid = g_strdup (u);
  *name = g_strdup (u ? n : NULL);
}

static FerryPlanItem *
item_from_json (FerryPlan   *plan,
                JsonObject  *object,
                GError     **error)
{
  g_autoptr(FerryPlanItem) item = g_object_new (FERRY_TYPE_PLAN_ITEM, NULL);
  JsonObject *from = _ferry_json_get_object (object, "from");
  JsonObject *to = _ferry_json_get_object (object, "to");
  JsonObject *blocker = _ferry_json_get_object (object, "blocker");
  JsonObject *estimate = _ferry_json_get_object (object, "estimate");
  JsonArray *disks = _ferry_json_get_array (object, "disks");
  JsonArray *vifs = _ferry_json_get_array (object, "vifs");

  item->plan = plan;
  read_ref (object, "vm", &item->vm_uuid, &item->vm_name);
  if (item->vm_uuid == NULL || from == NULL || to == NULL)
    {
      g_set_error_literal (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_INVALID,
                           _("A plan item lacks its VM, source or destination"));
      return NULL;
    }
  item->operation = _ferry_operation_from_name (_ferry_json_get_string (object, "operation"));
  if (item->operation == FERRY_OPERATION_AUTO)
    {
      g_set_error (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_INVALID,
                   _("The plan item for %s has no operation"), item->vm_name);
      return NULL;
    }
  item->power_state = g_strdup (_ferry_json_get_string (object, "power_state"));
  item->memory = _ferry_json_get_int (object, "memory", 0);
  item->vgpu_state = _ferry_json_get_int (object, "vgpu_state", 0);
  item->relay = json_object_get_boolean_member_with_default (object, "relay", FALSE);
  read_ref (from, "pool", &item->from_pool_uuid, &item->from_pool_name);
  read_ref (from, "host", &item->from_host_uuid, &item->from_host_name);
  read_ref (to, "pool", &item->to_pool_uuid, &item->to_pool_name);
  read_ref (to, "host", &item->to_host_uuid, &item->to_host_name);
  read_ref (object, "network", &item->network_uuid, &item->network_name);

  for (guint i = 0; disks != NULL && i < json_array_get_length (disks); i++)
    {
      JsonObject *d = json_array_get_object_element (disks, i);
      FerryPlanDisk *disk;

      if (d == NULL)
        continue;
      disk = g_new0 (FerryPlanDisk, 1);
      read_ref (d, "vdi", &disk->vdi_uuid, &disk->vdi_name);
      disk->userdevice = g_strdup (_ferry_json_get_string (d, "userdevice"));
      disk->virtual_size = _ferry_json_get_int (d, "virtual_size", 0);
      disk->physical_utilisation = _ferry_json_get_int (d, "physical_utilisation", 0);
      read_ref (d, "from_sr", &disk->from_sr_uuid, &disk->from_sr_name);
      read_ref (d, "to_sr", &disk->to_sr_uuid, &disk->to_sr_name);
      disk->moves = json_object_get_boolean_member_with_default (d, "moves", FALSE);
      disk->snapshot_of = g_strdup (_ferry_json_get_string (d, "snapshot_of"));
      disk->reason = enum_from_nick (FERRY_TYPE_DISK_REASON, _ferry_json_get_string (d, "reason"),
                                     FERRY_DISK_REASON_STAYS);
      if (disk->vdi_uuid == NULL)
        {
          plan_disk_free (disk);
          g_set_error (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_INVALID,
                       _("A disk of %s in the plan has no UUID"), item->vm_name);
          return NULL;
        }
      g_ptr_array_add (item->disks, disk);
    }

  for (guint i = 0; vifs != NULL && i < json_array_get_length (vifs); i++)
    {
      JsonObject *v = json_array_get_object_element (vifs, i);
      FerryPlanVif *vif;
      g_autofree char *ignored = NULL;

      if (v == NULL)
        continue;
      vif = g_new0 (FerryPlanVif, 1);
      read_ref (v, "vif", &vif->vif_uuid, &ignored);
      vif->device = g_strdup (_ferry_json_get_string (v, "device"));
      vif->mac = g_strdup (_ferry_json_get_string (v, "mac"));
      read_ref (v, "from_network", &vif->from_network_uuid, &vif->from_network_name);
      read_ref (v, "to_network", &vif->to_network_uuid, &vif->to_network_name);
      vif->vlan = _ferry_json_get_int (v, "vlan", -1);
      vif->reason = enum_from_nick (FERRY_TYPE_VIF_REASON, _ferry_json_get_string (v, "reason"),
                                    FERRY_VIF_REASON_NONE);
      if (vif->vif_uuid == NULL)
        {
          plan_vif_free (vif);
          g_set_error (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_INVALID,
                       _("An interface of %s in the plan has no UUID"), item->vm_name);
          return NULL;
        }
      g_ptr_array_add (item->vifs, vif);
    }

  if (blocker != NULL)
    item->blocker = ferry_check_new (_ferry_json_get_string (blocker, "rule") ?: "X-ERROR",
                                     FERRY_CHECK_SEVERITY_BLOCKER,
                                     _ferry_json_get_string (blocker, "message") ?: "",
                                     _ferry_json_get_string (blocker, "remedy"));
  if (estimate != NULL)
    item->estimate = ferry_estimate_new_from_json (estimate);

  return g_steal_pointer (&item);
}

FerryPlan *
ferry_plan_new_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(FerryPlan) self = NULL;
  JsonObject *object;
  JsonObject *source;
  JsonObject *destination;
  JsonObject *storage;
  JsonArray *items;
  const char *id;

  g_return_val_if_fail (node != NULL, NULL);

  object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (object == NULL || g_strcmp0 (_ferry_json_get_string (object, "format"), "ferry-plan") != 0)
    {
      g_set_error_literal (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_INVALID, _("This is not a Ferry plan"));
      return NULL;
    }
  if (_ferry_json_get_int (object, "version", 0) != FERRY_PLAN_FORMAT_VERSION)
    {
      g_set_error (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_INVALID,
                   _("The plan has format version %ld; this Ferry reads version %d"),
                   (long) _ferry_json_get_int (object, "version", 0), FERRY_PLAN_FORMAT_VERSION);
      return NULL;
    }

  source = _ferry_json_get_object (object, "source");
  destination = _ferry_json_get_object (object, "destination");
  items = _ferry_json_get_array (object, "items");
  id = _ferry_json_get_string (object, "id");
  if (source == NULL || destination == NULL || items == NULL || id == NULL)
    {
      g_set_error_literal (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_INVALID,
                           _("The plan lacks its id, source, destination or items"));
      return NULL;
    }

  self = g_object_new (FERRY_TYPE_PLAN, NULL);
  self->id = g_strdup (id);
  self->created = _ferry_parse_time (_ferry_json_get_string (object, "created"));
  if (self->created == NULL)
    self->created = g_date_time_new_now_utc ();
  self->operation = _ferry_operation_from_name (_ferry_json_get_string (object, "operation"));
  read_ref (source, "pool", &self->source_pool_uuid, &self->source_pool_name);
  self->source_address = g_strdup (_ferry_json_get_string (source, "address"));
  self->source_username = g_strdup (_ferry_json_get_string (source, "username"));
  self->pool_compression = json_object_get_boolean_member_with_default (source, "migration_compression", FALSE);
  read_ref (destination, "pool", &self->destination_pool_uuid, &self->destination_pool_name);
  self->destination_address = g_strdup (_ferry_json_get_string (destination, "address"));
  self->destination_username = g_strdup (_ferry_json_get_string (destination, "username"));
  read_ref (destination, "host", &self->destination_host_uuid, &self->destination_host_name);
  read_ref (object, "evacuate_host", &self->evacuate_host_uuid, &self->evacuate_host_name);
  read_ref (object, "enable_host", &self->enable_host_uuid, &self->enable_host_name);
  read_ref (object, "home_server", &self->home_server_uuid, &self->home_server_name);
  storage = _ferry_json_get_object (object, "storage");
  self->storage_mode = enum_from_nick (FERRY_TYPE_STORAGE_MODE, _ferry_json_get_string (storage, "mode"),
                                       FERRY_STORAGE_LEAVE);
  read_ref (storage, "sr", &self->storage_sr_uuid, &self->storage_sr_name);
  read_ref (object, "network", &self->network_uuid, &self->network_name);
  self->compression = enum_from_nick (FERRY_TYPE_COMPRESSION, _ferry_json_get_string (object, "compression"),
                                      FERRY_COMPRESSION_POOL_DEFAULT);
  self->force = json_object_get_boolean_member_with_default (object, "force", FALSE);
  /* Plans from before relays had none: "auto". */
  if (!ferry_relay_mode_from_string (_ferry_json_get_string (object, "relay"), &self->relay))
    self->relay = FERRY_RELAY_AUTO;
  self->evacuation_batch_size = CLAMP (_ferry_json_get_int (object, "evacuation_batch_size", 0), 0, 1000);

  if (self->source_pool_uuid == NULL || self->destination_pool_uuid == NULL)
    {
      g_set_error_literal (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_INVALID,
                           _("The plan does not name its pools"));
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item_object = json_array_get_object_element (items, i);
      g_autoptr(FerryPlanItem) item = NULL;

      if (item_object == NULL)
        {
          g_set_error_literal (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_INVALID,
                               _("A plan item is not an object"));
          return NULL;
        }
      item = item_from_json (self, item_object, error);
      if (item == NULL)
        return NULL;
      g_list_store_append (self->items, item);
    }

  if (ferry_plan_get_n_items (self) == 0)
    {
      g_set_error_literal (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_EMPTY, _("There is no VM to move"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

FerryPlan *
ferry_plan_new_from_data (const char  *data,
                          gssize       length,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_INVALID,
                   _("The plan is not valid JSON: %s"), local_error->message);
      return NULL;
    }
  return ferry_plan_new_from_json (json_parser_get_root (parser), error);
}

/* Back to a request -------------------------------------------------------- */

static gpointer
lookup_or_fail (FerryCache  *cache,
                GType        type,
                const char  *uuid,
                const char  *name,
                GError     **error)
{
  gpointer object = _ferry_cache_find_uuid (cache, type, uuid);

  if (object == NULL && uuid != NULL)
    g_set_error (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_NOT_FOUND,
                 _("%s (%s) is no longer there"), name ? name : uuid, uuid);
  return object;
}

FerryMoveRequest *
ferry_plan_dup_request (FerryPlan   *self,
                        GListModel  *connections,
                        GError     **error)
{
  g_autoptr(FerryMoveRequest) request = NULL;
  FerryConnection *src;
  FerryConnection *dst;
  FerryCache *src_cache;
  FerryCache *dst_cache;

  g_return_val_if_fail (FERRY_IS_PLAN (self), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (connections), NULL);

  src = _ferry_connections_find_pool (connections, self->source_pool_uuid);
  dst = _ferry_connections_find_pool (connections, self->destination_pool_uuid);
  if (src == NULL || dst == NULL)
    {
      g_set_error (error, FERRY_PLAN_ERROR, FERRY_PLAN_ERROR_NOT_FOUND,
                   _("Ferry is not connected to %s"), src == NULL ? self->source_pool_name : self->destination_pool_name);
      return NULL;
    }
  src_cache = ferry_connection_get_cache (src);
  dst_cache = ferry_connection_get_cache (dst);

  request = ferry_move_request_new ();
  ferry_move_request_set_operation (request, self->operation);
  ferry_move_request_set_relay (request, self->relay);
  if (self->operation == FERRY_OPERATION_EVACUATE)
    {
      FerryHost *host = lookup_or_fail (src_cache, FERRY_TYPE_HOST, self->evacuate_host_uuid,
                                        self->evacuate_host_name, error);

      if (host == NULL)
        return NULL;
      ferry_move_request_set_evacuate_host (request, host);
      ferry_move_request_remove_all_vms (request);
    }

  if (self->destination_host_uuid != NULL)
    {
      FerryHost *host = lookup_or_fail (dst_cache, FERRY_TYPE_HOST, self->destination_host_uuid,
                                        self->destination_host_name, error);

      if (host == NULL)
        return NULL;
      ferry_move_request_set_destination_host (request, host);
    }
  else if (dst_cache != src_cache || self->operation == FERRY_OPERATION_EVACUATE)
    ferry_move_request_set_destination_pool (request, dst_cache);

  if (self->network_uuid != NULL)
    {
      FerryNetwork *network = lookup_or_fail (dst_cache, FERRY_TYPE_NETWORK, self->network_uuid,
                                              self->network_name, error);

      if (network == NULL)
        return NULL;
      ferry_move_request_set_network (request, network);
    }

  for (guint i = 0; i < ferry_plan_get_n_items (self); i++)
    {
      FerryPlanItem *item = ferry_plan_get_item (self, i);
      FerryVm *vm = lookup_or_fail (src_cache, FERRY_TYPE_VM, item->vm_uuid, item->vm_name, error);
      FerryCache *to_cache = ferry_plan_item_is_cross_pool (item) ? dst_cache : src_cache;

      if (vm == NULL)
        return NULL;
      ferry_move_request_add_vm (request, vm);

      for (guint d = 0; d < item->disks->len; d++)
        {
          const FerryPlanDisk *disk = g_ptr_array_index (item->disks, d);
          FerryVdi *vdi;
          FerrySr *sr;

          if (disk->snapshot_of != NULL || disk->to_sr_uuid == NULL)
            continue;
          vdi = lookup_or_fail (src_cache, FERRY_TYPE_VDI, disk->vdi_uuid, disk->vdi_name, error);
          sr = vdi ? lookup_or_fail (to_cache, FERRY_TYPE_SR, disk->to_sr_uuid, disk->to_sr_name, error) : NULL;
          if (vdi == NULL || sr == NULL)
            return NULL;
          ferry_move_request_set_vdi_sr (request, vdi, disk->moves ? sr : NULL);
        }

      for (guint v = 0; ferry_plan_item_is_cross_pool (item) && v < item->vifs->len; v++)
        {
          const FerryPlanVif *plan_vif = g_ptr_array_index (item->vifs, v);
          FerryVif *vif = lookup_or_fail (src_cache, FERRY_TYPE_VIF, plan_vif->vif_uuid, plan_vif->device, error);
          FerryNetwork *network;

          if (vif == NULL)
            return NULL;
          if (plan_vif->to_network_uuid == NULL)
            continue;
          network = lookup_or_fail (dst_cache, FERRY_TYPE_NETWORK, plan_vif->to_network_uuid,
                                    plan_vif->to_network_name, error);
          if (network == NULL)
            return NULL;
          ferry_move_request_set_vif_network (request, vif, network);
        }
    }

  return g_steal_pointer (&request);
}

void
_ferry_plan_expect_enabled_host (FerryPlan  *plan,
                                 const char *uuid,
                                 const char *name)
{
  ferry_plan_set_enable_host (plan, uuid, name);

  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    {
      FerryPlanItem *item = ferry_plan_get_item (plan, i);

      if (item->blocker != NULL && g_strcmp0 (item->to_host_uuid, uuid) == 0 &&
          g_strcmp0 (ferry_check_get_rule_id (item->blocker), "X-HOST-DISABLED") == 0)
        {
          g_clear_object (&item->blocker);
          g_object_notify_by_pspec (G_OBJECT (item), item_properties [ITEM_PROP_BLOCKER]);
        }
    }
}
