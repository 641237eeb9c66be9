/* ferry-cli-move.c
 *
 * The wizard's choices, from words: which VMs (or disks, or the host to
 * empty), where to, which SR per disk, which network per interface, the
 * migration network and the options. Names are looked up in the connected
 * caches; a name that matches nothing, or an SR or network of another pool
 * than the one the VMs go to, is a usage error (exit status 2). One move
 * request per source pool, and from it one plan (ferry_plan_new(), the same
 * plan the wizard builds).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli-move"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ferry-cli-move.h"
#include "ferry-cli-objects.h"
#include "ferry-cli-output.h"
#include "ferry-estimate.h"
#include "ferry-host.h"
#include "ferry-network.h"
#include "ferry-pool.h"
#include "ferry-rules.h"
#include "ferry-sr.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vif.h"
#include "ferry-vm.h"

struct _FerryCliMove
{
  GPtrArray   *vms;          /* FerryVm */
  GPtrArray   *sources;      /* FerryCache, not owned */
  FerryObject *destination;  /* host or pool, or NULL */
  FerryObject *evacuate;     /* host */
  FerryObject *sr;
  FerryObject *network;
  GPtrArray   *map_disks;    /* FerryVdi, with map_srs */
  GPtrArray   *map_srs;
  GPtrArray   *map_vifs;     /* FerryVif, with map_networks */
  GPtrArray   *map_networks;
  FerryObject *home;
  GPtrArray   *requests;     /* FerryMoveRequest */
};

void
ferry_cli_move_options_clear (FerryCliMoveOptions *options)
{
  g_clear_pointer (&options->names, g_strfreev);
  g_clear_pointer (&options->to, g_free);
  g_clear_pointer (&options->sr, g_free);
  g_clear_pointer (&options->sr_map, g_strfreev);
  g_clear_pointer (&options->network_map, g_strfreev);
  g_clear_pointer (&options->network, g_free);
  g_clear_pointer (&options->home, g_free);
  g_clear_pointer (&options->relay, g_free);
}

GOptionEntry *
ferry_cli_move_options_entries (FerryCliMoveOptions *options,
                                gboolean             with_plan_options)
{
  GArray *entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  const GOptionEntry to_host = {
    "to", 0, 0, G_OPTION_ARG_STRING, &options->to,
    N_("Where the VMs go: a host, or a pool that chooses the host"), N_("HOST|POOL") };
  const GOptionEntry to_sr = {
    "to", 0, 0, G_OPTION_ARG_STRING, &options->to, N_("The SR the disks go to"), N_("SR") };
  const GOptionEntry storage[] = {
    { "sr", 0, 0, G_OPTION_ARG_STRING, &options->sr,
      N_("Put every disk on this SR (default: where the destination can see it, else its default SR)"), N_("SR") },
    { "sr-map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->sr_map,
      N_("Put one disk on an SR; repeat for each disk"), N_("DISK=SR") },
    { "network-map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->network_map,
      N_("Connect one network interface to a network of the destination; repeat for each"), N_("VIF=NETWORK") },
  };
  const GOptionEntry network = {
    "network", 0, 0, G_OPTION_ARG_STRING, &options->network,
    N_("The destination network that carries the migration (default: management)"), N_("NETWORK") };
  const GOptionEntry relay = {
    "relay", 0, 0, G_OPTION_ARG_STRING, &options->relay,
    N_("Halted VMs that change pool go through this computer: when the pools cannot reach each other "
       "(auto, the default), always, or never"), N_("auto|always|never") };
  const GOptionEntry plan_options[] = {
    { "home", 0, 0, G_OPTION_ARG_STRING, &options->home,
      N_("Make this host of the destination each VM’s home server"), N_("HOST") },
    { "compress", 0, 0, G_OPTION_ARG_NONE, &options->compress,
      N_("Compress the migration stream (R2; default: the pool’s setting)"), NULL },
    { "no-compress", 0, 0, G_OPTION_ARG_NONE, &options->no_compress,
      N_("Do not compress the migration stream"), NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &options->force,
      N_("Ask xapi to skip its CPU and version checks (force=true)"), NULL },
  };
  const GOptionEntry batch = {
    "batch", 0, 0, G_OPTION_ARG_INT, &options->batch,
    N_("How many VMs leave at once (R3; default: the pool’s setting, else 10)"), N_("N") };

  switch (options->kind)
    {
    case FERRY_CLI_MOVE_MIGRATE:
    case FERRY_CLI_MOVE_VM:
      g_array_append_val (entries, to_host);
      g_array_append_vals (entries, storage, G_N_ELEMENTS (storage));
      g_array_append_val (entries, network);
      g_array_append_val (entries, relay);
      break;
    case FERRY_CLI_MOVE_VDI:
      g_array_append_val (entries, to_sr);
      break;
    case FERRY_CLI_MOVE_EVACUATE:
      g_array_append_val (entries, network);
      g_array_append_val (entries, batch);
      break;
    default:
      g_assert_not_reached ();
    }
  /* move-vdi and evacuate have no --home: the VMs keep theirs. */
  if (with_plan_options && (options->kind == FERRY_CLI_MOVE_MIGRATE || options->kind == FERRY_CLI_MOVE_VM))
    g_array_append_vals (entries, plan_options, G_N_ELEMENTS (plan_options));
  else if (with_plan_options)
    g_array_append_vals (entries, plan_options + 1, G_N_ELEMENTS (plan_options) - 1);
  return (GOptionEntry *) g_array_free (entries, FALSE);
}

