import { buildEnv } from '../../src/core/registry.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import judgeDef from '../../src/judge/stages/judge.js';
import filterDef from '../../src/filter/stages/filter_score.js';
import { isReject, reject, type Conversation, type RejectMarker } from '../../src/core/types.js';
import { asyncIterableOf, fakeCtx } from '../helpers/ctx.js';
import { collect, tempDir } from '../helpers/paths.js';
import { autojPair, autojResponse, autojVerdict, mtbenchAnswer, qualityOf, startFakeJudge, type FakeJudge } from './fake-judge.js';

let n = 0;
function conv(...turns: string[]): Conversation {
  const id = `c${++n}`;
  return { id, turns: turns.map((content, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content })), source: { file: 'in.jsonl', line: n } };
}

async function runJudge(opts: Record<string, unknown>, items: unknown[], cwd = tempDir()) {
  const def = judgeDef;
  const stage = await def.create(def.options.parse(opts), buildEnv(cwd, 'test.yaml:3 (judge)'));
  const ctx = fakeCtx('judge');
  const out = await collect(stage.run(asyncIterableOf(items), ctx));
  return { out, ctx, counters: ctx.stats.toJSON().counters };
}

const ids = (out: unknown[]) => out.map((x) => (isReject(x) ? `R:${x.reason}:${x.id ?? ''}` : (x as Conversation).id));
const scoreOf = (x: unknown, name = 'autoj') => (x as Conversation).scores?.[name];

let server: FakeJudge | undefined;
const savedEnv = { ...process.env };
beforeEach(() => {
  delete process.env.OPENAI_BASE_URL;
  delete process.env.OPENAI_API_KEY;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  process.env = { ...savedEnv };
});

/** Auto-J-style judge: rates a reply by its q=… marker; "none" gives a verdict without a rating. */
const autojJudge = (r: { messages: { content: string }[] }) => {
  const q = qualityOf(autojResponse(r.messages[r.messages.length - 1]!.content)) ?? '5';
  return q === 'none' ? 'The response is fine, I suppose.' : autojVerdict(q);
};

