/* ferry-sim-rpc-private.h: how the message families plug into the dispatcher
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-sim-rpc.h"

G_BEGIN_DECLS

void _ferry_sim_generic_register (void);
void _ferry_sim_session_register (void);
void _ferry_sim_event_register   (void);
void _ferry_sim_task_register    (void);
void _ferry_sim_vm_register      (void);
void _ferry_sim_host_register    (void);
void _ferry_sim_migrate_register (void);
void _ferry_sim_evacuate_register (void);
void _ferry_sim_storage_register (void);

/* The running Async call of @task_ref, or NULL. */
FerrySimCall *_ferry_sim_rpc_lookup_task_call (const char *task_ref);

/* Every registered method, by wire name and underscore alias. */
GHashTable *_ferry_sim_rpc_get_methods (void);

/* A source on the calling thread's default context, as the server runs there.
 * The caller owns the returned reference; _ferry_sim_source_clear() ends it. */
GSource *_ferry_sim_timeout_add  (guint          msec,
                                  GSourceFunc    func,
                                  gpointer       data,
                                  GDestroyNotify destroy);
void     _ferry_sim_idle_add     (GSourceFunc    func,
                                  gpointer       data,
                                  GDestroyNotify destroy);
void     _ferry_sim_source_clear (GSource      **source);

G_END_DECLS
