/* ferry-check-xapi.c: xapi's errors as findings (xapi.md §3–§5)
 *
 * Every error a migration meets has a message and a remedy here, in the
 * same form as the rules' findings and with the same rule IDs where a rule
 * exists. Templates name parameters by position ({0}) or by the kind of
 * object they hold ({vm}, {host}, {sr}…): xapi's parameter order differs
 * between releases and from its own documentation
 * (VM_HOST_INCOMPATIBLE_VERSION_MIGRATE), so objects are found by type.
 * Refs are looked up in the source and destination caches and shown by
 * name; a ref neither cache knows is never shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-check-xapi"

#include "config.h"

#include <string.h>

#include "ferry-error.h"
#include "ferry-rules-private.h"

typedef struct
{
  const char         *code;
  const char         *rule_id;
  FerryCheckSeverity  severity;
  const char         *message;   /* N_(), with {…} placeholders */
  const char         *remedy;
} ErrorInfo;

#define BLOCKER FERRY_CHECK_SEVERITY_BLOCKER
#define WARNING FERRY_CHECK_SEVERITY_WARNING

static const ErrorInfo errors[] = {
  /* §4.1 lifecycle */
  { "OPERATION_BLOCKED", "X-OPERATION-BLOCKED", BLOCKER,
    N_("An administrator blocked this operation on {vm}: {1}"),
    N_("Ask whoever set the block, then remove it from the VM's blocked operations.") },
  { "VM_BAD_POWER_STATE", "X-VM-BAD-POWER-STATE", BLOCKER,
    N_("{vm} is {2}, but the operation needs it {1}"),
    N_("Bring the VM into the state the operation needs (start, resume or shut it down), then try again.") },
  { "OTHER_OPERATION_IN_PROGRESS", "X-OTHER-OPERATION-IN-PROGRESS", BLOCKER,
    N_("{1} is busy with another operation ({2})"),
    N_("Wait until it has finished, then try again.") },
  { "VM_IS_TEMPLATE", "X-VM-IS-TEMPLATE", BLOCKER,
    N_("{vm} is a template, which this operation cannot move"),
    N_("Copy the template instead, or make a VM from it.") },
  { "VM_IS_SNAPSHOT", "X-VM-IS-SNAPSHOT", BLOCKER,
    N_("{vm} is a snapshot: snapshots move with their VM"),
    N_("Move the VM it belongs to.") },
  { "VM_IS_IMMOBILE", "R24", BLOCKER,
    N_("{vm} cannot be migrated: it has the no-migrate setting or runs with nested virtualisation"),
    N_("Shut it down and move it while it is halted, or remove platform:nomigrate (or nested-virt) and restart it.") },
  { "OPERATION_NOT_ALLOWED", "X-OPERATION-NOT-ALLOWED", BLOCKER,
    N_("The server does not allow this operation: {0}"),
    N_("Follow the server's explanation, then try again.") },
  { "VM_NON_SUSPENDABLE", "X-VM-NON-SUSPENDABLE", BLOCKER,
    N_("{vm} reports that it cannot be suspended: {1}"),
    N_("Fix that inside the guest, or shut it down and move it while it is halted.") },
  { "VM_LACKS_FEATURE", "X-VM-LACKS-FEATURE", BLOCKER,
    N_("{vm} has no guest agent that supports suspend, which live migration needs"),
    N_("Install the VM tools in the guest (on Windows: the XenServer VM Tools, R13), or shut it down and use Move VM.") },
  { "VDI_ON_BOOT_MODE_INCOMPATIBLE_WITH_OPERATION", "R25", BLOCKER,
    N_("A disk of the VM resets on every boot (on-boot=reset, IntelliCache): such VMs cannot be migrated"),
    N_("Shut the VM down and set the disk's on-boot mode to persist, or move it while it is halted.") },
  { "VM_HAS_PCI_ATTACHED", "R22", BLOCKER,
    N_("{vm} uses a PCI device passed through to it: such VMs cannot be migrated"),
    N_("Shut it down and move it without the device. Only NVIDIA vGPUs on SR-IOV migrate with their device.") },
  { "VM_HAS_VGPU", "X-VM-HAS-VGPU", BLOCKER,
    N_("{vm} has a virtual GPU that cannot be migrated live"),
    N_("Shut it down and move it with Move VM.") },
  { "VM_HAS_SRIOV_VIF", "X-VM-REQUIRES-NETWORK", BLOCKER,
    N_("{vm} has a network interface on an SR-IOV virtual function, which cannot be migrated live"),
    N_("Shut it down and move it, or connect it to a network without SR-IOV.") },
  { "VM_HAS_VUSBS", "R23", BLOCKER,
    N_("{vm} has USB devices passed through: such VMs cannot be migrated"),
    N_("Detach the USB devices from the VM, move it, then attach devices of the new host.") },
  { "NOT_SUPPORTED_DURING_UPGRADE", "R12", BLOCKER,
    N_("Not possible during a rolling pool upgrade, or to a host that runs an older version than the source"),
    N_("Choose a host that has been upgraded already, or finish the upgrade first.") },

  /* §4.2 assert_can_migrate */
  { "LICENCE_RESTRICTION", "X-LICENCE-RESTRICTION", BLOCKER,
    N_("The pool's licence does not include this feature ({0})"),
    N_("Apply a licence that includes it.") },
  { "VDI_NOT_IN_MAP", "X-VDI-NOT-IN-MAP", BLOCKER,
    N_("No SR was chosen for disk {vdi}"),
    N_("Choose an SR for every disk.") },
  { "SR_DOES_NOT_SUPPORT_MIGRATION", "X-SR-DOES-NOT-SUPPORT-MIGRATION", BLOCKER,
    N_("The storage driver of {sr} cannot migrate disks"),
    N_("Choose another SR, or shut the VM down and copy it.") },
  { "VM_HOST_INCOMPATIBLE_VERSION_MIGRATE", "R12", BLOCKER,
    N_("{host} runs an older version than the source host of {vm}"),
    N_("Choose a host with the same or a newer version, or upgrade it first.") },
  { "VM_HOST_INCOMPATIBLE_VERSION", "R12", BLOCKER,
    N_("{host} does not run the same version as the pool's coordinator, which {vm} needs during an upgrade"),
    N_("Choose a host that has been upgraded already, or finish the upgrade first.") },
  { "VM_HOST_INCOMPATIBLE_VIRTUAL_HARDWARE_PLATFORM_VERSION", "X-VIRTUAL-HARDWARE-PLATFORM", BLOCKER,
    N_("{vm} needs virtual hardware platform version {3}, which {host} does not offer ({1})"),
    N_("Choose a host with a newer version.") },
  { "HOST_DISABLED", "X-HOST-DISABLED", BLOCKER,
    N_("{host} is disabled (in maintenance mode)"),
    N_("Take the host out of maintenance mode, or choose another host.") },
  { "HOST_NOT_ENOUGH_PCPUS", "X-HOST-NOT-ENOUGH-PCPUS", BLOCKER,
    N_("The VM has {0} virtual CPUs, more than the {1} physical CPUs of the host"),
    N_("Choose a bigger host, or give the VM fewer virtual CPUs.") },
  { "VIF_NOT_IN_MAP", "X-VIF-NOT-IN-MAP", BLOCKER,
    N_("No network was chosen for interface {vif}"),
    N_("Choose a network for every interface.") },
  { "HOST_NOT_ENOUGH_FREE_MEMORY", "R17", BLOCKER,
    N_("The host has {1:size} free, and the VM needs {0:size}, even after Dynamic Memory Control"),
    N_("Free memory on the host (stop or move VMs, or lower their dynamic minimum), or choose another host.") },
  { "VM_INCOMPATIBLE_WITH_THIS_HOST", "R15", BLOCKER,
    N_("{vm} cannot run on {host}: {2}"),
    N_("Choose a host with the same or a newer CPU of the same vendor, or shut the VM down and start it there.") },
  { "VM_REQUIRES_GPU", "X-VM-REQUIRES-GPU", BLOCKER,
    N_("The destination has no free GPU in {gpu_group} for {vm}"),
    N_("Choose a host with a free GPU of the same kind.") },
  { "DUPLICATE_MAC_SEED", "X-XAPI-ERROR", BLOCKER,
    N_("The destination already has a VM with the same MAC address seed ({0})"),
    N_("Remove or change the other VM, or copy this one so that it gets a new seed.") },
  { "VM_TO_IMPORT_IS_NOT_NEWER_VERSION", "X-XAPI-ERROR", BLOCKER,
    N_("The destination already holds this VM in the same or a newer version"),
    N_("Remove the stale copy on the destination, then try again.") },
  { "CANNOT_CONTACT_HOST", "X-HOST-NOT-LIVE", BLOCKER,
    N_("The destination at {0} cannot be reached"),
    N_("Check that the destination pool is up and reachable from the source pool, then try again.") },
  { "VDI_CBT_ENABLED", "R7", BLOCKER,
    N_("Changed block tracking is on for disk {vdi}: storage live migration is impossible"),
    N_("Disable changed block tracking on the disk first.") },
  { "VDI_IS_ENCRYPTED", "X-VDI-IS-ENCRYPTED", BLOCKER,
    N_("Disk {vdi} is encrypted: encrypted disks cannot be migrated"),
    N_("Leave the disk on its SR, or copy its data to an unencrypted disk.") },
  { "NVIDIA_TOOLS_ERROR", "X-VM-REQUIRES-GPU", BLOCKER,
    N_("The NVIDIA tools on {host} failed"),
    N_("Check the NVIDIA vGPU manager on the host, or choose another host.") },
  { "VGPU_DESTINATION_INCOMPATIBLE", "X-VM-REQUIRES-GPU", BLOCKER,
    N_("The GPU of {host} is not compatible with the virtual GPU of the VM: {0}"),
    N_("Choose a host with the same GPU and driver.") },
  { "VGPU_GUEST_DRIVER_LIMIT", "X-VM-REQUIRES-GPU", BLOCKER,
    N_("The VM's GPU driver does not allow this: {0}"),
    N_("Update the NVIDIA driver in the guest, or shut the VM down and move it.") },

  /* §4.3 assert_can_boot_here */
  { "INVALID_VALUE", "X-XAPI-ERROR", BLOCKER,
    N_("The VM's setting {0} has a value the server refuses ({1})"),
    N_("Correct the setting, then try again.") },
  { "VALUE_NOT_SUPPORTED", "X-XAPI-ERROR", BLOCKER,
    N_("The VM's setting {0} = {1} is not supported: {2}"),
    N_("Correct the setting, then try again.") },
  { "MEMORY_CONSTRAINT_VIOLATION", "X-XAPI-ERROR", BLOCKER,
    N_("The VM's memory settings are inconsistent (static minimum ≤ dynamic minimum ≤ dynamic maximum ≤ static maximum)"),
    N_("Correct the VM's memory settings while it is halted.") },
  { "HOST_NOT_LIVE", "X-HOST-NOT-LIVE", BLOCKER,
    N_("The host is not reachable: its pool has not heard from it"),
    N_("Bring the host back online, or choose another host.") },
  { "VM_REQUIRES_SR", "X-VM-REQUIRES-SR", BLOCKER,
    N_("{vm} needs {sr}, which the destination host cannot see"),
    N_("Choose a host that sees the SR, move the disk with storage live migration, or eject a CD on it.") },
  { "VM_REQUIRES_NETWORK", "X-VM-REQUIRES-NETWORK", BLOCKER,
    N_("{vm} needs the network {network}, which the destination host does not have"),
    N_("Choose a host on that network, or connect the host to it.") },
  { "HOST_CANNOT_ATTACH_NETWORK", "X-VM-REQUIRES-NETWORK", BLOCKER,
    N_("{host} cannot attach the network {network}"),
    N_("Use another network, or check the host's interfaces (a bond member cannot carry a network).") },
  { "VM_REQUIRES_IOMMU", "X-VM-REQUIRES-IOMMU", BLOCKER,
    N_("{host} has no IOMMU, which GPU passthrough needs"),
    N_("Choose a host with the IOMMU turned on.") },
  { "NETWORK_SRIOV_INSUFFICIENT_CAPACITY", "X-VM-REQUIRES-NETWORK", BLOCKER,
    N_("The destination has no free SR-IOV virtual function on {network}"),
    N_("Choose another host, or free a virtual function there.") },
  { "VM_HVM_REQUIRED", "X-VM-HVM-REQUIRED", BLOCKER,
    N_("The destination cannot run hardware-virtualised guests such as {vm}"),
    N_("Turn on virtualisation in the host's firmware, or choose another host.") },
  { "HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN", "R26", BLOCKER,
    N_("The move would break the pool's high-availability failover plan"),
    N_("Move other VMs first, or let the pool tolerate fewer host failures for the time being.") },

  /* §4.7 and §3: network option, run time */
  { "PIF_NOT_PRESENT", "X-VM-REQUIRES-NETWORK", BLOCKER,
    N_("{host} has no interface on the migration network {network}"),
    N_("Choose a migration network that every host is connected to.") },
  { "REQUIRED_PIF_IS_UNPLUGGED", "X-VM-REQUIRES-NETWORK", BLOCKER,
    N_("The interface {pif} on the migration network is unplugged"),
    N_("Plug the interface in, or choose another migration network.") },
  { "INTERFACE_HAS_NO_IP", "X-VM-REQUIRES-NETWORK", BLOCKER,
    N_("The interface {pif} on the migration network has no IP address"),
    N_("Give the interface an address, or choose another migration network.") },
  { "PIF_HAS_NO_NETWORK_CONFIGURATION", "X-VM-REQUIRES-NETWORK", BLOCKER,
    N_("The interface {pif} on the migration network is not configured"),
    N_("Configure an address on the interface, or choose another migration network.") },
  { "HOST_HAS_NO_MANAGEMENT_IP", "X-VM-REQUIRES-NETWORK", BLOCKER,
    N_("The host has no management address"),
    N_("Configure the host's management interface.") },
  { "TOO_MANY_STORAGE_MIGRATES", "R14", WARNING,
    N_("The source host already runs the most storage migrations it allows at once ({0})"),
    N_("Ferry retries when one of them has finished.") },
  { "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED", "X-XAPI-ERROR", BLOCKER,
    N_("The source host could not reach the destination's migration service"),
    N_("Check the network between the hosts (and that port 80 or 443 is open), then try again.") },
  { "BALLOONING_TIMEOUT_BEFORE_MIGRATION", "R17", BLOCKER,
    N_("{vm} did not shrink its memory in time for the migration"),
    N_("Check the guest's balloon driver, or free memory on the destination, then try again.") },
  { "VM_MIGRATE_FAILED", "R29", BLOCKER,
    N_("The migration of {vm} failed: {3}"),
    N_("Check the VM on its source host: a failed migration can leave it paused. Resume it, then try again.") },
  { "MIRROR_FAILED", "X-XAPI-ERROR", BLOCKER,
    N_("Copying disk {vdi} to the destination failed"),
    N_("Check the destination SR and the storage network, then try again.") },
  { "VDI_LOCATION_MISSING", "X-XAPI-ERROR", BLOCKER,
    N_("The copied disk is missing on {sr} ({1})"),
    N_("Rescan the SR, then try again.") },
  { "LOCATION_NOT_UNIQUE", "X-XAPI-ERROR", BLOCKER,
    N_("Two disks on {sr} have the same location ({1})"),
    N_("Rescan the SR and remove the duplicate, then try again.") },
  { "SR_BACKEND_FAILURE_44", "R19", BLOCKER,
    N_("An SR ran out of space during the migration"),
    N_("Free space on the SRs (the destination needs up to 3 × the disks, the source up to 2 × for snapshots), then try again.") },
  { "TASK_CANCELLED", "X-XAPI-ERROR", WARNING,
    N_("The operation was cancelled"),
    N_("Start it again when you are ready.") },
  { "VM_HAS_TOO_MANY_SNAPSHOTS", "X-XAPI-ERROR", BLOCKER,
    N_("{vm} has too many snapshots for this operation"),
    N_("Delete snapshots you no longer need.") },
  { "VM_HAS_CHECKPOINT", "X-XAPI-ERROR", BLOCKER,
    N_("{vm} has a checkpoint, which this operation cannot move"),
    N_("Delete the checkpoint, then try again.") },
  { "VDI_NEEDS_VM_FOR_MIGRATE", "X-XAPI-ERROR", BLOCKER,
    N_("Disk {vdi} is not attached to a VM, so it cannot be moved live"),
    N_("Copy the disk to the other SR instead.") },
  { "VDI_INCOMPATIBLE_TYPE", "X-XAPI-ERROR", BLOCKER,
    N_("Disk {vdi} is of a kind that cannot be moved ({1})"),
    N_("Leave it where it is.") },
  { "SUSPEND_IMAGE_NOT_ACCESSIBLE", "X-VM-REQUIRES-SR", BLOCKER,
    N_("The suspend image {vdi} is on an SR the source host cannot see"),
    N_("Resume the VM on a host that sees it, or shut the VM down.") },

  /* §5 evacuation */
  { "NO_HOSTS_AVAILABLE", "X-NO-HOST", BLOCKER,
    N_("No host can take {vm}"),
    N_("Free resources on another host, or move the VM by hand.") },
  { "HOST_EVACUATE_VM_NOT_HA_PROTECTED", "X-HOST-EVACUATE-VM-NOT-HA-PROTECTED", BLOCKER,
    N_("{vm} is not protected by high availability, which the evacuation of an HA pool requires"),
    N_("Suspend or shut it down, protect it, or move it by hand before the evacuation.") },

  /* General */
  { "INTERNAL_ERROR", "X-XAPI-ERROR", BLOCKER,
    N_("The server failed internally: {0}"),
    N_("Try again; if it keeps failing, the server's logs say more.") },
  { "RBAC_PERMISSION_DENIED", "X-XAPI-ERROR", BLOCKER,
    N_("Your account may not do this ({0})"),
    N_("Log in with an account that has the permission (Pool Operator or higher).") },
  { "HANDLE_INVALID", "X-XAPI-ERROR", BLOCKER,
    N_("An object of class {0} that the operation needs no longer exists"),
    N_("Refresh, then try again.") },
  { "DYNAMIC_MEMORY_CONTROL_UNAVAILABLE", "R17", BLOCKER,
    N_("Dynamic Memory Control is not available: {0}"),
    N_("Check the VMs' memory settings and balloon drivers.") },
};

