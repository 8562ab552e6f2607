"""Remembered devices over plain boto3: NewDeviceMetadata, ConfirmDevice, device SRP standing in for MFA, and
the device API; the device's secret is proved for real (a wrong device password is refused).

The client side of device SRP is pycognito's (generate_hash_device for ConfirmDevice's verifier, AWSSRP for
DEVICE_PASSWORD_VERIFIER), driven step by step as Amplify JS drives it, with the Session each step returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from pycognito.aws_srp import AWSSRP, generate_hash_device, long_to_hex

from tests.conftest import fails

PASSWORD = "Correct-Horse-9"
ADA, BOB = "ada@example.com", "bob@example.com"
CONTACT = {"email_verified": "true", "phone_number": "+15555550123", "phone_number_verified": "true"}


@dataclass
class Remembered:
    key: str
    group_key: str
    password: str


def sign_in(sb, idp, username=ADA, device_key=None) -> dict:
    parameters = {"USERNAME": username, "PASSWORD": PASSWORD} | ({"DEVICE_KEY": device_key} if device_key else {})
    return idp.initiate_auth(ClientId=sb.client.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters)


def confirm(idp, tokens: dict, name="notebook") -> tuple[Remembered, dict]:
    metadata = tokens["NewDeviceMetadata"]
    password, config = generate_hash_device(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    answer = idp.confirm_device(AccessToken=tokens["AccessToken"], DeviceKey=metadata["DeviceKey"],
                                DeviceSecretVerifierConfig=config, DeviceName=name)
    return Remembered(metadata["DeviceKey"], metadata["DeviceGroupKey"], password), answer


def device_srp(sb, idp, challenge: dict, device: Remembered, username=ADA) -> dict:
    """Answer DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER with the device's password, passing each Session."""
    assert challenge["ChallengeName"] == "DEVICE_SRP_AUTH"
    aws = AWSSRP(username, "unused", sb.pool.pool_id, sb.client.client_id, client=idp, device_key=device.key,
                 device_group_key=device.group_key, device_password=device.password)
    verifier = idp.respond_to_auth_challenge(
        ClientId=sb.client.client_id, ChallengeName="DEVICE_SRP_AUTH", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "DEVICE_KEY": device.key, "SRP_A": long_to_hex(aws.large_a_value)})
    assert verifier["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    return idp.respond_to_auth_challenge(
        ClientId=sb.client.client_id, ChallengeName="DEVICE_PASSWORD_VERIFIER", Session=verifier["Session"],
        ChallengeResponses=aws.process_device_challenge(verifier["ChallengeParameters"]))


def remembered(sb, idp, username=ADA) -> tuple[Remembered, dict]:
    """A user signed in once (no MFA) and their confirmed device."""
    tokens = sign_in(sb, idp, username)["AuthenticationResult"]
    return confirm(idp, tokens)[0], tokens


def admin(sb, signed: bool = True):
    config = Config(retries={"max_attempts": 1}, **({} if signed else {"signature_version": UNSIGNED}))
    return boto3.client("cognito-idp", region_name=sb.region, endpoint_url=sb.endpoint_url, config=config,
                        **(sb.admin_credentials if signed else {}))


def statuses(listing: dict) -> dict[str, str]:
    return {d["DeviceKey"]: {a["Name"]: a["Value"] for a in d["DeviceAttributes"]}["dev:device_remembered_status"]
            for d in listing["Devices"]}


# ---- a new device, confirmed -------------------------------------------------------------------------------

def test_without_device_tracking_no_device_is_issued(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD)
    assert "NewDeviceMetadata" not in sign_in(sb, idp)["AuthenticationResult"]


