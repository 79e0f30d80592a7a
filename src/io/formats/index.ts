/**
 * The input formats: their snake_case names and aliases, detection from a record, and the two
 * entry points the read and mix stages call: `convertRecord` (one parsed value → conversations
 * or rejects) and `convertFile` (a whole file, for formats that need it and for mixing).
 */
import { UsageError } from '../../core/errors.js';
import { prepend } from '../../core/iter.js';
import type { Conversation, RejectMarker, SourcePos } from '../../core/types.js';
import { convertAlpaca } from './alpaca.js';
import { convertBaize } from './baize.js';
import { convertChatgptExport } from './chatgpt_export.js';
import { convertCot } from './cot.js';
import { detectFormat } from './detect.js';
import { convertDolly } from './dolly.js';
import { convertFlan } from './flan.js';
import { convertLima } from './lima.js';
import { PyRandom } from './mt19937.js';
import { convertOasst } from './oasst.js';
import { convertOasstMessages } from './oasst_messages.js';
import { convertOpenOrca } from './open_orca.js';
import { convertPromptCompletion } from './prompt_completion.js';
import { convertScience } from './science.js';
import { convertSelfInstruct } from './self_instruct.js';
import { convertSuperNi } from './super_ni.js';
import { FORMAT_ALIASES, canonicalFormat, formatNames } from './names.js';
import { convertMessages, convertShareGptTools } from './tools.js';
import { bad, type FormatOptions, isObj, type RecordConverter, typeName } from './types.js';
import { convertUnnatural } from './unnatural.js';
import { readValues, type ValueLayout } from './values.js';
import { convertWizardlm } from './wizardlm.js';

export type { FormatOptions, Converted, RecordConverter } from './types.js';
export { detectFormat };
export { readValues, type SourcedValue } from './values.js';
export { readTable, tableKind } from './table.js';

export interface FormatDef {
  name: string;
  aliases: readonly string[];
  /** One line for `--help` and docs. */
  description: string;
  convert: RecordConverter;
  /** How the file is read when not by extension: `object` = one JSON value for the whole file. */
  layout?: ValueLayout;
  /** Read by sftforge's page reader (HTML): read.ts, not convertFile. */
  pages?: boolean;
}

const sharegpt: RecordConverter = (v, s, o) => convertMessages('sharegpt', v, s, o);

export const FORMATS: readonly FormatDef[] = [
  { name: 'sharegpt', aliases: FORMAT_ALIASES.sharegpt, description: 'ShareGPT {conversations:[{from, value}]}; tool turns (function_call/observation) and `tools` too', convert: sharegpt },
  { name: 'sharegpt_pages', aliases: FORMAT_ALIASES.sharegpt_pages, description: 'saved ShareGPT HTML pages (read.ts)', convert: sharegpt, pages: true },
  {
    name: 'sharegpt_tools',
    aliases: FORMAT_ALIASES.sharegpt_tools,
    description: 'ShareGPT with function_call/observation turns and a `tools` list (LLaMA-Factory)',
    convert: (v, s, o) => (isObj(v) ? convertShareGptTools(v, s, o) : [bad(v, s, `the record is ${typeName(v)}, not an object`)]),
  },
  {
    name: 'openai',
    aliases: FORMAT_ALIASES.openai,
    description: 'OpenAI chat {messages:[{role, content}]} (open-instruct output too); tool_calls/tool roles kept',
    convert: (v, s, o) => convertMessages('openai', v, s, o),
  },
  { name: 'ultrachat', aliases: FORMAT_ALIASES.ultrachat, description: 'UltraChat {id, data:[u, a, ...]}', convert: (v, s, o) => convertMessages('ultrachat', v, s, o) },
  { name: 'alpaca', aliases: FORMAT_ALIASES.alpaca, description: 'Alpaca {instruction, input, output}', convert: convertAlpaca },
  { name: 'dolly', aliases: FORMAT_ALIASES.dolly, description: 'Dolly {instruction, context, response, category}', convert: convertDolly },
  { name: 'self_instruct', aliases: FORMAT_ALIASES.self_instruct, description: 'Self-Instruct {instruction, input, output}', convert: convertSelfInstruct },
  { name: 'unnatural', aliases: FORMAT_ALIASES.unnatural, description: 'Unnatural Instructions {instruction, instances:[{input, constraints, output}]}', convert: convertUnnatural },
  { name: 'super_ni', aliases: FORMAT_ALIASES.super_ni, description: 'Super-NaturalInstructions task file {Definition, Positive Examples, Instances}', convert: convertSuperNi, layout: 'object' },
  { name: 'flan', aliases: FORMAT_ALIASES.flan, description: 'FLAN v2 {inputs, targets}', convert: convertFlan },
  { name: 'cot', aliases: FORMAT_ALIASES.cot, description: 'FLAN chain-of-thought {inputs, targets}', convert: convertCot },
  { name: 'baize', aliases: FORMAT_ALIASES.baize, description: 'Baize {input: "[|Human|] … [|AI|] …"}', convert: convertBaize },
  { name: 'lima', aliases: FORMAT_ALIASES.lima, description: 'LIMA {conversations:[str, ...]}', convert: convertLima },
  { name: 'wizardlm', aliases: FORMAT_ALIASES.wizardlm, description: 'WizardLM evol-instruct {idx, conversations:[{from, value}]}', convert: convertWizardlm },
  { name: 'open_orca', aliases: FORMAT_ALIASES.open_orca, description: 'OpenOrca {id, system_prompt, question, response}', convert: convertOpenOrca },
  { name: 'oasst', aliases: FORMAT_ALIASES.oasst, description: 'OpenAssistant trees export {message_tree_id, prompt}, or the flat messages export (whole file)', convert: convertOasst },
  { name: 'prompt_completion', aliases: FORMAT_ALIASES.prompt_completion, description: 'OpenAI legacy fine-tuning {prompt, completion}', convert: convertPromptCompletion },
  { name: 'science', aliases: FORMAT_ALIASES.science, description: 'Tülu v2 science data {dataset, input, output}', convert: convertScience },
  { name: 'chatgpt_export', aliases: FORMAT_ALIASES.chatgpt_export, description: 'ChatGPT data export conversations.json [{mapping, current_node}]', convert: convertChatgptExport },
];

