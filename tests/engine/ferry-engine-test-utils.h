/* ferry-engine-test-utils.h: shared helpers of the connection-layer tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ferry-connection.h"
#include "ferry-sim-test-server.h"
#include "ferry-test-proxy.h"

G_BEGIN_DECLS

#define FERRY_TEST_PASSWORD "demo"

/* How many times slower than normal this run is: $FERRY_TEST_TIME_SCALE
 * (the valgrind test setup sets it), else 1. The waits below scale their
 * timeouts by it; tests scale timeouts they give the engine with it. */
double            ferry_test_time_scale        (void);
/* @ms times the time scale. */
guint             ferry_test_scale_ms          (guint               ms);

/* Spins the thread-default main context until *@flag, failing the test
 * after @timeout_ms (scaled, like every timeout_ms below). */
void              ferry_test_wait_for          (const gboolean     *flag,
                                                guint               timeout_ms);
/* Spins until @func returns TRUE; FALSE when @timeout_ms passed first. */
gboolean          ferry_test_wait_until        (gboolean          (*func) (gpointer),
                                                gpointer            data,
                                                guint               timeout_ms);
/* Spins for @ms. */
void              ferry_test_spin              (guint               ms);
/* A GAsyncReadyCallback storing the result in *(GAsyncResult **) user_data. */
void              ferry_test_result_cb         (GObject            *object,
                                                GAsyncResult       *result,
                                                gpointer            user_data);
/* Spins until *@result is set (30 s scaled at most) and returns it (transfer full). */
GAsyncResult     *ferry_test_wait_result       (GAsyncResult      **result);

/* Accepts every certificate; counts the questions in *@counter (may be NULL). */
void              ferry_test_trust_everything  (FerryConnection    *connection,
                                                guint              *counter);
/* A connection with the demo password, fast reconnects, a 10 s (scaled)
 * call timeout, every certificate accepted; not opened. */
FerryConnection  *ferry_test_connection_new    (const char         *address,
                                                FerryTransport      transport);
/* Opens @connection and fails the test unless it connects. */
void              ferry_test_open              (FerryConnection    *connection);
gboolean          ferry_test_open_sync         (FerryConnection    *connection,
                                                GError            **error);
void              ferry_test_close             (FerryConnection    *connection);
JsonNode         *ferry_test_call_sync         (FerryConnection    *connection,
                                                const char         *method,
                                                GVariant           *args,
                                                FerryCallFlags      flags,
                                                GError            **error);
/* Spins until the connection is in @state. */
void              ferry_test_wait_state        (FerryConnection    *connection,
                                                FerryConnectionState state,
                                                guint               timeout_ms);

/* The simulator. */
/* "127.0.0.1:PORT" of the master (@member < 0) or of the @member-th member
 * that is not the master, of the pool or standalone host @name. */
char             *ferry_test_sim_address       (FerrySimTestServer *server,
                                                const char         *name,
                                                int                 member);
char             *ferry_test_sim_host_ref      (FerrySimTestServer *server,
                                                const char         *name,
                                                int                 member);
/* Runs ferry_sim_rpc_expire_sessions() on the pool's thread. */
void              ferry_test_sim_expire_sessions (FerrySimTestServer *server,
                                                const char         *name);
/* Makes @host_ref the pool's master (what HA or designate_new_master do). */
void              ferry_test_sim_set_master    (FerrySimTestServer *server,
                                                const char         *name,
                                                const char         *host_ref);
/* Changes the host.address the pool's records show for @host_ref. */
void              ferry_test_sim_set_host_address (FerrySimTestServer *server,
                                                const char         *name,
                                                const char         *host_ref,
                                                const char         *address);
void              ferry_test_sim_set_password  (FerrySimTestServer *server,
                                                const char         *name,
                                                const char         *password);
/* Live sessions of the pool with @originator (NULL: any). */
guint             ferry_test_sim_count_sessions (FerrySimTestServer *server,
                                                const char         *name,
                                                const char         *originator);
/* Test methods, registered once in the simulator:
 *   VM.ferry_test_sleep (ms) → "slept", after @ms;
 *   VM.ferry_test_work (steps, step_ms) → {"steps": "N"}: for Async use,
 *     progress step by step, cancellable throughout.
 * And a wrapper of event.from that fails the next @n calls with @code
 * (ferry_test_sim_fail_event_from). */
void              ferry_test_sim_register_methods (void);
/* VM.ferry_test_sleep calls now sleeping in the simulator. */
guint             ferry_test_sim_get_n_sleeping (void);
void              ferry_test_sim_fail_event_from (const char       *code,
                                                guint               n);
guint             ferry_test_sim_get_n_event_from (void);

G_END_DECLS
