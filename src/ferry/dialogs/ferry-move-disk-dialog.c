/* ferry-move-disk-dialog.c: move virtual disks to another SR (F3, O3)
 *
 * The disks, then the SRs of the pool, each with its free space. An SR
 * that cannot take the disks is disabled with the reason: where the disks
 * are now, not reachable from the VM's host, CBT (R7), too small (R35),
 * read-only or detached (the rules' checks, with rule ID and "Learn
 * more"). The chosen SR's warnings follow (R32, R33, R34). Move queues one
 * move per disk; the queue runs at most 3 per host at once (xapi's limit),
 * and each disk shows its own progress.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-move-disk-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-flow-rows.h"
#include "ferry-operation-row.h"
#include "ferry-move-disk-dialog.h"
#include "ferry-rules.h"
#include "ferry-sr.h"
#include "ferry-ui-utils.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

struct _FerryMoveDiskDialog
{
  AdwWindow        parent_instance;

  /* Template widgets */
  GtkButton       *cancel_button;
  GtkButton       *apply_button;
  AdwWindowTitle  *window_title;
  AdwToastOverlay *toast_overlay;
  GtkLabel        *description;
  GtkBox          *body;

  FerryWindow     *window;        /* weak */
  GPtrArray       *vdis;          /* FerryVdi */
  GPtrArray       *vms;           /* FerryVm of each disk, or NULL */
  FerrySr         *selected;      /* weak */
  GtkWidget       *warnings;
  GPtrArray       *jobs;
};

G_DEFINE_FINAL_TYPE (FerryMoveDiskDialog, ferry_move_disk_dialog, ADW_TYPE_WINDOW)

/* The VM using @vdi (snapshots and control domains aside), or NULL. */
static FerryVm *
find_vm (FerryVdi *vdi)
{
  GListModel *vbds = ferry_vdi_get_vbds (vdi);

  for (guint i = 0; i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vm = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vm (vbd));

      if (FERRY_IS_VM (vm) && ferry_vm_is_listed (FERRY_VM (vm)))
        return FERRY_VM (vm);
    }
  return NULL;
}

/* One request per VM with every chosen disk of it going to @sr. */
static GPtrArray *
dup_requests (FerryMoveDiskDialog *self,
              FerrySr             *sr)
{
  GPtrArray *requests = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) by_vm = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < self->vdis->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (self->vms, i);
      FerryMoveRequest *request;

      if (vm == NULL)
        continue;
      request = g_hash_table_lookup (by_vm, vm);
      if (request == NULL)
        {
          request = ferry_move_request_new_for_vm (vm);
          ferry_move_request_set_operation (request, FERRY_OPERATION_MOVE_DISK);
          g_hash_table_insert (by_vm, vm, request);
          g_ptr_array_add (requests, request);
        }
      ferry_move_request_set_vdi_sr (request, g_ptr_array_index (self->vdis, i), sr);
    }
  return requests;
}

/* Every finding of moving the disks to @sr (transfer full). */
static GPtrArray *
dup_findings (FerryMoveDiskDialog *self,
              FerrySr             *sr)
{
  g_autoptr(GPtrArray) requests = dup_requests (self, sr);
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < requests->len; i++)
    {
      g_autoptr(GPtrArray) checks = ferry_rules_check (g_ptr_array_index (requests, i), NULL, NULL);

      for (guint k = 0; k < checks->len; k++)
        g_ptr_array_add (all, g_object_ref (g_ptr_array_index (checks, k)));
    }
  return all;
}

static void
update_warnings (FerryMoveDiskDialog *self)
{
  g_autoptr(GPtrArray) findings = NULL;
  guint shown = 0;

  if (self->warnings != NULL)
    gtk_box_remove (self->body, self->warnings);
  self->warnings = NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.apply", self->selected != NULL && self->jobs == NULL);
  if (self->selected == NULL)
    return;

  findings = dup_findings (self, self->selected);
  self->warnings = ferry_flow_group_new (_("Warnings and notes"), NULL);
  for (guint i = 0; i < findings->len; i++)
    {
      FerryCheck *check = g_ptr_array_index (findings, i);

      if (ferry_check_get_severity (check) == FERRY_CHECK_SEVERITY_BLOCKER)
        continue;
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->warnings), ferry_check_row_new (check, NULL));
      shown++;
    }
  if (shown == 0)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->warnings), ferry_info_row_new (_("Nothing to note"), NULL, NULL));
  gtk_box_append (self->body, self->warnings);
}

static void
on_sr_toggled_cb (GtkCheckButton      *check,
                  FerryMoveDiskDialog *self)
{
  if (!gtk_check_button_get_active (check))
    return;
  g_set_weak_pointer (&self->selected, g_object_get_data (G_OBJECT (check), "ferry-sr"));
  update_warnings (self);
}

