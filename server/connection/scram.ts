// The server half of SCRAM-SHA-256 (RFC 5802, RFC 7677), as PostgreSQL speaks it in its SASL
// authentication exchange: what the embedded holder asks of every connection before it reaches
// PGlite. The password never crosses the socket, and a process posing as the holder learns nothing
// it could replay. No channel binding (loopback, no TLS).
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

export const SCRAM_MECHANISM = "SCRAM-SHA-256";
// The secret is 256 random bits, so iterations add nothing against guessing; RFC 7677's minimum.
const ITERATIONS = 4096;

const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest();
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest();

/** What the server keeps of a password: PostgreSQL's verifier (salt, StoredKey, ServerKey). */
export interface ScramVerifier {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function scramVerifier(password: string): ScramVerifier {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, ITERATIONS, 32, "sha256");
  return {
    salt,
    iterations: ITERATIONS,
    storedKey: sha256(hmac(salted, "Client Key")),
    serverKey: hmac(salted, "Server Key"),
  };
}

export class ScramError extends Error {
  override name = "ScramError";
}

/** One exchange: client-first in, server-first out; client-final in, server-final out (or an error). */
export class ScramExchange {
  private clientFirstBare = "";
  private serverFirst = "";
  private nonce = "";
  private gs2Header = "";

  constructor(private readonly verifier: ScramVerifier) {}

  /** `n,,n=user,r=clientnonce` -> `r=nonce,s=salt,i=iterations`. */
  first(clientFirst: string): string {
    const m = /^([ny]),(?:a=[^,]*)?,(n=[^,]*,r=([!-+\--~]+)(?:,.*)?)$/.exec(clientFirst);
    if (!m) throw new ScramError("malformed SCRAM client-first-message (channel binding is not offered)");
    this.gs2Header = clientFirst.slice(0, clientFirst.length - m[2].length);
    this.clientFirstBare = m[2];
    this.nonce = m[3] + randomBytes(18).toString("base64");
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString("base64")},i=${this.verifier.iterations}`;
    return this.serverFirst;
  }

  /** `c=biws,r=nonce,p=proof` -> `v=signature`; throws ScramError when the proof is wrong. */
  final(clientFinal: string): string {
    const m = /^(c=([^,]*),r=([^,]*)(?:,[^p][^,]*)*),p=([A-Za-z0-9+/=]+)$/.exec(clientFinal);
    if (!m) throw new ScramError("malformed SCRAM client-final-message");
    const [, withoutProof, binding, nonce, proofText] = m;
    if (nonce !== this.nonce || binding !== Buffer.from(this.gs2Header).toString("base64"))
      throw new ScramError("SCRAM nonce or channel binding mismatch");
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const proof = Buffer.from(proofText, "base64");
    const signature = hmac(this.verifier.storedKey, authMessage);
    if (proof.length !== signature.length) throw new ScramError("wrong password");
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i] ^ signature[i];
    if (!timingSafeEqual(sha256(clientKey), this.verifier.storedKey)) throw new ScramError("wrong password");
    return `v=${hmac(this.verifier.serverKey, authMessage).toString("base64")}`;
  }
}
