/* ferry-host-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-host-view"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-host-metrics.h"
#include "ferry-host-view.h"
#include "ferry-pool.h"
#include "ferry-ui-utils.h"
#include "ferry-vm-metrics.h"
#include "ferry-vm.h"

struct _FerryHostView
{
  AdwBin                parent_instance;

  /* Template widgets */
  GtkLabel             *name_label;
  GtkLabel             *description_label;
  AdwActionRow         *product_row;
  AdwActionRow         *cpu_row;
  AdwActionRow         *memory_row;
  GtkLevelBar          *memory_bar;
  AdwActionRow         *state_row;
  AdwPreferencesGroup  *vms_group;
  GtkListBox           *vms_list;

  /* Owned references */
  FerryHost            *host;
  GtkFilterListModel   *vms;
  GSignalGroup         *host_signals;
  GSignalGroup         *metrics_signals;
};

enum {
  PROP_0,
  PROP_HOST,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_FINAL_TYPE (FerryHostView, ferry_host_view, ADW_TYPE_BIN)

static gboolean
is_listed_vm (gpointer item,
              gpointer user_data)
{
  return ferry_vm_is_listed (item);
}

static GtkWidget *
create_vm_row (gpointer item,
               gpointer user_data)
{
  FerryVm *vm = item;
  FerryObject *metrics = ferry_object_lookup_ref (FERRY_OBJECT (vm), ferry_vm_get_metrics (vm));
  gint64 memory = FERRY_IS_VM_METRICS (metrics) ? ferry_vm_metrics_get_memory_actual (FERRY_VM_METRICS (metrics))
                                                : ferry_vm_get_memory_static_max (vm);
  g_autofree char *size = ferry_format_size (memory);
  /* Translators: "Running, 4 GiB" */
  g_autofree char *subtitle = g_strdup_printf (_("%s, %s"),
                                               ferry_vm_power_state_to_label (ferry_vm_get_power_state (vm)), size);

  return ferry_info_row_new (ferry_object_get_display_name (FERRY_OBJECT (vm)), subtitle,
                             ferry_vm_power_state_to_icon (ferry_vm_get_power_state (vm)));
}

static void
update (FerryHostView *self)
{
  FerryObject *object;
  FerryCache *cache;
  FerryPool *pool;
  FerryObject *metrics;
  const char *brand;
  const char *version;
  const char *build;
  const char *vendor;
  const char *model;
  const char *count;
  g_autofree char *product = NULL;
  g_autofree char *cpu = NULL;
  g_autofree char *vms_title = NULL;
  gboolean coordinator;
  guint n_vms;

  if (self->host == NULL)
    return;

  object = FERRY_OBJECT (self->host);
  cache = ferry_object_get_cache (object);
  pool = cache ? ferry_cache_get_pool (cache) : NULL;

  gtk_label_set_label (self->name_label, ferry_object_get_display_name (object));
  ferry_set_label_text (self->description_label, ferry_host_get_address (self->host));

  brand = ferry_host_lookup_software_version (self->host, "product_brand");
  if (brand == NULL)
    brand = ferry_host_lookup_software_version (self->host, "platform_name");
  version = ferry_host_lookup_software_version (self->host, "product_version");
  if (version == NULL)
    version = ferry_host_lookup_software_version (self->host, "platform_version");
  build = ferry_host_lookup_software_version (self->host, "build_number");
  if (build != NULL)
    /* Translators: "XenServer 8.4.0 (build 1234)" */
    product = g_strdup_printf (_("%s %s (build %s)"), brand ? brand : "", version ? version : "", build);
  else
    product = g_strdup_printf ("%s %s", brand ? brand : "", version ? version : "");
  ferry_info_row_set_subtitle (GTK_WIDGET (self->product_row), g_strstrip (product));

  vendor = ferry_host_lookup_cpu_info (self->host, "vendor");
  model = ferry_host_lookup_cpu_info (self->host, "modelname");
  count = ferry_host_lookup_cpu_info (self->host, "cpu_count");
  /* Translators: "GenuineIntel, Intel Xeon Gold 6338, 64 logical CPUs" */
  cpu = g_strdup_printf (_("%s, %s, %s logical CPUs"), vendor ? vendor : _("unknown vendor"),
                         model ? model : _("unknown model"), count ? count : "?");
  ferry_info_row_set_subtitle (GTK_WIDGET (self->cpu_row), cpu);

  metrics = ferry_object_lookup_ref (object, ferry_host_get_metrics (self->host));
  g_signal_group_set_target (self->metrics_signals, metrics);
  if (FERRY_IS_HOST_METRICS (metrics))
    {
      gint64 total = ferry_host_metrics_get_memory_total (FERRY_HOST_METRICS (metrics));
      gint64 free_memory = ferry_host_metrics_get_memory_free (FERRY_HOST_METRICS (metrics));
      g_autofree char *total_text = ferry_format_size (total);
      g_autofree char *free_text = ferry_format_size (free_memory);
      /* Translators: "120 GiB free of 512 GiB" */
      g_autofree char *text = g_strdup_printf (_("%s free of %s"), free_text, total_text);

      ferry_info_row_set_subtitle (GTK_WIDGET (self->memory_row), text);
      gtk_level_bar_set_value (self->memory_bar, total > 0 ? (double) (total - free_memory) / total : 0);
      gtk_widget_set_visible (GTK_WIDGET (self->memory_bar), total > 0);
    }
  else
    {
      ferry_info_row_set_subtitle (GTK_WIDGET (self->memory_row), _("Unknown"));
      gtk_widget_set_visible (GTK_WIDGET (self->memory_bar), FALSE);
    }

  coordinator = pool != NULL && g_strcmp0 (ferry_pool_get_master (pool), ferry_object_get_ref (object)) == 0;
  if (!ferry_host_get_enabled (self->host))
    ferry_info_row_set_subtitle (GTK_WIDGET (self->state_row), _("Disabled (maintenance mode)"));
  else if (coordinator)
    ferry_info_row_set_subtitle (GTK_WIDGET (self->state_row), _("Enabled, pool coordinator"));
  else
    ferry_info_row_set_subtitle (GTK_WIDGET (self->state_row), _("Enabled"));

  n_vms = g_list_model_get_n_items (G_LIST_MODEL (self->vms));
  /* Translators: the title of the list of a host's VMs */
  vms_title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Virtual Machine", "%u Virtual Machines", n_vms), n_vms);
  adw_preferences_group_set_title (self->vms_group, vms_title);
}

static void
on_changed_cb (FerryHostView *self)
{
  update (self);
}

static void
ferry_host_view_dispose (GObject *object)
{
  FerryHostView *self = FERRY_HOST_VIEW (object);

  ferry_host_view_set_host (self, NULL);

  G_OBJECT_CLASS (ferry_host_view_parent_class)->dispose (object);
}

static void
ferry_host_view_finalize (GObject *object)
{
  FerryHostView *self = FERRY_HOST_VIEW (object);

  g_clear_object (&self->host_signals);
  g_clear_object (&self->metrics_signals);

  G_OBJECT_CLASS (ferry_host_view_parent_class)->finalize (object);
}

static void
ferry_host_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FerryHostView *self = FERRY_HOST_VIEW (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_value_set_object (value, self->host);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_host_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FerryHostView *self = FERRY_HOST_VIEW (object);

  switch (prop_id)
    {
    case PROP_HOST:
      ferry_host_view_set_host (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_host_view_class_init (FerryHostViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_host_view_dispose;
  object_class->finalize = ferry_host_view_finalize;
  object_class->get_property = ferry_host_view_get_property;
  object_class->set_property = ferry_host_view_set_property;

  properties [PROP_HOST] =
    g_param_spec_object ("host", NULL, NULL,
                         FERRY_TYPE_HOST,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-host-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryHostView, name_label);
  gtk_widget_class_bind_template_child (widget_class, FerryHostView, description_label);
  gtk_widget_class_bind_template_child (widget_class, FerryHostView, product_row);
  gtk_widget_class_bind_template_child (widget_class, FerryHostView, cpu_row);
  gtk_widget_class_bind_template_child (widget_class, FerryHostView, memory_row);
  gtk_widget_class_bind_template_child (widget_class, FerryHostView, memory_bar);
  gtk_widget_class_bind_template_child (widget_class, FerryHostView, state_row);
  gtk_widget_class_bind_template_child (widget_class, FerryHostView, vms_group);
  gtk_widget_class_bind_template_child (widget_class, FerryHostView, vms_list);
}

static void
ferry_host_view_init (FerryHostView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ferry_usage_bar_init (self->memory_bar);

  self->host_signals = g_signal_group_new (FERRY_TYPE_HOST);
  g_signal_group_connect_swapped (self->host_signals, "notify", G_CALLBACK (on_changed_cb), self);
  self->metrics_signals = g_signal_group_new (FERRY_TYPE_HOST_METRICS);
  g_signal_group_connect_swapped (self->metrics_signals, "notify", G_CALLBACK (on_changed_cb), self);
}

FerryHost *
ferry_host_view_get_host (FerryHostView *self)
{
  g_return_val_if_fail (FERRY_IS_HOST_VIEW (self), NULL);
  return self->host;
}

void
ferry_host_view_set_host (FerryHostView *self,
                          FerryHost     *host)
{
  g_return_if_fail (FERRY_IS_HOST_VIEW (self));
  g_return_if_fail (host == NULL || FERRY_IS_HOST (host));

  if (self->host == host)
    return;

  if (self->vms != NULL)
    g_signal_handlers_disconnect_by_func (self->vms, on_changed_cb, self);
  g_clear_object (&self->vms);
  g_set_object (&self->host, host);
  g_signal_group_set_target (self->host_signals, host);
  g_signal_group_set_target (self->metrics_signals, NULL);

  if (host != NULL)
    {
      self->vms = gtk_filter_list_model_new (g_object_ref (ferry_host_get_resident_vms (host)),
                                             GTK_FILTER (gtk_custom_filter_new (is_listed_vm, NULL, NULL)));
      g_signal_connect_swapped (self->vms, "items-changed", G_CALLBACK (on_changed_cb), self);
      gtk_list_box_bind_model (self->vms_list, G_LIST_MODEL (self->vms), create_vm_row, NULL, NULL);
      update (self);
    }
  else
    gtk_list_box_bind_model (self->vms_list, NULL, NULL, NULL, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_HOST]);
}
