/** Every error a user can cause is an Int8rtError with a stable `code`. */
export type ErrorCode =
  | 'ERR_INVALID_ARG'
  | 'ERR_SHAPE'
  | 'ERR_DTYPE'
  | 'ERR_UNSUPPORTED_OP'
  | 'ERR_ONNX_PARSE'
  | 'ERR_PLAN_CORRUPT'
  | 'ERR_PLAN_VERSION'
  | 'ERR_NONFINITE'
  | 'ERR_NO_CUDA'
  | 'ERR_CUDA'
  | 'ERR_OOM'
  | 'ERR_DISPOSED'
  | 'ERR_INTERNAL';

export class Int8rtError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'Int8rtError';
    this.code = code;
  }
}

/** Message in the form `Expected <what> for <name> but received <value>`. */
export function invalid(what: string, name: string, value: unknown, code: ErrorCode = 'ERR_INVALID_ARG'): Int8rtError {
  return new Int8rtError(code, `Expected ${what} for ${name} but received ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  return `a ${(value as object).constructor?.name ?? 'object'}`;
}
