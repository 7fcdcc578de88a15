/**
 * Reads Microsoft's error code and message out of an error response body. Power BI uses
 * `{"error":{"code","message"}}` (sometimes with a "pbi.error" block and no message), throttling
 * uses a bare `{"message"}`, some gateways `{"Message"}`, the Fabric API `{"errorCode","message"}`, and a few errors have an empty body
 * (see errors-and-limits.md, section 3). Both are cut (MAX_VENDOR_MESSAGE_CHARS, MAX_VENDOR_CODE_CHARS):
 * they come from the server and end up in log lines and error messages.
 */
export interface ApiErrorBody {
  code?: string;
  message?: string;
}

export const MAX_VENDOR_MESSAGE_CHARS = 300;
export const MAX_VENDOR_CODE_CHARS = 100;

export function readApiErrorBody(body: unknown): ApiErrorBody {
  const { code, message } = readUncut(body);
  return {
    ...(code !== undefined && { code: cut(code, MAX_VENDOR_CODE_CHARS) }),
    ...(message !== undefined && { message: cut(message, MAX_VENDOR_MESSAGE_CHARS) }),
  };
}

/** At most `max` characters, an ellipsis included when cut; never half of a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

function readUncut(body: unknown): ApiErrorBody {
  const parsed = typeof body === 'string' ? tryParse(body) : body;
  if (!isRecord(parsed)) return {};
  const error = parsed.error;
  if (isRecord(error)) {
    const pbi = error['pbi.error'];
    const code = stringOf(error.code) ?? (isRecord(pbi) ? stringOf(pbi.code) : undefined);
    return { code, message: stringOf(error.message) ?? stringOf(parsed.message) };
  }
  if (typeof error === 'string') return { code: error, message: stringOf(parsed.error_description) };
  // Fabric: {"requestId", "errorCode", "message", "moreDetails"}.
  const code = stringOf(parsed.code) ?? stringOf(parsed.errorCode);
  return { code, message: stringOf(parsed.message) ?? stringOf(parsed.Message) };
}

function tryParse(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
