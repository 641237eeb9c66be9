/* ferry-cli-servers.c: ferry-cli servers list|add|remove|trust
 *
 * The saved servers are the app's own list (connections.ini under the
 * XDG config dir) and their passwords the app's keyring entries, so that
 * a server added here shows in the app and the other way round. Trust
 * follows the app: a certificate is pinned on first contact only with
 * --trust-fingerprint or a yes on the terminal; a changed one is refused
 * until "servers trust --forget" removes the old pin.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-servers"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ferry-cli-commands.h"
#include "ferry-cli-output.h"
#include "ferry-credentials.h"
#include "ferry-trust.h"

typedef struct
{
  char            *address;
  gboolean         no_keyring;
  gboolean         forget;
  gboolean         added;
  char            *password;
  FerryConnection *connection;
  GHashTable      *pins_before;   /* host key → fingerprint */
} Servers;

static void
servers_free (gpointer data)
{
  Servers *servers = data;

  g_free (servers->address);
  ferry_credentials_free_password (servers->password);
  g_clear_object (&servers->connection);
  g_clear_pointer (&servers->pins_before, g_hash_table_unref);
  g_free (servers);
}

static gboolean
password_saved (FerryConnection *connection)
{
  g_autoptr(GError) error = NULL;
  char *password = ferry_credentials_lookup_sync (ferry_connection_get_address (connection),
                                                  ferry_connection_get_username (connection), NULL, &error);

  if (error != NULL)
    g_debug ("Keyring: %s", error->message);
  ferry_credentials_free_password (password);
  return password != NULL;
}

