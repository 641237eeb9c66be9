/* ferry-cli-context.c
 *
 * The state of one ferry-cli run: the global options, where passwords
 * come from (never argv), how certificates are trusted (as in the app:
 * a first-contact certificate needs --trust-fingerprint or a yes on the
 * terminal, a changed one is refused), the saved servers and the
 * connections the subcommand works with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-context"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ferry-cli-context.h"
#include "ferry-cli-objects.h"
#include "ferry-cli-output.h"
#include "ferry-cli-prompt.h"
#include "ferry-credentials.h"
#include "ferry-error.h"
#include "ferry-sim-thread.h"
#include "ferry-trust.h"

#define DEMO_USER     "root"
#define DEMO_PASSWORD "demo"

struct _FerryCliContext
{
  GObject                 parent_instance;

  char                   *command;

  /* Options */
  GPtrArray              *servers;
  char                   *user;
  char                   *password_file;
  char                   *trust_fingerprint;
  gboolean                demo;
  gboolean                json;
  gboolean                json_in_argv;  /* GOption resets --json when an option is wrong */
  gboolean                no_color;
  int                     timeout;     /* seconds per call; 0: the engine's */

  /* Owned References */
  FerryConnectionManager *manager;
  GKeyFile               *saved;
  FerrySimThread         *sim;
  GPtrArray              *demo_connections;
  GPtrArray              *opened;
  GPtrArray              *connections;
  FerryHistory           *history;
  char                   *demo_directory;  /* the demo's journal */

  /* The last certificate that was not trusted, for messages and JSON. */
  char                   *refused_host;
  char                   *refused_fingerprint;
  char                   *pinned_fingerprint;
};

G_DEFINE_FINAL_TYPE (FerryCliContext, ferry_cli_context, G_TYPE_OBJECT)

G_DEFINE_QUARK (ferry-cli-error-quark, ferry_cli_error)

static void
ferry_cli_context_finalize (GObject *object)
{
  FerryCliContext *self = (FerryCliContext *)object;

  g_free (self->command);
  g_ptr_array_unref (self->servers);
  g_free (self->user);
  g_free (self->password_file);
  g_free (self->trust_fingerprint);
  g_clear_pointer (&self->connections, g_ptr_array_unref);
  g_clear_pointer (&self->opened, g_ptr_array_unref);
  g_clear_pointer (&self->demo_connections, g_ptr_array_unref);
  g_clear_object (&self->manager);
  g_clear_pointer (&self->saved, g_key_file_unref);
  g_clear_pointer (&self->sim, ferry_sim_thread_stop);
  g_clear_object (&self->history);
  if (self->demo_directory != NULL)
    {
      g_autofree char *path = g_build_filename (self->demo_directory, "history.jsonl", NULL);

      g_unlink (path);
      g_rmdir (self->demo_directory);
      g_free (self->demo_directory);
    }
  g_free (self->refused_host);
  g_free (self->refused_fingerprint);
  g_free (self->pinned_fingerprint);

  G_OBJECT_CLASS (ferry_cli_context_parent_class)->finalize (object);
}

static void
ferry_cli_context_class_init (FerryCliContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_cli_context_finalize;
}

static void
ferry_cli_context_init (FerryCliContext *self)
{
  self->servers = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->servers, NULL);
  self->opened = g_ptr_array_new_with_free_func (g_object_unref);
}

FerryCliContext *
ferry_cli_context_new (void)
{
  return g_object_new (FERRY_CLI_TYPE_CONTEXT, NULL);
}

/* Options */

static gboolean
on_server_option_cb (const char  *name,
                     const char  *value,
                     gpointer     data,
                     GError     **error)
{
  FerryCliContext *self = data;

  /* Keep the array NULL-terminated. */
  g_ptr_array_insert (self->servers, self->servers->len - 1, g_strdup (value));
  return TRUE;
}

static gboolean
on_string_option_cb (const char  *name,
                     const char  *value,
                     gpointer     data,
                     GError     **error)
{
  FerryCliContext *self = data;

  if (g_str_equal (name, "--user"))
    {
      g_free (self->user);
      self->user = g_strdup (value);
    }
  else if (g_str_equal (name, "--password-file"))
    {
      g_free (self->password_file);
      self->password_file = g_strdup (value);
    }
  else if (g_str_equal (name, "--trust-fingerprint"))
    {
      g_free (self->trust_fingerprint);
      self->trust_fingerprint = g_strdup (value);
    }
  return TRUE;
}

/* There is no --password: a password in argv is visible to every user of
 * the machine (ps, /proc) and stays in the shell's history. The value is
 * swallowed here, so that no message repeats it. */
static gboolean
on_password_option_cb (const char  *name,
                       const char  *value,
                       gpointer     data,
                       GError     **error)
{
  g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
               _("Passwords are never taken from the command line, where other users can see them. "
                 "Use the keyring (ferry-cli servers add), FERRY_PASSWORD or --password-file FILE"));
  return FALSE;
}

