/* ferry-sim-transfer.h: the HTTP export and import handlers (README.md §12)
 *
 *   GET /export?session_id=…&uuid=…|ref=…[&use_compression=gzip|true|false][&task_id=…]
 *   PUT /import?session_id=…[&sr_id=…|sr_uuid=…][&task_id=…][&restore=true]
 *
 * Both run as tasks (the task_id given, made with task.create, or one of
 * their own) with progress, and task.cancel stops them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "ferry-sim-pool.h"

G_BEGIN_DECLS

gboolean ferry_sim_transfer_is_path       (const char        *path);
/* From the server's early handler, once the headers are in (/import). */
void     ferry_sim_transfer_got_headers   (FerrySimPool      *pool,
                                           SoupServerMessage *msg,
                                           const char        *path,
                                           GHashTable        *query);
/* From the server's handler, once the body is in. */
void     ferry_sim_transfer_handle        (FerrySimPool      *pool,
                                           SoupServerMessage *msg,
                                           const char        *path,
                                           GHashTable        *query);
/* task.cancel of a transfer's task: TRUE if it was one. */
gboolean _ferry_sim_transfer_cancel       (const char        *task_ref);
/* task.create, VM.destroy and VIF.move. */
void     _ferry_sim_transfer_register     (void);

G_END_DECLS
