/* ferry-rules-private.h: what the rule files share
 *
 * A rule looks at one "cell": one VM moving to one destination host (or
 * staying on its host for a disk move) under one operation. Everything a
 * rule reads comes from the caches, gathered once per VM, host and SR into
 * "facts" (rules/ferry-rules-facts.c) so that a grid of 500 VMs × 64 hosts
 * does not walk the same relations 32,000 times.
 *
 * Rules come in two scopes. VM rules depend on the VM, its operation and
 * the settings only; a grid runs them once per VM and operation. Cell
 * rules also depend on the destination. The table in ferry-rules.c lists
 * all VM rules first, each scope in the order a user should hear about
 * problems (xapi's own order where it has one, xapi.md §4).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gi18n-lib.h>

#include "ferry-cache.h"
#include "ferry-check-private.h"
#include "ferry-cluster.h"
#include "ferry-gpu-group.h"
#include "ferry-host-metrics.h"
#include "ferry-host.h"
#include "ferry-move-request.h"
#include "ferry-network.h"
#include "ferry-pbd.h"
#include "ferry-pci.h"
#include "ferry-pgpu.h"
#include "ferry-pif.h"
#include "ferry-pool.h"
#include "ferry-rule-settings.h"
#include "ferry-rules.h"
#include "ferry-sm.h"
#include "ferry-sr.h"
#include "ferry-vbd.h"
#include "ferry-vdi.h"
#include "ferry-vgpu-type.h"
#include "ferry-vgpu.h"
#include "ferry-vif.h"
#include "ferry-vm-guest-metrics.h"
#include "ferry-vm-metrics.h"
#include "ferry-vm.h"
#include "ferry-vusb.h"

G_BEGIN_DECLS

#define FERRY_RULES_MAX_VERSION_PARTS 8
#define FERRY_RULES_CPU_WORDS         32

/* A version as xapi compares it (xapi.md §4.5). */
typedef struct
{
  guint   n;
  guint64 parts[FERRY_RULES_MAX_VERSION_PARTS];
} FerryVersion;

/* The three software_version keys migration compares. */
typedef enum
{
  FERRY_VERSION_KEY_PLATFORM,    /* platform_version */
  FERRY_VERSION_KEY_XAPI,        /* xapi_build       */
  FERRY_VERSION_KEY_XEN,         /* xen              */
  FERRY_N_VERSION_KEYS
} FerryVersionKey;

typedef struct
{
  FerryVbd *vbd;       /* NULL for the suspend image */
  FerryVdi *vdi;
  FerrySr  *sr;        /* the VDI's SR; NULL when unknown */
  gboolean  is_cd;
  gboolean  is_suspend_image;
} FerryDiskFacts;

typedef struct _FerrySrFacts   FerrySrFacts;
typedef struct _FerryHostFacts FerryHostFacts;
typedef struct _FerryPoolFacts FerryPoolFacts;

/* Per cache: the pool and what every cell of it needs. */
struct _FerryPoolFacts
{
  FerryCache   *cache;
  FerryPool    *pool;           /* may be NULL in a broken cache */
  FerryHost    *master;
  const char   *name;           /* the pool's name, or its host's when standalone */
  FerrySr      *default_sr;
  FerryNetwork *management;     /* the network of the master's management PIF */
  gboolean      ha_enabled;
  gboolean      rolling_upgrade;
  gboolean      cvad_managed;   /* FERRY_POOL_FLAG_CVAD_MANAGED */
  gboolean      has_xs82ecu1033;
  GHashTable   *sm_by_type;     /* SR type → FerrySm */
  GHashTable   *network_by_name; /* name_label → FerryNetwork */
};

struct _FerrySrFacts
{
  FerrySr        *sr;
  FerryPoolFacts *pool;
  FerrySm        *sm;
  gint64          free;         /* physical_size − physical_utilisation */
  gboolean        thick;
  gboolean        gfs2;
  gboolean        iso;
  /* Footprints of the queued moves (R19/R20), in bytes. */
  gint64          queued_in;
  gint64          queued_out;
  guint           n_queued;
};

