"""The pure builders of the report files: they take plain data and return bytes, and
import no Django and none of the apps (an import-linter contract checks it)."""
