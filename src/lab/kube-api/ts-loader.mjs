// LAB ONLY. Lets `node --import ./ts-loader.mjs some-entry.ts` run picocal's TypeScript sources
// directly (the lab's stand-in processes, when picocal itself runs from src/ under the test runner
// and there is no dist/ build). Uses the TypeScript compiler that is already a dev dependency:
// transpile only, no type checking. Never used once picocal is built.
import { register } from 'node:module';

register(new URL('./ts-loader-hooks.mjs', import.meta.url));
