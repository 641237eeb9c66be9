/* fuzz-cache-reply.c: libFuzzer target for the event.from reply reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the bytes as an event.from reply into a batch and applies it to a
 * cache twice, as a snapshot and as incremental events.
 */
#include "config.h"

#include <stdint.h>

#include "ferry-cache.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(FerryCache) cache = ferry_cache_new ();
  g_autoptr(JsonArray) raw = NULL;
  g_autofree char *token = NULL;
  const char * const raw_classes[] = { "host", "pool", "task", NULL };
  FerryCacheBatch *batch;

  batch = ferry_cache_batch_new_from_reply_full (bytes, raw_classes, &raw, &token, NULL);
  if (batch == NULL)
    return 0;

  ferry_cache_apply_snapshot_batch (cache, batch);
  ferry_cache_apply_batch (cache, ferry_cache_batch_new_from_reply (bytes, NULL, NULL));
  ferry_cache_flush (cache);

  return 0;
}
