/* ferry-operations-panel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-operations-panel"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-connection.h"
#include "ferry-host.h"
#include "ferry-network.h"
#include "ferry-operation-row.h"
#include "ferry-operations-panel.h"
#include "ferry-pool.h"
#include "ferry-sr.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

struct _FerryOperationsPanel
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkLabel          *summary_label;
  GtkListBox        *list_box;

  FerryQueue        *queue;
  GtkFilterListModel *shown;      /* the queue without dismissed jobs */
  GtkFilter         *filter;
  GHashTable        *dismissed;  /* job IDs */
  guint              update_id;
  guint              unfinished;
  guint              running;
  guint              failed;
  char              *summary;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

G_DEFINE_FINAL_TYPE (FerryOperationsPanel, ferry_operations_panel, GTK_TYPE_WIDGET)

static void
show_toast (FerryOperationsPanel *self,
            const char           *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
  else
    g_message ("%s", text);
}

/* Counting, at most once per main loop iteration */

static gboolean
update_cb (gpointer user_data)
{
  FerryOperationsPanel *self = user_data;
  guint n = self->queue ? g_list_model_get_n_items (G_LIST_MODEL (self->queue)) : 0;
  guint queued = 0;
  g_autoptr(GString) text = g_string_new (NULL);

  self->update_id = 0;
  self->unfinished = self->running = self->failed = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryJob) job = g_list_model_get_item (G_LIST_MODEL (self->queue), i);
      FerryJobState state = ferry_job_get_state (job);

      if (!ferry_job_state_is_final (state))
        self->unfinished++;
      if (state == FERRY_JOB_CHECKING || state == FERRY_JOB_RUNNING || state == FERRY_JOB_CANCELLING)
        self->running++;
      else if (state == FERRY_JOB_QUEUED || state == FERRY_JOB_WAITING)
        queued++;
      else if (state == FERRY_JOB_FAILED && !g_hash_table_contains (self->dismissed, ferry_job_get_id (job)))
        self->failed++;
    }

  /* Translators: parts of "2 running, 1 queued, 1 failed" */
  if (self->running > 0)
    g_string_append_printf (text, _("%u running"), self->running);
  if (queued > 0)
    {
      g_string_append (text, text->len ? ", " : "");
      g_string_append_printf (text, _("%u queued"), queued);
    }
  if (self->failed > 0)
    {
      g_string_append (text, text->len ? ", " : "");
      g_string_append_printf (text, _("%u failed"), self->failed);
    }

  g_free (self->summary);
  self->summary = text->len ? g_strdup (text->str) : NULL;
  gtk_label_set_label (self->summary_label, self->summary ? self->summary : "");

  g_signal_emit (self, signals [CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
queue_update (FerryOperationsPanel *self)
{
  if (self->update_id == 0)
    self->update_id = g_idle_add (update_cb, self);
}

static void
on_queue_items_changed_cb (FerryOperationsPanel *self,
                           guint                 position,
                           guint                 removed,
                           guint                 added,
                           GListModel           *queue)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(FerryJob) job = g_list_model_get_item (queue, i);

      g_signal_handlers_disconnect_by_func (job, queue_update, self);
      g_signal_connect_object (job, "notify::state", G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
    }
  queue_update (self);
}

/* Rows and plan headers */

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  FerryOperationsPanel *self = user_data;
  GtkWidget *row = ferry_operation_row_new (self->queue, FERRY_JOB (item), NULL);

  ferry_operation_row_set_list_actions (FERRY_OPERATION_ROW (row), TRUE);
  return row;
}

static FerryPlan *
row_plan (GtkListBoxRow *row)
{
  return row ? ferry_job_get_plan (ferry_operation_row_get_job (FERRY_OPERATION_ROW (row))) : NULL;
}

static GtkWidget *
button_new (const char *icon_name,
            const char *tooltip,
            const char *action,
            const char *plan_id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", plan_id);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static gboolean
plan_is_held (FerryOperationsPanel *self,
              FerryPlan            *plan)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));
  gboolean any = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryJob) job = g_list_model_get_item (G_LIST_MODEL (self->queue), i);

      if (ferry_job_get_plan (job) != plan || ferry_job_get_state (job) != FERRY_JOB_QUEUED)
        continue;
      if (!ferry_job_get_held (job))
        return FALSE;
      any = TRUE;
    }
  return any;
}

