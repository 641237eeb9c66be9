/* ferry-rules-storage.c: disks and SRs (R7, R8, R19, R20, R25, R35, xapi §4.2/§4.3)
 *
 * Space (R19, R20, R35). xapi checks no free space before a storage
 * migration (xapi.md §5.4); the vendor's guidance is "up to 3 × the disk
 * on the destination SR, up to 2 × on the source SR for the temporary
 * snapshots". A disk's size is what it takes on that SR: its virtual size
 * on thick SRs (LVM), its used size on thin ones (file-based VHD). The
 * sums cover every disk of the move that lands on (or leaves) the same SR
 * and every queued move's. Less room than one copy of the disks is a
 * blocker: the move cannot finish. Less than the factor is a warning: it
 * may not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-rules-storage"

#include "config.h"

#include "ferry-rules-private.h"

static FerryDiskFacts *
disk_at (FerryRuleCell *cell,
         guint          index)
{
  return &g_array_index (cell->vm->disks, FerryDiskFacts, index);
}

static const char *
disk_name (FerryDiskFacts *disk)
{
  if (disk->is_suspend_image)
    return _("suspend image");

  return _ferry_name (disk->vdi);
}

static gboolean
on_boot_reset (FerryVdi *vdi)
{
  return g_strcmp0 (ferry_vdi_get_on_boot (vdi), "reset") == 0 ||
         g_strcmp0 (ferry_vdi_lookup_sm_config (vdi, "on_boot"), "reset") == 0;
}

/* R25: a disk that resets on boot (IntelliCache) cannot be migrated. */
void
_ferry_rule_on_boot_reset (FerryRuleCell *cell)
{
  if (cell->op == FERRY_OPERATION_MOVE_HALTED)
    return;

  for (guint d = 0; d < cell->vm->disks->len; d++)
    {
      FerryDiskFacts *disk = disk_at (cell, d);

      if (disk->is_cd || disk->is_suspend_image || !on_boot_reset (disk->vdi))
        continue;

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "R25", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("Disk “%s” of “%s” resets on every boot (on-boot=reset, "
                                                  "IntelliCache)"),
                                                disk_name (disk), _ferry_name (cell->vm->vm)),
                               g_strdup (_("Shut the VM down and set the disk's on-boot mode to persist, or "
                                           "move it while it is halted."))),
        disk->vdi, NULL);
      return;
    }
}

/* R7: no storage migration while changed block tracking is on for any of
 * the VM's disks (xapi 24.x and 1.249 check every disk, newer ones only
 * the moved ones; the spec says any). */
void
_ferry_rule_cbt (FerryRuleCell *cell)
{
  if (!_ferry_op_is_storage (cell->op))
    return;

  for (guint d = 0; d < cell->vm->disks->len; d++)
    {
      FerryDiskFacts *disk = disk_at (cell, d);

      if (disk->is_cd || !ferry_vdi_get_cbt_enabled (disk->vdi))
        continue;

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "R7", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("Changed block tracking is on for disk “%s” of “%s”: "
                                                  "storage live migration is impossible"),
                                                disk_name (disk), _ferry_name (cell->vm->vm)),
                               g_strdup_printf (_("Disable changed block tracking on “%s” first (backup "
                                                  "software may turn it on again afterwards)."),
                                                disk_name (disk))),
        disk->vdi, NULL);
      return;
    }
}

