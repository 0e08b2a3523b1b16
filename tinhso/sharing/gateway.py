"""The built-in gateway `/sharing/gw/<service>/<path>` for agencies without their own.

Per call: check the key and its access right, apply the consumer's rate limit and daily quota, forward
the call to the provider's endpoint streaming both ways with timeouts, and record exactly one ledger row
(metadata only: never a body, a query string or a header value).

HTTP client: urllib3, not the standard library's urllib. urllib opens a new connection per call and cannot
hand over the raw (still compressed) body; urllib3 keeps a thread-safe pool of keep-alive connections per
provider (the handshake is not paid per call), takes separate connect and read timeouts, streams a
request body from a file object and a response with `decode_content=False`, so bytes pass through
unchanged. It is synchronous, which fits the WSGI server's thread per request; httpx would add
h11/httpcore/anyio for the same features.

Delayed acknowledgements: a provider that writes its response head and body in two sends with Nagle's
algorithm on (Python's http.server, many small frameworks) holds the body back until the head is
acknowledged. Linux delays that acknowledgement by 40 ms on a connection it thinks is interactive, which a
pooled keep-alive connection used several times a second always is; so every call waited 40 ms in the
kernel while the gateway spent 3 ms of CPU on it (bench_sharing_gateway: 57 ms median). The pooled
connections therefore ask for immediate acknowledgements (TCP_QUICKACK) each time they wait for a response:
the flag is not sticky (the next request sent makes the socket interactive again), so it is set per response.
"""

import datetime as dt
import json
import socket
import sqlite3
import threading
import time
import uuid
from urllib.parse import quote

import urllib3
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from urllib3.connection import HTTPConnection, HTTPSConnection

from tinhso.sharing import ledger
from tinhso.sharing.models import Service, ServiceStatus
from tinhso.sharing.services import Grant, grant_for_key

CHUNK = 64 * 1024
CONNECT_TIMEOUT = 5.0
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers",
              "transfer-encoding", "upgrade"}
# never forwarded upstream: the gateway's own key, the platform's session cookie, the platform's host name
DROPPED_REQUEST = HOP_BY_HOP | {"host", "x-api-key", "cookie", "content-length", "content-type"}
KEY_HEADER = "HTTP_X_API_KEY"
MESSAGE_HEADER = "HTTP_X_MESSAGE_ID"

QUICKACK = getattr(socket, "TCP_QUICKACK", None)  # Linux only; elsewhere nothing to do


def _ack_at_once(conn) -> None:
    sock = getattr(conn, "sock", None)
    if QUICKACK is not None and sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, QUICKACK, 1)
        except OSError:  # a closed or non-TCP socket: the call goes on, only slower
            pass


class _QuickAckHTTPConnection(HTTPConnection):
    def getresponse(self, *args, **kwargs):
        _ack_at_once(self)  # after the request went out, before the response head is read
        return super().getresponse(*args, **kwargs)


class _QuickAckHTTPSConnection(HTTPSConnection):
    def getresponse(self, *args, **kwargs):
        _ack_at_once(self)
        return super().getresponse(*args, **kwargs)


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _QuickAckHTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _QuickAckHTTPSConnection


_pool = urllib3.PoolManager(num_pools=64, maxsize=64, block=False, retries=False)
_pool.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

# ---------------------------------------------------------------- limits (shared by the server's processes)


