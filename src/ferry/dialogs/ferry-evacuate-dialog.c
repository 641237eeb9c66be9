/* ferry-evacuate-dialog.c: maintenance mode, with a pre-flight and fixes
 *
 * Entering: host.get_vms_which_prevent_evacuation and the local plan (the
 * rules; where each VM will go, biggest first onto the host with the most
 * free memory). One row per VM with its planned destination, or its
 * blocker with the reason and, where one exists, a one-click fix: eject a
 * CD, resume a paused VM, disable CBT (with a warning about backups),
 * suspend or shut down. Options: the migration network and the batch size
 * (R3). Nothing is written to the host before the user confirms (XenCenter
 * saved its lists first). The queue then disables the host, writes
 * XenCenter's MAINTENANCE_MODE keys and moves the VMs in batches; each VM
 * shows its own progress.
 *
 * When some VMs stay blocked the button still works, after an explicit
 * choice that names what stays: the other VMs move to their planned hosts
 * (live migrations, ferry_move_request_set_vm_host()) and the host stays
 * enabled, since it cannot enter maintenance mode with VMs on it.
 *
 * Leaving: the history says which VMs left the host; they can be brought
 * back (the put-back plans enable the host first), or the host is only
 * enabled again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-evacuate-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-evacuate-dialog.h"
#include "ferry-flow-rows.h"
#include "ferry-history.h"
#include "ferry-operation-row.h"
#include "ferry-network.h"
#include "ferry-pif.h"
#include "ferry-pool.h"
#include "ferry-ui-utils.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

struct _FerryEvacuateDialog
{
  AdwWindow        parent_instance;

  /* Template widgets */
  GtkButton       *cancel_button;
  GtkButton       *apply_button;
  GtkSpinner      *spinner;
  AdwWindowTitle  *window_title;
  AdwToastOverlay *toast_overlay;
  GtkLabel        *description;
  GtkBox          *body;

  FerryWindow     *window;        /* weak */
  FerryHost       *host;
  FerryConnection *connection;
  gboolean         exit_mode;
  GCancellable    *cancellable;
  guint            busy;
  guint            n_blocked;
  guint            n_movable;
  GHashTable      *server_blockers;  /* VM ref → FerryCheck */
  GPtrArray       *networks;         /* FerryNetwork of the combo */
  AdwComboRow     *network_row;
  GtkSpinButton   *batch_spin;
  GtkWidget       *vm_group;
  GPtrArray       *put_back;         /* FerryPlan (exit) */
  GPtrArray       *jobs;
};

G_DEFINE_FINAL_TYPE (FerryEvacuateDialog, ferry_evacuate_dialog, ADW_TYPE_WINDOW)

static void preflight (FerryEvacuateDialog *self);

static void
set_busy (FerryEvacuateDialog *self,
          gboolean             busy)
{
  self->busy += busy ? 1 : -1;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy > 0);
  gtk_spinner_set_spinning (self->spinner, self->busy > 0);
}

static void
update_apply (FerryEvacuateDialog *self)
{
  /* With blocked VMs the others may still go (an explicit choice, F4). */
  gboolean ok = self->jobs == NULL && self->busy == 0 &&
                (self->exit_mode || self->n_blocked == 0 || self->n_movable > 0);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.apply", ok);
}

static FerryPlan *
make_plan (FerryEvacuateDialog *self,
           GError             **error)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();
  GListModel *connections = self->window ? G_LIST_MODEL (ferry_window_get_manager (self->window)) : NULL;
  FerryPlan *plan;
  guint selected = self->network_row ? adw_combo_row_get_selected (self->network_row) : GTK_INVALID_LIST_POSITION;

  ferry_move_request_set_evacuate_host (request, self->host);
  /* The first entry is the management network (NULL). */
  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected <= self->networks->len)
    ferry_move_request_set_network (request, g_ptr_array_index (self->networks, selected - 1));
  plan = ferry_plan_new (request, connections, NULL, error);
  if (plan != NULL && self->batch_spin != NULL)
    ferry_plan_set_evacuation_batch_size (plan, gtk_spin_button_get_value_as_int (self->batch_spin));
  return plan;
}

