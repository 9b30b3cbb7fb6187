"""NativeAuthenticator (sign-up with one's own password, admin approval) made to run on JupyterHub 6.

jupyterhub-nativeauthenticator 1.3.0's login handler times the login with ``self.statsd``, which
JupyterHub 6 no longer provides, so every login POST ends in HTTP 500. :class:`ClassAuthenticator`
swaps in a login handler that has a do-nothing ``statsd``; everything else (password hashing,
approval, the sign-up and authorize pages) is NativeAuthenticator's own.
"""

from __future__ import annotations

from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.handlers import LoginHandler as NativeLoginHandler


class _NoTimer:
    def timer(self, *_args, **_kwargs) -> _NoTimer:
        return self

    def start(self) -> _NoTimer:
        return self

    def stop(self, *_args, **_kwargs) -> None:
        return None


class ClassLoginHandler(NativeLoginHandler):
    """NativeAuthenticator's login page with the metrics timer JupyterHub 6 removed."""

    statsd = _NoTimer()


class ClassAuthenticator(NativeAuthenticator):
    """NativeAuthenticator whose ``/hub/login`` works on JupyterHub 6."""

    def get_handlers(self, app):
        return [(path, ClassLoginHandler if handler is NativeLoginHandler else handler)
                for path, handler in super().get_handlers(app)]
