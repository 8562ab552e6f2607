"""client.register_plugin(auth.dask_plugin()) on a real LocalCluster: two worker processes (the stand-in for
workers on other machines) read the sandbox's S3 as the signed-in user with boto3, pandas via dask.dataframe
and pyarrow, across credential expiries, with one Cognito call per refresh for the whole cluster; a new or
restarted worker gets credentials; sign-out or unregistering removes access; no Cognito token reaches a
worker or the scheduler.

Worker processes run on the wall clock, so these tests use the sandbox's short credential lifetimes (4 s:
refreshed 1 s before expiry) rather than a movable clock. One cluster serves the module (~2 s to start).
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import threading
import time
from pathlib import Path

import cloudpickle
import pytest

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")

import amplify_nb  # noqa: E402
from amplify_nb.credentials.dask_plugin import DEFAULT_NAME  # noqa: E402
from amplify_nb.credentials.endpoint import FULL_URI_ENV, TOKEN_FILE_ENV  # noqa: E402
from amplify_nb.sandbox import Sandbox  # noqa: E402

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not import the test modules

TTL = 4.0
SAMPLE = "public/sample.csv"


# ---- what runs on the workers ------------------------------------------------------------------------
def boto3_read(bucket: str) -> str:
    import boto3

    s3 = boto3.client("s3")  # nothing passed: endpoint, region and credentials come from the environment
    assert s3.get_object(Bucket=bucket, Key=SAMPLE)["Body"].read().startswith(b"city,country,population")
    return s3._request_signer._credentials.get_frozen_credentials().access_key


def new_session_read(bucket: str) -> bytes:
    import boto3

    return boto3.Session().client("s3").get_object(Bucket=bucket, Key=SAMPLE)["Body"].read()


def pyarrow_read(bucket: str) -> int:
    import pyarrow.csv
    import pyarrow.fs

    s3 = pyarrow.fs.S3FileSystem(endpoint_override=os.environ["AWS_ENDPOINT_URL_S3"], scheme="http")
    with s3.open_input_stream(f"{bucket}/{SAMPLE}") as stream:
        return pyarrow.csv.read_csv(stream).num_rows


def worker_secrets_view(dask_worker) -> str:
    """Every place on a worker that could keep a Cognito token, without reading its memory: its environment,
    its plugin as pickled, the files the plugin wrote."""
    plugin = dask_worker.plugins[DEFAULT_NAME]
    files = [Path(os.environ[TOKEN_FILE_ENV]).read_text()] if TOKEN_FILE_ENV in os.environ else []
    return repr(dict(os.environ)) + repr(pickle.dumps(plugin)) + repr(cloudpickle.dumps(plugin)) + "".join(files)


def container_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key.startswith("AWS_CONTAINER")}


def endpoint_url_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key.startswith("AWS_ENDPOINT_URL")}


def caller_arn() -> str:
    import boto3

    return boto3.client("sts").get_caller_identity()["Arn"]  # nothing passed: as a notebook author writes it


def served_key(dask_worker) -> str:
    """What the worker's endpoint would answer right now (it raises for credentials about to expire)."""
    return dask_worker.plugins[DEFAULT_NAME].credentials().access_key_id


def held_key(dask_worker) -> str | None:
    plugin = dask_worker.plugins.get(DEFAULT_NAME)
    current = plugin.credentials.current if plugin is not None and plugin.credentials is not None else None
    return current.access_key_id if current is not None else None


# ---- fixtures --------------------------------------------------------------------------------------------
def spawnable_main() -> None:
    """Worker processes are spawned, and spawn describes `__main__` by its __spec__; an IPython shell made by an
    earlier test in this process (the magics' tests) leaves a `__main__` without one."""
    main = sys.modules["__main__"]
    if not hasattr(main, "__spec__"):
        main.__spec__ = None


@pytest.fixture(autouse=True)
def main_module_for_spawn():
    spawnable_main()  # again before each test: scale-up and restarts spawn too


@pytest.fixture(scope="module")
def client():
    spawnable_main()
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=logging.ERROR)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture
def sb():
    with Sandbox(credentials_ttl=TTL) as sandbox:
        yield sandbox


@pytest.fixture
def auth(sb):
    auth = amplify_nb.Auth(sb.config, name="dask")
    auth.sign_in(sb.demo_username, sb.demo_password)
    return auth


