/* ferry-ui-test-utils.h: helpers of the UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-connection-manager.h"
#include "ferry-job.h"
#include "ferry-sim-test-server.h"
#include "ferry-window.h"

G_BEGIN_DECLS

/* gtk_test_init, isolated directories, adw_init. */
void                    ferry_ui_test_init             (int              *argc,
                                                        char           ***argv);
/* Spins the main context until @func returns TRUE; FALSE after @timeout_ms. */
gboolean                ferry_ui_test_wait_until       (gboolean        (*func) (gpointer),
                                                        gpointer          data,
                                                        guint             timeout_ms);
void                    ferry_ui_test_spin             (guint             ms);
/* Spins until @connection is in @state; fails the test after @timeout_ms. */
void                    ferry_ui_test_wait_state       (FerryConnection  *connection,
                                                        FerryConnectionState state,
                                                        guint             timeout_ms);
/* Spins until every job (FerryJob) of @jobs is final; fails after @timeout_ms. */
void                    ferry_ui_test_wait_jobs        (GPtrArray        *jobs,
                                                        guint             timeout_ms);
/* A manager whose list lives in a new temporary file. */
FerryConnectionManager *ferry_ui_test_manager_new      (void);
/* The first toplevel of @type, or NULL. */
GtkWidget              *ferry_ui_test_find_toplevel    (GType             type);
/* Waits until one exists. */
GtkWidget              *ferry_ui_test_wait_toplevel    (GType             type,
                                                        guint             timeout_ms);
/* A drawn row of the tree whose title is @title, or NULL. */
GtkWidget              *ferry_ui_test_find_tree_row    (GtkWidget        *widget,
                                                        const char       *title);
/* The URL of the pool or standalone host @name ("http://…" or "https://…"). */
char                   *ferry_ui_test_sim_url          (FerrySimTestServer *server,
                                                        const char       *name,
                                                        gboolean          tls);
/* Adds the pool or standalone host @name to @manager as root (password
 * "demo", plain HTTP, quick reconnects) and opens it. Transfer none. */
FerryConnection        *ferry_ui_test_connect          (FerrySimTestServer *server,
                                                        FerryConnectionManager *manager,
                                                        const char       *name);
/* The object of @type named @name (NULL: the first) in the cache of
 * @connection; VMs only as the tree lists them (no templates, snapshots or
 * control domains). Fails the test when there is none. Transfer none. */
FerryObject            *ferry_ui_test_find_object      (FerryConnection  *connection,
                                                        GType             type,
                                                        const char       *name);
/* In the simulator's own thread: its time scale, and faults (ferry-sim
 * README §9, a JSON object or array). */
void                    ferry_ui_test_set_time_scale   (FerrySimTestServer *server,
                                                        double            scale);
void                    ferry_ui_test_add_faults       (FerrySimTestServer *server,
                                                        const char       *json);

G_END_DECLS