/* The server object of ferry-cli.1, JSON OUTPUT. */
static void
add_server (JsonBuilder     *builder,
            FerryCliContext *context,
            FerryConnection *connection,
            gboolean         demo)
{
  gboolean https = ferry_connection_get_transport (connection) == FERRY_TRANSPORT_HTTPS;
  g_autofree char *name = demo ? g_strdup (g_object_get_data (G_OBJECT (connection), "ferry-cli-demo-name"))
                               : ferry_cli_context_dup_saved_name (context, connection);
  g_autofree char *key = https ? ferry_cli_dup_host_key (ferry_connection_get_address (connection)) : NULL;
  g_autofree char *pin = key ? ferry_trust_store_dup_pin (ferry_connection_get_trust_store (connection), key) : NULL;

  json_builder_begin_object (builder);
  ferry_cli_json_add_string (builder, "id", ferry_connection_get_id (connection));
  ferry_cli_json_add_string (builder, "name", name);
  ferry_cli_json_add_string (builder, "address", ferry_connection_get_address (connection));
  ferry_cli_json_add_string (builder, "user", ferry_connection_get_username (connection));
  ferry_cli_json_add_string (builder, "transport", https ? "https" : "http");
  ferry_cli_json_add_strv (builder, "members", ferry_connection_get_members (connection));
  json_builder_set_member_name (builder, "password_saved");
  json_builder_add_boolean_value (builder, !demo && password_saved (connection));
  json_builder_set_member_name (builder, "certificate");
  if (pin != NULL)
    {
      json_builder_begin_object (builder);
      ferry_cli_json_add_string (builder, "host", key);
      ferry_cli_json_add_string (builder, "fingerprint", pin);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

/* "AB:CD:EF:01…" for a table cell. */
static char *
short_fingerprint (const char *fingerprint)
{
  if (fingerprint == NULL)
    return NULL;
  if (strlen (fingerprint) <= 23)
    return g_strdup (fingerprint);
  return g_strdup_printf ("%.23s…", fingerprint);
}

static void
print_servers (JsonArray *servers,
               gboolean   color)
{
  g_autoptr(FerryCliTable) table = ferry_cli_table_new (_("NAME"), _("ADDRESS"), _("USER"), _("TRANSPORT"),
                                                        _("PASSWORD"), _("CERTIFICATE"), NULL);

  for (guint i = 0; i < json_array_get_length (servers); i++)
    {
      JsonObject *server = json_array_get_object_element (servers, i);
      JsonObject *certificate = json_object_get_null_member (server, "certificate")
                                  ? NULL : json_object_get_object_member (server, "certificate");

      ferry_cli_table_begin_row (table);
      ferry_cli_table_add (table, json_object_get_string_member (server, "name"), FERRY_CLI_STYLE_NONE);
      ferry_cli_table_add (table, json_object_get_string_member (server, "address"), FERRY_CLI_STYLE_NONE);
      ferry_cli_table_add (table, json_object_get_string_member (server, "user"), FERRY_CLI_STYLE_NONE);
      ferry_cli_table_add (table, json_object_get_string_member (server, "transport"), FERRY_CLI_STYLE_NONE);
      ferry_cli_table_add (table, json_object_get_boolean_member (server, "password_saved") ? _("keyring") : NULL,
                           FERRY_CLI_STYLE_NONE);
      ferry_cli_table_take (table,
                            certificate ? short_fingerprint (json_object_get_string_member (certificate, "fingerprint"))
                                        : NULL,
                            FERRY_CLI_STYLE_NONE);
    }
  ferry_cli_table_print (table, color);
}

/* Prints one document: {@member: server, @flag: @flag_value}, or @text. */
static void
print_server_result (FerryCliContext *context,
                     const char      *command,
                     const char      *member,
                     FerryConnection *connection,
                     const char      *flag,
                     gboolean         flag_value,
                     const char      *text)
{
  g_autoptr(JsonBuilder) builder = ferry_cli_json_begin (command);

  json_builder_set_member_name (builder, member);
  add_server (builder, context, connection, FALSE);
  if (flag != NULL)
    {
      json_builder_set_member_name (builder, flag);
      json_builder_add_boolean_value (builder, flag_value);
    }

  if (ferry_cli_context_get_json (context))
    ferry_cli_json_print (builder);
  else
    g_print ("%s\n", text);
}

/* servers list */

static void
run_list (GTask *task)
{
  FerryCliContext *context = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = ferry_cli_json_begin ("servers list");
  g_autoptr(JsonNode) root = NULL;
  gboolean demo = ferry_cli_context_get_demo (context);

  json_builder_set_member_name (builder, "servers");
  json_builder_begin_array (builder);

  if (demo)
    {
      g_autoptr(GPtrArray) connections = ferry_cli_context_dup_demo_servers (context, &error);

      if (connections == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      for (guint i = 0; i < connections->len; i++)
        add_server (builder, context, g_ptr_array_index (connections, i), TRUE);
    }
  else
    {
      FerryConnectionManager *manager = ferry_cli_context_get_manager (context, &error);

      if (manager == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (manager)); i++)
        {
          g_autoptr(FerryConnection) connection = g_list_model_get_item (G_LIST_MODEL (manager), i);

          add_server (builder, context, connection, FALSE);
        }
    }

  json_builder_end_array (builder);

  if (ferry_cli_context_get_json (context))
    ferry_cli_json_print (builder);
  else
    {
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      print_servers (json_object_get_array_member (json_node_get_object (root), "servers"),
                     ferry_cli_context_get_color (context));
    }

  g_task_return_int (task, FERRY_CLI_EXIT_OK);
}

/* servers add */

static void
on_added_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryCliContext *context = FERRY_CLI_CONTEXT (object);
  Servers *servers = g_task_get_task_data (task);
  FerryConnection *connection = servers->connection;
  FerryConnectionManager *manager = ferry_cli_context_get_manager (context, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!ferry_cli_context_open_finish (context, result, &error))
    {
      /* Nothing is kept of a server that did not answer. */
      if (servers->added)
        {
          ferry_connection_manager_remove (manager, connection);
          ferry_connection_manager_save (manager, NULL);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!servers->no_keyring)
    {
      g_autoptr(GError) keyring_error = NULL;

      if (!ferry_credentials_store_sync (ferry_connection_get_address (connection),
                                         ferry_connection_get_username (connection), servers->password,
                                         NULL, &keyring_error))
        g_printerr (_("ferry-cli: warning: the password was not saved in the keyring: %s\n"),
                    keyring_error->message);
    }

  if (!ferry_connection_manager_save (manager, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  text = g_strdup_printf (servers->added ? _("Added %s@%s (%s).") : _("%s@%s (%s) was saved already; updated."),
                          ferry_connection_get_username (connection), ferry_connection_get_address (connection),
                          ferry_connection_get_pool_name (connection) ? ferry_connection_get_pool_name (connection) : "?");
  print_server_result (context, "servers add", "server", connection, "added", servers->added, text);
  g_task_return_int (task, FERRY_CLI_EXIT_OK);
}

static void
run_add (GTask *task)
{
  FerryCliContext *context = g_task_get_source_object (task);
  Servers *servers = g_task_get_task_data (task);
  const char *user = ferry_cli_context_get_user (context) ? ferry_cli_context_get_user (context) : "root";
  FerryConnectionManager *manager;
  FerryConnection *connection;
  g_autoptr(GError) error = NULL;
  static const char * const classes[] = { "pool", "host", NULL };

  if (!(manager = ferry_cli_context_get_manager (context, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Not from the keyring: adding again is how a changed password is saved. */
  servers->password = ferry_cli_context_dup_password (context, servers->address, user, FALSE, &error);
  if (servers->password == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  connection = ferry_connection_manager_find (manager, servers->address, user);
  if (connection == NULL)
    {
      connection = ferry_connection_manager_add (manager, servers->address, user,
                                                 g_str_has_prefix (servers->address, "http://")
                                                   ? FERRY_TRANSPORT_HTTP : FERRY_TRANSPORT_HTTPS);
      servers->added = TRUE;
    }
  servers->connection = g_object_ref (connection);
  ferry_connection_set_password (connection, servers->password);

  /* Enough to learn the pool's name and members, which the list keeps. */
  ferry_connection_set_event_classes (connection, classes);
  ferry_cli_context_open_async (context, connection, TRUE, g_task_get_cancellable (task),
                                on_added_cb, g_object_ref (task));
}

/* servers remove */

static void
run_remove (GTask *task)
{
  FerryCliContext *context = g_task_get_source_object (task);
  Servers *servers = g_task_get_task_data (task);
  FerryConnectionManager *manager;
  g_autoptr(FerryConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) keyring_error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *text = NULL;
  FerryConnection *found;

  if (!(manager = ferry_cli_context_get_manager (context, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  found = ferry_cli_context_find_saved (context, servers->address, ferry_cli_context_get_user (context), &error);
  if (found == NULL)
    {
      if (error == NULL)
        g_set_error (&error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                     _("No saved server is called “%s”; see “ferry-cli servers list”"), servers->address);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  connection = g_object_ref (found);

  /* Describe it while it is still saved. */
  builder = ferry_cli_json_begin ("servers remove");
  json_builder_set_member_name (builder, "removed");
  add_server (builder, context, connection, FALSE);

  if (!ferry_credentials_clear_sync (ferry_connection_get_address (connection),
                                     ferry_connection_get_username (connection), NULL, &keyring_error))
    g_debug ("Keyring: %s", keyring_error->message);
  ferry_connection_manager_remove (manager, connection);
  if (!ferry_connection_manager_save (manager, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (ferry_cli_context_get_json (context))
    ferry_cli_json_print (builder);
  else
    {
      text = g_strdup_printf (_("Removed %s@%s and its password."), ferry_connection_get_username (connection),
                              ferry_connection_get_address (connection));
      g_print ("%s\n", text);
    }
  g_task_return_int (task, FERRY_CLI_EXIT_OK);
}

/* servers trust */

/* The host keys whose pins belong to @connection: its address and members. */
static GPtrArray *
host_keys_of (FerryConnection *connection)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  const char * const *members = ferry_connection_get_members (connection);
  char *key;

  if ((key = ferry_cli_dup_host_key (ferry_connection_get_address (connection))) != NULL)
    g_ptr_array_add (keys, key);
  if (ferry_connection_get_master_address (connection) != NULL)
    g_ptr_array_add (keys, g_strdup (ferry_connection_get_master_address (connection)));
  for (guint i = 0; members != NULL && members[i] != NULL; i++)
    if ((key = ferry_cli_dup_host_key (members[i])) != NULL)
      g_ptr_array_add (keys, key);
  return keys;
}

static void
run_forget (GTask           *task,
            FerryConnection *connection)
{
  FerryCliContext *context = g_task_get_source_object (task);
  FerryTrustStore *store = ferry_connection_get_trust_store (connection);
  g_autoptr(GPtrArray) keys = host_keys_of (connection);
  g_autoptr(JsonBuilder) builder = ferry_cli_json_begin ("servers trust");
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  ferry_cli_json_add_string (builder, "server", ferry_connection_get_address (connection));
  json_builder_set_member_name (builder, "forgotten");
  json_builder_begin_array (builder);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      g_autofree char *pin = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_hash_table_add (seen, (gpointer) key))
        continue;
      pin = ferry_trust_store_dup_pin (store, key);
      if (pin == NULL)
        continue;
      if (!ferry_trust_store_forget (store, key, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      json_builder_begin_object (builder);
      ferry_cli_json_add_string (builder, "host", key);
      ferry_cli_json_add_string (builder, "fingerprint", pin);
      json_builder_end_object (builder);
      g_string_append_printf (text, _("Forgot the certificate of %s (SHA-256 %s).\n"), key, pin);
    }
  json_builder_end_array (builder);

  if (ferry_cli_context_get_json (context))
    ferry_cli_json_print (builder);
  else if (text->len == 0)
    g_print (_("No certificate of %s was trusted.\n"), ferry_connection_get_address (connection));
  else
    g_print ("%s%s\n", text->str, _("The next connection asks about the certificate the server presents then."));

  g_task_return_int (task, FERRY_CLI_EXIT_OK);
}

static void
on_trusted_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryCliContext *context = FERRY_CLI_CONTEXT (object);
  Servers *servers = g_task_get_task_data (task);
  FerryConnection *connection = servers->connection;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  const char *key;
  g_autofree char *pin = NULL;
  gboolean newly;

  if (!ferry_cli_context_open_finish (context, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  key = ferry_connection_get_master_address (connection);
  pin = ferry_trust_store_dup_pin (ferry_connection_get_trust_store (connection), key);
  newly = g_strcmp0 (pin, g_hash_table_lookup (servers->pins_before, key)) != 0;

  if (ferry_cli_context_get_json (context))
    {
      builder = ferry_cli_json_begin ("servers trust");
      ferry_cli_json_add_string (builder, "server", ferry_connection_get_address (connection));
      ferry_cli_json_add_string (builder, "host", key);
      ferry_cli_json_add_string (builder, "fingerprint", pin);
      json_builder_set_member_name (builder, "newly_trusted");
      json_builder_add_boolean_value (builder, newly);
      ferry_cli_json_print (builder);
    }
  else if (newly)
    g_print (_("Trusted the certificate of %s (SHA-256 %s).\n"), key, pin);
  else
    g_print (_("The certificate of %s was trusted already (SHA-256 %s).\n"), key, pin);

  g_task_return_int (task, FERRY_CLI_EXIT_OK);
}

static void
run_trust (GTask *task)
{
  FerryCliContext *context = g_task_get_source_object (task);
  Servers *servers = g_task_get_task_data (task);
  const char *user = ferry_cli_context_get_user (context);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  FerryConnection *saved;
  FerryTrustStore *store;
  char *password;

  saved = ferry_cli_context_find_saved (context, servers->address, user, &error);
  if (saved == NULL && error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  servers->connection = saved != NULL ? g_object_ref (saved)
                                      : ferry_connection_new (servers->address, user ? user : "root",
                                                              g_str_has_prefix (servers->address, "http://")
                                                                ? FERRY_TRANSPORT_HTTP : FERRY_TRANSPORT_HTTPS);

  if (servers->forget)
    {
      run_forget (task, servers->connection);
      return;
    }

  if (ferry_connection_get_transport (servers->connection) == FERRY_TRANSPORT_HTTP)
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                               _("%s uses plain HTTP: there is no certificate to trust"),
                               ferry_connection_get_address (servers->connection));
      return;
    }

  store = ferry_connection_get_trust_store (servers->connection);
  keys = host_keys_of (servers->connection);
  servers->pins_before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < keys->len; i++)
    {
      char *pin = ferry_trust_store_dup_pin (store, g_ptr_array_index (keys, i));

      if (pin != NULL)
        g_hash_table_replace (servers->pins_before, g_strdup (g_ptr_array_index (keys, i)), pin);
    }

  if (!ferry_connection_has_password (servers->connection))
    {
      password = ferry_cli_context_dup_password (context, ferry_connection_get_address (servers->connection),
                                                 ferry_connection_get_username (servers->connection), TRUE, &error);
      if (password == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      ferry_connection_set_password (servers->connection, password);
      ferry_credentials_free_password (password);
    }

  ferry_cli_context_open_async (context, servers->connection, FALSE, g_task_get_cancellable (task),
                                on_trusted_cb, g_object_ref (task));
}

/* Dispatch */

typedef struct
{
  const char *name;
  const char *parameters;
  const char *summary;
  void      (*run) (GTask *task);
  guint       n_arguments;
} Subcommand;

static const Subcommand subcommands[] = {
  { "list", N_("servers list"), N_("Lists the saved servers (no connection is made)."), run_list, 0 },
  { "add", N_("servers add ADDRESS"),
    N_("Connects to ADDRESS (checking the password and the certificate), saves it and its password."),
    run_add, 1 },
  { "remove", N_("servers remove SERVER"), N_("Forgets a saved server and its password."), run_remove, 1 },
  { "trust", N_("servers trust SERVER"),
    N_("Connects to SERVER and trusts its certificate (with --trust-fingerprint or on the terminal);\n"
       "with --forget, forgets the certificates trusted for it instead."),
    run_trust, 1 },
};

void
ferry_cli_servers_run_async (FerryCliContext     *context,
                             int                  argc,
                             char               **argv,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  Servers *servers = g_new0 (Servers, 1);
  const Subcommand *subcommand = NULL;
  const GOptionEntry add_entries[] = {
    { "no-keyring", 0, 0, G_OPTION_ARG_NONE, &servers->no_keyring,
      N_("Do not save the password in the keyring"), NULL },
    { NULL }
  };
  const GOptionEntry trust_entries[] = {
    { "forget", 0, 0, G_OPTION_ARG_NONE, &servers->forget,
      N_("Forget the trusted certificates instead (after the server really got a new one)"), NULL },
    { NULL }
  };

  task = g_task_new (context, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_cli_servers_run_async);
  g_task_set_task_data (task, servers, servers_free);

  for (guint i = 0; argc > 1 && i < G_N_ELEMENTS (subcommands); i++)
    if (g_str_equal (argv[1], subcommands[i].name))
      subcommand = &subcommands[i];

  if (subcommand == NULL)
    {
      /* Handles "servers --help" too. */
      if (ferry_cli_context_parse (context, _("servers list|add|remove|trust …"),
                                   _("Lists, adds, removes and trusts the saved servers, which the app shares."),
                                   NULL, &argc, &argv, &error))
        {
          if (argc > 1)
            g_set_error (&error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                         _("servers: unknown subcommand “%s”; it takes list, add, remove or trust"), argv[1]);
          else
            g_set_error_literal (&error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                                 _("servers needs a subcommand: list, add, remove or trust"));
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  command = g_strdup_printf ("servers %s", subcommand->name);
  ferry_cli_context_set_command (context, command);

  argc--;
  argv++;
  if (!ferry_cli_context_parse (context, _(subcommand->parameters), _(subcommand->summary),
                                subcommand->run == run_add ? add_entries :
                                subcommand->run == run_trust ? trust_entries : NULL,
                                &argc, &argv, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if ((guint) argc - 1 != subcommand->n_arguments)
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                               _("Usage: ferry-cli %s"), _(subcommand->parameters));
      return;
    }
  if (subcommand->n_arguments > 0)
    servers->address = g_strdup (argv[1]);

  if (ferry_cli_context_get_demo (context) && subcommand->run != run_list)
    {
      g_task_return_new_error (task, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                               _("The demo’s servers are built in: only “servers list” works with --demo"));
      return;
    }

  subcommand->run (task);
}
