/* ferry-pool-view.c
 *
 * A pool: its coordinator, default SR, HA, the migration compression
 * setting (which this view can change) and its hosts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-pool-view"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-host-metrics.h"
#include "ferry-host.h"
#include "ferry-pool-view.h"
#include "ferry-ui-utils.h"
#include "ferry-vm.h"

struct _FerryPoolView
{
  AdwBin               parent_instance;

  /* Template widgets */
  GtkLabel            *name_label;
  GtkLabel            *description_label;
  AdwActionRow        *coordinator_row;
  AdwActionRow        *default_sr_row;
  AdwActionRow        *ha_row;
  AdwActionRow        *compression_row;
  GtkSwitch           *compression_switch;
  AdwPreferencesGroup *hosts_group;
  GtkListBox          *hosts_list;

  /* Owned references */
  FerryConnection     *connection;
  FerryPool           *pool;
  GSignalGroup        *pool_signals;
  GSignalGroup        *cache_signals;
  GSignalGroup        *hosts_signals;
  GCancellable        *cancellable;
  gboolean             updating;
};

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_FINAL_TYPE (FerryPoolView, ferry_pool_view, ADW_TYPE_BIN)

static GtkWidget *
create_host_row (gpointer item,
                 gpointer user_data)
{
  FerryHost *host = item;
  FerryObject *metrics = ferry_object_lookup_ref (FERRY_OBJECT (host), ferry_host_get_metrics (host));
  GListModel *vms = ferry_host_get_resident_vms (host);
  guint n_vms = 0;
  g_autofree char *vms_text = NULL;
  g_autofree char *subtitle = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (vms, i);

      if (ferry_vm_is_listed (vm))
        n_vms++;
    }
  vms_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u VM", "%u VMs", n_vms), n_vms);

  if (FERRY_IS_HOST_METRICS (metrics))
    {
      g_autofree char *free_text = ferry_format_size (ferry_host_metrics_get_memory_free (FERRY_HOST_METRICS (metrics)));
      g_autofree char *total_text = ferry_format_size (ferry_host_metrics_get_memory_total (FERRY_HOST_METRICS (metrics)));

      /* Translators: "12 VMs, 120 GiB free of 512 GiB" */
      subtitle = g_strdup_printf (_("%s, %s free of %s"), vms_text, free_text, total_text);
    }
  else
    subtitle = g_steal_pointer (&vms_text);

  return ferry_info_row_new (ferry_object_get_display_name (FERRY_OBJECT (host)), subtitle,
                             "network-server-symbolic");
}

static const char *
name_of_ref (FerryObject *object,
             const char  *ref)
{
  FerryObject *other = ferry_object_lookup_ref (object, ref);

  return other ? ferry_object_get_display_name (other) : NULL;
}

static void
update (FerryPoolView *self)
{
  FerryPool *pool = self->connection ? ferry_cache_get_pool (ferry_connection_get_cache (self->connection)) : NULL;
  FerryObject *object;
  const char *coordinator;
  const char *default_sr;
  g_autofree char *hosts_title = NULL;
  guint n_hosts;

  if (pool != self->pool)
    {
      g_set_object (&self->pool, pool);
      g_signal_group_set_target (self->pool_signals, pool);
    }

  gtk_label_set_label (self->name_label, self->connection ? ferry_connection_get_title (self->connection) : "");
  ferry_set_label_text (self->description_label, pool ? ferry_object_get_name_description (FERRY_OBJECT (pool)) : NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compression_row), pool != NULL);

  if (pool == NULL)
    return;

  object = FERRY_OBJECT (pool);
  coordinator = name_of_ref (object, ferry_pool_get_master (pool));
  ferry_info_row_set_subtitle (GTK_WIDGET (self->coordinator_row), coordinator ? coordinator : _("Unknown"));
  default_sr = name_of_ref (object, ferry_pool_get_default_sr (pool));
  ferry_info_row_set_subtitle (GTK_WIDGET (self->default_sr_row), default_sr ? default_sr : _("None"));

  if (ferry_pool_get_ha_enabled (pool))
    {
      gint64 failures = ferry_pool_get_ha_host_failures_to_tolerate (pool);
      /* Translators: HA state of a pool */
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "On, tolerates %ld host failure",
                                                            "On, tolerates %ld host failures",
                                                            (gulong) failures), (long) failures);

      ferry_info_row_set_subtitle (GTK_WIDGET (self->ha_row), text);
    }
  else
    ferry_info_row_set_subtitle (GTK_WIDGET (self->ha_row), _("Off"));

  self->updating = TRUE;
  gtk_switch_set_active (self->compression_switch, ferry_pool_get_migration_compression (pool));
  self->updating = FALSE;

  n_hosts = g_list_model_get_n_items (ferry_pool_get_hosts (pool));
  hosts_title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Host", "%u Hosts", n_hosts), n_hosts);
  adw_preferences_group_set_title (self->hosts_group, hosts_title);
}

static void
on_changed_cb (FerryPoolView *self)
{
  update (self);
}

