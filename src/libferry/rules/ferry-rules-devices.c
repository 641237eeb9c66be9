/* ferry-rules-devices.c: GPUs, PCI and USB devices (R5, R22, R23, R33, xapi §4.1/§4.3)
 *
 * vGPU capacity: xapi keeps it in PGPU.supported_VGPU_max_capacities,
 * which the cache does not hold. Ferry estimates it from the type's frame
 * buffer and a 16 GiB card (Tesla T4, one A16 GPU); so "full" is a warning.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rules-devices"

#include "config.h"

#include "ferry-rules-private.h"

#define PGPU_MEMORY_GUESS (G_GINT64_CONSTANT (16) << 30)

static FerryVgpuType *
vgpu_type (FerryVgpu *vgpu)
{
  FerryObject *type = ferry_object_lookup_ref (FERRY_OBJECT (vgpu), ferry_vgpu_get_vgpu_type (vgpu));

  return FERRY_IS_VGPU_TYPE (type) ? FERRY_VGPU_TYPE (type) : NULL;
}

static const char *
implementation (FerryVgpu *vgpu)
{
  FerryVgpuType *type = vgpu_type (vgpu);

  return type ? ferry_vgpu_type_get_implementation (type) : NULL;
}

static const char *
type_name (FerryVgpu *vgpu)
{
  FerryVgpuType *type = vgpu_type (vgpu);

  if (type == NULL)
    return _("(unknown type)");
  if (ferry_vgpu_type_get_model_name (type) && *ferry_vgpu_type_get_model_name (type))
    return ferry_vgpu_type_get_model_name (type);

  return _ferry_name (type);
}

static gboolean
is_nvidia (const char *impl)
{
  return g_strcmp0 (impl, "nvidia") == 0 || g_strcmp0 (impl, "nvidia_sriov") == 0;
}

/* The same type in any pool: same identifier, else same model name. */
static gboolean
types_match (FerryVgpuType *a,
             FerryVgpuType *b)
{
  const char *id_a, *id_b;

  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  id_a = ferry_vgpu_type_get_identifier (a);
  id_b = ferry_vgpu_type_get_identifier (b);
  if (id_a != NULL && *id_a != '\0' && id_b != NULL && *id_b != '\0')
    return g_str_equal (id_a, id_b);

  return g_strcmp0 (ferry_vgpu_type_get_model_name (a), ferry_vgpu_type_get_model_name (b)) == 0;
}

static gint64
estimated_capacity (FerryVgpuType *type)
{
  gint64 framebuffer = ferry_vgpu_type_get_framebuffer_size (type);

  if (g_strcmp0 (ferry_vgpu_type_get_implementation (type), "passthrough") == 0 || framebuffer <= 0)
    return 1;

  return MAX (1, PGPU_MEMORY_GUESS / framebuffer);
}

typedef enum
{
  GPU_NONE,    /* no pGPU of the host supports the type */
  GPU_FULL,    /* some do, but (by the estimate) none has room */
  GPU_ROOM,
} GpuRoom;

/* Room for one more vGPU of @wanted on @host's pGPUs. A pGPU hosts one
 * type at a time. */
static GpuRoom
find_room (FerryHostFacts *host,
           FerryVgpuType  *wanted)
{
  GpuRoom result = GPU_NONE;

  for (guint i = 0; i < host->pgpus->len; i++)
    {
      FerryPgpu *pgpu = g_ptr_array_index (host->pgpus, i);
      const char * const *types = ferry_pgpu_get_enabled_vgpu_types (pgpu);
      FerryVgpuType *local = NULL;
      GListModel *resident;
      guint n_resident;
      gboolean other_type = FALSE;

      if (types == NULL || types[0] == NULL)
        types = ferry_pgpu_get_supported_vgpu_types (pgpu);
      for (guint t = 0; types != NULL && types[t] != NULL && local == NULL; t++)
        {
          FerryObject *type = ferry_object_lookup_ref (FERRY_OBJECT (pgpu), types[t]);

          if (FERRY_IS_VGPU_TYPE (type) && types_match (FERRY_VGPU_TYPE (type), wanted))
            local = FERRY_VGPU_TYPE (type);
        }
      if (local == NULL)
        continue;

      result = MAX (result, GPU_FULL);
      resident = ferry_pgpu_get_resident_vgpus (pgpu);
      n_resident = g_list_model_get_n_items (resident);
      for (guint v = 0; v < n_resident && !other_type; v++)
        {
          g_autoptr(FerryVgpu) vgpu = g_list_model_get_item (resident, v);

          other_type = !types_match (vgpu_type (vgpu), local);
        }
      if (!other_type && n_resident < estimated_capacity (local))
        return GPU_ROOM;
    }

  return result;
}

