"""``amplify-nb``: the command line: the demo, the teaching notebooks, the local sandbox, credential_process for
the AWS CLI, and a credentials endpoint for any AWS SDK.

A command whose extra is not installed (``sandbox``, ``demo``) prints one line naming it, e.g.
``pip install 'amplify-nb[sandbox]'``, and exits 1.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from .core.foreground import stop_on_signals
from .errors import MissingExtraError

__all__ = ["build_parser", "main"]


def _sandbox(args: argparse.Namespace) -> int:
    from .sandbox import Sandbox

    if args.machine_config_out and not args.oauth:
        print("amplify-nb sandbox: error: --machine-config-out needs --oauth", file=sys.stderr)
        return 2
    try:
        sandbox = Sandbox(port=args.port, region=args.region, sign_in_policy=args.sign_in_policy,
                          refresh_token_rotation=args.refresh_token_rotation,
                          refresh_token_grace_seconds=args.refresh_token_grace_seconds,
                          device_tracking=None if args.device_tracking == "off" else args.device_tracking,
                          oauth=args.oauth, callback_urls=args.callback_url, logout_urls=args.logout_url,
                          identity_providers=args.identity_provider)
    except ValueError as exc:  # a callback URL Cognito would refuse, an unknown provider...
        print(f"amplify-nb sandbox: error: {exc}", file=sys.stderr)
        return 2
    sandbox.outbox.listeners.append(
        lambda m: print(f"[outbox] {m.medium} to {m.destination} ({m.kind}): {m.text}", flush=True)
    )
    sandbox.start()
    config_path = sandbox.write_config(args.config_out)
    print(f"amplify-nb sandbox listening on {sandbox.endpoint_url}", flush=True)
    print(f"  user pool {sandbox.pool.pool_id}, app client {sandbox.client.client_id}", flush=True)
    print(f"  identity pool {sandbox.identity_pool_id}, bucket {sandbox.bucket} (public/sample.csv)", flush=True)
    rotation = f"on, grace {args.refresh_token_grace_seconds} s" if args.refresh_token_rotation else "off"
    print(f"  sign-in policy {','.join(sandbox.pool.allowed_first_auth_factors)}; refresh-token rotation {rotation}; "
          f"device tracking {args.device_tracking}", flush=True)
    print(f"  wrote {config_path.resolve()}", flush=True)
    if sandbox.hosted_ui is not None:
        _print_hosted_ui(sandbox, args.machine_config_out)
    print(f"  demo user: {sandbox.demo_username}  password: {sandbox.demo_password}", flush=True)
    admin = sandbox.admin_credentials
    print(f"  admin keys (full access): {admin['aws_access_key_id']} {admin['aws_secret_access_key']}", flush=True)
    print("  press Ctrl+C to stop", flush=True)
    # The roles and the bucket are made now, off the startup path, so the first request does not wait.
    threading.Thread(target=_provision, args=(sandbox,), name="sandbox-provision", daemon=True).start()
    with stop_on_signals() as stop:
        try:
            stop.wait()
        finally:
            sandbox.stop()
            print("amplify-nb sandbox stopped", flush=True)
    return 0


def _print_hosted_ui(sandbox, machine_config_out: Path | None) -> None:
    """The managed login's domain, a link to try it in a browser, and the machine client (never its secret)."""
    import json
    import os
    from urllib.parse import urlencode

    client, ui = sandbox.client, sandbox.hosted_ui
    link = f"{sandbox.endpoint_url}/oauth2/authorize?" + urlencode({
        "response_type": "code", "client_id": client.client_id, "redirect_uri": client.callback_urls[0],
        "scope": " ".join(client.allowed_oauth_scopes)})
    print(f"  managed login (hosted UI) on {ui.domain}; providers "
          f"{', '.join(ui.identity_providers) or 'none'}; try it: {link}", flush=True)
    machine = ui.machine_client
    print(f"  machine client {machine.client_id}: client_credentials, scopes "
          f"{' '.join(machine.allowed_oauth_scopes)}", flush=True)
    if machine_config_out is not None:
        # Its secret is in it: readable by the owner only, written whole or not at all.
        partial = machine_config_out.with_name(machine_config_out.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(json.dumps(sandbox.machine_config, indent=2) + "\n")
        os.replace(partial, machine_config_out)
        print(f"  wrote the machine client's config (with its secret) to {machine_config_out.resolve()}", flush=True)


def _demo(args: argparse.Namespace) -> int:
    from . import demo
    from .extras import require

    require("demo", "amplify-nb demo")  # before anything starts
    if args.headless:
        return demo.run_headless()
    return demo.run_jupyterlab(args.port or demo.free_port())


def _notebooks(args: argparse.Namespace) -> int:
    from .shipped_notebooks import copy_notebooks

    report = copy_notebooks(args.dir, force=args.force)
    print(f"amplify-nb notebooks: the teaching notebooks in {report.target.resolve()}")
    for line in report.lines():
        print(f"  {line}")
    print(f"  open them with: jupyter lab {args.dir}   (the notebooks need the demo extra: "
          "pip install 'amplify-nb[demo]')")
    return 0


def _credential_process(args: argparse.Namespace) -> int:
    from .credentials.process import main

    return main(args.name, args.storage_dir)


def _credentials_endpoint(args: argparse.Namespace) -> int:
    from .credentials.endpoint_cli import main

    return main(args.name, args.storage_dir, args.port, args.guest)


def _provision(sandbox) -> None:
    try:
        sandbox.provision()
    except Exception as exc:  # the first request that needs them retries, and reports the failure there
        print(f"  could not prepare the bucket and roles yet: {exc}", flush=True)


def _factors(text: str) -> tuple[str, ...]:
    from .sandbox.models import POLICY_FACTORS

    factors = tuple(part.strip().upper() for part in text.split(",") if part.strip())
    if not factors or any(f not in POLICY_FACTORS for f in factors):
        raise argparse.ArgumentTypeError(f"one or more of {','.join(POLICY_FACTORS)}, comma-separated")
    return factors


def _grace(text: str) -> int:
    try:
        seconds = int(text)
    except ValueError:
        seconds = -1
    if not 0 <= seconds <= 60:
        raise argparse.ArgumentTypeError("a whole number of seconds from 0 to 60")
    return seconds


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="amplify-nb", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"amplify-nb {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    sandbox = commands.add_parser("sandbox", help="run a local Cognito on 127.0.0.1 in the foreground")
    sandbox.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    sandbox.add_argument("--region", default="us-east-1")
    sandbox.add_argument("--config-out", type=Path, default=Path("amplify_outputs.json"),
                         help="where to write amplify_outputs.json (default: ./amplify_outputs.json)")
    sandbox.add_argument("--sign-in-policy", type=_factors, default=("PASSWORD",), metavar="FACTORS",
                         help="first factors USER_AUTH allows, comma-separated, e.g. PASSWORD,EMAIL_OTP "
                              "(default: PASSWORD, as a new Cognito pool)")
    sandbox.add_argument("--refresh-token-rotation", action="store_true",
                         help="the app client rotates refresh tokens (GetTokensFromRefreshToken only)")
    sandbox.add_argument("--refresh-token-grace-seconds", type=_grace, default=0, metavar="N",
                         help="how long a rotated-away refresh token still works, 0-60 (default: 0)")
    sandbox.add_argument("--device-tracking", choices=("off", "always", "user_opt_in"), default="off",
                         help="remember devices: always, or when the user opts in (default: off)")
    sandbox.add_argument("--oauth", action="store_true",
                         help="serve the managed login (hosted UI, /oauth2/* endpoints, mock social providers) on "
                              "the sandbox's endpoint and write the config's oauth section")
    sandbox.add_argument("--callback-url", action="append", metavar="URL",
                         help="a callback (sign-in redirect) URL of the app client, repeatable "
                              "(default: http://localhost:8765/callback)")
    sandbox.add_argument("--logout-url", action="append", metavar="URL",
                         help="a sign-out URL of the app client, repeatable (default: http://localhost:8765/signed-out)")
    sandbox.add_argument("--identity-provider", action="append", metavar="NAME",
                         help="a mock social provider: Google, Facebook, LoginWithAmazon or SignInWithApple, "
                              "repeatable (default: all four)")
    sandbox.add_argument("--machine-config-out", type=Path, default=None, metavar="PATH",
                         help="with --oauth: write the machine (client_credentials) client's config there, secret "
                              "included (mode 0600)")
    sandbox.set_defaults(run=_sandbox)
    demo = commands.add_parser("demo", help="the sandbox and JupyterLab with the teaching notebooks "
                               "(--headless: run the quickstart and print what it shows)")
    demo.add_argument("--headless", action="store_true",
                      help="run the quickstart notebook (01_quickstart.ipynb) with nbclient and print its key outputs")
    demo.add_argument("--port", type=int, default=0, help="JupyterLab's port (default: a free one)")
    demo.set_defaults(run=_demo)
    notebooks = commands.add_parser("notebooks", help="copy the teaching notebooks into DIR to work in them (a "
                                    "copy you changed is kept unless --force)")
    notebooks.add_argument("dir", nargs="?", type=Path, default=Path("amplify-nb-notebooks"), metavar="DIR",
                           help="where to copy them (default: ./amplify-nb-notebooks)")
    notebooks.add_argument("--force", action="store_true",
                           help="also replace copies you changed (by default they are kept and listed)")
    notebooks.set_defaults(run=_notebooks)
    process = commands.add_parser("credential-process",
                                  help="print AWS credential_process JSON for a session kept in FileStorage")
    process.add_argument("--name", default="default", help="the session name (default: default)")
    process.add_argument("--storage-dir", default=None,
                         help="FileStorage directory (default: $AMPLIFY_NB_HOME or ~/.amplify_nb)")
    process.set_defaults(run=_credential_process)
    endpoint = commands.add_parser("credentials-endpoint",
                                   help="serve a FileStorage session's AWS credentials on 127.0.0.1 to any AWS SDK "
                                   "(container-credentials protocol); prints the variables to export")
    endpoint.add_argument("--name", default="default", help="the session name (default: default)")
    endpoint.add_argument("--storage-dir", default=None,
                          help="FileStorage directory (default: $AMPLIFY_NB_HOME or ~/.amplify_nb)")
    endpoint.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    endpoint.add_argument("--guest", action="store_true",
                          help="when no one is signed in, serve the guest's credentials instead of 401")
    endpoint.set_defaults(run=_credentials_endpoint)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)  # --sign-in-policy's check reads the sandbox: an extra too
        return int(args.run(args))
    except MissingExtraError as exc:  # one line naming the extra, not a traceback
        command = next((a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")), None)
        print(f"amplify-nb{' ' + command if command else ''}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
