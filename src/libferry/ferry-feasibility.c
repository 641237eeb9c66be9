/* ferry-feasibility.c: which VM can go where, as a grid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-feasibility"

#include "config.h"

#include "ferry-feasibility.h"
#include "ferry-rules-private.h"

typedef struct
{
  FerryCheckSeverity  verdict;
  FerryOperation      op;
  FerryCheck         *reason;   /* owned */
  FerryHost          *host;     /* borrowed from the cache */
} Cell;

struct _FerryFeasibility
{
  GObject            parent_instance;

  FerryMoveRequest  *request;
  GPtrArray         *queued;
  FerryRuleSettings *settings;
  GPtrArray         *vms;            /* FerryVm */
  GPtrArray         *destinations;   /* FerryHost, FerryPool or FerrySr */
  GArray            *cells;          /* Cell, row-major; empty until run */
};

G_DEFINE_FINAL_TYPE (FerryFeasibility, ferry_feasibility, G_TYPE_OBJECT)

static void
clear_cells (FerryFeasibility *self)
{
  for (guint i = 0; i < self->cells->len; i++)
    g_clear_object (&g_array_index (self->cells, Cell, i).reason);
  g_array_set_size (self->cells, 0);
}

static void
ferry_feasibility_finalize (GObject *object)
{
  FerryFeasibility *self = (FerryFeasibility *)object;

  clear_cells (self);
  g_clear_pointer (&self->cells, g_array_unref);
  g_clear_pointer (&self->vms, g_ptr_array_unref);
  g_clear_pointer (&self->destinations, g_ptr_array_unref);
  g_clear_pointer (&self->queued, g_ptr_array_unref);
  g_clear_object (&self->request);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ferry_feasibility_parent_class)->finalize (object);
}

static void
ferry_feasibility_class_init (FerryFeasibilityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_feasibility_finalize;
}

static void
ferry_feasibility_init (FerryFeasibility *self)
{
  self->vms = g_ptr_array_new_with_free_func (g_object_unref);
  self->destinations = g_ptr_array_new_with_free_func (g_object_unref);
  self->queued = g_ptr_array_new_with_free_func (g_object_unref);
  self->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
}

FerryFeasibility *
ferry_feasibility_new (FerryMoveRequest  *request,
                       GPtrArray         *queued,
                       FerryRuleSettings *settings)
{
  FerryFeasibility *self;

  g_return_val_if_fail (request == NULL || FERRY_IS_MOVE_REQUEST (request), NULL);
  g_return_val_if_fail (settings == NULL || FERRY_IS_RULE_SETTINGS (settings), NULL);

  self = g_object_new (FERRY_TYPE_FEASIBILITY, NULL);
  self->request = request ? g_object_ref (request) : ferry_move_request_new ();
  self->settings = settings ? g_object_ref (settings) : NULL;
  for (guint i = 0; queued != NULL && i < queued->len; i++)
    g_ptr_array_add (self->queued, g_object_ref (g_ptr_array_index (queued, i)));

  return self;
}

guint
ferry_feasibility_add_vm (FerryFeasibility *self,
                          FerryVm          *vm)
{
  g_return_val_if_fail (FERRY_IS_FEASIBILITY (self), 0);
  g_return_val_if_fail (FERRY_IS_VM (vm), 0);

  clear_cells (self);
  g_ptr_array_add (self->vms, g_object_ref (vm));

  return self->vms->len - 1;
}

guint
ferry_feasibility_add_destination (FerryFeasibility *self,
                                   gpointer          destination)
{
  g_return_val_if_fail (FERRY_IS_FEASIBILITY (self), 0);
  g_return_val_if_fail (FERRY_IS_HOST (destination) || FERRY_IS_POOL (destination) ||
                        FERRY_IS_SR (destination), 0);

  clear_cells (self);
  g_ptr_array_add (self->destinations, g_object_ref (destination));

  return self->destinations->len - 1;
}

guint
ferry_feasibility_get_n_vms (FerryFeasibility *self)
{
  g_return_val_if_fail (FERRY_IS_FEASIBILITY (self), 0);

  return self->vms->len;
}

