/**
 * The default redaction rules: secrets (provider keys, cloud and chat tokens, JWTs, private
 * keys, credentials in URLs and high-entropy `key=value` pairs) and PII (e-mail addresses,
 * phone numbers, Luhn-checked card numbers, mod-97-checked IBANs). Rules are data; pass your
 * own list to `redact` or `createRedactor` to change them.
 */

/** One pattern that finds something to hide. */
export interface RedactionRule {
  /** Stable id, shown in the replacement: `[REDACTED:<id>]`. */
  id: string;
  kind: 'secret' | 'pii';
  /**
   * A global regular expression. When it has a named group `keep`, that group (which must be
   * the start of the match) is kept and only the rest is replaced.
   */
  pattern: RegExp;
  /**
   * A cheap test that must pass for `pattern` to match at all (a literal every match contains),
   * so strings without it skip the pattern, and long texts run it only on the lines that have
   * it. Not global. A rule whose matches can span lines must also set `multiline`.
   */
  hint?: RegExp;
  /** Matches may span lines: the pattern always runs on the whole text. */
  multiline?: boolean;
  /**
   * Confirms a candidate (the match without `keep`), given the match's named groups too; a
   * rejected candidate is left as is.
   */
  validate?: (candidate: string, groups?: Readonly<Record<string, string | undefined>>) => boolean;
  /**
   * Also look for this secret across adjacent string fields of an object, so that a key split
   * over two fields is still caught. Only for rules with a distinctive prefix.
   */
  crossField?: boolean;
  /**
   * For rules whose matches can contain whitespace: matches the end of a text that may be the
   * start of such a match (`Bearer `, `password = `, `+44 20 `), so that a stream guard holds the
   * text back until the match can be seen whole. Not global. A rule without it is assumed never
   * to match across whitespace.
   */
  partial?: RegExp;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/** True when the digits of `text` pass the Luhn check (card numbers). */
export function luhnValid(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** True when `text` (spaces allowed) is an IBAN with a valid ISO 13616 mod-97 checksum. */
export function ibanValid(text: string): boolean {
  const iban = text.replace(/ /g, '').toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

const hasLetterAndDigit = (text: string) => /[A-Za-z]/.test(text) && /\d/.test(text);

/**
 * How often `text` switches between a letter and a digit: random text does it all the time
 * (`Kq7mAdm1nUr4`), names and words once or twice (`www-data1`, `gpt-4o`).
 */
export const letterDigitSwitches = (text: string) =>
  text.match(/(?<=[A-Za-z])\d|(?<=\d)[A-Za-z]/g)?.length ?? 0;

const cardValid = (candidate: string) => {
  const digits = candidate.replace(/\D/g, '');
  return digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && luhnValid(digits);
};

const phoneValid = (candidate: string) => {
  const digits = candidate.replace(/\D/g, '').length;
  return digits >= 9 && digits <= 15;
};

/** File extensions that look like top-level domains in `name@2x.png` asset names. */
const ASSET_EXTENSIONS = /\.(?:png|jpe?g|gif|svg|webp|ico|js|mjs|cjs|ts|tsx|jsx|css|map|json)$/i;

/**
 * Values that stand for a secret in documentation: `YOUR_API_KEY`, `<password>`, `$TOKEN`,
 * `sk-ant-api03-...`.
 */
const PLACEHOLDER = /^[$<{]|\.\.\.|…|^(?:your|my)[_-]|^(?:pass(?:word)?|secret|changeme|x+|\*+)$/i;

/** The 8-4-4-4-12 shape of a UUID: an id, not a credential. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Values at least this long, mixing letters and digits, this random, are secrets. */
const MIN_SECRET_ENTROPY = 3.2;

/**
 * A key of a service no other rule knows (a Honeycomb ingest key, the secret part of a
 * webhook URL, a base64 blob): a run of 16 or more letters, digits and `_` that switches
 * between letters and digits five times or more, as random text does and words, versions,
 * dates and model names do not (`claude-3-5-sonnet-20241022`). A run of hex digits alone is a
 * hash, a commit or an id, and is kept. Not a default rule: logs hold random request, trace and
 * response ids, which it would hide. For text where such a run is a secret, such as documents.
 */
export const RANDOM_TOKEN_RULE: RedactionRule = Object.freeze({
  id: 'random-token',
  kind: 'secret',
  pattern: /(?<!\w)\w{16,}(?!\w)/g,
  validate: (token: string) => !/^[\da-f]+$/i.test(token) && letterDigitSwitches(token) >= 5,
});

/** The rules `redact` applies by default, in order. */
export const DEFAULT_REDACTION_RULES: readonly RedactionRule[] = Object.freeze([
  {
    id: 'private-key',
    hint: /-----BEGIN /,
    multiline: true,
    // The header so far, or a key whose END line has not come yet.
    partial:
      /-----BEGIN [A-Z0-9 ]*(?:PRIVATE KEY(?: BLOCK)?-----(?:(?!-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)[\s\S])*)?$/,
    kind: 'secret',
    // A truncated key (no END line) is redacted to the end of the text.
    pattern:
      /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    crossField: true,
  },
  {
    id: 'jwt',
    hint: /eyJ/,
    kind: 'secret',
    // Starts only where a base64url run starts: with `\b`, every `-eyJ` inside a run was a new
    // start that rescanned the rest of the run (quadratic on `eyJ-eyJ-...`).
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g,
    crossField: true,
  },
  {
    id: 'anthropic-key',
    hint: /sk-ant-/,
    kind: 'secret',
    pattern: /\bsk-ant-(?:api|admin|oat)\d{2}-[A-Za-z0-9_-]{20,}/g,
    crossField: true,
  },
  {
    id: 'openai-key',
    hint: /sk-/,
    kind: 'secret',
    pattern: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}/g,
    validate: hasLetterAndDigit,
    crossField: true,
  },
  {
    id: 'github-token',
    hint: /gh[pousr]_|github_pat_/,
    kind: 'secret',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})/g,
    crossField: true,
  },
  {
    id: 'slack-token',
    hint: /xox|hooks\.slack\.com/,
    kind: 'secret',
    pattern:
      /\bxox[abposre]-[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/g,
    crossField: true,
  },
  {
    id: 'aws-access-key',
    hint: /A[KSBC][IC]A/,
    kind: 'secret',
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
    crossField: true,
  },
  {
    id: 'gitlab-token',
    hint: /gl[a-z]{1,4}-/,
    kind: 'secret',
    pattern: /\bgl(?:pat|dt|ptt|rt|soat|cbt|ft|imt|oas)-[A-Za-z0-9_-]{20,}/g,
    crossField: true,
  },
  {
    id: 'stripe-key',
    hint: /_live_|_test_|whsec_/,
    kind: 'secret',
    // Secret and restricted keys and webhook signing secrets (`pk_` keys are public).
    pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|\bwhsec_[A-Za-z0-9+/=]{24,}/g,
    crossField: true,
  },
  {
    id: 'google-api-key',
    hint: /AIza/,
    kind: 'secret',
    pattern: /\bAIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g,
    crossField: true,
  },
  {
    id: 'sendgrid-key',
    hint: /SG\./,
    kind: 'secret',
    pattern: /\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{20,64}/g,
    crossField: true,
  },
  {
    id: 'huggingface-token',
    hint: /hf_/,
    kind: 'secret',
    pattern: /\bhf_[A-Za-z0-9]{30,}/g,
    validate: (token) => /[a-z]/.test(token.slice(3)) && /[A-Z]/.test(token),
    crossField: true,
  },
  {
    id: 'telegram-bot-token',
    hint: /:AA/,
    kind: 'secret',
    // `<bot id>:AA<35 characters>`, also inside an API URL (`/bot<token>/setWebhook`).
    pattern: /(?:(?<![A-Za-z0-9])|(?<=\/bot))\d{8,10}:AA[A-Za-z0-9_-]{30,40}(?![A-Za-z0-9_-])/g,
    crossField: true,
  },
  {
    id: 'package-registry-token',
    hint: /npm_|pypi-/,
    kind: 'secret',
    // npm access tokens and PyPI API tokens.
    pattern: /\bnpm_[A-Za-z0-9]{36}(?![A-Za-z0-9])|\bpypi-AgE[A-Za-z0-9_-]{50,}/g,
    crossField: true,
  },
  {
    id: 'azure-sas-signature',
    hint: /sig=/,
    kind: 'secret',
    // The `sig` of an Azure shared access signature (an HMAC-SHA256 in base64, URL-encoded in a
    // URL: `%2B`, `%2F`, `%3D`), in a SAS URL or token; the SAS's other fields (`sv=`, `se=`,
    // `sp=`) say what it grants and stay.
    pattern: /(?<keep>(?<![\w-])sig=)(?:[A-Za-z0-9+/]|%2[BbFf]){40,}(?:=|%3[Dd]){0,2}/g,
    validate: hasLetterAndDigit,
  },
  {
    id: 'bearer-token',
    hint: /Bearer|Basic|uthorization|UTHORIZATION/,
    partial:
      /\b(?:Bearer|Basic)[ \t]+$|\b(?:[Aa]uthorization|AUTHORIZATION)["']?[ \t]*(?:[:=][ \t]*["']?(?:[A-Za-z]+[ \t]+)?)?$/,
    kind: 'secret',
    // `Bearer <token>`, `Basic <token>`, and an `Authorization:` header line with any scheme
    // (`Token <token>`, `Key <token>`) or none.
    pattern:
      /(?<keep>\b(?:Bearer|Basic)[ \t]+|\b(?:[Aa]uthorization|AUTHORIZATION)["']?[ \t]*[:=][ \t]*["']?(?:[A-Za-z]+[ \t]+)?)[A-Za-z0-9._~+/-]{12,}=*/g,
  },
  {
    id: 'cli-user-password',
    hint: /-u|--user/,
    partial: /(?<![\w-])(?:-u|--user)(?:[ \t]+|=)?["']?(?:[^\s:"'$<{]{1,64}:?)?$/,
    kind: 'secret',
    // `curl -u user:password`, `--user=user:password`: the user is kept. A password switches
    // between letters and digits as random text does and is no path or placeholder:
    // `docker run --user www-data:www-data1` and `rsync -u host:/srv/data2/` name no password.
    pattern: /(?<keep>(?<![\w-])(?:-u|--user)(?:[ \t]+|=)["']?[^\s:"'$<{]{1,64}:)[^\s"'`,;]{6,}/g,
    validate: (password) =>
      letterDigitSwitches(password) >= 3 && !password.includes('/') && !PLACEHOLDER.test(password),
  },
  {
    id: 'cli-header-secret',
    hint: /-H|--header/,
    partial: /(?<![\w-])(?:-H|--header)(?:[ \t]+|=)?["']?(?:[A-Za-z0-9_-]{1,64}:?[ \t]*)?$/,
    kind: 'secret',
    // A command line's header named for a credential (`-H "X-Admin-Token: ..."`,
    // `X-Mock-Admin`, `X-Session`) whose value is random; not `Idempotency-Key: <uuid>`.
    pattern:
      /(?<keep>(?<![\w-])(?:-H|--header)(?:[ \t]+|=)["']?[A-Za-z0-9_-]{0,40}(?:key|token|secret|auth|admin|pass|session|signature|credential)[A-Za-z0-9_-]{0,40}:[ \t]*)[^\s"'`,;]{16,}/gi,
    validate: (value) =>
      hasLetterAndDigit(value) && shannonEntropy(value) >= 3.5 && !UUID.test(value),
  },
  {
    id: 'url-credentials',
    hint: /:\/\//,
    kind: 'secret',
    pattern: /(?<keep>:\/\/)[^\s:/@]{0,256}:[^\s/@]{1,256}(?=@)/g,
  },
  {
    id: 'key-value-secret',
    hint: /[:=|]/,
    partial:
      /(?:key|token|secret|passw(?:or)?d|pwd|credentials?|auth|signature|session|cookie)[A-Za-z0-9_.-]{0,40}?["'`]?[ \t]*(?:[:=|][ \t]*["'`]?)?$/i,
    kind: 'secret',
    // `api_key=...`, `"client_secret": "..."`, `AWS_SECRET_ACCESS_KEY: ...`, `password=...`,
    // `Cookie: sid=...`, a code-span name (`` `DB_PASSWORD`: ... ``), and a markdown table's
    // `| DB_PASSWORD | ... |` when the name ends in the keyword (not `| tokenModel | ... |`):
    // anchored on the keyword (whatever precedes it stays), which keeps the scan fast. A name
    // that is `key` alone names a cache's or a breaker's key as often as a credential (it is no
    // sensitive key of an object either): its value must switch between letters and digits as
    // random text does (`key: 'openai:gpt-4o'` stays).
    pattern:
      /(?<keep>(?:(?<bare>(?<![A-Za-z0-9_.$-])key(?=["'`]?[ \t]*[:=]))|key|token|secret|passw(?:or)?d|pwd|credentials?|auth|signature|session|cookie)[A-Za-z0-9_.-]{0,40}?["'`]?[ \t]*[:=][ \t]*["'`]?|(?:key|token|secret|passw(?:or)?d|pwd|credentials?)["'`]?[ \t]*\|[ \t]*["'`]?)[^\s"'`,;(){}<>[\]|]{12,}/gi,
    validate: (value, groups) =>
      hasLetterAndDigit(value) &&
      shannonEntropy(value) >= MIN_SECRET_ENTROPY &&
      !PLACEHOLDER.test(value) &&
      (groups?.bare === undefined || letterDigitSwitches(value) >= 3),
  },
  {
    id: 'email',
    hint: /@/,
    kind: 'pii',
    pattern:
      /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g,
    validate: (email) => !ASSET_EXTENSIONS.test(email),
  },
  {
    id: 'iban',
    hint: /[A-Z]{2}\d\d/,
    partial: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){0,6} $/,
    kind: 'pii',
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g,
    validate: ibanValid,
  },
  {
    id: 'card-number',
    hint: /\d{4}/,
    partial: /\d[ \t]$/,
    kind: 'pii',
    pattern: /\b\d(?:[ -]?\d){12,18}\b/g,
    validate: cardValid,
  },
  {
    id: 'phone',
    hint: /\d\d\d|\+\d/,
    partial: /[\d)+][ \t]$/,
    kind: 'pii',
    // International (+CC ...), North American (415) 555-0100 / 415-555-0100, and national
    // numbers with a trunk 0 (020 7946 0958). Separators are required for the national forms.
    pattern:
      /(?:\+[1-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|\(\d{3}\) ?\d{3}[ .-]\d{4}|\b\d{3}[.-]\d{3}[.-]\d{4}|\b0[1-9]\d{0,3}[ -]\d{3,4}[ -]\d{3,4})\b/g,
    validate: phoneValid,
  },
]);
