/* ferry-sim-schema.h: the XenAPI datamodel subset the simulator serves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ferry-sim-value.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_SIM_TYPE_VOID,
  FERRY_SIM_TYPE_STRING,
  FERRY_SIM_TYPE_INT,
  FERRY_SIM_TYPE_FLOAT,
  FERRY_SIM_TYPE_BOOL,
  FERRY_SIM_TYPE_DATETIME,
  FERRY_SIM_TYPE_ENUM,
  FERRY_SIM_TYPE_REF,
  FERRY_SIM_TYPE_SET,
  FERRY_SIM_TYPE_MAP,
  FERRY_SIM_TYPE_RECORD,
} FerrySimTypeKind;

typedef struct _FerrySimType  FerrySimType;
typedef struct _FerrySimField FerrySimField;
typedef struct _FerrySimClass FerrySimClass;

struct _FerrySimType
{
  FerrySimTypeKind    kind;
  char               *spelling;    /* "(string -> VM ref) map" */
  char               *name;        /* class for REF/RECORD, enum name for ENUM */
  const FerrySimType *key;         /* MAP */
  const FerrySimType *element;     /* SET element, MAP value */
  const char * const *enum_values; /* ENUM, datamodel spelling */
};

typedef enum
{
  FERRY_SIM_FIELD_RO = 0,
  FERRY_SIM_FIELD_RW = 1 << 0,
} FerrySimFieldFlags;

/* Static description of a field, as written in ferry-sim-classes.c. */
typedef struct
{
  const char *name;          /* wire name: "name_label" */
  const char *type;          /* "string", "VM ref set", "(string -> string) map", "enum vm_power_state" */
  guint       flags;         /* FerrySimFieldFlags */
  const char *default_value; /* text in the type's own form, NULL for the type's zero */
  const char *inverse;       /* for a "X ref set": the ref field of X that points back here */
} FerrySimFieldDef;

typedef struct
{
  const char             *name;     /* "VM" */
  const FerrySimFieldDef *fields;
  guint                   n_fields;
} FerrySimClassDef;

typedef struct
{
  const char         *name;
  const char * const *values;
} FerrySimEnumDef;

struct _FerrySimField
{
  const FerrySimFieldDef *def;
  const char             *name;
  const FerrySimType     *type;
  FerrySimClass          *klass;
  guint                   index;
  FerrySimValue           default_value;
  /* The set fields elsewhere that list the rows this ref field points to. */
  GPtrArray              *inverse_sets;   /* of FerrySimField */
  FerrySimField          *inverse_ref;    /* for a set field: the ref field it mirrors */
  char                   *json_key;       /* "\"name\":", ready to write */
  char                   *xml_key;        /* "<member><name>name</name>" */
};

struct _FerrySimClass
{
  const char     *name;       /* "VM" */
  char           *lower_name; /* "vm", as event.from spells it */
  guint           index;
  guint           n_fields;
  FerrySimField  *fields;
  GHashTable     *by_name;    /* field name -> FerrySimField */
  FerrySimField  *uuid;
  FerrySimField  *name_label;
};

/* Tables of classes and enums, defined in ferry-sim-classes.c. */
extern const FerrySimClassDef ferry_sim_class_defs[];
extern const guint            ferry_sim_n_class_defs;
extern const FerrySimEnumDef  ferry_sim_enum_defs[];
extern const guint            ferry_sim_n_enum_defs;

void                 ferry_sim_schema_init        (void);
guint                ferry_sim_schema_get_n_classes (void);
FerrySimClass       *ferry_sim_schema_get_class   (guint                index);
FerrySimClass       *ferry_sim_schema_lookup_class (const char          *name);
FerrySimClass       *ferry_sim_schema_lookup_class_nocase (const char   *name);
FerrySimField       *ferry_sim_class_lookup_field (FerrySimClass        *klass,
                                                   const char           *name);

/* Parses a type spelling; types are created once and live forever. */
const FerrySimType  *ferry_sim_type_parse         (const char           *spelling);
gboolean             ferry_sim_type_is_enum_value (const FerrySimType   *type,
                                                   const char           *text,
                                                   const char          **canonical);

/* Turns a wire value into one of @type, with xapi's leniency (xapi.md §1.6).
 * On failure returns FALSE and leaves @out cleared. */
gboolean             ferry_sim_type_coerce        (const FerrySimType   *type,
                                                   const FerrySimValue  *in,
                                                   FerrySimValue        *out);
/* Parses @text written in the type's natural text form (scenario and state.db):
 * "true", "42", "1.5", "Running", "OpaqueRef:…". Sets and maps are not accepted here. */
gboolean             ferry_sim_type_parse_text    (const FerrySimType   *type,
                                                   const char           *text,
                                                   FerrySimValue        *out);
void                 ferry_sim_type_zero          (const FerrySimType   *type,
                                                   FerrySimValue        *out);

G_END_DECLS