/* Jobs of a plan of several VMs go under a header of the plan. */
static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  FerryOperationsPanel *self = user_data;
  FerryPlan *plan = row_plan (row);
  g_autofree char *title = NULL;
  const char *destination;
  const char *plan_id = ferry_plan_get_id (plan);
  gboolean held;
  GtkWidget *header;
  GtkWidget *label;

  if (ferry_plan_get_n_items (plan) < 2 || row_plan (before) == plan)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  held = plan_is_held (self, plan);
  header = gtk_list_box_row_get_header (row);
  if (header != NULL && g_object_get_data (G_OBJECT (header), "ferry-plan") == plan &&
      GPOINTER_TO_INT (g_object_get_data (G_OBJECT (header), "ferry-held")) == held)
    return;

  destination = ferry_plan_get_destination_host_name (plan);
  if (destination == NULL)
    destination = ferry_plan_get_destination_pool_name (plan);
  if (ferry_plan_get_evacuate_host_name (plan) != NULL)
    /* Translators: a plan: "Evacuate prod-host-01: 6 VMs" */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Evacuate %s: %u VM", "Evacuate %s: %u VMs",
                                          ferry_plan_get_n_items (plan)),
                             ferry_plan_get_evacuate_host_name (plan), ferry_plan_get_n_items (plan));
  else
    /* Translators: a plan: "6 VMs to prod-host-02" */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u VM to %s", "%u VMs to %s",
                                          ferry_plan_get_n_items (plan)),
                             ferry_plan_get_n_items (plan), destination ? destination : "");

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (header, "ferry-plan-header");
  label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (header), label);
  gtk_box_append (GTK_BOX (header),
                  button_new (held ? "media-playback-start-symbolic" : "media-playback-pause-symbolic",
                              held ? _("Continue: start the waiting moves of this plan")
                                   : _("Pause: start no more moves of this plan"),
                              "ops.pause-plan", plan_id));
  gtk_box_append (GTK_BOX (header),
                  button_new ("view-refresh-symbolic", _("Retry the failed moves of this plan"),
                              "ops.retry-plan", plan_id));
  gtk_box_append (GTK_BOX (header),
                  button_new ("process-stop-symbolic", _("Cancel every move of this plan"),
                              "ops.cancel-plan", plan_id));
  g_object_set_data (G_OBJECT (header), "ferry-plan", plan);
  g_object_set_data (G_OBJECT (header), "ferry-held", GINT_TO_POINTER (held));
  gtk_list_box_row_set_header (row, header);
}

/* Retry */

static FerryObject *
lookup_uuid (FerryOperationsPanel *self,
             const char           *uuid,
             GType                 type)
{
  GListModel *connections = ferry_queue_get_connections (self->queue);
  guint n = uuid ? g_list_model_get_n_items (connections) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (connections, i);
      FerryObject *object = ferry_cache_lookup_by_uuid (ferry_connection_get_cache (connection), uuid);

      if (object != NULL && G_TYPE_CHECK_INSTANCE_TYPE (object, type))
        return object;
    }
  return NULL;
}

