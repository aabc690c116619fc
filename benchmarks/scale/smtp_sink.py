"""A mail server on loopback that accepts and counts messages, or fails on purpose.

    python benchmarks/scale/smtp_sink.py [--port 0]      # prints the port it listens on

Run as its own process so that sending mail costs what it costs over a real SMTP connection.
Besides plain SMTP it answers three commands of its own, for the benchmark that drives it:
``XSTAT`` (messages accepted so far), ``XRESET`` (start counting at 0, stop failing) and
``XFAIL n`` (accept n more messages, then answer 421 and hang up, as a mail server that
falls over in the middle of a mailing does).
"""

from __future__ import annotations

import argparse
import contextlib
import smtplib
import socketserver
import sys
import threading


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.fail_at: int | None = None


STATE = _State()


class Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        in_data = False
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if in_data:
                if line in (b".\r\n", b".\n"):
                    in_data = False
                    with STATE.lock:
                        STATE.count += 1
                    self.reply("250 2.0.0 queued")
                continue
            words = line.decode("ascii", "replace").strip().split()
            command = words[0].upper() if words else ""
            with STATE.lock:
                failing = STATE.fail_at is not None and STATE.count >= STATE.fail_at
            if failing and command in {"MAIL", "RCPT", "DATA"}:
                self.reply("421 4.3.2 service not available, closing channel")
                return
            if command == "EHLO":
                self.wfile.write(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif command in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                self.reply("250 2.0.0 ok")
            elif command == "DATA":
                in_data = True
                self.reply("354 end with .")
            elif command == "QUIT":
                self.reply("221 2.0.0 bye")
                return
            elif command == "XSTAT":
                self.reply(f"250 {STATE.count}")
            elif command == "XRESET":
                with STATE.lock:
                    STATE.count, STATE.fail_at = 0, None
                self.reply("250 2.0.0 reset")
            elif command == "XFAIL" and len(words) == 2 and words[1].isdigit():
                with STATE.lock:
                    STATE.fail_at = STATE.count + int(words[1])
                self.reply("250 2.0.0 armed")
            else:
                self.reply("502 5.5.2 not implemented")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def control(port: int, command: str) -> str:
    """Send one of the X commands to the sink on ``port``; returns its answer's text."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        code, message = client.docmd(command)
        if code != 250:
            raise RuntimeError(f"sink answered {code} {message!r} to {command}")
        return message.decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with Server(("127.0.0.1", args.port), Handler) as server:
        print(server.server_address[1], flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