#undef BLOCKER
#undef WARNING

static const ErrorInfo *
find_error (const char *code)
{
  if (code == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    if (g_str_equal (errors[i].code, code))
      return &errors[i];

  return NULL;
}

gboolean
ferry_check_knows_xapi_error (const char *code)
{
  return find_error (code) != NULL ||
         (code != NULL && g_str_has_prefix (code, "SR_BACKEND_FAILURE_")) ||
         g_strcmp0 (code, "CANNOT_EVACUATE_HOST") == 0;
}

/* Parameters */

typedef struct
{
  const char * const *params;
  guint               n_params;
  FerryObject        *objects[16];   /* resolved refs and UUIDs */
} Params;

static gboolean
looks_like_uuid (const char *text)
{
  return text != NULL && strlen (text) == 36 && text[8] == '-' && text[13] == '-' &&
         text[18] == '-' && text[23] == '-';
}

static FerryObject *
resolve (const char *param,
         FerryCache *source,
         FerryCache *destination)
{
  FerryCache *caches[] = { source, destination };

  for (guint i = 0; i < G_N_ELEMENTS (caches); i++)
    {
      FerryObject *object = NULL;

      if (caches[i] == NULL)
        continue;
      if (g_str_has_prefix (param, "OpaqueRef:"))
        object = ferry_cache_lookup (caches[i], param);
      else if (looks_like_uuid (param))
        object = ferry_cache_lookup_by_uuid (caches[i], param);
      if (object != NULL)
        return object;
    }

  return NULL;
}

static void
params_init (Params             *self,
             const char * const *params,
             FerryCache         *source,
             FerryCache         *destination)
{
  static const char * const none[] = { NULL };

  memset (self, 0, sizeof *self);
  self->params = params ? params : none;
  while (self->params[self->n_params] != NULL)
    self->n_params++;
  for (guint i = 0; i < self->n_params && i < G_N_ELEMENTS (self->objects); i++)
    self->objects[i] = resolve (self->params[i], source, destination);
}

static FerryObject *
params_object (Params *self,
               guint   index)
{
  return index < G_N_ELEMENTS (self->objects) ? self->objects[index] : NULL;
}

static GType
type_of_placeholder (const char *name)
{
  if (g_str_equal (name, "vm"))
    return FERRY_TYPE_VM;
  if (g_str_equal (name, "host"))
    return FERRY_TYPE_HOST;
  if (g_str_equal (name, "sr"))
    return FERRY_TYPE_SR;
  if (g_str_equal (name, "vdi"))
    return FERRY_TYPE_VDI;
  if (g_str_equal (name, "network"))
    return FERRY_TYPE_NETWORK;
  if (g_str_equal (name, "pif"))
    return FERRY_TYPE_PIF;
  if (g_str_equal (name, "vif"))
    return FERRY_TYPE_VIF;
  if (g_str_equal (name, "gpu_group"))
    return FERRY_TYPE_GPU_GROUP;

  return G_TYPE_INVALID;
}

/* A parameter for a message: an object's name in quotes, never a ref. */
static void
append_param (GString    *out,
              Params     *self,
              guint       index,
              gboolean    as_size)
{
  FerryObject *object = params_object (self, index);
  const char *text;

  if (index >= self->n_params)
    {
      g_string_append (out, "?");
      return;
    }
  text = self->params[index];

  if (object != NULL)
    g_string_append_printf (out, /* Translators: an object's name in quotes */ _("“%s”"), _ferry_name (object));
  else if (g_str_has_prefix (text, "OpaqueRef:"))
    g_string_append (out, _("an object Ferry does not know"));
  else if (as_size)
    {
      gint64 bytes = 0;

      if (g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &bytes, NULL))
        {
          g_autofree char *size = _ferry_format_size (bytes);
          g_string_append (out, size);
        }
      else
        g_string_append (out, text);
    }
  else
    g_string_append (out, text);
}

