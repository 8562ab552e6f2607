"""One way to call an AWS service from amplify_nb: traced, with botocore's wire logs redacted, and with
botocore's errors turned into the typed errors of errors.py (AWS error code and request id kept).

Cognito's user-pool and identity-pool calls need no AWS credentials, so the clients made here are
unsigned. Where they come from is the transport's business (core/transport.py): the process's shared
botocore session by default, or a factory the caller injects (a fake at the network edge in unit tests).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from ..config import AuthConfig
from ..errors import NetworkError, ValidationError, service_error
from .trace import Trace, TraceEntry, redact, redact_challenge_parameters, wire_logs_redacted
from .transport import ClientFactory, unsigned_client

__all__ = ["ServiceClient"]


class ServiceClient:
    def __init__(self, config: AuthConfig, service: str, region: str, label: str,
                 trace_source: Callable[[], Trace] | None = None, transport: ClientFactory | None = None):
        self.config = config
        self.service = service
        self.region = region
        self.label = label  # how errors name the service: "Cognito", "Cognito Identity"
        self.trace_source = trace_source or Trace
        self._transport: ClientFactory = transport or unsigned_client
        self._boto: Any = None
        self._boto_lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return self.config.endpoint(self.service) or f"{self.service}.{self.region}.amazonaws.com"

    @property
    def boto(self) -> Any:
        """The client, made by the transport on first use (botocore's by default, see transport.py)."""
        with self._boto_lock:
            if self._boto is None:
                self._boto = self._transport(self.service, self.region, self.config.endpoint(self.service))
            return self._boto

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Call one operation (boto3's snake_case method is derived from the API name), typed errors out."""
        from botocore import xform_name
        from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

        method = getattr(self.boto, xform_name(operation))
        challenge = params.get("ChallengeName")
        started = time.perf_counter()
        try:
            with wire_logs_redacted():
                result = method(**params)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "Unknown")
            self._record(operation, code, challenge, params, {}, started)
            request_id = exc.response.get("ResponseMetadata", {}).get("RequestId")
            raise service_error(code, error.get("Message") or code, request_id=request_id,
                                operation=operation) from None
        except ParamValidationError as exc:  # refused before anything was sent: a bad argument, not the network
            self._record(operation, "ValidationError", challenge, params, {}, started)
            raise ValidationError(f"{operation} refused its parameters: {_first_line(exc)}") from None
        except BotoCoreError as exc:
            self._record(operation, "NetworkError", challenge, params, {}, started)
            raise NetworkError(f"Cannot reach {self.label} at {self.endpoint} ({type(exc).__name__})") from None
        answer: dict[str, Any] = result  # botocore parses every JSON answer into a dict
        public = answer.get("ChallengeParameters") or {}
        self._record(operation, "ok", answer.get("ChallengeName") or challenge, params, public, started)
        return answer

    def _record(self, operation: str, outcome: str, challenge: str | None, params: Mapping[str, Any],
                public: Mapping[str, str], started: float) -> None:
        self.trace_source().add(TraceEntry(operation, outcome, challenge, redact(params),
                                           redact_challenge_parameters(public),
                                           (time.perf_counter() - started) * 1000))


def _first_line(error: Exception) -> str:
    """The first problem botocore found, naming the parameter, without the value it quotes (a password's)."""
    lines = [line.strip() for line in str(error).splitlines()[1:] if line.strip()]
    return lines[0].split(", value:", 1)[0] if lines else type(error).__name__
