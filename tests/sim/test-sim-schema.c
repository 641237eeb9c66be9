/* test-sim-schema.c: the simulator's XenAPI datamodel tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-sim-db.h"

/* The classes a XenServer 8 pool serves that the simulator must know. */
static const char * const expected_classes[] = {
  "session", "task", "message", "pool", "host", "host_metrics", "host_cpu",
  "VM", "VM_metrics", "VM_guest_metrics", "SR", "SM", "PBD", "VDI", "VBD",
  "VIF", "network", "PIF", "PCI", "PGPU", "GPU_group", "VGPU", "VGPU_type",
  "VUSB", "PUSB", "USB_group", "Cluster", "Cluster_host",
};

/* Derived one-to-many sets and the ref field each one mirrors. */
static const struct
{
  const char *klass;
  const char *set;
  const char *target;
  const char *ref;
} expected_inverses[] = {
  { "task", "subtasks", "task", "subtask_of" },
  { "pool", "metadata_VDIs", "VDI", "metadata_of_pool" },
  { "host", "resident_VMs", "VM", "resident_on" },
  { "host", "PIFs", "PIF", "host" },
  { "host", "PBDs", "PBD", "host" },
  { "host", "host_CPUs", "host_cpu", "host" },
  { "host", "PCIs", "PCI", "host" },
  { "host", "PGPUs", "PGPU", "host" },
  { "host", "PUSBs", "PUSB", "host" },
  { "VM", "VBDs", "VBD", "VM" },
  { "VM", "VIFs", "VIF", "VM" },
  { "VM", "VGPUs", "VGPU", "VM" },
  { "VM", "VUSBs", "VUSB", "VM" },
  { "VM", "snapshots", "VM", "snapshot_of" },
  { "VM", "children", "VM", "parent" },
  { "SR", "VDIs", "VDI", "SR" },
  { "SR", "PBDs", "PBD", "SR" },
  { "VDI", "VBDs", "VBD", "VDI" },
  { "VDI", "snapshots", "VDI", "snapshot_of" },
  { "network", "PIFs", "PIF", "network" },
  { "network", "VIFs", "VIF", "network" },
  { "GPU_group", "PGPUs", "PGPU", "GPU_group" },
  { "GPU_group", "VGPUs", "VGPU", "GPU_group" },
  { "PGPU", "resident_VGPUs", "VGPU", "resident_on" },
  { "VGPU_type", "VGPUs", "VGPU", "type" },
  { "USB_group", "PUSBs", "PUSB", "USB_group" },
  { "USB_group", "VUSBs", "VUSB", "USB_group" },
  { "Cluster", "cluster_hosts", "Cluster_host", "cluster" },
};

static FerrySimField *
get_field (const char *class_name,
           const char *field_name)
{
  FerrySimClass *klass = ferry_sim_schema_lookup_class (class_name);
  FerrySimField *field;

  g_assert_nonnull (klass);
  field = ferry_sim_class_lookup_field (klass, field_name);
  if (field == NULL)
    g_error ("No field %s.%s", class_name, field_name);
  return field;
}

static gboolean
field_is_rw (FerrySimField *field)
{
  return (field->def->flags & FERRY_SIM_FIELD_RW) != 0;
}

static void
assert_field (const char       *class_name,
              const char       *field_name,
              const char       *spelling,
              FerrySimTypeKind  kind,
              gboolean          rw)
{
  FerrySimField *field = get_field (class_name, field_name);

  g_assert_cmpstr (field->type->spelling, ==, spelling);
  g_assert_cmpint (field->type->kind, ==, kind);
  g_assert_cmpint (field_is_rw (field), ==, rw);
}

static void
assert_default_string (const char *class_name,
                       const char *field_name,
                       const char *expected)
{
  FerrySimField *field = get_field (class_name, field_name);

  g_assert_cmpint (field->default_value.kind, ==, FERRY_SIM_VALUE_STRING);
  g_assert_cmpstr (field->default_value.s, ==, expected);
}

