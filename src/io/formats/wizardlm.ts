/**
 * `wizardlm`: WizardLM evol-instruct V2, `{idx, conversations:[{from:'human'|'gpt', value}]}`,
 * strict pairs human then gpt (open-instruct's convert_wizardlm_data asserts this; here a record
 * that breaks it is rejected). The id is `idx`.
 */
import type { SourcePos, Turn } from '../../core/types.js';
import { bad, type Converted, conversation, type FormatOptions, idOf, isObj, typeName } from './types.js';

export function convertWizardlm(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  if (!isObj(value)) return [bad(value, source, `the record is ${typeName(value)}, not an object (wizardlm form)`)];
  const list = value.conversations;
  const id = idOf(value, source, 'idx');
  if (!Array.isArray(list)) return [bad(value, source, `\`conversations\` is ${typeName(list)}, not an array`, 'malformed', id)];
  if (list.length % 2 !== 0) return [bad(value, source, `\`conversations\` has ${list.length} messages; wizardlm needs human/gpt pairs`, 'wrong_alternation', id)];
  const turns: Turn[] = [];
  for (const [i, m] of list.entries()) {
    const want = i % 2 === 0 ? 'human' : 'gpt';
    if (!isObj(m) || typeof m.value !== 'string') return [bad(value, source, `conversations[${i}] has no string \`value\``, 'malformed', id)];
    if (m.from !== want) return [bad(value, source, `conversations[${i}] is from ${JSON.stringify(m.from)}, expected "${want}"`, 'wrong_alternation', id)];
    turns.push({ role: i % 2 === 0 ? 'user' : 'assistant', content: m.value });
  }
  return [conversation(value, source, turns, opts, id)];
}
