/* ferry-vm-metrics.c: a running VM's metrics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-vm-metrics"

#include "config.h"

#include "ferry-object-private.h"
#include "ferry-vm-metrics.h"

typedef struct
{
  gint64    memory_actual;
  gint64    vcpus_number;
  char    **state;
  char     *start_time;
  char     *install_time;
  char     *last_updated;
  gboolean  hvm;
  gboolean  nested_virt;
  gboolean  nomigrate;
  char     *current_domain_type;
} Fields;

struct _FerryVmMetrics
{
  FerryObject parent_instance;
  Fields      f;
};

enum {
  PROP_0,
  PROP_MEMORY_ACTUAL,
  PROP_VCPUS_NUMBER,
  PROP_STATE,
  PROP_START_TIME,
  PROP_INSTALL_TIME,
  PROP_LAST_UPDATED,
  PROP_HVM,
  PROP_NESTED_VIRT,
  PROP_NOMIGRATE,
  PROP_CURRENT_DOMAIN_TYPE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const FerryField fields[] = {
  FERRY_FIELD ("memory_actual", INT, Fields, memory_actual, PROP_MEMORY_ACTUAL),
  FERRY_FIELD ("VCPUs_number", INT, Fields, vcpus_number, PROP_VCPUS_NUMBER),
  FERRY_FIELD ("state", SET, Fields, state, PROP_STATE),
  FERRY_FIELD ("start_time", STRING, Fields, start_time, PROP_START_TIME),
  FERRY_FIELD ("install_time", STRING, Fields, install_time, PROP_INSTALL_TIME),
  FERRY_FIELD ("last_updated", STRING, Fields, last_updated, PROP_LAST_UPDATED),
  FERRY_FIELD ("hvm", BOOLEAN, Fields, hvm, PROP_HVM),
  FERRY_FIELD ("nested_virt", BOOLEAN, Fields, nested_virt, PROP_NESTED_VIRT),
  FERRY_FIELD ("nomigrate", BOOLEAN, Fields, nomigrate, PROP_NOMIGRATE),
  FERRY_FIELD ("current_domain_type", STRING, Fields, current_domain_type, PROP_CURRENT_DOMAIN_TYPE),
};

FERRY_DEFINE_OBJECT_TYPE (FerryVmMetrics, ferry_vm_metrics, FERRY_CLASS_VM_METRICS, "VM_metrics")

FERRY_DEFINE_GETTER (FerryVmMetrics, ferry_vm_metrics, gint64, memory_actual, memory_actual)
FERRY_DEFINE_GETTER (FerryVmMetrics, ferry_vm_metrics, gint64, vcpus_number, vcpus_number)
FERRY_DEFINE_SET_GETTER (FerryVmMetrics, ferry_vm_metrics, state, state)
FERRY_DEFINE_GETTER (FerryVmMetrics, ferry_vm_metrics, const char *, start_time, start_time)
FERRY_DEFINE_GETTER (FerryVmMetrics, ferry_vm_metrics, const char *, install_time, install_time)
FERRY_DEFINE_GETTER (FerryVmMetrics, ferry_vm_metrics, const char *, last_updated, last_updated)
FERRY_DEFINE_GETTER (FerryVmMetrics, ferry_vm_metrics, gboolean, hvm, hvm)
FERRY_DEFINE_GETTER (FerryVmMetrics, ferry_vm_metrics, gboolean, nested_virt, nested_virt)
FERRY_DEFINE_GETTER (FerryVmMetrics, ferry_vm_metrics, gboolean, nomigrate, nomigrate)
FERRY_DEFINE_GETTER (FerryVmMetrics, ferry_vm_metrics, const char *, current_domain_type, current_domain_type)
