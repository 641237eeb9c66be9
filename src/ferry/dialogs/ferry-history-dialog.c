/* ferry-history-dialog.c
 *
 * The History window: the journal of the window's queue
 * (ferry-history.h), newest first, so that past moves can be looked at
 * after a restart ("a migration history that survives restarts", and each
 * move's duration against its estimate, R28). The model chain is
 *
 *   FerryHistory → FerryReverseListModel → GtkFilterListModel → GtkListView
 *
 * so that a long journal costs no widget per entry, and a new entry
 * (items-changed of the journal) shows at the top at once. The search
 * matches every word typed against a key kept with each entry: its VM,
 * hosts and pools, the kind of move, its outcome and error.
 *
 * "Export…" writes the moves shown as JSON lines, each the whole merged
 * record (as XenCenter exports its history for support), through a native
 * file chooser: the compact lines the entries keep, written asynchronously.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-history-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ferry-history-dialog.h"
#include "ferry-history-row.h"
#include "ferry-job.h"
#include "ferry-reverse-list-model.h"

#define DIALOG_KEY "ferry-history-dialog"

struct _FerryHistoryDialog
{
  AdwWindow              parent_instance;

  /* Template widgets */
  AdwWindowTitle        *window_title;
  GtkSearchEntry        *search_entry;
  AdwToastOverlay       *toast_overlay;
  GtkStack              *stack;
  GtkListView           *list_view;

  /* Owned references */
  FerryWindow           *window;      /* weak */
  FerryQueue            *queue;
  FerryHistory          *history;
  FerryReverseListModel *newest_first;
  GtkCustomFilter       *filter;
  GtkFilterListModel    *shown;
  char                 **words;       /* the search, casefolded; NULL: all */
  char                  *search;
  GtkFileChooserNative  *chooser;
  GCancellable          *cancellable;
  guint                  refilter_id;
};

G_DEFINE_FINAL_TYPE (FerryHistoryDialog, ferry_history_dialog, ADW_TYPE_WINDOW)

/* The search key of an entry, kept with it until its outcome changes. */

typedef struct
{
  const char *label;   /* the outcome in words it was made with */
  char       *text;
} SearchKey;

static GQuark
search_key_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("ferry-history-search-key");
  return quark;
}

static void
search_key_free (gpointer data)
{
  SearchKey *key = data;

  g_free (key->text);
  g_free (key);
}

static char *
fold (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

  return normalized ? g_utf8_casefold (normalized, -1) : g_strdup ("");
}