/* R8: no storage migration to or from a GFS2 SR. */
void
_ferry_rule_gfs2 (FerryRuleCell *cell)
{
  if (!_ferry_op_is_storage (cell->op))
    return;

  for (guint d = 0; d < cell->vm->disks->len; d++)
    {
      FerryDiskFacts *disk = disk_at (cell, d);
      FerrySr *target = _ferry_rule_cell_target (cell, d);
      FerrySr *gfs2 = NULL;

      if (!_ferry_rule_cell_moves (cell, d))
        continue;
      if (disk->sr != NULL && _ferry_rule_env_sr (cell->env, disk->sr)->gfs2)
        gfs2 = disk->sr;
      else if (target != NULL && _ferry_rule_env_sr (cell->env, target)->gfs2)
        gfs2 = target;
      if (gfs2 == NULL)
        continue;

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "R8", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (gfs2 == disk->sr
                                                  ? _("Disk “%s” of “%s” is on the GFS2 SR “%s”: storage "
                                                      "live migration cannot move it")
                                                  : _("Disk “%s” of “%s” would go to the GFS2 SR “%s”: "
                                                      "storage live migration cannot move disks there"),
                                                disk_name (disk), _ferry_name (cell->vm->vm), _ferry_name (gfs2)),
                               g_strdup (_("Inside the pool, live migration leaves the disk on the shared GFS2 "
                                           "SR. Otherwise choose another SR, or shut the VM down and move it."))),
        disk->vdi, gfs2, NULL);
      return;
    }
}

/* VDI_NOT_IN_MAP: every disk needs a place on the destination. */
void
_ferry_rule_no_target_sr (FerryRuleCell *cell)
{
  if (cell->n_unresolved == 0)
    return;

  for (guint d = 0; d < cell->vm->disks->len; d++)
    {
      FerryDiskFacts *disk = disk_at (cell, d);

      if (_ferry_rule_cell_target (cell, d) != NULL || disk->is_cd)
        continue;

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "X-VDI-NOT-IN-MAP", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("No SR is chosen for disk “%s” of “%s”, and “%s” has no "
                                                  "default SR"),
                                                disk_name (disk), _ferry_name (cell->vm->vm),
                                                cell->dst_pool->name),
                               g_strdup (_("Choose an SR for every disk."))),
        disk->vdi, NULL);
      return;
    }
}

static gboolean
sm_has (FerrySm    *sm,
        const char *feature)
{
  return ferry_sm_lookup_features (sm, feature) != NULL;
}

/* SR_DOES_NOT_SUPPORT_MIGRATION: mirroring needs VDI_SNAPSHOT and VDI_MIRROR
 * on the source, VDI_SNAPSHOT and VDI_MIRROR_IN (or VDI_MIRROR) on the
 * destination (xapi.md §2 SM, §4.2). GFS2 is R8's. */
void
_ferry_rule_sr_capabilities (FerryRuleCell *cell)
{
  if (!_ferry_op_is_storage (cell->op) &&
      !(cell->op == FERRY_OPERATION_MOVE_HALTED && cell->cross_pool))
    return;

  for (guint d = 0; d < cell->vm->disks->len; d++)
    {
      FerryDiskFacts *disk = disk_at (cell, d);
      FerrySr *target = _ferry_rule_cell_target (cell, d);
      FerrySrFacts *from, *to;
      const char *missing = NULL;
      FerrySr *culprit = NULL;

      if (!_ferry_rule_cell_moves (cell, d) || target == NULL || disk->sr == NULL || disk->is_suspend_image)
        continue;
      from = _ferry_rule_env_sr (cell->env, disk->sr);
      to = _ferry_rule_env_sr (cell->env, target);
      if (from->gfs2 || to->gfs2)
        continue;

      if (from->sm != NULL && !sm_has (from->sm, "VDI_SNAPSHOT"))
        missing = "VDI_SNAPSHOT", culprit = disk->sr;
      else if (from->sm != NULL && !sm_has (from->sm, "VDI_MIRROR"))
        missing = "VDI_MIRROR", culprit = disk->sr;
      else if (to->sm != NULL && !sm_has (to->sm, "VDI_SNAPSHOT"))
        missing = "VDI_SNAPSHOT", culprit = target;
      else if (to->sm != NULL && !sm_has (to->sm, "VDI_MIRROR_IN") && !sm_has (to->sm, "VDI_MIRROR"))
        missing = "VDI_MIRROR_IN", culprit = target;
      if (missing == NULL)
        continue;

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "X-SR-DOES-NOT-SUPPORT-MIGRATION", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (culprit == disk->sr
                                                  ? _("Disk “%s” of “%s” is on “%s”, whose storage driver "
                                                      "cannot migrate disks (no %s)")
                                                  : _("Disk “%s” of “%s” would go to “%s”, whose storage "
                                                      "driver cannot receive migrating disks (no %s)"),
                                                disk_name (disk), _ferry_name (cell->vm->vm),
                                                _ferry_name (culprit), missing),
                               g_strdup (_("Choose another SR, or shut the VM down and copy it."))),
        disk->vdi, culprit, NULL);
      return;
    }
}

