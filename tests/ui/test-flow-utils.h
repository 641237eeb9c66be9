/* test-flow-utils.h: the world, window and helpers of the flow tests
 *
 * A simulated world of its own: pool Flow (fl-1…fl-3; twelve small VMs on
 * fl-1, fl-two with two disks on fl-2, fl-halted, fl-local on fl-1's local
 * SR; on fl-3 the evacuation blockers fl-cd (a CD from fl-3's own ISO SR),
 * fl-paused, fl-stuck (on Local fl-3) and fl-free; SRs Flow-NFS,
 * Flow-iSCSI, Flow-Tiny), pool Dest (d-1, d-2; SRs
 * Dest-A, Dest-B; networks Net-A, Net-B, Migration) and the standalone
 * host old-01 running XenServer 7.1 (an older version: R12). Assertions
 * ask the simulator itself over XenAPI, not the app's caches.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-history.h"
#include "ferry-host.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vm.h"
#include "ferry-job.h"
#include "ferry-queue.h"
#include "ferry-ui-test-utils.h"
#include "ferry-migrate-wizard.h"
#include "ferry-window.h"
#include "ferry-wizard.h"

G_BEGIN_DECLS

typedef struct
{
  FerrySimTestServer     *server;
  FerryConnectionManager *manager;
  FerryHistory           *history;
  FerryQueue             *queue;
  FerryWindow            *window;
} FlowFixture;

void         flow_fixture_setup      (FlowFixture   *fixture,
                                      gconstpointer  data);
void         flow_fixture_teardown   (FlowFixture   *fixture,
                                      gconstpointer  data);
void         flow_set_time_scale     (FlowFixture   *fixture,
                                      double         scale);
/* POSTs faults (ferry-sim README §9) to the simulator. */
void         flow_add_faults         (FlowFixture   *fixture,
                                      const char    *json);

/* Objects in the app's caches by name (fail the test when missing). */
FerryObject *flow_find               (FlowFixture   *fixture,
                                      const char    *pool,
                                      GType          type,
                                      const char    *name);
const char  *flow_uuid               (FlowFixture   *fixture,
                                      const char    *pool,
                                      GType          type,
                                      const char    *name);

/* Asked of the simulator: the VM's power state, the host it runs on (or
 * its affinity when halted), the SRs of its disks by userdevice ("A,B"),
 * the networks of its interfaces by device; NULL when the VM is not in
 * that pool. */
char        *flow_sim_vm_power_state (FlowFixture   *fixture,
                                      const char    *pool,
                                      const char    *vm);
char        *flow_sim_vm_host        (FlowFixture   *fixture,
                                      const char    *pool,
                                      const char    *vm);
char        *flow_sim_vm_disk_srs    (FlowFixture   *fixture,
                                      const char    *pool,
                                      const char    *vm);
char        *flow_sim_vm_networks    (FlowFixture   *fixture,
                                      const char    *pool,
                                      const char    *vm);
/* Whether a CD drive of the VM holds a disc. */
gboolean     flow_sim_vm_cd_inserted (FlowFixture   *fixture,
                                      const char    *pool,
                                      const char    *vm);
gboolean     flow_sim_host_enabled   (FlowFixture   *fixture,
                                      const char    *pool,
                                      const char    *host);

/* UI */
/* The row titled @title below @root; fails when missing. */
GtkWidget   *flow_row                (GtkWidget     *root,
                                      const char    *title);
/* The first row whose title starts with @prefix; fails when missing. */
GtkWidget   *flow_row_prefix         (GtkWidget     *root,
                                      const char    *prefix);
/* Activates a row as Enter/a click does, and lets the UI settle. */
void         flow_activate_row       (GtkWidget     *root,
                                      const char    *title);
/* wizard.next (or finish), then waits for the page check. */
void         flow_next               (FerryWizard   *wizard);
/* Waits until the current page says it is complete. */
void         flow_wait_complete      (FerryWizard   *wizard,
                                      guint          timeout_ms);
const char  *flow_page_title         (FerryWizard   *wizard);
/* The final button ("Migrate", "Move"); returns the jobs it queued. */
GPtrArray   *flow_finish             (FerryMigrateWizard *wizard);
/* Saves @window as $FERRY_FLOW_SHOTS/@name.png when that is set. */
void         flow_shot               (GtkWidget     *window,
                                      const char    *name);
/* Waits until every job is final; fails after @timeout_ms. */
void         flow_wait_jobs          (GPtrArray     *jobs,
                                      guint          timeout_ms);
/* Counts how many of @jobs run at once, from now on. */
typedef struct _FlowWatch FlowWatch;
FlowWatch   *flow_watch_running      (GPtrArray     *jobs);
/* Waits until every job is final (fails after @timeout_ms) and returns
 * the most that ran at once; frees @watch. */
guint        flow_watch_finish       (FlowWatch     *watch,
                                      guint          timeout_ms);
void         flow_wait_job_state     (FerryJob      *job,
                                      FerryJobState  state,
                                      guint          timeout_ms);

G_END_DECLS
