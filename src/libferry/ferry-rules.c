/* ferry-rules.c: the ordered table of rules, and running it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rules"

#include "config.h"

#include "ferry-rules-private.h"

/* VM rules first, in xapi's lifecycle order (xapi.md §4.1), then the
 * rules that depend on the destination: the host itself, versions, CPU,
 * storage, networks, memory (§4.2, §4.3), then space and advice. A rule
 * without a function is reported from elsewhere (see its comment). */
static const FerryRule rules[] = {
  /* VM rules */
  { "X-OPERATION-BLOCKED", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_blocked_operation,
    N_("operation blocked by an administrator") },
  { "R29", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_paused,
    N_("VM paused, maybe by a failed migration") },
  { "X-VM-BAD-POWER-STATE", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_power_state,
    N_("wrong power state for the operation") },
  { "X-OTHER-OPERATION-IN-PROGRESS", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_other_operation,
    N_("another operation in progress") },
  { "X-VM-IS-TEMPLATE", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_template,
    N_("a template") },
  { "X-VM-IS-SNAPSHOT", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_snapshot,
    N_("a snapshot") },
  { "R24", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_nomigrate,
    N_("no-migrate setting") },
  { "X-VM-IS-IMMOBILE", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_nested_virt,
    N_("nested virtualisation") },
  { "X-CONTROL-DOMAIN", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_control_domain,
    N_("a control domain") },
  { "X-VM-NON-SUSPENDABLE", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_non_suspendable,
    N_("the guest cannot be suspended") },
  { "R13", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_windows_tools,
    N_("Windows without VM tools") },
  { "X-VM-LACKS-FEATURE", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_lacks_feature,
    N_("no guest agent for live migration") },
  { "R25", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_on_boot_reset,
    N_("disk resets on boot") },
  { "R22", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_pci,
    N_("PCI passthrough") },
  { "R5", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_gvt_g,
    N_("Intel GVT-g virtual GPU") },
  { "X-VM-HAS-VGPU", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_vgpu_kind,
    N_("virtual GPU that cannot migrate") },
  { "R23", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_vusb,
    N_("USB device passed through") },
  { "R6", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_cvad_pool,
    N_("Citrix Virtual Desktops pool") },
  { "R21", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_mcs,
    N_("created by Machine Creation Services") },
  { "R7", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_cbt,
    N_("changed block tracking on") },
  { "R18", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_source_memory,
    N_("no source host can hold the VM") },
  { "X-HOST-EVACUATE-VM-NOT-HA-PROTECTED", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_evacuate_ha,
    N_("not protected by HA") },
  { "X-OPERATION-NOT-ALLOWED", FERRY_RULE_SCOPE_VM, 0, _ferry_rule_allowed_operations,
    N_("not allowed by the server now") },
  { "R14", FERRY_RULE_SCOPE_VM, 0, NULL,     /* about the whole request: ferry_rules_check() */
    N_("at most three storage migrations at once") },
  { "R27", FERRY_RULE_SCOPE_VM, FERRY_RULE_FLAG_REVIEW_ONLY, _ferry_rule_performance_note,
    N_("slower while it moves") },

  /* Cell rules */
  { "R4", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_same_pool_only,
    N_("live migration only inside a pool") },
  { "X-CURRENT-HOST", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_current_host,
    N_("already there") },
  { "X-LICENCE-RESTRICTION", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_licence,
    N_("not licensed") },
  { "X-HOST-NOT-LIVE", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_host_not_live,
    N_("host not reachable") },
  { "X-HOST-DISABLED", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_host_disabled,
    N_("host disabled") },
  { "R12", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_version,
    N_("older destination version") },
  { "R11", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_port_80,
    N_("port 80 closed, hotfix XS82ECU1033 missing") },
  { "X-VIRTUAL-HARDWARE-PLATFORM", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_hardware_platform,
    N_("virtual hardware platform not supported") },
  { "R16", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_cpu_vendor,
    N_("other CPU vendor") },
  { "R15", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_cpu_features,
    N_("CPU features missing") },
  { "X-VDI-NOT-IN-MAP", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_no_target_sr,
    N_("no SR chosen for a disk") },
  { "R8", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_gfs2,
    N_("disk on a GFS2 SR") },
  { "X-SR-DOES-NOT-SUPPORT-MIGRATION", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_sr_capabilities,
    N_("SR cannot migrate disks") },
  { "X-VDI-IS-ENCRYPTED", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_encrypted,
    N_("encrypted disk") },
  { "X-VM-REQUIRES-SR", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_requires_sr,
    N_("storage not visible") },
  { "X-VM-REQUIRES-NETWORK", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_requires_network,
    N_("network not available") },
  { "X-VM-REQUIRES-IOMMU", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_requires_iommu,
    N_("no IOMMU") },
  { "X-VM-REQUIRES-GPU", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_requires_gpu,
    N_("no suitable GPU") },
  { "X-VM-HVM-REQUIRED", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_hvm_required,
    N_("host cannot run HVM guests") },
  { "R17", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_memory,
    N_("not enough free memory") },
  { "R34", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_double_memory,
    N_("twice the memory needed for a disk move") },
  { "X-HOST-NOT-ENOUGH-PCPUS", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_pcpus,
    N_("too few physical CPUs") },
  { "X-HOST-BUSY", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_host_busy,
    N_("host busy with another operation") },
  { "R32", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_ipv6_kernel,
    N_("IPv6 guest with an old Linux kernel") },
  { "R33", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_vgpu_second_instance,
    N_("no room for a second vGPU") },
  { "R19", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_dest_sr_space,
    N_("destination SR too full") },
  { "R20", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_source_sr_space,
    N_("source SR too full for snapshots") },
  { "R35", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_disk_target_space,
    N_("target SR too full") },
  { "R26", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_ha_protected,
    N_("HA-protected VM") },
  { "X-VIF-NOT-IN-MAP", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_vif_map,
    N_("network mapping needed") },
  { "R30", FERRY_RULE_SCOPE_CELL, 0, _ferry_rule_migration_network,
    N_("management network used for migration") },
  { "R31", FERRY_RULE_SCOPE_CELL, FERRY_RULE_FLAG_REVIEW_ONLY, _ferry_rule_restart_notice,
    N_("restart after the move for new features") },
  { "X-CD-EJECT", FERRY_RULE_SCOPE_CELL, FERRY_RULE_FLAG_REVIEW_ONLY, _ferry_rule_cd_eject,
    N_("CD ejected") },

  /* Made outside the table: a pool where no host fits (_ferry_rules_choose_host),
   * and xapi errors without a rule (ferry_check_new_from_xapi_error). */
  { "X-NO-HOST", FERRY_RULE_SCOPE_CELL, 0, NULL,
    N_("no host of the pool fits") },
  { "X-XAPI-ERROR", FERRY_RULE_SCOPE_CELL, 0, NULL,
    N_("refused by the server") },
  { "X-ERROR", FERRY_RULE_SCOPE_CELL, 0, NULL,
    N_("failed") },
};

