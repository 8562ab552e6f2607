"""AuthMagics: the IPython line magics over amplify_nb's sessions (``%load_ext amplify_nb``).

Expected failures (a wrong password, a missing configuration, ...) raise IPython's UsageError with the
typed error's message, so the user sees one clear line; a bug keeps its traceback. The core, and with it
the sign-in vocabulary and the step handling (``steps``), are imported when a magic first runs, never by
%load_ext.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from traitlets import Bool, Enum, Unicode

from ..errors import AmplifyNbError
from .arguments import Deferred, HelpShown, argument, magic_arguments, parse_argstring
from .sources import running_sandbox_config

__all__ = ["AuthMagics"]


def _usage_errors(method: Any) -> Any:
    @functools.wraps(method)
    def run(self: AuthMagics, line: str = "") -> Any:
        try:
            return method(self, line)
        except HelpShown:
            return None
        except AmplifyNbError as exc:
            message = str(exc)
            for api, magic in _MAGIC_NAMES.items():  # speak the notebook user's language
                message = message.replace(api, magic)
            raise UsageError(message) from None
    return run


def _flows() -> tuple[str, ...]:
    from ..steps import FLOWS

    return FLOWS


def _mfa_choices() -> tuple[str, ...]:
    from ..steps import MFA_METHODS, NO_MFA

    return (*(method.short for method in MFA_METHODS), NO_MFA)


def _first_factors() -> tuple[str, ...]:
    from ..steps import FIRST_FACTORS

    return FIRST_FACTORS


# What --flow, --prefer and %auth_mfa prefer take, in the core's words (read when first needed, see arguments.py).
_FLOWS, _MFA_CHOICES, _FIRST_FACTORS = Deferred(_flows), Deferred(_mfa_choices), Deferred(_first_factors)


_MAGIC_NAMES = {"call sign_in() first": "run %auth_signin first", "call sign_out() first": "run %auth_signout first",
                "call sign_out() before": "run %auth_signout before", "preferred_challenge": "--prefer"}


@magics_class
class AuthMagics(Magics):
    default_session = Unicode("default", help="Session used when a magic names none (--name).").tag(config=True)
    session_variable = Unicode("aws_session", help="Variable %auth_credentials binds the boto3 Session to."
                               ).tag(config=True)
    export_env = Bool(False, help="%auth_credentials exports AWS_* variables even without --env.").tag(config=True)
    storage = Enum(["memory", "file"], "memory",
                   help="Where sessions keep tokens; 'file' lets `amplify-nb credential-process` use them."
                   ).tag(config=True)
    qr_format = Enum(["png", "svg"], "png", help="How TOTP QR codes are shown.").tag(config=True)

    # ---- sessions ------------------------------------------------------------------------------
    def _name(self, args: Any) -> str:
        return getattr(args, "name", None) or self.default_session

    def _auth(self, args: Any) -> Any:
        from ..core.auth import get_session  # the core comes with the first magic that needs it

        auth = get_session(self._name(args))
        if auth is None:
            from ..config import default_source

            if self._name(args) != "default" or default_source() is None:
                raise UsageError(f"Session {self._name(args)!r} is not configured: run %auth_configure first")
            auth = self._configure(None, self._name(args))
        return auth

    def _configure(self, source: Any, name: str) -> Any:
        from ..core.storage import FileStorage
        from ..credentials.auth import Auth

        storage = FileStorage(name=name) if self.storage == "file" else None
        return Auth(source, name=name, storage=storage)

    @line_magic
    @magic_arguments()
    @argument("source", nargs="?", help="amplify_outputs.json / aws-exports.js path, or a dict variable")
    @argument("--sandbox", action="store_true",
              help="a running sandbox: the `sandbox` variable, else amplify-nb sandbox/demo's amplify_outputs.json")
    @argument("--verbose", action="store_true", help="also list what the configuration states (MFA, password "
              "policy, OAuth, buckets, ...) and the keys amplify_nb does not read")
    @_usage_errors
    def auth_configure(self, line: str = "") -> None:
        """Configure a session from a file, a dict in the namespace, or a local sandbox."""
        args = parse_argstring(self.auth_configure, line)
        source: Any = args.source
        if args.sandbox:
            source = self._sandbox()
        elif source and source in self.shell.user_ns:
            source = self.shell.user_ns[source]
        auth = self._configure(source, self._name(args))
        config = auth.config
        pools = [f"{kind} {pool}" for kind, pool in (("user pool", config.user_pool_id),
                                                     ("identity pool", config.identity_pool_id)) if pool]
        print(f"Configured session {auth.name!r}: {', '.join(pools)}")
        if args.verbose:
            from ..config import describe_config

            print("\n".join(describe_config(config)))

    def _sandbox(self) -> Any:
        return running_sandbox_config(self.shell.user_ns)

    # ---- sign-in, sign-up, sign-out ------------------------------------------------------------
    @line_magic
    @magic_arguments()
    @argument("username", nargs="?", help="who signs in (asked for when omitted)")
    @argument("--flow", choices=_FLOWS, help="how the password is checked (default: the configuration's "
              "authentication flow, else SRP, where the password never leaves the kernel); USER_AUTH: the "
              "first factor is chosen, a password or a one-time code sent by e-mail or SMS")
    @argument("--prefer", type=str.upper, choices=_FIRST_FACTORS, help="USER_AUTH's first factor (implies --flow "
              "USER_AUTH); without it the user chooses among those Cognito offers them")
    @argument("--password-env")
    @argument("--code-env")
    @argument("--answer-env", metavar="VAR[,VAR...]", help="read custom-challenge answers from these environment "
              "variables (one per challenge, in order)")
    @argument("--new-password-env", help="read the new password Cognito may require (NEW_PASSWORD_REQUIRED) from "
              "this environment variable")
    @argument("--no-password", action="store_true", help="CUSTOM_AUTH without a password (USER_AUTH asks for one "
              "only when it is the factor chosen)")
    @argument("--widget", action="store_true", help="show the Authenticator widget for this session instead")
    @argument("--hosted-ui", action="store_true", help="sign in on Cognito's hosted UI (the configuration's oauth "
              "section): a link to open in the browser, then the cell waits; interrupting the kernel cancels")
    @argument("--provider", help="--hosted-ui: straight to this identity provider (Google, Facebook, "
              "LoginWithAmazon, SignInWithApple, or a custom provider's name)")
    @argument("--mode", choices=["loopback", "server", "paste"], help="--hosted-ui: how the redirect reaches the "
              "kernel (default: the first the registered redirect URIs allow; see amplify_nb.magics.hosted_ui)")
    @argument("--timeout", type=int, default=300, metavar="SECONDS", help="--hosted-ui: how long to wait")
    @_usage_errors
    def auth_signin(self, line: str = "") -> Any:
        """Sign in, asking for the password (getpass) and every next step (MFA, TOTP set-up, ...)."""
        from . import steps

        args = parse_argstring(self.auth_signin, line)
        auth = self._auth(args)
        if args.hosted_ui or args.provider or args.mode:
            from . import hosted_ui
            return hosted_ui.sign_in(auth, args)
        args.flow = args.flow or (steps.CHOICE_FLOW if args.prefer else None)
        if args.widget:
            return self._authenticator(auth, "signIn", args.flow, args.prefer)
        username = args.username or steps.ask("Username: ")
        password = steps.first_password(args, auth.config.authentication_flow_type)
        result = auth.sign_in(username, password, flow=args.flow, preferred_challenge=args.prefer)
        result = steps.follow(auth, result, username, password, args, self.qr_format)
        steps.signed_in(auth, result)

    @line_magic
    @magic_arguments()
    @argument("username", help="the new user's name (an e-mail address in e-mail pools)")
    @argument("--attr", action="append", default=[], metavar="NAME=VALUE", help="a user attribute (repeatable)")
    @argument("--password-env")
    @argument("--no-password", action="store_true", help="a passwordless user, who signs in with a one-time code "
              "sent by e-mail or SMS (the pool must allow it)")
    @argument("--auto-sign-in", action="store_true", help="once confirmed, sign the new user in with the "
              "confirmation's session: no password asked again, then any MFA step as at sign-in")
    @argument("--code-env", help="read the confirmation code from this environment variable")
    @_usage_errors
    def auth_signup(self, line: str = "") -> None:
        """Sign up a user and confirm the code that was sent; --auto-sign-in then signs them in."""
        from . import steps

        args = parse_argstring(self.auth_signup, line)
        auth = self._auth(args)
        attributes = dict(pair.split("=", 1) for pair in args.attr if "=" in pair)
        password = None if args.no_password else steps.secret("Password: ", args.password_env)
        result = auth.sign_up(args.username, password, attributes, auto_sign_in=args.auto_sign_in)
        if not result.user_confirmed:
            print(f"A confirmation code was sent by {result.code_delivery.medium} to "
                  f"{result.code_delivery.destination}." if result.code_delivery else "Enter the confirmation code.")
            steps.retrying(lambda code: auth.confirm_sign_up(args.username, code), "Confirmation code: ",
                           args.code_env)
        if args.auto_sign_in:
            steps.signed_in(auth, steps.follow(auth, auth.auto_sign_in(), args.username, password, args,
                                               self.qr_format))
            return
        how = f"%auth_signin {args.username}" + (f" --flow {steps.CHOICE_FLOW}" if password is None else "")
        print(f"Signed up {args.username}; no confirmation needed. Sign in with {how}" if result.user_confirmed else
              f"Signed up and confirmed {args.username}; sign in with {how}")

    @line_magic
    @magic_arguments()
    @argument("--global", dest="global_", action="store_true", help="sign out of every device")
    @_usage_errors
    def auth_signout(self, line: str = "") -> None:
        """Sign out: Cognito revokes the refresh token. AWS credentials already issued stay valid until they
        expire."""
        args = parse_argstring(self.auth_signout, line)
        result = self._auth(args).sign_out(global_=args.global_)
        print("Signed out" + (" everywhere." if args.global_ else "."))
        if getattr(result, "logout_url", None):  # a hosted-UI sign-in: the browser's Cognito session remains
            from .hosted_ui import show_logout
            show_logout(result.logout_url)

    @line_magic
    @magic_arguments()
    @argument("action", nargs="?", default="list", choices=["list", "remember", "forget"],
              help="list (default): the signed-in user's devices as a table; remember: this session's device; "
                   "forget: a device")
    @argument("device_key", nargs="?", help="forget: the key of the device (from the list; default: this "
              "session's own device)")
    @_usage_errors
    def auth_devices(self, line: str = "") -> Any:
        """The devices Cognito tracks for the signed-in user (pools that remember devices): a remembered
        device signs in again without MFA where the pool allows it."""
        args = parse_argstring(self.auth_devices, line)
        auth = self._auth(args)
        if args.device_key and args.action != "forget":
            raise UsageError(f"%auth_devices {args.action} takes no device key (only forget does)")
        if args.action == "remember":
            auth.remember_device()
            print("This session's device is remembered.")
        elif args.action == "forget":
            auth.forget_device(args.device_key)
            print(f"Forgot device {args.device_key}." if args.device_key else
                  "Forgot this session's device; its next sign-in is as from a new device.")
        else:
            devices = auth.fetch_devices()
            if devices:  # a DataFrame where pandas is installed (as %auth_session's), else an HTML table
                return devices.to_dataframe() if importlib.util.find_spec("pandas") else devices
            print("Cognito tracks no device for this user.")
        return None

    # ---- passwords and MFA ---------------------------------------------------------------------
    @line_magic
    @magic_arguments()
    @argument("action", choices=["change", "forgot", "reset"], help="what to do (see above)")
    @argument("username", nargs="?", help="forgot, reset: whose password (asked for when omitted)")
    @argument("--password-env", help="change: read the current password from this environment variable")
    @argument("--new-password-env")
    @argument("--code-env", help="forgot, reset: read the reset code from this environment variable")
    @_usage_errors
    def auth_password(self, line: str = "") -> None:
        """change: a signed-in user's password; forgot: send a reset code and set a new password;
        reset: submit a code you already received."""
        from . import steps

        args = parse_argstring(self.auth_password, line)
        auth = self._auth(args)
        if args.action == "change":
            auth.change_password(steps.secret("Current password: ", args.password_env),
                                 steps.secret("New password: ", args.new_password_env))
            print("Password changed.")
            return
        username = args.username or steps.ask("Username: ")
        if args.action == "forgot":
            delivery = auth.forgot_password(username)
            if delivery:
                print(f"A reset code was sent by {delivery.medium} to {delivery.destination}.")
        new_password = steps.secret("New password: ", args.new_password_env)
        steps.retrying(lambda code: auth.forgot_password_submit(username, code, new_password), "Reset code: ",
                        args.code_env)
        print(f"Password reset for {username}; sign in with %auth_signin {username}")

    @line_magic
    @magic_arguments()
    @argument("action", choices=["setup", "verify", "prefer", "status"], help="what to do (see above)")
    @argument("method", nargs="?", type=str.upper, choices=_MFA_CHOICES,
              help="prefer: the method to ask for at sign-in (NOMFA: none)")
    @argument("--code-env", help="setup, verify: read the authenticator app's code from this environment "
              "variable")
    @_usage_errors
    def auth_mfa(self, line: str = "") -> None:
        """setup: an authenticator app (QR shown, first code verified, made preferred); verify: check a code
        of the authenticator app; prefer METHOD; status: the preferred method."""
        from . import steps

        args = parse_argstring(self.auth_mfa, line)
        auth = self._auth(args)
        if args.action == "setup":
            setup = auth.setup_totp()
            steps.show_totp_and_verify(setup, auth.verify_totp_token, args.code_env, self.qr_format)
            auth.set_preferred_mfa("TOTP")
            print("Authenticator app set up and preferred for sign-in.")
        elif args.action == "verify":
            auth.verify_totp_token(steps.secret("Authenticator app code: ", args.code_env))
            print("Code verified.")
        elif args.action == "prefer":
            if not args.method:
                raise UsageError(f"%auth_mfa prefer needs a method: {', '.join(_MFA_CHOICES)}")
            auth.set_preferred_mfa(args.method)
            print(f"Preferred MFA: {args.method}")
        else:
            print(f"Preferred MFA: {auth.get_preferred_mfa()}")

    # ---- what the session holds ----------------------------------------------------------------
    @line_magic
    @magic_arguments()
    @argument("--var", help="variable to bind the boto3 Session to (default: AuthMagics.session_variable, "
              "'aws_session')")
    @argument("--env", action="store_true", help="also export AWS_* variables for subprocesses")
    @argument("--guest", action="store_true", help="guest credentials when no one is signed in")
    @argument("--endpoint", action="store_true", help="serve them on 127.0.0.1 and export AWS_CONTAINER_* for "
              "subprocesses (!aws, Ray, Spark): they refresh there too")
    @argument("--dask", nargs="?", const="", metavar="CLIENT_VAR", help="register auth.dask_plugin() on this "
              "dask Client (default: the current one): every worker reads AWS as this user")
    @_usage_errors
    def auth_credentials(self, line: str = "") -> None:
        """Bind a boto3 Session whose credentials refresh themselves, and show whose they are."""
        args = parse_argstring(self.auth_credentials, line)
        auth = self._auth(args)
        if not auth.is_signed_in and not args.guest:
            raise UsageError("No one is signed in: run %auth_signin, or pass --guest for guest credentials")
        credentials = auth.current_credentials()
        variable = args.var or self.session_variable
        self.shell.user_ns[variable] = auth.boto3_session()
        left = max(0, int(credentials.expiration - auth.session_state.clock()))  # the session's one clock
        expires_in = f"{left // 60} min" if left >= 60 else f"{left} s"  # short sandbox lifetimes: not "0 min"
        kind = "signed-in" if credentials.authenticated else "guest"
        print(f"`{variable}` is a boto3 Session with {kind} credentials for identity {credentials.identity_id}; "
              f"they expire in {expires_in} and refresh themselves.")
        if args.env or self.export_env:
            os.environ.update({"AWS_ACCESS_KEY_ID": credentials.access_key_id,
                               "AWS_SECRET_ACCESS_KEY": credentials.secret_access_key,
                               "AWS_SESSION_TOKEN": credentials.session_token})
            print("Exported AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN for subprocesses. "
                  "They will NOT refresh there: for long jobs use a profile with "
                  f"`credential_process = amplify-nb credential-process --name {auth.name}`.")
        if args.endpoint or args.dask is not None:
            from ..credentials import sharing  # distributed and the endpoint's server come with these flags only

            if args.endpoint:
                print(sharing.export_endpoint(auth, args.guest))
            if args.dask and args.dask not in self.shell.user_ns:
                raise UsageError(f"No variable {args.dask!r} here: name the dask Client, e.g. --dask client")
            if args.dask is not None:
                print(sharing.register_dask(auth, self.shell.user_ns.get(args.dask) if args.dask else None, args.guest))

    @line_magic
    @magic_arguments()
    @argument("--attributes", action="store_true", help="also fetch the user's attributes")
    @argument("--refresh", action="store_true", help="refresh the tokens now, not only when they are due")
    @argument("--raw", action="store_true", help="the claims as they are: times (exp, iat, auth_time) in seconds "
              "since the epoch instead of local datetimes with the time left")
    @_usage_errors
    def auth_session(self, line: str = "") -> Any:
        """Who is signed in, when the tokens and the AWS credentials held expire (local times, "in 59 min"), and
        the ID token's claims (never the tokens)."""
        from .session_view import session_report

        args = parse_argstring(self.auth_session, line)
        return session_report(self._auth(args), attributes=args.attributes, raw=args.raw, refresh=args.refresh)

    @line_magic
    @magic_arguments()
    @_usage_errors
    def auth_trace(self, line: str = "") -> Any:
        """The last flow's Cognito calls as a table (secrets redacted)."""
        args = parse_argstring(self.auth_trace, line)
        return self._auth(args).trace

    @line_magic
    @magic_arguments()
    @argument("--state", default="signIn", choices=["signIn", "signUp", "forgotPassword"],
              help="the view it opens on (default: signIn)")
    @_usage_errors
    def authenticator(self, line: str = "") -> Any:
        """The Authenticator widget bound to the same session as the magics."""
        args = parse_argstring(self.authenticator, line)
        return self._authenticator(self._auth(args), args.state)

    @staticmethod
    def _authenticator(auth: Any, state: str, login_flow: str | None = None, preferred: str | None = None) -> Any:
        try:
            from ..widgets.authenticator import Authenticator
        except ImportError as exc:
            raise UsageError(f"The Authenticator needs ipywidgets: pip install ipywidgets anywidget ({exc})") from None
        return Authenticator(auth=auth, initial_state=state, login_flow=login_flow, preferred_challenge=preferred)
