// The order the upgrade is expected to take: the operator rolls calico-node over at most maxUnavailable
// nodes at a time, so the plan shows the nodes in batches of that size. The operator picks the real order;
// the gate follows whatever it does and holds it to the same bound.

export interface Batch {
  index: number; // 1-based, as shown to people
  nodes: string[];
}

export function planBatches(nodes: readonly string[], maxUnavailable: number): Batch[] {
  if (!Number.isInteger(maxUnavailable) || maxUnavailable < 1) {
    throw new RangeError(`maxUnavailable must be a whole number ≥ 1, not ${maxUnavailable}`);
  }
  const batches: Batch[] = [];
  for (let i = 0; i < nodes.length; i += maxUnavailable) {
    batches.push({ index: batches.length + 1, nodes: nodes.slice(i, i + maxUnavailable) });
  }
  return batches;
}

export function batchOf(batches: readonly Batch[], node: string): number | undefined {
  return batches.find((b) => b.nodes.includes(node))?.index;
}
