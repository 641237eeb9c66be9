/* ferry-wizard-page.h: one step of a FerryWizard
 *
 * A page has a title ("Storage"), says whether its choices are complete
 * (the wizard enables Next from it), may be left out ("needed"), hears when
 * it is entered and left, and may run a check (e.g. a server pre-check)
 * before the wizard moves on. Pages keep their choices while the user goes
 * back and forth: they are never rebuilt by the wizard.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FERRY_TYPE_WIZARD_PAGE (ferry_wizard_page_get_type ())

G_DECLARE_DERIVABLE_TYPE (FerryWizardPage, ferry_wizard_page, FERRY, WIZARD_PAGE, GtkWidget)

struct _FerryWizardPageClass
{
  GtkWidgetClass parent_class;

  void     (*enter)        (FerryWizardPage     *self);
  void     (*leave)        (FerryWizardPage     *self);
  /* FALSE: the wizard skips the page (e.g. networking within a pool). */
  gboolean (*is_needed)    (FerryWizardPage     *self);
  /* Runs before the wizard moves on from the page; NULL: nothing to check. */
  void     (*check_async)  (FerryWizardPage     *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);
  gboolean (*check_finish) (FerryWizardPage     *self,
                            GAsyncResult        *result,
                            GError             **error);

  gpointer padding[8];
};

const char *ferry_wizard_page_get_title       (FerryWizardPage *self);
void        ferry_wizard_page_set_title       (FerryWizardPage *self,
                                               const char      *title);
gboolean    ferry_wizard_page_get_complete    (FerryWizardPage *self);
void        ferry_wizard_page_set_complete    (FerryWizardPage *self,
                                               gboolean         complete);
gboolean    ferry_wizard_page_is_needed       (FerryWizardPage *self);
/* The wizard the page is in (transfer none), or NULL. */
GtkWidget  *ferry_wizard_page_get_wizard      (FerryWizardPage *self);

/* The page's scrolled, clamped column: a short description, then groups. */
void        ferry_wizard_page_set_description (FerryWizardPage *self,
                                               const char      *text);
void        ferry_wizard_page_append          (FerryWizardPage *self,
                                               GtkWidget       *child);
void        ferry_wizard_page_remove          (FerryWizardPage *self,
                                               GtkWidget       *child);

/* Called by FerryWizard. */
void        ferry_wizard_page_enter           (FerryWizardPage     *self);
void        ferry_wizard_page_leave           (FerryWizardPage     *self);
void        ferry_wizard_page_check_async     (FerryWizardPage     *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    ferry_wizard_page_check_finish    (FerryWizardPage     *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
