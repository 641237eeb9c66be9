/* ferry-cli-context.h: what every subcommand of ferry-cli shares
 *
 * The global options, the output mode, passwords, certificate trust, the
 * saved servers and the connections a subcommand opens (or the built-in
 * simulator with --demo).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-connection-manager.h"
#include "ferry-connection.h"
#include "ferry-history.h"

G_BEGIN_DECLS

/* Errors of the command line itself; each one ends the program with status 2. */
#define FERRY_CLI_ERROR (ferry_cli_error_quark ())

typedef enum
{
  FERRY_CLI_ERROR_USAGE,        /* bad arguments or options */
  FERRY_CLI_ERROR_NOT_FOUND,    /* no server or object of that name */
  FERRY_CLI_ERROR_AMBIGUOUS,    /* more than one object of that name */
  FERRY_CLI_ERROR_NO_PASSWORD,  /* no password from any source */
  FERRY_CLI_ERROR_FAILED,
} FerryCliError;

GQuark ferry_cli_error_quark (void);

/* Exit statuses (documented in ferry-cli.1). */
enum
{
  FERRY_CLI_EXIT_OK          = 0,
  FERRY_CLI_EXIT_BLOCKED     = 1,    /* check: at least one move is blocked */
  FERRY_CLI_EXIT_ERROR       = 2,    /* usage, connection, trust, not found */
  FERRY_CLI_EXIT_INTERRUPTED = 130,  /* Ctrl-C */
};

#define FERRY_CLI_TYPE_CONTEXT (ferry_cli_context_get_type ())

G_DECLARE_FINAL_TYPE (FerryCliContext, ferry_cli_context, FERRY_CLI, CONTEXT, GObject)

FerryCliContext        *ferry_cli_context_new                (void);

/* A new group of the global options, filling @self; every subcommand's
 * GOptionContext adds one so that they work after the subcommand too. */
GOptionGroup           *ferry_cli_context_new_option_group   (FerryCliContext  *self);
/* Notes --json anywhere in @argv (before "--"), so that even an error in
 * the options is reported as JSON. */
void                    ferry_cli_context_scan_argv          (FerryCliContext     *self,
                                                              int                  argc,
                                                              char               **argv);
/* Parses a subcommand's arguments (@argv[0] is its name) with @entries
 * and the global options; leaves the other arguments in @argv. */
gboolean                ferry_cli_context_parse              (FerryCliContext     *self,
                                                              const char          *parameters,
                                                              const char          *summary,
                                                              const GOptionEntry  *entries,
                                                              int                 *argc,
                                                              char              ***argv,
                                                              GError             **error);
/* Checks the global options once they are parsed. */
gboolean                ferry_cli_context_validate           (FerryCliContext  *self,
                                                              GError          **error);

/* The subcommand ("ls", "servers list"), for messages and JSON. */
const char             *ferry_cli_context_get_command        (FerryCliContext  *self);
void                    ferry_cli_context_set_command        (FerryCliContext  *self,
                                                              const char       *command);

gboolean                ferry_cli_context_get_json           (FerryCliContext  *self);
/* Whether standard output gets ANSI colours. */
gboolean                ferry_cli_context_get_color          (FerryCliContext  *self);
gboolean                ferry_cli_context_get_demo           (FerryCliContext  *self);
/* Whether questions may be asked on the terminal. */
gboolean                ferry_cli_context_get_interactive    (FerryCliContext  *self);
/* --user, or NULL. */
const char             *ferry_cli_context_get_user           (FerryCliContext  *self);
/* Every --server, in order (empty when none). */
const char * const     *ferry_cli_context_get_servers        (FerryCliContext  *self);

/* Adds a --server (apply: the servers a plan names). */
void                    ferry_cli_context_add_server         (FerryCliContext  *self,
                                                              const char       *server);

/* The journal (ferry-history.h), loaded on first use: the app's, or with
 * --demo one of this run only. Transfer none. */
FerryHistory           *ferry_cli_context_get_history        (FerryCliContext  *self,
                                                              GError          **error);

/* The password for @user on @address: --password-file, FERRY_PASSWORD,
 * the keyring (when @use_keyring), then a prompt without echo on a
 * terminal. Free it with ferry_credentials_free_password(). */
char                   *ferry_cli_context_dup_password       (FerryCliContext  *self,
                                                              const char       *address,
                                                              const char       *user,
                                                              gboolean          use_keyring,
                                                              GError          **error);

/* The saved servers (the app's list), loaded on first use. */
FerryConnectionManager *ferry_cli_context_get_manager        (FerryCliContext  *self,
                                                              GError          **error);
/* The saved server @text names: its ID, address, host:port or last known
 * pool name. Transfer none; NULL when none is. */
FerryConnection        *ferry_cli_context_find_saved         (FerryCliContext  *self,
                                                              const char       *text,
                                                              const char       *user,
                                                              GError          **error);
/* The pool name last seen on a saved server, or NULL. */
char                   *ferry_cli_context_dup_saved_name     (FerryCliContext  *self,
                                                              FerryConnection  *connection);

/* "host:port" of an address as the trust store keys it, or NULL. */
char                   *ferry_cli_dup_host_key               (const char       *address);

/* Sets --trust-fingerprint and the interactive trust question on a
 * connection this context did not make itself. */
void                    ferry_cli_context_prepare            (FerryCliContext  *self,
                                                              FerryConnection  *connection);

/* Opens one connection (its password must be set). With @wait_for_cache,
 * completes once its cache holds the first snapshot. Errors name the
 * server; certificate errors say what to do. */
void                    ferry_cli_context_open_async         (FerryCliContext      *self,
                                                              FerryConnection      *connection,
                                                              gboolean              wait_for_cache,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
gboolean                ferry_cli_context_open_finish        (FerryCliContext      *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);

/* Opens the servers the options select (--demo, every --server, else
 * every saved one) with their caches. Returns (transfer none) the
 * connections, in order; each cache has the "ferry-cli-connection" data. */
void                    ferry_cli_context_connect_async      (FerryCliContext      *self,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
GPtrArray              *ferry_cli_context_connect_finish     (FerryCliContext      *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);

/* What a command does once connected: @connections as
 * ferry_cli_context_connect_finish() returns them. */
typedef void (*FerryCliConnectedFunc) (GTask     *task,
                                       GPtrArray *connections);

/* ferry_cli_context_connect_async() for a command's @task (transfer full;
 * its cancellable), then @func; a failure to connect completes @task. */
void                    ferry_cli_context_connect_then       (FerryCliContext      *self,
                                                              GTask                *task,
                                                              FerryCliConnectedFunc func);

/* The demo's servers without connecting (servers list --demo). */
GPtrArray              *ferry_cli_context_dup_demo_servers   (FerryCliContext      *self,
                                                              GError              **error);

/* Logs out of everything opened and stops the simulator. */
void                    ferry_cli_context_close_async        (FerryCliContext      *self,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
void                    ferry_cli_context_close_finish       (FerryCliContext      *self,
                                                              GAsyncResult         *result);

/* Prints @error (on stderr; with --json also as JSON on stdout) and
 * returns the exit status for it. */
int                     ferry_cli_context_report_error       (FerryCliContext      *self,
                                                              const GError         *error);

G_END_DECLS
