"""Shared by the web tests: a real uvicorn server in a thread, a path-prefix reverse proxy like
nginx's, headless Chromium driven by Playwright, and a watcher of what a page requests."""
from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import uvicorn
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"  # Debian's package; `make browser` installs it
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
QUESTION = "Trong 2,5 năm đã tổ chức bao nhiêu hội nghị?"
ANSWER = "31.041 hội nghị"


@contextlib.contextmanager
def live_server(app, root_path: str = "", lifespan: str = "on"):
    """Serve `app` on a free loopback port; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, root_path=root_path, lifespan=lifespan,
                            log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = server.force_exit = True  # open event streams need not end first
        thread.join(30)


class PrefixProxy:
    """`location /rag/ { proxy_pass http://backend/; }` with `proxy_set_header Host $host`,
    streaming (Gradio's answers come as server-sent events); also serves /portal.html."""

    def __init__(self, backend: str, prefix: str = "/rag", portal_html: str = "") -> None:
        self.backend, self.prefix, self.portal_html = backend, prefix, portal_html

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/portal.html":
            return await self._reply(send, 200, self.portal_html.encode(), b"text/html; charset=utf-8")
        if not scope["path"].startswith(self.prefix + "/"):
            return await self._reply(send, 404, b"not under the prefix", b"text/plain")
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        url = self.backend + scope["raw_path"].decode()[len(self.prefix):]
        if scope["query_string"]:
            url += "?" + scope["query_string"].decode()
        headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-length", b"connection")]
        async with httpx.AsyncClient(timeout=None) as client:
            async with client.stream(scope["method"], url, headers=headers, content=body) as reply:
                kept = [(k, v) for k, v in reply.headers.raw
                        if k.lower() not in (b"transfer-encoding", b"connection")]
                await send({"type": "http.response.start", "status": reply.status_code, "headers": kept})
                async for chunk in reply.aiter_raw():
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    async def _reply(send, status: int, body: bytes, content_type: bytes) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", content_type)]})
        await send({"type": "http.response.body", "body": body})


@contextlib.contextmanager
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watch:
    """Everything a page asked for or complained about."""

    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> Watch:
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        return self

    def foreign_requests(self, *hosts: str) -> list[str]:
        allowed = {urlsplit(h).netloc for h in hosts}
        return [u for u in self.requests
                if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc not in allowed]

    def policy_violations(self) -> list[str]:
        return [line for line in self.console if "Content Security Policy" in line]


@contextlib.contextmanager
def outbound_connections():
    """Record every socket connection this process opens to a non-loopback address."""
    seen: list[str] = []
    original = socket.socket.connect

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and not _loopback(host):
            seen.append(f"{host}:{address[1]}")
        return original(sock, address)

    socket.socket.connect = connect
    try:
        yield seen
    finally:
        socket.socket.connect = original


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def ask_in_page(page: Page, question: str, answers_before: int = 0):
    """Type a question, send it, and return the new answer's element."""
    page.locator("#rag-question textarea").fill(question)
    page.locator("#rag-send").click()
    answers = page.locator(".rag-answer")
    answers.nth(answers_before).wait_for(timeout=60_000)
    return answers.nth(answers_before)


def wait_for(condition, timeout: float = 15, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