/* Fixes */

typedef struct
{
  FerryEvacuateDialog *self;
  GtkWidget           *button;
} Fix;

static void
on_fixed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Fix *fix = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_busy (fix->self, FALSE);
      if (error != NULL)
        adw_toast_overlay_add_toast (fix->self->toast_overlay, adw_toast_new (error->message));
      /* The caches catch up by events; check again after them. */
      preflight (fix->self);
    }
  g_object_unref (fix->button);
  g_object_unref (fix->self);
  g_free (fix);
}

static void
run_fix (FerryEvacuateDialog *self,
         GtkWidget           *button,
         const char          *method,
         const char          *ref)
{
  Fix *fix = g_new0 (Fix, 1);

  fix->self = g_object_ref (self);
  fix->button = g_object_ref (button);
  gtk_widget_set_sensitive (button, FALSE);   /* no double clicks */
  set_busy (self, TRUE);
  update_apply (self);
  ferry_connection_call_async (self->connection, method, g_variant_new ("(s)", ref), FERRY_CALL_NONE,
                               self->cancellable, on_fixed_cb, fix);
}

static void
on_fix_clicked_cb (GtkButton           *button,
                   FerryEvacuateDialog *self)
{
  run_fix (self, GTK_WIDGET (button), g_object_get_data (G_OBJECT (button), "ferry-method"),
           g_object_get_data (G_OBJECT (button), "ferry-ref"));
}

/* The row's fix buttons, stacked in one suffix so the reason keeps its width. */
static GtkBox *
fixes_box (AdwActionRow *row)
{
  GtkWidget *box = g_object_get_data (G_OBJECT (row), "ferry-fixes");

  if (box == NULL)
    {
      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (row, box);
      g_object_set_data (G_OBJECT (row), "ferry-fixes", box);
    }
  return GTK_BOX (box);
}

static void
add_fix (FerryEvacuateDialog *self,
         AdwActionRow        *row,
         const char          *label,
         const char          *tooltip,
         const char          *method,
         const char          *ref)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (tooltip != NULL)
    gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data_full (G_OBJECT (button), "ferry-method", g_strdup (method), g_free);
  g_object_set_data_full (G_OBJECT (button), "ferry-ref", g_strdup (ref), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_fix_clicked_cb), self);
  gtk_box_append (fixes_box (row), button);
}

/* The one-click fixes that exist for a VM blocked by @check. */
static void
add_fixes (FerryEvacuateDialog *self,
           AdwActionRow        *row,
           FerryVm             *vm,
           FerryCheck          *check)
{
  const char *rule = ferry_check_get_rule_id (check);
  const char *xapi = ferry_check_get_xapi_error (check);
  GListModel *vbds = ferry_vm_get_vbds (vm);
  gboolean cd = FALSE, cbt = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));

      if (g_strcmp0 (ferry_vbd_get_vbd_type (vbd), "CD") == 0 && !ferry_vbd_get_empty (vbd) && !cd &&
          (g_strcmp0 (rule, "X-CD-EJECT") == 0 || g_strcmp0 (xapi, "VM_REQUIRES_SR") == 0))
        {
          cd = TRUE;
          add_fix (self, row, _("_Eject the CD"), NULL, "VBD.eject", ferry_object_get_ref (FERRY_OBJECT (vbd)));
        }
      if (FERRY_IS_VDI (vdi) && ferry_vdi_get_cbt_enabled (FERRY_VDI (vdi)) && !cbt &&
          (g_strcmp0 (rule, "R7") == 0 || g_strcmp0 (xapi, "VDI_CBT_ENABLED") == 0))
        {
          cbt = TRUE;
          /* R7: only one disk per click; the pre-flight runs again after it. */
          add_fix (self, row, _("_Disable CBT"),
                   _("Backups that use changed block tracking need a full backup afterwards"),
                   "VDI.disable_cbt", ferry_object_get_ref (vdi));
        }
    }
  if (cd || cbt)
    return;

  if (ferry_vm_get_power_state (vm) == FERRY_VM_POWER_STATE_PAUSED)
    {
      add_fix (self, row, _("_Resume"), _("Let the paused VM run again (R29)"), "VM.unpause",
               ferry_object_get_ref (FERRY_OBJECT (vm)));
      return;
    }
  if (ferry_vm_get_power_state (vm) != FERRY_VM_POWER_STATE_RUNNING)
    return;
  if (ferry_object_is_operation_allowed (FERRY_OBJECT (vm), "suspend"))
    add_fix (self, row, _("_Suspend"), NULL, "VM.suspend", ferry_object_get_ref (FERRY_OBJECT (vm)));
  if (ferry_object_is_operation_allowed (FERRY_OBJECT (vm), "clean_shutdown"))
    add_fix (self, row, _("Shut _Down"), NULL, "VM.clean_shutdown", ferry_object_get_ref (FERRY_OBJECT (vm)));
}

