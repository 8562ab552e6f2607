"""The other names Amplify gives the widget's labels, so an app's vocabulary written for Amplify drives them.

The widget looks its texts up by its own keys ("Create Account"); an app written for aws-amplify-react (the
seed's "Customize Text Labels": ``{"Sign Up": ..., "Sign Up Account": ...}``), for Amplify JS's base
vocabulary, or for Amplify UI's dictionaries and Cognito-message keys names the same label otherwise. Each
entry maps one of the widget's keys to its other names, in the order they are tried when the app supplied
more than one: the label's own key always comes first (see i18n.py for the whole rule).

An alias names only what it named in Amplify: "Sign Up" was the sign-up button (and the sign-in view's way to
it), "Sign Up Account" the sign-up view's heading, "Reset password" the sign-in view's link to the reset.
Where an alias lacks the label's ``{placeholders}`` (seed-era "Hello" before the user's name, Amplify UI's
"... we emailed to" before the address), the values follow the app's text.
"""

from __future__ import annotations

__all__ = ["ALIASES"]

_POLICY = "Password did not conform with policy: "

ALIASES: dict[str, tuple[str, ...]] = {
    # headings
    "Sign in to your account": ("Sign In Account",),
    "Create a new account": ("Sign Up Account",),
    "Reset Password": ("Reset your password", "Reset your Password"),
    "Confirm Sign In": ("Confirm MFA Code", "Confirm a Code"),
    # buttons and links
    "Sign In": ("Sign in",),
    "Create Account": ("Sign Up", "Create account"),
    "Forgot your password?": ("Forgot Password", "Forgot Password?", "Forgot password?", "Reset password",
                              "Forget your password? "),
    "Send code": ("Send Code",),
    "Resend Code": ("Resend a Code",),
    "Copy": ("COPY",),
    # fields and placeholders
    "New password": ("New Password",),
    "Enter your Password": ("Enter your password",),
    "Enter your Email": ("Enter your email",),
    "Enter your Phone Number": ("Enter your phone number",),
    "Enter your username": ("Enter your Username",),
    # greetings and notices
    "Not signed in": ("Please Sign In / Sign Up",),
    "Hello, {name}": ("Hello",),
    "We emailed you a code at {destination}": ("Your code is on the way. To log in, enter the code we emailed to",),
    "We texted you a code at {destination}": ("Your code is on the way. To log in, enter the code we texted to",),
    # errors: Amplify JS's own messages and its message map's texts, for the same conditions
    "Incorrect username or password.": ("Incorrect username or password",),
    "User does not exist.": ("User does not exist",),
    "username is empty": ("Username cannot be empty",),
    "password is empty": ("Password cannot be empty",),
    "code is empty": ("Confirmation code cannot be empty", "Code cannot be empty"),
    "answer is empty": ("Challenge response cannot be empty",),
    "Invalid phone number format.": ("Invalid phone number format",),
    "An account with the given phone number already exists.":
        ("An account with the given phone_number already exists.",),
    **{_POLICY + rule: ("Password does not conform to policy: " + rule, "Invalid password format")
       for rule in ("Password not long enough", "Password must have uppercase characters",
                    "Password must have lowercase characters", "Password must have numeric characters",
                    "Password must have symbol characters")},
}
