/* ferry-cli-output.h: tables and colours for people, JSON for programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ferry-object.h"

G_BEGIN_DECLS

/* The version of the JSON documents (the "format" member). It changes
 * only when a member is removed or changes its meaning. */
#define FERRY_CLI_JSON_FORMAT 1

typedef enum
{
  FERRY_CLI_STYLE_NONE,
  FERRY_CLI_STYLE_BOLD,
  FERRY_CLI_STYLE_DIM,
  FERRY_CLI_STYLE_GOOD,     /* green */
  FERRY_CLI_STYLE_WARNING,  /* yellow */
  FERRY_CLI_STYLE_BAD,      /* red */
} FerryCliStyle;

/* "\033[…m" text "\033[0m" when @color, else a copy. */
char          *ferry_cli_style_text        (const char     *text,
                                            FerryCliStyle   style,
                                            gboolean        color);

/* A table of left-aligned columns separated by two spaces. */
typedef struct _FerryCliTable FerryCliTable;

FerryCliTable *ferry_cli_table_new         (const char     *first_header,
                                            ...) G_GNUC_NULL_TERMINATED;
void           ferry_cli_table_free        (FerryCliTable  *table);
void           ferry_cli_table_begin_row   (FerryCliTable  *table);
/* Adds a cell to the current row; NULL shows as "-". */
void           ferry_cli_table_add         (FerryCliTable  *table,
                                            const char     *text,
                                            FerryCliStyle   style);
void           ferry_cli_table_take        (FerryCliTable  *table,
                                            char           *text,
                                            FerryCliStyle   style);
/* A line under the current row, indented to column @column, that does not
 * widen the columns (a finding's remedy). */
void           ferry_cli_table_add_note    (FerryCliTable  *table,
                                            guint           column,
                                            const char     *text,
                                            FerryCliStyle   style);
guint          ferry_cli_table_get_n_rows  (FerryCliTable  *table);
void           ferry_cli_table_print       (FerryCliTable  *table,
                                            gboolean        color);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryCliTable, ferry_cli_table_free)

/* "4.0 GiB"; NULL for a negative size. */
char          *ferry_cli_format_bytes      (gint64          bytes);

/* A builder inside the document's object, with "format" and "command". */
JsonBuilder   *ferry_cli_json_begin        (const char     *command);
/* Ends the object and prints the document on standard output. */
void           ferry_cli_json_print        (JsonBuilder    *builder);
/* Members that may be NULL (then JSON null). */
void           ferry_cli_json_add_string   (JsonBuilder    *builder,
                                            const char     *member,
                                            const char     *value);
void           ferry_cli_json_add_strv     (JsonBuilder    *builder,
                                            const char     *member,
                                            const char * const *values);

/* Prints a JSON object as indented "key: value" lines: members ending in
 * "_bytes" as sizes, object references by name, lists one per line. */
void           ferry_cli_print_object      (JsonObject     *object,
                                            gboolean        color);
/* The text of one JSON value as ferry_cli_print_object() shows it in a
 * line (object references by name, lists joined by commas). */
char          *ferry_cli_format_value      (const char     *member,
                                            JsonNode       *node);

G_END_DECLS
