/* ferry-migrate-storage-page.c: step 3, where the disks go
 *
 * Within a pool, when the destination sees every disk, the default is to
 * leave them where they are (XenCenter's default SR silently turned a live
 * migration into a storage migration). Otherwise "Place all migrated
 * virtual disks on the same SR" (the destination's default SR preselected)
 * or "…on specified SRs", one SR per disk. Each SR shows its free space
 * after the move and is disabled with its reason when it cannot take the
 * disks (R8, R19, R20, R35 and xapi's own checks).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-migrate-storage-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-feasibility.h"
#include "ferry-flow-rows.h"
#include "ferry-migrate-storage-page.h"
#include "ferry-migrate-wizard.h"
#include "ferry-pool.h"
#include "ferry-rules.h"
#include "ferry-sr.h"
#include "ferry-ui-utils.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"

typedef enum
{
  MODE_NONE,
  MODE_LEAVE,
  MODE_SAME,
  MODE_PER_DISK,
} Mode;

struct _FerryMigrateStoragePage
{
  FerryWizardPage  parent_instance;

  GtkBox          *content;
  GtkBox          *targets;
  FerryCache      *built_for;    /* weak */
  FerrySr         *same_sr;      /* weak */
  Mode             mode;
  gboolean         can_leave;
  gboolean         updating;
};

G_DEFINE_FINAL_TYPE (FerryMigrateStoragePage, ferry_migrate_storage_page, FERRY_TYPE_WIZARD_PAGE)

static void rebuild_targets (FerryMigrateStoragePage *self);

static FerryMigrateWizard *
get_wizard (FerryMigrateStoragePage *self)
{
  return FERRY_MIGRATE_WIZARD (ferry_wizard_page_get_wizard (FERRY_WIZARD_PAGE (self)));
}

static FerryCache *
destination_cache (FerryMigrateStoragePage *self)
{
  FerryMoveRequest *request = ferry_migrate_wizard_get_request (get_wizard (self));
  FerryCache *cache = ferry_move_request_get_destination_cache (request);

  return cache ? cache : ferry_move_request_get_source_cache (request);
}

/* Disk SRs of the destination (ISO libraries and the tools SR left out). */
static GPtrArray *
dup_target_srs (FerryCache *cache)
{
  GPtrArray *srs = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model = ferry_cache_get_objects (cache, FERRY_TYPE_SR);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerrySr) sr = g_list_model_get_item (model, i);

      if (g_strcmp0 (ferry_sr_get_content_type (sr), "iso") == 0 || ferry_sr_get_is_tools_sr (sr) ||
          g_strcmp0 (ferry_sr_get_sr_type (sr), "iso") == 0 || g_strcmp0 (ferry_sr_get_sr_type (sr), "udev") == 0)
        continue;
      g_ptr_array_add (srs, g_steal_pointer (&sr));
    }
  return srs;
}

static gint64
sr_free (FerrySr *sr)
{
  return MAX (0, ferry_sr_get_physical_size (sr) - ferry_sr_get_physical_utilisation (sr));
}

static FerryVm *
disk_vm (FerryMoveRequest *request,
         FerryVdi         *vdi)
{
  GListModel *vbds = ferry_vdi_get_vbds (vdi);

  for (guint i = 0; i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);

      for (guint v = 0; v < ferry_move_request_get_n_vms (request); v++)
        if (g_strcmp0 (ferry_object_get_ref (FERRY_OBJECT (ferry_move_request_get_vm (request, v))),
                       ferry_vbd_get_vm (vbd)) == 0)
          return ferry_move_request_get_vm (request, v);
    }
  return NULL;
}

