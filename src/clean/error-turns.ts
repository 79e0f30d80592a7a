/**
 * ChatGPT UI error messages that ShareGPT scraped as if they were answers. Matched against the
 * whole (short) turn so that an answer that merely mentions "network error" is kept.
 */
export const ERROR_TURN_PATTERNS: readonly RegExp[] = [
  /^too many requests in 1 hour\. try again later\.?$/i,
  /^too many requests, please slow down\.?$/i,
  /^an error occurred\b.*$/i,
  /^network error\.?$/i,
  /^something went wrong\b.*$/i,
  /^there was an error generating a response\.?$/i,
  /^error in body stream\.?$/i,
  /^hmm\.{3}\s*something seems to have gone wrong\.?$/i,
  /^the message you submitted was too long\b.*$/i,
  /^you've reached our limit of messages per hour\b.*$/i,
  /^only one message at a time\b.*$/i,
];

/** Longer than this, a turn is an answer, not a UI error banner. */
const MAX_ERROR_LEN = 300;

export function isErrorTurn(text: string): boolean {
  const t = text.trim();
  if (t.length === 0 || t.length > MAX_ERROR_LEN) return false;
  return ERROR_TURN_PATTERNS.some((re) => re.test(t));
}
