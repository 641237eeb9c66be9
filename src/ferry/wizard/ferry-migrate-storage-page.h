/* ferry-migrate-storage-page.h: a page of the Migrate VM wizard (see the .c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-wizard-page.h"

G_BEGIN_DECLS

#define FERRY_TYPE_MIGRATE_STORAGE_PAGE (ferry_migrate_storage_page_get_type ())

G_DECLARE_FINAL_TYPE (FerryMigrateStoragePage, ferry_migrate_storage_page, FERRY, MIGRATE_STORAGE_PAGE, FerryWizardPage)

FerryWizardPage *ferry_migrate_storage_page_new (void);

G_END_DECLS