@pytest.fixture
def plugin(client, auth):
    plugin = auth.dask_plugin()
    assert [answer["status"] for answer in client.register_plugin(plugin).values()] == ["OK", "OK"]
    yield plugin
    plugin.close()
    if DEFAULT_NAME in client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.worker_plugins)):
        client.unregister_worker_plugin(DEFAULT_NAME)


def workers(client) -> list[str]:
    return sorted(client.scheduler_info()["workers"])


def on_each(client, function, *args):
    futures = [client.submit(function, *args, pure=False, workers=[w], allow_other_workers=False)
               for w in workers(client)]
    return client.gather(futures)


def get_credentials_calls(sb) -> int:
    return sum(c.operation == "GetCredentialsForIdentity" and c.outcome == "ok" for c in sb.calls)


# ---- tests -----------------------------------------------------------------------------------------------
def warm_up() -> None:
    import boto3  # noqa: F401
    import dask.dataframe  # noqa: F401
    import pyarrow.fs  # noqa: F401  (first imports take a second or two: not part of any credential lifetime)


def test_workers_read_s3_across_five_expiries_with_one_cognito_call_per_refresh(client, sb, auth):
    """Expiries are counted as they happen: credential sets whose Expiration passed during the run. The run
    stops once five have passed and the workers have read with five sets (on a loaded machine a round can
    outlast a set's 3 s, and the next set is read instead), so exactly one set is live at the end:
    calls <= expiries + 1, for two workers."""
    client.run(warm_up)
    issued: list[float] = []  # expirations of the sets the kernel fetched (its Hub events)
    stop = amplify_nb.Hub.listen("auth", lambda p: p["session"] == "dask" and p["event"] == "credentialsRefresh"
                                 and issued.append(p["data"]["expiration"]))
    calls_before = get_credentials_calls(sb)
    plugin = auth.dask_plugin()
    client.register_plugin(plugin)
    try:
        url = f"s3://{sb.bucket}/{SAMPLE}"
        frame = dd.read_csv([url, url], storage_options=auth.storage_options())  # two partitions
        keys, failures, rounds = set(), [], 0
        started = time.monotonic()
        while ((sum(expiration < time.time() for expiration in issued) < 5 or len(keys) < 5)
               and time.monotonic() - started < 40):
            rounds += 1
            try:
                keys.update(on_each(client, boto3_read, sb.bucket))
                assert on_each(client, pyarrow_read, sb.bucket) == [10, 10]
                if rounds % 5 == 0:
                    assert len(frame.compute()) == 20
            except Exception as error:  # counted, not fatal: the assertion below names them
                failures.append(f"{type(error).__name__}: {error}"[:300])
        calls = get_credentials_calls(sb) - calls_before
        expiries = sum(expiration < time.time() for expiration in issued)
    finally:
        stop()
        plugin.close()
        client.unregister_worker_plugin(DEFAULT_NAME)
    assert failures == []
    assert expiries >= 5 and len(keys) >= 5, (expiries, len(keys), rounds)  # the workers used each set
    assert calls <= expiries + 1  # one call per refresh for the whole cluster, not one per worker
    assert plugin.publishing.stats["deliveries"] >= expiries


def test_registering_directly_delivers_to_every_worker_before_register_plugin_returns(client, sb, auth):
    """As a script does it, without the magic: the moment register_plugin returns, every worker holds the
    credentials, and a function run on the workers' event loops (client.run) reads S3 with them at once.
    Three registrations: before the fix, whether the first delivery beat register_plugin's answer was a race."""
    for _ in range(3):
        plugin = auth.dask_plugin(client)
        try:
            answers = client.register_plugin(plugin)
            held = client.run(held_key)
            reads = client.run(boto3_read, sb.bucket)
        finally:
            plugin.close()
            client.unregister_worker_plugin(DEFAULT_NAME)
        assert [answer["status"] for answer in answers.values()] == ["OK", "OK"]
        assert None not in held.values() and len(set(held.values())) == 1, held
        assert all(key.startswith("ASIA") for key in reads.values())


