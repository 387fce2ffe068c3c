#!/usr/bin/env python3
"""A real webhook receiver for the tests: every POST is verified with the Standard Webhooks reference library
(`standardwebhooks`) under the secret in DIR/secret (written by the test once it registered the receiver) and
appended to DIR/events.jsonl as {path, webhook_id, verified, error, type, data, keys}. Paths choose the answer:
  /fail-first   503 to the first try of each webhook-id, 204 to later ones
  /slow         waits 5 s, then 204 (for time-outs)
  /moved        301 to /hooks/ (a trailing slash, as web frameworks redirect)
  anything else 204 (a GET too, recorded with its method)
Prints "PORT n" once listening; ends when its standard input closes.

usage: webhook_receiver.py DIR
"""
import json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from standardwebhooks import Webhook

folder = sys.argv[1]
seen = set()
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        with lock, open(os.path.join(folder, "events.jsonl"), "a") as out:
            out.write(json.dumps({"path": self.path, "method": "GET", "status": 204}) + "\n")
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        if self.path == "/moved":
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(301)
            self.send_header("Location", "/hooks/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        record = {"path": self.path, "webhook_id": headers.get("webhook-id"), "verified": False, "error": None}
        try:
            with open(os.path.join(folder, "secret")) as secret:
                payload = Webhook(secret.read().strip()).verify(body, headers)
            record.update(verified=True, type=payload["type"], data=payload["data"], keys=sorted(payload))
        except Exception as error:  # recorded for the test to see
            record["error"] = repr(error)
        status = 204
        if self.path == "/slow":
            time.sleep(5)
        if self.path == "/fail-first":
            with lock:
                if record["webhook_id"] not in seen:
                    seen.add(record["webhook_id"])
                    status = 503
        record["status"] = status
        with lock, open(os.path.join(folder, "events.jsonl"), "a") as out:
            out.write(json.dumps(record) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
print("PORT", server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