GPtrArray *
ferry_operations_panel_retry (FerryOperationsPanel  *self,
                              GPtrArray             *jobs,
                              GError               **error)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();
  g_autoptr(FerryPlan) plan = NULL;
  FerryPlan *old;
  FerryOperation operation;
  FerryObject *object;
  FerryCache *source;

  g_return_val_if_fail (FERRY_IS_OPERATIONS_PANEL (self), NULL);
  g_return_val_if_fail (jobs != NULL && jobs->len > 0, NULL);

  old = ferry_job_get_plan (g_ptr_array_index (jobs, 0));
  operation = ferry_plan_get_operation (old);
  /* An evacuation's VMs go where the pool places them. */
  if (operation != FERRY_OPERATION_EVACUATE)
    ferry_move_request_set_operation (request, operation);

  for (guint i = 0; i < jobs->len; i++)
    {
      FerryPlanItem *item = ferry_job_get_item (g_ptr_array_index (jobs, i));
      FerryVm *vm = FERRY_VM (lookup_uuid (self, ferry_plan_item_get_vm_uuid (item), FERRY_TYPE_VM));

      if (vm == NULL)
        continue;
      ferry_move_request_add_vm (request, vm);
      /* The user's SR choices, disk by disk. */
      for (guint d = 0; d < ferry_plan_item_get_n_disks (item); d++)
        {
          const FerryPlanDisk *disk = ferry_plan_item_get_disk (item, d);
          FerryObject *vdi = lookup_uuid (self, disk->vdi_uuid, FERRY_TYPE_VDI);
          FerryObject *sr = lookup_uuid (self, disk->to_sr_uuid, FERRY_TYPE_SR);

          if (disk->moves && disk->snapshot_of == NULL && vdi != NULL && sr != NULL)
            ferry_move_request_set_vdi_sr (request, FERRY_VDI (vdi), FERRY_SR (sr));
        }
    }

  if (ferry_move_request_get_n_vms (request) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("The virtual machines of these moves are gone."));
      return NULL;
    }

  source = ferry_move_request_get_source_cache (request);
  if ((object = lookup_uuid (self, ferry_plan_get_destination_host_uuid (old), FERRY_TYPE_HOST)) != NULL)
    ferry_move_request_set_destination_host (request, FERRY_HOST (object));
  else if ((object = lookup_uuid (self, ferry_plan_get_destination_pool_uuid (old), FERRY_TYPE_POOL)) != NULL &&
           (ferry_object_get_cache (object) != source || operation == FERRY_OPERATION_EVACUATE))
    ferry_move_request_set_destination_pool (request, ferry_object_get_cache (object));
  if ((object = lookup_uuid (self, ferry_plan_get_network_uuid (old), FERRY_TYPE_NETWORK)) != NULL)
    ferry_move_request_set_network (request, FERRY_NETWORK (object));

  plan = ferry_plan_new (request, ferry_queue_get_connections (self->queue), NULL, error);
  if (plan == NULL)
    return NULL;
  ferry_plan_set_compression (plan, ferry_plan_get_compression (old));
  ferry_plan_set_force (plan, ferry_plan_get_force (old));
  if ((object = lookup_uuid (self, ferry_plan_get_home_server_uuid (old), FERRY_TYPE_HOST)) != NULL)
    ferry_plan_set_home_server (plan, FERRY_HOST (object));

  return ferry_queue_add_plan (self->queue, plan);
}

static void
retry_jobs (FerryOperationsPanel *self,
            GPtrArray            *jobs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) added = NULL;

  if (jobs->len == 0)
    return;
  added = ferry_operations_panel_retry (self, jobs, &error);
  if (added == NULL)
    {
      /* Translators: %s says why */
      g_autofree char *text = g_strdup_printf (_("Could not retry: %s"), error->message);

      show_toast (self, text);
      return;
    }
  /* The old rows make way for the new ones. */
  for (guint i = 0; i < jobs->len; i++)
    g_hash_table_add (self->dismissed, g_strdup (ferry_job_get_id (g_ptr_array_index (jobs, i))));
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_MORE_STRICT);
  queue_update (self);
}

/* Actions */

static FerryJob *
lookup_job (FerryOperationsPanel *self,
            GVariant             *param)
{
  return self->queue ? ferry_queue_lookup_job (self->queue, g_variant_get_string (param, NULL)) : NULL;
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  FerryOperationsPanel *self = FERRY_OPERATIONS_PANEL (widget);
  FerryJob *job = lookup_job (self, param);
  g_autoptr(GPtrArray) jobs = g_ptr_array_new ();

  if (job != NULL && (ferry_job_get_state (job) == FERRY_JOB_FAILED ||
                      ferry_job_get_state (job) == FERRY_JOB_CANCELLED))
    g_ptr_array_add (jobs, job);
  retry_jobs (self, jobs);
}

