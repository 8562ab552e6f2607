"""User-pool groups: CreateGroup ... ListUsersInGroup, each IAM-signed as on AWS (``signed=True``).

A group names its members in their tokens' ``cognito:groups`` and, through its role and precedence,
``cognito:roles`` and ``cognito:preferred_role`` (see models.group_claims), which an identity pool's
"choose role from token" mapping reads. Tokens already issued keep the groups they were issued with;
the next sign-in or refresh picks up a change, as on AWS.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from typing import Any

from .backend import CognitoBackend, operation
from .models import Group, User, UserPool
from .ops_admin import describe_user
from .protocol import CognitoError, check_username, invalid_parameter, optional, require

__all__ = ["admin_add_user_to_group", "admin_list_groups_for_user", "admin_remove_user_from_group", "create_group",
           "delete_group", "describe_group", "get_group", "list_groups", "list_users_in_group", "update_group"]

_ROLE_ARN = re.compile(r"arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?"
                       r"(:[\w+=/,.@-]+)?")
_MAX_PRECEDENCE = 2**31 - 1


def describe_group(pool: UserPool, group: Group) -> dict[str, Any]:
    """GroupType: members that are unset are left out, as Cognito leaves them out."""
    out: dict[str, Any] = {"GroupName": group.name, "UserPoolId": pool.pool_id,
                           "LastModifiedDate": group.modified_at, "CreationDate": group.created_at}
    if group.description is not None:
        out["Description"] = group.description
    if group.role_arn is not None:
        out["RoleArn"] = group.role_arn
    if group.precedence is not None:
        out["Precedence"] = group.precedence
    return out


def _group_name(params: dict[str, Any]) -> str:
    name = require(params, "GroupName", max_len=128)
    if any(unicodedata.category(c)[0] not in "LMSNP" for c in name):
        raise invalid_parameter(
            "1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must satisfy "
            "regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")
    return name


def _group(backend: CognitoBackend, params: dict[str, Any]) -> tuple[UserPool, Group]:
    pool = backend.pool(require(params, "UserPoolId", max_len=55))
    group = pool.groups.get(_group_name(params))
    if group is None:
        raise CognitoError("ResourceNotFoundException", "Group not found.")
    return pool, group


def _user(pool: UserPool, params: dict[str, Any]) -> User:
    user = pool.find_user(check_username(require(params, "Username", max_len=128)))
    if user is None:
        raise CognitoError("UserNotFoundException", "User does not exist.")
    return user


def _settings(params: dict[str, Any]) -> dict[str, Any]:
    """The optional members of Create/UpdateGroup that were given, validated as Cognito validates them."""
    given: dict[str, Any] = {}
    description = params.get("Description")
    if description is not None:  # no minimum length: "" is a description too
        if not isinstance(description, str):
            raise CognitoError("SerializationException", "Unexpected value type for 'Description'")
        if len(description) > 2048:
            raise invalid_parameter("1 validation error detected: Value at 'description' failed to satisfy "
                                    "constraint: Member must have length less than or equal to 2048")
        given["description"] = description
    role = optional(params, "RoleArn", max_len=2048)
    if role is not None:
        if len(role) < 20 or not _ROLE_ARN.fullmatch(role):
            raise invalid_parameter(
                "1 validation error detected: Value at 'roleArn' failed to satisfy constraint: Member must satisfy "
                "regular expression pattern: " + _ROLE_ARN.pattern)
        given["role_arn"] = role
    precedence = optional(params, "Precedence", kind="int")
    if precedence is not None:
        if precedence < 0:
            raise invalid_parameter(f"1 validation error detected: Value '{precedence}' at 'precedence' failed to "
                                    "satisfy constraint: Member must have value greater than or equal to 0")
        if precedence > _MAX_PRECEDENCE:
            raise invalid_parameter(f"1 validation error detected: Value '{precedence}' at 'precedence' failed to "
                                    "satisfy constraint: Member must have value less than or equal to "
                                    f"{_MAX_PRECEDENCE}")
        given["precedence"] = precedence
    return given


def _page(items: list[Any], params: dict[str, Any], results: str, render: Any) -> dict[str, Any]:
    """One page of a listing: ``Limit`` (0-60, default 60) items after ``NextToken`` (an opaque offset)."""
    limit = optional(params, "Limit", kind="int")
    if limit is not None and not 0 <= limit <= 60:
        raise invalid_parameter(f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
                                "constraint: Member must have value less than or equal to 60")
    token = optional(params, "NextToken", max_len=131072)
    start = 0
    if token is not None:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode())
        except ValueError:
            raise invalid_parameter("Invalid pagination token.") from None
    size = 60 if not limit else limit
    page = items[start:start + size]
    out: dict[str, Any] = {results: [render(item) for item in page]}
    if start + size < len(items):
        out["NextToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    return out


@operation("CreateGroup", signed=True)
def create_group(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool = backend.pool(require(params, "UserPoolId", max_len=55))
    name = _group_name(params)
    settings = _settings(params)
    if name in pool.groups:
        raise CognitoError("GroupExistsException", "A group with the name already exists.")
    now = backend.now()
    group = Group(name, created_at=now, modified_at=now, **settings)
    pool.groups[name] = group
    return {"Group": describe_group(pool, group)}


@operation("GetGroup", signed=True)
def get_group(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, group = _group(backend, params)
    return {"Group": describe_group(pool, group)}


@operation("UpdateGroup", signed=True)
def update_group(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    """Only the members given change (the role, the precedence, the description)."""
    pool, group = _group(backend, params)
    for name, value in _settings(params).items():
        setattr(group, name, value)
    group.modified_at = backend.now()
    return {"Group": describe_group(pool, group)}


@operation("DeleteGroup", signed=True)
def delete_group(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, group = _group(backend, params)
    del pool.groups[group.name]
    return {}


@operation("ListGroups", signed=True)
def list_groups(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool = backend.pool(require(params, "UserPoolId", max_len=55))
    return _page(list(pool.groups.values()), params, "Groups", lambda group: describe_group(pool, group))


@operation("AdminAddUserToGroup", signed=True)
def admin_add_user_to_group(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, group = _group(backend, params)
    user = _user(pool, params)
    if user.sub not in group.members and len(pool.groups_of(user)) >= 100:
        raise CognitoError("LimitExceededException", "A user can be a member of at most 100 groups.")
    group.members.add(user.sub)
    return {}


@operation("AdminRemoveUserFromGroup", signed=True)
def admin_remove_user_from_group(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, group = _group(backend, params)
    group.members.discard(_user(pool, params).sub)
    return {}


@operation("AdminListGroupsForUser", signed=True)
def admin_list_groups_for_user(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool = backend.pool(require(params, "UserPoolId", max_len=55))
    user = _user(pool, params)
    return _page(pool.groups_of(user), params, "Groups", lambda group: describe_group(pool, group))


@operation("ListUsersInGroup", signed=True)
def list_users_in_group(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, group = _group(backend, params)
    members = [user for user in pool.users.values() if user.sub in group.members]
    return _page(members, params, "Users", describe_user)
