"""The sandbox's AWS account inside moto: the identity pool's two roles, the bucket, and STS sessions.

moto holds one process-wide state keyed by account id; each sandbox has its own account, so two
sandboxes in one process never see each other's roles or buckets. Provisioning talks to moto's
backends directly (no HTTP round trips) and happens once, on the first request that needs it, so
that ``Sandbox()`` stays fast: the ids it will use are chosen up front for ``sb.config``.

Credentials are minted through moto's STS backend, so ``sts get-caller-identity`` with them names the
assumed role. Without moto (``Sandbox(moto=False)``) roles live here and keys are minted locally.
Whoever mints (Cognito Identity's enhanced flow, or STS AssumeRoleWithWebIdentity in the basic flow) goes
through ``assume_with_web_identity``: the role's trust policy must admit the token, and allow
``sts:TagSession`` when the session carries principal tags, which are kept here for the policy checks.
"""

from __future__ import annotations

import copy
import secrets
import string
import threading
from dataclasses import dataclass
from typing import Any

from . import iam_policies
from .s3_cors import AMPLIFY_DEFAULT_RULES

__all__ = ["SAMPLE_CSV", "SAMPLE_KEY", "SESSION_NAME", "AwsAccount", "Minted", "RoleNotAssumable"]

COGNITO_IDENTITY = "cognito-identity.amazonaws.com"

SESSION_NAME = "CognitoIdentityCredentials"  # the session name Cognito Identity gives its STS sessions
SAMPLE_KEY = "public/sample.csv"
SAMPLE_CSV = b"""city,country,population
Tokyo,Japan,37194000
Delhi,India,32941000
Shanghai,China,29210000
Sao Paulo,Brazil,22620000
Mexico City,Mexico,22281000
Cairo,Egypt,22183000
Mumbai,India,21297000
Beijing,China,21766000
Dhaka,Bangladesh,23210000
Osaka,Japan,19013000
"""


class RoleNotAssumable(Exception):
    """The role does not exist or its trust policy does not let Cognito Identity assume it."""


@dataclass(frozen=True)
class Minted:
    access_key_id: str
    secret_key: str
    session_token: str
    arn: str = ""  # arn:aws:sts::<account>:assumed-role/<role>/<session name>
    role_id: str = ""  # <role id>:<session name>, STS's AssumedRoleId