static void
dismiss_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  FerryOperationsPanel *self = FERRY_OPERATIONS_PANEL (widget);
  FerryJob *job = lookup_job (self, param);

  if (job == NULL || !ferry_job_is_finished (job))
    return;
  g_hash_table_add (self->dismissed, g_strdup (ferry_job_get_id (job)));
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_MORE_STRICT);
  queue_update (self);
}

static GPtrArray *
plan_jobs (FerryOperationsPanel *self,
           GVariant             *param)
{
  const char *plan_id = g_variant_get_string (param, NULL);
  GPtrArray *jobs = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryJob) job = g_list_model_get_item (G_LIST_MODEL (self->queue), i);

      if (g_strcmp0 (ferry_plan_get_id (ferry_job_get_plan (job)), plan_id) == 0)
        g_ptr_array_add (jobs, g_steal_pointer (&job));
    }
  return jobs;
}

/* A plan is paused by holding its moves that have not started. */
static void
pause_plan_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  FerryOperationsPanel *self = FERRY_OPERATIONS_PANEL (widget);
  g_autoptr(GPtrArray) jobs = self->queue ? plan_jobs (self, param) : NULL;
  gboolean held;

  if (jobs == NULL || jobs->len == 0)
    return;
  held = plan_is_held (self, ferry_job_get_plan (g_ptr_array_index (jobs, 0)));
  for (guint i = 0; i < jobs->len; i++)
    if (ferry_job_get_state (g_ptr_array_index (jobs, i)) == FERRY_JOB_QUEUED)
      ferry_queue_hold_job (self->queue, g_ptr_array_index (jobs, i), !held);
  gtk_list_box_invalidate_headers (self->list_box);
}

static void
cancel_plan_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  FerryOperationsPanel *self = FERRY_OPERATIONS_PANEL (widget);

  if (self->queue != NULL)
    ferry_queue_cancel_all (self->queue, g_variant_get_string (param, NULL));
}

static void
retry_plan_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  FerryOperationsPanel *self = FERRY_OPERATIONS_PANEL (widget);
  g_autoptr(GPtrArray) jobs = self->queue ? plan_jobs (self, param) : NULL;
  g_autoptr(GPtrArray) failed = g_ptr_array_new ();

  for (guint i = 0; jobs != NULL && i < jobs->len; i++)
    {
      FerryJob *job = g_ptr_array_index (jobs, i);

      if ((ferry_job_get_state (job) == FERRY_JOB_FAILED || ferry_job_get_state (job) == FERRY_JOB_CANCELLED) &&
          !g_hash_table_contains (self->dismissed, ferry_job_get_id (job)))
        g_ptr_array_add (failed, job);
    }
  if (failed->len == 0)
    show_toast (self, _("No move of this plan failed."));
  retry_jobs (self, failed);
}

static void
clear_finished_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  FerryOperationsPanel *self = FERRY_OPERATIONS_PANEL (widget);

  if (self->queue == NULL)
    return;
  ferry_queue_clear_finished (self->queue);
  g_hash_table_remove_all (self->dismissed);
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_LESS_STRICT);
  queue_update (self);
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  FerryOperationsPanel *self = user_data;

  return !g_hash_table_contains (self->dismissed, ferry_job_get_id (item));
}

/* GObject */

