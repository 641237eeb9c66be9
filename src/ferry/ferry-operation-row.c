/* ferry-operation-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-operation-row"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-operation-row.h"
#include "ferry-ui-utils.h"

struct _FerryOperationRow
{
  AdwPreferencesRow parent_instance;

  /* Template widgets */
  GtkImage       *state_icon;
  GtkLabel       *title_label;
  GtkButton      *resume_button;
  GtkButton      *retry_button;
  GtkButton      *cancel_button;
  GtkButton      *dismiss_button;
  GtkLabel       *phase_label;
  GtkProgressBar *progress;
  GtkLabel       *detail_label;
  GtkLabel       *problem_label;

  FerryQueue     *queue;
  FerryJob       *job;
  GCancellable   *cancellable;
  char           *summary;
  char           *problem;
  char           *resume_error;
  gboolean        list_actions;
};

G_DEFINE_FINAL_TYPE (FerryOperationRow, ferry_operation_row, ADW_TYPE_PREFERENCES_ROW)

/* A short text of the state ("Queued", "Failed", …). */
static const char *
state_to_label (FerryJobState state)
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

static const char *
state_icon_name (FerryJobState state)
{
  switch (state)
    {
    case FERRY_JOB_SUCCEEDED:
      return "emblem-ok-symbolic";
    case FERRY_JOB_FAILED:
      return "dialog-error-symbolic";
    case FERRY_JOB_CANCELLED:
    case FERRY_JOB_CANCELLING:
      return "process-stop-symbolic";
    case FERRY_JOB_RUNNING:
    case FERRY_JOB_CHECKING:
      return "emblem-synchronizing-symbolic";
    case FERRY_JOB_QUEUED:
    case FERRY_JOB_WAITING:
    default:
      return "content-loading-symbolic";
    }
}

/* "1 min 20 s left", "About 5 min left" */
static char *
format_eta (double seconds)
{
  int s = (int) (seconds + 0.5);

  if (s < 60)
    /* Translators: time left, %d is seconds */
    return g_strdup_printf (_("%d s left"), s);
  if (s < 600)
    /* Translators: time left: minutes and seconds */
    return g_strdup_printf (_("%d min %d s left"), s / 60, s % 60);
  /* Translators: time left, %d is minutes */
  return g_strdup_printf (_("About %d min left"), (s + 30) / 60);
}

/* The failure in plain words: what happened, where the VM is, what to do. */
static char *
describe_problem (FerryJob *job)
{
  const FerryVmLocation *location = ferry_job_get_location (job);
  FerryCheck *check = ferry_job_get_check (job);
  const GError *error = ferry_job_get_error (job);
  GString *text = g_string_new (NULL);

  if (check != NULL)
    g_string_append_printf (text, "%s: %s", ferry_check_get_rule_id (check), ferry_check_get_message (check));
  else if (error != NULL)
    g_string_append (text, error->message);
  else if (ferry_job_get_state (job) == FERRY_JOB_CANCELLED)
    g_string_append (text, _("The move was cancelled."));

  if (location != NULL && location->text != NULL)
    g_string_append_printf (text, "%s%s", text->len ? "\n" : "", location->text);
  if (location != NULL && location->remedy != NULL)
    g_string_append_printf (text, " %s", location->remedy);
  else if (check != NULL && ferry_check_get_remedy (check) != NULL)
    g_string_append_printf (text, "%s%s", text->len ? "\n" : "", ferry_check_get_remedy (check));

  /* The pools cannot reach each other: a running VM cannot cross, a halted
   * one can, through this computer (ferry-relay.h). */
  if ((ferry_check_is_unreachable (check) || ferry_error_is_unreachable (error)) &&
      g_strcmp0 (ferry_plan_item_get_power_state (ferry_job_get_item (job)), "halted") != 0)
    g_string_append_printf (text, "%s%s", text->len ? "\n" : "", ferry_relay_get_shutdown_remedy ());

  return g_string_free (text, text->len == 0);
}

