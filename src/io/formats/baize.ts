/**
 * `baize`: Baize's `{topic, input}` where `input` is a transcript with `[|Human|]` and `[|AI|]`
 * markers. As open-instruct's convert_baize_data: split on `[|Human|]`, drop the text before the
 * first one, skip rounds that are blank or have no `[|AI|]`, strip both halves. A round with two
 * `[|AI|]` markers (open-instruct raises) is rejected.
 */
import type { SourcePos } from '../../core/types.js';
import { pyStrip } from '../../format/templates/pystr.js';
import { assistant, bad, type Converted, conversation, type FormatOptions, strings, user } from './types.js';
import type { Turn } from '../../core/types.js';

export function convertBaize(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  const f = strings(value, source, 'baize', ['input']);
  if ('__reject' in f) return [f];
  const turns: Turn[] = [];
  const rounds = f.input.split('[|Human|]').slice(1);
  for (const [i, round] of rounds.entries()) {
    if (pyStrip(round) === '' || !round.includes('[|AI|]')) continue;
    const parts = round.split('[|AI|]');
    if (parts.length !== 2) return [bad(value, source, `round ${i + 1} has ${parts.length - 1} [|AI|] markers; expected one per [|Human|]`)];
    turns.push(user(pyStrip(parts[0]!)), assistant(pyStrip(parts[1]!)));
  }
  if (turns.length === 0) return [bad(value, source, 'no [|Human|] … [|AI|] round in `input`', 'empty_conversation')];
  return [conversation(value, source, turns, opts)];
}
