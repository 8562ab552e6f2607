"""Self-service user operations: sign-up and its confirmation, passwords, attributes, sign-out.

Every code goes to the outbox and is checked by CognitoBackend.check_code; unknown users are hidden
behind the client's PreventUserExistenceErrors setting exactly where Cognito hides them.
"""

from __future__ import annotations

from typing import Any

from .backend import CognitoBackend, operation
from .mfa import mfa_summary
from .models import STANDARD_ATTRIBUTES, User, UserPool, mask_destination, new_sub
from .ops_signin import _migrate_user
from .protocol import (
    CognitoError,
    attribute_list,
    attribute_map,
    check_code_shape,
    check_password_shape,
    check_username,
    not_authorized,
    optional,
    require,
)
from .sessions import new_session
from .triggers import event

__all__ = [
    "change_password",
    "check_attributes",
    "check_unique",
    "confirm_forgot_password",
    "confirm_sign_up",
    "delete_user",
    "delete_user_attributes",
    "delivery_medium",
    "forgot_password",
    "get_user",
    "get_user_attribute_verification_code",
    "global_sign_out",
    "new_user",
    "recovery_medium",
    "resend_confirmation_code",
    "revoke_token",
    "sign_up",
    "update_user_attributes",
    "verify_user_attribute",
]

_VERIFIABLE = ("email", "phone_number")


def check_attributes(pool: UserPool, attributes: dict[str, str], *, admin: bool = False) -> None:
    for name in attributes:
        known = name in STANDARD_ATTRIBUTES or name in pool.custom_attributes
        if not known:
            raise CognitoError("InvalidParameterException",
                               f"Attributes did not conform to the schema: Type for attribute {{{name[:32]}}} "
                               "could not be determined")
        if name == "sub" or (name.endswith("_verified") and not admin):
            raise CognitoError("InvalidParameterException", f"Cannot modify the non-mutable attribute {name}")


def check_unique(pool: UserPool, attributes: dict[str, str], owner: User | None = None) -> None:
    """E-mail / phone that sign in must belong to one user only."""
    for attribute in pool.username_attributes:
        value = attributes.get(attribute, "").lower()
        if not value:
            continue
        for other in pool.users.candidates(value):
            # A federated user (Google_123) shares its e-mail with no one's sign-in: it never signs in by it.
            if (other is not owner and other.status != "EXTERNAL_PROVIDER"
                    and other.attributes.get(attribute, "").lower() == value):
                raise CognitoError("AliasExistsException" if owner else "UsernameExistsException",
                                   f"An account with the given {attribute.replace('_', ' ')} already exists.")


def new_user(backend: CognitoBackend, pool: UserPool, username: str, attributes: dict[str, str]) -> User:
    """A user named as the pool names them: by a UUID when e-mail or phone is the username."""
    if pool.username_attributes:
        if "@" in username and "email" in pool.username_attributes:
            attributes = {**attributes, "email": username}
        elif username.startswith("+") and "phone_number" in pool.username_attributes:
            attributes = {**attributes, "phone_number": username}
        else:
            raise CognitoError("InvalidParameterException",
                               "Username should be " + " or ".join(pool.username_attributes).replace("_", " ") + ".")
        check_unique(pool, attributes)
    elif username.lower() in {name.lower() for name in pool.users}:  # usernames are case-insensitive
        raise CognitoError("UsernameExistsException", "User already exists")
    sub = new_sub()
    internal = sub if pool.username_attributes else username  # e-mail/phone pools name a user by their sub
    now = backend.now()
    return User(username=internal, sub=sub, attributes={**attributes, "sub": sub}, created_at=now, modified_at=now)


def delivery_medium(pool: UserPool, user: User) -> str | None:
    """Where a sign-up / reset code goes: the auto-verified e-mail first, else the phone."""
    if "email" in pool.auto_verified_attributes and user.attributes.get("email"):
        return "EMAIL"
    if "phone_number" in pool.auto_verified_attributes and user.attributes.get("phone_number"):
        return "SMS"
    return None


def _client_and_user(backend: CognitoBackend, params: dict[str, Any], missing: str) -> tuple:
    pool, client = backend.client(require(params, "ClientId", max_len=128))
    username = check_username(require(params, "Username", max_len=128))
    user = pool.find_user(username)
    backend.check_secret_hash(client, params.get("SecretHash"), username, *([user.username] if user else []))
    if user is None and missing:
        if client.prevent_user_existence_errors:
            raise CognitoError(missing, "Invalid verification code provided, please try again.")
        raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
    return pool, client, username, user


