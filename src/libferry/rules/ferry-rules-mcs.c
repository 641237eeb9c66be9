/* ferry-rules-mcs.c: Citrix Virtual Desktops and Machine Creation Services (R6, R21)
 *
 * How Ferry recognises an MCS machine, and how far that can be trusted:
 *
 * - Citrix documents that Machine Creation Services marks the machines it
 *   provisions with "XdProvisioned=true", under a tag or custom attribute
 *   named "XdConfig" (Citrix Virtual Apps and Desktops SDK,
 *   Search-HypVirtualMachineInventory -IncludeProvisionedResources; on AWS
 *   the marker is the instance tag XdConfig = XdProvisioned=true).
 * - On XenServer the marker has no documented home. Ferry accepts it where
 *   a hypervisor connector can put it: VM.other_config["XdConfig"]
 *   containing "XdProvisioned=true", or a VM tag "XdProvisioned=true"
 *   (or "XdConfig=XdProvisioned=true"). Neither xapi, XenCenter nor the
 *   XenServer documentation names one, so this is "low" reliability: a
 *   machine without the marker may still be an MCS machine.
 * - MCS machines usually also have a small "Identity Disk" VDI. That name
 *   is not reliable enough to refuse a move, and Ferry does not use it.
 *
 * Because nothing reliable exists, the user can mark a whole pool as
 * "managed by Citrix Virtual Desktops" (FERRY_POOL_FLAG_CVAD_MANAGED); then
 * R6 refuses storage live migration for every VM of it, as the vendor page
 * says ("do not use storage live migration in Citrix Virtual Desktops
 * deployments"). R21 refuses it for each VM that carries the marker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rules-mcs"

#include "config.h"

#include <string.h>

#include "ferry-rules-private.h"

#define MCS_MARKER "XdProvisioned=true"

gboolean
_ferry_vm_has_mcs_markers (FerryVm     *vm,
                           const char **marker)
{
  const char *xd_config = ferry_object_lookup_other_config (FERRY_OBJECT (vm), "XdConfig");
  const char * const *tags = ferry_object_get_tags (FERRY_OBJECT (vm));

  if (xd_config != NULL && strstr (xd_config, MCS_MARKER) != NULL)
    {
      if (marker != NULL)
        *marker = "other_config:XdConfig=" MCS_MARKER;
      return TRUE;
    }

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    if (g_str_equal (tags[i], MCS_MARKER) || g_str_equal (tags[i], "XdConfig=" MCS_MARKER))
      {
        if (marker != NULL)
          *marker = "tag " MCS_MARKER;
        return TRUE;
      }

  return FALSE;
}

/* R6: the user says Citrix Virtual Desktops runs this pool. */
void
_ferry_rule_cvad_pool (FerryRuleCell *cell)
{
  if (!_ferry_op_is_storage (cell->op) || !cell->vm->pool->cvad_managed)
    return;

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "R6", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("“%s” is in “%s”, which you marked as managed by Citrix "
                                              "Virtual Desktops: storage live migration must not be used "
                                              "there"),
                                            _ferry_name (cell->vm->vm), cell->vm->pool->name),
                           g_strdup (_("Use live migration inside the pool, or let Citrix Studio move the "
                                       "machines. If Citrix Virtual Desktops does not manage this pool, "
                                       "change the pool's setting in Ferry."))),
    cell->vm->pool->pool, NULL);
}

/* R21: the VM itself carries the MCS marker. */
void
_ferry_rule_mcs (FerryRuleCell *cell)
{
  const char *marker = NULL;

  if (!_ferry_op_is_storage (cell->op) || !_ferry_vm_has_mcs_markers (cell->vm->vm, &marker))
    return;

  _ferry_rule_cell_emit (cell, "R21", FERRY_CHECK_SEVERITY_BLOCKER,
                         g_strdup_printf (_("“%s” was created by Citrix Machine Creation Services (%s): "
                                            "storage live migration is not possible"),
                                          _ferry_name (cell->vm->vm), marker),
                         g_strdup (_("Move it with live migration inside its pool, or change the machine "
                                     "catalog's storage in Citrix Studio.")));
}
