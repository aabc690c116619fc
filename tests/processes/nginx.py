"""nginx for tests: the shipped deploy/nginx/bulletin.conf with its addresses and folders
pointed at one test's own, under a minimal main file, so a test proves the real config."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

from tests.processes.children import ROOT

DEPLOY = ROOT / "deploy" / "nginx"

MAIN = """
{user}
daemon {daemon};
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/bulletin.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nginx_command(folder: Path, replaced: dict[str, str], *, daemon: bool) -> list[str]:
    """Write the site config with each ``old`` text of ``replaced`` swapped for its new one
    (each must still be in the shipped file) and the main file into ``folder``; the command
    that starts nginx on them (add ``-s stop`` to stop a daemon)."""
    conf = (DEPLOY / "bulletin.conf").read_text(encoding="utf-8")
    for old, new in replaced.items():
        assert old in conf, f"deploy/nginx/bulletin.conf no longer has {old!r}"
        conf = conf.replace(old, new)
    (folder / "bulletin.conf").write_text(conf, encoding="utf-8")
    shutil.copy(DEPLOY / "bulletin-proxy.conf", folder)
    main = folder / "nginx.conf"
    # Root starts the workers as "nobody", who could not read pytest's private folders.
    main.write_text(MAIN.format(tmp=folder, daemon="on" if daemon else "off",
                                user="user root;" if os.geteuid() == 0 else ""),
                    encoding="utf-8")
    return ["nginx", "-p", str(folder), "-e", str(folder / "nginx-error.log"), "-c", str(main)]
