// The symbol versions an ELF shared object requires from each library (its SHT_GNU_verneed
// sections, what `objdump -p` prints as "Version References"). The dynamic loader refuses the
// file when the system's glibc lacks one of them, so these are the file's glibc floor.
// 64-bit little-endian ELF only (x86_64 and aarch64 Linux), which is all the package ships on Linux.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs'

const SHT_GNU_VERNEED = 0x6ffffffe

export function isElf(path) {
  const head = Buffer.alloc(4)
  const fd = openSync(path, 'r')
  try {
    return readSync(fd, head, 0, 4, 0) === 4 && head.readUInt32BE(0) === 0x7f454c46
  } finally {
    closeSync(fd)
  }
}

export function requiredVersions(path) {
  const elf = readFileSync(path)
  if (elf.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF file`)
  if (elf[4] !== 2 || elf[5] !== 1) throw new Error(`${path} is not a 64-bit little-endian ELF file`)
  const sectionsAt = Number(elf.readBigUInt64LE(0x28))
  const sectionSize = elf.readUInt16LE(0x3a)
  const sectionCount = elf.readUInt16LE(0x3c)
  const section = (index) => {
    const at = sectionsAt + index * sectionSize
    return {
      type: elf.readUInt32LE(at + 4),
      offset: Number(elf.readBigUInt64LE(at + 0x18)),
      link: elf.readUInt32LE(at + 0x28),
      info: elf.readUInt32LE(at + 0x2c),
    }
  }
  const needed = []
  for (let index = 0; index < sectionCount; index++) {
    const verneed = section(index)
    if (verneed.type !== SHT_GNU_VERNEED) continue
    const strings = section(verneed.link).offset
    const string = (at) => {
      const start = strings + at
      return elf.toString('latin1', start, elf.indexOf(0, start))
    }
    // sh_info entries of Elf64_Verneed, each followed by its chain of Elf64_Vernaux.
    let entry = verneed.offset
    for (let n = 0; n < verneed.info; n++) {
      const file = string(elf.readUInt32LE(entry + 4))
      let aux = entry + elf.readUInt32LE(entry + 8)
      for (let a = 0; a < elf.readUInt16LE(entry + 2); a++) {
        needed.push({ file, version: string(elf.readUInt32LE(aux + 8)) })
        aux += elf.readUInt32LE(aux + 12)
      }
      entry += elf.readUInt32LE(entry + 12)
    }
  }
  return needed
}

// 'GLIBC_2.3.4' -> [2, 3, 4]; null for other version names (GCC_3.0, GLIBC_PRIVATE).
export function glibcVersion(name) {
  const match = /^GLIBC_(\d+(?:\.\d+)*)$/.exec(name)
  return match ? match[1].split('.').map(Number) : null
}

export function compareVersions(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}
