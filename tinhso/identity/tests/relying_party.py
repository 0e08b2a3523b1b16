"""A small, separate web application of the province that signs its users in through tinhso, written
only against the OpenID Connect standard with Authlib (a standard OIDC client library; joserfc checks the
ID token). It shares no code with tinhso: it discovers the endpoints, runs the code flow with PKCE and a
nonce, verifies the ID token against the published JWKS, reads userinfo and shows the claims it got."""

import html
import json
import secrets
import threading
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


class RelyingParty:
    def __init__(self, issuer: str):
        self.issuer = issuer
        self.client_id = ""
        self.client_secret = ""
        self.pending: dict[str, dict] = {}  # state → verifier and nonce of a sign-in under way
        self.server = make_server("127.0.0.1", 0, self.app, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "RelyingParty":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _session(self) -> OAuth2Session:
        return OAuth2Session(self.client_id, self.client_secret, scope="openid profile tinhso",
                             redirect_uri=f"{self.url}/callback", code_challenge_method="S256")

    def app(self, environ, start_response):
        config = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=10).json()
        path = environ["PATH_INFO"]
        if path == "/login":
            verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
            url, state = self._session().create_authorization_url(
                config["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
            self.pending[state] = {"verifier": verifier, "nonce": nonce}
            start_response("302 Found", [("Location", url)])
            return [b""]
        if path == "/callback":
            query = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
            pending = self.pending.pop(query.get("state", ""), None)
            if pending is None or "code" not in query:
                start_response("400 Bad Request", [("Content-Type", "text/plain")])
                return [f"sign-in failed: {query}".encode()]
            session = self._session()
            token = session.fetch_token(config["token_endpoint"], code=query["code"],
                                        code_verifier=pending["verifier"])
            keys = KeySet.import_key_set(requests.get(config["jwks_uri"], timeout=10).json())
            claims = jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims
            jwt.JWTClaimsRegistry(iss={"essential": True, "value": config["issuer"]},
                                  aud={"essential": True, "value": self.client_id},
                                  nonce={"essential": True, "value": pending["nonce"]}).validate(claims)
            userinfo = session.get(config["userinfo_endpoint"]).json()
            body = (f"<h1>Xin chào {html.escape(userinfo.get('name', ''))}</h1>"
                    f"<pre id='claims'>{html.escape(json.dumps(dict(claims), ensure_ascii=False))}</pre>"
                    f"<pre id='userinfo'>{html.escape(json.dumps(userinfo, ensure_ascii=False))}</pre>")
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [body.encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
