/* ferry-rules-cpu.c: CPUs (R15, R16, xapi §4.3/§4.6)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rules-cpu"

#include "config.h"

#include "ferry-rules-private.h"

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* "1fcbfbff-f7fa3223-…": dash-separated 32-bit words in hex (xapi.md §4.6).
 * Returns the number of words; a malformed word counts as 0. */
guint
_ferry_cpu_features_parse (const char *text,
                           guint32    *words,
                           guint       max_words)
{
  guint n = 0;

  if (text == NULL || *text == '\0')
    return 0;

  while (n < max_words)
    {
      guint32 word = 0;
      gboolean valid = TRUE;
      int digits = 0;

      for (; *text != '\0' && *text != '-'; text++, digits++)
        {
          int d = hex_digit (*text);

          if (d < 0 || digits >= 8)
            valid = FALSE;
          else
            word = (word << 4) | (guint32) d;
        }
      words[n++] = valid ? word : 0;
      if (*text == '\0')
        break;
      text++;
    }

  return n;
}

guint32 *
_ferry_cpu_features_dup (const char *text,
                         guint      *n_words)
{
  guint32 words[FERRY_RULES_CPU_WORDS];

  *n_words = _ferry_cpu_features_parse (text, words, G_N_ELEMENTS (words));

  return g_memdup2 (words, MAX (*n_words, 1) * sizeof (guint32));
}

static guint
count_missing_bits (const guint32 *vm,
                    guint          n_vm,
                    const guint32 *host,
                    guint          n_host)
{
  guint missing = 0;

  for (guint i = 0; i < n_vm; i++)
    {
      guint32 have = i < n_host ? host[i] : 0;

      missing += (guint) __builtin_popcount (vm[i] & ~have);
    }

  return missing;
}

static const char *
vendor_name (const char *vendor)
{
  if (g_strcmp0 (vendor, "GenuineIntel") == 0)
    return "Intel";
  if (g_strcmp0 (vendor, "AuthenticAMD") == 0)
    return "AMD";

  return vendor;
}

/* The CPU check runs for VMs that are not halted, to another host. */
static gboolean
needs_cpu_check (FerryRuleCell *cell)
{
  return cell->dst != NULL && !cell->same_host &&
         cell->vm->power != FERRY_VM_POWER_STATE_HALTED &&
         cell->op != FERRY_OPERATION_MOVE_HALTED;
}

/* R16: no live migration between AMD and Intel. */
void
_ferry_rule_cpu_vendor (FerryRuleCell *cell)
{
  const char *vm_vendor = cell->vm->cpu_vendor;
  const char *host_vendor;

  if (!needs_cpu_check (cell) || vm_vendor == NULL)
    return;

  host_vendor = cell->dst->cpu_vendor;
  if (host_vendor == NULL || g_str_equal (vm_vendor, host_vendor))
    return;

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "R16", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("“%s” last booted on an %s CPU and host “%s” has an %s CPU: "
                                              "no live migration between AMD and Intel"),
                                            _ferry_name (cell->vm->vm), vendor_name (vm_vendor),
                                            _ferry_name (cell->dst->host), vendor_name (host_vendor)),
                           g_strdup_printf (_("Choose a host with an %s CPU, or shut the VM down, move it "
                                              "and start it there."),
                                            vendor_name (vm_vendor))),
    cell->dst->host, NULL);
}

/* R15: the VM's features (from its last boot) must be a subset of the
 * host's; inside a pool the pool levels them, across pools the user must
 * pick a destination that fits. */
