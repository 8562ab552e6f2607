"""Server side of Cognito's SRP-6a (USER_SRP_AUTH), so a wrong password is really refused.

Cognito uses the 3072-bit group of RFC 5054 with g = 2, SHA-256, k = H(N | g), a per-user salt and
verifier v = g^x where x = H(salt | H(poolShortId | userIdForSrp | ":" | password)), and signs the
PASSWORD_VERIFIER claim with HKDF(S, u) over poolShortId | userIdForSrp | secretBlock | timestamp.
The sandbox keeps only (salt, v): it never stores a password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from .state_lock import outside_state_lock

__all__ = ["N_HEX", "ServerEphemeral", "canonical_timestamp", "make_verifier", "pad_hex", "password_matches"]

try:  # gmpy2 makes the 3072-bit pow ~8x faster; the math is identical without it.
    import gmpy2

    def _powmod(base: int, exp: int, mod: int) -> int:
        # Without the GIL: the sandbox serves a class's requests on threads of one process, and with the GIL
        # held through every exponentiation that process used one core while the other sat ~20% idle at 32
        # students (docs/benchmarks.md). gmpy2 computes on its own copies of the arguments.
        with gmpy2.context(allow_release_gil=True):
            return int(gmpy2.powmod(base, exp, mod))
except ImportError:  # pragma: no cover - exercised where gmpy2 has no wheel
    _powmod = pow


def _pow_unlocked(base: int, exp: int, mod: int) -> int:
    """For arithmetic that decides nothing about the state (a new challenge's B): other students' requests
    need not wait for it. Checking a password or setting one stays under the state lock (``_powmod``): each
    is half of a check-then-act, the lockout's count of attempts or the one user a sign-up may create, and
    with the lock let go in between, concurrent requests got past the check together (16 guesses at once
    were all checked before the first failure counted; two sign-ups of one e-mail made two users)."""
    with outside_state_lock():
        return _powmod(base, exp, mod)


N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2
_INFO = b"Caldera Derived Key\x01"

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TIMESTAMP = re.compile(
    rf"^(?:{'|'.join(_DAYS)}) ({'|'.join(_MONTHS)}) (\d{{1,2}}) (\d{{1,2}}):(\d{{1,2}}):(\d{{1,2}}) UTC (\d{{4}})$"
)


def canonical_timestamp(text: str) -> str | None:
    """The TIMESTAMP as Cognito verifies it, or None when it does not parse at all.

    Cognito parses it leniently as Java's "EEE MMM d HH:mm:ss z yyyy" (English) and checks the signature over
    the date it read, printed canonically ("Tue Nov 3 18:09:00 UTC 2026"). So a zero-padded day or a wrong
    weekday parses, yet fails as a wrong password would (NotAuthorized), as real clients have found out.
    """
    match = _TIMESTAMP.match(text)
    if match is None:
        return None
    month, day, hour, minute, second, year = match.groups()
    try:
        when = datetime(int(year), _MONTHS.index(month) + 1, 1) + timedelta(
            days=int(day) - 1, hours=int(hour), minutes=int(minute), seconds=int(second))
    except (ValueError, OverflowError):
        return None
    return (f"{_DAYS[when.weekday()]} {_MONTHS[when.month - 1]} {when.day} "
            f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} UTC {when.year}")


def pad_hex(value: int) -> str:
    """Hex with a leading zero byte when the high bit is set: the two's-complement form Cognito hashes."""
    text = f"{value:x}"
    if len(text) % 2:
        text = "0" + text
    elif text[0] in "89abcdef":
        text = "00" + text
    return text


def _hash_hex(hex_text: str) -> int:
    return int(hashlib.sha256(bytes.fromhex(hex_text)).hexdigest(), 16)


K = _hash_hex("00" + N_HEX + "0" + str(G))


def _x(pool_short_id: str, user_id: str, password: str, salt_hex: str) -> int:
    inner = hashlib.sha256(f"{pool_short_id}{user_id}:{password}".encode()).hexdigest()
    return _hash_hex(pad_hex(int(salt_hex, 16)) + inner)


def make_verifier(pool_short_id: str, user_id: str, password: str) -> tuple[str, int]:
    """A fresh random salt and the verifier for this password; called whenever a password is set."""
    salt_hex = pad_hex(int.from_bytes(secrets.token_bytes(16), "big") or 1)
    return salt_hex, _powmod(G, _x(pool_short_id, user_id, password, salt_hex), N)


def password_matches(pool_short_id: str, user_id: str, password: str, salt_hex: str, verifier: int) -> bool:
    """USER_PASSWORD_AUTH and ChangePassword check a clear password against the stored verifier."""
    candidate = _powmod(G, _x(pool_short_id, user_id, password, salt_hex), N)
    return hmac.compare_digest(pad_hex(candidate), pad_hex(verifier))


class ServerEphemeral:
    """One PASSWORD_VERIFIER round: the server's secret b and public B for a stored verifier."""

    # The server's secret exponent b, in bits: 512, as the client's a (core/userpool.py's EphemeralPool says
    # why that is as safe as 1024 in this group: RFC 5054 2.5.4 and NIST SP 800-56A ask for 256). It halves
    # the two long exponentiations of a round, g^b and (A v^u)^b; what a client sees (B, and whether its
    # proof is accepted) does not depend on b's size.
    SECRET_BITS = 512

    def __init__(self, verifier: int):
        self.verifier = verifier
        while True:
            self._b = int.from_bytes(secrets.token_bytes(self.SECRET_BITS // 8), "big") % N
            self.big_b = (K * verifier + _pow_unlocked(G, self._b, N)) % N
            if self.big_b and self._b:
                break

    def signature_matches(
        self, big_a: int, pool_short_id: str, user_id: str, secret_block: bytes, timestamp: str, signature: str
    ) -> bool:
        """Recompute the client's HMAC over the claim; any other password yields another key."""
        if big_a % N == 0:
            return False
        u = _hash_hex(pad_hex(big_a) + pad_hex(self.big_b))
        if u == 0:
            return False
        s_value = _powmod(big_a * _powmod(self.verifier, u, N) % N, self._b, N)
        prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(s_value)), hashlib.sha256).digest()
        key = hmac.new(prk, _INFO, hashlib.sha256).digest()[:16]
        message = pool_short_id.encode() + user_id.encode() + secret_block + timestamp.encode()
        expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
        return hmac.compare_digest(expected, signature)