GOptionGroup *
ferry_cli_context_new_option_group (FerryCliContext *self)
{
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_CALLBACK, (gpointer) on_server_option_cb,
      N_("The server to use: a saved one (address or pool name) or any address; repeat for several. "
         "Default: every saved server"), N_("SERVER") },
    { "user", 'u', 0, G_OPTION_ARG_CALLBACK, (gpointer) on_string_option_cb,
      N_("The user to log in as (default: root)"), N_("USER") },
    { "password-file", 0, G_OPTION_FLAG_FILENAME, G_OPTION_ARG_CALLBACK, (gpointer) on_string_option_cb,
      N_("Read the password from the first line of FILE (- for standard input)"), N_("FILE") },
    { "trust-fingerprint", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) on_string_option_cb,
      N_("Trust a server’s certificate on first contact if its SHA-256 fingerprint is this"), N_("SHA256") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &self->demo,
      N_("Use the built-in simulator (pools Production and Lab, host legacy-01)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &self->json,
      N_("Print one JSON document (see ferry-cli(1), JSON OUTPUT)"), NULL },
    { "no-color", 0, 0, G_OPTION_ARG_NONE, &self->no_color,
      N_("Never use colours"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &self->timeout,
      N_("Give up on a server that has not answered a call within SECONDS (default: 60)"), N_("SECONDS") },
    { "password", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_CALLBACK, (gpointer) on_password_option_cb,
      NULL, NULL },
    { NULL }
  };
  GOptionGroup *group;

  group = g_option_group_new ("global", _("Global options:"), _("Show the global options"),
                              g_object_ref (self), g_object_unref);
  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  return group;
}

void
ferry_cli_context_scan_argv (FerryCliContext  *self,
                             int               argc,
                             char            **argv)
{
  g_return_if_fail (FERRY_CLI_IS_CONTEXT (self));

  /* GOption undoes every option when one is wrong; the error is still
   * wanted as JSON. */
  for (int i = 1; i < argc && g_strcmp0 (argv[i], "--") != 0; i++)
    if (g_strcmp0 (argv[i], "--json") == 0)
      self->json_in_argv = TRUE;
}

gboolean
ferry_cli_context_validate (FerryCliContext  *self,
                            GError          **error)
{
  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), FALSE);

  if (self->trust_fingerprint != NULL)
    {
      g_autofree char *normal = ferry_fingerprint_normalize (self->trust_fingerprint);

      if (normal == NULL)
        {
          g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                       _("--trust-fingerprint: “%s” is not a SHA-256 fingerprint (64 hexadecimal digits)"),
                       self->trust_fingerprint);
          return FALSE;
        }
      g_free (self->trust_fingerprint);
      self->trust_fingerprint = g_steal_pointer (&normal);
    }

  if (self->user != NULL && self->user[0] == '\0')
    {
      g_set_error_literal (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("--user must not be empty"));
      return FALSE;
    }

  return TRUE;
}

const char *
ferry_cli_context_get_command (FerryCliContext *self)
{
  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), NULL);
  return self->command;
}

void
ferry_cli_context_set_command (FerryCliContext *self,
                               const char      *command)
{
  g_return_if_fail (FERRY_CLI_IS_CONTEXT (self));
  g_free (self->command);
  self->command = g_strdup (command);
}

gboolean
ferry_cli_context_get_json (FerryCliContext *self)
{
  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), FALSE);
  return self->json || self->json_in_argv;
}

gboolean
ferry_cli_context_get_color (FerryCliContext *self)
{
  const char *term = g_getenv ("TERM");

  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), FALSE);

  if (self->no_color || ferry_cli_context_get_json (self) || g_getenv ("NO_COLOR") != NULL)
    return FALSE;
  if (term == NULL || g_str_equal (term, "dumb"))
    return FALSE;
  return isatty (STDOUT_FILENO);
}

gboolean
ferry_cli_context_get_demo (FerryCliContext *self)
{
  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), FALSE);
  return self->demo;
}

gboolean
ferry_cli_context_get_interactive (FerryCliContext *self)
{
  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), FALSE);

  /* Standard input carries the password then. */
  if (g_strcmp0 (self->password_file, "-") == 0)
    return FALSE;
  return ferry_cli_prompt_is_possible ();
}

const char *
ferry_cli_context_get_user (FerryCliContext *self)
{
  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), NULL);
  return self->user;
}

const char * const *
ferry_cli_context_get_servers (FerryCliContext *self)
{
  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), NULL);
  return (const char * const *) self->servers->pdata;
}

/* Passwords */

static char *
read_password_file (const char  *path,
                    GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  char *end;
  char *password;

  if (g_str_equal (path, "-"))
    {
      GString *text = g_string_sized_new (256);
      char buffer[256];
      size_t n;

      while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
        g_string_append_len (text, buffer, (gssize) n);
      memset (buffer, 0, sizeof buffer);
      length = text->len;
      contents = g_string_free (text, FALSE);
    }
  else if (!g_file_get_contents (path, &contents, &length, error))
    {
      g_prefix_error (error, "%s", _("Could not read the password file: "));
      return NULL;
    }

  end = strpbrk (contents, "\r\n");
  password = g_strndup (contents, end != NULL ? (gsize) (end - contents) : strlen (contents));
  memset (contents, 0, length);

  if (password[0] == '\0')
    {
      ferry_credentials_free_password (password);
      g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NO_PASSWORD,
                   _("The password file %s is empty"), path);
      return NULL;
    }
  return password;
}

