"""The identity pool's role mapping, evaluated (issue 17, item 4): a group's role by token, a claim's role by
rules, ambiguity denied or resolved to the authenticated role, CustomRoleArn, principal tags for ABAC — and the
credentials minted for the chosen role, so S3 answers as that role's policies say. Also the Gen 1 guest policy
(item 1.5): guests read everyone's protected/ files and write none."""

from __future__ import annotations

import pytest
from botocore.config import Config

from amplify_nb.sandbox import Sandbox
from tests.conftest import fails
from tests.integration.sandbox_aws import (
    admin_identity_client,
    client,
    guest,
    id_token,
    identity_client,
    keys,
    user_pool_login,
)
from tests.integration.sandbox_aws import signed_in as default_signed_in

USERS = {  # e-mail -> (password, custom:department)
    "alice@example.com": ("Alice-pw-1234", "finance"),
    "bob@example.com": ("Bob-pw-12345", "hr"),
    "carol@example.com": ("Carol-pw-1234", "sales"),
}


@pytest.fixture
def sb():
    with Sandbox() as sandbox:
        for email, (password, department) in USERS.items():
            sandbox.create_user(email, password, {"email": email, "custom:department": department})
        yield sandbox


def read_everything(sb, prefix: str = "") -> dict:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{sb.bucket}/{prefix}*"}]}


def mapping_key(sb) -> str:
    """The RoleMappings key of the sandbox's user pool and app client."""
    return f"{user_pool_login(sb)}:{sb.client.client_id}"


def set_mapping(sb, **mapping) -> dict[str, str]:
    admin = admin_identity_client(sb)
    roles = admin.get_identity_pool_roles(IdentityPoolId=sb.identity_pool_id)["Roles"]
    admin.set_identity_pool_roles(IdentityPoolId=sb.identity_pool_id, Roles=roles,
                                  RoleMappings={mapping_key(sb): mapping})
    return roles


def credentials(sb, email: str, **extra) -> tuple[str, dict]:
    """(identity id, credentials) of a user, as the enhanced flow gives them (GetId, GetCredentialsForIdentity)."""
    ci = identity_client(sb)
    logins = {user_pool_login(sb): id_token(sb, email, USERS[email][0])}
    identity_id = ci.get_id(IdentityPoolId=sb.identity_pool_id, Logins=logins)["IdentityId"]
    return identity_id, ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins, **extra)["Credentials"]


def role_of(sb, issued: dict) -> str:
    """The role the credentials act as, by STS GetCallerIdentity (assumed-role/<role>/<session>)."""
    return client(sb, "sts", **keys(issued)).get_caller_identity()["Arn"].split("/")[1]


def test_a_user_in_a_group_gets_the_groups_role_and_s3_follows_it(sb):
    auditors = sb.create_role("auditors", read_everything(sb, "private/"))
    sb.create_group("auditors", precedence=1, role_arn=auditors, members=["alice@example.com"])
    bob_id, bob = default_signed_in(sb, "bob@example.com", USERS["bob@example.com"][0])
    client(sb, "s3", **keys(bob)).put_object(Bucket=sb.bucket, Key=f"private/{bob_id}/payslip.txt", Body=b"bob's")
    set_mapping(sb, Type="Token", AmbiguousRoleResolution="Deny")
    _, alice = credentials(sb, "alice@example.com")
    assert role_of(sb, alice) == "auditors"
    s3 = client(sb, "s3", **keys(alice))
    assert s3.get_object(Bucket=sb.bucket, Key=f"private/{bob_id}/payslip.txt")["Body"].read() == b"bob's"
    fails("AccessDenied", s3.put_object, Bucket=sb.bucket, Key="public/x.txt", Body=b"x")  # the group role's only
    # Bob is in no group: his token names no role, which is ambiguous, and the mapping says Deny.
    error = fails("NotAuthorizedException", identity_client(sb).get_credentials_for_identity, IdentityId=bob_id,
                  Logins={user_pool_login(sb): id_token(sb, "bob@example.com", USERS["bob@example.com"][0])})
    assert error.response["Error"]["Message"] == (
        f"The ambiguous role mapping rules for: {mapping_key(sb)} denied this request.")
    roles = set_mapping(sb, Type="Token", AmbiguousRoleResolution="AuthenticatedRole")
    _, bob = credentials(sb, "bob@example.com")
    assert role_of(sb, bob) == roles["authenticated"].rsplit("/", 1)[1]


