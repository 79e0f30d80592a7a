/**
 * "Creation and Generation": writing instructions per material type (poems, emails, scripts, ...),
 * requested in batches round-robin over the types; a configured share (80% in the paper) is then
 * rewritten by the model to be more detailed. Whether opening #p is rewritten is drawn from
 * (seed, p), so it never changes when a run is resumed or extended.
 */
import type { GenerateConfig } from '../config.js';
import { fill } from '../prompts.js';
import { rngFor } from '../rng.js';
import type { SeedRunner } from './seeds.js';
import { expand, type Pool } from './pool.js';

export interface CreationInputs {
  cfg: GenerateConfig;
  seeds: SeedRunner;
  pool: Pool;
  runSeed: number;
}

export async function buildCreation({ cfg, seeds, pool, runSeed }: CreationInputs): Promise<void> {
  const c = cfg.sectors.creation;
  const batches = Math.ceil(c.instructions_per_type / c.instructions_per_request);
  function* keys() {
    for (let b = 0; b < batches; b++) {
      for (let ti = 0; ti < c.material_types.length; ti++) {
        const n = Math.min(c.instructions_per_request, c.instructions_per_type - b * c.instructions_per_request);
        yield { ti, b, n, type: c.material_types[ti]! };
      }
    }
  }
  await expand(keys(), pool, c.instructions_per_request, async (chunk) => {
    const res = await seeds.run(chunk.map((k) => ({ key: `creation/i/${k.ti}/${k.b}`, prompt: fill(c.prompts.instructions, { n: k.n, material_type: k.type }), max: k.n })));
    // Dedup on the original instruction; decide rewrites by the position each kept one will take.
    const kept: { text: string; type: string; pos: number; detailed: boolean }[] = [];
    for (let j = 0; j < chunk.length; j++) {
      for (const text of res[j]!) {
        const pos = pool.count + kept.length;
        if (pos >= pool.target) break;
        if (pool.admit(text) !== 'kept') continue;
        kept.push({ text, type: chunk[j]!.type, pos, detailed: rngFor(runSeed, 'creation', 'detail', pos).next() < c.detail_rewrite_share });
      }
    }
    const toRewrite = kept.filter((k) => k.detailed);
    const rewritten = await seeds.run(toRewrite.map((k) => ({ key: `creation/d/${k.pos}`, prompt: fill(c.prompts.detail_rewrite, { instruction: k.text }), max: 1, single: true })));
    const byPos = new Map(toRewrite.map((k, i) => [k.pos, rewritten[i]![0]]));
    for (const k of kept) {
      const detailed = byPos.get(k.pos);
      const meta: Record<string, unknown> = { material_type: k.type, detailed: detailed !== undefined };
      if (detailed !== undefined) meta.original = k.text;
      await pool.add({ sector: 'creation', text: detailed ?? k.text, meta });
    }
  });
}