char *
ferry_cli_context_dup_password (FerryCliContext  *self,
                                const char       *address,
                                const char       *user,
                                gboolean          use_keyring,
                                GError          **error)
{
  const char *env;

  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (user != NULL, NULL);

  if (self->password_file != NULL)
    return read_password_file (self->password_file, error);

  env = g_getenv ("FERRY_PASSWORD");
  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  if (use_keyring)
    {
      g_autoptr(GError) local_error = NULL;
      char *password = ferry_credentials_lookup_sync (address, user, NULL, &local_error);

      if (password != NULL)
        return password;
      if (local_error != NULL)
        g_debug ("No password from the keyring: %s", local_error->message);
    }

  if (ferry_cli_context_get_interactive (self))
    {
      /* Translators: the prompt for a password; "root@192.0.2.10" */
      g_autofree char *question = g_strdup_printf (_("Password for %s@%s: "), user, address);
      char *password = ferry_cli_prompt_secret (question);

      if (password != NULL)
        return password;
    }

  g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NO_PASSWORD,
               _("No password for %s on %s: save it with “ferry-cli servers add”, "
                 "or set FERRY_PASSWORD, or use --password-file"),
               user, address);
  return NULL;
}

void
ferry_cli_context_add_server (FerryCliContext *self,
                              const char      *server)
{
  g_return_if_fail (FERRY_CLI_IS_CONTEXT (self));
  g_return_if_fail (server != NULL);

  on_server_option_cb ("--server", server, self, NULL);
}

FerryHistory *
ferry_cli_context_get_history (FerryCliContext  *self,
                               GError          **error)
{
  g_autoptr(FerryHistory) history = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), NULL);

  if (self->history != NULL)
    return self->history;

  /* The demo's moves are not the user's: a journal of this run only. */
  if (self->demo)
    {
      self->demo_directory = g_dir_make_tmp ("ferry-cli-demo-XXXXXX", error);
      if (self->demo_directory == NULL)
        return NULL;
      path = g_build_filename (self->demo_directory, "history.jsonl", NULL);
    }

  history = ferry_history_new (path);
  if (!ferry_history_load (history, error))
    return NULL;
  self->history = g_steal_pointer (&history);
  return self->history;
}

/* Saved servers */

FerryConnectionManager *
ferry_cli_context_get_manager (FerryCliContext  *self,
                               GError          **error)
{
  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), NULL);

  if (self->manager == NULL)
    {
      g_autoptr(FerryConnectionManager) manager = ferry_connection_manager_new (NULL);

      if (!ferry_connection_manager_load (manager, error))
        return NULL;
      self->manager = g_steal_pointer (&manager);
    }
  return self->manager;
}

char *
ferry_cli_dup_host_key (const char *address)
{
  g_autofree char *text = NULL;
  g_autoptr(GUri) uri = NULL;

  if (address == NULL)
    return NULL;
  text = strstr (address, "://") != NULL ? g_strdup (address) : g_strconcat ("https://", address, NULL);
  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return NULL;
  return ferry_host_key_from_uri (uri);
}

char *
ferry_cli_context_dup_saved_name (FerryCliContext *self,
                                  FerryConnection *connection)
{
  g_autofree char *group = NULL;

  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (FERRY_IS_CONNECTION (connection), NULL);

  if (ferry_connection_get_pool_name (connection) != NULL &&
      ferry_connection_get_pool_name (connection)[0] != '\0')
    return g_strdup (ferry_connection_get_pool_name (connection));

  /* The manager saves the name but does not load it back. */
  if (self->saved == NULL && self->manager != NULL)
    {
      self->saved = g_key_file_new ();
      g_key_file_load_from_file (self->saved, ferry_connection_manager_get_path (self->manager),
                                 G_KEY_FILE_NONE, NULL);
    }
  if (self->saved == NULL)
    return NULL;

  group = g_strconcat ("connection ", ferry_connection_get_id (connection), NULL);
  return g_key_file_get_string (self->saved, group, "name", NULL);
}

FerryConnection *
ferry_cli_context_find_saved (FerryCliContext  *self,
                              const char       *text,
                              const char       *user,
                              GError          **error)
{
  FerryConnectionManager *manager;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autofree char *key = NULL;

  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (!(manager = ferry_cli_context_get_manager (self, error)))
    return NULL;

  key = ferry_cli_dup_host_key (text);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (manager)); i++)
    {
      g_autoptr(FerryConnection) connection = g_list_model_get_item (G_LIST_MODEL (manager), i);
      g_autofree char *name = ferry_cli_context_dup_saved_name (self, connection);
      g_autofree char *saved_key = ferry_cli_dup_host_key (ferry_connection_get_address (connection));

      if (user != NULL && g_strcmp0 (user, ferry_connection_get_username (connection)) != 0)
        continue;
      if (g_strcmp0 (text, ferry_connection_get_id (connection)) == 0 ||
          g_strcmp0 (text, ferry_connection_get_address (connection)) == 0 ||
          g_strcmp0 (text, name) == 0 ||
          (key != NULL && g_strcmp0 (key, saved_key) == 0))
        g_ptr_array_add (found, connection);
    }

  if (found->len > 1)
    {
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint i = 0; i < found->len; i++)
        g_string_append_printf (list, "%s%s@%s", i ? ", " : "",
                                ferry_connection_get_username (g_ptr_array_index (found, i)),
                                ferry_connection_get_address (g_ptr_array_index (found, i)));
      g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_AMBIGUOUS,
                   _("“%s” names several saved servers (%s); add --user"), text, list->str);
      return NULL;
    }

  return found->len == 1 ? g_ptr_array_index (found, 0) : NULL;
}

/* Trust */

