import json
import os
import sys
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import zver


def now() -> dict:
    zone = os.environ.get("TZ", "UTC")
    return {"zone": zone, "time": datetime.now(ZoneInfo(zone)).isoformat(), "zlib": zver.zlib_version()}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps(now()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    if "--serve" in sys.argv:
        ThreadingHTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
    else:
        print(json.dumps(now()))
