"""Ray's local workers and a local Spark session on the kernel's credentials endpoint (issue 14, by hand).

    PYTHONPATH=/path/to/ray-or-pyspark .venv/bin/python bench/other_engines.py [--seconds 8] [--ttl 3]

Neither engine is a dependency of amplify-nb or of its tests (hundreds of MB each); install one beside the
virtualenv (``pip install --target DIR ray`` or ``pyspark``, plus Java 17 for Spark) to run this. For each
engine found it exports ``auth.credentials_endpoint()``'s variables before the engine starts its workers,
reads the sandbox's S3 with boto3 in two workers for ``--seconds`` across ``--ttl``-second credentials, and
prints reads, successive credential sets per worker and Cognito calls; then Ray after sign-out, and Spark's
``mapInPandas`` through pandas/s3fs. Results are recorded in docs/distributed.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time

import amplify_nb
from amplify_nb.credentials.endpoint import export_env, service_env
from amplify_nb.sandbox import Sandbox


def reads(bucket: str, seconds: float) -> tuple[int, int, int]:
    """In a worker: (reads, distinct access keys, pid); credentials found through the environment only."""
    import boto3

    s3, keys, n = boto3.client("s3"), set(), 0
    deadline = time.time() + seconds
    while time.time() < deadline:
        s3.get_object(Bucket=bucket, Key="public/sample.csv")["Body"].read()
        keys.add(s3._request_signer._credentials.get_frozen_credentials().access_key)
        n += 1
        time.sleep(0.1)
    return n, len(keys), os.getpid()


def calls(sb: Sandbox) -> int:
    return sum(c.operation == "GetCredentialsForIdentity" for c in sb.calls)


def ray_check(sb: Sandbox, auth: amplify_nb.Auth, seconds: float) -> None:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        remote = ray.remote(reads)
        print("ray", ray.__version__, "workers (reads, credential sets, pid):",
              ray.get([remote.remote(sb.bucket, seconds) for _ in range(2)]), "Cognito calls:", calls(sb))
        auth.sign_out()
        try:
            ray.get(remote.remote(sb.bucket, 0.1))
            print("ray after sign-out: still read?!")
        except Exception as error:
            print("ray after sign-out: refused", "(401)" if "401" in str(error) else str(error)[:200])
        auth.sign_in(sb.demo_username, sb.demo_password)
    finally:
        ray.shutdown()


def spark_check(sb: Sandbox, seconds: float) -> None:
    import pyspark
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers need this virtualenv's boto3/pandas
    spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate()
    bucket = sb.bucket
    try:
        answers = spark.sparkContext.parallelize(range(2), 2).map(lambda _: reads(bucket, seconds)).collect()
        print("pyspark", pyspark.__version__, "workers (reads, credential sets, pid):", answers,
              "Cognito calls:", calls(sb))

        def frames(batches):
            import pandas as pd

            for _ in batches:
                yield pd.read_csv(f"s3://{bucket}/public/sample.csv")

        rows = spark.range(2).repartition(2).mapInPandas(frames, "city string, country string, population long")
        print("pyspark mapInPandas rows:", rows.count(), "Cognito calls:", calls(sb))
    finally:
        spark.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--ttl", type=float, default=3.0)
    args = parser.parse_args()
    engines = [name for name in ("ray", "pyspark") if importlib.util.find_spec(name)]
    if not engines:
        print("neither ray nor pyspark is importable: nothing to check")
        return
    with Sandbox(credentials_ttl=args.ttl) as sb:
        auth = amplify_nb.Auth(sb.config, name="engines")
        auth.sign_in(sb.demo_username, sb.demo_password)
        with auth.credentials_endpoint() as endpoint:
            export_env({**endpoint.env, **service_env(auth.config)})  # before any engine starts a worker
            if "ray" in engines:
                ray_check(sb, auth, args.seconds)
            if "pyspark" in engines:
                spark_check(sb, args.seconds)
            print("endpoint:", endpoint.counts)


if __name__ == "__main__":
    main()
