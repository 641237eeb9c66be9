/* ferry-sim-builder.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-sim-builder"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ferry-sim-builder.h"

/* Presets ----------------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *product_brand;
  const char *product_version;
  const char *product_version_text;
  const char *product_version_text_short;
  const char *platform_version;
  const char *build_number;
  const char *xapi;
  const char *xapi_build;
  const char *xen;
  const char *linux_version;
  const char *db_schema;
  const char *date;
  gint64      api_major;
  gint64      api_minor;
  const char *edition;
} VersionPreset;

/* Values follow xapi.md §0 and §4.5; build numbers and dates are illustrative. */
static const VersionPreset version_presets[] = {
  { "xenserver-7.1-cu2", "XenServer", "7.1.2", "7.1", "7.1 CU2", "2.2.2", "137272c",
    "1.9", "1.9.0", "4.7.6-6.9", "4.4.0+10", "5.120", "2019-10-29", 2, 7, "enterprise-per-socket" },
  { "citrix-hypervisor-8.2-cu1", "Citrix Hypervisor", "8.2.1", "8.2", "8.2 CU1", "3.2.1",
    "release/yangtze/master/58", "1.20", "1.249.26", "4.13.5-9.38", "4.19.0+1", "5.602",
    "2022-11-07", 2, 15, "enterprise-per-socket" },
  { "xcp-ng-8.2", "XCP-ng", "8.2.1", "8.2", "8.2", "3.2.1", "release/yangtze/master/58",
    "1.20", "1.249.37", "4.13.5-9.40", "4.19.0+1", "5.602", "2024-03-18", 2, 15, "xcp-ng" },
  { "xcp-ng-8.3", "XCP-ng", "8.3.0", "8.3", "8.3", "3.4.0", "cloud",
    "25.6", "25.6.0", "4.17.5-15", "4.19.0+1", "5.786", "2025-06-16", 2, 21, "xcp-ng" },
  { "xenserver-8", "XenServer", "8.4.0", "8", "8", "3.4.0", "8.4.0",
    "25.33", "25.33.1", "4.17.5-20", "4.19.0+1", "5.786", "2025-10-20", 2, 21, "premium" },
};

#define N_FEATURE_WORDS 12

typedef struct
{
  const char *name;
  const char *vendor;
  const char *modelname;
  const char *family;
  const char *model;
  const char *stepping;
  gint64      speed;   /* MHz */
  guint       level;   /* generation within the vendor */
  const char *flags;
} CpuPreset;

static const CpuPreset cpu_presets[] = {
  { "intel-broadwell", "GenuineIntel", "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", "6", "79", "1", 2400, 0,
    "fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush acpi mmx fxsr sse sse2 ss ht syscall nx lm constant_tsc rep_good nopl nonstop_tsc cpuid pni pclmulqdq monitor est ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch fsgsbase bmi1 hle avx2 bmi2 erms rtm rdseed adx xsaveopt" },
  { "intel-cascadelake", "GenuineIntel", "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "6", "85", "7", 2500, 1,
    "fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush acpi mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid pni pclmulqdq monitor est ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch fsgsbase bmi1 hle avx2 bmi2 erms rtm mpx avx512f avx512dq rdseed adx clflushopt clwb avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 avx512_vnni md_clear arch_capabilities" },
  { "intel-icelake", "GenuineIntel", "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", "6", "106", "6", 2000, 2,
    "fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush acpi mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid pni pclmulqdq monitor est ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch fsgsbase bmi1 hle avx2 bmi2 erms rtm avx512f avx512dq rdseed adx avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 wbnoinvd avx512vbmi umip pku avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq rdpid md_clear arch_capabilities" },
  { "intel-sapphirerapids", "GenuineIntel", "Intel(R) Xeon(R) Gold 6430", "6", "143", "8", 2100, 3,
    "fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush acpi mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid pni pclmulqdq monitor est ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch fsgsbase bmi1 hle avx2 bmi2 erms rtm avx512f avx512dq rdseed adx avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 wbnoinvd avx512vbmi umip pku avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq rdpid cldemote movdiri movdir64b serialize tsxldtrk amx_bf16 avx512_fp16 amx_tile amx_int8 avx_vnni avx512_bf16 md_clear arch_capabilities" },
  { "intel-xeon-e2200", "GenuineIntel", "Intel(R) Xeon(R) E-2278G CPU @ 3.40GHz", "6", "158", "13", 3400, 0,
    "fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush acpi mmx fxsr sse sse2 ss ht syscall nx lm constant_tsc rep_good nopl nonstop_tsc cpuid pni pclmulqdq monitor est ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch fsgsbase bmi1 avx2 bmi2 erms rdseed adx clflushopt xsaveopt xsavec md_clear" },
  { "amd-rome", "AuthenticAMD", "AMD EPYC 7502 32-Core Processor", "23", "49", "0", 2500, 0,
    "fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext perfctr_core fsgsbase bmi1 avx2 bmi2 rdseed adx clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 clzero rdpru wbnoinvd" },
  { "amd-milan", "AuthenticAMD", "AMD EPYC 7543 32-Core Processor", "25", "1", "1", 2800, 1,
    "fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext perfctr_core invpcid_single fsgsbase bmi1 avx2 bmi2 invpcid rdseed adx clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 clzero rdpru wbnoinvd umip pku vaes vpclmulqdq rdpid fsrm" },
  { "amd-genoa", "AuthenticAMD", "AMD EPYC 9354 32-Core Processor", "25", "17", "1", 3250, 2,
    "fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext perfctr_core invpcid_single fsgsbase bmi1 avx2 bmi2 invpcid avx512f avx512dq rdseed adx avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 avx512_bf16 clzero rdpru wbnoinvd avx512vbmi umip pku avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq rdpid fsrm" },
};

/* Feature words: a vendor's base set, and the bits each newer generation adds. */
static const guint32 intel_base[N_FEATURE_WORDS] = {
  0x1fcbfbff, 0xf7fa3203, 0x2c100800, 0x00000121, 0x00000001, 0x001c0fbb,
  0x00000000, 0x00000000, 0x00000000, 0x0c000400, 0x00000000, 0x00000000,
};
static const guint32 intel_adds[4][N_FEATURE_WORDS] = {
  { 0 },
  { 0, 0, 0x04000000, 0, 0x0000000e, 0xd19f4000, 0x00000808, 0, 0, 0xb0000000, 0, 0 },
  { 0, 0, 0, 0, 0, 0x2c200000, 0x00405f5a, 0, 0x00000200, 0x00000010, 0, 0 },
  { 0, 0, 0, 0, 0, 0x00000044, 0x1a000000, 0, 0x01000000, 0x03c10000, 0x00000030, 0 },
};
static const guint32 amd_base[N_FEATURE_WORDS] = {
  0x178bfbff, 0xf6d83203, 0x2fd3fbff, 0x75c237ff, 0x0000000f, 0x219c91a9,
  0x00400004, 0x00000000, 0x110ed205, 0x00000000, 0x00000000, 0x00000000,
};
static const guint32 amd_adds[3][N_FEATURE_WORDS] = {
  { 0 },
  { 0, 0, 0, 0, 0, 0x00000600, 0x00000640, 0, 0x00001000, 0x00000010, 0, 0 },
  { 0, 0, 0, 0, 0, 0xd0230000, 0x00005a1a, 0, 0x00040000, 0, 0x00000020, 0 },
};
/* PV guests see fewer features: no VMX/SVM, no x2APIC, no TSC deadline. */
static const guint32 pv_mask[N_FEATURE_WORDS] = {
  0xffffffff, 0xfedfffdf, 0xffffffff, 0xfffffffb, 0xffffffff, 0xffffffff,
  0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
};

typedef struct
{
  const char *name;
  const char *distro;
  const char *os_name;
  const char *major;
  const char *minor;
  const char *uname;       /* Linux kernel, or NULL */
  const char *domain_type;
  const char *template_name;
  const char *tools;       /* PV_drivers_version: major.minor.micro.build */
  gboolean    windows;
  gboolean    uefi;
} OsPreset;

static const OsPreset os_presets[] = {
  { "windows-server-2016", "windows", "Microsoft Windows Server 2016 Standard|C:\\Windows|\\Device\\Harddisk0\\Partition2",
    "10", "0", NULL, "hvm", "Windows Server 2016 (64-bit)", "9.3.3.68", TRUE, FALSE },
  { "windows-server-2019", "windows", "Microsoft Windows Server 2019 Standard|C:\\Windows|\\Device\\Harddisk0\\Partition2",
    "10", "0", NULL, "hvm", "Windows Server 2019 (64-bit)", "9.4.0.146", TRUE, FALSE },
  { "windows-server-2022", "windows", "Microsoft Windows Server 2022 Standard|C:\\Windows|\\Device\\Harddisk0\\Partition2",
    "10", "0", NULL, "hvm", "Windows Server 2022 (64-bit)", "9.4.0.146", TRUE, TRUE },
  { "windows-10", "windows", "Microsoft Windows 10 Enterprise|C:\\Windows|\\Device\\Harddisk0\\Partition2",
    "10", "0", NULL, "hvm", "Windows 10 (64-bit)", "9.4.0.146", TRUE, TRUE },
  { "windows-11", "windows", "Microsoft Windows 11 Enterprise|C:\\Windows|\\Device\\Harddisk0\\Partition2",
    "10", "0", NULL, "hvm", "Windows 11", "9.4.0.146", TRUE, TRUE },
  { "debian-12", "debian", "Debian GNU/Linux 12 (bookworm)", "12", "7", "6.1.0-26-amd64",
    "hvm", "Debian Bookworm 12", "8.4.0.1", FALSE, FALSE },
  { "ubuntu-22.04", "ubuntu", "Ubuntu 22.04.4 LTS", "22", "04", "5.15.0-105-generic",
    "hvm", "Ubuntu Jammy Jellyfish 22.04", "8.4.0.1", FALSE, FALSE },
  { "ubuntu-24.04", "ubuntu", "Ubuntu 24.04.1 LTS", "24", "04", "6.8.0-45-generic",
    "hvm", "Ubuntu Noble Numbat 24.04", "8.4.0.1", FALSE, TRUE },
  { "rhel-9", "rhel", "Red Hat Enterprise Linux 9.4 (Plow)", "9", "4", "5.14.0-427.13.1.el9_4.x86_64",
    "hvm", "Red Hat Enterprise Linux 9", "8.4.0.1", FALSE, TRUE },
  { "rocky-8", "rocky", "Rocky Linux 8.10 (Green Obsidian)", "8", "10", "4.18.0-553.el8_10.x86_64",
    "hvm", "Rocky Linux 8", "8.4.0.1", FALSE, FALSE },
  { "centos-6", "centos", "CentOS release 6.10 (Final)", "6", "10", "2.6.32-754.35.1.el6.x86_64",
    "pv", "CentOS 6 (64-bit)", "7.30.0.10", FALSE, FALSE },
  { "sles-15", "sles", "SUSE Linux Enterprise Server 15 SP5", "15", "5", "5.14.21-150500.55.52-default",
    "hvm", "SUSE Linux Enterprise Server 15 (64-bit)", "8.4.0.1", FALSE, FALSE },
  { "other", "", "", "", "", NULL, "hvm", "Other install media", NULL, FALSE, FALSE },
};

typedef struct
{
  const char *name;
  const char *vendor_name;
  const char *model_name;
  const char *implementation;
  gint64      framebuffer;
  gint64      max_heads;
  gint64      max_x;
  gint64      max_y;
  gint64      capacity;     /* per pGPU */
  const char *identifier;
} VgpuTypePreset;

static const VgpuTypePreset vgpu_type_presets[] = {
  { "passthrough", "", "passthrough", "passthrough", 0, 0, 0, 0, 1, "passthrough" },
  { "intel-gvt-g", "Intel Corporation", "Intel GVT-g", "gvt_g", 128 * FERRY_SIM_MiB, 1, 1920, 1200, 7,
    "0001/8086/3e96/low_gm_sz=128,high_gm_sz=512,fence_sz=4,monitor_config_file=/etc/gvt-g-monitor.conf" },
  { "nvidia-t4-4q", "NVIDIA Corporation", "GRID T4-4Q", "nvidia", 4 * FERRY_SIM_GiB, 4, 7680, 4320, 4,
    "0001/10de/1eb8/0230" },
  { "nvidia-t4-8q", "NVIDIA Corporation", "GRID T4-8Q", "nvidia", 8 * FERRY_SIM_GiB, 4, 7680, 4320, 2,
    "0001/10de/1eb8/0231" },
  { "nvidia-a16-4q", "NVIDIA Corporation", "NVIDIA A16-4Q", "nvidia_sriov", 4 * FERRY_SIM_GiB, 4, 7680, 4320, 4,
    "0001/10de/25b6/0300" },
  { "nvidia-a16-8q", "NVIDIA Corporation", "NVIDIA A16-8Q", "nvidia_sriov", 8 * FERRY_SIM_GiB, 4, 7680, 4320, 2,
    "0001/10de/25b6/0301" },
  { "amd-mxgpu-s7150", "Advanced Micro Devices, Inc. [AMD/ATI]", "FirePro S7150 MxGPU 4GiB", "mxgpu",
    4 * FERRY_SIM_GiB, 2, 4096, 2160, 4, "0001/1002/6929/4096" },
};

typedef struct
{
  const char *name;
  const char *class_name;
  const char *vendor_name;
  const char *device_name;
  const char *types[4];
  gboolean    system_display;
  gboolean    nvidia;
} GpuPreset;

static const GpuPreset gpu_presets[] = {
  { "intel-p630", "VGA compatible controller", "Intel Corporation", "CoffeeLake-S GT2 [UHD Graphics P630]",
    { "intel-gvt-g", "passthrough" }, TRUE, FALSE },
  { "nvidia-t4", "3D controller", "NVIDIA Corporation", "TU104GL [Tesla T4]",
    { "nvidia-t4-4q", "nvidia-t4-8q", "passthrough" }, FALSE, TRUE },
  { "nvidia-a16", "3D controller", "NVIDIA Corporation", "GA107GL [A16]",
    { "nvidia-a16-4q", "nvidia-a16-8q", "passthrough" }, FALSE, TRUE },
  { "amd-s7150", "VGA compatible controller", "Advanced Micro Devices, Inc. [AMD/ATI]", "Tonga XT GL [FirePro S7150]",
    { "amd-mxgpu-s7150", "passthrough" }, FALSE, FALSE },
};

typedef struct
{
  const char *type;
  const char *name_label;
  gboolean    shared;
  gboolean    thin;
  gboolean    mirror;
  gboolean    snapshot;
  gboolean    iso;
} SrTypeInfo;

