// TanStack's `CancelledError` and `isCancelledError`: what a cancelled fetch rejects its
// waiters with. The engine makes these errors (an `Error` named 'CancelledError'); the
// class answers `instanceof` for them, so code ported from TanStack that checks either way
// works. `new CancelledError({ revert, silent })` makes one, as TanStack's does.

export class CancelledError extends Error {
  constructor(options) {
    super('CancelledError');
    this.name = 'CancelledError';
    this.revert = options?.revert;
    this.silent = options?.silent;
  }

  static [Symbol.hasInstance](value) {
    return value instanceof Error && value.name === 'CancelledError';
  }
}

export function isCancelledError(value) {
  return value instanceof CancelledError;
}