static const FerryRule *
find_rule (const char *rule_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    if (g_strcmp0 (rules[i].id, rule_id) == 0)
      return &rules[i];

  return NULL;
}

guint
ferry_rules_get_n_rules (void)
{
  return G_N_ELEMENTS (rules);
}

const char *
ferry_rules_get_rule_id (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (rules), NULL);

  return rules[index].id;
}

const char *
ferry_rules_get_rule_summary (const char *rule_id)
{
  const FerryRule *rule = find_rule (rule_id);

  return rule ? _(rule->summary) : NULL;
}

gboolean
ferry_rules_has_rule (const char *rule_id)
{
  return find_rule (rule_id) != NULL;
}

/* Running */

static void
run_scope (FerryRuleCell  *cell,
           FerryRuleScope  scope)
{
  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      const FerryRule *rule = &rules[i];

      if (rule->scope != scope || rule->func == NULL)
        continue;
      if ((rule->flags & FERRY_RULE_FLAG_REVIEW_ONLY) && !cell->want_notes)
        continue;
      if (cell->stop_at_blocker && cell->worst == FERRY_CHECK_SEVERITY_BLOCKER)
        return;
      rule->func (cell);
    }
}

/* The VM rules of a grid: once per VM and operation. */
static FerryRuleMemo *
get_memo (FerryRuleCell *cell)
{
  FerryRuleMemo *memos = g_hash_table_lookup (cell->env->memo, cell->vm);
  FerryRuleMemo *memo;

  if (memos == NULL)
    {
      memos = g_new0 (FerryRuleMemo, FERRY_RULES_N_OPS);
      g_hash_table_insert (cell->env->memo, cell->vm, memos);
    }
  memo = &memos[cell->op];

  if (!memo->done)
    {
      FerryRuleCell vm_cell = *cell;

      vm_cell.findings = NULL;
      vm_cell.targets = NULL;
      vm_cell.worst = FERRY_CHECK_SEVERITY_NONE;
      run_scope (&vm_cell, FERRY_RULE_SCOPE_VM);
      memo->done = TRUE;
      memo->worst = vm_cell.worst;
      memo->findings = g_steal_pointer (&vm_cell.findings);
    }

  return memo;
}