static const SrTypeInfo sr_types[] = {
  { "lvm",        "Local LVM",                   FALSE, FALSE, TRUE,  TRUE,  FALSE },
  { "ext",        "Local EXT3 VHD",              FALSE, TRUE,  TRUE,  TRUE,  FALSE },
  { "xfs",        "Local XFS VHD",               FALSE, TRUE,  TRUE,  TRUE,  FALSE },
  { "largeblock", "Large Block SR",              FALSE, FALSE, TRUE,  TRUE,  FALSE },
  { "nfs",        "NFS VHD",                     TRUE,  TRUE,  TRUE,  TRUE,  FALSE },
  { "smb",        "SMB VHD",                     TRUE,  TRUE,  TRUE,  TRUE,  FALSE },
  { "lvmoiscsi",  "LVM over iSCSI",              TRUE,  FALSE, TRUE,  TRUE,  FALSE },
  { "lvmohba",    "LVM over FC",                 TRUE,  FALSE, TRUE,  TRUE,  FALSE },
  { "gfs2",       "GFS2 clustered file system",  TRUE,  TRUE,  FALSE, TRUE,  FALSE },
  { "iso",        "ISO",                         TRUE,  TRUE,  FALSE, FALSE, TRUE },
  { "udev",       "Local removable storage",     FALSE, FALSE, FALSE, FALSE, FALSE },
};

static const SrTypeInfo *
lookup_sr_type (const char *type)
{
  for (guint i = 0; type && i < G_N_ELEMENTS (sr_types); i++)
    if (g_str_equal (sr_types[i].type, type))
      return &sr_types[i];
  return NULL;
}

#define DEFINE_PRESET_NAMES(func, table)                                    \
  const char * const *                                                      \
  func (void)                                                               \
  {                                                                         \
    static const char *names[G_N_ELEMENTS (table) + 1];                     \
    static gsize done = 0;                                                  \
    if (g_once_init_enter (&done))                                          \
      {                                                                     \
        for (guint i = 0; i < G_N_ELEMENTS (table); i++)                    \
          names[i] = table[i].name;                                         \
        g_once_init_leave (&done, 1);                                       \
      }                                                                     \
    return names;                                                           \
  }

DEFINE_PRESET_NAMES (ferry_sim_version_preset_names, version_presets)
DEFINE_PRESET_NAMES (ferry_sim_cpu_preset_names, cpu_presets)
DEFINE_PRESET_NAMES (ferry_sim_os_preset_names, os_presets)
DEFINE_PRESET_NAMES (ferry_sim_gpu_preset_names, gpu_presets)
DEFINE_PRESET_NAMES (ferry_sim_vgpu_type_names, vgpu_type_presets)

#define DEFINE_PRESET_LOOKUP(func, type, table)                             \
  static const type *                                                       \
  func (const char *name)                                                   \
  {                                                                         \
    for (guint i = 0; name && i < G_N_ELEMENTS (table); i++)                \
      if (g_str_equal (table[i].name, name))                                \
        return &table[i];                                                   \
    return NULL;                                                            \
  }

DEFINE_PRESET_LOOKUP (find_version_preset, VersionPreset, version_presets)
DEFINE_PRESET_LOOKUP (find_cpu_preset, CpuPreset, cpu_presets)
DEFINE_PRESET_LOOKUP (find_os_preset, OsPreset, os_presets)
DEFINE_PRESET_LOOKUP (find_gpu_preset, GpuPreset, gpu_presets)
DEFINE_PRESET_LOOKUP (find_vgpu_type_preset, VgpuTypePreset, vgpu_type_presets)

gboolean
ferry_sim_gpu_preset_lookup (const char *name)
{
  return find_gpu_preset (name) != NULL;
}

gboolean
ferry_sim_vgpu_type_lookup (const char *name)
{
  return find_vgpu_type_preset (name) != NULL;
}

gboolean
ferry_sim_sr_type_lookup (const char *type,
                          gboolean   *shared,
                          gboolean   *thin)
{
  const SrTypeInfo *info = lookup_sr_type (type);

  if (info == NULL)
    return FALSE;
  if (shared)
    *shared = info->shared;
  if (thin)
    *thin = info->thin;
  return TRUE;
}

gboolean
ferry_sim_cpu_features_valid (const char *text)
{
  guint digits = 0;

  if (text == NULL || *text == '\0')
    return FALSE;

  for (const char *p = text; ; p++)
    {
      if (*p == '-' || *p == '\0')
        {
          if (digits != 8)
            return FALSE;
          if (*p == '\0')
            return TRUE;
          digits = 0;
        }
      else if (g_ascii_isxdigit (*p))
        digits++;
      else
        return FALSE;
    }
}

static char *
format_features (const guint32 *words)
{
  GString *out = g_string_sized_new (N_FEATURE_WORDS * 9);

  for (guint i = 0; i < N_FEATURE_WORDS; i++)
    g_string_append_printf (out, "%s%08x", i ? "-" : "", words[i]);
  return g_string_free (out, FALSE);
}

static void
preset_features (const CpuPreset *preset,
                 guint32         *words)
{
  gboolean amd = g_str_equal (preset->vendor, "AuthenticAMD");

  memcpy (words, amd ? amd_base : intel_base, sizeof (guint32) * N_FEATURE_WORDS);
  for (guint level = 1; level <= preset->level; level++)
    for (guint i = 0; i < N_FEATURE_WORDS; i++)
      words[i] |= amd ? amd_adds[level][i] : intel_adds[level][i];
}

char *
ferry_sim_cpu_preset_features (const char  *name,
                               const char **vendor)
{
  const CpuPreset *preset = find_cpu_preset (name);
  guint32 words[N_FEATURE_WORDS];

  if (preset == NULL)
    return NULL;
  if (vendor)
    *vendor = preset->vendor;
  preset_features (preset, words);
  return format_features (words);
}

/* Parses "xxxxxxxx-…" into at most N_FEATURE_WORDS words; the rest are zero. */
static guint
parse_features (const char *text,
                guint32    *words,
                guint       max_words)
{
  guint n = 0;

  memset (words, 0, sizeof (guint32) * max_words);
  while (text && *text && n < max_words)
    {
      words[n++] = (guint32) g_ascii_strtoull (text, NULL, 16);
      text = strchr (text, '-');
      if (text)
        text++;
    }
  return n;
}

/* The builder ------------------------------------------------------------- */

typedef struct
{
  FerrySimRow     *row;
  guint            index;
  char            *address;
  const CpuPreset *cpu;
  char            *features_hvm;
  char            *features_pv;
  GArray          *nics;          /* of FerrySimNicSpec, names owned */
  guint            next_domid;
  guint            next_pci_bus;
  guint            next_usb_port;
} HostInfo;

typedef struct
{
  FerrySimRow *row;
  gboolean     local;
  GPtrArray   *hosts;            /* host rows with a PBD; NULL: all */
  gint64       extra_used;
} SrInfo;

typedef struct
{
  FerrySimRow *row;
  char        *nic;
  gint64       vlan;
  gboolean     management;
  gboolean     internal;
  char        *subnet;
} NetInfo;

struct _FerrySimBuilder
{
  FerrySimPool *pool;
  FerrySimDb   *db;
  GRand        *rand;
  gint64        base_time;       /* unix time "now" in the simulated world */
  char         *address_prefix;

  FerrySimRow  *pool_row;
  GPtrArray    *hosts;           /* of HostInfo */
  GHashTable   *host_by_ref;     /* ref -> HostInfo */
  GPtrArray    *srs;             /* of SrInfo */
  GHashTable   *sr_by_ref;
  GPtrArray    *networks;        /* of NetInfo */
  GHashTable   *sm_by_type;      /* type -> SM row */
  GHashTable   *vgpu_types;      /* preset name -> VGPU_type row */
  GHashTable   *gpu_groups;      /* GPU preset name -> GPU_group row */
  FerrySimRow  *cluster;
  GHashTable   *levelled;        /* "vendor/hvm" -> features, filled by finish */
  guint         n_bridges;
  gboolean      finished;
};

static void
host_info_free (gpointer data)
{
  HostInfo *info = data;

  for (guint i = 0; i < info->nics->len; i++)
    g_free ((char *) g_array_index (info->nics, FerrySimNicSpec, i).name);
  g_array_unref (info->nics);
  g_free (info->address);
  g_free (info->features_hvm);
  g_free (info->features_pv);
  g_free (info);
}

static void
sr_info_free (gpointer data)
{
  SrInfo *info = data;

  g_clear_pointer (&info->hosts, g_ptr_array_unref);
  g_free (info);
}

static void
net_info_free (gpointer data)
{
  NetInfo *info = data;

  g_free (info->nic);
  g_free (info->subnet);
  g_free (info);
}

FerrySimBuilder *
ferry_sim_builder_new (FerrySimPool *pool,
                       guint32       seed)
{
  FerrySimBuilder *self;

  g_return_val_if_fail (FERRY_SIM_IS_POOL (pool), NULL);

  self = g_new0 (FerrySimBuilder, 1);
  self->pool = g_object_ref (pool);
  self->db = ferry_sim_pool_get_db (pool);
  self->rand = g_rand_new_with_seed (seed);
  /* 2025-06-02T08:00:00Z, moved by up to a day by the seed */
  self->base_time = G_GINT64_CONSTANT (1748851200) + seed % 86400;
  self->address_prefix = g_strdup ("10.0.0.");
  self->hosts = g_ptr_array_new_with_free_func (host_info_free);
  self->host_by_ref = g_hash_table_new (g_str_hash, g_str_equal);
  self->srs = g_ptr_array_new_with_free_func (sr_info_free);
  self->sr_by_ref = g_hash_table_new (g_str_hash, g_str_equal);
  self->networks = g_ptr_array_new_with_free_func (net_info_free);
  self->sm_by_type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->vgpu_types = g_hash_table_new (g_str_hash, g_str_equal);
  self->gpu_groups = g_hash_table_new (g_str_hash, g_str_equal);
  self->levelled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return self;
}

void
ferry_sim_builder_free (FerrySimBuilder *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->host_by_ref);
  g_ptr_array_unref (self->hosts);
  g_hash_table_unref (self->sr_by_ref);
  g_ptr_array_unref (self->srs);
  g_ptr_array_unref (self->networks);
  g_hash_table_unref (self->sm_by_type);
  g_hash_table_unref (self->vgpu_types);
  g_hash_table_unref (self->gpu_groups);
  g_hash_table_unref (self->levelled);
  g_rand_free (self->rand);
  g_free (self->address_prefix);
  g_object_unref (self->pool);
  g_free (self);
}

/* Small helpers ----------------------------------------------------------- */

static void
append_hex (char    *out,
            guint32  value,
            guint    digits)
{
  static const char hex[] = "0123456789abcdef";

  for (guint i = 0; i < digits; i++)
    out[i] = hex[(value >> (4 * (digits - 1 - i))) & 0xf];
}

static void
make_uuid (FerrySimBuilder *self,
           char             out[37])
{
  guint32 w[4];

  for (guint i = 0; i < 4; i++)
    w[i] = g_rand_int (self->rand);
  /* A version 4 UUID, like xapi's: xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx */
  append_hex (out, w[0], 8);
  out[8] = '-';
  append_hex (out + 9, w[1] >> 16, 4);
  out[13] = '-';
  append_hex (out + 14, 0x4000 | (w[1] & 0x0fff), 4);
  out[18] = '-';
  append_hex (out + 19, 0x8000 | ((w[2] >> 16) & 0x3fff), 4);
  out[23] = '-';
  append_hex (out + 24, w[2] & 0xffff, 4);
  append_hex (out + 28, w[3], 8);
  out[36] = '\0';
}

FerrySimRow *
ferry_sim_builder_create (FerrySimBuilder *self,
                          const char      *class_name)
{
  FerrySimClass *klass = ferry_sim_schema_lookup_class (class_name);
  char ref[48] = "OpaqueRef:";
  char uuid[37];
  FerrySimRow *row;

  g_return_val_if_fail (klass != NULL, NULL);

  do
    {
      make_uuid (self, ref + strlen ("OpaqueRef:"));
      make_uuid (self, uuid);
      row = ferry_sim_db_create_row (self->db, klass, ref, uuid);
    }
  while (row == NULL);

  return row;
}

/* NULL or "" in a ref field is the null ref. */
static void
set_str (FerrySimBuilder *self,
         FerrySimRow     *row,
         const char      *field,
         const char      *text)
{
  if (text == NULL || *text == '\0')
    {
      FerrySimField *f = ferry_sim_class_lookup_field (row->klass, field);

      text = f && f->type->kind == FERRY_SIM_TYPE_REF ? FERRY_SIM_NULL_REF : "";
    }
  ferry_sim_db_set_string (self->db, row, field, text);
}

static void
set_int (FerrySimBuilder *self,
         FerrySimRow     *row,
         const char      *field,
         gint64           i)
{
  ferry_sim_db_set_int (self->db, row, field, i);
}

static void
set_bool (FerrySimBuilder *self,
          FerrySimRow     *row,
          const char      *field,
          gboolean         b)
{
  ferry_sim_db_set_bool (self->db, row, field, b);
}

static void
set_float (FerrySimBuilder *self,
           FerrySimRow     *row,
           const char      *field,
           double           d)
{
  ferry_sim_db_set_float (self->db, row, field, d);
}

static void
set_time (FerrySimBuilder *self,
          FerrySimRow     *row,
          const char      *field,
          gint64           unix_time)
{
  FerrySimValue value = FERRY_SIM_VALUE_INIT;
  gint64 days = unix_time >= 0 ? unix_time / 86400 : 0;
  gint64 secs = unix_time >= 0 ? unix_time % 86400 : 0;
  gint64 y, m, d, doe, yoe, doy, mp, era;
  char text[32];

  /* Civil date from days since 1970 (H. Hinnant's algorithm): no GDateTime per row. */
  days += 719468;
  era = days / 146097;
  doe = days - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;

  g_snprintf (text, sizeof text, "%04d%02d%02dT%02d:%02d:%02dZ", (int) y, (int) m, (int) d,
              (int) (secs / 3600), (int) (secs / 60 % 60), (int) (secs % 60));
  ferry_sim_value_set_datetime (&value, text);
  ferry_sim_db_set_value (self->db, row, field, &value);
}

static void
set_time_text (FerrySimBuilder *self,
               FerrySimRow     *row,
               const char      *field,
               const char      *text)
{
  FerrySimValue value = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_set_datetime (&value, text);
  ferry_sim_db_set_value (self->db, row, field, &value);
}

/* Merges the string pairs of @src into the map @map. */
static void
map_merge (FerrySimValue       *map,
           const FerrySimValue *src)
{
  if (src == NULL || src->kind != FERRY_SIM_VALUE_MAP)
    return;

  for (guint i = 0; i < ferry_sim_value_get_length (src); i++)
    {
      const FerrySimPair *pair = ferry_sim_value_pair (src, i);
      FerrySimValue copy = FERRY_SIM_VALUE_INIT;

      ferry_sim_value_copy (&copy, &pair->value);
      ferry_sim_value_insert (map, pair->key, &copy);
    }
}

/* Sets a map from key, value, …, NULL pairs, then merges @extra over it. */
static void
set_map (FerrySimBuilder     *self,
         FerrySimRow         *row,
         const char          *field,
         const FerrySimValue *extra,
         ...)
{
  FerrySimValue map = FERRY_SIM_VALUE_INIT;
  const char *key;
  va_list args;

  ferry_sim_value_set_map (&map);
  va_start (args, extra);
  while ((key = va_arg (args, const char *)) != NULL)
    ferry_sim_value_insert_string (&map, key, va_arg (args, const char *));
  va_end (args);
  map_merge (&map, extra);
  ferry_sim_db_set_value (self->db, row, field, &map);
}

static void
set_strv (FerrySimBuilder    *self,
          FerrySimRow        *row,
          const char         *field,
          const char * const *strv)
{
  FerrySimValue array = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_set_array (&array);
  for (guint i = 0; strv && strv[i]; i++)
    ferry_sim_value_append_string (&array, strv[i]);
  ferry_sim_db_set_value (self->db, row, field, &array);
}

