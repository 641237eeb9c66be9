/* ferry-intern.h: a thread-safe pool of reference-counted interned strings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns the interned copy of @str with one more reference (NULL for NULL). */
char *_ferry_intern         (const char *str);
/* @len bytes of @str, which need not be nul-terminated. */
char *_ferry_intern_len     (const char *str,
                             gsize       len);
/* Another reference to an already interned string. */
char *_ferry_intern_ref     (char       *istr);
void  _ferry_intern_release (char       *istr);

/* Batch variants: hold the lock around many calls. */
void  _ferry_intern_lock             (void);
void  _ferry_intern_unlock           (void);
char *_ferry_intern_unlocked         (const char *str);
void  _ferry_intern_release_unlocked (char       *istr);

/* Number of distinct strings alive (for tests and the benchmark). */
guint _ferry_intern_get_size (void);

G_END_DECLS
