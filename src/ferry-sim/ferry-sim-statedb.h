/* ferry-sim-statedb.h: loads real xapi database dumps (state.db, pool-dump-database)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ferry-sim-db.h"

G_BEGIN_DECLS

/* Both read the XML that xapi keeps in /var/lib/xcp/state.db and that
 * `xe pool-dump-database` writes (xapi.md §7). Tables and columns the schema
 * does not know are ignored; values that do not parse keep their defaults, and
 * set elements or map pairs that do not fit their types (say, an enum value of
 * another xapi version) are dropped. Refs and uuids must be unique.
 * Errors are FERRY_SIM_ERROR_FILE, "NAME:LINE: problem".
 *
 * The file is streamed through the parser in chunks, never read whole. */
FerrySimDb *ferry_sim_statedb_load_file (const char  *path,
                                         GError     **error);

/* @name only names the data in error messages. @length may be -1 (as a gsize)
 * for NUL-terminated @data. */
FerrySimDb *ferry_sim_statedb_load_data (const char  *data,
                                         gsize        length,
                                         const char  *name,
                                         GError     **error);

G_END_DECLS