gboolean
ferry_cli_move_options_finish (FerryCliMoveOptions  *options,
                               const char           *command,
                               int                   argc,
                               char                **argv,
                               GError              **error)
{
  if (argc < 2)
    {
      const char *what = options->kind == FERRY_CLI_MOVE_VDI ? _("disk")
                       : options->kind == FERRY_CLI_MOVE_EVACUATE ? _("host") : _("VM");

      /* Translators: "migrate needs at least one VM" */
      g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("%s needs at least one %s"), command, what);
      return FALSE;
    }
  if (options->kind == FERRY_CLI_MOVE_EVACUATE && argc > 2)
    {
      g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("%s empties one host at a time"), command);
      return FALSE;
    }
  options->names = g_strdupv (argv + 1);

  if (options->sr != NULL && options->sr_map != NULL)
    {
      g_set_error_literal (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                           _("--sr (one SR for every disk) and --sr-map (an SR per disk) exclude each other"));
      return FALSE;
    }
  if (options->compress && options->no_compress)
    {
      g_set_error_literal (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                           _("--compress and --no-compress exclude each other"));
      return FALSE;
    }
  if (options->relay != NULL && !ferry_relay_mode_from_string (options->relay, &options->relay_mode))
    {
      g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                   _("--relay takes auto, always or never, not “%s”"), options->relay);
      return FALSE;
    }
  if (options->batch < 0)
    {
      g_set_error_literal (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("--batch takes a number above 0"));
      return FALSE;
    }
  if (options->home != NULL && options->to == NULL)
    {
      g_set_error_literal (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("--home needs --to"));
      return FALSE;
    }

  switch (options->kind)
    {
    case FERRY_CLI_MOVE_MIGRATE:
    case FERRY_CLI_MOVE_VM:
      if (options->to == NULL && options->sr == NULL && options->sr_map == NULL)
        {
          g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                       _("%s needs --to HOST|POOL (or --sr/--sr-map to move disks only)"), command);
          return FALSE;
        }
      break;
    case FERRY_CLI_MOVE_VDI:
      if (options->to == NULL)
        {
          g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("%s needs --to SR"), command);
          return FALSE;
        }
      break;
    case FERRY_CLI_MOVE_EVACUATE:
    default:
      break;
    }
  return TRUE;
}

/* Lookups */

/* The VDIs the VMs' disks use (CDs excluded), each with its device. */
static GPtrArray *
collect_disks (GPtrArray *vms)
{
  GPtrArray *disks = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint v = 0; v < vms->len; v++)
    {
      GListModel *vbds = ferry_vm_get_vbds (g_ptr_array_index (vms, v));

      for (guint i = 0; vbds != NULL && i < g_list_model_get_n_items (vbds); i++)
        {
          g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
          FerryObject *vdi = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vdi (vbd));

          if (FERRY_IS_VDI (vdi) && g_strcmp0 (ferry_vbd_get_vbd_type (vbd), "CD") != 0 &&
              !g_ptr_array_find (disks, vdi, NULL))
            {
              g_object_set_data_full (G_OBJECT (vdi), "ferry-cli-device",
                                      g_strdup (ferry_vbd_get_userdevice (vbd)), g_free);
              g_ptr_array_add (disks, g_object_ref (vdi));
            }
        }
    }
  return disks;
}

