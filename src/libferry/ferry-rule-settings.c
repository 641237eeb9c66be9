/* ferry-rule-settings.c: what the user tells Ferry that no cache can show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rule-settings"

#include "config.h"

#include "ferry-rule-settings.h"

struct _FerryRuleSettings
{
  GObject     parent_instance;

  GHashTable *pools[FERRY_N_POOL_FLAGS];   /* sets of pool UUIDs */
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

G_DEFINE_FINAL_TYPE (FerryRuleSettings, ferry_rule_settings, G_TYPE_OBJECT)

static void
ferry_rule_settings_finalize (GObject *object)
{
  FerryRuleSettings *self = (FerryRuleSettings *)object;

  for (guint i = 0; i < FERRY_N_POOL_FLAGS; i++)
    g_clear_pointer (&self->pools[i], g_hash_table_unref);

  G_OBJECT_CLASS (ferry_rule_settings_parent_class)->finalize (object);
}

static void
ferry_rule_settings_class_init (FerryRuleSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_rule_settings_finalize;

  /**
   * FerryRuleSettings::changed:
   *
   * A pool flag changed: checks made before may be out of date.
   */
  signals [SIGNAL_CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ferry_rule_settings_init (FerryRuleSettings *self)
{
  for (guint i = 0; i < FERRY_N_POOL_FLAGS; i++)
    self->pools[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

FerryRuleSettings *
ferry_rule_settings_new (void)
{
  return g_object_new (FERRY_TYPE_RULE_SETTINGS, NULL);
}

void
ferry_rule_settings_set_pool_flag (FerryRuleSettings *self,
                                   const char        *pool_uuid,
                                   FerryPoolFlag      flag,
                                   gboolean           value)
{
  gboolean changed;

  g_return_if_fail (FERRY_IS_RULE_SETTINGS (self));
  g_return_if_fail (pool_uuid != NULL);
  g_return_if_fail (flag < FERRY_N_POOL_FLAGS);

  if (value)
    changed = g_hash_table_add (self->pools[flag], g_strdup (pool_uuid));
  else
    changed = g_hash_table_remove (self->pools[flag], pool_uuid);

  if (changed)
    g_signal_emit (self, signals [SIGNAL_CHANGED], 0);
}

gboolean
ferry_rule_settings_get_pool_flag (FerryRuleSettings *self,
                                   const char        *pool_uuid,
                                   FerryPoolFlag      flag)
{
  g_return_val_if_fail (FERRY_IS_RULE_SETTINGS (self), FALSE);
  g_return_val_if_fail (flag < FERRY_N_POOL_FLAGS, FALSE);

  return pool_uuid != NULL && g_hash_table_contains (self->pools[flag], pool_uuid);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

char **
ferry_rule_settings_dup_pools (FerryRuleSettings *self,
                               FerryPoolFlag      flag)
{
  g_autofree const char **keys = NULL;
  GStrvBuilder *builder;
  char **result;
  guint n;

  g_return_val_if_fail (FERRY_IS_RULE_SETTINGS (self), NULL);
  g_return_val_if_fail (flag < FERRY_N_POOL_FLAGS, NULL);

  keys = (const char **) g_hash_table_get_keys_as_array (self->pools[flag], &n);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, keys[i]);
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  g_qsort_with_data (result, n, sizeof (char *), compare_strings, NULL);

  return result;
}
