'use strict'

// The files an audit reads: the tracked files of a git work tree (`git ls-files`), or, outside
// git, a walk of the directory that skips node_modules and VCS folders. Both are bounded: at
// most MAX_FILES paths, and only text files up to MAX_FILE_BYTES are read.

const fs = require('node:fs/promises')
const path = require('node:path')
const { gitPaths } = require('./git.js')

const MAX_FILES = 50_000
const MAX_FILE_BYTES = 2 * 1024 * 1024
const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn'])

/** { paths (relative to dir, '/'-separated), truncated } or null when git failed. */
async function trackedFiles(dir) {
  const paths = await gitPaths(dir, ['ls-files', '-z', '--', '.'])
  if (paths === null) return null
  return { paths: paths.slice(0, MAX_FILES), truncated: paths.length > MAX_FILES }
}

async function walkFiles(dir) {
  const paths = []
  let truncated = false
  async function walk(relative, depth) {
    if (depth > 32) return
    let entries
    try {
      entries = await fs.readdir(path.join(dir, relative), { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (paths.length >= MAX_FILES) {
        truncated = true
        return
      }
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`
      if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) await walk(child, depth + 1)
      else if (entry.isFile()) paths.push(child)
    }
  }
  await walk('', 0)
  return { paths, truncated }
}

/** The file's text, or null for a missing, unreadable, too large or binary (NUL byte) file. */
async function readText(dir, relative) {
  try {
    const full = path.join(dir, relative)
    const stat = await fs.lstat(full)
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return null
    const bytes = await fs.readFile(full)
    if (bytes.subarray(0, 8000).includes(0)) return null
    return bytes.toString('utf8')
  } catch {
    return null
  }
}

module.exports = { MAX_FILE_BYTES, MAX_FILES, readText, trackedFiles, walkFiles }
