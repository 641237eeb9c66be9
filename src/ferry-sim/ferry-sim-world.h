/* ferry-sim-world.h: the simulated world: pools and standalone hosts, each host
 * listening on its own port for HTTP and HTTPS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-sim-pool.h"

G_BEGIN_DECLS

#define FERRY_SIM_TYPE_WORLD (ferry_sim_world_get_type ())
G_DECLARE_FINAL_TYPE (FerrySimWorld, ferry_sim_world, FERRY_SIM, WORLD, GObject)

FerrySimWorld *ferry_sim_world_new                (void);
void          ferry_sim_world_add_pool           (FerrySimWorld *self,
                                            FerrySimPool     *pool);
GPtrArray    *ferry_sim_world_get_pools          (FerrySimWorld *self);
FerrySimPool *ferry_sim_world_lookup_pool        (FerrySimWorld *self,
                                            const char       *name);
void          ferry_sim_world_set_bind_address   (FerrySimWorld *self,
                                            const char       *address);
/* One certificate for every host; without it each host makes its own. */
void          ferry_sim_world_set_certificate    (FerrySimWorld *self,
                                            GTlsCertificate  *certificate);
/* Sources of pools. Dumps and generated pools accept root with @password. */
gboolean      ferry_sim_world_load_scenario (FerrySimWorld  *self,
                                            const char       *path,
                                            const char       *password,
                                            GError          **error);
gboolean      ferry_sim_world_load_state_db (FerrySimWorld  *self,
                                            const char       *path,
                                            const char       *password,
                                            GError          **error);
gboolean      ferry_sim_world_generate     (FerrySimWorld    *self,
                                            const char       *spec,
                                            const char       *password,
                                            GError          **error);
/* The installed demo scenario, or the source tree's when run uninstalled. */
char         *ferry_sim_world_dup_demo_path (void);

/* Listens on the thread-default main context. @first_port 0: a free port per host. */
gboolean      ferry_sim_world_start              (FerrySimWorld *self,
                                            guint             first_port,
                                            GError          **error);
void          ferry_sim_world_stop               (FerrySimWorld *self);
/* The one-line JSON that names every pool, standalone host and host with its URLs. */
char         *ferry_sim_world_dup_announcement   (FerrySimWorld *self);
/* "http://127.0.0.1:PORT/" or "https://…" for a host, once started. */
char         *ferry_sim_world_dup_host_url       (FerrySimWorld *self,
                                            const char       *host_ref,
                                            gboolean          tls);
/* A new self-signed certificate for one host, as after a reinstall. */
gboolean      ferry_sim_world_regenerate_certificate (FerrySimWorld *self,
                                            const char       *host_ref,
                                            GError          **error);
/* The pool's master moves to @host_ref; the old one answers HOST_IS_SLAVE and
 * every session ends, as after an HA fail-over. */
gboolean      ferry_sim_world_designate_master (FerrySimWorld *self,
                                            FerrySimPool     *pool,
                                            const char       *host_ref);
/* Closes every open connection to @host_ref (NULL: all hosts), and refuses new
 * ones for @seconds. */
void          ferry_sim_world_drop_connections (FerrySimWorld *self,
                                            const char       *host_ref,
                                            double            seconds);
GTlsCertificate *ferry_sim_world_get_host_certificate (FerrySimWorld *self,
                                            const char       *host_ref);

/* Simulated seconds per real second (default 1; 100: a hundred times faster).
 * Migrations (ferry-sim-timemodel.h) and fault durations (ferry-sim-faults.h)
 * run on this clock; a change applies to what is running too. */
void          ferry_sim_world_set_time_scale (FerrySimWorld    *self,
                                            double            scale);
double        ferry_sim_world_get_time_scale (FerrySimWorld    *self);
/* Simulated seconds since the world was made: the clock of the time model. */
double        ferry_sim_world_get_sim_time   (FerrySimWorld    *self);
/* The pool in @self whose database holds @ref (a host, VM, …), or NULL. */
FerrySimPool *ferry_sim_world_find_pool_of   (FerrySimWorld    *self,
                                            const char       *ref);

G_END_DECLS