static const char *
get_search_key (FerryHistoryDialog *self,
                FerryHistoryEntry  *entry)
{
  const char *label = ferry_history_entry_get_outcome_label (entry, self->queue);
  SearchKey *key = g_object_get_qdata (G_OBJECT (entry), search_key_quark ());
  FerryOperation operation;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *text = NULL;

  if (key != NULL && key->label == label)
    return key->text;

  operation = ferry_history_entry_get_operation (entry);
  from = ferry_history_entry_dup_from_text (entry);
  to = ferry_history_entry_dup_to_text (entry);
  text = g_strjoin ("\n",
                    ferry_history_entry_get_vm_name (entry) ? ferry_history_entry_get_vm_name (entry) : "",
                    ferry_history_entry_get_vm_uuid (entry) ? ferry_history_entry_get_vm_uuid (entry) : "",
                    from ? from : "", to ? to : "",
                    ferry_operation_get_title (operation), ferry_operation_get_id (operation),
                    label,
                    ferry_history_entry_get_error_code (entry) ? ferry_history_entry_get_error_code (entry) : "",
                    ferry_history_entry_get_error_message (entry) ? ferry_history_entry_get_error_message (entry) : "",
                    ferry_history_entry_get_who (entry) ? ferry_history_entry_get_who (entry) : "",
                    NULL);

  key = g_new0 (SearchKey, 1);
  key->label = label;
  key->text = fold (text);
  g_object_set_qdata_full (G_OBJECT (entry), search_key_quark (), key, search_key_free);
  return key->text;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  FerryHistoryDialog *self = user_data;
  const char *key;

  if (self->words == NULL)
    return TRUE;
  key = get_search_key (self, item);
  for (guint i = 0; self->words[i] != NULL; i++)
    if (strstr (key, self->words[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* The stack, the subtitle and the export action follow the counts. */
static void
update_state (FerryHistoryDialog *self)
{
  guint n_all = self->history ? g_list_model_get_n_items (G_LIST_MODEL (self->history)) : 0;
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->shown));
  g_autofree char *subtitle = NULL;

  gtk_stack_set_visible_child_name (self->stack, n_all == 0 ? "empty" : n_shown == 0 ? "no-results" : "list");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.export", n_shown > 0);

  if (n_all == 0)
    subtitle = NULL;
  else if (self->words == NULL)
    subtitle = g_strdup_printf (ngettext ("%u move", "%u moves", n_all), n_all);
  else
    /* Translators: the moves the search leaves, of all in the history */
    subtitle = g_strdup_printf (ngettext ("%u of %u move", "%u of %u moves", n_all), n_shown, n_all);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
on_search_changed_cb (FerryHistoryDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *folded = fold (text);
  g_autofree char *before = g_steal_pointer (&self->search);
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  g_strstrip (folded);
  g_clear_pointer (&self->words, g_strfreev);
  if (*folded != '\0')
    {
      self->words = g_regex_split_simple ("\\s+", folded, 0, 0);
      self->search = g_strdup (folded);
    }

  /* Typing on narrows the search, deleting widens it. */
  if (before != NULL && self->search != NULL && strstr (self->search, before) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (self->search == NULL || (before != NULL && strstr (before, self->search) != NULL))
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  gtk_filter_changed (GTK_FILTER (self->filter), change);
  update_state (self);
}

static void
on_stop_search_cb (FerryHistoryDialog *self)
{
  /* Escape clears the search, then closes the window. */
  if (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  else
    gtk_window_close (GTK_WINDOW (self));
}

static gboolean
refilter_cb (gpointer user_data)
{
  FerryHistoryDialog *self = user_data;

  self->refilter_id = 0;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_state (self);
  return G_SOURCE_REMOVE;
}

/* A move ended, or a job joined the queue (its entry was journalled just
 * before, as if Ferry had left it unfinished): the outcome in words is
 * part of what the search matches. */
static void
on_queue_changed_cb (FerryHistoryDialog *self)
{
  if (self->words != NULL && self->refilter_id == 0)
    self->refilter_id = g_idle_add (refilter_cb, self);
}

/* The rows */

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          FerryHistoryDialog       *self)
{
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_selectable (item, FALSE);
  gtk_list_item_set_child (item, ferry_history_row_new (self->queue));
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         FerryHistoryDialog       *self)
{
  ferry_history_row_set_entry (FERRY_HISTORY_ROW (gtk_list_item_get_child (item)), gtk_list_item_get_item (item));
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           FerryHistoryDialog       *self)
{
  ferry_history_row_set_entry (FERRY_HISTORY_ROW (gtk_list_item_get_child (item)), NULL);
}

/* Export */

static void
on_replaced_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
ferry_history_dialog_export_async (FerryHistoryDialog  *self,
                                   GFile               *file,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GListModel *shown;
  GString *text;
  guint n;

  g_return_if_fail (FERRY_IS_HISTORY_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_history_dialog_export_async);

  /* Oldest first, as in the journal; each entry keeps its line. */
  shown = G_LIST_MODEL (self->shown);
  n = g_list_model_get_n_items (shown);
  text = g_string_new (NULL);
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(FerryHistoryEntry) entry = g_list_model_get_item (shown, i - 1);

      g_string_append (text, ferry_history_entry_get_json_text (entry));
      g_string_append_c (text, '\n');
    }
  g_task_set_task_data (task, GUINT_TO_POINTER (n), NULL);

  bytes = g_string_free_to_bytes (text);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE,
                                       cancellable, on_replaced_cb, g_steal_pointer (&task));
}

gboolean
ferry_history_dialog_export_finish (FerryHistoryDialog  *self,
                                    GAsyncResult        *result,
                                    guint               *n_written,
                                    GError             **error)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_DIALOG (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (n_written != NULL)
    *n_written = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result)));
  return TRUE;
}

