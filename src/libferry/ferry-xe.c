/* ferry-xe.c: a plan as the equivalent xe commands
 *
 * The script does what the queue would do, in the plan's order, one
 * command after the other (xe has no queue: run the lines by hand, or a
 * few at a time, to respect R3 and R14). It is meant for review, for
 * change records and for people who prefer the xe CLI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-xe"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ferry-plan-private.h"

static void
append_comment (GString    *out,
                const char *text)
{
  g_autofree char *flat = g_strdup (text ? text : "");

  g_strdelimit (flat, "\r\n", ' ');
  g_string_append_printf (out, "# %s\n", flat);
}

static void
append_arg (GString    *out,
            const char *key,
            const char *value)
{
  g_autofree char *quoted = NULL;

  if (value == NULL)
    return;
  /* UUIDs and booleans need no quotes; anything else gets them. */
  if (strspn (value, "0123456789abcdefABCDEF-:.truefals") == strlen (value))
    g_string_append_printf (out, " %s=%s", key, value);
  else
    {
      quoted = g_shell_quote (value);
      g_string_append_printf (out, " %s=%s", key, quoted);
    }
}

static void
append_options (GString   *out,
                FerryPlan *plan)
{
  if (ferry_plan_get_force (plan))
    g_string_append (out, " force=true");
  if (ferry_plan_get_compression (plan) == FERRY_COMPRESSION_ON)
    g_string_append (out, " compress=true");
  else if (ferry_plan_get_compression (plan) == FERRY_COMPRESSION_OFF)
    g_string_append (out, " compress=false");
}

/* A relay (ferry-relay.h): the pools cannot reach each other, so the VM
 * goes through the computer that runs the commands, as an export and an
 * import. By hand that needs a file as large as the VM's written data. */
static void
append_relay (GString       *out,
              FerryPlan     *plan,
              FerryPlanItem *item,
              const char    *lead)
{
  const char *vm = ferry_plan_item_get_vm_uuid (item);
  const char *dst = ferry_plan_get_destination_address (plan) ? ferry_plan_get_destination_address (plan)
                                                              : "DESTINATION-ADDRESS";
  const char *sr = _ferry_plan_item_get_relay_sr_uuid (item);
  g_autofree char *file = g_strdup_printf ("%s.xva", vm);
  g_autofree char *remote = NULL;

  remote = g_strdup_printf ("xe -s %s -u root -pw \"$FERRY_REMOTE_PASSWORD\"", dst);

  append_comment (out, _("Through this computer: the pools cannot reach each other, so the halted VM is "
                         "exported from the source and imported into the destination."));
  append_comment (out, _("Ferry streams the export straight into the import; xe needs a temporary file "
                         "as large as the VM's written data."));
  g_string_append_printf (out, "%sxe vm-export", lead);
  append_arg (out, "uuid", vm);
  append_arg (out, "filename", file);
  append_options (out, plan);
  g_string_append_c (out, '\n');
  /* preserve=true keeps the UUID and MACs, as Ferry's move does (restore=true). */
  g_string_append_printf (out, "%s%s vm-import", lead, remote);
  append_arg (out, "filename", file);
  append_arg (out, "sr-uuid", sr);
  g_string_append (out, " preserve=true\n");
  for (guint i = 0; i < ferry_plan_item_get_n_vifs (item); i++)
    {
      const FerryPlanVif *vif = ferry_plan_item_get_vif (item, i);

      if (vif->to_network_uuid == NULL)
        continue;
      g_string_append_printf (out, "%s%s vif-move uuid=\"$(%s vif-list vm-uuid=%s device=%s --minimal)\"",
                              lead, remote, remote, vm, vif->device ? vif->device : "0");
      append_arg (out, "network-uuid", vif->to_network_uuid);
      g_string_append_c (out, '\n');
    }
  append_comment (out, _("Only once the copy on the destination is checked: remove the VM and its disks "
                         "from the source, and the file."));
  g_string_append_printf (out, "%sxe vm-uninstall", lead);
  append_arg (out, "uuid", vm);
  g_string_append (out, " force=true\n");
  g_string_append_printf (out, "%srm -f %s\n", lead, file);
}