def test_workers_get_the_sessions_endpoints_so_sts_reaches_the_sandbox_too(client, sb, auth, plugin):
    """The configuration's endpoint overrides (the sandbox: Cognito, STS and S3 on one URL) go to the workers
    as botocore's AWS_ENDPOINT_URL_* variables, so a plain boto3.client("sts") there asks the sandbox, not AWS;
    unregistering removes them again."""
    expected = {"AWS_ENDPOINT_URL_S3": sb.endpoint_url, "AWS_ENDPOINT_URL_STS": sb.endpoint_url,
                "AWS_ENDPOINT_URL_COGNITO_IDENTITY": sb.endpoint_url,
                "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": sb.endpoint_url}
    assert all(env == expected for env in client.run(endpoint_url_env).values())
    arns = client.run(caller_arn)
    assert len(arns) == 2 and all(":assumed-role/amplify-nb-sandbox-authenticated/" in arn for arn in arns.values())
    client.unregister_worker_plugin(DEFAULT_NAME)
    assert all(env == {} for env in client.run(endpoint_url_env).values())


def test_an_idle_kernel_keeps_every_worker_fresh_across_expiries(client, sb, auth, plugin):
    """The kernel does nothing with the session after registering: each refresh is the publisher's own, on its
    thread, and each worker's endpoint would serve unexpired credentials at every look until two sets expired."""
    refreshes: list[tuple[str, float]] = []  # (thread, expiration) of each refresh in the kernel
    stop = amplify_nb.Hub.listen("auth", lambda p: p["session"] == "dask" and p["event"] == "credentialsRefresh"
                                 and refreshes.append((threading.current_thread().name, p["data"]["expiration"])))
    try:
        served: set[str] = set()
        deadline = time.monotonic() + 8 * TTL
        while sum(expiration < time.time() for _, expiration in refreshes) < 2:
            assert time.monotonic() < deadline, refreshes
            served.update(client.run(served_key).values())  # raises if any endpoint would answer 503
            time.sleep(0.2)
    finally:
        stop()
    assert {thread for thread, _ in refreshes} == {f"amplify-nb-publisher-{plugin.publisher}"}
    assert len(served) >= 3  # the set held at registration and the two refreshed since
    assert all(key.startswith("ASIA") for key in on_each(client, new_session_read_key, sb.bucket))


def hold_event_loop_until(path: str) -> str:
    """Run with client.run, this holds the worker's event loop (where deliveries land) until `path` exists."""
    deadline = time.monotonic() + 60
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    return "released"


def test_a_worker_whose_event_loop_is_held_keeps_no_other_worker_from_fresh_credentials(client, sb, auth, plugin,
                                                                                         tmp_path):
    """One worker's loop is held by a client.run function across two expiries: the publisher does not wait on it,
    so the other worker's endpoint serves fresh credentials throughout, and the held one catches up after."""
    held_worker, free_worker = workers(client)
    release = tmp_path / "release"
    holder = threading.Thread(target=client.run, args=(hold_event_loop_until, str(release)),
                              kwargs={"workers": [held_worker]})
    refreshes: list[float] = []
    stop = amplify_nb.Hub.listen("auth", lambda p: p["session"] == "dask" and p["event"] == "credentialsRefresh"
                                 and refreshes.append(p["data"]["expiration"]))
    holder.start()
    try:
        served: set[str] = set()
        deadline = time.monotonic() + 8 * TTL
        while sum(expiration < time.time() for expiration in refreshes) < 2:
            assert time.monotonic() < deadline, refreshes
            served.update(client.run(served_key, workers=[free_worker]).values())  # raises if it would be a 503
            time.sleep(0.2)
    finally:
        release.touch()
        holder.join(60)
        stop()
    assert len(served) >= 3
    deadline = time.monotonic() + 4 * TTL
    while True:  # the held worker takes the deliveries that waited for its loop
        try:
            client.run(served_key, workers=[held_worker])
            break
        except Exception:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    assert all(key.startswith("ASIA") for key in on_each(client, boto3_read, sb.bucket))


def new_session_read_key(bucket: str) -> str:
    import boto3

    s3 = boto3.Session().client("s3")
    s3.get_object(Bucket=bucket, Key=SAMPLE)["Body"].read()
    return s3._request_signer._credentials.get_frozen_credentials().access_key


