/* ferry-demo.h: the built-in demo: a simulator on its own thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-connection-manager.h"

G_BEGIN_DECLS

#define FERRY_TYPE_DEMO (ferry_demo_get_type ())

G_DECLARE_FINAL_TYPE (FerryDemo, ferry_demo, FERRY, DEMO, GObject)

/* Starts the demo scenario on loopback; the simulator stops with the object. */
FerryDemo  *ferry_demo_new               (GError                **error);
const char *ferry_demo_get_announcement  (FerryDemo              *self);
/* A connection manager whose list lives in a temporary file, so that the
 * demo's servers never mix with the user's. */
FerryConnectionManager *ferry_demo_get_manager (FerryDemo        *self);
/* The demo's own journal (ferry-history.h), in the same temporary
 * directory: the demo's moves never mix with the user's history. */
const char *ferry_demo_get_history_path  (FerryDemo              *self);
/* Adds and opens a connection to every simulated pool and standalone host
 * (plain HTTP on loopback, user root, password "demo"). */
gboolean    ferry_demo_connect_all       (FerryDemo              *self,
                                          GError                **error);

G_END_DECLS