static void
apply (FerryMigrateStoragePage *self)
{
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryMoveRequest *request = ferry_migrate_wizard_get_request (wizard);
  g_autoptr(GPtrArray) disks = ferry_migrate_wizard_dup_disks (wizard);
  gboolean complete = FALSE;

  switch (self->mode)
    {
    case MODE_LEAVE:
      ferry_move_request_set_default_sr (request, NULL);
      for (guint i = 0; i < disks->len; i++)
        ferry_move_request_unset_vdi_sr (request, g_ptr_array_index (disks, i));
      complete = TRUE;
      break;
    case MODE_SAME:
      ferry_move_request_set_default_sr (request, self->same_sr);
      for (guint i = 0; i < disks->len; i++)
        ferry_move_request_unset_vdi_sr (request, g_ptr_array_index (disks, i));
      complete = self->same_sr != NULL;
      break;
    case MODE_PER_DISK:
      ferry_move_request_set_default_sr (request, NULL);
      complete = TRUE;
      for (guint i = 0; i < disks->len; i++)
        {
          FerrySr *sr = NULL;

          if (!ferry_move_request_lookup_vdi_sr (request, g_ptr_array_index (disks, i), &sr) || sr == NULL)
            complete = FALSE;
        }
      break;
    case MODE_NONE:
    default:
      break;
    }

  ferry_wizard_page_set_complete (FERRY_WIZARD_PAGE (self), complete);
  ferry_migrate_wizard_request_changed (wizard);
}

static void
on_mode_toggled_cb (GtkCheckButton          *check,
                    FerryMigrateStoragePage *self)
{
  if (self->updating || !gtk_check_button_get_active (check))
    return;
  self->mode = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (check), "ferry-mode"));
  apply (self);
  rebuild_targets (self);
}

static void
on_same_sr_toggled_cb (GtkCheckButton          *check,
                       FerryMigrateStoragePage *self)
{
  if (self->updating || !gtk_check_button_get_active (check))
    return;
  g_set_weak_pointer (&self->same_sr, g_object_get_data (G_OBJECT (check), "ferry-sr"));
  apply (self);
}

static void
on_disk_sr_toggled_cb (GtkCheckButton          *check,
                       FerryMigrateStoragePage *self)
{
  FerryMoveRequest *request = ferry_migrate_wizard_get_request (get_wizard (self));
  FerryVdi *vdi = g_object_get_data (G_OBJECT (check), "ferry-vdi");
  FerrySr *sr = g_object_get_data (G_OBJECT (check), "ferry-sr");
  AdwExpanderRow *expander = g_object_get_data (G_OBJECT (check), "ferry-expander");

  if (self->updating || !gtk_check_button_get_active (check))
    return;
  ferry_move_request_set_vdi_sr (request, vdi, sr);
  /* Translators: the SR a disk goes to */
  {
    g_autofree char *text = g_strdup_printf (_("To %s"), ferry_object_get_name_label (FERRY_OBJECT (sr)));

    adw_expander_row_set_subtitle (expander, text);
  }
  apply (self);
}

/* "1.2 TiB free after the move, of 2 TiB" */
static char *
dup_space_text (FerrySr *sr,
                gint64   incoming)
{
  g_autofree char *after = ferry_format_size (MAX (0, sr_free (sr) - incoming));
  g_autofree char *size = ferry_format_size (ferry_sr_get_physical_size (sr));
  const char *kind = ferry_sr_get_shared (sr) ? _("shared") : _("local");

  /* Translators: an SR in the list: free space after the move, its size, shared or local, its type */
  return g_strdup_printf (_("%s free after the move, of %s · %s %s"), after, size, kind, ferry_sr_get_sr_type (sr));
}

/* The first blocker of @vdi going to @sr (its VM alone), or a warning. */
static FerryCheck *
dup_disk_refusal (FerryMoveRequest *request,
                  FerryVm          *vm,
                  FerryVdi         *vdi,
                  FerrySr          *sr)
{
  g_autoptr(FerryMoveRequest) copy = ferry_move_request_copy (request);
  g_autoptr(GPtrArray) checks = NULL;
  FerryCheck *warning = NULL;

  ferry_move_request_remove_all_vms (copy);
  ferry_move_request_add_vm (copy, vm);
  ferry_move_request_set_default_sr (copy, NULL);
  ferry_move_request_set_vdi_sr (copy, vdi, sr);
  checks = ferry_rules_check (copy, NULL, NULL);

  for (guint i = 0; i < checks->len; i++)
    {
      FerryCheck *check = g_ptr_array_index (checks, i);
      gboolean concerns = ferry_check_find_object (check, FERRY_TYPE_SR) == (FerryObject *) sr ||
                          ferry_check_find_object (check, FERRY_TYPE_VDI) == (FerryObject *) vdi;

      if (!concerns)
        continue;
      if (ferry_check_get_severity (check) == FERRY_CHECK_SEVERITY_BLOCKER)
        return g_object_ref (check);
      if (ferry_check_get_severity (check) == FERRY_CHECK_SEVERITY_WARNING && warning == NULL)
        warning = check;
    }
  return warning ? g_object_ref (warning) : NULL;
}

