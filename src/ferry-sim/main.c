/* main.c: ferry-sim, a simulator of XenServer and XCP-ng pools
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-main"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

#include "ferry-sim-error.h"
#include "ferry-sim-faults.h"
#include "ferry-sim-world.h"

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static GTlsCertificate *
load_certificate (const char  *cert,
                  const char  *key,
                  GError     **error)
{
  if ((cert == NULL) != (key == NULL))
    {
      g_set_error_literal (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_INVALID,
                           _("--tls-cert and --tls-key go together"));
      return NULL;
    }
  if (cert == NULL)
    return NULL;
  return g_tls_certificate_new_from_files (cert, key, error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FerrySimWorld) world = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *announcement = NULL;
  g_auto(GStrv) scenarios = NULL;
  g_auto(GStrv) state_dbs = NULL;
  g_auto(GStrv) generate = NULL;
  g_autofree char *password = NULL;
  g_autofree char *bind = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_auto(GStrv) faults = NULL;
  double time_scale = 1.0;
  int port = 0;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "scenario", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &scenarios,
      N_("Load pools from a scenario file (default: the demo)"), N_("FILE") },
    { "state-db", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &state_dbs,
      N_("Load a pool from an xapi database dump (xe pool-dump-database)"), N_("FILE") },
    { "generate", 0, 0, G_OPTION_ARG_STRING_ARRAY, &generate,
      N_("Generate a pool, e.g. hosts=64,vms=10000,vdis=20000,seed=1"), N_("SPEC") },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password,
      N_("Password of root on dumps and generated pools (default: demo)"), N_("PASSWORD") },
    { "bind", 0, 0, G_OPTION_ARG_STRING, &bind,
      N_("Address to listen on (default: 127.0.0.1)"), N_("ADDRESS") },
    { "port", 0, 0, G_OPTION_ARG_INT, &port,
      N_("First port; each host takes the next one. 0: a free port per host"), N_("PORT") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      N_("PEM certificate for every host (default: a new self-signed one per host)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
      N_("PEM private key of --tls-cert"), N_("FILE") },
    { "time-scale", 0, 0, G_OPTION_ARG_DOUBLE, &time_scale,
      N_("Simulated seconds per real second, e.g. 100 to run migrations a hundred times faster (default: 1)"),
      N_("FACTOR") },
    { "faults", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &faults,
      N_("Inject the faults of a JSON file once listening (see README.md, “Faults”)"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Simulates XenServer and XCP-ng pools on the real XenAPI wire protocol.\n"
                                  "The first line on standard output is JSON naming every pool and host with its URL."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("ferry-sim: %s\n", error->message);
      return 2;
    }

  if (version)
    {
      g_print ("ferry-sim %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (port < 0 || port > 65535)
    {
      g_printerr ("ferry-sim: %s\n", _("--port must be between 0 and 65535"));
      return 2;
    }

  if (!(time_scale > 0) || time_scale > 1e9)
    {
      g_printerr ("ferry-sim: %s\n", _("--time-scale must be a number above 0"));
      return 2;
    }

  if (password == NULL)
    password = g_strdup ("demo");

  world = ferry_sim_world_new ();
  ferry_sim_world_set_time_scale (world, time_scale);
  if (bind != NULL)
    ferry_sim_world_set_bind_address (world, bind);

  for (guint i = 0; scenarios && scenarios[i]; i++)
    if (!ferry_sim_world_load_scenario (world, scenarios[i], password, &error))
      goto failed;
  for (guint i = 0; state_dbs && state_dbs[i]; i++)
    if (!ferry_sim_world_load_state_db (world, state_dbs[i], password, &error))
      goto failed;
  for (guint i = 0; generate && generate[i]; i++)
    if (!ferry_sim_world_generate (world, generate[i], password, &error))
      goto failed;

  if (ferry_sim_world_get_pools (world)->len == 0)
    {
      g_autofree char *demo = ferry_sim_world_dup_demo_path ();

      if (!ferry_sim_world_load_scenario (world, demo, password, &error))
        goto failed;
    }

  certificate = load_certificate (tls_cert, tls_key, &error);
  if (error != NULL)
    goto failed;
  if (certificate != NULL)
    ferry_sim_world_set_certificate (world, certificate);

  if (!ferry_sim_world_start (world, port, &error))
    goto failed;

  /* After start: faults may name hosts by their addresses. */
  for (guint i = 0; faults && faults[i]; i++)
    if (!ferry_sim_faults_load_file (ferry_sim_world_get_faults (world), faults[i], &error))
      goto failed;

  announcement = ferry_sim_world_dup_announcement (world);
  g_print ("%s\n", announcement);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  ferry_sim_world_stop (world);
  return 0;

failed:
  g_printerr ("ferry-sim: %s\n", error->message);
  return 2;
}
