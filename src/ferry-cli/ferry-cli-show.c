/* ferry-cli-show.c: ferry-cli show [--type KIND] OBJECT
 *
 * Everything about one pool, host, VM, SR, disk or network that matters
 * for moving it or moving something onto it. The object is named by ref,
 * UUID or name; a name that several objects share needs --type or a UUID.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-show"

#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cli-commands.h"
#include "ferry-cli-objects.h"
#include "ferry-cli-output.h"

typedef struct
{
  char         *type;
  char         *name;
  FerryCliKind  kind;
} Show;

static void
show_free (gpointer data)
{
  Show *show = data;

  g_free (show->type);
  g_free (show->name);
  g_free (show);
}

static void
on_connected_cb (GTask     *task,
                 GPtrArray *connections)
{
  FerryCliContext *context = g_task_get_source_object (task);
  Show *show = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  FerryObject *found;

  found = ferry_cli_find_object (connections, show->kind, show->name, NULL, &error);
  if (found == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  builder = ferry_cli_json_begin ("show");
  json_builder_set_member_name (builder, "object");
  ferry_cli_json_add_object (builder, found, TRUE);

  if (ferry_cli_context_get_json (context))
    ferry_cli_json_print (builder);
  else
    {
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      ferry_cli_print_object (json_object_get_object_member (json_node_get_object (root), "object"),
                              ferry_cli_context_get_color (context));
    }

  g_task_return_int (task, FERRY_CLI_EXIT_OK);
}

void
ferry_cli_show_run_async (FerryCliContext     *context,
                          int                  argc,
                          char               **argv,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Show *show = g_new0 (Show, 1);
  const GOptionEntry entries[] = {
    { "type", 't', 0, G_OPTION_ARG_STRING, &show->type,
      N_("The kind of object: pool, host, vm, sr, disk or network"), N_("KIND") },
    { NULL }
  };

  task = g_task_new (context, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_cli_show_run_async);
  g_task_set_task_data (task, show, show_free);

  if (!ferry_cli_context_parse (context, _("show OBJECT"),
                                _("Shows a pool, host, VM, SR, disk or network, named by name, UUID or ref."),
                                entries, &argc, &argv, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (argc != 2)
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                               _("show takes one object: its name, UUID or ref"));
      return;
    }
  show->name = g_strdup (argv[1]);

  show->kind = FERRY_CLI_KIND_ANY;
  if (show->type != NULL && !ferry_cli_kind_from_string (show->type, &show->kind))
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                               _("--type is pool, host, vm, sr, disk or network, not “%s”"), show->type);
      return;
    }

  ferry_cli_context_connect_then (context, g_steal_pointer (&task), on_connected_cb);
}
