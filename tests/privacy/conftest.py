from tests.circulation.conftest import network  # noqa: F401 - the same small network
