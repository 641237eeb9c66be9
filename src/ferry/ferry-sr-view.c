/* ferry-sr-view.c
 *
 * An SR: type, sharing, space, and the list of its virtual disks (the
 * "Storage" tab that moving a disk starts from).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sr-view"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-pbd.h"
#include "ferry-sr-view.h"
#include "ferry-ui-utils.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

typedef enum
{
  COLUMN_NAME,
  COLUMN_SIZE,
  COLUMN_ON_DISK,
  COLUMN_USED_BY,
} Column;

struct _FerrySrView
{
  AdwBin               parent_instance;

  /* Template widgets */
  GtkLabel            *name_label;
  GtkLabel            *description_label;
  AdwActionRow        *type_row;
  AdwActionRow        *shared_row;
  AdwActionRow        *space_row;
  GtkLevelBar         *space_bar;
  AdwActionRow        *allocation_row;
  AdwPreferencesGroup *vdis_group;
  GtkColumnView       *vdis_view;

  /* Owned references */
  FerrySr             *sr;
  GtkSortListModel    *sorted;
  GSignalGroup        *sr_signals;
  GSignalGroup        *vdis_signals;
};

enum {
  PROP_0,
  PROP_SR,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_FINAL_TYPE (FerrySrView, ferry_sr_view, ADW_TYPE_BIN)

static char *
dup_used_by (FerryVdi *vdi)
{
  GListModel *vbds = ferry_vdi_get_vbds (vdi);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vm = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vm (vbd));

      if (!FERRY_IS_VM (vm))
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, ferry_object_get_display_name (vm));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
dup_cell_text (FerryVdi *vdi,
               Column    column)
{
  switch (column)
    {
    case COLUMN_NAME:
      return g_strdup (ferry_object_get_display_name (FERRY_OBJECT (vdi)));
    case COLUMN_SIZE:
      return ferry_format_size (ferry_vdi_get_virtual_size (vdi));
    case COLUMN_ON_DISK:
      return ferry_format_size (ferry_vdi_get_physical_utilisation (vdi));
    case COLUMN_USED_BY:
    default:
      return dup_used_by (vdi);
    }
}

static void
on_cell_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (user_data) == COLUMN_SIZE ||
                                           GPOINTER_TO_INT (user_data) == COLUMN_ON_DISK ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
on_cell_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  g_autofree char *text = dup_cell_text (gtk_list_item_get_item (item), GPOINTER_TO_INT (user_data));

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static int
compare_vdis (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  FerryVdi *vdi_a = FERRY_VDI ((gpointer) a);
  FerryVdi *vdi_b = FERRY_VDI ((gpointer) b);
  gint64 na, nb;

  switch (column)
    {
    case COLUMN_SIZE:
      na = ferry_vdi_get_virtual_size (vdi_a);
      nb = ferry_vdi_get_virtual_size (vdi_b);
      return na < nb ? GTK_ORDERING_SMALLER : na > nb ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
    case COLUMN_ON_DISK:
      na = ferry_vdi_get_physical_utilisation (vdi_a);
      nb = ferry_vdi_get_physical_utilisation (vdi_b);
      return na < nb ? GTK_ORDERING_SMALLER : na > nb ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
    case COLUMN_NAME:
    case COLUMN_USED_BY:
    default:
      {
        g_autofree char *ta = dup_cell_text (vdi_a, column);
        g_autofree char *tb = dup_cell_text (vdi_b, column);
        int result = g_utf8_collate (ta, tb);

        return result < 0 ? GTK_ORDERING_SMALLER : result > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
      }
    }
}

static void
add_column (FerrySrView *self,
            const char  *title,
            Column       column,
            gboolean     expand)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;
  g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (compare_vdis, GINT_TO_POINTER (column), NULL));

  g_signal_connect (factory, "setup", G_CALLBACK (on_cell_setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (on_cell_bind_cb), GINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, g_steal_pointer (&factory));
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_column_set_sorter (view_column, sorter);
  gtk_column_view_append_column (self->vdis_view, view_column);
}

