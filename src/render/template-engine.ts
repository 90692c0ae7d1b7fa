// Handlebars set up for YAML: strict (a missing variable is an error naming template and variable), no
// HTML escaping, and every value must leave through the `yaml` helper. The last rule is checked on the
// template's syntax tree when it is compiled, so a template that forgets it never renders at all.
import Handlebars from 'handlebars';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { TemplateError } from '../errors.js';
import { TEMPLATES_DIR } from '../paths.js';
import { yamlValue } from './yaml-value.js';

type HbsNode = {
  type: string;
  path?: { original?: unknown; type?: string };
  params?: HbsNode[];
  program?: { body: HbsNode[] };
  inverse?: { body: HbsNode[] };
  loc?: { start: { line: number; column: number } };
  original?: unknown;
};

/** Helpers a `{{mustache}}` may call. Everything printed goes through `yaml`. */
const VALUE_HELPERS = new Set(['yaml']);
const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);

export type CompiledTemplate = (context: object) => string;

export class TemplateEngine {
  private readonly hbs = Handlebars.create();
  private readonly cache = new Map<string, CompiledTemplate>();

  constructor(private readonly root = TEMPLATES_DIR) {
    this.hbs.registerHelper('yaml', (value: unknown, options: Handlebars.HelperOptions) => {
      if (value === undefined) throw new MissingValue(options);
      return yamlValue(value);
    });
    for (const name of BLOCK_HELPERS) {
      const builtin = this.hbs.helpers[name] as Handlebars.HelperDelegate;
      this.hbs.registerHelper(
        name,
        function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
          if (value === undefined) throw new MissingValue(options);
          return builtin.call(this, value, options) as unknown;
        },
      );
    }
  }

  async load(name: string): Promise<CompiledTemplate> {
    const hit = this.cache.get(name);
    if (hit) return hit;
    const file = `${this.root}/${name}`;
    const source = await readFile(file, 'utf8');
    const compiled = this.compile(name, source);
    this.cache.set(name, compiled);
    return compiled;
  }

  compile(name: string, source: string): CompiledTemplate {
    let ast: HbsNode;
    try {
      ast = this.hbs.parse(source) as unknown as HbsNode;
    } catch (err) {
      throw new TemplateError(`template ${name}: ${(err as Error).message}`, { cause: err });
    }
    checkOutputsAreYamlSafe(name, ast);
    const template = this.hbs.compile(source, { strict: true, noEscape: true });
    const lines = source.split('\n');
    return (context: object) => {
      try {
        return template(context);
      } catch (err) {
        if (err instanceof MissingValue) {
          const loc = err.loc;
          const text = loc ? (lines[loc.start.line - 1] ?? '').slice(loc.start.column, loc.end.column) : '';
          throw new TemplateError(
            `template ${name}${loc ? `:${loc.start.line}` : ''}: variable missing in ${text || 'a helper call'}`,
            { hint: 'the render context lacks this value: a bug in picocal or a template edited by hand' },
          );
        }
        const m = /"(.+)" not defined in/.exec((err as Error).message);
        throw new TemplateError(
          `template ${name}: ${m ? `variable '${m[1]}' is not defined` : (err as Error).message}`,
          { cause: err, hint: 'every variable a template uses must be in the render context' },
        );
      }
    };
  }

  relativeName(file: string): string {
    return relative(this.root, file);
  }
}

class MissingValue extends Error {
  readonly loc:
    { start: { line: number; column: number }; end: { line: number; column: number } } | undefined;
  constructor(options: Handlebars.HelperOptions) {
    super('missing value');
    this.loc = (options as unknown as { loc?: MissingValue['loc'] }).loc;
  }
}

function checkOutputsAreYamlSafe(name: string, node: HbsNode): void {
  const visit = (n: HbsNode) => {
    if (n.type === 'MustacheStatement') {
      const helper = String(n.path?.original ?? '');
      if (!VALUE_HELPERS.has(helper) || (n.params?.length ?? 0) !== 1) {
        const line = n.loc?.start.line ?? 0;
        throw new TemplateError(
          `template ${name}:${line}: '{{${helper}}}' prints a value without the yaml helper`,
          {
            hint: `write {{yaml ${helper}}} so the value cannot break the YAML`,
          },
        );
      }
    }
    if (n.type === 'BlockStatement' && !BLOCK_HELPERS.has(String(n.path?.original ?? ''))) {
      throw new TemplateError(
        `template ${name}:${n.loc?.start.line ?? 0}: unknown block helper '${String(n.path?.original)}'`,
      );
    }
    for (const c of n.program?.body ?? []) visit(c);
    for (const c of n.inverse?.body ?? []) visit(c);
    for (const c of (n as { body?: HbsNode[] }).body ?? []) visit(c);
  };
  visit(node);
}
