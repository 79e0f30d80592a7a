/**
 * CPython's `random.seed(int)` + `random.shuffle(list)`, so an epoch's row order equals OpenChat's
 * `generate_epoch`: `random.seed(seed + epoch); random.shuffle(lines)`. One implementation of
 * CPython's generator serves the instruction templates too (src/io/formats/mt19937.ts).
 */
export { PyRandom, pyShuffledOrder } from '../../io/formats/mt19937.js';
