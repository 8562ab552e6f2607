"""Identity-pool credentials that refresh themselves, for boto3, pandas/s3fs, awswrangler and the AWS CLI.

``amplify_nb.Auth`` is credentials.auth.Auth: the core session plus these methods.
"""

__all__: list[str] = []