/* A grid runs the VM rules first (memoised), so they must come first. */
static void
assert_table_order (void)
{
  static gsize checked = 0;

  if (g_once_init_enter (&checked))
    {
      gboolean cell_seen = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
        {
          if (rules[i].scope == FERRY_RULE_SCOPE_CELL)
            cell_seen = TRUE;
          else
            g_assert (!cell_seen);
        }
      g_once_init_leave (&checked, 1);
    }
}

void
_ferry_rules_evaluate (FerryRuleCell *cell)
{
  assert_table_order ();

  if (cell->stop_at_blocker)
    {
      FerryRuleMemo *memo = get_memo (cell);

      for (guint i = 0; memo->findings != NULL && i < memo->findings->len; i++)
        _ferry_rule_cell_add (cell, g_ptr_array_index (memo->findings, i));
    }
  else
    run_scope (cell, FERRY_RULE_SCOPE_VM);

  run_scope (cell, FERRY_RULE_SCOPE_CELL);
}

FerryCheck *
_ferry_rules_cell_reason (FerryRuleCell *cell)
{
  FerryCheck *first[FERRY_CHECK_SEVERITY_BLOCKER + 1] = { NULL, };

  for (guint i = 0; cell->findings != NULL && i < cell->findings->len; i++)
    {
      FerryCheck *check = g_ptr_array_index (cell->findings, i);
      FerryCheckSeverity severity = ferry_check_get_severity (check);

      if (first[severity] == NULL)
        first[severity] = check;
    }

  for (int s = FERRY_CHECK_SEVERITY_BLOCKER; s > FERRY_CHECK_SEVERITY_NONE; s--)
    if (first[s] != NULL)
      return first[s];

  return NULL;
}

/* Which of two evaluated cells is the better place: the milder verdict,
 * then the most memory left (xapi places VMs where most is free). */
static gboolean
is_better (FerryRuleCell *candidate,
           FerryRuleCell *best)
{
  gint64 left_candidate, left_best;

  if (candidate->worst != best->worst)
    return candidate->worst < best->worst;

  left_candidate = candidate->dst->free_memory - candidate->dst->queued_memory
                   - _ferry_rule_env_get_placed (candidate->env, candidate->dst);
  left_best = best->dst->free_memory - best->dst->queued_memory
              - _ferry_rule_env_get_placed (best->env, best->dst);

  return left_candidate > left_best;
}

/* "prod-host-01: not enough free memory (R17)" */
static char *
describe_refusal (FerryHostFacts *host,
                  FerryCheck     *check)
{
  const char *rule_id = ferry_check_get_rule_id (check);
  const char *summary = ferry_rules_get_rule_summary (rule_id);

  /* Translators: a host name, why it cannot take a VM, the rule ID */
  return g_strdup_printf (_("%s: %s (%s)"), _ferry_name (host->host),
                          summary ? summary : ferry_check_get_message (check), rule_id);
}

static gboolean
same_messages (GPtrArray *checks)
{
  for (guint i = 1; i < checks->len; i++)
    if (g_strcmp0 (ferry_check_get_message (g_ptr_array_index (checks, i)),
                   ferry_check_get_message (g_ptr_array_index (checks, 0))) != 0)
      return FALSE;

  return TRUE;
}