/* The server's reason (the pre-flight) or the plan's, or NULL: it can go. */
static FerryCheck *
item_blocker (FerryEvacuateDialog *self,
              FerryPlanItem       *item)
{
  FerryCache *cache = ferry_object_get_cache (FERRY_OBJECT (self->host));
  FerryObject *vm = ferry_cache_lookup_by_uuid (cache, ferry_plan_item_get_vm_uuid (item));
  FerryCheck *blocker = vm ? g_hash_table_lookup (self->server_blockers, ferry_object_get_ref (vm)) : NULL;

  return blocker ? blocker : ferry_plan_item_get_blocker (item);
}

static void
build_rows (FerryEvacuateDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryPlan) plan = make_plan (self, &error);
  FerryCache *cache = ferry_object_get_cache (FERRY_OBJECT (self->host));
  GtkWidget *group;

  if (self->vm_group != NULL)
    gtk_box_remove (self->body, self->vm_group);
  self->n_blocked = 0;
  self->n_movable = 0;

  group = ferry_flow_group_new (_("Virtual machines"), NULL);
  self->vm_group = group;
  gtk_box_append (self->body, group);

  if (plan == NULL)
    {
      /* No VM to move (an empty host): nothing blocks. */
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 ferry_info_row_new (_("No VM runs on this host"), NULL, NULL));
      update_apply (self);
      return;
    }

  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    {
      FerryPlanItem *item = ferry_plan_get_item (plan, i);
      FerryObject *vm = ferry_cache_lookup_by_uuid (cache, ferry_plan_item_get_vm_uuid (item));
      FerryCheck *blocker = item_blocker (self, item);
      GtkWidget *row;

      if (blocker != NULL)
        {
          self->n_blocked++;
          row = ferry_check_row_new (blocker, NULL);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ferry_plan_item_get_vm_name (item));
          {
            g_autofree char *text = ferry_check_dup_reason_text (blocker);

            adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
          }
          if (FERRY_IS_VM (vm))
            add_fixes (self, ADW_ACTION_ROW (row), FERRY_VM (vm), blocker);
        }
      else
        {
          g_autofree char *to = ferry_plan_item_dup_to_text (item);
          /* Translators: where a VM goes in the evacuation */
          g_autofree char *subtitle = g_strdup_printf (_("Goes to %s"), to);

          row = ferry_info_row_new (ferry_plan_item_get_vm_name (item), subtitle, "emblem-ok-symbolic");
          self->n_movable++;
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  update_apply (self);
}

