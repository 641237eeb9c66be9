/* ferry-sim-thread.h: a simulated world served from its own thread, for the
 * app's demo mode and for tests that make blocking calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-sim-world.h"

G_BEGIN_DECLS

typedef struct _FerrySimThread FerrySimThread;

/* Builds the world on the new thread; returns it ready to load. */
typedef FerrySimWorld *(*FerrySimThreadFactory) (gpointer   user_data,
                                                GError   **error);

/* Blocks until the world listens (or failed to). */
FerrySimThread *ferry_sim_thread_start            (FerrySimThreadFactory  factory,
                                                   gpointer              user_data,
                                                   GError              **error);
/* The demo scenario, with a password of "demo". */
FerrySimThread *ferry_sim_thread_start_demo       (GError              **error);
void            ferry_sim_thread_stop             (FerrySimThread       *self);
/* Runs @func on the simulator's thread and waits for it. */
void            ferry_sim_thread_invoke           (FerrySimThread       *self,
                                                   GSourceFunc           func,
                                                   gpointer              data);
/* Only touch it from ferry_sim_thread_invoke(). */
FerrySimWorld  *ferry_sim_thread_get_world        (FerrySimThread       *self);
/* The world's announcement line (ferry_sim_world_dup_announcement). */
const char     *ferry_sim_thread_get_announcement (FerrySimThread       *self);

G_END_DECLS
