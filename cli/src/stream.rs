//! Reading requests and writing responses: one request (a file or all of standard input), or
//! a stream of one request per line through buffered input and output with reused buffers.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, ErrorKind, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use landed::RateTables;

use crate::jobs::{Failure, Job, Layout};

/// Buffer size of the stream's input and output: large enough that a stream of small
/// requests costs a system call per few hundred lines, not per line.
const BUFFER: usize = 1 << 16;

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The input: standard input for `-`, else the file.
fn open(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    Ok(if is_stdin(path) {
        Box::new(BufReader::with_capacity(BUFFER, std::io::stdin().lock()))
    } else {
        Box::new(BufReader::with_capacity(BUFFER, File::open(path)?))
    })
}

/// Answers the one request of `path` (all of it), pretty-printed. A refused request prints
/// one line naming the field on standard error and exits with status 2.
pub fn single(tables: &RateTables, job: Job, path: &Path) -> ExitCode {
    let mut text = String::new();
    if let Err(e) = open(path).and_then(|mut r| r.read_to_string(&mut text)) {
        eprintln!("landed: {}: {e}", path.display());
        return ExitCode::from(1);
    }
    let mut out = Vec::with_capacity(4096);
    match job(tables, &text, &mut out, Layout::Pretty) {
        Ok(()) => {
            out.push(b'\n');
            match std::io::stdout().lock().write_all(&out) {
                // A closed pipe (`| head`) is not an error of the job.
                Err(e) if e.kind() != ErrorKind::BrokenPipe => {
                    eprintln!("landed: standard output: {e}");
                    ExitCode::from(1)
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            eprintln!("landed: {e}");
            ExitCode::from(2)
        }
    }
}

/// The answer to a line that failed: `{"line": N, "error": {"field": …, "message": …}}`, the
/// field `null` when the error is not about one field (no rate in force on the date, …).
#[derive(serde::Serialize)]
struct ErrorLine<'a> {
    line: u64,
    error: ErrorBody<'a>,
}

#[derive(serde::Serialize)]
struct ErrorBody<'a> {
    field: Option<&'a str>,
    message: String,
}

fn error_line(out: &mut Vec<u8>, line: u64, failure: &Failure) {
    let value = ErrorLine {
        line,
        error: ErrorBody {
            field: failure.field(),
            message: failure.message(),
        },
    };
    // A number and strings always serialize.
    let _ = serde_json::to_writer(out, &value);
}

/// Answers every line of `path`, one compact JSON line per request, in order. Blank lines are
/// skipped; a failed line is answered with an error object and the stream goes on; the exit
/// status is 2 at the end when any line failed.
pub fn jsonl(tables: &RateTables, job: Job, path: &Path) -> ExitCode {
    let mut input = match open(path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("landed: {}: {e}", path.display());
            return ExitCode::from(1);
        }
    };
    let mut output = BufWriter::with_capacity(BUFFER, std::io::stdout().lock());
    let mut line = Vec::with_capacity(4096);
    let mut out = Vec::with_capacity(16 * 1024);
    let (mut number, mut answered, mut failed) = (0u64, 0u64, 0u64);
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                let _ = output.flush();
                eprintln!(
                    "landed: {}: line {}: {e}",
                    path.display(),
                    number.saturating_add(1)
                );
                return ExitCode::from(1);
            }
        }
        number = number.saturating_add(1);
        out.clear();
        let result = match std::str::from_utf8(&line) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => job(tables, text, &mut out, Layout::Compact),
            Err(e) => Err(Failure::Landed(landed::Error::InvalidInput {
                field: "request".to_owned(),
                reason: format!("the line is not UTF-8 ({e}); send JSON text in UTF-8"),
            })),
        };
        answered = answered.saturating_add(1);
        if let Err(failure) = result {
            failed = failed.saturating_add(1);
            out.clear();
            error_line(&mut out, number, &failure);
        }
        out.push(b'\n');
        if let Err(e) = output.write_all(&out) {
            return output_error(&e, failed);
        }
    }
    if let Err(e) = output.flush() {
        return output_error(&e, failed);
    }
    if failed > 0 {
        eprintln!("landed: {failed} of {answered} requests failed (see their error lines)");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

/// A closed pipe (`| head`) ends the stream quietly; any other output error is status 1.
fn output_error(e: &std::io::Error, failed: u64) -> ExitCode {
    if e.kind() == ErrorKind::BrokenPipe {
        return if failed > 0 {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    eprintln!("landed: standard output: {e}");
    ExitCode::from(1)
}