static void
build_same_sr (FerryMigrateStoragePage *self)
{
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryMoveRequest *request = ferry_migrate_wizard_get_request (wizard);
  FerryCache *cache = destination_cache (self);
  g_autoptr(GPtrArray) srs = dup_target_srs (cache);
  g_autoptr(GPtrArray) disks = ferry_migrate_wizard_dup_disks (wizard);
  g_autoptr(FerryFeasibility) grid = ferry_feasibility_new (request, NULL, NULL);
  GtkWidget *group = ferry_flow_group_new (_("Target SR"), _("Every disk of the VMs goes to this SR."));
  GtkCheckButton *first = NULL, *to_activate = NULL;
  FerrySr *default_sr = NULL;
  FerryPool *pool = ferry_cache_get_pool (cache);

  if (pool != NULL)
    {
      FerryObject *object = ferry_object_lookup_ref (FERRY_OBJECT (pool), ferry_pool_get_default_sr (pool));

      default_sr = FERRY_IS_SR (object) ? FERRY_SR (object) : NULL;
    }

  for (guint v = 0; v < ferry_move_request_get_n_vms (request); v++)
    ferry_feasibility_add_vm (grid, ferry_move_request_get_vm (request, v));
  for (guint i = 0; i < srs->len; i++)
    ferry_feasibility_add_destination (grid, g_ptr_array_index (srs, i));
  ferry_feasibility_run_local (grid);

  for (guint i = 0; i < srs->len; i++)
    {
      FerrySr *sr = g_ptr_array_index (srs, i);
      FerryCheck *reason = NULL;
      gint64 incoming = 0;
      g_autofree char *space = NULL;
      g_autofree char *title = NULL;
      GtkWidget *row;
      GtkCheckButton *check;
      gboolean ok = TRUE;

      for (guint v = 0; v < ferry_feasibility_get_n_vms (grid); v++)
        {
          FerryCheckSeverity verdict = ferry_feasibility_get_verdict (grid, v, i);

          if (verdict == FERRY_CHECK_SEVERITY_BLOCKER)
            ok = FALSE;
          if (verdict >= FERRY_CHECK_SEVERITY_WARNING && ferry_feasibility_get_reason (grid, v, i) != NULL &&
              (reason == NULL || verdict > ferry_check_get_severity (reason)))
            reason = ferry_feasibility_get_reason (grid, v, i);
        }
      for (guint d = 0; d < disks->len; d++)
        {
          FerryVdi *vdi = g_ptr_array_index (disks, d);

          if (g_strcmp0 (ferry_vdi_get_sr (vdi), ferry_object_get_ref (FERRY_OBJECT (sr))) != 0 ||
              ferry_object_get_cache (FERRY_OBJECT (vdi)) != cache)
            incoming += ferry_vdi_get_virtual_size (vdi);
        }
      space = dup_space_text (sr, incoming);
      title = sr == default_sr ? g_strdup_printf (_("%s (default)"), ferry_object_get_name_label (FERRY_OBJECT (sr)))
                               : g_strdup (ferry_object_get_name_label (FERRY_OBJECT (sr)));
      row = ferry_choice_row_new (title, space, first, reason);
      check = ferry_choice_row_get_check (row);
      g_object_set_data (G_OBJECT (check), "ferry-sr", sr);
      if (first == NULL)
        first = check;
      g_signal_connect (check, "toggled", G_CALLBACK (on_same_sr_toggled_cb), self);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

      if (ok && (sr == self->same_sr || (self->same_sr == NULL && sr == default_sr)))
        to_activate = check;
      else if (ok && to_activate == NULL && self->same_sr == NULL && default_sr == NULL)
        to_activate = check;
    }
  gtk_box_append (self->targets, group);

  if (to_activate != NULL)
    {
      g_set_weak_pointer (&self->same_sr, g_object_get_data (G_OBJECT (to_activate), "ferry-sr"));
      self->updating = TRUE;
      gtk_check_button_set_active (to_activate, TRUE);
      self->updating = FALSE;
    }
  else
    g_clear_weak_pointer (&self->same_sr);
  apply (self);
}

