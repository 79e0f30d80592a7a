/**
 * `write_messages`: conversations as messages JSONL (`{id, dataset, messages:[{role, content}]}`,
 * src/io/writers/messages.ts), in arrival order, with PATH.rejects.jsonl and PATH.report.json
 * beside it. Records pass on, so a pipeline can write several outputs.
 */
import { committable } from '../../core/outputs.js';
import { defineStage } from '../../core/registry.js';
import { isReject, type Conversation } from '../../core/types.js';
import { MessagesWriter } from '../writers/messages.js';
import { WriterOptions, writerOutput } from './write_jsonl.js';

export default defineStage({
  name: 'write_messages',
  description: 'write conversations as messages JSONL ({id, dataset, messages:[{role, content}]}) for TRL, axolotl, open-instruct',
  kind: 'io',
  options: WriterOptions.strict(),
  scope: 'global',
  output: (o, env) => writerOutput(o, env.cwd),
  create(o, env) {
    const { path } = writerOutput(o, env.cwd);
    return {
      name: 'write_messages',
      async *run(input, ctx) {
        const writer = await new MessagesWriter(path).open();
        ctx.outputs.add(committable(writer));
        for await (const item of input) {
          if (!isReject(item)) await writer.write(item as Conversation);
          yield item;
        }
      },
    };
  },
});