/* A disk of the VMs by ref, UUID, name or (one VM) device position. */
static FerryVdi *
find_disk (GPtrArray   *disks,
           guint        n_vms,
           const char  *text,
           GError     **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  for (guint i = 0; i < disks->len; i++)
    {
      FerryObject *vdi = g_ptr_array_index (disks, i);

      if (g_str_equal (text, ferry_object_get_ref (vdi)) ||
          g_str_equal (text, ferry_object_get_uuid (vdi)) ||
          g_str_equal (text, ferry_object_get_name_label (vdi)) ||
          (n_vms == 1 && g_strcmp0 (text, g_object_get_data (G_OBJECT (vdi), "ferry-cli-device")) == 0))
        g_ptr_array_add (found, vdi);
    }

  if (found->len == 1)
    return g_ptr_array_index (found, 0);
  if (found->len == 0)
    g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                 _("--sr-map: the VMs have no disk “%s” (name, UUID, ref, or device number with one VM)"),
                 text);
  else
    g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_AMBIGUOUS,
                 _("--sr-map: “%s” names %u disks; use a UUID"), text, found->len);
  return NULL;
}

/* An interface of the VMs by UUID, ref, MAC, "VM/DEVICE" or (one VM) device. */
static FerryVif *
find_vif (GPtrArray   *vms,
          const char  *text,
          GError     **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  const char *slash = strrchr (text, '/');

  for (guint v = 0; v < vms->len; v++)
    {
      FerryVm *vm = g_ptr_array_index (vms, v);
      GListModel *vifs = ferry_vm_get_vifs (vm);

      for (guint i = 0; vifs != NULL && i < g_list_model_get_n_items (vifs); i++)
        {
          g_autoptr(FerryVif) vif = g_list_model_get_item (vifs, i);
          const char *device = ferry_vif_get_device (vif);
          gboolean match = g_str_equal (text, ferry_object_get_uuid (FERRY_OBJECT (vif))) ||
                           g_str_equal (text, ferry_object_get_ref (FERRY_OBJECT (vif))) ||
                           g_ascii_strcasecmp (text, ferry_vif_get_mac (vif) ? ferry_vif_get_mac (vif) : "") == 0 ||
                           (vms->len == 1 && g_strcmp0 (text, device) == 0);

          if (!match && slash != NULL && g_strcmp0 (slash + 1, device) == 0)
            {
              g_autofree char *vm_name = g_strndup (text, slash - text);

              match = g_str_equal (vm_name, ferry_object_get_name_label (FERRY_OBJECT (vm))) ||
                      g_str_equal (vm_name, ferry_object_get_uuid (FERRY_OBJECT (vm)));
            }
          if (match && !g_ptr_array_find (found, vif, NULL))
            g_ptr_array_add (found, vif);
        }
    }

  if (found->len == 1)
    return g_ptr_array_index (found, 0);
  if (found->len == 0)
    g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                 _("--network-map: the VMs have no network interface “%s” (device number with one VM, "
                   "VM/DEVICE, MAC or UUID)"), text);
  else
    g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_AMBIGUOUS,
                 _("--network-map: “%s” names %u interfaces; use VM/DEVICE"), text, found->len);
  return NULL;
}

/* An SR, network or host of @cache (where the VMs go). */
static FerryObject *
find_in_cache (GPtrArray     *connections,
               FerryCliKind   kind,
               const char    *text,
               FerryCache    *cache,
               const char    *option,
               GError       **error)
{
  FerryObject *object = ferry_cli_find_object (connections, kind, text, cache, error);

  if (object != NULL && ferry_object_get_cache (object) != cache)
    {
      FerryPool *pool = ferry_cache_get_pool (cache);

      g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                   /* Translators: "--sr: Prod-NFS is not in Lab, where the VMs go" */
                   _("%s: %s is not in %s, where the VMs go"), option, ferry_cli_object_get_name (object),
                   pool ? ferry_cli_pool_get_display_name (pool) : "?");
      return NULL;
    }
  return object;
}

/* "DISK=SR" → "DISK", "SR" */
static gboolean
split_pair (const char  *text,
            const char  *option,
            const char  *syntax,
            char       **key,
            const char **value,
            GError     **error)
{
  const char *equals = strchr (text, '=');

  if (equals == NULL || equals == text || equals[1] == '\0')
    {
      /* Translators: "--sr-map takes DISK=SR, not “foo”" */
      g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE, _("%s takes %s, not “%s”"), option, syntax, text);
      return FALSE;
    }
  *key = g_strndup (text, equals - text);
  *value = equals + 1;
  return TRUE;
}

void
ferry_cli_move_free (FerryCliMove *move)
{
  if (move == NULL)
    return;
  g_ptr_array_unref (move->vms);
  g_ptr_array_unref (move->sources);
  g_ptr_array_unref (move->map_disks);
  g_ptr_array_unref (move->map_srs);
  g_ptr_array_unref (move->map_vifs);
  g_ptr_array_unref (move->map_networks);
  g_ptr_array_unref (move->requests);
  g_free (move);
}

