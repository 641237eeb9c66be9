/* ferry-flow-rows.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-flow-rows"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ferry-flow-rows.h"

static const char *
severity_icon (FerryCheckSeverity severity)
{
  switch (severity)
    {
    case FERRY_CHECK_SEVERITY_BLOCKER:
      return "dialog-error-symbolic";
    case FERRY_CHECK_SEVERITY_WARNING:
      return "dialog-warning-symbolic";
    case FERRY_CHECK_SEVERITY_NONE:
    case FERRY_CHECK_SEVERITY_NOTE:
    default:
      return "dialog-information-symbolic";
    }
}

char *
ferry_check_dup_reason_text (FerryCheck *check)
{
  const char *message = ferry_check_get_message (check);
  const char *remedy = ferry_check_get_remedy (check);
  gboolean stop = message != NULL && *message != '\0' && strchr (".!?", message[strlen (message) - 1]) != NULL;

  if (remedy == NULL || *remedy == '\0')
    return g_strdup (message);
  /* Translators: a reason and what to do about it */
  return g_strdup_printf (stop ? _("%s %s") : _("%s. %s"), message, remedy);
}

void
ferry_check_row_add_rule (AdwActionRow *row,
                          FerryCheck   *check)
{
  const char *rule = ferry_check_get_rule_id (check);
  const char *help = ferry_check_get_help_id (check);
  GtkWidget *suffix;
  GtkWidget *label;

  if (rule == NULL)
    return;

  g_object_set_data_full (G_OBJECT (row), "ferry-rule-id", g_strdup (rule), g_free);

  /* One narrow suffix: the rule ID above its "Learn more" link, so the
   * reason keeps its room. Long IDs (X-HOST-EVACUATE-…) are shortened. */
  suffix = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  label = gtk_label_new (rule);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 14);
  gtk_widget_set_tooltip_text (label, rule);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_box_append (GTK_BOX (suffix), label);

  if (help != NULL)
    {
      g_autofree char *uri = g_strconcat ("help:ferry/", help, NULL);
      GtkWidget *link = gtk_link_button_new_with_label (uri, _("Learn more"));
      g_autofree char *tooltip = g_strdup_printf (_("Open the help page of rule %s"), rule);

      gtk_widget_set_tooltip_text (link, tooltip);
      gtk_widget_add_css_class (link, "caption");
      gtk_box_append (GTK_BOX (suffix), link);
    }
  adw_action_row_add_suffix (row, suffix);
}

GtkWidget *
ferry_check_row_new (FerryCheck *check,
                     const char *prefix)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (severity_icon (ferry_check_get_severity (check)));
  g_autofree char *title = g_strconcat (prefix ? prefix : "", ferry_check_get_message (check), NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  if (ferry_check_get_remedy (check) != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ferry_check_get_remedy (check));
  if (ferry_check_get_severity (check) == FERRY_CHECK_SEVERITY_BLOCKER)
    gtk_widget_add_css_class (icon, "error");
  else if (ferry_check_get_severity (check) == FERRY_CHECK_SEVERITY_WARNING)
    gtk_widget_add_css_class (icon, "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  ferry_check_row_add_rule (ADW_ACTION_ROW (row), check);
  return row;
}

GtkWidget *
ferry_choice_row_new (const char     *title,
                      const char     *subtitle,
                      GtkCheckButton *group,
                      FerryCheck     *refusal)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  gboolean refused = refusal != NULL && ferry_check_get_severity (refusal) == FERRY_CHECK_SEVERITY_BLOCKER;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  /* Named also when refused, where the row does not label it. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  g_object_set_data (G_OBJECT (row), "ferry-choice-check", check);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

  if (refusal != NULL)
    {
      g_autofree char *text = NULL;

      if (refused)
        text = ferry_check_dup_reason_text (refusal);
      else
        text = g_strdup_printf ("%s%s%s", subtitle ? subtitle : "", subtitle ? " — " : "",
                                ferry_check_get_message (refusal));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), g_strstrip (text));
      ferry_check_row_add_rule (ADW_ACTION_ROW (row), refusal);
    }
  else if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  if (refused)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("action-unavailable-symbolic");

      gtk_widget_set_sensitive (check, FALSE);
      gtk_widget_set_tooltip_text (icon, _("Not possible"));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_widget_add_css_class (row, "ferry-refused");
      g_object_set_data (G_OBJECT (row), "ferry-refused", GINT_TO_POINTER (TRUE));
    }
  else
    adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), !refused);

  return row;
}

GtkCheckButton *
ferry_choice_row_get_check (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "ferry-choice-check");
}

void
ferry_choice_row_set_unavailable (GtkWidget  *row,
                                  const char *reason)
{
  GtkWidget *check = GTK_WIDGET (ferry_choice_row_get_check (row));

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reason);
  gtk_widget_set_sensitive (check, FALSE);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), NULL);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data (G_OBJECT (row), "ferry-refused", GINT_TO_POINTER (TRUE));
}

gboolean
ferry_choice_row_get_refused (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "ferry-refused") != NULL;
}

const char *
ferry_flow_row_get_rule_id (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "ferry-rule-id");
}

GtkWidget *
ferry_flow_group_new (const char *title,
                      const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  return group;
}

GtkWidget *
ferry_flow_find_row (GtkWidget  *widget,
                     const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ferry_flow_find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

void
ferry_flow_box_clear (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}
