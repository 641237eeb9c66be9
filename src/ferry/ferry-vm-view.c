/* ferry-vm-view.c
 *
 * What matters about a VM before moving it: where it runs, its memory,
 * disks and their SRs, NICs and networks, devices that pin it to a host,
 * tools, CBT and HA.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-vm-view"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-network.h"
#include "ferry-pci.h"
#include "ferry-sr.h"
#include "ferry-ui-utils.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vgpu.h"
#include "ferry-vgpu-type.h"
#include "ferry-vif.h"
#include "ferry-vm-guest-metrics.h"
#include "ferry-vm-metrics.h"
#include "ferry-vm-view.h"
#include "ferry-vusb.h"

struct _FerryVmView
{
  AdwBin        parent_instance;

  /* Template widgets */
  GtkLabel     *name_label;
  GtkLabel     *description_label;
  AdwActionRow *power_row;
  GtkImage     *power_icon;
  AdwActionRow *host_row;
  AdwActionRow *home_row;
  AdwActionRow *os_row;
  AdwActionRow *cpu_row;
  AdwActionRow *memory_row;
  GtkListBox   *disks_list;
  GtkListBox   *nics_list;
  GtkListBox   *devices_list;
  AdwActionRow *tools_row;
  AdwActionRow *cbt_row;
  AdwActionRow *ha_row;

  /* Owned references */
  FerryVm      *vm;
  GSignalGroup *vm_signals;
  GPtrArray    *watched;  /* models whose changes refresh the devices */
};

enum {
  PROP_0,
  PROP_VM,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_FINAL_TYPE (FerryVmView, ferry_vm_view, ADW_TYPE_BIN)

static const char *
name_of_ref (FerryObject *object,
             const char  *ref)
{
  FerryObject *other = ferry_object_lookup_ref (object, ref);

  return other ? ferry_object_get_display_name (other) : NULL;
}

static gboolean
is_disk (gpointer item,
         gpointer user_data)
{
  return g_strcmp0 (ferry_vbd_get_vbd_type (item), "CD") != 0;
}

static GtkWidget *
create_disk_row (gpointer item,
                 gpointer user_data)
{
  FerryVbd *vbd = item;
  FerryObject *vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));
  g_autofree char *size = NULL;
  g_autofree char *subtitle = NULL;
  const char *sr_name = NULL;

  if (!FERRY_IS_VDI (vdi))
    return ferry_info_row_new (_("Disk"), _("No virtual disk"), "drive-harddisk-symbolic");

  size = ferry_format_size (ferry_vdi_get_virtual_size (FERRY_VDI (vdi)));
  sr_name = name_of_ref (vdi, ferry_vdi_get_sr (FERRY_VDI (vdi)));
  /* Translators: "40 GiB on Prod-NFS, device 0" */
  subtitle = g_strdup_printf (_("%s on %s, device %s"), size, sr_name ? sr_name : _("an unknown SR"),
                              ferry_vbd_get_userdevice (vbd) ? ferry_vbd_get_userdevice (vbd) : "?");
  return ferry_info_row_new (ferry_object_get_display_name (vdi), subtitle, "drive-harddisk-symbolic");
}

static GtkWidget *
create_nic_row (gpointer item,
                gpointer user_data)
{
  FerryVif *vif = item;
  const char *network = name_of_ref (FERRY_OBJECT (vif), ferry_vif_get_network (vif));
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  /* Translators: %s is a device number */
  title = g_strdup_printf (_("Interface %s"), ferry_vif_get_device (vif) ? ferry_vif_get_device (vif) : "?");
  /* Translators: "VM Network, MAC 12:34:…" */
  subtitle = g_strdup_printf (_("%s, MAC %s"), network ? network : _("unknown network"),
                              ferry_vif_get_mac (vif) ? ferry_vif_get_mac (vif) : "");
  return ferry_info_row_new (title, subtitle, "network-wired-symbolic");
}

