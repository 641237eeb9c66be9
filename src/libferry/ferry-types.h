/* ferry-types.h: forward declarations of the engine's types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FerryCache          FerryCache;
typedef struct _FerryCacheBatch     FerryCacheBatch;
typedef struct _FerryObject         FerryObject;
typedef struct _FerryRelationModel  FerryRelationModel;

/* One GObject type per XenAPI class the cache keeps (xapi.md §2). */
typedef struct _FerryCluster        FerryCluster;
typedef struct _FerryClusterHost    FerryClusterHost;
typedef struct _FerryGpuGroup       FerryGpuGroup;
typedef struct _FerryHost           FerryHost;
typedef struct _FerryHostCpu        FerryHostCpu;
typedef struct _FerryHostMetrics    FerryHostMetrics;
typedef struct _FerryPifMetrics     FerryPifMetrics;
typedef struct _FerryMessage        FerryMessage;
typedef struct _FerryNetwork        FerryNetwork;
typedef struct _FerryPbd            FerryPbd;
typedef struct _FerryPci            FerryPci;
typedef struct _FerryPgpu           FerryPgpu;
typedef struct _FerryPif            FerryPif;
typedef struct _FerryPool           FerryPool;
typedef struct _FerryPusb           FerryPusb;
typedef struct _FerrySm             FerrySm;
typedef struct _FerrySr             FerrySr;
typedef struct _FerryTask           FerryTask;
typedef struct _FerryUsbGroup       FerryUsbGroup;
typedef struct _FerryVbd            FerryVbd;
typedef struct _FerryVdi            FerryVdi;
typedef struct _FerryVgpu           FerryVgpu;
typedef struct _FerryVgpuType       FerryVgpuType;
typedef struct _FerryVif            FerryVif;
typedef struct _FerryVm             FerryVm;
typedef struct _FerryVmGuestMetrics FerryVmGuestMetrics;
typedef struct _FerryVmMetrics      FerryVmMetrics;
typedef struct _FerryVusb           FerryVusb;

G_END_DECLS