static void
build_per_disk (FerryMigrateStoragePage *self)
{
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryMoveRequest *request = ferry_migrate_wizard_get_request (wizard);
  FerryCache *cache = destination_cache (self);
  g_autoptr(GPtrArray) srs = dup_target_srs (cache);
  g_autoptr(GPtrArray) disks = ferry_migrate_wizard_dup_disks (wizard);
  /* A ref: choosing a disk's SR below makes a new plan. */
  FerryPlan *current_plan = ferry_migrate_wizard_get_plan (wizard, NULL);
  g_autoptr(FerryPlan) plan = current_plan ? g_object_ref (current_plan) : NULL;
  GtkWidget *group = ferry_flow_group_new (_("Target SR of each disk"), NULL);

  for (guint d = 0; d < disks->len; d++)
    {
      FerryVdi *vdi = g_ptr_array_index (disks, d);
      FerryVm *vm = disk_vm (request, vdi);
      FerryObject *current = ferry_object_lookup_ref (FERRY_OBJECT (vdi), ferry_vdi_get_sr (vdi));
      FerrySr *chosen = NULL;
      GtkWidget *expander = adw_expander_row_new ();
      g_autofree char *title = NULL;
      g_autofree char *size = ferry_format_size (ferry_vdi_get_virtual_size (vdi));
      g_autofree char *subtitle = NULL;
      GtkCheckButton *first = NULL, *to_activate = NULL;
      const char *planned_uuid = NULL;

      if (vm == NULL)
        continue;

      /* The plan's choice (what "same name/default SR" would do) preselects. */
      for (guint i = 0; plan != NULL && i < ferry_plan_get_n_items (plan) && planned_uuid == NULL; i++)
        {
          FerryPlanItem *item = ferry_plan_get_item (plan, i);

          for (guint k = 0; k < ferry_plan_item_get_n_disks (item); k++)
            if (g_strcmp0 (ferry_plan_item_get_disk (item, k)->vdi_uuid, ferry_object_get_uuid (FERRY_OBJECT (vdi))) == 0)
              planned_uuid = ferry_plan_item_get_disk (item, k)->to_sr_uuid;
        }
      if (!ferry_move_request_lookup_vdi_sr (request, vdi, &chosen))
        chosen = NULL;

      /* Translators: "web-01 — web-01 disk (40 GiB)" */
      title = g_strdup_printf (_("%s — %s (%s)"), ferry_object_get_name_label (FERRY_OBJECT (vm)),
                               ferry_object_get_name_label (FERRY_OBJECT (vdi)), size);
      subtitle = g_strdup_printf (_("Now on %s"), FERRY_IS_SR (current) ? ferry_object_get_name_label (current) : "?");
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), title);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle);

      for (guint i = 0; i < srs->len; i++)
        {
          FerrySr *sr = g_ptr_array_index (srs, i);
          g_autoptr(FerryCheck) refusal = dup_disk_refusal (request, vm, vdi, sr);
          gboolean same = (FerryObject *) sr == current;
          g_autofree char *space = dup_space_text (sr, same ? 0 : ferry_vdi_get_virtual_size (vdi));
          g_autofree char *row_subtitle = same ? g_strdup_printf (_("Where it is now · %s"), space) : g_strdup (space);
          GtkWidget *row = ferry_choice_row_new (ferry_object_get_name_label (FERRY_OBJECT (sr)), row_subtitle,
                                                 first, refusal);
          GtkCheckButton *check = ferry_choice_row_get_check (row);
          gboolean ok = refusal == NULL || ferry_check_get_severity (refusal) < FERRY_CHECK_SEVERITY_BLOCKER;

          g_object_set_data (G_OBJECT (check), "ferry-sr", sr);
          g_object_set_data (G_OBJECT (check), "ferry-vdi", vdi);
          g_object_set_data (G_OBJECT (check), "ferry-expander", expander);
          if (first == NULL)
            first = check;
          g_signal_connect (check, "toggled", G_CALLBACK (on_disk_sr_toggled_cb), self);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
          if (ok && (sr == chosen ||
                     (chosen == NULL && g_strcmp0 (planned_uuid, ferry_object_get_uuid (FERRY_OBJECT (sr))) == 0)))
            to_activate = check;
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), expander);
      if (to_activate != NULL)
        gtk_check_button_set_active (to_activate, TRUE);
      else
        adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
    }
  gtk_box_append (self->targets, group);
  apply (self);
}

