/* test-feasibility-server.c: the server's confirmation of the grid: real
 * maps, one migrate_receive per destination, at most 4 calls in flight per
 * pool, answers cached and dropped when the caches change, cancellable,
 * refusals as findings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-feasibility-server"

#include "config.h"

#include <string.h>

#include "ferry-feasibility-server.h"
#include "queue-test-utils.h"

typedef struct
{
  guint pending;
  guint refused;
  guint accepted;
  guint failed;
  GPtrArray *checks;
} Tally;

static void
on_checked_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Tally *tally = user_data;
  g_autoptr(GError) error = NULL;
  FerryCheck *check = NULL;

  if (!ferry_feasibility_server_check_finish (FERRY_FEASIBILITY_SERVER (object), result, &check, &error))
    tally->failed++;
  else if (check != NULL)
    {
      tally->refused++;
      g_ptr_array_add (tally->checks, check);
    }
  else
    tally->accepted++;
  tally->pending--;
}

static gboolean
tally_done (gpointer data)
{
  return ((Tally *) data)->pending == 0;
}

static void
check_plans (FerryFeasibilityServer *server,
             GPtrArray              *plans,
             const char             *only_host,
             Tally                  *tally)
{
  memset (tally, 0, sizeof *tally);
  tally->checks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint p = 0; p < plans->len; p++)
    {
      FerryPlan *plan = g_ptr_array_index (plans, p);

      for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
        {
          FerryPlanItem *item = ferry_plan_get_item (plan, i);

          if (only_host != NULL && g_strcmp0 (ferry_plan_item_get_to_host_name (item), only_host) != 0)
            continue;
          tally->pending++;
          ferry_feasibility_server_check_async (server, plan, item, NULL, on_checked_cb, tally);
        }
    }
  g_assert_true (ferry_test_wait_until (tally_done, tally, 30000));
}

static FerryPlan *
storage_plan (const char *host)
{
  g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();

  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("ev-vm-%u", i);

      ferry_move_request_add_vm (request, QT_VM ("Evac", name));
    }
  ferry_move_request_set_destination_host (request, QT_HOST ("Evac", host));
  ferry_move_request_set_default_sr (request, QT_SR ("Evac", "Evac-iSCSI"));
  return qt_plan (request);
}

static void
on_invalidated_cb (FerryFeasibilityServer *server,
                   const char             *vm_uuid,
                   guint                  *count)
{
  (*count)++;
}

static gboolean
at_least_five (gpointer data)
{
  return *(guint *) data >= 5;
}

static void
test_bounded_cached_invalidated (void)
{
  g_autoptr(FerryFeasibilityServer) server = NULL;
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) disabled = NULL;
  g_autoptr(JsonNode) enabled = NULL;
  const char *ev3;
  Tally tally;
  guint calls;
  guint invalidated = 0;
  FerryCheck *check;

  g_test_summary ("Server checks: bounded per pool, one migrate_receive per host, cached, invalidated by the cache");

  qt_start (10);
  server = ferry_feasibility_server_new (G_LIST_MODEL (qt.connections));
  g_signal_connect (server, "invalidated", G_CALLBACK (on_invalidated_cb), &invalidated);
  g_ptr_array_add (plans, storage_plan ("ev-2"));
  g_ptr_array_add (plans, storage_plan ("ev-3"));

  /* Every call waits a simulated second: they pile up. */
  qt_add_faults ("{\"type\": \"slow_responses\", \"delay\": 1, \"host\": \"ev-1\", \"seconds\": 600}");
  check_plans (server, plans, NULL, &tally);
  g_assert_cmpuint (tally.accepted, ==, 10);
  g_assert_cmpuint (tally.failed, ==, 0);
  g_assert_cmpuint (ferry_feasibility_server_get_n_receives (server), ==, 2);
  g_assert_cmpuint (ferry_feasibility_server_get_n_calls (server), ==, 12);
  g_assert_cmpuint (ferry_feasibility_server_get_max_seen_in_flight (server), ==, FERRY_FEASIBILITY_SERVER_MAX_IN_FLIGHT);
  g_assert_cmpuint (ferry_feasibility_server_get_n_cached (server), ==, 10);
  g_clear_pointer (&tally.checks, g_ptr_array_unref);
  qt_clear_faults ();

  /* Asked again: the answers come from the cache. */
  calls = ferry_feasibility_server_get_n_calls (server);
  check_plans (server, plans, NULL, &tally);
  g_assert_cmpuint (tally.accepted, ==, 10);
  g_assert_cmpuint (ferry_feasibility_server_get_n_calls (server), ==, calls);
  g_clear_pointer (&tally.checks, g_ptr_array_unref);

  /* ev-3 is disabled on the server: the cache sees it, its answers go. */
  ev3 = ferry_object_get_ref (FERRY_OBJECT (QT_HOST ("Evac", "ev-3")));
  disabled = qt_call ("Evac", "host.disable", g_variant_new ("(s)", ev3));
  g_assert_true (ferry_test_wait_until (at_least_five, &invalidated, 10000));
  g_assert_cmpuint (ferry_feasibility_server_get_n_cached (server), ==, 5);

  /* The server refuses now, in the rules' form, naming the host. */
  check_plans (server, plans, "ev-3", &tally);
  g_assert_cmpuint (tally.refused, ==, 5);
  check = g_ptr_array_index (tally.checks, 0);
  g_assert_cmpstr (ferry_check_get_xapi_error (check), ==, "HOST_DISABLED");
  g_assert_cmpint (ferry_check_get_severity (check), ==, FERRY_CHECK_SEVERITY_BLOCKER);
  g_assert_nonnull (strstr (ferry_check_get_message (check), "ev-3"));
  g_assert_null (strstr (ferry_check_get_message (check), "OpaqueRef"));
  g_assert_nonnull (ferry_check_get_remedy (check));
  g_clear_pointer (&tally.checks, g_ptr_array_unref);

  enabled = qt_call ("Evac", "host.enable", g_variant_new ("(s)", ev3));
  qt_assert_invariants ();
  qt_stop ();
}