void
_ferry_rule_cpu_features (FerryRuleCell *cell)
{
  const char *features = cell->vm->cpu_features;
  const char *host_features;
  guint missing;

  if (!needs_cpu_check (cell) || features == NULL || *features == '\0')
    return;
  /* A vendor mismatch is R16's. */
  if (cell->vm->cpu_vendor != NULL && cell->dst->cpu_vendor != NULL &&
      !g_str_equal (cell->vm->cpu_vendor, cell->dst->cpu_vendor))
    return;

  host_features = cell->vm->pv ? cell->dst->features_pv : cell->dst->features_hvm;
  if (host_features == NULL || *host_features == '\0')
    {
      if (_ferry_rule_cell_wants (cell, FERRY_CHECK_SEVERITY_NOTE))
        _ferry_check_add_objects (
          _ferry_rule_cell_emit (cell, "R15", FERRY_CHECK_SEVERITY_NOTE,
                                 g_strdup_printf (_("Host “%s” does not report CPU feature sets: the CPU "
                                                    "features of “%s” cannot be compared"),
                                                  _ferry_name (cell->dst->host), _ferry_name (cell->vm->vm)),
                                 g_strdup (_("The server checks them itself when the move starts."))),
          cell->dst->host, NULL);
      return;
    }

  /* Parsed once per VM and host: a grid compares them many times. */
  if (cell->vm->cpu_words == NULL)
    cell->vm->cpu_words = _ferry_cpu_features_dup (features, &cell->vm->n_cpu_words);
  if (cell->vm->pv && cell->dst->words_pv == NULL)
    cell->dst->words_pv = _ferry_cpu_features_dup (host_features, &cell->dst->n_words_pv);
  else if (!cell->vm->pv && cell->dst->words_hvm == NULL)
    cell->dst->words_hvm = _ferry_cpu_features_dup (host_features, &cell->dst->n_words_hvm);

  missing = count_missing_bits (cell->vm->cpu_words, cell->vm->n_cpu_words,
                                cell->vm->pv ? cell->dst->words_pv : cell->dst->words_hvm,
                                cell->vm->pv ? cell->dst->n_words_pv : cell->dst->n_words_hvm);
  if (missing == 0)
    return;

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "R15", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                         "Host “%s” lacks CPU features that “%s” uses (%u "
                                                         "feature flag): it last booted on a newer CPU",
                                                         "Host “%s” lacks CPU features that “%s” uses (%u "
                                                         "feature flags): it last booted on a newer CPU",
                                                         missing),
                                            _ferry_name (cell->dst->host), _ferry_name (cell->vm->vm), missing),
                           cell->cross_pool
                             ? g_strdup_printf (_("Choose a host with the same or a newer CPU, or shut the VM "
                                                  "down and start it in “%s” so that it uses that pool's "
                                                  "features."),
                                                cell->dst_pool->name)
                             : g_strdup (_("Choose a host with the same or a newer CPU, or shut the VM down "
                                           "and start it again so that it uses the pool's common features."))),
    cell->dst->host, NULL);
}

/* HOST_NOT_ENOUGH_PCPUS */
void
_ferry_rule_pcpus (FerryRuleCell *cell)
{
  gint64 vcpus = ferry_vm_get_vcpus_max (cell->vm->vm);
  const char *unrestricted;

  if (cell->dst == NULL || cell->same_host || cell->dst->pcpus <= 0 || vcpus <= cell->dst->pcpus)
    return;
  unrestricted = ferry_vm_lookup_platform (cell->vm->vm, "vcpu-unrestricted");
  if (unrestricted != NULL &&
      (g_ascii_strcasecmp (unrestricted, "true") == 0 || g_str_equal (unrestricted, "1")))
    return;

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "X-HOST-NOT-ENOUGH-PCPUS", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("“%s” has %d virtual CPUs, more than the %d physical CPUs of "
                                              "host “%s”"),
                                            _ferry_name (cell->vm->vm), (int) MIN (vcpus, G_MAXINT),
                                            (int) MIN (cell->dst->pcpus, G_MAXINT),
                                            _ferry_name (cell->dst->host)),
                           g_strdup (_("Choose a bigger host, or give the VM fewer virtual CPUs."))),
    cell->dst->host, NULL);
}

/* VM_HVM_REQUIRED */
void
_ferry_rule_hvm_required (FerryRuleCell *cell)
{
  if (cell->dst == NULL || cell->same_host || cell->vm->pv || cell->dst->hvm)
    return;

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "X-VM-HVM-REQUIRED", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("Host “%s” cannot run hardware-virtualised guests such as “%s”"),
                                            _ferry_name (cell->dst->host), _ferry_name (cell->vm->vm)),
                           g_strdup (_("Turn on virtualisation (VT-x, AMD-V) in the host's firmware, or "
                                       "choose another host."))),
    cell->dst->host, NULL);
}