/* VDI_IS_ENCRYPTED: an encrypted disk that would move. */
void
_ferry_rule_encrypted (FerryRuleCell *cell)
{
  if (ferry_operation_get_xapi_operation (cell->op) == NULL ||
      _ferry_op_is_pool_migrate (cell->op))
    return;

  for (guint d = 0; d < cell->vm->disks->len; d++)
    {
      FerryDiskFacts *disk = disk_at (cell, d);

      if (!_ferry_rule_cell_moves (cell, d) || ferry_vdi_lookup_sm_config (disk->vdi, "key_hash") == NULL)
        continue;

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "X-VDI-IS-ENCRYPTED", FERRY_CHECK_SEVERITY_BLOCKER,
                               g_strdup_printf (_("Disk “%s” of “%s” is encrypted: encrypted disks cannot "
                                                  "be migrated"),
                                                disk_name (disk), _ferry_name (cell->vm->vm)),
                               g_strdup (_("Leave the disk on its SR (move the VM inside the pool), or copy "
                                           "its data to an unencrypted disk."))),
        disk->vdi, NULL);
      return;
    }
}

/* VM_REQUIRES_SR: the destination host must see the SR of every disk,
 * CD and suspend image the VM will use there. */
void
_ferry_rule_requires_sr (FerryRuleCell *cell)
{
  if (cell->dst == NULL)
    return;

  for (guint d = 0; d < cell->vm->disks->len; d++)
    {
      FerryDiskFacts *disk = disk_at (cell, d);
      FerrySr *sr = _ferry_rule_cell_target (cell, d);
      FerryCheck *check;

      /* Moving pools ejects CDs; a disk without a target is another rule's. */
      if (sr == NULL || (disk->is_cd && cell->cross_pool) || _ferry_host_sees_sr (cell->dst, sr))
        continue;

      if (disk->is_cd)
        check = _ferry_rule_cell_emit (cell, "X-VM-REQUIRES-SR", FERRY_CHECK_SEVERITY_BLOCKER,
                                       g_strdup_printf (_("The CD in “%s” is on “%s”, which host “%s” cannot "
                                                          "see"),
                                                        _ferry_name (cell->vm->vm), _ferry_name (sr),
                                                        _ferry_name (cell->dst->host)),
                                       g_strdup (_("Eject the CD, then try again.")));
      else if (sr == disk->sr && !cell->cross_pool && _ferry_op_is_pool_migrate (cell->op))
        check = _ferry_rule_cell_emit (cell, "X-VM-REQUIRES-SR", FERRY_CHECK_SEVERITY_BLOCKER,
                                       g_strdup_printf (_("Disk “%s” of “%s” is on “%s”, which host “%s” "
                                                          "cannot see: live migration leaves disks where "
                                                          "they are"),
                                                        disk_name (disk), _ferry_name (cell->vm->vm),
                                                        _ferry_name (sr), _ferry_name (cell->dst->host)),
                                       g_strdup (_("Let Ferry choose the operation: storage live migration "
                                                   "moves the disk to an SR the host sees. Or choose a host "
                                                   "that sees it.")));
      else
        check = _ferry_rule_cell_emit (cell, "X-VM-REQUIRES-SR", FERRY_CHECK_SEVERITY_BLOCKER,
                                       g_strdup_printf (_("Disk “%s” of “%s” would be on “%s”, which host "
                                                          "“%s” cannot see"),
                                                        disk_name (disk), _ferry_name (cell->vm->vm),
                                                        _ferry_name (sr), _ferry_name (cell->dst->host)),
                                       g_strdup_printf (_("Choose an SR that “%s” can see, or another host."),
                                                        _ferry_name (cell->dst->host)));
      _ferry_check_add_objects (check, disk->vdi, sr, cell->dst->host, NULL);
      return;
    }
}