static void
update_devices (FerryVmView *self)
{
  FerryObject *object = FERRY_OBJECT (self->vm);
  const char * const *pcis = ferry_vm_get_attached_pcis (self->vm);
  const char *pci_config = ferry_object_lookup_other_config (object, "pci");
  GListModel *model;
  GtkWidget *child;
  guint n_rows = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->devices_list))) != NULL)
    gtk_list_box_remove (self->devices_list, child);

  for (guint i = 0; pcis != NULL && pcis[i] != NULL; i++)
    {
      FerryObject *pci = ferry_object_lookup_ref (object, pcis[i]);
      g_autofree char *subtitle = NULL;

      if (FERRY_IS_PCI (pci))
        subtitle = g_strdup_printf ("%s %s (%s)", ferry_pci_get_vendor_name (FERRY_PCI (pci)),
                                    ferry_pci_get_device_name (FERRY_PCI (pci)),
                                    ferry_pci_get_pci_id (FERRY_PCI (pci)));
      gtk_list_box_append (self->devices_list,
                           ferry_info_row_new (_("PCI Passthrough"), subtitle ? subtitle : pcis[i],
                                               "emblem-system-symbolic"));
      n_rows++;
    }

  if (n_rows == 0 && pci_config != NULL && pci_config[0] != '\0')
    {
      gtk_list_box_append (self->devices_list,
                           ferry_info_row_new (_("PCI Passthrough"), pci_config, "emblem-system-symbolic"));
      n_rows++;
    }

  model = ferry_vm_get_vgpus (self->vm);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryVgpu) vgpu = g_list_model_get_item (model, i);
      FerryObject *type = ferry_object_lookup_ref (FERRY_OBJECT (vgpu), ferry_vgpu_get_vgpu_type (vgpu));
      const char *type_name = FERRY_IS_VGPU_TYPE (type) ? ferry_vgpu_type_get_model_name (FERRY_VGPU_TYPE (type)) : NULL;

      gtk_list_box_append (self->devices_list,
                           ferry_info_row_new (_("Virtual GPU"), type_name, "video-display-symbolic"));
      n_rows++;
    }

  model = ferry_vm_get_vusbs (self->vm);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryVusb) vusb = g_list_model_get_item (model, i);
      const char *group = name_of_ref (FERRY_OBJECT (vusb), ferry_vusb_get_usb_group (vusb));

      gtk_list_box_append (self->devices_list,
                           ferry_info_row_new (_("USB Passthrough"), group, "drive-removable-media-symbolic"));
      n_rows++;
    }

  model = ferry_vm_get_vbds (self->vm);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (model, i);
      const char *iso;

      if (g_strcmp0 (ferry_vbd_get_vbd_type (vbd), "CD") != 0 || ferry_vbd_get_empty (vbd))
        continue;
      iso = name_of_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));
      gtk_list_box_append (self->devices_list,
                           ferry_info_row_new (_("CD Inserted"), iso, "media-optical-symbolic"));
      n_rows++;
    }

  if (n_rows == 0)
    gtk_list_box_append (self->devices_list,
                         ferry_info_row_new (_("None"), _("Nothing ties this VM to its host"), NULL));
}

static void
update_flags (FerryVmView *self)
{
  FerryObject *object = FERRY_OBJECT (self->vm);
  FerryObject *guest = ferry_object_lookup_ref (object, ferry_vm_get_guest_metrics (self->vm));
  GListModel *vbds = ferry_vm_get_vbds (self->vm);
  const char *priority = ferry_vm_get_ha_restart_priority (self->vm);
  guint n_disks = 0;
  guint n_cbt = 0;
  g_autofree char *cbt = NULL;

  if (FERRY_IS_VM_GUEST_METRICS (guest) &&
      ferry_vm_guest_metrics_get_pv_drivers_detected (FERRY_VM_GUEST_METRICS (guest)))
    {
      FerryVmGuestMetrics *metrics = FERRY_VM_GUEST_METRICS (guest);
      g_autofree char *version = g_strdup_printf ("%s.%s.%s",
                                                  ferry_vm_guest_metrics_lookup_pv_drivers_version (metrics, "major") ?: "?",
                                                  ferry_vm_guest_metrics_lookup_pv_drivers_version (metrics, "minor") ?: "?",
                                                  ferry_vm_guest_metrics_lookup_pv_drivers_version (metrics, "micro") ?: "?");
      /* Translators: %s is a version number */
      g_autofree char *text = g_strdup_printf (_("Installed, version %s"), version);

      ferry_info_row_set_subtitle (GTK_WIDGET (self->tools_row), text);
    }
  else
    ferry_info_row_set_subtitle (GTK_WIDGET (self->tools_row), _("Not installed or not running"));

  for (guint i = 0; i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));

      if (!FERRY_IS_VDI (vdi) || !is_disk (vbd, NULL))
        continue;
      n_disks++;
      if (ferry_vdi_get_cbt_enabled (FERRY_VDI (vdi)))
        n_cbt++;
    }
  if (n_cbt == 0)
    cbt = g_strdup (_("Off"));
  else
    /* Translators: "On for 2 of 3 disks" */
    cbt = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "On for %u of %u disk", "On for %u of %u disks", n_disks),
                           n_cbt, n_disks);
  ferry_info_row_set_subtitle (GTK_WIDGET (self->cbt_row), cbt);

  if (priority == NULL || priority[0] == '\0')
    ferry_info_row_set_subtitle (GTK_WIDGET (self->ha_row), _("Not protected"));
  else
    {
      /* Translators: %s is xapi's restart priority ("restart", "best-effort") */
      g_autofree char *text = g_strdup_printf (_("Protected, restart priority “%s”"), priority);

      ferry_info_row_set_subtitle (GTK_WIDGET (self->ha_row), text);
    }
}