static void
append_item (GString       *out,
             FerryPlan     *plan,
             FerryPlanItem *item,
             const char    *prefix)
{
  FerryOperation op = ferry_plan_item_get_operation (item);
  g_autofree char *from = ferry_plan_item_dup_from_text (item);
  g_autofree char *to = ferry_plan_item_dup_to_text (item);
  g_autofree char *title = g_strdup_printf ("%s: %s → %s (%s, %s)", ferry_plan_item_get_vm_name (item),
                                            from, to, ferry_operation_get_id (op), ferry_operation_get_title (op));
  gboolean cross = ferry_plan_item_is_cross_pool (item);
  gboolean live = g_strcmp0 (ferry_plan_item_get_power_state (item), "running") == 0 ||
                  g_strcmp0 (ferry_plan_item_get_power_state (item), "paused") == 0;
  const char *lead = prefix;

  g_string_append_c (out, '\n');
  append_comment (out, title);
  if (ferry_plan_item_get_blocker (item) != NULL)
    {
      g_autofree char *why = g_strdup_printf (_("Not possible: %s"),
                                              ferry_check_get_message (ferry_plan_item_get_blocker (item)));

      append_comment (out, why);
      lead = "# ";
    }

  if (ferry_plan_item_get_relay (item) && cross)
    append_relay (out, plan, item, lead);
  else switch (op)
    {
    case FERRY_OPERATION_MOVE_DISK:
      for (guint i = 0; i < ferry_plan_item_get_n_disks (item); i++)
        {
          const FerryPlanDisk *disk = ferry_plan_item_get_disk (item, i);

          if (!disk->moves || disk->snapshot_of != NULL)
            continue;
          g_string_append_printf (out, "%sxe vdi-pool-migrate", lead);
          append_arg (out, "uuid", disk->vdi_uuid);
          append_arg (out, "sr-uuid", disk->to_sr_uuid);
          g_string_append_c (out, '\n');
        }
      break;

    case FERRY_OPERATION_LIVE_MIGRATE:
    case FERRY_OPERATION_EVACUATE:
      g_string_append_printf (out, "%sxe vm-migrate", lead);
      append_arg (out, "uuid", ferry_plan_item_get_vm_uuid (item));
      append_arg (out, "host-uuid", ferry_plan_item_get_to_host_uuid (item));
      g_string_append (out, " live=true");
      append_options (out, plan);
      g_string_append_c (out, '\n');
      break;

    case FERRY_OPERATION_STORAGE_MIGRATE:
    case FERRY_OPERATION_MOVE_HALTED:
      g_string_append_printf (out, "%sxe vm-migrate", lead);
      append_arg (out, "uuid", ferry_plan_item_get_vm_uuid (item));
      if (cross)
        {
          append_arg (out, "remote-master", ferry_plan_get_destination_address (plan)
                                            ? ferry_plan_get_destination_address (plan) : "DESTINATION-ADDRESS");
          append_arg (out, "remote-username", "root");
          g_string_append (out, " remote-password=\"$FERRY_REMOTE_PASSWORD\"");
        }
      append_arg (out, "host-uuid", ferry_plan_item_get_to_host_uuid (item));
      if (ferry_plan_get_network_uuid (plan) != NULL)
        append_arg (out, "remote-network", ferry_plan_get_network_uuid (plan));
      g_string_append (out, live && op != FERRY_OPERATION_MOVE_HALTED ? " live=true" : " live=false");
      append_options (out, plan);
      for (guint i = 0; i < ferry_plan_item_get_n_disks (item); i++)
        {
          const FerryPlanDisk *disk = ferry_plan_item_get_disk (item, i);
          g_autofree char *key = NULL;

          if (disk->snapshot_of != NULL || disk->to_sr_uuid == NULL)
            continue;
          key = g_strdup_printf ("vdi:%s", disk->vdi_uuid);
          append_arg (out, key, disk->to_sr_uuid);
        }
      for (guint i = 0; cross && i < ferry_plan_item_get_n_vifs (item); i++)
        {
          const FerryPlanVif *vif = ferry_plan_item_get_vif (item, i);
          g_autofree char *key = NULL;

          if (vif->to_network_uuid == NULL)
            continue;
          key = g_strdup_printf ("vif:%s", vif->vif_uuid);
          append_arg (out, key, vif->to_network_uuid);
        }
      g_string_append_c (out, '\n');
      break;

    case FERRY_OPERATION_AUTO:
    default:
      append_comment (out, _("No operation"));
      break;
    }

  if (ferry_plan_get_home_server_uuid (plan) != NULL && op != FERRY_OPERATION_MOVE_DISK)
    {
      if (cross)
        append_comment (out, _("On the destination pool:"));
      g_string_append_printf (out, "%sxe vm-param-set", lead);
      append_arg (out, "uuid", ferry_plan_item_get_vm_uuid (item));
      append_arg (out, "affinity", ferry_plan_get_home_server_uuid (plan));
      g_string_append_c (out, '\n');
    }
}

