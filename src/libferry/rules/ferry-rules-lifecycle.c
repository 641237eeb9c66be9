/* ferry-rules-lifecycle.c: xapi's VM lifecycle checks (xapi.md §4.1), R24, R29
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rules-lifecycle"

#include "config.h"

#include "ferry-rules-private.h"

static gboolean
is_true (const char *text)
{
  return text != NULL && (g_ascii_strcasecmp (text, "true") == 0 || g_str_equal (text, "1"));
}

/* OPERATION_BLOCKED: an administrator put the operation in blocked_operations. */
void
_ferry_rule_blocked_operation (FerryRuleCell *cell)
{
  const char *operation = ferry_operation_get_xapi_operation (cell->op);
  const char *reason = operation ? ferry_vm_lookup_blocked_operations (cell->vm->vm, operation) : NULL;

  if (reason == NULL)
    return;

  _ferry_rule_cell_emit (cell, "X-OPERATION-BLOCKED", FERRY_CHECK_SEVERITY_BLOCKER,
                         /* Translators: VM name, operation, the administrator's reason */
                         g_strdup_printf (_("%s of “%s” is blocked by an administrator: “%s”"),
                                          ferry_operation_get_title (cell->op),
                                          _ferry_name (cell->vm->vm), reason),
                         g_strdup_printf (_("Ask whoever set the block. Removing the entry “%s” from the VM's "
                                            "blocked operations allows the move."), operation));
}

/* R29: a failed live migration can leave the VM paused on its source. */
void
_ferry_rule_paused (FerryRuleCell *cell)
{
  if (cell->vm->power != FERRY_VM_POWER_STATE_PAUSED)
    return;

  _ferry_rule_cell_emit (cell, "R29", FERRY_CHECK_SEVERITY_BLOCKER,
                         g_strdup_printf (_("“%s” is paused. A live migration that failed can leave a VM "
                                            "paused on its source host."),
                                          _ferry_name (cell->vm->vm)),
                         g_strdup (_("Resume (unpause) it, make sure it runs normally, then move it again.")));
}

/* VM_BAD_POWER_STATE: pool_migrate needs a running VM; migrate_send takes
 * halted, suspended and running ones; Move VM is for halted ones. */
void
_ferry_rule_power_state (FerryRuleCell *cell)
{
  FerryVmPowerState power = cell->vm->power;
  const char *name = _ferry_name (cell->vm->vm);

  if (power == FERRY_VM_POWER_STATE_PAUSED)
    return;   /* R29 */

  switch (cell->op)
    {
    case FERRY_OPERATION_LIVE_MIGRATE:
    case FERRY_OPERATION_EVACUATE:
      if (power == FERRY_VM_POWER_STATE_HALTED)
        _ferry_rule_cell_emit (cell, "X-VM-BAD-POWER-STATE", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("“%s” is halted: live migration moves running VMs"), name),
                               g_strdup (_("Use Move VM for a stopped VM, or start it first.")));
      else if (power == FERRY_VM_POWER_STATE_SUSPENDED)
        _ferry_rule_cell_emit (cell, "X-VM-BAD-POWER-STATE", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("“%s” is suspended: live migration inside a pool moves "
                                                  "running VMs"), name),
                               g_strdup (_("Let Ferry choose the operation: storage live migration can move a "
                                           "suspended VM. Or resume it first.")));
      break;

    case FERRY_OPERATION_MOVE_DISK:
      if (power == FERRY_VM_POWER_STATE_HALTED)
        _ferry_rule_cell_emit (cell, "X-VM-BAD-POWER-STATE", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("“%s” is halted: a live disk move needs a running VM"), name),
                               g_strdup (_("Use Move VM to move the disks of a stopped VM.")));
      break;

    case FERRY_OPERATION_MOVE_HALTED:
      if (power != FERRY_VM_POWER_STATE_HALTED)
        _ferry_rule_cell_emit (cell, "X-VM-BAD-POWER-STATE", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("“%s” is not halted: Move VM is for stopped VMs"), name),
                               g_strdup (_("Use Migrate to move it while it runs, or shut it down first.")));
      break;

    case FERRY_OPERATION_STORAGE_MIGRATE:
    case FERRY_OPERATION_AUTO:
    default:
      break;
    }
}

