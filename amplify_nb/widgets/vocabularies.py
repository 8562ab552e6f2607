"""The shipped vocabularies: every label and message of the widgets, in English, French, German, Spanish,
Japanese, Portuguese (Brazilian) and Simplified Chinese (Amplify UI ships these too).

Keys are the English texts (Amplify's convention), including Cognito's error messages, so that an error shown
inline reads in the user's language too. ``LABELS`` lists every key the widgets use (and the few Amplify
headings and placeholders a view may use); the tests check that each language covers all of them. Each
language is its own module (vocab_<lang>.py); the other names Amplify gives these labels are in
vocab_aliases.py.
"""

from __future__ import annotations

from .vocab_de import DE
from .vocab_es import ES
from .vocab_fr import FR
from .vocab_ja import JA
from .vocab_pt import PT
from .vocab_zh import ZH

__all__ = ["DE", "ES", "FR", "JA", "LABELS", "PT", "VOCABULARIES", "ZH"]

LABELS: tuple[str, ...] = (
    # sign in
    "Sign in to your account", "Email", "Phone Number", "Username", "Email or Phone Number", "Password",
    "Enter your Password", "Sign In", "Forgot your password?", "Create Account", "Sign In with Google",
    "Sign In with Facebook", "Sign In with Amazon", "Sign In with {provider}", "or",
    # challenges
    "Confirm SMS Code", "Confirm TOTP Code", "Confirm Email Code", "Confirm Sign In", "Code", "Enter your code",
    "Confirm", "Back to Sign In", "Enter the code from your authenticator app", "Select MFA Type", "Continue",
    "SMS", "Authenticator App (TOTP)", "No MFA", "Setup TOTP",
    "Scan this QR code with your authenticator app, or enter the key below", "Change Password", "New password",
    "Enter your new password", "Confirm Password", "Please confirm your Password", "Custom Challenge", "Answer",
    "Enter your answer",
    # choice-based sign-in and e-mail MFA set-up
    "Choose how to sign in", "Sign In with Password", "Sign In with Email", "Sign In with SMS", "Setup Email",
    "Enter your Email", "Multi-Factor Authentication Setup",
    # the hosted UI (social providers, Cognito's own page, paste mode, sign-out with redirect)
    "Sign In with Apple", "Sign In with the Hosted UI", "Open the sign-in page",
    "Sign in on the page that opens; this notebook continues by itself",
    "After signing in, copy the address your browser ended on and paste it here", "Address your browser ended on",
    "Paste the whole address from the address bar", "Cancel", "Sign out of the hosted UI too",
    # attributes
    "Name", "Given Name", "Family Name", "Middle Name", "Nickname", "Preferred Username", "Birthdate", "Address",
    "Gender", "Locale", "Picture", "Profile", "Website", "Zone Info",
    # sign up, reset, verify, signed in
    "Confirm Sign Up", "Confirmation Code", "Resend Code", "Reset Password", "Send code", "Submit",
    "Account recovery requires verified contact information", "Verify", "Skip", "Hello, {name}", "Hello",
    "Not signed in", "Sign Out", "Verify Security Token", "Success! Your MFA Type is now: {mfa_type}",
    "TOTP has been set up successfully",
    # form controls and live checks
    "Show password", "Hide password", "Show", "Hide", "Copy", "Copied", "Key", "QR code for your authenticator app",
    "Password must have at least {n} characters", "Password must have lower case letters",
    "Password must have upper case letters", "Password must have numbers", "Password must have special characters",
    # notices
    "We emailed you a code at {destination}", "We texted you a code at {destination}", "Account created; sign in",
    "Account confirmed; sign in", "Password changed; sign in", "Your password must be reset before you sign in",
    # errors
    "Your passwords must match", "Something went wrong; please try again", "Incorrect username or password.",
    "User does not exist.", "User already exists", "User is disabled.", "User is not confirmed.",
    "Invalid verification code provided, please try again.", "Invalid code provided, please request a code again.",
    "Attempt limit exceeded, please try after some time.", "Invalid session for the user, session is expired.",
    "An account with the given email already exists.", "username is empty", "password is empty", "code is empty",
    "new_password is empty", "answer is empty", "code must be letters and digits only", "email is empty",
    "email must be an e-mail address", "Invalid code or auth state for the user.",
    # Amplify's heading of the sign-up view and its placeholders (Amplify UI's keys), for the views to use
    "Create a new account", "Enter your username", "Enter your Phone Number",
    # more of Cognito's messages, as Cognito words them (Amplify UI translates them by these texts)
    "Password attempts exceeded", "Username/client id combination not found.", "Password reset required for the user",
    "Temporary password has expired and must be reset by an administrator.", "Invalid session for the user.",
    "An account with the given phone number already exists.", "User cannot be confirmed. Current status is CONFIRMED",
    "Cannot reset password for the user as there is no registered/verified email or phone_number",
    "Code mismatch and fail enable Software Token MFA", "Invalid email address format.", "Invalid phone number format.",
    "Password did not conform with policy: Password not long enough",
    "Password did not conform with policy: Password must have uppercase characters",
    "Password did not conform with policy: Password must have lowercase characters",
    "Password did not conform with policy: Password must have numeric characters",
    "Password did not conform with policy: Password must have symbol characters",
    # a field the app's form_fields made required, left empty
    "{label} is required",
)

VOCABULARIES: dict[str, dict[str, str]] = {"en": {key: key for key in LABELS}, "fr": FR, "de": DE, "es": ES,
                                           "ja": JA, "pt": PT, "zh": ZH}
