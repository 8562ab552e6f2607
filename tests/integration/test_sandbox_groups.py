"""User-pool groups through plain boto3 (issue 17, item 4): the group operations, signed as on AWS, and the
``cognito:groups`` / ``cognito:roles`` / ``cognito:preferred_role`` claims they put in tokens."""

from __future__ import annotations

import jwt
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from amplify_nb.sandbox import Sandbox
from tests.conftest import cognito_client, fails
from tests.integration.sandbox_aws import client, guest, keys

MADE_UP = {"aws_access_key_id": "AKIA" + "MADEUP0000000000", "aws_secret_access_key": "x" * 40}
ALICE, ALICE_PASSWORD = "alice@example.com", "Alice-pw-1234"


@pytest.fixture
def sb():
    with Sandbox() as sandbox:
        sandbox.create_user(ALICE, ALICE_PASSWORD, {"email": ALICE, "email_verified": "true"})
        yield sandbox


def role(sb, name: str) -> str:
    return f"arn:aws:iam::{sb.account_id}:role/{name}"


def tokens(sb, username: str = ALICE, password: str = ALICE_PASSWORD) -> tuple[dict, dict]:
    """(ID token claims, access token claims) of a fresh sign-in."""
    result = cognito_client(sb).initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=sb.client.client_id,
                                              AuthParameters={"USERNAME": username, "PASSWORD": password})
    issued = result["AuthenticationResult"]
    return (jwt.decode(issued["IdToken"], options={"verify_signature": False}),
            jwt.decode(issued["AccessToken"], options={"verify_signature": False}))


def test_groups_are_created_read_listed_updated_and_deleted(sb):
    idp, pool = cognito_client(sb), sb.pool.pool_id
    created = idp.create_group(GroupName="editors", UserPoolId=pool, Description="They edit", Precedence=5,
                               RoleArn=role(sb, "editors"))["Group"]
    assert (created["GroupName"], created["Precedence"], created["RoleArn"], created["Description"]) == (
        "editors", 5, role(sb, "editors"), "They edit")
    fails("GroupExistsException", idp.create_group, GroupName="editors", UserPoolId=pool)
    bare = idp.create_group(GroupName="readers", UserPoolId=pool)["Group"]
    assert "Precedence" not in bare and "RoleArn" not in bare and "Description" not in bare
    # UpdateGroup changes the members it is given and keeps the others.
    updated = idp.update_group(GroupName="editors", UserPoolId=pool, Precedence=1)["Group"]
    assert (updated["Precedence"], updated["RoleArn"], updated["Description"]) == (1, role(sb, "editors"),
                                                                                    "They edit")
    assert idp.get_group(GroupName="editors", UserPoolId=pool)["Group"]["Precedence"] == 1
    for name in ("a", "b", "c"):
        idp.create_group(GroupName=name, UserPoolId=pool)
    first = idp.list_groups(UserPoolId=pool, Limit=3)
    rest = idp.list_groups(UserPoolId=pool, Limit=3, NextToken=first["NextToken"])
    assert [g["GroupName"] for g in first["Groups"] + rest["Groups"]] == ["editors", "readers", "a", "b", "c"]
    assert "NextToken" not in rest
    idp.delete_group(GroupName="editors", UserPoolId=pool)
    fails("ResourceNotFoundException", idp.get_group, GroupName="editors", UserPoolId=pool)
    fails("ResourceNotFoundException", idp.delete_group, GroupName="editors", UserPoolId=pool)


@pytest.mark.parametrize(("members", "error"), [
    ({"GroupName": "neg", "Precedence": -1}, "InvalidParameterException"),
    ({"GroupName": "arn", "RoleArn": "not-an-arn-at-all-here"}, "InvalidParameterException"),
    ({"GroupName": "has space"}, "InvalidParameterException"),
    ({"GroupName": "x" * 129}, "InvalidParameterException"),
    ({"GroupName": "ok", "Description": "d" * 2049}, "InvalidParameterException"),
])
def test_bad_group_settings_are_refused(sb, members, error):
    unchecked = client(sb, "cognito-idp", config=Config(parameter_validation=False), **sb.admin_credentials)
    fails(error, unchecked.create_group, UserPoolId=sb.pool.pool_id, **members)
    assert not sb.pool.groups


