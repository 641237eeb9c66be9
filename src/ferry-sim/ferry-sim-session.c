/* ferry-sim-session.c: session.* and system.* (xapi.md §1.8)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-session"

#include "config.h"

#include <string.h>

#include "ferry-sim-error.h"
#include "ferry-sim-rpc-private.h"

static void
login_with_password (FerrySimCall *call)
{
  FerrySimPool *pool = ferry_sim_call_get_pool (call);
  FerrySimDb *db = ferry_sim_call_get_db (call);
  const char *user = ferry_sim_call_get_arg_string (call, 0);
  const char *password = ferry_sim_call_get_arg_string (call, 1);
  const char *originator = ferry_sim_call_get_n_args (call) > 3 ? ferry_sim_call_get_arg_string (call, 3) : "";
  FerrySimRow *session;
  FerrySimValue now = FERRY_SIM_VALUE_INIT;

  if (!ferry_sim_pool_check_password (pool, user, password))
    {
      ferry_sim_call_return_error (call,
                                   ferry_sim_failure_new ("SESSION_AUTHENTICATION_FAILED", user,
                                                          "Authentication failure", NULL));
      return;
    }

  session = ferry_sim_db_create (db, "session");
  ferry_sim_db_set_string (db, session, "this_host", ferry_sim_call_get_host_ref (call));
  ferry_sim_db_set_string (db, session, "this_user", FERRY_SIM_NULL_REF);
  ferry_sim_db_set_string (db, session, "originator", originator);
  ferry_sim_db_set_string (db, session, "auth_user_name", user);
  ferry_sim_value_set_datetime_now (&now);
  ferry_sim_db_set_value (db, session, "last_active", &now);
  ferry_sim_db_set_bool (db, session, "is_local_superuser", g_strcmp0 (user, "root") == 0);

  ferry_sim_call_return_string (call, session->ref);
}

static void
logout (FerrySimCall *call)
{
  FerrySimRow *session = ferry_sim_call_get_session (call);

  ferry_sim_db_delete_row (ferry_sim_call_get_db (call), session);
  ferry_sim_call_return_void (call);
}

static void
change_password (FerrySimCall *call)
{
  FerrySimPool *pool = ferry_sim_call_get_pool (call);
  const char *user = ferry_sim_row_get_string (ferry_sim_call_get_session (call), "auth_user_name");

  if (!ferry_sim_pool_check_password (pool, user, ferry_sim_call_get_arg_string (call, 0)))
    {
      ferry_sim_call_return_error (call,
                                   ferry_sim_failure_new ("SESSION_AUTHENTICATION_FAILED", user ? user : "",
                                                          "Authentication failure", NULL));
      return;
    }

  ferry_sim_pool_set_password (pool, user, ferry_sim_call_get_arg_string (call, 1));
  ferry_sim_call_return_void (call);
}

static void
get_all_subject_identifiers (FerrySimCall *call)
{
  FerrySimValue none = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_set_array (&none);
  ferry_sim_call_return_value (call, &none);
}

/* g_ptr_array_sort() hands the comparator pointers to the elements. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
list_methods (FerrySimCall *call)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  FerrySimValue result = FERRY_SIM_VALUE_INIT;
  GHashTableIter iter;
  gpointer key;
  gpointer value;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  /* Each method once, by its dotted name. */
  g_hash_table_iter_init (&iter, _ferry_sim_rpc_get_methods ());
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const FerrySimMethodDef *def = value;
      if (g_hash_table_add (seen, (gpointer) def))
        g_ptr_array_add (names, (gpointer) def->name);
    }
  g_ptr_array_sort (names, compare_names);

  ferry_sim_value_set_array (&result);
  for (guint i = 0; i < names->len; i++)
    ferry_sim_value_append_string (&result, *(const char **) &names->pdata[i]);
  ferry_sim_call_return_value (call, &result);
}

static const FerrySimMethodDef session_methods[] = {
  { "session.login_with_password", login_with_password,
    FERRY_SIM_METHOD_NO_SESSION | FERRY_SIM_METHOD_NO_ASYNC, 2,
    { "string", "string", "string", "string" } },
  { "session.logout", logout, FERRY_SIM_METHOD_NO_ASYNC, 0, { NULL } },
  { "session.change_password", change_password, FERRY_SIM_METHOD_NO_ASYNC, 2, { "string", "string" } },
  { "session.get_all_subject_identifiers", get_all_subject_identifiers, FERRY_SIM_METHOD_NO_ASYNC, 0, { NULL } },
  { "system.listMethods", list_methods, FERRY_SIM_METHOD_NO_SESSION | FERRY_SIM_METHOD_NO_ASYNC, 0, { NULL } },
};

void
_ferry_sim_session_register (void)
{
  ferry_sim_rpc_register (session_methods, G_N_ELEMENTS (session_methods));
}