def test_custom_role_arn_chooses_among_the_tokens_roles_only(sb):
    red = sb.create_role("red", read_everything(sb, "public/"))
    blue = sb.create_role("blue", read_everything(sb, "protected/"))
    sb.create_group("red", precedence=2, role_arn=red, members=["alice@example.com"])
    sb.create_group("blue", precedence=2, role_arn=blue, members=["alice@example.com"])  # a tie: no preferred role
    roles = set_mapping(sb, Type="Token", AmbiguousRoleResolution="Deny")
    fails("NotAuthorizedException", credentials, sb=sb, email="alice@example.com")
    assert role_of(sb, credentials(sb, "alice@example.com", CustomRoleArn=blue)[1]) == "blue"
    assert role_of(sb, credentials(sb, "alice@example.com", CustomRoleArn=red)[1]) == "red"
    fails("NotAuthorizedException", credentials, sb=sb, email="alice@example.com", CustomRoleArn=roles["authenticated"])


@pytest.mark.parametrize(("rule", "who_matches"), [
    ({"Claim": "custom:department", "MatchType": "Equals", "Value": "finance"}, {"alice@example.com"}),
    ({"Claim": "custom:department", "MatchType": "NotEqual", "Value": "finance"}, {"bob@example.com",
                                                                                   "carol@example.com"}),
    ({"Claim": "email", "MatchType": "StartsWith", "Value": "ca"}, {"carol@example.com"}),
    ({"Claim": "cognito:groups", "MatchType": "Contains", "Value": "manag"}, {"bob@example.com"}),
    ({"Claim": "no-such-claim", "MatchType": "NotEqual", "Value": "x"}, set()),
])
def test_a_rule_maps_a_claim_to_a_role(sb, rule, who_matches):
    mapped = sb.create_role("mapped", read_everything(sb, "public/"))
    sb.create_group("managers", members=["bob@example.com"])
    roles = set_mapping(sb, Type="Rules", AmbiguousRoleResolution="AuthenticatedRole",
                        RulesConfiguration={"Rules": [{**rule, "RoleARN": mapped}]})
    default = roles["authenticated"].rsplit("/", 1)[1]
    for email in USERS:
        assert role_of(sb, credentials(sb, email)[1]) == ("mapped" if email in who_matches else default), email


def test_rules_are_tried_in_order_and_no_match_is_denied_when_so_configured(sb):
    finance = sb.create_role("finance", read_everything(sb, "public/"))
    staff = sb.create_role("staff", read_everything(sb, "public/"))
    set_mapping(sb, Type="Rules", AmbiguousRoleResolution="Deny", RulesConfiguration={"Rules": [
        {"Claim": "custom:department", "MatchType": "Equals", "Value": "finance", "RoleARN": finance},
        {"Claim": "email", "MatchType": "Contains", "Value": "@example.com", "RoleARN": staff}]})
    assert role_of(sb, credentials(sb, "alice@example.com")[1]) == "finance"  # both match: the first wins
    assert role_of(sb, credentials(sb, "alice@example.com", CustomRoleArn=staff)[1]) == "staff"
    assert role_of(sb, credentials(sb, "bob@example.com")[1]) == "staff"
    # Bob matches no rule of the finance role: he may not ask for it.
    fails("NotAuthorizedException", credentials, sb=sb, email="bob@example.com", CustomRoleArn=finance)
    set_mapping(sb, Type="Rules", AmbiguousRoleResolution="Deny", RulesConfiguration={"Rules": [
        {"Claim": "custom:department", "MatchType": "Equals", "Value": "finance", "RoleARN": finance}]})
    error = fails("NotAuthorizedException", credentials, sb=sb, email="carol@example.com")
    assert "ambiguous role mapping rules" in error.response["Error"]["Message"]