/* R5: Intel GVT-g supports neither live migration nor suspend. */
void
_ferry_rule_gvt_g (FerryRuleCell *cell)
{
  if (!_ferry_cell_is_live (cell) && cell->vm->power != FERRY_VM_POWER_STATE_SUSPENDED)
    return;

  for (guint i = 0; i < cell->vm->vgpus->len; i++)
    {
      FerryVgpu *vgpu = g_ptr_array_index (cell->vm->vgpus, i);

      if (g_strcmp0 (implementation (vgpu), "gvt_g") != 0)
        continue;

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "R5", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("“%s” has an Intel GVT-g virtual GPU (%s), which supports "
                                                  "neither live migration nor suspend"),
                                                _ferry_name (cell->vm->vm), type_name (vgpu)),
                               g_strdup (_("Shut it down and move it with Move VM."))),
        vgpu, NULL);
      return;
    }
}

/* A PCI function that belongs to one of the VM's NVIDIA SR-IOV vGPUs. */
static gboolean
is_sriov_vgpu_function (FerryVmFacts *vm,
                        const char   *pci)
{
  for (guint i = 0; i < vm->vgpus->len; i++)
    {
      FerryVgpu *vgpu = g_ptr_array_index (vm->vgpus, i);

      if (g_strcmp0 (ferry_vgpu_get_pci (vgpu), pci) == 0 &&
          g_strcmp0 (implementation (vgpu), "nvidia_sriov") == 0)
        return TRUE;
    }

  return FALSE;
}

/* R22: VM_HAS_PCI_ATTACHED, except NVIDIA vGPUs on SR-IOV. */
void
_ferry_rule_pci (FerryRuleCell *cell)
{
  const char * const *pcis = ferry_vm_get_attached_pcis (cell->vm->vm);

  for (guint i = 0; pcis != NULL && pcis[i] != NULL; i++)
    {
      FerryObject *pci;
      const char *device;

      if (is_sriov_vgpu_function (cell->vm, pcis[i]))
        continue;

      pci = ferry_object_lookup_ref (FERRY_OBJECT (cell->vm->vm), pcis[i]);
      device = FERRY_IS_PCI (pci) ? ferry_pci_get_device_name (FERRY_PCI (pci)) : NULL;
      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "R22", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("“%s” uses a PCI device passed through to it (%s): such VMs "
                                                  "cannot be migrated"),
                                                _ferry_name (cell->vm->vm),
                                                device ? device : _("unknown device")),
                               g_strdup (_("Shut it down and move it without the device, then pass a device "
                                           "of the new host through. Only NVIDIA vGPUs on SR-IOV migrate "
                                           "with their device."))),
        pci, NULL);
      return;
    }
}

/* VM_HAS_VGPU: only NVIDIA vGPUs on a pGPU with NVIDIA compatibility
 * metadata migrate live (GVT-g is R5's). */
void
_ferry_rule_vgpu_kind (FerryRuleCell *cell)
{
  if (!_ferry_cell_is_live (cell))
    return;

  for (guint i = 0; i < cell->vm->vgpus->len; i++)
    {
      FerryVgpu *vgpu = g_ptr_array_index (cell->vm->vgpus, i);
      const char *impl = implementation (vgpu);
      FerryObject *pgpu;

      if (g_strcmp0 (impl, "gvt_g") == 0)
        continue;
      pgpu = ferry_object_lookup_ref (FERRY_OBJECT (vgpu), ferry_vgpu_get_resident_on (vgpu));
      if (is_nvidia (impl) &&
          (!FERRY_IS_PGPU (pgpu) ||
           ferry_pgpu_lookup_compatibility_metadata (FERRY_PGPU (pgpu), "nvidia") != NULL))
        continue;

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "X-VM-HAS-VGPU", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("“%s” has a virtual GPU of type “%s”, which cannot be "
                                                  "migrated live"),
                                                _ferry_name (cell->vm->vm), type_name (vgpu)),
                               g_strdup (_("Shut it down and move it with Move VM."))),
        vgpu, NULL);
      return;
    }
}

