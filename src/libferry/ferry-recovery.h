/* ferry-recovery.h: where a VM is after a failure, said plainly
 *
 * After any failure Ferry reads the VM again from the servers (not from the
 * cache, which may lag): first in its source pool, then in the destination
 * pool, by UUID. The answer is one of a few plain states: still running on
 * the source, paused (R29: offer to unpause), halted, suspended, on the
 * destination, still moving (a migration task is in its current
 * operations: never start another), elsewhere, or gone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-connection.h"
#include "ferry-plan.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_VM_WHERE_UNKNOWN,          /* not read (yet) */
  FERRY_VM_WHERE_SOURCE,           /* running on the host it was to leave */
  FERRY_VM_WHERE_PAUSED,           /* paused (R29), see host */
  FERRY_VM_WHERE_DESTINATION,      /* where the plan wanted it */
  FERRY_VM_WHERE_HALTED,
  FERRY_VM_WHERE_SUSPENDED,
  FERRY_VM_WHERE_ELSEWHERE,        /* running on another host */
  FERRY_VM_WHERE_MOVING,           /* a migration of it is still running */
  FERRY_VM_WHERE_GONE,             /* in neither pool */
} FerryVmWhere;

GType ferry_vm_where_get_type (void) G_GNUC_CONST;
#define FERRY_TYPE_VM_WHERE (ferry_vm_where_get_type ())

typedef struct
{
  FerryVmWhere  where;
  char         *vm_ref;            /* in the pool below */
  char         *pool_uuid;
  char         *pool_name;
  char         *host_uuid;         /* resident_on, or NULL */
  char         *host_name;
  char         *power_state;       /* "Running", … as xapi says it */
  char         *task_ref;          /* with MOVING: the migration task */
  char         *task_operation;    /* with MOVING: "pool_migrate" or "migrate_send" */
  char         *text;              /* "web-01 is paused on prod-host-02." (translated) */
  char         *remedy;            /* what to do next (translated), or NULL */
} FerryVmLocation;

#define FERRY_TYPE_VM_LOCATION (ferry_vm_location_get_type ())

GType            ferry_vm_location_get_type (void) G_GNUC_CONST;
FerryVmLocation *ferry_vm_location_copy     (const FerryVmLocation *location);
void             ferry_vm_location_free     (FerryVmLocation       *location);
/* "running-on-source", "paused", … */
const char      *ferry_vm_where_to_string   (FerryVmWhere           where);
/* Whether VM.unpause (R29) is the way out. */
gboolean         ferry_vm_location_can_unpause (const FerryVmLocation *location);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryVmLocation, ferry_vm_location_free)

/* Reads where @item's VM is now (see above). @connections: the pools.
 * Fails only when neither pool could be asked. */
void             ferry_recovery_locate_async  (GListModel          *connections,
                                               FerryPlanItem       *item,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
FerryVmLocation *ferry_recovery_locate_finish (GAsyncResult        *result,
                                               GError             **error);

/* R29: VM.unpause of a VM left paused on @connection's pool. */
void             ferry_recovery_unpause_async  (FerryConnection     *connection,
                                                const char          *vm_ref,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean         ferry_recovery_unpause_finish (GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
