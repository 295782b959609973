"""Pure helpers that every layer may use: the rounding of figures and the xlsx writer.

Nothing here imports Django or the apps (an import-linter contract checks it)."""
