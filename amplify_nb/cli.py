"""``amplify-nb``: the command line: the demo, the local sandbox, and credential_process for the AWS CLI."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

__all__ = ["build_parser", "main"]


def _sandbox(args: argparse.Namespace) -> int:
    from .sandbox import Sandbox

    sandbox = Sandbox(port=args.port, region=args.region)
    sandbox.outbox.listeners.append(
        lambda m: print(f"[outbox] {m.medium} to {m.destination} ({m.kind}): {m.text}", flush=True)
    )
    sandbox.start()
    config_path = sandbox.write_config(args.config_out)
    print(f"amplify-nb sandbox listening on {sandbox.endpoint_url}", flush=True)
    print(f"  user pool {sandbox.pool.pool_id}, app client {sandbox.client.client_id}", flush=True)
    print(f"  identity pool {sandbox.identity_pool_id}, bucket {sandbox.bucket} (public/sample.csv)", flush=True)
    print(f"  wrote {config_path.resolve()}", flush=True)
    print(f"  demo user: {sandbox.demo_username}  password: {sandbox.demo_password}", flush=True)
    admin = sandbox.admin_credentials
    print(f"  admin keys (full access): {admin['aws_access_key_id']} {admin['aws_secret_access_key']}", flush=True)
    print("  press Ctrl+C to stop", flush=True)
    # The roles and the bucket are made now, off the startup path, so the first request does not wait.
    threading.Thread(target=_provision, args=(sandbox,), name="sandbox-provision", daemon=True).start()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        sandbox.stop()
        print("amplify-nb sandbox stopped", flush=True)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from . import demo

    if args.headless:
        return demo.run_headless()
    return demo.run_jupyterlab(args.port or demo.free_port())


def _credential_process(args: argparse.Namespace) -> int:
    from .credentials.process import main

    return main(args.name, args.storage_dir)


def _provision(sandbox) -> None:
    try:
        sandbox.provision()
    except Exception as exc:  # the first request that needs them retries, and reports the failure there
        print(f"  could not prepare the bucket and roles yet: {exc}", flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="amplify-nb", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    sandbox = commands.add_parser("sandbox", help="run a local Cognito on 127.0.0.1 in the foreground")
    sandbox.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    sandbox.add_argument("--region", default="us-east-1")
    sandbox.add_argument("--config-out", type=Path, default=Path("amplify_outputs.json"),
                         help="where to write amplify_outputs.json (default: ./amplify_outputs.json)")
    sandbox.set_defaults(run=_sandbox)
    demo = commands.add_parser("demo", help="the sandbox and JupyterLab with the teaching notebooks "
                               "(--headless: run the quickstart and print what it shows)")
    demo.add_argument("--headless", action="store_true",
                      help="run notebooks/01_quickstart.ipynb with nbclient and print its key outputs")
    demo.add_argument("--port", type=int, default=0, help="JupyterLab's port (default: a free one)")
    demo.set_defaults(run=_demo)
    process = commands.add_parser("credential-process",
                                  help="print AWS credential_process JSON for a session kept in FileStorage")
    process.add_argument("--name", default="default", help="the session name (default: default)")
    process.add_argument("--storage-dir", default=None,
                         help="FileStorage directory (default: $AMPLIFY_NB_HOME or ~/.amplify_nb)")
    process.set_defaults(run=_credential_process)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
