/**
 * Build a `wxopen crypto decrypt` command line that reproduces an event's decryption in a terminal.
 * Secrets are never filled in: the Token and EncodingAESKey appear as shell variables ($TOKEN, $ENCODING_AES_KEY)
 * the operator sets themselves.
 */
export interface DecryptCommandInput {
  componentAppid: string;
  query: Record<string, string> | null;
  rawBody: string;
}

/** POSIX single-quoting: safe for any value. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function decryptCommand(input: DecryptCommandInput): string {
  const q = input.query ?? {};
  const missing = ['timestamp', 'nonce', 'msg_signature'].filter((k) => !q[k]);
  const parts = [
    'wxopen crypto decrypt',
    '--token "$TOKEN"',
    '--aes-key "$ENCODING_AES_KEY"',
    `--appid ${shellQuote(input.componentAppid)}`,
    `--timestamp ${shellQuote(q.timestamp ?? '$TIMESTAMP')}`,
    `--nonce ${shellQuote(q.nonce ?? '$NONCE')}`,
    `--msg-signature ${shellQuote(q.msg_signature ?? '$MSG_SIGNATURE')}`,
  ];
  // A quoted heredoc keeps the body byte for byte (no expansion); pick a delimiter the body does not contain.
  let delimiter = 'WXOPEN_PUSH_BODY';
  while (input.rawBody.split('\n').includes(delimiter)) delimiter += '_';
  const body = input.rawBody.endsWith('\n') ? input.rawBody : input.rawBody + '\n';
  const note = missing.length ? `# the stored query has no ${missing.join(', ')}: fill them in\n` : '';
  return `${note}${parts.join(' \\\n  ')} <<'${delimiter}'\n${body}${delimiter}\n`;
}
