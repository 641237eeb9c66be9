/* ferry-rules-guest.c: what the guest must bring (R13, R27, R32, xapi §4.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rules-guest"

#include "config.h"

#include <stdlib.h>

#include "ferry-rules-private.h"

/* VM_NON_SUSPENDABLE: the guest says why it cannot be suspended. */
void
_ferry_rule_non_suspendable (FerryRuleCell *cell)
{
  const char *reason;

  if (!_ferry_cell_is_live (cell) || cell->vm->guest == NULL)
    return;

  reason = ferry_vm_guest_metrics_lookup_other (cell->vm->guest, "data-cant-suspend-reason");
  if (reason == NULL)
    return;

  _ferry_rule_cell_emit (cell, "X-VM-NON-SUSPENDABLE", FERRY_CHECK_SEVERITY_BLOCKER,
                         g_strdup_printf (_("“%s” reports that it cannot be suspended: %s"),
                                          _ferry_name (cell->vm->vm), reason),
                         g_strdup (_("Fix that inside the guest (often a driver or a device), or shut it "
                                     "down and move it while it is halted.")));
}

/* R13: Windows VMs need the VM tools to migrate live. */
void
_ferry_rule_windows_tools (FerryRuleCell *cell)
{
  if (!_ferry_cell_is_live (cell) || !cell->vm->windows || cell->vm->has_tools)
    return;

  _ferry_rule_cell_emit (cell, "R13", FERRY_CHECK_SEVERITY_BLOCKER,
                         g_strdup_printf (_("“%s” runs Windows without the VM tools (PV drivers), which live "
                                            "migration needs"),
                                          _ferry_name (cell->vm->vm)),
                         g_strdup (_("Install the XenServer VM Tools for Windows in the guest and restart it, "
                                     "or shut it down and use Move VM.")));
}

/* VM_LACKS_FEATURE: a live move suspends the guest for a moment; without PV
 * drivers or a guest agent that announces feature-suspend, xapi refuses. */
void
_ferry_rule_lacks_feature (FerryRuleCell *cell)
{
  FerryVmFacts *vm = cell->vm;

  if (!_ferry_cell_is_live (cell) || vm->pv || vm->has_tools || vm->windows)
    return;
  if (vm->guest != NULL &&
      g_strcmp0 (ferry_vm_guest_metrics_lookup_other (vm->guest, "feature-suspend"), "1") == 0)
    return;

  _ferry_rule_cell_emit (cell, "X-VM-LACKS-FEATURE", FERRY_CHECK_SEVERITY_BLOCKER,
                         g_strdup_printf (_("“%s” has no guest agent that supports suspend, which live "
                                            "migration needs"),
                                          _ferry_name (vm->vm)),
                         g_strdup (_("Install the VM tools (guest agent) in the guest, or shut it down and "
                                     "use Move VM.")));
}

/* The leading "A.B" of a kernel release, as A * 1000 + B; -1 if none. */
static int
kernel_version (const char *uname)
{
  char *end = NULL;
  long major, minor;

  if (uname == NULL || !g_ascii_isdigit (*uname))
    return -1;
  major = strtol (uname, &end, 10);
  if (end == NULL || *end != '.' || !g_ascii_isdigit (end[1]))
    return -1;
  minor = strtol (end + 1, NULL, 10);

  return (int) (MIN (major, 1000000) * 1000 + MIN (minor, 999));
}

static gboolean
has_ipv6_address (FerryVmFacts *vm)
{
  for (guint i = 0; i < vm->vifs->len; i++)
    {
      FerryVif *vif = g_ptr_array_index (vm->vifs, i);
      g_autofree char *key = NULL;

      if (ferry_vif_get_device (vif) == NULL)
        continue;
      key = g_strdup_printf ("%s/ipv6/0", ferry_vif_get_device (vif));
      if (ferry_vm_guest_metrics_lookup_networks (vm->guest, key) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* R32: a live disk move of an IPv6 Linux guest needs a kernel newer than 3.0. */
void
_ferry_rule_ipv6_kernel (FerryRuleCell *cell)
{
  FerryVmFacts *vm = cell->vm;
  const char *uname;
  int version;

  if (cell->op != FERRY_OPERATION_MOVE_DISK || cell->n_moved == 0 || !_ferry_cell_is_live (cell) ||
      vm->guest == NULL || vm->windows)
    return;

  uname = ferry_vm_guest_metrics_lookup_os_version (vm->guest, "uname");
  version = kernel_version (uname);
  if (version < 0 || version > 3000 || !has_ipv6_address (vm))
    return;

  _ferry_rule_cell_emit (cell, "R32", FERRY_CHECK_SEVERITY_BLOCKER,
                         g_strdup_printf (_("“%s” is a Linux VM with an IPv6 address and kernel %s; a live "
                                            "disk move needs a kernel newer than 3.0"),
                                          _ferry_name (vm->vm), uname),
                         g_strdup (_("Upgrade the guest's kernel, or shut it down and move the disk while "
                                     "it is halted.")));
}

/* R27: for the review page. */
void
_ferry_rule_performance_note (FerryRuleCell *cell)
{
  if (!_ferry_cell_is_live (cell) || !_ferry_rule_cell_wants (cell, FERRY_CHECK_SEVERITY_NOTE))
    return;

  _ferry_rule_cell_emit (cell, "R27", FERRY_CHECK_SEVERITY_NOTE,
                         g_strdup_printf (_("“%s” runs slower while it moves"), _ferry_name (cell->vm->vm)),
                         g_strdup (_("Move busy VMs at a quiet time.")));
}
