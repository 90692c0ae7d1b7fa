// Starts and stops the Kubernetes API stand-in (src/lab/kube-api, LAB ONLY) when that module is present.
// It is imported by a computed path so the node lab builds and runs without it.
import { existsSync } from 'node:fs';
import type { LabState } from './lab-state.js';

interface ApiServerModule {
  startApiServer(state: LabState): Promise<{ pid: number }>;
  stopApiServer(state: LabState): Promise<void> | void;
}

const MODULE = './kube-api/start.js';

async function load(): Promise<ApiServerModule | undefined> {
  // From dist/ the module is start.js; under the test runner (sources) it is start.ts.
  const present = ['.js', '.ts'].some((ext) =>
    existsSync(new URL(MODULE.replace(/\.js$/, ext), import.meta.url)),
  );
  if (!present) return undefined;
  return (await import(/* @vite-ignore */ MODULE)) as ApiServerModule;
}

export async function startApiServerIfPresent(state: LabState): Promise<{ pid: number } | undefined> {
  const mod = await load();
  return mod ? mod.startApiServer(state) : undefined;
}

export async function stopApiServerIfPresent(state: LabState): Promise<boolean> {
  const mod = await load();
  if (!mod) return false;
  await mod.stopApiServer(state);
  return true;
}
