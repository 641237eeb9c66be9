/* ferry-rules-pool.c: pools, hosts and licences (R4, xapi §4.2/§4.3/§4.7)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rules-pool"

#include "config.h"

#include "ferry-rules-private.h"

/* R4: storage is shared only inside a pool, so O1 works only there, and
 * it leaves every disk where it is. */
void
_ferry_rule_same_pool_only (FerryRuleCell *cell)
{
  if (!_ferry_op_is_pool_migrate (cell->op))
    return;

  if (cell->cross_pool)
    {
      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "R4", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("Live migration works only inside a pool: “%s” is in “%s”, "
                                                  "the destination in “%s”"),
                                                _ferry_name (cell->vm->vm), cell->src_pool->name,
                                                cell->dst_pool->name),
                               g_strdup (_("Use storage live migration, which Ferry chooses when the operation "
                                           "is left on automatic."))),
        cell->dst_pool->pool, NULL);
      return;
    }

  for (guint d = 0; d < cell->vm->disks->len; d++)
    if (_ferry_rule_cell_moves (cell, d))
      {
        FerryDiskFacts *disk = &g_array_index (cell->vm->disks, FerryDiskFacts, d);

        _ferry_check_add_objects (
          _ferry_rule_cell_emit (cell, "R4", FERRY_CHECK_SEVERITY_BLOCKER,
                                 g_strdup_printf (_("Live migration leaves disks where they are, but disk "
                                                    "“%s” of “%s” is to move"),
                                                  _ferry_name (disk->vdi), _ferry_name (cell->vm->vm)),
                                 g_strdup (_("Use storage live migration to move disks, or keep them on "
                                             "their SRs."))),
          disk->vdi, NULL);
        return;
      }
}

/* Nothing would change. */
void
_ferry_rule_current_host (FerryRuleCell *cell)
{
  if (!cell->same_host || cell->n_moved > 0)
    return;

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "X-CURRENT-HOST", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (!_ferry_cell_is_live (cell)
                                              ? _("“%s” already belongs to “%s”, and its disks stay where "
                                                  "they are")
                                              : _("“%s” already runs on “%s”, and its disks stay where they "
                                                  "are"),
                                            _ferry_name (cell->vm->vm), _ferry_name (cell->dst->host)),
                           g_strdup (_("Choose another host, or other SRs for its disks."))),
    cell->dst->host, NULL);
}

static gboolean
restricted (FerryPoolFacts *pool,
            const char     *key)
{
  return pool->pool != NULL && g_strcmp0 (ferry_pool_lookup_restrictions (pool->pool, key), "true") == 0;
}

/* LICENCE_RESTRICTION: Xen_motion for pool_migrate, Storage_motion for
 * migrate_send (checked by the source, and by migrate_receive on the
 * destination). */
void
_ferry_rule_licence (FerryRuleCell *cell)
{
  FerryPoolFacts *pool = NULL;
  const char *feature;

  if (_ferry_op_is_pool_migrate (cell->op))
    {
      feature = _("live migration");
      if (restricted (cell->src_pool, "restrict_xen_motion"))
        pool = cell->src_pool;
    }
  else
    {
      feature = _("storage live migration");
      if (restricted (cell->src_pool, "restrict_storage_xen_motion"))
        pool = cell->src_pool;
      else if (cell->cross_pool && restricted (cell->dst_pool, "restrict_storage_xen_motion"))
        pool = cell->dst_pool;
    }
  if (pool == NULL)
    return;

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "X-LICENCE-RESTRICTION", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("The licence of “%s” does not include %s"), pool->name, feature),
                           g_strdup_printf (_("Apply a licence with %s to “%s”."), feature, pool->name)),
    pool->pool, NULL);
}

/* HOST_NOT_LIVE */
void
_ferry_rule_host_not_live (FerryRuleCell *cell)
{
  if (cell->dst == NULL || cell->same_host || cell->dst->live)
    return;

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "X-HOST-NOT-LIVE", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("Host “%s” is not reachable: its pool has not heard from it"),
                                            _ferry_name (cell->dst->host)),
                           g_strdup (_("Bring the host back online, or choose another host."))),
    cell->dst->host, NULL);
}

/* HOST_DISABLED (skipped for a live move to the same host). */
void
_ferry_rule_host_disabled (FerryRuleCell *cell)
{
  if (cell->dst == NULL || cell->dst->enabled || (cell->same_host && _ferry_cell_is_live (cell)))
    return;

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "X-HOST-DISABLED", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("Host “%s” is disabled (in maintenance mode)"),
                                            _ferry_name (cell->dst->host)),
                           g_strdup (_("Take the host out of maintenance mode, or choose another host."))),
    cell->dst->host, NULL);
}

/* OTHER_OPERATION_IN_PROGRESS on the destination host: while it is
 * evacuated, rebooted or shut down it takes no VMs. */
void
_ferry_rule_host_busy (FerryRuleCell *cell)
{
  if (cell->dst == NULL || cell->same_host || cell->dst->busy_operation == NULL)
    return;

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "X-HOST-BUSY", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("Host “%s” takes no VMs now: it is busy (%s)"),
                                            _ferry_name (cell->dst->host), cell->dst->busy_operation),
                           g_strdup (_("Wait until it has finished, or choose another host."))),
    cell->dst->host, NULL);
}
