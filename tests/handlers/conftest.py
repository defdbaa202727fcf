import pytest


@pytest.fixture
async def routed(harness):
    """The handler harness; /stats, /report and /content are in handlers.get_routers."""
    return harness
