/* sim-test-ops.h: helpers for the tests of the simulator's operations
 * (test-sim-checks.c, test-sim-migrate.c): JSON-RPC calls by pool name,
 * refs by name, tasks, the world's clock and invariants
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-sim-test-server.h"

G_BEGIN_DECLS

/* A world of the demo scenario plus the pools of @extra_scenario (may be NULL). */
FerrySimTestServer *sim_ops_start            (const char  *extra_scenario);
void                sim_ops_stop             (void);

/* A string that lives until sim_ops_stop(). */
const char         *sim_fmt                  (const char  *format,
                                              ...) G_GNUC_PRINTF (1, 2);
/* @text as a JSON string, quotes included. */
const char         *sim_quote                (const char  *text);
/* {"k1": "v1", …} from NULL-terminated pairs of strings. */
const char         *sim_map                  (const char  *first_key,
                                              ...) G_GNUC_NULL_TERMINATED;

/* The master URL of a pool or standalone host, and a root session there. */
const char         *sim_url                  (const char  *pool);
const char         *sim_session              (const char  *pool);

/* JSON-RPC v2 on @pool; params are JSON text after the session. */
JsonNode           *sim_call                 (const char  *pool,
                                              const char  *method,
                                              const char  *params);
/* A call that must succeed; its result does not matter. */
void                sim_ok                   (const char  *pool,
                                              const char  *method,
                                              const char  *params);
const char         *sim_call_string          (const char  *pool,
                                              const char  *method,
                                              const char  *params);
/* "CODE p1 p2 …" of a call that must fail. */
const char         *sim_fail                 (const char  *pool,
                                              const char  *method,
                                              const char  *params);

/* Refs by name_label; fields as strings. */
const char         *sim_ref                  (const char  *pool,
                                              const char  *klass,
                                              const char  *name);
const char         *sim_field                (const char  *pool,
                                              const char  *klass,
                                              const char  *ref,
                                              const char  *field);
JsonObject         *sim_record               (const char  *pool,
                                              const char  *klass,
                                              const char  *ref);
/* The VDIs of a VM's disks (not CDs), in VBD order. */
GPtrArray          *sim_vm_disks             (const char  *pool,
                                              const char  *vm);
/* A vdi_map sending every disk of @vm to @sr (in @dest_pool). */
const char         *sim_vdi_map_all          (const char  *pool,
                                              const char  *vm,
                                              const char  *sr);
/* A vif_map sending every VIF of @vm to @network. */
const char         *sim_vif_map_all          (const char  *pool,
                                              const char  *vm,
                                              const char  *network);

/* Waits until the task is no longer pending; returns its record. */
JsonObject         *sim_wait_task            (const char  *pool,
                                              const char  *task);
/* Waits until @task's progress is above @progress (or it ended). */
void                sim_wait_progress        (const char  *pool,
                                              const char  *task,
                                              double       progress);
/* "CODE p1 …" of a failed task, "(success)", or "(cancelled) CODE …". */
const char         *sim_task_outcome         (JsonObject  *task);

/* Runs @func on the simulator's thread with the world. */
typedef void (*SimWorldFunc) (FerrySimWorld *world,
                              gpointer       data);
void                sim_with_world           (SimWorldFunc func,
                                              gpointer     data);
FerrySimPool       *sim_world_pool           (FerrySimWorld *world,
                                              const char    *name);
void                sim_set_time_scale       (double       scale);
void                sim_add_faults           (const char  *json);
void                sim_clear_faults         (void);
/* Fails the test with every violated invariant (ferry_sim_world_check_invariants). */
void                sim_assert_invariants    (void);

G_END_DECLS
