/* ferry-history-row.c
 *
 * One entry of the journal (ferry-history.h): when, which VM, what kind of
 * move from where to where, how it ended, how long it took against the
 * estimate (R28), and why it failed. The details button shows the job,
 * plan and task and copies them for support; its popover is made when it
 * is first opened, so that a row stays cheap for the list view.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-history-row"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ferry-history-row.h"
#include "ferry-job.h"

struct _FerryHistoryRow
{
  GtkBox             parent_instance;

  /* Template widgets */
  GtkImage          *outcome_icon;
  GtkLabel          *title_label;
  GtkLabel          *time_label;
  GtkLabel          *route_label;
  GtkLabel          *outcome_label;
  GtkLabel          *error_label;
  GtkMenuButton     *details_button;

  GtkLabel          *details_label;   /* in the popover, made when first needed */

  /* Owned references */
  FerryQueue        *queue;
  FerryHistoryEntry *entry;
  gulong             outcome_id;
};

G_DEFINE_FINAL_TYPE (FerryHistoryRow, ferry_history_row, GTK_TYPE_BOX)

/* The job of this Ferry that runs the entry's move, or NULL. */
static FerryJob *
lookup_running_job (FerryHistoryEntry *entry,
                    FerryQueue        *queue)
{
  FerryJob *job = queue ? ferry_queue_lookup_job (queue, ferry_history_entry_get_job_id (entry)) : NULL;

  return job != NULL && !ferry_job_state_is_final (ferry_job_get_state (job)) ? job : NULL;
}

static gboolean
entry_is_running (FerryHistoryEntry *entry,
                  FerryQueue        *queue)
{
  return lookup_running_job (entry, queue) != NULL;
}

const char *
ferry_history_entry_get_outcome_label (FerryHistoryEntry *entry,
                                       FerryQueue        *queue)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (entry), NULL);

  switch (ferry_history_entry_get_outcome (entry))
    {
    case FERRY_HISTORY_OUTCOME_SUCCEEDED:
      return _("Succeeded");
    case FERRY_HISTORY_OUTCOME_FAILED:
      return _("Failed");
    case FERRY_HISTORY_OUTCOME_CANCELLED:
      return _("Cancelled");
    case FERRY_HISTORY_OUTCOME_OPEN:
    default:
      /* Without an end record: this Ferry runs it, or it stopped midway. */
      return entry_is_running (entry, queue) ? _("Still running") : _("Interrupted");
    }
}

/* The icon of an outcome, and its colour (libadwaita's style classes). */
static const char *
outcome_icon_name (FerryHistoryEntry  *entry,
                   FerryQueue         *queue,
                   const char        **style)
{
  *style = NULL;
  switch (ferry_history_entry_get_outcome (entry))
    {
    case FERRY_HISTORY_OUTCOME_SUCCEEDED:
      *style = "success";
      return "emblem-ok-symbolic";
    case FERRY_HISTORY_OUTCOME_FAILED:
      *style = "error";
      return "dialog-error-symbolic";
    case FERRY_HISTORY_OUTCOME_CANCELLED:
      return "process-stop-symbolic";
    case FERRY_HISTORY_OUTCOME_OPEN:
    default:
      if (entry_is_running (entry, queue))
        return "emblem-synchronizing-symbolic";
      *style = "warning";
      return "dialog-warning-symbolic";
    }
}

/* "Today 14:03", "Yesterday 09:12", "3 Jun 14:03", "3 Jun 2024 14:03" */
static char *
format_when (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = NULL;
  GDate day, today;
  int days;
  int y, m, d;

  if (time == NULL)
    return NULL;

  local = g_date_time_to_local (time);
  now = g_date_time_new_now_local ();
  g_date_time_get_ymd (local, &y, &m, &d);
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, d, m, y);
  g_date_time_get_ymd (now, &y, &m, &d);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, d, m, y);
  days = g_date_days_between (&day, &today);

  if (days == 0)
    /* Translators: when a move began, today (g_date_time_format()) */
    return g_date_time_format (local, _("Today %H:%M"));
  if (days == 1)
    /* Translators: when a move began, yesterday (g_date_time_format()) */
    return g_date_time_format (local, _("Yesterday %H:%M"));
  if (g_date_time_get_year (local) == g_date_time_get_year (now))
    /* Translators: when a move began, this year (g_date_time_format()) */
    return g_date_time_format (local, _("%-d %b %H:%M"));
  /* Translators: when a move began, another year (g_date_time_format()) */
  return g_date_time_format (local, _("%-d %b %Y %H:%M"));
}