/* R23: VM_HAS_VUSBS */
void
_ferry_rule_vusb (FerryRuleCell *cell)
{
  if (cell->vm->n_vusbs == 0)
    return;

  _ferry_rule_cell_emit (cell, "R23", FERRY_CHECK_SEVERITY_BLOCKER,
                         g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "“%s” has %u USB device passed through: such VMs "
                                                       "cannot be migrated",
                                                       "“%s” has %u USB devices passed through: such VMs "
                                                       "cannot be migrated",
                                                       cell->vm->n_vusbs),
                                          _ferry_name (cell->vm->vm), cell->vm->n_vusbs),
                         g_strdup (_("Detach the USB devices from the VM, move it, then attach devices of "
                                     "the new host.")));
}

/* VM_REQUIRES_GPU: the destination needs a pGPU for each NVIDIA vGPU. */
void
_ferry_rule_requires_gpu (FerryRuleCell *cell)
{
  if (cell->dst == NULL || cell->same_host || !_ferry_cell_is_live (cell))
    return;

  for (guint i = 0; i < cell->vm->vgpus->len; i++)
    {
      FerryVgpu *vgpu = g_ptr_array_index (cell->vm->vgpus, i);
      GpuRoom room;

      if (!is_nvidia (implementation (vgpu)))
        continue;

      room = find_room (cell->dst, vgpu_type (vgpu));
      if (room == GPU_ROOM)
        continue;

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "X-VM-REQUIRES-GPU",
                               room == GPU_NONE ? FERRY_CHECK_SEVERITY_BLOCKER : FERRY_CHECK_SEVERITY_WARNING,
                               g_strdup_printf (room == GPU_NONE
                                                  ? _("Host “%s” has no GPU for the “%s” virtual GPU of “%s”")
                                                  : _("The GPUs of host “%s” that can run “%s” vGPUs seem "
                                                      "full, so “%s” may not fit"),
                                                _ferry_name (cell->dst->host), type_name (vgpu),
                                                _ferry_name (cell->vm->vm)),
                               g_strdup (_("Choose a host with a free GPU of the same kind."))),
        vgpu, cell->dst->host, NULL);
      return;
    }
}

/* VM_REQUIRES_IOMMU: GPU passthrough needs an IOMMU on the host. */
void
_ferry_rule_requires_iommu (FerryRuleCell *cell)
{
  if (cell->dst == NULL || cell->same_host || cell->dst->iommu || cell->op == FERRY_OPERATION_MOVE_HALTED)
    return;

  for (guint i = 0; i < cell->vm->vgpus->len; i++)
    {
      FerryVgpu *vgpu = g_ptr_array_index (cell->vm->vgpus, i);

      if (g_strcmp0 (implementation (vgpu), "passthrough") != 0)
        continue;

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "X-VM-REQUIRES-IOMMU", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("Host “%s” has no IOMMU, which the GPU passthrough of “%s” "
                                                  "needs"),
                                                _ferry_name (cell->dst->host), _ferry_name (cell->vm->vm)),
                               g_strdup (_("Choose a host with the IOMMU (VT-d, AMD-Vi) turned on."))),
        cell->dst->host, NULL);
      return;
    }
}

/* R33: a live disk move of a VM with a vGPU needs a second vGPU instance
 * on its host for a while. */
void
_ferry_rule_vgpu_second_instance (FerryRuleCell *cell)
{
  if (cell->op != FERRY_OPERATION_MOVE_DISK || cell->n_moved == 0 || !_ferry_cell_is_live (cell) ||
      cell->dst == NULL)
    return;

  for (guint i = 0; i < cell->vm->vgpus->len; i++)
    {
      FerryVgpu *vgpu = g_ptr_array_index (cell->vm->vgpus, i);

      if (!is_nvidia (implementation (vgpu)) || find_room (cell->dst, vgpu_type (vgpu)) == GPU_ROOM)
        continue;

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "R33", FERRY_CHECK_SEVERITY_WARNING,
                               g_strdup_printf (_("Moving a disk of “%s” live copies its “%s” vGPU, but the GPUs "
                                                  "of “%s” seem full: the move may be impossible"),
                                                _ferry_name (cell->vm->vm), type_name (vgpu),
                                                _ferry_name (cell->dst->host)),
                               g_strdup (_("Free a vGPU on the host for the duration (stop another GPU VM), "
                                           "or shut the VM down and move the disk while it is halted."))),
        vgpu, cell->dst->host, NULL);
      return;
    }
}
