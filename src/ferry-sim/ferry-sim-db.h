/* ferry-sim-db.h: one pool's database: tables of rows, generations and events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ferry-sim-schema.h"

G_BEGIN_DECLS

#define FERRY_SIM_NULL_REF "OpaqueRef:NULL"

typedef struct _FerrySimRow FerrySimRow;

struct _FerrySimRow
{
  FerrySimClass *klass;
  char          *ref;     /* interned */
  guint          index;   /* position in its class's row array */
  gint64         ctime;   /* generation of creation */
  gint64         mtime;   /* generation of the last change */
  FerrySimValue  values[];
};

typedef enum
{
  FERRY_SIM_CHANGE_ADD,
  FERRY_SIM_CHANGE_MOD,
  FERRY_SIM_CHANGE_DEL,
} FerrySimChange;

/* @row is NULL for FERRY_SIM_CHANGE_DEL. */
typedef void (*FerrySimChangeFunc) (FerrySimClass *klass,
                                    const char    *ref,
                                    FerrySimChange change,
                                    FerrySimRow   *row,
                                    gpointer       user_data);

#define FERRY_SIM_TYPE_DB (ferry_sim_db_get_type ())
G_DECLARE_FINAL_TYPE (FerrySimDb, ferry_sim_db, FERRY_SIM, DB, GObject)

FerrySimDb    *ferry_sim_db_new                (void);
gint64         ferry_sim_db_get_generation     (FerrySimDb          *self);

/* @ref and @uuid may be NULL: new random ones are made. */
FerrySimRow   *ferry_sim_db_create_row         (FerrySimDb          *self,
                                                FerrySimClass       *klass,
                                                const char          *ref,
                                                const char          *uuid);
FerrySimRow   *ferry_sim_db_create             (FerrySimDb          *self,
                                                const char          *class_name);
void           ferry_sim_db_delete_row         (FerrySimDb          *self,
                                                FerrySimRow         *row);

FerrySimRow   *ferry_sim_db_lookup             (FerrySimDb          *self,
                                                const char          *ref);
FerrySimRow   *ferry_sim_db_lookup_in          (FerrySimDb          *self,
                                                const char          *class_name,
                                                const char          *ref);
FerrySimRow   *ferry_sim_db_lookup_uuid        (FerrySimDb          *self,
                                                FerrySimClass       *klass,
                                                const char          *uuid);
GPtrArray     *ferry_sim_db_get_rows           (FerrySimDb          *self,
                                                FerrySimClass       *klass);
GPtrArray     *ferry_sim_db_get_rows_by_name   (FerrySimDb          *self,
                                                const char          *class_name);

/* Takes the contents of @value. Keeps inverse sets (VM.VBDs, host.resident_VMs, …) in step. */
void           ferry_sim_db_set                (FerrySimDb          *self,
                                                FerrySimRow         *row,
                                                FerrySimField       *field,
                                                FerrySimValue       *value);
void           ferry_sim_db_set_value          (FerrySimDb          *self,
                                                FerrySimRow         *row,
                                                const char          *field_name,
                                                FerrySimValue       *value);
void           ferry_sim_db_set_string         (FerrySimDb          *self,
                                                FerrySimRow         *row,
                                                const char          *field_name,
                                                const char          *text);
void           ferry_sim_db_set_int            (FerrySimDb          *self,
                                                FerrySimRow         *row,
                                                const char          *field_name,
                                                gint64               i);
void           ferry_sim_db_set_float          (FerrySimDb          *self,
                                                FerrySimRow         *row,
                                                const char          *field_name,
                                                double               d);
void           ferry_sim_db_set_bool           (FerrySimDb          *self,
                                                FerrySimRow         *row,
                                                const char          *field_name,
                                                gboolean             b);
void           ferry_sim_db_map_set            (FerrySimDb          *self,
                                                FerrySimRow         *row,
                                                const char          *field_name,
                                                const char          *key,
                                                const char          *text);
void           ferry_sim_db_map_remove         (FerrySimDb          *self,
                                                FerrySimRow         *row,
                                                const char          *field_name,
                                                const char          *key);
void           ferry_sim_db_set_add            (FerrySimDb          *self,
                                                FerrySimRow         *row,
                                                const char          *field_name,
                                                const char          *text);
void           ferry_sim_db_set_remove         (FerrySimDb          *self,
                                                FerrySimRow         *row,
                                                const char          *field_name,
                                                const char          *text);
void           ferry_sim_db_touch              (FerrySimDb          *self,
                                                FerrySimRow         *row);

/* For bulk loads: stores without events or inverse upkeep; call
 * ferry_sim_db_rebuild_relations() when done. */
void           ferry_sim_db_load_value         (FerrySimDb          *self,
                                                FerrySimRow         *row,
                                                FerrySimField       *field,
                                                FerrySimValue       *value);
void           ferry_sim_db_rebuild_relations  (FerrySimDb          *self);

void           ferry_sim_db_foreach_change     (FerrySimDb          *self,
                                                gint64               since,
                                                FerrySimChangeFunc   func,
                                                gpointer             user_data);

const FerrySimValue *ferry_sim_row_get         (FerrySimRow         *row,
                                                const char          *field_name);
const char    *ferry_sim_row_get_string        (FerrySimRow         *row,
                                                const char          *field_name);
gint64         ferry_sim_row_get_int           (FerrySimRow         *row,
                                                const char          *field_name);
double         ferry_sim_row_get_float         (FerrySimRow         *row,
                                                const char          *field_name);
gboolean       ferry_sim_row_get_bool          (FerrySimRow         *row,
                                                const char          *field_name);
const char    *ferry_sim_row_get_uuid          (FerrySimRow         *row);
const char    *ferry_sim_row_map_lookup        (FerrySimRow         *row,
                                                const char          *field_name,
                                                const char          *key);
void           ferry_sim_row_write_json        (FerrySimRow         *row,
                                                GString             *out);
void           ferry_sim_row_write_xmlrpc      (FerrySimRow         *row,
                                                GString             *out);

char          *ferry_sim_new_ref               (void);

G_END_DECLS