static void
on_exported_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  FerryHistoryDialog *self = FERRY_HISTORY_DIALOG (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint n = 0;

  if (!ferry_history_dialog_export_finish (self, result, &n, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s says why */
      text = g_strdup_printf (_("Could not export the history: %s"), error->message);
    }
  else
    text = g_strdup_printf (ngettext ("Exported %u move", "Exported %u moves", n), n);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
on_export_response_cb (GtkNativeDialog    *chooser,
                       int                 response,
                       FerryHistoryDialog *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    ferry_history_dialog_export_async (self, file, self->cancellable, on_exported_cb, NULL);
  g_clear_object (&self->chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  FerryHistoryDialog *self = FERRY_HISTORY_DIALOG (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = g_strdup_printf ("ferry-history-%s.jsonl", date);

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Export History"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static gboolean
search_shortcut_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  FerryHistoryDialog *self = FERRY_HISTORY_DIALOG (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
ferry_history_dialog_dispose (GObject *object)
{
  FerryHistoryDialog *self = FERRY_HISTORY_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refilter_id, g_source_remove);
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->window != NULL && g_object_get_data (G_OBJECT (self->window), DIALOG_KEY) == self)
    g_object_set_data (G_OBJECT (self->window), DIALOG_KEY, NULL);
  g_clear_weak_pointer (&self->window);
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_func (self->history, update_state, self);
  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_func (self->queue, on_queue_changed_cb, self);
  if (self->shown != NULL)
    g_signal_handlers_disconnect_by_func (self->shown, update_state, self);

  G_OBJECT_CLASS (ferry_history_dialog_parent_class)->dispose (object);
}

static void
ferry_history_dialog_finalize (GObject *object)
{
  FerryHistoryDialog *self = FERRY_HISTORY_DIALOG (object);

  g_clear_object (&self->shown);
  g_clear_object (&self->filter);
  g_clear_object (&self->newest_first);
  g_clear_object (&self->history);
  g_clear_object (&self->queue);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->words, g_strfreev);
  g_free (self->search);

  G_OBJECT_CLASS (ferry_history_dialog_parent_class)->finalize (object);
}

static void
ferry_history_dialog_class_init (FerryHistoryDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_history_dialog_dispose;
  object_class->finalize = ferry_history_dialog_finalize;

  g_type_ensure (FERRY_TYPE_HISTORY_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ui/ferry-history-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryHistoryDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FerryHistoryDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FerryHistoryDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FerryHistoryDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, FerryHistoryDialog, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search_cb);

  gtk_widget_class_install_action (widget_class, "history.export", NULL, export_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, search_shortcut_cb, NULL);
}

static void
ferry_history_dialog_init (FerryHistoryDialog *self)
{
  GtkListItemFactory *factory;
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->shown = gtk_filter_list_model_new (NULL, g_object_ref (GTK_FILTER (self->filter)));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->shown)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect_swapped (self->shown, "items-changed", G_CALLBACK (update_state), self);
}

static void
set_queue (FerryHistoryDialog *self,
           FerryQueue         *queue)
{
  self->queue = queue ? g_object_ref (queue) : NULL;
  self->history = queue && ferry_queue_get_history (queue) ? g_object_ref (ferry_queue_get_history (queue)) : NULL;
  if (self->queue != NULL)
    {
      g_signal_connect_swapped (self->queue, "job-finished", G_CALLBACK (on_queue_changed_cb), self);
      g_signal_connect_swapped (self->queue, "items-changed", G_CALLBACK (on_queue_changed_cb), self);
    }
  if (self->history != NULL)
    {
      self->newest_first = ferry_reverse_list_model_new (G_LIST_MODEL (self->history));
      gtk_filter_list_model_set_model (self->shown, G_LIST_MODEL (self->newest_first));
      /* Entries the search hides still count. */
      g_signal_connect_swapped (self->history, "items-changed", G_CALLBACK (update_state), self);
    }
  update_state (self);
}

FerryHistoryDialog *
ferry_history_dialog_present (FerryWindow *window)
{
  FerryHistoryDialog *self;

  g_return_val_if_fail (FERRY_IS_WINDOW (window), NULL);

  self = g_object_get_data (G_OBJECT (window), DIALOG_KEY);
  if (self == NULL)
    {
      self = g_object_new (FERRY_TYPE_HISTORY_DIALOG,
                           "transient-for", window,
                           "destroy-with-parent", TRUE,
                           NULL);
      g_set_weak_pointer (&self->window, window);
      g_object_set_data (G_OBJECT (window), DIALOG_KEY, self);
      set_queue (self, ferry_window_get_queue (window));
    }

  gtk_window_present (GTK_WINDOW (self));
  return self;
}

FerryHistory *
ferry_history_dialog_get_history (FerryHistoryDialog *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_DIALOG (self), NULL);
  return self->history;
}

GListModel *
ferry_history_dialog_get_shown (FerryHistoryDialog *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_DIALOG (self), NULL);
  return G_LIST_MODEL (self->shown);
}

GtkEditable *
ferry_history_dialog_get_search (FerryHistoryDialog *self)
{
  g_return_val_if_fail (FERRY_IS_HISTORY_DIALOG (self), NULL);
  return GTK_EDITABLE (self->search_entry);
}