static void
on_prevent_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FerryEvacuateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  FerryCache *cache = ferry_object_get_cache (FERRY_OBJECT (self->host));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);

  g_hash_table_remove_all (self->server_blockers);
  if (error != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
  else if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *map = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (map);

      /* VM ref → [code, params…] */
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonArray *description = json_object_get_array_member (map, l->data);
          g_autoptr(GPtrArray) params = g_ptr_array_new ();
          const char *code;

          if (description == NULL || json_array_get_length (description) == 0)
            continue;
          code = json_array_get_string_element (description, 0);
          for (guint i = 1; i < json_array_get_length (description); i++)
            g_ptr_array_add (params, (gpointer) json_array_get_string_element (description, i));
          g_ptr_array_add (params, NULL);
          g_hash_table_insert (self->server_blockers, g_strdup (l->data),
                               ferry_check_new_from_xapi_error (code, (const char * const *) params->pdata, cache, NULL));
        }
    }
  build_rows (self);
}

static gboolean
on_preflight_timeout_cb (gpointer data)
{
  FerryEvacuateDialog *self = data;

  if (g_cancellable_is_cancelled (self->cancellable))
    return G_SOURCE_REMOVE;

  set_busy (self, TRUE);
  ferry_connection_call_async (self->connection, "host.get_vms_which_prevent_evacuation",
                               g_variant_new ("(s)", ferry_object_get_ref (FERRY_OBJECT (self->host))),
                               FERRY_CALL_IDEMPOTENT, self->cancellable, on_prevent_cb, g_object_ref (self));
  update_apply (self);
  return G_SOURCE_REMOVE;
}

static void
preflight (FerryEvacuateDialog *self)
{
  /* Let the caches take the events of a fix first. */
  g_timeout_add_full (G_PRIORITY_DEFAULT, 300, on_preflight_timeout_cb, g_object_ref (self), g_object_unref);
}

/* Options: the migration network and the batch size (R3). */
static void
build_options (FerryEvacuateDialog *self)
{
  FerryCache *cache = ferry_object_get_cache (FERRY_OBJECT (self->host));
  FerryPool *pool = ferry_cache_get_pool (cache);
  GListModel *model = ferry_cache_get_objects (cache, FERRY_TYPE_NETWORK);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *group = ferry_flow_group_new (_("Options"), NULL);
  GtkWidget *row;
  const char *pool_batch = pool ? ferry_object_lookup_other_config (FERRY_OBJECT (pool), "evacuation-batch-size") : NULL;
  guint batch = pool_batch ? (guint) g_ascii_strtoull (pool_batch, NULL, 10) : 0;

  gtk_string_list_append (names, _("Management network"));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryNetwork) network = g_list_model_get_item (model, i);
      GListModel *pifs = ferry_network_get_pifs (network);
      gboolean management = FALSE;

      if (g_list_model_get_n_items (pifs) == 0)
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (pifs); k++)
        {
          g_autoptr(FerryPif) pif = g_list_model_get_item (pifs, k);

          management |= ferry_pif_get_management (pif);
        }
      if (management)
        continue;
      gtk_string_list_append (names, ferry_object_get_name_label (FERRY_OBJECT (network)));
      g_ptr_array_add (self->networks, g_steal_pointer (&network));
    }
  self->network_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->network_row), _("Migration network"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->network_row),
                               _("A dedicated network keeps the management network free (R30)"));
  adw_combo_row_set_model (self->network_row, G_LIST_MODEL (names));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->network_row));

  if (batch == 0)
    batch = 10;
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("VMs leaving at once"));
  {
    g_autofree char *text = g_strdup_printf (_("Parallel evacuation in batches (R3); the pool’s value is %u"), batch);

    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  }
  self->batch_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 50, 1));
  gtk_spin_button_set_value (self->batch_spin, batch);
  gtk_widget_set_valign (GTK_WIDGET (self->batch_spin), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->batch_spin));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (self->batch_spin));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Check again"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Run the pre-flight again"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("view-refresh-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_signal_connect_swapped (row, "activated", G_CALLBACK (preflight), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  gtk_box_append (self->body, group);
}

