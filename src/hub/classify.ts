/**
 * Turns whatever a push threw (the library's HubApiError, fetch's network TypeError, our own
 * errors) into one of the error classes in errors.ts, with a one-line message that says what
 * to do. Every message is scrubbed of the token.
 */
import { HubApiError } from '@huggingface/hub';
import { SftforgeError } from '../core/errors.js';
import { HubError, HubResponseError, HubUnreachableError, RepoAccessError, RepoNameError, TokenRefusedError, UploadInterruptedError, scrubSecret } from './errors.js';

export interface ErrorContext {
  repo: string;
  hubUrl: string;
  token?: string;
  /** What the push was doing: picks the message for errors that mean different things per step. */
  step: 'whoami' | 'list' | 'create' | 'branch' | 'upload' | 'commit';
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

/** The network error code hidden in fetch's `TypeError: fetch failed` (its cause, or the cause's cause). */
export function networkCode(e: unknown): string | undefined {
  for (let c: unknown = e, depth = 0; c && depth < 4; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && (UNREACHABLE.has(code) || DROPPED.has(code))) return code;
    const errors = (c as { errors?: unknown }).errors;
    if (Array.isArray(errors)) for (const x of errors) if (typeof x?.code === 'string' && UNREACHABLE.has(x.code)) return x.code;
  }
  return undefined;
}

export function classifyError(e: unknown, ctx: ErrorContext): SftforgeError {
  const s = (text: string) => scrubSecret(text, ctx.token);
  if (e instanceof SftforgeError) {
    // Ours already say what to do; scrub anyway, they may quote a server's words.
    e.message = s(e.message);
    return e;
  }
  if (e instanceof HubApiError) return fromApiError(e, ctx, s);
  const code = networkCode(e);
  const host = ctx.hubUrl;
  if (code && UNREACHABLE.has(code)) {
    return new HubUnreachableError(`cannot reach the Hub at ${host} (${code}): check the network connection${ctx.hubUrl.includes('huggingface.co') ? '' : ' and --hub-url'}, then run the push again`);
  }
  if ((e as Error)?.name === 'AbortError') {
    return new UploadInterruptedError(`push to ${ctx.repo} interrupted before its commit: run the same push again; files already uploaded are not sent again`);
  }
  if (code || /other side closed|socket hang up|terminated/i.test(String((e as Error)?.message))) {
    return new UploadInterruptedError(
      `the connection to ${host} broke while ${stepText(ctx.step)} ${ctx.repo} (${code ?? s(String((e as Error)?.message))}): run the same push again; files already uploaded are not sent again`,
    );
  }
  const cause = (e as { cause?: { message?: unknown } })?.cause?.message;
  const what = `${(e as Error)?.message ?? String(e)}${typeof cause === 'string' ? ` (${cause})` : ''}`;
  return new HubError(s(`push to ${ctx.repo} failed while ${stepText(ctx.step)} it: ${what}`.replace(/\s*\n\s*/g, ' ')));
}

function fromApiError(e: HubApiError, ctx: ErrorContext, s: (t: string) => string): SftforgeError {
  // The library appends ". URL: ..." to the server's message; keep only what the server said.
  const said = s(
    e.message
      .replace(/\.\s*URL: .*$/s, '')
      .trim()
      .replace(/\s*\n\s*/g, ' '),
  );
  const status = e.statusCode;
  if (status === 401) {
    return new TokenRefusedError(`the Hub at ${ctx.hubUrl} refused the token (401: ${said}): set HF_TOKEN or --token-file to a valid token from https://huggingface.co/settings/tokens`);
  }
  if (status === 403) {
    return new RepoAccessError(`no write access to dataset ${ctx.repo} (403: ${said}): use a token with write permission, or push to a namespace you own`);
  }
  if (ctx.step === 'create' && (status === 400 || status === 422)) {
    return new RepoNameError(`the Hub rejected the name ${ctx.repo} (${status}: ${said}): use letters, digits, "-", "_" and "." only, at most 96 characters`);
  }
  if (status >= 500) {
    return new HubResponseError(`the Hub answered ${status} while ${stepText(ctx.step)} ${ctx.repo} (${said}): try again later; the push resumes where it stopped`, status);
  }
  return new HubResponseError(`the Hub answered ${status} while ${stepText(ctx.step)} ${ctx.repo}: ${said}`, status);
}

function stepText(step: ErrorContext['step']): string {
  return {
    whoami: 'checking the token for',
    list: 'listing the files of',
    create: 'creating',
    branch: 'creating the branch of',
    upload: 'uploading to',
    commit: 'committing to',
  }[step];
}

/** The Hub's own rule for repo names (huggingface_hub's validate_repo_id), checked before any request. */
export function checkRepoId(repo: string): void {
  const parts = repo.split('/');
  const part = /^\w[\w.-]*$/;
  const bad =
    parts.length !== 2 || parts.some((p) => !part.test(p) || p.endsWith('.') || p.endsWith('-')) || repo.includes('--') || repo.includes('..') || repo.endsWith('.git') || parts[1]!.length > 96;
  if (bad) {
    throw new RepoNameError(
      `--repo "${repo}" is not a valid dataset id: write NAMESPACE/NAME with letters, digits, "-", "_" and "." (no "--" or "..", not ending in .git, name at most 96 characters)`,
    );
  }
}
