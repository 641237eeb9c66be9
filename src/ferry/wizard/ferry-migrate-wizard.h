/* ferry-migrate-wizard.h: the Migrate VM wizard (F1), base of Move VM (F2)
 *
 * Pages: destination, home server, storage, networking (between pools),
 * storage network (when storage moves), review. They all edit one
 * FerryMoveRequest; the plan made from it (cached until the request
 * changes) is what the review page shows and Finish queues.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-feasibility-server.h"
#include "ferry-move-request.h"
#include "ferry-plan.h"
#include "ferry-queue.h"
#include "ferry-window.h"
#include "ferry-wizard.h"

G_BEGIN_DECLS

#define FERRY_TYPE_MIGRATE_WIZARD (ferry_migrate_wizard_get_type ())

G_DECLARE_DERIVABLE_TYPE (FerryMigrateWizard, ferry_migrate_wizard, FERRY, MIGRATE_WIZARD, FerryWizard)

struct _FerryMigrateWizardClass
{
  FerryWizardClass parent_class;

  /* F2: halted VMs (O4); the VM's own pool is a destination too. */
  gboolean move_halted;

  gpointer padding[8];
};

/* @vms: (element-type FerryVm): of one pool. @host: (nullable): preselected. */
FerryMigrateWizard     *ferry_migrate_wizard_new             (FerryWindow        *window,
                                                              GPtrArray          *vms,
                                                              FerryHost          *host);
/* For subclasses: fills a wizard made with g_object_new(). */
void                    ferry_migrate_wizard_setup           (FerryMigrateWizard *self,
                                                              FerryWindow        *window,
                                                              GPtrArray          *vms,
                                                              FerryHost          *host);
gboolean                ferry_migrate_wizard_get_move_halted (FerryMigrateWizard *self);
FerryWindow            *ferry_migrate_wizard_get_window      (FerryMigrateWizard *self);
GListModel             *ferry_migrate_wizard_get_connections (FerryMigrateWizard *self);
FerryQueue             *ferry_migrate_wizard_get_queue       (FerryMigrateWizard *self);
FerryMoveRequest       *ferry_migrate_wizard_get_request     (FerryMigrateWizard *self);
FerryHost              *ferry_migrate_wizard_get_preselected_host (FerryMigrateWizard *self);
FerryFeasibilityServer *ferry_migrate_wizard_get_server      (FerryMigrateWizard *self);
/* Pages call this after changing the request. */
void                    ferry_migrate_wizard_request_changed (FerryMigrateWizard *self);
/* Bumps on every change of the request. */
guint                   ferry_migrate_wizard_get_generation  (FerryMigrateWizard *self);
/* The plan of the request as it is now (cached), or NULL with @error. */
FerryPlan              *ferry_migrate_wizard_get_plan        (FerryMigrateWizard *self,
                                                              GError            **error);
/* Forgets SR and network choices (a new destination pool). */
void                    ferry_migrate_wizard_reset_choices   (FerryMigrateWizard *self);
/* The jobs Finish queued (transfer none), or NULL. */
GPtrArray              *ferry_migrate_wizard_get_jobs        (FerryMigrateWizard *self);
/* TRUE when some disk of the plan moves, or it copies storage (O2, O4). */
gboolean                ferry_migrate_wizard_moves_storage   (FerryMigrateWizard *self);
/* Every non-CD disk of the request's VMs (FerryVdi, transfer container). */
GPtrArray              *ferry_migrate_wizard_dup_disks       (FerryMigrateWizard *self);

G_END_DECLS
