//! A `tebiki serve` process for the tests: started on a free port with its output
//! captured, plain HTTP requests, and its event stream read on a thread. Included by
//! the test files that run serve (`#[path]`), not by every test binary.

// Each including file uses its own part of this.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `tebiki serve`; killed when dropped.
pub struct Serve {
    pub child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    pub fn start(root: &Path, extra: &[&str]) -> Serve {
        Serve::start_with_path(root, extra, None)
    }

    /// With `path` as the server's PATH, when given.
    pub fn start_with_path(root: &Path, extra: &[&str], path: Option<&std::ffi::OsStr>) -> Serve {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tebiki"));
        if let Some(path) = path {
            command.env("PATH", path);
        }
        let mut child = command
            .arg("serve")
            .arg("--root")
            .arg(root)
            .args(["--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tebiki serve starts");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = channel();
        let out = child.stdout.take().expect("stdout");
        let kept = stdout.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("Serving http://") {
                    let addr = rest.split('/').next().unwrap_or("").to_string();
                    let _ = tx.send(addr);
                }
                kept.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let err = child.stderr.take().expect("stderr");
        let kept = stderr.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(err);
            let mut buf = String::new();
            while reader.read_line(&mut buf).is_ok_and(|n| n > 0) {
                kept.lock().unwrap().push_str(&buf);
                buf.clear();
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "serve printed no address; stderr:\n{}",
                    stderr.lock().unwrap()
                );
            }
        };
        Serve {
            child,
            addr,
            stdout,
            stderr,
        }
    }

    pub fn get(&self, target: &str) -> Response {
        get(&self.addr, target)
    }

    pub fn events(&self) -> Events {
        Events::connect(&self.addr, "/__tebiki/events")
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A plain HTTP/1.0 GET, the target sent exactly as given (no client normalises it).
pub fn get(addr: &str, target: &str) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connect to serve");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(stream, "GET {target} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// One server-sent event: its name and data.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub data: serde_json::Value,
}

/// An open event stream, read on its own thread.
pub struct Events {
    rx: Receiver<Event>,
}

impl Events {
    pub fn connect(addr: &str, target: &str) -> Events {
        let mut stream = TcpStream::connect(addr).expect("connect to the event stream");
        write!(stream, "GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let reader = BufReader::new(stream);
            let mut name = String::new();
            let mut data = String::new();
            for line in reader.lines().map_while(Result::ok) {
                if let Some(n) = line.strip_prefix("event: ") {
                    name = n.to_string();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data = d.to_string();
                } else if line.is_empty() && !name.is_empty() {
                    let event = Event {
                        name: std::mem::take(&mut name),
                        data: serde_json::from_str(&std::mem::take(&mut data))
                            .expect("event data is JSON"),
                    };
                    if tx.send(event).is_err() {
                        return;
                    }
                }
            }
        });
        Events { rx }
    }

    pub fn next(&self, within: Duration) -> Option<Event> {
        match self.rx.recv_timeout(within) {
            Ok(e) => Some(e),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// The next event named `name`, skipping others.
    pub fn wait_for(&self, name: &str, within: Duration) -> Event {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left) {
                Some(e) if e.name == name => return e,
                Some(_) => continue,
                None => panic!("no `{name}` event within {within:?}"),
            }
        }
    }
}
