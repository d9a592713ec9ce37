"""Serving the web review: werkzeug's threaded server on a loopback address, until interrupted.

There is no login: whoever reaches the server decides as the operator. So it listens only on this
machine (reviewers elsewhere use an SSH tunnel: ``ssh -L 8765:127.0.0.1:8765 host``).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from werkzeug.serving import BaseWSGIServer, make_server

from bot.errors import InputError
from bot.web.guards import HOSTS, served_at


def loopback_server(app, host: str, port: int) -> BaseWSGIServer:
    """A server for ``app`` on ``host``:``port`` (0: a free port); a host off this machine is refused."""
    if not is_loopback(host):
        raise InputError(f"--host {host}", "is not a loopback address: linkbot serve has no login, so it listens on "
                         "this machine only (review from elsewhere through an SSH tunnel)")  # fmt: skip
    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as error:
        raise InputError(f"{host}:{port}", f"cannot listen there: {error.strerror or error}") from None
    app.config[HOSTS] = served_at(server.server_address[0], server.server_address[1])  # its own address, and no other
    # Browsers share cookies between the ports of one host: each server's session (its CSRF token) has a name of its own.
    app.config["SESSION_COOKIE_NAME"] = f"linkbot_{server.server_address[1]}"
    return server


def is_loopback(host: str) -> bool:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        return False
    return bool(addresses) and all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in addresses)


def serve_until_interrupted(server: BaseWSGIServer, announce: Callable[[str], None]) -> None:
    host, port = server.server_address[:2]
    shown = f"[{host}]" if ":" in host else host
    announce(f"linkbot: reviewing at http://{shown}:{port}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
