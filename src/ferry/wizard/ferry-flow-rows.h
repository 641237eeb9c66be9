/* ferry-flow-rows.h: rows the flows share: a finding with its rule ID and
 * "Learn more" link, and a choice (radio) that may be refused with its reason
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-check.h"

G_BEGIN_DECLS

/* A row for @check: the message, the remedy below it, an icon for its
 * severity, then the rule ID and a "Learn more" link (help:ferry/rule-…).
 * @prefix (nullable): words before the message ("web-01: "). */
GtkWidget      *ferry_check_row_new           (FerryCheck     *check,
                                               const char     *prefix);
/* "Message. Remedy" in one sentence pair. */
char           *ferry_check_dup_reason_text   (FerryCheck     *check);
/* Adds the rule ID and the "Learn more" link to @row. */
void            ferry_check_row_add_rule      (AdwActionRow   *row,
                                               FerryCheck     *check);
/* A choice: a radio button in @group (NULL: the first of a group). With a
 * blocking @refusal the choice cannot be taken: the reason, remedy, rule
 * ID and link show instead of @subtitle. Warnings show beside the subtitle. */
GtkWidget      *ferry_choice_row_new          (const char     *title,
                                               const char     *subtitle,
                                               GtkCheckButton *group,
                                               FerryCheck     *refusal);
GtkCheckButton *ferry_choice_row_get_check    (GtkWidget      *row);
/* Makes a choice unavailable for a reason no rule names ("Where the disk is now"). */
void            ferry_choice_row_set_unavailable (GtkWidget   *row,
                                               const char     *reason);
/* Whether the choice was refused or made unavailable. */
gboolean        ferry_choice_row_get_refused  (GtkWidget      *row);
/* The rule ID a row shows ("R12"), or NULL. */
const char     *ferry_flow_row_get_rule_id    (GtkWidget      *row);
/* A group (AdwPreferencesGroup) with @title and @description. */
GtkWidget      *ferry_flow_group_new          (const char     *title,
                                               const char     *description);
/* Finds, below @widget, an AdwPreferencesRow titled @title (tests, focus). */
GtkWidget      *ferry_flow_find_row           (GtkWidget      *widget,
                                               const char     *title);
/* Removes every child of @box. */
void            ferry_flow_box_clear          (GtkBox         *box);

G_END_DECLS
