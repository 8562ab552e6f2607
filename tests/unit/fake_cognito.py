"""A fake at the network edge, for unit tests of the flows without the sandbox.

``FakeCognito`` is an ``Auth(transport=...)`` client factory. The clients it hands out have boto3's
snake_case methods; each operation answers from a script (a dict, a ``ClientError`` to raise, or a
callable of the request) and records what it was sent. Errors are real botocore ``ClientError``s, so
amplify_nb's own error mapping runs.

Tokens are real RS256 JWTs signed with a test key (``SigningKey``) whose JWKS is served on 127.0.0.1
(``JwksServer``), where the user-pool config's endpoint points: TokenVerifier checks them exactly as it
checks Cognito's. ``SrpServer`` answers USER_SRP_AUTH with real SRP-6a numbers (the sandbox's server
math) and refuses a wrong password.
"""

from __future__ import annotations

import base64
import http.server
import json
import secrets
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from typing import Any

import jwt
from botocore import xform_name
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from amplify_nb.sandbox import srp

__all__ = ["FakeClient", "FakeCognito", "JwksServer", "LocalServer", "SigningKey", "SrpServer", "error"]

Answer = Mapping[str, Any] | ClientError | Callable[[dict[str, Any]], Mapping[str, Any]]


def error(code: str, message: str | None = None, operation: str = "Unknown") -> ClientError:
    """The ClientError botocore raises for a Cognito error answer (with a request id, as AWS sends)."""
    return ClientError({"Error": {"Code": code, "Message": message or code},
                        "ResponseMetadata": {"RequestId": str(uuid.uuid4()), "HTTPStatusCode": 400}}, operation)


class SigningKey:
    """An RSA key pair and its JWK, as one entry of a pool's JWKS."""

    def __init__(self, kid: str):
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.jwk = {**RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True),
                    "kid": kid, "alg": "RS256", "use": "sig"}

    def sign(self, claims: dict, kid: str | None = None, **headers: Any) -> str:
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": kid or self.kid, **headers})


class LocalServer:
    """An HTTP server on 127.0.0.1 (a free port), in a daemon thread: ``serve(Handler)`` starts it at ``url``
    (``domain`` is its host:port), ``stop()`` ends it."""

    def serve(self, handler: type[http.server.BaseHTTPRequestHandler], poll_interval: float = 0.5) -> None:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.domain = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.url = f"http://{self.domain}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": poll_interval},
                                       daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


