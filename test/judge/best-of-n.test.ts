import { buildEnv } from '../../src/core/registry.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import bestDef from '../../src/judge/stages/best_of_n.js';
import prefDef from '../../src/io/stages/write_preferences.js';
import { preferencePairs } from '../../src/judge/preferences.js';
import { isReject, reject, type Conversation, type RejectMarker } from '../../src/core/types.js';
import { seedFor } from '../../src/generate/rng.js';
import { asyncIterableOf, fakeCtx } from '../helpers/ctx.js';
import { ROOT, collect, tempDir } from '../helpers/paths.js';
import { autojResponse, autojVerdict, qualityOf, startFakeJudge, type FakeJudge, type FakeRequest } from './fake-judge.js';

let servers: FakeJudge[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

let n = 0;
const conv = (...turns: string[]): Conversation => ({
  id: `b${++n}`,
  turns: turns.map((content, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content })),
  source: { file: 'in.jsonl', line: n },
});

/** The policy: sample k, regeneration g of a prompt (seed `seedFor('best_of_n', k, g)`) gets `replies[prompt]["k/g"]`. */
function policyServer(replies: Record<string, Record<string, string>>) {
  const keyOfSeed = new Map<number, string>();
  for (let k = 0; k < 16; k++) for (let g = 0; g < 8; g++) keyOfSeed.set(seedFor('best_of_n', k, g), `${k}/${g}`);
  return (r: FakeRequest) => {
    const prompt = r.messages[r.messages.length - 1]!.content;
    const reply = replies[prompt]?.[keyOfSeed.get(r.seed!)!];
    if (reply === undefined) throw new Error(`no reply for ${prompt} seed ${r.seed}`);
    return reply;
  };
}

const judge = (r: FakeRequest) => {
  const q = qualityOf(autojResponse(r.messages[0]!.content)) ?? '1';
  return q === 'none' ? 'No rating, sorry.' : autojVerdict(q);
};

async function runBest(opts: Record<string, unknown>, items: unknown[], cwd: string) {
  const stage = await bestDef.create(bestDef.options.parse(opts), buildEnv(cwd, 'test.yaml (best_of_n)'));
  const ctx = fakeCtx('best_of_n');
  return { out: await collect(stage.run(asyncIterableOf(items), ctx)), counters: ctx.stats.toJSON().counters };
}

async function writePrefs(opts: Record<string, unknown>, items: unknown[], cwd: string) {
  const o = prefDef.options.parse(opts);
  const stage = await prefDef.create(o, buildEnv(cwd, 'test.yaml (write_preferences)'));
  const ctx = fakeCtx('write_preferences');
  const out = await collect(stage.run(asyncIterableOf(items), ctx));
  await ctx.outputs.commitAll();
  return { out, counters: ctx.stats.toJSON().counters, path: prefDef.output!(o, buildEnv(cwd, '')).path };
}

describe('best_of_n', () => {
  it('samples n distinct replies (regenerating duplicates with a new seed), judges each, keeps the best and all candidates', async () => {
    const policy = await startFakeJudge(
      policyServer({
        // Sample 1 first repeats sample 0; its regeneration is new.
        'Write a haiku.': { '0/0': 'haiku A q=4', '1/0': 'haiku A q=4', '1/1': 'haiku B q=9', '2/0': 'haiku C q=6', '3/0': 'haiku D q=2' },
        'Name a colour.': { '0/0': 'red q=5', '1/0': 'blue q=5', '2/0': 'green q=3', '3/0': 'cyan q=1' },
      }),
    );
    const judgeSrv = await startFakeJudge(judge);
    servers.push(policy, judgeSrv);
    const dir = tempDir();
    const recs = [conv('Write a haiku.'), reject({ reason: 'too_long', source: { file: 'in.jsonl', line: 50 } }), conv('Name a colour.', 'old reply'), conv('Name a colour.')];
    const opts = { base_url: policy.url, model: 'policy-7b', n: 4, temperature: 0.9, judge: { protocol: 'autoj', base_url: judgeSrv.url, model: 'autoj-13b' } };
    const { out, counters } = await runBest(opts, recs, dir);
    expect(out.map((x) => (isReject(x) ? x.reason : (x as Conversation).id))).toEqual([recs[0]!.id as string, 'too_long', (recs[2] as Conversation).id, (recs[3] as Conversation).id]);
    const haiku = out[0] as Conversation;
    // Sample 1 duplicated sample 0 and was requested again with another seed.
    expect(haiku.candidates!.map((c) => c.content)).toEqual(['haiku A q=4', 'haiku B q=9', 'haiku C q=6', 'haiku D q=2']);
    expect(haiku.candidates!.map((c) => c.score)).toEqual([4, 9, 6, 2]);
    expect(haiku.turns).toEqual([
      { role: 'user', content: 'Write a haiku.' },
      { role: 'assistant', content: 'haiku B q=9' },
    ]);
    expect(haiku.scores).toEqual({ autoj: 9 });
    // A record that already has a reply passes unchanged without replace: true.
    expect(out[2]).toEqual(recs[2]);
    // Ties go to the earlier sample.
    expect((out[3] as Conversation).turns[1]!.content).toBe('red q=5');
    const policySeeds = policy.requests.filter((r) => r.messages[0]!.content === 'Write a haiku.').map((r) => r.seed);
    expect(new Set(policySeeds).size).toBe(5);
    expect(policy.requests.every((r) => r.temperature === 0.9 && r.model === 'policy-7b')).toBe(true);
    expect(counters).toMatchObject({ best_of_n_regenerated_duplicate: 1, best_of_n_skipped_has_reply: 1, best_of_n_records: 2 });

    // Rerun: everything comes from the journal.
    const before = policy.requests.length + judgeSrv.requests.length;
    const again = await runBest(opts, recs, dir);
    expect(policy.requests.length + judgeSrv.requests.length).toBe(before);
    expect(again.out).toEqual(out);

    // replace: true samples the last assistant turn anew.
    const rep = await runBest({ ...opts, replace: true, journal: false }, [recs[2]], dir);
    expect((rep.out[0] as Conversation).turns).toEqual([
      { role: 'user', content: 'Name a colour.' },
      { role: 'assistant', content: 'red q=5' },
    ]);
  });

  it('keeps an unreadable candidate unscored (never chosen) and rejects judge_unparsed when none can be read', async () => {
    const policy = await startFakeJudge(policyServer({ a: { '0/0': 'x q=none', '1/0': 'y q=3' }, b: { '0/0': 'p q=none', '1/0': 'r q=none' } }));
    const judgeSrv = await startFakeJudge(judge);
    servers.push(policy, judgeSrv);
    const opts = { base_url: policy.url, model: 'p', n: 2, journal: false, judge: { base_url: judgeSrv.url, model: 'j', max_unparsed_retries: 1 } };
    const { out } = await runBest(opts, [conv('a'), conv('b')], tempDir());
    expect((out[0] as Conversation).candidates).toEqual([
      { content: 'x q=none', score: null, model: 'p' },
      { content: 'y q=3', score: 3, model: 'p' },
    ]);
    expect((out[1] as RejectMarker).reason).toBe('judge_unparsed');
  });
});

