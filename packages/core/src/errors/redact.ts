/**
 * Secret scrubbing for anything that may leave the process: error messages,
 * log hooks, reports. Patterns catch what SDKs put in messages (signatures,
 * credentials, SSE-C keys); registered secrets catch the rest by value.
 */

const registeredSecrets = new Set<string>();

/** Registers a value (a secret key, a token, an SSE-C key) that must never be printed. */
export function registerSecret(secret: string | undefined | null): void {
  if (typeof secret === 'string' && secret.length >= 4) registeredSecrets.add(secret);
}

const PATTERNS: Array<[RegExp, string]> = [
  [/(X-Amz-Signature=)[0-9a-fA-F]+/gi, '$1[REDACTED]'],
  [/(X-Amz-Credential=)[^&\s"']+/gi, '$1[REDACTED]'],
  [/(X-Amz-Security-Token=)[^&\s"']+/gi, '$1[REDACTED]'],
  [/(Signature=)[0-9a-fA-F]{16,}/g, '$1[REDACTED]'],
  [/(Credential=)[^,\s"']+/g, '$1[REDACTED]'],
  [/(Authorization["']?\s*[:=]\s*["']?)[^"'\n]+/gi, '$1[REDACTED]'],
  [/(x-amz-server-side-encryption-customer-key(?:-md5)?["']?\s*[:=]\s*["']?)[^"'\n,}]+/gi, '$1[REDACTED]'],
  [/(x-amz-security-token["']?\s*[:=]\s*["']?)[^"'\n,}]+/gi, '$1[REDACTED]'],
  [/(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/g, '$1[REDACTED]'],
  [/((?:secret(?:Access)?Key|sessionToken|apiKey|api_key|secret_access_key|password)["']?\s*[:=]\s*["']?)[^"'\s,}]+/gi, '$1[REDACTED]'],
];

/** Replaces every registered secret and every known secret-bearing pattern. */
export function redact(text: string): string {
  let out = text;
  for (const secret of registeredSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  }
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}