static void
print_certificate (FerryCertificateInfo *info)
{
  g_autofree char *not_before = NULL;
  g_autofree char *not_after = NULL;

  if (ferry_certificate_info_get_not_before (info) != NULL)
    not_before = g_date_time_format (ferry_certificate_info_get_not_before (info), "%Y-%m-%d");
  if (ferry_certificate_info_get_not_after (info) != NULL)
    not_after = g_date_time_format (ferry_certificate_info_get_not_after (info), "%Y-%m-%d");

  g_printerr (_("The certificate of %s is not known yet.\n"), ferry_certificate_info_get_host (info));
  g_printerr ("  %-10s %s\n", _("Subject:"),
              ferry_certificate_info_get_subject (info) ? ferry_certificate_info_get_subject (info) : "-");
  g_printerr ("  %-10s %s\n", _("Issuer:"),
              ferry_certificate_info_get_issuer (info) ? ferry_certificate_info_get_issuer (info) : "-");
  g_printerr ("  %-10s %s – %s\n", _("Valid:"), not_before ? not_before : "?", not_after ? not_after : "?");
  g_printerr ("  %-10s %s\n", "SHA-256:", ferry_certificate_info_get_fingerprint (info));
  g_printerr ("%s\n", _("Compare the fingerprint with the one the server shows on its console "
                        "(xe host-get-server-certificate) before you trust it."));
}

static gboolean
on_trust_request_cb (FerryConnection   *connection,
                     FerryTrustRequest *request,
                     FerryCliContext   *self)
{
  FerryCertificateInfo *info = ferry_trust_request_get_info (request);

  g_assert (FERRY_CLI_IS_CONTEXT (self));

  g_free (self->refused_host);
  self->refused_host = g_strdup (ferry_certificate_info_get_host (info));
  g_free (self->refused_fingerprint);
  self->refused_fingerprint = g_strdup (ferry_certificate_info_get_fingerprint (info));

  /* A fingerprint was given and this is not it: no question, a refusal. */
  if (self->trust_fingerprint != NULL || !ferry_cli_context_get_interactive (self))
    return FALSE;

  print_certificate (info);
  ferry_trust_request_complete (request, ferry_cli_prompt_yes_no (_("Trust this certificate? [y/N] ")));
  return TRUE;
}

void
ferry_cli_context_prepare (FerryCliContext *self,
                           FerryConnection *connection)
{
  g_return_if_fail (FERRY_CLI_IS_CONTEXT (self));
  g_return_if_fail (FERRY_IS_CONNECTION (connection));

  if (g_object_get_data (G_OBJECT (connection), "ferry-cli-prepared") != NULL)
    return;
  g_object_set_data (G_OBJECT (connection), "ferry-cli-prepared", GINT_TO_POINTER (TRUE));

  if (self->trust_fingerprint != NULL)
    ferry_connection_set_trusted_fingerprint (connection, self->trust_fingerprint);
  if (self->timeout > 0)
    ferry_connection_set_timeout (connection, self->timeout);
  g_signal_connect_object (connection, "trust-request", G_CALLBACK (on_trust_request_cb), self, 0);
}

/* Which pin a changed certificate broke, and what it is now. */
static void
note_changed_certificate (FerryCliContext *self,
                          FerryConnection *connection)
{
  FerryCertificateInfo *info = ferry_connection_get_refused_certificate (connection);

  g_clear_pointer (&self->refused_host, g_free);
  g_clear_pointer (&self->refused_fingerprint, g_free);
  g_clear_pointer (&self->pinned_fingerprint, g_free);
  if (info == NULL)
    return;

  self->refused_host = g_strdup (ferry_certificate_info_get_host (info));
  self->refused_fingerprint = g_strdup (ferry_certificate_info_get_fingerprint (info));
  self->pinned_fingerprint = g_strdup (ferry_certificate_info_get_pinned_fingerprint (info));
}

/* Adds what to do to a connection error, keeping its domain and code. */
static void
explain_error (FerryCliContext  *self,
               FerryConnection  *connection,
               GError          **error)
{
  const char *address = ferry_connection_get_address (connection);

  if (g_error_matches (*error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN))
    {
      g_autofree char *hint = NULL;

      if (self->trust_fingerprint != NULL && self->refused_fingerprint != NULL)
        hint = g_strdup_printf (_("The fingerprint given with --trust-fingerprint (%s) is not this one: "
                                  "do not connect unless you know why it differs."),
                                self->trust_fingerprint);
      else if (self->refused_fingerprint != NULL)
        hint = g_strdup_printf (_("If it is the server’s, run again with --trust-fingerprint %s, "
                                  "or on a terminal to be asked."),
                                self->refused_fingerprint);
      if (hint != NULL)
        {
          g_autofree char *message = g_strdup_printf ("%s\n%s", (*error)->message, hint);

          g_free ((*error)->message);
          (*error)->message = g_steal_pointer (&message);
        }
      return;
    }

  if (g_error_matches (*error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED))
    {
      g_autofree char *message = NULL;

      note_changed_certificate (self, connection);
      /* Translators: the first %s is the reason above, the second the server's address */
      message = g_strdup_printf (_("%s\nFerry did not connect. Only if the server really has a new certificate "
                                   "(after a reinstall, say), check its fingerprint on the server’s console, "
                                   "then run “ferry-cli servers trust --forget %s”."),
                                 (*error)->message, address);
      g_free ((*error)->message);
      (*error)->message = g_steal_pointer (&message);
      return;
    }

  if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (strstr ((*error)->message, address) == NULL)
    g_prefix_error (error, "%s: ", address);
}

/* Opening one connection */

typedef struct
{
  FerryConnection *connection;
  GCancellable    *cancellable;
  gulong           populated_id;
  gulong           state_id;
  gulong           cancelled_id;
  gboolean         done;
  gboolean         waiting;   /* the handlers hold a reference to the task */
} Open;

