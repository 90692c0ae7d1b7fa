// A one-shot command over a small input (one calico-validate query of a few thousand pods and policies)
// spends more CPU in V8's optimising compiler (TurboFan, on a background thread) than the optimised code
// gives back: every function runs a few thousand times and the process ends. On the 1,000-pod /
// 500-policy benchmark cluster the whole process took 0.45-0.48 CPU s with it and 0.26-0.28 s with V8's
// top tier set to Sparkplug (its baseline compiler), measured interleaved (docs/BENCHMARKS.md, "Policy
// engine at scale"). Larger inputs keep V8's defaults: the optimised code pays back there. Only the
// program itself asks for this (a test importing the command leaves its process alone), before it reads
// the input; V8 applies the flag to functions it has not yet decided to optimise.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';

/** Inputs up to this many bytes are read with V8's baseline tiers only. */
export const ONE_SHOT_BYTES = 2 * 1024 * 1024;

let allowed = false;

/** Called by a program's entry point (never by a test): its process may change V8's flags. */
export function allowOneShotTier(): void {
  allowed = true;
}

/** Before reading `files` (relative to `cwd`): the baseline tiers only when they are small. */
export function tierForInput(files: readonly string[], cwd: string): void {
  if (!allowed) return;
  let total = 0;
  for (const f of files) {
    try {
      total += statSync(resolve(cwd, f)).size;
    } catch {
      return; // the reader reports the file; nothing to tune
    }
    if (total > ONE_SHOT_BYTES) return;
  }
  setFlagsFromString('--max-opt=1');
}
