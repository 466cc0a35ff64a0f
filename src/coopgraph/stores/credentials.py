"""Credentials stay with their origin: what a :class:`~coopgraph.stores.remote.RemoteStore` is given to
authenticate with (:class:`Auth`), and the rules that keep it there.

An endpoint must be an ``http://`` or ``https://`` URL (:func:`check_url`: nothing else is opened, no
``file:``). A redirect within the endpoint's origin (scheme, host and port) is followed with the credential;
one to any other origin is refused (:class:`Redirected`), by both HTTP clients: urllib's redirect handler
(:class:`HeldToOrigin`) and requests' response hook (:func:`hold_to_origin`). Every text built from a
server's reply goes through :func:`redact`, which removes every form of every credential given in this
process (the secret, ``user:secret``, the basic token, their escapes) and any echoed ``Authorization``.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import json
import os
import re
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from typing import TYPE_CHECKING
from typing import Literal as TypingLiteral
from urllib.parse import quote, quote_plus, urljoin, urlsplit, urlunsplit

from coopgraph.errors import StoreError

if TYPE_CHECKING:
    import requests


AuthScheme = TypingLiteral["basic", "digest", "bearer"]


@dataclass(frozen=True)
class Auth:
    """Credentials for a remote store. ``secret`` is a password (basic, digest) or a token (bearer).

    ``source`` says where the secret came from (e.g. the environment variable) for error messages; the
    secret itself is never shown, not even by ``repr``.
    """

    scheme: AuthScheme
    secret: str = field(repr=False)
    user: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if self.scheme not in ("basic", "digest", "bearer"):
            raise ValueError(
                f"unknown authentication scheme {self.scheme!r}; expected basic, digest or bearer"
            )
        if self.scheme != "bearer" and not self.user:
            raise ValueError(f"{self.scheme} authentication needs a user name")

    @classmethod
    def from_env(cls, scheme: AuthScheme, variable: str, user: str | None = None) -> Auth:
        """Read the secret from the environment variable ``variable``; :class:`StoreError` if it is unset."""
        secret = os.environ.get(variable)
        if not secret:
            raise StoreError(
                f"the environment variable {variable} holding the {secret_word(scheme)} is not set"
            )
        return cls(scheme, secret, user, source=f"the environment variable {variable}")


def secret_word(scheme: str) -> str:
    return "token" if scheme == "bearer" else "password"


def redact_url(url: str) -> str:
    """The URL without any ``user:password@`` part."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=host))


def origin_of(url: str) -> tuple[str, str, int | None] | None:
    """The origin of a URL: scheme, host and port (the scheme's own port when none is written); ``None``
    for a text that is no URL."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        return None
    return scheme, (parts.hostname or "").lower(), port


def same_origin(url: str, other: str) -> bool:
    found = origin_of(url)
    return found is not None and found == origin_of(other)


def shown_url(url: str) -> str:
    """A URL for a message: without its ``user:password@`` part, kept short."""
    with contextlib.suppress(ValueError):
        url = redact_url(url)
    return url if len(url) <= 200 else url[:199] + "…"


def check_url(url: str, what: str) -> None:
    """:class:`StoreError` unless ``url`` is an ``http://`` or ``https://`` URL with a host."""
    origin = origin_of(url)
    if origin is None or origin[0] not in ("http", "https") or not origin[1]:
        raise StoreError(
            f"the {what} {shown_url(url)!r} is not an http:// or https:// URL: a store is asked over HTTP, "
            "and coopgraph opens no other kind of URL (no file:, ftp: or data:)"
        )


SECRET_FORMS: set[str] = set()  # every form of every credential a RemoteStore was given in this process
_ECHOED = re.compile(
    r"(?i)(\b(?:proxy-)?authorization\b[\"']?\s*[:=]\s*[\"']?)(?![\s\"']*\*\*\*)[^\r\n<]+"
    r"|(\bdigest\s+username\s*=)[^\r\n<]+"
)


def remember(auth: Auth) -> None:
    """Note the forms a server could echo this credential in, for :func:`redact`: the secret as it is,
    URL-, HTML- and JSON-escaped, and for a user, ``user:secret`` and its base64 (the basic token)."""
    secret = auth.secret
    forms = {secret, quote(secret, safe=""), quote_plus(secret), html.escape(secret)}
    forms.add(json.dumps(secret)[1:-1])
    if auth.user:
        pair = f"{auth.user}:{secret}"
        forms.add(pair)
        for encoding in ("utf-8", "latin-1"):  # SPARQLWrapper's basic token, and requests'
            with contextlib.suppress(UnicodeEncodeError):
                forms.add(base64.b64encode(pair.encode(encoding)).decode("ascii"))
    SECRET_FORMS.update(form for form in forms if form)


def redact(text: str) -> str:
    """The text with no credential in it: every form of a secret given to a RemoteStore (:func:`remember`),
    and the value of an ``Authorization`` header (or a digest answer) that a server echoed, made ``***``."""
    for form in sorted(SECRET_FORMS, key=len, reverse=True):
        text = text.replace(form, "***")
    return _ECHOED.sub(lambda found: (found.group(1) or found.group(2)) + "***", text)


def without_credentials(headers: Message) -> Message:
    """A copy of a response's headers with :func:`redact` applied to each value (flavours build messages
    from some of them)."""
    copy = Message()
    for name, value in headers.items():
        copy[name] = redact(str(value))
    return copy


class Redirected(Exception):
    """A redirect to another origin, refused before it is followed (turned into a :class:`StoreError`)."""

    def __init__(self, target: str, code: int) -> None:
        super().__init__(target)
        self.target = target
        self.code = code


class HeldToOrigin(urllib.request.HTTPRedirectHandler):
    """urllib's redirect handling, kept within the origin of the request.

    A redirect to another origin is refused (:class:`Redirected`). One within it repeats the request with
    its method, body and the store's credential (sent as an unredirected header, which urllib would drop),
    except that a 303 asks for a GET, as HTTP says; urllib itself would turn a POST into a GET without its
    query on a 301 or 302, and refuse it on a 307 or 308."""

    def __init__(self, credential: str | None) -> None:
        self._credential = credential

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: io.IOBase,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not same_origin(req.full_url, newurl):
            fp.close()
            raise Redirected(newurl, code)
        if code == 303 or req.get_method() in ("GET", "HEAD"):
            again = super().redirect_request(req, fp, code, msg, headers, newurl)
        else:
            again = urllib.request.Request(
                newurl,
                data=req.data,
                headers=dict(req.headers),  # not the unredirected ones: Host, lengths, credentials
                origin_req_host=req.origin_req_host,
                unverifiable=True,
                method=req.get_method(),
            )
        if again is not None and self._credential is not None:
            again.add_unredirected_header("Authorization", self._credential)
        return again


def hold_to_origin(response: requests.Response, *args: object, **kwargs: object) -> None:
    """requests' response hook: a redirect to another origin is refused (:class:`Redirected`) before
    requests follows it (it would drop a basic or bearer header, but answer a digest challenge there)."""
    if response.is_redirect:
        target = urljoin(response.url, response.headers["Location"])
        if not same_origin(response.url, target):
            response.close()
            raise Redirected(target, response.status_code)


class BearerAuth:  # requests takes any callable as auth
    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request