describe('judge (autoj)', () => {
  it('scores the last reply, in input order whatever the latency, passes rejects, sends the key only as a header', async () => {
    process.env.OPENAI_API_KEY = 'sk-test-secret-key';
    server = await startFakeJudge(autojJudge, { latencyMs: (r) => [40, 5, 25, 0, 15, 30][r.n % 6]! });
    const recs = [
      conv('hi', 'hello q=7'),
      conv('why', 'because q=3'),
      reject({ reason: 'malformed', source: { file: 'in.jsonl', line: 99 } }),
      conv('a', 'b q=9.5', 'c', 'd q=2'),
      conv('x', 'y q=10'),
    ];
    const dir = tempDir();
    const journal = join(dir, 'j.jsonl');
    const { out, counters } = await runJudge({ protocol: 'autoj', base_url: server.url, model: 'autoj-13b', concurrency: 4, journal }, recs, dir);
    expect(ids(out)).toEqual(['c1', 'c2', 'R:malformed:', 'c3', 'c4']);
    expect(out.filter((x) => !isReject(x)).map((x) => scoreOf(x))).toEqual([7, 3, 2, 10]);
    expect(server.requests).toHaveLength(4);
    for (const r of server.requests) {
      expect(r.authorization).toBe('Bearer sk-test-secret-key');
      expect(r.temperature).toBe(0);
      expect(r.messages).toHaveLength(1);
      expect(r.messages[0]!.content.startsWith("Write critiques for a submitted response on a given user's query")).toBe(true);
    }
    expect(readFileSync(journal, 'utf8')).not.toContain('sk-test-secret-key');
    expect(JSON.stringify(out)).not.toContain('sk-test-secret-key');
    expect(counters).toMatchObject({ judged: 4, requests_sent: 4 });
  });

  it('asks again when the verdict has no rating, then rejects judge_unparsed (never a score of 0)', async () => {
    let calls = 0;
    server = await startFakeJudge((r) => {
      const q = qualityOf(autojResponse(r.messages[0]!.content))!;
      // "late": unreadable on the first request only; "none": never readable.
      if (q === 'late') return ++calls === 1 ? 'Rating: [[seven]]' : autojVerdict('6');
      return autojJudge(r);
    });
    const recs = [conv('a', 'b q=none'), conv('c', 'd q=late')];
    const { out, counters } = await runJudge({ base_url: server.url, model: 'j', max_unparsed_retries: 2, journal: false }, recs);
    expect(ids(out)).toEqual([`R:judge_unparsed:${recs[0]!.id}`, recs[1]!.id]);
    const rej = out[0] as RejectMarker;
    expect(rej.detail).toContain('no score in 3 verdicts');
    expect(rej.detail).toContain('The response is fine');
    expect((rej.record as Conversation).scores).toBeUndefined();
    expect(scoreOf(out[1])).toBe(6);
    // Each retry is a new request: a different seed each time.
    const seeds = server.requests.filter((r) => r.messages[0]!.content.includes('q=none')).map((r) => r.seed);
    expect(seeds).toHaveLength(3);
    expect(new Set(seeds).size).toBe(3);
    expect(counters.judge_unparsed_retries).toBe(3);
  });

  it('resumes from its journal: a rerun sends only the requests not yet paid for', async () => {
    server = await startFakeJudge(autojJudge);
    const dir = tempDir();
    const recs = [conv('1', 'a q=1'), conv('2', 'b q=2'), conv('3', 'c q=3'), conv('4', 'd q=4')];
    const first = await runJudge({ base_url: server.url, model: 'j' }, recs.slice(0, 2), dir);
    expect(server.requests).toHaveLength(2);
    const again = await runJudge({ base_url: server.url, model: 'j' }, recs, dir);
    expect(server.requests).toHaveLength(4);
    expect(again.counters.journal_hits).toBe(2);
    expect(again.out.slice(0, 2)).toEqual(first.out);
    const third = await runJudge({ base_url: server.url, model: 'j' }, recs, dir);
    expect(server.requests).toHaveLength(4);
    expect(third.out).toEqual(again.out);
    expect(readFileSync(join(dir, '.sftforge/journal/judge-autoj.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('waits out a 429 with Retry-After and counts it; takes OPENAI_BASE_URL when base_url is not given', async () => {
    let limited = false;
    server = await startFakeJudge((r) => {
      if (!limited) {
        limited = true;
        return { status: 429, headers: { 'retry-after-ms': '120' } };
      }
      return autojJudge(r);
    });
    process.env.OPENAI_BASE_URL = server.url;
    const t0 = Date.now();
    const { out, counters } = await runJudge({ model: 'j', journal: false, request: { backoff_base_ms: 1 } }, [conv('q', 'r q=8')]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    expect(scoreOf(out[0])).toBe(8);
    expect(counters).toMatchObject({ retry_429: 1, requests_sent: 2 });
  });

  it('stops at the budget, saying where the paid replies are; a rerun with more budget sends only the rest', async () => {
    server = await startFakeJudge(autojJudge);
    const dir = tempDir();
    const recs = [conv('1', 'a q=1'), conv('2', 'b q=2'), conv('3', 'c q=3'), conv('4', 'd q=4')];
    await expect(runJudge({ base_url: server.url, model: 'j', concurrency: 1, budget: { max_requests: 2 } }, recs, dir)).rejects.toThrow(/budget reached: 2 requests[\s\S]*judge-autoj\.jsonl/);
    expect(server.requests).toHaveLength(2);
    const { out } = await runJudge({ base_url: server.url, model: 'j', budget: { max_requests: 4 } }, recs, dir);
    expect(out.map((x) => scoreOf(x))).toEqual([1, 2, 3, 4]);
    expect(server.requests).toHaveLength(4);
  });

  it('says what to do when no base URL is known', async () => {
    await expect(runJudge({ model: 'j' }, [])).rejects.toThrow(/no base URL for model j[\s\S]*OPENAI_BASE_URL/);
  });
});

describe('judge (mtbench, custom, per_turn) and filter_score', () => {
  it('mtbench: FastChat’s prompts and [[rating]]; per_turn scores every reply and filter_score takes the lowest', async () => {
    server = await startFakeJudge((r) => {
      expect(r.messages[0]!.role).toBe('system');
      const q = qualityOf(mtbenchAnswer(r.messages[1]!.content))!;
      return `Explanation.\n\nRating: [[${q}]]`;
    });
    const recs = [conv('q1', 'a1 q=8', 'q2', 'a2 q=4'), conv('q1', 'a1 q=9', 'q2', 'a2 q=7')];
    const { out } = await runJudge({ protocol: 'mtbench', name: 'mt', per_turn: true, base_url: server.url, model: 'gpt-4', journal: false }, recs);
    expect(out.map((x) => scoreOf(x, 'mt'))).toEqual([
      [8, 4],
      [9, 7],
    ]);
    // The second turn is graded with the multi-turn prompt.
    expect(server.requests.some((r) => r.messages[1]!.content.includes("<|The Start of Assistant A's Conversation with User|>"))).toBe(true);
    const f = await filterDef.create(filterDef.options.parse({ name: 'mt', min: 5 }), buildEnv('.', 'test'));
    const kept = await collect(f.run(asyncIterableOf(out), fakeCtx('filter_score')));
    expect(ids(kept)).toEqual(['R:low_score:c' + (n - 1), 'c' + n]);
    expect((kept[0] as RejectMarker).detail).toBe('mt score lowest of [8, 4] = 4 outside min 5');
  });

  it('custom: a template file and a regex', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'judge.txt'), 'Grade this.\nQuestion: {question}\nAnswer: {response}\nEnd with "Score: N".');
    server = await startFakeJudge((r) => {
      const q = qualityOf(/Answer: ([\s\S]*)\nEnd with/.exec(r.messages[0]!.content)![1]!)!;
      return `Hmm. Score: ${q}`;
    });
    const { out } = await runJudge(
      { protocol: 'custom', name: 'mine', template: 'judge.txt', score_regex: 'Score: (\\d+)', base_url: server.url, model: 'j', journal: false },
      [conv('q', 'a q=3')],
      dir,
    );
    expect(scoreOf(out[0], 'mine')).toBe(3);
    await expect(runJudge({ protocol: 'custom', template: 'judge.txt', base_url: server.url, model: 'j' }, [], dir)).rejects.toThrow(/needs template and score_regex/);
  });

  it('filter_score: min and max inclusive; a record without the score is rejected too', async () => {
    const f = await filterDef.create(filterDef.options.parse({ name: 'autoj', min: 5, max: 9 }), buildEnv('.', 'test'));
    const recs = [5, 9, 4.5, 9.5].map((s) => ({ ...conv('q', 'a'), scores: { autoj: s } }));
    const kept = await collect(f.run(asyncIterableOf([...recs, conv('q', 'a')]), fakeCtx('filter_score')));
    expect(kept.map((x) => (isReject(x) ? x.reason : scoreOf(x)))).toEqual([5, 9, 'low_score', 'low_score', 'low_score']);
    expect((kept[2] as RejectMarker).detail).toBe('autoj score 4.5 outside min 5, max 9');
    expect((kept[4] as RejectMarker).detail).toContain('no score named autoj');
  });
});

describe('judge pairwise', () => {
  it('asks in both orders; a preference counts only when both agree; the report gives the agreement rate', async () => {
    // Prefers the higher q=; on "biased" records it always says Response 1 (position bias).
    server = await startFakeJudge((r) => {
      const [a, b] = autojPair(r.messages[0]!.content);
      if (a.includes('biased') || b.includes('biased')) return 'So, the final decision is Response 1';
      const qa = Number(qualityOf(a));
      const qb = Number(qualityOf(b));
      return `So, the final decision is ${qa > qb ? 'Response 1' : qa < qb ? 'Response 2' : 'Tie'}.`;
    });
    const withSecond = (c: Conversation, other: string) => ({ ...c, meta: { reply_b: other } });
    const recs = [withSecond(conv('q', 'mine q=8'), 'other q=3'), withSecond(conv('q', 'mine q=2'), 'other q=6'), withSecond(conv('q', 'biased q=5'), 'other q=5'), conv('q', 'no second q=1')];
    const { out, counters } = await runJudge({ base_url: server.url, model: 'j', pairwise: true, second: 'meta.reply_b', journal: false }, recs);
    expect(ids(out)).toEqual(['c' + (n - 3), 'c' + (n - 2), 'c' + (n - 1), `R:judge_no_second:c${n}`]);
    expect(out.slice(0, 3).map((x) => scoreOf(x))).toEqual([1, 0, 0.5]);
    expect((out[0] as Conversation).candidates).toEqual([
      { content: 'mine q=8', score: 1 },
      { content: 'other q=3', score: 0 },
    ]);
    expect(server.requests).toHaveLength(6);
    expect(counters).toMatchObject({ pairwise_agree: 2, pairwise_inconsistent: 1, pairwise_first: 1, pairwise_second: 1, pairwise_agreement_rate: 0.6667 });
  });
});
