/* ferry-sim-host.c: host.disable and host.enable (the evacuation and
 * migration messages of hosts are in ferry-sim-evacuate.c and ferry-sim-migrate.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-host"

#include "config.h"

#include "ferry-sim-checks.h"
#include "ferry-sim-error.h"
#include "ferry-sim-rpc-private.h"

static void
set_enabled (FerrySimCall *call,
             gboolean      enabled)
{
  GError *error = NULL;
  FerrySimRow *host = ferry_sim_call_get_arg_row (call, 0, "host", &error);

  if (host == NULL)
    {
      ferry_sim_call_return_error (call, error);
      return;
    }

  /* With HA on, disabling a host must leave a failover plan (xapi_host.ml). */
  if (!enabled && ferry_sim_row_get_bool (host, "enabled") &&
      !ferry_sim_check_ha_plan (ferry_sim_call_get_db (call), NULL, NULL, host, &error))
    {
      ferry_sim_call_return_error (call, error);
      return;
    }

  ferry_sim_db_set_bool (ferry_sim_call_get_db (call), host, "enabled", enabled);
  ferry_sim_call_return_void (call);
}

static void
host_disable (FerrySimCall *call)
{
  set_enabled (call, FALSE);
}

static void
host_enable (FerrySimCall *call)
{
  set_enabled (call, TRUE);
}

static const FerrySimMethodDef host_methods[] = {
  { "host.disable", host_disable, 0, 1, { "host ref" } },
  { "host.enable", host_enable, 0, 1, { "host ref" } },
};

void
_ferry_sim_host_register (void)
{
  ferry_sim_rpc_register (host_methods, G_N_ELEMENTS (host_methods));
}
