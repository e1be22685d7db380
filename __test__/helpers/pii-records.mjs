// NDJSON records full of values that must never leave the sanitizer, under the key spellings and
// at the depths where the guide's snippet leaks them. The values are distinctive, so finding one
// in an output can only be a leak.

/** Values under never-send keys, and card/SSN/IBAN numbers inside free text (the detectors). */
export const NEVER_SEND = [
  '078-05-1120',
  '4111 1111 1111 1111',
  '5500-0000-0000-0004',
  '4012888888881881',
  'hunter2-canary-pw',
  'canary-cvv-913',
  'canary-bank-60161331926819',
  'GB82WEST12345698765432',
]

/** Raw values under hash keys: only their digests may come out. */
export const HASHED = ['+15550009911', '203.0.113.77', '1 Canary Street']

export function piiRecord(i) {
  return {
    id: `user-${i}`,
    email: `user${i}@example.com`,
    ssn: NEVER_SEND[0],
    SSN: NEVER_SEND[0],
    creditCard: NEVER_SEND[1],
    'Card-Number': NEVER_SEND[3],
    Password: NEVER_SEND[4],
    cvv: NEVER_SEND[5],
    bank_account: NEVER_SEND[6],
    phoneNumber: HASHED[0],
    ip_address: HASHED[1],
    billing: { card_number: NEVER_SEND[2], street_address: HASHED[2], city: 'Springfield' },
    contacts: [{ phone: HASHED[0], 'social security': NEVER_SEND[0] }, { name: 'ok' }],
    note: `paid with ${NEVER_SEND[1]}, ssn ${NEVER_SEND[0]}, iban ${NEVER_SEND[7]}`,
    plan: i % 3 === 0 ? 'pro' : 'free',
    score: i,
    tags: ['a', null, true, 1.5e3],
  }
}

/** `n` records as NDJSON text, one per line, each ending with \n. */
export function piiNdjson(n, start = 0) {
  let text = ''
  for (let i = start; i < start + n; i++) text += `${JSON.stringify(piiRecord(i))}\n`
  return text
}

/** Fails naming `where`, never printing the text (it may hold the leaked value). */
export function assertNoPii(assert, text, where) {
  for (const value of [...NEVER_SEND, ...HASHED]) {
    assert.ok(!text.includes(value), `a never-send or raw hash-field value appears in ${where}`)
  }
  // Digits only, so a card or SSN that lost its separators is caught too.
  const digits = text.replace(/[\s-]/g, '')
  for (const value of [NEVER_SEND[0], NEVER_SEND[1], NEVER_SEND[2]]) {
    assert.ok(!digits.includes(value.replace(/[\s-]/g, '')), `a card or SSN number appears in ${where}`)
  }
}
