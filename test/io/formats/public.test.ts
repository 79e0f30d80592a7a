/** The public samples in ../shared through convertFile with `auto`: detected, converted, nothing silently lost. */
import { describe, expect, it } from 'vitest';
import { detectFormat, readValues } from '../../../src/io/formats/index.js';
import { collect, sharedData } from '../../helpers/paths.js';
import { convert } from './helpers.js';

const files: [string, string, number][] = [
  ['public/FastChat_dummy_conversation.json', 'sharegpt', 500],
  ['public/DialogStudio_ShareGPT_original_example.json', 'sharegpt', 5],
  ['public/MedicalGPT_sharegpt_zh_1K_format.jsonl', 'sharegpt', 1000],
  ['public/LLaMA-Factory_glaive_toolcall_en_demo.json', 'sharegpt_tools', 300],
  ['public/openai-cookbook_toy_chat_fine_tuning.jsonl', 'openai', 5],
  ['public/UltraChat_train_record0.jsonl', 'ultrachat', 1],
];

describe('public samples, format auto', () => {
  for (const [file, format, n] of files) {
    it(`${file}: ${format}`, async () => {
      const values = await collect(readValues(sharedData(file)));
      const first = values.find((v) => !('__reject' in v)) as { value: unknown };
      expect(detectFormat(first.value)).toBe(format);
      const { all } = await convert([sharedData(file)], 'auto');
      expect(all).toHaveLength(n);
    });
  }
});
