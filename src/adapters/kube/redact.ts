import type { User } from '@kubernetes/client-node';

/**
 * Credentials from a kubeconfig never leave the adapter in an error, `details` or a log line. The
 * adapter builds its own messages, but some text comes from outside (an API server's or a proxy's
 * error message, a transport error) and may echo what it was sent.
 */
export type Redact = (text: string) => string;

/** Every secret a kubeconfig user holds, in the forms it might be echoed in. */
export function secretsOfUsers(users: readonly User[]): string[] {
  const secrets: string[] = [];
  for (const user of users) {
    if (user.token) secrets.push(user.token);
    if (user.password) secrets.push(user.password, encodeURIComponent(user.password));
    if (user.username && user.password) secrets.push(Buffer.from(`${user.username}:${user.password}`).toString('base64'));
    if (user.keyData) secrets.push(user.keyData, Buffer.from(user.keyData, 'base64').toString('utf8'));
    const providerConfig: unknown = user.authProvider?.config;
    if (providerConfig && typeof providerConfig === 'object') {
      for (const [key, value] of Object.entries(providerConfig)) {
        if (typeof value === 'string' && /token|secret|key|passw/i.test(key)) secrets.push(value);
      }
    }
  }
  // Longest first, so a secret containing another is replaced whole; skip trivially short strings.
  return [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

export function makeRedactor(secrets: readonly string[]): Redact {
  return (text) => {
    let out = text.replace(/(\/\/)[^/@\s]+@/g, '$1[REDACTED]@');
    for (const secret of secrets) out = out.split(secret).join('[REDACTED]');
    return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [REDACTED]');
  };
}