static void
add_vm (FerryCliMove *move,
        FerryObject  *vm)
{
  if (!g_ptr_array_find (move->vms, vm, NULL))
    g_ptr_array_add (move->vms, g_object_ref (vm));
  if (!g_ptr_array_find (move->sources, ferry_object_get_cache (vm), NULL))
    g_ptr_array_add (move->sources, ferry_object_get_cache (vm));
}

/* The VM a disk belongs to (not a snapshot's or the control domain's). */
static FerryObject *
find_disk_vm (FerryObject  *vdi,
              GError      **error)
{
  GListModel *vbds = ferry_vdi_get_vbds (FERRY_VDI (vdi));

  for (guint i = 0; vbds != NULL && i < g_list_model_get_n_items (vbds); i++)
    {
      g_autoptr(FerryVbd) vbd = g_list_model_get_item (vbds, i);
      FerryObject *vm = ferry_object_lookup_ref (FERRY_OBJECT (vbd), ferry_vbd_get_vm (vbd));

      if (FERRY_IS_VM (vm) && !ferry_vm_get_is_a_snapshot (FERRY_VM (vm)) &&
          !ferry_vm_get_is_a_template (FERRY_VM (vm)) && !ferry_vm_get_is_control_domain (FERRY_VM (vm)))
        return vm;
    }
  g_set_error (error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
               _("The disk %s belongs to no VM: Ferry moves the disks of VMs"), ferry_cli_object_get_name (vdi));
  return NULL;
}