def test_a_confirmed_device_is_remembered_and_listed_when_the_pool_always_remembers(start):
    sb, idp = start(device_tracking="always")
    sb.create_user(ADA, PASSWORD)
    tokens = sign_in(sb, idp)["AuthenticationResult"]
    metadata = tokens["NewDeviceMetadata"]
    assert metadata["DeviceKey"].startswith(f"{sb.region}_") and metadata["DeviceGroupKey"]
    assert idp.list_devices(AccessToken=tokens["AccessToken"])["Devices"] == []  # issued, not confirmed
    device, answer = confirm(idp, tokens)
    assert answer["UserConfirmationNecessary"] is False
    assert statuses(idp.list_devices(AccessToken=tokens["AccessToken"])) == {device.key: "remembered"}
    got = idp.get_device(AccessToken=tokens["AccessToken"], DeviceKey=device.key)["Device"]
    assert {a["Name"]: a["Value"] for a in got["DeviceAttributes"]}["device_name"] == "notebook"
    fails("DeviceKeyExistsException", confirm, idp=idp, tokens=tokens)


def test_confirm_device_refuses_a_verifier_that_is_not_one(start):
    sb, idp = start(device_tracking="always")
    sb.create_user(ADA, PASSWORD)
    tokens = sign_in(sb, idp)["AuthenticationResult"]
    key = tokens["NewDeviceMetadata"]["DeviceKey"]
    for config in ({"PasswordVerifier": "AA==", "Salt": "AQID"}, {"PasswordVerifier": "not base64!", "Salt": "AQ=="}):
        fails("InvalidParameterException", idp.confirm_device, AccessToken=tokens["AccessToken"], DeviceKey=key,
              DeviceSecretVerifierConfig=config)


# ---- signing in from a remembered device -------------------------------------------------------------------

def test_a_remembered_device_stands_in_for_mfa(start):
    sb, idp = start(device_tracking="always")
    sb.create_user(ADA, PASSWORD, CONTACT)
    device, tokens = remembered(sb, idp)
    idp.set_user_mfa_preference(AccessToken=tokens["AccessToken"], SMSMfaSettings={"Enabled": True})
    assert sign_in(sb, idp)["ChallengeName"] == "SMS_MFA"  # a sign-in without the device still needs MFA
    before = len(sb.calls)
    tokens = device_srp(sb, idp, sign_in(sb, idp, device_key=device.key), device)["AuthenticationResult"]
    assert [(c.operation, c.challenge) for c in sb.calls[before:]] == [
        ("InitiateAuth", "DEVICE_SRP_AUTH"), ("RespondToAuthChallenge", "DEVICE_PASSWORD_VERIFIER"),
        ("RespondToAuthChallenge", None)]
    assert "NewDeviceMetadata" not in tokens  # the device is known
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == sb.user(ADA).username


def test_a_wrong_device_password_is_refused(start):
    sb, idp = start(device_tracking="always")
    sb.create_user(ADA, PASSWORD)
    device, _ = remembered(sb, idp)
    impostor = Remembered(device.key, device.group_key, "not-the-device-password")
    fails("NotAuthorizedException", device_srp, sb=sb, idp=idp, challenge=sign_in(sb, idp, device_key=device.key),
          device=impostor)


def test_pycognito_signs_in_with_its_device_without_passing_sessions(start):
    sb, idp = start(device_tracking="always")
    sb.create_user(ADA, PASSWORD)
    device, _ = remembered(sb, idp)
    aws = AWSSRP(ADA, PASSWORD, sb.pool.pool_id, sb.client.client_id, client=idp, device_key=device.key,
                 device_group_key=device.group_key, device_password=device.password)
    tokens = aws.authenticate_user()["AuthenticationResult"]
    assert "NewDeviceMetadata" not in tokens and tokens["RefreshToken"]


