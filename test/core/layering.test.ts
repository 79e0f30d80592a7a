/**
 * The shape of the code, checked: no import cycles (madge), `core` imports no feature, and the
 * executor (src/exec) imports nothing but core — features register stages, the engine runs them.
 */
import madge from 'madge';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function graph(): Promise<Record<string, string[]>> {
  const res = await madge(`${root}src`, { fileExtensions: ['ts'], tsConfig: `${root}tsconfig.json`, detectiveOptions: { ts: { skipTypeImports: true } } });
  return res.obj();
}

describe('layering', () => {
  it('has no import cycles', async () => {
    const res = await madge(`${root}src`, { fileExtensions: ['ts'], tsConfig: `${root}tsconfig.json`, detectiveOptions: { ts: { skipTypeImports: true } } });
    expect(res.circular()).toEqual([]);
  }, 120_000);

  it('core imports nothing from the features, the executor only core', async () => {
    const g = await graph();
    const bad: string[] = [];
    for (const [file, deps] of Object.entries(g)) {
      if (file.startsWith('core/')) for (const d of deps) if (!d.startsWith('core/')) bad.push(`${file} → ${d}`);
      if (file.startsWith('exec/')) for (const d of deps) if (!d.startsWith('core/') && !d.startsWith('exec/')) bad.push(`${file} → ${d}`);
    }
    expect(bad).toEqual([]);
    // The test is not vacuous: the graph holds the engine's files.
    expect(Object.keys(g)).toEqual(expect.arrayContaining(['core/runner.ts', 'exec/executor.ts', 'stages.ts']));
  }, 120_000);
});
