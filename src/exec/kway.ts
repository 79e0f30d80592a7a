/**
 * K-way merge of sorted streams by a numeric key (each rank's part is in input order; the
 * merged output must be too). A binary heap over the streams' heads: O(log k) per item.
 */
export interface Headed<T> {
  /** Which stream the item came from. */
  src: number;
  item: T;
}

export async function* kwayMerge<T>(sources: readonly AsyncIterator<T>[], key: (t: T) => number): AsyncGenerator<Headed<T>> {
  const heap: { k: number; src: number; item: T }[] = [];
  const less = (a: number, b: number) => heap[a]!.k < heap[b]!.k || (heap[a]!.k === heap[b]!.k && heap[a]!.src < heap[b]!.src);
  const swap = (a: number, b: number) => ([heap[a], heap[b]] = [heap[b]!, heap[a]!]);
  const push = (e: { k: number; src: number; item: T }) => {
    heap.push(e);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!less(i, p)) break;
      swap(i, p);
      i = p;
    }
  };
  const pop = () => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(l, m)) m = l;
        if (r < heap.length && less(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
    return top;
  };
  for (const [src, it] of sources.entries()) {
    const r = await it.next();
    if (!r.done) push({ k: key(r.value), src, item: r.value });
  }
  let prev = -Infinity;
  while (heap.length > 0) {
    const top = pop();
    if (top.k < prev) throw new Error(`merge: stream ${top.src} is not in order (key ${top.k} after ${prev})`);
    prev = top.k;
    yield { src: top.src, item: top.item };
    const r = await sources[top.src]!.next();
    if (!r.done) push({ k: key(r.value), src: top.src, item: r.value });
  }
}