@operation("SignUp")
def sign_up(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, client, username, _ = _client_and_user(backend, params, "")
    password = optional(params, "Password", max_len=256) or None  # omitted or blank: a passwordless user
    if password is None and not {"EMAIL_OTP", "SMS_OTP"} & set(pool.allowed_first_auth_factors):
        raise CognitoError("InvalidParameterException",
                           "Passwordless sign-up requires EMAIL_OTP or SMS_OTP in the user pool's sign-in policy")
    if password is not None:
        check_password_shape(password)
    attributes = attribute_map(params.get("UserAttributes"))
    validation = attribute_map(params.get("ValidationData"), "ValidationData")
    meta = optional(params, "ClientMetadata", kind="map") or {}
    check_attributes(pool, attributes)
    user = new_user(backend, pool, username, attributes)
    if password is not None:
        backend.check_password_policy(pool, password)
    user.status = "UNCONFIRMED"
    if backend.triggers.has("pre_sign_up"):
        verdict = backend.triggers.invoke("pre_sign_up", event(
            "PreSignUp_SignUp", region=pool.region, pool_id=pool.pool_id, username=user.username,
            client_id=client.client_id,
            request={"userAttributes": dict(user.attributes), "validationData": validation, "clientMetadata": meta},
            response={"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
        ))["response"]
        if verdict.get("autoConfirmUser"):
            user.status = "CONFIRMED"
        if verdict.get("autoVerifyEmail") and user.attributes.get("email"):
            user.attributes["email_verified"] = "true"
        if verdict.get("autoVerifyPhone") and user.attributes.get("phone_number"):
            user.attributes["phone_number_verified"] = "true"
    if password is not None:
        backend.set_password(pool, user, password)
    pool.users[user.username] = user
    # The Session an app hands to ConfirmSignUp on its way to auto sign-in (Amplify's autoSignIn).
    result: dict[str, Any] = {"UserConfirmed": user.status == "CONFIRMED", "UserSub": user.sub,
                              "Session": new_session(backend, pool, client, user, "SIGN_UP", {}).session_id}
    medium = delivery_medium(pool, user)
    if user.status == "UNCONFIRMED" and medium:
        result["CodeDeliveryDetails"] = backend.send_code(
            pool, user, purpose="signup", kind="SignUp", medium=medium, client_id=client.client_id,
            message_source="SignUp", client_metadata=meta)
    return result


def _post_confirmation(backend: CognitoBackend, pool: UserPool, user: User, client_id: str, source: str,
                       meta: dict[str, str]) -> None:
    if backend.triggers.has("post_confirmation"):
        backend.triggers.invoke("post_confirmation", event(
            f"PostConfirmation_{source}", region=pool.region, pool_id=pool.pool_id, username=user.username,
            client_id=client_id, request={"userAttributes": dict(user.attributes), "clientMetadata": meta},
            response={}))


def _mark_verified(pool: UserPool, user: User, attribute: str, force_alias: bool) -> None:
    """Verifying an e-mail/phone that is another user's alias moves it here only when forced."""
    value = user.attributes.get(attribute, "").lower()
    if attribute in pool.alias_attributes and value:
        for other in pool.users.values():
            same = other.attributes.get(attribute, "").lower() == value
            if other is not user and same and other.attributes.get(f"{attribute}_verified") == "true":
                if not force_alias:
                    raise CognitoError("AliasExistsException", f"An account with the {attribute} already exists.")
                other.attributes[f"{attribute}_verified"] = "false"
    user.attributes[f"{attribute}_verified"] = "true"


@operation("ConfirmSignUp")
def confirm_sign_up(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, client, _, user = _client_and_user(backend, params, "CodeMismatchException")
    code = check_code_shape(require(params, "ConfirmationCode", max_len=2048))
    force_alias = params.get("ForceAliasCreation") is not False
    if user.status != "UNCONFIRMED":
        raise not_authorized(f"User cannot be confirmed. Current status is {user.status}")
    destination = user.codes.get("signup")
    backend.check_code(user, "signup", code)
    for attribute in ("email", "phone_number"):
        if destination and user.attributes.get(attribute) == destination.destination:
            _mark_verified(pool, user, attribute, force_alias)
    user.status = "CONFIRMED"
    user.modified_at = backend.now()
    _post_confirmation(backend, pool, user, client.client_id, "ConfirmSignUp",
                       optional(params, "ClientMetadata", kind="map") or {})
    pool.sessions.pop(optional(params, "Session", max_len=4096) or "", None)  # SignUp's, spent now
    # The code just proved the address: its Session is a first factor InitiateAuth USER_AUTH takes once.
    session = new_session(backend, pool, client, user, "USER_AUTH", {})
    session.auto_sign_in = True
    return {"Session": session.session_id}


@operation("ResendConfirmationCode")
def resend_confirmation_code(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, client, username, user = _client_and_user(backend, params, "")
    if user is None:
        if client.prevent_user_existence_errors:
            return {"CodeDeliveryDetails": {"Destination": mask_destination("EMAIL", f"{username}@x"),
                                            "DeliveryMedium": "EMAIL", "AttributeName": "email"}}
        raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
    if user.status != "UNCONFIRMED":
        raise CognitoError("InvalidParameterException", "User is already confirmed.")
    medium = delivery_medium(pool, user)
    if medium is None:
        raise CognitoError("InvalidParameterException", "No e-mail or phone number to send the code to.")
    return {"CodeDeliveryDetails": backend.send_code(
        pool, user, purpose="signup", kind="ResendCode", medium=medium, client_id=client.client_id,
        message_source="ResendCode", client_metadata=optional(params, "ClientMetadata", kind="map"))}


def recovery_medium(user: User) -> str | None:
    """Where a password-reset code goes: a verified e-mail (any e-mail once a reset is required), else a
    verified phone; None when the user has neither."""
    if (user.attributes.get("email_verified") == "true" or user.status == "RESET_REQUIRED") \
            and user.attributes.get("email"):
        return "EMAIL"
    if user.attributes.get("phone_number_verified") == "true":
        return "SMS"
    return None


@operation("ForgotPassword")
def forgot_password(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, client, username, user = _client_and_user(backend, params, "")
    meta = optional(params, "ClientMetadata", kind="map") or {}
    if user is None:
        user = _migrate_user(backend, pool, client, username, None, meta, "ForgotPassword")
        if user is not None:
            user.status = "RESET_REQUIRED"
    if user is None:
        if client.prevent_user_existence_errors:
            return {"CodeDeliveryDetails": {"Destination": mask_destination("EMAIL", f"{username}@x"),
                                            "DeliveryMedium": "EMAIL", "AttributeName": "email"}}
        raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
    medium = recovery_medium(user)
    if medium is None:
        raise CognitoError("InvalidParameterException", "Cannot reset password for the user as there is no "
                           "registered/verified email or phone_number")
    return {"CodeDeliveryDetails": backend.send_code(
        pool, user, purpose="forgot", kind="ForgotPassword", medium=medium, client_id=client.client_id,
        message_source="ForgotPassword", client_metadata=meta)}


@operation("ConfirmForgotPassword")
def confirm_forgot_password(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, client, _, user = _client_and_user(backend, params, "CodeMismatchException")
    code = check_code_shape(require(params, "ConfirmationCode", max_len=2048))
    password = check_password_shape(require(params, "Password", max_len=256))
    backend.check_password_policy(pool, password)
    backend.check_code(user, "forgot", code)
    backend.set_password(pool, user, password)
    if user.status in ("RESET_REQUIRED", "FORCE_CHANGE_PASSWORD"):
        user.status = "CONFIRMED"
    _post_confirmation(backend, pool, user, client.client_id, "ConfirmForgotPassword",
                       optional(params, "ClientMetadata", kind="map") or {})
    return {}


@operation("ChangePassword")
def change_password(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, user, _ = backend.user_from_access_token(params.get("AccessToken"))
    previous = check_password_shape(require(params, "PreviousPassword", max_len=256), "previousPassword")
    proposed = check_password_shape(require(params, "ProposedPassword", max_len=256), "proposedPassword")
    if not backend.password_matches(pool, user, previous):
        raise not_authorized()
    backend.set_password(pool, user, proposed)
    return {}


@operation("GetUser")
def get_user(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user, _ = backend.user_from_access_token(params.get("AccessToken"))
    return {"Username": user.username, "UserAttributes": attribute_list(user.attributes), **mfa_summary(user)}


@operation("UpdateUserAttributes")
def update_user_attributes(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, user, _ = backend.user_from_access_token(params.get("AccessToken"))
    changes = attribute_map(require(params, "UserAttributes", kind="list"))
    check_attributes(pool, changes)
    check_unique(pool, changes, owner=user)
    deliveries = []
    for name, value in changes.items():
        changed = user.attributes.get(name) != value
        user.attributes[name] = value
        if name in _VERIFIABLE and changed:
            # A new address is unproven until its code comes back.
            user.attributes[f"{name}_verified"] = "false"
            if name in pool.auto_verified_attributes:
                deliveries.append(backend.send_code(
                    pool, user, purpose=f"verify:{name}", kind="UpdateUserAttribute",
                    medium="EMAIL" if name == "email" else "SMS", client_id=None,
                    message_source="UpdateUserAttribute",
                    client_metadata=optional(params, "ClientMetadata", kind="map")))
    user.modified_at = backend.now()
    return {"CodeDeliveryDetailsList": deliveries}


@operation("DeleteUserAttributes")
def delete_user_attributes(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, user, _ = backend.user_from_access_token(params.get("AccessToken"))
    names = require(params, "UserAttributeNames", kind="list")
    if not all(isinstance(name, str) for name in names):
        raise CognitoError("SerializationException", "'UserAttributeNames' must be a list of strings")
    check_attributes(pool, dict.fromkeys(names, ""))
    for name in names:
        if name in pool.username_attributes:  # the user signs in with it: it must stay
            raise CognitoError("InvalidParameterException", f"Cannot delete the required attribute {name}")
    for name in names:
        user.attributes.pop(name, None)
        if name in _VERIFIABLE:  # an address that is gone is no longer verified either
            user.attributes.pop(f"{name}_verified", None)
            user.codes.pop(f"verify:{name}", None)
    user.modified_at = backend.now()
    return {}


@operation("GetUserAttributeVerificationCode")
def get_user_attribute_verification_code(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, user, _ = backend.user_from_access_token(params.get("AccessToken"))
    name = require(params, "AttributeName", max_len=32)
    if name not in _VERIFIABLE or not user.attributes.get(name):
        raise CognitoError("InvalidParameterException", f"Attribute {name[:32]} cannot be verified for this user")
    return {"CodeDeliveryDetails": backend.send_code(
        pool, user, purpose=f"verify:{name}", kind="VerifyUserAttribute",
        medium="EMAIL" if name == "email" else "SMS", client_id=None, message_source="VerifyUserAttribute",
        client_metadata=optional(params, "ClientMetadata", kind="map"))}


@operation("VerifyUserAttribute")
def verify_user_attribute(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, user, _ = backend.user_from_access_token(params.get("AccessToken"))
    name = require(params, "AttributeName", max_len=32)
    code = check_code_shape(require(params, "Code", max_len=2048))
    if name not in _VERIFIABLE:
        raise CognitoError("InvalidParameterException", f"Attribute {name[:32]} cannot be verified")
    backend.check_code(user, f"verify:{name}", code)
    _mark_verified(pool, user, name, force_alias=True)
    return {}


@operation("DeleteUser")
def delete_user(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, user, _ = backend.user_from_access_token(params.get("AccessToken"))
    backend.issuer.revoke_user(user.username)
    del pool.users[user.username]
    return {}


@operation("GlobalSignOut")
def global_sign_out(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user, _ = backend.user_from_access_token(params.get("AccessToken"))
    backend.issuer.revoke_user(user.username)
    return {}


@operation("RevokeToken")
def revoke_token(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    token = require(params, "Token", max_len=16384)
    _, client = backend.client(require(params, "ClientId", max_len=128))
    if client.secret is not None and params.get("ClientSecret") != client.secret:
        raise CognitoError("UnauthorizedException", "Client is not authorized to revoke this token")
    record = backend.issuer.refresh.get(token)
    if record is None:
        if token.count(".") == 2:
            raise CognitoError("UnsupportedTokenTypeException", "Only refresh tokens can be revoked")
        return {}
    if record.client_id != client.client_id:
        raise CognitoError("UnauthorizedException", "The token was issued to another client")
    backend.issuer.revoke_refresh(token)
    return {}
