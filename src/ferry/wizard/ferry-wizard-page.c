/* ferry-wizard-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-wizard-page"

#include "config.h"

#include "ferry-wizard-page.h"
#include "ferry-wizard.h"

typedef struct
{
  char      *title;
  gboolean   complete;
  GtkWidget *scroller;
  GtkBox    *column;
  GtkLabel  *description;
} FerryWizardPagePrivate;

enum {
  PROP_0,
  PROP_TITLE,
  PROP_COMPLETE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_TYPE_WITH_PRIVATE (FerryWizardPage, ferry_wizard_page, GTK_TYPE_WIDGET)

static void
ferry_wizard_page_dispose (GObject *object)
{
  FerryWizardPage *self = FERRY_WIZARD_PAGE (object);
  FerryWizardPagePrivate *priv = ferry_wizard_page_get_instance_private (self);

  g_clear_pointer (&priv->scroller, gtk_widget_unparent);

  G_OBJECT_CLASS (ferry_wizard_page_parent_class)->dispose (object);
}

static void
ferry_wizard_page_finalize (GObject *object)
{
  FerryWizardPage *self = FERRY_WIZARD_PAGE (object);
  FerryWizardPagePrivate *priv = ferry_wizard_page_get_instance_private (self);

  g_clear_pointer (&priv->title, g_free);

  G_OBJECT_CLASS (ferry_wizard_page_parent_class)->finalize (object);
}

static void
ferry_wizard_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FerryWizardPage *self = FERRY_WIZARD_PAGE (object);
  FerryWizardPagePrivate *priv = ferry_wizard_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, priv->complete);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_wizard_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FerryWizardPage *self = FERRY_WIZARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      ferry_wizard_page_set_title (self, g_value_get_string (value));
      break;
    case PROP_COMPLETE:
      ferry_wizard_page_set_complete (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
ferry_wizard_page_real_is_needed (FerryWizardPage *self)
{
  return TRUE;
}

static void
ferry_wizard_page_class_init (FerryWizardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_wizard_page_dispose;
  object_class->finalize = ferry_wizard_page_finalize;
  object_class->get_property = ferry_wizard_page_get_property;
  object_class->set_property = ferry_wizard_page_set_property;

  klass->is_needed = ferry_wizard_page_real_is_needed;

  properties [PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ferry_wizard_page_init (FerryWizardPage *self)
{
  FerryWizardPagePrivate *priv = ferry_wizard_page_get_instance_private (self);
  GtkWidget *clamp = adw_clamp_new ();

  priv->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (priv->scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (priv->scroller, TRUE);
  gtk_widget_set_parent (priv->scroller, GTK_WIDGET (self));

  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 760);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (priv->scroller), clamp);

  priv->column = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  gtk_widget_set_margin_top (GTK_WIDGET (priv->column), 18);
  gtk_widget_set_margin_bottom (GTK_WIDGET (priv->column), 18);
  gtk_widget_set_margin_start (GTK_WIDGET (priv->column), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (priv->column), 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (priv->column));

  priv->description = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (priv->description, TRUE);
  gtk_label_set_xalign (priv->description, 0);
  gtk_widget_set_visible (GTK_WIDGET (priv->description), FALSE);
  gtk_box_append (priv->column, GTK_WIDGET (priv->description));
}

const char *
ferry_wizard_page_get_title (FerryWizardPage *self)
{
  FerryWizardPagePrivate *priv = ferry_wizard_page_get_instance_private (self);

  g_return_val_if_fail (FERRY_IS_WIZARD_PAGE (self), NULL);
  return priv->title;
}

void
ferry_wizard_page_set_title (FerryWizardPage *self,
                             const char      *title)
{
  FerryWizardPagePrivate *priv = ferry_wizard_page_get_instance_private (self);

  g_return_if_fail (FERRY_IS_WIZARD_PAGE (self));
  if (g_strcmp0 (priv->title, title) == 0)
    return;
  g_free (priv->title);
  priv->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TITLE]);
}

gboolean
ferry_wizard_page_get_complete (FerryWizardPage *self)
{
  FerryWizardPagePrivate *priv = ferry_wizard_page_get_instance_private (self);

  g_return_val_if_fail (FERRY_IS_WIZARD_PAGE (self), FALSE);
  return priv->complete;
}

void
ferry_wizard_page_set_complete (FerryWizardPage *self,
                                gboolean         complete)
{
  FerryWizardPagePrivate *priv = ferry_wizard_page_get_instance_private (self);

  g_return_if_fail (FERRY_IS_WIZARD_PAGE (self));
  complete = !!complete;
  if (priv->complete == complete)
    return;
  priv->complete = complete;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_COMPLETE]);
}

gboolean
ferry_wizard_page_is_needed (FerryWizardPage *self)
{
  g_return_val_if_fail (FERRY_IS_WIZARD_PAGE (self), FALSE);
  return FERRY_WIZARD_PAGE_GET_CLASS (self)->is_needed (self);
}

GtkWidget *
ferry_wizard_page_get_wizard (FerryWizardPage *self)
{
  g_return_val_if_fail (FERRY_IS_WIZARD_PAGE (self), NULL);
  return gtk_widget_get_ancestor (GTK_WIDGET (self), FERRY_TYPE_WIZARD);
}

void
ferry_wizard_page_set_description (FerryWizardPage *self,
                                   const char      *text)
{
  FerryWizardPagePrivate *priv = ferry_wizard_page_get_instance_private (self);

  g_return_if_fail (FERRY_IS_WIZARD_PAGE (self));
  gtk_label_set_text (priv->description, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (priv->description), text != NULL && *text != '\0');
}

void
ferry_wizard_page_append (FerryWizardPage *self,
                          GtkWidget       *child)
{
  FerryWizardPagePrivate *priv = ferry_wizard_page_get_instance_private (self);

  g_return_if_fail (FERRY_IS_WIZARD_PAGE (self));
  gtk_box_append (priv->column, child);
}

void
ferry_wizard_page_remove (FerryWizardPage *self,
                          GtkWidget       *child)
{
  FerryWizardPagePrivate *priv = ferry_wizard_page_get_instance_private (self);

  g_return_if_fail (FERRY_IS_WIZARD_PAGE (self));
  if (child != NULL && gtk_widget_get_parent (child) == GTK_WIDGET (priv->column))
    gtk_box_remove (priv->column, child);
}

void
ferry_wizard_page_enter (FerryWizardPage *self)
{
  g_return_if_fail (FERRY_IS_WIZARD_PAGE (self));
  if (FERRY_WIZARD_PAGE_GET_CLASS (self)->enter)
    FERRY_WIZARD_PAGE_GET_CLASS (self)->enter (self);
}

void
ferry_wizard_page_leave (FerryWizardPage *self)
{
  g_return_if_fail (FERRY_IS_WIZARD_PAGE (self));
  if (FERRY_WIZARD_PAGE_GET_CLASS (self)->leave)
    FERRY_WIZARD_PAGE_GET_CLASS (self)->leave (self);
}

void
ferry_wizard_page_check_async (FerryWizardPage     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (FERRY_IS_WIZARD_PAGE (self));

  if (FERRY_WIZARD_PAGE_GET_CLASS (self)->check_async)
    FERRY_WIZARD_PAGE_GET_CLASS (self)->check_async (self, cancellable, callback, user_data);
  else
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, ferry_wizard_page_check_async);
      g_task_return_boolean (task, TRUE);
    }
}

gboolean
ferry_wizard_page_check_finish (FerryWizardPage  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (FERRY_IS_WIZARD_PAGE (self), FALSE);

  if (FERRY_WIZARD_PAGE_GET_CLASS (self)->check_finish && !g_task_is_valid (result, self))
    return FERRY_WIZARD_PAGE_GET_CLASS (self)->check_finish (self, result, error);
  if (FERRY_WIZARD_PAGE_GET_CLASS (self)->check_finish &&
      g_task_get_source_tag (G_TASK (result)) != ferry_wizard_page_check_async)
    return FERRY_WIZARD_PAGE_GET_CLASS (self)->check_finish (self, result, error);
  return g_task_propagate_boolean (G_TASK (result), error);
}