static char *
format_full_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = time ? g_date_time_to_local (time) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : NULL;
}

/* "20 s – 43 s", or one duration when both ends say the same. */
static char *
format_range (double low,
              double high)
{
  g_autofree char *min = ferry_format_duration (low);
  g_autofree char *max = ferry_format_duration (high);

  if (g_str_equal (min, max))
    return g_steal_pointer (&min);
  /* Translators: a range of durations, "20 s – 43 s" */
  return g_strdup_printf (_("%s – %s"), min, max);
}

/* What happened against what was predicted (R28): "took 42 s, estimated
 * 20 s – 43 s". The end record keeps the estimate; while the move runs,
 * its job has it. */
static char *
format_timing (FerryHistoryEntry *entry,
               FerryQueue        *queue)
{
  double took = ferry_history_entry_get_actual_duration (entry);
  g_autoptr(FerryEstimate) predicted = ferry_history_entry_dup_predicted (entry);
  g_autofree char *actual = NULL;
  g_autofree char *range = NULL;
  FerryJob *job;

  if (predicted == NULL && (job = lookup_running_job (entry, queue)) != NULL &&
      ferry_plan_item_get_estimate (ferry_job_get_item (job)) != NULL)
    predicted = ferry_estimate_copy (ferry_plan_item_get_estimate (ferry_job_get_item (job)));
  if (took >= 0)
    actual = ferry_format_duration (took);
  if (predicted != NULL)
    range = format_range (predicted->duration_min, predicted->duration_max);

  if (actual != NULL && range != NULL)
    /* Translators: how long a move took, then the range it was estimated at */
    return g_strdup_printf (_("took %s, estimated %s"), actual, range);
  if (actual != NULL)
    /* Translators: how long a move took */
    return g_strdup_printf (_("took %s"), actual);
  if (range != NULL)
    /* Translators: the range a move was estimated at */
    return g_strdup_printf (_("estimated %s"), range);
  return NULL;
}

/* The message, with the xapi error code when there is one. */
static char *
format_error (FerryHistoryEntry *entry)
{
  const char *message = ferry_history_entry_get_error_message (entry);
  const char *code = ferry_history_entry_get_error_code (entry);

  if (message != NULL && code != NULL && strstr (message, code) == NULL)
    /* Translators: an error message, then the server's error code: "The VM is paused (VM_BAD_POWER_STATE)" */
    return g_strdup_printf (_("%s (%s)"), message, code);
  if (message != NULL)
    return g_strdup (message);
  return g_strdup (code);
}

static void
append_detail (GString    *text,
               const char *label,
               const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_string_append_printf (text, "%s%s: %s", text->len ? "\n" : "", label, value);
}

char *
ferry_history_entry_dup_details (FerryHistoryEntry *entry)
{
  g_autofree char *started = NULL;
  g_autofree char *ended = NULL;
  g_autofree char *bytes = NULL;
  GString *text;

  g_return_val_if_fail (FERRY_IS_HISTORY_ENTRY (entry), NULL);

  started = format_full_time (ferry_history_entry_get_time (entry));
  ended = format_full_time (ferry_history_entry_get_end_time (entry));
  if (ferry_history_entry_get_actual_bytes (entry) >= 0)
    bytes = g_strdup_printf ("%" G_GINT64_FORMAT, ferry_history_entry_get_actual_bytes (entry));

  text = g_string_new (NULL);
  append_detail (text, _("VM"), ferry_history_entry_get_vm_name (entry));
  append_detail (text, _("VM UUID"), ferry_history_entry_get_vm_uuid (entry));
  append_detail (text, _("Operation"), ferry_operation_get_id (ferry_history_entry_get_operation (entry)));
  append_detail (text, _("Started by"), ferry_history_entry_get_who (entry));
  append_detail (text, _("Queued"), started);
  append_detail (text, _("Ended"), ended);
  append_detail (text, _("Bytes sent"), bytes);
  append_detail (text, _("Job"), ferry_history_entry_get_job_id (entry));
  append_detail (text, _("Plan"), ferry_history_entry_get_plan_id (entry));
  append_detail (text, _("Task"), ferry_history_entry_get_task_ref (entry));
  append_detail (text, _("Error code"), ferry_history_entry_get_error_code (entry));
  append_detail (text, _("Error"), ferry_history_entry_get_error_message (entry));
  return g_string_free (text, FALSE);
}

