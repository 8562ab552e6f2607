"""Amplify Gen 1 (the Amplify CLI, and Mobile Hub before it): the flat web keys of aws-exports.js and
amplifyconfiguration.json, read as Amplify JS's ``parseAWSExports`` reads them, and the native form of
amplifyconfiguration.json (``auth.plugins.awsCognitoAuthPlugin``) that Android, iOS and Flutter read."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigurationError
from ..steps import FLOWS
from .model import AuthConfig, identity_provider
from .parts import OAUTH_GEN1, gen1_password_policy, oauth, storage, user_pool, username_attributes
from .reader import IDENTITY_POOL, REGION, Section, endpoints

__all__ = ["read_flat", "read_native"]

_MFA = ("OFF", "ON", "OPTIONAL")
# The same user-pool settings under their flat (aws-exports.js) and native (Auth.Default) names.
_FLAT_KEYS = {"mfa": "aws_cognito_mfa_types", "password": "aws_cognito_password_protection_settings",
              "username": "aws_cognito_username_attributes", "signup": "aws_cognito_signup_attributes",
              "verification": "aws_cognito_verification_mechanisms"}
_NATIVE_KEYS = {"mfa": "mfaTypes", "password": "passwordProtectionSettings", "username": "usernameAttributes",
                "signup": "signupAttributes", "verification": "verificationMechanisms"}
_NATIVE_OAUTH = {"domain": "WebDomain", "scopes": "Scopes", "redirect_sign_in": "SignInRedirectURI",
                 "redirect_sign_out": "SignOutRedirectURI"}


def read_flat(root: Section) -> AuthConfig:
    source = root.reading.source
    # Both are read (and neither lands in `extra`); the Cognito one wins, as in Amplify JS.
    cognito_region, project_region = (root.text("aws_cognito_region", form=REGION),
                                      root.text("aws_project_region", form=REGION))
    region = cognito_region or project_region
    if not region:
        raise ConfigurationError(f"Missing required key (expected {REGION[1]}; aws_project_region is used when "
                                 "it is absent)", source=source, key="aws_cognito_region")
    mandatory = root.raw("aws_mandatory_sign_in")
    if mandatory not in (None, "", "enable", "disable", True, False):
        raise root.error(f"Unsupported value {mandatory!r} (expected 'enable' or 'disable')", "aws_mandatory_sign_in")
    # Mobile Hub's aws-exports.js says aws_user_pools_mfa_type where the Amplify CLI says
    # aws_cognito_mfa_configuration; both are Cognito's OFF / ON / OPTIONAL.
    mfa = (root.text("aws_cognito_mfa_configuration", case=str.upper, choices=_MFA),
           root.text("aws_user_pools_mfa_type", case=str.upper, choices=_MFA))
    root.known("aws_user_pools", "aws_user_files")  # Mobile Hub's "enable" switches of the categories
    providers = tuple(identity_provider(name) for name in root.names("aws_cognito_social_providers"))
    identity_pool_id = root.text("aws_cognito_identity_pool_id", form=IDENTITY_POOL)
    pool_id, client_id = user_pool(root, "aws_user_pools_id", "aws_user_pools_web_client_id", identity_pool_id)
    return AuthConfig(
        region=region, source=source, user_pool_id=pool_id, user_pool_client_id=client_id,
        identity_pool_id=identity_pool_id, identity_pool_region=region,
        allow_guest_access=mandatory not in ("enable", True),
        oauth=oauth(root.section("oauth"), OAUTH_GEN1, providers),
        mfa_configuration=mfa[0] or mfa[1] or "OFF",
        **_pool_settings(root, _FLAT_KEYS),
        sign_up_verification_method=root.text("aws_cognito_sign_up_verification_method", case=str.lower),
        social_providers=providers,
        federation_target=root.text("federationTarget", case=str.upper),
        endpoints=endpoints(root.section("amplify_nb")),
        **storage(root.text("aws_user_files_s3_bucket"), root.text("aws_user_files_s3_bucket_region", form=REGION)),
    )


def read_native(root: Section) -> AuthConfig:
    root.known("UserAgent", "Version")
    plugins = root.dig("auth", "plugins")
    plugin = plugins.section("awsCognitoAuthPlugin")
    if not plugin.data:
        raise plugins.error("Missing required key (expected an object)", "awsCognitoAuthPlugin")
    plugin.known("UserAgent", "Version", "IdentityManager")
    pool = plugin.dig("CognitoUserPool", "Default")
    identity = plugin.dig("CredentialsProvider", "CognitoIdentity", "Default")
    options = plugin.dig("Auth", "Default")
    identity_pool_id = identity.text("PoolId", form=IDENTITY_POOL)
    identity_region = identity.text("Region", form=REGION)
    if pool.data or not identity_pool_id:
        region = pool.require("Region", REGION)
    else:  # identity pool only: its region is the configuration's
        region = identity.require("Region", REGION)
    pool_id, client_id = user_pool(pool, "PoolId", "AppClientId", identity_pool_id)
    providers = tuple(identity_provider(name) for name in options.names("socialProviders"))
    s3 = root.dig("storage", "plugins", "awsS3StoragePlugin")
    return AuthConfig(
        region=region, source=root.reading.source, user_pool_id=pool_id, user_pool_client_id=client_id,
        client_secret=pool.text("AppClientSecret"),
        identity_pool_id=identity_pool_id, identity_pool_region=identity_region or region,
        allow_guest_access=bool(identity_pool_id),
        authentication_flow_type=options.text("authenticationFlowType", choices=FLOWS) or FLOWS[0],
        oauth=oauth(options.section("OAuth"), _NATIVE_OAUTH, providers),
        mfa_configuration=options.text("mfaConfiguration", case=str.upper, choices=_MFA) or "OFF",
        **_pool_settings(options, _NATIVE_KEYS),
        social_providers=providers,
        endpoints=endpoints(root.dig("custom", "amplify_nb")),
        **storage(s3.text("bucket"), s3.text("region", form=REGION)),
    )


def _pool_settings(section: Section, keys: dict[str, str]) -> dict[str, Any]:
    password = keys["password"]
    return {"mfa_methods": section.mfa_methods(keys["mfa"]),
            "password_policy": gen1_password_policy(section.section(password)) if section.has(password) else None,
            "username_attributes": username_attributes(section.names(keys["username"], lower=True)),
            "signup_attributes": section.names(keys["signup"], lower=True),
            "user_verification_types": section.names(keys["verification"], lower=True)}
