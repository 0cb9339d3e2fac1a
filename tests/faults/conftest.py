"""The fault tests reuse the app tests' database fixtures."""

from tests.app.conftest import clock, ctx, engine  # noqa: F401 - pytest fixtures
