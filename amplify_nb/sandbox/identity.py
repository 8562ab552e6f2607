"""The sandbox's Cognito Identity (identity pools): state, Logins validation and credential minting.

Operations live in ops_identity.py and register in IDENTITY_OPERATIONS, like the user-pool side.
What Cognito Identity checks, this checks: each login token against the provider the identity pool
trusts (the user pool's key, issuer and client ids; the federated providers' app ids), guest access
only where the pool allows it, and credentials only for the identity the logins belong to. One
identity id per (pool, login), so a user keeps their ``private/<identity id>/`` across sign-ins.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import federation as fed
from . import iam_policies, sigv4
from .aws_account import AwsAccount, RoleNotAssumable
from .backend import CognitoBackend
from .keys import AuthFailure, KeyRing, Principal, SessionCredentials
from .protocol import CognitoError, invalid_parameter, not_authorized

__all__ = [
    "IDENTITY_OPERATIONS",
    "LOGINS_DONT_MATCH",
    "NO_GUESTS",
    "Call",
    "Identity",
    "IdentityOperation",
    "IdentityPool",
    "IdentityService",
    "Login",
    "amr_for",
    "identity_operation",
]

IdentityOperation = Callable[["IdentityService", dict[str, Any], "Call"], dict[str, Any]]
IDENTITY_OPERATIONS: dict[str, IdentityOperation] = {}
_POOL_ID = re.compile(r"[\w-]+:[0-9a-f-]+")
LOGINS_DONT_MATCH = "Logins don't match. Please include at least one valid login for this identity or identity pool."
NO_GUESTS = "Unauthenticated access is not supported for this identity pool."


def identity_operation(name: str) -> Callable[[IdentityOperation], IdentityOperation]:
    def register(handler: IdentityOperation) -> IdentityOperation:
        IDENTITY_OPERATIONS[name] = handler
        return handler
    return register


@dataclass(frozen=True)
class Call:
    """The HTTP request behind an operation, for the operations that must know who signed it."""

    environ: dict[str, Any]
    body: bytes


@dataclass
class IdentityPool:
    identity_pool_id: str
    name: str
    allow_unauthenticated: bool
    supported_login_providers: dict[str, str] = field(default_factory=dict)
    developer_provider_name: str | None = None
    openid_connect_provider_arns: list[str] = field(default_factory=list)
    cognito_identity_providers: list[dict[str, Any]] = field(default_factory=list)
    saml_provider_arns: list[str] = field(default_factory=list)
    # None: never set. AWS answers GetOpenIdToken for such a pool (as for True) and refuses it only for an
    # explicit False; a Gen 2 (CDK) pool leaves it unset, and so does the sandbox's default pool.
    allow_classic_flow: bool | None = None
    roles: dict[str, str] = field(default_factory=dict)
    role_mappings: dict[str, dict[str, Any]] = field(default_factory=dict)  # see role_mapping.py
    principal_tag_maps: dict[str, dict[str, Any]] = field(default_factory=dict)  # provider -> UseDefaults, tags

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "IdentityPoolId": self.identity_pool_id, "IdentityPoolName": self.name,
            "AllowUnauthenticatedIdentities": self.allow_unauthenticated,
            **({} if self.allow_classic_flow is None else {"AllowClassicFlow": self.allow_classic_flow}),
            "SupportedLoginProviders": dict(self.supported_login_providers),
            "OpenIdConnectProviderARNs": list(self.openid_connect_provider_arns),
            "CognitoIdentityProviders": [dict(p) for p in self.cognito_identity_providers],
            "SamlProviderARNs": list(self.saml_provider_arns),
        }
        if self.developer_provider_name:
            out["DeveloperProviderName"] = self.developer_provider_name
        return out


@dataclass
class Identity:
    identity_id: str
    pool_id: str
    created_at: float
    modified_at: float
    logins: set[tuple[str, str]] = field(default_factory=set)  # (provider, subject)


@dataclass(frozen=True)
class Login:
    """A login token that checked out: who it names, and for which provider."""

    provider: str
    subject: str
    authenticated: bool = True
    identity_id: str | None = None  # set for cognito-identity.amazonaws.com (the token names its identity)
    # The token's claims, for role-mapping rules and principal tags (not part of a login's identity).
    claims: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def mapping_key(self) -> str:
        """The provider as RoleMappings name it: a user pool's with the app client the token was issued to."""
        if self.provider.startswith("cognito-idp."):
            return f"{self.provider}:{self.claims.get('aud', '')}"
        return self.provider


