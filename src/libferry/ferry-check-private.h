/* ferry-check-private.h: what the rules and the xapi error mapping share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-check.h"

G_BEGIN_DECLS

void _ferry_check_set_xapi_error (FerryCheck         *self,
                                  const char         *code,
                                  const char * const *params);

G_END_DECLS
