"""The magics' fixtures, shared by their test modules: ``shell``, a real IPython shell per module with
``%load_ext amplify_nb`` run, and ``keys``, what the user types at its prompts (see ipython_shell.py)."""

from .ipython_shell import keys, shell

__all__ = ["keys", "shell"]