class IdentityService:
    def __init__(self, backend: CognitoBackend, federation: fed.FederationIssuer, account: AwsAccount,
                 keys: KeyRing, credentials_ttl: float = 3600.0, openid_token_ttl: float = 600.0):
        self.backend = backend
        self.federation = federation
        self.account = account
        self.keys = keys
        self.credentials_ttl = credentials_ttl
        self.openid_token_ttl = openid_token_ttl
        self.pools: dict[str, IdentityPool] = {}
        self.identities: dict[str, Identity] = {}
        self._by_login: dict[tuple[str, str, str], str] = {}  # (pool, provider, subject) -> identity id

    # ---- dispatch -------------------------------------------------------------------------------
    def handle(self, name: str, params: dict[str, Any], call: Call) -> dict[str, Any]:
        handler = IDENTITY_OPERATIONS.get(name)
        if handler is None:
            raise CognitoError("UnknownOperationException", f"Unknown operation {name}")
        outcome = "ok"
        try:
            self.account.provision()  # outside the lock: the first time it imports moto
            with self.backend.lock:
                return handler(self, params, call)
        except CognitoError as exc:
            outcome = exc.code
            raise
        except Exception:
            outcome = "InternalErrorException"
            raise
        finally:
            self.backend.record(name, outcome)

    def now(self) -> float:
        return self.backend.now()

    # ---- lookups --------------------------------------------------------------------------------
    def pool(self, pool_id: Any) -> IdentityPool:
        if not isinstance(pool_id, str) or not _POOL_ID.fullmatch(pool_id) or len(pool_id) > 55:
            raise invalid_parameter(
                f"1 validation error detected: Value '{str(pool_id)[:60]}' at 'identityPoolId' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+")
        pool = self.pools.get(pool_id)
        if pool is None:
            raise CognitoError("ResourceNotFoundException", f"IdentityPool '{pool_id}' not found.")
        return pool

    def identity(self, identity_id: Any, pool: IdentityPool | None = None) -> Identity:
        if not isinstance(identity_id, str) or not _POOL_ID.fullmatch(identity_id) or len(identity_id) > 55:
            raise invalid_parameter(
                f"1 validation error detected: Value '{str(identity_id)[:60]}' at 'identityId' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+")
        identity = self.identities.get(identity_id)
        if identity is None or (pool is not None and identity.pool_id != pool.identity_pool_id):
            raise CognitoError("ResourceNotFoundException", f"Identity '{identity_id}' not found.")
        return identity

    def pool_arn(self, pool: IdentityPool) -> str:
        region = pool.identity_pool_id.split(":", 1)[0]
        return f"arn:aws:cognito-identity:{region}:{self.account.account_id}:identitypool/{pool.identity_pool_id}"

    # ---- logins ---------------------------------------------------------------------------------
    def logins(self, pool: IdentityPool, logins: Any) -> list[Login]:
        """Every entry of a Logins map checked against the pool's providers; any bad one refuses all."""
        if logins is None:
            return []
        if not isinstance(logins, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                   for k, v in logins.items()):
            raise CognitoError("SerializationException", "'Logins' must map provider names to tokens")
        if len(logins) > 10:
            raise invalid_parameter("1 validation error detected: Value at 'logins' failed to satisfy constraint: "
                                    "Member must have length less than or equal to 10")
        return [self._login(pool, provider, token) for provider, token in logins.items()]

    def _login(self, pool: IdentityPool, provider: str, token: str) -> Login:
        if provider == fed.COGNITO_IDENTITY:
            claims = self.federation.read(token, {fed.COGNITO_IDENTITY_ISSUER})
            if claims.get("aud") != pool.identity_pool_id:
                raise fed.invalid_login("Incorrect token audience.")
            amr = claims.get("amr") or []
            return Login(provider, str(claims["sub"]), "authenticated" in amr, str(claims["sub"]), claims)
        if provider.startswith("cognito-idp."):
            return self._user_pool_login(pool, provider, token)
        if provider in pool.supported_login_providers and provider in (fed.GOOGLE, fed.FACEBOOK, fed.AMAZON):
            claims = self.federation.claims(provider, token, pool.supported_login_providers[provider])
            return Login(provider, str(claims["sub"]), claims=claims)
        if any(arn.endswith(":oidc-provider/" + provider) for arn in pool.openid_connect_provider_arns):
            if provider != self.federation.oidc_key:  # an issuer the sandbox cannot fetch keys for
                raise fed.invalid_login("Couldn't verify signed token.")
            claims = self.federation.claims(provider, token, self.federation.oidc_client_id)
            return Login(provider, str(claims["sub"]), claims=claims)
        raise not_authorized("Token is not from a supported provider of this identity pool.")

    def _user_pool_login(self, pool: IdentityPool, provider: str, token: str) -> Login:
        entries = [p for p in pool.cognito_identity_providers if p.get("ProviderName") == provider]
        if not entries:
            raise not_authorized("Token is not from a supported provider of this identity pool.")
        claims = fed.read_jwt(token, self.backend.issuer.public_key(), {"https://" + provider}, self.now())
        audience = claims.get("aud")
        if not any(entry.get("ClientId") == audience for entry in entries):
            raise fed.invalid_login("Incorrect token audience.")
        if claims.get("token_use") != "id":
            raise fed.invalid_login("Not a valid OpenId Connect identity token.")
        if any(entry.get("ServerSideTokenCheck") for entry in entries):
            # Asks the user pool whether the sign-in still stands (GlobalSignOut, disabled user).
            user_pool = self.backend.pools.get(provider.rsplit("/", 1)[1])
            user = user_pool.users.get(claims.get("cognito:username", "")) if user_pool else None
            if (user is None or not user.enabled or user.sub != claims.get("sub")
                    or claims.get("origin_jti") in self.backend.issuer.revoked_origins):
                raise fed.invalid_login("Token is no longer valid (server-side token check).")
        return Login(provider, str(claims["sub"]), claims=claims)

    # ---- identities -----------------------------------------------------------------------------
    def identity_for(self, pool: IdentityPool, logins: list[Login]) -> Identity:
        """GetId: the identity these logins belong to, created on first sight; a guest without logins."""
        if not logins:
            if not pool.allow_unauthenticated:
                raise not_authorized(NO_GUESTS)
            return self._new_identity(pool)
        for login in logins:
            if login.identity_id is not None:
                identity = self.identity(login.identity_id, pool)
                self.link(identity, logins)
                return identity
        for login in logins:
            found = self._by_login.get((pool.identity_pool_id, login.provider, login.subject))
            if found is not None:
                identity = self.identities[found]
                self.link(identity, logins)
                return identity
        identity = self._new_identity(pool)
        self.link(identity, logins)
        return identity

    def check_logins(self, identity: Identity, logins: list[Login]) -> bool:
        """Whether the caller may act as `identity` with these logins, and as signed in (True) or guest."""
        pool = self.pools[identity.pool_id]
        if not logins:
            if identity.logins:
                raise not_authorized(LOGINS_DONT_MATCH)
            if not pool.allow_unauthenticated:
                raise not_authorized(NO_GUESTS)
            return False
        for login in logins:
            owner = self.owner_of(pool, login)
            if owner is not None and owner != identity.identity_id:
                raise not_authorized(LOGINS_DONT_MATCH)
            if owner is None and any(provider == login.provider for provider, _ in identity.logins):
                # One user per provider on an identity: another Facebook user is not this identity's.
                raise not_authorized(LOGINS_DONT_MATCH)
        self.link(identity, logins)  # a guest signing in keeps its identity, as Amplify's upgrade expects
        return any(login.authenticated for login in logins)

    def owner_of(self, pool: IdentityPool, login: Login) -> str | None:
        """The identity id a login is linked to in `pool`, if any."""
        return login.identity_id or self._by_login.get((pool.identity_pool_id, login.provider, login.subject))

    def link(self, identity: Identity, logins: list[Login]) -> None:
        for login in logins:
            if login.identity_id is not None:
                continue
            key = (identity.pool_id, login.provider, login.subject)
            if self._by_login.setdefault(key, identity.identity_id) == identity.identity_id:
                if (login.provider, login.subject) not in identity.logins:
                    identity.logins.add((login.provider, login.subject))
                    identity.modified_at = self.now()

    def _new_identity(self, pool: IdentityPool) -> Identity:
        region = pool.identity_pool_id.split(":", 1)[0]
        identity = Identity(f"{region}:{uuid.uuid4()}", pool.identity_pool_id, self.now(), self.now())
        self.identities[identity.identity_id] = identity
        return identity

    # ---- credentials and signed callers ---------------------------------------------------------
    def credentials(self, identity: Identity, authenticated: bool, amr: list[str], role_arn: str | None,
                    tags: dict[str, str] | None = None) -> dict[str, Any]:
        """Credentials for `role_arn` (the role mapping's choice), tagged with the principal tags."""
        pool = self.pools[identity.pool_id]
        if not role_arn:
            raise CognitoError("InvalidIdentityPoolConfigurationException",
                               "Invalid identity pool configuration. Check assigned IAM roles for this pool.")
        ttl = float(self.credentials_ttl)
        try:
            minted = self.account.mint(role_arn, ttl, pool.identity_pool_id, amr, identity_id=identity.identity_id,
                                       tags=tags)
        except RoleNotAssumable:
            raise CognitoError("InvalidIdentityPoolConfigurationException",
                               "Invalid identity pool configuration. Check assigned IAM roles for this pool.") from None
        expires_at = self.now() + ttl
        self.keys.add(SessionCredentials(minted.access_key_id, minted.secret_key, minted.session_token, expires_at,
                                         role_arn, identity.identity_id, pool.identity_pool_id, authenticated))
        return {"AccessKeyId": minted.access_key_id, "SecretKey": minted.secret_key,
                "SessionToken": minted.session_token, "Expiration": int(expires_at)}

    def require_signed(self, call: Call, action: str, resource: str, *, service: str = "cognito-identity"
                       ) -> Principal:
        """The IAM caller of an operation AWS only answers signed, allowed by its policies for `action`.

        Also serves the user pools' Admin* operations (`service="cognito-idp"`): one key ring, one answer."""
        try:
            principal = self.keys.authenticate(call.environ, body=call.body)
        except AuthFailure as failure:
            raise _signature_error(failure) from None
        if sigv4.scope_service(call.environ) != service:
            raise CognitoError("InvalidSignatureException",
                               f"Credential should be scoped to correct service: '{service}'. ")
        if principal.session is None:
            return principal
        documents = self.account.role_documents(principal.session.role_arn)
        context = {"cognito-identity.amazonaws.com:sub": principal.session.identity_id,
                   "cognito-identity.amazonaws.com:aud": principal.session.identity_pool_id,
                   **{f"aws:principaltag/{key}": value
                      for key, value in self.account.session_tags(principal.access_key_id).items()}}
        if documents is None or not iam_policies.is_allowed(documents[1], action, resource, context):
            role = principal.session.role_arn.rsplit("/", 1)[-1]
            raise CognitoError("AccessDeniedException", (
                f"User: arn:aws:sts::{self.account.account_id}:assumed-role/{role}/CognitoIdentityCredentials "
                f"is not authorized to perform: {action} on resource: {resource}"))
        return principal


