"""No secret in any log record of the process, whichever library logs it.

botocore logs at DEBUG every request it signs, headers included: with the credentials amplify_nb injects,
each S3 call of a notebook would log the AWS session token, and Cognito's answers carry tokens in their
bodies. A filter on amplify_nb's own loggers cannot see those records (a logger's filters apply only to
what is logged to it, not to what its children pass up), so the redaction is made where every record is
born: ``logging.setLogRecordFactory`` (the logging module's hook for exactly this), chained to the factory
already in place. It is installed once, when amplify_nb first makes an AWS client.

What is redacted: the values of secret-named fields (session tokens, secret keys, passwords, OAuth codes and
verifiers, client secrets, Cognito sessions and tokens) in the JSON, Python-repr, header and query-string
forms botocore and urllib3 print; every JWT or JWE; and any value registered with ``register_secret``
(credentials amplify_nb hands out), wherever it appears.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from typing import Any

__all__ = ["REDACTED", "install", "redact_text", "register_secret"]

REDACTED = "<redacted>"
_NAMES = (
    r"x-amz-security-token|X-Amz-Security-Token|SessionToken|aws_session_token|SecretKey|SecretAccessKey|aws_secret_access_key|"
    r"AccessToken|IdToken|RefreshToken|access_token|id_token|refresh_token|client_secret|code_verifier|"
    r"PASSWORD|Password|password|NEW_PASSWORD|PreviousPassword|ProposedPassword|SECRET_HASH|SecretHash|"
    r"ConfirmationCode|UserCode|ANSWER|SMS_MFA_CODE|SOFTWARE_TOKEN_MFA_CODE|EMAIL_OTP_CODE|Session|"
    r"PASSWORD_CLAIM_SIGNATURE|DEVICE_PASSWORD"
)
# name, then a separator (": ", "=", "': b'", '":"'), then the value up to its end.
_FIELD = re.compile(
    r"""(?P<name>["']?\b(?:""" + _NAMES + r""")["']?\s*(?:[:=])\s*b?["']?|[?&]code=)(?P<value>[^"'\s,&}\]\\]+)""")
_JWT = re.compile(r"\beyJ[\w-]*(?:\.[\w-]*){2,4}")
_KEEP = 64  # the last credentials handed out: enough for every live session of a kernel

_registered: deque[str] = deque(maxlen=_KEEP)
_install_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Redact this value from every log record from now on (a session token, a secret access key)."""
    if value and len(value) >= 8 and value not in _registered:
        _registered.append(value)


def redact_text(text: str) -> str:
    for secret in list(_registered):
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _JWT.sub(REDACTED, text)
    return _FIELD.sub(lambda m: m.group("name") + REDACTED, text)


class RedactedRecord(logging.LogRecord):
    """A log record whose message is redacted when it is made into text, by whichever handler: filters that
    rewrite ``args`` (botocore body redaction while amplify_nb calls Cognito, see trace.py) still see the
    record as logged, and every formatter, handler and ``caplog`` gets the redacted text."""

    def getMessage(self) -> str:
        return redact_text(super().getMessage())


_subclasses: dict[type, type] = {logging.LogRecord: RedactedRecord}


def _redacted_class(cls: type) -> type:
    """RedactedRecord, or the same for another factory's record class."""
    if cls not in _subclasses:
        _subclasses[cls] = type(f"Redacted{cls.__name__}", (cls,), {"getMessage": RedactedRecord.getMessage})
    return _subclasses[cls]


def install() -> None:
    """Chain a factory in front of the current one (once per process) whose records redact their message."""
    with _install_lock:
        current = logging.getLogRecordFactory()
        if getattr(current, "_amplify_nb_redacting", False):
            return

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = current(*args, **kwargs)
            if not isinstance(record, RedactedRecord):
                record.__class__ = _redacted_class(type(record))
            return record

        factory._amplify_nb_redacting = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(factory)
