/* ferry-move-vm-wizard.h: the Move VM wizard (F2, O4) for halted VMs
 *
 * The Migrate VM wizard's pages for a halted VM: destination (its own pool
 * too), home server, storage, networking between pools, review, "Move".
 * The queue moves it with VM.migrate_send live=false, which xapi tidies
 * up itself: the new disks exist before the old ones go, and a failure
 * leaves the VM where it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-migrate-wizard.h"

G_BEGIN_DECLS

#define FERRY_TYPE_MOVE_VM_WIZARD (ferry_move_vm_wizard_get_type ())

G_DECLARE_FINAL_TYPE (FerryMoveVmWizard, ferry_move_vm_wizard, FERRY, MOVE_VM_WIZARD, FerryMigrateWizard)

/* @vms: (element-type FerryVm): halted VMs of one pool. */
FerryMoveVmWizard *ferry_move_vm_wizard_new (FerryWindow *window,
                                             GPtrArray   *vms);

G_END_DECLS
