"""The static course site (``make html``): chapters with outputs, widgets and formulas, offline.

:mod:`coursesite.build` executes and converts the chapters; :mod:`coursesite.assets` supplies the
JavaScript (require.js, the ipywidgets html-manager, MathJax) from ``site/node_modules``.
"""