class Limits:
    """Rate limit (token bucket, calls per minute) and daily quota per access right, shared by every process
    of the server (`tinhso serve` runs several): the counters live in a small SQLite file of their own beside
    the ledger, each call one short immediate transaction on it (tens of microseconds, never the main
    database's lock). The day's count starts from the ledger, so forgetting the counters does not reset a
    quota."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        path = ledger.root() / "limits.sqlite3"
        con = getattr(self._local, "con", None)
        if con is None or getattr(self._local, "path", None) != path:
            path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=OFF")  # counters: the ledger is the record
            con.execute("CREATE TABLE IF NOT EXISTS limits (access_id INTEGER PRIMARY KEY, tokens REAL NOT NULL, "
                        "at REAL NOT NULL, day TEXT NOT NULL, used INTEGER NOT NULL)")
            self._local.con, self._local.path = con, path
        return con

    def reset(self) -> None:
        self._connection().execute("DELETE FROM limits")

    def take(self, grant: Grant, today: dt.date) -> str | None:
        """None if the call may go; otherwise "rate" or "quota"."""
        con = self._connection()
        row = con.execute("SELECT day FROM limits WHERE access_id = ?", [grant.access_id]).fetchone()
        # the ledger is read outside the transaction: it may take a while, and counting twice is harmless
        used_before = _calls_today(grant, today) if row is None or row[0] != today.isoformat() else None
        con.execute("BEGIN IMMEDIATE")
        try:
            now = time.time()  # wall clock: the processes share it
            row = con.execute("SELECT tokens, at, day, used FROM limits WHERE access_id = ?",
                              [grant.access_id]).fetchone()
            tokens, at, day, used = row or (float(grant.per_minute), now, "", 0)
            if day != today.isoformat():
                day, used = today.isoformat(), used_before if used_before is not None else _calls_today(grant, today)
            tokens = min(float(grant.per_minute), tokens + max(now - at, 0.0) * grant.per_minute / 60.0)
            refused = "rate" if tokens < 1.0 else "quota" if used >= grant.per_day else None
            if refused is None:
                tokens, used = tokens - 1.0, used + 1
            con.execute("INSERT OR REPLACE INTO limits VALUES (?, ?, ?, ?, ?)",
                        [grant.access_id, tokens, now, day, used])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return refused


def _calls_today(grant: Grant, today: dt.date) -> int:
    """Calls this access made through the gateway today and that were let through."""
    rows = ledger.query(
        "SELECT count(*) FROM {ledger} WHERE side = 'gateway' AND client_unit = ? AND client_system = ? "
        "AND service_code = ? AND service_version = ? AND coalesce(error, '') NOT IN "
        "('rate_limited', 'quota_exceeded', 'invalid_key', 'wrong_service', 'service_closed', 'bad_path')",
        [grant.client_unit, grant.client_system, grant.service_code, grant.service_version], today, today)
    return int(rows[0][0]) if rows else 0


limits = Limits()

# ---------------------------------------------------------------- the call


class _CountingBody:
    """The request body read in chunks straight from the client's stream, counting bytes."""

    def __init__(self, request: HttpRequest, length: int) -> None:
        self.request, self.remaining, self.count = request, length, 0

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size is None or size < 0 else min(size, self.remaining)
        data = self.request.read(size)
        self.remaining -= len(data)
        self.count += len(data)
        return data


class _Call:
    """Everything the ledger row needs; recorded exactly once, whatever happens."""

    def __init__(self, request: HttpRequest, service_code: str, path: str) -> None:
        self.started = time.perf_counter()
        self.request_at = timezone.now()
        supplied = request.META.get(MESSAGE_HEADER, "")
        self.message_id = supplied if 0 < len(supplied) <= 100 and supplied.isprintable() else uuid.uuid4().hex
        self.row = {"message_id": self.message_id, "service_code": service_code, "service_version": "",
                    "client_unit": "", "client_system": "", "provider_unit": "", "provider_system": "",
                    "method": request.method, "path": "/" + path, "status": 0, "succeeded": False,
                    "request_bytes": 0, "response_bytes": 0, "side": "gateway", "source": "gateway", "error": None}
        self.recorded = False
        self._lock = threading.Lock()

    def identify(self, grant: Grant | None = None, service: Service | None = None) -> None:
        if grant is not None:
            self.row.update(service_version=grant.service_version, client_unit=grant.client_unit,
                            client_system=grant.client_system, provider_unit=grant.provider_unit,
                            provider_system=grant.provider_system)
        elif service is not None:
            self.row.update(service_version=service.service_version, provider_unit=service.provider_unit.code or "",
                            provider_system=service.provider_system)

    def record(self, status: int, error: str | None = None, response_bytes: int = 0) -> None:
        with self._lock:
            if self.recorded:
                return
            self.recorded = True
        duration = (time.perf_counter() - self.started) * 1000.0
        self.row.update(status=status, error=error, response_bytes=response_bytes,
                        succeeded=error is None and 0 < status < 400, duration_ms=round(duration, 3),
                        request_at=self.request_at.isoformat(),
                        response_at=(self.request_at + dt.timedelta(milliseconds=duration)).isoformat())
        ledger.spool.append(self.row)


class _Relay:
    """Streams the provider's response to the client; records the row when the last byte has gone, the
    stream broke, or the client went away and the server closed the response."""

    def __init__(self, upstream, call: _Call) -> None:
        self.upstream, self.call, self.sent, self.done = upstream, call, 0, False

    def __iter__(self):
        error = None
        try:
            for chunk in self.upstream.stream(CHUNK, decode_content=False):
                self.sent += len(chunk)
                yield chunk
            self.done = True
        except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
            error = "upstream_timeout"
        except (urllib3.exceptions.HTTPError, OSError):
            error = "upstream_broken"
        finally:
            self.close(error)

    def close(self, error: str | None = None) -> None:
        if self.call.recorded:
            return
        if not self.done:
            error = error or "client_closed"
            self.upstream.close()  # a half-read connection must not go back to the pool
        self.call.record(self.upstream.status, error, self.sent)
        self.upstream.release_conn()


def _error(call: _Call | None, status: int, code: str, vi: str, en: str, headers: dict | None = None) -> HttpResponse:
    body = json.dumps({"error": code, "message": {"vi": vi, "en": en}, "errors": []}, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type="application/json")
    for name, value in (headers or {}).items():
        response[name] = value
    if call is not None:
        response["X-Message-Id"] = call.message_id
        call.record(status, code, len(body))
    return response