static void
append_typed (GString *out,
              Params  *self,
              GType    type)
{
  for (guint i = 0; i < self->n_params && i < G_N_ELEMENTS (self->objects); i++)
    if (self->objects[i] != NULL && G_TYPE_CHECK_INSTANCE_TYPE (self->objects[i], type))
      {
        g_string_append_printf (out, /* Translators: an object's name in quotes */ _("“%s”"), _ferry_name (self->objects[i]));
        return;
      }

  g_string_append (out, _("an object Ferry does not know"));
}

/* Fills {0}, {1:size}, {vm}, {host}… */
static char *
expand (const char *template,
        Params     *self)
{
  GString *out = g_string_new (NULL);
  const char *p = template;

  while (*p != '\0')
    {
      const char *close;
      g_autofree char *key = NULL;
      char *colon;
      GType type;

      if (*p != '{' || (close = strchr (p, '}')) == NULL)
        {
          g_string_append_c (out, *p++);
          continue;
        }

      key = g_strndup (p + 1, close - p - 1);
      p = close + 1;
      colon = strchr (key, ':');
      if (colon != NULL)
        *colon = '\0';

      if (g_ascii_isdigit (key[0]))
        append_param (out, self, (guint) g_ascii_strtoull (key, NULL, 10),
                      colon != NULL && g_str_equal (colon + 1, "size"));
      else if ((type = type_of_placeholder (key)) != G_TYPE_INVALID)
        append_typed (out, self, type);
      else
        g_string_append (out, "?");
    }

  return g_string_free (out, FALSE);
}

