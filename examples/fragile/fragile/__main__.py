import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from clock import now


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"fragile {now()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), Handler).serve_forever()