gboolean
_ferry_rules_choose_host (FerryRuleEnv   *env,
                          FerryVmFacts   *vm,
                          FerryCache     *dst_cache,
                          FerrySr        *sr_override,
                          gboolean        stop_at_blocker,
                          FerryRuleCell  *best,
                          FerryCheck    **reason)
{
  GListModel *hosts = ferry_cache_get_objects (dst_cache, FERRY_TYPE_HOST);
  g_autoptr(GPtrArray) refusals = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) refused_hosts = g_ptr_array_new ();
  gboolean have_best = FALSE;
  gboolean same_rule = TRUE;

  memset (best, 0, sizeof *best);
  *reason = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (hosts); i++)
    {
      g_autoptr(FerryHost) host = g_list_model_get_item (hosts, i);
      FerryHostFacts *facts = _ferry_rule_env_host (env, host);
      FerryRuleCell cell;

      /* Staying in its pool, a running VM's own host is no candidate (a
       * stopped VM may keep its home server and move its disks). */
      if (facts == vm->host && ferry_object_get_cache (FERRY_OBJECT (vm->vm)) == dst_cache &&
          (vm->power == FERRY_VM_POWER_STATE_RUNNING || vm->power == FERRY_VM_POWER_STATE_PAUSED))
        continue;

      _ferry_rule_cell_init (&cell, env, vm, dst_cache, facts, sr_override);
      cell.stop_at_blocker = stop_at_blocker;
      cell.want_notes = !stop_at_blocker;
      _ferry_rules_evaluate (&cell);

      if (cell.worst == FERRY_CHECK_SEVERITY_BLOCKER)
        {
          FerryCheck *first = _ferry_rules_cell_reason (&cell);

          if (refusals->len > 0 &&
              g_strcmp0 (ferry_check_get_rule_id (first),
                         ferry_check_get_rule_id (g_ptr_array_index (refusals, 0))) != 0)
            same_rule = FALSE;
          g_ptr_array_add (refusals, g_object_ref (first));
          g_ptr_array_add (refused_hosts, facts);
        }

      if (!have_best || is_better (&cell, best))
        {
          if (have_best)
            _ferry_rule_cell_clear (best);
          *best = cell;
          have_best = TRUE;
        }
      else
        _ferry_rule_cell_clear (&cell);
    }

  if (have_best && best->worst < FERRY_CHECK_SEVERITY_BLOCKER)
    return TRUE;

  if (have_best)
    _ferry_rule_cell_clear (best);
  memset (best, 0, sizeof *best);

  if (refusals->len == 0)
    {
      FerryPoolFacts *pool = _ferry_rule_env_pool (env, dst_cache);

      *reason = ferry_check_new_take ("X-NO-HOST", FERRY_CHECK_SEVERITY_BLOCKER,
                                      g_strdup_printf (_("“%s” has no other host for “%s”"),
                                                       pool->name, _ferry_name (vm->vm)),
                                      g_strdup (_("Choose a host in another pool.")));
      _ferry_check_add_objects (*reason, vm->vm, pool->pool, NULL);
    }
  else if (refusals->len == 1 || (same_rule && same_messages (refusals)))
    {
      /* One reason for every host (a VM rule's): say it once. */
      *reason = g_object_ref (g_ptr_array_index (refusals, 0));
    }
  else if (same_rule)
    {
      /* The same rule, host by host: name the rule and the hosts. */
      FerryPoolFacts *pool = _ferry_rule_env_pool (env, dst_cache);
      FerryCheck *first = g_ptr_array_index (refusals, 0);
      const char *rule_id = ferry_check_get_rule_id (first);
      const char *summary = ferry_rules_get_rule_summary (rule_id);
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < refused_hosts->len; i++)
        {
          FerryHostFacts *host = g_ptr_array_index (refused_hosts, i);

          if (i > 0)
            g_string_append (names, ", ");
          g_string_append (names, _ferry_name (host->host));
        }

      /* Translators: pool, VM, why (a short phrase), the rule ID, host names */
      *reason = ferry_check_new_take (rule_id, FERRY_CHECK_SEVERITY_BLOCKER,
                                      g_strdup_printf (_("No host of “%s” can take “%s”: %s (%s) on %s"),
                                                       pool->name, _ferry_name (vm->vm),
                                                       summary ? summary : "", rule_id, names->str),
                                      g_strdup (ferry_check_get_remedy (first)));
      _ferry_check_add_objects (*reason, vm->vm, pool->pool, NULL);
      for (guint i = 0; i < refused_hosts->len; i++)
        ferry_check_add_object (*reason, ((FerryHostFacts *) g_ptr_array_index (refused_hosts, i))->host);
    }
  else
    {
      FerryPoolFacts *pool = _ferry_rule_env_pool (env, dst_cache);
      g_autoptr(GString) details = g_string_new (NULL);

      for (guint i = 0; i < refusals->len; i++)
        {
          g_autofree char *line = describe_refusal (g_ptr_array_index (refused_hosts, i),
                                                    g_ptr_array_index (refusals, i));

          if (i > 0)
            g_string_append (details, "; ");
          g_string_append (details, line);
        }

      *reason = ferry_check_new_take ("X-NO-HOST", FERRY_CHECK_SEVERITY_BLOCKER,
                                      g_strdup_printf (_("No host of “%s” can take “%s”: %s"),
                                                       pool->name, _ferry_name (vm->vm), details->str),
                                      g_strdup (_("Fix one host's problem (see each host for the remedy), "
                                                  "or choose another destination.")));
      _ferry_check_add_objects (*reason, vm->vm, pool->pool, NULL);
    }

  return FALSE;
}

