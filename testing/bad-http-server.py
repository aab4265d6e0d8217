#!/usr/bin/env python3
"""A misbehaving HTTP server for the test bed (shared/ROBUSTNESS.md #4-#7).

usage: bad-http-server.py ADDRESS PORT

Paths (the query string is ignored):
  /redirect   302 to another host, with a 401-style body
  /redirect-same 302 to the same server, same scheme
  /huge       Content-Length of 1 GiB, then streams zeros
  /endless    chunked body that never ends
  /silent     accepts the request, then says nothing
  /reset      closes the connection without an answer
  /truncated  Content-Length 1000, 10 bytes, then close
  /auth       401 with WWW-Authenticate: Basic, forever
"""

import socket
import sys
import threading
import time


def handle(conn):
    try:
        conn.settimeout(30)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        path = data.split(b" ", 2)[1].split(b"?")[0].decode()
        if path == "/redirect":
            conn.sendall(b"HTTP/1.1 302 Found\r\n"
                         b"Location: http://198.51.100.1/scep\r\n"
                         b"Content-Length: 0\r\n\r\n")
        elif path == "/redirect-same":
            conn.sendall(b"HTTP/1.1 302 Found\r\n"
                         b"Location: /elsewhere\r\n"
                         b"Content-Length: 0\r\n\r\n")
        elif path == "/huge":
            conn.sendall(b"HTTP/1.1 200 OK\r\n"
                         b"Content-Type: text/plain\r\n"
                         b"Content-Length: 1073741824\r\n\r\n")
            block = b"\0" * 65536
            for _ in range(16384):
                conn.sendall(block)
        elif path == "/endless":
            conn.sendall(b"HTTP/1.1 200 OK\r\n"
                         b"Content-Type: text/plain\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n")
            block = b"1000\r\n" + b"A" * 4096 + b"\r\n"
            while True:
                conn.sendall(block)
        elif path == "/silent":
            time.sleep(60)
        elif path == "/reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            b"\1\0\0\0\0\0\0\0")
        elif path == "/truncated":
            conn.sendall(b"HTTP/1.1 200 OK\r\n"
                         b"Content-Length: 1000\r\n\r\n0123456789")
        elif path == "/auth":
            conn.sendall(b"HTTP/1.1 401 Unauthorized\r\n"
                         b"WWW-Authenticate: Basic realm=\"bad\"\r\n"
                         b"Content-Length: 0\r\n\r\n")
        else:
            conn.sendall(b"HTTP/1.1 404 Not Found\r\n"
                         b"Content-Length: 0\r\n\r\n")
    except OSError:
        pass
    finally:
        conn.close()


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((sys.argv[1], int(sys.argv[2])))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
