import { createHash } from 'node:crypto';

/**
 * A Merkle tree in the manner of Certificate Transparency (RFC 6962 §2.1, RFC 9162 §2.1): leaves
 * are hashed with a 0x00 prefix and inner nodes with 0x01, so a leaf can never pass for a node.
 * Hashes are lower-case hex SHA-256. Each leaf is the chain hash of one audit entry (the entry's
 * content linked to its predecessor), in the order the worker chained them (commit order).
 *
 * The tree is stored as its complete subtrees: node (level, index) covers leaves
 * [index·2^level, (index+1)·2^level). The root of any size n is the right fold of the complete
 * subtrees named by the bits of n, so proofs and roots read O(log n) nodes.
 */

export const EMPTY_ROOT = createHash('sha256').digest('hex');

export function leafHash(chainHashHex: string): string {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(Buffer.from(chainHashHex, 'hex'))
    .digest('hex');
}

export function nodeHash(leftHex: string, rightHex: string): string {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(Buffer.from(leftHex, 'hex'))
    .update(Buffer.from(rightHex, 'hex'))
    .digest('hex');
}

/** The largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** Reads a stored complete-subtree node; the tree service batches and caches these. */
export type NodeReader = (level: number, index: number) => Promise<string>;

/** MTH(D[start:end]) from the stored nodes (RFC 6962 §2.1). Every start met is aligned to the sizes below it. */
export async function subtreeRoot(read: NodeReader, start: number, end: number): Promise<string> {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (isPow2(n) && start % n === 0) return read(Math.log2(n), start / n);
  const k = splitPoint(n);
  return nodeHash(await subtreeRoot(read, start, start + k), await subtreeRoot(read, start + k, end));
}

/** The audit path of leaf m in the tree of size n (RFC 6962 §2.1.1), nearest sibling first. */
export async function inclusionPath(read: NodeReader, m: number, n: number): Promise<string[]> {
  const path = async (m: number, start: number, end: number): Promise<string[]> => {
    const size = end - start;
    if (size <= 1) return [];
    const k = splitPoint(size);
    if (m < k) return [...(await path(m, start, start + k)), await subtreeRoot(read, start + k, end)];
    return [...(await path(m - k, start + k, end)), await subtreeRoot(read, start, start + k)];
  };
  return path(m, 0, n);
}

/** The consistency proof between the trees of sizes m and n (RFC 6962 §2.1.2), 0 < m ≤ n. */
export async function consistencyProof(read: NodeReader, m: number, n: number): Promise<string[]> {
  const sub = async (m: number, start: number, end: number, complete: boolean): Promise<string[]> => {
    const size = end - start;
    if (m === size) return complete ? [] : [await subtreeRoot(read, start, end)];
    const k = splitPoint(size);
    if (m <= k) return [...(await sub(m, start, start + k, complete)), await subtreeRoot(read, start + k, end)];
    return [...(await sub(m - k, start + k, end, false)), await subtreeRoot(read, start, start + k)];
  };
  return m === n ? [] : sub(m, 0, n, true);
}

/**
 * Checks an audit path (RFC 9162 §2.1.3.2): does the leaf at `index` hash, with `proof`, to
 * `root` of the tree of `size`? What a holder of a receipt and a signed head runs.
 */
export function verifyInclusion(leaf: string, index: number, size: number, proof: string[], root: string): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r === root;
}

/**
 * Checks a consistency proof (RFC 9162 §2.1.4.2): is the tree (size2, root2) an extension of the
 * tree (size1, root1) — nothing before size1 edited, removed or reordered?
 */
export function verifyConsistency(size1: number, size2: number, root1: string, root2: string, proof: string[]): boolean {
  if (size1 > size2) return false;
  if (size1 === size2) return proof.length === 0 && root1 === root2;
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPow2(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr!);
      sr = nodeHash(c, sr!);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr!, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr === root1 && sr === root2;
}

/**
 * The right edge of a growing tree (its complete subtrees, largest first): appending a leaf
 * yields the nodes it completes, and the root is their right fold. The worker keeps one while it
 * extends the stored tree; verify keeps one while it rebuilds the tree from the log's content.
 */
export class Frontier {
  /** Complete subtrees of the current size, largest (leftmost) first: [level, hash]. */
  private nodes: { level: number; hash: string }[];

  constructor(
    public size: number,
    nodes: { level: number; hash: string }[] = [],
  ) {
    this.nodes = [...nodes];
  }

  /** The (level, index) of each complete subtree of a tree of `size`, largest first. */
  static edgeOf(size: number): { level: number; index: number }[] {
    const out: { level: number; index: number }[] = [];
    for (let level = 31; level >= 0; level--) {
      const width = 2 ** level;
      if (Math.floor(size / width) % 2 === 1) out.push({ level, index: Math.floor(size / width) - 1 });
    }
    return out;
  }

  /** Appends a leaf hash; returns every node completed by it (the leaf itself first) with its place. */
  append(leaf: string): { level: number; index: number; hash: string }[] {
    const made = [{ level: 0, index: this.size, hash: leaf }];
    let hash = leaf;
    let level = 0;
    while (this.nodes.length > 0 && this.nodes[this.nodes.length - 1]!.level === level) {
      const left = this.nodes.pop() as { level: number; hash: string };
      hash = nodeHash(left.hash, hash);
      level += 1;
      made.push({ level, index: Math.floor(this.size / 2 ** level), hash });
    }
    this.nodes.push({ level, hash });
    this.size += 1;
    return made;
  }

  root(): string {
    if (this.nodes.length === 0) return EMPTY_ROOT;
    let acc = this.nodes[this.nodes.length - 1]!.hash;
    for (let i = this.nodes.length - 2; i >= 0; i--) acc = nodeHash(this.nodes[i]!.hash, acc);
    return acc;
  }
}
