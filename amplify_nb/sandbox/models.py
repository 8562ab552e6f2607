"""The sandbox's Cognito state: pools, app clients, users, one-time codes and the outbox.

Plain dataclasses guarded by the backend's lock; nothing here talks HTTP. Passwords are never kept:
a user holds only an SRP salt and verifier (see srp.py).
"""

from __future__ import annotations

import secrets
import string
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from .user_index import UserDirectory

__all__ = [
    "MFA_TYPES",
    "POLICY_FACTORS",
    "STANDARD_ATTRIBUTES",
    "AppClient",
    "AuthSession",
    "Code",
    "Device",
    "Group",
    "Message",
    "Outbox",
    "PasswordPolicy",
    "User",
    "UserPool",
    "group_claims",
    "mask_destination",
    "new_client_id",
    "new_pool_id",
    "new_sub",
    "six_digits",
]

STANDARD_ATTRIBUTES = {
    "sub", "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username",
    "profile", "picture", "website", "email", "email_verified", "gender", "birthdate", "zoneinfo",
    "locale", "phone_number", "phone_number_verified", "address", "updated_at",
}
MFA_TYPES = ("SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP")
# A pool's AllowedFirstAuthFactors (SignInPolicy) that the sandbox can run; WEB_AUTHN (passkeys) is out of scope.
# Not the client's FIRST_FACTORS (amplify_nb.steps): here PASSWORD allows both PASSWORD and PASSWORD_SRP.
POLICY_FACTORS = ("PASSWORD", "EMAIL_OTP", "SMS_OTP")


@dataclass
class PasswordPolicy:
    minimum_length: int = 8
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    temporary_password_validity_days: int = 7

    def as_outputs(self) -> dict[str, Any]:
        return {
            "min_length": self.minimum_length,
            "require_lowercase": self.require_lowercase,
            "require_numbers": self.require_numbers,
            "require_symbols": self.require_symbols,
            "require_uppercase": self.require_uppercase,
        }


@dataclass
class AppClient:
    client_id: str
    name: str
    secret: str | None = None
    explicit_auth_flows: tuple[str, ...] = (
        "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_AUTH",
    )
    prevent_user_existence_errors: bool = True
    access_token_ttl: float = 3600.0
    id_token_ttl: float = 3600.0
    refresh_token_ttl: float = 30 * 86400.0
    refresh_token_rotation: bool = False  # RefreshTokenRotation.Feature == ENABLED
    refresh_token_grace_seconds: int = 0  # RefreshTokenRotation.RetryGracePeriodSeconds (0-60)
    # Managed login (the hosted UI, see oauth.py): Cognito's AllowedOAuthFlows (code, implicit,
    # client_credentials; none: the client has no OAuth at all), AllowedOAuthScopes, CallbackURLs, LogoutURLs
    # and SupportedIdentityProviders (COGNITO and the social providers' names).
    allowed_oauth_flows: tuple[str, ...] = ()
    allowed_oauth_scopes: tuple[str, ...] = ()
    callback_urls: tuple[str, ...] = ()
    logout_urls: tuple[str, ...] = ()
    supported_identity_providers: tuple[str, ...] = ()


@dataclass
class Code:
    value: str
    expires_at: float
    attempts_left: int
    destination: str = ""


@dataclass
class Device:
    """A device a sign-in was issued (NewDeviceMetadata); ConfirmDevice gives it an SRP verifier.

    Like a user's password, the device's secret never reaches the sandbox: only the salt and the
    verifier of ``x = H(salt | H(deviceGroupKey | deviceKey | ":" | randomPassword))``.
    """

    key: str
    group_key: str
    created_at: float
    name: str | None = None
    salt_hex: str = ""
    verifier: int = 0  # 0 until ConfirmDevice
    remembered: bool = False
    modified_at: float = 0.0
    last_authenticated_at: float = 0.0

    @property
    def confirmed(self) -> bool:
        return self.verifier != 0


