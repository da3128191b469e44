/**
 * Error taxonomy. Every error has a stable `code`. `LocalError`s are our own mistakes or
 * misuse (a bug, a bad call); `RemoteError`s are caused by what a peer sent us.
 */
export abstract class TipringError extends Error {
  abstract readonly code: string;
  readonly context: Record<string, unknown>;

  constructor(message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.context = options.context ?? {};
  }
}

/** Our side is at fault (programming error, illegal state transition, misuse of an API). */
export class LocalError extends TipringError {
  readonly code: string;
  constructor(code: string, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, options);
    this.code = code;
  }
}

/** The peer is at fault (malformed or unexpected input from the network or a device). */
export class RemoteError extends TipringError {
  readonly code: string;
  constructor(code: string, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, options);
    this.code = code;
  }
}

/** Thrown by a state machine asked to make a transition its table does not allow. */
export class IllegalTransitionError extends LocalError {
  constructor(machine: string, from: string, event: string) {
    super('illegal-transition', `${machine}: no transition from '${from}' on '${event}'`, {
      context: { machine, from, event },
    });
  }
}

export function isTipringError(e: unknown): e is TipringError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && 'context' in e;
}
