/* ferry-cli-objects.h: finding pools, hosts, VMs, SRs, disks and networks
 * by name, UUID or ref, and describing them as JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ferry-cache.h"
#include "ferry-connection.h"
#include "ferry-object.h"
#include "ferry-vm.h"

G_BEGIN_DECLS

/* The kinds of object the command line shows ("type" in JSON). */
typedef enum
{
  FERRY_CLI_KIND_POOL,
  FERRY_CLI_KIND_HOST,
  FERRY_CLI_KIND_VM,
  FERRY_CLI_KIND_SR,
  FERRY_CLI_KIND_DISK,
  FERRY_CLI_KIND_NETWORK,
  FERRY_CLI_N_KINDS,
  FERRY_CLI_KIND_ANY = FERRY_CLI_N_KINDS,
} FerryCliKind;

/* "pool", "host", "vm", "sr", "disk", "network". */
const char   *ferry_cli_kind_to_string          (FerryCliKind   kind);
/* Also takes plurals and "vdi", "net". */
gboolean      ferry_cli_kind_from_string        (const char    *text,
                                                 FerryCliKind  *kind);
GType         ferry_cli_kind_get_object_type    (FerryCliKind   kind);
/* The kind of an object; FERRY_CLI_KIND_ANY for other classes. */
FerryCliKind  ferry_cli_kind_of                 (FerryObject   *object);

/* "running", "halted", "paused", "suspended" or "unknown". */
const char   *ferry_cli_vm_power_state_to_string (FerryVmPowerState state);

/* Remembers which connection fed @cache (for the "server" of a pool). */
void          ferry_cli_cache_set_connection    (FerryCache      *cache,
                                                 FerryConnection *connection);
FerryConnection *ferry_cli_cache_get_connection (FerryCache      *cache);

/* The pool's name, or the host's name for a standalone host. */
const char   *ferry_cli_pool_get_display_name   (FerryPool     *pool);
/* An object's name as people see it (pools: the display name). */
const char   *ferry_cli_object_get_name         (FerryObject   *object);
/* The pool object of the cache holding @object, or NULL. */
FerryPool    *ferry_cli_object_get_pool         (FerryObject   *object);

/* Whether ls shows the object without --all: no templates, snapshots,
 * control domains, snapshot or ISO disks, nor the tools SR. */
gboolean      ferry_cli_object_is_listed        (FerryObject   *object);

/* The one object of @kind (or of any kind) that @text names by ref, UUID
 * or name, in the caches of @connections. With several of that name,
 * @prefer (nullable) decides when exactly one is in it; otherwise
 * FERRY_CLI_ERROR_AMBIGUOUS, listing them. Transfer none. */
FerryObject  *ferry_cli_find_object             (GPtrArray     *connections,
                                                 FerryCliKind   kind,
                                                 const char    *text,
                                                 FerryCache    *prefer,
                                                 GError       **error);

/* {"type", "name", "uuid", "ref"}, or null for NULL. */
void          ferry_cli_json_add_ref            (JsonBuilder   *builder,
                                                 const char    *member,
                                                 FerryObject   *object);
/* The same for a ref held in a field of @owner (resolved in its cache). */
void          ferry_cli_json_add_ref_field      (JsonBuilder   *builder,
                                                 const char    *member,
                                                 FerryObject   *owner,
                                                 const char    *ref);
/* The object's summary (ls) or, with @details, everything that matters
 * for a migration (show), as a JSON object value. */
void          ferry_cli_json_add_object         (JsonBuilder   *builder,
                                                 FerryObject   *object,
                                                 gboolean       details);

G_END_DECLS