@dataclass
class User:
    username: str  # the internal name: a UUID when the pool signs in with e-mail/phone
    sub: str
    attributes: dict[str, str]
    status: str = "CONFIRMED"  # UNCONFIRMED | CONFIRMED | FORCE_CHANGE_PASSWORD | RESET_REQUIRED | EXTERNAL_PROVIDER
    enabled: bool = True
    salt_hex: str = ""
    verifier: int = 0
    password_set_at: float = 0.0
    temporary_password_expires_at: float | None = None
    created_at: float = 0.0
    modified_at: float = 0.0
    mfa_enabled: set[str] = field(default_factory=set)
    mfa_preferred: str | None = None
    totp_secret: str | None = None
    pending_totp_secret: str | None = None
    last_totp_step: int = -1  # a TOTP code is good once
    codes: dict[str, Code] = field(default_factory=dict)
    pending_attributes: dict[str, str] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    failed_sign_ins: int = 0  # wrong passwords since the last right one (Cognito's lockout, see backend)
    last_failed_sign_in: float = 0.0
    locked_until: float = 0.0


@dataclass
class AuthSession:
    """A sign-in in progress between InitiateAuth and the tokens (Cognito's opaque Session)."""

    session_id: str
    pool_id: str
    client_id: str
    username: str | None  # None while a PreventUserExistenceErrors decoy runs for an unknown user
    challenge: str
    expires_at: float
    flow: str
    srp: Any = None
    srp_a: int = 0
    secret_block: bytes = b""
    custom_history: list[dict[str, Any]] = field(default_factory=list)
    private_parameters: dict[str, str] = field(default_factory=dict)
    public_parameters: dict[str, str] = field(default_factory=dict)
    challenge_metadata: str | None = None
    client_metadata: dict[str, str] = field(default_factory=dict)
    attempts_left: int = 3
    mfa_setup_verified: bool = False
    device_key: str | None = None  # DEVICE_KEY the client sent: its remembered device, if any
    device_srp: Any = None  # the DEVICE_PASSWORD_VERIFIER round's server ephemeral
    device_srp_a: int = 0
    available: tuple[str, ...] = ()  # SELECT_CHALLENGE's AvailableChallenges, the only answers allowed
    first_factor_otp: bool = False  # EMAIL_OTP / SMS_OTP here is the first factor, not MFA
    mfa_setup_email: str | None = None  # the address MFA_SETUP is verifying for EMAIL_OTP
    auto_sign_in: bool = False  # ConfirmSignUp's Session: InitiateAuth USER_AUTH signs in with it once
    decoy_login: str = ""  # the unknown name a PreventUserExistenceErrors CUSTOM_AUTH runs its triggers for


@dataclass
class Group:
    """A user-pool group: its members' tokens name it in ``cognito:groups`` and its role in ``cognito:roles``."""

    name: str
    description: str | None = None
    precedence: int | None = None  # lower wins; None loses to any number
    role_arn: str | None = None
    created_at: float = 0.0
    modified_at: float = 0.0
    # Members by sub, not username: a deleted user's sub never returns, so a new user of the same name
    # does not inherit the old one's groups (as on AWS, where deleting a user takes it out of its groups).
    members: set[str] = field(default_factory=set)


def group_claims(groups: list[Group]) -> tuple[list[str], list[str], str | None]:
    """(cognito:groups, cognito:roles, cognito:preferred_role) for a user in `groups`.

    As Cognito documents it: groups in precedence order (lowest number first, no precedence last); the
    preferred role is the role of the group with the lowest precedence among those with a role, and no
    preferred role when several groups tie there with different roles."""
    ordered = sorted(groups, key=lambda g: (g.precedence is None, g.precedence or 0))
    roles = list(dict.fromkeys(g.role_arn for g in ordered if g.role_arn))
    with_role = [g for g in ordered if g.role_arn]
    preferred = None
    if with_role:
        best = with_role[0].precedence
        tied = {g.role_arn for g in with_role if g.precedence == best}
        preferred = tied.pop() if len(tied) == 1 else None
    return [g.name for g in ordered], roles, preferred


