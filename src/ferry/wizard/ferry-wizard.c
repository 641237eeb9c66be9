/* ferry-wizard.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-wizard"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-flow-rows.h"
#include "ferry-wizard.h"

typedef struct
{
  /* Template widgets */
  GtkButton       *cancel_button;
  GtkButton       *back_button;
  GtkButton       *next_button;
  GtkSpinner      *spinner;
  AdwWindowTitle  *window_title;
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;

  GPtrArray       *pages;          /* FerryWizardPage, in order */
  guint            current;
  char            *finish_label;
  char            *heading;
  GCancellable    *check;          /* while a page check runs */
  gboolean         finished;
  guint            focus_idle;
} FerryWizardPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (FerryWizard, ferry_wizard, ADW_TYPE_WINDOW)

static FerryWizardPage *
page_at (FerryWizard *self,
         guint        index)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  return index < priv->pages->len ? g_ptr_array_index (priv->pages, index) : NULL;
}

/* The next needed page after @index in @direction (+1/−1), or −1. */
static int
find_needed (FerryWizard *self,
             int          index,
             int          direction)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  for (int i = index + direction; i >= 0 && i < (int) priv->pages->len; i += direction)
    if (ferry_wizard_page_is_needed (page_at (self, i)))
      return i;
  return -1;
}

guint
ferry_wizard_get_n_steps (FerryWizard *self)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);
  guint n = 0;

  g_return_val_if_fail (FERRY_IS_WIZARD (self), 0);
  for (guint i = 0; i < priv->pages->len; i++)
    if (i == priv->current || ferry_wizard_page_is_needed (page_at (self, i)))
      n++;
  return n;
}

guint
ferry_wizard_get_step (FerryWizard *self)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);
  guint n = 0;

  g_return_val_if_fail (FERRY_IS_WIZARD (self), 0);
  for (guint i = 0; i < priv->current && i < priv->pages->len; i++)
    if (ferry_wizard_page_is_needed (page_at (self, i)))
      n++;
  return n + 1;
}

void
ferry_wizard_update (FerryWizard *self)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);
  FerryWizardPage *page = page_at (self, priv->current);
  gboolean busy = priv->check != NULL;
  gboolean last, complete;
  g_autofree char *subtitle = NULL;

  g_return_if_fail (FERRY_IS_WIZARD (self));

  if (priv->finished || page == NULL)
    return;

  last = find_needed (self, priv->current, +1) < 0;
  complete = ferry_wizard_page_get_complete (page);

  /* Translators: "Step 2 of 5: Storage" */
  subtitle = g_strdup_printf (_("Step %u of %u: %s"), ferry_wizard_get_step (self),
                              ferry_wizard_get_n_steps (self), ferry_wizard_page_get_title (page));
  adw_window_title_set_title (priv->window_title, priv->heading ? priv->heading : "");
  adw_window_title_set_subtitle (priv->window_title, subtitle);

  gtk_widget_set_visible (GTK_WIDGET (priv->back_button), find_needed (self, priv->current, -1) >= 0);
  gtk_button_set_label (priv->next_button, last && priv->finish_label ? priv->finish_label : _("_Next"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (priv->next_button), last ? "wizard.finish" : "wizard.next");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next", !busy && complete && !last);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.finish", !busy && complete && last);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", find_needed (self, priv->current, -1) >= 0);

  gtk_widget_set_visible (GTK_WIDGET (priv->spinner), busy);
  gtk_spinner_set_spinning (priv->spinner, busy);
}

/* The first control of the current page gets the focus, once the stack
 * shows the page (before that only the page's scroller could take it). */
static gboolean
focus_page_cb (gpointer data)
{
  FerryWizard *self = data;
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);
  FerryWizardPage *page = page_at (self, priv->current);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  priv->focus_idle = 0;
  if (page == NULL || priv->finished || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return G_SOURCE_REMOVE;
  /* Leave a control the user already went to alone. */
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (page)) && !GTK_IS_SCROLLED_WINDOW (focus))
    return G_SOURCE_REMOVE;
  gtk_root_set_focus (GTK_ROOT (self), NULL);
  gtk_widget_child_focus (GTK_WIDGET (page), GTK_DIR_TAB_FORWARD);
  return G_SOURCE_REMOVE;
}

static void
queue_focus_page (FerryWizard *self)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  if (priv->focus_idle == 0)
    priv->focus_idle = g_idle_add_full (G_PRIORITY_LOW, focus_page_cb, self, NULL);
}