def test_with_user_opt_in_a_device_skips_mfa_only_once_the_user_remembers_it(start):
    sb, idp = start(device_tracking="user_opt_in")
    sb.create_user(ADA, PASSWORD, CONTACT)
    device, tokens = remembered(sb, idp)
    assert statuses(idp.list_devices(AccessToken=tokens["AccessToken"])) == {device.key: "not_remembered"}
    idp.set_user_mfa_preference(AccessToken=tokens["AccessToken"], SMSMfaSettings={"Enabled": True})
    assert sign_in(sb, idp, device_key=device.key)["ChallengeName"] == "SMS_MFA"
    idp.update_device_status(AccessToken=tokens["AccessToken"], DeviceKey=device.key,
                             DeviceRememberedStatus="remembered")
    assert "AccessToken" in device_srp(sb, idp, sign_in(sb, idp, device_key=device.key),
                                       device)["AuthenticationResult"]
    fails("InvalidParameterException", idp.update_device_status, AccessToken=tokens["AccessToken"],
          DeviceKey=device.key, DeviceRememberedStatus="forever")


def test_a_forgotten_device_does_not_exist_any_more(start):
    sb, idp = start(device_tracking="always")
    sb.create_user(ADA, PASSWORD)
    device, tokens = remembered(sb, idp)
    idp.forget_device(AccessToken=tokens["AccessToken"], DeviceKey=device.key)
    error = fails("ResourceNotFoundException", sign_in, sb=sb, idp=idp, device_key=device.key)
    assert error.response["Error"]["Message"] == "Device does not exist."  # Amplify signs in anew on it
    fails("ResourceNotFoundException", idp.get_device, AccessToken=tokens["AccessToken"], DeviceKey=device.key)
    assert "NewDeviceMetadata" in sign_in(sb, idp)["AuthenticationResult"]


def test_a_stale_device_key_is_refused_before_the_password_answer_is_spent(start):
    sb, idp = start(device_tracking="always")
    sb.create_user(ADA, PASSWORD)
    device, tokens = remembered(sb, idp)
    idp.forget_device(AccessToken=tokens["AccessToken"], DeviceKey=device.key)
    aws = AWSSRP(ADA, PASSWORD, sb.pool.pool_id, sb.client.client_id, client=idp, device_key=device.key,
                 device_group_key=device.group_key, device_password=device.password)
    params = aws.get_auth_params()
    challenge = idp.initiate_auth(ClientId=sb.client.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params)
    claim = aws.process_challenge(challenge["ChallengeParameters"], params)
    respond = idp.respond_to_auth_challenge
    fails("ResourceNotFoundException", respond, ClientId=sb.client.client_id, ChallengeName="PASSWORD_VERIFIER",
          ChallengeResponses=claim)
    del claim["DEVICE_KEY"]  # as Amplify retries: the same answer, without the forgotten device
    tokens = respond(ClientId=sb.client.client_id, ChallengeName="PASSWORD_VERIFIER",
                     ChallengeResponses=claim)["AuthenticationResult"]
    assert tokens["NewDeviceMetadata"]["DeviceKey"] != device.key


def test_a_device_key_of_another_user_is_refused_everywhere(start):
    sb, idp = start(device_tracking="always")
    sb.create_user(ADA, PASSWORD)
    sb.create_user(BOB, PASSWORD)
    adas, _ = remembered(sb, idp, ADA)
    bobs_device, bobs = remembered(sb, idp, BOB)
    for call, extra in ((idp.get_device, {}), (idp.forget_device, {}),
                        (idp.update_device_status, {"DeviceRememberedStatus": "not_remembered"})):
        fails("ResourceNotFoundException", call, AccessToken=bobs["AccessToken"], DeviceKey=adas.key, **extra)
    fails("ResourceNotFoundException", sign_in, sb=sb, idp=idp, username=BOB, device_key=adas.key)
    # Nor can Bob's device-SRP answer name Ada's device.
    challenge = sign_in(sb, idp, BOB, device_key=bobs_device.key)
    fails("NotAuthorizedException", device_srp, sb=sb, idp=idp, challenge=challenge, device=adas, username=BOB)
    assert adas.key in statuses(admin(sb).admin_list_devices(UserPoolId=sb.pool.pool_id, Username=ADA))


# ---- refresh tokens belong to their device -----------------------------------------------------------------