/* Appends to a set that no ref field maintains (many-to-many links). */
static void
add_to_set (FerrySimBuilder *self,
            FerrySimRow     *row,
            const char      *field,
            const char      *text)
{
  ferry_sim_db_set_add (self->db, row, field, text);
}

static void
set_sim (FerrySimBuilder *self,
         const char      *ref,
         const char      *key,
         double           value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buf, sizeof buf, "%.6g", value);
  ferry_sim_pool_set_sim_attribute (self->pool, ref, key, buf);
}

static void
make_mac (FerrySimBuilder *self,
          char             out[18])
{
  guint32 a = g_rand_int (self->rand);
  guint32 b = g_rand_int (self->rand);

  /* Locally administered, unicast. */
  g_snprintf (out, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
              ((a >> 24) & 0xfc) | 0x02, (a >> 16) & 0xff, (a >> 8) & 0xff,
              a & 0xff, (b >> 8) & 0xff, b & 0xff);
}

static const char *
row_str (FerrySimRow *row,
         const char  *field)
{
  const char *text = ferry_sim_row_get_string (row, field);

  return text ? text : "";
}

static gboolean
is_null_ref (const char *ref)
{
  return ref == NULL || *ref == '\0' || g_str_equal (ref, FERRY_SIM_NULL_REF);
}

static gint64
round_mib (gint64 bytes)
{
  return (bytes + FERRY_SIM_MiB - 1) / FERRY_SIM_MiB * FERRY_SIM_MiB;
}

/* Pool -------------------------------------------------------------------- */

static void add_default_templates (FerrySimBuilder *self);

FerrySimRow *
ferry_sim_builder_add_pool (FerrySimBuilder        *self,
                            const FerrySimPoolSpec *spec)
{
  FerrySimRow *pool;
  FerrySimValue restrictions = FERRY_SIM_VALUE_INIT;

  g_return_val_if_fail (self->pool_row == NULL, NULL);

  pool = self->pool_row = ferry_sim_builder_create (self, "pool");
  set_str (self, pool, "name_label", spec->name_label);
  set_str (self, pool, "name_description", spec->name_description);
  set_bool (self, pool, "ha_enabled", spec->ha_enabled);
  set_int (self, pool, "ha_host_failures_to_tolerate", spec->ha_enabled ? spec->ha_host_failures_to_tolerate : 0);
  set_int (self, pool, "ha_plan_exists_for", spec->ha_enabled ? spec->ha_host_failures_to_tolerate : 0);
  set_bool (self, pool, "ha_allow_overcommit", spec->ha_allow_overcommit);
  set_bool (self, pool, "ha_overcommitted", FALSE);
  set_bool (self, pool, "migration_compression", spec->migration_compression);
  set_map (self, pool, "other_config", spec->other_config,
           "auto_poweron", "false",
           "memory-ratio-hvm", "0.25",
           "memory-ratio-pv", "0.25",
           NULL);
  set_map (self, pool, "gui_config", NULL, NULL);

  ferry_sim_value_set_map (&restrictions);
  if (spec->restrictions != NULL)
    map_merge (&restrictions, spec->restrictions);
  else
    {
      ferry_sim_value_insert_string (&restrictions, "restrict_xen_motion", "false");
      ferry_sim_value_insert_string (&restrictions, "restrict_storage_xen_motion", "false");
      ferry_sim_value_insert_string (&restrictions, "restrict_gpu", "false");
      ferry_sim_value_insert_string (&restrictions, "restrict_vgpu", "false");
      ferry_sim_value_insert_string (&restrictions, "restrict_usb_passthrough", "false");
      ferry_sim_value_insert_string (&restrictions, "restrict_cbt", "false");
      ferry_sim_value_insert_string (&restrictions, "restrict_pool_size", "false");
    }
  ferry_sim_db_set_value (self->db, pool, "restrictions", &restrictions);

  if (spec->address_prefix != NULL)
    {
      g_free (self->address_prefix);
      self->address_prefix = g_strdup (spec->address_prefix);
    }

  if (!spec->no_default_templates)
    add_default_templates (self);

  return pool;
}

/* Hosts ------------------------------------------------------------------- */

static HostInfo *
host_info (FerrySimBuilder *self,
           FerrySimRow     *host)
{
  return host ? g_hash_table_lookup (self->host_by_ref, host->ref) : NULL;
}

static void add_pbd (FerrySimBuilder *self, FerrySimRow *host, SrInfo *sr);

