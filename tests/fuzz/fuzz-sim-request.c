/* fuzz-sim-request.c: libFuzzer target for the simulator's request parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feeds the same bytes to the JSON-RPC and XML-RPC parsers, and answers what they
 * accept, or builds the HTTP 500 page for what they refuse, as the server would.
 */
#include "config.h"

#include <stdint.h>

#include "ferry-sim-error.h"
#include "ferry-sim-wire.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
respond (const FerrySimRequest *request)
{
  const char *description[] = { "MESSAGE_METHOD_UNKNOWN", request->method, NULL };
  g_autoptr(GString) out = g_string_new (NULL);

  /* Echo the first parameter, or the whole list, through both encoders. */
  if (ferry_sim_value_get_length (&request->params) > 0)
    ferry_sim_response_write_value (out, request, ferry_sim_value_index (&request->params, 0));
  else
    ferry_sim_response_write_value (out, request, &request->params);
  ferry_sim_response_write_failure (out, request, description);
}

static void
parse (gboolean       json,
       const uint8_t *data,
       size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_auto(FerrySimRequest) request = { 0 };
  gboolean ok;

  ok = json ? ferry_sim_request_parse_json ((const char *) data, size, &request, &error)
            : ferry_sim_request_parse_xmlrpc ((const char *) data, size, &request, &error);

  if (ok)
    {
      g_assert (request.method != NULL);
      g_assert (request.params.kind == FERRY_SIM_VALUE_ARRAY);
      g_assert (json == (request.protocol != FERRY_SIM_PROTOCOL_XMLRPC));
      respond (&request);
    }
  else
    {
      g_autofree char *page = NULL;

      g_assert (g_error_matches (error, FERRY_SIM_ERROR, FERRY_SIM_ERROR_MALFORMED));
      g_assert (request.method == NULL);
      page = ferry_sim_malformed_page (error->message);
      g_assert (page != NULL);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size > FERRY_SIM_MAX_REQUEST_SIZE)
    return 0;

  parse (TRUE, data, size);
  parse (FALSE, data, size);

  return 0;
}
