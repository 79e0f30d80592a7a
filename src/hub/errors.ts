/**
 * Errors a user meets when pushing to the Hub. Each has a one-line message that says what went
 * wrong, where, and what to do. Every message built from something the Hub or the network said
 * goes through `scrubSecret` first, so that a token never reaches a terminal or a log.
 */
import { SftforgeError } from '../core/errors.js';

/** Base class for push failures: the CLI exits non-zero on any of them. */
export class HubError extends SftforgeError {}

/** No token: neither HF_TOKEN nor --token-file gave one. */
export class NoTokenError extends HubError {}

/** The Hub refused the token (401), or the token is not shaped like a Hub token. */
export class TokenRefusedError extends HubError {}

/** The token is valid but may not write where asked (403, or a namespace that is not the user's). */
export class RepoAccessError extends HubError {}

/** The repository id is not one the Hub accepts. */
export class RepoNameError extends HubError {}

/** The Hub could not be reached at all (refused connection, unknown host, timeout). */
export class HubUnreachableError extends HubError {}

/** An upload that broke midway: running the same push again resumes it. */
export class UploadInterruptedError extends HubError {}

/** Any other answer from the Hub that is not a success. */
export class HubResponseError extends HubError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The folder given to push is not a dataset written by sftforge. */
export class NotADatasetError extends HubError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const REDACTED = 'hf_***';

/**
 * Removes a secret from any text. Also removes anything shaped like a Hub token, so that a token
 * echoed back by a proxy or a server in another form (a different token than ours) is not shown.
 */
export function scrubSecret(text: string, secret?: string): string {
  let out = text;
  if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  return out.replace(/\bhf_[A-Za-z0-9_-]{8,}/g, REDACTED);
}
