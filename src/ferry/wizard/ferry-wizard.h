/* ferry-wizard.h: a modal window that walks through FerryWizardPages
 *
 * Header: Cancel, then Back from the second step on; the title says
 * "Step 2 of 5: Storage"; Next at the end, which on the last page carries
 * the wizard's verb ("Migrate"). The actions wizard.back, wizard.next,
 * wizard.finish and wizard.cancel drive it; Esc cancels and Enter goes on
 * when the page allows it. Pages that are not needed are skipped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-wizard-page.h"

G_BEGIN_DECLS

#define FERRY_TYPE_WIZARD (ferry_wizard_get_type ())

G_DECLARE_DERIVABLE_TYPE (FerryWizard, ferry_wizard, FERRY, WIZARD, AdwWindow)

struct _FerryWizardClass
{
  AdwWindowClass parent_class;

  /* The last page was checked and the user confirmed. */
  void (*finish) (FerryWizard *self);

  gpointer padding[8];
};

void             ferry_wizard_add_page         (FerryWizard     *self,
                                                FerryWizardPage *page);
FerryWizardPage *ferry_wizard_get_current_page (FerryWizard     *self);
/* "Migrate", "Move": the label of the final button (with a mnemonic). */
void             ferry_wizard_set_finish_label (FerryWizard     *self,
                                                const char      *label);
void             ferry_wizard_set_heading      (FerryWizard     *self,
                                                const char      *heading);
/* TRUE while a page check runs. */
gboolean         ferry_wizard_get_busy         (FerryWizard     *self);
/* After finish: shows @content instead of the pages, with only Close. */
void             ferry_wizard_show_result      (FerryWizard     *self,
                                                const char      *title,
                                                GtkWidget       *content);
/* Shows a short message over the pages (a failed check, …). */
void             ferry_wizard_show_message     (FerryWizard     *self,
                                                const char      *message);
/* Pages needed from the first; the position of the current one. */
guint            ferry_wizard_get_n_steps      (FerryWizard     *self);
guint            ferry_wizard_get_step         (FerryWizard     *self);
/* Re-reads which pages are needed and whether Next is allowed. */
void             ferry_wizard_update           (FerryWizard     *self);

G_END_DECLS
