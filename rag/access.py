"""ASGI middleware for `rag serve`: optional access control, a request body limit, and headers
that keep the page offline.

Access control accepts, when enabled, any of: `Authorization: Bearer <token>`, the
`X-RAG-Token` header, a `?token=` link (which sets a cookie and redirects to the same
page without it, so the token leaves the address bar), the cookie, or HTTP basic auth.
Only the health check is open. The admin token (`RAG_ADMIN_TOKEN`, for adding and removing
articles) is accepted wherever the user token is, and a `?admin_token=` link sets its own
HttpOnly cookie the same way; `is_admin` tells a route whether the request carries it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

OPEN_PATHS = {"/api/health"}
COOKIE = "rag_token"
ADMIN_COOKIE = "rag_admin"


def cookie_value(kind: str, token: str) -> str:
    """What the cookie holds: a digest, so the token itself is never stored in the browser."""
    return hashlib.sha256(f"{kind}:{token}".encode()).hexdigest()


def is_admin(headers: Headers, admin_token: str | None) -> bool:
    """Whether a request's headers carry the admin token (Authorization: Bearer, or the admin cookie)."""
    if not admin_token:
        return False
    given = headers.get("authorization", "")
    bearer = given[7:] if given.lower().startswith("bearer ") else headers.get("x-rag-admin-token", "")
    cookie = cookie_parser(headers.get("cookie", "")).get(ADMIN_COOKIE, "")
    return (hmac.compare_digest(bearer.encode(), admin_token.encode())
            or hmac.compare_digest(cookie.encode(), cookie_value("rag-admin-cookie", admin_token).encode()))


def route_path(scope: Scope) -> str:
    """The path below the root path (a proxy's prefix), as the routes see it."""
    path, root = scope.get("path", ""), scope.get("root_path", "")
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root):] or "/"
    return path


class AccessControl:
    def __init__(self, app: ASGIApp, token: str | None = None, basic_auth: str | None = None,
                 admin_token: str | None = None) -> None:
        self.app = app
        self.token = token or None
        self.admin_token = admin_token or None
        self.basic = f"Basic {base64.b64encode(basic_auth.encode()).decode()}" if basic_auth else None
        self.cookie = cookie_value("rag-cookie", token) if token else None

    @property
    def enabled(self) -> bool:
        return bool(self.token or self.basic)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            for name, token, cookie in (("admin_token", self.admin_token, ADMIN_COOKIE), ("token", self.token, COOKIE)):
                link = query.get(name, "")
                if token and link and hmac.compare_digest(link.encode(), token.encode()):
                    return await self.set_cookie(scope, query, name, cookie, token)(scope, receive, send)
        if (not self.enabled or route_path(scope) in OPEN_PATHS or self.authorised(scope)
                or is_admin(Headers(scope=scope), self.admin_token)):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        await self.refuse()(scope, receive, send)

    def authorised(self, scope: Scope) -> bool:
        headers = Headers(scope=scope)
        given = headers.get("authorization", "")
        if self.basic and hmac.compare_digest(given.encode(), self.basic.encode()):
            return True
        if not self.token:
            return False
        bearer = given[7:] if given.lower().startswith("bearer ") else headers.get("x-rag-token", "")
        cookie = cookie_parser(headers.get("cookie", "")).get(COOKIE, "")  # lenient: no 500s
        return (hmac.compare_digest(bearer.encode(), self.token.encode())
                or hmac.compare_digest(cookie.encode(), self.cookie.encode()))

    def set_cookie(self, scope: Scope, query: dict, name: str, cookie: str, token: str) -> RedirectResponse:
        """Redirect to the same page without the token in the address, setting the cookie."""
        rest = urlencode({k: v for k, v in query.items() if k != name})
        response = RedirectResponse(scope.get("root_path", "") + route_path(scope)
                                    + (f"?{rest}" if rest else ""), status_code=303)
        https = scope.get("scheme") == "https"
        # Cross-site iframes only get the cookie back as SameSite=None, which browsers allow on https.
        kind = "rag-admin-cookie" if cookie == ADMIN_COOKIE else "rag-cookie"
        response.set_cookie(cookie, cookie_value(kind, token), httponly=True, path=scope.get("root_path") or "/",
                            samesite="none" if https else "lax", secure=https)
        return response

    def refuse(self) -> JSONResponse:
        challenge = 'Basic realm="rag-vi", charset="UTF-8"' if self.basic else 'Bearer realm="rag-vi"'
        detail = ("Cần đăng nhập: gửi token (Authorization: Bearer …, X-RAG-Token hoặc ?token=…)"
                  " hoặc tài khoản HTTP Basic do quản trị viên cấp.")
        return JSONResponse({"detail": detail}, status_code=401, headers={"WWW-Authenticate": challenge})


class BodyLimit:
    """Refuse a request body over `max_bytes` with 413 before any route reads it: by its declared
    Content-Length at once, and, for a chunked body, as soon as the bytes received pass the limit.
    An upload of articles (POST to `upload_paths`) has its own, larger limit."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int | None = None,
                 upload_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes or max_bytes
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        upload = scope["method"] == "POST" and route_path(scope) in self.upload_paths
        limit = self.upload_bytes if upload else self.max_bytes
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return await self.refuse(limit)(scope, receive, send)
        received, refused = 0, False

        async def counting_receive() -> Message:
            # Past the limit: answer 413 now, and tell the route the client left (routes catch
            # exceptions raised while they read a body, so raising would become their 400).
            nonlocal received, refused
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit and not refused:
                refused = True
                await self.refuse(limit)(scope, receive, send)
            return {"type": "http.disconnect"} if refused else message

        async def send_unless_refused(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counting_receive, send_unless_refused)

    def refuse(self, limit: int) -> JSONResponse:
        return JSONResponse({"detail": f"Yêu cầu quá lớn: tối đa {limit:,} byte.".replace(",", ".")},
                            status_code=413)


class SecurityHeaders:
    """A Content-Security-Policy that allows nothing outside this server, and who may frame it."""

    def __init__(self, app: ASGIApp, frame_ancestors: list[str] | tuple[str, ...] = ()) -> None:
        self.app = app
        ancestors = " ".join(["'self'", *frame_ancestors])
        self.policy = (
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' data: blob:; "
            "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
            f"form-action 'self'; frame-ancestors {ancestors}"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = self.policy
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
            await send(message)

        await self.app(scope, receive, send_with_headers)
