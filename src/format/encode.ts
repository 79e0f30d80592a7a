/**
 * Tokenizes rendered conversations in one batched call per tokenizer variant: whole texts with the
 * full tokenizer, pieces (see pieces.ts) with the plain variants, special tokens by id. Offsets come
 * back absolute (UTF-16, into the rendered text) whichever way a sample was cut.
 */
import type { Rendered } from './templates/types.js';
import type { Backend, Encoding, Variant } from './tokenizer/backend.js';
import { type Piece, type PlanOptions, planPieces, type SpecialScanner } from './pieces.js';
import { ArrayLocator, CompositeLocator, type Part } from './tokenizer/locator.js';

export interface Encoded extends Encoding {
  /** Special-token strings inside content, tokenized as plain text. */
  contentSpecials: number;
}

export async function encodeRendered(backend: Backend, scanner: SpecialScanner, items: readonly Rendered[], o: PlanOptions): Promise<Encoded[]> {
  const plans = items.map((r) => planPieces(r, scanner, o));
  const queues: Record<Variant, string[]> = { full: [], plain: [], plainNoPrefix: [] };
  for (let i = 0; i < items.length; i++) {
    const p = plans[i]!.pieces;
    if (!p) queues.full.push(items[i]!.text);
    else for (const pc of p) if (pc.kind === 'text') queues[pc.variant].push(items[i]!.text.slice(pc.start, pc.end));
  }
  const [full, plain, noPrefix] = await Promise.all([backend.encodeBatch(queues.full, 'full'), backend.encodeBatch(queues.plain, 'plain'), backend.encodeBatch(queues.plainNoPrefix, 'plainNoPrefix')]);
  const next: Record<Variant, { list: Encoding[]; at: number }> = {
    full: { list: full, at: 0 },
    plain: { list: plain, at: 0 },
    plainNoPrefix: { list: noPrefix, at: 0 },
  };
  return plans.map((plan) => {
    if (!plan.pieces) {
      const e = next.full.list[next.full.at++]!;
      return { ...e, contentSpecials: plan.contentSpecials };
    }
    return { ...assemble(plan.pieces, next), contentSpecials: plan.contentSpecials };
  });
}

function assemble(pieces: readonly Piece[], next: Record<Variant, { list: Encoding[]; at: number }>): Encoding {
  const parts: Part[] = [];
  const idParts: Int32Array[] = [];
  let n = 0;
  for (const pc of pieces) {
    let e: Encoding;
    if (pc.kind === 'special') e = { ids: Int32Array.of(pc.id), loc: new ArrayLocator(Uint32Array.of(0, pc.end - pc.start)) };
    else {
      const q = next[pc.variant];
      e = q.list[q.at++]!;
    }
    if (e.ids.length === 0) continue;
    parts.push({ tok0: n, shift: pc.start, c0: pc.start, c1: pc.end, loc: e.loc });
    idParts.push(e.ids);
    n += e.ids.length;
  }
  const ids = new Int32Array(n);
  let at = 0;
  for (const p of idParts) {
    ids.set(p, at);
    at += p.length;
  }
  return { ids, loc: new CompositeLocator(parts) };
}
