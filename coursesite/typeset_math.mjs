// Pre-render the TeX of HTML pages to SVG, in place, so a lone page shows formulas offline and
// without JavaScript (used by coursesite/prerender_math.py for nbgrader feedback pages).
//
//   node typeset_math.mjs NODE_MODULES PAGE.html [PAGE.html ...]
//
// NODE_MODULES is the folder holding mathjax-full (3.2.x), e.g. site/node_modules. The delimiters
// are those of nbconvert's MathJax 2 configuration (base/mathjax.html.j2): $...$, \(...\) inline,
// $$...$$, \[...\] and \begin{env}...\end{env} displayed, with \$ a literal dollar. Text inside
// script, style, textarea, pre, code, noscript, annotation and elements of class tex2jax_ignore is
// left alone. Only the formulas change: the rest of the page is kept byte for byte, the MathJax
// <script src=...> tags are removed and MathJax's SVG CSS goes inline into <head>.
// A formula that does not parse stays as its TeX. Output, one JSON line per page on stdout:
//   {"page": "...", "formulas": 12, "failed": [{"tex": "...", "error": "..."}]}
// and {"page": "...", "error": "..."} for a page that could not be read or written (exit code 1).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const [nodeModules, ...pages] = process.argv.slice(2);
if (!nodeModules || pages.length === 0) {
  console.error('usage: node typeset_math.mjs NODE_MODULES PAGE.html [PAGE.html ...]');
  process.exit(2);
}
const require = createRequire(join(resolve(nodeModules), 'noop.js'));
const { mathjax } = require('mathjax-full/js/mathjax.js');
const { TeX } = require('mathjax-full/js/input/tex.js');
const { SVG } = require('mathjax-full/js/output/svg.js');
const { liteAdaptor } = require('mathjax-full/js/adaptors/liteAdaptor.js');
const { RegisterHTMLHandler } = require('mathjax-full/js/handlers/html.js');
const { AllPackages } = require('mathjax-full/js/input/tex/AllPackages.js');

// without noerrors/noundefined a bad formula throws, so it can be kept as TeX and reported
const PACKAGES = AllPackages.filter((name) => !['noerrors', 'noundefined'].includes(name));
const SKIP = new Set(['script', 'style', 'textarea', 'pre', 'code', 'noscript', 'annotation',
  'annotation-xml', 'mjx-container', 'svg', 'math']);
const RAW = new Set(['script', 'style', 'textarea']); // their text is not HTML: jump to the end tag
const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
// openers as MathJax's FindTeX orders them: longest first, then environments and the \$ escape
const START = /\$\$|\$|\\\(|\\\[|\\begin\{([^}]*)\}|\\\$/g;
const CLOSE = { '$$': '$$', '$': '$', '\\(': '\\)', '\\[': '\\]' };
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
const svg = new SVG({ fontCache: 'local' });
const tex = new TeX({
  packages: PACKAGES,
  tags: 'ams',
  formatError: (jax, error) => { throw error; },
});
const doc = mathjax.document('', { InputJax: tex, OutputJax: svg });
const css = adaptor.textContent(svg.styleSheet(doc));

function decode(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Where the formula opened by `open` (ending at `from`) closes: [end of TeX, end of closer], or null. */
function findEnd(text, open, env, from) {
  const close = env !== undefined ? `\\end{${env}}` : CLOSE[open];
  const pattern = /\\end\{[^}]*\}|\\[\\{}$]|\\\)|\\\]|\$\$|\$|[{}]/g;
  pattern.lastIndex = from;
  let braces = 0;
  for (let match; (match = pattern.exec(text));) {
    if (match[0] === close && braces === 0) return [match.index, match.index + close.length];
    if (match[0] === '{') braces++;
    else if (match[0] === '}' && braces) braces--;
  }
  return null;
}

function typesetText(text, report) {
  let out = '';
  let last = 0;
  START.lastIndex = 0;
  for (let match; (match = START.exec(text));) {
    if (match[0] === '\\$') { // processEscapes: a literal dollar, shown without its backslash
      out += text.slice(last, match.index) + '$';
      last = START.lastIndex;
      continue;
    }
    const env = match[1];
    const from = match.index + match[0].length;
    const end = findEnd(text, match[0], env, from);
    if (end === null) continue;
    const source = env !== undefined ? text.slice(match.index, end[1]) : text.slice(from, end[0]);
    const display = env !== undefined || match[0] === '$$' || match[0] === '\\[';
    out += text.slice(last, match.index);
    try {
      if (source.trim() === '') throw new Error('empty formula');
      const node = doc.convert(decode(source), { display });
      out += adaptor.outerHTML(node);
      report.formulas++;
    } catch (error) {
      out += text.slice(match.index, end[1]);
      report.failed.push({ tex: decode(text.slice(match.index, end[1])), error: String(error.message ?? error) });
    }
    last = START.lastIndex = end[1];
  }
  return last === 0 ? text : out + text.slice(last);
}

function typesetPage(html, report) {
  let out = '';
  let last = 0;
  let skipping = null; // [tag, depth] of the element whose text is left alone
  TOKEN.lastIndex = 0;
  for (let match; (match = TOKEN.exec(html));) {
    const text = html.slice(last, match.index);
    out += skipping ? text : typesetText(text, report);
    out += match[0];
    last = TOKEN.lastIndex;
    const [, closing, rawName, attributes] = match;
    if (!rawName) continue;
    const name = rawName.toLowerCase();
    if (skipping) {
      if (name === skipping[0]) skipping[1] += closing ? -1 : 1;
      if (skipping[1] === 0) skipping = null;
    } else if (!closing && !attributes.trimEnd().endsWith('/')) {
      if (RAW.has(name)) { // copy up to the end tag untouched
        const end = html.toLowerCase().indexOf(`</${name}`, last);
        const stop = end < 0 ? html.length : end;
        out += html.slice(last, stop);
        last = TOKEN.lastIndex = stop;
      } else if (SKIP.has(name) || /class\s*=\s*["'][^"']*\btex2jax_ignore\b/i.test(attributes)) {
        skipping = [name, 1];
      }
    }
  }
  const text = html.slice(last);
  out += skipping ? text : typesetText(text, report);
  if (report.formulas === 0) return out;
  out = out.replace(/<script\b[^>]*\bsrc\s*=\s*["'][^"']*mathjax[^"']*["'][^>]*>\s*<\/script>/gi, '');
  const style = `<style id="MJX-SVG-styles">\n${css}\n</style>\n`;
  return /<\/head>/i.test(out) ? out.replace(/<\/head>/i, `${style}</head>`) : style + out;
}

let status = 0;
for (const page of pages) {
  const report = { page, formulas: 0, failed: [] };
  try {
    const html = readFileSync(page, 'utf8');
    const typeset = typesetPage(html, report);
    if (typeset !== html) { // whole or not at all, also when the caller's timeout kills us
      writeFileSync(`${page}.typeset-tmp`, typeset, 'utf8');
      renameSync(`${page}.typeset-tmp`, page);
    }
  } catch (error) {
    report.error = String(error.message ?? error);
    status = 1;
  }
  process.stdout.write(JSON.stringify(report) + '\n');
}
process.exit(status);
