"""The Cognito flows the core runs, one module per family: sign-in, sign-up, account, MFA."""

__all__: list[str] = []
