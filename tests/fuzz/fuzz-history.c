/* fuzz-history.c: libFuzzer target for the history journal reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the bytes as a journal (JSON lines, possibly torn), then walks
 * every entry through its accessors, the open entries, the plans it
 * names and what it would teach the estimator.
 */
#include "config.h"

#include <stdint.h>

#include "ferry-estimate.h"
#include "ferry-history.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(FerryHistory) history = ferry_history_new ("/nonexistent/history.jsonl");
  g_autoptr(FerryEstimator) estimator = ferry_estimator_new ();

  ferry_history_load_data (history, (const char *) data, size);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (history)); i++)
    {
      g_autoptr(FerryHistoryEntry) entry = g_list_model_get_item (G_LIST_MODEL (history), i);
      g_autoptr(FerryPlan) plan = ferry_history_dup_plan (history, ferry_history_entry_get_plan_id (entry));
      g_autoptr(FerryEstimate) predicted = ferry_history_entry_dup_predicted (entry);

      g_free (ferry_history_entry_dup_from_text (entry));
      g_free (ferry_history_entry_dup_to_text (entry));
      g_ptr_array_unref (ferry_history_dup_vm_entries (history, ferry_history_entry_get_vm_uuid (entry)));
      (void) ferry_history_entry_get_outcome (entry);
      (void) ferry_history_entry_get_operation (entry);
      (void) ferry_history_entry_get_who (entry);
      (void) ferry_history_entry_get_task_ref (entry);
      (void) ferry_history_entry_get_error_code (entry);
      (void) ferry_history_entry_get_error_message (entry);
      (void) ferry_history_entry_get_actual_duration (entry);
      (void) ferry_history_entry_get_actual_bytes (entry);
      if (predicted != NULL)
        g_free (ferry_estimate_dup_summary (predicted));
      if (plan != NULL)
        {
          g_free (ferry_plan_to_data (plan));
          g_free (ferry_plan_to_xe (plan));
        }
    }

  g_ptr_array_unref (ferry_history_dup_open (history));
  ferry_history_teach (history, estimator);

  return 0;
}
