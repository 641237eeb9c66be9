/* ferry-move-request.c: what the user asks to move, and where
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-move-request"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-cache.h"
#include "ferry-host.h"
#include "ferry-move-request.h"
#include "ferry-network.h"
#include "ferry-rules-private.h"
#include "ferry-sr.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vif.h"
#include "ferry-vm.h"

struct _FerryMoveRequest
{
  GObject         parent_instance;

  GListStore     *vms;
  FerryHost      *destination_host;
  FerryCache     *destination_cache;
  FerryHost      *evacuate_host;
  FerrySr        *default_sr;
  FerryNetwork   *network;
  GHashTable     *vdi_srs;        /* FerryVdi → FerrySr or NULL (left in place) */
  GHashTable     *vif_networks;   /* FerryVif → FerryNetwork */
  GHashTable     *vm_hosts;       /* FerryVm → FerryHost */
  FerryOperation  operation;
  FerryRelayMode  relay;
};

enum {
  PROP_0,
  PROP_OPERATION,
  PROP_DESTINATION_HOST,
  PROP_DESTINATION_CACHE,
  PROP_EVACUATE_HOST,
  PROP_DEFAULT_SR,
  PROP_NETWORK,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_ENUM_TYPE (FerryOperation, ferry_operation,
  G_DEFINE_ENUM_VALUE (FERRY_OPERATION_AUTO, "auto"),
  G_DEFINE_ENUM_VALUE (FERRY_OPERATION_LIVE_MIGRATE, "live-migrate"),
  G_DEFINE_ENUM_VALUE (FERRY_OPERATION_STORAGE_MIGRATE, "storage-migrate"),
  G_DEFINE_ENUM_VALUE (FERRY_OPERATION_MOVE_DISK, "move-disk"),
  G_DEFINE_ENUM_VALUE (FERRY_OPERATION_MOVE_HALTED, "move-halted"),
  G_DEFINE_ENUM_VALUE (FERRY_OPERATION_EVACUATE, "evacuate"))

G_DEFINE_FINAL_TYPE (FerryMoveRequest, ferry_move_request, G_TYPE_OBJECT)

const char *
ferry_operation_get_id (FerryOperation operation)
{
  static const char * const ids[] = { "", "O1", "O2", "O3", "O4", "O5" };

  g_return_val_if_fail (operation <= FERRY_OPERATION_EVACUATE, "");

  return ids[operation];
}

const char *
ferry_operation_get_title (FerryOperation operation)
{
  switch (operation)
    {
    case FERRY_OPERATION_AUTO:
      return _("Automatic");
    case FERRY_OPERATION_LIVE_MIGRATE:
      return _("Live migration");
    case FERRY_OPERATION_STORAGE_MIGRATE:
      return _("Storage live migration");
    case FERRY_OPERATION_MOVE_DISK:
      return _("Live disk move");
    case FERRY_OPERATION_MOVE_HALTED:
      return _("Move of a stopped VM");
    case FERRY_OPERATION_EVACUATE:
      return _("Host evacuation");
    default:
      g_return_val_if_reached ("");
    }
}

const char *
ferry_operation_get_xapi_operation (FerryOperation operation)
{
  switch (operation)
    {
    case FERRY_OPERATION_LIVE_MIGRATE:
    case FERRY_OPERATION_EVACUATE:
      return "pool_migrate";
    case FERRY_OPERATION_STORAGE_MIGRATE:
    case FERRY_OPERATION_MOVE_DISK:
    case FERRY_OPERATION_MOVE_HALTED:
      return "migrate_send";
    case FERRY_OPERATION_AUTO:
    default:
      return NULL;
    }
}

static void
ferry_move_request_finalize (GObject *object)
{
  FerryMoveRequest *self = (FerryMoveRequest *)object;

  g_clear_object (&self->vms);
  g_clear_object (&self->destination_host);
  g_clear_object (&self->destination_cache);
  g_clear_object (&self->evacuate_host);
  g_clear_object (&self->default_sr);
  g_clear_object (&self->network);
  g_clear_pointer (&self->vdi_srs, g_hash_table_unref);
  g_clear_pointer (&self->vif_networks, g_hash_table_unref);
  g_clear_pointer (&self->vm_hosts, g_hash_table_unref);

  G_OBJECT_CLASS (ferry_move_request_parent_class)->finalize (object);
}

static void
ferry_move_request_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FerryMoveRequest *self = FERRY_MOVE_REQUEST (object);