static char *
join_params (Params *self)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < self->n_params; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      append_param (out, self, i, FALSE);
    }

  return g_string_free (out, FALSE);
}

static FerryCheck *
new_unknown (const char *code,
             Params     *params)
{
  g_autofree char *joined = join_params (params);

  /* A code is never a ref; a garbled reply might put one there. */
  if (g_str_has_prefix (code, "OpaqueRef:"))
    code = _("an object Ferry does not know");

  return ferry_check_new_take ("X-XAPI-ERROR", FERRY_CHECK_SEVERITY_BLOCKER,
                               params->n_params > 0
                                 ? g_strdup_printf (_("The server refused: %s (%s)"), code, joined)
                                 : g_strdup_printf (_("The server refused: %s"), code),
                               g_strdup (_("Ferry does not know this error; its name and details may help "
                                           "the server's documentation or support.")));
}

/* CANNOT_EVACUATE_HOST ["CODE,p1,p2|CODE2,p1|…"]: one message per VM. */
static FerryCheck *
new_cannot_evacuate (Params     *params,
                     FerryCache *source,
                     FerryCache *destination)
{
  g_auto(GStrv) entries = g_strsplit (params->n_params > 0 ? params->params[0] : "", "|", -1);
  g_autoptr(GString) details = g_string_new (NULL);
  FerryCheck *check;

  for (guint i = 0; entries[i] != NULL; i++)
    {
      g_auto(GStrv) parts = NULL;
      g_autoptr(FerryCheck) inner = NULL;

      if (*entries[i] == '\0')
        continue;
      parts = g_strsplit (entries[i], ",", -1);
      inner = ferry_check_new_from_xapi_error (parts[0], (const char * const *) parts + 1,
                                               source, destination);
      if (details->len > 0)
        g_string_append (details, "; ");
      g_string_append (details, ferry_check_get_message (inner));
    }

  check = ferry_check_new_take ("X-NO-HOST", FERRY_CHECK_SEVERITY_BLOCKER,
                                g_strdup_printf (_("The host cannot be evacuated: %s"), details->str),
                                g_strdup (_("Fix each VM's problem, or move those VMs by hand first.")));

  return check;
}