static const char *
describe_sharing (FerrySr *sr)
{
  if (ferry_sr_get_shared (sr))
    return _("Shared: every host of the pool can use it");
  return _("Local: only one host can use it");
}

static void
update (FerrySrView *self)
{
  FerryObject *object;
  gint64 size, used;
  g_autofree char *type = NULL;
  g_autofree char *allocation = NULL;
  g_autofree char *title = NULL;
  guint n_vdis;

  if (self->sr == NULL)
    return;

  object = FERRY_OBJECT (self->sr);
  gtk_label_set_label (self->name_label, ferry_object_get_display_name (object));
  ferry_set_label_text (self->description_label, ferry_object_get_name_description (object));

  /* Translators: "nfs, content: user" */
  type = g_strdup_printf (_("%s, content: %s"), ferry_sr_get_sr_type (self->sr) ?: "?",
                          ferry_sr_get_content_type (self->sr) ?: "?");
  ferry_info_row_set_subtitle (GTK_WIDGET (self->type_row), type);

  if (ferry_sr_get_shared (self->sr))
    ferry_info_row_set_subtitle (GTK_WIDGET (self->shared_row), describe_sharing (self->sr));
  else
    {
      GListModel *pbds = ferry_sr_get_pbds (self->sr);
      const char *host = NULL;

      if (g_list_model_get_n_items (pbds) > 0)
        {
          g_autoptr(FerryPbd) pbd = g_list_model_get_item (pbds, 0);
          FerryObject *host_object = ferry_object_lookup_ref (FERRY_OBJECT (pbd), ferry_pbd_get_host (pbd));

          host = host_object ? ferry_object_get_display_name (host_object) : NULL;
        }
      if (host != NULL)
        {
          /* Translators: %s is a host name */
          g_autofree char *text = g_strdup_printf (_("Local to %s"), host);

          ferry_info_row_set_subtitle (GTK_WIDGET (self->shared_row), text);
        }
      else
        ferry_info_row_set_subtitle (GTK_WIDGET (self->shared_row), describe_sharing (self->sr));
    }

  size = ferry_sr_get_physical_size (self->sr);
  used = ferry_sr_get_physical_utilisation (self->sr);
  if (size > 0)
    {
      g_autofree char *size_text = ferry_format_size (size);
      g_autofree char *used_text = ferry_format_size (used);
      g_autofree char *free_text = ferry_format_size (size - used);
      /* Translators: "1.2 TiB used of 6 TiB, 4.8 TiB free" */
      g_autofree char *text = g_strdup_printf (_("%s used of %s, %s free"), used_text, size_text, free_text);

      ferry_info_row_set_subtitle (GTK_WIDGET (self->space_row), text);
      gtk_level_bar_set_value (self->space_bar, CLAMP ((double) used / size, 0.0, 1.0));
      gtk_widget_set_visible (GTK_WIDGET (self->space_bar), TRUE);
    }
  else
    {
      ferry_info_row_set_subtitle (GTK_WIDGET (self->space_row), _("Unknown"));
      gtk_widget_set_visible (GTK_WIDGET (self->space_bar), FALSE);
    }

  allocation = ferry_format_size (ferry_sr_get_virtual_allocation (self->sr));
  ferry_info_row_set_subtitle (GTK_WIDGET (self->allocation_row), allocation);

  n_vdis = g_list_model_get_n_items (ferry_sr_get_vdis (self->sr));
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Virtual Disk", "%u Virtual Disks", n_vdis), n_vdis);
  adw_preferences_group_set_title (self->vdis_group, title);
}

static void
on_changed_cb (FerrySrView *self)
{
  update (self);
}

static void
ferry_sr_view_dispose (GObject *object)
{
  FerrySrView *self = FERRY_SR_VIEW (object);

  ferry_sr_view_set_sr (self, NULL);
  g_clear_object (&self->sorted);

  G_OBJECT_CLASS (ferry_sr_view_parent_class)->dispose (object);
}

