/**
 * `write_messages`: conversations as messages JSONL (`{id, dataset, messages:[{role, content}]}`,
 * src/io/writers/messages.ts), in arrival order, with PATH.rejects.jsonl and PATH.report.json
 * beside it. Records pass on, so a pipeline can write several outputs.
 */
import { defineStage } from '../../core/registry.js';
import { toMessages } from '../writers/messages.js';
import { jsonLinesStage, WriterOptions, writerOutput } from './write_jsonl.js';

export default defineStage({
  name: 'write_messages',
  description: 'write conversations as messages JSONL ({id, dataset, messages:[{role, content}]}) for TRL, axolotl, open-instruct',
  kind: 'io',
  options: WriterOptions.strict(),
  scope: 'global',
  output: (o, env) => writerOutput(o, env),
  create: (o, env) => jsonLinesStage('write_messages', writerOutput(o, env).path, (c) => [toMessages(c)]),
});
