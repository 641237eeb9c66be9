/* ferry-migrate-network-page.h: a page of the Migrate VM wizard (see the .c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-wizard-page.h"

G_BEGIN_DECLS

#define FERRY_TYPE_MIGRATE_NETWORK_PAGE (ferry_migrate_network_page_get_type ())

G_DECLARE_FINAL_TYPE (FerryMigrateNetworkPage, ferry_migrate_network_page, FERRY, MIGRATE_NETWORK_PAGE, FerryWizardPage)

FerryWizardPage *ferry_migrate_network_page_new (void);

G_END_DECLS