static void
open_free (gpointer data)
{
  Open *open = data;

  g_clear_signal_handler (&open->state_id, open->connection);
  if (open->populated_id != 0)
    g_signal_handler_disconnect (ferry_connection_get_cache (open->connection), open->populated_id);
  if (open->cancelled_id != 0)
    g_cancellable_disconnect (open->cancellable, open->cancelled_id);
  g_clear_object (&open->connection);
  g_clear_object (&open->cancellable);
  g_free (open);
}

/* Takes @error (NULL for success); completes @task once. */
static void
open_complete (GTask  *task,
               GError *error)
{
  FerryCliContext *self = g_task_get_source_object (task);
  Open *open = g_task_get_task_data (task);

  if (open->done)
    {
      g_clear_error (&error);
      return;
    }
  open->done = TRUE;

  if (open->populated_id != 0)
    {
      g_signal_handler_disconnect (ferry_connection_get_cache (open->connection), open->populated_id);
      open->populated_id = 0;
    }
  g_clear_signal_handler (&open->state_id, open->connection);

  if (error != NULL)
    {
      explain_error (self, open->connection, &error);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);

  if (open->waiting)
    {
      open->waiting = FALSE;
      g_object_unref (task);
    }
}

static gboolean
on_populated_idle_cb (gpointer user_data)
{
  open_complete (user_data, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_cache_populated_cb (FerryCache *cache,
                       GParamSpec *pspec,
                       GTask      *task)
{
  /* Once the connection has read the rest of the batch (pool name, members). */
  if (ferry_cache_get_populated (cache))
    g_idle_add_full (G_PRIORITY_DEFAULT, on_populated_idle_cb, g_object_ref (task), g_object_unref);
}

static void
on_connection_state_cb (FerryConnection *connection,
                        GParamSpec      *pspec,
                        GTask           *task)
{
  const GError *error;

  if (ferry_connection_get_state (connection) == FERRY_CONNECTION_STATE_CONNECTED)
    return;

  error = ferry_connection_get_error (connection);
  if (error != NULL)
    open_complete (task, g_error_copy (error));
  else
    open_complete (task, g_error_new (FERRY_RPC_ERROR, FERRY_RPC_ERROR_CONNECTION_LOST,
                                      _("The connection was lost before the server sent its objects")));
}

static gboolean
on_open_cancelled_idle_cb (gpointer user_data)
{
  GTask *task = user_data;

  open_complete (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Interrupted")));
  return G_SOURCE_REMOVE;
}

static void
on_open_cancelled_cb (GCancellable *cancellable,
                      GTask        *task)
{
  /* Not from inside the emission: completing may disconnect this handler. */
  g_idle_add_full (G_PRIORITY_DEFAULT, on_open_cancelled_idle_cb, g_object_ref (task), g_object_unref);
}

static void
on_connection_opened_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryConnection *connection = FERRY_CONNECTION (object);
  Open *open = g_task_get_task_data (task);
  FerryCache *cache = ferry_connection_get_cache (connection);
  GError *error = NULL;

  if (!ferry_connection_open_finish (connection, result, &error))
    {
      open_complete (task, error);
      return;
    }

  if (open->done)
    return;

  if (!GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "wait-for-cache")) ||
      ferry_cache_get_populated (cache))
    {
      open_complete (task, NULL);
      return;
    }

  /* The handlers hold a reference until open_complete(); the task's data
   * disconnects them. */
  open->waiting = TRUE;
  g_object_ref (task);
  open->populated_id = g_signal_connect (cache, "notify::populated", G_CALLBACK (on_cache_populated_cb), task);
  open->state_id = g_signal_connect (connection, "notify::state", G_CALLBACK (on_connection_state_cb), task);
  if (open->cancellable != NULL)
    open->cancelled_id = g_cancellable_connect (open->cancellable, G_CALLBACK (on_open_cancelled_cb), task, NULL);
}

void
ferry_cli_context_open_async (FerryCliContext     *self,
                              FerryConnection     *connection,
                              gboolean             wait_for_cache,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Open *open;

  g_return_if_fail (FERRY_CLI_IS_CONTEXT (self));
  g_return_if_fail (FERRY_IS_CONNECTION (connection));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_cli_context_open_async);
  g_object_set_data (G_OBJECT (task), "wait-for-cache", GINT_TO_POINTER (wait_for_cache));

  open = g_new0 (Open, 1);
  open->connection = g_object_ref (connection);
  open->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, open, open_free);

  ferry_cli_context_prepare (self, connection);
  if (!g_ptr_array_find (self->opened, connection, NULL))
    g_ptr_array_add (self->opened, g_object_ref (connection));

  ferry_cli_cache_set_connection (ferry_connection_get_cache (connection), connection);
  ferry_connection_set_events_enabled (connection, wait_for_cache);
  /* The task's reference lives on in the handlers until it completes. */
  ferry_connection_open_async (connection, cancellable, on_connection_opened_cb, g_object_ref (task));
}

