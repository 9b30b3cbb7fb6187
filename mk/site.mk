# The static course site. Included by the Makefile.
#   make html     execute the nine chapters and write build/site/ (index.html + a page per chapter)
#                 with their outputs, widgets (saved state) and formulas; works offline: the
#                 JavaScript comes from site/node_modules (npm ci, Node.js 20), not from a CDN.
#   make html SITE_DIR=path SITE_JOBS=1

SITE_DIR ?= build/site
SITE_JOBS ?= 2

.PHONY: html site-assets

site/node_modules/.package-lock.json: site/package.json site/package-lock.json
	@command -v npm >/dev/null || { echo "make html needs npm (Node.js 20) for the site's offline JavaScript"; exit 2; }
	npm ci --no-audit --no-fund --prefix site

site-assets: site/node_modules/.package-lock.json

html: setup site-assets
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m coursesite --out $(SITE_DIR) --jobs $(SITE_JOBS)