/* Leaving maintenance */

/* When the latest evacuation of the host began (from the journal), or NULL. */
static GDateTime *
dup_evacuation_start (FerryEvacuateDialog *self,
                      FerryHistory        *history)
{
  const char *uuid = ferry_object_get_uuid (FERRY_OBJECT (self->host));
  const char *plan_id = NULL;
  GDateTime *start = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (history));

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(FerryHistoryEntry) entry = g_list_model_get_item (G_LIST_MODEL (history), i - 1);

      if (ferry_history_entry_get_operation (entry) != FERRY_OPERATION_EVACUATE ||
          g_strcmp0 (ferry_history_entry_get_from_host_uuid (entry), uuid) != 0)
        continue;
      if (plan_id != NULL && g_strcmp0 (plan_id, ferry_history_entry_get_plan_id (entry)) != 0)
        break;
      plan_id = ferry_history_entry_get_plan_id (entry);
      g_clear_pointer (&start, g_date_time_unref);
      start = g_date_time_ref (ferry_history_entry_get_time (entry));
    }
  return start;
}

static void
build_exit (FerryEvacuateDialog *self)
{
  FerryQueue *queue = self->window ? ferry_window_get_queue (self->window) : NULL;
  FerryHistory *history = queue ? ferry_queue_get_history (queue) : NULL;
  g_autoptr(GDateTime) since = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plans = NULL;
  GtkWidget *group = ferry_flow_group_new (_("Bring VMs back"), NULL);
  const char *uuid = ferry_object_get_uuid (FERRY_OBJECT (self->host));

  self->put_back = g_ptr_array_new_with_free_func (g_object_unref);
  if (history != NULL)
    since = dup_evacuation_start (self, history);
  if (since != NULL)
    plans = ferry_history_build_put_back (history, since, G_LIST_MODEL (ferry_window_get_manager (self->window)), &error);
  for (guint i = 0; plans != NULL && i < plans->len; i++)
    {
      FerryPlan *plan = g_ptr_array_index (plans, i);

      if (g_strcmp0 (ferry_plan_get_destination_host_uuid (plan), uuid) != 0)
        continue;
      g_ptr_array_add (self->put_back, g_object_ref (plan));
      for (guint k = 0; k < ferry_plan_get_n_items (plan); k++)
        {
          FerryPlanItem *item = ferry_plan_get_item (plan, k);
          g_autofree char *from = ferry_plan_item_dup_from_text (item);
          g_autofree char *subtitle = g_strdup_printf (_("Now on %s"), from);

          if (ferry_plan_item_get_blocker (item) != NULL)
            adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                       ferry_check_row_new (ferry_plan_item_get_blocker (item), NULL));
          else
            adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                       ferry_info_row_new (ferry_plan_item_get_vm_name (item), subtitle, NULL));
        }
    }

  if (self->put_back->len == 0)
    {
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 ferry_info_row_new (_("No VM to bring back"),
                                                     error ? error->message : _("The history shows no VM that left this host."),
                                                     NULL));
      gtk_button_set_label (self->apply_button, _("_Exit Maintenance Mode"));
    }
  else
    gtk_button_set_label (self->apply_button, _("_Exit and Bring VMs Back"));
  gtk_box_append (self->body, group);
  update_apply (self);
}

static void
on_enabled_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FerryEvacuateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = ferry_connection_call_finish (FERRY_CONNECTION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (error != NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      update_apply (self);
      return;
    }
  /* XenCenter's marks go with the maintenance mode. */
  ferry_connection_call_async (self->connection, "host.remove_from_other_config",
                               g_variant_new ("(ss)", ferry_object_get_ref (FERRY_OBJECT (self->host)), "MAINTENANCE_MODE"),
                               FERRY_CALL_NONE, NULL, NULL, NULL);
  gtk_window_close (GTK_WINDOW (self));
}