/* ferry-move-request.c's resolvers */
FerryOperation
_ferry_rules_resolve (FerryMoveRequest  *request,
                      FerryVm           *vm,
                      FerryVdi          *vdi,
                      FerrySr          **sr)
{
  g_autoptr(FerryRuleEnv) env = _ferry_rule_env_new (request, NULL, NULL);
  FerryVmFacts *facts = _ferry_rule_env_vm (env, vm);
  FerryHostFacts *dst = _ferry_rule_env_host (env, ferry_move_request_get_destination_host (request));
  FerryRuleCell cell;
  FerryOperation op;

  if (ferry_move_request_get_operation (request) == FERRY_OPERATION_EVACUATE)
    dst = NULL;
  _ferry_rule_cell_init (&cell, env, facts, ferry_move_request_get_destination_cache (request), dst, NULL);
  op = cell.op;

  if (sr != NULL)
    {
      *sr = NULL;
      for (guint d = 0; d < facts->disks->len; d++)
        if (g_array_index (facts->disks, FerryDiskFacts, d).vdi == vdi)
          *sr = _ferry_rule_cell_target (&cell, d);
    }

  _ferry_rule_cell_clear (&cell);

  return op;
}

/* The whole request */

static gboolean
same_finding (FerryCheck *a,
              FerryCheck *b)
{
  return a == b ||
         (g_strcmp0 (ferry_check_get_rule_id (a), ferry_check_get_rule_id (b)) == 0 &&
          g_strcmp0 (ferry_check_get_message (a), ferry_check_get_message (b)) == 0);
}

static void
append_findings (GPtrArray *results,
                 GPtrArray *findings)
{
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      FerryCheck *check = g_ptr_array_index (findings, i);
      gboolean seen = FALSE;

      /* The same advice for every VM (R30, R11…) is said once. */
      for (guint j = 0; j < results->len && !seen; j++)
        seen = same_finding (g_ptr_array_index (results, j), check);
      if (!seen)
        g_ptr_array_add (results, g_object_ref (check));
    }
}

/* R14: xapi runs at most three storage migrations per source host and
 * Xen Orchestra three per pool; Ferry queues the rest (spec R14). */
static void
add_concurrency_note (FerryRuleEnv *env,
                      GPtrArray    *results,
                      guint         n_storage)
{
  FerryCheck *check;

  if (n_storage <= 3)
    return;

  check = ferry_check_new_take ("R14", FERRY_CHECK_SEVERITY_NOTE,
                                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                              "%u VM moves with storage migration; at most three run at once, the others wait",
                                                              "%u VMs move with storage migration; at most three run at once, the others wait",
                                                              n_storage),
                                                 n_storage),
                                g_strdup (_("Nothing to do: Ferry queues them and starts each when one finishes.")));
  g_ptr_array_add (results, check);
}