static void
ferry_operations_panel_dispose (GObject *object)
{
  FerryOperationsPanel *self = FERRY_OPERATIONS_PANEL (object);
  GtkWidget *child;

  g_clear_handle_id (&self->update_id, g_source_remove);
  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_OPERATIONS_PANEL);
  /* The template's children that are not bound. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->shown);
  g_clear_object (&self->queue);

  G_OBJECT_CLASS (ferry_operations_panel_parent_class)->dispose (object);
}

static void
ferry_operations_panel_finalize (GObject *object)
{
  FerryOperationsPanel *self = FERRY_OPERATIONS_PANEL (object);

  g_clear_object (&self->filter);
  g_clear_pointer (&self->dismissed, g_hash_table_unref);
  g_free (self->summary);

  G_OBJECT_CLASS (ferry_operations_panel_parent_class)->finalize (object);
}

static void
ferry_operations_panel_class_init (FerryOperationsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_operations_panel_dispose;
  object_class->finalize = ferry_operations_panel_finalize;

  signals [CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ferryvm/Ferry/ui/ferry-operations-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryOperationsPanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FerryOperationsPanel, list_box);

  gtk_widget_class_install_action (widget_class, "ops.retry", "s", retry_action);
  gtk_widget_class_install_action (widget_class, "ops.dismiss", "s", dismiss_action);
  gtk_widget_class_install_action (widget_class, "ops.pause-plan", "s", pause_plan_action);
  gtk_widget_class_install_action (widget_class, "ops.cancel-plan", "s", cancel_plan_action);
  gtk_widget_class_install_action (widget_class, "ops.retry-plan", "s", retry_plan_action);
  gtk_widget_class_install_action (widget_class, "ops.clear-finished", NULL, clear_finished_action);

  gtk_widget_class_set_css_name (widget_class, "ferryoperationspanel");
  g_type_ensure (FERRY_TYPE_OPERATION_ROW);
}

static void
ferry_operations_panel_init (FerryOperationsPanel *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->dismissed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->filter = GTK_FILTER (gtk_custom_filter_new (filter_func, self, NULL));
  gtk_list_box_set_header_func (self->list_box, header_func, self, NULL);

  placeholder = gtk_label_new (_("No operations. Moves you start appear here."));
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_list_box_set_placeholder (self->list_box, placeholder);
}

GtkWidget *
ferry_operations_panel_new (void)
{
  return g_object_new (FERRY_TYPE_OPERATIONS_PANEL, NULL);
}

void
ferry_operations_panel_set_queue (FerryOperationsPanel *self,
                                  FerryQueue           *queue)
{
  g_return_if_fail (FERRY_IS_OPERATIONS_PANEL (self));
  g_return_if_fail (queue == NULL || FERRY_IS_QUEUE (queue));

  if (self->queue == queue)
    return;

  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  g_clear_object (&self->shown);
  g_set_object (&self->queue, queue);

  if (queue != NULL)
    {
      self->shown = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (queue)), g_object_ref (self->filter));
      gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->shown), create_row_cb, self, NULL);
      g_signal_connect_object (queue, "items-changed", G_CALLBACK (on_queue_items_changed_cb), self,
                               G_CONNECT_SWAPPED);
      on_queue_items_changed_cb (self, 0, 0, g_list_model_get_n_items (G_LIST_MODEL (queue)), G_LIST_MODEL (queue));
    }
  queue_update (self);
}

FerryQueue *
ferry_operations_panel_get_queue (FerryOperationsPanel *self)
{
  g_return_val_if_fail (FERRY_IS_OPERATIONS_PANEL (self), NULL);
  return self->queue;
}

void
ferry_operations_panel_get_counts (FerryOperationsPanel *self,
                                   guint                *unfinished,
                                   guint                *running,
                                   guint                *failed)
{
  g_return_if_fail (FERRY_IS_OPERATIONS_PANEL (self));

  if (self->update_id != 0)
    {
      g_clear_handle_id (&self->update_id, g_source_remove);
      update_cb (self);
    }
  if (unfinished != NULL)
    *unfinished = self->unfinished;
  if (running != NULL)
    *running = self->running;
  if (failed != NULL)
    *failed = self->failed;
}

const char *
ferry_operations_panel_get_summary (FerryOperationsPanel *self)
{
  g_return_val_if_fail (FERRY_IS_OPERATIONS_PANEL (self), NULL);
  return self->summary;
}

GtkWidget *
ferry_operations_panel_find_row (FerryOperationsPanel *self,
                                 FerryJob             *job)
{
  g_return_val_if_fail (FERRY_IS_OPERATIONS_PANEL (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (FERRY_IS_OPERATION_ROW (child) && ferry_operation_row_get_job (FERRY_OPERATION_ROW (child)) == job)
      return child;
  return NULL;
}
