/** Unwinding on a requested stop (Ctrl-C, budget): nothing is lost, the journal holds everything done. */
export class StopRequested extends Error {
  constructor() {
    super('stop requested');
  }
}
