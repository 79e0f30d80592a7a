#!/usr/bin/env node
/**
 * Language-identification benchmark: accuracy and speed of the JS language-id libraries on the
 * kind of text sftforge filters (English, Chinese, Russian, code-heavy English answers).
 *
 *   npx tsc -p . && node scripts/bench-langid.mjs [--modules DIR] [--repeat N]
 *
 * --modules DIR: also resolve libraries from DIR/node_modules (to compare candidates that are
 *   not project dependencies, e.g. a scratch folder where cld, lande, cld3-asm were installed).
 *   A library found nowhere is listed as "not installed".
 * --repeat N: timing passes over the whole set (default 3; the best pass is reported).
 *
 * Labelled set (built from ../shared, read-only):
 *   en_short     user turns of each FastChat dummy conversation (500; mostly one short question)
 *   en_code_raw  ShareGPT sample answers (truth file) with a fenced code block and no CJK (44), as is
 *   en_code      the same after stripForLanguage() (code blocks, inline code, URLs removed)
 *   zh           user turns of each MedicalGPT record whose letters are ≥ 30 % Han (label noise
 *                removed: some records are translation tasks in English)
 *   ru           test/filter/fixtures/russian_sentences.txt (40 short sentences)
 *   conv_*       the same conversations through detectConversationLanguage() with each library,
 *                i.e. what --lang decides (user turns, code stripped, assistant fallback)
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '../shared');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const extraDir = opt('--modules');
const repeat = Number(opt('--repeat', '3'));

async function importDist(rel) {
  for (const base of ['dist', 'dist/src']) {
    const p = join(root, base, rel);
    if (existsSync(p)) return import(pathToFileURL(p).href);
  }
  throw new Error(`${rel} not built: run \`npx tsc -p .\` in ${root} first`);
}
const lang = await importDist('filter/language.js');

const loadMs = {};
async function importLib(name) {
  const t0 = performance.now();
  const m = await importLibUntimed(name);
  loadMs[name] = performance.now() - t0;
  return m;
}
async function importLibUntimed(name) {
  try {
    return await import(name);
  } catch {
    if (!extraDir) return undefined;
    try {
      const req = createRequire(join(resolve(extraDir), 'package.json'));
      return await import(pathToFileURL(req.resolve(name)).href);
    } catch {
      return undefined;
    }
  }
}

// ---- labelled set -------------------------------------------------------------------------
const readJson = (p) => JSON.parse(readFileSync(join(shared, p), 'utf8'));
const toConv = (r, i) => ({
  id: String(r.id ?? i),
  source: { file: 'bench', index: i },
  turns: r.conversations.map((t) => ({ role: { human: 'user', gpt: 'assistant', system: 'system' }[t.from] ?? 'user', content: String(t.value ?? '') })),
});
const userText = (c) =>
  c.turns
    .filter((t) => t.role === 'user')
    .map((t) => t.content)
    .join('\n');
const hanShare = (s) => {
  const letters = s.match(/\p{L}/gu)?.length ?? 0;
  const han = s.match(/\p{Script=Han}/gu)?.length ?? 0;
  return letters ? han / letters : 0;
};

const enConvs = readJson('data/public/FastChat_dummy_conversation.json').map(toConv);
const zhConvs = readFileSync(join(shared, 'data/public/MedicalGPT_sharegpt_zh_1K_format.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l, i) => toConv(JSON.parse(l), i))
  .filter((c) => hanShare(userText(c)) >= 0.3);
const truth = readJson('data/sharegpt_html_sample.truth.json');
const codeAnswers = Object.values(truth)
  .filter(Array.isArray)
  .flat()
  .filter((v) => typeof v === 'string' && v.includes('```') && !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(v));
const ruSentences = readFileSync(join(root, 'test/filter/fixtures/russian_sentences.txt'), 'utf8')
  .split('\n')
  .map((s) => s.trim())
  .filter((s) => s && !s.startsWith('#'));
const ruConvs = ruSentences.map((s, i) => ({ id: `ru${i}`, source: { file: 'bench', index: i }, turns: [{ role: 'user', content: s }] }));
const codeConvs = codeAnswers.map((a, i) => ({
  id: `code${i}`,
  source: { file: 'bench', index: i },
  turns: [
    { role: 'user', content: 'Show me an example.' },
    { role: 'assistant', content: a },
  ],
}));

const sets = {
  en_short: { label: 'en', texts: enConvs.map(userText) },
  en_code_raw: { label: 'en', texts: codeAnswers },
  en_code: { label: 'en', texts: codeAnswers.map(lang.stripForLanguage) },
  zh: { label: 'zh', texts: zhConvs.map(userText) },
  ru: { label: 'ru', texts: ruSentences },
};
const convSets = {
  conv_en: { label: 'en', convs: enConvs },
  conv_en_code: { label: 'en', convs: codeConvs },
  conv_zh: { label: 'zh', convs: zhConvs },
  conv_ru: { label: 'ru', convs: ruConvs },
};

// ---- candidates: each a sync (text) => ISO 639-1 code or undefined ------------------------
const ISO3 = { eng: 'en', cmn: 'zh', zho: 'zh', rus: 'ru', ukr: 'uk', bul: 'bg', jpn: 'ja', kor: 'ko', spa: 'es', fra: 'fr', deu: 'de' };
const iso1 = (c) => (c && c !== 'und' ? (ISO3[c] ?? c) : undefined);

const candidates = [];
for (const size of ['large', 'medium', 'small']) {
  const m = await importLib(`eld/${size}`);
  if (m) candidates.push({ name: `eld/${size}`, lib: `eld/${size}`, detect: (t) => m.eld.detect(t).language || undefined });
}
const tinyld = await importLib('tinyld');
if (tinyld) candidates.push({ name: 'tinyld', lib: 'tinyld', detect: (t) => tinyld.detect(t) || undefined });
const tinyldHeavy = await importLib('tinyld/heavy');
if (tinyldHeavy) candidates.push({ name: 'tinyld/heavy', lib: 'tinyld/heavy', detect: (t) => tinyldHeavy.detect(t) || undefined });
const franc = await importLib('franc-min');
if (franc) candidates.push({ name: 'franc-min', lib: 'franc-min', detect: (t) => iso1(franc.franc(t)) });
const lande = await importLib('lande');
if (lande) candidates.push({ name: 'lande', lib: 'lande', detect: (t) => iso1(lande.default(t)[0]?.[0]) });
const cld3 = await importLib('cld3-asm');
if (cld3) {
  const f = await cld3.loadModule();
  const id = f.create(0, 1000);
  candidates.push({
    name: 'cld3-asm',
    lib: 'cld3-asm',
    detect: (t) => {
      const r = id.findLanguage(t);
      return r.language === 'und' ? undefined : r.language;
    },
  });
}
const cld = await importLib('cld');
// cld (CLD2, native) is async only: timed separately through an async loop.
const asyncCandidates = cld
  ? [
      {
        name: 'cld (native)',
        lib: 'cld',
        detect: async (t) => {
          try {
            return (await (cld.default ?? cld).detect(t)).languages[0]?.code;
          } catch {
            return undefined;
          }
        },
      },
    ]
  : [];
const missing = ['eld', 'tinyld', 'franc-min', 'lande', 'cld3-asm', 'cld'].filter((n) => ![...candidates, ...asyncCandidates].some((c) => c.name.startsWith(n)));

// ---- run ----------------------------------------------------------------------------------
const allTexts = Object.values(sets).flatMap((s) => s.texts);
const allChars = allTexts.reduce((n, t) => n + t.length, 0);
console.log(
  `labelled set: ${Object.entries(sets)
    .map(([k, s]) => `${k} ${s.texts.length}`)
    .join(', ')}; ${allTexts.length} texts, ${(allChars / 1e6).toFixed(2)} M chars`,
);
if (missing.length) console.log(`not installed: ${missing.join(', ')}`);
console.log('');

const cols = [...Object.keys(sets), ...Object.keys(convSets)];
const header = ['library', ...cols, 'macro', 'wrong', 'undet', 'texts/s', 'MB/s', 'load ms'];
const rows = [];

async function evaluate(c, isAsync) {
  const acc = {};
  let wrong = 0;
  let undet = 0;
  for (const [k, s] of Object.entries(sets)) {
    let ok = 0;
    for (const t of s.texts) {
      const got = isAsync ? await c.detect(t) : c.detect(t);
      if (got === s.label) ok++;
      else if (got) wrong++;
      else undet++;
    }
    acc[k] = ok / s.texts.length;
  }
  for (const [k, s] of Object.entries(convSets)) {
    let ok = 0;
    for (const conv of s.convs) {
      const r = isAsync ? await lang.detectConversationLanguageAsync(conv, c.detect) : lang.detectConversationLanguage(conv, c.detect);
      if (r.lang === s.label) ok++;
    }
    acc[k] = ok / s.convs.length;
  }
  let best = Infinity;
  for (let p = 0; p < repeat; p++) {
    const t0 = process.hrtime.bigint();
    for (const t of allTexts) isAsync ? await c.detect(t) : c.detect(t);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const macro = Object.keys(sets).reduce((a, k) => a + acc[k], 0) / Object.keys(sets).length;
  rows.push([
    c.name,
    ...cols.map((k) => (acc[k] * 100).toFixed(1)),
    (macro * 100).toFixed(1),
    ((wrong / allTexts.length) * 100).toFixed(1),
    ((undet / allTexts.length) * 100).toFixed(1),
    Math.round(allTexts.length / best).toString(),
    (allChars / 1e6 / best).toFixed(2),
    Math.round(loadMs[c.lib] ?? 0).toString(),
  ]);
}

for (const c of candidates) await evaluate(c, false);
for (const c of asyncCandidates) await evaluate(c, true);

const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
console.log(header.map((h, i) => h.padStart(w[i])).join('  '));
for (const r of rows) console.log(r.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  '));
console.log('\naccuracy in %; macro = mean over the five text sets; wrong = confident wrong answers and');
console.log('undet = no answer, in % of all texts (en_code has 11 code-only answers: empty after stripping);');
console.log('conv_* = detectConversationLanguage() as --lang uses it (undetermined conversations are kept)');