def test_a_chosen_role_that_does_not_trust_the_pool_is_a_configuration_error(sb):
    untrusting = client(sb, "iam", **sb.admin_credentials).create_role(
        RoleName="untrusting", AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}')["Role"]["Arn"]
    sb.create_group("odd", precedence=0, role_arn=untrusting, members=["alice@example.com"])
    set_mapping(sb, Type="Token", AmbiguousRoleResolution="Deny")
    fails("InvalidIdentityPoolConfigurationException", credentials, sb=sb, email="alice@example.com")


@pytest.mark.parametrize(("key", "mapping", "message"), [
    ("graph.facebook.com.example", {"Type": "Token", "AmbiguousRoleResolution": "Deny"},
     "is not a valid RoleMapping ProviderName"),
    (None, {"Type": "Whatever", "AmbiguousRoleResolution": "Deny"}, "enum value set: [Token, Rules]"),
    (None, {"Type": "Token"}, "AmbiguousRoleResolution"),
    (None, {"Type": "Rules", "AmbiguousRoleResolution": "Deny"}, "RulesConfiguration"),
    (None, {"Type": "Rules", "AmbiguousRoleResolution": "Deny", "RulesConfiguration": {"Rules": [
        {"Claim": "email", "MatchType": "Like", "Value": "x", "RoleARN": "arn:aws:iam::123456789012:role/r"}]}},
     "[Equals, Contains, StartsWith, NotEqual]"),
])
def test_role_mappings_are_validated_when_set(sb, key, mapping, message):
    admin = client(sb, "cognito-identity", config=Config(parameter_validation=False), **sb.admin_credentials)
    roles = admin.get_identity_pool_roles(IdentityPoolId=sb.identity_pool_id)["Roles"]
    error = fails("InvalidParameterException", admin.set_identity_pool_roles, IdentityPoolId=sb.identity_pool_id,
                  Roles=roles, RoleMappings={key or mapping_key(sb): mapping})
    assert message in error.response["Error"]["Message"]
    assert "RoleMappings" not in admin.get_identity_pool_roles(IdentityPoolId=sb.identity_pool_id)


