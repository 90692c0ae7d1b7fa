// Prometheus text exposition (format 0.0.4), as much as a scrape of Felix needs: samples with labels,
// `# TYPE` lines so a summary's `_sum`/`_count` are known to belong to it. Histograms' buckets and
// exemplars are kept as plain samples; nothing here evaluates them.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** Metric family name → `counter`, `gauge`, `summary`, `histogram` or `untyped`. */
  types: Map<string, string>;
}

export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(text: string): number {
  switch (text) {
    case '+Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
  }
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

/** `{a="x",b="y\"z"}` from position 0 of `text`; returns the labels and where the block ended. */
function parseLabels(text: string, lineNo: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = 1;
  const skipSpace = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  for (;;) {
    skipSpace();
    if (text[i] === '}') return { labels, end: i + 1 };
    const name = LABEL_NAME.exec(text.slice(i));
    if (!name) throw new ExpositionError(lineNo, `bad label name at column ${i + 1}`);
    i += name[0].length;
    skipSpace();
    if (text[i] !== '=') throw new ExpositionError(lineNo, `expected '=' after label ${name[0]}`);
    i++;
    skipSpace();
    if (text[i] !== '"') throw new ExpositionError(lineNo, `label ${name[0]} has no quoted value`);
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new ExpositionError(lineNo, `unterminated value of label ${name[0]}`);
      i++;
      if (c === '"') break;
      if (c === '\\') {
        const e = text[i++];
        value += e === 'n' ? '\n' : (e ?? '');
      } else value += c;
    }
    labels[name[0]] = value;
    skipSpace();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new ExpositionError(lineNo, `expected ',' or '}' after label ${name[0]}`);
  }
}

export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    if (!line) return;
    if (line.startsWith('#')) {
      const m = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (m?.[1] && m[2]) types.set(m[1], m[2]);
      return;
    }
    const name = NAME.exec(line);
    if (!name) throw new ExpositionError(lineNo, `not a sample: '${line.slice(0, 60)}'`);
    let rest = line.slice(name[0].length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      const parsed = parseLabels(rest, lineNo);
      labels = parsed.labels;
      rest = rest.slice(parsed.end);
    }
    // The value, then an optional timestamp (ignored: a scrape is "now").
    const [valueText] = rest.trim().split(/\s+/);
    const value = parseValue(valueText ?? '');
    if (Number.isNaN(value) && valueText !== 'NaN')
      throw new ExpositionError(lineNo, `sample ${name[0]} has no numeric value`);
    samples.push({ name: name[0], labels, value });
  });
  return { samples, types };
}

/** The value of a sample with no labels (or the sum over all label sets), undefined when absent. */
export function valueOf(e: Exposition, name: string): number | undefined {
  const found = e.samples.filter((s) => s.name === name);
  if (!found.length) return undefined;
  return found.reduce((sum, s) => sum + s.value, 0);
}
