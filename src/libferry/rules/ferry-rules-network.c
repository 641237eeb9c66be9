/* ferry-rules-network.c: networks (R30, xapi §3.3/§4.3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rules-network"

#include "config.h"

#include "ferry-rules-private.h"

/* An internal network (no PIFs) pins the VMs on it to one host, unless it
 * is marked as shared (xapi.md §4.3). Returns the host it is pinned to. */
static FerryHost *
internal_network_host (FerryNetwork *network,
                       FerryHost    *candidate)
{
  GListModel *vifs;
  FerryHost *pinned = NULL;
  const char *shared;

  if (!ferry_network_get_managed (network))
    return NULL;
  shared = ferry_object_lookup_other_config (FERRY_OBJECT (network), "assume_network_is_shared");
  if (shared != NULL && g_ascii_strcasecmp (shared, "true") == 0)
    return NULL;

  vifs = ferry_network_get_vifs (network);
  for (guint i = 0; i < g_list_model_get_n_items (vifs); i++)
    {
      g_autoptr(FerryVif) vif = g_list_model_get_item (vifs, i);
      FerryObject *vm = ferry_object_lookup_ref (FERRY_OBJECT (vif), ferry_vif_get_vm (vif));
      FerryObject *host;

      if (!FERRY_IS_VM (vm) || ferry_vm_get_power_state (FERRY_VM (vm)) != FERRY_VM_POWER_STATE_RUNNING)
        continue;
      host = ferry_object_lookup_ref (vm, ferry_vm_get_resident_on (FERRY_VM (vm)));
      if (!FERRY_IS_HOST (host))
        continue;
      if (host == FERRY_OBJECT (candidate))
        return NULL;            /* a running VM on it is there already */
      pinned = FERRY_HOST (host);
    }

  return pinned;
}

/* VM_REQUIRES_NETWORK / HOST_CANNOT_ATTACH_NETWORK inside a pool. */
void
_ferry_rule_requires_network (FerryRuleCell *cell)
{
  if (cell->dst == NULL || cell->same_host || cell->cross_pool ||
      cell->vm->power == FERRY_VM_POWER_STATE_HALTED)
    return;

  for (guint i = 0; i < cell->vm->vifs->len; i++)
    {
      FerryVif *vif = g_ptr_array_index (cell->vm->vifs, i);
      FerryObject *object = ferry_object_lookup_ref (FERRY_OBJECT (vif), ferry_vif_get_network (vif));
      FerryNetwork *network;
      FerryPif *pif;

      if (!FERRY_IS_NETWORK (object))
        continue;
      network = FERRY_NETWORK (object);

      if (g_list_model_get_n_items (ferry_network_get_pifs (network)) == 0)
        {
          FerryHost *pinned = internal_network_host (network, cell->dst->host);

          if (pinned == NULL)
            continue;
          _ferry_check_add_objects (
            _ferry_rule_cell_emit (cell, "X-VM-REQUIRES-NETWORK", FERRY_CHECK_SEVERITY_BLOCKER,
                                   g_strdup_printf (_("“%s” is on the private network “%s”, which exists only "
                                                      "on host “%s”, where VMs use it"),
                                                    _ferry_name (cell->vm->vm), _ferry_name (network),
                                                    _ferry_name (pinned)),
                                   g_strdup_printf (_("Disconnect “%s” from “%s” first, or move every VM on "
                                                      "it; if the network really spans the hosts, set its "
                                                      "other_config:assume_network_is_shared to true."),
                                                    _ferry_name (cell->vm->vm), _ferry_name (network))),
            network, pinned, NULL);
          return;
        }

      pif = g_hash_table_lookup (cell->dst->networks, network);
      if (pif == NULL)
        {
          _ferry_check_add_objects (
            _ferry_rule_cell_emit (cell, "X-VM-REQUIRES-NETWORK", FERRY_CHECK_SEVERITY_BLOCKER,
                                   g_strdup_printf (_("Host “%s” is not connected to “%s”, the network of “%s”"),
                                                    _ferry_name (cell->dst->host), _ferry_name (network),
                                                    _ferry_name (cell->vm->vm)),
                                   g_strdup (_("Choose a host on that network, or connect the host to it."))),
            network, cell->dst->host, NULL);
          return;
        }
      if (ferry_pif_get_bond_slave_of (pif) != NULL)
        {
          _ferry_check_add_objects (
            _ferry_rule_cell_emit (cell, "X-VM-REQUIRES-NETWORK", FERRY_CHECK_SEVERITY_BLOCKER,
                                   g_strdup_printf (_("On host “%s”, the network “%s” of “%s” is on a NIC that "
                                                      "is part of a bond"),
                                                    _ferry_name (cell->dst->host), _ferry_name (network),
                                                    _ferry_name (cell->vm->vm)),
                                   g_strdup (_("Use the bond's network, or choose another host."))),
            network, cell->dst->host, NULL);
          return;
        }
    }
}

