/* ferry-vm-view.h: the details of a VM
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-vm.h"

G_BEGIN_DECLS

#define FERRY_TYPE_VM_VIEW (ferry_vm_view_get_type ())

G_DECLARE_FINAL_TYPE (FerryVmView, ferry_vm_view, FERRY, VM_VIEW, AdwBin)

FerryVm *ferry_vm_view_get_vm (FerryVmView *self);
void     ferry_vm_view_set_vm (FerryVmView *self,
                               FerryVm     *vm);

G_END_DECLS
