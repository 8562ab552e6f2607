"""Administrative operations that tests and teachers use to arrange state (pools, clients, users).

These older operations answer unsigned still (issue 13 is to sign them all); the ones registered with
``operation(..., signed=True)`` (AdminInitiateAuth, the Admin*Device operations) already need SigV4 by
the sandbox's admin keys, as on AWS.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from .backend import CognitoBackend, operation
from .mfa import apply_mfa_settings, mfa_summary
from .models import AppClient, PasswordPolicy, User, UserPool, new_client_id, new_pool_id
from .ops_account import check_attributes, new_user, recovery_medium
from .protocol import (
    CognitoError,
    attribute_list,
    attribute_map,
    check_password_shape,
    check_username,
    optional,
    require,
)

__all__ = ["admin_confirm_sign_up", "admin_create_user", "admin_delete_user", "admin_disable_user",
           "admin_enable_user", "admin_get_user", "admin_reset_user_password", "admin_set_user_mfa_preference",
           "admin_set_user_password", "admin_update_user_attributes", "admin_user_global_sign_out",
           "create_user_pool", "create_user_pool_client", "describe_client", "describe_user", "describe_user_pool",
           "describe_user_pool_client", "list_users", "temporary_password"]


def _user(backend: CognitoBackend, params: dict[str, Any]) -> tuple[UserPool, User]:
    pool = backend.pool(require(params, "UserPoolId", max_len=55))
    name = check_username(require(params, "Username", max_len=128))
    user = pool.find_user(name)
    if user is None:
        raise CognitoError("UserNotFoundException", "User does not exist.")
    return pool, user


def describe_user(user: User) -> dict[str, Any]:
    return {
        "Username": user.username, "Attributes": attribute_list(user.attributes),
        "UserCreateDate": user.created_at, "UserLastModifiedDate": user.modified_at,
        "Enabled": user.enabled, "UserStatus": user.status,
    }


def temporary_password(policy: PasswordPolicy) -> str:
    """A random password that satisfies the pool's policy, for invitations."""
    body = [secrets.choice(string.ascii_lowercase) for _ in range(max(policy.minimum_length, 12) - 3)]
    return "".join(body) + secrets.choice(string.ascii_uppercase) + secrets.choice(string.digits) + "!"


