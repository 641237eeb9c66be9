/* ferry-cli-commands.h: the subcommands of ferry-cli
 *
 * A subcommand is one file, ferry-cli-<name>.c, with one entry point,
 * and one line in the table in main.c. The entry point parses its own
 * arguments (argv[0] is its name) with ferry_cli_context_parse(), does its
 * work asynchronously and completes @callback with a GTask (source object:
 * the context) that returns the exit status with g_task_return_int() or
 * fails with a GError (exit status 2, or 130 when cancelled by Ctrl-C).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-cli-context.h"

G_BEGIN_DECLS

typedef void (*FerryCliCommandFunc) (FerryCliContext     *context,
                                     int                  argc,
                                     char               **argv,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);

typedef struct
{
  const char          *name;
  const char          *parameters;  /* N_(): "VM… --to HOST|POOL" */
  const char          *summary;     /* N_(): one line for ferry-cli --help */
  FerryCliCommandFunc  run_async;
} FerryCliCommand;

/* The exit status, or -1 with @error set. */
int  ferry_cli_command_finish (GAsyncResult  *result,
                               GError       **error);

void ferry_cli_servers_run_async (FerryCliContext     *context,
                                  int                  argc,
                                  char               **argv,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
void ferry_cli_ls_run_async      (FerryCliContext     *context,
                                  int                  argc,
                                  char               **argv,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
void ferry_cli_show_run_async    (FerryCliContext     *context,
                                  int                  argc,
                                  char               **argv,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
void ferry_cli_check_run_async   (FerryCliContext     *context,
                                  int                  argc,
                                  char               **argv,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);

void ferry_cli_plan_run_async (FerryCliContext     *context,
                                  int                  argc,
                                  char               **argv,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
void ferry_cli_apply_run_async (FerryCliContext     *context,
                                  int                  argc,
                                  char               **argv,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
void ferry_cli_migrate_run_async (FerryCliContext     *context,
                                  int                  argc,
                                  char               **argv,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
void ferry_cli_watch_run_async (FerryCliContext     *context,
                                  int                  argc,
                                  char               **argv,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
void ferry_cli_cancel_run_async (FerryCliContext     *context,
                                  int                  argc,
                                  char               **argv,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
void ferry_cli_history_run_async (FerryCliContext     *context,
                                  int                  argc,
                                  char               **argv,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
void ferry_cli_put_back_run_async (FerryCliContext     *context,
                                  int                  argc,
                                  char               **argv,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);

G_END_DECLS
