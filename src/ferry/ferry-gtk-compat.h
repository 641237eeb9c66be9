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

G_END_DECLS
