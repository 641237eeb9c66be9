/* ferry-sim-classes.c: the classes, fields and enums of the XenAPI datamodel
 * that the simulator serves (xapi.md §2). Temporary subset; to be completed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-sim-schema.h"

#define RO FERRY_SIM_FIELD_RO
#define RW FERRY_SIM_FIELD_RW

static const char * const vm_power_state[] = { "Halted", "Paused", "Running", "Suspended", NULL };
static const char * const task_status_type[] = { "pending", "success", "failure", "cancelling", "cancelled", NULL };
static const char * const task_allowed_operations[] = { "cancel", "destroy", NULL };

const FerrySimEnumDef ferry_sim_enum_defs[] = {
  { "vm_power_state", vm_power_state },
  { "task_status_type", task_status_type },
  { "task_allowed_operations", task_allowed_operations },
};
const guint ferry_sim_n_enum_defs = G_N_ELEMENTS (ferry_sim_enum_defs);

static const FerrySimFieldDef session_fields[] = {
  { "uuid", "string", RO },
  { "this_host", "host ref", RO },
  { "this_user", "string", RO },
  { "last_active", "datetime", RO },
  { "pool", "bool", RO },
  { "other_config", "(string -> string) map", RW },
  { "is_local_superuser", "bool", RO, "true" },
  { "originator", "string", RO },
};

static const FerrySimFieldDef task_fields[] = {
  { "uuid", "string", RO },
  { "name_label", "string", RO },
  { "name_description", "string", RO },
  { "allowed_operations", "enum task_allowed_operations set", RO },
  { "current_operations", "(string -> enum task_allowed_operations) map", RO },
  { "created", "datetime", RO },
  { "finished", "datetime", RO },
  { "status", "enum task_status_type", RO },
  { "resident_on", "host ref", RO },
  { "progress", "float", RO },
  { "type", "string", RO, "<none/>" },
  { "result", "string", RO },
  { "error_info", "string set", RO },
  { "other_config", "(string -> string) map", RW },
  { "subtask_of", "task ref", RO },
  { "subtasks", "task ref set", RO, NULL, "subtask_of" },
  { "backtrace", "string", RO },
};

static const FerrySimFieldDef pool_fields[] = {
  { "uuid", "string", RO },
  { "name_label", "string", RW },
  { "name_description", "string", RW },
  { "master", "host ref", RO },
  { "default_SR", "SR ref", RW },
  { "migration_compression", "bool", RW },
  { "other_config", "(string -> string) map", RW },
};

static const FerrySimFieldDef host_fields[] = {
  { "uuid", "string", RO },
  { "name_label", "string", RW },
  { "name_description", "string", RW },
  { "address", "string", RW },
  { "enabled", "bool", RO, "true" },
  { "resident_VMs", "VM ref set", RO, NULL, "resident_on" },
  { "API_version_major", "int", RO, "2" },
  { "API_version_minor", "int", RO, "21" },
  { "software_version", "(string -> string) map", RO },
  { "other_config", "(string -> string) map", RW },
};

static const FerrySimFieldDef vm_fields[] = {
  { "uuid", "string", RO },
  { "name_label", "string", RW },
  { "name_description", "string", RW },
  { "power_state", "enum vm_power_state", RO },
  { "resident_on", "host ref", RO },
  { "memory_static_max", "int", RW },
  { "other_config", "(string -> string) map", RW },
  { "is_a_template", "bool", RW },
};

#define CLASS(name, fields) { name, fields, G_N_ELEMENTS (fields) }

const FerrySimClassDef ferry_sim_class_defs[] = {
  CLASS ("session", session_fields),
  CLASS ("task", task_fields),
  CLASS ("pool", pool_fields),
  CLASS ("host", host_fields),
  CLASS ("VM", vm_fields),
};
const guint ferry_sim_n_class_defs = G_N_ELEMENTS (ferry_sim_class_defs);
