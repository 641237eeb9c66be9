/* fuzz-statedb.c: libFuzzer target for ferry-sim's state.db loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the bytes as a xapi state.db dump (ferry_sim_statedb_load_data()):
 * a database or a FERRY_SIM_ERROR_FILE error, never both.
 */
#include "config.h"

#include <stdint.h>

#include "ferry-sim-error.h"
#include "ferry-sim-statedb.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerrySimDb) db = ferry_sim_statedb_load_data ((const char *) data, size, "fuzz.db", &error);

  g_assert ((db == NULL) != (error == NULL));
  if (error != NULL)
    g_assert (error->domain == FERRY_SIM_ERROR);

  return 0;
}
