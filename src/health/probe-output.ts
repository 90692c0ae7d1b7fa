// The probe scripts' output format. Every line picocal reads starts with a per-run random marker, so
// nothing a node prints by accident (a motd, a shell warning) can pose as a result:
//   <marker> <key> <value...>               one value
//   <marker> begin <name>                   a section: a command's raw output follows,
//   <marker> end <name> <exit code>         framed so multi-line bodies (JSON, tables) survive intact.
import { randomBytes } from 'node:crypto';

export interface ProbeSection {
  body: string;
  code: number;
}

export interface ProbeOutput {
  values: Map<string, string>;
  sections: Map<string, ProbeSection>;
}

export function newMarker(): string {
  return `@pc${randomBytes(6).toString('hex')}`;
}

export function parseProbeOutput(text: string, marker: string): ProbeOutput {
  const values = new Map<string, string>();
  const sections = new Map<string, ProbeSection>();
  const lines = text.split('\n');
  const prefix = `${marker} `;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.startsWith(prefix)) continue;
    const rest = line.slice(prefix.length);
    const begin = /^begin (\S+)$/.exec(rest);
    if (begin?.[1]) {
      const name = begin[1];
      const endRe = new RegExp(`^${marker} end ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (-?\\d+)$`);
      let j = i + 1;
      while (j < lines.length && !endRe.test(lines[j] ?? '')) j++;
      if (j >= lines.length) break; // cut off mid-section: the section is missing, not half-read
      const code = Number(endRe.exec(lines[j] ?? '')?.[1] ?? '1');
      // The script prints one newline before the end marker so a body without a final newline still
      // ends its own line; that newline is not part of the body.
      const body = lines.slice(i + 1, j).join('\n');
      sections.set(name, { body, code });
      i = j;
      continue;
    }
    const sp = rest.indexOf(' ');
    const key = sp === -1 ? rest : rest.slice(0, sp);
    const value = sp === -1 ? '' : rest.slice(sp + 1);
    values.set(key, value);
  }
  return { values, sections };
}
