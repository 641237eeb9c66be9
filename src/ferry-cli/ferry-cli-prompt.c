/* ferry-cli-prompt.c
 *
 * Reads answers from the terminal. While a question waits, Ctrl-C ends
 * the program at once (as it would without ferry-cli's own handler), and
 * the terminal gets its echo back first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-prompt"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ferry-cli-prompt.h"

static struct termios saved_termios;
static volatile sig_atomic_t termios_saved;

static void
on_interrupt (int signum)
{
  if (termios_saved)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);
  signal (signum, SIG_DFL);
  raise (signum);
}

gboolean
ferry_cli_prompt_is_possible (void)
{
  return isatty (STDIN_FILENO);
}

/* One line from standard input, without its newline; NULL at the end. */
static char *
read_line (void)
{
  GString *line = g_string_sized_new (256);
  gboolean any = FALSE;

  for (;;)
    {
      char c;
      ssize_t n = read (STDIN_FILENO, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      any = TRUE;
      if (c == '\n')
        break;
      g_string_append_c (line, c);
    }

  if (!any)
    {
      memset (line->str, 0, line->allocated_len);
      g_string_free (line, TRUE);
      return NULL;
    }
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  /* No reallocation from here on: the secret is never copied. */
  return g_string_free (line, FALSE);
}

static char *
ask (const char *question,
     gboolean    secret)
{
  struct sigaction interrupt = { 0 };
  struct sigaction saved_interrupt;
  struct termios quiet;
  char *answer;

  interrupt.sa_handler = on_interrupt;
  sigemptyset (&interrupt.sa_mask);
  sigaction (SIGINT, &interrupt, &saved_interrupt);

  if (secret && tcgetattr (STDIN_FILENO, &saved_termios) == 0)
    {
      quiet = saved_termios;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      quiet.c_lflag |= ECHONL;
      termios_saved = TRUE;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }

  g_printerr ("%s", question);
  fflush (stderr);
  answer = read_line ();

  if (termios_saved)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);
      termios_saved = FALSE;
    }
  sigaction (SIGINT, &saved_interrupt, NULL);

  if (answer == NULL)
    g_printerr ("\n");
  return answer;
}

char *
ferry_cli_prompt_secret (const char *question)
{
  g_return_val_if_fail (question != NULL, NULL);

  if (!ferry_cli_prompt_is_possible ())
    return NULL;
  return ask (question, TRUE);
}

gboolean
ferry_cli_prompt_yes_no (const char *question)
{
  g_autofree char *answer = NULL;

  g_return_val_if_fail (question != NULL, FALSE);

  if (!ferry_cli_prompt_is_possible ())
    return FALSE;

  answer = ask (question, FALSE);
  if (answer == NULL)
    return FALSE;
  g_strstrip (answer);

  /* Translators: the answers that mean yes, lower case, separated by "|";
   * keep "y|yes" in the list. */
  {
    g_auto(GStrv) yes = g_strsplit (_("y|yes"), "|", -1);
    g_autofree char *folded = g_utf8_strdown (answer, -1);

    return g_strv_contains ((const char * const *) yes, folded) ||
           g_str_equal (folded, "y") || g_str_equal (folded, "yes");
  }
}
