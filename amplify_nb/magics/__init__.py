"""IPython magics over amplify_nb.Auth (``%load_ext amplify_nb``; see magics.py)."""

__all__: list[str] = []
