#!/usr/bin/env python3
"""client-tls-trust's TLS server on moon in front of the real getcertd:
answers GetCACert with a PKCS#7 of its own (the CA and dave's user
certificate), relays every other request to getcertd.

usage: inject.py CERT KEY TARGET CA P7   (listens on port 8446)
"""
import http.server, ssl, sys, urllib.request
cert, key, target, ca, p7 = sys.argv[1:6]
up = ssl.create_default_context(cafile=ca)
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def reply(self, status, ctype, data, extra=()):
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def relay(self, body):
        if 'operation=GetCACert' in self.path:
            return self.reply(200, 'application/x-x509-ca-ra-cert',
                              open(p7, 'rb').read())
        req = urllib.request.Request(target + self.path, data=body,
                                     method=self.command)
        for h in ('Content-Type', 'Authorization'):
            if self.headers.get(h):
                req.add_header(h, self.headers[h])
        try:
            r = urllib.request.urlopen(req, timeout=30, context=up)
        except urllib.error.HTTPError as e:
            r = e
        extra = [('WWW-Authenticate', r.headers['WWW-Authenticate'])] \
            if r.headers.get('WWW-Authenticate') else []
        self.reply(r.status, r.headers.get('Content-Type', ''), r.read(),
                   extra)
    def do_GET(self):
        self.relay(None)
    def do_POST(self):
        self.relay(self.rfile.read(int(self.headers.get('Content-Length', 0))))
srv = http.server.HTTPServer(('0.0.0.0', 8446), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
