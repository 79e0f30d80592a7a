import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadGenerateConfig } from '../../src/generate/config.js';
import { sharedData } from '../helpers/paths.js';

// UltraChat's published taxonomy (figures of thunlp/UltraChat, transcribed in ../shared).
const taxonomy = JSON.parse(readFileSync(sharedData('ultrachat', 'ultrachat_taxonomy.json'), 'utf8')) as {
  meta_topics_questions_about_the_world: string[];
  writing_types_writing_and_creation: string[];
};

describe('configs/ultrachat.yaml follows the published UltraChat taxonomy', () => {
  const cfg = loadGenerateConfig();
  it('has the 20 published writing types, in the published order', () => {
    expect(taxonomy.writing_types_writing_and_creation).toHaveLength(20);
    expect(cfg.sectors.creation.material_types).toEqual(taxonomy.writing_types_writing_and_creation);
  });
  it('has the 30 published meta-topics', () => {
    expect(cfg.sectors.world.meta_topics).toEqual(taxonomy.meta_topics_questions_about_the_world);
  });
});
