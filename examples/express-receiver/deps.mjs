// The example's two dependencies. Imported by name, as an installed app would; when this folder
// has no node_modules (run straight from a checkout of the repository), from the repository
// itself: its entry point and the Express 5 it tests against.

async function importOr(name, fallback) {
  try {
    return await import(name)
  } catch (error) {
    // Only "not installed" falls back; any other failure is a real error worth seeing.
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(`'${name}'`)) throw error
    return import(new URL(fallback, import.meta.url))
  }
}

const security = await importOr('customerio-security', '../../index.js')
const expressModule = await importOr('express', '../../node_modules/express5/index.js')

// Both are CommonJS packages: their exports are the default export.
export const { customerioWebhook, signWebhook } = security.default
export const express = expressModule.default
