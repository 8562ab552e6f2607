"""The sandbox's Cognito user-pool service: state, and the checks every operation shares.

Operations live in the ops_* modules and register themselves in OPERATIONS; each receives this
backend and the request's JSON members and returns the response members, or raises CognitoError.
All state changes happen under one lock, so concurrent clients never lose an update; the SRP and RSA
arithmetic runs outside it (see state_lock.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from . import srp
from .models import AppClient, Code, Message, Outbox, User, UserPool, group_claims, mask_destination, six_digits
from .protocol import CognitoError, not_authorized
from .state_lock import StateLock
from .tokens import RefreshRecord, TokenIssuer, at_hash, identities_claim, new_jti
from .triggers import Triggers, event

__all__ = ["OPERATIONS", "SIGNED_OPERATIONS", "CallRecord", "CognitoBackend", "Operation", "operation"]

Operation = Callable[["CognitoBackend", dict[str, Any]], dict[str, Any]]
OPERATIONS: dict[str, Operation] = {}
# Operations AWS answers only when SigV4-signed by an IAM principal allowed to call them (the Admin* family);
# every other user-pool operation is public and authorised by its tokens, as on AWS.
SIGNED_OPERATIONS: set[str] = set()

_SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")
# Claims a pre-token-generation trigger may not override (Cognito ignores such overrides too).
_PROTECTED_CLAIMS = {"iss", "sub", "aud", "token_use", "exp", "iat", "auth_time", "cognito:username",
                     "origin_jti", "jti", "event_id", "at_hash", "nonce", "acr", "amr", "azp"}


def operation(name: str, *, signed: bool = False) -> Callable[[Operation], Operation]:
    def register(handler: Operation) -> Operation:
        OPERATIONS[name] = handler
        if signed:
            SIGNED_OPERATIONS.add(name)
        return handler
    return register


@dataclass
class CallRecord:
    """One answered Cognito operation, for teaching traces and round-trip counts."""

    operation: str
    outcome: str  # "ok" or the Cognito error code
    challenge: str | None
    at: float


class CognitoBackend:
    def __init__(
        self,
        region: str = "us-east-1",
        clock: Callable[[], float] = time.time,
        code_ttl: float = 24 * 3600.0,
        mfa_code_ttl: float = 180.0,
        session_ttl: float = 180.0,
        max_code_attempts: int = 5,
    ):
        self.region = region
        self.clock = clock
        self.code_ttl = code_ttl
        self.mfa_code_ttl = mfa_code_ttl
        self.session_ttl = session_ttl
        self.max_code_attempts = max_code_attempts
        self.lock = StateLock()
        self.pools: dict[str, UserPool] = {}
        self.issuer = TokenIssuer()
        self.outbox = Outbox()
        self.triggers = Triggers()
        self.calls: list[CallRecord] = []
        self.call_listeners: list[Callable[[CallRecord], None]] = []
        # Checks the SigV4 caller of a signed operation: (operation, params, HTTP call) -> None or raises.
        # Without one (a bare backend, no HTTP), signed operations are refused as unsigned.
        self.authorize: Callable[[str, dict[str, Any], Any], None] | None = None

    # ---- dispatch -------------------------------------------------------------------------------
    def handle(self, name: str, params: dict[str, Any], call: Any = None) -> dict[str, Any]:
        handler = OPERATIONS.get(name)
        if handler is None:
            raise CognitoError("UnknownOperationException", f"Unknown operation {name}")
        outcome, challenge = "ok", None
        try:
            if name in SIGNED_OPERATIONS:
                # Outside the state lock: checking a role's policies may wait for moto.
                if self.authorize is None or call is None:
                    raise not_authorized("Missing Authentication Token")
                self.authorize(name, params, call)
            with self.lock:
                result = handler(self, params)
            challenge = result.get("ChallengeName")
            return result
        except CognitoError as exc:
            outcome = exc.code
            raise
        finally:
            self.record(name, outcome, challenge)

    def record(self, name: str, outcome: str, challenge: str | None = None) -> None:
        """One answered operation, user pool or identity pool: round-trip counts span both."""
        record = CallRecord(name, outcome, challenge, self.clock())
        self.calls.append(record)
        for listener in list(self.call_listeners):
            listener(record)

    def now(self) -> float:
        return self.clock()

    def issuer_url(self, pool: UserPool) -> str:
        return f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.pool_id}"

    # ---- pools and clients ----------------------------------------------------------------------
    def pool(self, pool_id: Any) -> UserPool:
        pool = self.pools.get(pool_id) if isinstance(pool_id, str) else None
        if pool is None:
            raise CognitoError("ResourceNotFoundException", f"User pool {pool_id} does not exist.")
        return pool

    def client(self, client_id: Any) -> tuple[UserPool, AppClient]:
        if isinstance(client_id, str):
            for pool in self.pools.values():
                if client_id in pool.clients:
                    return pool, pool.clients[client_id]
        raise CognitoError("ResourceNotFoundException", f"User pool client {client_id} does not exist.")

    @staticmethod
    def require_flow(client: AppClient, flow: str) -> None:
        if f"ALLOW_{flow}" not in client.explicit_auth_flows:
            raise CognitoError("InvalidParameterException", f"{flow} flow not enabled for this client")

    @staticmethod
    def check_secret_hash(client: AppClient, secret_hash: Any, *usernames: str) -> None:
        """Clients with a secret must prove it: Base64(HMAC-SHA256(secret, username + client_id))."""
        if client.secret is None:
            return
        if not isinstance(secret_hash, str) or not secret_hash:
            raise not_authorized(
                f"Client {client.client_id} is configured with secret but SECRET_HASH was not received")
        for username in usernames:
            digest = hmac.new(client.secret.encode(), (username + client.client_id).encode(), hashlib.sha256)
            if hmac.compare_digest(base64.b64encode(digest.digest()).decode(), secret_hash):
                return
        raise not_authorized(f"Unable to verify secret hash for client {client.client_id}")

    # ---- users ----------------------------------------------------------------------------------
    def user_or_error(self, pool: UserPool, client: AppClient | None, name: str) -> User:
        """The named user, or the error Cognito gives for an unknown one under this client's settings."""
        user = pool.find_user(name)
        if user is None:
            if client is not None and client.prevent_user_existence_errors:
                raise not_authorized()
            raise CognitoError("UserNotFoundException", "User does not exist.")
        return user

    def check_password_policy(self, pool: UserPool, password: str) -> None:
        policy, problems = pool.password_policy, []
        if len(password) < policy.minimum_length:
            problems.append("Password not long enough")
        if policy.require_uppercase and not any(c.isupper() for c in password):
            problems.append("Password must have uppercase characters")
        if policy.require_lowercase and not any(c.islower() for c in password):
            problems.append("Password must have lowercase characters")
        if policy.require_numbers and not any(c.isdigit() for c in password):
            problems.append("Password must have numeric characters")
        if policy.require_symbols and not any(c in _SYMBOLS for c in password):
            problems.append("Password must have symbol characters")
        if problems:
            raise CognitoError("InvalidPasswordException", "Password did not conform with policy: " + problems[0])

    def set_password(self, pool: UserPool, user: User, password: str, *, temporary: bool = False) -> None:
        self.check_password_policy(pool, password)
        user.salt_hex, user.verifier = srp.make_verifier(pool.short_id, user.username, password)
        user.password_set_at = self.now()
        user.temporary_password_expires_at = (
            self.now() + pool.password_policy.temporary_password_validity_days * 86400 if temporary else None
        )

    def password_matches(self, pool: UserPool, user: User, password: str) -> bool:
        if not user.verifier:
            return False
        return srp.password_matches(pool.short_id, user.username, password, user.salt_hex, user.verifier)

    # Cognito's lockout: after 5 wrong passwords in a row a user is locked out for 1 s, doubling with each
    # further failure up to 15 minutes; an attempt while locked out is refused without being checked (and
    # does not lengthen the lockout); a right password, or 15 minutes without a failure, starts over.
    LOCKOUT_AFTER, LOCKOUT_MAX, LOCKOUT_FORGET = 5, 900.0, 900.0

    def password_attempt(self, user: User | None, matches: Callable[[], bool]) -> User:
        """Check one sign-in password (``matches`` says if it is right), under the lockout: the user when
        right; NotAuthorizedException for a wrong one, an unknown user or while locked out."""
        if user is None:
            raise not_authorized()
        now = self.now()
        if now < user.locked_until:
            raise not_authorized("Password attempts exceeded")
        if user.failed_sign_ins and now - user.last_failed_sign_in > self.LOCKOUT_FORGET:
            user.failed_sign_ins = 0
        if matches():
            user.failed_sign_ins, user.locked_until = 0, 0.0
            return user
        user.failed_sign_ins += 1
        user.last_failed_sign_in = now
        if user.failed_sign_ins >= self.LOCKOUT_AFTER:
            user.locked_until = now + min(self.LOCKOUT_MAX, 2.0 ** (user.failed_sign_ins - self.LOCKOUT_AFTER))
            raise not_authorized("Password attempts exceeded")
        raise not_authorized()

    def check_can_sign_in(self, user: User) -> None:
        """What Cognito refuses once the password is known to be right."""
        if not user.enabled:
            raise not_authorized("User is disabled.")
        if user.status == "UNCONFIRMED":
            raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
        if user.status == "RESET_REQUIRED":
            raise CognitoError("PasswordResetRequiredException", "Password reset required for the user")
        expires = user.temporary_password_expires_at
        if user.status == "FORCE_CHANGE_PASSWORD" and expires is not None and self.now() > expires:
            raise not_authorized("Temporary password has expired and must be reset by an administrator.")

    # ---- codes ----------------------------------------------------------------------------------
    def send_code(
        self, pool: UserPool, user: User, *, purpose: str, kind: str, medium: str, client_id: str | None,
        message_source: str, client_metadata: dict[str, str] | None = None, ttl: float | None = None,
        destination: str | None = None,
    ) -> dict[str, str]:
        """Issue a fresh 6-digit code for `purpose`, deliver it to the outbox, return CodeDeliveryDetails.

        `destination` is an address the user has not yet (MFA_SETUP proving a new e-mail for EMAIL_OTP)."""
        attribute = "email" if medium == "EMAIL" else "phone_number"
        destination = destination or user.pending_attributes.get(attribute) or user.attributes.get(attribute)
        if not destination:
            raise CognitoError(
                "InvalidParameterException",
                f"No {attribute.replace('_', ' ')} to deliver the code to for this user",
            )
        code = six_digits()
        user.codes[purpose] = Code(code, self.now() + (ttl or self.code_ttl), self.max_code_attempts, destination)
        text = f"Your verification code is {code}"
        subject = "Your verification code"
        if self.triggers.has("custom_message"):
            produced = self.triggers.invoke("custom_message", event(
                f"CustomMessage_{message_source}", region=pool.region, pool_id=pool.pool_id,
                username=user.username, client_id=client_id,
                request={"userAttributes": dict(user.attributes), "codeParameter": "{####}",
                         "usernameParameter": None, "clientMetadata": dict(client_metadata or {})},
                response={"smsMessage": None, "emailMessage": None, "emailSubject": None},
            ))["response"]
            template = produced.get("emailMessage" if medium == "EMAIL" else "smsMessage")
            if template:
                text = str(template).replace("{####}", code)
            subject = produced.get("emailSubject") or subject
        self.outbox.deliver(Message(destination, medium, kind, code, text, user.username))
        return {
            "Destination": mask_destination(medium, destination),
            "DeliveryMedium": medium,
            "AttributeName": attribute,
        }

    def check_code(self, user: User, purpose: str, value: str) -> None:
        """Wrong -> CodeMismatch; expired -> ExpiredCode; too many failures -> LimitExceeded."""
        code = user.codes.get(purpose)
        if code is None:
            raise CognitoError("CodeMismatchException", "Invalid verification code provided, please try again.")
        if code.attempts_left <= 0:
            raise CognitoError("LimitExceededException", "Attempt limit exceeded, please try after some time.")
        if self.now() >= code.expires_at:
            raise CognitoError("ExpiredCodeException", "Invalid code provided, please request a code again.")
        if not hmac.compare_digest(code.value, value):
            code.attempts_left -= 1
            raise CognitoError("CodeMismatchException", "Invalid verification code provided, please try again.")
        del user.codes[purpose]

    # ---- tokens ---------------------------------------------------------------------------------
    def issue_tokens(
        self, pool: UserPool, client: AppClient, user: User, trigger_source: str, *,
        refresh: RefreshRecord | None = None, client_metadata: dict[str, str] | None = None,
        device_key: str | None = None, rotate: bool = False, scopes: tuple[str, ...] | None = None,
        nonce: str | None = None, auth_time: int | None = None, with_refresh: bool = True,
    ) -> dict[str, Any]:
        """AuthenticationResult: access and id tokens, plus a refresh token on a new sign-in or a rotation.

        A refresh token is bound to the device it was issued with (`device_key`); a rotated one inherits
        the sign-in it continues (origin, auth_time, device, OAuth scopes). The hosted UI passes the `scopes`
        it granted (the access token's ``scope``; no ID token without ``openid``; ``at_hash``), the
        authorize request's `nonce`, the `auth_time` of its session, and no refresh token for the implicit
        grant (`with_refresh`)."""
        now = int(self.now())
        origin_jti = refresh.origin_jti if refresh else new_jti()
        auth_time = refresh.auth_time if refresh else (auth_time or now)
        if scopes is None and refresh is not None:
            scopes = refresh.scopes
        common = {"sub": user.sub, "iss": self.issuer_url(pool), "origin_jti": origin_jti,
                  "event_id": new_jti(), "auth_time": auth_time, "iat": now}
        access = {**common, "client_id": client.client_id, "token_use": "access",
                  "scope": " ".join(scopes) if scopes is not None else "aws.cognito.signin.user.admin",
                  "exp": now + int(client.access_token_ttl), "jti": new_jti(), "username": user.username}
        id_claims: dict[str, Any] = {
            name: (value == "true" if name.endswith("_verified") else value)
            for name, value in user.attributes.items() if name != "sub"
        }
        if "identities" in id_claims:
            id_claims["identities"] = identities_claim(id_claims["identities"])
        id_claims.update({**common, "aud": client.client_id, "token_use": "id", "cognito:username": user.username,
                          "exp": now + int(client.id_token_ttl), "jti": new_jti()})
        if nonce is not None:
            id_claims["nonce"] = nonce
        groups, roles, preferred = group_claims(pool.groups_of(user))
        if self.triggers.has("pre_token_generation"):
            produced = self.triggers.invoke("pre_token_generation", event(
                f"TokenGeneration_{trigger_source}", region=pool.region, pool_id=pool.pool_id,
                username=user.username, client_id=client.client_id,
                request={"userAttributes": dict(user.attributes),
                         "groupConfiguration": {"groupsToOverride": list(groups), "iamRolesToOverride": list(roles),
                                                "preferredRole": preferred},
                         "clientMetadata": dict(client_metadata or {})},
                response={"claimsOverrideDetails": None},
            ))["response"].get("claimsOverrideDetails") or {}
            for name, value in (produced.get("claimsToAddOrOverride") or {}).items():
                if name not in _PROTECTED_CLAIMS:
                    id_claims[name] = value
            for name in produced.get("claimsToSuppress") or []:
                if name not in _PROTECTED_CLAIMS:
                    id_claims.pop(name, None)
            override = produced.get("groupOverrideDetails")
            if isinstance(override, dict):  # the trigger's groups and roles stand in for the user's
                groups = [str(g) for g in override.get("groupsToOverride") or []]
                roles = [str(r) for r in override.get("iamRolesToOverride") or []]
                preferred = override.get("preferredRole") or None
        if groups:  # both tokens name the groups; only the ID token their roles (user-pool groups)
            access["cognito:groups"] = id_claims["cognito:groups"] = groups
        if roles:
            id_claims["cognito:roles"] = roles
        if preferred:
            id_claims["cognito:preferred_role"] = str(preferred)
        # A refresh on a rotating client marks its token replaced before the signatures let the state lock go.
        rotation = (refresh.rotating_away(self.now() + client.refresh_token_grace_seconds)
                    if refresh is not None and rotate else nullcontext())
        with rotation:
            result: dict[str, Any] = {
                "AccessToken": self.issuer.sign(access),
                "ExpiresIn": int(client.access_token_ttl),
                "TokenType": "Bearer",
            }
            if scopes is None or "openid" in scopes:
                if scopes is not None:  # OIDC's at_hash, which Cognito's token endpoint puts in its ID tokens
                    id_claims["at_hash"] = at_hash(result["AccessToken"])
                result["IdToken"] = self.issuer.sign(id_claims)
            if (refresh is None or rotate) and with_refresh:
                result["RefreshToken"] = self.issuer.new_refresh(RefreshRecord(
                    user.username, client.client_id, origin_jti, self.now() + client.refresh_token_ttl, auth_time,
                    sub=user.sub, device_key=refresh.device_key if refresh is not None else device_key,
                    scopes=scopes))
        return result

    def user_from_access_token(self, token: Any, *, admin_scope: bool = True) -> tuple[UserPool, User, dict[str, Any]]:
        """The user an access token of this sandbox speaks for. The user-pool API wants the
        aws.cognito.signin.user.admin scope, which a hosted-UI token has only when it was asked for."""
        if not isinstance(token, str) or not token:
            raise CognitoError("InvalidParameterException", "Missing required parameter AccessToken")
        for pool in self.pools.values():
            try:
                claims = self.issuer.read_access_token(token, self.issuer_url(pool), self.now())
            except CognitoError as exc:
                if exc.message == "Invalid Access Token":
                    continue
                raise
            user = pool.users.get(claims.get("username", ""))
            if user is None or user.sub != claims.get("sub"):
                raise not_authorized("User does not exist.")
            if not user.enabled:
                raise not_authorized("User is disabled.")
            if admin_scope and "aws.cognito.signin.user.admin" not in str(claims.get("scope", "")).split():
                raise not_authorized("Access Token does not have required scopes")
            return pool, user, claims
        raise not_authorized("Invalid Access Token")
