/* ferry-sim-pool.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-pool"

#include "config.h"

#include "ferry-sim-pool.h"

struct _FerrySimPool
{
  GObject     parent_instance;

  FerrySimDb *db;
  GHashTable *passwords;  /* user -> password */
  GHashTable *sim_attributes; /* ref -> (key -> value) */
  gpointer    world;          /* unowned */
};

G_DEFINE_FINAL_TYPE (FerrySimPool, ferry_sim_pool, G_TYPE_OBJECT)

static void
ferry_sim_pool_finalize (GObject *object)
{
  FerrySimPool *self = (FerrySimPool *)object;

  g_clear_object (&self->db);
  g_clear_pointer (&self->passwords, g_hash_table_unref);
  g_clear_pointer (&self->sim_attributes, g_hash_table_unref);

  G_OBJECT_CLASS (ferry_sim_pool_parent_class)->finalize (object);
}

static void
ferry_sim_pool_class_init (FerrySimPoolClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ferry_sim_pool_finalize;
}

static void
ferry_sim_pool_init (FerrySimPool *self)
{
  self->passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->sim_attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_hash_table_unref);
}

FerrySimPool *
ferry_sim_pool_new (FerrySimDb *db)
{
  FerrySimPool *self;

  g_return_val_if_fail (FERRY_SIM_IS_DB (db), NULL);

  self = g_object_new (FERRY_SIM_TYPE_POOL, NULL);
  self->db = g_object_ref (db);
  return self;
}

FerrySimDb *
ferry_sim_pool_get_db (FerrySimPool *self)
{
  g_return_val_if_fail (FERRY_SIM_IS_POOL (self), NULL);

  return self->db;
}

void
ferry_sim_pool_set_password (FerrySimPool *self,
                             const char   *user,
                             const char   *password)
{
  g_return_if_fail (FERRY_SIM_IS_POOL (self));
  g_return_if_fail (user != NULL);

  g_hash_table_insert (self->passwords, g_strdup (user), g_strdup (password ? password : ""));
}

gboolean
ferry_sim_pool_check_password (FerrySimPool *self,
                               const char   *user,
                               const char   *password)
{
  const char *expected;

  g_return_val_if_fail (FERRY_SIM_IS_POOL (self), FALSE);

  expected = user ? g_hash_table_lookup (self->passwords, user) : NULL;
  return expected != NULL && password != NULL && g_str_equal (expected, password);
}

gboolean
ferry_sim_pool_has_users (FerrySimPool *self)
{
  return g_hash_table_size (self->passwords) > 0;
}

FerrySimRow *
ferry_sim_pool_get_pool_row (FerrySimPool *self)
{
  GPtrArray *pools;

  g_return_val_if_fail (FERRY_SIM_IS_POOL (self), NULL);

  pools = ferry_sim_db_get_rows_by_name (self->db, "pool");
  return pools->len > 0 ? g_ptr_array_index (pools, 0) : NULL;
}

FerrySimRow *
ferry_sim_pool_get_master (FerrySimPool *self)
{
  FerrySimRow *pool = ferry_sim_pool_get_pool_row (self);

  if (pool == NULL)
    return NULL;
  return ferry_sim_db_lookup_in (self->db, "host", ferry_sim_row_get_string (pool, "master"));
}

const char *
ferry_sim_pool_get_name (FerrySimPool *self)
{
  FerrySimRow *pool = ferry_sim_pool_get_pool_row (self);
  FerrySimRow *master;
  const char *name = pool ? ferry_sim_row_get_string (pool, "name_label") : NULL;

  if (name != NULL && *name != '\0')
    return name;

  master = ferry_sim_pool_get_master (self);
  return master ? ferry_sim_row_get_string (master, "name_label") : "";
}

gboolean
ferry_sim_pool_is_standalone (FerrySimPool *self)
{
  FerrySimRow *pool = ferry_sim_pool_get_pool_row (self);
  const char *name = pool ? ferry_sim_row_get_string (pool, "name_label") : NULL;

  return (name == NULL || *name == '\0') &&
         ferry_sim_db_get_rows_by_name (self->db, "host")->len == 1;
}

void
ferry_sim_pool_set_sim_attribute (FerrySimPool *self,
                                  const char   *ref,
                                  const char   *key,
                                  const char   *value)
{
  GHashTable *attributes;

  g_return_if_fail (FERRY_SIM_IS_POOL (self));
  g_return_if_fail (ref != NULL && key != NULL);

  attributes = g_hash_table_lookup (self->sim_attributes, ref);
  if (attributes == NULL)
    {
      attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (self->sim_attributes, g_strdup (ref), attributes);
    }

  if (value == NULL)
    g_hash_table_remove (attributes, key);
  else
    g_hash_table_insert (attributes, g_strdup (key), g_strdup (value));
}

const char *
ferry_sim_pool_get_sim_attribute (FerrySimPool *self,
                                  const char   *ref,
                                  const char   *key)
{
  GHashTable *attributes;

  g_return_val_if_fail (FERRY_SIM_IS_POOL (self), NULL);

  attributes = ref ? g_hash_table_lookup (self->sim_attributes, ref) : NULL;
  return attributes ? g_hash_table_lookup (attributes, key) : NULL;
}

double
ferry_sim_pool_get_sim_number (FerrySimPool *self,
                               const char   *ref,
                               const char   *key,
                               double        fallback)
{
  const char *text = ferry_sim_pool_get_sim_attribute (self, ref, key);
  char *end = NULL;
  double value;

  if (text == NULL)
    return fallback;
  value = g_ascii_strtod (text, &end);
  return (end == text || *end != '\0') ? fallback : value;
}

gpointer
ferry_sim_pool_get_world (FerrySimPool *self)
{
  g_return_val_if_fail (FERRY_SIM_IS_POOL (self), NULL);

  return self->world;
}

void
_ferry_sim_pool_set_world (FerrySimPool *self,
                           gpointer      world)
{
  self->world = world;
}