static void
update (FerryHistoryRow *self)
{
  FerryHistoryEntry *entry = self->entry;
  FerryHistoryOutcome outcome;
  const char *outcome_text;
  const char *vm;
  g_autofree char *when = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *route = NULL;
  g_autofree char *timing = NULL;
  g_autofree char *status = NULL;
  g_autofree char *error = NULL;
  g_autofree char *label = NULL;

  if (entry == NULL)
    return;

  outcome = ferry_history_entry_get_outcome (entry);
  outcome_text = ferry_history_entry_get_outcome_label (entry, self->queue);
  vm = ferry_history_entry_get_vm_name (entry);
  if (vm == NULL)
    vm = ferry_history_entry_get_vm_uuid (entry);

  gtk_label_set_label (self->title_label, vm ? vm : _("Unknown VM"));

  when = format_when (ferry_history_entry_get_time (entry));
  gtk_label_set_label (self->time_label, when ? when : "");
  g_clear_pointer (&when, g_free);
  when = format_full_time (ferry_history_entry_get_time (entry));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->time_label), when);

  from = ferry_history_entry_dup_from_text (entry);
  to = ferry_history_entry_dup_to_text (entry);
  if (from != NULL || to != NULL)
    /* Translators: the kind of move, where the VM was and where it went:
     * "Live migration · prod-host-01 (Production) → prod-host-02 (Production)" */
    route = g_strdup_printf (_("%s · %s → %s"), ferry_operation_get_title (ferry_history_entry_get_operation (entry)),
                             from ? from : "?", to ? to : "?");
  else
    route = g_strdup (ferry_operation_get_title (ferry_history_entry_get_operation (entry)));
  gtk_label_set_label (self->route_label, route);

  timing = format_timing (entry, self->queue);
  if (timing != NULL)
    /* Translators: how a move ended, then how long it took: "Succeeded · took 42 s, estimated 20 s – 43 s" */
    status = g_strdup_printf (_("%s · %s"), outcome_text, timing);
  else
    status = g_strdup (outcome_text);
  gtk_label_set_label (self->outcome_label, status);
  {
    static const char *styles[] = { "success", "error", "warning" };
    const char *style;

    gtk_image_set_from_icon_name (self->outcome_icon, outcome_icon_name (entry, self->queue, &style));
    for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
      if (g_strcmp0 (style, styles[i]) != 0)
        gtk_widget_remove_css_class (GTK_WIDGET (self->outcome_icon), styles[i]);
    if (style != NULL)
      gtk_widget_add_css_class (GTK_WIDGET (self->outcome_icon), style);
  }

  if (outcome == FERRY_HISTORY_OUTCOME_FAILED || outcome == FERRY_HISTORY_OUTCOME_CANCELLED)
    error = format_error (entry);
  gtk_label_set_label (self->error_label, error ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  if (outcome == FERRY_HISTORY_OUTCOME_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->error_label), "error");

  if (self->details_label != NULL)
    {
      g_autofree char *details = ferry_history_entry_dup_details (entry);

      gtk_label_set_label (self->details_label, details);
    }

  /* One sentence for screen readers. */
  label = g_strdup_printf ("%s, %s, %s, %s%s%s", vm ? vm : "", gtk_label_get_label (self->time_label), route, status,
                           error ? ". " : "", error ? error : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* A job joined the queue: an open entry journalled just before may be its. */
static void
on_queue_changed_cb (FerryHistoryRow *self)
{
  if (self->entry != NULL && ferry_history_entry_get_outcome (self->entry) == FERRY_HISTORY_OUTCOME_OPEN)
    update (self);
}

/* The details popover */

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  FerryHistoryRow *self = FERRY_HISTORY_ROW (widget);
  g_autofree char *details = NULL;
  g_autofree char *text = NULL;

  if (self->entry == NULL)
    return;

  /* The lines a person reads, then the whole record for support. */
  details = ferry_history_entry_dup_details (self->entry);
  text = g_strdup_printf ("%s\n\n%s\n", details, ferry_history_entry_get_json_text (self->entry));
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  gtk_menu_button_popdown (self->details_button);
}

