import { memoByKey } from './key-memo.js';

/**
 * What an attribute key (or a query parameter, JSON field or JWT claim name)
 * says its value is. Keys are read as words — split at separators, camelCase
 * and digits, lowercased — so `x-api-key`, `apiKey` and `API_KEY` read alike.
 */
export interface KeyKind {
  /** A credential: password, token, API key, cookie, authorization header, private key. */
  secret: boolean;
  phone: boolean;
  cardCode: boolean;
  cardExpiry: boolean;
  /** 'month' or 'year' when the key names only that part of a card expiry. */
  cardExpiryPart: 'month' | 'year' | undefined;
  ssn: boolean;
  /** National identifiers other than the SSN: passport, driving licence, national id or insurance number. */
  nationalId: boolean;
  birthDate: boolean;
  streetAddress: boolean;
  bankAccount: boolean;
  /** Names personal data whose value the key-led detectors judge (phone, card code, SSN …): any of the above. */
  personal: boolean;
  /** Names an id, count, time or size: a bare run of digits under it is that, not a card or phone number. */
  numeric: boolean;
  /** Semantic-convention infrastructure (addresses of hosts and peers, user agents): never personal data here. */
  infrastructure: boolean;
  /** A small number telling kinds apart, for caches of clean values (0: an ordinary key). */
  id: number;
}

/** Whole-word forms that people write joined. */
const JOINED: Record<string, string[]> = {
  apikey: ['api', 'key'],
  accesstoken: ['access', 'token'],
  authtoken: ['auth', 'token'],
  refreshtoken: ['refresh', 'token'],
  idtoken: ['id', 'token'],
  clientsecret: ['client', 'secret'],
  privatekey: ['private', 'key'],
  secretkey: ['secret', 'key'],
  sessionid: ['session', 'id'],
  jsessionid: ['session', 'id'],
  phonenumber: ['phone', 'number'],
  cardnumber: ['card', 'number'],
  creditcard: ['credit', 'card'],
  securitycode: ['security', 'code'],
  accountnumber: ['account', 'number'],
  dateofbirth: ['date', 'of', 'birth'],
  birthdate: ['birth', 'date'],
  birthday: ['birth', 'day'],
  streetaddress: ['street', 'address'],
  addressline: ['address', 'line'],
  expdate: ['exp', 'date'],
  ccexp: ['cc', 'exp'],
};

/** The words of a key, lowercased: a linear walk (keys are strangers' data too). */
export function keyWords(key: string): string[] {
  const words: string[] = [];
  let word = '';
  const flush = (): void => {
    if (word) words.push(...(JOINED[word] ?? [word]));
    word = '';
  };
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    const kind = charKind(c);
    if (kind === 0) {
      flush();
      continue;
    }
    if (word) {
      const previous = charKind(key[i - 1]!);
      const next = i + 1 < key.length ? charKind(key[i + 1]!) : 0;
      // lower|digit -> Upper ("apiKey"), Upper -> Upper lower ("APIKey"), letter <-> digit ("cvv2").
      const boundary = (kind === 2 && previous !== 2) || (kind === 2 && previous === 2 && next === 1) || (kind === 3) !== (previous === 3);
      if (boundary) flush();
    }
    word += c.toLowerCase();
  }
  flush();
  return words;
}

/** 0 separator, 1 lowercase or other letter, 2 uppercase, 3 digit. */
function charKind(c: string): number {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return 3;
  if (code >= 65 && code <= 90) return 2;
  if (code >= 97 && code <= 122) return 1;
  return code > 127 ? 1 : 0;
}

const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'credential', 'credentials', 'cookie', 'cookies', 'authorization']);
/** `<word> key` is a credential: api key, access key, private key … */
const KEY_QUALIFIERS = new Set(['api', 'access', 'private', 'secret', 'signing', 'encryption', 'master', 'client', 'app', 'auth', 'license', 'subscription', 'shared', 'storage', 'account']);
/** A word after the secret word that makes the key about the secret, not the secret: `token.type`, `password.length`, `api_key_id`. */
const ABOUT_A_SECRET = new Set([
  'id', 'ids', 'name', 'names', 'type', 'kind', 'count', 'length', 'len', 'size', 'expires', 'expiry', 'expiration', 'expired', 'ttl', 'age',
  'version', 'arn', 'ref', 'uri', 'url', 'endpoint', 'path', 'file', 'location', 'policy', 'rotation', 'status', 'source', 'provider', 'scheme',
  'format', 'algorithm', 'alg', 'usage', 'limit', 'present', 'provided', 'enabled', 'required', 'valid', 'error', 'changed', 'updated',
  'created', 'reset', 'at', 'strength', 'attempts', 'result', 'decision', 'outcome', 'level', 'mode', 'method', 'scope', 'scopes', 'issuer',
  'consent', 'banner', 'domain', 'samesite', 'secure', 'httponly',
]);
/** Tokens that are not credentials: pagination and idempotency tokens, and the tokens of language models. */
const NOT_A_CREDENTIAL_TOKEN = new Set(['page', 'next', 'continuation', 'sync', 'resume', 'cancellation', 'cancel', 'delta', 'change', 'idempotency', 'input', 'output', 'prompt', 'completion', 'total', 'max', 'cached', 'reasoning']);

function isSecret(words: string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const credential = SECRET_WORDS.has(word) ? !(word === 'token' && i > 0 && NOT_A_CREDENTIAL_TOKEN.has(words[i - 1]!)) : word === 'key' && i > 0 && KEY_QUALIFIERS.has(words[i - 1]!);
    if (credential && !words.slice(i + 1).some((after) => ABOUT_A_SECRET.has(after))) return true;
  }
  return false;
}

