/**
 * "Assistance on Existing Materials": user-supplied documents → instructions per document
 * (rewrite, summarize, translate, continue, extract, ...) → each instruction joined with its
 * document by one of the paper's 7 templates, drawn from (seed, document, instruction).
 * Documents are deduplicated (exact and near) before any request; instructions per document
 * exactly. Openings are not deduplicated as a whole: two tasks on one text share most words.
 */
import type { Report } from '../../core/report.js';
import type { GenerateConfig } from '../config.js';
import type { Material } from '../materials.js';
import { fill } from '../prompts.js';
import { rngFor } from '../rng.js';
import { OpeningDeduper, normalizeOpening } from './dedup.js';
import { expand, type Pool } from './pool.js';
import type { SeedRunner } from './seeds.js';

export interface AssistanceInputs {
  cfg: GenerateConfig;
  seeds: SeedRunner;
  pool: Pool;
  runSeed: number;
  materials: AsyncIterator<Material>;
  report: Report;
}

/** Joins a document and an instruction, smoothing the seams the templates create. */
export function applyTemplate(template: string, text: string, instruction: string): string {
  let ins = instruction.trim();
  // "{instruction}: {text}" — "Summarize this.: ..." reads badly.
  if (template.includes('{instruction}:')) ins = ins.replace(/[.!?:;]+$/, '');
  // "..., {instruction}" continues a sentence: lower-case its first letter unless it starts an acronym.
  if (template.includes(', {instruction}') && /^[A-Z][a-z]/.test(ins)) ins = ins[0]!.toLowerCase() + ins.slice(1);
  return fill(template, { text, instruction: ins });
}

/** Up to three instruction kinds for a document, so that documents get different tasks. */
function kindsFor(kinds: readonly string[], runSeed: number, doc: number): string[] {
  const rng = rngFor(runSeed, 'assistance', 'kinds', doc);
  const pool = kinds.slice();
  const out: string[] = [];
  while (out.length < 3 && pool.length > 0) out.push(pool.splice(Math.floor(rng.next() * pool.length), 1)[0]!);
  return out;
}

export async function buildAssistance({ cfg, seeds, pool, runSeed, materials, report }: AssistanceInputs): Promise<void> {
  const a = cfg.sectors.assistance;
  const docDedup = new OpeningDeduper({ shingle: 5, threshold: cfg.dedup.threshold });
  // Documents are deduplicated as they stream by; duplicates never cost a request.
  const unique: AsyncIterator<Material> = {
    async next() {
      for (;;) {
        const r = await materials.next();
        if (r.done) return r;
        const v = docDedup.check(r.value.text);
        if (v === 'kept') return r;
        report.count(`material_${v}`);
      }
    },
  };
  await expand(unique, pool, a.instructions_per_document, async (docs) => {
    const res = await seeds.run(
      docs.map((d) => ({
        key: `assist/i/${d.index}`,
        prompt: fill(a.prompts.instructions, { n: a.instructions_per_document, text: d.text, kinds: kindsFor(a.instruction_kinds, runSeed, d.index).join(', ') }),
        max: a.instructions_per_document,
      })),
    );
    for (let j = 0; j < docs.length; j++) {
      const d = docs[j]!;
      const seen = new Set<string>();
      const list = res[j]!;
      for (let k = 0; k < list.length; k++) {
        const norm = normalizeOpening(list[k]!);
        if (seen.has(norm)) {
          report.count('opening_duplicate');
          continue;
        }
        seen.add(norm);
        const t = rngFor(runSeed, 'assistance', 'template', d.index, k).int(0, a.templates.length - 1);
        await pool.add({
          sector: 'assistance',
          text: applyTemplate(a.templates[t]!, d.text, list[k]!),
          meta: { instruction: list[k], template: t, document: d.source },
        });
      }
    }
  });
}