static void
update (FerryOperationRow *self)
{
  FerryJob *job = self->job;
  FerryJobState state = ferry_job_get_state (job);
  gboolean final = ferry_job_state_is_final (state);
  const char *phase = ferry_job_get_phase (job);
  double rate = ferry_job_get_rate (job);
  double eta = ferry_job_get_eta (job);
  g_autofree char *detail = NULL;
  g_autofree char *status = NULL;
  g_autofree char *label = NULL;

  /* The phase, unless it only repeats the state ("Done — Done"). */
  if (phase == NULL || *phase == '\0' || g_strcmp0 (phase, state_to_label (state)) == 0)
    status = g_strdup (state_to_label (state));
  else
    status = g_strdup_printf ("%s — %s", state_to_label (state), phase);
  gtk_label_set_label (self->phase_label, status);
  gtk_image_set_from_icon_name (self->state_icon, state_icon_name (state));

  gtk_widget_set_visible (GTK_WIDGET (self->progress), !final);
  gtk_progress_bar_set_fraction (self->progress, ferry_job_get_progress (job));

  if (!final && (rate > 0 || eta >= 0))
    {
      g_autofree char *rate_text = rate > 0 ? ferry_format_size ((gint64) rate) : NULL;
      g_autofree char *eta_text = eta >= 0 ? format_eta (eta) : NULL;

      /* Translators: a transfer rate, e.g. "1.1 GiB/s" */
      g_autofree char *rate_line = rate_text ? g_strdup_printf (_("%s/s"), rate_text) : NULL;

      detail = g_strdup_printf ("%d %%%s%s%s%s", (int) (ferry_job_get_progress (job) * 100),
                                rate_line ? " · " : "", rate_line ? rate_line : "",
                                eta_text ? " · " : "", eta_text ? eta_text : "");
    }
  if (ferry_plan_item_get_relay (ferry_job_get_item (job)))
    {
      /* A relay move shows as such, its rate is this computer's. */
      char *relayed = g_strdup_printf ("%s%s%s", _("Through this computer"), detail ? " · " : "", detail ? detail : "");

      g_free (detail);
      detail = relayed;
    }
  else if (state == FERRY_JOB_SUCCEEDED && ferry_job_get_duration (job) >= 0)
    /* Translators: how long a finished move took, in seconds */
    detail = g_strdup_printf (_("Took %.0f s"), ferry_job_get_duration (job));
  ferry_set_label_text (self->detail_label, detail);

  g_free (self->problem);
  self->problem = (state == FERRY_JOB_FAILED || state == FERRY_JOB_CANCELLED) ? describe_problem (job) : NULL;
  if (self->resume_error != NULL)
    {
      /* Translators: %s says why */
      char *text = g_strdup_printf (_("%s\nCould not resume the VM: %s"), self->problem ? self->problem : "",
                                    self->resume_error);

      g_free (self->problem);
      self->problem = text;
    }
  ferry_set_label_text (self->problem_label, self->problem);
  if (state == FERRY_JOB_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "error");

  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), !final && state != FERRY_JOB_CANCELLING);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button),
                            state == FERRY_JOB_QUEUED || state == FERRY_JOB_WAITING || ferry_job_get_can_cancel (job));
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button),
                          self->list_actions && (state == FERRY_JOB_FAILED || state == FERRY_JOB_CANCELLED));
  gtk_widget_set_visible (GTK_WIDGET (self->dismiss_button), self->list_actions && final);
  /* R29: the failure left the VM paused. */
  gtk_widget_set_visible (GTK_WIDGET (self->resume_button), ferry_job_get_can_unpause (job));

  g_free (self->summary);
  self->summary = g_strdup (status);

  /* One sentence for screen readers. */
  label = g_strdup_printf ("%s, %s%s%s", gtk_label_get_label (self->title_label), status,
                           self->problem ? ". " : "", self->problem ? self->problem : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Actions */

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  FerryOperationRow *self = FERRY_OPERATION_ROW (widget);

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
  g_autoptr(FerryOperationRow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ferry_job_unpause_vm_finish (FERRY_JOB (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->resume_error, g_free);
  if (error != NULL)
    self->resume_error = g_strdup (error->message);
  gtk_widget_set_sensitive (GTK_WIDGET (self->resume_button), TRUE);
  update (self);
}

static void
resume_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  FerryOperationRow *self = FERRY_OPERATION_ROW (widget);

  /* R29: the failure left the VM paused on its source. */
  if (!ferry_job_get_can_unpause (self->job))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->resume_button), FALSE);
  ferry_job_unpause_vm_async (self->job, self->cancellable, on_unpaused_cb, g_object_ref (self));
}

/* GObject */

