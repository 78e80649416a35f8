import pytest

from chorus.governance import services


@pytest.fixture(autouse=True)
def fresh_compiled_rules():
    """Compiled rule sets are cached per process; each test starts without any."""
    services.COMPILED.clear()
    yield
    services.COMPILED.clear()


@pytest.fixture
def confidential(content_manager):
    return services.create_rule(
        by=content_manager,
        kind="confidential_terms",
        name="Code names",
        severity="block",
        explanation="Unreleased products stay internal.",
        config={"terms": [{"text": "Kuutamo", "mode": "inflected"}]},
    )