  switch (prop_id)
    {
    case PROP_OPERATION:
      g_value_set_enum (value, self->operation);
      break;

    case PROP_DESTINATION_HOST:
      g_value_set_object (value, self->destination_host);
      break;

    case PROP_DESTINATION_CACHE:
      g_value_set_object (value, ferry_move_request_get_destination_cache (self));
      break;

    case PROP_EVACUATE_HOST:
      g_value_set_object (value, self->evacuate_host);
      break;

    case PROP_DEFAULT_SR:
      g_value_set_object (value, self->default_sr);
      break;

    case PROP_NETWORK:
      g_value_set_object (value, self->network);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_move_request_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  FerryMoveRequest *self = FERRY_MOVE_REQUEST (object);

  switch (prop_id)
    {
    case PROP_OPERATION:
      ferry_move_request_set_operation (self, g_value_get_enum (value));
      break;

    case PROP_DESTINATION_HOST:
      ferry_move_request_set_destination_host (self, g_value_get_object (value));
      break;

    case PROP_DESTINATION_CACHE:
      ferry_move_request_set_destination_pool (self, g_value_get_object (value));
      break;

    case PROP_EVACUATE_HOST:
      ferry_move_request_set_evacuate_host (self, g_value_get_object (value));
      break;

    case PROP_DEFAULT_SR:
      ferry_move_request_set_default_sr (self, g_value_get_object (value));
      break;

    case PROP_NETWORK:
      ferry_move_request_set_network (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_move_request_class_init (FerryMoveRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_move_request_finalize;
  object_class->get_property = ferry_move_request_get_property;
  object_class->set_property = ferry_move_request_set_property;

  properties [PROP_OPERATION] =
    g_param_spec_enum ("operation", NULL, NULL,
                       FERRY_TYPE_OPERATION, FERRY_OPERATION_AUTO,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_DESTINATION_HOST] =
    g_param_spec_object ("destination-host", NULL, NULL,
                         FERRY_TYPE_HOST,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_DESTINATION_CACHE] =
    g_param_spec_object ("destination-cache", NULL, NULL,
                         FERRY_TYPE_CACHE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_EVACUATE_HOST] =
    g_param_spec_object ("evacuate-host", NULL, NULL,
                         FERRY_TYPE_HOST,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_DEFAULT_SR] =
    g_param_spec_object ("default-sr", NULL, NULL,
                         FERRY_TYPE_SR,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_NETWORK] =
    g_param_spec_object ("network", NULL, NULL,
                         FERRY_TYPE_NETWORK,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
unref0 (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
ferry_move_request_init (FerryMoveRequest *self)
{
  self->vms = g_list_store_new (FERRY_TYPE_VM);
  self->vdi_srs = g_hash_table_new_full (NULL, NULL, g_object_unref, unref0);
  self->vif_networks = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->vm_hosts = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
}

FerryMoveRequest *
ferry_move_request_new (void)
{
  return g_object_new (FERRY_TYPE_MOVE_REQUEST, NULL);
}

FerryMoveRequest *
ferry_move_request_new_for_vm (FerryVm *vm)
{
  FerryMoveRequest *self;

  g_return_val_if_fail (FERRY_IS_VM (vm), NULL);

  self = ferry_move_request_new ();
  ferry_move_request_add_vm (self, vm);

  return self;
}

static void
copy_map (GHashTable *from,
          GHashTable *to)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (to, g_object_ref (key), value ? g_object_ref (value) : NULL);
}

FerryMoveRequest *
ferry_move_request_copy (FerryMoveRequest *self)
{
  FerryMoveRequest *copy;

  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), NULL);

  copy = ferry_move_request_new ();
  for (guint i = 0; i < ferry_move_request_get_n_vms (self); i++)
    g_list_store_append (copy->vms, ferry_move_request_get_vm (self, i));
  g_set_object (&copy->destination_host, self->destination_host);
  g_set_object (&copy->destination_cache, self->destination_cache);
  g_set_object (&copy->evacuate_host, self->evacuate_host);
  g_set_object (&copy->default_sr, self->default_sr);
  g_set_object (&copy->network, self->network);
  copy_map (self->vdi_srs, copy->vdi_srs);
  copy_map (self->vif_networks, copy->vif_networks);
  copy_map (self->vm_hosts, copy->vm_hosts);
  copy->operation = self->operation;
  copy->relay = self->relay;

  return copy;
}

void
ferry_move_request_add_vm (FerryMoveRequest *self,
                           FerryVm          *vm)
{
  FerryCache *cache;

  g_return_if_fail (FERRY_IS_MOVE_REQUEST (self));
  g_return_if_fail (FERRY_IS_VM (vm));

  cache = ferry_move_request_get_source_cache (self);
  if (cache != NULL && ferry_object_get_cache (FERRY_OBJECT (vm)) != cache)
    {
      g_critical ("%s: every VM of a request must come from one pool", G_STRFUNC);
      return;
    }
  if (g_list_store_find (self->vms, vm, NULL))
    return;

  g_list_store_append (self->vms, vm);
}

void
ferry_move_request_remove_all_vms (FerryMoveRequest *self)
{
  g_return_if_fail (FERRY_IS_MOVE_REQUEST (self));

  g_list_store_remove_all (self->vms);
}

GListModel *
ferry_move_request_get_vms (FerryMoveRequest *self)
{
  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), NULL);

  return G_LIST_MODEL (self->vms);
}

guint
ferry_move_request_get_n_vms (FerryMoveRequest *self)
{
  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->vms));
}

