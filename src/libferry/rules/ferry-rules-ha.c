/* ferry-rules-ha.c: high availability (R26, xapi §4.3/§5.1)
 *
 * Ferry does not recompute xapi's failover plan (a bin-packing over every
 * host failure it must tolerate); it warns, and xapi refuses a move that
 * would break the plan (HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rules-ha"

#include "config.h"

#include "ferry-rules-private.h"

/* R26: a protected VM in an HA pool. A warning, never a blocker. */
void
_ferry_rule_ha_protected (FerryRuleCell *cell)
{
  FerryPoolFacts *pool = cell->src_pool;

  if (!cell->vm->ha_protected || !pool->ha_enabled || cell->same_host ||
      cell->vm->power == FERRY_VM_POWER_STATE_HALTED)
    return;

  if (cell->cross_pool)
    _ferry_check_add_objects (
      _ferry_rule_cell_emit (cell, "R26", FERRY_CHECK_SEVERITY_WARNING,
                             g_strdup_printf (_("“%s” is protected by high availability in “%s”; after the "
                                                "move it is no longer part of that pool's failover plan"),
                                              _ferry_name (cell->vm->vm), pool->name),
                             g_strdup_printf (_("Protect it again in “%s” after the move if it needs to be."),
                                              cell->dst_pool->name)),
      pool->pool, NULL);
  else
    _ferry_check_add_objects (
      _ferry_rule_cell_emit (cell, "R26", FERRY_CHECK_SEVERITY_WARNING,
                             g_strdup_printf (_("“%s” is protected by high availability: moving it may break "
                                                "the failover plan of “%s”, and the server then refuses"),
                                              _ferry_name (cell->vm->vm), pool->name),
                             g_strdup (_("If it is refused, move other VMs first or let the pool tolerate "
                                         "fewer host failures for the time being."))),
      pool->pool, NULL);
}

/* xapi's host.evacuate in an HA pool moves only protected VMs and wants the
 * others suspended or stopped (xapi.md §5.1, HOST_EVACUATE_VM_NOT_HA_PROTECTED).
 * Ferry moves them itself with live migration, one by one (spec O5). */
void
_ferry_rule_evacuate_ha (FerryRuleCell *cell)
{
  if (cell->op != FERRY_OPERATION_EVACUATE || !cell->vm->pool->ha_enabled || cell->vm->ha_protected)
    return;

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "X-HOST-EVACUATE-VM-NOT-HA-PROTECTED", FERRY_CHECK_SEVERITY_WARNING,
                           g_strdup_printf (_("“%s” is not protected by high availability: the server's own "
                                              "evacuation of an HA pool would refuse it, so Ferry moves it "
                                              "itself with live migration"),
                                            _ferry_name (cell->vm->vm)),
                           g_strdup (_("Nothing to do; or suspend or shut it down before the evacuation."))),
    cell->vm->pool->pool, NULL);
}
