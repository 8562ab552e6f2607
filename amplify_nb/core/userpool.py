"""The one adapter between amplify_nb and Cognito user pools (boto3 + pycognito).

Everything that crosses to Cognito goes through ``UserPoolClient.call``: it records the call in the
flow's trace with secrets redacted, and turns botocore's ClientError and connection errors into the
typed errors of errors.py (keeping the AWS error code and request id). SRP math comes from pycognito's
AWSSRP, made faster in two ways (gmpy2 and a precomputed client ephemeral, see below), and never left
holding the password.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from ..config import AuthConfig
from .service import ServiceClient
from .trace import Trace

try:  # ~8x faster 3072-bit modular exponentiation when gmpy2 is installed (extra "fast")
    import gmpy2

    def _powmod(base: int, exponent: int, modulus: int) -> int:
        return int(gmpy2.powmod(base, exponent, modulus))
    FAST_MATH = True
except ImportError:  # pragma: no cover - depends on the platform's wheels
    _powmod = pow
    FAST_MATH = False


def _pycognito_srp() -> Any:
    """pycognito's SRP module, with its modular exponentiation swapped for gmpy2's.

    pycognito computes with the builtin ``pow`` by module-global name lookup; giving that module a
    ``pow`` of its own changes the speed of the same math, not its result.
    """
    from pycognito import aws_srp

    if FAST_MATH and getattr(aws_srp, "pow", None) is not _powmod:
        aws_srp.pow = _powmod
    return aws_srp


class EphemeralPool:
    """Client SRP ephemerals (a, A = g^a mod N), made ahead of time: A does not depend on the password,
    so the sign-in itself only pays for the password-dependent exponentiations."""

    def __init__(self) -> None:
        self._ready: list[tuple[int, int]] = []
        self._lock = threading.Lock()
        self._filling = False

    @staticmethod
    def _make() -> tuple[int, int]:
        srp = _pycognito_srp()
        big_n, g = srp.hex_to_long(srp.N_HEX), srp.hex_to_long(srp.G_HEX)
        small_a = srp.get_random(128) % big_n
        return small_a, _powmod(g, small_a, big_n)

    def take(self) -> tuple[int, int]:
        with self._lock:
            pair = self._ready.pop() if self._ready else None
        self.prefill()
        return pair or self._make()

    def prefill(self) -> None:
        """Compute the next ephemeral on a background thread."""
        with self._lock:
            if self._filling or self._ready:
                return
            self._filling = True

        def fill() -> None:
            pair = self._make()
            with self._lock:
                self._ready.append(pair)
                self._filling = False
        threading.Thread(target=fill, name="amplify_nb-srp-ephemeral", daemon=True).start()


class SrpRound:
    """One USER_SRP_AUTH exchange; holds the password only inside ``answer``."""

    def __init__(self, client: UserPoolClient, username: str, ephemeral: tuple[int, int]):
        aws_srp = _pycognito_srp()

        class _Precomputed(aws_srp.AWSSRP):  # uses the ephemeral made ahead of time
            def generate_random_small_a(self) -> int:
                return ephemeral[0]

            def calculate_a(self) -> int:
                return ephemeral[1]

        self._srp = _Precomputed(username, None, client.config.user_pool_id, client.config.user_pool_client_id,
                                 client=client.boto, client_secret=client.config.client_secret)
        self.username = username

    def auth_parameters(self) -> dict[str, str]:
        return self._srp.get_auth_params()

    def answer(self, challenge_parameters: Mapping[str, str], request_parameters: Mapping[str, str],
               password: str) -> dict[str, str]:
        self._srp.password = password
        try:
            return self._srp.process_challenge(dict(challenge_parameters), dict(request_parameters))
        finally:
            self._srp.password = None


class UserPoolClient(ServiceClient):
    """boto3's cognito-idp client for one config, unsigned (user-pool calls need no AWS credentials)."""

    def __init__(self, config: AuthConfig, clock: Callable[[], float] = time.time):
        super().__init__(config, "cognito-idp", config.region, "Cognito")
        self._clock = clock
        self.trace = Trace()
        self.trace_source = lambda: self.trace
        self.ephemerals = EphemeralPool()

    def new_trace(self) -> Trace:
        """Start recording a new flow; the previous trace stays readable until then."""
        self.trace = Trace()
        return self.trace

    def secret_hash(self, username: str) -> str | None:
        """SECRET_HASH for clients with a secret: Base64(HMAC-SHA256(secret, username + client id))."""
        if not self.config.client_secret:
            return None
        return _pycognito_srp().AWSSRP.get_secret_hash(username, self.config.user_pool_client_id,
                                                        self.config.client_secret)

    def srp_round(self, username: str) -> SrpRound:
        return SrpRound(self, username, self.ephemerals.take())