FerryVm *
ferry_move_request_get_vm (FerryMoveRequest *self,
                           guint             index)
{
  FerryVm *vm;

  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), NULL);

  /* The store keeps its own reference: hand out a borrowed pointer. */
  vm = g_list_model_get_item (G_LIST_MODEL (self->vms), index);
  if (vm != NULL)
    g_object_unref (vm);

  return vm;
}

FerryCache *
ferry_move_request_get_source_cache (FerryMoveRequest *self)
{
  g_autoptr(FerryObject) first = NULL;

  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), NULL);

  first = g_list_model_get_item (G_LIST_MODEL (self->vms), 0);
  if (first == NULL)
    return self->evacuate_host ? ferry_object_get_cache (FERRY_OBJECT (self->evacuate_host)) : NULL;

  return ferry_object_get_cache (first);
}

void
ferry_move_request_set_destination_host (FerryMoveRequest *self,
                                         FerryHost        *host)
{
  g_return_if_fail (FERRY_IS_MOVE_REQUEST (self));
  g_return_if_fail (host == NULL || FERRY_IS_HOST (host));

  if (g_set_object (&self->destination_host, host))
    {
      FerryCache *cache = host ? ferry_object_get_cache (FERRY_OBJECT (host)) : NULL;

      g_object_freeze_notify (G_OBJECT (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_DESTINATION_HOST]);
      if (cache != NULL && g_set_object (&self->destination_cache, cache))
        g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_DESTINATION_CACHE]);
      g_object_thaw_notify (G_OBJECT (self));
    }
}

FerryHost *
ferry_move_request_get_destination_host (FerryMoveRequest *self)
{
  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), NULL);

  return self->destination_host;
}

void
ferry_move_request_set_destination_pool (FerryMoveRequest *self,
                                         FerryCache       *cache)
{
  g_return_if_fail (FERRY_IS_MOVE_REQUEST (self));
  g_return_if_fail (cache == NULL || FERRY_IS_CACHE (cache));

  g_object_freeze_notify (G_OBJECT (self));
  if (g_set_object (&self->destination_cache, cache))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_DESTINATION_CACHE]);
  /* The pool chooses the host. */
  if (self->destination_host != NULL)
    {
      g_clear_object (&self->destination_host);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_DESTINATION_HOST]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

