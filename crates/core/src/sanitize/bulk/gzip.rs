//! Gzip in and out of a bulk stream. Input is recognised by its magic bytes, whatever the file is
//! called; output is written as one gzip member per block of [`BLOCK`] bytes of output, so the
//! threads compress blocks side by side (a file of concatenated members is one gzip file: RFC
//! 1952, section 2.2), and the file does not depend on the number of threads (as pigz does).

use std::io::Write;

use flate2::write::{GzEncoder, MultiGzDecoder};
use flate2::Compression;

/// The first two bytes of every gzip member (RFC 1952, section 2.3.1).
pub const MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Compressed input is inflated this many bytes at a time: deflate expands at most about 1032
/// to 1, so one step yields at most about 8 MiB, and a small "gzip bomb" cannot fill memory
/// before its lines are sanitized and handed on.
const COMPRESSED_STEP: usize = 8 * 1024;

/// Output is compressed in blocks of this many bytes: small enough that a batch gives every
/// thread several, large enough that a member's 18 bytes of framing and its fresh dictionary
/// cost under 1% (pigz's default is 128 KiB too).
pub const BLOCK: usize = 128 * 1024;

/// Level 1 of 9: the output of a bulk run is usually moved once and read once, and level 6
/// compresses several times slower than the sanitizer runs.
pub const LEVEL: u32 = 1;

/// Why the compressed input cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GzipError {
    /// Not valid gzip data (a bad header, a corrupt block, a wrong checksum).
    Invalid,
    /// The stream ends inside a member.
    Truncated,
}

/// The input side: undecided until two bytes have arrived, then plain or gzip.
pub enum Input {
    Undecided(Vec<u8>),
    Plain,
    Gzip(Box<MultiGzDecoder<Vec<u8>>>),
    /// The gzip stream failed: nothing more is read.
    Failed,
}

impl Input {
    pub fn new() -> Self {
        Input::Undecided(Vec::new())
    }

    /// Decodes `chunk`, handing the plain bytes to `sink` a step at a time.
    pub fn feed(&mut self, chunk: &[u8], sink: &mut dyn FnMut(&[u8])) -> Result<(), GzipError> {
        if let Input::Undecided(seen) = self {
            seen.extend_from_slice(chunk);
            if seen.len() < MAGIC.len() {
                return Ok(());
            }
            let seen = std::mem::take(seen);
            *self = if seen.starts_with(&MAGIC) {
                Input::Gzip(Box::new(MultiGzDecoder::new(Vec::new())))
            } else {
                Input::Plain
            };
            return self.feed(&seen, sink);
        }
        match self {
            Input::Plain => {
                sink(chunk);
                Ok(())
            }
            Input::Gzip(decoder) => {
                for step in chunk.chunks(COMPRESSED_STEP) {
                    let written = decoder.write_all(step).and_then(|()| decoder.flush());
                    let plain = std::mem::take(decoder.get_mut());
                    if !plain.is_empty() {
                        sink(&plain);
                    }
                    if written.is_err() {
                        *self = Input::Failed;
                        return Err(GzipError::Invalid);
                    }
                }
                Ok(())
            }
            Input::Undecided(_) | Input::Failed => Ok(()),
        }
    }

    /// The end of the input: the last plain bytes, or why the gzip stream is incomplete.
    pub fn finish(&mut self, sink: &mut dyn FnMut(&[u8])) -> Result<(), GzipError> {
        match std::mem::replace(self, Input::Failed) {
            // Fewer than two bytes: not gzip.
            Input::Undecided(seen) => {
                sink(&seen);
                Ok(())
            }
            Input::Plain => Ok(()),
            Input::Gzip(mut decoder) => {
                let finished = decoder.try_finish();
                let plain = std::mem::take(decoder.get_mut());
                if !plain.is_empty() {
                    sink(&plain);
                }
                finished.map_err(|error| match error.kind() {
                    std::io::ErrorKind::UnexpectedEof => GzipError::Truncated,
                    _ => GzipError::Invalid,
                })
            }
            Input::Failed => Err(GzipError::Invalid),
        }
    }
}

/// `plain` as one gzip member (empty input gives an empty member, still a valid gzip file).
pub fn member(plain: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(
        Vec::with_capacity(plain.len() / 4 + 64),
        Compression::new(LEVEL),
    );
    // Writing into a Vec cannot fail.
    encoder
        .write_all(plain)
        .and_then(|()| encoder.finish())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn decode_all(input: &[u8], step: usize) -> (Vec<u8>, Result<(), GzipError>) {
        let mut decoder = Input::new();
        let mut out = Vec::new();
        for chunk in input.chunks(step) {
            if let Err(error) = decoder.feed(chunk, &mut |plain| out.extend_from_slice(plain)) {
                return (out, Err(error));
            }
        }
        let end = decoder.finish(&mut |plain| out.extend_from_slice(plain));
        (out, end)
    }

    fn text(n: usize) -> Vec<u8> {
        (0..n)
            .map(|i| format!("{{\"i\":{i}}}\n"))
            .collect::<String>()
            .into_bytes()
    }

    #[test]
    fn plain_input_passes_through_whatever_the_chunking() {
        let input = text(1000);
        for step in [1, 2, 7, 4096] {
            assert_eq!(decode_all(&input, step), (input.clone(), Ok(())));
        }
    }

    #[test]
    fn gzip_is_recognised_by_its_magic_and_members_are_joined() {
        let input = text(5000);
        let (a, b) = input.split_at(12_345);
        let mut gz = member(a);
        gz.extend_from_slice(&member(b));
        for step in [1, 3, 1000, 1 << 20] {
            assert_eq!(decode_all(&gz, step), (input.clone(), Ok(())));
        }
        // And the members read back with another reader (flate2's pull decoder).
        let mut back = Vec::new();
        flate2::read::MultiGzDecoder::new(gz.as_slice())
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, input);
    }

    #[test]
    fn a_truncated_stream_is_reported_after_its_readable_part() {
        let input = text(5000);
        let gz = member(&input);
        let (out, end) = decode_all(&gz[..gz.len() - 10], 1000);
        assert_eq!(end, Err(GzipError::Truncated));
        assert!(input.starts_with(&out));
        let (_, end) = decode_all(&gz[..gz.len() / 2], 1000);
        assert_eq!(end, Err(GzipError::Truncated));
    }

    #[test]
    fn corrupt_data_is_invalid() {
        let mut gz = member(&text(5000));
        let middle = gz.len() / 2;
        for byte in &mut gz[middle..middle + 16] {
            *byte ^= 0x55;
        }
        let (_, end) = decode_all(&gz, 1000);
        assert!(end.is_err());
        // A bad header (the method byte must be 8, deflate).
        let mut bad = member(b"x");
        bad[2] = 7;
        assert_eq!(decode_all(&bad, 100).1, Err(GzipError::Invalid));
    }

    #[test]
    fn an_empty_member_is_valid_gzip() {
        assert_eq!(decode_all(&member(b""), 10), (Vec::new(), Ok(())));
    }
}