struct _FerryHostFacts
{
  FerryHost        *host;
  FerryPoolFacts   *pool;
  FerryHostMetrics *metrics;
  gboolean          live;
  gboolean          enabled;
  gboolean          hvm;
  gboolean          iommu;
  gboolean          https_only;
  gint64            pcpus;
  gint64            free_memory;        /* xapi's admission control, §4.4 */
  gint64            reported_free;      /* host_metrics.memory_free */
  gint64            queued_memory;      /* VMs of queued moves headed here */
  const char       *cpu_vendor;
  const char       *features_hvm;
  const char       *features_pv;
  guint32          *words_hvm;          /* parsed on first use */
  guint32          *words_pv;
  guint             n_words_hvm;
  guint             n_words_pv;
  FerryVersion      versions[FERRY_N_VERSION_KEYS];
  const char       *busy_operation;     /* evacuate, reboot…: no vm_migrate now */
  GHashTable       *srs;                /* FerrySr with an attached PBD here */
  GHashTable       *networks;           /* FerryNetwork → its FerryPif here */
  GPtrArray        *pgpus;              /* FerryPgpu */
};

typedef struct
{
  FerryVm             *vm;
  FerryPoolFacts      *pool;
  FerryHostFacts      *host;        /* resident_on, else affinity, else the master */
  FerryVmMetrics      *metrics;
  FerryVmGuestMetrics *guest;
  FerryVmPowerState    power;
  GArray              *disks;       /* FerryDiskFacts, non-empty drives */
  GPtrArray           *vifs;        /* FerryVif */
  GPtrArray           *vgpus;       /* FerryVgpu */
  guint                n_vusbs;
  gint64               required_memory;   /* footprint, §4.4 */
  const char          *cpu_vendor;        /* last_boot_CPU_flags */
  const char          *cpu_features;
  guint32             *cpu_words;         /* parsed on first use */
  guint                n_cpu_words;
  gboolean             pv;
  gboolean             windows;
  gboolean             has_tools;
  gboolean             ha_protected;      /* HA: always run, restart */
} FerryVmFacts;

typedef struct _FerryRuleEnv FerryRuleEnv;

struct _FerryRuleEnv
{
  FerryMoveRequest  *request;      /* the request (the grid's template) */
  FerryRuleSettings *settings;     /* may be NULL */
  GHashTable        *pools;        /* FerryCache → FerryPoolFacts */
  GHashTable        *hosts;        /* FerryHost → FerryHostFacts */
  GHashTable        *srs;          /* FerrySr → FerrySrFacts */
  GHashTable        *vms;          /* FerryVm → FerryVmFacts */
  /* Footprints of the request's own moves, for a whole-request check. */
  GHashTable        *request_in;   /* FerrySr → gint64* */
  GHashTable        *request_out;
  GHashTable        *placed;       /* FerryHostFacts → gint64*: memory placed by earlier VMs */
  GHashTable        *memo;         /* FerryVmFacts → FerryRuleMemo[N_OPS]: VM rules of a grid */
  gboolean           whole_request; /* R19/R20 sum the whole request (ferry_rules_check) */
};

/* The VM rules' verdict for one VM and operation, shared by a grid's cells. */
typedef struct
{
  gboolean            done;
  FerryCheckSeverity  worst;
  GPtrArray          *findings;   /* FerryCheck */
} FerryRuleMemo;

#define FERRY_RULES_N_OPS (FERRY_OPERATION_EVACUATE + 1)

/* One VM, one destination, one operation. */
typedef struct
{
  FerryRuleEnv       *env;
  FerryMoveRequest   *request;      /* the maps and options (env->request, or a queued one) */
  FerryVmFacts       *vm;
  FerryHostFacts     *src;          /* the VM's host (NULL: no host at all) */
  FerryHostFacts     *dst;          /* where it would run; == src when it stays */
  FerryPoolFacts     *src_pool;
  FerryPoolFacts     *dst_pool;
  FerrySr            *sr_override;  /* a grid SR column: every disk goes there */
  FerryOperation      op;           /* resolved; never AUTO */
  gboolean            cross_pool;
  gboolean            same_host;
  gboolean            whole_request;  /* sum R19/R20 over the whole request */
  GPtrArray          *targets;      /* FerrySr per disk (parallel to vm->disks) or NULL */
  guint               n_moved;      /* disks whose target differs from their SR */
  guint               n_unresolved; /* disks without a target */
  /* Output */
  GPtrArray          *findings;     /* FerryCheck */
  FerryCheckSeverity  worst;
  gboolean            stop_at_blocker;
  gboolean            want_notes;
} FerryRuleCell;

