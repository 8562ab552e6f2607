"""Which role an identity pool gives a signed-in user, and which principal tags go with it.

Cognito Identity's enhanced flow picks the authenticated role unless the login's provider has a role
mapping (``SetIdentityPoolRoles``' ``RoleMappings``, keyed by provider; a user pool's key is
``cognito-idp.<region>.amazonaws.com/<pool id>:<app client id>``):

- ``Token``: the ID token's ``cognito:preferred_role``; a ``CustomRoleArn`` must be one of its
  ``cognito:roles`` (else the request is refused); no preferred role is ambiguous;
- ``Rules``: the first rule whose claim matches (Equals, Contains, StartsWith, NotEqual); a
  ``CustomRoleArn`` must be the role of a matching rule; no match is ambiguous;
- ambiguous: ``AmbiguousRoleResolution`` AuthenticatedRole falls back to the authenticated role,
  Deny refuses with "The ambiguous role mapping rules for: <provider> denied this request."

Attributes for access control (``SetPrincipalTagAttributeMap``): claims of the login's token become
session tags on the minted credentials, which the role's policies read as ``aws:PrincipalTag/<key>``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import federation as fed
from .protocol import CognitoError, invalid_parameter, not_authorized

if TYPE_CHECKING:
    from .identity import IdentityPool, Login

__all__ = ["DEFAULT_TAGS", "ROLE_ARN", "check_role_mappings", "check_tag_map", "choose_role", "mapping_keys",
           "principal_tags", "tag_map_for"]

ROLE_ARN = re.compile(r"arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
_MATCH_TYPES = ("Equals", "Contains", "StartsWith", "NotEqual")
_RESOLUTIONS = ("AuthenticatedRole", "Deny")
# "Default mappings" of attributes for access control, by provider: tag key -> claim, as Cognito documents them.
DEFAULT_TAGS: dict[str, dict[str, str]] = {
    "cognito-idp": {"username": "sub", "client": "aud"},
    fed.FACEBOOK: {"app_id": "aud", "user_id": "sub"},
    fed.AMAZON: {"client": "aud", "user_id": "user_id"},
    "oidc": {"username": "sub", "client": "aud"},  # Google, Apple and OpenID Connect issuers
}


# ---- configuration ----------------------------------------------------------------------------------
def _other_providers(pool: IdentityPool) -> set[str]:
    """Every provider of the pool but its user pools: social Logins keys, OIDC issuers, SAML provider ARNs."""
    oidc = {arn.split(":oidc-provider/", 1)[1] for arn in pool.openid_connect_provider_arns if ":oidc-provider/" in arn}
    return set(pool.supported_login_providers) | oidc | set(pool.saml_provider_arns)


def mapping_keys(pool: IdentityPool) -> set[str]:
    """The RoleMappings keys a pool accepts: one per configured provider (a user pool's with its client)."""
    return {f"{p['ProviderName']}:{p['ClientId']}" for p in pool.cognito_identity_providers} | _other_providers(pool)


def check_role_mappings(pool: IdentityPool, mappings: Any) -> dict[str, dict[str, Any]]:
    """SetIdentityPoolRoles' RoleMappings, validated as Cognito Identity validates them."""
    if mappings is None:
        return {}
    if not isinstance(mappings, dict) or not all(isinstance(v, dict) for v in mappings.values()):
        raise CognitoError("SerializationException", "'RoleMappings' must map provider names to RoleMapping objects")
    if len(mappings) > 10:
        raise invalid_parameter("1 validation error detected: Value at 'roleMappings' failed to satisfy constraint: "
                                "Member must have length less than or equal to 10")
    known = mapping_keys(pool)
    checked: dict[str, dict[str, Any]] = {}
    for key, mapping in mappings.items():
        if key not in known:
            raise invalid_parameter(f"{str(key)[:256]} is not a valid RoleMapping ProviderName or is not a configured "
                                    "provider.")
        kind = mapping.get("Type")
        if kind not in ("Token", "Rules"):
            raise invalid_parameter(f"1 validation error detected: Value '{str(kind)[:20]}' at 'roleMappings.{key}"
                                    ".member.type' failed to satisfy constraint: Member must satisfy enum value set: "
                                    "[Token, Rules]")
        resolution = mapping.get("AmbiguousRoleResolution")
        if resolution not in _RESOLUTIONS:
            raise invalid_parameter("AmbiguousRoleResolution must be AuthenticatedRole or Deny when Type is Token or "
                                    "Rules.")
        entry: dict[str, Any] = {"Type": kind, "AmbiguousRoleResolution": resolution}
        if kind == "Rules":
            entry["RulesConfiguration"] = {"Rules": _check_rules(mapping.get("RulesConfiguration"))}
        checked[key] = entry
    return checked


def _check_rules(configuration: Any) -> list[dict[str, str]]:
    rules = configuration.get("Rules") if isinstance(configuration, dict) else None
    if not isinstance(rules, list) or not 1 <= len(rules) <= 25:
        raise invalid_parameter("RulesConfiguration with 1 to 25 Rules is required when Type is Rules.")
    checked = []
    for rule in rules:
        if not isinstance(rule, dict) or not all(isinstance(rule.get(k), str) for k in
                                                 ("Claim", "MatchType", "Value", "RoleARN")):
            raise invalid_parameter("Each rule needs a Claim, a MatchType, a Value and a RoleARN.")
        if not 1 <= len(rule["Claim"]) <= 64:
            raise invalid_parameter("A rule's Claim must have 1 to 64 characters.")
        if rule["MatchType"] not in _MATCH_TYPES:
            raise invalid_parameter(f"1 validation error detected: Value '{rule['MatchType'][:20]}' at 'matchType' "
                                    "failed to satisfy constraint: Member must satisfy enum value set: "
                                    "[Equals, Contains, StartsWith, NotEqual]")
        if not 1 <= len(rule["Value"]) <= 128:
            raise invalid_parameter("A rule's Value must have 1 to 128 characters.")
        if not ROLE_ARN.fullmatch(rule["RoleARN"]):
            raise invalid_parameter(f"Invalid role ARN '{rule['RoleARN'][:200]}'.")
        checked.append({k: rule[k] for k in ("Claim", "MatchType", "Value", "RoleARN")})
    return checked


# ---- the enhanced flow's choice -----------------------------------------------------------------------
def choose_role(pool: IdentityPool, logins: list[Login], authenticated: bool, custom_role: str | None) -> str | None:
    """The role GetCredentialsForIdentity mints for (None: the pool has no such role), or a refusal."""
    default = pool.roles.get("authenticated" if authenticated else "unauthenticated")
    mapped = next((login for login in logins if login.mapping_key in pool.role_mappings), None) \
        if authenticated else None
    if mapped is None:
        if custom_role is not None and custom_role != default:
            raise invalid_parameter("CustomRoleArn is not a role this identity pool may give this identity.")
        return default
    mapping = pool.role_mappings[mapped.mapping_key]
    if mapping["Type"] == "Token":
        allowed = _as_list(mapped.claims.get("cognito:roles"))
        preferred = mapped.claims.get("cognito:preferred_role")
        if custom_role is not None:
            if custom_role not in allowed:
                raise not_authorized("The CustomRoleArn is not one of the roles in the token's cognito:roles.")
            return custom_role
        if isinstance(preferred, str) and preferred:
            return preferred
    else:
        matching = [rule["RoleARN"] for rule in mapping["RulesConfiguration"]["Rules"] if _matches(rule, mapped.claims)]
        if custom_role is not None:
            if custom_role not in matching:
                raise not_authorized("The CustomRoleArn is not the role of a rule that matches this login.")
            return custom_role
        if matching:
            return matching[0]
    if mapping["AmbiguousRoleResolution"] == "AuthenticatedRole":
        return default
    raise not_authorized(f"The ambiguous role mapping rules for: {mapped.mapping_key} denied this request.")


def _matches(rule: dict[str, str], claims: dict[str, Any]) -> bool:
    """A rule against a claim; a multi-valued claim (cognito:groups) matches when one of its values does."""
    if rule["Claim"] not in claims:
        return False
    values = [_text(v) for v in _as_list(claims[rule["Claim"]])]
    wanted, kind = rule["Value"], rule["MatchType"]
    if kind == "Equals":
        return wanted in values
    if kind == "NotEqual":
        return wanted not in values
    if kind == "StartsWith":
        return any(v.startswith(wanted) for v in values)
    return any(wanted in v for v in values)  # Contains


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


# ---- attributes for access control ----------------------------------------------------------------------
def _provider_kind(provider: str) -> str:
    if provider.startswith("cognito-idp."):
        return "cognito-idp"
    return provider if provider in (fed.FACEBOOK, fed.AMAZON) else "oidc"


def check_tag_map(pool: IdentityPool, provider: str, use_defaults: bool, tags: Any) -> dict[str, Any]:
    """SetPrincipalTagAttributeMap's members, validated; the stored entry."""
    if provider not in {p["ProviderName"] for p in pool.cognito_identity_providers} | _other_providers(pool):
        raise invalid_parameter(f"{provider[:128]} is not a configured identity provider of this identity pool.")
    tags = tags or {}
    if len(tags) > 50:
        raise invalid_parameter("1 validation error detected: Value at 'principalTags' failed to satisfy constraint: "
                                "Member must have length less than or equal to 50")
    for key, claim in tags.items():
        if not 1 <= len(key) <= 128 or not 1 <= len(claim) <= 256:
            raise invalid_parameter("A principal tag key has 1 to 128 characters and its claim name 1 to 256.")
    return {"UseDefaults": bool(use_defaults), "PrincipalTags": dict(tags)}


def tag_map_for(pool: IdentityPool, provider: str) -> dict[str, str]:
    """Tag key -> claim name in effect for `provider` (the defaults when UseDefaults is on)."""
    entry = pool.principal_tag_maps.get(provider)
    if entry is None:
        return {}
    return dict(DEFAULT_TAGS[_provider_kind(provider)]) if entry["UseDefaults"] else dict(entry["PrincipalTags"])


def principal_tags(pool: IdentityPool, logins: list[Login]) -> dict[str, str]:
    """The session tags for credentials minted with these logins: from the first login whose provider has
    a tag map; a claim the token lacks (or that is not a single value) gives no tag."""
    for login in logins:
        mapping = tag_map_for(pool, login.provider)
        if not mapping:
            continue
        tags = {}
        for key, claim in mapping.items():
            value = login.claims.get(claim)
            if isinstance(value, (str, int, float, bool)) and len(_text(value)) <= 256:
                tags[key] = _text(value)
        return tags
    return {}
