/* ferry-trust-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-trust.h"

G_BEGIN_DECLS

/* The fingerprint pinned before, for a certificate that changed. */
void _ferry_certificate_info_set_pinned_fingerprint (FerryCertificateInfo *self,
                                                     const char           *fingerprint);

G_END_DECLS
