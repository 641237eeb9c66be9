/* ferry-sim-pool.h: one simulated pool (or standalone host): its database and logins
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ferry-sim-db.h"

G_BEGIN_DECLS

#define FERRY_SIM_TYPE_POOL (ferry_sim_pool_get_type ())
G_DECLARE_FINAL_TYPE (FerrySimPool, ferry_sim_pool, FERRY_SIM, POOL, GObject)

FerrySimPool *ferry_sim_pool_new               (FerrySimDb   *db);
FerrySimDb   *ferry_sim_pool_get_db            (FerrySimPool *self);
void          ferry_sim_pool_set_password      (FerrySimPool *self,
                                                const char   *user,
                                                const char   *password);
gboolean      ferry_sim_pool_check_password    (FerrySimPool *self,
                                                const char   *user,
                                                const char   *password);
gboolean      ferry_sim_pool_has_users         (FerrySimPool *self);
/* The one row of the "pool" table, or NULL if the database has none. */
FerrySimRow  *ferry_sim_pool_get_pool_row      (FerrySimPool *self);
FerrySimRow  *ferry_sim_pool_get_master        (FerrySimPool *self);
/* The pool's name_label, or the master's for a standalone host. */
const char   *ferry_sim_pool_get_name          (FerrySimPool *self);
/* A standalone host: a pool object with an empty name and one host. */
gboolean      ferry_sim_pool_is_standalone     (FerrySimPool *self);

/* The FerrySimWorld the pool belongs to (unowned), once added to one. */
gpointer      ferry_sim_pool_get_world         (FerrySimPool *self);
void          _ferry_sim_pool_set_world        (FerrySimPool *self,
                                                gpointer      world);

/* Simulation-only facts about an object (dirty-page rate, NIC speed, …) that
 * the time model reads and the wire never shows. */
void          ferry_sim_pool_set_sim_attribute (FerrySimPool *self,
                                                const char   *ref,
                                                const char   *key,
                                                const char   *value);
const char   *ferry_sim_pool_get_sim_attribute (FerrySimPool *self,
                                                const char   *ref,
                                                const char   *key);
double        ferry_sim_pool_get_sim_number    (FerrySimPool *self,
                                                const char   *ref,
                                                const char   *key,
                                                double        fallback);

G_END_DECLS
