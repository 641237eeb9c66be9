/* ferry-migrate-review-page.h: a page of the Migrate VM wizard (see the .c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-wizard-page.h"

G_BEGIN_DECLS

#define FERRY_TYPE_MIGRATE_REVIEW_PAGE (ferry_migrate_review_page_get_type ())

G_DECLARE_FINAL_TYPE (FerryMigrateReviewPage, ferry_migrate_review_page, FERRY, MIGRATE_REVIEW_PAGE, FerryWizardPage)

FerryWizardPage *ferry_migrate_review_page_new (void);

G_END_DECLS