static void
test_classes (void)
{
  g_assert_cmpuint (ferry_sim_schema_get_n_classes (), >=, G_N_ELEMENTS (expected_classes));

  for (guint i = 0; i < G_N_ELEMENTS (expected_classes); i++)
    {
      FerrySimClass *klass = ferry_sim_schema_lookup_class (expected_classes[i]);

      if (klass == NULL)
        g_error ("Class %s is missing", expected_classes[i]);
      g_assert_cmpstr (klass->name, ==, expected_classes[i]);
      g_assert_true (ferry_sim_schema_get_class (klass->index) == klass);

      /* Every one of these has a uuid, RO and a plain string. */
      g_assert_nonnull (klass->uuid);
      g_assert_cmpint (klass->uuid->type->kind, ==, FERRY_SIM_TYPE_STRING);
      g_assert_false (field_is_rw (klass->uuid));
    }

  /* Class names are case-sensitive; a wrong case is no class. */
  g_assert_null (ferry_sim_schema_lookup_class ("vm"));
  g_assert_null (ferry_sim_schema_lookup_class ("Host"));
}

static void
test_lower_names (void)
{
  /* event.from and event.register spell classes in lower case. */
  static const struct { const char *lower; const char *name; } names[] = {
    { "vm", "VM" },
    { "vm_metrics", "VM_metrics" },
    { "vm_guest_metrics", "VM_guest_metrics" },
    { "host_cpu", "host_cpu" },
    { "sr", "SR" },
    { "vdi", "VDI" },
    { "gpu_group", "GPU_group" },
    { "vgpu_type", "VGPU_type" },
    { "usb_group", "USB_group" },
    { "cluster_host", "Cluster_host" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      FerrySimClass *klass = ferry_sim_schema_lookup_class_nocase (names[i].lower);

      g_assert_nonnull (klass);
      g_assert_cmpstr (klass->name, ==, names[i].name);
      g_assert_cmpstr (klass->lower_name, ==, names[i].lower);
    }

  g_assert_true (ferry_sim_schema_lookup_class_nocase ("VM_Metrics") ==
                 ferry_sim_schema_lookup_class ("VM_metrics"));
}

static void
test_vm_fields (void)
{
  FerrySimField *field;

  assert_field ("VM", "power_state", "enum vm_power_state", FERRY_SIM_TYPE_ENUM, FALSE);
  assert_default_string ("VM", "power_state", "Halted");

  assert_field ("VM", "memory_static_max", "int", FERRY_SIM_TYPE_INT, FALSE);
  assert_field ("VM", "memory_dynamic_min", "int", FERRY_SIM_TYPE_INT, FALSE);
  assert_field ("VM", "VCPUs_max", "int", FERRY_SIM_TYPE_INT, FALSE);
  assert_field ("VM", "name_label", "string", FERRY_SIM_TYPE_STRING, TRUE);
  assert_field ("VM", "is_a_template", "bool", FERRY_SIM_TYPE_BOOL, TRUE);
  assert_field ("VM", "affinity", "host ref", FERRY_SIM_TYPE_REF, TRUE);
  assert_field ("VM", "platform", "(string -> string) map", FERRY_SIM_TYPE_MAP, TRUE);
  assert_field ("VM", "attached_PCIs", "PCI ref set", FERRY_SIM_TYPE_SET, FALSE);

  assert_field ("VM", "resident_on", "host ref", FERRY_SIM_TYPE_REF, FALSE);
  field = get_field ("VM", "resident_on");
  g_assert_cmpstr (field->type->name, ==, "host");
  g_assert_cmpint (field->default_value.kind, ==, FERRY_SIM_VALUE_STRING);
  g_assert_cmpstr (field->default_value.s, ==, FERRY_SIM_NULL_REF);

  assert_field ("VM", "blocked_operations", "(enum vm_operations -> string) map",
                FERRY_SIM_TYPE_MAP, TRUE);
  field = get_field ("VM", "blocked_operations");
  g_assert_cmpint (field->type->key->kind, ==, FERRY_SIM_TYPE_ENUM);
  g_assert_cmpstr (field->type->key->name, ==, "vm_operations");
  g_assert_cmpint (field->type->element->kind, ==, FERRY_SIM_TYPE_STRING);

  assert_field ("VM", "allowed_operations", "enum vm_operations set", FERRY_SIM_TYPE_SET, FALSE);
  field = get_field ("VM", "allowed_operations");
  g_assert_cmpint (field->type->element->kind, ==, FERRY_SIM_TYPE_ENUM);
  g_assert_true (ferry_sim_type_is_enum_value (field->type->element, "pool_migrate", NULL));
  g_assert_true (ferry_sim_type_is_enum_value (field->type->element, "migrate_send", NULL));

  field = get_field ("VM", "domid");
  g_assert_cmpint (field->type->kind, ==, FERRY_SIM_TYPE_INT);
  g_assert_cmpint (field->default_value.i, ==, -1);

  field = get_field ("VM", "HVM_shadow_multiplier");
  g_assert_cmpint (field->type->kind, ==, FERRY_SIM_TYPE_FLOAT);
  g_assert_cmpfloat (field->default_value.d, ==, 1.0);

  assert_field ("VM", "domain_type", "enum domain_type", FERRY_SIM_TYPE_ENUM, FALSE);
  assert_default_string ("VM", "domain_type", "unspecified");
  assert_default_string ("VM", "generation_id", "0:0");

  field = get_field ("VM", "snapshot_time");
  g_assert_cmpint (field->default_value.kind, ==, FERRY_SIM_VALUE_DATETIME);
  g_assert_cmpstr (field->default_value.s, ==, "19700101T00:00:00Z");

  assert_field ("VM_metrics", "VCPUs_CPU", "(int -> int) map", FERRY_SIM_TYPE_MAP, FALSE);
  assert_field ("VM_metrics", "nomigrate", "bool", FERRY_SIM_TYPE_BOOL, FALSE);
  assert_default_string ("VM_metrics", "current_domain_type", "unspecified");
  assert_field ("VM_guest_metrics", "PV_drivers_version", "(string -> string) map",
                FERRY_SIM_TYPE_MAP, FALSE);
  assert_default_string ("VM_guest_metrics", "can_use_hotplug_vbd", "unspecified");
}

static void
test_host_fields (void)
{
  FerrySimField *field;

  assert_field ("host", "software_version", "(string -> string) map", FERRY_SIM_TYPE_MAP, FALSE);
  field = get_field ("host", "software_version");
  g_assert_cmpint (field->type->key->kind, ==, FERRY_SIM_TYPE_STRING);
  g_assert_cmpint (field->type->element->kind, ==, FERRY_SIM_TYPE_STRING);
  g_assert_cmpint (field->default_value.kind, ==, FERRY_SIM_VALUE_MAP);
  g_assert_cmpuint (ferry_sim_value_get_length (&field->default_value), ==, 0);

  field = get_field ("host", "enabled");
  g_assert_cmpint (field->type->kind, ==, FERRY_SIM_TYPE_BOOL);
  g_assert_false (field_is_rw (field));
  g_assert_true (field->default_value.b);

  assert_field ("host", "address", "string", FERRY_SIM_TYPE_STRING, TRUE);
  assert_field ("host", "cpu_info", "(string -> string) map", FERRY_SIM_TYPE_MAP, FALSE);
  assert_field ("host", "virtual_hardware_platform_versions", "int set", FERRY_SIM_TYPE_SET, FALSE);
  assert_field ("host", "control_domain", "VM ref", FERRY_SIM_TYPE_REF, FALSE);
  assert_default_string ("host", "display", "enabled");

  /* Removed in the datamodel, still part of every record. */
  assert_field ("host_metrics", "memory_free", "int", FERRY_SIM_TYPE_INT, FALSE);
  assert_field ("host_metrics", "memory_total", "int", FERRY_SIM_TYPE_INT, FALSE);
  assert_field ("host_cpu", "utilisation", "float", FERRY_SIM_TYPE_FLOAT, FALSE);

  assert_field ("pool", "master", "host ref", FERRY_SIM_TYPE_REF, FALSE);
  assert_field ("pool", "default_SR", "SR ref", FERRY_SIM_TYPE_REF, TRUE);
  assert_field ("pool", "migration_compression", "bool", FERRY_SIM_TYPE_BOOL, TRUE);
  assert_field ("pool", "restrictions", "(string -> string) map", FERRY_SIM_TYPE_MAP, FALSE);
  field = get_field ("pool", "coordinator_bias");
  g_assert_true (field->default_value.b);
}

static void
test_storage_and_network_fields (void)
{
  FerrySimField *field;

  assert_field ("SR", "physical_size", "int", FERRY_SIM_TYPE_INT, FALSE);
  assert_field ("SR", "name_label", "string", FERRY_SIM_TYPE_STRING, FALSE);
  assert_field ("SR", "allowed_operations", "enum storage_operations set", FERRY_SIM_TYPE_SET, FALSE);
  field = get_field ("SR", "allowed_operations");
  g_assert_true (ferry_sim_type_is_enum_value (field->type->element, "vdi_mirror", NULL));

  assert_field ("SM", "features", "(string -> int) map", FERRY_SIM_TYPE_MAP, FALSE);
  assert_field ("PBD", "currently_attached", "bool", FERRY_SIM_TYPE_BOOL, FALSE);

  assert_field ("VDI", "cbt_enabled", "bool", FERRY_SIM_TYPE_BOOL, FALSE);
  assert_field ("VDI", "virtual_size", "int", FERRY_SIM_TYPE_INT, FALSE);
  assert_field ("VDI", "type", "enum vdi_type", FERRY_SIM_TYPE_ENUM, FALSE);
  assert_field ("VDI", "sm_config", "(string -> string) map", FERRY_SIM_TYPE_MAP, TRUE);
  assert_default_string ("VDI", "on_boot", "persist");

  assert_field ("VBD", "mode", "enum vbd_mode", FERRY_SIM_TYPE_ENUM, FALSE);
  assert_default_string ("VBD", "mode", "RW");
  assert_field ("VBD", "type", "enum vbd_type", FERRY_SIM_TYPE_ENUM, TRUE);
  assert_default_string ("VBD", "type", "Disk");
  field = get_field ("VBD", "unpluggable");
  g_assert_true (field->default_value.b);

  assert_field ("VIF", "MAC", "string", FERRY_SIM_TYPE_STRING, FALSE);
  assert_default_string ("VIF", "locking_mode", "network_default");
  field = get_field ("network", "MTU");
  g_assert_cmpint (field->default_value.i, ==, 1500);
  g_assert_true (field_is_rw (field));
  assert_default_string ("PIF", "primary_address_type", "IPv4");
  assert_default_string ("PIF", "ip_configuration_mode", "None");

  assert_default_string ("GPU_group", "allocation_algorithm", "depth_first");
  assert_field ("PGPU", "supported_VGPU_max_capacities", "(VGPU_type ref -> int) map",
                FERRY_SIM_TYPE_MAP, FALSE);
  assert_field ("VGPU_type", "implementation", "enum vgpu_type_implementation",
                FERRY_SIM_TYPE_ENUM, FALSE);
  assert_default_string ("Cluster", "cluster_stack", "corosync");
}

static void
test_task_and_message_fields (void)
{
  FerrySimField *field;

  assert_field ("task", "result", "string", FERRY_SIM_TYPE_STRING, FALSE);
  assert_field ("task", "progress", "float", FERRY_SIM_TYPE_FLOAT, FALSE);
  assert_field ("task", "error_info", "string set", FERRY_SIM_TYPE_SET, FALSE);
  assert_field ("task", "other_config", "(string -> string) map", FERRY_SIM_TYPE_MAP, TRUE);
  assert_default_string ("task", "type", "<none/>");
  assert_default_string ("task", "status", "pending");

  field = get_field ("task", "status");
  g_assert_true (ferry_sim_type_is_enum_value (field->type, "cancelled", NULL));
  g_assert_false (ferry_sim_type_is_enum_value (field->type, "running", NULL));

  assert_field ("message", "cls", "enum cls", FERRY_SIM_TYPE_ENUM, FALSE);
  field = get_field ("message", "cls");
  g_assert_true (ferry_sim_type_is_enum_value (field->type, "Certificate", NULL));

  assert_field ("session", "this_host", "host ref", FERRY_SIM_TYPE_REF, FALSE);
  assert_field ("session", "other_config", "(string -> string) map", FERRY_SIM_TYPE_MAP, TRUE);
}

static void
test_enums (void)
{
  const char *canonical = NULL;
  const FerrySimType *type;

  g_assert_cmpuint (ferry_sim_n_enum_defs, >, 0);
  for (guint i = 0; i < ferry_sim_n_enum_defs; i++)
    {
      const FerrySimEnumDef *def = &ferry_sim_enum_defs[i];
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      g_assert_nonnull (def->values[0]);
      for (guint j = 0; def->values[j]; j++)
        g_assert_true (g_hash_table_add (seen, (gpointer) def->values[j]));
      for (guint j = i + 1; j < ferry_sim_n_enum_defs; j++)
        g_assert_cmpstr (def->name, !=, ferry_sim_enum_defs[j].name);
    }

  /* Values keep their datamodel spelling but match in any case. */
  type = ferry_sim_type_parse ("enum vm_power_state");
  g_assert_cmpstr (type->enum_values[0], ==, "Halted");
  g_assert_cmpstr (type->enum_values[3], ==, "Suspended");
  g_assert_null (type->enum_values[4]);
  g_assert_true (ferry_sim_type_is_enum_value (type, "SUSPENDED", &canonical));
  g_assert_cmpstr (canonical, ==, "Suspended");

  type = ferry_sim_type_parse ("enum domain_type");
  g_assert_cmpstr (type->enum_values[0], ==, "hvm");
  g_assert_cmpstr (type->enum_values[4], ==, "unspecified");

  type = ferry_sim_type_parse ("enum vbd_type");
  g_assert_cmpstr (type->enum_values[0], ==, "CD");
  g_assert_cmpstr (type->enum_values[1], ==, "Disk");
  g_assert_cmpstr (type->enum_values[2], ==, "Floppy");

  type = ferry_sim_type_parse ("enum task_allowed_operations");
  g_assert_cmpstr (type->enum_values[0], ==, "cancel");
  g_assert_cmpstr (type->enum_values[1], ==, "destroy");
  g_assert_null (type->enum_values[2]);
}

static void
test_fields_well_formed (void)
{
  for (guint c = 0; c < ferry_sim_schema_get_n_classes (); c++)
    {
      FerrySimClass *klass = ferry_sim_schema_get_class (c);

      for (guint i = 0; i < klass->n_fields; i++)
        {
          FerrySimField *field = &klass->fields[i];
          const FerrySimValue *def = &field->default_value;

          g_assert_true (ferry_sim_class_lookup_field (klass, field->name) == field);
          g_assert_nonnull (field->type);

          /* Defaults come out in the kind the type sends on the wire. */
          switch (field->type->kind)
            {
            case FERRY_SIM_TYPE_STRING:
            case FERRY_SIM_TYPE_REF:
              g_assert_cmpint (def->kind, ==, FERRY_SIM_VALUE_STRING);
              break;
            case FERRY_SIM_TYPE_ENUM:
              g_assert_cmpint (def->kind, ==, FERRY_SIM_VALUE_STRING);
              g_assert_true (ferry_sim_type_is_enum_value (field->type, def->s, NULL));
              break;
            case FERRY_SIM_TYPE_INT:
              g_assert_cmpint (def->kind, ==, FERRY_SIM_VALUE_INT);
              break;
            case FERRY_SIM_TYPE_FLOAT:
              g_assert_cmpint (def->kind, ==, FERRY_SIM_VALUE_FLOAT);
              break;
            case FERRY_SIM_TYPE_BOOL:
              g_assert_cmpint (def->kind, ==, FERRY_SIM_VALUE_BOOL);
              break;
            case FERRY_SIM_TYPE_DATETIME:
              g_assert_cmpint (def->kind, ==, FERRY_SIM_VALUE_DATETIME);
              break;
            case FERRY_SIM_TYPE_SET:
              g_assert_cmpint (def->kind, ==, FERRY_SIM_VALUE_ARRAY);
              break;
            case FERRY_SIM_TYPE_MAP:
              g_assert_cmpint (def->kind, ==, FERRY_SIM_VALUE_MAP);
              break;
            case FERRY_SIM_TYPE_VOID:
            case FERRY_SIM_TYPE_RECORD:
            default:
              g_error ("%s.%s has a type no record field has", klass->name, field->name);
            }

          /* Only ref sets can mirror a ref field. */
          if (field->def->inverse != NULL)
            {
              g_assert_cmpint (field->type->kind, ==, FERRY_SIM_TYPE_SET);
              g_assert_cmpint (field->type->element->kind, ==, FERRY_SIM_TYPE_REF);
              g_assert_false (field_is_rw (field));
            }
        }
    }
}

static void
test_inverses_linked (void)
{
  guint n_sets = 0;

  for (guint i = 0; i < G_N_ELEMENTS (expected_inverses); i++)
    {
      FerrySimField *set = get_field (expected_inverses[i].klass, expected_inverses[i].set);
      FerrySimField *ref = get_field (expected_inverses[i].target, expected_inverses[i].ref);

      if (set->inverse_ref != ref)
        g_error ("%s.%s does not mirror %s.%s", expected_inverses[i].klass,
                 expected_inverses[i].set, expected_inverses[i].target, expected_inverses[i].ref);
      g_assert_true (g_ptr_array_find (ref->inverse_sets, set, NULL));
    }

  /* Every link holds both ways and joins the right classes. */
  for (guint c = 0; c < ferry_sim_schema_get_n_classes (); c++)
    {
      FerrySimClass *klass = ferry_sim_schema_get_class (c);

      for (guint i = 0; i < klass->n_fields; i++)
        {
          FerrySimField *field = &klass->fields[i];

          if (field->inverse_ref != NULL)
            {
              FerrySimField *ref = field->inverse_ref;

              n_sets++;
              g_assert_cmpstr (ref->klass->name, ==, field->type->element->name);
              g_assert_cmpint (ref->type->kind, ==, FERRY_SIM_TYPE_REF);
              g_assert_cmpstr (ref->type->name, ==, klass->name);
              g_assert_true (g_ptr_array_find (ref->inverse_sets, field, NULL));
            }

          for (guint j = 0; j < field->inverse_sets->len; j++)
            {
              FerrySimField *set = g_ptr_array_index (field->inverse_sets, j);
              g_assert_true (set->inverse_ref == field);
            }
        }
    }
  g_assert_cmpuint (n_sets, ==, G_N_ELEMENTS (expected_inverses));

  /* Many-to-many and non-derived sets are stored as they are. */
  g_assert_null (get_field ("VM", "attached_PCIs")->inverse_ref);
  g_assert_null (get_field ("PGPU", "supported_VGPU_types")->inverse_ref);
  g_assert_null (get_field ("VGPU_type", "supported_on_PGPUs")->inverse_ref);
  g_assert_null (get_field ("PCI", "dependencies")->inverse_ref);
  g_assert_null (get_field ("session", "tasks")->inverse_ref);
}

static void
test_inverse_upkeep (void)
{
  g_autoptr(FerrySimDb) db = ferry_sim_db_new ();
  FerrySimRow *vm = ferry_sim_db_create (db, "VM");
  FerrySimRow *vdi = ferry_sim_db_create (db, "VDI");
  FerrySimRow *vbd = ferry_sim_db_create (db, "VBD");
  FerrySimRow *sr = ferry_sim_db_create (db, "SR");
  FerrySimRow *snap = ferry_sim_db_create (db, "VM");
  FerrySimRow *cluster = ferry_sim_db_create (db, "Cluster");
  FerrySimRow *member = ferry_sim_db_create (db, "Cluster_host");

  ferry_sim_db_set_string (db, vbd, "VM", vm->ref);
  ferry_sim_db_set_string (db, vbd, "VDI", vdi->ref);
  ferry_sim_db_set_string (db, vdi, "SR", sr->ref);
  ferry_sim_db_set_string (db, snap, "snapshot_of", vm->ref);
  ferry_sim_db_set_string (db, member, "cluster", cluster->ref);

  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (vm, "VBDs"), vbd->ref));
  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (vdi, "VBDs"), vbd->ref));
  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (sr, "VDIs"), vdi->ref));
  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (vm, "snapshots"), snap->ref));
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (snap, "snapshots")), ==, 0);
  g_assert_true (ferry_sim_value_contains_string (ferry_sim_row_get (cluster, "cluster_hosts"),
                                                  member->ref));

  ferry_sim_db_delete_row (db, vbd);
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (vm, "VBDs")), ==, 0);
  g_assert_cmpuint (ferry_sim_value_get_length (ferry_sim_row_get (vdi, "VBDs")), ==, 0);
}

