/* ferry-migrate-destination-page.c: step 1, the pool or standalone host
 *
 * Every connected pool and standalone host, each with its live eligibility
 * for all the VMs (the local rules, re-read while the page shows); a
 * refused one says why, with the rule and a "Learn more" link. "Add
 * server…" opens the connect dialog (win.connect) without leaving.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-migrate-destination-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cache.h"
#include "ferry-feasibility.h"
#include "ferry-flow-rows.h"
#include "ferry-host-metrics.h"
#include "ferry-migrate-destination-page.h"
#include "ferry-migrate-wizard.h"
#include "ferry-pool.h"
#include "ferry-ui-utils.h"

#define REFRESH_SECONDS 5

struct _FerryMigrateDestinationPage
{
  FerryWizardPage  parent_instance;

  GtkBox          *content;
  FerryCache      *selected;      /* weak: the chosen destination's cache */
  GListModel      *connections;
  guint            refresh_id;
  gboolean         initialised;
  char            *signature;     /* what the rows showed last */
};

G_DEFINE_FINAL_TYPE (FerryMigrateDestinationPage, ferry_migrate_destination_page, FERRY_TYPE_WIZARD_PAGE)

static FerryMigrateWizard *
get_wizard (FerryMigrateDestinationPage *self)
{
  return FERRY_MIGRATE_WIZARD (ferry_wizard_page_get_wizard (FERRY_WIZARD_PAGE (self)));
}

static void refresh (FerryMigrateDestinationPage *self);

static void
select_cache (FerryMigrateDestinationPage *self,
              FerryCache                  *cache)
{
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryMoveRequest *request = ferry_migrate_wizard_get_request (wizard);

  if (ferry_move_request_get_destination_cache (request) != cache ||
      ferry_move_request_get_destination_host (request) == NULL)
    {
      gboolean changed = ferry_move_request_get_destination_cache (request) != cache;

      ferry_move_request_set_destination_pool (request, cache);
      if (changed)
        ferry_migrate_wizard_reset_choices (wizard);
    }
  g_set_weak_pointer (&self->selected, cache);
  ferry_wizard_page_set_complete (FERRY_WIZARD_PAGE (self), cache != NULL);
  ferry_migrate_wizard_request_changed (wizard);
}

static void
on_choice_toggled_cb (GtkCheckButton              *check,
                      FerryMigrateDestinationPage *self)
{
  if (gtk_check_button_get_active (check))
    select_cache (self, g_object_get_data (G_OBJECT (check), "ferry-cache"));
}

static gint64
pool_free_memory (FerryCache *cache,
                  guint      *n_hosts)
{
  GListModel *hosts = ferry_cache_get_objects (cache, FERRY_TYPE_HOST);
  gint64 free = 0;

  *n_hosts = g_list_model_get_n_items (hosts);
  for (guint i = 0; i < *n_hosts; i++)
    {
      g_autoptr(FerryHost) host = g_list_model_get_item (hosts, i);
      FerryObject *metrics = ferry_object_lookup_ref (FERRY_OBJECT (host), ferry_host_get_metrics (host));

      if (FERRY_IS_HOST_METRICS (metrics))
        free += ferry_host_metrics_get_memory_free (FERRY_HOST_METRICS (metrics));
    }
  return free;
}

/* The first blocker (else warning) of any VM for the pool column @d. */
static FerryCheck *
find_reason (FerryFeasibility *grid,
             guint             d,
             char            **prefix)
{
  FerryCheck *warning = NULL;
  guint warning_vm = 0;

  for (guint v = 0; v < ferry_feasibility_get_n_vms (grid); v++)
    {
      FerryCheckSeverity verdict = ferry_feasibility_get_verdict (grid, v, d);
      FerryCheck *reason = ferry_feasibility_get_reason (grid, v, d);

      if (verdict == FERRY_CHECK_SEVERITY_BLOCKER && reason != NULL)
        {
          if (ferry_feasibility_get_n_vms (grid) > 1)
            *prefix = g_strdup_printf ("%s: ", ferry_object_get_name_label (FERRY_OBJECT (ferry_feasibility_get_vm (grid, v))));
          return reason;
        }
      if (verdict == FERRY_CHECK_SEVERITY_WARNING && warning == NULL)
        {
          warning = reason;
          warning_vm = v;
        }
    }
  if (warning != NULL && ferry_feasibility_get_n_vms (grid) > 1)
    *prefix = g_strdup_printf ("%s: ", ferry_object_get_name_label (FERRY_OBJECT (ferry_feasibility_get_vm (grid, warning_vm))));
  return warning;
}

