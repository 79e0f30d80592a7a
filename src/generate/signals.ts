/**
 * Ctrl-C for a generation run. First SIGINT (or SIGTERM): start nothing new; requests in flight
 * finish and are journaled, so nothing paid for is thrown away. Second: abort those requests too;
 * the journal is still flushed before exit. Either way the same command resumes.
 */
export interface StopSignals {
  /** Aborted on the first signal. */
  graceful: AbortSignal;
  /** Aborted on the second. */
  hard: AbortSignal;
  dispose(): void;
}

export function stopSignals(stream: NodeJS.WritableStream = process.stderr): StopSignals {
  const graceful = new AbortController();
  const hard = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (!graceful.signal.aborted) {
      stream.write(`\n${sig}: finishing the requests in flight and saving them (Ctrl-C again to abort them)\n`);
      graceful.abort(new Error(sig));
    } else if (!hard.signal.aborted) {
      stream.write(`\n${sig}: aborting the requests in flight; the journal is kept\n`);
      hard.abort(new Error(sig));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    graceful: graceful.signal,
    hard: hard.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
