/* fuzz-rpc-reply.c: libFuzzer target for the engine's JSON-RPC replies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the bytes as a JSON-RPC reply (ferry_rpc_parse_reply(): v1 and v2,
 * both error shapes, id matching), and as the XML-RPC <value> fragment a
 * task.result holds (ferry_xmlrpc_value_parse()). Either gives a node or
 * an error, never both, never neither.
 */
#include "config.h"

#include <stdint.h>

#include "ferry-rpc-client.h"
#include "ferry-xmlrpc-value.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) xml_error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) value = NULL;

  reply = ferry_rpc_parse_reply ((const char *) data, size, 1, &error);
  g_assert ((reply == NULL) != (error == NULL));

  value = ferry_xmlrpc_value_parse ((const char *) data, size, &xml_error);
  g_assert ((value == NULL) != (xml_error == NULL));

  return 0;
}