def test_a_refresh_token_issued_to_a_device_refreshes_only_with_that_device_key(start):
    sb, idp = start(device_tracking="always")
    sb.create_user(ADA, PASSWORD)
    device, tokens = remembered(sb, idp)

    def refresh(**device_key):
        return idp.initiate_auth(ClientId=sb.client.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                 AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"], **device_key})

    fails("NotAuthorizedException", refresh)
    assert refresh(DEVICE_KEY=device.key)["AuthenticationResult"]["AccessToken"]
    assert idp.get_tokens_from_refresh_token(ClientId=sb.client.client_id, RefreshToken=tokens["RefreshToken"],
                                             DeviceKey=device.key)["AuthenticationResult"]["AccessToken"]


# ---- the administrator's device API (SigV4-signed) ---------------------------------------------------------

def test_admin_device_operations_need_the_admin_keys(start):
    sb, idp = start(device_tracking="user_opt_in")
    sb.create_user(ADA, PASSWORD)
    device, _ = remembered(sb, idp)
    fails("NotAuthorizedException", admin(sb, signed=False).admin_list_devices, UserPoolId=sb.pool.pool_id,
          Username=ADA)
    made_up = boto3.client("cognito-idp", region_name=sb.region, endpoint_url=sb.endpoint_url,
                           aws_access_key_id="AKIA" + "MADEUP0000000000", aws_secret_access_key="x" * 40)
    fails("UnrecognizedClientException", made_up.admin_list_devices, UserPoolId=sb.pool.pool_id, Username=ADA)
    signed = admin(sb)
    signed.admin_update_device_status(UserPoolId=sb.pool.pool_id, Username=ADA, DeviceKey=device.key,
                                      DeviceRememberedStatus="remembered")
    got = signed.admin_get_device(UserPoolId=sb.pool.pool_id, Username=ADA, DeviceKey=device.key)["Device"]
    assert statuses({"Devices": [got]}) == {device.key: "remembered"}
    signed.admin_forget_device(UserPoolId=sb.pool.pool_id, Username=ADA, DeviceKey=device.key)
    assert signed.admin_list_devices(UserPoolId=sb.pool.pool_id, Username=ADA)["Devices"] == []


@pytest.mark.parametrize("limit", [1, 2])
def test_list_devices_pages(start, limit):
    sb, idp = start(device_tracking="always")
    sb.create_user(ADA, PASSWORD)
    keys = [remembered(sb, idp)[0].key for _ in range(3)]
    token = sign_in(sb, idp)["AuthenticationResult"]["AccessToken"]
    seen, page = [], {"AccessToken": token, "Limit": limit}
    while True:
        listing = idp.list_devices(**page)
        seen += [d["DeviceKey"] for d in listing["Devices"]]
        if "PaginationToken" not in listing:
            break
        page["PaginationToken"] = listing["PaginationToken"]
    assert sorted(seen) == sorted(keys)


def test_a_forgotten_devices_refresh_tokens_are_refused(start):
    # AWS's device-tracking launch post: if a device is stolen, ForgetDevice makes "all future calls to
    # revalidate that device's refresh tokens" fail. Here the user forgets it from another device.
    sb, idp = start(device_tracking="always")
    sb.create_user(ADA, PASSWORD)
    lost, tokens = remembered(sb, idp)
    other, elsewhere = remembered(sb, idp)
    idp.forget_device(AccessToken=elsewhere["AccessToken"], DeviceKey=lost.key)
    fails("NotAuthorizedException", idp.get_tokens_from_refresh_token, ClientId=sb.client.client_id,
          RefreshToken=tokens["RefreshToken"], DeviceKey=lost.key)
    fails("NotAuthorizedException", idp.initiate_auth, ClientId=sb.client.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
          AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"], "DEVICE_KEY": lost.key})
    assert idp.get_tokens_from_refresh_token(  # the other device's session is untouched
        ClientId=sb.client.client_id, RefreshToken=elsewhere["RefreshToken"],
        DeviceKey=other.key)["AuthenticationResult"]["AccessToken"]