static void
update (FerryVmView *self)
{
  FerryObject *object;
  FerryVmPowerState state;
  FerryObject *metrics;
  FerryObject *guest;
  const char *host;
  const char *home;
  const char *os = NULL;
  g_autofree char *os_name = NULL;
  g_autofree char *static_max = NULL;
  g_autofree char *dynamic_min = NULL;
  g_autofree char *dynamic_max = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *cpus = NULL;

  if (self->vm == NULL)
    return;

  object = FERRY_OBJECT (self->vm);
  state = ferry_vm_get_power_state (self->vm);

  gtk_label_set_label (self->name_label, ferry_object_get_display_name (object));
  ferry_set_label_text (self->description_label, ferry_object_get_name_description (object));

  ferry_info_row_set_subtitle (GTK_WIDGET (self->power_row), ferry_vm_power_state_to_label (state));
  gtk_image_set_from_icon_name (self->power_icon, ferry_vm_power_state_to_icon (state));

  host = name_of_ref (object, ferry_vm_get_resident_on (self->vm));
  ferry_info_row_set_subtitle (GTK_WIDGET (self->host_row), host ? host : _("Not running"));
  home = name_of_ref (object, ferry_vm_get_affinity (self->vm));
  ferry_info_row_set_subtitle (GTK_WIDGET (self->home_row), home ? home : _("None"));

  guest = ferry_object_lookup_ref (object, ferry_vm_get_guest_metrics (self->vm));
  if (FERRY_IS_VM_GUEST_METRICS (guest))
    os = ferry_vm_guest_metrics_lookup_os_version (FERRY_VM_GUEST_METRICS (guest), "name");
  /* Windows guests report "Name|system root|boot device". */
  os_name = os ? g_strndup (os, strcspn (os, "|")) : NULL;
  ferry_info_row_set_subtitle (GTK_WIDGET (self->os_row), os_name ? os_name : _("Unknown"));

  /* Translators: "2 (at most 4)" */
  cpus = g_strdup_printf (_("%ld (at most %ld)"),
                          (long) ferry_vm_get_vcpus_at_startup (self->vm), (long) ferry_vm_get_vcpus_max (self->vm));
  ferry_info_row_set_subtitle (GTK_WIDGET (self->cpu_row), cpus);

  static_max = ferry_format_size (ferry_vm_get_memory_static_max (self->vm));
  dynamic_min = ferry_format_size (ferry_vm_get_memory_dynamic_min (self->vm));
  dynamic_max = ferry_format_size (ferry_vm_get_memory_dynamic_max (self->vm));
  metrics = ferry_object_lookup_ref (object, ferry_vm_get_metrics (self->vm));
  if (FERRY_IS_VM_METRICS (metrics) && state == FERRY_VM_POWER_STATE_RUNNING)
    {
      g_autofree char *actual = ferry_format_size (ferry_vm_metrics_get_memory_actual (FERRY_VM_METRICS (metrics)));

      /* Translators: "4 GiB in use (dynamic range 2 GiB – 4 GiB, static maximum 8 GiB)" */
      memory = g_strdup_printf (_("%s in use (dynamic range %s – %s, static maximum %s)"),
                                actual, dynamic_min, dynamic_max, static_max);
    }
  else
    /* Translators: "dynamic range 2 GiB – 4 GiB, static maximum 8 GiB" */
    memory = g_strdup_printf (_("Dynamic range %s – %s, static maximum %s"), dynamic_min, dynamic_max, static_max);
  ferry_info_row_set_subtitle (GTK_WIDGET (self->memory_row), memory);

  update_devices (self);
  update_flags (self);
}