def test_membership_is_listed_both_ways_and_unknown_users_and_groups_are_refused(sb):
    idp, pool = cognito_client(sb), sb.pool.pool_id
    idp.create_group(GroupName="editors", UserPoolId=pool)
    idp.admin_add_user_to_group(UserPoolId=pool, Username=ALICE, GroupName="editors")
    idp.admin_add_user_to_group(UserPoolId=pool, Username=ALICE, GroupName="editors")  # again: no error, one member
    members = idp.list_users_in_group(UserPoolId=pool, GroupName="editors")["Users"]
    assert [m["Username"] for m in members] == [sb.user(ALICE).username]
    assert [g["GroupName"] for g in idp.admin_list_groups_for_user(UserPoolId=pool, Username=ALICE)["Groups"]] == [
        "editors"]
    fails("UserNotFoundException", idp.admin_add_user_to_group, UserPoolId=pool, Username="nobody@example.com",
          GroupName="editors")
    fails("ResourceNotFoundException", idp.admin_add_user_to_group, UserPoolId=pool, Username=ALICE,
          GroupName="nope")
    idp.admin_remove_user_from_group(UserPoolId=pool, Username=ALICE, GroupName="editors")
    assert idp.list_users_in_group(UserPoolId=pool, GroupName="editors")["Users"] == []
    assert idp.admin_list_groups_for_user(UserPoolId=pool, Username=ALICE)["Groups"] == []


def test_a_deleted_user_leaves_its_groups_and_a_new_user_of_that_name_is_in_none():
    with Sandbox(username_attributes=(), demo_user=False, identity_pool=False, moto=False) as named:
        named.create_user("bob", "Bob-pw-12345")
        named.create_group("editors", members=["bob"])
        admin = cognito_client(named)
        admin.admin_delete_user(UserPoolId=named.pool.pool_id, Username="bob")
        assert admin.list_users_in_group(UserPoolId=named.pool.pool_id, GroupName="editors")["Users"] == []
        named.create_user("bob", "Bob-pw-12345")
        assert admin.admin_list_groups_for_user(UserPoolId=named.pool.pool_id, Username="bob")["Groups"] == []


def test_tokens_name_the_groups_their_roles_and_the_preferred_role(sb):
    idp, pool = cognito_client(sb), sb.pool.pool_id
    id_claims, access_claims = tokens(sb)
    assert not {"cognito:groups", "cognito:roles", "cognito:preferred_role"} & (set(id_claims) | set(access_claims))
    idp.create_group(GroupName="staff", UserPoolId=pool, Precedence=10, RoleArn=role(sb, "staff"))
    idp.create_group(GroupName="admins", UserPoolId=pool, Precedence=1, RoleArn=role(sb, "admins"))
    idp.create_group(GroupName="newsletter", UserPoolId=pool)  # no role, no precedence
    for group in ("staff", "admins", "newsletter"):
        idp.admin_add_user_to_group(UserPoolId=pool, Username=ALICE, GroupName=group)
    id_claims, access_claims = tokens(sb)
    assert id_claims["cognito:groups"] == ["admins", "staff", "newsletter"]  # precedence order, none last
    assert access_claims["cognito:groups"] == ["admins", "staff", "newsletter"]
    assert id_claims["cognito:roles"] == [role(sb, "admins"), role(sb, "staff")]
    assert id_claims["cognito:preferred_role"] == role(sb, "admins")  # the lowest precedence number wins
    assert "cognito:roles" not in access_claims and "cognito:preferred_role" not in access_claims


