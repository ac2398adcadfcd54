import { createHash } from 'node:crypto';
import {
  consistencyProof,
  EMPTY_ROOT,
  Frontier,
  inclusionPath,
  leafHash,
  nodeHash,
  NodeReader,
  subtreeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

/** RFC 6962's definition, written out directly over the leaves: the reference the stored tree must match. */
function naiveRoot(leaves: string[]): string {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

const chainHash = (i: number) => createHash('sha256').update(`entry ${i}`).digest('hex');

/** Builds the stored nodes the way the worker does, by appending to a frontier. */
function build(n: number): { leaves: string[]; read: NodeReader; roots: string[] } {
  const nodes = new Map<string, string>();
  const frontier = new Frontier(0);
  const leaves: string[] = [];
  const roots = [EMPTY_ROOT];
  for (let i = 0; i < n; i++) {
    const leaf = leafHash(chainHash(i));
    leaves.push(leaf);
    for (const node of frontier.append(leaf)) nodes.set(`${node.level}:${node.index}`, node.hash);
    roots.push(frontier.root());
  }
  const read: NodeReader = (level, index) => {
    const hash = nodes.get(`${level}:${index}`);
    return hash ? Promise.resolve(hash) : Promise.reject(new Error(`missing node ${level}:${index}`));
  };
  return { leaves, read, roots };
}

describe('audit Merkle tree (RFC 6962)', () => {
  const N = 37;
  const { leaves, read, roots } = build(N);

  it('the frontier and the stored nodes give the RFC root of every size', async () => {
    for (let n = 0; n <= N; n++) {
      expect(roots[n]).toBe(naiveRoot(leaves.slice(0, n)));
      expect(await subtreeRoot(read, 0, n)).toBe(roots[n]);
    }
  });

  it('the frontier can resume from the stored right edge', () => {
    const resumed = new Frontier(
      21,
      Frontier.edgeOf(21).map(({ level, index }) => ({
        level,
        hash: naiveRoot(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)),
      })),
    );
    for (let i = 21; i < N; i++) resumed.append(leaves[i]!);
    expect(resumed.root()).toBe(roots[N]);
  });

  it('every leaf has an inclusion proof in every tree that holds it, and a wrong leaf, index or root fails', async () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 0; m < n; m++) {
        const proof = await inclusionPath(read, m, n);
        expect(verifyInclusion(leaves[m]!, m, n, proof, roots[n]!)).toBe(true);
        expect(verifyInclusion(leaves[(m + 1) % N]!, m, n, proof, roots[n]!)).toBe(false);
        if (n > 1) expect(verifyInclusion(leaves[m]!, (m + 1) % n, n, proof, roots[n]!)).toBe(false);
        expect(verifyInclusion(leaves[m]!, m, n, proof, roots[n - 1]!)).toBe(false);
      }
    }
  });

  it('every earlier tree is consistent with every later one, and a tampered earlier root is not', async () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = await consistencyProof(read, m, n);
        expect(verifyConsistency(m, n, roots[m]!, roots[n]!, proof)).toBe(true);
        if (m < n) {
          const other = naiveRoot([...leaves.slice(0, m - 1), leafHash(chainHash(999))]);
          expect(verifyConsistency(m, n, other, roots[n]!, proof)).toBe(false);
        }
      }
    }
  });

  it('a reordered history has another root', () => {
    const swapped = [...leaves];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    expect(naiveRoot(swapped)).not.toBe(roots[N]);
  });
});