static void
on_compression_set_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(FerryPoolView) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->compression_switch), TRUE);
  if (error != NULL)
    {
      /* Translators: %s says why */
      g_autofree char *text = g_strdup_printf (_("Could not change the setting: %s"), error->message);

      ferry_info_row_set_subtitle (GTK_WIDGET (self->compression_row), text);
      update (self);
      return;
    }
  ferry_info_row_set_subtitle (GTK_WIDGET (self->compression_row),
                               _("Compress the data that migrations send, for slow networks (uses more CPU)"));
}

static void
on_compression_switch_active_cb (FerryPoolView *self)
{
  gboolean active = gtk_switch_get_active (self->compression_switch);

  if (self->updating || self->pool == NULL || self->connection == NULL ||
      active == ferry_pool_get_migration_compression (self->pool))
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->compression_switch), FALSE);
  ferry_connection_call_async (self->connection, "pool.set_migration_compression",
                               g_variant_new ("(sb)", ferry_object_get_ref (FERRY_OBJECT (self->pool)), active),
                               FERRY_CALL_NONE, self->cancellable, on_compression_set_cb, g_object_ref (self));
}

static void
ferry_pool_view_dispose (GObject *object)
{
  FerryPoolView *self = FERRY_POOL_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  ferry_pool_view_set_connection (self, NULL);

  G_OBJECT_CLASS (ferry_pool_view_parent_class)->dispose (object);
}

static void
ferry_pool_view_finalize (GObject *object)
{
  FerryPoolView *self = FERRY_POOL_VIEW (object);

  g_clear_object (&self->pool_signals);
  g_clear_object (&self->cache_signals);
  g_clear_object (&self->hosts_signals);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ferry_pool_view_parent_class)->finalize (object);
}

static void
ferry_pool_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FerryPoolView *self = FERRY_POOL_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_pool_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FerryPoolView *self = FERRY_POOL_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      ferry_pool_view_set_connection (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_pool_view_class_init (FerryPoolViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_pool_view_dispose;
  object_class->finalize = ferry_pool_view_finalize;
  object_class->get_property = ferry_pool_view_get_property;
  object_class->set_property = ferry_pool_view_set_property;

  properties [PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         FERRY_TYPE_CONNECTION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-pool-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryPoolView, name_label);
  gtk_widget_class_bind_template_child (widget_class, FerryPoolView, description_label);
  gtk_widget_class_bind_template_child (widget_class, FerryPoolView, coordinator_row);
  gtk_widget_class_bind_template_child (widget_class, FerryPoolView, default_sr_row);
  gtk_widget_class_bind_template_child (widget_class, FerryPoolView, ha_row);
  gtk_widget_class_bind_template_child (widget_class, FerryPoolView, compression_row);
  gtk_widget_class_bind_template_child (widget_class, FerryPoolView, compression_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryPoolView, hosts_group);
  gtk_widget_class_bind_template_child (widget_class, FerryPoolView, hosts_list);
  gtk_widget_class_bind_template_callback (widget_class, on_compression_switch_active_cb);
}

static void
ferry_pool_view_init (FerryPoolView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  ferry_info_row_set_subtitle (GTK_WIDGET (self->compression_row),
                               _("Compress the data that migrations send, for slow networks (uses more CPU)"));
  self->pool_signals = g_signal_group_new (FERRY_TYPE_POOL);
  g_signal_group_connect_swapped (self->pool_signals, "notify", G_CALLBACK (on_changed_cb), self);
  self->cache_signals = g_signal_group_new (FERRY_TYPE_CACHE);
  g_signal_group_connect_swapped (self->cache_signals, "notify::populated", G_CALLBACK (on_changed_cb), self);
  self->hosts_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->hosts_signals, "items-changed", G_CALLBACK (on_changed_cb), self);
}

FerryConnection *
ferry_pool_view_get_connection (FerryPoolView *self)
{
  g_return_val_if_fail (FERRY_IS_POOL_VIEW (self), NULL);
  return self->connection;
}

void
ferry_pool_view_set_connection (FerryPoolView   *self,
                                FerryConnection *connection)
{
  FerryCache *cache;

  g_return_if_fail (FERRY_IS_POOL_VIEW (self));
  g_return_if_fail (connection == NULL || FERRY_IS_CONNECTION (connection));

  if (self->connection == connection)
    return;

  /* A pending change belongs to the pool shown before. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self->compression_switch), TRUE);

  g_set_object (&self->connection, connection);
  cache = connection ? ferry_connection_get_cache (connection) : NULL;
  g_signal_group_set_target (self->cache_signals, cache);
  g_signal_group_set_target (self->hosts_signals, cache ? ferry_cache_get_objects (cache, FERRY_TYPE_HOST) : NULL);
  gtk_list_box_bind_model (self->hosts_list, cache ? ferry_cache_get_objects (cache, FERRY_TYPE_HOST) : NULL,
                           cache ? create_host_row : NULL, NULL, NULL);
  g_clear_object (&self->pool);
  g_signal_group_set_target (self->pool_signals, NULL);
  update (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CONNECTION]);
}