const BY_NAME = new Map<string, FormatDef>(FORMATS.map((f) => [f.name, f]));
// The light list (./names.ts, what the command line checks) and this table must name the same formats.
if (formatNames().join() !== FORMATS.map((f) => f.name).join()) throw new Error('src/io/formats/names.ts and index.ts list different formats');

export { formatNames };

/** The definition for a name or alias (case-insensitive); 'auto' and unknown names give undefined. */
export function lookupFormat(name: string): FormatDef | undefined {
  const canonical = canonicalFormat(name);
  return canonical === undefined ? undefined : BY_NAME.get(canonical);
}

/** The canonical name of `name`, or a UsageError listing the names. */
export function resolveFormat(name: string): string {
  if (name === 'auto') return name;
  const f = lookupFormat(name);
  if (!f) throw new UsageError(`unknown input format ${JSON.stringify(name)}`, `use auto or one of: ${formatNames().join(', ')}`);
  return f.name;
}

/**
 * One parsed value → conversations or rejects. `format` is a name, an alias or `auto` (detected
 * per record; a record no format fits is a `wrong_format` reject). Throws UsageError for an
 * unknown format name.
 */
export function convertRecord(value: unknown, format: string, source: SourcePos, opts: FormatOptions = {}): Array<Conversation | RejectMarker> {
  const name = format === 'auto' ? detectFormat(value) : resolveFormat(format);
  if (name === undefined) {
    const keys = isObj(value) ? Object.keys(value).slice(0, 8).join(', ') : typeName(value);
    return [bad(value, source, `no input format fits this record (keys: ${keys}); pass the format explicitly`, 'wrong_format')];
  }
  return lookupFormat(name)!.convert(value, source, opts);
}

/** Whether a format (given a sample record) needs the whole file rather than record by record. */
export function needsWholeFile(format: string, sample?: unknown): boolean {
  const name = format === 'auto' ? detectFormat(sample) : resolveFormat(format);
  if (name === 'super_ni') return true;
  return name === 'oasst' && isObj(sample) && !isObj(sample.prompt) && 'parent_id' in sample;
}

/**
 * Every conversation of a file: read by extension/content (Parquet, Arrow, JSONL, JSON array or
 * one object), the format taken from `format` or, for `auto`, detected on the first record.
 * Flat OASST message rows are grouped into trees here; every other format goes record by record.
 */
export async function* convertFile(file: string, format: string, options: FormatOptions = {}): AsyncGenerator<Conversation | RejectMarker> {
  let opts = options;
  if (!opts.stream) opts = { ...opts, stream: new PyRandom(opts.seed ?? 42) };
  const name = format === 'auto' ? 'auto' : resolveFormat(format);
  const def = name === 'auto' ? undefined : lookupFormat(name)!;
  if (def?.pages) throw new UsageError(`format ${name} is read by the read stage's page reader, not convertFile`, 'use the read stage for HTML pages');
  const values = readValues(file, def?.layout === 'object' && !/\.(parquet|pq|arrow|feather|ipc)$/i.test(file) ? 'object' : undefined);
  const first = await values.next();
  if (first.done) return;
  const head = first.value;
  const detected = name !== 'auto' ? name : '__reject' in head ? undefined : detectFormat(head.value);
  if (name === 'auto' && detected === undefined && !('__reject' in head)) {
    throw new UsageError(`${file}: the input format cannot be detected from its first record`, `pass the format explicitly (${formatNames().join(', ')})`);
  }
  const all = () => prepend(head, values);
  if (!('__reject' in head) && needsWholeFile(detected ?? 'auto', head.value) && detected === 'oasst') {
    yield* convertOasstMessages(all(), opts);
    return;
  }
  for await (const item of all()) {
    if ('__reject' in item) yield item;
    else yield* convertRecord(item.value, detected ?? 'auto', item.source, opts);
  }
}
