'use strict'

// Appending a record that proves an action already taken (an erasure, an access export): if the
// append fails the action stands but is unproven, and the caller must know. Any audit log the
// caller passed (ours or their own object with `append`) fails the same way, ERR_AUDIT_WRITE,
// with the cause kept and never the record in the message.

const { CustomerioSecurityError } = require('../errors.js')

/** `audit.append(record)`, its failure as ERR_AUDIT_WRITE. Resolves what append resolves. */
async function appendProof(audit, record) {
  try {
    return await audit.append(record)
  } catch (error) {
    throw new CustomerioSecurityError(
      'ERR_AUDIT_WRITE',
      `appending the audit record failed (${error?.code ?? error?.name})`,
      { cause: error },
    )
  }
}

module.exports = { appendProof }
