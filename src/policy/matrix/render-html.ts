// A self-contained HTML report: a coloured matrix per port; hovering a cell shows why.
import { podKey } from '../model/cluster.js';
import { explainFlow, flowText } from '../explain/explain.js';
import type { Matrix } from './matrix.js';

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export function matrixHtml(m: Matrix, title: string): string {
  const n = m.pods.length;
  const names = m.pods.map(podKey);
  const sections = m.planes.map((plane) => {
    const head = names.map((s) => `<th class="col"><div>${esc(s)}</div></th>`).join('');
    const rows = names.map((src, i) => {
      const cells = names.map((_, j) => {
        const ok = plane.allowed[i * n + j] === 1;
        const v = m.explain(plane, i, j);
        let tip = [flowText(v.flow), ...explainFlow(v)].join('\n');
        let cls = ok ? 'allow' : 'deny';
        if (plane.staged && plane.staged[i * n + j] !== plane.allowed[i * n + j]) {
          cls += ' changed';
          tip += `\nstaged: ${plane.staged[i * n + j] ? 'allowed' : 'denied'} once staged policies are enforced`;
        }
        return `<td class="${cls}" title="${esc(tip)}">${ok ? '' : '×'}</td>`;
      });
      return `<tr><th class="row">${esc(src)}</th>${cells.join('')}</tr>`;
    });
    const allowed = plane.allowed.reduce((a, b) => a + b, 0);
    return `<section><h2>${esc(plane.label)}: ${allowed} of ${n * n} pairs allowed</h2>
<table><thead><tr><th>source \\ destination</th>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table></section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse}
td{width:1.4em;height:1.4em;text-align:center;border:1px solid #fff;cursor:help}
td.allow{background:#3a9d5d}td.deny{background:#d64545;color:#fff}
td.changed{outline:2px dashed #f0b400;outline-offset:-3px}
th.row{text-align:right;padding-right:.5em;font-weight:normal;white-space:nowrap}
th.col{height:10em;vertical-align:bottom;font-weight:normal}
th.col div{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
.legend span{display:inline-block;width:1em;height:1em;vertical-align:middle;margin:0 .3em 0 1em}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="legend"><span style="background:#3a9d5d"></span>allowed<span style="background:#d64545"></span>denied<span style="outline:2px dashed #f0b400"></span>changes once staged policies are enforced. Hover a cell for the reason.</p>
${sections.join('\n')}
</body></html>
`;
}