typedef enum
{
  FERRY_RULE_SCOPE_VM,
  FERRY_RULE_SCOPE_CELL,
} FerryRuleScope;

typedef enum
{
  FERRY_RULE_FLAG_NONE        = 0,
  FERRY_RULE_FLAG_REVIEW_ONLY = 1 << 0,   /* notes for the review page: not in grids */
} FerryRuleFlags;

typedef void (*FerryRuleFunc) (FerryRuleCell *cell);

typedef struct
{
  const char     *id;
  FerryRuleScope  scope;
  FerryRuleFlags  flags;
  FerryRuleFunc   func;
  const char     *summary;   /* N_(): a short phrase */
} FerryRule;

/* ferry-rules.c */
FerryOperation   _ferry_rules_resolve       (FerryMoveRequest   *request,
                                             FerryVm            *vm,
                                             FerryVdi           *vdi,
                                             FerrySr           **sr);

/* rules/ferry-rules-facts.c: the environment */
FerryRuleEnv    *_ferry_rule_env_new        (FerryMoveRequest   *request,
                                             GPtrArray          *queued,
                                             FerryRuleSettings  *settings);
void             _ferry_rule_env_free       (FerryRuleEnv       *env);
FerryPoolFacts  *_ferry_rule_env_pool       (FerryRuleEnv       *env,
                                             FerryCache         *cache);
FerryHostFacts  *_ferry_rule_env_host       (FerryRuleEnv       *env,
                                             FerryHost          *host);
FerrySrFacts    *_ferry_rule_env_sr         (FerryRuleEnv       *env,
                                             FerrySr            *sr);
FerryVmFacts    *_ferry_rule_env_vm         (FerryRuleEnv       *env,
                                             FerryVm            *vm);
void             _ferry_rule_env_add_request_totals (FerryRuleEnv *env,
                                                     FerryMoveRequest *request);
gint64           _ferry_rule_env_get_placed (FerryRuleEnv       *env,
                                             FerryHostFacts     *host);
void             _ferry_rule_env_place      (FerryRuleEnv       *env,
                                             FerryHostFacts     *host,
                                             gint64              bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryRuleEnv, _ferry_rule_env_free)

/* Cells: set up a cell for @vm towards @dst (NULL: the pool chooses, or
 * the VM stays), resolving the targets and the operation. */
void             _ferry_rule_cell_init      (FerryRuleCell      *cell,
                                             FerryRuleEnv       *env,
                                             FerryVmFacts       *vm,
                                             FerryCache         *dst_cache,
                                             FerryHostFacts     *dst,
                                             FerrySr            *sr_override);
void             _ferry_rule_cell_init_full (FerryRuleCell      *cell,
                                             FerryRuleEnv       *env,
                                             FerryMoveRequest   *request,
                                             FerryVmFacts       *vm,
                                             FerryCache         *dst_cache,
                                             FerryHostFacts     *dst,
                                             FerrySr            *sr_override);
void             _ferry_rule_cell_clear     (FerryRuleCell      *cell);
/* What a disk takes on its target SR, and what its snapshots may take on
 * its source SR: the virtual size on thick SRs, the used size on thin ones. */
gint64           _ferry_rule_dest_footprint   (FerrySrFacts     *target,
                                               FerryVdi         *vdi);
gint64           _ferry_rule_source_footprint (FerrySrFacts     *source,
                                               FerryVdi         *vdi);
gboolean         _ferry_host_sees_sr        (FerryHostFacts     *host,
                                             FerrySr            *sr);
/* The disk's target SR, or NULL when none could be chosen. */
FerrySr         *_ferry_rule_cell_target    (FerryRuleCell      *cell,
                                             guint               disk);
gboolean         _ferry_rule_cell_moves     (FerryRuleCell      *cell,
                                             guint               disk);
