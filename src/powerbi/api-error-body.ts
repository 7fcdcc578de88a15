/**
 * Reads Microsoft's error code and message out of an error response body. Power BI uses
 * `{"error":{"code","message"}}` (sometimes with a "pbi.error" block and no message), throttling
 * uses a bare `{"message"}`, some gateways `{"Message"}`, and a few errors have an empty body
 * (see errors-and-limits.md, section 3).
 */
export interface ApiErrorBody {
  code?: string;
  message?: string;
}

export function readApiErrorBody(body: unknown): ApiErrorBody {
  const parsed = typeof body === 'string' ? tryParse(body) : body;
  if (!isRecord(parsed)) return {};
  const error = parsed.error;
  if (isRecord(error)) {
    const pbi = error['pbi.error'];
    const code = stringOf(error.code) ?? (isRecord(pbi) ? stringOf(pbi.code) : undefined);
    return { code, message: stringOf(error.message) ?? stringOf(parsed.message) };
  }
  if (typeof error === 'string') return { code: error, message: stringOf(parsed.error_description) };
  return { code: stringOf(parsed.code), message: stringOf(parsed.message) ?? stringOf(parsed.Message) };
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
