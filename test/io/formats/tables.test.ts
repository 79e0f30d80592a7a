/** Parquet and Arrow inputs, written by pyarrow and datasets (fixtures/make_tables.py). */
import { describe, expect, it } from 'vitest';
import { readTable } from '../../../src/io/formats/index.js';
import { collect } from '../../helpers/paths.js';
import { convert, expected, messagesOf, table } from './helpers.js';

describe('tables', () => {
  it('open_orca from Parquet (two row groups): the messages open-instruct writes, system turn even when empty', async () => {
    const { convs } = await convert([table('open_orca.parquet')], 'open_orca');
    const want = expected('open_orca');
    const byId = new Map(want.map((e) => [e.id, e.messages]));
    expect(convs.map((c) => messagesOf(c))).toEqual(convs.map((c) => byId.get(`open_orca_${c.id}`)));
    expect(convs).toHaveLength(want.length);
    expect(convs.map((c) => c.source.index)).toEqual([0, 1]);
  });

  it('detects open_orca from the rows', async () => {
    const { convs } = await convert([table('open_orca.parquet')], 'auto');
    expect(convs.map((c) => c.id)).toEqual(['niv.1', 't0.2']);
  });

  it('lima from a datasets.save_to_disk Arrow file: list<string> cells become arrays', async () => {
    const rows = await collect(readTable(table('lima/data-00000-of-00001.arrow')));
    expect(rows[0]!.value).toEqual({ conversations: ['Can brain cells move?', 'Yes, some neurons migrate during development.'], source: 'stackexchange' });
    const { convs } = await convert([table('lima/data-00000-of-00001.arrow')], 'auto');
    expect(convs.map(messagesOf)).toEqual(expected('lima').map((e) => e.messages));
  });

  it('nested Parquet cells (labels struct of lists) become plain objects', async () => {
    const rows = await collect(readTable(table('oasst_messages.parquet')));
    const a3 = rows.find((r) => (r.value as { message_id: string }).message_id === 'a3')!.value as { labels: unknown };
    expect(a3.labels).toEqual({ name: ['spam', 'quality'], value: [0, 0.9], count: [3, 3] });
  });
});