GPtrArray *
ferry_rules_check (FerryMoveRequest  *request,
                   GPtrArray         *queued,
                   FerryRuleSettings *settings)
{
  g_autoptr(FerryRuleEnv) env = NULL;
  GPtrArray *results;
  FerryCache *dst_cache;
  FerryHostFacts *dst;
  gboolean choose;
  guint n_storage = 0;

  g_return_val_if_fail (FERRY_IS_MOVE_REQUEST (request), NULL);
  g_return_val_if_fail (settings == NULL || FERRY_IS_RULE_SETTINGS (settings), NULL);

  results = g_ptr_array_new_with_free_func (g_object_unref);
  env = _ferry_rule_env_new (request, queued, settings);
  _ferry_rule_env_add_request_totals (env, request);
  env->whole_request = TRUE;

  dst_cache = ferry_move_request_get_destination_cache (request);
  dst = _ferry_rule_env_host (env, ferry_move_request_get_destination_host (request));
  /* The pool chooses the host: evacuation, or a pool without a host. */
  choose = ferry_move_request_get_operation (request) == FERRY_OPERATION_EVACUATE ||
           (dst == NULL && dst_cache != NULL &&
            (ferry_move_request_is_cross_pool (request) ||
             ferry_move_request_get_operation (request) != FERRY_OPERATION_MOVE_DISK));
  if (ferry_move_request_get_operation (request) == FERRY_OPERATION_EVACUATE)
    dst = NULL;

  for (guint i = 0; i < ferry_move_request_get_n_vms (request); i++)
    {
      FerryVmFacts *vm = _ferry_rule_env_vm (env, ferry_move_request_get_vm (request, i));
      FerryRuleCell cell;

      if (choose)
        {
          g_autoptr(FerryCheck) reason = NULL;

          if (!_ferry_rules_choose_host (env, vm, dst_cache, NULL, FALSE, &cell, &reason))
            {
              g_ptr_array_add (results, g_steal_pointer (&reason));
              continue;
            }
        }
      else
        {
          _ferry_rule_cell_init (&cell, env, vm, dst_cache, dst, NULL);
          _ferry_rules_evaluate (&cell);
        }

      if (cell.op == FERRY_OPERATION_STORAGE_MIGRATE || cell.op == FERRY_OPERATION_MOVE_DISK)
        n_storage++;
      /* Later VMs see the memory this one takes. */
      if (cell.worst < FERRY_CHECK_SEVERITY_BLOCKER && cell.dst != NULL && !cell.same_host)
        _ferry_rule_env_place (env, cell.dst, vm->required_memory);

      append_findings (results, cell.findings);
      _ferry_rule_cell_clear (&cell);
    }

  add_concurrency_note (env, results, n_storage);

  return results;
}

/* Versions and CPU flags, public forms */

int
ferry_rules_compare_versions (const char *a,
                              const char *b)
{
  FerryVersion va, vb;

  _ferry_version_parse (a, &va);
  _ferry_version_parse (b, &vb);

  return _ferry_version_compare (&va, &vb);
}

gboolean
ferry_rules_host_version_ok (FerryHost   *destination,
                             FerryHost   *source,
                             const char **key)
{
  static const char * const keys[] = { "platform_version", "xapi_build", "xen" };

  g_return_val_if_fail (FERRY_IS_HOST (destination), FALSE);
  g_return_val_if_fail (FERRY_IS_HOST (source), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (ferry_rules_compare_versions (ferry_host_lookup_software_version (destination, keys[i]),
                                      ferry_host_lookup_software_version (source, keys[i])) < 0)
      {
        if (key != NULL)
          *key = keys[i];
        return FALSE;
      }

  if (key != NULL)
    *key = NULL;

  return TRUE;
}

gboolean
ferry_rules_cpu_features_subset (const char *vm,
                                 const char *host)
{
  guint32 vm_words[FERRY_RULES_CPU_WORDS];
  guint32 host_words[FERRY_RULES_CPU_WORDS];
  guint n_vm = _ferry_cpu_features_parse (vm, vm_words, G_N_ELEMENTS (vm_words));
  guint n_host = _ferry_cpu_features_parse (host, host_words, G_N_ELEMENTS (host_words));

  for (guint i = 0; i < n_vm; i++)
    {
      guint32 have = i < n_host ? host_words[i] : 0;

      if ((vm_words[i] & have) != vm_words[i])
        return FALSE;
    }

  return TRUE;
}
