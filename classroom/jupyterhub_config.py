"""JupyterHub configuration of a class (``make hub`` starts JupyterHub with this file).

Everything comes from environment variables (see :mod:`classroom.settings`): state folder, roster,
address and port, exchange, gradebook URL.
"""

from classroom.hubconfig import configure
from classroom.settings import HubSettings

c = get_config()  # noqa: F821 - provided by traitlets when JupyterHub loads this file
configure(c, HubSettings.from_environment())
