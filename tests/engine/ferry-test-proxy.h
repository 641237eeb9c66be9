/* ferry-test-proxy.h: a TCP forwarder on the test's main context, to break
 * connections, take a host down, or put another host behind an address
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _FerryTestProxy FerryTestProxy;

/* Listens on 127.0.0.1 (a free port) and forwards to @target ("host:port"). */
FerryTestProxy *ferry_test_proxy_new              (const char     *target);
void            ferry_test_proxy_free             (FerryTestProxy *proxy);
/* "127.0.0.1:PORT" */
const char     *ferry_test_proxy_get_address      (FerryTestProxy *proxy);
/* New connections go to @target; open ones stay where they are. */
void            ferry_test_proxy_set_target       (FerryTestProxy *proxy,
                                                   const char     *target);
/* Closes every forwarded connection now (both sides). */
void            ferry_test_proxy_drop_connections (FerryTestProxy *proxy);
/* Down: drops all connections and stops listening (connection refused).
 * Up: listens again on the same port. */
void            ferry_test_proxy_set_up           (FerryTestProxy *proxy,
                                                   gboolean        up);
/* Connections accepted so far. */
guint           ferry_test_proxy_get_n_accepted   (FerryTestProxy *proxy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryTestProxy, ferry_test_proxy_free)

G_END_DECLS
