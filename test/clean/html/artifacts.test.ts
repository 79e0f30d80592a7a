import { describe, expect, test } from 'vitest';
import { stripShareGptArtifacts } from '../../../src/clean/html/index.js';

const strip = (s: string) => stripShareGptArtifacts(s);

describe('stripShareGptArtifacts', () => {
  test('regenerate counter at the start: alone on the first line or glued to the text', () => {
    expect(strip('2 / 2Write a poem about the sea.')).toEqual({ text: 'Write a poem about the sea.', removed: 1 });
    expect(strip('3 / 3\nWrite a poem.')).toEqual({ text: 'Write a poem.', removed: 1 });
    expect(strip('1 / 2写一首诗')).toEqual({ text: '写一首诗', removed: 1 });
  });

  test('regenerate counter glued at the end (MedicalGPT / ShareGPT user turns)', () => {
    expect(strip('La Presse 的员工是否曾遭受性侵指控？1 / 1')).toEqual({ text: 'La Presse 的员工是否曾遭受性侵指控？', removed: 1 });
    expect(strip('Explain monads.\n2 / 2')).toEqual({ text: 'Explain monads.', removed: 1 });
  });

  test('fractions and ratios in text are not counters', () => {
    for (const s of [
      '1 / 2 cup of flour, then stir.',
      'Add 1 / 2 cup of sugar',
      'Mix flour and\n1 / 2 cup milk',
      'The ratio is 3 / 4',
      'Score: 10 / 3 is more than 3',
      '3 / 2 is not a counter (3 > 2)Yes',
      'Page 12 / 100 of the report',
      'Solve for x: x=1 / 2',
      'What is (3+1 / 2',
    ]) {
      expect(strip(s)).toEqual({ text: s, removed: 0 });
    }
  });

  test('Copy N chars / N words and stray Copy code lines go, outside code only', () => {
    const input = 'Here is code:\nCopy code\n```js\nconsole.log("Copy code")\nCopy code\n```\nDone.\nCopy 120 chars / 21 words';
    expect(strip(input)).toEqual({
      text: 'Here is code:\n```js\nconsole.log("Copy code")\nCopy code\n```\nDone.',
      removed: 2,
    });
    expect(strip('Answer text.Copy 1,024 chars / 180 words')).toEqual({ text: 'Answer text.', removed: 1 });
  });

  test('fences inside list items are tracked too', () => {
    const input = '1. Step\n\n   ```\n   Copy code\n   ```\n';
    expect(strip(input)).toEqual({ text: input, removed: 0 });
  });

  test('an untouched turn comes back byte-identical (no trimming)', () => {
    expect(strip('  spaced  \n')).toEqual({ text: '  spaced  \n', removed: 0 });
  });
});
