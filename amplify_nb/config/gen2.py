"""amplify_outputs.json (Amplify Gen 2, schema versions 1 to 1.4), read as Amplify JS's
``parseAmplifyOutputs`` reads it, plus what the schema states and that parser leaves out
(``user_verification_types``, ``passwordless``) and amplify_nb's own ``custom.amplify_nb`` keys."""

from __future__ import annotations

from typing import Any

from ..steps import FLOWS
from .model import AuthConfig, Passwordless, StorageBucket, WebAuthn
from .parts import bucket_paths, groups, oauth, password_policy, storage, user_pool, username_attributes
from .reader import IDENTITY_POOL, REGION, Section, endpoints

__all__ = ["read_outputs"]

# Cognito's names of Gen 2's MFA settings. Amplify JS reads anything but OPTIONAL and REQUIRED as off;
# OFF is Cognito's own word, which hand-written files use.
_MFA = {"NONE": "OFF", "OFF": "OFF", "OPTIONAL": "OPTIONAL", "REQUIRED": "ON"}
_POLICY = ("min_length", "require_lowercase", "require_uppercase", "require_numbers", "require_symbols")
_OAUTH = {"domain": "domain", "scopes": "scopes", "redirect_sign_in": "redirect_sign_in_uri",
          "redirect_sign_out": "redirect_sign_out_uri", "response_type": "response_type",
          "identity_providers": "identity_providers"}


def read_outputs(root: Section) -> AuthConfig:
    root.known("version", "$schema")
    auth = root.section("auth")
    custom = root.dig("custom", "amplify_nb")
    # The sandbox's marker (which %auth_configure --sandbox looks for) and what it states of its pool for
    # clients that adapt to the backend, beyond the one setting the core reads (refresh_token_rotation).
    custom.known("sandbox", "sign_in_policy", "refresh_token_grace_seconds", "device_tracking")
    region = auth.require("aws_region", REGION)
    identity_pool_id = auth.text("identity_pool_id", form=IDENTITY_POOL)
    pool_id, client_id = user_pool(auth, "user_pool_id", "user_pool_client_id", identity_pool_id)
    mfa = auth.text("mfa_configuration", choices=("NONE", "OPTIONAL", "REQUIRED", "OFF")) or "NONE"
    hosted_ui = oauth(auth.section("oauth"), _OAUTH)
    return AuthConfig(
        region=region, source=root.reading.source, user_pool_id=pool_id, user_pool_client_id=client_id,
        client_secret=custom.text("user_pool_client_secret"),
        refresh_token_rotation=custom.value("refresh_token_rotation", bool),
        identity_pool_id=identity_pool_id, identity_pool_region=region,
        allow_guest_access=auth.flag("unauthenticated_identities_enabled"),
        authentication_flow_type=auth.text("authentication_flow_type", choices=FLOWS) or FLOWS[0],
        oauth=hosted_ui,
        mfa_configuration=_MFA[mfa],
        mfa_methods=auth.mfa_methods("mfa_methods"),
        password_policy=(password_policy(auth.section("password_policy"), _POLICY)
                         if auth.has("password_policy") else None),
        username_attributes=username_attributes(auth.names("username_attributes", lower=True)),
        signup_attributes=auth.names("standard_required_attributes", lower=True),
        user_verification_types=auth.names("user_verification_types", lower=True),
        social_providers=hosted_ui.identity_providers if hosted_ui else (),
        groups=groups(auth.sections("groups")),
        passwordless=_passwordless(auth.section("passwordless")) if auth.has("passwordless") else None,
        endpoints=endpoints(custom),
        **_storage(root.section("storage")),
    )


def _passwordless(section: Section) -> Passwordless:
    web_authn = section.section("web_authn")
    return Passwordless(
        email_otp=section.flag("email_otp_enabled"), sms_otp=section.flag("sms_otp_enabled"),
        web_authn=WebAuthn(web_authn.require("relying_party_id"),
                           web_authn.text("user_verification", choices=("required", "preferred")))
        if web_authn.data else None,
        preferred_challenge=section.text("preferred_challenge", case=str.upper,
                                         choices=("EMAIL_OTP", "SMS_OTP", "PASSWORD", "WEB_AUTHN")))


def _storage(section: Section) -> dict[str, Any]:
    buckets = [StorageBucket(item.require("name"), item.require("bucket_name"), item.text("aws_region", form=REGION),
                             bucket_paths(item.section("paths")))
               for item in section.sections("buckets")]
    names = [bucket.name for bucket in buckets]
    for index, name in enumerate(names):
        if name in names[:index]:  # Amplify JS refuses it too: a friendly name must pick one bucket
            raise section.error(f"Duplicate bucket name {name!r} (each bucket's name must be unique)",
                                f"buckets[{index}].name")
    return storage(section.text("bucket_name"), section.text("aws_region", form=REGION), buckets)