static void
ferry_sr_view_finalize (GObject *object)
{
  FerrySrView *self = FERRY_SR_VIEW (object);

  g_clear_object (&self->sr_signals);
  g_clear_object (&self->vdis_signals);

  G_OBJECT_CLASS (ferry_sr_view_parent_class)->finalize (object);
}

static void
ferry_sr_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FerrySrView *self = FERRY_SR_VIEW (object);

  switch (prop_id)
    {
    case PROP_SR:
      g_value_set_object (value, self->sr);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_sr_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FerrySrView *self = FERRY_SR_VIEW (object);

  switch (prop_id)
    {
    case PROP_SR:
      ferry_sr_view_set_sr (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_sr_view_class_init (FerrySrViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_sr_view_dispose;
  object_class->finalize = ferry_sr_view_finalize;
  object_class->get_property = ferry_sr_view_get_property;
  object_class->set_property = ferry_sr_view_set_property;

  properties [PROP_SR] =
    g_param_spec_object ("sr", NULL, NULL,
                         FERRY_TYPE_SR,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-sr-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FerrySrView, name_label);
  gtk_widget_class_bind_template_child (widget_class, FerrySrView, description_label);
  gtk_widget_class_bind_template_child (widget_class, FerrySrView, type_row);
  gtk_widget_class_bind_template_child (widget_class, FerrySrView, shared_row);
  gtk_widget_class_bind_template_child (widget_class, FerrySrView, space_row);
  gtk_widget_class_bind_template_child (widget_class, FerrySrView, space_bar);
  gtk_widget_class_bind_template_child (widget_class, FerrySrView, allocation_row);
  gtk_widget_class_bind_template_child (widget_class, FerrySrView, vdis_group);
  gtk_widget_class_bind_template_child (widget_class, FerrySrView, vdis_view);
}

static void
ferry_sr_view_init (FerrySrView *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  ferry_usage_bar_init (self->space_bar);

  add_column (self, _("Name"), COLUMN_NAME, TRUE);
  add_column (self, _("Size"), COLUMN_SIZE, FALSE);
  add_column (self, _("On Disk"), COLUMN_ON_DISK, FALSE);
  add_column (self, _("Used By"), COLUMN_USED_BY, TRUE);

  self->sorted = gtk_sort_list_model_new (NULL, g_object_ref (gtk_column_view_get_sorter (self->vdis_view)));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_column_view_set_model (self->vdis_view, GTK_SELECTION_MODEL (selection));

  self->sr_signals = g_signal_group_new (FERRY_TYPE_SR);
  g_signal_group_connect_swapped (self->sr_signals, "notify", G_CALLBACK (on_changed_cb), self);
  self->vdis_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->vdis_signals, "items-changed", G_CALLBACK (on_changed_cb), self);
}

FerrySr *
ferry_sr_view_get_sr (FerrySrView *self)
{
  g_return_val_if_fail (FERRY_IS_SR_VIEW (self), NULL);
  return self->sr;
}

void
ferry_sr_view_set_sr (FerrySrView *self,
                      FerrySr     *sr)
{
  g_return_if_fail (FERRY_IS_SR_VIEW (self));
  g_return_if_fail (sr == NULL || FERRY_IS_SR (sr));

  if (self->sr == sr)
    return;

  g_set_object (&self->sr, sr);
  g_signal_group_set_target (self->sr_signals, sr);
  g_signal_group_set_target (self->vdis_signals, sr ? ferry_sr_get_vdis (sr) : NULL);
  if (self->sorted != NULL)
    gtk_sort_list_model_set_model (self->sorted, sr ? ferry_sr_get_vdis (sr) : NULL);
  update (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SR]);
}

GListModel *
ferry_sr_view_get_vdis (FerrySrView *self)
{
  g_return_val_if_fail (FERRY_IS_SR_VIEW (self), NULL);
  return G_LIST_MODEL (self->sorted);
}