/* Findings. */
gboolean         _ferry_rule_cell_wants     (FerryRuleCell      *cell,
                                             FerryCheckSeverity  severity);
/* Adds a finding about the cell's VM (transfer full of both strings);
 * returns it (transfer none) so the rule can add objects. */
FerryCheck      *_ferry_rule_cell_emit      (FerryRuleCell      *cell,
                                             const char         *rule_id,
                                             FerryCheckSeverity  severity,
                                             char               *message,
                                             char               *remedy);
/* Adds an existing finding (a VM rule's, shared by the cells of a grid). */
void             _ferry_rule_cell_add       (FerryRuleCell      *cell,
                                             FerryCheck         *check);
/* Adds objects (NULL-terminated) to @check, which may be NULL. */
void             _ferry_check_add_objects   (FerryCheck         *check,
                                             ...) G_GNUC_NULL_TERMINATED;

/* ferry-rules.c: running the rules */
/* Runs the rules on a prepared cell: VM rules (from env->memo when the
 * cell stops at the first blocker), then cell rules. */
void             _ferry_rules_evaluate      (FerryRuleCell      *cell);
/* The first blocker, else the first warning, else the first note. */
FerryCheck      *_ferry_rules_cell_reason   (FerryRuleCell      *cell);
/* Tries @vm on every host of @dst_cache (but the one a running VM is on
 * when it stays in its pool), keeps the best in @best (initialised here; clear it)
 * and returns TRUE; returns FALSE when no host can take it, with @best
 * cleared and @reason set to why (transfer full). */
gboolean         _ferry_rules_choose_host   (FerryRuleEnv       *env,
                                             FerryVmFacts       *vm,
                                             FerryCache         *dst_cache,
                                             FerrySr            *sr_override,
                                             gboolean            stop_at_blocker,
                                             FerryRuleCell      *best,
                                             FerryCheck        **reason);

/* Operation helpers. */
static inline gboolean
_ferry_op_is_pool_migrate (FerryOperation op)
{
  return op == FERRY_OPERATION_LIVE_MIGRATE || op == FERRY_OPERATION_EVACUATE;
}

static inline gboolean
_ferry_op_is_storage (FerryOperation op)
{
  return op == FERRY_OPERATION_STORAGE_MIGRATE || op == FERRY_OPERATION_MOVE_DISK;
}

/* A live operation streams the running VM's memory. */
static inline gboolean
_ferry_cell_is_live (FerryRuleCell *cell)
{
  return cell->op != FERRY_OPERATION_MOVE_HALTED &&
         (cell->vm->power == FERRY_VM_POWER_STATE_RUNNING ||
          cell->vm->power == FERRY_VM_POWER_STATE_PAUSED);
}

/* Names for messages: never refs. */
const char      *_ferry_name                (gpointer            object);
char            *_ferry_format_size         (gint64              bytes);
const char      *_ferry_host_product        (FerryHost          *host,
                                             char              **owned);

/* Versions (rules/ferry-rules-versions.c). */
void             _ferry_version_parse       (const char         *text,
                                             FerryVersion       *version);
int              _ferry_version_compare     (const FerryVersion *a,
                                             const FerryVersion *b);

/* CPU feature words (rules/ferry-rules-cpu.c). */
guint            _ferry_cpu_features_parse  (const char         *text,
                                             guint32            *words,
                                             guint               max_words);
/* The same, into a new array (g_free() it). */
guint32         *_ferry_cpu_features_dup    (const char         *text,
                                             guint              *n_words);

/* MCS markers (rules/ferry-rules-mcs.c). */
gboolean         _ferry_vm_has_mcs_markers  (FerryVm            *vm,
                                             const char        **marker);

