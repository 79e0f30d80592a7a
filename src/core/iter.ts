/** Small helpers over async iterators. */

/**
 * `head`, then the rest of `rest`: an iterator whose first item was taken to look at it. Stopping
 * early closes `rest` too, wherever the consumer stopped.
 */
export async function* prepend<T>(head: T, rest: AsyncIterator<T>): AsyncGenerator<T> {
  try {
    yield head;
    for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
  } finally {
    await rest.return?.(undefined);
  }
}
