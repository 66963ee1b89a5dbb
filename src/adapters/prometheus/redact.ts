/**
 * Credentials never leave the adapter in an error message, a log line or `details`. The base URL may
 * carry `user:password@`, a bearer token may be configured, and extra headers may hold API keys; a
 * proxy in front of Prometheus may even echo them back in an error page.
 */

export type Redact = (text: string) => string;

export interface SplitUrl {
  /** The base URL without user-info and without a trailing slash. */
  url: string;
  auth?: { username: string; password: string };
}

/** Takes `user:password@` out of the base URL so it travels only as an Authorization header. */
export function splitCredentials(baseUrl: string): SplitUrl {
  const parsed = new URL(baseUrl);
  const auth =
    parsed.username || parsed.password
      ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
      : undefined;
  parsed.username = '';
  parsed.password = '';
  const url = parsed.toString().replace(/\/+$/, '');
  return auth ? { url, auth } : { url };
}

const SENSITIVE_HEADER = /auth|token|key|secret|cookie|session|passw/i;

/** Secrets that must not appear in any text we emit, in every form they might be echoed in. */
export function secretsOf(options: {
  auth?: { username: string; password: string } | undefined;
  bearerToken?: string | undefined;
  headers?: Record<string, string> | undefined;
}): string[] {
  const secrets: string[] = [];
  const { auth, bearerToken, headers } = options;
  if (auth) {
    const pair = `${auth.username}:${auth.password}`;
    secrets.push(pair, encodeURIComponent(auth.password), auth.password, Buffer.from(pair).toString('base64'));
  }
  if (bearerToken) secrets.push(bearerToken);
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (SENSITIVE_HEADER.test(name) && value) secrets.push(value);
  }
  // Longest first, so a secret containing another is replaced whole; skip trivially short strings.
  return [...new Set(secrets)].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
}

export function makeRedactor(secrets: string[]): Redact {
  return (text) => {
    let out = text.replace(/(\/\/)[^/@\s]+@/g, '$1[REDACTED]@');
    for (const secret of secrets) out = out.split(secret).join('[REDACTED]');
    return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 [REDACTED]');
  };
}
