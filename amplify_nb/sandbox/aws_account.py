"""The sandbox's AWS account inside moto: the identity pool's two roles, the bucket, and STS sessions.

moto holds one process-wide state keyed by account id; each sandbox has its own account, so two
sandboxes in one process never see each other's roles or buckets. Provisioning talks to moto's
backends directly (no HTTP round trips) and happens once, on the first request that needs it, so
that ``Sandbox()`` stays fast: the ids it will use are chosen up front for ``sb.config``.

Credentials are minted through moto's STS backend, so ``sts get-caller-identity`` with them names the
assumed role. Without moto (``Sandbox(moto=False)``) roles live here and keys are minted locally.
"""

from __future__ import annotations

import copy
import secrets
import string
import threading
from dataclasses import dataclass

from . import iam_policies
from .s3_cors import AMPLIFY_DEFAULT_RULES

__all__ = ["SAMPLE_CSV", "SAMPLE_KEY", "SESSION_NAME", "AwsAccount", "Minted", "RoleNotAssumable"]

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

    def mint(self, role_arn: str, ttl: float, identity_pool_id: str, amr: list[str]) -> Minted:
        """Assume `role_arn` for an identity of `identity_pool_id`, as Cognito Identity does through
        AssumeRoleWithWebIdentity: the role's trust policy must admit that pool and that kind of identity."""
        documents = self.role_documents(role_arn)
        if documents is None:
            raise RoleNotAssumable(role_arn)
        context = {"cognito-identity.amazonaws.com:aud": identity_pool_id,
                   "cognito-identity.amazonaws.com:amr": amr}
        if not iam_policies.is_allowed([documents[0]], "sts:AssumeRoleWithWebIdentity", "*", context,
                                       principal=("Federated", "cognito-identity.amazonaws.com")):
            raise RoleNotAssumable(role_arn)
        if not self.moto:
            key_id = "ASIA" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))
            return Minted(key_id, secrets.token_urlsafe(30)[:40], "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(300))
        from moto.sts.models import sts_backends

        assumed = sts_backends[self.account_id]["aws"].assume_role_with_web_identity(
            region_name=self.region, role_session_name=SESSION_NAME, role_arn=role_arn, policy=None,
            duration=max(int(ttl), 1), external_id=None)
        return Minted(assumed.access_key_id, assumed.secret_access_key, assumed.session_token)