def amr_for(logins: list[Login], authenticated: bool) -> list[str]:
    """The `amr` claim Cognito Identity puts in its tokens and matches roles' trust policies against."""
    if not authenticated:
        return ["unauthenticated"]
    amr = ["authenticated"]
    for login in logins:
        if login.identity_id is None:
            # A user pool's sign-in reads "<provider>:CognitoSignIn:<sub>"; every other "<provider>:<subject>".
            kind = ":CognitoSignIn" if login.provider.startswith("cognito-idp.") else ""
            amr += [login.provider, f"{login.provider}{kind}:{login.subject}"]
    return amr


def _signature_error(failure: AuthFailure) -> CognitoError:
    if failure.kind == AuthFailure.MISSING:
        return not_authorized("Missing Authentication Token")
    if failure.kind == AuthFailure.MALFORMED:
        return CognitoError("IncompleteSignatureException", failure.message)
    if failure.kind == AuthFailure.EXPIRED:
        return CognitoError("ExpiredTokenException", "The security token included in the request is expired")
    if failure.kind == AuthFailure.BAD_SIGNATURE:
        return CognitoError("InvalidSignatureException", (
            "The request signature we calculated does not match the signature you provided. Check your AWS "
            "Secret Access Key and signing method. Consult the service documentation for details."))
    return CognitoError("UnrecognizedClientException", "The security token included in the request is invalid.")