FerryCliMove *
ferry_cli_move_resolve (const FerryCliMoveOptions  *options,
                        GPtrArray                  *connections,
                        GError                    **error)
{
  g_autoptr(FerryCliMove) move = g_new0 (FerryCliMove, 1);
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GPtrArray) named_disks = g_ptr_array_new ();
  FerryCache *target_cache;

  move->vms = g_ptr_array_new_with_free_func (g_object_unref);
  move->sources = g_ptr_array_new ();
  move->map_disks = g_ptr_array_new ();
  move->map_srs = g_ptr_array_new ();
  move->map_vifs = g_ptr_array_new ();
  move->map_networks = g_ptr_array_new ();
  move->requests = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; options->names[i] != NULL; i++)
    {
      FerryObject *object;

      switch (options->kind)
        {
        case FERRY_CLI_MOVE_EVACUATE:
          object = ferry_cli_find_object (connections, FERRY_CLI_KIND_HOST, options->names[i], NULL, error);
          if (object == NULL)
            return NULL;
          move->evacuate = object;
          g_ptr_array_add (move->sources, ferry_object_get_cache (object));
          break;
        case FERRY_CLI_MOVE_VDI:
          object = ferry_cli_find_object (connections, FERRY_CLI_KIND_DISK, options->names[i], NULL, error);
          if (object == NULL)
            return NULL;
          g_ptr_array_add (named_disks, object);
          if (!(object = find_disk_vm (object, error)))
            return NULL;
          add_vm (move, object);
          break;
        case FERRY_CLI_MOVE_MIGRATE:
        case FERRY_CLI_MOVE_VM:
        default:
          object = ferry_cli_find_object (connections, FERRY_CLI_KIND_VM, options->names[i], NULL, error);
          if (object == NULL)
            return NULL;
          add_vm (move, object);
          break;
        }
    }

  if (options->to != NULL && options->kind != FERRY_CLI_MOVE_VDI)
    {
      g_autoptr(GError) local_error = NULL;

      /* A host first: a standalone host is also a pool of its name. */
      move->destination = ferry_cli_find_object (connections, FERRY_CLI_KIND_HOST, options->to, NULL, &local_error);
      if (move->destination == NULL && g_error_matches (local_error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND))
        {
          g_clear_error (&local_error);
          move->destination = ferry_cli_find_object (connections, FERRY_CLI_KIND_POOL, options->to, NULL, &local_error);
          if (move->destination == NULL && g_error_matches (local_error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND))
            {
              g_clear_error (&local_error);
              g_set_error (&local_error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_NOT_FOUND,
                           _("--to: no host or pool is called “%s”"), options->to);
            }
        }
      if (move->destination == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  target_cache = move->destination != NULL ? ferry_object_get_cache (move->destination)
                                           : g_ptr_array_index (move->sources, 0);

  if (options->kind == FERRY_CLI_MOVE_VDI)
    {
      /* Every named disk to the one SR, in its VM's pool. */
      for (guint i = 0; i < named_disks->len; i++)
        {
          FerryObject *vdi = g_ptr_array_index (named_disks, i);
          FerryObject *sr = find_in_cache (connections, FERRY_CLI_KIND_SR, options->to,
                                           ferry_object_get_cache (vdi), "--to", error);

          if (sr == NULL)
            return NULL;
          g_ptr_array_add (move->map_disks, vdi);
          g_ptr_array_add (move->map_srs, sr);
          move->sr = sr;
        }
    }

  if (options->sr != NULL &&
      !(move->sr = find_in_cache (connections, FERRY_CLI_KIND_SR, options->sr, target_cache, "--sr", error)))
    return NULL;

  if (options->network != NULL &&
      !(move->network = find_in_cache (connections, FERRY_CLI_KIND_NETWORK, options->network, target_cache,
                                       "--network", error)))
    return NULL;

  if (options->home != NULL &&
      !(move->home = find_in_cache (connections, FERRY_CLI_KIND_HOST, options->home, target_cache, "--home", error)))
    return NULL;

  disks = collect_disks (move->vms);
  for (guint i = 0; options->sr_map != NULL && options->sr_map[i] != NULL; i++)
    {
      g_autofree char *key = NULL;
      const char *value;
      FerryVdi *vdi;
      FerryObject *sr;

      if (!split_pair (options->sr_map[i], "--sr-map", "DISK=SR", &key, &value, error) ||
          !(vdi = find_disk (disks, move->vms->len, key, error)) ||
          !(sr = find_in_cache (connections, FERRY_CLI_KIND_SR, value, target_cache, "--sr-map", error)))
        return NULL;
      g_ptr_array_add (move->map_disks, vdi);
      g_ptr_array_add (move->map_srs, sr);
    }

  for (guint i = 0; options->network_map != NULL && options->network_map[i] != NULL; i++)
    {
      g_autofree char *key = NULL;
      const char *value;
      FerryVif *vif;
      FerryObject *network;

      if (!split_pair (options->network_map[i], "--network-map", "VIF=NETWORK", &key, &value, error) ||
          !(vif = find_vif (move->vms, key, error)) ||
          !(network = find_in_cache (connections, FERRY_CLI_KIND_NETWORK, value, target_cache,
                                     "--network-map", error)))
        return NULL;
      g_ptr_array_add (move->map_vifs, vif);
      g_ptr_array_add (move->map_networks, network);
    }

  /* One request per source pool: a request's VMs share one cache. */
  for (guint s = 0; s < move->sources->len; s++)
    {
      FerryCache *source = g_ptr_array_index (move->sources, s);
      g_autoptr(FerryMoveRequest) request = ferry_move_request_new ();

      if (move->evacuate != NULL)
        ferry_move_request_set_evacuate_host (request, FERRY_HOST (move->evacuate));
      for (guint i = 0; i < move->vms->len; i++)
        if (ferry_object_get_cache (g_ptr_array_index (move->vms, i)) == source)
          ferry_move_request_add_vm (request, g_ptr_array_index (move->vms, i));

      if (FERRY_IS_HOST (move->destination))
        ferry_move_request_set_destination_host (request, FERRY_HOST (move->destination));
      else if (FERRY_IS_POOL (move->destination))
        ferry_move_request_set_destination_pool (request, ferry_object_get_cache (move->destination));
      if (move->sr != NULL && options->kind != FERRY_CLI_MOVE_VDI)
        ferry_move_request_set_default_sr (request, FERRY_SR (move->sr));
      for (guint i = 0; i < move->map_disks->len; i++)
        if (ferry_object_get_cache (g_ptr_array_index (move->map_disks, i)) == source)
          ferry_move_request_set_vdi_sr (request, g_ptr_array_index (move->map_disks, i),
                                         g_ptr_array_index (move->map_srs, i));
      for (guint i = 0; i < move->map_vifs->len; i++)
        if (ferry_object_get_cache (g_ptr_array_index (move->map_vifs, i)) == source)
          ferry_move_request_set_vif_network (request, g_ptr_array_index (move->map_vifs, i),
                                              g_ptr_array_index (move->map_networks, i));
      if (move->network != NULL)
        ferry_move_request_set_network (request, FERRY_NETWORK (move->network));
      if (options->kind == FERRY_CLI_MOVE_VM)
        ferry_move_request_set_operation (request, FERRY_OPERATION_MOVE_HALTED);
      ferry_move_request_set_relay (request, options->relay_mode);

      g_ptr_array_add (move->requests, g_steal_pointer (&request));
    }

  return g_steal_pointer (&move);
}

FerryObject *
ferry_cli_move_get_destination (FerryCliMove *move)
{
  return move->destination;
}

FerryObject *
ferry_cli_move_get_sr (FerryCliMove *move)
{
  return move->sr;
}

FerryObject *
ferry_cli_move_get_network (FerryCliMove *move)
{
  return move->network;
}

GPtrArray *
ferry_cli_move_get_requests (FerryCliMove *move)
{
  return move->requests;
}

GListModel *
ferry_cli_connections_model (GPtrArray *connections)
{
  GListStore *store = g_list_store_new (FERRY_TYPE_CONNECTION);

  for (guint i = 0; connections != NULL && i < connections->len; i++)
    g_list_store_append (store, g_ptr_array_index (connections, i));
  return G_LIST_MODEL (store);
}

GPtrArray *
ferry_cli_move_build_plans (FerryCliMove               *move,
                            const FerryCliMoveOptions  *options,
                            GPtrArray                  *connections,
                            GError                    **error)
{
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GListModel) model = ferry_cli_connections_model (connections);

  for (guint i = 0; i < move->requests->len; i++)
    {
      g_autoptr(FerryPlan) plan = ferry_plan_new (g_ptr_array_index (move->requests, i), model, NULL, error);

      if (plan == NULL)
        return NULL;
      if (move->home != NULL)
        ferry_plan_set_home_server (plan, FERRY_HOST (move->home));
      /* R2: the per-migration override. */
      if (options->compress)
        ferry_plan_set_compression (plan, FERRY_COMPRESSION_ON);
      else if (options->no_compress)
        ferry_plan_set_compression (plan, FERRY_COMPRESSION_OFF);
      ferry_plan_set_force (plan, options->force);
      /* R3 */
      if (options->batch > 0)
        ferry_plan_set_evacuation_batch_size (plan, (guint) options->batch);
      g_ptr_array_add (plans, g_steal_pointer (&plan));
    }
  return g_steal_pointer (&plans);
}