def test_a_worker_added_after_registration_and_a_restarted_one_get_credentials(client, sb, plugin):
    before = workers(client)
    assert on_each(client, pyarrow_read, sb.bucket) == [10, 10]
    client.cluster.scale(3)
    client.wait_for_workers(3, timeout=60)
    try:
        added = sorted(set(workers(client)) - set(before))
        assert client.submit(boto3_read, sb.bucket, workers=added, pure=False).result(timeout=30).startswith("ASIA")
        client.restart_workers([before[0]])
        assert all(key.startswith("ASIA") for key in on_each(client, boto3_read, sb.bucket))
    finally:
        client.cluster.scale(2)
        client.wait_for_workers(2, timeout=60)


def test_sign_out_removes_the_workers_access_within_one_window_and_sign_in_restores_it(client, sb, auth, plugin):
    assert on_each(client, boto3_read, sb.bucket)
    auth.sign_out()
    signed_out = time.monotonic()
    futures = [client.submit(boto3_read, sb.bucket, pure=False, workers=[w]) for w in workers(client)]
    distributed.wait(futures, timeout=30)
    refusals = [str(future.exception()) for future in futures]  # each worker's next call
    assert all("401" in text and "signed out" in text for text in refusals), refusals
    assert time.monotonic() - signed_out < TTL + 3  # botocore asks the endpoint three times, 1 s apart
    auth.sign_in(sb.demo_username, sb.demo_password)
    deadline = time.monotonic() + 10
    while set(client.run(held_key).values()) != {auth.current_credentials().access_key_id}:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert all(key.startswith("ASIA") for key in on_each(client, boto3_read, sb.bucket))


def test_unregistering_revokes_and_removes_the_variables_and_stops_publishing(client, sb, plugin):
    assert all(set(env) == {FULL_URI_ENV, TOKEN_FILE_ENV} for env in client.run(container_env).values())
    assert on_each(client, boto3_read, sb.bucket)
    client.unregister_worker_plugin(DEFAULT_NAME)
    assert all(env == {} for env in client.run(container_env).values())
    with pytest.raises(Exception, match="Unable to locate credentials"):  # a new SDK session finds nothing
        client.submit(new_session_read, sb.bucket, pure=False).result(timeout=30)
    with pytest.raises(Exception, match="401"):  # one that cached the endpoint is refused (no token, no plugin)
        client.submit(boto3_read, sb.bucket, pure=False).result(timeout=30)
    deadline = time.monotonic() + TTL + 5  # it notices at its next delivery: the next refresh
    while not plugin.publishing.stopped:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert "no worker" in plugin.publishing.stats["stopped_because"]


def test_no_cognito_token_reaches_a_worker_or_the_scheduler(client, sb, auth, plugin):
    assert on_each(client, boto3_read, sb.bucket)
    tokens = auth.session_state.tokens()
    secrets = [tokens.refresh_token, tokens.id_token, tokens.access_token]
    views = list(client.run(worker_secrets_view).values())
    views.append(repr(client.run_on_scheduler(
        lambda dask_scheduler: (dask_scheduler.worker_plugins, dict(dask_scheduler.get_events())))))
    views.append(repr(cloudpickle.dumps(auth.storage_options())))  # what dd.read_csv(..., storage_options=) ships
    views.append(repr(pickle.dumps(plugin)) + repr(cloudpickle.dumps(plugin)))
    for view in views:
        for secret in secrets:
            assert secret[:24] not in view and secret[-24:] not in view
    aws = auth.current_credentials()
    assert aws.secret_access_key not in views[-1] and aws.secret_access_key not in views[-2]  # the plugin: no keys


def test_the_magic_registers_the_plugin_on_the_named_client(client, sb, auth, tmp_path):
    from amplify_nb.credentials import sharing

    from .ipython_shell import ipython_shell, ok, run

    with ipython_shell(tmp_path) as shell:
        assert "No variable 'nowhere'" in run(shell, "%auth_credentials --name dask --dask nowhere").shown()
        shell.user_ns["client"] = client
        shown = ok(shell, "%auth_credentials --name dask --dask client").stdout
    try:
        assert "Registered 'amplify-nb-credentials' on 2 Dask worker(s)" in shown
        assert all(key.startswith("ASIA") for key in on_each(client, boto3_read, sb.bucket))
    finally:
        sharing._registered.pop("dask").close()
        client.unregister_worker_plugin(DEFAULT_NAME)