@dataclass
class UserPool:
    pool_id: str
    name: str
    region: str
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    mfa_configuration: str = "OPTIONAL"  # OFF | ON | OPTIONAL
    mfa_methods: tuple[str, ...] = ("SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP")
    username_attributes: tuple[str, ...] = ()  # ("email",) / ("phone_number",): sign in with them
    alias_attributes: tuple[str, ...] = ()  # verified e-mail/phone may stand in for the username
    auto_verified_attributes: tuple[str, ...] = ("email",)
    custom_attributes: tuple[str, ...] = ()
    allowed_first_auth_factors: tuple[str, ...] = ("PASSWORD",)  # Policies.SignInPolicy
    device_tracking: str | None = None  # None | "always" | "user_opt_in" (DeviceOnlyRememberedOnUserPrompt)
    challenge_required_on_new_device: bool = True  # a remembered device stands in for MFA
    clients: dict[str, AppClient] = field(default_factory=dict)
    users: UserDirectory[User] = field(default_factory=UserDirectory)  # by username, indexed by sign-in values
    sessions: dict[str, AuthSession] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)  # by name, in creation order
    decoy_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    @property
    def short_id(self) -> str:
        return self.pool_id.split("_", 1)[1]

    def groups_of(self, user: User) -> list[Group]:
        return [group for group in self.groups.values() if user.sub in group.members]

    def find_user(self, name: str) -> User | None:
        """By username, then by sub, then by a sign-in attribute or a verified alias, as Cognito does."""
        user = self.users.get(name)
        if user is not None:
            return user
        lowered = name.lower()
        for candidate in self.users.candidates(name):
            if candidate.sub == name:
                return candidate
            if candidate.status == "EXTERNAL_PROVIDER":  # Google_123 signs in through its provider only
                continue
            for attr in self.username_attributes:
                if candidate.attributes.get(attr, "").lower() == lowered:
                    return candidate
            for attr in self.alias_attributes:
                verified = candidate.attributes.get(f"{attr}_verified") == "true"
                if verified and candidate.attributes.get(attr, "").lower() == lowered:
                    return candidate
        return None


@dataclass
class Message:
    """A code the sandbox "sent": what the user would find in their inbox or SMS app."""

    destination: str
    medium: str  # EMAIL | SMS
    kind: str  # SignUp | ResendCode | ForgotPassword | VerifyUserAttribute | UpdateUserAttribute | Authentication
    code: str
    text: str
    username: str


class Outbox:
    """Every message the sandbox delivered, newest last; thread-safe and searchable."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[Message] = []
        self.listeners: list[Any] = []

    def deliver(self, message: Message) -> None:
        with self._lock:
            self._messages.append(message)
        for listener in list(self.listeners):
            listener(message)

    def __iter__(self):
        with self._lock:
            return iter(list(self._messages))

    def __len__(self) -> int:
        with self._lock:
            return len(self._messages)

    def last(self, destination: str | None = None, kind: str | None = None) -> Message:
        """The newest message, optionally to one destination or username and of one kind."""
        with self._lock:
            for message in reversed(self._messages):
                if destination not in (None, message.destination, message.username):
                    continue
                if kind not in (None, message.kind):
                    continue
                return message
        raise LookupError(f"no message for destination={destination!r} kind={kind!r}")

    def last_code(self, destination: str | None = None, kind: str | None = None) -> str:
        return self.last(destination, kind).code

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()


def new_pool_id(region: str) -> str:
    alphabet = string.ascii_letters + string.digits
    return f"{region}_" + "".join(secrets.choice(alphabet) for _ in range(9))


def new_client_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(26))


def new_sub() -> str:
    return str(uuid.uuid4())


def six_digits() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def mask_destination(medium: str, destination: str) -> str:
    """Cognito's CodeDeliveryDetails show a masked destination: a***@e***, +*******1234."""
    if medium == "EMAIL" and "@" in destination:
        local, domain = destination.split("@", 1)
        return f"{local[:1]}***@{domain[:1]}***"
    return "+*******" + destination[-4:]
