"""amplify_nb: the AWS Amplify "Auth" category (Cognito user pools + identity pools) for Jupyter.

Importing this package is cheap on purpose: boto3, pycognito, ipywidgets and pandas are imported only
when a feature that needs them is first used.
"""

__version__ = "0.1.0"