char *
ferry_plan_to_xe (FerryPlan *self)
{
  GString *out;
  g_autofree char *created = NULL;
  g_autofree char *header = NULL;
  g_autofree char *target = NULL;

  g_return_val_if_fail (FERRY_IS_PLAN (self), NULL);

  out = g_string_new ("#!/bin/sh\n");
  created = _ferry_format_time (ferry_plan_get_created (self));
  header = g_strdup_printf (_("Ferry plan %s (%s): %u VMs from %s to %s"), ferry_plan_get_id (self), created,
                            ferry_plan_get_n_items (self), ferry_plan_get_source_pool_name (self),
                            ferry_plan_get_destination_pool_name (self));
  append_comment (out, header);
  target = g_strdup_printf (_("Run it against %s (xe -s ADDRESS -u USER -pw PASSWORD, or on its master)."),
                            ferry_plan_get_source_address (self) ? ferry_plan_get_source_address (self)
                                                                 : ferry_plan_get_source_pool_name (self));
  append_comment (out, target);
  append_comment (out, _("Moves between pools read the destination's password from $FERRY_REMOTE_PASSWORD."));
  if (ferry_plan_get_network_uuid (self) != NULL)
    {
      g_autofree char *network = g_strdup_printf (_("Migration network: %s"), ferry_plan_get_network_name (self));

      append_comment (out, network);
    }
  g_string_append (out, "set -e\n");

  if (ferry_plan_get_enable_host_uuid (self) != NULL)
    {
      const char *host = ferry_plan_get_enable_host_uuid (self);
      const char *keys[] = { "MAINTENANCE_MODE", "MAINTENANCE_MODE_EVACUATED_VMS_MIGRATED",
                             "MAINTENANCE_MODE_EVACUATED_VMS_SUSPENDED", "MAINTENANCE_MODE_EVACUATED_VMS_HALTED" };

      g_string_append_c (out, '\n');
      append_comment (out, _("Leave maintenance mode first:"));
      g_string_append_printf (out, "xe host-enable uuid=%s\n", host);
      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        g_string_append_printf (out, "xe host-param-remove uuid=%s param-name=other-config param-key=%s || true\n",
                                host, keys[i]);
    }

  if (ferry_plan_get_operation (self) == FERRY_OPERATION_EVACUATE && ferry_plan_get_evacuate_host_uuid (self) != NULL)
    {
      const char *host = ferry_plan_get_evacuate_host_uuid (self);
      g_autoptr(GString) uuids = g_string_new (NULL);

      for (guint i = 0; i < ferry_plan_get_n_items (self); i++)
        {
          if (uuids->len > 0)
            g_string_append_c (uuids, ',');
          g_string_append (uuids, ferry_plan_item_get_vm_uuid (ferry_plan_get_item (self, i)));
        }
      g_string_append_c (out, '\n');
      append_comment (out, _("Maintenance mode: disable the host and note the VMs, as XenCenter does."));
      g_string_append_printf (out, "xe host-disable uuid=%s\n", host);
      g_string_append_printf (out, "xe host-param-set uuid=%s other-config:MAINTENANCE_MODE=true"
                                   " other-config:MAINTENANCE_MODE_EVACUATED_VMS_MIGRATED=%s"
                                   " other-config:MAINTENANCE_MODE_EVACUATED_VMS_SUSPENDED="
                                   " other-config:MAINTENANCE_MODE_EVACUATED_VMS_HALTED=\n",
                              host, uuids->str);
    }

  for (guint i = 0; i < ferry_plan_get_n_items (self); i++)
    append_item (out, self, ferry_plan_get_item (self, i), "");

  return g_string_free (out, FALSE);
}