FerryCache *
ferry_move_request_get_destination_cache (FerryMoveRequest *self)
{
  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), NULL);

  return self->destination_cache;
}

gboolean
ferry_move_request_is_cross_pool (FerryMoveRequest *self)
{
  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), FALSE);

  return self->destination_cache != NULL &&
         self->destination_cache != ferry_move_request_get_source_cache (self);
}

void
ferry_move_request_set_vm_host (FerryMoveRequest *self,
                                FerryVm          *vm,
                                FerryHost        *host)
{
  g_return_if_fail (FERRY_IS_MOVE_REQUEST (self));
  g_return_if_fail (FERRY_IS_VM (vm));
  g_return_if_fail (host == NULL || FERRY_IS_HOST (host));

  if (host == NULL)
    g_hash_table_remove (self->vm_hosts, vm);
  else
    g_hash_table_replace (self->vm_hosts, g_object_ref (vm), g_object_ref (host));
}

FerryHost *
ferry_move_request_lookup_vm_host (FerryMoveRequest *self,
                                   FerryVm          *vm)
{
  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), NULL);

  return g_hash_table_lookup (self->vm_hosts, vm);
}

void
ferry_move_request_set_evacuate_host (FerryMoveRequest *self,
                                      FerryHost        *host)
{
  g_return_if_fail (FERRY_IS_MOVE_REQUEST (self));
  g_return_if_fail (host == NULL || FERRY_IS_HOST (host));

  if (!g_set_object (&self->evacuate_host, host))
    return;

  g_object_freeze_notify (G_OBJECT (self));
  g_list_store_remove_all (self->vms);
  if (host != NULL)
    {
      GListModel *resident = ferry_host_get_resident_vms (host);

      for (guint i = 0; i < g_list_model_get_n_items (resident); i++)
        {
          g_autoptr(FerryVm) vm = g_list_model_get_item (resident, i);

          if (!ferry_vm_get_is_control_domain (vm))
            g_list_store_append (self->vms, vm);
        }
      ferry_move_request_set_destination_pool (self, ferry_object_get_cache (FERRY_OBJECT (host)));
      ferry_move_request_set_operation (self, FERRY_OPERATION_EVACUATE);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_EVACUATE_HOST]);
  g_object_thaw_notify (G_OBJECT (self));
}

FerryHost *
ferry_move_request_get_evacuate_host (FerryMoveRequest *self)
{
  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), NULL);

  return self->evacuate_host;
}

void
ferry_move_request_set_default_sr (FerryMoveRequest *self,
                                   FerrySr          *sr)
{
  g_return_if_fail (FERRY_IS_MOVE_REQUEST (self));
  g_return_if_fail (sr == NULL || FERRY_IS_SR (sr));

  if (g_set_object (&self->default_sr, sr))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_DEFAULT_SR]);
}

FerrySr *
ferry_move_request_get_default_sr (FerryMoveRequest *self)
{
  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), NULL);

  return self->default_sr;
}

void
ferry_move_request_set_vdi_sr (FerryMoveRequest *self,
                               FerryVdi         *vdi,
                               FerrySr          *sr)
{
  g_return_if_fail (FERRY_IS_MOVE_REQUEST (self));
  g_return_if_fail (FERRY_IS_VDI (vdi));
  g_return_if_fail (sr == NULL || FERRY_IS_SR (sr));

  g_hash_table_insert (self->vdi_srs, g_object_ref (vdi), sr ? g_object_ref (sr) : NULL);
}

void
ferry_move_request_unset_vdi_sr (FerryMoveRequest *self,
                                 FerryVdi         *vdi)
{
  g_return_if_fail (FERRY_IS_MOVE_REQUEST (self));

  g_hash_table_remove (self->vdi_srs, vdi);
}

