/* ferry-move-vm-wizard.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-move-vm-wizard"

#include "config.h"

#include "ferry-move-vm-wizard.h"

struct _FerryMoveVmWizard
{
  FerryMigrateWizard parent_instance;
};

G_DEFINE_FINAL_TYPE (FerryMoveVmWizard, ferry_move_vm_wizard, FERRY_TYPE_MIGRATE_WIZARD)

static void
ferry_move_vm_wizard_class_init (FerryMoveVmWizardClass *klass)
{
  FERRY_MIGRATE_WIZARD_CLASS (klass)->move_halted = TRUE;
}

static void
ferry_move_vm_wizard_init (FerryMoveVmWizard *self)
{
}

FerryMoveVmWizard *
ferry_move_vm_wizard_new (FerryWindow *window,
                          GPtrArray   *vms)
{
  FerryMoveVmWizard *self = g_object_new (FERRY_TYPE_MOVE_VM_WIZARD, NULL);

  /* The plan derives O4 for halted VMs: migrate_send with live=false. */
  ferry_migrate_wizard_setup (FERRY_MIGRATE_WIZARD (self), window, vms, NULL);
  return self;
}
