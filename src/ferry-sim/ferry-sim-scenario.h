/* ferry-sim-scenario.h: pools from a JSON scenario file, or generated ones
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ferry-sim-pool.h"

G_BEGIN_DECLS

/* Loads every pool and standalone host of a scenario (format: README.md).
 * Returns FerrySimPool objects, or NULL with FERRY_SIM_ERROR_FILE and a
 * "FILE:LINE: problem" message. @default_password is root's password where
 * the scenario names no users; NULL means "demo". */
GPtrArray    *ferry_sim_scenario_load_file (const char  *path,
                                            const char  *default_password,
                                            GError     **error);
/* The same for text in memory; @name stands for FILE in messages. Never
 * crashes, whatever @data holds (the fuzzers' entry point). */
GPtrArray    *ferry_sim_scenario_load_data (const char  *data,
                                            gsize        length,
                                            const char  *name,
                                            const char  *default_password,
                                            GError     **error);

/* A generated pool: @spec is "hosts=N,vms=M[,vdis=K][,seed=S][,srs=R][,networks=W]".
 * The same spec gives the same pool, refs and UUIDs included. Errors are
 * FERRY_SIM_ERROR_INVALID. The pool has no users: set a password. */
FerrySimPool *ferry_sim_generate           (const char  *spec,
                                            GError     **error);

G_END_DECLS