static void
show_progress (FerryEvacuateDialog *self,
               FerryQueue          *queue,
               const char          *text)
{
  GtkWidget *group = ferry_flow_group_new (_("Progress"), NULL);

  for (guint i = 0; i < self->jobs->len; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), ferry_operation_row_new (queue, g_ptr_array_index (self->jobs, i), NULL));
  ferry_flow_box_clear (self->body);
  self->vm_group = NULL;
  gtk_box_append (self->body, group);
  gtk_label_set_text (self->description, text);
  gtk_widget_set_visible (GTK_WIDGET (self->apply_button), FALSE);
  gtk_button_set_label (self->cancel_button, _("_Close"));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->cancel_button));
  gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
  update_apply (self);
}

static void
queue_plan (FerryEvacuateDialog *self,
            FerryQueue          *queue,
            FerryPlan           *plan,
            const char          *text)
{
  g_autoptr(GPtrArray) jobs = ferry_queue_add_plan (queue, plan);

  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint k = 0; k < jobs->len; k++)
    g_ptr_array_add (self->jobs, g_object_ref (g_ptr_array_index (jobs, k)));
  show_progress (self, queue, text);
}

/* F4 with blockers: the VMs that can leave go to their planned hosts as
 * live migrations; the host stays enabled. */
static void
move_the_others (FerryEvacuateDialog *self)
{
  FerryQueue *queue = self->window ? ferry_window_get_queue (self->window) : NULL;
  FerryCache *cache = ferry_object_get_cache (FERRY_OBJECT (self->host));
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryPlan) evacuation = make_plan (self, &error);
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();
  g_autoptr(FerryPlan) plan = NULL;
  g_autofree char *text = NULL;
  guint selected = self->network_row ? adw_combo_row_get_selected (self->network_row) : GTK_INVALID_LIST_POSITION;

  if (queue == NULL || evacuation == NULL || self->jobs != NULL)
    return;

  ferry_move_request_set_destination_pool (request, cache);
  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected <= self->networks->len)
    ferry_move_request_set_network (request, g_ptr_array_index (self->networks, selected - 1));
  for (guint i = 0; i < ferry_plan_get_n_items (evacuation); i++)
    {
      FerryPlanItem *item = ferry_plan_get_item (evacuation, i);
      FerryObject *vm = ferry_cache_lookup_by_uuid (cache, ferry_plan_item_get_vm_uuid (item));
      const char *to = ferry_plan_item_get_to_host_uuid (item);
      FerryObject *host = to ? ferry_cache_lookup_by_uuid (cache, to) : NULL;

      if (item_blocker (self, item) != NULL || !FERRY_IS_VM (vm))
        continue;
      ferry_move_request_add_vm (request, FERRY_VM (vm));
      if (FERRY_IS_HOST (host))
        ferry_move_request_set_vm_host (request, FERRY_VM (vm), FERRY_HOST (host));
    }

  plan = ferry_plan_new (request, G_LIST_MODEL (ferry_window_get_manager (self->window)), NULL, &error);
  if (plan == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  /* Translators: %s is a host */
  text = g_strdup_printf (_("The other VMs move; %s stays enabled and is not in maintenance mode."),
                          ferry_object_get_name_label (FERRY_OBJECT (self->host)));
  queue_plan (self, queue, plan, text);
}

static void
on_partial_response_cb (AdwMessageDialog    *dialog,
                        const char          *response,
                        FerryEvacuateDialog *self)
{
  if (g_strcmp0 (response, "move") == 0)
    move_the_others (self);
}

