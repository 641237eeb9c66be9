/* ferry-sim-builder.h: makes consistent object graphs in a simulated pool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ferry-sim-pool.h"

G_BEGIN_DECLS

#define FERRY_SIM_KiB (G_GINT64_CONSTANT (1024))
#define FERRY_SIM_MiB (G_GINT64_CONSTANT (1024) * 1024)
#define FERRY_SIM_GiB (G_GINT64_CONSTANT (1024) * 1024 * 1024)
#define FERRY_SIM_TiB (G_GINT64_CONSTANT (1024) * 1024 * 1024 * 1024)

/* Simulation-only attribute keys (ferry_sim_pool_set_sim_attribute). They
 * never appear on the wire; the time model reads them. */
#define FERRY_SIM_ATTR_DIRTY_RATE      "dirty_rate_mib_s"      /* VM: dirtied memory, MiB/s */
#define FERRY_SIM_ATTR_COMPRESSIBILITY "compressibility"       /* VM: compressed/raw size, 0..1 */
#define FERRY_SIM_ATTR_DISK_WRITE_RATE "disk_write_mib_s"      /* VM: disk writes, MiB/s */
#define FERRY_SIM_ATTR_VGPU_STATE_SIZE "vgpu_state_bytes"      /* VGPU: state copied while paused */
#define FERRY_SIM_ATTR_SPEED           "speed_mbit"            /* PIF: link speed, Mbit/s */
#define FERRY_SIM_ATTR_BANDWIDTH       "bandwidth_mib_s"       /* SR: storage bandwidth, MiB/s */
#define FERRY_SIM_ATTR_HOTFIXES        "hotfixes"              /* host: applied hotfixes, comma-separated */

typedef struct _FerrySimBuilder FerrySimBuilder;

typedef struct
{
  const char *name;      /* "eth0" */
  gint64      speed_mbit;
} FerrySimNicSpec;

typedef struct
{
  const char          *name_label;          /* "" for a standalone host */
  const char          *name_description;
  gboolean             ha_enabled;
  gint64               ha_host_failures_to_tolerate;
  gboolean             ha_allow_overcommit;
  gboolean             migration_compression;
  const FerrySimValue *restrictions;        /* map; NULL: licensed, no restrictions */
  const FerrySimValue *other_config;        /* map or NULL */
  const char          *address_prefix;      /* hosts' addresses; NULL: "10.0.0." */
  gboolean             no_default_templates;
} FerrySimPoolSpec;

typedef struct
{
  const char             *name_label;
  const char             *name_description;
  const char             *address;          /* NULL: the pool's prefix + (10 + n) */
  const char             *version;          /* a version preset; NULL: "xenserver-8" */
  const FerrySimValue    *software_version; /* map of overrides, or NULL */
  const char             *cpu;              /* a CPU preset; NULL: "intel-icelake" */
  const char             *cpu_model;        /* overrides of the preset */
  const char             *cpu_features;     /* features_hvm words; features_pv follows */
  guint                   cpu_count;        /* 0: 32 */
  guint                   cpu_sockets;      /* 0: 2 */
  gint64                  memory_total;     /* 0: 256 GiB */
  gint64                  dom0_memory;      /* 0: 1 GiB + 5 %, at most 8 GiB */
  gboolean                disabled;
  gboolean                dead;             /* host_metrics.live = false */
  gboolean                no_iommu;
  gboolean                https_only;       /* TCP port 80 closed */
  gboolean                master;           /* else the first host is the master */
  const FerrySimNicSpec  *nics;             /* NULL: eth0 and eth1 at 10 Gbit/s */
  guint                   n_nics;
  const char * const     *hotfixes;
  const FerrySimValue    *other_config;
} FerrySimHostSpec;

typedef struct
{
  const char          *name_label;
  const char          *name_description;
  const char          *type;              /* "nfs", "lvm", "gfs2", "iso", … */
  int                  shared;            /* -1: by type */
  FerrySimRow         *host;              /* a local SR's host */
  FerrySimRow * const *hosts;             /* shared SR seen only by these; NULL: all */
  guint                n_hosts;
  gint64               physical_size;
  int                  thin;              /* -1: by type */
  const char          *content_type;      /* NULL: "user" ("iso" for ISO SRs) */
  double               bandwidth_mib_s;   /* 0: no attribute */
  gboolean             is_default;
  const FerrySimValue *other_config;
  const FerrySimValue *sm_config;
} FerrySimSrSpec;

typedef struct
{
  const char          *name_label;
  const char          *name_description;
  const char          *bridge;            /* NULL: xenbrN, or xapiN for a VLAN */
  gint64               mtu;               /* 0: 1500 */
  gint64               vlan;              /* 0: none */
  const char          *nic;               /* host NIC it runs on; NULL: eth0 */
  gboolean             management;
  gboolean             internal;          /* no PIFs */
  const char          *subnet;            /* "10.20.0.0/24": static PIF addresses */
  const FerrySimValue *other_config;
} FerrySimNetworkSpec;

