// The inputs of the sanitization benchmark, deterministic so runs compare. No value is card-,
// SSN- or IBAN-like outside a never-send key (dropped by every contender before any detector runs):
// on this data the default policy's output equals the reference's, which the suite asserts.

/** The guide's example: identify attributes with one hash field and one never-send field. */
export function guideExample() {
  return { email: 'ada@example.com', phone: '+15550123456', ssn: '123-45-6789', plan: 'pro', created_at: 1700000000 }
}

const PLANS = ['free', 'pro', 'team', 'enterprise']
const TAGS = ['beta', 'early-adopter', 'vip', 'newsletter', 'mobile']

/**
 * A 25-key customer profile: 3 hash fields (phone, ip_address, street_address), 3 never-send
 * (ssn, password, card_number), a nested object, an array, the rest strings, numbers, booleans.
 * `i` varies ids, contact values, numbers and the array's length (NDJSON records).
 */
export function profile(i = 0) {
  return {
    id: `user-${100000 + i}`,
    email: `ada.lovelace+${i}@example.com`,
    first_name: 'Ada',
    last_name: 'Lovelace',
    phone: `+1555${String(1000000 + i).slice(-7)}`,
    ip_address: `203.0.${(i >> 8) & 255}.${i & 255}`,
    street_address: `${12 + (i % 900)} Analytical Engine Way, London`,
    ssn: '078-05-1120',
    password: 'correct horse battery staple',
    card_number: '4111 1111 1111 1111',
    plan: PLANS[i % PLANS.length],
    created_at: 1700000000 + i * 37,
    updated_at: `2024-05-${String(1 + (i % 28)).padStart(2, '0')}T12:00:00Z`,
    company: 'Analytical Engines Ltd',
    title: 'Engineer',
    city: 'London',
    country: 'GB',
    timezone: 'Europe/London',
    language: 'en',
    age: 20 + (i % 50),
    lifetime_value: 1234.5 + i,
    is_active: i % 7 !== 0,
    login_count: i % 300,
    preferences: { newsletter: i % 2 === 0, theme: i % 3 === 0 ? 'dark' : 'light', frequency: 'weekly' },
    tags: TAGS.slice(0, 1 + (i % TAGS.length)),
  }
}

/** 300 keys: mostly `attr_NNN` with mixed values, 4 hash fields and 4 never-send fields among them. */
export function wide() {
  const special = {
    17: ['phone', '+15550123456'],
    59: ['ip', '198.51.100.7'],
    121: ['address', '1 Infinite Loop, Cupertino'],
    233: ['phone_number', '+447700900123'],
    40: ['password', 'hunter2-hunter2'],
    99: ['ssn', '078-05-1120'],
    180: ['tax_id', 'GB123456789'],
    271: ['cvv', '123'],
  }
  const out = {}
  for (let i = 0; i < 300; i++) {
    if (special[i]) {
      out[special[i][0]] = special[i][1]
      continue
    }
    const key = `attr_${String(i).padStart(3, '0')}`
    switch (i % 5) {
      case 0:
        out[key] = `value ${i}`
        break
      case 1:
        out[key] = i * 7
        break
      case 2:
        out[key] = i % 2 === 0
        break
      case 3:
        out[key] = 'a longer free-text attribute without any digits in it'
        break
      default:
        out[key] = `2024-05-01T12:${String(i % 60).padStart(2, '0')}:00.000Z`
    }
  }
  return out
}

/** `count` profile records, one JSON text per line, newline-terminated. */
export function ndjson(count) {
  let text = ''
  for (let i = 0; i < count; i++) text += JSON.stringify(profile(i)) + '\n'
  return text
}

/**
 * An attribute name of about 1 MiB made of words: `a_a_a_…a_` then `ending` ('xsn', a near miss of
 * a never-send name, or 'ssn', which makes it end in `_ssn`). Hostile input for a key classifier
 * that looks at words: it must stay linear in the name's length.
 */
export function hugeWordKey(ending, bytes = 1024 * 1024) {
  return 'a_'.repeat(Math.floor((bytes - ending.length) / 2)) + ending
}