gboolean
ferry_cli_context_open_finish (FerryCliContext  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The demo */

typedef struct
{
  FerrySimThread *sim;
  double          scale;
} DemoScale;

static gboolean
set_demo_scale_cb (gpointer data)
{
  DemoScale *demo_scale = data;

  ferry_sim_world_set_time_scale (ferry_sim_thread_get_world (demo_scale->sim), demo_scale->scale);
  return G_SOURCE_REMOVE;
}

static gboolean
ensure_demo (FerryCliContext  *self,
             GError          **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root;
  JsonArray *pools;
  JsonArray *standalone;

  if (self->demo_connections != NULL)
    return TRUE;

  self->sim = ferry_sim_thread_start_demo (error);
  if (self->sim == NULL)
    {
      g_prefix_error (error, "%s", _("Could not start the simulator: "));
      return FALSE;
    }

  /* FERRY_DEMO_TIME_SCALE: simulated seconds per second (./run demo). */
  {
    const char *scale = g_getenv ("FERRY_DEMO_TIME_SCALE");
    double value = scale ? g_ascii_strtod (scale, NULL) : 0.0;

    if (value > 0 && value <= 1e6)
      {
        DemoScale demo_scale = { self->sim, value };

        ferry_sim_thread_invoke (self->sim, set_demo_scale_cb, &demo_scale);
      }
  }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, ferry_sim_thread_get_announcement (self->sim), -1, error))
    return FALSE;

  self->demo_connections = g_ptr_array_new_with_free_func (g_object_unref);
  root = json_node_get_object (json_parser_get_root (parser));
  pools = json_object_get_array_member (root, "pools");
  standalone = json_object_get_array_member (root, "standalone");

  /* Plain HTTP, as in the app's demo: it never leaves loopback. */
  for (guint i = 0; pools != NULL && i < json_array_get_length (pools); i++)
    {
      JsonObject *pool = json_array_get_object_element (pools, i);
      FerryConnection *connection = ferry_connection_new (json_object_get_string_member (pool, "master_http"),
                                                          DEMO_USER, FERRY_TRANSPORT_HTTP);

      g_object_set_data_full (G_OBJECT (connection), "ferry-cli-demo-name",
                              g_strdup (json_object_get_string_member (pool, "name")), g_free);
      g_ptr_array_add (self->demo_connections, connection);
    }
  for (guint i = 0; standalone != NULL && i < json_array_get_length (standalone); i++)
    {
      JsonObject *host = json_array_get_object_element (standalone, i);
      FerryConnection *connection = ferry_connection_new (json_object_get_string_member (host, "http_url"),
                                                          DEMO_USER, FERRY_TRANSPORT_HTTP);

      g_object_set_data_full (G_OBJECT (connection), "ferry-cli-demo-name",
                              g_strdup (json_object_get_string_member (host, "name")), g_free);
      g_ptr_array_add (self->demo_connections, connection);
    }

  for (guint i = 0; i < self->demo_connections->len; i++)
    ferry_connection_set_password (g_ptr_array_index (self->demo_connections, i), DEMO_PASSWORD);

  return TRUE;
}

GPtrArray *
ferry_cli_context_dup_demo_servers (FerryCliContext  *self,
                                    GError          **error)
{
  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), NULL);

  if (!ensure_demo (self, error))
    return NULL;
  return g_ptr_array_ref (self->demo_connections);
}

/* The connections the options select, with their passwords set. */
static GPtrArray *
select_connections (FerryCliContext  *self,
                    GError          **error)
{
  g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);
  const char * const *servers = ferry_cli_context_get_servers (self);

  if (self->demo)
    {
      if (!ensure_demo (self, error))
        return NULL;

      if (servers[0] == NULL)
        {
          for (guint i = 0; i < self->demo_connections->len; i++)
            g_ptr_array_add (connections, g_object_ref (g_ptr_array_index (self->demo_connections, i)));
          return g_steal_pointer (&connections);
        }

      for (guint s = 0; servers[s] != NULL; s++)
        {
          FerryConnection *match = NULL;

          for (guint i = 0; i < self->demo_connections->len && match == NULL; i++)
            {
              FerryConnection *connection = g_ptr_array_index (self->demo_connections, i);

              if (g_strcmp0 (servers[s], g_object_get_data (G_OBJECT (connection), "ferry-cli-demo-name")) == 0 ||
                  g_strcmp0 (servers[s], ferry_connection_get_address (connection)) == 0)
                match = connection;
            }
          if (match == NULL)
            {
              g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                           _("The demo has no server “%s” (it has Production, Lab and legacy-01)"), servers[s]);
              return NULL;
            }
          if (!g_ptr_array_find (connections, match, NULL))
            g_ptr_array_add (connections, g_object_ref (match));
        }
      return g_steal_pointer (&connections);
    }

  if (servers[0] != NULL)
    {
      for (guint s = 0; servers[s] != NULL; s++)
        {
          g_autoptr(GError) local_error = NULL;
          FerryConnection *saved = ferry_cli_context_find_saved (self, servers[s], self->user, &local_error);
          g_autoptr(FerryConnection) connection = NULL;

          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          if (saved != NULL)
            connection = g_object_ref (saved);
          else
            connection = ferry_connection_new (servers[s], self->user ? self->user : "root",
                                               g_str_has_prefix (servers[s], "http://") ? FERRY_TRANSPORT_HTTP
                                                                                        : FERRY_TRANSPORT_HTTPS);
          if (!g_ptr_array_find (connections, connection, NULL))
            g_ptr_array_add (connections, g_steal_pointer (&connection));
        }
    }
  else
    {
      FerryConnectionManager *manager = ferry_cli_context_get_manager (self, error);

      if (manager == NULL)
        return NULL;
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (manager)); i++)
        {
          g_autoptr(FerryConnection) connection = g_list_model_get_item (G_LIST_MODEL (manager), i);

          if (self->user == NULL || g_str_equal (self->user, ferry_connection_get_username (connection)))
            g_ptr_array_add (connections, g_steal_pointer (&connection));
        }
      if (connections->len == 0)
        {
          g_set_error_literal (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                               _("No servers saved: add one with “ferry-cli servers add ADDRESS”, "
                                 "name one with --server, or try --demo"));
          return NULL;
        }
    }

  for (guint i = 0; i < connections->len; i++)
    {
      FerryConnection *connection = g_ptr_array_index (connections, i);
      char *password;

      if (ferry_connection_has_password (connection))
        continue;
      password = ferry_cli_context_dup_password (self, ferry_connection_get_address (connection),
                                                 ferry_connection_get_username (connection), TRUE, error);
      if (password == NULL)
        return NULL;
      ferry_connection_set_password (connection, password);
      ferry_credentials_free_password (password);
    }

  return g_steal_pointer (&connections);
}

