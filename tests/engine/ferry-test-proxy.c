/* ferry-test-proxy.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-test-proxy"

#include "config.h"

#include "ferry-test-proxy.h"

struct _FerryTestProxy
{
  GSocketService *service;
  GSocketClient  *client;
  char           *target;
  char           *address;
  guint16         port;
  GPtrArray      *pairs;      /* of Pair */
  guint           n_accepted;
};

typedef struct
{
  FerryTestProxy    *proxy;
  GSocketConnection *downstream;
  GSocketConnection *upstream;
  GCancellable      *cancellable;
  gboolean           busy;      /* an async operation holds the pair */
  gboolean           removed;   /* no longer in proxy->pairs */
} Pair;

static void
pair_free (Pair *pair)
{
  g_clear_object (&pair->downstream);
  g_clear_object (&pair->upstream);
  g_clear_object (&pair->cancellable);
  g_free (pair);
}

/* The array's free function: close everything; free now unless an
 * operation is still pending (its callback frees the pair then). */
static void
pair_release (gpointer data)
{
  Pair *pair = data;

  pair->removed = TRUE;
  g_cancellable_cancel (pair->cancellable);
  if (pair->downstream != NULL)
    g_io_stream_close (G_IO_STREAM (pair->downstream), NULL, NULL);
  if (pair->upstream != NULL)
    g_io_stream_close (G_IO_STREAM (pair->upstream), NULL, NULL);
  if (!pair->busy)
    pair_free (pair);
}

static void
pair_done (Pair *pair)
{
  pair->busy = FALSE;
  if (pair->removed)
    pair_free (pair);
  else
    g_ptr_array_remove (pair->proxy->pairs, pair);
}

static void
on_spliced_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_io_stream_splice_finish (result, NULL);
  pair_done (user_data);
}

static void
on_connected_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pair *pair = user_data;

  pair->upstream = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (object), result, NULL);
  if (pair->upstream == NULL || pair->removed)
    {
      pair_done (pair);
      return;
    }

  g_io_stream_splice_async (G_IO_STREAM (pair->downstream), G_IO_STREAM (pair->upstream),
                            G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                            G_PRIORITY_DEFAULT, pair->cancellable, on_spliced_cb, pair);
}

static gboolean
on_incoming_cb (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source,
                gpointer           user_data)
{
  FerryTestProxy *proxy = user_data;
  Pair *pair = g_new0 (Pair, 1);

  proxy->n_accepted++;
  pair->proxy = proxy;
  pair->downstream = g_object_ref (connection);
  pair->cancellable = g_cancellable_new ();
  pair->busy = TRUE;
  g_ptr_array_add (proxy->pairs, pair);

  g_socket_client_connect_to_host_async (proxy->client, proxy->target, 0, pair->cancellable,
                                         on_connected_cb, pair);
  return TRUE;
}

static void
listen_on (FerryTestProxy *proxy,
           guint16         port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  proxy->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (proxy->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, &error))
    g_error ("proxy: %s", error->message);

  proxy->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (proxy->service, "incoming", G_CALLBACK (on_incoming_cb), proxy);
  g_socket_service_start (proxy->service);
}

FerryTestProxy *
ferry_test_proxy_new (const char *target)
{
  FerryTestProxy *proxy = g_new0 (FerryTestProxy, 1);

  proxy->client = g_socket_client_new ();
  proxy->target = g_strdup (target);
  proxy->pairs = g_ptr_array_new_with_free_func (pair_release);
  listen_on (proxy, 0);
  proxy->address = g_strdup_printf ("127.0.0.1:%u", proxy->port);
  return proxy;
}

static void
stop_listening (FerryTestProxy *proxy)
{
  if (proxy->service == NULL)
    return;
  g_socket_service_stop (proxy->service);
  g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
  g_signal_handlers_disconnect_by_data (proxy->service, proxy);
  g_clear_object (&proxy->service);
}

void
ferry_test_proxy_free (FerryTestProxy *proxy)
{
  stop_listening (proxy);
  ferry_test_proxy_drop_connections (proxy);
  g_ptr_array_unref (proxy->pairs);
  g_object_unref (proxy->client);
  g_free (proxy->target);
  g_free (proxy->address);
  g_free (proxy);
}

const char *
ferry_test_proxy_get_address (FerryTestProxy *proxy)
{
  return proxy->address;
}

void
ferry_test_proxy_set_target (FerryTestProxy *proxy,
                             const char     *target)
{
  g_free (proxy->target);
  proxy->target = g_strdup (target);
}

void
ferry_test_proxy_drop_connections (FerryTestProxy *proxy)
{
  g_ptr_array_set_size (proxy->pairs, 0);
}

void
ferry_test_proxy_set_up (FerryTestProxy *proxy,
                         gboolean        up)
{
  if (up && proxy->service == NULL)
    listen_on (proxy, proxy->port);
  else if (!up)
    {
      stop_listening (proxy);
      ferry_test_proxy_drop_connections (proxy);
    }
}

guint
ferry_test_proxy_get_n_accepted (FerryTestProxy *proxy)
{
  return proxy->n_accepted;
}