static void
test_create_rows (void)
{
  g_autoptr(FerrySimDb) db = ferry_sim_db_new ();

  for (guint c = 0; c < ferry_sim_schema_get_n_classes (); c++)
    {
      FerrySimClass *klass = ferry_sim_schema_get_class (c);
      FerrySimRow *row = ferry_sim_db_create_row (db, klass, NULL, NULL);

      g_assert_nonnull (row);
      g_assert_true (row->klass == klass);
      g_assert_true (g_str_has_prefix (row->ref, "OpaqueRef:"));
      g_assert_true (ferry_sim_db_lookup_in (db, klass->name, row->ref) == row);

      if (klass->uuid != NULL)
        {
          const char *uuid = ferry_sim_row_get_uuid (row);

          g_assert_nonnull (uuid);
          g_assert_true (g_uuid_string_is_valid (uuid));
          g_assert_true (ferry_sim_db_lookup_uuid (db, klass, uuid) == row);
        }

      /* A fresh row holds every field's default. */
      for (guint i = 0; i < klass->n_fields; i++)
        if (&klass->fields[i] != klass->uuid)
          g_assert_true (ferry_sim_value_equal (&row->values[i], &klass->fields[i].default_value));
    }

  g_assert_cmpuint (ferry_sim_db_get_rows_by_name (db, "VGPU_type")->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sim/schema/classes", test_classes);
  g_test_add_func ("/sim/schema/lower-names", test_lower_names);
  g_test_add_func ("/sim/schema/vm-fields", test_vm_fields);
  g_test_add_func ("/sim/schema/host-fields", test_host_fields);
  g_test_add_func ("/sim/schema/storage-network-fields", test_storage_and_network_fields);
  g_test_add_func ("/sim/schema/task-message-fields", test_task_and_message_fields);
  g_test_add_func ("/sim/schema/enums", test_enums);
  g_test_add_func ("/sim/schema/fields-well-formed", test_fields_well_formed);
  g_test_add_func ("/sim/schema/inverses-linked", test_inverses_linked);
  g_test_add_func ("/sim/schema/inverse-upkeep", test_inverse_upkeep);
  g_test_add_func ("/sim/schema/create-rows", test_create_rows);

  return g_test_run ();
}
