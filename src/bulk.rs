//! Bulk sanitization: the napi face of `customerio_security_core::sanitize::bulk`.
//!
//! A session is created once per run and fed chunk by chunk. Each push is an async task: it runs
//! on libuv's thread pool (and from there on the core's scoped threads), so a large export never
//! blocks the event loop, and the JavaScript side reads the next chunk while it runs.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use customerio_security_core::sanitize::bulk::{BulkOptions, Format, OnError, Pushed, Session};
use customerio_security_core::sanitize::policy::{ErrorCode, Policy};
use napi::bindgen_prelude::{AsyncTask, Buffer, External};
use napi::{Env, Error, Result, Status, Task};
use napi_derive::napi;

use crate::args::Bytes;
use crate::errors::{coded, into_plain, Code};

/// A failure of the session itself (a poisoned lock, a caught panic), never the input's fault.
fn internal(message: &str) -> Error {
    Error::new(Status::GenericFailure, message.to_owned())
}

/// One run. JavaScript awaits each push before the next (the lock only guards against misuse).
pub struct BulkSession(Arc<Mutex<Session>>);

#[napi(
    catch_unwind,
    js_name = "bulkCreate",
    ts_return_type = "ExternalObject<'BulkSession'>"
)]
pub fn bulk_create(
    #[napi(ts_arg_type = "ExternalObject<'Policy'>")] policy: &External<Policy>,
    jobs: u32,
    #[napi(ts_arg_type = "'ndjson' | 'csv'")] format: String,
    #[napi(ts_arg_type = "'stop' | 'skip'")] on_error: String,
    gzip_output: bool,
    counts: bool,
) -> Result<External<BulkSession>, Code> {
    let format = match format.as_str() {
        "ndjson" => Format::Ndjson,
        "csv" => Format::Csv,
        _ => {
            return Err(coded(
                Code::INVALID_OPTION,
                "format must be 'ndjson' or 'csv'",
            ))
        }
    };
    let on_error = match on_error.as_str() {
        "stop" => OnError::Stop,
        "skip" => OnError::Skip,
        _ => {
            return Err(coded(
                Code::INVALID_OPTION,
                "onError must be 'stop' or 'skip'",
            ))
        }
    };
    let options = BulkOptions {
        jobs: usize::try_from(jobs).unwrap_or(1),
        format,
        on_error,
        gzip_output,
        counts,
    };
    // The session's threads outlive this call: they get their own copy of the compiled policy.
    let policy = Arc::new(Policy::clone(policy));
    Ok(External::new(BulkSession(Arc::new(Mutex::new(
        Session::new(policy, options),
    )))))
}

/// A record the run could not sanitize (or the input failure that ended it).
#[napi(object)]
pub struct BulkErrorInfo {
    /// 1-based line (or CSV row) number.
    pub line: f64,
    pub code: String,
    pub message: String,
}

#[napi(object)]
pub struct BulkPushResult {
    /// Output pieces in order (gzip members when the output is gzip).
    pub output: Vec<Buffer>,
    pub errors: Vec<BulkErrorInfo>,
    pub stopped: bool,
    /// Records read so far in the run (for a progress line).
    pub records: f64,
}

pub struct PushTask {
    session: Arc<Mutex<Session>>,
    /// `None` finishes the run.
    chunk: Option<Vec<u8>>,
}

impl Task for PushTask {
    type Output = (Pushed, u64);
    type JsValue = BulkPushResult;

    fn compute(&mut self) -> Result<(Pushed, u64)> {
        let chunk = self.chunk.take();
        let session = &self.session;
        // A panic here would abort the process from a pool thread: it becomes a coded error.
        catch_unwind(AssertUnwindSafe(|| {
            let mut session = session
                .lock()
                .map_err(|_| internal("the bulk session failed earlier"))?;
            let pushed = match chunk {
                Some(chunk) => session.push(&chunk),
                None => session.finish(),
            };
            Ok((pushed, session.summary().records))
        }))
        .unwrap_or_else(|_| Err(internal("the bulk session failed")))
    }

