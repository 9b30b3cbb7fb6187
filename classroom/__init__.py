"""Run the course as a class on one server: JupyterHub with real Unix accounts and nbgrader's exchange.

- :mod:`classroom.settings`     where the hub keeps its state, which address it serves (environment variables)
- :mod:`classroom.roster`       instructors and students from a CSV file
- :mod:`classroom.accounts`     their Unix accounts and the instructors' group
- :mod:`classroom.environment`  a Python environment outside /root for the spawned servers, and the proxy
- :mod:`classroom.course_files` the course copy, the chapters, the exchange and each role's Jupyter config
- :mod:`classroom.hubconfig`    JupyterHub's configuration (``classroom/jupyterhub_config.py`` loads it)
- :mod:`classroom.launcher`     ``make hub`` / ``make hub-stop``: start and stop everything
- :mod:`classroom.exchange`     release assignments into nbgrader's exchange
"""
