/* ferry-rules-memory.c: host memory (R17, R18, R34, xapi §4.4)
 *
 * Free memory is xapi's admission figure: total − host overhead − Σ of
 * (dynamic_min + overhead) over the VMs resident or scheduled on the host.
 * Counting the others at their dynamic minimum is exactly what Dynamic
 * Memory Control can give back by shrinking them, so "does not fit" means
 * "does not fit even after DMC". When the VM fits only thanks to DMC (the
 * host's reported free memory is smaller), a note says so. Queued moves
 * and earlier VMs of the same request count against the same host.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rules-memory"

#include "config.h"

#include "ferry-rules-private.h"

static gint64
taken (FerryRuleCell  *cell,
       FerryHostFacts *host)
{
  return host->queued_memory + _ferry_rule_env_get_placed (cell->env, host);
}

/* R17: the destination has the memory, or DMC can free it. */
void
_ferry_rule_memory (FerryRuleCell *cell)
{
  gint64 needed = cell->vm->required_memory;
  gint64 available, reported;

  /* Only a running (or paused) VM needs memory on arrival. */
  if (cell->dst == NULL || cell->same_host || !_ferry_cell_is_live (cell))
    return;

  available = MAX (0, cell->dst->free_memory - taken (cell, cell->dst));
  if (needed > available)
    {
      g_autofree char *needed_text = _ferry_format_size (needed);
      g_autofree char *available_text = _ferry_format_size (available);

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "R17", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("Host “%s” has %s for “%s”, which needs %s, even after "
                                                  "Dynamic Memory Control shrinks the other VMs to their "
                                                  "minimum"),
                                                _ferry_name (cell->dst->host), available_text,
                                                _ferry_name (cell->vm->vm), needed_text),
                               g_strdup_printf (_("Free memory on “%s” (stop or move VMs, or lower their "
                                                  "dynamic minimum), or choose another host."),
                                                _ferry_name (cell->dst->host))),
        cell->dst->host, NULL);
      return;
    }

  /* Fits only once DMC has shrunk the others. */
  reported = cell->dst->reported_free - taken (cell, cell->dst);
  if (cell->dst->metrics != NULL && needed > reported &&
      _ferry_rule_cell_wants (cell, FERRY_CHECK_SEVERITY_NOTE))
    {
      g_autofree char *reported_text = _ferry_format_size (reported);
      g_autofree char *needed_text = _ferry_format_size (needed);

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "R17", FERRY_CHECK_SEVERITY_NOTE,
                               g_strdup_printf (_("Host “%s” has %s free now; “%s” (%s) fits once Dynamic "
                                                  "Memory Control shrinks other VMs"),
                                                _ferry_name (cell->dst->host), reported_text,
                                                _ferry_name (cell->vm->vm), needed_text),
                               g_strdup (_("Nothing to do; the other VMs may run with less memory for a "
                                           "while."))),
        cell->dst->host, NULL);
    }
}

/* R34: a live disk move of a VM that stays on its host needs its memory
 * a second time there for a while. */
void
_ferry_rule_double_memory (FerryRuleCell *cell)
{
  gint64 needed = cell->vm->required_memory;
  gint64 available;
  g_autofree char *needed_text = NULL;
  g_autofree char *available_text = NULL;

  if (cell->op != FERRY_OPERATION_MOVE_DISK || !cell->same_host || cell->n_moved == 0 ||
      !_ferry_cell_is_live (cell))
    return;

  /* The VM itself is already counted on its host. */
  available = MAX (0, cell->dst->free_memory - taken (cell, cell->dst));
  if (needed <= available)
    return;

  needed_text = _ferry_format_size (needed);
  available_text = _ferry_format_size (available);
  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "R34", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("Moving a disk of “%s” while it runs needs twice its memory on "
                                              "“%s” for a while: %s more, and only %s is free"),
                                            _ferry_name (cell->vm->vm), _ferry_name (cell->dst->host),
                                            needed_text, available_text),
                           g_strdup_printf (_("Free memory on “%s”, move the VM to another host first, or "
                                              "shut it down and move the disk while it is halted."),
                                            _ferry_name (cell->dst->host))),
    cell->dst->host, NULL);
}

/* R18: during a storage migration of a VM that is not running, a host of
 * the source pool must be able to run it (xapi picks one, else
 * NO_HOSTS_AVAILABLE). A running VM holds its memory where it is. */
void
_ferry_rule_source_memory (FerryRuleCell *cell)
{
  FerryVmFacts *vm = cell->vm;
  GListModel *hosts;
  gint64 best = 0;
  g_autofree char *needed_text = NULL;
  g_autofree char *best_text = NULL;

  if (cell->op != FERRY_OPERATION_STORAGE_MIGRATE && cell->op != FERRY_OPERATION_MOVE_HALTED)
    return;
  if (vm->power == FERRY_VM_POWER_STATE_RUNNING || vm->power == FERRY_VM_POWER_STATE_PAUSED ||
      vm->pool->cache == NULL)
    return;

  hosts = ferry_cache_get_objects (vm->pool->cache, FERRY_TYPE_HOST);
  for (guint i = 0; i < g_list_model_get_n_items (hosts); i++)
    {
      g_autoptr(FerryHost) host = g_list_model_get_item (hosts, i);
      FerryHostFacts *facts = _ferry_rule_env_host (cell->env, host);
      gint64 available;

      if (!facts->enabled || !facts->live)
        continue;
      available = facts->free_memory - taken (cell, facts);
      if (available >= vm->required_memory)
        return;
      best = MAX (best, available);
    }

  needed_text = _ferry_format_size (vm->required_memory);
  best_text = _ferry_format_size (best);
  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "R18", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("No host of “%s” has %s free to hold “%s” while its disks move "
                                              "(the most is %s): a storage migration keeps a host ready to "
                                              "start it"),
                                            vm->pool->name, needed_text, _ferry_name (vm->vm), best_text),
                           g_strdup_printf (_("Free memory on a host of “%s”, or lower the VM's dynamic "
                                              "minimum memory."),
                                            vm->pool->name)),
    vm->pool->pool, NULL);
}
