/* ferry-operation-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-operation-row"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-job-row.h"
#include "ferry-operation-row.h"
#include "ferry-ui-utils.h"

struct _FerryOperationRow
{
  GtkListBoxRow   parent_instance;

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

  FerryJob       *job;
  char           *summary;
  char           *problem;
};

G_DEFINE_FINAL_TYPE (FerryOperationRow, ferry_operation_row, GTK_TYPE_LIST_BOX_ROW)

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

  status = g_strdup_printf ("%s%s%s", ferry_job_state_to_label (state),
                            phase && *phase ? " — " : "", phase ? phase : "");
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
  else if (state == FERRY_JOB_SUCCEEDED && ferry_job_get_duration (job) >= 0)
    /* Translators: how long a finished move took, in seconds */
    detail = g_strdup_printf (_("Took %.0f s"), ferry_job_get_duration (job));
  ferry_set_label_text (self->detail_label, detail);

  g_free (self->problem);
  self->problem = (state == FERRY_JOB_FAILED || state == FERRY_JOB_CANCELLED) ? describe_problem (job) : NULL;
  ferry_set_label_text (self->problem_label, self->problem);
  if (state == FERRY_JOB_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "error");

  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), !final && state != FERRY_JOB_CANCELLING);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button),
                            state == FERRY_JOB_QUEUED || state == FERRY_JOB_WAITING || ferry_job_get_can_cancel (job));
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), state == FERRY_JOB_FAILED || state == FERRY_JOB_CANCELLED);
  gtk_widget_set_visible (GTK_WIDGET (self->dismiss_button), final);
  /* R29: the failure left the VM paused. */
  gtk_widget_set_visible (GTK_WIDGET (self->resume_button), ferry_job_get_can_unpause (job));

  g_free (self->summary);
  self->summary = g_strdup (status);

  /* One sentence for screen readers. */
  label = g_strdup_printf ("%s, %s%s%s", gtk_label_get_label (self->title_label), status,
                           self->problem ? ". " : "", self->problem ? self->problem : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
ferry_operation_row_dispose (GObject *object)
{
  FerryOperationRow *self = FERRY_OPERATION_ROW (object);

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
  g_free (self->summary);
  g_free (self->problem);

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
}

static void
ferry_operation_row_init (FerryOperationRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
ferry_operation_row_new (FerryJob *job)
{
  FerryOperationRow *self;
  g_autofree char *title = NULL;
  GVariant *target;

  g_return_val_if_fail (FERRY_IS_JOB (job), NULL);

  self = g_object_new (FERRY_TYPE_OPERATION_ROW, NULL);
  self->job = g_object_ref (job);

  if (ferry_job_get_to (job) != NULL && ferry_job_get_from (job) != NULL)
    /* Translators: a VM, where it is and where it goes: "web-01: prod-host-01 → prod-host-02" */
    title = g_strdup_printf (_("%s: %s → %s"), ferry_job_get_vm_name (job),
                             ferry_job_get_from (job), ferry_job_get_to (job));
  else
    title = g_strdup (ferry_job_get_vm_name (job));
  gtk_label_set_label (self->title_label, title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label),
                               ferry_operation_get_title (ferry_job_get_operation (job)));

  target = g_variant_new_string (ferry_job_get_id (job));
  g_variant_ref_sink (target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->resume_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->retry_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->cancel_button), target);
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