class JwksServer(LocalServer):
    """Serves ``keys`` at the pool's JWKS path; ``fetches`` counts the requests, ``status`` can fail them."""

    def __init__(self, pool_id: str) -> None:
        self.keys: list[dict] = []
        self.fetches = 0
        self.status = 200
        self.body: bytes | None = None  # raw answer instead of the key set
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != f"/{pool_id}/.well-known/jwks.json":
                    self.send_error(404)
                    return
                owner.fetches += 1
                body = owner.body if owner.body is not None else json.dumps({"keys": owner.keys}).encode()
                self.send_response(owner.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.serve(Handler)


class FakeClient:
    """One service's client. ``script(operation, *answers)`` queues answers, taken in order; ``sent``
    lists (operation, params) of every call; a call with nothing scripted fails the test."""

    def __init__(self, service: str):
        self.service = service
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self._answers: dict[str, deque[Answer]] = defaultdict(deque)
        self._operations: dict[str, str] = {}  # boto3's method name -> the API's operation name

    def script(self, operation: str, *answers: Answer) -> FakeClient:
        self._operations[xform_name(operation)] = operation
        self._answers[operation].extend(answers)
        return self

    def operations(self) -> list[str]:
        return [operation for operation, _ in self.sent]

    def last(self, operation: str) -> dict[str, Any]:
        return [params for name, params in self.sent if name == operation][-1]

    def __getattr__(self, method: str) -> Callable[..., Mapping[str, Any]]:
        operation = self.__dict__.get("_operations", {}).get(method)
        if operation is None:
            raise AttributeError(f"{self.service} has no scripted operation for {method!r}")

        def call(**params: Any) -> Mapping[str, Any]:
            self.sent.append((operation, params))
            queue = self._answers[operation]
            assert queue, f"{operation} was called with nothing scripted for it"
            answer = queue.popleft()
            if isinstance(answer, ClientError):
                raise answer
            return answer(params) if callable(answer) else answer
        return call


class FakeCognito:
    """The transport: ``FakeCognito(pool_id, client_id)(service, region, endpoint_url)`` is that service's
    FakeClient. ``idp`` is the user pool's; ``signed_in(...)`` an AuthenticationResult whose tokens verify."""

    def __init__(self, pool_id: str, client_id: str, region: str = "us-east-1", key: SigningKey | None = None):
        self.pool_id, self.client_id, self.region = pool_id, client_id, region
        self.key = key or SigningKey(f"kid-{uuid.uuid4().hex[:8]}")
        self.clients: dict[str, FakeClient] = {}
        self.made: list[tuple[str, str, str | None]] = []  # what amplify_nb asked the transport for

    def __call__(self, service: str, region: str, endpoint_url: str | None) -> FakeClient:
        self.made.append((service, region, endpoint_url))
        return self.client(service)

    def client(self, service: str) -> FakeClient:
        return self.clients.setdefault(service, FakeClient(service))

    @property
    def idp(self) -> FakeClient:
        return self.client("cognito-idp")

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"

    def signed_in(self, username: str, sub: str | None = None, lifetime: int = 3600, issued_at: float | None = None,
                  **id_claims: Any) -> dict[str, Any]:
        """InitiateAuth's / RespondToAuthChallenge's answer once the user is signed in, issued now in Cognito's
        time (``issued_at``: a test's moved clock; the client measures its offset to Cognito from it)."""
        sub = sub or str(uuid.uuid5(uuid.NAMESPACE_DNS, username))
        now = int(time.time() if issued_at is None else issued_at)
        common = {"sub": sub, "iss": self.issuer, "iat": now, "auth_time": now, "exp": now + lifetime}
        id_token = self.key.sign({**common, "aud": self.client_id, "token_use": "id",
                                  "cognito:username": username, "jti": str(uuid.uuid4()), **id_claims})
        access_token = self.key.sign({**common, "client_id": self.client_id, "token_use": "access",
                                      "username": username, "scope": "aws.cognito.signin.user.admin",
                                      "jti": str(uuid.uuid4())})
        return {"AuthenticationResult": {"IdToken": id_token, "AccessToken": access_token,
                                         "RefreshToken": secrets.token_urlsafe(32), "ExpiresIn": lifetime,
                                         "TokenType": "Bearer"}, "ChallengeParameters": {}}


class SrpServer:
    """Cognito's side of USER_SRP_AUTH for one user: ``challenge`` answers InitiateAuth with
    PASSWORD_VERIFIER, ``verify`` checks the client's signature and gives ``then`` (tokens or the next
    challenge) or NotAuthorizedException. Script them as callables: ``idp.script("InitiateAuth",
    srp.challenge)``."""

    def __init__(self, pool_id: str, user_id: str, password: str, then: Mapping[str, Any]):
        self.short_id = pool_id.split("_", 1)[1]
        self.user_id, self.then = user_id, then
        self.salt, self._verifier = srp.make_verifier(self.short_id, user_id, password)
        self._round: tuple[srp.ServerEphemeral, int, bytes] | None = None

    def challenge(self, params: dict[str, Any]) -> dict[str, Any]:
        """SRP_A arrives in InitiateAuth (USER_SRP_AUTH, or USER_AUTH preferring PASSWORD_SRP) or in the
        answer to USER_AUTH's SELECT_CHALLENGE (ANSWER=PASSWORD_SRP)."""
        if "AuthFlow" in params:
            assert params["AuthFlow"] in ("USER_SRP_AUTH", "USER_AUTH"), params["AuthFlow"]
            sent = params["AuthParameters"]
        else:
            assert params["ChallengeName"] == "SELECT_CHALLENGE", params["ChallengeName"]
            sent = params["ChallengeResponses"]
            assert sent["ANSWER"] == "PASSWORD_SRP"
        big_a = int(sent["SRP_A"], 16)
        ephemeral, block = srp.ServerEphemeral(self._verifier), secrets.token_bytes(64)
        self._round = (ephemeral, big_a, block)
        return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {
            "USER_ID_FOR_SRP": self.user_id, "USERNAME": self.user_id, "SALT": self.salt,
            "SRP_B": f"{ephemeral.big_b:x}", "SECRET_BLOCK": base64.b64encode(block).decode()}}

    def verify(self, params: dict[str, Any]) -> Mapping[str, Any]:
        assert self._round is not None and params["ChallengeName"] == "PASSWORD_VERIFIER"
        ephemeral, big_a, block = self._round
        answers = params["ChallengeResponses"]
        timestamp = srp.canonical_timestamp(answers["TIMESTAMP"]) or ""
        if answers.get("PASSWORD_CLAIM_SECRET_BLOCK") != base64.b64encode(block).decode() or not \
                ephemeral.signature_matches(big_a, self.short_id, self.user_id, block, timestamp,
                                            answers["PASSWORD_CLAIM_SIGNATURE"]):
            raise error("NotAuthorizedException", "Incorrect username or password.", "RespondToAuthChallenge")
        return self.then