def test_a_tie_at_the_best_precedence_names_no_preferred_role_unless_the_roles_agree(sb):
    idp, pool = cognito_client(sb), sb.pool.pool_id
    idp.create_group(GroupName="red", UserPoolId=pool, Precedence=2, RoleArn=role(sb, "red"))
    idp.create_group(GroupName="blue", UserPoolId=pool, Precedence=2, RoleArn=role(sb, "blue"))
    idp.create_group(GroupName="last", UserPoolId=pool, Precedence=9, RoleArn=role(sb, "last"))
    for group in ("red", "blue", "last"):
        idp.admin_add_user_to_group(UserPoolId=pool, Username=ALICE, GroupName=group)
    id_claims, _ = tokens(sb)
    assert "cognito:preferred_role" not in id_claims
    assert set(id_claims["cognito:roles"]) == {role(sb, "red"), role(sb, "blue"), role(sb, "last")}
    idp.update_group(GroupName="blue", UserPoolId=pool, RoleArn=role(sb, "red"))
    assert tokens(sb)[0]["cognito:preferred_role"] == role(sb, "red")
    # Removed from a group, the next tokens no longer name it.
    idp.admin_remove_user_from_group(UserPoolId=pool, Username=ALICE, GroupName="red")
    idp.admin_remove_user_from_group(UserPoolId=pool, Username=ALICE, GroupName="blue")
    id_claims, _ = tokens(sb)
    assert id_claims["cognito:groups"] == ["last"] and id_claims["cognito:preferred_role"] == role(sb, "last")


def test_the_pre_token_generation_trigger_sees_the_groups_and_may_override_them(sb):
    sb.create_group("staff", precedence=3, role_arn=role(sb, "staff"), members=[ALICE])
    seen = []

    def pre_token(event):
        seen.append(event["request"]["groupConfiguration"])
        event["response"]["claimsOverrideDetails"] = {"groupOverrideDetails": {
            "groupsToOverride": ["auditors"], "iamRolesToOverride": [role(sb, "auditors")],
            "preferredRole": role(sb, "auditors")}}
        return event

    sb.triggers.pre_token_generation = pre_token
    id_claims, access_claims = tokens(sb)
    assert seen == [{"groupsToOverride": ["staff"], "iamRolesToOverride": [role(sb, "staff")],
                     "preferredRole": role(sb, "staff")}]
    assert (id_claims["cognito:groups"], id_claims["cognito:roles"], id_claims["cognito:preferred_role"]) == (
        ["auditors"], [role(sb, "auditors")], role(sb, "auditors"))
    assert access_claims["cognito:groups"] == ["auditors"]


GROUP_OPERATIONS = {
    "create_group": {"GroupName": "intruders"},
    "get_group": {"GroupName": "staff"},
    "update_group": {"GroupName": "staff", "Precedence": 0},
    "delete_group": {"GroupName": "staff"},
    "list_groups": {},
    "admin_add_user_to_group": {"GroupName": "staff", "Username": ALICE},
    "admin_remove_user_from_group": {"GroupName": "staff", "Username": ALICE},
    "admin_list_groups_for_user": {"Username": ALICE},
    "list_users_in_group": {"GroupName": "staff"},
}


@pytest.mark.parametrize("operation", sorted(GROUP_OPERATIONS))
def test_group_operations_refuse_unsigned_made_up_and_identity_pool_callers(sb, operation):
    sb.create_group("staff", precedence=5)
    params = {"UserPoolId": sb.pool.pool_id, **GROUP_OPERATIONS[operation]}
    unsigned = client(sb, "cognito-idp", config=Config(signature_version=UNSIGNED))
    fails("NotAuthorizedException", getattr(unsigned, operation), **params)
    fails("UnrecognizedClientException", getattr(client(sb, "cognito-idp", **MADE_UP), operation), **params)
    _, credentials = guest(sb)
    error = fails("AccessDeniedException", getattr(client(sb, "cognito-idp", **keys(credentials)), operation),
                  **params)
    assert "is not authorized to perform: cognito-idp:" in error.response["Error"]["Message"]
    # Nothing changed: the group is as it was, and a self-made member or group does not exist.
    assert set(sb.pool.groups) == {"staff"} and sb.pool.groups["staff"].precedence == 5
    assert not sb.pool.groups["staff"].members
    getattr(cognito_client(sb), operation)(**params)  # the admin keys may

