/**
 * Running a mixture: read every source with its format converter, park its records on disk
 * (spill.ts), take each source's rows (sample.ts), then emit them in one seeded order. Every
 * record's `dataset` is its source's name; per-source counts go to `mix_in_NAME`/`mix_out_NAME`.
 */
import type { StageContext } from '../core/stage.js';
import type { Conversation, RejectMarker } from '../core/types.js';
import { isReject } from '../core/types.js';
import { InputError } from '../core/errors.js';
import { expandInputs } from '../io/files.js';
import { convertFile } from '../io/formats/index.js';
import { targetSize } from './amounts.js';
import type { Mixture } from './mixture.js';
import { LegacyRandomState } from './numpy_random.js';
import { selectIndices } from './sample.js';
import { SpillFile } from './spill.js';

export interface MixPlanEntry {
  name: string;
  size: number;
  taken: number;
}

/**
 * The mixed records (and the sources' rejects, on rank 0 only, so ranks do not count them twice).
 * Output position p goes to the rank for which `ctx.mine(p)` holds; every rank reads every source.
 */
export async function* runMixture(m: Mixture, ctx: StageContext): AsyncGenerator<Conversation | RejectMarker> {
  const spills: SpillFile[] = [];
  const picks: Uint32Array[] = [];
  try {
    for (const [i, s] of m.sources.entries()) {
      const spill = new SpillFile(ctx.workDir, `mix_${i}`);
      spills.push(spill);
      const files = await expandInputs(s.paths);
      if (files.length === 0) throw new InputError(s.paths.join(', '), `source ${s.name} has no input files`, 'check the path (and the ${var}s it uses)');
      for (const f of files) {
        for await (const item of convertFile(f, s.format, s.options)) {
          if (ctx.signal.aborted) return;
          if (isReject(item)) {
            // Before every mixed record in one process: ordinal -1 keeps them first when ranks merge.
            if (ctx.rank === 0) yield { ...item, source: { ...item.source, seq: -1 } };
            continue;
          }
          spill.add({ ...item, dataset: s.name });
        }
      }
      const target = targetSize(s.amount, spill.size);
      if (spill.size === 0 && target > 0) {
        throw new InputError(s.paths.join(', '), `source ${s.name} has no readable records, so its amount "${s.amount.text}" cannot be met`, 'check the format (docs/FORMATS.md) and the quarantine');
      }
      picks.push(selectIndices(spill.size, target, m.seed));
      if (ctx.rank === 0) {
        ctx.stats.count(`mix_in_${s.name}`, spill.size);
        ctx.stats.count(`mix_out_${s.name}`, target);
      }
    }
    const total = picks.reduce((n, p) => n + p.length, 0);
    const src = new Uint16Array(total);
    const row = new Uint32Array(total);
    let k = 0;
    picks.forEach((p, i) => p.forEach((r) => ((src[k] = i), (row[k++] = r))));
    const order = m.shuffle ? new LegacyRandomState(m.seed).permutation(total) : undefined;
    // Upsampled repeats get derived ids (ID#2, ID#3, ... in output order) so ids stay unique in the output.
    const seen = spills.map((sp) => new Uint32Array(sp.size));
    for (let pos = 0; pos < total; pos++) {
      const j = order ? order[pos]! : pos;
      const copy = ++seen[src[j]!]![row[j]!]!;
      if (!ctx.mine(pos)) continue;
      if (ctx.signal.aborted) return;
      const rec = spills[src[j]!]!.get(row[j]!) as Conversation;
      if (copy > 1) rec.id = `${rec.id}#${copy}`;
      // The output position is the record's ordinal: ranks merge back into the mixed order by it.
      rec.source = { ...rec.source, seq: pos };
      yield rec;
    }
  } finally {
    for (const s of spills) s.close();
  }
}
