"""The SRP ephemerals: the client's (a, A = g^a mod N), a 512-bit secret made ahead of time by one background
thread, and the sandbox's (b, B = k v + g^b mod N), a 512-bit secret too.

Interoperability is checked against the sandbox's server math (amplify_nb.sandbox.srp, what the fake Cognito
and the sandbox answer with): the proof a 512-bit secret gives is accepted for the right password or device
secret and refused for a wrong one. End to end, the sign-in tests (fake, sandbox) and the aws-amplify node
conformance test run the same code.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
import threading
import time

import pytest

from amplify_nb.config import load_config
from amplify_nb.core.userpool import EPHEMERALS, DeviceSecret, EphemeralPool, SrpRound, UserPoolClient
from amplify_nb.sandbox import srp as server

from .conftest import CLIENT_ID, POOL_ID

USER, PASSWORD = "0c8f6a52-ada", "Correct-horse-9!"
SHORT_ID = POOL_ID.split("_", 1)[1]


@pytest.fixture
def client() -> UserPoolClient:
    config = load_config({"version": "1.3", "auth": {"aws_region": "us-east-1", "user_pool_id": POOL_ID,
                                                     "user_pool_client_id": CLIENT_ID}})
    return UserPoolClient(config, transport=lambda service, region, endpoint: object())  # no call is made


def wait_until(condition, what: str) -> None:
    """Wait for the background thread (bounded: a hang fails the test, the time taken is not asserted)."""
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_the_secret_has_512_random_bits_and_A_is_g_to_the_a():
    pairs = [EphemeralPool._make() for _ in range(16)]
    for small_a, big_a in pairs:
        # at least 256 bits (RFC 5054 2.5.4, NIST SP 800-56A r3 5.6.1.1): fewer than 257 has odds of 2^-255
        assert 2 ** 256 < small_a < 2 ** EphemeralPool.SECRET_BITS == 2 ** 512
        assert big_a == pow(server.G, small_a, server.N) and 1 < big_a < server.N
    assert max(a.bit_length() for a, _ in pairs) > 500  # the bits are all used, not a shorter draw
    assert len({a for a, _ in pairs}) == len(pairs)


def test_the_servers_secret_has_512_random_bits_and_B_is_kv_plus_g_to_the_b():
    _, verifier = server.make_verifier(SHORT_ID, USER, PASSWORD)
    rounds = [server.ServerEphemeral(verifier) for _ in range(16)]
    for round_ in rounds:
        assert 2 ** 256 < round_._b < 2 ** server.ServerEphemeral.SECRET_BITS == 2 ** 512
        assert round_.big_b == (server.K * verifier + pow(server.G, round_._b, server.N)) % server.N
    assert max(round_._b.bit_length() for round_ in rounds) > 500
    assert len({round_.big_b for round_ in rounds}) == len(rounds)


def password_round(client: UserPoolClient, password: str, ephemeral: tuple[int, int] | None = None) -> bool:
    """One PASSWORD_VERIFIER exchange: the sandbox's server for PASSWORD, the client answering ``password``."""
    salt, verifier = server.make_verifier(SHORT_ID, USER, PASSWORD)
    ephemeral = ephemeral or EPHEMERALS.take()
    srp = SrpRound(client, USER, ephemeral)
    sent = srp.auth_parameters()
    round_, block = server.ServerEphemeral(verifier), secrets.token_bytes(64)
    answers = srp.answer({"USER_ID_FOR_SRP": USER, "USERNAME": USER, "SALT": salt, "SRP_B": f"{round_.big_b:x}",
                          "SECRET_BLOCK": base64.b64encode(block).decode()}, sent, password)
    return round_.signature_matches(int(sent["SRP_A"], 16), SHORT_ID, USER, block,
                                    server.canonical_timestamp(answers["TIMESTAMP"]) or "",
                                    answers["PASSWORD_CLAIM_SIGNATURE"])


def test_the_servers_math_accepts_the_password_proof_of_a_512_bit_secret(client):
    assert password_round(client, PASSWORD)


def test_a_wrong_password_still_gives_a_proof_the_server_refuses(client):
    assert not password_round(client, PASSWORD + "x")


def test_the_server_accepts_the_1024_bit_secret_amplify_js_and_pycognito_draw(client):
    small_a = int.from_bytes(secrets.token_bytes(128), "big") % server.N
    big_a = pow(server.G, small_a, server.N)
    assert password_round(client, PASSWORD, (small_a, big_a))
    assert not password_round(client, PASSWORD + "x", (small_a, big_a))