@operation("CreateUserPool", signed=True)
def create_user_pool(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    name = require(params, "PoolName", max_len=128)
    policy = ((params.get("Policies") or {}).get("PasswordPolicy")) or {}
    pool = UserPool(
        pool_id=new_pool_id(backend.region), name=name, region=backend.region,
        password_policy=PasswordPolicy(
            minimum_length=int(policy.get("MinimumLength", 8)),
            require_uppercase=bool(policy.get("RequireUppercase", True)),
            require_lowercase=bool(policy.get("RequireLowercase", True)),
            require_numbers=bool(policy.get("RequireNumbers", True)),
            require_symbols=bool(policy.get("RequireSymbols", True)),
            temporary_password_validity_days=int(policy.get("TemporaryPasswordValidityDays", 7)),
        ),
        mfa_configuration=params.get("MfaConfiguration", "OFF"),
        username_attributes=tuple(params.get("UsernameAttributes") or ()),
        alias_attributes=tuple(params.get("AliasAttributes") or ()),
        auto_verified_attributes=tuple(params.get("AutoVerifiedAttributes") or ()),
        allowed_first_auth_factors=tuple(
            ((params.get("Policies") or {}).get("SignInPolicy") or {}).get("AllowedFirstAuthFactors") or ("PASSWORD",)),
    )
    devices = params.get("DeviceConfiguration")
    if isinstance(devices, dict):  # any DeviceConfiguration member turns device tracking on
        pool.device_tracking = "user_opt_in" if devices.get("DeviceOnlyRememberedOnUserPrompt") else "always"
        pool.challenge_required_on_new_device = bool(devices.get("ChallengeRequiredOnNewDevice"))
    backend.pools[pool.pool_id] = pool
    return {"UserPool": {"Id": pool.pool_id, "Name": pool.name, "MfaConfiguration": pool.mfa_configuration}}


@operation("DescribeUserPool", signed=True)
def describe_user_pool(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool = backend.pool(require(params, "UserPoolId", max_len=55))
    policy = pool.password_policy
    return {"UserPool": {
        "Id": pool.pool_id, "Name": pool.name, "MfaConfiguration": pool.mfa_configuration,
        "UsernameAttributes": list(pool.username_attributes), "AliasAttributes": list(pool.alias_attributes),
        "AutoVerifiedAttributes": list(pool.auto_verified_attributes),
        "Policies": {"PasswordPolicy": {
            "MinimumLength": policy.minimum_length, "RequireUppercase": policy.require_uppercase,
            "RequireLowercase": policy.require_lowercase, "RequireNumbers": policy.require_numbers,
            "RequireSymbols": policy.require_symbols,
            "TemporaryPasswordValidityDays": policy.temporary_password_validity_days},
            "SignInPolicy": {"AllowedFirstAuthFactors": list(pool.allowed_first_auth_factors)}},
        "EstimatedNumberOfUsers": len(pool.users),
        **({"DeviceConfiguration": {
            "ChallengeRequiredOnNewDevice": pool.challenge_required_on_new_device,
            "DeviceOnlyRememberedOnUserPrompt": pool.device_tracking == "user_opt_in"}}
           if pool.device_tracking else {}),
    }}


@operation("CreateUserPoolClient", signed=True)
def create_user_pool_client(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool = backend.pool(require(params, "UserPoolId", max_len=55))
    client = AppClient(
        client_id=new_client_id(), name=require(params, "ClientName", max_len=128),
        secret=secrets.token_urlsafe(38) if params.get("GenerateSecret") else None,
        # Cognito's defaults for a client made by the API: these three flows, and LEGACY existence errors (the
        # console's new clients say ENABLED, the API's do not).
        explicit_auth_flows=tuple(params.get("ExplicitAuthFlows") or ("ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH",
                                                                       "ALLOW_REFRESH_TOKEN_AUTH")),
        prevent_user_existence_errors=params.get("PreventUserExistenceErrors", "LEGACY") == "ENABLED",
    )
    rotation = params.get("RefreshTokenRotation") or {}
    if rotation.get("Feature") == "ENABLED":
        if "ALLOW_REFRESH_TOKEN_AUTH" in client.explicit_auth_flows:
            raise CognitoError("InvalidParameterException",
                               "ALLOW_REFRESH_TOKEN_AUTH can't be used with refresh token rotation enabled")
        client.refresh_token_rotation = True
        client.refresh_token_grace_seconds = int(rotation.get("RetryGracePeriodSeconds") or 0)
    pool.clients[client.client_id] = client
    return describe_client(pool, client)


def describe_client(pool: UserPool, client: AppClient) -> dict[str, Any]:
    described: dict[str, Any] = {
        "UserPoolId": pool.pool_id, "ClientId": client.client_id, "ClientName": client.name,
        "ExplicitAuthFlows": list(client.explicit_auth_flows),
        "PreventUserExistenceErrors": "ENABLED" if client.prevent_user_existence_errors else "LEGACY",
        "RefreshTokenRotation": {"Feature": "ENABLED" if client.refresh_token_rotation else "DISABLED",
                                 "RetryGracePeriodSeconds": client.refresh_token_grace_seconds},
    }
    if client.secret:
        described["ClientSecret"] = client.secret
    if client.allowed_oauth_flows:  # the managed login's settings (Sandbox(oauth=True), HostedUI.enable)
        described.update({"AllowedOAuthFlowsUserPoolClient": True,
                          "AllowedOAuthFlows": list(client.allowed_oauth_flows),
                          "AllowedOAuthScopes": list(client.allowed_oauth_scopes),
                          "CallbackURLs": list(client.callback_urls), "LogoutURLs": list(client.logout_urls),
                          "SupportedIdentityProviders": list(client.supported_identity_providers)})
    return {"UserPoolClient": described}


@operation("DescribeUserPoolClient", signed=True)
def describe_user_pool_client(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool = backend.pool(require(params, "UserPoolId", max_len=55))
    client = pool.clients.get(require(params, "ClientId", max_len=128))
    if client is None:
        raise CognitoError("ResourceNotFoundException", "User pool client does not exist.")
    return describe_client(pool, client)


@operation("AdminCreateUser", signed=True)
def admin_create_user(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool = backend.pool(require(params, "UserPoolId", max_len=55))
    username = check_username(require(params, "Username", max_len=128))
    attributes = attribute_map(params.get("UserAttributes"))
    check_attributes(pool, attributes, admin=True)
    given = optional(params, "TemporaryPassword", max_len=256)
    password = check_password_shape(given) if given else temporary_password(pool.password_policy)
    user = new_user(backend, pool, username, attributes)
    backend.set_password(pool, user, password, temporary=True)
    user.status = "FORCE_CHANGE_PASSWORD"
    pool.users[user.username] = user
    if params.get("MessageAction") != "SUPPRESS" and user.attributes.get("email"):
        from .models import Message
        backend.outbox.deliver(Message(user.attributes["email"], "EMAIL", "AdminCreateUser", password,
                                       f"Your username is {username} and temporary password is {password}",
                                       user.username))
    return {"User": describe_user(user)}


@operation("AdminGetUser", signed=True)
def admin_get_user(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user = _user(backend, params)
    described = describe_user(user)
    described["UserAttributes"] = described.pop("Attributes")
    return {**described, **mfa_summary(user)}


@operation("AdminSetUserPassword", signed=True)
def admin_set_user_password(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, user = _user(backend, params)
    password = check_password_shape(require(params, "Password", max_len=256))
    permanent = bool(params.get("Permanent"))
    backend.set_password(pool, user, password, temporary=not permanent)
    user.status = "CONFIRMED" if permanent else "FORCE_CHANGE_PASSWORD"
    return {}


@operation("AdminConfirmSignUp", signed=True)
def admin_confirm_sign_up(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user = _user(backend, params)
    if user.status != "UNCONFIRMED":
        raise CognitoError("NotAuthorizedException", f"User cannot be confirmed. Current status is {user.status}")
    user.status = "CONFIRMED"
    user.codes.pop("signup", None)
    return {}


@operation("AdminUpdateUserAttributes", signed=True)
def admin_update_user_attributes(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, user = _user(backend, params)
    changes = attribute_map(require(params, "UserAttributes", kind="list"))
    check_attributes(pool, changes, admin=True)
    user.attributes.update(changes)
    user.modified_at = backend.now()
    return {}


@operation("AdminDeleteUser", signed=True)
def admin_delete_user(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, user = _user(backend, params)
    backend.issuer.revoke_user(user.username)
    del pool.users[user.username]
    return {}


@operation("AdminDisableUser", signed=True)
def admin_disable_user(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user = _user(backend, params)
    user.enabled = False
    return {}


@operation("AdminEnableUser", signed=True)
def admin_enable_user(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user = _user(backend, params)
    user.enabled = True
    return {}


@operation("AdminResetUserPassword", signed=True)
def admin_reset_user_password(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    """The password stops working and, as ForgotPassword does, a code goes to the verified e-mail or phone
    (the user finishes with ConfirmForgotPassword)."""
    pool, user = _user(backend, params)
    medium = recovery_medium(user)
    if medium is None:
        raise CognitoError("InvalidParameterException", "Cannot reset password for the user as there is no "
                           "registered/verified email or phone_number")
    user.status = "RESET_REQUIRED"
    backend.send_code(pool, user, purpose="forgot", kind="ForgotPassword", medium=medium, client_id=None,
                      message_source="AdminResetUserPassword",
                      client_metadata=optional(params, "ClientMetadata", kind="map") or {})
    return {}


@operation("AdminUserGlobalSignOut", signed=True)
def admin_user_global_sign_out(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user = _user(backend, params)
    backend.issuer.revoke_user(user.username)
    return {}


@operation("AdminSetUserMFAPreference", signed=True)
def admin_set_user_mfa_preference(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, user = _user(backend, params)
    apply_mfa_settings(pool, user, params)
    return {}


@operation("ListUsers", signed=True)
def list_users(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool = backend.pool(require(params, "UserPoolId", max_len=55))
    return {"Users": [describe_user(user) for user in pool.users.values()]}
