/* ferry-host.h: a host (server) (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_HOST (ferry_host_get_type ())

G_DECLARE_FINAL_TYPE (FerryHost, ferry_host, FERRY, HOST, FerryObject)

const char         *ferry_host_get_hostname                           (FerryHost *self);
const char         *ferry_host_get_address                            (FerryHost *self);
gboolean            ferry_host_get_enabled                            (FerryHost *self);
const char         *ferry_host_get_metrics                            (FerryHost *self);
const char         *ferry_host_lookup_software_version                (FerryHost  *self,
                                                                       const char *key);
gint64              ferry_host_get_api_version_major                  (FerryHost *self);
gint64              ferry_host_get_api_version_minor                  (FerryHost *self);
const char         *ferry_host_get_api_version_vendor                 (FerryHost *self);
const char         *ferry_host_lookup_cpu_info                        (FerryHost  *self,
                                                                       const char *key);
const char * const *ferry_host_get_capabilities                       (FerryHost *self);
const char         *ferry_host_lookup_chipset_info                    (FerryHost  *self,
                                                                       const char *key);
const char * const *ferry_host_get_virtual_hardware_platform_versions (FerryHost *self);
gint64              ferry_host_get_memory_overhead                    (FerryHost *self);
const char         *ferry_host_get_control_domain                     (FerryHost *self);
const char         *ferry_host_get_suspend_image_sr                   (FerryHost *self);
const char         *ferry_host_get_crash_dump_sr                      (FerryHost *self);
const char         *ferry_host_lookup_license_params                  (FerryHost  *self,
                                                                       const char *key);
const char         *ferry_host_get_edition                            (FerryHost *self);
gboolean            ferry_host_get_https_only                         (FerryHost *self);
gboolean            ferry_host_get_tls_verification_enabled           (FerryHost *self);
GListModel         *ferry_host_get_resident_vms                       (FerryHost *self);
GListModel         *ferry_host_get_scheduled_vms                      (FerryHost *self);
GListModel         *ferry_host_get_affinity_vms                       (FerryHost *self);
GListModel         *ferry_host_get_pbds                               (FerryHost *self);
GListModel         *ferry_host_get_pifs                               (FerryHost *self);
GListModel         *ferry_host_get_host_cpus                          (FerryHost *self);
GListModel         *ferry_host_get_pcis                               (FerryHost *self);
GListModel         *ferry_host_get_pgpus                              (FerryHost *self);
GListModel         *ferry_host_get_pusbs                              (FerryHost *self);
GListModel         *ferry_host_get_cluster_hosts                      (FerryHost *self);

G_END_DECLS
