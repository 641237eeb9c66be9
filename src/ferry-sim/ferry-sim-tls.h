/* ferry-sim-tls.h: self-signed host certificates, as xapi hosts have
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GTlsCertificate *ferry_sim_tls_generate_certificate (const char  *common_name,
                                                     GError     **error);

G_END_DECLS