typedef struct
{
  GPtrArray *connections;
  GPtrArray *errors;     /* one per connection, or NULL */
  guint      pending;
} Connect;

static void
connect_free (gpointer data)
{
  Connect *connect = data;

  g_ptr_array_unref (connect->connections);
  g_ptr_array_unref (connect->errors);
  g_free (connect);
}

static void
free_error (gpointer data)
{
  if (data != NULL)
    g_error_free (data);
}

typedef struct
{
  GTask *task;
  guint  index;
} Pending;

static void
on_one_connected_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&pending->task);
  FerryCliContext *self = FERRY_CLI_CONTEXT (object);
  Connect *connect = g_task_get_task_data (task);
  GError *error = NULL;

  if (!ferry_cli_context_open_finish (self, result, &error))
    g_ptr_array_index (connect->errors, pending->index) = error;
  g_free (pending);

  if (--connect->pending > 0)
    return;

  /* The first failure in the order the servers were given. */
  for (guint i = 0; i < connect->errors->len; i++)
    if (g_ptr_array_index (connect->errors, i) != NULL)
      {
        g_task_return_error (task, g_steal_pointer (&g_ptr_array_index (connect->errors, i)));
        return;
      }

  g_clear_pointer (&self->connections, g_ptr_array_unref);
  self->connections = g_ptr_array_ref (connect->connections);
  g_task_return_pointer (task, g_ptr_array_ref (connect->connections), (GDestroyNotify) g_ptr_array_unref);
}

void
ferry_cli_context_connect_async (FerryCliContext     *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Connect *connect;
  GPtrArray *connections;

  g_return_if_fail (FERRY_CLI_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_cli_context_connect_async);

  connections = select_connections (self, &error);
  if (connections == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  connect = g_new0 (Connect, 1);
  connect->connections = connections;
  connect->errors = g_ptr_array_new_with_free_func (free_error);
  g_ptr_array_set_size (connect->errors, connections->len);
  connect->pending = connections->len;
  g_task_set_task_data (task, connect, connect_free);

  for (guint i = 0; i < connections->len; i++)
    {
      Pending *pending = g_new0 (Pending, 1);

      pending->task = g_object_ref (task);
      pending->index = i;
      ferry_cli_context_open_async (self, g_ptr_array_index (connections, i), TRUE, cancellable,
                                    on_one_connected_cb, pending);
    }
}

GPtrArray *
ferry_cli_context_connect_finish (FerryCliContext  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_autoptr(GPtrArray) connections = NULL;

  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  connections = g_task_propagate_pointer (G_TASK (result), error);
  /* Transfer none: the context keeps them. */
  return connections != NULL ? self->connections : NULL;
}

typedef struct
{
  GTask                 *task;
  FerryCliConnectedFunc  func;
} ConnectThen;

static void
on_connected_then_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ConnectThen *then = user_data;
  g_autoptr(GTask) task = then->task;
  FerryCliConnectedFunc func = then->func;
  g_autoptr(GError) error = NULL;
  GPtrArray *connections = ferry_cli_context_connect_finish (FERRY_CLI_CONTEXT (object), result, &error);

  g_free (then);
  if (connections == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    func (task, connections);
}

void
ferry_cli_context_connect_then (FerryCliContext       *self,
                                GTask                 *task,
                                FerryCliConnectedFunc  func)
{
  ConnectThen *then;

  g_return_if_fail (FERRY_CLI_IS_CONTEXT (self));
  g_return_if_fail (G_IS_TASK (task));

  then = g_new0 (ConnectThen, 1);
  then->task = task;
  then->func = func;
  ferry_cli_context_connect_async (self, g_task_get_cancellable (task), on_connected_then_cb, then);
}

/* Closing */

static void
close_done (GTask *task)
{
  FerryCliContext *self = g_task_get_source_object (task);
  guint *pending = g_task_get_task_data (task);

  if (--(*pending) > 0)
    return;

  /* Only now: the logouts went to the simulator. */
  g_clear_pointer (&self->sim, ferry_sim_thread_stop);
  g_task_return_boolean (task, TRUE);
}

static void
on_connection_closed_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  ferry_connection_close_finish (FERRY_CONNECTION (object), result, NULL);
  close_done (task);
}

