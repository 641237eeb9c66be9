/* ferry-host.c: a host (server)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-host"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-host.h"

typedef struct
{
  char     *hostname;
  char     *address;
  gboolean  enabled;
  char     *metrics;
  char    **software_version;
  gint64    api_version_major;
  gint64    api_version_minor;
  char     *api_version_vendor;
  char    **cpu_info;
  char    **capabilities;
  char    **chipset_info;
  char    **virtual_hardware_platform_versions;
  gint64    memory_overhead;
  char     *control_domain;
  char     *suspend_image_sr;
  char     *crash_dump_sr;
  char    **license_params;
  char     *edition;
  gboolean  https_only;
  gboolean  tls_verification_enabled;
} Fields;

struct _FerryHost
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_HOSTNAME,
  PROP_ADDRESS,
  PROP_ENABLED,
  PROP_METRICS,
  PROP_SOFTWARE_VERSION,
  PROP_API_VERSION_MAJOR,
  PROP_API_VERSION_MINOR,
  PROP_API_VERSION_VENDOR,
  PROP_CPU_INFO,
  PROP_CAPABILITIES,
  PROP_CHIPSET_INFO,
  PROP_VIRTUAL_HARDWARE_PLATFORM_VERSIONS,
  PROP_MEMORY_OVERHEAD,
  PROP_CONTROL_DOMAIN,
  PROP_SUSPEND_IMAGE_SR,
  PROP_CRASH_DUMP_SR,
  PROP_LICENSE_PARAMS,
  PROP_EDITION,
  PROP_HTTPS_ONLY,
  PROP_TLS_VERIFICATION_ENABLED,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("hostname", STRING, Fields, hostname, PROP_HOSTNAME),
  FERRY_FIELD ("address", STRING, Fields, address, PROP_ADDRESS),
  FERRY_FIELD ("enabled", BOOLEAN, Fields, enabled, PROP_ENABLED),
  FERRY_FIELD ("metrics", REF, Fields, metrics, PROP_METRICS),
  FERRY_FIELD ("software_version", MAP, Fields, software_version, PROP_SOFTWARE_VERSION),
  FERRY_FIELD ("API_version_major", INT, Fields, api_version_major, PROP_API_VERSION_MAJOR),
  FERRY_FIELD ("API_version_minor", INT, Fields, api_version_minor, PROP_API_VERSION_MINOR),
  FERRY_FIELD ("API_version_vendor", STRING, Fields, api_version_vendor, PROP_API_VERSION_VENDOR),
  FERRY_FIELD ("cpu_info", MAP, Fields, cpu_info, PROP_CPU_INFO),
  FERRY_FIELD ("capabilities", SET, Fields, capabilities, PROP_CAPABILITIES),
  FERRY_FIELD ("chipset_info", MAP, Fields, chipset_info, PROP_CHIPSET_INFO),
  FERRY_FIELD ("virtual_hardware_platform_versions", SET, Fields, virtual_hardware_platform_versions, PROP_VIRTUAL_HARDWARE_PLATFORM_VERSIONS),
  FERRY_FIELD ("memory_overhead", INT, Fields, memory_overhead, PROP_MEMORY_OVERHEAD),
  FERRY_FIELD ("control_domain", REF, Fields, control_domain, PROP_CONTROL_DOMAIN),
  FERRY_FIELD ("suspend_image_sr", REF, Fields, suspend_image_sr, PROP_SUSPEND_IMAGE_SR),
  FERRY_FIELD ("crash_dump_sr", REF, Fields, crash_dump_sr, PROP_CRASH_DUMP_SR),
  FERRY_FIELD ("license_params", MAP, Fields, license_params, PROP_LICENSE_PARAMS),
  FERRY_FIELD ("edition", STRING, Fields, edition, PROP_EDITION),
  FERRY_FIELD ("https_only", BOOLEAN, Fields, https_only, PROP_HTTPS_ONLY),
  FERRY_FIELD ("tls_verification_enabled", BOOLEAN, Fields, tls_verification_enabled, PROP_TLS_VERIFICATION_ENABLED),
};

FERRY_DEFINE_OBJECT_TYPE (FerryHost, ferry_host, FERRY_CLASS_HOST, "host")

FERRY_DEFINE_GETTER (FerryHost, ferry_host, const char *, hostname, hostname)
FERRY_DEFINE_GETTER (FerryHost, ferry_host, const char *, address, address)
FERRY_DEFINE_GETTER (FerryHost, ferry_host, gboolean, enabled, enabled)
FERRY_DEFINE_GETTER (FerryHost, ferry_host, const char *, metrics, metrics)
FERRY_DEFINE_MAP_LOOKUP (FerryHost, ferry_host, software_version, software_version)
FERRY_DEFINE_GETTER (FerryHost, ferry_host, gint64, api_version_major, api_version_major)
FERRY_DEFINE_GETTER (FerryHost, ferry_host, gint64, api_version_minor, api_version_minor)
FERRY_DEFINE_GETTER (FerryHost, ferry_host, const char *, api_version_vendor, api_version_vendor)
FERRY_DEFINE_MAP_LOOKUP (FerryHost, ferry_host, cpu_info, cpu_info)
FERRY_DEFINE_SET_GETTER (FerryHost, ferry_host, capabilities, capabilities)
FERRY_DEFINE_MAP_LOOKUP (FerryHost, ferry_host, chipset_info, chipset_info)
FERRY_DEFINE_SET_GETTER (FerryHost, ferry_host, virtual_hardware_platform_versions, virtual_hardware_platform_versions)
FERRY_DEFINE_GETTER (FerryHost, ferry_host, gint64, memory_overhead, memory_overhead)
FERRY_DEFINE_GETTER (FerryHost, ferry_host, const char *, control_domain, control_domain)
FERRY_DEFINE_GETTER (FerryHost, ferry_host, const char *, suspend_image_sr, suspend_image_sr)
FERRY_DEFINE_GETTER (FerryHost, ferry_host, const char *, crash_dump_sr, crash_dump_sr)
FERRY_DEFINE_MAP_LOOKUP (FerryHost, ferry_host, license_params, license_params)
FERRY_DEFINE_GETTER (FerryHost, ferry_host, const char *, edition, edition)
FERRY_DEFINE_GETTER (FerryHost, ferry_host, gboolean, https_only, https_only)
FERRY_DEFINE_GETTER (FerryHost, ferry_host, gboolean, tls_verification_enabled, tls_verification_enabled)
FERRY_DEFINE_RELATION_GETTER (FerryHost, ferry_host, resident_vms, FERRY_RELATION_HOST_RESIDENT_VMS)
FERRY_DEFINE_RELATION_GETTER (FerryHost, ferry_host, scheduled_vms, FERRY_RELATION_HOST_SCHEDULED_VMS)
FERRY_DEFINE_RELATION_GETTER (FerryHost, ferry_host, affinity_vms, FERRY_RELATION_HOST_AFFINITY_VMS)
FERRY_DEFINE_RELATION_GETTER (FerryHost, ferry_host, pbds, FERRY_RELATION_HOST_PBDS)
FERRY_DEFINE_RELATION_GETTER (FerryHost, ferry_host, pifs, FERRY_RELATION_HOST_PIFS)
FERRY_DEFINE_RELATION_GETTER (FerryHost, ferry_host, host_cpus, FERRY_RELATION_HOST_CPUS)
FERRY_DEFINE_RELATION_GETTER (FerryHost, ferry_host, pcis, FERRY_RELATION_HOST_PCIS)
FERRY_DEFINE_RELATION_GETTER (FerryHost, ferry_host, pgpus, FERRY_RELATION_HOST_PGPUS)
FERRY_DEFINE_RELATION_GETTER (FerryHost, ferry_host, pusbs, FERRY_RELATION_HOST_PUSBS)
FERRY_DEFINE_RELATION_GETTER (FerryHost, ferry_host, cluster_hosts, FERRY_RELATION_HOST_CLUSTER_HOSTS)
