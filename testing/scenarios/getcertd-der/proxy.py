#!/usr/bin/env python3
"""A raw-body recording proxy (plain HTTP on 127.0.0.1:8081): forwards
every request to TARGET over HTTPS (trusting CA), saves the body of every
PKIOperation reply as OUT/reply-<n>.der.

usage: proxy.py OUT TARGET CA
"""

import http.server, ssl, sys, urllib.request
out, target, ca = sys.argv[1], sys.argv[2], sys.argv[3]
tls = ssl.create_default_context(cafile=ca)
count = [0]
class H(http.server.BaseHTTPRequestHandler):
    def relay(self, body):
        req = urllib.request.Request(target + self.path, data=body,
                                     method=self.command)
        if self.headers.get('Content-Type'):
            req.add_header('Content-Type', self.headers['Content-Type'])
        try:
            r = urllib.request.urlopen(req, timeout=30, context=tls)
        except urllib.error.HTTPError as e:
            r = e
        data = r.read()
        if 'PKIOperation' in self.path:
            count[0] += 1
            open('%s/reply-%d.der' % (out, count[0]), 'wb').write(data)
        self.send_response(r.status)
        self.send_header('Content-Type', r.headers.get('Content-Type', ''))
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        self.relay(None)
    def do_POST(self):
        n = int(self.headers.get('Content-Length', 0))
        self.relay(self.rfile.read(n))
    def log_message(self, *args):
        pass
http.server.HTTPServer(('127.0.0.1', 8081), H).serve_forever()
