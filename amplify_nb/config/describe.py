"""What a configuration states, in lines a person reads (``%auth_configure --verbose``): the settings
read, the expressions skipped, and the keys amplify_nb did not read. Never a secret or a key's value:
``extra`` may hold another category's credentials (an AppSync API key)."""

from __future__ import annotations

from .model import AuthConfig

__all__ = ["describe_config"]


def _listed(values: tuple[str, ...], empty: str = "") -> str:
    return ", ".join(values) or empty


def describe_config(config: AuthConfig) -> list[str]:
    policy = config.password_policy
    rules = [name.removeprefix("require_") for name in policy or {} if name != "min_length" and policy and policy[name]]
    oauth = config.oauth
    passwordless = config.passwordless
    settings = {
        "user pool": (f"{config.user_pool_id} (app client {config.user_pool_client_id})" if config.user_pool_id
                      else "none: identity pool only (guest and federated credentials, no sign-in)"),
        "identity pool": config.identity_pool_id and (f"{config.identity_pool_id}, guest access "
                                                     f"{'allowed' if config.allow_guest_access else 'not allowed'}"),
        "sign-in": config.user_pool_id and (f"{config.authentication_flow_type} with "
                                            f"{_listed(config.username_attributes, 'a username')}"),
        "MFA": config.user_pool_id and f"{config.mfa_configuration} ({_listed(config.mfa_methods, 'no method')})",
        "password policy": policy and (f"at least {policy.min_length or '(unstated)'} characters"
                                       + (f"; {', '.join(rules)}" if rules else "")),
        "sign-up attributes": _listed(config.signup_attributes),
        "verified by code": _listed(config.user_verification_types),
        "social providers": _listed(config.social_providers),
        "groups": _listed(tuple(group.name for group in config.groups)),
        "passwordless": passwordless and _listed(tuple(name for name, on in (
            ("email OTP", passwordless.email_otp), ("SMS OTP", passwordless.sms_otp),
            ("WebAuthn", passwordless.web_authn is not None)) if on), "none"),
        "OAuth": oauth and (f"{oauth.domain}, {oauth.response_type}, scopes {_listed(oauth.scopes, '-')}, "
                            f"sign-in redirect {_listed(oauth.redirect_sign_in, '-')}"),
        "storage": _listed(tuple(f"{bucket.name} ({bucket.bucket_name}, {bucket.region or config.region})"
                                 for bucket in config.storage_buckets)),
        "endpoints": _listed(tuple(f"{service} {url}" for service, url in config.endpoints.items())),
    }
    lines = [f"  {name}: {value}" for name, value in settings.items() if value]
    lines += [f"  skipped (an expression, not a literal): {key}" for key in config.skipped]
    if config.extra:
        lines.append(f"  not read by amplify_nb ({len(config.extra)}): {', '.join(sorted(config.extra))}")
    return lines
