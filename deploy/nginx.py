"""deploy/nginx.conf with its ports and paths changed for a machine where nginx runs as an ordinary
user: the browser test and benchmarks/load.py start nginx this way on 127.0.0.1."""

from __future__ import annotations

import re
from pathlib import Path

CONF = Path(__file__).with_name("nginx.conf")


def local_config(listen: int, upstreams: list[int], folder: Path) -> str:
    """The shipped config listening on 127.0.0.1:listen, in front of the given app ports, with its pid,
    logs and temporary files in folder."""
    text = CONF.read_text(encoding="utf-8")
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in upstreams)
    text = re.sub(r"(        server 127\.0\.0\.1:\d+ max_fails=1 fail_timeout=10s;\n)+", servers + "\n", text)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    text = text.replace("/run/nginx-performance.pid", str(folder / "nginx.pid"))
    text = text.replace("/var/log/nginx/", f"{folder}/")
    temporary = "\n".join(
        f"    {name}_temp_path {folder / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return text.replace("http {\n", "http {\n" + temporary + "\n", 1)
