/* ferry-rules-versions.c: product versions (R11, R12, R31, xapi §4.2/§4.5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rules-versions"

#include "config.h"

#include <string.h>

#include "ferry-rules-private.h"

static const char * const version_keys[FERRY_N_VERSION_KEYS] = {
  "platform_version", "xapi_build", "xen"
};

/* Appends the numeric '.'-separated parts of text[0..len) ("1.xs8" → 1). */
static void
add_parts (const char   *text,
           gsize         len,
           FerryVersion *version)
{
  const char *end = text + len;

  while (text < end)
    {
      const char *dot = memchr (text, '.', end - text);
      const char *stop = dot ? dot : end;
      guint64 value = 0;
      gboolean numeric = stop > text;

      for (const char *p = text; p < stop && numeric; p++)
        {
          if (!g_ascii_isdigit (*p))
            numeric = FALSE;
          else if (value < G_MAXUINT64 / 10)
            value = value * 10 + (guint64) (*p - '0');
        }
      if (numeric && version->n < FERRY_RULES_MAX_VERSION_PARTS)
        version->parts[version->n++] = value;

      text = stop + 1;
    }
}

/* xapi.md §4.5: split at the first '-', both halves on '.', drop the parts
 * that are not numbers ("24.19.2-1.xs8" → 24 19 2 1). Missing: "0.0.0". */
void
_ferry_version_parse (const char   *text,
                      FerryVersion *version)
{
  const char *dash;

  memset (version, 0, sizeof *version);
  if (text == NULL)
    text = "0.0.0";

  dash = strchr (text, '-');
  if (dash == NULL)
    add_parts (text, strlen (text), version);
  else
    {
      add_parts (text, dash - text, version);
      add_parts (dash + 1, strlen (dash + 1), version);
    }
}

/* Lexicographic; on a tie the longer list wins ([25;27] < [25;27;1]). */
int
_ferry_version_compare (const FerryVersion *a,
                        const FerryVersion *b)
{
  guint n = MIN (a->n, b->n);

  for (guint i = 0; i < n; i++)
    if (a->parts[i] != b->parts[i])
      return a->parts[i] < b->parts[i] ? -1 : 1;

  return a->n < b->n ? -1 : a->n > b->n ? 1 : 0;
}

static int
first_older_key (FerryHostFacts *destination,
                 FerryHostFacts *source)
{
  for (int key = 0; key < FERRY_N_VERSION_KEYS; key++)
    if (_ferry_version_compare (&destination->versions[key], &source->versions[key]) < 0)
      return key;

  return -1;
}

/* R12: the destination runs the same or a newer version than the source,
 * on platform_version, xapi_build and xen alike (xapi.md §4.5). xapi
 * enforces it across pools and, inside a pool, during a rolling upgrade
 * and for storage migration; the spec asks it everywhere. */
void
_ferry_rule_version (FerryRuleCell *cell)
{
  g_autofree char *dst_product = NULL;
  g_autofree char *src_product = NULL;
  const char *key_name;
  FerryHost *dst, *src;
  int key;

  if (cell->dst == NULL || cell->src == NULL || cell->same_host)
    return;

  key = first_older_key (cell->dst, cell->src);
  if (key < 0)
    return;

  dst = cell->dst->host;
  src = cell->src->host;
  key_name = version_keys[key];
  _ferry_host_product (dst, &dst_product);
  _ferry_host_product (src, &src_product);

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "R12", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strcmp0 (dst_product, src_product) != 0
                             /* Translators: host, its product and version, host, its product and version */
                             ? g_strdup_printf (_("The destination host “%s” runs %s, older than the source "
                                                  "host “%s” with %s"),
                                                _ferry_name (dst), dst_product, _ferry_name (src), src_product)
                             /* Translators: host, a version key (xen, xapi_build…), two versions, host */
                             : g_strdup_printf (_("The destination host “%s” has an older %s (%s) than the "
                                                  "source host “%s” (%s)"),
                                                _ferry_name (dst), key_name,
                                                ferry_host_lookup_software_version (dst, key_name),
                                                _ferry_name (src),
                                                ferry_host_lookup_software_version (src, key_name)),
                           g_strcmp0 (dst_product, src_product) != 0
                             ? g_strdup_printf (_("Choose a host with the same or a newer version, or upgrade "
                                                  "“%s” to %s or later."),
                                                _ferry_name (dst), src_product)
                             : g_strdup_printf (_("Choose a host with the same or a newer version, or update "
                                                  "“%s” to the source host's updates (%s %s or later)."),
                                                _ferry_name (dst), key_name,
                                                ferry_host_lookup_software_version (src, key_name))),
    dst, src, NULL);
}

