"""A person talking to the class hub over HTTP, as a browser does (cookies, ``_xsrf``), with requests.

Verified facts this follows (notes/jupyterhub-postgres.md): the login POST needs the ``_xsrf``
cookie; POSTs to a user's server need the ``X-XSRFToken`` header from that cookie.
"""

from __future__ import annotations

import time

import requests


class HubClientError(AssertionError):
    """The hub or a server answered something unexpected (the message carries status and body)."""


class HubUser:
    """One person: sign up (NativeAuthenticator), log in, start the server, call its APIs."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base, self.username, self.password = base_url.rstrip("/"), username, password
        self.session = requests.Session()
        self.token = ""  # an API token of this person's (use_api_token), for scripts instead of cookies

    # hub ---------------------------------------------------------------------------------------
    def _xsrf(self, path: str = "/hub/") -> str:
        """The ``_xsrf`` cookie the hub (``/hub/``) or the person's server (``/user/<name>/``) set."""
        values = {cookie.path: cookie.value for cookie in self.session.cookies if cookie.name == "_xsrf"}
        return values.get(path) or values.get(path.rstrip("/")) or next(iter(values.values()), "")

    def _form(self, path: str, data: dict) -> requests.Response:
        self.session.get(f"{self.base}{path}", timeout=30)
        return self.session.post(f"{self.base}{path}", data={**data, "_xsrf": self._xsrf()}, timeout=60,
                                 allow_redirects=False)

    def sign_up(self) -> str:
        """Sign up; returns the page's message (NativeAuthenticator answers 200 with a text)."""
        response = self._form("/hub/signup", {"username": self.username, "signup_password": self.password,
                                              "signup_password_confirmation": self.password})
        if response.status_code != 200:
            raise HubClientError(f"sign-up of {self.username}: HTTP {response.status_code}")
        return response.text

    def log_in(self) -> None:
        response = self._form("/hub/login", {"username": self.username, "password": self.password})
        if response.status_code != 302:
            raise HubClientError(f"login of {self.username} refused: HTTP {response.status_code}")
        self.session.get(f"{self.base}/hub/home", timeout=30)  # the hub's own session cookie

    def try_log_in(self) -> bool:
        try:
            self.log_in()
        except HubClientError:
            return False
        return True

    def hub_api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"X-XSRFToken": self._xsrf(), **kwargs.pop("headers", {})}
        return self.session.request(method, f"{self.base}/hub/api{path}", headers=headers, timeout=60, **kwargs)

    def use_api_token(self) -> None:
        """Ask the hub for an API token of this person's (``POST /hub/api/users/<name>/tokens``, as
        a script or JupyterLab extension would) and send it with every later request, so the
        person's server is reached without the browser's OAuth round trip and page loads."""
        response = self.hub_api("POST", f"/users/{self.username}/tokens",
                                json={"note": "nnbasics test client", "expires_in": 3600})
        if response.status_code != 201:
            raise HubClientError(f"token of {self.username}: HTTP {response.status_code} {response.text[:300]}")
        self.token = response.json()["token"]
        self.session.headers["Authorization"] = f"token {self.token}"

    def start_server(self, timeout: float = 120.0) -> float:
        """Ask the hub for this person's server and wait until it answers; returns the seconds taken."""
        began = time.perf_counter()
        response = self.hub_api("POST", f"/users/{self.username}/server")
        if response.status_code not in (201, 202, 400):  # 400: already running
            raise HubClientError(f"spawn of {self.username}: HTTP {response.status_code} {response.text[:300]}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.session.get(f"{self.base}/user/{self.username}/api/status", timeout=30,
                                      allow_redirects=False)
            if status.status_code == 200:
                return time.perf_counter() - began
            if status.status_code in (302, 303, 403) and not self.token:  # the first visit sets its cookie
                self.session.get(f"{self.base}/user/{self.username}/lab", timeout=60)
            time.sleep(0.5)
        raise HubClientError(f"server of {self.username} not ready after {timeout:.0f} s")

    def stop_server(self) -> None:
        self.hub_api("DELETE", f"/users/{self.username}/server")

    # the person's server -----------------------------------------------------------------------
    def server(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"X-XSRFToken": self._xsrf(f"/user/{self.username}/"), **kwargs.pop("headers", {})}
        return self.session.request(method, f"{self.base}/user/{self.username}{path}", headers=headers,
                                    timeout=120, allow_redirects=False, **kwargs)
