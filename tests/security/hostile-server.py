#!/usr/bin/python3
# hostile-server.py: a broken or malicious "XAPI" server for the security tests
#
# Usage: hostile-server.py MODE [WHEN]
#   WHEN  "login": the hostile reply answers the login already;
#         "data" (default): the login succeeds, every later call gets it.
#   MODE  garbage      random bytes, then the connection closes
#         huge         a valid-looking JSON-RPC reply of 2 GiB (sent until the client hangs up)
#         endless      a chunked reply that never ends, a chunk every 10 ms
#         slowloris    a reply trickled one byte per second, forever
#         silent       accepts the request and never answers
#         wrong-types  results of the wrong JSON types everywhere
#         missing-refs records whose refs point to objects that do not exist
#         deep         JSON nested 100,000 levels deep
#         bad-http     a broken status line and headers
# Prints "PORT" on its first line, then serves on 127.0.0.1 until killed.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import socket
import sys
import threading
import time

MODE = sys.argv[1]
WHEN = sys.argv[2] if len(sys.argv) > 2 else "data"


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    try:
        return json.loads(body[:length] or b"{}")
    except ValueError:
        return {}


def reply(conn, document):
    body = json.dumps(document).encode()
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body)


def wrong_types(method, rid):
    if method.endswith("get_all_records"):
        return {"jsonrpc": "2.0", "id": rid, "result": {"OpaqueRef:1": [1, 2, 3], "OpaqueRef:2": "x",
                                                        "OpaqueRef:3": {"uuid": 7, "name_label": [],
                                                                        "resident_VMs": "none",
                                                                        "memory_total": "lots"}}}
    if method == "event.from":
        return {"jsonrpc": "2.0", "id": rid, "result": {"events": {"not": "a list"}, "token": 12,
                                                       "valid_ref_counts": "many"}}
    return {"jsonrpc": "2.0", "id": rid, "result": [None, True, 3.5, {"a": []}]}


def missing_refs(method, rid):
    vm = {"uuid": "3f1c0d4e-0000-4000-8000-000000000001", "name_label": "ghost", "power_state": "Running",
          "resident_on": "OpaqueRef:no-such-host", "VBDs": ["OpaqueRef:no-such-vbd"],
          "VIFs": ["OpaqueRef:no-such-vif"], "metrics": "OpaqueRef:no-such-metrics",
          "is_a_template": False, "is_control_domain": False, "is_a_snapshot": False,
          "memory_static_max": 1073741824, "other_config": {}}
    host = {"uuid": "3f1c0d4e-0000-4000-8000-000000000002", "name_label": "lost-host",
            "resident_VMs": ["OpaqueRef:ghost", "OpaqueRef:nowhere"], "metrics": "OpaqueRef:none",
            "PIFs": ["OpaqueRef:no-pif"], "PBDs": ["OpaqueRef:no-pbd"], "enabled": True}
    pool = {"uuid": "3f1c0d4e-0000-4000-8000-000000000003", "name_label": "Broken", "master": "OpaqueRef:gone",
            "default_SR": "OpaqueRef:no-sr"}
    if method == "event.from":
        events = [{"id": str(i), "class": cls, "operation": "add", "ref": ref, "snapshot": snap}
                  for i, (cls, ref, snap) in enumerate([("vm", "OpaqueRef:ghost", vm),
                                                        ("host", "OpaqueRef:lost", host),
                                                        ("pool", "OpaqueRef:pool", pool)])]
        return {"jsonrpc": "2.0", "id": rid, "result": {"events": events, "token": "1,",
                                                       "valid_ref_counts": {"vm": 1, "host": 1, "pool": 1}}}
    if method.startswith("VM."):
        return {"jsonrpc": "2.0", "id": rid, "result": {"OpaqueRef:ghost": vm}}
    if method.startswith("host."):
        return {"jsonrpc": "2.0", "id": rid, "result": {"OpaqueRef:lost": host}}
    if method.startswith("pool."):
        return {"jsonrpc": "2.0", "id": rid, "result": {"OpaqueRef:pool": pool}}
    return {"jsonrpc": "2.0", "id": rid, "result": {}}


def hostile(conn, method, rid):
    if MODE == "garbage":
        conn.sendall(os.urandom(4096))
    elif MODE == "bad-http":
        conn.sendall(b"HTTP/9.9 OK OK OK\r\nContent-Length: -5\r\n\x00\x01: \xff\r\n\r\n{")
    elif MODE == "huge":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n"
                     b'{"jsonrpc": "2.0", "id": %d, "result": ["' % rid)
        block = b"A" * (1 << 20)
        while True:
            conn.sendall(block)
    elif MODE == "endless":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        conn.sendall(b'2d\r\n{"jsonrpc": "2.0", "id": 1, "result": ["xxxxxxx\r\n')
        while True:
            conn.sendall(b"400\r\n" + b"x" * 1024 + b"\r\n")
            time.sleep(0.01)
    elif MODE == "slowloris":
        text = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n" + b" " * 100000
        for i in range(len(text)):
            conn.sendall(text[i:i + 1])
            time.sleep(1)
    elif MODE == "silent":
        time.sleep(3600)
    elif MODE == "wrong-types":
        reply(conn, wrong_types(method, rid))
        return True
    elif MODE == "missing-refs":
        reply(conn, missing_refs(method, rid))
        return True
    elif MODE == "deep":
        body = b'{"jsonrpc": "2.0", "id": %d, "result": ' % rid + b"[" * 100000 + b"]" * 100000 + b"}"
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                     % len(body) + body)
        return True
    return False


def serve(conn):
    try:
        with conn:
            while True:
                request = read_request(conn)
                if request is None:
                    return
                method = request.get("method", "") if isinstance(request, dict) else ""
                rid = request.get("id", 1) if isinstance(request, dict) else 1
                rid = rid if isinstance(rid, int) else 1
                if method == "session.login_with_password" and WHEN != "login":
                    reply(conn, {"jsonrpc": "2.0", "id": rid, "result": "OpaqueRef:hostile-session"})
                    continue
                if method == "session.logout":
                    reply(conn, {"jsonrpc": "2.0", "id": rid, "result": ""})
                    continue
                if not hostile(conn, method, rid):
                    return
    except OSError:
        pass


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    print(server.getsockname()[1], flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
