/* ferry-host-cpu.h: a physical CPU of a host (xapi.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-object.h"

G_BEGIN_DECLS

#define FERRY_TYPE_HOST_CPU (ferry_host_cpu_get_type ())

G_DECLARE_FINAL_TYPE (FerryHostCpu, ferry_host_cpu, FERRY, HOST_CPU, FerryObject)

const char *ferry_host_cpu_get_host        (FerryHostCpu *self);
gint64      ferry_host_cpu_get_number      (FerryHostCpu *self);
const char *ferry_host_cpu_get_vendor      (FerryHostCpu *self);
gint64      ferry_host_cpu_get_speed       (FerryHostCpu *self);
const char *ferry_host_cpu_get_modelname   (FerryHostCpu *self);
gint64      ferry_host_cpu_get_family      (FerryHostCpu *self);
gint64      ferry_host_cpu_get_model       (FerryHostCpu *self);
const char *ferry_host_cpu_get_stepping    (FerryHostCpu *self);
const char *ferry_host_cpu_get_flags       (FerryHostCpu *self);
const char *ferry_host_cpu_get_features    (FerryHostCpu *self);
double      ferry_host_cpu_get_utilisation (FerryHostCpu *self);

G_END_DECLS