/** Words that may follow a name of personal data without changing what the value is (`phone_number`, `ssn.value`). */
const NUMBER_WORDS = new Set(['number', 'no', 'num', 'nr', 'value', 'e', '164', 'international', 'national', 'full', 'raw']);

/** Whether the words end with one of `names` (word sequences), or do once trailing number words are set aside. */
function endsWith(words: string[], ...names: string[][]): boolean {
  let stripped = words.length;
  while (stripped > 0 && NUMBER_WORDS.has(words[stripped - 1]!)) stripped--;
  const endsAt = (end: number): boolean => names.some((name) => name.length <= end && name.every((word, i) => words[end - name.length + i] === word));
  return endsAt(words.length) || (stripped < words.length && endsAt(stripped));
}

const CARD_CONTEXT = new Set(['card', 'cc', 'credit', 'payment', 'pan']);
const EXPIRY_WORDS = new Set(['exp', 'expiry', 'expiration', 'expires', 'expire']);
const STREET_QUALIFIERS = new Set(['street', 'home', 'postal', 'mailing', 'billing', 'shipping', 'residential', 'residence', 'delivery', 'physical']);

/** Keys the semantic conventions define as infrastructure: hosts, peers, networks, user agents. */
const INFRASTRUCTURE_KEYS = new Set([
  'client.address', 'client.port', 'source.address', 'source.port', 'destination.address', 'destination.port', 'url.domain', 'url.port', 'url.scheme',
  'http.host', 'http.server_name', 'http.client_ip', 'user_agent.original', 'user_agent.name', 'user_agent.version', 'http.user_agent',
  'peer.address', 'peer.hostname', 'peer.ipv4', 'peer.ipv6', 'peer.service',
  'cloud.provider', 'cloud.platform', 'cloud.region', 'cloud.availability_zone', 'cloud.account.id', 'cloud.resource_id',
  'container.id', 'container.name', 'container.image.name', 'container.image.id', 'container.image.tags', 'container.runtime',
  'service.name', 'service.namespace', 'service.version', 'service.instance.id',
]);
/** Namespaces whose every convention names a host, a network, an OS or an orchestrator (not `process.*`: command lines carry passwords). */
const INFRASTRUCTURE_NAMESPACES = ['server.', 'network.', 'net.', 'host.', 'os.', 'k8s.', 'telemetry.'];

function isInfrastructure(key: string): boolean {
  return INFRASTRUCTURE_KEYS.has(key) || INFRASTRUCTURE_NAMESPACES.some((namespace) => key.startsWith(namespace));
}

const NUMERIC_ENDINGS = new Set(['id', 'ids', 'uuid', 'guid', 'hash', 'sha', 'digest', 'checksum', 'ts', 'time', 'timestamp', 'epoch', 'nanos', 'millis', 'micros', 'seconds', 'ms', 'ns', 'us', 'count', 'size', 'bytes', 'length', 'offset', 'seq', 'sequence', 'version', 'port', 'pid', 'tid', 'index', 'partition']);

function describeKey(key: string): KeyKind {
  const words = keyWords(key);
  const has = (word: string): boolean => words.includes(word);
  const cardContext = words.some((word) => CARD_CONTEXT.has(word));
  const cardExpiry = cardContext && words.some((word) => EXPIRY_WORDS.has(word));
  const kind: KeyKind = {
    secret: isSecret(words),
    phone: endsWith(words, ['phone'], ['mobile'], ['msisdn'], ['tel'], ['telephone'], ['fax'], ['cellphone']),
    cardCode: endsWith(words, ['cvv'], ['cvc'], ['cvv', '2'], ['cvc', '2'], ['csc'], ['cvn']) || (cardContext && endsWith(words, ['security', 'code'], ['verification', 'code'], ['verification', 'value'])),
    cardExpiry,
    cardExpiryPart: cardExpiry && has('month') ? 'month' : cardExpiry && has('year') ? 'year' : undefined,
    ssn: endsWith(words, ['ssn'], ['social', 'security'], ['social', 'security', 'id']),
    nationalId: endsWith(words, ['passport'], ['passport', 'id'], ['national', 'id'], ['national', 'identifier'], ['national', 'insurance'], ['nino'], ['driver', 'license'], ['drivers', 'license'], ['driver', 'licence'], ['drivers', 'licence'], ['driving', 'licence'], ['aadhaar']),
    birthDate: endsWith(words, ['dob'], ['date', 'of', 'birth'], ['birth', 'date'], ['birth', 'day']),
    streetAddress: endsWith(words, ['street'], ['address', 'line'], ['address', 'line', '1'], ['address', 'line', '2']) || (words.length >= 2 && words.at(-1) === 'address' && STREET_QUALIFIERS.has(words.at(-2)!)),
    bankAccount: endsWith(words, ['bank', 'account'], ['account', 'number'], ['account', 'no'], ['account', 'num'], ['acct', 'number'], ['acct', 'no'], ['acct', 'num'], ['bban']) && !has('id'),
    personal: false,
    numeric: words.length > 0 && NUMERIC_ENDINGS.has(words.at(-1)!),
    infrastructure: isInfrastructure(key),
    id: 0,
  };
  kind.personal = kind.phone || kind.cardCode || kind.cardExpiry || kind.ssn || kind.nationalId || kind.birthDate || kind.streetAddress || kind.bankAccount;
  kind.id = [kind.secret, kind.phone, kind.cardCode, kind.cardExpiry, kind.ssn, kind.nationalId, kind.birthDate, kind.streetAddress, kind.bankAccount, kind.numeric, kind.infrastructure, kind.cardExpiryPart === 'month', kind.cardExpiryPart === 'year']
    .reduce((id, flag, bit) => (flag ? id | (1 << bit) : id), 0);
  return kind;
}

/** What a key says, worked out once per key. */
export const kindOfKey = memoByKey(describeKey);

