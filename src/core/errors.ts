/** Explicit error classes: each says what was wrong, where, and what to do. */

export class SftforgeError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(hint ? `${message}\n  hint: ${hint}` : message);
    this.name = new.target.name;
  }
}

/** Bad command-line usage or options. Exit code 2. */
export class UsageError extends SftforgeError {}

/** An input file that cannot be read at all (missing, unreadable, unknown format). */
export class InputError extends SftforgeError {
  constructor(
    readonly file: string,
    message: string,
    hint?: string,
  ) {
    super(`${file}: ${message}`, hint);
  }
}

/** A config or pipeline file that does not validate. */
export class ConfigError extends SftforgeError {
  constructor(
    readonly file: string,
    message: string,
    hint?: string,
  ) {
    super(`${file}: ${message}`, hint);
  }
}

/**
 * The machine or file system refused an output (disk full, read-only, no permission, too many
 * open files, a folder gone): not a bug and not the data. One line naming the path and what to do.
 */
export class EnvironmentError extends SftforgeError {
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
    hint: string,
  ) {
    super(message, hint);
  }
}

const FS_ADVICE: Record<string, [string, string]> = {
  ENOSPC: ['no space left on the device', 'free space there or write the output elsewhere; nothing was committed and temporary files were removed'],
  EDQUOT: ['the disk quota is exceeded', 'free space within the quota or write the output elsewhere'],
  EROFS: ['the file system is read-only', 'choose an output folder on a writable file system'],
  EACCES: ['permission denied', 'check the permissions of the folder, or choose another output path'],
  EPERM: ['the operation is not permitted', 'check the permissions and attributes of the folder, or choose another output path'],
  EMFILE: ['too many open files in this process', 'raise the limit (`ulimit -n`) or use fewer workers'],
  ENFILE: ['too many open files on this system', 'close other programs or raise the system limit'],
  ENOENT: ['a folder on the path does not exist (or was removed during the run)', 'check the output path; the folder must stay in place while the run writes'],
  ENOTDIR: ['a part of the path is a file, not a folder', 'check the output path'],
  EISDIR: ['the path is a folder, not a file', 'give a file path for this output'],
  EEXIST: ['the path already exists and cannot be replaced', 'remove it or choose another output path'],
  EIO: ['an input/output error from the device', 'check the disk (dmesg) and try again'],
};

/** An error from the file system while writing `path`, as one line that says what to do; undefined for other errors. */
export function describeFsError(err: unknown, path: string): SftforgeError | undefined {
  if (err instanceof SftforgeError) return err;
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return undefined;
  const advice = FS_ADVICE[code];
  if (!advice) return undefined;
  return new EnvironmentError(path, code, `cannot write ${path}: ${advice[0]} (${code})`, advice[1]);
}

/** One line saying how a worker failed on a record, for a `worker_crash` reject's detail. */
export function describeCrash(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string };
  const what =
    e?.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'the worker ran out of memory' : e?.name === 'AbortError' || e?.name === 'TimeoutError' ? 'the worker ran past the time limit' : 'the worker failed';
  const msg = String(e?.message ?? err)
    .split('\n', 1)[0]!
    .slice(0, 300);
  return `${what} on this record alone (${e?.code ? `${e.code}: ` : ''}${msg})`;
}