static gboolean
is_compatible_operation (FerryOperation  op,
                         const char     *running)
{
  /* xapi.md §4.1: only these may run beside migrate_send. */
  static const char * const with_migrate_send[] = {
    "metadata_export", "clean_shutdown", "clean_reboot", NULL
  };

  return g_strcmp0 (ferry_operation_get_xapi_operation (op), "migrate_send") == 0 &&
         g_strv_contains (with_migrate_send, running);
}

/* OTHER_OPERATION_IN_PROGRESS */
void
_ferry_rule_other_operation (FerryRuleCell *cell)
{
  g_autoptr(GHashTable) operations = NULL;
  g_autoptr(GPtrArray) busy = NULL;
  GHashTableIter iter;
  gpointer value;

  if (ferry_object_get_n_current_operations (FERRY_OBJECT (cell->vm->vm)) == 0)
    return;

  g_object_get (cell->vm->vm, "current-operations", &operations, NULL);
  if (operations == NULL)
    return;

  busy = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, operations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value != NULL && !is_compatible_operation (cell->op, value))
      g_ptr_array_add (busy, value);
  if (busy->len == 0)
    return;

  g_ptr_array_add (busy, NULL);
  {
    g_autofree char *list = g_strjoinv (", ", (char **) busy->pdata);

    _ferry_rule_cell_emit (cell, "X-OTHER-OPERATION-IN-PROGRESS", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("“%s” is busy with another operation (%s)"),
                                            _ferry_name (cell->vm->vm), list),
                           g_strdup (_("Wait until it has finished, then try again.")));
  }
}

/* VM_IS_TEMPLATE: pool_migrate never moves templates; migrate_send refuses
 * the built-in ones. */
void
_ferry_rule_template (FerryRuleCell *cell)
{
  FerryVm *vm = cell->vm->vm;
  gboolean builtin;

  if (!ferry_vm_get_is_a_template (vm) || ferry_vm_get_is_a_snapshot (vm))
    return;

  builtin = ferry_vm_get_is_default_template (vm) ||
            is_true (ferry_object_lookup_other_config (FERRY_OBJECT (vm), "default_template"));

  if (builtin)
    _ferry_rule_cell_emit (cell, "X-VM-IS-TEMPLATE", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("“%s” is a built-in template: every host has its own copy"),
                                            _ferry_name (vm)),
                           g_strdup (_("Nothing to move: the destination has the same template.")));
  else if (_ferry_op_is_pool_migrate (cell->op))
    _ferry_rule_cell_emit (cell, "X-VM-IS-TEMPLATE", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("“%s” is a template: live migration moves running VMs"),
                                            _ferry_name (vm)),
                           g_strdup (_("Use Move VM to move a template's disks, or copy the template.")));
}

/* VM_IS_SNAPSHOT */
void
_ferry_rule_snapshot (FerryRuleCell *cell)
{
  FerryVm *vm = cell->vm->vm;
  FerryObject *parent;

  if (!ferry_vm_get_is_a_snapshot (vm))
    return;

  parent = ferry_object_lookup_ref (FERRY_OBJECT (vm), ferry_vm_get_snapshot_of (vm));
  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "X-VM-IS-SNAPSHOT", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("“%s” is a snapshot: snapshots move with their VM"),
                                            _ferry_name (vm)),
                           parent != NULL
                             ? g_strdup_printf (_("Move “%s”, the VM it belongs to."), _ferry_name (parent))
                             : g_strdup (_("Move the VM it belongs to."))),
    parent, NULL);
}

