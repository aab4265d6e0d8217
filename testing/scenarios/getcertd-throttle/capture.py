#!/usr/bin/env python3
"""Capture one SCEP PKIOperation body: a fake SCEP server that answers
GetCACaps and GetCACert (the given reply: a DER CA certificate, or with
TYPE application/x-x509-ca-ra-cert the certs-only SignedData of a CA with
an RA), writes the first POSTed PKIOperation to OUT, answers it with 401
and exits.

usage: capture.py ADDRESS PORT CACERT.der OUT [TYPE]
"""

import http.server
import sys

CAPS = b"POSTPKIOperation\nRenewal\nSHA-256\nSHA-512\nAES\nSCEPStandard\n"
done = False


class Handler(http.server.BaseHTTPRequestHandler):
    def reply(self, code, ctype, body, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if "GetCACaps" in self.path:
            self.reply(200, "text/plain", CAPS)
        elif "GetCACert" in self.path:
            with open(sys.argv[3], "rb") as f:
                ctype = (sys.argv[5] if len(sys.argv) > 5
                         else "application/x-x509-ca-cert")
                self.reply(200, ctype, f.read())
        else:
            self.reply(404, "text/plain", b"")

    def do_POST(self):
        global done
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(sys.argv[4], "wb") as f:
            f.write(body)
        self.reply(401, "text/plain", b"",
                   [("WWW-Authenticate", 'Basic realm="getcert"')])
        done = True

    def log_message(self, *args):
        pass


server = http.server.HTTPServer((sys.argv[1], int(sys.argv[2])), Handler)
server.timeout = 1
for _ in range(60):
    server.handle_request()
    if done:
        break
sys.exit(0 if done else 1)