void
ferry_cli_context_close_async (FerryCliContext     *self,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  guint *pending;

  g_return_if_fail (FERRY_CLI_IS_CONTEXT (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, ferry_cli_context_close_async);
  pending = g_new0 (guint, 1);
  *pending = 1;
  g_task_set_task_data (task, pending, g_free);

  for (guint i = 0; i < self->opened->len; i++)
    {
      FerryConnection *connection = g_ptr_array_index (self->opened, i);

      if (ferry_connection_get_state (connection) == FERRY_CONNECTION_STATE_DISCONNECTED)
        continue;
      (*pending)++;
      ferry_connection_close_async (connection, NULL, on_connection_closed_cb, g_object_ref (task));
    }

  close_done (task);
}

void
ferry_cli_context_close_finish (FerryCliContext *self,
                                GAsyncResult    *result)
{
  g_return_if_fail (FERRY_CLI_IS_CONTEXT (self));
  g_return_if_fail (g_task_is_valid (result, self));

  g_task_propagate_boolean (G_TASK (result), NULL);
}

/* Errors */

/* The stable "code" of an error in JSON (ferry-cli.1, JSON OUTPUT). */
static const char *
error_code (const GError *error)
{
  if (error->domain == FERRY_CLI_ERROR)
    {
      switch ((FerryCliError) error->code)
        {
        case FERRY_CLI_ERROR_USAGE:       return "usage";
        case FERRY_CLI_ERROR_NOT_FOUND:   return "not-found";
        case FERRY_CLI_ERROR_AMBIGUOUS:   return "ambiguous";
        case FERRY_CLI_ERROR_NO_PASSWORD: return "no-password";
        case FERRY_CLI_ERROR_FAILED:
        default:                          return "failed";
        }
    }

  if (error->domain == FERRY_RPC_ERROR)
    {
      switch ((FerryRpcError) error->code)
        {
        case FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN:  return "certificate-unknown";
        case FERRY_RPC_ERROR_CERTIFICATE_CHANGED:  return "certificate-changed";
        case FERRY_RPC_ERROR_CERTIFICATE_REJECTED: return "certificate-rejected";
        case FERRY_RPC_ERROR_TLS:                  return "tls";
        case FERRY_RPC_ERROR_INSECURE:             return "insecure";
        case FERRY_RPC_ERROR_TIMEOUT:              return "timeout";
        case FERRY_RPC_ERROR_NO_CREDENTIALS:       return "no-password";
        case FERRY_RPC_ERROR_FAILED:
        case FERRY_RPC_ERROR_CONNECTION:
        case FERRY_RPC_ERROR_CONNECTION_LOST:
        case FERRY_RPC_ERROR_HTTP:
        case FERRY_RPC_ERROR_PROTOCOL:
        case FERRY_RPC_ERROR_REPLY_TOO_LARGE:
        case FERRY_RPC_ERROR_NOT_CONNECTED:
        case FERRY_RPC_ERROR_CLOSED:
        case FERRY_RPC_ERROR_TASK_LOST:
        case FERRY_RPC_ERROR_NO_MASTER:
        default:                                   return "connection";
        }
    }

  if (error->domain == FERRY_XAPI_ERROR)
    {
      if (error->code == FERRY_XAPI_ERROR_SESSION_AUTHENTICATION_FAILED)
        return "authentication";
      if (error->code == FERRY_XAPI_ERROR_RBAC_PERMISSION_DENIED)
        return "permission";
      return "xapi";
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "interrupted";

  return "failed";
}

int
ferry_cli_context_report_error (FerryCliContext *self,
                                const GError    *error)
{
  gboolean certificate;
  const char *code;

  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), FERRY_CLI_EXIT_ERROR);
  g_return_val_if_fail (error != NULL, FERRY_CLI_EXIT_ERROR);

  code = error_code (error);
  certificate = g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_UNKNOWN) ||
                g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_CHANGED) ||
                g_error_matches (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_CERTIFICATE_REJECTED);

  g_printerr ("ferry-cli: %s\n", error->message);

  if (ferry_cli_context_get_json (self))
    {
      g_autoptr(JsonBuilder) builder = ferry_cli_json_begin (self->command ? self->command : "");

      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      ferry_cli_json_add_string (builder, "code", code);
      ferry_cli_json_add_string (builder, "message", error->message);
      ferry_cli_json_add_string (builder, "host", certificate ? self->refused_host : NULL);
      ferry_cli_json_add_string (builder, "fingerprint", certificate ? self->refused_fingerprint : NULL);
      ferry_cli_json_add_string (builder, "pinned_fingerprint", certificate ? self->pinned_fingerprint : NULL);
      ferry_cli_json_add_string (builder, "xapi_code", ferry_xapi_error_get_name (error));
      json_builder_end_object (builder);
      ferry_cli_json_print (builder);
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FERRY_CLI_EXIT_INTERRUPTED;
  return FERRY_CLI_EXIT_ERROR;
}

gboolean
ferry_cli_context_parse (FerryCliContext     *self,
                         const char          *parameters,
                         const char          *summary,
                         const GOptionEntry  *entries,
                         int                 *argc,
                         char              ***argv,
                         GError             **error)
{
  g_autoptr(GOptionContext) context = NULL;
  GOptionGroup *group;

  g_return_val_if_fail (FERRY_CLI_IS_CONTEXT (self), FALSE);

  context = g_option_context_new (parameters);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (summary != NULL)
    g_option_context_set_summary (context, summary);
  /* One group, so that --help shows the global options too. */
  group = ferry_cli_context_new_option_group (self);
  if (entries != NULL)
    g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (context, group);

  if (!g_option_context_parse (context, argc, argv, error))
    {
      if ((*error)->domain == G_OPTION_ERROR)
        {
          (*error)->domain = FERRY_CLI_ERROR;
          (*error)->code = FERRY_CLI_ERROR_USAGE;
        }
      return FALSE;
    }

  return ferry_cli_context_validate (self, error);
}
