"""Helpers that play a relying party against the test client: PKCE pair, authorize, token exchange,
ID-token verification against the published JWKS."""

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from jwcrypto import jwk, jwt

REDIRECT = "http://rp.example.gov.vn/callback"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(client_id: str, scope: str, challenge: str | None, nonce: str = "n-1") -> str:
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "scope": scope,
              "state": "s-1", "nonce": nonce}
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return "/o/authorize/?" + urlencode(params)


def code_from(response) -> str:
    assert response.status_code == 302, response.content[:500]
    query = parse_qs(urlsplit(response["Location"]).query)
    assert "code" in query, response["Location"]
    return query["code"][0]


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def exchange(http, client_id: str, secret: str, code: str, verifier: str):
    return http.post("/o/token/", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                   "code_verifier": verifier}, HTTP_AUTHORIZATION=basic(client_id, secret))


def verify_id_token(http, token: str) -> dict:
    keys = jwk.JWKSet.from_json(http.get("/.well-known/jwks.json").content.decode())
    parsed = jwt.JWT(jwt=token, key=keys, algs=["RS256"])
    return json.loads(parsed.claims)


def header_of(token: str) -> dict:
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
