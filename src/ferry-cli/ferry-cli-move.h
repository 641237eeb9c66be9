/* ferry-cli-move.h: from the command line's words to move requests and plans
 *
 * check, plan, migrate, move-vm, move-vdi and evacuate take the same
 * arguments as the wizard's pages: VMs (or disks, or a host to empty), a
 * destination, an SR for every disk or one per disk, an interface map, the
 * migration network, the home server and the options. This resolves them in
 * the connected caches (one request per source pool, as the wizard makes)
 * and works them out into plans with ferry_plan_new().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ferry-cli-context.h"
#include "ferry-move-request.h"
#include "ferry-plan.h"

G_BEGIN_DECLS

/* What the words ask for. */
typedef enum
{
  FERRY_CLI_MOVE_MIGRATE,    /* migrate VM… --to HOST|POOL (O1, O2, O4 derived) */
  FERRY_CLI_MOVE_VM,         /* move-vm VM… --to …: a halted VM (O4) */
  FERRY_CLI_MOVE_VDI,        /* move-vdi DISK… --to SR (O3; O4 for a halted VM's disks) */
  FERRY_CLI_MOVE_EVACUATE,   /* evacuate HOST (O5) */
} FerryCliMoveKind;

typedef struct
{
  FerryCliMoveKind  kind;
  char            **names;        /* VMs, disks, or the one host */
  char             *to;
  char             *sr;
  char            **sr_map;       /* DISK=SR */
  char            **network_map;  /* VIF=NETWORK */
  char             *network;
  char             *home;
  gboolean          compress;
  gboolean          no_compress;
  gboolean          force;
  int               batch;        /* evacuate --batch; 0: the pool's */
  char             *relay;        /* --relay auto|always|never */
  FerryRelayMode    relay_mode;   /* from it (ferry-relay.h) */
} FerryCliMoveOptions;

void          ferry_cli_move_options_clear   (FerryCliMoveOptions *options);

/* The GOptionEntry list of @kind's options, filling @options (free the
 * array with g_free). @with_plan_options: also --home, --compress,
 * --no-compress, --force (not for check). */
GOptionEntry *ferry_cli_move_options_entries (FerryCliMoveOptions *options,
                                              gboolean             with_plan_options);
/* Takes the positional arguments (argv[1…]) and checks the combination. */
gboolean      ferry_cli_move_options_finish  (FerryCliMoveOptions *options,
                                              const char          *command,
                                              int                  argc,
                                              char               **argv,
                                              GError             **error);

/* The resolved question. */
typedef struct _FerryCliMove FerryCliMove;

FerryCliMove *ferry_cli_move_resolve         (const FerryCliMoveOptions *options,
                                              GPtrArray                 *connections,
                                              GError                   **error);
void          ferry_cli_move_free            (FerryCliMove              *move);
/* host, pool or NULL */
FerryObject  *ferry_cli_move_get_destination (FerryCliMove              *move);
FerryObject  *ferry_cli_move_get_sr          (FerryCliMove              *move);
FerryObject  *ferry_cli_move_get_network     (FerryCliMove              *move);
/* The requests, one per source pool (transfer none; FerryMoveRequest). */
GPtrArray    *ferry_cli_move_get_requests    (FerryCliMove              *move);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryCliMove, ferry_cli_move_free)

/* "auto" plans and halted VMs that change pool: a note that they go
 * through this computer should the pools not reach each other. */
gboolean      ferry_cli_plan_item_may_relay  (FerryPlan                 *plan,
                                              FerryPlanItem             *item);

/* One plan per request, with the options applied.
 * Returns: (element-type FerryPlan) (transfer full). */
GPtrArray    *ferry_cli_move_build_plans     (FerryCliMove              *move,
                                              const FerryCliMoveOptions *options,
                                              GPtrArray                 *connections,
                                              GError                   **error);

/* A GListStore of the connections, for the engine (transfer full). */
GListModel   *ferry_cli_connections_model    (GPtrArray                 *connections);

/* The rules on @plan's exact choices, with the blockers its items already
 * carry (ferry_plan_item_get_blocker()). Returns (transfer full) the
 * findings (FerryCheck); @blocked tells whether one is a blocker. */
GPtrArray    *ferry_cli_plan_check           (FerryPlan                 *plan,
                                              GListModel                *connections,
                                              gboolean                  *blocked,
                                              GError                   **error);

/* "O1" … and "live-migrate" …; NULL for AUTO. */
const char   *ferry_cli_operation_name       (FerryOperation             operation);
void          ferry_cli_json_add_operation   (JsonBuilder               *builder,
                                              const char                *member,
                                              FerryOperation             operation);
const char   *ferry_cli_severity_name        (FerryCheckSeverity         severity);
/* The "findings" member: @findings (FerryCheck, or NULL: none) in the
 * finding shape of ferry-cli.1 (check, plan and the runs). */
void          ferry_cli_json_add_findings    (JsonBuilder               *builder,
                                              GPtrArray                 *findings);
/* The findings table (RULE SEVERITY VM REASON, remedies under them). */
void          ferry_cli_print_findings       (GPtrArray                 *findings,
                                              gboolean                   color);
/* The plans as a table of their items: VM, operation, from, to, disks,
 * estimate, and the blocker of an item that cannot move. */
void          ferry_cli_print_plans          (GPtrArray                 *plans,
                                              gboolean                   color);

G_END_DECLS
