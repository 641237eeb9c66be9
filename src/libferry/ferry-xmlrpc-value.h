/* ferry-xmlrpc-value.h: the XML-RPC <value> fragments of task.result
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Turns "<value>…</value>" into the JSON that JSON-RPC would have carried:
 * bare text and <string> become strings (xapi sends int64 bare, so they
 * stay strings), <i4>/<int>/<i8> integers, <double> numbers, <boolean>
 * booleans, <dateTime.iso8601> strings, <array> arrays, <struct> objects,
 * <nil/> null. "" and "<value></value>" (void) become "". Errors are
 * FERRY_RPC_ERROR_PROTOCOL. */
JsonNode *ferry_xmlrpc_value_parse (const char  *text,
                                    gssize       length,
                                    GError     **error);

G_END_DECLS
