/* ferry-migrate-review-page.c: the last step, review and the final check
 *
 * Shows the plan exactly as it will run: per VM the operation, from → to,
 * each disk → SR and each interface → network with the reason for each;
 * the batch (order, targets, estimated total, the R14 limits; reorder);
 * the compression switch, defaulting to the pool (R2); the estimate of
 * duration and downtime with what it assumes (R28); the warnings and notes
 * of the rules (R11, R26, R27, R31, …); and the server's own pre-check
 * with the exact maps (VM.assert_can_migrate / assert_can_boot_here),
 * which XenCenter never made. The final button is enabled only when the
 * plan has no blocker and the server accepted every VM.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-migrate-review-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-estimate.h"
#include "ferry-flow-rows.h"
#include "ferry-migrate-review-page.h"
#include "ferry-migrate-wizard.h"
#include "ferry-rules.h"
#include "ferry-ui-utils.h"

struct _FerryMigrateReviewPage
{
  FerryWizardPage  parent_instance;

  GtkBox          *content;
  GtkSwitch       *compression;
  GtkWidget       *precheck_group;
  GCancellable    *cancellable;
  guint            n_pending;
  guint            n_refused;
  guint            n_errors;
  gboolean         compression_set;   /* the user touched the switch */
};

G_DEFINE_FINAL_TYPE (FerryMigrateReviewPage, ferry_migrate_review_page, FERRY_TYPE_WIZARD_PAGE)

static void rebuild (FerryMigrateReviewPage *self);

static FerryMigrateWizard *
get_wizard (FerryMigrateReviewPage *self)
{
  return FERRY_MIGRATE_WIZARD (ferry_wizard_page_get_wizard (FERRY_WIZARD_PAGE (self)));
}

static void
update_complete (FerryMigrateReviewPage *self)
{
  FerryPlan *plan = ferry_migrate_wizard_get_plan (get_wizard (self), NULL);

  ferry_wizard_page_set_complete (FERRY_WIZARD_PAGE (self),
                                  plan != NULL && ferry_plan_get_n_blocked (plan) == 0 &&
                                  self->n_pending == 0 && self->n_refused == 0 && self->n_errors == 0);
}

/* Returns the pool's default (R2). */
static gboolean
apply_compression (FerryMigrateReviewPage *self,
                   FerryPlan              *plan)
{
  gboolean pool_default;

  ferry_plan_set_compression (plan, FERRY_COMPRESSION_POOL_DEFAULT);
  pool_default = ferry_plan_get_effective_compression (plan);
  if (!self->compression_set)
    return pool_default;
  /* R2: an override only when it differs from the pool's setting. */
  if (gtk_switch_get_active (self->compression) != pool_default)
    ferry_plan_set_compression (plan, gtk_switch_get_active (self->compression) ? FERRY_COMPRESSION_ON
                                                                                : FERRY_COMPRESSION_OFF);
  return pool_default;
}

static void
on_compression_cb (GtkSwitch              *sw,
                   GParamSpec             *pspec,
                   FerryMigrateReviewPage *self)
{
  FerryPlan *plan = ferry_migrate_wizard_get_plan (get_wizard (self), NULL);

  self->compression_set = TRUE;
  if (plan != NULL)
    apply_compression (self, plan);
}

static const char *
operation_text (FerryOperation op)
{
  return ferry_operation_get_title (op);
}

/* A relay move (ferry-relay.h): the VM goes through this computer, with
 * what that means. @vm_name: (nullable): a prefix for the pre-check. */
static GtkWidget *
relay_row (const char    *vm_name,
           FerryPlanItem *item)
{
  g_autofree char *title = vm_name ? g_strdup_printf (_("%s: through this computer"), vm_name)
                                   : g_strdup (_("Through this computer"));
  GtkWidget *row = ferry_info_row_new (title, ferry_plan_item_get_relay_text (item), "computer-symbolic");

  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  return row;
}