guint
ferry_feasibility_get_n_destinations (FerryFeasibility *self)
{
  g_return_val_if_fail (FERRY_IS_FEASIBILITY (self), 0);

  return self->destinations->len;
}

/* Sets up and runs one cell. Returns FALSE when a pool (or another pool's
 * SR) has no host for the VM; @reason then says why. */
static gboolean
evaluate (FerryRuleEnv   *env,
          FerryVmFacts   *vm,
          FerryObject    *destination,
          gboolean        stop_at_blocker,
          FerryRuleCell  *cell,
          FerryCheck    **reason)
{
  FerryCache *cache = ferry_object_get_cache (destination);
  FerryHost *request_host = ferry_move_request_get_destination_host (env->request);

  *reason = NULL;

  if (FERRY_IS_HOST (destination))
    _ferry_rule_cell_init (cell, env, vm, cache, _ferry_rule_env_host (env, FERRY_HOST (destination)), NULL);
  else if (FERRY_IS_POOL (destination))
    return _ferry_rules_choose_host (env, vm, cache, NULL, stop_at_blocker, cell, reason);
  else if (request_host != NULL && ferry_object_get_cache (FERRY_OBJECT (request_host)) == cache)
    /* An SR with the host the request already names. */
    _ferry_rule_cell_init (cell, env, vm, cache, _ferry_rule_env_host (env, request_host), FERRY_SR (destination));
  else if (cache == vm->pool->cache)
    /* An SR of the VM's own pool: the VM stays on its host. */
    _ferry_rule_cell_init (cell, env, vm, NULL, NULL, FERRY_SR (destination));
  else
    return _ferry_rules_choose_host (env, vm, cache, FERRY_SR (destination), stop_at_blocker, cell, reason);

  cell->stop_at_blocker = stop_at_blocker;
  cell->want_notes = !stop_at_blocker;
  _ferry_rules_evaluate (cell);

  return TRUE;
}

void
ferry_feasibility_run_local (FerryFeasibility *self)
{
  g_autoptr(FerryRuleEnv) env = NULL;

  g_return_if_fail (FERRY_IS_FEASIBILITY (self));

  clear_cells (self);
  g_array_set_size (self->cells, self->vms->len * self->destinations->len);
  env = _ferry_rule_env_new (self->request, self->queued, self->settings);

  for (guint v = 0; v < self->vms->len; v++)
    {
      FerryVmFacts *vm = _ferry_rule_env_vm (env, g_ptr_array_index (self->vms, v));

      for (guint d = 0; d < self->destinations->len; d++)
        {
          Cell *out = &g_array_index (self->cells, Cell, v * self->destinations->len + d);
          g_autoptr(FerryCheck) reason = NULL;
          FerryRuleCell cell;

          if (!evaluate (env, vm, g_ptr_array_index (self->destinations, d), TRUE, &cell, &reason))
            {
              out->verdict = FERRY_CHECK_SEVERITY_BLOCKER;
              out->reason = g_steal_pointer (&reason);
              out->op = FERRY_OPERATION_AUTO;
              continue;
            }

          out->verdict = cell.worst;
          out->op = cell.op;
          out->host = cell.dst ? cell.dst->host : NULL;
          out->reason = _ferry_rules_cell_reason (&cell);
          if (out->reason != NULL)
            g_object_ref (out->reason);
          _ferry_rule_cell_clear (&cell);
        }
    }
}

static Cell *
get_cell (FerryFeasibility *self,
          guint             vm,
          guint             destination)
{
  if (vm >= self->vms->len || destination >= self->destinations->len)
    return NULL;
  if (self->cells->len == 0)
    ferry_feasibility_run_local (self);

  return &g_array_index (self->cells, Cell, vm * self->destinations->len + destination);
}

FerryCheckSeverity
ferry_feasibility_get_verdict (FerryFeasibility *self,
                               guint             vm,
                               guint             destination)
{
  Cell *cell;

  g_return_val_if_fail (FERRY_IS_FEASIBILITY (self), FERRY_CHECK_SEVERITY_NONE);

  cell = get_cell (self, vm, destination);
  g_return_val_if_fail (cell != NULL, FERRY_CHECK_SEVERITY_NONE);

  return cell->verdict;
}

