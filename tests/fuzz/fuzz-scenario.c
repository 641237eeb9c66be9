/* fuzz-scenario.c: libFuzzer target for ferry-sim's scenario loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the bytes as a scenario (ferry_sim_scenario_load_data(), README.md
 * §3 of ferry-sim): the pools, built and consistent, or a FERRY_SIM_ERROR
 * "FILE:LINE: problem", never both.
 */
#include "config.h"

#include <stdint.h>

#include "ferry-sim-error.h"
#include "ferry-sim-scenario.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pools = NULL;

  /* Scenarios build whole pools: keep inputs to a size a person writes. */
  if (size > 64 * 1024)
    return 0;

  pools = ferry_sim_scenario_load_data ((const char *) data, size, "fuzz.json", "demo", &error);
  g_assert ((pools == NULL) != (error == NULL));
  if (error != NULL)
    g_assert (error->domain == FERRY_SIM_ERROR);

  return 0;
}