/* Checks */

GPtrArray *
ferry_cli_plan_check (FerryPlan   *plan,
                      GListModel  *connections,
                      gboolean    *blocked,
                      GError     **error)
{
  g_autoptr(FerryMoveRequest) request = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  gboolean any = FALSE;

  request = ferry_plan_dup_request (plan, connections, error);
  if (request == NULL)
    return NULL;

  findings = ferry_rules_check (request, NULL, NULL);
  for (guint i = 0; i < findings->len; i++)
    if (ferry_check_get_severity (g_ptr_array_index (findings, i)) >= FERRY_CHECK_SEVERITY_BLOCKER)
      any = TRUE;

  /* The plan's own reasons (e.g. no host of the pool can take the VM). */
  for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
    {
      FerryCheck *blocker = ferry_plan_item_get_blocker (ferry_plan_get_item (plan, i));
      gboolean known = FALSE;

      if (blocker == NULL)
        continue;
      any = TRUE;
      for (guint j = 0; j < findings->len && !known; j++)
        {
          FerryCheck *finding = g_ptr_array_index (findings, j);

          /* One reason per rule and VM is enough. */
          known = g_strcmp0 (ferry_check_get_rule_id (finding), ferry_check_get_rule_id (blocker)) == 0 &&
                  ferry_check_find_object (finding, FERRY_TYPE_VM) == ferry_check_find_object (blocker, FERRY_TYPE_VM);
        }
      if (!known)
        g_ptr_array_add (findings, g_object_ref (blocker));
    }

  if (blocked != NULL)
    *blocked = any;
  return g_steal_pointer (&findings);
}

/* Names */

const char *
ferry_cli_operation_name (FerryOperation operation)
{
  switch (operation)
    {
    case FERRY_OPERATION_LIVE_MIGRATE:    return "live-migrate";
    case FERRY_OPERATION_STORAGE_MIGRATE: return "storage-migrate";
    case FERRY_OPERATION_MOVE_DISK:       return "move-disk";
    case FERRY_OPERATION_MOVE_HALTED:     return "move-halted";
    case FERRY_OPERATION_EVACUATE:        return "evacuate";
    case FERRY_OPERATION_AUTO:
    default:                              return NULL;
    }
}