FerryCheck *
ferry_feasibility_get_reason (FerryFeasibility *self,
                              guint             vm,
                              guint             destination)
{
  Cell *cell;

  g_return_val_if_fail (FERRY_IS_FEASIBILITY (self), NULL);

  cell = get_cell (self, vm, destination);
  g_return_val_if_fail (cell != NULL, NULL);

  return cell->reason;
}

FerryOperation
ferry_feasibility_get_operation (FerryFeasibility *self,
                                 guint             vm,
                                 guint             destination)
{
  Cell *cell;

  g_return_val_if_fail (FERRY_IS_FEASIBILITY (self), FERRY_OPERATION_AUTO);

  cell = get_cell (self, vm, destination);
  g_return_val_if_fail (cell != NULL, FERRY_OPERATION_AUTO);

  return cell->op;
}

FerryHost *
ferry_feasibility_get_host (FerryFeasibility *self,
                            guint             vm,
                            guint             destination)
{
  Cell *cell;

  g_return_val_if_fail (FERRY_IS_FEASIBILITY (self), NULL);

  cell = get_cell (self, vm, destination);
  g_return_val_if_fail (cell != NULL, NULL);

  return cell->host;
}

GPtrArray *
ferry_feasibility_dup_findings (FerryFeasibility *self,
                                guint             vm,
                                guint             destination)
{
  g_autoptr(FerryRuleEnv) env = NULL;
  g_autoptr(FerryCheck) reason = NULL;
  GPtrArray *findings;
  FerryRuleCell cell;

  g_return_val_if_fail (FERRY_IS_FEASIBILITY (self), NULL);
  g_return_val_if_fail (vm < self->vms->len && destination < self->destinations->len, NULL);

  findings = g_ptr_array_new_with_free_func (g_object_unref);
  env = _ferry_rule_env_new (self->request, self->queued, self->settings);
  if (!evaluate (env, _ferry_rule_env_vm (env, g_ptr_array_index (self->vms, vm)),
                 g_ptr_array_index (self->destinations, destination), FALSE, &cell, &reason))
    {
      g_ptr_array_add (findings, g_steal_pointer (&reason));
      return findings;
    }

  for (guint i = 0; cell.findings != NULL && i < cell.findings->len; i++)
    g_ptr_array_add (findings, g_object_ref (g_ptr_array_index (cell.findings, i)));
  _ferry_rule_cell_clear (&cell);

  return findings;
}

FerryMoveRequest *
ferry_feasibility_get_request (FerryFeasibility *self)
{
  g_return_val_if_fail (FERRY_IS_FEASIBILITY (self), NULL);

  return self->request;
}

FerryVm *
ferry_feasibility_get_vm (FerryFeasibility *self,
                          guint             vm)
{
  g_return_val_if_fail (FERRY_IS_FEASIBILITY (self), NULL);
  g_return_val_if_fail (vm < self->vms->len, NULL);

  return g_ptr_array_index (self->vms, vm);
}

gpointer
ferry_feasibility_get_destination (FerryFeasibility *self,
                                   guint             destination)
{
  g_return_val_if_fail (FERRY_IS_FEASIBILITY (self), NULL);
  g_return_val_if_fail (destination < self->destinations->len, NULL);

  return g_ptr_array_index (self->destinations, destination);
}

void
ferry_feasibility_set_server_result (FerryFeasibility *self,
                                     guint             vm,
                                     guint             destination,
                                     FerryCheck       *check)
{
  Cell *cell;

  g_return_if_fail (FERRY_IS_FEASIBILITY (self));
  g_return_if_fail (check == NULL || FERRY_IS_CHECK (check));

  cell = get_cell (self, vm, destination);
  g_return_if_fail (cell != NULL);

  /* xapi checks no SR space and gives no advice: acceptance keeps the
   * local verdict; a refusal wins over anything milder. */
  if (check == NULL || ferry_check_get_severity (check) < cell->verdict)
    return;

  g_set_object (&cell->reason, check);
  cell->verdict = ferry_check_get_severity (check);
}
