/* ferry-classes.c: the registry of the classes the cache keeps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-classes"

#include "config.h"

#include "ferry-object-private.h"

extern const FerryClassInfo _ferry_cluster_host_info;
extern const FerryClassInfo _ferry_cluster_info;
extern const FerryClassInfo _ferry_gpu_group_info;
extern const FerryClassInfo _ferry_host_cpu_info;
extern const FerryClassInfo _ferry_host_metrics_info;
extern const FerryClassInfo _ferry_host_info;
extern const FerryClassInfo _ferry_message_info;
extern const FerryClassInfo _ferry_network_info;
extern const FerryClassInfo _ferry_pbd_info;
extern const FerryClassInfo _ferry_pci_info;
extern const FerryClassInfo _ferry_pgpu_info;
extern const FerryClassInfo _ferry_pif_info;
extern const FerryClassInfo _ferry_pif_metrics_info;
extern const FerryClassInfo _ferry_pool_info;
extern const FerryClassInfo _ferry_pusb_info;
extern const FerryClassInfo _ferry_sm_info;
extern const FerryClassInfo _ferry_sr_info;
extern const FerryClassInfo _ferry_task_info;
extern const FerryClassInfo _ferry_usb_group_info;
extern const FerryClassInfo _ferry_vbd_info;
extern const FerryClassInfo _ferry_vdi_info;
extern const FerryClassInfo _ferry_vgpu_type_info;
extern const FerryClassInfo _ferry_vgpu_info;
extern const FerryClassInfo _ferry_vif_info;
extern const FerryClassInfo _ferry_vm_guest_metrics_info;
extern const FerryClassInfo _ferry_vm_metrics_info;
extern const FerryClassInfo _ferry_vm_info;
extern const FerryClassInfo _ferry_vusb_info;

static const FerryClassInfo * const class_infos[FERRY_N_CLASSES] = {
  [FERRY_CLASS_CLUSTER_HOST] = &_ferry_cluster_host_info,
  [FERRY_CLASS_CLUSTER] = &_ferry_cluster_info,
  [FERRY_CLASS_GPU_GROUP] = &_ferry_gpu_group_info,
  [FERRY_CLASS_HOST_CPU] = &_ferry_host_cpu_info,
  [FERRY_CLASS_HOST_METRICS] = &_ferry_host_metrics_info,
  [FERRY_CLASS_HOST] = &_ferry_host_info,
  [FERRY_CLASS_MESSAGE] = &_ferry_message_info,
  [FERRY_CLASS_NETWORK] = &_ferry_network_info,
  [FERRY_CLASS_PBD] = &_ferry_pbd_info,
  [FERRY_CLASS_PCI] = &_ferry_pci_info,
  [FERRY_CLASS_PGPU] = &_ferry_pgpu_info,
  [FERRY_CLASS_PIF] = &_ferry_pif_info,
  [FERRY_CLASS_PIF_METRICS] = &_ferry_pif_metrics_info,
  [FERRY_CLASS_POOL] = &_ferry_pool_info,
  [FERRY_CLASS_PUSB] = &_ferry_pusb_info,
  [FERRY_CLASS_SM] = &_ferry_sm_info,
  [FERRY_CLASS_SR] = &_ferry_sr_info,
  [FERRY_CLASS_TASK] = &_ferry_task_info,
  [FERRY_CLASS_USB_GROUP] = &_ferry_usb_group_info,
  [FERRY_CLASS_VBD] = &_ferry_vbd_info,
  [FERRY_CLASS_VDI] = &_ferry_vdi_info,
  [FERRY_CLASS_VGPU_TYPE] = &_ferry_vgpu_type_info,
  [FERRY_CLASS_VGPU] = &_ferry_vgpu_info,
  [FERRY_CLASS_VIF] = &_ferry_vif_info,
  [FERRY_CLASS_VM_GUEST_METRICS] = &_ferry_vm_guest_metrics_info,
  [FERRY_CLASS_VM_METRICS] = &_ferry_vm_metrics_info,
  [FERRY_CLASS_VM] = &_ferry_vm_info,
  [FERRY_CLASS_VUSB] = &_ferry_vusb_info,
};

/* Built once, read-only afterwards: lowercased class name ("vm_metrics")
 * → info, and per class, field wire name → FerryField (base or class). */
static GHashTable *wire_names;
static GHashTable *field_names[FERRY_N_CLASSES];
static const FerryField *base_fields;
static guint n_base_fields;

const FerryClassInfo *
_ferry_class_info_get (FerryClassId id)
{
  g_return_val_if_fail (id < FERRY_N_CLASSES, NULL);

  return class_infos[id];
}

static gpointer
ensure_once (gpointer data)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  base_fields = _ferry_object_base_fields (&n_base_fields);

  for (guint i = 0; i < FERRY_N_CLASSES; i++)
    {
      const FerryClassInfo *info = class_infos[i];

      g_assert (info->id == i);

      /* Registers the type and its properties; kept for the process. */
      g_type_class_ref (info->get_type ());

      for (guint f = 0; f < info->n_fields; f++)
        {
          if (info->fields[f].kind == FERRY_FIELD_ENUM)
            g_type_class_ref (info->fields[f].enum_type ());
        }

      g_hash_table_insert (table, g_ascii_strdown (info->xapi_name, -1), (gpointer) info);

      field_names[i] = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint f = 0; f < n_base_fields; f++)
        g_hash_table_insert (field_names[i], (gpointer) base_fields[f].wire_name,
                             (gpointer) &base_fields[f]);
      for (guint f = 0; f < info->n_fields; f++)
        g_hash_table_insert (field_names[i], (gpointer) info->fields[f].wire_name,
                             (gpointer) &info->fields[f]);
    }

  wire_names = table;

  return NULL;
}

/* Registers every class; safe to call from any thread. */
void
_ferry_classes_ensure (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, ensure_once, NULL);
}

/* @wire_class: the "class" of an event, matched case-insensitively. */
const FerryClassInfo *
_ferry_class_info_lookup_wire (const char *wire_class)
{
  char lower[64];
  gsize i;

  _ferry_classes_ensure ();

  if (wire_class == NULL)
    return NULL;

  for (i = 0; wire_class[i] != '\0' && i < sizeof lower - 1; i++)
    lower[i] = g_ascii_tolower (wire_class[i]);
  if (wire_class[i] != '\0')
    return NULL;
  lower[i] = '\0';

  return g_hash_table_lookup (wire_names, lower);
}

const FerryClassInfo *
_ferry_class_info_for_type (GType type)
{
  _ferry_classes_ensure ();

  for (guint i = 0; i < FERRY_N_CLASSES; i++)
    {
      if (class_infos[i]->get_type () == type)
        return class_infos[i];
    }

  return NULL;
}

const FerryField *
_ferry_class_info_lookup_field (const FerryClassInfo *info,
                                const char           *wire_name,
                                gboolean             *is_base)
{
  const FerryField *field;

  _ferry_classes_ensure ();

  field = g_hash_table_lookup (field_names[info->id], wire_name);
  *is_base = FALSE;
  for (guint i = 0; field != NULL && i < n_base_fields; i++)
    *is_base |= field == &base_fields[i];

  return field;
}