static GtkWidget *
item_row (FerryPlan     *plan,
          FerryPlanItem *item)
{
  GtkWidget *expander = adw_expander_row_new ();
  g_autofree char *from = ferry_plan_item_dup_from_text (item);
  g_autofree char *to = ferry_plan_item_dup_to_text (item);
  g_autofree char *subtitle = NULL;
  const FerryEstimate *estimate = ferry_plan_item_get_estimate (item);

  /* Translators: "Storage live migration (O2): prod-host-01 → d-1" */
  subtitle = g_strdup_printf (_("%s (%s): %s → %s"), operation_text (ferry_plan_item_get_operation (item)),
                              ferry_operation_get_id (ferry_plan_item_get_operation (item)), from, to);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), ferry_plan_item_get_vm_name (item));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle);

  if (ferry_plan_item_get_blocker (item) != NULL)
    {
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), ferry_check_row_new (ferry_plan_item_get_blocker (item), NULL));
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
    }
  if (ferry_plan_item_get_relay (item))
    {
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), relay_row (NULL, item));
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
    }

  for (guint d = 0; d < ferry_plan_item_get_n_disks (item); d++)
    {
      const FerryPlanDisk *disk = ferry_plan_item_get_disk (item, d);
      g_autofree char *title = NULL;
      g_autofree char *text = NULL;
      g_autofree char *size = ferry_format_size (disk->virtual_size);

      if (disk->snapshot_of != NULL)
        title = g_strdup_printf (_("Snapshot disk %s (%s)"), disk->vdi_name, size);
      else
        title = g_strdup_printf (_("Disk %s (%s)"), disk->vdi_name, size);
      /* Translators: "Prod-NFS → Dest-NFS · The one SR for all disks" */
      text = g_strdup_printf (_("%s → %s · %s"), disk->from_sr_name ? disk->from_sr_name : "?",
                              disk->to_sr_name ? disk->to_sr_name : _("no SR"), ferry_disk_reason_describe (disk->reason));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), ferry_info_row_new (title, text, "drive-harddisk-symbolic"));
    }

  for (guint v = 0; v < ferry_plan_item_get_n_vifs (item); v++)
    {
      const FerryPlanVif *vif = ferry_plan_item_get_vif (item, v);
      g_autofree char *title = g_strdup_printf (_("Interface %s (%s)"), vif->device, vif->mac ? vif->mac : "");
      g_autofree char *text = g_strdup_printf (_("%s → %s · %s"), vif->from_network_name ? vif->from_network_name : "?",
                                               vif->to_network_name ? vif->to_network_name : _("no network"),
                                               ferry_vif_reason_describe (vif->reason));

      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), ferry_info_row_new (title, text, "network-wired-symbolic"));
    }

  if (ferry_plan_item_get_network_name (item) != NULL &&
      ferry_plan_item_get_operation (item) != FERRY_OPERATION_LIVE_MIGRATE)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (expander),
                              ferry_info_row_new (_("Storage network"), ferry_plan_item_get_network_name (item),
                                                  "network-transmit-receive-symbolic"));
  if (ferry_plan_get_home_server_name (plan) != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (expander),
                              ferry_info_row_new (_("Home server"), ferry_plan_get_home_server_name (plan), "go-home-symbolic"));
  if (estimate != NULL)
    {
      g_autofree char *summary = ferry_estimate_dup_summary (estimate);

      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander),
                                ferry_info_row_new (_("Estimate"), summary, "preferences-system-time-symbolic"));
    }
  return expander;
}

static void
move_vm (FerryMigrateReviewPage *self,
         guint                   from,
         int                     delta)
{
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryMoveRequest *request = ferry_migrate_wizard_get_request (wizard);
  guint n = ferry_move_request_get_n_vms (request);
  g_autoptr(GPtrArray) vms = g_ptr_array_new_with_free_func (g_object_unref);
  int to = (int) from + delta;

  if (to < 0 || to >= (int) n)
    return;
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (vms, g_object_ref (ferry_move_request_get_vm (request, i)));
  {
    gpointer tmp = vms->pdata[from];

    vms->pdata[from] = vms->pdata[to];
    vms->pdata[to] = tmp;
  }
  ferry_move_request_remove_all_vms (request);
  for (guint i = 0; i < n; i++)
    ferry_move_request_add_vm (request, g_ptr_array_index (vms, i));
  ferry_migrate_wizard_request_changed (wizard);
  rebuild (self);
}

static void
on_up_clicked_cb (GtkButton              *button,
                  FerryMigrateReviewPage *self)
{
  move_vm (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "ferry-index")), -1);
}

static void
on_down_clicked_cb (GtkButton              *button,
                    FerryMigrateReviewPage *self)
{
  move_vm (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "ferry-index")), +1);
}

