"""The checks every request passes before the application sees it (a pure ASGI middleware).

In order: the ``Host`` header must name this server (against DNS rebinding, when a list of
allowed hosts is set); a write (POST, PUT, PATCH, DELETE) to an endpoint needs the bearer token
before a byte of its body is read; a body over ``max_body_bytes`` is refused with 413 whether it
has a ``Content-Length`` or comes chunked (it is read with a running count, at most the limit is
held). Every response gets the security headers. Refusals use the one JSON error shape.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eventcoder.errors import ConfigError
from eventcoder.server.errors import ApiError, error_response

if TYPE_CHECKING:
    from eventcoder.server.state import ServerState

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_HOSTS: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
# The dashboard and docs load nothing from another host; the policy makes the browser refuse to.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_SECURITY_HEADERS = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                     ("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY"))
_NO_STORE_PREFIXES = ("/events", "/articles", "/corrections")


def _bare(name: str) -> str:
    return name.strip().lower().removeprefix("[").removesuffix("]")


def host_name(header: str) -> str:
    """The host name of a ``Host`` header, lower case, without port or IPv6 brackets."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value[1:]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def normalise_hosts(hosts: Iterable[str]) -> tuple[str, ...]:
    """Allowed host names as given (``*``, ``*.example.org``, names, addresses), checked."""
    out: list[str] = []
    for given in hosts:
        for name in (_bare(part) for part in given.split(",")):
            if not name:
                continue
            if any(c.isspace() or c in "/@?#" for c in name) or ("*" in name and name != "*"
                                                                 and not name.startswith("*.")):
                raise ConfigError(f"allowed host {name!r} is not a host name (give names like example.org, "
                                  "*.example.org, 127.0.0.1, or '*' for any)")
            out.append(name)
    if not out:
        raise ConfigError("the list of allowed hosts is empty; give at least one name, or '*' for any")
    return tuple(dict.fromkeys(out))


def host_allowed(header: str | None, allowed: Sequence[str]) -> bool:
    if "*" in allowed:
        return True
    if not header:
        return False
    name = host_name(header)
    return any(name == a or (a.startswith("*.") and name.endswith(a[1:])) for a in allowed)


def is_loopback(bind_host: str) -> bool:
    name = _bare(bind_host)
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def default_allowed_hosts(bind_host: str, given: Sequence[str] | None) -> tuple[str, ...]:
    """The hosts a server bound to ``bind_host`` answers: ``given`` when set; on loopback,
    localhost, 127.0.0.1 and ::1 (and the bound address); elsewhere the operator must say."""
    if given:
        return normalise_hosts(given)
    if is_loopback(bind_host):
        return normalise_hosts([*LOOPBACK_HOSTS, bind_host])
    raise ConfigError(f"--host {bind_host} listens beyond this machine: list the names clients use to reach "
                      "it with --allowed-hosts NAME[,NAME...] (or --allowed-hosts '*' to accept any Host "
                      "header, which leaves browsers open to DNS rebinding)")


class RequestGuard:
    """Pure ASGI middleware: Host check, auth and body limit before the app, security headers after."""

    def __init__(self, app: ASGIApp, *, state: ServerState, routes: list[BaseRoute]) -> None:
        self.app = app
        self.state = state
        self.routes = routes  # the app's own list, so routes added later count too

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._secured(scope, send)
        headers = Headers(scope=scope)
        refusal = self._refusal(scope, headers)
        if refusal is None and scope["method"] in WRITE_METHODS:
            body = await self._bounded_body(receive)
            if body is None:
                return  # the client went away
            if isinstance(body, ApiError):
                refusal = body
            else:
                receive = _replay(body, receive)
        if refusal is not None:
            response = error_response(refusal.status, refusal.message, code=refusal.code,
                                      details=refusal.details, headers=refusal.headers)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope, headers: Headers) -> ApiError | None:
        allowed = self.state.allowed_hosts
        if allowed is not None and not host_allowed(headers.get("host"), allowed):
            return ApiError(400, f"this server does not answer for host {headers.get('host', '')[:100]!r}; "
                                 "use one of the names it was started with (eventcoder serve --allowed-hosts)",
                            code="host_not_allowed")
        if scope["method"] not in WRITE_METHODS:
            return None
        if self._is_endpoint(scope):
            refused = self.state.authorize(headers.get("authorization"))
            if refused is not None:
                return refused
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.state.max_body_bytes):
            return self._too_large()
        return None

    def _is_endpoint(self, scope: Scope) -> bool:
        return any(route.matches(scope)[0] is Match.FULL for route in self.routes)

    def _too_large(self) -> ApiError:
        return ApiError(413, f"the request body is over {self.state.max_body_bytes} bytes")

    async def _bounded_body(self, receive: Receive) -> bytes | ApiError | None:
        """The whole body, read while counting: an ApiError (413) as soon as it passes the
        limit, None if the client disconnects."""
        chunks: list[bytes] = []
        size, limit = 0, self.state.max_body_bytes
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    @staticmethod
    def _secured(scope: Scope, send: Send) -> Send:
        no_store = str(scope.get("path", "")).startswith(_NO_STORE_PREFIXES)

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _SECURITY_HEADERS:
                    headers.setdefault(name, value)
                if no_store:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)
        return secured


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the already-read body once, then defers to the server's."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replay
