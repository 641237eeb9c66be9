/* ferry-migrate-transfer-page.h: a page of the Migrate VM wizard (see the .c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-wizard-page.h"

G_BEGIN_DECLS

#define FERRY_TYPE_MIGRATE_TRANSFER_PAGE (ferry_migrate_transfer_page_get_type ())

G_DECLARE_FINAL_TYPE (FerryMigrateTransferPage, ferry_migrate_transfer_page, FERRY, MIGRATE_TRANSFER_PAGE, FerryWizardPage)

FerryWizardPage *ferry_migrate_transfer_page_new (void);

G_END_DECLS
