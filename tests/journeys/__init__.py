"""The journeys of issue 11: the main things people do with Samenbieb, each in a real
Chromium (Debian's, through Playwright) from a fresh demo network (the ``demo_network``
fixture: what ``make run`` builds). Every page a journey visits passes the checks of
:mod:`tests.browser`: axe-core (WCAG 2.1 AA), keyboard alone with a visible focus, 200%
zoom and a 360-pixel-wide screen.

1. A member searches, reserves a book for pickup at her branch, which only another library
   holds; staff work the pick list and the transit; she sees it ready in "my account" and
   borrows it: ``test_member_reserves_and_collects.py``.
2. A desk employee registers a new member and lends three items with the scan field
   alone: ``test_desk_registers_a_member_and_lends.py``.
3. A child's account borrows free of charge: ``test_child_borrows_free.py``.
4. A person without an account books a consultation slot at the IDO (digital government
   information point): ``test_someone_books_an_ido_consultation.py``.
5. A partner refers someone to Digisterker and follows the status:
   ``test_partner_refers_to_digisterker.py``.
6. A member logs in to a connected service through OpenID Connect:
   ``test_member_logs_in_to_a_connected_service.py``.
7. A member downloads their data and sees which library looked at it:
   ``test_member_downloads_their_data.py`` (removing the account is
   ``tests/privacy/test_portal_journey.py``).

The public cockpit, compared with peers and downloaded as CSV, is issue 9's journey:
``tests/cockpit/test_cockpit_journey.py``.

The errors anyone can meet while browsing (no such page, a form open too long):
``test_error_pages.py``. English on every page of the site: ``test_english.py``. The
harness's own checks can fail: ``test_harness_checks.py``. Their screenshots are in
docs/screenshots.
"""