static void
show_page (FerryWizard *self,
           guint        index)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);
  FerryWizardPage *old = page_at (self, priv->current);
  FerryWizardPage *page = page_at (self, index);

  if (old != NULL && old != page && gtk_stack_get_visible_child (priv->stack) == GTK_WIDGET (old))
    ferry_wizard_page_leave (old);

  priv->current = index;
  gtk_stack_set_visible_child (priv->stack, GTK_WIDGET (page));
  ferry_wizard_page_enter (page);
  ferry_wizard_update (self);
  gtk_widget_child_focus (GTK_WIDGET (page), GTK_DIR_TAB_FORWARD);
  queue_focus_page (self);
}

static void
on_check_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FerryWizard) self = user_data;
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  gboolean ok = ferry_wizard_page_check_finish (FERRY_WIZARD_PAGE (object), result, &error);
  int next;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&priv->check);
  if (!ok)
    {
      ferry_wizard_show_message (self, error ? error->message : _("The check failed"));
      ferry_wizard_update (self);
      return;
    }

  next = find_needed (self, priv->current, +1);
  if (next < 0)
    {
      priv->finished = TRUE;
      ferry_wizard_page_leave (page_at (self, priv->current));
      if (FERRY_WIZARD_GET_CLASS (self)->finish)
        FERRY_WIZARD_GET_CLASS (self)->finish (self);
    }
  else
    show_page (self, next);
}

static void
go_forward (FerryWizard *self)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);
  FerryWizardPage *page = page_at (self, priv->current);

  if (priv->finished || priv->check != NULL || page == NULL || !ferry_wizard_page_get_complete (page))
    return;

  priv->check = g_cancellable_new ();
  ferry_wizard_update (self);
  ferry_wizard_page_check_async (page, priv->check, on_check_cb, g_object_ref (self));
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  FerryWizard *self = FERRY_WIZARD (widget);
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  /* Enter on the last page goes to the final button (finish), as Next. */
  if (find_needed (self, priv->current, +1) < 0)
    {
      if (gtk_widget_is_sensitive (GTK_WIDGET (priv->next_button)))
        go_forward (self);
      return;
    }
  go_forward (self);
}

static void
finish_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  FerryWizard *self = FERRY_WIZARD (widget);
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  if (find_needed (self, priv->current, +1) < 0)
    go_forward (self);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  FerryWizard *self = FERRY_WIZARD (widget);
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);
  int previous = find_needed (self, priv->current, -1);

  if (priv->finished || previous < 0)
    return;
  if (priv->check != NULL)
    {
      g_cancellable_cancel (priv->check);
      g_clear_object (&priv->check);
    }
  /* Choices stay: pages keep their state. */
  show_page (self, previous);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  FerryWizard *self = FERRY_WIZARD (widget);
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  if (priv->check != NULL)
    g_cancellable_cancel (priv->check);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_page_notify_cb (FerryWizard *self)
{
  ferry_wizard_update (self);
}

static void
ferry_wizard_dispose (GObject *object)
{
  FerryWizard *self = FERRY_WIZARD (object);
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  if (priv->check != NULL)
    g_cancellable_cancel (priv->check);
  g_clear_object (&priv->check);
  g_clear_handle_id (&priv->focus_idle, g_source_remove);

  G_OBJECT_CLASS (ferry_wizard_parent_class)->dispose (object);
}

static void
ferry_wizard_finalize (GObject *object)
{
  FerryWizard *self = FERRY_WIZARD (object);
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  g_clear_pointer (&priv->pages, g_ptr_array_unref);
  g_clear_pointer (&priv->finish_label, g_free);
  g_clear_pointer (&priv->heading, g_free);

  G_OBJECT_CLASS (ferry_wizard_parent_class)->finalize (object);
}

/* Enter on a choice (a radio row, or its check) takes that choice and goes
 * on, as Enter does elsewhere; the list box would only activate the row.
 * Buttons, entries, combo and expander rows keep their own Enter. */
static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   FerryWizard           *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *row;
  GtkCheckButton *check = NULL;

  if ((keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0 || focus == NULL)
    return FALSE;

  for (row = focus; row != NULL && row != GTK_WIDGET (self); row = gtk_widget_get_parent (row))
    if ((check = ferry_choice_row_get_check (row)) != NULL)
      break;
  if (check == NULL || (focus != row && focus != GTK_WIDGET (check)))
    return FALSE;

  if (!ferry_choice_row_get_refused (row) && gtk_widget_is_sensitive (GTK_WIDGET (check)) &&
      !gtk_check_button_get_active (check))
    gtk_check_button_set_active (check, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.next", NULL);
  return TRUE;
}

/* The first page was shown before the window had a focus: start in the
 * page, not on Cancel (where Enter would close the wizard). */
static void
ferry_wizard_map (GtkWidget *widget)
{
  FerryWizard *self = FERRY_WIZARD (widget);
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);
  FerryWizardPage *page = page_at (self, priv->current);
  GtkWidget *focus;

  GTK_WIDGET_CLASS (ferry_wizard_parent_class)->map (widget);

  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (page != NULL && !priv->finished && (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (page))))
    gtk_widget_child_focus (GTK_WIDGET (page), GTK_DIR_TAB_FORWARD);
  queue_focus_page (self);
}

