/* ferry-job-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-job-row"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-job-row.h"

struct _FerryJobRow
{
  AdwActionRow    parent_instance;

  FerryQueue     *queue;
  FerryJob       *job;
  GtkProgressBar *progress;
  GtkButton      *cancel_button;
  GtkButton      *resume_button;
  GtkImage       *icon;
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (FerryJobRow, ferry_job_row, ADW_TYPE_ACTION_ROW)

const char *
ferry_job_state_to_label (FerryJobState state)
{
  switch (state)
    {
    case FERRY_JOB_QUEUED:
      return _("Queued");
    case FERRY_JOB_WAITING:
      return _("Waiting");
    case FERRY_JOB_CHECKING:
      return _("Checking");
    case FERRY_JOB_RUNNING:
      return _("Running");
    case FERRY_JOB_CANCELLING:
      return _("Cancelling");
    case FERRY_JOB_SUCCEEDED:
      return _("Done");
    case FERRY_JOB_FAILED:
      return _("Failed");
    case FERRY_JOB_CANCELLED:
      return _("Cancelled");
    default:
      return "";
    }
}

static void
update (FerryJobRow *self)
{
  FerryJobState state = ferry_job_get_state (self->job);
  const FerryVmLocation *location = ferry_job_get_location (self->job);
  FerryCheck *check = ferry_job_get_check (self->job);
  const GError *error = ferry_job_get_error (self->job);
  g_autofree char *text = NULL;
  const char *icon = NULL;

  switch (state)
    {
    case FERRY_JOB_SUCCEEDED:
      /* Translators: a move that ended well: "Done: prod-host-01 → prod-host-02" */
      text = g_strdup_printf (_("Done: %s → %s"), ferry_job_get_from (self->job), ferry_job_get_to (self->job));
      icon = "emblem-ok-symbolic";
      break;
    case FERRY_JOB_FAILED:
    case FERRY_JOB_CANCELLED:
      {
        GString *s = g_string_new (ferry_job_state_to_label (state));

        if (check != NULL)
          g_string_append_printf (s, ": %s", ferry_check_get_message (check));
        else if (error != NULL)
          g_string_append_printf (s, ": %s", error->message);
        if (location != NULL && location->text != NULL)
          g_string_append_printf (s, " %s", location->text);
        if (location != NULL && location->remedy != NULL)
          g_string_append_printf (s, " %s", location->remedy);
        text = g_string_free (s, FALSE);
        icon = state == FERRY_JOB_FAILED ? "dialog-error-symbolic" : "process-stop-symbolic";
      }
      break;
    case FERRY_JOB_QUEUED:
    case FERRY_JOB_WAITING:
    case FERRY_JOB_CHECKING:
    case FERRY_JOB_RUNNING:
    case FERRY_JOB_CANCELLING:
    default:
      {
        const char *phase = ferry_job_get_phase (self->job);

        text = g_strdup_printf ("%s%s%s", ferry_job_state_to_label (state),
                                phase && *phase ? " — " : "", phase ? phase : "");
      }
      break;
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), text);
  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_widget_set_visible (GTK_WIDGET (self->icon), icon != NULL);
  gtk_progress_bar_set_fraction (self->progress, ferry_job_get_progress (self->job));
  gtk_widget_set_visible (GTK_WIDGET (self->progress), !ferry_job_state_is_final (state));
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button),
                          !ferry_job_state_is_final (state) && state != FERRY_JOB_CANCELLING);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button),
                            state == FERRY_JOB_QUEUED || state == FERRY_JOB_WAITING ||
                            ferry_job_get_can_cancel (self->job));
  /* R29: a failed live migration left the VM paused. */
  gtk_widget_set_visible (GTK_WIDGET (self->resume_button), ferry_job_get_can_unpause (self->job));
}

static void
on_cancel_clicked_cb (FerryJobRow *self)
{
  if (self->queue != NULL)
    ferry_queue_cancel_job (self->queue, self->job);
  else
    ferry_job_cancel (self->job);
}

static void
on_unpaused_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FerryJobRow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ferry_job_unpause_vm_finish (FERRY_JOB (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), error->message);
  gtk_widget_set_sensitive (GTK_WIDGET (self->resume_button), TRUE);
  update (self);
}

static void
on_resume_clicked_cb (FerryJobRow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->resume_button), FALSE);
  ferry_job_unpause_vm_async (self->job, self->cancellable, on_unpaused_cb, g_object_ref (self));
}

static void
ferry_job_row_dispose (GObject *object)
{
  FerryJobRow *self = FERRY_JOB_ROW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);

  G_OBJECT_CLASS (ferry_job_row_parent_class)->dispose (object);
}

static void
ferry_job_row_finalize (GObject *object)
{
  FerryJobRow *self = FERRY_JOB_ROW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->job);
  g_clear_object (&self->queue);

  G_OBJECT_CLASS (ferry_job_row_parent_class)->finalize (object);
}

static void
ferry_job_row_class_init (FerryJobRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_job_row_dispose;
  object_class->finalize = ferry_job_row_finalize;
}

static void
ferry_job_row_init (FerryJobRow *self)
{
  self->cancellable = g_cancellable_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self), FALSE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), 0);

  self->icon = GTK_IMAGE (gtk_image_new ());
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), GTK_WIDGET (self->icon));

  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->progress), 120, -1);
  gtk_widget_set_valign (GTK_WIDGET (self->progress), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), GTK_WIDGET (self->progress));

  self->resume_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Resume VM")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->resume_button),
                               _("The failed migration left the VM paused: let it run again where it is (R29)"));
  gtk_widget_set_valign (GTK_WIDGET (self->resume_button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->resume_button), "suggested-action");
  g_signal_connect_swapped (self->resume_button, "clicked", G_CALLBACK (on_resume_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), GTK_WIDGET (self->resume_button));

  self->cancel_button = GTK_BUTTON (gtk_button_new_from_icon_name ("process-stop-symbolic"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->cancel_button), _("Cancel this move"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->cancel_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Cancel this move"), -1);
  gtk_widget_set_valign (GTK_WIDGET (self->cancel_button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->cancel_button), "flat");
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), GTK_WIDGET (self->cancel_button));
}

GtkWidget *
ferry_job_row_new (FerryQueue *queue,
                   FerryJob   *job,
                   const char *title)
{
  FerryJobRow *self;

  g_return_val_if_fail (FERRY_IS_JOB (job), NULL);

  self = g_object_new (FERRY_TYPE_JOB_ROW, NULL);
  self->queue = queue ? g_object_ref (queue) : NULL;
  self->job = g_object_ref (job);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title ? title : ferry_job_get_vm_name (job));
  g_signal_connect_swapped (job, "notify", G_CALLBACK (update), self);
  update (self);
  return GTK_WIDGET (self);
}

FerryJob *
ferry_job_row_get_job (FerryJobRow *self)
{
  g_return_val_if_fail (FERRY_IS_JOB_ROW (self), NULL);
  return self->job;
}

GtkButton *
ferry_job_row_get_cancel_button (FerryJobRow *self)
{
  g_return_val_if_fail (FERRY_IS_JOB_ROW (self), NULL);
  return self->cancel_button;
}

GtkButton *
ferry_job_row_get_resume_button (FerryJobRow *self)
{
  g_return_val_if_fail (FERRY_IS_JOB_ROW (self), NULL);
  return self->resume_button;
}