    /// Every failure of `compute` is an internal one: it rejects with `ERR_INTERNAL` as `code`.
    fn reject(&mut self, env: Env, error: Error) -> Result<BulkPushResult> {
        Err(into_plain(
            env,
            coded(Code::sanitize(ErrorCode::Internal), error.reason),
        ))
    }

    fn resolve(&mut self, _env: Env, (pushed, records): (Pushed, u64)) -> Result<BulkPushResult> {
        Ok(BulkPushResult {
            // Handed over without a copy: these are the large buffers of a bulk run.
            output: pushed.output.into_iter().map(Buffer::from).collect(),
            errors: pushed
                .errors
                .into_iter()
                .map(|e| BulkErrorInfo {
                    line: e.line as f64,
                    code: e.error.code.as_str().to_owned(),
                    message: format!("customerio-security: {}", e.error.message),
                })
                .collect(),
            stopped: pushed.stopped,
            records: records as f64,
        })
    }
}

/// Sanitizes the next chunk (copied: the task outlives the call).
#[napi(js_name = "bulkPush", ts_return_type = "Promise<BulkPushResult>")]
pub fn bulk_push(
    #[napi(ts_arg_type = "ExternalObject<'BulkSession'>")] session: &External<BulkSession>,
    #[napi(ts_arg_type = "Uint8Array")] chunk: Bytes<'_>,
) -> AsyncTask<PushTask> {
    AsyncTask::new(PushTask {
        session: Arc::clone(&session.0),
        chunk: Some(chunk.as_slice().to_vec()),
    })
}

/// Ends the input: the last record, and the check that a gzip stream was complete.
#[napi(js_name = "bulkFinish", ts_return_type = "Promise<BulkPushResult>")]
pub fn bulk_finish(
    #[napi(ts_arg_type = "ExternalObject<'BulkSession'>")] session: &External<BulkSession>,
) -> AsyncTask<PushTask> {
    AsyncTask::new(PushTask {
        session: Arc::clone(&session.0),
        chunk: None,
    })
}

#[napi(object)]
pub struct BulkPathCount {
    /// A path pattern: `contacts[].phone` (array indices left out, keys that look like personal
    /// data or ids shown as `<redacted>`).
    pub path: String,
    pub count: f64,
}

#[napi(object)]
pub struct BulkRuleCount {
    pub action: String,
    pub rule: String,
    pub count: f64,
    /// Where, by path pattern, most frequent first.
    pub paths: Vec<BulkPathCount>,
}

#[napi(object)]
pub struct BulkSummary {
    pub records: f64,
    pub written: f64,
    pub malformed: f64,
    /// Most frequent first.
    pub changes: Vec<BulkRuleCount>,
    pub stopped_at: Option<f64>,
}

#[napi(catch_unwind, js_name = "bulkSummary")]
pub fn bulk_summary(
    #[napi(ts_arg_type = "ExternalObject<'BulkSession'>")] session: &External<BulkSession>,
) -> Result<BulkSummary, Code> {
    let session = session.0.lock().map_err(|_| {
        coded(
            Code::sanitize(ErrorCode::Internal),
            "the bulk session failed earlier",
        )
    })?;
    let summary = session.summary();
    Ok(BulkSummary {
        records: summary.records as f64,
        written: summary.written as f64,
        malformed: summary.malformed as f64,
        changes: summary
            .counts
            .sorted()
            .into_iter()
            .map(|row| BulkRuleCount {
                action: row.action.to_owned(),
                rule: row.rule.to_owned(),
                count: row.count as f64,
                paths: row
                    .paths
                    .into_iter()
                    .map(|(path, count)| BulkPathCount {
                        path: path.to_owned(),
                        count: count as f64,
                    })
                    .collect(),
            })
            .collect(),
        stopped_at: summary.stopped_at.map(|line| line as f64),
    })
}
