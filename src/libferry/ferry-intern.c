/* ferry-intern.c: a thread-safe pool of reference-counted interned strings
 *
 * Batches are parsed (and their strings interned) on worker threads while
 * the main thread releases the values it replaces. The count and the table
 * share one lock, so a lookup can never revive a string being freed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-intern"

#include "config.h"

#include <string.h>

#include "ferry-intern.h"

typedef struct
{
  guint rc;
  char  str[];
} InternString;

#define INTERN_STRING(s) ((InternString *) (gpointer) ((s) - G_STRUCT_OFFSET (InternString, str)))

static GMutex      intern_mutex;
static GHashTable *intern_table;

static char *
intern_lookup_or_add (const char *str,
                      gsize       len)
{
  InternString *is;
  char *found;

  if (G_UNLIKELY (intern_table == NULL))
    intern_table = g_hash_table_new (g_str_hash, g_str_equal);

  found = g_hash_table_lookup (intern_table, str);
  if (found != NULL)
    {
      INTERN_STRING (found)->rc++;
      return found;
    }

  is = g_malloc (sizeof (InternString) + len + 1);
  is->rc = 1;
  memcpy (is->str, str, len);
  is->str[len] = '\0';
  g_hash_table_add (intern_table, is->str);

  return is->str;
}

void
_ferry_intern_lock (void)
{
  g_mutex_lock (&intern_mutex);
}

void
_ferry_intern_unlock (void)
{
  g_mutex_unlock (&intern_mutex);
}

char *
_ferry_intern_unlocked (const char *str)
{
  if (str == NULL)
    return NULL;

  return intern_lookup_or_add (str, strlen (str));
}

void
_ferry_intern_release_unlocked (char *istr)
{
  InternString *is;

  if (istr == NULL)
    return;

  is = INTERN_STRING (istr);
  g_assert (is->rc > 0);

  if (--is->rc == 0)
    {
      g_hash_table_remove (intern_table, istr);
      g_free (is);
    }
}

char *
_ferry_intern (const char *str)
{
  char *ret;

  if (str == NULL)
    return NULL;

  g_mutex_lock (&intern_mutex);
  ret = intern_lookup_or_add (str, strlen (str));
  g_mutex_unlock (&intern_mutex);

  return ret;
}

char *
_ferry_intern_len (const char *str,
                   gsize       len)
{
  g_autofree char *copy = NULL;

  if (str == NULL)
    return NULL;

  copy = g_strndup (str, len);
  return _ferry_intern (copy);
}

char *
_ferry_intern_ref (char *istr)
{
  if (istr == NULL)
    return NULL;

  g_mutex_lock (&intern_mutex);
  INTERN_STRING (istr)->rc++;
  g_mutex_unlock (&intern_mutex);

  return istr;
}

void
_ferry_intern_release (char *istr)
{
  if (istr == NULL)
    return;

  g_mutex_lock (&intern_mutex);
  _ferry_intern_release_unlocked (istr);
  g_mutex_unlock (&intern_mutex);
}

guint
_ferry_intern_get_size (void)
{
  guint ret;

  g_mutex_lock (&intern_mutex);
  ret = intern_table != NULL ? g_hash_table_size (intern_table) : 0;
  g_mutex_unlock (&intern_mutex);

  return ret;
}