gboolean
ferry_move_request_lookup_vdi_sr (FerryMoveRequest  *self,
                                  FerryVdi          *vdi,
                                  FerrySr          **sr)
{
  gpointer value = NULL;
  gboolean found;

  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), FALSE);

  found = g_hash_table_lookup_extended (self->vdi_srs, vdi, NULL, &value);
  if (sr != NULL)
    *sr = value;

  return found;
}

void
ferry_move_request_set_network (FerryMoveRequest *self,
                                FerryNetwork     *network)
{
  g_return_if_fail (FERRY_IS_MOVE_REQUEST (self));
  g_return_if_fail (network == NULL || FERRY_IS_NETWORK (network));

  if (g_set_object (&self->network, network))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_NETWORK]);
}

FerryNetwork *
ferry_move_request_get_network (FerryMoveRequest *self)
{
  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), NULL);

  return self->network;
}

void
ferry_move_request_set_vif_network (FerryMoveRequest *self,
                                    FerryVif         *vif,
                                    FerryNetwork     *network)
{
  g_return_if_fail (FERRY_IS_MOVE_REQUEST (self));
  g_return_if_fail (FERRY_IS_VIF (vif));
  g_return_if_fail (network == NULL || FERRY_IS_NETWORK (network));

  if (network == NULL)
    g_hash_table_remove (self->vif_networks, vif);
  else
    g_hash_table_insert (self->vif_networks, g_object_ref (vif), g_object_ref (network));
}

FerryNetwork *
ferry_move_request_lookup_vif_network (FerryMoveRequest *self,
                                       FerryVif         *vif)
{
  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), NULL);

  return g_hash_table_lookup (self->vif_networks, vif);
}

void
ferry_move_request_set_operation (FerryMoveRequest *self,
                                  FerryOperation    operation)
{
  g_return_if_fail (FERRY_IS_MOVE_REQUEST (self));
  g_return_if_fail (operation <= FERRY_OPERATION_EVACUATE);

  if (self->operation != operation)
    {
      self->operation = operation;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_OPERATION]);
    }
}

FerryOperation
ferry_move_request_get_operation (FerryMoveRequest *self)
{
  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), FERRY_OPERATION_AUTO);

  return self->operation;
}

FerryOperation
ferry_move_request_resolve_operation (FerryMoveRequest *self,
                                      FerryVm          *vm)
{
  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), FERRY_OPERATION_AUTO);
  g_return_val_if_fail (FERRY_IS_VM (vm), FERRY_OPERATION_AUTO);

  return _ferry_rules_resolve (self, vm, NULL, NULL);
}

FerrySr *
ferry_move_request_resolve_vdi_sr (FerryMoveRequest *self,
                                   FerryVdi         *vdi)
{
  GListModel *vbds;
  FerrySr *sr = NULL;

  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), NULL);
  g_return_val_if_fail (FERRY_IS_VDI (vdi), NULL);

  /* The disk's VM in this request decides the destination host. */
  vbds = ferry_vdi_get_vbds (vdi);
  for (guint i = 0; i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vm = ferry_object_lookup_ref (FERRY_OBJECT (vdi), ferry_vbd_get_vm (vbd));

      if (FERRY_IS_VM (vm) && g_list_store_find (self->vms, vm, NULL))
        {
          _ferry_rules_resolve (self, FERRY_VM (vm), vdi, &sr);
          return sr;
        }
    }

  /* A disk of no VM of the request stays where it is. */
  return FERRY_SR (ferry_object_lookup_ref (FERRY_OBJECT (vdi), ferry_vdi_get_sr (vdi)));
}

void
ferry_move_request_set_relay (FerryMoveRequest *self,
                              FerryRelayMode    mode)
{
  g_return_if_fail (FERRY_IS_MOVE_REQUEST (self));
  g_return_if_fail (mode <= FERRY_RELAY_NEVER);

  self->relay = mode;
}

FerryRelayMode
ferry_move_request_get_relay (FerryMoveRequest *self)
{
  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (self), FERRY_RELAY_AUTO);

  return self->relay;
}
