"""Cognito Identity operations: the public ones (GetId, GetCredentialsForIdentity, GetOpenIdToken)
answer unsigned calls, as AWS does; the rest are IAM-signed and checked against the caller's policies.

GetCredentialsForIdentity is the enhanced flow (the role is chosen here, by RoleMappings, see
role_mapping.py); GetOpenIdToken is the first half of the basic (classic) flow, whose second half is STS
AssumeRoleWithWebIdentity with the token (see iam_gate.py).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from . import federation as fed
from . import role_mapping
from .identity import Call, IdentityPool, IdentityService, Login, amr_for, identity_operation
from .protocol import CognitoError, invalid_parameter, optional, require
from .role_mapping import ROLE_ARN as _ROLE_ARN

__all__ = ["create_identity_pool", "describe_identity", "describe_identity_pool", "get_credentials_for_identity",
           "get_id", "get_identity_pool_roles", "get_open_id_token", "get_open_id_token_for_developer_identity",
           "get_principal_tag_attribute_map", "list_identity_pools", "set_identity_pool_roles",
           "set_principal_tag_attribute_map", "update_identity_pool"]

CLASSIC_FLOW_OFF = "Basic (classic) flow is not enabled, please use enhanced flow."
_POOL_NAME = re.compile(r"[\w\s+=,.@-]{1,128}")


def _admin(service: IdentityService, call: Call, operation: str, pool: IdentityPool | None = None) -> None:
    resource = service.pool_arn(pool) if pool else f"arn:aws:cognito-identity:*:{service.account.account_id}:*"
    service.require_signed(call, f"cognito-identity:{operation}", resource)


# ---- unsigned: what an app calls ------------------------------------------------------------------
@identity_operation("GetId")
def get_id(service: IdentityService, params: dict[str, Any], call: Call) -> dict[str, Any]:
    pool = service.pool(require(params, "IdentityPoolId"))
    identity = service.identity_for(pool, service.logins(pool, params.get("Logins")))
    return {"IdentityId": identity.identity_id}


@identity_operation("GetCredentialsForIdentity")
def get_credentials_for_identity(service: IdentityService, params: dict[str, Any], call: Call) -> dict[str, Any]:
    identity = service.identity(require(params, "IdentityId"))
    pool = service.pools[identity.pool_id]
    logins = service.logins(pool, params.get("Logins"))
    authenticated = service.check_logins(identity, logins)
    role = role_mapping.choose_role(pool, logins, authenticated, optional(params, "CustomRoleArn"))
    tags = role_mapping.principal_tags(pool, logins) if authenticated else {}
    return {"IdentityId": identity.identity_id,
            "Credentials": service.credentials(identity, authenticated, amr_for(logins, authenticated), role, tags)}


@identity_operation("GetOpenIdToken")
def get_open_id_token(service: IdentityService, params: dict[str, Any], call: Call) -> dict[str, Any]:
    identity = service.identity(require(params, "IdentityId"))
    pool = service.pools[identity.pool_id]
    if pool.allow_classic_flow is False:
        raise invalid_parameter(CLASSIC_FLOW_OFF)
    logins = service.logins(pool, params.get("Logins"))
    authenticated = service.check_logins(identity, logins)
    token = service.federation.openid_token(identity.pool_id, identity.identity_id,
                                            amr_for(logins, authenticated), service.openid_token_ttl)
    return {"IdentityId": identity.identity_id, "Token": token}


# ---- signed: what a backend or an administrator calls ---------------------------------------------
@identity_operation("GetOpenIdTokenForDeveloperIdentity")
def get_open_id_token_for_developer_identity(service: IdentityService, params: dict[str, Any],
                                             call: Call) -> dict[str, Any]:
    pool = service.pool(require(params, "IdentityPoolId"))
    _admin(service, call, "GetOpenIdTokenForDeveloperIdentity", pool)
    logins = require(params, "Logins", kind="map")
    duration = optional(params, "TokenDuration", kind="int")
    if duration is not None and not 1 <= duration <= 86400:
        raise invalid_parameter("1 validation error detected: Value at 'tokenDuration' failed to satisfy "
                                "constraint: Member must have value between 1 and 86400")
    developer = pool.developer_provider_name
    if not developer or developer not in logins:
        raise invalid_parameter("Logins must contain the identity pool's developer provider name"
                                + (f" '{developer}'." if developer else " (this pool has none)."))
    user_identifier = logins[developer]
    if not user_identifier or len(user_identifier) > 1024:
        raise invalid_parameter("The developer user identifier must have 1 to 1024 characters.")
    others = service.logins(pool, {k: v for k, v in logins.items() if k != developer})
    login = Login(developer, user_identifier)
    owner = service.owner_of(pool, login)
    identity_id = optional(params, "IdentityId")
    if identity_id is not None:
        identity = service.identity(identity_id, pool)
        if owner is not None and owner != identity.identity_id:
            raise CognitoError("ResourceConflictException",
                               "The developer user identifier is already linked to another identity.")
    else:
        identity = service.identity_for(pool, [login, *others])
    service.link(identity, [login, *others])
    token = service.federation.openid_token(pool.identity_pool_id, identity.identity_id,
                                            amr_for([login, *others], True), duration or 900)
    return {"IdentityId": identity.identity_id, "Token": token}


@identity_operation("CreateIdentityPool")
def create_identity_pool(service: IdentityService, params: dict[str, Any], call: Call) -> dict[str, Any]:
    _admin(service, call, "CreateIdentityPool")
    pool = IdentityPool(f"{service.backend.region}:{uuid.uuid4()}", "", False)
    _configure(pool, params)
    service.pools[pool.identity_pool_id] = pool
    return pool.describe()


@identity_operation("UpdateIdentityPool")
def update_identity_pool(service: IdentityService, params: dict[str, Any], call: Call) -> dict[str, Any]:
    pool = service.pool(require(params, "IdentityPoolId"))
    _admin(service, call, "UpdateIdentityPool", pool)
    _configure(pool, params)
    return pool.describe()


@identity_operation("DescribeIdentityPool")
def describe_identity_pool(service: IdentityService, params: dict[str, Any], call: Call) -> dict[str, Any]:
    pool = service.pool(require(params, "IdentityPoolId"))
    _admin(service, call, "DescribeIdentityPool", pool)
    return pool.describe()


@identity_operation("ListIdentityPools")
def list_identity_pools(service: IdentityService, params: dict[str, Any], call: Call) -> dict[str, Any]:
    _admin(service, call, "ListIdentityPools")
    limit = require(params, "MaxResults", kind="int")
    pools = list(service.pools.values())[:max(1, min(limit, 60))]
    return {"IdentityPools": [{"IdentityPoolId": p.identity_pool_id, "IdentityPoolName": p.name} for p in pools]}


@identity_operation("SetIdentityPoolRoles")
def set_identity_pool_roles(service: IdentityService, params: dict[str, Any], call: Call) -> dict[str, Any]:
    pool = service.pool(require(params, "IdentityPoolId"))
    _admin(service, call, "SetIdentityPoolRoles", pool)
    roles = require(params, "Roles", kind="map")
    for kind, arn in roles.items():
        if kind not in ("authenticated", "unauthenticated"):
            raise invalid_parameter(f"Invalid role type '{kind}': use authenticated or unauthenticated.")
        if not _ROLE_ARN.fullmatch(arn):
            raise invalid_parameter(f"Invalid role ARN '{arn[:200]}'.")
    mappings = role_mapping.check_role_mappings(pool, params.get("RoleMappings"))
    pool.roles = dict(roles)
    pool.role_mappings = mappings  # evaluated by GetCredentialsForIdentity
    return {}


@identity_operation("GetIdentityPoolRoles")
def get_identity_pool_roles(service: IdentityService, params: dict[str, Any], call: Call) -> dict[str, Any]:
    pool = service.pool(require(params, "IdentityPoolId"))
    _admin(service, call, "GetIdentityPoolRoles", pool)
    out: dict[str, Any] = {"IdentityPoolId": pool.identity_pool_id, "Roles": dict(pool.roles)}
    if pool.role_mappings:
        out["RoleMappings"] = {key: dict(mapping) for key, mapping in pool.role_mappings.items()}
    return out


@identity_operation("SetPrincipalTagAttributeMap")
def set_principal_tag_attribute_map(service: IdentityService, params: dict[str, Any], call: Call) -> dict[str, Any]:
    pool = service.pool(require(params, "IdentityPoolId"))
    _admin(service, call, "SetPrincipalTagAttributeMap", pool)
    provider = require(params, "IdentityProviderName", max_len=128)
    entry = role_mapping.check_tag_map(pool, provider, bool(optional(params, "UseDefaults", kind="bool")),
                                       optional(params, "PrincipalTags", kind="map", max_len=256))
    pool.principal_tag_maps[provider] = entry
    return _tag_map(pool, provider)


@identity_operation("GetPrincipalTagAttributeMap")
def get_principal_tag_attribute_map(service: IdentityService, params: dict[str, Any], call: Call) -> dict[str, Any]:
    pool = service.pool(require(params, "IdentityPoolId"))
    _admin(service, call, "GetPrincipalTagAttributeMap", pool)
    provider = require(params, "IdentityProviderName", max_len=128)
    role_mapping.check_tag_map(pool, provider, False, None)  # a provider the pool has
    return _tag_map(pool, provider)


def _tag_map(pool: IdentityPool, provider: str) -> dict[str, Any]:
    entry = pool.principal_tag_maps.get(provider, {"UseDefaults": False, "PrincipalTags": {}})
    out: dict[str, Any] = {"IdentityPoolId": pool.identity_pool_id, "IdentityProviderName": provider,
                           "UseDefaults": entry["UseDefaults"]}
    tags = role_mapping.tag_map_for(pool, provider)
    if tags:
        out["PrincipalTags"] = tags
    return out


@identity_operation("DescribeIdentity")
def describe_identity(service: IdentityService, params: dict[str, Any], call: Call) -> dict[str, Any]:
    identity = service.identity(require(params, "IdentityId"))
    _admin(service, call, "DescribeIdentity", service.pools[identity.pool_id])
    out: dict[str, Any] = {"IdentityId": identity.identity_id, "CreationDate": identity.created_at,
                           "LastModifiedDate": identity.modified_at}
    if identity.logins:
        out["Logins"] = sorted({provider for provider, _ in identity.logins})
    return out


def _configure(pool: IdentityPool, params: dict[str, Any]) -> None:
    """Create/UpdateIdentityPool's members, validated as Cognito Identity validates them."""
    name = require(params, "IdentityPoolName", max_len=128)
    if not _POOL_NAME.fullmatch(name):
        raise invalid_parameter("1 validation error detected: Value at 'identityPoolName' failed to satisfy "
                                "constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+")
    pool.name = name
    pool.allow_unauthenticated = require(params, "AllowUnauthenticatedIdentities", kind="bool")
    pool.allow_classic_flow = optional(params, "AllowClassicFlow", kind="bool")
    providers = optional(params, "SupportedLoginProviders", kind="map") or {}
    for provider in providers:
        if provider not in (fed.GOOGLE, fed.FACEBOOK, fed.AMAZON, "api.twitter.com", "www.digits.com",
                            "appleid.apple.com"):
            raise invalid_parameter(f"Invalid login provider '{provider[:128]}' in SupportedLoginProviders.")
    pool.supported_login_providers = dict(providers)
    pool.developer_provider_name = optional(params, "DeveloperProviderName", max_len=100)
    pool.openid_connect_provider_arns = _strings(params, "OpenIdConnectProviderARNs")
    pool.saml_provider_arns = _strings(params, "SamlProviderARNs")
    entries = optional(params, "CognitoIdentityProviders", kind="list") or []
    checked = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("ProviderName"), str) \
                or not isinstance(entry.get("ClientId"), str):
            raise invalid_parameter("Each CognitoIdentityProviders entry needs a ProviderName and a ClientId.")
        if not re.fullmatch(r"cognito-idp\.[\w-]+\.amazonaws\.com/[\w-]+_[0-9a-zA-Z]+", entry["ProviderName"]):
            raise invalid_parameter(f"Invalid Cognito provider name '{entry['ProviderName'][:128]}'.")
        checked.append({"ProviderName": entry["ProviderName"], "ClientId": entry["ClientId"],
                        "ServerSideTokenCheck": bool(entry.get("ServerSideTokenCheck", False))})
    pool.cognito_identity_providers = checked


def _strings(params: dict[str, Any], name: str) -> list[str]:
    values = optional(params, name, kind="list") or []
    if not all(isinstance(v, str) for v in values):
        raise CognitoError("SerializationException", f"'{name}' must be a list of strings")
    return list(values)