class AwsAccount:
    def __init__(self, account_id: str, region: str, *, moto: bool, bucket: str, identity_pool_id: str):
        self.account_id = account_id
        self.region = region
        self.moto = moto
        self.bucket = bucket
        self.identity_pool_id = identity_pool_id
        self.auth_role_arn = self.role_arn("amplify-nb-sandbox-authenticated")
        self.unauth_role_arn = self.role_arn("amplify-nb-sandbox-unauthenticated")
        # Without moto, the roles' documents live here: arn -> (trust policy, permission policies).
        self._local_roles: dict[str, tuple[str, list[str]]] = {}
        self._provisioned = False
        self._lock = threading.Lock()
        self._session_tags: dict[str, dict[str, str]] = {}  # access key id -> principal tags of its session
        self.federation: Any = None  # the sandbox's FederationIssuer: STS reads Cognito Identity's tokens with it

    def role_arn(self, name: str) -> str:
        return f"arn:aws:iam::{self.account_id}:role/{name}"

    # ---- provisioning ---------------------------------------------------------------------------
    def provision(self) -> None:
        """Create the roles, the bucket and its sample CSV, once (safe to call from any thread)."""
        if self._provisioned:
            return
        with self._lock:
            if self._provisioned:
                return
            roles = {
                self.auth_role_arn: (iam_policies.identity_trust_policy(self.identity_pool_id, "authenticated"),
                                     iam_policies.authenticated_storage_policy(self.bucket)),
                self.unauth_role_arn: (iam_policies.identity_trust_policy(self.identity_pool_id, "unauthenticated"),
                                       iam_policies.unauthenticated_storage_policy(self.bucket)),
            }
            if self.moto:
                self._provision_moto(roles)
            else:
                self._local_roles = {arn: (trust, [policy]) for arn, (trust, policy) in roles.items()}
            self._provisioned = True

    def _provision_moto(self, roles: dict[str, tuple[str, str]]) -> None:
        from moto.iam.models import iam_backends
        from moto.s3.models import s3_backends

        iam = iam_backends[self.account_id]["aws"]
        for arn, (trust, policy) in roles.items():
            name = arn.rsplit("/", 1)[1]
            iam.create_role(name, trust, "/", None, "amplify_nb sandbox identity pool role", [], "43200")
            iam.put_role_policy(name, "amplify-storage", policy)
        s3 = s3_backends[self.account_id]["aws"]
        s3.create_bucket(self.bucket, self.region)
        # As `defineStorage` leaves it, so an Amplify app in a browser reaches it as it would on AWS.
        s3.put_bucket_cors(self.bucket, copy.deepcopy(AMPLIFY_DEFAULT_RULES))
        key = s3.put_object(self.bucket, SAMPLE_KEY, SAMPLE_CSV)
        key.set_metadata({"Content-Type": "text/csv"})

    # ---- roles ----------------------------------------------------------------------------------
    def role_documents(self, role_arn: str) -> tuple[str, list[str]] | None:
        """(trust policy, permission policies) of a role of this account, None if there is no such role."""
        self.provision()
        if not self.moto:
            return self._local_roles.get(role_arn)
        from moto.iam.models import iam_backends

        try:
            role = iam_backends[self.account_id]["aws"].get_role_by_arn(role_arn)
        except Exception:  # moto's NotFoundException; any other failure means the same to a caller
            return None
        documents = list(role.policies.values())
        for policy in role.managed_policies.values():
            documents += [v.document for v in policy.versions if v.is_default]
        return role.assume_role_policy_document, documents

    def role_max_session(self, role_arn: str) -> int:
        """The role's MaxSessionDuration in seconds (3600 when IAM was not told otherwise)."""
        if not self.moto:
            return 43200
        from moto.iam.models import iam_backends

        try:
            role = iam_backends[self.account_id]["aws"].get_role_by_arn(role_arn)
            return int(role.max_session_duration or 3600)
        except Exception:  # no such role: the trust check refuses it anyway
            return 3600

    def create_role(self, name: str, policy: str, trust: str, max_session: int = 3600) -> str:
        """An IAM role of this account (trust policy, one inline policy), as the admin keys would make it."""
        self.provision()
        arn = self.role_arn(name)
        if not self.moto:
            with self._lock:
                self._local_roles[arn] = (trust, [policy])
            return arn
        from moto.iam.models import iam_backends

        iam = iam_backends[self.account_id]["aws"]
        iam.create_role(name, trust, "/", None, "amplify_nb sandbox role", [], str(max_session))
        iam.put_role_policy(name, "inline", policy)
        return arn

    def session_tags(self, access_key_id: str) -> dict[str, str]:
        """The principal tags of a minted session (none for sessions minted without)."""
        return dict(self._session_tags.get(access_key_id, {}))

    def mint(self, role_arn: str, ttl: float, identity_pool_id: str, amr: list[str], *,
             identity_id: str | None = None, tags: dict[str, str] | None = None) -> Minted:
        """Assume `role_arn` for an identity of `identity_pool_id`, as Cognito Identity does through
        AssumeRoleWithWebIdentity: the role's trust policy must admit that pool and that kind of identity."""
        context: dict[str, Any] = {f"{COGNITO_IDENTITY}:aud": identity_pool_id, f"{COGNITO_IDENTITY}:amr": amr}
        if identity_id is not None:
            context[f"{COGNITO_IDENTITY}:sub"] = identity_id
        return self.assume_with_web_identity(role_arn, COGNITO_IDENTITY, context, ttl, SESSION_NAME, tags)

    def assume_with_web_identity(self, role_arn: str, federated: str, context: dict[str, Any], ttl: float,
                                 session_name: str, tags: dict[str, str] | None = None) -> Minted:
        """STS AssumeRoleWithWebIdentity for a token of `federated` whose claims give the `context` keys."""
        documents = self.role_documents(role_arn)
        if documents is None:
            raise RoleNotAssumable(role_arn)
        principal = ("Federated", federated)
        trust = [documents[0]]
        if not iam_policies.is_allowed(trust, "sts:AssumeRoleWithWebIdentity", "*", context, principal=principal):
            raise RoleNotAssumable(role_arn)
        request_tags = {f"aws:requesttag/{key}": value for key, value in (tags or {}).items()}
        if tags and not iam_policies.is_allowed(trust, "sts:TagSession", "*", {**context, **request_tags,
                                                "aws:tagkeys": list(tags)}, principal=principal):
            raise RoleNotAssumable(role_arn)  # session tags need the trust policy's leave, as on AWS
        minted = self._mint(role_arn, ttl, session_name)
        if tags:
            with self._lock:
                self._session_tags[minted.access_key_id] = dict(tags)
                if len(self._session_tags) > 50_000:  # a long-running sandbox: the oldest expired hours ago
                    for key in list(self._session_tags)[:10_000]:
                        del self._session_tags[key]
        return minted

    def _mint(self, role_arn: str, ttl: float, session_name: str) -> Minted:
        role = role_arn.rsplit("/", 1)[-1]
        if not self.moto:
            key_id = "ASIA" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))
            return Minted(key_id, secrets.token_urlsafe(30)[:40], "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(300),
                          f"arn:aws:sts::{self.account_id}:assumed-role/{role}/{session_name}",
                          f"AROA{secrets.token_hex(8).upper()}:{session_name}")
        from moto.sts.models import sts_backends

        assumed = sts_backends[self.account_id]["aws"].assume_role_with_web_identity(
            region_name=self.region, role_session_name=session_name, role_arn=role_arn, policy=None,
            duration=max(int(ttl), 1), external_id=None)
        return Minted(assumed.access_key_id, assumed.secret_access_key, assumed.session_token, assumed.arn,
                      assumed.user_id)
