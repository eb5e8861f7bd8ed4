// PEM text holding one or several public keys or certificates (the ESS signing key set: config and the webhook
// receiver read it the same way).

// Public keys as SAP publishes them, and certificates (the webhook client certificate carries the same key).
const PEM_BLOCK = /-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----[\s\S]*?-----END \1-----/g;

/** The PEM blocks (public keys, certificates) of a text, in order; none when it holds no such block. */
export function splitPemBlocks(text: string): string[] {
  return text.match(PEM_BLOCK) ?? [];
}
