/* ferry-gtk-compat.c
 *
 * The API is pinned to GTK 4.8 and libadwaita 1.2 (Debian 12). Newer
 * replacements, where a newer library offers them, are used only here,
 * inside version checks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-gtk-compat"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-gtk-compat.h"

void
ferry_gtk_compat_show_about (GtkWindow  *parent,
                             const char *application_icon,
                             const char *version)
{
  const char *developers[] = { _("The Ferry authors"), NULL };
  const char *comments = _("Move virtual machines between XenServer and XCP-ng pools.");

#if ADW_CHECK_VERSION (1, 5, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_show_about_dialog (GTK_WIDGET (parent),
                         "application-name", _("Ferry"),
                         "application-icon", application_icon,
                         "version", version,
                         "comments", comments,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  adw_show_about_window (parent,
                         "application-name", _("Ferry"),
                         "application-icon", application_icon,
                         "version", version,
                         "comments", comments,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
#endif
}

void
ferry_gtk_compat_announce (GtkWidget  *widget,
                           const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

#if GTK_CHECK_VERSION (4, 14, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_accessible_announce (GTK_ACCESSIBLE (widget), text, GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
  G_GNUC_END_IGNORE_DEPRECATIONS
#endif
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}