static void
ferry_wizard_class_init (FerryWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_wizard_dispose;
  object_class->finalize = ferry_wizard_finalize;
  widget_class->map = ferry_wizard_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-wizard.ui");
  gtk_widget_class_bind_template_child_private (widget_class, FerryWizard, cancel_button);
  gtk_widget_class_bind_template_child_private (widget_class, FerryWizard, back_button);
  gtk_widget_class_bind_template_child_private (widget_class, FerryWizard, next_button);
  gtk_widget_class_bind_template_child_private (widget_class, FerryWizard, spinner);
  gtk_widget_class_bind_template_child_private (widget_class, FerryWizard, window_title);
  gtk_widget_class_bind_template_child_private (widget_class, FerryWizard, toast_overlay);
  gtk_widget_class_bind_template_child_private (widget_class, FerryWizard, stack);

  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "wizard.finish", NULL, finish_action);
  gtk_widget_class_install_action (widget_class, "wizard.cancel", NULL, cancel_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "wizard.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "wizard.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "wizard.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_ALT_MASK, "wizard.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "wizard.back", NULL);
}

static void
ferry_wizard_init (FerryWizard *self)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  priv->pages = g_ptr_array_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (priv->next_button));
}

void
ferry_wizard_add_page (FerryWizard     *self,
                       FerryWizardPage *page)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  g_return_if_fail (FERRY_IS_WIZARD (self));
  g_return_if_fail (FERRY_IS_WIZARD_PAGE (page));

  g_ptr_array_add (priv->pages, page);
  gtk_stack_add_child (priv->stack, GTK_WIDGET (page));
  g_signal_connect_object (page, "notify::complete", G_CALLBACK (on_page_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "notify::title", G_CALLBACK (on_page_notify_cb), self, G_CONNECT_SWAPPED);
  if (priv->pages->len == 1)
    show_page (self, 0);
  else
    ferry_wizard_update (self);
}

FerryWizardPage *
ferry_wizard_get_current_page (FerryWizard *self)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  g_return_val_if_fail (FERRY_IS_WIZARD (self), NULL);
  return priv->finished ? NULL : page_at (self, priv->current);
}

void
ferry_wizard_set_finish_label (FerryWizard *self,
                               const char  *label)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  g_return_if_fail (FERRY_IS_WIZARD (self));
  g_free (priv->finish_label);
  priv->finish_label = g_strdup (label);
  ferry_wizard_update (self);
}

void
ferry_wizard_set_heading (FerryWizard *self,
                          const char  *heading)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  g_return_if_fail (FERRY_IS_WIZARD (self));
  g_free (priv->heading);
  priv->heading = g_strdup (heading);
  gtk_window_set_title (GTK_WINDOW (self), heading);
  ferry_wizard_update (self);
}

gboolean
ferry_wizard_get_busy (FerryWizard *self)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  g_return_val_if_fail (FERRY_IS_WIZARD (self), FALSE);
  return priv->check != NULL;
}

void
ferry_wizard_show_result (FerryWizard *self,
                          const char  *title,
                          GtkWidget   *content)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);

  g_return_if_fail (FERRY_IS_WIZARD (self));

  priv->finished = TRUE;
  gtk_stack_add_child (priv->stack, content);
  gtk_stack_set_visible_child (priv->stack, content);
  adw_window_title_set_subtitle (priv->window_title, title);
  gtk_widget_set_visible (GTK_WIDGET (priv->back_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (priv->next_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (priv->spinner), FALSE);
  gtk_button_set_label (priv->cancel_button, _("_Close"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.finish", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", FALSE);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (priv->cancel_button));
  gtk_widget_grab_focus (GTK_WIDGET (priv->cancel_button));
}

void
ferry_wizard_show_message (FerryWizard *self,
                           const char  *message)
{
  FerryWizardPrivate *priv = ferry_wizard_get_instance_private (self);
  AdwToast *toast;

  g_return_if_fail (FERRY_IS_WIZARD (self));
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (priv->toast_overlay, toast);
}
