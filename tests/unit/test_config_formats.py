"""Every setting Amplify's own parsers read, read from every format into one typed AuthConfig field.

The files under tests/fixtures/config are written for these tests, in the shapes the Amplify tools write
(Gen 2 amplify_outputs.json, Gen 1 and Mobile Hub aws-exports.js, native amplifyconfiguration.json) and
the shapes people pass to Amplify.configure (v5, v6, a bare Auth.configure object). Each case the issue
found misread or refused is here with the value a user of Amplify JS would get.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amplify_nb.config import (
    AuthConfig,
    CookieStorage,
    OAuthConfig,
    Passwordless,
    PasswordPolicy,
    StorageBucket,
    UserGroup,
    WebAuthn,
    describe_config,
    from_mapping,
    load_config,
)
from amplify_nb.errors import ConfigurationError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "config"
ENV_VARS = ("AMPLIFY_NB_CONFIG", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_S3")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


def fixture(name: str) -> AuthConfig:
    return load_config(FIXTURES / name)


def document(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


# ---- Gen 2: amplify_outputs.json ------------------------------------------------------------------------

def test_gen2_reads_every_auth_setting_the_schema_states():
    config = fixture("amplify_outputs.full.json")
    assert config.password_policy == PasswordPolicy(12, require_lowercase=True, require_uppercase=True,
                                                    require_numbers=True, require_symbols=False)
    assert (config.mfa_configuration, config.mfa_methods) == ("OPTIONAL", ("TOTP", "EMAIL"))
    assert config.user_verification_types == ("email",)
    assert config.signup_attributes == ("email", "given_name") and config.username_attributes == ("email",)
    assert config.groups == (UserGroup("ADMINS", 0), UserGroup("EDITORS", 1), UserGroup("READERS", None))
    assert config.passwordless == Passwordless(email_otp=True, sms_otp=False,
                                               web_authn=WebAuthn("notes.example.org", "preferred"),
                                               preferred_challenge="EMAIL_OTP")
    assert config.oauth == OAuthConfig(
        domain="notes-demo.auth.eu-west-1.amazoncognito.com", scopes=("openid", "email", "profile"),
        redirect_sign_in=("http://localhost:8888/lab", "https://notes.example.org/"),
        redirect_sign_out=("http://localhost:8888/lab",), response_type="code",
        identity_providers=("Google", "LoginWithAmazon", "SignInWithApple"))
    assert config.social_providers == config.oauth.identity_providers
    assert config.allow_guest_access is True and config.identity_pool_region == "eu-west-1"


def test_gen2_reads_every_storage_bucket_with_the_default_first():
    config = fixture("amplify_outputs.full.json")
    assert (config.storage_bucket, config.storage_region) == ("notes-drive-primary-0001", "eu-west-1")
    drive, archive = config.storage_buckets
    assert drive == StorageBucket("notesDrive", "notes-drive-primary-0001", "eu-west-1", {
        "public/*": {"guest": ("get", "list"), "authenticated": ("get", "list", "write", "delete")},
        "private/{entity_id}/*": {"entityidentity": ("get", "list", "write", "delete")}})
    assert archive == StorageBucket("notesArchive", "notes-archive-second-0002", "us-east-2")
    assert config.bucket("notesArchive") is archive and config.bucket("notes-archive-second-0002") is archive
    assert config.bucket() is drive and config.bucket("nope") is None


def test_gen2_mfa_off_is_accepted_as_off_and_username_is_no_username_attribute():
    config = fixture("amplify_outputs.mfa-off.json")  # was refused: "expected one of NONE, OPTIONAL, REQUIRED"
    assert config.mfa_configuration == "OFF" and config.mfa_methods == ()
    assert config.username_attributes == ("email",)


def test_gen2_mfa_on_is_refused_rather_than_read_as_off():
    """Amplify JS would read "ON" as off, silently; saying so is kinder than a pool that asks for a code."""
    doc = document("amplify_outputs.mfa-off.json")
    doc["auth"]["mfa_configuration"] = "ON"
    with pytest.raises(ConfigurationError, match="NONE, OPTIONAL, REQUIRED, OFF") as info:
        from_mapping(doc)
    assert info.value.key == "auth.mfa_configuration"


def test_gen2_duplicate_bucket_names_are_refused_as_amplify_js_refuses_them():
    doc = document("amplify_outputs.full.json")
    doc["storage"]["buckets"][1]["name"] = "notesDrive"
    with pytest.raises(ConfigurationError, match="Duplicate bucket name 'notesDrive'") as info:
        from_mapping(doc)
    assert info.value.key == "storage.buckets[1].name"


def test_gen2_keys_amplify_nb_does_not_read_are_kept_in_extra_and_out_of_the_repr():
    config = fixture("amplify_outputs.full.json")
    assert set(config.extra) == {"data", "custom.analytics_dashboard"}  # version and $schema are known
    assert config.extra["data"]["api_key"] == "not-a-real-api-key"
    assert "not-a-real-api-key" not in repr(config)


def test_gen2_amplify_nb_custom_keys_the_sandbox_writes_are_known():
    doc = document("amplify_outputs.mfa-off.json")
    doc["custom"] = {"amplify_nb": {"sandbox": True, "sign_in_policy": ["PASSWORD"], "refresh_token_rotation": True,
                                    "refresh_token_grace_seconds": 0, "device_tracking": None, "colour": "blue"}}
    config = from_mapping(doc)
    assert config.refresh_token_rotation is True
    assert config.extra == {"custom.amplify_nb.colour": "blue"}


# ---- Gen 1: aws-exports.js and Mobile Hub ----------------------------------------------------------------

def test_gen1_password_policy_verification_and_social_providers_are_read():
    config = fixture("aws-exports.cli.js")
    assert config.password_policy == PasswordPolicy(10, require_lowercase=True, require_uppercase=False,
                                                    require_numbers=True, require_symbols=True)
    assert config.user_verification_types == ("email", "phone_number")
    assert config.social_providers == ("Google", "Facebook", "LoginWithAmazon")
    assert config.federation_target == "COGNITO_USER_POOLS"
    assert config.signup_attributes == ("email", "phone_number") and config.username_attributes == ("email",)
    assert (config.mfa_configuration, config.mfa_methods) == ("OPTIONAL", ("SMS", "TOTP"))
    assert config.allow_guest_access is True  # no aws_mandatory_sign_in: Amplify JS allows guests


def test_gen1_oauth_takes_the_one_shape_with_its_comma_separated_redirects_split():
    config = fixture("aws-exports.cli.js")
    assert config.oauth == OAuthConfig(
        domain="gen1-notes-dev.auth.ap-southeast-2.amazoncognito.com",
        scopes=("phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"),
        redirect_sign_in=("http://localhost:3000/", "https://main.d1example.amplifyapp.com/"),
        redirect_sign_out=("http://localhost:3000/",), response_type="code",
        identity_providers=("Google", "Facebook", "LoginWithAmazon"))


def test_gen1_other_categories_are_extra():
    config = fixture("aws-exports.cli.js")
    assert set(config.extra) == {"aws_appsync_graphqlEndpoint", "aws_appsync_region", "aws_appsync_authenticationType"}
    assert config.storage_buckets == (StorageBucket("gen1-notes-storage-dev", "gen1-notes-storage-dev",
                                                    "ap-southeast-2"),)


def test_mobile_hub_mfa_type_on_is_read_as_on():
    config = fixture("aws-exports.mobilehub.js")  # was read as MFA off
    assert config.mfa_configuration == "ON"
    assert (config.user_pool_id, config.storage_bucket) == ("us-east-1_MobHub123", "notes-userfiles-mobilehub-0000")
    assert set(config.extra) == {"aws_app_analytics", "aws_project_id", "aws_project_name"}


# ---- native amplifyconfiguration.json ---------------------------------------------------------------------

def test_native_password_policy_verification_and_social_providers_are_read():
    config = fixture("amplifyconfiguration.native.json")
    assert config.password_policy == PasswordPolicy(8, require_uppercase=True, require_numbers=True)
    assert config.user_verification_types == ("phone_number",)
    assert config.social_providers == ("Google", "SignInWithApple")
    assert config.username_attributes == ("phone_number",) and config.signup_attributes == ("phone_number", "name")
    assert (config.mfa_configuration, config.mfa_methods) == ("ON", ("SMS",))
    assert config.oauth == OAuthConfig(
        domain="native-notes.auth.us-west-2.amazoncognito.com", scopes=("email", "openid", "profile"),
        redirect_sign_in=("notesapp://callback/",), redirect_sign_out=("notesapp://signout/",),
        identity_providers=("Google", "SignInWithApple"))
    assert (config.storage_bucket, config.storage_region) == ("native-notes-media-0004", "us-west-2")


def test_native_keys_amplify_nb_does_not_read_are_extra():
    plugin = "auth.plugins.awsCognitoAuthPlugin"
    assert set(fixture("amplifyconfiguration.native.json").extra) == {
        "api", f"{plugin}.GoogleSignIn", f"{plugin}.Auth.Default.OAuth.AppClientId",
        "storage.plugins.awsS3StoragePlugin.defaultAccessLevel"}


# ---- Amplify.configure dicts: v5, a bare Auth.configure object, v6 -------------------------------------------

def test_a_bare_auth_configure_object_is_read_as_v5():
    config = fixture("auth-configure.bare.json")  # was "Unrecognised configuration"
    assert (config.region, config.user_pool_id, config.user_pool_client_id) == (
        "us-east-1", "us-east-1_BareConf1", "6bare7configure8client9id0a")
    assert config.identity_pool_id == "us-east-1:8a9b0c1d-2e3f-4a5b-9c6d-7e8f9a0b1c2d"
    assert config.allow_guest_access is True and config.sign_up_verification_method == "code"
    assert config.cookie_storage == CookieStorage(".example.org", "/", 365, True, "strict")
    assert config.oauth == OAuthConfig("bare-notes.auth.us-east-1.amazoncognito.com", ("email", "openid"),
                                       ("https://notes.example.org/",), ("https://notes.example.org/",), "token")
    assert from_mapping({"Auth": document("auth-configure.bare.json")}) == config.with_changes(source="dict")


def test_v6_reads_login_mfa_password_format_groups_endpoints_and_buckets():
    config = fixture("amplify-configure.v6.json")
    assert config.region == "sa-east-1" and config.identity_pool_region == "sa-east-1"
    assert config.username_attributes == ("email",) and config.signup_attributes == ("email",)
    assert (config.mfa_configuration, config.mfa_methods) == ("OPTIONAL", ("TOTP", "EMAIL"))
    assert config.password_policy == PasswordPolicy(9, require_lowercase=True, require_numbers=True,
                                                    require_symbols=True)
    assert config.groups == (UserGroup("TEACHERS", 2),)
    assert config.social_providers == ("Google", "SignInWithApple", "CorporateOIDC")
    assert config.endpoint("cognito-idp") == "http://127.0.0.1:9229"
    assert config.jwks_url == "http://127.0.0.1:9229/sa-east-1_Version6x/.well-known/jwks.json"
    assert [b.name for b in config.storage_buckets] == ["main", "exports"]
    assert config.bucket("exports") == StorageBucket("exports", "v6-notes-exports-0006", "us-east-1",
                                                     {"reports/*": {"authenticated": ("get", "list")}})
    assert config.extra == {}


def test_oauth_has_one_shape_whatever_the_format_said():
    urls = ["https://notes.example.org/", "http://localhost:8888/"]
    expected = OAuthConfig("x.auth.us-east-1.amazoncognito.com", ("email", "openid"), tuple(urls), (urls[0],),
                           "code", ("Google",))
    pool = {"userPoolId": "us-east-1_AbC1", "userPoolClientId": "abc123"}
    gen2 = {"version": "1.4", "auth": {"aws_region": "us-east-1", "user_pool_id": "us-east-1_AbC1",
                                       "user_pool_client_id": "abc123", "oauth": {
        "domain": expected.domain, "scopes": ["email", "openid"], "redirect_sign_in_uri": urls,
        "redirect_sign_out_uri": urls[:1], "response_type": "code", "identity_providers": ["GOOGLE"]}}}
    gen1 = {"aws_project_region": "us-east-1", "aws_user_pools_id": "us-east-1_AbC1",
            "aws_user_pools_web_client_id": "abc123", "aws_cognito_social_providers": ["GOOGLE"], "oauth": {
                "domain": expected.domain, "scope": ["email", "openid"], "redirectSignIn": ",".join(urls),
                "redirectSignOut": urls[0], "responseType": "code"}}
    v6 = {"Auth": {"Cognito": {**pool, "loginWith": {"oauth": {
        "domain": expected.domain, "scopes": ["email", "openid"], "redirectSignIn": urls,
        "redirectSignOut": urls[:1], "responseType": "code", "providers": ["Google"]}}}}}
    assert from_mapping(gen2).oauth == from_mapping(gen1).oauth == from_mapping(v6).oauth == expected


def test_oauth_without_a_domain_is_no_hosted_ui_and_its_keys_stay_extra():
    config = from_mapping({"aws_project_region": "us-east-1", "aws_user_pools_id": "us-east-1_AbC1",
                           "aws_user_pools_web_client_id": "abc123", "oauth": {"responseType": "code"}})
    assert config.oauth is None and config.extra == {"oauth.responseType": "code"}


# ---- the normalised object itself ----------------------------------------------------------------------------

def test_the_password_policy_is_also_the_mapping_the_widget_checks_against():
    from amplify_nb.widgets.form import password_rules

    policy = fixture("aws-exports.cli.js").password_policy
    assert dict(policy) == {"min_length": 10, "require_lowercase": True, "require_uppercase": False,
                            "require_numbers": True, "require_symbols": True}
    assert [rule.key for rule in password_rules(policy)] == [
        "Password must have at least {n} characters", "Password must have lower case letters",
        "Password must have numbers", "Password must have special characters"]


@pytest.mark.filterwarnings("ignore::amplify_nb.config.ConfigurationWarning")
@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_a_config_survives_the_json_round_trip_of_a_saved_session(name):
    config = fixture(name)
    assert AuthConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_a_mfa_method_in_neither_vocabulary_is_named():
    doc = document("amplify_outputs.mfa-off.json")
    doc["auth"]["mfa_methods"] = ["TOTP", "VOICE"]
    with pytest.raises(ConfigurationError, match="Unknown MFA method 'VOICE'") as info:
        from_mapping(doc)
    assert info.value.key == "auth.mfa_methods[1]"


def test_verbose_description_lists_settings_and_extra_keys_never_their_values():
    lines = "\n".join(describe_config(fixture("amplify_outputs.full.json")))
    assert "MFA: OPTIONAL (TOTP, EMAIL)" in lines
    assert "password policy: at least 12 characters; lowercase, uppercase, numbers" in lines
    assert "passwordless: email OTP, WebAuthn" in lines and "groups: ADMINS, EDITORS, READERS" in lines
    assert "notesArchive (notes-archive-second-0002, us-east-2)" in lines
    assert "not read by amplify_nb (2): custom.analytics_dashboard, data" in lines
    assert "not-a-real-api-key" not in lines


def test_storage_options_take_the_region_of_the_bucket_named():
    import amplify_nb
    from amplify_nb.errors import ValidationError

    config = {"version": "1.3",
              "auth": {"aws_region": "us-east-1", "user_pool_id": "us-east-1_Abc123", "user_pool_client_id": "c1",
                       "identity_pool_id": "us-east-1:00000000-0000-0000-0000-000000000000"},
              "storage": {"aws_region": "us-east-1", "bucket_name": "main-bucket",
                          "buckets": [{"name": "main", "bucket_name": "main-bucket", "aws_region": "us-east-1"},
                                      {"name": "archive", "bucket_name": "archive-bucket", "aws_region": "eu-west-1"}]}}
    auth = amplify_nb.Auth(config, name="buckets")
    assert auth.storage_options()["client_kwargs"]["region_name"] == "us-east-1"
    archive = auth.storage_options("archive")
    assert archive["client_kwargs"]["region_name"] == "eu-west-1"
    assert archive["session"] is auth.storage_options()["session"]  # one refreshing session for every bucket
    with pytest.raises(ValidationError, match="main, archive"):
        auth.storage_options("nope")