/* VIF_NOT_IN_MAP: across pools every interface needs a network there. An
 * unmapped one goes to the network of the same name, else to the
 * destination's management network, which deserves a warning. */
void
_ferry_rule_vif_map (FerryRuleCell *cell)
{
  if (!cell->cross_pool)
    return;

  for (guint i = 0; i < cell->vm->vifs->len; i++)
    {
      FerryVif *vif = g_ptr_array_index (cell->vm->vifs, i);
      FerryNetwork *mapped = cell->request ? ferry_move_request_lookup_vif_network (cell->request, vif) : NULL;
      FerryObject *network;
      const char *name;

      if (mapped != NULL && ferry_object_get_cache (FERRY_OBJECT (mapped)) == cell->dst_pool->cache)
        continue;

      network = ferry_object_lookup_ref (FERRY_OBJECT (vif), ferry_vif_get_network (vif));
      name = network ? ferry_object_get_name_label (network) : NULL;
      if (name != NULL && g_hash_table_contains (cell->dst_pool->network_by_name, name))
        continue;

      if (cell->dst_pool->management == NULL)
        _ferry_check_add_objects (
          _ferry_rule_cell_emit (cell, "X-VIF-NOT-IN-MAP", FERRY_CHECK_SEVERITY_BLOCKER,
                                 g_strdup_printf (_("Interface %s of “%s” needs a network in “%s”"),
                                                  _ferry_name (vif), _ferry_name (cell->vm->vm),
                                                  cell->dst_pool->name),
                                 g_strdup (_("Choose a network for every interface."))),
          vif, NULL);
      else
        _ferry_check_add_objects (
          _ferry_rule_cell_emit (cell, "X-VIF-NOT-IN-MAP", FERRY_CHECK_SEVERITY_WARNING,
                                 g_strdup_printf (_("“%s” has no network called “%s”: interface %s of “%s” "
                                                    "would be connected to “%s”"),
                                                  cell->dst_pool->name, name ? name : "",
                                                  _ferry_name (vif), _ferry_name (cell->vm->vm),
                                                  _ferry_name (cell->dst_pool->management)),
                                 g_strdup (_("Choose a network for the interface."))),
          vif, cell->dst_pool->management, NULL);
      return;
    }
}

static gboolean
is_management (FerryRuleCell *cell,
               FerryNetwork  *network)
{
  FerryPif *pif;

  if (network == cell->dst_pool->management)
    return TRUE;
  pif = cell->dst ? g_hash_table_lookup (cell->dst->networks, network) : NULL;

  return pif != NULL && ferry_pif_get_management (pif);
}

/* A network other than the management one whose PIF on @host has an address. */
static FerryNetwork *
find_dedicated_network (FerryRuleCell *cell)
{
  GHashTableIter iter;
  gpointer network, pif;

  if (cell->dst == NULL)
    return NULL;

  g_hash_table_iter_init (&iter, cell->dst->networks);
  while (g_hash_table_iter_next (&iter, &network, &pif))
    {
      const char *ip = ferry_pif_get_ip (pif);

      if (!ferry_pif_get_management (pif) && network != cell->dst_pool->management &&
          ip != NULL && *ip != '\0')
        return network;
    }

  return NULL;
}

/* R30: the management network should not carry storage migration. */
void
_ferry_rule_migration_network (FerryRuleCell *cell)
{
  FerryNetwork *network;
  FerryNetwork *dedicated;

  if (!_ferry_op_is_storage (cell->op) &&
      !(cell->op == FERRY_OPERATION_MOVE_HALTED && cell->cross_pool))
    return;

  network = cell->request ? ferry_move_request_get_network (cell->request) : NULL;
  if (network != NULL && ferry_object_get_cache (FERRY_OBJECT (network)) != cell->dst_pool->cache)
    network = NULL;

  if (network != NULL)
    {
      if (!is_management (cell, network))
        return;
      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "R30", FERRY_CHECK_SEVERITY_WARNING,
                               g_strdup_printf (_("The migration network “%s” is the management network of "
                                                  "“%s”: the move is slower, and so is managing the pool "
                                                  "meanwhile"),
                                                _ferry_name (network), cell->dst_pool->name),
                               g_strdup (_("Choose a dedicated storage or migration network."))),
        network, NULL);
      return;
    }

  /* None chosen: xapi uses the management network. Mention the better one. */
  dedicated = find_dedicated_network (cell);
  if (dedicated == NULL || !_ferry_rule_cell_wants (cell, FERRY_CHECK_SEVERITY_NOTE))
    return;

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "R30", FERRY_CHECK_SEVERITY_NOTE,
                           g_strdup_printf (_("No migration network is chosen, so the disks move over the "
                                              "management network of “%s”"),
                                            cell->dst_pool->name),
                           g_strdup_printf (_("Choose “%s” as the migration network."), _ferry_name (dedicated))),
    dedicated, NULL);
}