static void
on_vm_notify_cb (FerryVmView *self)
{
  update (self);
}

static void
on_model_changed_cb (FerryVmView *self)
{
  update (self);
}

static void
unwatch_models (FerryVmView *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched, i), on_model_changed_cb, self);
  g_ptr_array_set_size (self->watched, 0);
}

static void
ferry_vm_view_dispose (GObject *object)
{
  FerryVmView *self = FERRY_VM_VIEW (object);

  ferry_vm_view_set_vm (self, NULL);

  G_OBJECT_CLASS (ferry_vm_view_parent_class)->dispose (object);
}

static void
ferry_vm_view_finalize (GObject *object)
{
  FerryVmView *self = FERRY_VM_VIEW (object);

  g_clear_object (&self->vm_signals);
  g_clear_pointer (&self->watched, g_ptr_array_unref);

  G_OBJECT_CLASS (ferry_vm_view_parent_class)->finalize (object);
}

static void
ferry_vm_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FerryVmView *self = FERRY_VM_VIEW (object);

  switch (prop_id)
    {
    case PROP_VM:
      g_value_set_object (value, self->vm);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_vm_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FerryVmView *self = FERRY_VM_VIEW (object);

  switch (prop_id)
    {
    case PROP_VM:
      ferry_vm_view_set_vm (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_vm_view_class_init (FerryVmViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_vm_view_dispose;
  object_class->finalize = ferry_vm_view_finalize;
  object_class->get_property = ferry_vm_view_get_property;
  object_class->set_property = ferry_vm_view_set_property;

  properties [PROP_VM] =
    g_param_spec_object ("vm", NULL, NULL,
                         FERRY_TYPE_VM,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-vm-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, name_label);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, description_label);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, power_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, power_icon);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, host_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, home_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, os_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, cpu_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, memory_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, disks_list);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, nics_list);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, devices_list);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, tools_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, cbt_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmView, ha_row);
}

static void
ferry_vm_view_init (FerryVmView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->vm_signals = g_signal_group_new (FERRY_TYPE_VM);
  g_signal_group_connect_swapped (self->vm_signals, "notify", G_CALLBACK (on_vm_notify_cb), self);
}

FerryVm *
ferry_vm_view_get_vm (FerryVmView *self)
{
  g_return_val_if_fail (FERRY_IS_VM_VIEW (self), NULL);
  return self->vm;
}

void
ferry_vm_view_set_vm (FerryVmView *self,
                      FerryVm     *vm)
{
  g_return_if_fail (FERRY_IS_VM_VIEW (self));
  g_return_if_fail (vm == NULL || FERRY_IS_VM (vm));

  if (self->vm == vm)
    return;

  unwatch_models (self);
  g_set_object (&self->vm, vm);
  g_signal_group_set_target (self->vm_signals, vm);

  if (vm != NULL)
    {
      g_autoptr(GtkFilterListModel) disks = NULL;
      GListModel *models[] = { ferry_vm_get_vbds (vm), ferry_vm_get_vgpus (vm), ferry_vm_get_vusbs (vm) };

      disks = gtk_filter_list_model_new (g_object_ref (ferry_vm_get_vbds (vm)),
                                         GTK_FILTER (gtk_custom_filter_new (is_disk, NULL, NULL)));
      gtk_list_box_bind_model (self->disks_list, G_LIST_MODEL (disks), create_disk_row, NULL, NULL);
      gtk_list_box_bind_model (self->nics_list, ferry_vm_get_vifs (vm), create_nic_row, NULL, NULL);

      for (guint i = 0; i < G_N_ELEMENTS (models); i++)
        {
          g_ptr_array_add (self->watched, g_object_ref (models[i]));
          g_signal_connect_swapped (models[i], "items-changed", G_CALLBACK (on_model_changed_cb), self);
        }
      update (self);
    }
  else
    {
      gtk_list_box_bind_model (self->disks_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->nics_list, NULL, NULL, NULL, NULL);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_VM]);
}