/* The rules, one function each, by file. */
/* rules/ferry-rules-lifecycle.c */
void _ferry_rule_blocked_operation   (FerryRuleCell *cell);
void _ferry_rule_power_state         (FerryRuleCell *cell);
void _ferry_rule_paused              (FerryRuleCell *cell);
void _ferry_rule_other_operation     (FerryRuleCell *cell);
void _ferry_rule_template            (FerryRuleCell *cell);
void _ferry_rule_snapshot            (FerryRuleCell *cell);
void _ferry_rule_nomigrate           (FerryRuleCell *cell);
void _ferry_rule_nested_virt         (FerryRuleCell *cell);
void _ferry_rule_control_domain      (FerryRuleCell *cell);
void _ferry_rule_allowed_operations  (FerryRuleCell *cell);
/* rules/ferry-rules-guest.c */
void _ferry_rule_non_suspendable     (FerryRuleCell *cell);
void _ferry_rule_windows_tools       (FerryRuleCell *cell);
void _ferry_rule_lacks_feature       (FerryRuleCell *cell);
void _ferry_rule_ipv6_kernel         (FerryRuleCell *cell);
/* rules/ferry-rules-storage.c */
void _ferry_rule_on_boot_reset       (FerryRuleCell *cell);
void _ferry_rule_cbt                 (FerryRuleCell *cell);
void _ferry_rule_gfs2                (FerryRuleCell *cell);
void _ferry_rule_no_target_sr        (FerryRuleCell *cell);
void _ferry_rule_sr_capabilities     (FerryRuleCell *cell);
void _ferry_rule_encrypted           (FerryRuleCell *cell);
void _ferry_rule_requires_sr         (FerryRuleCell *cell);
void _ferry_rule_dest_sr_space       (FerryRuleCell *cell);
void _ferry_rule_source_sr_space     (FerryRuleCell *cell);
void _ferry_rule_disk_target_space   (FerryRuleCell *cell);
void _ferry_rule_cd_eject            (FerryRuleCell *cell);
/* rules/ferry-rules-mcs.c */
void _ferry_rule_cvad_pool           (FerryRuleCell *cell);
void _ferry_rule_mcs                 (FerryRuleCell *cell);
/* rules/ferry-rules-devices.c */
void _ferry_rule_gvt_g               (FerryRuleCell *cell);
void _ferry_rule_pci                 (FerryRuleCell *cell);
void _ferry_rule_vgpu_kind           (FerryRuleCell *cell);
void _ferry_rule_vusb                (FerryRuleCell *cell);
void _ferry_rule_requires_gpu        (FerryRuleCell *cell);
void _ferry_rule_requires_iommu      (FerryRuleCell *cell);
void _ferry_rule_vgpu_second_instance (FerryRuleCell *cell);
/* rules/ferry-rules-pool.c */
void _ferry_rule_same_pool_only      (FerryRuleCell *cell);
void _ferry_rule_current_host        (FerryRuleCell *cell);
void _ferry_rule_licence             (FerryRuleCell *cell);
void _ferry_rule_host_not_live       (FerryRuleCell *cell);
void _ferry_rule_host_disabled       (FerryRuleCell *cell);
void _ferry_rule_host_busy           (FerryRuleCell *cell);
void _ferry_rule_performance_note    (FerryRuleCell *cell);
/* rules/ferry-rules-versions.c */
void _ferry_rule_port_80             (FerryRuleCell *cell);
void _ferry_rule_version             (FerryRuleCell *cell);
void _ferry_rule_hardware_platform   (FerryRuleCell *cell);
void _ferry_rule_restart_notice      (FerryRuleCell *cell);
/* rules/ferry-rules-cpu.c */
void _ferry_rule_cpu_vendor          (FerryRuleCell *cell);
void _ferry_rule_cpu_features        (FerryRuleCell *cell);
void _ferry_rule_pcpus               (FerryRuleCell *cell);
void _ferry_rule_hvm_required        (FerryRuleCell *cell);
/* rules/ferry-rules-memory.c */
void _ferry_rule_memory              (FerryRuleCell *cell);
void _ferry_rule_source_memory       (FerryRuleCell *cell);
void _ferry_rule_double_memory       (FerryRuleCell *cell);
/* rules/ferry-rules-network.c */
void _ferry_rule_requires_network    (FerryRuleCell *cell);
void _ferry_rule_vif_map             (FerryRuleCell *cell);
void _ferry_rule_migration_network   (FerryRuleCell *cell);
/* rules/ferry-rules-ha.c */
void _ferry_rule_ha_protected        (FerryRuleCell *cell);
void _ferry_rule_evacuate_ha         (FerryRuleCell *cell);

G_END_DECLS
