/* ferry-sim-value.h: one XenAPI value, as stored and as sent on the wire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  FERRY_SIM_VALUE_NULL,
  FERRY_SIM_VALUE_STRING,
  FERRY_SIM_VALUE_INT,
  FERRY_SIM_VALUE_FLOAT,
  FERRY_SIM_VALUE_BOOL,
  FERRY_SIM_VALUE_DATETIME,  /* text "YYYYMMDDTHH:MM:SSZ" */
  FERRY_SIM_VALUE_ARRAY,
  FERRY_SIM_VALUE_MAP,       /* ordered string keys */
} FerrySimValueKind;

typedef struct _FerrySimValue FerrySimValue;
typedef struct _FerrySimPair  FerrySimPair;

/* Strings are interned GRefStrings: equal texts share memory. */
struct _FerrySimValue
{
  FerrySimValueKind kind;
  union {
    gint64   i;
    double   d;
    gboolean b;
    char    *s;
    GArray  *array;  /* of FerrySimValue */
    GArray  *map;    /* of FerrySimPair */
  };
};

struct _FerrySimPair
{
  char          *key;
  FerrySimValue  value;
};

#define FERRY_SIM_VALUE_INIT { .kind = FERRY_SIM_VALUE_NULL }

char           *ferry_sim_intern               (const char           *text);
void            ferry_sim_value_clear          (FerrySimValue        *value);
void            ferry_sim_value_copy           (FerrySimValue        *dest,
                                                const FerrySimValue  *src);
void            ferry_sim_value_move           (FerrySimValue        *dest,
                                                FerrySimValue        *src);
gboolean        ferry_sim_value_equal          (const FerrySimValue  *a,
                                                const FerrySimValue  *b);

void            ferry_sim_value_set_string     (FerrySimValue        *value,
                                                const char           *text);
void            ferry_sim_value_set_int        (FerrySimValue        *value,
                                                gint64                i);
void            ferry_sim_value_set_float      (FerrySimValue        *value,
                                                double                d);
void            ferry_sim_value_set_bool       (FerrySimValue        *value,
                                                gboolean              b);
void            ferry_sim_value_set_datetime   (FerrySimValue        *value,
                                                const char           *text);
void            ferry_sim_value_set_datetime_now (FerrySimValue      *value);
void            ferry_sim_value_set_array      (FerrySimValue        *value);
void            ferry_sim_value_set_map        (FerrySimValue        *value);

/* Arrays (sets). append takes ownership of @item's contents. */
guint           ferry_sim_value_get_length     (const FerrySimValue  *value);
const FerrySimValue *ferry_sim_value_index     (const FerrySimValue  *value,
                                                guint                 i);
void            ferry_sim_value_append         (FerrySimValue        *array,
                                                FerrySimValue        *item);
void            ferry_sim_value_append_string  (FerrySimValue        *array,
                                                const char           *text);
gboolean        ferry_sim_value_contains_string (const FerrySimValue *array,
                                                const char           *text);
gboolean        ferry_sim_value_remove_string  (FerrySimValue        *array,
                                                const char           *text);

/* Maps. insert takes ownership of @item's contents and replaces an existing key. */
const FerrySimValue *ferry_sim_value_lookup    (const FerrySimValue  *map,
                                                const char           *key);
const char     *ferry_sim_value_lookup_string  (const FerrySimValue  *map,
                                                const char           *key);
void            ferry_sim_value_insert         (FerrySimValue        *map,
                                                const char           *key,
                                                FerrySimValue        *item);
void            ferry_sim_value_insert_string  (FerrySimValue        *map,
                                                const char           *key,
                                                const char           *text);
gboolean        ferry_sim_value_remove_key     (FerrySimValue        *map,
                                                const char           *key);
const FerrySimPair *ferry_sim_value_pair       (const FerrySimValue  *map,
                                                guint                 i);

const char     *ferry_sim_value_get_string     (const FerrySimValue  *value);

/* Wire encodings (xapi.md §1.4–§1.6). */
void            ferry_sim_value_write_json     (const FerrySimValue  *value,
                                                GString              *out);
void            ferry_sim_value_write_xmlrpc   (const FerrySimValue  *value,
                                                GString              *out);
void            ferry_sim_write_json_string    (GString              *out,
                                                const char           *text);
void            ferry_sim_write_int            (GString              *out,
                                                gint64                i);
void            ferry_sim_write_xml_text       (GString              *out,
                                                const char           *text);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FerrySimValue, ferry_sim_value_clear)

G_END_DECLS
