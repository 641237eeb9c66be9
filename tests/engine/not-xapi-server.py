#!/usr/bin/python3
# A web server that is not xapi, for the "not a XenServer or XCP-ng host"
# errors (tests/engine/test-connection.c, tests/ui/test-connect.c,
# tests/cli/test-cli-servers.py). It prints its port, then answers a POST
# (a JSON-RPC login) with 404 and an HTML page, as a web server would; with
# --ok, with 200 and the HTML page. A GET gets http.server's directory
# listing. It stops when its standard input closes.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import http.server
import os
import sys
import threading

PAGE = b"<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>It works</h1></body></html>\n"


class Handler(http.server.SimpleHTTPRequestHandler):
    status = 404

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(self.status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


def main():
    if "--ok" in sys.argv[1:]:
        Handler.status = 200
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    # The test went away: so do we.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
