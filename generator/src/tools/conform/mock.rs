//! The two processes of a spec's run: Prism serving the spec, and the harness calling it,
//! each read as it goes so that either stopping is noticed at the operation it stopped in.

use std::collections::VecDeque;
use std::io::{BufRead as _, BufReader, Read};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long Prism may take to read a spec and listen.
const START_TIME: Duration = Duration::from_secs(90);

/// How many of a process's last lines are kept for the report.
const KEPT: usize = 200;

type Lines = Arc<Mutex<VecDeque<String>>>;

/// Prism could not serve the spec; why, with the last lines it printed.
pub struct NotServed(pub String);

/// Prism serving one spec on loopback.
pub struct Mock {
    child: Child,
    port: u16,
    errors: Lines,
}

impl Mock {
    /// Starts Prism with request validation on and answers made from the schemas (with a fixed
    /// seed, so a run can be repeated), and waits until it listens.
    pub fn start(prism: &Path, spec: &Path) -> Result<Self, NotServed> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| NotServed(format!("no free port for the mock server: {e}")))?;
        let mut child = Command::new(prism)
            .args(["mock", "--dynamic", "--seed", "1", "--host", "127.0.0.1", "--port", &port.to_string()])
            .arg(spec)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| NotServed(format!("Prism does not start: {e}")))?;
        // Prism says when it listens (it accepts connections a little before it answers them).
        let (ready_tx, ready_rx) = channel();
        let log = keep(child.stdout.take(), move |line| {
            if line.contains("Prism is listening") {
                let _ = ready_tx.send(());
            }
        });
        let errors = keep(child.stderr.take(), |_| {});
        let mut mock = Self { child, port, errors };
        if ready_rx.recv_timeout(START_TIME).is_err() {
            mock.stop();
            let text = format!("{}{}", text_of(&log), text_of(&mock.errors));
            let last: Vec<&str> = text.lines().rev().take(3).collect();
            return Err(NotServed(format!("Prism did not serve the spec: {}", last.join(" "))));
        }
        Ok(mock)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Whether Prism has exited, waiting for it up to `within`.
    pub fn stopped(&mut self, within: Duration) -> bool {
        let until = Instant::now() + within;
        loop {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return true;
            }
            if Instant::now() > until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What Prism printed when it stopped: the error it names.
    pub fn crash(&self) -> String {
        let text = text_of(&self.errors);
        // `TypeError: invalid media type`, not the source line that threw it.
        let error = text.lines().map(str::trim).find(|l| {
            l.split_once(": ").is_some_and(|(name, _)| name.ends_with("Error") && !name.contains(' '))
        });
        error.map_or_else(|| text.lines().rev().take(2).collect::<Vec<_>>().join(" "), str::to_owned)
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A harness calling the mock, its report read line by line.
pub struct Harness {
    child: Child,
    lines: Receiver<String>,
    errors: Lines,
    hung: bool,
}

impl Harness {
    /// Runs the harness against `url` from the operation numbered `first` on.
    pub fn start(binary: &Path, url: &str, first: usize) -> Result<Self, String> {
        let mut child = Command::new(binary)
            .arg(url)
            .arg(first.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("the harness does not start: {e}"))?;
        let (tx, lines) = channel();
        keep(child.stdout.take(), move |line| {
            let _ = tx.send(line.to_owned());
        });
        let errors = keep(child.stderr.take(), |_| {});
        Ok(Self { child, lines, errors, hung: false })
    }

    /// The next operation's report; none when the harness ended or gave none within `within`.
    pub fn next_line(&mut self, within: Duration) -> Option<Value> {
        let until = Instant::now() + within;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => match serde_json::from_str::<Value>(&line) {
                    Ok(report) if report.get("calls").is_some() => return Some(report),
                    _ => continue,
                },
                Err(RecvTimeoutError::Timeout) => {
                    self.hung = true;
                    return None;
                }
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Why the harness gave no report: the last lines it printed, or that it hung.
    pub fn stopped(&mut self) -> String {
        if self.hung {
            self.stop();
            return "no answer within the time an operation may take".into();
        }
        let _ = self.child.wait();
        let text = text_of(&self.errors);
        let last: Vec<&str> = text.lines().rev().take(3).collect();
        if last.is_empty() {
            "it exited without a report".into()
        } else {
            last.into_iter().rev().collect::<Vec<_>>().join(" ")
        }
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Reads `stream` line by line on a thread of its own, calling `each` with every line and
/// keeping the last lines.
fn keep(stream: Option<impl Read + Send + 'static>, mut each: impl FnMut(&str) + Send + 'static) -> Lines {
    let lines = Lines::default();
    if let Some(stream) = stream {
        let kept = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                each(&line);
                let mut kept = kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if kept.len() == KEPT {
                    kept.pop_front();
                }
                kept.push_back(line);
            }
        });
    }
    lines
}

fn text_of(lines: &Lines) -> String {
    lines.lock().map(|l| l.iter().map(|line| format!("{line}\n")).collect()).unwrap_or_default()
}