def device_round(client: UserPoolClient, secret: DeviceSecret, verifier_of: DeviceSecret) -> bool:
    """One DEVICE_PASSWORD_VERIFIER exchange: the server keeps ``verifier_of``'s verifier (as ConfirmDevice
    gave it), the client proves ``secret``. Cognito's device formula is the password one with the device
    group key and device key in place of the pool and the user."""
    verifier = int(verifier_of.verifier, 16)
    srp = SrpRound(client, USER, EPHEMERALS.take(), secret)
    big_a = int(srp.auth_parameters()["SRP_A"], 16)
    round_, block = server.ServerEphemeral(verifier), secrets.token_bytes(64)
    answers = srp.device_answer({"USERNAME": USER, "SALT": verifier_of.salt, "SRP_B": f"{round_.big_b:x}",
                                 "SECRET_BLOCK": base64.b64encode(block).decode()})
    assert answers["DEVICE_KEY"] == secret.key
    return round_.signature_matches(big_a, secret.group_key, secret.key, block,
                                    server.canonical_timestamp(answers["TIMESTAMP"]) or "",
                                    answers["PASSWORD_CLAIM_SIGNATURE"])


def test_the_servers_math_accepts_the_device_proof_with_the_kept_or_a_computed_verifier(client):
    secret, _ = DeviceSecret.new("us-east-1_device-key-1", "group-key-1")
    assert device_round(client, secret, secret)  # g^x kept from ConfirmDevice
    without_kept = DeviceSecret(secret.key, secret.group_key, secret.password)  # stored before it was kept
    assert device_round(client, without_kept, secret)


def test_a_wrong_device_secret_gives_a_proof_the_server_refuses(client):
    secret, _ = DeviceSecret.new("us-east-1_device-key-1", "group-key-1")
    wrong = DeviceSecret(secret.key, secret.group_key, secret.password + "x", secret.salt, secret.verifier)
    assert not device_round(client, wrong, secret)


def test_one_long_lived_thread_makes_every_ephemeral():
    pool = EphemeralPool()
    pool.prefill()
    worker = pool._worker
    assert worker is not None and worker.name == "amplify_nb-srp-ephemeral" and worker.daemon
    taken = []
    for _ in range(5):  # a sign-in from a remembered device takes two: the pool refills after each
        wait_until(lambda: len(pool._ready) == EphemeralPool.READY, "the pool to refill")
        taken += [pool.take(), pool.take()]
        assert pool._worker is worker and worker.is_alive()  # woken, not started again
    assert len({a for a, _ in taken}) == len(taken)  # each handed out once


def test_an_empty_pool_makes_the_ephemeral_at_once():
    pool = EphemeralPool()  # nothing prefilled: take() does not wait for the background thread
    small_a, big_a = pool.take()
    assert big_a == pow(server.G, small_a, server.N)
    assert pool._worker is not None  # and the next ones are on their way


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_drops_the_parents_ephemerals_and_makes_its_own():
    EPHEMERALS.prefill()
    wait_until(lambda: len(EPHEMERALS._ready) == EphemeralPool.READY, "the pool to fill")
    parents = {a for a, _ in EPHEMERALS._ready}
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, then leave without running the parent's test machinery
        try:
            fresh = EPHEMERALS.take()[0] not in parents
            deadline = time.monotonic() + 30
            while not EPHEMERALS._ready and time.monotonic() < deadline:  # its own thread refills
                time.sleep(0.01)
            refilled = bool(EPHEMERALS._ready) and not {a for a, _ in EPHEMERALS._ready} & parents
            own_thread = EPHEMERALS._worker is not None and EPHEMERALS._worker in threading.enumerate()
            os.write(write, b"%d%d%d" % (fresh, refilled, own_thread))
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        report = pipe.read()
    os.waitpid(pid, 0)
    assert report == b"111"


def test_the_sandboxs_exponentiation_lets_the_sandboxs_other_threads_run():
    """The sandbox serves a class on threads of one process: its exponentiations release the GIL. With forced
    GIL switches turned off, a waiting thread runs while the other is still exponentiating only if that
    releases the GIL; otherwise it runs after all of them, and sees them done. The worker goes on until the
    waiting thread has looked (or 40 rounds), so another thread taking the GIL once does not decide the test."""
    pytest.importorskip("gmpy2")
    inside, done, seen_done = threading.Event(), [False], []
    exponents = [secrets.randbits(8192) for _ in range(40)]  # drawn first: reading os.urandom lets the GIL go

    def exponentiate() -> None:
        inside.set()
        for exponent in exponents:
            if seen_done:
                break
            server._powmod(server.G, exponent, server.N)
        done[0] = True

    def wait_then_look() -> None:
        inside.wait()
        seen_done.append(done[0])

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        looker, worker = threading.Thread(target=wait_then_look), threading.Thread(target=exponentiate)
        looker.start()
        worker.start()
        worker.join()
        looker.join()
    finally:
        sys.setswitchinterval(interval)
    assert seen_done == [False]
