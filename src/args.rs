//! Argument types that read JavaScript values without the allocations of `String`.
//!
//! Crossing into the addon is paid per call (see `docs/design/napi-costs.md`): a `String`
//! argument costs a heap allocation and a second N-API call to learn the length. Headers are
//! short, so they are read into a stack buffer; bodies and secrets are borrowed in place when
//! they are a `Buffer`/`Uint8Array`.

use std::borrow::Cow;
use std::ptr;

use napi::bindgen_prelude::{FromNapiValue, ToNapiValue, TypeName, ValidateNapiValue};
use napi::{sys, Error, Result, Status, ValueType};

/// Bytes from a `string` (as UTF-8) or a `Uint8Array`/`Buffer` (borrowed for the call).
pub struct Bytes<'a>(Cow<'a, [u8]>);

impl Bytes<'_> {
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
}

impl FromNapiValue for Bytes<'_> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut kind = 0;
        check(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
        if kind == sys::ValueType::napi_string {
            return Ok(Bytes(Cow::Owned(unsafe { read_utf8(env, value) }?)));
        }
        let mut array_type = 0;
        let mut length = 0;
        let mut data = ptr::null_mut();
        let mut buffer = ptr::null_mut();
        let mut offset = 0;
        check(unsafe {
            sys::napi_get_typedarray_info(
                env,
                value,
                &mut array_type,
                &mut length,
                &mut data,
                &mut buffer,
                &mut offset,
            )
        })?;
        if array_type != sys::TypedarrayType::uint8_array || (data.is_null() && length != 0) {
            return Err(Error::new(
                Status::InvalidArg,
                "expected a string or Uint8Array",
            ));
        }
        if length == 0 {
            return Ok(Bytes(Cow::Borrowed(&[])));
        }
        // The typed array is an argument of the running call, so V8 keeps it (and its backing
        // store) alive until the call returns; the slice never outlives the call.
        Ok(Bytes(Cow::Borrowed(unsafe {
            std::slice::from_raw_parts(data.cast::<u8>(), length)
        })))
    }
}

impl TypeName for Bytes<'_> {
    fn type_name() -> &'static str {
        "string | Uint8Array"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for Bytes<'_> {}

/// Room for the longest header the core accepts (64 hex chars) plus enough spare bytes to
/// tell a longer string apart.
const HEADER_CAPACITY: usize = 72;

/// A short string header (`X-CIO-Signature`, `X-CIO-Timestamp`), read as UTF-8 into a stack
/// buffer.
///
/// A string longer than the buffer is cut by N-API at a character boundary; `truncated` then
/// makes [`Header::as_bytes`] return a value no parser accepts. (A cut needs more than 7 bytes
/// of spare room to hide, and no UTF-8 character is longer than 4, so a truncated string can
/// never look like a valid header.)
pub struct Header {
    buf: [u8; HEADER_CAPACITY],
    len: usize,
}

impl Header {
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

impl FromNapiValue for Header {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut header = Header {
            buf: [0; HEADER_CAPACITY],
            len: 0,
        };
        check(unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                header.buf.as_mut_ptr().cast(),
                HEADER_CAPACITY,
                &mut header.len,
            )
        })?;
        // At most HEADER_CAPACITY - 1 bytes are written (one is kept for the terminator);
        // a full buffer means the string went on, so keep it full: longer than any header.
        if header.len >= HEADER_CAPACITY - 1 {
            header.len = HEADER_CAPACITY;
        }
        Ok(header)
    }
}

impl TypeName for Header {
    fn type_name() -> &'static str {
        "string"
    }
    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for Header {}

/// Bytes a [`ShortText`] holds without a heap allocation: attribute values under a hashing rule
/// (phones, addresses, ids) and most scanned strings fit.
const SHORT_TEXT_CAPACITY: usize = 256;

/// A string argument read as UTF-8 in one N-API call into an inline buffer when it fits (a
/// `String` argument costs an allocation and a second call: ~90 ns of a ~330 ns transform);
/// longer ones are read onto the heap.
pub struct ShortText {
    inline: [u8; SHORT_TEXT_CAPACITY],
    len: usize,
    heap: Option<Vec<u8>>,
}

impl ShortText {
    pub fn as_str(&self) -> &str {
        let bytes = match &self.heap {
            Some(heap) => heap.as_slice(),
            None => self.inline.get(..self.len).unwrap_or_default(),
        };
        // N-API writes UTF-8 (lone surrogates become U+FFFD), so this never falls back.
        std::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl FromNapiValue for ShortText {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut text = ShortText {
            inline: [0; SHORT_TEXT_CAPACITY],
            len: 0,
            heap: None,
        };
        check(unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                text.inline.as_mut_ptr().cast(),
                SHORT_TEXT_CAPACITY,
                &mut text.len,
            )
        })?;
        // N-API stops before a character that does not fit (at most 4 bytes) and keeps one byte
        // for the terminator: with more room than that left, the string was read whole.
        if text.len + 4 >= SHORT_TEXT_CAPACITY - 1 {
            text.heap = Some(unsafe { read_utf8(env, value) }?);
        }
        Ok(text)
    }
}

impl TypeName for ShortText {
    fn type_name() -> &'static str {
        "string"
    }
    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for ShortText {}

/// Reads a string as UTF-8. A short one in one pass: its UTF-16 length is known without a scan,
/// and three UTF-8 bytes per UTF-16 unit is the most it can take. A long one asks for its exact
/// UTF-8 length first: zeroing three times its size costs more than the extra scan.
unsafe fn read_utf8(env: sys::napi_env, value: sys::napi_value) -> Result<Vec<u8>> {
    const ONE_PASS_UNITS: usize = 16 * 1024;
    let mut units = 0;
    check(unsafe { sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut units) })?;
    let capacity = if units <= ONE_PASS_UNITS {
        units.saturating_mul(3)
    } else {
        let mut exact = 0;
        check(unsafe {
            sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut exact)
        })?;
        exact
    };
    let mut bytes = vec![0u8; capacity.saturating_add(1)];
    let mut written = 0;
    check(unsafe {
        sys::napi_get_value_string_utf8(
            env,
            value,
            bytes.as_mut_ptr().cast(),
            bytes.len(),
            &mut written,
        )
    })?;
    bytes.truncate(written);
    Ok(bytes)
}

/// A string result, made as a one-byte JS string when it is ASCII (a copy, where a UTF-8 string
/// makes V8 decode every byte).
pub struct Text(pub String);

impl ToNapiValue for Text {
    unsafe fn to_napi_value(env: sys::napi_env, text: Self) -> Result<sys::napi_value> {
        if !text.0.is_ascii() {
            return unsafe { String::to_napi_value(env, text.0) };
        }
        let mut value = ptr::null_mut();
        check(unsafe {
            sys::napi_create_string_latin1(
                env,
                text.0.as_ptr().cast(),
                text.0.len() as isize,
                &mut value,
            )
        })?;
        Ok(value)
    }
}

impl TypeName for Text {
    fn type_name() -> &'static str {
        "string"
    }
    fn value_type() -> ValueType {
        ValueType::String
    }
}

fn check(status: sys::napi_status) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(
            Status::from(status),
            "customerio-security: unexpected argument type",
        ))
    }
}