typedef struct
{
  const char          *name_label;
  const char          *name_description;
  const char          *power_state;       /* "Halted", "Running", "Paused", "Suspended" */
  FerrySimRow         *host;              /* resident host (Running, Paused) */
  FerrySimRow         *affinity;
  gint64               memory_static_min; /* 0: derived from the others */
  gint64               memory_dynamic_min;
  gint64               memory_dynamic_max;
  gint64               memory_static_max;
  gint64               memory_actual;     /* 0: dynamic_max */
  gint64               vcpus_max;         /* 0: 2 */
  gint64               vcpus_at_startup;  /* 0: vcpus_max */
  const char          *os;                /* an OS preset; NULL: "other" */
  const FerrySimValue *os_version;        /* map of overrides, or NULL */
  const char          *domain_type;       /* NULL: from the OS preset */
  int                  tools;             /* -1: installed if the VM runs an OS preset */
  const char          *tools_version;     /* "9.4.0.146"; NULL: the OS preset's */
  gboolean             is_template;
  gboolean             is_default_template;
  gboolean             mcs;               /* Machine Creation Services markers */
  const FerrySimValue *platform;          /* merged over the OS preset's */
  const FerrySimValue *other_config;
  const FerrySimValue *blocked_operations;
  const FerrySimValue *tags;              /* array */
  const char          *ha_restart_priority; /* "restart", "best-effort" or "" */
  const char          *cpu_features;      /* last_boot_CPU_flags override */
  const char          *cpu_vendor;
  gint64               hardware_platform_version; /* -1: from the OS preset */
  double               dirty_rate_mib_s;  /* < 0: no attribute */
  double               compressibility;   /* < 0: no attribute */
  double               disk_write_mib_s;  /* < 0: no attribute */
} FerrySimVmSpec;

typedef struct
{
  const char          *name_label;
  FerrySimRow         *sr;
  gint64               virtual_size;
  gint64               physical_utilisation; /* -1: by the SR's provisioning */
  const char          *type;              /* NULL: "system" for the first disk, else "user" */
  const char          *on_boot;           /* NULL: "persist" */
  gboolean             caching;           /* IntelliCache */
  gboolean             cbt;
  gboolean             encrypted;
  gboolean             read_only;
  gboolean             sharable;
  int                  bootable;          /* -1: the first disk */
  const char          *userdevice;        /* NULL: next free */
  const FerrySimValue *other_config;
} FerrySimDiskSpec;

typedef struct
{
  FerrySimRow         *network;
  const char          *mac;               /* NULL: derived */
  const char          *device;            /* NULL: next free */
  const char          *ip;
  const char          *ipv6;
  gint64               mtu;               /* 0: the network's */
} FerrySimVifSpec;

/* Version presets fill host.software_version (xapi.md §0, §4.5). */
const char * const *ferry_sim_version_preset_names (void);
const char * const *ferry_sim_cpu_preset_names      (void);
const char * const *ferry_sim_os_preset_names       (void);
const char * const *ferry_sim_gpu_preset_names      (void);
gboolean            ferry_sim_gpu_preset_lookup     (const char      *name);
const char * const *ferry_sim_vgpu_type_names       (void);
gboolean            ferry_sim_vgpu_type_lookup      (const char      *name);
/* Default sharing and provisioning of an SR type; FALSE for an unknown type. */
gboolean            ferry_sim_sr_type_lookup        (const char      *type,
                                                     gboolean        *shared,
                                                     gboolean        *thin);
/* The features_hvm words of a CPU preset, and its vendor; NULL if unknown. */
char               *ferry_sim_cpu_preset_features   (const char      *name,
                                                     const char     **vendor);
/* CPU feature words "xxxxxxxx-xxxxxxxx-…": TRUE if @text is well formed. */
gboolean            ferry_sim_cpu_features_valid    (const char      *text);

/* @seed makes every ref, UUID, MAC and time stamp: the same calls with the
 * same seed give the same database. */
FerrySimBuilder *ferry_sim_builder_new            (FerrySimPool          *pool,
                                                   guint32                seed);
void             ferry_sim_builder_free           (FerrySimBuilder       *self);
/* A row of @class_name with a seeded ref and UUID. */
FerrySimRow     *ferry_sim_builder_create         (FerrySimBuilder       *self,
                                                   const char            *class_name);

FerrySimRow     *ferry_sim_builder_add_pool       (FerrySimBuilder       *self,
                                                   const FerrySimPoolSpec *spec);
FerrySimRow     *ferry_sim_builder_add_host       (FerrySimBuilder       *self,
                                                   const FerrySimHostSpec *spec);
FerrySimRow     *ferry_sim_builder_add_sr         (FerrySimBuilder       *self,
                                                   const FerrySimSrSpec  *spec);
