/* ferry-json-reader.h: a small pull parser for big event.from replies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A parsed JSON value. Strings and nested values live in a FerryArena. */
typedef enum
{
  FERRY_VALUE_NULL,
  FERRY_VALUE_BOOLEAN,
  FERRY_VALUE_INT,
  FERRY_VALUE_DOUBLE,
  FERRY_VALUE_STRING,
  FERRY_VALUE_ARRAY,
  FERRY_VALUE_OBJECT,
} FerryValueKind;

typedef struct _FerryValue  FerryValue;
typedef struct _FerryMember FerryMember;

struct _FerryValue
{
  FerryValueKind kind;
  guint          n;              /* items or members */
  union {
    gboolean     boolean;
    gint64       integer;
    double       number;
    const char  *string;         /* nul-terminated UTF-8 */
    FerryValue  *items;
    FerryMember *members;
  };
};

struct _FerryMember
{
  const char *key;
  FerryValue  value;
};

/* A bump allocator, reset after every event. */
typedef struct
{
  GSList *blocks;
  guint8 *pos;
  gsize   left;
} FerryArena;

gpointer _ferry_arena_alloc (FerryArena *arena,
                             gsize       size);
void     _ferry_arena_reset (FerryArena *arena);
void     _ferry_arena_clear (FerryArena *arena);

/* Converts a json-glib node into @arena (the JsonArray path). */
void     _ferry_value_from_node (FerryArena *arena,
                                 JsonNode   *node,
                                 FerryValue *out);

typedef struct
{
  const char *start;
  const char *pos;
  const char *end;
  FerryArena *arena;
  GArray     *scratch[32];      /* per depth, while an array or object grows */
  guint       depth;
  guint8      iter_first[32];   /* begin_object/next_member nesting */
  guint       iter_depth;
  char       *error;            /* the first error, if any */
} FerryJsonReader;

void     _ferry_json_reader_init          (FerryJsonReader *reader,
                                           const char      *data,
                                           gsize            length,
                                           FerryArena      *arena);
void     _ferry_json_reader_clear         (FerryJsonReader *reader);
/* A sub-reader over a span of the same text, sharing the arena. */
void     _ferry_json_reader_init_span     (FerryJsonReader *reader,
                                           FerryJsonReader *parent,
                                           const char      *start,
                                           const char      *end);
gboolean _ferry_json_reader_failed        (FerryJsonReader *reader);
/* The next non-blank character, not consumed; '\0' at the end. */
char     _ferry_json_reader_peek          (FerryJsonReader *reader);
gboolean _ferry_json_reader_at_end        (FerryJsonReader *reader);

gboolean _ferry_json_reader_read_value    (FerryJsonReader *reader,
                                           FerryValue      *out);
gboolean _ferry_json_reader_skip_value    (FerryJsonReader *reader);
/* A string value into the arena. */
gboolean _ferry_json_reader_read_string   (FerryJsonReader *reader,
                                           const char     **out);

/* Iteration without building values:
 *   if (begin_object (r)) while (next_member (r, &key)) { read or skip }
 * next_member() returns FALSE at the closing brace or on an error. */
gboolean _ferry_json_reader_begin_object  (FerryJsonReader *reader);
gboolean _ferry_json_reader_next_member   (FerryJsonReader *reader,
                                           const char     **key);
gboolean _ferry_json_reader_next_member_span (FerryJsonReader *reader,
                                              const char     **key,
                                              gsize           *len);
gboolean _ferry_json_reader_begin_array   (FerryJsonReader *reader);
gboolean _ferry_json_reader_next_element  (FerryJsonReader *reader);

G_END_DECLS