static void
test_cancel (void)
{
  g_autoptr(FerryFeasibilityServer) server = NULL;
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(FerryPlan) plan = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryCheck) check = NULL;

  g_test_summary ("A server check can be cancelled");

  qt_start (1);
  server = ferry_feasibility_server_new (G_LIST_MODEL (qt.connections));
  request = ferry_move_request_new_for_vm (QT_VM ("Evac", "ev-vm-1"));
  ferry_move_request_set_destination_host (request, QT_HOST ("Evac", "ev-2"));
  plan = qt_plan (request);

  qt_add_faults ("{\"type\": \"slow_responses\", \"delay\": 30, \"method\": \"VM.assert_can_boot_here\", \"count\": 1}");
  ferry_feasibility_server_check_async (server, plan, ferry_plan_get_item (plan, 0), cancellable,
                                        ferry_test_result_cb, &pending);
  ferry_test_spin (100);
  g_cancellable_cancel (cancellable);
  result = ferry_test_wait_result (&pending);
  g_assert_false (ferry_feasibility_server_check_finish (server, result, &check, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (check);
  g_assert_cmpuint (ferry_feasibility_server_get_n_cached (server), ==, 0);

  qt_clear_faults ();
  qt_stop ();
}

static void
test_grid (void)
{
  g_autoptr(FerryFeasibilityServer) server = NULL;
  g_autoptr(FerryFeasibility) grid = NULL;
  g_autoptr(FerryMoveRequest) template = ferry_move_request_new ();
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint blocked = 0;
  guint asked;

  g_test_summary ("A grid's cells the local pass allows are confirmed by the server, one reason per cell");

  qt_start (1000);
  server = ferry_feasibility_server_new (G_LIST_MODEL (qt.connections));
  grid = ferry_feasibility_new (template, NULL, NULL);
  ferry_feasibility_add_vm (grid, QT_VM ("Evac", "ev-vm-1"));
  ferry_feasibility_add_vm (grid, QT_VM ("Evac", "ev-local"));
  ferry_feasibility_add_destination (grid, QT_HOST ("Evac", "ev-1"));
  ferry_feasibility_add_destination (grid, QT_HOST ("Evac", "ev-2"));
  ferry_feasibility_add_destination (grid, QT_HOST ("Dest", "d-1"));
  ferry_feasibility_add_destination (grid, ferry_cache_get_pool (qt_cache ("Dest")));
  ferry_feasibility_run_local (grid);
  for (guint v = 0; v < 2; v++)
    for (guint d = 0; d < 4; d++)
      blocked += ferry_feasibility_get_verdict (grid, v, d) >= FERRY_CHECK_SEVERITY_BLOCKER;
  /* Both VMs are already on ev-1. */
  g_assert_cmpuint (blocked, >=, 2);

  ferry_feasibility_server_confirm_async (server, grid, NULL, NULL, ferry_test_result_cb, &pending);
  result = ferry_test_wait_result (&pending);
  asked = ferry_feasibility_server_confirm_finish (server, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (asked, ==, 8 - blocked);
  /* A pool column that picks d-1 asks what the d-1 column asked. */
  g_assert_cmpuint (ferry_feasibility_server_get_n_cached (server), <=, asked);
  g_assert_cmpuint (ferry_feasibility_server_get_n_cached (server), >, 0);
  for (guint v = 0; v < 2; v++)
    for (guint d = 0; d < 4; d++)
      if (ferry_feasibility_get_verdict (grid, v, d) >= FERRY_CHECK_SEVERITY_BLOCKER)
        g_assert_nonnull (ferry_feasibility_get_reason (grid, v, d));
  g_assert_cmpuint (ferry_feasibility_server_get_n_receives (server), >=, 1);

  qt_stop ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/feasibility-server/bounded-cached-invalidated", test_bounded_cached_invalidated);
  g_test_add_func ("/feasibility-server/cancel", test_cancel);
  g_test_add_func ("/feasibility-server/grid", test_grid);

  return g_test_run ();
}