static void
rebuild_targets (FerryMigrateStoragePage *self)
{
  ferry_flow_box_clear (self->targets);
  if (self->mode == MODE_SAME)
    build_same_sr (self);
  else if (self->mode == MODE_PER_DISK)
    build_per_disk (self);
}

static GtkWidget *
mode_row (FerryMigrateStoragePage *self,
          const char              *title,
          const char              *subtitle,
          GtkCheckButton          *group,
          Mode                     mode)
{
  GtkWidget *row = ferry_choice_row_new (title, subtitle, group, NULL);
  GtkCheckButton *check = ferry_choice_row_get_check (row);

  g_object_set_data (G_OBJECT (check), "ferry-mode", GINT_TO_POINTER (mode));
  if (self->mode == mode)
    gtk_check_button_set_active (check, TRUE);
  g_signal_connect (check, "toggled", G_CALLBACK (on_mode_toggled_cb), self);
  return row;
}

static void
ferry_migrate_storage_page_enter (FerryWizardPage *page)
{
  FerryMigrateStoragePage *self = FERRY_MIGRATE_STORAGE_PAGE (page);
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryMoveRequest *request = ferry_migrate_wizard_get_request (wizard);
  FerryCache *cache = destination_cache (self);
  GtkWidget *group, *row;
  GtkCheckButton *first;

  if (cache != self->built_for)
    {
      g_set_weak_pointer (&self->built_for, cache);
      g_clear_weak_pointer (&self->same_sr);
      self->mode = MODE_NONE;
    }

  /* Leaving disks in place is possible only within the pool. */
  self->can_leave = !ferry_move_request_is_cross_pool (request);
  if (self->mode == MODE_NONE || (self->mode == MODE_LEAVE && !self->can_leave))
    self->mode = self->can_leave ? MODE_LEAVE : MODE_SAME;

  self->updating = TRUE;
  ferry_flow_box_clear (self->content);
  group = ferry_flow_group_new (_("Placement"), NULL);
  first = NULL;
  if (self->can_leave)
    {
      row = mode_row (self, _("Leave the virtual disks where they are"),
                      _("Disks on storage the destination sees stay; others go to the pool’s default SR"),
                      NULL, MODE_LEAVE);
      first = ferry_choice_row_get_check (row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  row = mode_row (self, _("Place all migrated virtual disks on the same SR"), NULL, first, MODE_SAME);
  if (first == NULL)
    first = ferry_choice_row_get_check (row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  row = mode_row (self, _("Place migrated virtual disks on specified SRs"), _("Choose an SR for each disk"),
                  first, MODE_PER_DISK);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  gtk_box_append (self->content, group);
  gtk_box_append (self->content, GTK_WIDGET (self->targets));
  self->updating = FALSE;

  apply (self);
  rebuild_targets (self);
}

static void
ferry_migrate_storage_page_dispose (GObject *object)
{
  FerryMigrateStoragePage *self = FERRY_MIGRATE_STORAGE_PAGE (object);

  g_clear_weak_pointer (&self->built_for);
  g_clear_weak_pointer (&self->same_sr);
  g_clear_object (&self->targets);

  G_OBJECT_CLASS (ferry_migrate_storage_page_parent_class)->dispose (object);
}

static void
ferry_migrate_storage_page_class_init (FerryMigrateStoragePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FerryWizardPageClass *page_class = FERRY_WIZARD_PAGE_CLASS (klass);

  object_class->dispose = ferry_migrate_storage_page_dispose;
  page_class->enter = ferry_migrate_storage_page_enter;
}

static void
ferry_migrate_storage_page_init (FerryMigrateStoragePage *self)
{
  ferry_wizard_page_set_title (FERRY_WIZARD_PAGE (self), _("Storage"));
  self->content = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  self->targets = g_object_ref_sink (GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18)));
  ferry_wizard_page_append (FERRY_WIZARD_PAGE (self), GTK_WIDGET (self->content));
}

FerryWizardPage *
ferry_migrate_storage_page_new (void)
{
  return g_object_new (FERRY_TYPE_MIGRATE_STORAGE_PAGE, NULL);
}
