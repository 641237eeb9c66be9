/* ferry-plan-private.h: what the plan, queue, job, history and recovery
 * files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ferry-cache.h"
#include "ferry-connection.h"
#include "ferry-plan.h"

G_BEGIN_DECLS

/* Keys Ferry writes into task.other_config (and XenCenter's into
 * host.other_config, xencenter-study.md §3.2). */
#define FERRY_TASK_KEY_PLAN  "ferry_plan"
#define FERRY_TASK_KEY_JOB   "ferry_job"
#define FERRY_TASK_KEY_VM    "ferry_vm"
#define FERRY_MAINTENANCE_MODE            "MAINTENANCE_MODE"
#define FERRY_EVACUATED_VMS_MIGRATED      "MAINTENANCE_MODE_EVACUATED_VMS_MIGRATED"
#define FERRY_EVACUATED_VMS_SUSPENDED     "MAINTENANCE_MODE_EVACUATED_VMS_SUSPENDED"
#define FERRY_EVACUATED_VMS_HALTED        "MAINTENANCE_MODE_EVACUATED_VMS_HALTED"
/* Ferry's convention for xapi.conf's evacuation-batch-size (R3), which
 * the database does not show: pool.other_config. */
#define FERRY_POOL_KEY_EVACUATION_BATCH   "evacuation-batch-size"

/* Connections (a GListModel of FerryConnection) */
FerryConnection *_ferry_connections_find_cache (GListModel   *connections,
                                                FerryCache   *cache);
FerryConnection *_ferry_connections_find_pool  (GListModel   *connections,
                                                const char   *pool_uuid);
/* The pool's UUID and its name, or its master's for a standalone host. */
const char      *_ferry_cache_get_pool_uuid    (FerryCache   *cache);
char            *_ferry_cache_dup_pool_name    (FerryCache   *cache);
/* "root@Production" */
char            *_ferry_connection_dup_who     (FerryConnection *connection);

/* Objects */
gpointer         _ferry_cache_find_uuid        (FerryCache   *cache,
                                                GType         type,
                                                const char   *uuid);
FerryNetwork    *_ferry_host_get_management_network (FerryHost *host);
/* The VLAN tag of a network's PIFs, or -1. */
gint64           _ferry_network_get_vlan       (FerryNetwork *network);
FerryHost       *_ferry_cache_get_master       (FerryCache   *cache);

/* JSON */
/* {"uuid": …, "name": …}, or null when @uuid is NULL. */
JsonNode        *_ferry_json_ref_new           (const char   *uuid,
                                                const char   *name);
/* The uuid and name of such a member (both may be NULL). */
void             _ferry_json_get_ref           (JsonObject   *object,
                                                const char   *member,
                                                const char  **uuid,
                                                const char  **name);
const char      *_ferry_json_get_string        (JsonObject   *object,
                                                const char   *member);
gint64           _ferry_json_get_int           (JsonObject   *object,
                                                const char   *member,
                                                gint64        fallback);
double           _ferry_json_get_double        (JsonObject   *object,
                                                const char   *member,
                                                double        fallback);
JsonObject      *_ferry_json_get_object        (JsonObject   *object,
                                                const char   *member);
JsonArray       *_ferry_json_get_array         (JsonObject   *object,
                                                const char   *member);
/* "2025-06-01T10:00:00Z" (UTC, seconds). */
char            *_ferry_format_time            (GDateTime    *time);
GDateTime       *_ferry_parse_time             (const char   *text);
char            *_ferry_new_uuid               (void);

/* Plan items for the queue */
FerryPlan       *_ferry_plan_item_get_plan     (FerryPlanItem *item);
JsonNode        *_ferry_plan_item_to_json      (FerryPlanItem *item);
/* Why @item cannot go through this computer (a relay imports every disk
 * into one SR), translated; NULL when it can. */
char            *_ferry_plan_item_dup_relay_obstacle (FerryPlanItem *item);
/* The SR a relay imports into: the first disk's (not a snapshot's). */
const char      *_ferry_plan_item_get_relay_sr_uuid (FerryPlanItem *item);
/* The job found the pools cannot reach each other and relays the VM. */
void             _ferry_plan_item_set_relay    (FerryPlanItem *item,
                                                gboolean       relay);
/* Put back: @uuid is enabled before the moves, so items blocked only
 * because it is disabled are not blocked. */
void             _ferry_plan_expect_enabled_host (FerryPlan  *plan,
                                                  const char *uuid,
                                                  const char *name);
/* "O1"…"O5", "auto". */
const char      *_ferry_operation_name         (FerryOperation operation);
FerryOperation   _ferry_operation_from_name    (const char   *name);

G_END_DECLS
