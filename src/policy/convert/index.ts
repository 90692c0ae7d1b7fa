// Staged ⇄ enforced conversion of policy files.
export { convertFiles, type Change, type ConversionResult, type ConvertOptions } from './convert-files.js';
export { convertObject, type Direction, type ObjectOutcome } from './convert-object.js';
export { KIND_PAIRS, type KindPair, type KindRef } from './kinds.js';
