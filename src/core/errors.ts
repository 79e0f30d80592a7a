/** Explicit error classes: each says what was wrong, where, and what to do. */

export class SftforgeError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(hint ? `${message}\n  hint: ${hint}` : message);
    this.name = new.target.name;
  }
}

/** Bad command-line usage or options. Exit code 2. */
export class UsageError extends SftforgeError {}

/** An input file that cannot be read at all (missing, unreadable, unknown format). */
export class InputError extends SftforgeError {
  constructor(readonly file: string, message: string, hint?: string) {
    super(`${file}: ${message}`, hint);
  }
}

/** A config or pipeline file that does not validate. */
export class ConfigError extends SftforgeError {
  constructor(readonly file: string, message: string, hint?: string) {
    super(`${file}: ${message}`, hint);
  }
}