/* The explicit choice when some VMs cannot leave: what stays, and why. */
static void
confirm_partial (FerryEvacuateDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryPlan) plan = make_plan (self, &error);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *heading = NULL;
  const char *host = ferry_object_get_name_label (FERRY_OBJECT (self->host));
  AdwMessageDialog *dialog;

  if (plan == NULL)
    return;
  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    {
      FerryPlanItem *item = ferry_plan_get_item (plan, i);
      FerryCheck *blocker = item_blocker (self, item);

      if (blocker != NULL)
        g_string_append_printf (body, "• %s: %s\n", ferry_plan_item_get_vm_name (item), ferry_check_get_message (blocker));
    }
  g_string_append_c (body, '\n');
  /* Translators: %u other VMs, %s the host */
  g_string_append_printf (body,
                          ngettext ("The host cannot enter maintenance mode while VMs run on it. Ferry can move "
                                    "%u other VM now and leave %s enabled; fix the VMs above and enter maintenance "
                                    "mode later.",
                                    "The host cannot enter maintenance mode while VMs run on it. Ferry can move "
                                    "%u other VMs now and leave %s enabled; fix the VMs above and enter maintenance "
                                    "mode later.",
                                    self->n_movable),
                          self->n_movable, host);
  /* Translators: %u VMs cannot leave host %s */
  heading = g_strdup_printf (ngettext ("%u VM Cannot Leave %s", "%u VMs Cannot Leave %s", self->n_blocked),
                             self->n_blocked, host);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body->str));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "move", _("_Move the Other VMs"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "move", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "move");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_partial_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  FerryEvacuateDialog *self = FERRY_EVACUATE_DIALOG (widget);
  FerryQueue *queue = self->window ? ferry_window_get_queue (self->window) : NULL;
  g_autoptr(GError) error = NULL;

  if (queue == NULL || self->jobs != NULL || self->busy > 0)
    return;

  if (self->exit_mode)
    {
      if (self->put_back->len == 0)
        {
          set_busy (self, TRUE);
          gtk_widget_action_set_enabled (widget, "dialog.apply", FALSE);
          ferry_connection_call_async (self->connection, "host.enable",
                                       g_variant_new ("(s)", ferry_object_get_ref (FERRY_OBJECT (self->host))),
                                       FERRY_CALL_NONE, self->cancellable, on_enabled_cb, g_object_ref (self));
          return;
        }
      /* Each put-back plan enables the host first. */
      self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < self->put_back->len; i++)
        {
          g_autoptr(GPtrArray) jobs = ferry_queue_add_plan (queue, g_ptr_array_index (self->put_back, i));

          for (guint k = 0; k < jobs->len; k++)
            g_ptr_array_add (self->jobs, g_object_ref (g_ptr_array_index (jobs, k)));
        }
      show_progress (self, queue, _("The host is enabled and the VMs come back."));
      return;
    }

  if (self->n_blocked > 0)
    {
      confirm_partial (self);
      return;
    }

  {
    g_autoptr(FerryPlan) plan = make_plan (self, &error);

    if (plan == NULL)
      {
        /* No VM: only the host goes into maintenance. */
        set_busy (self, TRUE);
        ferry_connection_call_async (self->connection, "host.disable",
                                     g_variant_new ("(s)", ferry_object_get_ref (FERRY_OBJECT (self->host))),
                                     FERRY_CALL_NONE, self->cancellable, NULL, NULL);
        gtk_window_close (GTK_WINDOW (self));
        return;
      }
    queue_plan (self, queue, plan,
                _("The host is disabled and its VMs leave in batches. You can close this window; the evacuation goes on."));
  }
}

static void
ferry_evacuate_dialog_dispose (GObject *object)
{
  FerryEvacuateDialog *self = FERRY_EVACUATE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->window);

  G_OBJECT_CLASS (ferry_evacuate_dialog_parent_class)->dispose (object);
}

static void
ferry_evacuate_dialog_finalize (GObject *object)
{
  FerryEvacuateDialog *self = FERRY_EVACUATE_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->host);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->server_blockers, g_hash_table_unref);
  g_clear_pointer (&self->networks, g_ptr_array_unref);
  g_clear_pointer (&self->put_back, g_ptr_array_unref);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);

  G_OBJECT_CLASS (ferry_evacuate_dialog_parent_class)->finalize (object);
}