static GtkWidget *
order_button (FerryMigrateReviewPage *self,
              const char             *icon,
              const char             *label,
              guint                   index,
              gboolean                sensitive,
              GCallback               callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (button, sensitive);
  g_object_set_data (G_OBJECT (button), "ferry-index", GUINT_TO_POINTER (index));
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static GtkWidget *
batch_group (FerryMigrateReviewPage *self,
             FerryPlan              *plan,
             const FerryEstimate    *total,
             guint                   parallel)
{
  FerryQueue *queue = ferry_migrate_wizard_get_queue (get_wizard (self));
  guint n = ferry_plan_get_n_items (plan);
  g_autofree char *limits = NULL;
  g_autofree char *description = NULL;
  g_autofree char *estimate = total ? ferry_estimate_dup_summary (total) : g_strdup (_("unknown"));
  GtkWidget *group;

  /* R14: at most 3 migrations of one source pool at once (the queue's
   * pool limit), and xapi's 3 storage migrations per host. */
  limits = g_strdup_printf (_("At most %u of these run at once (R14: %u per source pool; xapi allows %u storage migrations per host); the others wait their turn."),
                            parallel, queue ? ferry_queue_get_pool_limit (queue) : FERRY_QUEUE_DEFAULT_POOL_LIMIT,
                            queue ? ferry_queue_get_host_storage_limit (queue) : FERRY_QUEUE_DEFAULT_HOST_STORAGE_LIMIT);
  /* Translators: the batch: %u VMs, estimated total, then the limits */
  description = g_strdup_printf (ngettext ("%u VM in this order, estimated total %s. %s",
                                           "%u VMs in this order, estimated total %s. %s", n), n, estimate, limits);
  group = ferry_flow_group_new (_("Batch"), description);

  for (guint i = 0; i < n; i++)
    {
      FerryPlanItem *item = ferry_plan_get_item (plan, i);
      g_autofree char *title = g_strdup_printf ("%u. %s", i + 1, ferry_plan_item_get_vm_name (item));
      g_autofree char *to = ferry_plan_item_dup_to_text (item);
      GtkWidget *row = ferry_info_row_new (title, to, NULL);

      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 order_button (self, "go-up-symbolic", _("Move up"), i, i > 0,
                                               G_CALLBACK (on_up_clicked_cb)));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 order_button (self, "go-down-symbolic", _("Move down"), i, i + 1 < n,
                                               G_CALLBACK (on_down_clicked_cb)));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  return group;
}

typedef struct
{
  FerryMigrateReviewPage *self;
  GtkWidget              *row;
  FerryPlanItem          *item;
  char                   *vm_name;
  guint                   generation;
} PreCheck;

static void
pre_check_free (PreCheck *check)
{
  g_object_unref (check->self);
  g_object_unref (check->row);
  g_object_unref (check->item);
  g_free (check->vm_name);
  g_free (check);
}

/* The pools cannot reach each other (CANNOT_CONTACT_HOST …). A halted VM
 * can still go, through this computer: the plan asks for a relay and the
 * page is made again. A VM that runs cannot; its refusal says that shut
 * down it could. Returns the check to show, or NULL after a relay. */
static FerryCheck *
handle_unreachable (FerryMigrateReviewPage *self,
                    PreCheck               *pc,
                    FerryCheck             *check)
{
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryPlan *plan = ferry_migrate_wizard_get_plan (wizard, NULL);

  if (!ferry_check_is_unreachable (check) || !ferry_plan_item_is_cross_pool (pc->item))
    return g_object_ref (check);

  if (g_strcmp0 (ferry_plan_item_get_power_state (pc->item), "halted") == 0 && plan != NULL &&
      ferry_plan_get_relay_mode (plan) == FERRY_RELAY_AUTO)
    {
      ferry_move_request_set_relay (ferry_migrate_wizard_get_request (wizard), FERRY_RELAY_ALWAYS);
      ferry_migrate_wizard_request_changed (wizard);
      return NULL;
    }
  return ferry_check_new_take (ferry_check_get_rule_id (check), ferry_check_get_severity (check),
                               g_strdup (ferry_check_get_message (check)),
                               g_strdup_printf ("%s %s", ferry_check_get_remedy (check) ? ferry_check_get_remedy (check) : "",
                                                ferry_relay_get_shutdown_remedy ()));
}

