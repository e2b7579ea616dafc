# Fixtures shared with other test folders: the small circulation network, portal members.
from tests.circulation.conftest import network  # noqa: F401
from tests.interfaces.portal.conftest import (  # noqa: F401
    library,
    portal_member,
    portal_member_factory,
)
