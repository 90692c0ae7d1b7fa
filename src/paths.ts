// Where picocal's own files (templates/, infrastructure/, package.json) live, whether it runs from
// dist/ after a build or from src/ under the test runner.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'picocal') {
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('picocal: cannot find its package root');
    dir = up;
  }
}

export const PACKAGE_ROOT = findRoot();
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');
export const INFRASTRUCTURE_DIR = join(PACKAGE_ROOT, 'infrastructure');

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;
}
