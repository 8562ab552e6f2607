"""The Sandbox's conveniences for groups, roles and the basic flow (a mixin of ``Sandbox``, kept apart so
that service.py stays small). Each does in-process what an administrator would do with the admin keys
(CreateGroup, AdminAddUserToGroup, IAM CreateRole + PutRolePolicy, UpdateIdentityPool), for tests and
notebooks that want the state ready and the wire calls for what they teach.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import iam_policies
from . import ops_groups as _group_operations  # noqa: F401  (importing registers the operations)
from .models import Group

if TYPE_CHECKING:
    from .aws_account import AwsAccount
    from .backend import CognitoBackend
    from .identity import IdentityPool
    from .models import UserPool

__all__ = ["GroupsAndRoles"]


class GroupsAndRoles:
    backend: CognitoBackend
    pool: UserPool
    account: AwsAccount
    identity_pool: IdentityPool | None

    def create_group(self, name: str, *, precedence: int | None = None, role_arn: str | None = None,
                     description: str | None = None, members: Iterable[str] = ()) -> Group:
        """A group of the default pool (as CreateGroup), with `members` (usernames, e-mails or subs) added."""
        if precedence is not None and not 0 <= precedence <= 2**31 - 1:
            raise ValueError(f"precedence must be 0 to 2**31-1, not {precedence!r}")
        with self.backend.lock:
            if name in self.pool.groups:
                raise ValueError(f"the pool already has a group {name!r}")
            now = self.backend.now()
            group = Group(name, description, precedence, role_arn, now, now)
            self.pool.groups[name] = group
        for member in members:
            self.add_to_group(member, name)
        return group

    def add_to_group(self, username: str, group: str) -> None:
        """As AdminAddUserToGroup: the user's next tokens name the group (and its role)."""
        with self.backend.lock:
            found, target = self.pool.find_user(username), self.pool.groups.get(group)
            if found is None or target is None:
                raise LookupError(f"no user {username!r}" if found is None else f"no group {group!r}")
            target.members.add(found.sub)

    def create_role(self, name: str, policy: str | dict[str, Any], *, guests: bool = False,
                    tag_session: bool = False, max_session: int = 3600) -> str:
        """An IAM role the default identity pool may give (trust policy: Cognito Identity, this pool, signed-in
        identities, or guests with `guests=True`; `tag_session` lets it carry principal tags). Returns its ARN."""
        if self.identity_pool is None:
            raise ValueError("this sandbox has no identity pool")
        trust = iam_policies.identity_trust_policy(self.identity_pool.identity_pool_id,
                                                   "unauthenticated" if guests else "authenticated",
                                                   tag_session=tag_session)
        document = policy if isinstance(policy, str) else json.dumps(policy)
        return self.account.create_role(name, document, trust, max_session)

    @property
    def classic_flow(self) -> bool | None:
        """The default identity pool's AllowClassicFlow (None: never set, which AWS treats as allowed)."""
        return self.identity_pool.allow_classic_flow if self.identity_pool else None

    @classic_flow.setter
    def classic_flow(self, allowed: bool | None) -> None:
        if self.identity_pool is None:
            raise ValueError("this sandbox has no identity pool")
        with self.backend.lock:
            self.identity_pool.allow_classic_flow = allowed