static void
build (FerryMoveDiskDialog *self)
{
  FerryCache *cache = ferry_object_get_cache (g_ptr_array_index (self->vdis, 0));
  GListModel *srs = ferry_cache_get_objects (cache, FERRY_TYPE_SR);
  GtkWidget *disks = ferry_flow_group_new (_("Virtual disks"), NULL);
  GtkWidget *targets = ferry_flow_group_new (_("Target SR"), _("Free space is shown after the move."));
  GtkCheckButton *first = NULL;

  for (guint i = 0; i < self->vdis->len; i++)
    {
      FerryVdi *vdi = g_ptr_array_index (self->vdis, i);
      FerryVm *vm = g_ptr_array_index (self->vms, i);
      FerryObject *sr = ferry_object_lookup_ref (FERRY_OBJECT (vdi), ferry_vdi_get_sr (vdi));
      g_autofree char *size = ferry_format_size (ferry_vdi_get_virtual_size (vdi));
      g_autofree char *subtitle = NULL;

      /* Translators: a disk: its size, its SR, its VM */
      subtitle = g_strdup_printf (_("%s on %s · %s"), size, sr ? ferry_object_get_name_label (sr) : "?",
                                  vm ? ferry_object_get_name_label (FERRY_OBJECT (vm)) : _("not attached to a VM"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (disks),
                                 ferry_info_row_new (ferry_object_get_name_label (FERRY_OBJECT (vdi)), subtitle,
                                                     "drive-harddisk-symbolic"));
    }
  gtk_box_append (self->body, disks);

  for (guint i = 0; i < g_list_model_get_n_items (srs); i++)
    {
      g_autoptr(FerrySr) sr = g_list_model_get_item (srs, i);
      g_autoptr(GPtrArray) findings = NULL;
      FerryCheck *blocker = NULL;
      gboolean all_here = TRUE;
      gint64 incoming = 0, free;
      g_autofree char *after = NULL;
      g_autofree char *size = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;
      GtkCheckButton *check;

      if (g_strcmp0 (ferry_sr_get_content_type (sr), "iso") == 0 || ferry_sr_get_is_tools_sr (sr) ||
          g_strcmp0 (ferry_sr_get_sr_type (sr), "iso") == 0 || g_strcmp0 (ferry_sr_get_sr_type (sr), "udev") == 0)
        continue;

      for (guint d = 0; d < self->vdis->len; d++)
        {
          FerryVdi *vdi = g_ptr_array_index (self->vdis, d);

          if (g_strcmp0 (ferry_vdi_get_sr (vdi), ferry_object_get_ref (FERRY_OBJECT (sr))) != 0)
            {
              all_here = FALSE;
              incoming += ferry_vdi_get_virtual_size (vdi);
            }
        }
      free = MAX (0, ferry_sr_get_physical_size (sr) - ferry_sr_get_physical_utilisation (sr));
      after = ferry_format_size (MAX (0, free - incoming));
      size = ferry_format_size (ferry_sr_get_physical_size (sr));
      /* Translators: free space after the move, the SR's size, its type */
      subtitle = g_strdup_printf (_("%s free after the move, of %s · %s %s"), after, size,
                                  ferry_sr_get_shared (sr) ? _("shared") : _("local"), ferry_sr_get_sr_type (sr));

      if (!all_here)
        {
          findings = dup_findings (self, sr);
          for (guint k = 0; k < findings->len && blocker == NULL; k++)
            if (ferry_check_get_severity (g_ptr_array_index (findings, k)) == FERRY_CHECK_SEVERITY_BLOCKER)
              blocker = g_ptr_array_index (findings, k);
        }

      row = ferry_choice_row_new (ferry_object_get_name_label (FERRY_OBJECT (sr)), subtitle, first, blocker);
      check = ferry_choice_row_get_check (row);
      if (all_here)
        ferry_choice_row_set_unavailable (row, _("Current location: the disks are on this SR"));
      g_object_set_data_full (G_OBJECT (check), "ferry-sr", g_object_ref (sr), g_object_unref);
      if (first == NULL)
        first = check;
      g_signal_connect (check, "toggled", G_CALLBACK (on_sr_toggled_cb), self);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (targets), row);
    }
  gtk_box_append (self->body, targets);
  update_warnings (self);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  FerryMoveDiskDialog *self = FERRY_MOVE_DISK_DIALOG (widget);
  FerryQueue *queue = self->window ? ferry_window_get_queue (self->window) : NULL;
  GListModel *connections = self->window ? G_LIST_MODEL (ferry_window_get_manager (self->window)) : NULL;
  GtkWidget *progress;

  if (self->selected == NULL || queue == NULL || self->jobs != NULL)
    return;

  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  progress = ferry_flow_group_new (_("Progress"),
                                   _("Disks move three at a time per host (xapi’s limit); the others wait their turn."));

  /* One plan per disk, so that each disk has its own job and progress. */
  for (guint i = 0; i < self->vdis->len; i++)
    {
      FerryVdi *vdi = g_ptr_array_index (self->vdis, i);
      FerryVm *vm = g_ptr_array_index (self->vms, i);
      g_autoptr(FerryMoveRequest) request = NULL;
      g_autoptr(FerryPlan) plan = NULL;
      g_autoptr(GPtrArray) jobs = NULL;
      g_autoptr(GError) error = NULL;

      if (vm == NULL || g_strcmp0 (ferry_vdi_get_sr (vdi), ferry_object_get_ref (FERRY_OBJECT (self->selected))) == 0)
        continue;
      request = ferry_move_request_new_for_vm (vm);
      ferry_move_request_set_operation (request, FERRY_OPERATION_MOVE_DISK);
      ferry_move_request_set_vdi_sr (request, vdi, self->selected);
      plan = ferry_plan_new (request, connections, NULL, &error);
      if (plan == NULL)
        {
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (progress),
                                     ferry_info_row_new (ferry_object_get_name_label (FERRY_OBJECT (vdi)),
                                                         error->message, "dialog-error-symbolic"));
          continue;
        }
      jobs = ferry_queue_add_plan (queue, plan);
      for (guint k = 0; k < jobs->len; k++)
        {
          /* Translators: a job row: the disk, then its VM */
          g_autofree char *title = g_strdup_printf (_("%s (%s)"), ferry_object_get_name_label (FERRY_OBJECT (vdi)),
                                                    ferry_object_get_name_label (FERRY_OBJECT (vm)));

          g_ptr_array_add (self->jobs, g_object_ref (g_ptr_array_index (jobs, k)));
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (progress),
                                     ferry_operation_row_new (queue, g_ptr_array_index (jobs, k), title));
        }
    }

  ferry_flow_box_clear (self->body);
  self->warnings = NULL;
  gtk_box_append (self->body, progress);
  gtk_label_set_text (self->description, _("The disks are moving. You can close this window; the moves go on and also show in the operations panel."));
  gtk_widget_set_visible (GTK_WIDGET (self->apply_button), FALSE);
  gtk_button_set_label (self->cancel_button, _("_Close"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.apply", FALSE);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->cancel_button));
  gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
}

static void
ferry_move_disk_dialog_dispose (GObject *object)
{
  FerryMoveDiskDialog *self = FERRY_MOVE_DISK_DIALOG (object);

  g_clear_weak_pointer (&self->window);
  g_clear_weak_pointer (&self->selected);

  G_OBJECT_CLASS (ferry_move_disk_dialog_parent_class)->dispose (object);
}

static void
ferry_move_disk_dialog_finalize (GObject *object)
{
  FerryMoveDiskDialog *self = FERRY_MOVE_DISK_DIALOG (object);

  g_clear_pointer (&self->vdis, g_ptr_array_unref);
  g_clear_pointer (&self->vms, g_ptr_array_unref);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);

  G_OBJECT_CLASS (ferry_move_disk_dialog_parent_class)->finalize (object);
}

