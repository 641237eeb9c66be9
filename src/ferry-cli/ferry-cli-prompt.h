/* ferry-cli-prompt.h: questions on the terminal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether standard input is a terminal we may ask on. */
gboolean  ferry_cli_prompt_is_possible (void);
/* Asks on standard error and reads a line from the terminal without
 * echoing it; NULL at end of input. Free with ferry_credentials_free_password(). */
char     *ferry_cli_prompt_secret      (const char *question);
/* Asks a question answered with yes or no; anything but yes is no. */
gboolean  ferry_cli_prompt_yes_no      (const char *question);

G_END_DECLS
