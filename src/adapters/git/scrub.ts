/**
 * Removes credentials from text git printed (stderr, URLs, our own log lines) before it reaches a log
 * or an error. The configured secrets go first, in every form git may echo them; then anything that
 * merely looks like a credential, because a host, a proxy or a hook can echo headers we never saw.
 */
export type Scrub = (text: string) => string;

const TOKEN_SHAPES: RegExp[] = [
  /(\/\/)[^/@\s]+@/g, // user-info in URLs
  /\b(authorization:\s*)(basic|bearer|token)\s+\S+/gi,
  /\b(basic|bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(gh[pousr]_|github_pat_|glpat-|gldt-|xox[abpr]-)[A-Za-z0-9_-]{10,}/g, // GitHub, GitLab, Slack token formats
];

export function makeScrub(secrets: string[]): Scrub {
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...secrets].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of ordered) out = out.split(secret).join('[REDACTED]');
    const [userInfo, header, scheme, shaped] = TOKEN_SHAPES as [RegExp, RegExp, RegExp, RegExp];
    return out
      .replace(userInfo, '$1[REDACTED]@')
      .replace(header, '$1$2 [REDACTED]')
      .replace(scheme, '$1 [REDACTED]')
      .replace(shaped, '[REDACTED]');
  };
}