describe('write_preferences', () => {
  const rec = (scores: (number | null)[]) => ({ ...conv('Q?'), candidates: scores.map((score, i) => ({ content: `r${i}`, score })) });

  it('best against worst by default; every pair above the margin with margin; none when all tie', () => {
    expect(preferencePairs(rec([4, 9, 6, 2])).map((p) => [p.chosen[0]!.content, p.rejected[0]!.content])).toEqual([['r1', 'r3']]);
    // Differences: 9-6=3, 9-4=5, 9-2=7, 6-2=4 are above 2; 6-4=2 and 4-2=2 are not.
    expect(preferencePairs(rec([4, 9, 6, 2]), { margin: 2 }).map((p) => [p.chosen[0]!.content, p.rejected[0]!.content])).toEqual([
      ['r1', 'r2'],
      ['r1', 'r0'],
      ['r1', 'r3'],
      ['r2', 'r3'],
    ]);
    expect(preferencePairs(rec([7, 7, 7]))).toEqual([]);
    expect(preferencePairs(rec([7, null]))).toEqual([]);
    expect(preferencePairs(rec([7]))).toEqual([]);
  });

  it('writes TRL conversational preference JSONL that datasets.load_dataset("json") reads', async () => {
    const dir = tempDir();
    const withSystem = {
      ...rec([3, 8]),
      turns: [
        { role: 'system' as const, content: 'Be brief.' },
        { role: 'user' as const, content: 'Q?' },
        { role: 'assistant' as const, content: 'r1' },
      ],
    };
    const items = [rec([4, 9, 6, 2]), rec([5, 5]), reject({ reason: 'low_score', source: { file: 'x', line: 1 } }), withSystem, conv('no candidates', 'a')];
    const { out, counters, path } = await writePrefs({ path: 'prefs/pairs.jsonl' }, items, dir);
    expect(out).toEqual(items);
    expect(path).toBe(join(dir, 'prefs/pairs.jsonl'));
    const rows = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toEqual([
      {
        id: (items[0] as Conversation).id,
        prompt: [{ role: 'user', content: 'Q?' }],
        chosen: [{ role: 'assistant', content: 'r1' }],
        rejected: [{ role: 'assistant', content: 'r3' }],
        score_chosen: 9,
        score_rejected: 2,
      },
      {
        id: withSystem.id,
        prompt: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Q?' },
        ],
        chosen: [{ role: 'assistant', content: 'r1' }],
        rejected: [{ role: 'assistant', content: 'r0' }],
        score_chosen: 8,
        score_rejected: 3,
      },
    ]);
    expect(counters).toEqual({ preference_pairs: 2, preference_no_pair: 1, preference_no_candidates: 1 });

    const python = join(ROOT, '.venv-py/bin/python');
    if (!existsSync(python)) {
      console.warn(
        `skipped the datasets check: ${python} is missing (python3 -m venv .venv-py && .venv-py/bin/pip install --no-index --find-links ../shared/wheels/py311 datasets transformers sentencepiece)`,
      );
      return;
    }
    const script = [
      'import json, sys, datasets',
      'ds = datasets.load_dataset("json", data_files=sys.argv[1], split="train")',
      'print(json.dumps({"n": len(ds), "columns": sorted(ds.column_names), "prompt": ds[1]["prompt"], "chosen": ds[0]["chosen"], "features": str(ds.features["chosen"])}))',
    ].join('\n');
    const got = JSON.parse(execFileSync(python, ['-c', script, path], { encoding: 'utf8', env: { ...process.env, HF_DATASETS_OFFLINE: '1', HF_HUB_OFFLINE: '1', HF_HOME: join(dir, 'hf') } }));
    expect(got.n).toBe(2);
    expect(got.columns).toEqual(['chosen', 'id', 'prompt', 'rejected', 'score_chosen', 'score_rejected']);
    expect(got.prompt).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Q?' },
    ]);
    expect(got.chosen).toEqual([{ role: 'assistant', content: 'r1' }]);
    // A list of {role, content} structs: TRL's conversational form.
    expect(got.features).toBe("List({'role': Value('string'), 'content': Value('string')})");
  }, 120_000);
});
