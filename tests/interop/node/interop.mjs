// Cross-checks `jwtguard verify` and `jwtguard sign` against the npm jose
// library, in both directions, for every algorithm that jose 6 offers on
// Node 20 (all of jwtguard's except EdDSA over Ed448, which jose 6 rejects).
//
//   node interop.mjs --jwtguard PATH [--only CASE]
//
// Prints one line per case and ends with "N passed, N failed"; exits 1 when a
// case failed.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jose from 'jose';

const ISSUER = 'https://issuer.interop.test';
const AUDIENCE = 'interop-api';
const SUBJECT = 'user-42';
const KID = 'interop-1';
const TTL_SECONDS = 600;

// Case name, JWA algorithm, and the `openssl genpkey` arguments for its key
// (null for HMAC, whose secret is random bytes as long as the hash output,
// the minimum of RFC 7518 3.2).
const CASES = [
  ['HS256', 'HS256', null],
  ['HS384', 'HS384', null],
  ['HS512', 'HS512', null],
  ['RS256', 'RS256', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']],
  ['RS384', 'RS384', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072']],
  ['RS512', 'RS512', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:4096']],
  ['PS256', 'PS256', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']],
  ['PS384', 'PS384', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072']],
  ['PS512', 'PS512', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:4096']],
  ['ES256', 'ES256', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']],
  ['ES384', 'ES384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384']],
  ['ES512', 'ES512', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521']],
  ['EdDSA-Ed25519', 'EdDSA', ['-algorithm', 'ED25519']],
];

const HMAC_SECRET_BYTES = { HS256: 32, HS384: 48, HS512: 64 };

const tally = { passed: 0, failed: 0 };

function record(name, error) {
  if (error === null) {
    tally.passed += 1;
    console.log(`PASS ${name}`);
  } else {
    tally.failed += 1;
    console.log(`FAIL ${name}: ${error}`);
  }
}

// Runs `check`, which resolves to null or an error string, and records it.
async function runCase(name, check) {
  let error;
  try {
    error = await check();
  } catch (exc) {
    error = `${exc.name}: ${exc.message}`;
  }
  record(name, error);
}

function run(command, args) {
  return spawnSync(command, args, { encoding: 'utf8', timeout: 60000 });
}

function openssl(args) {
  const done = run('openssl', args);
  if (done.status !== 0) {
    throw new Error(`openssl ${args.join(' ')} failed: ${done.stderr}`);
  }
}

// Makes the key of one case in every form jose and jwtguard need, in `folder`.
async function makeKeys(folder, alg, genpkeyArgs) {
  if (genpkeyArgs === null) {
    return makeHmacKeys(folder, alg);
  }
  const privatePem = join(folder, 'private.pem');
  const publicPem = join(folder, 'public.pem');
  openssl(['genpkey', ...genpkeyArgs, '-out', privatePem]);
  openssl(['pkey', '-in', privatePem, '-pubout', '-out', publicPem]);

  const signKey = await jose.importPKCS8(readFileSync(privatePem, 'utf8'), alg, { extractable: true });
  const verifyKey = await jose.importSPKI(readFileSync(publicPem, 'utf8'), alg, { extractable: true });
  const privateJwk = { ...await jose.exportJWK(signKey), kid: KID };
  const privateJwkFile = join(folder, 'private.jwk');
  writeFileSync(privateJwkFile, JSON.stringify(privateJwk));
  const publicJwk = { ...await jose.exportJWK(verifyKey), kid: KID };
  const jwks = join(folder, 'verify.jwks');
  writeFileSync(jwks, JSON.stringify({ keys: [publicJwk] }));
  return {
    alg, signKey, verifyKey, privateJwk, publicJwk, jwks,
    verifyArgsPem: ['--key', publicPem],
    signArgsPem: ['--key', privatePem, '--kid', KID],
    signArgsJwk: ['--key', privateJwkFile],
    pemForm: 'PEM',
  };
}

async function makeHmacKeys(folder, alg) {
  const secret = randomBytes(HMAC_SECRET_BYTES[alg]);
  const secretFile = join(folder, 'secret.bin');
  writeFileSync(secretFile, secret);
  const secretJwk = { kty: 'oct', k: jose.base64url.encode(secret), kid: KID };
  const secretJwkFile = join(folder, 'secret.jwk');
  writeFileSync(secretJwkFile, JSON.stringify(secretJwk));
  const jwks = join(folder, 'verify.jwks');
  writeFileSync(jwks, JSON.stringify({ keys: [secretJwk] }));
  const key = new Uint8Array(secret);
  return {
    alg, signKey: key, verifyKey: key, privateJwk: secretJwk, publicJwk: secretJwk, jwks,
    verifyArgsPem: ['--hmac-secret-file', secretFile],
    signArgsPem: ['--hmac-secret-file', secretFile, '--kid', KID],
    signArgsJwk: ['--key', secretJwkFile],
    pemForm: 'secret file',
  };
}

// Signs with kid KID in the header.
async function signJose(keys, signKey) {
  return new jose.SignJWT({ sub: SUBJECT })
    .setProtectedHeader({ alg: keys.alg, typ: 'JWT', kid: KID })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${TTL_SECONDS}s`)
    .sign(signKey);
}

async function verifyJose(keys, token, verifyKey) {
  const { payload, protectedHeader } = await jose.jwtVerify(token, verifyKey, {
    algorithms: [keys.alg],
    issuer: ISSUER,
    audience: AUDIENCE,
    requiredClaims: ['exp', 'iat'],
  });
  if (payload.sub !== SUBJECT) {
    return `sub is ${JSON.stringify(payload.sub)}`;
  }
  if (protectedHeader.alg !== keys.alg) {
    return `header alg is ${protectedHeader.alg}`;
  }
  return protectedHeader.kid === KID ? null : `header kid is ${protectedHeader.kid}`;
}

// Changes one base64url character in the middle of `segment` (1 payload, 2
// signature). A middle character carries six significant bits, so the token
// stays canonical base64url and only the signature check can catch it.
function tamper(token, segment) {
  const parts = token.split('.');
  const text = parts[segment];
  const middle = Math.floor(text.length / 2);
  const replacement = text[middle] !== 'A' ? 'A' : 'B';
  parts[segment] = text.slice(0, middle) + replacement + text.slice(middle + 1);
  return parts.join('.');
}

function jwtguardVerify(jwtguard, keys, keyArgs, token) {
  return run(jwtguard, ['verify', ...keyArgs, '--iss', ISSUER, '--aud', AUDIENCE,
    '--alg', keys.alg, '--json', token]);
}

function describe(done) {
  const error = done.error ? ` (${done.error.message})` : '';
  return `exit ${done.status}${error}: ${done.stdout.trim()} ${done.stderr.trim()}`;
}

function expectValid(jwtguard, keys, keyArgs, token) {
  const done = jwtguardVerify(jwtguard, keys, keyArgs, token);
  if (done.status !== 0) {
    return `${describe(done)}, expected exit 0`;
  }
  return done.stdout.includes(SUBJECT) ? null : `claims output lacks sub: ${done.stdout.trim()}`;
}

function expectBadSignature(jwtguard, keys, keyArgs, token) {
  const done = jwtguardVerify(jwtguard, keys, keyArgs, token);
  if (done.status !== 1) {
    return `${describe(done)}, expected exit 1`;
  }
  const output = done.stdout + done.stderr;
  return output.includes('JWG_ERR_SIGNATURE_INVALID') ? null
    : `no JWG_ERR_SIGNATURE_INVALID in: ${output.trim()}`;
}

function jwtguardSign(jwtguard, keys, keyArgs) {
  const done = run(jwtguard, ['sign', ...keyArgs, '--alg', keys.alg, '--ttl', String(TTL_SECONDS),
    '--iss', ISSUER, '--aud', AUDIENCE, '--sub', SUBJECT]);
  if (done.status !== 0) {
    throw new Error(`jwtguard sign ${describe(done)}`);
  }
  return done.stdout.trim();
}

// A token signed by jose is accepted by jwtguard and rejected once tampered.
async function checkVerifyDirection(jwtguard, name, keys, keyForm, signKey, keyArgs) {
  const label = `${name} jose sign (${keyForm}) -> jwtguard verify`;
  let token;
  try {
    token = await signJose(keys, signKey);
  } catch (exc) {
    record(label, `jose failed: ${exc.message}`);
    return;
  }
  await runCase(label, () => expectValid(jwtguard, keys, keyArgs, token));
  for (const [segment, part] of [[2, 'signature'], [1, 'payload']]) {
    await runCase(`${name} jose sign (${keyForm}), ${part} tampered -> jwtguard rejects`,
      () => expectBadSignature(jwtguard, keys, keyArgs, tamper(token, segment)));
  }
}

// A token from `jwtguard sign` is accepted by jose with a PEM and a JWK key.
async function checkSignDirection(jwtguard, name, keys, keyForm, keyArgs) {
  let token;
  try {
    token = jwtguardSign(jwtguard, keys, keyArgs);
  } catch (exc) {
    record(`${name} jwtguard sign (${keyForm}) -> jose verify`, exc.message);
    return;
  }
  await runCase(`${name} jwtguard sign (${keyForm}) -> jose verify (key object)`,
    () => verifyJose(keys, token, keys.verifyKey));
  await runCase(`${name} jwtguard sign (${keyForm}) -> jose verify (importJWK)`,
    async () => verifyJose(keys, token, await jose.importJWK(keys.publicJwk, keys.alg)));
}

async function checkCase(jwtguard, name, alg, genpkeyArgs) {
  const folder = mkdtempSync(join(tmpdir(), 'jwg-nodeinterop-'));
  try {
    const keys = await makeKeys(folder, alg, genpkeyArgs);
    const joseJwkKey = await jose.importJWK(keys.privateJwk, alg);
    // The token's kid selects the JWK set's key. The PEM key has no kid, and
    // jwtguard tries a key without a kid for any token kid that no key has.
    await checkVerifyDirection(jwtguard, name, keys, keys.pemForm, keys.signKey, keys.verifyArgsPem);
    await checkVerifyDirection(jwtguard, name, keys, 'JWK', joseJwkKey, ['--jwks', keys.jwks]);
    await checkSignDirection(jwtguard, name, keys, keys.pemForm, keys.signArgsPem);
    await checkSignDirection(jwtguard, name, keys, 'JWK', keys.signArgsJwk);
  } catch (exc) {
    record(`${name} key setup`, exc.message);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function parseArguments(argv) {
  const options = { jwtguard: null, only: null };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--jwtguard') options.jwtguard = argv[i + 1];
    else if (argv[i] === '--only') options.only = argv[i + 1];
    else throw new Error(`unknown argument ${argv[i]}: expected --jwtguard PATH [--only CASE]`);
  }
  if (!options.jwtguard) throw new Error('missing --jwtguard PATH');
  return options;
}

const options = parseArguments(process.argv.slice(2));
const josePackage = createRequire(import.meta.url)('jose/package.json');
console.log(`jose ${josePackage.version}, Node ${process.versions.node}`);
console.log('note: EdDSA over Ed448 is not covered because jose 6 supports only Ed25519');
for (const [name, alg, genpkeyArgs] of CASES) {
  if (options.only === null || options.only === name) {
    await checkCase(options.jwtguard, name, alg, genpkeyArgs);
  }
}
console.log(`${tally.passed} passed, ${tally.failed} failed`);
process.exitCode = tally.failed > 0 || tally.passed === 0 ? 1 : 0;
