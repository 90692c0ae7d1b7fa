// Selector fields: they must parse (picocal's parser is Calico's grammar), and `global()` belongs only
// alone in an entity rule's namespaceSelector.
import { parseSelectorCached } from '../selector/index.js';
import { tokenize } from '../selector/tokenizer.js';
import { apiRule, VALIDATOR, type Path, type Report } from './api-rule.js';

export const SELECTOR_RULES = {
  selector: apiRule(
    'selector',
    'the selector does not parse',
    'see the Calico selector syntax: key == "value", has(key), a && b, a || b, !a',
    `${VALIDATOR}#L616-L627 (validateSelector)`,
  ),
  globalOutsideEntity: apiRule(
    'global-selector-placement',
    'global() can only be used in an EntityRule namespaceSelector',
    'select non-namespaced resources with namespaceSelector: global() in a rule source or destination',
    `${VALIDATOR}#L123; #L1457-L1462; #L1843-L1861; #L2055-L2082`,
  ),
  globalCombined: apiRule(
    'global-selector-alone',
    'global() cannot be combined with other selectors',
    'write namespaceSelector: global() on its own, and put other conditions in selector',
    `${VALIDATOR}#L124; #L1464-L1475`,
  ),
} as const;

// Policies repeat a few selectors many times: a set of texts known to parse spares the parser's cache.
const VALID_LIMIT = 4096;
const VALID = new Set<string>();

/** Parses a selector field; true when it is a valid selector (absent counts as valid). */
export function checkSelector(value: unknown, at: Path, key: string, report: Report): boolean {
  if (typeof value !== 'string' || VALID.has(value)) return true;
  try {
    parseSelectorCached(value);
    if (VALID.size >= VALID_LIMIT) VALID.clear();
    VALID.add(value);
    return true;
  } catch (err) {
    const reason = (err as { reason?: unknown }).reason;
    report(
      [...at, key],
      SELECTOR_RULES.selector,
      `'${value}'${typeof reason === 'string' ? ` (${reason})` : ''}`,
    );
    return false;
  }
}

/** A selector field that may not use global() at all. */
export function checkNoGlobal(value: unknown, at: Path, key: string, report: Report): void {
  if (typeof value === 'string' && value.includes('global()'))
    report([...at, key], SELECTOR_RULES.globalOutsideEntity, `'${value}'`);
}

/** An entity rule's namespaceSelector: global() only as the whole selector. */
export function checkGlobalAlone(value: unknown, at: Path, key: string, report: Report): void {
  if (typeof value !== 'string' || !value.includes('global(') || value === 'global()') return;
  let ok: boolean;
  try {
    const tokens = tokenize(value);
    ok = tokens.length <= 2 && tokens[0]?.kind === 'global';
  } catch {
    ok = false;
  }
  if (!ok) report([...at, key], SELECTOR_RULES.globalCombined, `'${value}'`);
}
