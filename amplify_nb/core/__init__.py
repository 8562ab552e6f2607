"""The session core: Cognito user-pool flows, tokens, storage, Hub events and traces.

No IPython and no ipywidgets here (an import-linter contract keeps it so).
"""

__all__: list[str] = []
