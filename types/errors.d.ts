// The two error classes every API throws. Re-exported from index.d.ts.

/** An input that cannot be processed safely. `code` is stable; the message never holds a value. */
export declare class CustomerioSecurityError extends Error {
  readonly code: string
}

/** Misuse of the API. `code` is stable; the message never holds a secret. */
export declare class CustomerioSecurityTypeError extends TypeError {
  readonly code: string
}