static void
ferry_move_disk_dialog_class_init (FerryMoveDiskDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_move_disk_dialog_dispose;
  object_class->finalize = ferry_move_disk_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-move-disk-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryMoveDiskDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FerryMoveDiskDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, FerryMoveDiskDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FerryMoveDiskDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FerryMoveDiskDialog, description);
  gtk_widget_class_bind_template_child (widget_class, FerryMoveDiskDialog, body);

  gtk_widget_class_install_action (widget_class, "dialog.apply", NULL, apply_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ferry_move_disk_dialog_init (FerryMoveDiskDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_button_set_label (self->apply_button, _("_Move"));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->apply_button));
}

FerryMoveDiskDialog *
ferry_move_disk_dialog_new (FerryWindow *window,
                            GPtrArray   *vdis)
{
  FerryMoveDiskDialog *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (FERRY_IS_WINDOW (window), NULL);
  g_return_val_if_fail (vdis != NULL && vdis->len > 0, NULL);

  self = g_object_new (FERRY_TYPE_MOVE_DISK_DIALOG, "transient-for", window, NULL);
  g_set_weak_pointer (&self->window, window);
  self->vdis = g_ptr_array_new_with_free_func (g_object_unref);
  self->vms = g_ptr_array_new ();
  for (guint i = 0; i < vdis->len; i++)
    {
      g_ptr_array_add (self->vdis, g_object_ref (g_ptr_array_index (vdis, i)));
      g_ptr_array_add (self->vms, find_vm (g_ptr_array_index (vdis, i)));
    }

  if (vdis->len == 1)
    title = g_strdup_printf (_("Move %s"), ferry_object_get_name_label (g_ptr_array_index (vdis, 0)));
  else
    title = g_strdup_printf (ngettext ("Move %u Virtual Disk", "Move %u Virtual Disks", vdis->len), vdis->len);
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_text (self->description,
                      _("Choose the SR to move the disks to. The VMs keep running where they are (live VDI migration)."));
  build (self);
  return self;
}

GPtrArray *
ferry_move_disk_dialog_get_jobs (FerryMoveDiskDialog *self)
{
  g_return_val_if_fail (FERRY_IS_MOVE_DISK_DIALOG (self), NULL);
  return self->jobs;
}
