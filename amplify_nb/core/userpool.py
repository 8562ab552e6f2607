"""The one adapter between amplify_nb and Cognito user pools (boto3 + pycognito).

Everything that crosses to Cognito goes through ``UserPoolClient.call``: it records the call in the
flow's trace with secrets redacted, and turns botocore's ClientError and connection errors into the
typed errors of errors.py (keeping the AWS error code and request id). SRP math comes from pycognito's
AWSSRP, subclassed to be faster (gmpy2, and a client ephemeral with a 512-bit secret made ahead of time, see
EphemeralPool; nothing is patched into pycognito), and never left holding the password.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import os
import threading
from collections.abc import Mapping
from typing import Any, cast

from ..config import AuthConfig
from .service import ServiceClient
from .trace import Trace
from .transport import ClientFactory

__all__ = ["EPHEMERALS", "DeviceSecret", "EphemeralPool", "SrpRound", "UserPoolClient"]

try:  # ~8x faster 3072-bit modular exponentiation with gmpy2 (a dependency where it has wheels)
    import gmpy2

    def _powmod(base: int, exponent: int, modulus: int) -> int:
        return int(gmpy2.powmod(base, exponent, modulus))
    FAST_MATH = True
except ImportError:  # pragma: no cover - depends on the platform's wheels
    def _powmod(base: int, exponent: int, modulus: int) -> int:
        return pow(base, exponent, modulus)
    FAST_MATH = False


@functools.cache
def _srp_class() -> Any:
    """pycognito's AWSSRP, subclassed so that its modular exponentiations are made by ``_powmod``.

    Made on first use (pycognito imports boto3 and requests). Nothing is assigned into pycognito's
    modules: other users of pycognito in the process keep pycognito exactly as shipped.
    """
    from pycognito import aws_srp

    class FastSRP(aws_srp.AWSSRP):  # type: ignore[misc]
        """The client ephemeral comes from an EphemeralPool (made ahead of time, see there); the
        password-dependent key is pycognito's formula through pycognito's helpers, with ``_powmod``."""

        def __init__(self, *args: Any, ephemeral: tuple[int, int], **kwargs: Any):
            self._ephemeral = ephemeral  # read by AWSSRP.__init__ through the two methods below
            super().__init__(*args, **kwargs)

        def generate_random_small_a(self) -> int:
            return self._ephemeral[0]

        def calculate_a(self) -> int:
            return self._ephemeral[1]

        def get_password_authentication_key(self, username: str, password: str, server_b_value: int,
                                            salt: str) -> bytes:
            big_n, g = self.big_n, self.val_g
            if server_b_value % big_n == 0:  # SRP-6a: a client must abort on B = 0 (mod N)
                raise ValueError("Safety check for B failed")
            u_value = aws_srp.calculate_u(self.large_a_value, server_b_value)
            if u_value == 0:
                raise ValueError("U cannot be zero.")
            pool = self.pool_id.split("_")[1]
            secret = aws_srp.hash_sha256(f"{pool}{username}:{password}".encode())
            x_value = aws_srp.hex_to_long(aws_srp.hex_hash(aws_srp.pad_hex(salt) + secret))
            base = server_b_value - self.val_k * _powmod(g, x_value, big_n)
            s_value = _powmod(base, self.small_a_value + u_value * x_value, big_n)
            return bytes(aws_srp.compute_hkdf(bytearray.fromhex(aws_srp.pad_hex(s_value)),
                                              bytearray.fromhex(aws_srp.pad_hex(aws_srp.long_to_hex(u_value)))))

        def get_device_authentication_key(self, device_group_key: str, device_key: str, device_password: str,
                                          server_b_value: int, salt: str) -> bytes:
            """The same formula for a remembered device: the device's own secret stands in for the pool
            and password (pycognito's formula, its helpers, ``_powmod``)."""
            big_n, g = self.big_n, self.val_g
            if server_b_value % big_n == 0:
                raise ValueError("Safety check for B failed")
            u_value = aws_srp.calculate_u(self.large_a_value, server_b_value)
            if u_value == 0:
                raise ValueError("U cannot be zero.")
            secret = aws_srp.hash_sha256(f"{device_group_key}{device_key}:{device_password}".encode())
            x_value = aws_srp.hex_to_long(aws_srp.hex_hash(aws_srp.pad_hex(salt) + secret))
            # g^x is the device's verifier, made once at ConfirmDevice and kept: one exponentiation saved.
            known = getattr(self, "device_verifier", None)
            g_x = known[1] if known and known[0] == int(salt, 16) else _powmod(g, x_value, big_n)
            base = server_b_value - self.val_k * g_x
            s_value = _powmod(base, self.small_a_value + u_value * x_value, big_n)
            return bytes(aws_srp.compute_hkdf(bytearray.fromhex(aws_srp.pad_hex(s_value)),
                                              bytearray.fromhex(aws_srp.pad_hex(aws_srp.long_to_hex(u_value)))))

    return FastSRP


class EphemeralPool:
    """Client SRP ephemerals (a, A = g^a mod N), made ahead of time: A does not depend on the password,
    so the sign-in itself only pays for the password-dependent exponentiations.

    One long-lived daemon thread makes them, woken when the pool runs low: starting a thread per sign-in
    cost the signing thread ~0.15 ms each time (twice in a sign-in from a remembered device), a wake-up
    costs it a few microseconds."""

    # The client's secret exponent a, in bits. Amplify JS and pycognito draw 1024; 512 is as safe, and halves
    # the sign-in's key exponentiation S = (B - k g^x)^(a + u x). Cognito's SRP group (N = RFC 3526's MODP
    # group 15, RFC 5054's 3072-bit group) gives 128-bit security at most (NIST SP 800-57 Part 1 Rev. 5,
    # Table 2: FFC with L = 3072, N = 256); NIST SP 800-56A Rev. 3, section 5.6.1.1, asks a private key in
    # such a safe-prime group for at least 2 x 128 = 256 bits, and RFC 5054, section 2.5.4, asks a for at
    # least 256 bits. 512 is twice that, and fewer would save nothing: S's exponent a + u x has about 512
    # bits anyway (u and x are 256-bit hashes). A = g^a mod N is as before, and the server's math
    # (Cognito's, the sandbox's, S = (A v^u)^b) does not depend on a's size.
    SECRET_BITS = 512

    # A sign-in from a remembered device takes two (the password's SRP, then the device's): both ready.
    READY = 2

    def __init__(self) -> None:
        self._ready: list[tuple[int, int]] = []
        self._wanted = threading.Condition(threading.Lock())
        self._worker: threading.Thread | None = None

    @classmethod
    def _make(cls) -> tuple[int, int]:
        from pycognito import aws_srp

        big_n, g = aws_srp.hex_to_long(aws_srp.N_HEX), aws_srp.hex_to_long(aws_srp.G_HEX)
        while True:
            small_a = aws_srp.get_random(cls.SECRET_BITS // 8) % big_n
            big_a = _powmod(g, small_a, big_n)
            if big_a % big_n:  # SRP-6a's safety check on A, as pycognito's calculate_a makes it
                return small_a, big_a

    def take(self) -> tuple[int, int]:
        with self._wanted:
            pair = self._ready.pop() if self._ready else None
        self.prefill()
        return pair or self._make()

    def prefill(self) -> None:
        """Have the next ephemerals made on the background thread (started on first use)."""
        with self._wanted:
            if len(self._ready) >= self.READY:
                return
            if self._worker is not None and self._worker.is_alive():
                self._wanted.notify()
                return
            # Started under the lock, so that two callers cannot start two; it waits for the lock to fill.
            self._worker = threading.Thread(target=self._fill, name="amplify_nb-srp-ephemeral", daemon=True)
            self._worker.start()

    def _fill(self) -> None:
        while True:
            with self._wanted:
                while len(self._ready) >= self.READY:
                    self._wanted.wait()
            pair = self._make()  # outside the lock: take() is never kept waiting for an exponentiation
            with self._wanted:
                self._ready.append(pair)

    def discard(self) -> None:
        """Drop what was made: a forked child must not use the ephemeral its parent may use too (nor
        count on the parent's thread, which the child does not have)."""
        self._wanted = threading.Condition(threading.Lock())  # the parent's lock may have been held at the fork
        self._ready, self._worker = [], None


# An ephemeral depends on nothing but the SRP group (not the pool, the user or the password) and each
# is taken once, so one pool serves every Auth in the process: a new Auth finds one already made.
EPHEMERALS = EphemeralPool()
os.register_at_fork(after_in_child=EPHEMERALS.discard)


@dataclasses.dataclass(frozen=True)
class DeviceSecret:
    """A remembered device: Cognito's device key and group key, and the random password whose SRP verifier
    ConfirmDevice gave Cognito. Kept in the session's storage only; never shown (the repr masks it)."""

    key: str
    group_key: str = dataclasses.field(repr=False)
    password: str = dataclasses.field(repr=False)
    salt: str = dataclasses.field(default="", repr=False)  # hex, as ConfirmDevice was given it
    verifier: str = dataclasses.field(default="", repr=False)  # hex g^x: saves that exponentiation at sign-in

    @classmethod
    def new(cls, key: str, group_key: str) -> tuple[DeviceSecret, dict[str, str]]:
        """A fresh device password and the DeviceSecretVerifierConfig (verifier, salt) for ConfirmDevice."""
        from pycognito import aws_srp

        password, verifier_config = aws_srp.generate_hash_device(group_key, key)
        salt, verifier = (base64.b64decode(verifier_config[name]).hex() for name in ("Salt", "PasswordVerifier"))
        return cls(key, group_key, password, salt, verifier), dict(verifier_config)


class SrpRound:
    """One SRP exchange (a password's, or a remembered device's); holds the password only inside ``answer``."""

    def __init__(self, client: UserPoolClient, username: str, ephemeral: tuple[int, int],
                 device: DeviceSecret | None = None):
        device_args = {"device_key": device.key, "device_group_key": device.group_key,
                       "device_password": device.password} if device else {}
        pool_id, client_id = client.config.require_user_pool()
        self._srp = _srp_class()(username, None, pool_id, client_id,
                                 client=client.boto, client_secret=client.config.client_secret,
                                 ephemeral=ephemeral, **device_args)
        if device and device.salt and device.verifier:
            self._srp.device_verifier = (int(device.salt, 16), int(device.verifier, 16))

    def device_answer(self, challenge_parameters: Mapping[str, str]) -> dict[str, str]:
        """DEVICE_PASSWORD_VERIFIER's answer: the device secret's proof (pycognito's computation)."""
        return cast(dict[str, str], self._srp.process_device_challenge(dict(challenge_parameters)))

    def auth_parameters(self) -> dict[str, str]:
        return cast(dict[str, str], self._srp.get_auth_params())

    def answer(self, challenge_parameters: Mapping[str, str], request_parameters: Mapping[str, str],
               password: str) -> dict[str, str]:
        self._srp.password = password
        try:
            return cast(dict[str, str], self._srp.process_challenge(dict(challenge_parameters),
                                                                    dict(request_parameters)))
        finally:
            self._srp.password = None


class UserPoolClient(ServiceClient):
    """boto3's cognito-idp client for one config, unsigned (user-pool calls need no AWS credentials)."""

    def __init__(self, config: AuthConfig, transport: ClientFactory | None = None):
        super().__init__(config, "cognito-idp", config.region, "Cognito", transport=transport)
        self.trace = Trace()
        self.trace_source = lambda: self.trace
        self.ephemerals = EPHEMERALS

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        self.config.require_user_pool()  # identity pool only: every user-pool flow stops here, clearly
        return super().call(operation, **params)

    def new_trace(self) -> Trace:
        """Start recording a new flow; the previous trace stays readable until then."""
        self.trace = Trace()
        return self.trace

    def secret_hash(self, username: str) -> str | None:
        """SECRET_HASH for clients with a secret: Base64(HMAC-SHA256(secret, username + client id)).
        The one place amplify_nb computes it (pycognito's helper); callers add it with ``with_secret_hash``."""
        if not self.config.client_secret:
            return None
        _, client_id = self.config.require_user_pool()
        return str(_srp_class().get_secret_hash(username, client_id, self.config.client_secret))

    def with_secret_hash(self, params: dict[str, Any], username: str, key: str = "SECRET_HASH") -> dict[str, Any]:
        """``params`` with the secret hash under ``key`` when the app client has a secret (InitiateAuth and
        RespondToAuthChallenge name it SECRET_HASH, SignUp and the other user calls SecretHash). Cognito
        hashes with the username it knows the user by in that call: for a refresh, the internal one."""
        secret_hash = self.secret_hash(username)
        if secret_hash:
            params[key] = secret_hash
        return params

    def srp_round(self, username: str, device: DeviceSecret | None = None) -> SrpRound:
        return SrpRound(self, username, self.ephemerals.take(), device)
