/**
 * Credentials out of every message a person or a log may read: a database URL's `authToken`
 * (libsql://…?authToken=…, http(s)://…?authToken=…), user:password@ in a URL, bearer tokens,
 * and any configured secret that appears literally. Pure.
 * @example redactSecrets('libsql://db.turso.io?authToken=eyJ…') // → 'libsql://db.turso.io?authToken=***'
 */

const QUERY_SECRET = /([?&;](?:authToken|auth_token|access_token|token|jwt|password|secret|key)=)[^&\s#'"`]+/gi;
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@'"`]+:[^/\s@'"`]+@/gi;
const BEARER = /(\bBearer\s+)[A-Za-z0-9._~+/=-]+/g;

/** Literal secrets shorter than this are not searched for (they would match ordinary words). */
const MIN_SECRET_LENGTH = 6;

export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text.replace(QUERY_SECRET, '$1***').replace(USERINFO, '$1***@').replace(BEARER, '$1***');
  for (const s of secrets) if (s && s.length >= MIN_SECRET_LENGTH) out = out.split(s).join('***');
  return out;
}

/** The secrets of a configuration, for redactSecrets. */
export function secretsOf(config: {
  LARK_APP_SECRET?: string;
  LARK_ENCRYPT_KEY?: string;
  LARK_VERIFICATION_TOKEN?: string;
  DATABASE_AUTH_TOKEN?: string;
}): string[] {
  return [config.LARK_APP_SECRET, config.LARK_ENCRYPT_KEY, config.LARK_VERIFICATION_TOKEN, config.DATABASE_AUTH_TOKEN].filter((s): s is string => Boolean(s));
}

/** Every string inside a value (a serialized error, its cause chain), redacted. */
export function redactDeep<T>(value: T, secrets: ReadonlyArray<string | undefined> = [], depth = 0): T {
  if (typeof value === 'string') return redactSecrets(value, secrets) as T;
  // An Error keeps its own shape: the logger's err serializer redacts it.
  if (depth > 8 || !value || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, secrets, depth + 1);
  return out as T;
}
