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
/* Warns that @connection was refused because its certificate changed.
 * There is no "accept": the user may only, deliberately, forget the old
 * certificate, after which the next connection asks as on first contact. */
FerryTrustDialog *ferry_trust_dialog_new_for_changed (GtkWindow         *parent,
                                                      FerryConnection   *connection);
gboolean          ferry_trust_dialog_get_changed     (FerryTrustDialog  *self);
const char       *ferry_trust_dialog_get_host        (FerryTrustDialog  *self);
/* The fingerprint shown ("AB:CD:…"): the new certificate's. */
const char       *ferry_trust_dialog_get_fingerprint (FerryTrustDialog  *self);
/* Whether an "accept" is offered at all. */
gboolean          ferry_trust_dialog_can_accept      (FerryTrustDialog  *self);
/* As if the user chose: TRUE trusts (first contact only), FALSE refuses. */
void              ferry_trust_dialog_respond         (FerryTrustDialog  *self,
                                                      gboolean           accept);

G_END_DECLS