static void
ferry_operation_row_dispose (GObject *object)
{
  FerryOperationRow *self = FERRY_OPERATION_ROW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_OPERATION_ROW);

  G_OBJECT_CLASS (ferry_operation_row_parent_class)->dispose (object);
}

static void
ferry_operation_row_finalize (GObject *object)
{
  FerryOperationRow *self = FERRY_OPERATION_ROW (object);

  g_clear_object (&self->job);
  g_clear_object (&self->queue);
  g_clear_object (&self->cancellable);
  g_free (self->summary);
  g_free (self->problem);
  g_free (self->resume_error);

  G_OBJECT_CLASS (ferry_operation_row_parent_class)->finalize (object);
}

static void
ferry_operation_row_class_init (FerryOperationRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_operation_row_dispose;
  object_class->finalize = ferry_operation_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-operation-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryOperationRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, FerryOperationRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, FerryOperationRow, resume_button);
  gtk_widget_class_bind_template_child (widget_class, FerryOperationRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, FerryOperationRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FerryOperationRow, dismiss_button);
  gtk_widget_class_bind_template_child (widget_class, FerryOperationRow, phase_label);
  gtk_widget_class_bind_template_child (widget_class, FerryOperationRow, progress);
  gtk_widget_class_bind_template_child (widget_class, FerryOperationRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, FerryOperationRow, problem_label);

  gtk_widget_class_install_action (widget_class, "row.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "row.resume", NULL, resume_action);
}

static void
ferry_operation_row_init (FerryOperationRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
ferry_operation_row_new (FerryQueue *queue,
                         FerryJob   *job,
                         const char *title)
{
  FerryOperationRow *self;
  g_autofree char *text = NULL;
  GVariant *target;

  g_return_val_if_fail (queue == NULL || FERRY_IS_QUEUE (queue), NULL);
  g_return_val_if_fail (FERRY_IS_JOB (job), NULL);

  self = g_object_new (FERRY_TYPE_OPERATION_ROW, NULL);
  self->queue = queue ? g_object_ref (queue) : NULL;
  self->job = g_object_ref (job);

  if (title != NULL)
    text = g_strdup (title);
  else if (ferry_job_get_to (job) != NULL && ferry_job_get_from (job) != NULL)
    /* Translators: a VM, where it is and where it goes: "web-01: prod-host-01 → prod-host-02" */
    text = g_strdup_printf (_("%s: %s → %s"), ferry_job_get_vm_name (job),
                            ferry_job_get_from (job), ferry_job_get_to (job));
  else
    text = g_strdup (ferry_job_get_vm_name (job));
  gtk_label_set_label (self->title_label, text);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label),
                               ferry_operation_get_title (ferry_job_get_operation (job)));

  target = g_variant_new_string (ferry_job_get_id (job));
  g_variant_ref_sink (target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->retry_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->dismiss_button), target);
  g_variant_unref (target);

  g_signal_connect_swapped (job, "notify", G_CALLBACK (update), self);
  update (self);
  return GTK_WIDGET (self);
}

FerryJob *
ferry_operation_row_get_job (FerryOperationRow *self)
{
  g_return_val_if_fail (FERRY_IS_OPERATION_ROW (self), NULL);
  return self->job;
}

const char *
ferry_operation_row_get_summary (FerryOperationRow *self)
{
  g_return_val_if_fail (FERRY_IS_OPERATION_ROW (self), NULL);
  return self->summary;
}

const char *
ferry_operation_row_get_problem (FerryOperationRow *self)
{
  g_return_val_if_fail (FERRY_IS_OPERATION_ROW (self), NULL);
  return self->problem;
}

gboolean
ferry_operation_row_can_resume (FerryOperationRow *self)
{
  g_return_val_if_fail (FERRY_IS_OPERATION_ROW (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (self->resume_button));
}

void
ferry_operation_row_set_list_actions (FerryOperationRow *self,
                                      gboolean           list_actions)
{
  g_return_if_fail (FERRY_IS_OPERATION_ROW (self));

  self->list_actions = !!list_actions;
  update (self);
}

GtkButton *
ferry_operation_row_get_cancel_button (FerryOperationRow *self)
{
  g_return_val_if_fail (FERRY_IS_OPERATION_ROW (self), NULL);
  return self->cancel_button;
}

GtkButton *
ferry_operation_row_get_resume_button (FerryOperationRow *self)
{
  g_return_val_if_fail (FERRY_IS_OPERATION_ROW (self), NULL);
  return self->resume_button;
}