static gboolean
is_ch_82_cu1 (FerryHost *host)
{
  const char *brand = ferry_host_lookup_software_version (host, "product_brand");
  const char *version = ferry_host_lookup_software_version (host, "product_version");

  return brand != NULL && g_str_has_prefix (brand, "Citrix") && g_strcmp0 (version, "8.2.1") == 0;
}

/* R11: a Citrix Hypervisor 8.2 CU1 pool without hotfix XS82ECU1033 cannot
 * migrate to a host with TCP port 80 closed (https_only). Applied updates
 * are not in the cache, so the hotfix is missing unless the user says
 * otherwise (FERRY_POOL_FLAG_HAS_XS82ECU1033). */
void
_ferry_rule_port_80 (FerryRuleCell *cell)
{
  FerryHost *target;
  FerryHostFacts *facts;

  if (!cell->cross_pool || cell->src == NULL || cell->src_pool->has_xs82ecu1033 ||
      !is_ch_82_cu1 (cell->src->host))
    return;

  target = cell->dst ? cell->dst->host : cell->dst_pool->master;
  facts = target ? _ferry_rule_env_host (cell->env, target) : NULL;
  if (facts == NULL || !facts->https_only)
    return;

  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "R11", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("“%s” runs Citrix Hypervisor 8.2 CU1 without hotfix XS82ECU1033 "
                                              "(as far as Ferry knows), and host “%s” has TCP port 80 closed: "
                                              "such migrations fail"),
                                            cell->src_pool->name, _ferry_name (target)),
                           g_strdup_printf (_("Install hotfix XS82ECU1033 on “%s” and tell Ferry in the pool's "
                                              "settings, or open port 80 on “%s” for the migration "
                                              "(https-only off) and close it afterwards."),
                                            cell->src_pool->name, _ferry_name (target))),
    target, cell->src_pool->pool, NULL);
}

/* VM_HOST_INCOMPATIBLE_VIRTUAL_HARDWARE_PLATFORM_VERSION */
void
_ferry_rule_hardware_platform (FerryRuleCell *cell)
{
  const char * const *versions;
  gint64 wanted = ferry_vm_get_hardware_platform_version (cell->vm->vm);
  g_autofree char *wanted_text = NULL;
  g_autofree char *offered = NULL;

  if (cell->dst == NULL || cell->same_host || wanted <= 0)
    return;

  versions = ferry_host_get_virtual_hardware_platform_versions (cell->dst->host);
  if (versions == NULL || versions[0] == NULL)
    return;

  wanted_text = g_strdup_printf ("%" G_GINT64_FORMAT, wanted);
  if (g_strv_contains (versions, wanted_text))
    return;

  offered = g_strjoinv (", ", (char **) versions);
  _ferry_check_add_objects (
    _ferry_rule_cell_emit (cell, "X-VIRTUAL-HARDWARE-PLATFORM", FERRY_CHECK_SEVERITY_BLOCKER,
                           g_strdup_printf (_("“%s” needs virtual hardware platform version %s, which host "
                                              "“%s” does not offer (it has %s)"),
                                            _ferry_name (cell->vm->vm), wanted_text,
                                            _ferry_name (cell->dst->host), offered),
                           g_strdup (_("Choose a host with a newer version."))),
    cell->dst->host, NULL);
}

/* The first two numbers of product_version, as major * 1000 + minor. */
static int
product_level (FerryHost *host)
{
  FerryVersion version;

  _ferry_version_parse (ferry_host_lookup_software_version (host, "product_version"), &version);
  if (version.n < 2)
    return -1;

  return (int) (MIN (version.parts[0], 100000) * 1000 + MIN (version.parts[1], 999));
}

/* R31: after a move to a newer product (7.1 CU2 → 8.2 CU1 in the vendor's
 * words) a VM may need a shutdown and a start for the new features. */
void
_ferry_rule_restart_notice (FerryRuleCell *cell)
{
  FerryHost *target;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (!cell->cross_pool || cell->src == NULL || cell->vm->power == FERRY_VM_POWER_STATE_HALTED ||
      !_ferry_rule_cell_wants (cell, FERRY_CHECK_SEVERITY_NOTE))
    return;

  target = cell->dst ? cell->dst->host : cell->dst_pool->master;
  if (target == NULL || product_level (target) <= product_level (cell->src->host))
    return;

  _ferry_rule_cell_emit (cell, "R31", FERRY_CHECK_SEVERITY_NOTE,
                         g_strdup_printf (_("After the move from %s to %s, “%s” may need a shutdown and a start "
                                            "to use the new virtualisation features"),
                                          _ferry_host_product (cell->src->host, &from),
                                          _ferry_host_product (target, &to), _ferry_name (cell->vm->vm)),
                         g_strdup (_("Shut the VM down and start it again when convenient (a reboot from "
                                     "inside the guest is not enough).")));
}