static void
fill_software_version (FerrySimBuilder        *self,
                       FerrySimRow            *host,
                       const FerrySimHostSpec *spec)
{
  const VersionPreset *v = find_version_preset (spec->version ? spec->version : "xenserver-8");
  FerrySimValue map = FERRY_SIM_VALUE_INIT;
  g_autofree char *hostname = g_ascii_strdown (spec->name_label ? spec->name_label : "", -1);
  g_autofree char *api = NULL;

  if (v == NULL)
    v = find_version_preset ("xenserver-8");

  api = g_strdup_printf ("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT, v->api_major, v->api_minor);

  ferry_sim_value_set_map (&map);
  ferry_sim_value_insert_string (&map, "product_version", v->product_version);
  ferry_sim_value_insert_string (&map, "product_version_text", v->product_version_text);
  ferry_sim_value_insert_string (&map, "product_version_text_short", v->product_version_text_short);
  ferry_sim_value_insert_string (&map, "platform_name", "XCP");
  ferry_sim_value_insert_string (&map, "platform_version", v->platform_version);
  ferry_sim_value_insert_string (&map, "product_brand", v->product_brand);
  ferry_sim_value_insert_string (&map, "build_number", v->build_number);
  ferry_sim_value_insert_string (&map, "git_id", "0");
  ferry_sim_value_insert_string (&map, "hostname", hostname);
  ferry_sim_value_insert_string (&map, "date", v->date);
  ferry_sim_value_insert_string (&map, "xapi", v->xapi);
  ferry_sim_value_insert_string (&map, "xapi_build", v->xapi_build);
  ferry_sim_value_insert_string (&map, "xen", v->xen);
  ferry_sim_value_insert_string (&map, "linux", v->linux_version);
  ferry_sim_value_insert_string (&map, "xencenter_min", api);
  ferry_sim_value_insert_string (&map, "xencenter_max", api);
  ferry_sim_value_insert_string (&map, "network_backend", "openvswitch");
  ferry_sim_value_insert_string (&map, "db_schema", v->db_schema);
  map_merge (&map, spec->software_version);
  ferry_sim_db_set_value (self->db, host, "software_version", &map);

  set_int (self, host, "API_version_major", v->api_major);
  set_int (self, host, "API_version_minor", v->api_minor);
  set_str (self, host, "API_version_vendor", "XenSource");
  set_str (self, host, "edition", v->edition);
  set_map (self, host, "license_params", NULL,
           "sku_type", v->edition,
           "expiry", "20271231T00:00:00Z",
           "restrict_pooling", "false",
           NULL);
}

static void
fill_cpu (FerrySimBuilder        *self,
          FerrySimRow            *host,
          HostInfo               *info,
          const FerrySimHostSpec *spec)
{
  const CpuPreset *cpu = info->cpu;
  guint count = spec->cpu_count ? spec->cpu_count : 32;
  guint sockets = spec->cpu_sockets ? spec->cpu_sockets : 2;
  const char *modelname = spec->cpu_model ? spec->cpu_model : cpu->modelname;
  guint32 words[N_FEATURE_WORDS];
  g_autofree char *count_text = g_strdup_printf ("%u", count);
  g_autofree char *sockets_text = g_strdup_printf ("%u", sockets);
  g_autofree char *speed_text = g_strdup_printf ("%" G_GINT64_FORMAT ".000", cpu->speed);

  if (spec->cpu_features != NULL)
    parse_features (spec->cpu_features, words, N_FEATURE_WORDS);
  else
    preset_features (cpu, words);
  info->features_hvm = format_features (words);
  for (guint i = 0; i < N_FEATURE_WORDS; i++)
    words[i] &= pv_mask[i];
  info->features_pv = format_features (words);

  set_map (self, host, "cpu_info", NULL,
           "cpu_count", count_text,
           "socket_count", sockets_text,
           "threads_per_core", "2",
           "nr_nodes", sockets_text,
           "vendor", cpu->vendor,
           "speed", speed_text,
           "modelname", modelname,
           "family", cpu->family,
           "model", cpu->model,
           "stepping", cpu->stepping,
           "flags", cpu->flags,
           "features", info->features_hvm,
           "features_pv", info->features_pv,
           "features_hvm", info->features_hvm,
           "features_pv_host", info->features_pv,
           "features_hvm_host", info->features_hvm,
           NULL);

  for (guint i = 0; i < count; i++)
    {
      FerrySimRow *pcpu = ferry_sim_builder_create (self, "host_cpu");

      set_str (self, pcpu, "host", host->ref);
      set_int (self, pcpu, "number", i);
      set_str (self, pcpu, "vendor", cpu->vendor);
      set_int (self, pcpu, "speed", cpu->speed);
      set_str (self, pcpu, "modelname", modelname);
      set_int (self, pcpu, "family", g_ascii_strtoll (cpu->family, NULL, 10));
      set_int (self, pcpu, "model", g_ascii_strtoll (cpu->model, NULL, 10));
      set_str (self, pcpu, "stepping", cpu->stepping);
      set_str (self, pcpu, "flags", cpu->flags);
      set_str (self, pcpu, "features", info->features_hvm);
      set_float (self, pcpu, "utilisation", (g_rand_int_range (self->rand, 2, 60)) / 100.0);
    }
}

static FerrySimRow *
add_control_domain (FerrySimBuilder *self,
                    FerrySimRow     *host,
                    gint64           memory,
                    gint64           vcpus)
{
  FerrySimRow *dom0 = ferry_sim_builder_create (self, "VM");
  FerrySimRow *metrics = ferry_sim_builder_create (self, "VM_metrics");
  g_autofree char *name = g_strconcat ("Control domain on host: ", row_str (host, "name_label"), NULL);

  set_str (self, dom0, "name_label", name);
  set_str (self, dom0, "name_description", "The domain which manages physical devices and manages other domains");
  set_bool (self, dom0, "is_control_domain", TRUE);
  set_str (self, dom0, "power_state", "Running");
  set_str (self, dom0, "resident_on", host->ref);
  set_str (self, dom0, "affinity", host->ref);
  set_int (self, dom0, "domid", 0);
  set_int (self, dom0, "memory_static_min", memory);
  set_int (self, dom0, "memory_dynamic_min", memory);
  set_int (self, dom0, "memory_dynamic_max", memory);
  set_int (self, dom0, "memory_static_max", memory);
  set_int (self, dom0, "memory_target", memory);
  set_int (self, dom0, "memory_overhead", 0);
  set_int (self, dom0, "VCPUs_max", vcpus);
  set_int (self, dom0, "VCPUs_at_startup", vcpus);
  set_str (self, dom0, "domain_type", "pv");
  set_int (self, dom0, "user_version", 1);
  set_map (self, dom0, "other_config", NULL,
           "storage_driver_domain", dom0->ref,
           "is_system_domain", "true",
           NULL);
  set_str (self, dom0, "metrics", metrics->ref);

  set_int (self, metrics, "memory_actual", memory);
  set_int (self, metrics, "VCPUs_number", vcpus);
  set_str (self, metrics, "current_domain_type", "pv");
  set_bool (self, metrics, "hvm", FALSE);
  set_time (self, metrics, "start_time", self->base_time - 30 * 86400);
  set_time (self, metrics, "install_time", self->base_time - 400 * 86400);
  set_time (self, metrics, "last_updated", self->base_time);

  set_str (self, host, "control_domain", dom0->ref);
  return dom0;
}

FerrySimRow *
ferry_sim_builder_add_host (FerrySimBuilder        *self,
                            const FerrySimHostSpec *spec)
{
  static const char * const capabilities[] = {
    "xen-3.0-x86_64", "hvm-3.0-x86_32", "hvm-3.0-x86_32p", "hvm-3.0-x86_64", NULL
  };
  HostInfo *info = g_new0 (HostInfo, 1);
  FerrySimRow *host = ferry_sim_builder_create (self, "host");
  FerrySimRow *metrics = ferry_sim_builder_create (self, "host_metrics");
  gint64 total = spec->memory_total > 0 ? spec->memory_total : 256 * FERRY_SIM_GiB;
  gint64 dom0_memory = spec->dom0_memory;
  gint64 overhead = round_mib (total / 100);
  guint cpu_count = spec->cpu_count ? spec->cpu_count : 32;
  g_autofree char *hostname = g_ascii_strdown (spec->name_label ? spec->name_label : "", -1);
  FerrySimValue hvpv = FERRY_SIM_VALUE_INIT;

  info->row = host;
  info->index = self->hosts->len;
  info->cpu = find_cpu_preset (spec->cpu ? spec->cpu : "intel-icelake");
  if (info->cpu == NULL)
    info->cpu = find_cpu_preset ("intel-icelake");
  info->next_domid = 1;
  info->next_pci_bus = 0x3b;
  info->next_usb_port = 1;
  info->address = spec->address ? g_strdup (spec->address)
                                : g_strdup_printf ("%s%u", self->address_prefix, 10 + info->index);
  info->nics = g_array_new (FALSE, FALSE, sizeof (FerrySimNicSpec));
  if (spec->nics != NULL && spec->n_nics > 0)
    for (guint i = 0; i < spec->n_nics; i++)
      {
        FerrySimNicSpec nic = { g_strdup (spec->nics[i].name), spec->nics[i].speed_mbit };
        g_array_append_val (info->nics, nic);
      }
  else
    for (guint i = 0; i < 2; i++)
      {
        FerrySimNicSpec nic = { g_strdup_printf ("eth%u", i), 10000 };
        g_array_append_val (info->nics, nic);
      }
  g_ptr_array_add (self->hosts, info);
  g_hash_table_insert (self->host_by_ref, host->ref, info);

  if (dom0_memory <= 0)
    dom0_memory = MIN (8 * FERRY_SIM_GiB, round_mib (FERRY_SIM_GiB + total / 20));

  set_str (self, host, "name_label", spec->name_label);
  set_str (self, host, "name_description", spec->name_description ? spec->name_description : "Default install");
  set_str (self, host, "hostname", hostname);
  set_str (self, host, "address", info->address);
  set_bool (self, host, "enabled", !spec->disabled);
  set_str (self, host, "metrics", metrics->ref);
  set_int (self, host, "memory_overhead", overhead);
  set_strv (self, host, "capabilities", capabilities);
  set_map (self, host, "chipset_info", NULL, "iommu", spec->no_iommu ? "false" : "true", NULL);
  set_str (self, host, "sched_policy", "credit");
  set_bool (self, host, "https_only", spec->https_only);
  ferry_sim_value_set_array (&hvpv);
  for (gint64 v = 0; v <= 2; v++)
    {
      FerrySimValue item = FERRY_SIM_VALUE_INIT;
      ferry_sim_value_set_int (&item, v);
      ferry_sim_value_append (&hvpv, &item);
    }
  ferry_sim_db_set_value (self->db, host, "virtual_hardware_platform_versions", &hvpv);
  {
    g_autofree char *boot = g_strdup_printf ("%" G_GINT64_FORMAT ".", self->base_time - 30 * 86400);
    g_autofree char *start = g_strdup_printf ("%" G_GINT64_FORMAT ".", self->base_time - 30 * 86400 + 60);
    g_autofree char *iqn = g_strdup_printf ("iqn.2025-06.com.example:%s", hostname);
    set_map (self, host, "other_config", spec->other_config,
             "agent_start_time", start,
             "boot_time", boot,
             "iscsi_iqn", iqn,
             NULL);
  }
  fill_software_version (self, host, spec);
  fill_cpu (self, host, info, spec);

  set_int (self, metrics, "memory_total", total);
  set_int (self, metrics, "memory_free", total - overhead - dom0_memory);
  set_bool (self, metrics, "live", !spec->dead);
  set_time (self, metrics, "last_updated", self->base_time);

  add_control_domain (self, host, dom0_memory, MIN (16, cpu_count));

  if (spec->hotfixes != NULL && spec->hotfixes[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (",", (char **) spec->hotfixes);
      ferry_sim_pool_set_sim_attribute (self->pool, host->ref, FERRY_SIM_ATTR_HOTFIXES, joined);
    }

  if (self->pool_row != NULL &&
      (spec->master || is_null_ref (ferry_sim_row_get_string (self->pool_row, "master"))))
    set_str (self, self->pool_row, "master", host->ref);

  /* Shared SRs made before this host are seen from it too. */
  for (guint i = 0; i < self->srs->len; i++)
    {
      SrInfo *sr = g_ptr_array_index (self->srs, i);
      if (!sr->local && sr->hosts == NULL)
        add_pbd (self, host, sr);
    }

  return host;
}

/* Storage ----------------------------------------------------------------- */

static FerrySimRow *
ensure_sm (FerrySimBuilder  *self,
           const SrTypeInfo *type)
{
  static const char * const common[] = {
    "SR_PROBE", "SR_UPDATE", "VDI_CREATE", "VDI_DELETE", "VDI_ATTACH", "VDI_DETACH",
    "VDI_UPDATE", "VDI_CLONE", "VDI_RESIZE", "VDI_GENERATE_CONFIG", "VDI_ACTIVATE",
    "VDI_DEACTIVATE", "VDI_INTRODUCE", "VDI_CONFIG_CBT", "SR_METADATA", NULL
  };
  static const char * const iso[] = {
    "SR_PROBE", "SR_UPDATE", "VDI_INTRODUCE", "VDI_ATTACH", "VDI_DETACH", "VDI_ACTIVATE",
    "VDI_DEACTIVATE", NULL
  };
  FerrySimRow *sm = g_hash_table_lookup (self->sm_by_type, type->type);
  FerrySimValue features = FERRY_SIM_VALUE_INIT;
  FerrySimValue capabilities = FERRY_SIM_VALUE_INIT;
  const char * const *names;
  g_autofree char *driver = NULL;

  if (sm != NULL)
    return sm;

  sm = ferry_sim_builder_create (self, "SM");
  g_hash_table_insert (self->sm_by_type, g_strdup (type->type), sm);

  ferry_sim_value_set_map (&features);
  ferry_sim_value_set_array (&capabilities);
  names = (type->iso || g_str_equal (type->type, "udev")) ? iso : common;
  for (guint i = 0; names[i]; i++)
    {
      FerrySimValue one = FERRY_SIM_VALUE_INIT;
      ferry_sim_value_set_int (&one, 1);
      ferry_sim_value_insert (&features, names[i], &one);
      ferry_sim_value_append_string (&capabilities, names[i]);
    }
  if (type->snapshot)
    {
      FerrySimValue one = FERRY_SIM_VALUE_INIT;
      FerrySimValue two = FERRY_SIM_VALUE_INIT;
      ferry_sim_value_set_int (&one, 1);
      ferry_sim_value_insert (&features, "VDI_SNAPSHOT", &one);
      ferry_sim_value_append_string (&capabilities, "VDI_SNAPSHOT");
      ferry_sim_value_set_int (&two, 2);
      ferry_sim_value_insert (&features, "VDI_RESET_ON_BOOT", &two);
      ferry_sim_value_append_string (&capabilities, "VDI_RESET_ON_BOOT");
    }
  if (type->mirror)
    {
      FerrySimValue one = FERRY_SIM_VALUE_INIT;
      ferry_sim_value_set_int (&one, 1);
      ferry_sim_value_insert (&features, "VDI_MIRROR", &one);
      ferry_sim_value_append_string (&capabilities, "VDI_MIRROR");
    }
  if (type->thin)
    {
      FerrySimValue one = FERRY_SIM_VALUE_INIT;
      ferry_sim_value_set_int (&one, 1);
      ferry_sim_value_insert (&features, "THIN_PROVISIONING", &one);
      ferry_sim_value_append_string (&capabilities, "THIN_PROVISIONING");
    }

  driver = g_strdup_printf ("/opt/xensource/sm/%sSR", type->type);
  set_str (self, sm, "name_label", type->name_label);
  set_str (self, sm, "name_description", type->name_label);
  set_str (self, sm, "type", type->type);
  set_str (self, sm, "vendor", "Citrix Systems Inc");
  set_str (self, sm, "copyright", "(C) 2008 Citrix Systems Inc");
  set_str (self, sm, "version", "1.0");
  set_str (self, sm, "required_api_version", "1.0");
  set_str (self, sm, "driver_filename", driver);
  if (g_str_equal (type->type, "gfs2"))
    set_strv (self, sm, "required_cluster_stack", (const char * const []) { "corosync", NULL });
  ferry_sim_db_set_value (self->db, sm, "features", &features);
  ferry_sim_db_set_value (self->db, sm, "capabilities", &capabilities);

  return sm;
}

static void
add_pbd (FerrySimBuilder *self,
         FerrySimRow     *host,
         SrInfo          *sr)
{
  FerrySimRow *pbd = ferry_sim_builder_create (self, "PBD");
  const char *type = row_str (sr->row, "type");
  HostInfo *info = host_info (self, host);
  gboolean live = info == NULL ||
                  ferry_sim_row_get_bool (ferry_sim_db_lookup (self->db, row_str (host, "metrics")), "live");
  g_autofree char *serverpath = g_strdup_printf ("/export/%s", ferry_sim_row_get_uuid (sr->row));
  g_autofree char *target_iqn = g_strdup_printf ("iqn.2025-06.com.example:storage.%.8s", ferry_sim_row_get_uuid (sr->row));
  g_autoptr(GString) scsi_id = g_string_new ("36001405");

  /* A SCSI id of hex digits, one per LUN. */
  for (const char *p = ferry_sim_row_get_uuid (sr->row); *p && scsi_id->len < 33; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (scsi_id, *p);

  set_str (self, pbd, "host", host->ref);
  set_str (self, pbd, "SR", sr->row->ref);
  set_bool (self, pbd, "currently_attached", live);
  if (g_str_equal (type, "nfs"))
    set_map (self, pbd, "device_config", NULL, "server", "10.0.99.20", "serverpath", serverpath,
             "nfsversion", "4.1", NULL);
  else if (g_str_equal (type, "smb"))
    set_map (self, pbd, "device_config", NULL, "server", "\\\\10.0.99.21\\vms", NULL);
  else if (g_str_equal (type, "iso"))
    set_map (self, pbd, "device_config", NULL, "location", "10.0.99.20:/export/iso", "type", "nfs_iso", NULL);
  else if (g_str_equal (type, "lvmoiscsi") || g_str_equal (type, "gfs2"))
    set_map (self, pbd, "device_config", NULL,
             "provider", "iscsi",
             "target", "10.0.99.30",
             "targetIQN", target_iqn,
             "SCSIid", scsi_id->str,
             NULL);
  else if (g_str_equal (type, "lvmohba"))
    set_map (self, pbd, "device_config", NULL, "SCSIid", scsi_id->str, NULL);
  else if (g_str_equal (type, "udev"))
    set_map (self, pbd, "device_config", NULL, "location", "/dev/xapi/block", NULL);
  else
    set_map (self, pbd, "device_config", NULL, "device", "/dev/disk/by-id/scsi-SATA_local_disk-part3", NULL);
}

static void
ensure_cluster (FerrySimBuilder *self)
{
  if (self->cluster != NULL)
    return;

  self->cluster = ferry_sim_builder_create (self, "Cluster");
  set_str (self, self->cluster, "cluster_token", "eNnT4Qy9bqPnJvZ1");
  set_str (self, self->cluster, "cluster_stack", "corosync");
  set_bool (self, self->cluster, "pool_auto_join", TRUE);
  set_float (self, self->cluster, "token_timeout", 20.0);
  set_float (self, self->cluster, "token_timeout_coefficient", 1.0);
  set_map (self, self->cluster, "cluster_config", NULL, NULL);
}

FerrySimRow *
ferry_sim_builder_add_sr (FerrySimBuilder      *self,
                          const FerrySimSrSpec *spec)
{
  const SrTypeInfo *type = lookup_sr_type (spec->type);
  SrInfo *info;
  FerrySimRow *sr;
  gboolean shared;
  gboolean thin;
  const char *content_type;

  g_return_val_if_fail (type != NULL, NULL);

  shared = spec->shared >= 0 ? spec->shared : type->shared;
  thin = spec->thin >= 0 ? spec->thin : type->thin;
  content_type = spec->content_type ? spec->content_type : type->iso ? "iso" : "user";
  if (spec->host != NULL)
    shared = FALSE;

  ensure_sm (self, type);
  sr = ferry_sim_builder_create (self, "SR");
  info = g_new0 (SrInfo, 1);
  info->row = sr;
  info->local = !shared;
  g_ptr_array_add (self->srs, info);
  g_hash_table_insert (self->sr_by_ref, sr->ref, info);

  set_str (self, sr, "name_label", spec->name_label);
  set_str (self, sr, "name_description", spec->name_description);
  set_str (self, sr, "type", type->type);
  set_str (self, sr, "content_type", content_type);
  set_bool (self, sr, "shared", shared);
  set_bool (self, sr, "clustered", g_str_equal (type->type, "gfs2"));
  set_int (self, sr, "physical_size", spec->physical_size);
  set_map (self, sr, "sm_config", spec->sm_config,
           "allocation", thin ? "dynamic" : "thick",
           type->iso ? NULL : "use_vhd", "true",
           NULL);
  if (!shared && !type->iso)
    set_map (self, sr, "other_config", spec->other_config, "i18n-key", "local-storage", NULL);
  else
    set_map (self, sr, "other_config", spec->other_config, "auto-scan", type->iso ? "true" : "false", NULL);

  {
    GPtrArray *ops = g_ptr_array_new ();
    static const char * const base[] = {
      "scan", "update", "plug", "unplug", "pbd_create", "pbd_destroy", "vdi_introduce", NULL
    };
    static const char * const disk[] = {
      "vdi_create", "vdi_destroy", "vdi_resize", "vdi_clone", "vdi_data_destroy",
      "vdi_enable_cbt", "vdi_disable_cbt", "vdi_list_changed_blocks", "vdi_set_on_boot", NULL
    };

    for (guint i = 0; base[i]; i++)
      g_ptr_array_add (ops, (gpointer) base[i]);
    if (!type->iso && !g_str_equal (type->type, "udev"))
      for (guint i = 0; disk[i]; i++)
        g_ptr_array_add (ops, (gpointer) disk[i]);
    if (type->snapshot)
      g_ptr_array_add (ops, "vdi_snapshot");
    if (type->mirror)
      g_ptr_array_add (ops, "vdi_mirror");
    g_ptr_array_add (ops, NULL);

    set_strv (self, sr, "allowed_operations", (const char * const *) ops->pdata);
    g_ptr_array_unref (ops);
  }

  if (spec->bandwidth_mib_s > 0)
    set_sim (self, sr->ref, FERRY_SIM_ATTR_BANDWIDTH, spec->bandwidth_mib_s);

  if (g_str_equal (type->type, "gfs2"))
    ensure_cluster (self);

  if (!shared)
    {
      if (spec->host != NULL)
        {
          info->hosts = g_ptr_array_new ();
          g_ptr_array_add (info->hosts, spec->host);
          add_pbd (self, spec->host, info);
        }
    }
  else if (spec->hosts != NULL)
    {
      info->hosts = g_ptr_array_new ();
      for (guint i = 0; i < spec->n_hosts; i++)
        {
          g_ptr_array_add (info->hosts, spec->hosts[i]);
          add_pbd (self, spec->hosts[i], info);
        }
    }
  else
    for (guint i = 0; i < self->hosts->len; i++)
      add_pbd (self, ((HostInfo *) g_ptr_array_index (self->hosts, i))->row, info);

  if (spec->is_default && self->pool_row != NULL)
    {
      set_str (self, self->pool_row, "default_SR", sr->ref);
      set_str (self, self->pool_row, "suspend_image_SR", sr->ref);
      set_str (self, self->pool_row, "crash_dump_SR", sr->ref);
    }

  return sr;
}

static FerrySimRow *
new_vdi (FerrySimBuilder *self,
         FerrySimRow     *sr,
         const char      *name,
         const char      *type,
         gint64           virtual_size,
         gint64           physical)
{
  FerrySimRow *vdi = ferry_sim_builder_create (self, "VDI");
  const SrTypeInfo *sr_type = lookup_sr_type (row_str (sr, "type"));

  set_str (self, vdi, "name_label", name);
  set_str (self, vdi, "SR", sr->ref);
  set_str (self, vdi, "type", type);
  set_int (self, vdi, "virtual_size", virtual_size);
  set_int (self, vdi, "physical_utilisation", physical);
  set_bool (self, vdi, "managed", TRUE);
  set_str (self, vdi, "on_boot", "persist");
  if (sr_type != NULL && sr_type->iso)
    {
      g_autofree char *location = g_strdup (name);
      set_str (self, vdi, "location", location);
    }
  else
    {
      set_str (self, vdi, "location", ferry_sim_row_get_uuid (vdi));
      set_map (self, vdi, "sm_config", NULL, "vdi_type", "vhd", NULL);
    }
  set_time (self, vdi, "snapshot_time", 0);
  return vdi;
}

FerrySimRow *
ferry_sim_builder_add_iso (FerrySimBuilder *self,
                           FerrySimRow     *sr,
                           const char      *name,
                           gint64           size)
{
  FerrySimRow *vdi = new_vdi (self, sr, name, "user", size, size);

  set_bool (self, vdi, "read_only", TRUE);
  set_bool (self, vdi, "sharable", TRUE);
  return vdi;
}

void
ferry_sim_builder_set_sr_extra_used (FerrySimBuilder *self,
                                     FerrySimRow     *sr,
                                     gint64           extra)
{
  SrInfo *info = g_hash_table_lookup (self->sr_by_ref, sr->ref);

  g_return_if_fail (info != NULL);
  info->extra_used = MAX (0, extra);
}

gint64
ferry_sim_builder_get_sr_vdi_usage (FerrySimBuilder *self,
                                    FerrySimRow     *sr,
                                    gint64          *virtual_allocation)
{
  const FerrySimValue *vdis = ferry_sim_row_get (sr, "VDIs");
  gint64 physical = 0;
  gint64 virt = 0;

  for (guint i = 0; i < ferry_sim_value_get_length (vdis); i++)
    {
      FerrySimRow *vdi = ferry_sim_db_lookup (self->db, ferry_sim_value_get_string (ferry_sim_value_index (vdis, i)));

      if (vdi == NULL)
        continue;
      physical += ferry_sim_row_get_int (vdi, "physical_utilisation");
      virt += ferry_sim_row_get_int (vdi, "virtual_size");
    }

  if (virtual_allocation)
    *virtual_allocation = virt;
  return physical;
}

/* Networks ---------------------------------------------------------------- */

FerrySimRow *
ferry_sim_builder_add_network (FerrySimBuilder           *self,
                               const FerrySimNetworkSpec *spec)
{
  FerrySimRow *net = ferry_sim_builder_create (self, "network");
  NetInfo *info = g_new0 (NetInfo, 1);
  g_autofree char *bridge = NULL;

  info->row = net;
  info->nic = g_strdup (spec->nic ? spec->nic : "eth0");
  info->vlan = spec->vlan;
  info->management = spec->management;
  info->internal = spec->internal;
  info->subnet = g_strdup (spec->subnet);
  g_ptr_array_add (self->networks, info);

  if (spec->bridge != NULL)
    bridge = g_strdup (spec->bridge);
  else if (spec->vlan > 0 || spec->internal)
    bridge = g_strdup_printf ("xapi%u", self->n_bridges++);
  else
    bridge = g_strdup_printf ("xenbr%s", info->nic + strcspn (info->nic, "0123456789"));

  set_str (self, net, "name_label", spec->name_label);
  set_str (self, net, "name_description", spec->name_description);
  set_str (self, net, "bridge", bridge);
  set_int (self, net, "MTU", spec->mtu > 0 ? spec->mtu : 1500);
  set_bool (self, net, "managed", TRUE);
  set_map (self, net, "other_config", spec->other_config, NULL);
  set_strv (self, net, "allowed_operations", NULL);

  return net;
}

/* GPUs, USB and PCI ------------------------------------------------------- */

static FerrySimRow *
new_pci (FerrySimBuilder *self,
         FerrySimRow     *host,
         const char      *class_name,
         const char      *vendor_name,
         const char      *device_name,
         const char      *driver)
{
  HostInfo *info = host_info (self, host);
  FerrySimRow *pci = ferry_sim_builder_create (self, "PCI");
  g_autofree char *pci_id = g_strdup_printf ("0000:%02x:00.0", info ? info->next_pci_bus++ : 0x3b);

  set_str (self, pci, "host", host->ref);
  set_str (self, pci, "class_name", class_name);
  set_str (self, pci, "vendor_name", vendor_name);
  set_str (self, pci, "device_name", device_name);
  set_str (self, pci, "pci_id", pci_id);
  set_str (self, pci, "driver_name", driver);
  set_str (self, pci, "subsystem_vendor_name", vendor_name);
  set_str (self, pci, "subsystem_device_name", device_name);
  return pci;
}

FerrySimRow *
ferry_sim_builder_add_pci (FerrySimBuilder *self,
                           FerrySimRow     *host,
                           const char      *class_name,
                           const char      *vendor_name,
                           const char      *device_name)
{
  return new_pci (self, host, class_name, vendor_name, device_name, "pciback");
}

static FerrySimRow *
ensure_vgpu_type (FerrySimBuilder      *self,
                  const VgpuTypePreset *preset)
{
  FerrySimRow *type = g_hash_table_lookup (self->vgpu_types, preset->name);

  if (type != NULL)
    return type;

  type = ferry_sim_builder_create (self, "VGPU_type");
  g_hash_table_insert (self->vgpu_types, (gpointer) preset->name, type);
  set_str (self, type, "vendor_name", preset->vendor_name);
  set_str (self, type, "model_name", preset->model_name);
  set_int (self, type, "framebuffer_size", preset->framebuffer);
  set_int (self, type, "max_heads", preset->max_heads);
  set_int (self, type, "max_resolution_x", preset->max_x);
  set_int (self, type, "max_resolution_y", preset->max_y);
  set_str (self, type, "implementation", preset->implementation);
  set_str (self, type, "identifier", preset->identifier);
  set_bool (self, type, "experimental", FALSE);
  return type;
}

static FerrySimRow *
ensure_gpu_group (FerrySimBuilder *self,
                  const GpuPreset *preset)
{
  FerrySimRow *group = g_hash_table_lookup (self->gpu_groups, preset->name);
  g_autofree char *name = NULL;

  if (group != NULL)
    return group;

  group = ferry_sim_builder_create (self, "GPU_group");
  g_hash_table_insert (self->gpu_groups, (gpointer) preset->name, group);
  name = g_strdup_printf ("Group of %s %s GPUs", preset->vendor_name, preset->device_name);
  set_str (self, group, "name_label", name);
  set_strv (self, group, "GPU_types", (const char * const []) { preset->device_name, NULL });
  set_str (self, group, "allocation_algorithm", "depth_first");
  return group;
}

void
ferry_sim_builder_add_gpu (FerrySimBuilder *self,
                           FerrySimRow     *host,
                           const char      *preset_name)
{
  const GpuPreset *preset = find_gpu_preset (preset_name);
  FerrySimRow *pci;
  FerrySimRow *pgpu;
  FerrySimRow *group;
  FerrySimValue capacities = FERRY_SIM_VALUE_INIT;

  g_return_if_fail (preset != NULL);

  group = ensure_gpu_group (self, preset);
  pci = new_pci (self, host, preset->class_name, preset->vendor_name, preset->device_name,
                 preset->nvidia ? "nvidia" : preset->system_display ? "i915" : "pciback");
  pgpu = ferry_sim_builder_create (self, "PGPU");
  set_str (self, pgpu, "PCI", pci->ref);
  set_str (self, pgpu, "GPU_group", group->ref);
  set_str (self, pgpu, "host", host->ref);
  set_bool (self, pgpu, "is_system_display_device", preset->system_display);
  set_str (self, pgpu, "dom0_access", preset->system_display ? "enabled" : "disabled");
  if (preset->nvidia)
    set_map (self, pgpu, "compatibility_metadata", NULL,
             "nvidia", "AAAAAgAAAAEAAAAA/wBmAAAAAAD/AGcAAAAAAA==", NULL);

  ferry_sim_value_set_map (&capacities);
  for (guint i = 0; preset->types[i]; i++)
    {
      const VgpuTypePreset *tp = find_vgpu_type_preset (preset->types[i]);
      FerrySimRow *type = ensure_vgpu_type (self, tp);
      FerrySimValue cap = FERRY_SIM_VALUE_INIT;

      add_to_set (self, pgpu, "supported_VGPU_types", type->ref);
      add_to_set (self, pgpu, "enabled_VGPU_types", type->ref);
      add_to_set (self, type, "supported_on_PGPUs", pgpu->ref);
      add_to_set (self, type, "enabled_on_PGPUs", pgpu->ref);
      add_to_set (self, type, "supported_on_GPU_groups", group->ref);
      add_to_set (self, type, "enabled_on_GPU_groups", group->ref);
      add_to_set (self, group, "supported_VGPU_types", type->ref);
      add_to_set (self, group, "enabled_VGPU_types", type->ref);
      ferry_sim_value_set_int (&cap, tp->capacity);
      ferry_sim_value_insert (&capacities, type->ref, &cap);
    }
  ferry_sim_db_set_value (self->db, pgpu, "supported_VGPU_max_capacities", &capacities);
}

FerrySimRow *
ferry_sim_builder_add_usb (FerrySimBuilder *self,
                           FerrySimRow     *host,
                           const char      *description,
                           const char      *vendor_id,
                           const char      *product_id)
{
  HostInfo *info = host_info (self, host);
  FerrySimRow *group = ferry_sim_builder_create (self, "USB_group");
  FerrySimRow *pusb = ferry_sim_builder_create (self, "PUSB");
  g_autofree char *group_name = g_strdup_printf ("Group of %s %s USBs", vendor_id, product_id);
  g_autofree char *path = g_strdup_printf ("1-%u", info ? info->next_usb_port++ : 1);
  g_autofree char *serial = g_strdup_printf ("%08X", g_rand_int (self->rand));

  set_str (self, group, "name_label", group_name);
  set_str (self, pusb, "USB_group", group->ref);
  set_str (self, pusb, "host", host->ref);
  set_str (self, pusb, "path", path);
  set_str (self, pusb, "vendor_id", vendor_id);
  set_str (self, pusb, "vendor_desc", description);
  set_str (self, pusb, "product_id", product_id);
  set_str (self, pusb, "product_desc", description);
  set_str (self, pusb, "serial", serial);
  set_str (self, pusb, "version", "2.00");
  set_str (self, pusb, "description", description);
  set_bool (self, pusb, "passthrough_enabled", TRUE);
  set_float (self, pusb, "speed", 480.0);
  return pusb;
}

/* Default templates ------------------------------------------------------- */

static void
add_default_templates (FerrySimBuilder *self)
{
  static const char * const names[] = { "windows-server-2022", "debian-12", "rhel-9", "other" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const OsPreset *os = find_os_preset (names[i]);
      FerrySimVmSpec spec = {
        .name_label = os->template_name,
        .name_description = "Template provided by the product",
        .power_state = "Halted",
        .memory_static_max = os->windows ? 4 * FERRY_SIM_GiB : 2 * FERRY_SIM_GiB,
        .memory_static_min = os->windows ? 2 * FERRY_SIM_GiB : FERRY_SIM_GiB,
        .vcpus_max = 2,
        .os = os->name,
        .tools = 0,
        .is_template = TRUE,
        .is_default_template = TRUE,
        .hardware_platform_version = -1,
        .dirty_rate_mib_s = -1,
        .compressibility = -1,
        .disk_write_mib_s = -1,
      };

      ferry_sim_builder_add_vm (self, &spec);
    }
}

/* VMs --------------------------------------------------------------------- */

gint64
ferry_sim_vm_memory_overhead (gint64      static_max,
                              gint64      vcpus,
                              const char *domain_type,
                              double      shadow_multiplier)
{
  gint64 static_max_mib = (static_max + FERRY_SIM_MiB - 1) / FERRY_SIM_MiB;
  gboolean pv = g_strcmp0 (domain_type, "pv") == 0;
  gint64 shadow = 0;
  gint64 vcpu_mib;

  if (shadow_multiplier < 1.0)
    shadow_multiplier = 1.0;
  vcpus = MAX (vcpus, 1);

  /* xapi.md §4.4: internal (1 MiB, 0 for PV) + external (1 MiB) + shadow + vCPU pages */
  if (!pv)
    shadow = MAX (1, (gint64) ((256.0 * vcpus + 2.0 * static_max_mib) / 256.0 * shadow_multiplier));
  vcpu_mib = (38 * vcpus + 255) / 256;

  return ((pv ? 0 : 1) + 1 + shadow + vcpu_mib) * FERRY_SIM_MiB;
}

static void
add_guest_metrics (FerrySimBuilder      *self,
                   FerrySimRow          *vm,
                   const OsPreset       *os,
                   const FerrySimVmSpec *spec,
                   gboolean              live)
{
  FerrySimRow *gm = ferry_sim_builder_create (self, "VM_guest_metrics");
  const char *version = spec->tools_version ? spec->tools_version : os->tools ? os->tools : "8.4.0.1";
  g_auto(GStrv) parts = g_strsplit (version, ".", 4);
  FerrySimValue os_version = FERRY_SIM_VALUE_INIT;
  FerrySimValue pv = FERRY_SIM_VALUE_INIT;
  const char *names[] = { "major", "minor", "micro", "build" };

  ferry_sim_value_set_map (&os_version);
  if (os->distro[0] != '\0')
    {
      ferry_sim_value_insert_string (&os_version, "distro", os->distro);
      ferry_sim_value_insert_string (&os_version, "name", os->os_name);
      ferry_sim_value_insert_string (&os_version, "major", os->major);
      ferry_sim_value_insert_string (&os_version, "minor", os->minor);
      if (os->uname)
        ferry_sim_value_insert_string (&os_version, "uname", os->uname);
      if (os->windows)
        {
          ferry_sim_value_insert_string (&os_version, "spmajor", "0");
          ferry_sim_value_insert_string (&os_version, "spminor", "0");
        }
    }
  map_merge (&os_version, spec->os_version);
  ferry_sim_db_set_value (self->db, gm, "os_version", &os_version);

  ferry_sim_value_set_map (&pv);
  for (guint i = 0; i < 4 && parts[i]; i++)
    ferry_sim_value_insert_string (&pv, names[i], parts[i]);
  ferry_sim_db_set_value (self->db, gm, "PV_drivers_version", &pv);

  set_bool (self, gm, "PV_drivers_up_to_date", TRUE);
  set_bool (self, gm, "PV_drivers_detected", TRUE);
  set_bool (self, gm, "live", live);
  set_str (self, gm, "can_use_hotplug_vbd", "yes");
  set_str (self, gm, "can_use_hotplug_vif", "yes");
  set_time (self, gm, "last_updated", self->base_time);
  set_map (self, gm, "other", NULL,
           "feature-suspend", "1",
           "feature-poweroff", "1",
           "feature-reboot", "1",
           "feature-vcpu-hotplug", "1",
           "feature-balloon", "1",
           "platform-feature-multiprocessor-suspend", "1",
           "platform-feature-xs_reset_watches", "1",
           os->windows ? "has-vendor-device" : NULL, "1",
           NULL);
  set_map (self, gm, "networks", NULL, NULL);

  set_str (self, vm, "guest_metrics", gm->ref);
}

FerrySimRow *
ferry_sim_builder_add_vm (FerrySimBuilder      *self,
                          const FerrySimVmSpec *spec)
{
  const OsPreset *os = find_os_preset (spec->os ? spec->os : "other");
  const char *power = spec->power_state ? spec->power_state : "Halted";
  gboolean running = g_str_equal (power, "Running") || g_str_equal (power, "Paused");
  gboolean halted = g_str_equal (power, "Halted");
  FerrySimRow *vm = ferry_sim_builder_create (self, "VM");
  FerrySimRow *metrics;
  FerrySimValue platform = FERRY_SIM_VALUE_INIT;
  FerrySimValue other = FERRY_SIM_VALUE_INIT;
  FerrySimValue tags = FERRY_SIM_VALUE_INIT;
  const char *domain_type;
  gint64 smax, dmax, dmin, smin, actual, vcpus, vcpus_start, overhead;
  gboolean nomigrate, nested;
  int tools;
  HostInfo *host = host_info (self, spec->host);

  if (os == NULL)
    os = find_os_preset ("other");
  domain_type = spec->domain_type ? spec->domain_type : os->domain_type;

  /* Memory: fill what is missing so that static_min ≤ dynamic_min ≤ dynamic_max ≤ static_max. */
  smax = spec->memory_static_max;
  dmax = spec->memory_dynamic_max;
  dmin = spec->memory_dynamic_min;
  smin = spec->memory_static_min;
  if (smax <= 0)
    smax = MAX (MAX (dmax, dmin), 2 * FERRY_SIM_GiB);
  if (dmax <= 0)
    dmax = smax;
  if (dmin <= 0)
    dmin = dmax;
  if (smin <= 0)
    smin = MIN (dmin, FERRY_SIM_GiB);
  actual = spec->memory_actual > 0 ? spec->memory_actual : dmax;
  vcpus = spec->vcpus_max > 0 ? spec->vcpus_max : 2;
  vcpus_start = spec->vcpus_at_startup > 0 ? spec->vcpus_at_startup : vcpus;
  overhead = ferry_sim_vm_memory_overhead (smax, vcpus, domain_type, 1.0);
  tools = spec->tools >= 0 ? spec->tools : (os->distro[0] != '\0' && !spec->is_template);

  set_str (self, vm, "name_label", spec->name_label);
  set_str (self, vm, "name_description", spec->name_description);
  set_int (self, vm, "user_version", 1);
  set_bool (self, vm, "is_a_template", spec->is_template);
  set_bool (self, vm, "is_default_template", spec->is_default_template);
  set_str (self, vm, "power_state", power);
  set_int (self, vm, "memory_static_min", smin);
  set_int (self, vm, "memory_dynamic_min", dmin);
  set_int (self, vm, "memory_dynamic_max", dmax);
  set_int (self, vm, "memory_static_max", smax);
  set_int (self, vm, "memory_target", running ? actual : 0);
  set_int (self, vm, "memory_overhead", overhead);
  set_int (self, vm, "VCPUs_max", vcpus);
  set_int (self, vm, "VCPUs_at_startup", vcpus_start);
  set_str (self, vm, "actions_after_shutdown", "destroy");
  set_str (self, vm, "actions_after_reboot", "restart");
  set_str (self, vm, "actions_after_crash", "restart");
  set_str (self, vm, "domain_type", domain_type);
  if (g_str_equal (domain_type, "pv"))
    {
      set_str (self, vm, "PV_bootloader", "pygrub");
      set_str (self, vm, "HVM_boot_policy", "");
    }
  else
    {
      set_str (self, vm, "HVM_boot_policy", "BIOS order");
      set_map (self, vm, "HVM_boot_params", NULL,
               "order", "cdn", "firmware", os->uefi ? "uefi" : "bios", NULL);
    }
  set_float (self, vm, "HVM_shadow_multiplier", 1.0);
  set_int (self, vm, "hardware_platform_version",
           spec->hardware_platform_version >= 0 ? spec->hardware_platform_version : os->windows ? 2 : 0);
  set_bool (self, vm, "has_vendor_device", os->windows);
  set_int (self, vm, "domid", running ? (gint64) (host ? host->next_domid++ : 1) : -1);
  set_str (self, vm, "domarch", running ? "x64" : "");
  set_str (self, vm, "resident_on", running && spec->host ? spec->host->ref : NULL);
  set_str (self, vm, "affinity", spec->affinity ? spec->affinity->ref : NULL);
  set_str (self, vm, "ha_restart_priority", spec->ha_restart_priority);
  set_bool (self, vm, "ha_always_run", g_strcmp0 (spec->ha_restart_priority, "restart") == 0);

  ferry_sim_value_set_map (&platform);
  ferry_sim_value_insert_string (&platform, "acpi", "1");
  ferry_sim_value_insert_string (&platform, "apic", "true");
  ferry_sim_value_insert_string (&platform, "pae", "true");
  ferry_sim_value_insert_string (&platform, "nx", "true");
  ferry_sim_value_insert_string (&platform, "timeoffset", "0");
  ferry_sim_value_insert_string (&platform, "cores-per-socket", vcpus % 2 == 0 ? "2" : "1");
  if (!g_str_equal (domain_type, "pv"))
    {
      ferry_sim_value_insert_string (&platform, "device-model", "qemu-upstream-compat");
      ferry_sim_value_insert_string (&platform, "vga", "std");
      ferry_sim_value_insert_string (&platform, "videoram", "8");
      ferry_sim_value_insert_string (&platform, "viridian", os->windows ? "true" : "false");
      if (os->windows)
        {
          ferry_sim_value_insert_string (&platform, "viridian_time_ref_count", "true");
          ferry_sim_value_insert_string (&platform, "viridian_reference_tsc", "true");
          ferry_sim_value_insert_string (&platform, "device_id", "0002");
        }
      if (os->uefi)
        ferry_sim_value_insert_string (&platform, "secureboot", "false");
    }
  map_merge (&platform, spec->platform);
  nomigrate = g_strcmp0 (ferry_sim_value_lookup_string (&platform, "nomigrate"), "true") == 0 ||
              g_strcmp0 (ferry_sim_value_lookup_string (&platform, "nomigrate"), "1") == 0;
  nested = g_strcmp0 (ferry_sim_value_lookup_string (&platform, "nested-virt"), "true") == 0 ||
           g_strcmp0 (ferry_sim_value_lookup_string (&platform, "nested-virt"), "1") == 0;
  ferry_sim_db_set_value (self->db, vm, "platform", &platform);

  ferry_sim_value_set_map (&other);
  ferry_sim_value_insert_string (&other, "base_template_name", os->template_name);
  if (!spec->is_default_template)
    {
      ferry_sim_value_insert_string (&other, "import_task", "");
      ferry_sim_value_insert_string (&other, "mac_seed", ferry_sim_row_get_uuid (vm));
    }
  else
    ferry_sim_value_insert_string (&other, "default_template", "true");
  if (os->windows && spec->is_template)
    ferry_sim_value_insert_string (&other, "install-methods", "cdrom");
  if (spec->mcs)
    ferry_sim_value_insert_string (&other, "XdConfig", "XdProvisioned=true");
  map_merge (&other, spec->other_config);
  ferry_sim_db_set_value (self->db, vm, "other_config", &other);

  ferry_sim_value_set_array (&tags);
  if (spec->tags != NULL && spec->tags->kind == FERRY_SIM_VALUE_ARRAY)
    ferry_sim_value_copy (&tags, spec->tags);
  if (spec->mcs && !ferry_sim_value_contains_string (&tags, "XdProvisioned=true"))
    ferry_sim_value_append_string (&tags, "XdProvisioned=true");
  ferry_sim_db_set_value (self->db, vm, "tags", &tags);

  if (spec->blocked_operations != NULL)
    set_map (self, vm, "blocked_operations", spec->blocked_operations, NULL);

  if (spec->cpu_features != NULL || spec->cpu_vendor != NULL)
    {
      const char *vendor = spec->cpu_vendor;
      if (vendor == NULL)
        vendor = host ? host->cpu->vendor : "GenuineIntel";
      set_map (self, vm, "last_boot_CPU_flags", NULL,
               "vendor", vendor,
               spec->cpu_features ? "features" : NULL, spec->cpu_features,
               NULL);
    }

  /* Metrics: the captured platform flags hold once the VM has started. */
  metrics = ferry_sim_builder_create (self, "VM_metrics");
  set_int (self, metrics, "memory_actual", running ? actual : 0);
  set_int (self, metrics, "VCPUs_number", running ? vcpus_start : 0);
  set_bool (self, metrics, "nomigrate", !halted && nomigrate);
  set_bool (self, metrics, "nested_virt", !halted && nested);
  set_bool (self, metrics, "hvm", !g_str_equal (domain_type, "pv"));
  set_str (self, metrics, "current_domain_type", halted ? "unspecified" : domain_type);
  set_time (self, metrics, "install_time", self->base_time - g_rand_int_range (self->rand, 30, 900) * 86400);
  set_time (self, metrics, "start_time",
            halted ? 0 : self->base_time - g_rand_int_range (self->rand, 600, 60 * 86400));
  set_time (self, metrics, "last_updated", self->base_time);
  set_str (self, vm, "metrics", metrics->ref);

  if (tools > 0 && !spec->is_template)
    add_guest_metrics (self, vm, os, spec, running);

  if (spec->dirty_rate_mib_s >= 0)
    set_sim (self, vm->ref, FERRY_SIM_ATTR_DIRTY_RATE, spec->dirty_rate_mib_s);
  if (spec->compressibility >= 0)
    set_sim (self, vm->ref, FERRY_SIM_ATTR_COMPRESSIBILITY, spec->compressibility);
  if (spec->disk_write_mib_s >= 0)
    set_sim (self, vm->ref, FERRY_SIM_ATTR_DISK_WRITE_RATE, spec->disk_write_mib_s);

  return vm;
}

static gboolean
vm_is_live (FerrySimRow *vm)
{
  const char *power = row_str (vm, "power_state");

  return g_str_equal (power, "Running") || g_str_equal (power, "Paused");
}

static char *
next_userdevice (FerrySimRow *vm)
{
  return g_strdup_printf ("%u", ferry_sim_value_get_length (ferry_sim_row_get (vm, "VBDs")));
}

static FerrySimRow *
new_vbd (FerrySimBuilder *self,
         FerrySimRow     *vm,
         FerrySimRow     *vdi,
         const char      *type,
         const char      *userdevice,
         gboolean         bootable,
         gboolean         read_only)
{
  FerrySimRow *vbd = ferry_sim_builder_create (self, "VBD");
  g_autofree char *auto_device = next_userdevice (vm);
  const char *user = userdevice ? userdevice : auto_device;
  guint64 n = g_ascii_strtoull (user, NULL, 10);
  g_autofree char *device = g_strdup_printf ("xvd%c", (char) ('a' + MIN (n, 25)));
  gboolean live = vm_is_live (vm) && !ferry_sim_row_get_bool (vm, "is_a_snapshot");

  set_str (self, vbd, "VM", vm->ref);
  set_str (self, vbd, "VDI", vdi ? vdi->ref : NULL);
  set_str (self, vbd, "userdevice", user);
  set_str (self, vbd, "device", live ? device : "");
  set_bool (self, vbd, "bootable", bootable);
  set_str (self, vbd, "mode", read_only ? "RO" : "RW");
  set_str (self, vbd, "type", type);
  set_bool (self, vbd, "empty", vdi == NULL);
  set_bool (self, vbd, "currently_attached", live);
  set_bool (self, vbd, "unpluggable", g_str_equal (type, "CD"));
  set_map (self, vbd, "other_config", NULL, g_str_equal (type, "Disk") ? "owner" : NULL, "", NULL);
  return vbd;
}

FerrySimRow *
ferry_sim_builder_add_disk (FerrySimBuilder        *self,
                            FerrySimRow            *vm,
                            const FerrySimDiskSpec *spec)
{
  SrInfo *sr_info = g_hash_table_lookup (self->sr_by_ref, spec->sr->ref);
  const char *sm_allocation = ferry_sim_row_map_lookup (spec->sr, "sm_config", "allocation");
  gboolean thin = g_strcmp0 (sm_allocation, "dynamic") == 0;
  guint n_disks = 0;
  const FerrySimValue *vbds = ferry_sim_row_get (vm, "VBDs");
  gint64 physical = spec->physical_utilisation;
  g_autofree char *auto_name = NULL;
  FerrySimRow *vdi;
  FerrySimValue sm_config = FERRY_SIM_VALUE_INIT;
  gboolean bootable;

  g_return_val_if_fail (sr_info != NULL, NULL);

  for (guint i = 0; i < ferry_sim_value_get_length (vbds); i++)
    {
      FerrySimRow *vbd = ferry_sim_db_lookup (self->db, ferry_sim_value_get_string (ferry_sim_value_index (vbds, i)));
      if (vbd && g_strcmp0 (row_str (vbd, "type"), "Disk") == 0)
        n_disks++;
    }

  if (physical < 0)
    physical = thin ? round_mib (spec->virtual_size / 2) : spec->virtual_size;
  if (spec->name_label == NULL)
    auto_name = g_strdup_printf ("%s %u", row_str (vm, "name_label"), n_disks);
  bootable = spec->bootable >= 0 ? spec->bootable : n_disks == 0;

  vdi = new_vdi (self, spec->sr, spec->name_label ? spec->name_label : auto_name,
                 spec->type ? spec->type : n_disks == 0 ? "system" : "user",
                 spec->virtual_size, physical);
  set_str (self, vdi, "name_description", n_disks == 0 ? "Created by template provisioner" : "");
  set_bool (self, vdi, "read_only", spec->read_only);
  set_bool (self, vdi, "sharable", spec->sharable);
  set_bool (self, vdi, "cbt_enabled", spec->cbt);
  set_bool (self, vdi, "allow_caching", spec->caching);
  set_str (self, vdi, "on_boot", spec->on_boot ? spec->on_boot : "persist");

  ferry_sim_value_copy (&sm_config, ferry_sim_row_get (vdi, "sm_config"));
  if (g_strcmp0 (spec->on_boot, "reset") == 0)
    ferry_sim_value_insert_string (&sm_config, "on_boot", "reset");
  if (spec->caching)
    ferry_sim_value_insert_string (&sm_config, "caching", "true");
  if (spec->encrypted)
    {
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, ferry_sim_row_get_uuid (vdi), -1);
      ferry_sim_value_insert_string (&sm_config, "key_hash", hash);
    }
  if (spec->cbt)
    ferry_sim_value_insert_string (&sm_config, "cbt_enabled", "true");
  ferry_sim_db_set_value (self->db, vdi, "sm_config", &sm_config);
  set_map (self, vdi, "other_config", spec->other_config, NULL);

  new_vbd (self, vm, vdi, "Disk", spec->userdevice, bootable, spec->read_only);
  return vdi;
}

FerrySimRow *
ferry_sim_builder_add_cd (FerrySimBuilder *self,
                          FerrySimRow     *vm,
                          FerrySimRow     *iso)
{
  return new_vbd (self, vm, iso, "CD", NULL, FALSE, TRUE);
}

FerrySimRow *
ferry_sim_builder_add_vif (FerrySimBuilder       *self,
                           FerrySimRow           *vm,
                           const FerrySimVifSpec *spec)
{
  FerrySimRow *vif = ferry_sim_builder_create (self, "VIF");
  g_autofree char *auto_device = g_strdup_printf ("%u", ferry_sim_value_get_length (ferry_sim_row_get (vm, "VIFs")));
  const char *device = spec->device ? spec->device : auto_device;
  char mac[18];
  gboolean live = vm_is_live (vm) && !ferry_sim_row_get_bool (vm, "is_a_snapshot");
  FerrySimRow *gm = ferry_sim_db_lookup_in (self->db, "VM_guest_metrics", ferry_sim_row_get_string (vm, "guest_metrics"));

  if (spec->mac == NULL)
    make_mac (self, mac);

  set_str (self, vif, "device", device);
  set_str (self, vif, "network", spec->network->ref);
  set_str (self, vif, "VM", vm->ref);
  set_str (self, vif, "MAC", spec->mac ? spec->mac : mac);
  set_bool (self, vif, "MAC_autogenerated", spec->mac == NULL);
  set_int (self, vif, "MTU", spec->mtu > 0 ? spec->mtu : ferry_sim_row_get_int (spec->network, "MTU"));
  set_bool (self, vif, "currently_attached", live);
  set_str (self, vif, "locking_mode", "network_default");
  set_map (self, vif, "other_config", NULL, NULL);
  set_map (self, vif, "qos_algorithm_params", NULL, NULL);

  if (gm != NULL && (spec->ip || spec->ipv6))
    {
      FerrySimValue networks = FERRY_SIM_VALUE_INIT;
      g_autofree char *k_ip = g_strdup_printf ("%s/ip", device);
      g_autofree char *k_ipv4 = g_strdup_printf ("%s/ipv4/0", device);
      g_autofree char *k_ipv6 = g_strdup_printf ("%s/ipv6/0", device);

      ferry_sim_value_copy (&networks, ferry_sim_row_get (gm, "networks"));
      if (networks.kind != FERRY_SIM_VALUE_MAP)
        ferry_sim_value_set_map (&networks);
      if (spec->ip)
        {
          ferry_sim_value_insert_string (&networks, k_ip, spec->ip);
          ferry_sim_value_insert_string (&networks, k_ipv4, spec->ip);
        }
      if (spec->ipv6)
        ferry_sim_value_insert_string (&networks, k_ipv6, spec->ipv6);
      ferry_sim_db_set_value (self->db, gm, "networks", &networks);
    }

  return vif;
}

void
ferry_sim_builder_attach_pci (FerrySimBuilder *self,
                              FerrySimRow     *vm,
                              FerrySimRow     *pci)
{
  const char *old = ferry_sim_row_map_lookup (vm, "other_config", "pci");
  guint n = 0;
  g_autofree char *joined = NULL;

  /* other_config:pci is "0/0000:3b:00.0,1/0000:3c:00.0" */
  if (old != NULL && *old != '\0')
    {
      n = 1;
      for (const char *p = old; *p; p++)
        n += *p == ',';
      joined = g_strdup_printf ("%s,%u/%s", old, n, row_str (pci, "pci_id"));
    }
  else
    joined = g_strdup_printf ("0/%s", row_str (pci, "pci_id"));
  ferry_sim_db_map_set (self->db, vm, "other_config", "pci", joined);

  /* (PCI.attached_VMs is internal to xapi: only the VM side is on the wire.) */
  if (vm_is_live (vm))
    add_to_set (self, vm, "attached_PCIs", pci->ref);
}

static gint64
pgpu_resident_count (FerrySimBuilder *self,
                     FerrySimRow     *pgpu,
                     FerrySimRow     *type,
                     gboolean        *other_type)
{
  const FerrySimValue *resident = ferry_sim_row_get (pgpu, "resident_VGPUs");
  gint64 n = 0;

  *other_type = FALSE;
  for (guint i = 0; i < ferry_sim_value_get_length (resident); i++)
    {
      FerrySimRow *vgpu = ferry_sim_db_lookup (self->db, ferry_sim_value_get_string (ferry_sim_value_index (resident, i)));

      if (vgpu == NULL)
        continue;
      if (g_strcmp0 (row_str (vgpu, "type"), type->ref) == 0)
        n++;
      else
        *other_type = TRUE;
    }
  return n;
}

FerrySimRow *
ferry_sim_builder_add_vgpu (FerrySimBuilder *self,
                            FerrySimRow     *vm,
                            const char      *type_name,
                            gint64           state_size)
{
  const VgpuTypePreset *preset = find_vgpu_type_preset (type_name);
  FerrySimRow *type;
  FerrySimRow *group = NULL;
  FerrySimRow *pgpu = NULL;
  FerrySimRow *vgpu;
  const char *host_ref = ferry_sim_row_get_string (vm, "resident_on");
  gboolean live = vm_is_live (vm);
  GPtrArray *pgpus = ferry_sim_db_get_rows_by_name (self->db, "PGPU");
  g_autofree char *device = g_strdup_printf ("%u", ferry_sim_value_get_length (ferry_sim_row_get (vm, "VGPUs")));

  g_return_val_if_fail (preset != NULL, NULL);
  type = ensure_vgpu_type (self, preset);

  /* A pGPU that supports the type: on the VM's host with room if it runs,
   * anywhere for its GPU group otherwise. */
  for (guint i = 0; i < pgpus->len; i++)
    {
      FerrySimRow *candidate = g_ptr_array_index (pgpus, i);
      gboolean other_type;
      const FerrySimValue *caps = ferry_sim_row_get (candidate, "supported_VGPU_max_capacities");
      const FerrySimValue *cap = ferry_sim_value_lookup (caps, type->ref);

      if (!ferry_sim_value_contains_string (ferry_sim_row_get (candidate, "enabled_VGPU_types"), type->ref))
        continue;
      if (!live)
        {
          group = ferry_sim_db_lookup (self->db, row_str (candidate, "GPU_group"));
          break;
        }
      if (g_strcmp0 (row_str (candidate, "host"), host_ref) != 0)
        continue;
      if (pgpu_resident_count (self, candidate, type, &other_type) >= (cap ? cap->i : 1) || other_type)
        continue;
      pgpu = candidate;
      group = ferry_sim_db_lookup (self->db, row_str (candidate, "GPU_group"));
      break;
    }

  if (group == NULL)
    return NULL;

  vgpu = ferry_sim_builder_create (self, "VGPU");
  set_str (self, vgpu, "VM", vm->ref);
  set_str (self, vgpu, "GPU_group", group->ref);
  set_str (self, vgpu, "device", device);
  set_bool (self, vgpu, "currently_attached", live);
  set_str (self, vgpu, "type", type->ref);
  set_str (self, vgpu, "resident_on", pgpu ? pgpu->ref : NULL);
  set_map (self, vgpu, "other_config", NULL, NULL);
  set_str (self, vgpu, "extra_args", "");
  if (pgpu != NULL && g_str_equal (preset->implementation, "nvidia"))
    set_map (self, vgpu, "compatibility_metadata", NULL,
             "nvidia", "AAAAAgAAAAEAAAAA/wBmAAAAAAD/AGcAAAAAAA==", NULL);

  if (pgpu != NULL)
    {
      FerrySimRow *host = ferry_sim_db_lookup (self->db, host_ref);
      FerrySimRow *pci = NULL;

      if (g_str_equal (preset->implementation, "nvidia_sriov"))
        {
          /* An SR-IOV virtual function of the card, passed through. */
          FerrySimRow *pf = ferry_sim_db_lookup (self->db, row_str (pgpu, "PCI"));
          g_autofree char *vf_name = g_strdup_printf ("%s Virtual Function", row_str (pf, "device_name"));

          pci = new_pci (self, host, "3D controller", "NVIDIA Corporation", vf_name, "nvidia");
          set_str (self, vgpu, "PCI", pci->ref);
        }
      else if (g_str_equal (preset->implementation, "passthrough"))
        pci = ferry_sim_db_lookup (self->db, row_str (pgpu, "PCI"));

      if (pci != NULL)
        add_to_set (self, vm, "attached_PCIs", pci->ref);
    }

  set_sim (self, vgpu->ref, FERRY_SIM_ATTR_VGPU_STATE_SIZE,
           (double) (state_size > 0 ? state_size : MAX (preset->framebuffer, 64 * FERRY_SIM_MiB)));
  return vgpu;
}

FerrySimRow *
ferry_sim_builder_add_vusb (FerrySimBuilder *self,
                            FerrySimRow     *vm,
                            FerrySimRow     *pusb)
{
  FerrySimRow *vusb = ferry_sim_builder_create (self, "VUSB");

  set_str (self, vusb, "VM", vm->ref);
  set_str (self, vusb, "USB_group", row_str (pusb, "USB_group"));
  set_bool (self, vusb, "currently_attached", vm_is_live (vm));
  set_map (self, vusb, "other_config", NULL, NULL);
  return vusb;
}

FerrySimRow *
ferry_sim_builder_add_suspend_image (FerrySimBuilder *self,
                                     FerrySimRow     *vm,
                                     FerrySimRow     *sr)
{
  gint64 size = round_mib (ferry_sim_row_get_int (vm, "memory_static_max") + 16 * FERRY_SIM_MiB);
  g_autofree char *name = g_strdup_printf ("Suspend image for %s", row_str (vm, "name_label"));
  FerrySimRow *vdi = new_vdi (self, sr, name, "suspend", size, size);

  set_str (self, vm, "suspend_VDI", vdi->ref);
  set_str (self, vm, "suspend_SR", sr->ref);
  return vdi;
}

static void
copy_field (FerrySimBuilder *self,
            FerrySimRow     *dest,
            FerrySimRow     *src,
            const char      *field)
{
  FerrySimValue copy = FERRY_SIM_VALUE_INIT;

  ferry_sim_value_copy (&copy, ferry_sim_row_get (src, field));
  ferry_sim_db_set_value (self->db, dest, field, &copy);
}

FerrySimRow *
ferry_sim_builder_add_snapshot (FerrySimBuilder *self,
                                FerrySimRow     *vm,
                                const char      *name,
                                const char      *time)
{
  static const char * const copied[] = {
    "name_description", "memory_static_min", "memory_dynamic_min", "memory_dynamic_max",
    "memory_static_max", "memory_overhead", "VCPUs_max", "VCPUs_at_startup", "domain_type",
    "HVM_boot_policy", "HVM_boot_params", "PV_bootloader", "platform", "other_config",
    "hardware_platform_version", "has_vendor_device", "actions_after_shutdown",
    "actions_after_reboot", "actions_after_crash", "HVM_shadow_multiplier", "affinity",
    NULL
  };
  FerrySimRow *snap = ferry_sim_builder_create (self, "VM");
  FerrySimRow *metrics = ferry_sim_builder_create (self, "VM_metrics");
  const FerrySimValue *vbds = ferry_sim_row_get (vm, "VBDs");
  const FerrySimValue *vifs = ferry_sim_row_get (vm, "VIFs");
  g_autoptr(GPtrArray) vbd_rows = g_ptr_array_new ();
  g_autoptr(GPtrArray) vif_rows = g_ptr_array_new ();

  for (guint i = 0; copied[i]; i++)
    copy_field (self, snap, vm, copied[i]);
  set_str (self, snap, "name_label", name);
  set_bool (self, snap, "is_a_snapshot", TRUE);
  set_bool (self, snap, "is_a_template", TRUE);
  set_str (self, snap, "snapshot_of", vm->ref);
  if (time)
    set_time_text (self, snap, "snapshot_time", time);
  else
    set_time (self, snap, "snapshot_time", self->base_time - g_rand_int_range (self->rand, 3600, 90 * 86400));
  set_str (self, snap, "power_state", "Halted");
  set_int (self, snap, "domid", -1);
  set_int (self, snap, "user_version", 1);
  set_str (self, snap, "metrics", metrics->ref);
  set_str (self, metrics, "current_domain_type", "unspecified");
  set_time (self, metrics, "last_updated", self->base_time);

  /* Collect first: adding VBDs to the snapshot does not touch @vm's sets, but be safe. */
  for (guint i = 0; i < ferry_sim_value_get_length (vbds); i++)
    g_ptr_array_add (vbd_rows, ferry_sim_db_lookup (self->db, ferry_sim_value_get_string (ferry_sim_value_index (vbds, i))));
  for (guint i = 0; i < ferry_sim_value_get_length (vifs); i++)
    g_ptr_array_add (vif_rows, ferry_sim_db_lookup (self->db, ferry_sim_value_get_string (ferry_sim_value_index (vifs, i))));

  for (guint i = 0; i < vbd_rows->len; i++)
    {
      FerrySimRow *vbd = g_ptr_array_index (vbd_rows, i);
      FerrySimRow *vdi;
      FerrySimRow *sr;
      FerrySimRow *copy = NULL;

      if (vbd == NULL)
        continue;
      vdi = ferry_sim_db_lookup (self->db, ferry_sim_row_get_string (vbd, "VDI"));
      if (g_strcmp0 (row_str (vbd, "type"), "Disk") == 0 && vdi != NULL &&
          (sr = ferry_sim_db_lookup (self->db, row_str (vdi, "SR"))) != NULL)
        {
          gint64 virt = ferry_sim_row_get_int (vdi, "virtual_size");
          gint64 phys = round_mib (ferry_sim_row_get_int (vdi, "physical_utilisation") / 10);

          copy = new_vdi (self, sr, row_str (vdi, "name_label"), row_str (vdi, "type"), virt, phys);
          set_bool (self, copy, "is_a_snapshot", TRUE);
          set_str (self, copy, "snapshot_of", vdi->ref);
          copy_field (self, copy, snap, "snapshot_time");
          set_bool (self, copy, "cbt_enabled", ferry_sim_row_get_bool (vdi, "cbt_enabled"));
        }
      new_vbd (self, snap, copy, row_str (vbd, "type"), row_str (vbd, "userdevice"),
               ferry_sim_row_get_bool (vbd, "bootable"), g_strcmp0 (row_str (vbd, "mode"), "RO") == 0);
    }

  for (guint i = 0; i < vif_rows->len; i++)
    {
      FerrySimRow *vif = g_ptr_array_index (vif_rows, i);
      FerrySimRow *network;
      FerrySimVifSpec spec = { 0 };

      if (vif == NULL || (network = ferry_sim_db_lookup (self->db, row_str (vif, "network"))) == NULL)
        continue;
      spec.network = network;
      spec.mac = row_str (vif, "MAC");
      spec.device = row_str (vif, "device");
      ferry_sim_builder_add_vif (self, snap, &spec);
    }

  return snap;
}

/* Finishing --------------------------------------------------------------- */

gint64
ferry_sim_builder_get_host_free_memory (FerrySimBuilder *self,
                                        FerrySimRow     *host)
{
  FerrySimRow *metrics = ferry_sim_db_lookup (self->db, row_str (host, "metrics"));
  const FerrySimValue *resident = ferry_sim_row_get (host, "resident_VMs");
  gint64 free_mem;

  if (metrics == NULL)
    return 0;

  free_mem = ferry_sim_row_get_int (metrics, "memory_total") - ferry_sim_row_get_int (host, "memory_overhead");
  for (guint i = 0; i < ferry_sim_value_get_length (resident); i++)
    {
      FerrySimRow *vm = ferry_sim_db_lookup (self->db, ferry_sim_value_get_string (ferry_sim_value_index (resident, i)));
      FerrySimRow *vm_metrics;

      if (vm == NULL)
        continue;
      vm_metrics = ferry_sim_db_lookup (self->db, row_str (vm, "metrics"));
      free_mem -= ferry_sim_row_get_int (vm, "memory_overhead");
      free_mem -= vm_metrics ? ferry_sim_row_get_int (vm_metrics, "memory_actual")
                             : ferry_sim_row_get_int (vm, "memory_dynamic_max");
    }
  return free_mem;
}

static NetInfo *
find_nic_network (FerrySimBuilder *self,
                  const char      *nic)
{
  for (guint i = 0; i < self->networks->len; i++)
    {
      NetInfo *net = g_ptr_array_index (self->networks, i);
      if (!net->internal && net->vlan == 0 && g_strcmp0 (net->nic, nic) == 0)
        return net;
    }
  return NULL;
}

static NetInfo *
management_network (FerrySimBuilder *self)
{
  NetInfo *first = NULL;

  for (guint i = 0; i < self->networks->len; i++)
    {
      NetInfo *net = g_ptr_array_index (self->networks, i);
      if (net->internal)
        continue;
      if (net->management)
        return net;
      if (first == NULL && net->vlan == 0 && g_strcmp0 (net->nic, "eth0") == 0)
        first = net;
    }
  return first;
}

/* "10.20.0.0/24" and host index 2 give "10.20.0.12", "255.255.255.0". */
static gboolean
subnet_address (const char *subnet,
                guint       index,
                char      **ip,
                char      **netmask,
                char      **gateway)
{
  guint a, b, c, d, bits;
  guint32 base, mask, addr;

  if (subnet == NULL || sscanf (subnet, "%u.%u.%u.%u/%u", &a, &b, &c, &d, &bits) != 5 ||
      a > 255 || b > 255 || c > 255 || d > 255 || bits < 8 || bits > 30)
    return FALSE;

  mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);
  base = ((a << 24) | (b << 16) | (c << 8) | d) & mask;
  addr = base + 10 + index;
  *ip = g_strdup_printf ("%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff);
  *netmask = g_strdup_printf ("%u.%u.%u.%u", mask >> 24, (mask >> 16) & 0xff, (mask >> 8) & 0xff, mask & 0xff);
  *gateway = g_strdup_printf ("%u.%u.%u.%u", (base + 1) >> 24, ((base + 1) >> 16) & 0xff,
                              ((base + 1) >> 8) & 0xff, (base + 1) & 0xff);
  return TRUE;
}

static FerrySimRow *
new_pif (FerrySimBuilder *self,
         HostInfo        *host,
         NetInfo         *net,
         const char      *device,
         const char      *mac,
         gint64           vlan,
         gint64           speed,
         gboolean         management)
{
  FerrySimRow *pif = ferry_sim_builder_create (self, "PIF");
  g_autofree char *ip = NULL;
  g_autofree char *netmask = NULL;
  g_autofree char *gateway = NULL;

  set_str (self, pif, "device", device);
  set_str (self, pif, "network", net->row->ref);
  set_str (self, pif, "host", host->row->ref);
  set_str (self, pif, "MAC", mac);
  set_int (self, pif, "MTU", ferry_sim_row_get_int (net->row, "MTU"));
  set_int (self, pif, "VLAN", vlan > 0 ? vlan : -1);
  set_bool (self, pif, "physical", vlan <= 0);
  set_bool (self, pif, "currently_attached", TRUE);
  set_bool (self, pif, "management", management);
  set_bool (self, pif, "managed", TRUE);
  set_str (self, pif, "primary_address_type", "IPv4");
  set_str (self, pif, "ipv6_configuration_mode", "None");

  if (management)
    {
      g_autofree char *prefix = g_strndup (host->address, strrchr (host->address, '.') ? (gsize) (strrchr (host->address, '.') - host->address) : 0);
      ip = g_strdup (host->address);
      netmask = g_strdup ("255.255.255.0");
      gateway = *prefix ? g_strconcat (prefix, ".1", NULL) : g_strdup ("");
      set_str (self, pif, "DNS", "10.0.99.2");
    }
  else if (!subnet_address (net->subnet, host->index, &ip, &netmask, &gateway))
    ip = NULL;

  if (ip != NULL)
    {
      set_str (self, pif, "ip_configuration_mode", "Static");
      set_str (self, pif, "IP", ip);
      set_str (self, pif, "netmask", netmask);
      set_str (self, pif, "gateway", management ? gateway : "");
    }
  else
    set_str (self, pif, "ip_configuration_mode", "None");

  set_sim (self, pif->ref, FERRY_SIM_ATTR_SPEED, (double) speed);

  /* What clients read the link speed from (Mbit/s), as on a real host. */
  {
    FerrySimRow *metrics = ferry_sim_builder_create (self, "PIF_metrics");

    set_int (self, metrics, "speed", speed);
    set_bool (self, metrics, "carrier", TRUE);
    set_bool (self, metrics, "duplex", TRUE);
    set_str (self, pif, "metrics", metrics->ref);
  }
  return pif;
}

static void
finish_pifs (FerrySimBuilder *self)
{
  NetInfo *mgmt = management_network (self);

  for (guint h = 0; h < self->hosts->len; h++)
    {
      HostInfo *host = g_ptr_array_index (self->hosts, h);
      g_autoptr(GHashTable) macs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

      for (guint n = 0; n < host->nics->len; n++)
        {
          FerrySimNicSpec *nic = &g_array_index (host->nics, FerrySimNicSpec, n);
          NetInfo *net = find_nic_network (self, nic->name);
          char mac[18];

          if (net == NULL)
            {
              g_autofree char *name = g_strdup_printf ("Pool-wide network associated with %s", nic->name);
              FerrySimNetworkSpec spec = { .name_label = name, .nic = nic->name };

              ferry_sim_builder_add_network (self, &spec);
              net = g_ptr_array_index (self->networks, self->networks->len - 1);
              if (mgmt == NULL && g_str_equal (nic->name, "eth0"))
                mgmt = net;
            }
          make_mac (self, mac);
          g_hash_table_insert (macs, (gpointer) nic->name, g_strdup (mac));
          new_pif (self, host, net, nic->name, mac, 0, nic->speed_mbit, net == mgmt);
        }

      for (guint i = 0; i < self->networks->len; i++)
        {
          NetInfo *net = g_ptr_array_index (self->networks, i);
          const char *mac;
          gint64 speed = 0;

          if (net->internal || net->vlan <= 0)
            continue;
          mac = g_hash_table_lookup (macs, net->nic);
          if (mac == NULL)
            continue;  /* this host lacks the NIC */
          for (guint n = 0; n < host->nics->len; n++)
            if (g_str_equal (g_array_index (host->nics, FerrySimNicSpec, n).name, net->nic))
              speed = g_array_index (host->nics, FerrySimNicSpec, n).speed_mbit;
          new_pif (self, host, net, net->nic, mac, net->vlan, speed, net == mgmt);
        }
    }
}

static FerrySimRow *
host_management_pif (FerrySimBuilder *self,
                     FerrySimRow     *host)
{
  const FerrySimValue *pifs = ferry_sim_row_get (host, "PIFs");

  for (guint i = 0; i < ferry_sim_value_get_length (pifs); i++)
    {
      FerrySimRow *pif = ferry_sim_db_lookup (self->db, ferry_sim_value_get_string (ferry_sim_value_index (pifs, i)));
      if (pif && ferry_sim_row_get_bool (pif, "management"))
        return pif;
    }
  return NULL;
}

static void
finish_cluster (FerrySimBuilder *self)
{
  gint64 n = self->hosts->len;
  gint64 live = 0;

  if (self->cluster == NULL)
    return;

  for (guint h = 0; h < self->hosts->len; h++)
    {
      HostInfo *host = g_ptr_array_index (self->hosts, h);
      FerrySimRow *ch = ferry_sim_builder_create (self, "Cluster_host");
      FerrySimRow *metrics = ferry_sim_db_lookup (self->db, row_str (host->row, "metrics"));
      FerrySimRow *pif = host_management_pif (self, host->row);
      gboolean alive = metrics == NULL || ferry_sim_row_get_bool (metrics, "live");

      live += alive;
      set_str (self, ch, "cluster", self->cluster->ref);
      set_str (self, ch, "host", host->row->ref);
      set_bool (self, ch, "enabled", TRUE);
      set_bool (self, ch, "joined", TRUE);
      set_bool (self, ch, "live", alive);
      set_time (self, ch, "last_update_live", self->base_time);
      set_str (self, ch, "PIF", pif ? pif->ref : NULL);
      set_map (self, ch, "other_config", NULL, NULL);
    }

  set_int (self, self->cluster, "quorum", n / 2 + 1);
  set_int (self, self->cluster, "live_hosts", live);
  set_bool (self, self->cluster, "is_quorate", live >= n / 2 + 1);
}

/* Pool CPU levelling: the features every host of the master's vendor has. */
static void
finish_cpu_levelling (FerrySimBuilder *self)
{
  FerrySimRow *master = self->pool_row ? ferry_sim_db_lookup (self->db, row_str (self->pool_row, "master")) : NULL;
  HostInfo *minfo = host_info (self, master);
  guint32 hvm[N_FEATURE_WORDS];
  guint32 pv[N_FEATURE_WORDS];
  guint32 words[N_FEATURE_WORDS];
  gint64 cpus = 0;
  gint64 sockets = 0;
  g_autofree char *hvm_text = NULL;
  g_autofree char *pv_text = NULL;
  g_autofree char *cpus_text = NULL;
  g_autofree char *sockets_text = NULL;

  if (minfo == NULL)
    return;

  memset (hvm, 0xff, sizeof hvm);
  memset (pv, 0xff, sizeof pv);
  for (guint h = 0; h < self->hosts->len; h++)
    {
      HostInfo *host = g_ptr_array_index (self->hosts, h);

      cpus += g_ascii_strtoll (ferry_sim_row_map_lookup (host->row, "cpu_info", "cpu_count"), NULL, 10);
      sockets += g_ascii_strtoll (ferry_sim_row_map_lookup (host->row, "cpu_info", "socket_count"), NULL, 10);
      if (!g_str_equal (host->cpu->vendor, minfo->cpu->vendor))
        continue;
      parse_features (host->features_hvm, words, N_FEATURE_WORDS);
      for (guint i = 0; i < N_FEATURE_WORDS; i++)
        hvm[i] &= words[i];
      parse_features (host->features_pv, words, N_FEATURE_WORDS);
      for (guint i = 0; i < N_FEATURE_WORDS; i++)
        pv[i] &= words[i];
    }

  hvm_text = format_features (hvm);
  pv_text = format_features (pv);
  cpus_text = g_strdup_printf ("%" G_GINT64_FORMAT, cpus);
  sockets_text = g_strdup_printf ("%" G_GINT64_FORMAT, sockets);
  set_map (self, self->pool_row, "cpu_info", NULL,
           "cpu_count", cpus_text,
           "socket_count", sockets_text,
           "vendor", minfo->cpu->vendor,
           "features_pv", pv_text,
           "features_hvm", hvm_text,
           "features_pv_host", pv_text,
           "features_hvm_host", hvm_text,
           NULL);
}

/* The features a VM saw at boot: the pool's level among hosts of its host's vendor. */
static const char *
levelled_features (FerrySimBuilder *self,
                   HostInfo        *on,
                   gboolean         pv)
{
  g_autofree char *key = g_strconcat (on->cpu->vendor, pv ? "/pv" : "/hvm", NULL);
  const char *cached = g_hash_table_lookup (self->levelled, key);
  guint32 acc[N_FEATURE_WORDS];
  guint32 words[N_FEATURE_WORDS];
  char *features;

  if (cached != NULL)
    return cached;

  memset (acc, 0xff, sizeof acc);
  for (guint h = 0; h < self->hosts->len; h++)
    {
      HostInfo *host = g_ptr_array_index (self->hosts, h);

      if (!g_str_equal (host->cpu->vendor, on->cpu->vendor))
        continue;
      parse_features (pv ? host->features_pv : host->features_hvm, words, N_FEATURE_WORDS);
      for (guint i = 0; i < N_FEATURE_WORDS; i++)
        acc[i] &= words[i];
    }
  features = format_features (acc);
  g_hash_table_insert (self->levelled, g_steal_pointer (&key), features);
  return features;
}

static void
finish_vm_cpu_flags (FerrySimBuilder *self,
                     FerrySimRow     *vm)
{
  const FerrySimValue *flags = ferry_sim_row_get (vm, "last_boot_CPU_flags");
  const char *power = row_str (vm, "power_state");
  FerrySimRow *host;
  HostInfo *info;
  gboolean pv = g_strcmp0 (row_str (vm, "domain_type"), "pv") == 0;
  const char *features;
  FerrySimValue map = FERRY_SIM_VALUE_INIT;

  if (g_str_equal (power, "Halted") || ferry_sim_row_get_bool (vm, "is_control_domain"))
    return;
  if (ferry_sim_value_lookup (flags, "features") != NULL)
    return;

  host = ferry_sim_db_lookup (self->db, row_str (vm, "resident_on"));
  if (host == NULL)
    host = ferry_sim_db_lookup (self->db, row_str (vm, "affinity"));
  if (host == NULL && self->pool_row)
    host = ferry_sim_db_lookup (self->db, row_str (self->pool_row, "master"));
  info = host_info (self, host);
  if (info == NULL)
    return;

  features = levelled_features (self, info, pv);
  ferry_sim_value_copy (&map, flags);
  if (map.kind != FERRY_SIM_VALUE_MAP)
    ferry_sim_value_set_map (&map);
  if (ferry_sim_value_lookup (&map, "vendor") == NULL)
    ferry_sim_value_insert_string (&map, "vendor", info->cpu->vendor);
  ferry_sim_value_insert_string (&map, "features", features);
  ferry_sim_db_set_value (self->db, vm, "last_boot_CPU_flags", &map);
}

static void
finish_srs (FerrySimBuilder *self)
{
  GPtrArray *vdis = ferry_sim_db_get_rows_by_name (self->db, "VDI");
  g_autoptr(GHashTable) physical = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) virt = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  /* One pass over the VDIs: the SR sets may be long. */
  for (guint i = 0; i < vdis->len; i++)
    {
      FerrySimRow *vdi = g_ptr_array_index (vdis, i);
      const char *sr = ferry_sim_row_get_string (vdi, "SR");
      gint64 *p = g_hash_table_lookup (physical, sr);
      gint64 *v = g_hash_table_lookup (virt, sr);

      if (p == NULL)
        {
          p = g_new0 (gint64, 1);
          v = g_new0 (gint64, 1);
          g_hash_table_insert (physical, (gpointer) sr, p);
          g_hash_table_insert (virt, (gpointer) sr, v);
        }
      *p += ferry_sim_row_get_int (vdi, "physical_utilisation");
      *v += ferry_sim_row_get_int (vdi, "virtual_size");
    }

  for (guint i = 0; i < self->srs->len; i++)
    {
      SrInfo *sr = g_ptr_array_index (self->srs, i);
      gint64 *p = g_hash_table_lookup (physical, sr->row->ref);
      gint64 *v = g_hash_table_lookup (virt, sr->row->ref);

      set_int (self, sr->row, "physical_utilisation", (p ? *p : 0) + sr->extra_used);
      set_int (self, sr->row, "virtual_allocation", v ? *v : 0);
    }
}

void
ferry_sim_builder_finish (FerrySimBuilder *self)
{
  GPtrArray *vms;
  FerrySimRow *default_sr = NULL;

  g_return_if_fail (!self->finished);
  self->finished = TRUE;

  finish_pifs (self);
  finish_cluster (self);
  finish_cpu_levelling (self);
  finish_srs (self);

  if (self->pool_row)
    default_sr = ferry_sim_db_lookup (self->db, row_str (self->pool_row, "default_SR"));

  for (guint h = 0; h < self->hosts->len; h++)
    {
      HostInfo *host = g_ptr_array_index (self->hosts, h);
      FerrySimRow *metrics = ferry_sim_db_lookup (self->db, row_str (host->row, "metrics"));
      FerrySimRow *local = NULL;

      if (metrics)
        set_int (self, metrics, "memory_free", MAX (0, ferry_sim_builder_get_host_free_memory (self, host->row)));

      for (guint i = 0; i < self->srs->len && default_sr == NULL; i++)
        {
          SrInfo *sr = g_ptr_array_index (self->srs, i);
          if (sr->local && sr->hosts && g_ptr_array_index (sr->hosts, 0) == host->row &&
              g_str_equal (row_str (sr->row, "content_type"), "user"))
            local = sr->row;
        }
      if (default_sr || local)
        {
          set_str (self, host->row, "suspend_image_sr", (default_sr ? default_sr : local)->ref);
          set_str (self, host->row, "crash_dump_sr", (default_sr ? default_sr : local)->ref);
        }
    }

  vms = ferry_sim_db_get_rows_by_name (self->db, "VM");
  for (guint i = 0; i < vms->len; i++)
    {
      FerrySimRow *vm = g_ptr_array_index (vms, i);

      finish_vm_cpu_flags (self, vm);
    }
}