static void
create_popup_cb (GtkMenuButton *button,
                 gpointer       user_data)
{
  FerryHistoryRow *self = FERRY_HISTORY_ROW (user_data);
  g_autofree char *details = NULL;

  if (self->details_label == NULL)
    {
      GtkWidget *popover = gtk_popover_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
      GtkWidget *copy = gtk_button_new_with_mnemonic (_("_Copy Details"));

      self->details_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_selectable (self->details_label, TRUE);
      gtk_label_set_wrap (self->details_label, TRUE);
      gtk_label_set_wrap_mode (self->details_label, PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (self->details_label, 60);
      gtk_label_set_xalign (self->details_label, 0);
      gtk_widget_set_margin_start (box, 6);
      gtk_widget_set_margin_end (box, 6);
      gtk_widget_set_margin_top (box, 6);
      gtk_widget_set_margin_bottom (box, 6);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "history-row.copy");
      gtk_widget_set_halign (copy, GTK_ALIGN_END);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->details_label));
      gtk_box_append (GTK_BOX (box), copy);
      gtk_popover_set_child (GTK_POPOVER (popover), box);
      /* Focus on the button, not on the text (that would select it all). */
      g_signal_connect_object (popover, "map", G_CALLBACK (gtk_widget_grab_focus), copy,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      gtk_menu_button_set_popover (button, popover);
    }

  details = self->entry ? ferry_history_entry_dup_details (self->entry) : NULL;
  gtk_label_set_label (self->details_label, details ? details : "");
}

static void
ferry_history_row_dispose (GObject *object)
{
  FerryHistoryRow *self = FERRY_HISTORY_ROW (object);

  ferry_history_row_set_entry (self, NULL);
  g_clear_object (&self->queue);

  G_OBJECT_CLASS (ferry_history_row_parent_class)->dispose (object);
}

static void
ferry_history_row_class_init (FerryHistoryRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_history_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-history-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryHistoryRow, outcome_icon);
  gtk_widget_class_bind_template_child (widget_class, FerryHistoryRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, FerryHistoryRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, FerryHistoryRow, route_label);
  gtk_widget_class_bind_template_child (widget_class, FerryHistoryRow, outcome_label);
  gtk_widget_class_bind_template_child (widget_class, FerryHistoryRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, FerryHistoryRow, details_button);

  gtk_widget_class_install_action (widget_class, "history-row.copy", NULL, copy_action);
}

static void
ferry_history_row_init (FerryHistoryRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_menu_button_set_create_popup_func (self->details_button, create_popup_cb, self, NULL);
}

GtkWidget *
ferry_history_row_new (FerryQueue *queue)
{
  FerryHistoryRow *self;

  g_return_val_if_fail (queue == NULL || FERRY_IS_QUEUE (queue), NULL);

  self = g_object_new (FERRY_TYPE_HISTORY_ROW, NULL);
  self->queue = queue ? g_object_ref (queue) : NULL;
  if (queue != NULL)
    g_signal_connect_object (queue, "items-changed", G_CALLBACK (on_queue_changed_cb), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

void
ferry_history_row_set_entry (FerryHistoryRow   *self,
                             FerryHistoryEntry *entry)
{
  g_return_if_fail (FERRY_IS_HISTORY_ROW (self));
  g_return_if_fail (entry == NULL || FERRY_IS_HISTORY_ENTRY (entry));

  if (self->entry == entry)
    return;

  if (self->entry != NULL)
    {
      g_clear_signal_handler (&self->outcome_id, self->entry);
      g_clear_object (&self->entry);
    }
  if (entry != NULL)
    {
      self->entry = g_object_ref (entry);
      /* An open move ends: its record gets the outcome, time and error. */
      self->outcome_id = g_signal_connect_swapped (entry, "notify::outcome", G_CALLBACK (update), self);
      update (self);
    }
  if (self->details_label != NULL && entry == NULL)
    gtk_menu_button_popdown (self->details_button);
}

FerryHistoryEntry *
ferry_history_row_get_entry (FerryHistoryRow *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_ROW (self), NULL);
  return self->entry;
}