static void
on_server_checked_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  PreCheck *pc = user_data;
  FerryMigrateReviewPage *self = pc->self;
  g_autoptr(FerryCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *group = self->precheck_group;

  if (!ferry_feasibility_server_check_finish (FERRY_FEASIBILITY_SERVER (object), result, &check, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      pre_check_free (pc);
      return;
    }

  if (pc->generation == ferry_migrate_wizard_get_generation (get_wizard (self)) &&
      gtk_widget_get_parent (pc->row) != NULL && group != NULL)
    {
      GtkWidget *row;

      self->n_pending--;
      if (error != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("%s: the server could not be asked"), pc->vm_name);

          self->n_errors++;
          row = ferry_info_row_new (text, error->message, "dialog-error-symbolic");
        }
      else if (check != NULL)
        {
          g_autofree char *prefix = g_strdup_printf ("%s: ", pc->vm_name);
          g_autoptr(FerryCheck) shown = handle_unreachable (self, pc, check);

          if (shown == NULL)
            {
              /* A relay now: the page is made again for the new plan. */
              pre_check_free (pc);
              rebuild (self);
              return;
            }
          self->n_refused++;
          row = ferry_check_row_new (shown, prefix);
        }
      else
        {
          g_autofree char *text = g_strdup_printf (_("%s: the server accepts the move"), pc->vm_name);

          row = ferry_info_row_new (text, _("Checked with the exact disk and network maps"), "emblem-ok-symbolic");
        }
      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), pc->row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      update_complete (self);
    }
  pre_check_free (pc);
}

static void
on_check_again_cb (FerryMigrateReviewPage *self)
{
  ferry_feasibility_server_invalidate_all (ferry_migrate_wizard_get_server (get_wizard (self)));
  rebuild (self);
}

static void
rebuild (FerryMigrateReviewPage *self)
{
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryQueue *queue = ferry_migrate_wizard_get_queue (wizard);
  g_autoptr(GError) error = NULL;
  FerryPlan *plan = ferry_migrate_wizard_get_plan (wizard, &error);
  g_autoptr(FerryEstimate) total = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  GtkWidget *group, *row, *again;
  guint parallel;
  gboolean pool_default;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->n_pending = self->n_refused = self->n_errors = 0;
  self->precheck_group = NULL;
  ferry_flow_box_clear (self->content);

  if (plan == NULL)
    {
      gtk_box_append (self->content, ferry_info_row_new (_("The plan could not be made"),
                                                         error ? error->message : NULL, "dialog-error-symbolic"));
      update_complete (self);
      return;
    }

  pool_default = apply_compression (self, plan);
  parallel = MIN (ferry_plan_get_n_items (plan), queue ? ferry_queue_get_pool_limit (queue) : FERRY_QUEUE_DEFAULT_POOL_LIMIT);
  if (queue != NULL)
    total = ferry_estimator_estimate_plan (ferry_queue_get_estimator (queue), plan, MAX (parallel, 1));

  /* What happens */
  group = ferry_flow_group_new (_("Summary"), NULL);
  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), item_row (plan, ferry_plan_get_item (plan, i)));
  gtk_box_append (self->content, group);

  if (ferry_plan_get_n_items (plan) > 1)
    gtk_box_append (self->content, batch_group (self, plan, total, parallel));

  /* Options: compression (R2) */
  group = ferry_flow_group_new (_("Options"), NULL);
  row = ferry_info_row_new (_("Compress the migration stream"),
                            pool_default ? _("The pool compresses migrations by default (R2). Faster on slow networks, uses more CPU.")
                                         : _("Off by default in this pool (R2). Faster on slow networks, uses more CPU."),
                            NULL);
  g_signal_handlers_block_by_func (self->compression, on_compression_cb, self);
  if (!self->compression_set)
    gtk_switch_set_active (self->compression, pool_default);
  g_signal_handlers_unblock_by_func (self->compression, on_compression_cb, self);
  if (GTK_IS_BOX (gtk_widget_get_parent (GTK_WIDGET (self->compression))))
    gtk_box_remove (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->compression))), GTK_WIDGET (self->compression));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->compression));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (self->compression));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  gtk_box_append (self->content, group);

  /* The estimate (R28) */
  if (total != NULL)
    {
      g_autofree char *summary = ferry_estimate_dup_summary (total);
      GtkWidget *assumptions = adw_expander_row_new ();

      group = ferry_flow_group_new (_("Estimate"), _("How long it takes and how long each VM pauses (R28)."));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (assumptions), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (assumptions), summary);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (assumptions),
                                     total->learned ? _("Based on earlier moves over this network")
                                                    : _("What it depends on"));
      for (guint i = 0; total->assumptions != NULL && total->assumptions[i] != NULL; i++)
        {
          GtkWidget *line = ferry_info_row_new (total->assumptions[i], NULL, NULL);

          adw_action_row_set_title_lines (ADW_ACTION_ROW (line), 0);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (assumptions), line);
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), assumptions);
      gtk_box_append (self->content, group);
    }

  /* The rules' warnings and notes (R11, R26, R27, R31 …) */
  checks = ferry_rules_check (ferry_migrate_wizard_get_request (wizard), NULL, NULL);
  group = ferry_flow_group_new (_("Warnings and notes"), NULL);
  {
    guint shown = 0;

    for (guint i = 0; i < checks->len; i++)
      {
        FerryCheck *check = g_ptr_array_index (checks, i);
        FerryObject *vm = ferry_check_find_object (check, FERRY_TYPE_VM);
        g_autofree char *prefix = NULL;

        if (ferry_check_get_severity (check) == FERRY_CHECK_SEVERITY_BLOCKER)
          continue;
        if (vm != NULL && ferry_move_request_get_n_vms (ferry_migrate_wizard_get_request (wizard)) > 1)
          prefix = g_strdup_printf ("%s: ", ferry_object_get_name_label (vm));
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), ferry_check_row_new (check, prefix));
        shown++;
      }
    if (shown == 0)
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), ferry_info_row_new (_("Nothing to note"), NULL, NULL));
  }
  gtk_box_append (self->content, group);

  /* The server's pre-check with the exact maps */
  group = ferry_flow_group_new (_("Server pre-check"), NULL);
  again = gtk_button_new_with_mnemonic (_("Check _Again"));
  gtk_widget_add_css_class (again, "flat");
  g_signal_connect_swapped (again, "clicked", G_CALLBACK (on_check_again_cb), self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), again);
  self->precheck_group = group;
  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    {
      FerryPlanItem *item = ferry_plan_get_item (plan, i);
      PreCheck *pc;

      if (ferry_plan_item_get_blocker (item) != NULL)
        {
          g_autofree char *prefix = g_strdup_printf ("%s: ", ferry_plan_item_get_vm_name (item));

          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                     ferry_check_row_new (ferry_plan_item_get_blocker (item), prefix));
          continue;
        }
      /* Through this computer: xapi has nothing to check between the pools. */
      if (ferry_plan_item_get_relay (item))
        {
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                     relay_row (ferry_plan_item_get_vm_name (item), item));
          continue;
        }
      {
        g_autofree char *text = g_strdup_printf (_("%s: asking the server…"), ferry_plan_item_get_vm_name (item));

        row = ferry_info_row_new (text, NULL, "content-loading-symbolic");
      }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      pc = g_new0 (PreCheck, 1);
      pc->self = g_object_ref (self);
      pc->row = g_object_ref (row);
      pc->item = g_object_ref (item);
      pc->vm_name = g_strdup (ferry_plan_item_get_vm_name (item));
      pc->generation = ferry_migrate_wizard_get_generation (wizard);
      self->n_pending++;
      ferry_feasibility_server_check_async (ferry_migrate_wizard_get_server (wizard), plan, item,
                                            self->cancellable, on_server_checked_cb, pc);
    }
  gtk_box_append (self->content, group);
  update_complete (self);
}