/* Space */

typedef struct
{
  FerrySr *sr;
  gint64   own;      /* this VM's disks (or the whole request's) */
  gint64   queued;
  guint    n_queued;
  guint    disk;     /* one disk, for the message */
  guint    n_disks;
} SrNeed;

/* The space each SR must give (incoming: targets; else: sources). */
static GArray *
collect_needs (FerryRuleCell *cell,
               gboolean       incoming)
{
  GArray *needs = g_array_new (FALSE, TRUE, sizeof (SrNeed));

  for (guint d = 0; d < cell->vm->disks->len; d++)
    {
      FerryDiskFacts *disk = disk_at (cell, d);
      FerrySr *sr = incoming ? _ferry_rule_cell_target (cell, d) : disk->sr;
      FerrySrFacts *facts;
      SrNeed *need = NULL;

      if (sr == NULL || !_ferry_rule_cell_moves (cell, d))
        continue;
      facts = _ferry_rule_env_sr (cell->env, sr);

      for (guint i = 0; i < needs->len && need == NULL; i++)
        if (g_array_index (needs, SrNeed, i).sr == sr)
          need = &g_array_index (needs, SrNeed, i);
      if (need == NULL)
        {
          SrNeed fresh = { sr, 0, 0, 0, d, 0 };
          GHashTable *totals = incoming ? cell->env->request_in : cell->env->request_out;
          gint64 *total = cell->whole_request ? g_hash_table_lookup (totals, sr) : NULL;

          fresh.queued = incoming ? facts->queued_in : facts->queued_out;
          fresh.n_queued = facts->n_queued;
          if (total != NULL)
            fresh.own = *total;
          g_array_append_val (needs, fresh);
          need = &g_array_index (needs, SrNeed, needs->len - 1);
        }
      need->n_disks++;
      if (!cell->whole_request)
        need->own += incoming ? _ferry_rule_dest_footprint (facts, disk->vdi)
                              : _ferry_rule_source_footprint (facts, disk->vdi);
    }

  return needs;
}