static void
on_add_server_cb (AdwActionRow                *row,
                  FerryMigrateDestinationPage *self)
{
  FerryWindow *window = ferry_migrate_wizard_get_window (get_wizard (self));

  if (window != NULL)
    {
      /* win.connect's dialog, above the wizard */
      GtkWindow *dialog = ferry_window_show_connect (window, NULL);

      gtk_window_set_transient_for (dialog, GTK_WINDOW (get_wizard (self)));
      gtk_window_set_modal (dialog, TRUE);
    }
}

static void
refresh (FerryMigrateDestinationPage *self)
{
  FerryMigrateWizard *wizard = get_wizard (self);
  FerryMoveRequest *request;
  GListModel *connections;
  g_autoptr(FerryFeasibility) grid = NULL;
  g_autoptr(GPtrArray) caches = g_ptr_array_new ();
  GtkWidget *group, *add_row;
  GtkCheckButton *first = NULL;
  gboolean selected_ok = FALSE;
  g_autoptr(GString) signature = NULL;
  FerryCache *source;

  if (wizard == NULL)
    return;

  request = ferry_migrate_wizard_get_request (wizard);
  connections = ferry_migrate_wizard_get_connections (wizard);
  source = ferry_move_request_get_source_cache (request);

  if (!self->initialised)
    {
      FerryHost *host = ferry_migrate_wizard_get_preselected_host (wizard);

      self->initialised = TRUE;
      if (host != NULL)
        g_set_weak_pointer (&self->selected, ferry_object_get_cache (FERRY_OBJECT (host)));
    }

  grid = ferry_feasibility_new (NULL, NULL, NULL);
  for (guint v = 0; v < ferry_move_request_get_n_vms (request); v++)
    ferry_feasibility_add_vm (grid, ferry_move_request_get_vm (request, v));

  for (guint i = 0; connections != NULL && i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (connections, i);
      FerryCache *cache = ferry_connection_get_cache (connection);

      if (ferry_connection_get_state (connection) != FERRY_CONNECTION_STATE_CONNECTED ||
          cache == NULL || !ferry_cache_get_populated (cache) || ferry_cache_get_pool (cache) == NULL)
        continue;
      g_ptr_array_add (caches, cache);
      g_object_set_data (G_OBJECT (cache), "ferry-connection", connection);
      ferry_feasibility_add_destination (grid, ferry_cache_get_pool (cache));
    }
  ferry_feasibility_run_local (grid);

  group = ferry_flow_group_new (_("Connected servers"), NULL);
  g_object_ref_sink (group);
  signature = g_string_new (NULL);

  for (guint d = 0; d < caches->len; d++)
    {
      FerryCache *cache = g_ptr_array_index (caches, d);
      FerryConnection *connection = g_object_get_data (G_OBJECT (cache), "ferry-connection");
      g_autofree char *prefix = NULL;
      FerryCheck *reason = find_reason (grid, d, &prefix);
      gboolean refused = reason != NULL && ferry_check_get_severity (reason) == FERRY_CHECK_SEVERITY_BLOCKER;
      guint n_hosts = 0;
      gint64 free = pool_free_memory (cache, &n_hosts);
      g_autofree char *free_text = ferry_format_size (free);
      g_autofree char *subtitle = NULL;
      g_autoptr(FerryCheck) shown = NULL;
      GtkWidget *row;
      GtkCheckButton *check;

      if (ferry_connection_get_standalone_host (connection) != NULL)
        /* Translators: a standalone host in the destination list */
        subtitle = g_strdup_printf (_("Standalone host · %s free memory"), free_text);
      else
        subtitle = g_strdup_printf (ngettext ("Pool of %u host · %s free memory",
                                              "Pool of %u hosts · %s free memory", n_hosts), n_hosts, free_text);
      if (cache == source)
        {
          g_autofree char *old = g_steal_pointer (&subtitle);

          subtitle = g_strdup_printf (_("%s · the VMs’ own pool"), old);
        }

      if (reason != NULL)
        shown = ferry_check_new (ferry_check_get_rule_id (reason), ferry_check_get_severity (reason),
                                 g_strconcat (prefix ? prefix : "", ferry_check_get_message (reason), NULL),
                                 ferry_check_get_remedy (reason));
      row = ferry_choice_row_new (ferry_connection_get_title (connection), subtitle, first, shown);
      check = ferry_choice_row_get_check (row);
      g_object_set_data (G_OBJECT (check), "ferry-cache", cache);
      if (first == NULL)
        first = check;
      if (cache == self->selected && !refused)
        {
          gtk_check_button_set_active (check, TRUE);
          selected_ok = TRUE;
        }
      g_signal_connect (check, "toggled", G_CALLBACK (on_choice_toggled_cb), self);
      g_string_append_printf (signature, "%p|%s|%s|%d;", cache, subtitle,
                              shown ? ferry_check_get_message (shown) : "", refused);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  if (caches->len == 0)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               ferry_info_row_new (_("No connected server"), _("Add a server to migrate to."), NULL));

  add_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (add_row), _("Add server…"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (add_row), _("Connect to another pool or standalone host"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (add_row), gtk_image_new_from_icon_name ("list-add-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (add_row), TRUE);
  g_signal_connect (add_row, "activated", G_CALLBACK (on_add_server_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), add_row);

  /* Rebuild only when something changed: keeps the keyboard focus. */
  if (g_strcmp0 (signature->str, self->signature) != 0 || gtk_widget_get_first_child (GTK_WIDGET (self->content)) == NULL)
    {
      g_free (self->signature);
      self->signature = g_strdup (signature->str);
      ferry_flow_box_clear (self->content);
      gtk_box_append (self->content, group);
    }
  g_object_unref (group);

  if (!selected_ok)
    {
      g_clear_weak_pointer (&self->selected);
      ferry_wizard_page_set_complete (FERRY_WIZARD_PAGE (self), FALSE);
    }
  else if (ferry_move_request_get_destination_cache (request) != self->selected)
    select_cache (self, self->selected);
  else
    ferry_wizard_page_set_complete (FERRY_WIZARD_PAGE (self), TRUE);
}

static gboolean
on_refresh_cb (gpointer data)
{
  FerryMigrateDestinationPage *self = data;

  /* Live eligibility: free memory, enabled hosts and versions change. */
  if (!ferry_wizard_get_busy (FERRY_WIZARD (get_wizard (self))))
    refresh (self);
  return G_SOURCE_CONTINUE;
}

static void
on_connections_changed_cb (FerryMigrateDestinationPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh (self);
}

static void
ferry_migrate_destination_page_enter (FerryWizardPage *page)
{
  FerryMigrateDestinationPage *self = FERRY_MIGRATE_DESTINATION_PAGE (page);
  GListModel *connections = ferry_migrate_wizard_get_connections (get_wizard (self));

  if (self->connections == NULL && connections != NULL)
    {
      self->connections = g_object_ref (connections);
      g_signal_connect_object (connections, "items-changed", G_CALLBACK (on_connections_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
  refresh (self);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, on_refresh_cb, self);
}

static void
ferry_migrate_destination_page_leave (FerryWizardPage *page)
{
  FerryMigrateDestinationPage *self = FERRY_MIGRATE_DESTINATION_PAGE (page);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
}

static void
ferry_migrate_destination_page_dispose (GObject *object)
{
  FerryMigrateDestinationPage *self = FERRY_MIGRATE_DESTINATION_PAGE (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_weak_pointer (&self->selected);
  g_clear_object (&self->connections);
  g_clear_pointer (&self->signature, g_free);

  G_OBJECT_CLASS (ferry_migrate_destination_page_parent_class)->dispose (object);
}

static void
ferry_migrate_destination_page_class_init (FerryMigrateDestinationPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FerryWizardPageClass *page_class = FERRY_WIZARD_PAGE_CLASS (klass);

  object_class->dispose = ferry_migrate_destination_page_dispose;
  page_class->enter = ferry_migrate_destination_page_enter;
  page_class->leave = ferry_migrate_destination_page_leave;
}

static void
ferry_migrate_destination_page_init (FerryMigrateDestinationPage *self)
{
  ferry_wizard_page_set_title (FERRY_WIZARD_PAGE (self), _("Destination"));
  ferry_wizard_page_set_description (FERRY_WIZARD_PAGE (self),
                                     _("Choose the pool or standalone host to move the VMs to. "
                                       "A destination that cannot take them says why."));
  self->content = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  ferry_wizard_page_append (FERRY_WIZARD_PAGE (self), GTK_WIDGET (self->content));
}

FerryWizardPage *
ferry_migrate_destination_page_new (void)
{
  return g_object_new (FERRY_TYPE_MIGRATE_DESTINATION_PAGE, NULL);
}