static void
ferry_migrate_review_page_enter (FerryWizardPage *page)
{
  rebuild (FERRY_MIGRATE_REVIEW_PAGE (page));
}

static void
ferry_migrate_review_page_leave (FerryWizardPage *page)
{
  FerryMigrateReviewPage *self = FERRY_MIGRATE_REVIEW_PAGE (page);

  g_cancellable_cancel (self->cancellable);
}

static void
ferry_migrate_review_page_dispose (GObject *object)
{
  FerryMigrateReviewPage *self = FERRY_MIGRATE_REVIEW_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->compression);

  G_OBJECT_CLASS (ferry_migrate_review_page_parent_class)->dispose (object);
}

static void
ferry_migrate_review_page_class_init (FerryMigrateReviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FerryWizardPageClass *page_class = FERRY_WIZARD_PAGE_CLASS (klass);

  object_class->dispose = ferry_migrate_review_page_dispose;
  page_class->enter = ferry_migrate_review_page_enter;
  page_class->leave = ferry_migrate_review_page_leave;
}

static void
ferry_migrate_review_page_init (FerryMigrateReviewPage *self)
{
  ferry_wizard_page_set_title (FERRY_WIZARD_PAGE (self), _("Review"));
  self->content = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  ferry_wizard_page_append (FERRY_WIZARD_PAGE (self), GTK_WIDGET (self->content));
  self->compression = g_object_ref_sink (GTK_SWITCH (gtk_switch_new ()));
  gtk_widget_set_valign (GTK_WIDGET (self->compression), GTK_ALIGN_CENTER);
  g_signal_connect (self->compression, "notify::active", G_CALLBACK (on_compression_cb), self);
}

FerryWizardPage *
ferry_migrate_review_page_new (void)
{
  return g_object_new (FERRY_TYPE_MIGRATE_REVIEW_PAGE, NULL);
}
