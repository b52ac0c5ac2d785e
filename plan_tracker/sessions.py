"""Sessions in the database that end after SESSION_COOKIE_AGE without a request, written at
most once every SESSION_RENEW_AFTER seconds.

Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) keeps its idle expiry exact,
at the price of a write and a commit on every page, reads included. Here a request renews the
session (a new expiry SESSION_COOKIE_AGE from now, in the table and in the cookie) only when
more than SESSION_RENEW_AFTER of it has gone since the last save: an idle session ends between
SESSION_COOKIE_AGE − SESSION_RENEW_AFTER and SESSION_COOKIE_AGE after the last request, and
the pages in between only read it.
"""

import datetime

from django.conf import settings
from django.contrib.sessions.backends import db
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self):
        stored = self._get_session_from_db()
        if stored is None:
            return {}
        renew_after = datetime.timedelta(seconds=settings.SESSION_RENEW_AFTER)
        age = datetime.timedelta(seconds=self.get_session_cookie_age())
        if stored.expire_date - timezone.now() < age - renew_after:
            # Marked changed: the session middleware saves it, with a new expiry, and sends
            # the cookie again with it.
            self.modified = True
        return self.decode(stored.session_data)
