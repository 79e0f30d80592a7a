/**
 * `open_orca`: OpenOrca rows `{id, system_prompt, question, response}` (its Parquet files, read
 * with table.ts). As open-instruct's convert_open_orca_data the system turn is always written,
 * empty when the row's system prompt is empty.
 */
import type { SourcePos } from '../../core/types.js';
import { assistant, type Converted, conversation, type FormatOptions, strings, user } from './types.js';

export function convertOpenOrca(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  const f = strings(value, source, 'open_orca', ['system_prompt', 'question', 'response'], ['system_prompt']);
  if ('__reject' in f) return [f];
  return [conversation(value, source, [{ role: 'system', content: f.system_prompt }, user(f.question), assistant(f.response)], opts)];
}
