"""An endpoint that accepts connections and never answers (issue 13, item 4): every one of 32 waiting callers
gets a typed NetworkError, from one attempt (and its one retry), not 32."""

from __future__ import annotations

import socket
import threading

import amplify_nb
from amplify_nb.errors import NetworkError

IDENTITY_POOL = "us-east-1:00000000-0000-4000-8000-000000000000"


class BlackHole:
    """127.0.0.1: takes every connection, reads nothing, answers nothing; counts the connections."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:  # closed: the test is over
                return
            self.connections.append(conn)

    def close(self) -> None:
        self._listener.close()
        for conn in self.connections:
            conn.close()


def test_32_callers_on_a_black_holed_endpoint_all_get_a_network_error_from_one_attempt():
    hole = BlackHole()
    try:
        config = {"version": "1.3",
                  "auth": {"aws_region": "us-east-1", "identity_pool_id": IDENTITY_POOL,
                           "unauthenticated_identities_enabled": True},
                  "custom": {"amplify_nb": {"endpoint_url": hole.url}}}
        auth = amplify_nb.Auth(config, name="black-hole")
        outcomes: list[BaseException | None] = []

        def ask() -> None:
            try:
                auth.current_credentials()
                outcomes.append(None)
            except BaseException as exc:  # the test reports whatever came out
                outcomes.append(exc)

        threads = [threading.Thread(target=ask) for _ in range(32)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
        assert len(outcomes) == 32 and all(isinstance(outcome, NetworkError) for outcome in outcomes)
        assert len(hole.connections) <= 2  # GetId tried once and retried once, for all 32 callers
    finally:
        hole.close()
