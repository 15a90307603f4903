"""Stand-in foreign hosts for the security tests, on loopback addresses only.

* :class:`ForeignHost`: a plain HTTP server on ``127.0.0.2`` (another loopback address,
  so never a catalog host or an allowed domain) that records every request head.
* :func:`tls_context`: a TLS server context with a fresh self-signed certificate for
  ``127.0.0.1``, which no default trust store accepts.
* :class:`RewritingTransport`: forwards to the emulator and rewrites the JSON body of
  chosen responses, to hand the SDK records that point somewhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import json
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

FOREIGN_ADDRESS = "127.0.0.2"


class ForeignHost:
    """Answers every HTTP request with a 404 and records its head (lower-cased headers)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()
        self.port = 0
        self._server: asyncio.Server | None = None

    @property
    def base_url(self) -> str:
        return f"http://{FOREIGN_ADDRESS}:{self.port}"

    async def __aenter__(self) -> ForeignHost:
        self._server = await asyncio.start_server(self._handle, FOREIGN_ADDRESS, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            line, *fields = head.strip().split("\r\n")
            headers = {}
            for field in fields:
                name, _, value = field.partition(":")
                headers[name.strip().lower()] = value.strip()
            self.requests.append({"line": line, "headers": headers})
            self.arrived.set()
            body = b'{"message": "not here"}'
            writer.write(
                b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n"
                + f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        writer.close()


def tls_context(directory: Path) -> ssl.SSLContext:
    """A server context with a new self-signed certificate for ``127.0.0.1``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


class RewritingTransport(httpx.AsyncHTTPTransport):
    """Sends to the real server; ``rewrite(method, path, body)`` may change JSON bodies."""

    def __init__(self, rewrite: Callable[[str, str, Any], Any]) -> None:
        super().__init__()
        self._rewrite = rewrite

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if "json" not in response.headers.get("content-type", ""):
            return response
        raw = await response.aread()
        body = self._rewrite(request.method, request.url.path, json.loads(raw) if raw else None)
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        return httpx.Response(response.status_code, headers=headers, json=body)
