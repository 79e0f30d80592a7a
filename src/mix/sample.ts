/**
 * Which rows of a source a mixture takes, as open-instruct's DatasetConfig.select_samples: the
 * whole source `target // size` times in order, then `target % size` rows drawn without
 * replacement by `np.random.RandomState(seed).choice(size, extra, replace=False)`. A target below
 * the size is therefore a seeded sample; equal to it, the source in order.
 */
import { LegacyRandomState } from './numpy_random.js';

export function selectIndices(size: number, target: number, seed: number): Uint32Array {
  if (target === 0) return new Uint32Array(0);
  if (size === 0) throw new RangeError('cannot take records from an empty source');
  const full = Math.floor(target / size);
  const extra = target % size;
  const out = new Uint32Array(target);
  for (let r = 0; r < full; r++) for (let i = 0; i < size; i++) out[r * size + i] = i;
  if (extra > 0) out.set(new LegacyRandomState(seed).sampleWithoutReplacement(size, extra), full * size);
  return out;
}
