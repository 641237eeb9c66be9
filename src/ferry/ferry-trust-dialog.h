/* ferry-trust-dialog.h: first contact with a certificate, or a changed one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-connection.h"
#include "ferry-trust.h"

G_BEGIN_DECLS

#define FERRY_TYPE_TRUST_DIALOG (ferry_trust_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryTrustDialog, ferry_trust_dialog, FERRY, TRUST_DIALOG, AdwWindow)

/* Asks whether to trust a certificate seen for the first time; answers
 * @request when the user decides or closes the dialog. */
FerryTrustDialog *ferry_trust_dialog_new_for_request (GtkWindow         *parent,
                                                      FerryTrustRequest *request);
/* Warns that @connection was refused because its certificate changed, with
 * the fingerprint trusted before and the one presented now. There is no
 * "accept": only typing the new fingerprint (as the server's console shows
 * it) replaces the trusted one; then @connection is opened again, unless a
 * "replaced" handler returns TRUE.
 *
 * Signals:
 * "replaced" (FerryConnection *connection) → gboolean */
FerryTrustDialog *ferry_trust_dialog_new_for_changed (GtkWindow         *parent,
                                                      FerryConnection   *connection);
gboolean          ferry_trust_dialog_get_changed     (FerryTrustDialog  *self);
const char       *ferry_trust_dialog_get_host        (FerryTrustDialog  *self);
/* The fingerprint shown ("AB:CD:…"): the new certificate's. */
const char       *ferry_trust_dialog_get_fingerprint (FerryTrustDialog  *self);
/* For a changed certificate: the fingerprint trusted before, if known. */
const char       *ferry_trust_dialog_get_pinned_fingerprint (FerryTrustDialog *self);
/* What "Replace the Trusted Certificate" does with the fingerprint @typed:
 * FALSE, and nothing changes, unless it is the one presented now. */
gboolean          ferry_trust_dialog_replace         (FerryTrustDialog  *self,
                                                      const char        *typed);
/* Whether an "accept" is offered at all. */
gboolean          ferry_trust_dialog_can_accept      (FerryTrustDialog  *self);
/* As if the user chose: TRUE trusts (first contact only), FALSE refuses. */
void              ferry_trust_dialog_respond         (FerryTrustDialog  *self,
                                                      gboolean           accept);

G_END_DECLS