def _upstream_headers(request: HttpRequest, call: _Call, grant: Grant) -> dict:
    headers = {}
    for name, value in request.META.items():
        if name.startswith("HTTP_"):
            header = name[5:].replace("_", "-").lower()
            if header not in DROPPED_REQUEST:
                headers[header] = value
    if request.META.get("CONTENT_TYPE"):
        headers["content-type"] = request.META["CONTENT_TYPE"]
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    remote = request.META.get("REMOTE_ADDR", "")
    headers["x-forwarded-for"] = f"{forwarded}, {remote}" if forwarded else remote
    headers["x-message-id"] = call.message_id
    headers["x-client-unit"] = grant.client_unit
    # header values are Latin-1 on the wire: a Vietnamese system name travels percent-encoded (UTF-8)
    headers["x-client-system"] = quote(grant.client_system, safe=" -_.()")
    return headers


def handle(request: HttpRequest, service_code: str, path: str) -> HttpResponse:
    call = _Call(request, service_code, path)
    raw_key = request.META.get(KEY_HEADER, "")
    grant = grant_for_key(raw_key) if raw_key else None
    if grant is None or grant.service_code != service_code:
        service = Service.objects.select_related("provider_unit").filter(code=service_code).order_by(
            "-service_version").first()
        if service is None:
            return _error(None, 404, "not_found", f"Không có dịch vụ {service_code}", f"No service {service_code}")
        call.identify(service=service)
        if grant is None:
            return _error(call, 401, "invalid_key", "Thiếu khóa API hoặc khóa không hợp lệ, đã hết hạn hay bị thu hồi",
                          "The API key is missing, invalid, expired or revoked")
        return _error(call, 403, "wrong_service", "Khóa API không dùng cho dịch vụ này",
                      "The API key is not for this service")
    call.identify(grant=grant)
    if grant.service_status not in (ServiceStatus.ACTIVE, ServiceStatus.DEPRECATED):
        return _error(call, 403, "service_closed", "Dịch vụ không còn cung cấp", "The service is not offered")
    if ".." in path.split("/"):
        return _error(call, 400, "bad_path", "Đường dẫn không hợp lệ", "Invalid path")
    refused = limits.take(grant, ledger.local_day(call.request_at))
    if refused == "rate":
        return _error(call, 429, "rate_limited", f"Vượt giới hạn {grant.per_minute} lượt/phút",
                      f"More than {grant.per_minute} calls per minute", {"Retry-After": "1"})
    if refused == "quota":
        return _error(call, 429, "quota_exceeded", f"Vượt hạn mức {grant.per_day} lượt/ngày",
                      f"More than {grant.per_day} calls today", {"Retry-After": "3600"})
    if not grant.endpoint_url:
        return _error(call, 502, "no_endpoint", "Dịch vụ chưa khai báo địa chỉ cung cấp",
                      "The service has no provider endpoint")
    target = grant.endpoint_url.rstrip("/") + "/" + path
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = _CountingBody(request, length) if length > 0 else None
    headers = _upstream_headers(request, call, grant)
    if body is not None:
        headers["content-length"] = str(length)
    try:
        upstream = _pool.urlopen(
            request.method, target, body=body, headers=headers, redirect=False, retries=False,
            preload_content=False, decode_content=False, assert_same_host=False,
            timeout=urllib3.Timeout(connect=min(CONNECT_TIMEOUT, grant.timeout_seconds), read=grant.timeout_seconds))
    except urllib3.exceptions.NewConnectionError:  # refused (a ConnectTimeoutError subclass, so first)
        call.row["request_bytes"] = body.count if body else 0
        return _error(call, 502, "upstream_unreachable", "Không kết nối được hệ thống cung cấp",
                      "The provider could not be reached")
    except (urllib3.exceptions.ConnectTimeoutError, urllib3.exceptions.ReadTimeoutError, TimeoutError):
        call.row["request_bytes"] = body.count if body else 0
        return _error(call, 504, "upstream_timeout", "Hệ thống cung cấp không trả lời kịp",
                      "The provider did not answer in time")
    except (urllib3.exceptions.HTTPError, OSError, ValueError):
        call.row["request_bytes"] = body.count if body else 0
        return _error(call, 502, "upstream_unreachable", "Không kết nối được hệ thống cung cấp",
                      "The provider could not be reached")
    call.row["request_bytes"] = body.count if body else 0
    relay = _Relay(upstream, call)
    response = StreamingHttpResponse(iter(relay), status=upstream.status)
    response._resource_closers.append(relay.close)
    for name, value in upstream.headers.items():
        if name.lower() not in HOP_BY_HOP:
            response[name] = value
    response["X-Message-Id"] = call.message_id
    return response
