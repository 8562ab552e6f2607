"""The pieces every format states in its own words (user pool, password policy, OAuth, buckets, groups),
read into AuthConfig's one shape for each."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .model import OAuthConfig, PasswordPolicy, StorageBucket, UserGroup, identity_provider
from .reader import CLIENT_ID, POOL_ID, Form, Section

__all__ = ["OAUTH_GEN1", "bucket_paths", "gen1_password_policy", "groups", "oauth", "password_policy", "storage",
           "user_pool", "username_attributes"]

# Gen 1's (aws-exports.js, v5) names of the OAuth keys, the usual argument of oauth().
OAUTH_GEN1 = {"domain": "domain", "scopes": "scope", "redirect_sign_in": "redirectSignIn",
              "redirect_sign_out": "redirectSignOut", "response_type": "responseType"}


def user_pool(section: Section, pool_key: str, client_key: str, identity_pool_id: str | None,
              pool_form: Form = POOL_ID) -> tuple[str | None, str | None]:
    """The user pool and app client ids. Neither, beside an identity pool, is an identity-pool-only
    configuration (guest and federated credentials; Amplify JS accepts it); one without the other, or
    neither pool at all, is an error naming the missing key."""
    if identity_pool_id and not section.has(pool_key) and not section.has(client_key):
        section.known(pool_key, client_key)
        return None, None
    return section.require(pool_key, pool_form), section.require(client_key, CLIENT_ID)


def username_attributes(names: Iterable[str]) -> tuple[str, ...]:
    """Cognito's UsernameAttributes (email, phone_number); "username" (Gen 2) is the default, not one."""
    return tuple(name for name in names if name in ("email", "phone_number"))


def gen1_password_policy(section: Section) -> PasswordPolicy:
    """Gen 1's ``passwordPolicyMinLength`` and ``passwordPolicyCharacters`` (REQUIRES_LOWERCASE, ...)."""
    characters = {name.upper() for name in section.names("passwordPolicyCharacters")}
    return PasswordPolicy(min_length=section.number("passwordPolicyMinLength"),
                          require_lowercase="REQUIRES_LOWERCASE" in characters,
                          require_uppercase="REQUIRES_UPPERCASE" in characters,
                          require_numbers="REQUIRES_NUMBERS" in characters,
                          require_symbols="REQUIRES_SYMBOLS" in characters)


def password_policy(section: Section, keys: tuple[str, str, str, str, str]) -> PasswordPolicy:
    """A policy stated as a length and four flags (Gen 2, v6): ``keys`` names them in PasswordPolicy's order."""
    length, *flags = keys
    lower, upper, numbers, symbols = (section.flag(key) for key in flags)
    return PasswordPolicy(section.number(length), lower, upper, numbers, symbols)


def oauth(section: Section, keys: Mapping[str, str], providers: Iterable[str] = ()) -> OAuthConfig | None:
    """One OAuthConfig from a format's OAuth object, ``keys`` naming its keys for each field. Without a
    domain there is no hosted UI to reach: None, and whatever the object held stays in ``extra``."""
    domain = section.text(keys["domain"])
    if domain is None:
        return None
    response_type = (section.text(keys["response_type"], case=str.lower, choices=("code", "token"))
                     if "response_type" in keys else None)
    named = keys.get("identity_providers")
    return OAuthConfig(
        domain=domain,
        scopes=section.names(keys["scopes"], split=True),
        redirect_sign_in=section.names(keys["redirect_sign_in"], split=True),
        redirect_sign_out=section.names(keys["redirect_sign_out"], split=True),
        response_type=response_type or "code",
        identity_providers=tuple(identity_provider(name)
                                 for name in (section.names(named) if named else providers)),
    )


def storage(default: str | None, region: str | None, buckets: Iterable[StorageBucket] = ()) -> dict[str, Any]:
    """AuthConfig's storage fields: the default bucket first in ``storage_buckets``, then the others."""
    listed = list(buckets)
    first = next((b for b in listed if b.bucket_name == default), None) if default else None
    if default and first is None:
        first = StorageBucket(default, default, region)
    ordered = ([first] if first else []) + [b for b in listed if b is not first]
    return {"storage_bucket": default or (ordered[0].bucket_name if ordered else None),
            "storage_region": region if default else (ordered[0].region if ordered else None),
            "storage_buckets": tuple(ordered)}


def bucket_paths(section: Section) -> dict[str, dict[str, tuple[str, ...]]]:
    """Gen 2's ``paths``: prefix -> who (guest, authenticated, groups..., entity...) -> actions."""
    return {prefix: {who: rules.names(who) for who in rules.data if rules.raw(who) is not None}
            for prefix in section.data for rules in [section.section(prefix)]}


def groups(items: list[Section]) -> tuple[UserGroup, ...]:
    """Gen 2's (and v6's) groups: a list of ``{name: {precedence: n}}`` objects."""
    return tuple(UserGroup(name, item.section(name).number("precedence")) for item in items for name in item.data)