FerryCheck *
ferry_check_new_from_xapi_error (const char         *code,
                                 const char * const *params,
                                 FerryCache         *source,
                                 FerryCache         *destination)
{
  const ErrorInfo *info;
  FerryCheck *check;
  const char *rule_id;
  Params p;

  g_return_val_if_fail (source == NULL || FERRY_IS_CACHE (source), NULL);
  g_return_val_if_fail (destination == NULL || FERRY_IS_CACHE (destination), NULL);

  if (code == NULL || *code == '\0')
    code = "INTERNAL_ERROR";
  params_init (&p, params, source, destination);

  if (g_str_equal (code, "CANNOT_EVACUATE_HOST"))
    check = new_cannot_evacuate (&p, source, destination);
  else if ((info = find_error (code)) == NULL && g_str_has_prefix (code, "SR_BACKEND_FAILURE_"))
    {
      g_autofree char *joined = join_params (&p);

      check = ferry_check_new_take ("X-XAPI-ERROR", FERRY_CHECK_SEVERITY_BLOCKER,
                                    g_strdup_printf (_("The storage driver failed (%s): %s"),
                                                     code + strlen ("SR_BACKEND_FAILURE_"), joined),
                                    g_strdup (_("Check the SR (space, connection) and try again.")));
    }
  else if (info == NULL)
    check = new_unknown (code, &p);
  else
    {
      rule_id = info->rule_id;

      /* Refinements where the parameters say more. */
      if (g_str_equal (code, "VM_INCOMPATIBLE_WITH_THIS_HOST") && p.n_params > 2 &&
          strstr (p.params[2], "vendor") != NULL)
        rule_id = "R16";
      else if (g_str_equal (code, "SR_DOES_NOT_SUPPORT_MIGRATION") && FERRY_IS_SR (params_object (&p, 0)) &&
               g_strcmp0 (ferry_sr_get_sr_type (FERRY_SR (params_object (&p, 0))), "gfs2") == 0)
        rule_id = "R8";
      else if (g_str_equal (code, "VM_BAD_POWER_STATE") && p.n_params > 2 &&
               g_ascii_strcasecmp (p.params[2], "paused") == 0)
        rule_id = "R29";
      else if (g_str_equal (code, "OTHER_OPERATION_IN_PROGRESS") && p.n_params > 0 &&
               g_ascii_strcasecmp (p.params[0], "host") == 0)
        rule_id = "X-HOST-BUSY";

      if (g_str_equal (code, "HOST_NOT_ENOUGH_FREE_MEMORY") && p.n_params == 1)
        /* Evacuation planning names the VM instead of the sizes (§5.1). */
        check = ferry_check_new_take (rule_id, info->severity,
                                      expand (_("No host has enough free memory for {vm}"), &p),
                                      g_strdup (_(info->remedy)));
      else
        check = ferry_check_new_take (rule_id, info->severity,
                                      expand (_(info->message), &p), g_strdup (_(info->remedy)));
    }

  for (guint i = 0; i < p.n_params && i < G_N_ELEMENTS (p.objects); i++)
    ferry_check_add_object (check, p.objects[i]);
  _ferry_check_set_xapi_error (check, code, p.params);

  return check;
}

FerryCheck *
ferry_check_new_from_error (const GError *error,
                            FerryCache   *source,
                            FerryCache   *destination)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == FERRY_XAPI_ERROR && ferry_xapi_error_get_name (error) != NULL)
    return ferry_check_new_from_xapi_error (ferry_xapi_error_get_name (error),
                                            ferry_xapi_error_get_params (error),
                                            source, destination);

  return ferry_check_new_take ("X-ERROR", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup (error->message),
                               g_strdup (_("Check the connection to the pool, then try again.")));
}
