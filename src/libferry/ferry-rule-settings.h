/* ferry-rule-settings.h: what the user tells Ferry that no cache can show
 *
 * Some facts behind the rules are not in the XenAPI database: whether a
 * pool is run by Citrix Virtual Desktops (R6), or whether hotfix
 * XS82ECU1033 is on a Citrix Hypervisor 8.2 CU1 pool (R11; applied updates
 * live in Pool_update rows the cache does not keep). The user states them
 * per pool (by pool UUID); the app keeps them in its settings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  FERRY_POOL_FLAG_CVAD_MANAGED,       /* R6: "managed by Citrix Virtual Desktops" */
  FERRY_POOL_FLAG_HAS_XS82ECU1033,    /* R11: the hotfix is installed            */
  FERRY_N_POOL_FLAGS
} FerryPoolFlag;

#define FERRY_TYPE_RULE_SETTINGS (ferry_rule_settings_get_type ())

G_DECLARE_FINAL_TYPE (FerryRuleSettings, ferry_rule_settings, FERRY, RULE_SETTINGS, GObject)

FerryRuleSettings *ferry_rule_settings_new            (void);
/* Emits "changed" when the value changes. */
void               ferry_rule_settings_set_pool_flag  (FerryRuleSettings *self,
                                                       const char        *pool_uuid,
                                                       FerryPoolFlag      flag,
                                                       gboolean           value);
gboolean           ferry_rule_settings_get_pool_flag  (FerryRuleSettings *self,
                                                       const char        *pool_uuid,
                                                       FerryPoolFlag      flag);
/* The pool UUIDs with @flag set, sorted; free with g_strfreev(). */
char             **ferry_rule_settings_dup_pools      (FerryRuleSettings *self,
                                                       FerryPoolFlag      flag);

G_END_DECLS