void
ferry_cli_json_add_operation (JsonBuilder    *builder,
                              const char     *member,
                              FerryOperation  operation)
{
  json_builder_set_member_name (builder, member);
  if (ferry_cli_operation_name (operation) == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  ferry_cli_json_add_string (builder, "id", ferry_operation_get_id (operation));
  ferry_cli_json_add_string (builder, "name", ferry_cli_operation_name (operation));
  json_builder_end_object (builder);
}

const char *
ferry_cli_severity_name (FerryCheckSeverity severity)
{
  switch (severity)
    {
    case FERRY_CHECK_SEVERITY_NOTE:    return "note";
    case FERRY_CHECK_SEVERITY_WARNING: return "warning";
    case FERRY_CHECK_SEVERITY_BLOCKER: return "blocker";
    case FERRY_CHECK_SEVERITY_NONE:
    default:                           return "none";
    }
}

static void
add_finding (JsonBuilder *builder,
             FerryCheck  *finding)
{
  json_builder_begin_object (builder);
  ferry_cli_json_add_string (builder, "rule", ferry_check_get_rule_id (finding));
  ferry_cli_json_add_string (builder, "severity", ferry_cli_severity_name (ferry_check_get_severity (finding)));
  ferry_cli_json_add_string (builder, "message", ferry_check_get_message (finding));
  ferry_cli_json_add_string (builder, "remedy", ferry_check_get_remedy (finding));
  ferry_cli_json_add_string (builder, "help", ferry_check_get_help_id (finding));
  ferry_cli_json_add_ref (builder, "vm", ferry_check_find_object (finding, FERRY_TYPE_VM));
  json_builder_set_member_name (builder, "objects");
  json_builder_begin_array (builder);
  for (guint o = 0; o < ferry_check_get_n_objects (finding); o++)
    ferry_cli_json_add_ref (builder, NULL, ferry_check_get_object (finding, o));
  json_builder_end_array (builder);
  ferry_cli_json_add_string (builder, "xapi_error", ferry_check_get_xapi_error (finding));
  json_builder_end_object (builder);
}

void
ferry_cli_json_add_findings (JsonBuilder *builder,
                             GPtrArray   *findings)
{
  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    add_finding (builder, g_ptr_array_index (findings, i));
  json_builder_end_array (builder);
}

static FerryCliStyle
severity_style (FerryCheckSeverity severity)
{
  if (severity >= FERRY_CHECK_SEVERITY_BLOCKER)
    return FERRY_CLI_STYLE_BAD;
  if (severity == FERRY_CHECK_SEVERITY_WARNING)
    return FERRY_CLI_STYLE_WARNING;
  return FERRY_CLI_STYLE_DIM;
}

void
ferry_cli_print_findings (GPtrArray *findings,
                          gboolean   color)
{
  g_autoptr(FerryCliTable) list = ferry_cli_table_new (_("RULE"), _("SEVERITY"), _("VM"), _("REASON"), NULL);

  for (guint i = 0; i < findings->len; i++)
    {
      FerryCheck *check = g_ptr_array_index (findings, i);
      FerryObject *vm = ferry_check_find_object (check, FERRY_TYPE_VM);
      const char *remedy = ferry_check_get_remedy (check);

      ferry_cli_table_begin_row (list);
      ferry_cli_table_add (list, ferry_check_get_rule_id (check), FERRY_CLI_STYLE_BOLD);
      ferry_cli_table_add (list, ferry_cli_severity_name (ferry_check_get_severity (check)),
                           severity_style (ferry_check_get_severity (check)));
      ferry_cli_table_add (list, vm ? ferry_cli_object_get_name (vm) : NULL, FERRY_CLI_STYLE_NONE);
      ferry_cli_table_add (list, ferry_check_get_message (check), FERRY_CLI_STYLE_NONE);
      if (remedy != NULL && remedy[0] != '\0')
        {
          /* Translators: the line under a finding that says what to do */
          g_autofree char *line = g_strdup_printf (_("Remedy: %s"), remedy);

          ferry_cli_table_add_note (list, 3, line, FERRY_CLI_STYLE_NONE);
        }
    }
  ferry_cli_table_print (list, color);
}

void
ferry_cli_print_plans (GPtrArray *plans,
                       gboolean   color)
{
  g_autoptr(FerryCliTable) table = ferry_cli_table_new (_("VM"), _("OPERATION"), _("FROM"), _("TO"),
                                                         _("DISKS"), _("ESTIMATE"), NULL);

  for (guint p = 0; p < plans->len; p++)
    {
      FerryPlan *plan = g_ptr_array_index (plans, p);

      for (guint i = 0; i < ferry_plan_get_n_items (plan); i++)
        {
          FerryPlanItem *item = ferry_plan_get_item (plan, i);
          FerryOperation operation = ferry_plan_item_get_operation (item);
          const FerryEstimate *estimate = ferry_plan_item_get_estimate (item);
          FerryCheck *blocker = ferry_plan_item_get_blocker (item);
          gint64 bytes = ferry_plan_item_get_disk_bytes (item);

          ferry_cli_table_begin_row (table);
          ferry_cli_table_add (table, ferry_plan_item_get_vm_name (item), FERRY_CLI_STYLE_NONE);
          ferry_cli_table_take (table, g_strdup_printf ("%s %s", ferry_operation_get_id (operation),
                                                        ferry_operation_get_title (operation)),
                                FERRY_CLI_STYLE_NONE);
          ferry_cli_table_take (table, ferry_plan_item_dup_from_text (item), FERRY_CLI_STYLE_NONE);
          ferry_cli_table_take (table, ferry_plan_item_dup_to_text (item), FERRY_CLI_STYLE_NONE);
          ferry_cli_table_take (table, bytes > 0 ? ferry_cli_format_bytes (bytes) : NULL, FERRY_CLI_STYLE_NONE);
          if (estimate != NULL)
            {
              g_autofree char *low = ferry_format_duration (estimate->duration_min);
              g_autofree char *high = ferry_format_duration (estimate->duration_max);

              ferry_cli_table_take (table, g_strdup_printf ("%s – %s", low, high), FERRY_CLI_STYLE_NONE);
            }
          else
            ferry_cli_table_add (table, NULL, FERRY_CLI_STYLE_NONE);

          for (guint d = 0; d < ferry_plan_item_get_n_disks (item); d++)
            {
              const FerryPlanDisk *disk = ferry_plan_item_get_disk (item, d);
              g_autofree char *line = NULL;

              if (!disk->moves || disk->snapshot_of != NULL)
                continue;
              /* Translators: "disk 0 → Prod-NFS (Chosen by you)" */
              line = g_strdup_printf (_("disk %s → %s (%s)"), disk->userdevice ? disk->userdevice : disk->vdi_name,
                                      disk->to_sr_name ? disk->to_sr_name : "?",
                                      ferry_disk_reason_describe (disk->reason));
              ferry_cli_table_add_note (table, 1, line, FERRY_CLI_STYLE_DIM);
            }
          for (guint v = 0; v < ferry_plan_item_get_n_vifs (item); v++)
            {
              const FerryPlanVif *vif = ferry_plan_item_get_vif (item, v);
              g_autofree char *line = NULL;

              if (vif->reason == FERRY_VIF_REASON_STAYS)
                continue;
              /* Translators: "interface 0 → Pool-wide network (Same name as on the source)" */
              line = g_strdup_printf (_("interface %s → %s (%s)"), vif->device,
                                      vif->to_network_name ? vif->to_network_name : "?",
                                      ferry_vif_reason_describe (vif->reason));
              ferry_cli_table_add_note (table, 1, line, FERRY_CLI_STYLE_DIM);
            }
          if (ferry_plan_item_get_relay (item))
            {
              /* Translators: "through this computer: <what that means>" */
              g_autofree char *line = g_strdup_printf (_("through this computer: %s"),
                                                       ferry_plan_item_get_relay_text (item));

              ferry_cli_table_add_note (table, 1, line, FERRY_CLI_STYLE_WARNING);
            }
          else if (blocker == NULL && ferry_cli_plan_item_may_relay (plan, item))
            ferry_cli_table_add_note (table, 1, _("if the pools cannot reach each other: through this computer "
                                                  "(halted VMs only, at the pace of this computer’s links)"),
                                      FERRY_CLI_STYLE_DIM);
          if (blocker != NULL)
            {
              g_autofree char *line = g_strdup_printf ("%s: %s", ferry_check_get_rule_id (blocker),
                                                       ferry_check_get_message (blocker));

              ferry_cli_table_add_note (table, 1, line, FERRY_CLI_STYLE_BAD);
            }
        }
    }
  ferry_cli_table_print (table, color);
}

gboolean
ferry_cli_plan_item_may_relay (FerryPlan     *plan,
                               FerryPlanItem *item)
{
  FerryOperation operation = ferry_plan_item_get_operation (item);

  return ferry_plan_get_relay_mode (plan) == FERRY_RELAY_AUTO && ferry_plan_item_is_cross_pool (item) &&
         g_strcmp0 (ferry_plan_item_get_power_state (item), "halted") == 0 &&
         (operation == FERRY_OPERATION_MOVE_HALTED || operation == FERRY_OPERATION_STORAGE_MIGRATE);
}