/* Blocker below one copy, warning below @factor copies. */
static void
check_space (FerryRuleCell *cell,
             const char    *rule_id,
             gboolean       incoming,
             int            factor)
{
  g_autoptr(GArray) needs = collect_needs (cell, incoming);

  for (guint i = 0; i < needs->len; i++)
    {
      SrNeed *need = &g_array_index (needs, SrNeed, i);
      FerrySrFacts *facts = _ferry_rule_env_sr (cell->env, need->sr);
      FerryDiskFacts *disk = disk_at (cell, need->disk);
      gint64 once = need->own + need->queued;
      gint64 most = once * factor;
      g_autofree char *free_text = NULL;
      g_autofree char *once_text = NULL;
      g_autofree char *most_text = NULL;
      g_autofree char *queued_text = NULL;
      g_autofree char *message = NULL;
      FerryCheckSeverity severity;

      if (facts->free >= most)
        continue;
      severity = facts->free < once ? FERRY_CHECK_SEVERITY_BLOCKER : FERRY_CHECK_SEVERITY_WARNING;
      free_text = _ferry_format_size (facts->free);
      once_text = _ferry_format_size (once);
      most_text = _ferry_format_size (most);

      if (need->queued > 0)
        {
          g_autofree char *queued_size = _ferry_format_size (need->queued * factor);

          queued_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                      " (%s of it for %u queued move)",
                                                      " (%s of it for %u queued moves)",
                                                      need->n_queued),
                                         queued_size, need->n_queued);
        }

      if (factor == 1)
        /* Translators: SR, free space, disk, VM, space needed, queued part */
        message = g_strdup_printf (_("SR “%s” has %s free, not enough for disk “%s” of “%s”: it needs %s%s"),
                                   _ferry_name (need->sr), free_text, disk_name (disk),
                                   _ferry_name (cell->vm->vm), once_text, queued_text ? queued_text : "");
      else if (incoming && severity == FERRY_CHECK_SEVERITY_BLOCKER)
        message = g_strdup_printf (_("SR “%s” has %s free, less than the %s the disks moving there take%s"),
                                   _ferry_name (need->sr), free_text, once_text,
                                   queued_text ? queued_text : "");
      else if (incoming)
        message = g_strdup_printf (_("SR “%s” has %s free; storage live migration may need up to %d × the "
                                     "incoming disks there, %s%s"),
                                   _ferry_name (need->sr), free_text, factor, most_text,
                                   queued_text ? queued_text : "");
      else if (severity == FERRY_CHECK_SEVERITY_BLOCKER)
        message = g_strdup_printf (_("Source SR “%s” has %s free, less than the %s the temporary snapshots "
                                     "of the moving disks take%s"),
                                   _ferry_name (need->sr), free_text, once_text,
                                   queued_text ? queued_text : "");
      else
        message = g_strdup_printf (_("Source SR “%s” has %s free; the temporary snapshots of a storage live "
                                     "migration may need up to %d × the moving disks there, %s%s"),
                                   _ferry_name (need->sr), free_text, factor, most_text,
                                   queued_text ? queued_text : "");

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, rule_id, severity, g_steal_pointer (&message),
                               incoming
                                 ? g_strdup_printf (_("Free space on “%s”, choose another SR, or move fewer "
                                                      "disks at once."), _ferry_name (need->sr))
                                 : g_strdup_printf (_("Free space on “%s”, or move fewer disks at once."),
                                                    _ferry_name (need->sr))),
        need->sr, disk->vdi, NULL);

      if (cell->stop_at_blocker && severity == FERRY_CHECK_SEVERITY_BLOCKER)
        return;
    }
}

/* R19: O2 — the destination SR needs up to 3 × each incoming disk. */
void
_ferry_rule_dest_sr_space (FerryRuleCell *cell)
{
  if (cell->op == FERRY_OPERATION_STORAGE_MIGRATE)
    check_space (cell, "R19", TRUE, 3);
}

/* R20: O2 — the source SR needs up to 2 × each moving disk for snapshots. */
void
_ferry_rule_source_sr_space (FerryRuleCell *cell)
{
  if (cell->op == FERRY_OPERATION_STORAGE_MIGRATE)
    check_space (cell, "R20", FALSE, 2);
}

/* R35: O3 (and O4, which copies too) — the target SR needs room for the disk. */
void
_ferry_rule_disk_target_space (FerryRuleCell *cell)
{
  if (cell->op == FERRY_OPERATION_MOVE_DISK || cell->op == FERRY_OPERATION_MOVE_HALTED)
    check_space (cell, "R35", TRUE, 1);
}

/* A cross-pool move ejects CDs (xapi.md §3.3). For the review page. */
void
_ferry_rule_cd_eject (FerryRuleCell *cell)
{
  if (!cell->cross_pool || !_ferry_rule_cell_wants (cell, FERRY_CHECK_SEVERITY_NOTE))
    return;

  for (guint d = 0; d < cell->vm->disks->len; d++)
    {
      FerryDiskFacts *disk = disk_at (cell, d);

      if (!disk->is_cd)
        continue;

      _ferry_check_add_objects (
        _ferry_rule_cell_emit (cell, "X-CD-EJECT", FERRY_CHECK_SEVERITY_NOTE,
                               g_strdup_printf (_("The CD “%s” in “%s” is ejected when it leaves the pool"),
                                                disk_name (disk), _ferry_name (cell->vm->vm)),
                               g_strdup (_("Insert it again on the destination if the VM needs it."))),
        disk->vdi, NULL);
      return;
    }
}