/* An ISO image in an ISO SR. */
FerrySimRow     *ferry_sim_builder_add_iso        (FerrySimBuilder       *self,
                                                   FerrySimRow           *sr,
                                                   const char            *name,
                                                   gint64                 size);
FerrySimRow     *ferry_sim_builder_add_network    (FerrySimBuilder       *self,
                                                   const FerrySimNetworkSpec *spec);
/* A GPU card (see ferry_sim_gpu_preset_names) in @host. */
void             ferry_sim_builder_add_gpu        (FerrySimBuilder       *self,
                                                   FerrySimRow           *host,
                                                   const char            *preset);
/* A USB device in @host that can be passed through. Returns the PUSB. */
FerrySimRow     *ferry_sim_builder_add_usb        (FerrySimBuilder       *self,
                                                   FerrySimRow           *host,
                                                   const char            *description,
                                                   const char            *vendor_id,
                                                   const char            *product_id);
/* A PCI device in @host that can be passed through. Returns the PCI. */
FerrySimRow     *ferry_sim_builder_add_pci        (FerrySimBuilder       *self,
                                                   FerrySimRow           *host,
                                                   const char            *class_name,
                                                   const char            *vendor_name,
                                                   const char            *device_name);

FerrySimRow     *ferry_sim_builder_add_vm         (FerrySimBuilder       *self,
                                                   const FerrySimVmSpec  *spec);
/* A disk: VDI and VBD. Returns the VDI. */
FerrySimRow     *ferry_sim_builder_add_disk       (FerrySimBuilder       *self,
                                                   FerrySimRow           *vm,
                                                   const FerrySimDiskSpec *spec);
/* A CD drive, with @iso inserted or empty. Returns the VBD. */
FerrySimRow     *ferry_sim_builder_add_cd         (FerrySimBuilder       *self,
                                                   FerrySimRow           *vm,
                                                   FerrySimRow           *iso);
FerrySimRow     *ferry_sim_builder_add_vif        (FerrySimBuilder       *self,
                                                   FerrySimRow           *vm,
                                                   const FerrySimVifSpec *spec);
/* Passes @pci through to @vm (other_config:pci; attached while it runs). */
void             ferry_sim_builder_attach_pci     (FerrySimBuilder       *self,
                                                   FerrySimRow           *vm,
                                                   FerrySimRow           *pci);
/* A vGPU of @type_name (ferry_sim_vgpu_type_names). A running VM's vGPU sits on a
 * pGPU of its host with room left; returns NULL if there is none. */
FerrySimRow     *ferry_sim_builder_add_vgpu       (FerrySimBuilder       *self,
                                                   FerrySimRow           *vm,
                                                   const char            *type_name,
                                                   gint64                 state_size);
FerrySimRow     *ferry_sim_builder_add_vusb       (FerrySimBuilder       *self,
                                                   FerrySimRow           *vm,
                                                   FerrySimRow           *pusb);
/* The memory image of a suspended VM, on @sr. Returns the VDI. */
FerrySimRow     *ferry_sim_builder_add_suspend_image (FerrySimBuilder    *self,
                                                   FerrySimRow           *vm,
                                                   FerrySimRow           *sr);
/* A snapshot of @vm with its disks and VIFs; @time is "YYYYMMDDTHH:MM:SSZ" or NULL. */
FerrySimRow     *ferry_sim_builder_add_snapshot   (FerrySimBuilder       *self,
                                                   FerrySimRow           *vm,
                                                   const char            *name,
                                                   const char            *time);

/* Space used on @sr by data that is not a VDI. */
void             ferry_sim_builder_set_sr_extra_used (FerrySimBuilder    *self,
                                                   FerrySimRow           *sr,
                                                   gint64                 extra);
/* The sums over the VDIs on @sr now. */
gint64           ferry_sim_builder_get_sr_vdi_usage (FerrySimBuilder     *self,
                                                   FerrySimRow           *sr,
                                                   gint64                *virtual_allocation);
/* Host memory left: total − overhead − Σ (memory_actual + overhead) of the
 * VMs resident on it. Negative when overcommitted. */
gint64           ferry_sim_builder_get_host_free_memory (FerrySimBuilder *self,
                                                   FerrySimRow           *host);
/* The memory_overhead xapi would compute for @vm (xapi.md §4.4). */
gint64           ferry_sim_vm_memory_overhead     (gint64                 static_max,
                                                   gint64                 vcpus,
                                                   const char            *domain_type,
                                                   double                 shadow_multiplier);

/* Completes what depends on everything else: PIFs, cluster membership, pool
 * CPU levelling, last-boot CPU flags, SR usage, host free memory. Call once,
 * at the end. (VM.allowed_operations is ferry_sim_lifecycle_refresh()'s job;
 * the world runs it when a pool joins.) */
void             ferry_sim_builder_finish         (FerrySimBuilder       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerrySimBuilder, ferry_sim_builder_free)

G_END_DECLS