/* VM_metrics carries the flags captured at start; platform only counts when
 * the metrics are missing (xapi_vm_lifecycle.ml nomigrate/nested_virt). */
static gboolean
vm_flag (FerryRuleCell *cell,
         gboolean       nomigrate)
{
  if (cell->vm->metrics != NULL)
    return nomigrate ? ferry_vm_metrics_get_nomigrate (cell->vm->metrics)
                     : ferry_vm_metrics_get_nested_virt (cell->vm->metrics);

  return is_true (ferry_vm_lookup_platform (cell->vm->vm, nomigrate ? "nomigrate" : "nested-virt"));
}

/* R24: VM_IS_IMMOBILE for nomigrate */
void
_ferry_rule_nomigrate (FerryRuleCell *cell)
{
  if (!vm_flag (cell, TRUE))
    return;

  _ferry_rule_cell_emit (cell, "R24", FERRY_CHECK_SEVERITY_BLOCKER,
                         g_strdup_printf (_("“%s” has the no-migrate setting (platform:nomigrate)"),
                                          _ferry_name (cell->vm->vm)),
                         g_strdup (_("Shut it down and move it while it is halted, or remove "
                                     "platform:nomigrate and restart it before migrating.")));
}

/* VM_IS_IMMOBILE for nested virtualisation */
void
_ferry_rule_nested_virt (FerryRuleCell *cell)
{
  if (!vm_flag (cell, FALSE))
    return;

  _ferry_rule_cell_emit (cell, "X-VM-IS-IMMOBILE", FERRY_CHECK_SEVERITY_BLOCKER,
                         g_strdup_printf (_("“%s” runs with nested virtualisation (platform:nested-virt), "
                                            "which cannot be migrated"),
                                          _ferry_name (cell->vm->vm)),
                         g_strdup (_("Shut it down and move it while it is halted, or turn nested "
                                     "virtualisation off and restart it before migrating.")));
}

/* OPERATION_NOT_ALLOWED on a control domain */
void
_ferry_rule_control_domain (FerryRuleCell *cell)
{
  if (!ferry_vm_get_is_control_domain (cell->vm->vm))
    return;

  _ferry_rule_cell_emit (cell, "X-CONTROL-DOMAIN", FERRY_CHECK_SEVERITY_BLOCKER,
                         g_strdup_printf (_("“%s” is the control domain of a host: it never moves"),
                                          _ferry_name (cell->vm->vm)),
                         g_strdup (_("Nothing to do: leave it out of the move.")));
}

/* What the server says now, as a last word: xapi computes allowed_operations
 * with checks Ferry may not model. A warning only: it is advisory (§8.3). */
void
_ferry_rule_allowed_operations (FerryRuleCell *cell)
{
  const char *operation = ferry_operation_get_xapi_operation (cell->op);
  const char * const *allowed;

  if (operation == NULL || cell->worst == FERRY_CHECK_SEVERITY_BLOCKER)
    return;
  /* A stopped VM's list is about starting it, and a busy VM's is empty. */
  if (cell->vm->power == FERRY_VM_POWER_STATE_HALTED ||
      ferry_object_get_n_current_operations (FERRY_OBJECT (cell->vm->vm)) > 0)
    return;

  allowed = ferry_object_get_allowed_operations (FERRY_OBJECT (cell->vm->vm));
  if (allowed == NULL || allowed[0] == NULL || g_strv_contains (allowed, operation))
    return;

  _ferry_rule_cell_emit (cell, "X-OPERATION-NOT-ALLOWED", FERRY_CHECK_SEVERITY_WARNING,
                         g_strdup_printf (_("The server does not allow %s of “%s” at the moment, for a "
                                            "reason Ferry cannot see"),
                                          ferry_operation_get_title (cell->op), _ferry_name (cell->vm->vm)),
                         g_strdup (_("Ferry asks the server to check the move before it starts; its answer "
                                     "will say why.")));
}