static void
ferry_evacuate_dialog_class_init (FerryEvacuateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_evacuate_dialog_dispose;
  object_class->finalize = ferry_evacuate_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-evacuate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryEvacuateDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FerryEvacuateDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, FerryEvacuateDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, FerryEvacuateDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FerryEvacuateDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FerryEvacuateDialog, description);
  gtk_widget_class_bind_template_child (widget_class, FerryEvacuateDialog, body);

  gtk_widget_class_install_action (widget_class, "dialog.apply", NULL, apply_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ferry_evacuate_dialog_init (FerryEvacuateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->server_blockers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->networks = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->apply_button));
}

static FerryEvacuateDialog *
dialog_new (FerryWindow *window,
            FerryHost   *host,
            gboolean     exit_mode)
{
  FerryEvacuateDialog *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (FERRY_IS_WINDOW (window), NULL);
  g_return_val_if_fail (FERRY_IS_HOST (host), NULL);

  self = g_object_new (FERRY_TYPE_EVACUATE_DIALOG, "transient-for", window, NULL);
  g_set_weak_pointer (&self->window, window);
  self->host = g_object_ref (host);
  ferry_window_lookup_object (window, ferry_object_get_uuid (FERRY_OBJECT (host)), &self->connection);
  if (self->connection != NULL)
    g_object_ref (self->connection);
  self->exit_mode = exit_mode;

  /* Translators: %s is a host */
  title = g_strdup_printf (exit_mode ? _("Exit Maintenance Mode — %s") : _("Enter Maintenance Mode — %s"),
                           ferry_object_get_name_label (FERRY_OBJECT (host)));
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  return self;
}

FerryEvacuateDialog *
ferry_evacuate_dialog_new (FerryWindow *window,
                           FerryHost   *host)
{
  FerryEvacuateDialog *self = dialog_new (window, host, FALSE);

  gtk_button_set_label (self->apply_button, _("_Enter Maintenance Mode"));
  gtk_label_set_text (self->description,
                      _("Every VM leaves this host for the other hosts of the pool, then the host stays disabled. "
                        "A VM that cannot leave says why; fix it here or move it yourself first."));
  build_options (self);
  g_signal_connect_swapped (self->network_row, "notify::selected", G_CALLBACK (build_rows), self);
  build_rows (self);
  preflight (self);
  return self;
}

FerryEvacuateDialog *
ferry_evacuate_dialog_new_exit (FerryWindow *window,
                                FerryHost   *host)
{
  FerryEvacuateDialog *self = dialog_new (window, host, TRUE);

  gtk_label_set_text (self->description,
                      _("The host is enabled again. The VMs that left it for the maintenance can come back."));
  build_exit (self);
  return self;
}

gboolean
ferry_evacuate_dialog_get_busy (FerryEvacuateDialog *self)
{
  g_return_val_if_fail (FERRY_IS_EVACUATE_DIALOG (self), FALSE);
  return self->busy > 0;
}

guint
ferry_evacuate_dialog_get_n_blocked (FerryEvacuateDialog *self)
{
  g_return_val_if_fail (FERRY_IS_EVACUATE_DIALOG (self), 0);
  return self->n_blocked;
}

void
ferry_evacuate_dialog_set_batch_size (FerryEvacuateDialog *self,
                                      guint                size)
{
  g_return_if_fail (FERRY_IS_EVACUATE_DIALOG (self));
  if (self->batch_spin != NULL)
    gtk_spin_button_set_value (self->batch_spin, size);
}

GPtrArray *
ferry_evacuate_dialog_get_jobs (FerryEvacuateDialog *self)
{
  g_return_val_if_fail (FERRY_IS_EVACUATE_DIALOG (self), NULL);
  return self->jobs;
}