def test_principal_tags_reach_the_roles_policies_as_aws_principal_tag(sb):
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{sb.bucket}/departments/${{aws:PrincipalTag/department}}/*"}]}
    abac = sb.create_role("abac", policy, tag_session=True)
    admin, s3_admin = admin_identity_client(sb), client(sb, "s3", **sb.admin_credentials)
    for department in ("finance", "hr"):
        s3_admin.put_object(Bucket=sb.bucket, Key=f"departments/{department}/report.txt", Body=department.encode())
    admin.set_identity_pool_roles(IdentityPoolId=sb.identity_pool_id, Roles={"authenticated": abac})
    answer = admin.set_principal_tag_attribute_map(IdentityPoolId=sb.identity_pool_id,
                                                   IdentityProviderName=user_pool_login(sb),
                                                   PrincipalTags={"department": "custom:department"})
    assert answer["PrincipalTags"] == {"department": "custom:department"} and answer["UseDefaults"] is False
    s3 = client(sb, "s3", **keys(credentials(sb, "alice@example.com")[1]))
    assert s3.get_object(Bucket=sb.bucket, Key="departments/finance/report.txt")["Body"].read() == b"finance"
    fails("AccessDenied", s3.get_object, Bucket=sb.bucket, Key="departments/hr/report.txt")
    hr = client(sb, "s3", **keys(credentials(sb, "bob@example.com")[1]))
    assert hr.get_object(Bucket=sb.bucket, Key="departments/hr/report.txt")["Body"].read() == b"hr"
    fails("AccessDenied", hr.get_object, Bucket=sb.bucket, Key="departments/finance/report.txt")


def test_default_principal_tags_are_the_tokens_sub_and_client(sb):
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{sb.bucket}/public/*",
        "Condition": {"StringEquals": {"aws:PrincipalTag/client": sb.client.client_id}}}]}
    admin = admin_identity_client(sb)
    admin.set_identity_pool_roles(IdentityPoolId=sb.identity_pool_id,
                                  Roles={"authenticated": sb.create_role("by-client", policy, tag_session=True)})
    admin.set_principal_tag_attribute_map(IdentityPoolId=sb.identity_pool_id, IdentityProviderName=user_pool_login(sb),
                                          UseDefaults=True)
    got = admin.get_principal_tag_attribute_map(IdentityPoolId=sb.identity_pool_id,
                                                 IdentityProviderName=user_pool_login(sb))
    assert (got["UseDefaults"], got["PrincipalTags"]) == (True, {"username": "sub", "client": "aud"})
    s3 = client(sb, "s3", **keys(credentials(sb, "alice@example.com")[1]))
    assert s3.get_object(Bucket=sb.bucket, Key="public/sample.csv")["Body"].read().startswith(b"city,")
    # Without the map there is no tag, and the condition fails.
    admin.set_principal_tag_attribute_map(IdentityPoolId=sb.identity_pool_id, IdentityProviderName=user_pool_login(sb),
                                          UseDefaults=False, PrincipalTags={})
    s3 = client(sb, "s3", **keys(credentials(sb, "alice@example.com")[1]))
    fails("AccessDenied", s3.get_object, Bucket=sb.bucket, Key="public/sample.csv")


def test_principal_tags_need_a_trust_policy_that_allows_sts_tag_session(sb):
    admin = admin_identity_client(sb)
    admin.set_identity_pool_roles(IdentityPoolId=sb.identity_pool_id,
                                  Roles={"authenticated": sb.create_role("no-tags", read_everything(sb))})
    admin.set_principal_tag_attribute_map(IdentityPoolId=sb.identity_pool_id, IdentityProviderName=user_pool_login(sb),
                                          UseDefaults=True)
    fails("InvalidIdentityPoolConfigurationException", credentials, sb=sb, email="alice@example.com")
    fails("InvalidParameterException", admin.set_principal_tag_attribute_map, IdentityPoolId=sb.identity_pool_id,
          IdentityProviderName="accounts.example.com", UseDefaults=True)  # not a provider of this pool
    fails("NotAuthorizedException", identity_client(sb).get_principal_tag_attribute_map,
          IdentityPoolId=sb.identity_pool_id, IdentityProviderName=user_pool_login(sb))


def test_a_guest_reads_everyones_protected_files_as_amplify_gen_1_allows_and_writes_none(sb):
    alice_id, alice = default_signed_in(sb, "alice@example.com", USERS["alice@example.com"][0])
    mine = client(sb, "s3", **keys(alice))
    mine.put_object(Bucket=sb.bucket, Key=f"protected/{alice_id}/card.txt", Body=b"alice's card")
    mine.put_object(Bucket=sb.bucket, Key=f"private/{alice_id}/diary.txt", Body=b"secret")
    _, visitor = guest(sb)
    anyone = client(sb, "s3", **keys(visitor))
    assert anyone.get_object(Bucket=sb.bucket, Key=f"protected/{alice_id}/card.txt")["Body"].read() == b"alice's card"
    listed = anyone.list_objects_v2(Bucket=sb.bucket, Prefix="protected/")["Contents"]
    assert f"protected/{alice_id}/card.txt" in [o["Key"] for o in listed]
    fails("AccessDenied", anyone.put_object, Bucket=sb.bucket, Key=f"protected/{alice_id}/card.txt", Body=b"x")
    fails("AccessDenied", anyone.delete_object, Bucket=sb.bucket, Key=f"protected/{alice_id}/card.txt")
    fails("AccessDenied", anyone.get_object, Bucket=sb.bucket, Key=f"private/{alice_id}/diary.txt")
    fails("AccessDenied", anyone.list_objects_v2, Bucket=sb.bucket, Prefix="private/")
    fails("AccessDenied", anyone.put_object, Bucket=sb.bucket, Key="uploads/x.txt", Body=b"x")
    assert mine.get_object(Bucket=sb.bucket, Key=f"protected/{alice_id}/card.txt")["Body"].read() == b"alice's card"
