/* ferry-gtk-compat.h: the one place that knows GTK and libadwaita versions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The about dialog: AdwAboutWindow (1.2), AdwAboutDialog from 1.5 on. */
void ferry_gtk_compat_show_about (GtkWindow  *parent,
                                  const char *application_icon,
                                  const char *version);

/* Says @text to assistive technologies without moving the focus:
 * gtk_accessible_announce() from GTK 4.14; before, the text becomes
 * @widget's accessible description, which screen readers read with it. */
void ferry_gtk_compat_announce   (GtkWidget  *widget,
                                  const char *text);

G_END_DECLS
